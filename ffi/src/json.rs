//! Reading JSON text in node handlers: validate a value, find a member of
//! an object, decode a string, compare two values.
//!
//! A handler gets its params and input as JSON text (`prana_node_call`);
//! these functions give it the library's strict scanner instead of a JSON
//! reader of its own. They work on the caller's text in place: a member is
//! returned as a span of it, nothing is parsed into a structure, and only
//! `prana_json_decode_string` writes anything (into the caller's buffer).

use core::ffi::c_char;

use prana_webhook_core::{json, Error};

use crate::abi::{guard, text, Fail, FfiResult, Out, StrOut};
use crate::route::prana_span;
use crate::status::{prana_error, prana_status};

/// Validate one JSON value; on failure name the argument in the message.
fn value<'a>(s: &'a str, what: &str) -> FfiResult<&'a str> {
    json::validate(s).map_err(|e| named(e, what))
}

/// `e` with the argument's name before its message.
fn named(e: Error, what: &str) -> Fail {
    let fail = Fail::from(e);
    Fail::new(fail.status, format_args!("{what}: {}", fail.message))
}

/// Check that `json` (`json_len` bytes) is exactly one JSON value (RFC 8259:
/// strings with escapes, numbers, `true`, `false`, `null`, arrays and
/// objects nested at most 32 deep), surrounding whitespace allowed.
///
/// Errors: `PRANA_STATUS_INVALID_JSON` (the message says what and where is
/// wrong; empty text is invalid), plus the text-input statuses.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn prana_json_validate(
    json: *const c_char,
    json_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = text(json, json_len, "json")?;
        value(s, "json")?;
        Ok(())
    })
}

/// Find the member `key` of the JSON object `obj` (top level only).
///
/// `key` is plain text (`key_len` bytes; may be empty); member keys are
/// compared after decoding their escapes, and when a key occurs more than
/// once the first occurrence counts. The whole of `obj` is validated first.
///
/// Output: `*found` says whether the member is there. When it is, the raw
/// JSON text of its value is the span `obj + *value_offset`,
/// `*value_len` bytes, of the caller's text (not a copy, not
/// NUL-terminated; decode a string value with `prana_json_decode_string`).
/// When it is not, `*value_offset` and `*value_len` are 0.
///
/// Errors: `PRANA_STATUS_INVALID_JSON` when `obj` is not valid JSON,
/// `PRANA_STATUS_NOT_AN_OBJECT` when it is another kind of value, plus the
/// text-input statuses and `PRANA_STATUS_NULL_ARGUMENT` for a NULL out
/// pointer. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_json_find_member(
    obj: *const c_char,
    obj_len: usize,
    key: *const c_char,
    key_len: usize,
    found: *mut bool,
    value_offset: *mut usize,
    value_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let found = Out::new(found, "found")?;
        let value_offset = Out::new(value_offset, "value_offset")?;
        let value_len = Out::new(value_len, "value_len")?;
        let whole = text(obj, obj_len, "obj")?;
        let key = text(key, key_len, "key")?;
        // Validation and search in one pass; syntax errors name the
        // argument as `prana_json_validate` does.
        let found_value = match json::find_member_checked(whole, key, "obj") {
            Ok(v) => v,
            Err(e @ Error::NotAnObject(_)) => return Err(e.into()),
            Err(e) => return Err(named(e, "obj")),
        };
        let span = found_value.map(|v| prana_span::of(whole.as_bytes(), v.as_bytes()));
        found.write(span.is_some());
        let span = span.unwrap_or_default();
        value_offset.write(span.offset);
        value_len.write(span.len);
        Ok(())
    })
}

