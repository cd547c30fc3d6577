//! Fuzz entry functions for the core: one per input surface of Prana webhook.
//!
//! Shared by the cargo-fuzz targets in `fuzz/fuzz_targets/` (each one line:
//! `fuzz_target!(|data: &[u8]| prana_webhook_fuzz::NAME(data))`) and by
//! `core/tests/fuzz_regressions.rs`, which includes this file with
//! `#[path]` and replays every saved input under
//! `core/tests/fuzz_regressions/<target>/` through the same function, so a
//! crash once found stays fixed under plain `cargo test`. The C ABI's
//! entries are in `ffi_entries.rs`.
//!
//! Each entry does more than "does not panic": it checks the round trips and
//! invariants that must hold for any input (build → parse identity, JSON
//! round trips, a signature verifies only in its one canonical spelling,
//! the lifecycle agrees with a model).
//!
//! Only `prana-webhook-core`, `arbitrary` and `std` are used here, so the
//! file compiles both as this crate's library and as a module of a core test.

use arbitrary::{Arbitrary, Unstructured};

use std::collections::HashMap;

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::error::Part;
use prana_webhook_core::executor::{
    self, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeOutput, Outcome,
    MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::{self, IdGenerator, ResumeId, RANDOM_LEN};
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::registration::{ConfigJson, WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{self, decide_cancel, decide_resume, Decision, RequestLimits};
use prana_webhook_core::time;
use prana_webhook_core::token::resume::{
    verify_query, KeySet, ResumeKey, SignaturePolicy, VerifiedBy,
};
use prana_webhook_core::token::standard_webhooks::{self as sw, StandardWebhookSecret};
use prana_webhook_core::url::{BaseUrl, Route};
use prana_webhook_core::wait::{self, WaitParams};
use prana_webhook_core::workflow::{Workflow, WAIT_PORTS};
use prana_webhook_core::Error;

#[path = "page_entries.rs"]
mod page_entries;
pub use page_entries::{form_decode, page_render};

/// A fuzz target: its name (the cargo-fuzz target and the regression
/// folder) and its entry function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target of the core.
pub const TARGETS: &[Target] = &[
    ("url_route", url_route),
    ("resume_id", resume_id),
    ("base_url", base_url),
    ("registration_json", registration_json),
    ("sig_resume", sig_resume),
    ("sig_standard", sig_standard),
    ("lifecycle_ops", lifecycle_ops),
    ("workflow_json", workflow_json),
    ("wait_params", wait_params),
    ("state_json", state_json),
    ("template", template),
    ("executor_ops", executor_ops),
    ("page_render", page_render),
    ("form_decode", form_decode),
];

/// The entry function of a target, by name.
pub fn entry(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

fn bases() -> [BaseUrl; 3] {
    [
        BaseUrl::parse("https://gw.example.com").unwrap(),
        BaseUrl::parse("http://127.0.0.1:8080/hooks/").unwrap(),
        BaseUrl::parse("https://[::1]/a/b").unwrap(),
    ]
}

/// Every error renders, has a code, and maps to a request rejection.
fn check_error(e: &Error) {
    assert!(!e.code().is_empty());
    let msg = e.to_string_buf();
    assert!(!msg.is_empty(), "{e:?} has an empty message");
    let r = route::reject_target_error(e.clone());
    assert!(r.status == 400 || r.status == 404);
}

/// The 128 bits a 26-character Crockford tail encodes.
fn decode_tail(tail: &str) -> u128 {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    tail.bytes().fold(0u128, |n, c| {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u128;
        (n << 5) | v
    })
}

// ---------------------------------------------------------------------------
// url_route: request targets (and full URLs) → routes.

/// A request target under three bases: a route that parses rebuilds into a
/// URL that parses to the same route; the query is the target's tail.
pub fn url_route(data: &[u8]) {
    let Ok(target) = core::str::from_utf8(data) else {
        return;
    };
    let limits = RequestLimits { max_payload: 100 };
    for base in bases() {
        match base.parse_target(target) {
            Ok(t) => {
                if let Some(q) = t.query {
                    assert!(target.ends_with(q));
                    assert_eq!(target.as_bytes()[target.len() - q.len() - 1], b'?');
                }
                match t.route {
                    Route::Resume { resume_id } => {
                        let id = ResumeId::parse(resume_id).expect("routed id parses");
                        let url = base.resume_url(&id).unwrap();
                        let again = base.parse_target(&url).unwrap();
                        assert_eq!(again.route, t.route);
                        assert_eq!(again.query, None);
                        assert!(route::check_method(&t.route, "GET").is_ok());
                    }
                    Route::Cancel { resume_id } | Route::Extend { resume_id } => {
                        let id = ResumeId::parse(resume_id).expect("routed id parses");
                        let (action, _) = t.route.signed_action().expect("a signed route");
                        let url = base.action_url(action, &id, None).unwrap();
                        let again = base.parse_target(&url).unwrap();
                        assert_eq!(again.route, t.route);
                        assert_eq!(again.query, None);
                        assert!(route::check_method(&t.route, "GET").is_err());
                    }
                    Route::Trigger { workflow_id } => {
                        id::validate_part(Part::WorkflowId, workflow_id)
                            .expect("routed workflow id is valid");
                        let url = base.trigger_url(workflow_id).unwrap();
                        assert_eq!(base.parse_target(&url).unwrap().route, t.route);
                        assert!(route::check_method(&t.route, "GET").is_err());
                    }
                }
                for (method, len) in [("POST", 100), ("PUT", 0), ("POST", 101)] {
                    let r = route::precheck(&base, method, target, len, &limits);
                    let expect_ok = len <= 100 && route::check_method(&t.route, method).is_ok();
                    assert_eq!(r.is_ok(), expect_ok);
                }
            }
            Err(e) => {
                check_error(&e);
                let r = route::precheck(&base, "POST", target, 0, &limits).unwrap_err();
                assert_eq!(r, route::reject_target_error(e));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// resume_id: parse arbitrary IDs; generate from arbitrary parts and entropy.

/// Parsing keeps the text exactly; generation validates its parts, round
/// trips through parsing, and its tail decodes back to the entropy.
pub fn resume_id(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        match ResumeId::parse(s) {
            Ok(id) => {
                assert_eq!(id.as_str(), s);
                assert_eq!(id.random_tail().len(), RANDOM_LEN);
                assert!(id::validate_resume_id(s).is_ok());
            }
            Err(e) => {
                check_error(&e);
                assert!(id::validate_resume_id(s).is_err());
            }
        }
    }
    let mut u = Unstructured::new(data);
    let (Ok(exec), Ok(node), Ok(entropy)) = (
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<[u8; 16]>(),
    ) else {
        return;
    };
    let parts_ok = id::validate_part(Part::ExecutionId, exec).is_ok()
        && id::validate_part(Part::NodeId, node).is_ok();
    match ResumeId::generate(exec, node, &entropy) {
        Ok(id) => {
            assert!(parts_ok);
            assert_eq!(ResumeId::parse(id.as_str()).unwrap(), id);
            assert!(id.belongs_to(exec, node));
            assert_eq!(decode_tail(id.random_tail()), u128::from_be_bytes(entropy));
            let reg = WebhookRegistration::new(id.clone(), exec, node, 0).unwrap();
            assert_eq!(reg.status, Status::Pending);
        }
        Err(e) => {
            assert!(!parts_ok);
            check_error(&e);
        }
    }
}

// ---------------------------------------------------------------------------
// base_url: configuration strings.

/// A base that parses is normalized (parsing its text again gives the same
/// base) and builds URLs that route back under it.
pub fn base_url(data: &[u8]) {
    let Ok(s) = core::str::from_utf8(data) else {
        return;
    };
    let base = match BaseUrl::parse(s) {
        Ok(b) => b,
        Err(e) => {
            check_error(&e);
            return;
        }
    };
    let again = BaseUrl::parse(base.as_str()).expect("a normalized base parses");
    assert_eq!(again, base, "normalizing twice changed the base");
    assert!(!base.as_str().ends_with('/'));
    // No empty path segment survives (fuzz_regressions/base_url/crash-*).
    assert!(!base.prefix().contains("//"));
    assert!(base.as_str().ends_with(base.prefix()));
    assert!(base.as_str().starts_with("http"));
    assert!(base.authority().len() < base.as_str().len());
    let id = ResumeId::generate("e", "n", &[7; 16]).unwrap();
    let url = base.resume_url(&id).unwrap();
    assert_eq!(
        base.parse_target(&url).unwrap().route,
        Route::Resume {
            resume_id: id.as_str()
        }
    );
    let path = &url[base.as_str().len() - base.prefix().len()..];
    assert_eq!(
        base.parse_target(path).unwrap().route,
        Route::Resume {
            resume_id: id.as_str()
        }
    );
    let url = base.trigger_url("wf").unwrap();
    assert_eq!(
        base.parse_target(&url).unwrap().route,
        Route::Trigger { workflow_id: "wf" }
    );
}

// ---------------------------------------------------------------------------
// registration_json: persisted registrations.

/// A registration that loads writes back to JSON that loads to the same
/// registration, of exactly `json_len` bytes. The raw scanner agrees with it.
pub fn registration_json(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        if let Ok(v) = json::validate(s) {
            if v.starts_with('{') {
                for m in json::members(v).unwrap() {
                    let (_, raw) = m.expect("members of a valid object scan");
                    json::validate(raw).expect("a member value is valid JSON");
                }
            }
        }
        let _ = ConfigJson::parse(s);
    }
    match WebhookRegistration::from_json(data) {
        Ok(reg) => {
            let mut buf = [0u8; MAX_JSON_LEN];
            let n = reg.to_json(&mut buf).expect("MAX_JSON_LEN always suffices");
            assert_eq!(n, reg.json_len());
            let back = WebhookRegistration::from_json(&buf[..n]).unwrap();
            assert_eq!(back, reg);
            assert!(back.resume_id.belongs_to(&back.execution_id, &back.node_id));
        }
        Err(e) => {
            let _ = e.to_string_buf();
            assert!(!e.code().is_empty());
        }
    }
}

// ---------------------------------------------------------------------------
// sig_resume: `?sig=` on resume URLs.

fn key_set() -> KeySet {
    let mut ks = KeySet::new();
    ks.add(ResumeKey::new("k1", b"0123456789abcdef0123456789abcdef").unwrap())
        .unwrap();
    ks.add(ResumeKey::new("old", b"another secret, 32 bytes long...").unwrap())
        .unwrap();
    ks
}

/// Any (resume id, query): verification never panics; when it passes, the
/// `sig` value is exactly what the key makes (one accepted spelling). A
/// freshly signed URL always verifies.
pub fn sig_resume(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(resume_id), Ok(query)) = (u.arbitrary::<&str>(), u.arbitrary::<Option<&str>>()) else {
        return;
    };
    let ks = key_set();
    for policy in [
        SignaturePolicy::Required,
        SignaturePolicy::Optional,
        SignaturePolicy::Off,
    ] {
        match verify_query(&ks, policy, resume_id, query) {
            Ok(VerifiedBy::Key(k)) => {
                let expected = ks.get(k.as_str()).unwrap().sign(resume_id);
                let q = query.unwrap();
                let q = q.strip_prefix('?').unwrap_or(q);
                assert!(
                    q.split('&')
                        .any(|p| p == ["sig=", expected.as_str()].concat()),
                    "accepted a non-canonical signature"
                );
            }
            Ok(VerifiedBy::Unsigned) => assert_eq!(policy, SignaturePolicy::Optional),
            Ok(VerifiedBy::NotChecked) => assert_eq!(policy, SignaturePolicy::Off),
            Err(e) => {
                assert_ne!(policy, SignaturePolicy::Off);
                assert_eq!(e.http_status(), 401);
                let _ = e.reason();
                let wrapped: Error = e.into();
                let _ = wrapped.to_string_buf();
            }
        }
    }
    if let Ok(sig) = u.arbitrary::<&str>() {
        let _ = ks.verify(resume_id, sig);
    }
    let mut url: heapless::String<512> = heapless::String::new();
    if url.push_str("/webhook/workflow/resume/").is_ok() && url.push_str(resume_id).is_ok() {
        let before = url.clone();
        match ks.sign_url(resume_id, &mut url) {
            Ok(()) => {
                // The appended `?sig=…` (or `&sig=…` when the id held a `?`).
                let q = &url[before.len() + 1..];
                assert!(matches!(
                    verify_query(&ks, SignaturePolicy::Required, resume_id, Some(q)),
                    Ok(VerifiedBy::Key(_))
                ));
            }
            Err(_) => assert_eq!(url, before),
        }
    }
}

// ---------------------------------------------------------------------------
// sig_standard: Standard Webhooks headers.

/// Arbitrary secret text and headers never panic; a verified request carries
/// exactly the canonical `v1,` signature; a fresh signature verifies.
pub fn sig_standard(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(secret_text), Ok(msg_id), Ok(ts), Ok(sig), Ok(now), Ok(tolerance), Ok(body)) = (
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<&str>(),
        u.arbitrary::<i64>(),
        u.arbitrary::<u16>(),
        u.arbitrary::<&[u8]>(),
    ) else {
        return;
    };
    let _ = StandardWebhookSecret::from_whsec(secret_text);
    let secret =
        StandardWebhookSecret::from_whsec("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let tolerance = u64::from(tolerance);
    match sw::verify(&secret, msg_id, ts, body, sig, now, tolerance) {
        Ok(t) => {
            let expected = sw::sign(&secret, msg_id, t, body);
            assert!(sig.split(' ').any(|e| e == expected.as_str()));
            assert!(i128::from(now).abs_diff(i128::from(t)) <= u128::from(tolerance));
        }
        Err(e) => {
            assert_eq!(e.http_status(), 401);
            let _ = e.reason();
        }
    }
    if let Ok(ts) = u.arbitrary::<u32>() {
        let ts = i64::from(ts);
        let good = sw::sign(&secret, msg_id, ts, body);
        let header = [sig, " ", good.as_str()].concat();
        let mut digits = [0u8; 20];
        let ts_text = {
            let mut n = ts as u64;
            let mut i = digits.len();
            loop {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            core::str::from_utf8(&digits[i..]).unwrap()
        };
        assert_eq!(
            sw::verify(&secret, msg_id, ts_text, body, &header, ts, 0),
            Ok(ts)
        );
    }
}

// ---------------------------------------------------------------------------
// lifecycle_ops: random operation sequences against a model.

/// One operation on one of a few registrations. Times are deltas, so the
/// host clock never runs backwards.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    /// The wait node is reached: activate with this timeout.
    Activate {
        /// Which registration.
        reg: u8,
        /// Clock advance before the call, ms.
        dt: u16,
        /// Timeout, ms.
        timeout: u16,
        /// Pick a config: valid or not.
        config: u8,
    },
    /// A resume request arrives: decide, then apply the transition.
    Resume {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
    },
    /// Consume directly.
    Consume {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
    },
    /// Expire (timeout sweeper or execution end).
    Expire {
        /// Which registration.
        reg: u8,
    },
    /// Persist to JSON and load back.
    Reload {
        /// Which registration.
        reg: u8,
    },
    /// A cancel request arrives: decide, then apply the transition.
    Cancel {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
    },
    /// A heartbeat: move the expiry `by` ms past the current one (0: not later).
    Extend {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
        /// How much later, ms.
        by: u16,
    },
}

const CONFIGS: [&str; 4] = [r#"{}"#, r#"{"channel":"email","n":[1,2]}"#, "[1]", "{"];

/// The model of one registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Model {
    status: Status,
    expires_at: Option<u64>,
    consumed: u32,
}

impl Model {
    fn at(&self, now: u64) -> Status {
        match (self.status, self.expires_at) {
            (Status::Active, Some(e)) if now >= e => Status::Expired,
            (s, _) => s,
        }
    }
}

/// Run `ops` on four registrations and check every result against the
/// model: pending → active → consumed, either of the first two → expired,
/// terminal states stay terminal, at most one consume (or resume) per
/// registration succeeds, and an expired registration never resumes.
pub fn run_lifecycle(ops: &[Op]) {
    const N: usize = 4;
    let mut ids = IdGenerator::from_seed([1; 32]);
    let mut now: u64 = 1_000;
    let mut regs: [WebhookRegistration; N] = core::array::from_fn(|i| {
        let node: &str = ["a", "b", "c", "d"][i];
        WebhookRegistration::create(&mut ids, "exec", node, now).unwrap()
    });
    let mut models = [Model {
        status: Status::Pending,
        expires_at: None,
        consumed: 0,
    }; N];
    for op in ops {
        let (i, dt) = match *op {
            Op::Activate { reg, dt, .. }
            | Op::Resume { reg, dt }
            | Op::Cancel { reg, dt }
            | Op::Consume { reg, dt }
            | Op::Extend { reg, dt, .. } => (usize::from(reg) % N, u64::from(dt)),
            Op::Expire { reg } | Op::Reload { reg } => (usize::from(reg) % N, 0),
        };
        now += dt;
        let (reg, m) = (&mut regs[i], &mut models[i]);
        let before = m.at(now);
        match *op {
            Op::Activate {
                timeout, config, ..
            } => {
                let cfg = CONFIGS[usize::from(config) % CONFIGS.len()];
                let cfg_ok = usize::from(config) % CONFIGS.len() < 2;
                let r = reg.activate(now, u64::from(timeout), cfg);
                match m.status {
                    Status::Active => {
                        assert!(r.is_ok(), "re-activation is idempotent");
                    }
                    Status::Pending if cfg_ok => {
                        let t = r.unwrap();
                        assert_eq!((t.from, t.to), (Status::Pending, Status::Active));
                        m.status = Status::Active;
                        m.expires_at = Some(now + u64::from(timeout));
                    }
                    _ => assert!(r.is_err()),
                }
            }
            Op::Resume { .. } | Op::Cancel { .. } => {
                // A cancel is decided as a resume is: same statuses, same transition.
                let decide = match op {
                    Op::Cancel { .. } => decide_cancel,
                    _ => decide_resume,
                };
                let d = decide(reg.resume_id.as_str(), Some(reg), now);
                match (before, d) {
                    (Status::Active, Decision::Resume(t)) => {
                        assert_eq!((t.from, t.to), (Status::Active, Status::Consumed));
                        // The host's compare-and-set, then the state change.
                        assert_eq!(reg.status, t.from);
                        reg.consume(now).unwrap();
                        m.status = Status::Consumed;
                        m.consumed += 1;
                    }
                    (Status::Active, Decision::Reject(r)) => panic!("active rejected: {r:?}"),
                    (s, Decision::Resume(_)) => panic!("{s} resumed"),
                    (s, Decision::Reject(r)) => {
                        let want = match s {
                            Status::Pending => 400,
                            Status::Expired => 410,
                            Status::Consumed => 409,
                            Status::Active => unreachable!(),
                        };
                        assert_eq!(r.status, want);
                    }
                }
            }
            Op::Consume { .. } => {
                let r = reg.consume(now);
                if before == Status::Active {
                    r.unwrap();
                    m.status = Status::Consumed;
                    m.consumed += 1;
                } else {
                    assert!(r.is_err(), "{before} consumed");
                }
            }
            Op::Expire { .. } => {
                let r = reg.expire();
                if m.status == Status::Consumed {
                    assert!(r.is_err());
                } else {
                    r.unwrap();
                    m.status = Status::Expired;
                }
            }
            Op::Extend { by, .. } => {
                let from = reg.expires_at;
                let to = from.unwrap_or(0) + u64::from(by);
                let r = reg.extend(now, to);
                match before {
                    Status::Active if by > 0 => {
                        let e = r.unwrap();
                        assert_eq!((e.from_expires_at, e.to_expires_at), (from, to));
                        m.expires_at = Some(to);
                    }
                    Status::Active => assert_eq!(r.unwrap_err().code(), "extend_not_later"),
                    Status::Pending => assert_eq!(r.unwrap_err(), Error::NotActive),
                    Status::Consumed => assert_eq!(r.unwrap_err(), Error::AlreadyConsumed),
                    Status::Expired => assert_eq!(r.unwrap_err(), Error::RegistrationExpired),
                }
            }
            Op::Reload { .. } => {
                let mut buf = [0u8; MAX_JSON_LEN];
                let n = reg.to_json(&mut buf).unwrap();
                *reg = WebhookRegistration::from_json(&buf[..n]).unwrap();
            }
        }
        // Invariants after every step.
        assert_eq!(reg.status, m.status);
        assert_eq!(reg.expires_at, m.expires_at);
        assert_eq!(reg.status_at(now), m.at(now));
        assert!(m.consumed <= 1, "consumed twice");
        if before.is_terminal() {
            assert_eq!(reg.status_at(now), before, "left a terminal state");
        }
        if reg.status_at(now) == Status::Expired {
            assert!(reg.consume(now).is_err());
            assert!(matches!(
                decide_resume(reg.resume_id.as_str(), Some(reg), now),
                Decision::Reject(_)
            ));
        }
    }
}

/// Structured target: decode operations with `arbitrary` and run them.
pub fn lifecycle_ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut ops: Vec<Op> = Vec::new();
    while ops.len() < 256 {
        match u.arbitrary::<Op>() {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
        if u.is_empty() {
            break;
        }
    }
    run_lifecycle(&ops);
}

// ---------------------------------------------------------------------------
// Executions: workflow JSON, wait params, state JSON, templates, and random
// sequences of executor calls.

/// Host handlers for fuzzing: `if` picks port `a` or `b` from the input,
/// `fail` fails, every other type passes its input on through `main`.
#[allow(clippy::result_large_err)]
fn fuzz_handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    json::validate(call.params).expect("rendered params are valid JSON");
    json::validate(call.input).expect("node input is valid JSON");
    if call.node_type == "fail" || call.input.contains("\"fail\"") {
        return Err(NodeError::new("fuzz_fail", "asked to fail"));
    }
    let n = call.input.len();
    out.get_mut(..n)
        .ok_or_else(|| NodeError::new("too_large", "output does not fit"))?
        .copy_from_slice(call.input.as_bytes());
    if call.node_type == "if" {
        let port = if call.input.contains("\"a\"") {
            "a"
        } else {
            "b"
        };
        return NodeOutput::new(port, n);
    }
    Ok(NodeOutput::main(n))
}

const T0: u64 = 1_751_450_400_000;

/// Any workflow text: a workflow that parses is consistent (start node,
/// connections, wait ports) and runs under the trivial handlers to an
/// outcome whose transitions are all allowed.
pub fn workflow_json(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let wf = match Workflow::<64, 128>::parse_with_capacity(text) {
        Ok(wf) => wf,
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
            return;
        }
    };
    assert!(!wf.nodes().is_empty());
    assert!(wf.node(wf.start_index()).is_some());
    for c in wf.connections() {
        let (from, to) = (usize::from(c.from), usize::from(c.to));
        assert!(wf.node(from).is_some() && wf.node(to).is_some());
        assert_ne!(from, to, "a self loop");
        assert_eq!(wf.next(from, c.port), Some(to));
        if wf.node(from).unwrap().is_wait() {
            assert!(WAIT_PORTS.contains(&c.port));
        }
    }
    for (i, n) in wf.nodes().iter().enumerate() {
        assert_eq!(wf.index_of(n.key), Some(i));
        json::validate_object(n.params, "params").expect("params are an object");
    }
    let _ = format!("{wf:?}");
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([2; 32]);
    let Ok(mut state) = executor::start::<64, 128, 16, 64, 4096>(&wf, "ex", &base, &mut ids, T0)
    else {
        return;
    };
    assert_eq!(
        state.context().slots().len(),
        wf.webhook_wait_nodes().count()
    );
    let mut h = fuzz_handler;
    if let Ok(r) = executor::run(&wf, &mut state, &mut h, "{}", T0) {
        for t in &r.transitions {
            assert!(t.from.can_transition_to(t.to));
        }
        let mut buf = vec![0u8; ExecutionState::<16, 64, [u8; 4096]>::MAX_JSON_LEN];
        let n = state.to_json(&mut buf).unwrap();
        let back = ExecutionState::<16, 64, [u8; 4096]>::from_json(&buf[..n]).unwrap();
        assert_eq!(back, state);
    }
}

/// Any wait params at any time: parse never panics; what parses has a
/// deadline after `now` (or a positive timeout); RFC 3339 times round trip.
pub fn wait_params(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(params), Ok(now), Ok(time_text)) = (
        u.arbitrary::<&str>(),
        u.arbitrary::<u64>(),
        u.arbitrary::<&str>(),
    ) else {
        return;
    };
    let now = now % (1 << 50);
    match wait::parse(params, now) {
        Ok(WaitParams::Interval {
            duration_ms,
            resume_at,
        }) => assert_eq!(resume_at, now.saturating_add(duration_ms)),
        Ok(WaitParams::Schedule { resume_at, .. }) => assert!(resume_at > now),
        Ok(WaitParams::Webhook {
            timeout_ms,
            webhook_config,
        }) => {
            assert!(timeout_ms > 0);
            json::validate_object(webhook_config, "webhook_config").unwrap();
        }
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
        }
    }
    if let Some(ms) = time::parse_rfc3339(time_text) {
        let mut out = String::new();
        time::write_rfc3339(ms, &mut out).unwrap();
        assert_eq!(time::parse_rfc3339(&out), Some(ms), "{time_text} -> {out}");
    }
}

