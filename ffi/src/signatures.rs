//! Signed resume URLs (key sets) and Standard Webhooks signatures.

use core::ffi::c_char;
use core::ptr::addr_of_mut;

use prana_webhook_core::error::Error;
use prana_webhook_core::id::ResumeId;
use prana_webhook_core::token::resume::{
    verify_query_ref, KeySet, ResumeKey, SignaturePolicy, SignedAction, VerifiedByRef,
};
use prana_webhook_core::token::standard_webhooks::{self, StandardWebhookSecret};

use crate::abi::{self, bytes, guard, handle, handle_mut, text, Fail, FfiResult, Out, StrOut};
use crate::route::prana_http_answer;
use crate::status::{prana_error, prana_status};

/// Longest key id, in bytes (1-8 characters of `[a-z0-9]`).
pub const PRANA_MAX_KEY_ID_LEN: usize = 8;
/// A buffer of this many bytes holds any key id and its NUL.
pub const PRANA_KEY_ID_BUF_SIZE: usize = 9;
/// Shortest resume-URL key secret, in bytes (32 random bytes are recommended).
pub const PRANA_MIN_KEY_SECRET_LEN: usize = 16;
/// Most keys a `prana_key_set` holds.
pub const PRANA_MAX_KEYS: usize = 8;
/// Longest `sig` value `{key_id}.{mac}`, in bytes.
pub const PRANA_MAX_SIG_LEN: usize = 31;
/// The Standard Webhooks timestamp tolerance the specification suggests (5 minutes).
pub const PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS: u64 = 300;
/// Length of a Standard Webhooks signature `v1,<base64>`, in bytes.
pub const PRANA_STANDARD_WEBHOOKS_SIGNATURE_LEN: usize = 47;

const _: () = {
    use prana_webhook_core::token::{resume, standard_webhooks as sw};
    assert!(PRANA_MAX_KEY_ID_LEN == resume::MAX_KEY_ID_LEN);
    assert!(PRANA_KEY_ID_BUF_SIZE == PRANA_MAX_KEY_ID_LEN + 1);
    assert!(PRANA_MIN_KEY_SECRET_LEN == resume::MIN_SECRET_LEN);
    assert!(PRANA_MAX_KEYS == resume::DEFAULT_MAX_KEYS);
    assert!(PRANA_MAX_SIG_LEN == resume::MAX_SIG_LEN);
    assert!(PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS == sw::DEFAULT_TOLERANCE_SECS);
    assert!(PRANA_STANDARD_WEBHOOKS_SIGNATURE_LEN == sw::SIGNATURE_LEN);
};

/// The keys that sign and verify resume URLs (`?sig={key_id}.{mac}`, an
/// HMAC-SHA256 of the resume ID). Holds up to `PRANA_MAX_KEYS` keys for
/// rotation: one current key signs, every key in the set verifies.
///
/// Ownership: made by `prana_key_set_new`, owned by the caller, freed with
/// `prana_key_set_free` (exactly once; NULL is a no-op). Secrets are copied
/// into the HMAC state; the caller may wipe its copy after `_add`.
///
/// Thread safety: signing, verifying and `prana_execution_start` only read, and may run on many threads at once; `_add`, `_set_current`
/// and `_remove` need exclusive access (set the keys up first, or hold a
/// write lock).
pub struct prana_key_set {
    pub(crate) inner: KeySet,
}

/// How strictly `prana_signature_verify` treats resume URLs.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_signature_policy {
    /// Every resume URL must carry a valid `sig`.
    PRANA_SIGNATURE_REQUIRED = 0,
    /// A URL without `sig` is accepted; a URL with one must verify.
    PRANA_SIGNATURE_OPTIONAL = 1,
    /// Signatures are not checked.
    PRANA_SIGNATURE_OFF = 2,
}

/// How a resume request passed the signature check.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_verified_by {
    /// Rejected (see `answer`).
    PRANA_VERIFIED_NONE = 0,
    /// A valid signature made with the key in `key_id`.
    PRANA_VERIFIED_KEY = 1,
    /// No `sig`, accepted under `PRANA_SIGNATURE_OPTIONAL`.
    PRANA_VERIFIED_UNSIGNED = 2,
    /// Not checked: `PRANA_SIGNATURE_OFF`.
    PRANA_VERIFIED_NOT_CHECKED = 3,
}

