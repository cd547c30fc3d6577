//! Workflows and executions: start, run, suspend, resume, expire, with node
//! handlers as C callbacks.

use prana_webhook_core::executor;

/// The C ABI's capacities (a server's, larger than the core's
/// microcontroller defaults): a trace for `PRANA_MAX_NODES` nodes, and the
/// payload storage on the heap, its capacity chosen per execution by the
/// host, its bytes grown on use.
const TRACE_LEN: usize = PRANA_MAX_NODES * 98;
pub(crate) type FfiState = executor::ExecutionState<PRANA_MAX_WAIT_NODES, TRACE_LEN, Payload>;
/// The state's JSON without its output: the fixed part.
type EmptyState = executor::ExecutionState<PRANA_MAX_WAIT_NODES, TRACE_LEN, [u8; 0]>;
type FfiWorkspace<'a> = executor::Workspace<&'a mut [u8], &'a mut [u8]>;
/// Capacity for a node's rendered params, in bytes.
pub(crate) const PARAMS_LEN: usize = 4096;
pub(crate) type FfiRunResult = executor::RunResult<PRANA_MAX_WAIT_NODES>;
pub(crate) type FfiWorkflow<'a> = prana_webhook_core::workflow::Workflow<'a, PRANA_MAX_NODES, 128>;

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

// Declared in this order (not sorted) so the generated header keeps its
// order: cbindgen reads the expanded crate.
mod workflow;
// The execution handle's lifecycle.
mod execution;
// The node handler's C types and the trampoline.
mod callback;
// The run calls' result struct.
mod result;
// The run calls.
mod run;
// The getters.
mod getters;
// The run calls' buffers: per thread (std), or in the caller's memory.
mod scratch;
#[cfg(test)]
mod tests;

pub use callback::*;
pub(crate) use execution::Payload;
pub use execution::*;
pub use getters::*;
pub use result::*;
pub use run::*;
#[cfg(feature = "std")]
pub(crate) use scratch::RunScratch;
pub(crate) use scratch::{CallerScratch, Strings};
pub use workflow::*;
