//! Resume IDs and resume URLs: generation, shape, parsing of base URLs and
//! request targets (against a plain reference implementation), and the
//! one-step ID + URL writer.

use prana_webhook_core::error::Part;
use prana_webhook_core::id::{self, IdGenerator, ResumeId};
use prana_webhook_core::url::{BaseUrl, ResumeUrl, Route};
use prana_webhook_core::Error;
use std::collections::HashSet;

fn os_entropy<const N: usize>() -> [u8; N] {
    // Real entropy for the uniqueness test, without pulling a rand crate
    // into the core: /dev/urandom on the test host.
    use std::io::Read;
    let mut buf = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut buf)
        .unwrap();
    buf
}

// ---------------- ids ----------------

#[test]
fn ids_are_unique_over_100k_with_real_entropy() {
    let mut seen = HashSet::with_capacity(200_000);
    // Per-ID entropy straight from the OS...
    for _ in 0..50_000 {
        let id = ResumeId::generate("exec", "wait", &os_entropy::<16>()).unwrap();
        assert!(seen.insert(id));
    }
    // ...and a seeded generator.
    let mut ids = IdGenerator::from_seed(os_entropy::<32>());
    for _ in 0..50_000 {
        assert!(seen.insert(ids.resume_id("exec", "wait").unwrap()));
    }
    assert_eq!(seen.len(), 100_000);
}

#[test]
fn generators_with_different_seeds_never_collide() {
    let mut a = IdGenerator::from_seed([1; 32]);
    let mut b = IdGenerator::from_seed([2; 32]);
    let mut seen = HashSet::new();
    for _ in 0..50_000 {
        assert!(seen.insert(a.resume_id("e", "n").unwrap()));
        assert!(seen.insert(b.resume_id("e", "n").unwrap()));
    }
    // Equal seeds repeat each other: why a forked child must reseed.
    let mut c = IdGenerator::from_seed([1; 32]);
    let mut d = IdGenerator::from_seed([1; 32]);
    assert_eq!(
        c.resume_id("e", "n").unwrap(),
        d.resume_id("e", "n").unwrap()
    );
    d.reseed([9; 32]);
    assert_ne!(
        c.resume_id("e", "n").unwrap(),
        d.resume_id("e", "n").unwrap()
    );
}

#[cfg(feature = "getrandom")]
#[test]
fn os_seeded_generators_differ_and_reseed() {
    let mut a = IdGenerator::from_os().unwrap();
    let mut b = IdGenerator::from_os().unwrap();
    let mut seen = HashSet::new();
    for _ in 0..10_000 {
        assert!(seen.insert(a.resume_id("e", "n").unwrap()));
        assert!(seen.insert(b.resume_id("e", "n").unwrap()));
    }
    // What a forked child does before making IDs.
    b.reseed_from_os().unwrap();
    assert!(seen.insert(b.resume_id("e", "n").unwrap()));
}

#[test]
fn id_shape_and_parts() {
    let id = ResumeId::generate("exec_1", "wait-node", &[0xab; 16]).unwrap();
    let s = id.as_str();
    assert!(s.starts_with("webhook_exec_1_wait-node_"));
    assert_eq!(id.random_tail().len(), 26);
    assert!(id
        .random_tail()
        .bytes()
        .all(|b| b"0123456789abcdefghjkmnpqrstvwxyz".contains(&b)));
    assert_eq!(ResumeId::parse(s).unwrap(), id);

    let long = "a".repeat(64);
    let max = ResumeId::generate(&long, &long, &[0xff; 16]).unwrap();
    assert_eq!(max.as_str().len(), id::MAX_RESUME_ID_LEN);
    assert_eq!(ResumeId::parse(max.as_str()).unwrap(), max);

    let cases: [(&str, &str, Error); 6] = [
        ("", "n", Error::EmptyPart(Part::ExecutionId)),
        ("e", "", Error::EmptyPart(Part::NodeId)),
        (
            &"x".repeat(65),
            "n",
            Error::PartTooLong {
                part: Part::ExecutionId,
                len: 65,
                max: 64,
            },
        ),
        (
            "e",
            &"y".repeat(65),
            Error::PartTooLong {
                part: Part::NodeId,
                len: 65,
                max: 64,
            },
        ),
        (
            "e x",
            "n",
            Error::BadCharacter {
                part: Part::ExecutionId,
                at: 1,
            },
        ),
        (
            "e",
            "n/1",
            Error::BadCharacter {
                part: Part::NodeId,
                at: 1,
            },
        ),
    ];
    for (e, n, want) in cases {
        assert_eq!(
            ResumeId::generate(e, n, &[0; 16]).unwrap_err(),
            want,
            "{e:?} {n:?}"
        );
    }
}

