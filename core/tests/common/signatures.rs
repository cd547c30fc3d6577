//! Helpers shared by the signature tests: vector files, a key set, and the
//! published Standard Webhooks reference vector.

// A prelude for the signature tests: each binary uses a part of it.
#![allow(unused_imports)]

pub use prana_webhook_core::id::ResumeId;
pub use prana_webhook_core::token::resume::{
    verify_query, KeySet, ResumeKey, SignaturePolicy, VerifiedBy, MAC_B64_LEN,
};
pub use prana_webhook_core::token::standard_webhooks::{
    self as sw, StandardWebhookSecret, DEFAULT_TOLERANCE_SECS,
};
pub use prana_webhook_core::token::{Malformation, SignatureError};
pub use prana_webhook_core::url::{BaseUrl, Route};
pub use prana_webhook_core::Error;

pub const SW_VECTORS: &str = include_str!("../data/standard_webhooks_vectors.txt");
pub const RESUME_VECTORS: &str = include_str!("../data/resume_sig_vectors.txt");

/// Data lines of a vector file: '#' comments and blank lines skipped.
pub fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(' ').collect())
}

pub fn unhex(s: &str) -> Vec<u8> {
    if s == "-" {
        return Vec::new();
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn msg(e: &SignatureError) -> String {
    e.to_string()
}

pub const RID: &str = "webhook_exec-1_wait_approval_0123456789abcdefghjkmnpqrs";
pub const SECRET_A: &[u8] = b"key A: 32 bytes of secret data!!";
pub const SECRET_B: &[u8] = b"key B: another 32 byte secret..!";

pub fn keys_a() -> KeySet {
    let mut ks = KeySet::new();
    ks.add(ResumeKey::new("ka", SECRET_A).unwrap()).unwrap();
    ks
}

pub fn sig_query(ks: &KeySet, rid: &str) -> String {
    format!("sig={}", ks.sign(rid).unwrap())
}

pub fn check(ks: &KeySet, query: &str) -> Result<VerifiedBy, SignatureError> {
    verify_query(ks, SignaturePolicy::Required, RID, Some(query))
}

/// Published test vector of the Standard Webhooks reference libraries:
/// standard-webhooks/standard-webhooks, `libraries/go/webhook_test.go`,
/// `TestWebhookSign` (the same vector is in `libraries/php/tests/WebhookTest.php`,
/// `testSignFunctionWorks`). Re-computed with Python's `hmac` before use.
pub const REF_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const REF_MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
pub const REF_TIMESTAMP: i64 = 1614265330;
pub const REF_TIMESTAMP_STR: &str = "1614265330";
pub const REF_BODY: &[u8] = br#"{"test": 2432232314}"#;
pub const REF_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

pub fn ref_secret() -> StandardWebhookSecret {
    StandardWebhookSecret::from_whsec(REF_SECRET).unwrap()
}

pub fn ref_verify(
    msg_id: &str,
    ts: &str,
    body: &[u8],
    header: &str,
    now: i64,
) -> Result<i64, SignatureError> {
    sw::verify(
        &ref_secret(),
        msg_id,
        ts,
        body,
        header,
        now,
        DEFAULT_TOLERANCE_SECS,
    )
}
