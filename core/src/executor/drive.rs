//! Driving the graph: node after node along connections until the
//! execution completes, fails or suspends.

use super::*;

/// The index of node `key`. The current node is usually a webhook wait, so
/// those few are looked at before all nodes.
pub(super) fn node_index<const N: usize, const C: usize>(
    wf: &Workflow<'_, N, C>,
    key: &str,
) -> Option<usize> {
    let is_key = |&i: &usize| wf.node(i).is_some_and(|n| id::same_id(n.key, key));
    let mut waits = wf.webhook_wait_indices().iter().map(|&i| usize::from(i));
    waits.find(is_key).or_else(|| wf.index_of(key))
}

/// Build a [`RunResult`] where it is returned (with a suspension it is
/// over 1 KiB, which costs more to move than to fill): the by-value calls
/// are this around their `_into` call.
pub(super) fn run_result<const W: usize>(
    fill: impl FnOnce(&mut RunResult<W>) -> Result<()>,
) -> Result<RunResult<W>> {
    let mut out = Ok(RunResult::new());
    if let Ok(r) = &mut out {
        fill(r)?;
    }
    out
}

/// A payload checked as JSON and against the state's output capacity
/// (`null` is kept as nothing and always fits).
pub(super) fn checked_payload<'p>(
    payload: &'p str,
    what: &'static str,
    limit: usize,
) -> Result<&'p str> {
    let payload = json::validate(payload)?;
    if payload.len() > limit && payload != "null" {
        return Err(Error::TooLarge {
            what,
            limit,
            needed: payload.len(),
        });
    }
    Ok(payload)
}

/// Leave the wait node at `wait_index` by `port` and drive on.
#[allow(clippy::too_many_arguments)]
pub(super) fn continue_from<
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
    wait_index: usize,
    port: &str,
    now: u64,
    r: &mut RunResult<W>,
) where
    H: NodeHandler + ?Sized,
{
    let key = wf.node(wait_index).map(|n| n.key).unwrap_or("");
    state.status = ExecutionStatus::Created;
    state.current_node = None;
    state.wait_mode = ModeSlot::NONE;
    state.resume_at = None;
    if let Err(e) = state.push_step(key, port) {
        return state.fail(key, NodeError::from_error(&e), r);
    }
    match wf.next(wait_index, port) {
        Some(next) => drive(wf, state, ws, handler, next, now, r),
        None => state.complete(r),
    }
}

