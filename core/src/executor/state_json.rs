//! The execution state's JSON form: writing it and restoring from it,
//! every field checked.

use super::drive::write_node_error;
use super::*;

/// 64 lowercase hex digits as a digest.
fn read_hex(text: &str) -> Option<[u8; 32]> {
    let t = text.as_bytes();
    if t.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = digit(t[2 * i])? << 4 | digit(t[2 * i + 1])?;
    }
    Some(out)
}

/// What the member readers fail with: small, so their results pass in
/// registers instead of moving an [`Error`] through every `?`; it becomes
/// one where a `?` meets a `Result`.
#[derive(Debug, Clone, Copy)]
enum Bad {
    /// [`Error::Json`].
    Json(&'static str),
    /// [`ExecutionError::BadState`].
    State(&'static str),
    /// [`Error::NotAnObject`] for the execution state.
    NotAnObject,
}

impl From<json::Syntax> for Bad {
    fn from(e: json::Syntax) -> Self {
        Bad::Json(e.0)
    }
}

impl From<Bad> for Error {
    fn from(e: Bad) -> Self {
        match e {
            Bad::Json(why) => Error::Json(why),
            Bad::State(why) => ExecutionError::BadState(why).into(),
            Bad::NotAnObject => Error::NotAnObject("execution state"),
        }
    }
}

/// A member reader's result.
type Read<T> = core::result::Result<T, Bad>;

/// What a state JSON of the wrong shape fails with (serde's wording before).
fn shape_error() -> Bad {
    Bad::Json("execution state fields missing, of the wrong type, or over capacity")
}

/// Keep the first value of a member; a second one is an error (as with serde).
fn set_once<V>(slot: &mut Option<V>, v: V) -> Read<()> {
    if slot.is_some() {
        return Err(shape_error());
    }
    *slot = Some(v);
    Ok(())
}

/// A string member's text between its quotes. Escapes are left as they are:
/// ids, URLs and names have none, and their validators refuse a `\`.
fn read_str<'s>(r: &mut json::Reader<'s>) -> Read<&'s str> {
    let raw = r.string()?.ok_or_else(shape_error)?;
    Ok(&raw[1..raw.len() - 1])
}

fn read_opt_str<'s>(r: &mut json::Reader<'s>) -> Read<Option<&'s str>> {
    if r.null()? {
        return Ok(None);
    }
    read_str(r).map(Some)
}

fn read_u64(r: &mut json::Reader<'_>) -> Read<u64> {
    r.u64()?.ok_or_else(shape_error)
}

fn read_opt_u64(r: &mut json::Reader<'_>) -> Read<Option<u64>> {
    if r.null()? {
        return Ok(None);
    }
    read_u64(r).map(Some)
}

/// A string member decoded (escapes resolved) into a string of capacity `M`.
fn read_decoded<const M: usize>(r: &mut json::Reader<'_>) -> Option<heapless::String<M>> {
    let mut buf = [0u8; M];
    let mut s = heapless::String::new();
    s.push_str(decode_into(r, &mut buf)?).ok()?;
    Some(s)
}

/// [`read_decoded`]'s work, once for every capacity: the decoded text in `buf`.
fn decode_into<'b>(r: &mut json::Reader<'_>, buf: &'b mut [u8]) -> Option<&'b str> {
    let raw = r.string().ok()??;
    let n = json::decode_str(raw, buf).ok()?;
    core::str::from_utf8(buf.get(..n)?).ok()
}

/// The `error` member: `null` or `{code, message}` within their limits.
fn read_node_error(r: &mut json::Reader<'_>) -> Read<Option<NodeError>> {
    if r.null()? {
        return Ok(None);
    }
    let bad = || Bad::State("'error' is not {code, message} within limits");
    if !r.begin_object()? {
        return Err(bad());
    }
    let (mut code, mut message) = (None, None);
    while let Some(key) = r.next_key()? {
        match key {
            "code" if code.is_none() => code = Some(read_decoded(r).ok_or_else(bad)?),
            "message" if message.is_none() => message = Some(read_decoded(r).ok_or_else(bad)?),
            "code" | "message" => return Err(bad()),
            _ => {
                r.value()?;
            }
        }
    }
    match (code, message) {
        (Some(code), Some(message)) => Ok(Some(NodeError { code, message })),
        _ => Err(bad()),
    }
}

