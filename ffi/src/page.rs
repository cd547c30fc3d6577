//! The page a person sees on a resume URL, the JSON a GET without HTML
//! gets, and form decoding: written by the library into caller buffers, so
//! no host escapes HTML or parses a form itself.

use core::ffi::c_char;

use prana_webhook_core::page::{self, ResultPage};

use crate::abi::{self, guard, guard_value, handle, text, Fail, FfiResult, Out, StrOut};
use crate::registration::prana_registration;
use crate::status::{prana_error, prana_status};

/// The page after a POST on a resume or cancel URL (or a visit that cannot
/// act), with the HTTP status `prana_page_render_result` gives.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_result_page {
    /// The answer was recorded; the workflow continues (200).
    PRANA_PAGE_DONE = 0,
    /// The request was rejected or cancelled (200).
    PRANA_PAGE_REJECTED = 1,
    /// The link was already used (409; answer code webhook_already_used).
    PRANA_PAGE_ALREADY_USED = 2,
    /// The link has expired (410; webhook_expired).
    PRANA_PAGE_EXPIRED = 3,
    /// The workflow has not reached this step yet (400; wait_node_not_active).
    PRANA_PAGE_NOT_YET_ACTIVE = 4,
    /// The link's signature is missing or wrong (401; invalid_signature).
    PRANA_PAGE_BAD_SIGNATURE = 5,
    /// No such link (404; webhook_not_found, not_found).
    PRANA_PAGE_NOT_FOUND = 6,
}

const PAGES: [ResultPage; 7] = [
    ResultPage::Done,
    ResultPage::Rejected,
    ResultPage::AlreadyUsed,
    ResultPage::Expired,
    ResultPage::NotYetActive,
    ResultPage::BadSignature,
    ResultPage::NotFound,
];

/// One HTTP header: a static, NUL-terminated name and value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_header_pair {
    /// The header name, for example "Content-Security-Policy".
    pub name: *const c_char,
    /// Its value.
    pub value: *const c_char,
}

// SAFETY: the pointers point to static, immutable C strings.
unsafe impl Sync for prana_header_pair {}

/// The C strings of the core's security headers, in its order (a test
/// compares them).
static SECURITY_HEADERS: [prana_header_pair; 5] = [
    pair(
        c"Content-Security-Policy",
        c"default-src 'none'; style-src 'sha256-Z0jIYfcyVpfm9g/cOAFidgbZN5kiD8i+NvXbQ6tiv00='; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    pair(c"X-Frame-Options", c"DENY"),
    pair(c"Referrer-Policy", c"no-referrer"),
    pair(c"Cache-Control", c"no-store"),
    pair(c"X-Content-Type-Options", c"nosniff"),
];

const fn pair(
    name: &'static core::ffi::CStr,
    value: &'static core::ffi::CStr,
) -> prana_header_pair {
    prana_header_pair {
        name: name.as_ptr(),
        value: value.as_ptr(),
    }
}

/// The headers a host must send with every page (and may send with the
/// JSON description): a static array of `*out_count` name/value pairs. The
/// Content-Security-Policy allows no script, no framing and form posts only
/// to the page's origin. `out_count` may be NULL. Never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_page_security_headers(out_count: *mut usize) -> *const prana_header_pair {
    if let Ok(o) = Out::new(out_count, "out_count") {
        o.write(SECURITY_HEADERS.len());
    }
    SECURITY_HEADERS.as_ptr()
}

/// Whether a request's `Accept` header value asks for HTML (`text/html` or
/// `application/xhtml+xml` without `q=0`): answer a GET with
/// `prana_page_render_wait` then, else with `prana_registration_describe`.
/// Browsers send that; API clients and link scanners sending any type,
/// `application/json` or no header get the JSON. NULL (no header) or bytes
/// that are not text give false. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_page_accepts_html(accept: *const c_char, accept_len: usize) -> bool {
    guard_value(false, || {
        let len = abi::text_len(accept, accept_len);
        abi::bytes(accept.cast::<u8>(), len, "accept").is_ok_and(page::accepts_html)
    })
}

