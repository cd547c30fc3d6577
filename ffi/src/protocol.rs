//! The request protocol's execution side: cancel a wait whose registration
//! the host consumed, record an extension the host applied, and the row
//! JSON of any registration, so every row a host stores is the library's.

use core::ffi::{c_char, c_void};

use prana_webhook_core::executor;

use crate::abi::{guard, handle, handle_mut, text, Fail, FfiResult, StrOut};
#[cfg(feature = "std")]
use crate::executor::RunScratch;
use crate::executor::{
    exec_ref, prana_execution, prana_node_handler, prana_run_result, prana_workflow, run_call,
    wf_ref,
};
use crate::route::{prana_extension, prana_transition, transition_in};
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
            |w, s, ws, h, r| executor::cancel_into(w, s, ws, h, &t, now, r),
        )
    })
}

/// Record in the execution an extension (heartbeat) the host applied to its
/// store: `applied` is what `prana_registration_extend` gave (`extended`
/// true) and the host's compare-and-set on the old expiry applied. The
/// registration's expiry in the execution moves to `to_expires_at`, and
/// while the execution waits at it so does `prana_execution_resume_at`;
/// then store the execution (`prana_execution_to_json`) with the row
/// `prana_execution_registration_json` writes, in the same transaction as
/// the compare-and-set, so the state and the row agree and the sweeper
/// expires the wait at the new time. Nothing else changes; no transition.
///
/// Refused, changing nothing: `extended` false, a registration that is not
/// active in the execution, or a `to_expires_at` not later than the expiry
/// it holds, as for the same extension twice
/// (`PRANA_STATUS_EXECUTION_NOT_APPLIED`); a
/// resume ID of no registration of the execution
/// (`PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID`). Needs exclusive access to
/// the execution.
#[no_mangle]
pub extern "C" fn prana_execution_extend(
    execution: *mut prana_execution,
    applied: *const prana_extension,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = handle_mut(execution, "execution")?;
        let ext = extension_in(applied, "applied")?;
        x.state.extend(&ext).map_err(Fail::from)
    })
}

