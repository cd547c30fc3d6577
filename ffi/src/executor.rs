//! Workflows and executions: start, run, suspend, resume, expire, with node
//! handlers as C callbacks.

use core::cell::Cell;
use core::ffi::{c_char, c_void, CStr};
use std::borrow::Cow;

use prana_webhook_core::executor::{
    self, ExecutionStatus, NodeCall, NodeError, NodeHandler, NodeOutput, Outcome,
};
use prana_webhook_core::wait::{Suspension, WaitMode};

/// The C ABI's capacities (a server's, larger than the core's
/// microcontroller defaults): a trace for `PRANA_MAX_NODES` nodes, and the
/// payload storage on the heap, sized per execution by the host.
const TRACE_LEN: usize = PRANA_MAX_NODES * 98;
pub(crate) type FfiState = executor::ExecutionState<PRANA_MAX_WAIT_NODES, TRACE_LEN, Box<[u8]>>;
/// The state's JSON without its output: the fixed part.
type EmptyState = executor::ExecutionState<PRANA_MAX_WAIT_NODES, TRACE_LEN, [u8; 0]>;
type FfiWorkspace<'a> = executor::Workspace<&'a mut [u8], &'a mut [u8]>;
/// Capacity for a node's rendered params, in bytes.
pub(crate) const PARAMS_LEN: usize = 4096;
pub(crate) type FfiRunResult = executor::RunResult<PRANA_MAX_WAIT_NODES>;
pub(crate) type FfiWorkflow<'a> = prana_webhook_core::workflow::Workflow<'a, PRANA_MAX_NODES, 128>;

use crate::abi::{self, guard, handle, handle_mut, text, Fail, FfiResult, Out, StrOut};
use crate::ids::generator_mut;
use crate::registration::{new_registration_handle, prana_registration};
use crate::route::prana_transition;
use crate::status::{prana_error, prana_status};
use crate::urls::{base_ref, prana_base_url};
use crate::{PRANA_ID_PART_BUF_SIZE, PRANA_RESUME_ID_BUF_SIZE, PRANA_URL_BUF_SIZE};

/// Most nodes in a workflow.
pub const PRANA_MAX_NODES: usize = 64;
/// Most wait nodes in webhook mode per workflow (and transitions per call).
pub const PRANA_MAX_WAIT_NODES: usize = 16;
/// Largest payload capacity an execution may be given
/// (`prana_execution_start`'s `max_payload`), in bytes: 1 GiB.
pub const PRANA_MAX_PAYLOAD_CAPACITY: usize = 1 << 30;
/// An execution's JSON form takes at most this many bytes plus its payload
/// capacity: a buffer of `PRANA_EXECUTION_JSON_FIXED_LEN + capacity + 1`
/// bytes always holds it and its NUL (`prana_execution_to_json`).
pub const PRANA_EXECUTION_JSON_FIXED_LEN: usize = 16736;
/// A buffer of this many bytes always holds the JSON and its NUL of an
/// execution with the default payload capacity (`PRANA_DEFAULT_MAX_PAYLOAD`).
pub const PRANA_EXECUTION_JSON_BUF_SIZE: usize = 82273;
/// Size of a port name array (1-32 bytes of `[a-z0-9_]` and the NUL).
pub const PRANA_PORT_BUF_SIZE: usize = 33;
/// Size of a node error code array (at most 32 bytes and the NUL).
pub const PRANA_ERROR_CODE_BUF_SIZE: usize = 33;
/// Size of a node error message array (at most 192 bytes and the NUL).
pub const PRANA_ERROR_MESSAGE_BUF_SIZE: usize = 193;
/// Size of the timezone array of a schedule wait (at most 64 bytes and the NUL).
pub const PRANA_TIMEZONE_BUF_SIZE: usize = 65;

const _: () = {
    use prana_webhook_core::{executor as ex, wait, workflow as wf};
    assert!(TRACE_LEN == PRANA_MAX_NODES * (64 + 1 + wf::MAX_PORT_LEN + 1));
    assert!(PRANA_EXECUTION_JSON_FIXED_LEN == EmptyState::MAX_JSON_LEN);
    assert!(
        PRANA_EXECUTION_JSON_BUF_SIZE
            == PRANA_EXECUTION_JSON_FIXED_LEN + crate::PRANA_DEFAULT_MAX_PAYLOAD + 1
    );
    assert!(crate::PRANA_DEFAULT_MAX_PAYLOAD <= PRANA_MAX_PAYLOAD_CAPACITY);
    assert!(PRANA_PORT_BUF_SIZE == wf::MAX_PORT_LEN + 1);
    assert!(PRANA_ERROR_CODE_BUF_SIZE == ex::MAX_ERROR_CODE_LEN + 1);
    assert!(PRANA_ERROR_MESSAGE_BUF_SIZE == ex::MAX_ERROR_MESSAGE_LEN + 1);
    assert!(PRANA_TIMEZONE_BUF_SIZE == wait::MAX_TIMEZONE_LEN + 1);
};

/// A parsed, validated workflow definition (JSON: `id`, `nodes` with `key`,
/// `type`, `params`, `connections` with `from`, `port`, `to`, optional
/// `start`). The library keeps its own copy of the JSON text.
///
/// Ownership: made by `prana_workflow_new`, owned by the caller, freed with
/// `prana_workflow_free` (exactly once; NULL is a no-op), after every
/// execution call that uses it has returned.
///
/// Thread safety: immutable; any number of threads may run executions of
/// one workflow at the same time.
pub struct prana_workflow {
    // `wf` borrows `_text`. Declared first, so it is dropped first. A
    // `String`, not a `Box<str>`: moving a `Box` asserts unique access to
    // its heap text, which would invalidate `wf`'s borrows of it (Miri).
    wf: FfiWorkflow<'static>,
    _text: String,
}

/// The state of one execution: its registrations and resume and cancel URLs
/// (with their signatures when started with a key set), where it stands,
/// the last output (in storage of the payload capacity chosen at start) and
/// the trace. About 11 KiB plus the payload capacity.
///
/// Persistence is the host's: store `prana_execution_to_json` after each
/// call and restore it with `prana_execution_from_json`, maybe in another
/// process (re-create the workflow from its JSON there too).
///
/// Ownership: made by `prana_execution_start` or `_from_json`, owned by the caller, freed with `prana_execution_free`
/// (exactly once; NULL is a no-op). `prana_execution_restore` restores
/// another state into an existing handle.
///
/// Thread safety: not synchronized. Getters only read and may run
/// concurrently; `_run`, `_resume`, `_cancel`, `_expire` and
/// `_resume_timer` change it and need exclusive access.
pub struct prana_execution {
    pub(crate) state: FfiState,
}

impl prana_execution {
    fn new(state: FfiState) -> Self {
        prana_execution { state }
    }
}

