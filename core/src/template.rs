//! Template rendering of the `$execution` expressions inside node params,
//! against an [`ExecutionContext`]: its ids and the resume URLs of its
//! webhook wait nodes.
//!
//! Templates inside node params:
//!
//! | expression | value |
//! |---|---|
//! | `{{ $execution.<node_id>.resume_url }}` | the wait node's resume URL (with `?sig=…` when signed) |
//! | `{{ $execution.<node_id>.resume_id }}` | the wait node's resume ID |
//! | `{{ $execution.<node_id>.cancel_url }}` | the wait node's cancel URL (with `?sig=…`, signed for cancel, when signed) |
//! | `{{ $execution.id }}` | the execution id |
//! | `{{ $execution.workflow_id }}` | the workflow id |
//!
//! Whitespace inside the braces is optional. Any other `{{ … }}` (one that
//! does not start with `$execution`) is copied unchanged, for the host's own
//! expression engine. A `$execution` expression naming an unknown node or
//! field is an error, never an empty string; so is a `{{` without `}}`.
//! Rendered values are ids and URLs, which never need JSON escaping (ids
//! are checked when they are set, the base URL too), so rendering inside a
//! JSON string keeps the JSON valid.
//!
//!
//! ```
//! use prana_webhook_core::{context::ExecutionContext, id::IdGenerator,
//!     url::BaseUrl, workflow::Workflow};
//! let wf = Workflow::parse(r#"{"id": "wf", "nodes": [
//!     {"key": "w", "type": "wait", "params": {"mode": "webhook"}}], "connections": []}"#).unwrap();
//! let base = BaseUrl::parse("https://gw.example.com").unwrap();
//! let mut ids = IdGenerator::from_seed([9; 32]);
//! let ctx: ExecutionContext = ExecutionContext::for_workflow(&wf, "exec-1", &base, &mut ids, 0).unwrap();
//! let mut buf = [0u8; 256];
//! let text = ctx.render_str("{{ $execution.id }} {{ $execution.w.resume_id }} {{ $json.x }}", &mut buf).unwrap();
//! let id = ctx.resume_id("w").unwrap();
//! assert_eq!(text, format!("exec-1 {} {{{{ $json.x }}}}", id.as_str()));
//! ```

use core::fmt::{self, Write};

use crate::bytes::{find_byte, find_pair, json_string_safe};
use crate::context::ExecutionContext;
use crate::error::{truncated, Error, Result};
use crate::id;
use crate::msg::{self, Num, Text};
use crate::token::resume::SignedAction;

/// Longest field name kept in an [`ExpressionError::UnknownField`].
pub const MAX_FIELD_LEN: usize = 32;

/// Why a template could not be rendered. Wrapped in [`Error::Expression`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpressionError {
    /// `$execution.<node_id>.…` names no wait node in webhook mode of this execution.
    UnknownNode {
        /// The node id as written (cut at 64 bytes).
        node: heapless::String<64>,
    },
    /// A field other than `resume_url` / `resume_id` / `cancel_url` (or `id` /
    /// `workflow_id`).
    UnknownField {
        /// The field as written (cut at 32 bytes).
        field: heapless::String<MAX_FIELD_LEN>,
    },
    /// `{{` without a closing `}}`.
    Unterminated {
        /// Byte offset of the `{{`.
        at: usize,
    },
    /// A `$execution` expression that is not `$execution.<a>` or `$execution.<a>.<b>`.
    Malformed {
        /// Byte offset of the `{{`.
        at: usize,
    },
    /// A rendered value would need JSON escaping (never expected: values are
    /// ids and URLs).
    UnsafeValue,
}

msg::messages! { ExpressionError {
    UnknownNode { .. } => "expression_unknown_node",
        "$execution.{}: no wait node in webhook mode has the key '{}' in this execution";
    UnknownField { .. } => "expression_unknown_field",
        "unknown $execution field '{}': use $execution.id, $execution.workflow_id, \
         $execution.<node_id>.resume_url, $execution.<node_id>.resume_id or \
         $execution.<node_id>.cancel_url";
    Unterminated { .. } => "expression_unterminated", "'{{' at byte {} has no closing '}}'";
    Malformed { .. } => "expression_malformed",
        "malformed $execution expression at byte {}: expected $execution.<field> or $execution.<node_id>.<field>";
    UnsafeValue => "expression_unsafe_value",
        "a rendered value contains characters that need JSON escaping";
} }

