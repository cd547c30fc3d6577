//! The graph executor: run a workflow from its start node to completion or
//! to a suspension, resume it, expire it, and clean up.
//!
//! * [`start`] makes the [`ExecutionState`]: one pending registration (and
//!   resume URL) per wait node in webhook mode, before any node runs. Persist
//!   its registrations, then call [`run`] with the trigger payload.
//!   [`start_signed`] does the same with signed resume URLs
//!   (`?sig={key_id}.{mac}`, for a gateway that requires signatures): the
//!   URLs in `resume_urls`, in rendered params and in the webhook
//!   suspension all carry the signature, and the state JSON keeps it.
//! * Nodes run one after another along connections. Type `wait` is the
//!   [wait action](crate::wait), run by the core; type `trigger` passes its
//!   input through on `main`; every other type goes to the host's
//!   [`NodeHandler`] with its params rendered (`$execution` expressions
//!   resolved) and the previous node's output as input. The handler names the
//!   output port; the connection from that port picks the next node, and a
//!   port without a connection ends the execution.
//! * At a wait node the execution suspends ([`Outcome::Suspended`]). A webhook
//!   wait continues with [`resume`] (through `main`, the payload becomes the
//!   next node's input) or [`expire`] (through `timeout`); a timer wait
//!   continues with [`resume_timer`] once due. Several waits suspend and
//!   resume in turn.
//! * When the execution ends ([`Outcome::Completed`] or [`Outcome::Failed`]),
//!   every registration still pending or active is expired (cleanup).
//! * Every registration change is returned as a [`Transition`] in
//!   [`RunResult::transitions`], in order, for the host to apply with
//!   compare-and-set. After [`resume`] the first one is the active →
//!   consumed of the resumed registration; a host that already applied that
//!   transition through [`route::decide_resume`](crate::route::decide_resume)
//!   (the exactly-once protocol) skips it.
//!
//! Between calls the host persists the state as JSON
//! ([`ExecutionState::to_json`], at most [`ExecutionState::MAX_JSON_LEN`]
//! bytes) and later, maybe in another process, restores it
//! ([`ExecutionState::from_json`] for a new state, or
//! [`ExecutionState::load_json`] into one it keeps: no 16 KiB move) and
//! re-parses the workflow from its JSON. The JSON (version
//! [`STATE_VERSION`]) holds the ids, the base URL, where the execution
//! stands, the registrations, the trace as one string
//! (`"trace":"trigger:main,notify:main,…"`), the error and the last output;
//! every field is checked on restore.
//!
//! Errors: a call whose preconditions fail (wrong status, unknown resume ID,
//! a payload that is not JSON, a state of another workflow) returns `Err`
//! and changes nothing. Once a call has changed the state, every problem is
//! an [`Outcome::Failed`] with the failing node and a [`NodeError`].
//!
//! ```
//! use prana_webhook_core::executor::{self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome};
//! use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
//!
//! let wf = Workflow::parse(r#"{"id": "approval", "nodes": [
//!     {"key": "trigger", "type": "trigger"},
//!     {"key": "notify", "type": "log", "params": {"text": "{{ $execution.wait_approval.resume_url }}"}},
//!     {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
//!     {"key": "done", "type": "log", "params": {"text": "resumed"}}],
//!   "connections": [{"from": "trigger", "to": "notify"}, {"from": "notify", "to": "wait_approval"},
//!                   {"from": "wait_approval", "port": "main", "to": "done"}]}"#).unwrap();
//! let base = BaseUrl::parse("https://gw.example.com").unwrap();
//! let mut ids = IdGenerator::from_seed([5; 32]);
//! // A handler: every node outputs `{}` on `main`.
//! let mut handler = |_call: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
//!     out[..2].copy_from_slice(b"{}");
//!     Ok(NodeOutput::main(2))
//! };
//!
//! let mut state: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, 1_000).unwrap();
//! let r = executor::run(&wf, &mut state, &mut handler, r#"{"amount": 10}"#, 1_000).unwrap();
//! let Outcome::Suspended { node_id, .. } = &r.outcome else { panic!() };
//! assert_eq!(node_id.as_str(), "wait_approval");
//!
//! // Persist, restore, resume.
//! let mut buf = [0u8; 4096];
//! let n = state.to_json(&mut buf).unwrap();
//! let mut state: ExecutionState = ExecutionState::from_json(&buf[..n]).unwrap();
//! let resume_id = state.context().resume_id("wait_approval").unwrap().clone();
//! let r = executor::resume(&wf, &mut state, &mut handler, resume_id.as_str(),
//!                          r#"{"approved": true}"#, 2_000).unwrap();
//! assert_eq!(r.outcome, Outcome::Completed);
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::context::{ExecutionContext, RegistrationSlot};
use crate::error::{truncated, Error, Part, Result};
use crate::id::{self, IdGenerator, PartString, ResumeId};
use crate::json::{self, JsonOut};
use crate::lifecycle::{Status, Transition};
use crate::token::resume::{ResumeKey, Signature};
use crate::url::BaseUrl;
use crate::wait::{self, Suspension, WaitMode};
use crate::workflow::{
    self, PortName, Workflow, MAIN_PORT, MAX_NODES, MAX_PARAMS_LEN, MAX_WAIT_NODES, TRIGGER_TYPE,
};

