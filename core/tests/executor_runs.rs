//! End-to-end executor runs: the approval workflow (resume and timeout),
//! sequential waits, a kept workspace, rendered wait params, cleanup of
//! unreached waits, failures and refused resumes.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

mod common;

use common::executor::*;

#[test]
fn approval_suspends_persists_resumes_and_completes() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    assert_eq!(wf.id(), "approval");
    let mut state = start(&wf, "exec-1", 1);

    // Resume URLs exist before any node runs (AC-WH-1.7, 1.9, 1.10).
    let url = state.context().resume_url("wait_approval").unwrap();
    let resume_id = state.context().resume_id("wait_approval").unwrap().clone();
    assert!(resume_id
        .as_str()
        .starts_with("webhook_exec-1_wait_approval_"));
    assert_eq!(
        url.as_str(),
        format!("https://gw.example.com/hooks/webhook/workflow/resume/{resume_id}")
    );
    let urls: Vec<_> = state.context().resume_urls().collect();
    assert_eq!(urls.len(), 1);
    assert_eq!(urls[0].0, "wait_approval");
    // The host persists the pending registrations.
    let pending: Vec<_> = state.context().registrations().collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].status, Status::Pending);
    let mut buf = [0u8; 1024];
    let n = pending[0].to_json(&mut buf).unwrap();
    assert_eq!(
        WebhookRegistration::from_json(&buf[..n]).unwrap(),
        pending[0]
    );
    // Not reached yet: a request now gets 400.
    let Decision::Reject(r) = decide_resume(resume_id.as_str(), Some(&pending[0]), T0) else {
        panic!("pending must be rejected")
    };
    assert_eq!(r.code, "wait_node_not_active");

    let mut h = Demo::default();
    let r = executor::run(&wf, &mut state, &mut h, r#"{"request": "laptop"}"#, T0).unwrap();

    // The notify node's rendered params embedded the resume URL.
    assert_eq!(
        h.logs,
        vec![format!("approval requested for execution exec-1: {url}")]
    );
    // Suspended at the wait node with the full, active registration (AC-WH-2.1–2.4, 3.1).
    let Outcome::Suspended {
        node_id,
        suspension,
    } = &r.outcome
    else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(node_id.as_str(), "wait_approval");
    let Suspension::Webhook {
        registration,
        resume_url,
        timeout_ms,
    } = suspension
    else {
        panic!()
    };
    assert_eq!(resume_url, &url);
    assert_eq!(*timeout_ms, 24 * HOUR_MS);
    assert_eq!(registration.status, Status::Active);
    assert_eq!(registration.expires_at, Some(T0 + 24 * HOUR_MS));
    assert_eq!(
        registration.webhook_config.as_str(),
        r#"{"purpose":"approval"}"#
    );
    assert_eq!(registration.resume_id, resume_id);
    assert_eq!(
        transitions(&r),
        vec![(resume_id.to_string(), Status::Pending, Status::Active)]
    );
    assert_eq!(state.status(), ExecutionStatus::Suspended);
    assert_eq!(state.current_node(), Some("wait_approval"));
    assert_eq!(state.resume_at(), Some(T0 + 24 * HOUR_MS));
    assert_eq!(state.waiting_resume_id(), Some(&resume_id));
    assert_eq!(trace(&state), ["trigger:main", "notify:main"]);

    // Persist; later, in another process: re-parse the workflow, restore the state.
    let registration = registration.clone();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let saved = buf[..n].to_vec();
    drop(state);
    let text2 = APPROVAL.to_string();
    let wf2 = Workflow::parse(&text2).unwrap();
    let mut state: ExecutionState = ExecutionState::from_json(&saved).unwrap();
    assert_eq!(state.status(), ExecutionStatus::Suspended);

    // The gateway routes the request: active → resume.
    let Decision::Resume(t) = decide_resume(resume_id.as_str(), Some(&registration), T0 + 5_000)
    else {
        panic!()
    };
    assert_eq!((t.from, t.to), (Status::Active, Status::Consumed));

    let mut h = Demo::default();
    let r = executor::resume(
        &wf2,
        &mut state,
        &mut h,
        resume_id.as_str(),
        r#"{"approved": true, "by": "ana"}"#,
        T0 + 5_000,
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(
        transitions(&r),
        vec![(resume_id.to_string(), Status::Active, Status::Consumed)]
    );
    // The payload was the next node's input.
    assert_eq!(
        h.calls[0],
        ("check".into(), r#"{"approved": true, "by": "ana"}"#.into())
    );
    assert_eq!(state.output(), r#"{ "result": "approved" }"#);
    assert_eq!(state.status(), ExecutionStatus::Completed);
    assert_eq!(
        trace(&state),
        [
            "trigger:main",
            "notify:main",
            "wait_approval:main",
            "check:true",
            "approved:main"
        ]
    );
    assert_eq!(
        state
            .context()
            .registration("wait_approval")
            .unwrap()
            .status,
        Status::Consumed
    );
    round_trip(&state);
}

#[test]
fn approval_rejected_branch() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "exec-2", 2);
    let mut h = Demo::default();
    executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    let mut state = round_trip(&state);
    let id = state.waiting_resume_id().unwrap().clone();
    let r = executor::resume(
        &wf,
        &mut state,
        &mut h,
        id.as_str(),
        r#"{"approved": false}"#,
        T0 + 1,
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(state.output(), r#"{ "result": "rejected" }"#);
    assert_eq!(trace(&state).last().unwrap(), "rejected:main");
}

#[test]
fn approval_expires_through_timeout() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "exec-3", 3);
    let mut h = Demo::default();
    let r = executor::run(&wf, &mut state, &mut h, r#"{"request": 1}"#, T0).unwrap();
    let reg = suspended_registration(&r);
    let mut state = round_trip(&state);
    let deadline = state.resume_at().unwrap();
    assert_eq!(deadline, reg.expires_at.unwrap());

    // After the deadline a resume is refused: the host expires instead.
    let before = state.clone();
    let err = executor::resume(
        &wf,
        &mut state,
        &mut h,
        reg.resume_id.as_str(),
        "{}",
        deadline,
    )
    .unwrap_err();
    assert_eq!(err, Error::RegistrationExpired);
    assert_eq!(state, before, "a refused call changes nothing");

    let applied = route::decide_expire(reg.resume_id.as_str(), Some(&reg), deadline).unwrap();
    let r = executor::expire(&wf, &mut state, &mut h, &applied, deadline).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    // The applied expiry is not reported again.
    assert_eq!(transitions(&r), vec![]);
    assert_eq!(state.output(), r#"{ "result": "timed_out" }"#);
    assert_eq!(
        trace(&state),
        [
            "trigger:main",
            "notify:main",
            "wait_approval:timeout",
            "timed_out:main"
        ]
    );
    // The timed_out node got the wait node's input.
    assert_eq!(h.calls.last().unwrap().1, r#"{"request": 1}"#);
    // And now nothing resumes it.
    let err = executor::resume(
        &wf,
        &mut state,
        &mut h,
        reg.resume_id.as_str(),
        "{}",
        deadline,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string_buf().as_str(),
        "Can only resume suspended executions"
    );
}

/// `run_in`, `resume_in` and `expire_into` with one workspace, dirtied by
/// other executions and by large outputs, do exactly what `run`, `resume`
/// and `expire` (a fresh workspace per call) do.
#[test]
fn a_kept_workspace_changes_nothing() {
    let wf = Workflow::parse(TWO_WAITS).unwrap();
    let mut ws = Workspace::new();
    // Leave bytes in both buffers: a large output, rendered params.
    {
        let mut s = start(&wf, "exec-dirty", 9);
        let mut big = |_: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
            out.fill(b' ');
            out[0] = b'[';
            out[DEFAULT_OUTPUT_LEN - 1] = b']';
            Ok(NodeOutput::main(DEFAULT_OUTPUT_LEN))
        };
        executor::run_in(&wf, &mut s, &mut ws, &mut big, "{}", T0).unwrap();
    }
    for round in 0..2 {
        let mut fresh = start(&wf, "exec-ws", 4);
        let mut kept = fresh.clone();
        let (mut h1, mut h2) = (Demo::default(), Demo::default());
        let r1 = executor::run(&wf, &mut fresh, &mut h1, r#"{"n": 1}"#, T0).unwrap();
        let r2 = executor::run_in(&wf, &mut kept, &mut ws, &mut h2, r#"{"n": 1}"#, T0).unwrap();
        assert_eq!((&r1, &fresh), (&r2, &kept), "run, round {round}");
        let id = fresh.waiting_resume_id().unwrap().clone();
        let r1 = executor::resume(&wf, &mut fresh, &mut h1, id.as_str(), "[1]", T0 + 1).unwrap();
        let r2 = executor::resume_in(&wf, &mut kept, &mut ws, &mut h2, id.as_str(), "[1]", T0 + 1)
            .unwrap();
        assert_eq!((&r1, &fresh), (&r2, &kept), "resume, round {round}");
        let id = fresh.waiting_resume_id().unwrap().clone();
        let applied = expiry(&id);
        let r1 = executor::expire(&wf, &mut fresh, &mut h1, &applied, T0 + 2).unwrap();
        let mut r2 = RunResult::new();
        executor::expire_into(&wf, &mut kept, &mut ws, &mut h2, &applied, T0 + 2, &mut r2).unwrap();
        assert_eq!((&r1, &fresh), (&r2, &kept), "expire, round {round}");
        assert_eq!(fresh.status(), ExecutionStatus::Completed);
        assert_eq!(h1.calls, h2.calls);
        assert_eq!(h1.logs, h2.logs);
    }
}

/// A webhook wait whose params hold an expression is rendered per
/// execution (not taken from what the workflow parsed once); one without is
/// the same for every execution; params invalid once rendered still fail
/// when reached (static ones are refused by `Workflow::parse`).
#[test]
fn webhook_wait_params_with_and_without_expressions() {
    let wf = Workflow::parse(
        r#"{"id": "wf", "nodes": [
        {"key": "a", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 2,
            "webhook_config": {"exec": "{{ $execution.id }}"}}},
        {"key": "b", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 0.5,
            "webhook_config": {"k": 1}}},
        {"key": "c", "type": "wait", "params": {"mode": "webhook", "timeout_hours": "{{ $execution.id }}"}}],
      "connections": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]}"#,
    )
    .unwrap();
    for exec in ["exec-1", "exec-2"] {
        let mut state = start(&wf, exec, 5);
        let mut h = Demo::default();
        let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        let reg = suspended_registration(&r);
        assert_eq!(
            reg.webhook_config.as_str(),
            format!(r#"{{"exec":"{exec}"}}"#)
        );
        assert_eq!(reg.expires_at, Some(T0 + 2 * HOUR_MS));
        let id = reg.resume_id.clone();
        let r = executor::resume(&wf, &mut state, &mut h, id.as_str(), "{}", T0 + 1).unwrap();
        let reg = suspended_registration(&r);
        assert_eq!(reg.webhook_config.as_str(), r#"{"k":1}"#);
        assert_eq!(reg.expires_at, Some(T0 + 1 + HOUR_MS / 2));
        let id = reg.resume_id.clone();
        let r = executor::resume(&wf, &mut state, &mut h, id.as_str(), "{}", T0 + 2).unwrap();
        let Outcome::Failed { node_id, error } = &r.outcome else {
            panic!("{:?}", r.outcome)
        };
        assert_eq!(node_id.as_str(), "c");
        assert_eq!(
            error.message.as_str(),
            "timeout_hours must be a number greater than 0 and at most 8760 (1 year)"
        );
    }
}

const TWO_WAITS: &str = r#"{
  "id": "two-step",
  "nodes": [
    {"key": "trigger", "type": "trigger"},
    {"key": "ask_a", "type": "log", "params": {"message": "first: {{ $execution.wait_a.resume_url }}"}},
    {"key": "wait_a", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
    {"key": "ask_b", "type": "log", "params": {"message": "second: {{$execution.wait_b.resume_id}}"}},
    {"key": "wait_b", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 2, "webhook_config": {"step": 2}}},
    {"key": "done", "type": "set", "params": {"value": {"done": true}}}
  ],
  "connections": [
    {"from": "trigger", "to": "ask_a"},
    {"from": "ask_a", "to": "wait_a"},
    {"from": "wait_a", "to": "ask_b"},
    {"from": "ask_b", "to": "wait_b"},
    {"from": "wait_b", "to": "done"}
  ]
}"#;

#[test]
fn two_sequential_waits_suspend_and_resume_in_turn() {
    let wf = Workflow::parse(TWO_WAITS).unwrap();
    let mut state = start(&wf, "e2", 4);
    let id_a = state.context().resume_id("wait_a").unwrap().clone();
    let id_b = state.context().resume_id("wait_b").unwrap().clone();
    assert_ne!(id_a, id_b);
    let mut h = Demo::default();

    let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    assert_eq!(suspended_registration(&r).resume_id, id_a);
    assert_eq!(
        transitions(&r),
        vec![(id_a.to_string(), Status::Pending, Status::Active)]
    );
    let mut state = round_trip(&state);

    // wait_b's registration is still pending: resuming it is refused.
    let err = executor::resume(&wf, &mut state, &mut h, id_b.as_str(), "{}", T0 + 1).unwrap_err();
    assert_eq!(err.code(), "execution_not_waiting_here");

    let r = executor::resume(
        &wf,
        &mut state,
        &mut h,
        id_a.as_str(),
        r#"{"a": 1}"#,
        T0 + 10,
    )
    .unwrap();
    let reg_b = suspended_registration(&r);
    assert_eq!(reg_b.resume_id, id_b);
    assert_eq!(reg_b.expires_at, Some(T0 + 10 + 2 * HOUR_MS));
    assert_eq!(reg_b.webhook_config.as_str(), r#"{"step":2}"#);
    assert_eq!(
        transitions(&r),
        vec![
            (id_a.to_string(), Status::Active, Status::Consumed),
            (id_b.to_string(), Status::Pending, Status::Active)
        ]
    );
    assert_eq!(h.logs[1], format!("second: {id_b}"));
    let mut state = round_trip(&state);

    // The first URL is used up.
    let err = executor::resume(&wf, &mut state, &mut h, id_a.as_str(), "{}", T0 + 11).unwrap_err();
    assert_eq!(err, Error::AlreadyConsumed);

    let r = executor::resume(
        &wf,
        &mut state,
        &mut h,
        id_b.as_str(),
        r#"{"b": 2}"#,
        T0 + 20,
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(
        transitions(&r),
        vec![(id_b.to_string(), Status::Active, Status::Consumed)]
    );
    assert_eq!(state.output(), r#"{"done": true}"#);
    assert_eq!(
        trace(&state),
        [
            "trigger:main",
            "ask_a:main",
            "wait_a:main",
            "ask_b:main",
            "wait_b:main",
            "done:main"
        ]
    );
}

const BRANCHY: &str = r#"{
  "id": "branchy",
  "nodes": [
    {"key": "trigger", "type": "trigger"},
    {"key": "check", "type": "if", "params": {"field": "needs_review", "equals": true}},
    {"key": "notify", "type": "log", "params": {"message": "{{ $execution.review.resume_url }}"}},
    {"key": "review", "type": "wait", "params": {"mode": "webhook"}},
    {"key": "skip", "type": "set", "params": {"value": "skipped"}},
    {"key": "explode", "type": "fail"}
  ],
  "connections": [
    {"from": "trigger", "to": "check"},
    {"from": "check", "port": "true", "to": "notify"},
    {"from": "notify", "to": "review"},
    {"from": "check", "port": "false", "to": "skip"},
    {"from": "skip", "to": "explode"}
  ]
}"#;

#[test]
fn unreached_wait_is_expired_at_the_end() {
    let text = BRANCHY.replace(
        r#"{"from": "skip", "to": "explode"}"#,
        r#"{"from": "skip", "port": "other", "to": "explode"}"#,
    );
    let wf = Workflow::parse(&text).unwrap();
    let mut state = start(&wf, "e3", 5);
    let review = state.context().resume_id("review").unwrap().clone();
    let mut h = Demo::default();
    let r = executor::run(&wf, &mut state, &mut h, r#"{"needs_review": false}"#, T0).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(state.output(), r#""skipped""#);
    // Cleanup (AC-WH-5.5): the never-reached registration is expired.
    assert_eq!(
        transitions(&r),
        vec![(review.to_string(), Status::Pending, Status::Expired)]
    );
    assert_eq!(
        state.context().registration("review").unwrap().status,
        Status::Expired
    );
    round_trip(&state);
}

#[test]
fn failure_reports_the_node_and_cleans_up() {
    let wf = Workflow::parse(BRANCHY).unwrap();
    let mut state = start(&wf, "e4", 6);
    let review = state.context().resume_id("review").unwrap().clone();
    let mut h = Demo::default();
    let r = executor::run(&wf, &mut state, &mut h, r#"{"needs_review": 0}"#, T0).unwrap();
    let Outcome::Failed { node_id, error } = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(node_id.as_str(), "explode");
    assert_eq!(error.code.as_str(), "boom");
    assert_eq!(
        transitions(&r),
        vec![(review.to_string(), Status::Pending, Status::Expired)]
    );
    assert_eq!(state.status(), ExecutionStatus::Failed);
    assert_eq!(state.current_node(), Some("explode"));
    assert_eq!(
        state.error().unwrap().message.as_str(),
        "this node fails on purpose"
    );
    round_trip(&state);
    let err = executor::resume(&wf, &mut state, &mut h, review.as_str(), "{}", T0).unwrap_err();
    assert_eq!(err, Error::Execution(ExecutionError::NotSuspended));
}

#[test]
fn double_resume_and_other_refusals() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e5", 7);
    let id = state.context().resume_id("wait_approval").unwrap().clone();
    let mut h = Demo::default();

    // Not run yet.
    let err = executor::resume(&wf, &mut state, &mut h, id.as_str(), "{}", T0).unwrap_err();
    assert_eq!(err.code(), "execution_not_suspended");
    assert_eq!(
        err.to_string_buf().as_str(),
        "Can only resume suspended executions"
    );

    executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    let err = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap_err();
    assert_eq!(err, Error::Execution(ExecutionError::AlreadyStarted));

    // Unknown resume id, bad payload: refused without change.
    let before = state.clone();
    let other = IdGenerator::from_seed([8; 32])
        .resume_id("e5", "wait_approval")
        .unwrap();
    let err = executor::resume(&wf, &mut state, &mut h, other.as_str(), "{}", T0).unwrap_err();
    assert_eq!(err, Error::Execution(ExecutionError::UnknownResumeId));
    let err = executor::resume(&wf, &mut state, &mut h, id.as_str(), "{not json", T0).unwrap_err();
    assert_eq!(err.code(), "invalid_json");
    let big = format!("\"{}\"", "x".repeat(DEFAULT_OUTPUT_LEN));
    let err = executor::resume(&wf, &mut state, &mut h, id.as_str(), &big, T0).unwrap_err();
    assert_eq!(
        err,
        Error::TooLarge {
            what: "resume payload",
            limit: DEFAULT_OUTPUT_LEN,
            needed: DEFAULT_OUTPUT_LEN + 2
        }
    );
    let err = executor::resume_timer(&wf, &mut state, &mut h, T0 + 48 * HOUR_MS).unwrap_err();
    assert_eq!(err, Error::Execution(ExecutionError::NotTimer));
    assert_eq!(state, before);

    // A state of another workflow is refused.
    let other_wf = Workflow::parse(TWO_WAITS).unwrap();
    let err = executor::resume(&other_wf, &mut state, &mut h, id.as_str(), "{}", T0).unwrap_err();
    assert_eq!(err.code(), "execution_workflow_mismatch");

    // First resume wins; the second is refused.
    let payload = r#"{"approved": true}"#;
    executor::resume(&wf, &mut state, &mut h, id.as_str(), payload, T0 + 1).unwrap();
    let err = executor::resume(&wf, &mut state, &mut h, id.as_str(), payload, T0 + 2).unwrap_err();
    assert_eq!(err, Error::Execution(ExecutionError::NotSuspended));
    assert_eq!(
        err.to_string_buf().as_str(),
        "Can only resume suspended executions"
    );
    let err = executor::expire(&wf, &mut state, &mut h, &expiry(&id), T0 + 2).unwrap_err();
    assert_eq!(err.code(), "execution_not_suspended");
}
