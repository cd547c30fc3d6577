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
use crate::error::{Error, Part, Result, TruncatingString};
use crate::id::{self, IdGenerator, PartString, ResumeId};
use crate::json::{self, JsonOut};
use crate::lifecycle::{Status, Transition};
use crate::token::resume::{ResumeKey, Signature};
use crate::url::BaseUrl;
use crate::wait::{self, Suspension, WaitMode};
use crate::workflow::{
    self, PortName, Workflow, MAIN_PORT, MAX_NODES, MAX_PARAMS_LEN, MAX_WAIT_NODES, TRIGGER_TYPE,
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

fn cut<const M: usize>(s: &str) -> heapless::String<M> {
    let mut out = TruncatingString::<M>(heapless::String::new());
    let _ = fmt::Write::write_str(&mut out, s);
    out.0
}

impl NodeError {
    /// A node error from a code and a message.
    pub fn new(code: &str, message: &str) -> NodeError {
        NodeError {
            code: cut(code),
            message: cut(message),
        }
    }

    /// The node error for a core [`Error`]: its code and message.
    pub fn from_error(e: &Error) -> NodeError {
        NodeError {
            code: cut(e.code()),
            message: cut(e.to_string_buf().as_str()),
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

/// Start an execution of `wf` (AC-WH-1.7/1.9/1.10): create one pending
/// registration with a fresh resume ID (from `ids`) per wait node in webhook
/// mode. Nothing runs yet: persist the registrations
/// ([`ExecutionContext::registrations`]), then call [`run`].
pub fn start<const N: usize, const C: usize, const W: usize, const T: usize>(
    wf: &Workflow<'_, N, C>,
    execution_id: &str,
    base_url: &BaseUrl,
    ids: &mut IdGenerator,
    now: u64,
) -> Result<ExecutionState<W, T>> {
    let context = ExecutionContext::for_workflow(wf, execution_id, base_url, ids, now)?;
    Ok(ExecutionState::new(context))
}

/// [`start`] with signed resume URLs: each registration's resume ID is
/// signed once with `key` and every URL of it (`resume_urls`, rendered
/// `{{ $execution.<node_id>.resume_url }}`, [`Suspension::Webhook`]'s
/// `resume_url`) carries `?sig={key_id}.{mac}`. The state keeps the
/// signature, not the key, so it survives [`ExecutionState::to_json`] /
/// [`ExecutionState::from_json`]; a URL verifies while its key is in the
/// gateway's key set. Pass the key that signs, e.g.
/// [`KeySet::current`](crate::token::resume::KeySet::current).
///
/// ```
/// use prana_webhook_core::executor::{self, ExecutionState};
/// use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
/// use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
/// let wf = Workflow::parse(r#"{"id": "wf", "nodes": [
///     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}], "connections": []}"#).unwrap();
/// let base = BaseUrl::parse("https://gw.example.com").unwrap();
/// let mut keys: KeySet = KeySet::new();
/// keys.add(ResumeKey::new("k1", b"a secret of 16+ bytes").unwrap()).unwrap();
/// let mut ids = IdGenerator::from_seed([1; 32]);
/// let state: ExecutionState = executor::start_signed(
///     &wf, "exec-1", &base, &mut ids, 0, keys.current().unwrap()).unwrap();
/// let url = state.context().resume_url("w").unwrap();
/// let (_, query) = url.split_once('?').unwrap();
/// let id = state.context().resume_id("w").unwrap();
/// assert!(verify_query(&keys, SignaturePolicy::Required, id.as_str(), Some(query)).is_ok());
/// ```
pub fn start_signed<const N: usize, const C: usize, const W: usize, const T: usize>(
    wf: &Workflow<'_, N, C>,
    execution_id: &str,
    base_url: &BaseUrl,
    ids: &mut IdGenerator,
    now: u64,
    key: &ResumeKey,
) -> Result<ExecutionState<W, T>> {
    let context = ExecutionContext::for_workflow_signed(wf, execution_id, base_url, ids, now, key)?;
    Ok(ExecutionState::new(context))
}

/// Run a started execution from the start node with the trigger `input`
/// (JSON, at most [`MAX_OUTPUT_LEN`] bytes) until it completes, fails or
/// suspends.
pub fn run<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    handler: &mut H,
    input: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    run_in(wf, state, &mut Workspace::new(), handler, input, now)
}

/// [`run`] with the host's [`Workspace`].
pub fn run_in<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    ws: &mut Workspace,
    handler: &mut H,
    input: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    state.check_workflow(wf)?;
    if state.status != ExecutionStatus::Created {
        return Err(ExecutionError::AlreadyStarted.into());
    }
    let input = checked_payload(input, "trigger payload")?;
    state.set_output(input);
    run_result(|r| drive(wf, state, ws, handler, wf.start_index(), now, r))
}

/// Resume a webhook wait: the request to `resume_id` brought `payload`
/// (JSON, at most [`MAX_OUTPUT_LEN`] bytes). Consumes the registration
/// (active → consumed, the first transition) and continues through the wait
/// node's `main` port with the payload as the next node's input.
///
/// Refused, changing nothing: an execution that is not suspended ("Can only
/// resume suspended executions"), a resume ID of another execution, a wait
/// node the execution is not at, a registration already consumed or expired
/// (also by time: then call [`expire`]).
pub fn resume<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    handler: &mut H,
    resume_id: &str,
    payload: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    resume_in(
        wf,
        state,
        &mut Workspace::new(),
        handler,
        resume_id,
        payload,
        now,
    )
}

/// [`resume`] with the host's [`Workspace`].
pub fn resume_in<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    ws: &mut Workspace,
    handler: &mut H,
    resume_id: &str,
    payload: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    let (slot, wait_index) = state.suspended_slot(wf, resume_id)?;
    let payload = checked_payload(payload, "resume payload")?;
    let t = state.context.consume(slot, now)?;
    state.set_output(payload);
    run_result(|r| {
        // Cannot fail: W ≥ 1 since there is a slot.
        let _ = r.transitions.push(t);
        continue_from(wf, state, ws, handler, wait_index, MAIN_PORT, now, r);
    })
}

