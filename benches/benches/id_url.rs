//! Resume ID + resume URL generation, ours against what hosts write today.
//!
//! * `ours/caller_entropy`: the host hands 16 bytes per ID.
//! * `ours/seeded_generator`: `IdGenerator` (ChaCha12, seeded once).
//! * `ours/getrandom_per_id`: one OS random call per ID (the `getrandom`
//!   feature used naively; seeding once with `IdGenerator::from_os` costs the
//!   same as `seeded_generator` per ID).
//! * `peer/uuid_v4_hyphenated`: `uuid::Uuid::new_v4()` (fast-rng) encoded
//!   hyphenated into a stack buffer: just an ID, no URL.
//! * `peer/format_builder`: what a naive host writes: one `format!` of the
//!   whole URL with a uuid v4 as the random part (allocates).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook_core::id::{IdGenerator, ResumeId};
use prana_webhook_core::url::{BaseUrl, UrlString};

const BASE: &str = "https://gw.example.com/hooks";
const EXEC: &str = "exec_7f3a9c";
const NODE: &str = "wait_approval";

fn id_url(c: &mut Criterion) {
    let base = BaseUrl::parse(BASE).unwrap();
    let mut g = c.benchmark_group("id_url");

    let mut counter = 0u128;
    g.bench_function("ours/caller_entropy", |b| {
        b.iter(|| {
            // Stand-in for host entropy: varies per call, costs ~nothing.
            counter = counter.wrapping_add(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
            let id = ResumeId::generate(black_box(EXEC), black_box(NODE), &counter.to_le_bytes())
                .unwrap();
            let mut url = UrlString::new();
            base.write_resume_url(&id, &mut url).unwrap();
            black_box(url.len())
        })
    });

    let mut ids = IdGenerator::from_seed([0x5a; 32]);
    g.bench_function("ours/seeded_generator", |b| {
        b.iter(|| {
            let id = ids.resume_id(black_box(EXEC), black_box(NODE)).unwrap();
            let mut url = UrlString::new();
            base.write_resume_url(&id, &mut url).unwrap();
            black_box(url.len())
        })
    });

    g.bench_function("ours/getrandom_per_id", |b| {
        b.iter(|| {
            let mut ids = IdGenerator::from_os().unwrap();
            let id = ids.resume_id(black_box(EXEC), black_box(NODE)).unwrap();
            let mut url = UrlString::new();
            base.write_resume_url(&id, &mut url).unwrap();
            black_box(url.len())
        })
    });

    g.bench_function("peer/uuid_v4_hyphenated", |b| {
        b.iter(|| {
            let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
            let s = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf);
            black_box(s.len())
        })
    });

    g.bench_function("peer/format_builder", |b| {
        b.iter(|| {
            let url = format!(
                "{}/webhook/workflow/resume/webhook_{}_{}_{}",
                black_box(BASE),
                black_box(EXEC),
                black_box(NODE),
                uuid::Uuid::new_v4().simple()
            );
            black_box(url.len())
        })
    });
    g.finish();
}

criterion_group!(benches, id_url);
criterion_main!(benches);
