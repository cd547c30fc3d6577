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
//! ([`ExecutionState::from_json`]) and re-parses the workflow from its JSON.
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

use serde::{Deserialize, Serialize, Serializer};

use crate::context::{ExecutionContext, RegistrationSlot};
use crate::error::{Error, Part, Result, TruncatingString};
use crate::id::{self, IdGenerator, PartString, ResumeId};
use crate::json;
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
/// Default capacity of the trace of visited nodes (a path through an acyclic
/// workflow visits each node at most once, so this matches [`MAX_NODES`]).
pub const MAX_TRACE: usize = MAX_NODES;
/// Longest [`NodeError`] code, in bytes.
pub const MAX_ERROR_CODE_LEN: usize = 32;
/// Longest [`NodeError`] message, in bytes.
pub const MAX_ERROR_MESSAGE_LEN: usize = 192;
/// Version of the state's JSON form.
pub const STATE_VERSION: u32 = 1;
/// A buffer of this many bytes always holds the JSON of an
/// [`ExecutionState`] with the default capacities.
pub const MAX_STATE_JSON_LEN: usize = <ExecutionState>::MAX_JSON_LEN;

/// A node key in the trace (1–64 bytes, one-byte length).
pub type NodeKey = heapless::String<64, u8>;

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
    /// length; or fail the execution with a [`NodeError`].
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The node id.
    pub node: NodeKey,
    /// The output port.
    pub port: PortName,
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

