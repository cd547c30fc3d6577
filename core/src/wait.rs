//! The unified wait action (Prana's `wait`): modes `interval`, `schedule`
//! and `webhook`, with Prana's parameters, defaults, limits and messages.
//!
//! | mode | params | result |
//! |---|---|---|
//! | `interval` | `duration` (number > 0, required), `unit`: `ms` (default), `seconds`, `minutes`, `hours` | suspend until `now + duration` |
//! | `schedule` | `schedule_at` (RFC 3339 string in the future, required), `timezone` (string, default `"UTC"`) | suspend until `schedule_at` |
//! | `webhook` | `timeout_hours` (number, 0 < n ≤ 8760, default 24), `webhook_config` (object, default `{}`) | activate the node's pending registration, `expires_at = now + timeout` |
//!
//! Ports: input `main`; outputs `main` (resumed; the output is the request
//! payload, or for timers the wait node's input), `timeout` (the webhook
//! expired before a call came) and `error` (the parameters were rejected).
//!
//! The same rules, minus those that need the clock, run when a workflow is
//! parsed ([`check_static`]), so a definition with a `timeout_hours` of 0
//! is refused before any execution; one function checks each param for
//! both and makes its error.
//!
//! Differences from Prana, all deliberate: the core never sleeps (Prana
//! sleeps in-process for intervals under a minute; here the host's timer
//! does it); `schedule_at` must carry an offset or `Z` ([`crate::time`]);
//! `timezone` is kept for the host but does not move `schedule_at`
//! (Prana does the same: "For now, just use UTC").
//!
//! ```
//! use prana_webhook_core::wait::{parse, WaitParams, WaitError};
//! use prana_webhook_core::Error;
//! let p = parse(r#"{"mode": "interval", "duration": 2, "unit": "minutes"}"#, 1_000).unwrap();
//! assert_eq!(p, WaitParams::Interval { duration_ms: 120_000, resume_at: 121_000 });
//!
//! let err = parse(r#"{"mode": "webhook", "timeout_hours": 8761}"#, 0).unwrap_err();
//! assert_eq!(err, Error::Wait(WaitError::TimeoutHoursInvalid));
//! assert_eq!(err.to_string_buf().as_str(),
//!            "timeout_hours must be a number greater than 0 and at most 8760 (1 year)");
//! assert_eq!(err.code(), "wait_timeout_hours_invalid");
//! ```

use core::fmt;

use crate::bytes::find_pair;
use crate::context::{ContextError, ExecutionContext};
use crate::div64::div_rem;
use crate::error::{Error, Result};
use crate::json;
use crate::lifecycle::Transition;
use crate::msg::{self, Text};
use crate::registration::{CheckedConfig, ConfigArg, WebhookRegistration, MAX_CONFIG_LEN};
#[cfg(feature = "schedule")]
use crate::time;
use crate::url::UrlString;

/// Default `timeout_hours` of webhook mode.
pub const DEFAULT_TIMEOUT_HOURS: u64 = 24;
/// Largest `timeout_hours` (one year); the registration module owns the bound.
pub use crate::registration::MAX_TIMEOUT_HOURS;
/// Longest `timezone` kept, in bytes.
pub const MAX_TIMEZONE_LEN: usize = 64;

const MS_PER_HOUR: u64 = 3_600_000;

/// Why the wait action refused its parameters or could not suspend.
/// Wrapped in [`Error::Wait`]. The messages of the parameter rules are
/// Prana's, verbatim, except `timeout_hours`: Prana's says "between 1 and
/// 8760" while it accepts any number in (0, 8760], so this one states the
/// range accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitError {
    /// No `mode`.
    ModeRequired,
    /// `mode` is not one of the three.
    ModeInvalid,
    /// Interval without `duration`.
    DurationRequired,
    /// `duration` is not a number > 0.
    DurationInvalid,
    /// `unit` is not one of the four.
    UnitInvalid,
    /// Schedule without `schedule_at`.
    ScheduleAtRequired,
    /// `schedule_at` is not an RFC 3339 / ISO 8601 datetime string.
    ScheduleAtInvalid,
    /// `schedule_at` is not after now.
    ScheduleAtPast,
    /// `timezone` is present but not a string of at most 64 bytes.
    TimezoneInvalid,
    /// `timeout_hours` is not a number with 0 < n ≤ 8760.
    TimeoutHoursInvalid,
    /// The current node id is missing.
    MissingNodeId,
    /// The execution context has no resume URL (no registration) for this node.
    NoResumeUrl {
        /// The node id (cut at 64 bytes).
        node: heapless::String<64>,
    },
}

