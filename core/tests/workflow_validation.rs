//! Workflow validation: duplicate keys, dangling connections, ports,
//! cycles, capacities, the start node, shapes and ids.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

mod common;

use common::executor::*;

mod workflow_validation {
    use super::*;

    fn err(text: &str) -> Error {
        Workflow::parse(text).unwrap_err()
    }

    fn wf(nodes: &str, conns: &str) -> String {
        format!(r#"{{"id": "v", "nodes": [{nodes}], "connections": [{conns}]}}"#)
    }

    const AB: &str = r#"{"key": "a", "type": "log"}, {"key": "b", "type": "log"}"#;

    #[test]
    fn duplicate_key() {
        let e = err(&wf(
            r#"{"key": "a", "type": "x"}, {"key": "a", "type": "y"}"#,
            "",
        ));
        assert_eq!(e.code(), "workflow_duplicate_key");
        assert_eq!(e.to_string_buf().as_str(), "duplicate node key 'a'");
    }

    #[test]
    fn dangling_connections() {
        let e = err(&wf(AB, r#"{"from": "a", "to": "zz"}"#));
        assert_eq!(
            e,
            Error::Workflow(WorkflowError::DanglingConnection {
                index: 0,
                end: "to"
            })
        );
        assert_eq!(
            e.to_string_buf().as_str(),
            "connections[0].to names no node of this workflow"
        );
        let e = err(&wf(
            AB,
            r#"{"from": "a", "to": "b"}, {"from": "q", "to": "b"}"#,
        ));
        assert_eq!(
            e,
            Error::Workflow(WorkflowError::DanglingConnection {
                index: 1,
                end: "from"
            })
        );
    }

    #[test]
    fn ports() {
        let nodes = r#"{"key": "w", "type": "wait", "params": {"mode": "webhook"}}, {"key": "b", "type": "log"}"#;
        let e = err(&wf(nodes, r#"{"from": "w", "port": "done", "to": "b"}"#));
        assert_eq!(e.code(), "workflow_unknown_port");
        assert_eq!(
            e.to_string_buf().as_str(),
            "connections[0]: a wait node has no output port 'done' (main, timeout, error, cancel)"
        );
        for port in ["main", "timeout", "error"] {
            let c = format!(r#"{{"from": "w", "port": "{port}", "to": "b"}}"#);
            assert!(Workflow::parse(&wf(nodes, &c)).is_ok(), "{port}");
        }
        // Other nodes may use any well-formed port.
        assert!(Workflow::parse(&wf(AB, r#"{"from": "a", "port": "maybe_2", "to": "b"}"#)).is_ok());
        for bad in ["Main", "", "a-b", "x y", &"p".repeat(33)] {
            let c = format!(r#"{{"from": "a", "port": "{bad}", "to": "b"}}"#);
            assert_eq!(err(&wf(AB, &c)).code(), "workflow_bad_port", "{bad:?}");
        }
        let e = err(&wf(
            r#"{"key": "a", "type": "if"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}"#,
            r#"{"from": "a", "port": "yes", "to": "b"}, {"from": "a", "port": "yes", "to": "c"}"#,
        ));
        assert_eq!(e.code(), "workflow_port_already_connected");
    }

    #[test]
    fn cycles() {
        let three =
            r#"{"key": "a", "type": "x"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}"#;
        let e = err(&format!(
            r#"{{"id": "v", "start": "a", "nodes": [{three}], "connections": [
                {{"from": "a", "to": "b"}}, {{"from": "b", "to": "c"}}, {{"from": "c", "port": "again", "to": "b"}}]}}"#
        ));
        assert_eq!(e.code(), "workflow_cycle");
        let msg = e.to_string_buf();
        assert!(
            msg.as_str() == "the workflow has a cycle through node 'b'"
                || msg.as_str() == "the workflow has a cycle through node 'c'",
            "{msg}"
        );
        // Without a start node every node has an input: still reported as a cycle.
        let e = err(&wf(
            AB,
            r#"{"from": "a", "to": "b"}, {"from": "b", "to": "a"}"#,
        ));
        assert_eq!(e.code(), "workflow_cycle");
        // A self-loop.
        let e = err(&format!(
            r#"{{"id": "v", "start": "a", "nodes": [{AB}], "connections": [{{"from": "a", "to": "b"}}, {{"from": "b", "port": "x", "to": "b"}}]}}"#
        ));
        assert_eq!(
            e,
            Error::Workflow(WorkflowError::Cycle {
                key: "b".try_into().unwrap()
            })
        );
        // A diamond is not a cycle.
        let diamond = r#"{"key": "a", "type": "if"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}, {"key": "d", "type": "x"}"#;
        let ok = wf(
            diamond,
            r#"{"from": "a", "port": "true", "to": "b"}, {"from": "a", "port": "false", "to": "c"},
               {"from": "b", "to": "d"}, {"from": "c", "to": "d"}"#,
        );
        assert!(Workflow::parse(&ok).is_ok());
    }

    #[test]
    fn over_capacity() {
        let three = wf(
            r#"{"key": "a", "type": "x"}, {"key": "b", "type": "x"}, {"key": "c", "type": "x"}"#,
            r#"{"from": "a", "to": "b"}, {"from": "b", "to": "c"}"#,
        );
        let e = Workflow::<2, 8>::parse_with_capacity(&three).unwrap_err();
        assert_eq!(
            e,
            Error::Capacity {
                what: "workflow nodes",
                limit: 2
            }
        );
        assert_eq!(
            e.to_string_buf().as_str(),
            "capacity exceeded: workflow nodes holds at most 2"
        );
        let e = Workflow::<3, 1>::parse_with_capacity(&three).unwrap_err();
        assert_eq!(
            e,
            Error::Capacity {
                what: "workflow connections",
                limit: 1
            }
        );
        assert!(Workflow::<3, 2>::parse_with_capacity(&three).is_ok());

        // 65 nodes with the defaults.
        let nodes: Vec<_> = (0..65)
            .map(|i| format!(r#"{{"key": "n{i}", "type": "x"}}"#))
            .collect();
        let e = err(&wf(&nodes.join(","), ""));
        assert_eq!(
            e,
            Error::Capacity {
                what: "workflow nodes",
                limit: 16
            }
        );

        // More webhook waits than the state holds.
        let waits = wf(
            r#"{"key": "w1", "type": "wait", "params": {"mode": "webhook"}},
               {"key": "w2", "type": "wait", "params": {"mode": "webhook"}}"#,
            r#"{"from": "w1", "to": "w2"}"#,
        );
        let wf = Workflow::parse(&waits).unwrap();
        let mut ids = IdGenerator::from_seed([0; 32]);
        let e = executor::start::<16, 32, 1, 8, 512>(&wf, "e", &base(), &mut ids, 0).unwrap_err();
        assert_eq!(
            e,
            Error::Capacity {
                what: "webhook wait nodes",
                limit: 1
            }
        );
        // Params of any size parse (the workflow borrows them). Without an
        // expression they reach the handler as they are; with one they are
        // rendered into the workspace, whose size is the limit.
        let params = format!(r#"{{"x": "{}"}}"#, "p".repeat(4096));
        let text =
            format!(r#"{{"id": "v", "nodes": [{{"key": "a", "type": "x", "params": {params}}}]}}"#);
        let wf = Workflow::parse(&text).unwrap();
        let seen = std::cell::Cell::new(0);
        let mut h = |c: &NodeCall<'_>, _: &mut [u8]| -> Result<NodeOutput, NodeError> {
            seen.set(c.params.len());
            Ok(NodeOutput::main(0))
        };
        let mut state = start(&wf, "e", 1);
        let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(seen.get(), params.len());
        let params = format!(r#"{{"x": "{{{{ $execution.id }}}}{}"}}"#, "p".repeat(600));
        let text =
            format!(r#"{{"id": "v", "nodes": [{{"key": "a", "type": "x", "params": {params}}}]}}"#);
        let wf = Workflow::parse(&text).unwrap();
        let mut state = start(&wf, "e", 1);
        let r = executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
        let Outcome::Failed { error, .. } = r.outcome else {
            panic!("{:?}", r.outcome)
        };
        assert_eq!(error.code.as_str(), "capacity_exceeded");
        assert_eq!(
            error.message.as_str(),
            "capacity exceeded: rendered node params holds at most 512 bytes, 610 needed"
        );
    }

    #[test]
    fn start_node() {
        let e = err(&wf(AB, ""));
        assert_eq!(e, Error::Workflow(WorkflowError::AmbiguousStart));
        let named = format!(r#"{{"id": "v", "start": "b", "nodes": [{AB}]}}"#);
        assert_eq!(Workflow::parse(&named).unwrap().start().key, "b");
        let e = err(&format!(r#"{{"id": "v", "start": "zz", "nodes": [{AB}]}}"#));
        assert_eq!(e, Error::Workflow(WorkflowError::UnknownStart));
        let one = wf(AB, r#"{"from": "b", "to": "a"}"#);
        assert_eq!(Workflow::parse(&one).unwrap().start().key, "b");
    }

    #[test]
    fn shapes_and_ids() {
        let cases: &[(&str, &str)] = &[
            (r#"{"nodes": []}"#, "workflow_missing_field"),
            (r#"{"id": "v"}"#, "workflow_missing_field"),
            (r#"{"id": 5, "nodes": []}"#, "workflow_field_type"),
            (r#"{"id": "v", "nodes": {}}"#, "workflow_field_type"),
            (r#"{"id": "bad id", "nodes": []}"#, "id_part_bad_character"),
            (r#"{"id": "v", "nodes": []}"#, "workflow_no_nodes"),
            (r#"{"id": "v", "nodes": [1]}"#, "workflow_bad_node"),
            (
                r#"{"id": "v", "nodes": [{"key": "a"}]}"#,
                "workflow_bad_node",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a.b", "type": "x"}]}"#,
                "workflow_bad_node_key",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "", "type": "x"}]}"#,
                "workflow_bad_node_key",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x y"}]}"#,
                "workflow_bad_node_type",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x", "params": [1]}]}"#,
                "workflow_bad_params",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x"}], "connections": [{"from": "a"}]}"#,
                "workflow_bad_connection",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x"}], "connections": {}}"#,
                "workflow_field_type",
            ),
            (
                r#"{"id": "v", "nodes": [{"key": "a", "type": "x"}],}"#,
                "invalid_json",
            ),
            ("[]", "not_an_object"),
        ];
        for (text, code) in cases {
            assert_eq!(err(text).code(), *code, "{text}");
        }
        // Extra members (documentation) are ignored.
        let ok = r#"{"id": "v", "name": "x", "nodes": [{"key": "a", "type": "x", "position": [1, 2], "description": "d"}]}"#;
        let w = Workflow::parse(ok).unwrap();
        assert_eq!(w.start().params, "{}");
        assert_eq!(w.wait_nodes().count(), 0);
    }
}
