//! The base64 texts of signatures and secrets are accepted and refused as
//! the `base64` crate's engines accept and refuse them (standard padded
//! for `whsec_` secrets and `v1,` signatures, URL-safe unpadded for the
//! MAC of a resume URL's `sig`): random texts around every length and
//! padding boundary, valid encodings with one character changed, and
//! texts of any characters. A text longer than any that fits the decode
//! buffer is judged by its length alone (the only case where the
//! reference may name the other error).
//!
//! Cases: `PROPTEST_CASES` (default 2000 here).

mod common;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::{DecodeSliceError, Engine};
use common::signatures::*;
use proptest::prelude::*;

/// Characters the texts are made of: both alphabets, padding, and bytes
/// that belong to neither.
const POOL: &[u8] = b"AQgw09+/-_=azZ \n.%";

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    ProptestConfig::with_cases(cases)
}

/// A standard or URL-safe encoding of `bytes`, perhaps with one character
/// replaced, one removed or one `=` added; or `len` characters of the pool.
fn text(url_safe: bool) -> impl Strategy<Value = String> {
    let encoded = (
        proptest::collection::vec(any::<u8>(), 0..72),
        0usize..4,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(bytes, edit, at, with)| {
            let mut t = if url_safe {
                URL_SAFE_NO_PAD.encode(&bytes)
            } else {
                STANDARD.encode(&bytes)
            }
            .into_bytes();
            match edit {
                1 if !t.is_empty() => {
                    let i = at.index(t.len());
                    t[i] = POOL[with.index(POOL.len())];
                }
                2 if !t.is_empty() => {
                    t.remove(at.index(t.len()));
                }
                3 => t.push(b'='),
                _ => {}
            }
            String::from_utf8(t).unwrap()
        });
    let any_text = proptest::collection::vec(proptest::sample::select(POOL), 0..100)
        .prop_map(|t| String::from_utf8(t).unwrap());
    prop_oneof![encoded, any_text]
}

/// What `from_whsec` said with the `base64` crate.
fn reference_secret(b64: &str) -> Result<(), SignatureError> {
    let mut buf = [0u8; 67];
    match STANDARD.decode_slice(b64, &mut buf) {
        Ok(0) => Err(SignatureError::SecretEmpty),
        Ok(n) if n > 64 => Err(SignatureError::SecretTooLong { max: 64 }),
        Ok(_) => Ok(()),
        Err(DecodeSliceError::OutputSliceTooSmall) => {
            Err(SignatureError::SecretTooLong { max: 64 })
        }
        Err(DecodeSliceError::DecodeError(_)) => Err(SignatureError::SecretBase64),
    }
}

/// What a `v1,` entry counted as with the `base64` crate: `Some(bytes)`,
/// or `None` for bad base64 (an over-long one is no match).
fn reference_entry(b64: &str) -> Result<Vec<u8>, SignatureError> {
    let mut buf = [0u8; 48];
    match STANDARD.decode_slice(b64, &mut buf) {
        Ok(n) => Ok(buf[..n].to_vec()),
        Err(DecodeSliceError::OutputSliceTooSmall) => Err(SignatureError::NoMatchingSignature),
        Err(DecodeSliceError::DecodeError(_)) => Err(SignatureError::SignatureBase64),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn whsec_secrets_as_before(b64 in text(false)) {
        let got = StandardWebhookSecret::from_whsec(&format!("whsec_{b64}")).map(|_| ());
        let want = reference_secret(&b64);
        if b64.len() <= 92 {
            prop_assert_eq!(got, want, "{:?}", b64);
        } else {
            prop_assert_eq!(got, Err(SignatureError::SecretTooLong { max: 64 }));
            prop_assert!(want.is_err());
        }
    }

    #[test]
    fn v1_entries_as_before(b64 in text(false), keep in any::<bool>()) {
        let secret = StandardWebhookSecret::from_whsec("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = b"{}";
        let real = sw::sign(&secret, "msg_1", 1_700_000_000, body);
        // The real signature's base64, or the random text (a space would
        // end the entry).
        let b64 = if keep { real["v1,".len()..].to_string() } else { b64.replace(' ', ".") };
        let got = sw::verify(&secret, "msg_1", "1700000000", body, &format!("v1,{b64}"), 1_700_000_000, 300);
        let mac = STANDARD.decode(&real["v1,".len()..]).unwrap();
        let want = match reference_entry(&b64) {
            Ok(bytes) if bytes == mac => Ok(1_700_000_000),
            Ok(_) => Err(SignatureError::NoMatchingSignature),
            Err(e) => Err(e),
        };
        if b64.len() <= 64 {
            prop_assert_eq!(got, want, "{:?}", b64);
        } else {
            prop_assert_eq!(got, Err(SignatureError::NoMatchingSignature));
        }
    }

    #[test]
    fn resume_macs_as_before(b64 in text(true)) {
        let ks = keys_a();
        let got = check(&ks, &format!("sig=ka.{b64}"));
        // The length is checked before the characters; 22 long, the crate
        // decides.
        if b64.len() == MAC_B64_LEN && !b64.contains(['%', ' ', '\n', '.']) {
            let mut buf = [0u8; 18];
            let want = match URL_SAFE_NO_PAD.decode_slice(&b64, &mut buf) {
                Ok(16) => Err(SignatureError::Mismatch),
                _ => Err(SignatureError::Malformed(Malformation::NotBase64Url)),
            };
            prop_assert_eq!(got, want, "{:?}", b64);
        } else {
            prop_assert!(got.is_err());
        }
    }
}

#[test]
fn every_mac_character_is_read_as_the_crate_reads_it() {
    // Each position, each of the 64 characters and a few others, over the
    // valid MAC of the query signed for RID.
    let ks = keys_a();
    let good = sig_query(&ks, RID);
    let mac = &good["sig=ka.".len()..];
    for at in 0..MAC_B64_LEN {
        for c in (b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain(b'0'..=b'9')
            .chain(*b"-_+/=")
        {
            let mut t = mac.as_bytes().to_vec();
            t[at] = c;
            let t = String::from_utf8(t).unwrap();
            let mut buf = [0u8; 18];
            let want = match URL_SAFE_NO_PAD.decode_slice(&t, &mut buf) {
                Ok(16) if t == mac => Ok(()),
                Ok(16) => Err(SignatureError::Mismatch),
                _ => Err(SignatureError::Malformed(Malformation::NotBase64Url)),
            };
            let got = check(&ks, &format!("sig=ka.{t}")).map(|_| ());
            assert_eq!(got, want, "{t}");
        }
    }
}