/// Everything a host persists between suspension and resume. `W` is the
/// capacity for webhook wait nodes, `T` for the trace.
///
/// With the defaults it takes 15 912 bytes on x86-64 (under 16 KiB; the
/// `sizes_and_worst_case_json` test prints and checks it).
#[derive(Clone, PartialEq, Eq)]
pub struct ExecutionState<const W: usize = MAX_WAIT_NODES, const T: usize = MAX_TRACE> {
    context: ExecutionContext<W>,
    status: ExecutionStatus,
    current_node: Option<PartString>,
    wait_mode: Option<WaitMode>,
    resume_at: Option<u64>,
    output: heapless::String<MAX_OUTPUT_LEN>,
    trace: heapless::Vec<Step, T>,
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
    state.check_workflow(wf)?;
    if state.status != ExecutionStatus::Created {
        return Err(ExecutionError::AlreadyStarted.into());
    }
    let input = checked_payload(input, "trigger payload")?;
    let mut transitions = heapless::Vec::new();
    state.set_output(input);
    let outcome = drive(wf, state, handler, wf.start_index(), now, &mut transitions);
    Ok(RunResult {
        outcome,
        transitions,
    })
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
    let (slot, wait_index) = state.suspended_slot(wf, resume_id)?;
    let payload = checked_payload(payload, "resume payload")?;
    let mut transitions = heapless::Vec::new();
    let t = state.context.consume(slot, now)?;
    // Cannot fail: W ≥ 1 since there is a slot.
    let _ = transitions.push(t);
    state.set_output(payload);
    let outcome = continue_from(
        wf,
        state,
        handler,
        wait_index,
        MAIN_PORT,
        now,
        &mut transitions,
    );
    Ok(RunResult {
        outcome,
        transitions,
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
    let (slot, wait_index) = state.suspended_slot(wf, resume_id)?;
    let mut transitions = heapless::Vec::new();
    let t = state.context.expire(slot)?;
    let _ = transitions.push(t);
    let outcome = continue_from(
        wf,
        state,
        handler,
        wait_index,
        "timeout",
        now,
        &mut transitions,
    );
    Ok(RunResult {
        outcome,
        transitions,
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
    let mut transitions = heapless::Vec::new();
    let outcome = continue_from(
        wf,
        state,
        handler,
        wait_index,
        MAIN_PORT,
        now,
        &mut transitions,
    );
    Ok(RunResult {
        outcome,
        transitions,
    })
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
fn continue_from<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    handler: &mut H,
    wait_index: usize,
    port: &str,
    now: u64,
    transitions: &mut heapless::Vec<Transition, W>,
) -> Outcome
where
    H: NodeHandler + ?Sized,
{
    let key = wf.node(wait_index).map(|n| n.key).unwrap_or("");
    state.status = ExecutionStatus::Created;
    state.current_node = None;
    state.wait_mode = None;
    state.resume_at = None;
    if let Err(e) = state.push_step(key, port) {
        return state.fail(key, NodeError::from_error(&e), transitions);
    }
    match wf.next(wait_index, port) {
        Some(next) => drive(wf, state, handler, next, now, transitions),
        None => state.complete(transitions),
    }
}

/// Serialize a `{code, message}` object for a wait node's `error` port.
#[derive(Serialize)]
struct ErrorOutput<'e> {
    code: &'e str,
    message: &'e str,
}

/// Run nodes from `index` on until the execution completes, fails or suspends.
fn drive<const N: usize, const C: usize, const W: usize, const T: usize, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T>,
    handler: &mut H,
    mut index: usize,
    now: u64,
    transitions: &mut heapless::Vec<Transition, W>,
) -> Outcome
where
    H: NodeHandler + ?Sized,
{
    let mut params_buf = [0u8; MAX_PARAMS_LEN];
    let mut out = [0u8; MAX_OUTPUT_LEN];
    loop {
        let Some(node) = wf.node(index).copied() else {
            let e = Error::from(ExecutionError::BadState("node index out of range"));
            return state.fail("", NodeError::from_error(&e), transitions);
        };
        let params = match state.context.render_str(node.params, &mut params_buf) {
            Ok(p) => Ok(p),
            Err(Error::BufferTooSmall { .. }) => Err(Error::Capacity {
                what: "rendered node params",
                limit: MAX_PARAMS_LEN,
            }),
            Err(e) => Err(e),
        };
        let port: PortName;
        if node.is_wait() {
            let result = params.and_then(|p| wait::execute(p, node.key, &mut state.context, now));
            match result {
                Ok(w) => {
                    if let Some(t) = w.transition {
                        let _ = transitions.push(t);
                    }
                    return state.suspend(node.key, w.suspension);
                }
                Err(e) if wf.has_port(index, "error") => {
                    // Prana sends a refused wait out of its `error` port.
                    let msg = e.to_string_buf();
                    let body = ErrorOutput {
                        code: e.code(),
                        message: &msg,
                    };
                    match serde_json_core::to_slice(&body, &mut out) {
                        Ok(n) => {
                            let text = core::str::from_utf8(&out[..n]).unwrap_or("null");
                            state.set_output(text);
                        }
                        Err(_) => state.set_output("null"),
                    }
                    port = workflow::port_name("error").unwrap_or_default();
                }
                Err(e) => return state.fail(node.key, NodeError::from_error(&e), transitions),
            }
        } else if node.node_type == TRIGGER_TYPE {
            if let Err(e) = params {
                return state.fail(node.key, NodeError::from_error(&e), transitions);
            }
            port = workflow::port_name(MAIN_PORT).unwrap_or_default();
        } else {
            let params = match params {
                Ok(p) => p,
                Err(e) => return state.fail(node.key, NodeError::from_error(&e), transitions),
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
            let result = handler.run(&call, &mut out);
            let output = match result {
                Ok(o) => o,
                Err(e) => return state.fail(node.key, e, transitions),
            };
            if !workflow::is_port_name(&output.port) {
                let e = NodeError::new("invalid_port", "the handler returned an invalid port name");
                return state.fail(node.key, e, transitions);
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
                    return state.fail(node.key, err, transitions);
                }
            }
            port = output.port;
        }
        if let Err(e) = state.push_step(node.key, &port) {
            return state.fail(node.key, NodeError::from_error(&e), transitions);
        }
        match wf.next(index, &port) {
            Some(next) => index = next,
            None => return state.complete(transitions),
        }
    }
}

/// The JSON form of a registration slot. `sig` (the resume URL's
/// signature, `{key_id}.{mac}`) is left out when the URL is unsigned.
#[derive(Serialize)]
struct SlotOut<'s> {
    node_id: &'s str,
    resume_id: &'s str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sig: Option<&'s str>,
    status: Status,
    created_at: u64,
    expires_at: Option<u64>,
}

/// A registration slot read back; a missing `sig` (unsigned, or a state
/// written before signatures were kept) reads as `None`.
#[derive(Deserialize)]
struct SlotIn<'s> {
    node_id: &'s str,
    resume_id: &'s str,
    #[serde(default)]
    sig: Option<&'s str>,
    status: Status,
    created_at: u64,
    expires_at: Option<u64>,
}

#[derive(Deserialize)]
struct StepIn<'s> {
    node: &'s str,
    port: &'s str,
}

/// Registrations, serialized with their node ids.
struct SlotsOut<'s, const W: usize>(&'s ExecutionContext<W>);

impl<const W: usize> Serialize for SlotsOut<'_, W> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let ctx = self.0;
        s.collect_seq(ctx.slots().iter().map(|slot| SlotOut {
            node_id: ctx.slot_node_id(slot),
            resume_id: slot.resume_id.as_str(),
            sig: slot.signature.as_ref().map(Signature::as_str),
            status: slot.status,
            created_at: slot.created_at,
            expires_at: slot.expires_at,
        }))
    }
}

