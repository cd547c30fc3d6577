//! Cancel and extend URLs: their shape and parsing, their own signature
//! domains, the decisions (same statuses as resume), a resume and a cancel
//! racing on one row through the host's compare-and-set, and extending an
//! active registration (limits, refusals, expiry at the new time).

use std::collections::HashMap;

use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::registration::{Extension, WebhookRegistration, MAX_LIFETIME_MS};
use prana_webhook_core::route::{
    check_request, decide_cancel, decide_extend, decide_resume, lost_race, requested_expiry,
    Decision, Rejection, RequestLimits,
};
use prana_webhook_core::token::resume::{
    verify_query_for, KeySet, ResumeKey, SignaturePolicy, SignedAction, CANCEL_MAC_CONTEXT,
    EXTEND_MAC_CONTEXT,
};
use prana_webhook_core::url::{BaseUrl, Route};
use prana_webhook_core::Error;

const T0: u64 = 1_751_450_400_000;
const HOUR_MS: u64 = 3_600_000;
const ACTIONS: [SignedAction; 3] = [
    SignedAction::Resume,
    SignedAction::Cancel,
    SignedAction::Extend,
];

fn base() -> BaseUrl {
    BaseUrl::parse("https://gw.example.com/hooks").unwrap()
}

fn keys() -> KeySet {
    let mut ks = KeySet::new();
    ks.add(ResumeKey::new("k1", b"secret of key k1, 16+ bytes").unwrap())
        .unwrap();
    ks
}