// ---------------- URLs ----------------

#[test]
fn build_parse_round_trips() {
    let mut ids = IdGenerator::from_seed([5; 32]);
    let bases = [
        ("https://gw.example.com", "https://gw.example.com", ""),
        ("https://gw.example.com/", "https://gw.example.com", ""),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080", ""),
        ("HTTP://host:9/hooks/", "http://host:9/hooks", "/hooks"),
        (
            "https://gw.example.com/a/b",
            "https://gw.example.com/a/b",
            "/a/b",
        ),
        ("http://[::1]:8443/p", "http://[::1]:8443/p", "/p"),
    ];
    for (input, normalized, prefix) in bases {
        let base = BaseUrl::parse(input).unwrap();
        assert_eq!(base.as_str(), normalized);
        assert_eq!(base.prefix(), prefix);

        let id = ids.resume_id("exec_9", "wait_approval").unwrap();
        let url = base.resume_url(&id).unwrap();
        assert_eq!(
            url.as_str(),
            format!("{normalized}/webhook/workflow/resume/{id}")
        );
        // Full URL and request target both parse back.
        let t = base.parse_target(&url).unwrap();
        assert_eq!(
            t.route,
            Route::Resume {
                resume_id: id.as_str()
            }
        );
        assert_eq!(t.query, None);
        let path = format!("{prefix}/webhook/workflow/resume/{id}?sig=k1.abc");
        let t = base.parse_target(&path).unwrap();
        assert_eq!(
            t.route,
            Route::Resume {
                resume_id: id.as_str()
            }
        );
        assert_eq!(t.query, Some("sig=k1.abc"));

        let trig = base.trigger_url("order-flow_2").unwrap();
        assert_eq!(
            trig.as_str(),
            format!("{normalized}/webhook/workflow/trigger/order-flow_2")
        );
        assert_eq!(
            base.parse_target(&trig).unwrap().route,
            Route::Trigger {
                workflow_id: "order-flow_2"
            }
        );
    }
    let base = BaseUrl::parse("https://gw.example.com:8443/hooks").unwrap();
    assert_eq!(base.port(), Some(8443));
    assert_eq!(base.authority(), "gw.example.com:8443");
    assert!(base.is_https());
    // A proxy rewrote the host: routing still works.
    let t = base
        .parse_target("http://internal:1234/hooks/webhook/workflow/trigger/w1")
        .unwrap();
    assert_eq!(t.route, Route::Trigger { workflow_id: "w1" });
}

