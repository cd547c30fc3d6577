//! The execution state's JSON form: checks on restore, sizes of the
//! worst case, and reading layouts other than the one `to_json` writes.

// Handlers return NodeError (240 bytes) inline: the core has no heap to box it.
#![allow(clippy::result_large_err)]

mod common;

use common::executor::*;

#[test]
fn state_json_is_checked_on_restore() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e10", 14);
    executor::run(
        &wf,
        &mut state,
        &mut Demo::default(),
        r#"{"q": "\"quoted\"\n"}"#,
        T0,
    )
    .unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    assert!(text.contains(r#""status":"suspended""#), "{text}");
    assert!(text.contains(r#""output":{"q": "\"quoted\"\n"}"#), "{text}");
    round_trip(&state);

    // Outputs with long escaped strings restore too.
    let wf2 =
        Workflow::parse(r#"{"id": "x", "nodes": [{"key": "n", "type": "trigger"}]}"#).unwrap();
    let mut ids = IdGenerator::from_seed([14; 32]);
    let mut long: ServerState = executor::start(&wf2, "e10b", &base(), &mut ids, T0).unwrap();
    let payload = format!(
        r#"{{"text": "{}"}}"#,
        r#"line\n\\ \"q\" \u00e9 "#.repeat(150)
    );
    assert!(payload.len() > 3000);
    let mut ws = ServerWorkspace::zeroed();
    executor::run_in(&wf2, &mut long, &mut ws, &mut Demo::default(), &payload, T0).unwrap();
    assert_eq!(long.output(), payload);
    round_trip(&long);

    // A buffer too small reports a size that is enough.
    let mut small = [0u8; 16];
    let Err(Error::BufferTooSmall { needed }) = state.to_json(&mut small) else {
        panic!()
    };
    assert!(needed >= n);

    for (from, to) in [
        (r#""version":3"#, r#""version":1"#),
        (r#""version":3"#, r#""version":2"#),
        (r#""version":3"#, r#""version":4"#),
        (r#""workflow_digest":""#, r#""workflow_digest":"x"#),
        (r#""workflow_digest":""#, r#""workflow_digest":"A"#),
        (r#""status":"suspended""#, r#""status":"sleeping""#),
        (r#""wait_mode":"webhook""#, r#""wait_mode":null"#),
        (r#""execution_id":"e10""#, r#""execution_id":"e11""#),
        (r#""node_id":"wait_approval""#, r#""node_id":"other""#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:Main"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:"#),
        (r#""trace":"trigger:main"#, r#""trace":":main"#),
        (r#""trace":"trigger:main"#, r#""trace":",trigger:main"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:main,"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:main:x"#),
        (r#""trace":"trigger:main"#, r#""trace":"trigger:ma\u0069n"#),
        (r#""trace":"trigger:main"#, r#""trace":"trig ger:main"#),
        (
            r#""trace":"trigger:main,notify:main""#,
            r#""trace":[{"node":"trigger","port":"main"}]"#,
        ),
        (r#""output":{"q""#, r#""output":{q""#),
    ] {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        assert!(
            <ExecutionState>::from_json(bad.as_bytes()).is_err(),
            "accepted {to}"
        );
        // Restoring in place refuses the same, and leaves an empty state
        // that no executor call accepts.
        let mut reused = state.clone();
        assert!(reused.load_json(bad.as_bytes()).is_err(), "accepted {to}");
        assert_eq!(reused.workflow_id(), "");
        assert!(reused.context().slots().is_empty() && reused.trace().as_str().is_empty());
        let e = executor::run(&wf, &mut reused, &mut Demo::default(), "{}", T0).unwrap_err();
        assert_eq!(e.code(), "execution_workflow_mismatch");
        reused.load_json(text.as_bytes()).unwrap();
        assert_eq!(reused, state);
    }
    // A failed state keeps its error, escapes included.
    let wf = Workflow::parse(r#"{"id": "f", "nodes": [{"key": "n", "type": "x"}]}"#).unwrap();
    let mut state = start(&wf, "e12", 15);
    let mut h = |_: &NodeCall<'_>, _: &mut [u8]| -> Result<NodeOutput, NodeError> {
        Err(NodeError::new(
            "bad_thing",
            "a \"quoted\"\\ message\twith\u{1} controls",
        ))
    };
    executor::run(&wf, &mut state, &mut h, "{}", T0).unwrap();
    let back = round_trip(&state);
    assert_eq!(
        back.error().unwrap().message.as_str(),
        "a \"quoted\"\\ message\twith\u{1} controls"
    );
}

/// The largest state a server's capacities allow (64 nodes, 16 webhook
/// waits, 4 KiB outputs) fits its `MAX_JSON_LEN`, and the state stays under
/// 16 KiB.
#[test]
fn sizes_and_worst_case_json() {
    use std::mem::size_of;
    let state_size = size_of::<ServerState>();
    println!("server ExecutionState: {state_size} bytes");
    assert!(state_size < 16 * 1024, "{state_size}");
    const MAX_JSON: usize = ServerState::MAX_JSON_LEN;

    // 64 nodes in a chain: 16 webhook waits with 64-byte keys, 48 others.
    let key = |i: usize| format!("{i:02}{}", "k".repeat(62));
    let mut nodes = Vec::new();
    let mut conns = Vec::new();
    for i in 0..64 {
        let ty = if i % 4 == 2 { "wait" } else { "set" };
        let params = if ty == "wait" {
            r#"{"mode": "webhook", "timeout_hours": 8760}"#.to_string()
        } else {
            r#"{"value": 1}"#.to_string()
        };
        nodes.push(format!(
            r#"{{"key": "{}", "type": "{ty}", "params": {params}}}"#,
            key(i)
        ));
        if i > 0 {
            conns.push(format!(
                r#"{{"from": "{}", "port": "main", "to": "{}"}}"#,
                key(i - 1),
                key(i)
            ));
        }
    }
    let text = format!(
        r#"{{"id": "{}", "nodes": [{}], "connections": [{}]}}"#,
        "w".repeat(64),
        nodes.join(","),
        conns.join(",")
    );
    let wf = Workflow::<64, 128>::parse_with_capacity(&text).unwrap();
    let exec = "e".repeat(64);
    let base = BaseUrl::parse(&format!("https://{}", "h".repeat(247))).unwrap();
    assert_eq!(base.as_str().len(), 255);
    let mut ids = IdGenerator::from_seed([16; 32]);
    // Signed with the longest key id: every registration carries the
    // longest `sig` (31 bytes), in its URLs and in the state JSON.
    let key = prana_webhook_core::token::resume::ResumeKey::new("abcd1234", &[7; 32]).unwrap();
    let mut state: ServerState =
        executor::start_signed(&wf, &exec, &base, &mut ids, u64::MAX / 4, &key).unwrap();
    for (_, url) in state.context().resume_urls() {
        assert!(url.contains("?sig=abcd1234."), "{url}");
    }
    // Outputs are as large as allowed, of characters that need no escaping.
    let big = format!("\"{}\"", "y".repeat(4096 - 2));
    let mut h = |c: &NodeCall<'_>, out: &mut [u8]| -> Result<NodeOutput, NodeError> {
        if c.node_id.starts_with("63") {
            return Err(NodeError::new(&"\u{1}".repeat(40), &"\u{1}".repeat(300)));
        }
        Ok(NodeOutput::main(put(out, &big)?))
    };
    let mut max_seen = 0;
    let mut ws = ServerWorkspace::zeroed();
    let mut r = executor::run_in(&wf, &mut state, &mut ws, &mut h, "{}", u64::MAX / 4).unwrap();
    let mut buf = vec![0u8; MAX_JSON];
    loop {
        let n = state.to_json(&mut buf).unwrap();
        max_seen = max_seen.max(n);
        match &r.outcome {
            Outcome::Suspended { .. } => {
                let id = state.waiting_resume_id().unwrap().clone();
                r = executor::resume_in(
                    &wf,
                    &mut state,
                    &mut ws,
                    &mut h,
                    id.as_str(),
                    &big,
                    u64::MAX / 4,
                )
                .unwrap();
            }
            Outcome::Failed { error, .. } => {
                assert_eq!(error.code.len(), 32);
                break;
            }
            Outcome::Completed | Outcome::Cancelled { .. } => panic!("node 63 fails"),
        }
    }
    assert_eq!(state.trace().count(), 63);
    round_trip(&state);
    println!("largest state JSON seen: {max_seen} bytes");
    assert!(max_seen <= MAX_JSON);
}

/// A state's JSON loads the same whatever its layout: whitespace, member
/// order and members the reader does not know do not matter (only the
/// exact form `to_json` writes takes the reader's fast path).
#[test]
fn state_json_in_other_layouts_loads_the_same() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e20", 21);
    executor::run(
        &wf,
        &mut state,
        &mut Demo::default(),
        r#"{"amount": 10}"#,
        T0,
    )
    .unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    assert!(
        text.contains(r#""trace":"trigger:main,notify:main","#),
        "{text}"
    );

    let spaced = text
        .replace(r#""trace":"#, "\"trace\" :\n ")
        .replace("},{", "},\n\t{")
        .replace(r#""registrations":["#, "\"registrations\" : [ ")
        .replace(r#","status":"#, ", \"status\" : ");
    let (head, output) = text.split_once(r#","output":"#).unwrap();
    let reordered = format!(
        r#"{{"output":{},{}}}"#,
        &output[..output.len() - 1],
        &head[1..]
    );
    let extra = text
        .replacen('{', r#"{"note":{"x":[1,{"y":null}]},"#, 1)
        .replace(r#"{"node_id":"#, r#"{"seen":true,"node_id":"#)
        .replace(r#","created_at":"#, r#","n":-1.5e3,"created_at":"#);
    for variant in [spaced, reordered, extra] {
        assert_ne!(variant, text);
        let back: ExecutionState = ExecutionState::from_json(variant.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {variant}"));
        assert_eq!(back, state, "{variant}");
        let m = back.to_json(&mut buf).unwrap();
        assert_eq!(std::str::from_utf8(&buf[..m]).unwrap(), text);
    }
}

/// The exact form `to_json` writes and any other layout accept and refuse
/// the same texts: here outputs nested at and past the depth limit.
#[test]
fn compact_and_general_state_reading_agree_on_nesting() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e30", 31);
    executor::run(&wf, &mut state, &mut Demo::default(), "{}", T0).unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    let (head, _) = text.split_once(r#","output":"#).unwrap();
    for depth in [30, 31, 32, 33] {
        let output = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let compact = format!(r#"{head},"output":{output}}}"#);
        let spaced = compact.replacen(r#""version":"#, r#" "version" : "#, 1);
        let a = <ExecutionState>::from_json(compact.as_bytes()).map(|s| s.output().len());
        let b = <ExecutionState>::from_json(spaced.as_bytes()).map(|s| s.output().len());
        assert_eq!(a.is_ok(), b.is_ok(), "depth {depth}: {a:?} {b:?}");
        assert_eq!(a.is_ok(), depth < 32, "depth {depth}: {a:?}");
    }
}

/// The exact form checks the trace while it finds its end; any other
/// layout reads the string first and checks it after: both accept the same
/// traces and refuse the others with the same error.
#[test]
fn compact_and_general_state_reading_agree_on_traces() {
    let wf = Workflow::parse(APPROVAL).unwrap();
    let mut state = start(&wf, "e31", 32);
    executor::run(&wf, &mut state, &mut Demo::default(), "{}", T0).unwrap();
    let mut buf = vec![0u8; MAX_STATE_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap().to_string();
    let from = r#""trace":"trigger:main,notify:main""#;
    assert!(text.contains(from), "{text}");
    let node64 = "n".repeat(64);
    let node65 = "n".repeat(65);
    let port32 = "p".repeat(32);
    let port33 = "p".repeat(33);
    let good = [
        String::new(),
        "trigger:main".to_string(),
        "trigger:main,notify:main".to_string(),
        "a:mainx,b:main_2,c:ma,d:m".to_string(),
        "A-b_9:error,x:main".to_string(),
        format!("{node64}:{port32}"),
    ];
    let bad = [
        "trigger".to_string(),
        "trigger:".to_string(),
        ":main".to_string(),
        ",trigger:main".to_string(),
        "trigger:main,".to_string(),
        "trigger:main,,n:main".to_string(),
        "trigger:main:x".to_string(),
        "trigger:Main".to_string(),
        "trigger:ma\\u0069n".to_string(),
        "trigger:main\\\"".to_string(),
        "trigger:main\\n".to_string(),
        "trig ger:main".to_string(),
        "tr\u{e9}:main".to_string(),
        "t:m\u{e9}".to_string(),
        "t:main\u{1}".to_string(),
        format!("{node65}:main"),
        format!("n:{port33}"),
    ];
    for (trace, ok) in good
        .iter()
        .map(|t| (t, true))
        .chain(bad.iter().map(|t| (t, false)))
    {
        let compact = text.replacen(from, &format!(r#""trace":"{trace}""#), 1);
        let spaced = compact.replacen(r#""version":"#, r#" "version" : "#, 1);
        let a = <ExecutionState>::from_json(compact.as_bytes()).map(|s| s.trace().count());
        let b = <ExecutionState>::from_json(spaced.as_bytes()).map(|s| s.trace().count());
        assert_eq!(a.is_ok(), ok, "{trace:?}: {a:?}");
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{trace:?}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{trace:?}"),
            (a, b) => panic!("{trace:?}: {a:?} {b:?}"),
        }
    }
}

#[test]
fn json_len_is_the_exact_length_of_to_json() {
    use prana_webhook_core::executor::{self, ExecutionState};
    use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
    let wf: Workflow = Workflow::parse(
        r#"{"id": "wf", "nodes": [
        {"key": "w", "type": "wait", "params": {"mode": "webhook", "webhook_config": {"q": "a\"b\n"}}}],
        "connections": []}"#,
    )
    .unwrap();
    let base = BaseUrl::parse("https://gw.example.com").unwrap();
    let mut ids = IdGenerator::from_seed([3; 32]);
    let mut state: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, 7).unwrap();
    let mut buf = [0u8; <ExecutionState>::MAX_JSON_LEN];
    let n = state.to_json(&mut buf).unwrap();
    assert_eq!(state.json_len(), n);
    // Suspended, with an output and a trace: still exact.
    let mut h = |_: &executor::NodeCall<'_>,
                 _: &mut [u8]|
     -> Result<executor::NodeOutput, executor::NodeError> { unreachable!() };
    executor::run(&wf, &mut state, &mut h, r#"{"text":"é\u0001"}"#, 9).unwrap();
    let n = state.to_json(&mut buf).unwrap();
    assert_eq!(state.json_len(), n);
    // One byte less does not fit; the exact size does.
    assert!(state.to_json(&mut buf[..n - 1]).is_err());
    assert_eq!(state.to_json(&mut buf[..n]).unwrap(), n);
}
