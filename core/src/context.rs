//! The execution context: ids, the resume URLs of the execution's webhook
//! wait nodes (`resume_urls`, node_id → URL), and template rendering of the
//! `$execution` expressions.
//!
//! When an execution starts ([`ExecutionContext::for_workflow`]), every
//! `wait` node in webhook mode gets a pending [`WebhookRegistration`] and so
//! a resume URL, before any node runs: a node that comes earlier (an email,
//! a chat message) can already embed the URL of a wait node that comes later.
//!
//! Signed resume URLs: an execution started with a signing key
//! ([`ExecutionContext::for_workflow_signed`], or
//! [`executor::start_signed`](crate::executor::start_signed)) signs each
//! registration's resume ID once, at start, and keeps the `sig` value
//! (`{key_id}.{mac}`, see [`crate::token::resume`]) in its slot. Every resume
//! URL of that registration then carries `?sig={key_id}.{mac}`: in
//! [`resume_url`](ExecutionContext::resume_url),
//! [`resume_urls`](ExecutionContext::resume_urls), rendered
//! `{{ $execution.<node_id>.resume_url }}` and the
//! [`Suspension::Webhook`](crate::wait::Suspension::Webhook) `resume_url`.
//! The value is kept, not the key: it survives the execution state's JSON
//! round trip, and the URL verifies as long as its key stays in the
//! gateway's [`KeySet`](crate::token::resume::KeySet) (rotation as usual).
//! Without a key the URLs are unsigned.
//!
//! The context stores each registration compactly (resume ID, status,
//! times): 16 registrations with their 512-byte `webhook_config` would not
//! fit a small stack. The full registration, config included, is in the
//! wait action's [`Suspension`](crate::wait::Suspension) when it activates.
//!
//! ```
//! use prana_webhook_core::{context::ExecutionContext, id::IdGenerator,
//!     url::BaseUrl, workflow::Workflow};
//! let wf = Workflow::parse(r#"{"id": "approval", "nodes": [
//!     {"key": "notify", "type": "log",
//!      "params": {"text": "approve: {{ $execution.wait_approval.resume_url }}"}},
//!     {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook"}}],
//!   "connections": [{"from": "notify", "to": "wait_approval"}]}"#).unwrap();
//! let base = BaseUrl::parse("https://gw.example.com").unwrap();
//! let mut ids = IdGenerator::from_seed([9; 32]);
//! let ctx: ExecutionContext = ExecutionContext::for_workflow(&wf, "exec-1", &base, &mut ids, 0).unwrap();
//!
//! let url = ctx.resume_url("wait_approval").unwrap();
//! assert!(url.starts_with("https://gw.example.com/webhook/workflow/resume/webhook_exec-1_wait_approval_"));
//!
//! let mut buf = [0u8; 512];
//! let params = ctx.render_str(wf.find("notify").unwrap().params, &mut buf).unwrap();
//! assert_eq!(params, format!(r#"{{"text": "approve: {url}"}}"#));
//!
//! // The same with a signing key: every URL carries its signature.
//! use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
//! let mut keys: KeySet = KeySet::new();
//! keys.add(ResumeKey::new("k1", b"a secret of 16+ bytes").unwrap()).unwrap();
//! let ctx: ExecutionContext = ExecutionContext::for_workflow_signed(
//!     &wf, "exec-2", &base, &mut ids, 0, keys.current().unwrap()).unwrap();
//! let url = ctx.resume_url("wait_approval").unwrap();
//! let (_, query) = url.split_once('?').unwrap();
//! let id = ctx.resume_id("wait_approval").unwrap();
//! assert!(verify_query(&keys, SignaturePolicy::Required, id.as_str(), Some(query)).is_ok());
//! let params = ctx.render_str(wf.find("notify").unwrap().params, &mut buf).unwrap();
//! assert_eq!(params, format!(r#"{{"text": "approve: {url}"}}"#));
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{truncated, Error, Part, Result};
use crate::id::{self, PartString, ResumeId, PREFIX, RANDOM_LEN};
use crate::lifecycle::{apply_transition, Status, Transition};
use crate::msg::{self, Text};
use crate::registration::{ConfigArg, WebhookRegistration};
use crate::token::resume::{ResumeKey, Signature, SignedAction};
use crate::url::{BaseUrl, UrlString};

