//! Incoming requests: parse a request target into a route, check it before
//! any store lookup, and decide a resume given the host's registration.

use core::ffi::{c_char, CStr};
use core::ptr::{addr_of_mut, NonNull};

use prana_webhook_core::route::{self, Decision, Rejection, RequestLimits};
use prana_webhook_core::token::resume::SignedAction;
use prana_webhook_core::url::{Route, Target, TargetBytes};

use crate::abi::{copy_to_array, guard, raw_bytes, text, Out};
use crate::registration::{prana_lifecycle_status, prana_registration, registration_opt};
use crate::status::{prana_error, prana_status, status_of};
use crate::urls::base_ref;
use crate::{PRANA_MESSAGE_BUF_SIZE, PRANA_RESUME_ID_BUF_SIZE};

/// A byte range `[offset, offset + len)` inside a caller's buffer (the
/// request target, or the HTTP request bytes). Spans never own memory: they
/// are valid as long as that buffer is.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct prana_span {
    /// Start, in bytes from the beginning of the buffer.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl prana_span {
    /// The span of `part` inside `whole` (`part` must be a subslice of `whole`).
    pub(crate) fn of(whole: &[u8], part: &[u8]) -> prana_span {
        prana_span {
            offset: (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize),
            len: part.len(),
        }
    }
}

/// What a webhook route does.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_route_kind {
    /// No route (only in a rejected precheck).
    PRANA_ROUTE_NONE = 0,
    /// `.../webhook/workflow/trigger/{workflow_id}`: start an execution (POST).
    PRANA_ROUTE_TRIGGER = 1,
    /// `.../webhook/workflow/resume/{resume_id}`: resume an execution (POST or GET).
    PRANA_ROUTE_RESUME = 2,
    /// `.../webhook/workflow/cancel/{resume_id}`: cancel a wait (POST).
    PRANA_ROUTE_CANCEL = 3,
    /// `.../webhook/workflow/extend/{resume_id}`: move a wait's expiry later (POST).
    PRANA_ROUTE_EXTEND = 4,
}

/// A parsed request target. `id` and `query` are spans of the target text
/// that was parsed (not copies): `target + id.offset`, `id.len` bytes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct prana_route {
    /// Trigger or resume.
    pub kind: prana_route_kind,
    /// The workflow id (trigger) or the syntactically valid resume ID (resume).
    pub id: prana_span,
    /// Whether the target has a `?` query.
    pub has_query: bool,
    /// The query without the leading `?` (offset 0, len 0 when `has_query` is false).
    pub query: prana_span,
}

impl prana_route {
    const NONE: prana_route = prana_route {
        kind: prana_route_kind::PRANA_ROUTE_NONE,
        id: prana_span { offset: 0, len: 0 },
        has_query: false,
        query: prana_span { offset: 0, len: 0 },
    };

    /// The route of a target parsed as bytes (`whole`).
    fn from_bytes(whole: &[u8], t: &TargetBytes<'_>) -> prana_route {
        let kind = match t.action {
            None => prana_route_kind::PRANA_ROUTE_TRIGGER,
            Some(SignedAction::Resume) => prana_route_kind::PRANA_ROUTE_RESUME,
            Some(SignedAction::Cancel) => prana_route_kind::PRANA_ROUTE_CANCEL,
            Some(SignedAction::Extend) => prana_route_kind::PRANA_ROUTE_EXTEND,
        };
        prana_route {
            kind,
            id: prana_span::of(whole, t.id),
            has_query: t.query.is_some(),
            query: t
                .query
                .map(|q| prana_span::of(whole, q))
                .unwrap_or_default(),
        }
    }

    fn from_target(whole: &str, t: &Target<'_>) -> prana_route {
        let (kind, id) = match t.route {
            Route::Trigger { workflow_id } => (prana_route_kind::PRANA_ROUTE_TRIGGER, workflow_id),
            Route::Resume { resume_id } => (prana_route_kind::PRANA_ROUTE_RESUME, resume_id),
            Route::Cancel { resume_id } => (prana_route_kind::PRANA_ROUTE_CANCEL, resume_id),
            Route::Extend { resume_id } => (prana_route_kind::PRANA_ROUTE_EXTEND, resume_id),
        };
        prana_route {
            kind,
            id: prana_span::of(whole.as_bytes(), id.as_bytes()),
            has_query: t.query.is_some(),
            query: t
                .query
                .map(|q| prana_span::of(whole.as_bytes(), q.as_bytes()))
                .unwrap_or_default(),
        }
    }
}