/// Raw JSON, written verbatim (serde-json-core writes `serialize_bytes` as is).
struct Raw<'s>(&'s str);

impl Serialize for Raw<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0.as_bytes())
    }
}

#[derive(Serialize)]
struct StateOut<'s, const W: usize> {
    version: u32,
    workflow_id: &'s str,
    execution_id: &'s str,
    base_url: &'s str,
    status: ExecutionStatus,
    current_node: Option<&'s str>,
    wait_mode: Option<&'static str>,
    resume_at: Option<u64>,
    registrations: SlotsOut<'s, W>,
    trace: &'s [Step],
    error: Option<&'s NodeError>,
    output: Raw<'s>,
}

#[derive(Deserialize)]
struct StateIn<'s, const W: usize, const T: usize> {
    version: u32,
    workflow_id: &'s str,
    execution_id: &'s str,
    base_url: &'s str,
    status: ExecutionStatus,
    current_node: Option<&'s str>,
    wait_mode: Option<&'s str>,
    resume_at: Option<u64>,
    registrations: heapless::Vec<SlotIn<'s>, W>,
    trace: heapless::Vec<StepIn<'s>, T>,
    // `error` and `output` are read on their own (see `from_json`).
}

/// Upper bound of the JSON of everything but registrations, trace and output:
/// member names, ids (64 + 64 + 64), base URL (256), numbers, and an error
/// whose 32-byte code and 192-byte message could be all `\u00XX` escapes.
const FIXED_JSON_LEN: usize = 2560;
/// Upper bound of one registration's JSON (about 370 bytes at most, plus
/// `,"sig":"…"` of up to 40 when signed).
const SLOT_JSON_LEN: usize = 448;
/// Upper bound of one trace step's JSON.
const STEP_JSON_LEN: usize = 128;

