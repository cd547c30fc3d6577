//! Parsing request targets into routes, from `&str` or from bytes.

use super::{CANCEL, EXTEND, RESUME, TRIGGER, WEBHOOK_PATH};
use crate::bytes::find_byte;
use crate::error::{Error, Result};
use crate::id::{self, MAX_PART_LEN};
use crate::token::resume::SignedAction;

/// Where a request is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `…/webhook/workflow/trigger/{workflow_id}`: start an execution.
    Trigger {
        /// The validated workflow id.
        workflow_id: &'a str,
    },
    /// `…/webhook/workflow/resume/{resume_id}`: resume a suspended execution.
    Resume {
        /// The syntactically valid resume ID.
        resume_id: &'a str,
    },
    /// `…/webhook/workflow/cancel/{resume_id}`: cancel the wait of this
    /// registration (it is consumed, as by a resume).
    Cancel {
        /// The syntactically valid resume ID.
        resume_id: &'a str,
    },
    /// `…/webhook/workflow/extend/{resume_id}`: move the expiry of this
    /// (active) registration later.
    Extend {
        /// The syntactically valid resume ID.
        resume_id: &'a str,
    },
}

impl<'a> Route<'a> {
    /// The resume ID and the signed action of a resume, cancel or extend
    /// route; `None` for a trigger.
    pub fn signed_action(&self) -> Option<(SignedAction, &'a str)> {
        match *self {
            Route::Trigger { .. } => None,
            Route::Resume { resume_id } => Some((SignedAction::Resume, resume_id)),
            Route::Cancel { resume_id } => Some((SignedAction::Cancel, resume_id)),
            Route::Extend { resume_id } => Some((SignedAction::Extend, resume_id)),
        }
    }
}

/// A parsed request target: its route and its raw query string (without `?`),
/// kept for signature checks and payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The route.
    pub route: Route<'a>,
    /// The query string, if any, without the leading `?`.
    pub query: Option<&'a str>,
}

/// The text a target is parsed from: `&str` (the Rust API) or bytes (for
/// hosts that hold the request as bytes, such as the C ABI): one parser
/// for both, so they cannot disagree. The `&str` side keeps the standard
/// library's string operations, so it compiles as it did before bytes
/// were accepted.
trait TargetText<'a>: Copy {
    /// What a successful parse returns.
    type Parsed;
    /// The text as bytes.
    fn bytes(self) -> &'a [u8];
    /// The text after `prefix`, when it starts with it.
    fn strip(self, prefix: &str) -> Option<Self>;
    /// The text from `at`, which follows an ASCII byte the parser found.
    fn from(self, at: usize) -> Self;
    /// The text before `at`, an ASCII byte the parser found.
    fn upto(self, at: usize) -> Self;
    /// Refuse a query holding `#`; else whether it is plain (what
    /// [`TargetBytes::query_plain`] says), which text does not need.
    fn check_query(query: &[u8]) -> Result<bool>;
    /// The result for a route's action (`None`: a trigger), id and query.
    fn parsed(
        action: Option<SignedAction>,
        id: Self,
        query: Option<Self>,
        plain: bool,
    ) -> Self::Parsed;
}

impl<'a> TargetText<'a> for &'a str {
    type Parsed = Target<'a>;
    #[inline(always)]
    fn bytes(self) -> &'a [u8] {
        self.as_bytes()
    }
    #[inline(always)]
    fn strip(self, prefix: &str) -> Option<Self> {
        self.strip_prefix(prefix)
    }
    #[inline(always)]
    fn from(self, at: usize) -> Self {
        &self[at..]
    }
    #[inline(always)]
    fn upto(self, at: usize) -> Self {
        &self[..at]
    }
    #[inline(always)]
    fn check_query(query: &[u8]) -> Result<bool> {
        match find_byte(query, b'#') {
            Some(_) => Err(Error::MalformedTarget),
            None => Ok(true),
        }
    }
    #[inline(always)]
    fn parsed(
        action: Option<SignedAction>,
        id: Self,
        query: Option<Self>,
        _plain: bool,
    ) -> Target<'a> {
        let route = match action {
            None => Route::Trigger { workflow_id: id },
            Some(SignedAction::Resume) => Route::Resume { resume_id: id },
            Some(SignedAction::Cancel) => Route::Cancel { resume_id: id },
            Some(SignedAction::Extend) => Route::Extend { resume_id: id },
        };
        Target { route, query }
    }
}

