//! The sizes of the types a host keeps, with the default capacities: they
//! must let a 64 KiB-RAM microcontroller run the approval flow with static
//! RAM + peak stack ≤ 32 KiB. Printed (`--nocapture`) and bounded.

use std::mem::size_of;

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::executor::{
    ExecutionState, Outcome, RunResult, Workspace, DEFAULT_OUTPUT_LEN, DEFAULT_PARAMS_LEN,
    MAX_STATE_JSON_LEN, MAX_TRACE,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::workflow::{Workflow, MAX_CONNECTIONS, MAX_NODES, MAX_WAIT_NODES};
use prana_webhook_core::Error;

#[test]
fn sizes_of_the_default_types() {
    let state = size_of::<ExecutionState>();
    let workspace = size_of::<Workspace>();
    let result = size_of::<RunResult>();
    let workflow = size_of::<Workflow<'static>>();
    println!(
        "defaults: {MAX_NODES} nodes, {MAX_CONNECTIONS} connections, {MAX_WAIT_NODES} webhook waits, \
         trace {MAX_TRACE} bytes, output {DEFAULT_OUTPUT_LEN} bytes, params {DEFAULT_PARAMS_LEN} bytes"
    );
    println!("ExecutionState: {state} bytes");
    println!("ExecutionContext: {} bytes", size_of::<ExecutionContext>());
    println!("Workspace: {workspace} bytes");
    println!("RunResult: {result} bytes");
    println!("Outcome: {} bytes", size_of::<Outcome>());
    println!("Workflow: {workflow} bytes");
    println!("IdGenerator: {} bytes", size_of::<IdGenerator>());
    println!("Error: {} bytes", size_of::<Error>());
    println!("MAX_STATE_JSON_LEN: {MAX_STATE_JSON_LEN} bytes");
    let statics = state + workspace + result + workflow + MAX_STATE_JSON_LEN;
    println!("a firmware's statics for the approval flow: {statics} bytes");

    // Bounds on a 64-bit host; a 32-bit microcontroller's are smaller.
    assert!(state <= 4 * 1024, "ExecutionState: {state}");
    assert_eq!(workspace, DEFAULT_PARAMS_LEN + DEFAULT_OUTPUT_LEN);
    // The suspension carries the registration with its 2 KiB webhook_config.
    assert!(result <= 4 * 1024, "RunResult: {result}");
    assert!(workflow <= 5 * 512, "Workflow: {workflow}");
    const { assert!(MAX_STATE_JSON_LEN <= 7 * 1024) };
    // Leaves more than 14 KiB of the 32 KiB budget for the stack and the rest.
    assert!(statics <= 18 * 1024, "{statics}");
}

/// The empty values are `const`: a firmware keeps them in statics.
#[test]
fn empty_values_are_const() {
    static STATE: ExecutionState = ExecutionState::new();
    static WORKSPACE: Workspace = Workspace::new();
    static RESULT: RunResult = RunResult::new();
    static WORKFLOW: Workflow<'static> = Workflow::new();
    assert_eq!(STATE.workflow_id(), "");
    assert_eq!(STATE.output(), "null");
    assert_eq!(WORKSPACE.output_capacity(), DEFAULT_OUTPUT_LEN);
    assert_eq!(RESULT.outcome, Outcome::Completed);
    assert!(WORKFLOW.nodes().is_empty());
    assert_eq!(WORKFLOW.start().key, "");
}
