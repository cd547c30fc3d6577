//! `prana_resume_url_create` for everything but the common call: every
//! check in the documented order, with its error; a key set; exact-size
//! and too-small buffers; `PRANA_NUL_TERMINATED`.

use core::ffi::c_char;
use core::mem::MaybeUninit;

use prana_webhook_core::id::{IdGenerator, IdPartBytes, IdParts};
use prana_webhook_core::token::resume::{ResumeKey, MAC_B64_LEN, SIG_PARAM};

use super::{parts_text, prana_id_generator};
use crate::abi::{handle, handle_mut, raw_bytes, text, Fail, FfiResult, StrOut};
use crate::status::prana_status;
use crate::urls::prana_base_url;

/// `prana_resume_url_create` with every check in the documented order and
/// its error: everything but the common call (see there), which gives the
/// same outputs. Out of line, so the common call keeps its registers.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(super) fn create_checked(
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
) -> FfiResult {
    let g = handle_mut(generator, "generator")?;
    // The parts are checked once, as bytes, by the core: an id part is
    // `[A-Za-z0-9_-]`, so that check proves them text too. Anything it
    // refuses (and NULL, `PRANA_NUL_TERMINATED`) takes the text checks
    // first, for the documented errors in their order.
    let checked = match (
        raw_bytes(execution_id, execution_id_len),
        raw_bytes(node_id, node_id_len),
    ) {
        (Some(e), Some(n)) => IdPartBytes::new(e, n).ok(),
        _ => None,
    };
    let (parts, id_out) = match checked {
        Some(pb) => (
            parts_text(&pb),
            StrOut::new(id_buf, id_buf_len, id_out_len)?,
        ),
        None => {
            let e = text(execution_id, execution_id_len, "execution_id")?;
            let n = text(node_id, node_id_len, "node_id")?;
            let id_out = StrOut::new(id_buf, id_buf_len, id_out_len)?;
            (IdParts::new(e, n)?, id_out)
        }
    };
    let id_len = parts.resume_id_len();
    if base.is_null() {
        return write_id_only(&mut g.inner, &parts, id_out);
    }
    let b = handle(base, "base")?;
    // The common case, no key set, tests one pointer and adds nothing.
    let key = if keys.is_null() {
        None
    } else {
        Some(signing_key_of(keys)?)
    };
    let url_out = StrOut::new(url_buf, url_buf_len, url_out_len)?;
    // Both sizes are known before the ID exists: check them first, so a
    // too-small buffer leaves the generator and both buffers untouched.
    let plain_len = b.inner.resume_url_len(&parts);
    let url_len = match key {
        None => plain_len,
        Some(k) => plain_len + sig_len(k),
    };
    // No ID buffer: the ID is left in the URL (see above).
    let id_in_url = id_buf.is_null();
    if !((id_in_url || id_out.fits(id_len)) && url_out.fits(url_len)) {
        return Err(too_small(&id_out, id_len, &url_out, url_len));
    }
    // The URL is written straight into the caller's buffer (no UTF-8
    // check, no copy), by the writer that trusts the length computed
    // above, and the ID copied from it.
    let fill = |dst: &mut [MaybeUninit<u8>]| {
        let (plain, tail) = dst.split_at_mut(plain_len);
        let id_start = g.inner.write_resume_url_sized(&b.inner, &parts, plain);
        if let Some(k) = key {
            // SAFETY: `write_resume_url_sized` initialized all of
            // `plain`, and the ID lies inside it.
            unsafe { sign_into(k, plain, id_start, id_len, tail) };
        }
        id_start
    };
    // SAFETY: `url_out.fits(url_len)` was checked above.
    let (id_start, url) = unsafe { url_out.write_with_fitting(url_len, fill) };
    debug_assert_eq!(id_start + id_len, plain_len);
    if id_in_url {
        id_out.write_len(id_len);
    } else {
        // SAFETY: `id_out.fits(id_len)` was checked above (`id_buf` is
        // not NULL here); `url` holds the `url_len` bytes just written,
        // and the ID is the `id_len` bytes at `id_start`, which end at
        // `plain_len <= url_len` (the writer puts the ID last).
        unsafe { id_out.write_copy_fitting(url.add(id_start), id_len) };
    }
    Ok(())
}