/// Any state JSON: what loads writes back to JSON that loads to the same
/// state, and writing is a fixed point.
pub fn state_json(data: &[u8]) {
    // In place, into a state of another execution: the same verdict and
    // the same state as `from_json`; refused, an empty state of no workflow.
    let other = ExecutionContext::new("other_wf", "other_exec", &bases()[1]).unwrap();
    let mut reused: ExecutionState = ExecutionState::from_context(other);
    let loaded = reused.load_json(data);
    let state: ExecutionState = match ExecutionState::from_json(data) {
        Ok(s) => s,
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
            assert_eq!(loaded, Err(e));
            assert_eq!(reused.workflow_id(), "");
            assert!(reused.context().slots().is_empty());
            assert_eq!(reused.trace().as_str(), "");
            return;
        }
    };
    assert_eq!(loaded, Ok(()));
    assert_eq!(reused, state);
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state
        .to_json(&mut buf)
        .expect("MAX_STATE_JSON_LEN suffices");
    let back: ExecutionState = ExecutionState::from_json(&buf[..n]).unwrap();
    assert_eq!(back, state);
    let mut again = vec![0u8; MAX_STATE_JSON_LEN];
    let m = back.to_json(&mut again).unwrap();
    assert_eq!(&buf[..n], &again[..m]);
    let _ = (
        state.status(),
        state.current_node(),
        state.output(),
        state.trace(),
    );
}