impl<'a> TargetText<'a> for &'a [u8] {
    type Parsed = TargetBytes<'a>;
    #[inline(always)]
    fn bytes(self) -> &'a [u8] {
        self
    }
    #[inline(always)]
    fn strip(self, prefix: &str) -> Option<Self> {
        self.strip_prefix(prefix.as_bytes())
    }
    #[inline(always)]
    fn from(self, at: usize) -> Self {
        &self[at..]
    }
    #[inline(always)]
    fn upto(self, at: usize) -> Self {
        &self[..at]
    }
    #[inline(always)]
    fn check_query(query: &[u8]) -> Result<bool> {
        if is_plain_query(query) {
            Ok(true)
        } else if query.contains(&b'#') {
            Err(Error::MalformedTarget)
        } else {
            Ok(false)
        }
    }
    #[inline(always)]
    fn parsed(
        action: Option<SignedAction>,
        id: Self,
        query: Option<Self>,
        query_plain: bool,
    ) -> TargetBytes<'a> {
        TargetBytes {
            action,
            id,
            query,
            query_plain,
        }
    }
}

/// Whether every byte of `query` is in `0x01..=0x7F` (ASCII without NUL)
/// and none is `#`: the `#` search a query needs anyway and a text check,
/// in one pass of eight bytes per step. A byte's high bit in
/// `(w - 0x0101…) | (x - 0x0101…) | w` (`x`: `w` with `#` bytes zeroed) is
/// set for 0x00, `#` and bytes >= 0x80; a borrow marks more bytes only
/// above a marked one, which a yes/no answer does not mind.
fn is_plain_query(query: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const HASHES: u64 = u64::from_ne_bytes([b'#'; 8]);
    let flags = |chunk: &[u8]| {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let x = w ^ HASHES;
        w.wrapping_sub(ONES) | x.wrapping_sub(ONES) | w
    };
    if query.len() < 8 {
        return query.iter().all(|&b| matches!(b, 0x01..=0x7F) && b != b'#');
    }
    // The last eight bytes cover what the whole chunks leave.
    let last = flags(&query[query.len() - 8..]);
    let all = query.chunks_exact(8).fold(last, |acc, w| acc | flags(w));
    all & HIGHS == 0
}

/// A request target parsed from bytes
/// ([`BaseUrl::parse_target_bytes`](super::BaseUrl::parse_target_bytes)):
/// the route's action and id, and the query, as parts of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetBytes<'a> {
    /// `None` for a trigger route, else the action of the resume, cancel
    /// or extend route.
    pub action: Option<SignedAction>,
    /// The validated workflow id (trigger) or resume ID (the others): ASCII.
    pub id: &'a [u8],
    /// The query, if any, without the leading `?`. Only checked to hold no
    /// `#`: it may hold any other byte.
    pub query: Option<&'a [u8]>,
    /// Whether every byte of the query is in `0x01..=0x7F` (ASCII without
    /// NUL, so text); `true` without a query. With it the whole target is
    /// such text for an origin-form target (`/...`): the path up to the
    /// id's end is checked by the parse.
    pub query_plain: bool,
}

/// Parse `target` as a route under the path `prefix` (`""` or `"/hooks"`).
///
/// The errors, by precedence: not a path or URL, a `#` anywhere
/// (`MalformedTarget`), a `%` in the path (`PercentEncoded`), then the route
/// checks (path, kind, id segment, id syntax). The route checks run first
/// anyway: an accepted route holds no `#` or `%` in the prefix, the fixed
/// path or the validated id (IDs have neither), so on success only the query
/// is searched for `#`, and the whole target only when a check failed. This
/// reads the target about once instead of scanning it for `#`, `?` and `%`
/// and then splitting it twice more.
pub fn parse_target_under<'a>(prefix: &str, target: &'a str) -> Result<Target<'a>> {
    parse_under(prefix, target)
}

/// [`parse_target_under`] for a target given as bytes. Only the parts the
/// parser checks are known to be ASCII: the path up to the id's end.
pub fn parse_target_bytes_under<'a>(prefix: &str, target: &'a [u8]) -> Result<TargetBytes<'a>> {
    parse_under(prefix, target)
}