impl ExpressionError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.row()]
    }
}

impl ExpressionError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            ExpressionError::UnknownNode { node } => &[Text(node), Text(node)],
            ExpressionError::UnknownField { field } => &[Text(field)],
            ExpressionError::Unterminated { at } | ExpressionError::Malformed { at } => {
                &[Num(*at as u64)]
            }
            ExpressionError::UnsafeValue => &[],
        };
        self.write_message(f, args)
    }
}

impl From<ExpressionError> for Error {
    fn from(e: ExpressionError) -> Self {
        Error::Expression(e)
    }
}

/// A `fmt::Write` over a byte buffer that keeps counting past its end, so a
/// caller can learn the size it needs.
struct CountingWriter<'b> {
    out: &'b mut [u8],
    len: usize,
}

impl CountingWriter<'_> {
    fn put(&mut self, s: &str) {
        let end = self.len + s.len();
        if let Some(dst) = self.out.get_mut(self.len..end) {
            dst.copy_from_slice(s.as_bytes());
        }
        self.len = end;
    }
}

impl Write for CountingWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.put(s);
        Ok(())
    }
}

/// The text of a rendering (`render_from`'s first `n` bytes of its
/// buffer): only whole UTF-8 pieces of the template and ASCII values are
/// copied, so the check only guards that.
#[inline]
pub(crate) fn rendered_text(rendered: &[u8]) -> Result<&str> {
    core::str::from_utf8(rendered).map_err(|_| Error::Json("not UTF-8"))
}

/// Rendering (in this module; the context itself knows nothing of
/// templates).
impl<const W: usize> ExecutionContext<W> {
    /// Render `template`, resolving the `$execution` expressions (see the
    /// module docs), into `out`. Returns the number of bytes written; when
    /// `out` is too small, fails with [`Error::BufferTooSmall`] giving the
    /// size needed.
    pub fn render(&self, template: &str, out: &mut [u8]) -> Result<usize> {
        self.render_from(template, find_pair(template, b'{'), out)
    }

    /// [`render`](Self::render) given where the first `{{` of `template`
    /// is (`None`: it has none), for a caller that searched already.
    pub(crate) fn render_from(
        &self,
        template: &str,
        first: Option<usize>,
        out: &mut [u8],
    ) -> Result<usize> {
        let mut w = CountingWriter { out, len: 0 };
        let mut rest = template;
        let mut offset = 0;
        let mut next = first;
        while let Some(open) = next {
            w.put(&rest[..open]);
            let at = offset + open;
            let after = &rest[open + 2..];
            let close = find_pair(after, b'}').ok_or(ExpressionError::Unterminated { at })?;
            let inner = after[..close].trim_ascii();
            match inner.strip_prefix("$execution") {
                Some(path) if path.is_empty() || path.starts_with('.') => {
                    self.resolve(path, at, &mut w)?;
                }
                _ => w.put(&rest[open..open + 2 + close + 2]),
            }
            let consumed = open + 2 + close + 2;
            rest = &rest[consumed..];
            offset += consumed;
            next = find_pair(rest, b'{');
        }
        w.put(rest);
        if w.len > w.out.len() {
            return Err(Error::BufferTooSmall { needed: w.len });
        }
        Ok(w.len)
    }

