//! The panic boundary, the error report (`prana_error` and, in the std
//! build, the thread-local last error), and checked conversions of C
//! arguments. Every raw-pointer access of the crate goes through the
//! helpers here or carries its own `// SAFETY:` comment.

use core::ffi::c_char;
use core::fmt::Display;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
#[cfg(feature = "std")]
use std::cell::{Cell, RefCell};
#[cfg(feature = "std")]
use std::panic::{catch_unwind, AssertUnwindSafe};
#[cfg(feature = "std")]
use std::string::String;

use prana_webhook_core::Error;

use crate::message::{self, Message};
use crate::status::{prana_error, prana_status, status_of};

/// A failed call: its status and the detail for `prana_error`.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: prana_status,
    pub(crate) message: Message,
}

impl Fail {
    pub(crate) fn new(status: prana_status, message: impl Display) -> Fail {
        Fail {
            status,
            message: message::make(message),
        }
    }

    // Failures are rare: `#[cold]` keeps their message formatting out of
    // the hot path of every call.
    #[cold]
    pub(crate) fn null(what: &str) -> Fail {
        Fail::new(
            prana_status::PRANA_STATUS_NULL_ARGUMENT,
            format_args!("{what} is NULL"),
        )
    }

    pub(crate) fn invalid(message: impl Display) -> Fail {
        Fail::new(prana_status::PRANA_STATUS_INVALID_ARGUMENT, message)
    }
}

// Out of line and cold, like every failure: a `?` on a core call then
// costs a call on the error path only, not the message formatting inlined
// into the caller (which kept callers' closures from being inlined).
impl From<Error> for Fail {
    #[cold]
    #[inline(never)]
    fn from(err: Error) -> Fail {
        Fail::new(status_of(&err), err)
    }
}

impl From<prana_webhook_core::token::SignatureError> for Fail {
    #[cold]
    #[inline(never)]
    fn from(err: prana_webhook_core::token::SignatureError) -> Fail {
        Fail::from(Error::Signature(err))
    }
}

/// Result of a function body.
pub(crate) type FfiResult<T = ()> = Result<T, Fail>;

#[cfg(feature = "std")]
thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
    /// Whether `LAST_ERROR` may hold a message. A plain flag without a
    /// destructor, so the test every call makes is one thread-local load
    /// (the `String` slot's access first checks that slot's state).
    static LAST_ERROR_SET: Cell<bool> = const { Cell::new(false) };
}

#[cfg(feature = "std")]
fn set_last_error(message: String) {
    LAST_ERROR_SET.set(true);
    // try_with: during thread teardown the slot may be gone; then drop the message.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            *s = message;
        }
    });
}

#[cfg(feature = "std")]
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    format!("internal error: the library panicked: {what}")
}

/// Empty the thread's last error. Runs at the start of every call, and the
/// message is almost always empty already (the previous call succeeded), so
/// this only tests the flag: no `String` is touched.
#[cfg(feature = "std")]
#[inline]
fn clear_last_error() {
    if LAST_ERROR_SET.get() {
        clear_last_error_slot();
    }
}

#[cfg(feature = "std")]
#[cold]
#[inline(never)]
fn clear_last_error_slot() {
    LAST_ERROR_SET.set(false);
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            s.clear();
        }
    });
}

/// Fill the caller's optional `prana_error` (NULL: nothing to fill).
#[inline]
fn report(err: *mut prana_error, status: prana_status, message: &str) {
    // SAFETY: a non-NULL `err` points to a writable `prana_error` that
    // nothing else accesses during the call (header contract).
    if let Some(e) = unsafe { err.as_mut() } {
        e.code = status;
        e.message_len = message.len();
        copy_to_array(message, &mut e.message);
    }
}

/// [`report`] for a failure, whose message may have been cut (no_std).
#[inline]
fn report_fail(err: *mut prana_error, fail: &Fail) {
    report(err, fail.status, &fail.message);
    // SAFETY: as in `report`.
    if let Some(e) = unsafe { err.as_mut() } {
        e.message_len = message::full_len(&fail.message);
    }
}

