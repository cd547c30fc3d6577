//! The execution state: accessors and the state changes of a run.

use super::drive::node_index;
use super::*;

impl<const W: usize, const T: usize, const O: usize> ExecutionState<W, T, [u8; O]> {
    /// An empty state of no workflow, with room for `O` bytes of output:
    /// all zeros, so a `static` of it lands in `.bss`. Every executor call
    /// refuses it until [`start_into`] or
    /// [`load_json`](ExecutionState::load_json) fills it.
    pub const fn new() -> Self {
        ExecutionState {
            context: ExecutionContext::empty(),
            workflow_digest: None,
            status: ExecutionStatus::Created,
            current_node: None,
            wait_mode: ModeSlot::NONE,
            resume_at: None,
            output: [0; O],
            output_len: 0,
            trace: heapless::String::new(),
            error: None,
        }
    }

    /// A state that has not run yet, for `context` (by value: prefer
    /// [`start_into`], which builds it where it stays).
    pub fn from_context(context: ExecutionContext<W>) -> Self {
        let mut state = Self::new();
        state.context = context;
        state
    }
}

impl<const W: usize, const T: usize, const O: usize> Default for ExecutionState<W, T, [u8; O]> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const T: usize, B: Buffer> ExecutionState<W, T, B> {
    /// An empty state of no workflow over the host's output storage: its
    /// length is the payload capacity (for example a `Box<[u8]>` of 1 MiB
    /// on a server, chosen at run time).
    pub fn with_buffer(output: B) -> Self {
        ExecutionState {
            context: ExecutionContext::empty(),
            workflow_digest: None,
            status: ExecutionStatus::Created,
            current_node: None,
            wait_mode: ModeSlot::NONE,
            resume_at: None,
            output,
            output_len: 0,
            trace: heapless::String::new(),
            error: None,
        }
    }

    /// The capacity for the last output (payloads, node output), in bytes.
    pub fn output_capacity(&self) -> usize {
        self.output.capacity()
    }

    /// Forget everything but the base URL and the storage: an empty state
    /// of no workflow.
    pub(super) fn clear(&mut self) {
        self.context.clear();
        self.workflow_digest = None;
        self.reset_run();
    }

    /// Back to "not run yet", keeping the context.
    pub(super) fn reset_run(&mut self) {
        self.status = ExecutionStatus::Created;
        self.current_node = None;
        self.wait_mode = ModeSlot::NONE;
        self.resume_at = None;
        self.output_len = 0;
        self.trace.clear();
        self.error = None;
    }

    /// Make this state a new execution of `wf` in place (see [`start_into`]).
    pub(super) fn start<const N: usize, const C: usize>(
        &mut self,
        wf: &Workflow<'_, N, C>,
        execution_id: &str,
        base_url: &BaseUrl,
        ids: &mut IdGenerator,
        now: u64,
        key: Option<&ResumeKey>,
    ) -> Result<()> {
        self.reset_run();
        let r = self
            .context
            .reset_for_workflow(wf, execution_id, base_url, ids, now, key);
        match r {
            Ok(()) => self.workflow_digest = Some(*wf.digest()),
            Err(_) => self.clear(),
        }
        r
    }

    /// SHA-256 of the workflow definition the execution started with;
    /// `None` for a state restored from version 2 JSON until its next
    /// executor call binds it to the definition it runs with.
    pub fn workflow_digest(&self) -> Option<&[u8; 32]> {
        self.workflow_digest.as_ref()
    }

    /// Bind a state restored from version 2 (no digest) to the definition
    /// it now runs with; called where a call starts to change the state.
    pub(super) fn bind<const N: usize, const C: usize>(&mut self, wf: &Workflow<'_, N, C>) {
        if self.workflow_digest.is_none() {
            self.workflow_digest = Some(*wf.digest());
        }
    }

    /// The execution context: ids, registrations, resume URLs, rendering.
    pub fn context(&self) -> &ExecutionContext<W> {
        &self.context
    }

    /// The execution id.
    pub fn execution_id(&self) -> &str {
        self.context.execution_id()
    }

    /// The workflow id.
    pub fn workflow_id(&self) -> &str {
        self.context.workflow_id()
    }

    /// Where the execution stands.
    pub fn status(&self) -> ExecutionStatus {
        self.status
    }

    /// The wait node it is suspended at, or the node that failed.
    pub fn current_node(&self) -> Option<&str> {
        self.current_node.as_deref()
    }

    /// The mode of the wait it is suspended in.
    pub fn wait_mode(&self) -> Option<WaitMode> {
        self.wait_mode.get()
    }

    /// When the current wait ends, unix ms: `resume_at` of a timer, or
    /// `expires_at` of a webhook (after which the host calls [`expire`]).
    pub fn resume_at(&self) -> Option<u64> {
        self.resume_at
    }