msg::messages! { WaitError {
    ModeRequired => "wait_mode_required", "mode is required";
    ModeInvalid => "wait_mode_invalid", "mode must be 'interval', 'schedule', or 'webhook'";
    DurationRequired => "wait_duration_required", "duration is required";
    DurationInvalid => "wait_duration_invalid", "duration must be a positive number";
    UnitInvalid => "wait_unit_invalid", "unit must be 'ms', 'seconds', 'minutes', or 'hours'";
    ScheduleAtRequired => "wait_schedule_at_required", "schedule_at is required";
    ScheduleAtInvalid => "wait_schedule_at_invalid",
        "schedule_at must be an ISO8601 datetime string";
    ScheduleAtPast => "wait_schedule_at_past", "schedule_at must be in the future";
    TimezoneInvalid => "wait_timezone_invalid", "timezone must be a string of at most 64 bytes";
    TimeoutHoursInvalid => "wait_timeout_hours_invalid",
        "timeout_hours must be a number greater than 0 and at most 8760 (1 year)";
    MissingNodeId => "wait_missing_node_id",
        "the current node_id is missing from the execution context";
    NoResumeUrl { .. } => "wait_no_resume_url",
        "the execution context has no resume_url for wait node '{}' (resume URLs are made at execution start for wait nodes with \"mode\": \"webhook\")";
} }

impl WaitError {
    /// A stable snake_case code.
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.row()]
    }

    /// Prana's error type for this failure (`config_error`,
    /// `interval_config_error`, `schedule_config_error`, `webhook_config_error`).
    pub const fn prana_type(&self) -> &'static str {
        match self {
            WaitError::ModeRequired | WaitError::ModeInvalid => "config_error",
            WaitError::DurationRequired | WaitError::DurationInvalid | WaitError::UnitInvalid => {
                "interval_config_error"
            }
            WaitError::ScheduleAtRequired
            | WaitError::ScheduleAtInvalid
            | WaitError::ScheduleAtPast
            | WaitError::TimezoneInvalid => "schedule_config_error",
            WaitError::TimeoutHoursInvalid
            | WaitError::MissingNodeId
            | WaitError::NoResumeUrl { .. } => "webhook_config_error",
        }
    }
}

impl WaitError {
    /// The message (what `Display` writes), to any sink.
    pub(crate) fn write_to(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let args: &[msg::Arg<'_>] = match self {
            WaitError::NoResumeUrl { node } => &[Text(node)],
            _ => &[],
        };
        self.write_message(f, args)
    }
}

impl From<WaitError> for Error {
    fn from(e: WaitError) -> Self {
        Error::Wait(e)
    }
}

/// The three modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitMode {
    /// Wait for a duration.
    Interval,
    /// Wait until a date-time.
    Schedule,
    /// Wait for a call to the resume URL.
    Webhook,
}

impl WaitMode {
    /// `"interval"`, `"schedule"` or `"webhook"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            WaitMode::Interval => "interval",
            WaitMode::Schedule => "schedule",
            WaitMode::Webhook => "webhook",
        }
    }
}

/// Validated wait parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitParams<'a> {
    /// Interval mode.
    Interval {
        /// `duration × unit`, truncated to whole milliseconds (as Prana does).
        duration_ms: u64,
        /// `now + duration_ms`.
        resume_at: u64,
    },
    /// Schedule mode.
    Schedule {
        /// `schedule_at` in unix ms.
        resume_at: u64,
        /// `timezone` (default `"UTC"`).
        timezone: &'a str,
    },
    /// Webhook mode.
    Webhook {
        /// `timeout_hours × 3 600 000`, truncated.
        timeout_ms: u64,
        /// `webhook_config` as raw JSON (default `{}`).
        webhook_config: &'a str,
    },
}

