//! [Standard Webhooks](https://www.standardwebhooks.com) signatures on
//! incoming requests to trigger endpoints.
//!
//! The sender puts three headers on each request: `webhook-id`,
//! `webhook-timestamp` (unix seconds) and `webhook-signature`, a
//! space-separated list of `v1,<base64 HMAC-SHA256>` entries over
//! `{id}.{timestamp}.{body}`, keyed with the bytes of a `whsec_<base64>`
//! secret. Several entries let a sender rotate secrets; entries of other
//! versions (`v1a,` …) are ignored. Timestamps further than the tolerance
//! from now, in either direction, are rejected to limit replay.
//!
//! ```
//! use prana_webhook_core::token::standard_webhooks::{self, StandardWebhookSecret, DEFAULT_TOLERANCE_SECS};
//! let secret = StandardWebhookSecret::from_whsec("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"test": 2432232314}"#;
//! let sig = standard_webhooks::sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
//! assert_eq!(sig.as_str(), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//! let header = "v1a,ignored v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
//! let now = 1614265330 + 10;
//! assert!(standard_webhooks::verify(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
//!                                   body, header, now, DEFAULT_TOLERANCE_SECS).is_ok());
//! ```

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::msg::{self, Num, Text};

use super::base64::{self, Bad, Form};
use super::SignatureError;

/// Default timestamp tolerance: 5 minutes, as the specification recommends.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;
/// Longest secret, in bytes (the specification recommends 24–64).
pub const MAX_SECRET_LEN: usize = 64;
/// Length of one `v1,<base64>` signature: `v1,` and 44 base64 characters.
pub const SIGNATURE_LEN: usize = 3 + 44;
/// Prefix of a serialized secret.
pub const SECRET_PREFIX: &str = "whsec_";

type HmacSha256 = Hmac<Sha256>;

/// A Standard Webhooks secret, held as the HMAC state derived from its key
/// bytes (computed once; the raw bytes are not kept; `Debug` shows nothing).
#[derive(Clone)]
pub struct StandardWebhookSecret {
    mac: HmacSha256,
}

impl StandardWebhookSecret {
    /// Parse `whsec_` followed by the key bytes in standard, padded base64.
    pub fn from_whsec(s: &str) -> Result<Self, SignatureError> {
        let b64 = s
            .strip_prefix(SECRET_PREFIX)
            .ok_or(SignatureError::SecretPrefix)?;
        // Room for a group more than the longest secret, so a text up to
        // one group past the limit is read (and fails on its length, or as
        // bad base64) and only a longer one is too long by its length.
        let mut buf = [0u8; (MAX_SECRET_LEN / 3 + 2) * 3];
        match decode(b64, &mut buf) {
            Ok(key) => Self::from_bytes(key),
            Err(Bad::TooLong) => Err(SignatureError::SecretTooLong {
                max: MAX_SECRET_LEN,
            }),
            Err(Bad::Malformed) => Err(SignatureError::SecretBase64),
        }
    }

    /// Use raw key bytes (1–64 bytes).
    pub fn from_bytes(key: &[u8]) -> Result<Self, SignatureError> {
        if key.is_empty() {
            return Err(SignatureError::SecretEmpty);
        }
        let too_long = SignatureError::SecretTooLong {
            max: MAX_SECRET_LEN,
        };
        if key.len() > MAX_SECRET_LEN {
            return Err(too_long);
        }
        // HMAC takes keys of any length; the error branch is unreachable.
        let mac = HmacSha256::new_from_slice(key).map_err(|_| too_long)?;
        Ok(StandardWebhookSecret { mac })
    }

    /// HMAC of `{id}.{timestamp}.{body}`, fed piecewise so the body is never copied.
    fn mac(&self, msg_id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        let mut m = self.mac.clone();
        m.update(msg_id.as_bytes());
        m.update(b".");
        m.update(timestamp.as_bytes());
        m.update(b".");
        m.update(body);
        m.finalize().into_bytes().into()
    }
}

impl fmt::Debug for StandardWebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhookSecret")
            .finish_non_exhaustive()
    }
}