/// The workflow `template` and `executor_ops` run: two webhook waits and an
/// interval wait, a branch, and every wait port connected.
pub const FUZZ_WORKFLOW: &str = r#"{"id": "fz", "start": "t", "nodes": [
  {"key": "t", "type": "trigger"},
  {"key": "n", "type": "log", "params": {"m": "{{ $execution.w1.resume_url }} {{$execution.w2.resume_id}} {{ $execution.id }}"}},
  {"key": "w1", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 1, "webhook_config": {"k": 1}}},
  {"key": "br", "type": "if"},
  {"key": "w2", "type": "wait", "params": {"mode": "webhook"}},
  {"key": "tm", "type": "wait", "params": {"mode": "interval", "duration": 5, "unit": "seconds"}},
  {"key": "to1", "type": "log"}, {"key": "to2", "type": "log"},
  {"key": "end1", "type": "log"}, {"key": "end2", "type": "log"},
  {"key": "err", "type": "fail"}],
 "connections": [
  {"from": "t", "to": "n"}, {"from": "n", "to": "w1"},
  {"from": "w1", "port": "main", "to": "br"}, {"from": "w1", "port": "timeout", "to": "to1"},
  {"from": "br", "port": "a", "to": "w2"}, {"from": "br", "port": "b", "to": "tm"},
  {"from": "w2", "port": "main", "to": "end1"}, {"from": "w2", "port": "timeout", "to": "to2"},
  {"from": "tm", "port": "main", "to": "end2"}, {"from": "tm", "port": "error", "to": "err"}]}"#;