/// A registration slot as read from the state's JSON. A missing or `null`
/// `sig` (unsigned, or a state written before signatures were kept) reads
/// as `None`, as does `csig` (the cancel URL's, also missing in states
/// written before cancel URLs were signed).
struct SlotIn<'s> {
    node_id: &'s str,
    resume_id: &'s str,
    sig: Option<&'s str>,
    csig: Option<&'s str>,
    status: Status,
    created_at: u64,
    expires_at: Option<u64>,
}

impl<'s> SlotIn<'s> {
    /// The exact form `to_json` writes (every state this crate wrote,
    /// unless a store reformatted it); `None`, nothing consumed, otherwise.
    fn read_compact(r: &mut json::Reader<'s>) -> Option<SlotIn<'s>> {
        r.compact(|r| {
            r.exact("{\"node_id\":")?;
            let node_id = r.plain_string()?;
            r.exact(",\"resume_id\":")?;
            let resume_id = r.plain_string()?;
            let sig = match r.exact(",\"sig\":") {
                Some(()) => Some(r.plain_string()?),
                None => None,
            };
            let csig = match r.exact(",\"csig\":") {
                Some(()) => Some(r.plain_string()?),
                None => None,
            };
            r.exact(",\"status\":")?;
            let status = Status::parse(r.plain_string()?).ok()?;
            r.exact(",\"created_at\":")?;
            let created_at = r.plain_u64()?;
            r.exact(",\"expires_at\":")?;
            let expires_at = match r.exact("null") {
                Some(()) => None,
                None => Some(r.plain_u64()?),
            };
            r.exact("}")?;
            Some(SlotIn {
                node_id,
                resume_id,
                sig,
                csig,
                status,
                created_at,
                expires_at,
            })
        })
    }

    fn read(r: &mut json::Reader<'s>) -> Read<SlotIn<'s>> {
        if let Some(slot) = Self::read_compact(r) {
            return Ok(slot);
        }
        if !r.begin_object()? {
            return Err(shape_error());
        }
        let (mut node_id, mut resume_id, mut sig, mut csig) = (None, None, None, None);
        let (mut status, mut created_at, mut expires_at) = (None, None, None);
        while let Some(key) = r.next_key()? {
            match key {
                "node_id" => set_once(&mut node_id, read_str(r)?)?,
                "resume_id" => set_once(&mut resume_id, read_str(r)?)?,
                "sig" => set_once(&mut sig, read_opt_str(r)?)?,
                "csig" => set_once(&mut csig, read_opt_str(r)?)?,
                "status" => {
                    let s = Status::parse(read_str(r)?).map_err(|_| shape_error())?;
                    set_once(&mut status, s)?;
                }
                "created_at" => set_once(&mut created_at, read_u64(r)?)?,
                "expires_at" => set_once(&mut expires_at, read_opt_u64(r)?)?,
                _ => {
                    r.value()?;
                }
            }
        }
        Ok(SlotIn {
            node_id: node_id.ok_or_else(shape_error)?,
            resume_id: resume_id.ok_or_else(shape_error)?,
            sig: sig.flatten(),
            csig: csig.flatten(),
            status: status.ok_or_else(shape_error)?,
            created_at: created_at.ok_or_else(shape_error)?,
            expires_at: expires_at.flatten(),
        })
    }
}

/// The members of the state's JSON, borrowing the text: read in one pass,
/// then checked and copied into an [`ExecutionState`].
struct StateIn<'s, const W: usize> {
    version: Option<u64>,
    workflow_id: Option<&'s str>,
    /// Present (a string or `null`) in version 3, absent in version 2.
    workflow_digest: Option<Option<&'s str>>,
    execution_id: Option<&'s str>,
    base_url: Option<&'s str>,
    status: Option<ExecutionStatus>,
    current_node: Option<Option<&'s str>>,
    wait_mode: Option<Option<&'s str>>,
    resume_at: Option<Option<u64>>,
    registrations: Option<heapless::Vec<SlotIn<'s>, W>>,
    /// The trace string between its quotes (checked by `restore_trace`).
    trace: Option<&'s str>,
    /// The trace was checked while it was read (the exact form's path).
    trace_checked: bool,
    error: Option<Option<NodeError>>,
    output: Option<&'s str>,
}

impl<'s, const W: usize> StateIn<'s, W> {
    fn new() -> Self {
        StateIn {
            version: None,
            workflow_id: None,
            workflow_digest: None,
            execution_id: None,
            base_url: None,
            status: None,
            current_node: None,
            wait_mode: None,
            resume_at: None,
            registrations: None,
            trace: None,
            trace_checked: false,
            error: None,
            output: None,
        }
    }

