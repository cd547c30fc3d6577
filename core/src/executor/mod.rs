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
//!   [`RunResult::transitions`], in order and once, for the host to apply
//!   with compare-and-set, each with the row
//!   [`ExecutionState::registration_json`] writes. A host that decides
//!   requests with [`route::decide_resume`](crate::route::decide_resume)
//!   and applies that transition itself hands it to [`resume_applied`] or
//!   [`cancel`], which never produce it again (see the protocol steps
//!   there). [`resume`] is for a host without that step: it consumes the
//!   registration itself and returns that as the first transition.
//!
//! Between calls the host persists the state as JSON
//! ([`ExecutionState::to_json`], at most
//! [`max_json_len`](ExecutionState::max_json_len) bytes) and later, maybe
//! in another process, restores it ([`ExecutionState::load_json`] into a
//! state it keeps, or [`ExecutionState::from_json`] for a new one) and
//! re-parses the workflow from its JSON. The JSON (version
//! [`STATE_VERSION`]) holds the ids, the base URL, where the execution
//! stands, the registrations, the trace as one string
//! (`"trace":"trigger:main,notify:main,…"`), the error and the last output;
//! every field is checked on restore.
//!
//! # Memory: capacities and where values live
//!
//! Nothing is allocated; every capacity is the host's choice, and every
//! large value can live in the host's memory:
//!
//! * Node, connection and webhook-wait capacities are const generics with
//!   defaults ([`Workflow`]'s `N` and `C`, `W` here), as is the trace (`T`).
//! * The payload capacity (trigger payload, node output, resume payload,
//!   all kept as the state's last output) is the length of the state's
//!   output storage `B`, and the capacities for one node's output and its
//!   rendered params are the lengths of the [`Workspace`]'s buffers. Any
//!   [`Buffer`] serves: `[u8; N]` arrays for the defaults and for statics,
//!   or a slice or `Box<[u8]>` sized at run time. So a host picks a 1 MiB
//!   payload limit at run time (a C ABI host too) and pays for it only in
//!   the executions that use such storage; the types of everyone else stay
//!   small. A text over a capacity fails with [`Error::TooLarge`], which
//!   names the limit and the size needed; nothing is ever cut.
//! * In place: [`start_into`] starts an execution in an existing state,
//!   [`ExecutionState::load_json`] restores into one,
//!   [`Workflow::parse_into`] parses into an existing workflow, and
//!   [`run_into`], [`resume_into`], [`expire_into`] and [`resume_timer_into`]
//!   write their [`RunResult`] into the caller's. The by-value calls
//!   ([`start`], [`run`], [`from_json`](ExecutionState::from_json),
//!   [`Workflow::parse`], …) are thin wrappers for hosts with stack to
//!   spare.
//! * Empty values are `const fn new()` and all zeros
//!   ([`ExecutionState::new`], [`Workspace::new`], [`RunResult::new`],
//!   [`Workflow::new`]): as `static`s they land in `.bss`.
//!
//! The defaults fit a microcontroller with 64 KiB of RAM: 16 nodes, 32
//! connections, 4 webhook waits, a trace for 16 nodes, 512 bytes of
//! payload, of node output and of rendered params. Servers name larger
//! capacities, for example
//! `ExecutionState<16, { 64 * 98 }, Box<[u8]>>` with a 1 MiB buffer,
//! `Workflow<'_, 64, 128>` and `Workspace<Box<[u8]>, Box<[u8]>>`.
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

use crate::bytes::write_hex;
use crate::context::{ExecutionContext, RegistrationSlot};
use crate::error::{truncated, Error, Part, Result};
use crate::id::{self, IdGenerator, PartString, ResumeId};
use crate::json::{self, JsonOut};
use crate::lifecycle::{Status, Transition};
use crate::msg::{self, Num, Text};
use crate::token::resume::{ResumeKey, Signature};
use crate::url::BaseUrl;
use crate::wait::{self, Suspension, WaitMode};
use crate::workflow::{
    self, PortName, Workflow, MAIN_PORT, MAX_NODES, MAX_WAIT_NODES, TRIGGER_TYPE,
};

mod drive;
mod protocol;
mod run;
mod state;
mod state_json;

pub use protocol::{cancel, cancel_into, expire, expire_into, resume_applied, resume_applied_into};
pub use run::{
    resume, resume_in, resume_into, resume_timer, resume_timer_in, resume_timer_into, run, run_in,
    run_into, start, start_into, start_signed,
};

