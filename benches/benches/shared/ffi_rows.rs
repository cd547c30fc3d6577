//! One call of each ID + URL, route and decision row of the `ffi`
//! benchmark, and the handles they share. The benchmark (`benches/ffi.rs`)
//! times them; `examples/ffi_calls.rs` loops them for instruction counts.
//! Both include this file, so they run the same bodies.
//!
//! Every row hands what it made to `black_box`: otherwise the compiler may
//! drop the writes nobody reads (it did for the Rust ID + URL row, which
//! then measured the ID alone). Rows are `inline(always)`: each measures
//! its calls, not a call to the row.

use std::ffi::c_char;
use std::hint::black_box;
use std::mem::MaybeUninit;

use prana_webhook::prana_status::PRANA_STATUS_OK as OK;
use prana_webhook::{ids, registration as freg, route as froute, signatures as fsig, urls};
use prana_webhook::{PRANA_RESUME_ID_BUF_SIZE as ID_BUF, PRANA_URL_BUF_SIZE as URL_BUF};
use prana_webhook_core::id::{IdGenerator, IdParts};
use prana_webhook_core::registration::WebhookRegistration;
use prana_webhook_core::route::{decide_resume, precheck, Decision, RequestLimits};
use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
use prana_webhook_core::url::{BaseUrl, Route};

pub const BASE: &str = "https://gw.example.com/hooks";
pub const EXEC: &str = "exec_7f3a9c";
pub const NODE: &str = "wait_approval";
pub const SECRET: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

pub fn p(s: &str) -> *const c_char {
    s.as_ptr().cast()
}

/// The handles of both sides, made once: base URL, ID generator (seeded
/// alike), key set `k1`, an active registration (C handle from its row),
/// and a signed resume target for it under the base.
pub struct Fixture {
    pub base_h: *mut urls::prana_base_url,
    pub gen_h: *mut ids::prana_id_generator,
    pub keys_h: *mut fsig::prana_key_set,
    pub reg_h: *mut freg::prana_registration,
    pub base: BaseUrl,
    pub ids_r: IdGenerator,
    pub keys: KeySet,
    pub reg: WebhookRegistration,
    pub target: String,
}

