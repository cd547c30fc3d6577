//! Resume IDs: `webhook_{execution_id}_{node_id}_{random}`.

mod checked;

use core::ffi::c_char;
use core::mem::MaybeUninit;

use prana_webhook_core::error::Part;
use prana_webhook_core::id::{self, IdGenerator, IdPartBytes, IdParts};

use crate::abi::{self, bytes, guard, handle_mut, text, Fail, FfiResult, Out};
use crate::status::{prana_error, prana_status};
use crate::urls::prana_base_url;
use crate::PRANA_ID_SEED_LEN;

/// A resume-ID generator: a ChaCha12 CSPRNG seeded once with 32 bytes of
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
        Fail::invalid(format_args!(
            "seed is {} bytes long; exactly {PRANA_ID_SEED_LEN} are required",
            b.len()
        ))
    })
}

/// Make an ID generator from `seed_len` bytes at `seed`, which must be
/// exactly `PRANA_ID_SEED_LEN` (32) secret random bytes (else
/// `PRANA_STATUS_INVALID_ARGUMENT`). Equal seeds give equal IDs. On success
/// `*out` receives a new handle to free with `prana_id_generator_free`.
/// Std build only; `prana_id_generator_init` places one in caller memory.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_id_generator_new(
    seed: *const u8,
    seed_len: usize,
    out: *mut *mut prana_id_generator,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
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
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let g = handle_mut(generator, "generator")?;
        let seed = seed_from(seed, seed_len)?;
        g.inner.reseed(seed);
        Ok(())
    })
}

/// Free a generator made by `prana_id_generator_new`. NULL is a no-op. The
/// handle must not be used afterwards. Never pass a handle made by
/// `prana_id_generator_init`. Std build only.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_id_generator_free(generator: *mut prana_id_generator) {
    abi::free_handle(generator);
}

/// Bytes of caller memory a `prana_id_generator` needs.
pub const PRANA_ID_GENERATOR_SIZE: usize = 336;
/// Alignment a `prana_id_generator` needs (`uint64_t[]` memory has it).
pub const PRANA_ID_GENERATOR_ALIGN: usize = 8;

const _: () = assert!(
    core::mem::size_of::<prana_id_generator>() <= PRANA_ID_GENERATOR_SIZE
        && core::mem::align_of::<prana_id_generator>() <= PRANA_ID_GENERATOR_ALIGN
);

/// Make an ID generator as `prana_id_generator_new` does, in caller memory:
/// `mem` holds `mem_len >= PRANA_ID_GENERATOR_SIZE` bytes aligned to
/// `PRANA_ID_GENERATOR_ALIGN`, else `PRANA_STATUS_INVALID_ARGUMENT`. On
/// success `*out` is the handle (pointing into `mem`). Nothing is allocated
/// and nothing is freed: the handle is valid while `mem` is, and must never
/// be passed to `prana_id_generator_free`. Available in every build. Seed
/// rules and thread safety as `prana_id_generator_new`.
#[no_mangle]
pub extern "C" fn prana_id_generator_init(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    seed: *const u8,
    seed_len: usize,
    out: *mut *mut prana_id_generator,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let out = Out::new(out, "out")?;
        let seed = seed_from(seed, seed_len)?;
        let g = prana_id_generator {
            inner: IdGenerator::from_seed(seed),
        };
        out.write(abi::init_in(mem, mem_len, g)?);
        Ok(())
    })
}

