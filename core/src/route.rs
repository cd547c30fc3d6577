//! Incoming request → decision: resume, or reject with an HTTP status.
//!
//! The order of checks, and the status and code of each rejection:
//!
//! | situation | status | code |
//! |---|---|---|
//! | path not a webhook route | 404 | `not_found` |
//! | malformed id | 400 | `invalid_webhook_url` |
//! | missing/forged signature (when required) | 401 | `invalid_signature` |
//! | wrong method (resume and cancel take POST and GET, where GET only reads; extend and trigger POST) | 405 | `method_not_allowed` |
//! | payload over the configured limit | 413 | `payload_too_large` |
//! | unknown resume_id | 404 | `webhook_not_found` |
//! | pending (wait node not reached yet) | 400 | `wait_node_not_active` |
//! | expired | 410 | `webhook_expired` |
//! | already consumed | 409 | `webhook_already_used` |
//! | extend: not later than now's expiry | 422 | `extend_not_later` |
//! | extend: past `created_at` + 8760 h | 422 | `extend_beyond_limit` |
//! | extend: a bad body | 400 | `invalid_extend_request` |
//!
//! [`check_request`] runs every check that needs no store: path, method,
//! size and, for resume, cancel and extend routes, the `?sig=` signature
//! (each in its own domain), so a forged or guessed URL never costs a
//! database round trip. [`decide_resume`], [`decide_cancel`] or
//! [`decide_extend`] then decides on the registration the host looked up.
//!
//! A resume decision carries the [`Transition`] active → consumed that the
//! host applies with compare-and-set; the host resumes only when exactly one
//! row changed, and answers 409 otherwise. A cancel decision is the very
//! same transition on the same row: a resume and a cancel of one wait race
//! like two resumes, and the compare-and-set lets exactly one of them win.
//! Cancel and extend take POST only: a link scanner's GET must not end or
//! prolong a wait.
//!
//! ```
//! use prana_webhook_core::{id::IdGenerator, route::{decide_resume, Decision},
//!     registration::WebhookRegistration};
//! let mut ids = IdGenerator::from_seed([3; 32]);
//! let mut reg = WebhookRegistration::create(&mut ids, "e1", "wait", 0).unwrap();
//! let id = reg.resume_id.clone();
//! // Not reached yet: 400.
//! let Decision::Reject(r) = decide_resume(id.as_str(), Some(&reg), 10) else { panic!() };
//! assert_eq!((r.status, r.code), (400, "wait_node_not_active"));
//! reg.activate(10, 1_000, "{}").unwrap();
//! assert!(matches!(decide_resume(id.as_str(), Some(&reg), 20), Decision::Resume(_)));
//! ```

use core::fmt;

use crate::error::Error;
use crate::lifecycle::{Status, Transition};
use crate::registration::Extension;
use crate::registration::WebhookRegistration;
use crate::token::resume::{verify_query_for, KeySet, SignaturePolicy};
use crate::url::{BaseUrl, Route, Target};

/// A refusal: the HTTP status, a stable code, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status to answer with.
    pub status: u16,
    /// Stable snake_case code (the `code` column of the table above).
    pub code: &'static str,
    /// The underlying error, when there is one (parse errors, signatures).
    pub cause: Option<Error>,
}

impl Rejection {
    const fn new(status: u16, code: &'static str) -> Rejection {
        Rejection {
            status,
            code,
            cause: None,
        }
    }

    /// A fixed sentence for rejections without an underlying error.
    fn summary(&self) -> &'static str {
        match self.code {
            "not_found" => "no such webhook route",
            "webhook_not_found" => "no webhook registration has this resume id",
            "wait_node_not_active" => "the wait node has not been reached yet",
            "webhook_expired" => "this webhook has expired",
            "webhook_already_used" => "this webhook has already been used",
            "method_not_allowed" => {
                "method not allowed: resume and cancel take POST or GET; trigger and extend take POST"
            }
            "payload_too_large" => "the request body is larger than the configured limit",
            "invalid_signature" => "the URL signature is missing or invalid",
            _ => "the request was rejected",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(e) => fmt::Display::fmt(e, f),
            None => f.write_str(self.summary()),
        }
    }
}

/// What to do with a resume (or cancel) request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Apply this transition with compare-and-set, then resume (for a
    /// cancel request: then cancel), only when exactly one row changed.
    Resume(Transition),
    /// Answer with this rejection.
    Reject(Rejection),
}

