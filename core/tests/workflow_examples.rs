//! Every workflow in `examples/workflows/` parses with `Workflow::parse`, as
//! `docs/workflow-format.md` promises, and its webhook flow runs: to the
//! wait, then on through `main` when resumed and through `timeout` when
//! expired. New files in the folder are picked up without editing this test.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::{Path, PathBuf};

use prana_webhook_core::executor::{
    self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome,
};
use prana_webhook_core::lifecycle::{Status, Transition};
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};

fn example_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "expected the example workflows in {}",
        dir.display()
    );
    files
}

/// A stand-in for the host's handlers: `if` takes its `true` port, every
/// other type passes its input on through `main`.
fn handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    out[..call.input.len()].copy_from_slice(call.input.as_bytes());
    match call.node_type {
        "if" => NodeOutput::new("true", call.input.len()),
        _ => Ok(NodeOutput::main(call.input.len())),
    }
}

#[test]
fn every_example_workflow_parses() {
    for path in example_files() {
        let text = fs::read_to_string(&path).unwrap();
        let wf = Workflow::parse(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(wf.id(), stem, "{}: the id names the file", path.display());
        assert!(!wf.nodes().is_empty(), "{}", path.display());
    }
}

#[test]
fn every_example_workflow_suspends_resumes_and_expires() {
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([3; 32]);
    for path in example_files() {
        let text = fs::read_to_string(&path).unwrap();
        let wf = Workflow::parse(&text).unwrap();
        let name = path.display();
        // Twice: once resumed through `main`, once expired through `timeout`.
        for resume in [true, false] {
            let mut state: ExecutionState =
                executor::start(&wf, "exec-1", &base, &mut ids, 1_000).unwrap();
            let r = executor::run(&wf, &mut state, &mut handler, "{}", 1_000).unwrap();
            let Outcome::Suspended {
                node_id,
                suspension: Suspension::Webhook { registration, .. },
            } = &r.outcome
            else {
                panic!("{name}: expected a webhook wait, got {:?}", r.outcome);
            };
            let wait = node_id.as_str().to_owned();
            let id = registration.resume_id.as_str().to_owned();
            let r = if resume {
                executor::resume(&wf, &mut state, &mut handler, &id, "{}", 2_000).unwrap()
            } else {
                let applied = Transition {
                    resume_id: registration.resume_id.clone(),
                    from: Status::Active,
                    to: Status::Expired,
                };
                executor::expire(&wf, &mut state, &mut handler, &applied, 2_000).unwrap()
            };
            assert_eq!(r.outcome, Outcome::Completed, "{name}");
            let port = if resume { "main" } else { "timeout" };
            let step = format!("{wait}:{port}");
            assert!(
                state.trace().as_str().split(',').any(|s| s == step),
                "{name}: trace {} lacks {step}",
                state.trace().as_str()
            );
        }
    }
}