/// The result of `prana_signature_verify`. Plain data.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_signature_check {
    /// true: go on to the store lookup; false: answer with `answer` (401
    /// invalid_signature) without touching the store.
    pub accepted: bool,
    /// How it passed (`PRANA_VERIFIED_NONE` when rejected).
    pub verified_by: prana_verified_by,
    /// The key id that verified, NUL-terminated ("" unless
    /// `PRANA_VERIFIED_KEY`; the bytes after the NUL are unspecified).
    pub key_id: [c_char; PRANA_KEY_ID_BUF_SIZE],
    /// 200 when accepted; else 401 `invalid_signature` with `cause` the
    /// exact reason (`PRANA_STATUS_SIGNATURE_MISMATCH`, ...).
    pub answer: prana_http_answer,
}

/// The key set behind a nullable handle: NULL is `None` (unsigned).
pub(crate) fn key_set_opt<'a>(keys: *const prana_key_set) -> FfiResult<Option<&'a KeySet>> {
    if keys.is_null() {
        Ok(None)
    } else {
        handle(keys, "keys").map(|k| Some(&k.inner))
    }
}

/// The key that signs new URLs: none without a key set, the set's current
/// key otherwise (a set without one is `NoSigningKey`).
pub(crate) fn signing_key(keys: Option<&KeySet>) -> FfiResult<Option<&ResumeKey>> {
    match keys {
        None => Ok(None),
        Some(ks) => Ok(Some(ks.current().ok_or(Error::Signature(
            prana_webhook_core::token::SignatureError::NoSigningKey,
        ))?)),
    }
}

/// Make an empty key set. On success `*out` receives a new handle. Std
/// build only; `prana_key_set_init` places one in caller memory.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_key_set_new(
    out: *mut *mut prana_key_set,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let out = Out::new(out, "out")?;
        out.write(abi::into_handle(prana_key_set {
            inner: KeySet::new(),
        }));
        Ok(())
    })
}

/// Free a key set. NULL is a no-op. The handle must not be used afterwards.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_key_set_free(keys: *mut prana_key_set) {
    abi::free_handle(keys);
}

/// Bytes of caller memory a `prana_key_set` needs (`prana_key_set_init`).
pub const PRANA_KEY_SET_SIZE: usize = 1344;
/// Alignment a `prana_key_set` needs (`uint64_t[]` memory has it).
pub const PRANA_KEY_SET_ALIGN: usize = 8;

const _: () = assert!(
    core::mem::size_of::<prana_key_set>() <= PRANA_KEY_SET_SIZE
        && core::mem::align_of::<prana_key_set>() <= PRANA_KEY_SET_ALIGN
);

/// Make an empty key set in caller memory: `mem` holds `mem_len >=
/// PRANA_KEY_SET_SIZE` bytes aligned to `PRANA_KEY_SET_ALIGN`, else
/// `PRANA_STATUS_INVALID_ARGUMENT`. On success `*out` is the handle
/// (pointing into `mem`). Nothing is allocated and nothing is freed: the
/// handle is valid while `mem` is, and must never be passed to
/// `prana_key_set_free` (the secrets stay in `mem`: clear it when done).
/// Available in every build. Thread safety as `prana_key_set`.
#[no_mangle]
pub extern "C" fn prana_key_set_init(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    out: *mut *mut prana_key_set,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let out = Out::new(out, "out")?;
        let k = prana_key_set {
            inner: KeySet::new(),
        };
        out.write(abi::init_in(mem, mem_len, k)?);
        Ok(())
    })
}

/// Add a key: `key_id` is 1-8 characters of `[a-z0-9]`, `secret` at least
/// `PRANA_MIN_KEY_SECRET_LEN` bytes (binary; not text). The first key added
/// becomes the current signing key. Errors: `PRANA_STATUS_KEY_ID_INVALID`,
/// `PRANA_STATUS_KEY_SECRET_TOO_SHORT`, `PRANA_STATUS_KEY_SET_FULL`,
/// `PRANA_STATUS_KEY_ID_DUPLICATED`.
#[no_mangle]
pub extern "C" fn prana_key_set_add(
    keys: *mut prana_key_set,
    key_id: *const c_char,
    key_id_len: usize,
    secret: *const u8,
    secret_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let k = handle_mut(keys, "keys")?;
        let id = text(key_id, key_id_len, "key_id")?;
        let s = bytes(secret, secret_len, "secret")?;
        k.inner.add(ResumeKey::new(id, s)?)?;
        Ok(())
    })
}

