//! An HTTP/1.1 request-head parser for C gateways (httparse underneath), so
//! no C program has to hand-parse HTTP.

use core::ffi::c_char;
use core::ptr::addr_of;

use crate::abi::{bytes, guard, text, Fail, FfiResult, Out};
use crate::route::prana_span;
use crate::status::{prana_error, prana_status};

/// Most headers `prana_http_parse_request` accepts in one request.
pub const PRANA_HTTP_MAX_HEADERS: usize = 64;

/// One header: spans of its name and value in the request buffer. The
/// value has no leading or trailing whitespace and may hold any bytes
/// except CR/LF (it is not checked for UTF-8).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct prana_http_header {
    /// The header name, as sent (compare case-insensitively).
    pub name: prana_span,
    /// The header value.
    pub value: prana_span,
}

/// A parsed HTTP/1.x request head. Filled by `prana_http_parse_request`;
/// plain data the caller owns (put it on the stack or in a connection
/// struct). Spans point into the parsed buffer and are valid as long as it
/// is unchanged.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_http_request {
    /// The method (`POST`, `GET`, ...), case as sent.
    pub method: prana_span,
    /// The request target (`/webhook/workflow/resume/...?...`), for
    /// `prana_request_check`.
    pub target: prana_span,
    /// 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub version_minor: u8,
    /// Bytes of the head including the final empty line; the body starts here.
    pub head_len: usize,
    /// Whether a `Content-Length` header is present.
    pub has_content_length: bool,
    /// Its value (0 when absent). Several equal `Content-Length` headers
    /// are accepted; differing ones are `PRANA_STATUS_HTTP_BAD_FRAMING`.
    pub content_length: u64,
    /// Whether a `Transfer-Encoding` header is present (the body is then
    /// chunked or otherwise encoded; with `Content-Length` too the request is
    /// rejected as `PRANA_STATUS_HTTP_BAD_FRAMING`).
    pub has_transfer_encoding: bool,
    /// Whether the connection stays open after the response: HTTP/1.1
    /// unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    pub keep_alive: bool,
    /// Number of entries used in `headers`.
    pub header_count: usize,
    /// The headers, in order.
    pub headers: [prana_http_header; PRANA_HTTP_MAX_HEADERS],
}

fn header_is(name: &str, want: &str) -> bool {
    name.eq_ignore_ascii_case(want)
}

/// Comma-separated tokens of a header value, trimmed.
fn tokens(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|b| *b == b',').map(|t| t.trim_ascii())
}

fn parse_content_length(value: &[u8]) -> FfiResult<u64> {
    let bad = || {
        Fail::new(
            prana_status::PRANA_STATUS_HTTP_BAD_FRAMING,
            "Content-Length must be a decimal number of bytes",
        )
    };
    if value.is_empty() || value.len() > 19 || !value.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    core::str::from_utf8(value)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(bad)
}

fn parse_head(buf: &[u8]) -> FfiResult<prana_http_request> {
    let mut headers = [httparse::EMPTY_HEADER; PRANA_HTTP_MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return Err(Fail::new(
                prana_status::PRANA_STATUS_HTTP_INCOMPLETE,
                format_args!("the request head is incomplete after {} bytes", buf.len()),
            ))
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Fail::new(
                prana_status::PRANA_STATUS_HTTP_TOO_MANY_HEADERS,
                format_args!("the request has more than {PRANA_HTTP_MAX_HEADERS} headers"),
            ))
        }
        Err(e) => {
            return Err(Fail::new(
                prana_status::PRANA_STATUS_HTTP_MALFORMED,
                format_args!("malformed HTTP request head: {e}"),
            ))
        }
    };
    let malformed = |what: &str| {
        Fail::new(
            prana_status::PRANA_STATUS_HTTP_MALFORMED,
            format_args!("malformed HTTP request head: {what}"),
        )
    };
    let method = req.method.ok_or_else(|| malformed("no method"))?;
    let target = req.path.ok_or_else(|| malformed("no request target"))?;
    let version_minor = req.version.ok_or_else(|| malformed("no version"))?;

    let mut out = prana_http_request {
        method: prana_span::of(buf, method.as_bytes()),
        target: prana_span::of(buf, target.as_bytes()),
        version_minor,
        head_len,
        has_content_length: false,
        content_length: 0,
        has_transfer_encoding: false,
        keep_alive: version_minor >= 1,
        header_count: req.headers.len(),
        headers: [prana_http_header::default(); PRANA_HTTP_MAX_HEADERS],
    };
    let mut saw_close = false;
    let mut saw_keep_alive = false;
    for (slot, h) in out.headers.iter_mut().zip(req.headers.iter()) {
        *slot = prana_http_header {
            name: prana_span::of(buf, h.name.as_bytes()),
            value: prana_span::of(buf, h.value),
        };
        if header_is(h.name, "content-length") {
            let n = parse_content_length(h.value)?;
            if out.has_content_length && out.content_length != n {
                return Err(Fail::new(
                    prana_status::PRANA_STATUS_HTTP_BAD_FRAMING,
                    "several Content-Length headers with different values",
                ));
            }
            out.has_content_length = true;
            out.content_length = n;
        } else if header_is(h.name, "transfer-encoding") {
            out.has_transfer_encoding = true;
        } else if header_is(h.name, "connection") {
            for t in tokens(h.value) {
                saw_close |= t.eq_ignore_ascii_case(b"close");
                saw_keep_alive |= t.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }
    if out.has_content_length && out.has_transfer_encoding {
        return Err(Fail::new(
            prana_status::PRANA_STATUS_HTTP_BAD_FRAMING,
            "both Content-Length and Transfer-Encoding are present",
        ));
    }
    out.keep_alive = !saw_close && (version_minor >= 1 || saw_keep_alive);
    Ok(out)
}

/// Parse the HTTP/1.x request head at the start of `buf` (`len` bytes read
/// so far) into `*out`: method, target, version, headers, `Content-Length`,
/// keep-alive and the head length (where the body starts).
///
/// Statuses: `PRANA_STATUS_OK`; `PRANA_STATUS_HTTP_INCOMPLETE` (read more
/// bytes and call again with the whole buffer); `PRANA_STATUS_HTTP_TOO_MANY_HEADERS`
/// (more than `PRANA_HTTP_MAX_HEADERS`); `PRANA_STATUS_HTTP_MALFORMED`;
/// `PRANA_STATUS_HTTP_BAD_FRAMING`. `*out` is written only on success; its
/// spans point into `buf`. The buffer need not be text. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_http_parse_request(
    buf: *const u8,
    len: usize,
    out: *mut prana_http_request,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let b = bytes(buf, len, "buf")?;
        let out = Out::new(out, "out")?;
        out.write(parse_head(b)?);
        Ok(())
    })
}

