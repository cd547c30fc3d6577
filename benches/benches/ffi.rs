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

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook::executor as fx;
use prana_webhook_core::id::IdParts;
use prana_webhook_core::route::RequestLimits;
use prana_webhook_core::url::ResumeUrl;

#[path = "shared/ffi_rows.rs"]
mod rows;
use rows::{Fixture, EXEC, NODE};

#[path = "shared/executor_rows.rs"]
mod exec_rows;
#[path = "shared/workflow64.rs"]
mod workflow64;
use exec_rows::{c_start_and_run, Executor};

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

    // --- executor: the rows' bodies are in `executor_rows.rs` --------------------------
    let mut e = Executor::new(workflow64::workflow_json().leak());
    g.bench_function("c_abi/executor_full_64_nodes_8_waits", |b| {
        b.iter(|| exec_rows::c_executor(&f, &mut e))
    });
    // A gateway's trigger: start with a large payload capacity, run to the
    // first wait, free. The payload storage costs what the payload uses.
    g.bench_function("c_abi/trigger_1mib_capacity", |b| {
        b.iter(|| {
            let x = c_start_and_run(e.wf_h, base_h, gen_h, 1 << 20, e.result.as_mut_ptr());
            fx::prana_execution_free(x);
        })
    });
    g.bench_function("rust/executor_full_64_nodes_8_waits", |b| {
        b.iter(|| exec_rows::rust_executor(&mut f, &mut e))
    });
    g.bench_function("rust/executor_by_value", |b| {
        b.iter(|| exec_rows::rust_executor_by_value(&mut f, &mut e))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
