//! Standard Webhooks signatures: known answers and every rejection with its
//! reason and message.

mod common;

use common::signatures::*;

// ---------------------------------------------------------------------------
// Standard Webhooks: known answers.

/// Published test vector of the Standard Webhooks reference libraries:
/// standard-webhooks/standard-webhooks, `libraries/go/webhook_test.go`,
/// `TestWebhookSign` (the same vector is in `libraries/php/tests/WebhookTest.php`,
/// `testSignFunctionWorks`). Re-computed with Python's `hmac` before use.
const REF_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const REF_MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const REF_TIMESTAMP: i64 = 1614265330;
const REF_TIMESTAMP_STR: &str = "1614265330";
const REF_BODY: &[u8] = br#"{"test": 2432232314}"#;
const REF_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn ref_secret() -> StandardWebhookSecret {
    StandardWebhookSecret::from_whsec(REF_SECRET).unwrap()
}

fn ref_verify(
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

#[test]
fn sw_reference_vector_signs_exactly() {
    let sig = sw::sign(&ref_secret(), REF_MSG_ID, REF_TIMESTAMP, REF_BODY);
    assert_eq!(sig.as_str(), REF_SIGNATURE);
}

#[test]
fn sw_reference_vector_verifies() {
    let ts = ref_verify(
        REF_MSG_ID,
        REF_TIMESTAMP_STR,
        REF_BODY,
        REF_SIGNATURE,
        REF_TIMESTAMP,
    );
    assert_eq!(ts, Ok(REF_TIMESTAMP));
}

#[test]
fn sw_independent_python_vectors() {
    let mut n = 0;
    for r in rows(SW_VECTORS) {
        let [name, secret, msg_id, ts, body_hex, expected] = r[..] else {
            panic!("bad vector line: {r:?}");
        };
        let secret = StandardWebhookSecret::from_whsec(secret).unwrap();
        let body = unhex(body_hex);
        let ts_num: i64 = ts.parse().unwrap();
        let sig = sw::sign(&secret, msg_id, ts_num, &body);
        assert_eq!(sig.as_str(), expected, "{name}: sign");
        let got = sw::verify(
            &secret,
            msg_id,
            ts,
            &body,
            expected,
            ts_num + 1,
            DEFAULT_TOLERANCE_SECS,
        );
        assert_eq!(got, Ok(ts_num), "{name}: verify");
        n += 1;
    }
    assert!(n >= 5, "expected at least 5 vectors, got {n}");
}

// ---------------------------------------------------------------------------
// Standard Webhooks: rejections.

#[test]
fn sw_tampered_body_timestamp_and_id_fail() {
    let now = REF_TIMESTAMP;
    let mismatch = Err(SignatureError::NoMatchingSignature);
    assert_eq!(
        ref_verify(
            REF_MSG_ID,
            REF_TIMESTAMP_STR,
            br#"{"test": 2432232315}"#,
            REF_SIGNATURE,
            now
        ),
        mismatch
    );
    assert_eq!(
        ref_verify(REF_MSG_ID, REF_TIMESTAMP_STR, b"", REF_SIGNATURE, now),
        mismatch
    );
    assert_eq!(
        ref_verify(REF_MSG_ID, "1614265331", REF_BODY, REF_SIGNATURE, now),
        mismatch
    );
    assert_eq!(
        ref_verify(
            "msg_p5jXN8AQM9LWM0D4loKWxJel",
            REF_TIMESTAMP_STR,
            REF_BODY,
            REF_SIGNATURE,
            now
        ),
        mismatch
    );
    // Invalid signature from the Go reference tests.
    assert_eq!(
        ref_verify(
            REF_MSG_ID,
            REF_TIMESTAMP_STR,
            REF_BODY,
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            now
        ),
        mismatch
    );
    // Right message, other secret.
    let other = StandardWebhookSecret::from_bytes(b"another secret").unwrap();
    assert_eq!(
        sw::verify(
            &other,
            REF_MSG_ID,
            REF_TIMESTAMP_STR,
            REF_BODY,
            REF_SIGNATURE,
            now,
            300
        ),
        mismatch
    );
    assert_eq!(
        msg(&SignatureError::NoMatchingSignature),
        "no 'v1,' signature in webhook-signature matches the message"
    );
}

#[test]
fn sw_timestamp_tolerance_both_directions() {
    let v = |now| ref_verify(REF_MSG_ID, REF_TIMESTAMP_STR, REF_BODY, REF_SIGNATURE, now);
    assert!(v(REF_TIMESTAMP + 300).is_ok());
    assert!(v(REF_TIMESTAMP - 300).is_ok());
    let old = v(REF_TIMESTAMP + 301).unwrap_err();
    assert_eq!(
        old,
        SignatureError::TimestampTooOld {
            tolerance_secs: 300
        }
    );
    assert_eq!(old.reason(), "webhook_timestamp_too_old");
    assert_eq!(
        msg(&old),
        "webhook-timestamp is too old: more than 300 s before now"
    );
    let new = v(REF_TIMESTAMP - 301).unwrap_err();
    assert_eq!(
        new,
        SignatureError::TimestampTooNew {
            tolerance_secs: 300
        }
    );
    assert_eq!(new.reason(), "webhook_timestamp_too_new");
    assert_eq!(
        msg(&new),
        "webhook-timestamp is too new: more than 300 s after now"
    );
    // A custom tolerance.
    let strict = sw::verify(
        &ref_secret(),
        REF_MSG_ID,
        REF_TIMESTAMP_STR,
        REF_BODY,
        REF_SIGNATURE,
        REF_TIMESTAMP + 11,
        10,
    );
    assert_eq!(
        strict,
        Err(SignatureError::TimestampTooOld { tolerance_secs: 10 })
    );
}

#[test]
fn sw_invalid_timestamp() {
    for bad in [
        "",
        "abc",
        "-1614265330",
        "+1614265330",
        "1614265330.0",
        " 1614265330",
        "99999999999999999999",
    ] {
        let e = ref_verify(REF_MSG_ID, bad, REF_BODY, REF_SIGNATURE, REF_TIMESTAMP).unwrap_err();
        assert_eq!(e, SignatureError::TimestampInvalid, "{bad:?}");
    }
    assert_eq!(
        msg(&SignatureError::TimestampInvalid),
        "webhook-timestamp must be unix seconds as a decimal integer"
    );
    // Leading zeros: the canonical number is signed, as in the reference libraries.
    assert!(ref_verify(
        REF_MSG_ID,
        "01614265330",
        REF_BODY,
        REF_SIGNATURE,
        REF_TIMESTAMP
    )
    .is_ok());
}

#[test]
fn sw_multiple_signatures() {
    let v = |h: &str| ref_verify(REF_MSG_ID, REF_TIMESTAMP_STR, REF_BODY, h, REF_TIMESTAMP);
    // Shape of the Go reference's "valid multi sig is valid".
    let header = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {REF_SIGNATURE} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    );
    assert!(v(&header).is_ok());
    // Valid after an unknown version whose value would match if it were read as v1.
    let sig_b64 = &REF_SIGNATURE[3..];
    assert!(v(&format!("v1a,{sig_b64} {REF_SIGNATURE}")).is_ok());
    // Other versions only, even carrying the right bytes: ignored.
    let e = v(&format!("v1a,{sig_b64} v2,{sig_b64} {sig_b64}")).unwrap_err();
    assert_eq!(e, SignatureError::NoV1Signature);
    assert_eq!(e.reason(), "webhook_signature_no_v1");
    assert_eq!(msg(&e), "webhook-signature holds no 'v1,' signature");
    assert_eq!(v("").unwrap_err(), SignatureError::NoV1Signature);
    // Extra spaces between entries are tolerated.
    assert!(v(&format!("  v2,x   {REF_SIGNATURE}  ")).is_ok());
    // Case matters for the version tag.
    assert_eq!(
        v(&format!("V1,{sig_b64}")).unwrap_err(),
        SignatureError::NoV1Signature
    );
    // A v1 entry of the right base64 but wrong length: just no match.
    assert_eq!(
        v("v1,AAAA").unwrap_err(),
        SignatureError::NoMatchingSignature
    );
}