/// Read a caller's extension (`what` names it in errors).
fn extension_in(
    e: *const prana_extension,
    what: &str,
) -> FfiResult<prana_webhook_core::registration::Extension> {
    let e = handle(e, what)?;
    // SAFETY: `extended` is a `bool` inside a valid `prana_extension`; read
    // as a plain byte so a value C put there other than 0 or 1 is not
    // undefined behaviour.
    let extended = unsafe { core::ptr::addr_of!(e.extended).cast::<u8>().read() } != 0;
    if !extended {
        return Err(Fail::from(prana_webhook_core::Error::from(
            executor::ExecutionError::NotApplied,
        )));
    }
    if e.resume_id_len >= e.resume_id.len() {
        return Err(Fail::invalid(format_args!(
            "{what}.resume_id_len is {}; at most {} bytes fit resume_id",
            e.resume_id_len,
            e.resume_id.len() - 1
        )));
    }
    let id = text(e.resume_id.as_ptr(), e.resume_id_len, "resume_id")?;
    Ok(prana_webhook_core::registration::Extension {
        resume_id: prana_webhook_core::id::ResumeId::parse(id)?,
        from_expires_at: Some(e.from_expires_at),
        to_expires_at: e.to_expires_at,
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
        #[cfg(feature = "std")]
        return RunScratch::with(|scratch| {
            let n = x
                .registration_json(w, r, &mut scratch.params, &mut scratch.json[..])
                .map_err(crate::abi::Fail::from)?;
            let s = core::str::from_utf8(&scratch.json[..n])
                .map_err(|_| crate::abi::Fail::invalid("registration JSON is not UTF-8"))?;
            out.write(s)
        });
        // Without a heap: the params render on the stack and the JSON goes
        // straight to the caller's buffer (which must hold the maximum).
        #[cfg(not(feature = "std"))]
        {
            let mut params = [0u8; crate::executor::PARAMS_LEN];
            out.write_serialized(crate::PRANA_MAX_REGISTRATION_JSON_LEN, |b| {
                x.registration_json(w, r, &mut params, b)
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::{
        prana_execution_free, prana_execution_resume, prana_execution_run, prana_execution_start,
        prana_outcome, prana_workflow_free, prana_workflow_new,
    };
    use crate::registration::prana_lifecycle_status as L;
    use crate::status::prana_status::*;
    use core::mem::MaybeUninit;
    use core::ptr::{null, null_mut};

    const WF: &str = r#"{"id":"wf","nodes":[{"key":"t","type":"trigger"},
        {"key":"w","type":"wait","params":{"mode":"webhook","timeout_hours":1}}],
        "connections":[{"from":"t","to":"w"}]}"#;

    fn row(w: *const prana_workflow, x: *const prana_execution, rid: &str) -> String {
        let mut buf = [0 as c_char; crate::PRANA_REGISTRATION_JSON_BUF_SIZE];
        let mut n = 0usize;
        let st = prana_execution_registration_json(
            w,
            x,
            rid.as_ptr().cast(),
            rid.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            null_mut(),
        );
        assert_eq!(st, PRANA_STATUS_OK);
        // SAFETY: `n` bytes of UTF-8 were written.
        let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    /// Cancel without a cancel port ends the execution; the applied
    /// transition is not returned again; the row says consumed; a second
    /// use of the transition is refused.
    #[test]
    fn cancel_ends_the_execution_once() {
        let (mut w, mut b, mut g, mut x) = (null_mut(), null_mut(), null_mut(), null_mut());
        assert_eq!(
            prana_workflow_new(WF.as_ptr().cast(), WF.len(), &mut w, null_mut()),
            OK
        );
        let base = "https://gw.example.com";
        let st =
            crate::urls::prana_base_url_new(base.as_ptr().cast(), base.len(), &mut b, null_mut());
        assert_eq!(st, OK);
        let seed = [3u8; 32];
        let st = crate::ids::prana_id_generator_new(seed.as_ptr(), 32, &mut g, null_mut());
        assert_eq!(st, OK);
        let st = prana_execution_start(
            w,
            c"e".as_ptr(),
            1,
            b,
            null(),
            g,
            0,
            512,
            &mut x,
            null_mut(),
        );
        assert_eq!(st, OK);
        let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
        let st = prana_execution_run(
            w,
            x,
            None,
            null_mut(),
            c"{}".as_ptr(),
            2,
            0,
            r.as_mut_ptr(),
            null_mut(),
        );
        assert_eq!(st, OK);
        // SAFETY: zeroed, then written on success.
        let rid_arr = unsafe { r.assume_init_ref() }.resume_id;
        let len = rid_arr.iter().position(|&c| c == 0).unwrap();
        let rid: String = rid_arr[..len].iter().map(|&c| c as u8 as char).collect();
        assert!(row(w, x, &rid).contains("\"active\""));

        let mut applied = prana_transition::empty();
        applied.resume_id = rid_arr;
        applied.resume_id_len = len;
        applied.from = L::PRANA_LIFECYCLE_ACTIVE;
        applied.to = L::PRANA_LIFECYCLE_CONSUMED;
        let st = prana_execution_cancel(
            w,
            x,
            None,
            null_mut(),
            &applied,
            5,
            r.as_mut_ptr(),
            null_mut(),
        );
        assert_eq!(st, OK);
        // SAFETY: written on success.
        let done = unsafe { r.assume_init_ref() };
        assert_eq!(done.outcome, prana_outcome::PRANA_OUTCOME_CANCELLED);
        assert_eq!(done.transition_count, 0);
        assert!(row(w, x, &rid).contains("\"consumed\""));
        let st = prana_execution_resume(
            w,
            x,
            None,
            null_mut(),
            &applied,
            c"{}".as_ptr(),
            2,
            6,
            r.as_mut_ptr(),
            null_mut(),
        );
        assert_eq!(st, PRANA_STATUS_EXECUTION_NOT_SUSPENDED);

        prana_execution_free(x);
        crate::ids::prana_id_generator_free(g);
        crate::urls::prana_base_url_free(b);
        prana_workflow_free(w);
    }

    const OK: prana_status = PRANA_STATUS_OK;
}