/// Render the page of a wait: the `title` and `description` of its
/// `webhook_config` (the stored row's, `prana_registration_webhook_config`)
/// and Approve / Reject buttons, or the form `webhook_config.form`
/// describes. Approve (and a form) posts to `resume_url`; Reject posts to
/// `cancel_url` when given, else `decision=reject` to `resume_url`
/// (`prana_form_decode` makes it `{"approved":false}`). `cancel_url` NULL
/// (length 0) offers no cancel. `submitted`: the body of a refused form
/// submission, to show what is wrong and keep the values (answer 422);
/// NULL (length 0) for a first visit. Every text is HTML-escaped; send
/// `prana_page_security_headers` and `Content-Type: text/html;
/// charset=utf-8` with it.
///
/// The size needed is exact on `PRANA_STATUS_BUFFER_TOO_SMALL`. Errors:
/// `PRANA_STATUS_FORM_*` or JSON statuses for a bad page description.
#[no_mangle]
pub extern "C" fn prana_page_render_wait(
    webhook_config: *const c_char,
    webhook_config_len: usize,
    resume_url: *const c_char,
    resume_url_len: usize,
    cancel_url: *const c_char,
    cancel_url_len: usize,
    submitted: *const c_char,
    submitted_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let config = text(webhook_config, webhook_config_len, "webhook_config")?;
        let resume = text(resume_url, resume_url_len, "resume_url")?;
        let cancel = text(cancel_url, cancel_url_len, "cancel_url")?;
        let cancel = (!cancel.is_empty()).then_some(cancel);
        let submitted_len = abi::text_len(submitted, submitted_len);
        let sub = abi::bytes(submitted.cast::<u8>(), submitted_len, "submitted")?;
        let sub = (!submitted.is_null()).then_some(sub);
        let out = StrOut::new(buf, len, out_len)?;
        write_sized(out, |b| {
            page::render_wait_page(config, resume, cancel, sub, b)
        })
    })
}

/// Render a result page into `buf` and its HTTP status into
/// `*out_http_status`. `page` is a `prana_result_page` (else
/// `PRANA_STATUS_INVALID_ARGUMENT`). Send it with
/// `prana_page_security_headers`. The size needed is exact on
/// `PRANA_STATUS_BUFFER_TOO_SMALL`.
#[no_mangle]
pub extern "C" fn prana_page_render_result(
    page: u32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    out_http_status: *mut u16,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let p = *PAGES.get(page as usize).ok_or_else(|| {
            Fail::invalid(format_args!(
                "page is {page}; expected 0 (PRANA_PAGE_DONE) to 6 (PRANA_PAGE_NOT_FOUND)"
            ))
        })?;
        let status = Out::new(out_http_status, "out_http_status")?;
        let out = StrOut::new(buf, len, out_len)?;
        write_sized(out, |b| page::render_result_page(p, b))?;
        status.write(p.status());
        Ok(())
    })
}

/// Write the JSON description of a wait, for a GET that does not ask for
/// HTML: `{"node":…,"status":…,"expires_at":…|null,"title":…|null,
/// "description":…|null,"form":[…]|null}` with the status as of `now`
/// (unix ms). Nothing else of the registration is shown. The size needed
/// is exact on `PRANA_STATUS_BUFFER_TOO_SMALL`.
#[no_mangle]
pub extern "C" fn prana_registration_describe(
    registration: *const prana_registration,
    now: u64,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        let out = StrOut::new(buf, len, out_len)?;
        write_sized(out, |b| page::describe_wait(&r.inner, now, b))
    })
}

/// Decode an `application/x-www-form-urlencoded` submission `body` against
/// the page its wait's `webhook_config` describes into a typed JSON object
/// (the resume payload): `{"approved":true|false}` for the Approve /
/// Reject page, else one member per form field (number, boolean, text).
/// Errors: `PRANA_STATUS_FORM_*` naming the field (answer 422 with
/// `prana_page_render_wait` given the body), `PRANA_STATUS_CAPACITY_EXCEEDED`.
/// A bad submission is reported whatever the buffer size; the size needed
/// is exact on `PRANA_STATUS_BUFFER_TOO_SMALL`.
#[no_mangle]
pub extern "C" fn prana_form_decode(
    webhook_config: *const c_char,
    webhook_config_len: usize,
    body: *const c_char,
    body_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let config = text(webhook_config, webhook_config_len, "webhook_config")?;
        let body_len = abi::text_len(body, body_len);
        let b = abi::bytes(body.cast::<u8>(), body_len, "body")?;
        let out = StrOut::new(buf, len, out_len)?;
        write_sized(out, |o| prana_webhook_core::form::decode(config, b, o))
    })
}

