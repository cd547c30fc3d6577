//! Proof that executions never touch the heap: a counting global allocator
//! sees zero allocations across workflow parsing, start (unsigned and
//! signed), run, suspension, state serialization, restore (by value and in
//! place), resume, expiry and cleanup, with or without a kept `Workspace`.
//!
//! Allocations are counted per thread (`common::counting_alloc`).

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

use prana_webhook_core::executor::{
    self, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeHandler, NodeOutput, Outcome,
    Workspace, MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::json;
use prana_webhook_core::registration::{WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{decide_resume, Decision};
use prana_webhook_core::token::resume::{
    verify_query, KeySet, ResumeKey, SignaturePolicy, VerifiedBy,
};
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::workflow::Workflow;

mod common;
use common::counting_alloc::{assert_no_alloc, Counting};
use common::executor::expiry;
use prana_webhook_core::executor::RunResult;

#[global_allocator]
static GLOBAL: Counting = Counting;

const APPROVAL: &str = include_str!("../../examples/workflows/approval.json");
const T0: u64 = 1_751_450_400_000;

/// `log`, `if` and `set` without a heap; remembers the last log message.
struct Handlers {
    last_log: [u8; 512],
    last_log_len: usize,
}

fn put(out: &mut [u8], s: &str) -> Result<usize, NodeError> {
    let dst = out
        .get_mut(..s.len())
        .ok_or_else(|| NodeError::new("output_too_large", "output does not fit"))?;
    dst.copy_from_slice(s.as_bytes());
    Ok(s.len())
}

impl NodeHandler for Handlers {
    fn run(&mut self, call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
        let param = |k: &str| json::find_member(call.params, k).ok().flatten();
        match call.node_type {
            "log" => {
                let msg = param("message").and_then(json::plain_str).unwrap_or("");
                let n = msg.len().min(self.last_log.len());
                self.last_log[..n].copy_from_slice(&msg.as_bytes()[..n]);
                self.last_log_len = n;
                Ok(NodeOutput::main(put(out, call.input)?))
            }
            "if" => {
                let field = param("field").and_then(json::plain_str).unwrap_or("");
                let actual = json::find_member(call.input, field).ok().flatten();
                let port = if actual.is_some() && actual == param("equals") {
                    "true"
                } else {
                    "false"
                };
                NodeOutput::new(port, put(out, call.input)?)
            }
            "set" => Ok(NodeOutput::main(put(
                out,
                param("value").unwrap_or("null"),
            )?)),
            _ => Err(NodeError::new("unknown_type", call.node_type)),
        }
    }
}

#[test]
fn executions_do_not_allocate() {
    // Buffers the host owns, made before counting.
    let mut state_json = [0u8; MAX_STATE_JSON_LEN];
    let mut reg_json = [0u8; MAX_JSON_LEN];
    let mut h = Handlers {
        last_log: [0; 512],
        last_log_len: 0,
    };

    assert_no_alloc("executions", || {
        let wf = Workflow::parse(APPROVAL).unwrap();
        let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
        let mut ids = IdGenerator::from_seed([42; 32]);

        // Approval: start, persist registrations, run to the suspension.
        let mut state: ExecutionState =
            executor::start(&wf, "exec-1", &base, &mut ids, T0).unwrap();
        for reg in state.context().registrations() {
            let n = reg.to_json(&mut reg_json).unwrap();
            assert_eq!(WebhookRegistration::from_json(&reg_json[..n]).unwrap(), reg);
        }
        let url = state.context().resume_url("wait_approval").unwrap();
        let r = executor::run(&wf, &mut state, &mut h, r#"{"request": "laptop"}"#, T0).unwrap();
        assert!(core::str::from_utf8(&h.last_log[..h.last_log_len])
            .unwrap()
            .ends_with(url.as_str()));
        let Outcome::Suspended {
            suspension: Suspension::Webhook { registration, .. },
            ..
        } = &r.outcome
        else {
            panic!()
        };
        let resume_id = registration.resume_id.clone();
        let n = registration.to_json(&mut reg_json).unwrap();
        let persisted = WebhookRegistration::from_json(&reg_json[..n]).unwrap();

        // Serialize, drop, restore, route, resume.
        let n = state.to_json(&mut state_json).unwrap();
        drop(state);
        let mut state: ExecutionState = ExecutionState::from_json(&state_json[..n]).unwrap();
        assert!(matches!(
            decide_resume(resume_id.as_str(), Some(&persisted), T0 + 1),
            Decision::Resume(_)
        ));
        let r = executor::resume(
            &wf,
            &mut state,
            &mut h,
            resume_id.as_str(),
            r#"{"approved": true}"#,
            T0 + 1,
        )
        .unwrap();
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(state.output(), r#"{ "result": "approved" }"#);
        let n = state.to_json(&mut state_json).unwrap();
        let done: ExecutionState = ExecutionState::from_json(&state_json[..n]).unwrap();
        assert_eq!(done.status(), ExecutionStatus::Completed);

        // The same through the timeout.
        let mut state: ExecutionState =
            executor::start(&wf, "exec-2", &base, &mut ids, T0).unwrap();
        executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        let n = state.to_json(&mut state_json).unwrap();
        let mut state: ExecutionState = ExecutionState::from_json(&state_json[..n]).unwrap();
        let id = state.waiting_resume_id().unwrap().clone();
        let r =
            executor::expire(&wf, &mut state, &mut h, &expiry(&id), T0 + 25 * 3_600_000).unwrap();
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(state.output(), r#"{ "result": "timed_out" }"#);
        // And a refused double resume.
        let err = executor::resume(&wf, &mut state, &mut h, id.as_str(), "{}", T0).unwrap_err();
        assert_eq!(
            err.to_string_buf().as_str(),
            "Can only resume suspended executions"
        );

        // Signed resume URLs: start signed, render, suspend, persist, restore, resume.
        let mut keys: KeySet = KeySet::new();
        keys.add(ResumeKey::new("k1", b"0123456789abcdef0123456789abcdef").unwrap())
            .unwrap();
        let key = keys.current().unwrap();
        let mut state: ExecutionState =
            executor::start_signed(&wf, "exec-3", &base, &mut ids, T0, key).unwrap();
        let url = state.context().resume_url("wait_approval").unwrap();
        let id = state.context().resume_id("wait_approval").unwrap().clone();
        let (_, query) = url.split_once('?').unwrap();
        assert!(query.starts_with("sig=k1."));
        assert!(matches!(
            verify_query(&keys, SignaturePolicy::Required, id.as_str(), Some(query)),
            Ok(VerifiedBy::Key(_))
        ));
        let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        assert!(core::str::from_utf8(&h.last_log[..h.last_log_len])
            .unwrap()
            .ends_with(url.as_str()));
        let Outcome::Suspended {
            suspension: Suspension::Webhook { resume_url, .. },
            ..
        } = &r.outcome
        else {
            panic!()
        };
        assert_eq!(resume_url, &url);
        let n = state.to_json(&mut state_json).unwrap();
        drop(state);
        let mut state: ExecutionState = ExecutionState::from_json(&state_json[..n]).unwrap();
        assert_eq!(state.context().resume_url("wait_approval").unwrap(), url);
        let r = executor::resume(
            &wf,
            &mut state,
            &mut h,
            id.as_str(),
            r#"{"approved": false}"#,
            T0 + 1,
        )
        .unwrap();
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(state.output(), r#"{ "result": "rejected" }"#);
    });
}

/// The calls a long-running host makes: one `Workspace` and one state kept
/// across executions, states restored in place with `load_json`.
#[test]
fn kept_workspace_and_in_place_restore_do_not_allocate() {
    let mut state_json = [0u8; MAX_STATE_JSON_LEN];
    let mut h = Handlers {
        last_log: [0; 512],
        last_log_len: 0,
    };
    // Made before counting, as a host makes them once.
    let mut ws = Box::new(Workspace::new());
    let wf = Workflow::parse(APPROVAL).unwrap();
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let mut ids = IdGenerator::from_seed([43; 32]);
    let mut kept: Box<ExecutionState> =
        Box::new(executor::start(&wf, "exec-0", &base, &mut ids, T0).unwrap());

    assert_no_alloc("kept workspace, in-place restore", || {
        for (i, approved) in [(1, true), (2, false)] {
            let mut id_buf: heapless::String<16> = heapless::String::new();
            core::fmt::write(&mut id_buf, format_args!("exec-{i}")).unwrap();
            let mut state: ExecutionState =
                executor::start(&wf, &id_buf, &base, &mut ids, T0).unwrap();
            let r = executor::run_in(&wf, &mut state, &mut ws, &mut h, "{}", T0).unwrap();
            assert!(matches!(r.outcome, Outcome::Suspended { .. }));
            let n = state.to_json(&mut state_json).unwrap();
            kept.load_json(&state_json[..n]).unwrap();
            assert_eq!(kept.status(), ExecutionStatus::Suspended);
            let id = kept.waiting_resume_id().unwrap().clone();
            // Not a timer: refused, still without a heap.
            assert!(executor::resume_timer_in(&wf, &mut kept, &mut ws, &mut h, T0).is_err());
            let body = if approved {
                r#"{"approved": true}"#
            } else {
                r#"{"approved": false}"#
            };
            let r = executor::resume_in(&wf, &mut kept, &mut ws, &mut h, id.as_str(), body, T0 + 1)
                .unwrap();
            assert_eq!(r.outcome, Outcome::Completed);
            let want = if approved { "approved" } else { "rejected" };
            assert!(kept.output().contains(want));
        }
        // The timeout branch, and a refused restore that leaves the kept
        // state empty (every call then refuses it).
        let mut state: ExecutionState =
            executor::start(&wf, "exec-3", &base, &mut ids, T0).unwrap();
        executor::run_in(&wf, &mut state, &mut ws, &mut h, "{}", T0).unwrap();
        let n = state.to_json(&mut state_json).unwrap();
        kept.load_json(&state_json[..n]).unwrap();
        let id = kept.waiting_resume_id().unwrap().clone();
        let mut r = RunResult::new();
        executor::expire_into(
            &wf,
            &mut kept,
            &mut ws,
            &mut h,
            &expiry(&id),
            T0 + 25 * 3_600_000,
            &mut r,
        )
        .unwrap();
        assert_eq!(r.outcome, Outcome::Completed);
        assert!(kept.load_json(b"{\"version\": 1}").is_err());
        assert!(
            executor::resume_in(&wf, &mut kept, &mut ws, &mut h, id.as_str(), "{}", T0).is_err()
        );
    });
}

/// The approval flow as a firmware runs it, every large value in the
/// caller's memory: parse into a kept workflow, start signed into a kept
/// state, run and resume into a kept result, serialize, restore in place.
#[test]
fn in_place_calls_do_not_allocate() {
    let mut h = Handlers {
        last_log: [0; 512],
        last_log_len: 0,
    };
    // Made before counting, as a firmware has them in statics.
    let mut wf: Box<Workflow<'static>> = Box::default();
    let mut state: Box<ExecutionState> = Box::default();
    let mut restored: Box<ExecutionState> = Box::default();
    let mut ws: Box<Workspace> = Box::default();
    let mut result: Box<executor::RunResult> = Box::default();
    let mut state_json = [0u8; MAX_STATE_JSON_LEN];
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let mut ids = IdGenerator::from_seed([44; 32]);
    let mut keys: KeySet = KeySet::new();
    keys.add(ResumeKey::new("k1", b"a secret of 16+ bytes").unwrap())
        .unwrap();

    assert_no_alloc("in-place approval flow", || {
        wf.parse_into(APPROVAL).unwrap();
        let key = keys.current().unwrap();
        executor::start_into(&mut state, &wf, "exec-fw", &base, &mut ids, T0, Some(key)).unwrap();
        executor::run_into(&wf, &mut state, &mut ws, &mut h, "{}", T0, &mut result).unwrap();
        let Outcome::Suspended { suspension, .. } = &result.outcome else {
            panic!("not suspended")
        };
        let Suspension::Webhook { resume_url, .. } = suspension else {
            panic!("not a webhook wait")
        };
        let (_, query) = resume_url.split_once('?').unwrap();
        let n = state.to_json(&mut state_json).unwrap();
        restored.load_json(&state_json[..n]).unwrap();
        let id = restored.waiting_resume_id().unwrap().clone();
        assert!(matches!(
            verify_query(&keys, SignaturePolicy::Required, id.as_str(), Some(query)),
            Ok(VerifiedBy::Key(_))
        ));
        executor::resume_into(
            &wf,
            &mut restored,
            &mut ws,
            &mut h,
            id.as_str(),
            r#"{"approved": true}"#,
            T0 + 1,
            &mut result,
        )
        .unwrap();
        assert_eq!(result.outcome, Outcome::Completed);
        assert!(restored.output().contains("approved"));
        // The row to store for the consumed registration.
        let (mut scratch, mut row) = ([0u8; 512], [0u8; MAX_JSON_LEN]);
        let n = restored
            .registration_json(&wf, id.as_str(), &mut scratch, &mut row)
            .unwrap();
        assert!(
            json::find_member(core::str::from_utf8(&row[..n]).unwrap(), "status")
                .unwrap()
                .is_some_and(|s| s == "\"consumed\"")
        );
        // A refused parse leaves the workflow empty, still without a heap.
        assert!(wf.parse_into("{}").is_err());
        assert!(wf.nodes().is_empty());
    });
}
