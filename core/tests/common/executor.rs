//! Helpers shared by the executor tests: the demo node handlers, a
//! server's capacities, and persisting a state as a host does.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]
// A prelude for the executor tests: each binary uses a part of it.
#![allow(unused_imports)]

pub use prana_webhook_core::context::ExecutionContext;
pub use prana_webhook_core::executor::{
    self, ExecutionError, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeHandler,
    NodeOutput, Outcome, RunResult, Workspace, DEFAULT_OUTPUT_LEN, MAX_STATE_JSON_LEN,
};
pub use prana_webhook_core::id::IdGenerator;
pub use prana_webhook_core::id::ResumeId;
pub use prana_webhook_core::json;
pub use prana_webhook_core::lifecycle::{Status, Transition};
pub use prana_webhook_core::registration::WebhookRegistration;
pub use prana_webhook_core::route::{self, decide_expire, decide_resume, Decision};
pub use prana_webhook_core::url::BaseUrl;
pub use prana_webhook_core::wait::Suspension;
pub use prana_webhook_core::workflow::{Workflow, WorkflowError};
pub use prana_webhook_core::Error;

pub const APPROVAL: &str = include_str!("../../../examples/workflows/approval.json");
pub const HOUR_MS: u64 = 3_600_000;
pub const T0: u64 = 1_751_450_400_000;

/// The demo handlers of the sample workflow: `log`, `if`, `set`, and `fail`.
#[derive(Default)]
pub struct Demo {
    pub logs: Vec<String>,
    /// (node id, input) of every call.
    pub calls: Vec<(String, String)>,
}

pub fn put(out: &mut [u8], s: &str) -> Result<usize, NodeError> {
    let dst = out
        .get_mut(..s.len())
        .ok_or_else(|| NodeError::new("output_too_large", "output does not fit"))?;
    dst.copy_from_slice(s.as_bytes());
    Ok(s.len())
}

pub fn param<'a>(params: &'a str, key: &str) -> Option<&'a str> {
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

pub fn base() -> BaseUrl {
    BaseUrl::parse("https://gw.example.com/hooks").unwrap()
}

/// A server's capacities: 16 webhook waits, a trace for 64 nodes, 4 KiB
/// outputs and params.
pub type ServerState = ExecutionState<16, { 64 * 98 }, [u8; 4096]>;
pub type ServerWorkspace = Workspace<[u8; 4096], [u8; 4096]>;

pub fn start<'a>(wf: &Workflow<'a>, exec: &str, seed: u8) -> ExecutionState {
    let mut ids = IdGenerator::from_seed([seed; 32]);
    executor::start(wf, exec, &base(), &mut ids, T0).unwrap()
}

/// Persist and restore, as a host does between two processes.
pub fn round_trip<const W: usize, const T: usize, const O: usize>(
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

pub fn trace(state: &ExecutionState) -> Vec<String> {
    state
        .trace()
        .map(|s| format!("{}:{}", s.node, s.port))
        .collect()
}

pub fn transitions(r: &RunResult) -> Vec<(String, Status, Status)> {
    r.transitions
        .iter()
        .map(|t: &Transition| (t.resume_id.to_string(), t.from, t.to))
        .collect()
}

pub fn suspended_registration(r: &RunResult) -> WebhookRegistration {
    match &r.outcome {
        Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } => registration.clone(),
        other => panic!("expected a webhook suspension, got {other:?}"),
    }
}

/// The active → expired a host applied to `id` before [`executor::expire`].
pub fn expiry(id: &ResumeId) -> Transition {
    Transition {
        resume_id: id.clone(),
        from: Status::Active,
        to: Status::Expired,
    }
}
