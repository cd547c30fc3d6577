//! Resume ID + resume URL generation, ours against what hosts write today.
//!
//! * `ours/caller_entropy`: the host hands 16 bytes per ID
//!   (`ResumeUrl::fill`: ID and URL in one step, into a `ResumeUrl` the
//!   caller keeps).
//! * `ours/seeded_generator`: `IdGenerator` (ChaCha12, seeded once), ID and
//!   URL in one step (`IdGenerator::resume_url_into`, into a `ResumeUrl`
//!   the caller keeps, as a host's loop would).
//! * `ours/seeded_generator_bytes`: the same as bytes into a stack buffer
//!   (`IdGenerator::write_resume_url`, what the C ABI uses: no `&str`, so
//!   no UTF-8 check of the tail).
//! * `ours/seeded_generator_value`: the same, returned by value
//!   (`IdGenerator::resume_url`; the 520-byte `ResumeUrl` is copied out).
//! * `ours/seeded_generator_two_step`: `IdGenerator::resume_id`, then
//!   `BaseUrl::write_resume_url` (the ID is built, moved and copied).
//! * `ours/getrandom_per_id`: one OS random call per ID (the `getrandom`
//!   feature used naively; seeding once with `IdGenerator::from_os` costs the
//!   same as `seeded_generator` per ID).
//! * `peer/uuid_v4_hyphenated`: `uuid::Uuid::new_v4()` (fast-rng) encoded
//!   hyphenated into a stack buffer: just an ID, no URL.
//! * `peer/format_builder`: what a naive host writes: one `format!` of the
//!   whole URL with a uuid v4 as the random part (allocates).
//!
//! Every benchmark hands what it made (the text, not its length) to
//! `black_box`, so that no write can be optimized away.

use std::hint::black_box;
use std::mem::MaybeUninit;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook_core::id::{IdGenerator, IdParts};
use prana_webhook_core::url::{BaseUrl, ResumeUrl, UrlString, MAX_URL_LEN};

const BASE: &str = "https://gw.example.com/hooks";
const EXEC: &str = "exec_7f3a9c";
const NODE: &str = "wait_approval";

fn id_url(c: &mut Criterion) {
    let base = BaseUrl::parse(BASE).unwrap();
    let mut g = c.benchmark_group("id_url");

    let mut counter = 0u128;
    let mut url = ResumeUrl::new();
    g.bench_function("ours/caller_entropy", |b| {
        b.iter(|| {
            // Stand-in for host entropy: varies per call, costs ~nothing.
            counter = counter.wrapping_add(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
            let parts = IdParts::new(black_box(EXEC), black_box(NODE)).unwrap();
            url.fill(&base, &parts, &counter.to_le_bytes()).unwrap();
            black_box((url.as_str(), url.resume_id()));
        })
    });

    let mut ids = IdGenerator::from_seed([0x5a; 32]);
    g.bench_function("ours/seeded_generator", |b| {
        b.iter(|| {
            let parts = IdParts::new(black_box(EXEC), black_box(NODE)).unwrap();
            ids.resume_url_into(&base, &parts, &mut url).unwrap();
            black_box((url.as_str(), url.resume_id()));
        })
    });

    g.bench_function("ours/seeded_generator_bytes", |b| {
        b.iter(|| {
            let mut buf = [MaybeUninit::<u8>::uninit(); MAX_URL_LEN];
            let parts = IdParts::new(black_box(EXEC), black_box(NODE)).unwrap();
            let spans = ids.write_resume_url(&base, &parts, &mut buf).unwrap();
            black_box((&buf, spans));
        })
    });

    g.bench_function("ours/seeded_generator_value", |b| {
        b.iter(|| {
            let url = ids
                .resume_url(&base, black_box(EXEC), black_box(NODE))
                .unwrap();
            black_box((url.as_str(), url.resume_id()));
        })
    });

    g.bench_function("ours/seeded_generator_two_step", |b| {
        b.iter(|| {
            let id = ids.resume_id(black_box(EXEC), black_box(NODE)).unwrap();
            let mut url = UrlString::new();
            base.write_resume_url(&id, &mut url).unwrap();
            black_box((id.as_str(), url.as_str()));
        })
    });

    g.bench_function("ours/getrandom_per_id", |b| {
        b.iter(|| {
            let mut ids = IdGenerator::from_os().unwrap();
            let url = ids
                .resume_url(&base, black_box(EXEC), black_box(NODE))
                .unwrap();
            black_box((url.as_str(), url.resume_id()));
        })
    });

    g.bench_function("peer/uuid_v4_hyphenated", |b| {
        b.iter(|| {
            let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
            let s = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf);
            black_box(&*s);
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
            black_box(url)
        })
    });
    g.finish();
}

criterion_group!(benches, id_url);
criterion_main!(benches);
