package prana

/*
#include "prana_webhook.h"
*/
import "C"

import "strings"

// Header is one HTTP header.
type Header struct {
	Name, Value string
}

// HTTPRequest is a parsed HTTP/1.x request head.
type HTTPRequest struct {
	Method              string
	Target              string
	VersionMinor        int
	HeadLen             int // the body starts here
	HasContentLength    bool
	ContentLength       uint64
	HasTransferEncoding bool
	KeepAlive           bool
	Headers             []Header
}

// ParseHTTPRequest parses the request head at the start of buf. An
// incomplete head is an *Error with StatusHTTPIncomplete: read more and retry.
func ParseHTTPRequest(buf []byte) (*HTTPRequest, error) {
	var r C.prana_http_request
	if err := call(func(perr *C.prana_error) C.prana_status {
		return C.prana_http_parse_request(bytesPtr(buf), C.size_t(len(buf)), &r, perr)
	}); err != nil {
		return nil, err
	}
	span := func(s C.prana_span) string { return string(buf[int(s.offset) : int(s.offset)+int(s.len)]) }
	out := &HTTPRequest{
		Method:              span(r.method),
		Target:              span(r.target),
		VersionMinor:        int(r.version_minor),
		HeadLen:             int(r.head_len),
		HasContentLength:    bool(r.has_content_length),
		ContentLength:       uint64(r.content_length),
		HasTransferEncoding: bool(r.has_transfer_encoding),
		KeepAlive:           bool(r.keep_alive),
	}
	for i := 0; i < int(r.header_count); i++ {
		h := r.headers[i]
		out.Headers = append(out.Headers, Header{Name: span(h.name), Value: span(h.value)})
	}
	return out, nil
}

// Header is the value of the first header called name (case-insensitive).
func (r *HTTPRequest) Header(name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}