/// What to answer over HTTP: status, stable code and a human message.
/// Filled by the library; plain data without pointers to free.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_http_answer {
    /// HTTP status: 200 when the request goes on / resumes, else 4xx.
    pub http_status: u16,
    /// Stable snake_case code ("" when accepted; "not_found",
    /// "invalid_webhook_url", "invalid_signature", "webhook_not_found",
    /// "wait_node_not_active", "webhook_expired", "webhook_already_used",
    /// "method_not_allowed", "payload_too_large"). Static, NUL-terminated, never NULL.
    pub code: *const c_char,
    /// The status of the underlying error, when there is one (for example
    /// `PRANA_STATUS_ID_TOO_LONG` behind "invalid_webhook_url"); else `PRANA_STATUS_OK`.
    pub cause: prana_status,
    /// A message for logs or a JSON body, NUL-terminated ("" when
    /// accepted). The bytes after the NUL are unspecified: read it as a C
    /// string.
    pub message: [c_char; PRANA_MESSAGE_BUF_SIZE],
}

/// Static C string for a rejection code.
fn code_cstr(code: &str) -> &'static CStr {
    match code {
        "not_found" => c"not_found",
        "invalid_webhook_url" => c"invalid_webhook_url",
        "invalid_signature" => c"invalid_signature",
        "webhook_not_found" => c"webhook_not_found",
        "wait_node_not_active" => c"wait_node_not_active",
        "webhook_expired" => c"webhook_expired",
        "webhook_already_used" => c"webhook_already_used",
        "method_not_allowed" => c"method_not_allowed",
        "payload_too_large" => c"payload_too_large",
        "invalid_key" => c"invalid_key",
        "invalid_extend_request" => c"invalid_extend_request",
        "extend_not_later" => c"extend_not_later",
        "extend_beyond_limit" => c"extend_beyond_limit",
        "" => c"",
        _ => c"rejected",
    }
}

impl prana_http_answer {
    pub(crate) fn ok() -> prana_http_answer {
        prana_http_answer {
            http_status: 200,
            code: c"".as_ptr(),
            cause: prana_status::PRANA_STATUS_OK,
            message: [0; PRANA_MESSAGE_BUF_SIZE],
        }
    }

    /// Store [`prana_http_answer::ok`] at `a` field by field, straight into
    /// the caller's memory (no copy of a whole value from the stack).
    ///
    /// # Safety
    ///
    /// `a` is valid for writes and aligned for a `prana_http_answer`.
    pub(crate) unsafe fn write_ok(a: *mut prana_http_answer) {
        // SAFETY: each field pointer is derived from `a`, which the caller
        // guarantees is valid for writes and aligned; nothing is read. The
        // message is "": its first byte, the NUL (see the field's doc).
        unsafe {
            addr_of_mut!((*a).http_status).write(200);
            addr_of_mut!((*a).code).write(c"".as_ptr());
            addr_of_mut!((*a).cause).write(prana_status::PRANA_STATUS_OK);
            addr_of_mut!((*a).message).cast::<c_char>().write(0);
        }
    }

    /// An answer for a core error (signature checks): `http_status`, `code`,
    /// the error's status as `cause` and its message.
    pub(crate) fn from_error(
        http_status: u16,
        code: &str,
        err: &prana_webhook_core::Error,
    ) -> prana_http_answer {
        let mut a = prana_http_answer {
            http_status,
            code: code_cstr(code).as_ptr(),
            cause: status_of(err),
            message: [0; PRANA_MESSAGE_BUF_SIZE],
        };
        copy_to_array(&crate::message::make(err), &mut a.message);
        a
    }

    pub(crate) fn from_rejection(r: &Rejection) -> prana_http_answer {
        let mut a = prana_http_answer {
            http_status: r.status,
            code: code_cstr(r.code).as_ptr(),
            cause: r
                .cause
                .as_ref()
                .map(status_of)
                .unwrap_or(prana_status::PRANA_STATUS_OK),
            message: [0; PRANA_MESSAGE_BUF_SIZE],
        };
        copy_to_array(&crate::message::make(r), &mut a.message);
        a
    }
}