/// Default capacity for the last output kept in the state (node output,
/// trigger payload, resume payload) and for one node's output in a
/// [`Workspace`], in bytes. Hosts choose others (see the module docs); a
/// gateway should refuse request bodies over its choice (413).
pub const DEFAULT_OUTPUT_LEN: usize = 512;
/// Default capacity for a node's rendered params in a [`Workspace`], in
/// bytes.
pub const DEFAULT_PARAMS_LEN: usize = 512;
/// Default capacity of the trace, in bytes of its text (`node:port` steps
/// joined by `,`): room for [`MAX_NODES`] steps with the longest keys and
/// ports (a path through an acyclic workflow visits each node at most once;
/// 98 bytes a node).
pub const MAX_TRACE: usize = MAX_NODES * (id::MAX_PART_LEN + 1 + workflow::MAX_PORT_LEN + 1);
/// Longest [`NodeError`] code, in bytes.
pub const MAX_ERROR_CODE_LEN: usize = 32;
/// Longest [`NodeError`] message, in bytes.
pub const MAX_ERROR_MESSAGE_LEN: usize = 192;
/// Version of the state's JSON form this library writes. Version 3 adds
/// `workflow_digest` (the SHA-256 of the definition the execution started
/// with, 64 hex digits) and the status `cancelled`. Version 2 (no digest)
/// is still read: such a state is checked against the workflow as before
/// (its id and node names) and takes the digest of the definition its next
/// executor call runs with (written as `null` until then). Version 1 (a
/// trace of `{"node", "port"}` objects) is refused as unsupported.
pub const STATE_VERSION: u32 = 3;
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
    /// The execution started with another definition of the workflow:
    /// the SHA-256 digests differ.
    DigestMismatch {
        /// The first 4 bytes of the digest the execution started with.
        started_with: [u8; 4],
        /// The first 4 bytes of the digest of the definition given now.
        given: [u8; 4],
    },
    /// The change handed to [`resume_applied`], [`cancel`], [`expire`] or
    /// [`ExecutionState::extend`] is not one the host decided and applied
    /// for the registration the execution waits at: active → consumed
    /// ([`route::decide_resume`](crate::route::decide_resume)), active →
    /// expired ([`route::decide_expire`](crate::route::decide_expire)), or
    /// the move of its current expiry later
    /// ([`route::decide_extend`](crate::route::decide_extend)).
    NotApplied,
    /// The state (or its JSON) is inconsistent.
    BadState(&'static str),
}

msg::messages! { ExecutionError {
    NotSuspended => "execution_not_suspended", "Can only resume suspended executions";
    AlreadyStarted => "execution_already_started",
        "the execution has already run; start a new execution";
    UnknownResumeId => "execution_unknown_resume_id",
        "the resume id belongs to no wait node of this execution";
    NotWaitingHere { .. } => "execution_not_waiting_here",
        "the execution is not suspended at wait node '{}' (its wait node has not been reached)";
    NotTimer => "execution_not_timer",
        "the execution waits for a webhook: resume it with its resume id, or expire it";
    NotDue { .. } => "execution_not_due", "the wait is not over until unix ms {}";
    WorkflowMismatch(_) => "execution_workflow_mismatch",
        "the execution state does not belong to this workflow: {}";
    DigestMismatch { .. } => "execution_workflow_mismatch",
        "the execution started with workflow definition sha256:{}…, this definition is sha256:{}…";
    NotApplied => "execution_not_applied",
        "the change is not the one the host decided and applied for the waiting \
         registration (resume/cancel: active -> consumed; expire: active -> expired; \
         extend: from its current expiry to a later one)";
    BadState(_) => "execution_bad_state", "invalid execution state: {}";
} }

impl ExecutionError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.row()]
    }
}

impl ExecutionError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
        let args: &[msg::Arg<'_>] = match self {
            ExecutionError::NotWaitingHere { node } => &[Text(node)],
            ExecutionError::NotDue { resume_at } => &[Num(*resume_at)],
            ExecutionError::WorkflowMismatch(why) | ExecutionError::BadState(why) => &[Text(why)],
            ExecutionError::DigestMismatch {
                started_with,
                given,
            } => &[
                Text(write_hex(started_with, &mut a)),
                Text(write_hex(given, &mut b)),
            ],
            _ => &[],
        };
        self.write_message(f, args)
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
        msg::write(f, "{}: {}", &[Text(&self.code), Text(&self.message)])
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
    /// The node's position in the workflow (`Workflow::nodes()[node_index]`):
    /// a host that prepares something per node when it loads the workflow
    /// finds it by this, without a search per call.
    pub node_index: usize,
    /// The node type.
    pub node_type: &'a str,
    /// The node's params with the `$execution` expressions rendered (a JSON object).
    pub params: &'a str,
    /// `params`' bytes followed by a NUL, when they were rendered into the
    /// [`Workspace`] with room for one; `None` for params without
    /// expressions (they lie in the workflow text) or a full buffer.
    pub params_with_nul: Option<&'a [u8]>,
    /// The input: the previous node's output, the trigger payload, or the
    /// resume payload (JSON).
    pub input: &'a str,
    /// `input`'s bytes followed by a NUL, when the state's storage keeps
    /// one after them ([`Buffer::stored_with_nul`]; `null` always has
    /// one); `None` otherwise.
    pub input_with_nul: Option<&'a [u8]>,
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
    /// `output.len()` bytes: the [`Workspace`]'s output capacity,
    /// [`DEFAULT_OUTPUT_LEN`] by default; it must also fit the state's output
    /// capacity) and return the port and the length; or fail the execution
    /// with a [`NodeError`]. What `output`
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
    /// Cancelled at a wait node whose `cancel` port leads nowhere.
    Cancelled,
}

