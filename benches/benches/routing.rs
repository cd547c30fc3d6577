//! Routing a request target: ours (`BaseUrl::parse_target`, which also
//! checks the resume ID's syntax) against `matchit` (the router behind axum)
//! holding the same two routes. Same inputs for both: the path of a resume
//! request and of a trigger request.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook_core::url::{BaseUrl, Route};

const RESUME: &str =
    "/webhook/workflow/resume/webhook_exec_7f3a9c_wait_approval_0123456789abcdefghjkmnpqrs";
const TRIGGER: &str = "/webhook/workflow/trigger/approvals";

fn routing(c: &mut Criterion) {
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut router = matchit::Router::new();
    router
        .insert("/webhook/workflow/trigger/{workflow_id}", 0u8)
        .unwrap();
    router
        .insert("/webhook/workflow/resume/{resume_id}", 1u8)
        .unwrap();
    // Same answers first.
    assert!(matches!(
        base.parse_target(RESUME).unwrap().route,
        Route::Resume { .. }
    ));
    assert_eq!(*router.at(RESUME).unwrap().value, 1);

    let mut g = c.benchmark_group("routing");
    g.bench_function("ours/resume", |b| {
        b.iter(
            || match base.parse_target(black_box(RESUME)).unwrap().route {
                Route::Resume { resume_id } => black_box(resume_id.len()),
                _ => unreachable!(),
            },
        )
    });
    g.bench_function("peer/matchit_resume", |b| {
        b.iter(|| {
            let m = router.at(black_box(RESUME)).unwrap();
            black_box((*m.value, m.params.get("resume_id").map(str::len)))
        })
    });
    g.bench_function("ours/trigger", |b| {
        b.iter(
            || match base.parse_target(black_box(TRIGGER)).unwrap().route {
                Route::Trigger { workflow_id } => black_box(workflow_id.len()),
                _ => unreachable!(),
            },
        )
    });
    g.bench_function("peer/matchit_trigger", |b| {
        b.iter(|| {
            let m = router.at(black_box(TRIGGER)).unwrap();
            black_box((*m.value, m.params.get("workflow_id").map(str::len)))
        })
    });
    g.finish();
}

criterion_group!(benches, routing);
criterion_main!(benches);
