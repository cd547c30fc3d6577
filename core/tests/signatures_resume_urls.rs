//! Signed resume URLs: known answers, round trips, rotation, and every
//! rejection with its reason and message.

mod common;

use common::signatures::*;

// ---------------------------------------------------------------------------
// Resume URLs: known answers, round trips, rotation.

#[test]
fn resume_independent_python_vectors() {
    let mut n = 0;
    for r in rows(RESUME_VECTORS) {
        let [key_id, secret_hex, rid, expected] = r[..] else {
            panic!("bad vector line: {r:?}");
        };
        let key = ResumeKey::new(key_id, &unhex(secret_hex)).unwrap();
        let sig = key.sign(rid);
        assert_eq!(sig.as_str(), expected, "{key_id} {rid}");
        assert_eq!(sig.key_id(), key_id);
        assert_eq!(sig.mac().len(), MAC_B64_LEN);
        let mut ks: KeySet = KeySet::new();
        ks.add(key).unwrap();
        let by = verify_query(
            &ks,
            SignaturePolicy::Required,
            rid,
            Some(&format!("sig={expected}")),
        );
        assert_eq!(
            by.unwrap(),
            VerifiedBy::Key(ks.current().unwrap().id().clone())
        );
        n += 1;
    }
    assert!(n >= 5, "expected at least 5 vectors, got {n}");
}

#[test]
fn resume_round_trip_across_rotation() {
    let mut ks: KeySet<4> = KeySet::new();
    ks.add(ResumeKey::new("old", SECRET_A).unwrap()).unwrap();
    let old_query = format!("sig={}", ks.sign(RID).unwrap());
    assert!(old_query.starts_with("sig=old."));

    // Add the new key and make it current: new URLs use it, old ones still verify.
    ks.add(ResumeKey::new("new", SECRET_B).unwrap()).unwrap();
    assert_eq!(ks.current().unwrap().id().as_str(), "old");
    ks.set_current("new").unwrap();
    let new_query = format!("sig={}", ks.sign(RID).unwrap());
    assert!(new_query.starts_with("sig=new."));
    let verify =
        |ks: &KeySet<4>, q: &str| verify_query(ks, SignaturePolicy::Required, RID, Some(q));
    assert!(matches!(verify(&ks, &old_query), Ok(VerifiedBy::Key(k)) if k.as_str() == "old"));
    assert!(matches!(verify(&ks, &new_query), Ok(VerifiedBy::Key(k)) if k.as_str() == "new"));

    // Removing the old key revokes its URLs only.
    assert!(ks.remove("old").is_some());
    let e = verify(&ks, &old_query).unwrap_err();
    assert_eq!(e.reason(), "signature_unknown_key");
    assert_eq!(
        msg(&e),
        "'sig' names key id 'old', which is not in the key set (unknown or revoked)"
    );
    assert!(verify(&ks, &new_query).is_ok());

    // A new key reusing a revoked id with another secret does not revive old URLs.
    ks.add(ResumeKey::new("old", SECRET_B).unwrap()).unwrap();
    assert_eq!(
        verify(&ks, &old_query).unwrap_err(),
        SignatureError::Mismatch
    );
}

#[test]
fn resume_url_survives_proxy_host_rewrite() {
    let id = ResumeId::parse(RID).unwrap();
    let ks = keys_a();
    let public = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let mut url = public.resume_url(&id).unwrap();
    ks.sign_url(id.as_str(), &mut url).unwrap();
    assert!(url.starts_with("https://gw.example.com/hooks/webhook/workflow/resume/webhook_"));

    // The proxy forwards to an internal host and strips the prefix.
    let internal = BaseUrl::parse("http://10.0.0.5:8080").unwrap();
    let path_and_query = url.strip_prefix("https://gw.example.com/hooks").unwrap();
    let rewritten = format!("http://10.0.0.5:8080{path_and_query}");
    for target in [path_and_query, rewritten.as_str()] {
        let t = internal.parse_target(target).unwrap();
        let Route::Resume { resume_id } = t.route else {
            panic!("not a resume route: {target}");
        };
        let by = verify_query(&ks, SignaturePolicy::Required, resume_id, t.query).unwrap();
        assert!(
            matches!(by, VerifiedBy::Key(k) if k.as_str() == "ka"),
            "{target}"
        );
    }

    // Another base entirely, and extra query parameters around sig.
    let other = format!("http://localhost/x?a=1&{}&b=2", sig_query(&ks, RID));
    let query = other.split_once('?').unwrap().1;
    assert!(check(&ks, query).is_ok());
}

