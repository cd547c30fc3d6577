//! Signed resume URLs made at execution start: the `?sig={key_id}.{mac}`
//! of each registration is in `resume_urls`, in rendered
//! `{{ $execution.<node>.resume_url }}`, in the webhook suspension, verifies
//! with `verify_query`, survives the state JSON round trip and follows the
//! key set's rotation rules. Unsigned starts are unchanged.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::executor::{
    self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome, RunResult, MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::json;
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::route::{check_request, decide_cancel, decide_resume, RequestLimits};
use prana_webhook_core::token::resume::{
    verify_query, KeySet, ResumeKey, SignaturePolicy, SignedAction, VerifiedBy, MAX_SIG_LEN,
};
use prana_webhook_core::token::SignatureError;
use prana_webhook_core::url::{BaseUrl, Route};
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::workflow::Workflow;
use prana_webhook_core::Error;

const APPROVAL: &str = include_str!("../../examples/workflows/approval.json");
const T0: u64 = 1_751_450_400_000;

/// Two webhook waits; the first message embeds both URLs, the second only
/// the second one (rendered after a persist/restore).
const TWO_WAITS: &str = r#"{"id": "two", "nodes": [
    {"key": "trigger", "type": "trigger"},
    {"key": "notify_a", "type": "log",
     "params": {"message": "a={{ $execution.wait_a.resume_url }} b={{$execution.wait_b.resume_url}}"}},
    {"key": "wait_a", "type": "wait", "params": {"mode": "webhook"}},
    {"key": "notify_b", "type": "log", "params": {"message": "{{ $execution.wait_b.resume_url }}"}},
    {"key": "wait_b", "type": "wait", "params": {"mode": "webhook"}}],
  "connections": [{"from": "trigger", "to": "notify_a"}, {"from": "notify_a", "to": "wait_a"},
                  {"from": "wait_a", "to": "notify_b"}, {"from": "notify_b", "to": "wait_b"}]}"#;

fn base() -> BaseUrl {
    BaseUrl::parse("https://gw.example.com/hooks").unwrap()
}

fn key(id: &str) -> ResumeKey {
    ResumeKey::new(id, format!("secret of key {id}, 16+ bytes").as_bytes()).unwrap()
}

fn keys(ids: &[&str]) -> KeySet {
    let mut ks = KeySet::new();
    for id in ids {
        ks.add(key(id)).unwrap();
    }
    ks
}

