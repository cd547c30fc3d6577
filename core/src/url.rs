//! Base URLs, building trigger and resume URLs, and parsing request targets
//! into routes.
//!
//! * Trigger: `{base}/webhook/workflow/trigger/{workflow_id}`
//! * Resume: `{base}/webhook/workflow/resume/{resume_id}`
//! * Cancel: `{base}/webhook/workflow/cancel/{resume_id}`: ends the same
//!   wait the resume URL would continue (one of the two wins)
//! * Extend: `{base}/webhook/workflow/extend/{resume_id}`: moves the wait's
//!   expiry later (a heartbeat)
//!
//! Each of the last three is signed in its own domain
//! ([`SignedAction`]).
//!
//! A base is `http` or `https`, a host, an optional port and an optional path
//! prefix (`https://gw.example.com/hooks`); one trailing `/` is trimmed.
//! Parsing accepts a request target (`/hooks/webhook/workflow/resume/ID?sig=…`)
//! or a full URL whose path is under the configured prefix; the host of a
//! full URL is not compared, so a reverse proxy that rewrites it does not
//! break routing. IDs are plain: a `%` anywhere in the path is an error and
//! nothing is ever percent-decoded into an ID.
//!
//! ```
//! use prana_webhook_core::url::{BaseUrl, Route};
//! let base = BaseUrl::parse("http://127.0.0.1:8080/").unwrap();
//! let url = base.trigger_url("approvals").unwrap();
//! assert_eq!(url.as_str(), "http://127.0.0.1:8080/webhook/workflow/trigger/approvals");
//! let t = base.parse_target("/webhook/workflow/trigger/approvals?x=1").unwrap();
//! assert_eq!(t.route, Route::Trigger { workflow_id: "approvals" });
//! assert_eq!(t.query, Some("x=1"));
//! ```

use core::fmt::{self, Write};
use core::mem::MaybeUninit;

use crate::bytes::json_string_safe;
use crate::error::{Error, Part, Result};
use crate::id::{self, IdGenerator, IdParts, ResumeId, Tail};
use crate::token::resume::{Signature, SignedAction};

mod target;
pub use target::{parse_target_bytes_under, parse_target_under, Route, Target, TargetBytes};

/// Longest base URL accepted, in bytes.
pub const MAX_BASE_URL_LEN: usize = 256;
/// Capacity of a built URL: the longest base, path, resume ID and a `?sig=` parameter fit.
pub const MAX_URL_LEN: usize = 512;
/// A built URL.
pub type UrlString = heapless::String<MAX_URL_LEN>;

/// The query a signed URL carries before its signature (a base URL never
/// has a query of its own).
const SIG_QUERY: &str = "?sig=";
// A valid resume ID and any signature fit a URL on the longest base.
const _: () = assert!(
    MAX_BASE_URL_LEN
        + CANCEL_PATH.len()
        + id::MAX_RESUME_ID_LEN
        + SIG_QUERY.len()
        + crate::token::resume::MAX_SIG_LEN
        <= MAX_URL_LEN
);

/// The path of `action`'s URLs, before the resume ID.
fn action_path(action: SignedAction) -> &'static str {
    match action {
        SignedAction::Resume => RESUME_PATH,
        SignedAction::Cancel => CANCEL_PATH,
        SignedAction::Extend => EXTEND_PATH,
    }
}

/// Path between the prefix and the kind.
const WEBHOOK_PATH: &str = "/webhook/workflow/";
const TRIGGER: &str = "trigger";
const RESUME: &str = "resume";
const CANCEL: &str = "cancel";
const EXTEND: &str = "extend";
/// What a built URL puts after the base: `WEBHOOK_PATH`, the kind and `/`
/// in one piece, so building writes three pieces instead of five.
const TRIGGER_PATH: &str = "/webhook/workflow/trigger/";
const RESUME_PATH: &str = "/webhook/workflow/resume/";
const CANCEL_PATH: &str = "/webhook/workflow/cancel/";
const EXTEND_PATH: &str = "/webhook/workflow/extend/";
/// What a resume URL puts between the base and the ID's parts: the path and
/// the ID's own prefix, one constant copy.
const RESUME_ID_PATH: &str = "/webhook/workflow/resume/webhook_";
const _: () = {
    let (a, b, c) = (
        RESUME_ID_PATH.as_bytes(),
        RESUME_PATH.as_bytes(),
        id::PREFIX.as_bytes(),
    );
    assert!(a.len() == b.len() + c.len());
};