/// Sign a message the way a Standard Webhooks sender does, giving the
/// `webhook-signature` value `v1,<base64>`. Lets hosts test their senders.
pub fn sign(
    secret: &StandardWebhookSecret,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> heapless::String<SIGNATURE_LEN> {
    let mac = secret.mac(msg_id, &decimal(timestamp), body);
    let mut b64 = [0u8; SIGNATURE_LEN - 3];
    // Cannot fail: 32 bytes encode to exactly 44 characters.
    base64::encode(&mac, Form::Standard, &mut b64);
    let mut out = heapless::String::new();
    // Cannot fail: `v1,` + 44 characters is SIGNATURE_LEN.
    let _ = out.push_str("v1,");
    for b in b64 {
        let _ = out.push(char::from(b));
    }
    out
}

/// Verify a Standard Webhooks request; returns its timestamp on success.
///
/// Inputs are the `webhook-id`, `webhook-timestamp` and `webhook-signature`
/// header values, the raw body bytes, the host's clock and the tolerance
/// (usually [`DEFAULT_TOLERANCE_SECS`]). The timestamp is checked first, as
/// in the reference libraries; then each `v1,` entry is compared with the
/// expected MAC in constant time, and the first match wins.
pub fn verify(
    secret: &StandardWebhookSecret,
    msg_id: &str,
    timestamp_header: &str,
    body: &[u8],
    signature_header: &str,
    now_unix_secs: i64,
    tolerance_secs: u64,
) -> Result<i64, SignatureError> {
    let timestamp = parse_timestamp(timestamp_header)?;
    check_tolerance(timestamp, now_unix_secs, tolerance_secs)?;

    // Sign the canonical decimal form, as the reference libraries do, so a
    // header with leading zeros verifies the same way there and here.
    let expected = secret.mac(msg_id, &decimal(timestamp), body);

    let mut saw_v1 = false;
    let mut saw_bad_base64 = false;
    for entry in signature_header.split(' ') {
        let Some(("v1", b64)) = entry.split_once(',') else {
            continue;
        };
        saw_v1 = true;
        // Room for a group more than a MAC, so an over-long entry up to 64
        // characters decodes (and then fails on length) rather than counting
        // as bad base64; a longer one is no match by its length.
        let mut buf = [0u8; 48];
        match decode(b64, &mut buf) {
            Ok(mac) => {
                if bool::from(mac.ct_eq(&expected)) {
                    return Ok(timestamp);
                }
            }
            Err(Bad::Malformed) => saw_bad_base64 = true,
            Err(Bad::TooLong) => {}
        }
    }
    Err(if !saw_v1 {
        SignatureError::NoV1Signature
    } else if saw_bad_base64 {
        SignatureError::SignatureBase64
    } else {
        SignatureError::NoMatchingSignature
    })
}

/// Decode standard, padded base64 into `buf` (a multiple of 3 bytes). A
/// text longer than the longest that fits is too long by its length alone,
/// before its characters are looked at.
fn decode<'b>(text: &str, buf: &'b mut [u8]) -> Result<&'b [u8], Bad> {
    if text.len() > buf.len() / 3 * 4 {
        return Err(Bad::TooLong);
    }
    base64::decode(text, Form::Standard, buf)
}

/// A timestamp in decimal, as the signed message spells it.
fn decimal(timestamp: i64) -> heapless::String<20> {
    let mut ts = heapless::String::new();
    // Cannot fail: an i64 has at most 20 characters.
    let _ = msg::write(
        &mut ts,
        "{}{}",
        &[
            Text(if timestamp < 0 { "-" } else { "" }),
            Num(timestamp.unsigned_abs()),
        ],
    );
    ts
}

/// Unix seconds as plain ASCII digits (no sign, no spaces), fitting an i64.
fn parse_timestamp(s: &str) -> Result<i64, SignatureError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::TimestampInvalid);
    }
    s.bytes()
        .try_fold(0i64, |acc, b| {
            acc.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        })
        .ok_or(SignatureError::TimestampInvalid)
}

fn check_tolerance(timestamp: i64, now: i64, tolerance: u64) -> Result<(), SignatureError> {
    // i128 so no input can overflow the difference.
    let diff = i128::from(now) - i128::from(timestamp);
    if diff > i128::from(tolerance) {
        Err(SignatureError::TimestampTooOld {
            tolerance_secs: tolerance,
        })
    } else if -diff > i128::from(tolerance) {
        Err(SignatureError::TimestampTooNew {
            tolerance_secs: tolerance,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_parsing() {
        assert_eq!(parse_timestamp("0"), Ok(0));
        assert_eq!(parse_timestamp("0001614265330"), Ok(1614265330));
        assert_eq!(parse_timestamp("9223372036854775807"), Ok(i64::MAX));
        for bad in [
            "",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.5",
            "9223372036854775808",
            "１",
        ] {
            assert_eq!(
                parse_timestamp(bad),
                Err(SignatureError::TimestampInvalid),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn tolerance_edges() {
        assert!(check_tolerance(100, 400, 300).is_ok());
        assert!(check_tolerance(700, 400, 300).is_ok());
        assert!(matches!(
            check_tolerance(99, 400, 300),
            Err(SignatureError::TimestampTooOld { .. })
        ));
        assert!(matches!(
            check_tolerance(701, 400, 300),
            Err(SignatureError::TimestampTooNew { .. })
        ));
        // Extremes do not overflow: the widest gap is exactly u64::MAX.
        assert!(check_tolerance(i64::MAX, i64::MIN, u64::MAX).is_ok());
        assert!(matches!(
            check_tolerance(i64::MAX, i64::MIN, u64::MAX - 1),
            Err(SignatureError::TimestampTooNew { .. })
        ));
        assert!(check_tolerance(i64::MAX, i64::MAX, 0).is_ok());
    }

    #[test]
    fn secret_limits() {
        assert_eq!(
            StandardWebhookSecret::from_whsec("whsec_").unwrap_err(),
            SignatureError::SecretEmpty
        );
        // 64 bytes of 0x00 → 88 base64 characters: allowed; 65 bytes: too long.
        let mut s: heapless::String<128> = heapless::String::new();
        s.push_str("whsec_").unwrap();
        let mut b64 = [0u8; 88];
        assert_eq!(base64::encode(&[0u8; 64], Form::Standard, &mut b64), 88);
        s.push_str(core::str::from_utf8(&b64).unwrap()).unwrap();
        assert!(StandardWebhookSecret::from_whsec(&s).is_ok());
        let mut s: heapless::String<128> = heapless::String::new();
        s.push_str("whsec_").unwrap();
        let mut b64 = [0u8; 88];
        assert_eq!(base64::encode(&[0u8; 65], Form::Standard, &mut b64), 88);
        s.push_str(core::str::from_utf8(&b64).unwrap()).unwrap();
        assert_eq!(
            StandardWebhookSecret::from_whsec(&s).unwrap_err(),
            SignatureError::SecretTooLong { max: 64 }
        );
    }
}