/// [`parse_target_under`] for either kind of text.
#[inline(always)]
fn parse_under<'a, T: TargetText<'a>>(prefix: &str, target: T) -> Result<T::Parsed> {
    let path_and_query = if target.bytes().first() == Some(&b'/') {
        target
    } else if let Some(rest) = strip_scheme(target) {
        // Skip the authority of a full URL: it is not compared (proxies rewrite it).
        match rest
            .bytes()
            .iter()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
        {
            Some(i) if rest.bytes()[i] == b'/' => rest.from(i),
            _ => return Err(Error::NotWebhookPath),
        }
    } else {
        return Err(Error::MalformedTarget);
    };
    // A prefix holding `?`, `#` or `%` matches no target: its first `?`
    // would end the path, and `#` or `%` outrank the path error. The route
    // is returned as `route_of` built it: an `Ok` taken apart and rebuilt
    // here was copied through the stack with loads wider than the stores
    // that wrote it, which stalls store-to-load forwarding.
    if prefix.bytes().any(|b| matches!(b, b'?' | b'#' | b'%')) {
        return Err(outranking_error(path_and_query.bytes()).unwrap_or(Error::NotWebhookPath));
    }
    route_of(prefix, path_and_query)
        .map_err(|e| outranking_error(path_and_query.bytes()).unwrap_or(e))
}

/// The text after `http://` or `https://` (any case), if it starts so.
fn strip_scheme<'a, T: TargetText<'a>>(s: T) -> Option<T> {
    ["https://", "http://"].iter().find_map(|scheme| {
        let head = s.bytes().get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme.as_bytes())
            .then(|| s.from(scheme.len()))
    })
}

/// The errors that outrank every route check: a `#` anywhere, then a `%` in
/// the path (IDs are plain and never percent-decoded).
#[cold]
fn outranking_error(path_and_query: &[u8]) -> Option<Error> {
    if path_and_query.contains(&b'#') {
        return Some(Error::MalformedTarget);
    }
    let path = path_and_query
        .split(|&b| b == b'?')
        .next()
        .unwrap_or_default();
    path.contains(&b'%').then_some(Error::PercentEncoded)
}

/// The route checks of [`parse_target_under`] on `path_and_query`, for a
/// prefix without `?`, `#` or `%`. Neither the prefix nor the fixed parts
/// hold a `?`, so the query starts at the first `?` after the kind.
#[inline(always)]
fn route_of<'a, T: TargetText<'a>>(prefix: &str, path_and_query: T) -> Result<T::Parsed> {
    let rest = path_and_query
        .strip(prefix)
        .and_then(|r| r.strip(WEBHOOK_PATH))
        .ok_or(Error::NotWebhookPath)?;
    // `None`: a trigger; else the action on a resume ID.
    let (action, after_kind) = if let Some(after) = rest.strip(TRIGGER) {
        (None, after)
    } else if let Some(after) = rest.strip(RESUME) {
        (Some(SignedAction::Resume), after)
    } else if let Some(after) = rest.strip(CANCEL) {
        (Some(SignedAction::Cancel), after)
    } else if let Some(after) = rest.strip(EXTEND) {
        (Some(SignedAction::Extend), after)
    } else {
        return Err(Error::UnknownKind);
    };
    let is_trigger = action.is_none();
    // The kind is the whole segment: `/` follows, or the path ends there.
    let segments = match after_kind.bytes().first() {
        Some(b'/') => after_kind.from(1),
        None | Some(b'?') => return Err(Error::EmptyId),
        Some(_) => return Err(Error::UnknownKind),
    };
    // The id ends at the first `?`. A valid resume ID has at least
    // MIN_RESUME_ID_LEN bytes and no `?`, so the search may start there (a
    // third of the bytes of a typical ID): an earlier `?` only means that
    // the ID fails its check, and the error is then worked out exactly.
    let from = match is_trigger {
        true => 0,
        false => id::MIN_RESUME_ID_LEN.min(segments.bytes().len()),
    };
    let (id, query) = match find_byte(&segments.bytes()[from..], b'?') {
        Some(i) => (segments.upto(from + i), Some(segments.from(from + i + 1))),
        None => (segments, None),
    };
    // A `#` is refused anywhere; the prefix, the fixed path and a valid id
    // hold none, so the query is the only place left to search.
    let plain = match query {
        Some(q) => T::check_query(q.bytes())?,
        None => true,
    };
    let checked = match is_trigger {
        true => check_workflow_id(id.bytes()),
        false => id::validate_resume_id_bytes(id.bytes()),
    };
    if checked.is_err() {
        return Err(id_segment_error(segments.bytes(), is_trigger));
    }
    // A valid id holds no `/`: there are no extra segments.
    Ok(T::parsed(action, id, query, plain))
}

