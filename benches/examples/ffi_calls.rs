//! The bodies of the `ffi` benchmark's ID + URL, route and decision rows,
//! each run `N` times in a loop, for instruction counts per call (which,
//! unlike wall time, do not move with other load on the machine):
//!
//! ```text
//! cargo build --release -p prana-webhook-benches --example ffi_calls
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/ffi_calls c_route 1000     # and 11000
//! ```
//!
//! (Collected at 11 000 minus collected at 1 000) / 10 000 is one
//! call's count, setup and process start cancelled out. The rows:
//! `c_id_url`, `c_id_in_url`, `rust_id_url_bytes`, `c_route`,
//! `rust_route`, `c_decision`, `rust_decision`.

#![allow(clippy::missing_safety_doc)]
use std::ffi::c_char;
use std::hint::black_box;
use std::mem::MaybeUninit;

use prana_webhook::prana_status::PRANA_STATUS_OK as OK;
use prana_webhook::{ids, registration as freg, route as froute, signatures as fsig, urls};
use prana_webhook::{PRANA_RESUME_ID_BUF_SIZE as ID_BUF, PRANA_URL_BUF_SIZE as URL_BUF};
use prana_webhook_core::id::{IdGenerator, IdParts};
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::route::{decide_resume, precheck, Decision, RequestLimits};
use prana_webhook_core::token::resume::{verify_query, SignaturePolicy};
use prana_webhook_core::token::resume::{KeySet, ResumeKey};
use prana_webhook_core::url::{BaseUrl, Route};

const BASE: &str = "https://gw.example.com/hooks";
const EXEC: &str = "exec_7f3a9c";
const NODE: &str = "wait_approval";
const SECRET: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

fn p(s: &str) -> *const c_char {
    s.as_ptr().cast()
}