/// Expire a webhook wait (its timeout passed, or the host gives up on it):
/// active → expired (the first transition), then continue through the wait
/// node's `timeout` port; the next node gets the wait node's input.
/// The time is not checked: the host decides when a wait has timed out.
pub fn expire<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    handler: &mut H,
    resume_id: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    expire_in(wf, state, &mut Workspace::new(), handler, resume_id, now)
}

/// [`expire`] with the host's [`Workspace`].
pub fn expire_in<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    ws: &mut Workspace,
    handler: &mut H,
    resume_id: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    let (slot, wait_index) = state.suspended_slot(wf, resume_id)?;
    let t = state.context.expire(slot)?;
    run_result(|r| {
        let _ = r.transitions.push(t);
        continue_from(wf, state, ws, handler, wait_index, "timeout", now, r);
    })
}

/// Continue an interval or schedule wait once `now` has reached its
/// `resume_at`: through `main`, the next node gets the wait node's input.
pub fn resume_timer<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    handler: &mut H,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    resume_timer_in(wf, state, &mut Workspace::new(), handler, now)
}

/// [`resume_timer`] with the host's [`Workspace`].
pub fn resume_timer_in<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    ws: &mut Workspace,
    handler: &mut H,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    state.check_workflow(wf)?;
    if state.status != ExecutionStatus::Suspended {
        return Err(ExecutionError::NotSuspended.into());
    }
    let (Some(mode), Some(resume_at)) = (state.wait_mode, state.resume_at) else {
        return Err(ExecutionError::BadState("suspended without a wait mode").into());
    };
    if mode == WaitMode::Webhook {
        return Err(ExecutionError::NotTimer.into());
    }
    if now < resume_at {
        return Err(ExecutionError::NotDue { resume_at }.into());
    }
    let wait_index = state.current_index(wf)?;
    run_result(|r| continue_from(wf, state, ws, handler, wait_index, MAIN_PORT, now, r))
}

/// The index of node `key`. The current node is usually a webhook wait, so
/// those few are looked at before all nodes.
fn node_index<const N: usize, const C: usize>(wf: &Workflow<'_, N, C>, key: &str) -> Option<usize> {
    let is_key = |&i: &usize| wf.node(i).is_some_and(|n| id::same_id(n.key, key));
    let mut waits = wf.webhook_wait_indices().iter().map(|&i| usize::from(i));
    waits.find(is_key).or_else(|| wf.index_of(key))
}

/// Build a [`RunResult`] where it is returned: with a suspension and room
/// for `W` transitions it is ~4 KiB, which costs more to move than to fill.
fn run_result<const W: usize>(fill: impl FnOnce(&mut RunResult<W>)) -> Result<RunResult<W>> {
    let mut out = Ok(RunResult {
        outcome: Outcome::Completed,
        transitions: heapless::Vec::new(),
    });
    if let Ok(r) = &mut out {
        fill(r);
    }
    out
}

fn checked_payload<'p>(payload: &'p str, what: &'static str) -> Result<&'p str> {
    let payload = json::validate(payload)?;
    if payload.len() > MAX_OUTPUT_LEN {
        return Err(Error::Capacity {
            what,
            limit: MAX_OUTPUT_LEN,
        });
    }
    Ok(payload)
}

/// Leave the wait node at `wait_index` by `port` and drive on.
#[allow(clippy::too_many_arguments)]
fn continue_from<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    ws: &mut Workspace,
    handler: &mut H,
    wait_index: usize,
    port: &str,
    now: u64,
    r: &mut RunResult<W>,
) where
    H: NodeHandler + ?Sized,
{
    let key = wf.node(wait_index).map(|n| n.key).unwrap_or("");
    state.status = ExecutionStatus::Created;
    state.current_node = None;
    state.wait_mode = None;
    state.resume_at = None;
    if let Err(e) = state.push_step(key, port) {
        return state.fail(key, NodeError::from_error(&e), r);
    }
    match wf.next(wait_index, port) {
        Some(next) => drive(wf, state, ws, handler, next, now, r),
        None => state.complete(r),
    }
}

