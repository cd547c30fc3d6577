//! The approval flow of Prana webhook on a Cortex-M3 with 64 KiB of RAM
//! (QEMU `lm3s6965evb`), with the core's default capacities, in the order
//! of the host protocol:
//!
//! 1. parse the workflow into a static ([`Workflow::parse_into`]);
//! 2. start the execution with signed resume URLs into a static
//!    ([`executor::start_into`]) and store its pending registration rows;
//! 3. run it to its wait node ([`executor::run_into`]), apply the
//!    transitions to the rows with compare-and-set and persist the state
//!    JSON and every row ([`ExecutionState::registration_json`]);
//! 4. restore the state from its JSON in place
//!    ([`ExecutionState::load_json`]);
//! 5. check the raw resume request (path, method, size, signature), decide
//!    on the stored row and compare-and-set it active → consumed;
//! 6. resume with that applied transition ([`executor::resume_applied_into`])
//!    to completion and persist again;
//! 7. refuse a replay of the same request (409), a forged signature (401)
//!    and a body over the payload capacity (413).
//!
//! Every large value lives in a `static` (`.bss`) made by a
//! [`ConstStaticCell`] from the core's all-zero `const fn new()` (or
//! [`WebhookRegistration::empty`]) and filled in place; nothing large is
//! built on the stack and moved, and no `static mut` is needed. The only
//! `unsafe` is the stack paint (raw reads and writes of the free stack) and
//! the signature cortex-m-rt requires of the fault handler. The stack is
//! painted before each step and scanned after it: the firmware prints the
//! peak stack of each step, the static RAM (`.data` + `.bss`) and the
//! flash (`.text` + `.rodata`), and exits non-zero through semihosting
//! when the flow fails or the memory is over [`RAM_BUDGET`] /
//! [`STACK_BUDGET`]. `scripts/test-firmware.sh` builds and runs it.

#![no_std]
#![no_main]
// NodeError is returned inline (no heap), like in the core.
#![allow(clippy::result_large_err)]

use core::ptr::addr_of;
use core::sync::atomic::{AtomicUsize, Ordering};

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;
use static_cell::ConstStaticCell;

use prana_webhook_core::executor::{
    self, ExecutionState, ExecutionStatus, NodeCall, NodeError, NodeHandler, NodeOutput, Outcome,
    RunResult, Workspace, DEFAULT_OUTPUT_LEN, DEFAULT_PARAMS_LEN, MAX_STATE_JSON_LEN,
};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::{Status, Transition};
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

/// The word painted over the free stack before each step.
const PAINT: u32 = 0x5EED_C0DE;
/// Stack left unpainted under the painter's own frame.
const PAINT_MARGIN: usize = 64;

/// Registration rows the host's store holds: one per webhook wait of the
/// approval workflow. A host sizes its store for its workflows (at most
/// `MAX_WAIT_NODES` rows per execution).
const STORE_ROWS: usize = 1;
/// Room for the request target (path and query) of a resume request.
const TARGET_LEN: usize = 512;

const APPROVAL: &str = include_str!("../../workflows/approval.json");
const BASE_URL: &str = "https://gw.example.com/hooks";
const ORIGIN: &str = "https://gw.example.com";
const BODY: &str = r#"{"approved": true}"#;
const T0: u64 = 1_751_450_400_000;

// The large values of the flow: all zeros, in `.bss`, each taken once.
static WORKFLOW: ConstStaticCell<Workflow<'static>> = ConstStaticCell::new(Workflow::new());
static STATE: ConstStaticCell<ExecutionState> = ConstStaticCell::new(ExecutionState::new());
static WORKSPACE: ConstStaticCell<Workspace> = ConstStaticCell::new(Workspace::new());
static RESULT: ConstStaticCell<RunResult> = ConstStaticCell::new(RunResult::new());
static STATE_JSON: ConstStaticCell<[u8; MAX_STATE_JSON_LEN]> =
    ConstStaticCell::new([0; MAX_STATE_JSON_LEN]);
static STORE: ConstStaticCell<Store> = ConstStaticCell::new(Store::new());
static SCRATCH: ConstStaticCell<[u8; DEFAULT_PARAMS_LEN]> =
    ConstStaticCell::new([0; DEFAULT_PARAMS_LEN]);
