//! The panic boundary, the thread-local last error, and checked conversions
//! of C arguments. Every raw-pointer access of the crate goes through the
//! helpers here or carries its own `// SAFETY:` comment.

use core::ffi::c_char;
use core::ptr::NonNull;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::string::String;

use prana_webhook_core::Error;

use crate::status::{prana_status, status_of};

/// A failed call: its status and the detail for `prana_last_error_message`.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: prana_status,
    pub(crate) message: String,
}

impl Fail {
    pub(crate) fn new(status: prana_status, message: impl Into<String>) -> Fail {
        Fail {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Fail {
        Fail::new(
            prana_status::PRANA_STATUS_NULL_ARGUMENT,
            format!("{what} is NULL"),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Fail {
        Fail::new(prana_status::PRANA_STATUS_INVALID_ARGUMENT, message)
    }
}

impl From<Error> for Fail {
    fn from(err: Error) -> Fail {
        Fail::new(status_of(&err), format!("{err}"))
    }
}

impl From<prana_webhook_core::token::SignatureError> for Fail {
    fn from(err: prana_webhook_core::token::SignatureError) -> Fail {
        Fail::from(Error::Signature(err))
    }
}

/// Result of a function body.
pub(crate) type FfiResult<T = ()> = Result<T, Fail>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    // try_with: during thread teardown the slot may be gone; then drop the message.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            *s = message;
        }
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    format!("internal error: the library panicked: {what}")
}

/// Run a function body behind the panic boundary: clear the thread's last
/// error, run `body`, record the detail of a failure, and turn a panic into
/// `PRANA_STATUS_PANIC`.
pub(crate) fn guard<F: FnOnce() -> FfiResult>(body: F) -> prana_status {
    set_last_error(String::new());
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => prana_status::PRANA_STATUS_OK,
        Ok(Err(fail)) => {
            set_last_error(fail.message);
            fail.status
        }
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            prana_status::PRANA_STATUS_PANIC
        }
    }
}

/// Run an infallible body (a getter returning a value, a `_free`) behind the
/// panic boundary; a panic gives `fallback`.
pub(crate) fn guard_value<T, F: FnOnce() -> T>(fallback: T, body: F) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The current thread's last error message, copied.
pub(crate) fn last_error() -> String {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().map(|s| s.clone()).unwrap_or_default())
        .unwrap_or_default()
}

/// Borrow `len` bytes at `ptr`. NULL is accepted only with `len == 0` (empty).
pub(crate) fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Fail::null(what))
        };
    }
    if len > isize::MAX as usize {
        return Err(Fail::invalid(format!("{what}: length {len} is too large")));
    }
    // SAFETY: `ptr` is non-NULL and the caller promises (header contract) that
    // it points to `len` readable bytes that stay unchanged during the call;
    // `len` fits `isize`. u8 has alignment 1.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Borrow `len` bytes at `ptr` as text: UTF-8, without NUL bytes.