/// Run nodes from `index` on until the execution completes, fails or suspends.
fn drive<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    ws: &mut Workspace,
    handler: &mut H,
    mut index: usize,
    now: u64,
    r: &mut RunResult<W>,
) where
    H: NodeHandler + ?Sized,
{
    let Workspace {
        params: params_buf,
        output: out,
    } = ws;
    loop {
        let Some(node) = wf.node(index).copied() else {
            let e = Error::from(ExecutionError::BadState("node index out of range"));
            return state.fail("", NodeError::from_error(&e), r);
        };
        // Params without `{{` render to themselves: no copy needed.
        let params = if crate::context::find_pair(node.params, b'{').is_none() {
            Ok(node.params)
        } else {
            match state.context.render_str(node.params, params_buf) {
                Ok(p) => Ok(p),
                Err(Error::BufferTooSmall { .. }) => Err(Error::Capacity {
                    what: "rendered node params",
                    limit: MAX_PARAMS_LEN,
                }),
                Err(e) => Err(e),
            }
        };
        let port: PortName;
        if node.is_wait() {
            // The suspension (~1.4 KiB for a webhook) is built in place, in
            // the outcome the caller receives.
            r.outcome = Outcome::Suspended {
                node_id: PartString::new(),
                suspension: Suspension::Interval {
                    duration_ms: 0,
                    resume_at: 0,
                },
            };
            let result = match &mut r.outcome {
                // Params without expressions, parsed with the workflow.
                Outcome::Suspended { suspension, .. } => match wf.webhook_params(index) {
                    Some((timeout_ms, webhook_config)) => wait::execute_parsed_into(
                        wait::WaitParams::Webhook {
                            timeout_ms,
                            webhook_config,
                        },
                        node.key,
                        &mut state.context,
                        now,
                        suspension,
                    ),
                    None => params.and_then(|p| {
                        wait::execute_into(p, node.key, &mut state.context, now, suspension)
                    }),
                },
                // Cannot happen: set just above.
                _ => Err(ExecutionError::BadState("no suspension").into()),
            };
            match result {
                Ok(t) => {
                    if let Some(t) = t {
                        let _ = r.transitions.push(t);
                    }
                    return state.suspend(node.key, r);
                }
                Err(e) if wf.has_port(index, "error") => {
                    r.outcome = Outcome::Completed;
                    // Prana sends a refused wait out of its `error` port.
                    let msg = e.to_string_buf();
                    let mut o = JsonOut::new(out);
                    write_node_error(&mut o, e.code(), &msg);
                    let n = if o.full { 0 } else { o.len };
                    let text = core::str::from_utf8(&out[..n]).unwrap_or("");
                    state.set_output(if text.is_empty() { "null" } else { text });
                    port = workflow::port_name("error").unwrap_or_default();
                }
                Err(e) => return state.fail(node.key, NodeError::from_error(&e), r),
            }
        } else if node.node_type == TRIGGER_TYPE {
            if let Err(e) = params {
                return state.fail(node.key, NodeError::from_error(&e), r);
            }
            port = workflow::port_name(MAIN_PORT).unwrap_or_default();
        } else {
            let params = match params {
                Ok(p) => p,
                Err(e) => return state.fail(node.key, NodeError::from_error(&e), r),
            };
            let call = NodeCall {
                execution_id: state.context.execution_id(),
                workflow_id: state.context.workflow_id(),
                node_id: node.key,
                node_type: node.node_type,
                params,
                input: &state.output,
                now,
            };
            let result = handler.run(&call, out);
            let output = match result {
                Ok(o) => o,
                Err(e) => return state.fail(node.key, e, r),
            };
            if !workflow::is_port_name(&output.port) {
                let e = NodeError::new("invalid_port", "the handler returned an invalid port name");
                return state.fail(node.key, e, r);
            }
            let text = if output.len == 0 {
                Ok("null")
            } else {
                out.get(..output.len)
                    .ok_or(Error::Json("output length exceeds the output buffer"))
                    .and_then(|b| {
                        core::str::from_utf8(b).map_err(|_| Error::Json("output is not UTF-8"))
                    })
                    .and_then(json::validate)
            };
            match text {
                Ok(t) => state.set_output(t),
                Err(e) => {
                    let msg = e.to_string_buf();
                    let err = NodeError::new("invalid_node_output", &msg);
                    return state.fail(node.key, err, r);
                }
            }
            port = output.port;
        }
        if let Err(e) = state.push_step(node.key, &port) {
            return state.fail(node.key, NodeError::from_error(&e), r);
        }
        match wf.next(index, &port) {
            Some(next) => index = next,
            None => return state.complete(r),
        }
    }
}

/// A node error as `{"code": …, "message": …}`.
fn write_node_error(o: &mut JsonOut<'_>, code: &str, message: &str) {
    o.raw("{\"code\":");
    o.string(code);
    o.raw(",\"message\":");
    o.string(message);
    o.raw("}");
}

/// What a state JSON of the wrong shape fails with (serde's wording before).
fn shape_error() -> Error {
    Error::Json("execution state fields missing, of the wrong type, or over capacity")
}

/// Keep the first value of a member; a second one is an error (as with serde).
fn set_once<V>(slot: &mut Option<V>, v: V) -> Result<()> {
    if slot.is_some() {
        return Err(shape_error());
    }
    *slot = Some(v);
    Ok(())
}

/// A string member's text between its quotes. Escapes are left as they are:
/// ids, URLs and names have none, and their validators refuse a `\`.
fn read_str<'s>(r: &mut json::Reader<'s>) -> Result<&'s str> {
    let raw = r.string()?.ok_or_else(shape_error)?;
    Ok(&raw[1..raw.len() - 1])
}

fn read_opt_str<'s>(r: &mut json::Reader<'s>) -> Result<Option<&'s str>> {
    if r.null()? {
        return Ok(None);
    }
    read_str(r).map(Some)
}

fn read_u64(r: &mut json::Reader<'_>) -> Result<u64> {
    r.u64()?.ok_or_else(shape_error)
}

fn read_opt_u64(r: &mut json::Reader<'_>) -> Result<Option<u64>> {
    if r.null()? {
        return Ok(None);
    }
    read_u64(r).map(Some)
}

/// A string member decoded (escapes resolved) into a string of capacity `M`.
fn read_decoded<const M: usize>(r: &mut json::Reader<'_>) -> Option<heapless::String<M>> {
    let raw = r.string().ok()??;
    let mut buf = [0u8; M];
    let n = json::decode_str(raw, &mut buf).ok()?;
    let mut s = heapless::String::new();
    s.push_str(core::str::from_utf8(&buf[..n]).ok()?).ok()?;
    Some(s)
}

/// The `error` member: `null` or `{code, message}` within their limits.
fn read_node_error(r: &mut json::Reader<'_>) -> Result<Option<NodeError>> {
    if r.null()? {
        return Ok(None);
    }
    let bad = || {
        Error::from(ExecutionError::BadState(
            "'error' is not {code, message} within limits",
        ))
    };
    if !r.begin_object()? {
        return Err(bad());
    }
    let (mut code, mut message) = (None, None);
    while let Some(key) = r.next_key()? {
        match key {
            "code" if code.is_none() => code = Some(read_decoded(r).ok_or_else(bad)?),
            "message" if message.is_none() => message = Some(read_decoded(r).ok_or_else(bad)?),
            "code" | "message" => return Err(bad()),
            _ => {
                r.value()?;
            }
        }
    }
    match (code, message) {
        (Some(code), Some(message)) => Ok(Some(NodeError { code, message })),
        _ => Err(bad()),
    }
}