impl WaitParams<'_> {
    /// The mode.
    pub fn mode(&self) -> WaitMode {
        match self {
            WaitParams::Interval { .. } => WaitMode::Interval,
            WaitParams::Schedule { .. } => WaitMode::Schedule,
            WaitParams::Webhook { .. } => WaitMode::Webhook,
        }
    }
}

/// A member's value, with JSON `null` treated as absent (Prana reads params
/// with `Map.get`, where a null value and a missing key are both `nil`).
fn non_null(raw: Option<&str>) -> Option<&str> {
    raw.filter(|v| *v != "null")
}

/// A JSON number, from its (validated) text: sign, the digits before and
/// after the point, and the exponent. Wait parameters are read as exact
/// decimals, not `f64`: `1.005` seconds is 1 005 ms (as `f64`, 1 004), and a
/// firmware needs no float parsing (~5 KiB of code and a 10 KiB table).
struct Decimal<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    /// Clamped to [`MAX_EXP`]: a machine word holds it and every sum below.
    exp: isize,
}

/// Exponents are clamped to this: with at most a few thousand digits, any
/// larger one only decides between 0 and "too big", as this one does.
const MAX_EXP: isize = 100_000;

impl<'a> Decimal<'a> {
    /// `None` when `raw` is not a number (another JSON value).
    fn parse(raw: &'a str) -> Option<Decimal<'a>> {
        let b = raw.as_bytes();
        let negative = b.first() == Some(&b'-');
        let digits =
            |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let int_start = usize::from(negative);
        let int_end = digits(int_start);
        if int_end == int_start {
            return None;
        }
        let (frac_start, frac_end) = match b.get(int_end) {
            Some(b'.') => (int_end + 1, digits(int_end + 1)),
            _ => (int_end, int_end),
        };
        let mut exp = 0isize;
        if let Some(b'e' | b'E') = b.get(frac_end) {
            let mut i = frac_end + 1;
            let sign = match b.get(i) {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 1,
            };
            if matches!(b.get(i), Some(b'-' | b'+')) {
                i += 1;
            }
            for &c in &b[i..] {
                exp = (exp * 10 + isize::from(c - b'0')).min(MAX_EXP);
            }
            exp *= sign;
        }
        Some(Decimal {
            negative,
            int: &b[int_start..int_end],
            frac: &b[frac_start..frac_end],
            exp,
        })
    }

    fn is_zero(&self) -> bool {
        self.int.iter().chain(self.frac).all(|&c| c == b'0')
    }

    /// `⌊|self| × m × 10^shift⌋`, saturating at `u64::MAX`, for a small `m`
    /// (below 100); and whether a nonzero fraction was cut off.
    fn scaled(&self, m: u64, shift: isize) -> (u64, bool) {
        // The digits of `int` then `frac`; the point moves to `point`.
        let digit = |i: usize| {
            let c = if i < self.int.len() {
                self.int[i]
            } else {
                self.frac[i - self.int.len()]
            };
            u64::from(c - b'0')
        };
        let len = self.int.len() + self.frac.len();
        // A slice's length is at most isize::MAX: exact.
        let point = self.int.len() as isize + self.exp + shift;
        // Whole part: the digits before the point, then zeros up to it.
        let whole_digits = point.clamp(0, len as isize) as usize;
        let mut whole = Some(0u64);
        for i in 0..whole_digits {
            whole = whole.and_then(|w| w.checked_mul(10)?.checked_add(digit(i)));
        }
        if whole != Some(0) {
            for _ in whole_digits as isize..point.min(whole_digits as isize + 20) {
                whole = whole.and_then(|w| w.checked_mul(10));
            }
            if point > whole_digits as isize + 20 {
                whole = None;
            }
        }
        // ⌊m × fraction⌋, carried from the last digit to the first (the
        // zeros between the point and the first digit only shrink it).
        let mut carry = 0u64;
        let mut cut = false;
        for i in (whole_digits..len).rev() {
            let d = digit(i);
            cut |= d != 0;
            carry = div_rem(m * d + carry, 10).0;
        }
        let leading_zeros = (-point).clamp(0, 2);
        for _ in 0..leading_zeros {
            carry = div_rem(carry, 10).0;
        }
        let total = whole
            .and_then(|w| w.checked_mul(m))
            .and_then(|w| w.checked_add(carry))
            .unwrap_or(u64::MAX);
        (total, cut)
    }
}

/// The members of the wait params that the action reads, in this order.
const PARAM_NAMES: [&str; 7] = [
    "mode",
    "duration",
    "unit",
    "schedule_at",
    "timezone",
    "timeout_hours",
    "webhook_config",
];

/// What the param readers below fail with: the error, made only when a
/// `?` turns it into one. A function pointer, so their results pass in
/// registers instead of carrying an [`Error`] through every `?`.
#[derive(Clone, Copy)]
struct Bad(fn() -> Error);

impl From<Bad> for Error {
    fn from(bad: Bad) -> Self {
        (bad.0)()
    }
}

/// A param reader's result.
type Param<T> = core::result::Result<T, Bad>;

/// The [`Bad`] of a wait error without data.
macro_rules! bad {
    ($e:expr) => {
        Bad(|| Error::Wait($e))
    };
}

/// `mode`: required, one of the three names.
fn mode_of(raw: Option<&str>) -> Param<WaitMode> {
    match non_null(raw) {
        None => Err(bad!(WaitError::ModeRequired)),
        Some(raw) => match json::plain_str(raw) {
            Some("interval") => Ok(WaitMode::Interval),
            Some("schedule") => Ok(WaitMode::Schedule),
            Some("webhook") => Ok(WaitMode::Webhook),
            _ => Err(bad!(WaitError::ModeInvalid)),
        },
    }
}

/// `duration`: required, a number greater than 0.
fn duration_of(raw: Option<&str>) -> Param<Decimal<'_>> {
    let raw = non_null(raw).ok_or(bad!(WaitError::DurationRequired))?;
    Decimal::parse(raw)
        .filter(|d| !d.negative && !d.is_zero())
        .ok_or(bad!(WaitError::DurationInvalid))
}