/// A state change the host applies with compare-and-set:
/// `UPDATE ... SET status = :to WHERE resume_id = :resume_id AND status = :from`,
/// acting only when exactly one row changed. Plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_transition {
    /// The resume ID of the registration to update, NUL-terminated (the
    /// bytes after the NUL are unspecified).
    pub resume_id: [c_char; PRANA_RESUME_ID_BUF_SIZE],
    /// Length of `resume_id` without the NUL.
    pub resume_id_len: usize,
    /// The status the stored row must still have.
    pub from: prana_lifecycle_status,
    /// The status to write.
    pub to: prana_lifecycle_status,
}

/// Read a caller's transition (`what` names it in errors): its statuses
/// as numbers (a C enum may hold any value) and its resume ID.
pub(crate) fn transition_in(
    t: *const prana_transition,
    what: &str,
) -> crate::abi::FfiResult<prana_webhook_core::lifecycle::Transition> {
    let t = crate::abi::handle(t, what)?;
    // SAFETY: `from` and `to` are `repr(u32)` enums inside a valid
    // `prana_transition`; read as plain u32 so a value C put there that is
    // no variant is an argument error, not undefined behaviour.
    let (from, to) = unsafe {
        (
            core::ptr::addr_of!(t.from).cast::<u32>().read(),
            core::ptr::addr_of!(t.to).cast::<u32>().read(),
        )
    };
    let from = crate::registration::status_from_u32(from, "from")?;
    let to = crate::registration::status_from_u32(to, "to")?;
    if t.resume_id_len >= PRANA_RESUME_ID_BUF_SIZE {
        return Err(crate::abi::Fail::invalid(format_args!(
            "{what}.resume_id_len is {}; at most {} bytes fit resume_id",
            t.resume_id_len,
            PRANA_RESUME_ID_BUF_SIZE - 1
        )));
    }
    let id = text(t.resume_id.as_ptr(), t.resume_id_len, "resume_id")?;
    let resume_id = prana_webhook_core::id::ResumeId::parse(id)?;
    Ok(prana_webhook_core::lifecycle::Transition {
        resume_id,
        from,
        to,
    })
}

impl prana_transition {
    pub(crate) fn from_core(t: &prana_webhook_core::lifecycle::Transition) -> prana_transition {
        let mut out = prana_transition::empty();
        out.set(t);
        out
    }

    /// Store the transition `t` at `p` field by field, straight into the
    /// caller's memory (no copy of a whole value from the stack): the
    /// resume ID and its NUL, not the bytes after them.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes and aligned for a `prana_transition`, and
    /// nothing else accesses it during the call.
    pub(crate) unsafe fn write_core(
        p: *mut prana_transition,
        t: &prana_webhook_core::lifecycle::Transition,
    ) {
        let id = t.resume_id.as_str().as_bytes();
        // A resume ID is at most `PRANA_MAX_RESUME_ID_LEN` bytes, so the ID
        // and its NUL fit the array.
        const { assert!(prana_webhook_core::id::MAX_RESUME_ID_LEN < PRANA_RESUME_ID_BUF_SIZE) };
        let n = id.len().min(prana_webhook_core::id::MAX_RESUME_ID_LEN);
        // SAFETY: each field pointer is derived from `p`, which the caller
        // guarantees is valid for writes, aligned and not shared; the
        // array's first `n + 1 <= PRANA_RESUME_ID_BUF_SIZE` bytes are
        // written through a raw pointer, nothing is read.
        unsafe {
            addr_of_mut!((*p).from).write(t.from.into());
            addr_of_mut!((*p).to).write(t.to.into());
            let at = addr_of_mut!((*p).resume_id).cast::<u8>();
            crate::text::put_bytes(at, &id[..n]).write(0);
            addr_of_mut!((*p).resume_id_len).write(n);
        }
    }

    /// Fill an empty transition in place from a core one.
    pub(crate) fn set(&mut self, t: &prana_webhook_core::lifecycle::Transition) {
        self.from = t.from.into();
        self.to = t.to.into();
        self.resume_id_len = copy_to_array(t.resume_id.as_str(), &mut self.resume_id);
    }

    pub(crate) fn empty() -> prana_transition {
        prana_transition {
            resume_id: [0; PRANA_RESUME_ID_BUF_SIZE],
            resume_id_len: 0,
            from: prana_lifecycle_status::PRANA_LIFECYCLE_PENDING,
            to: prana_lifecycle_status::PRANA_LIFECYCLE_PENDING,
        }
    }
}

