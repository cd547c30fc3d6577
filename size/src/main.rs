//! A firmware-like image for `thumbv7em-none-eabihf` that calls every public
//! operation of the core, so the linker keeps exactly what a device using all
//! of it would carry. Inputs are read through volatile loads from RAM (so
//! nothing is constant-folded away) and results are written with volatile
//! stores (so nothing is dropped). Built and measured by `scripts/size.sh`.
//!
//! It is never run: `_start` is only a root for the linker's garbage
//! collection.

#![no_std]
#![no_main]
// NodeError is returned inline (no heap), like in the core.
#![allow(clippy::result_large_err)]

use core::panic::PanicInfo;
use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

#[cfg(feature = "executor")]
use prana_webhook_core::context::ExecutionContext;
#[cfg(feature = "executor")]
use prana_webhook_core::executor::{
    self, ExecutionState, NodeCall, NodeError, NodeOutput, Outcome,
};
use prana_webhook_core::id::{IdGenerator, ResumeId};
use prana_webhook_core::lifecycle::{check_transition, Status};
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::route::{decide_resume, precheck, Decision, RequestLimits};
#[cfg(all(feature = "executor", feature = "schedule"))]
use prana_webhook_core::time;
use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
#[cfg(feature = "standard-webhooks")]
use prana_webhook_core::token::standard_webhooks::{self as sw, StandardWebhookSecret};
use prana_webhook_core::url::{BaseUrl, Route};
#[cfg(feature = "executor")]
use prana_webhook_core::workflow::Workflow;
#[cfg(feature = "executor")]
use prana_webhook_core::{json, wait};

/// Inputs the "device" receives (a stand-in for a network buffer).
static mut INPUT: [u8; 2048] = [0; 2048];
/// Where results go.
static mut SINK: u32 = 0;
/// Buffers a device would keep in RAM.
static mut JSON_BUF: [u8; 4096] = [0; 4096];
#[cfg(feature = "executor")]
static mut STATE_BUF: [u8; executor::MAX_STATE_JSON_LEN] = [0; executor::MAX_STATE_JSON_LEN];

/// The input as text, read so the compiler cannot see its value.
fn input(offset: usize, len: usize) -> &'static str {
    // SAFETY: single-threaded image; the static is only read here.
    let all: &'static [u8; 2048] = unsafe { &*addr_of!(INPUT) };
    let b = &all[offset..offset + len];
    // SAFETY: a volatile read of one byte keeps the slice opaque.
    let _ = unsafe { read_volatile(&b[0]) };
    core::str::from_utf8(b).unwrap_or("")
}

fn sink(v: usize) {
    // SAFETY: single-threaded image.
    unsafe { write_volatile(addr_of_mut!(SINK), v as u32) };
}

/// A `fmt::Write` that only counts.
#[cfg(all(feature = "executor", feature = "schedule"))]
struct Counter(usize);

#[cfg(all(feature = "executor", feature = "schedule"))]
impl core::fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

#[cfg(feature = "executor")]
fn handler(call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
    let n = call.input.len().min(out.len());
    out[..n].copy_from_slice(&call.input.as_bytes()[..n]);
    Ok(NodeOutput::main(n))
}

