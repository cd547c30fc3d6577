//! `WebhookRegistration`: one wait node's resume URL in one execution, its
//! lifecycle, and its JSON form for persistence.
//!
//! A registration is created `pending` when an execution starts, becomes
//! `active` when the wait node is reached (with `expires_at = now + timeout`),
//! and ends `consumed` (resumed once) or `expired`. Each change returns a
//! [`Transition`] for the host to apply with compare-and-set.
//!
//! Times are unix milliseconds from the host clock. `webhook_config` is a
//! small JSON object kept as text, opaque to the core.
//!
//! An active registration's expiry can be moved later
//! ([`WebhookRegistration::extend`], a heartbeat), up to
//! [`WebhookRegistration::max_expires_at`]: `created_at` + 8760 hours, the
//! longest a wait may last. `created_at` is the anchor because it is stored
//! (the activation time is not) and comes no later than the activation, so
//! no extension makes a registration live longer than a year after its
//! wait node could first have been reached. The change comes back as an
//! [`Extension`] for the host's compare-and-set.
//!
//! ```
//! use prana_webhook_core::{id::IdGenerator, lifecycle::Status,
//!     registration::WebhookRegistration};
//! let mut ids = IdGenerator::from_seed([1; 32]);
//! let mut reg = WebhookRegistration::create(&mut ids, "exec_1", "wait", 1_000).unwrap();
//! reg.activate(2_000, 60_000, r#"{"channel":"email"}"#).unwrap();
//! let t = reg.consume(3_000).unwrap();
//! assert_eq!((t.from, t.to), (Status::Active, Status::Consumed));
//!
//! let mut buf = [0u8; 1024];
//! let n = reg.to_json(&mut buf).unwrap();
//! let back = WebhookRegistration::from_json(&buf[..n]).unwrap();
//! assert_eq!(back, reg);
//!
//! // A heartbeat moves the expiry of an active registration later.
//! let mut beat = WebhookRegistration::create(&mut ids, "exec_2", "wait", 1_000).unwrap();
//! beat.activate(2_000, 60_000, "{}").unwrap();
//! let e = beat.extend(30_000, 120_000).unwrap();
//! assert_eq!((e.from_expires_at, e.to_expires_at), (Some(62_000), 120_000));
//! assert_eq!(beat.status_at(100_000), Status::Active);
//! assert_eq!(beat.status_at(120_000), Status::Expired);
//! ```

use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Part, Result};
use crate::id::{self, IdGenerator, PartString, ResumeId};
use crate::json::{self, JsonOut};
use crate::lifecycle::{apply_transition, Status, Transition};

/// Longest `webhook_config` JSON text once compacted, in bytes: room for a
/// title, a description and a form of ten fields.
pub const MAX_CONFIG_LEN: usize = 2048;
/// A buffer of this many bytes always holds a registration's JSON.
pub const MAX_JSON_LEN: usize = MAX_CONFIG_LEN + 512;
/// Largest wait timeout in hours (one year).
pub const MAX_TIMEOUT_HOURS: u64 = 8760;
/// The longest a registration may live, in ms: `expires_at` is never
/// extended past `created_at` plus this (8760 hours, one year).
pub const MAX_LIFETIME_MS: u64 = MAX_TIMEOUT_HOURS * 3_600_000;

/// A moved expiry of an active registration, as the host applies it with
/// compare-and-set:
/// `UPDATE … SET expires_at = :to_expires_at WHERE resume_id = :resume_id
/// AND status = 'active' AND expires_at = :from_expires_at`, keeping the
/// change only when exactly one row changed (else a resume, cancel, expiry
/// or another extension came first: re-read the row). The status does not
/// change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The registration to update.
    pub resume_id: ResumeId,
    /// The expiry the row must still have (`None` only for an active row
    /// stored without one, which [`WebhookRegistration::activate`] never makes).
    pub from_expires_at: Option<u64>,
    /// The expiry to write, unix ms.
    pub to_expires_at: u64,
}

