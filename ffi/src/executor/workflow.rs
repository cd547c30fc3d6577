//! The workflow handle: a parsed, validated workflow definition.

use core::ffi::c_char;

use super::*;
use crate::abi::{self, guard, handle, text, FfiResult, Out, StrOut};
use crate::status::{prana_error, prana_status};

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
    cell: WorkflowCell,
}

/// The parsed workflow borrows the text it was parsed from.
type WorkflowOf<'a> = FfiWorkflow<'a>;

self_cell::self_cell!(
    struct WorkflowCell {
        owner: String,
        #[covariant]
        dependent: WorkflowOf,
    }
);

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
        let cell = WorkflowCell::try_new(String::from(j), |text| {
            FfiWorkflow::parse_with_capacity(text)
        })?;
        out.write(abi::into_handle(prana_workflow { cell }));
        Ok(())
    })
}

/// Free a workflow. NULL is a no-op.
#[no_mangle]
pub extern "C" fn prana_workflow_free(workflow: *mut prana_workflow) {
    abi::free_handle(workflow);
}

pub(crate) fn wf_ref<'a>(w: *const prana_workflow) -> FfiResult<&'a FfiWorkflow<'a>> {
    handle(w, "workflow").map(|w| w.cell.borrow_dependent())
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