/// Map a request-target parse error to its rejection: 404 `not_found` when
/// the path is not a webhook route, 400 `invalid_webhook_url` for a bad id.
pub fn reject_target_error(err: Error) -> Rejection {
    let (status, code) = match err {
        Error::NotWebhookPath | Error::UnknownKind | Error::MalformedTarget => (404, "not_found"),
        _ => (400, "invalid_webhook_url"),
    };
    Rejection {
        status,
        code,
        cause: Some(err),
    }
}

/// Check the method for a route: resume and cancel take POST and GET (a
/// GET only reads: the host answers the wait page or its description and
/// changes nothing, so a link scanner cannot act); trigger and extend take
/// POST.
pub fn check_method(route: &Route<'_>, method: &str) -> Result<(), Rejection> {
    let ok = match route {
        Route::Resume { .. } | Route::Cancel { .. } => method == "POST" || method == "GET",
        Route::Trigger { .. } | Route::Extend { .. } => method == "POST",
    };
    if ok {
        Ok(())
    } else {
        Err(Rejection::new(405, "method_not_allowed"))
    }
}

/// Limits applied to every incoming request before any lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// Largest accepted body, in bytes.
    pub max_payload: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            max_payload: 64 * 1024,
        }
    }
}

/// The checks of [`check_request`] without the signature: the target
/// parses to a route under `base`, the method fits, the body is within limits.
pub fn precheck<'a>(
    base: &BaseUrl,
    method: &str,
    target: &'a str,
    body_len: usize,
    limits: &RequestLimits,
) -> Result<Target<'a>, Rejection> {
    let parsed = base.parse_target(target).map_err(reject_target_error)?;
    check_method(&parsed.route, method)?;
    if body_len > limits.max_payload {
        return Err(Rejection::new(413, "payload_too_large"));
    }
    Ok(parsed)
}

/// Verify the `?sig=` parameter of a resume, cancel or extend route under
/// `policy`, in the route's own signature domain: 401 `invalid_signature`
/// on failure, with the exact reason as the cause. Trigger routes pass
/// (their senders sign with Standard Webhooks, checked by the host with
/// [`crate::token::standard_webhooks::verify`]).
pub fn check_signature<const N: usize>(
    target: &Target<'_>,
    keys: &KeySet<N>,
    policy: SignaturePolicy,
) -> Result<(), Rejection> {
    let Some((action, resume_id)) = target.route.signed_action() else {
        return Ok(());
    };
    match verify_query_for(keys, policy, action, resume_id, target.query) {
        Ok(_) => Ok(()),
        Err(e) => Err(Rejection {
            status: 401,
            code: "invalid_signature",
            cause: Some(Error::Signature(e)),
        }),
    }
}

/// Every check that needs no store, in order: the target parses to a route
/// under `base` (404/400), the method fits (405), the body is within limits
/// (413), and a resume, cancel or extend route carries a valid signature
/// for its action (401).
pub fn check_request<'a, const N: usize>(
    base: &BaseUrl,
    method: &str,
    target: &'a str,
    body_len: usize,
    limits: &RequestLimits,
    keys: &KeySet<N>,
    policy: SignaturePolicy,
) -> Result<Target<'a>, Rejection> {
    let parsed = precheck(base, method, target, body_len, limits)?;
    check_signature(&parsed, keys, policy)?;
    Ok(parsed)
}

/// Decide a resume request for `resume_id`, given the registration the host
/// looked up (or `None`) and the host clock (Unix ms; expiry by time follows
/// [`WebhookRegistration::status_at`], see there for clocks that step back).
pub fn decide_resume(
    resume_id: &str,
    registration: Option<&WebhookRegistration>,
    now: u64,
) -> Decision {
    match usable(resume_id, registration, now) {
        Ok(reg) => Decision::Resume(Transition {
            resume_id: reg.resume_id.clone(),
            from: Status::Active,
            to: Status::Consumed,
        }),
        Err(r) => Decision::Reject(r),
    }
}

/// Decide a cancel request for `resume_id`: exactly what [`decide_resume`]
/// decides (same statuses; the same active → consumed transition), since
/// a cancel uses the registration up as a resume does. Whichever of a
/// resume and a cancel applies its transition first wins; the other's
/// compare-and-set changes no row ([`lost_race`], 409). On
/// [`Decision::Resume`] the host, once its compare-and-set changed the row,
/// continues the execution as cancelled instead of resumed.
pub fn decide_cancel(
    resume_id: &str,
    registration: Option<&WebhookRegistration>,
    now: u64,
) -> Decision {
    decide_resume(resume_id, registration, now)
}

