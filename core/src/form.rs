//! Forms of a webhook wait: the fields declared in `webhook_config.form` and
//! the decoding of a submitted `application/x-www-form-urlencoded` body into
//! a typed JSON object, into a caller buffer.
//!
//! A wait's `webhook_config` may hold:
//!
//! ```json
//! {"title": "Expense approval", "description": "Approve the expense?",
//!  "form": [
//!    {"name": "amount", "type": "number", "label": "Amount", "required": true},
//!    {"name": "category", "type": "select", "options": ["travel", "meals"]},
//!    {"name": "note", "type": "textarea"},
//!    {"name": "urgent", "type": "boolean", "label": "Urgent"}]}
//! ```
//!
//! Each field has a `name` (1 to [`MAX_FIELD_NAME_LEN`] bytes of
//! `[A-Za-z0-9_-]`, unique), a `type` (`text` (the default), `textarea`,
//! `number`, `boolean` or `select`), an optional `label` (text, the name when
//! absent), an optional `required` (default `false`) and, for `select` only,
//! `options` (a non-empty array of strings). No other keys are accepted; at
//! most [`MAX_FORM_FIELDS`] fields.
//!
//! A submission becomes an object with one member per declared field, in
//! declared order:
//!
//! | type | value | empty and optional |
//! |---|---|---|
//! | `text`, `textarea` | string | `""` |
//! | `number` | JSON number (HTML number syntax such as `.5` or `007` is normalised) | `null` |
//! | `boolean` | `true` when sent as `true`, `on` or `1`; `false` when absent or `false`, `off`, `0` | — |
//! | `select` | the option, which must be one of `options` | `null` |
//!
//! A required field must be present and not blank (a required boolean must
//! be checked). Unknown and repeated field names are refused.
//!
//! Without a form, the page shows Approve and Reject buttons that post
//! `decision=approve` or `decision=reject`; they decode to
//! `{"approved":true}` and `{"approved":false}`.
//!
//! ```
//! use prana_webhook_core::form;
//! let config = r#"{"form": [{"name": "amount", "type": "number", "required": true},
//!                           {"name": "urgent", "type": "boolean"}]}"#;
//! let mut out = [0u8; 64];
//! let n = form::decode(config, b"amount=12.50", &mut out).unwrap();
//! assert_eq!(&out[..n], br#"{"amount":12.50,"urgent":false}"#);
//! let n = form::decode("{}", b"decision=reject", &mut out).unwrap();
//! assert_eq!(&out[..n], br#"{"approved":false}"#);
//! let err = form::decode(config, b"urgent=on", &mut out).unwrap_err();
//! assert_eq!(err.code(), "form_field_required");
//! ```

use core::fmt;

use crate::error::{Error, Result};
use crate::json;
use crate::msg::{self, Num, Text};

/// Most fields a form may declare.
pub const MAX_FORM_FIELDS: usize = 16;
/// Longest field name, in bytes.
pub const MAX_FIELD_NAME_LEN: usize = 64;
/// Longest number a `number` field accepts, in characters.
pub const MAX_NUMBER_LEN: usize = 64;

/// A field name, as carried by errors.
pub type FieldName = heapless::String<MAX_FIELD_NAME_LEN>;

/// Why a form description or a submitted form was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// `webhook_config` (its `title`, `description` or `form`) is not a
    /// valid page description; `field` is the index of the form field at
    /// fault, if any.
    Config {
        /// Index in `form`, when one field is at fault.
        field: Option<usize>,
        /// What is wrong.
        why: &'static str,
    },
    /// The body is not `application/x-www-form-urlencoded` UTF-8 (a bad
    /// `%` escape or invalid UTF-8).
    BadEncoding,
    /// A submitted field name is longer than [`MAX_FIELD_NAME_LEN`] bytes or
    /// holds a character outside `[A-Za-z0-9_-]`.
    BadFieldName,
    /// A submitted field is not declared in the form.
    UnknownField(FieldName),
    /// A field was submitted more than once.
    RepeatedField(FieldName),
    /// A required field is missing or blank (a required boolean unchecked).
    Required(FieldName),
    /// A `number` field does not hold a number.
    NotANumber(FieldName),
    /// A `boolean` field holds something other than `true`, `on`, `1`,
    /// `false`, `off` or `0`.
    NotABoolean(FieldName),
    /// A `select` field holds a value that is not one of its options.
    NotAnOption(FieldName),
    /// A form without fields (Approve/Reject) got something other than
    /// `decision=approve` or `decision=reject`.
    BadDecision,
}

