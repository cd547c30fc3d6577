//! The wait page, the result pages, the JSON description of a wait and the
//! decoding of submitted forms: exact output for small cases, escaping of
//! hostile text, every form error and every too-small buffer.

use base64::Engine as _;
use prana_webhook_core::error::Error;
use prana_webhook_core::form::{self, FieldKind, FormError, PageSpec};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::page::{self, ResultPage};
use prana_webhook_core::registration::{WebhookRegistration, MAX_CONFIG_LEN};
use prana_webhook_core::token::SignatureError;
use sha2::Digest as _;

const RESUME: &str = "https://gw.example.com/webhook/workflow/resume/webhook_e_n_x?sig=s";
const CANCEL: &str = "https://gw.example.com/webhook/workflow/cancel/webhook_e_n_x?sig=c";

const EXPENSE: &str = r#"{"title": "Expense", "description": "Enter it.", "form": [
  {"name": "amount", "type": "number", "label": "Amount", "required": true},
  {"name": "category", "type": "select", "options": ["travel", "meals"], "required": true},
  {"name": "note", "type": "textarea"},
  {"name": "urgent", "type": "boolean", "label": "Urgent"},
  {"name": "who"}]}"#;

fn render(config: &str, cancel: Option<&str>, submitted: Option<&[u8]>) -> String {
    let mut out = vec![0u8; 16 * 1024];
    let n = page::render_wait_page(config, RESUME, cancel, submitted, &mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<meta name=\"robots\" content=\"noindex,nofollow\"><title>{title}</title><style>{}</style></head>\n\
<body><main>\n<h1>{title}</h1>\n",
        page::STYLE
    )
}

fn decode(config: &str, body: &str) -> Result<String, Error> {
    let mut out = [0u8; 1024];
    let n = form::decode(config, body.as_bytes(), &mut out)?;
    Ok(String::from_utf8(out[..n].to_vec()).unwrap())
}

fn name(s: &str) -> form::FieldName {
    form::FieldName::try_from(s).unwrap()
}

#[test]
fn approve_reject_page_exact() {
    let html = render(
        r#"{"title": "Deploy?", "description": "v2 to prod"}"#,
        None,
        None,
    );
    let expected = format!(
        "{}<p>v2 to prod</p>\n\
<form method=\"post\" action=\"{RESUME}\"><input type=\"hidden\" name=\"decision\" value=\"approve\">\
<button type=\"submit\" class=\"ok\">Approve</button></form>\n\
<form method=\"post\" action=\"{RESUME}\"><input type=\"hidden\" name=\"decision\" value=\"reject\">\
<button type=\"submit\" class=\"no\">Reject</button></form>\n\
</main></body></html>\n",
        head("Deploy?")
    );
    assert_eq!(html, expected);
    // With a cancel URL, Reject posts there; no title gives the default.
    let html = render("{}", Some(CANCEL), None);
    assert!(html.starts_with(&head(page::DEFAULT_TITLE)));
    assert!(html.contains(&format!(
        "<form method=\"post\" action=\"{CANCEL}\"><input type=\"hidden\" name=\"decision\" value=\"reject\">"
    )));
    assert!(!html.contains("<p>"));
}

#[test]
fn form_page_exact() {
    let config = r#"{"title": "T", "form": [
      {"name": "a", "type": "number", "label": "Amount", "required": true},
      {"name": "c", "type": "select", "options": ["x", "y"]},
      {"name": "n", "type": "textarea"},
      {"name": "u", "type": "boolean"},
      {"name": "t"}]}"#;
    let expected = format!(
        "{}<form method=\"post\" action=\"{RESUME}\">\n\
<label for=\"f-a\">Amount <span class=\"req\">*</span></label>\
<input type=\"number\" step=\"any\" inputmode=\"decimal\" id=\"f-a\" name=\"a\" required>\n\
<label for=\"f-c\">c</label><select id=\"f-c\" name=\"c\"><option value=\"\">Choose…</option>\
<option value=\"x\">x</option><option value=\"y\">y</option></select>\n\
<label for=\"f-n\">n</label><textarea rows=\"4\" id=\"f-n\" name=\"n\"></textarea>\n\
<label class=\"check\"><input type=\"checkbox\" value=\"true\" id=\"f-u\" name=\"u\">u</label>\n\
<label for=\"f-t\">t</label><input type=\"text\" id=\"f-t\" name=\"t\">\n\
<button type=\"submit\" class=\"ok\">Submit</button></form>\n\
</main></body></html>\n",
        head("T")
    );
    assert_eq!(render(config, None, None), expected);
    // A cancel URL adds Reject after the form.
    let with_cancel = render(config, Some(CANCEL), None);
    assert!(with_cancel.ends_with(&format!(
        "<button type=\"submit\" class=\"ok\">Submit</button></form>\n\
<form method=\"post\" action=\"{CANCEL}\"><input type=\"hidden\" name=\"decision\" value=\"reject\">\
<button type=\"submit\" class=\"no\">Reject</button></form>\n</main></body></html>\n"
    )));
}

