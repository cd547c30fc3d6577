//! The error of the signature area.

use core::fmt;

use super::resume::{KeyId, MAC_B64_LEN, MAX_KEY_ID_LEN};
use crate::msg::{self, Num, Text};

/// Why a signature, key or secret was rejected.
///
/// Verification failures map to HTTP 401 with code `invalid_signature`;
/// key and secret set-up errors have code `invalid_key`
/// ([`code`](Self::code), [`http_status`](Self::http_status)); the
/// [`reason`](Self::reason) sub-code and the message say which check failed.
/// Messages never contain secrets or MAC bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    // ---- resume keys (configuration) ----
    /// A key id is not 1–8 characters of `[a-z0-9]`.
    KeyIdInvalid,
    /// A key secret is shorter than `min` bytes.
    SecretTooShort {
        /// Its length in bytes.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// The key set already holds `limit` keys.
    KeySetFull {
        /// Its capacity.
        limit: usize,
    },
    /// A key with the same key id is already in the set.
    DuplicateKeyId,
    /// No key with the given key id is in the set (key management).
    KeyNotFound,
    /// The key set is empty, so there is no key to sign with.
    NoSigningKey,

    // ---- resume URL verification ----
    /// No `sig` parameter, and the policy requires one.
    Missing,
    /// More than one `sig` parameter.
    Duplicated,
    /// The `sig` value is not `{key_id}.{mac}`; the detail says how.
    Malformed(Malformation),
    /// The MAC part is shorter than 22 characters.
    Truncated {
        /// Its length in characters.
        len: usize,
    },
    /// The MAC part is longer than 22 characters.
    WrongLength {
        /// Its length in characters.
        len: usize,
    },
    /// The key id is well formed but not in the key set (unknown or revoked).
    UnknownKey(KeyId),
    /// The MAC does not match the resume ID.
    Mismatch,

    // ---- Standard Webhooks ----
    /// A webhook secret does not start with `whsec_`.
    SecretPrefix,
    /// The part of a webhook secret after `whsec_` is not standard base64.
    SecretBase64,
    /// A webhook secret has no key bytes.
    SecretEmpty,
    /// A webhook secret has more than `max` key bytes.
    SecretTooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// `webhook-timestamp` is not a non-negative decimal integer of unix seconds.
    TimestampInvalid,
    /// `webhook-timestamp` is more than the tolerance before now.
    TimestampTooOld {
        /// The tolerance in seconds.
        tolerance_secs: u64,
    },
    /// `webhook-timestamp` is more than the tolerance after now.
    TimestampTooNew {
        /// The tolerance in seconds.
        tolerance_secs: u64,
    },
    /// `webhook-signature` holds no `v1,` entry.
    NoV1Signature,
    /// No `v1,` entry matched and at least one is not valid base64.
    SignatureBase64,
    /// No `v1,` entry matches the message.
    NoMatchingSignature,
}

/// How a `sig` value is malformed (see [`SignatureError::Malformed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformation {
    /// The value is empty (`sig=` or a bare `sig`).
    Empty,
    /// The value has no `.` between key id and MAC.
    NoSeparator,
    /// The key id before the `.` is empty.
    EmptyKeyId,
    /// The key id is longer than 8 or has a character outside `[a-z0-9]`.
    BadKeyId,
    /// The MAC is not base64url without padding (bad character, `=`, or
    /// non-canonical trailing bits).
    NotBase64Url,
}

impl Malformation {
    /// What is wrong, for messages.
    pub const fn detail(self) -> &'static str {
        match self {
            Malformation::Empty => "the value is empty",
            Malformation::NoSeparator => "expected {key_id}.{mac} but found no '.'",
            Malformation::EmptyKeyId => "the key id before '.' is empty",
            Malformation::BadKeyId => "the key id must be 1 to 8 characters of [a-z0-9]",
            Malformation::NotBase64Url => "the mac is not base64url without padding",
        }
    }
}

impl SignatureError {
    /// Whether this is a key or secret set-up error of the host, rather
    /// than a request that failed verification.
    pub const fn is_configuration(&self) -> bool {
        matches!(
            self,
            SignatureError::KeyIdInvalid
                | SignatureError::SecretTooShort { .. }
                | SignatureError::KeySetFull { .. }
                | SignatureError::DuplicateKeyId
                | SignatureError::KeyNotFound
                | SignatureError::NoSigningKey
                | SignatureError::SecretPrefix
                | SignatureError::SecretBase64
                | SignatureError::SecretEmpty
                | SignatureError::SecretTooLong { .. }
        )
    }