/// Why a context call was refused. Wrapped in [`Error::Context`]. The codes
/// are the ones these failures have always had, so hosts see no change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextError {
    /// The node has no registration in this context: it is no wait node in
    /// webhook mode of the execution.
    NoRegistration {
        /// The node id as written (cut at 64 bytes).
        node: heapless::String<64>,
    },
    /// A second registration for one wait node.
    DuplicateRegistration,
}

msg::messages! { ContextError {
    NoRegistration { .. } => "expression_unknown_node",
        "$execution.{}: no wait node in webhook mode has the key '{}' in this execution";
    DuplicateRegistration => "execution_bad_state",
        "invalid execution state: two registrations for one wait node";
} }

impl ContextError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.row()]
    }
}

impl ContextError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            ContextError::NoRegistration { node } => &[Text(node), Text(node)],
            ContextError::DuplicateRegistration => &[],
        };
        self.write_message(f, args)
    }
}

impl From<ContextError> for Error {
    fn from(e: ContextError) -> Self {
        Error::Context(e)
    }
}

/// One registration as the context keeps it: everything but the node id
/// (part of the resume ID) and the `webhook_config` (in the suspension).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSlot {
    /// The registration's resume ID.
    pub resume_id: ResumeId,
    /// The `sig` value of its resume URL (`{key_id}.{mac}`), when the
    /// execution was started with a signing key; `None` for unsigned URLs.
    #[serde(default)]
    pub signature: Option<Signature>,
    /// The `sig` value of its cancel URL (signed in the cancel domain), when
    /// the execution was started with a signing key; `None` for unsigned
    /// URLs and for states saved before cancel URLs were signed.
    #[serde(default)]
    pub cancel_signature: Option<Signature>,
    /// Its lifecycle state.
    pub status: Status,
    /// Creation time, unix ms.
    pub created_at: u64,
    /// Expiry, unix ms, once active.
    pub expires_at: Option<u64>,
}

impl RegistrationSlot {
    /// The node id inside the resume ID, given the execution id it was made for.
    pub fn node_id<'s>(&'s self, execution_id: &str) -> &'s str {
        let s = self.resume_id.as_str();
        let start = PREFIX.len() + execution_id.len() + 1;
        let end = s.len() - RANDOM_LEN - 1;
        s.get(start..end).unwrap_or("")
    }
}

/// Default capacity for wait nodes in webhook mode (one registration each).
pub const MAX_WAIT_NODES: usize = 4;

/// The execution context (see the module docs). `W` is the capacity for wait
/// nodes in webhook mode.
#[derive(Clone, PartialEq, Eq)]
pub struct ExecutionContext<const W: usize = MAX_WAIT_NODES> {
    workflow_id: PartString,
    execution_id: PartString,
    base_url: BaseUrl,
    slots: heapless::Vec<RegistrationSlot, W>,
}

impl<const W: usize> ExecutionContext<W> {
    /// A context without registrations.
    pub fn new(workflow_id: &str, execution_id: &str, base_url: &BaseUrl) -> Result<Self> {
        Ok(ExecutionContext {
            workflow_id: id::part_string(Part::WorkflowId, workflow_id)?,
            execution_id: id::part_string(Part::ExecutionId, execution_id)?,
            base_url: base_url.clone(),
            slots: heapless::Vec::new(),
        })
    }

    /// A context of no execution: empty ids, an empty base URL, no
    /// registrations; all zeros, for a `static`. Filled in place by
    /// [`reset_for_workflow`](Self::reset_for_workflow) (or by restoring a
    /// state).
    pub const fn empty() -> Self {
        ExecutionContext {
            workflow_id: PartString::new(),
            execution_id: PartString::new(),
            base_url: BaseUrl::empty(),
            slots: heapless::Vec::new(),
        }
    }

    /// Empty the ids and the registrations; the base URL stays.
    pub(crate) fn clear(&mut self) {
        self.workflow_id.clear();
        self.execution_id.clear();
        self.slots.clear();
    }

    /// Replace the base URL.
    pub(crate) fn set_base_url(&mut self, base_url: BaseUrl) {
        self.base_url = base_url;
    }

