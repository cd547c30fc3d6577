//! The page a person sees on a resume URL: server-rendered HTML without
//! scripts, readable on a phone, written into a caller buffer.
//!
//! * [`render_wait_page`]: the wait's `title` and `description` from its
//!   `webhook_config` and either Approve and Reject buttons or, when
//!   `webhook_config.form` lists fields, that form (see [`crate::form`]).
//!   Given the submitted body of a refused submission, the same page shows
//!   what is wrong and keeps the values sent ([`INVALID_FORM_STATUS`]).
//! * [`render_result_page`]: the page after a POST ([`ResultPage`]: done,
//!   already used, expired, not yet active, bad signature, ...), with its
//!   HTTP status.
//! * [`describe_wait`]: the JSON description of a wait, for a GET that does
//!   not ask for HTML ([`accepts_html`] reads the `Accept` header).
//!
//! **What the buttons post.** Approve posts `decision=approve` to the
//! resume URL. Reject posts `decision=reject`: to the cancel URL when the
//! host passes one (the wait then ends through its cancel path), else to
//! the resume URL, where [`crate::form::decode`] turns it into
//! `{"approved":false}`. A form page posts its fields to the resume URL and
//! shows Reject only when a cancel URL is given.
//!
//! **Escaping.** Every piece of text from `webhook_config`, every URL and
//! every submitted value goes through one function ([`escape_html`]'s
//! core), which writes `& < > " '` as entities; no other text is
//! interpolated. Hosts must send [`SECURITY_HEADERS`] with every page: the
//! Content-Security-Policy allows no scripts, no framing and form posts
//! only to the page's own origin.
//!
//! Every function writes into `out` and returns the length, or
//! [`Error::BufferTooSmall`] with the exact size needed.
//!
//! ```
//! use prana_webhook_core::page;
//! let mut out = [0u8; 4096];
//! let n = page::render_wait_page(
//!     r#"{"title": "Deploy <prod>?"}"#,
//!     "https://gw.example.com/webhook/workflow/resume/webhook_e_n_x?sig=abc",
//!     None, None, &mut out).unwrap();
//! let html = core::str::from_utf8(&out[..n]).unwrap();
//! assert!(html.contains("<h1>Deploy &lt;prod&gt;?</h1>"));
//! assert!(html.contains(r#"value="approve""#));
//! ```

use crate::error::{Error, Result};
use crate::form::{self, Field, FieldKind, PageSpec, Sink, UrlChars};
use crate::json;
use crate::lifecycle::Status;
use crate::registration::WebhookRegistration;