#[test]
fn sign_url_appends_after_existing_query() {
    let ks = keys_a();
    let mut url: heapless::String<512> = heapless::String::new();
    url.push_str("https://h/webhook/workflow/resume/").unwrap();
    url.push_str(RID).unwrap();
    ks.sign_url(RID, &mut url).unwrap();
    let (_, q) = url.split_once('?').unwrap();
    assert_eq!(q, sig_query(&ks, RID));
    let empty: KeySet = KeySet::new();
    let e = empty.sign_url(RID, &mut url).unwrap_err();
    assert_eq!(e, Error::Signature(SignatureError::NoSigningKey));
    assert_eq!(e.code(), "invalid_key");
}

// ---------------------------------------------------------------------------
// Resume URLs: every rejection, with reason and message.

#[test]
fn resume_missing_when_required() {
    let ks = keys_a();
    for q in [
        None,
        Some(""),
        Some("a=1&b=2"),
        Some("signature=ka.x"),
        Some("SIG=x"),
    ] {
        let e = verify_query(&ks, SignaturePolicy::Required, RID, q).unwrap_err();
        assert_eq!(e, SignatureError::Missing, "{q:?}");
        assert_eq!(e.reason(), "signature_missing");
    }
    assert_eq!(
        msg(&SignatureError::Missing),
        "resume URL has no 'sig' parameter and signatures are required"
    );
}

#[test]
fn resume_duplicated() {
    let ks = keys_a();
    let good = sig_query(&ks, RID);
    for q in [
        format!("{good}&{good}"),
        format!("{good}&a=1&sig=ka.x"),
        "sig=&sig=".to_string(),
    ] {
        let e = check(&ks, &q).unwrap_err();
        assert_eq!(e, SignatureError::Duplicated, "{q}");
        assert_eq!(e.reason(), "signature_duplicated");
    }
    // Duplicates are rejected under Optional too.
    let e = verify_query(
        &ks,
        SignaturePolicy::Optional,
        RID,
        Some(&format!("{good}&{good}")),
    );
    assert_eq!(e, Err(SignatureError::Duplicated));
    assert_eq!(
        msg(&SignatureError::Duplicated),
        "resume URL has more than one 'sig' parameter"
    );
}

#[test]
fn resume_malformed() {
    use Malformation::*;
    let ks = keys_a();
    let mac = ks.sign(RID).unwrap().mac().to_string();
    let cases: Vec<(String, Malformation, &str)> = vec![
        (
            "sig=".into(),
            Empty,
            "malformed 'sig' parameter: the value is empty",
        ),
        (
            "sig".into(),
            Empty,
            "malformed 'sig' parameter: the value is empty",
        ),
        (
            format!("sig=ka{mac}"),
            NoSeparator,
            "malformed 'sig' parameter: expected {key_id}.{mac} but found no '.'",
        ),
        (
            format!("sig=.{mac}"),
            EmptyKeyId,
            "malformed 'sig' parameter: the key id before '.' is empty",
        ),
        (
            format!("sig=KA.{mac}"),
            BadKeyId,
            "malformed 'sig' parameter: the key id must be 1 to 8 characters of [a-z0-9]",
        ),
        (
            format!("sig=abcdefghi.{mac}"),
            BadKeyId,
            "malformed 'sig' parameter: the key id must be 1 to 8 characters of [a-z0-9]",
        ),
        (
            format!("sig=k_a.{mac}"),
            BadKeyId,
            "malformed 'sig' parameter: the key id must be 1 to 8 characters of [a-z0-9]",
        ),
        (
            format!("sig=ka.{}+", &mac[..21]),
            NotBase64Url,
            "malformed 'sig' parameter: the mac is not base64url without padding",
        ),
        (
            format!("sig=ka.{mac}=="),
            NotBase64Url,
            "malformed 'sig' parameter: the mac is not base64url without padding",
        ),
        (
            format!("sig=ka.{}%2B", &mac[..19]),
            NotBase64Url,
            "malformed 'sig' parameter: the mac is not base64url without padding",
        ),
        (
            format!("sig=ka.{}.x", &mac[..20]),
            NotBase64Url,
            "malformed 'sig' parameter: the mac is not base64url without padding",
        ),
    ];
    for (q, m, text) in &cases {
        let e = check(&ks, q).unwrap_err();
        assert_eq!(e, SignatureError::Malformed(*m), "{q}");
        assert_eq!(e.reason(), "signature_malformed");
        assert_eq!(msg(&e), *text);
        assert!(!msg(&e).contains(&mac[..8]), "message echoes the mac");
    }
}

