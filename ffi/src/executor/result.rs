//! `prana_run_result` and how a run call writes it.

use core::ffi::c_char;

use prana_webhook_core::executor::Outcome;
use prana_webhook_core::wait::{Suspension, WaitMode};

use super::*;
use crate::abi::FfiResult;
use crate::route::prana_transition;
use crate::{PRANA_ID_PART_BUF_SIZE, PRANA_RESUME_ID_BUF_SIZE, PRANA_URL_BUF_SIZE};

/// The result of `prana_execution_run`, `_resume`, `_expire` and
/// `_resume_timer`. Plain data (about 7 KiB).
///
/// On success every field is set (a string that does not apply to the
/// outcome is ""), but only as far as it is valid: each string up to and
/// including its NUL, and the first `transition_count` entries of
/// `transitions`. The bytes after a NUL and the entries after those keep
/// whatever the caller's memory held (the struct is not zeroed per call):
/// read strings as NUL-terminated and transitions up to the count. A caller
/// that copies or reads the struct as a whole from a language where
/// uninitialized bytes matter (Rust's `MaybeUninit::assume_init`) zeroes it
/// once before the first call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_run_result {
    /// Completed, suspended or failed.
    pub outcome: prana_outcome,
    /// The wait node (suspended) or the failing node (failed); "" when completed.
    pub node_id: [c_char; PRANA_ID_PART_BUF_SIZE],
    /// Suspended: the wait mode; else `PRANA_WAIT_NONE`.
    pub wait_mode: prana_wait_mode,
    /// Suspended: when the wait ends, unix ms (`resume_at` of a timer, the
    /// expiry of a webhook); else 0.
    pub resume_at: u64,
    /// Webhook wait: the timeout in ms; else 0.
    pub timeout_ms: u64,
    /// Webhook wait: the resume ID the execution waits for; else "".
    pub resume_id: [c_char; PRANA_RESUME_ID_BUF_SIZE],
    /// Webhook wait: its resume URL, with `?sig={key_id}.{mac}` when the
    /// execution was started with a key set; else "".
    pub resume_url: [c_char; PRANA_URL_BUF_SIZE],
    /// Webhook wait: the activated registration (with its `webhook_config`)
    /// as JSON, to persist (`prana_registration_from_json` reads it): the
    /// same text as `prana_execution_registration_json` of `resume_id`;
    /// else "".
    pub registration_json: [c_char; crate::PRANA_REGISTRATION_JSON_BUF_SIZE],
    /// Schedule wait: the `timezone` parameter; else "".
    pub timezone: [c_char; PRANA_TIMEZONE_BUF_SIZE],
    /// Failed: the node error code; else "".
    pub error_code: [c_char; PRANA_ERROR_CODE_BUF_SIZE],
    /// Failed: the node error message; else "".
    pub error_message: [c_char; PRANA_ERROR_MESSAGE_BUF_SIZE],
    /// Number of entries used in `transitions`.
    pub transition_count: usize,
    /// The registration changes this call made, each once, to apply with
    /// compare-and-set in order, each with its row from
    /// `prana_execution_registration_json`: activations, and the expiry of
    /// open registrations when the execution ends. Never the transition
    /// the host applied before `prana_execution_resume` / `_cancel`.
    pub transitions: [prana_transition; PRANA_MAX_WAIT_NODES],
}

pub(super) fn wait_mode_of(m: Option<WaitMode>) -> prana_wait_mode {
    match m {
        None => prana_wait_mode::PRANA_WAIT_NONE,
        Some(WaitMode::Interval) => prana_wait_mode::PRANA_WAIT_INTERVAL,
        Some(WaitMode::Schedule) => prana_wait_mode::PRANA_WAIT_SCHEDULE,
        Some(WaitMode::Webhook) => prana_wait_mode::PRANA_WAIT_WEBHOOK,
    }
}

/// Write `s` (cut at a character boundary to fit) and a NUL at the start
/// of the array at `dst`; the bytes after the NUL are left as they are.
///
/// # Safety
/// `dst` must be valid for writes of `N` bytes.
unsafe fn put_text<const N: usize>(dst: *mut [c_char; N], s: &str) -> usize {
    let mut n = s.len().min(N.saturating_sub(1));
    while n > 0 && !s.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: the caller's promise; `n` fits with the NUL.
    unsafe { put_bytes(dst, &s.as_bytes()[..n]) }
}