/// The result of `prana_request_check`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_precheck {
    /// true: the request may go on (`answer.http_status` is 200 and `route`
    /// is filled); false: answer with `answer` and stop.
    pub accepted: bool,
    /// The route (kind `PRANA_ROUTE_NONE` when rejected).
    pub route: prana_route,
    /// What to answer when rejected.
    pub answer: prana_http_answer,
}

/// The result of `prana_resume_decide`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_resume_decision {
    /// true: apply `transition` with compare-and-set, and resume only when
    /// exactly one row changed (else re-read the row and decide again: a
    /// registration consumed meanwhile gives 409 webhook_already_used).
    /// false: answer with `answer`.
    pub resume: bool,
    /// active -> consumed for this resume ID (zeroed when `resume` is false).
    pub transition: prana_transition,
    /// 200 when resuming, else the rejection (404 webhook_not_found, 400
    /// wait_node_not_active, 410 webhook_expired, 409 webhook_already_used).
    pub answer: prana_http_answer,
}

/// Parse a request target (`/hooks/webhook/workflow/resume/ID?sig=...`) or a
/// full http(s) URL under `base`'s path prefix into `*out`. The spans in
/// `*out` point into `target`. Errors are the core's parse errors
/// (`PRANA_STATUS_NOT_WEBHOOK_PATH`, `PRANA_STATUS_UNKNOWN_KIND`,
/// `PRANA_STATUS_EMPTY_ID`, `PRANA_STATUS_ID_TOO_LONG`,
/// `PRANA_STATUS_ID_BAD_CHARACTER`, `PRANA_STATUS_EXTRA_SEGMENTS`,
/// `PRANA_STATUS_PERCENT_ENCODED`, `PRANA_STATUS_MALFORMED_TARGET`, the
/// resume ID statuses). Thread-safe.
#[no_mangle]
pub extern "C" fn prana_route_parse(
    base: *const crate::urls::prana_base_url,
    target: *const c_char,
    target_len: usize,
    out: *mut prana_route,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let b = base_ref(base)?;
        // The common case, an origin-form target (`/...`) that routes, is
        // parsed as bytes: the parser proves the path up to the id's end
        // ASCII and checks the query's bytes in its `#` search, so the
        // target needs no text check of its own. Anything else (a full URL, non-ASCII, NULL, a
        // `PRANA_NUL_TERMINATED` length, any error) takes the full checks
        // below, in their documented order, with the same result.
        if let (Some(t), Some(o)) = (raw_bytes(target, target_len), NonNull::new(out)) {
            if t.first() == Some(&b'/') {
                if let Ok(parsed) = b.parse_target_bytes(t) {
                    if parsed.query_plain {
                        // SAFETY: `o` is a non-NULL out-pointer that the caller
                        // promises is valid and aligned for one `prana_route`
                        // (header contract); `write` does not read it.
                        unsafe { o.as_ptr().write(prana_route::from_bytes(t, &parsed)) };
                        return Ok(());
                    }
                }
            }
        }
        let t = text(target, target_len, "target")?;
        let out = Out::new(out, "out")?;
        let parsed = b.parse_target(t)?;
        out.write(prana_route::from_target(t, &parsed));
        Ok(())
    })
}