#[test]
fn resume_non_canonical_last_char_is_malformed() {
    // 22 base64url characters carry 132 bits; the 4 spare bits must be zero.
    let ks = keys_a();
    let sig = ks.sign(RID).unwrap();
    let mac = sig.mac();
    let last = mac.as_bytes()[21];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.iter().position(|&c| c == last).unwrap();
    let sibling = alphabet[idx ^ 1] as char; // same top bits, a spare bit set
    let q = format!("sig=ka.{}{sibling}", &mac[..21]);
    assert_eq!(
        check(&ks, &q).unwrap_err(),
        SignatureError::Malformed(Malformation::NotBase64Url)
    );
}

#[test]
fn resume_truncated_and_wrong_length() {
    let ks = keys_a();
    let mac = ks.sign(RID).unwrap().mac().to_string();
    for n in [0, 1, 10, 21] {
        let e = check(&ks, &format!("sig=ka.{}", &mac[..n])).unwrap_err();
        assert_eq!(e, SignatureError::Truncated { len: n });
        assert_eq!(e.reason(), "signature_truncated");
    }
    assert_eq!(
        msg(&SignatureError::Truncated { len: 21 }),
        "'sig' mac is truncated: 21 characters, expected 22"
    );
    for extra in ["A", "AA", "AAAAAAAAAAAAAAAAAAAAAA"] {
        let e = check(&ks, &format!("sig=ka.{mac}{extra}")).unwrap_err();
        assert_eq!(
            e,
            SignatureError::WrongLength {
                len: 22 + extra.len()
            }
        );
        assert_eq!(e.reason(), "signature_wrong_length");
    }
    assert_eq!(
        msg(&SignatureError::WrongLength { len: 43 }),
        "'sig' mac has the wrong length: 43 characters, expected 22"
    );
}

