//! Reading an execution: status, wait, current node, output,
//! registrations and rendered templates.

use core::ffi::{c_char, CStr};

use prana_webhook_core::executor::ExecutionStatus;

use super::result::wait_mode_of;
use super::*;
use crate::abi::{guard, handle, text, FfiResult, Out, StrOut};
#[cfg(feature = "std")]
use crate::registration::{new_registration_handle, prana_registration};
use crate::status::{prana_error, prana_status};

pub(crate) fn exec_ref<'a>(x: *const prana_execution) -> FfiResult<&'a FfiState> {
    handle(x, "execution").map(|x| &x.state)
}

/// Where the execution stands.
#[no_mangle]
pub extern "C" fn prana_execution_status(
    execution: *const prana_execution,
    out: *mut prana_run_status,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let st = match x.status() {
            ExecutionStatus::Created => prana_run_status::PRANA_EXECUTION_CREATED,
            ExecutionStatus::Suspended => prana_run_status::PRANA_EXECUTION_SUSPENDED,
            ExecutionStatus::Completed => prana_run_status::PRANA_EXECUTION_COMPLETED,
            ExecutionStatus::Failed => prana_run_status::PRANA_EXECUTION_FAILED,
            ExecutionStatus::Cancelled => prana_run_status::PRANA_EXECUTION_CANCELLED,
        };
        Out::new(out, "out")?.write(st);
        Ok(())
    })
}

/// The mode of the wait the execution is suspended in (`PRANA_WAIT_NONE`
/// when not suspended).
#[no_mangle]
pub extern "C" fn prana_execution_wait_mode(
    execution: *const prana_execution,
    out: *mut prana_wait_mode,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        Out::new(out, "out")?.write(wait_mode_of(x.wait_mode()));
        Ok(())
    })
}

/// When the current wait ends (unix ms): a timer's `resume_at` or a
/// webhook's expiry, after which the host calls `prana_execution_expire`.
/// `*out_has` is false (and `*out` 0) when not waiting.
#[no_mangle]
pub extern "C" fn prana_execution_resume_at(
    execution: *const prana_execution,
    out_has: *mut bool,
    out: *mut u64,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let out_has = Out::new(out_has, "out_has")?;
        let out = Out::new(out, "out")?;
        out_has.write(x.resume_at().is_some());
        out.write(x.resume_at().unwrap_or(0));
        Ok(())
    })
}

/// Shared body of the string getters.
fn exec_str(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
    get: impl FnOnce(&FfiState) -> &str,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let out = StrOut::new(buf, len, out_len)?;
        out.write(get(x))
    })
}

/// Write the wait node the execution is suspended at, or the node that
/// failed; "" otherwise.
#[no_mangle]
pub extern "C" fn prana_execution_current_node(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    exec_str(execution, buf, len, out_len, err, |x| {
        x.current_node().unwrap_or("")
    })
}

/// Write the resume ID the execution waits for (suspended at a webhook
/// wait); "" otherwise.
#[no_mangle]
pub extern "C" fn prana_execution_waiting_resume_id(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    exec_str(execution, buf, len, out_len, err, |x| {
        x.waiting_resume_id().map_or("", |r| r.as_str())
    })
}

/// Write the last output (JSON): of the last node run, or the trigger or
/// resume payload; `null` before the first run. At most the execution's
/// payload capacity + NUL.
#[no_mangle]
pub extern "C" fn prana_execution_output(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    exec_str(execution, buf, len, out_len, err, |x| x.output())
}

/// The number of registrations (one per wait node in webhook mode).
#[no_mangle]
pub extern "C" fn prana_execution_registration_count(
    execution: *const prana_execution,
    out: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        Out::new(out, "out")?.write(x.context().slots().len());
        Ok(())
    })
}

/// Copy registration `index` (0 to count - 1, in workflow order) into a new
/// handle in `*out`: its resume ID, status and times (its `webhook_config`
/// is `{}`; the row to store, with the config once activated, is
/// `prana_execution_registration_json`). After `prana_execution_start`,
/// iterate the registrations with this to learn their resume IDs. An index
/// out of range is `PRANA_STATUS_INVALID_ARGUMENT`. Std build only (a
/// new handle); without std, `prana_execution_registration_json` of each
/// resume ID in the run results gives the rows.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_execution_registration(
    execution: *const prana_execution,
    index: usize,
    out: *mut *mut prana_registration,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let out = Out::new(out, "out")?;
        let count = x.context().slots().len();
        let reg = x.context().registrations().nth(index).ok_or_else(|| {
            crate::abi::Fail::invalid(format_args!(
                "index is {index}; the execution has {count} registrations"
            ))
        })?;
        new_registration_handle(out, reg)
    })
}

/// The stack scratch of `prana_execution_render`'s one-pass rendering.
#[cfg(feature = "std")]
const RENDER_SCRATCH_LEN: usize = 512;

/// Render `template`, resolving `{{ $execution.id }}`,
/// `{{ $execution.workflow_id }}`, `{{ $execution.<node_id>.resume_url }}`,
/// `.resume_id` and `.cancel_url`. Unknown nodes or fields are errors
/// (`PRANA_STATUS_EXPRESSION_*`), never empty strings. The size needed is
/// exact on `PRANA_STATUS_BUFFER_TOO_SMALL`.
#[no_mangle]
pub extern "C" fn prana_execution_render(
    execution: *const prana_execution,
    template: *const c_char,
    template_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let t = text(template, template_len, "template")?;
        let out = StrOut::new(buf, len, out_len)?;
        // One pass into a scratch that holds most renderings (a URL, a
        // short message), then one copy, so the caller's buffer stays
        // untouched when it is too small. Std build only: firmware stacks
        // are small, and there the two passes below are cheap enough.
        #[cfg(feature = "std")]
        {
            let mut scratch = [0u8; RENDER_SCRATCH_LEN];
            match x.context().render_str(t, &mut scratch) {
                Ok(s) => return out.write(s),
                Err(prana_webhook_core::Error::BufferTooSmall { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        // Count first (an empty buffer reports the size), then render.
        let needed = match x.context().render(t, &mut []) {
            Ok(n) => n,
            Err(prana_webhook_core::Error::BufferTooSmall { needed }) => needed,
            Err(e) => return Err(e.into()),
        };
        out.check_fits(needed)?;
        // The buffer holds the text and its NUL: rendered in place.
        out.write_serialized(needed, |b| x.context().render(t, b))
    })
}

/// A static name for a `prana_run_status` ("created", "suspended",
/// "completed", "failed", "cancelled"; "unknown" otherwise). Never NULL.
#[no_mangle]
pub extern "C" fn prana_run_status_name(status: u32) -> *const c_char {
    let name: &CStr = match status {
        0 => c"created",
        1 => c"suspended",
        2 => c"completed",
        3 => c"failed",
        4 => c"cancelled",
        _ => c"unknown",
    };
    name.as_ptr()
}
