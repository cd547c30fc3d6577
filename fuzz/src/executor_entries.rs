//! Fuzz entries for executions (part of `entries.rs`): workflow JSON, wait
//! params, state JSON, templates, and random sequences of executor calls.

use arbitrary::{Arbitrary, Unstructured};

use std::collections::HashMap;

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::executor::{
    self, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeOutput, Outcome,
    MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::{IdGenerator, ResumeId};
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::time;
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::wait::{self, WaitParams};
use prana_webhook_core::workflow::{Workflow, WAIT_PORTS};
use prana_webhook_core::Error;

use super::bases;

/// Host handlers for fuzzing: `if` picks port `a` or `b` from the input,
/// `fail` fails, every other type passes its input on through `main`.
#[allow(clippy::result_large_err)]
fn fuzz_handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    json::validate(call.params).expect("rendered params are valid JSON");
    json::validate(call.input).expect("node input is valid JSON");
    if call.node_type == "fail" || call.input.contains("\"fail\"") {
        return Err(NodeError::new("fuzz_fail", "asked to fail"));
    }
    let n = call.input.len();
    out.get_mut(..n)
        .ok_or_else(|| NodeError::new("too_large", "output does not fit"))?
        .copy_from_slice(call.input.as_bytes());
    if call.node_type == "if" {
        let port = if call.input.contains("\"a\"") {
            "a"
        } else {
            "b"
        };
        return NodeOutput::new(port, n);
    }
    Ok(NodeOutput::main(n))
}

const T0: u64 = 1_751_450_400_000;

/// Any workflow text: a workflow that parses is consistent (start node,
/// connections, wait ports) and runs under the trivial handlers to an
/// outcome whose transitions are all allowed.
pub fn workflow_json(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let wf = match Workflow::<64, 128>::parse_with_capacity(text) {
        Ok(wf) => wf,
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
            return;
        }
    };
    assert!(!wf.nodes().is_empty());
    assert!(wf.node(wf.start_index()).is_some());
    for c in wf.connections() {
        let (from, to) = (usize::from(c.from), usize::from(c.to));
        assert!(wf.node(from).is_some() && wf.node(to).is_some());
        assert_ne!(from, to, "a self loop");
        assert_eq!(wf.next(from, c.port), Some(to));
        if wf.node(from).unwrap().is_wait() {
            assert!(WAIT_PORTS.contains(&c.port));
        }
    }
    for (i, n) in wf.nodes().iter().enumerate() {
        assert_eq!(wf.index_of(n.key), Some(i));
        json::validate_object(n.params, "params").expect("params are an object");
    }
    let _ = format!("{wf:?}");
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([2; 32]);
    let Ok(mut state) = executor::start::<64, 128, 16, 64, 4096>(&wf, "ex", &base, &mut ids, T0)
    else {
        return;
    };
    assert_eq!(
        state.context().slots().len(),
        wf.webhook_wait_nodes().count()
    );
    let mut h = fuzz_handler;
    if let Ok(r) = executor::run(&wf, &mut state, &mut h, "{}", T0) {
        for t in &r.transitions {
            assert!(t.from.can_transition_to(t.to));
        }
        let mut buf = vec![0u8; ExecutionState::<16, 64, [u8; 4096]>::MAX_JSON_LEN];
        let n = state.to_json(&mut buf).unwrap();
        let back = ExecutionState::<16, 64, [u8; 4096]>::from_json(&buf[..n]).unwrap();
        assert_eq!(back, state);
    }
}

/// Any wait params at any time: parse never panics; what parses has a
/// deadline after `now` (or a positive timeout); RFC 3339 times round trip.
pub fn wait_params(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(params), Ok(now), Ok(time_text)) = (
        u.arbitrary::<&str>(),
        u.arbitrary::<u64>(),
        u.arbitrary::<&str>(),
    ) else {
        return;
    };
    let now = now % (1 << 50);
    match wait::parse(params, now) {
        Ok(WaitParams::Interval {
            duration_ms,
            resume_at,
        }) => assert_eq!(resume_at, now.saturating_add(duration_ms)),
        Ok(WaitParams::Schedule { resume_at, .. }) => assert!(resume_at > now),
        Ok(WaitParams::Webhook {
            timeout_ms,
            webhook_config,
        }) => {
            assert!(timeout_ms > 0);
            json::validate_object(webhook_config, "webhook_config").unwrap();
        }
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
        }
    }
    if let Some(ms) = time::parse_rfc3339(time_text) {
        let mut out = String::new();
        time::write_rfc3339(ms, &mut out).unwrap();
        assert_eq!(time::parse_rfc3339(&out), Some(ms), "{time_text} -> {out}");
    }
}

