//! Webhook registrations, their lifecycle and their JSON form.

use core::ffi::c_char;

use prana_webhook_core::lifecycle::{self, Status};
use prana_webhook_core::registration::WebhookRegistration;

use crate::abi::{
    self, guard, guard_value, handle, handle_mut, text, Fail, FfiResult, Out, StrOut,
};
use crate::ids::{generator_mut, prana_id_generator};
use crate::route::prana_transition;
use crate::status::{prana_error, prana_status};

/// Lifecycle state of a webhook registration. Stored as its lowercase name
/// ("pending", ...) in JSON and databases.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_lifecycle_status {
    /// Created at execution start; the wait node is not reached yet.
    PRANA_LIFECYCLE_PENDING = 0,
    /// The wait node is reached; the URL accepts requests.
    PRANA_LIFECYCLE_ACTIVE = 1,
    /// Used once to resume the execution (terminal).
    PRANA_LIFECYCLE_CONSUMED = 2,
    /// Timed out, or the execution ended without using it (terminal).
    PRANA_LIFECYCLE_EXPIRED = 3,
}

impl From<Status> for prana_lifecycle_status {
    fn from(s: Status) -> Self {
        match s {
            Status::Pending => prana_lifecycle_status::PRANA_LIFECYCLE_PENDING,
            Status::Active => prana_lifecycle_status::PRANA_LIFECYCLE_ACTIVE,
            Status::Consumed => prana_lifecycle_status::PRANA_LIFECYCLE_CONSUMED,
            Status::Expired => prana_lifecycle_status::PRANA_LIFECYCLE_EXPIRED,
        }
    }
}

/// A C status number -> core status; bad numbers are `INVALID_ARGUMENT`.
pub(crate) fn status_from_u32(n: u32, what: &str) -> FfiResult<Status> {
    Status::ALL
        .into_iter()
        .find(|s| *s as u32 == n)
        .ok_or_else(|| {
            Fail::invalid(format_args!(
                "{what} is {n}; expected 0 (pending) to 3 (expired)"
            ))
        })
}

/// One wait node's webhook in one execution: resume ID, execution id, node
/// id, lifecycle status, `created_at`, `expires_at` (unset until
/// activation) and the `webhook_config` JSON object. Times are unix ms.
///
/// Persistence is the host's: store `prana_registration_to_json` output
/// (or the fields) and apply each returned `prana_transition` with
/// compare-and-set.
///
/// Ownership: made by `prana_registration_create`, `_new`, `_from_json` or
/// `_clone`; owned by the caller; freed with `prana_registration_free`
/// (exactly once; NULL is a no-op).
///
/// Thread safety: not synchronized. Getters and `prana_resume_decide` only
/// read and may run concurrently; `_activate`, `_consume` and `_expire`
/// change it and need exclusive access (no other call on it at the same time).
pub struct prana_registration {
    pub(crate) inner: WebhookRegistration,
}

/// NULL -> None; else borrow (for `prana_resume_decide`).
pub(crate) fn registration_opt<'a>(
    reg: *const prana_registration,
) -> Option<&'a WebhookRegistration> {
    handle(reg, "registration").ok().map(|r| &r.inner)
}

/// NULL -> None; else borrow mutably (for `prana_registration_extend`).
pub(crate) fn registration_opt_mut<'a>(
    reg: *mut prana_registration,
) -> Option<&'a mut WebhookRegistration> {
    handle_mut(reg, "registration").ok().map(|r| &mut r.inner)
}

#[cfg(feature = "std")]
pub(crate) fn new_registration_handle(
    out: Out<*mut prana_registration>,
    inner: WebhookRegistration,
) -> FfiResult {
    out.write(abi::into_handle(prana_registration { inner }));
    Ok(())
}

