//! The execution context of a new run of a workflow: one pending
//! registration, with a fresh resume ID, per wait node in webhook mode.
//! Here rather than in `context`, so that the context needs nothing of
//! workflows (the wait action, which workflows check, needs the context).

use crate::context::ExecutionContext;
use crate::error::Result;
use crate::id::IdGenerator;
use crate::token::resume::ResumeKey;
use crate::url::BaseUrl;

use super::Workflow;

impl<const W: usize> ExecutionContext<W> {
    /// Execution start: scan `wf` for wait nodes in webhook mode and create a
    /// pending registration (with a fresh resume ID from `ids`) for each, so
    /// that every resume URL exists before any node runs.
    pub fn for_workflow<const N: usize, const C: usize>(
        wf: &Workflow<'_, N, C>,
        execution_id: &str,
        base_url: &BaseUrl,
        ids: &mut IdGenerator,
        now: u64,
    ) -> Result<Self> {
        Self::for_workflow_with(wf, execution_id, base_url, ids, now, None)
    }

    /// [`for_workflow`](Self::for_workflow) with signed resume URLs: each
    /// registration's resume ID is signed with `key` (typically
    /// [`KeySet::current`](crate::token::resume::KeySet::current)) and every
    /// URL of it carries `?sig={key_id}.{mac}` (see the module docs). Only
    /// the signature is kept, not the key.
    pub fn for_workflow_signed<const N: usize, const C: usize>(
        wf: &Workflow<'_, N, C>,
        execution_id: &str,
        base_url: &BaseUrl,
        ids: &mut IdGenerator,
        now: u64,
        key: &ResumeKey,
    ) -> Result<Self> {
        Self::for_workflow_with(wf, execution_id, base_url, ids, now, Some(key))
    }

    fn for_workflow_with<const N: usize, const C: usize>(
        wf: &Workflow<'_, N, C>,
        execution_id: &str,
        base_url: &BaseUrl,
        ids: &mut IdGenerator,
        now: u64,
        key: Option<&ResumeKey>,
    ) -> Result<Self> {
        let mut ctx = Self::empty();
        ctx.reset_for_workflow(wf, execution_id, base_url, ids, now, key)?;
        Ok(ctx)
    }

    /// [`for_workflow`](Self::for_workflow) (`key` = `None`) or
    /// [`for_workflow_signed`](Self::for_workflow_signed) in place: this
    /// context becomes the new execution's, whatever it held before (on
    /// error it is left without registrations). Nothing of the size of a
    /// context is built on the stack.
    pub fn reset_for_workflow<const N: usize, const C: usize>(
        &mut self,
        wf: &Workflow<'_, N, C>,
        execution_id: &str,
        base_url: &BaseUrl,
        ids: &mut IdGenerator,
        now: u64,
        key: Option<&ResumeKey>,
    ) -> Result<()> {
        let r = self.fill_for_workflow(wf, execution_id, base_url, ids, now, key);
        if r.is_err() {
            self.slots_mut().clear();
        }
        r
    }

    fn fill_for_workflow<const N: usize, const C: usize>(
        &mut self,
        wf: &Workflow<'_, N, C>,
        execution_id: &str,
        base_url: &BaseUrl,
        ids: &mut IdGenerator,
        now: u64,
        key: Option<&ResumeKey>,
    ) -> Result<()> {
        self.begin(wf.id(), execution_id, base_url)?;
        for node in wf.webhook_wait_nodes() {
            // Made straight into the slot: a full registration carries a
            // 512-byte config the context does not keep.
            let resume_id = ids.resume_id(execution_id, node.key)?;
            self.add_pending(node.key, resume_id, key, now)?;
        }
        Ok(())
    }
}