/// The span of `s` in `buf`, checked (a `prana_http_request` is caller memory).
fn slice_of(buf: &[u8], s: prana_span) -> FfiResult<&[u8]> {
    s.offset
        .checked_add(s.len)
        .and_then(|end| buf.get(s.offset..end))
        .ok_or_else(|| Fail::invalid("request span lies outside the buffer"))
}

/// Find the first header called `name` (ASCII case-insensitive, for example
/// "webhook-signature") in a request parsed by `prana_http_parse_request`
/// from `buf` (pass the same buffer and length). On success `*out` is the
/// span of its value in `buf`. `PRANA_STATUS_HTTP_HEADER_NOT_FOUND` when
/// absent; `PRANA_STATUS_INVALID_ARGUMENT` when `request` does not fit `buf`.
/// To see every header of a name, walk `request->headers`.
///
/// Its use: a gateway that accepts Standard Webhooks requests reads the
/// `webhook-id`, `webhook-timestamp` and `webhook-signature` values with it
/// and hands them to `prana_webhook_secret_verify`; a gateway behind a proxy
/// reads `Host` or `X-Forwarded-Proto`. The value is a span into `buf`
/// (nothing is copied; valid while `buf` is). Thread-safe.
#[no_mangle]
pub extern "C" fn prana_http_request_header(
    request: *const prana_http_request,
    buf: *const u8,
    len: usize,
    name: *const c_char,
    name_len: usize,
    out: *mut prana_span,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        if request.is_null() {
            return Err(Fail::null("request"));
        }
        let b = bytes(buf, len, "buf")?;
        let want = text(name, name_len, "name")?;
        let out = Out::new(out, "out")?;
        // SAFETY: `request` is non-NULL and points to a caller-owned
        // `prana_http_request` (header contract). Only the `usize` count and
        // the plain-integer header array are read, by raw pointer, so no
        // reference to a struct with possibly invalid `bool` fields is made.
        let (count, headers) = unsafe {
            (
                addr_of!((*request).header_count).read(),
                &*addr_of!((*request).headers),
            )
        };
        if count > PRANA_HTTP_MAX_HEADERS {
            return Err(Fail::invalid(format_args!(
                "request->header_count is {count}; at most {PRANA_HTTP_MAX_HEADERS}"
            )));
        }
        for h in &headers[..count] {
            if slice_of(b, h.name)?.eq_ignore_ascii_case(want.as_bytes()) {
                slice_of(b, h.value)?;
                out.write(h.value);
                return Ok(());
            }
        }
        Err(Fail::new(
            prana_status::PRANA_STATUS_HTTP_HEADER_NOT_FOUND,
            format_args!("no '{want}' header"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> FfiResult<prana_http_request> {
        parse_head(s)
    }

    #[test]
    fn parses_a_post() {
        let raw = b"POST /webhook/workflow/resume/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nwebhook-id: msg_1\r\n\r\nhello";
        let r = parse(raw).unwrap();
        assert_eq!(&raw[r.method.offset..][..r.method.len], b"POST");
        assert_eq!(
            &raw[r.target.offset..][..r.target.len],
            b"/webhook/workflow/resume/x"
        );
        assert_eq!(r.content_length, 5);
        assert!(r.has_content_length && r.keep_alive);
        assert_eq!(&raw[r.head_len..], b"hello");
        assert_eq!(r.header_count, 3);
    }

    #[test]
    fn framing_and_connection() {
        assert!(parse(b"GET / HTTP/1.0\r\n\r\n")
            .map(|r| !r.keep_alive)
            .unwrap());
        assert!(
            parse(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
                .unwrap()
                .keep_alive
        );
        assert!(
            !parse(b"GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n")
                .unwrap()
                .keep_alive
        );
        let st = |r: FfiResult<prana_http_request>| r.unwrap_err().status;
        assert_eq!(
            st(parse(b"GET / HTTP/1.1\r\nHost: a\r\n")),
            prana_status::PRANA_STATUS_HTTP_INCOMPLETE
        );
        assert_eq!(
            st(parse(b"G(T / HTTP/1.1\r\n\r\n")),
            prana_status::PRANA_STATUS_HTTP_MALFORMED
        );
        assert_eq!(
            st(parse(
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            )),
            prana_status::PRANA_STATUS_HTTP_BAD_FRAMING
        );
        assert_eq!(
            st(parse(b"POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n")),
            prana_status::PRANA_STATUS_HTTP_BAD_FRAMING
        );
        assert_eq!(
            st(parse(
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
            )),
            prana_status::PRANA_STATUS_HTTP_BAD_FRAMING
        );
    }
}
