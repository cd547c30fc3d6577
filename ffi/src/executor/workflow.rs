//! The workflow handle: a parsed, validated workflow definition.

use core::ffi::c_char;

use super::*;
use crate::abi::{self, guard, handle, text, FfiResult, Out, StrOut};
use crate::status::{prana_error, prana_status};

/// A parsed, validated workflow definition (JSON: `id`, `nodes` with `key`,
/// `type`, `params`, `connections` with `from`, `port`, `to`, optional
/// `start`). `prana_workflow_new` keeps its own copy of the JSON text;
/// `prana_workflow_init` borrows the caller's.
///
/// Ownership: made by `prana_workflow_new`, owned by the caller, freed with
/// `prana_workflow_free` (exactly once; NULL is a no-op), after every
/// execution call that uses it has returned; or placed in caller memory by
/// `prana_workflow_init` (never freed).
///
/// Thread safety: immutable; any number of threads may run executions of
/// one workflow at the same time.
pub struct prana_workflow {
    inner: Inner,
}

// The workflow is inline on purpose: caller memory, no heap.
#[allow(clippy::large_enum_variant)]
enum Inner {
    /// The library's copy of the text and the workflow parsed from it, and
    /// the text's NUL copy with where each node's strings are in it (see
    /// [`NulText`]).
    #[cfg(feature = "std")]
    Owned(WorkflowCell, NulCopy),
    /// Parsed from the caller's text, which outlives the handle (the
    /// header's contract for `prana_workflow_init`), hence `'static`.
    Borrowed(FfiWorkflow<'static>),
}

/// The parsed workflow borrows the text it was parsed from.
#[cfg(feature = "std")]
type WorkflowOf<'a> = FfiWorkflow<'a>;

#[cfg(feature = "std")]
self_cell::self_cell!(
    struct WorkflowCell {
        owner: String,
        #[covariant]
        dependent: WorkflowOf,
    }
);

/// Bytes of caller memory a `prana_workflow` needs (`prana_workflow_init`).
pub const PRANA_WORKFLOW_SIZE: usize = 8448;
/// Alignment a `prana_workflow` needs: memory declared as `uint64_t[]`
/// (or from `malloc`) has it.
pub const PRANA_WORKFLOW_ALIGN: usize = 8;

const _: () = assert!(
    core::mem::size_of::<prana_workflow>() <= PRANA_WORKFLOW_SIZE
        && core::mem::align_of::<prana_workflow>() <= PRANA_WORKFLOW_ALIGN
);

/// Parse and validate a workflow definition (JSON text; the library keeps a
/// copy). Errors: `PRANA_STATUS_WORKFLOW_*`, `PRANA_STATUS_INVALID_JSON`,
/// `PRANA_STATUS_CAPACITY_EXCEEDED`. On success `*out` receives a new handle.
/// Std build only; `prana_workflow_init` places one in caller memory.
#[cfg(feature = "std")]
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
        let nul = NulCopy::of(cell.borrow_owner(), cell.borrow_dependent());
        out.write(abi::into_handle(prana_workflow {
            inner: Inner::Owned(cell, nul),
        }));
        Ok(())
    })
}

/// Parse and validate a workflow definition as `prana_workflow_new` does,
/// into caller memory, without copying the text: `json` must stay valid
/// and unchanged for as long as the handle is used. `mem` holds at least
/// `PRANA_WORKFLOW_SIZE` bytes aligned to `PRANA_WORKFLOW_ALIGN`, else
/// `PRANA_STATUS_INVALID_ARGUMENT`. On success `*out` is the handle
/// (pointing into `mem`). Nothing is allocated and nothing is freed: the
/// handle is valid while `mem` and `json` are, and must never be passed to
/// `prana_workflow_free`. Available in every build (the way to make a
/// workflow without std).
#[no_mangle]
pub extern "C" fn prana_workflow_init(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    json: *const c_char,
    json_len: usize,
    out: *mut *mut prana_workflow,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        // `'static`: the caller keeps the text for the handle's life.
        let j: &'static str = text(json, json_len, "json")?;
        let out = Out::new(out, "out")?;
        // Placed empty, then parsed where it stays: nothing of the
        // workflow's size on the stack (a microcontroller's is small).
        let p = abi::init_in(
            mem,
            mem_len,
            prana_workflow {
                inner: Inner::Borrowed(FfiWorkflow::new()),
            },
        )?;
        let placed = abi::handle_mut(p, "workflow")?;
        // One variant without std.
        #[cfg_attr(not(feature = "std"), allow(clippy::infallible_destructuring_match))]
        let wf = match &mut placed.inner {
            Inner::Borrowed(wf) => wf,
            #[cfg(feature = "std")]
            Inner::Owned(..) => unreachable!("placed as borrowed just above"),
        };
        wf.parse_into(j)?;
        out.write(p);
        Ok(())
    })
}