/// A validated base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// The normalized text: lowercase scheme, no trailing `/`.
    text: heapless::String<MAX_BASE_URL_LEN>,
    /// Where the path prefix starts in `text` (its length when there is none).
    path_start: usize,
    /// Where the host starts (after `://`).
    host_start: usize,
    port: Option<u16>,
    /// Whether `text` goes into a JSON string as it is (found once here,
    /// not by every execution or rendering that uses the URL).
    json_safe: bool,
}

/// A resume URL together with its resume ID, which is a part of it
/// (`{base}/webhook/workflow/resume/{resume_id}`): what
/// [`IdGenerator::resume_url`](crate::id::IdGenerator::resume_url) and
/// [`ResumeUrl::generate`] make, writing the ID once.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResumeUrl {
    url: UrlString,
    /// Where the resume ID starts in `url` (it runs to the end).
    id_start: usize,
}

impl ResumeUrl {
    /// The resume URL for a new resume ID made from 16 bytes of host
    /// entropy: the ID of [`ResumeId::generate`] and the URL of
    /// [`BaseUrl::resume_url`], in one step.
    pub fn generate(
        base: &BaseUrl,
        execution_id: &str,
        node_id: &str,
        entropy: &[u8; 16],
    ) -> Result<ResumeUrl> {
        let parts = IdParts::new(execution_id, node_id)?;
        let mut out = ResumeUrl::new();
        out.fill(base, &parts, entropy)?;
        Ok(out)
    }

    /// [`generate`](ResumeUrl::generate) into this value (replaced): a
    /// returned `ResumeUrl` (520 bytes) may be copied on its way to the
    /// caller, this writes it in place.
    pub fn fill(&mut self, base: &BaseUrl, parts: &IdParts<'_>, entropy: &[u8; 16]) -> Result<()> {
        let (hi, lo) = id::entropy_words(entropy);
        self.set(base, parts, &id::encode_tail(hi, lo))
    }

    /// An empty value, to be filled by
    /// [`IdGenerator::resume_url_into`](crate::id::IdGenerator::resume_url_into).
    pub const fn new() -> ResumeUrl {
        ResumeUrl {
            url: UrlString::new(),
            id_start: 0,
        }
    }

    /// Set to `{base}/webhook/workflow/resume/webhook_{parts}_{tail}`.
    /// Cannot run out of room (at most 256 + 33 + 138 bytes), checked all
    /// the same. Filled in place: a 520-byte value built here and returned
    /// would be copied once or twice on the way out.
    #[inline]
    pub(crate) fn set(&mut self, base: &BaseUrl, parts: &IdParts<'_>, tail: &Tail) -> Result<()> {
        let too_long = |_| Error::Capacity {
            what: "URL buffer",
            limit: MAX_URL_LEN,
        };
        self.url.clear();
        self.url.push_str(&base.text).map_err(too_long)?;
        self.url.push_str(RESUME_ID_PATH).map_err(too_long)?;
        self.id_start = self.url.len() - id::PREFIX.len();
        parts.write_id(false, tail, &mut self.url)
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The resume ID: the end of the URL.
    pub fn resume_id(&self) -> &str {
        &self.url[self.id_start..]
    }

    /// A copy of the resume ID as a [`ResumeId`].
    pub fn to_resume_id(&self) -> Result<ResumeId> {
        ResumeId::from_built(self.resume_id())
    }
}

impl Default for ResumeUrl {
    fn default() -> ResumeUrl {
        ResumeUrl::new()
    }
}

impl fmt::Debug for ResumeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResumeUrl({})", self.as_str())
    }
}

impl fmt::Display for ResumeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for ResumeUrl {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Where [`IdGenerator::write_resume_url`](crate::id::IdGenerator::write_resume_url)
/// put a resume URL in a byte buffer: the URL is `out[..len]`, its resume
/// ID `out[id_start..len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlSpans {
    /// Length of the URL (from the start of the buffer).
    pub len: usize,
    /// Where the resume ID starts.
    pub id_start: usize,
}

