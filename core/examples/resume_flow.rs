//! The whole host protocol of the executor: parse a workflow, start an
//! execution, run it to its webhook wait, persist the state and the
//! registration rows exactly as the library writes them, then (as a later
//! request would) decide, compare-and-set, restore, resume with the applied
//! transition to completion, and see a replay refused.
//!
//! Run: `cargo run -p prana-webhook-core --example resume_flow`

use std::collections::HashMap;

use prana_webhook_core::executor::{
    self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome, RunResult, DEFAULT_PARAMS_LEN,
};
use prana_webhook_core::lifecycle::Transition;
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
    /// Store the row of `resume_id` exactly as the library writes it.
    fn save_row(
        &mut self,
        wf: &Workflow,
        state: &ExecutionState,
        resume_id: &str,
    ) -> Result<(), Error> {
        let (mut scratch, mut buf) = ([0u8; DEFAULT_PARAMS_LEN], [0u8; MAX_JSON_LEN]);
        let n = state.registration_json(wf, resume_id, &mut scratch, &mut buf)?;
        let json = String::from_utf8_lossy(&buf[..n]).into_owned();
        self.rows.insert(resume_id.to_owned(), json);
        Ok(())
    }

    /// After a call: every transition's row, in order, then the state.
    fn save_result(
        &mut self,
        wf: &Workflow,
        state: &ExecutionState,
        r: &RunResult,
    ) -> Result<(), Error> {
        for t in &r.transitions {
            println!("   store row: {} {} -> {}", t.resume_id, t.from, t.to);
            self.save_row(wf, state, t.resume_id.as_str())?;
        }
        let mut buf = vec![0u8; executor::MAX_STATE_JSON_LEN];
        let n = state.to_json(&mut buf)?;
        self.state = buf[..n].to_vec();
        Ok(())
    }

    /// `UPDATE registrations SET status = :to WHERE resume_id = :id AND
    /// status = :from`: true when exactly one row changed.
    fn compare_and_set(&mut self, t: &Transition, now: u64) -> Result<bool, Error> {
        let Some(json) = self.rows.get(t.resume_id.as_str()) else {
            return Ok(false);
        };
        let mut reg = WebhookRegistration::from_json(json.as_bytes())?;
        if reg.status != t.from {
            return Ok(false);
        }
        reg.consume(now)?;
        let mut buf = [0u8; MAX_JSON_LEN];
        let n = reg.to_json(&mut buf)?;
        let row = String::from_utf8_lossy(&buf[..n]).into_owned();
        self.rows.insert(t.resume_id.as_str().to_owned(), row);
        Ok(true)
    }
}

/// A resume request: look the row up, decide, compare-and-set, restore the
/// state, resume with the applied transition, store what the call returned.
fn handle_resume(
    wf: &Workflow,
    store: &mut Store,
    resume_id: &str,
    now: u64,
) -> Result<(u16, String), Error> {
    let reg = match store.rows.get(resume_id) {
        Some(json) => Some(WebhookRegistration::from_json(json.as_bytes())?),
        None => None,
    };
    match decide_resume(resume_id, reg.as_ref(), now) {
        Decision::Reject(r) => Ok((r.status, r.code.to_owned())),
        Decision::Resume(t) => {
            if !store.compare_and_set(&t, now)? {
                // Another request won: decide again on the fresh row.
                return handle_resume(wf, store, resume_id, now);
            }
            println!(
                "   compare-and-set {} {} -> {}: one row",
                t.resume_id, t.from, t.to
            );
            let mut state: ExecutionState = ExecutionState::from_json(&store.state)?;
            let r = executor::resume_applied(
                wf,
                &mut state,
                &mut handler,
                &t,
                r#"{"approved": true}"#,
                now,
            )?;
            // The applied transition is never returned again; its row as
            // the library has it, then every row the call changed.
            store.save_row(wf, &state, t.resume_id.as_str())?;
            store.save_result(wf, &state, &r)?;
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

    // 1. Start: one pending registration per webhook wait; store each row.
    let mut state: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, t0)?;
    let pending: Vec<String> = state
        .context()
        .registrations()
        .map(|reg| reg.resume_id.as_str().to_owned())
        .collect();
    for id in &pending {
        store.save_row(&wf, &state, id)?;
    }

    // 2. Run to the wait; store the rows it changed and the state.
    let r = executor::run(&wf, &mut state, &mut handler, r#"{"amount": 42}"#, t0)?;
    let Outcome::Suspended {
        node_id,
        suspension: Suspension::Webhook { resume_url, .. },
    } = &r.outcome
    else {
        panic!("expected a webhook suspension, got {:?}", r.outcome);
    };
    println!("1. suspended at {node_id}; resume URL {resume_url}");
    store.save_result(&wf, &state, &r)?;
    println!(
        "2. stored: state {} bytes, {} registration row(s)",
        store.state.len(),
        store.rows.len()
    );
    let resume_id = state
        .waiting_resume_id()
        .expect("waiting")
        .as_str()
        .to_owned();
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