    /// The resume ID the execution waits for, when suspended at a webhook wait.
    pub fn waiting_resume_id(&self) -> Option<&ResumeId> {
        match (self.status, self.wait_mode.get()) {
            (ExecutionStatus::Suspended, Some(WaitMode::Webhook)) => {
                self.context.resume_id(self.current_node.as_deref()?)
            }
            _ => None,
        }
    }

    /// The last output (JSON): of the last node run, or the trigger or resume
    /// payload; while suspended, the wait node's input; `null` before [`run`].
    pub fn output(&self) -> &str {
        // Only checked JSON text is ever stored.
        match self.output.stored(self.output_len) {
            Some(b) if !b.is_empty() => core::str::from_utf8(b).unwrap_or("null"),
            _ => "null",
        }
    }

    /// [`output`](Self::output) as the next node's input, and its bytes
    /// followed by a NUL when the storage keeps one after them
    /// ([`Buffer::stored_with_nul`]).
    pub(super) fn input(&self) -> (&str, Option<&[u8]>) {
        let len = self.output_len;
        let with_nul = match self.output.stored_with_nul(len) {
            Some(b) if len > 0 && b.len() == len + 1 && b[len] == 0 => b,
            _ => return (self.output(), (len == 0).then_some(&b"null\0"[..])),
        };
        // Only checked JSON text is ever stored (as in `output`).
        match core::str::from_utf8(&with_nul[..len]) {
            Ok(text) => (text, Some(with_nul)),
            Err(_) => ("null", Some(&b"null\0"[..])),
        }
    }

