//! End-to-end executor tests: the approval workflow (resume and timeout),
//! sequential waits, cleanup of unreached waits, refused resumes, timer
//! waits, the state's JSON form, and workflow validation.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::executor::{
    self, ExecutionError, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeHandler,
    NodeOutput, Outcome, RunResult, Workspace, DEFAULT_OUTPUT_LEN, MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::route::{decide_resume, Decision};
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::workflow::{Workflow, WorkflowError};
use prana_webhook_core::Error;

const APPROVAL: &str = include_str!("../../examples/workflows/approval.json");
const HOUR_MS: u64 = 3_600_000;
const T0: u64 = 1_751_450_400_000;

/// The demo handlers of the sample workflow: `log`, `if`, `set`, and `fail`.
#[derive(Default)]
struct Demo {
    logs: Vec<String>,
    /// (node id, input) of every call.
    calls: Vec<(String, String)>,
}

fn put(out: &mut [u8], s: &str) -> Result<usize, NodeError> {
    let dst = out
        .get_mut(..s.len())
        .ok_or_else(|| NodeError::new("output_too_large", "output does not fit"))?;
    dst.copy_from_slice(s.as_bytes());
    Ok(s.len())
}

fn param<'a>(params: &'a str, key: &str) -> Option<&'a str> {
    json::find_member(params, key).ok().flatten()
}

impl NodeHandler for Demo {
    fn run(&mut self, call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
        self.calls.push((call.node_id.into(), call.input.into()));
        match call.node_type {
            "log" => {
                let msg = param(call.params, "message").and_then(json::plain_str);
                self.logs.push(msg.unwrap_or_default().into());
                Ok(NodeOutput::main(put(out, call.input)?))
            }
            "if" => {
                let field = param(call.params, "field").and_then(json::plain_str);
                let equals = param(call.params, "equals");
                let actual = field.and_then(|f| param(call.input, f));
                let port = if actual.is_some() && actual == equals {
                    "true"
                } else {
                    "false"
                };
                NodeOutput::new(port, put(out, call.input)?)
            }
            "set" => {
                let value = param(call.params, "value").unwrap_or("null");
                Ok(NodeOutput::main(put(out, value)?))
            }
            "fail" => Err(NodeError::new("boom", "this node fails on purpose")),
            "badjson" => Ok(NodeOutput::main(put(out, "{nope")?)),
            "badport" => Ok(NodeOutput {
                port: Default::default(),
                len: 0,
            }),
            other => Err(NodeError::new("unknown_type", other)),
        }
    }
}

fn base() -> BaseUrl {
    BaseUrl::parse("https://gw.example.com/hooks").unwrap()
}

/// A server's capacities: 16 webhook waits, a trace for 64 nodes, 4 KiB
/// outputs and params.
type ServerState = ExecutionState<16, { 64 * 98 }, [u8; 4096]>;
type ServerWorkspace = Workspace<[u8; 4096], [u8; 4096]>;

fn start<'a>(wf: &Workflow<'a>, exec: &str, seed: u8) -> ExecutionState {
    let mut ids = IdGenerator::from_seed([seed; 32]);
    executor::start(wf, exec, &base(), &mut ids, T0).unwrap()
}

/// Persist and restore, as a host does between two processes.
fn round_trip<const W: usize, const T: usize, const O: usize>(
    state: &ExecutionState<W, T, [u8; O]>,
) -> ExecutionState<W, T, [u8; O]> {
    let mut buf = vec![0u8; ExecutionState::<W, T, [u8; O]>::MAX_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap();
    json::validate(text).unwrap();
    let back = ExecutionState::<W, T, [u8; O]>::from_json(&buf[..n]).unwrap();
    assert_eq!(&back, state, "state JSON round trip: {text}");
    // In place, into a state of another execution with another base URL.
    let other = BaseUrl::parse("http://other.example:8080").unwrap();
    let mut reused = ExecutionState::<W, T, [u8; O]>::from_context(
        ExecutionContext::new("other_wf", "other_exec", &other).unwrap(),
    );
    reused.load_json(&buf[..n]).unwrap();
    assert_eq!(&reused, state, "state JSON loaded in place: {text}");
    back
}

fn trace(state: &ExecutionState) -> Vec<String> {
    state
        .trace()
        .map(|s| format!("{}:{}", s.node, s.port))
        .collect()
}

fn transitions(r: &RunResult) -> Vec<(String, Status, Status)> {
    r.transitions
        .iter()
        .map(|t: &Transition| (t.resume_id.to_string(), t.from, t.to))
        .collect()
}

fn suspended_registration(r: &RunResult) -> WebhookRegistration {
    match &r.outcome {
        Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } => registration.clone(),
        other => panic!("expected a webhook suspension, got {other:?}"),
    }
}

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

    let r = executor::expire(&wf, &mut state, &mut h, reg.resume_id.as_str(), deadline).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(
        transitions(&r),
        vec![(reg.resume_id.to_string(), Status::Active, Status::Expired)]
    );
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

