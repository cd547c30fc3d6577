//! The executor's C ABI end to end: run, persist, restore and resume.

use core::ffi::{c_char, c_void, CStr};

use super::*;
use crate::route::prana_transition;
use crate::status::prana_status;
use crate::status::prana_status::PRANA_STATUS_OK as OK;
use core::mem::MaybeUninit;

const WF: &str = r#"{"id":"approval","nodes":[
    {"key":"trigger","type":"trigger"},
    {"key":"notify","type":"log","params":{"text":"{{ $execution.wait.resume_url }}"}},
    {"key":"wait","type":"wait","params":{"mode":"webhook","timeout_hours":1}},
    {"key":"done","type":"log"}],
    "connections":[{"from":"trigger","to":"notify"},{"from":"notify","to":"wait"},
    {"from":"wait","to":"done"}]}"#;

/// Checks that every string is NUL-terminated, then copies the input.
unsafe extern "C" fn copy_input(
    calls: *mut c_void,
    call: *const prana_node_call,
    output: *mut c_char,
    cap: usize,
    result: *mut prana_node_result,
) -> bool {
    // SAFETY: the library passes valid pointers for the callback's
    // duration; `calls` is the test's counter.
    unsafe {
        let c = &*call;
        for s in [
            c.execution_id,
            c.workflow_id,
            c.node_id,
            c.node_type,
            c.params,
            c.input,
        ] {
            assert_eq!(*s.ptr.add(s.len), 0);
            assert_eq!(CStr::from_ptr(s.ptr).to_bytes().len(), s.len);
        }
        assert!(c.input.len <= cap);
        core::ptr::copy_nonoverlapping(c.input.ptr, output, c.input.len);
        (*result).output_len = c.input.len;
        *calls.cast::<usize>() += 1;
    }
    true
}

fn p(s: &str) -> *const c_char {
    s.as_ptr().cast()
}

#[test]
fn run_persist_restore_resume_through_the_abi() {
    let (mut w, mut b, mut g, mut x) = (
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
    );
    assert_eq!(
        prana_workflow_new(p(WF), WF.len(), &mut w, core::ptr::null_mut()),
        OK
    );
    let base = "https://gw.example.com";
    assert_eq!(
        crate::urls::prana_base_url_new(p(base), base.len(), &mut b, core::ptr::null_mut()),
        OK
    );
    let seed = [1u8; 32];
    assert_eq!(
        crate::ids::prana_id_generator_new(seed.as_ptr(), 32, &mut g, core::ptr::null_mut()),
        OK
    );
    assert_eq!(
        prana_execution_start(
            w,
            p("exec-1"),
            6,
            b,
            core::ptr::null_mut(),
            g,
            1_000,
            0,
            &mut x,
            core::ptr::null_mut()
        ),
        OK
    );

    let mut calls = 0usize;
    let user = (&mut calls as *mut usize).cast::<c_void>();
    // Zeroed: the library writes each string only up to its NUL (all a
    // C caller reads), and Rust may not read the rest if uninitialized.
    let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
    let input = r#"{"n":1}"#;
    let st = prana_execution_run(
        w,
        x,
        Some(copy_input),
        user,
        p(input),
        7,
        1_000,
        r.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    // SAFETY: zeroed above, the fields set on success: every byte is
    // initialized.
    let rid = unsafe { r.assume_init_ref() }.resume_id;
    assert_eq!(calls, 1);

    // The state JSON straight into an uninitialized buffer of the
    // documented size, then restored into a new handle.
    let mut json = vec![MaybeUninit::<c_char>::uninit(); PRANA_EXECUTION_JSON_BUF_SIZE];
    let mut n = 0usize;
    let st = prana_execution_to_json(
        x,
        json.as_mut_ptr().cast(),
        json.len(),
        &mut n,
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    prana_execution_free(x);
    x = core::ptr::null_mut();
    assert_eq!(
        prana_execution_from_json(json.as_ptr().cast(), n, 0, &mut x, core::ptr::null_mut()),
        OK
    );
    // In place: a bad state leaves the handle empty (no workflow's),
    // the saved one restores it.
    let bad = "{}";
    assert_ne!(
        prana_execution_restore(x, p(bad), bad.len(), core::ptr::null_mut()),
        OK
    );
    // SAFETY: a live handle.
    assert_eq!(unsafe { &*x }.state.workflow_id(), "");
    assert_eq!(
        prana_execution_restore(
            core::ptr::null_mut(),
            json.as_ptr().cast(),
            n,
            core::ptr::null_mut()
        ),
        prana_status::PRANA_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        prana_execution_restore(x, json.as_ptr().cast(), n, core::ptr::null_mut()),
        OK
    );
    // A NUL or a non-UTF-8 byte anywhere gets its own status, as from
    // `text()` (the core refuses the JSON first; the reason is looked
    // for only then), and leaves the handle empty.
    // SAFETY: `to_json` wrote `n` bytes.
    let saved: Vec<u8> = json[..n]
        .iter()
        .map(|c| unsafe { c.assume_init() } as u8)
        .collect();
    for (byte, status) in [
        (0u8, prana_status::PRANA_STATUS_EMBEDDED_NUL),
        (0xff, prana_status::PRANA_STATUS_INVALID_UTF8),
    ] {
        for at in 0..n {
            let mut bad = saved.clone();
            bad[at] = byte;
            assert_eq!(
                prana_execution_restore(x, bad.as_ptr().cast(), n, core::ptr::null_mut()),
                status,
                "byte {byte:#x} at {at}"
            );
            // SAFETY: a live handle.
            assert_eq!(unsafe { &*x }.state.workflow_id(), "");
        }
    }
    assert_eq!(
        prana_execution_restore(x, saved.as_ptr().cast(), n, core::ptr::null_mut()),
        OK
    );

    // The transition the host's decision gave and its compare-and-set
    // applied.
    let applied = prana_transition {
        resume_id: rid,
        resume_id_len: rid.iter().position(|&c| c == 0).unwrap(),
        from: crate::registration::prana_lifecycle_status::PRANA_LIFECYCLE_ACTIVE,
        to: crate::registration::prana_lifecycle_status::PRANA_LIFECYCLE_CONSUMED,
    };
    let payload = r#"{"ok":true}"#;
    let st = prana_execution_resume(
        w,
        x,
        Some(copy_input),
        user,
        &applied,
        p(payload),
        payload.len(),
        2_000,
        r.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    // SAFETY: written on success.
    let done = unsafe { r.assume_init_ref() };
    assert_eq!(done.outcome, prana_outcome::PRANA_OUTCOME_COMPLETED);
    // The consumption the host applied is not reported again.
    assert_eq!(done.transition_count, 0);
    assert_eq!(calls, 2);

    prana_execution_free(x);
    crate::ids::prana_id_generator_free(g);
    crate::urls::prana_base_url_free(b);
    prana_workflow_free(w);
}
