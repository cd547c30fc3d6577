package prana

/*
#include "prana_webhook.h"
*/
import "C"

import "encoding/json"

// ValidateJSON checks that s is exactly one JSON value (RFC 8259, nesting
// at most 32 deep; surrounding whitespace allowed). The error has
// StatusInvalidJSON and says what is wrong.
func ValidateJSON(s []byte) error {
	j := newCbytes(s)
	return call(func(perr *C.prana_error) C.prana_status { return C.prana_json_validate(j.ptr(), j.len(), perr) })
}

// FindJSONMember returns the raw JSON value of member key of the object obj
// (a subslice of obj) and whether it is there. Keys are compared decoded;
// a repeated key counts by its first occurrence. The whole of obj is
// validated: StatusInvalidJSON, or StatusNotAnObject for another kind of
// value.
func FindJSONMember(obj []byte, key string) (value json.RawMessage, found bool, err error) {
	o, k := newCbytes(obj), newCstr(key)
	var f C.bool
	var off, n C.size_t
	err = call(func(perr *C.prana_error) C.prana_status {
		return C.prana_json_find_member(o.ptr(), o.len(), k.ptr(), k.len(), &f, &off, &n, perr)
	})
	if err != nil || !bool(f) {
		return nil, false, err
	}
	return json.RawMessage(obj[int(off) : int(off)+int(n) : int(off)+int(n)]), true, nil
}

// DecodeJSONString decodes the JSON string value raw (every escape,
// surrogate pairs joined). Errors: StatusInvalidJSON, StatusNotAString,
// StatusJSONLoneSurrogate (a \uXXXX escape without the other half of its
// surrogate pair).
func DecodeJSONString(raw []byte) (string, error) {
	r := newCbytes(raw)
	// The decoded text is never longer than raw: len(raw) bytes hold it and its NUL.
	return outString(len(raw)+1, func(buf *C.char, l C.size_t, out *C.size_t, perr *C.prana_error) C.prana_status {
		return C.prana_json_decode_string(r.ptr(), r.len(), buf, l, out, perr)
	})
}

// JSONEqual reports whether a and b are structurally equal JSON values:
// objects by members in any order, arrays in order, strings decoded,
// numbers by value (1 equals 1.0; integers exactly), literals by name.
// Invalid JSON on either side is an error with StatusInvalidJSON.
func JSONEqual(a, b []byte) (bool, error) {
	x, y := newCbytes(a), newCbytes(b)
	var eq C.bool
	err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_json_equal(x.ptr(), x.len(), y.ptr(), y.len(), &eq, perr)
	})
	return bool(eq), err
}