msg::messages! { FormError {
    Config { .. } => "form_config_invalid", "webhook_config: {}";
    BadEncoding => "form_bad_encoding",
        "the form body is not valid x-www-form-urlencoded UTF-8 (bad % escape or bytes)";
    BadFieldName => "form_bad_field_name",
        "a submitted field name is longer than {} bytes or has a character outside [A-Za-z0-9_-]";
    UnknownField(_) => "form_unknown_field", "field '{}' is not part of this form";
    RepeatedField(_) => "form_repeated_field", "field '{}' was sent more than once";
    Required(_) => "form_field_required", "field '{}' is required";
    NotANumber(_) => "form_field_not_a_number",
        "field '{}' must be a number (at most {} characters)";
    NotABoolean(_) => "form_field_not_a_boolean", "field '{}' must be true/on/1 or false/off/0";
    NotAnOption(_) => "form_field_not_an_option", "field '{}' must be one of its options";
    BadDecision => "form_bad_decision", "the body must be decision=approve or decision=reject";
} }

impl FormError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.row()]
    }

    /// The field this error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            FormError::UnknownField(n)
            | FormError::RepeatedField(n)
            | FormError::Required(n)
            | FormError::NotANumber(n)
            | FormError::NotABoolean(n)
            | FormError::NotAnOption(n) => Some(n),
            _ => None,
        }
    }
}

impl FormError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            // The one message with two forms: with the field at fault.
            FormError::Config {
                field: Some(i),
                why,
            } => {
                return msg::write(
                    f,
                    "webhook_config.form field {}: {}",
                    &[Num(*i as u64), Text(why)],
                )
            }
            FormError::Config { field: None, why } => &[Text(why)],
            FormError::BadFieldName => &[Num(MAX_FIELD_NAME_LEN as u64)],
            FormError::NotANumber(n) => &[Text(n), Num(MAX_NUMBER_LEN as u64)],
            FormError::UnknownField(n)
            | FormError::RepeatedField(n)
            | FormError::Required(n)
            | FormError::NotABoolean(n)
            | FormError::NotAnOption(n) => &[Text(n)],
            FormError::BadEncoding | FormError::BadDecision => &[],
        };
        self.write_message(f, args)
    }
}

impl From<FormError> for Error {
    fn from(e: FormError) -> Self {
        Error::Form(e)
    }
}

/// The type of a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// A number.
    Number,
    /// A checkbox.
    Boolean,
    /// One of a list of options.
    Select,
}

impl FieldKind {
    fn parse(s: &str) -> Option<FieldKind> {
        Some(match s {
            "text" => FieldKind::Text,
            "textarea" => FieldKind::Textarea,
            "number" => FieldKind::Number,
            "boolean" => FieldKind::Boolean,
            "select" => FieldKind::Select,
            _ => return None,
        })
    }
}

/// One declared field. Text members are raw JSON strings (quotes and
/// escapes included), decoded when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The name, plain `[A-Za-z0-9_-]` text.
    pub name: &'a str,
    /// The type.
    pub kind: FieldKind,
    /// The label as a raw JSON string, if given.
    pub label: Option<&'a str>,
    /// Whether a value is required.
    pub required: bool,
    /// For `select`: the options as a raw JSON array of strings.
    pub options: Option<&'a str>,
}