static KEYS: ConstStaticCell<KeySet> = ConstStaticCell::new(KeySet::new());
static HANDLERS: ConstStaticCell<Handlers> = ConstStaticCell::new(Handlers::new());
static TARGET: ConstStaticCell<[u8; TARGET_LEN]> = ConstStaticCell::new([0; TARGET_LEN]);
static ROW: ConstStaticCell<WebhookRegistration> =
    ConstStaticCell::new(WebhookRegistration::empty());

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

impl Handlers {
    const fn new() -> Self {
        Handlers {
            last_log: [0; 256],
            last_log_len: 0,
        }
    }

    fn last_log(&self) -> &str {
        core::str::from_utf8(&self.last_log[..self.last_log_len]).unwrap_or("")
    }
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

/// One stored registration row: its JSON, as a host keeps it.
struct Row {
    json: [u8; registration::MAX_JSON_LEN],
    len: usize,
}

/// The host's registration store: rows by resume ID, changed only by
/// compare-and-set on their status.
struct Store {
    rows: [Row; STORE_ROWS],
    used: usize,
    /// A row read back for a decision, filled in place.
    reg: Option<&'static mut WebhookRegistration>,
}

impl Store {
    const fn new() -> Self {
        Store {
            rows: [const {
                Row {
                    json: [0; registration::MAX_JSON_LEN],
                    len: 0,
                }
            }; STORE_ROWS],
            used: 0,
            reg: None,
        }
    }

    fn text(row: &Row) -> &str {
        core::str::from_utf8(&row.json[..row.len]).unwrap_or("")
    }

    /// A member of a row that is a plain JSON string (`resume_id`, `status`).
    fn member<'a>(row: &'a Row, key: &str) -> Option<&'a str> {
        json::find_member(Self::text(row), key)
            .ok()
            .flatten()
            .and_then(json::plain_str)
    }

    fn find(&mut self, resume_id: &str) -> Option<&mut Row> {
        self.rows[..self.used]
            .iter_mut()
            .find(|r| Self::member(r, "resume_id") == Some(resume_id))
    }

    /// The row of `resume_id` read into the store's registration, in place.
    fn read(&mut self, resume_id: &str) -> Result<&mut WebhookRegistration, &'static str> {
        let reg = self.reg.take().ok_or("the store's registration")?;
        let read = match self.find(resume_id) {
            Some(row) => reg
                .load_json(&row.json[..row.len])
                .map_err(|_| "read the row"),
            None => Err("the row of the request"),
        };
        let reg = self.reg.insert(reg);
        read.map(|()| &mut **reg)
    }

    /// Insert the row of `resume_id` as `state` has it (a new pending row).
    fn insert(
        &mut self,
        state: &ExecutionState,
        wf: &Workflow<'_>,
        resume_id: &str,
        scratch: &mut [u8],
    ) -> Result<(), &'static str> {
        check(self.find(resume_id).is_none(), "a new row")?;
        let row = self.rows.get_mut(self.used).ok_or("the store has room")?;
        row.len = state
            .registration_json(wf, resume_id, scratch, &mut row.json)
            .map_err(|_| "the registration row")?;
        self.used += 1;
        Ok(())
    }

    /// Compare-and-set: the row must still have `t.from`; it becomes the row
    /// `state` has now (whose status must be `t.to`).
    fn apply(
        &mut self,
        t: &Transition,
        state: &ExecutionState,
        wf: &Workflow<'_>,
        scratch: &mut [u8],
    ) -> Result<(), &'static str> {
        let id = t.resume_id.as_str();
        let row = self.find(id).ok_or("the row of a transition")?;
        check(
            Self::member(row, "status") == Some(t.from.as_str()),
            "compare-and-set: the row has the old status",
        )?;
        row.len = state
            .registration_json(wf, id, scratch, &mut row.json)
            .map_err(|_| "the registration row")?;
        check(
            Self::member(row, "status") == Some(t.to.as_str()),
            "the new row has the new status",
        )
    }

    /// Every row equals the state's row of it.
    fn matches(
        &mut self,
        state: &ExecutionState,
        wf: &Workflow<'_>,
        scratch: &mut [u8],
        buf: &mut [u8],
    ) -> Result<(), &'static str> {
        for row in &self.rows[..self.used] {
            let id = Self::member(row, "resume_id").ok_or("a row's resume ID")?;
            let n = state
                .registration_json(wf, id, scratch, buf)
                .map_err(|_| "the registration row")?;
            check(
                buf[..n] == row.json[..row.len],
                "the stored row is the state's",
            )?;
        }
        Ok(())
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
        hprintln!("  peak stack in {:<24} {:>6} B", $name, used);
        r
    }};
}