    /// Read the JSON text and check that every member is there; returns
    /// the base URL's text. [`ExecutionState::restore`] checks the rest.
    fn read_base(&mut self, bytes: &'s [u8]) -> Result<&'s str> {
        let bad = |why| Error::from(ExecutionError::BadState(why));
        let text = core::str::from_utf8(bytes).map_err(|_| Error::Json("not UTF-8"))?;
        // One pass over the text reads (and checks the syntax of) every
        // member: the exact form `to_json` writes first, else any layout.
        if self.read_compact(text).is_none() {
            *self = StateIn::new();
            self.read(text)?;
        }
        self.output.ok_or(bad("'output' is missing"))?;
        let (Some(version), Some(_), Some(_), Some(base_url)) = (
            self.version,
            self.workflow_id,
            self.execution_id,
            self.base_url,
        ) else {
            return Err(shape_error().into());
        };
        if self.status.is_none() || self.registrations.is_none() || self.trace.is_none() {
            return Err(shape_error().into());
        }
        match (version, self.workflow_digest.is_some()) {
            (3, true) | (2, false) => {}
            (3, false) => return Err(bad("version 3 needs 'workflow_digest'")),
            (2, true) => return Err(bad("version 2 has no 'workflow_digest'")),
            _ => {
                return Err(bad(
                    "unsupported version (this library reads versions 2 and 3)",
                ))
            }
        }
        Ok(base_url)
    }

    /// Read `text` in the exact form `to_json` writes (no whitespace,
    /// members in its order, no escapes in ids, no error), front to back
    /// without looking keys up. `None` for any other layout: then the
    /// caller starts over with [`read`](Self::read), which accepts every
    /// layout and gives the precise error. What this accepts, `read`
    /// reads to the same values.
    fn read_compact(&mut self, text: &'s str) -> Option<()> {
        fn opt_plain<'s>(r: &mut json::Reader<'s>) -> Option<Option<&'s str>> {
            match r.exact("null") {
                Some(()) => Some(None),
                None => r.plain_string().map(Some),
            }
        }
        let mut r = json::Reader::new(text);
        // Opened as `read` opens it, so the output's nesting counts the same.
        if !r.begin_object().ok()? {
            return None;
        }
        r.exact("\"version\":")?;
        self.version = Some(r.plain_u64()?);
        r.exact(",\"workflow_id\":")?;
        self.workflow_id = Some(r.plain_string()?);
        if r.exact(",\"workflow_digest\":").is_some() {
            self.workflow_digest = Some(opt_plain(&mut r)?);
        }
        r.exact(",\"execution_id\":")?;
        self.execution_id = Some(r.plain_string()?);
        r.exact(",\"base_url\":")?;
        self.base_url = Some(r.plain_string()?);
        r.exact(",\"status\":")?;
        self.status = Some(ExecutionStatus::parse(r.plain_string()?)?);
        r.exact(",\"current_node\":")?;
        self.current_node = Some(opt_plain(&mut r)?);
        r.exact(",\"wait_mode\":")?;
        self.wait_mode = Some(opt_plain(&mut r)?);
        r.exact(",\"resume_at\":")?;
        self.resume_at = Some(match r.exact("null") {
            Some(()) => None,
            None => Some(r.plain_u64()?),
        });
        r.exact(",\"registrations\":[")?;
        let slots = self.registrations.insert(heapless::Vec::new());
        if r.exact("]").is_none() {
            loop {
                slots.push(SlotIn::read_compact(&mut r)?).ok()?;
                if r.exact("]").is_some() {
                    break;
                }
                r.exact(",")?;
            }
        }
        r.exact(",\"trace\":")?;
        // Its steps checked while finding its end: one pass over it.
        self.trace = Some(r.string_scanned(|t, i| trace_end(t, i).ok())?);
        self.trace_checked = true;
        r.exact(",\"error\":null,\"output\":")?;
        self.error = Some(None);
        self.output = Some(r.value().ok()?);
        r.exact("}")?;
        r.end().ok()
    }