impl<'a> Field<'a> {
    /// The raw JSON strings of the options (none unless `select`).
    pub fn options(&self) -> impl Iterator<Item = &'a str> {
        self.options
            .into_iter()
            .flat_map(json::elements)
            .filter_map(|o| o.ok())
    }
}

/// What a wait's `webhook_config` says about its page: title, description
/// and form fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSpec<'a> {
    /// `title` as a raw JSON string, if given.
    pub title: Option<&'a str>,
    /// `description` as a raw JSON string, if given.
    pub description: Option<&'a str>,
    /// `form` as raw JSON text, if given.
    pub form: Option<&'a str>,
    fields: heapless::Vec<Field<'a>, MAX_FORM_FIELDS>,
}

fn config_err(field: Option<usize>, why: &'static str) -> Error {
    Error::Form(FormError::Config { field, why })
}

/// A raw JSON value that must be a string (or absent/null).
fn opt_string<'a>(v: Option<&'a str>, why: &'static str) -> Result<Option<&'a str>> {
    match v {
        None | Some("null") => Ok(None),
        Some(s) if s.starts_with('"') => Ok(Some(s)),
        Some(_) => Err(config_err(None, why)),
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_FIELD_NAME_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn parse_field(i: usize, raw: &str) -> Result<Field<'_>> {
    let err = |why| config_err(Some(i), why);
    if !raw.starts_with('{') {
        return Err(err("must be an object"));
    }
    let mut field = Field {
        name: "",
        kind: FieldKind::Text,
        label: None,
        required: false,
        options: None,
    };
    for m in json::members(raw)? {
        let (key, value) = m?;
        match key {
            "name" => {
                field.name = json::plain_str(value)
                    .filter(|n| valid_name(n))
                    .ok_or(err("name must be 1 to 64 characters of [A-Za-z0-9_-]"))?;
            }
            "type" => {
                field.kind = json::plain_str(value)
                    .and_then(FieldKind::parse)
                    .ok_or(err(
                        "type must be text, textarea, number, boolean or select",
                    ))?;
            }
            "label" => {
                field.label = Some(
                    Some(value)
                        .filter(|v| v.starts_with('"'))
                        .ok_or(err("label must be a string"))?,
                );
            }
            "required" => {
                field.required = match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(err("required must be true or false")),
                };
            }
            "options" => {
                let ok = value.starts_with('[')
                    && json::elements(value).count() > 0
                    && json::elements(value).all(|o| o.is_ok_and(|o| o.starts_with('"')));
                if !ok {
                    return Err(err("options must be a non-empty array of strings"));
                }
                field.options = Some(value);
            }
            _ => return Err(err("unknown key (name, type, label, required, options)")),
        }
    }
    if field.name.is_empty() {
        return Err(err("name is missing"));
    }
    match (field.kind, field.options) {
        (FieldKind::Select, None) => Err(err("a select needs options")),
        (FieldKind::Select, Some(_)) | (_, None) => Ok(field),
        (_, Some(_)) => Err(err("only a select has options")),
    }
}