/// The statics of the flow, each borrowed once for the whole flow.
struct Memory {
    wf: &'static mut Workflow<'static>,
    state: &'static mut ExecutionState,
    ws: &'static mut Workspace,
    result: &'static mut RunResult,
    state_json: &'static mut [u8; MAX_STATE_JSON_LEN],
    store: &'static mut Store,
    scratch: &'static mut [u8; DEFAULT_PARAMS_LEN],
    keys: &'static mut KeySet,
    h: &'static mut Handlers,
    target: &'static mut [u8; TARGET_LEN],
}

/// The approval flow; every step is checked. Each step is a function of
/// its own, so the temporaries of one step are off the stack in the next.
fn flow() -> Result<(), &'static str> {
    let m = Memory {
        wf: WORKFLOW.take(),
        state: STATE.take(),
        ws: WORKSPACE.take(),
        result: RESULT.take(),
        state_json: STATE_JSON.take(),
        store: STORE.take(),
        scratch: SCRATCH.take(),
        keys: KEYS.take(),
        h: HANDLERS.take(),
        target: TARGET.take(),
    };
    m.store.reg = Some(ROW.take());
    let base = BaseUrl::parse(BASE_URL).map_err(|_| "parse the base URL")?;
    let mut ids = IdGenerator::from_seed([42; 32]);
    let Memory {
        wf,
        state,
        ws,
        result,
        state_json,
        store,
        scratch,
        keys,
        h,
        target,
    } = m;
    step!("parse the workflow", parse_workflow(wf))?;
    let wf: &Workflow<'static> = wf;
    add_key(keys)?;
    let keys: &KeySet = keys;
    step!(
        "start signed",
        start(state, wf, &base, &mut ids, keys, store, scratch)
    )?;
    step!("run to the wait", run_to_wait(state, wf, ws, h, result))?;
    let n = step!(
        "persist state + rows",
        persist(state, wf, result, store, scratch, state_json)
    )?;
    step!("restore (load_json)", restore(state, &state_json[..n]))?;
    let (len, applied) = step!(
        "check + decide + CAS",
        check_and_decide(h, &base, keys, store, target)
    )?;
    step!("resume_applied", resume(state, wf, ws, h, result, &applied))?;
    step!(
        "complete + persist",
        complete(state, wf, result, store, scratch, state_json)
    )?;
    step!(
        "refuse replay + forgery",
        refuse(
            &base,
            keys,
            store,
            state,
            wf,
            ws,
            h,
            result,
            (target, len),
            &applied
        )
    )
}

#[inline(never)]
fn parse_workflow(wf: &mut Workflow<'static>) -> Result<(), &'static str> {
    wf.parse_into(APPROVAL).map_err(|_| "parse the workflow")
}

#[inline(never)]
fn add_key(keys: &mut KeySet) -> Result<(), &'static str> {
    let key =
        ResumeKey::new("k1", b"0123456789abcdef0123456789abcdef").map_err(|_| "make a key")?;
    keys.add(key).map_err(|_| "add the key")
}

/// Start signed, into the state's static; store the pending rows.
#[inline(never)]
fn start(
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    base: &BaseUrl,
    ids: &mut IdGenerator,
    keys: &KeySet,
    store: &mut Store,
    scratch: &mut [u8],
) -> Result<(), &'static str> {
    let key = keys.current().ok_or("no current key")?;
    executor::start_into(state, wf, "exec-1", base, ids, T0, Some(key))
        .map_err(|_| "start signed")?;
    for node in wf.webhook_wait_nodes() {
        let id = state
            .context()
            .resume_id(node.key)
            .ok_or("a resume ID per webhook wait")?;
        store.insert(state, wf, id.as_str(), scratch)?;
    }
    Ok(())
}