    /// Read every member of `text` (filled in place: the vectors are large).
    fn read(&mut self, text: &'s str) -> Read<()> {
        let mut r = json::Reader::new(text);
        if !r.begin_object()? {
            json::validated(text)?;
            return Err(Bad::NotAnObject);
        }
        while let Some(key) = r.next_key()? {
            match key {
                "version" => set_once(&mut self.version, read_u64(&mut r)?)?,
                "workflow_id" => set_once(&mut self.workflow_id, read_str(&mut r)?)?,
                "workflow_digest" => {
                    set_once(&mut self.workflow_digest, read_opt_str(&mut r)?)?;
                }
                "execution_id" => set_once(&mut self.execution_id, read_str(&mut r)?)?,
                "base_url" => set_once(&mut self.base_url, read_str(&mut r)?)?,
                "status" => {
                    let s = ExecutionStatus::parse(read_str(&mut r)?).ok_or_else(shape_error)?;
                    set_once(&mut self.status, s)?;
                }
                "current_node" => set_once(&mut self.current_node, read_opt_str(&mut r)?)?,
                "wait_mode" => set_once(&mut self.wait_mode, read_opt_str(&mut r)?)?,
                "resume_at" => set_once(&mut self.resume_at, read_opt_u64(&mut r)?)?,
                "registrations" => {
                    set_once(&mut self.registrations, heapless::Vec::new())?;
                    let slots = self.registrations.as_mut().ok_or_else(shape_error)?;
                    if !r.begin_array()? {
                        return Err(shape_error());
                    }
                    while r.next_element()? {
                        slots
                            .push(SlotIn::read(&mut r)?)
                            .map_err(|_| shape_error())?;
                    }
                }
                "trace" => set_once(&mut self.trace, read_str(&mut r)?)?,
                // The first `error` and `output` count (they were looked up
                // with `json::find_member`); any later one is only checked.
                "error" if self.error.is_none() => self.error = Some(read_node_error(&mut r)?),
                "output" if self.output.is_none() => self.output = Some(r.value()?),
                _ => {
                    r.value()?;
                }
            }
        }
        Ok(r.end()?)
    }
}

/// Upper bound of the JSON of everything but registrations, the trace's
/// text (written as it is) and output:
/// member names, ids (64 + 64 + 64), the digest (64), base URL (256),
/// numbers, and an error whose 32-byte code and 192-byte message could be
/// all `\u00XX` escapes.
const FIXED_JSON_LEN: usize = 2656;
/// Upper bound of one registration's JSON (about 370 bytes at most, plus
/// `,"sig":"…"` and `,"csig":"…"` of up to 41 each when signed).
const SLOT_JSON_LEN: usize = 488;

impl<const W: usize, const T: usize, const O: usize> ExecutionState<W, T, [u8; O]> {
    /// A buffer of this many bytes always holds the JSON form of this state
    /// (as [`max_json_len`](Self::max_json_len) says for any storage).
    pub const MAX_JSON_LEN: usize = FIXED_JSON_LEN + W * SLOT_JSON_LEN + T + O;

    /// Read a state from its JSON form, checking every field (as
    /// [`load_json`](ExecutionState::load_json) does). By value: a host
    /// restores into a state it keeps with `load_json` instead.
    #[inline]
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let mut state = Self::new();
        state.load_json(bytes)?;
        Ok(state)
    }
}

impl<const W: usize, const T: usize, B: Buffer> ExecutionState<W, T, B> {
    /// A buffer of this many bytes always holds the JSON form of this state:
    /// it grows with the output capacity.
    pub fn max_json_len(&self) -> usize {
        FIXED_JSON_LEN + W * SLOT_JSON_LEN + T + self.output_capacity()
    }

    /// Write the JSON form into `buf`; returns the number of bytes written.
    /// When `buf` is too small the error is [`Error::BufferTooSmall`] with
    /// `needed` = [`max_json_len`](Self::max_json_len), which always suffices.
    pub fn to_json(&self, buf: &mut [u8]) -> Result<usize> {
        let mut o = JsonOut::new(buf);
        self.write_json(&mut o);
        if o.full {
            return Err(Error::BufferTooSmall {
                needed: self.max_json_len(),
            });
        }
        Ok(o.len)
    }

