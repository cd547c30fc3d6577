//! The executor's side of the request protocol: each fact is produced
//! once. The host decides a request with
//! [`route::decide_resume`](crate::route::decide_resume) (or
//! [`decide_cancel`](crate::route::decide_cancel)), applies that
//! active → consumed with compare-and-set, and hands the applied
//! transition here: the executor records it in the state and never
//! produces it again, so [`RunResult::transitions`] holds only the changes
//! the call made itself (activations, cleanup), each once, in order.
//!
//! 1. request → [`check_request`](crate::route::check_request)
//! 2. look the registration up by resume ID
//! 3. [`decide_resume`](crate::route::decide_resume) → the transition
//! 4. compare-and-set it in the store (exactly one row changed, else 409)
//! 5. load the execution state ([`ExecutionState::load_json`])
//! 6. [`resume_applied`] (or [`cancel`]) with that transition
//! 7. apply every transition of the result in order, each with the row
//!    [`ExecutionState::registration_json`] writes for it, store the row
//!    of the applied transition the same way, and store the state
//!
//! Expiry follows the same steps: the sweeper looks the overdue row up,
//! [`decide_expire`](crate::route::decide_expire) gives active → expired,
//! the compare-and-set applies it on the stored expiry, and [`expire`]
//! takes it (step 6). An extend decides with
//! [`decide_extend`](crate::route::decide_extend), applies the
//! [`Extension`] with compare-and-set on the old expiry, then hands it to
//! [`ExecutionState::extend`] and stores the state and the row
//! [`ExecutionState::registration_json`] writes, so the state and the
//! store agree on the expiry.
//!
//! ```
//! use prana_webhook_core::executor::{self, ExecutionState, ExecutionStatus, NodeCall, NodeError,
//!     NodeOutput, Outcome};
//! use prana_webhook_core::route::{decide_resume, Decision};
//! use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
//! let wf = Workflow::parse(r#"{"id": "wf", "nodes": [
//!     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}]}"#).unwrap();
//! let base = BaseUrl::parse("https://gw.example.com").unwrap();
//! let mut ids = IdGenerator::from_seed([1; 32]);
//! let mut h = |_: &NodeCall<'_>, _: &mut [u8]| -> Result<NodeOutput, NodeError> {
//!     Ok(NodeOutput::main(0))
//! };
//! let mut state: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, 0).unwrap();
//! let r = executor::run(&wf, &mut state, &mut h, "{}", 0).unwrap();
//! let Outcome::Suspended { suspension, .. } = r.outcome else { panic!() };
//! let prana_webhook_core::wait::Suspension::Webhook { registration, .. } = suspension else { panic!() };
//! // The host's row, decided and applied once.
//! let Decision::Resume(applied) = decide_resume(registration.resume_id.as_str(), Some(&registration), 1)
//!     else { panic!() };
//! let r = executor::resume_applied(&wf, &mut state, &mut h, &applied, r#"{"ok": true}"#, 1).unwrap();
//! assert_eq!(r.outcome, Outcome::Completed);
//! assert!(r.transitions.is_empty()); // the consumption is not reported twice
//! assert_eq!(state.status(), ExecutionStatus::Completed);
//! ```

use super::drive::{checked_payload, continue_from, run_result};
use super::*;
use crate::registration::{ConfigJson, Extension, Row};

/// Resume a webhook wait whose registration the host has already moved
/// active → consumed (`applied`, as [`route::decide_resume`] decided it and
/// the compare-and-set applied it), with the request's `payload`: continue
/// through the wait node's `main` port. The returned transitions do not
/// repeat `applied`.
///
/// Refused, changing nothing: a transition that is not active → consumed
/// (`execution_not_applied`), and everything [`resume`] refuses.
///
/// [`route::decide_resume`]: crate::route::decide_resume
pub fn resume_applied<const N: usize, const C: usize, const W: usize, const T: usize, B, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    handler: &mut H,
    applied: &Transition,
    payload: &str,
    now: u64,
) -> Result<RunResult<W>>
where
    B: Buffer,
    H: NodeHandler + ?Sized,
{
    let ws = &mut Workspace::new();
    run_result(|r| resume_applied_into(wf, state, ws, handler, applied, payload, now, r))
}