/// Everything that can be checked before the store is touched: the target
/// is a webhook route under `base` (else 404 not_found / 400
/// invalid_webhook_url), the method fits (resume: POST or GET; trigger:
/// POST; else 405), and `body_len <= max_payload` (else 413; pass
/// `PRANA_DEFAULT_MAX_PAYLOAD` for the default). `method` is case-sensitive.
///
/// A rejection is not a call failure: the function returns
/// `PRANA_STATUS_OK` and sets `out->accepted = false` with the answer. It
/// fails only for bad arguments (NULL, non-UTF-8, NUL bytes). The route's
/// spans point into `target`. Signatures are checked separately. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_request_check(
    base: *const crate::urls::prana_base_url,
    method: *const c_char,
    method_len: usize,
    target: *const c_char,
    target_len: usize,
    body_len: usize,
    max_payload: usize,
    out: *mut prana_precheck,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let b = base_ref(base)?;
        let m = text(method, method_len, "method")?;
        let t = text(target, target_len, "target")?;
        let out = Out::new(out, "out")?;
        let limits = RequestLimits { max_payload };
        let checked = route::precheck(b, m, t, body_len, &limits);
        let o = out.as_ptr();
        // SAFETY: `o` is a checked non-NULL out-pointer that the caller
        // promises is valid and aligned for one `prana_precheck` nothing
        // else touches during the call (header contract). Every field is
        // stored through its own raw pointer (nothing is read), so no whole
        // value is built on the stack and copied: that copy read back
        // narrower stores, a store-forwarding stall on x86.
        unsafe {
            match checked {
                Ok(parsed) => {
                    addr_of_mut!((*o).accepted).write(true);
                    addr_of_mut!((*o).route).write(prana_route::from_target(t, &parsed));
                    prana_http_answer::write_ok(addr_of_mut!((*o).answer));
                }
                Err(rej) => {
                    addr_of_mut!((*o).accepted).write(false);
                    addr_of_mut!((*o).route).write(prana_route::NONE);
                    addr_of_mut!((*o).answer).write(prana_http_answer::from_rejection(&rej));
                }
            }
        }
        Ok(())
    })
}

/// Decide a resume request for `resume_id`, given the registration the host
/// looked up by that ID (or NULL when there is none) and the host clock
/// `now` (unix ms). An active registration whose `expires_at` has passed
/// counts as expired. The registration is not changed: the host applies
/// `out->transition` to its store with compare-and-set.
///
/// Like `prana_request_check`, a rejection is returned in `*out` with
/// `PRANA_STATUS_OK`. Thread-safe for concurrent reads of one registration.
#[no_mangle]
pub extern "C" fn prana_resume_decide(
    resume_id: *const c_char,
    resume_id_len: usize,
    registration: *const prana_registration,
    now: u64,
    out: *mut prana_resume_decision,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let reg = registration_opt(registration);
        let out = Out::new(out, "out")?;
        write_decision(out, &route::decide_resume(r, reg, now));
        Ok(())
    })
}

/// Decide a cancel request for `resume_id`: exactly as
/// `prana_resume_decide` (same answers; the same active -> consumed
/// transition, since a cancel uses the registration up as a resume does).
/// Whichever of a resume and a cancel applies its transition first wins;
/// the other's compare-and-set changes no row (answer 409
/// webhook_already_used). When `out->resume` is true and the host's
/// compare-and-set changed the row, call `prana_execution_cancel` with the
/// transition. Thread-safe for concurrent reads of one registration.
#[no_mangle]
pub extern "C" fn prana_cancel_decide(
    resume_id: *const c_char,
    resume_id_len: usize,
    registration: *const prana_registration,
    now: u64,
    out: *mut prana_resume_decision,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let reg = registration_opt(registration);
        let out = Out::new(out, "out")?;
        write_decision(out, &route::decide_cancel(r, reg, now));
        Ok(())
    })
}

/// Decide whether the sweeper expires registration `resume_id`, given the
/// row the host looked up by that ID (NULL when there is none) and the host
/// clock `now` (unix ms). `*due` is true, with the active -> expired in
/// `*out`, when the row is that registration, stored active, and its
/// `expires_at` has passed by `now`; false (and `*out` zeroed) when there is
/// nothing to expire (no row, pending, consumed, already expired, or not due
/// yet: an extension moved it). Apply `*out` with compare-and-set on the
/// status and the stored expiry, then hand it to `prana_execution_expire`
/// only when exactly one row changed. The registration is not changed.
/// Thread-safe for concurrent reads of one registration.
#[no_mangle]
pub extern "C" fn prana_expire_decide(
    resume_id: *const c_char,
    resume_id_len: usize,
    registration: *const prana_registration,
    now: u64,
    due: *mut bool,
    out: *mut prana_transition,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let reg = registration_opt(registration);
        let due = Out::new(due, "due")?;
        let out = Out::new(out, "out")?;
        let decided = route::decide_expire(r, reg, now);
        due.write(decided.is_some());
        out.write_with(prana_transition::empty(), |t| {
            if let Some(d) = &decided {
                t.set(d);
            }
        });
        Ok(())
    })
}