/// `unit`: the unit's milliseconds as `m × 10^shift` (default `ms`).
fn unit_scale(raw: Option<&str>) -> Param<(u64, isize)> {
    match raw.map(json::plain_str) {
        None | Some(Some("ms")) => Ok((1, 0)),
        Some(Some("seconds")) => Ok((1, 3)),
        Some(Some("minutes")) => Ok((6, 4)),
        Some(Some("hours")) => Ok((36, 5)),
        Some(_) => Err(bad!(WaitError::UnitInvalid)),
    }
}

/// `schedule_at`: required, an RFC 3339 datetime; unix ms (the clock is
/// not consulted here).
#[cfg(feature = "schedule")]
fn schedule_at_of(raw: Option<&str>) -> Param<i64> {
    let raw = non_null(raw).ok_or(bad!(WaitError::ScheduleAtRequired))?;
    json::plain_str(raw)
        .and_then(time::parse_rfc3339)
        .ok_or(bad!(WaitError::ScheduleAtInvalid))
}

/// `timezone`: a string of at most [`MAX_TIMEZONE_LEN`] bytes (default `UTC`).
#[cfg(feature = "schedule")]
fn timezone_of(raw: Option<&str>) -> Param<&str> {
    match non_null(raw) {
        None => Ok("UTC"),
        Some(raw) => json::plain_str(raw)
            .filter(|s| s.len() <= MAX_TIMEZONE_LEN)
            .ok_or(bad!(WaitError::TimezoneInvalid)),
    }
}