    /// The exact length of the JSON form: what [`to_json`](Self::to_json)
    /// writes (a counting pass, for a host that sizes its buffer to the
    /// state rather than to [`max_json_len`](Self::max_json_len)).
    pub fn json_len(&self) -> usize {
        let mut o = JsonOut::new(&mut []);
        self.write_json(&mut o);
        o.needed
    }

    fn write_json(&self, o: &mut JsonOut<'_>) {
        let ctx = &self.context;
        o.raw("{\"version\":");
        o.u64(u64::from(STATE_VERSION));
        o.raw(",\"workflow_id\":");
        o.plain(ctx.workflow_id());
        o.raw(",\"workflow_digest\":");
        match &self.workflow_digest {
            Some(d) => o.hex(d),
            None => o.raw("null"),
        }
        o.raw(",\"execution_id\":");
        o.plain(ctx.execution_id());
        o.raw(",\"base_url\":");
        // Checked for bytes to escape once, when it was parsed (32-bit
        // targets, short of flash, keep the one escaping path).
        if cfg!(target_pointer_width = "64") && ctx.base_url_json_safe() {
            o.plain(ctx.base_url().as_str());
        } else {
            o.string(ctx.base_url().as_str());
        }
        o.raw(",\"status\":");
        o.plain(self.status.as_str());
        o.raw(",\"current_node\":");
        o.opt_plain(self.current_node.as_deref());
        o.raw(",\"wait_mode\":");
        o.opt_plain(self.wait_mode.get().map(WaitMode::as_str));
        o.raw(",\"resume_at\":");
        o.opt_u64(self.resume_at);
        o.raw(",\"registrations\":[");
        for (i, slot) in ctx.slots().iter().enumerate() {
            o.raw(if i == 0 {
                "{\"node_id\":"
            } else {
                ",{\"node_id\":"
            });
            o.plain(ctx.slot_node_id(slot));
            o.raw(",\"resume_id\":");
            o.plain(slot.resume_id.as_str());
            // Left out when the URL is unsigned.
            if let Some(sig) = &slot.signature {
                o.raw(",\"sig\":");
                o.plain(sig.as_str());
            }
            if let Some(sig) = &slot.cancel_signature {
                o.raw(",\"csig\":");
                o.plain(sig.as_str());
            }
            o.raw(",\"status\":");
            o.plain(slot.status.as_str());
            o.raw(",\"created_at\":");
            o.u64(slot.created_at);
            o.raw(",\"expires_at\":");
            o.opt_u64(slot.expires_at);
            o.raw("}");
        }
        // The trace's text needs no escaping: keys, ports, `:` and `,`.
        o.raw("],\"trace\":");
        o.plain(&self.trace);
        o.raw(",\"error\":");
        match &self.error {
            Some(e) => write_node_error(o, &e.code, &e.message),
            None => o.raw("null"),
        }
        o.raw(",\"output\":");
        o.raw(self.output());
        o.raw("}");
    }

