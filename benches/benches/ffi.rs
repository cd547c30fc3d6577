//! The main operations through the C ABI (`libprana_webhook`, called here as
//! the `extern "C"` functions of its rlib, exactly what a C caller runs),
//! each next to the same operation in Rust, to show the FFI overhead.
//!
//! * `id_url`: `prana_resume_url_create` (ID and URL in one call)
//!   into caller buffers, vs the same one step in Rust,
//!   `IdGenerator::resume_url_into` into a `ResumeUrl` the caller keeps
//!   (`rust/id_url`), and `IdGenerator::write_resume_url` into a byte
//!   buffer (`rust/id_url_bytes`: the Rust call closest to the C one,
//!   which writes the same pieces, `BaseUrl::resume_url_head`,
//!   `IdParts::resume_id_head` and `IdGenerator::draw_tail_into`, with its
//!   own copies into the caller's buffers after its checks of them).
//!   `id_only` is the same call without a base URL: the resume ID alone.
//! * `route`: `prana_route_parse` (vs `BaseUrl::parse_target`).
//! * `decision`: `prana_request_check` + `prana_signature_verify` +
//!   `prana_resume_decide` (vs the same three steps in Rust).
//! * `executor`: the 64-node, 8-wait cycle with a C-style node handler and
//!   the state through `prana_execution_to_json` / `_load_json` (restored
//!   into the same handle). The Rust side makes the core calls the C ABI
//!   makes inside: `to_json` / `load_json`, `run_into` /
//!   `resume_applied_into` with a `Workspace` and a `RunResult` it keeps
//!   (the handle keeps both) and the transition the host applied. Both
//!   sides hand the host the activated registration's row to persist at
//!   each webhook suspension: the C result carries it as
//!   `registration_json`, the Rust side writes it with
//!   `WebhookRegistration::to_json`, as a Rust host storing it must.
//!   `rust/executor_by_value` is the executor group's way (`run_in`, and
//!   `resume_in` by resume ID, results returned by value, no row), which
//!   this row used before.
//!   `trigger_1mib_capacity`: start with a 1 MiB payload capacity, run to
//!   the first wait, free (what a gateway does per trigger).

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_void};
use std::hint::black_box;
use std::mem::MaybeUninit;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook::executor as fx;
use prana_webhook::prana_status::PRANA_STATUS_OK as OK;
use prana_webhook::{ids, registration as freg, route as froute, urls};
use prana_webhook_core::executor::{self, NodeCall, NodeError, NodeOutput, Outcome};
use prana_webhook_core::id::IdParts;
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::route::RequestLimits;
use prana_webhook_core::url::ResumeUrl;
use prana_webhook_core::wait::Suspension;

/// A server's capacities (the core's defaults are a microcontroller's):
/// 64 nodes, 16 webhook waits, 4 KiB payloads and params.
type Workflow<'a> = prana_webhook_core::workflow::Workflow<'a, 64, 128>;
type ExecutionState = executor::ExecutionState<16, { 64 * 98 }, [u8; 4096]>;
type Workspace = executor::Workspace<[u8; 4096], [u8; 4096]>;
const MAX_STATE_JSON_LEN: usize = ExecutionState::MAX_JSON_LEN;

#[path = "executor.rs"]
#[allow(dead_code)]
mod executor_bench;

#[path = "shared/ffi_rows.rs"]
mod rows;
use rows::{p, Fixture, EXEC, NODE};

const T0: u64 = 1_751_450_400_000;

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

/// A trigger through the C ABI: start an execution with `max_payload`
/// bytes of payload room and run it with `{"amount":10}` to its first wait,
/// the result in `result`. The caller frees the execution.
fn c_start_and_run(
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

#[allow(clippy::result_large_err)]
fn rust_handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    let n = call.input.len();
    out[..n].copy_from_slice(call.input.as_bytes());
    Ok(NodeOutput::main(n))
}

