//! Proof that the JSON helpers node handlers use never touch the heap: a
//! counting global allocator sees zero allocations across `validate`,
//! `find_member`, `decode_str` (success, size query, errors) and `equal`.
//!
//! Allocations are counted per thread (`common::counting_alloc`).

use prana_webhook_core::{json, Error};

mod common;
use common::counting_alloc::{assert_no_alloc, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

const PARAMS: &str = r#"{"message": "caf\u00e9 \ud83d\ude00 \"ok\"", "field": "approved",
    "equals": {"by": "ann", "n": [1, 2.0, true, null]}, "value": 1e2}"#;
const INPUT: &str = r#"{"approved": {"n": [1.0, 2, true, null], "b\u0079": "\u0061nn"}}"#;

#[test]
fn json_helpers_do_not_allocate() {
    let ok = assert_no_alloc("the JSON helpers", || {
        let mut buf = [0u8; 64];
        let mut ok = json::validate(PARAMS).is_ok() && json::validate(INPUT).is_ok();
        let message = json::find_member(PARAMS, "message").ok().flatten();
        let n = message.and_then(|m| json::decode_str(m, &mut buf).ok());
        ok &= n == Some("café 😀 \"ok\"".len());
        ok &= message.map(|m| json::decode_str(m, &mut []))
            == Some(Err(Error::BufferTooSmall { needed: 15 }));
        ok &= json::decode_str(r#""\ud800""#, &mut buf) == Err(Error::JsonLoneSurrogate { at: 1 });
        ok &= json::decode_str("[]", &mut buf) == Err(Error::NotAString("the value"));
        let want = json::find_member(PARAMS, "equals").ok().flatten();
        let got = json::find_member(INPUT, "approved").ok().flatten();
        ok &= matches!((want, got), (Some(w), Some(g)) if json::equal(w, g) == Ok(true));
        ok &= json::equal("[1, 2]", "[2, 1]") == Ok(false);
        ok &= json::equal("{", "{}").is_err();
        ok
    });
    assert!(ok, "a JSON helper returned something unexpected");
}