impl<const W: usize, const T: usize> ExecutionState<W, T> {
    /// A buffer of this many bytes always holds the JSON form of this state.
    pub const MAX_JSON_LEN: usize =
        FIXED_JSON_LEN + W * SLOT_JSON_LEN + T * STEP_JSON_LEN + MAX_OUTPUT_LEN;

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
            trace: heapless::Vec::new(),
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
    pub fn trace(&self) -> &[Step] {
        &self.trace
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

    fn push_step(&mut self, node: &str, port: &str) -> Result<()> {
        let mut step = Step {
            node: NodeKey::new(),
            port: PortName::new(),
        };
        step.node
            .push_str(node)
            .map_err(|_| Error::Json("node key too long"))?;
        step.port
            .push_str(port)
            .map_err(|_| Error::Json("port name too long"))?;
        self.trace.push(step).map_err(|_| Error::Capacity {
            what: "execution trace",
            limit: T,
        })
    }

    fn suspend(&mut self, node: &str, suspension: Suspension) -> Outcome {
        let node_id = match id::part_string(Part::NodeId, node) {
            Ok(n) => n,
            Err(_) => PartString::new(),
        };
        self.status = ExecutionStatus::Suspended;
        self.current_node = Some(node_id.clone());
        self.wait_mode = Some(suspension.mode());
        self.resume_at = Some(suspension.deadline());
        Outcome::Suspended {
            node_id,
            suspension,
        }
    }

    fn complete(&mut self, transitions: &mut heapless::Vec<Transition, W>) -> Outcome {
        self.status = ExecutionStatus::Completed;
        self.current_node = None;
        let _ = self.context.expire_open(transitions);
        Outcome::Completed
    }

    fn fail(
        &mut self,
        node: &str,
        error: NodeError,
        transitions: &mut heapless::Vec<Transition, W>,
    ) -> Outcome {
        let node_id = id::part_string(Part::NodeId, node).unwrap_or_default();
        self.status = ExecutionStatus::Failed;
        self.current_node = Some(node_id.clone()).filter(|n| !n.is_empty());
        self.wait_mode = None;
        self.resume_at = None;
        self.error = Some(error.clone());
        let _ = self.context.expire_open(transitions);
        Outcome::Failed { node_id, error }
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
        for slot in self.context.slots() {
            match wf.find(self.context.slot_node_id(slot)) {
                Some(n) if n.is_webhook_wait() => {}
                _ => return mismatch("a registration names no webhook wait node"),
            }
        }
        if let Some(node) = self.current_node.as_deref() {
            if wf.find(node).is_none() {
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
            .and_then(|n| wf.index_of(n))
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
        let out = StateOut {
            version: STATE_VERSION,
            workflow_id: self.context.workflow_id(),
            execution_id: self.context.execution_id(),
            base_url: self.context.base_url().as_str(),
            status: self.status,
            current_node: self.current_node.as_deref(),
            wait_mode: self.wait_mode.map(WaitMode::as_str),
            resume_at: self.resume_at,
            registrations: SlotsOut(&self.context),
            trace: &self.trace,
            error: self.error.as_ref(),
            output: Raw(&self.output),
        };
        serde_json_core::to_slice(&out, buf).map_err(|_| Error::BufferTooSmall {
            needed: Self::MAX_JSON_LEN,
        })
    }

    /// Read a state from its JSON form, checking every field.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let bad = |why| Error::from(ExecutionError::BadState(why));
        let text = core::str::from_utf8(bytes).map_err(|_| Error::Json("not UTF-8"))?;
        let text = json::validate_object(text, "execution state")?;
        let output = json::find_member(text, "output")?.ok_or(bad("'output' is missing"))?;
        if output.len() > MAX_OUTPUT_LEN {
            return Err(Error::Capacity {
                what: "node output",
                limit: MAX_OUTPUT_LEN,
            });
        }
        // No unescape buffer here: the ids are plain, and `output` (skipped
        // by serde) may hold escaped strings of any length.
        let (f, _): (StateIn<'_, W, T>, usize) = serde_json_core::from_str(text).map_err(|_| {
            Error::Json("execution state fields missing, of the wrong type, or over capacity")
        })?;
        // The error message may hold escapes: unescape just that member.
        let error = match json::find_member(text, "error")? {
            None | Some("null") => None,
            Some(raw) => {
                let mut scratch = [0u8; MAX_ERROR_CODE_LEN + MAX_ERROR_MESSAGE_LEN];
                let (e, _): (NodeError, usize) =
                    serde_json_core::from_str_escaped(raw, &mut scratch)
                        .map_err(|_| bad("'error' is not {code, message} within limits"))?;
                Some(e)
            }
        };
        if f.version != STATE_VERSION {
            return Err(bad("unsupported version"));
        }
        let base = BaseUrl::parse(f.base_url)?;
        let mut context = ExecutionContext::<W>::new(f.workflow_id, f.execution_id, &base)?;
        for s in &f.registrations {
            let resume_id = ResumeId::parse(s.resume_id)?;
            id::validate_part(Part::NodeId, s.node_id)?;
            if !resume_id.belongs_to(f.execution_id, s.node_id) {
                return Err(Error::ResumeIdMismatch);
            }
            let signature = match s.sig {
                None => None,
                Some(sig) => Some(
                    Signature::parse(sig)
                        .map_err(|_| bad("a registration's sig is not {key_id}.{mac}"))?,
                ),
            };
            let slot = RegistrationSlot {
                resume_id,
                signature,
                status: s.status,
                created_at: s.created_at,
                expires_at: s.expires_at,
            };
            if context
                .slots()
                .iter()
                .any(|o| context.slot_node_id(o) == s.node_id)
            {
                return Err(bad("two registrations for one node"));
            }
            // Cannot fail: the Vec in StateIn has the same capacity.
            context
                .slots_mut()
                .push(slot)
                .map_err(|_| Error::Capacity {
                    what: "webhook wait nodes",
                    limit: W,
                })?;
        }
        let mut state = ExecutionState::new(context);
        state.status = f.status;
        state.current_node = match f.current_node {
            Some(n) => Some(id::part_string(Part::NodeId, n)?),
            None => None,
        };
        state.wait_mode = match f.wait_mode {
            None => None,
            Some("interval") => Some(WaitMode::Interval),
            Some("schedule") => Some(WaitMode::Schedule),
            Some("webhook") => Some(WaitMode::Webhook),
            Some(_) => return Err(bad("unknown wait_mode")),
        };
        state.resume_at = f.resume_at;
        for s in &f.trace {
            id::validate_part(Part::NodeId, s.node)?;
            if !workflow::is_port_name(s.port) {
                return Err(bad("a trace port is not a port name"));
            }
            state.push_step(s.node, s.port)?;
        }
        state.error = error;
        state.set_output(json::validate(output)?);
        let waiting = state.wait_mode.is_some() || state.resume_at.is_some();
        if state.status == ExecutionStatus::Suspended {
            if state.current_node.is_none()
                || state.wait_mode.is_none()
                || state.resume_at.is_none()
            {
                return Err(bad(
                    "a suspended execution needs current_node, wait_mode and resume_at",
                ));
            }
        } else if waiting {
            return Err(bad(
                "only a suspended execution has wait_mode and resume_at",
            ));
        }
        if (state.status == ExecutionStatus::Failed) != state.error.is_some() {
            return Err(bad("failed needs an error, and only then"));
        }
        Ok(state)
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
            .field("trace", &self.trace.len())
            .field("error", &self.error)
            .finish()
    }
}