/// Make the key `key_id` the one that signs (rotation: add the new key,
/// make it current, remove the old one once its URLs have expired). Error:
/// `PRANA_STATUS_KEY_NOT_FOUND`.
#[no_mangle]
pub extern "C" fn prana_key_set_set_current(
    keys: *mut prana_key_set,
    key_id: *const c_char,
    key_id_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let k = handle_mut(keys, "keys")?;
        let id = text(key_id, key_id_len, "key_id")?;
        k.inner.set_current(id)?;
        Ok(())
    })
}

/// Remove the key `key_id` (revocation): URLs it signed stop verifying.
/// Error: `PRANA_STATUS_KEY_NOT_FOUND`.
#[no_mangle]
pub extern "C" fn prana_key_set_remove(
    keys: *mut prana_key_set,
    key_id: *const c_char,
    key_id_len: usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let k = handle_mut(keys, "keys")?;
        let id = text(key_id, key_id_len, "key_id")?;
        match k.inner.remove(id) {
            Some(_) => Ok(()),
            None => Err(Fail::from(
                prana_webhook_core::token::SignatureError::KeyNotFound,
            )),
        }
    })
}

/// The number of keys in the set.
#[no_mangle]
pub extern "C" fn prana_key_set_len(
    keys: *const prana_key_set,
    out: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let k = handle(keys, "keys")?;
        Out::new(out, "out")?.write(k.inner.len());
        Ok(())
    })
}

/// The signed action of a route kind: `PRANA_ROUTE_RESUME` (2),
/// `PRANA_ROUTE_CANCEL` (3) or `PRANA_ROUTE_EXTEND` (4); each signs in its
/// own domain, so a resume signature never opens the cancel URL.
pub(crate) fn signed_action(kind: u32) -> FfiResult<SignedAction> {
    match kind {
        2 => Ok(SignedAction::Resume),
        3 => Ok(SignedAction::Cancel),
        4 => Ok(SignedAction::Extend),
        n => Err(Fail::invalid(format_args!(
            "action is {n}; expected 2 (PRANA_ROUTE_RESUME), 3 (PRANA_ROUTE_CANCEL) \
             or 4 (PRANA_ROUTE_EXTEND)"
        ))),
    }
}

/// Write the `sig` value `{key_id}.{mac}` for a resume ID and the URL of
/// `action` (a `prana_route_kind`: `PRANA_ROUTE_RESUME`, `_CANCEL` or
/// `_EXTEND`; each action signs in its own domain), made with the current
/// key (at most `PRANA_MAX_SIG_LEN` bytes + NUL). Error:
/// `PRANA_STATUS_NO_SIGNING_KEY` for an empty set, the resume ID statuses,
/// `PRANA_STATUS_INVALID_ARGUMENT` for another `action`.
#[no_mangle]
pub extern "C" fn prana_key_set_sign(
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
        let k = handle(keys, "keys")?;
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let action = signed_action(action)?;
        let out = StrOut::new(buf, len, out_len)?;
        ResumeId::parse(r)?;
        out.write(k.inner.sign_for(action, r)?.as_str())
    })
}