/// [`resume_applied`] with the host's [`Workspace`], writing the result
/// into `out`. On `Err` nothing changed, `out` included.
#[allow(clippy::too_many_arguments)]
pub fn resume_applied_into<
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
    applied: &Transition,
    payload: &str,
    now: u64,
    out: &mut RunResult<W>,
) -> Result<()>
where
    H: NodeHandler + ?Sized,
{
    let (slot, wait_index) = state.applied_slot(wf, applied, Status::Consumed)?;
    let payload = checked_payload(payload, "resume payload", state.output_capacity())?;
    state.context.mark_consumed(slot)?;
    // Cannot fail: checked above.
    let _ = state.set_output(payload, "resume payload");
    state.bind(wf);
    out.clear();
    continue_from(wf, state, ws, handler, wait_index, MAIN_PORT, now, out);
    Ok(())
}

/// Cancel a webhook wait whose registration the host has already moved
/// active → consumed for a cancel request (`applied`; a resume and a cancel
/// of one wait race for that one transition, so one wins): continue
/// through the wait node's `cancel` port when it is connected (the next
/// node gets the wait node's input), else end the execution
/// [`ExecutionStatus::Cancelled`] ([`Outcome::Cancelled`], every other
/// open registration expired). The returned transitions do not repeat
/// `applied`.
///
/// Refused, changing nothing: as [`resume_applied`].
pub fn cancel<const N: usize, const C: usize, const W: usize, const T: usize, B, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    handler: &mut H,
    applied: &Transition,
    now: u64,
) -> Result<RunResult<W>>
where
    B: Buffer,
    H: NodeHandler + ?Sized,
{
    let ws = &mut Workspace::new();
    run_result(|r| cancel_into(wf, state, ws, handler, applied, now, r))
}

/// [`cancel`] with the host's [`Workspace`], writing the result into
/// `out`. On `Err` nothing changed, `out` included.
pub fn cancel_into<
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
    applied: &Transition,
    now: u64,
    out: &mut RunResult<W>,
) -> Result<()>
where
    H: NodeHandler + ?Sized,
{
    let (slot, wait_index) = state.applied_slot(wf, applied, Status::Consumed)?;
    state.context.mark_consumed(slot)?;
    state.bind(wf);
    out.clear();
    if wf.has_port(wait_index, CANCEL_PORT) {
        continue_from(wf, state, ws, handler, wait_index, CANCEL_PORT, now, out);
    } else {
        let key = wf.node(wait_index).map(|n| n.key).unwrap_or("");
        if let Err(e) = state.push_step(key, CANCEL_PORT) {
            state.fail(key, NodeError::from_error(&e), out);
        } else {
            state.cancel(key, out);
        }
    }
    Ok(())
}

/// Expire a webhook wait whose registration the host has already moved
/// active → expired (`applied`, as
/// [`route::decide_expire`](crate::route::decide_expire) decided it once
/// the expiry passed, and the compare-and-set applied it on the stored
/// expiry, so a resume, cancel or extend that came first wins): continue
/// through the wait node's `timeout` port; the next node gets the wait
/// node's input. The returned transitions do not repeat `applied`.
///
/// The time is not checked here: the host decides when a wait has timed
/// out (or gives up on it). Refused, changing nothing: a transition that is
/// not active → expired of the registration the execution waits at
/// (`execution_not_applied`), and everything [`resume`] refuses.
pub fn expire<const N: usize, const C: usize, const W: usize, const T: usize, B, H>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    handler: &mut H,
    applied: &Transition,
    now: u64,
) -> Result<RunResult<W>>
where
    B: Buffer,
    H: NodeHandler + ?Sized,
{
    let ws = &mut Workspace::new();
    run_result(|r| expire_into(wf, state, ws, handler, applied, now, r))
}

/// [`expire`] with the host's [`Workspace`], writing the result into
/// `out`. On `Err` nothing changed, `out` included.
pub fn expire_into<
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
    applied: &Transition,
    now: u64,
    out: &mut RunResult<W>,
) -> Result<()>
where
    H: NodeHandler + ?Sized,
{
    let (slot, wait_index) = state.applied_slot(wf, applied, Status::Expired)?;
    // The state's copy follows the store; the transition is not reported.
    state.context.expire(slot)?;
    state.bind(wf);
    out.clear();
    continue_from(wf, state, ws, handler, wait_index, TIMEOUT_PORT, now, out);
    Ok(())
}

/// The wait node's port a cancelled wait leaves by.
const CANCEL_PORT: &str = "cancel";

/// The wait node's port an expired wait leaves by.
const TIMEOUT_PORT: &str = "timeout";