/// `timeout_hours` in milliseconds: a number with 0 < n ≤ 8760, compared
/// exactly (fractions allowed), default 24.
fn timeout_ms_of(raw: Option<&str>) -> Param<u64> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_TIMEOUT_HOURS * MS_PER_HOUR);
    };
    let hours = Decimal::parse(raw)
        .filter(|h| !h.negative && !h.is_zero())
        .ok_or(bad!(WaitError::TimeoutHoursInvalid))?;
    let (whole, cut) = hours.scaled(1, 0);
    if whole > MAX_TIMEOUT_HOURS || (whole == MAX_TIMEOUT_HOURS && cut) {
        return Err(bad!(WaitError::TimeoutHoursInvalid));
    }
    // hours × 3 600 000 = hours × 36 × 10^5, truncated.
    Ok(hours.scaled(36, 5).0)
}

/// The `timeout_hours` member of a JSON object `text` (blank text counts
/// as `{}`) in ms, by the wait param's rule and with its errors; for an
/// extend request's body ([`crate::route::requested_expiry`]).
pub(crate) fn timeout_ms_in(text: &str) -> Result<u64> {
    if text.trim().is_empty() {
        return Ok(timeout_ms_of(None)?);
    }
    let [timeout_hours] = json::first_members(text, "extend request", ["timeout_hours"])?;
    Ok(timeout_ms_of(timeout_hours)?)
}

/// `webhook_config`: a JSON object (default `{}`).
fn webhook_config_of(raw: Option<&str>) -> Param<&str> {
    match non_null(raw) {
        None => Ok("{}"),
        Some(raw) if raw.starts_with('{') => Ok(raw),
        Some(_) => Err(Bad(|| Error::NotAnObject("webhook_config"))),
    }
}

/// The size limit of a `webhook_config` object: the registration keeps at
/// most [`MAX_CONFIG_LEN`] bytes of it, and says so with this error.
fn check_config_len(config: &str) -> Param<()> {
    if config.len() > MAX_CONFIG_LEN {
        return Err(Bad(|| Error::Capacity {
            what: "webhook_config",
            limit: MAX_CONFIG_LEN,
        }));
    }
    Ok(())
}

/// Whether a param's raw value holds a `{{ … }}` expression: its final
/// value is known only once rendered, so it is checked then.
fn holds_expression(raw: Option<&str>) -> bool {
    raw.is_some_and(|r| find_pair(r, b'{').is_some())
}

/// Validate wait parameters (a JSON object, already rendered) as of `now`
/// (unix ms), in Prana's order of checks.
pub fn parse(params: &str, now: u64) -> Result<WaitParams<'_>> {
    // One pass over the params finds each member (its first occurrence).
    let [mode, duration, unit, schedule_at, timezone, timeout_hours, webhook_config] =
        json::first_members(params, "wait params", PARAM_NAMES)?;
    #[cfg(not(feature = "schedule"))]
    let _ = (schedule_at, timezone);
    match mode_of(mode)? {
        WaitMode::Interval => {
            let duration = duration_of(duration)?;
            let (m, shift) = unit_scale(unit)?;
            // Truncated to whole milliseconds, as Prana does.
            let (duration_ms, _) = duration.scaled(m, shift);
            Ok(WaitParams::Interval {
                duration_ms,
                resume_at: now.saturating_add(duration_ms),
            })
        }
        // Without the `schedule` feature there is no date-time parser.
        #[cfg(not(feature = "schedule"))]
        WaitMode::Schedule => Err(WaitError::ModeInvalid.into()),
        #[cfg(feature = "schedule")]
        WaitMode::Schedule => {
            let at = schedule_at_of(schedule_at)?;
            let timezone = timezone_of(timezone)?;
            if at <= 0 || at as u64 <= now {
                return Err(WaitError::ScheduleAtPast.into());
            }
            Ok(WaitParams::Schedule {
                resume_at: at as u64,
                timezone,
            })
        }
        WaitMode::Webhook => {
            let timeout_ms = timeout_ms_of(timeout_hours)?;
            let webhook_config = webhook_config_of(webhook_config)?;
            check_config_len(webhook_config)?;
            Ok(WaitParams::Webhook {
                timeout_ms,
                webhook_config,
            })
        }
    }
}