#[test]
fn resume_unknown_key_and_mismatch() {
    let ks = keys_a();
    let mac = ks.sign(RID).unwrap().mac().to_string();
    let e = check(&ks, &format!("sig=kb.{mac}")).unwrap_err();
    assert_eq!(e.reason(), "signature_unknown_key");
    assert!(!msg(&e).contains(&mac));

    // Signed for another resume ID.
    let other = "webhook_exec-2_wait_approval_0123456789abcdefghjkmnpqrs";
    let e = check(&ks, &sig_query(&ks, other)).unwrap_err();
    assert_eq!(e, SignatureError::Mismatch);
    assert_eq!(e.reason(), "signature_mismatch");
    assert_eq!(msg(&e), "'sig' does not match the resume id");

    // Same key id, other secret.
    let mut forged: KeySet = KeySet::new();
    forged.add(ResumeKey::new("ka", SECRET_B).unwrap()).unwrap();
    assert_eq!(
        check(&ks, &sig_query(&forged, RID)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn resume_every_single_character_change_fails() {
    let ks = keys_a();
    let sig = ks.sign(RID).unwrap();
    let mac = sig.mac();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut tried = 0;
    for pos in 0..MAC_B64_LEN {
        for c in alphabet.chars() {
            if mac.as_bytes()[pos] == c as u8 {
                continue;
            }
            let mut changed = mac.to_string();
            changed.replace_range(pos..pos + 1, c.encode_utf8(&mut [0; 4]));
            let e = check(&ks, &format!("sig=ka.{changed}")).unwrap_err();
            // The last character also carries the 4 spare bits, so some
            // changes there are malformed rather than mismatched.
            assert!(
                e == SignatureError::Mismatch
                    || (pos == MAC_B64_LEN - 1
                        && e == SignatureError::Malformed(Malformation::NotBase64Url)),
                "pos {pos} char {c}: {e:?}"
            );
            tried += 1;
        }
    }
    assert_eq!(tried, MAC_B64_LEN * 63);
}

#[test]
fn resume_every_bit_flip_of_the_mac_fails() {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let ks = keys_a();
    let mac = ks.current().unwrap().mac(RID);
    for bit in 0..128 {
        let mut flipped = mac;
        flipped[bit / 8] ^= 1 << (bit % 8);
        let mut b64 = [0u8; MAC_B64_LEN];
        URL_SAFE_NO_PAD.encode_slice(flipped, &mut b64).unwrap();
        let q = format!("sig=ka.{}", std::str::from_utf8(&b64).unwrap());
        assert_eq!(check(&ks, &q), Err(SignatureError::Mismatch), "bit {bit}");
    }
}

#[test]
fn resume_policies() {
    let ks = keys_a();
    let good = sig_query(&ks, RID);
    let bad = "sig=ka.AAAAAAAAAAAAAAAAAAAAAA";
    let v = |p, q: Option<&str>| verify_query(&ks, p, RID, q);
    use SignaturePolicy::*;

    assert!(matches!(v(Required, Some(&good)), Ok(VerifiedBy::Key(_))));
    assert_eq!(v(Required, None), Err(SignatureError::Missing));
    assert_eq!(v(Required, Some(bad)), Err(SignatureError::Mismatch));

    assert!(matches!(v(Optional, Some(&good)), Ok(VerifiedBy::Key(_))));
    assert_eq!(v(Optional, None), Ok(VerifiedBy::Unsigned));
    assert_eq!(v(Optional, Some("a=1")), Ok(VerifiedBy::Unsigned));
    assert_eq!(v(Optional, Some(bad)), Err(SignatureError::Mismatch));
    assert_eq!(
        v(Optional, Some("sig=")),
        Err(SignatureError::Malformed(Malformation::Empty))
    );

    for q in [None, Some(good.as_str()), Some(bad), Some("sig=&sig=")] {
        assert_eq!(v(Off, q), Ok(VerifiedBy::NotChecked));
    }
    // An empty key set verifies nothing but signs nothing either.
    let empty: KeySet = KeySet::new();
    let e = verify_query(&empty, Required, RID, Some(&good)).unwrap_err();
    assert_eq!(e.reason(), "signature_unknown_key");
    assert_eq!(SignaturePolicy::default(), Required);
}

#[test]
fn key_configuration_errors() {
    let cases: &[(Result<ResumeKey, SignatureError>, &str, &str)] = &[
        (
            ResumeKey::new("", SECRET_A),
            "key_id_invalid",
            "key id must be 1 to 8 characters of [a-z0-9]",
        ),
        (
            ResumeKey::new("toolongid", SECRET_A),
            "key_id_invalid",
            "key id must be 1 to 8 characters of [a-z0-9]",
        ),
        (
            ResumeKey::new("Upper", SECRET_A),
            "key_id_invalid",
            "key id must be 1 to 8 characters of [a-z0-9]",
        ),
        (
            ResumeKey::new("ok", b"short"),
            "key_secret_too_short",
            "key secret is 5 bytes long; at least 16 bytes are required",
        ),
    ];
    for (r, reason, text) in cases {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.reason(), *reason);
        assert_eq!(msg(e), *text);
    }
    let mut ks: KeySet<1> = KeySet::new();
    ks.add(ResumeKey::new("a", SECRET_A).unwrap()).unwrap();
    let e = ks.add(ResumeKey::new("b", SECRET_A).unwrap()).unwrap_err();
    assert_eq!(
        msg(&e),
        "capacity exceeded: the key set holds at most 1 keys"
    );
    let mut ks: KeySet = KeySet::new();
    ks.add(ResumeKey::new("a", SECRET_A).unwrap()).unwrap();
    assert_eq!(
        ks.add(ResumeKey::new("a", SECRET_B).unwrap()),
        Err(SignatureError::DuplicateKeyId)
    );
    assert_eq!(ks.set_current("zz"), Err(SignatureError::KeyNotFound));
    // Debug never shows the secret.
    assert_eq!(
        format!("{:?}", ks.current().unwrap()),
        "ResumeKey { id: \"a\", .. }"
    );
}

#[test]
fn verification_failures_are_401_invalid_signature() {
    let all = [
        SignatureError::Missing,
        SignatureError::Duplicated,
        SignatureError::Malformed(Malformation::Empty),
        SignatureError::Truncated { len: 3 },
        SignatureError::WrongLength { len: 30 },
        SignatureError::Mismatch,
        SignatureError::TimestampTooOld {
            tolerance_secs: 300,
        },
        SignatureError::NoMatchingSignature,
    ];
    for e in all {
        assert!(!e.is_configuration());
        assert_eq!(e.http_status(), 401);
        assert_eq!(e.code(), "invalid_signature");
        let wrapped: Error = e.clone().into();
        assert_eq!(wrapped.code(), "invalid_signature");
        assert_eq!(wrapped.to_string_buf().as_str(), e.to_string());
    }
}

#[test]
fn key_setup_errors_are_the_hosts_fault() {
    let all = [
        SignatureError::KeyIdInvalid,
        SignatureError::SecretTooShort { len: 3, min: 16 },
        SignatureError::KeySetFull { limit: 8 },
        SignatureError::DuplicateKeyId,
        SignatureError::NoSigningKey,
        SignatureError::SecretPrefix,
        SignatureError::SecretEmpty,
    ];
    for e in all {
        assert!(e.is_configuration());
        assert_eq!(e.http_status(), 500);
        assert_eq!(e.code(), "invalid_key");
        let wrapped: Error = e.into();
        assert_eq!(wrapped.code(), "invalid_key");
    }
}
