//! Property tests: build → parse identity for every valid resume ID and
//! base URL.
//!
//! * Any valid execution id and node id (1–64 bytes of `[A-Za-z0-9_-]`) and
//!   any 128 bits of entropy give an ID that parses back to itself, belongs
//!   to its parts, and round-trips through a resume URL under any valid base.
//! * Any valid base (http/https in any case, DNS name, IPv4 or IPv6 host,
//!   optional port, optional path prefix, at most one trailing `/`) parses to
//!   the expected normalized text, which parses again to the same base.
//!
//! * The one-step paths (`IdGenerator::resume_url`, `write_resume_url`)
//!   give exactly the ID and URL of the two-step path (`resume_id`, then
//!   `BaseUrl::resume_url`) from an equally seeded generator, and the URL
//!   routes back to that ID.
//!
//! Cases: `PROPTEST_CASES` (default 2000 here).

use std::mem::MaybeUninit;

use prana_webhook_core::id::{IdGenerator, IdParts, ResumeId, RANDOM_LEN};
use prana_webhook_core::url::{BaseUrl, Route};
use proptest::prelude::*;

fn part() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,64}"
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?){0,3}",
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        any::<[u16; 8]>().prop_map(|w| {
            let s: Vec<String> = w.iter().map(|x| format!("{x:x}")).collect();
            format!("[{}]", s.join(":"))
        }),
        Just("[::1]".to_owned()),
    ]
}

/// (input text, expected normalized text).
fn base() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![Just("http"), Just("https"), Just("HTTPS"), Just("Http")],
        host(),
        proptest::option::of(1u16..=65535),
        proptest::collection::vec("[A-Za-z0-9._~-]{1,12}", 0..4),
        any::<bool>(),
    )
        .prop_map(|(scheme, host, port, segs, trailing)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let path: String = segs.iter().map(|s| format!("/{s}")).collect();
            let slash = if trailing { "/" } else { "" };
            let input = format!("{scheme}://{host}{port}{path}{slash}");
            let expected = format!("{}://{host}{port}{path}", scheme.to_ascii_lowercase());
            (input, expected)
        })
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn id_build_parse_identity(exec in part(), node in part(), entropy in any::<[u8; 16]>()) {
        let id = ResumeId::generate(&exec, &node, &entropy).unwrap();
        let expected_len = "webhook_".len() + exec.len() + 1 + node.len() + 1 + 26;
        prop_assert_eq!(id.as_str().len(), expected_len);
        let back = ResumeId::parse(id.as_str()).unwrap();
        prop_assert_eq!(&back, &id);
        prop_assert!(back.belongs_to(&exec, &node));
        prop_assert_eq!(id.as_str(), format!("webhook_{exec}_{node}_{}", id.random_tail()));
    }

    #[test]
    fn generator_ids_parse(seed in any::<[u8; 32]>(), exec in part(), node in part()) {
        let mut ids = IdGenerator::from_seed(seed);
        let a = ids.resume_id(&exec, &node).unwrap();
        let b = ids.resume_id(&exec, &node).unwrap();
        prop_assert_ne!(&a, &b);
        prop_assert_eq!(ResumeId::parse(a.as_str()).unwrap(), a);
    }

    #[test]
    fn base_build_parse_identity((input, expected) in base()) {
        let base = BaseUrl::parse(&input).unwrap();
        prop_assert_eq!(base.as_str(), expected.as_str());
        prop_assert_eq!(&BaseUrl::parse(base.as_str()).unwrap(), &base);
        prop_assert_eq!(base.is_https(), expected.starts_with("https"));
    }

    #[test]
    fn url_build_parse_identity(
        (input, _) in base(),
        exec in part(),
        node in part(),
        entropy in any::<[u8; 16]>(),
        workflow in part(),
        query in proptest::option::of("[A-Za-z0-9=&._~-]{0,40}"),
    ) {
        let base = BaseUrl::parse(&input).unwrap();
        let id = ResumeId::generate(&exec, &node, &entropy).unwrap();
        let mut url = base.resume_url(&id).unwrap().as_str().to_owned();
        if let Some(q) = &query {
            url.push('?');
            url.push_str(q);
        }
        let t = base.parse_target(&url).unwrap();
        prop_assert_eq!(t.route, Route::Resume { resume_id: id.as_str() });
        prop_assert_eq!(t.query, query.as_deref());
        // The request target alone (what an HTTP server sees) routes the same.
        let path_start = base.as_str().len() - base.prefix().len();
        let target = base.parse_target(&url[path_start..]).unwrap();
        prop_assert_eq!(target, t);

        let trigger = base.trigger_url(&workflow).unwrap();
        prop_assert_eq!(
            base.parse_target(&trigger).unwrap().route,
            Route::Trigger { workflow_id: workflow.as_str() }
        );
    }

    #[test]
    fn one_step_url_is_id_then_url(
        (input, _) in base(),
        seed in any::<[u8; 32]>(),
        exec in part(),
        node in part(),
    ) {
        let base = BaseUrl::parse(&input).unwrap();
        let mut two_step = IdGenerator::from_seed(seed);
        let mut one_step = IdGenerator::from_seed(seed);
        let mut bytes = IdGenerator::from_seed(seed);
        let mut pieces = IdGenerator::from_seed(seed);
        for _ in 0..3 {
            let id = two_step.resume_id(&exec, &node).unwrap();
            let url = base.resume_url(&id).unwrap();

            let fused = one_step.resume_url(&base, &exec, &node).unwrap();
            prop_assert_eq!(fused.as_str(), url.as_str());
            prop_assert_eq!(fused.resume_id(), id.as_str());
            prop_assert_eq!(&fused.to_resume_id().unwrap(), &id);

            let parts = IdParts::new(&exec, &node).unwrap();
            let mut buf = [MaybeUninit::new(0xAAu8); 600];
            let spans = bytes.write_resume_url(&base, &parts, &mut buf).unwrap();
            let written: Vec<u8> = buf[..spans.len]
                .iter()
                // SAFETY: every element was initialized (`MaybeUninit::new`) above.
                .map(|b| unsafe { b.assume_init() })
                .collect();
            prop_assert_eq!(written.as_slice(), url.as_bytes());
            prop_assert_eq!(&written[spans.id_start..], id.as_str().as_bytes());

            // The pieces a host writes itself, and the tail drawn into
            // place, make the same URL.
            let mut built: Vec<u8> = base.resume_url_head().concat();
            built.extend(parts.resume_id_head().concat());
            let mut tail = [MaybeUninit::new(0xAAu8); RANDOM_LEN];
            pieces.draw_tail_into(&mut tail);
            // SAFETY: every element was initialized (`MaybeUninit::new`) above.
            built.extend(tail.iter().map(|b| unsafe { b.assume_init() }));
            prop_assert_eq!(built.as_slice(), url.as_bytes());
            prop_assert_eq!(built.len(), base.resume_url_len(&parts));

            let target = base.parse_target(fused.as_str()).unwrap();
            prop_assert_eq!(target.route, Route::Resume { resume_id: id.as_str() });
        }
    }
}