/// What the run calls (`_run`, `_resume`, `_cancel`, `_expire`,
/// `_resume_timer`) need only during a call, kept per thread instead of
/// made per call: the buffers of the core's `Workspace` (rendered params,
/// and a node's output, grown to the largest payload capacity seen), the
/// node callbacks' NUL-terminated strings (see `CHandler`; no allocation
/// per call once grown) and the buffer of a registration's row JSON.
pub(crate) struct RunScratch {
    pub(crate) params: Box<[u8]>,
    output: Vec<u8>,
    strings: Vec<u8>,
    pub(crate) json: [u8; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
}

thread_local! {
    static RUN_SCRATCH: Cell<Option<Box<RunScratch>>> = const { Cell::new(None) };
}

impl RunScratch {
    fn boxed() -> Box<RunScratch> {
        Box::new(RunScratch {
            params: vec![0u8; PARAMS_LEN].into_boxed_slice(),
            output: Vec::new(),
            strings: Vec::new(),
            json: [0; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
        })
    }

    /// Run `f` with this thread's scratch, taken out of its slot for the
    /// call: a node callback that runs another execution finds the slot
    /// empty and gets a fresh one, as does a call during thread teardown.
    pub(crate) fn with<R>(f: impl FnOnce(&mut RunScratch) -> R) -> R {
        let kept = RUN_SCRATCH.try_with(Cell::take).ok().flatten();
        let mut scratch = kept.unwrap_or_else(RunScratch::boxed);
        let r = f(&mut scratch);
        let _ = RUN_SCRATCH.try_with(|slot| slot.set(Some(scratch)));
        r
    }
}

/// An execution's payload storage: `max_payload` bytes (0 means
/// `PRANA_DEFAULT_MAX_PAYLOAD`), at most `PRANA_MAX_PAYLOAD_CAPACITY`.
fn payload_storage(max_payload: usize) -> FfiResult<Box<[u8]>> {
    let cap = if max_payload == 0 {
        crate::PRANA_DEFAULT_MAX_PAYLOAD
    } else {
        max_payload
    };
    if cap > PRANA_MAX_PAYLOAD_CAPACITY {
        return Err(Fail::new(
            prana_status::PRANA_STATUS_CAPACITY_EXCEEDED,
            format_args!(
                "max_payload is {cap} bytes; the limit is PRANA_MAX_PAYLOAD_CAPACITY \
                 ({PRANA_MAX_PAYLOAD_CAPACITY} bytes)"
            ),
        ));
    }
    Ok(vec![0u8; cap].into_boxed_slice())
}

/// Where an execution stands.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_run_status {
    /// Started, not run yet.
    PRANA_EXECUTION_CREATED = 0,
    /// Waiting at a wait node.
    PRANA_EXECUTION_SUSPENDED = 1,
    /// Finished: a port without a connection was reached.
    PRANA_EXECUTION_COMPLETED = 2,
    /// A node failed.
    PRANA_EXECUTION_FAILED = 3,
    /// Cancelled at a wait node whose `cancel` port leads nowhere.
    PRANA_EXECUTION_CANCELLED = 4,
}

/// The mode of a wait.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_wait_mode {
    /// Not waiting.
    PRANA_WAIT_NONE = 0,
    /// `interval`: resume at `resume_at` with `prana_execution_resume_timer`.
    PRANA_WAIT_INTERVAL = 1,
    /// `schedule`: resume at `resume_at` with `prana_execution_resume_timer`.
    PRANA_WAIT_SCHEDULE = 2,
    /// `webhook`: resume through the resume URL (`prana_execution_resume`), or
    /// `prana_execution_expire` once `resume_at` (the expiry) has passed.
    PRANA_WAIT_WEBHOOK = 3,
}

/// How an execution call ended.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_outcome {
    /// A port without a connection was reached; the last output is
    /// `prana_execution_output`.
    PRANA_OUTCOME_COMPLETED = 1,
    /// Waiting at wait node `node_id`.
    PRANA_OUTCOME_SUSPENDED = 2,
    /// Node `node_id` failed with `error_code` / `error_message`.
    PRANA_OUTCOME_FAILED = 3,
    /// Cancelled at wait node `node_id` (its `cancel` port leads nowhere).
    PRANA_OUTCOME_CANCELLED = 4,
}

/// Borrowed text handed to a node handler: `ptr` points to `len` bytes of
/// UTF-8 followed by a NUL (so it is also a C string). Valid only during
/// the callback.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_str {
    /// The text (NUL-terminated).
    pub ptr: *const c_char,
    /// Its length without the NUL.
    pub len: usize,
}

/// What a node handler is asked to run. Every string is valid only during
/// the callback.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_node_call {
    /// The execution id.
    pub execution_id: prana_str,
    /// The workflow id.
    pub workflow_id: prana_str,
    /// The node id (its `key`).
    pub node_id: prana_str,
    /// The node `type` (anything but `wait` and `trigger`, which the library runs).
    pub node_type: prana_str,
    /// The node's params, a JSON object, with `{{ $execution... }}` expressions rendered.
    pub params: prana_str,
    /// The input JSON: the previous node's output, or the trigger or resume payload.
    pub input: prana_str,
    /// The `now` passed to the execution call, unix ms.
    pub now: u64,
}

/// What a node handler reports, in a struct the library zeroes before the
/// call. On success set `output_len` (JSON bytes written to `output`; 0
/// means `null`) and optionally `port` ("" means "main"). On failure
/// (return false) set `error_code` (snake_case; "" gives "node_failed") and
/// `error_message`. Strings must be NUL-terminated within their arrays.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_node_result {
    /// Bytes of JSON written at the start of `output`.
    pub output_len: usize,
    /// The output port: 1-32 bytes of `[a-z0-9_]`, or "" for "main".
    pub port: [c_char; PRANA_PORT_BUF_SIZE],
    /// The error code when failing.
    pub error_code: [c_char; PRANA_ERROR_CODE_BUF_SIZE],
    /// The error message when failing.
    pub error_message: [c_char; PRANA_ERROR_MESSAGE_BUF_SIZE],
}

/// A node handler: runs every node whose type is not `wait` or `trigger`.
///
/// `user_data` is the pointer given to the execution call. Write the node's
/// JSON output to `output` (at most `output_cap` bytes, the execution's
/// payload capacity, no NUL needed) and fill `*result`; return true on success, false
/// to fail the execution at this node. The output must be valid JSON or the
/// node fails with "invalid_node_output"; a bad port fails it with
/// "invalid_port". What `output` holds on entry is unspecified (zeros, or
/// bytes earlier calls on the same thread left there); only the first
/// `output_len` bytes count.
///
/// The callback runs on the calling thread, must return normally (no
/// `longjmp`, no C++ exception), and must not use the execution handle of
/// the running call; other library functions may be called.
///
/// The handler may be NULL while no host node runs (a workflow that only
/// triggers and waits, or a resume that goes straight to the end). When a
/// call with a NULL handler reaches a host node, that node fails with code
/// "no_node_handler", the execution records the failure, and the call
/// returns `PRANA_STATUS_NO_NODE_HANDLER` (the message names the node).
pub type prana_node_handler = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        call: *const prana_node_call,
        output: *mut c_char,
        output_cap: usize,
        result: *mut prana_node_result,
    ) -> bool,
