//! Fuzz entry functions for the C ABI (`libprana_webhook`), called exactly as
//! a C gateway calls them. Shared by the cargo-fuzz targets and by
//! `ffi/tests/fuzz_regressions.rs`, which replays the saved inputs
//! under `core/tests/fuzz_regressions/<target>/` for these targets.

use std::ffi::c_char;
use std::mem::MaybeUninit;

use prana_webhook::http::{
    prana_http_parse_request, prana_http_request, prana_http_request_header,
};
use prana_webhook::route::{
    prana_precheck, prana_request_check, prana_route, prana_route_kind, prana_route_parse,
    prana_span,
};
use prana_webhook::status::prana_error;
use prana_webhook::urls::{prana_base_url_free, prana_base_url_new};
use prana_webhook::{prana_status, PRANA_NUL_TERMINATED};

/// A fuzz target: its name and its entry function.
pub type Target = (&'static str, fn(&[u8]));

/// The C ABI targets: name and entry function.
pub const FFI_TARGETS: &[Target] = &[("http_head", http_head), ("c_abi_route", c_abi_route)];

fn span<'a>(buf: &'a [u8], s: &prana_span) -> &'a [u8] {
    let end = s.offset.checked_add(s.len).expect("span end overflows");
    buf.get(s.offset..end).expect("span lies inside the buffer")
}

/// Any bytes as an HTTP request head: parsing never crashes; on success
/// every span lies in the head, the counts are in range, framing is
/// consistent, header lookup finds what the array holds, and the target
/// goes through the request precheck; the same bytes cut short parse as
/// incomplete or as the same head.
pub fn http_head(data: &[u8]) {
    let mut out = Box::new(MaybeUninit::<prana_http_request>::uninit());
    let s = prana_http_parse_request(
        data.as_ptr(),
        data.len(),
        out.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    if s != prana_status::PRANA_STATUS_OK {
        return;
    }
    // SAFETY: written on success.
    let req = unsafe { out.assume_init_ref() };
    assert!(req.head_len <= data.len());
    let head = &data[..req.head_len];
    assert!(!span(head, &req.method).is_empty());
    let target = span(head, &req.target);
    assert!(req.header_count <= req.headers.len());
    assert!(!(req.has_content_length && req.has_transfer_encoding));
    assert!(req.version_minor <= 1);
    for h in &req.headers[..req.header_count] {
        let name = span(head, &h.name);
        let value = span(head, &h.value);
        assert!(!value.contains(&b'\r') && !value.contains(&b'\n'));
        let mut found = MaybeUninit::<prana_span>::uninit();
        let s = prana_http_request_header(
            req,
            data.as_ptr(),
            data.len(),
            name.as_ptr().cast::<c_char>(),
            name.len(),
            found.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        if std::str::from_utf8(name).is_ok() {
            assert_eq!(s, prana_status::PRANA_STATUS_OK);
            // SAFETY: written on success.
            let v = span(data, unsafe { found.assume_init_ref() });
            let _ = v;
        }
    }
    // The head is a prefix: the bytes before its end are incomplete.
    if req.head_len > 0 {
        let mut short = Box::new(MaybeUninit::<prana_http_request>::uninit());
        let s = prana_http_parse_request(
            data.as_ptr(),
            req.head_len - 1,
            short.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_ne!(
            s,
            prana_status::PRANA_STATUS_OK,
            "a head shorter by one byte parsed"
        );
    }
    route_bytes("https://gw.example.com", target, span(head, &req.method));
}

fn route_bytes(base: &str, target: &[u8], method: &[u8]) {
    let mut base_h = std::ptr::null_mut();
    assert_eq!(
        prana_base_url_new(
            base.as_ptr().cast(),
            base.len(),
            &mut base_h,
            core::ptr::null_mut()
        ),
        prana_status::PRANA_STATUS_OK
    );
    let mut route = MaybeUninit::<prana_route>::uninit();
    let s = prana_route_parse(
        base_h,
        target.as_ptr().cast(),
        target.len(),
        route.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    // Zeroed once: the bytes after the answer's message NUL are not
    // written, and the whole struct is read below.
    let mut pre = Box::new(MaybeUninit::<prana_precheck>::zeroed());
    let p = prana_request_check(
        base_h,
        method.as_ptr().cast(),
        method.len(),
        target.as_ptr().cast(),
        target.len(),
        0,
        65536,
        pre.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    if s == prana_status::PRANA_STATUS_OK {
        // SAFETY: written on success.
        let r = unsafe { route.assume_init_ref() };
        assert_ne!(r.kind, prana_route_kind::PRANA_ROUTE_NONE);
        let id = span(target, &r.id);
        assert!(!id.is_empty());
        if r.has_query {
            let q = span(target, &r.query);
            assert_eq!(q.as_ptr_range().end, target.as_ptr_range().end);
        }
        assert_eq!(p, prana_status::PRANA_STATUS_OK);
    }
    if p == prana_status::PRANA_STATUS_OK {
        // SAFETY: written on success.
        let pre = unsafe { pre.assume_init_ref() };
        let code = unsafe { std::ffi::CStr::from_ptr(pre.answer.code) };
        assert_eq!(pre.accepted, code.is_empty());
        assert!(pre.accepted || pre.answer.http_status >= 400);
    }
    same_as_c_string(base_h, target);
    prana_base_url_free(base_h);
}

/// The target as a C string (cut at its first NUL) with
/// `PRANA_NUL_TERMINATED` parses as it does with its explicit length, and
/// the `prana_error` out-parameter agrees with the status: its code is the
/// status, and its message is empty exactly on success.
fn same_as_c_string(base_h: *mut prana_webhook::urls::prana_base_url, target: &[u8]) {
    let cut = target.iter().position(|&b| b == 0).unwrap_or(target.len());
    let mut c = target[..cut].to_vec();
    c.push(0);
    let (mut e1, mut e2) = (prana_error::default(), prana_error::default());
    let mut r1 = MaybeUninit::<prana_route>::uninit();
    let mut r2 = MaybeUninit::<prana_route>::uninit();
    let a = prana_route_parse(
        base_h,
        c.as_ptr().cast(),
        PRANA_NUL_TERMINATED,
        r1.as_mut_ptr(),
        &mut e1,
    );
    let b = prana_route_parse(base_h, c.as_ptr().cast(), cut, r2.as_mut_ptr(), &mut e2);
    assert_eq!(a, b);
    assert_eq!((e1.code, e2.code), (a, b));
    assert_eq!(e1.message_len, e2.message_len);
    assert_eq!(a == prana_status::PRANA_STATUS_OK, e1.message_len == 0);
    // SAFETY: `message` is NUL-terminated after every call.
    let m = unsafe { std::ffi::CStr::from_ptr(e1.message.as_ptr()) };
    assert_eq!(m.to_bytes().len(), e1.message_len.min(e1.message.len() - 1));
}

/// Raw bytes (not necessarily UTF-8) as a request target through the C ABI:
/// statuses, never a crash; spans inside the input.
pub fn c_abi_route(data: &[u8]) {
    let (method, target) = match data.split_first() {
        Some((m, rest)) => (["POST", "GET", "PUT", "post"][usize::from(*m) % 4], rest),
        None => ("POST", data),
    };
    route_bytes("https://gw.example.com/hooks", target, method.as_bytes());
    route_bytes("http://127.0.0.1:8080", target, method.as_bytes());
}
