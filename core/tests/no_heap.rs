//! Proof that the core never allocates: a counting global allocator records
//! every allocation while the public operations run.
//!
//! Allocations are counted per thread (`common::counting_alloc`).

use prana_webhook_core::id::{IdGenerator, ResumeId};
use prana_webhook_core::registration::{WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{self, decide_resume, Decision, RequestLimits};
use prana_webhook_core::token::resume::{KeySet, ResumeKey, SignaturePolicy};
use prana_webhook_core::url::{BaseUrl, Route};

mod common;
use common::counting_alloc::{assert_no_alloc, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count<T>(what: &str, f: impl FnOnce() -> T) -> T {
    assert_no_alloc(what, f)
}

#[test]
fn public_operations_never_allocate() {
    let base = count("base URL parse", || {
        BaseUrl::parse("https://gw.example.com:8443/hooks/").unwrap()
    });
    let mut ids = count("generator seed", || IdGenerator::from_seed([4; 32]));
    let id = count("id generation", || ids.resume_id("exec_1", "wait").unwrap());
    count("id from entropy", || {
        ResumeId::generate("exec_1", "wait", &[1; 16]).unwrap()
    });
    let url = count("resume URL build", || base.resume_url(&id).unwrap());
    count("trigger URL build", || base.trigger_url("flow").unwrap());
    count("target parse", || {
        let t = base.parse_target(&url).unwrap();
        assert!(matches!(t.route, Route::Resume { .. }));
    });
    count("id parse", || ResumeId::parse(id.as_str()).unwrap());
    count("parse errors", || {
        assert!(base.parse_target("/hooks/webhook/workflow/x/y").is_err());
        let e = base.parse_target("/nope").unwrap_err();
        let _ = e.to_string_buf();
    });

    let mut reg = count("registration create", || {
        WebhookRegistration::create(&mut ids, "exec_1", "wait", 1).unwrap()
    });
    count("activate", || {
        reg.activate(2, 1000, r#"{"a":[1,{"b":null}]}"#).unwrap()
    });
    count("precheck + decision", || {
        let t = route::precheck(&base, "POST", &url, 10, &RequestLimits::default()).unwrap();
        let Route::Resume { resume_id } = t.route else {
            panic!()
        };
        let other = decide_resume(resume_id, Some(&reg), 3);
        assert!(matches!(other, Decision::Reject(_)));
        let d = decide_resume(reg.resume_id.as_str(), Some(&reg), 3);
        assert!(matches!(d, Decision::Resume(_)));
    });
    let keys = count("key set", || {
        let mut keys: KeySet = KeySet::new();
        keys.add(ResumeKey::new("k1", &[9; 32]).unwrap()).unwrap();
        keys
    });
    count("signed URL + full check", || {
        let mut signed = base.resume_url(&reg.resume_id).unwrap();
        keys.sign_url(reg.resume_id.as_str(), &mut signed).unwrap();
        let policy = SignaturePolicy::Required;
        let t = route::check_request(
            &base,
            "GET",
            &signed,
            0,
            &RequestLimits::default(),
            &keys,
            policy,
        )
        .unwrap();
        assert!(matches!(t.route, Route::Resume { .. }));
        let r = route::check_request(
            &base,
            "GET",
            &url,
            0,
            &RequestLimits::default(),
            &keys,
            policy,
        )
        .unwrap_err();
        assert_eq!(r.status, 401);
        let _ = r.cause.map(|c| c.to_string_buf());
    });
    count("JSON round trip", || {
        let mut buf = [0u8; MAX_JSON_LEN];
        let n = reg.to_json(&mut buf).unwrap();
        let back = WebhookRegistration::from_json(&buf[..n]).unwrap();
        assert_eq!(back, reg);
        let mut kept = WebhookRegistration::empty();
        kept.load_json(&buf[..n]).unwrap();
        assert_eq!(kept, reg);
    });
    count("consume + expire", || {
        reg.consume(4).unwrap();
        assert!(reg.expire().is_err());
    });
}
