//! The entry points: start an execution, run it, resume and wake it up
//! (resuming, cancelling and expiring a webhook wait the host decided are
//! in the protocol module). Each comes in three forms: the `_into` call
//! does the work in the caller's memory (state, [`Workspace`],
//! [`RunResult`]); the `_in` call returns the result by value; the plain
//! call also makes a default workspace on the stack.

use super::drive::{checked_payload, continue_from, drive, run_result};
use super::*;

/// Start an execution of `wf` (AC-WH-1.7/1.9/1.10): create one pending
/// registration with a fresh resume ID (from `ids`) per wait node in webhook
/// mode. Nothing runs yet: persist the registrations
/// ([`ExecutionContext::registrations`]), then call [`run`].
/// By value; [`start_into`] builds the state where it stays.
pub fn start<const N: usize, const C: usize, const W: usize, const T: usize, const O: usize>(
    wf: &Workflow<'_, N, C>,
    execution_id: &str,
    base_url: &BaseUrl,
    ids: &mut IdGenerator,
    now: u64,
) -> Result<ExecutionState<W, T, [u8; O]>> {
    let mut state = ExecutionState::new();
    start_into(&mut state, wf, execution_id, base_url, ids, now, None)?;
    Ok(state)
}

/// [`start`] with signed resume URLs: each registration's resume ID is
/// signed once with `key` and every URL of it (`resume_urls`, rendered
/// `{{ $execution.<node_id>.resume_url }}`, [`Suspension::Webhook`]'s
/// `resume_url`) carries `?sig={key_id}.{mac}`. The state keeps the
/// signature, not the key, so it survives [`ExecutionState::to_json`] /
/// [`ExecutionState::from_json`]; a URL verifies while its key is in the
/// gateway's key set. Pass the key that signs, e.g.
/// [`KeySet::current`](crate::token::resume::KeySet::current).
///
/// ```
/// use prana_webhook_core::executor::{self, ExecutionState};
/// use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
/// use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
/// let wf = Workflow::parse(r#"{"id": "wf", "nodes": [
///     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}], "connections": []}"#).unwrap();
/// let base = BaseUrl::parse("https://gw.example.com").unwrap();
/// let mut keys: KeySet = KeySet::new();
/// keys.add(ResumeKey::new("k1", b"a secret of 16+ bytes").unwrap()).unwrap();
/// let mut ids = IdGenerator::from_seed([1; 32]);
/// let state: ExecutionState = executor::start_signed(
///     &wf, "exec-1", &base, &mut ids, 0, keys.current().unwrap()).unwrap();
/// let url = state.context().resume_url("w").unwrap();
/// let (_, query) = url.split_once('?').unwrap();
/// let id = state.context().resume_id("w").unwrap();
/// assert!(verify_query(&keys, SignaturePolicy::Required, id.as_str(), Some(query)).is_ok());
/// ```
pub fn start_signed<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    const O: usize,
>(
    wf: &Workflow<'_, N, C>,
    execution_id: &str,
    base_url: &BaseUrl,
    ids: &mut IdGenerator,
    now: u64,
    key: &ResumeKey,
) -> Result<ExecutionState<W, T, [u8; O]>> {
    let mut state = ExecutionState::new();
    start_into(&mut state, wf, execution_id, base_url, ids, now, Some(key))?;
    Ok(state)
}

/// [`start`] (`key` = `None`) or [`start_signed`] in place: `state`
/// becomes the new execution, whatever it held before; its output storage
/// (and so its payload capacity) stays. On error it is left empty (every
/// executor call refuses it).
///
/// ```
/// use prana_webhook_core::executor::{self, ExecutionState, ExecutionStatus};
/// use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
/// let mut wf: Workflow = Workflow::new();
/// wf.parse_into(r#"{"id": "wf", "nodes": [
///     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}]}"#).unwrap();
/// let base = BaseUrl::parse("https://gw.example.com").unwrap();
/// let mut ids = IdGenerator::from_seed([1; 32]);
/// // A server's payload capacity, chosen at run time: the state borrows it.
/// let mut storage = vec![0u8; 1 << 20];
/// let mut state: ExecutionState<4, 512, &mut [u8]> = ExecutionState::with_buffer(&mut storage[..]);
/// executor::start_into(&mut state, &wf, "exec-1", &base, &mut ids, 0, None).unwrap();
/// assert_eq!(state.status(), ExecutionStatus::Created);
/// assert_eq!(state.output_capacity(), 1 << 20);
/// ```
pub fn start_into<const N: usize, const C: usize, const W: usize, const T: usize, B: Buffer>(
    state: &mut ExecutionState<W, T, B>,
    wf: &Workflow<'_, N, C>,
    execution_id: &str,
    base_url: &BaseUrl,
    ids: &mut IdGenerator,
    now: u64,
    key: Option<&ResumeKey>,
) -> Result<()> {
    state.start(wf, execution_id, base_url, ids, now, key)
}

/// Run a started execution from the start node with the trigger `input`
/// (JSON, at most the state's [output
/// capacity](ExecutionState::output_capacity)) until it completes, fails
/// or suspends.
pub fn run<const N: usize, const C: usize, const W: usize, const T: usize, B: Buffer, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    handler: &mut H,
    input: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    run_in(wf, state, &mut Workspace::new(), handler, input, now)
}

/// [`run`] with the host's [`Workspace`].
pub fn run_in<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    B: Buffer,
    P: Buffer,
    O: Buffer,
    H,