/// Copy `piece` to `out[at..]` and return where it ends.
#[inline(always)]
fn put(out: &mut [MaybeUninit<u8>], at: usize, piece: &[u8]) -> usize {
    let end = at + piece.len();
    for (d, &b) in out[at..end].iter_mut().zip(piece) {
        *d = MaybeUninit::new(b);
    }
    end
}

/// Write `{base}/webhook/workflow/resume/webhook_{parts}_{tail}` as bytes
/// to the start of `out`, which the caller sized with
/// [`BaseUrl::resume_url_len`]. Every byte is ASCII, so no UTF-8 check is
/// needed here (a `&str` needs one for the tail, see `ResumeUrl`).
#[inline]
pub(crate) fn write_resume_url_bytes(
    base: &BaseUrl,
    parts: &IdParts<'_>,
    tail: &Tail,
    out: &mut [MaybeUninit<u8>],
) -> UrlSpans {
    let at = put(out, 0, base.text.as_bytes());
    let at = put(out, at, RESUME_ID_PATH.as_bytes());
    let id_start = at - id::PREFIX.len();
    let len = put_id_after_prefix(out, at, parts, tail);
    UrlSpans { len, id_start }
}

/// Write a resume ID's text after its prefix, `{execution}_{node}_{tail}`,
/// to `out[at..]` and return where it ends.
#[inline(always)]
fn put_id_after_prefix(
    out: &mut [MaybeUninit<u8>],
    at: usize,
    parts: &IdParts<'_>,
    tail: &Tail,
) -> usize {
    let at = put(out, at, parts.execution_id().as_bytes());
    let at = put(out, at, b"_");
    let at = put(out, at, parts.node_id().as_bytes());
    let at = put(out, at, b"_");
    put(out, at, tail.digits())
}

/// Resume URLs drawn straight from the generator (beside the URL writer,
/// so that ids need nothing of URLs).
impl IdGenerator {
    /// A fresh resume ID for `node_id` in `execution_id` and its resume URL
    /// under `base`, in one step: the ID is written once, straight into the
    /// URL, and [`ResumeUrl::resume_id`] is a view of it (no ID is built,
    /// moved or validated again). The same ID and URL as [`resume_id`]
    /// followed by [`BaseUrl::resume_url`]. When a part is invalid nothing
    /// is drawn.
    ///
    /// [`resume_id`]: IdGenerator::resume_id
    #[inline(always)]
    pub fn resume_url(
        &mut self,
        base: &BaseUrl,
        execution_id: &str,
        node_id: &str,
    ) -> Result<ResumeUrl> {
        let parts = IdParts::new(execution_id, node_id)?;
        self.resume_url_for(base, &parts)
    }

    /// [`resume_url`](IdGenerator::resume_url) for parts checked already.
    #[inline(always)]
    pub fn resume_url_for(&mut self, base: &BaseUrl, parts: &IdParts<'_>) -> Result<ResumeUrl> {
        let mut out = ResumeUrl::new();
        self.resume_url_into(base, parts, &mut out)?;
        Ok(out)
    }

    /// [`resume_url_for`](IdGenerator::resume_url_for) into an existing
    /// value (replaced): the fastest form, since a returned [`ResumeUrl`]
    /// (520 bytes) may be copied on its way to the caller.
    #[inline]
    pub fn resume_url_into(
        &mut self,
        base: &BaseUrl,
        parts: &IdParts<'_>,
        out: &mut ResumeUrl,
    ) -> Result<()> {
        let (hi, lo) = self.next_words();
        out.set(base, parts, &id::encode_tail(hi, lo))
    }

    /// [`resume_url_for`](IdGenerator::resume_url_for) as bytes, into the
    /// start of a buffer the caller owns (and may not have initialized):
    /// the URL is `out[..len]`, its resume ID `out[id_start..len]`, all
    /// ASCII. For hosts that keep the text in their own memory (the C ABI
    /// writes straight into the caller's buffer): no `ResumeUrl`, no UTF-8
    /// check, no copy. A buffer shorter than
    /// [`BaseUrl::resume_url_len`] fails with `Capacity` and draws nothing.
    pub fn write_resume_url(
        &mut self,
        base: &BaseUrl,
        parts: &IdParts<'_>,
        out: &mut [core::mem::MaybeUninit<u8>],
    ) -> Result<UrlSpans> {
        let len = base.resume_url_len(parts);
        let Some(out) = out.get_mut(..len) else {
            return Err(Error::Capacity {
                what: "URL buffer",
                limit: out.len(),
            });
        };
        let id_start = self.write_resume_url_sized(base, parts, out);
        Ok(UrlSpans { len, id_start })
    }