>;

/// The result of `prana_execution_run`, `_resume`, `_expire` and
/// `_resume_timer`. Plain data (about 7 KiB).
///
/// On success every field is set (a string that does not apply to the
/// outcome is ""), but only as far as it is valid: each string up to and
/// including its NUL, and the first `transition_count` entries of
/// `transitions`. The bytes after a NUL and the entries after those keep
/// whatever the caller's memory held (the struct is not zeroed per call):
/// read strings as NUL-terminated and transitions up to the count. A caller
/// that copies or reads the struct as a whole from a language where
/// uninitialized bytes matter (Rust's `MaybeUninit::assume_init`) zeroes it
/// once before the first call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_run_result {
    /// Completed, suspended or failed.
    pub outcome: prana_outcome,
    /// The wait node (suspended) or the failing node (failed); "" when completed.
    pub node_id: [c_char; PRANA_ID_PART_BUF_SIZE],
    /// Suspended: the wait mode; else `PRANA_WAIT_NONE`.
    pub wait_mode: prana_wait_mode,
    /// Suspended: when the wait ends, unix ms (`resume_at` of a timer, the
    /// expiry of a webhook); else 0.
    pub resume_at: u64,
    /// Webhook wait: the timeout in ms; else 0.
    pub timeout_ms: u64,
    /// Webhook wait: the resume ID the execution waits for; else "".
    pub resume_id: [c_char; PRANA_RESUME_ID_BUF_SIZE],
    /// Webhook wait: its resume URL, with `?sig={key_id}.{mac}` when the
    /// execution was started with a key set; else "".
    pub resume_url: [c_char; PRANA_URL_BUF_SIZE],
    /// Webhook wait: the activated registration (with its `webhook_config`)
    /// as JSON, to persist (`prana_registration_from_json` reads it): the
    /// same text as `prana_execution_registration_json` of `resume_id`;
    /// else "".
    pub registration_json: [c_char; crate::PRANA_REGISTRATION_JSON_BUF_SIZE],
    /// Schedule wait: the `timezone` parameter; else "".
    pub timezone: [c_char; PRANA_TIMEZONE_BUF_SIZE],
    /// Failed: the node error code; else "".
    pub error_code: [c_char; PRANA_ERROR_CODE_BUF_SIZE],
    /// Failed: the node error message; else "".
    pub error_message: [c_char; PRANA_ERROR_MESSAGE_BUF_SIZE],
    /// Number of entries used in `transitions`.
    pub transition_count: usize,
    /// The registration changes this call made, each once, to apply with
    /// compare-and-set in order, each with its row from
    /// `prana_execution_registration_json`: activations, and the expiry of
    /// open registrations when the execution ends. Never the transition
    /// the host applied before `prana_execution_resume` / `_cancel`.
    pub transitions: [prana_transition; PRANA_MAX_WAIT_NODES],
}

fn wait_mode_of(m: Option<WaitMode>) -> prana_wait_mode {
    match m {
        None => prana_wait_mode::PRANA_WAIT_NONE,
        Some(WaitMode::Interval) => prana_wait_mode::PRANA_WAIT_INTERVAL,
        Some(WaitMode::Schedule) => prana_wait_mode::PRANA_WAIT_SCHEDULE,
        Some(WaitMode::Webhook) => prana_wait_mode::PRANA_WAIT_WEBHOOK,
    }
}

/// Write `s` (cut at a character boundary to fit) and a NUL at the start
/// of the array at `dst`; the bytes after the NUL are left as they are.
///
/// # Safety
/// `dst` must be valid for writes of `N` bytes.
unsafe fn put_text<const N: usize>(dst: *mut [c_char; N], s: &str) -> usize {
    let mut n = s.len().min(N.saturating_sub(1));
    while n > 0 && !s.is_char_boundary(n) {
        n -= 1;
    }
    if N > 0 {
        let dst = dst.cast::<u8>();
        // SAFETY: n < N bytes of text and the NUL at n fit the array (the
        // caller's promise); the source is a Rust string, not the array.
        unsafe {
            core::ptr::copy_nonoverlapping(s.as_ptr(), dst, n);
            dst.add(n).write(0);
        }
    }
    n
}

/// Write the result of a run call into `*p`, field by field: every field
/// is set (strings that do not apply to the outcome to ""), but only the
/// text of each string up to its NUL and the first `transition_count`
/// transitions; the rest of the ~7 KiB struct is not touched (zeroing it
/// per call cost as much as the writes). `registration_json` is the JSON
/// of the registration a webhook wait activated (serialized beforehand
/// because that can fail).
///
/// # Safety
/// `p` must be valid and aligned for writes of one `prana_run_result`.
unsafe fn write_run_result(p: *mut prana_run_result, r: &FfiRunResult, registration_json: &str) {
    use core::ptr::addr_of_mut as at;
    let (outcome, node_id, mode, resume_at) = match &r.outcome {
        Outcome::Completed => (prana_outcome::PRANA_OUTCOME_COMPLETED, "", None, 0),
        Outcome::Suspended {
            node_id,
            suspension,
        } => (
            prana_outcome::PRANA_OUTCOME_SUSPENDED,
            node_id.as_str(),
            Some(suspension.mode()),
            suspension.deadline(),
        ),
        Outcome::Failed { node_id, .. } => (
            prana_outcome::PRANA_OUTCOME_FAILED,
            node_id.as_str(),
            None,
            0,
        ),
        Outcome::Cancelled { node_id } => (
            prana_outcome::PRANA_OUTCOME_CANCELLED,
            node_id.as_str(),
            None,
            0,
        ),
    };
    let (mut timeout_ms, mut resume_id, mut resume_url, mut json, mut timezone) =
        (0, "", "", "", "");
    if let Outcome::Suspended { suspension, .. } = &r.outcome {
        match suspension {
            Suspension::Interval { .. } => {}
            Suspension::Schedule { timezone: tz, .. } => timezone = tz.as_str(),
            Suspension::Webhook {
                registration,
                resume_url: url,
                timeout_ms: t,
            } => {
                timeout_ms = *t;
                resume_id = registration.resume_id.as_str();
                resume_url = url.as_str();
                json = registration_json;
            }
        }
    }
    let (code, message) = match &r.outcome {
        Outcome::Failed { error, .. } => (error.code.as_str(), error.message.as_str()),
        _ => ("", ""),
    };
    let count = r.transitions.len().min(PRANA_MAX_WAIT_NODES);
    // SAFETY: `p` is valid for one `prana_run_result` (the caller's
    // promise); every write goes to one of its fields, through raw
    // pointers (no reference to possibly uninitialized memory is made),
    // and `put_text` writes inside its array.
    unsafe {
        at!((*p).outcome).write(outcome);
        put_text(at!((*p).node_id), node_id);
        at!((*p).wait_mode).write(wait_mode_of(mode));
        at!((*p).resume_at).write(resume_at);
        at!((*p).timeout_ms).write(timeout_ms);
        put_text(at!((*p).resume_id), resume_id);
        put_text(at!((*p).resume_url), resume_url);
        put_text(at!((*p).registration_json), json);
        put_text(at!((*p).timezone), timezone);
        put_text(at!((*p).error_code), code);
        put_text(at!((*p).error_message), message);
        at!((*p).transition_count).write(count);
        let slots = at!((*p).transitions).cast::<prana_transition>();
        for (i, t) in r.transitions.iter().take(count).enumerate() {
            let slot = slots.add(i);
            at!((*slot).from).write(t.from.into());
            at!((*slot).to).write(t.to.into());
            let n = put_text(at!((*slot).resume_id), t.resume_id.as_str());
            at!((*slot).resume_id_len).write(n);
        }
    }
}