/// A registration slot as read from the state's JSON. A missing or `null`
/// `sig` (unsigned, or a state written before signatures were kept) reads
/// as `None`.
struct SlotIn<'s> {
    node_id: &'s str,
    resume_id: &'s str,
    sig: Option<&'s str>,
    status: Status,
    created_at: u64,
    expires_at: Option<u64>,
}

impl<'s> SlotIn<'s> {
    /// The exact form `to_json` writes (every state this crate wrote,
    /// unless a store reformatted it); `None`, nothing consumed, otherwise.
    fn read_compact(r: &mut json::Reader<'s>) -> Option<SlotIn<'s>> {
        r.compact(|r| {
            r.exact("{\"node_id\":")?;
            let node_id = r.plain_string()?;
            r.exact(",\"resume_id\":")?;
            let resume_id = r.plain_string()?;
            let sig = match r.exact(",\"sig\":") {
                Some(()) => Some(r.plain_string()?),
                None => None,
            };
            r.exact(",\"status\":")?;
            let status = Status::parse(r.plain_string()?).ok()?;
            r.exact(",\"created_at\":")?;
            let created_at = r.plain_u64()?;
            r.exact(",\"expires_at\":")?;
            let expires_at = match r.exact("null") {
                Some(()) => None,
                None => Some(r.plain_u64()?),
            };
            r.exact("}")?;
            Some(SlotIn {
                node_id,
                resume_id,
                sig,
                status,
                created_at,
                expires_at,
            })
        })
    }

    fn read(r: &mut json::Reader<'s>) -> Result<SlotIn<'s>> {
        if let Some(slot) = Self::read_compact(r) {
            return Ok(slot);
        }
        if !r.begin_object()? {
            return Err(shape_error());
        }
        let (mut node_id, mut resume_id, mut sig) = (None, None, None);
        let (mut status, mut created_at, mut expires_at) = (None, None, None);
        while let Some(key) = r.next_key()? {
            match key {
                "node_id" => set_once(&mut node_id, read_str(r)?)?,
                "resume_id" => set_once(&mut resume_id, read_str(r)?)?,
                "sig" => set_once(&mut sig, read_opt_str(r)?)?,
                "status" => {
                    let s = Status::parse(read_str(r)?).map_err(|_| shape_error())?;
                    set_once(&mut status, s)?;
                }
                "created_at" => set_once(&mut created_at, read_u64(r)?)?,
                "expires_at" => set_once(&mut expires_at, read_opt_u64(r)?)?,
                _ => {
                    r.value()?;
                }
            }
        }
        Ok(SlotIn {
            node_id: node_id.ok_or_else(shape_error)?,
            resume_id: resume_id.ok_or_else(shape_error)?,
            sig: sig.flatten(),
            status: status.ok_or_else(shape_error)?,
            created_at: created_at.ok_or_else(shape_error)?,
            expires_at: expires_at.flatten(),
        })
    }
}

/// The members of the state's JSON, borrowing the text: read in one pass,
/// then checked and copied into an [`ExecutionState`].
struct StateIn<'s, const W: usize> {
    version: Option<u64>,
    workflow_id: Option<&'s str>,
    execution_id: Option<&'s str>,
    base_url: Option<&'s str>,
    status: Option<ExecutionStatus>,
    current_node: Option<Option<&'s str>>,
    wait_mode: Option<Option<&'s str>>,
    resume_at: Option<Option<u64>>,
    registrations: Option<heapless::Vec<SlotIn<'s>, W>>,
    /// The trace string between its quotes (checked by `restore_trace`).
    trace: Option<&'s str>,
    error: Option<Option<NodeError>>,
    output: Option<&'s str>,
}

impl<'s, const W: usize> StateIn<'s, W> {
    fn new() -> Self {
        StateIn {
            version: None,
            workflow_id: None,
            execution_id: None,
            base_url: None,
            status: None,
            current_node: None,
            wait_mode: None,
            resume_at: None,
            registrations: None,
            trace: None,
            error: None,
            output: None,
        }
    }