/// Run a function body behind the panic boundary: clear the thread's last
/// error, run `body`, hand the detail of a failure to `err` (when not NULL)
/// and to the thread's last error, and turn a panic into
/// `PRANA_STATUS_PANIC`.
#[cfg(feature = "std")]
pub(crate) fn guard<F: FnOnce() -> FfiResult>(err: *mut prana_error, body: F) -> prana_status {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            report(err, prana_status::PRANA_STATUS_OK, "");
            prana_status::PRANA_STATUS_OK
        }
        Ok(Err(fail)) => {
            report_fail(err, &fail);
            let status = fail.status;
            set_last_error(fail.message);
            status
        }
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            report(err, prana_status::PRANA_STATUS_PANIC, &message);
            set_last_error(message);
            prana_status::PRANA_STATUS_PANIC
        }
    }
}

/// Run a function body and hand the detail of a failure to `err` (when
/// not NULL). Without std there is no unwinding: a panic aborts (see the
/// panic handler in `lib.rs`), so nothing can cross the boundary.
#[cfg(not(feature = "std"))]
pub(crate) fn guard<F: FnOnce() -> FfiResult>(err: *mut prana_error, body: F) -> prana_status {
    match body() {
        Ok(()) => {
            report(err, prana_status::PRANA_STATUS_OK, "");
            prana_status::PRANA_STATUS_OK
        }
        Err(fail) => {
            report_fail(err, &fail);
            fail.status
        }
    }
}

/// Run an infallible body (a getter returning a value, a `_free`) behind the
/// panic boundary; a panic gives `fallback`.
#[cfg(feature = "std")]
pub(crate) fn guard_value<T, F: FnOnce() -> T>(fallback: T, body: F) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// [`guard_value`] without std: a panic aborts, so the body just runs.
#[cfg(not(feature = "std"))]
pub(crate) fn guard_value<T, F: FnOnce() -> T>(_fallback: T, body: F) -> T {
    body()
}

/// The current thread's last error message, copied.
#[cfg(feature = "std")]
pub(crate) fn last_error() -> String {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().map(|s| s.clone()).unwrap_or_default())
        .unwrap_or_default()
}

#[cold]
fn too_large(what: &str, len: usize) -> Fail {
    Fail::invalid(format_args!("{what}: length {len} is too large"))
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
        return Err(too_large(what, len));
    }
    // SAFETY: `ptr` is non-NULL and the caller promises (header contract) that
    // it points to `len` readable bytes that stay unchanged during the call;
    // `len` fits `isize`. u8 has alignment 1.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The `len` bytes at `ptr` when it is non-NULL and `len` fits `isize`
