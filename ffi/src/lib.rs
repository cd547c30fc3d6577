//! # libprana_webhook: the C ABI of Prana webhook
//!
//! A thin layer over `prana-webhook-core`; the header `include/prana_webhook.h`
//! is generated from this crate by cbindgen. All unsafe code of the project
//! lives here, each block with a `// SAFETY:` comment; the pointer helpers are
//! in `abi.rs`, the byte-level text checks in `text.rs`.
//!
//! The rules every function follows (repeated at the top of the header):
//!
//! * Fallible functions return [`prana_status`]; outputs go to trailing
//!   out-pointers and are written only on success.
//! * Text inputs are `(const char *ptr, size_t len)`: UTF-8, no NUL byte,
//!   no terminator needed. A NULL pointer with length 0 is the empty string.
//! * Text outputs are `(char *buf, size_t len, size_t *out_len)`.
//! * No panic crosses the boundary.
//!
//! Functions take raw pointers but are not declared `unsafe` in Rust: the C
//! caller cannot be checked by the compiler anyway, and the pointer contract
//! is documented once, in the header (the rustls-ffi approach).
#![cfg_attr(not(feature = "std"), no_std)]
// Without a heap a failure carries its message inline (a few hundred bytes);
// failures are the cold path.
#![cfg_attr(not(feature = "std"), allow(clippy::result_large_err))]
#![allow(non_camel_case_types)]
#![allow(clippy::not_unsafe_ptr_arg_deref)]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

use core::ffi::{c_char, CStr};

mod abi;
pub mod executor;
pub mod http;
pub mod ids;
pub mod json;
mod message;
pub mod page;
pub mod protocol;
pub mod registration;
pub mod route;
pub mod signatures;
pub mod status;
mod text;
pub mod urls;

pub use status::prana_status;

#[cfg(feature = "std")]
use abi::StrOut;

/// Pass as the length of any text input (`const char *ptr, size_t len`)
/// to have the library read up to the terminating NUL, like sqlite3's -1:
/// `prana_resume_id_validate("webhook_...", PRANA_NUL_TERMINATED, NULL)`.
/// It is `SIZE_MAX`, which no real buffer can have. (The header defines it
/// as `SIZE_MAX` in its conventions section.)
///
/// cbindgen:ignore
pub const PRANA_NUL_TERMINATED: usize = usize::MAX;

/// Longest execution id, node id or workflow id, in bytes.
pub const PRANA_MAX_ID_PART_LEN: usize = 64;
/// Longest resume ID, in bytes (a buffer of this + 1 always holds one with its NUL).
pub const PRANA_MAX_RESUME_ID_LEN: usize = 164;
/// Longest base URL accepted, in bytes.
pub const PRANA_MAX_BASE_URL_LEN: usize = 256;
/// Longest URL the library builds, in bytes (a buffer of this + 1 always suffices).
pub const PRANA_MAX_URL_LEN: usize = 512;
/// Longest `webhook_config` JSON object, in bytes.
pub const PRANA_MAX_CONFIG_LEN: usize = 2048;
/// Longest registration JSON, in bytes (a buffer of this + 1 always suffices).
pub const PRANA_MAX_REGISTRATION_JSON_LEN: usize = 2560;
/// Size of an ID generator seed, in bytes.
pub const PRANA_ID_SEED_LEN: usize = 32;
/// Longest message in a `prana_http_answer`, in bytes (without the NUL).
pub const PRANA_MAX_MESSAGE_LEN: usize = 192;
/// The default payload capacity, in bytes (64 KiB): of an execution
/// started with `max_payload` 0 (its largest trigger payload, node output
/// and resume payload), and a sensible request body limit for
/// `prana_request_check`. Hosts choose larger ones (1 MiB and more) per
/// execution.
pub const PRANA_DEFAULT_MAX_PAYLOAD: usize = 65536;
/// A buffer of this many bytes holds any id part (execution, node, workflow id) and its NUL.
pub const PRANA_ID_PART_BUF_SIZE: usize = 65;
/// A buffer of this many bytes holds any resume ID and its NUL.
pub const PRANA_RESUME_ID_BUF_SIZE: usize = 165;
/// A buffer of this many bytes holds any URL the library builds and its NUL.
pub const PRANA_URL_BUF_SIZE: usize = 513;
/// A buffer of this many bytes holds any registration JSON and its NUL.
pub const PRANA_REGISTRATION_JSON_BUF_SIZE: usize = 2561;
/// Size of the `message` array of `prana_http_answer` (message and NUL).
pub const PRANA_MESSAGE_BUF_SIZE: usize = 193;

