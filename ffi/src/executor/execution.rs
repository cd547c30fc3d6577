//! The execution handle: start, restore, serialize and free, with the
//! payload storage chosen at start.

use core::ffi::{c_char, c_void};

use prana_webhook_core::executor;

use super::*;
use crate::abi::{self, guard, handle, handle_mut, text, Fail, FfiResult, Out, StrOut};
use crate::ids::generator_mut;
use crate::status::{prana_error, prana_status};
use crate::urls::{base_ref, prana_base_url};

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
    /// The run calls' buffers in the caller's memory (`prana_execution_init`);
    /// `None`: per thread (heap handles, std build).
    pub(crate) scratch: Option<CallerScratch>,
}

impl prana_execution {
    #[cfg(feature = "std")]
    pub(super) fn new(state: FfiState) -> Self {
        prana_execution {
            state,
            scratch: None,
        }
    }
}

/// Bytes of caller memory a `prana_execution` needs before its payload
/// storage and run buffers (`prana_execution_init`).
pub const PRANA_EXECUTION_SIZE: usize = 11776;
/// Alignment a `prana_execution` needs: memory declared as `uint64_t[]`
/// (or from `malloc`) has it.
pub const PRANA_EXECUTION_ALIGN: usize = 8;
/// Bytes of caller memory an execution's run buffers need besides five
/// times its payload capacity (`prana_execution_init`): a call's result,
/// the registration JSON and the node calls' ids.
pub const PRANA_EXECUTION_SCRATCH_LEN: usize = 8964;

const _: () = assert!(
    core::mem::size_of::<prana_execution>() <= PRANA_EXECUTION_SIZE
        && core::mem::align_of::<prana_execution>() <= PRANA_EXECUTION_ALIGN
        && PRANA_EXECUTION_SIZE % PRANA_EXECUTION_ALIGN == 0
        && PRANA_EXECUTION_SCRATCH_LEN == super::scratch::SCRATCH_FIXED_LEN
        && super::scratch::CAPACITY_PARTS == 5
);

/// The capacity `max_payload` asks for: 0 means
/// `PRANA_DEFAULT_MAX_PAYLOAD`; at most `PRANA_MAX_PAYLOAD_CAPACITY`.
fn payload_capacity(max_payload: usize) -> FfiResult<usize> {
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
    Ok(cap)
}

/// An execution's payload storage: heap bytes that grow to the largest
/// payload kept so far (a 1 MiB capacity costs nothing until a payload
/// uses it; nothing is zero-filled), or a slice of the caller's memory.
pub(crate) enum Payload {
    /// A heap handle's (std build).
    #[cfg(feature = "std")]
    Heap { bytes: Vec<u8>, cap: usize },
    /// In the caller's memory after the handle (`prana_execution_init`),
    /// borrowed for as long as the handle lives.
    Caller(&'static mut [u8]),
}

impl executor::Buffer for Payload {
    fn capacity(&self) -> usize {
        match self {
            #[cfg(feature = "std")]
            Payload::Heap { cap, .. } => *cap,
            Payload::Caller(b) => b.len(),
        }
    }

    fn stored(&self, len: usize) -> Option<&[u8]> {
        match self {
            #[cfg(feature = "std")]
            Payload::Heap { bytes, .. } => bytes.get(..len),
            Payload::Caller(b) => b.get(..len),
        }
    }

    fn store(&mut self, data: &[u8]) {
        match self {
            #[cfg(feature = "std")]
            Payload::Heap { bytes, cap } => {
                bytes.clear();
                // The data and a NUL: a node callback gets its input as a
                // C string from here, without a copy.
                let need = data.len() + 1;
                if need > bytes.capacity() {
                    // Doubling (within the capacity): a run of growing
                    // payloads reallocates a few times, not once each.
                    let want = need.max(bytes.capacity() * 2).min(*cap + 1);
                    bytes.reserve_exact(want.max(need));
                }
                bytes.extend_from_slice(data);
                bytes.push(0);
            }
            Payload::Caller(b) => {
                b.store(data);
                // A NUL after the data when it fits (a payload of the
                // whole capacity is copied for the callback instead).
                if let Some(nul) = b.get_mut(data.len()) {
                    *nul = 0;
                }
            }
        }
    }

    fn stored_with_nul(&self, len: usize) -> Option<&[u8]> {
        match self {
            #[cfg(feature = "std")]
            Payload::Heap { bytes, .. } => bytes.get(..=len),
            Payload::Caller(b) => b.get(..=len),
        }
    }

