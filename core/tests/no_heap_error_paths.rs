//! Zero heap on the error paths and the rest of the API: every public
//! operation that `no_heap.rs` (the main paths) and `signatures.rs`
//! (sign/verify) do not already count, every failure and its message. Same method: a counting global
//! allocator and one test function; only allocations made on the test's own
//! thread are counted, so the harness's threads cannot make it flaky.

use std::fmt::Write as _;

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::error::Part;
use prana_webhook_core::executor::{
    self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome,
};
use prana_webhook_core::id::{self, IdGenerator, ResumeId};
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::{check_transition, Status, Transition};
use prana_webhook_core::registration::{ConfigJson, WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{
    self, check_method, decide_resume, lost_race, reject_target_error, Decision, RequestLimits,
};
use prana_webhook_core::time;
use prana_webhook_core::token::resume::{
    verify_query, KeyId, KeySet, ResumeKey, SignaturePolicy, VerifiedBy,
};
use prana_webhook_core::token::standard_webhooks::{self as sw, StandardWebhookSecret};
use prana_webhook_core::token::SignatureError;
use prana_webhook_core::url::{self, BaseUrl, ResumeUrl, Route};
use prana_webhook_core::wait;
use prana_webhook_core::workflow::{self, Workflow};
use prana_webhook_core::Error;

mod common;
use common::counting_alloc::{assert_no_alloc, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count<T>(what: &str, f: impl FnOnce() -> T) -> T {
    assert_no_alloc(what, f)
}

/// Render a value's `Display` into a stack buffer (no heap).
fn render(v: &dyn std::fmt::Display) -> heapless::String<256> {
    let mut s = heapless::String::new();
    let _ = write!(s, "{v}");
    s
}

const ID: &str = "webhook_exec_1_wait_0123456789abcdefghjkmnpqrs";

/// A timer wait, a failing node and a webhook wait.
const TIMERS: &str = r#"{"id": "timers", "nodes": [
  {"key": "t", "type": "trigger"},
  {"key": "msg", "type": "log", "params": {"m": "{{ $execution.hook.resume_url }} {{$execution.workflow_id}}"}},
  {"key": "pause", "type": "wait", "params": {"mode": "interval", "duration": 2, "unit": "seconds"}},
  {"key": "when", "type": "wait", "params": {"mode": "schedule", "schedule_at": "2099-01-01T00:00:00+02:00"}},
  {"key": "hook", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1}},
  {"key": "boom", "type": "fail"}],
 "connections": [{"from": "t", "to": "msg"}, {"from": "msg", "to": "pause"},
   {"from": "pause", "port": "main", "to": "when"}, {"from": "when", "port": "main", "to": "hook"},
   {"from": "hook", "port": "main", "to": "boom"}]}"#;

// NodeError is 240 bytes inline on purpose (no heap to box it).
#[allow(clippy::result_large_err)]
fn handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    if call.node_type == "fail" {
        return Err(NodeError::new("boom", "the node failed on purpose"));
    }
    out[..2].copy_from_slice(b"{}");
    Ok(NodeOutput::main(2))
}