/// The page's only style sheet, inline; the Content-Security-Policy allows
/// exactly this text by its SHA-256 hash.
pub const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;\
background:#f4f4f5;color:#18181b}main{max-width:34rem;margin:0 auto;background:#fff;\
border-radius:.5rem;padding:1.25rem}h1{font-size:1.4rem;margin:0 0 .75rem}\
p{line-height:1.5;white-space:pre-wrap}label{display:block;margin:.9rem 0 .3rem;\
font-weight:600}input,select,textarea{box-sizing:border-box;width:100%;padding:.6rem;\
font-size:1rem;border:1px solid #a1a1aa;border-radius:.35rem}\
input[type=checkbox]{width:auto;margin-right:.5rem}label.check{display:flex;\
align-items:center;font-weight:400}button{width:100%;padding:.8rem;font-size:1.05rem;\
border:0;border-radius:.35rem;margin-top:1rem;color:#fff}.ok{background:#15803d}\
.no{background:#b91c1c}.err{background:#fee2e2;color:#7f1d1d;padding:.6rem;\
border-radius:.35rem}.req{color:#b91c1c}";

/// `Content-Security-Policy` for every page: nothing may load or run but the
/// inline [`STYLE`] (by hash); forms post only to the page's origin; no
/// framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; \
style-src 'sha256-Z0jIYfcyVpfm9g/cOAFidgbZN5kiD8i+NvXbQ6tiv00='; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The `Content-Type` of every page.
pub const CONTENT_TYPE_HTML: &str = "text/html; charset=utf-8";
/// The `Content-Type` of [`describe_wait`]'s answer.
pub const CONTENT_TYPE_JSON: &str = "application/json";

/// Headers a host must send with every page (and may send with the JSON
/// description): name and value.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
];

/// HTTP status of a wait page re-rendered after a refused submission.
pub const INVALID_FORM_STATUS: u16 = 422;

/// Title shown when `webhook_config` has none.
pub const DEFAULT_TITLE: &str = "Approval requested";

/// Whether a request's `Accept` header asks for HTML: one of its media
/// ranges is `text/html` or `application/xhtml+xml` (any case) without
/// `q=0`. Browsers send that; API clients and link scanners sending
/// `*/*`, `application/json` or no header get [`describe_wait`]'s JSON.
///
/// ```
/// use prana_webhook_core::page::accepts_html;
/// assert!(accepts_html(b"text/html,application/xhtml+xml,*/*;q=0.8"));
/// assert!(!accepts_html(b"*/*"));
/// assert!(!accepts_html(b"application/json, text/html;q=0"));
/// ```
pub fn accepts_html(accept: &[u8]) -> bool {
    accept.split(|&b| b == b',').any(|range| {
        let mut parts = range.split(|&b| b == b';');
        let media = trim(parts.next().unwrap_or_default());
        let html = media.eq_ignore_ascii_case(b"text/html")
            || media.eq_ignore_ascii_case(b"application/xhtml+xml");
        html && !parts.any(|p| {
            let p = trim(p);
            p.len() >= 2
                && p[..2].eq_ignore_ascii_case(b"q=")
                && p[2..].iter().all(|&b| b == b'0' || b == b'.')
        })
    })
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t'))
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// Write `text` HTML-escaped into `out` (`&` `<` `>` `"` `'` as entities);
/// returns the length. The same escaping every page uses.
pub fn escape_html(text: &str, out: &mut [u8]) -> Result<usize> {
    let mut o = Sink::new(out);
    for c in text.chars() {
        html_char(&mut o, c);
    }
    o.finish()
}

/// The one place text becomes HTML.
fn html_char(o: &mut Sink<'_>, c: char) {
    match c {
        '&' => o.str("&amp;"),
        '<' => o.str("&lt;"),
        '>' => o.str("&gt;"),
        '"' => o.str("&quot;"),
        '\'' => o.str("&#39;"),
        _ => o.char(c),
    }
}

fn html(o: &mut Sink<'_>, s: &str) {
    for c in s.chars() {
        html_char(o, c);
    }
}

/// A raw JSON string from the config, decoded and escaped.
fn html_json(o: &mut Sink<'_>, raw: &str) -> Result<()> {
    for c in json::str_chars(raw) {
        html_char(o, c?);
    }
    Ok(())
}

/// A submitted url-encoded value, decoded and escaped (stops at a bad byte).
fn html_submitted(o: &mut Sink<'_>, v: &[u8]) {
    for c in UrlChars::new(v).map_while(|c| c.ok()) {
        html_char(o, c);
    }
}

fn head(o: &mut Sink<'_>, title: Option<&str>) -> Result<()> {
    o.str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<meta name=\"robots\" content=\"noindex,nofollow\"><title>",
    );
    title_text(o, title)?;
    o.str("</title><style>");
    o.str(STYLE);
    o.str("</style></head>\n<body><main>\n<h1>");
    title_text(o, title)?;
    o.str("</h1>\n");
    Ok(())
}

fn title_text(o: &mut Sink<'_>, title: Option<&str>) -> Result<()> {
    match title {
        Some(t) => html_json(o, t),
        None => {
            html(o, DEFAULT_TITLE);
            Ok(())
        }
    }
}

fn foot(o: &mut Sink<'_>) {
    o.str("</main></body></html>\n");
}

fn post_button(o: &mut Sink<'_>, url: &str, value: &str, class: &str, label: &str) {
    o.str("<form method=\"post\" action=\"");
    html(o, url);
    o.str("\"><input type=\"hidden\" name=\"decision\" value=\"");
    html(o, value);
    o.str("\"><button type=\"submit\" class=\"");
    html(o, class);
    o.str("\">");
    html(o, label);
    o.str("</button></form>\n");
}

/// Render the page of a wait.
///
/// * `webhook_config`: the wait's stored config (its `title`,
///   `description` and `form` are used; other members are ignored).
/// * `resume_url`: the signed resume URL, where the page posts.
/// * `cancel_url`: the signed cancel URL, if the host offers cancel; Reject
///   then posts there.
/// * `submitted`: the body of a refused submission, to show what is wrong
///   and keep the values sent (answer with [`INVALID_FORM_STATUS`]); `None`
///   for a first visit.
///
/// Errors: [`Error::Form`] ([`FormError::Config`](crate::form::FormError::Config)) or a JSON error for a bad
/// page description, [`Error::BufferTooSmall`] with the size needed.
pub fn render_wait_page(
    webhook_config: &str,
    resume_url: &str,
    cancel_url: Option<&str>,
    submitted: Option<&[u8]>,
    out: &mut [u8],
) -> Result<usize> {
    let spec = PageSpec::parse(webhook_config)?;
    let mut o = Sink::new(out);
    head(&mut o, spec.title)?;
    if let Some(d) = spec.description {
        o.str("<p>");
        html_json(&mut o, d)?;
        o.str("</p>\n");
    }
    if let Some(body) = submitted {
        // The problem with the submission, as the decoder reports it.
        match spec.decode(body, &mut []) {
            Err(Error::BufferTooSmall { .. }) | Ok(_) => {}
            Err(e) => {
                o.str("<p class=\"err\" role=\"alert\">");
                html(&mut o, e.to_string_buf().as_str());
                o.str("</p>\n");
            }
        }
    }
    if spec.fields().is_empty() {
        post_button(&mut o, resume_url, "approve", "ok", "Approve");
        post_button(
            &mut o,
            cancel_url.unwrap_or(resume_url),
            "reject",
            "no",
            "Reject",
        );
    } else {
        o.str("<form method=\"post\" action=\"");
        html(&mut o, resume_url);
        o.str("\">\n");
        for f in spec.fields() {
            field(
                &mut o,
                f,
                submitted.and_then(|b| form::submitted(b, f.name)),
            )?;
        }
        o.str("<button type=\"submit\" class=\"ok\">Submit</button></form>\n");
        if let Some(cancel) = cancel_url {
            post_button(&mut o, cancel, "reject", "no", "Reject");
        }
    }
    foot(&mut o);
    o.finish()
}

fn label_text(o: &mut Sink<'_>, f: &Field<'_>) -> Result<()> {
    match f.label {
        Some(l) => html_json(o, l)?,
        None => html(o, f.name),
    }
    if f.required {
        o.str(" <span class=\"req\">*</span>");
    }
    Ok(())
}

/// `id="f-NAME" name="NAME"` and ` required`.
fn name_attrs(o: &mut Sink<'_>, f: &Field<'_>) {
    o.str(" id=\"f-");
    html(o, f.name);
    o.str("\" name=\"");
    html(o, f.name);
    o.str("\"");
    if f.required {
        o.str(" required");
    }
}

fn field(o: &mut Sink<'_>, f: &Field<'_>, value: Option<&[u8]>) -> Result<()> {
    if f.kind == FieldKind::Boolean {
        o.str("<label class=\"check\"><input type=\"checkbox\" value=\"true\"");
        name_attrs(o, f);
        if value.and_then(form::truthy) == Some(true) {
            o.str(" checked");
        }
        o.str(">");
        label_text(o, f)?;
        o.str("</label>\n");
        return Ok(());
    }
    o.str("<label for=\"f-");
    html(o, f.name);
    o.str("\">");
    label_text(o, f)?;
    o.str("</label>");
    match f.kind {
        FieldKind::Textarea => {
            o.str("<textarea rows=\"4\"");
            name_attrs(o, f);
            o.str(">");
            html_submitted(o, value.unwrap_or(b""));
            o.str("</textarea>\n");
        }
        FieldKind::Select => {
            o.str("<select");
            name_attrs(o, f);
            o.str("><option value=\"\">Choose…</option>");
            for opt in f.options() {
                o.str("<option value=\"");
                html_json(o, opt)?;
                o.str("\"");
                if value.is_some_and(|v| form::same_text(v, opt)) {
                    o.str(" selected");
                }
                o.str(">");
                html_json(o, opt)?;
                o.str("</option>");
            }
            o.str("</select>\n");
        }
        _ => {
            o.str(if f.kind == FieldKind::Number {
                "<input type=\"number\" step=\"any\" inputmode=\"decimal\""
            } else {
                "<input type=\"text\""
            });
            name_attrs(o, f);
            if let Some(v) = value {
                o.str(" value=\"");
                html_submitted(o, v);
                o.str("\"");
            }
            o.str(">\n");
        }
    }
    Ok(())
}

/// The page after a POST (or a visit that cannot act), with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultPage {
    /// The answer was recorded; the workflow continues (200).
    Done,
    /// The request was rejected or cancelled (200).
    Rejected,
    /// The link was already used (409).
    AlreadyUsed,
    /// The link has expired (410).
    Expired,
    /// The workflow has not reached this step yet (400).
    NotYetActive,
    /// The link's signature is missing or wrong (401).
    BadSignature,
    /// No such link (404).
    NotFound,
}

impl ResultPage {
    /// The HTTP status to answer with.
    pub const fn status(self) -> u16 {
        match self {
            ResultPage::Done | ResultPage::Rejected => 200,
            ResultPage::AlreadyUsed => 409,
            ResultPage::Expired => 410,
            ResultPage::NotYetActive => 400,
            ResultPage::BadSignature => 401,
            ResultPage::NotFound => 404,
        }
    }

    /// A stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            ResultPage::Done => "done",
            ResultPage::Rejected => "rejected",
            ResultPage::AlreadyUsed => "already_used",
            ResultPage::Expired => "expired",
            ResultPage::NotYetActive => "not_yet_active",
            ResultPage::BadSignature => "bad_signature",
            ResultPage::NotFound => "not_found",
        }
    }

    /// The heading.
    pub const fn title(self) -> &'static str {
        match self {
            ResultPage::Done => "Thank you",
            ResultPage::Rejected => "Rejected",
            ResultPage::AlreadyUsed => "Already used",
            ResultPage::Expired => "Link expired",
            ResultPage::NotYetActive => "Not ready yet",
            ResultPage::BadSignature => "Invalid link",
            ResultPage::NotFound => "Not found",
        }
    }

    /// The sentence under the heading.
    pub const fn message(self) -> &'static str {
        match self {
            ResultPage::Done => "Your answer was recorded. You can close this page.",
            ResultPage::Rejected => "The request was rejected. You can close this page.",
            ResultPage::AlreadyUsed => {
                "This link has already been used; the answer given first counts."
            }
            ResultPage::Expired => "This link has expired; nothing was changed.",
            ResultPage::NotYetActive => {
                "The workflow has not reached this step yet; try again later."
            }
            ResultPage::BadSignature => {
                "This link is not valid. Check that it was copied completely."
            }
            ResultPage::NotFound => "This link does not exist.",
        }
    }

    /// The page for an error of a resume or cancel, if it has one:
    /// already consumed, expired, not yet active (a pending registration)
    /// or a signature error.
    pub fn for_error(e: &Error) -> Option<ResultPage> {
        match e {
            Error::AlreadyConsumed => Some(ResultPage::AlreadyUsed),
            Error::RegistrationExpired => Some(ResultPage::Expired),
            Error::InvalidTransition {
                from: Status::Pending,
                ..
            } => Some(ResultPage::NotYetActive),
            Error::InvalidTransition {
                from: Status::Consumed,
                ..
            } => Some(ResultPage::AlreadyUsed),
            Error::InvalidTransition {
                from: Status::Expired,
                ..
            } => Some(ResultPage::Expired),
            Error::Signature(_) => Some(ResultPage::BadSignature),
            _ => None,
        }
    }
}

