//! State JSON versions: states saved as version 2 (before workflow
//! digests) still load and run, and an execution refuses a definition
//! other than the one it started with.

#![allow(clippy::result_large_err)]

use prana_webhook_core::executor::{
    self, ExecutionError, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeOutput,
    Outcome, MAX_STATE_JSON_LEN, STATE_VERSION,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::workflow::Workflow;
use prana_webhook_core::Error;
use sha2::{Digest, Sha256};

const APPROVAL: &str = include_str!("../../examples/workflows/approval.json");
/// Written by the library before workflow digests (version 2).
const V2_SUSPENDED: &str = include_str!("data/state_v2_suspended.json");
const V2_SUSPENDED_SIGNED: &str = include_str!("data/state_v2_suspended_signed.json");
const V2_COMPLETED: &str = include_str!("data/state_v2_completed.json");
const T0: u64 = 1_751_450_400_000;

fn handler(c: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    let text = match c.node_type {
        "set" => r#"{"result":"approved"}"#,
        _ => c.input,
    };
    out[..text.len()].copy_from_slice(text.as_bytes());
    let port = match c.node_type {
        "if" if c.input.contains("true") => "true",
        "if" => "false",
        _ => "main",
    };
    NodeOutput::new(port, text.len())
}

fn to_json(state: &ExecutionState) -> String {
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn version_2_states_load_run_and_bind_to_their_definition() {
    assert_eq!(STATE_VERSION, 3);
    let wf = Workflow::parse(APPROVAL).unwrap();
    for text in [V2_SUSPENDED, V2_SUSPENDED_SIGNED, V2_COMPLETED] {
        assert!(text.starts_with(r#"{"version":2,"#));
        let state: ExecutionState = ExecutionState::from_json(text.as_bytes()).unwrap();
        assert_eq!(state.workflow_id(), "approval");
        assert_eq!(state.workflow_digest(), None);
        // Written back as version 3 with no digest yet: the same state.
        let v3 = to_json(&state);
        assert!(v3.starts_with(r#"{"version":3,"workflow_id":"approval","workflow_digest":null,"#));
        let again: ExecutionState = ExecutionState::from_json(v3.as_bytes()).unwrap();
        assert_eq!(again, state);
        // Everything else reads as it was written.
        assert_eq!(
            v3.replace(r#""version":3,"#, r#""version":2,"#)
                .replace(r#""workflow_digest":null,"#, ""),
            text
        );
    }

    let mut state: ExecutionState = ExecutionState::from_json(V2_SUSPENDED.as_bytes()).unwrap();
    assert_eq!(state.status(), ExecutionStatus::Suspended);
    assert_eq!(state.output(), r#"{"amount": 10}"#);
    let id = state.waiting_resume_id().unwrap().clone();
    let mut h = handler;
    let r = executor::resume(
        &wf,
        &mut state,
        &mut h,
        id.as_str(),
        r#"{"approved": true}"#,
        T0 + 1,
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(state.output(), r#"{"result":"approved"}"#);
    // The call bound it to the definition it ran with.
    let digest: [u8; 32] = Sha256::digest(APPROVAL.as_bytes()).into();
    assert_eq!(state.workflow_digest(), Some(&digest));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert!(to_json(&state).contains(&format!(r#""workflow_digest":"{hex}""#)));
}

#[test]
fn another_definition_of_the_workflow_is_refused() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    assert_eq!(
        wf.digest(),
        &<[u8; 32]>::from(Sha256::digest(APPROVAL.as_bytes()))
    );
    let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
    let mut ids = IdGenerator::from_seed([8; 32]);
    let mut state: ExecutionState = executor::start(&wf, "exec-d", &base, &mut ids, T0).unwrap();
    let mut h = handler;
    executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    let saved = to_json(&state);

    // Same id and node keys, one node's type changed.
    let changed_text = APPROVAL.replacen(r#""type": "set""#, r#""type": "exec""#, 1);
    assert_ne!(changed_text, APPROVAL);
    let changed = Workflow::parse(&changed_text).unwrap();
    let id = state.waiting_resume_id().unwrap().clone();
    let e = executor::resume(&changed, &mut state, &mut h, id.as_str(), "{}", T0 + 1).unwrap_err();
    let prefix = |d: &[u8; 32]| [d[0], d[1], d[2], d[3]];
    assert_eq!(
        e,
        Error::Execution(ExecutionError::DigestMismatch {
            started_with: prefix(wf.digest()),
            given: prefix(changed.digest()),
        })
    );
    assert_eq!(e.code(), "execution_workflow_mismatch");
    let hex = |d: &[u8; 32]| {
        d[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(
        e.to_string_buf().as_str(),
        format!(
            "the execution started with workflow definition sha256:{}…, this definition is sha256:{}…",
            hex(wf.digest()),
            hex(changed.digest())
        )
    );
    // Refused, nothing changed; expire and timers refuse it too.
    assert_eq!(to_json(&state), saved);
    let expiry = Transition {
        resume_id: id.clone(),
        from: Status::Active,
        to: Status::Expired,
    };
    assert!(executor::expire(&changed, &mut state, &mut h, &expiry, T0 + 1).is_err());
    assert!(executor::resume_timer(&changed, &mut state, &mut h, T0 + 1).is_err());
    // Restored, the state still knows its definition.
    let mut restored: ExecutionState = ExecutionState::from_json(saved.as_bytes()).unwrap();
    assert!(executor::resume(&changed, &mut restored, &mut h, id.as_str(), "{}", T0 + 1).is_err());
    let r = executor::resume(&wf, &mut restored, &mut h, id.as_str(), "{}", T0 + 1).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    // A new execution of the changed definition runs.
    let mut other: ExecutionState =
        executor::start(&changed, "exec-e", &base, &mut ids, T0).unwrap();
    assert!(executor::run(&changed, &mut other, &mut h, "{}", T0).is_ok());
}
