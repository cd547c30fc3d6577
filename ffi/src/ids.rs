//! Resume IDs: `webhook_{execution_id}_{node_id}_{random}`.

use core::ffi::c_char;

use prana_webhook_core::id::{self, IdGenerator, ResumeId};

use crate::abi::{self, bytes, guard, handle_mut, text, Fail, FfiResult, Out, StrOut};
use crate::status::prana_status;
use crate::{PRANA_ENTROPY_LEN, PRANA_ID_SEED_LEN};

/// A resume-ID generator: a ChaCha20 CSPRNG seeded once with 32 bytes of
/// host entropy (read them from `getrandom()` or `/dev/urandom`), then reused
/// for every ID.
///
/// Ownership: made by `prana_id_generator_new`, owned by the caller, freed
/// with `prana_id_generator_free` (exactly once; NULL is a no-op).
///
/// Thread safety: not synchronized. It may move between threads, but two
/// threads must not use one generator at the same time: give each thread
/// its own generator (seeded separately) or hold a lock around each call.
///
/// After `fork()` the child holds a copy of the parent's state and would
/// repeat the parent's IDs: call `prana_id_generator_reseed` in the child
/// with fresh entropy before making any ID.
pub struct prana_id_generator {
    inner: IdGenerator,
}

fn seed_from(seed: *const u8, seed_len: usize) -> FfiResult<[u8; PRANA_ID_SEED_LEN]> {
    let b = bytes(seed, seed_len, "seed")?;
    b.try_into().map_err(|_| {
        Fail::invalid(format!(
            "seed is {} bytes long; exactly {PRANA_ID_SEED_LEN} are required",
            b.len()
        ))
    })
}

/// Make an ID generator from `seed_len` bytes at `seed`, which must be
/// exactly `PRANA_ID_SEED_LEN` (32) secret random bytes (else
/// `PRANA_STATUS_INVALID_ARGUMENT`). Equal seeds give equal IDs. On success
/// `*out` receives a new handle to free with `prana_id_generator_free`.
#[no_mangle]
pub extern "C" fn prana_id_generator_new(
    seed: *const u8,
    seed_len: usize,
    out: *mut *mut prana_id_generator,
) -> prana_status {
    guard(|| {
        let out = Out::new(out, "out")?;
        let seed = seed_from(seed, seed_len)?;
        out.write(abi::into_handle(prana_id_generator {
            inner: IdGenerator::from_seed(seed),
        }));
        Ok(())
    })
}

/// Replace the generator's state with a fresh 32-byte seed (call in the
/// child after `fork()`). Same seed rules as `prana_id_generator_new`.
#[no_mangle]
pub extern "C" fn prana_id_generator_reseed(
    generator: *mut prana_id_generator,
    seed: *const u8,
    seed_len: usize,
) -> prana_status {
    guard(|| {
        let g = handle_mut(generator, "generator")?;
        let seed = seed_from(seed, seed_len)?;
        g.inner.reseed(seed);
        Ok(())
    })
}

/// Free a generator. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub extern "C" fn prana_id_generator_free(generator: *mut prana_id_generator) {
    abi::free_handle(generator);
}

/// Length of `webhook_{e}_{n}_{random}` for validated parts.
fn resume_id_len(execution_id: &str, node_id: &str) -> usize {
    id::PREFIX.len() + execution_id.len() + 1 + node_id.len() + 1 + id::RANDOM_LEN
}

/// Make a fresh resume ID for `node_id` in `execution_id` (each 1-64 bytes of
/// `[A-Za-z0-9_-]`) and write it to `buf`.
///
/// Output: the ID and a NUL; `*out_len` = its length without the NUL. A
/// buffer of `PRANA_MAX_RESUME_ID_LEN + 1` bytes always suffices. When the
/// buffer is too small the generator is not advanced: nothing changes except
/// `*out_len` (the size needed, NUL included).
#[no_mangle]
pub extern "C" fn prana_id_generator_resume_id(
    generator: *mut prana_id_generator,
    execution_id: *const c_char,
    execution_id_len: usize,
    node_id: *const c_char,
    node_id_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> prana_status {
    guard(|| {
        let g = handle_mut(generator, "generator")?;
        let e = text(execution_id, execution_id_len, "execution_id")?;
        let n = text(node_id, node_id_len, "node_id")?;
        let out = StrOut::new(buf, len, out_len)?;
        id::validate_part(prana_webhook_core::error::Part::ExecutionId, e)?;
        id::validate_part(prana_webhook_core::error::Part::NodeId, n)?;
        out.check_fits(resume_id_len(e, n))?;
        let rid = g.inner.resume_id(e, n)?;
        out.write(rid.as_str())
    })
}

/// Make a resume ID from exactly `PRANA_ENTROPY_LEN` (16) bytes of host
/// entropy, without a generator. Same parts and output rules as
/// `prana_id_generator_resume_id`; a wrong `entropy_len` gives
/// `PRANA_STATUS_INVALID_ARGUMENT`. Never derive the entropy from a clock or
/// counter. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_resume_id_generate(
    execution_id: *const c_char,
    execution_id_len: usize,
    node_id: *const c_char,
    node_id_len: usize,
    entropy: *const u8,
    entropy_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> prana_status {
    guard(|| {
        let e = text(execution_id, execution_id_len, "execution_id")?;
        let n = text(node_id, node_id_len, "node_id")?;
        let ent = bytes(entropy, entropy_len, "entropy")?;
        let out = StrOut::new(buf, len, out_len)?;
        let ent: &[u8; PRANA_ENTROPY_LEN] = ent.try_into().map_err(|_| {
            Fail::invalid(format!(
                "entropy is {entropy_len} bytes long; exactly {PRANA_ENTROPY_LEN} are required"
            ))
        })?;
        let rid = ResumeId::generate(e, n, ent)?;
        out.write(rid.as_str())
    })
}

/// Check the syntax of a resume ID (prefix, alphabet, length, two 1-64 byte
/// parts, 26-character tail). `PRANA_STATUS_OK` when valid; otherwise the
/// status of the first problem (`PRANA_STATUS_EMPTY_ID`,
/// `PRANA_STATUS_ID_TOO_LONG`, `PRANA_STATUS_ID_BAD_CHARACTER`,
/// `PRANA_STATUS_MISSING_WEBHOOK_PREFIX`, `PRANA_STATUS_BAD_RANDOM_TAIL`,
/// `PRANA_STATUS_MALFORMED_RESUME_ID`). Thread-safe.
#[no_mangle]
pub extern "C" fn prana_resume_id_validate(
    resume_id: *const c_char,
    resume_id_len: usize,
) -> prana_status {
    guard(|| {
        let s = text(resume_id, resume_id_len, "resume_id")?;
        id::validate_resume_id(s)?;
        Ok(())
    })
}

/// Check a workflow id (or any id part): 1-64 bytes of `[A-Za-z0-9_-]`.
/// `PRANA_STATUS_OK`, `PRANA_STATUS_EMPTY_ID_PART`,
/// `PRANA_STATUS_ID_PART_TOO_LONG` or `PRANA_STATUS_ID_PART_BAD_CHARACTER`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn prana_id_part_validate(part: *const c_char, part_len: usize) -> prana_status {
    guard(|| {
        let s = text(part, part_len, "part")?;
        id::validate_part(prana_webhook_core::error::Part::WorkflowId, s)?;
        Ok(())
    })
}

/// Borrow a generator for other modules.
pub(crate) fn generator_mut<'a>(g: *mut prana_id_generator) -> FfiResult<&'a mut IdGenerator> {
    handle_mut(g, "generator").map(|g| &mut g.inner)
}