/// A validated JSON object kept as text (at most [`MAX_CONFIG_LEN`] bytes),
/// compacted. `{}` is kept as no text at all, so the empty value is
/// `const` and all zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigJson(heapless::String<MAX_CONFIG_LEN>);

/// Call `f` with the runs of `obj` (a JSON text) that its compacted form
/// keeps: everything but whitespace outside strings. `f` is `dyn`: one
/// copy of the loop for its three callers (a config is one run or a few).
fn compacted_runs(obj: &str, f: &mut dyn FnMut(&str)) {
    let (mut in_string, mut escaped, mut start) = (false, false, 0);
    // Bytes, not chars: every byte this looks for is ASCII, and the bytes
    // of a multi-byte character (all >= 0x80) only ever sit inside a
    // string, where they change nothing; so each cut is at a boundary.
    for (i, &c) in obj.as_bytes().iter().enumerate() {
        if in_string {
            (in_string, escaped) = (escaped || c != b'"', !escaped && c == b'\\');
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            if start < i {
                f(&obj[start..i]);
            }
            start = i + 1;
        } else {
            in_string = c == b'"';
        }
    }
    if start < obj.len() {
        f(&obj[start..]);
    }
}

impl ConfigJson {
    /// `{}`.
    pub const fn empty() -> ConfigJson {
        ConfigJson(heapless::String::new())
    }

    /// Validate `text` as one JSON object and keep it compacted: whitespace
    /// outside strings is dropped, so indentation does not count against
    /// [`MAX_CONFIG_LEN`].
    pub fn parse(text: &str) -> Result<ConfigJson> {
        let mut config = ConfigJson::empty();
        config.set(text)?;
        Ok(config)
    }

    /// [`parse`](Self::parse) into `self`, in place; unchanged on error.
    pub fn set(&mut self, text: &str) -> Result<()> {
        let obj = Self::check(text)?;
        self.set_checked(obj);
        Ok(())
    }

    /// The object of `text` if it is one and fits once compacted.
    pub(crate) fn check(text: &str) -> Result<&str> {
        let obj = json::validate_object(text, "webhook_config")?;
        let mut needed = 0usize;
        compacted_runs(obj, &mut |run| needed += run.len());
        if needed > MAX_CONFIG_LEN {
            return Err(Error::Capacity {
                what: "webhook_config",
                limit: MAX_CONFIG_LEN,
            });
        }
        Ok(obj)
    }

    /// `{}`, in place.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Keep `obj`, which [`check`](Self::check) returned.
    fn set_checked(&mut self, obj: &str) {
        self.0.clear();
        compacted_runs(obj, &mut |run| {
            // Fits: checked.
            let _ = self.0.push_str(run);
        });
        if self.0 == "{}" {
            self.0.clear();
        }
    }

    /// Write the compacted form of `obj`, which [`check`](Self::check)
    /// returned.
    pub(crate) fn write_compacted(obj: &str, o: &mut JsonOut<'_>) {
        compacted_runs(obj, &mut |run| o.raw(run));
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        if self.0.is_empty() {
            "{}"
        } else {
            &self.0
        }
    }
}

/// A `webhook_config` object that passed [`ConfigJson::check`], which is
/// the only way to make one: a workflow checks its static configs once,
/// at parse, and activating a registration with one checks nothing again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CheckedConfig<'a>(&'a str);

impl<'a> CheckedConfig<'a> {
    /// `text` if [`ConfigJson::check`] accepts it.
    pub(crate) fn new(text: &'a str) -> Result<Self> {
        ConfigJson::check(text).map(CheckedConfig)
    }

    /// The object's text.
    pub(crate) fn as_str(self) -> &'a str {
        self.0
    }
}