/// Make a fresh resume ID for `node_id` in `execution_id` (each 1-64 bytes
/// of `[A-Za-z0-9_-]`) and its resume URL `{base}/webhook/workflow/resume/{id}`:
/// the one way to make a resume ID or URL. The ID is written once, into the
/// URL, and copied from there.
///
/// - `base` may be NULL: then only the ID is made, and `url_buf`,
///   `url_buf_len` and `url_out_len` are ignored (pass NULL, 0, NULL).
/// - `keys` may be NULL: the URL is unsigned. With a key set the URL ends in
///   `?sig={key_id}.{mac}` signed with its current key (an empty set is
///   `PRANA_STATUS_NO_SIGNING_KEY`); it verifies with
///   `prana_signature_verify` while that key stays in the set.
///
/// Outputs: the ID and a NUL in `id_buf` (`*id_out_len` = its length
/// without the NUL), the URL and a NUL in `url_buf` (`*url_out_len`).
/// Buffers of `PRANA_RESUME_ID_BUF_SIZE` and `PRANA_URL_BUF_SIZE` bytes
/// always suffice. Buffer too small: the result is
/// `PRANA_STATUS_BUFFER_TOO_SMALL`, no buffer is written, the generator is
/// not advanced, and `*id_out_len` and `*url_out_len` receive the sizes
/// needed (NUL included), so one retry with those sizes succeeds; buffers
/// may be NULL with length 0 for a size query.
///
/// The ID left in the URL: with a base, `id_buf` NULL (and `id_buf_len`
/// 0) and a URL buffer that holds the URL, the URL is written, the ID is
/// not copied, and `*id_out_len` is its length: the ID is the URL's last
/// path segment, the `*id_out_len` bytes that end at the URL's `?` (signed)
/// or at its end (unsigned). This saves the copy when the caller reads the
/// ID from the URL.
///
/// Ownership: nothing is kept; `base` and `keys` are only read during the
/// call. Thread safety: the generator's (one thread at a time); `base` and
/// `keys` may be shared.
#[no_mangle]
pub extern "C" fn prana_resume_url_create(
    generator: *mut prana_id_generator,
    base: *const prana_base_url,
    keys: *const crate::signatures::prana_key_set,
    execution_id: *const c_char,
    execution_id_len: usize,
    node_id: *const c_char,
    node_id_len: usize,
    id_buf: *mut c_char,
    id_buf_len: usize,
    id_out_len: *mut usize,
    url_buf: *mut c_char,
    url_buf_len: usize,
    url_out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let common = create_common(
            generator,
            base,
            keys,
            execution_id,
            execution_id_len,
            node_id,
            node_id_len,
            id_buf,
            id_buf_len,
            id_out_len,
            url_buf,
            url_buf_len,
            url_out_len,
        );
        if common {
            return Ok(());
        }
        checked::create_checked(
            generator,
            base,
            keys,
            execution_id,
            execution_id_len,
            node_id,
            node_id_len,
            id_buf,
            id_buf_len,
            id_out_len,
            url_buf,
            url_buf_len,
            url_out_len,
        )
    })
}