    /// The visited nodes and the ports they left by, in order.
    pub fn trace(&self) -> Trace<'_> {
        Trace {
            rest: self.trace.as_str(),
        }
    }

    /// The failure, when [`ExecutionStatus::Failed`].
    pub fn error(&self) -> Option<&NodeError> {
        self.error.as_ref()
    }

    /// Keep `json` (checked JSON) as the last output; `what` names it in
    /// the capacity error. `null` is kept as nothing, so it always fits.
    pub(super) fn set_output(&mut self, json: &str, what: &'static str) -> Result<()> {
        if json == "null" {
            self.output_len = 0;
            return Ok(());
        }
        let limit = self.output.capacity();
        if json.len() > limit {
            return Err(Error::TooLarge {
                what,
                limit,
                needed: json.len(),
            });
        }
        self.output.store(json.as_bytes());
        self.output_len = json.len();
        Ok(())
    }

    /// Append `node:port` (both already checked) to the trace.
    pub(super) fn push_step(&mut self, node: &str, port: &str) -> Result<()> {
        let sep = usize::from(!self.trace.is_empty());
        if self.trace.len() + sep + node.len() + 1 + port.len() > T {
            return Err(Error::TooLarge {
                what: "execution trace",
                limit: T,
                needed: self.trace.len() + sep + node.len() + 1 + port.len(),
            });
        }
        // Cannot fail: the room was checked.
        if sep == 1 {
            let _ = self.trace.push(',');
        }
        let _ = self.trace.push_str(node);
        let _ = self.trace.push(':');
        let _ = self.trace.push_str(port);
        Ok(())
    }

    /// Suspend at wait node `node`, whose suspension is in `r.outcome`.
    pub(super) fn suspend(&mut self, node: &str, r: &mut RunResult<W>) {
        let Outcome::Suspended {
            node_id,
            suspension,
        } = &mut r.outcome
        else {
            return;
        };
        // Node keys were checked when the workflow was parsed.
        let _ = node_id.push_str(node);
        self.status = ExecutionStatus::Suspended;
        self.current_node = Some(node_id.clone());
        self.wait_mode = ModeSlot::of(Some(suspension.mode()));
        self.resume_at = Some(suspension.deadline());
    }

    pub(super) fn complete(&mut self, r: &mut RunResult<W>) {
        self.status = ExecutionStatus::Completed;
        self.current_node = None;
        let _ = self.context.expire_open(&mut r.transitions);
        r.outcome = Outcome::Completed;
    }

    /// End cancelled at wait node `node` (its `cancel` port leads nowhere).
    pub(super) fn cancel(&mut self, node: &str, r: &mut RunResult<W>) {
        let node_id = id::part_string(Part::NodeId, node).unwrap_or_default();
        self.status = ExecutionStatus::Cancelled;
        self.current_node = Some(node_id.clone()).filter(|n| !n.is_empty());
        self.wait_mode = ModeSlot::NONE;
        self.resume_at = None;
        let _ = self.context.expire_open(&mut r.transitions);
        r.outcome = Outcome::Cancelled { node_id };
    }

    /// The slot and wait node of a registration whose active → `to` (consumed
    /// for a resume or cancel, expired for an expiry) the host applied, when
    /// the execution is suspended right there.
    pub(super) fn applied_slot<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
        applied: &Transition,
        to: Status,
    ) -> Result<(usize, usize)> {
        if applied.from != Status::Active || applied.to != to {
            return Err(ExecutionError::NotApplied.into());
        }
        let (slot, wait_index) = self.suspended_slot(wf, applied.resume_id.as_str())?;
        if self.context.slots()[slot].status != Status::Active {
            return Err(ExecutionError::NotApplied.into());
        }
        Ok((slot, wait_index))
    }

    pub(super) fn fail(&mut self, node: &str, error: NodeError, r: &mut RunResult<W>) {
        let node_id = id::part_string(Part::NodeId, node).unwrap_or_default();
        self.status = ExecutionStatus::Failed;
        self.current_node = Some(node_id.clone()).filter(|n| !n.is_empty());
        self.wait_mode = ModeSlot::NONE;
        self.resume_at = None;
        self.error = Some(error.clone());
        let _ = self.context.expire_open(&mut r.transitions);
        r.outcome = Outcome::Failed { node_id, error };
    }

    /// Check that this state belongs to `wf`: same id, and every node it
    /// names exists with the right type.
    pub(super) fn check_workflow<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
    ) -> Result<()> {
        let mismatch = |why| Err(ExecutionError::WorkflowMismatch(why).into());
        if wf.id() != self.context.workflow_id() {
            return mismatch("the workflow id differs");
        }
        if let Some(d) = &self.workflow_digest {
            if d != wf.digest() {
                let prefix = |d: &[u8; 32]| [d[0], d[1], d[2], d[3]];
                return Err(ExecutionError::DigestMismatch {
                    started_with: prefix(d),
                    given: prefix(wf.digest()),
                }
                .into());
            }
        }
        let waits = wf.webhook_wait_indices();
        for (i, slot) in self.context.slots().iter().enumerate() {
            let node = self.context.slot_node_id(slot);
            let is_node = |&w: &u16| {
                wf.node(usize::from(w))
                    .is_some_and(|n| id::same_id(n.key, node))
            };
            // Registrations are made in node order: slot i is usually wait i.
            if !(waits.get(i).is_some_and(is_node) || waits.iter().any(is_node)) {
                return mismatch("a registration names no webhook wait node");
            }
        }
        if let Some(node) = self.current_node.as_deref() {
            if node_index(wf, node).is_none() {
                return mismatch("the current node does not exist");
            }
        }
        Ok(())
    }

    pub(super) fn current_index<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
    ) -> Result<usize> {
        self.current_node
            .as_deref()
            .and_then(|n| node_index(wf, n))
            .filter(|&i| wf.node(i).is_some_and(|n| n.is_wait()))
            .ok_or_else(|| ExecutionError::BadState("suspended, but not at a wait node").into())
    }

    /// The slot of `resume_id` and the index of the wait node, when the
    /// execution is suspended at exactly that webhook wait.
    pub(super) fn suspended_slot<const N: usize, const C: usize>(
        &self,
        wf: &Workflow<'_, N, C>,
        resume_id: &str,
    ) -> Result<(usize, usize)> {
        self.check_workflow(wf)?;
        if self.status != ExecutionStatus::Suspended {
            return Err(ExecutionError::NotSuspended.into());
        }
        let slot = self
            .context
            .slot_index_by_resume_id(resume_id)
            .ok_or(ExecutionError::UnknownResumeId)?;
        let s: &RegistrationSlot = &self.context.slots()[slot];
        match s.status {
            Status::Consumed => return Err(Error::AlreadyConsumed),
            Status::Expired => return Err(Error::RegistrationExpired),
            Status::Pending | Status::Active => {}
        }
        let node = self.context.slot_node_id(s);
        if self.current_node.as_deref() != Some(node)
            || self.wait_mode.get() != Some(WaitMode::Webhook)
        {
            return Err(ExecutionError::NotWaitingHere {
                node: id::part_string(Part::NodeId, node)?,
            }
            .into());
        }
        Ok((slot, self.current_index(wf)?))
    }
}

impl<const W: usize, const T: usize, B: Buffer> PartialEq for ExecutionState<W, T, B> {
    fn eq(&self, other: &Self) -> bool {
        self.context == other.context
            && self.workflow_digest == other.workflow_digest
            && self.status == other.status
            && self.current_node == other.current_node
            && self.wait_mode == other.wait_mode
            && self.resume_at == other.resume_at
            && self.output() == other.output()
            && self.trace == other.trace
            && self.error == other.error
    }
}

impl<const W: usize, const T: usize, B: Buffer> Eq for ExecutionState<W, T, B> {}

impl<const W: usize, const T: usize, B: Buffer> fmt::Debug for ExecutionState<W, T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionState")
            .field("execution_id", &self.execution_id())
            .field("workflow_id", &self.workflow_id())
            .field("status", &self.status)
            .field("current_node", &self.current_node())
            .field("wait_mode", &self.wait_mode.get())
            .field("resume_at", &self.resume_at)
            .field("trace", &self.trace.as_str())
            .field("error", &self.error)
            .finish()
    }
}