/// Decode the JSON string value `raw` (`raw_len` bytes, one string,
/// surrounding whitespace allowed) into UTF-8 text: every escape is decoded
/// (`\" \\ \/ \b \f \n \r \t` and `\uXXXX`), a surrogate pair
/// (`\ud83d\ude00`) gives one character.
///
/// Output as every text output: the text and a NUL in `buf`, `*out_len` =
/// its length without the NUL; `PRANA_STATUS_BUFFER_TOO_SMALL` sets
/// `*out_len` to the size needed with the NUL and leaves `buf` untouched
/// (`buf` may be NULL when `len` is 0). A buffer of `raw_len` bytes always
/// suffices. A `\u0000` escape decodes to a NUL byte inside the text: use
/// `*out_len`, not `strlen`, when that matters.
///
/// Errors: `PRANA_STATUS_INVALID_JSON` when `raw` is not valid JSON (a bad
/// escape, a raw control character, trailing text, ...),
/// `PRANA_STATUS_NOT_A_STRING` when it is another kind of value,
/// `PRANA_STATUS_JSON_LONE_SURROGATE` when a `\uXXXX` escape is half of a
/// surrogate pair without the other half (no UTF-8 form; the message gives
/// its byte offset), plus the text-input and text-output statuses.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn prana_json_decode_string(
    raw: *const c_char,
    raw_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let raw = text(raw, raw_len, "raw")?;
        let out = StrOut::new(buf, len, out_len)?;
        if !value(raw, "raw")?.starts_with('"') {
            return Err(Error::NotAString("raw").into());
        }
        // A size query first, so that `buf` is written only when it fits.
        let needed = match json::decode_str(raw, &mut []) {
            Ok(n) => n,
            Err(Error::BufferTooSmall { needed }) => needed,
            Err(e) => return Err(e.into()),
        };
        out.check_fits(needed)?;
        // It fits: decoded straight into the caller's buffer.
        out.write_serialized(needed, |b| json::decode_str(raw, b))
    })
}