    /// Read the JSON text and check that every member is there; returns
    /// the base URL's text. [`ExecutionState::restore`] checks the rest.
    fn read_base(&mut self, bytes: &'s [u8]) -> Result<&'s str> {
        let bad = |why| Error::from(ExecutionError::BadState(why));
        let text = core::str::from_utf8(bytes).map_err(|_| Error::Json("not UTF-8"))?;
        // One pass over the text reads (and checks the syntax of) every
        // member: the exact form `to_json` writes first, else any layout.
        if self.read_compact(text).is_none() {
            *self = StateIn::new();
            self.read(text)?;
        }
        let output = self.output.ok_or(bad("'output' is missing"))?;
        if output.len() > MAX_OUTPUT_LEN {
            return Err(Error::Capacity {
                what: "node output",
                limit: MAX_OUTPUT_LEN,
            });
        }
        let (Some(version), Some(_), Some(_), Some(base_url)) = (
            self.version,
            self.workflow_id,
            self.execution_id,
            self.base_url,
        ) else {
            return Err(shape_error());
        };
        if self.status.is_none() || self.registrations.is_none() || self.trace.is_none() {
            return Err(shape_error());
        }
        if version != u64::from(STATE_VERSION) {
            return Err(bad("unsupported version (this library reads version 2)"));
        }
        Ok(base_url)
    }

    /// Read `text` in the exact form `to_json` writes (no whitespace,
    /// members in its order, no escapes in ids, no error), front to back
    /// without looking keys up. `None` for any other layout: then the
    /// caller starts over with [`read`](Self::read), which accepts every
    /// layout and gives the precise error. What this accepts, `read`
    /// reads to the same values.
    fn read_compact(&mut self, text: &'s str) -> Option<()> {
        fn opt_plain<'s>(r: &mut json::Reader<'s>) -> Option<Option<&'s str>> {
            match r.exact("null") {
                Some(()) => Some(None),
                None => r.plain_string().map(Some),
            }
        }
        let mut r = json::Reader::new(text);
        // Opened as `read` opens it, so the output's nesting counts the same.
        if !r.begin_object().ok()? {
            return None;
        }
        r.exact("\"version\":")?;
        self.version = Some(r.plain_u64()?);
        r.exact(",\"workflow_id\":")?;
        self.workflow_id = Some(r.plain_string()?);
        r.exact(",\"execution_id\":")?;
        self.execution_id = Some(r.plain_string()?);
        r.exact(",\"base_url\":")?;
        self.base_url = Some(r.plain_string()?);
        r.exact(",\"status\":")?;
        self.status = Some(ExecutionStatus::parse(r.plain_string()?)?);
        r.exact(",\"current_node\":")?;
        self.current_node = Some(opt_plain(&mut r)?);
        r.exact(",\"wait_mode\":")?;
        self.wait_mode = Some(opt_plain(&mut r)?);
        r.exact(",\"resume_at\":")?;
        self.resume_at = Some(match r.exact("null") {
            Some(()) => None,
            None => Some(r.plain_u64()?),
        });
        r.exact(",\"registrations\":[")?;
        let slots = self.registrations.insert(heapless::Vec::new());
        if r.exact("]").is_none() {
            loop {
                slots.push(SlotIn::read_compact(&mut r)?).ok()?;
                if r.exact("]").is_some() {
                    break;
                }
                r.exact(",")?;
            }
        }
        r.exact(",\"trace\":")?;
        self.trace = Some(r.plain_string()?);
        r.exact(",\"error\":null,\"output\":")?;
        self.error = Some(None);
        self.output = Some(r.value().ok()?);
        r.exact("}")?;
        r.end().ok()
    }

    /// Read every member of `text` (filled in place: the vectors are large).
    fn read(&mut self, text: &'s str) -> Result<()> {
        let mut r = json::Reader::new(text);
        if !r.begin_object()? {
            json::validate(text)?;
            return Err(Error::NotAnObject("execution state"));
        }
        while let Some(key) = r.next_key()? {
            match key {
                "version" => set_once(&mut self.version, read_u64(&mut r)?)?,
                "workflow_id" => set_once(&mut self.workflow_id, read_str(&mut r)?)?,
                "execution_id" => set_once(&mut self.execution_id, read_str(&mut r)?)?,
                "base_url" => set_once(&mut self.base_url, read_str(&mut r)?)?,
                "status" => {
                    let s = ExecutionStatus::parse(read_str(&mut r)?).ok_or_else(shape_error)?;
                    set_once(&mut self.status, s)?;
                }
                "current_node" => set_once(&mut self.current_node, read_opt_str(&mut r)?)?,
                "wait_mode" => set_once(&mut self.wait_mode, read_opt_str(&mut r)?)?,
                "resume_at" => set_once(&mut self.resume_at, read_opt_u64(&mut r)?)?,
                "registrations" => {
                    set_once(&mut self.registrations, heapless::Vec::new())?;
                    let slots = self.registrations.as_mut().ok_or_else(shape_error)?;
                    if !r.begin_array()? {
                        return Err(shape_error());
                    }
                    while r.next_element()? {
                        slots
                            .push(SlotIn::read(&mut r)?)
                            .map_err(|_| shape_error())?;
                    }
                }
                "trace" => set_once(&mut self.trace, read_str(&mut r)?)?,
                // The first `error` and `output` count (they were looked up
                // with `json::find_member`); any later one is only checked.
                "error" if self.error.is_none() => self.error = Some(read_node_error(&mut r)?),
                "output" if self.output.is_none() => self.output = Some(r.value()?),
                _ => {
                    r.value()?;
                }
            }
        }
        r.end()
    }
}

/// Upper bound of the JSON of everything but registrations, the trace's
/// text (written as it is) and output:
/// member names, ids (64 + 64 + 64), base URL (256), numbers, and an error
/// whose 32-byte code and 192-byte message could be all `\u00XX` escapes.
const FIXED_JSON_LEN: usize = 2560;
/// Upper bound of one registration's JSON (about 370 bytes at most, plus
/// `,"sig":"…"` of up to 40 when signed).
const SLOT_JSON_LEN: usize = 448;

impl<const W: usize, const T: usize> ExecutionState<W, T> {
    /// A buffer of this many bytes always holds the JSON form of this state.
    pub const MAX_JSON_LEN: usize = FIXED_JSON_LEN + W * SLOT_JSON_LEN + T + MAX_OUTPUT_LEN;

    /// A state that has not run yet, for `context`.
    pub fn new(context: ExecutionContext<W>) -> Self {
        let mut output = heapless::String::new();
        let _ = output.push_str("null");
        ExecutionState {
            context,
            status: ExecutionStatus::Created,
            current_node: None,
            wait_mode: None,
            resume_at: None,
            output,
            trace: heapless::String::new(),
            error: None,
        }
    }

    /// The execution context: ids, registrations, resume URLs, rendering.
    pub fn context(&self) -> &ExecutionContext<W> {
        &self.context
    }

    /// The execution id.
    pub fn execution_id(&self) -> &str {
        self.context.execution_id()
    }

    /// The workflow id.
    pub fn workflow_id(&self) -> &str {
        self.context.workflow_id()
    }

    /// Where the execution stands.
    pub fn status(&self) -> ExecutionStatus {
        self.status
    }

    /// The wait node it is suspended at, or the node that failed.
    pub fn current_node(&self) -> Option<&str> {
        self.current_node.as_deref()
    }