impl<'a> PageSpec<'a> {
    /// Read the page description from a `webhook_config` JSON object. All
    /// members other than `title`, `description` and `form` are ignored.
    pub fn parse(webhook_config: &'a str) -> Result<PageSpec<'a>> {
        let obj = json::validate_object(webhook_config, "webhook_config")?;
        let mut spec = PageSpec {
            title: None,
            description: None,
            form: None,
            fields: heapless::Vec::new(),
        };
        spec.title = opt_string(json::find_member(obj, "title")?, "title must be a string")?;
        spec.description = opt_string(
            json::find_member(obj, "description")?,
            "description must be a string",
        )?;
        let form = match json::find_member(obj, "form")? {
            None | Some("null") => return Ok(spec),
            Some(f) if f.starts_with('[') => f,
            Some(_) => return Err(config_err(None, "form must be an array of fields")),
        };
        spec.form = Some(form);
        for (i, raw) in json::elements(form).enumerate() {
            let field = parse_field(i, raw?)?;
            if spec.fields.iter().any(|f| f.name == field.name) {
                return Err(config_err(Some(i), "name is used twice"));
            }
            spec.fields.push(field).map_err(|_| Error::Capacity {
                what: "webhook_config.form fields",
                limit: MAX_FORM_FIELDS,
            })?;
        }
        if spec.fields.is_empty() {
            return Err(config_err(None, "form has no fields"));
        }
        Ok(spec)
    }

    /// The declared fields; empty for an Approve/Reject page.
    pub fn fields(&self) -> &[Field<'a>] {
        &self.fields
    }

    /// Decode a submitted body; see [`decode`].
    pub fn decode(&self, body: &[u8], out: &mut [u8]) -> Result<usize> {
        let mut o = Sink::new(out);
        if self.fields.is_empty() {
            decode_decision(body, &mut o)?;
        } else {
            self.decode_fields(body, &mut o)?;
        }
        o.finish()
    }

    fn decode_fields(&self, body: &[u8], o: &mut Sink<'_>) -> Result<()> {
        let mut values: [Option<&[u8]>; MAX_FORM_FIELDS] = [None; MAX_FORM_FIELDS];
        for (name, value) in pairs(body) {
            let name = field_name(name)?;
            let i = self
                .fields
                .iter()
                .position(|f| f.name == name.as_str())
                .ok_or(FormError::UnknownField(name.clone()))?;
            if values[i].is_some() {
                return Err(FormError::RepeatedField(name).into());
            }
            for c in UrlChars::new(value) {
                c?;
            }
            values[i] = Some(value);
        }
        o.bytes(b"{");
        for (i, (f, v)) in self.fields.iter().zip(values).enumerate() {
            if i > 0 {
                o.bytes(b",");
            }
            o.bytes(b"\"");
            o.bytes(f.name.as_bytes());
            o.bytes(b"\":");
            write_value(f, v.unwrap_or(b""), o)?;
        }
        o.bytes(b"}");
        Ok(())
    }
}

/// Decode the `application/x-www-form-urlencoded` body of a submission
/// against the page described by `webhook_config` into a JSON object in
/// `out`; returns its length.
///
/// Errors: [`Error::Form`] with [`FormError::Config`] for a bad form
/// description, the other [`FormError`]s for a bad submission (each naming
/// the field), [`Error::Capacity`] for more than [`MAX_FORM_FIELDS`] fields,
/// and [`Error::BufferTooSmall`] with the exact size needed (checked last:
/// a bad submission is reported whatever the buffer size).
pub fn decode(webhook_config: &str, body: &[u8], out: &mut [u8]) -> Result<usize> {
    PageSpec::parse(webhook_config)?.decode(body, out)
}

/// Check a `webhook_config`'s page description (title, description, form)
/// without a submission: for hosts that refuse a bad form when the wait is
/// reached rather than when a person submits it.
pub fn check_config(webhook_config: &str) -> Result<()> {
    PageSpec::parse(webhook_config).map(|_| ())
}

fn decode_decision(body: &[u8], o: &mut Sink<'_>) -> Result<()> {
    let mut it = pairs(body);
    let approved = match (it.next(), it.next()) {
        (Some((b"decision", b"approve")), None) => true,
        (Some((b"decision", b"reject")), None) => false,
        _ => return Err(FormError::BadDecision.into()),
    };
    o.bytes(if approved {
        b"{\"approved\":true}"
    } else {
        b"{\"approved\":false}"
    });
    Ok(())
}

fn write_value(f: &Field<'_>, v: &[u8], o: &mut Sink<'_>) -> Result<()> {
    let name = || FieldName::try_from(f.name).unwrap_or_default();
    let blank = UrlChars::new(v).all(|c| c.is_ok_and(char::is_whitespace));
    match f.kind {
        FieldKind::Boolean => {
            let checked = truthy(v).ok_or_else(|| FormError::NotABoolean(name()))?;
            if f.required && !checked {
                return Err(FormError::Required(name()).into());
            }
            o.bytes(if checked { b"true" } else { b"false" });
        }
        _ if blank && f.required => return Err(FormError::Required(name()).into()),
        FieldKind::Text | FieldKind::Textarea => {
            o.bytes(b"\"");
            for c in UrlChars::new(v) {
                o.json_char(c?);
            }
            o.bytes(b"\"");
        }
        FieldKind::Number | FieldKind::Select if blank => o.bytes(b"null"),
        FieldKind::Number => {
            let mut buf = [0u8; MAX_NUMBER_LEN];
            let n = decode_into(v, &mut buf).ok_or_else(|| FormError::NotANumber(name()))?;
            let text = core::str::from_utf8(&buf[..n]).map_err(|_| FormError::BadEncoding)?;
            write_number(text.trim(), o).ok_or_else(|| FormError::NotANumber(name()))?;
        }
        FieldKind::Select => {
            let option = f
                .options()
                .find(|opt| same_text(v, opt))
                .ok_or_else(|| FormError::NotAnOption(name()))?;
            o.bytes(option.as_bytes());
        }
    }
    Ok(())
}

/// A submitted checkbox value: `Some(checked)`, `None` when not a boolean.
pub(crate) fn truthy(v: &[u8]) -> Option<bool> {
    let mut buf = [0u8; 5];
    let n = decode_into(v, &mut buf)?;
    match &buf[..n] {
        b"true" | b"on" | b"1" => Some(true),
        b"" | b"false" | b"off" | b"0" => Some(false),
        _ => None,
    }
}

/// Whether the url-encoded `v` decodes to the text of the JSON string `option`.
pub(crate) fn same_text(v: &[u8], option: &str) -> bool {
    let mut a = UrlChars::new(v);
    let mut b = json::str_chars(option);
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(Ok(x)), Some(Ok(y))) if x == y => {}
            _ => return false,
        }
    }
}