// The header's numbers must match the core's.
const _: () = {
    use prana_webhook_core::{id, registration, url};
    assert!(PRANA_MAX_ID_PART_LEN == id::MAX_PART_LEN);
    assert!(PRANA_MAX_RESUME_ID_LEN == id::MAX_RESUME_ID_LEN);
    assert!(PRANA_MAX_BASE_URL_LEN == url::MAX_BASE_URL_LEN);
    assert!(PRANA_MAX_URL_LEN == url::MAX_URL_LEN);
    assert!(PRANA_MAX_CONFIG_LEN == registration::MAX_CONFIG_LEN);
    assert!(PRANA_MAX_REGISTRATION_JSON_LEN == registration::MAX_JSON_LEN);
    assert!(PRANA_ID_PART_BUF_SIZE == PRANA_MAX_ID_PART_LEN + 1);
    assert!(PRANA_RESUME_ID_BUF_SIZE == PRANA_MAX_RESUME_ID_LEN + 1);
    assert!(PRANA_URL_BUF_SIZE == PRANA_MAX_URL_LEN + 1);
    assert!(PRANA_REGISTRATION_JSON_BUF_SIZE == PRANA_MAX_REGISTRATION_JSON_LEN + 1);
    assert!(PRANA_MESSAGE_BUF_SIZE == PRANA_MAX_MESSAGE_LEN + 1);
};

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("version string has a NUL"),
    };

/// The library version ("0.2.0"), static and NUL-terminated. Never NULL.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn prana_version() -> *const c_char {
    VERSION.as_ptr()
}

/// Without std a panic aborts the program (C's `abort()`, which newlib
/// and every hosted libc provide): there is no unwinding to catch.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    extern "C" {
        fn abort() -> !;
    }
    // SAFETY: `abort` takes no arguments and never returns.
    unsafe { abort() }
}

/// Copy the detail message of the last failed call on the calling thread
/// (for example "execution_id has a character outside [A-Za-z0-9_-] at
/// byte 3") into `buf`.
///
/// Every fallible function clears the message when it starts and sets it
/// when it fails, so read it right after the failing call. This function
/// itself leaves the message unchanged (so a size query followed by a retry
/// works). After a successful call the message is "" (length 0).
///
/// Output: the message and a NUL in `buf`; `*out_len` = its length without
/// the NUL. `PRANA_STATUS_BUFFER_TOO_SMALL`: `*out_len` = size needed with
/// the NUL. `buf` may be NULL when `len` is 0. `PRANA_STATUS_NULL_ARGUMENT`
/// when `out_len` is NULL. Thread-safe (the message is per thread).
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> prana_status {
    let message = abi::last_error();
    // Not `guard`: it would clear the message this function reports.
    let result = std::panic::catch_unwind(|| StrOut::new(buf, len, out_len)?.write(&message));
    match result {
        Ok(Ok(())) => prana_status::PRANA_STATUS_OK,
        Ok(Err(fail)) => fail.status,
        Err(_) => prana_status::PRANA_STATUS_PANIC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: prana_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(prana_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    /// The function index at the top of the header lists exactly the
    /// functions the header declares (`_verb` continues the object of the
    /// previous full name).
    #[test]
    fn header_index_lists_every_function() {
        let header = include_str!("../../include/prana_webhook.h");
        let start = header.find(" * FUNCTIONS (").expect("index");
        let end = start + header[start..].find("*/").expect("end of index");
        let mut listed = std::collections::BTreeSet::new();
        let mut object = String::new();
        for line in header[start..end].lines().skip(1) {
            let line = line.trim_start_matches(" *").trim();
            // A group line starts with its label and a colon.
            let names = line.split_once(':').map_or(line, |(_, rest)| rest);
            for word in names.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                let name = if let Some(verb) = word.strip_prefix('_') {
                    format!("{object}_{verb}")
                } else {
                    let (obj, _) = word.rsplit_once('_').expect("object_verb");
                    object = obj.to_string();
                    word.to_string()
                };
                listed.insert(name);
            }
        }
        // A declaration: `prana_` + identifier characters + `(`, outside comments.
        let mut declared = std::collections::BTreeSet::new();
        for l in header.lines() {
            let t = l.trim_start();
            if t.starts_with('*') || t.starts_with("/*") || t.starts_with('#') {
                continue;
            }
            let mut rest = l;
            while let Some(at) = rest.find("prana_") {
                let tail = &rest[at..];
                let n = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(tail.len());
                let before_ok = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric();
                if before_ok && tail[n..].starts_with('(') {
                    declared.insert(tail[..n].to_string());
                }
                rest = &tail[n..];
            }
        }
        assert_eq!(listed, declared);
    }

    #[test]
    fn last_error_message_survives_a_size_query() {
        let _ = abi::guard(core::ptr::null_mut(), || {
            Err(abi::Fail::invalid("bad thing"))
        });
        let mut n = 0usize;
        assert_eq!(
            prana_last_error_message(core::ptr::null_mut(), 0, &mut n),
            prana_status::PRANA_STATUS_BUFFER_TOO_SMALL
        );
        assert_eq!(n, 10);
        let mut buf = [0 as c_char; 10];
        assert_eq!(
            prana_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n),
            prana_status::PRANA_STATUS_OK
        );
        assert_eq!(n, 9);
    }
}