    /// Set (and check) the ids of an [`empty`](Self::empty) context.
    pub(crate) fn set_ids(&mut self, workflow_id: &str, execution_id: &str) -> Result<()> {
        // Built apart and moved in: starting an execution measured faster so
        // than with the strings cleared and refilled in place.
        self.workflow_id = id::part_string(Part::WorkflowId, workflow_id)?;
        self.execution_id = id::part_string(Part::ExecutionId, execution_id)?;
        Ok(())
    }

    /// Start over for a new execution: no registrations, these ids, this
    /// base URL (copied in place).
    pub(crate) fn begin(
        &mut self,
        workflow_id: &str,
        execution_id: &str,
        base_url: &BaseUrl,
    ) -> Result<()> {
        self.slots.clear();
        self.set_ids(workflow_id, execution_id)?;
        if self.base_url != *base_url {
            self.base_url.clone_from(base_url);
        }
        Ok(())
    }

    /// Add the pending registration of wait node `node_id` with its fresh
    /// `resume_id`, created at `now`, its URLs signed with `key` if any.
    pub(crate) fn add_pending(
        &mut self,
        node_id: &str,
        resume_id: ResumeId,
        key: Option<&ResumeKey>,
        now: u64,
    ) -> Result<()> {
        if self.slot_index(node_id).is_some() {
            return Err(ContextError::DuplicateRegistration.into());
        }
        let signature = key.map(|k| k.sign(resume_id.as_str()));
        let cancel_signature = key.map(|k| k.sign_for(SignedAction::Cancel, resume_id.as_str()));
        self.slots
            .push(RegistrationSlot {
                resume_id,
                signature,
                cancel_signature,
                status: Status::Pending,
                created_at: now,
                expires_at: None,
            })
            .map_err(|_| Error::Capacity {
                what: "webhook wait nodes",
                limit: W,
            })
    }

    /// Add a registration made for this execution (for hosts that create
    /// registrations themselves), with an unsigned resume URL. Its
    /// `webhook_config` is not kept.
    pub fn add_registration(&mut self, reg: &WebhookRegistration) -> Result<()> {
        self.add_slot(reg, None, None)
    }

    /// [`add_registration`](Self::add_registration) with a resume URL
    /// signed by `key` (`?sig={key_id}.{mac}`).
    pub fn add_signed_registration(
        &mut self,
        reg: &WebhookRegistration,
        key: &ResumeKey,
    ) -> Result<()> {
        let id = reg.resume_id.as_str();
        self.add_slot(
            reg,
            Some(key.sign(id)),
            Some(key.sign_for(SignedAction::Cancel, id)),
        )
    }

    fn add_slot(
        &mut self,
        reg: &WebhookRegistration,
        signature: Option<Signature>,
        cancel_signature: Option<Signature>,
    ) -> Result<()> {
        if reg.execution_id != self.execution_id
            || !reg.resume_id.belongs_to(&self.execution_id, &reg.node_id)
        {
            return Err(Error::ResumeIdMismatch);
        }
        if self.slot_index(&reg.node_id).is_some() {
            return Err(ContextError::DuplicateRegistration.into());
        }
        self.slots
            .push(RegistrationSlot {
                resume_id: reg.resume_id.clone(),
                signature,
                cancel_signature,
                status: reg.status,
                created_at: reg.created_at,
                expires_at: reg.expires_at,
            })
            .map_err(|_| Error::Capacity {
                what: "webhook wait nodes",
                limit: W,
            })
    }

    /// The execution id.
    pub fn execution_id(&self) -> &str {
        &self.execution_id
    }

    /// The workflow id.
    pub fn workflow_id(&self) -> &str {
        &self.workflow_id
    }

    /// The base URL of the resume URLs.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// Whether the base URL goes into a JSON string as it is.
    pub(crate) fn base_url_json_safe(&self) -> bool {
        self.base_url.json_safe()
    }

    /// The registrations in compact form, in workflow order.
    pub fn slots(&self) -> &[RegistrationSlot] {
        &self.slots
    }

