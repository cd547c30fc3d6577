//! The run calls' buffers: per thread for heap handles (std), in the
//! caller's memory for `prana_execution_init` handles.

#[cfg(feature = "std")]
use core::cell::Cell;

use super::*;

/// What the run calls (`_run`, `_resume`, `_cancel`, `_expire`,
/// `_resume_timer`) of heap handles need only during a call, kept per
/// thread instead of made per call: the buffers of the core's `Workspace`
/// (rendered params, and a node's output, grown to the largest payload
/// capacity seen), the node callbacks' NUL-terminated strings (see
/// `CHandler`; no allocation per call once grown) and the buffer of a
/// registration's row JSON, and the core's result of a call (kept off the
/// stack).
#[cfg(feature = "std")]
pub(crate) struct RunScratch {
    pub(crate) params: Box<[u8]>,
    pub(super) output: Vec<u8>,
    pub(super) strings: Vec<u8>,
    pub(crate) json: [u8; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
    /// The core's result of a call, before it becomes the C result.
    pub(super) result: FfiRunResult,
}

#[cfg(feature = "std")]
thread_local! {
    static RUN_SCRATCH: Cell<Option<Box<RunScratch>>> = const { Cell::new(None) };
}

#[cfg(feature = "std")]
impl RunScratch {
    fn boxed() -> Box<RunScratch> {
        Box::new(RunScratch {
            params: vec![0u8; PARAMS_LEN].into_boxed_slice(),
            output: Vec::new(),
            strings: Vec::new(),
            json: [0; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
            result: FfiRunResult::new(),
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

/// Bytes of an initialised execution's run buffers besides the parts
/// sized by its payload capacity: the registration JSON, and room for the
/// node calls' ids and type with their NULs.
pub(crate) const SCRATCH_FIXED_LEN: usize =
    RESULT_SLOT_LEN + crate::PRANA_MAX_REGISTRATION_JSON_LEN + STRINGS_IDS_LEN;
/// Room for the core's result of a call, at the start of the run buffers
/// (a multiple of 8, so what follows stays aligned; any target).
pub(crate) const RESULT_SLOT_LEN: usize = 6144;
const _: () = assert!(
    core::mem::size_of::<FfiRunResult>() <= RESULT_SLOT_LEN
        && core::mem::align_of::<FfiRunResult>() <= 8
        && RESULT_SLOT_LEN % 8 == 0
);
/// Room for a node call's execution id, workflow id, node id and type, each
/// with its NUL, in the strings buffer (besides params and input).
const STRINGS_IDS_LEN: usize = 4 * (crate::PRANA_MAX_ID_PART_LEN + 1);
/// How many times its payload capacity an initialised execution's memory
/// holds besides the handle and `SCRATCH_FIXED_LEN`: the state's payload,
/// a node's output, its rendered params, and the strings' copies of params
/// and input.
pub(crate) const CAPACITY_PARTS: usize = 5;

/// The run calls' buffers of a `prana_execution_init` handle, in the
/// caller's memory after the handle: rendered params (as large as the
/// payload capacity: in caller memory every buffer is sized by it), a
/// node's output, the callbacks' strings and the registration JSON.
/// Borrowed for as long as the handle lives (the header's contract for
/// `mem`), hence `'static`; never handed out beyond a call.
pub(crate) struct CallerScratch {
    pub(super) result: &'static mut FfiRunResult,
    pub(super) params: &'static mut [u8],
    pub(super) output: &'static mut [u8],
    pub(super) strings: &'static mut [u8],
    pub(super) json: &'static mut [u8; crate::PRANA_MAX_REGISTRATION_JSON_LEN],
}

impl CallerScratch {
    /// Split `tail` (`CAPACITY_PARTS * cap + SCRATCH_FIXED_LEN` bytes,
    /// 8-aligned) into the state's payload storage and the scratch, with a
    /// fresh result in its slot.
    pub(crate) fn split(tail: &'static mut [u8], cap: usize) -> (&'static mut [u8], CallerScratch) {
        let (slot, rest) = tail.split_at_mut(RESULT_SLOT_LEN);
        let (payload, rest) = rest.split_at_mut(cap);
        let (output, rest) = rest.split_at_mut(cap);
        let (params, rest) = rest.split_at_mut(cap);
        let (json, strings) = rest.split_at_mut(crate::PRANA_MAX_REGISTRATION_JSON_LEN);
        let json = json
            .try_into()
            .unwrap_or_else(|_| unreachable!("split at its length"));
        let p = slot.as_mut_ptr().cast::<FfiRunResult>();
        assert!(p.is_aligned(), "the run buffers are not 8-aligned");
        // SAFETY: `slot` is `RESULT_SLOT_LEN >= size_of::<FfiRunResult>()`
        // bytes that only this scratch uses (borrowed mutably for the
        // handle's life), and `p` is aligned (just checked). `write` puts
        // a valid value there before the reference is made.
        let result = unsafe {
            p.write(FfiRunResult::new());
            &mut *p
        };
        (
            payload,
            CallerScratch {
                result,
                params,
                output,
                strings,
                json,
            },
        )
    }
}

/// The node callbacks' NUL-terminated strings, one after the other: a
/// growing vector (std) or a fixed buffer in the caller's memory.
pub(crate) enum Strings<'s> {
    /// Grows as needed (zero-filled when it grows, never shrinks).
    #[cfg(feature = "std")]
    Grow(&'s mut Vec<u8>),
    /// Its length is all there is.
    Fixed(&'s mut [u8]),
}

impl Strings<'_> {
    /// The whole buffer, at least `need` bytes long (what it held stays),
    /// or `None` when a fixed buffer is shorter.
    pub(super) fn room(&mut self, need: usize) -> Option<&mut [u8]> {
        match self {
            #[cfg(feature = "std")]
            Strings::Grow(v) => {
                if v.len() < need {
                    v.resize(need, 0);
                }
                Some(&mut v[..])
            }
            Strings::Fixed(buf) => (buf.len() >= need).then_some(&mut **buf),
        }
    }

    /// Where the buffer starts (what `room` last wrote is there), taken
    /// without a mutable borrow of its bytes.
    pub(super) fn base(&self) -> *const u8 {
        match self {
            #[cfg(feature = "std")]
            Strings::Grow(v) => v.as_ptr(),
            Strings::Fixed(buf) => buf.as_ptr(),
        }
    }
}