mod drive;
mod run;
mod state;
mod state_json;

pub use run::{
    expire, expire_in, resume, resume_in, resume_timer, resume_timer_in, run, run_in, start,
    start_signed,
};

/// Largest node output, trigger payload or resume payload kept in the
/// state, in bytes. A gateway should refuse larger request bodies (413).
pub const MAX_OUTPUT_LEN: usize = 4096;
/// Default capacity of the trace, in bytes of its text (`node:port` steps
/// joined by `,`): room for [`MAX_NODES`] steps with the longest keys and
/// ports (a path through an acyclic workflow visits each node at most once).
pub const MAX_TRACE: usize = MAX_NODES * (id::MAX_PART_LEN + 1 + workflow::MAX_PORT_LEN + 1);
/// Longest [`NodeError`] code, in bytes.
pub const MAX_ERROR_CODE_LEN: usize = 32;
/// Longest [`NodeError`] message, in bytes.
pub const MAX_ERROR_MESSAGE_LEN: usize = 192;
/// Version of the state's JSON form. Version 2 writes the trace as one
/// string (`"node:port,node:port"`); states of version 1 (a trace of
/// `{"node", "port"}` objects) are refused as an unsupported version.
pub const STATE_VERSION: u32 = 2;
/// A buffer of this many bytes always holds the JSON of an
/// [`ExecutionState`] with the default capacities.
pub const MAX_STATE_JSON_LEN: usize = <ExecutionState>::MAX_JSON_LEN;

/// Why an executor call was refused. Wrapped in [`Error::Execution`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecutionError {
    /// Resume, expire or a timer wake-up of an execution that is not suspended.
    NotSuspended,
    /// [`run`] on an execution that has already run.
    AlreadyStarted,
    /// The resume ID belongs to no registration of this execution.
    UnknownResumeId,
    /// The resume ID belongs to a wait node the execution is not suspended at.
    NotWaitingHere {
        /// That wait node.
        node: PartString,
    },
    /// [`resume_timer`] while the execution waits for a webhook.
    NotTimer,
    /// [`resume_timer`] before the wait is over.
    NotDue {
        /// When it is over, unix ms.
        resume_at: u64,
    },
    /// The state does not belong to the workflow it was given with.
    WorkflowMismatch(&'static str),
    /// The state (or its JSON) is inconsistent.
    BadState(&'static str),
}

impl ExecutionError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        match self {
            ExecutionError::NotSuspended => "execution_not_suspended",
            ExecutionError::AlreadyStarted => "execution_already_started",
            ExecutionError::UnknownResumeId => "execution_unknown_resume_id",
            ExecutionError::NotWaitingHere { .. } => "execution_not_waiting_here",
            ExecutionError::NotTimer => "execution_not_timer",
            ExecutionError::NotDue { .. } => "execution_not_due",
            ExecutionError::WorkflowMismatch(_) => "execution_workflow_mismatch",
            ExecutionError::BadState(_) => "execution_bad_state",
        }
    }
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecutionError::NotSuspended => f.write_str("Can only resume suspended executions"),
            ExecutionError::AlreadyStarted => {
                f.write_str("the execution has already run; start a new execution")
            }
            ExecutionError::UnknownResumeId => {
                f.write_str("the resume id belongs to no wait node of this execution")
            }
            ExecutionError::NotWaitingHere { node } => write!(
                f,
                "the execution is not suspended at wait node '{node}' (its wait node has not been reached)"
            ),
            ExecutionError::NotTimer => f.write_str(
                "the execution waits for a webhook: resume it with its resume id, or expire it",
            ),
            ExecutionError::NotDue { resume_at } => {
                write!(f, "the wait is not over until unix ms {resume_at}")
            }
            ExecutionError::WorkflowMismatch(why) => {
                write!(f, "the execution state does not belong to this workflow: {why}")
            }
            ExecutionError::BadState(why) => write!(f, "invalid execution state: {why}"),
        }
    }
}