/// Run to the wait node: the notification carries the signed URL.
#[inline(never)]
fn run_to_wait(
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    ws: &mut Workspace,
    h: &mut Handlers,
    result: &mut RunResult,
) -> Result<(), &'static str> {
    executor::run_into(wf, state, ws, h, r#"{"request": "laptop"}"#, T0, result)
        .map_err(|_| "run to the wait")?;
    let Outcome::Suspended {
        suspension: Suspension::Webhook { resume_url, .. },
        ..
    } = &result.outcome
    else {
        return Err("suspended at the webhook wait");
    };
    check(
        h.last_log().ends_with(resume_url.as_str()),
        "the notification carries the URL",
    )?;
    check(
        resume_url.as_str().contains("?sig=k1."),
        "the URL is signed",
    )
}

/// Apply the transitions of a result to the rows (compare-and-set, in
/// order), check every row against the state and write the state JSON.
#[inline(never)]
fn persist(
    state: &ExecutionState,
    wf: &Workflow<'static>,
    result: &RunResult,
    store: &mut Store,
    scratch: &mut [u8],
    state_json: &mut [u8; MAX_STATE_JSON_LEN],
) -> Result<usize, &'static str> {
    for t in &result.transitions {
        store.apply(t, state, wf, scratch)?;
    }
    let n = state.to_json(state_json).map_err(|_| "state to JSON")?;
    // The tail of the buffer serves as room to compare the rows.
    let (_, spare) = state_json.split_at_mut(n);
    store.matches(state, wf, scratch, spare)?;
    Ok(n)
}

/// Restore the state from its JSON in place, as another process would.
#[inline(never)]
fn restore(state: &mut ExecutionState, state_json: &[u8]) -> Result<(), &'static str> {
    state
        .load_json(state_json)
        .map_err(|_| "restore the state")?;
    check(
        state.status() == ExecutionStatus::Suspended,
        "restored suspended",
    )
}

/// The resume request's target: the path and query of the resume URL the
/// approver got in the notification (its last word).
fn resume_target<'t>(
    h: &Handlers,
    target: &'t mut [u8; TARGET_LEN],
) -> Result<&'t mut [u8], &'static str> {
    let url = h.last_log().rsplit(' ').next().unwrap_or("");
    let path = url.strip_prefix(ORIGIN).ok_or("URL under the base")?;
    let target = target.get_mut(..path.len()).ok_or("target fits")?;
    target.copy_from_slice(path.as_bytes());
    Ok(target)
}

/// Check a raw request (method, target, body size, signature) without the
/// store; the resume ID it names.
fn checked<'t>(
    base: &BaseUrl,
    keys: &KeySet,
    target: &'t [u8],
    body_len: usize,
) -> Result<&'t str, u16> {
    let target = core::str::from_utf8(target).map_err(|_| 400u16)?;
    // Bodies over the payload capacity are refused (413) before reading.
    let limits = RequestLimits {
        max_payload: DEFAULT_OUTPUT_LEN,
    };
    let policy = SignaturePolicy::Required;
    let checked = check_request(base, "POST", target, body_len, &limits, keys, policy)
        .map_err(|r| r.status)?;
    match checked.route {
        Route::Resume { resume_id } => Ok(resume_id),
        _ => Err(404),
    }
}

/// Decide on the stored row of `resume_id`.
fn decide(store: &mut Store, resume_id: &str, now: u64) -> Result<Decision, &'static str> {
    let reg = store.read(resume_id)?;
    Ok(decide_resume(resume_id, Some(reg), now))
}

/// The raw request checked, then decided on the stored row, which the
/// host's compare-and-set moves active → consumed. Returns the request's
/// target length and the applied transition.
#[inline(never)]
fn check_and_decide(
    h: &Handlers,
    base: &BaseUrl,
    keys: &KeySet,
    store: &mut Store,
    target: &mut [u8; TARGET_LEN],
) -> Result<(usize, Transition), &'static str> {
    let len = resume_target(h, target)?.len();
    let resume_id =
        checked(base, keys, &target[..len], BODY.len()).map_err(|_| "check the request")?;
    let Decision::Resume(t) = decide(store, resume_id, T0 + 1)? else {
        return Err("decide to resume");
    };
    check(
        t.resume_id.as_str() == resume_id && t.from == Status::Active,
        "the transition is of this ID",
    )?;
    cas_consume(store, &t, T0 + 1)?;
    Ok((len, t))
}

