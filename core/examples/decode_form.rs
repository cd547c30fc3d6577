//! Decode a submitted form body (read from stdin) against a wait's form and
//! print the typed JSON object, or the error code and message (exit 1).
//!
//! `cargo run -p prana-webhook-core --example decode_form -- [CONFIG_FILE] < body`
//!
//! `CONFIG_FILE` is read as for the `approval_page` example: a workflow JSON
//! (its first `webhook_config`) or a bare `webhook_config`; the default is
//! `examples/workflows/expense_form.json`.

use std::io::Read as _;

use prana_webhook_core::{form, json};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/workflows/expense_form.json"
        )
        .to_string()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let config = webhook_config(&text).unwrap_or(&text);
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .expect("read the body from stdin");
    let mut out = vec![0u8; 16 * 1024 + 8 * body.len()];
    match form::decode(config, &body, &mut out) {
        Ok(n) => println!("{}", String::from_utf8_lossy(&out[..n])),
        Err(e) => {
            println!("{}: {e}", e.code());
            std::process::exit(1);
        }
    }
}

/// The value of the first `"webhook_config"` member in the text, if any.
fn webhook_config(workflow: &str) -> Option<&str> {
    let at = workflow.find("\"webhook_config\"")?;
    let after = &workflow[at..];
    let value = after[after.find(':')? + 1..].trim_start();
    let end = json::skip_value(value.as_bytes(), 0).ok()?;
    Some(&value[..end])
}
