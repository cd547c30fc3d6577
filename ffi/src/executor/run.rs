//! The run calls: run, resume, expire and resume a timer.

use core::ffi::{c_char, c_void};

use prana_webhook_core::executor;

use super::result::{activated_registration_json, write_run_result};
use super::*;
use crate::abi::{guard, handle_mut, text, Fail, FfiResult, Out};
use crate::route::prana_transition;
use crate::status::{prana_error, prana_status};

/// A run call: the core's `_into` call over the state, a workspace, the C
/// handler and a result slot, all out of the stack (per thread, or in the
/// caller's memory), then the C result written from the slot.
pub(crate) fn run_call(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    out: *mut prana_run_result,
    body: impl FnOnce(
        &FfiWorkflow<'_>,
        &mut FfiState,
        &mut FfiWorkspace<'_>,
        &mut CHandler<'_>,
        &mut FfiRunResult,
    ) -> prana_webhook_core::Result<()>,
) -> FfiResult {
    let (w, nul) = wf_with_nul(workflow)?;
    let x = handle_mut(execution, "execution")?;
    let out = Out::new(out, "out")?;
    let prana_execution { state, scratch } = x;
    // A node's output gets the execution's payload capacity.
    let cap = state.output_capacity();
    match scratch {
        Some(s) => {
            let mut ws = FfiWorkspace::with_buffers(&mut s.params[..], &mut s.output[..cap]);
            let strings = Strings::Fixed(&mut s.strings[..]);
            let h = CHandler::new(handler, user_data, strings, nul);
            run_with(w, state, &mut ws, h, s.result, s.json, out, body)
        }
        #[cfg(feature = "std")]
        None => RunScratch::with(|scratch| {
            if scratch.output.len() < cap {
                scratch.output.resize(cap, 0);
            }
            let mut ws =
                FfiWorkspace::with_buffers(&mut scratch.params, &mut scratch.output[..cap]);
            let strings = Strings::Grow(&mut scratch.strings);
            let h = CHandler::new(handler, user_data, strings, nul);
            run_with(
                w,
                state,
                &mut ws,
                h,
                &mut scratch.result,
                &mut scratch.json,
                out,
                body,
            )
        }),
        #[cfg(not(feature = "std"))]
        None => Err(Fail::invalid(
            "the execution has no run buffers (make it with prana_execution_init)",
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_with(
    w: &FfiWorkflow<'_>,
    state: &mut FfiState,
    ws: &mut FfiWorkspace<'_>,
    mut h: CHandler<'_>,
    r: &mut FfiRunResult,
    json: &mut [u8; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
    out: Out<prana_run_result>,
    body: impl FnOnce(
        &FfiWorkflow<'_>,
        &mut FfiState,
        &mut FfiWorkspace<'_>,
        &mut CHandler<'_>,
        &mut FfiRunResult,
    ) -> prana_webhook_core::Result<()>,
) -> FfiResult {
    body(w, state, ws, &mut h, r)?;
    if let Some(node) = h.missing_node() {
        return Err(Fail::new(
            prana_status::PRANA_STATUS_NO_NODE_HANDLER,
            format_args!(
                "node '{}' needs the host's node handler, which is NULL; the execution \
                 recorded the node as failed (no_node_handler)",
                node
            ),
        ));
    }
    let registration_json = activated_registration_json(r, json)?;
    // SAFETY: `out` is non-NULL and, by the header's contract, valid
    // and aligned for one `prana_run_result` that nothing else touches
    // during the call. Written only now that nothing can fail.
    unsafe { write_run_result(out.as_ptr(), r, registration_json) };
    Ok(())
}

/// Run a started execution from the start node with the trigger payload
/// `input` (JSON, at most the execution's payload capacity) until it completes,
/// fails or suspends. Nodes other than `wait` and `trigger` go to `handler`
/// (with `user_data`). A failing node is an outcome, not a call failure;
/// the call fails (changing nothing) for bad arguments or
/// `PRANA_STATUS_EXECUTION_ALREADY_STARTED` / `_WORKFLOW_MISMATCH`.
#[no_mangle]
pub extern "C" fn prana_execution_run(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    input: *const c_char,
    input_len: usize,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let i = text(input, input_len, "input")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h, r| executor::run_into(w, s, ws, h, i, now, r),
        )
    })
}

/// Resume a webhook wait whose registration the host has already moved
/// active -> consumed: `applied` is the transition `prana_resume_decide`
/// returned and the host's compare-and-set applied (exactly one row
/// changed). The request brought `payload` (JSON, at most the execution's
/// payload capacity); the execution continues through the wait node's
/// `main` port with it as input. The result's transitions never repeat
/// `applied`: apply every one of them, in order, each with its row from
/// `prana_execution_registration_json`.
///
/// Refused, changing nothing: a transition other than active -> consumed
/// or for a registration the execution does not hold active
/// (`PRANA_STATUS_EXECUTION_NOT_APPLIED`),
/// `PRANA_STATUS_EXECUTION_NOT_SUSPENDED` ("Can only resume suspended
/// executions"), `_UNKNOWN_RESUME_ID`, `_NOT_WAITING_HERE`,
/// `_WORKFLOW_MISMATCH`, `PRANA_STATUS_CAPACITY_EXCEEDED` (payload).
#[no_mangle]
pub extern "C" fn prana_execution_resume(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    applied: *const prana_transition,
    payload: *const c_char,
    payload_len: usize,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let t = crate::route::transition_in(applied, "applied")?;
        let p = text(payload, payload_len, "payload")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h, r| executor::resume_applied_into(w, s, ws, h, &t, p, now, r),
        )
    })
}

/// Expire a webhook wait whose registration the host has already moved
/// active -> expired: `applied` is the transition `prana_expire_decide`
/// returned and the host's compare-and-set applied (on the status and the
/// stored expiry, so a resume, cancel or extend that came first wins). The
/// execution continues through the wait node's `timeout` port. The result's
/// transitions never repeat `applied`: store its row
/// (`prana_execution_registration_json`), then apply every transition in
/// order. The time is not checked: the host decides when a wait timed out.
///
/// Refused, changing nothing: a transition other than active -> expired or
/// for a registration the execution does not hold active
/// (`PRANA_STATUS_EXECUTION_NOT_APPLIED`), and as `prana_execution_resume`.
#[no_mangle]
pub extern "C" fn prana_execution_expire(
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
        let t = crate::route::transition_in(applied, "applied")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h, r| executor::expire_into(w, s, ws, h, &t, now, r),
        )
    })
}

/// Continue an interval or schedule wait once `now` has reached its
/// `resume_at`. Refused: `PRANA_STATUS_EXECUTION_NOT_DUE`, `_NOT_TIMER`,
/// `_NOT_SUSPENDED`.
#[no_mangle]
pub extern "C" fn prana_execution_resume_timer(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h, r| executor::resume_timer_into(w, s, ws, h, now, r),
        )
    })
}
