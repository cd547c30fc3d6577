//! The execution state: accessors and the state changes of a run.

use super::drive::node_index;
#[allow(unused_imports)]
use super::*;

impl<const W: usize, const T: usize> ExecutionState<W, T> {
    /// A state that has not run yet, for `context`.
    pub fn new(context: ExecutionContext<W>) -> Self {
        let mut output = heapless::String::new();
        let _ = output.push_str("null");
        ExecutionState {
            context,
            status: ExecutionStatus::Created,
            current_node: None,
            wait_mode: None,
            resume_at: None,
            output,
            trace: heapless::String::new(),
            error: None,
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
        self.wait_mode
    }

    /// When the current wait ends, unix ms: `resume_at` of a timer, or
    /// `expires_at` of a webhook (after which the host calls [`expire`]).
    pub fn resume_at(&self) -> Option<u64> {
        self.resume_at
    }

    /// The resume ID the execution waits for, when suspended at a webhook wait.
    pub fn waiting_resume_id(&self) -> Option<&ResumeId> {
        match (self.status, self.wait_mode) {
            (ExecutionStatus::Suspended, Some(WaitMode::Webhook)) => {
                self.context.resume_id(self.current_node.as_deref()?)
            }
            _ => None,
        }
    }

    /// The last output (JSON): of the last node run, or the trigger or resume
    /// payload; while suspended, the wait node's input; `null` before [`run`].
    pub fn output(&self) -> &str {
        &self.output
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

    pub(super) fn set_output(&mut self, json: &str) {
        self.output.clear();
        // Callers pass at most MAX_OUTPUT_LEN bytes (payloads are checked,
        // handler output is bounded by its buffer).
        if self.output.push_str(json).is_err() {
            let _ = self.output.push_str("null");
        }
    }

    /// Append `node:port` (both already checked) to the trace.
    pub(super) fn push_step(&mut self, node: &str, port: &str) -> Result<()> {
        let sep = usize::from(!self.trace.is_empty());
        if self.trace.len() + sep + node.len() + 1 + port.len() > T {
            return Err(Error::Capacity {
                what: "execution trace (bytes)",
                limit: T,
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
        self.wait_mode = Some(suspension.mode());
        self.resume_at = Some(suspension.deadline());
    }

    pub(super) fn complete(&mut self, r: &mut RunResult<W>) {
        self.status = ExecutionStatus::Completed;
        self.current_node = None;
        let _ = self.context.expire_open(&mut r.transitions);
        r.outcome = Outcome::Completed;
    }

    pub(super) fn fail(&mut self, node: &str, error: NodeError, r: &mut RunResult<W>) {
        let node_id = id::part_string(Part::NodeId, node).unwrap_or_default();
        self.status = ExecutionStatus::Failed;
        self.current_node = Some(node_id.clone()).filter(|n| !n.is_empty());
        self.wait_mode = None;
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
        if self.current_node.as_deref() != Some(node) || self.wait_mode != Some(WaitMode::Webhook) {
            return Err(ExecutionError::NotWaitingHere {
                node: id::part_string(Part::NodeId, node)?,
            }
            .into());
        }
        Ok((slot, self.current_index(wf)?))
    }
}

impl<const W: usize, const T: usize> fmt::Debug for ExecutionState<W, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionState")
            .field("execution_id", &self.execution_id())
            .field("workflow_id", &self.workflow_id())
            .field("status", &self.status)
            .field("current_node", &self.current_node())
            .field("wait_mode", &self.wait_mode)
            .field("resume_at", &self.resume_at)
            .field("trace", &self.trace.as_str())
            .field("error", &self.error)
            .finish()
    }
}