    /// The node id of a slot.
    pub fn slot_node_id<'s>(&self, slot: &'s RegistrationSlot) -> &'s str {
        slot.node_id(&self.execution_id)
    }

    fn slot_index(&self, node_id: &str) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| id::same_id(s.node_id(&self.execution_id), node_id))
    }

    pub(crate) fn slot_index_by_resume_id(&self, resume_id: &str) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| id::same_id(s.resume_id.as_str(), resume_id))
    }

    /// The resume ID of a wait node, if it has a registration.
    pub fn resume_id(&self, node_id: &str) -> Option<&ResumeId> {
        self.slot_index(node_id).map(|i| &self.slots[i].resume_id)
    }

    /// The `sig` value of a wait node's resume URL, if the execution was
    /// started signed and the node has a registration.
    pub fn signature(&self, node_id: &str) -> Option<&Signature> {
        self.slot_index(node_id)
            .and_then(|i| self.slots[i].signature.as_ref())
    }

    /// The resume URL of a slot: `{base}/webhook/workflow/resume/{id}`, and
    /// `?sig={key_id}.{mac}` when it is signed.
    fn slot_url(&self, slot: &RegistrationSlot) -> Result<UrlString> {
        let mut url = self.base_url.resume_url(&slot.resume_id)?;
        if let Some(sig) = &slot.signature {
            sig.append_to_url(&mut url)?;
        }
        Ok(url)
    }

    /// The cancel URL of a wait node,
    /// `{base}/webhook/workflow/cancel/{resume_id}`, with `?sig={key_id}.{mac}`
    /// (signed in the cancel domain) when the execution was started signed.
    pub fn cancel_url(&self, node_id: &str) -> Result<UrlString> {
        let i = self
            .slot_index(node_id)
            .ok_or_else(|| ContextError::NoRegistration {
                node: truncated(node_id),
            })?;
        let slot = &self.slots[i];
        self.base_url
            .cancel_url(&slot.resume_id, slot.cancel_signature.as_ref())
    }

    /// The resume URL of a wait node (`resume_urls[node_id]`), with
    /// `?sig={key_id}.{mac}` when the execution was started signed.
    pub fn resume_url(&self, node_id: &str) -> Result<UrlString> {
        let i = self
            .slot_index(node_id)
            .ok_or_else(|| ContextError::NoRegistration {
                node: truncated(node_id),
            })?;
        self.slot_url(&self.slots[i])
    }

    /// The `resume_urls` map: `(node_id, resume URL)` for every registration
    /// (signed URLs as in [`resume_url`](Self::resume_url)).
    pub fn resume_urls(&self) -> impl Iterator<Item = (&str, UrlString)> + '_ {
        self.slots.iter().map(|s| {
            let url = self.slot_url(s).unwrap_or_default();
            (s.node_id(&self.execution_id), url)
        })
    }

    fn registration_of(&self, slot: &RegistrationSlot) -> Result<WebhookRegistration> {
        let mut reg = WebhookRegistration::new(
            slot.resume_id.clone(),
            &self.execution_id,
            slot.node_id(&self.execution_id),
            slot.created_at,
        )?;
        reg.status = slot.status;
        reg.expires_at = slot.expires_at;
        Ok(reg)
    }

    /// The registration of a wait node (with an empty `webhook_config`; the
    /// activated one with its config is in the wait action's suspension).
    pub fn registration(&self, node_id: &str) -> Option<WebhookRegistration> {
        let i = self.slot_index(node_id)?;
        self.registration_of(&self.slots[i]).ok()
    }

    /// Every registration, in workflow order (see [`registration`](Self::registration)).
    pub fn registrations(&self) -> impl Iterator<Item = WebhookRegistration> + '_ {
        self.slots
            .iter()
            .filter_map(|s| self.registration_of(s).ok())
    }

    /// The wait action in webhook mode: activate the node's pending
    /// registration (pending → active, expiry set, `webhook_config` kept),
    /// filling `reg` (the full registration) and `url` (its resume URL) in
    /// place: with its 512-byte config and its URL the suspension is
    /// ~1.4 KiB, which costs more to move than to fill. Fails with
    /// [`Error::Wait`] `no_resume_url` when the node has no registration.
    /// The slot's ids were checked when it was made, so they are copied,
    /// not checked again.
    pub(crate) fn activate_into(
        &mut self,
        node_id: &str,
        now: u64,
        timeout_ms: u64,
        webhook_config: ConfigArg<'_>,
        reg: &mut WebhookRegistration,
        url: &mut UrlString,
    ) -> Result<Transition> {
        let i = self
            .slot_index(node_id)
            .ok_or_else(|| ContextError::NoRegistration {
                node: truncated(node_id),
            })?;
        let slot = &self.slots[i];
        reg.resume_id.clone_from(&slot.resume_id);
        reg.execution_id.clone_from(&self.execution_id);
        reg.node_id.clear();
        reg.node_id
            .push_str(slot.node_id(&self.execution_id))
            .map_err(|_| Error::ResumeIdMismatch)?;
        reg.status = slot.status;
        reg.created_at = slot.created_at;
        reg.expires_at = slot.expires_at;
        // `reg` may hold an earlier call's registration (a reused
        // suspension): as made empty, whatever the activation stores.
        reg.webhook_config.clear();
        let t = reg.activate_with(now, timeout_ms, webhook_config)?;
        url.clear();
        self.base_url.write_resume_url(&slot.resume_id, url)?;
        if let Some(sig) = &slot.signature {
            sig.append_to_url(url)?;
        }
        self.slots[i].status = reg.status;
        self.slots[i].expires_at = reg.expires_at;
        Ok(t)
    }

    /// Move slot `i` to `to` if the lifecycle allows it; the transition for
    /// the host. Done on the slot itself: a full registration (with its
    /// 512-byte config) is only built when one is handed out.
    fn transition(&mut self, i: usize, to: Status) -> Result<Transition> {
        let slot = &mut self.slots[i];
        apply_transition(&mut slot.status, &slot.resume_id, to)
    }

    /// active → consumed for slot `i`, by the rules of
    /// [`WebhookRegistration::consume`]: consumed or expired (also by time)
    /// is refused.
    pub(crate) fn consume(&mut self, i: usize, now: u64) -> Result<Transition> {
        let slot = &self.slots[i];
        match (slot.status, slot.expires_at) {
            (Status::Consumed, _) => Err(Error::AlreadyConsumed),
            (Status::Active, Some(exp)) if now >= exp => Err(Error::RegistrationExpired),
            _ => self.transition(i, Status::Consumed),
        }
    }

    /// Record an active → consumed the host already applied to slot `i`
    /// (the state's copy follows the store; no transition to report).
    pub(crate) fn mark_consumed(&mut self, i: usize) -> Result<()> {
        self.transition(i, Status::Consumed).map(|_| ())
    }

    /// pending/active → expired for slot `i`.
    pub(crate) fn expire(&mut self, i: usize) -> Result<Transition> {
        self.transition(i, Status::Expired)
    }

    /// Expire every registration still pending or active (cleanup at the end
    /// of an execution), appending the transitions to `out`.
    pub(crate) fn expire_open(&mut self, out: &mut heapless::Vec<Transition, W>) -> Result<()> {
        for i in 0..self.slots.len() {
            if matches!(self.slots[i].status, Status::Pending | Status::Active) {
                let t = self.expire(i)?;
                out.push(t).map_err(|_| Error::Capacity {
                    what: "transitions",
                    limit: W,
                })?;
            }
        }
        Ok(())
    }

    pub(crate) fn slots_mut(&mut self) -> &mut heapless::Vec<RegistrationSlot, W> {
        &mut self.slots
    }
}

