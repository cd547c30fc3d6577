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

/// The handles of a started execution: workflow, base URL, generator,
/// execution.
type Started = (
    *mut prana_workflow,
    *mut crate::urls::prana_base_url,
    *mut crate::ids::prana_id_generator,
    *mut prana_execution,
);

/// Workflow `wf`, the base URL `https://gw.example.com`, a generator seeded
/// with 32 bytes of `seed`, and execution `exec_id` started on them
/// (unsigned, at 1 000 ms, the default payload capacity).
fn start(wf: &str, exec_id: &str, seed: u8) -> Started {
    let (mut w, mut b, mut g, mut x) = (
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
    );
    assert_eq!(
        prana_workflow_new(p(wf), wf.len(), &mut w, core::ptr::null_mut()),
        OK
    );
    let base = "https://gw.example.com";
    assert_eq!(
        crate::urls::prana_base_url_new(p(base), base.len(), &mut b, core::ptr::null_mut()),
        OK
    );
    assert_eq!(
        crate::ids::prana_id_generator_new([seed; 32].as_ptr(), 32, &mut g, core::ptr::null_mut()),
        OK
    );
    let st = prana_execution_start(
        w,
        p(exec_id),
        exec_id.len(),
        b,
        core::ptr::null_mut(),
        g,
        1_000,
        0,
        &mut x,
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    (w, b, g, x)
}

/// Free what [`start`] made (the execution as it is by then).
fn free_started((w, b, g, x): Started) {
    prana_execution_free(x);
    crate::ids::prana_id_generator_free(g);
    crate::urls::prana_base_url_free(b);
    prana_workflow_free(w);
}

#[test]
fn run_persist_restore_resume_through_the_abi() {
    let (w, b, g, mut x) = start(WF, "exec-1", 1);

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
    // Every byte natively; under Miri (slow: each is a whole restore) a
    // spread of them, the first and the last included.
    let positions: Vec<usize> = if cfg!(miri) {
        (0..n).step_by(61).chain([n - 1]).collect()
    } else {
        (0..n).collect()
    };
    for (byte, status) in [
        (0u8, prana_status::PRANA_STATUS_EMBEDDED_NUL),
        (0xff, prana_status::PRANA_STATUS_INVALID_UTF8),
    ] {
        for &at in &positions {
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

    free_started((w, b, g, x));
}

/// Caller memory of `n` bytes for a handle (8-aligned).
fn mem(n: usize) -> Vec<u64> {
    vec![0u64; n.div_ceil(8)]
}

#[test]
fn caller_memory_handles_run_persist_restore_resume() {
    const CAP: usize = 256;
    let (mut w, mut b, mut g, mut x) = (
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
        core::ptr::null_mut(),
    );
    let mut wmem = mem(PRANA_WORKFLOW_SIZE);
    assert_eq!(
        prana_workflow_init(
            wmem.as_mut_ptr().cast(),
            PRANA_WORKFLOW_SIZE,
            p(WF),
            WF.len(),
            &mut w,
            core::ptr::null_mut()
        ),
        OK
    );
    let mut bmem = mem(crate::urls::PRANA_BASE_URL_SIZE);
    let base = "https://gw.example.com";
    assert_eq!(
        crate::urls::prana_base_url_init(
            bmem.as_mut_ptr().cast(),
            crate::urls::PRANA_BASE_URL_SIZE,
            p(base),
            base.len(),
            &mut b,
            core::ptr::null_mut()
        ),
        OK
    );
    let mut gmem = mem(crate::ids::PRANA_ID_GENERATOR_SIZE);
    let seed = [1u8; 32];
    assert_eq!(
        crate::ids::prana_id_generator_init(
            gmem.as_mut_ptr().cast(),
            crate::ids::PRANA_ID_GENERATOR_SIZE,
            seed.as_ptr(),
            32,
            &mut g,
            core::ptr::null_mut()
        ),
        OK
    );
    let need = PRANA_EXECUTION_SIZE + PRANA_EXECUTION_SCRATCH_LEN + 5 * CAP;
    let mut xmem = mem(need);
    let init = |xmem: &mut Vec<u64>, len: usize, x: &mut *mut prana_execution| {
        let mut e = crate::status::prana_error::default();
        let st = prana_execution_init(
            xmem.as_mut_ptr().cast(),
            len,
            CAP,
            w,
            p("exec-1"),
            6,
            b,
            core::ptr::null(),
            g,
            1_000,
            x,
            &mut e,
        );
        (st, e)
    };
    // Too small: refused, naming the size needed.
    let (st, e) = init(&mut xmem, need - 1, &mut x);
    assert_eq!(st, prana_status::PRANA_STATUS_INVALID_ARGUMENT);
    let msg: String = e.message[..e.message_len]
        .iter()
        .map(|&c| c as u8 as char)
        .collect();
    assert!(msg.contains(&format!("{need} are needed")), "{msg}");
    assert!(x.is_null());
    let (st, _) = init(&mut xmem, need, &mut x);
    assert_eq!(st, OK);

    let mut calls = 0usize;
    let user = (&mut calls as *mut usize).cast::<c_void>();
    let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
    // Over the capacity: refused with the limit.
    let big = format!("[{}0]", "0,".repeat(CAP));
    assert_eq!(
        prana_execution_run(
            w,
            x,
            Some(copy_input),
            user,
            p(&big),
            big.len(),
            1_000,
            r.as_mut_ptr(),
            core::ptr::null_mut(),
        ),
        prana_status::PRANA_STATUS_CAPACITY_EXCEEDED
    );
    let input = r#"{"n":1}"#;
    let st = prana_execution_run(
        w,
        x,
        Some(copy_input),
        user,
        p(input),
        input.len(),
        1_000,
        r.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    // SAFETY: zeroed, then set on success.
    let rid = unsafe { r.assume_init_ref() }.resume_id;
    assert_eq!(calls, 1);

    // The activated row, loaded in place into a registration in caller
    // memory (made first for any ID); a bad row leaves it unchanged.
    use crate::registration as reg;
    let mut rmem = mem(reg::PRANA_REGISTRATION_SIZE);
    let mut row = core::ptr::null_mut();
    assert_eq!(
        reg::prana_registration_init(
            rmem.as_mut_ptr().cast(),
            reg::PRANA_REGISTRATION_SIZE,
            g,
            core::ptr::null(),
            0,
            p("other"),
            5,
            p("node"),
            4,
            1,
            &mut row,
            core::ptr::null_mut()
        ),
        OK
    );
    let bad = "{}";
    assert_ne!(
        reg::prana_registration_restore(row, p(bad), bad.len(), core::ptr::null_mut()),
        OK
    );
    // SAFETY: zeroed, then set on success.
    let row_json = unsafe { r.assume_init_ref() }.registration_json;
    assert_eq!(
        reg::prana_registration_restore(
            row,
            row_json.as_ptr(),
            crate::PRANA_NUL_TERMINATED,
            core::ptr::null_mut()
        ),
        OK
    );
    let mut status = reg::prana_lifecycle_status::PRANA_LIFECYCLE_PENDING;
    assert_eq!(
        reg::prana_registration_status(row, &mut status, core::ptr::null_mut()),
        OK
    );
    assert_eq!(status, reg::prana_lifecycle_status::PRANA_LIFECYCLE_ACTIVE);

    let mut json = vec![0 as c_char; PRANA_EXECUTION_JSON_FIXED_LEN + CAP + 1];
    let mut n = 0usize;
    assert_eq!(
        prana_execution_to_json(
            x,
            json.as_mut_ptr(),
            json.len(),
            &mut n,
            core::ptr::null_mut()
        ),
        OK
    );
    // Restored into a second execution in caller memory (as after a reboot).
    let mut xmem2 = mem(need);
    let mut x2 = core::ptr::null_mut();
    assert_eq!(init(&mut xmem2, need, &mut x2).0, OK);
    assert_eq!(
        prana_execution_restore(x2, json.as_ptr(), n, core::ptr::null_mut()),
        OK
    );
    // SAFETY: live handles.
    assert!(unsafe { &*x2 }.state == unsafe { &*x }.state);

    let applied = prana_transition {
        resume_id: rid,
        resume_id_len: rid.iter().position(|&c| c == 0).unwrap(),
        from: crate::registration::prana_lifecycle_status::PRANA_LIFECYCLE_ACTIVE,
        to: crate::registration::prana_lifecycle_status::PRANA_LIFECYCLE_CONSUMED,
    };
    let payload = r#"{"ok":true}"#;
    let st = prana_execution_resume(
        w,
        x2,
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
    assert_eq!(calls, 2);
    // SAFETY: a live handle.
    assert_eq!(unsafe { &*x2 }.state.output(), payload);
}

/// Node `a` finds a zeroed result and fills all its strings; node `b`
/// finds the length 0 and each string "" (the bytes after the NUL are
/// what `a` left), then writes a port without its NUL.
unsafe extern "C" fn dirty_then_unterminated(
    calls: *mut c_void,
    _call: *const prana_node_call,
    output: *mut c_char,
    _cap: usize,
    result: *mut prana_node_result,
) -> bool {
    // SAFETY: the library passes valid pointers for the callback's
    // duration; `calls` is the test's counter.
    unsafe {
        let r = &mut *result;
        let n = &mut *calls.cast::<usize>();
        *n += 1;
        assert_eq!(r.output_len, 0);
        assert_eq!((r.port[0], r.error_code[0], r.error_message[0]), (0, 0, 0));
        let rest = |a: &[c_char]| a[1..].iter().map(|&c| c as u8).collect::<Vec<u8>>();
        if *n == 1 {
            for a in [&r.port[..], &r.error_code, &r.error_message] {
                assert!(rest(a).iter().all(|&c| c == 0));
            }
            r.output_len = 2;
            r.error_code.fill(b'c' as c_char);
            r.error_message.fill(b'm' as c_char);
            r.port.fill(b'x' as c_char);
            for (d, s) in r.port.iter_mut().zip(b"sent\0") {
                *d = *s as c_char;
            }
            // Output `{}` for node `b`'s input.
            output
                .cast::<u8>()
                .copy_from_nonoverlapping(b"{}".as_ptr(), 2);
        } else {
            assert_eq!(&rest(&r.port)[..5], b"ent\0x");
            assert!(rest(&r.error_code).iter().all(|&c| c == b'c'));
            assert!(rest(&r.error_message).iter().all(|&c| c == b'm'));
            r.port.fill(b'p' as c_char);
        }
    }
    true
}

#[test]
fn node_result_strings_start_empty_and_a_port_without_nul_fails_the_node() {
    let wf = r#"{"id":"ports","nodes":[
        {"key":"trigger","type":"trigger"},
        {"key":"a","type":"log"},{"key":"b","type":"log"}],
        "connections":[{"from":"trigger","to":"a"},
        {"from":"a","port":"sent","to":"b"}]}"#;
    let (w, b, g, x) = start(wf, "exec-2", 2);
    let mut calls = 0usize;
    let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
    let st = prana_execution_run(
        w,
        x,
        Some(dirty_then_unterminated),
        (&mut calls as *mut usize).cast(),
        p("{}"),
        2,
        1_000,
        r.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    assert_eq!(calls, 2);
    // SAFETY: zeroed above, the fields set on success.
    let r = unsafe { r.assume_init_ref() };
    assert_eq!(r.outcome, prana_outcome::PRANA_OUTCOME_FAILED);
    // SAFETY: the library writes NUL-terminated strings.
    let (node, code) = unsafe {
        (
            CStr::from_ptr(r.node_id.as_ptr()),
            CStr::from_ptr(r.error_code.as_ptr()),
        )
    };
    assert_eq!(
        (node.to_bytes(), code.to_bytes()),
        (&b"b"[..], &b"invalid_port"[..])
    );
    free_started((w, b, g, x));
}

/// Start `exec_id` on the handles of `s` with payload capacity `cap` and
/// run it with `input`: the run's status (the execution in `*x`).
fn start_and_run(
    s: &Started,
    exec_id: &str,
    cap: usize,
    input: &str,
) -> (prana_status, *mut prana_execution) {
    let (w, b, g, _) = *s;
    let mut x = core::ptr::null_mut();
    let st = prana_execution_start(
        w,
        p(exec_id),
        exec_id.len(),
        b,
        core::ptr::null(),
        g,
        1_000,
        cap,
        &mut x,
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
    (run_copying(w, x, input, &mut r).0, x)
}

/// Run `x` on `w` with `input` and `copy_input` as the node handler, the
/// result in `r`: the status and how many node calls there were.
fn run_copying(
    w: *mut prana_workflow,
    x: *mut prana_execution,
    input: &str,
    r: &mut MaybeUninit<prana_run_result>,
) -> (prana_status, usize) {
    let mut calls = 0usize;
    let st = prana_execution_run(
        w,
        x,
        Some(copy_input),
        (&mut calls as *mut usize).cast::<c_void>(),
        p(input),
        input.len(),
        1_000,
        r.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    (st, calls)
}

/// Starts after a free on the same thread: each execution has its own
/// payload capacity and nothing of the one before.
#[test]
fn a_start_after_a_free_has_its_own_capacity_and_state() {
    let s = start(WF, "exec-0", 3);
    let big = r#"{"text":"0123456789abcdef"}"#;
    let (st, x1) = start_and_run(&s, "exec-1", 0, big);
    assert_eq!(st, OK);
    let mut st1 = prana_run_status::PRANA_EXECUTION_CREATED;
    assert_eq!(
        prana_execution_status(x1, &mut st1, core::ptr::null_mut()),
        OK
    );
    assert_eq!(st1, prana_run_status::PRANA_EXECUTION_SUSPENDED);
    prana_execution_free(x1);

    // Smaller than the payload: refused, and the execution is new.
    let (st, x2) = start_and_run(&s, "exec-2", 8, big);
    assert_eq!(st, prana_status::PRANA_STATUS_CAPACITY_EXCEEDED);
    let mut st2 = prana_run_status::PRANA_EXECUTION_SUSPENDED;
    assert_eq!(
        prana_execution_status(x2, &mut st2, core::ptr::null_mut()),
        OK
    );
    assert_eq!(st2, prana_run_status::PRANA_EXECUTION_CREATED);
    let mut json = vec![0 as c_char; PRANA_EXECUTION_JSON_BUF_SIZE];
    let mut n = 0;
    assert_eq!(
        prana_execution_to_json(
            x2,
            json.as_mut_ptr(),
            json.len(),
            &mut n,
            core::ptr::null_mut()
        ),
        OK
    );
    // SAFETY: `n` bytes written.
    let text = unsafe { core::slice::from_raw_parts(json.as_ptr().cast::<u8>(), n) };
    let text = core::str::from_utf8(text).unwrap();
    assert!(
        text.contains("exec-2") && !text.contains("exec-1"),
        "{text}"
    );
    prana_execution_free(x2);

    // Large enough again.
    let (st, x3) = start_and_run(&s, "exec-3", 64, big);
    assert_eq!(st, OK);
    prana_execution_free(x3);
    free_started(s);
}

/// `prana_execution_render` of `template` into a buffer of `cap` bytes
/// filled with `#`: the status, `*out_len` and the buffer.
fn render_into(
    x: *const prana_execution,
    template: &str,
    cap: usize,
) -> (prana_status, usize, Vec<u8>) {
    let mut buf = vec![b'#'; cap];
    let mut n = usize::MAX;
    let st = prana_execution_render(
        x,
        p(template),
        template.len(),
        buf.as_mut_ptr().cast(),
        cap,
        &mut n,
        core::ptr::null_mut(),
    );
    (st, n, buf)
}

/// Short renderings (one pass through a scratch) and long ones (counted,
/// then rendered in place) give the same text; a buffer too small for
/// either is left untouched and told the exact size.
#[test]
fn render_short_and_long_templates_and_leave_small_buffers_untouched() {
    let s = start(WF, "exec-r", 4);
    let x = s.3;
    let url_t = "{{ $execution.wait.resume_url }}";
    let (st, n, buf) = render_into(x, url_t, 1024);
    assert_eq!(st, OK);
    let url = core::str::from_utf8(&buf[..n]).unwrap().to_owned();
    assert!(
        url.starts_with("https://gw.example.com/webhook/workflow/resume/webhook_exec-r_wait_"),
        "{url}"
    );
    assert_eq!(buf[n], 0);

    // Longer than the scratch: the same pieces, in place.
    let pad = "p".repeat(700);
    let long_t = format!("{pad} {url_t} {{{{ $execution.id }}}}");
    let want = format!("{pad} {url} exec-r");
    let (st, n, buf) = render_into(x, &long_t, want.len() + 1);
    assert_eq!(st, OK);
    assert_eq!(&buf[..n], want.as_bytes());
    assert_eq!(buf[n], 0);

    // One byte short (no room for the NUL), short and long: untouched.
    for (t, len) in [(url_t, url.len()), (long_t.as_str(), want.len())] {
        let (st, n, buf) = render_into(x, t, len);
        assert_eq!(st, prana_status::PRANA_STATUS_BUFFER_TOO_SMALL);
        assert_eq!(n, len + 1);
        assert!(buf.iter().all(|&b| b == b'#'));
    }

    // Errors are the same on both paths.
    let (st, _, buf) = render_into(x, "{{ $execution.nope.resume_url }}", 1024);
    assert_eq!(st, prana_status::PRANA_STATUS_EXPRESSION_UNKNOWN_NODE);
    assert!(buf.iter().all(|&b| b == b'#'));
    let (st, _, _) = render_into(
        x,
        &format!("{pad}{{{{ $execution.nope.resume_url }}}}"),
        4096,
    );
    assert_eq!(st, prana_status::PRANA_STATUS_EXPRESSION_UNKNOWN_NODE);
    free_started(s);
}

#[test]
fn node_strings_are_c_strings_whether_kept_in_place_or_copied() {
    // Static params come from the workflow's NUL copy, rendered params
    // and inputs from where the core left a NUL after them; a payload of
    // the whole capacity of caller memory has no room for one and is
    // copied. `copy_input` checks every string's NUL.
    const CAP: usize = 16;
    let wf = r#"{"id":"w","nodes":[{"key":"t","type":"trigger"},
        {"key":"a","type":"log","params":{"n":1}},
        {"key":"b","type":"log","params":{"e":"{{ $execution.id }}"}}],
        "connections":[{"from":"t","to":"a"},{"from":"a","to":"b"}]}"#;
    let (w, b, g, heap_x) = start(wf, "e1", 3);
    let mut xmem = mem(PRANA_EXECUTION_SIZE + PRANA_EXECUTION_SCRATCH_LEN + 5 * CAP);
    let mut x = core::ptr::null_mut();
    let st = prana_execution_init(
        xmem.as_mut_ptr().cast(),
        xmem.len() * 8,
        CAP,
        w,
        p("e2"),
        2,
        b,
        core::ptr::null(),
        g,
        1_000,
        &mut x,
        core::ptr::null_mut(),
    );
    assert_eq!(st, OK);
    let mut r = Box::new(MaybeUninit::<prana_run_result>::zeroed());
    for (x, input) in [(heap_x, r#"{"k":"v"}"#), (x, "[10,2,3,4,5,6,7]")] {
        assert!(input.len() <= CAP);
        assert_eq!(run_copying(w, x, input, &mut r), (OK, 2), "{input}");
        // SAFETY: zeroed, then set on success.
        let r = unsafe { r.assume_init_ref() };
        assert_eq!(r.outcome, prana_outcome::PRANA_OUTCOME_COMPLETED, "{input}");
        let mut out = vec![0 as c_char; 64];
        let mut len = 0;
        assert_eq!(
            prana_execution_output(
                x,
                out.as_mut_ptr(),
                out.len(),
                &mut len,
                core::ptr::null_mut()
            ),
            OK
        );
        let out: Vec<u8> = out[..len].iter().map(|&c| c as u8).collect();
        assert_eq!(out, input.as_bytes());
    }
    free_started((w, b, g, heap_x));
}