/// Check the `sig` parameter of a resume, cancel or extend request before
/// any store lookup: `action` is the route's kind (`prana_route.kind`:
/// `PRANA_ROUTE_RESUME`, `_CANCEL` or `_EXTEND`; each verifies in its own
/// signature domain), `resume_id` the route's id, `query` its raw query
/// string without `?` (NULL with length 0 when the target has none).
/// `policy` is a `prana_signature_policy`. Another `action` or `policy` is
/// `PRANA_STATUS_INVALID_ARGUMENT`.
///
/// A failed check is not a call failure: `PRANA_STATUS_OK` is returned with
/// `out->accepted = false` and the 401 answer, whose `cause` is the reason.
/// Constant-time MAC comparison. Thread-safe for concurrent checks.
#[no_mangle]
pub extern "C" fn prana_signature_verify(
    keys: *const prana_key_set,
    action: u32,
    policy: u32,
    resume_id: *const c_char,
    resume_id_len: usize,
    query: *const c_char,
    query_len: usize,
    out: *mut prana_signature_check,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let k = handle(keys, "keys")?;
        let r = text(resume_id, resume_id_len, "resume_id")?;
        let q = text(query, query_len, "query")?;
        let out = Out::new(out, "out")?;
        let policy = match policy {
            0 => SignaturePolicy::Required,
            1 => SignaturePolicy::Optional,
            2 => SignaturePolicy::Off,
            n => {
                return Err(Fail::invalid(format_args!(
                    "policy is {n}; expected 0 (required), 1 (optional) or 2 (off)"
                )))
            }
        };
        let action = signed_action(action)?;
        let query = if q.is_empty() { None } else { Some(q) };
        // Borrowed: the key id is copied once, from the key set into `out`.
        let verified = verify_query_ref(&k.inner, policy, action, r, query);
        let (accepted, verified_by, key_id) = match &verified {
            Ok(VerifiedByRef::Key(id)) => {
                (true, prana_verified_by::PRANA_VERIFIED_KEY, id.as_str())
            }
            Ok(VerifiedByRef::Unsigned) => (true, prana_verified_by::PRANA_VERIFIED_UNSIGNED, ""),
            Ok(VerifiedByRef::NotChecked) => {
                (true, prana_verified_by::PRANA_VERIFIED_NOT_CHECKED, "")
            }
            Err(_) => (false, prana_verified_by::PRANA_VERIFIED_NONE, ""),
        };
        // A key id is at most `PRANA_MAX_KEY_ID_LEN` bytes: it and its NUL
        // fit the array.
        let key_id = &key_id.as_bytes()[..key_id.len().min(PRANA_MAX_KEY_ID_LEN)];
        let o = out.as_ptr();
        // SAFETY: `o` is a checked non-NULL out-pointer that the caller
        // promises is valid and aligned for one `prana_signature_check`
        // nothing else touches during the call (header contract). Every
        // field is stored through its own raw pointer (nothing is read; the
        // key id's array up to its NUL, `key_id.len() + 1 <=
        // PRANA_KEY_ID_BUF_SIZE` bytes): a whole value built on the stack
        // and copied out read back narrower stores, a store-forwarding
        // stall on x86.
        unsafe {
            addr_of_mut!((*o).accepted).write(accepted);
            addr_of_mut!((*o).verified_by).write(verified_by);
            let at = addr_of_mut!((*o).key_id).cast::<u8>();
            crate::text::put_bytes(at, key_id).write(0);
            let answer = addr_of_mut!((*o).answer);
            match verified {
                Ok(_) => prana_http_answer::write_ok(answer),
                Err(e) => {
                    let (status, code) = (e.http_status(), e.code());
                    answer.write(prana_http_answer::from_error(
                        status,
                        code,
                        &Error::Signature(e),
                    ));
                }
            }
        }
        Ok(())
    })
}

/// A Standard Webhooks secret (`whsec_<base64>`), for verifying signed
/// requests to trigger endpoints.
///
/// Ownership: made by `prana_webhook_secret_new` or `_from_bytes`, owned by
/// the caller, freed with `prana_webhook_secret_free` (exactly once; NULL is
/// a no-op). Thread safety: immutable; any number of threads may verify
/// with one secret at once.
pub struct prana_webhook_secret {
    inner: StandardWebhookSecret,
}

/// Parse a `whsec_...` secret. Errors: `PRANA_STATUS_WEBHOOK_SECRET_PREFIX`,
/// `_BASE64`, `_EMPTY`, `_TOO_LONG`. On success `*out` receives a new handle.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_webhook_secret_new(
    whsec: *const c_char,
    whsec_len: usize,
    out: *mut *mut prana_webhook_secret,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = text(whsec, whsec_len, "whsec")?;
        let out = Out::new(out, "out")?;
        let inner = StandardWebhookSecret::from_whsec(s)?;
        out.write(abi::into_handle(prana_webhook_secret { inner }));
        Ok(())
    })
}

/// Use 1-64 raw key bytes as a Standard Webhooks secret.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_webhook_secret_from_bytes(
    key: *const u8,
    key_len: usize,
    out: *mut *mut prana_webhook_secret,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let k = bytes(key, key_len, "key")?;
        let out = Out::new(out, "out")?;
        let inner = StandardWebhookSecret::from_bytes(k)?;
        out.write(abi::into_handle(prana_webhook_secret { inner }));
        Ok(())
    })
}