impl From<ExecutionError> for Error {
    fn from(e: ExecutionError) -> Self {
        Error::Execution(e)
    }
}

/// A node failure: a stable code and a message (both cut at their limits,
/// at a character boundary). Handlers return it; the core makes one from an
/// [`Error`] when a node fails inside the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeError {
    /// A snake_case code (at most [`MAX_ERROR_CODE_LEN`] bytes).
    pub code: heapless::String<MAX_ERROR_CODE_LEN>,
    /// A message for people (at most [`MAX_ERROR_MESSAGE_LEN`] bytes).
    pub message: heapless::String<MAX_ERROR_MESSAGE_LEN>,
}

impl NodeError {
    /// A node error from a code and a message.
    pub fn new(code: &str, message: &str) -> NodeError {
        NodeError {
            code: truncated(code),
            message: truncated(message),
        }
    }

    /// The node error for a core [`Error`]: its code and message.
    pub fn from_error(e: &Error) -> NodeError {
        NodeError {
            code: truncated(e.code()),
            message: truncated(e.to_string_buf().as_str()),
        }
    }
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// What a handler is asked to run.
#[derive(Debug, Clone, Copy)]
pub struct NodeCall<'a> {
    /// The execution id.
    pub execution_id: &'a str,
    /// The workflow id.
    pub workflow_id: &'a str,
    /// The node id (`key`).
    pub node_id: &'a str,
    /// The node type.
    pub node_type: &'a str,
    /// The node's params with the `$execution` expressions rendered (a JSON object).
    pub params: &'a str,
    /// The input: the previous node's output, the trigger payload, or the
    /// resume payload (JSON).
    pub input: &'a str,
    /// The host clock passed to the executor call, unix ms.
    pub now: u64,
}

/// What a handler returns: the output port and the length of the JSON output
/// it wrote at the start of the output buffer (0 means `null`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeOutput {
    /// The output port: 1–32 bytes of `[a-z0-9_]`.
    pub port: PortName,
    /// Bytes of JSON written to the output buffer.
    pub len: usize,
}

impl NodeOutput {
    /// Output of `len` bytes on `main`.
    pub fn main(len: usize) -> NodeOutput {
        let mut port = PortName::new();
        let _ = port.push_str(MAIN_PORT);
        NodeOutput { port, len }
    }

    /// Output of `len` bytes on `port`; fails when `port` is not 1–32 bytes
    /// of `[a-z0-9_]`.
    // NodeError is 240 bytes inline on purpose: there is no heap to box it.
    #[allow(clippy::result_large_err)]
    pub fn new(port: &str, len: usize) -> core::result::Result<NodeOutput, NodeError> {
        match workflow::port_name(port) {
            Some(port) => Ok(NodeOutput { port, len }),
            None => Err(NodeError::new(
                "invalid_port",
                "an output port must be 1-32 bytes of [a-z0-9_]",
            )),
        }
    }
}

/// The host's node implementations: every node type other than `wait` and
/// `trigger`.
pub trait NodeHandler {
    /// Run one node. Write its JSON output to the start of `output` (at most
    /// `output.len()` = [`MAX_OUTPUT_LEN`] bytes) and return the port and the
    /// length; or fail the execution with a [`NodeError`]. What `output`
    /// holds on entry is unspecified (zeros, or what earlier calls with the
    /// same [`Workspace`] left there); only the first `len` bytes count.
    // NodeError is 240 bytes inline on purpose: there is no heap to box it.
    #[allow(clippy::result_large_err)]
    fn run(
        &mut self,
        call: &NodeCall<'_>,
        output: &mut [u8],
    ) -> core::result::Result<NodeOutput, NodeError>;
}