/// Whether the JSON values `a` and `b` are structurally equal: `*out_equal`.
///
/// Objects are equal with the same keys and equal values in any order (keys
/// compared decoded; a repeated key counts by its first occurrence), arrays
/// with equal elements in the same order, strings when they decode to the
/// same text (`"\u0041"` equals `"A"`), numbers when their text is equal,
/// or when both are integers with the same value (exact at any size, `-0`
/// equals `0`), or else when both parse to the same finite double (`1`
/// equals `1.0` and `1e0`); `true`, `false` and `null` equal themselves.
/// Values of different kinds are not equal. Whitespace never matters.
///
/// Errors: `PRANA_STATUS_INVALID_JSON` when `a` or `b` is not exactly one
/// valid JSON value (the message names which), plus the text-input statuses
/// and `PRANA_STATUS_NULL_ARGUMENT` for a NULL `out_equal`. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_json_equal(
    a: *const c_char,
    a_len: usize,
    b: *const c_char,
    b_len: usize,
    out_equal: *mut bool,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let out = Out::new(out_equal, "out_equal")?;
        let a = value(text(a, a_len, "a")?, "a")?;
        let b = value(text(b, b_len, "b")?, "b")?;
        out.write(json::equal(a, b)?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::last_error;

    fn find(obj: &str, key: &str) -> (prana_status, bool, usize, usize) {
        let (mut f, mut off, mut len) = (true, 99, 99);
        let st = prana_json_find_member(
            obj.as_ptr().cast(),
            obj.len(),
            key.as_ptr().cast(),
            key.len(),
            &mut f,
            &mut off,
            &mut len,
            core::ptr::null_mut(),
        );
        (st, f, off, len)
    }

    fn decode(raw: &str, cap: usize) -> (prana_status, usize, Vec<u8>) {
        let mut buf = vec![b'#'; cap];
        let mut n = 0usize;
        let ptr = if cap == 0 {
            core::ptr::null_mut()
        } else {
            buf.as_mut_ptr().cast()
        };
        let st = prana_json_decode_string(
            raw.as_ptr().cast(),
            raw.len(),
            ptr,
            cap,
            &mut n,
            core::ptr::null_mut(),
        );
        (st, n, buf)
    }

    fn equal(a: &str, b: &str) -> (prana_status, bool) {
        let mut eq = false;
        let st = prana_json_equal(
            a.as_ptr().cast(),
            a.len(),
            b.as_ptr().cast(),
            b.len(),
            &mut eq,
            core::ptr::null_mut(),
        );
        (st, eq)
    }

    #[test]
    fn validate() {
        let ok = b" {\"a\": [1, \"\\u00e9\"]} ";
        assert_eq!(
            prana_json_validate(ok.as_ptr().cast(), ok.len(), core::ptr::null_mut()),
            prana_status::PRANA_STATUS_OK
        );
        assert_eq!(
            prana_json_validate(core::ptr::null(), 0, core::ptr::null_mut()),
            prana_status::PRANA_STATUS_INVALID_JSON
        );
        assert!(
            last_error().starts_with("json: invalid JSON"),
            "{}",
            last_error()
        );
        let bad = b"[1,]";
        assert_eq!(
            prana_json_validate(bad.as_ptr().cast(), bad.len(), core::ptr::null_mut()),
            prana_status::PRANA_STATUS_INVALID_JSON
        );
    }

    #[test]
    fn find_member_gives_a_span_of_the_callers_text() {
        let obj = r#"  {"a": 1, "m\u0065ssage" : "hi \"x\"", "o": {"a": 2}} "#;
        let (st, found, off, len) = find(obj, "message");
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        assert!(found);
        assert_eq!(&obj[off..off + len], r#""hi \"x\"""#);
        let (st, found, off, len) = find(obj, "o");
        assert_eq!((st, found), (prana_status::PRANA_STATUS_OK, true));
        assert_eq!(&obj[off..off + len], r#"{"a": 2}"#);
        assert_eq!(
            find(obj, "zz"),
            (prana_status::PRANA_STATUS_OK, false, 0, 0)
        );
        assert_eq!(find("[1]", "a").0, prana_status::PRANA_STATUS_NOT_AN_OBJECT);
        assert_eq!(last_error(), "obj must be a JSON object");
        // The whole object is checked, even after the member.
        assert_eq!(
            find(r#"{"a": 1, "b": }"#, "a").0,
            prana_status::PRANA_STATUS_INVALID_JSON
        );
        assert!(
            last_error().starts_with("obj: invalid JSON"),
            "{}",
            last_error()
        );
    }

    #[test]
    fn decode_string() {
        let raw = r#""caf\u00e9 \ud83d\ude00\n""#;
        let (st, need, buf) = decode(raw, 0);
        assert_eq!(st, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(need, "café 😀\n".len() + 1);
        assert!(buf.is_empty());
        let (st, _, buf) = decode(raw, need - 1);
        assert_eq!(st, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
        assert!(buf.iter().all(|&c| c == b'#'));
        let (st, n, buf) = decode(raw, need);
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        assert_eq!(&buf[..n], "café 😀\n".as_bytes());
        assert_eq!(buf[n], 0);
        // raw_len bytes always suffice.
        assert_eq!(decode(raw, raw.len()).0, prana_status::PRANA_STATUS_OK);
        let (st, n, buf) = decode(r#""""#, 1);
        assert_eq!((st, n, buf[0]), (prana_status::PRANA_STATUS_OK, 0, 0));

        assert_eq!(decode("12", 8).0, prana_status::PRANA_STATUS_NOT_A_STRING);
        assert_eq!(last_error(), "raw must be a JSON string");
        assert_eq!(
            decode(r#""\q""#, 8).0,
            prana_status::PRANA_STATUS_INVALID_JSON
        );
        assert!(last_error().starts_with("raw: invalid JSON"));
        assert_eq!(
            decode(r#" "a\udc00""#, 16).0,
            prana_status::PRANA_STATUS_JSON_LONE_SURROGATE
        );
        assert!(last_error().contains("at byte 3"), "{}", last_error());
        // Errors win over a size query.
        assert_eq!(
            decode(r#""\ud800""#, 0).0,
            prana_status::PRANA_STATUS_JSON_LONE_SURROGATE
        );
    }

    #[test]
    fn equal_values() {
        let yes = (prana_status::PRANA_STATUS_OK, true);
        let no = (prana_status::PRANA_STATUS_OK, false);
        assert_eq!(
            equal(
                r#"{"a":[1,"x"],"b":null}"#,
                r#" {"b": null, "a": [1.0, "\u0078"]} "#
            ),
            yes
        );
        assert_eq!(equal("[1,2]", "[2,1]"), no);
        assert_eq!(equal("true", "\"true\""), no);
        assert_eq!(equal("{", "{}").0, prana_status::PRANA_STATUS_INVALID_JSON);
        assert!(last_error().starts_with("a: "), "{}", last_error());
        assert_eq!(equal("{}", "").0, prana_status::PRANA_STATUS_INVALID_JSON);
        assert!(last_error().starts_with("b: "), "{}", last_error());
    }
}