/// NULL is accepted only with `len == 0` (the empty string).
pub(crate) fn text<'a>(ptr: *const c_char, len: usize, what: &str) -> FfiResult<&'a str> {
    let b = bytes(ptr.cast::<u8>(), len, what)?;
    let s = core::str::from_utf8(b).map_err(|e| {
        Fail::new(
            prana_status::PRANA_STATUS_INVALID_UTF8,
            format!("{what} is not valid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    if let Some(at) = s.bytes().position(|c| c == 0) {
        return Err(Fail::new(
            prana_status::PRANA_STATUS_EMBEDDED_NUL,
            format!("{what} contains a NUL byte at byte {at}"),
        ));
    }
    Ok(s)
}

/// Borrow a handle.
pub(crate) fn handle<'a, T>(ptr: *const T, what: &str) -> FfiResult<&'a T> {
    // SAFETY: a non-NULL handle pointer was returned by this library's `_new`
    // (a `Box<T>`) and not yet freed (header contract); shared access only.
    unsafe { ptr.as_ref() }.ok_or_else(|| Fail::null(what))
}

/// Borrow a handle mutably.
pub(crate) fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> FfiResult<&'a mut T> {
    // SAFETY: as in `handle`; the header documents that a mutable handle must
    // not be used from two threads at once, so this borrow is unique.
    unsafe { ptr.as_mut() }.ok_or_else(|| Fail::null(what))
}

/// A checked, non-NULL out-pointer, written once on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Check `ptr` for NULL.
    pub(crate) fn new(ptr: *mut T, what: &str) -> FfiResult<Out<T>> {
        NonNull::new(ptr).map(Out).ok_or_else(|| Fail::null(what))
    }

    /// Store `value` without reading or dropping the old contents.
    pub(crate) fn write(self, value: T) {
        // SAFETY: the pointer is non-NULL, and the caller promises it is
        // valid and aligned for one `T` (header contract). `write` does not
        // read the (possibly uninitialized) old value.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// A caller string buffer `(buf, len)` with its `out_len`.
///
/// On success the text and a NUL are written and `*out_len` is the text
/// length without the NUL. When the buffer is too small, nothing is written
/// to `buf`, `*out_len` is the size needed including the NUL, and the result
/// is `PRANA_STATUS_BUFFER_TOO_SMALL`. `buf` may be NULL only when `len` is 0
/// (a size query).
pub(crate) struct StrOut {
    buf: *mut c_char,
    len: usize,
    out_len: Out<usize>,
}

impl StrOut {
    /// Check the pointers.
    pub(crate) fn new(buf: *mut c_char, len: usize, out_len: *mut usize) -> FfiResult<StrOut> {
        let out_len = Out::new(out_len, "out_len")?;
        if buf.is_null() && len != 0 {
            return Err(Fail::null("buf"));
        }
        if len > isize::MAX as usize {
            return Err(Fail::invalid(format!("buf: length {len} is too large")));
        }
        Ok(StrOut { buf, len, out_len })
    }

    /// Fail with `BUFFER_TOO_SMALL` unless `text_len` bytes and a NUL fit.
    /// Lets a function check before it changes any state.
    pub(crate) fn check_fits(&self, text_len: usize) -> FfiResult {
        let needed = text_len.saturating_add(1);
        if needed > self.len {
            // SAFETY: out_len is a checked non-NULL pointer (see `Out::write`).
            unsafe { self.out_len.0.as_ptr().write(needed) };
            return Err(Fail::new(
                prana_status::PRANA_STATUS_BUFFER_TOO_SMALL,
                format!(
                    "output buffer holds {} bytes; {needed} are needed (including the NUL)",
                    self.len
                ),
            ));
        }
        Ok(())
    }

    /// Write `s` and its NUL, or fail with `BUFFER_TOO_SMALL`.
    pub(crate) fn write(self, s: &str) -> FfiResult {
        self.check_fits(s.len())?;
        // SAFETY: `buf` is non-NULL (len >= 1 here) and the caller promises it
        // is writable for `len` bytes; `s.len() + 1 <= len` was checked, and
        // `s` (Rust memory) cannot overlap a caller buffer we only write.
        unsafe {
            core::ptr::copy_nonoverlapping(s.as_ptr(), self.buf.cast::<u8>(), s.len());
            self.buf.add(s.len()).write(0);
        }
        self.out_len.write(s.len());
        Ok(())
    }
}

/// Copy `s` into a fixed `c_char` array with a NUL, cut at a character
/// boundary when it does not fit. Returns the length written without the NUL.
pub(crate) fn copy_to_array<const N: usize>(s: &str, out: &mut [c_char; N]) -> usize {
    let mut n = s.len().min(N.saturating_sub(1));
    while n > 0 && !s.is_char_boundary(n) {
        n -= 1;
    }
    for (dst, src) in out.iter_mut().zip(s.as_bytes()[..n].iter()) {
        *dst = *src as c_char;
    }
    if N > 0 {
        out[n] = 0;
    }
    n
}

/// Move a value to the heap and hand its pointer out as a handle.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Free a handle made by [`into_handle`]; NULL is a no-op.
pub(crate) fn free_handle<T>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    guard_value((), || {
        // SAFETY: a non-NULL pointer given to a `_free` function was made by
        // `into_handle` (Box::into_raw) and is freed once (header contract).
        drop(unsafe { Box::from_raw(ptr) });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_status_and_message() {
        let st = guard(|| panic!("boom"));
        assert_eq!(st, prana_status::PRANA_STATUS_PANIC);
        assert!(last_error().contains("boom"));
        assert_eq!(guard(|| Ok(())), prana_status::PRANA_STATUS_OK);
        assert_eq!(last_error(), "");
    }

    #[test]
    fn text_checks() {
        let ok = b"abc";
        assert_eq!(text(ok.as_ptr().cast(), 3, "x").unwrap(), "abc");
        assert_eq!(text(core::ptr::null(), 0, "x").unwrap(), "");
        let e = text(core::ptr::null(), 1, "x").unwrap_err();
        assert_eq!(e.status, prana_status::PRANA_STATUS_NULL_ARGUMENT);
        let bad = b"a\xffb";
        let e = text(bad.as_ptr().cast(), 3, "x").unwrap_err();
        assert_eq!(e.status, prana_status::PRANA_STATUS_INVALID_UTF8);
        let nul = b"a\0b";
        let e = text(nul.as_ptr().cast(), 3, "x").unwrap_err();
        assert_eq!(e.status, prana_status::PRANA_STATUS_EMBEDDED_NUL);
    }

    #[test]
    fn copy_to_array_cuts_at_char_boundary() {
        let mut a = [1 as c_char; 4];
        assert_eq!(copy_to_array("abé", &mut a), 2);
        assert_eq!(a[2], 0);
        assert_eq!(copy_to_array("ab", &mut a), 2);
    }
}
