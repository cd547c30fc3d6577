//! The node-callback trampoline: the C node handler's types and the core
//! `NodeHandler` that calls it.

use core::ffi::{c_char, c_void};

use prana_webhook_core::executor::{NodeCall, NodeError, NodeHandler, NodeOutput};

use super::*;

/// Borrowed text handed to a node handler: `ptr` points to `len` bytes of
/// UTF-8 followed by a NUL (so it is also a C string). Valid only during
/// the callback.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_str {
    /// The text (NUL-terminated).
    pub ptr: *const c_char,
    /// Its length without the NUL.
    pub len: usize,
}

/// What a node handler is asked to run. Every string is valid only during
/// the callback.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_node_call {
    /// The execution id.
    pub execution_id: prana_str,
    /// The workflow id.
    pub workflow_id: prana_str,
    /// The node id (its `key`).
    pub node_id: prana_str,
    /// The node `type` (anything but `wait` and `trigger`, which the library runs).
    pub node_type: prana_str,
    /// The node's params, a JSON object, with `{{ $execution... }}` expressions rendered.
    pub params: prana_str,
    /// The input JSON: the previous node's output, or the trigger or resume payload.
    pub input: prana_str,
    /// The `now` passed to the execution call, unix ms.
    pub now: u64,
}

/// What a node handler reports. Before each call the library sets
/// `output_len` to 0 and each string to "" (its first byte NUL); the bytes
/// after a NUL are unspecified (what earlier calls left). On success set
/// `output_len` (JSON bytes written to `output`; 0 means `null`) and
/// optionally `port` ("" means "main"). On failure (return false) set
/// `error_code` (snake_case; "" gives "node_failed") and `error_message`.
/// Strings must be NUL-terminated within their arrays.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_node_result {
    /// Bytes of JSON written at the start of `output`.
    pub output_len: usize,
    /// The output port: 1-32 bytes of `[a-z0-9_]`, or "" for "main".
    pub port: [c_char; PRANA_PORT_BUF_SIZE],
    /// The error code when failing.
    pub error_code: [c_char; PRANA_ERROR_CODE_BUF_SIZE],
    /// The error message when failing.
    pub error_message: [c_char; PRANA_ERROR_MESSAGE_BUF_SIZE],
}

/// A node handler: runs every node whose type is not `wait` or `trigger`.
///
/// `user_data` is the pointer given to the execution call. Write the node's
/// JSON output to `output` (at most `output_cap` bytes, the execution's
/// payload capacity, no NUL needed) and fill `*result`; return true on success, false
/// to fail the execution at this node. The output must be valid JSON or the
/// node fails with "invalid_node_output"; a bad port fails it with
/// "invalid_port". What `output` holds on entry is unspecified (zeros, or
/// bytes earlier calls on the same thread, or on the same execution made
/// by `prana_execution_init`, left there); only the first `output_len`
/// bytes count.
///
/// The callback runs on the calling thread, must return normally (no
/// `longjmp`, no C++ exception), and must not use the execution handle of
/// the running call; other library functions may be called.
///
/// The handler may be NULL while no host node runs (a workflow that only
/// triggers and waits, or a resume that goes straight to the end). When a
/// call with a NULL handler reaches a host node, that node fails with code
/// "no_node_handler", the execution records the failure, and the call
/// returns `PRANA_STATUS_NO_NODE_HANDLER` (the message names the node).
pub type prana_node_handler = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        call: *const prana_node_call,
        output: *mut c_char,
        output_cap: usize,
        result: *mut prana_node_result,
    ) -> bool,
>;

/// The bytes before the NUL of an array written by C, if it has one.
fn array_bytes(a: &[c_char]) -> Option<&[u8]> {
    // SAFETY: `c_char` and `u8` have the same size and alignment and every
    // bit pattern is valid for both; the slice covers the same memory.
    let bytes = unsafe { core::slice::from_raw_parts(a.as_ptr().cast::<u8>(), a.len()) };
    // A plain loop, not `CStr::from_bytes_until_nul`: the text is a few
    // bytes (a port name), shorter than memchr's setup.
    Some(&bytes[..bytes.iter().position(|&b| b == 0)?])
}

