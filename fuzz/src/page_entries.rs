//! Fuzz entries for the wait page and form decoding (part of `entries.rs`).
//!
//! `page_render` builds a `webhook_config` from hostile text (titles,
//! labels, options with markup, quotes, entities, control characters) and a
//! submitted body, renders every page and checks that the HTML has only the
//! page's own tags: no `<`, `>`, `"` or `'` from config text, URLs or
//! submitted values gets through unescaped. `form_decode` decodes arbitrary
//! bodies against a few forms (and arbitrary config text) and checks the
//! output is a JSON object with one typed member per field.

use arbitrary::{Arbitrary, Unstructured};

use prana_webhook_core::form::{self, FieldKind, PageSpec};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::json;
use prana_webhook_core::page;
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::Error;

const KINDS: [&str; 6] = ["text", "textarea", "number", "boolean", "select", "date"];
const NAMES: [&str; 5] = ["a", "amount", "n-1", "x_y", "bad name"];

#[derive(Arbitrary, Debug)]
struct FieldIn {
    name: u8,
    kind: u8,
    label: Option<String>,
    required: bool,
    options: Vec<String>,
}

#[derive(Arbitrary, Debug)]
struct PageIn {
    title: Option<String>,
    description: Option<String>,
    fields: Vec<FieldIn>,
    /// Use this text as the whole `webhook_config` instead.
    raw_config: Option<String>,
    resume_url: String,
    cancel_url: Option<String>,
    /// Submitted pairs, url-encoded by [`encode_body`]...
    pairs: Vec<(u8, String)>,
    /// ...or these raw bytes.
    raw_body: Option<Vec<u8>>,
}

/// `s` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{0}'..='\u{1f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ => out.push(c),
        }
    }
    out.push('"');
}

fn config_text(p: &PageIn) -> String {
    if let Some(raw) = &p.raw_config {
        return raw.clone();
    }
    let mut c = String::from("{");
    if let Some(t) = &p.title {
        c.push_str("\"title\": ");
        json_str(&mut c, t);
        c.push_str(", ");
    }
    if let Some(d) = &p.description {
        c.push_str("\"description\": ");
        json_str(&mut c, d);
        c.push_str(", ");
    }
    c.push_str("\"other\": 1");
    if !p.fields.is_empty() {
        c.push_str(", \"form\": [");
        for (i, f) in p.fields.iter().enumerate() {
            if i > 0 {
                c.push_str(", ");
            }
            let kind = KINDS[usize::from(f.kind) % KINDS.len()];
            c.push_str(&format!(
                "{{\"name\": \"{}\", \"type\": \"{kind}\", \"required\": {}",
                NAMES[usize::from(f.name) % NAMES.len()],
                f.required
            ));
            if let Some(l) = &f.label {
                c.push_str(", \"label\": ");
                json_str(&mut c, l);
            }
            if kind == "select" || !f.options.is_empty() {
                c.push_str(", \"options\": [");
                for (k, o) in f.options.iter().enumerate() {
                    if k > 0 {
                        c.push(',');
                    }
                    json_str(&mut c, o);
                }
                c.push(']');
            }
            c.push('}');
        }
        c.push(']');
    }
    c.push('}');
    c
}

fn encode_body(pairs: &[(u8, String)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            b.push(b'&');
        }
        b.extend_from_slice(NAMES[usize::from(*name) % NAMES.len()].as_bytes());
        b.push(b'=');
        for &byte in value.as_bytes() {
            match byte {
                b' ' => b.push(b'+'),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => b.push(byte),
                _ => b.extend_from_slice(format!("%{byte:02X}").as_bytes()),
            }
        }
    }
    b
}

/// The tags and attributes the pages are made of.
const TAGS: &[&str] = &[
    "!DOCTYPE",
    "html",
    "/html",
    "head",
    "/head",
    "meta",
    "title",
    "/title",
    "style",
    "body",
    "/body",
    "/style",
    "main",
    "/main",
    "h1",
    "/h1",
    "p",
    "/p",
    "form",
    "/form",
    "input",
    "button",
    "/button",
    "label",
    "/label",
    "span",
    "/span",
    "select",
    "/select",
    "option",
    "/option",
    "textarea",
    "/textarea",
];
const ATTRS: &[&str] = &[
    "html",
    "lang",
    "charset",
    "name",
    "content",
    "method",
    "action",
    "type",
    "value",
    "class",
    "for",
    "id",
    "step",
    "inputmode",
    "required",
    "checked",
    "selected",
    "rows",
    "role",
];