/// A `webhook_config` to activate with: checked on activation, or already.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ConfigArg<'a> {
    /// Checked by the activation (when it stores it).
    Raw(&'a str),
    /// Checked before.
    Checked(CheckedConfig<'a>),
}

impl<'a> ConfigArg<'a> {
    fn checked(self) -> Result<CheckedConfig<'a>> {
        match self {
            ConfigArg::Raw(text) => CheckedConfig::new(text),
            ConfigArg::Checked(c) => Ok(c),
        }
    }
}

impl Default for ConfigJson {
    fn default() -> Self {
        ConfigJson::empty()
    }
}

impl Serialize for ConfigJson {
    /// Emitted as raw JSON. serde-json-core writes `serialize_bytes` verbatim;
    /// that is what makes the object nest instead of becoming a string.
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.as_str().as_bytes())
    }
}

/// One wait node's webhook in one execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookRegistration {
    /// `webhook_{execution_id}_{node_id}_{random}`.
    pub resume_id: ResumeId,
    /// The execution it belongs to.
    pub execution_id: PartString,
    /// The wait node it belongs to.
    pub node_id: PartString,
    /// Lifecycle state.
    pub status: Status,
    /// Creation time, unix ms.
    pub created_at: u64,
    /// Expiry time, unix ms; none until activation.
    pub expires_at: Option<u64>,
    /// The wait node's `webhook_config` object.
    pub webhook_config: ConfigJson,
}

/// The fields of the JSON form as read, borrowing the text. Keys and
/// strings are compared raw (still escaped), as serde-json-core did when it
/// read them: an escaped key is an unknown member, an escaped id is refused
/// by its validator.
#[derive(Default)]
struct Fields<'a> {
    resume_id: Option<&'a str>,
    execution_id: Option<&'a str>,
    node_id: Option<&'a str>,
    status: Option<Status>,
    created_at: Option<u64>,
    expires_at: Option<Option<u64>>,
    webhook_config: bool,
}

/// A string value's text between its quotes, still escaped.
fn raw_str(v: &str) -> Option<&str> {
    v.strip_prefix('"')?.strip_suffix('"')
}

/// A number of plain digits that fits a `u64`; `None` for any other value.
fn plain_u64(v: &str) -> Option<u64> {
    json::Reader::new(v).u64().ok().flatten()
}

/// A status: its name as a string, or the one-member object
/// `{"<name>": null}` (the enum form serde-json-core also read).
fn status_of(v: &str) -> Option<Status> {
    if let Some(name) = raw_str(v) {
        return Status::parse(name).ok();
    }
    let mut m = json::members(v).ok()?;
    let (name, unit) = m.next_raw()?.ok()?;
    if unit != "null" || m.next_raw().is_some() {
        return None;
    }
    Status::parse(name).ok()
}

impl<'a> Fields<'a> {
    /// Take member `key` (raw); `None` when it is a known field seen
    /// before or of the wrong type. Unknown members are skipped.
    fn take(&mut self, key: &str, v: &'a str) -> Option<()> {
        fn once<T>(slot: &mut Option<T>, v: Option<T>) -> Option<()> {
            if slot.is_some() {
                return None;
            }
            *slot = Some(v?);
            Some(())
        }
        let opt_u64 = |v| match v {
            "null" => Some(None),
            _ => plain_u64(v).map(Some),
        };
        match key {
            "resume_id" => once(&mut self.resume_id, raw_str(v)),
            "execution_id" => once(&mut self.execution_id, raw_str(v)),
            "node_id" => once(&mut self.node_id, raw_str(v)),
            "status" => once(&mut self.status, status_of(v)),
            "created_at" => once(&mut self.created_at, plain_u64(v)),
            "expires_at" => once(&mut self.expires_at, opt_u64(v)),
            // Any value; what counts is the config found by its decoded key.
            "webhook_config" if !self.webhook_config => {
                self.webhook_config = true;
                Some(())
            }
            "webhook_config" => None,
            _ => Some(()),
        }
    }
}