/// The JSON of the registration a webhook wait activated (empty for any
/// other outcome), into `buf`.
fn activated_registration_json<'b>(
    r: &FfiRunResult,
    buf: &'b mut [u8; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
) -> FfiResult<&'b str> {
    let n = match &r.outcome {
        Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } => registration.to_json(buf)?,
        _ => 0,
    };
    core::str::from_utf8(&buf[..n]).map_err(|_| Fail::invalid("registration JSON is not UTF-8"))
}

/// The text of a NUL-terminated array written by C, if it is one (invalid
/// UTF-8 replaced). Borrowed when valid: no allocation per node call.
fn array_text(a: &[c_char]) -> Option<Cow<'_, str>> {
    // SAFETY: `c_char` and `u8` have the same size and alignment and every
    // bit pattern is valid for both; the slice covers the same memory.
    let bytes = unsafe { core::slice::from_raw_parts(a.as_ptr().cast::<u8>(), a.len()) };
    // A plain loop, not `CStr::from_bytes_until_nul`: the text is a few
    // bytes (a port name), shorter than memchr's setup.
    let text = &bytes[..bytes.iter().position(|&b| b == 0)?];
    Some(match core::str::from_utf8(text) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(text),
    })
}

/// The C callback as a core [`NodeHandler`].
pub(crate) struct CHandler<'s> {
    /// The host's callback; NULL (None) until a host node needs it.
    f: prana_node_handler,
    /// Set when a host node was reached without a callback.
    missing: Option<NodeMissing>,
    user_data: *mut c_void,
    /// NUL-terminated copies of a call's strings, one after the other;
    /// reused for every node (kept per thread, see `RunScratch`: no
    /// allocation per string, node or call once it has grown).
    scratch: &'s mut Vec<u8>,
    /// Address and length of the execution and workflow ids whose copies
    /// start `scratch`, once the first node has run.
    ids: Option<[(usize, usize); 2]>,
}

/// The id of the host node that found no handler (an id part: at most 64
/// bytes, kept inline so the handler allocates nothing).
struct NodeMissing {
    id: [u8; crate::PRANA_MAX_ID_PART_LEN],
    len: usize,
}

impl NodeMissing {
    fn of(node_id: &str) -> NodeMissing {
        let mut id = [0u8; crate::PRANA_MAX_ID_PART_LEN];
        let mut len = node_id.len().min(id.len());
        while !node_id.is_char_boundary(len) {
            len -= 1;
        }
        id[..len].copy_from_slice(&node_id.as_bytes()[..len]);
        NodeMissing { id, len }
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.id[..self.len]).unwrap_or("?")
    }
}

impl NodeHandler for CHandler<'_> {
    fn run(&mut self, call: &NodeCall<'_>, output: &mut [u8]) -> Result<NodeOutput, NodeError> {
        let Some(f) = self.f else {
            self.missing = Some(NodeMissing::of(call.node_id));
            return Err(NodeError::new(
                "no_node_handler",
                "a host node was reached but the node handler is NULL",
            ));
        };
        let texts = [
            call.execution_id,
            call.workflow_id,
            call.node_id,
            call.node_type,
            call.params,
            call.input,
        ];
        // The two ids are the same for every node of a run call: copied
        // once, kept at the start of `scratch` while they stay the same.
        let ids = [
            (call.execution_id.as_ptr() as usize, call.execution_id.len()),
            (call.workflow_id.as_ptr() as usize, call.workflow_id.len()),
        ];
        let mut starts = [0usize; 6];
        let first = match self.ids {
            Some(kept) if kept == ids => {
                starts[1] = ids[0].1 + 1;
                2
            }
            _ => {
                self.scratch.clear();
                self.ids = Some(ids);
                0
            }
        };
        let keep = if first == 2 {
            ids[0].1 + ids[1].1 + 2
        } else {
            0
        };
        self.scratch.truncate(keep);
        self.scratch
            .reserve(texts[first..].iter().map(|t| t.len() + 1).sum::<usize>());
        for (start, t) in starts[first..].iter_mut().zip(&texts[first..]) {
            *start = self.scratch.len();
            self.scratch.extend_from_slice(t.as_bytes());
            self.scratch.push(0);
        }
        // Pointers are taken only now: `scratch` does not grow any more.
        let base = self.scratch.as_ptr();
        let s = |i: usize| prana_str {
            // `starts[i]` is inside `scratch` (its text and NUL were pushed).
            ptr: base.wrapping_add(starts[i]).cast(),
            len: texts[i].len(),
        };
        let c_call = prana_node_call {
            execution_id: s(0),
            workflow_id: s(1),
            node_id: s(2),
            node_type: s(3),
            params: s(4),
            input: s(5),
            now: call.now,
        };
        let mut result = prana_node_result {
            output_len: 0,
            port: [0; PRANA_PORT_BUF_SIZE],
            error_code: [0; PRANA_ERROR_CODE_BUF_SIZE],
            error_message: [0; PRANA_ERROR_MESSAGE_BUF_SIZE],
        };
        // SAFETY: `f` is the host's callback (non-NULL, checked above); every pointer passed is valid for the call: `c_call` and
        // the strings it points to (in `scratch`, not touched until the
        // callback returns) live until the end of this function, `output`
        // is a writable Rust buffer of `output.len()` bytes, and `result` is
        // a local. The header requires the callback to return normally.
        let ok = unsafe {
            f(
                self.user_data,
                &c_call,
                output.as_mut_ptr().cast(),
                output.len(),
                &mut result,
            )
        };
        if !ok {
            let code = array_text(&result.error_code)
                .filter(|c| !c.is_empty())
                .unwrap_or(Cow::Borrowed("node_failed"));
            let message = array_text(&result.error_message)
                .filter(|m| !m.is_empty())
                .unwrap_or(Cow::Borrowed("the node handler failed"));
            return Err(NodeError::new(&code, &message));
        }
        if result.output_len > output.len() {
            return Err(NodeError::new(
                "invalid_node_output",
                "output_len exceeds the output buffer",
            ));
        }
        // SAFETY: as in `array_text`: c_char and u8 have the same layout.
        let port_bytes: &[u8; PRANA_PORT_BUF_SIZE] =
            unsafe { &*result.port.as_ptr().cast::<[u8; PRANA_PORT_BUF_SIZE]>() };
        let port_len = port_bytes.iter().position(|&b| b == 0);
        match port_len.map(|n| &port_bytes[..n]) {
            Some([]) => Ok(NodeOutput::main(result.output_len)),
            // ASCII (so UTF-8): the port name check decides.
            Some(p) if p.is_ascii() => {
                // SAFETY: every byte is below 0x80, and ASCII is valid UTF-8.
                let p = unsafe { core::str::from_utf8_unchecked(p) };
                NodeOutput::new(p, result.output_len)
            }
            _ => {
                let port = array_text(&result.port).ok_or_else(|| {
                    NodeError::new("invalid_port", "the handler's port is not NUL-terminated")
                })?;
                NodeOutput::new(&port, result.output_len)
            }
        }
    }
}