    /// `invalid_signature` for a request that failed verification,
    /// `invalid_key` for a key or secret the host set up wrongly.
    pub const fn code(&self) -> &'static str {
        if self.is_configuration() {
            "invalid_key"
        } else {
            "invalid_signature"
        }
    }

    /// The HTTP status of a request that failed verification: 401. (A
    /// configuration error is the host's fault; a gateway answers 500.)
    pub const fn http_status(&self) -> u16 {
        if self.is_configuration() {
            500
        } else {
            401
        }
    }

    /// A stable snake_case sub-code saying which check failed.
    pub const fn reason(&self) -> &'static str {
        Self::CODES[self.row()]
    }
}

// The sub-codes ([`SignatureError::reason`]) and messages.
msg::messages! { SignatureError {
    KeyIdInvalid => "key_id_invalid", "key id must be 1 to {} characters of [a-z0-9]";
    SecretTooShort { .. } => "key_secret_too_short",
        "key secret is {} bytes long; at least {} bytes are required";
    KeySetFull { .. } => "key_set_full", "capacity exceeded: the key set holds at most {} keys";
    DuplicateKeyId => "key_id_duplicated", "a key with this key id is already in the key set";
    KeyNotFound => "key_not_found", "no key with this key id is in the key set";
    NoSigningKey => "no_signing_key", "the key set is empty: there is no key to sign with";
    Missing => "signature_missing",
        "resume URL has no 'sig' parameter and signatures are required";
    Duplicated => "signature_duplicated", "resume URL has more than one 'sig' parameter";
    Malformed(_) => "signature_malformed", "malformed 'sig' parameter: {}";
    Truncated { .. } => "signature_truncated",
        "'sig' mac is truncated: {} characters, expected {}";
    WrongLength { .. } => "signature_wrong_length",
        "'sig' mac has the wrong length: {} characters, expected {}";
    UnknownKey(_) => "signature_unknown_key",
        "'sig' names key id '{}', which is not in the key set (unknown or revoked)";
    Mismatch => "signature_mismatch", "'sig' does not match the resume id";
    SecretPrefix => "webhook_secret_prefix", "webhook secret must start with 'whsec_'";
    SecretBase64 => "webhook_secret_base64",
        "webhook secret after 'whsec_' is not valid standard base64";
    SecretEmpty => "webhook_secret_empty", "webhook secret has no key bytes";
    SecretTooLong { .. } => "webhook_secret_too_long", "webhook secret is longer than {} bytes";
    TimestampInvalid => "webhook_timestamp_invalid",
        "webhook-timestamp must be unix seconds as a decimal integer";
    TimestampTooOld { .. } => "webhook_timestamp_too_old",
        "webhook-timestamp is too old: more than {} s before now";
    TimestampTooNew { .. } => "webhook_timestamp_too_new",
        "webhook-timestamp is too new: more than {} s after now";
    NoV1Signature => "webhook_signature_no_v1", "webhook-signature holds no 'v1,' signature";
    SignatureBase64 => "webhook_signature_base64",
        "no 'v1,' signature in webhook-signature matches, and one is not valid base64";
    NoMatchingSignature => "webhook_signature_mismatch",
        "no 'v1,' signature in webhook-signature matches the message";
} }

impl SignatureError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            SignatureError::KeyIdInvalid => &[Num(MAX_KEY_ID_LEN as u64)],
            SignatureError::SecretTooShort { len, min } => &[Num(*len as u64), Num(*min as u64)],
            SignatureError::KeySetFull { limit: n } | SignatureError::SecretTooLong { max: n } => {
                &[Num(*n as u64)]
            }
            SignatureError::Malformed(m) => &[Text(m.detail())],
            SignatureError::Truncated { len } | SignatureError::WrongLength { len } => {
                &[Num(*len as u64), Num(MAC_B64_LEN as u64)]
            }
            SignatureError::UnknownKey(id) => &[Text(id.as_str())],
            SignatureError::TimestampTooOld { tolerance_secs: s }
            | SignatureError::TimestampTooNew { tolerance_secs: s } => &[Num(*s)],
            _ => &[],
        };
        self.write_message(f, args)
    }
}
