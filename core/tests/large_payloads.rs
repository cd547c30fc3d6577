//! A server's payloads: a 1 MiB trigger payload and a 1 MiB resume payload
//! through the executor, with state JSON round trips, in storage the host
//! chose at run time, and without one heap allocation in the core.
//!
//! Allocations are counted per thread (`common::counting_alloc`).

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

use prana_webhook_core::executor::{
    self, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeOutput, Outcome, RunResult,
    Workspace,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::workflow::Workflow;
use prana_webhook_core::Error;

mod common;
use common::counting_alloc::{assert_no_alloc, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

const MIB: usize = 1 << 20;
const T0: u64 = 1_751_450_400_000;

/// trigger → echo → wait (webhook) → echo_after: the handler copies its
/// input to its output, so each payload travels through a node whole.
const FLOW: &str = r#"{"id": "big", "nodes": [
    {"key": "trigger", "type": "trigger"},
    {"key": "echo", "type": "echo"},
    {"key": "wait", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
    {"key": "echo_after", "type": "echo"}],
  "connections": [{"from": "trigger", "to": "echo"}, {"from": "echo", "to": "wait"},
                  {"from": "wait", "to": "echo_after"}]}"#;

type BigState<'s> = ExecutionState<4, 256, &'s mut [u8]>;

fn echo(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    let dst = out
        .get_mut(..call.input.len())
        .ok_or_else(|| NodeError::new("output_too_large", "output does not fit"))?;
    dst.copy_from_slice(call.input.as_bytes());
    Ok(NodeOutput::main(call.input.len()))
}

/// A JSON string of exactly `len` bytes.
fn payload(len: usize, fill: char) -> String {
    format!("\"{}\"", fill.to_string().repeat(len - 2))
}

#[test]
fn one_mib_trigger_and_resume_payloads_round_trip_without_a_heap() {
    // Everything the host sizes at run time, made before counting.
    let mut output = vec![0u8; MIB];
    let mut restored_output = vec![0u8; MIB];
    let mut params = vec![0u8; 512];
    let mut node_output = vec![0u8; MIB];
    let trigger = payload(MIB, 't');
    let resume_body = payload(MIB, 'r');
    let mut json = vec![0u8; 2 * MIB];
    let wf = Workflow::parse(FLOW).unwrap();
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([4; 32]);
    let mut state: BigState<'_> = ExecutionState::with_buffer(&mut output[..]);
    let mut restored: BigState<'_> = ExecutionState::with_buffer(&mut restored_output[..]);
    let mut ws = Workspace::with_buffers(&mut params[..], &mut node_output[..]);
    let mut result: Box<RunResult<4>> = Box::default();
    let mut h = echo;

    assert_no_alloc("1 MiB payloads", || {
        assert_eq!(state.output_capacity(), MIB);
        executor::start_into(&mut state, &wf, "exec-big", &base, &mut ids, T0, None).unwrap();
        executor::run_into(&wf, &mut state, &mut ws, &mut h, &trigger, T0, &mut result).unwrap();
        assert!(matches!(result.outcome, Outcome::Suspended { .. }));
        assert_eq!(state.output(), trigger);

        // Persist and restore in place, into another state.
        assert!(state.max_json_len() <= json.len());
        let n = state.to_json(&mut json).unwrap();
        assert!(n > MIB);
        restored.load_json(&json[..n]).unwrap();
        assert_eq!(restored, state);
        assert_eq!(restored.output(), trigger);

        let id = restored.waiting_resume_id().unwrap().clone();
        executor::resume_into(
            &wf,
            &mut restored,
            &mut ws,
            &mut h,
            id.as_str(),
            &resume_body,
            T0 + 1,
            &mut result,
        )
        .unwrap();
        assert_eq!(result.outcome, Outcome::Completed);
        assert_eq!(restored.status(), ExecutionStatus::Completed);
        assert_eq!(restored.output(), resume_body);

        // And once more through JSON, completed.
        let n = restored.to_json(&mut json).unwrap();
        state.load_json(&json[..n]).unwrap();
        assert_eq!(state, restored);
    });

    // A state with the default (microcontroller) capacity refuses to
    // restore it, naming both numbers, and is left empty.
    let n = state.to_json(&mut json).unwrap();
    let mut small: ExecutionState = ExecutionState::new();
    assert_eq!(
        small.load_json(&json[..n]),
        Err(Error::TooLarge {
            what: "state output",
            limit: executor::DEFAULT_OUTPUT_LEN,
            needed: MIB
        })
    );
    assert_eq!(small.workflow_id(), "");
}

#[test]
fn a_payload_over_the_chosen_capacity_names_the_limit_and_the_size_needed() {
    let wf = Workflow::parse(FLOW).unwrap();
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([5; 32]);
    let mut output = vec![0u8; MIB];
    let mut state: BigState<'_> = ExecutionState::with_buffer(&mut output[..]);
    executor::start_into(&mut state, &wf, "exec-over", &base, &mut ids, T0, None).unwrap();
    let mut ws = Workspace::with_buffers([0u8; 64], vec![0u8; MIB]);
    let mut h = echo;
    let over = payload(MIB + 1, 'x');
    let e = executor::run_in(&wf, &mut state, &mut ws, &mut h, &over, T0).unwrap_err();
    assert_eq!(
        e,
        Error::TooLarge {
            what: "trigger payload",
            limit: MIB,
            needed: MIB + 1
        }
    );
    assert_eq!(e.code(), "capacity_exceeded");
    assert_eq!(
        e.to_string_buf().as_str(),
        "capacity exceeded: trigger payload holds at most 1048576 bytes, 1048577 needed"
    );
    // Refused, nothing changed: the same execution still runs.
    assert_eq!(state.status(), ExecutionStatus::Created);

    // A node output larger than the state's storage fails the execution
    // at that node, naming both numbers.
    let mut small_output = [0u8; 100];
    let mut small: ExecutionState<4, 256, &mut [u8]> =
        ExecutionState::with_buffer(&mut small_output[..]);
    executor::start_into(&mut small, &wf, "exec-small", &base, &mut ids, T0, None).unwrap();
    let mut big = |_: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
        let text = payload(300, 'o');
        out[..300].copy_from_slice(text.as_bytes());
        Ok(NodeOutput::main(300))
    };
    let r = executor::run_in(&wf, &mut small, &mut ws, &mut big, "{}", T0).unwrap();
    let Outcome::Failed { node_id, error } = r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(node_id.as_str(), "echo");
    assert_eq!(
        error.message.as_str(),
        "capacity exceeded: node output holds at most 100 bytes, 300 needed"
    );
}
