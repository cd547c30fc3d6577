//! The whole host protocol of the executor: parse a workflow, start an
//! execution, run it to its webhook wait, persist the state and the
//! registration rows, then (as a later request would) restore, decide the
//! resume, resume to completion, and see a replay refused.
//!
//! Run: `cargo run -p prana-webhook-core --example resume_flow`

use std::collections::HashMap;

use prana_webhook_core::executor::{
    self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome,
};
use prana_webhook_core::registration::{WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{decide_resume, Decision};
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow, Error};

const WORKFLOW: &str = r#"{"id": "approval", "start": "trigger", "nodes": [
    {"key": "trigger", "type": "trigger"},
    {"key": "wait", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 24}},
    {"key": "done", "type": "echo"}],
  "connections": [{"from": "trigger", "port": "main", "to": "wait"},
                  {"from": "wait", "port": "main", "to": "done"}]}"#;

/// The host's node handler: `echo` outputs its input on `main`.
// The signature is the executor's (`NodeHandler`); NodeError is inline, no heap.
#[allow(clippy::result_large_err)]
fn handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    match call.node_type {
        "echo" => {
            out[..call.input.len()].copy_from_slice(call.input.as_bytes());
            Ok(NodeOutput::main(call.input.len()))
        }
        other => Err(NodeError::new("unknown_node", other)),
    }
}

/// The "database": registration rows by resume ID, and the state JSON.
#[derive(Default)]
struct Store {
    rows: HashMap<String, String>,
    state: Vec<u8>,
}

impl Store {
    fn save_row(&mut self, reg: &WebhookRegistration) -> Result<(), Error> {
        let mut buf = [0u8; MAX_JSON_LEN];
        let n = reg.to_json(&mut buf)?;
        let json = String::from_utf8_lossy(&buf[..n]).into_owned();
        self.rows.insert(reg.resume_id.as_str().to_owned(), json);
        Ok(())
    }
}

/// A resume request: decide on the stored row, apply the transition (a
/// compare-and-set in a real store), restore the state and resume.
fn handle_resume(
    wf: &Workflow,
    store: &mut Store,
    resume_id: &str,
    now: u64,
) -> Result<(u16, String), Error> {
    let mut reg = match store.rows.get(resume_id) {
        Some(json) => Some(WebhookRegistration::from_json(json.as_bytes())?),
        None => None,
    };
    match decide_resume(resume_id, reg.as_ref(), now) {
        Decision::Reject(r) => Ok((r.status, r.code.to_owned())),
        Decision::Resume(t) => {
            println!(
                "   UPDATE registrations SET status='{}' WHERE resume_id='{}' AND status='{}'",
                t.to, t.resume_id, t.from
            );
            let reg = reg.as_mut().expect("a resume decision has a registration");
            reg.consume(now)?;
            store.save_row(reg)?;
            let mut state: ExecutionState = ExecutionState::from_json(&store.state)?;
            let r = executor::resume(
                wf,
                &mut state,
                &mut handler,
                resume_id,
                r#"{"approved": true}"#,
                now,
            )?;
            // The first transition is the consume applied above; the rest
            // (expiries of waits left unused) go to the store the same way.
            for t in r.transitions.iter().skip(1) {
                println!("   then {} -> {} for {}", t.from, t.to, t.resume_id);
            }
            assert_eq!(r.outcome, Outcome::Completed);
            println!("   completed with output {}", state.output());
            Ok((200, "ok".to_owned()))
        }
    }
}

fn main() -> Result<(), Error> {
    let t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, unix ms
    let wf = Workflow::parse(WORKFLOW)?;
    let base = BaseUrl::parse("https://hooks.example.com")?;
    let mut ids = IdGenerator::from_seed([7; 32]); // a real host seeds from the OS
    let mut store = Store::default();

    // 1. Start: one pending registration per webhook wait; store them.
    let mut state: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, t0)?;
    for reg in state.context().registrations() {
        store.save_row(&reg)?;
    }

    // 2. Run to the wait; store the activated registration and the state.
    let r = executor::run(&wf, &mut state, &mut handler, r#"{"amount": 42}"#, t0)?;
    let Outcome::Suspended {
        node_id,
        suspension:
            Suspension::Webhook {
                registration,
                resume_url,
                ..
            },
    } = &r.outcome
    else {
        panic!("expected a webhook suspension, got {:?}", r.outcome);
    };
    println!("1. suspended at {node_id}; resume URL {resume_url}");
    store.save_row(registration)?;
    let mut buf = vec![0u8; executor::MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf)?;
    store.state = buf[..n].to_vec();
    println!(
        "2. stored: state {n} bytes, {} registration row(s)",
        store.rows.len()
    );
    let resume_id = registration.resume_id.as_str().to_owned();
    drop(state); // the process may end here: everything is stored

    // 3. An hour later the resume URL is called.
    println!("3. resume request");
    let (status, _) = handle_resume(&wf, &mut store, &resume_id, t0 + 3_600_000)?;
    assert_eq!(status, 200);

    // 4. The same request again (a replay) is refused.
    let (status, code) = handle_resume(&wf, &mut store, &resume_id, t0 + 3_600_001)?;
    println!("4. replay: {status} {code}");
    assert_eq!((status, code.as_str()), (409, "webhook_already_used"));
    Ok(())
}