#[test]
fn malformed_base_urls() {
    let cases = [
        ("gw.example.com", Error::BaseUrlScheme),
        ("ftp://gw.example.com", Error::BaseUrlScheme),
        ("", Error::BaseUrlScheme),
        ("https://", Error::BaseUrlHost),
        ("https:///hooks", Error::BaseUrlHost),
        ("https://gw.example.com?x=1", Error::BaseUrlQuery),
        ("https://gw.example.com/p?x", Error::BaseUrlQuery),
        ("https://gw.example.com#frag", Error::BaseUrlFragment),
        ("https://user:pw@gw.example.com", Error::BaseUrlUserInfo),
        ("https://gw.example.com:0", Error::BaseUrlPort),
        ("https://gw.example.com:65536", Error::BaseUrlPort),
        ("https://gw.example.com:", Error::BaseUrlPort),
        ("https://gw.example.com:80a", Error::BaseUrlPort),
        ("https://gw example.com", Error::BaseUrlCharacter),
        ("https://gw.example.com/pré", Error::BaseUrlCharacter),
        ("https://gw.example.com/a%20b", Error::BaseUrlCharacter),
        ("https://gw_x.example.com", Error::BaseUrlCharacter),
        // Only one trailing `/` is trimmed; any other empty segment is refused.
        ("https://gw.example.com//", Error::BaseUrlEmptySegment),
        ("https://gw.example.com//hooks", Error::BaseUrlEmptySegment),
        ("https://gw.example.com/a//b", Error::BaseUrlEmptySegment),
        ("https://gw.example.com/hooks//", Error::BaseUrlEmptySegment),
        (
            "https://gw.example.com/hooks///",
            Error::BaseUrlEmptySegment,
        ),
        ("http://h:8080///", Error::BaseUrlEmptySegment),
        // The two inputs the base_url fuzzer found (fuzz_regressions/base_url/crash-*).
        ("httP://Aw//", Error::BaseUrlEmptySegment),
        ("httP://www/wwh@wwttP:////", Error::BaseUrlEmptySegment),
        // A bad character is reported before an empty segment.
        ("https://h//a b", Error::BaseUrlCharacter),
    ];
    for (input, want) in cases {
        assert_eq!(BaseUrl::parse(input).unwrap_err(), want, "{input:?}");
    }
    assert_eq!(Error::BaseUrlEmptySegment.code(), "base_url_empty_segment");
    // One trailing `/` is still fine, and normalizing is a fixed point.
    for ok in ["https://h/", "https://h/a/", "https://h/a/b/", "https://h"] {
        let base = BaseUrl::parse(ok).unwrap();
        assert_eq!(BaseUrl::parse(base.as_str()).unwrap(), base, "{ok:?}");
        assert!(!base.as_str().ends_with('/'), "{ok:?}");
    }
    let too_long = format!("https://h/{}", "p".repeat(300));
    assert_eq!(
        BaseUrl::parse(&too_long).unwrap_err(),
        Error::Capacity {
            what: "base URL",
            limit: 256
        }
    );
}

#[test]
fn malformed_targets_each_get_their_error() {
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let good = ResumeId::generate("e1", "n1", &[7; 16]).unwrap();
    let good = good.as_str();
    let tail = &good[good.len() - 26..];
    let r = |s: &str| format!("/hooks/webhook/workflow/resume/{s}");
    let long_trigger = format!("/hooks/webhook/workflow/trigger/{}", "w".repeat(65));
    let long_resume = r(&"a".repeat(200));
    let cases: Vec<(String, Error)> = vec![
        ("".into(), Error::MalformedTarget),
        ("*".into(), Error::MalformedTarget),
        (
            "hooks/webhook/workflow/resume/x".into(),
            Error::MalformedTarget,
        ),
        (format!("{}#frag", r(good)), Error::MalformedTarget),
        ("/".into(), Error::NotWebhookPath),
        ("/webhook/workflow/resume/x".into(), Error::NotWebhookPath),
        ("/hooks/webhook/workflow".into(), Error::NotWebhookPath),
        (
            "/hooks/webhooks/workflow/resume/x".into(),
            Error::NotWebhookPath,
        ),
        (
            "/hooksx/webhook/workflow/resume/x".into(),
            Error::NotWebhookPath,
        ),
        ("https://gw.example.com".into(), Error::NotWebhookPath),
        ("/hooks/webhook/workflow/pause/x".into(), Error::UnknownKind),
        ("/hooks/webhook/workflow/".into(), Error::UnknownKind),
        (
            "/hooks/webhook/workflow/Resume/x".into(),
            Error::UnknownKind,
        ),
        ("/hooks/webhook/workflow/resume".into(), Error::EmptyId),
        ("/hooks/webhook/workflow/resume/".into(), Error::EmptyId),
        (
            "/hooks/webhook/workflow/trigger/?a=1".into(),
            Error::EmptyId,
        ),
        (format!("{}/extra", r(good)), Error::ExtraSegments),
        (format!("{}/", r(good)), Error::ExtraSegments),
        (r("webhook%5Fe1"), Error::PercentEncoded),
        (
            "/hooks/webhook/workflow/trigger/a%2Fb".into(),
            Error::PercentEncoded,
        ),
        (long_trigger, Error::IdTooLong { len: 65, max: 64 }),
        (long_resume, Error::IdTooLong { len: 200, max: 164 }),
        (
            "/hooks/webhook/workflow/trigger/a.b".into(),
            Error::IdBadCharacter { at: 1 },
        ),
        (r("webhook_e1_n1_ab+cd"), Error::IdBadCharacter { at: 16 }),
        (r(&format!("hook_e1_n1_{tail}")), Error::MissingPrefix),
        (r("webhook_e1_n1_short"), Error::BadRandomTail),
        (
            r(&format!("webhook_e1_n1_{}", tail.to_uppercase())),
            Error::BadRandomTail,
        ),
        (
            r(&format!("webhook_e1_n1_8{}", &tail[1..])),
            Error::BadRandomTail,
        ),
        (
            r(&format!("webhook_e1_n1_{}i", &tail[..25])),
            Error::BadRandomTail,
        ),
        (r(&format!("webhook_e1n1_{tail}")), Error::MalformedResumeId),
        (r(&format!("webhook__{tail}")), Error::MalformedResumeId),
        (
            r(&format!("webhook_{}_{}_{tail}", "a".repeat(65), "b")),
            Error::MalformedResumeId,
        ),
    ];
    assert!(cases.len() >= 25);
    for (input, want) in &cases {
        assert_eq!(&base.parse_target(input).unwrap_err(), want, "{input:?}");
        // Every error has a stable code and a readable message.
        assert!(!want.code().is_empty());
        assert!(!want.to_string().is_empty());
    }
    // The good one parses.
    assert!(base.parse_target(&r(good)).is_ok());
}