/// Parse and validate a workflow definition (JSON text; the library keeps a
/// copy). Errors: `PRANA_STATUS_WORKFLOW_*`, `PRANA_STATUS_INVALID_JSON`,
/// `PRANA_STATUS_CAPACITY_EXCEEDED`. On success `*out` receives a new handle.
#[no_mangle]
pub extern "C" fn prana_workflow_new(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut prana_workflow,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let j = text(json, json_len, "json")?;
        let out = Out::new(out, "out")?;
        let owned = String::from(j);
        // SAFETY: the `&'static str` points into the heap allocation of
        // `owned`, which moves into the same `prana_workflow` as the parsed
        // workflow and is never mutated or freed before it: `wf` is dropped
        // first (field order) and no reference with the fake lifetime leaves
        // this module (accessors reborrow for the handle's lifetime).
        let text_ref: &'static str = unsafe { &*(owned.as_str() as *const str) };
        let wf = FfiWorkflow::parse_with_capacity(text_ref)?;
        out.write(abi::into_handle(prana_workflow { wf, _text: owned }));
        Ok(())
    })
}

/// Free a workflow. NULL is a no-op.
#[no_mangle]
pub extern "C" fn prana_workflow_free(workflow: *mut prana_workflow) {
    abi::free_handle(workflow);
}

pub(crate) fn wf_ref<'a>(w: *const prana_workflow) -> FfiResult<&'a FfiWorkflow<'a>> {
    handle(w, "workflow").map(|w| &w.wf)
}

/// Write the workflow id.
#[no_mangle]
pub extern "C" fn prana_workflow_id(
    workflow: *const prana_workflow,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let w = wf_ref(workflow)?;
        StrOut::new(buf, len, out_len)?.write(w.id())
    })
}

/// Start an execution of `workflow` with id `execution_id` (1-64 bytes of
/// `[A-Za-z0-9_-]`): one pending registration with a fresh resume ID (from
/// `generator`) per wait node in webhook mode; nothing runs yet. Persist
/// its registrations (`prana_execution_registration`), then call
/// `prana_execution_run`. On success `*out` receives a new handle, to free
/// with `prana_execution_free`.
///
/// `keys` may be NULL: the resume URLs are unsigned. With a key set each
/// resume ID is signed once with its current key, and every URL of it
/// carries `?sig={key_id}.{mac}` (rendered `{{ $execution.<node_id>.resume_url }}`,
/// `prana_execution_render`, `prana_run_result.resume_url`). The execution
/// keeps the signature (not the key), so it survives `prana_execution_to_json`
/// and `prana_execution_restore`. A non-NULL but empty set is
/// `PRANA_STATUS_NO_SIGNING_KEY`. `keys` and `base` are only read during the
/// call. Thread safety: the generator's (one thread at a time).
///
/// `max_payload` is the execution's payload capacity in bytes: the largest
/// trigger payload, node output and resume payload it holds (0 means
/// `PRANA_DEFAULT_MAX_PAYLOAD`, 64 KiB; at most
/// `PRANA_MAX_PAYLOAD_CAPACITY`, else `PRANA_STATUS_CAPACITY_EXCEEDED`).
/// The storage is allocated once, with the handle; the capacity is kept
/// across `prana_execution_restore`.
#[no_mangle]
pub extern "C" fn prana_execution_start(
    workflow: *const prana_workflow,
    execution_id: *const c_char,
    execution_id_len: usize,
    base: *const prana_base_url,
    keys: *const crate::signatures::prana_key_set,
    generator: *mut crate::ids::prana_id_generator,
    now: u64,
    max_payload: usize,
    out: *mut *mut prana_execution,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let w = wf_ref(workflow)?;
        let e = text(execution_id, execution_id_len, "execution_id")?;
        let b = base_ref(base)?;
        let k = crate::signatures::key_set_opt(keys)?;
        let g = generator_mut(generator)?;
        let out = Out::new(out, "out")?;
        let key = match k {
            None => None,
            Some(ks) => Some(ks.current().ok_or(prana_webhook_core::Error::Signature(
                prana_webhook_core::token::SignatureError::NoSigningKey,
            ))?),
        };
        // Started where it stays: the handle's heap slot (no copy of the
        // ~11 KiB state after the start).
        let mut x = Box::new(prana_execution::new(FfiState::with_buffer(
            payload_storage(max_payload)?,
        )));
        executor::start_into(&mut x.state, w, e, b, g, now, key)?;
        out.write(Box::into_raw(x));
        Ok(())
    })
}

/// Restore an execution from its JSON form into a new handle with a
/// payload capacity of `max_payload` bytes (0 means
/// `PRANA_DEFAULT_MAX_PAYLOAD`; give the capacity it was started with, or
/// more). On success `*out` receives the handle. Errors:
/// `PRANA_STATUS_INVALID_JSON`, `PRANA_STATUS_EXECUTION_BAD_STATE`,
/// `PRANA_STATUS_CAPACITY_EXCEEDED` (an output larger than the capacity),
/// id and URL statuses.
#[no_mangle]
pub extern "C" fn prana_execution_from_json(
    json: *const c_char,
    json_len: usize,
    max_payload: usize,
    out: *mut *mut prana_execution,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let j = text(json, json_len, "json")?;
        let out = Out::new(out, "out")?;
        let mut x = Box::new(prana_execution::new(FfiState::with_buffer(
            payload_storage(max_payload)?,
        )));
        x.state.load_json(j.as_bytes())?;
        out.write(Box::into_raw(x));
        Ok(())
    })
}