>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    ws: &mut Workspace<P, O>,
    handler: &mut H,
    input: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    run_result(|r| run_into(wf, state, ws, handler, input, now, r))
}

/// [`run`] with the host's [`Workspace`], writing the result into `out`
/// (whatever it held). On `Err` nothing changed, `out` included.
pub fn run_into<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    B: Buffer,
    P: Buffer,
    O: Buffer,
    H,
>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    ws: &mut Workspace<P, O>,
    handler: &mut H,
    input: &str,
    now: u64,
    out: &mut RunResult<W>,
) -> Result<()>
where
    H: NodeHandler + ?Sized,
{
    state.check_workflow(wf)?;
    if state.status != ExecutionStatus::Created {
        return Err(ExecutionError::AlreadyStarted.into());
    }
    let input = checked_payload(input, "trigger payload", state.output_capacity())?;
    state.set_output(input, "trigger payload")?;
    state.bind(wf);
    out.clear();
    drive(wf, state, ws, handler, wf.start_index(), now, out);
    Ok(())
}

/// Resume a webhook wait: the request to `resume_id` brought `payload`
/// (JSON, at most the state's [output
/// capacity](ExecutionState::output_capacity)). Consumes the registration
/// (active → consumed, the first transition) and continues through the wait
/// node's `main` port with the payload as the next node's input.
///
/// Refused, changing nothing: an execution that is not suspended ("Can only
/// resume suspended executions"), a resume ID of another execution, a wait
/// node the execution is not at, a registration already consumed or expired
/// (also by time: then decide and apply the expiry and call [`expire`]).
pub fn resume<const N: usize, const C: usize, const W: usize, const T: usize, B: Buffer, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    handler: &mut H,
    resume_id: &str,
    payload: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    let ws = &mut Workspace::new();
    resume_in(wf, state, ws, handler, resume_id, payload, now)
}

/// [`resume`] with the host's [`Workspace`].
pub fn resume_in<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    B: Buffer,
    P: Buffer,
    O: Buffer,
    H,
>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    ws: &mut Workspace<P, O>,
    handler: &mut H,
    resume_id: &str,
    payload: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    run_result(|r| resume_into(wf, state, ws, handler, resume_id, payload, now, r))
}

/// [`resume`] with the host's [`Workspace`], writing the result into `out`.
/// On `Err` nothing changed, `out` included.
#[allow(clippy::too_many_arguments)]
pub fn resume_into<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    B: Buffer,
    P: Buffer,
    O: Buffer,
    H,
>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    ws: &mut Workspace<P, O>,
    handler: &mut H,
    resume_id: &str,
    payload: &str,
    now: u64,
    out: &mut RunResult<W>,
) -> Result<()>
where
    H: NodeHandler + ?Sized,
{
    let (slot, wait_index) = state.suspended_slot(wf, resume_id)?;
    let payload = checked_payload(payload, "resume payload", state.output_capacity())?;
    let t = state.context.consume(slot, now)?;
    // Cannot fail: checked above.
    let _ = state.set_output(payload, "resume payload");
    state.bind(wf);
    out.clear();
    // Cannot fail: W ≥ 1 since there is a slot.
    let _ = out.transitions.push(t);
    continue_from(wf, state, ws, handler, wait_index, MAIN_PORT, now, out);
    Ok(())
}

/// Continue an interval or schedule wait once `now` has reached its
/// `resume_at`: through `main`, the next node gets the wait node's input.
/// A timer wait has no registration, so there is no transition for the
/// host to decide and apply first (unlike [`expire`]): the host stores the
/// state and the rows of the transitions the call returns, as after
/// [`run`].
pub fn resume_timer<const N: usize, const C: usize, const W: usize, const T: usize, B: Buffer, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    handler: &mut H,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    resume_timer_in(wf, state, &mut Workspace::new(), handler, now)
}

/// [`resume_timer`] with the host's [`Workspace`].
pub fn resume_timer_in<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    B: Buffer,
    P: Buffer,
    O: Buffer,
    H,
>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    ws: &mut Workspace<P, O>,
    handler: &mut H,
    now: u64,
) -> Result<RunResult<W>>
where
    H: NodeHandler + ?Sized,
{
    run_result(|r| resume_timer_into(wf, state, ws, handler, now, r))
}

/// [`resume_timer`] with the host's [`Workspace`], writing the result into
/// `out`. On `Err` nothing changed, `out` included.
pub fn resume_timer_into<
    const N: usize,
    const C: usize,
    const W: usize,
    const T: usize,
    B: Buffer,
    P: Buffer,
    O: Buffer,
    H,
>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    ws: &mut Workspace<P, O>,
    handler: &mut H,
    now: u64,
    out: &mut RunResult<W>,
) -> Result<()>
where
    H: NodeHandler + ?Sized,
{
    state.check_workflow(wf)?;
    if state.status != ExecutionStatus::Suspended {
        return Err(ExecutionError::NotSuspended.into());
    }
    let (Some(mode), Some(resume_at)) = (state.wait_mode.get(), state.resume_at) else {
        return Err(ExecutionError::BadState("suspended without a wait mode").into());
    };
    if mode == WaitMode::Webhook {
        return Err(ExecutionError::NotTimer.into());
    }
    if now < resume_at {
        return Err(ExecutionError::NotDue { resume_at }.into());
    }
    let wait_index = state.current_index(wf)?;
    state.bind(wf);
    out.clear();
    continue_from(wf, state, ws, handler, wait_index, MAIN_PORT, now, out);
    Ok(())
}