/// Write `b` (which fits with the NUL: `b.len() < N`) and a NUL at the
/// start of the array at `dst`; the bytes after the NUL are left as they
/// are.
///
/// # Safety
/// `dst` must be valid for writes of `N` bytes.
unsafe fn put_bytes<const N: usize>(dst: *mut [c_char; N], b: &[u8]) -> usize {
    let n = b.len().min(N.saturating_sub(1));
    if N > 0 {
        let dst = dst.cast::<u8>();
        // SAFETY: n < N bytes and the NUL at n fit the array (the caller's
        // promise); the source is a Rust slice, not the array.
        unsafe {
            core::ptr::copy_nonoverlapping(b.as_ptr(), dst, n);
            dst.add(n).write(0);
        }
    }
    n
}

/// Write the result of a run call into `*p`, field by field: every field
/// is set (strings that do not apply to the outcome to ""), but only the
/// text of each string up to its NUL and the first `transition_count`
/// transitions; the rest of the ~7 KiB struct is not touched (zeroing it
/// per call cost as much as the writes). `registration_json` is the JSON
/// of the registration a webhook wait activated (serialized beforehand
/// because that can fail).
///
/// # Safety
/// `p` must be valid and aligned for writes of one `prana_run_result`.
pub(super) unsafe fn write_run_result(
    p: *mut prana_run_result,
    r: &FfiRunResult,
    registration_json: &[u8],
) {
    use core::ptr::addr_of_mut as at;
    let (outcome, node_id, mode, resume_at) = match &r.outcome {
        Outcome::Completed => (prana_outcome::PRANA_OUTCOME_COMPLETED, "", None, 0),
        Outcome::Suspended {
            node_id,
            suspension,
        } => (
            prana_outcome::PRANA_OUTCOME_SUSPENDED,
            node_id.as_str(),
            Some(suspension.mode()),
            suspension.deadline(),
        ),
        Outcome::Failed { node_id, .. } => (
            prana_outcome::PRANA_OUTCOME_FAILED,
            node_id.as_str(),
            None,
            0,
        ),
        Outcome::Cancelled { node_id } => (
            prana_outcome::PRANA_OUTCOME_CANCELLED,
            node_id.as_str(),
            None,
            0,
        ),
    };
    let (mut timeout_ms, mut resume_id, mut resume_url, mut json, mut timezone) =
        (0, "", "", &[][..], "");
    if let Outcome::Suspended { suspension, .. } = &r.outcome {
        match suspension {
            Suspension::Interval { .. } => {}
            Suspension::Schedule { timezone: tz, .. } => timezone = tz.as_str(),
            Suspension::Webhook {
                registration,
                resume_url: url,
                timeout_ms: t,
            } => {
                timeout_ms = *t;
                resume_id = registration.resume_id.as_str();
                resume_url = url.as_str();
                json = registration_json;
            }
        }
    }
    let (code, message) = match &r.outcome {
        Outcome::Failed { error, .. } => (error.code.as_str(), error.message.as_str()),
        _ => ("", ""),
    };
    let count = r.transitions.len().min(PRANA_MAX_WAIT_NODES);
    // SAFETY: `p` is valid for one `prana_run_result` (the caller's
    // promise); every write goes to one of its fields, through raw
    // pointers (no reference to possibly uninitialized memory is made),
    // and `put_text` writes inside its array.
    unsafe {
        at!((*p).outcome).write(outcome);
        put_text(at!((*p).node_id), node_id);
        at!((*p).wait_mode).write(wait_mode_of(mode));
        at!((*p).resume_at).write(resume_at);
        at!((*p).timeout_ms).write(timeout_ms);
        put_text(at!((*p).resume_id), resume_id);
        put_text(at!((*p).resume_url), resume_url);
        // Always fits (the array holds the longest row), so it is never
        // cut: its bytes are copied as the core wrote them.
        put_bytes(at!((*p).registration_json), json);
        put_text(at!((*p).timezone), timezone);
        put_text(at!((*p).error_code), code);
        put_text(at!((*p).error_message), message);
        at!((*p).transition_count).write(count);
        let slots = at!((*p).transitions).cast::<prana_transition>();
        for (i, t) in r.transitions.iter().take(count).enumerate() {
            let slot = slots.add(i);
            at!((*slot).from).write(t.from.into());
            at!((*slot).to).write(t.to.into());
            let n = put_text(at!((*slot).resume_id), t.resume_id.as_str());
            at!((*slot).resume_id_len).write(n);
        }
    }
}

/// The JSON of the registration a webhook wait activated (empty for any
/// other outcome), into `buf`: the core's text, copied to the C result as
/// it is (no second UTF-8 check).
pub(super) fn activated_registration_json<'b>(
    r: &FfiRunResult,
    buf: &'b mut [u8; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
) -> FfiResult<&'b [u8]> {
    let n = match &r.outcome {
        Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } => registration.to_json(buf)?,
        _ => 0,
    };
    Ok(&buf[..n])
}
