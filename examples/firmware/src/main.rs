//! The approval flow of Prana webhook on a Cortex-M3 with 64 KiB of RAM
//! (QEMU `lm3s6965evb`), with the core's default capacities.
//!
//! It parses the approval workflow, starts an execution with signed resume
//! URLs, runs it to its wait node, writes the state JSON and restores the
//! state from it in place, checks the raw resume request (path, method,
//! size, signature) and decides on the persisted registration, resumes the
//! execution to completion and refuses a replay of the same request.
//!
//! Every large value lives in a `static` (`.bss`), filled in place where the
//! core has an in-place call (`load_json`, the `*_in` calls with a kept
//! `Workspace`). The stack is painted before the flow and scanned after it:
//! the firmware prints the peak stack, the static RAM (`.data` + `.bss`) and
//! the flash (`.text` + `.rodata`), and exits non-zero through semihosting
//! when the flow fails or the memory is over [`RAM_BUDGET`] /
//! [`STACK_BUDGET`]. `scripts/test-firmware.sh` builds and runs it.

#![no_std]
#![no_main]
// NodeError is returned inline (no heap), like in the core.
#![allow(clippy::result_large_err)]

use core::mem::MaybeUninit;
use core::ptr::{addr_of, addr_of_mut};
use core::sync::atomic::{AtomicUsize, Ordering};

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;

