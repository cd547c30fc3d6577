//! Base URLs and building trigger and resume URLs.

use core::ffi::c_char;
use core::mem::MaybeUninit;

use prana_webhook_core::id::validate_resume_id;
use prana_webhook_core::url::BaseUrl;

use crate::abi::{self, guard, handle, text, FfiResult, Out, StrOut};
use crate::signatures::{prana_key_set, signed_action};
use crate::status::{prana_error, prana_status};

/// A validated base URL: `http` or `https`, a host, an optional port and an
/// optional path prefix (`https://gw.example.com/hooks`); one trailing `/`
/// is trimmed. Query, fragment and user info are rejected.
///
/// Ownership: made by `prana_base_url_new`, owned by the caller, freed with
/// `prana_base_url_free` (exactly once; NULL is a no-op).
///
/// Thread safety: immutable after creation; any number of threads may use
/// one base URL at the same time.
pub struct prana_base_url {
    pub(crate) inner: BaseUrl,
}

/// Parse and normalize a base URL (`len` bytes, at most
/// `PRANA_MAX_BASE_URL_LEN`). Errors: `PRANA_STATUS_BASE_URL_*`, or
/// `PRANA_STATUS_CAPACITY_EXCEEDED` when too long. On success `*out`
/// receives a new handle to free with `prana_base_url_free`. Std build
/// only; `prana_base_url_init` places one in caller memory.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_base_url_new(
    url: *const c_char,
    url_len: usize,
    out: *mut *mut prana_base_url,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let out = Out::new(out, "out")?;
        let s = text(url, url_len, "url")?;
        let base = prana_base_url {
            inner: BaseUrl::parse(s)?,
        };
        out.write(abi::into_handle(base));
        Ok(())
    })
}

/// Free a base URL made by `prana_base_url_new`. NULL is a no-op. The
/// handle must not be used afterwards. Never pass a handle made by
/// `prana_base_url_init`. Std build only.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_base_url_free(base: *mut prana_base_url) {
    abi::free_handle(base);
}

/// Bytes of caller memory a `prana_base_url` needs (`prana_base_url_init`).
pub const PRANA_BASE_URL_SIZE: usize = 328;
/// Alignment a `prana_base_url` needs: memory declared as `uint64_t[]`
/// (or from `malloc`) has it.
pub const PRANA_BASE_URL_ALIGN: usize = 8;

const _: () = assert!(
    core::mem::size_of::<prana_base_url>() <= PRANA_BASE_URL_SIZE
        && core::mem::align_of::<prana_base_url>() <= PRANA_BASE_URL_ALIGN
);

/// Parse a base URL as `prana_base_url_new` does, into caller memory: `mem`
/// holds `mem_len >= PRANA_BASE_URL_SIZE` bytes aligned to
/// `PRANA_BASE_URL_ALIGN` (for example `static uint64_t mem[(PRANA_BASE_URL_SIZE
/// + 7) / 8];`), else `PRANA_STATUS_INVALID_ARGUMENT`. On success `*out`
/// is the handle (pointing into `mem`). Nothing is allocated and nothing is
/// freed: the handle is valid while `mem` is, and must never be passed to
/// `prana_base_url_free`. Available in every build (the way to make a base
/// URL without std). Thread safety as `prana_base_url`.
#[no_mangle]
pub extern "C" fn prana_base_url_init(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    url: *const c_char,
    url_len: usize,
    out: *mut *mut prana_base_url,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let out = Out::new(out, "out")?;
        let s = text(url, url_len, "url")?;
        let base = prana_base_url {
            inner: BaseUrl::parse(s)?,
        };
        out.write(abi::init_in(mem, mem_len, base)?);
        Ok(())
    })
}

/// Write the normalized base URL (lowercase scheme, no trailing `/`).
/// Output: text and NUL; `*out_len` = length without the NUL; on
/// `PRANA_STATUS_BUFFER_TOO_SMALL` `*out_len` = size needed with the NUL.
#[no_mangle]
pub extern "C" fn prana_base_url_str(
    base: *const prana_base_url,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let b = handle(base, "base")?;
        StrOut::new(buf, len, out_len)?.write(b.inner.as_str())
    })
}

/// Write `{base}/webhook/workflow/trigger/{workflow_id}`. The workflow id is
/// 1-64 bytes of `[A-Za-z0-9_-]`. Output rules as `prana_base_url_str`; a
/// buffer of `PRANA_MAX_URL_LEN + 1` bytes always suffices.
#[no_mangle]
pub extern "C" fn prana_base_url_trigger_url(
    base: *const prana_base_url,
    workflow_id: *const c_char,
    workflow_id_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let b = handle(base, "base")?;
        let w = text(workflow_id, workflow_id_len, "workflow_id")?;
        let out = StrOut::new(buf, len, out_len)?;
        out.write(&b.inner.trigger_url(w)?)
    })
}

/// Write the URL of `action` for an existing resume ID:
/// `{base}/webhook/workflow/{resume|cancel|extend}/{resume_id}` for
/// `action` `PRANA_ROUTE_RESUME`, `_CANCEL` or `_EXTEND`, followed by
/// `?sig={key_id}.{mac}` signed in the action's own domain with the current
/// key when `keys` is not NULL (NULL: unsigned). For hosts that rebuild a
/// stored wait's URLs; a new ID's URL comes from `prana_resume_url_create`,
/// an execution's from `prana_execution_render`. Errors: the resume ID
/// statuses, `PRANA_STATUS_NO_SIGNING_KEY` for an empty key set,
/// `PRANA_STATUS_INVALID_ARGUMENT` for another `action`. Output rules as
/// `prana_base_url_str`; `PRANA_URL_BUF_SIZE` bytes always suffice.
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "C" fn prana_base_url_action_url(
    base: *const prana_base_url,
    keys: *const prana_key_set,
    action: u32,
    resume_id: *const c_char,
    resume_id_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let b = handle(base, "base")?;
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let action = signed_action(action)?;
        let out = StrOut::new(buf, len, out_len)?;
        validate_resume_id(r)?;
        let sig = match keys.is_null() {
            true => None,
            false => Some(handle(keys, "keys")?.inner.sign_for(action, r)?),
        };
        // The pieces go straight into `buf`: no URL built and copied.
        let pieces = b.inner.action_url_pieces(action, r, sig.as_ref());
        let len = pieces.iter().map(|p| p.len()).sum();
        out.write_with(len, |dst| {
            let mut at = 0;
            for p in pieces {
                let end = at + p.len();
                for (d, &c) in dst[at..end].iter_mut().zip(p.as_bytes()) {
                    *d = MaybeUninit::new(c);
                }
                at = end;
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// Borrow a base URL for other modules.
pub(crate) fn base_ref<'a>(base: *const prana_base_url) -> FfiResult<&'a BaseUrl> {
    handle(base, "base").map(|b| &b.inner)
}
