//! The executor's side of the request protocol: the host decides and
//! applies a request's transition once, the executor takes it as applied,
//! and every change the executor makes comes back once; cancel through the
//! wait node's `cancel` port or to the end; an expiry decided and applied
//! like a resume; an extension that reaches the state.

#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use prana_webhook_core::executor::{
    self, ExecutionError, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeOutput,
    Outcome, RunResult, MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::registration::{WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{decide_expire, decide_extend, decide_resume, Decision};
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::workflow::Workflow;
use prana_webhook_core::Error;

const T0: u64 = 1_751_450_400_000;

/// Two webhook waits in a row; `w1` may have a `cancel` port.
fn flow(cancel_port: bool) -> String {
    let cancel = if cancel_port {
        r#", {"from": "w1", "port": "cancel", "to": "on_cancel"}"#
    } else {
        ""
    };
    format!(
        r#"{{"id": "p", "start": "t", "nodes": [
        {{"key": "t", "type": "trigger"}},
        {{"key": "w1", "type": "wait", "params": {{"mode": "webhook", "timeout_hours": 1,
            "webhook_config": {{"purpose": "approval"}}}}}},
        {{"key": "w2", "type": "wait", "params": {{"mode": "webhook", "timeout_hours": 1,
            "webhook_config": {{"execution": "{{{{ $execution.id }}}}"}}}}}},
        {{"key": "on_cancel", "type": "note"}}],
      "connections": [{{"from": "t", "to": "w1"}}, {{"from": "w1", "to": "w2"}}{cancel}]}}"#
    )
}

fn echo(c: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    out[..c.input.len()].copy_from_slice(c.input.as_bytes());
    Ok(NodeOutput::main(c.input.len()))
}

/// The host's store: rows by resume ID, changed only by compare-and-set.
#[derive(Default)]
struct Store(HashMap<String, WebhookRegistration>);

impl Store {
    fn cas(&mut self, t: &Transition) -> bool {
        match self.0.get_mut(t.resume_id.as_str()) {
            Some(row) if row.status == t.from => {
                row.status = t.to;
                true
            }
            _ => false,
        }
    }

    /// Apply a result as a host does: the activated row, then every
    /// transition in order, each exactly once.
    fn apply(&mut self, r: &RunResult) {
        if let Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } = &r.outcome
        {
            let mut row = registration.clone();
            // The activation is the first transition; the CAS applies it.
            row.status = Status::Pending;
            self.0.insert(row.resume_id.as_str().to_string(), row);
        }
        for t in &r.transitions {
            assert!(
                self.cas(t),
                "transition applied twice or out of order: {t:?}"
            );
        }
        if let Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } = &r.outcome
        {
            self.0.insert(
                registration.resume_id.as_str().to_string(),
                registration.clone(),
            );
        }
    }

    /// Every row equals the state's view of it, JSON row included.
    fn matches(&self, wf: &Workflow<'_>, state: &ExecutionState) {
        let (mut scratch, mut out) = ([0u8; 512], [0u8; MAX_JSON_LEN]);
        for reg in state.context().registrations() {
            let id = reg.resume_id.as_str();
            let n = state
                .registration_json(wf, id, &mut scratch, &mut out)
                .unwrap();
            let row = WebhookRegistration::from_json(&out[..n]).unwrap();
            assert_eq!(self.0[id], row, "{}", reg.node_id);
        }
    }
}

fn started(wf: &Workflow<'_>, store: &mut Store, seed: u8) -> ExecutionState {
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([seed; 32]);
    let mut state: ExecutionState = executor::start(wf, "exec-p", &base, &mut ids, T0).unwrap();
    for reg in state.context().registrations() {
        store.0.insert(reg.resume_id.as_str().to_string(), reg);
    }
    let r = executor::run(wf, &mut state, &mut echo, "{}", T0).unwrap();
    store.apply(&r);
    store.matches(wf, &state);
    state
}

/// Steps 3 and 4: decide on the stored row, compare-and-set it.
fn decide_and_apply(store: &mut Store, resume_id: &str, now: u64) -> Transition {
    let Decision::Resume(t) = decide_resume(resume_id, store.0.get(resume_id), now) else {
        panic!("not resumable")
    };
    assert!(store.cas(&t));
    t
}