use prana_webhook_core::executor::{
    self, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeHandler, NodeOutput, Outcome,
    Workspace, MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::json;
use prana_webhook_core::registration::{self, WebhookRegistration};
use prana_webhook_core::route::{check_request, decide_resume, Decision, RequestLimits};
use prana_webhook_core::token::resume::{KeySet, ResumeKey, SignaturePolicy};
use prana_webhook_core::url::{BaseUrl, Route};
use prana_webhook_core::wait::Suspension;
use prana_webhook_core::workflow::Workflow;

/// Most static RAM (`.data` + `.bss`) plus peak stack the flow may use.
pub const RAM_BUDGET: usize = 32 * 1024;
/// Most stack the flow may use.
pub const STACK_BUDGET: usize = 8 * 1024;

/// The word painted over the free stack before the flow.
const PAINT: u32 = 0x5EED_C0DE;
/// Stack left unpainted under the painter's own frame.
const PAINT_MARGIN: usize = 64;

/// Room for the state JSON. The approval flow's state takes under 2 KiB;
/// `to_json` fails with the size needed (never truncates) when a state does
/// not fit. The worst case of the default capacities, `MAX_STATE_JSON_LEN`,
/// would not leave room for the stack in 64 KiB with today's core.
const STATE_JSON_LEN: usize = 4096;
const _: () = assert!(STATE_JSON_LEN <= MAX_STATE_JSON_LEN);

const APPROVAL: &str = include_str!("../../workflows/approval.json");
const BASE_URL: &str = "https://gw.example.com/hooks";
const T0: u64 = 1_751_450_400_000;

// The large values of the flow, in `.bss`.
static mut WORKFLOW: MaybeUninit<Workflow<'static>> = MaybeUninit::uninit();
static mut STATE: MaybeUninit<ExecutionState> = MaybeUninit::uninit();
static mut WORKSPACE: Workspace = Workspace::new();
static mut STATE_JSON: [u8; STATE_JSON_LEN] = [0; STATE_JSON_LEN];
static mut REGISTRATION_JSON: [u8; registration::MAX_JSON_LEN] = [0; registration::MAX_JSON_LEN];
static mut REGISTRATION: MaybeUninit<WebhookRegistration> = MaybeUninit::uninit();
static mut KEYS: MaybeUninit<KeySet> = MaybeUninit::uninit();
static mut IDS: MaybeUninit<IdGenerator> = MaybeUninit::uninit();
static mut TARGET: [u8; 512] = [0; 512];

extern "C" {
    // Bounds from cortex-m-rt's `link.x`.
    static __stext: u8;
    static __etext: u8;
    static __srodata: u8;
    static __erodata: u8;
    static __sdata: u8;
    static __edata: u8;
    static __sbss: u8;
    static __ebss: u8;
    static __sheap: u8;
    static _stack_start: u8;
}

/// Address of a linker symbol.
macro_rules! at {
    ($sym:ident) => {
        addr_of!($sym) as usize
    };
}

/// The host's node handlers: `log` (remembers its message), `if` (compares
/// a field of its input with `json::equal`) and `set`.
struct Handlers {
    last_log: [u8; 256],
    last_log_len: usize,
}

fn put(out: &mut [u8], s: &str) -> Result<usize, NodeError> {
    let dst = out
        .get_mut(..s.len())
        .ok_or_else(|| NodeError::new("output_too_large", "output does not fit"))?;
    dst.copy_from_slice(s.as_bytes());
    Ok(s.len())
}

impl NodeHandler for Handlers {
    fn run(&mut self, call: &NodeCall<'_>, out: &mut [u8]) -> Result<NodeOutput, NodeError> {
        let param = |k: &str| json::find_member(call.params, k).ok().flatten();
        match call.node_type {
            "log" => {
                let msg = param("message").and_then(json::plain_str).unwrap_or("");
                let n = msg.len().min(self.last_log.len());
                self.last_log[..n].copy_from_slice(&msg.as_bytes()[..n]);
                self.last_log_len = n;
                Ok(NodeOutput::main(put(out, call.input)?))
            }
            "if" => {
                let field = param("field").and_then(json::plain_str).unwrap_or("");
                let actual = json::find_member(call.input, field).ok().flatten();
                let same = match (actual, param("equals")) {
                    (Some(a), Some(b)) => {
                        json::equal(a, b).map_err(|e| NodeError::from_error(&e))?
                    }
                    _ => false,
                };
                NodeOutput::new(if same { "true" } else { "false" }, put(out, call.input)?)
            }
            "set" => Ok(NodeOutput::main(put(
                out,
                param("value").unwrap_or("null"),
            )?)),
            _ => Err(NodeError::new("unknown_type", call.node_type)),
        }
    }
}

/// Fail the flow with `what` unless `ok`.
fn check(ok: bool, what: &'static str) -> Result<(), &'static str> {
    if ok {
        Ok(())
    } else {
        Err(what)
    }
}

/// The deepest stack seen by the steps measured so far.
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Run a step of the flow on a freshly painted stack and print the stack
/// it used at most (from the top of the stack, so the frames around it are
/// included).
macro_rules! step {
    ($name:literal, $e:expr) => {{
        paint_stack();
        let r = $e;
        let used = peak_stack();
        PEAK.fetch_max(used, Ordering::Relaxed);
        hprintln!("  peak stack in {:<20} {:>6} B", $name, used);
        r
    }};
}

/// The approval flow; every step is checked. Each step is a function of
/// its own, so the temporaries of one step are off the stack in the next.
fn flow() -> Result<(), &'static str> {
    // SAFETY: single-threaded, no interrupts use these statics, and each is
    // borrowed once, here, for the whole flow.
    let (wf, state, ws, state_json, reg_json, reg, keys, ids, target) = unsafe {
        (
            &mut *addr_of_mut!(WORKFLOW),
            &mut *addr_of_mut!(STATE),
            &mut *addr_of_mut!(WORKSPACE),
            &mut *addr_of_mut!(STATE_JSON),
            &mut *addr_of_mut!(REGISTRATION_JSON),
            &mut *addr_of_mut!(REGISTRATION),
            &mut *addr_of_mut!(KEYS),
            &mut *addr_of_mut!(IDS),
            &mut *addr_of_mut!(TARGET),
        )
    };
    let mut h = Handlers {
        last_log: [0; 256],
        last_log_len: 0,
    };
    let base = BaseUrl::parse(BASE_URL).map_err(|_| "parse the base URL")?;
    let wf: &Workflow<'static> = step!("parse the workflow", parse_workflow(wf))?;
    let keys: &KeySet = make_keys(keys)?;
    let ids = ids.write(IdGenerator::from_seed([42; 32]));
    let state = step!("start signed", start(state, wf, &base, ids, keys))?;
    let reg = step!(
        "run to the wait",
        run_to_wait(state, wf, ws, &mut h, reg_json, reg)
    )?;
    step!(
        "to_json + load_json",
        persist_and_restore(state, state_json)
    )?;
    let (target, resume_id) = step!(
        "check + decide",
        check_and_decide(state, &base, keys, reg, target)
    )?;
    step!("resume", resume(state, wf, ws, &mut h, resume_id))?;
    step!(
        "refuse the replay",
        refuse_replay(&base, keys, reg, state, wf, ws, &mut h, target)
    )
}

#[inline(never)]
fn parse_workflow(
    slot: &'static mut MaybeUninit<Workflow<'static>>,
) -> Result<&'static Workflow<'static>, &'static str> {
    Ok(slot.write(Workflow::parse(APPROVAL).map_err(|_| "parse the workflow")?))
}