fn bench(c: &mut Criterion) {
    let mut f = Fixture::new();
    let (base_h, gen_h) = (f.base_h, f.gen_h);
    let mut g = c.benchmark_group("ffi");

    // --- ID + URL, route, decision: the rows' bodies are in `ffi_rows.rs` --------------
    g.bench_function("c_abi/id_url", |b| b.iter(|| rows::c_id_url(&f)));
    g.bench_function("c_abi/id_url_in_url", |b| b.iter(|| rows::c_id_in_url(&f)));
    g.bench_function("c_abi/id_only", |b| b.iter(|| rows::c_id_only(&f)));
    let mut url_r = ResumeUrl::new();
    g.bench_function("rust/id_url", |b| {
        b.iter(|| {
            let parts = IdParts::new(black_box(EXEC), black_box(NODE)).unwrap();
            f.ids_r
                .resume_url_into(&f.base, &parts, &mut url_r)
                .unwrap();
            black_box((url_r.as_str(), url_r.resume_id()));
        })
    });
    g.bench_function("rust/id_url_bytes", |b| {
        b.iter(|| rows::rust_id_url_bytes(&mut f.ids_r, &f.base))
    });
    g.bench_function("c_abi/route", |b| b.iter(|| rows::c_route(&f)));
    g.bench_function("rust/route", |b| b.iter(|| rows::rust_route(&f)));
    let limits = RequestLimits::default();
    g.bench_function("c_abi/decision", |b| b.iter(|| rows::c_decision(&f)));
    g.bench_function("rust/decision", |b| {
        b.iter(|| rows::rust_decision(&f, &limits))
    });

    // --- executor ---------------------------------------------------------------------
    let text = executor_bench::workflow_json();
    let mut wf_h = std::ptr::null_mut();
    assert_eq!(
        fx::prana_workflow_new(p(&text), text.len(), &mut wf_h, core::ptr::null_mut()),
        OK
    );
    let mut buf = vec![0 as c_char; fx::PRANA_EXECUTION_JSON_BUF_SIZE];
    let mut result = Box::new(MaybeUninit::<fx::prana_run_result>::uninit());
    g.bench_function("c_abi/executor_full_64_nodes_8_waits", |b| {
        b.iter(|| {
            // The Rust side's default payload capacity.
            let x = c_start_and_run(wf_h, base_h, gen_h, 512, result.as_mut_ptr());
            let mut resumes = 0;
            // SAFETY: written on success.
            while unsafe { result.assume_init_ref() }.outcome
                == fx::prana_outcome::PRANA_OUTCOME_SUSPENDED
            {
                let mut len = 0usize;
                assert_eq!(
                    fx::prana_execution_to_json(
                        x,
                        buf.as_mut_ptr(),
                        buf.len(),
                        &mut len,
                        core::ptr::null_mut()
                    ),
                    OK
                );
                assert_eq!(
                    fx::prana_execution_restore(x, buf.as_ptr(), len, core::ptr::null_mut()),
                    OK
                );
                // SAFETY: written on success.
                let r = unsafe { result.assume_init_ref() };
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
                    result.as_mut_ptr(),
                    core::ptr::null_mut(),
                );
                assert_eq!(s, OK);
                resumes += 1;
            }
            // SAFETY: written on success.
            assert_eq!(
                unsafe { result.assume_init_ref() }.outcome,
                fx::prana_outcome::PRANA_OUTCOME_COMPLETED
            );
            fx::prana_execution_free(x);
            black_box(resumes)
        })
    });
    // A gateway's trigger: start with a large payload capacity, run to the
    // first wait, free. The payload storage costs what the payload uses.
    g.bench_function("c_abi/trigger_1mib_capacity", |b| {
        b.iter(|| {
            let x = c_start_and_run(wf_h, base_h, gen_h, 1 << 20, result.as_mut_ptr());
            fx::prana_execution_free(x);
        })
    });
    let wf = Workflow::parse_with_capacity(&text).unwrap();
    let mut rbuf = vec![0u8; MAX_STATE_JSON_LEN];
    // Kept like the state (the C handle keeps one too).
    let mut ws = Box::new(Workspace::zeroed());
    let mut row = [0u8; prana_webhook_core::registration::MAX_JSON_LEN];
    // The same core calls as the C ABI's: `run_into` / `resume_applied_into`
    // with the result kept (the handle keeps one) and the transition the
    // host's decision gave and applied.
    let mut rr = Box::new(executor::RunResult::<16>::new());
    g.bench_function("rust/executor_full_64_nodes_8_waits", |b| {
        b.iter(|| {
            let mut h = rust_handler;
            let mut state: ExecutionState =
                executor::start(&wf, "exec-1", &f.base, &mut f.ids_r, T0).unwrap();
            executor::run_into(
                &wf,
                &mut state,
                &mut ws,
                &mut h,
                r#"{"amount":10}"#,
                T0,
                &mut rr,
            )
            .unwrap();
            let mut resumes = 0;
            while let Outcome::Suspended { suspension, .. } = &rr.outcome {
                // The activated registration's row, to persist: the C
                // result carries it (`registration_json`).
                let Suspension::Webhook { registration, .. } = suspension else {
                    unreachable!()
                };
                black_box(registration.to_json(&mut row).unwrap());
                let n = state.to_json(&mut rbuf).unwrap();
                state.load_json(&rbuf[..n]).unwrap();
                let applied = Transition {
                    resume_id: state.waiting_resume_id().unwrap().clone(),
                    from: Status::Active,
                    to: Status::Consumed,
                };
                executor::resume_applied_into(
                    &wf,
                    &mut state,
                    &mut ws,
                    &mut h,
                    &applied,
                    r#"{"ok":true}"#,
                    T0 + 1,
                    &mut rr,
                )
                .unwrap();
                resumes += 1;
            }
            black_box(resumes)
        })
    });
    // The executor group's calls: `run_in` and `resume_in` (by resume ID),
    // each result returned by value; no row written.
    g.bench_function("rust/executor_by_value", |b| {
        b.iter(|| {
            let mut h = rust_handler;
            let mut state: ExecutionState =
                executor::start(&wf, "exec-1", &f.base, &mut f.ids_r, T0).unwrap();
            let mut r =
                executor::run_in(&wf, &mut state, &mut ws, &mut h, r#"{"amount":10}"#, T0).unwrap();
            let mut resumes = 0;
            while let Outcome::Suspended { .. } = r.outcome {
                let n = state.to_json(&mut rbuf).unwrap();
                state.load_json(&rbuf[..n]).unwrap();
                let id = state.waiting_resume_id().unwrap().clone();
                r = executor::resume_in(
                    &wf,
                    &mut state,
                    &mut ws,
                    &mut h,
                    id.as_str(),
                    r#"{"ok":true}"#,
                    T0 + 1,
                )
                .unwrap();
                resumes += 1;
            }
            black_box(resumes)
        })
    });
    g.finish();

    fx::prana_workflow_free(wf_h);
}

criterion_group!(benches, bench);
criterion_main!(benches);
