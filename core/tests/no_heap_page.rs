//! Proof that the wait page, the result pages, the JSON description of a
//! wait and form decoding never touch the heap: a counting global allocator
//! sees zero allocations across success, re-rendering a refused submission,
//! every kind of error (and its message) and too-small buffers.
//!
//! Allocations are counted per thread (`common::counting_alloc`).

use std::fmt::Write as _;

use prana_webhook_core::form::{self, FormError, PageSpec};
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::page::{self, ResultPage};
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::Error;

mod common;
use common::counting_alloc::{assert_no_alloc, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

const CONFIG: &str = r#"{"title": "Expense <b>", "description": "caf\u00e9 \"x\"", "form": [
  {"name": "amount", "type": "number", "label": "Amount", "required": true},
  {"name": "category", "type": "select", "options": ["travel", "meals"]},
  {"name": "note", "type": "textarea"},
  {"name": "urgent", "type": "boolean"}]}"#;
const URL: &str = "https://gw.example.com/webhook/workflow/resume/webhook_e_n_x?sig=s";

#[test]
fn page_and_form_do_not_allocate() {
    let mut ids = IdGenerator::from_seed([2; 32]);
    let mut reg = WebhookRegistration::create(&mut ids, "exec", "wait", 0).unwrap();
    reg.activate(0, 60_000, CONFIG).unwrap();
    let ok = assert_no_alloc("the page and form functions", || {
        let mut out = [0u8; 8192];
        let mut msg: heapless::String<256> = heapless::String::new();
        let mut ok = true;
        let body = b"amount=.5&category=meals&note=a+%3Cb%3E&urgent=on";
        let n = form::decode(CONFIG, body, &mut out);
        ok &= n.is_ok_and(|n| {
            &out[..n] == br#"{"amount":0.5,"category":"meals","note":"a <b>","urgent":true}"#
        });
        ok &= form::decode(CONFIG, body, &mut []) == Err(Error::BufferTooSmall { needed: 62 });
        ok &= form::decode("{}", b"decision=approve", &mut out) == Ok(17);
        for bad in [
            &b"amount=x"[..],
            b"amount=1&zz=2",
            b"amount=%zz",
            b"decision=approve",
        ] {
            let e = form::decode(CONFIG, bad, &mut out).unwrap_err();
            ok &= matches!(e, Error::Form(_)) && !e.code().is_empty();
            msg.clear();
            let _ = write!(msg, "{e}");
            ok &= !msg.is_empty();
        }
        ok &= form::check_config(r#"{"form": [{"name": "a", "kind": 1}]}"#).is_err();
        ok &= PageSpec::parse(CONFIG).is_ok_and(|s| s.fields().len() == 4);
        ok &= FormError::Required(form::FieldName::try_from("x").unwrap()).field() == Some("x");

        let page_len = page::render_wait_page(CONFIG, URL, Some(URL), None, &mut out);
        ok &= page_len.is_ok();
        ok &= page::render_wait_page(CONFIG, URL, Some(URL), Some(b"amount=x"), &mut out).is_ok();
        ok &= page::render_wait_page("{}", URL, None, None, &mut out).is_ok();
        ok &= matches!(
            page::render_wait_page(CONFIG, URL, Some(URL), None, &mut out[..10]),
            Err(Error::BufferTooSmall { needed }) if Ok(needed) == page_len
        );
        ok &= page::render_result_page(ResultPage::Expired, &mut out).is_ok();
        ok &= page::render_result_page(ResultPage::Done, &mut []).is_err();
        ok &= ResultPage::for_error(&Error::AlreadyConsumed) == Some(ResultPage::AlreadyUsed);
        ok &= page::describe_wait(&reg, 1, &mut out).is_ok();
        ok &= page::describe_wait(&reg, 1, &mut out[..5]).is_err();
        ok &= page::escape_html("<'\">&", &mut out) == Ok(24);
        ok &= page::accepts_html(b"text/html,*/*;q=0.8") && !page::accepts_html(b"*/*");
        ok
    });
    assert!(ok, "a page or form function returned something unexpected");
}