#[inline(never)]
fn c_id_url(gen_h: *mut ids::prana_id_generator, base_h: *const urls::prana_base_url, n: usize) {
    for _ in 0..n {
        let mut id = MaybeUninit::<[c_char; ID_BUF]>::uninit();
        let mut url = MaybeUninit::<[c_char; URL_BUF]>::uninit();
        let (mut id_len, mut url_len) = (0usize, 0usize);
        let s = ids::prana_resume_url_create(
            gen_h,
            base_h,
            core::ptr::null_mut(),
            p(EXEC),
            EXEC.len(),
            p(NODE),
            NODE.len(),
            id.as_mut_ptr().cast(),
            ID_BUF,
            &mut id_len,
            url.as_mut_ptr().cast(),
            URL_BUF,
            &mut url_len,
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        black_box((&id, &url, id_len, url_len));
    }
}

#[inline(never)]
fn c_id_in_url(gen_h: *mut ids::prana_id_generator, base_h: *const urls::prana_base_url, n: usize) {
    for _ in 0..n {
        let mut url = MaybeUninit::<[c_char; URL_BUF]>::uninit();
        let (mut id_len, mut url_len) = (0usize, 0usize);
        let s = ids::prana_resume_url_create(
            gen_h,
            base_h,
            core::ptr::null_mut(),
            p(EXEC),
            EXEC.len(),
            p(NODE),
            NODE.len(),
            core::ptr::null_mut(),
            0,
            &mut id_len,
            url.as_mut_ptr().cast(),
            URL_BUF,
            &mut url_len,
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        black_box((&url, url_len - id_len, id_len, url_len));
    }
}

#[inline(never)]
fn rust_id_url_bytes(ids_r: &mut IdGenerator, base: &BaseUrl, n: usize) {
    for _ in 0..n {
        let mut buf = [MaybeUninit::<u8>::uninit(); URL_BUF];
        let parts = IdParts::new(black_box(EXEC), black_box(NODE)).unwrap();
        let spans = ids_r.write_resume_url(base, &parts, &mut buf).unwrap();
        black_box((&buf, spans));
    }
}

#[inline(never)]
fn c_route(base_h: *const urls::prana_base_url, target: &str, n: usize) {
    for _ in 0..n {
        let mut out = MaybeUninit::<froute::prana_route>::uninit();
        let s = froute::prana_route_parse(
            base_h,
            p(target),
            target.len(),
            out.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        // SAFETY: written on success.
        black_box(unsafe { out.assume_init() }.id.len);
    }
}

#[inline(never)]
fn rust_route(base: &BaseUrl, target: &str, n: usize) {
    for _ in 0..n {
        match base.parse_target(black_box(target)).unwrap().route {
            Route::Resume { resume_id } => black_box(resume_id.len()),
            _ => unreachable!(),
        };
    }
}

#[inline(never)]
fn c_decision(
    base_h: *const urls::prana_base_url,
    keys_h: *const fsig::prana_key_set,
    reg_h: *const freg::prana_registration,
    target: &str,
    n: usize,
) {
    for _ in 0..n {
        let t = black_box(target);
        let mut pre = MaybeUninit::<froute::prana_precheck>::uninit();
        let s = froute::prana_request_check(
            base_h,
            p("POST"),
            4,
            p(t),
            t.len(),
            128,
            65536,
            pre.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        // SAFETY: written on success.
        let pre = unsafe { pre.assume_init_ref() };
        assert!(pre.accepted);
        let id = &t[pre.route.id.offset..pre.route.id.offset + pre.route.id.len];
        let q = &t[pre.route.query.offset..pre.route.query.offset + pre.route.query.len];
        let mut sig = MaybeUninit::<fsig::prana_signature_check>::uninit();
        let s = fsig::prana_signature_verify(
            keys_h,
            froute::prana_route_kind::PRANA_ROUTE_RESUME as u32,
            0,
            p(id),
            id.len(),
            p(q),
            q.len(),
            sig.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        // SAFETY: written on success.
        assert!(unsafe { sig.assume_init_ref() }.accepted);
        let mut d = MaybeUninit::<froute::prana_resume_decision>::uninit();
        let s = froute::prana_resume_decide(
            p(id),
            id.len(),
            reg_h,
            2_000,
            d.as_mut_ptr(),
            core::ptr::null_mut(),
        );
        assert_eq!(s, OK);
        // SAFETY: written on success.
        black_box(unsafe { d.assume_init_ref() }.resume);
    }
}

#[inline(never)]
fn rust_decision(base: &BaseUrl, keys: &KeySet, reg: &WebhookRegistration, target: &str, n: usize) {
    let limits = RequestLimits::default();
    for _ in 0..n {
        let t = precheck(base, "POST", black_box(target), 128, &limits).unwrap();
        let Route::Resume { resume_id } = t.route else {
            unreachable!()
        };
        let by = verify_query(keys, SignaturePolicy::Required, resume_id, t.query).unwrap();
        black_box(&by);
        let d = decide_resume(resume_id, Some(reg), 2_000);
        assert!(matches!(d, Decision::Resume(_)));
        black_box(d);
    }
}

fn main() {
    const USAGE: &str = "usage: ffi_calls ROW N (ROW: c_id_url, c_id_in_url, \
        rust_id_url_bytes, c_route, rust_route, c_decision, rust_decision)";
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), Some(Ok(n))) = (args.get(1), args.get(2).map(|n| n.parse::<usize>())) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let which = which.as_str();
    let mut base_h = std::ptr::null_mut();
    assert_eq!(
        urls::prana_base_url_new(p(BASE), BASE.len(), &mut base_h, core::ptr::null_mut()),
        OK
    );
    let mut gen_h = std::ptr::null_mut();
    assert_eq!(
        ids::prana_id_generator_new([0x5a; 32].as_ptr(), 32, &mut gen_h, core::ptr::null_mut()),
        OK
    );
    let base = BaseUrl::parse(BASE).unwrap();
    let mut ids_r = IdGenerator::from_seed([0x5a; 32]);
    let mut keys: KeySet = KeySet::new();
    keys.add(ResumeKey::new("k1", SECRET).unwrap()).unwrap();
    let mut reg = WebhookRegistration::create(&mut ids_r, EXEC, NODE, 0).unwrap();
    reg.activate(1_000, 86_400_000, r#"{"channel":"email"}"#)
        .unwrap();
    let mut keys_h = std::ptr::null_mut();
    assert_eq!(
        fsig::prana_key_set_new(&mut keys_h, core::ptr::null_mut()),
        OK
    );
    assert_eq!(
        fsig::prana_key_set_add(
            keys_h,
            p("k1"),
            2,
            SECRET.as_ptr(),
            32,
            core::ptr::null_mut()
        ),
        OK
    );
    let mut json = [0u8; 1024];
    let jn = reg.to_json(&mut json).unwrap();
    let mut reg_h = std::ptr::null_mut();
    assert_eq!(
        freg::prana_registration_from_json(
            json.as_ptr().cast(),
            jn,
            &mut reg_h,
            core::ptr::null_mut()
        ),
        OK
    );
    let mut signed = base.resume_url(&reg.resume_id).unwrap();
    keys.sign_url(reg.resume_id.as_str(), &mut signed).unwrap();
    let target = signed[signed.find("/hooks").unwrap()..].to_owned();
    match which {
        "c_id_url" => c_id_url(gen_h, base_h, n),
        "c_id_in_url" => c_id_in_url(gen_h, base_h, n),
        "rust_id_url_bytes" => rust_id_url_bytes(&mut ids_r, &base, n),
        "c_decision" => c_decision(base_h, keys_h, reg_h, &target, n),
        "rust_decision" => rust_decision(&base, &keys, &reg, &target, n),
        "c_route" => c_route(base_h, &target, n),
        "rust_route" => rust_route(&base, &target, n),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