/// Restore an execution from its JSON form into an existing handle (made by
/// `prana_execution_start` or `_from_json`), checking every field exactly
/// as `prana_execution_from_json` does; what the handle held before does
/// not matter, its payload capacity stays. The cheap way to restore: a host that keeps
/// one handle per worker reuses it for every execution it loads, with no
/// allocation and no 16 KiB copy (the base URL is parsed again only when it
/// differs from the handle's).
///
/// On failure the handle holds an empty execution that belongs to no
/// workflow (every `_run`, `_resume`, `_expire` and `_resume_timer` refuses
/// it with `PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH`) until a later
/// `prana_execution_restore` succeeds; it still has to be freed. Errors
/// as `prana_execution_from_json`, and `PRANA_STATUS_NULL_ARGUMENT` for a
/// NULL `execution`.
#[no_mangle]
pub extern "C" fn prana_execution_restore(
    execution: *mut prana_execution,
    json: *const c_char,
    json_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = handle_mut(execution, "execution")?;
        let json_len = abi::text_len(json, json_len);
        let j = abi::bytes(json.cast::<u8>(), json_len, "json")?;
        // The core checks UTF-8 itself, and JSON has no raw NUL: accepted
        // text is valid input. Only a refusal looks for the reason the C
        // ABI reports first (not UTF-8, NUL), so valid states are not
        // scanned twice.
        match x.state.load_json(j) {
            Ok(()) => Ok(()),
            Err(e) => {
                text(json, json_len, "json")?;
                Err(e.into())
            }
        }
    })
}

/// Write the execution's JSON form, for the host's store (a buffer of
/// `PRANA_EXECUTION_JSON_FIXED_LEN` + the payload capacity + 1 bytes
/// always suffices; `PRANA_EXECUTION_JSON_BUF_SIZE` for the default
/// capacity; a size query gives the exact size).
#[no_mangle]
pub extern "C" fn prana_execution_to_json(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = handle(execution, "execution")?;
        let out = StrOut::new(buf, len, out_len)?;
        // A buffer of PRANA_EXECUTION_JSON_BUF_SIZE (the usual call) is
        // written in place; only smaller ones go through a temporary.
        out.write_serialized(x.state.max_json_len(), |b| x.state.to_json(b))
    })
}

/// Free an execution. NULL is a no-op.
#[no_mangle]
pub extern "C" fn prana_execution_free(execution: *mut prana_execution) {
    abi::free_handle(execution);
}

pub(crate) fn run_call(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    out: *mut prana_run_result,
    body: impl FnOnce(
        &FfiWorkflow<'_>,
        &mut FfiState,
        &mut FfiWorkspace<'_>,
        &mut CHandler<'_>,
    ) -> prana_webhook_core::Result<FfiRunResult>,
) -> FfiResult {
    let w = wf_ref(workflow)?;
    let x = handle_mut(execution, "execution")?;
    let out = Out::new(out, "out")?;
    RunScratch::with(|scratch| {
        // A node's output gets the execution's payload capacity.
        let cap = x.state.output_capacity();
        if scratch.output.len() < cap {
            scratch.output.resize(cap, 0);
        }
        let mut ws = FfiWorkspace::with_buffers(&mut scratch.params, &mut scratch.output[..cap]);
        let mut h = CHandler {
            f: handler,
            missing: None,
            user_data,
            scratch: &mut scratch.strings,
            ids: None,
        };
        let r = body(w, &mut x.state, &mut ws, &mut h)?;
        if let Some(m) = h.missing {
            return Err(Fail::new(
                prana_status::PRANA_STATUS_NO_NODE_HANDLER,
                format!(
                    "node '{}' needs the host's node handler, which is NULL; the execution \
                     recorded the node as failed (no_node_handler)",
                    m.as_str()
                ),
            ));
        }
        let registration_json = activated_registration_json(&r, &mut scratch.json)?;
        // SAFETY: `out` is non-NULL and, by the header's contract, valid
        // and aligned for one `prana_run_result` that nothing else touches
        // during the call. Written only now that nothing can fail.
        unsafe { write_run_result(out.as_ptr(), &r, registration_json) };
        Ok(())
    })
}

/// Run a started execution from the start node with the trigger payload
/// `input` (JSON, at most the execution's payload capacity) until it completes,
/// fails or suspends. Nodes other than `wait` and `trigger` go to `handler`
/// (with `user_data`). A failing node is an outcome, not a call failure;
/// the call fails (changing nothing) for bad arguments or
/// `PRANA_STATUS_EXECUTION_ALREADY_STARTED` / `_WORKFLOW_MISMATCH`.
#[no_mangle]
pub extern "C" fn prana_execution_run(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    input: *const c_char,
    input_len: usize,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let i = text(input, input_len, "input")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h| executor::run_in(w, s, ws, h, i, now),
        )
    })
}

/// Resume a webhook wait whose registration the host has already moved
/// active -> consumed: `applied` is the transition `prana_resume_decide`
/// returned and the host's compare-and-set applied (exactly one row
/// changed). The request brought `payload` (JSON, at most the execution's
/// payload capacity); the execution continues through the wait node's
/// `main` port with it as input. The result's transitions never repeat
/// `applied`: apply every one of them, in order, each with its row from
/// `prana_execution_registration_json`.
///
/// Refused, changing nothing: a transition other than active -> consumed
/// or for a registration the execution does not hold active
/// (`PRANA_STATUS_EXECUTION_NOT_APPLIED`),
/// `PRANA_STATUS_EXECUTION_NOT_SUSPENDED` ("Can only resume suspended
/// executions"), `_UNKNOWN_RESUME_ID`, `_NOT_WAITING_HERE`,
/// `_WORKFLOW_MISMATCH`, `PRANA_STATUS_CAPACITY_EXCEEDED` (payload).
#[no_mangle]
pub extern "C" fn prana_execution_resume(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    applied: *const prana_transition,
    payload: *const c_char,
    payload_len: usize,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let t = crate::route::transition_in(applied, "applied")?;
        let p = text(payload, payload_len, "payload")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h| {
                let mut r = FfiRunResult::new();
                executor::resume_applied_into(w, s, ws, h, &t, p, now, &mut r)?;
                Ok(r)
            },
        )
    })
}

