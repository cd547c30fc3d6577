//! Proof that the JSON helpers node handlers use never touch the heap: a
//! counting global allocator sees zero allocations across `validate`,
//! `find_member`, `decode_str` (success, size query, errors) and `equal`.
//!
//! One test function only: the counter is global to the process, and the
//! test harness would allocate for a second test running in parallel.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use prana_webhook_core::{json, Error};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const PARAMS: &str = r#"{"message": "caf\u00e9 \ud83d\ude00 \"ok\"", "field": "approved",
    "equals": {"by": "ann", "n": [1, 2.0, true, null]}, "value": 1e2}"#;
const INPUT: &str = r#"{"approved": {"n": [1.0, 2, true, null], "b\u0079": "\u0061nn"}}"#;

#[test]
fn json_helpers_do_not_allocate() {
    let before = ALLOCATIONS.load(Ordering::SeqCst);

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

    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert!(ok, "a JSON helper returned something unexpected");
    assert_eq!(after - before, 0, "the JSON helpers allocated");
}