/// Any template into a buffer of any size: output fits or the error names
/// the size needed, and rendering into that size then succeeds with exactly
/// that many bytes; text without `{{` is copied unchanged.
pub fn template(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(tpl), Ok(size)) = (u.arbitrary::<&str>(), u.arbitrary::<u16>()) else {
        return;
    };
    let wf = Workflow::parse(FUZZ_WORKFLOW).unwrap();
    let base = BaseUrl::parse("http://127.0.0.1:8080/h").unwrap();
    let mut ids = IdGenerator::from_seed([3; 32]);
    let ctx: ExecutionContext =
        ExecutionContext::for_workflow(&wf, "ex_1", &base, &mut ids, T0).unwrap();
    let mut out = vec![0u8; usize::from(size) % 2048];
    match ctx.render(tpl, &mut out) {
        Ok(n) => {
            assert!(n <= out.len());
            if !tpl.contains("{{") {
                assert_eq!(&out[..n], tpl.as_bytes());
            }
            let mut exact = vec![0u8; n];
            assert_eq!(ctx.render(tpl, &mut exact), Ok(n));
            assert_eq!(exact, out[..n]);
        }
        Err(Error::BufferTooSmall { needed }) => {
            assert!(needed > out.len());
            let mut big = vec![0u8; needed];
            assert_eq!(ctx.render(tpl, &mut big), Ok(needed));
        }
        Err(e) => {
            let _ = (e.code(), e.to_string_buf());
        }
    }
}