/// A registration created at `T0` and activated at `T0 + 1000` for an hour.
fn active(seed: u8) -> WebhookRegistration {
    let mut ids = IdGenerator::from_seed([seed; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec-1", "wait_approval", T0).unwrap();
    reg.activate(T0 + 1000, HOUR_MS, r#"{"to": "ops"}"#)
        .unwrap();
    reg
}

/// The path and query of a full URL under `https://gw.example.com`.
fn target(url: &str) -> &str {
    url.strip_prefix("https://gw.example.com").unwrap()
}

#[test]
fn cancel_and_extend_urls_are_built_and_parsed_next_to_the_resume_url() {
    let reg = active(1);
    let id = &reg.resume_id;
    let b = base();
    let cancel = b.cancel_url(id, None).unwrap();
    assert_eq!(
        cancel.as_str(),
        format!("https://gw.example.com/hooks/webhook/workflow/cancel/{id}")
    );
    let extend = b.extend_url(id, None).unwrap();
    assert_eq!(
        extend.as_str(),
        format!("https://gw.example.com/hooks/webhook/workflow/extend/{id}")
    );
    assert_eq!(
        b.action_url(SignedAction::Resume, id, None).unwrap(),
        b.resume_url(id).unwrap()
    );
    let t = b.parse_target(&cancel).unwrap();
    assert_eq!(
        t.route,
        Route::Cancel {
            resume_id: id.as_str()
        }
    );
    assert_eq!(
        t.route.signed_action(),
        Some((SignedAction::Cancel, id.as_str()))
    );
    let t = b.parse_target(target(&extend)).unwrap();
    assert_eq!(
        t.route,
        Route::Extend {
            resume_id: id.as_str()
        }
    );
    assert_eq!(
        t.route.signed_action(),
        Some((SignedAction::Extend, id.as_str()))
    );
    let t = b
        .parse_target("/hooks/webhook/workflow/trigger/approval")
        .unwrap();
    assert_eq!(t.route.signed_action(), None);

    // Signed: the `?sig=` is the action's own and comes back as the query.
    let sig = keys().sign_for(SignedAction::Cancel, id.as_str()).unwrap();
    let signed = b.cancel_url(id, Some(&sig)).unwrap();
    assert_eq!(signed.as_str(), format!("{cancel}?sig={sig}"));
    let t = b.parse_target(&signed).unwrap();
    assert_eq!(t.query, Some(format!("sig={sig}").as_str()));

    // The id rules are the resume route's.
    for (path, err) in [
        ("/hooks/webhook/workflow/cancel/", Error::EmptyId),
        ("/hooks/webhook/workflow/cancel", Error::EmptyId),
        ("/hooks/webhook/workflow/extend/x/y", Error::ExtraSegments),
        ("/hooks/webhook/workflow/extend/x", Error::MissingPrefix),
        ("/hooks/webhook/workflow/cancelled/x", Error::UnknownKind),
    ] {
        assert_eq!(b.parse_target(path).unwrap_err(), err, "{path}");
    }
    let extra = format!("/hooks/webhook/workflow/cancel/{id}/more");
    assert_eq!(b.parse_target(&extra).unwrap_err(), Error::ExtraSegments);
    assert_eq!(
        Error::UnknownKind.to_string_buf().as_str(),
        "unknown webhook kind: expected 'trigger', 'resume', 'cancel' or 'extend'"
    );
}

/// Each action signs in its own domain: a signature made for one never
/// verifies another, through `verify_query_for` and through `check_request`.
#[test]
fn a_signature_verifies_only_its_own_action() {
    let ks = keys();
    let reg = active(2);
    let id = reg.resume_id.as_str();
    assert_eq!(CANCEL_MAC_CONTEXT, b"prana-cancel-v1\n");
    assert_eq!(EXTEND_MAC_CONTEXT, b"prana-extend-v1\n");
    let key = ks.current().unwrap();
    assert_eq!(key.sign(id), key.sign_for(SignedAction::Resume, id));
    assert_ne!(
        key.mac_for(SignedAction::Resume, id),
        key.mac_for(SignedAction::Cancel, id)
    );
    assert_ne!(
        key.mac_for(SignedAction::Cancel, id),
        key.mac_for(SignedAction::Extend, id)
    );
    let b = base();
    let limits = RequestLimits::default();
    for signed_for in ACTIONS {
        let sig = ks.sign_for(signed_for, id).unwrap();
        let query = format!("sig={sig}");
        for used_as in ACTIONS {
            let verified = verify_query_for(
                &ks,
                SignaturePolicy::Required,
                used_as,
                id,
                Some(query.as_str()),
            );
            let url = b.action_url(used_as, &reg.resume_id, Some(&sig)).unwrap();
            let pieces = b.action_url_pieces(used_as, reg.resume_id.as_str(), Some(&sig));
            assert_eq!(pieces.concat(), url.as_str());
            let checked = check_request(
                &b,
                "POST",
                target(&url),
                0,
                &limits,
                &ks,
                SignaturePolicy::Required,
            );
            if signed_for == used_as {
                assert!(verified.is_ok(), "{signed_for:?}");
                assert!(checked.is_ok(), "{signed_for:?}");
            } else {
                assert_eq!(verified.unwrap_err().reason(), "signature_mismatch");
                let r = checked.unwrap_err();
                assert_eq!((r.status, r.code), (401, "invalid_signature"));
                assert_eq!(r.to_string(), "'sig' does not match the resume id");
            }
        }
        // Unsigned cancel and extend URLs are refused when signatures are required.
        let bare = b.action_url(signed_for, &reg.resume_id, None).unwrap();
        let pieces = b.action_url_pieces(signed_for, reg.resume_id.as_str(), None);
        assert_eq!(pieces.concat(), bare.as_str());
        let r = check_request(
            &b,
            "POST",
            &bare,
            0,
            &limits,
            &ks,
            SignaturePolicy::Required,
        )
        .unwrap_err();
        assert_eq!((r.status, r.code), (401, "invalid_signature"));
    }
}

/// Cancel and extend act on POST only: a link scanner's GET ends nothing.
#[test]
fn cancel_takes_post_and_get_extend_takes_post() {
    let ks = keys();
    let reg = active(3);
    let b = base();
    for action in [SignedAction::Cancel, SignedAction::Extend] {
        let sig = ks.sign_for(action, reg.resume_id.as_str()).unwrap();
        let url = b.action_url(action, &reg.resume_id, Some(&sig)).unwrap();
        let refused: &[&str] = match action {
            SignedAction::Cancel => &["PUT", "DELETE", "PATCH"],
            _ => &["GET", "PUT", "DELETE"],
        };
        for method in ["GET", "POST"] {
            let accepted = check_request(
                &b,
                method,
                &url,
                0,
                &RequestLimits::default(),
                &ks,
                SignaturePolicy::Required,
            );
            assert_eq!(
                accepted.is_ok(),
                method == "POST" || action == SignedAction::Cancel,
                "{action:?} {method}"
            );
        }
        for &method in refused {
            let r = check_request(
                &b,
                method,
                &url,
                0,
                &RequestLimits::default(),
                &ks,
                SignaturePolicy::Required,
            )
            .unwrap_err();
            assert_eq!((r.status, r.code), (405, "method_not_allowed"), "{method}");
        }
    }
}

fn rejection(d: Decision) -> (u16, &'static str) {
    match d {
        Decision::Reject(r) => (r.status, r.code),
        Decision::Resume(t) => panic!("decided {t:?}"),
    }
}

/// A cancel is decided exactly like a resume: same statuses, same transition.
#[test]
fn cancel_decisions_have_the_resume_statuses() {
    let mut ids = IdGenerator::from_seed([4; 32]);
    let pending = WebhookRegistration::create(&mut ids, "exec-1", "wait", T0).unwrap();
    let reg = active(4);
    let mut consumed = reg.clone();
    consumed.consume(T0 + 2000).unwrap();
    let mut expired = reg.clone();
    expired.expire().unwrap();
    let id = reg.resume_id.as_str();
    let past = T0 + 1000 + HOUR_MS;
    /// Resume id asked for, the row found, now, and the answer.
    type Case<'a> = (
        &'a str,
        Option<&'a WebhookRegistration>,
        u64,
        (u16, &'a str),
    );
    let cases: [Case<'_>; 6] = [
        (id, None, T0, (404, "webhook_not_found")),
        (id, Some(&pending), T0, (404, "webhook_not_found")),
        (
            pending.resume_id.as_str(),
            Some(&pending),
            T0,
            (400, "wait_node_not_active"),
        ),
        (
            id,
            Some(&consumed),
            T0 + 3000,
            (409, "webhook_already_used"),
        ),
        (id, Some(&expired), T0 + 3000, (410, "webhook_expired")),
        (id, Some(&reg), past, (410, "webhook_expired")),
    ];
    for (rid, r, now, expected) in cases {
        assert_eq!(rejection(decide_cancel(rid, r, now)), expected);
        assert_eq!(rejection(decide_resume(rid, r, now)), expected);
    }
    let want = Decision::Resume(Transition {
        resume_id: reg.resume_id.clone(),
        from: Status::Active,
        to: Status::Consumed,
    });
    assert_eq!(decide_cancel(id, Some(&reg), past - 1), want);
    assert_eq!(decide_resume(id, Some(&reg), past - 1), want);
}

/// The host's table of registration rows, with the compare-and-set of the
/// persistence protocol.
#[derive(Default)]
struct Store {
    rows: HashMap<String, WebhookRegistration>,
}

impl Store {
    fn insert(&mut self, reg: WebhookRegistration) {
        self.rows.insert(reg.resume_id.as_str().to_string(), reg);
    }

    fn get(&self, id: &str) -> Option<&WebhookRegistration> {
        self.rows.get(id)
    }

    /// `UPDATE … SET status = :to WHERE resume_id = :id AND status = :from`.
    fn apply(&mut self, t: &Transition) -> bool {
        match self.rows.get_mut(t.resume_id.as_str()) {
            Some(row) if row.status == t.from => {
                row.status = t.to;
                true
            }
            _ => false,
        }
    }

    /// `UPDATE … SET expires_at = :to WHERE resume_id = :id AND status =
    /// 'active' AND expires_at = :from`.
    fn extend(&mut self, e: &Extension) -> bool {
        match self.rows.get_mut(e.resume_id.as_str()) {
            Some(row) if row.status == Status::Active && row.expires_at == e.from_expires_at => {
                row.expires_at = Some(e.to_expires_at);
                true
            }
            _ => false,
        }
    }
}

/// A resume and a cancel of one wait, both decided on the active row, both
/// want active → consumed; whichever applies first wins, the other's
/// compare-and-set changes nothing and it answers 409, also when it asks
/// again.
#[test]
fn a_resume_and_a_cancel_race_and_exactly_one_wins() {
    for cancel_first in [false, true] {
        let mut store = Store::default();
        let reg = active(5);
        let id = reg.resume_id.as_str().to_string();
        store.insert(reg);
        let now = T0 + 5000;
        let Decision::Resume(by_resume) = decide_resume(&id, store.get(&id), now) else {
            panic!("resume refused");
        };
        let Decision::Resume(by_cancel) = decide_cancel(&id, store.get(&id), now) else {
            panic!("cancel refused");
        };
        assert_eq!(by_resume, by_cancel);
        assert_eq!(
            (by_cancel.from, by_cancel.to),
            (Status::Active, Status::Consumed)
        );
        let (first, second) = match cancel_first {
            true => (&by_cancel, &by_resume),
            false => (&by_resume, &by_cancel),
        };
        assert!(store.apply(first));
        assert!(
            !store.apply(second),
            "the second compare-and-set must change no row"
        );
        let lost: Rejection = lost_race();
        assert_eq!((lost.status, lost.code), (409, "webhook_already_used"));
        // Asking again, on the stored row, gives the same answer either way.
        assert_eq!(
            rejection(decide_cancel(&id, store.get(&id), now + 1)),
            (409, "webhook_already_used")
        );
        assert_eq!(
            rejection(decide_resume(&id, store.get(&id), now + 1)),
            (409, "webhook_already_used")
        );
        assert_eq!(store.get(&id).unwrap().status, Status::Consumed);
    }
}

/// The heartbeat: after an extension the registration is active until the
/// new expiry and expired from then on, in memory and in the stored row.
#[test]
fn extend_then_expire_at_the_new_time() {
    let mut store = Store::default();
    let mut reg = active(6);
    store.insert(reg.clone());
    let old = T0 + 1000 + HOUR_MS;
    assert_eq!(reg.expires_at, Some(old));
    let new = old + 2 * HOUR_MS;
    let ext = reg.extend(old - 1, new).unwrap();
    assert_eq!(
        ext,
        Extension {
            resume_id: reg.resume_id.clone(),
            from_expires_at: Some(old),
            to_expires_at: new,
        }
    );
    assert_eq!((reg.status, reg.expires_at), (Status::Active, Some(new)));
    assert!(store.extend(&ext));
    assert!(!store.extend(&ext), "a replayed extension changes no row");
    assert_eq!(store.get(reg.resume_id.as_str()), Some(&reg));

    // Past the old expiry the URL still works ...
    let rid = reg.resume_id.clone();
    let id = rid.as_str();
    assert_eq!(reg.status_at(old), Status::Active);
    assert!(matches!(
        decide_cancel(id, Some(&reg), old + 1),
        Decision::Resume(_)
    ));
    assert_eq!(reg.status_at(new - 1), Status::Active);
    // ... and ends at the new one.
    assert_eq!(reg.status_at(new), Status::Expired);
    assert_eq!(
        rejection(decide_resume(id, Some(&reg), new)),
        (410, "webhook_expired")
    );
    assert_eq!(reg.clone().consume(new), Err(Error::RegistrationExpired));
    let t = reg.expire().unwrap();
    assert_eq!((t.from, t.to), (Status::Active, Status::Expired));

    // The row JSON carries the new expiry.
    let mut buf = [0u8; 1024];
    let mut stored = store.get(id).unwrap().clone();
    let n = stored.to_json(&mut buf).unwrap();
    assert!(std::str::from_utf8(&buf[..n])
        .unwrap()
        .contains(&format!("\"expires_at\":{new}")));
    stored = WebhookRegistration::from_json(&buf[..n]).unwrap();
    assert_eq!(stored.expires_at, Some(new));
}

#[test]
fn extend_is_refused_unless_active_later_and_within_a_year_of_creation() {
    let reg = active(7);
    let exp = reg.expires_at.unwrap();
    let limit = T0 + MAX_LIFETIME_MS;
    assert_eq!(MAX_LIFETIME_MS, 8760 * HOUR_MS);
    assert_eq!(reg.max_expires_at(), limit);

    let mut ids = IdGenerator::from_seed([7; 32]);
    let mut pending = WebhookRegistration::create(&mut ids, "exec-2", "wait", T0).unwrap();
    let mut consumed = reg.clone();
    consumed.consume(T0 + 2000).unwrap();
    let mut expired = reg.clone();
    expired.expire().unwrap();
    let cases: Vec<(WebhookRegistration, u64, u64, Error, &str, &str)> = vec![
        (
            pending.clone(),
            T0,
            exp,
            Error::NotActive,
            "registration_not_active",
            "the webhook registration is pending (its wait node has not been reached yet), not active",
        ),
        (
            consumed,
            T0 + 3000,
            exp + 1,
            Error::AlreadyConsumed,
            "already_consumed",
            "the webhook has already been used",
        ),
        (
            expired,
            T0 + 3000,
            exp + 1,
            Error::RegistrationExpired,
            "registration_expired",
            "the webhook registration has expired",
        ),
        // Active in the row, but its expiry has passed: too late to extend.
        (
            reg.clone(),
            exp,
            exp + HOUR_MS,
            Error::RegistrationExpired,
            "registration_expired",
            "the webhook registration has expired",
        ),
        (
            reg.clone(),
            T0 + 2000,
            exp,
            Error::ExtendNotLater { expires_at: exp, requested: exp },
            "extend_not_later",
            "an extension must move expires_at later: it is 1751454001000, 1751454001000 was asked for",
        ),
        (
            reg.clone(),
            T0 + 2000,
            exp - 1,
            Error::ExtendNotLater { expires_at: exp, requested: exp - 1 },
            "extend_not_later",
            "an extension must move expires_at later: it is 1751454001000, 1751454000999 was asked for",
        ),
        (
            reg.clone(),
            T0 + 2000,
            limit + 1,
            Error::ExtendBeyondLimit { limit, requested: limit + 1 },
            "extend_beyond_limit",
            "expires_at can be extended to at most 1782986400000 (created_at + 8760 hours); 1782986400001 was asked for",
        ),
    ];
    for (mut r, now, to, err, code, msg) in cases {
        let before = r.clone();
        let got = r.extend(now, to).unwrap_err();
        assert_eq!(got, err);
        assert_eq!(got.code(), code);
        assert_eq!(got.to_string_buf().as_str(), msg);
        assert_eq!(r, before, "a refused extension changes nothing");
    }
    // Exactly the limit is accepted, and nothing more after it.
    let mut r = reg.clone();
    r.extend(T0 + 2000, limit).unwrap();
    assert_eq!(r.expires_at, Some(limit));
    assert!(matches!(
        r.extend(T0 + 3000, limit + 1),
        Err(Error::ExtendBeyondLimit { .. })
    ));
    // Once activated, a pending one can be extended.
    pending.activate(T0 + 10, HOUR_MS, "{}").unwrap();
    assert!(pending.extend(T0 + 20, T0 + 3 * HOUR_MS).is_ok());
}

/// The gateway's extend endpoint: the body asks for `timeout_hours` from
/// now (the wait param's rule), the decision gives the statuses of resume
/// plus 422 for the extension rules, and updates the row to store.
#[test]
fn extend_requests_are_decided_with_http_statuses() {
    let now = T0 + 2000;
    assert_eq!(requested_expiry(b"", now), Ok(now + 24 * HOUR_MS));
    assert_eq!(requested_expiry(b"{}", now), Ok(now + 24 * HOUR_MS));
    assert_eq!(
        requested_expiry(br#"{"timeout_hours": 0.5}"#, now),
        Ok(now + HOUR_MS / 2)
    );
    for bad in [
        &br#"{"timeout_hours": 0}"#[..],
        br#"{"timeout_hours": 9000}"#,
        br#"{"timeout_hours": "x"}"#,
    ] {
        let r = requested_expiry(bad, now).unwrap_err();
        assert_eq!((r.status, r.code), (400, "invalid_extend_request"));
        assert_eq!(
            r.to_string(),
            "timeout_hours must be a number greater than 0 and at most 8760 (1 year)"
        );
    }
    let r = requested_expiry(b"[1]", now).unwrap_err();
    assert_eq!((r.status, r.code), (400, "invalid_extend_request"));
    assert_eq!(
        requested_expiry(b"\xff", now).unwrap_err().code,
        "invalid_extend_request"
    );

    let mut reg = active(8);
    let id = reg.resume_id.clone();
    let exp = reg.expires_at.unwrap();
    let to = requested_expiry(br#"{"timeout_hours": 2}"#, now).unwrap();
    let ext = decide_extend(id.as_str(), Some(&mut reg), now, to).unwrap();
    assert_eq!((ext.from_expires_at, ext.to_expires_at), (Some(exp), to));
    assert_eq!(reg.expires_at, Some(to));

    let r = decide_extend(id.as_str(), Some(&mut reg), now, to).unwrap_err();
    assert_eq!((r.status, r.code), (422, "extend_not_later"));
    let r = decide_extend(id.as_str(), Some(&mut reg), now, T0 + MAX_LIFETIME_MS + 1).unwrap_err();
    assert_eq!((r.status, r.code), (422, "extend_beyond_limit"));
    let r = decide_extend(id.as_str(), None, now, to + 1).unwrap_err();
    assert_eq!((r.status, r.code), (404, "webhook_not_found"));
    let r = decide_extend(id.as_str(), Some(&mut reg), to, to + 1).unwrap_err();
    assert_eq!((r.status, r.code), (410, "webhook_expired"));
    let mut consumed = reg.clone();
    consumed.consume(now).unwrap();
    let r = decide_extend(id.as_str(), Some(&mut consumed), now, to + 1).unwrap_err();
    assert_eq!((r.status, r.code), (409, "webhook_already_used"));
    let mut ids = IdGenerator::from_seed([8; 32]);
    let mut pending = WebhookRegistration::create(&mut ids, "exec-3", "wait", T0).unwrap();
    let pid = pending.resume_id.clone();
    let r = decide_extend(pid.as_str(), Some(&mut pending), now, to).unwrap_err();
    assert_eq!((r.status, r.code), (400, "wait_node_not_active"));
    let r = decide_extend(pid.as_str(), Some(&mut reg), now, to + 1).unwrap_err();
    assert_eq!(
        (r.status, r.code),
        (404, "webhook_not_found"),
        "another row"
    );
}