/// The error of an id segment (`segments`: all after the kind's `/`) that
/// failed its check, by precedence: an empty first segment, extra
/// segments, then the id's own error.
#[cold]
fn id_segment_error(segments: &[u8], is_trigger: bool) -> Error {
    let id = segments.split(|&b| b == b'?').next().unwrap_or_default();
    let checked = match is_trigger {
        true => check_workflow_id(id),
        false => id::validate_resume_id_bytes(id),
    };
    match (id.iter().position(|&b| b == b'/'), checked) {
        (Some(0), _) => Error::EmptyId,
        (Some(_), _) => Error::ExtraSegments,
        (None, Err(e)) => e,
        // Not reached: this id is the one that failed, or a part of it too
        // short to be a resume ID.
        (None, Ok(())) => Error::MalformedResumeId,
    }
}

/// The id segment of a trigger route: 1–64 bytes of `[A-Za-z0-9_-]`.
fn check_workflow_id(id: &[u8]) -> Result<()> {
    if id.is_empty() {
        return Err(Error::EmptyId);
    }
    if id.len() > MAX_PART_LEN {
        return Err(Error::IdTooLong {
            len: id.len(),
            max: MAX_PART_LEN,
        });
    }
    if id::is_id_text(id) {
        Ok(())
    } else {
        Err(Error::IdBadCharacter {
            at: id.iter().position(|&b| !id::is_id_byte(b)).unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::format;
    use std::string::String;

    #[test]
    fn plain_query_flags_exactly_nul_hash_and_high_bytes() {
        for len in 0..40 {
            let q = std::vec![b'a'; len];
            assert!(is_plain_query(&q));
            for at in 0..len {
                for bad in [0x00u8, b'#', 0x80, 0xC3, 0xFF] {
                    let mut b = q.clone();
                    b[at] = bad;
                    assert!(!is_plain_query(&b), "{len} {at} {bad:#x}");
                }
                let mut b = std::vec![0x7Fu8; len];
                b[at] = 0x01;
                assert!(is_plain_query(&b));
            }
        }
    }

    #[test]
    fn bytes_and_text_give_the_same_route_or_error() {
        let id = "webhook_exec_1_wait_0123456789abcdefghjkmnpqrs";
        let targets: [String; 22] = [
            format!("/hooks/webhook/workflow/resume/{id}"),
            format!("/hooks/webhook/workflow/resume/{id}?sig=k1.x&a=%20"),
            format!("/hooks/webhook/workflow/cancel/{id}?"),
            format!("/hooks/webhook/workflow/extend/{id}"),
            format!("HTTPS://any.host:8080/hooks/webhook/workflow/resume/{id}?q"),
            format!("http://h/hooks/webhook/workflow/resume/{id}/x"),
            format!("/hooks/webhook/workflow/resume/{id}#f"),
            format!("/hooks/webhook/workflow/resume/{id}?a#b"),
            format!("/hooks/webhook/workflow/resume/%77{id}"),
            format!("/hooks/webhook/workflow/resume/{id}?é=ü"),
            "/hooks/webhook/workflow/trigger/wf-1?x=1".into(),
            "/hooks/webhook/workflow/trigger/".into(),
            "/hooks/webhook/workflow/trigger?x".into(),
            "/hooks/webhook/workflow/triggers/wf".into(),
            "/hooks/webhook/workflow/trigger//wf".into(),
            "/hooks/webhook/workflow/trigger/wé".into(),
            "/hooks/webhook/workflow/other/wf".into(),
            "/other/webhook/workflow/trigger/wf".into(),
            "/hooks/webhook/workflow/resume/webhook_short".into(),
            "https://host".into(),
            "ftp://host/hooks".into(),
            "".into(),
        ];
        for prefix in ["/hooks", "", "/a?b"] {
            for t in &targets {
                let text = parse_target_under(prefix, t);
                let bytes = parse_target_bytes_under(prefix, t.as_bytes());
                match (text, bytes) {
                    (Ok(text), Ok(bytes)) => {
                        let (action, id) = match text.route {
                            Route::Trigger { workflow_id } => (None, workflow_id),
                            r => r.signed_action().map(|(a, id)| (Some(a), id)).unwrap(),
                        };
                        assert_eq!(bytes.action, action, "{t}");
                        assert_eq!(bytes.id, id.as_bytes(), "{t}");
                        assert_eq!(bytes.query, text.query.map(str::as_bytes), "{t}");
                        let plain = |q: &str| q.is_ascii() && !q.contains('\0');
                        assert_eq!(bytes.query_plain, text.query.map_or(true, plain));
                    }
                    (text, bytes) => assert_eq!(text.err(), bytes.err(), "{prefix} {t}"),
                }
            }
        }
    }
}