/// Write what `fill` renders (a core writer that reports the exact size
/// needed when its buffer is too small): into the caller's buffer when it
/// fits, else report the size.
fn write_sized(
    out: StrOut,
    mut fill: impl FnMut(&mut [u8]) -> prana_webhook_core::Result<usize>,
) -> FfiResult {
    let mut probe = [0u8; 0];
    let needed = match fill(&mut probe) {
        Ok(n) => n,
        Err(prana_webhook_core::Error::BufferTooSmall { needed }) => needed,
        Err(e) => return Err(e.into()),
    };
    out.write_serialized(needed, fill)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ffi::CStr;

    /// The C strings are the core's headers, in its order.
    #[test]
    fn security_headers_are_the_cores() {
        let mut n = 0usize;
        let p = prana_page_security_headers(&mut n);
        assert_eq!(n, page::SECURITY_HEADERS.len());
        for (i, (name, value)) in page::SECURITY_HEADERS.iter().enumerate() {
            // SAFETY: `p` points to the static array of `n` pairs of static
            // C strings.
            let (cn, cv) = unsafe {
                let h = &*p.add(i);
                (CStr::from_ptr(h.name), CStr::from_ptr(h.value))
            };
            assert_eq!(cn.to_str().unwrap(), *name);
            assert_eq!(cv.to_str().unwrap(), *value);
        }
    }

    /// Each C page number renders the core's page with its status.
    #[test]
    fn result_pages_follow_the_enum() {
        use prana_result_page::*;
        let pages = [
            (PRANA_PAGE_DONE, ResultPage::Done),
            (PRANA_PAGE_REJECTED, ResultPage::Rejected),
            (PRANA_PAGE_ALREADY_USED, ResultPage::AlreadyUsed),
            (PRANA_PAGE_EXPIRED, ResultPage::Expired),
            (PRANA_PAGE_NOT_YET_ACTIVE, ResultPage::NotYetActive),
            (PRANA_PAGE_BAD_SIGNATURE, ResultPage::BadSignature),
            (PRANA_PAGE_NOT_FOUND, ResultPage::NotFound),
        ];
        for (c, core_page) in pages {
            let mut buf = [0 as c_char; 4096];
            let (mut n, mut status) = (0usize, 0u16);
            let st = prana_page_render_result(
                c as u32,
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
                &mut status,
                core::ptr::null_mut(),
            );
            assert_eq!(st, prana_status::PRANA_STATUS_OK);
            assert_eq!(status, core_page.status());
            let mut want = [0u8; 4096];
            let len = page::render_result_page(core_page, &mut want).unwrap();
            // SAFETY: c_char and u8 have the same layout; `n` bytes written.
            let got = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
            assert_eq!(got, &want[..len]);
        }
    }

    /// An exact-size buffer after a size query, for every writer.
    #[test]
    fn sizes_are_exact() {
        let config = r#"{"title":"<T>","form":[{"name":"a","type":"text"}]}"#;
        let url = "https://gw.example.com/webhook/workflow/resume/x";
        let mut need = 0usize;
        let st = prana_page_render_wait(
            config.as_ptr().cast(),
            config.len(),
            url.as_ptr().cast(),
            url.len(),
            core::ptr::null(),
            0,
            core::ptr::null(),
            0,
            core::ptr::null_mut(),
            0,
            &mut need,
            core::ptr::null_mut(),
        );
        assert_eq!(st, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
        let mut buf = std::vec![0 as c_char; need];
        let mut n = 0usize;
        let st = prana_page_render_wait(
            config.as_ptr().cast(),
            config.len(),
            url.as_ptr().cast(),
            url.len(),
            core::ptr::null(),
            0,
            core::ptr::null(),
            0,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            core::ptr::null_mut(),
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        assert_eq!(n + 1, need);
    }
}