/// One executor call in `executor_ops`.
#[derive(Arbitrary, Debug, Clone)]
pub enum ExecOp {
    /// Start the run with a payload.
    Run {
        /// Payload choice.
        payload: u8,
    },
    /// Resume a wait: 0 = w1, 1 = w2, else a made-up ID.
    Resume {
        /// Which registration.
        which: u8,
        /// Payload choice.
        payload: u8,
        /// Clock advance, s.
        dt: u16,
    },
    /// Expire a wait.
    Expire {
        /// Which registration.
        which: u8,
        /// Clock advance, s.
        dt: u16,
    },
    /// Wake a timer wait.
    Timer {
        /// Clock advance, s.
        dt: u16,
    },
    /// Persist the state and load it back.
    Reload,
}

const PAYLOADS: [&str; 5] = [
    r#"{"a":1}"#,
    r#"{"b":2}"#,
    "[1,2]",
    "not json",
    r#"{"fail":1}"#,
];

/// Random executor calls on the fuzz workflow, checked against a host-side
/// store that applies every returned transition with compare-and-set: the
/// store always agrees with the core, each registration is consumed at most
/// once, an expired or consumed registration never resumes, a refused call
/// changes nothing, and a finished execution leaves no registration open.
pub fn run_executor_ops(ops: &[ExecOp]) {
    let wf = Workflow::parse(FUZZ_WORKFLOW).unwrap();
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([4; 32]);
    let mut now = T0;
    let mut state: ExecutionState = executor::start(&wf, "ex", &base, &mut ids, now).unwrap();
    let mut store: HashMap<String, Status> = state
        .context()
        .registrations()
        .map(|r| (r.resume_id.as_str().to_owned(), r.status))
        .collect();
    assert_eq!(store.len(), 2);
    let id_of = |state: &ExecutionState, which: u8| -> String {
        match which % 3 {
            0 => state.context().resume_id("w1").unwrap().as_str().to_owned(),
            1 => state.context().resume_id("w2").unwrap().as_str().to_owned(),
            _ => "webhook_ex_w1_00000000000000000000000000".to_owned(),
        }
    };
    let mut consumed: HashMap<String, u32> = HashMap::new();
    let mut h = fuzz_handler;
    for op in ops {
        let before = state.clone();
        let (result, target) = match *op {
            ExecOp::Run { payload } => (
                executor::run(
                    &wf,
                    &mut state,
                    &mut h,
                    PAYLOADS[usize::from(payload) % 5],
                    now,
                ),
                None,
            ),
            ExecOp::Resume { which, payload, dt } => {
                now += u64::from(dt) * 1000;
                let id = id_of(&state, which);
                let p = PAYLOADS[usize::from(payload) % 5];
                (
                    executor::resume(&wf, &mut state, &mut h, &id, p, now),
                    Some(id),
                )
            }
            ExecOp::Expire { which, dt } => {
                now += u64::from(dt) * 1000;
                let id = id_of(&state, which);
                (executor::expire(&wf, &mut state, &mut h, &id, now), None)
            }
            ExecOp::Timer { dt } => {
                now += u64::from(dt) * 1000;
                (executor::resume_timer(&wf, &mut state, &mut h, now), None)
            }
            ExecOp::Reload => {
                let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
                let n = state.to_json(&mut buf).unwrap();
                state = ExecutionState::from_json(&buf[..n]).unwrap();
                assert_eq!(state, before);
                continue;
            }
        };
        match result {
            Ok(r) => {
                for t in &r.transitions {
                    let row = store
                        .get_mut(t.resume_id.as_str())
                        .expect("known registration");
                    assert_eq!(
                        *row, t.from,
                        "compare-and-set would fail: store and core disagree"
                    );
                    assert!(t.from.can_transition_to(t.to) && t.from != t.to);
                    *row = t.to;
                    if t.to == Status::Consumed {
                        *consumed.entry(t.resume_id.as_str().to_owned()).or_default() += 1;
                    }
                }
                if let Some(id) = target {
                    // A successful resume consumed exactly this registration.
                    assert_eq!(store.get(&id), Some(&Status::Consumed));
                    let prior = before
                        .context()
                        .registrations()
                        .find(|r| r.resume_id.as_str() == id)
                        .unwrap();
                    assert_eq!(
                        prior.status,
                        Status::Active,
                        "resumed a non-active registration"
                    );
                    assert_eq!(
                        prior.status_at(now),
                        Status::Active,
                        "resumed after expires_at"
                    );
                }
                match r.outcome {
                    Outcome::Completed | Outcome::Failed { .. } | Outcome::Cancelled { .. } => {
                        assert!(matches!(
                            state.status(),
                            ExecutionStatus::Completed
                                | ExecutionStatus::Failed
                                | ExecutionStatus::Cancelled
                        ));
                        assert!(
                            store.values().all(|s| s.is_terminal()),
                            "open registration left"
                        );
                    }
                    Outcome::Suspended { .. } => {
                        assert_eq!(state.status(), ExecutionStatus::Suspended)
                    }
                }
            }
            Err(e) => {
                assert_eq!(state, before, "a refused call changed the state");
                let _ = (e.code(), e.to_string_buf());
            }
        }
        // The core's view of every registration matches the store.
        for reg in state.context().registrations() {
            assert_eq!(store[reg.resume_id.as_str()], reg.status);
        }
        assert!(consumed.values().all(|&n| n <= 1), "consumed twice");
    }
}

/// Structured target: decode executor calls with `arbitrary` and run them.
pub fn executor_ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut ops: Vec<ExecOp> = Vec::new();
    while ops.len() < 64 && !u.is_empty() {
        match u.arbitrary::<ExecOp>() {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    run_executor_ops(&ops);
}