#[allow(clippy::result_large_err)] // See NodeHandler::run.
impl<F> NodeHandler for F
where
    F: FnMut(&NodeCall<'_>, &mut [u8]) -> core::result::Result<NodeOutput, NodeError>,
{
    fn run(
        &mut self,
        call: &NodeCall<'_>,
        output: &mut [u8],
    ) -> core::result::Result<NodeOutput, NodeError> {
        self(call, output)
    }
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExecutionStatus {
    /// Started, not run yet.
    Created,
    /// Waiting at a wait node.
    Suspended,
    /// Finished: a port without a connection was reached.
    Completed,
    /// A node failed.
    Failed,
}

impl ExecutionStatus {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "created" => Some(ExecutionStatus::Created),
            "suspended" => Some(ExecutionStatus::Suspended),
            "completed" => Some(ExecutionStatus::Completed),
            "failed" => Some(ExecutionStatus::Failed),
            _ => None,
        }
    }

    /// `"created"`, `"suspended"`, `"completed"` or `"failed"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Created => "created",
            ExecutionStatus::Suspended => "suspended",
            ExecutionStatus::Completed => "completed",
            ExecutionStatus::Failed => "failed",
        }
    }
}

/// One visited node and the port it left by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// The node id.
    pub node: &'a str,
    /// The output port.
    pub port: &'a str,
}

/// The visited nodes and the ports they left by, in order: an iterator of
/// [`Step`]s over the trace's text, from [`ExecutionState::trace`].
#[derive(Debug, Clone)]
pub struct Trace<'a> {
    rest: &'a str,
}

impl<'a> Trace<'a> {
    /// The steps not iterated yet as text, as the state JSON keeps them:
    /// `node:port` steps joined by `,` (empty when there are none).
    pub fn as_str(&self) -> &'a str {
        self.rest
    }
}

impl<'a> Iterator for Trace<'a> {
    type Item = Step<'a>;

    fn next(&mut self) -> Option<Step<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        // The text is always checked: `node:port` steps joined by `,`.
        let (step, rest) = self.rest.split_once(',').unwrap_or((self.rest, ""));
        self.rest = rest;
        let (node, port) = step.split_once(':').unwrap_or((step, ""));
        Some(Step { node, port })
    }
}

/// How a call ended.
// The suspension (with its registration) is inline on purpose: there is no
// heap to box it, and one Outcome is returned per call.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A port without a connection was reached; the last output is
    /// [`ExecutionState::output`].
    Completed,
    /// Waiting at a wait node.
    Suspended {
        /// The wait node.
        node_id: PartString,
        /// Why and until when; for webhooks the full registration to persist.
        suspension: Suspension,
    },
    /// A node failed.
    Failed {
        /// The failing node.
        node_id: PartString,
        /// What went wrong.
        error: NodeError,
    },
}

/// The result of [`run`], [`resume`], [`expire`] and [`resume_timer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult<const W: usize = MAX_WAIT_NODES> {
    /// How the call ended.
    pub outcome: Outcome,
    /// Registration changes to apply with compare-and-set, in order.
    pub transitions: heapless::Vec<Transition, W>,
}

/// The scratch buffers of a run: a node's rendered params and the
/// handler's output buffer (8 KiB in all). [`run`], [`resume`], [`expire`]
/// and [`resume_timer`] make a zeroed one on the stack for every call; a host
/// that runs many calls keeps one (per worker, next to the state it restores
/// into) and passes it to [`run_in`], [`resume_in`], [`expire_in`] and
/// [`resume_timer_in`], which do not zero 8 KiB per call. It holds nothing
/// between calls that matters: the output buffer a handler gets starts with
/// whatever earlier calls with this workspace left there (the handler writes
/// its output at its start and returns the length).
#[derive(Clone)]
pub struct Workspace {
    params: [u8; MAX_PARAMS_LEN],
    output: [u8; MAX_OUTPUT_LEN],
}

impl Workspace {
    /// A zeroed workspace.
    pub const fn new() -> Self {
        Workspace {
            params: [0; MAX_PARAMS_LEN],
            output: [0; MAX_OUTPUT_LEN],
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Workspace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Workspace")
    }
}

/// Everything a host persists between suspension and resume. `W` is the
/// capacity for webhook wait nodes, `T` the capacity of the trace in bytes
/// of its text (see [`MAX_TRACE`]).
///
/// With the defaults it takes 15 016 bytes on x86-64 (under 16 KiB; the
/// `sizes_and_worst_case_json` test prints and checks it).
#[derive(Clone, PartialEq, Eq)]
pub struct ExecutionState<const W: usize = MAX_WAIT_NODES, const T: usize = MAX_TRACE> {
    context: ExecutionContext<W>,
    status: ExecutionStatus,
    current_node: Option<PartString>,
    wait_mode: Option<WaitMode>,
    resume_at: Option<u64>,
    output: heapless::String<MAX_OUTPUT_LEN>,
    /// `node:port` steps joined by `,`, always checked.
    trace: heapless::String<T>,
    error: Option<NodeError>,
}