impl Fixture {
    pub fn new() -> Fixture {
        let none = core::ptr::null_mut();
        let mut base_h = std::ptr::null_mut();
        assert_eq!(
            urls::prana_base_url_new(p(BASE), BASE.len(), &mut base_h, none),
            OK
        );
        let mut gen_h = std::ptr::null_mut();
        assert_eq!(
            ids::prana_id_generator_new([0x5a; 32].as_ptr(), 32, &mut gen_h, none),
            OK
        );
        let mut keys_h = std::ptr::null_mut();
        assert_eq!(fsig::prana_key_set_new(&mut keys_h, none), OK);
        assert_eq!(
            fsig::prana_key_set_add(keys_h, p("k1"), 2, SECRET.as_ptr(), 32, none),
            OK
        );
        let base = BaseUrl::parse(BASE).unwrap();
        let mut ids_r = IdGenerator::from_seed([0x5a; 32]);
        let mut keys: KeySet = KeySet::new();
        keys.add(ResumeKey::new("k1", SECRET).unwrap()).unwrap();
        let mut reg = WebhookRegistration::create(&mut ids_r, EXEC, NODE, 0).unwrap();
        reg.activate(1_000, 86_400_000, r#"{"channel":"email"}"#)
            .unwrap();
        let mut json = [0u8; 1024];
        let n = reg.to_json(&mut json).unwrap();
        let mut reg_h = std::ptr::null_mut();
        assert_eq!(
            freg::prana_registration_from_json(json.as_ptr().cast(), n, &mut reg_h, none),
            OK
        );
        let mut signed = base.resume_url(&reg.resume_id).unwrap();
        keys.sign_url(reg.resume_id.as_str(), &mut signed).unwrap();
        let target = signed[signed.find("/hooks").unwrap()..].to_owned();
        Fixture {
            base_h,
            gen_h,
            keys_h,
            reg_h,
            base,
            ids_r,
            keys,
            reg,
            target,
        }
    }
}

impl Default for Fixture {
    fn default() -> Fixture {
        Fixture::new()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        freg::prana_registration_free(self.reg_h);
        fsig::prana_key_set_free(self.keys_h);
        ids::prana_id_generator_free(self.gen_h);
        urls::prana_base_url_free(self.base_h);
    }
}

/// `prana_resume_url_create` for `EXEC`/`NODE` into the given buffers
/// (pointer, capacity; NULL, 0 for none), no key set: (ID length, URL
/// length), the call asserted to succeed.
#[inline(always)]
fn c_resume_url(
    gen: *mut ids::prana_id_generator,
    base: *const urls::prana_base_url,
    id: (*mut c_char, usize),
    url: (*mut c_char, usize),
) -> (usize, usize) {
    let (mut id_len, mut url_len) = (0usize, 0usize);
    let s = ids::prana_resume_url_create(
        gen,
        base,
        core::ptr::null_mut(),
        p(EXEC),
        EXEC.len(),
        p(NODE),
        NODE.len(),
        id.0,
        id.1,
        &mut id_len,
        url.0,
        url.1,
        &mut url_len,
        core::ptr::null_mut(),
    );
    assert_eq!(s, OK);
    (id_len, url_len)
}

/// C: a resume ID and its URL, each into its own buffer.
#[inline(always)]
pub fn c_id_url(f: &Fixture) {
    let mut id = MaybeUninit::<[c_char; ID_BUF]>::uninit();
    let mut url = MaybeUninit::<[c_char; URL_BUF]>::uninit();
    let (id_len, url_len) = c_resume_url(
        f.gen_h,
        f.base_h,
        (id.as_mut_ptr().cast(), ID_BUF),
        (url.as_mut_ptr().cast(), URL_BUF),
    );
    black_box((&id, &url, id_len, url_len));
}

/// C: the same call with the ID left in the URL (no ID buffer): the ID is
/// the URL's last `id_len` bytes, as the Rust bytes writer's span gives it.
#[inline(always)]
pub fn c_id_in_url(f: &Fixture) {
    let mut url = MaybeUninit::<[c_char; URL_BUF]>::uninit();
    let (id_len, url_len) = c_resume_url(
        f.gen_h,
        f.base_h,
        (core::ptr::null_mut(), 0),
        (url.as_mut_ptr().cast(), URL_BUF),
    );
    black_box((&url, url_len - id_len, id_len, url_len));
}

/// C: the resume ID alone (no base URL).
#[inline(always)]
pub fn c_id_only(f: &Fixture) {
    let mut id = MaybeUninit::<[c_char; ID_BUF]>::uninit();
    let (id_len, _) = c_resume_url(
        f.gen_h,
        core::ptr::null(),
        (id.as_mut_ptr().cast(), ID_BUF),
        (core::ptr::null_mut(), 0),
    );
    black_box((&id, id_len));
}

/// Rust: the bytes writer, the Rust call closest to the C one, into a
/// stack buffer.
#[inline(always)]
pub fn rust_id_url_bytes(ids_r: &mut IdGenerator, base: &BaseUrl) {
    let mut buf = [MaybeUninit::<u8>::uninit(); URL_BUF];
    let parts = IdParts::new(black_box(EXEC), black_box(NODE)).unwrap();
    let spans = ids_r.write_resume_url(base, &parts, &mut buf).unwrap();
    black_box((&buf, spans));
}

/// C: route the signed resume target.
#[inline(always)]
pub fn c_route(f: &Fixture) {
    let mut out = MaybeUninit::<froute::prana_route>::uninit();
    let t = &f.target;
    let s = froute::prana_route_parse(
        f.base_h,
        p(t),
        t.len(),
        out.as_mut_ptr(),
        core::ptr::null_mut(),
    );
    assert_eq!(s, OK);
    // SAFETY: written on success.
    black_box(unsafe { out.assume_init() }.id.len);
}

/// Rust: route the same target.
#[inline(always)]
pub fn rust_route(f: &Fixture) {
    match f.base.parse_target(black_box(&f.target)).unwrap().route {
        Route::Resume { resume_id } => black_box(resume_id.len()),
        _ => unreachable!(),
    };
}

/// C: the full decision: request check, signature, decision on the
/// registration.
#[inline(always)]
pub fn c_decision(f: &Fixture) {
    let none = core::ptr::null_mut();
    let t = black_box(&f.target);
    let mut pre = MaybeUninit::<froute::prana_precheck>::uninit();
    let s = froute::prana_request_check(
        f.base_h,
        p("POST"),
        4,
        p(t),
        t.len(),
        128,
        65536,
        pre.as_mut_ptr(),
        none,
    );
    assert_eq!(s, OK);
    // Read field by field through the raw pointer, as C does: the bytes
    // after a message's NUL are not written, so the whole struct may not
    // be taken as initialized.
    let pre = pre.as_ptr();
    // SAFETY: these fields are written on success.
    let (accepted, route) = unsafe { ((*pre).accepted, (*pre).route) };
    assert!(accepted);
    let id = &t[route.id.offset..route.id.offset + route.id.len];
    let q = &t[route.query.offset..route.query.offset + route.query.len];
    let mut sig = MaybeUninit::<fsig::prana_signature_check>::uninit();
    let kind = froute::prana_route_kind::PRANA_ROUTE_RESUME as u32;
    let s = fsig::prana_signature_verify(
        f.keys_h,
        kind,
        0,
        p(id),
        id.len(),
        p(q),
        q.len(),
        sig.as_mut_ptr(),
        none,
    );
    assert_eq!(s, OK);
    // SAFETY: written on success.
    assert!(unsafe { (*sig.as_ptr()).accepted });
    let mut d = MaybeUninit::<froute::prana_resume_decision>::uninit();
    let s = froute::prana_resume_decide(p(id), id.len(), f.reg_h, 2_000, d.as_mut_ptr(), none);
    assert_eq!(s, OK);
    // SAFETY: written on success.
    black_box(unsafe { (*d.as_ptr()).resume });
}

/// Rust: the same three steps.
#[inline(always)]
pub fn rust_decision(f: &Fixture, limits: &RequestLimits) {
    let t = precheck(&f.base, "POST", black_box(&f.target), 128, limits).unwrap();
    let Route::Resume { resume_id } = t.route else {
        unreachable!()
    };
    // The C side hands back how the request passed (the key id): so does
    // this side, else the key id's copy could be dropped.
    let by = verify_query(&f.keys, SignaturePolicy::Required, resume_id, t.query).unwrap();
    black_box(&by);
    // The whole decision goes to `black_box`, as the C side's does: a bare
    // `matches!` let the compiler skip building the transition.
    let d = decide_resume(resume_id, Some(&f.reg), 2_000);
    assert!(matches!(d, Decision::Resume(_)));
    black_box(d);
}
