//! The one error type of the library.
//!
//! Every failure is an [`Error`]. Each variant has a stable snake_case
//! [`code`](Error::code) (for logs, JSON bodies and the C ABI) and a message a
//! person understands ([`Display`](core::fmt::Display)). Capacity errors name
//! the limit that was hit. Errors of a larger area (signatures, the wait
//! action, workflows, the executor) are grouped in their own enums and wrapped
//! here, so matching stays easy and codes stay unique.
//!
//! ```
//! use prana_webhook_core::Error;
//! let err = Error::EmptyId;
//! assert_eq!(err.code(), "empty_id");
//! assert_eq!(err.to_string_buf().as_str(), "the webhook id is empty");
//! ```

use core::fmt;

use crate::lifecycle::Status;
use crate::msg::{self, Num, Text};

/// Which part of a resume ID or URL an error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The execution id part of a resume ID.
    ExecutionId,
    /// The node id part of a resume ID.
    NodeId,
    /// The workflow id of a trigger URL.
    WorkflowId,
    /// A whole resume ID.
    ResumeId,
}

impl Part {
    /// Name used in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Part::ExecutionId => "execution_id",
            Part::NodeId => "node_id",
            Part::WorkflowId => "workflow_id",
            Part::ResumeId => "resume_id",
        }
    }
}