/// The common call of `prana_resume_url_create`, in one run of tests and
/// written straight into the buffers: valid parts, no key set, non-NULL
/// pointers, buffers that hold the ID and URL (or, with a NULL base, the
/// ID). Returns false for anything else (a NULL, `PRANA_NUL_TERMINATED`, a
/// key set, a refused part, a small buffer), having written nothing and
/// drawn nothing: then `create_checked` makes every check in the
/// documented order, with its error, and gives the same outputs on
/// success.
///
/// The arguments stay separate rather than one struct shared with
/// `create_checked`: the compiler stores such a struct to the stack before
/// the first test, which costs the common call as much as its checks.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn create_common(
    generator: *mut prana_id_generator,
    base: *const prana_base_url,
    keys: *const crate::signatures::prana_key_set,
    execution_id: *const c_char,
    execution_id_len: usize,
    node_id: *const c_char,
    node_id_len: usize,
    id_buf: *mut c_char,
    id_buf_len: usize,
    id_out_len: *mut usize,
    url_buf: *mut c_char,
    url_buf_len: usize,
    url_out_len: *mut usize,
) -> bool {
    // One sign test covers the NULLs: `p - 1` has its top bit set for NULL
    // (and for an address at or above 2^63, which then just takes the
    // checked path). Part lengths in 1..=64 fit `isize`; a buffer length
    // is compared signed, so one above `isize::MAX` reads as negative and
    // fits nothing.
    let below = |p: usize| p.wrapping_sub(1) as isize;
    let fits = |len: usize, cap: usize| cap as isize > len as isize;
    let ptrs = below(generator as usize)
        | below(execution_id as usize)
        | below(node_id as usize)
        | below(id_out_len as usize);
    let part_lens = execution_id_len.wrapping_sub(1) | node_id_len.wrapping_sub(1);
    if !(keys.is_null() && ptrs >= 0 && part_lens < id::MAX_PART_LEN) {
        return false;
    }
    // SAFETY: both pointers are non-NULL and the caller promises (header
    // contract) that many readable bytes, unchanged during the call; the
    // lengths are at most 64; u8 has alignment 1.
    let (e, n) = unsafe {
        (
            core::slice::from_raw_parts(execution_id.cast::<u8>(), execution_id_len),
            core::slice::from_raw_parts(node_id.cast::<u8>(), node_id_len),
        )
    };
    let Some(pb) = IdPartBytes::accept(e, n) else {
        return false;
    };
    let parts = parts_text(&pb);
    // SAFETY: a non-NULL handle this library made and did not free (header
    // contract); the generator is used by one thread at a time, so this
    // borrow is unique.
    let g = unsafe { &mut (*generator).inner };
    let id_len = parts.resume_id_len();
    let id = id_buf.cast::<u8>();
    if base.is_null() {
        // Only the ID; the URL arguments are ignored.
        if id.is_null() || !fits(id_len, id_buf_len) {
            return false;
        }
        // SAFETY: `id_buf` is non-NULL and the caller promises
        // `id_buf_len > id_len` writable bytes that nothing else accesses
        // during the call (header contract), so the NUL is inside too;
        // `id_out_len` is non-NULL and writable.
        unsafe {
            write_id(g, &parts, id, id_len);
            id.add(id_len).write(0);
            id_out_len.write(id_len);
        }
        return true;
    }
    // SAFETY: as the generator's; shared access only.
    let b = unsafe { &(*base).inner };
    // `BaseUrl::resume_url_len`, summed from the pieces written below.
    let [base_text, path] = b.resume_url_head();
    let url_len = base_text.len() + path.len() + id_len;
    // No ID buffer: the ID is left in the URL (see the function's doc).
    let id_in_url = id.is_null();
    let id_ok = if id_in_url {
        id_buf_len == 0
    } else {
        fits(id_len, id_buf_len)
    };
    let url_ptrs = below(url_buf as usize) | below(url_out_len as usize);
    if !(id_ok && url_ptrs >= 0 && fits(url_len, url_buf_len)) {
        return false;
    }
    let url = url_buf.cast::<u8>();
    // SAFETY: `url_buf` is non-NULL and the caller promises `url_buf_len >
    // url_len` writable bytes that nothing else accesses during the call
    // (header contract): the head and the ID are `url_len` bytes, and the
    // NUL follows. With an ID buffer, the same for `id_len` and its NUL;
    // the ID is copied from the URL just written, by a copy that stays
    // defined even if the caller's buffers overlap, and that needs more
    // than 32 bytes: an ID is 36 bytes and two parts of 1 or more. The
    // out-pointers are non-NULL and writable.
    unsafe {
        let at = crate::text::put_bytes(crate::text::put_bytes(url, base_text), path);
        write_id(g, &parts, at, id_len);
        url.add(url_len).write(0);
        url_out_len.write(url_len);
        if !id_in_url {
            crate::text::copy_long(at, id, id_len);
            id.add(id_len).write(0);
        }
        id_out_len.write(id_len);
    }
    true
}