impl WebhookRegistration {
    /// An empty registration, not a valid one (its resume ID is empty, so
    /// no decision accepts it): storage for [`load_json`](Self::load_json)
    /// to fill in place. All zeros but the status, so a `static` of it
    /// costs no stack.
    pub const fn empty() -> WebhookRegistration {
        WebhookRegistration {
            resume_id: ResumeId::empty(),
            execution_id: PartString::new(),
            node_id: PartString::new(),
            status: Status::Pending,
            created_at: 0,
            expires_at: None,
            webhook_config: ConfigJson::empty(),
        }
    }

    /// A pending registration for a resume ID made for `execution_id` and `node_id`.
    pub fn new(
        resume_id: ResumeId,
        execution_id: &str,
        node_id: &str,
        created_at: u64,
    ) -> Result<WebhookRegistration> {
        // The small BadPart becomes an Error only when a check fails.
        id::check_part(Part::ExecutionId, execution_id)?;
        id::check_part(Part::NodeId, node_id)?;
        if !resume_id.belongs_to(execution_id, node_id) {
            return Err(Error::ResumeIdMismatch);
        }
        Ok(WebhookRegistration {
            resume_id,
            execution_id: checked_part(execution_id),
            node_id: checked_part(node_id),
            status: Status::Pending,
            created_at,
            expires_at: None,
            webhook_config: ConfigJson::empty(),
        })
    }

    /// A pending registration with a fresh resume ID from `ids`.
    pub fn create(
        ids: &mut IdGenerator,
        execution_id: &str,
        node_id: &str,
        now: u64,
    ) -> Result<WebhookRegistration> {
        let resume_id = ids.resume_id(execution_id, node_id)?;
        WebhookRegistration::new(resume_id, execution_id, node_id, now)
    }

    /// The state as of `now`: an active registration whose `expires_at` has
    /// passed counts as expired.
    ///
    /// This is derived, not stored: if the host clock steps back below
    /// `expires_at`, the registration counts as active again. Hosts persist
    /// the expiry ([`WebhookRegistration::expire`], then store the row) once
    /// they have seen it, or never pass a `now` earlier than one already used.
    pub fn status_at(&self, now: u64) -> Status {
        match (self.status, self.expires_at) {
            (Status::Active, Some(exp)) if now >= exp => Status::Expired,
            (s, _) => s,
        }
    }

    fn transition(&mut self, to: Status) -> Result<Transition> {
        apply_transition(&mut self.status, &self.resume_id, to)
    }

    /// pending → active: the wait node is reached. Sets
    /// `expires_at = now + timeout_ms` and stores `webhook_config` (a JSON
    /// object). Activating an active registration again changes nothing.
    pub fn activate(
        &mut self,
        now: u64,
        timeout_ms: u64,
        webhook_config: &str,
    ) -> Result<Transition> {
        self.activate_with(now, timeout_ms, ConfigArg::Raw(webhook_config))
    }

    /// [`activate`](Self::activate) with a config that may be checked already.
    pub(crate) fn activate_with(
        &mut self,
        now: u64,
        timeout_ms: u64,
        webhook_config: ConfigArg<'_>,
    ) -> Result<Transition> {
        if self.status == Status::Active {
            return self.transition(Status::Active);
        }
        let config = webhook_config.checked()?;
        let t = self.transition(Status::Active)?;
        self.expires_at = Some(now.saturating_add(timeout_ms));
        self.webhook_config.set_checked(config.as_str());
        Ok(t)
    }

    /// active → consumed: a request resumes the execution. Fails when the
    /// registration is pending, expired (also by time) or already consumed:
    /// at most one consume ever succeeds.
    pub fn consume(&mut self, now: u64) -> Result<Transition> {
        match self.status_at(now) {
            Status::Consumed => Err(Error::AlreadyConsumed),
            Status::Expired if self.status == Status::Active => Err(Error::RegistrationExpired),
            _ => self.transition(Status::Consumed),
        }
    }

    /// pending/active → expired: timed out, or the execution ended without
    /// using it. Expiring an expired registration changes nothing.
    pub fn expire(&mut self) -> Result<Transition> {
        self.transition(Status::Expired)
    }