/// `run_in`, `resume_in` and `expire_in` with one workspace, dirtied by
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
        let r1 = executor::expire(&wf, &mut fresh, &mut h1, id.as_str(), T0 + 2).unwrap();
        let r2 =
            executor::expire_in(&wf, &mut kept, &mut ws, &mut h2, id.as_str(), T0 + 2).unwrap();
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
    let err = executor::expire(&wf, &mut state, &mut h, id.as_str(), T0 + 2).unwrap_err();
    assert_eq!(err.code(), "execution_not_suspended");
}

#[test]
fn timer_waits_resume_when_due() {
    let text = r#"{"id": "timers", "nodes": [
        {"key": "trigger", "type": "trigger"},
        {"key": "pause", "type": "wait", "params": {"mode": "interval", "duration": 90, "unit": "seconds"}},
        {"key": "until", "type": "wait", "params": {"mode": "schedule", "schedule_at": "2025-07-03T10:00:00+02:00", "timezone": "Europe/Berlin"}},
        {"key": "done", "type": "set", "params": {"value": 1}}],
      "connections": [{"from": "trigger", "to": "pause"}, {"from": "pause", "to": "until"},
                      {"from": "until", "to": "done"}]}"#;
    let wf = Workflow::parse(text).unwrap();
    let mut state = start(&wf, "e6", 9);
    assert_eq!(state.context().slots().len(), 0);
    let mut h = Demo::default();
    let r = executor::run(&wf, &mut state, &mut h, r#"{"k": "v"}"#, T0).unwrap();
    assert!(r.transitions.is_empty());
    let Outcome::Suspended {
        node_id,
        suspension,
    } = &r.outcome
    else {
        panic!()
    };
    assert_eq!(node_id.as_str(), "pause");
    assert_eq!(
        suspension,
        &Suspension::Interval {
            duration_ms: 90_000,
            resume_at: T0 + 90_000
        }
    );
    let mut state = round_trip(&state);
    let err = executor::resume_timer(&wf, &mut state, &mut h, T0 + 89_999).unwrap_err();
    assert_eq!(
        err,
        Error::Execution(ExecutionError::NotDue {
            resume_at: T0 + 90_000
        })
    );
    let r = executor::resume_timer_in(&wf, &mut state, &mut Workspace::new(), &mut h, T0 + 90_000)
        .unwrap();
    let Outcome::Suspended { suspension, .. } = &r.outcome else {
        panic!()
    };
    let due = T0 + 22 * HOUR_MS; // 2025-07-03T08:00:00Z
    assert_eq!(suspension.deadline(), due);
    assert!(
        matches!(suspension, Suspension::Schedule { timezone, .. } if timezone == "Europe/Berlin")
    );
    // Timer waits pass their input on.
    assert_eq!(state.output(), r#"{"k": "v"}"#);
    let mut state = round_trip(&state);
    let r = executor::resume_timer(&wf, &mut state, &mut h, due).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(
        h.calls.last().unwrap(),
        &("done".to_string(), r#"{"k": "v"}"#.to_string())
    );
    assert_eq!(
        trace(&state),
        ["trigger:main", "pause:main", "until:main", "done:main"]
    );
}

#[test]
fn refused_wait_goes_out_its_error_port_or_fails() {
    let with_port = r#"{"id": "w", "nodes": [
        {"key": "w", "type": "wait", "params": {"mode": "webhook", "timeout_hours": "{{ $execution.id }}"}},
        {"key": "handle", "type": "set", "params": {"value": "handled"}}],
      "connections": [{"from": "w", "port": "error", "to": "handle"}]}"#;
    let wf = Workflow::parse(with_port).unwrap();
    let mut state = start(&wf, "e7", 10);
    let mut h = Demo::default();
    let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(
        h.calls[0].1,
        r#"{"code":"wait_timeout_hours_invalid","message":"timeout_hours must be a number greater than 0 and at most 8760 (1 year)"}"#
    );
    assert_eq!(trace(&state), ["w:error", "handle:main"]);
    // The registration of the refused wait is cleaned up.
    assert_eq!(r.transitions.len(), 1);
    assert_eq!(r.transitions[0].to, Status::Expired);

    let without = r#"{"id": "w", "nodes": [{"key": "w", "type": "wait", "params": {"mode": "{{ $execution.id }}"}}]}"#;
    let wf = Workflow::parse(without).unwrap();
    let mut state = start(&wf, "e8", 11);
    let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    let Outcome::Failed { node_id, error } = r.outcome else {
        panic!()
    };
    assert_eq!(node_id.as_str(), "w");
    assert_eq!(error.code.as_str(), "wait_mode_invalid");
    assert_eq!(
        error.message.as_str(),
        "mode must be 'interval', 'schedule', or 'webhook'"
    );
}