/// Run nodes from `index` on until the execution completes, fails or suspends.
pub(super) fn drive<
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
    mut index: usize,
    now: u64,
    r: &mut RunResult<W>,
) where
    H: NodeHandler + ?Sized,
{
    let Workspace {
        params: params_buf,
        output: out,
    } = ws;
    let (params_buf, out) = (params_buf.as_mut_bytes(), out.as_mut_bytes());
    loop {
        let Some(node) = wf.node(index).copied() else {
            let e = Error::from(ExecutionError::BadState("node index out of range"));
            return state.fail("", NodeError::from_error(&e), r);
        };
        // Each branch leaves the node by its port (`leave`). A host node's
        // port is borrowed from the handler's result where it was made:
        // moving the result or the port (loaded whole just after the
        // handler stored its parts) stalls on every node.
        let next;
        if node.is_wait() {
            // The suspension (~1.4 KiB for a webhook) is built in place, in
            // the outcome the caller receives: the previous call's webhook
            // suspension is reused (every field of it is written again).
            match &mut r.outcome {
                Outcome::Suspended { node_id, .. } => node_id.clear(),
                o => {
                    *o = Outcome::Suspended {
                        node_id: PartString::new(),
                        suspension: Suspension::Interval {
                            duration_ms: 0,
                            resume_at: 0,
                        },
                    }
                }
            }
            let result = match &mut r.outcome {
                // Params without expressions, parsed with the workflow.
                Outcome::Suspended { suspension, .. } => match wf.webhook_params(index) {
                    Some((timeout_ms, webhook_config)) => wait::execute_webhook_into(
                        timeout_ms,
                        webhook_config,
                        node.key,
                        &mut state.context,
                        now,
                        suspension,
                    ),
                    None => {
                        node_params(node.params, &state.context, params_buf).and_then(|(p, _)| {
                            wait::execute_into(p, node.key, &mut state.context, now, suspension)
                        })
                    }
                },
                // Cannot happen: set just above.
                _ => Err(ExecutionError::BadState("no suspension").into()),
            };
            match result {
                Ok(t) => {
                    if let Some(t) = t {
                        let _ = r.transitions.push(t);
                    }
                    return state.suspend(node.key, r);
                }
                Err(e) if wf.has_port(index, "error") => {
                    r.outcome = Outcome::Completed;
                    // Prana sends a refused wait out of its `error` port.
                    let msg = e.to_string_buf();
                    let mut o = JsonOut::new(out);
                    write_node_error(&mut o, e.code(), &msg);
                    let n = if o.full { 0 } else { o.len };
                    let text = core::str::from_utf8(&out[..n]).unwrap_or("");
                    let text = if text.is_empty() { "null" } else { text };
                    if let Err(e) = state.set_output(text, "node output") {
                        return state.fail(node.key, NodeError::from_error(&e), r);
                    }
                    next = leave(wf, state, index, node.key, "error", r);
                }
                Err(e) => return state.fail(node.key, NodeError::from_error(&e), r),
            }
        } else if node.node_type == TRIGGER_TYPE {
            if let Err(e) = node_params(node.params, &state.context, params_buf) {
                return state.fail(node.key, NodeError::from_error(&e), r);
            }
            next = leave(wf, state, index, node.key, MAIN_PORT, r);
        } else {
            let (params, params_with_nul) =
                match node_params(node.params, &state.context, params_buf) {
                    Ok(p) => p,
                    Err(e) => return state.fail(node.key, NodeError::from_error(&e), r),
                };
            let (input, input_with_nul) = state.input();
            let call = NodeCall {
                execution_id: state.context.execution_id(),
                workflow_id: state.context.workflow_id(),
                node_id: node.key,
                node_index: index,
                node_type: node.node_type,
                params,
                params_with_nul,
                input,
                input_with_nul,
                now,
            };
            let result = handler.run(&call, out);
            let output = match result {
                Ok(ref o) => o,
                Err(e) => return state.fail(node.key, e, r),
            };
            // Nearly every node leaves by `main`: that port needs no name
            // check, and leaving by the constant lets the compiler fold
            // the port comparisons of the trace and the connection search
            // (whatever the handler is, the C ABI's included).
            let main = output.port.as_str() == MAIN_PORT;
            if !main && !workflow::is_port_name(&output.port) {
                let e = NodeError::new("invalid_port", "the handler returned an invalid port name");
                return state.fail(node.key, e, r);
            }
            let text = if output.len == 0 {
                Ok("null")
            } else {
                out.get(..output.len)
                    .ok_or(Error::Json("output length exceeds the output buffer"))
                    .and_then(|b| {
                        core::str::from_utf8(b).map_err(|_| Error::Json("output is not UTF-8"))
                    })
                    .and_then(json::validate)
            };
            match text {
                Ok(t) => {
                    if let Err(e) = state.set_output(t, "node output") {
                        return state.fail(node.key, NodeError::from_error(&e), r);
                    }
                }
                Err(e) => {
                    let msg = e.to_string_buf();
                    let err = NodeError::new("invalid_node_output", &msg);
                    return state.fail(node.key, err, r);
                }
            }
            next = if main {
                leave(wf, state, index, node.key, MAIN_PORT, r)
            } else {
                leave(wf, state, index, node.key, &output.port, r)
            };
        }
        match next {
            Some(n) => index = n,
            None => return,
        }
    }
}

/// A node's params with their `$execution` expressions rendered into
/// `buf`; params without `{{` are their own rendering (no copy). Called
/// only by the branches that use the params: a webhook wait whose params
/// the workflow prepared has no `{{` and needs none. Out of line on
/// 32-bit targets (short of flash): three callers. With the text, its
/// bytes and a NUL when it was rendered with room for one
/// ([`NodeCall::params_with_nul`]).
#[cfg_attr(target_pointer_width = "64", inline(always))]
fn node_params<'p, const W: usize>(
    params: &'p str,
    context: &ExecutionContext<W>,
    buf: &'p mut [u8],
) -> Result<(&'p str, Option<&'p [u8]>)> {
    let Some(first) = crate::bytes::find_pair(params, b'{') else {
        return Ok((params, None));
    };
    let limit = buf.len();
    let n = match context.render_from(params, Some(first), buf) {
        Ok(n) => n,
        Err(Error::BufferTooSmall { needed }) => {
            return Err(Error::TooLarge {
                what: "rendered node params",
                limit,
                needed,
            })
        }
        Err(e) => return Err(e),
    };
    let nul = buf.get_mut(n).map(|b| *b = 0).is_some();
    let text = crate::template::rendered_text(&buf[..n])?;
    Ok((text, nul.then(|| &buf[..=n])))
}

/// Record the step out of node `index` (`key`) by `port`: the next node's
/// index, or `None` when the execution ended there (completed, or failed
/// on a full trace), `r` written.
#[inline(always)]
fn leave<const N: usize, const C: usize, const W: usize, const T: usize, B: Buffer>(
    wf: &Workflow<'_, N, C>,
    state: &mut ExecutionState<W, T, B>,
    index: usize,
    key: &str,
    port: &str,
    r: &mut RunResult<W>,
) -> Option<usize> {
    if let Err(e) = state.push_step(key, port) {
        state.fail(key, NodeError::from_error(&e), r);
        return None;
    }
    let next = wf.next(index, port);
    if next.is_none() {
        state.complete(r);
    }
    next
}

/// A node error as `{"code": …, "message": …}`.
pub(super) fn write_node_error(o: &mut JsonOut<'_>, code: &str, message: &str) {
    o.raw("{\"code\":");
    o.string(code);
    o.raw(",\"message\":");
    o.string(message);
    o.raw("}");
}