/// The length of `?sig={key_id}.{mac}` for URLs signed with `k`.
fn sig_len(k: &ResumeKey) -> usize {
    "?".len() + SIG_PARAM.len() + "=".len() + k.id().as_str().len() + 1 + MAC_B64_LEN
}

/// The signing key of a non-NULL key set (a set without one is
/// `NoSigningKey`). Out of line: signing dwarfs the call.
#[inline(never)]
fn signing_key_of<'a>(keys: *const crate::signatures::prana_key_set) -> FfiResult<&'a ResumeKey> {
    let key = crate::signatures::signing_key(crate::signatures::key_set_opt(keys)?)?;
    Ok(key.expect("a non-NULL key set gives Some or an error"))
}

/// The `BUFFER_TOO_SMALL` failure of `prana_resume_url_create`, with both
/// sizes needed reported. Out of line and cold: the hot path keeps its
/// registers.
#[cold]
#[inline(never)]
fn too_small(id_out: &StrOut, id_len: usize, url_out: &StrOut, url_len: usize) -> Fail {
    let id_needed = id_out.report_needed(id_len);
    let url_needed = url_out.report_needed(url_len);
    Fail::new(
        prana_status::PRANA_STATUS_BUFFER_TOO_SMALL,
        format_args!(
            "output buffers hold {} and {} bytes; {id_needed} and {url_needed} are \
             needed (including the NUL)",
            id_out.capacity(),
            url_out.capacity()
        ),
    )
}

/// Write `?sig={key_id}.{mac}` for the resume ID at `plain[id_start..][..id_len]`
/// into all of `tail`. Out of line: an HMAC dwarfs the call, and the
/// unsigned path stays small enough to be inlined whole.
///
/// # Safety
///
/// `plain[id_start..id_start + id_len]` is initialized.
#[inline(never)]
unsafe fn sign_into(
    k: &ResumeKey,
    plain: &[core::mem::MaybeUninit<u8>],
    id_start: usize,
    id_len: usize,
    tail: &mut [core::mem::MaybeUninit<u8>],
) {
    let id = &plain[id_start..id_start + id_len];
    // SAFETY: `id` is initialized (the function's contract); u8 has no
    // other validity requirement.
    let id = unsafe { core::slice::from_raw_parts(id.as_ptr().cast::<u8>(), id.len()) };
    // A resume ID is ASCII; checking it is one short pass.
    let id = crate::text::ascii_str(id).expect("a resume ID is ASCII");
    let sig = k.sign(id);
    let mut at = 0;
    for part in ["?", SIG_PARAM, "=", sig.as_str()] {
        for (d, c) in tail[at..].iter_mut().zip(part.bytes()) {
            d.write(c);
        }
        at += part.len();
    }
    assert!(at == tail.len(), "signature length {at} != {}", tail.len());
}

/// `prana_resume_url_create` without a base: only the ID, written as bytes
/// straight into the caller's buffer (no `ResumeId` built, checked and
/// copied). The parts and the buffer are checked before the generator is
/// touched. Out of line, so the URL path keeps its own code inlined.
#[inline(never)]
fn write_id_only(g: &mut IdGenerator, parts: &IdParts<'_>, id_out: StrOut) -> FfiResult {
    let id_len = parts.resume_id_len();
    id_out
        .write_with(id_len, |dst| {
            let n = g.write_resume_id(parts, dst)?;
            assert!(n == id_len, "resume ID length {n} != {id_len}");
            Ok(())
        })
        .map(|_| ())
}
