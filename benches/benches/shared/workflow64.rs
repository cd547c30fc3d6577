//! The workflow of the executor benchmarks (`benches/executor.rs`, the
//! executor rows of `benches/ffi.rs` and `examples/ffi_calls.rs`), built
//! in one place so every row runs the same one.

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
