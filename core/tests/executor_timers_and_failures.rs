//! Executor timer waits, refused waits leaving by their error port, node
//! level failures, and handler closures.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

mod common;

use common::executor::*;

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

/// Output storage that keeps a NUL after what it stores, as a host that
/// hands the input on as a C string implements it.
struct NulKeeping([u8; 64]);

impl executor::Buffer for NulKeeping {
    fn capacity(&self) -> usize {
        self.0.len() - 1
    }
    fn stored(&self, len: usize) -> Option<&[u8]> {
        self.0.get(..len)
    }
    fn store(&mut self, data: &[u8]) {
        self.0[..data.len()].copy_from_slice(data);
        self.0[data.len()] = 0;
    }
    fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.0
    }
    fn stored_with_nul(&self, len: usize) -> Option<&[u8]> {
        self.0.get(..=len)
    }
}

/// Each call's node index, params, params with NUL, input, input with NUL.
type Seen = (usize, String, Option<Vec<u8>>, String, Option<Vec<u8>>);

/// A handler that records what each call carried and outputs `{"n":1}`.
fn recorder(
    seen: &mut Vec<Seen>,
) -> impl FnMut(&NodeCall<'_>, &mut [u8]) -> Result<NodeOutput, NodeError> + '_ {
    |call, out| {
        seen.push((
            call.node_index,
            call.params.to_string(),
            call.params_with_nul.map(<[u8]>::to_vec),
            call.input.to_string(),
            call.input_with_nul.map(<[u8]>::to_vec),
        ));
        Ok(NodeOutput::main(put(out, r#"{"n":1}"#)?))
    }
}

#[test]
fn node_calls_carry_their_index_and_texts_with_nuls() {
    let text = r#"{"id": "wf-1", "nodes": [{"key": "t", "type": "trigger"},
        {"key": "plain", "type": "echo", "params": {"a": 1}},
        {"key": "rendered", "type": "echo", "params": {"e": "{{ $execution.id }}"}}],
        "connections": [{"from": "t", "to": "plain"}, {"from": "plain", "to": "rendered"}]}"#;
    let wf = Workflow::parse(text).unwrap();
    let mut seen: Vec<Seen> = Vec::new();
    let with_nul = |s: &str| Some([s.as_bytes(), b"\0"].concat());

    // The default storage (an array) keeps no NUL after the input.
    let mut state = start(&wf, "exec_7", 14);
    let r = executor::run(
        &wf,
        &mut state,
        &mut recorder(&mut seen),
        r#"{"x":true}"#,
        T0,
    );
    assert_eq!(r.unwrap().outcome, Outcome::Completed);
    let rendered = r#"{"e": "exec_7"}"#;
    assert_eq!(
        seen,
        [
            (1, r#"{"a": 1}"#.into(), None, r#"{"x":true}"#.into(), None),
            (
                2,
                rendered.into(),
                with_nul(rendered),
                r#"{"n":1}"#.into(),
                None
            ),
        ]
    );
    for (index, ..) in &seen {
        assert_eq!(wf.nodes()[*index].key, ["", "plain", "rendered"][*index]);
    }

    // Storage that keeps one hands it on; `null` (no input) always has one.
    seen.clear();
    let mut state: ExecutionState<16, 512, NulKeeping> =
        ExecutionState::with_buffer(NulKeeping([0xaa; 64]));
    let mut ids = IdGenerator::from_seed([15; 32]);
    executor::start_into(&mut state, &wf, "exec_8", &base(), &mut ids, T0, None).unwrap();
    let r = executor::run(&wf, &mut state, &mut recorder(&mut seen), "null", T0);
    assert_eq!(r.unwrap().outcome, Outcome::Completed);
    assert_eq!(seen[0].3, "null");
    assert_eq!(seen[0].4, with_nul("null"));
    assert_eq!(seen[1].3, r#"{"n":1}"#);
    assert_eq!(seen[1].4, with_nul(r#"{"n":1}"#));
}