#[test]
fn invalid_submission_page_keeps_values_and_says_what_is_wrong() {
    let body = b"amount=abc&category=meals&note=hi%20there&urgent=on&who=Ann";
    let html = render(EXPENSE, None, Some(body));
    assert!(html.contains(
        "<p class=\"err\" role=\"alert\">field &#39;amount&#39; must be a number (at most 64 characters)</p>"
    ));
    assert!(html.contains("name=\"amount\" required value=\"abc\">"));
    assert!(html.contains("<option value=\"meals\" selected>meals</option>"));
    assert!(html.contains("name=\"note\">hi there</textarea>"));
    assert!(html.contains("name=\"urgent\" checked>"));
    assert!(html.contains("name=\"who\" value=\"Ann\">"));
    // A valid submission re-rendered shows no error.
    let html = render(EXPENSE, None, Some(b"amount=1&category=travel"));
    assert!(!html.contains("class=\"err\""));
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let xss = r#"<script>alert('x')</script>\"&"#;
    let config = format!(
        r#"{{"title": "{xss}", "description": "<img src=x onerror=alert(1)>", "form": [
          {{"name": "a", "label": "{xss}"}},
          {{"name": "s", "type": "select", "options": ["\"><script>", "o'k"]}}]}}"#
    );
    let url = "https://h/r?sig=\"><script>";
    let body = b"a=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&s=o%27k";
    let mut out = vec![0u8; 16 * 1024];
    let n = page::render_wait_page(&config, url, Some("x'<"), Some(body), &mut out).unwrap();
    let html = std::str::from_utf8(&out[..n]).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;</h1>"));
    assert!(html.contains("<p>&lt;img src=x onerror=alert(1)&gt;</p>"));
    assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
    assert!(html.contains("<option value=\"o&#39;k\" selected>o&#39;k</option>"));
    assert!(html.contains("action=\"https://h/r?sig=&quot;&gt;&lt;script&gt;\""));
    assert!(html.contains("action=\"x&#39;&lt;\""));

    let mut small = [0u8; 64];
    let n = page::escape_html(r#"<a href="x">'&'</a>"#, &mut small).unwrap();
    assert_eq!(
        &small[..n],
        b"&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(
        page::escape_html("<<", &mut small[..7]),
        Err(Error::BufferTooSmall { needed: 8 })
    );
}

#[test]
fn security_headers_and_style_hash() {
    let mut b64 = [0u8; 44];
    let n = base64::engine::general_purpose::STANDARD
        .encode_slice(sha2::Sha256::digest(page::STYLE.as_bytes()), &mut b64)
        .unwrap();
    let hash = std::str::from_utf8(&b64[..n]).unwrap();
    assert!(
        page::CONTENT_SECURITY_POLICY.contains(&format!("style-src 'sha256-{hash}'")),
        "the CSP must allow exactly STYLE: sha256-{hash}"
    );
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(page::CONTENT_SECURITY_POLICY.contains(part), "{part}");
    }
    assert!(!page::CONTENT_SECURITY_POLICY.contains("script-src"));
    let h = page::SECURITY_HEADERS;
    assert!(h.contains(&("X-Frame-Options", "DENY")));
    assert!(h.contains(&("Referrer-Policy", "no-referrer")));
    assert!(h.contains(&("Cache-Control", "no-store")));
    assert!(h.contains(&("Content-Security-Policy", page::CONTENT_SECURITY_POLICY)));
}