/// Check the wait params of a workflow definition before any execution:
/// every rule of [`parse`] that does not depend on the clock or on
/// rendering, with the very errors (codes and messages) [`parse`] gives.
///
/// A member whose value holds a `{{ … }}` expression is skipped here and
/// checked by [`parse`] once rendered; so is everything when `mode` holds
/// one (which members count depends on it). `schedule_at` being in the
/// future needs the clock, so only its format is checked. A
/// `webhook_config` holding an expression has its shape checked but not
/// its size (rendering changes it).
pub fn check_static(params: &str) -> Result<()> {
    let [mode, duration, unit, schedule_at, timezone, timeout_hours, webhook_config] =
        json::first_members(params, "wait params", PARAM_NAMES)?;
    if holds_expression(mode) {
        return Ok(());
    }
    let static_ = |raw: Option<&'_ str>| !holds_expression(raw);
    #[cfg(not(feature = "schedule"))]
    let _ = (schedule_at, timezone);
    match mode_of(mode)? {
        WaitMode::Interval => {
            if static_(duration) {
                duration_of(duration)?;
            }
            if static_(unit) {
                unit_scale(unit)?;
            }
        }
        // Without the `schedule` feature there is no date-time parser.
        #[cfg(not(feature = "schedule"))]
        WaitMode::Schedule => return Err(WaitError::ModeInvalid.into()),
        #[cfg(feature = "schedule")]
        WaitMode::Schedule => {
            if static_(schedule_at) {
                schedule_at_of(schedule_at)?;
            }
            if static_(timezone) {
                timezone_of(timezone)?;
            }
        }
        WaitMode::Webhook => {
            if static_(timeout_hours) {
                timeout_ms_of(timeout_hours)?;
            }
            let config = webhook_config_of(webhook_config)?;
            if static_(webhook_config) {
                check_config_len(config)?;
            }
        }
    }
    Ok(())
}

/// Why and until when an execution is suspended.
// The registration is inline on purpose: there is no heap to box it.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suspension {
    /// Interval mode: resume (through `main`) at `resume_at`.
    Interval {
        /// The duration in ms.
        duration_ms: u64,
        /// When to resume, unix ms.
        resume_at: u64,
    },
    /// Schedule mode: resume (through `main`) at `resume_at`.
    Schedule {
        /// When to resume, unix ms.
        resume_at: u64,
        /// The `timezone` parameter, kept for the host.
        timezone: heapless::String<MAX_TIMEZONE_LEN>,
    },
    /// Webhook mode: resume when the resume URL is called, or continue
    /// through `timeout` once `registration.expires_at` has passed.
    Webhook {
        /// The activated registration, `webhook_config` included: persist it.
        registration: WebhookRegistration,
        /// Its resume URL, with `?sig={key_id}.{mac}` when the execution was
        /// started signed ([`executor::start_signed`](crate::executor::start_signed)).
        resume_url: UrlString,
        /// The timeout in ms.
        timeout_ms: u64,
    },
}

impl Suspension {
    /// The mode.
    pub fn mode(&self) -> WaitMode {
        match self {
            Suspension::Interval { .. } => WaitMode::Interval,
            Suspension::Schedule { .. } => WaitMode::Schedule,
            Suspension::Webhook { .. } => WaitMode::Webhook,
        }
    }

    /// When the wait ends: `resume_at` for timers, `expires_at` for webhooks.
    pub fn deadline(&self) -> u64 {
        match self {
            Suspension::Interval { resume_at, .. } | Suspension::Schedule { resume_at, .. } => {
                *resume_at
            }
            Suspension::Webhook { registration, .. } => registration.expires_at.unwrap_or(0),
        }
    }
}

/// What the wait action returns when it suspends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitOutcome {
    /// The suspension data.
    pub suspension: Suspension,
    /// Webhook mode: the pending → active transition the host must apply.
    pub transition: Option<Transition>,
}

/// Run the wait action of node `node_id` with its (rendered) `params` at
/// `now`: validate the parameters and suspend; in webhook mode activate the
/// node's pending registration in `ctx` (AC-WH-2.1/2.2) and return it in
/// full (AC-WH-2.4). Fails when the node id is missing or `ctx` has no
/// resume URL for the node (AC-WH-2.5).
pub fn execute<const W: usize>(
    params: &str,
    node_id: &str,
    ctx: &mut ExecutionContext<W>,
    now: u64,
) -> Result<WaitOutcome> {
    let mut out = WaitOutcome {
        suspension: Suspension::Interval {
            duration_ms: 0,
            resume_at: 0,
        },
        transition: None,
    };
    out.transition = execute_into(params, node_id, ctx, now, &mut out.suspension)?;
    Ok(out)
}

