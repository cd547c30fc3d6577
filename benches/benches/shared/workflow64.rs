//! The workflow of the executor benchmarks (`benches/executor.rs`, the
//! executor rows of `benches/ffi.rs` and `examples/ffi_calls.rs`), the
//! capacities they run it with, its node handler and the executor group's
//! cycle, in one place so every row runs the same ones.

use prana_webhook_core::executor::{self, NodeCall, NodeError, NodeOutput, Outcome};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::url::BaseUrl;

/// A server's capacities (the core's defaults are a microcontroller's):
/// 64 nodes, 16 webhook waits, 4 KiB payloads and params.
pub type Workflow<'a> = prana_webhook_core::workflow::Workflow<'a, 64, 128>;
pub type ExecutionState = executor::ExecutionState<16, { 64 * 98 }, [u8; 4096]>;
pub type Workspace = executor::Workspace<[u8; 4096], [u8; 4096]>;
pub const MAX_STATE_JSON_LEN: usize = ExecutionState::MAX_JSON_LEN;

pub const T0: u64 = 1_751_450_400_000;

/// 8 blocks of 7 nodes and a wait; the first node is the trigger.
pub fn workflow_json() -> String {
    let mut nodes = Vec::new();
    let mut keys = Vec::new();
    for block in 0..8 {
        for i in 0..7 {
            let key = format!("n{block}_{i}");
            if block == 0 && i == 0 {
                nodes.push(format!(r#"{{"key":"{key}","type":"trigger"}}"#));
            } else if i == 1 {
                nodes.push(format!(
                    r#"{{"key":"{key}","type":"notify","params":{{"text":"approve: {{{{ $execution.wait_{block}.resume_url }}}}"}}}}"#
                ));
            } else {
                nodes.push(format!(
                    r#"{{"key":"{key}","type":"pass","params":{{"i":{i}}}}}"#
                ));
            }
            keys.push(key);
        }
        let key = format!("wait_{block}");
        nodes.push(format!(
            r#"{{"key":"{key}","type":"wait","params":{{"mode":"webhook","timeout_hours":24,"webhook_config":{{"block":{block}}}}}}}"#
        ));
        keys.push(key);
    }
    assert_eq!(nodes.len(), 64);
    let connections: Vec<String> = keys
        .windows(2)
        .map(|w| format!(r#"{{"from":"{}","port":"main","to":"{}"}}"#, w[0], w[1]))
        .collect();
    format!(
        r#"{{"id":"bench64","nodes":[{}],"connections":[{}]}}"#,
        nodes.join(","),
        connections.join(",")
    )
}

/// The node handler of every row: copy the input to the output, port
/// `main` (trivial, so the rows measure the executor, not node work).
#[allow(clippy::result_large_err)]
pub fn handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    let n = call.input.len();
    out[..n].copy_from_slice(call.input.as_bytes());
    Ok(NodeOutput::main(n))
}

/// Start, run, and 8 × (serialize, restore, resume), with `run_in` and
/// `resume_in` (by resume ID), each result returned by value. Returns the
/// resumes.
pub fn full_cycle(
    wf: &Workflow<'_>,
    base: &BaseUrl,
    ids: &mut IdGenerator,
    ws: &mut Workspace,
    buf: &mut [u8],
) -> usize {
    let mut h = handler;
    let mut state: ExecutionState = executor::start(wf, "exec-1", base, ids, T0).unwrap();
    let mut r = executor::run_in(wf, &mut state, ws, &mut h, r#"{"amount":10}"#, T0).unwrap();
    let mut resumes = 0;
    while let Outcome::Suspended { .. } = r.outcome {
        let n = state.to_json(buf).unwrap();
        // In place, as a host that keeps one state per worker restores.
        state.load_json(&buf[..n]).unwrap();
        let id = state.waiting_resume_id().unwrap().clone();
        r = executor::resume_in(
            wf,
            &mut state,
            ws,
            &mut h,
            id.as_str(),
            r#"{"ok":true}"#,
            T0 + 1,
        )
        .unwrap();
        resumes += 1;
    }
    assert_eq!(r.outcome, Outcome::Completed);
    resumes
}