    /// Restore this state in place from its JSON form, checking every
    /// field exactly as [`from_json`](ExecutionState::from_json) does; what the state
    /// held before does not matter. This is the cheap way to restore: no
    /// 16 KiB state is moved, and the base URL is parsed only when it
    /// differs from the one the state has.
    ///
    /// On error the state is left empty: no registrations, no trace, and an
    /// empty workflow id, so every executor call refuses it (the state does
    /// not belong to the workflow) until a later `load_json` succeeds.
    ///
    /// ```
    /// use prana_webhook_core::executor::{self, ExecutionState, ExecutionStatus};
    /// use prana_webhook_core::{id::IdGenerator, url::BaseUrl, workflow::Workflow};
    /// let wf = Workflow::parse(r#"{"id": "wf", "nodes": [
    ///     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}], "connections": []}"#).unwrap();
    /// let base = BaseUrl::parse("https://gw.example.com").unwrap();
    /// let mut ids = IdGenerator::from_seed([1; 32]);
    /// let saved: ExecutionState = executor::start(&wf, "exec-1", &base, &mut ids, 0).unwrap();
    /// let mut buf = [0u8; 2048];
    /// let n = saved.to_json(&mut buf).unwrap();
    ///
    /// // One state, reused for every execution a worker restores.
    /// let mut state: ExecutionState = executor::start(&wf, "other", &base, &mut ids, 0).unwrap();
    /// state.load_json(&buf[..n]).unwrap();
    /// assert_eq!(state, saved);
    /// assert!(state.load_json(b"{}").is_err());
    /// assert_eq!(state.workflow_id(), "");
    /// ```
    pub fn load_json(&mut self, bytes: &[u8]) -> Result<()> {
        let mut f = StateIn::<'_, W>::new();
        let result = f.read_base(bytes).and_then(|base| {
            self.clear();
            if self.context.base_url().as_str() != base {
                // Equal text is the same URL: a normalized base URL parses
                // to itself.
                self.context.set_base_url(BaseUrl::parse(base)?);
            }
            self.restore(&mut f)
        });
        if result.is_err() {
            self.clear();
        }
        result
    }

    /// The rest of [`from_json`](ExecutionState::from_json) and
    /// [`load_json`](Self::load_json), into a cleared state: registrations,
    /// where the execution stands, trace, error and output, each checked.
    fn restore(&mut self, f: &mut StateIn<'_, W>) -> Result<()> {
        let bad = |why| Error::from(ExecutionError::BadState(why));
        // read_base checked that they are there.
        let (
            Some(registrations),
            Some(trace),
            Some(status),
            Some(workflow_id),
            Some(execution_id),
            Some(output),
        ) = (
            &f.registrations,
            f.trace,
            f.status,
            f.workflow_id,
            f.execution_id,
            f.output,
        )
        else {
            return Err(shape_error().into());
        };
        self.context.set_ids(workflow_id, execution_id)?;
        self.workflow_digest = match f.workflow_digest.flatten() {
            None => None,
            Some(text) => Some(
                read_hex(text).ok_or(bad("'workflow_digest' is not 64 lowercase hex digits"))?,
            ),
        };
        for (i, s) in registrations.iter().enumerate() {
            id::check_part(Part::NodeId, s.node_id)?;
            let signature = signature_of(s.sig, "a registration's sig is not {key_id}.{mac}")?;
            let cancel_signature =
                signature_of(s.csig, "a registration's csig is not {key_id}.{mac}")?;
            // The slots so far are those of the registrations before this
            // one (each checked to carry its node_id): compare those texts.
            let before = registrations.get(..i).unwrap_or(&[]);
            if before.iter().any(|o| id::same_id(o.node_id, s.node_id)) {
                return Err(bad("two registrations for one node"));
            }
            // Made in place, its resume ID parsed into it (a slot is ~250
            // bytes), and dropped again when the ID is refused.
            let slots = self.context.slots_mut();
            slots
                .push(RegistrationSlot {
                    resume_id: ResumeId::empty(),
                    signature,
                    cancel_signature,
                    status: s.status,
                    created_at: s.created_at,
                    expires_at: s.expires_at,
                })
                .map_err(|_| Error::Capacity {
                    what: "webhook wait nodes",
                    limit: W,
                })?;
            let checked = match slots.last_mut() {
                Some(slot) => {
                    // The ID this crate wrote: checked with its parts known;
                    // anything else by the checks that name the fault.
                    let r = &mut slot.resume_id;
                    if r.set_if_of(s.resume_id, execution_id, s.node_id) {
                        Ok(())
                    } else {
                        r.set(s.resume_id).and_then(|()| {
                            if r.belongs_to(execution_id, s.node_id) {
                                Ok(())
                            } else {
                                Err(Error::ResumeIdMismatch)
                            }
                        })
                    }
                }
                None => Err(shape_error().into()),
            };
            if let Err(e) = checked {
                slots.pop();
                return Err(e);
            }
        }
        self.status = status;
        self.current_node = match f.current_node.flatten() {
            Some(n) => {
                let mut node = PartString::new();
                id::set_part(&mut node, Part::NodeId, n)?;
                Some(node)
            }
            None => None,
        };
        self.wait_mode = ModeSlot::of(match f.wait_mode.flatten() {
            None => None,
            Some("interval") => Some(WaitMode::Interval),
            Some("schedule") => Some(WaitMode::Schedule),
            Some("webhook") => Some(WaitMode::Webhook),
            Some(_) => return Err(bad("unknown wait_mode")),
        });
        self.resume_at = f.resume_at.flatten();
        if f.trace_checked {
            self.push_trace(trace)?;
        } else {
            self.restore_trace(trace)?;
        }
        self.error = f.error.take().flatten();
        // Checked by the reader already.
        self.set_output(output, "state output")?;
        let waiting = self.wait_mode.get().is_some() || self.resume_at.is_some();
        if self.status == ExecutionStatus::Suspended {
            if self.current_node.is_none()
                || self.wait_mode.get().is_none()
                || self.resume_at.is_none()
            {
                return Err(bad(
                    "a suspended execution needs current_node, wait_mode and resume_at",
                ));
            }
        } else if waiting {
            return Err(bad(
                "only a suspended execution has wait_mode and resume_at",
            ));
        }
        if (self.status == ExecutionStatus::Failed) != self.error.is_some() {
            return Err(bad("failed needs an error, and only then"));
        }
        Ok(())
    }