#[test]
fn result_pages_exact_and_statuses() {
    let mut out = [0u8; 4096];
    let n = page::render_result_page(ResultPage::AlreadyUsed, &mut out).unwrap();
    let expected = format!(
        "{}<p>This link has already been used; the answer given first counts.</p>\n\
</main></body></html>\n",
        head("Already used")
    );
    assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), expected);
    let all = [
        (ResultPage::Done, 200, "done"),
        (ResultPage::Rejected, 200, "rejected"),
        (ResultPage::AlreadyUsed, 409, "already_used"),
        (ResultPage::Expired, 410, "expired"),
        (ResultPage::NotYetActive, 400, "not_yet_active"),
        (ResultPage::BadSignature, 401, "bad_signature"),
        (ResultPage::NotFound, 404, "not_found"),
    ];
    for (p, status, code) in all {
        assert_eq!((p.status(), p.code()), (status, code));
        let n = page::render_result_page(p, &mut out).unwrap();
        let html = std::str::from_utf8(&out[..n]).unwrap();
        assert!(html.contains(&format!("<h1>{}</h1>", p.title())));
        assert!(html.contains(p.message()));
        for short in [0, 1, n / 2, n - 1] {
            assert_eq!(
                page::render_result_page(p, &mut out[..short]),
                Err(Error::BufferTooSmall { needed: n })
            );
        }
    }
    assert_eq!(page::INVALID_FORM_STATUS, 422);
}

