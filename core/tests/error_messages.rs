//! The codes and messages of the errors, pinned.

use prana_webhook_core::context::ContextError;
use prana_webhook_core::error::{Error, Part};
use prana_webhook_core::executor::ExecutionError;
use prana_webhook_core::form::FormError;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::template::ExpressionError;
use prana_webhook_core::token::resume::KeyId;
use prana_webhook_core::token::{Malformation, SignatureError};
use prana_webhook_core::wait::WaitError;
use prana_webhook_core::workflow::WorkflowError;

fn s<const N: usize>(t: &str) -> heapless::String<N> {
    let mut x = heapless::String::new();
    x.push_str(t).unwrap();
    x
}

/// The code and message of one error of every variant (and the sub-codes
/// and HTTP statuses of the signature errors, the Prana types of the wait
/// errors), one per line.
fn describe_all() -> String {
    let mut out = String::new();
    let mut all: Vec<Error> = vec![
        Error::EmptyPart(Part::NodeId),
        Error::PartTooLong {
            part: Part::ExecutionId,
            len: 70,
            max: 64,
        },
        Error::BadCharacter {
            part: Part::WorkflowId,
            at: 3,
        },
        Error::MissingPrefix,
        Error::BadRandomTail,
        Error::MalformedResumeId,
        Error::EntropyUnavailable,
        Error::BaseUrlScheme,
        Error::BaseUrlHost,
        Error::BaseUrlPort,
        Error::BaseUrlQuery,
        Error::BaseUrlFragment,
        Error::BaseUrlUserInfo,
        Error::BaseUrlCharacter,
        Error::BaseUrlEmptySegment,
        Error::NotWebhookPath,
        Error::UnknownKind,
        Error::EmptyId,
        Error::IdTooLong { len: 300, max: 200 },
        Error::IdBadCharacter { at: 9 },
        Error::ExtraSegments,
        Error::PercentEncoded,
        Error::MalformedTarget,
        Error::InvalidTransition {
            from: Status::Pending,
            to: Status::Consumed,
        },
        Error::RegistrationExpired,
        Error::UnknownStatus,
        Error::AlreadyConsumed,
        Error::ResumeIdMismatch,
        Error::NotActive,
        Error::ExtendNotLater {
            expires_at: 1234567890123,
            requested: 99,
        },
        Error::ExtendBeyondLimit {
            limit: u64::MAX,
            requested: 0,
        },
        Error::Capacity {
            what: "things",
            limit: 16,
        },
        Error::TooLarge {
            what: "payload",
            limit: 4096,
            needed: 5000,
        },
        Error::BufferTooSmall { needed: 77 },
        Error::Json("bad thing"),
        Error::NotAnObject("params"),
        Error::NotAString("id"),
        Error::JsonLoneSurrogate { at: 12 },
        Error::JsonTooLarge,
    ];
    let sig = vec![
        SignatureError::KeyIdInvalid,
        SignatureError::SecretTooShort { len: 3, min: 16 },
        SignatureError::KeySetFull { limit: 8 },
        SignatureError::DuplicateKeyId,
        SignatureError::KeyNotFound,
        SignatureError::NoSigningKey,
        SignatureError::Missing,
        SignatureError::Duplicated,
        SignatureError::Malformed(Malformation::Empty),
        SignatureError::Malformed(Malformation::NoSeparator),
        SignatureError::Malformed(Malformation::EmptyKeyId),
        SignatureError::Malformed(Malformation::BadKeyId),
        SignatureError::Malformed(Malformation::NotBase64Url),
        SignatureError::Truncated { len: 5 },
        SignatureError::WrongLength { len: 30 },
        SignatureError::UnknownKey(KeyId::parse("k9").unwrap()),
        SignatureError::Mismatch,
        SignatureError::SecretPrefix,
        SignatureError::SecretBase64,
        SignatureError::SecretEmpty,
        SignatureError::SecretTooLong { max: 64 },
        SignatureError::TimestampInvalid,
        SignatureError::TimestampTooOld {
            tolerance_secs: 300,
        },
        SignatureError::TimestampTooNew {
            tolerance_secs: 301,
        },
        SignatureError::NoV1Signature,
        SignatureError::SignatureBase64,
        SignatureError::NoMatchingSignature,
    ];
    for e in &sig {
        out += &format!(
            "SIG {} {} {} {}\n",
            e.code(),
            e.reason(),
            e.http_status(),
            e
        );
    }
    all.extend(sig.into_iter().map(Error::Signature));
    all.extend(
        [
            WorkflowError::MissingField("id"),
            WorkflowError::FieldType("nodes"),
            WorkflowError::NoNodes,
            WorkflowError::BadNode { index: 1 },
            WorkflowError::BadKey { index: 2 },
            WorkflowError::BadType { index: 3 },
            WorkflowError::BadParams { index: 4 },
            WorkflowError::DuplicateKey { key: s("dup") },
            WorkflowError::BadConnection { index: 5 },
            WorkflowError::BadPort { index: 6 },
            WorkflowError::DanglingConnection {
                index: 7,
                end: "to",
            },
            WorkflowError::UnknownPort {
                index: 8,
                port: s("weird"),
            },
            WorkflowError::PortAlreadyConnected { index: 9 },
            WorkflowError::Cycle { key: s("loop") },
            WorkflowError::UnknownStart,
            WorkflowError::NoStart,
            WorkflowError::AmbiguousStart,
        ]
        .into_iter()
        .map(Error::Workflow),
    );
    all.extend(
        [
            ExpressionError::UnknownNode { node: s("nn") },
            ExpressionError::UnknownField { field: s("ff") },
            ExpressionError::Unterminated { at: 3 },
            ExpressionError::Malformed { at: 4 },
            ExpressionError::UnsafeValue,
        ]
        .into_iter()
        .map(Error::Expression),
    );
    all.extend(
        [
            ContextError::NoRegistration { node: s("w1") },
            ContextError::DuplicateRegistration,
        ]
        .into_iter()
        .map(Error::Context),
    );
    let waits = vec![
        WaitError::ModeRequired,
        WaitError::ModeInvalid,
        WaitError::DurationRequired,
        WaitError::DurationInvalid,
        WaitError::UnitInvalid,
        WaitError::ScheduleAtRequired,
        WaitError::ScheduleAtInvalid,
        WaitError::ScheduleAtPast,
        WaitError::TimezoneInvalid,
        WaitError::TimeoutHoursInvalid,
        WaitError::MissingNodeId,
        WaitError::NoResumeUrl { node: s("w2") },
    ];
    for w in &waits {
        out += &format!("WAITTYPE {}\n", w.prana_type());
    }
    all.extend(waits.into_iter().map(Error::Wait));
    all.extend(
        [
            ExecutionError::NotSuspended,
            ExecutionError::AlreadyStarted,
            ExecutionError::UnknownResumeId,
            ExecutionError::NotWaitingHere { node: s("w3") },
            ExecutionError::NotTimer,
            ExecutionError::NotDue { resume_at: 42 },
            ExecutionError::WorkflowMismatch("ids differ"),
            ExecutionError::DigestMismatch {
                started_with: [0xde, 0xad, 0x01, 0xff],
                given: [0, 1, 2, 3],
            },
            ExecutionError::NotApplied,
            ExecutionError::BadState("why"),
        ]
        .into_iter()
        .map(Error::Execution),
    );
    all.extend(
        [
            FormError::Config {
                field: Some(2),
                why: "bad",
            },
            FormError::Config {
                field: None,
                why: "worse",
            },
            FormError::BadEncoding,
            FormError::BadFieldName,
            FormError::UnknownField(s("a")),
            FormError::RepeatedField(s("b")),
            FormError::Required(s("c")),
            FormError::NotANumber(s("d")),
            FormError::NotABoolean(s("e")),
            FormError::NotAnOption(s("f")),
            FormError::BadDecision,
        ]
        .into_iter()
        .map(Error::Form),
    );
    for e in &all {
        out += &format!("ERR {} | {} | {}\n", e.code(), e, e.to_string_buf());
    }
    out
}

/// Every error keeps its stable code and its message, byte for byte: the
/// expected file was written by the error types before their messages
/// moved into tables.
#[test]
fn codes_and_messages_unchanged() {
    let want = include_str!("data/error_messages.txt");
    let got = describe_all();
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count());
}

/// Codes are snake_case and every variant has a message.
#[test]
fn codes_are_snake_case_and_messages_not_empty() {
    for line in describe_all().lines().filter(|l| l.starts_with("ERR ")) {
        let mut parts = line["ERR ".len()..].split(" | ");
        let code = parts.next().unwrap();
        assert!(
            !code.is_empty()
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{line}"
        );
        assert!(!parts.next().unwrap().is_empty(), "{line}");
    }
}