/// A handler's error code or message as text: invalid UTF-8 replaced
/// (borrowed when valid: no allocation per node call).
#[cfg(feature = "std")]
fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// A handler's error code or message as text: without a heap, the valid
/// text before the first invalid UTF-8 sequence.
#[cfg(not(feature = "std"))]
fn lossy(b: &[u8]) -> &str {
    match core::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// Put `t` and a NUL into `buf` at `*at` (the caller sized `buf`), move
/// `*at` past them; where `t` starts.
fn put(buf: &mut [u8], at: &mut usize, t: &str) -> usize {
    let start = *at;
    let end = start + t.len();
    buf[start..end].copy_from_slice(t.as_bytes());
    buf[end] = 0;
    *at = end + 1;
    start
}

/// The C callback as a core [`NodeHandler`].
pub(crate) struct CHandler<'s> {
    /// The host's callback; NULL (None) until a host node needs it.
    f: prana_node_handler,
    /// Set when a host node was reached without a callback.
    missing: Option<NodeMissing>,
    user_data: *mut c_void,
    /// NUL-terminated copies of a call's strings, one after the other;
    /// reused for every node (kept per thread, see `RunScratch`, or in the
    /// caller's memory: no allocation per string, node or call).
    scratch: Strings<'s>,
    /// The workflow text's NUL copy (heap workflows): node ids, types and
    /// params without expressions are passed from there, not copied.
    nul: Option<NulText<'s>>,
    /// Address and length of the execution and workflow ids whose copies
    /// start `scratch`, once the first node has run.
    ids: Option<[(usize, usize); 2]>,
    /// The result struct handed to every callback of the call: zeroed
    /// once here, then each node empties only its length and strings (a
    /// zeroed struct per node was a `memset` per node).
    result: prana_node_result,
}

impl<'s> CHandler<'s> {
    /// A handler calling `f` with `user_data`, its strings in `scratch`
    /// or in the workflow's NUL copy.
    pub(super) fn new(
        f: prana_node_handler,
        user_data: *mut c_void,
        scratch: Strings<'s>,
        nul: Option<NulText<'s>>,
    ) -> Self {
        CHandler {
            f,
            missing: None,
            user_data,
            scratch,
            nul,
            ids: None,
            result: prana_node_result {
                output_len: 0,
                port: [0; PRANA_PORT_BUF_SIZE],
                error_code: [0; PRANA_ERROR_CODE_BUF_SIZE],
                error_message: [0; PRANA_ERROR_MESSAGE_BUF_SIZE],
            },
        }
    }

    /// The id of the host node reached without a callback, if any.
    pub(super) fn missing_node(&self) -> Option<&str> {
        self.missing.as_ref().map(NodeMissing::as_str)
    }

    /// Copy into `scratch`, each with a NUL, the ids `exec` and `wf` (at
    /// its start, unless `ids` says they are there) and each of `texts`
    /// that is not `kept`: where the scratch starts and where each copied
    /// text starts in it; `None` when a fixed scratch is too small.
    fn copy_texts(
        &mut self,
        exec: &str,
        wf: &str,
        ids: [(usize, usize); 2],
        texts: &[&str; 4],
        kept: &[Option<*const c_char>; 4],
    ) -> Option<(*const c_char, [usize; 4])> {
        let ids_len = exec.len() + wf.len() + 2;
        let copied = |i: usize| kept[i].map_or(texts[i].len() + 1, |_| 0);
        let need = ids_len + copied(0) + copied(1) + copied(2) + copied(3);
        let Some(buf) = self.scratch.room(need) else {
            self.ids = None;
            return None;
        };
        if self.ids != Some(ids) {
            let mut at = 0;
            put(buf, &mut at, exec);
            put(buf, &mut at, wf);
            self.ids = Some(ids);
        }
        let mut at = ids_len;
        let mut starts = [0usize; 4];
        for ((start, t), k) in starts.iter_mut().zip(texts).zip(kept) {
            if k.is_none() {
                *start = put(buf, &mut at, t);
            }
        }
        // The pointer is taken only now: `buf` is written.
        Some((buf.as_ptr().cast(), starts))
    }
}

/// The id of the host node that found no handler (an id part: at most 64
/// bytes, kept inline so the handler allocates nothing).
struct NodeMissing {
    id: [u8; crate::PRANA_MAX_ID_PART_LEN],
    len: usize,
}

impl NodeMissing {
    fn of(node_id: &str) -> NodeMissing {
        let mut id = [0u8; crate::PRANA_MAX_ID_PART_LEN];
        let mut len = node_id.len().min(id.len());
        while !node_id.is_char_boundary(len) {
            len -= 1;
        }
        id[..len].copy_from_slice(&node_id.as_bytes()[..len]);
        NodeMissing { id, len }
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.id[..self.len]).unwrap_or("?")
    }
}

