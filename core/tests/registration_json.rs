//! Reading a registration's JSON row: the core's own reader takes what
//! serde-json-core's typed reader (the one it used before) took.

use prana_webhook_core::error::{Error, Result};
use prana_webhook_core::id::{IdGenerator, ResumeId};
use prana_webhook_core::json;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::registration::{ConfigJson, WebhookRegistration};

/// The reader takes what serde-json-core's typed reader (its reader
/// before) took, to the same values and errors: members in any order
/// and layout, unknown members skipped, keys and ids compared raw, the
/// optional members missing or `null`, a status also as
/// `{"<name>": null}`; duplicates, wrong types and numbers that are not
/// plain `u64` digits refused.
#[test]
fn load_json_reads_what_serde_json_core_read() {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Old<'a> {
        resume_id: &'a str,
        execution_id: &'a str,
        node_id: &'a str,
        status: Status,
        created_at: u64,
        expires_at: Option<u64>,
        #[serde(rename = "webhook_config")]
        _webhook_config: Option<serde::de::IgnoredAny>,
    }
    fn old(bytes: &[u8]) -> Result<WebhookRegistration> {
        let text = core::str::from_utf8(bytes).map_err(|_| Error::Json("not UTF-8"))?;
        let text = json::validate_object(text, "registration")?;
        let config = match json::find_member(text, "webhook_config")? {
            Some(raw) => Some(ConfigJson::parse(raw)?),
            None => None,
        };
        let (f, _): (Old, usize) = serde_json_core::from_str(text)
            .map_err(|_| Error::Json("registration fields missing or of the wrong type"))?;
        let mut reg = WebhookRegistration::new(
            ResumeId::parse(f.resume_id)?,
            f.execution_id,
            f.node_id,
            f.created_at,
        )?;
        reg.status = f.status;
        reg.expires_at = f.expires_at;
        if let Some(config) = config {
            reg.webhook_config = config;
        }
        Ok(reg)
    }

    let mut ids = IdGenerator::from_seed([5; 32]);
    let r = WebhookRegistration::create(&mut ids, "exec-1", "wait_a", 5).unwrap();
    let id = r.resume_id.as_str();
    let base = |status: &str, created: &str, expires: &str, config: &str| {
        format!(
            r#"{{"resume_id":"{id}","execution_id":"exec-1","node_id":"wait_a","status":{status},"created_at":{created},"expires_at":{expires},"webhook_config":{config}}}"#
        )
    };
    let mut docs: Vec<String> = Vec::new();
    for status in [
        r#""active""#,
        r#""pending""#,
        r#""Active""#,
        r#""pending""#,
        r#"{"consumed":null}"#,
        r#"{ "expired" : null }"#,
        r#"{"expired":1}"#,
        r#"{"expired":null,"active":null}"#,
        "{}",
        "null",
        "3",
    ] {
        docs.push(base(status, "5", "null", "{}"));
    }
    for n in [
        "0",
        "7",
        "18446744073709551615",
        "18446744073709551616",
        "-1",
        "1.5",
        "1e3",
        "0.0",
        r#""5""#,
        "null",
        "true",
    ] {
        docs.push(base(r#""active""#, n, "9", "{}"));
        docs.push(base(r#""active""#, "5", n, "{}"));
    }
    for config in [
        "{}",
        r#"{ "a" : [1, {"b": null}] }"#,
        "null",
        "[]",
        r#""x""#,
    ] {
        docs.push(base(r#""active""#, "5", "9", config));
    }
    let full = base(r#""active""#, "5", "9", r#"{"t":1}"#);
    let body = &full[1..full.len() - 1];
    docs.push(format!(
        "{{ {} }}",
        body.replace(',', " ,\n ").replace(':', " : ")
    ));
    docs.push(format!(r#"{{"x":[1,{{"y":2}}],{body},"z":"\""}}"#));
    docs.push(format!(r#"{{{body},"status":"active"}}"#));
    docs.push(format!(r#"{{{body},"webhook_config":{{}}}}"#));
    docs.push(format!(r#"{{"webhook_config":{{"e":1}},{body}}}"#));
    docs.push(format!(r#"{{"status":7,{body}}}"#));
    for (i, member) in body.split(',').enumerate() {
        let without: Vec<&str> = body
            .split(',')
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, m)| m)
            .collect();
        docs.push(format!("{{{}}}", without.join(",")));
        docs.push(format!("{{{body},{member}}}"));
    }
    docs.push(full.replace("exec-1", r"exec\u002d1"));
    docs.push(full.replace(id, "webhook_x"));
    docs.push(full.replace("wait_a", "wait_b"));
    docs.push(r#"{"resume_id":1}"#.into());
    docs.push("[]".into());
    docs.push("{".into());
    let mut seen_ok = 0;
    for doc in &docs {
        let new = WebhookRegistration::from_json(doc.as_bytes());
        assert_eq!(new, old(doc.as_bytes()), "{doc}");
        seen_ok += usize::from(new.is_ok());
    }
    // Both accept and refuse some of them.
    assert!(seen_ok > 10 && seen_ok < docs.len() - 10, "{seen_ok}");
}