/// Free a webhook secret. NULL is a no-op.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn prana_webhook_secret_free(secret: *mut prana_webhook_secret) {
    abi::free_handle(secret);
}

/// Bytes of caller memory a `prana_webhook_secret` needs.
pub const PRANA_WEBHOOK_SECRET_SIZE: usize = 160;
/// Alignment a `prana_webhook_secret` needs (`uint64_t[]` memory has it).
pub const PRANA_WEBHOOK_SECRET_ALIGN: usize = 8;

const _: () = assert!(
    core::mem::size_of::<prana_webhook_secret>() <= PRANA_WEBHOOK_SECRET_SIZE
        && core::mem::align_of::<prana_webhook_secret>() <= PRANA_WEBHOOK_SECRET_ALIGN
);

/// Parse a `whsec_...` secret as `prana_webhook_secret_new` does, into
/// caller memory: `mem` holds `mem_len >= PRANA_WEBHOOK_SECRET_SIZE` bytes
/// aligned to `PRANA_WEBHOOK_SECRET_ALIGN`, else
/// `PRANA_STATUS_INVALID_ARGUMENT`. On success `*out` is the handle
/// (pointing into `mem`); it is never passed to `prana_webhook_secret_free`
/// (nothing to free; clear `mem` when done). Available in every build.
#[no_mangle]
pub extern "C" fn prana_webhook_secret_init(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    whsec: *const c_char,
    whsec_len: usize,
    out: *mut *mut prana_webhook_secret,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = text(whsec, whsec_len, "whsec")?;
        let out = Out::new(out, "out")?;
        let inner = StandardWebhookSecret::from_whsec(s)?;
        out.write(abi::init_in(mem, mem_len, prana_webhook_secret { inner })?);
        Ok(())
    })
}

fn secs(now_ms: u64) -> FfiResult<i64> {
    i64::try_from(now_ms / 1000).map_err(|_| Fail::invalid("now is out of range"))
}

/// Verify a Standard Webhooks request: the `webhook-id`,
/// `webhook-timestamp` and `webhook-signature` header values (see
/// `prana_http_request_header`), the raw body bytes, the host clock `now`
/// in unix **milliseconds** (like every `now` of this library) and the
/// tolerance in seconds (`PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS`). On
/// success `*out_timestamp` is the request's timestamp (unix seconds).
/// Errors: `PRANA_STATUS_WEBHOOK_TIMESTAMP_*`, `PRANA_STATUS_WEBHOOK_SIGNATURE_*`
/// (answer 401). Constant-time comparison. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_webhook_secret_verify(
    secret: *const prana_webhook_secret,
    msg_id: *const c_char,
    msg_id_len: usize,
    timestamp: *const c_char,
    timestamp_len: usize,
    body: *const u8,
    body_len: usize,
    signature: *const c_char,
    signature_len: usize,
    now: u64,
    tolerance_secs: u64,
    out_timestamp: *mut i64,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = handle(secret, "secret")?;
        let id = text(msg_id, msg_id_len, "msg_id")?;
        let ts = text(timestamp, timestamp_len, "timestamp")?;
        let b = bytes(body, body_len, "body")?;
        let sig = text(signature, signature_len, "signature")?;
        let out = Out::new(out_timestamp, "out_timestamp")?;
        let t = standard_webhooks::verify(&s.inner, id, ts, b, sig, secs(now)?, tolerance_secs)?;
        out.write(t);
        Ok(())
    })
}

/// Sign a message as a Standard Webhooks sender does: write the
/// `webhook-signature` value `v1,<base64>` for `msg_id`, `timestamp` (unix
/// seconds) and `body` (a buffer of `PRANA_STANDARD_WEBHOOKS_SIGNATURE_LEN + 1`
/// bytes suffices). For testing senders and gateways.
#[no_mangle]
pub extern "C" fn prana_webhook_secret_sign(
    secret: *const prana_webhook_secret,
    msg_id: *const c_char,
    msg_id_len: usize,
    timestamp: i64,
    body: *const u8,
    body_len: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut prana_error,
) -> prana_status {
    guard(err, || {
        let s = handle(secret, "secret")?;
        let id = text(msg_id, msg_id_len, "msg_id")?;
        let b = bytes(body, body_len, "body")?;
        let out = StrOut::new(buf, len, out_len)?;
        out.write(&standard_webhooks::sign(&s.inner, id, timestamp, b))
    })
}