impl<const W: usize> fmt::Debug for ExecutionContext<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionContext")
            .field("workflow_id", &self.workflow_id.as_str())
            .field("execution_id", &self.execution_id.as_str())
            .field("base_url", &self.base_url)
            .field("registrations", &self.slots.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::IdGenerator;
    use crate::workflow::Workflow;

    fn ctx() -> ExecutionContext {
        let wf = Workflow::parse(
            r#"{"id":"wf","nodes":[{"key":"a","type":"log"},
               {"key":"w","type":"wait","params":{"mode":"webhook"}}],
               "connections":[{"from":"a","to":"w"}]}"#,
        )
        .unwrap();
        let base = BaseUrl::parse("http://h").unwrap();
        let mut ids = IdGenerator::from_seed([1; 32]);
        ExecutionContext::for_workflow(&wf, "e1", &base, &mut ids, 5).unwrap()
    }

    #[test]
    fn slot_node_ids() {
        let c = ctx();
        assert_eq!(c.slots().len(), 1);
        assert_eq!(c.slot_node_id(&c.slots()[0]), "w");
        let reg = c.registration("w").unwrap();
        assert_eq!(reg.status, Status::Pending);
        assert_eq!(reg.created_at, 5);
        assert_eq!(c.resume_urls().count(), 1);
    }
}