/// The host's compare-and-set of a decided transition on its row.
fn cas_consume(store: &mut Store, t: &Transition, now: u64) -> Result<(), &'static str> {
    let id = t.resume_id.as_str();
    let reg = store.read(id)?;
    check(
        reg.status == t.from,
        "compare-and-set: the row is still active",
    )?;
    reg.consume(now).map_err(|_| "consume the row")?;
    let reg = store.reg.take().ok_or("the read row")?;
    let written = match store.find(id) {
        Some(row) => reg.to_json(&mut row.json).map(|n| row.len = n),
        None => Ok(()),
    };
    store.reg = Some(reg);
    written.map_err(|_| "write the row")
}

/// Resume with the transition the host applied; the execution completes
/// with the approval.
#[inline(never)]
fn resume(
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    ws: &mut Workspace,
    h: &mut Handlers,
    result: &mut RunResult,
    applied: &Transition,
) -> Result<(), &'static str> {
    executor::resume_applied_into(wf, state, ws, h, applied, BODY, T0 + 1, result)
        .map_err(|_| "resume_applied")?;
    check(result.outcome == Outcome::Completed, "completed")?;
    check(
        json::equal(state.output(), r#"{"result": "approved"}"#) == Ok(true),
        "approved",
    )
}

/// Persist the completed execution (its rows included) and read it back.
#[inline(never)]
fn complete(
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    result: &RunResult,
    store: &mut Store,
    scratch: &mut [u8],
    state_json: &mut [u8; MAX_STATE_JSON_LEN],
) -> Result<(), &'static str> {
    let n = persist(state, wf, result, store, scratch, state_json)?;
    state
        .load_json(&state_json[..n])
        .map_err(|_| "restore the completed state")?;
    check(
        state.status() == ExecutionStatus::Completed,
        "restored completed",
    )
}

/// A replay: the request still checks, the row refuses it (409) and so
/// does the execution. A forged signature is refused before the store
/// (401).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn refuse(
    base: &BaseUrl,
    keys: &KeySet,
    store: &mut Store,
    state: &mut ExecutionState,
    wf: &Workflow<'static>,
    ws: &mut Workspace,
    h: &mut Handlers,
    result: &mut RunResult,
    target: (&mut [u8; TARGET_LEN], usize),
    applied: &Transition,
) -> Result<(), &'static str> {
    let (target, len) = target;
    let resume_id =
        checked(base, keys, &target[..len], BODY.len()).map_err(|_| "check the replay")?;
    let Decision::Reject(rejection) = decide(store, resume_id, T0 + 2)? else {
        return Err("a replay is refused");
    };
    check(rejection.status == 409, "a replay gets 409")?;
    check(
        executor::resume_applied_into(wf, state, ws, h, applied, BODY, T0 + 2, result).is_err(),
        "the execution refuses a second resume",
    )?;
    check(
        checked(base, keys, &target[..len], DEFAULT_OUTPUT_LEN + 1) == Err(413),
        "a body over the payload capacity gets 413",
    )?;
    // Forge the signature's last character.
    let last = target.get_mut(len - 1).ok_or("a target")?;
    *last = if *last == b'A' { b'B' } else { b'A' };
    check(
        checked(base, keys, &target[..len], BODY.len()) == Err(401),
        "a forged signature gets 401",
    )
}

/// Paint the free stack (from the end of the statics to just under the
/// current frame) with [`PAINT`].
#[inline(never)]
fn paint_stack() {
    let sp = cortex_m::register::msp::read() as usize;
    let mut p = at!(__sheap);
    while p + 4 <= sp - PAINT_MARGIN {
        // SAFETY: `p` is word-aligned (`__sheap` is, by cortex-m-rt's
        // `link.x`) RAM between the end of the statics and below the stack
        // pointer: no Rust value lives there (nothing allocates, no
        // interrupt is enabled), so the write aliases nothing.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Bytes of stack used at most since [`paint_stack`]: from the top of the
/// stack down to the lowest word no longer painted.
fn peak_stack() -> usize {
    let top = at!(_stack_start);
    let mut p = at!(__sheap);
    // SAFETY: word-aligned reads of RAM between the end of the statics and
    // the top of the stack; volatile, as the words are not Rust values.
    while p < top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    top - p
}

/// A fault (a stack that ran into the statics among the causes): report
/// it and fail instead of hanging.
// SAFETY: cortex-m-rt requires the HardFault handler to be an `unsafe fn`
// (it runs with an arbitrary machine state); the body only prints and exits.
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