impl NodeHandler for CHandler<'_> {
    // Without std, `lossy` gives `&str` already.
    #[cfg_attr(not(feature = "std"), allow(clippy::needless_option_as_deref))]
    fn run(&mut self, call: &NodeCall<'_>, output: &mut [u8]) -> Result<NodeOutput, NodeError> {
        let Some(f) = self.f else {
            self.missing = Some(NodeMissing::of(call.node_id));
            return Err(NodeError::new(
                "no_node_handler",
                "a host node was reached but the node handler is NULL",
            ));
        };
        // The two ids are the same for every node of a run call: copied
        // once, kept at the start of `scratch` while they stay the same.
        let (exec, wf) = (call.execution_id, call.workflow_id);
        let ids = [
            (exec.as_ptr() as usize, exec.len()),
            (wf.as_ptr() as usize, wf.len()),
        ];
        // Node ids, types and params without expressions are C strings in
        // the workflow's NUL copy; rendered params and the input are when
        // the core left a NUL after them. Only the rest is copied.
        let [key, node_type, params] = match self.nul {
            Some(n) => n.node(call.node_index, call.params),
            None => [None; 3],
        };
        let c_str = |b: Option<&[u8]>| b.map(|b| b.as_ptr().cast::<c_char>());
        let texts = [call.node_id, call.node_type, call.params, call.input];
        let kept_texts = [
            key,
            node_type,
            c_str(call.params_with_nul).or(params),
            c_str(call.input_with_nul),
        ];
        // Nearly every call: nothing to copy, and `scratch` untouched.
        let (base, starts) = if self.ids == Some(ids) && kept_texts.iter().all(Option::is_some) {
            (self.scratch.base().cast::<c_char>(), [0; 4])
        } else {
            self.copy_texts(exec, wf, ids, &texts, &kept_texts)
                .ok_or_else(|| {
                    // Only params without templates (never rendered, so
                    // not bounded by the params capacity) can get here.
                    NodeError::new(
                        "node_call_too_large",
                        "the node's params, input and ids with their NULs exceed the \
                         execution's scratch for node calls (params capacity + payload \
                         capacity + ids)",
                    )
                })?
        };
        let s = |i: usize| prana_str {
            // `starts[i]` is inside `scratch` (its text and NUL were put
            // there) when the text was not kept.
            ptr: kept_texts[i].unwrap_or_else(|| base.wrapping_add(starts[i])),
            len: texts[i].len(),
        };
        let c_call = prana_node_call {
            execution_id: prana_str {
                ptr: base,
                len: exec.len(),
            },
            workflow_id: prana_str {
                ptr: base.wrapping_add(exec.len() + 1),
                len: wf.len(),
            },
            node_id: s(0),
            node_type: s(1),
            params: s(2),
            input: s(3),
            now: call.now,
        };
        let result = &mut self.result;
        result.output_len = 0;
        result.port[0] = 0;
        result.error_code[0] = 0;
        result.error_message[0] = 0;
        // SAFETY: `f` is the host's callback (non-NULL, checked above);
        // every pointer passed is valid for the call: `c_call` and the
        // strings it points to (in `scratch`, not touched until the
        // callback returns; in the workflow's NUL copy, which the workflow
        // handle keeps; or rendered params and the input where the core
        // keeps them, which `call` borrows) live until the end of this
        // function, `output`
        // is a writable Rust buffer of `output.len()` bytes, and `result` is
        // the handler's own (initialized) struct. The header requires the
        // callback to return normally.
        let ok = unsafe {
            f(
                self.user_data,
                &c_call,
                output.as_mut_ptr().cast(),
                output.len(),
                &mut *result,
            )
        };
        if !ok {
            let code = array_bytes(&result.error_code)
                .filter(|c| !c.is_empty())
                .map(lossy);
            let message = array_bytes(&result.error_message)
                .filter(|m| !m.is_empty())
                .map(lossy);
            return Err(NodeError::new(
                code.as_deref().unwrap_or("node_failed"),
                message.as_deref().unwrap_or("the node handler failed"),
            ));
        }
        if result.output_len > output.len() {
            return Err(NodeError::new(
                "invalid_node_output",
                "output_len exceeds the output buffer",
            ));
        }
        // SAFETY: as in `array_text`: c_char and u8 have the same layout.
        let port_bytes: &[u8; PRANA_PORT_BUF_SIZE] =
            unsafe { &*result.port.as_ptr().cast::<[u8; PRANA_PORT_BUF_SIZE]>() };
        // "" and "main" (nearly every port) need no search and no check.
        // The NUL is read apart (`black_box`): one load over "main" and the
        // NUL, which a handler usually stores apart, would stall.
        if port_bytes[0] == 0
            || (port_bytes[..4] == *b"main" && core::hint::black_box(port_bytes[4]) == 0)
        {
            return Ok(NodeOutput::main(result.output_len));
        }
        // ASCII without NUL (so UTF-8) is nearly every port: no UTF-8 check
        // and no copy; the port name check decides.
        let ascii_port = port_bytes
            .iter()
            .position(|&b| b == 0)
            .and_then(|n| crate::text::ascii_str(&port_bytes[..n]));
        match ascii_port {
            Some("") => Ok(NodeOutput::main(result.output_len)),
            Some(p) => NodeOutput::new(p, result.output_len),
            None => {
                let port = array_bytes(&result.port).ok_or_else(|| {
                    NodeError::new("invalid_port", "the handler's port is not NUL-terminated")
                })?;
                // Not UTF-8: a text that is no port name gets the usual
                // refusal (nothing valid is made of it).
                let port = core::str::from_utf8(port).unwrap_or("\u{fffd}");
                NodeOutput::new(port, result.output_len)
            }
        }
    }
}