fn write_decision(out: Out<prana_resume_decision>, decision: &Decision) {
    let d = out.as_ptr();
    // SAFETY: `d` is a checked non-NULL out-pointer that the caller promises
    // is valid and aligned for one `prana_resume_decision` nothing else
    // touches during the call (header contract). Every field is stored
    // through its own raw pointer, so the caller's (possibly uninitialized)
    // memory is never read, and every field is written. Field by field,
    // because a whole value built first is copied from the stack.
    unsafe {
        match decision {
            Decision::Resume(t) => {
                addr_of_mut!((*d).resume).write(true);
                prana_transition::write_core(addr_of_mut!((*d).transition), t);
                prana_http_answer::write_ok(addr_of_mut!((*d).answer));
            }
            Decision::Reject(rej) => {
                addr_of_mut!((*d).resume).write(false);
                addr_of_mut!((*d).transition).write(prana_transition::empty());
                addr_of_mut!((*d).answer).write(prana_http_answer::from_rejection(rej));
            }
        }
    }
}

/// The result of `prana_registration_extend`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_extension {
    /// true: the registration now expires at `to_expires_at`; apply the
    /// move with compare-and-set (`UPDATE ... SET expires_at =
    /// :to_expires_at WHERE resume_id = :resume_id AND status = 'active'
    /// AND expires_at = :from_expires_at`) and store the row
    /// (`prana_registration_to_json`) only when exactly one row changed.
    /// false: answer with `answer`; the registration is unchanged.
    pub extended: bool,
    /// The registration's resume ID, NUL-terminated ("" when not extended).
    pub resume_id: [c_char; PRANA_RESUME_ID_BUF_SIZE],
    /// Length of `resume_id` without the NUL.
    pub resume_id_len: usize,
    /// The expiry the stored row must still have, unix ms.
    pub from_expires_at: u64,
    /// The new expiry, unix ms.
    pub to_expires_at: u64,
    /// 200 when extended, else the rejection: 404 webhook_not_found, 400
    /// wait_node_not_active, 410 webhook_expired, 409
    /// webhook_already_used, 400 invalid_extend_request (a bad body), 422
    /// extend_not_later / extend_beyond_limit (past the 8760-hour limit
    /// from creation).
    pub answer: prana_http_answer,
}