/// Render a result page (send it with [`ResultPage::status`]).
pub fn render_result_page(page: ResultPage, out: &mut [u8]) -> Result<usize> {
    let mut o = Sink::new(out);
    o.str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<meta name=\"robots\" content=\"noindex,nofollow\"><title>",
    );
    html(&mut o, page.title());
    o.str("</title><style>");
    o.str(STYLE);
    o.str("</style></head>\n<body><main>\n<h1>");
    html(&mut o, page.title());
    o.str("</h1>\n<p>");
    html(&mut o, page.message());
    o.str("</p>\n");
    foot(&mut o);
    o.finish()
}

/// The JSON description of a wait, for a GET without `Accept: text/html`:
///
/// `{"node":…,"status":…,"expires_at":…|null,"title":…|null,"description":…|null,"form":[…]|null}`
///
/// `status` is the status as of `now` (an active registration past its
/// expiry is `expired`); `form` is `null` for an Approve/Reject wait, which
/// takes `decision=approve` or `decision=reject`. Text comes from the stored
/// `webhook_config` as it is; nothing else of the registration is shown.
pub fn describe_wait(reg: &WebhookRegistration, now: u64, out: &mut [u8]) -> Result<usize> {
    let spec = PageSpec::parse(reg.webhook_config.as_str())?;
    let mut o = Sink::new(out);
    o.str("{\"node\":\"");
    for c in reg.node_id.chars() {
        o.json_char(c);
    }
    o.str("\",\"status\":\"");
    o.str(reg.status_at(now).as_str());
    o.str("\",\"expires_at\":");
    match reg.expires_at {
        Some(t) => {
            let mut digits = [0u8; 20];
            let mut i = digits.len();
            let mut v = t;
            loop {
                i -= 1;
                digits[i] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            o.bytes(&digits[i..]);
        }
        None => o.str("null"),
    }
    for (key, value) in [
        (",\"title\":", spec.title),
        (",\"description\":", spec.description),
        (",\"form\":", spec.form),
    ] {
        o.str(key);
        o.str(value.unwrap_or("null"));
    }
    o.str("}");
    o.finish()
}
