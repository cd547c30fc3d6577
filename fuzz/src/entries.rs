//! Fuzz entry functions for the core: one per input surface of Prana webhook.
//!
//! Shared by the cargo-fuzz targets in `fuzz/fuzz_targets/` (each one line:
//! `fuzz_target!(|data: &[u8]| prana_webhook_fuzz::NAME(data))`) and by
//! `core/tests/fuzz_regressions.rs`, which includes this file with
//! `#[path]` and replays every saved input under
//! `core/tests/fuzz_regressions/<target>/` through the same function, so a
//! crash once found stays fixed under plain `cargo test`. The lifecycle's
//! entries are in `lifecycle_entries.rs`, the executor's in
//! `executor_entries.rs` and the wait page's in `page_entries.rs` (modules of
//! this file, included with `#[path]`); the C ABI's are in `ffi_entries.rs`.
//!
//! Each entry does more than "does not panic": it checks the round trips and
//! invariants that must hold for any input (build → parse identity, JSON
//! round trips, a signature verifies only in its one canonical spelling,
//! the lifecycle agrees with a model).
//!
//! Only `prana-webhook-core`, `arbitrary` and `std` are used here, so the
//! file compiles both as this crate's library and as a module of a core test.

use arbitrary::Unstructured;

use prana_webhook_core::error::Part;
use prana_webhook_core::id::{self, ResumeId, RANDOM_LEN};
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::registration::{ConfigJson, WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{self, RequestLimits};
use prana_webhook_core::token::resume::{
    verify_query, KeySet, ResumeKey, SignaturePolicy, VerifiedBy,
};
use prana_webhook_core::token::standard_webhooks::{self as sw, StandardWebhookSecret};
use prana_webhook_core::url::{BaseUrl, Route};
use prana_webhook_core::Error;

#[path = "page_entries.rs"]
mod page_entries;
pub use page_entries::{form_decode, page_render};

#[path = "lifecycle_entries.rs"]
mod lifecycle_entries;
// The core tests that include this file each use only some of these.
#[allow(unused_imports)]
pub use lifecycle_entries::{lifecycle_ops, run_lifecycle, Op};

#[path = "executor_entries.rs"]
mod executor_entries;
#[allow(unused_imports)]
pub use executor_entries::{
    executor_ops, run_executor_ops, state_json, template, wait_params, workflow_json, ExecOp,
    FUZZ_WORKFLOW,
};

/// A fuzz target: its name (the cargo-fuzz target and the regression
/// folder) and its entry function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target of the core.
pub const TARGETS: &[Target] = &[
    ("url_route", url_route),
    ("resume_id", resume_id),
    ("base_url", base_url),
    ("registration_json", registration_json),
    ("sig_resume", sig_resume),
    ("sig_standard", sig_standard),
    ("lifecycle_ops", lifecycle_ops),
    ("workflow_json", workflow_json),
    ("wait_params", wait_params),
    ("state_json", state_json),
    ("template", template),
    ("executor_ops", executor_ops),
    ("page_render", page_render),
    ("form_decode", form_decode),
];

/// The entry function of a target, by name.
pub fn entry(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

fn bases() -> [BaseUrl; 3] {
    [
        BaseUrl::parse("https://gw.example.com").unwrap(),
        BaseUrl::parse("http://127.0.0.1:8080/hooks/").unwrap(),
        BaseUrl::parse("https://[::1]/a/b").unwrap(),
    ]
}

/// Every error renders, has a code, and maps to a request rejection.
fn check_error(e: &Error) {
    assert!(!e.code().is_empty());
    let msg = e.to_string_buf();
    assert!(!msg.is_empty(), "{e:?} has an empty message");
    let r = route::reject_target_error(e.clone());
    assert!(r.status == 400 || r.status == 404);
}

/// The 128 bits a 26-character Crockford tail encodes.
fn decode_tail(tail: &str) -> u128 {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    tail.bytes().fold(0u128, |n, c| {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u128;
        (n << 5) | v
    })
}

// ---------------------------------------------------------------------------
// url_route: request targets (and full URLs) → routes.

/// A request target under three bases: a route that parses rebuilds into a
/// URL that parses to the same route; the query is the target's tail.
pub fn url_route(data: &[u8]) {
    let Ok(target) = core::str::from_utf8(data) else {
        return;
    };
    let limits = RequestLimits { max_payload: 100 };
    for base in bases() {
        match base.parse_target(target) {
            Ok(t) => {
                if let Some(q) = t.query {
                    assert!(target.ends_with(q));
                    assert_eq!(target.as_bytes()[target.len() - q.len() - 1], b'?');
                }
                match t.route {
                    Route::Resume { resume_id } => {
                        let id = ResumeId::parse(resume_id).expect("routed id parses");
                        let url = base.resume_url(&id).unwrap();
                        let again = base.parse_target(&url).unwrap();
                        assert_eq!(again.route, t.route);
                        assert_eq!(again.query, None);
                        assert!(route::check_method(&t.route, "GET").is_ok());
                    }
                    Route::Cancel { resume_id } | Route::Extend { resume_id } => {
                        let id = ResumeId::parse(resume_id).expect("routed id parses");
                        let (action, _) = t.route.signed_action().expect("a signed route");
                        let url = base.action_url(action, &id, None).unwrap();
                        let again = base.parse_target(&url).unwrap();
                        assert_eq!(again.route, t.route);
                        assert_eq!(again.query, None);
                        // A GET on a cancel URL only reads (the page); extend acts, so POST only.
                        let get_ok = matches!(t.route, Route::Cancel { .. });
                        assert_eq!(route::check_method(&t.route, "GET").is_ok(), get_ok);
                    }
                    Route::Trigger { workflow_id } => {
                        id::validate_part(Part::WorkflowId, workflow_id)
                            .expect("routed workflow id is valid");
                        let url = base.trigger_url(workflow_id).unwrap();
                        assert_eq!(base.parse_target(&url).unwrap().route, t.route);
                        assert!(route::check_method(&t.route, "GET").is_err());
                    }
                }
                for (method, len) in [("POST", 100), ("PUT", 0), ("POST", 101)] {
                    let r = route::precheck(&base, method, target, len, &limits);
                    let expect_ok = len <= 100 && route::check_method(&t.route, method).is_ok();
                    assert_eq!(r.is_ok(), expect_ok);
                }
            }
            Err(e) => {
                check_error(&e);
                let r = route::precheck(&base, "POST", target, 0, &limits).unwrap_err();
                assert_eq!(r, route::reject_target_error(e));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// resume_id: parse arbitrary IDs; generate from arbitrary parts and entropy.

/// Parsing keeps the text exactly; generation validates its parts, round
/// trips through parsing, and its tail decodes back to the entropy.
pub fn resume_id(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        match ResumeId::parse(s) {
            Ok(id) => {
                assert_eq!(id.as_str(), s);
                assert_eq!(id.random_tail().len(), RANDOM_LEN);
                assert!(id::validate_resume_id(s).is_ok());
            }
            Err(e) => {
                check_error(&e);
                assert!(id::validate_resume_id(s).is_err());
            }
        }
    }
    let mut u = Unstructured::new(data);
    let (Ok(exec), Ok(node), Ok(entropy)) = (
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<[u8; 16]>(),
    ) else {
        return;
    };
    let parts_ok = id::validate_part(Part::ExecutionId, exec).is_ok()
        && id::validate_part(Part::NodeId, node).is_ok();
    match ResumeId::generate(exec, node, &entropy) {
        Ok(id) => {
            assert!(parts_ok);
            assert_eq!(ResumeId::parse(id.as_str()).unwrap(), id);
            assert!(id.belongs_to(exec, node));
            assert_eq!(decode_tail(id.random_tail()), u128::from_be_bytes(entropy));
            let reg = WebhookRegistration::new(id.clone(), exec, node, 0).unwrap();
            assert_eq!(reg.status, Status::Pending);
        }
        Err(e) => {
            assert!(!parts_ok);
            check_error(&e);
        }
    }
}

// ---------------------------------------------------------------------------
// base_url: configuration strings.

/// A base that parses is normalized (parsing its text again gives the same
/// base) and builds URLs that route back under it.
pub fn base_url(data: &[u8]) {
    let Ok(s) = core::str::from_utf8(data) else {
        return;
    };
    let base = match BaseUrl::parse(s) {
        Ok(b) => b,
        Err(e) => {
            check_error(&e);
            return;
        }
    };
    let again = BaseUrl::parse(base.as_str()).expect("a normalized base parses");
    assert_eq!(again, base, "normalizing twice changed the base");
    assert!(!base.as_str().ends_with('/'));
    // No empty path segment survives (fuzz_regressions/base_url/crash-*).
    assert!(!base.prefix().contains("//"));
    assert!(base.as_str().ends_with(base.prefix()));
    assert!(base.as_str().starts_with("http"));
    assert!(base.authority().len() < base.as_str().len());
    let id = ResumeId::generate("e", "n", &[7; 16]).unwrap();
    let url = base.resume_url(&id).unwrap();
    assert_eq!(
        base.parse_target(&url).unwrap().route,
        Route::Resume {
            resume_id: id.as_str()
        }
    );
    let path = &url[base.as_str().len() - base.prefix().len()..];
    assert_eq!(
        base.parse_target(path).unwrap().route,
        Route::Resume {
            resume_id: id.as_str()
        }
    );
    let url = base.trigger_url("wf").unwrap();
    assert_eq!(
        base.parse_target(&url).unwrap().route,
        Route::Trigger { workflow_id: "wf" }
    );
}

// ---------------------------------------------------------------------------
// registration_json: persisted registrations.

/// A registration that loads writes back to JSON that loads to the same
/// registration, of exactly `json_len` bytes. The raw scanner agrees with it.
pub fn registration_json(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        if let Ok(v) = json::validate(s) {
            if v.starts_with('{') {
                for m in json::members(v).unwrap() {
                    let (_, raw) = m.expect("members of a valid object scan");
                    json::validate(raw).expect("a member value is valid JSON");
                }
            }
        }
        let _ = ConfigJson::parse(s);
    }
    match WebhookRegistration::from_json(data) {
        Ok(reg) => {
            let mut buf = [0u8; MAX_JSON_LEN];
            let n = reg.to_json(&mut buf).expect("MAX_JSON_LEN always suffices");
            assert_eq!(n, reg.json_len());
            let back = WebhookRegistration::from_json(&buf[..n]).unwrap();
            assert_eq!(back, reg);
            assert!(back.resume_id.belongs_to(&back.execution_id, &back.node_id));
        }
        Err(e) => {
            let _ = e.to_string_buf();
            assert!(!e.code().is_empty());
        }
    }
}

// ---------------------------------------------------------------------------
// sig_resume: `?sig=` on resume URLs.

fn key_set() -> KeySet {
    let mut ks = KeySet::new();
    ks.add(ResumeKey::new("k1", b"0123456789abcdef0123456789abcdef").unwrap())
        .unwrap();
    ks.add(ResumeKey::new("old", b"another secret, 32 bytes long...").unwrap())
        .unwrap();
    ks
}

/// Any (resume id, query): verification never panics; when it passes, the
/// `sig` value is exactly what the key makes (one accepted spelling). A
/// freshly signed URL always verifies.
pub fn sig_resume(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(resume_id), Ok(query)) = (u.arbitrary::<&str>(), u.arbitrary::<Option<&str>>()) else {
        return;
    };
    let ks = key_set();
    for policy in [
        SignaturePolicy::Required,
        SignaturePolicy::Optional,
        SignaturePolicy::Off,
    ] {
        match verify_query(&ks, policy, resume_id, query) {
            Ok(VerifiedBy::Key(k)) => {
                let expected = ks.get(k.as_str()).unwrap().sign(resume_id);
                let q = query.unwrap();
                let q = q.strip_prefix('?').unwrap_or(q);
                assert!(
                    q.split('&')
                        .any(|p| p == ["sig=", expected.as_str()].concat()),
                    "accepted a non-canonical signature"
                );
            }
            Ok(VerifiedBy::Unsigned) => assert_eq!(policy, SignaturePolicy::Optional),
            Ok(VerifiedBy::NotChecked) => assert_eq!(policy, SignaturePolicy::Off),
            Err(e) => {
                assert_ne!(policy, SignaturePolicy::Off);
                assert_eq!(e.http_status(), 401);
                let _ = e.reason();
                let wrapped: Error = e.into();
                let _ = wrapped.to_string_buf();
            }
        }
    }
    if let Ok(sig) = u.arbitrary::<&str>() {
        let _ = ks.verify(resume_id, sig);
    }
    let mut url: heapless::String<512> = heapless::String::new();
    if url.push_str("/webhook/workflow/resume/").is_ok() && url.push_str(resume_id).is_ok() {
        let before = url.clone();
        match ks.sign_url(resume_id, &mut url) {
            Ok(()) => {
                // The appended `?sig=…` (or `&sig=…` when the id held a `?`).
                let q = &url[before.len() + 1..];
                assert!(matches!(
                    verify_query(&ks, SignaturePolicy::Required, resume_id, Some(q)),
                    Ok(VerifiedBy::Key(_))
                ));
            }
            Err(_) => assert_eq!(url, before),
        }
    }
}

// ---------------------------------------------------------------------------
// sig_standard: Standard Webhooks headers.

/// Arbitrary secret text and headers never panic; a verified request carries
/// exactly the canonical `v1,` signature; a fresh signature verifies.
pub fn sig_standard(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(secret_text), Ok(msg_id), Ok(ts), Ok(sig), Ok(now), Ok(tolerance), Ok(body)) = (
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<i64>(),
        u.arbitrary::<u16>(),
        u.arbitrary::<&[u8]>(),
    ) else {
        return;
    };
    let _ = StandardWebhookSecret::from_whsec(secret_text);
    let secret =
        StandardWebhookSecret::from_whsec("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let tolerance = u64::from(tolerance);
    match sw::verify(&secret, msg_id, ts, body, sig, now, tolerance) {
        Ok(t) => {
            let expected = sw::sign(&secret, msg_id, t, body);
            assert!(sig.split(' ').any(|e| e == expected.as_str()));
            assert!(i128::from(now).abs_diff(i128::from(t)) <= u128::from(tolerance));
        }
        Err(e) => {
            assert_eq!(e.http_status(), 401);
            let _ = e.reason();
        }
    }
    if let Ok(ts) = u.arbitrary::<u32>() {
        let ts = i64::from(ts);
        let good = sw::sign(&secret, msg_id, ts, body);
        let header = [sig, " ", good.as_str()].concat();
        let mut digits = [0u8; 20];
        let ts_text = {
            let mut n = ts as u64;
            let mut i = digits.len();
            loop {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            core::str::from_utf8(&digits[i..]).unwrap()
        };
        assert_eq!(
            sw::verify(&secret, msg_id, ts_text, body, &header, ts, 0),
            Ok(ts)
        );
    }
}