/// Any state JSON: what loads writes back to JSON that loads to the same
/// state, and writing is a fixed point.
pub fn state_json(data: &[u8]) {
    // In place, into a state of another execution: the same verdict and
    // the same state as `from_json`; refused, an empty state of no workflow.
    let other = ExecutionContext::new("other_wf", "other_exec", &bases()[1]).unwrap();
    let mut reused: ExecutionState = ExecutionState::from_context(other);
    let loaded = reused.load_json(data);
    let state: ExecutionState = match ExecutionState::from_json(data) {
        Ok(s) => s,
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
            assert_eq!(loaded, Err(e));
            assert_eq!(reused.workflow_id(), "");
            assert!(reused.context().slots().is_empty());
            assert_eq!(reused.trace().as_str(), "");
            return;
        }
    };
    assert_eq!(loaded, Ok(()));
    assert_eq!(reused, state);
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state
        .to_json(&mut buf)
        .expect("MAX_STATE_JSON_LEN suffices");
    let back: ExecutionState = ExecutionState::from_json(&buf[..n]).unwrap();
    assert_eq!(back, state);
    let mut again = vec![0u8; MAX_STATE_JSON_LEN];
    let m = back.to_json(&mut again).unwrap();
    assert_eq!(&buf[..n], &again[..m]);
    let _ = (
        state.status(),
        state.current_node(),
        state.output(),
        state.trace(),
    );
}

/// The workflow `template` and `executor_ops` run: two webhook waits and an
/// interval wait, a branch, and every wait port connected.
pub const FUZZ_WORKFLOW: &str = r#"{"id": "fz", "start": "t", "nodes": [
  {"key": "t", "type": "trigger"},
  {"key": "n", "type": "log", "params": {"m": "{{ $execution.w1.resume_url }} {{$execution.w2.resume_id}} {{ $execution.id }}"}},
  {"key": "w1", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1, "webhook_config": {"k": 1}}},
  {"key": "br", "type": "if"},
  {"key": "w2", "type": "wait", "params": {"mode": "webhook"}},
  {"key": "tm", "type": "wait", "params": {"mode": "interval", "duration": 5, "unit": "seconds"}},
  {"key": "to1", "type": "log"}, {"key": "to2", "type": "log"},
  {"key": "end1", "type": "log"}, {"key": "end2", "type": "log"},
  {"key": "err", "type": "fail"}],
 "connections": [
  {"from": "t", "to": "n"}, {"from": "n", "to": "w1"},
  {"from": "w1", "port": "main", "to": "br"}, {"from": "w1", "port": "timeout", "to": "to1"},
  {"from": "br", "port": "a", "to": "w2"}, {"from": "br", "port": "b", "to": "tm"},
  {"from": "w2", "port": "main", "to": "end1"}, {"from": "w2", "port": "timeout", "to": "to2"},
  {"from": "tm", "port": "main", "to": "end2"}, {"from": "tm", "port": "error", "to": "err"}]}"#;

/// Any template into a buffer of any size: output fits or the error names
/// the size needed, and rendering into that size then succeeds with exactly
/// that many bytes; text without `{{` is copied unchanged.
pub fn template(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(tpl), Ok(size)) = (u.arbitrary::<&str>(), u.arbitrary::<u16>()) else {
        return;
    };
    let wf = Workflow::parse(FUZZ_WORKFLOW).unwrap();
    let base = BaseUrl::parse("http://127.0.0.1:8080/h").unwrap();
    let mut ids = IdGenerator::from_seed([3; 32]);
    let ctx: ExecutionContext =
        ExecutionContext::for_workflow(&wf, "ex_1", &base, &mut ids, T0).unwrap();
    let mut out = vec![0u8; usize::from(size) % 2048];
    match ctx.render(tpl, &mut out) {
        Ok(n) => {
            assert!(n <= out.len());
            if !tpl.contains("{{") {
                assert_eq!(&out[..n], tpl.as_bytes());
            }
            let mut exact = vec![0u8; n];
            assert_eq!(ctx.render(tpl, &mut exact), Ok(n));
            assert_eq!(exact, out[..n]);
        }
        Err(Error::BufferTooSmall { needed }) => {
            assert!(needed > out.len());
            let mut big = vec![0u8; needed];
            assert_eq!(ctx.render(tpl, &mut big), Ok(needed));
        }
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
        }
    }
}

/// One executor call in `executor_ops`.
#[derive(Arbitrary, Debug, Clone)]
pub enum ExecOp {
    /// Start the run with a payload.
    Run {
        /// Payload choice.
        payload: u8,
    },
    /// Resume a wait: 0 = w1, 1 = w2, else a made-up ID.
    Resume {
        /// Which registration.
        which: u8,
        /// Payload choice.
        payload: u8,
        /// Clock advance, s.
        dt: u16,
    },
    /// Expire a wait.
    Expire {
        /// Which registration.
        which: u8,
        /// Clock advance, s.
        dt: u16,
    },
    /// Wake a timer wait.
    Timer {
        /// Clock advance, s.
        dt: u16,
    },
    /// Persist the state and load it back.
    Reload,
}

const PAYLOADS: [&str; 5] = [
    r#"{"a":1}"#,
    r#"{"b":2}"#,
    "[1,2]",
    "not json",
    r#"{"fail":1}"#,
];