    /// The latest `expires_at` an [`extend`](Self::extend) may set:
    /// `created_at` + [`MAX_LIFETIME_MS`] (8760 hours).
    pub fn max_expires_at(&self) -> u64 {
        self.created_at.saturating_add(MAX_LIFETIME_MS)
    }

    /// Move an active registration's expiry later, to `expires_at` (unix
    /// ms), as of `now`: a heartbeat. Returns the [`Extension`] for the
    /// host's compare-and-set; `self` is then the row to store.
    ///
    /// Refused, with `self` unchanged: pending ([`Error::NotActive`]),
    /// consumed ([`Error::AlreadyConsumed`]), expired, also an active one
    /// whose expiry has passed by `now` ([`Error::RegistrationExpired`]),
    /// an `expires_at` not after the current one ([`Error::ExtendNotLater`])
    /// or after [`max_expires_at`](Self::max_expires_at)
    /// ([`Error::ExtendBeyondLimit`]).
    pub fn extend(&mut self, now: u64, expires_at: u64) -> Result<Extension> {
        match self.status_at(now) {
            Status::Pending => return Err(Error::NotActive),
            Status::Consumed => return Err(Error::AlreadyConsumed),
            Status::Expired => return Err(Error::RegistrationExpired),
            Status::Active => {}
        }
        if let Some(current) = self.expires_at.filter(|&c| expires_at <= c) {
            return Err(Error::ExtendNotLater {
                expires_at: current,
                requested: expires_at,
            });
        }
        let limit = self.max_expires_at();
        if expires_at > limit {
            return Err(Error::ExtendBeyondLimit {
                limit,
                requested: expires_at,
            });
        }
        let from_expires_at = self.expires_at.replace(expires_at);
        Ok(Extension {
            resume_id: self.resume_id.clone(),
            from_expires_at,
            to_expires_at: expires_at,
        })
    }

    /// Write the JSON form into `buf`; returns the number of bytes written.
    /// [`MAX_JSON_LEN`] bytes always suffice. The text is what serde-json-core
    /// makes of the `Serialize` impl (same member order and escaping), written
    /// directly (a test compares them).
    pub fn to_json(&self, buf: &mut [u8]) -> Result<usize> {
        self.row().to_json(buf)
    }

    /// The exact length of the JSON form.
    pub fn json_len(&self) -> usize {
        self.row().json_len()
    }

    /// The registration as the row [`Row`] writes: its config is stored
    /// compacted already, so the row writes it as it is.
    fn row(&self) -> Row<'_> {
        Row {
            resume_id: &self.resume_id,
            execution_id: &self.execution_id,
            node_id: &self.node_id,
            status: self.status,
            created_at: self.created_at,
            expires_at: self.expires_at,
            webhook_config: self.webhook_config.as_str(),
            config_compacted: true,
        }
    }

    /// Read a registration from its JSON form, checking every field.
    /// By value; [`load_json`](Self::load_json) reads into a registration
    /// the caller keeps.
    pub fn from_json(bytes: &[u8]) -> Result<WebhookRegistration> {
        let mut reg = WebhookRegistration::empty();
        reg.load_json(bytes)?;
        Ok(reg)
    }

    /// [`from_json`](Self::from_json) into `self`, in place (for a
    /// registration in a `static`); unchanged on error.
    pub fn load_json(&mut self, bytes: &[u8]) -> Result<()> {
        let text = core::str::from_utf8(bytes).map_err(|_| Error::Json("not UTF-8"))?;
        let text = json::validate_object(text, "registration")?;
        // One pass over the members: the config is the first member whose
        // key decodes to `webhook_config`, the other fields are taken by
        // their raw keys.
        let (mut f, mut fields_ok, mut config) = (Fields::default(), true, None);
        let mut members = json::members(text)?;
        while let Some(m) = members.next_raw() {
            let (key, v) = m?;
            if config.is_none() && json::key_matches(key, "webhook_config")? {
                config = Some(v);
            }
            fields_ok = fields_ok && f.take(key, v).is_some();
        }
        let config = match config {
            Some(raw) => ConfigJson::check(raw)?,
            None => "{}",
        };
        let missing = || Error::Json("registration fields missing or of the wrong type");
        let (
            true,
            Some(resume_id),
            Some(execution_id),
            Some(node_id),
            Some(status),
            Some(created_at),
        ) = (
            fields_ok,
            f.resume_id,
            f.execution_id,
            f.node_id,
            f.status,
            f.created_at,
        )
        else {
            return Err(missing());
        };
        let resume_id = ResumeId::parse(resume_id)?;
        // Checked first and copied once all is well (unchanged on error);
        // the small BadPart becomes an Error only when a check fails.
        id::check_part(Part::ExecutionId, execution_id)?;
        id::check_part(Part::NodeId, node_id)?;
        if !resume_id.belongs_to(execution_id, node_id) {
            return Err(Error::ResumeIdMismatch);
        }
        self.resume_id = resume_id;
        id::copy_checked_part(&mut self.execution_id, execution_id);
        id::copy_checked_part(&mut self.node_id, node_id);
        self.status = status;
        self.created_at = created_at;
        self.expires_at = f.expires_at.flatten();
        self.webhook_config.set_checked(config);
        Ok(())
    }
}