/// Check that `html` is made only of the page's own tags with quoted
/// attribute values, and that text and attribute values hold no `<`, `>`,
/// `"`, `'` and only the five entities.
pub fn check_html(html: &str) {
    let b = html.as_bytes();
    let mut i = 0;
    let text_ok = |s: &str| {
        assert!(
            !s.contains(['<', '>', '"', '\'']),
            "unescaped text {s:?} in {html}"
        );
        let mut rest = s;
        while let Some(at) = rest.find('&') {
            rest = &rest[at..];
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .find(|e| rest.starts_with(**e));
            assert!(entity.is_some(), "bare & in {s:?}");
            rest = &rest[1..];
        }
    };
    while i < b.len() {
        let next = html[i..].find('<').map_or(b.len(), |k| i + k);
        text_ok(&html[i..next]);
        if next == b.len() {
            break;
        }
        // A tag: name, then attributes, then '>'.
        let mut j = next + 1;
        let name_end = html[j..]
            .find([' ', '>'])
            .map(|k| j + k)
            .expect("tag not closed");
        let name = &html[j..name_end];
        assert!(TAGS.contains(&name), "unknown tag <{name}> in {html}");
        j = name_end;
        loop {
            match b.get(j) {
                Some(b'>') => break,
                Some(b' ') => j += 1,
                _ => {
                    let end = html[j..]
                        .find(['=', ' ', '>'])
                        .map(|k| j + k)
                        .expect("attribute not closed");
                    let attr = &html[j..end];
                    assert!(
                        ATTRS.contains(&attr),
                        "unknown attribute {attr:?} in <{name}>"
                    );
                    j = end;
                    if b[j] == b'=' {
                        assert_eq!(b.get(j + 1), Some(&b'"'), "unquoted value in <{name}>");
                        let close = html[j + 2..].find('"').expect("value not closed") + j + 2;
                        text_ok(&html[j + 2..close]);
                        j = close + 1;
                    }
                }
            }
        }
        i = j + 1;
        if name == "style" {
            let end = html[i..].find("</style>").expect("style not closed") + i;
            assert_eq!(&html[i..end], page::STYLE);
            i = end;
        }
    }
}

fn escaped(s: &str) -> String {
    let mut out = vec![0u8; s.len() * 6 + 1];
    let n = page::escape_html(s, &mut out).expect("6 bytes per byte suffice");
    String::from_utf8(out[..n].to_vec()).unwrap()
}