/// Random executor calls on the fuzz workflow, checked against a host-side
/// store that applies every returned transition with compare-and-set: the
/// store always agrees with the core, each registration is consumed at most
/// once, an expired or consumed registration never resumes, a refused call
/// changes nothing, and a finished execution leaves no registration open.
pub fn run_executor_ops(ops: &[ExecOp]) {
    let wf = Workflow::parse(FUZZ_WORKFLOW).unwrap();
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([4; 32]);
    let mut now = T0;
    let mut state: ExecutionState = executor::start(&wf, "ex", &base, &mut ids, now).unwrap();
    let mut store: HashMap<String, Status> = state
        .context()
        .registrations()
        .map(|r| (r.resume_id.as_str().to_owned(), r.status))
        .collect();
    assert_eq!(store.len(), 2);
    let id_of = |state: &ExecutionState, which: u8| -> String {
        match which % 3 {
            0 => state.context().resume_id("w1").unwrap().as_str().to_owned(),
            1 => state.context().resume_id("w2").unwrap().as_str().to_owned(),
            _ => "webhook_ex_w1_00000000000000000000000000".to_owned(),
        }
    };
    let mut consumed: HashMap<String, u32> = HashMap::new();
    let mut h = fuzz_handler;
    for op in ops {
        let before = state.clone();
        let (result, target) = match *op {
            ExecOp::Run { payload } => (
                executor::run(
                    &wf,
                    &mut state,
                    &mut h,
                    PAYLOADS[usize::from(payload) % 5],
                    now,
                ),
                None,
            ),
            ExecOp::Resume { which, payload, dt } => {
                now += u64::from(dt) * 1000;
                let id = id_of(&state, which);
                let p = PAYLOADS[usize::from(payload) % 5];
                (
                    executor::resume(&wf, &mut state, &mut h, &id, p, now),
                    Some(id),
                )
            }
            ExecOp::Expire { which, dt } => {
                now += u64::from(dt) * 1000;
                let id = id_of(&state, which);
                // The host applies active → expired with compare-and-set,
                // then hands it over; a refused call rolls the store back.
                let row = store.get(&id).copied();
                if row == Some(Status::Active) {
                    store.insert(id.clone(), Status::Expired);
                }
                let applied = ResumeId::parse(&id).map(|resume_id| Transition {
                    resume_id,
                    from: Status::Active,
                    to: Status::Expired,
                });
                let r = applied.and_then(|t| executor::expire(&wf, &mut state, &mut h, &t, now));
                if let (Err(_), Some(s)) = (&r, row) {
                    store.insert(id, s);
                }
                (r, None)
            }
            ExecOp::Timer { dt } => {
                now += u64::from(dt) * 1000;
                (executor::resume_timer(&wf, &mut state, &mut h, now), None)
            }
            ExecOp::Reload => {
                let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
                let n = state.to_json(&mut buf).unwrap();
                state = ExecutionState::from_json(&buf[..n]).unwrap();
                assert_eq!(state, before);
                continue;
            }
        };
        match result {
            Ok(r) => {
                for t in &r.transitions {
                    let row = store
                        .get_mut(t.resume_id.as_str())
                        .expect("known registration");
                    assert_eq!(
                        *row, t.from,
                        "compare-and-set would fail: store and core disagree"
                    );
                    assert!(t.from.can_transition_to(t.to) && t.from != t.to);
                    *row = t.to;
                    if t.to == Status::Consumed {
                        *consumed.entry(t.resume_id.as_str().to_owned()).or_default() += 1;
                    }
                }
                if let Some(id) = target {
                    // A successful resume consumed exactly this registration.
                    assert_eq!(store.get(&id), Some(&Status::Consumed));
                    let prior = before
                        .context()
                        .registrations()
                        .find(|r| r.resume_id.as_str() == id)
                        .unwrap();
                    assert_eq!(
                        prior.status,
                        Status::Active,
                        "resumed a non-active registration"
                    );
                    assert_eq!(
                        prior.status_at(now),
                        Status::Active,
                        "resumed after expires_at"
                    );
                }
                match r.outcome {
                    Outcome::Completed | Outcome::Failed { .. } | Outcome::Cancelled { .. } => {
                        assert!(matches!(
                            state.status(),
                            ExecutionStatus::Completed
                                | ExecutionStatus::Failed
                                | ExecutionStatus::Cancelled
                        ));
                        assert!(
                            store.values().all(|s| s.is_terminal()),
                            "open registration left"
                        );
                    }
                    Outcome::Suspended { .. } => {
                        assert_eq!(state.status(), ExecutionStatus::Suspended)
                    }
                }
            }
            Err(e) => {
                assert_eq!(state, before, "a refused call changed the state");
                let _ = (e.code(), e.to_string_buf());
            }
        }
        // The core's view of every registration matches the store.
        for reg in state.context().registrations() {
            assert_eq!(store[reg.resume_id.as_str()], reg.status);
        }
        assert!(consumed.values().all(|&n| n <= 1), "consumed twice");
    }
}

/// Structured target: decode executor calls with `arbitrary` and run them.
pub fn executor_ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut ops: Vec<ExecOp> = Vec::new();
    while ops.len() < 64 && !u.is_empty() {
        match u.arbitrary::<ExecOp>() {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    run_executor_ops(&ops);
}