/// Write a fresh resume ID for `parts` at `at`: its head, then its tail,
/// drawn from `g` straight into place.
///
/// # Safety
///
/// `at` is writable for `id_len` bytes, and `id_len` is
/// `parts.resume_id_len()`.
#[inline(always)]
unsafe fn write_id(g: &mut IdGenerator, parts: &IdParts<'_>, at: *mut u8, id_len: usize) {
    let [prefix, e, sep1, n, sep2] = parts.resume_id_head();
    let head_len = prefix.len() + e.len() + sep1.len() + n.len() + sep2.len();
    assert!(head_len + id::RANDOM_LEN == id_len);
    // SAFETY: the head and the tail add up to `id_len` bytes (asserted
    // just above), which the caller promises writable at `at`;
    // `MaybeUninit<u8>` has alignment 1 and no validity requirement.
    unsafe {
        let mut end = crate::text::put_bytes(at, prefix);
        end = crate::text::put_bytes(end, e);
        end = crate::text::put_bytes(end, sep1);
        end = crate::text::put_bytes(end, n);
        end = crate::text::put_bytes(end, sep2);
        g.draw_tail_into(&mut *end.cast::<[MaybeUninit<u8>; id::RANDOM_LEN]>());
    }
}

/// The parts' own bytes as text.
#[inline(always)]
fn parts_text<'a>(pb: &IdPartBytes<'a>) -> IdParts<'a> {
    // SAFETY: `IdPartBytes::new` accepted both parts: only `[A-Za-z0-9_-]`
    // bytes, which are ASCII, so valid UTF-8.
    let (e, n) = unsafe {
        (
            core::str::from_utf8_unchecked(pb.execution_id()),
            core::str::from_utf8_unchecked(pb.node_id()),
        )
    };
    pb.with_text(e, n).expect("the parts' own bytes")
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
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
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
pub extern "C" fn prana_id_part_validate(
    part: *const c_char,
    part_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = text(part, part_len, "part")?;
        id::validate_part(Part::WorkflowId, s)?;
        Ok(())
    })
}