/// [`execute`] writing the suspension into `out`, in place (the executor
/// builds it where its caller receives it); returns the webhook transition.
/// On error `out` may hold a partial suspension.
pub(crate) fn execute_into<const W: usize>(
    params: &str,
    node_id: &str,
    ctx: &mut ExecutionContext<W>,
    now: u64,
    out: &mut Suspension,
) -> Result<Option<Transition>> {
    if node_id.is_empty() {
        return Err(WaitError::MissingNodeId.into());
    }
    execute_parsed_into(parse(params, now)?, node_id, ctx, now, out)
}

/// [`execute_into`] with params already parsed (`node_id` not empty): a
/// webhook wait's params do not depend on the clock, so the workflow parses
/// them once (see `Workflow::webhook_params`).
pub(crate) fn execute_parsed_into<const W: usize>(
    params: WaitParams<'_>,
    node_id: &str,
    ctx: &mut ExecutionContext<W>,
    now: u64,
    out: &mut Suspension,
) -> Result<Option<Transition>> {
    match params {
        WaitParams::Interval {
            duration_ms,
            resume_at,
        } => {
            *out = Suspension::Interval {
                duration_ms,
                resume_at,
            };
            Ok(None)
        }
        WaitParams::Schedule {
            resume_at,
            timezone,
        } => {
            let mut tz = heapless::String::new();
            // parse() checked the length.
            tz.push_str(timezone)
                .map_err(|_| WaitError::TimezoneInvalid)?;
            *out = Suspension::Schedule {
                resume_at,
                timezone: tz,
            };
            Ok(None)
        }
        WaitParams::Webhook {
            timeout_ms,
            webhook_config,
        } => webhook_into(
            timeout_ms,
            ConfigArg::Raw(webhook_config),
            node_id,
            ctx,
            now,
            out,
        ),
    }
}

/// A webhook wait whose params the workflow parsed and checked once
/// (`Workflow::webhook_params`): as [`execute_parsed_into`] with them.
pub(crate) fn execute_webhook_into<const W: usize>(
    timeout_ms: u64,
    webhook_config: CheckedConfig<'_>,
    node_id: &str,
    ctx: &mut ExecutionContext<W>,
    now: u64,
    out: &mut Suspension,
) -> Result<Option<Transition>> {
    let config = ConfigArg::Checked(webhook_config);
    webhook_into(timeout_ms, config, node_id, ctx, now, out)
}

/// Activate `node_id`'s registration into a webhook suspension in `out`.
fn webhook_into<const W: usize>(
    timeout_ms: u64,
    webhook_config: ConfigArg<'_>,
    node_id: &str,
    ctx: &mut ExecutionContext<W>,
    now: u64,
    out: &mut Suspension,
) -> Result<Option<Transition>> {
    if !matches!(out, Suspension::Webhook { .. }) {
        *out = Suspension::Webhook {
            registration: WebhookRegistration::empty(),
            resume_url: UrlString::new(),
            timeout_ms,
        };
    }
    let Suspension::Webhook {
        registration,
        resume_url,
        timeout_ms: ms,
    } = out
    else {
        // Cannot happen: made a webhook suspension just above.
        return Err(WaitError::MissingNodeId.into());
    };
    *ms = timeout_ms;
    // The context's URL: signed (`?sig=…`) when the execution was.
    let t = ctx
        .activate_into(
            node_id,
            now,
            timeout_ms,
            webhook_config,
            registration,
            resume_url,
        )
        .map_err(|e| match e {
            // The wait action's own name for a node without registration.
            Error::Context(ContextError::NoRegistration { node }) => {
                WaitError::NoResumeUrl { node }.into()
            }
            e => e,
        })?;
    Ok(Some(t))
}