#[inline(never)]
fn make_keys(slot: &'static mut MaybeUninit<KeySet>) -> Result<&'static KeySet, &'static str> {
    let keys = slot.write(KeySet::new());
    let key =
        ResumeKey::new("k1", b"0123456789abcdef0123456789abcdef").map_err(|_| "make a key")?;
    keys.add(key).map_err(|_| "add the key")?;
    Ok(keys)
}

/// Start signed, into the state's static.
#[inline(never)]
fn start(
    slot: &'static mut MaybeUninit<ExecutionState>,
    wf: &Workflow<'static>,
    base: &BaseUrl,
    ids: &mut IdGenerator,
    keys: &KeySet,
) -> Result<&'static mut ExecutionState, &'static str> {
    let key = keys.current().ok_or("no current key")?;
    let state =
        executor::start_signed(wf, "exec-1", base, ids, T0, key).map_err(|_| "start signed")?;
    Ok(slot.write(state))
}

/// Run to the wait node; persist its registration (through its JSON).
#[inline(never)]
fn run_to_wait(
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    ws: &mut Workspace,
    h: &mut Handlers,
    reg_json: &mut [u8],
    slot: &'static mut MaybeUninit<WebhookRegistration>,
) -> Result<&'static mut WebhookRegistration, &'static str> {
    let url = state
        .context()
        .resume_url("wait_approval")
        .map_err(|_| "resume URL of the wait")?;
    let r = executor::run_in(wf, state, ws, h, r#"{"request": "laptop"}"#, T0)
        .map_err(|_| "run to the wait")?;
    let log = core::str::from_utf8(&h.last_log[..h.last_log_len]).map_err(|_| "log text")?;
    check(
        log.ends_with(url.as_str()),
        "the notification carries the URL",
    )?;
    let Outcome::Suspended {
        suspension:
            Suspension::Webhook {
                registration,
                resume_url,
                ..
            },
        ..
    } = &r.outcome
    else {
        return Err("suspended at the webhook wait");
    };
    check(
        resume_url == &url,
        "the suspension's URL is the rendered one",
    )?;
    let n = registration
        .to_json(reg_json)
        .map_err(|_| "registration to JSON")?;
    let reg =
        WebhookRegistration::from_json(&reg_json[..n]).map_err(|_| "registration from JSON")?;
    Ok(slot.write(reg))
}

/// Write the state JSON, then restore the state from it in place.
#[inline(never)]
fn persist_and_restore(state: &mut ExecutionState, buf: &mut [u8]) -> Result<(), &'static str> {
    let n = state.to_json(buf).map_err(|_| "state to JSON")?;
    state
        .load_json(&buf[..n])
        .map_err(|_| "restore the state")?;
    check(
        state.status() == ExecutionStatus::Suspended,
        "restored suspended",
    )
}

const BODY: &str = r#"{"approved": true}"#;

/// The raw request (the path and query of the resume URL, POST, a body)
/// checked without a store, then decided on the persisted registration,
/// which is consumed. A forged signature is refused with 401. Returns the
/// target and the resume ID of the request.
#[inline(never)]
fn check_and_decide(
    state: &ExecutionState,
    base: &BaseUrl,
    keys: &KeySet,
    reg: &mut WebhookRegistration,
    target: &'static mut [u8; 512],
) -> Result<(&'static str, &'static str), &'static str> {
    let url = state
        .context()
        .resume_url("wait_approval")
        .map_err(|_| "resume URL")?;
    let path = url
        .as_str()
        .strip_prefix("https://gw.example.com")
        .ok_or("URL under the base")?;
    let target = target.get_mut(..path.len()).ok_or("target fits")?;
    target.copy_from_slice(path.as_bytes());
    let target: &'static str = core::str::from_utf8(target).map_err(|_| "target text")?;
    let limits = RequestLimits::default();
    let policy = SignaturePolicy::Required;
    let checked = check_request(base, "POST", target, BODY.len(), &limits, keys, policy)
        .map_err(|_| "check the request")?;
    let Route::Resume { resume_id } = checked.route else {
        return Err("a resume route");
    };
    let Decision::Resume(t) = decide_resume(resume_id, Some(reg), T0 + 1) else {
        return Err("decide to resume");
    };
    check(
        t.resume_id.as_str() == resume_id,
        "the transition is of this ID",
    )?;
    reg.consume(T0 + 1)
        .map_err(|_| "consume the registration")?;

    let mut forged = [0u8; 512];
    let forged = forged.get_mut(..target.len()).ok_or("forged fits")?;
    forged.copy_from_slice(target.as_bytes());
    if let Some(last) = forged.last_mut() {
        *last = if *last == b'A' { b'B' } else { b'A' };
    }
    let forged = core::str::from_utf8(forged).map_err(|_| "forged text")?;
    let refused = check_request(base, "POST", forged, BODY.len(), &limits, keys, policy);
    check(
        matches!(refused, Err(ref r) if r.status == 401),
        "a forged URL gets 401",
    )?;
    Ok((target, resume_id))
}