    /// The mode of the wait it is suspended in.
    pub fn wait_mode(&self) -> Option<WaitMode> {
        self.wait_mode
    }

    /// When the current wait ends, unix ms: `resume_at` of a timer, or
    /// `expires_at` of a webhook (after which the host calls [`expire`]).
    pub fn resume_at(&self) -> Option<u64> {
        self.resume_at
    }

    /// The resume ID the execution waits for, when suspended at a webhook wait.
    pub fn waiting_resume_id(&self) -> Option<&ResumeId> {
        match (self.status, self.wait_mode) {
            (ExecutionStatus::Suspended, Some(WaitMode::Webhook)) => {
                self.context.resume_id(self.current_node.as_deref()?)
            }
            _ => None,
        }
    }

    /// The last output (JSON): of the last node run, or the trigger or resume
    /// payload; while suspended, the wait node's input; `null` before [`run`].
    pub fn output(&self) -> &str {
        &self.output
    }

    /// The visited nodes and the ports they left by, in order.
    pub fn trace(&self) -> Trace<'_> {
        Trace {
            rest: self.trace.as_str(),
        }
    }

    /// The failure, when [`ExecutionStatus::Failed`].
    pub fn error(&self) -> Option<&NodeError> {
        self.error.as_ref()
    }

    fn set_output(&mut self, json: &str) {
        self.output.clear();
        // Callers pass at most MAX_OUTPUT_LEN bytes (payloads are checked,
        // handler output is bounded by its buffer).
        if self.output.push_str(json).is_err() {
            let _ = self.output.push_str("null");
        }
    }

    /// Append `node:port` (both already checked) to the trace.
    fn push_step(&mut self, node: &str, port: &str) -> Result<()> {
        let sep = usize::from(!self.trace.is_empty());
        if self.trace.len() + sep + node.len() + 1 + port.len() > T {
            return Err(Error::Capacity {
                what: "execution trace (bytes)",
                limit: T,
            });
        }
        // Cannot fail: the room was checked.
        if sep == 1 {
            let _ = self.trace.push(',');
        }
        let _ = self.trace.push_str(node);
        let _ = self.trace.push(':');
        let _ = self.trace.push_str(port);
        Ok(())
    }

    /// Suspend at wait node `node`, whose suspension is in `r.outcome`.
    fn suspend(&mut self, node: &str, r: &mut RunResult<W>) {
        let Outcome::Suspended {
            node_id,
            suspension,
        } = &mut r.outcome
        else {
            return;
        };
        // Node keys were checked when the workflow was parsed.
        let _ = node_id.push_str(node);
        self.status = ExecutionStatus::Suspended;
        self.current_node = Some(node_id.clone());
        self.wait_mode = Some(suspension.mode());
        self.resume_at = Some(suspension.deadline());
    }

    fn complete(&mut self, r: &mut RunResult<W>) {
        self.status = ExecutionStatus::Completed;
        self.current_node = None;
        let _ = self.context.expire_open(&mut r.transitions);
        r.outcome = Outcome::Completed;
    }

    fn fail(&mut self, node: &str, error: NodeError, r: &mut RunResult<W>) {
        let node_id = id::part_string(Part::NodeId, node).unwrap_or_default();
        self.status = ExecutionStatus::Failed;
        self.current_node = Some(node_id.clone()).filter(|n| !n.is_empty());
        self.wait_mode = None;
        self.resume_at = None;
        self.error = Some(error.clone());
        let _ = self.context.expire_open(&mut r.transitions);
        r.outcome = Outcome::Failed { node_id, error };
    }

    /// Check that this state belongs to `wf`: same id, and every node it
    /// names exists with the right type.
    fn check_workflow<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
    ) -> Result<()> {
        let mismatch = |why| Err(ExecutionError::WorkflowMismatch(why).into());
        if wf.id() != self.context.workflow_id() {
            return mismatch("the workflow id differs");
        }
        let waits = wf.webhook_wait_indices();
        for (i, slot) in self.context.slots().iter().enumerate() {
            let node = self.context.slot_node_id(slot);
            let is_node = |&w: &u16| {
                wf.node(usize::from(w))
                    .is_some_and(|n| id::same_id(n.key, node))
            };
            // Registrations are made in node order: slot i is usually wait i.
            if !(waits.get(i).is_some_and(is_node) || waits.iter().any(is_node)) {
                return mismatch("a registration names no webhook wait node");
            }
        }
        if let Some(node) = self.current_node.as_deref() {
            if node_index(wf, node).is_none() {
                return mismatch("the current node does not exist");
            }
        }
        Ok(())
    }

    fn current_index<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
    ) -> Result<usize> {
        self.current_node
            .as_deref()
            .and_then(|n| node_index(wf, n))
            .filter(|&i| wf.node(i).is_some_and(|n| n.is_wait()))
            .ok_or_else(|| ExecutionError::BadState("suspended, but not at a wait node").into())
    }

    /// The slot of `resume_id` and the index of the wait node, when the
    /// execution is suspended at exactly that webhook wait.
    fn suspended_slot<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
        resume_id: &str,
    ) -> Result<(usize, usize)> {
        self.check_workflow(wf)?;
        if self.status != ExecutionStatus::Suspended {
            return Err(ExecutionError::NotSuspended.into());
        }
        let slot = self
            .context
            .slot_index_by_resume_id(resume_id)
            .ok_or(ExecutionError::UnknownResumeId)?;
        let s: &RegistrationSlot = &self.context.slots()[slot];
        match s.status {
            Status::Consumed => return Err(Error::AlreadyConsumed),
            Status::Expired => return Err(Error::RegistrationExpired),
            Status::Pending | Status::Active => {}
        }
        let node = self.context.slot_node_id(s);
        if self.current_node.as_deref() != Some(node) || self.wait_mode != Some(WaitMode::Webhook) {
            return Err(ExecutionError::NotWaitingHere {
                node: id::part_string(Part::NodeId, node)?,
            }
            .into());
        }
        Ok((slot, self.current_index(wf)?))
    }

    /// Write the JSON form into `buf`; returns the number of bytes written.
    /// When `buf` is too small the error is [`Error::BufferTooSmall`] with
    /// `needed` = [`Self::MAX_JSON_LEN`], which always suffices.
    pub fn to_json(&self, buf: &mut [u8]) -> Result<usize> {
        let ctx = &self.context;
        let mut o = JsonOut::new(buf);
        o.raw("{\"version\":");
        o.u64(u64::from(STATE_VERSION));
        o.raw(",\"workflow_id\":");
        o.plain(ctx.workflow_id());
        o.raw(",\"execution_id\":");
        o.plain(ctx.execution_id());
        o.raw(",\"base_url\":");
        o.string(ctx.base_url().as_str());
        o.raw(",\"status\":");
        o.plain(self.status.as_str());
        o.raw(",\"current_node\":");
        o.opt_plain(self.current_node.as_deref());
        o.raw(",\"wait_mode\":");
        o.opt_plain(self.wait_mode.map(WaitMode::as_str));
        o.raw(",\"resume_at\":");
        o.opt_u64(self.resume_at);
        o.raw(",\"registrations\":[");
        for (i, slot) in ctx.slots().iter().enumerate() {
            o.raw(if i == 0 {
                "{\"node_id\":"
            } else {
                ",{\"node_id\":"
            });
            o.plain(ctx.slot_node_id(slot));
            o.raw(",\"resume_id\":");
            o.plain(slot.resume_id.as_str());
            // Left out when the URL is unsigned.
            if let Some(sig) = &slot.signature {
                o.raw(",\"sig\":");
                o.plain(sig.as_str());
            }
            o.raw(",\"status\":");
            o.plain(slot.status.as_str());
            o.raw(",\"created_at\":");
            o.u64(slot.created_at);
            o.raw(",\"expires_at\":");
            o.opt_u64(slot.expires_at);
            o.raw("}");
        }
        // The trace's text needs no escaping: keys, ports, `:` and `,`.
        o.raw("],\"trace\":");
        o.plain(&self.trace);
        o.raw(",\"error\":");
        match &self.error {
            Some(e) => write_node_error(&mut o, &e.code, &e.message),
            None => o.raw("null"),
        }
        o.raw(",\"output\":");
        o.raw(&self.output);
        o.raw("}");
        if o.full {
            return Err(Error::BufferTooSmall {
                needed: Self::MAX_JSON_LEN,
            });
        }
        Ok(o.len)
    }

    /// Read a state from its JSON form, checking every field (as
    /// [`load_json`](Self::load_json) does). A host that keeps a state
    /// around (one per worker, say) restores into it with `load_json`
    /// instead: the state is ~16 KiB, and returning it by value copies it.
    // Inlined: built in the caller's frame, the state is copied fewer times
    // on its way to where the caller keeps it. The work is in `read_base`
    // and `restore`.
    #[inline]
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let mut f = StateIn::<'_, W>::new();
        let base = BaseUrl::parse(f.read_base(bytes)?)?;
        let mut state = ExecutionState::new(ExecutionContext::empty(base));
        match state.restore(&mut f) {
            Ok(()) => Ok(state),
            Err(e) => Err(e),
        }
    }

    /// Restore this state in place from its JSON form, checking every
    /// field exactly as [`from_json`](Self::from_json) does; what the state
    /// held before does not matter. This is the cheap way to restore: no
    /// 16 KiB state is moved, and the base URL is parsed only when it
    /// differs from the one the state has.
    ///
    /// On error the state is left empty: no registrations, no trace, and an
    /// empty workflow id, so every executor call refuses it (the state does
    /// not belong to the workflow) until a later `load_json` succeeds.
    ///
    /// ```
    /// use prana_webhook_core::executor::{self, ExecutionState, ExecutionStatus};
    /// use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
    /// let wf = Workflow::parse(r#"{"id": "wf", "nodes": [
    ///     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}], "connections": []}"#).unwrap();
    /// let base = BaseUrl::parse("https://gw.example.com").unwrap();
    /// let mut ids = IdGenerator::from_seed([1; 32]);
    /// let saved: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, 0).unwrap();
    /// let mut buf = [0u8; 2048];
    /// let n = saved.to_json(&mut buf).unwrap();
    ///
    /// // One state, reused for every execution a worker restores.
    /// let mut state: ExecutionState = executor::start(&wf, "other", &base, &mut ids, 0).unwrap();
    /// state.load_json(&buf[..n]).unwrap();
    /// assert_eq!(state, saved);
    /// assert!(state.load_json(b"{}").is_err());
    /// assert_eq!(state.workflow_id(), "");
    /// ```
    pub fn load_json(&mut self, bytes: &[u8]) -> Result<()> {
        let mut f = StateIn::<'_, W>::new();
        let result = f.read_base(bytes).and_then(|base| {
            self.clear();
            if self.context.base_url().as_str() != base {
                // Equal text is the same URL: a normalized base URL parses
                // to itself.
                self.context.set_base_url(BaseUrl::parse(base)?);
            }
            self.restore(&mut f)
        });
        if result.is_err() {
            self.clear();
        }
        result
    }

    /// Forget everything but the base URL: an empty state of no workflow.
    fn clear(&mut self) {
        self.context.clear();
        self.status = ExecutionStatus::Created;
        self.current_node = None;
        self.wait_mode = None;
        self.resume_at = None;
        self.set_output("null");
        self.trace.clear();
        self.error = None;
    }

    /// The rest of [`from_json`](Self::from_json) and
    /// [`load_json`](Self::load_json), into a cleared state: registrations,
    /// where the execution stands, trace, error and output, each checked.
    fn restore(&mut self, f: &mut StateIn<'_, W>) -> Result<()> {
        let bad = |why| Error::from(ExecutionError::BadState(why));
        // read_base checked that they are there.
        let (
            Some(registrations),
            Some(trace),
            Some(status),
            Some(workflow_id),
            Some(execution_id),
            Some(output),
        ) = (
            &f.registrations,
            f.trace,
            f.status,
            f.workflow_id,
            f.execution_id,
            f.output,
        )
        else {
            return Err(shape_error());
        };
        self.context.set_ids(workflow_id, execution_id)?;
        for (i, s) in registrations.iter().enumerate() {
            id::validate_part(Part::NodeId, s.node_id)?;
            let signature = match s.sig {
                None => None,
                Some(sig) => Some(
                    Signature::parse(sig)
                        .map_err(|_| bad("a registration's sig is not {key_id}.{mac}"))?,
                ),
            };
            // The slots so far are those of the registrations before this
            // one (each checked to carry its node_id): compare those texts.
            let before = registrations.get(..i).unwrap_or(&[]);
            if before.iter().any(|o| id::same_id(o.node_id, s.node_id)) {
                return Err(bad("two registrations for one node"));
            }
            // Made in place, its resume ID parsed into it (a slot is ~250
            // bytes), and dropped again when the ID is refused.
            let slots = self.context.slots_mut();
            slots
                .push(RegistrationSlot {
                    resume_id: ResumeId::empty(),
                    signature,
                    status: s.status,
                    created_at: s.created_at,
                    expires_at: s.expires_at,
                })
                .map_err(|_| Error::Capacity {
                    what: "webhook wait nodes",
                    limit: W,
                })?;
            let checked = match slots.last_mut() {
                Some(slot) => {
                    // The ID this crate wrote: checked with its parts known;
                    // anything else by the checks that name the fault.
                    let r = &mut slot.resume_id;
                    if r.set_if_of(s.resume_id, execution_id, s.node_id) {
                        Ok(())
                    } else {
                        r.set(s.resume_id).and_then(|()| {
                            if r.belongs_to(execution_id, s.node_id) {
                                Ok(())
                            } else {
                                Err(Error::ResumeIdMismatch)
                            }
                        })
                    }
                }
                None => Err(shape_error()),
            };
            if let Err(e) = checked {
                slots.pop();
                return Err(e);
            }
        }
        self.status = status;
        self.current_node = match f.current_node.flatten() {
            Some(n) => Some(id::part_string(Part::NodeId, n)?),
            None => None,
        };
        self.wait_mode = match f.wait_mode.flatten() {
            None => None,
            Some("interval") => Some(WaitMode::Interval),
            Some("schedule") => Some(WaitMode::Schedule),
            Some("webhook") => Some(WaitMode::Webhook),
            Some(_) => return Err(bad("unknown wait_mode")),
        };
        self.resume_at = f.resume_at.flatten();
        self.restore_trace(trace)?;
        self.error = f.error.take().flatten();
        // Checked by the reader already.
        self.set_output(output);
        let waiting = self.wait_mode.is_some() || self.resume_at.is_some();
        if self.status == ExecutionStatus::Suspended {
            if self.current_node.is_none() || self.wait_mode.is_none() || self.resume_at.is_none() {
                return Err(bad(
                    "a suspended execution needs current_node, wait_mode and resume_at",
                ));
            }
        } else if waiting {
            return Err(bad(
                "only a suspended execution has wait_mode and resume_at",
            ));
        }
        if (self.status == ExecutionStatus::Failed) != self.error.is_some() {
            return Err(bad("failed needs an error, and only then"));
        }
        Ok(())
    }

    /// The trace from its JSON string: `""`, or steps `node:port` joined by
    /// `,` (node 1–64 bytes of `[A-Za-z0-9_-]`, port 1–32 bytes of
    /// `[a-z0-9_]`; nothing else, so no JSON escapes either). One pass over
    /// the text, then one copy.
    fn restore_trace(&mut self, text: &str) -> Result<()> {
        let bad = |why| Err(ExecutionError::BadState(why).into());
        let t = text.as_bytes();
        let mut i = 0;
        while i < t.len() {
            let start = i;
            while i < t.len() && id::byte_class(t[i]) & id::ID_BYTE != 0 {
                i += 1;
            }
            if i == start || i - start > id::MAX_PART_LEN || t.get(i) != Some(&b':') {
                return bad("a trace step is not node:port (node: 1-64 bytes of [A-Za-z0-9_-])");
            }
            i += 1;
            let start = i;
            // Most steps leave by `main`: one compare instead of a loop.
            if t.get(i..i + 4) == Some(b"main".as_slice())
                && matches!(t.get(i + 4), None | Some(b','))
            {
                i += 4;
            }
            while i < t.len() && id::byte_class(t[i]) & id::PORT_BYTE != 0 {
                i += 1;
            }
            if i == start || i - start > workflow::MAX_PORT_LEN {
                return bad("a trace port is not 1-32 bytes of [a-z0-9_]");
            }
            match t.get(i) {
                None => break,
                Some(b',') if i + 1 < t.len() => i += 1,
                Some(_) => return bad("the trace is not node:port steps joined by ','"),
            }
        }
        self.trace.push_str(text).map_err(|_| Error::Capacity {
            what: "execution trace (bytes)",
            limit: T,
        })
    }
}

impl<const W: usize, const T: usize> fmt::Debug for ExecutionState<W, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionState")
            .field("execution_id", &self.execution_id())
            .field("workflow_id", &self.workflow_id())
            .field("status", &self.status)
            .field("current_node", &self.current_node())
            .field("wait_mode", &self.wait_mode)
            .field("resume_at", &self.resume_at)
            .field("trace", &self.trace.as_str())
            .field("error", &self.error)
            .finish()
    }
}