#[test]
fn sw_bad_base64_signature() {
    let v = |h: &str| ref_verify(REF_MSG_ID, REF_TIMESTAMP_STR, REF_BODY, h, REF_TIMESTAMP);
    let sig_b64 = &REF_SIGNATURE[3..];
    for bad in [
        "v1,!!!!",
        "v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=", // url-safe alphabet
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",  // padding missing
        "v1,=",
    ] {
        let e = v(bad).unwrap_err();
        assert_eq!(e, SignatureError::SignatureBase64, "{bad:?}");
        assert_eq!(e.reason(), "webhook_signature_base64");
    }
    // A bad entry does not hide a good one.
    assert!(v(&format!("v1,!!!! v1,{sig_b64}")).is_ok());
    assert_eq!(
        msg(&SignatureError::SignatureBase64),
        "no 'v1,' signature in webhook-signature matches, and one is not valid base64"
    );
}

#[test]
fn sw_secret_parsing() {
    let cases: &[(&str, SignatureError, &str)] = &[
        (
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            SignatureError::SecretPrefix,
            "webhook_secret_prefix",
        ),
        (
            "whsec-MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            SignatureError::SecretPrefix,
            "webhook_secret_prefix",
        ),
        (
            "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            SignatureError::SecretPrefix,
            "webhook_secret_prefix",
        ),
        ("", SignatureError::SecretPrefix, "webhook_secret_prefix"),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa!w",
            SignatureError::SecretBase64,
            "webhook_secret_base64",
        ),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",
            SignatureError::SecretBase64,
            "webhook_secret_base64",
        ),
        (
            "whsec_",
            SignatureError::SecretEmpty,
            "webhook_secret_empty",
        ),
    ];
    for (input, err, reason) in cases {
        let e = StandardWebhookSecret::from_whsec(input).unwrap_err();
        assert_eq!(&e, err, "{input:?}");
        assert_eq!(e.reason(), *reason);
    }
    let long = format!("whsec_{}", "A".repeat(200));
    assert_eq!(
        StandardWebhookSecret::from_whsec(&long).unwrap_err(),
        SignatureError::SecretTooLong { max: 64 }
    );
    assert_eq!(
        msg(&SignatureError::SecretPrefix),
        "webhook secret must start with 'whsec_'"
    );
    assert_eq!(
        msg(&SignatureError::SecretBase64),
        "webhook secret after 'whsec_' is not valid standard base64"
    );
    // Debug never shows key material.
    assert_eq!(
        format!("{:?}", ref_secret()),
        "StandardWebhookSecret { .. }"
    );
}
