//! The full decision on an incoming resume request: parse the target (with
//! method and size checks), verify the `?sig=` HMAC with precomputed key
//! state, and decide from the registration's state. Peer: one HMAC-SHA256 of
//! the same message including the key setup, which is what a host without
//! precomputed key state pays for the signature alone.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::route::{decide_resume, precheck, Decision, RequestLimits};
use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
use prana_webhook_core::url::{BaseUrl, Route};

const SECRET: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

fn decision(c: &mut Criterion) {
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let mut keys: KeySet = KeySet::new();
    keys.add(ResumeKey::new("k1", SECRET).unwrap()).unwrap();
    let mut ids = IdGenerator::from_seed([9; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec_7f3a9c", "wait_approval", 0).unwrap();
    reg.activate(1_000, 86_400_000, r#"{"channel":"email"}"#)
        .unwrap();
    let mut url = base.resume_url(&reg.resume_id).unwrap();
    keys.sign_url(reg.resume_id.as_str(), &mut url).unwrap();
    let target = &url[url.find("/hooks").unwrap()..];
    let limits = RequestLimits::default();

    let decide = |target: &str| -> u16 {
        let t = match precheck(&base, "POST", target, 128, &limits) {
            Ok(t) => t,
            Err(r) => return r.status,
        };
        let Route::Resume { resume_id } = t.route else {
            return 404;
        };
        if let Err(e) = verify_query(&keys, SignaturePolicy::Required, resume_id, t.query) {
            return e.http_status();
        }
        match decide_resume(resume_id, Some(&reg), 2_000) {
            Decision::Resume(t) => {
                black_box(&t);
                200
            }
            Decision::Reject(r) => r.status,
        }
    };
    assert_eq!(decide(target), 200);

    let mut g = c.benchmark_group("decision");
    g.bench_function("ours/parse_verify_decide", |b| {
        b.iter(|| black_box(decide(black_box(target))))
    });
    g.bench_function("ours/verify_only", |b| {
        b.iter(|| {
            black_box(
                keys.verify(
                    black_box(reg.resume_id.as_str()),
                    black_box(&target[target.len() - 25..]),
                )
                .is_ok(),
            )
        })
    });
    g.bench_function("peer/hmac_sha256_with_key_setup", |b| {
        b.iter(|| {
            let key = ResumeKey::new("k1", black_box(SECRET)).unwrap();
            black_box(key.mac(black_box(reg.resume_id.as_str())))
        })
    });
    g.finish();
}

criterion_group!(benches, decision);
criterion_main!(benches);