/// Borrow a generator for other modules.
pub(crate) fn generator_mut<'a>(g: *mut prana_id_generator) -> FfiResult<&'a mut IdGenerator> {
    handle_mut(g, "generator").map(|g| &mut g.inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One `prana_resume_url_create` for execution `exec_1`, node `wait`,
    /// into the given buffers: (status, ID length, URL length).
    fn create(
        g: *mut prana_id_generator,
        base: *const prana_base_url,
        keys: *const crate::signatures::prana_key_set,
        id: (*mut c_char, usize),
        url: (*mut c_char, usize),
    ) -> (prana_status, usize, usize) {
        let (e, n) = ("exec_1", "wait");
        let (mut id_len, mut url_len) = (0usize, 0usize);
        let st = prana_resume_url_create(
            g,
            base,
            keys,
            e.as_ptr().cast(),
            e.len(),
            n.as_ptr().cast(),
            n.len(),
            id.0,
            id.1,
            &mut id_len,
            url.0,
            url.1,
            &mut url_len,
            core::ptr::null_mut(),
        );
        (st, id_len, url_len)
    }

    /// The base URL `https://gw.example.com/hooks` and two generators
    /// seeded alike (with 32 bytes of `seed`), so they make the same IDs.
    fn base_and_twin_generators(
        seed: u8,
    ) -> (
        *mut prana_base_url,
        *mut prana_id_generator,
        *mut prana_id_generator,
    ) {
        let url_text = "https://gw.example.com/hooks";
        let mut base = core::ptr::null_mut();
        let st = crate::urls::prana_base_url_new(
            url_text.as_ptr().cast(),
            url_text.len(),
            &mut base,
            core::ptr::null_mut(),
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let (mut g1, mut g2) = (core::ptr::null_mut(), core::ptr::null_mut());
        for g in [&mut g1, &mut g2] {
            assert_eq!(
                prana_id_generator_new([seed; 32].as_ptr(), 32, g, core::ptr::null_mut()),
                prana_status::PRANA_STATUS_OK
            );
        }
        (base, g1, g2)
    }

    #[test]
    fn resume_url_in_one_call_matches_two_calls() {
        let (base, g1, g2) = base_and_twin_generators(3);

        // Uninitialized output buffers, as a C caller declares them.
        let mut id = core::mem::MaybeUninit::<[c_char; crate::PRANA_RESUME_ID_BUF_SIZE]>::uninit();
        let mut url = core::mem::MaybeUninit::<[c_char; crate::PRANA_URL_BUF_SIZE]>::uninit();
        let (st, id_len, url_len) = create(
            g1,
            base,
            core::ptr::null(),
            (id.as_mut_ptr().cast(), crate::PRANA_RESUME_ID_BUF_SIZE),
            (url.as_mut_ptr().cast(), crate::PRANA_URL_BUF_SIZE),
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        // SAFETY: on success the text and its NUL were written.
        let (id, url) = unsafe {
            (
                core::slice::from_raw_parts(id.as_ptr().cast::<u8>(), id_len + 1),
                core::slice::from_raw_parts(url.as_ptr().cast::<u8>(), url_len + 1),
            )
        };

        let mut id2 = [0 as c_char; crate::PRANA_RESUME_ID_BUF_SIZE];
        let (st, n2, _) = create(
            g2,
            core::ptr::null(),
            core::ptr::null(),
            (id2.as_mut_ptr(), id2.len()),
            (core::ptr::null_mut(), 0),
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        assert_eq!(
            id,
            id2[..n2 + 1].iter().map(|&c| c as u8).collect::<Vec<_>>()
        );
        let id2 = core::str::from_utf8(&id[..n2]).unwrap();
        let want = format!("https://gw.example.com/hooks/webhook/workflow/resume/{id2}\0");
        assert_eq!(url, want.as_bytes());

        prana_id_generator_free(g1);
        prana_id_generator_free(g2);
        crate::urls::prana_base_url_free(base);
    }

    /// One call into `buf`: the URL at `url_at`, the ID at `id_at` (the two
    /// buffers may overlap); returns (ID, URL).
    fn create_in(
        g: *mut prana_id_generator,
        base: *const prana_base_url,
        buf: &mut [c_char],
        url_at: usize,
        id_at: usize,
    ) -> (String, String) {
        let p = buf.as_mut_ptr();
        let (st, id_len, url_len) = create(
            g,
            base,
            core::ptr::null(),
            (p.wrapping_add(id_at), crate::PRANA_RESUME_ID_BUF_SIZE),
            (p.wrapping_add(url_at), crate::PRANA_URL_BUF_SIZE),
        );
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let text = |at: usize, len: usize| {
            assert_eq!(buf[at + len], 0);
            buf[at..at + len].iter().map(|&c| c as u8 as char).collect()
        };
        (text(id_at, id_len), text(url_at, url_len))
    }

    #[test]
    fn overlapping_output_buffers_give_the_same_id_and_url() {
        let (base, g1, g2) = base_and_twin_generators(9);
        let size = crate::PRANA_URL_BUF_SIZE + crate::PRANA_RESUME_ID_BUF_SIZE;
        let mut buf = vec![0x55 as c_char; size];
        // Apart, then with the ID buffer inside the URL buffer, past the
        // URL's text (the ID is copied out of the URL with a memmove).
        let apart = create_in(g1, base, &mut buf, 0, crate::PRANA_URL_BUF_SIZE);
        let overlapping = create_in(g2, base, &mut buf, 0, 200);
        assert_eq!(apart, overlapping);
        assert!(apart.1.ends_with(&apart.0));
        prana_id_generator_free(g1);
        prana_id_generator_free(g2);
        crate::urls::prana_base_url_free(base);
    }

    /// One call with a URL buffer of `url_cap` bytes and no ID buffer:
    /// (status, ID length, URL length, URL bytes written).
    fn create_in_url(
        g: *mut prana_id_generator,
        base: *const prana_base_url,
        keys: *const crate::signatures::prana_key_set,
        url_cap: usize,
    ) -> (prana_status, usize, usize, Vec<u8>) {
        let mut url = vec![0x55 as c_char; url_cap];
        let (st, id_len, url_len) = create(
            g,
            base,
            keys,
            (core::ptr::null_mut(), 0),
            (url.as_mut_ptr(), url_cap),
        );
        (st, id_len, url_len, url.iter().map(|&c| c as u8).collect())
    }

    #[test]
    fn without_an_id_buffer_the_id_is_left_in_the_url() {
        let (base, g1, g2) = base_and_twin_generators(5);
        // The usual call on a twin generator gives the same ID and URL.
        let (id, url) = create_in(
            g2,
            base,
            &mut vec![0; crate::PRANA_URL_BUF_SIZE + crate::PRANA_RESUME_ID_BUF_SIZE],
            0,
            crate::PRANA_URL_BUF_SIZE,
        );
        // A URL buffer one byte short: the sizes of both, nothing written,
        // the generator not advanced.
        let (st, id_need, url_need, bytes) = create_in_url(g1, base, core::ptr::null(), url.len());
        assert_eq!(st, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
        assert_eq!((id_need, url_need), (id.len() + 1, url.len() + 1));
        assert!(bytes.iter().all(|&b| b == 0x55));
        let (st, id_len, url_len, bytes) =
            create_in_url(g1, base, core::ptr::null(), url.len() + 1);
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        assert_eq!((id_len, url_len), (id.len(), url.len()));
        assert_eq!(&bytes[..url_len], url.as_bytes());
        assert_eq!(bytes[url_len], 0);
        // Unsigned: the ID ends the URL.
        assert_eq!(&bytes[url_len - id_len..url_len], id.as_bytes());

        // Signed: the ID ends where `?sig=` starts.
        let mut keys = core::ptr::null_mut();
        let none = core::ptr::null_mut();
        assert_eq!(
            crate::signatures::prana_key_set_new(&mut keys, none),
            prana_status::PRANA_STATUS_OK
        );
        let secret = [7u8; 32];
        assert_eq!(
            crate::signatures::prana_key_set_add(
                keys,
                c"k1".as_ptr(),
                2,
                secret.as_ptr(),
                32,
                none
            ),
            prana_status::PRANA_STATUS_OK
        );
        let (st, id_len, url_len, bytes) = create_in_url(g1, base, keys, crate::PRANA_URL_BUF_SIZE);
        assert_eq!(st, prana_status::PRANA_STATUS_OK);
        let q = bytes[..url_len].iter().position(|&b| b == b'?').unwrap();
        assert!(bytes[q..url_len].starts_with(b"?sig=k1."));
        let id = core::str::from_utf8(&bytes[q - id_len..q]).unwrap();
        assert!(bytes[..q - id_len].ends_with(b"/webhook/workflow/resume/"));
        assert_eq!(
            prana_webhook_core::id::ResumeId::parse(id).map(|_| ()),
            Ok(())
        );

        crate::signatures::prana_key_set_free(keys);
        prana_id_generator_free(g1);
        prana_id_generator_free(g2);
        crate::urls::prana_base_url_free(base);
    }

    /// The common call and the checked one (reached here through
    /// `PRANA_NUL_TERMINATED`) give the same outputs, exact-size buffers
    /// suffice, and one byte less is `BUFFER_TOO_SMALL` with both sizes
    /// and the generator untouched.
    #[test]
    fn the_common_and_the_checked_call_agree() {
        let (base, g1, g2) = base_and_twin_generators(9);
        let call = |g, len: fn(&str) -> usize, id: &mut [c_char], url: &mut [c_char]| {
            let (e, n) = ("exec_1\0", "wait\0");
            let (mut id_len, mut url_len) = (0usize, 0usize);
            let st = prana_resume_url_create(
                g,
                base,
                core::ptr::null(),
                e.as_ptr().cast(),
                len(e),
                n.as_ptr().cast(),
                len(n),
                id.as_mut_ptr(),
                id.len(),
                &mut id_len,
                url.as_mut_ptr(),
                url.len(),
                &mut url_len,
                core::ptr::null_mut(),
            );
            let text = |b: &[c_char], n: usize| b[..n].iter().map(|&c| c as u8 as char).collect();
            let texts: (String, String) = if st == prana_status::PRANA_STATUS_OK {
                assert_eq!((id[id_len], url[url_len]), (0, 0));
                (text(id, id_len), text(url, url_len))
            } else {
                Default::default()
            };
            (st, id_len, url_len, texts)
        };
        let plain: fn(&str) -> usize = |s| s.len() - 1;
        let nul: fn(&str) -> usize = |_| crate::PRANA_NUL_TERMINATED;
        // The ID is 8 + 6 + 1 + 4 + 1 + 26 bytes; the URL adds 53 before it.
        let (id_size, url_size) = (47, 46 + 53 + 1);
        for (first, second, short) in [(plain, nul, 0), (plain, nul, 1), (nul, plain, 0)] {
            let (mut id, mut url) = (vec![1; id_size - short], vec![1; url_size]);
            let got1 = call(g1, first, &mut id, &mut url);
            let (mut id, mut url) = (vec![1; id_size], vec![1; url_size - short]);
            let got2 = call(g2, second, &mut id, &mut url);
            if short == 0 {
                assert_eq!(got1.0, prana_status::PRANA_STATUS_OK);
                assert_eq!((got1.1, got1.2), (id_size - 1, url_size - 1));
                assert!(got1.3 .1.ends_with(&got1.3 .0));
                assert_eq!(got1, got2);
            } else {
                // Both sizes needed come back; nothing was drawn, so the
                // twins still agree on the next round.
                for got in [got1, got2] {
                    assert_eq!(got.0, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
                    assert_eq!((got.1, got.2), (id_size, url_size));
                }
            }
        }
        prana_id_generator_free(g1);
        prana_id_generator_free(g2);
        crate::urls::prana_base_url_free(base);
    }
    /// Without a base the common call and the checked one (reached
    /// through `PRANA_NUL_TERMINATED`) make the same ID, ignore the URL
    /// arguments, and agree on a buffer one byte short.
    #[test]
    fn without_a_base_the_common_and_the_checked_call_agree() {
        let (base, g1, g2) = base_and_twin_generators(4);
        let call = |g, len: fn(&str) -> usize, id: &mut [c_char]| {
            let (e, n) = ("exec_1\0", "wait\0");
            let mut id_len = 0usize;
            let st = prana_resume_url_create(
                g,
                core::ptr::null(),
                core::ptr::null(),
                e.as_ptr().cast(),
                len(e),
                n.as_ptr().cast(),
                len(n),
                id.as_mut_ptr(),
                id.len(),
                &mut id_len,
                // Ignored without a base, NULL length pointer included.
                core::ptr::null_mut(),
                7,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
            );
            let text: String = id.iter().map(|&c| c as u8 as char).collect();
            (st, id_len, text)
        };
        let plain: fn(&str) -> usize = |s| s.len() - 1;
        let nul: fn(&str) -> usize = |_| crate::PRANA_NUL_TERMINATED;
        let id_size = 47;
        for short in [0, 1, 0] {
            let got1 = call(g1, plain, &mut vec![1; id_size - short]);
            let got2 = call(g2, nul, &mut vec![1; id_size - short]);
            assert_eq!(got1, got2);
            if short == 0 {
                assert_eq!(
                    (got1.0, got1.1),
                    (prana_status::PRANA_STATUS_OK, id_size - 1)
                );
                assert!(got1.2.starts_with("webhook_exec_1_wait_") && got1.2.ends_with('\0'));
            } else {
                assert_eq!(
                    (got1.0, got1.1),
                    (prana_status::PRANA_STATUS_BUFFER_TOO_SMALL, id_size)
                );
                assert!(got1.2.bytes().all(|b| b == 1));
            }
        }
        prana_id_generator_free(g1);
        prana_id_generator_free(g2);
        crate::urls::prana_base_url_free(base);
    }
}