impl ExecutionStatus {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "created" => Some(ExecutionStatus::Created),
            "suspended" => Some(ExecutionStatus::Suspended),
            "completed" => Some(ExecutionStatus::Completed),
            "failed" => Some(ExecutionStatus::Failed),
            "cancelled" => Some(ExecutionStatus::Cancelled),
            _ => None,
        }
    }

    /// `"created"`, `"suspended"`, `"completed"`, `"failed"` or `"cancelled"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Created => "created",
            ExecutionStatus::Suspended => "suspended",
            ExecutionStatus::Completed => "completed",
            ExecutionStatus::Failed => "failed",
            ExecutionStatus::Cancelled => "cancelled",
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
// An explicit tag, `Completed` = 0: an empty `RunResult` is all zeros.
#[repr(u8)]
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
    /// Cancelled at a wait node whose `cancel` port is not connected
    /// ([`cancel`]); the execution is [`ExecutionStatus::Cancelled`].
    Cancelled {
        /// The wait node.
        node_id: PartString,
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

impl<const W: usize> RunResult<W> {
    /// An empty result (completed, no transitions) for the `_into` calls
    /// to write into: all zeros, so a `static` of it lands in `.bss`.
    pub const fn new() -> Self {
        RunResult {
            outcome: Outcome::Completed,
            transitions: heapless::Vec::new(),
        }
    }

    /// Ready for a call: no transitions. The outcome stays until the call
    /// sets it (every `_into` call does), so a webhook suspension's storage
    /// (over 1 KiB) is reused rather than zeroed and rebuilt per call.
    fn clear(&mut self) {
        self.transitions.clear();
    }
}

impl<const W: usize> Default for RunResult<W> {
    fn default() -> Self {
        Self::new()
    }
}

/// Byte storage for the capacities a host chooses at run time: a state's
/// output and a [`Workspace`]'s buffers. Any `AsRef<[u8]> + AsMut<[u8]>`
/// is one: `[u8; N]` (the defaults, in a `static` or on the stack),
/// `&mut [u8]` (a slice of the host's memory), `Box<[u8]>` or `Vec<u8>`
/// (std hosts); its length is the capacity and what it holds on entry does
/// not matter.
///
/// A host may implement it for storage that grows on use instead (a state's
/// output of a large capacity then costs only what its payloads use): the
/// state calls only [`capacity`](Buffer::capacity),
/// [`stored`](Buffer::stored) and [`store`](Buffer::store); a workspace
/// also [`as_mut_bytes`](Buffer::as_mut_bytes).
pub trait Buffer {
    /// The capacity in bytes.
    fn capacity(&self) -> usize;
    /// The first `len` bytes of what the last [`store`](Buffer::store)
    /// kept, or `None` when `len` is beyond it (or the capacity).
    fn stored(&self, len: usize) -> Option<&[u8]>;
    /// Keep `data` at the start; the caller has checked that it fits the
    /// capacity.
    fn store(&mut self, data: &[u8]);
    /// All [`capacity`](Buffer::capacity) bytes, writable (what they hold
    /// is unspecified).
    fn as_mut_bytes(&mut self) -> &mut [u8];
    /// `len + 1` bytes: the first `len` bytes of what the last
    /// [`store`](Buffer::store) kept and a NUL after them, when this
    /// storage writes one there; `None` (the default) when it does not.
    /// A state hands its output to the next node with it
    /// ([`NodeCall::input_with_nul`]), so a host that passes the input on
    /// as a C string does not copy it.
    fn stored_with_nul(&self, len: usize) -> Option<&[u8]> {
        let _ = len;
        None
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]> + ?Sized> Buffer for B {
    fn capacity(&self) -> usize {
        self.as_ref().len()
    }

    fn stored(&self, len: usize) -> Option<&[u8]> {
        self.as_ref().get(..len)
    }

    fn store(&mut self, data: &[u8]) {
        if let Some(dst) = self.as_mut().get_mut(..data.len()) {
            dst.copy_from_slice(data);
        }
    }

    fn as_mut_bytes(&mut self) -> &mut [u8] {
        self.as_mut()
    }
}

/// The scratch buffers of a run: a node's rendered params (`P`) and the
/// handler's output buffer (`O`). Their lengths are the capacities for
/// rendered params and for one node's output: [`DEFAULT_PARAMS_LEN`] and
/// [`DEFAULT_OUTPUT_LEN`] for [`Workspace::new`], any others with
/// [`Workspace::with_buffers`] (see the module docs).
///
/// [`run`], [`resume`], [`expire`] and [`resume_timer`] make a default one
/// on the stack for every call; a host that runs many calls, or chose
/// other capacities, keeps one (per worker, next to the state it restores
/// into) and passes it to the `_in` and `_into` calls. It holds nothing
/// between calls that matters: the output buffer a handler gets starts
/// with whatever earlier calls with this workspace left there (the handler
/// writes its output at its start and returns the length).
#[derive(Clone)]
pub struct Workspace<P = [u8; DEFAULT_PARAMS_LEN], O = [u8; DEFAULT_OUTPUT_LEN]> {
    params: P,
    output: O,
}

impl Workspace {
    /// A zeroed workspace with the default capacities (all zeros: a
    /// `static` of it costs no flash).
    pub const fn new() -> Self {
        Self::zeroed()
    }
}

impl<const P: usize, const O: usize> Workspace<[u8; P], [u8; O]> {
    /// A zeroed workspace of `P` bytes for rendered params and `O` for a
    /// node's output.
    pub const fn zeroed() -> Self {
        Workspace {
            params: [0; P],
            output: [0; O],
        }
    }
}

impl<P: Buffer, O: Buffer> Workspace<P, O> {
    /// A workspace over the host's buffers: `params` for rendered params,
    /// `output` for a node's output; their lengths are the capacities.
    pub fn with_buffers(params: P, output: O) -> Self {
        Workspace { params, output }
    }

    /// Capacity for a node's rendered params, in bytes.
    pub fn params_capacity(&self) -> usize {
        self.params.capacity()
    }

    /// Capacity for one node's output, in bytes.
    pub fn output_capacity(&self) -> usize {
        self.output.capacity()
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

impl<P, O> fmt::Debug for Workspace<P, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Workspace")
    }
}

/// The wait mode a state is suspended in, as one byte that is 0 for none
/// (an `Option<WaitMode>` would keep none as a non-zero niche, and an empty
/// state would not be all zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ModeSlot(u8);

impl ModeSlot {
    const NONE: ModeSlot = ModeSlot(0);

    fn of(mode: Option<WaitMode>) -> ModeSlot {
        ModeSlot(match mode {
            None => 0,
            Some(WaitMode::Interval) => 1,
            Some(WaitMode::Schedule) => 2,
            Some(WaitMode::Webhook) => 3,
        })
    }

    fn get(self) -> Option<WaitMode> {
        match self.0 {
            1 => Some(WaitMode::Interval),
            2 => Some(WaitMode::Schedule),
            3 => Some(WaitMode::Webhook),
            _ => None,
        }
    }
}

/// Everything a host persists between suspension and resume. `W` is the
/// capacity for webhook wait nodes, `T` the capacity of the trace in bytes
/// of its text (see [`MAX_TRACE`]), `B` the storage of the last output
/// (trigger payload, node output, resume payload): its length is the
/// payload capacity ([`DEFAULT_OUTPUT_LEN`] by default; see the module
/// docs for choosing others).
///
/// [`ExecutionState::new`] is a `const fn` and all zeros: a `static` of it
/// lands in `.bss`. Start an execution into one with [`start_into`], restore
/// one with [`load_json`](ExecutionState::load_json). The
/// `sizes_of_the_default_types` test prints and bounds its size.
#[derive(Clone)]
pub struct ExecutionState<
    const W: usize = MAX_WAIT_NODES,
    const T: usize = MAX_TRACE,
    B = [u8; DEFAULT_OUTPUT_LEN],
> {
    context: ExecutionContext<W>,
    /// SHA-256 of the definition the execution started with; `None` for a
    /// state restored from version 2 until its next call binds it.
    workflow_digest: Option<[u8; 32]>,
    status: ExecutionStatus,
    current_node: Option<PartString>,
    wait_mode: ModeSlot,
    resume_at: Option<u64>,
    /// The last output's JSON is `output[..output_len]`; 0 means `null`.
    output: B,
    output_len: usize,
    /// `node:port` steps joined by `,`, always checked.
    trace: heapless::String<T>,
    error: Option<NodeError>,
}