/// The parsing rules as first written (before the single-pass, table-driven
/// versions): the differential tests below hold the library to exactly the
/// same results and errors, error precedence included.
mod reference {
    use prana_webhook_core::id::{is_id_byte, MAX_PART_LEN, MAX_RESUME_ID_LEN, PREFIX, RANDOM_LEN};
    use prana_webhook_core::url::{Route, Target};
    use prana_webhook_core::Error;

    const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

    pub fn validate_resume_id(s: &str) -> Result<(), Error> {
        if s.is_empty() {
            return Err(Error::EmptyId);
        }
        if s.len() > MAX_RESUME_ID_LEN {
            return Err(Error::IdTooLong {
                len: s.len(),
                max: MAX_RESUME_ID_LEN,
            });
        }
        if let Some(at) = s.bytes().position(|b| !is_id_byte(b)) {
            return Err(Error::IdBadCharacter { at });
        }
        let Some(rest) = s.strip_prefix(PREFIX) else {
            return Err(Error::MissingPrefix);
        };
        if rest.len() < RANDOM_LEN + 1 || rest.as_bytes()[rest.len() - RANDOM_LEN - 1] != b'_' {
            return Err(Error::BadRandomTail);
        }
        let (middle, tail) = rest.split_at(rest.len() - RANDOM_LEN - 1);
        let tail = &tail.as_bytes()[1..];
        if !(tail.len() == RANDOM_LEN
            && matches!(tail[0], b'0'..=b'7')
            && tail.iter().all(|b| CROCKFORD.contains(b)))
        {
            return Err(Error::BadRandomTail);
        }
        let splits = middle.bytes().enumerate().any(|(i, b)| {
            b == b'_'
                && (1..=MAX_PART_LEN).contains(&i)
                && (1..=MAX_PART_LEN).contains(&(middle.len() - i - 1))
        });
        if splits {
            Ok(())
        } else {
            Err(Error::MalformedResumeId)
        }
    }

    fn split_scheme(s: &str) -> Option<&str> {
        ["https://", "http://"].into_iter().find_map(|p| {
            let head = s.get(..p.len())?;
            head.eq_ignore_ascii_case(p).then(|| &s[p.len()..])
        })
    }