/// Every failure of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    // ---- ids ----
    /// An id part is empty.
    EmptyPart(Part),
    /// An id part is longer than its limit (`max` bytes).
    PartTooLong {
        /// Which part.
        part: Part,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An id part holds a byte outside `[A-Za-z0-9_-]`.
    BadCharacter {
        /// Which part.
        part: Part,
        /// Byte offset within the part.
        at: usize,
    },
    /// A resume ID does not start with `webhook_`.
    MissingPrefix,
    /// The random tail of a resume ID is not 26 lowercase Crockford base32 characters.
    BadRandomTail,
    /// A resume ID lacks the `_` separators between its parts.
    MalformedResumeId,
    /// The host's entropy source failed.
    EntropyUnavailable,

    // ---- base URL ----
    /// The base URL has no `http://` or `https://` scheme.
    BaseUrlScheme,
    /// The base URL has no host.
    BaseUrlHost,
    /// The base URL has a bad port.
    BaseUrlPort,
    /// The base URL carries a query string.
    BaseUrlQuery,
    /// The base URL carries a fragment.
    BaseUrlFragment,
    /// The base URL carries user info (`user@`).
    BaseUrlUserInfo,
    /// The base URL has a character that is not allowed in it.
    BaseUrlCharacter,
    /// The base URL path has an empty segment (`//`); only one trailing `/`
    /// is allowed.
    BaseUrlEmptySegment,

    // ---- request targets ----
    /// The path is not under `{prefix}/webhook/workflow/`.
    NotWebhookPath,
    /// The path is under `/webhook/workflow/` but its kind is none of
    /// `trigger`, `resume`, `cancel`, `extend`.
    UnknownKind,
    /// The id segment is empty.
    EmptyId,
    /// The id segment is longer than allowed.
    IdTooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The id segment has a byte that is not allowed.
    IdBadCharacter {
        /// Byte offset within the id.
        at: usize,
    },
    /// More path segments follow the id.
    ExtraSegments,
    /// The path contains `%`: ids are plain and are never percent-decoded.
    PercentEncoded,
    /// The request target is not a path or an http(s) URL.
    MalformedTarget,

    // ---- lifecycle ----
    /// A transition not in the table.
    InvalidTransition {
        /// Current state.
        from: Status,
        /// Requested state.
        to: Status,
    },
    /// An active registration's `expires_at` has passed.
    RegistrationExpired,
    /// A status string is not one of the four states.
    UnknownStatus,
    /// A consumed registration was asked to resume again.
    AlreadyConsumed,
    /// A resume ID was not made for the given execution and node.
    ResumeIdMismatch,

    // ---- cancel and extend ----
    /// A pending registration (its wait node not reached yet) cannot be
    /// extended.
    NotActive,
    /// An extension must move `expires_at` later than it is.
    ExtendNotLater {
        /// The current expiry, unix ms.
        expires_at: u64,
        /// The expiry asked for, unix ms.
        requested: u64,
    },
    /// An extension may not move `expires_at` past `created_at` + 8760 hours.
    ExtendBeyondLimit {
        /// The latest expiry allowed, unix ms.
        limit: u64,
        /// The expiry asked for, unix ms.
        requested: u64,
    },

    // ---- capacity and JSON ----
    /// A fixed-capacity buffer or collection is full.
    Capacity {
        /// What is full.
        what: &'static str,
        /// Its limit.
        limit: usize,
    },
    /// A text is larger than the capacity the host chose for it (a payload,
    /// a node's output, rendered params, the trace). Same code as
    /// [`Error::Capacity`]; this one also says how much was needed.
    TooLarge {
        /// What is full.
        what: &'static str,
        /// Its capacity, in bytes.
        limit: usize,
        /// Bytes needed.
        needed: usize,
    },
    /// A caller buffer is too small; `needed` bytes are required.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// JSON could not be parsed or does not have the expected shape.
    Json(&'static str),
    /// A JSON value that must be an object is not one.
    NotAnObject(&'static str),
    /// A JSON value that must be a string is not one.
    NotAString(&'static str),
    /// A JSON string holds a `\uXXXX` escape of a UTF-16 surrogate without
    /// its other half, which has no UTF-8 form.
    JsonLoneSurrogate {
        /// Byte offset of the escape in the text given.
        at: usize,
    },
    /// Serialized JSON does not fit in the output buffer.
    JsonTooLarge,

    // ---- signatures ----
    /// A signature, signing key or webhook secret was rejected (HTTP 401).
    Signature(crate::token::SignatureError),

    // ---- workflows, expressions, the wait action, the executor ----
    /// A workflow definition was rejected.
    #[cfg(feature = "executor")]
    Workflow(crate::workflow::WorkflowError),
    /// A `$execution` template could not be rendered.
    #[cfg(feature = "executor")]
    Expression(crate::template::ExpressionError),
    /// An execution context call was refused.
    #[cfg(feature = "executor")]
    Context(crate::context::ContextError),
    /// The wait action refused its parameters or could not suspend.
    #[cfg(feature = "executor")]
    Wait(crate::wait::WaitError),
    /// An executor call was refused.
    #[cfg(feature = "executor")]
    Execution(crate::executor::ExecutionError),

    // ---- the wait page and its form ----
    /// A page description or a submitted form was refused.
    Form(crate::form::FormError),
}

msg::messages! { Error {
    EmptyPart(_) => "empty_id_part", "{} is empty";
    PartTooLong { .. } => "id_part_too_long", "{} is {} bytes long; the limit is {} bytes";
    BadCharacter { .. } => "id_part_bad_character",
        "{} has a character outside [A-Za-z0-9_-] at byte {}";
    MissingPrefix => "missing_webhook_prefix", "resume id must start with 'webhook_'";
    BadRandomTail => "bad_random_tail",
        "resume id must end in '_' and 26 lowercase Crockford base32 characters";
    MalformedResumeId => "malformed_resume_id",
        "resume id must look like webhook_{execution_id}_{node_id}_{random}";
    EntropyUnavailable => "entropy_unavailable", "the entropy source failed";
    BaseUrlScheme => "base_url_scheme", "base URL must start with http:// or https://";
    BaseUrlHost => "base_url_host", "base URL has no host";
    BaseUrlPort => "base_url_port", "base URL port must be a number from 1 to 65535";
    BaseUrlQuery => "base_url_query", "base URL must not contain a query ('?')";
    BaseUrlFragment => "base_url_fragment", "base URL must not contain a fragment ('#')";
    BaseUrlUserInfo => "base_url_user_info", "base URL must not contain user info ('@')";
    BaseUrlCharacter => "base_url_character",
        "base URL contains a character that is not allowed (space, control or non-ASCII)";
    BaseUrlEmptySegment => "base_url_empty_segment",
        "base URL path has an empty segment ('//'); only one trailing '/' is allowed";
    NotWebhookPath => "not_webhook_path",
        "path is not a webhook path ({prefix}/webhook/workflow/...)";
    UnknownKind => "unknown_kind",
        "unknown webhook kind: expected 'trigger', 'resume', 'cancel' or 'extend'";
    EmptyId => "empty_id", "the webhook id is empty";
    IdTooLong { .. } => "id_too_long", "the webhook id is {} bytes long; the limit is {} bytes";
    IdBadCharacter { .. } => "id_bad_character",
        "the webhook id has a character outside [A-Za-z0-9_-] at byte {}";
    ExtraSegments => "extra_segments", "unexpected path segments after the webhook id";
    PercentEncoded => "percent_encoded",
        "percent-encoded characters are not allowed in webhook paths";
    MalformedTarget => "malformed_target",
        "request target must be a path starting with '/' or an http(s) URL";
    InvalidTransition { .. } => "invalid_transition", "Invalid state transition from {} to {}";
    RegistrationExpired => "registration_expired", "the webhook registration has expired";
    UnknownStatus => "unknown_status",
        "status must be 'pending', 'active', 'consumed' or 'expired'";
    AlreadyConsumed => "already_consumed", "the webhook has already been used";
    ResumeIdMismatch => "resume_id_mismatch",
        "resume_id was not made for this execution_id and node_id";
    NotActive => "registration_not_active",
        "the webhook registration is pending (its wait node has not been reached yet), not active";
    ExtendNotLater { .. } => "extend_not_later",
        "an extension must move expires_at later: it is {}, {} was asked for";
    ExtendBeyondLimit { .. } => "extend_beyond_limit",
        "expires_at can be extended to at most {} (created_at + 8760 hours); {} was asked for";
    Capacity { .. } => "capacity_exceeded", "capacity exceeded: {} holds at most {}";
    TooLarge { .. } => "capacity_exceeded",
        "capacity exceeded: {} holds at most {} bytes, {} needed";
    BufferTooSmall { .. } => "buffer_too_small", "output buffer too small: {} bytes needed";
    Json(_) => "invalid_json", "invalid JSON: {}";
    NotAnObject(_) => "not_an_object", "{} must be a JSON object";
    NotAString(_) => "not_a_string", "{} must be a JSON string";
    JsonLoneSurrogate { .. } => "json_lone_surrogate",
        "invalid JSON string: the \\u escape at byte {} is a lone UTF-16 surrogate";
    JsonTooLarge => "json_too_large", "serialized JSON does not fit in the output buffer";
} }

impl Error {
    /// A stable snake_case code for this error.
    pub const fn code(&self) -> &'static str {
        match self {
            Error::Signature(e) => e.code(),
            #[cfg(feature = "executor")]
            Error::Workflow(e) => e.code(),
            #[cfg(feature = "executor")]
            Error::Expression(e) => e.code(),
            #[cfg(feature = "executor")]
            Error::Context(e) => e.code(),
            #[cfg(feature = "executor")]
            Error::Wait(e) => e.code(),
            #[cfg(feature = "executor")]
            Error::Execution(e) => e.code(),
            Error::Form(e) => e.code(),
            _ => Self::CODES[self.row()],
        }
    }

    /// Render the message into a fixed-capacity string (no heap).
    /// Messages longer than 192 bytes are cut at a character boundary.
    pub fn to_string_buf(&self) -> heapless::String<192> {
        let mut out = TruncatingString::<192>(heapless::String::new());
        let _ = self.write_to(&mut out);
        out.0
    }
}

impl Error {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            Error::Signature(e) => return e.write_to(f),
            #[cfg(feature = "executor")]
            Error::Workflow(e) => return e.write_to(f),
            #[cfg(feature = "executor")]
            Error::Expression(e) => return e.write_to(f),
            #[cfg(feature = "executor")]
            Error::Context(e) => return e.write_to(f),
            #[cfg(feature = "executor")]
            Error::Wait(e) => return e.write_to(f),
            #[cfg(feature = "executor")]
            Error::Execution(e) => return e.write_to(f),
            Error::Form(e) => return e.write_to(f),
            Error::EmptyPart(p) => &[Text(p.name())],
            Error::PartTooLong { part, len, max } => {
                &[Text(part.name()), Num(*len as u64), Num(*max as u64)]
            }
            Error::BadCharacter { part, at } => &[Text(part.name()), Num(*at as u64)],
            Error::IdTooLong { len, max } => &[Num(*len as u64), Num(*max as u64)],
            Error::IdBadCharacter { at } | Error::JsonLoneSurrogate { at } => &[Num(*at as u64)],
            Error::InvalidTransition { from, to } => &[Text(from.as_str()), Text(to.as_str())],
            Error::ExtendNotLater {
                expires_at: a,
                requested: b,
            }
            | Error::ExtendBeyondLimit {
                limit: a,
                requested: b,
            } => &[Num(*a), Num(*b)],
            Error::Capacity { what, limit } => &[Text(what), Num(*limit as u64)],
            Error::TooLarge {
                what,
                limit,
                needed,
            } => &[Text(what), Num(*limit as u64), Num(*needed as u64)],
            Error::BufferTooSmall { needed } => &[Num(*needed as u64)],
            Error::Json(why) | Error::NotAnObject(why) | Error::NotAString(why) => &[Text(why)],
            _ => &[],
        };
        self.write_message(f, args)
    }
}