    /// [`render`](Self::render) and return the text.
    pub fn render_str<'b>(&self, template: &str, out: &'b mut [u8]) -> Result<&'b str> {
        self.render_str_from(template, find_pair(template, b'{'), out)
    }

    /// [`render_str`](Self::render_str) given where the first `{{` of
    /// `template` is, as found by `bytes::find_pair` (`None`: it has none).
    pub(crate) fn render_str_from<'b>(
        &self,
        template: &str,
        first: Option<usize>,
        out: &'b mut [u8],
    ) -> Result<&'b str> {
        let n = self.render_from(template, first, out)?;
        rendered_text(&out[..n])
    }

    fn resolve(&self, path: &str, at: usize, w: &mut CountingWriter<'_>) -> Result<()> {
        let malformed = || Error::from(ExpressionError::Malformed { at });
        let path = path.strip_prefix('.').ok_or_else(malformed)?;
        // One or two parts, neither empty. A word-at-a-time search (no
        // memchr call: the path is a few dozen bytes at most).
        let dot = |s: &str| find_byte(s.as_bytes(), b'.');
        let (first, second) = match dot(path) {
            Some(i) => (&path[..i], Some(&path[i + 1..])),
            None => (path, None),
        };
        if first.is_empty() || second.is_some_and(|s| s.is_empty() || dot(s).is_some()) {
            return Err(malformed());
        }
        // Ids are checked when they are set (`[A-Za-z0-9_-]` parts, resume
        // IDs made of them): never anything to escape, no scan per render.
        let safe = |s: &str| debug_assert!(json_string_safe(s), "{s:?}");
        // Found when the base URL was set.
        let base_safe = || {
            if self.base_url_json_safe() {
                Ok(())
            } else {
                Err(Error::from(ExpressionError::UnsafeValue))
            }
        };
        match second {
            None => {
                let value = match first {
                    "id" => self.execution_id(),
                    "workflow_id" => self.workflow_id(),
                    other => {
                        return Err(ExpressionError::UnknownField {
                            field: truncated(other),
                        }
                        .into())
                    }
                };
                safe(value);
                w.put(value);
            }
            Some(field) => {
                let slot = self
                    .slots()
                    .iter()
                    .find(|s| id::same_id(self.slot_node_id(s), first))
                    .ok_or_else(|| ExpressionError::UnknownNode {
                        node: truncated(first),
                    })?;
                let id = &slot.resume_id;
                match field {
                    "resume_id" => {
                        safe(id.as_str());
                        w.put(id.as_str());
                    }
                    "resume_url" => {
                        // Written straight into the output, not built as a
                        // URL first: only the base URL could need escaping
                        // (IDs and signatures are of safe alphabets), and
                        // it never has a query, so the signature follows `?`.
                        base_safe()?;
                        self.base_url().write_resume_url(id, w)?;
                        if let Some(sig) = &slot.signature {
                            w.put("?");
                            let _ = sig.write_param(w);
                        }
                    }
                    "cancel_url" => {
                        // As the resume URL, in the cancel route and the
                        // cancel signature domain.
                        base_safe()?;
                        self.base_url()
                            .write_action_url(SignedAction::Cancel, id, w)?;
                        if let Some(sig) = &slot.cancel_signature {
                            w.put("?");
                            let _ = sig.write_param(w);
                        }
                    }
                    other => {
                        return Err(ExpressionError::UnknownField {
                            field: truncated(other),
                        }
                        .into())
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::IdGenerator;
    use crate::url::BaseUrl;
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

    /// The word-wise check agrees with the byte-wise rule for every byte
    /// value at every position of texts of 1 to 17 bytes.
    #[test]
    fn json_string_safe_matches_the_byte_rule() {
        let bytewise = |b: &[u8]| b.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
        // Every ASCII byte natively; under Miri (slow) the bytes at and
        // around each rule's edges.
        let miri_bytes = [0u8, 0x1f, 0x20, 0x21, b'"', b'#', b'[', b'\\', b']', 0x7f];
        let all_ascii: [u8; 128] = core::array::from_fn(|i| i as u8);
        let bytes: &[u8] = if cfg!(miri) { &miri_bytes } else { &all_ascii };
        for len in 1..=17 {
            for at in 0..len {
                for &v in bytes {
                    let mut t = [b'a'; 17];
                    t[at] = v;
                    let s = core::str::from_utf8(&t[..len]).unwrap();
                    assert_eq!(json_string_safe(s), bytewise(&t[..len]), "{s:?}");
                }
            }
        }
        assert!(json_string_safe("https://gw.example.com/é/日本"));
        assert!(!json_string_safe("https://gw.example.com/\"/x"));
    }

    #[test]
    fn renders_and_passes_through() {
        let c = ctx();
        let mut buf = [0u8; 512];
        let s = c
            .render_str(
                "{{$execution.id}}|{{ $execution.workflow_id }}|{{ $input.x }}",
                &mut buf,
            )
            .unwrap();
        assert_eq!(s, "e1|wf|{{ $input.x }}");
        let id = c.resume_id("w").unwrap().clone();
        let s = c
            .render_str("{{\t$execution.w.resume_id\n}}", &mut buf)
            .unwrap();
        assert_eq!(s, id.as_str());
    }

    #[test]
    fn cancel_urls_are_signed_for_cancel() {
        use crate::token::resume::{
            verify_query, verify_query_for, KeySet, ResumeKey, SignaturePolicy,
        };
        let c = ctx();
        let mut buf = [0u8; 512];
        let id = c.resume_id("w").unwrap().clone();
        let s = c
            .render_str("{{ $execution.w.cancel_url }}", &mut buf)
            .unwrap();
        assert_eq!(
            s.strip_prefix("http://h/webhook/workflow/cancel/"),
            Some(id.as_str())
        );
        assert_eq!(c.cancel_url("w").unwrap().as_str(), s);

        let wf = Workflow::parse(
            r#"{"id":"wf","nodes":[{"key":"w","type":"wait","params":{"mode":"webhook"}}]}"#,
        )
        .unwrap();
        let mut keys: KeySet = KeySet::new();
        keys.add(ResumeKey::new("k1", b"a secret of 16+ bytes").unwrap())
            .unwrap();
        let base = BaseUrl::parse("http://h").unwrap();
        let mut ids = IdGenerator::from_seed([2; 32]);
        let signed: ExecutionContext = ExecutionContext::for_workflow_signed(
            &wf,
            "e2",
            &base,
            &mut ids,
            0,
            keys.current().unwrap(),
        )
        .unwrap();
        let id = signed.resume_id("w").unwrap().clone();
        let url = signed
            .render_str("{{ $execution.w.cancel_url }}", &mut buf)
            .unwrap();
        assert_eq!(signed.cancel_url("w").unwrap().as_str(), url);
        let (path, query) = url.split_once('?').unwrap();
        assert_eq!(
            path.strip_suffix(id.as_str()),
            Some("http://h/webhook/workflow/cancel/")
        );
        // Valid for cancel only: a resume URL with this signature fails.
        let p = SignaturePolicy::Required;
        assert!(verify_query_for(&keys, p, SignedAction::Cancel, id.as_str(), Some(query)).is_ok());
        assert!(verify_query(&keys, p, id.as_str(), Some(query)).is_err());
    }

    #[test]
    fn render_errors() {
        let c = ctx();
        let mut buf = [0u8; 512];
        let code = |t: &str, buf: &mut [u8]| c.render(t, buf).unwrap_err().code();
        assert_eq!(
            code("x {{ $execution.nope.resume_url }}", &mut buf),
            "expression_unknown_node"
        );
        assert_eq!(
            code("{{ $execution.a.resume_url }}", &mut buf),
            "expression_unknown_node"
        );
        assert_eq!(
            code("{{ $execution.w.url }}", &mut buf),
            "expression_unknown_field"
        );
        assert_eq!(
            code("{{ $execution.bogus }}", &mut buf),
            "expression_unknown_field"
        );
        assert_eq!(code("{{ $execution }}", &mut buf), "expression_malformed");
        assert_eq!(
            code("{{ $execution.w.resume_url.x }}", &mut buf),
            "expression_malformed"
        );
        assert_eq!(
            code("{{ $execution..id }}", &mut buf),
            "expression_malformed"
        );
        for empty_part in [
            "{{ $execution.w. }}",
            "{{ $execution.w..x }}",
            "{{ $execution. }}",
        ] {
            assert_eq!(code(empty_part, &mut buf), "expression_malformed");
        }
        assert_eq!(
            code("ok {{ $execution.id", &mut buf),
            "expression_unterminated"
        );
        let mut small = [0u8; 4];
        assert_eq!(
            c.render("abc {{ $execution.id }}", &mut small),
            Err(Error::BufferTooSmall { needed: 6 })
        );
    }
}