    pub fn parse_target_under<'a>(prefix: &str, target: &'a str) -> Result<Target<'a>, Error> {
        let path_and_query = if target.starts_with('/') {
            target
        } else if let Some(rest) = split_scheme(target) {
            match rest.find(['/', '?', '#']) {
                Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
                _ => return Err(Error::NotWebhookPath),
            }
        } else {
            return Err(Error::MalformedTarget);
        };
        if path_and_query.contains('#') {
            return Err(Error::MalformedTarget);
        }
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        if path.contains('%') {
            return Err(Error::PercentEncoded);
        }
        let rest = path
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix("/webhook/workflow/"))
            .ok_or(Error::NotWebhookPath)?;
        let (kind, after_kind) = match rest.split_once('/') {
            Some((k, a)) => (k, Some(a)),
            None => (rest, None),
        };
        if !["trigger", "resume", "cancel", "extend"].contains(&kind) {
            return Err(Error::UnknownKind);
        }
        let after_kind = after_kind.unwrap_or("");
        let (id, extra) = match after_kind.split_once('/') {
            Some((i, e)) => (i, Some(e)),
            None => (after_kind, None),
        };
        if id.is_empty() {
            return Err(Error::EmptyId);
        }
        if extra.is_some() {
            return Err(Error::ExtraSegments);
        }
        let route = if kind == "trigger" {
            if id.len() > MAX_PART_LEN {
                return Err(Error::IdTooLong {
                    len: id.len(),
                    max: MAX_PART_LEN,
                });
            }
            if let Some(at) = id.bytes().position(|b| !is_id_byte(b)) {
                return Err(Error::IdBadCharacter { at });
            }
            Route::Trigger { workflow_id: id }
        } else {
            validate_resume_id(id)?;
            match kind {
                "resume" => Route::Resume { resume_id: id },
                "cancel" => Route::Cancel { resume_id: id },
                _ => Route::Extend { resume_id: id },
            }
        };
        Ok(Target { route, query })
    }
}

/// Every single-character edit (replace, insert, delete) of `s` with
/// characters that matter to the parsers.
fn edits(s: &str) -> Vec<String> {
    const CHARS: [char; 16] = [
        '/', '?', '#', '%', '_', '-', 'a', 'A', '7', '8', 'i', 'u', '.', ' ', '&', 'é',
    ];
    let at: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    let mut out = vec![s.to_owned()];
    for (n, &i) in at.iter().enumerate() {
        let next = at.get(n + 1).copied();
        if let Some(j) = next {
            out.push(format!("{}{}", &s[..i], &s[j..]));
        }
        for c in CHARS {
            out.push(format!("{}{c}{}", &s[..i], &s[i..]));
            if let Some(j) = next {
                out.push(format!("{}{c}{}", &s[..i], &s[j..]));
            }
        }
    }
    out
}