/// (so it is no `PRANA_NUL_TERMINATED`); else `None`. For fast paths whose
/// callers fall back to [`text`] (and its errors) when it gives `None`.
#[inline]
pub(crate) fn raw_bytes<'a>(ptr: *const c_char, len: usize) -> Option<&'a [u8]> {
    if ptr.is_null() || len > isize::MAX as usize {
        return None;
    }
    // SAFETY: `ptr` is non-NULL and the caller promises (header contract)
    // `len` readable bytes that stay unchanged during the call; `len` fits
    // `isize`; u8 has alignment 1.
    Some(unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// The length of a text argument: `len`, or for `PRANA_NUL_TERMINATED`
/// the bytes before the first NUL (`strlen`). NULL stays NULL: `bytes`
/// reports it, since `PRANA_NUL_TERMINATED` is not 0.
#[inline]
pub(crate) fn text_len(ptr: *const c_char, len: usize) -> usize {
    if len != crate::PRANA_NUL_TERMINATED || ptr.is_null() {
        return len;
    }
    // SAFETY: with `PRANA_NUL_TERMINATED` the caller promises a readable,
    // NUL-terminated string at the non-NULL `ptr` (header contract).
    unsafe { core::ffi::CStr::from_ptr(ptr) }.count_bytes()
}

/// Borrow `len` bytes at `ptr` as text: UTF-8, without NUL bytes.
/// NULL is accepted only with `len == 0` (the empty string);
/// `len == PRANA_NUL_TERMINATED` reads up to the terminating NUL.
///
/// Inlined: the common case (a non-NULL pointer to ASCII text with an
/// explicit length) returns the text in registers; everything else,
/// errors included, goes through the out-of-line [`text_other`].
#[inline]
pub(crate) fn text<'a>(ptr: *const c_char, len: usize, what: &str) -> FfiResult<&'a str> {
    match ascii_text(ptr, len) {
        Some(s) => Ok(s),
        None => text_other(ptr, len, what),
    }
}

/// The text at `ptr` when it is non-NULL, `len` fits `isize` (so it is not
/// `PRANA_NUL_TERMINATED`) and every byte is ASCII without NUL; else `None`.
#[inline]
fn ascii_text<'a>(ptr: *const c_char, len: usize) -> Option<&'a str> {
    if ptr.is_null() || len > isize::MAX as usize {
        return None;
    }
    // SAFETY: as in `bytes`: `ptr` is non-NULL and the caller promises (header
    // contract) `len` readable bytes that stay unchanged during the call;
    // `len` fits `isize`; u8 has alignment 1.
    let b = unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    crate::text::ascii_str(b)
}

/// [`text`] for everything but the common case: NULL, a
/// `PRANA_NUL_TERMINATED` length, non-ASCII text and every error.
#[inline(never)]
fn text_other<'a>(ptr: *const c_char, len: usize, what: &str) -> FfiResult<&'a str> {
    let b = bytes(ptr.cast::<u8>(), text_len(ptr, len), what)?;
    match crate::text::ascii_str(b) {
        Some(s) => Ok(s),
        None => text_checked(b, what),
    }
}

/// Non-ASCII text or a bad byte: the full checks, in the documented order
/// (UTF-8 first, then NUL), with the offending offset. Out of line, so the
/// common case above stays small.
#[cold]
#[inline(never)]
fn text_checked<'a>(b: &'a [u8], what: &str) -> FfiResult<&'a str> {
    let s = core::str::from_utf8(b).map_err(|e| {
        Fail::new(
            prana_status::PRANA_STATUS_INVALID_UTF8,
            format_args!("{what} is not valid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    if let Some(at) = s.bytes().position(|c| c == 0) {
        return Err(Fail::new(
            prana_status::PRANA_STATUS_EMBEDDED_NUL,
            format_args!("{what} contains a NUL byte at byte {at}"),
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

    /// The pointer, for a result written field by field.
    pub(crate) fn as_ptr(&self) -> *mut T {
        self.0.as_ptr()
    }

    /// Store `value` without reading or dropping the old contents.
    pub(crate) fn write(self, value: T) {
        // SAFETY: the pointer is non-NULL, and the caller promises it is
        // valid and aligned for one `T` (header contract). `write` does not
        // read the (possibly uninitialized) old value.
        unsafe { self.0.as_ptr().write(value) }
    }

    /// Store `init`, then let `fill` complete the value in place, for the
    /// result structs of a few hundred bytes to 7 KiB: building one on the
    /// stack and copying it out costs a `memcpy` of the whole struct, which
    /// dominated `prana_resume_decide`. Call it once nothing can fail:
    /// outputs are written only on success (so `fill` only sets fields).
    pub(crate) fn write_with(self, init: T, fill: impl FnOnce(&mut T)) {
        let p = self.0.as_ptr();
        // SAFETY: as in `write`; once `init` is stored the slot holds a
        // valid `T`, and the header forbids the caller to touch it during
        // the call, so this is the only reference to it.
        unsafe {
            p.write(init);
            fill(&mut *p);
        }
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
    /// Check the pointers. Inlined with one branch for all failures: out of
    /// line, the call and the separate checks cost more than the checks.
    #[inline]
    pub(crate) fn new(buf: *mut c_char, len: usize, out_len: *mut usize) -> FfiResult<StrOut> {
        match NonNull::new(out_len) {
            Some(o) if !(buf.is_null() && len != 0) && len <= isize::MAX as usize => Ok(StrOut {
                buf,
                len,
                out_len: Out(o),
            }),
            _ => Err(StrOut::bad(buf, len, out_len)),
        }
    }

    /// The failure of [`StrOut::new`], in the documented order.
    #[cold]
    #[inline(never)]
    fn bad(buf: *mut c_char, len: usize, out_len: *mut usize) -> Fail {
        if out_len.is_null() {
            Fail::null("out_len")
        } else if buf.is_null() && len != 0 {
            Fail::null("buf")
        } else {
            Fail::invalid(format_args!("buf: length {len} is too large"))
        }
    }

    /// Whether `text_len` bytes and a NUL fit.
    pub(crate) fn fits(&self, text_len: usize) -> bool {
        text_len < self.len
    }

    /// Report the size `text_len` needs (NUL included) in `*out_len`, the
    /// one thing a `BUFFER_TOO_SMALL` failure writes.
    pub(crate) fn report_needed(&self, text_len: usize) -> usize {
        let needed = text_len.saturating_add(1);
        // SAFETY: out_len is a checked non-NULL pointer (see `Out::write`).
        unsafe { self.out_len.0.as_ptr().write(needed) };
        needed
    }

    /// Set `*out_len` to `text_len` and write nothing: for text the caller
    /// finds in another output of the same call.
    pub(crate) fn write_len(self, text_len: usize) {
        self.out_len.write(text_len);
    }

    /// The buffer's length, for messages.
    pub(crate) fn capacity(&self) -> usize {
        self.len
    }

    /// Fail with `BUFFER_TOO_SMALL` unless `text_len` bytes and a NUL fit.
    /// Lets a function check before it changes any state.
    #[inline]
    pub(crate) fn check_fits(&self, text_len: usize) -> FfiResult {
        if self.fits(text_len) {
            Ok(())
        } else {
            Err(self.too_small(text_len))
        }
    }

    #[cold]
    #[inline(never)]
    fn too_small(&self, text_len: usize) -> Fail {
        let needed = self.report_needed(text_len);
        Fail::new(
            prana_status::PRANA_STATUS_BUFFER_TOO_SMALL,
            format_args!(
                "output buffer holds {} bytes; {needed} are needed (including the NUL)",
                self.len
            ),
        )
    }

    /// Write `s` and its NUL, or fail with `BUFFER_TOO_SMALL`, in one copy.
    #[inline]
    pub(crate) fn write(self, s: &str) -> FfiResult {
        self.check_fits(s.len())?;
        // SAFETY: `buf` is non-NULL (len > s.len() >= 0 here) and the
        // caller promises it is writable for `len` bytes; `s.len() + 1 <=
        // len` was checked, so the copy and the NUL stay inside. `s` is
        // Rust memory (a copy or the library's own text), never the
        // caller's output buffer.
        unsafe {
            let at = self.buf.cast::<u8>();
            core::ptr::copy_nonoverlapping(s.as_ptr(), at, s.len());
            at.add(s.len()).write(0);
        }
        self.out_len.write(s.len());
        Ok(())
    }

    /// Let `fill` write `text_len` bytes of text (UTF-8 without NUL; all of
    /// them) straight into the caller's buffer, then add the NUL and set
    /// `*out_len`; or fail with `BUFFER_TOO_SMALL` before `fill` runs.
    /// Returns what `fill` returned and the address of the text, for a copy
    /// into a second output ([`StrOut::write_copy_fitting`]). Always inlined: out
    /// of line it is a call per output, its result passed through memory.
    #[inline(always)]
    pub(crate) fn write_with<T>(
        self,
        text_len: usize,
        fill: impl FnOnce(&mut [MaybeUninit<u8>]) -> FfiResult<T>,
    ) -> FfiResult<(T, *const u8)> {
        self.check_fits(text_len)?;
        // SAFETY: `buf` is non-NULL (len > text_len >= 0 here) and the
        // caller promises `len` writable bytes that nothing else accesses
        // during the call; `text_len < len <= isize::MAX`. `MaybeUninit<u8>`
        // has no validity requirement, so memory C left uninitialized may be
        // viewed as such; `fill` can only write it.
        let dst = unsafe {
            core::slice::from_raw_parts_mut(self.buf.cast::<MaybeUninit<u8>>(), text_len)
        };
        let value = fill(dst)?;
        // SAFETY: `text_len < len`, so the NUL is inside the buffer.
        unsafe { self.buf.add(text_len).write(0) };
        self.out_len.write(text_len);
        Ok((value, self.buf.cast_const().cast::<u8>()))
    }

    /// [`StrOut::write_with`] once the caller has checked
    /// [`StrOut::fits`]`(text_len)` itself (together with other outputs, so
    /// a failure reports them all): no second capacity check.
    ///
    /// # Safety
    ///
    /// `self.fits(text_len)` is true.
    #[inline(always)]
    pub(crate) unsafe fn write_with_fitting<T>(
        self,
        text_len: usize,
        fill: impl FnOnce(&mut [MaybeUninit<u8>]) -> T,
    ) -> (T, *const u8) {
        debug_assert!(self.fits(text_len));
        // SAFETY: as in `write_with`; `text_len < len` is the caller's
        // contract instead of a check here.
        let dst = unsafe {
            core::slice::from_raw_parts_mut(self.buf.cast::<MaybeUninit<u8>>(), text_len)
        };
        let value = fill(dst);
        // SAFETY: `text_len < len`, so the NUL is inside the buffer.
        unsafe { self.buf.add(text_len).write(0) };
        self.out_len.write(text_len);
        (value, self.buf.cast_const().cast::<u8>())
    }

    /// Write a copy of `len` bytes at `src` and a NUL, and set `*out_len`,
    /// once the caller has checked [`StrOut::fits`]`(len)` itself (together
    /// with other outputs): no second capacity check. For text this call
    /// wrote to another output (see [`StrOut::write_with_fitting`]).
    ///
    /// # Safety
    ///
    /// `self.fits(len)` is true, and `src` is readable for `len` bytes.
    #[inline(always)]
    pub(crate) unsafe fn write_copy_fitting(self, src: *const u8, len: usize) {
        debug_assert!(self.fits(len));
        // SAFETY: `buf` is non-NULL and writable for `len + 1 <= self.len`
        // bytes (`fits`, the caller's contract; header contract for the
        // buffer); `src` is readable for `len` bytes (the caller's contract).
        // `copy` (a memmove) stays defined even if a caller passed
        // overlapping output buffers.
        unsafe {
            let at = self.buf.cast::<u8>();
            core::ptr::copy(src, at, len);
            at.add(len).write(0);
        }
        self.out_len.write(len);
    }

    /// Write text that `fill` serializes into a byte buffer (returning its
    /// length; at most `max_len` bytes, UTF-8 without NUL, such as JSON).
    ///
    /// A caller buffer of at least `max_len + 1` bytes (the documented
    /// `..._BUF_SIZE`) is filled in place: no temporary, no copy. A smaller
    /// one (a size query, or an exact size from an earlier query) gets a
    /// temporary first, so it stays untouched when the text does not fit.
    /// `fill` must not fail with `max_len` bytes (the core's serializers
    /// guarantee it); if it did in place, the buffer could hold a prefix.
    /// Without std there is no temporary: a buffer smaller than `max_len + 1`
    /// gets `BUFFER_TOO_SMALL` with `max_len + 1` as the size needed.
    pub(crate) fn write_serialized(
        self,
        max_len: usize,
        fill: impl FnOnce(&mut [u8]) -> prana_webhook_core::Result<usize>,
    ) -> FfiResult {
        #[cfg(not(feature = "std"))]
        if !self.fits(max_len) {
            // No heap for a temporary: the buffer must hold the maximum.
            return Err(self.too_small(max_len));
        }
        #[cfg(feature = "std")]
        if !self.fits(max_len) {
            let mut tmp = std::vec![0u8; max_len];
            let n = fill(&mut tmp)?;
            let s = core::str::from_utf8(&tmp[..n])
                .map_err(|_| Fail::invalid("serialized text is not UTF-8"))?;
            return self.write(s);
        }
        // SAFETY: `buf` is non-NULL (len > max_len >= 0) and the caller
        // promises `len` writable bytes that nothing else accesses during the
        // call; `len <= isize::MAX` was checked in `new`. The slice leaves
        // the last byte for the NUL. Bytes are plain data: C memory holds no
        // invalid `u8`, and `fill` only writes before anything is read back.
        let dst = unsafe { core::slice::from_raw_parts_mut(self.buf.cast::<u8>(), self.len - 1) };
        let n = fill(dst)?;
        // A serializer cannot report more than it was given; checked because
        // the NUL goes at `n`.
        assert!(
            n < self.len,
            "serializer reported {n} bytes for a buffer of {}",
            dst.len()
        );
        debug_assert!(core::str::from_utf8(&dst[..n]).is_ok_and(|s| !s.contains('\0')));
        // SAFETY: `n < len` (just checked), so `buf + n` is inside the buffer.
        unsafe { self.buf.add(n).write(0) };
        self.out_len.write(n);
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

/// Place `value` in caller memory: `mem` must hold `len >= size_of::<T>()`
/// bytes aligned for `T` (the header's `PRANA_*_SIZE` / `_ALIGN`). Returns
/// the typed pointer, the handle. Nothing is allocated; the memory stays
/// the caller's (the handle needs no `_free`: the types placed this way
/// own no heap memory).
pub(crate) fn init_in<T>(mem: *mut core::ffi::c_void, len: usize, value: T) -> FfiResult<*mut T> {
    let p = mem.cast::<T>();
    if p.is_null() {
        return Err(Fail::null("mem"));
    }
    if len < core::mem::size_of::<T>() {
        return Err(Fail::invalid(format_args!(
            "mem holds {len} bytes; {} are needed",
            core::mem::size_of::<T>()
        )));
    }
    if (p as usize) % core::mem::align_of::<T>() != 0 {
        return Err(Fail::invalid(format_args!(
            "mem is not aligned to {} bytes",
            core::mem::align_of::<T>()
        )));
    }
    // SAFETY: `p` is non-NULL, aligned for `T` and points to at least
    // `size_of::<T>()` writable bytes (checked above; the caller promises
    // `len` writable bytes that nothing else uses). `write` does not read or
    // drop the old contents.
    unsafe { p.write(value) };
    Ok(p)
}

/// Move a value to the heap and hand its pointer out as a handle.
#[cfg(feature = "std")]
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Free a handle made by [`into_handle`]; NULL is a no-op.
#[cfg(feature = "std")]
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
        let mut e = crate::status::prana_error::default();
        let st = guard(&mut e, || panic!("boom"));
        assert_eq!(e.code, prana_status::PRANA_STATUS_PANIC);
        assert!(e.message_len > 0);
        assert_eq!(st, prana_status::PRANA_STATUS_PANIC);
        assert!(last_error().contains("boom"));
        assert_eq!(guard(&mut e, || Ok(())), prana_status::PRANA_STATUS_OK);
        assert_eq!(
            (e.code, e.message_len, e.message[0]),
            (prana_status::PRANA_STATUS_OK, 0, 0)
        );
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
    fn text_non_ascii_and_errors_keep_their_order() {
        let e = "é".as_bytes();
        assert_eq!(text(e.as_ptr().cast(), e.len(), "x").unwrap(), "é");
        // UTF-8 is checked before NUL.
        let both = b"a\0\xff";
        let e = text(both.as_ptr().cast(), 3, "x").unwrap_err();
        assert_eq!(e.status, prana_status::PRANA_STATUS_INVALID_UTF8);
        let nul = "é\0".as_bytes();
        let e = text(nul.as_ptr().cast(), nul.len(), "x").unwrap_err();
        assert_eq!(e.status, prana_status::PRANA_STATUS_EMBEDDED_NUL);
        assert_eq!(e.message, "x contains a NUL byte at byte 2");
    }

    #[test]
    fn serialized_text_in_place_or_through_a_temporary() {
        let fill = |b: &mut [u8]| -> prana_webhook_core::Result<usize> {
            b[..5].copy_from_slice(b"{\"a\"}");
            Ok(5)
        };
        // Large enough for the maximum (8): written in place, into memory C
        // left uninitialized.
        let mut big = core::mem::MaybeUninit::<[c_char; 9]>::uninit();
        let mut n = 0usize;
        let out = StrOut::new(big.as_mut_ptr().cast(), 9, &mut n).unwrap();
        out.write_serialized(8, fill).unwrap();
        assert_eq!(n, 5);
        // SAFETY: the first n + 1 bytes were written.
        let got = unsafe { core::slice::from_raw_parts(big.as_ptr().cast::<u8>(), n + 1) };
        assert_eq!(got, b"{\"a\"}\0");
        // Smaller than the maximum: an exact fit works, one byte less
        // reports the size and leaves the buffer alone.
        let mut exact = [b'#' as c_char; 6];
        let out = StrOut::new(exact.as_mut_ptr(), 6, &mut n).unwrap();
        out.write_serialized(8, fill).unwrap();
        assert_eq!((n, exact[5]), (5, 0));
        let mut small = [b'#' as c_char; 5];
        let out = StrOut::new(small.as_mut_ptr(), 5, &mut n).unwrap();
        let e = out.write_serialized(8, fill).unwrap_err();
        assert_eq!(e.status, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(n, 6);
        assert!(small.iter().all(|&c| c == b'#' as c_char));
    }

    #[test]
    fn copy_to_array_cuts_at_char_boundary() {
        let mut a = [1 as c_char; 4];
        assert_eq!(copy_to_array("abé", &mut a), 2);
        assert_eq!(a[2], 0);
        assert_eq!(copy_to_array("ab", &mut a), 2);
    }
}