/// Create a pending registration for `node_id` in `execution_id`, created
/// at `now` (unix ms). On success `*out` receives a new handle, to free with
/// `prana_registration_free`.
///
/// The resume ID is either fresh or given: with `resume_id` NULL (length 0)
/// a fresh ID comes from `generator` (which is advanced); with a
/// `resume_id`, that ID is used (it must have been made for `execution_id`
/// and `node_id`, else `PRANA_STATUS_RESUME_ID_MISMATCH`) and `generator`
/// may be NULL. Thread safety: the generator's (one thread at a time).
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_registration_create(
    generator: *mut prana_id_generator,
    resume_id: *const c_char,
    resume_id_len: usize,
    execution_id: *const c_char,
    execution_id_len: usize,
    node_id: *const c_char,
    node_id_len: usize,
    now: u64,
    out: *mut *mut prana_registration,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let e = text(execution_id, execution_id_len, "execution_id")?;
        let n = text(node_id, node_id_len, "node_id")?;
        let out = Out::new(out, "out")?;
        let reg = if r.is_empty() {
            WebhookRegistration::create(generator_mut(generator)?, e, n, now)?
        } else {
            WebhookRegistration::new(prana_webhook_core::id::ResumeId::parse(r)?, e, n, now)?
        };
        new_registration_handle(out, reg)
    })
}

/// Bytes of caller memory a `prana_registration` needs.
pub const PRANA_REGISTRATION_SIZE: usize = 2464;
/// Alignment a `prana_registration` needs (`uint64_t[]` memory has it).
pub const PRANA_REGISTRATION_ALIGN: usize = 8;

const _: () = assert!(
    core::mem::size_of::<prana_registration>() <= PRANA_REGISTRATION_SIZE
        && core::mem::align_of::<prana_registration>() <= PRANA_REGISTRATION_ALIGN
);

/// `prana_registration_create` into caller memory: `mem` holds `mem_len >=
/// PRANA_REGISTRATION_SIZE` bytes aligned to `PRANA_REGISTRATION_ALIGN`,
/// else `PRANA_STATUS_INVALID_ARGUMENT`; the other arguments and errors are
/// those of `prana_registration_create`. On success `*out` is the handle
/// (pointing into `mem`); nothing is allocated, and the handle is never
/// passed to `prana_registration_free`. To copy one, copy
/// `PRANA_REGISTRATION_SIZE` bytes of `mem`. Available in every build.
#[no_mangle]
pub extern "C" fn prana_registration_init(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    generator: *mut prana_id_generator,
    resume_id: *const c_char,
    resume_id_len: usize,
    execution_id: *const c_char,
    execution_id_len: usize,
    node_id: *const c_char,
    node_id_len: usize,
    now: u64,
    out: *mut *mut prana_registration,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let e = text(execution_id, execution_id_len, "execution_id")?;
        let n = text(node_id, node_id_len, "node_id")?;
        let out = Out::new(out, "out")?;
        let reg = if r.is_empty() {
            WebhookRegistration::create(generator_mut(generator)?, e, n, now)?
        } else {
            WebhookRegistration::new(prana_webhook_core::id::ResumeId::parse(r)?, e, n, now)?
        };
        out.write(abi::init_in(
            mem,
            mem_len,
            prana_registration { inner: reg },
        )?);
        Ok(())
    })
}

/// Read a registration from its JSON form (as written by
/// `prana_registration_to_json`), checking every field. Errors:
/// `PRANA_STATUS_INVALID_JSON`, `PRANA_STATUS_NOT_AN_OBJECT`, the id
/// statuses, `PRANA_STATUS_CAPACITY_EXCEEDED`. On success `*out` receives a
/// new handle.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_registration_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut prana_registration,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let j = text(json, json_len, "json")?;
        let out = Out::new(out, "out")?;
        new_registration_handle(out, WebhookRegistration::from_json(j.as_bytes())?)
    })
}

/// Read a registration from its JSON form into an existing handle (made by
/// any constructor, `prana_registration_init` too), checking every field
/// as `prana_registration_from_json` does: the in-place way to load a
/// stored row, and the only one without std. On failure the handle is
/// unchanged. Errors as `prana_registration_from_json`, and
/// `PRANA_STATUS_NULL_ARGUMENT` for a NULL `registration`.
#[no_mangle]
pub extern "C" fn prana_registration_restore(
    registration: *mut prana_registration,
    json: *const c_char,
    json_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle_mut(registration, "registration")?;
        let j = text(json, json_len, "json")?;
        // In place (unchanged on error): no registration on the stack.
        r.inner.load_json(j.as_bytes())?;
        Ok(())
    })
}

