//! The execution lifecycle (every transition), webhook registrations
//! (states, expiry, JSON) and the route decision (the status table and the
//! order of checks).

use prana_webhook_core::id::{IdGenerator, ResumeId};
use prana_webhook_core::lifecycle::{check_transition, Status};
use prana_webhook_core::registration::{WebhookRegistration, MAX_CONFIG_LEN, MAX_JSON_LEN};
use prana_webhook_core::route::{self, decide_resume, Decision, RequestLimits};
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::Error;

// ---------------- lifecycle ----------------

#[test]
fn every_transition_in_the_table() {
    use Status::*;
    let allowed = [
        (Pending, Pending),
        (Active, Active),
        (Consumed, Consumed),
        (Expired, Expired),
        (Pending, Active),
        (Pending, Expired),
        (Active, Consumed),
        (Active, Expired),
    ];
    for from in Status::ALL {
        for to in Status::ALL {
            let result = check_transition(from, to);
            if allowed.contains(&(from, to)) {
                assert!(result.is_ok(), "{from} -> {to} must be allowed");
            } else {
                let err = result.unwrap_err();
                assert_eq!(err.code(), "invalid_transition");
                assert_eq!(
                    err.to_string(),
                    format!("Invalid state transition from {from} to {to}")
                );
            }
        }
    }
    // Spot-check the exact wording of two refusals.
    assert_eq!(
        check_transition(Pending, Consumed).unwrap_err().to_string(),
        "Invalid state transition from pending to consumed"
    );
    assert_eq!(
        check_transition(Expired, Active).unwrap_err().to_string(),
        "Invalid state transition from expired to active"
    );
    assert!(Consumed.is_terminal() && Expired.is_terminal());
    assert!(!Pending.is_terminal() && !Active.is_terminal());
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()).unwrap(), s);
    }
    assert_eq!(Status::parse("done").unwrap_err(), Error::UnknownStatus);
}

// ---------------- registrations ----------------