/// Resume to completion; the output is the approval.
#[inline(never)]
fn resume(
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    ws: &mut Workspace,
    h: &mut Handlers,
    resume_id: &str,
) -> Result<(), &'static str> {
    let r = executor::resume_in(wf, state, ws, h, resume_id, BODY, T0 + 1).map_err(|_| "resume")?;
    check(r.outcome == Outcome::Completed, "completed")?;
    check(
        json::equal(state.output(), r#"{"result": "approved"}"#) == Ok(true),
        "approved",
    )
}

/// A replay: the request still checks, the registration refuses it (409)
/// and so does the execution.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn refuse_replay(
    base: &BaseUrl,
    keys: &KeySet,
    reg: &WebhookRegistration,
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    ws: &mut Workspace,
    h: &mut Handlers,
    target: &str,
) -> Result<(), &'static str> {
    let limits = RequestLimits::default();
    let checked = check_request(
        base,
        "POST",
        target,
        BODY.len(),
        &limits,
        keys,
        SignaturePolicy::Required,
    )
    .map_err(|_| "check the replayed request")?;
    let Route::Resume { resume_id } = checked.route else {
        return Err("a resume route");
    };
    let Decision::Reject(rejection) = decide_resume(resume_id, Some(reg), T0 + 2) else {
        return Err("a replay is refused");
    };
    check(rejection.status == 409, "a replay gets 409")?;
    check(
        executor::resume_in(wf, state, ws, h, resume_id, BODY, T0 + 2).is_err(),
        "the execution refuses a second resume",
    )
}

/// Paint the free stack (from the end of the statics to just under the
/// current frame) with [`PAINT`].
#[inline(never)]
fn paint_stack() {
    let sp = cortex_m::register::msp::read() as usize;
    let mut p = at!(__sheap);
    while p + 4 <= sp - PAINT_MARGIN {
        // SAFETY: the range is RAM between the statics and the stack pointer,
        // used by nothing yet.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Bytes of stack used at most since [`paint_stack`]: from the top of the
/// stack down to the lowest word no longer painted.
fn peak_stack() -> usize {
    let top = at!(_stack_start);
    let mut p = at!(__sheap);
    // SAFETY: reads of RAM between the statics and the stack top.
    while p < top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    top - p
}

/// A fault (a stack that ran into the statics among the causes): report
/// it and fail instead of hanging.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!("flow: FAILED: hard fault at pc {:#010x}", frame.pc());
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::bkpt();
    }
}

#[entry]
fn main() -> ! {
    paint_stack();
    let result = flow();
    let stack = peak_stack().max(PEAK.load(Ordering::Relaxed));
    let flash = (at!(__etext) - at!(__stext)) + (at!(__erodata) - at!(__srodata));
    let data = at!(__edata) - at!(__sdata);
    let bss = at!(__ebss) - at!(__sbss);
    let statics = data + bss;
    let ram_free = at!(_stack_start) - at!(__sheap);

    match result {
        Ok(()) => hprintln!("flow: ok"),
        Err(step) => hprintln!("flow: FAILED at: {}", step),
    }
    hprintln!("flash (.text+.rodata): {} B", flash);
    hprintln!(
        "static RAM (.data+.bss): {} B (.data {} B, .bss {} B)",
        statics,
        data,
        bss
    );
    hprintln!(
        "peak stack: {} B (of {} B free for the stack)",
        stack,
        ram_free
    );
    hprintln!("static RAM + peak stack: {} B", statics + stack);
    let overflow = stack >= ram_free;
    if overflow {
        hprintln!("stack: OVERFLOW (reached the statics)");
    }
    let within = statics + stack <= RAM_BUDGET && stack <= STACK_BUDGET;
    hprintln!(
        "budget (static RAM + stack <= {} B, stack <= {} B): {}",
        RAM_BUDGET,
        STACK_BUDGET,
        if within { "within" } else { "OVER" }
    );
    if result.is_ok() && !overflow && within {
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        debug::exit(debug::EXIT_FAILURE);
    }
    loop {
        cortex_m::asm::bkpt();
    }
}