#[test]
fn resume_id_validation_matches_the_reference() {
    let tail = "0123456789abcdefghjkmnpqrs";
    let mut ids = vec![
        String::new(),
        format!("webhook_e_n_{tail}"),
        format!("webhook_exec_7f3a9c_wait_approval_{tail}"),
        format!("webhook_{}_{}_{tail}", "e".repeat(64), "n".repeat(64)),
        format!("webhook_{}_{}_{tail}", "e".repeat(65), "n".repeat(63)),
        format!("webhook_{}_{}_{tail}", "e".repeat(63), "n".repeat(65)),
        format!("webhook_a_b_c_{tail}"),
        format!("webhook___{tail}"),
        format!("webhook_{tail}"),
        "webhook_".into(),
        tail.into(),
    ];
    ids.push("x".repeat(165));
    let mut checked = 0;
    for id in &ids {
        let variants = if cfg!(miri) {
            vec![id.clone()]
        } else {
            edits(id)
        };
        for v in variants {
            assert_eq!(
                id::validate_resume_id(&v),
                reference::validate_resume_id(&v),
                "{v:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= ids.len());
}

#[test]
fn target_parsing_matches_the_reference() {
    let good = "webhook_exec_7f3a9c_wait_approval_0123456789abcdefghjkmnpqrs";
    let prefixes = ["", "/hooks", "/a/b", "/h?x", "/h#x", "/h%x", "hooks"];
    let mut targets = Vec::new();
    for p in prefixes {
        for tail in [
            format!("resume/{good}"),
            format!("resume/{good}?sig=k1.abc&x=1"),
            format!("cancel/{good}?sig=k1.abc"),
            format!("extend/{good}"),
            "trigger/wf-1".to_owned(),
            "trigger/wf-1?a=b#c".to_owned(),
        ] {
            targets.push(format!("{p}/webhook/workflow/{tail}"));
            targets.push(format!("hTTps://gw.example.com{p}/webhook/workflow/{tail}"));
        }
    }
    let mut checked = 0;
    for t in &targets {
        let variants = if cfg!(miri) {
            vec![t.clone()]
        } else {
            edits(t)
        };
        for v in variants {
            for p in prefixes {
                assert_eq!(
                    prana_webhook_core::url::parse_target_under(p, &v),
                    reference::parse_target_under(p, &v),
                    "prefix {p:?}, target {v:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= targets.len() * prefixes.len());
}

#[test]
fn resume_url_in_one_step_is_id_then_url() {
    for text in [
        "https://gw.example.com/hooks",
        "http://127.0.0.1:8080",
        "HTTP://h/",
    ] {
        let base = BaseUrl::parse(text).unwrap();
        let (mut a, mut b) = (
            IdGenerator::from_seed([5; 32]),
            IdGenerator::from_seed([5; 32]),
        );
        for (e, n) in [
            ("exec_1", "wait"),
            ("e", "n"),
            (&*"x".repeat(64), &*"y_".repeat(32)),
        ] {
            let url = a.resume_url(&base, e, n).unwrap();
            let rid = b.resume_id(e, n).unwrap();
            assert_eq!(url.resume_id(), rid.as_str());
            assert_eq!(url.as_str(), base.resume_url(&rid).unwrap().as_str());
            assert_eq!(url.to_resume_id().unwrap(), rid);
            assert_eq!(url.to_string(), url.as_str());
            let parsed = base.parse_target(url.as_str()).unwrap();
            assert_eq!(
                parsed.route,
                Route::Resume {
                    resume_id: rid.as_str()
                }
            );
            let parts = id::IdParts::new(e, n).unwrap();
            assert_eq!(parts.resume_id_len(), rid.as_str().len());
            assert_eq!((parts.execution_id(), parts.node_id()), (e, n));
        }
        for entropy in [[0u8; 16], [0xff; 16], [0x3c; 16]] {
            let url = ResumeUrl::generate(&base, "exec_1", "wait", &entropy).unwrap();
            let rid = ResumeId::generate("exec_1", "wait", &entropy).unwrap();
            assert_eq!(url.as_str(), base.resume_url(&rid).unwrap().as_str());
        }
        // As bytes, into a buffer the caller owns.
        let (mut g1, mut g2) = (
            IdGenerator::from_seed([6; 32]),
            IdGenerator::from_seed([6; 32]),
        );
        let parts = id::IdParts::new("exec_1", "wait_approval").unwrap();
        let want = g1.resume_url_for(&base, &parts).unwrap();
        let mut buf = [std::mem::MaybeUninit::new(0xAAu8); 600];
        let need = base.resume_url_len(&parts);
        assert_eq!(need, want.as_str().len());
        assert_eq!(
            g2.write_resume_url(&base, &parts, &mut buf[..need - 1])
                .unwrap_err(),
            Error::Capacity {
                what: "URL buffer",
                limit: need - 1
            }
        );
        let spans = g2.write_resume_url(&base, &parts, &mut buf).unwrap();
        let bytes: Vec<u8> = buf[..spans.len]
            .iter()
            // SAFETY: every element was initialized (`MaybeUninit::new`) above.
            .map(|b| unsafe { b.assume_init() })
            .collect();
        assert_eq!(bytes, want.as_str().as_bytes());
        assert_eq!(&bytes[spans.id_start..], want.resume_id().as_bytes());
        // Into a buffer sized by the caller: the URL fills it, the ID ends
        // it, and it is the URL the same generator state gives.
        let want = g1.resume_url_for(&base, &parts).unwrap();
        let mut exact = vec![std::mem::MaybeUninit::new(0xAAu8); need];
        let id_start = g2.write_resume_url_sized(&base, &parts, &mut exact);
        // SAFETY: every element was initialized (`MaybeUninit::new`) above.
        let bytes: Vec<u8> = exact.iter().map(|b| unsafe { b.assume_init() }).collect();
        assert_eq!(bytes, want.as_str().as_bytes());
        assert_eq!(&bytes[id_start..], want.resume_id().as_bytes());
        // The pieces a host writes with its own copies, then the tail drawn
        // into place: the same URL, the ID after the URL's head.
        let want = g1.resume_url_for(&base, &parts).unwrap();
        let [b, path] = base.resume_url_head();
        let mut built = [b, path].concat();
        assert_eq!(built.len(), want.as_str().len() - want.resume_id().len());
        built.extend(parts.resume_id_head().concat());
        let mut tail = [std::mem::MaybeUninit::new(0xAAu8); id::RANDOM_LEN];
        g2.draw_tail_into(&mut tail);
        // SAFETY: every element was initialized (`MaybeUninit::new`) above.
        built.extend(tail.iter().map(|b| unsafe { b.assume_init() }));
        assert_eq!(built, want.as_str().as_bytes());
        // The ID alone as bytes: the ID `resume_id_for` draws; a short
        // buffer draws nothing.
        let (mut g3, mut g4) = (
            IdGenerator::from_seed([7; 32]),
            IdGenerator::from_seed([7; 32]),
        );
        let need = parts.resume_id_len();
        assert_eq!(
            g4.write_resume_id(&parts, &mut buf[..need - 1])
                .unwrap_err(),
            Error::Capacity {
                what: "resume ID buffer",
                limit: need - 1
            }
        );
        for _ in 0..3 {
            let want = g3.resume_id_for(&parts).unwrap();
            let n = g4.write_resume_id(&parts, &mut buf).unwrap();
            assert_eq!(n, need);
            let bytes: Vec<u8> = buf[..n]
                .iter()
                // SAFETY: every element was initialized (`MaybeUninit::new`) above.
                .map(|b| unsafe { b.assume_init() })
                .collect();
            assert_eq!(bytes, want.as_str().as_bytes());
        }
        // A bad part fails before anything is drawn.
        let mut c = IdGenerator::from_seed([5; 32]);
        assert_eq!(
            c.resume_url(&base, "exe.c", "wait").unwrap_err(),
            Error::BadCharacter {
                part: Part::ExecutionId,
                at: 3
            }
        );
        assert_eq!(
            c.resume_url(&base, "exec", "").unwrap_err(),
            Error::EmptyPart(Part::NodeId)
        );
        let mut d = IdGenerator::from_seed([5; 32]);
        assert_eq!(c.next_entropy(), d.next_entropy());
    }
}

#[test]
#[should_panic]
fn a_sized_url_buffer_shorter_than_the_url_panics() {
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let parts = id::IdParts::new("exec_1", "wait").unwrap();
    let mut short = vec![std::mem::MaybeUninit::new(0u8); base.resume_url_len(&parts) - 1];
    IdGenerator::from_seed([1; 32]).write_resume_url_sized(&base, &parts, &mut short);
}

#[test]
fn id_parts_from_bytes_check_as_text_does() {
    let long = "x".repeat(65);
    let cases = [
        ("exec_1", "wait"),
        ("", "wait"),
        ("exec_1", ""),
        ("exec 1", "wait"),
        ("exec_1", "wait!"),
        ("exec_é", "wait"),
        (long.as_str(), "wait"),
        ("exec_1", long.as_str()),
    ];
    for (e, n) in cases {
        let text = id::IdParts::new(e, n);
        let bytes = id::IdPartBytes::new(e.as_bytes(), n.as_bytes());
        assert_eq!(text.as_ref().err(), bytes.as_ref().err(), "{e} {n}");
        let accepted = id::IdPartBytes::accept(e.as_bytes(), n.as_bytes());
        assert_eq!(accepted, bytes.clone().ok(), "{e} {n}");
        if let Ok(b) = bytes {
            assert_eq!(
                (b.execution_id(), b.node_id()),
                (e.as_bytes(), n.as_bytes())
            );
            assert_eq!(b.with_text(e, n), Some(text.unwrap()));
            // Equal text elsewhere in memory is not these bytes.
            let copy = e.to_owned();
            assert_eq!(b.with_text(&copy, n), None);
            assert_eq!(b.with_text(e, &n[..n.len() - 1]), None);
        }
    }
    // `accept` refuses what `new` refuses at every length and offset.
    for len in 1..=65 {
        let good = "a".repeat(len);
        for (e, n) in [(good.as_str(), "n"), ("e", good.as_str())] {
            let new = id::IdPartBytes::new(e.as_bytes(), n.as_bytes()).ok();
            assert_eq!(id::IdPartBytes::accept(e.as_bytes(), n.as_bytes()), new);
            assert_eq!(new.is_some(), len <= 64);
        }
        for at in 0..len {
            let mut bad = good.clone().into_bytes();
            bad[at] = b'.';
            assert_eq!(id::IdPartBytes::accept(&bad, b"n"), None, "{len} {at}");
            assert_eq!(id::IdPartBytes::accept(b"e", &bad), None, "{len} {at}");
        }
    }
}