/// Write the registration's JSON form (for the host's store). Output: JSON
/// and NUL; `*out_len` = length without the NUL; a buffer of
/// `PRANA_MAX_REGISTRATION_JSON_LEN + 1` bytes always suffices; on
/// `PRANA_STATUS_BUFFER_TOO_SMALL` `*out_len` = size needed with the NUL.
#[no_mangle]
pub extern "C" fn prana_registration_to_json(
    registration: *const prana_registration,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        let out = StrOut::new(buf, len, out_len)?;
        out.write_serialized(crate::PRANA_MAX_REGISTRATION_JSON_LEN, |b| {
            r.inner.to_json(b)
        })
    })
}

/// Copy a registration. On success `*out` receives a new, independent handle.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_registration_clone(
    registration: *const prana_registration,
    out: *mut *mut prana_registration,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        let out = Out::new(out, "out")?;
        new_registration_handle(out, r.inner.clone())
    })
}

/// Free a registration. NULL is a no-op. The handle must not be used afterwards.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_registration_free(registration: *mut prana_registration) {
    abi::free_handle(registration);
}

/// pending -> active: the wait node is reached at `now` (unix ms). Sets
/// `expires_at = now + timeout_ms` and stores `webhook_config`, a JSON
/// object of at most `PRANA_MAX_CONFIG_LEN` bytes (NULL with length 0 means
/// `{}`). Activating an active registration again changes nothing (an
/// idempotent active -> active transition). Errors:
/// `PRANA_STATUS_INVALID_TRANSITION` (consumed or expired),
/// `PRANA_STATUS_INVALID_JSON`, `PRANA_STATUS_NOT_AN_OBJECT`,
/// `PRANA_STATUS_CAPACITY_EXCEEDED`. On success `*out` is the transition to
/// apply with compare-and-set; on failure the registration is unchanged.
#[no_mangle]
pub extern "C" fn prana_registration_activate(
    registration: *mut prana_registration,
    now: u64,
    timeout_ms: u64,
    webhook_config: *const c_char,
    webhook_config_len: usize,
    out: *mut prana_transition,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle_mut(registration, "registration")?;
        let cfg = text(webhook_config, webhook_config_len, "webhook_config")?;
        let out = Out::new(out, "out")?;
        let cfg = if cfg.is_empty() && webhook_config.is_null() {
            "{}"
        } else {
            cfg
        };
        let t = r.inner.activate(now, timeout_ms, cfg)?;
        out.write(prana_transition::from_core(&t));
        Ok(())
    })
}

/// active -> consumed at `now` (unix ms): a request resumes the execution.
/// Errors: `PRANA_STATUS_ALREADY_CONSUMED`, `PRANA_STATUS_REGISTRATION_EXPIRED`
/// (active but `expires_at` has passed), `PRANA_STATUS_INVALID_TRANSITION`
/// (pending or expired). At most one consume ever succeeds. On success
/// `*out` is the transition to apply with compare-and-set.
#[no_mangle]
pub extern "C" fn prana_registration_consume(
    registration: *mut prana_registration,
    now: u64,
    out: *mut prana_transition,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle_mut(registration, "registration")?;
        let out = Out::new(out, "out")?;
        let t = r.inner.consume(now)?;
        out.write(prana_transition::from_core(&t));
        Ok(())
    })
}

/// pending/active -> expired: timed out, or the execution ended without
/// using it. Expiring an expired registration changes nothing (idempotent).
/// Error: `PRANA_STATUS_INVALID_TRANSITION` (consumed). On success `*out` is
/// the transition to apply with compare-and-set.
#[no_mangle]
pub extern "C" fn prana_registration_expire(
    registration: *mut prana_registration,
    out: *mut prana_transition,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle_mut(registration, "registration")?;
        let out = Out::new(out, "out")?;
        let t = r.inner.expire()?;
        out.write(prana_transition::from_core(&t));
        Ok(())
    })
}

/// Write the resume ID (output rules as `prana_registration_to_json`; a
/// buffer of `PRANA_MAX_RESUME_ID_LEN + 1` bytes always suffices).
#[no_mangle]
pub extern "C" fn prana_registration_resume_id(
    registration: *const prana_registration,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        StrOut::new(buf, len, out_len)?.write(r.inner.resume_id.as_str())
    })
}

