//! The executor on a 64-node workflow with 8 webhook wait nodes on its one
//! path: start (8 pending registrations and URLs), run to the first wait,
//! then 8 times: serialize the state to JSON, restore it (in place, with
//! `ExecutionState::load_json`), resume with a payload (`run_in` /
//! `resume_in` with a `Workspace` the host keeps); the last resume
//! completes the execution. Handlers are trivial (copy the input), so this
//! measures the core, not node work. Nodes carry
//! `{{ $execution.<wait>.resume_url }}` expressions, rendered on each run.
//!
//! Also each phase alone, and the workflow parse a host does when it
//! restores an execution in a new process.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook_core::executor;
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::url::BaseUrl;

#[path = "shared/workflow64.rs"]
mod workflow64;
use workflow64::{full_cycle, handler, workflow_json, ExecutionState, Workflow, Workspace};
use workflow64::{MAX_STATE_JSON_LEN, T0};

fn bench(c: &mut Criterion) {
    let text = workflow_json();
    let wf = Workflow::parse_with_capacity(&text).unwrap();
    assert_eq!(wf.nodes().len(), 64);
    assert_eq!(wf.webhook_wait_nodes().count(), 8);
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let mut ids = IdGenerator::from_seed([3; 32]);
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    // The run's scratch buffers, kept by the host like the state.
    let mut ws = Box::new(Workspace::zeroed());
    assert_eq!(full_cycle(&wf, &base, &mut ids, &mut ws, &mut buf), 8);

    let mut g = c.benchmark_group("executor");
    g.bench_function("ours/full_64_nodes_8_waits", |b| {
        b.iter(|| black_box(full_cycle(&wf, &base, &mut ids, &mut ws, &mut buf)))
    });
    g.bench_function("ours/workflow_parse_64", |b| {
        b.iter(|| {
            black_box(
                Workflow::parse_with_capacity(black_box(&text))
                    .unwrap()
                    .nodes()
                    .len(),
            )
        })
    });
    g.bench_function("ours/start", |b| {
        b.iter(|| {
            let s: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, T0).unwrap();
            black_box(s.status())
        })
    });
    // One suspension: start → run to wait_0 → serialize → restore (a new
    // state, `from_json`) → resume to wait_1.
    g.bench_function("ours/one_suspension_cycle", |b| {
        b.iter(|| {
            let mut h = handler;
            let mut s: ExecutionState =
                executor::start(&wf, "exec-1", &base, &mut ids, T0).unwrap();
            executor::run(&wf, &mut s, &mut h, "{}", T0).unwrap();
            let n = s.to_json(&mut buf).unwrap();
            let mut s: ExecutionState = ExecutionState::from_json(&buf[..n]).unwrap();
            let id = s.waiting_resume_id().unwrap().clone();
            let r = executor::resume(&wf, &mut s, &mut h, id.as_str(), "{}", T0 + 1).unwrap();
            black_box(r.outcome)
        })
    });
    // Serialize / restore of a suspended state (at wait_0).
    let mut h = handler;
    let mut suspended: ExecutionState =
        executor::start(&wf, "exec-1", &base, &mut ids, T0).unwrap();
    executor::run(&wf, &mut suspended, &mut h, "{}", T0).unwrap();
    let n = suspended.to_json(&mut buf).unwrap();
    let json = buf[..n].to_vec();
    g.bench_function("ours/state_to_json", |b| {
        b.iter(|| black_box(suspended.to_json(&mut buf).unwrap()))
    });
    g.bench_function("ours/state_from_json", |b| {
        b.iter(|| {
            let s: ExecutionState = ExecutionState::from_json(black_box(&json)).unwrap();
            black_box(s.status())
        })
    });
    g.bench_function("ours/state_load_json", |b| {
        b.iter(|| {
            suspended.load_json(black_box(&json)).unwrap();
            black_box(suspended.status())
        })
    });
    g.finish();
    println!(
        "state JSON at the first suspension: {n} bytes; ExecutionState: {} bytes",
        std::mem::size_of::<ExecutionState>()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