impl<const W: usize, const T: usize, B: Buffer> ExecutionState<W, T, B> {
    /// Record an extension (heartbeat) the host applied to its store: the
    /// registration's expiry moves from `ext.from_expires_at` to
    /// `ext.to_expires_at`, and while the execution waits at it so does
    /// [`resume_at`](Self::resume_at). Afterwards
    /// [`registration_json`](Self::registration_json) writes the row the
    /// host stored, and [`expire`] is due at the new time. Nothing else
    /// changes and no transition comes of it (the status stays active).
    ///
    /// `ext` is what [`route::decide_extend`](crate::route::decide_extend)
    /// (C: `prana_registration_extend`) gave and the host's compare-and-set
    /// on the old expiry applied; that compare-and-set orders extensions,
    /// so the state needs only move later. (A state stored before
    /// extensions reached it still holds the activation expiry, earlier
    /// than `ext.from_expires_at`; the extension applies to it all the
    /// same.) Refused, changing nothing: a resume ID of no registration of
    /// this execution (`execution_unknown_resume_id`), a registration that
    /// is not active here, or a new expiry not later than the one it holds,
    /// as when the same extension comes twice (`execution_not_applied`).
    pub fn extend(&mut self, ext: &Extension) -> Result<()> {
        let i = self
            .context
            .slot_index_by_resume_id(ext.resume_id.as_str())
            .ok_or(ExecutionError::UnknownResumeId)?;
        let slot = &self.context.slots()[i];
        let applies = slot.status == Status::Active
            && slot.expires_at.is_some_and(|at| ext.to_expires_at > at);
        if !applies {
            return Err(ExecutionError::NotApplied.into());
        }
        let waits_here = self.status == ExecutionStatus::Suspended
            && self.wait_mode.get() == Some(WaitMode::Webhook)
            && self.current_node.as_deref() == Some(self.context.slot_node_id(slot));
        self.context.slots_mut()[i].expires_at = Some(ext.to_expires_at);
        if waits_here {
            self.resume_at = Some(ext.to_expires_at);
        }
        Ok(())
    }
}

impl<const W: usize, const T: usize, B: Buffer> ExecutionState<W, T, B> {
    /// The JSON row of registration `resume_id` as it stands in this state,
    /// the one a host stores next to a transition the executor returned
    /// (or, after the host's own compare-and-set, the row it wrote):
    /// [`WebhookRegistration::to_json`](crate::registration::WebhookRegistration::to_json)
    /// with its status, times and, once activated, its `webhook_config`
    /// (from the wait node's params, rendered into `scratch` when they hold
    /// `{{ }}` expressions, exactly as the activation rendered them).
    /// Writes into `out` (at most
    /// [`registration::MAX_JSON_LEN`](crate::registration::MAX_JSON_LEN)
    /// bytes) and returns the length.
    pub fn registration_json<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
        resume_id: &str,
        scratch: &mut [u8],
        out: &mut [u8],
    ) -> Result<usize> {
        self.check_workflow(wf)?;
        let i = self
            .context
            .slot_index_by_resume_id(resume_id)
            .ok_or(ExecutionError::UnknownResumeId)?;
        let slot = &self.context.slots()[i];
        let node = self.context.slot_node_id(slot);
        // Activated once: the row carries the wait node's config. Written
        // from the slot, not through a built registration (2 KiB of config
        // on the stack).
        let config = if slot.expires_at.is_some() {
            let index = super::drive::node_index(wf, node).ok_or(
                ExecutionError::WorkflowMismatch("a registration names no node"),
            )?;
            let params = wf.node(index).map(|n| n.params).unwrap_or("{}");
            match wf.webhook_params(index) {
                Some((_, config)) => config.as_str(),
                None => {
                    let rendered = self.context.render_str(params, scratch)?;
                    match wait::parse(rendered, 0)? {
                        wait::WaitParams::Webhook { webhook_config, .. } => {
                            ConfigJson::check(webhook_config)?
                        }
                        _ => return Err(ExecutionError::BadState("not a webhook wait").into()),
                    }
                }
            }
        } else {
            "{}"
        };
        Row {
            resume_id: &slot.resume_id,
            execution_id: self.context.execution_id(),
            node_id: node,
            status: slot.status,
            created_at: slot.created_at,
            expires_at: slot.expires_at,
            webhook_config: config,
            config_compacted: false,
        }
        .to_json(out)
    }
}