/// Expire a webhook wait (its timeout passed, or the host gives up): the
/// registration becomes expired and the execution continues through the
/// wait node's `timeout` port. The time is not checked.
#[no_mangle]
pub extern "C" fn prana_execution_expire(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    resume_id: *const c_char,
    resume_id_len: usize,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let r = text(resume_id, resume_id_len, "resume_id")?;
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h| executor::expire_in(w, s, ws, h, r, now),
        )
    })
}

/// Continue an interval or schedule wait once `now` has reached its
/// `resume_at`. Refused: `PRANA_STATUS_EXECUTION_NOT_DUE`, `_NOT_TIMER`,
/// `_NOT_SUSPENDED`.
#[no_mangle]
pub extern "C" fn prana_execution_resume_timer(
    workflow: *const prana_workflow,
    execution: *mut prana_execution,
    handler: prana_node_handler,
    user_data: *mut c_void,
    now: u64,
    out: *mut prana_run_result,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        run_call(
            workflow,
            execution,
            handler,
            user_data,
            out,
            |w, s, ws, h| executor::resume_timer_in(w, s, ws, h, now),
        )
    })
}

pub(crate) fn exec_ref<'a>(x: *const prana_execution) -> FfiResult<&'a FfiState> {
    handle(x, "execution").map(|x| &x.state)
}

/// Where the execution stands.
#[no_mangle]
pub extern "C" fn prana_execution_status(
    execution: *const prana_execution,
    out: *mut prana_run_status,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let st = match x.status() {
            ExecutionStatus::Created => prana_run_status::PRANA_EXECUTION_CREATED,
            ExecutionStatus::Suspended => prana_run_status::PRANA_EXECUTION_SUSPENDED,
            ExecutionStatus::Completed => prana_run_status::PRANA_EXECUTION_COMPLETED,
            ExecutionStatus::Failed => prana_run_status::PRANA_EXECUTION_FAILED,
            ExecutionStatus::Cancelled => prana_run_status::PRANA_EXECUTION_CANCELLED,
        };
        Out::new(out, "out")?.write(st);
        Ok(())
    })
}

/// The mode of the wait the execution is suspended in (`PRANA_WAIT_NONE`
/// when not suspended).
#[no_mangle]
pub extern "C" fn prana_execution_wait_mode(
    execution: *const prana_execution,
    out: *mut prana_wait_mode,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        Out::new(out, "out")?.write(wait_mode_of(x.wait_mode()));
        Ok(())
    })
}

/// When the current wait ends (unix ms): a timer's `resume_at` or a
/// webhook's expiry, after which the host calls `prana_execution_expire`.
/// `*out_has` is false (and `*out` 0) when not waiting.
#[no_mangle]
pub extern "C" fn prana_execution_resume_at(
    execution: *const prana_execution,
    out_has: *mut bool,
    out: *mut u64,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let out_has = Out::new(out_has, "out_has")?;
        let out = Out::new(out, "out")?;
        out_has.write(x.resume_at().is_some());
        out.write(x.resume_at().unwrap_or(0));
        Ok(())
    })
}

/// Shared body of the string getters.
fn exec_str(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
    get: impl FnOnce(&FfiState) -> &str,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let out = StrOut::new(buf, len, out_len)?;
        out.write(get(x))
    })
}

/// Write the wait node the execution is suspended at, or the node that
/// failed; "" otherwise.
#[no_mangle]
pub extern "C" fn prana_execution_current_node(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    exec_str(execution, buf, len, out_len, err, |x| {
        x.current_node().unwrap_or("")
    })
}

/// Write the resume ID the execution waits for (suspended at a webhook
/// wait); "" otherwise.
#[no_mangle]
pub extern "C" fn prana_execution_waiting_resume_id(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    exec_str(execution, buf, len, out_len, err, |x| {
        x.waiting_resume_id().map_or("", |r| r.as_str())
    })
}

/// Write the last output (JSON): of the last node run, or the trigger or
/// resume payload; `null` before the first run. At most the execution's
/// payload capacity + NUL.
#[no_mangle]
pub extern "C" fn prana_execution_output(
    execution: *const prana_execution,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    exec_str(execution, buf, len, out_len, err, |x| x.output())
}

/// The number of registrations (one per wait node in webhook mode).
#[no_mangle]
pub extern "C" fn prana_execution_registration_count(
    execution: *const prana_execution,
    out: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        Out::new(out, "out")?.write(x.context().slots().len());
        Ok(())
    })
}

/// Copy registration `index` (0 to count - 1, in workflow order) into a new
/// handle in `*out`: its resume ID, status and times (its `webhook_config`
/// is `{}`; the row to store, with the config once activated, is
/// `prana_execution_registration_json`). After `prana_execution_start`,
/// iterate the registrations with this to learn their resume IDs. An index
/// out of range is `PRANA_STATUS_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn prana_execution_registration(
    execution: *const prana_execution,
    index: usize,
    out: *mut *mut prana_registration,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let out = Out::new(out, "out")?;
        let count = x.context().slots().len();
        let reg = x.context().registrations().nth(index).ok_or_else(|| {
            Fail::invalid(format!(
                "index is {index}; the execution has {count} registrations"
            ))
        })?;
        new_registration_handle(out, reg)
    })
}

/// Render `template`, resolving `{{ $execution.id }}`,
/// `{{ $execution.workflow_id }}`, `{{ $execution.<node_id>.resume_url }}`
/// and `.resume_id`. Unknown nodes or fields are errors
/// (`PRANA_STATUS_EXPRESSION_*`), never empty strings. The size needed is
/// exact on `PRANA_STATUS_BUFFER_TOO_SMALL`.
#[no_mangle]
pub extern "C" fn prana_execution_render(
    execution: *const prana_execution,
    template: *const c_char,
    template_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let x = exec_ref(execution)?;
        let t = text(template, template_len, "template")?;
        let out = StrOut::new(buf, len, out_len)?;
        // Count first (an empty buffer reports the size), then render.
        let needed = match x.context().render(t, &mut []) {
            Ok(n) => n,
            Err(prana_webhook_core::Error::BufferTooSmall { needed }) => needed,
            Err(e) => return Err(e.into()),
        };
        out.check_fits(needed)?;
        let mut tmp = vec![0u8; needed];
        let s = x.context().render_str(t, &mut tmp)?;
        out.write(s)
    })
}