/// A handler that records rendered `log` messages and outputs `{}` or the
/// value of `set`.
fn handler(
    logs: &mut Vec<String>,
) -> impl FnMut(&NodeCall<'_>, &mut [u8]) -> Result<NodeOutput, NodeError> + '_ {
    move |call, out| {
        if call.node_type == "log" {
            let m = json::find_member(call.params, "message").unwrap().unwrap();
            logs.push(json::plain_str(m).unwrap().to_string());
        }
        let value = match call.node_type {
            "set" => json::find_member(call.params, "value").unwrap().unwrap(),
            _ => "{}",
        };
        out[..value.len()].copy_from_slice(value.as_bytes());
        Ok(NodeOutput::main(value.len()))
    }
}

fn round_trip(state: &ExecutionState) -> (ExecutionState, String) {
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = String::from_utf8(buf[..n].to_vec()).unwrap();
    json::validate(&text).unwrap();
    let back: ExecutionState = ExecutionState::from_json(text.as_bytes()).unwrap();
    assert_eq!(&back, state, "{text}");
    (back, text)
}

/// The query of a URL, checked against `keys` for the resume ID in its path.
fn verify(keys: &KeySet, url: &str) -> Result<VerifiedBy, String> {
    let (path, query) = url.split_once('?').ok_or("no query")?;
    let id = path.rsplit('/').next().unwrap();
    verify_query(keys, SignaturePolicy::Required, id, Some(query)).map_err(|e| e.to_string())
}

fn webhook_url(r: &RunResult) -> String {
    match &r.outcome {
        Outcome::Suspended {
            suspension: Suspension::Webhook { resume_url, .. },
            ..
        } => resume_url.to_string(),
        other => panic!("expected a webhook suspension, got {other:?}"),
    }
}

#[test]
fn signed_start_signs_every_url() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let ks = keys(&["k1", "k0"]);
    let mut ids = IdGenerator::from_seed([3; 32]);
    let mut state: ExecutionState =
        executor::start_signed(&wf, "exec-1", &base(), &mut ids, T0, ks.current().unwrap())
            .unwrap();
    let ctx = state.context();
    let id = ctx.resume_id("wait_approval").unwrap().clone();
    let sig = ks.sign(id.as_str()).unwrap();
    let expected = format!("https://gw.example.com/hooks/webhook/workflow/resume/{id}?sig={sig}");

    // resume_url, resume_urls, the slot and the signature accessor agree.
    assert_eq!(ctx.resume_url("wait_approval").unwrap().as_str(), expected);
    let urls: Vec<_> = ctx
        .resume_urls()
        .map(|(n, u)| (n.to_string(), u.to_string()))
        .collect();
    assert_eq!(urls, [("wait_approval".to_string(), expected.clone())]);
    assert_eq!(ctx.signature("wait_approval"), Some(&sig));
    assert_eq!(ctx.slots()[0].signature.as_ref(), Some(&sig));
    assert!(sig.as_str().len() <= MAX_SIG_LEN);
    assert_eq!(
        verify(&ks, &expected),
        Ok(VerifiedBy::Key(ks.current().unwrap().id().clone()))
    );
    // The resume_id expression is still the bare ID.
    let mut buf = [0u8; 512];
    assert_eq!(
        ctx.render_str("{{ $execution.wait_approval.resume_id }}", &mut buf)
            .unwrap(),
        id.as_str()
    );

    // Pending state persists with its signature.
    let (back, text) = round_trip(&state);
    assert!(text.contains(&format!(r#""sig":"{sig}""#)), "{text}");
    assert_eq!(
        back.context().resume_url("wait_approval").unwrap().as_str(),
        expected
    );

    // Rendered params and the suspension carry the signed URL.
    let mut logs = Vec::new();
    let r = executor::run(&wf, &mut state, &mut handler(&mut logs), "{}", T0).unwrap();
    assert_eq!(
        logs,
        [format!(
            "approval requested for execution exec-1: {expected}"
        )]
    );
    assert_eq!(webhook_url(&r), expected);

    // Suspended state round trip, then resume.
    let (mut state, _) = round_trip(&state);
    assert_eq!(
        state
            .context()
            .resume_url("wait_approval")
            .unwrap()
            .as_str(),
        expected
    );
    let r = executor::resume(
        &wf,
        &mut state,
        &mut handler(&mut logs),
        id.as_str(),
        r#"{"approved": true}"#,
        T0 + 1,
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    // Still signed once the registration is consumed.
    let (back, _) = round_trip(&state);
    assert_eq!(
        back.context().resume_url("wait_approval").unwrap().as_str(),
        expected
    );
}

#[test]
fn signatures_survive_restore_between_waits() {
    let wf = Workflow::parse(TWO_WAITS).unwrap();
    let ks = keys(&["abcd1234"]);
    let mut ids = IdGenerator::from_seed([4; 32]);
    let mut state: ExecutionState =
        executor::start_signed(&wf, "exec-2", &base(), &mut ids, T0, ks.current().unwrap())
            .unwrap();
    let url_a = state.context().resume_url("wait_a").unwrap().to_string();
    let url_b = state.context().resume_url("wait_b").unwrap().to_string();
    assert_ne!(url_a, url_b);
    for u in [&url_a, &url_b] {
        assert!(u.contains("?sig=abcd1234."), "{u}");
        assert!(verify(&ks, u).is_ok(), "{u}");
    }

    let mut logs = Vec::new();
    let r = executor::run(&wf, &mut state, &mut handler(&mut logs), "{}", T0).unwrap();
    assert_eq!(webhook_url(&r), url_a);
    let (mut state, _) = round_trip(&state);
    let id_a = state.waiting_resume_id().unwrap().clone();
    let r = executor::resume(
        &wf,
        &mut state,
        &mut handler(&mut logs),
        id_a.as_str(),
        "{}",
        T0 + 1,
    )
    .unwrap();
    // Rendered after the restore: still the signed URL made at start.
    assert_eq!(logs, [format!("a={url_a} b={url_b}"), url_b.clone()]);
    assert_eq!(webhook_url(&r), url_b);
}

#[test]
fn rotation_keeps_old_urls_until_their_key_is_removed() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut ks = keys(&["k1"]);
    let mut ids = IdGenerator::from_seed([5; 32]);
    let old: ExecutionState = executor::start_signed(
        &wf,
        "exec-old",
        &base(),
        &mut ids,
        T0,
        ks.current().unwrap(),
    )
    .unwrap();
    let old_url = old
        .context()
        .resume_url("wait_approval")
        .unwrap()
        .to_string();

    // Rotate: k2 signs new executions; k1's URLs still verify.
    ks.add(key("k2")).unwrap();
    ks.set_current("k2").unwrap();
    let new: ExecutionState = executor::start_signed(
        &wf,
        "exec-new",
        &base(),
        &mut ids,
        T0,
        ks.current().unwrap(),
    )
    .unwrap();
    let new_url = new
        .context()
        .resume_url("wait_approval")
        .unwrap()
        .to_string();
    assert!(new_url.contains("?sig=k2."));
    assert_eq!(
        verify(&ks, &old_url),
        Ok(VerifiedBy::Key(key("k1").id().clone()))
    );
    assert_eq!(
        verify(&ks, &new_url),
        Ok(VerifiedBy::Key(key("k2").id().clone()))
    );
    // A restored state keeps the URL it handed out, signed by k1.
    let (back, _) = round_trip(&old);
    assert_eq!(
        back.context().resume_url("wait_approval").unwrap().as_str(),
        old_url
    );

    // Removing k1 revokes its URLs.
    ks.remove("k1");
    assert!(verify(&ks, &old_url).unwrap_err().contains("unknown"));
    assert!(verify(&ks, &new_url).is_ok());
    // Another key set never accepts them.
    assert!(verify(&keys(&["k2"]), &old_url).is_err());
}

#[test]
fn unsigned_start_is_unchanged() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut ids = IdGenerator::from_seed([6; 32]);
    let mut state: ExecutionState = executor::start(&wf, "exec-3", &base(), &mut ids, T0).unwrap();
    let id = state.context().resume_id("wait_approval").unwrap().clone();
    let plain = format!("https://gw.example.com/hooks/webhook/workflow/resume/{id}");
    assert_eq!(
        state
            .context()
            .resume_url("wait_approval")
            .unwrap()
            .as_str(),
        plain
    );
    assert_eq!(state.context().signature("wait_approval"), None);
    let (_, text) = round_trip(&state);
    assert!(!text.contains(r#""sig""#), "{text}");
    let mut logs = Vec::new();
    let r = executor::run(&wf, &mut state, &mut handler(&mut logs), "{}", T0).unwrap();
    assert_eq!(webhook_url(&r), plain);
    assert_eq!(
        logs,
        [format!("approval requested for execution exec-3: {plain}")]
    );
    // Same seed, same IDs, signed or not: only the query differs.
    let mut ids = IdGenerator::from_seed([6; 32]);
    let ks = keys(&["k1"]);
    let signed: ExecutionState =
        executor::start_signed(&wf, "exec-3", &base(), &mut ids, T0, ks.current().unwrap())
            .unwrap();
    let url = signed.context().resume_url("wait_approval").unwrap();
    assert_eq!(url.split_once('?').unwrap().0, plain);
}

#[test]
fn state_json_sig_is_checked() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let ks = keys(&["k1"]);
    let mut ids = IdGenerator::from_seed([7; 32]);
    let state: ExecutionState =
        executor::start_signed(&wf, "exec-4", &base(), &mut ids, T0, ks.current().unwrap())
            .unwrap();
    let (_, text) = round_trip(&state);
    let sig = state
        .context()
        .signature("wait_approval")
        .unwrap()
        .to_string();

    // A state written without `sig` (unsigned, or before signatures were
    // kept) reads as unsigned.
    let without = text.replace(&format!(r#""sig":"{sig}","#), "");
    assert_ne!(without, text);
    let back: ExecutionState = ExecutionState::from_json(without.as_bytes()).unwrap();
    assert_eq!(back.context().signature("wait_approval"), None);

    // A malformed `sig` is refused; so is one that is not a string.
    for bad in [
        r#""sig":"""#.to_string(),
        r#""sig":"K1.AAAAAAAAAAAAAAAAAAAAAA""#.to_string(),
        r#""sig":"k1.short""#.to_string(),
        r#""sig":"k1.AAAAAAAAAAAAAAAAAAAAAA?x""#.to_string(),
        format!(r#""sig":"{sig}A""#),
        r#""sig":7"#.to_string(),
    ] {
        let t = text.replace(&format!(r#""sig":"{sig}""#), &bad);
        let err = ExecutionState::<16, 64>::from_json(t.as_bytes()).unwrap_err();
        assert!(
            matches!(err, Error::Execution(_) | Error::Json(_)),
            "{bad}: {err:?}"
        );
    }
    // An explicit null is unsigned too.
    let t = text.replace(&format!(r#""sig":"{sig}""#), r#""sig":null"#);
    let back: ExecutionState = ExecutionState::from_json(t.as_bytes()).unwrap();
    assert_eq!(back.context().signature("wait_approval"), None);
}

#[test]
fn context_level_signing() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let ks = keys(&["k9"]);
    let k = ks.current().unwrap();
    let mut ids = IdGenerator::from_seed([8; 32]);
    let ctx: ExecutionContext =
        ExecutionContext::for_workflow_signed(&wf, "exec-5", &base(), &mut ids, T0, k).unwrap();
    let url = ctx.resume_url("wait_approval").unwrap();
    assert!(verify(&ks, &url).is_ok());

    // Hosts that make registrations themselves can sign them too.
    let mut ctx: ExecutionContext = ExecutionContext::new("approval", "exec-6", &base()).unwrap();
    let reg = WebhookRegistration::create(&mut ids, "exec-6", "wait_approval", T0).unwrap();
    ctx.add_signed_registration(&reg, k).unwrap();
    let url = ctx.resume_url("wait_approval").unwrap();
    assert!(url.ends_with(&format!("?sig={}", k.sign(reg.resume_id.as_str()))));
    assert!(verify(&ks, &url).is_ok());
}

/// The resume URL a signed start hands out does not open the wait's cancel
/// or extend URL: its `sig` is refused there (401) and only a signature made
/// for that action is accepted; cancel and resume decide alike on the row.
#[test]
fn a_resume_signature_never_opens_the_cancel_or_extend_url() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let ks = keys(&["k1"]);
    let key = ks.current().unwrap();
    let mut ids = IdGenerator::from_seed([9; 32]);
    let mut state: ExecutionState =
        executor::start_signed(&wf, "exec-9", &base(), &mut ids, T0, key).unwrap();
    let id = state.context().resume_id("wait_approval").unwrap().clone();
    let resume_sig = state.context().signature("wait_approval").unwrap().clone();
    let mut logs = Vec::new();
    let r = executor::run(&wf, &mut state, &mut handler(&mut logs), "{}", T0).unwrap();
    let reg = match &r.outcome {
        Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } => registration.clone(),
        other => panic!("{other:?}"),
    };
    let b = base();
    let limits = RequestLimits::default();
    let check = |url: &str| {
        let t = url.strip_prefix("https://gw.example.com").unwrap();
        check_request(&b, "POST", t, 2, &limits, &ks, SignaturePolicy::Required).map(|_| ())
    };
    assert!(check(&webhook_url(&r)).is_ok());
    for action in [SignedAction::Cancel, SignedAction::Extend] {
        let stolen = b.action_url(action, &id, Some(&resume_sig)).unwrap();
        let refused = check(&stolen).unwrap_err();
        assert_eq!((refused.status, refused.code), (401, "invalid_signature"));
        assert_eq!(
            refused.cause,
            Some(Error::Signature(SignatureError::Mismatch))
        );
        let own = key.sign_for(action, id.as_str());
        let url = b.action_url(action, &id, Some(&own)).unwrap();
        assert!(check(&url).is_ok(), "{url}");
        // And the action's signature does not open the resume URL.
        let mut resume = b.resume_url(&id).unwrap();
        own.append_to_url(&mut resume).unwrap();
        assert_eq!(check(&resume).unwrap_err().status, 401);
    }
    let cancel = b
        .cancel_url(&id, Some(&key.sign_for(SignedAction::Cancel, id.as_str())))
        .unwrap();
    assert!(check(&cancel).is_ok());
    let t = b.parse_target(&cancel).unwrap();
    assert_eq!(
        t.route,
        Route::Cancel {
            resume_id: id.as_str()
        }
    );
    assert_eq!(
        decide_cancel(id.as_str(), Some(&reg), T0 + 1),
        decide_resume(id.as_str(), Some(&reg), T0 + 1)
    );
}