#[test]
fn node_level_failures() {
    let text = |ty: &str, params: &str| {
        format!(
            r#"{{"id": "f", "nodes": [{{"key": "t", "type": "trigger"}}, {{"key": "n", "type": "{ty}", "params": {params}}}],
                "connections": [{{"from": "t", "to": "n"}}]}}"#
        )
    };
    let cases = [
        (
            "log",
            r#"{"message": "{{ $execution.nobody.resume_url }}"}"#,
            "expression_unknown_node",
        ),
        (
            "log",
            r#"{"message": "{{ $execution.id.nope }}"}"#,
            "expression_unknown_node",
        ),
        (
            "log",
            r#"{"message": "{{ $execution.id "}"#,
            "expression_unterminated",
        ),
        ("badjson", "{}", "invalid_node_output"),
        ("badport", "{}", "invalid_port"),
        ("mystery", "{}", "unknown_type"),
    ];
    for (ty, params, code) in cases {
        let t = text(ty, params);
        let wf = Workflow::parse(&t).unwrap();
        let mut state = start(&wf, "e9", 12);
        let r = executor::run(&wf, &mut state, &mut Demo::default(), "{}", T0).unwrap();
        match r.outcome {
            Outcome::Failed { node_id, error } => {
                assert_eq!(node_id.as_str(), "n", "{ty} {params}");
                assert_eq!(error.code.as_str(), code, "{ty} {params}: {error}");
            }
            other => panic!("{ty} {params}: {other:?}"),
        }
        assert_eq!(trace(&state), ["t:main"]);
    }
}

#[test]
fn handler_closures_and_rendered_execution_ids() {
    let text = r#"{"id": "wf-1", "nodes": [{"key": "n", "type": "echo",
        "params": {"e": "{{ $execution.id }}", "w": "{{ $execution.workflow_id }}", "x": "{{ $input.name }}"}}]}"#;
    let wf = Workflow::parse(text).unwrap();
    let mut state = start(&wf, "exec_77", 13);
    let mut seen = String::new();
    let mut h = |call: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
        seen = call.params.to_string();
        assert_eq!(call.input, "[1,2]");
        assert_eq!(call.execution_id, "exec_77");
        assert_eq!(call.now, T0);
        NodeOutput::new("done", put(out, "true")?)
    };
    let r = executor::run(&wf, &mut state, &mut h, " [1,2] ", T0).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(
        seen,
        r#"{"e": "exec_77", "w": "wf-1", "x": "{{ $input.name }}"}"#
    );
    assert_eq!(state.output(), "true");
    assert_eq!(trace(&state), ["n:done"]);
}

