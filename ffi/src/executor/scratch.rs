//! Per-thread scratch buffers of the run calls.

use core::cell::Cell;

use super::*;

/// What the run calls (`_run`, `_resume`, `_cancel`, `_expire`,
/// `_resume_timer`) need only during a call, kept per thread instead of
/// made per call: the buffers of the core's `Workspace` (rendered params,
/// and a node's output, grown to the largest payload capacity seen), the
/// node callbacks' NUL-terminated strings (see `CHandler`; no allocation
/// per call once grown) and the buffer of a registration's row JSON.
pub(crate) struct RunScratch {
    pub(crate) params: Box<[u8]>,
    pub(super) output: Vec<u8>,
    pub(super) strings: Vec<u8>,
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