/// Decide and apply an extend (heartbeat) request for `resume_id` to the
/// registration the host looked up (NULL when there is none): move its
/// expiry to `timeout_hours` after `now`, as the request `body` asks (empty,
/// or a JSON object with an optional `timeout_hours`: 0 < n <= 8760,
/// fractions allowed; default 24). Only an active registration that has not
/// expired by `now` is extended, never past 8760 hours after its creation
/// and never earlier than its current expiry.
///
/// Like `prana_resume_decide`, a rejection is returned in `*out` with
/// `PRANA_STATUS_OK`; the call fails only for bad arguments. On
/// `out->extended` the registration handle holds the new expiry (its
/// `prana_registration_to_json` is the row to store). Needs exclusive
/// access to the registration.
#[no_mangle]
pub extern "C" fn prana_registration_extend(
    registration: *mut prana_registration,
    resume_id: *const c_char,
    resume_id_len: usize,
    body: *const c_char,
    body_len: usize,
    now: u64,
    out: *mut prana_extension,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let body_len = crate::abi::text_len(body, body_len);
        let b = crate::abi::bytes(body.cast::<u8>(), body_len, "body")?;
        let reg = crate::registration::registration_opt_mut(registration);
        let out = Out::new(out, "out")?;
        let decided =
            route::requested_expiry(b, now).and_then(|at| route::decide_extend(r, reg, now, at));
        let init = prana_extension {
            extended: false,
            resume_id: [0; PRANA_RESUME_ID_BUF_SIZE],
            resume_id_len: 0,
            from_expires_at: 0,
            to_expires_at: 0,
            answer: prana_http_answer::ok(),
        };
        out.write_with(init, |o| match decided {
            Ok(ext) => {
                o.extended = true;
                o.resume_id_len = copy_to_array(ext.resume_id.as_str(), &mut o.resume_id);
                o.from_expires_at = ext.from_expires_at.unwrap_or(0);
                o.to_expires_at = ext.to_expires_at;
            }
            Err(rej) => o.answer = prana_http_answer::from_rejection(&rej),
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rejection_code_has_a_c_string() {
        for code in [
            "not_found",
            "invalid_webhook_url",
            "invalid_signature",
            "webhook_not_found",
            "wait_node_not_active",
            "webhook_expired",
            "webhook_already_used",
            "method_not_allowed",
            "payload_too_large",
            "invalid_key",
            "invalid_extend_request",
            "extend_not_later",
            "extend_beyond_limit",
        ] {
            assert_eq!(code_cstr(code).to_str().unwrap(), code);
        }
    }

    /// The three results of a resume request (precheck, signature check,
    /// decision) write their text up to and including the NUL, and on
    /// success leave the bytes after it as the memory held (the header's
    /// convention for result structs: those bytes are unspecified): here
    /// 0xAA.
    #[test]
    fn results_write_text_up_to_the_nul() {
        use crate::signatures::{prana_key_set_add, prana_key_set_free, prana_key_set_new};
        use crate::signatures::{prana_signature_check, prana_signature_verify};
        use core::mem::MaybeUninit;
        use prana_webhook_core::id::IdGenerator;
        use prana_webhook_core::registration::WebhookRegistration;
        use prana_webhook_core::token::resume::{KeySet, ResumeKey};
        use prana_webhook_core::url::BaseUrl;

        let none = core::ptr::null_mut();
        let secret = [7u8; 32];
        let base_text = "https://gw.example.com/hooks";
        let mut ids = IdGenerator::from_seed([3; 32]);
        let mut reg = WebhookRegistration::create(&mut ids, "exec_1", "wait", 0).unwrap();
        reg.activate(1_000, 86_400_000, "{}").unwrap();
        let id = reg.resume_id.as_str();
        let mut keys = KeySet::<2>::new();
        keys.add(ResumeKey::new("k1", &secret).unwrap()).unwrap();
        let mut url = BaseUrl::parse(base_text)
            .unwrap()
            .resume_url(&reg.resume_id)
            .unwrap();
        keys.sign_url(id, &mut url).unwrap();
        let target = &url[url.find("/hooks").unwrap()..];
        let query = &target[target.find('?').unwrap() + 1..];

        let mut base = core::ptr::null_mut();
        let st = crate::urls::prana_base_url_new(base_text.as_ptr().cast(), 28, &mut base, none);
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let mut keys_h = core::ptr::null_mut();
        assert_eq!(
            prana_key_set_new(&mut keys_h, none),
            prana_status::PRANA_STATUS_OK
        );
        let st = prana_key_set_add(keys_h, c"k1".as_ptr(), 2, secret.as_ptr(), 32, none);
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let reg_h = Box::into_raw(Box::new(prana_registration { inner: reg.clone() }));

        // Each result starts as 0xAA bytes; only its fields are read, through
        // the raw pointer, as C reads them.
        fn filled<T>() -> MaybeUninit<T> {
            let mut b = MaybeUninit::<T>::uninit();
            // SAFETY: writes bytes over the whole slot, which is plain data.
            unsafe {
                b.as_mut_ptr()
                    .cast::<u8>()
                    .write_bytes(0xAA, core::mem::size_of::<T>())
            };
            b
        }
        let mut pre = filled::<prana_precheck>();
        let st = prana_request_check(
            base,
            c"POST".as_ptr(),
            4,
            target.as_ptr().cast(),
            target.len(),
            0,
            65536,
            pre.as_mut_ptr(),
            none,
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let mut sig = filled::<prana_signature_check>();
        let st = prana_signature_verify(
            keys_h,
            prana_route_kind::PRANA_ROUTE_RESUME as u32,
            0,
            id.as_ptr().cast(),
            id.len(),
            query.as_ptr().cast(),
            query.len(),
            sig.as_mut_ptr(),
            none,
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let mut d = filled::<prana_resume_decision>();
        let st = prana_resume_decide(
            id.as_ptr().cast(),
            id.len(),
            reg_h,
            2_000,
            d.as_mut_ptr(),
            none,
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);

        let (pre, sig, d) = (pre.as_ptr(), sig.as_ptr(), d.as_ptr());
        // SAFETY: the fields read are the ones written on success: each
        // answer's status and message up to its NUL, the key id's text and
        // NUL, the transition's ID, NUL and length. The bytes after a NUL
        // hold the 0xAA written above.
        unsafe {
            for a in [
                &raw const (*pre).answer,
                &raw const (*sig).answer,
                &raw const (*d).answer,
            ] {
                assert_eq!((*a).http_status, 200);
                let m = (&raw const (*a).message).cast::<u8>();
                assert_eq!((m.read(), m.add(1).read()), (0, 0xAA));
            }
            assert!((*pre).accepted && (*sig).accepted && (*d).resume);
            let k = (&raw const (*sig).key_id).cast::<u8>();
            assert_eq!(core::slice::from_raw_parts(k, 4), b"k1\0\xAA");
            let t = &raw const (*d).transition;
            let n = (*t).resume_id_len;
            let r = (&raw const (*t).resume_id).cast::<u8>();
            assert_eq!(core::slice::from_raw_parts(r, n), id.as_bytes());
            assert_eq!((r.add(n).read(), r.add(n + 1).read()), (0, 0xAA));
        }
        crate::registration::prana_registration_free(reg_h);
        prana_key_set_free(keys_h);
        crate::urls::prana_base_url_free(base);
    }

    /// `prana_route_parse` of `target` under `https://gw.example.com/hooks`
    /// (`len` given, or `PRANA_NUL_TERMINATED`): the status and the route.
    fn parse(target: &[u8], len: usize) -> (prana_status, prana_route) {
        let base_text = "https://gw.example.com/hooks";
        let mut base = core::ptr::null_mut();
        let none = core::ptr::null_mut();
        let st = crate::urls::prana_base_url_new(base_text.as_ptr().cast(), 28, &mut base, none);
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let mut out = prana_route::NONE;
        let st = prana_route_parse(base, target.as_ptr().cast(), len, &mut out, none);
        crate::urls::prana_base_url_free(base);
        (st, out)
    }

    /// The query's text, as the route's span gives it.
    fn query_of<'a>(target: &'a [u8], r: &prana_route) -> &'a [u8] {
        &target[r.query.offset..r.query.offset + r.query.len]
    }

    #[test]
    fn route_spans_and_statuses_whatever_the_query_holds() {
        let id = "webhook_exec_1_wait_0123456789abcdefghjkmnpqrs";
        let path = format!("/hooks/webhook/workflow/resume/{id}");
        let ok = prana_status::PRANA_STATUS_OK;
        for (query, want) in [
            (&b""[..], ok),
            (b"sig=k1.abc", ok),
            // Non-ASCII UTF-8 is accepted, as before the byte parser.
            ("note=h\u{e9}".as_bytes(), ok),
            (b"a=\xff", prana_status::PRANA_STATUS_INVALID_UTF8),
            (b"a=\0b", prana_status::PRANA_STATUS_EMBEDDED_NUL),
            (b"a#b", prana_status::PRANA_STATUS_MALFORMED_TARGET),
        ] {
            let mut target = path.clone().into_bytes();
            if !query.is_empty() {
                target.push(b'?');
                target.extend_from_slice(query);
            }
            let (st, r) = parse(&target, target.len());
            assert_eq!(st, want, "{query:?}");
            if st != ok {
                continue;
            }
            assert_eq!(r.kind, prana_route_kind::PRANA_ROUTE_RESUME);
            assert_eq!(&target[r.id.offset..r.id.offset + r.id.len], id.as_bytes());
            assert_eq!(r.has_query, !query.is_empty());
            assert_eq!(query_of(&target, &r), query);
        }
        // A full URL and a NUL-terminated target give the same spans.
        let full = format!("https://proxy.example/{}?x=1", &path[1..]);
        let (st, r) = parse(full.as_bytes(), full.len());
        assert_eq!((st, query_of(full.as_bytes(), &r)), (ok, &b"x=1"[..]));
        assert_eq!(&full[r.id.offset..r.id.offset + r.id.len], id);
        let c = format!("{path}?x=1\0");
        let (st, r) = parse(c.as_bytes(), crate::PRANA_NUL_TERMINATED);
        assert_eq!((st, query_of(c.as_bytes(), &r)), (ok, &b"x=1"[..]));
        // A trigger, and a bad id after the fixed path.
        let t = b"/hooks/webhook/workflow/trigger/wf-1?a=1";
        let (st, r) = parse(t, t.len());
        assert_eq!((st, r.kind), (ok, prana_route_kind::PRANA_ROUTE_TRIGGER));
        assert_eq!(&t[r.id.offset..r.id.offset + r.id.len], b"wf-1");
        let bad = b"/hooks/webhook/workflow/trigger/w\xe9";
        assert_eq!(
            parse(bad, bad.len()).0,
            prana_status::PRANA_STATUS_INVALID_UTF8
        );
    }
}