#[test]
fn state_json_is_checked_on_restore() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e10", 14);
    executor::run(
        &wf,
        &mut state,
        &mut Demo::default(),
        r#"{"q": "\"quoted\"\n"}"#,
        T0,
    )
    .unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    assert!(text.contains(r#""status":"suspended""#), "{text}");
    assert!(text.contains(r#""output":{"q": "\"quoted\"\n"}"#), "{text}");
    round_trip(&state);

    // Outputs with long escaped strings restore too.
    let wf2 =
        Workflow::parse(r#"{"id": "x", "nodes": [{"key": "n", "type": "trigger"}]}"#).unwrap();
    let mut ids = IdGenerator::from_seed([14; 32]);
    let mut long: ServerState = executor::start(&wf2, "e10b", &base(), &mut ids, T0).unwrap();
    let payload = format!(
        r#"{{"text": "{}"}}"#,
        r#"line\n\\ \"q\" \u00e9 "#.repeat(150)
    );
    assert!(payload.len() > 3000);
    let mut ws = ServerWorkspace::zeroed();
    executor::run_in(&wf2, &mut long, &mut ws, &mut Demo::default(), &payload, T0).unwrap();
    assert_eq!(long.output(), payload);
    round_trip(&long);

    // A buffer too small reports a size that is enough.
    let mut small = [0u8; 16];
    let Err(Error::BufferTooSmall { needed }) = state.to_json(&mut small) else {
        panic!()
    };
    assert!(needed >= n);

    for (from, to) in [
        (r#""version":3"#, r#""version":1"#),
        (r#""version":3"#, r#""version":2"#),
        (r#""version":3"#, r#""version":4"#),
        (r#""workflow_digest":""#, r#""workflow_digest":"x"#),
        (r#""workflow_digest":""#, r#""workflow_digest":"A"#),
        (r#""status":"suspended""#, r#""status":"sleeping""#),
        (r#""wait_mode":"webhook""#, r#""wait_mode":null"#),
        (r#""execution_id":"e10""#, r#""execution_id":"e11""#),
        (r#""node_id":"wait_approval""#, r#""node_id":"other""#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:Main"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:"#),
        (r#""trace":"trigger:main"#, r#""trace":":main"#),
        (r#""trace":"trigger:main"#, r#""trace":",trigger:main"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:main,"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:main:x"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:ma\u0069n"#),
        (r#""trace":"trigger:main"#, r#""trace":"trig ger:main"#),
        (
            r#""trace":"trigger:main,notify:main""#,
            r#""trace":[{"node":"trigger","port":"main"}]"#,
        ),
        (r#""output":{"q""#, r#""output":{q""#),
    ] {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        assert!(
            <ExecutionState>::from_json(bad.as_bytes()).is_err(),
            "accepted {to}"
        );
        // Restoring in place refuses the same, and leaves an empty state
        // that no executor call accepts.
        let mut reused = state.clone();
        assert!(reused.load_json(bad.as_bytes()).is_err(), "accepted {to}");
        assert_eq!(reused.workflow_id(), "");
        assert!(reused.context().slots().is_empty() && reused.trace().as_str().is_empty());
        let e = executor::run(&wf, &mut reused, &mut Demo::default(), "{}", T0).unwrap_err();
        assert_eq!(e.code(), "execution_workflow_mismatch");
        reused.load_json(text.as_bytes()).unwrap();
        assert_eq!(reused, state);
    }
    // A failed state keeps its error, escapes included.
    let wf = Workflow::parse(r#"{"id": "f", "nodes": [{"key": "n", "type": "x"}]}"#).unwrap();
    let mut state = start(&wf, "e12", 15);
    let mut h = |_: &NodeCall<'_>, _: &mut [u8]| -> Result<NodeOutput, NodeError> {
        Err(NodeError::new(
            "bad_thing",
            "a \"quoted\"\\ message\twith\u{1} controls",
        ))
    };
    executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    let back = round_trip(&state);
    assert_eq!(
        back.error().unwrap().message.as_str(),
        "a \"quoted\"\\ message\twith\u{1} controls"
    );
}

/// The largest state a server's capacities allow (64 nodes, 16 webhook
/// waits, 4 KiB outputs) fits its `MAX_JSON_LEN`, and the state stays under
/// 16 KiB.
#[test]
fn sizes_and_worst_case_json() {
    use std::mem::size_of;
    let state_size = size_of::<ServerState>();
    println!("server ExecutionState: {state_size} bytes");
    assert!(state_size < 16 * 1024, "{state_size}");
    const MAX_JSON: usize = ServerState::MAX_JSON_LEN;

    // 64 nodes in a chain: 16 webhook waits with 64-byte keys, 48 others.
    let key = |i: usize| format!("{i:02}{}", "k".repeat(62));
    let mut nodes = Vec::new();
    let mut conns = Vec::new();
    for i in 0..64 {
        let ty = if i % 4 == 2 { "wait" } else { "set" };
        let params = if ty == "wait" {
            r#"{"mode": "webhook", "timeout_hours": 8760}"#.to_string()
        } else {
            r#"{"value": 1}"#.to_string()
        };
        nodes.push(format!(
            r#"{{"key": "{}", "type": "{ty}", "params": {params}}}"#,
            key(i)
        ));
        if i > 0 {
            conns.push(format!(
                r#"{{"from": "{}", "port": "main", "to": "{}"}}"#,
                key(i - 1),
                key(i)
            ));
        }
    }
    let text = format!(
        r#"{{"id": "{}", "nodes": [{}], "connections": [{}]}}"#,
        "w".repeat(64),
        nodes.join(","),
        conns.join(",")
    );
    let wf = Workflow::<64, 128>::parse_with_capacity(&text).unwrap();
    let exec = "e".repeat(64);
    let base = BaseUrl::parse(&format!("https://{}", "h".repeat(247))).unwrap();
    assert_eq!(base.as_str().len(), 255);
    let mut ids = IdGenerator::from_seed([16; 32]);
    // Signed with the longest key id: every registration carries the
    // longest `sig` (31 bytes), in its URLs and in the state JSON.
    let key = prana_webhook_core::token::resume::ResumeKey::new("abcd1234", &[7; 32]).unwrap();
    let mut state: ServerState =
        executor::start_signed(&wf, &exec, &base, &mut ids, u64::MAX / 4, &key).unwrap();
    for (_, url) in state.context().resume_urls() {
        assert!(url.contains("?sig=abcd1234."), "{url}");
    }
    // Outputs are as large as allowed, of characters that need no escaping.
    let big = format!("\"{}\"", "y".repeat(4096 - 2));
    let mut h = |c: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
        if c.node_id.starts_with("63") {
            return Err(NodeError::new(&"\u{1}".repeat(40), &"\u{1}".repeat(300)));
        }
        Ok(NodeOutput::main(put(out, &big)?))
    };
    let mut max_seen = 0;
    let mut ws = ServerWorkspace::zeroed();
    let mut r = executor::run_in(&wf, &mut state, &mut ws, &mut h, "{}", u64::MAX / 4).unwrap();
    let mut buf = vec![0u8; MAX_JSON];
    loop {
        let n = state.to_json(&mut buf).unwrap();
        max_seen = max_seen.max(n);
        match &r.outcome {
            Outcome::Suspended { .. } => {
                let id = state.waiting_resume_id().unwrap().clone();
                r = executor::resume_in(
                    &wf,
                    &mut state,
                    &mut ws,
                    &mut h,
                    id.as_str(),
                    &big,
                    u64::MAX / 4,
                )
                .unwrap();
            }
            Outcome::Failed { error, .. } => {
                assert_eq!(error.code.len(), 32);
                break;
            }
            Outcome::Completed | Outcome::Cancelled { .. } => panic!("node 63 fails"),
        }
    }
    assert_eq!(state.trace().count(), 63);
    round_trip(&state);
    println!("largest state JSON seen: {max_seen} bytes");
    assert!(max_seen <= MAX_JSON);
}

mod workflow_validation {
    use super::*;

    fn err(text: &str) -> Error {
        Workflow::parse(text).unwrap_err()
    }

    fn wf(nodes: &str, conns: &str) -> String {
        format!(r#"{{"id": "v", "nodes": [{nodes}], "connections": [{conns}]}}"#)
    }

    const AB: &str = r#"{"key": "a", "type": "log"}, {"key": "b", "type": "log"}"#;

    #[test]
    fn duplicate_key() {
        let e = err(&wf(
            r#"{"key": "a", "type": "x"}, {"key": "a", "type": "y"}"#,
            "",
        ));
        assert_eq!(e.code(), "workflow_duplicate_key");
        assert_eq!(e.to_string_buf().as_str(), "duplicate node key 'a'");
    }

    #[test]
    fn dangling_connections() {
        let e = err(&wf(AB, r#"{"from": "a", "to": "zz"}"#));
        assert_eq!(
            e,
            Error::Workflow(WorkflowError::DanglingConnection {
                index: 0,
                end: "to"
            })
        );
        assert_eq!(
            e.to_string_buf().as_str(),
            "connections[0].to names no node of this workflow"
        );
        let e = err(&wf(
            AB,
            r#"{"from": "a", "to": "b"}, {"from": "q", "to": "b"}"#,
        ));
        assert_eq!(
            e,
            Error::Workflow(WorkflowError::DanglingConnection {
                index: 1,
                end: "from"
            })
        );
    }

    #[test]
    fn ports() {
        let nodes = r#"{"key": "w", "type": "wait", "params": {"mode": "webhook"}}, {"key": "b", "type": "log"}"#;
        let e = err(&wf(nodes, r#"{"from": "w", "port": "done", "to": "b"}"#));
        assert_eq!(e.code(), "workflow_unknown_port");
        assert_eq!(
            e.to_string_buf().as_str(),
            "connections[0]: a wait node has no output port 'done' (main, timeout, error, cancel)"
        );
        for port in ["main", "timeout", "error"] {
            let c = format!(r#"{{"from": "w", "port": "{port}", "to": "b"}}"#);
            assert!(Workflow::parse(&wf(nodes, &c)).is_ok(), "{port}");
        }
        // Other nodes may use any well-formed port.
        assert!(Workflow::parse(&wf(AB, r#"{"from": "a", "port": "maybe_2", "to": "b"}"#)).is_ok());
        for bad in ["Main", "", "a-b", "x y", &"p".repeat(33)] {
            let c = format!(r#"{{"from": "a", "port": "{bad}", "to": "b"}}"#);
            assert_eq!(err(&wf(AB, &c)).code(), "workflow_bad_port", "{bad:?}");
        }
        let e = err(&wf(
            r#"{"key": "a", "type": "if"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}"#,
            r#"{"from": "a", "port": "yes", "to": "b"}, {"from": "a", "port": "yes", "to": "c"}"#,
        ));
        assert_eq!(e.code(), "workflow_port_already_connected");
    }

    #[test]
    fn cycles() {
        let three =
            r#"{"key": "a", "type": "x"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}"#;
        let e = err(&format!(
            r#"{{"id": "v", "start": "a", "nodes": [{three}], "connections": [
                {{"from": "a", "to": "b"}}, {{"from": "b", "to": "c"}}, {{"from": "c", "port": "again", "to": "b"}}]}}"#
        ));
        assert_eq!(e.code(), "workflow_cycle");
        let msg = e.to_string_buf();
        assert!(
            msg.as_str() == "the workflow has a cycle through node 'b'"
                || msg.as_str() == "the workflow has a cycle through node 'c'",
            "{msg}"
        );
        // Without a start node every node has an input: still reported as a cycle.
        let e = err(&wf(
            AB,
            r#"{"from": "a", "to": "b"}, {"from": "b", "to": "a"}"#,
        ));
        assert_eq!(e.code(), "workflow_cycle");
        // A self-loop.
        let e = err(&format!(
            r#"{{"id": "v", "start": "a", "nodes": [{AB}], "connections": [{{"from": "a", "to": "b"}}, {{"from": "b", "port": "x", "to": "b"}}]}}"#
        ));
        assert_eq!(
            e,
            Error::Workflow(WorkflowError::Cycle {
                key: "b".try_into().unwrap()
            })
        );
        // A diamond is not a cycle.
        let diamond = r#"{"key": "a", "type": "if"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}, {"key": "d", "type": "x"}"#;
        let ok = wf(
            diamond,
            r#"{"from": "a", "port": "true", "to": "b"}, {"from": "a", "port": "false", "to": "c"},
               {"from": "b", "to": "d"}, {"from": "c", "to": "d"}"#,
        );
        assert!(Workflow::parse(&ok).is_ok());
    }

    #[test]
    fn over_capacity() {
        let three = wf(
            r#"{"key": "a", "type": "x"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}"#,
            r#"{"from": "a", "to": "b"}, {"from": "b", "to": "c"}"#,
        );
        let e = Workflow::<2, 8>::parse_with_capacity(&three).unwrap_err();
        assert_eq!(
            e,
            Error::Capacity {
                what: "workflow nodes",
                limit: 2
            }
        );
        assert_eq!(
            e.to_string_buf().as_str(),
            "capacity exceeded: workflow nodes holds at most 2"
        );
        let e = Workflow::<3, 1>::parse_with_capacity(&three).unwrap_err();
        assert_eq!(
            e,
            Error::Capacity {
                what: "workflow connections",
                limit: 1
            }
        );
        assert!(Workflow::<3, 2>::parse_with_capacity(&three).is_ok());

        // 65 nodes with the defaults.
        let nodes: Vec<_> = (0..65)
            .map(|i| format!(r#"{{"key": "n{i}", "type": "x"}}"#))
            .collect();
        let e = err(&wf(&nodes.join(","), ""));
        assert_eq!(
            e,
            Error::Capacity {
                what: "workflow nodes",
                limit: 16
            }
        );

        // More webhook waits than the state holds.
        let waits = wf(
            r#"{"key": "w1", "type": "wait", "params": {"mode": "webhook"}},
               {"key": "w2", "type": "wait", "params": {"mode": "webhook"}}"#,
            r#"{"from": "w1", "to": "w2"}"#,
        );
        let wf = Workflow::parse(&waits).unwrap();
        let mut ids = IdGenerator::from_seed([0; 32]);
        let e = executor::start::<16, 32, 1, 8, 512>(&wf, "e", &base(), &mut ids, 0).unwrap_err();
        assert_eq!(
            e,
            Error::Capacity {
                what: "webhook wait nodes",
                limit: 1
            }
        );
        // Params of any size parse (the workflow borrows them). Without an
        // expression they reach the handler as they are; with one they are
        // rendered into the workspace, whose size is the limit.
        let params = format!(r#"{{"x": "{}"}}"#, "p".repeat(4096));
        let text =
            format!(r#"{{"id": "v", "nodes": [{{"key": "a", "type": "x", "params": {params}}}]}}"#);
        let wf = Workflow::parse(&text).unwrap();
        let seen = std::cell::Cell::new(0);
        let mut h = |c: &NodeCall<'_>, _: &mut [u8]| -> Result<NodeOutput, NodeError> {
            seen.set(c.params.len());
            Ok(NodeOutput::main(0))
        };
        let mut state = start(&wf, "e", 1);
        let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(seen.get(), params.len());
        let params = format!(r#"{{"x": "{{{{ $execution.id }}}}{}"}}"#, "p".repeat(600));
        let text =
            format!(r#"{{"id": "v", "nodes": [{{"key": "a", "type": "x", "params": {params}}}]}}"#);
        let wf = Workflow::parse(&text).unwrap();
        let mut state = start(&wf, "e", 1);
        let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        let Outcome::Failed { error, .. } = r.outcome else {
            panic!("{:?}", r.outcome)
        };
        assert_eq!(error.code.as_str(), "capacity_exceeded");
        assert_eq!(
            error.message.as_str(),
            "capacity exceeded: rendered node params holds at most 512 bytes, 610 needed"
        );
    }

    #[test]
    fn start_node() {
        let e = err(&wf(AB, ""));
        assert_eq!(e, Error::Workflow(WorkflowError::AmbiguousStart));
        let named = format!(r#"{{"id": "v", "start": "b", "nodes": [{AB}]}}"#);
        assert_eq!(Workflow::parse(&named).unwrap().start().key, "b");
        let e = err(&format!(r#"{{"id": "v", "start": "zz", "nodes": [{AB}]}}"#));
        assert_eq!(e, Error::Workflow(WorkflowError::UnknownStart));
        let one = wf(AB, r#"{"from": "b", "to": "a"}"#);
        assert_eq!(Workflow::parse(&one).unwrap().start().key, "b");
    }

    #[test]
    fn shapes_and_ids() {
        let cases: &[(&str, &str)] = &[
            (r#"{"nodes": []}"#, "workflow_missing_field"),
            (r#"{"id": "v"}"#, "workflow_missing_field"),
            (r#"{"id": 5, "nodes": []}"#, "workflow_field_type"),
            (r#"{"id": "v", "nodes": {}}"#, "workflow_field_type"),
            (r#"{"id": "bad id", "nodes": []}"#, "id_part_bad_character"),
            (r#"{"id": "v", "nodes": []}"#, "workflow_no_nodes"),
            (r#"{"id": "v", "nodes": [1]}"#, "workflow_bad_node"),
            (
                r#"{"id": "v", "nodes": [{"key": "a"}]}"#,
                "workflow_bad_node",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a.b", "type": "x"}]}"#,
                "workflow_bad_node_key",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "", "type": "x"}]}"#,
                "workflow_bad_node_key",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x y"}]}"#,
                "workflow_bad_node_type",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x", "params": [1]}]}"#,
                "workflow_bad_params",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x"}], "connections": [{"from": "a"}]}"#,
                "workflow_bad_connection",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x"}], "connections": {}}"#,
                "workflow_field_type",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x"}],}"#,
                "invalid_json",
            ),
            ("[]", "not_an_object"),
        ];
        for (text, code) in cases {
            assert_eq!(err(text).code(), *code, "{text}");
        }
        // Extra members (documentation) are ignored.
        let ok = r#"{"id": "v", "name": "x", "nodes": [{"key": "a", "type": "x", "position": [1, 2], "description": "d"}]}"#;
        let w = Workflow::parse(ok).unwrap();
        assert_eq!(w.start().params, "{}");
        assert_eq!(w.wait_nodes().count(), 0);
    }
}

/// A state's JSON loads the same whatever its layout: whitespace, member
/// order and members the reader does not know do not matter (only the
/// exact form `to_json` writes takes the reader's fast path).
#[test]
fn state_json_in_other_layouts_loads_the_same() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e20", 21);
    executor::run(
        &wf,
        &mut state,
        &mut Demo::default(),
        r#"{"amount": 10}"#,
        T0,
    )
    .unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    assert!(
        text.contains(r#""trace":"trigger:main,notify:main","#),
        "{text}"
    );

    let spaced = text
        .replace(r#""trace":"#, "\"trace\" :\n ")
        .replace("},{", "},\n\t{")
        .replace(r#""registrations":["#, "\"registrations\" : [ ")
        .replace(r#","status":"#, ", \"status\" : ");
    let (head, output) = text.split_once(r#","output":"#).unwrap();
    let reordered = format!(
        r#"{{"output":{},{}}}"#,
        &output[..output.len() - 1],
        &head[1..]
    );
    let extra = text
        .replacen('{', r#"{"note":{"x":[1,{"y":null}]},"#, 1)
        .replace(r#"{"node_id":"#, r#"{"seen":true,"node_id":"#)
        .replace(r#","created_at":"#, r#","n":-1.5e3,"created_at":"#);
    for variant in [spaced, reordered, extra] {
        assert_ne!(variant, text);
        let back: ExecutionState = ExecutionState::from_json(variant.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {variant}"));
        assert_eq!(back, state, "{variant}");
        let m = back.to_json(&mut buf).unwrap();
        assert_eq!(std::str::from_utf8(&buf[..m]).unwrap(), text);
    }
}

/// The exact form `to_json` writes and any other layout accept and refuse
/// the same texts: here outputs nested at and past the depth limit.
#[test]
fn compact_and_general_state_reading_agree_on_nesting() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e30", 31);
    executor::run(&wf, &mut state, &mut Demo::default(), "{}", T0).unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    let (head, _) = text.split_once(r#","output":"#).unwrap();
    for depth in [30, 31, 32, 33] {
        let output = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let compact = format!(r#"{head},"output":{output}}}"#);
        let spaced = compact.replacen(r#""version":"#, r#" "version" : "#, 1);
        let a = <ExecutionState>::from_json(compact.as_bytes()).map(|s| s.output().len());
        let b = <ExecutionState>::from_json(spaced.as_bytes()).map(|s| s.output().len());
        assert_eq!(a.is_ok(), b.is_ok(), "depth {depth}: {a:?} {b:?}");
        assert_eq!(a.is_ok(), depth < 32, "depth {depth}: {a:?}");
    }
}