/// A copy of an id part that `id::check_part` accepted.
fn checked_part(s: &str) -> PartString {
    let mut p = PartString::new();
    id::copy_checked_part(&mut p, s);
    p
}

/// A registration's JSON row from its parts: what
/// [`WebhookRegistration::to_json`] writes, and what the executor writes for
/// its slots (registrations it does not build), with `webhook_config` a
/// checked object compacted as it is written.
pub(crate) struct Row<'a> {
    pub(crate) resume_id: &'a ResumeId,
    pub(crate) execution_id: &'a str,
    pub(crate) node_id: &'a str,
    pub(crate) status: Status,
    pub(crate) created_at: u64,
    pub(crate) expires_at: Option<u64>,
    pub(crate) webhook_config: &'a str,
    /// `webhook_config` is compacted already (a stored [`ConfigJson`]):
    /// written as it is, not scanned for whitespace again.
    pub(crate) config_compacted: bool,
}

impl Row<'_> {
    fn write(&self, o: &mut JsonOut<'_>) {
        o.raw("{\"resume_id\":");
        // A resume ID is of `[A-Za-z0-9_-]`: nothing to escape.
        o.plain(self.resume_id.as_str());
        o.raw(",\"execution_id\":");
        o.string(self.execution_id);
        o.raw(",\"node_id\":");
        o.string(self.node_id);
        o.raw(",\"status\":");
        o.plain(self.status.as_str());
        o.raw(",\"created_at\":");
        o.u64(self.created_at);
        o.raw(",\"expires_at\":");
        o.opt_u64(self.expires_at);
        o.raw(",\"webhook_config\":");
        if self.config_compacted {
            o.raw(self.webhook_config);
        } else {
            ConfigJson::write_compacted(self.webhook_config, o);
        }
        o.raw("}");
    }

    /// Write the row into `buf`; the length, or the size needed.
    pub(crate) fn to_json(&self, buf: &mut [u8]) -> Result<usize> {
        let mut o = JsonOut::new(buf);
        self.write(&mut o);
        if o.full {
            return Err(Error::BufferTooSmall {
                needed: self.json_len(),
            });
        }
        Ok(o.len)
    }

    /// The exact length of the row (a counting pass, nothing written).
    fn json_len(&self) -> usize {
        let mut o = JsonOut::new(&mut []);
        self.write(&mut o);
        o.needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct writer makes what serde-json-core made of the `Serialize`
    /// impl, byte for byte, also for field values no constructor would
    /// allow (the fields are public) and at the edges of the numbers.
    #[test]
    fn to_json_is_what_serde_json_core_writes() {
        let mut ids = IdGenerator::from_seed([7; 32]);
        let mut regs: heapless::Vec<WebhookRegistration, 8> = heapless::Vec::new();
        let mut r = WebhookRegistration::create(&mut ids, "exec-1", "wait_a", 0).unwrap();
        regs.push(r.clone()).unwrap();
        r.activate(1_751_450_400_000, 3_600_000, r#"{"a": [1, "x\u00e9"]}"#)
            .unwrap();
        regs.push(r.clone()).unwrap();
        r.consume(1_751_450_400_001).unwrap();
        regs.push(r.clone()).unwrap();
        let mut odd = r.clone();
        odd.execution_id.clear();
        odd.execution_id.push_str("q\"b\\s\n\t\u{1}é").unwrap();
        odd.node_id.clear();
        odd.created_at = u64::MAX;
        odd.expires_at = Some(9);
        odd.status = Status::Expired;
        regs.push(odd).unwrap();
        regs.push(WebhookRegistration::empty()).unwrap();
        for reg in &regs {
            let mut a = [0u8; MAX_JSON_LEN];
            let mut b = [0u8; MAX_JSON_LEN];
            let n = reg.to_json(&mut a).unwrap();
            let m = serde_json_core::to_slice(reg, &mut b).unwrap();
            assert_eq!(core::str::from_utf8(&a[..n]), core::str::from_utf8(&b[..m]));
            assert_eq!(reg.json_len(), n);
            for short in [0, 1, n / 2, n - 1] {
                assert_eq!(
                    reg.to_json(&mut a[..short]),
                    Err(Error::BufferTooSmall { needed: n })
                );
            }
        }
    }

    /// A row longer than `MAX_JSON_LEN` (field values no constructor makes:
    /// the fields are public) reports its real length, and a buffer of
    /// that length holds it.
    #[test]
    fn a_row_over_max_json_len_reports_its_real_length() {
        extern crate std;
        let mut ids = IdGenerator::from_seed([4; 32]);
        let mut r = WebhookRegistration::create(&mut ids, "exec-1", "wait_a", 0).unwrap();
        let big = std::format!("{{\"k\":\"{}\"}}", "a".repeat(MAX_CONFIG_LEN - 8));
        r.activate(1, 1, &big).unwrap();
        r.execution_id.clear();
        r.execution_id.push_str(&"\u{1}".repeat(64)).unwrap();
        let needed = r.json_len();
        assert!(needed > MAX_JSON_LEN, "{needed}");
        let mut buf = std::vec![0u8; needed];
        assert_eq!(
            r.to_json(&mut buf[..MAX_JSON_LEN]),
            Err(Error::BufferTooSmall { needed })
        );
        assert_eq!(r.to_json(&mut buf), Ok(needed));
    }

    /// `load_json` fills a kept registration in place, exactly as
    /// `from_json` reads it, and leaves it unchanged when the row is bad.
    #[test]
    fn load_json_in_place_and_unchanged_on_error() {
        extern crate std;
        use std::{format, string::String};
        static EMPTY: WebhookRegistration = WebhookRegistration::empty();
        assert_eq!(EMPTY.resume_id.as_str(), "");
        assert_eq!(EMPTY.webhook_config.as_str(), "{}");

        let mut ids = IdGenerator::from_seed([9; 32]);
        let mut r = WebhookRegistration::create(&mut ids, "exec-1", "wait_a", 5).unwrap();
        r.activate(10, 1_000, r#"{ "title": "Approve?", "n": [1, 2] }"#)
            .unwrap();
        let mut buf = [0u8; MAX_JSON_LEN];
        let n = r.to_json(&mut buf).unwrap();

        let mut kept = WebhookRegistration::empty();
        kept.load_json(&buf[..n]).unwrap();
        assert_eq!(kept, r);
        assert_eq!(kept, WebhookRegistration::from_json(&buf[..n]).unwrap());
        assert_eq!(
            kept.webhook_config.as_str(),
            r#"{"title":"Approve?","n":[1,2]}"#
        );

        // A config over the limit once compacted, a bad ID, not JSON: refused,
        // the kept registration unchanged.
        let big = "a".repeat(MAX_CONFIG_LEN);
        let mut row = String::from_utf8(buf[..n].to_vec()).unwrap();
        let at = row.find("\"webhook_config\":").unwrap();
        row.truncate(at);
        let too_big = format!("{row}\"webhook_config\":{{\"k\":\"{big}\"}}}}");
        let bad_id = core::str::from_utf8(&buf[..n])
            .unwrap()
            .replace(r.resume_id.as_str(), "webhook_x");
        for bad in [too_big.as_str(), bad_id.as_str(), "[]", "{"] {
            assert!(kept.load_json(bad.as_bytes()).is_err(), "{bad}");
            assert_eq!(kept, r);
        }
        assert_eq!(
            kept.load_json(too_big.as_bytes()),
            Err(Error::Capacity {
                what: "webhook_config",
                limit: MAX_CONFIG_LEN
            })
        );
    }

    /// `{}` is kept as no text: every spelling of it equals the empty config
    /// and writes as `{}`; `set` is `parse` in place, unchanged on error.
    #[test]
    fn config_json_empty_and_set() {
        for text in ["{}", "{ }", " {\n\t} "] {
            let c = ConfigJson::parse(text).unwrap();
            assert_eq!(c, ConfigJson::empty(), "{text:?}");
            assert_eq!(c.as_str(), "{}");
        }
        let mut c = ConfigJson::parse(r#"{"a": "x y", "b": {}}"#).unwrap();
        assert_eq!(c.as_str(), r#"{"a":"x y","b":{}}"#);
        assert!(c.set("[1]").is_err());
        assert_eq!(c.as_str(), r#"{"a":"x y","b":{}}"#);
        c.set(r#"{"s": "a \" { b"}"#).unwrap();
        assert_eq!(c.as_str(), r#"{"s":"a \" { b"}"#);
        // Multi-byte characters and escaped backslashes inside strings.
        c.set("{ \"é\" : \"ü \\\\\" , \"k\": [ \"日 本\" ] }")
            .unwrap();
        assert_eq!(c.as_str(), "{\"é\":\"ü \\\\\",\"k\":[\"日 本\"]}");
        let mut out = [0u8; 64];
        let m = serde_json_core::to_slice(&ConfigJson::empty(), &mut out).unwrap();
        assert_eq!(&out[..m], b"{}");
    }

    /// A row written from its parts is the registration's `to_json`, the
    /// config compacted as it is written; a short buffer gets the size
    /// needed.
    #[test]
    fn row_from_parts_is_the_registrations_json() {
        let mut ids = IdGenerator::from_seed([3; 32]);
        let mut r = WebhookRegistration::create(&mut ids, "exec-9", "wait_b", 7).unwrap();
        let config = r#"{ "form": { "fields": [ "a", "b c" ] } }"#;
        for activate in [false, true] {
            if activate {
                r.activate(8, 60_000, config).unwrap();
            }
            let row = Row {
                resume_id: &r.resume_id,
                execution_id: &r.execution_id,
                node_id: &r.node_id,
                status: r.status,
                created_at: r.created_at,
                expires_at: r.expires_at,
                webhook_config: if activate { config } else { "{}" },
                config_compacted: false,
            };
            let (mut a, mut b) = ([0u8; MAX_JSON_LEN], [0u8; MAX_JSON_LEN]);
            let n = row.to_json(&mut a).unwrap();
            let m = r.to_json(&mut b).unwrap();
            assert_eq!(core::str::from_utf8(&a[..n]), core::str::from_utf8(&b[..m]));
            assert_eq!(
                row.to_json(&mut a[..n - 1]),
                Err(Error::BufferTooSmall { needed: n })
            );
        }
    }
}
