//! The executor rows of the `ffi` benchmark: one full cycle of the
//! 64-node, 8-wait workflow through the C ABI, and the same core calls in
//! Rust, with the buffers both keep. The benchmark (`benches/ffi.rs`) times
//! them; `examples/ffi_calls.rs` loops them for instruction counts and
//! times them in turns. Both include this file (after `ffi_rows.rs` and
//! `workflow64.rs`), so they run the same bodies.

use std::ffi::{c_char, c_void};
use std::hint::black_box;
use std::mem::MaybeUninit;

use prana_webhook::executor as fx;
use prana_webhook::prana_status::PRANA_STATUS_OK as OK;
use prana_webhook::{ids, registration as freg, route as froute, urls};
use prana_webhook_core::executor::{self, Outcome};
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::wait::Suspension;

use super::rows::{p, Fixture};
use super::workflow64::{full_cycle, handler as rust_handler, ExecutionState, Workflow, Workspace};
use super::workflow64::{MAX_STATE_JSON_LEN, T0};

/// A node handler in C style: copy the input to the output, port `main`.
unsafe extern "C" fn c_handler(
    _user_data: *mut c_void,
    call: *const fx::prana_node_call,
    output: *mut c_char,
    output_cap: usize,
    result: *mut fx::prana_node_result,
) -> bool {
    // SAFETY: the library passes valid pointers for the callback's duration.
    unsafe {
        let input = (*call).input;
        if input.len > output_cap {
            return false;
        }
        std::ptr::copy_nonoverlapping(input.ptr, output, input.len);
        (*result).output_len = input.len;
        let port = &mut (*result).port;
        for (dst, src) in port.iter_mut().zip(b"main\0") {
            *dst = *src as c_char;
        }
    }
    true
}

/// The workflow (as a C handle and parsed in Rust) and what each side
/// keeps between cycles: the C run result and state buffer; the Rust
/// workspace, run result, state buffer and registration row buffer.
pub struct Executor {
    pub wf_h: *mut fx::prana_workflow,
    wf: Workflow<'static>,
    buf: Vec<c_char>,
    pub result: Box<MaybeUninit<fx::prana_run_result>>,
    rbuf: Vec<u8>,
    ws: Box<Workspace>,
    row: [u8; prana_webhook_core::registration::MAX_JSON_LEN],
    rr: Box<executor::RunResult<16>>,
}

