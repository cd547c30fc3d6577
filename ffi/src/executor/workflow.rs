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
    // `wf` borrows `_text`. Declared first, so it is dropped first. A
    // `String`, not a `Box<str>`: moving a `Box` asserts unique access to
    // its heap text, which would invalidate `wf`'s borrows of it (Miri).
    wf: FfiWorkflow<'static>,
    _text: String,
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