#[test]
fn result_page_for_lifecycle_errors() {
    let mut ids = IdGenerator::from_seed([3; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "e", "n", 0).unwrap();
    let pending = reg.clone().consume(1).unwrap_err();
    assert_eq!(
        ResultPage::for_error(&pending),
        Some(ResultPage::NotYetActive)
    );
    reg.activate(0, 10, "{}").unwrap();
    let expired = reg.clone().consume(10).unwrap_err();
    assert_eq!(ResultPage::for_error(&expired), Some(ResultPage::Expired));
    reg.consume(5).unwrap();
    let used = reg.consume(6).unwrap_err();
    assert_eq!(ResultPage::for_error(&used), Some(ResultPage::AlreadyUsed));
    assert_eq!(
        ResultPage::for_error(&Error::Signature(SignatureError::Missing)),
        Some(ResultPage::BadSignature)
    );
    assert_eq!(ResultPage::for_error(&Error::EmptyId), None);
}

#[test]
fn describe_wait_exact() {
    let mut ids = IdGenerator::from_seed([4; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec", "wait_a", 0).unwrap();
    let mut out = [0u8; 1024];
    let n = page::describe_wait(&reg, 0, &mut out).unwrap();
    assert_eq!(
        std::str::from_utf8(&out[..n]).unwrap(),
        r#"{"node":"wait_a","status":"pending","expires_at":null,"title":null,"description":null,"form":null}"#
    );
    reg.activate(
        1_000,
        60_000,
        r#"{"title": "Pay \"x\"", "purpose": "p", "form": [{"name": "ok", "type": "boolean"}]}"#,
    )
    .unwrap();
    let n = page::describe_wait(&reg, 2_000, &mut out).unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap();
    assert_eq!(
        text,
        r#"{"node":"wait_a","status":"active","expires_at":61000,"title":"Pay \"x\"","description":null,"form":[{"name":"ok","type":"boolean"}]}"#
    );
    let n2 = page::describe_wait(&reg, 61_000, &mut out).unwrap();
    assert!(std::str::from_utf8(&out[..n2])
        .unwrap()
        .contains(r#""status":"expired""#));
    for short in [0, 1, n - 1] {
        assert_eq!(
            page::describe_wait(&reg, 2_000, &mut out[..short]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }
}

#[test]
fn decode_typed_values() {
    assert_eq!(
        decode(
            EXPENSE,
            "amount=12.50&category=travel&note=Taxi+to+%C3%A9cole%0A%22ok%22&urgent=on&who=A%26B"
        )
        .unwrap(),
        r#"{"amount":12.50,"category":"travel","note":"Taxi to école\n\"ok\"","urgent":true,"who":"A&B"}"#
    );
    // Optional fields absent: "" for text, null for select/number, false for boolean.
    let optional = r#"{"form": [{"name": "n", "type": "number"}, {"name": "s", "type": "select",
      "options": ["a"]}, {"name": "t"}, {"name": "b", "type": "boolean"}]}"#;
    assert_eq!(
        decode(optional, "").unwrap(),
        r#"{"n":null,"s":null,"t":"","b":false}"#
    );
    assert_eq!(
        decode(optional, "n=&s=&t=&b=off&").unwrap(),
        r#"{"n":null,"s":null,"t":"","b":false}"#
    );
    // HTML number syntax normalised to JSON.
    for (sent, json) in [
        ("007", "7"),
        (".5", "0.5"),
        ("-0.25e%2B3", "-0.25e+3"),
        ("1E-2", "1E-2"),
        ("+%2012", "12"),
        ("0", "0"),
        ("-00.10", "-0.10"),
    ] {
        assert_eq!(
            decode(optional, &format!("n={sent}")).unwrap(),
            format!(r#"{{"n":{json},"s":null,"t":"","b":false}}"#),
            "{sent}"
        );
    }
    for (sent, checked) in [
        ("true", true),
        ("1", true),
        ("on", true),
        ("0", false),
        ("false", false),
    ] {
        assert_eq!(
            decode(optional, &format!("b={sent}")).unwrap(),
            format!(r#"{{"n":null,"s":null,"t":"","b":{checked}}}"#)
        );
    }
    // Options with escapes compare decoded and are written as declared.
    let escaped =
        r#"{"form": [{"name": "s", "type": "select", "options": ["caf\u00e9", "a\"b"]}]}"#;
    assert_eq!(
        decode(escaped, "s=caf%C3%A9").unwrap(),
        r#"{"s":"caf\u00e9"}"#
    );
    assert_eq!(decode(escaped, "s=a%22b").unwrap(), r#"{"s":"a\"b"}"#);
    // Control characters in text become JSON escapes.
    let text = r#"{"form": [{"name": "t"}]}"#;
    assert_eq!(
        decode(text, "t=%01%5C%09").unwrap(),
        r#"{"t":"\u0001\\\t"}"#
    );
}

#[test]
fn approve_and_reject_decode() {
    assert_eq!(
        decode("{}", "decision=approve").unwrap(),
        r#"{"approved":true}"#
    );
    assert_eq!(
        decode(r#"{"title": "x"}"#, "decision=reject").unwrap(),
        r#"{"approved":false}"#
    );
    for bad in [
        "",
        "decision=yes",
        "decision=approve&decision=reject",
        "approved=true",
        "decision=approve&x=1",
    ] {
        let err = decode("{}", bad).unwrap_err();
        assert_eq!(err, Error::Form(FormError::BadDecision), "{bad}");
        assert_eq!(err.code(), "form_bad_decision");
    }
}

#[test]
fn every_submission_error() {
    let cases: &[(&str, FormError, &str, &str)] = &[
        (
            "category=travel",
            FormError::Required(name("amount")),
            "form_field_required",
            "field 'amount' is required",
        ),
        (
            "amount=+&category=travel",
            FormError::Required(name("amount")),
            "form_field_required",
            "field 'amount' is required",
        ),
        (
            "amount=1&category=",
            FormError::Required(name("category")),
            "form_field_required",
            "field 'category' is required",
        ),
        (
            "amount=1e&category=travel",
            FormError::NotANumber(name("amount")),
            "form_field_not_a_number",
            "field 'amount' must be a number (at most 64 characters)",
        ),
        (
            "amount=NaN&category=travel",
            FormError::NotANumber(name("amount")),
            "form_field_not_a_number",
            "field 'amount' must be a number (at most 64 characters)",
        ),
        (
            "amount=1&category=boats",
            FormError::NotAnOption(name("category")),
            "form_field_not_an_option",
            "field 'category' must be one of its options",
        ),
        (
            "amount=1&category=travel&urgent=yes",
            FormError::NotABoolean(name("urgent")),
            "form_field_not_a_boolean",
            "field 'urgent' must be true/on/1 or false/off/0",
        ),
        (
            "amount=1&category=travel&extra=1",
            FormError::UnknownField(name("extra")),
            "form_unknown_field",
            "field 'extra' is not part of this form",
        ),
        (
            "amount=1&amount=2&category=travel",
            FormError::RepeatedField(name("amount")),
            "form_repeated_field",
            "field 'amount' was sent more than once",
        ),
        (
            "amount=1&category=travel&no%20te=x",
            FormError::BadFieldName,
            "form_bad_field_name",
            "a submitted field name is longer than 64 bytes or has a character outside [A-Za-z0-9_-]",
        ),
        (
            "amount=1&category=travel&note=%zz",
            FormError::BadEncoding,
            "form_bad_encoding",
            "the form body is not valid x-www-form-urlencoded UTF-8 (bad % escape or bytes)",
        ),
        (
            "amount=1&category=travel&note=%C3",
            FormError::BadEncoding,
            "form_bad_encoding",
            "the form body is not valid x-www-form-urlencoded UTF-8 (bad % escape or bytes)",
        ),
        (
            "amount=1&category=travel&note=%ED%A0%80",
            FormError::BadEncoding,
            "form_bad_encoding",
            "the form body is not valid x-www-form-urlencoded UTF-8 (bad % escape or bytes)",
        ),
    ];
    for (body, err, code, message) in cases {
        let got = decode(EXPENSE, body).unwrap_err();
        assert_eq!(got, Error::Form(err.clone()), "{body}");
        assert_eq!(got.code(), *code, "{body}");
        assert_eq!(got.to_string(), *message, "{body}");
    }
    let long = format!("{}=1", "n".repeat(65));
    assert_eq!(
        decode(EXPENSE, &long).unwrap_err(),
        Error::Form(FormError::BadFieldName)
    );
    let long_number = format!("amount={}&category=travel", "1".repeat(65));
    assert_eq!(
        decode(EXPENSE, &long_number).unwrap_err(),
        Error::Form(FormError::NotANumber(name("amount")))
    );
    // A required boolean must be checked.
    let must = r#"{"form": [{"name": "agree", "type": "boolean", "required": true}]}"#;
    assert_eq!(
        decode(must, "agree=0").unwrap_err(),
        Error::Form(FormError::Required(name("agree")))
    );
    assert_eq!(decode(must, "agree=true").unwrap(), r#"{"agree":true}"#);
    assert_eq!(FormError::Required(name("x")).field(), Some("x"));
    assert_eq!(FormError::BadEncoding.field(), None);
}

#[test]
fn every_config_error() {
    let cases: &[(&str, Option<usize>, &str)] = &[
        (r#"{"title": 1}"#, None, "title must be a string"),
        (
            r#"{"description": []}"#,
            None,
            "description must be a string",
        ),
        (r#"{"form": {}}"#, None, "form must be an array of fields"),
        (r#"{"form": []}"#, None, "form has no fields"),
        (r#"{"form": [1]}"#, Some(0), "must be an object"),
        (
            r#"{"form": [{"type": "text"}]}"#,
            Some(0),
            "name is missing",
        ),
        (
            r#"{"form": [{"name": "a b"}]}"#,
            Some(0),
            "name must be 1 to 64 characters of [A-Za-z0-9_-]",
        ),
        (
            r#"{"form": [{"name": "a"}, {"name": "b", "type": "date"}]}"#,
            Some(1),
            "type must be text, textarea, number, boolean or select",
        ),
        (
            r#"{"form": [{"name": "a", "label": 3}]}"#,
            Some(0),
            "label must be a string",
        ),
        (
            r#"{"form": [{"name": "a", "required": "yes"}]}"#,
            Some(0),
            "required must be true or false",
        ),
        (
            r#"{"form": [{"name": "a", "type": "select", "options": []}]}"#,
            Some(0),
            "options must be a non-empty array of strings",
        ),
        (
            r#"{"form": [{"name": "a", "type": "select", "options": [1]}]}"#,
            Some(0),
            "options must be a non-empty array of strings",
        ),
        (
            r#"{"form": [{"name": "a", "type": "select"}]}"#,
            Some(0),
            "a select needs options",
        ),
        (
            r#"{"form": [{"name": "a", "options": ["x"]}]}"#,
            Some(0),
            "only a select has options",
        ),
        (
            r#"{"form": [{"name": "a", "requierd": true}]}"#,
            Some(0),
            "unknown key (name, type, label, required, options)",
        ),
        (
            r#"{"form": [{"name": "a"}, {"name": "a"}]}"#,
            Some(1),
            "name is used twice",
        ),
    ];
    let mut out = [0u8; 4096];
    for (config, field, why) in cases {
        let want = Error::Form(FormError::Config { field: *field, why });
        assert_eq!(form::check_config(config), Err(want.clone()), "{config}");
        assert_eq!(form::decode(config, b"", &mut out), Err(want.clone()));
        assert_eq!(
            page::render_wait_page(config, RESUME, None, None, &mut out),
            Err(want.clone())
        );
        assert_eq!(want.code(), "form_config_invalid");
        let msg = want.to_string();
        match field {
            Some(i) => assert_eq!(msg, format!("webhook_config.form field {i}: {why}")),
            None => assert_eq!(msg, format!("webhook_config: {why}")),
        }
    }
    let many: Vec<String> = (0..17).map(|i| format!(r#"{{"name": "f{i}"}}"#)).collect();
    let config = format!(r#"{{"form": [{}]}}"#, many.join(","));
    assert_eq!(
        form::check_config(&config),
        Err(Error::Capacity {
            what: "webhook_config.form fields",
            limit: form::MAX_FORM_FIELDS
        })
    );
    assert_eq!(
        form::check_config("[1]"),
        Err(Error::NotAnObject("webhook_config"))
    );
    assert!(form::check_config(r#"{"title": null, "form": null, "other": 1}"#).is_ok());
}

#[test]
fn page_spec_reads_fields() {
    let spec = PageSpec::parse(EXPENSE).unwrap();
    assert_eq!(spec.title, Some(r#""Expense""#));
    let kinds: Vec<_> = spec
        .fields()
        .iter()
        .map(|f| (f.name, f.kind, f.required))
        .collect();
    assert_eq!(
        kinds,
        [
            ("amount", FieldKind::Number, true),
            ("category", FieldKind::Select, true),
            ("note", FieldKind::Textarea, false),
            ("urgent", FieldKind::Boolean, false),
            ("who", FieldKind::Text, false),
        ]
    );
    let options: Vec<_> = spec.fields()[1].options().collect();
    assert_eq!(options, [r#""travel""#, r#""meals""#]);
}

#[test]
fn too_small_buffers_report_the_size_needed() {
    let body = b"amount=3&category=meals&note=n&urgent=1&who=w";
    let mut big = vec![0u8; 16 * 1024];
    let n = form::decode(EXPENSE, body, &mut big).unwrap();
    for short in [0, 1, n / 2, n - 1] {
        assert_eq!(
            form::decode(EXPENSE, body, &mut big[..short]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }
    // A bad submission is reported whatever the buffer size.
    assert_eq!(
        form::decode(EXPENSE, b"amount=x&category=meals", &mut big[..0]),
        Err(Error::Form(FormError::NotANumber(name("amount"))))
    );
    for submitted in [None, Some(&body[..]), Some(&b"amount=x"[..])] {
        let n = page::render_wait_page(EXPENSE, RESUME, Some(CANCEL), submitted, &mut big).unwrap();
        for short in [0, 1, n / 2, n - 1] {
            assert_eq!(
                page::render_wait_page(EXPENSE, RESUME, Some(CANCEL), submitted, &mut big[..short]),
                Err(Error::BufferTooSmall { needed: n })
            );
        }
    }
}

/// Title, description and a 10-field form fit a registration once
/// compacted, even written with indentation.
#[test]
fn ten_field_form_fits_a_registration() {
    let fields: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"    {{ "name": "field_{i}", "type": "select", "label": "Field number {i}",
      "options": ["first", "second", "third"], "required": true }}"#
            )
        })
        .collect();
    let config = format!(
        "{{\n  \"title\": \"Quarterly purchase approval\",\n  \"description\": \"Please check the \
         purchase request below and fill in every field before you approve it.\",\n  \"form\": [\n{}\n  ]\n}}",
        fields.join(",\n")
    );
    assert!(config.len() > MAX_CONFIG_LEN / 2);
    let mut ids = IdGenerator::from_seed([5; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec", "wait", 0).unwrap();
    reg.activate(0, 1, &config).unwrap();
    let stored = reg.webhook_config.as_str();
    assert!(!stored.contains('\n') && !stored.contains(": "), "{stored}");
    assert!(stored.contains(r#""description":"Please check the purchase request below"#));
    assert!(prana_webhook_core::json::equal(stored, &config).unwrap());
    assert_eq!(reg.status, Status::Active);
    let mut out = vec![0u8; 16 * 1024];
    assert!(page::render_wait_page(stored, RESUME, None, None, &mut out).is_ok());
}

#[test]
fn accept_header_picks_html_or_json() {
    for (accept, html) in [
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",
            true,
        ),
        ("TEXT/HTML", true),
        ("application/json, application/xhtml+xml ; q=0.5", true),
        (" text/html ;level=1", true),
        ("text/html;q=0.001", true),
        ("", false),
        ("*/*", false),
        ("text/*", false),
        ("application/json", false),
        ("text/html;q=0", false),
        ("text/html; Q=0.000, application/json", false),
        ("text/htmlx", false),
    ] {
        assert_eq!(page::accepts_html(accept.as_bytes()), html, "{accept:?}");
    }
}