/// Free a workflow made by `prana_workflow_new`. NULL is a no-op. Never
/// pass a handle made by `prana_workflow_init`. Std build only.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_workflow_free(workflow: *mut prana_workflow) {
    abi::free_handle(workflow);
}

pub(crate) fn wf_ref<'a>(w: *const prana_workflow) -> FfiResult<&'a FfiWorkflow<'a>> {
    wf_with_nul(w).map(|(wf, _)| wf)
}

/// The workflow and, for a heap handle, its text's NUL copy.
pub(crate) fn wf_with_nul<'a>(
    w: *const prana_workflow,
) -> FfiResult<(&'a FfiWorkflow<'a>, Option<NulText<'a>>)> {
    handle(w, "workflow").map(|w| match &w.inner {
        #[cfg(feature = "std")]
        Inner::Owned(cell, nul) => {
            let base = cell.borrow_owner().as_ptr() as usize;
            let text = NulText {
                base,
                copy: &nul.copy,
                nodes: &nul.nodes,
            };
            (cell.borrow_dependent(), Some(text))
        }
        Inner::Borrowed(wf) => (wf, None),
    })
}

/// Where a node's key, type and params (when they are a slice of the
/// text) start in the NUL copy; `NOT_IN_TEXT` for one that is not.
type NodeOffsets = [usize; 3];
const NOT_IN_TEXT: usize = usize::MAX;

/// A copy of a workflow's text and a NUL, with a NUL also after each
/// node's key, type and params: the byte after each of them is a closing
/// quote or JSON punctuation, never inside another of them. A node
/// callback gets them from here as C strings, without a copy per call,
/// found by the node's index (made once here, not searched per call).
#[cfg(feature = "std")]
pub(crate) struct NulCopy {
    copy: Box<[u8]>,
    nodes: Box<[NodeOffsets]>,
}

#[cfg(feature = "std")]
impl NulCopy {
    fn of(text: &str, wf: &FfiWorkflow<'_>) -> NulCopy {
        let mut copy = Vec::with_capacity(text.len() + 1);
        copy.extend_from_slice(text.as_bytes());
        copy.push(0);
        let base = text.as_ptr() as usize;
        let nodes = wf
            .nodes()
            .iter()
            .map(|n| {
                [n.key, n.node_type, n.params].map(|s| {
                    // Only slices of the text (absent params are a
                    // constant `{}`).
                    let off = (s.as_ptr() as usize).checked_sub(base);
                    let end = off.and_then(|off| off.checked_add(s.len()));
                    match (off, end.and_then(|end| copy.get_mut(end))) {
                        (Some(off), Some(b)) => {
                            *b = 0;
                            off
                        }
                        _ => NOT_IN_TEXT,
                    }
                })
            })
            .collect();
        NulCopy {
            copy: copy.into_boxed_slice(),
            nodes,
        }
    }
}

/// A workflow text's NUL copy (see `NulCopy`), for the node callbacks.
#[derive(Clone, Copy)]
pub(crate) struct NulText<'a> {
    /// Where the text the workflow borrows starts.
    base: usize,
    /// The text's bytes, NULs written after the node strings, and a NUL.
    copy: &'a [u8],
    /// Each node's strings in `copy`, by node index.
    nodes: &'a [NodeOffsets],
}

impl NulText<'_> {
    /// The key, type and params of node `index` as C strings in the copy,
    /// each when it is there: `params` (what the node's call got) only
    /// when it is the node's own text, not a rendering of it.
    pub(crate) fn node(&self, index: usize, params: &str) -> [Option<*const c_char>; 3] {
        let Some(&[key, node_type, own_params]) = self.nodes.get(index) else {
            return [None; 3];
        };
        // Offsets made from slices of the text, inside the copy (which is
        // one byte longer).
        let at =
            |off: usize| (off != NOT_IN_TEXT).then(|| self.copy.as_ptr().wrapping_add(off).cast());
        let rendered = (params.as_ptr() as usize).wrapping_sub(self.base) != own_params;
        [
            at(key),
            at(node_type),
            if rendered { None } else { at(own_params) },
        ]
    }
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