impl Executor {
    /// Both sides' workflow from `text` (kept for the process: the Rust
    /// workflow borrows it).
    pub fn new(text: &'static str) -> Executor {
        let mut wf_h = std::ptr::null_mut();
        assert_eq!(
            fx::prana_workflow_new(p(text), text.len(), &mut wf_h, core::ptr::null_mut()),
            OK
        );
        Executor {
            wf_h,
            wf: Workflow::parse_with_capacity(text).unwrap(),
            buf: vec![0 as c_char; fx::PRANA_EXECUTION_JSON_BUF_SIZE],
            result: Box::new(MaybeUninit::uninit()),
            rbuf: vec![0u8; MAX_STATE_JSON_LEN],
            // Kept like the state (the C handle keeps one too).
            ws: Box::new(Workspace::zeroed()),
            row: [0u8; prana_webhook_core::registration::MAX_JSON_LEN],
            // The C handle keeps one too.
            rr: Box::new(executor::RunResult::new()),
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        fx::prana_workflow_free(self.wf_h);
    }
}

/// A trigger through the C ABI: start an execution with `max_payload`
/// bytes of payload room and run it with `{"amount":10}` to its first wait,
/// the result in `result`. The caller frees the execution.
pub fn c_start_and_run(
    wf: *const fx::prana_workflow,
    base: *const urls::prana_base_url,
    gen: *mut ids::prana_id_generator,
    max_payload: usize,
    result: *mut fx::prana_run_result,
) -> *mut fx::prana_execution {
    let mut x = std::ptr::null_mut();
    let s = fx::prana_execution_start(
        wf,
        p("exec-1"),
        6,
        base,
        core::ptr::null(),
        gen,
        T0,
        max_payload,
        &mut x,
        core::ptr::null_mut(),
    );
    assert_eq!(s, OK);
    let input = r#"{"amount":10}"#;
    let s = fx::prana_execution_run(
        wf,
        x,
        Some(c_handler),
        std::ptr::null_mut(),
        p(input),
        input.len(),
        T0,
        result,
        core::ptr::null_mut(),
    );
    assert_eq!(s, OK);
    x
}

/// One cycle through the C ABI: start, run to the first wait, then 8 times
/// the state through `prana_execution_to_json` / `_restore` (into the same
/// handle) and a resume with the transition the host applied; free.
#[inline(always)]
pub fn c_executor(f: &Fixture, e: &mut Executor) {
    let wf_h = e.wf_h;
    let x = c_start_and_run(wf_h, f.base_h, f.gen_h, 512, e.result.as_mut_ptr());
    let mut resumes = 0;
    // SAFETY: written on success.
    while unsafe { e.result.assume_init_ref() }.outcome
        == fx::prana_outcome::PRANA_OUTCOME_SUSPENDED
    {
        let mut len = 0usize;
        assert_eq!(
            fx::prana_execution_to_json(
                x,
                e.buf.as_mut_ptr(),
                e.buf.len(),
                &mut len,
                core::ptr::null_mut()
            ),
            OK
        );
        assert_eq!(
            fx::prana_execution_restore(x, e.buf.as_ptr(), len, core::ptr::null_mut()),
            OK
        );
        // SAFETY: written on success.
        let r = unsafe { e.result.assume_init_ref() };
        // The transition the host's decision gave and applied.
        let applied = froute::prana_transition {
            resume_id: r.resume_id,
            resume_id_len: r.resume_id.iter().position(|&c| c == 0).unwrap(),
            from: freg::prana_lifecycle_status::PRANA_LIFECYCLE_ACTIVE,
            to: freg::prana_lifecycle_status::PRANA_LIFECYCLE_CONSUMED,
        };
        let payload = r#"{"ok":true}"#;
        let s = fx::prana_execution_resume(
            wf_h,
            x,
            Some(c_handler),
            std::ptr::null_mut(),
            &applied,
            p(payload),
            payload.len(),
            T0 + 1,
            e.result.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        resumes += 1;
    }
    // SAFETY: written on success.
    assert_eq!(
        unsafe { e.result.assume_init_ref() }.outcome,
        fx::prana_outcome::PRANA_OUTCOME_COMPLETED
    );
    fx::prana_execution_free(x);
    black_box(resumes);
}

/// The same cycle as `c_executor` with the core calls the C ABI makes
/// inside: `to_json` / `load_json`, `run_into` / `resume_applied_into`
/// with the kept workspace and result and the transition the host
/// applied, and the activated registration's row written at each webhook
/// suspension (the C result carries it as `registration_json`).
#[inline(always)]
pub fn rust_executor(f: &mut Fixture, e: &mut Executor) {
    let Executor {
        wf,
        rbuf,
        ws,
        row,
        rr,
        ..
    } = e;
    let mut h = rust_handler;
    let mut state: ExecutionState =
        executor::start(wf, "exec-1", &f.base, &mut f.ids_r, T0).unwrap();
    executor::run_into(wf, &mut state, ws, &mut h, r#"{"amount":10}"#, T0, rr).unwrap();
    let mut resumes = 0;
    while let Outcome::Suspended { suspension, .. } = &rr.outcome {
        // The activated registration's row, to persist: the C result
        // carries it (`registration_json`).
        let Suspension::Webhook { registration, .. } = suspension else {
            unreachable!()
        };
        black_box(registration.to_json(row).unwrap());
        let n = state.to_json(rbuf).unwrap();
        state.load_json(&rbuf[..n]).unwrap();
        let applied = Transition {
            resume_id: state.waiting_resume_id().unwrap().clone(),
            from: Status::Active,
            to: Status::Consumed,
        };
        executor::resume_applied_into(
            wf,
            &mut state,
            ws,
            &mut h,
            &applied,
            r#"{"ok":true}"#,
            T0 + 1,
            rr,
        )
        .unwrap();
        resumes += 1;
    }
    black_box(resumes);
}

/// The executor group's cycle (`full_cycle`: `run_in` and `resume_in` by
/// resume ID, each result returned by value; no row written).
#[inline(always)]
pub fn rust_executor_by_value(f: &mut Fixture, e: &mut Executor) {
    black_box(full_cycle(
        &e.wf,
        &f.base,
        &mut f.ids_r,
        &mut e.ws,
        &mut e.rbuf,
    ));
}