// The three parts stay functions of their own, as a firmware's handlers
// would be: inlined into `_start`'s loop, the compiler hoisted hundreds of
// stack addresses out of the loop and spilled them, about 0.9 KiB of code
// that belongs to no operation of the core.
#[inline(never)]
fn everything() -> Option<()> {
    let base = BaseUrl::parse(input(0, 40)).ok()?;
    let mut seed = [0u8; 32];
    seed.copy_from_slice(input(40, 32).as_bytes());
    let mut ids = IdGenerator::from_seed(seed);
    let mut entropy = [0u8; 16];
    entropy.copy_from_slice(input(72, 16).as_bytes());
    let id = ResumeId::generate(input(88, 8), input(96, 8), &entropy).ok()?;
    let url = base.resume_url(&id).ok()?;
    sink(base.trigger_url(input(104, 8)).ok()?.len());
    sink(
        ResumeId::parse(input(112, 60))
            .map(|i| i.as_str().len())
            .unwrap_or(0),
    );

    // Registrations and their JSON.
    let mut reg = WebhookRegistration::create(&mut ids, input(88, 8), input(96, 8), 1).ok()?;
    reg.activate(2, 1000, input(172, 40)).ok()?;
    // SAFETY: single-threaded image; no other reference to the buffer.
    let buf: &mut [u8; 4096] = unsafe { &mut *addr_of_mut!(JSON_BUF) };
    let n = reg.to_json(buf).ok()?;
    let back = WebhookRegistration::from_json(&buf[..n]).ok()?;
    sink(check_transition(back.status, Status::Consumed).is_ok() as usize);

    // Signed URLs and the incoming decision.
    let mut keys: KeySet = KeySet::new();
    keys.add(ResumeKey::new(input(212, 2), input(214, 32).as_bytes()).ok()?)
        .ok()?;
    let mut signed = url.clone();
    keys.sign_url(reg.resume_id.as_str(), &mut signed).ok()?;
    let t = precheck(&base, input(246, 4), &signed, 10, &RequestLimits::default()).ok()?;
    if let Route::Resume { resume_id } = t.route {
        verify_query(&keys, SignaturePolicy::Required, resume_id, t.query).ok()?;
        if let Decision::Resume(tr) = decide_resume(resume_id, Some(&reg), 3) {
            sink(tr.to as usize);
        }
    }
    reg.consume(4).ok()?;

    #[cfg(feature = "standard-webhooks")]
    standard_webhooks()?;

    #[cfg(feature = "executor")]
    executions(&base, &mut ids, buf)?;
    Some(())
}

/// Standard Webhooks signatures of trigger senders.
#[cfg(feature = "standard-webhooks")]
#[inline(never)]
fn standard_webhooks() -> Option<()> {
    let secret = StandardWebhookSecret::from_whsec(input(250, 38)).ok()?;
    let sig = sw::sign(
        &secret,
        input(288, 8),
        1_614_265_330,
        input(296, 64).as_bytes(),
    );
    sink(
        sw::verify(
            &secret,
            input(288, 8),
            input(360, 10),
            input(296, 64).as_bytes(),
            &sig,
            1_614_265_330,
            300,
        )
        .is_ok() as usize,
    );
    Some(())
}

/// Workflows, waits, templates and the executor with its JSON state.
#[cfg(feature = "executor")]
#[inline(never)]
fn executions(base: &BaseUrl, ids: &mut IdGenerator, buf: &mut [u8]) -> Option<()> {
    let base = base.clone();
    let wf = Workflow::parse(input(400, 1200)).ok()?;
    let ctx: ExecutionContext = ExecutionContext::for_workflow(&wf, "e", &base, ids, 0).ok()?;
    sink(ctx.render(input(1600, 64), buf).ok()?);
    sink(wait::parse(input(1664, 64), 0).is_ok() as usize);
    #[cfg(feature = "schedule")]
    {
        let mut ts = Counter(0);
        time::write_rfc3339(time::parse_rfc3339(input(1728, 24))?, &mut ts).ok()?;
        sink(ts.0);
    }
    sink(json::validate(input(1752, 64)).is_ok() as usize);
    sink(json::equal(input(1752, 64), input(1816, 16)).unwrap_or(false) as usize);

    let mut h = handler;
    let mut state: ExecutionState = executor::start(&wf, "e", &base, ids, 0).ok()?;
    let r = executor::run(&wf, &mut state, &mut h, input(1816, 16), 0).ok()?;
    if let Outcome::Suspended { .. } = r.outcome {
        // SAFETY: single-threaded image; no other reference to the buffer.
        let sbuf: &mut [u8] = unsafe { &mut *addr_of_mut!(STATE_BUF) };
        let n = state.to_json(sbuf).ok()?;
        let mut state: ExecutionState = ExecutionState::from_json(&sbuf[..n]).ok()?;
        state.load_json(&sbuf[..n]).ok()?;
        let rid = state.waiting_resume_id()?.clone();
        let r = executor::resume(&wf, &mut state, &mut h, rid.as_str(), "{}", 1).ok()?;
        sink(matches!(r.outcome, Outcome::Completed) as usize);
        let expiry = prana_webhook_core::lifecycle::Transition {
            resume_id: rid.clone(),
            from: Status::Active,
            to: Status::Expired,
        };
        let _ = executor::expire(&wf, &mut state, &mut h, &expiry, 2);
        let _ = executor::resume_timer(&wf, &mut state, &mut h, 3);
    }
    sink(state.to_json(buf).ok()?);
    Some(())
}

/// The image's entry point.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    loop {
        sink(everything().is_some() as usize);
    }
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}
