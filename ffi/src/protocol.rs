//! The request protocol's execution side: cancel a wait whose registration
//! the host consumed, and the row JSON of any registration, so every row a
//! host stores is the library's.

use core::ffi::{c_char, c_void};

use prana_webhook_core::executor;

use crate::abi::{guard, text, StrOut};
use crate::executor::{
    exec_ref, prana_execution, prana_node_handler, prana_run_result, prana_workflow, run_call,
    wf_ref, FfiRunResult, RunScratch,
};
use crate::route::{prana_transition, transition_in};
use crate::status::{prana_error, prana_status};

/// Cancel a webhook wait whose registration the host has already moved
/// active -> consumed for a cancel request: `applied` is the transition
/// `prana_cancel_decide` returned and the host's compare-and-set applied.
/// (A resume and a cancel of one wait race for that one transition: the
/// compare-and-set lets one win.) The execution continues through the wait
/// node's `cancel` port when it is connected (the next node gets the wait
/// node's input); otherwise it ends `PRANA_EXECUTION_CANCELLED`
/// (`PRANA_OUTCOME_CANCELLED`), every other open registration expired. The
/// result's transitions never repeat `applied`.
///
/// Refused, changing nothing: as `prana_execution_resume`.
#[no_mangle]
pub extern "C" fn prana_execution_cancel(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    applied: *const prana_transition,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let t = transition_in(applied, "applied")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h| {
                let mut r = FfiRunResult::new();
                executor::cancel_into(w, s, ws, h, &t, now, &mut r)?;
                Ok(r)
            },
        )
    })
}

/// Write the row JSON of registration `resume_id` as the execution holds
/// it now: the row to store after any call, next to each transition the
/// call returned (and after the host's own compare-and-set for
/// `prana_execution_resume` / `_cancel`). Status, times and, once the wait
/// node was reached, its `webhook_config` (rendered as the activation
/// rendered it). `prana_registration_from_json` reads it.
///
/// A buffer of `PRANA_REGISTRATION_JSON_BUF_SIZE` bytes always suffices.
/// Errors: `PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID`,
/// `PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH`, the resume ID statuses.
#[no_mangle]
pub extern "C" fn prana_execution_registration_json(
    workflow: *const prana_workflow,
    execution: *const prana_execution,
    resume_id: *const c_char,
    resume_id_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let w = wf_ref(workflow)?;
        let x = exec_ref(execution)?;
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let out = StrOut::new(buf, len, out_len)?;
        RunScratch::with(|scratch| {
            let n = x
                .registration_json(w, r, &mut scratch.params, &mut scratch.json[..])
                .map_err(crate::abi::Fail::from)?;
            let s = core::str::from_utf8(&scratch.json[..n])
                .map_err(|_| crate::abi::Fail::invalid("registration JSON is not UTF-8"))?;
            out.write(s)
        })
    })
}
