//! Render the approval page of a wait to stdout.
//!
//! `cargo run -p prana-webhook-core --example approval_page -- [CONFIG_FILE] [RESUME_URL] [CANCEL_URL]`
//!
//! `CONFIG_FILE` holds a workflow JSON (the `webhook_config` of its first
//! webhook wait is used) or a bare `webhook_config` object; the default is
//! `examples/workflows/expense_form.json`.

use prana_webhook_core::{json, page};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().map_or_else(
        || {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../examples/workflows/expense_form.json"
            )
            .to_string()
        },
        Clone::clone,
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let config = webhook_config(&text).unwrap_or(&text);
    let resume = args.get(1).map_or(
        "http://127.0.0.1:8080/webhook/workflow/resume/webhook_exec_1_approve_0123456789abcdefghjkmnpqrs?sig=example",
        String::as_str,
    );
    let cancel = args.get(2).map(String::as_str);
    let mut out = vec![0u8; 64 * 1024];
    match page::render_wait_page(config, resume, cancel, None, &mut out) {
        Ok(n) => print!("{}", String::from_utf8_lossy(&out[..n])),
        Err(e) => {
            eprintln!("{}: {e}", e.code());
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