#[test]
fn a_resume_transition_is_produced_once() {
    let text = flow(false);
    let wf = Workflow::parse(&text).unwrap();
    let mut store = Store::default();
    let mut state = started(&wf, &mut store, 1);
    let id = state.waiting_resume_id().unwrap().clone();
    let applied = decide_and_apply(&mut store, id.as_str(), T0 + 1);

    // Through JSON, as between processes.
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    state.load_json(&buf[..n]).unwrap();
    let r = executor::resume_applied(&wf, &mut state, &mut echo, &applied, r#"{"a":1}"#, T0 + 1)
        .unwrap();
    // Only w2's activation: the consumption of w1 is not repeated.
    assert_eq!(r.transitions.len(), 1);
    assert_eq!(
        (r.transitions[0].from, r.transitions[0].to),
        (Status::Pending, Status::Active)
    );
    store.apply(&r);
    store.matches(&wf, &state);

    // The same transition again: w1 is consumed already.
    let e =
        executor::resume_applied(&wf, &mut state, &mut echo, &applied, "{}", T0 + 2).unwrap_err();
    assert_eq!(e, Error::AlreadyConsumed);

    // w2: not applied by the host (active → expired is no resume) is refused.
    let id2 = state.waiting_resume_id().unwrap().clone();
    let wrong = Transition {
        resume_id: id2.clone(),
        from: Status::Active,
        to: Status::Expired,
    };
    let before = state.clone();
    let e = executor::resume_applied(&wf, &mut state, &mut echo, &wrong, "{}", T0 + 2).unwrap_err();
    assert_eq!(e, Error::Execution(ExecutionError::NotApplied));
    assert_eq!(state, before);

    let applied = decide_and_apply(&mut store, id2.as_str(), T0 + 3);
    let r = executor::resume_applied(&wf, &mut state, &mut echo, &applied, "{}", T0 + 3).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert!(r.transitions.is_empty());
    store.matches(&wf, &state);
    assert!(store.0.values().all(|r| r.status == Status::Consumed));
    assert_eq!(
        store.0[id2.as_str()].webhook_config.as_str(),
        r#"{"execution":"exec-p"}"#
    );
}

#[test]
fn cancel_without_a_cancel_port_ends_the_execution_cancelled() {
    let text = flow(false);
    let wf = Workflow::parse(&text).unwrap();
    let mut store = Store::default();
    let mut state = started(&wf, &mut store, 2);
    let id = state.waiting_resume_id().unwrap().clone();
    let applied = decide_and_apply(&mut store, id.as_str(), T0 + 1);
    let r = executor::cancel(&wf, &mut state, &mut echo, &applied, T0 + 1).unwrap();
    let Outcome::Cancelled { node_id } = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(node_id.as_str(), "w1");
    assert_eq!(state.status(), ExecutionStatus::Cancelled);
    assert_eq!(state.trace().as_str(), "t:main,w1:cancel");
    // w2's pending registration is expired, once.
    assert_eq!(r.transitions.len(), 1);
    assert_eq!(
        (r.transitions[0].from, r.transitions[0].to),
        (Status::Pending, Status::Expired)
    );
    store.apply(&r);
    store.matches(&wf, &state);

    // Persisted and restored as cancelled; no call runs it again.
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text_json = std::str::from_utf8(&buf[..n]).unwrap();
    assert!(text_json.contains(r#""status":"cancelled""#), "{text_json}");
    let mut back: ExecutionState = ExecutionState::from_json(&buf[..n]).unwrap();
    assert_eq!(back, state);
    let e = executor::cancel(&wf, &mut back, &mut echo, &applied, T0 + 2).unwrap_err();
    assert_eq!(e.code(), "execution_not_suspended");
}

#[test]
fn cancel_continues_through_a_connected_cancel_port() {
    let text = flow(true);
    let wf = Workflow::parse(&text).unwrap();
    let mut store = Store::default();
    let mut state = started(&wf, &mut store, 3);
    let id = state.waiting_resume_id().unwrap().clone();
    let applied = decide_and_apply(&mut store, id.as_str(), T0 + 1);
    let seen = std::cell::RefCell::new(Vec::new());
    let mut h = |c: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
        seen.borrow_mut().push(c.node_id.to_string());
        echo(c, out)
    };
    let r = executor::cancel(&wf, &mut state, &mut h, &applied, T0 + 1).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(*seen.borrow(), ["on_cancel"]);
    assert_eq!(state.trace().as_str(), "t:main,w1:cancel,on_cancel:main");
    store.apply(&r);
    store.matches(&wf, &state);
    // A resume of the same wait lost the race: the row is consumed.
    assert!(matches!(
        decide_resume(id.as_str(), store.0.get(id.as_str()), T0 + 2),
        Decision::Reject(_)
    ));
}

const HOUR: u64 = 3_600_000;

/// The sweeper's steps: decide on the stored row, compare-and-set it.
fn decide_expiry(store: &mut Store, resume_id: &str, now: u64) -> Option<Transition> {
    let t = decide_expire(resume_id, store.0.get(resume_id), now)?;
    assert!(store.cas(&t));
    Some(t)
}

#[test]
fn an_expiry_is_decided_and_applied_once() {
    let text = flow(false);
    let wf = Workflow::parse(&text).unwrap();
    let mut store = Store::default();
    let mut state = started(&wf, &mut store, 4);
    let id = state.waiting_resume_id().unwrap().clone();
    assert_eq!(state.resume_at(), Some(T0 + HOUR));
    // Not due yet: nothing to expire; unknown rows neither.
    assert_eq!(
        decide_expire(id.as_str(), store.0.get(id.as_str()), T0 + HOUR - 1),
        None
    );
    assert_eq!(decide_expire(id.as_str(), None, T0 + HOUR), None);

    // A resume's transition is no expiry, and refused.
    let consumed = Transition {
        resume_id: id.clone(),
        from: Status::Active,
        to: Status::Consumed,
    };
    let before = state.clone();
    let e = executor::expire(&wf, &mut state, &mut echo, &consumed, T0 + HOUR).unwrap_err();
    assert_eq!(e, Error::Execution(ExecutionError::NotApplied));
    assert_eq!(e.code(), "execution_not_applied");
    assert_eq!(state, before);

    let applied = decide_expiry(&mut store, id.as_str(), T0 + HOUR).unwrap();
    assert_eq!(
        (applied.from, applied.to),
        (Status::Active, Status::Expired)
    );
    // Already expired in the store: decided once.
    assert_eq!(
        decide_expire(id.as_str(), store.0.get(id.as_str()), T0 + HOUR),
        None
    );

    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    state.load_json(&buf[..n]).unwrap();
    let r = executor::expire(&wf, &mut state, &mut echo, &applied, T0 + HOUR).unwrap();
    // w1's timeout port leads nowhere: completed, and only w2's cleanup
    // comes back; w1's expiry is not repeated.
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(state.trace().as_str(), "t:main,w1:timeout");
    assert_eq!(r.transitions.len(), 1);
    assert_ne!(r.transitions[0].resume_id, id);
    assert_eq!(
        (r.transitions[0].from, r.transitions[0].to),
        (Status::Pending, Status::Expired)
    );
    store.apply(&r);
    store.matches(&wf, &state);
    assert!(store.0.values().all(|r| r.status == Status::Expired));

    // The same transition again: the execution has ended.
    let e = executor::expire(&wf, &mut state, &mut echo, &applied, T0 + HOUR).unwrap_err();
    assert_eq!(e.code(), "execution_not_suspended");
}

#[test]
fn an_extension_reaches_the_state_and_moves_the_expiry() {
    let text = flow(false);
    let wf = Workflow::parse(&text).unwrap();
    let mut store = Store::default();
    let mut state = started(&wf, &mut store, 5);
    let id = state.waiting_resume_id().unwrap().clone();
    let key = id.as_str().to_string();

    // Decide on a copy of the stored row; the compare-and-set on the old
    // expiry stores it.
    let mut row = store.0[&key].clone();
    let ext = decide_extend(&key, Some(&mut row), T0 + 1, T0 + 3 * HOUR).unwrap();
    assert_eq!(ext.from_expires_at, store.0[&key].expires_at);
    store.0.insert(key.clone(), row);

    let before = state.clone();
    state.extend(&ext).unwrap();
    assert_eq!(state.resume_at(), Some(T0 + 3 * HOUR));
    // Every stored row equals the state's, through JSON as well.
    store.matches(&wf, &state);
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let back: ExecutionState = ExecutionState::from_json(&buf[..n]).unwrap();
    assert_eq!(back, state);
    store.matches(&wf, &back);

    // The same extension again no longer applies; another execution's
    // resume ID is unknown. Neither changes anything.
    let kept = state.clone();
    let e = state.extend(&ext).unwrap_err();
    assert_eq!(e, Error::Execution(ExecutionError::NotApplied));
    let mut other = ext.clone();
    other.resume_id = before.context().registrations().nth(1).unwrap().resume_id;
    assert_eq!(
        state.extend(&other).unwrap_err(),
        Error::Execution(ExecutionError::NotApplied),
        "a pending registration has no expiry to move"
    );
    let mut ids = IdGenerator::from_seed([9; 32]);
    other.resume_id = ids.resume_id("exec-q", "w1").unwrap();
    assert_eq!(
        state.extend(&other).unwrap_err(),
        Error::Execution(ExecutionError::UnknownResumeId)
    );
    assert_eq!(state, kept);

    // The sweeper finds nothing due at the old expiry, and expires at the
    // new one.
    assert_eq!(decide_expiry(&mut store, &key, T0 + HOUR), None);
    let applied = decide_expiry(&mut store, &key, T0 + 3 * HOUR).unwrap();
    let r = executor::expire(&wf, &mut state, &mut echo, &applied, T0 + 3 * HOUR).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    store.apply(&r);
    store.matches(&wf, &state);
    assert_eq!(store.0[&key].expires_at, Some(T0 + 3 * HOUR));
}