    /// [`write_resume_url`](IdGenerator::write_resume_url) into a buffer
    /// the caller has sized already: `out` is exactly
    /// [`BaseUrl::resume_url_len`] bytes (a host that needs the length
    /// anyway, to check its own buffers first, computes it once). The URL
    /// fills all of `out`; returns where its resume ID starts (the ID runs
    /// to the end). No `Result` to pass back.
    ///
    /// # Panics
    ///
    /// When `out` is shorter than [`BaseUrl::resume_url_len`]; a longer
    /// one keeps its extra bytes as they were.
    // Always inlined: its two callers are hot paths that hold the parts
    // and buffer in registers; out of line they go through the stack.
    #[inline(always)]
    pub fn write_resume_url_sized(
        &mut self,
        base: &BaseUrl,
        parts: &IdParts<'_>,
        out: &mut [MaybeUninit<u8>],
    ) -> usize {
        let (hi, lo) = self.next_words();
        write_resume_url_bytes(base, parts, &id::encode_tail(hi, lo), out).id_start
    }

    /// A fresh resume ID for checked `parts` as bytes, into the start of a
    /// buffer the caller owns (and may not have initialized): the ID is
    /// `out[..len]` (the returned length), all ASCII. The bytes form of
    /// [`resume_id_for`](IdGenerator::resume_id_for), for hosts that keep
    /// the text in their own memory: no `ResumeId`, no UTF-8 check, no
    /// copy. A buffer shorter than [`IdParts::resume_id_len`] fails with
    /// `Capacity` and draws nothing.
    pub fn write_resume_id(
        &mut self,
        parts: &IdParts<'_>,
        out: &mut [MaybeUninit<u8>],
    ) -> Result<usize> {
        let len = parts.resume_id_len();
        let Some(out) = out.get_mut(..len) else {
            return Err(Error::Capacity {
                what: "resume ID buffer",
                limit: out.len(),
            });
        };
        let (hi, lo) = self.next_words();
        let at = put(out, 0, id::PREFIX.as_bytes());
        Ok(put_id_after_prefix(
            out,
            at,
            parts,
            &id::encode_tail(hi, lo),
        ))
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Split `http(s)://rest` into (is_https, rest).
fn split_scheme(s: &str) -> Option<(bool, &str)> {
    if let Some(rest) = strip_prefix_ignore_case(s, "https://") {
        Some((true, rest))
    } else {
        strip_prefix_ignore_case(s, "http://").map(|rest| (false, rest))
    }
}

fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)
}

impl BaseUrl {
    /// The empty base URL of an empty execution context (all zeros, for
    /// statics); no URL is ever made with it.
    pub(crate) const fn empty() -> BaseUrl {
        BaseUrl {
            text: heapless::String::new(),
            path_start: 0,
            host_start: 0,
            port: None,
            json_safe: true,
        }
    }
}

impl BaseUrl {
    /// Validate and normalize a base URL.
    pub fn parse(s: &str) -> Result<BaseUrl> {
        if s.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(Error::BaseUrlCharacter);
        }
        let (https, rest) = split_scheme(s).ok_or(Error::BaseUrlScheme)?;
        if rest.contains('#') {
            return Err(Error::BaseUrlFragment);
        }
        if rest.contains('?') {
            return Err(Error::BaseUrlQuery);
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(Error::BaseUrlUserInfo);
        }
        let port = split_host_port(authority)?;
        let path = path.strip_suffix('/').unwrap_or(path);
        if path.contains('%') || !path.bytes().all(is_path_byte) {
            return Err(Error::BaseUrlCharacter);
        }
        // Only the one trailing `/` is trimmed: any other empty segment
        // (`/a//`, `//b`) would make URLs with `//` and a normalization that
        // trims one more `/` on every parse.
        if path.split('/').skip(1).any(str::is_empty) {
            return Err(Error::BaseUrlEmptySegment);
        }