/// A static name for a `prana_run_status` ("created", "suspended",
/// "completed", "failed", "cancelled"; "unknown" otherwise). Never NULL.
#[no_mangle]
pub extern "C" fn prana_run_status_name(status: u32) -> *const c_char {
    let name: &CStr = match status {
        0 => c"created",
        1 => c"suspended",
        2 => c"completed",
        3 => c"failed",
        4 => c"cancelled",
        _ => c"unknown",
    };
    name.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::prana_status::PRANA_STATUS_OK as OK;
    use core::mem::MaybeUninit;

    const WF: &str = r#"{"id":"approval","nodes":[
        {"key":"trigger","type":"trigger"},
        {"key":"notify","type":"log","params":{"text":"{{ $execution.wait.resume_url }}"}},
        {"key":"wait","type":"wait","params":{"mode":"webhook","timeout_hours":1}},
        {"key":"done","type":"log"}],
        "connections":[{"from":"trigger","to":"notify"},{"from":"notify","to":"wait"},
        {"from":"wait","to":"done"}]}"#;

    /// Checks that every string is NUL-terminated, then copies the input.
    unsafe extern "C" fn copy_input(
        calls: *mut c_void,
        call: *const prana_node_call,
        output: *mut c_char,
        cap: usize,
        result: *mut prana_node_result,
    ) -> bool {
        // SAFETY: the library passes valid pointers for the callback's
        // duration; `calls` is the test's counter.
        unsafe {
            let c = &*call;
            for s in [
                c.execution_id,
                c.workflow_id,
                c.node_id,
                c.node_type,
                c.params,
                c.input,
            ] {
                assert_eq!(*s.ptr.add(s.len), 0);
                assert_eq!(CStr::from_ptr(s.ptr).to_bytes().len(), s.len);
            }
            assert!(c.input.len <= cap);
            core::ptr::copy_nonoverlapping(c.input.ptr, output, c.input.len);
            (*result).output_len = c.input.len;
            *calls.cast::<usize>() += 1;
        }
        true
    }

    fn p(s: &str) -> *const c_char {
        s.as_ptr().cast()
    }

    #[test]
    fn run_persist_restore_resume_through_the_abi() {
        let (mut w, mut b, mut g, mut x) = (
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        );
        assert_eq!(
            prana_workflow_new(p(WF), WF.len(), &mut w, core::ptr::null_mut()),
            OK
        );
        let base = "https://gw.example.com";
        assert_eq!(
            crate::urls::prana_base_url_new(p(base), base.len(), &mut b, core::ptr::null_mut()),
            OK
        );
        let seed = [1u8; 32];
        assert_eq!(
            crate::ids::prana_id_generator_new(seed.as_ptr(), 32, &mut g, core::ptr::null_mut()),
            OK
        );
        assert_eq!(
            prana_execution_start(
                w,
                p("exec-1"),
                6,
                b,
                core::ptr::null_mut(),
                g,
                1_000,
                0,
                &mut x,
                core::ptr::null_mut()
            ),
            OK
        );

        let mut calls = 0usize;
        let user = (&mut calls as *mut usize).cast::<c_void>();
        // Zeroed: the library writes each string only up to its NUL (all a
        // C caller reads), and Rust may not read the rest if uninitialized.
        let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
        let input = r#"{"n":1}"#;
        let st = prana_execution_run(
            w,
            x,
            Some(copy_input),
            user,
            p(input),
            7,
            1_000,
            r.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(st, OK);
        // SAFETY: zeroed above, the fields set on success: every byte is
        // initialized.
        let rid = unsafe { r.assume_init_ref() }.resume_id;
        assert_eq!(calls, 1);

        // The state JSON straight into an uninitialized buffer of the
        // documented size, then restored into a new handle.
        let mut json = vec![MaybeUninit::<c_char>::uninit(); PRANA_EXECUTION_JSON_BUF_SIZE];
        let mut n = 0usize;
        let st = prana_execution_to_json(
            x,
            json.as_mut_ptr().cast(),
            json.len(),
            &mut n,
            core::ptr::null_mut(),
        );
        assert_eq!(st, OK);
        prana_execution_free(x);
        x = core::ptr::null_mut();
        assert_eq!(
            prana_execution_from_json(json.as_ptr().cast(), n, 0, &mut x, core::ptr::null_mut()),
            OK
        );
        // In place: a bad state leaves the handle empty (no workflow's),
        // the saved one restores it.
        let bad = "{}";
        assert_ne!(
            prana_execution_restore(x, p(bad), bad.len(), core::ptr::null_mut()),
            OK
        );
        // SAFETY: a live handle.
        assert_eq!(unsafe { &*x }.state.workflow_id(), "");
        assert_eq!(
            prana_execution_restore(
                core::ptr::null_mut(),
                json.as_ptr().cast(),
                n,
                core::ptr::null_mut()
            ),
            prana_status::PRANA_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            prana_execution_restore(x, json.as_ptr().cast(), n, core::ptr::null_mut()),
            OK
        );
        // A NUL or a non-UTF-8 byte anywhere gets its own status, as from
        // `text()` (the core refuses the JSON first; the reason is looked
        // for only then), and leaves the handle empty.
        // SAFETY: `to_json` wrote `n` bytes.
        let saved: Vec<u8> = json[..n]
            .iter()
            .map(|c| unsafe { c.assume_init() } as u8)
            .collect();
        for (byte, status) in [
            (0u8, prana_status::PRANA_STATUS_EMBEDDED_NUL),
            (0xff, prana_status::PRANA_STATUS_INVALID_UTF8),
        ] {
            for at in 0..n {
                let mut bad = saved.clone();
                bad[at] = byte;
                assert_eq!(
                    prana_execution_restore(x, bad.as_ptr().cast(), n, core::ptr::null_mut()),
                    status,
                    "byte {byte:#x} at {at}"
                );
                // SAFETY: a live handle.
                assert_eq!(unsafe { &*x }.state.workflow_id(), "");
            }
        }
        assert_eq!(
            prana_execution_restore(x, saved.as_ptr().cast(), n, core::ptr::null_mut()),
            OK
        );

        // The transition the host's decision gave and its compare-and-set
        // applied.
        let applied = prana_transition {
            resume_id: rid,
            resume_id_len: rid.iter().position(|&c| c == 0).unwrap(),
            from: crate::registration::prana_lifecycle_status::PRANA_LIFECYCLE_ACTIVE,
            to: crate::registration::prana_lifecycle_status::PRANA_LIFECYCLE_CONSUMED,
        };
        let payload = r#"{"ok":true}"#;
        let st = prana_execution_resume(
            w,
            x,
            Some(copy_input),
            user,
            &applied,
            p(payload),
            payload.len(),
            2_000,
            r.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(st, OK);
        // SAFETY: written on success.
        let done = unsafe { r.assume_init_ref() };
        assert_eq!(done.outcome, prana_outcome::PRANA_OUTCOME_COMPLETED);
        // The consumption the host applied is not reported again.
        assert_eq!(done.transition_count, 0);
        assert_eq!(calls, 2);

        prana_execution_free(x);
        crate::ids::prana_id_generator_free(g);
        crate::urls::prana_base_url_free(b);
        prana_workflow_free(w);
    }
}