/// Decide whether the sweeper expires registration `resume_id`, given the
/// row the host looked up (or `None`) and the host clock: the active →
/// expired to apply with compare-and-set (on the status and the stored
/// expiry, so a resume, cancel or extend that landed first wins) when the
/// row is that registration, stored active and its `expires_at` has passed
/// by `now`. `None`: nothing to expire (no such row, pending, consumed,
/// already expired, or not due: an extension moved it). Once exactly one
/// row changed, hand the transition to
/// [`executor::expire`](crate::executor::expire).
pub fn decide_expire(
    resume_id: &str,
    registration: Option<&WebhookRegistration>,
    now: u64,
) -> Option<Transition> {
    let reg = registration.filter(|r| r.resume_id.as_str() == resume_id)?;
    (reg.status == Status::Active && reg.status_at(now) == Status::Expired).then(|| Transition {
        resume_id: reg.resume_id.clone(),
        from: Status::Active,
        to: Status::Expired,
    })
}

/// The registration when it is the one asked for and active at `now`,
/// else the rejection (404, 400 pending, 410 expired, 409 consumed).
fn usable<'r>(
    resume_id: &str,
    registration: Option<&'r WebhookRegistration>,
    now: u64,
) -> Result<&'r WebhookRegistration, Rejection> {
    let reg = match registration {
        Some(r) if r.resume_id.as_str() == resume_id => r,
        _ => return Err(Rejection::new(404, "webhook_not_found")),
    };
    match reg.status_at(now) {
        Status::Pending => Err(Rejection::new(400, "wait_node_not_active")),
        Status::Expired => Err(Rejection::new(410, "webhook_expired")),
        Status::Consumed => Err(Rejection::new(409, "webhook_already_used")),
        Status::Active => Ok(reg),
    }
}

/// Decide an extend request for `resume_id`: move the looked-up
/// registration's expiry to `expires_at` (see [`requested_expiry`] for the
/// request body) with [`WebhookRegistration::extend`]. On success
/// `registration` is the row to store and the [`Extension`] the
/// compare-and-set to apply first. Rejections: those of [`decide_resume`]
/// (404, 400 pending, 410 expired, 409 consumed), and 422
/// `extend_not_later` / `extend_beyond_limit` with the error as the cause.
pub fn decide_extend(
    resume_id: &str,
    registration: Option<&mut WebhookRegistration>,
    now: u64,
    expires_at: u64,
) -> Result<Extension, Rejection> {
    let reg = match registration {
        Some(r) => r,
        None => return Err(Rejection::new(404, "webhook_not_found")),
    };
    usable(resume_id, Some(reg), now)?;
    reg.extend(now, expires_at).map_err(|e| {
        // `usable` refused every other state, so only the two extension
        // rules remain.
        let status = match e {
            Error::ExtendNotLater { .. } | Error::ExtendBeyondLimit { .. } => 422,
            _ => 409,
        };
        Rejection {
            status,
            code: e.code(),
            cause: Some(e),
        }
    })
}

/// The new expiry an extend request asks for: its body is empty or a JSON
/// object with an optional `timeout_hours` (the wait param's rule: a number,
/// 0 < n ≤ 8760, fractions allowed; default 24), and the registration then
/// expires `timeout_hours` after `now`. A bad body is 400
/// `invalid_extend_request` with the error (the wait action's own) as the cause.
/// Needs the `executor` feature (the wait action's number rules).
#[cfg(feature = "executor")]
pub fn requested_expiry(body: &[u8], now: u64) -> Result<u64, Rejection> {
    let bad = |e: Error| Rejection {
        status: 400,
        code: "invalid_extend_request",
        cause: Some(e),
    };
    let text = core::str::from_utf8(body).map_err(|_| bad(Error::Json("not UTF-8")))?;
    let ms = crate::wait::timeout_ms_in(text).map_err(bad)?;
    Ok(now.saturating_add(ms))
}

/// The rejection a host answers with when its compare-and-set changed no
/// row: another request consumed (or the sweeper expired) the registration
/// first. Re-read the row and call [`decide_resume`] for the exact reason;
/// this is the answer when it is consumed.
pub const fn lost_race() -> Rejection {
    Rejection::new(409, "webhook_already_used")
}