        let mut text = heapless::String::new();
        let too_long = |_| Error::Capacity {
            what: "base URL",
            limit: MAX_BASE_URL_LEN,
        };
        text.push_str(if https { "https://" } else { "http://" })
            .map_err(too_long)?;
        let host_start = text.len();
        text.push_str(authority).map_err(too_long)?;
        let path_start = text.len();
        text.push_str(path).map_err(too_long)?;
        Ok(BaseUrl {
            json_safe: json_string_safe(&text),
            text,
            path_start,
            host_start,
            port,
        })
    }

    /// The normalized base URL (no trailing `/`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text goes into a JSON string as it is (no quote,
    /// backslash or control character).
    pub(crate) fn json_safe(&self) -> bool {
        self.json_safe
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.host_start == "https://".len()
    }

    /// `host[:port]`.
    pub fn authority(&self) -> &str {
        &self.text[self.host_start..self.path_start]
    }

    /// The explicit port, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path prefix (`""` or like `"/hooks"`).
    pub fn prefix(&self) -> &str {
        &self.text[self.path_start..]
    }

    /// Write `{base}/webhook/workflow/trigger/{workflow_id}` to `out`.
    pub fn write_trigger_url(&self, workflow_id: &str, out: &mut impl Write) -> Result<()> {
        id::check_part(Part::WorkflowId, workflow_id)?;
        self.write_url(TRIGGER_PATH, workflow_id, out)
    }

    /// What every resume URL under this base puts before its resume ID, as
    /// two pieces: the base and `/webhook/workflow/resume/`. With
    /// [`IdParts::resume_id_head`] and [`IdGenerator::draw_tail_into`], for
    /// a host that writes a URL into its own memory with its own copies
    /// (the C ABI: with raw pointers, where a safe copy loop cannot tell
    /// that the buffers are apart and copies byte by byte). The three make
    /// the URL [`IdGenerator::write_resume_url`] writes, in
    /// [`BaseUrl::resume_url_len`] bytes.
    #[inline(always)]
    pub fn resume_url_head(&self) -> [&[u8]; 2] {
        [self.text.as_bytes(), RESUME_PATH.as_bytes()]
    }

    /// Length of the resume URL of every resume ID made from `parts`.
    pub fn resume_url_len(&self, parts: &IdParts<'_>) -> usize {
        self.text.len() + RESUME_PATH.len() + parts.resume_id_len()
    }

    /// Write `{base}/webhook/workflow/resume/{resume_id}` to `out`.
    pub fn write_resume_url(&self, resume_id: &ResumeId, out: &mut impl Write) -> Result<()> {
        self.write_url(RESUME_PATH, resume_id.as_str(), out)
    }

    fn write_url(&self, kind_path: &str, id: &str, out: &mut impl Write) -> Result<()> {
        let mut w = || -> fmt::Result {
            out.write_str(&self.text)?;
            out.write_str(kind_path)?;
            out.write_str(id)
        };
        w().map_err(|_| Error::Capacity {
            what: "URL buffer",
            limit: MAX_URL_LEN,
        })
    }

    /// The trigger URL for a workflow.
    pub fn trigger_url(&self, workflow_id: &str) -> Result<UrlString> {
        let mut out = UrlString::new();
        self.write_trigger_url(workflow_id, &mut out)?;
        Ok(out)
    }

    /// The resume URL for a resume ID.
    pub fn resume_url(&self, resume_id: &ResumeId) -> Result<UrlString> {
        let mut out = UrlString::new();
        self.write_resume_url(resume_id, &mut out)?;
        Ok(out)
    }

    /// Write `{base}/webhook/workflow/{action}/{resume_id}` to `out`, for
    /// `action` resume, cancel or extend.
    pub fn write_action_url(
        &self,
        action: SignedAction,
        resume_id: &ResumeId,
        out: &mut impl Write,
    ) -> Result<()> {
        self.write_url(action_path(action), resume_id.as_str(), out)
    }

    /// The URL of `action` for a resume ID, with `?sig={key_id}.{mac}` when
    /// `signature` is given: it must have been made for the same action
    /// ([`ResumeKey::sign_for`](crate::token::resume::ResumeKey::sign_for)),
    /// or the gateway refuses it.
    pub fn action_url(
        &self,
        action: SignedAction,
        resume_id: &ResumeId,
        signature: Option<&Signature>,
    ) -> Result<UrlString> {
        let mut out = UrlString::new();
        self.write_action_url(action, resume_id, &mut out)?;
        if let Some(sig) = signature {
            sig.append_to_url(&mut out)?;
        }
        Ok(out)
    }

    /// [`action_url`](Self::action_url) as the pieces that, joined, are its
    /// text: the base URL, the action's path, `resume_id`, then `?sig=` and
    /// the signature's value when `signature` is given (two empty pieces
    /// when not). For a host that copies them straight into its own buffer
    /// instead of building a [`UrlString`] and copying that. `resume_id`
    /// must be a valid ID ([`validate_resume_id`](crate::id::validate_resume_id)):
    /// then the URL always fits [`MAX_URL_LEN`].
    pub fn action_url_pieces<'a>(
        &'a self,
        action: SignedAction,
        resume_id: &'a str,
        signature: Option<&'a Signature>,
    ) -> [&'a str; 5] {
        let (query, sig) = match signature {
            Some(sig) => (SIG_QUERY, sig.as_str()),
            None => ("", ""),
        };
        [&self.text, action_path(action), resume_id, query, sig]
    }

    /// The cancel URL of a wait node's registration,
    /// `{base}/webhook/workflow/cancel/{resume_id}`, with `?sig=…` when
    /// `signature` (made with
    /// [`SignedAction::Cancel`])
    /// is given.
    pub fn cancel_url(
        &self,
        resume_id: &ResumeId,
        signature: Option<&Signature>,
    ) -> Result<UrlString> {
        self.action_url(SignedAction::Cancel, resume_id, signature)
    }

    /// The extend URL of a wait node's registration,
    /// `{base}/webhook/workflow/extend/{resume_id}`, with `?sig=…` when
    /// `signature` (made with
    /// [`SignedAction::Extend`])
    /// is given.
    pub fn extend_url(
        &self,
        resume_id: &ResumeId,
        signature: Option<&Signature>,
    ) -> Result<UrlString> {
        self.action_url(SignedAction::Extend, resume_id, signature)
    }

    /// Parse a request target (`/path?query`) or a full `http(s)` URL into a
    /// route. The path must lie under this base's prefix.
    pub fn parse_target<'a>(&self, target: &'a str) -> Result<Target<'a>> {
        parse_target_under(self.prefix(), target)
    }

    /// [`parse_target`](BaseUrl::parse_target) for a target given as bytes,
    /// for hosts that hold the request as bytes: same routes, same errors
    /// on the same text, and no UTF-8 check of the whole target. Only the
    /// path up to the id's end is checked (ASCII, as the route needs it):
    /// a full URL's authority and the query may hold any byte but `#`.
    pub fn parse_target_bytes<'a>(&self, target: &'a [u8]) -> Result<TargetBytes<'a>> {
        parse_target_bytes_under(self.prefix(), target)
    }
}

/// Validate `host[:port]` and return the port, if any.
fn split_host_port(authority: &str) -> Result<Option<u16>> {
    // An IPv6 literal keeps its ':' inside brackets.
    let port_colon = if authority.starts_with('[') {
        let close = authority.find(']').ok_or(Error::BaseUrlHost)?;
        match &authority[close + 1..] {
            "" => None,
            rest if rest.starts_with(':') => Some(close + 1),
            _ => return Err(Error::BaseUrlHost),
        }
    } else {
        authority.find(':')
    };
    let (host, port) = match port_colon {
        None => (authority, None),
        Some(i) => {
            let digits = &authority[i + 1..];
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(Error::BaseUrlPort);
            }
            let port: u32 = digits.parse().map_err(|_| Error::BaseUrlPort)?;
            if port == 0 || port > 65535 {
                return Err(Error::BaseUrlPort);
            }
            (&authority[..i], Some(port as u16))
        }
    };
    let host_ok = if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').unwrap_or("");
        !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    if host.is_empty() {
        return Err(Error::BaseUrlHost);
    }
    if !host_ok {
        return Err(Error::BaseUrlCharacter);
    }
    Ok(port)
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.as_str())
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