/// Percent-decode `v` into `buf` (UTF-8 not checked); `None` if it does not fit or is bad.
fn decode_into(v: &[u8], buf: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    for b in (UrlBytes { raw: v, i: 0 }) {
        *buf.get_mut(n)? = b.ok()?;
        n += 1;
    }
    Some(n)
}

/// Write an HTML "valid floating-point number" (`-`? digits? (`.` digits)?
/// (`e` [+-]? digits)?, with at least one digit before the exponent) as
/// JSON: leading zeros dropped, a `0` before a bare `.`.
fn write_number(s: &str, o: &mut Sink<'_>) -> Option<()> {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = b.first() == Some(&b'-');
    if neg {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int = &s[int_start..i];
    let mut frac = "";
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        frac = &s[start..i];
        if frac.is_empty() {
            return None;
        }
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp = "";
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let start = i;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let digits = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits {
            return None;
        }
        exp = &s[start..i];
    }
    if i != b.len() {
        return None;
    }
    if neg {
        o.bytes(b"-");
    }
    let int = int.trim_start_matches('0');
    o.bytes(if int.is_empty() { b"0" } else { int.as_bytes() });
    if !frac.is_empty() {
        o.bytes(b".");
        o.bytes(frac.as_bytes());
    }
    o.bytes(exp.as_bytes());
    Some(())
}

/// The decoded field name of a pair.
fn field_name(raw: &[u8]) -> Result<FieldName> {
    let mut name = FieldName::new();
    for c in UrlChars::new(raw) {
        let c = c?;
        if !(c.is_ascii_alphanumeric() || c == '-' || c == '_') || name.push(c).is_err() {
            return Err(FormError::BadFieldName.into());
        }
    }
    if name.is_empty() {
        return Err(FormError::BadFieldName.into());
    }
    Ok(name)
}