/// Write the execution id (at most `PRANA_MAX_ID_PART_LEN` bytes + NUL).
#[no_mangle]
pub extern "C" fn prana_registration_execution_id(
    registration: *const prana_registration,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        StrOut::new(buf, len, out_len)?.write(r.inner.execution_id.as_str())
    })
}

/// Write the node id (at most `PRANA_MAX_ID_PART_LEN` bytes + NUL).
#[no_mangle]
pub extern "C" fn prana_registration_node_id(
    registration: *const prana_registration,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        StrOut::new(buf, len, out_len)?.write(r.inner.node_id.as_str())
    })
}

/// Write the `webhook_config` JSON object (`{}` until activation; at most
/// `PRANA_MAX_CONFIG_LEN` bytes + NUL).
#[no_mangle]
pub extern "C" fn prana_registration_webhook_config(
    registration: *const prana_registration,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        StrOut::new(buf, len, out_len)?.write(r.inner.webhook_config.as_str())
    })
}

/// The stored lifecycle status (not adjusted for time; see
/// `prana_registration_status_at`).
#[no_mangle]
pub extern "C" fn prana_registration_status(
    registration: *const prana_registration,
    out: *mut prana_lifecycle_status,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        Out::new(out, "out")?.write(r.inner.status.into());
        Ok(())
    })
}

/// The status as of `now` (unix ms): an active registration whose
/// `expires_at` has passed counts as expired. Derived, not stored: if the
/// clock steps back it counts as active again, so persist the expiry
/// (`prana_registration_expire`) once seen.
#[no_mangle]
pub extern "C" fn prana_registration_status_at(
    registration: *const prana_registration,
    now: u64,
    out: *mut prana_lifecycle_status,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        Out::new(out, "out")?.write(r.inner.status_at(now).into());
        Ok(())
    })
}

/// The creation time (unix ms).
#[no_mangle]
pub extern "C" fn prana_registration_created_at(
    registration: *const prana_registration,
    out: *mut u64,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        Out::new(out, "out")?.write(r.inner.created_at);
        Ok(())
    })
}

/// The expiry time (unix ms). `*out_has` is false (and `*out` 0) until the
/// registration is activated.
#[no_mangle]
pub extern "C" fn prana_registration_expires_at(
    registration: *const prana_registration,
    out_has: *mut bool,
    out: *mut u64,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = handle(registration, "registration")?;
        let out_has = Out::new(out_has, "out_has")?;
        let out = Out::new(out, "out")?;
        out_has.write(r.inner.expires_at.is_some());
        out.write(r.inner.expires_at.unwrap_or(0));
        Ok(())
    })
}

/// Check a transition `from -> to` (values of `prana_lifecycle_status`)
/// against the table: pending->active, pending->expired, active->consumed,
/// active->expired and X->X are allowed. `PRANA_STATUS_OK`, or
/// `PRANA_STATUS_INVALID_TRANSITION` ("Invalid state transition from X to
/// Y"), or `PRANA_STATUS_INVALID_ARGUMENT` for a number that is not a state.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn prana_lifecycle_check(from: u32, to: u32, err: *mut prana_error) -> prana_status {
    guard(err, || {
        let f = status_from_u32(from, "from")?;
        let t = status_from_u32(to, "to")?;
        lifecycle::check_transition(f, t)?;
        Ok(())
    })
}

/// The lowercase name of a `prana_lifecycle_status` ("pending", "active",
/// "consumed", "expired"); "unknown" for other numbers. Static,
/// NUL-terminated, never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_lifecycle_status_name(status: u32) -> *const c_char {
    guard_value(c"unknown".as_ptr(), || match status {
        0 => c"pending".as_ptr(),
        1 => c"active".as_ptr(),
        2 => c"consumed".as_ptr(),
        3 => c"expired".as_ptr(),
        _ => c"unknown".as_ptr(),
    })
}

/// Parse a lowercase state name into `*out`. Error:
/// `PRANA_STATUS_UNKNOWN_STATUS`. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_lifecycle_status_parse(
    name: *const c_char,
    name_len: usize,
    out: *mut prana_lifecycle_status,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = text(name, name_len, "name")?;
        let out = Out::new(out, "out")?;
        out.write(Status::parse(s)?.into());
        Ok(())
    })
}
