//! Make a resume URL, read it back from a request target, and walk its
//! registration pending → active → consumed, printing each step.
//!
//! Run: `cargo run -p prana-webhook-core --example resume_flow`

use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::registration::{WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{self, decide_resume, Decision, RequestLimits};
use prana_webhook_core::url::{BaseUrl, Route};

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn seed() -> [u8; 32] {
    use std::io::Read;
    let mut s = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut s))
        .expect("read /dev/urandom");
    s
}

fn main() -> Result<(), prana_webhook_core::Error> {
    let base = BaseUrl::parse("https://gw.example.com/hooks")?;
    let mut ids = IdGenerator::from_seed(seed());

    // Execution start: one pending registration per wait node.
    let mut reg = WebhookRegistration::create(&mut ids, "exec_42", "wait_approval", now_ms())?;
    let url = base.resume_url(&reg.resume_id)?;
    println!(
        "1. execution start  status={}  resume_url={url}",
        reg.status
    );

    // An incoming request, as a gateway would see it.
    let target = &url[url.find("/hooks").unwrap_or(0)..];
    let parsed = route::precheck(&base, "POST", target, 17, &RequestLimits::default())
        .map_err(|r| r.cause.unwrap_or(prana_webhook_core::Error::NotWebhookPath))?;
    let Route::Resume { resume_id } = parsed.route else {
        unreachable!("a resume URL parses to a resume route")
    };
    println!("2. parsed request    POST {target} -> resume_id={resume_id}");

    // Too early: the wait node has not been reached.
    if let Decision::Reject(r) = decide_resume(resume_id, Some(&reg), now_ms()) {
        println!("3. early call        {} {}: {r}", r.status, r.code);
    }

    // The wait node is reached: active for 24 hours.
    let t = reg.activate(now_ms(), 24 * 3_600_000, r#"{"approver":"ops"}"#)?;
    println!(
        "4. wait node reached {} -> {}  expires_at={:?}",
        t.from, t.to, reg.expires_at
    );

    // The call arrives: the decision says which compare-and-set to apply.
    match decide_resume(resume_id, Some(&reg), now_ms()) {
        Decision::Resume(t) => {
            println!(
                "5. resume decided    UPDATE registrations SET status='{}' WHERE resume_id='{}' AND status='{}'",
                t.to, t.resume_id, t.from
            );
            reg.consume(now_ms())?;
        }
        Decision::Reject(r) => println!("5. rejected {} {}", r.status, r.code),
    }
    println!("6. after resume      status={}", reg.status);

    // A second call on the same URL.
    if let Decision::Reject(r) = decide_resume(resume_id, Some(&reg), now_ms()) {
        println!("7. second call       {} {}: {r}", r.status, r.code);
    }

    let mut buf = [0u8; MAX_JSON_LEN];
    let n = reg.to_json(&mut buf)?;
    println!(
        "8. persisted JSON    {}",
        core::str::from_utf8(&buf[..n]).unwrap_or("?")
    );
    Ok(())
}