fn render(
    config: &str,
    url: &str,
    cancel: Option<&str>,
    body: Option<&[u8]>,
) -> Result<String, Error> {
    // A small buffer first: a large page must ask for exactly what it needs.
    let mut out = vec![0u8; 2048];
    let n = match page::render_wait_page(config, url, cancel, body, &mut out) {
        Err(Error::BufferTooSmall { needed }) => {
            out = vec![0u8; needed];
            let n = page::render_wait_page(config, url, cancel, body, &mut out)?;
            assert_eq!(n, needed, "BufferTooSmall asked for the wrong size");
            n
        }
        other => other?,
    };
    if n > 0 {
        assert_eq!(
            page::render_wait_page(config, url, cancel, body, &mut out[..n - 1]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }
    Ok(String::from_utf8(out[..n].to_vec()).expect("pages are UTF-8"))
}

/// Decode and check the shape of the result against the declared fields.
fn decode_checked(config: &str, body: &[u8]) {
    let mut out = vec![0u8; 8 * body.len() + 4096];
    let spec = PageSpec::parse(config);
    let got = form::decode(config, body, &mut out);
    match (&spec, &got) {
        (Err(e), _) => assert_eq!(got.as_ref().unwrap_err(), e),
        (Ok(_), Err(Error::Form(e))) => {
            let _ = e.to_string();
            assert!(!e.code().is_empty());
        }
        (Ok(_), Err(e)) => panic!("decoding failed with {e:?}"),
        (Ok(spec), Ok(n)) => {
            let n = *n;
            let text = std::str::from_utf8(&out[..n]).expect("decoded JSON is UTF-8");
            let obj = json::validate_object(text, "decoded").expect("decoded JSON is an object");
            if spec.fields().is_empty() {
                assert!(obj == r#"{"approved":true}"# || obj == r#"{"approved":false}"#);
            }
            for f in spec.fields() {
                let v = json::find_member(obj, f.name)
                    .unwrap()
                    .expect("every field is present");
                match f.kind {
                    FieldKind::Boolean => assert!(v == "true" || v == "false", "{v}"),
                    FieldKind::Number => assert!(
                        v == "null" || v.starts_with(|c: char| c == '-' || c.is_ascii_digit()),
                        "{v}"
                    ),
                    FieldKind::Select => assert!(v == "null" || f.options().any(|o| o == v)),
                    FieldKind::Text | FieldKind::Textarea => assert!(v.starts_with('"')),
                }
                if f.required {
                    assert!(v != "null" && v != "false" && v != "\"\"", "{v}");
                }
            }
            assert_eq!(
                form::decode(config, body, &mut out[..n - 1]),
                Err(Error::BufferTooSmall { needed: n })
            );
        }
    }
}

/// Input: either a `webhook_config` text starting with `{` (then a NUL and
/// the submitted body), as the hand-written seeds are, or structured input
/// for [`PageIn`].
pub fn page_render(data: &[u8]) {
    if data.first() == Some(&b'{') {
        let nul = data.iter().position(|&b| b == 0).unwrap_or(data.len());
        let Ok(config) = std::str::from_utf8(&data[..nul]) else {
            return;
        };
        let body = data.get(nul + 1..).unwrap_or(&[]);
        check_page(
            config,
            "https://h/r?sig='\"<x>&",
            Some("javascript:'\"<>"),
            body,
            None,
        );
        return;
    }
    let Ok(p) = PageIn::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let config = config_text(&p);
    let body = match &p.raw_body {
        Some(raw) => raw.clone(),
        None => encode_body(&p.pairs),
    };
    let title = p.title.as_deref().filter(|_| p.raw_config.is_none());
    check_page(
        &config,
        &p.resume_url,
        p.cancel_url.as_deref(),
        &body,
        title,
    );
}

fn check_page(config: &str, url: &str, cancel: Option<&str>, body: &[u8], title: Option<&str>) {
    for submitted in [None, Some(body)] {
        match render(config, url, cancel, submitted) {
            Ok(html) => {
                check_html(&html);
                let spec = PageSpec::parse(config).unwrap();
                if let Some(t) = title {
                    assert!(html.contains(&format!("<h1>{}</h1>", escaped(t))));
                }
                assert!(html.contains(&format!("action=\"{}\"", escaped(url))));
                let fields = html.matches("id=\"f-").count();
                assert_eq!(fields, spec.fields().len());
            }
            Err(e) => assert_eq!(Err(e), PageSpec::parse(config).map(|_| ())),
        }
    }
    decode_checked(config, body);
    // The JSON description is valid JSON whatever the config.
    let mut ids = IdGenerator::from_seed([9; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec", "wait", 0).unwrap();
    if reg.activate(0, 1, config).is_ok() {
        let mut out = vec![0u8; 4096];
        if let Ok(n) = page::describe_wait(&reg, 0, &mut out) {
            let text = std::str::from_utf8(&out[..n]).unwrap();
            json::validate_object(text, "description").expect("description is a JSON object");
        }
        // Rendering the stored (compacted) config gives the same page.
        if let Ok(html) = render(config, "u", None, None) {
            let stored = render(reg.webhook_config.as_str(), "u", None, None).unwrap();
            assert_eq!(html, stored);
        }
    }
}

/// Forms the decoder is fuzzed against: the bytes' first byte picks one
/// (or, past the list, the config is the text up to the first NUL).
const FORMS: &[&str] = &[
    "{}",
    r#"{"form": [{"name": "amount", "type": "number", "required": true},
       {"name": "category", "type": "select", "options": ["travel", "caf\u00e9", "a+b&c"]},
       {"name": "note", "type": "textarea"}, {"name": "urgent", "type": "boolean"},
       {"name": "who", "required": true}]}"#,
    r#"{"form": [{"name": "agree", "type": "boolean", "required": true},
       {"name": "n", "type": "number"}, {"name": "s", "type": "select", "options": ["x"], "required": true}]}"#,
];

pub fn form_decode(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (config, body) = match FORMS.get(usize::from(pick)) {
        Some(c) => (c.to_string(), rest),
        None => {
            let nul = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let Ok(c) = std::str::from_utf8(&rest[..nul]) else {
                return;
            };
            (c.to_string(), rest.get(nul + 1..).unwrap_or(&[]))
        }
    };
    decode_checked(&config, body);
    // Any header value reads as HTML or not, without panicking; a range
    // added in front never turns a yes into a no.
    if page::accepts_html(body) {
        assert!(page::accepts_html(&[b"*/*,", body].concat()));
    }
    // The page re-rendered with this submission is still only the page's own markup.
    if let Ok(html) = render(
        &config,
        "https://h/r?sig=x",
        Some("https://h/c"),
        Some(body),
    ) {
        check_html(&html);
    }
}