#[test]
fn registration_lifecycle_and_json() {
    let mut ids = IdGenerator::from_seed([8; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec_1", "wait_1", 1_000).unwrap();
    assert_eq!(reg.status, Status::Pending);
    assert_eq!(reg.expires_at, None);
    assert_eq!(reg.webhook_config.as_str(), "{}");

    // Pending cannot be consumed.
    assert_eq!(
        reg.clone().consume(1_500).unwrap_err().to_string(),
        "Invalid state transition from pending to consumed"
    );
    let t = reg
        .activate(
            2_000,
            3_600_000,
            r#" {"note": "approve \"big\" order", "n": [1,2]} "#,
        )
        .unwrap();
    assert_eq!((t.from, t.to), (Status::Pending, Status::Active));
    assert_eq!(reg.expires_at, Some(3_602_000));
    assert_eq!(
        reg.webhook_config.as_str(),
        r#"{"note":"approve \"big\" order","n":[1,2]}"#
    );
    // Idempotent re-activation keeps the original expiry.
    let again = reg.activate(5_000, 1, "{}").unwrap();
    assert_eq!((again.from, again.to), (Status::Active, Status::Active));
    assert_eq!(reg.expires_at, Some(3_602_000));

    // JSON round trip in every state.
    let mut buf = [0u8; MAX_JSON_LEN];
    for step in 0..3 {
        let n = reg.to_json(&mut buf).unwrap();
        assert_eq!(n, reg.json_len());
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(text.contains(r#""webhook_config":{"note""#), "{text}");
        let back = WebhookRegistration::from_json(&buf[..n]).unwrap();
        assert_eq!(back, reg);
        match step {
            0 => {
                reg.consume(10_000).unwrap();
            }
            1 => {
                assert_eq!(reg.consume(10_001).unwrap_err(), Error::AlreadyConsumed);
                assert_eq!(
                    reg.expire().unwrap_err().to_string(),
                    "Invalid state transition from consumed to expired"
                );
            }
            _ => {}
        }
    }
    // Small buffer reports the size needed.
    let mut small = [0u8; 10];
    assert_eq!(
        reg.to_json(&mut small).unwrap_err(),
        Error::BufferTooSmall {
            needed: reg.json_len()
        }
    );
}

#[test]
fn active_registration_past_expiry_counts_as_expired() {
    let mut ids = IdGenerator::from_seed([9; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "e", "n", 0).unwrap();
    reg.activate(100, 50, "{}").unwrap();
    assert_eq!(reg.status_at(149), Status::Active);
    assert_eq!(reg.status_at(150), Status::Expired);
    assert_eq!(reg.consume(150).unwrap_err(), Error::RegistrationExpired);
    let t = reg.expire().unwrap();
    assert_eq!((t.from, t.to), (Status::Active, Status::Expired));
    assert_eq!(
        reg.activate(200, 50, "{}").unwrap_err().to_string(),
        "Invalid state transition from expired to active"
    );
}

#[test]
fn registration_json_rejects_bad_input() {
    let mut ids = IdGenerator::from_seed([10; 32]);
    let reg = WebhookRegistration::create(&mut ids, "e", "n", 7).unwrap();
    let mut buf = [0u8; MAX_JSON_LEN];
    let n = reg.to_json(&mut buf).unwrap();
    let good = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    let bad = [
        good.replace("\"pending\"", "\"paused\""),
        good.replace("\"created_at\":7", "\"created_at\":-7"),
        good.replace("\"webhook_config\":{}", "\"webhook_config\":[1]"),
        good.replace("\"webhook_config\":{}", "\"webhook_config\":{\"a\":}"),
        good.replace("\"node_id\":\"n\"", "\"node_id\":\"m\""),
        good.replace("webhook_", "hook_"),
        good[..good.len() - 1].to_string(),
        "[]".to_string(),
        String::new(),
    ];
    for b in &bad {
        assert!(WebhookRegistration::from_json(b.as_bytes()).is_err(), "{b}");
    }
    assert_eq!(
        WebhookRegistration::from_json(b"\xff{}").unwrap_err(),
        Error::Json("not UTF-8")
    );
    // Compacted, the object is one byte over the limit.
    let big = format!("{{ \"k\" : \"{}\" }}", "x".repeat(MAX_CONFIG_LEN - 7));
    let mut r2 = reg.clone();
    assert_eq!(
        r2.activate(1, 1, &big).unwrap_err(),
        Error::Capacity {
            what: "webhook_config",
            limit: MAX_CONFIG_LEN
        }
    );
    let fits = format!("{{ \"k\" : \"{}\" }}", "x".repeat(MAX_CONFIG_LEN - 8));
    r2.clone().activate(1, 1, &fits).unwrap();
    assert_eq!(
        r2.activate(1, 1, "\"str\"").unwrap_err(),
        Error::NotAnObject("webhook_config")
    );
    assert_eq!(
        r2.status,
        Status::Pending,
        "a failed activation changes nothing"
    );
}

// ---------------- route decision ----------------

#[test]
fn route_decisions_follow_the_status_table() {
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let limits = RequestLimits { max_payload: 100 };
    let mut ids = IdGenerator::from_seed([11; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "e1", "wait", 0).unwrap();
    let url = base.resume_url(&reg.resume_id).unwrap();
    let id = reg.resume_id.clone();

    let status_of = |method: &str, target: &str, len: usize| {
        route::precheck(&base, method, target, len, &limits)
            .map(|_| 0)
            .unwrap_or_else(|r| r.status)
    };
    assert_eq!(status_of("POST", &url, 10), 0);
    assert_eq!(status_of("GET", &url, 0), 0);
    assert_eq!(status_of("PUT", &url, 0), 405);
    assert_eq!(status_of("DELETE", &url, 0), 405);
    assert_eq!(status_of("POST", &url, 101), 413);
    assert_eq!(status_of("POST", "/nope", 0), 404);
    assert_eq!(status_of("POST", "/webhook/workflow/other/x", 0), 404);
    assert_eq!(
        status_of("POST", "/webhook/workflow/resume/webhook_bad", 0),
        400
    );
    assert_eq!(status_of("GET", "/webhook/workflow/trigger/w1", 0), 405);
    assert_eq!(status_of("POST", "/webhook/workflow/trigger/w1", 0), 0);
    let rej =
        route::precheck(&base, "POST", "/webhook/workflow/resume/x%41", 0, &limits).unwrap_err();
    assert_eq!((rej.status, rej.code), (400, "invalid_webhook_url"));
    assert_eq!(
        rej.to_string(),
        "percent-encoded characters are not allowed in webhook paths"
    );

    let decide = |reg: Option<&WebhookRegistration>, now| match decide_resume(id.as_str(), reg, now)
    {
        Decision::Resume(t) => (200, "", Some(t)),
        Decision::Reject(r) => (r.status, r.code, None),
    };
    assert_eq!(decide(None, 1).0, 404);
    assert_eq!(decide(None, 1).1, "webhook_not_found");
    assert_eq!(decide(Some(&reg), 1).1, "wait_node_not_active");
    assert_eq!(decide(Some(&reg), 1).0, 400);
    reg.activate(10, 100, "{}").unwrap();
    let (status, _, t) = decide(Some(&reg), 50);
    assert_eq!(status, 200);
    let t = t.unwrap();
    assert_eq!(
        (t.resume_id.as_str(), t.from, t.to),
        (id.as_str(), Status::Active, Status::Consumed)
    );
    assert_eq!(decide(Some(&reg), 110), (410, "webhook_expired", None));
    let mut used = reg.clone();
    used.consume(60).unwrap();
    assert_eq!(decide(Some(&used), 61), (409, "webhook_already_used", None));
    let mut expired = reg.clone();
    expired.expire().unwrap();
    assert_eq!(decide(Some(&expired), 61).0, 410);
    // A registration for another id is treated as not found.
    let other = WebhookRegistration::create(&mut ids, "e1", "wait", 0).unwrap();
    assert_eq!(decide(Some(&other), 1).0, 404);
    assert_eq!(route::lost_race().status, 409);
}

#[test]
fn signature_is_checked_before_the_store() {
    use prana_webhook_core::token::resume::{KeySet, ResumeKey, SignaturePolicy};
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let limits = RequestLimits::default();
    let mut keys: KeySet = KeySet::new();
    keys.add(ResumeKey::new("k1", b"a very secret key of 32 bytes!!!").unwrap())
        .unwrap();
    let id = ResumeId::generate("e", "w", &[3; 16]).unwrap();
    let mut url = base.resume_url(&id).unwrap();
    let unsigned = url.clone();
    keys.sign_url(id.as_str(), &mut url).unwrap();

    let check = |target: &str, policy| {
        route::check_request(&base, "POST", target, 0, &limits, &keys, policy).map(|_| ())
    };
    assert!(check(&url, SignaturePolicy::Required).is_ok());
    let r = check(&unsigned, SignaturePolicy::Required).unwrap_err();
    assert_eq!((r.status, r.code), (401, "invalid_signature"));
    assert!(r.to_string().contains("sig"), "{r}");
    assert!(check(&unsigned, SignaturePolicy::Optional).is_ok());
    let forged = url
        .replace("sig=k1.", "sig=k1.A")
        .replace("sig=k1.AA", "sig=k1.B");
    assert_eq!(
        check(&forged, SignaturePolicy::Required)
            .unwrap_err()
            .status,
        401
    );
    // Path errors come first: a bad path is 404 even without a signature.
    assert_eq!(
        check("/x", SignaturePolicy::Required).unwrap_err().status,
        404
    );
    // Trigger routes are not signed with resume keys.
    assert!(check("/webhook/workflow/trigger/w", SignaturePolicy::Required).is_ok());
}