    /// The trace from its JSON string: `""`, or steps as [`trace_end`]
    /// checks them. One pass over the text, then one copy.
    fn restore_trace(&mut self, text: &str) -> Result<()> {
        match trace_end(text.as_bytes(), 0) {
            Ok(end) if end == text.len() => self.push_trace(text),
            Ok(_) => Err(ExecutionError::BadState(NOT_JOINED).into()),
            Err(why) => Err(ExecutionError::BadState(why).into()),
        }
    }

    /// Copy a checked trace in.
    fn push_trace(&mut self, text: &str) -> Result<()> {
        self.trace.push_str(text).map_err(|_| Error::Capacity {
            what: "execution trace (bytes)",
            limit: T,
        })
    }
}

/// A slot's signature as read (`None`: unsigned), parsed once for `sig`
/// and `csig`; `why` names the member when it is not `{key_id}.{mac}`.
/// Inlined where speed counts (a restore reads every slot's); at opt-level
/// "z" one copy.
#[inline]
fn signature_of(text: Option<&str>, why: &'static str) -> Result<Option<Signature>> {
    match text {
        None => Ok(None),
        Some(sig) => match Signature::parse(sig) {
            Ok(sig) => Ok(Some(sig)),
            Err(_) => Err(ExecutionError::BadState(why).into()),
        },
    }
}

const NOT_JOINED: &str = "the trace is not node:port steps joined by ','";

/// Where the trace that starts at `t[i]` ends: at the end of `t` or at a
/// `"` (the closing quote in the state's text). A trace is `""` or steps
/// `node:port` joined by `,` (node 1–64 bytes of `[A-Za-z0-9_-]`, port
/// 1–32 bytes of `[a-z0-9_]`; nothing else, so no JSON escapes either).
/// The error says what is wrong.
fn trace_end(t: &[u8], mut i: usize) -> core::result::Result<usize, &'static str> {
    let ends = |i: usize| matches!(t.get(i), None | Some(b'"'));
    while !ends(i) {
        let start = i;
        while i < t.len() && id::byte_class(t[i]) & id::ID_BYTE != 0 {
            i += 1;
        }
        if i == start || i - start > id::MAX_PART_LEN || t.get(i) != Some(&b':') {
            return Err("a trace step is not node:port (node: 1-64 bytes of [A-Za-z0-9_-])");
        }
        i += 1;
        let start = i;
        // Most steps leave by `main`: one compare instead of a loop.
        if t.get(i..i + 4) == Some(b"main".as_slice())
            && matches!(t.get(i + 4), None | Some(b',' | b'"'))
        {
            i += 4;
        }
        while i < t.len() && id::byte_class(t[i]) & id::PORT_BYTE != 0 {
            i += 1;
        }
        if i == start || i - start > workflow::MAX_PORT_LEN {
            return Err("a trace port is not 1-32 bytes of [a-z0-9_]");
        }
        match t.get(i) {
            None | Some(b'"') => break,
            Some(b',') if !ends(i + 1) => i += 1,
            Some(_) => return Err(NOT_JOINED),
        }
    }
    Ok(i)
}