#[test]
fn remaining_operations_never_allocate() {
    // --- id ---------------------------------------------------------------
    count("id part check", || {
        assert!(id::validate_part(Part::NodeId, "ok-1_x").is_ok())
    });
    count("id part errors", || {
        for bad in ["", "a b"] {
            let e = id::validate_part(Part::ExecutionId, bad).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
    });
    count("id part too long", || {
        let long = [b'a'; 65];
        let e = id::validate_part(Part::WorkflowId, std::str::from_utf8(&long).unwrap());
        let _ = e.unwrap_err().to_string_buf();
    });
    count("part string", || {
        let p = id::part_string(Part::NodeId, "wait").unwrap();
        assert_eq!(p.as_str(), "wait");
    });
    count("resume id syntax errors", || {
        for bad in [
            "",
            "webhook_",
            "hook_a_b_0123456789abcdefghjkmnpqrs",
            "webhook_a_b_8123456789abcdefghjkmnpqrs",
            "webhook_ab_0123456789abcdefghjkmnpqrs",
            "webhook_a_b_0123456789abcdefghjkmnpqrS",
            "webhook_a.b_c_0123456789abcdefghjkmnpqrs",
        ] {
            let e = id::validate_resume_id(bad).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
            assert!(ResumeId::parse(bad).is_err());
        }
    });
    let mut ids = IdGenerator::from_seed([8; 32]);
    let rid = count("id accessors, Display, Debug, reseed", || {
        let id = ResumeId::parse(ID).unwrap();
        assert_eq!(id.random_tail().len(), 26);
        assert!(id.belongs_to("exec_1", "wait"));
        assert!(!id.belongs_to("exec_1", "wai"));
        let _ = render(&id);
        let mut dbg: heapless::String<256> = heapless::String::new();
        let _ = write!(dbg, "{id:?} {ids:?}");
        let _: &str = id.as_ref();
        ids.reseed([9; 32]);
        let _ = ids.next_entropy();
        id
    });
    count("resume URL in one step", || {
        let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
        let url = ids.resume_url(&base, "exec_1", "wait").unwrap();
        let url2 = ResumeUrl::generate(&base, "exec_1", "wait", &[1; 16]).unwrap();
        let parts = id::IdParts::new("e", "n").unwrap();
        let mut url3 = ids.resume_url_for(&base, &parts).unwrap();
        ids.resume_url_into(&base, &parts, &mut url3).unwrap();
        url3.fill(&base, &parts, &[2; 16]).unwrap();
        let mut bytes = [core::mem::MaybeUninit::<u8>::uninit(); url::MAX_URL_LEN];
        let spans = ids.write_resume_url(&base, &parts, &mut bytes).unwrap();
        assert_eq!(spans.len, base.resume_url_len(&parts));
        let mut dbg: heapless::String<600> = heapless::String::new();
        let _ = write!(dbg, "{url:?} {url2} {parts:?}");
        (url.to_resume_id().unwrap(), url3.as_str().len())
    });
    #[cfg(feature = "getrandom")]
    count("getrandom seeding", || {
        let mut g = IdGenerator::from_os().unwrap();
        g.reseed_from_os().unwrap();
        g.resume_id("e", "n").unwrap()
    });

    // --- url --------------------------------------------------------------
    count("base URL errors", || {
        for bad in [
            "gw.example.com",
            "ftp://h",
            "https://",
            "https://h:0",
            "https://h:99999",
            "https://h?q",
            "https://h#f",
            "https://u@h",
            "https://h/a b",
            "https://h/%41",
            "https://[::1",
        ] {
            let e = BaseUrl::parse(bad).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
    });
    let base = count("base URL accessors", || {
        let b = BaseUrl::parse("HTTP://[::1]:8080/p/q/").unwrap();
        assert!(!b.is_https());
        assert_eq!(b.authority(), "[::1]:8080");
        assert_eq!(b.port(), Some(8080));
        assert_eq!(b.prefix(), "/p/q");
        let _ = render(&b);
        let mut dbg: heapless::String<300> = heapless::String::new();
        let _ = write!(dbg, "{b:?}");
        b
    });
    count("URL writers into caller buffers", || {
        let mut small: heapless::String<16> = heapless::String::new();
        let e = base.write_resume_url(&rid, &mut small).unwrap_err();
        let _ = e.to_string_buf();
        let mut buf: heapless::String<256> = heapless::String::new();
        base.write_trigger_url("flow-1", &mut buf).unwrap();
        buf.clear();
        base.write_resume_url(&rid, &mut buf).unwrap();
        assert!(base.trigger_url("bad id").is_err());
    });
    count("target parse: every error and full URLs", || {
        for bad in [
            "relative",
            "/p/q/webhook/workflow/resume/a#f",
            "/p/q/webhook/workflow/resume/%41",
            "/p/q/other",
            "/p/q/webhook/workflow/pause/x",
            "/p/q/webhook/workflow/resume/",
            "/p/q/webhook/workflow/trigger/a/b",
            "/p/q/webhook/workflow/trigger/a.b",
            "https://h",
        ] {
            let e = base.parse_target(bad).unwrap_err();
            let r = reject_target_error(e);
            let _ = render(&r);
        }
        let t =
            url::parse_target_under("", "https://any.host/webhook/workflow/trigger/wf?x").unwrap();
        assert_eq!(t.route, Route::Trigger { workflow_id: "wf" });
    });

    // --- lifecycle --------------------------------------------------------
    count("status names and transitions", || {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()).unwrap(), s);
            let _ = render(&s);
            for t in Status::ALL {
                if let Err(e) = check_transition(s, t) {
                    let _ = e.to_string_buf();
                }
            }
        }
        assert!(Status::parse("done").is_err());
    });
    count("transition JSON", || {
        let t = Transition {
            resume_id: rid.clone(),
            from: Status::Active,
            to: Status::Consumed,
        };
        let mut buf = [0u8; 256];
        let n = serde_json_core::to_slice(&t, &mut buf).unwrap();
        let (back, _): (Transition, usize) = serde_json_core::from_slice(&buf[..n]).unwrap();
        assert_eq!(back, t);
    });

    // --- registration -----------------------------------------------------
    let mut reg = count("registration from parts, mismatch", || {
        assert!(WebhookRegistration::new(rid.clone(), "exec_1", "other", 0).is_err());
        WebhookRegistration::new(rid.clone(), "exec_1", "wait", 0).unwrap()
    });
    count("registration states, time expiry, errors", || {
        assert_eq!(reg.status_at(5), Status::Pending);
        let e = reg.consume(1).unwrap_err();
        let _ = e.to_string_buf();
        assert!(reg.activate(1, 10, "[1]").is_err());
        assert!(reg.activate(1, 10, "{").is_err());
        reg.activate(1, 10, "{}").unwrap();
        reg.activate(2, 99, "ignored").unwrap();
        assert_eq!(reg.status_at(11), Status::Expired);
        let e = reg.consume(11).unwrap_err();
        let _ = e.to_string_buf();
        let mut other = reg.clone();
        other.expire().unwrap();
        other.expire().unwrap();
        assert!(other.activate(20, 1, "{}").is_err());
    });
    count("registration JSON: sizes and errors", || {
        let mut tiny = [0u8; 8];
        let e = reg.to_json(&mut tiny).unwrap_err();
        let _ = e.to_string_buf();
        let mut buf = [0u8; MAX_JSON_LEN];
        let n = reg.to_json(&mut buf).unwrap();
        assert_eq!(n, reg.json_len());
        for bad in [
            &b"\xff"[..],
            b"[]",
            b"{}",
            b"{\"resume_id\":1}",
            &buf[..n - 1],
        ] {
            let e = WebhookRegistration::from_json(bad).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
        let c = ConfigJson::parse(" {\"a\":1} ").unwrap();
        assert_eq!(c.as_str(), "{\"a\":1}");
        assert_eq!(ConfigJson::default(), ConfigJson::empty());
    });

    // --- json scanner -----------------------------------------------------
    count("json scanner", || {
        let obj = r#"{"a":[1,2.5e-3,true,null],"b":{"c":"\u00e9\n"},"d":"plain"}"#;
        assert_eq!(json::validate(obj).unwrap(), obj);
        assert!(json::validate_object("[1]", "x").is_err());
        let mut n = 0;
        for m in json::members(obj).unwrap() {
            m.unwrap();
            n += 1;
        }
        assert_eq!(n, 3);
        let d = json::find_member(obj, "d").unwrap().unwrap();
        assert_eq!(json::plain_str(d), Some("plain"));
        assert_eq!(json::find_member(obj, "zz").unwrap(), None);
        for bad in ["", "{", "[1,]", "01", "\"\\x\"", "{\"a\":1}x"] {
            let _ = json::validate(bad).unwrap_err().to_string_buf();
        }
        let deep = [b'['; 40];
        assert!(json::validate(std::str::from_utf8(&deep).unwrap()).is_err());
    });

    // --- route --------------------------------------------------------------
    count("route: every decision and rejection", || {
        let limits = RequestLimits::default();
        let r = route::precheck(
            &base,
            "DELETE",
            "/p/q/webhook/workflow/trigger/w",
            0,
            &limits,
        )
        .unwrap_err();
        let _ = render(&r);
        let r = route::precheck(
            &base,
            "POST",
            "/p/q/webhook/workflow/trigger/w",
            1 << 20,
            &limits,
        )
        .unwrap_err();
        let _ = render(&r);
        assert!(check_method(&Route::Resume { resume_id: ID }, "GET").is_ok());
        assert!(check_method(&Route::Trigger { workflow_id: "w" }, "GET").is_err());
        let _ = render(&lost_race());
        for (status, now) in [
            (Status::Pending, 0),
            (Status::Active, 50),
            (Status::Consumed, 0),
        ] {
            let mut r = reg.clone();
            r.status = status;
            r.expires_at = Some(100);
            let _ = decide_resume(ID, Some(&r), now);
        }
        let d = decide_resume(ID, Some(&reg), 1_000);
        let Decision::Reject(r) = d else { panic!() };
        assert_eq!(r.status, 410);
        let _ = render(&r);
        assert!(matches!(decide_resume(ID, None, 0), Decision::Reject(_)));
    });

    // --- errors -------------------------------------------------------------
    count("every error message", || {
        let all = [
            Error::EmptyPart(Part::ResumeId),
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
            Error::NotWebhookPath,
            Error::UnknownKind,
            Error::EmptyId,
            Error::ExtraSegments,
            Error::PercentEncoded,
            Error::MalformedTarget,
            Error::RegistrationExpired,
            Error::UnknownStatus,
            Error::AlreadyConsumed,
            Error::ResumeIdMismatch,
            Error::JsonTooLarge,
            Error::Json("x"),
            Error::NotAnObject("x"),
            Error::BufferTooSmall { needed: 3 },
            Error::Capacity {
                what: "x",
                limit: 1,
            },
        ];
        for e in all {
            let _ = (e.code(), e.to_string_buf(), render(&e));
        }
    });

    // --- token: what signatures.rs does not count ----------------------------
    count("key set management and verify errors", || {
        let mut ks: KeySet<2> = KeySet::new();
        assert!(ks.is_empty());
        assert!(ks.sign(ID).is_err());
        ks.add(ResumeKey::new("a", b"0123456789abcdef").unwrap())
            .unwrap();
        ks.add(ResumeKey::new("b", b"fedcba9876543210").unwrap())
            .unwrap();
        assert!(ks
            .add(ResumeKey::new("c", b"0123456789abcdef").unwrap())
            .is_err());
        ks.set_current("b").unwrap();
        assert_eq!(ks.len(), 2);
        assert_eq!(ks.iter().count(), 2);
        let sig = ks.sign(ID).unwrap();
        let _ = (sig.key_id(), sig.mac(), render(&sig));
        let mut param: heapless::String<64> = heapless::String::new();
        sig.write_param(&mut param).unwrap();
        assert!(ks
            .get("a")
            .unwrap()
            .verify_mac(ID, &ks.get("a").unwrap().mac(ID)));
        let _ = KeyId::parse("k9").unwrap();
        assert!(KeyId::parse("K").is_err());
        for q in [
            None,
            Some("sig="),
            Some("sig=nodot"),
            Some("sig=.x"),
            Some("sig=B.AAAAAAAAAAAAAAAAAAAAAA"),
            Some("sig=zz.AAAAAAAAAAAAAAAAAAAAAA"),
            Some("sig=a.AAAA"),
            Some("sig=a.AAAAAAAAAAAAAAAAAAAAAAAA"),
            Some("sig=a.AAAAAAAAAAAAAAAAAAAA=="),
            Some("sig=a.AAAAAAAAAAAAAAAAAAAAAB"),
            Some("sig=1&sig=2"),
        ] {
            let e = verify_query(&ks, SignaturePolicy::Required, ID, q).unwrap_err();
            let _ = (e.reason(), e.code(), e.http_status(), render(&e));
            let wrapped: Error = e.into();
            let _ = wrapped.to_string_buf();
        }
        assert_eq!(
            verify_query(&ks, SignaturePolicy::Optional, ID, None),
            Ok(VerifiedBy::Unsigned)
        );
        assert_eq!(
            verify_query(&ks, SignaturePolicy::Off, ID, Some("sig=x")),
            Ok(VerifiedBy::NotChecked)
        );
        assert!(ks.remove("b").is_some());
        let mut dbg: heapless::String<256> = heapless::String::new();
        let _ = write!(dbg, "{ks:?}");
    });
    count("standard webhooks errors", || {
        for bad in ["", "whsec_", "whsec_!!!!", "nope", "whsec_QUFB"] {
            if let Err(e) = StandardWebhookSecret::from_whsec(bad) {
                let _ = render(&e);
            }
        }
        assert!(StandardWebhookSecret::from_bytes(&[]).is_err());
        assert!(StandardWebhookSecret::from_bytes(&[1; 65]).is_err());
        let s = StandardWebhookSecret::from_bytes(&[7; 32]).unwrap();
        let good = sw::sign(&s, "m", 1000, b"{}");
        for (ts, header, now) in [
            ("x", good.as_str(), 1000),
            ("1000", good.as_str(), 5000),
            ("1000", good.as_str(), -5000),
            ("1000", "v2,abc", 1000),
            ("1000", "v1,!!!", 1000),
            ("1000", "v1,AAAA", 1000),
            ("99999999999999999999", good.as_str(), 1000),
        ] {
            let e = sw::verify(&s, "m", ts, b"{}", header, now, 300).unwrap_err();
            let _ = (e.reason(), render(&e));
        }
        let mut dbg: heapless::String<64> = heapless::String::new();
        let _ = write!(dbg, "{s:?}");
        let e: SignatureError = SignatureError::Missing;
        let _ = e.reason();
    });

    // --- executions: what no_heap_executor.rs does not count -------------------
    let mut state_buf = [0u8; executor::MAX_STATE_JSON_LEN];
    count("workflow errors and accessors", || {
        for bad in [
            "{}",
            r#"{"id": "x", "nodes": []}"#,
            r#"{"id": "x", "nodes": [{"key": "a", "type": "t"}, {"key": "a", "type": "t"}]}"#,
            r#"{"id": "x", "nodes": [{"key": "a", "type": "t"}, {"key": "b", "type": "t"}],
               "connections": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]}"#,
            r#"{"id": "x", "nodes": [{"key": "a", "type": "wait"}, {"key": "b", "type": "t"}],
               "connections": [{"from": "a", "port": "nope", "to": "b"}]}"#,
        ] {
            let e = Workflow::parse(bad).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
        let wf = Workflow::parse(TIMERS).unwrap();
        assert_eq!(wf.id(), "timers");
        assert_eq!(wf.wait_nodes().count(), 3);
        assert_eq!(wf.webhook_wait_nodes().count(), 1);
        assert!(wf.find("hook").unwrap().is_webhook_wait());
        assert!(wf.has_port(wf.index_of("hook").unwrap(), "main"));
        assert!(workflow::port_name("main").is_some() && !workflow::is_port_name("Main"));
        let mut dbg: heapless::String<1024> = heapless::String::new();
        let _ = write!(dbg, "{wf:?}");
    });
    count("wait params: every mode and error", || {
        for params in [
            r#"{"mode": "interval", "duration": 1.5, "unit": "minutes"}"#,
            r#"{"mode": "schedule", "schedule_at": "2099-12-31T23:59:59.999Z", "timezone": "Europe/Paris"}"#,
            r#"{"mode": "webhook", "timeout_hours": 0.5, "webhook_config": {"a": 1}}"#,
        ] {
            assert!(wait::parse(params, 0).is_ok());
        }
        for bad in [
            "{}",
            r#"{"mode": "sleep"}"#,
            r#"{"mode": "interval"}"#,
            r#"{"mode": "interval", "duration": -1}"#,
            r#"{"mode": "interval", "duration": 1, "unit": "days"}"#,
            r#"{"mode": "schedule"}"#,
            r#"{"mode": "schedule", "schedule_at": "tomorrow"}"#,
            r#"{"mode": "schedule", "schedule_at": "2000-01-01T00:00:00Z"}"#,
            r#"{"mode": "webhook", "timeout_hours": 9000}"#,
        ] {
            let e = wait::parse(bad, 1_751_450_400_000).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
    });
    count("RFC 3339 times", || {
        let ms = time::parse_rfc3339("2024-02-29T12:30:45.123-05:30").unwrap();
        let mut out: heapless::String<40> = heapless::String::new();
        time::write_rfc3339(ms, &mut out).unwrap();
        assert_eq!(time::parse_rfc3339(&out), Some(ms));
        assert!(time::parse_rfc3339("2023-02-29T00:00:00Z").is_none());
        assert_eq!(
            time::civil_from_days(time::days_from_civil(2024, 2, 29)),
            (2024, 2, 29)
        );
        assert!(time::is_leap_year(2000) && time::days_in_month(2023, 2) == 28);
    });
    let wf = Workflow::parse(TIMERS).unwrap();
    let base_t = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids_t = IdGenerator::from_seed([6; 32]);
    count("context: render, errors, resume URLs", || {
        let ctx: ExecutionContext =
            ExecutionContext::for_workflow(&wf, "ex-9", &base_t, &mut ids_t, 0).unwrap();
        let mut out = [0u8; 512];
        let s = ctx
            .render_str(
                "{{ $execution.id }} {{ $execution.hook.resume_id }} {{ other }}",
                &mut out,
            )
            .unwrap();
        assert!(s.starts_with("ex-9 webhook_ex-9_hook_"));
        for bad in [
            "{{ $execution.nope.resume_url }}",
            "{{ $execution.hook.color }}",
            "{{ $execution.hook.resume_url",
        ] {
            let e = ctx.render(bad, &mut out).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
        let mut tiny = [0u8; 4];
        assert!(ctx
            .render("{{ $execution.id }} and more", &mut tiny)
            .is_err());
        assert_eq!(ctx.resume_urls().count(), 1);
        assert_eq!(ctx.registrations().count(), 1);
        assert!(ctx.registration("hook").is_some());
        assert!(ctx.resume_url("pause").is_err());
        let mut dbg: heapless::String<1024> = heapless::String::new();
        let _ = write!(dbg, "{ctx:?}");
    });
    count("timers, schedule, failure, state errors", || {
        let mut h = handler;
        let mut st: ExecutionState =
            executor::start(&wf, "ex-9", &base_t, &mut ids_t, 1_000).unwrap();
        let r = executor::run(&wf, &mut st, &mut h, "{}", 1_000).unwrap();
        assert!(matches!(r.outcome, Outcome::Suspended { .. }));
        assert!(executor::run(&wf, &mut st, &mut h, "{}", 1_000).is_err());
        let e = executor::resume_timer(&wf, &mut st, &mut h, 1_500).unwrap_err();
        let _ = (e.code(), e.to_string_buf());
        executor::resume_timer(&wf, &mut st, &mut h, 3_000).unwrap();
        let at = st.resume_at().unwrap();
        assert_eq!(st.wait_mode(), Some(wait::WaitMode::Schedule));
        executor::resume_timer(&wf, &mut st, &mut h, at).unwrap();
        let id = st.waiting_resume_id().unwrap().clone();
        assert!(executor::resume_timer(&wf, &mut st, &mut h, at).is_err());
        assert!(executor::resume(&wf, &mut st, &mut h, id.as_str(), "nope", at).is_err());
        let r = executor::resume(&wf, &mut st, &mut h, id.as_str(), "{}", at + 1).unwrap();
        let Outcome::Failed { error, .. } = &r.outcome else {
            panic!()
        };
        let _ = render(error);
        assert!(st.error().is_some());
        let n = st.to_json(&mut state_buf).unwrap();
        let back: ExecutionState = ExecutionState::from_json(&state_buf[..n]).unwrap();
        assert_eq!(back.status(), st.status());
        let mut small = [0u8; 16];
        assert!(st.to_json(&mut small).is_err());
        for bad in [&b"{}"[..], b"[", &state_buf[..n - 2]] {
            let e = ExecutionState::<16, 64>::from_json(bad).unwrap_err();
            let _ = (e.code(), e.to_string_buf());
        }
        let mut dbg: heapless::String<1024> = heapless::String::new();
        let _ = write!(dbg, "{st:?}");
        let other =
            Workflow::parse(r#"{"id": "other", "nodes": [{"key": "a", "type": "trigger"}]}"#)
                .unwrap();
        let e = executor::run(&other, &mut st, &mut h, "{}", 0).unwrap_err();
        let _ = e.to_string_buf();
    });
}