/// The `name=value` pairs of a body (raw, still encoded); empty pairs are
/// skipped, a pair without `=` has an empty value.
pub(crate) fn pairs(body: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (&p[..i], &p[i + 1..]),
            None => (p, &p[p.len()..]),
        })
}

/// The raw value submitted for field `name` (first occurrence).
pub(crate) fn submitted<'b>(body: &'b [u8], name: &str) -> Option<&'b [u8]> {
    pairs(body)
        .find(|(n, _)| field_name(n).is_ok_and(|n| n == name))
        .map(|(_, v)| v)
}

/// The bytes of a url-encoded text: `+` is a space, `%XX` a byte.
struct UrlBytes<'a> {
    raw: &'a [u8],
    i: usize,
}

impl Iterator for UrlBytes<'_> {
    type Item = core::result::Result<u8, FormError>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = *self.raw.get(self.i)?;
        self.i += 1;
        Some(match b {
            b'+' => Ok(b' '),
            b'%' => {
                let hex = |k: usize| self.raw.get(k).and_then(|&h| (h as char).to_digit(16));
                match (hex(self.i), hex(self.i + 1)) {
                    (Some(hi), Some(lo)) => {
                        self.i += 2;
                        Ok((hi * 16 + lo) as u8)
                    }
                    _ => Err(FormError::BadEncoding),
                }
            }
            _ => Ok(b),
        })
    }
}

/// The characters of a url-encoded text; invalid UTF-8 is an error.
pub(crate) struct UrlChars<'a>(UrlBytes<'a>);

impl<'a> UrlChars<'a> {
    pub(crate) fn new(raw: &'a [u8]) -> Self {
        UrlChars(UrlBytes { raw, i: 0 })
    }
}

impl Iterator for UrlChars<'_> {
    type Item = core::result::Result<char, FormError>;

    fn next(&mut self) -> Option<Self::Item> {
        let lead = match self.0.next()? {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        let width = match lead {
            0x00..=0x7f => return Some(Ok(char::from(lead))),
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Some(Err(FormError::BadEncoding)),
        };
        let mut buf = [lead, 0, 0, 0];
        for slot in &mut buf[1..width] {
            match self.0.next() {
                Some(Ok(b)) => *slot = b,
                _ => return Some(Err(FormError::BadEncoding)),
            }
        }
        Some(
            core::str::from_utf8(&buf[..width])
                .ok()
                .and_then(|s| s.chars().next())
                .ok_or(FormError::BadEncoding),
        )
    }
}

/// Writes into a caller buffer and keeps counting past its end, so a
/// too-small buffer is reported with the exact size needed.
pub(crate) struct Sink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Sink<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Sink { buf, len: 0 }
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + b.len()) {
            dst.copy_from_slice(b);
        }
        self.len += b.len();
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub(crate) fn char(&mut self, c: char) {
        self.bytes(c.encode_utf8(&mut [0; 4]).as_bytes());
    }

    /// One character inside a JSON string.
    pub(crate) fn json_char(&mut self, c: char) {
        const HEX: &[u8; 16] = crate::bytes::HEX_DIGITS;
        match c {
            '"' => self.bytes(b"\\\""),
            '\\' => self.bytes(b"\\\\"),
            '\n' => self.bytes(b"\\n"),
            '\r' => self.bytes(b"\\r"),
            '\t' => self.bytes(b"\\t"),
            '\0'..='\x1f' => {
                let b = c as usize;
                self.bytes(&[b'\\', b'u', b'0', b'0', HEX[b >> 4], HEX[b & 15]]);
            }
            _ => self.char(c),
        }
    }

    /// The written length, or the size needed when the buffer is too small.
    pub(crate) fn finish(self) -> Result<usize> {
        if self.len > self.buf.len() {
            Err(Error::BufferTooSmall { needed: self.len })
        } else {
            Ok(self.len)
        }
    }
}