impl From<crate::token::SignatureError> for Error {
    fn from(e: crate::token::SignatureError) -> Self {
        Error::Signature(e)
    }
}

/// Convenience alias.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// `s` cut at `M` bytes, at a character boundary.
pub(crate) fn truncated<const M: usize>(s: &str) -> heapless::String<M> {
    let mut out = heapless::String::new();
    // Fits: at most M bytes.
    let _ = out.push_str(prefix_within(s, M));
    out
}

/// The longest start of `s` of at most `max` bytes that ends at a character
/// boundary. Not generic: one copy for every capacity.
fn prefix_within(s: &str, max: usize) -> &str {
    let mut n = max.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    s.get(..n).unwrap_or("")
}

/// A `fmt::Write` sink that keeps what fits and silently drops the rest, cut at
/// a character boundary. Used only for human-readable messages.
pub(crate) struct TruncatingString<const N: usize>(pub(crate) heapless::String<N>);

impl<const N: usize> fmt::Write for TruncatingString<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Fits: at most the room left.
        let _ = self
            .0
            .push_str(prefix_within(s, N.saturating_sub(self.0.len())));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// What fits of `parts` written one after another, whole characters
    /// only, each write stopping at its first character that does not fit.
    fn by_chars(parts: &[&str], cap: usize) -> std::string::String {
        let mut out = std::string::String::new();
        for part in parts {
            for ch in part.chars() {
                if out.len() + ch.len_utf8() > cap {
                    break;
                }
                out.push(ch);
            }
        }
        out
    }

    #[test]
    fn cut_at_character_boundaries() {
        let text = "aé€😀b, ünïcödé";
        for end in 0..=text.len() {
            let Some(s) = text.get(..end) else { continue };
            assert_eq!(truncated::<5>(s).as_str(), by_chars(&[s], 5));
            assert_eq!(truncated::<64>(s).as_str(), by_chars(&[s], 64));
            let mut sink = TruncatingString::<7>(heapless::String::new());
            for part in [s, "é", "x", "😀", "yz"] {
                fmt::Write::write_str(&mut sink, part).unwrap();
            }
            assert_eq!(sink.0.as_str(), by_chars(&[s, "é", "x", "😀", "yz"], 7));
        }
    }
}