    fn as_mut_bytes(&mut self) -> &mut [u8] {
        match self {
            // Only a workspace's buffer is used whole; a state's never is.
            #[cfg(feature = "std")]
            Payload::Heap { bytes, cap } => {
                bytes.resize(*cap, 0);
                bytes
            }
            Payload::Caller(b) => b,
        }
    }
}

/// Heap storage of `max_payload` bytes (see [`payload_capacity`]).
#[cfg(feature = "std")]
fn heap_payload(max_payload: usize) -> FfiResult<Payload> {
    Ok(Payload::Heap {
        bytes: Vec::new(),
        cap: payload_capacity(max_payload)?,
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
#[cfg(feature = "std")]
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
        let key = crate::signatures::signing_key(k)?;
        // Started where it stays: the handle's heap slot (no copy of the
        // ~11 KiB state after the start).
        let mut x = Box::new(prana_execution::new(FfiState::with_buffer(heap_payload(
            max_payload,
        )?)));
        executor::start_into(&mut x.state, w, e, b, g, now, key)?;
        out.write(Box::into_raw(x));
        Ok(())
    })
}

/// Start an execution as `prana_execution_start` does, in caller memory:
/// the way to run workflows without std (C firmware), available in every
/// build. `mem` holds `mem_len` bytes aligned to `PRANA_EXECUTION_ALIGN`:
/// the handle (`PRANA_EXECUTION_SIZE` bytes), then the execution's payload
/// storage and run buffers, `PRANA_EXECUTION_SCRATCH_LEN + 5 * max_payload`
/// bytes (for example `static uint64_t mem[(PRANA_EXECUTION_SIZE +
/// PRANA_EXECUTION_SCRATCH_LEN + 5 * 512 + 7) / 8];` for 512-byte
/// payloads). Smaller or misaligned memory is `PRANA_STATUS_INVALID_ARGUMENT`
/// (the message gives the size needed). `max_payload` 0 means
/// `PRANA_DEFAULT_MAX_PAYLOAD`, as for `prana_execution_start`. In caller
/// memory `max_payload` also bounds a node's rendered params (a larger
/// rendering fails the node, naming the limit).
///
/// On success `*out` is the handle (pointing into `mem`). Nothing is
/// allocated, by this call or by the run calls on the handle, and nothing
/// is freed: the handle is valid while `mem` is, must never be passed to
/// `prana_execution_free`, and may be restored into
/// (`prana_execution_restore`) to load another execution of the same
/// payload capacity. Run calls on it use its own buffers: no per-thread
/// state.
#[no_mangle]
pub extern "C" fn prana_execution_init(
    mem: *mut c_void,
    mem_len: usize,
    max_payload: usize,
    workflow: *const prana_workflow,
    execution_id: *const c_char,
    execution_id_len: usize,
    base: *const prana_base_url,
    keys: *const crate::signatures::prana_key_set,
    generator: *mut crate::ids::prana_id_generator,
    now: u64,
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
        let key = crate::signatures::signing_key(k)?;
        let cap = payload_capacity(max_payload)?;
        if mem.is_null() {
            return Err(Fail::null("mem"));
        }
        if (mem as usize) % PRANA_EXECUTION_ALIGN != 0 {
            return Err(Fail::invalid(format_args!(
                "mem is not aligned to {PRANA_EXECUTION_ALIGN} bytes"
            )));
        }
        let tail_len = cap
            .checked_mul(super::scratch::CAPACITY_PARTS)
            .and_then(|n| n.checked_add(PRANA_EXECUTION_SCRATCH_LEN));
        let need = tail_len.and_then(|n| n.checked_add(PRANA_EXECUTION_SIZE));
        let (Some(tail_len), Some(need)) = (tail_len, need) else {
            return Err(Fail::invalid(format_args!(
                "max_payload is {cap} bytes; 5 times that and the run buffers do not fit \
                 in memory"
            )));
        };
        if mem_len < need || need > isize::MAX as usize {
            return Err(Fail::invalid(format_args!(
                "mem holds {mem_len} bytes; {need} are needed (PRANA_EXECUTION_SIZE + \
                 PRANA_EXECUTION_SCRATCH_LEN + 5 * {cap})"
            )));
        }
        // SAFETY: `mem` is non-NULL and the caller promises `mem_len >=
        // need` writable bytes (checked against `need` above, which fits
        // `isize`) that nothing else uses while the handle lives. The tail
        // starts after the handle's `PRANA_EXECUTION_SIZE` bytes, so it
        // never overlaps the handle `init_in` writes; u8 has alignment 1
        // (and the tail is 8-aligned: `mem` is, `PRANA_EXECUTION_SIZE` is
        // a multiple of 8).
        let tail: &'static mut [u8] = unsafe {
            core::slice::from_raw_parts_mut(mem.cast::<u8>().add(PRANA_EXECUTION_SIZE), tail_len)
        };
        let (payload, scratch) = CallerScratch::split(tail, cap);
        let p = mem.cast::<prana_execution>();
        // SAFETY: `p` is non-NULL, aligned (checked above: `mem` is aligned
        // to `PRANA_EXECUTION_ALIGN` >= the handle's alignment) and points
        // to `PRANA_EXECUTION_SIZE` >= its size writable bytes that only
        // this handle uses (before the tail). Each field is written in
        // place, without reading or dropping what was there: the ~11 KiB
        // state is built where it stays, not on the stack (which a
        // microcontroller's is too small for) and then moved.
        unsafe {
            core::ptr::addr_of_mut!((*p).state)
                .write(FfiState::with_buffer(Payload::Caller(payload)));
            core::ptr::addr_of_mut!((*p).scratch).write(Some(scratch));
        }
        let x = handle_mut(p, "execution")?;
        executor::start_into(&mut x.state, w, e, b, g, now, key)?;
        out.write(x as *mut prana_execution);
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
#[cfg(feature = "std")]
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
        let mut x = Box::new(prana_execution::new(FfiState::with_buffer(heap_payload(
            max_payload,
        )?)));
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
/// capacity; a size query gives the exact size, and a buffer of that size
/// suffices in every build).
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
        #[cfg(feature = "std")]
        return out.write_serialized(x.state.max_json_len(), |b| x.state.to_json(b));
        // No temporary without a heap: a counting pass gives the exact
        // size, and a buffer that holds it is written in place.
        #[cfg(not(feature = "std"))]
        {
            let n = x.state.json_len();
            out.check_fits(n)?;
            out.write_serialized(n, |b| x.state.to_json(b))
        }
    })
}

/// Free an execution made by `prana_execution_start` or `_from_json`.
/// NULL is a no-op. Never pass a handle made by `prana_execution_init`.
/// Std build only.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_execution_free(execution: *mut prana_execution) {
    abi::free_handle(execution);
}
