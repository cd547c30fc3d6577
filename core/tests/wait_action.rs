//! Every parameter rule, default, limit and message of the unified wait
//! action (Prana's, verbatim), and webhook activation against a context.

use prana_webhook_core::context::ExecutionContext;
use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::registration::MAX_CONFIG_LEN;
use prana_webhook_core::url::BaseUrl;
use prana_webhook_core::wait::{self, Suspension, WaitError, WaitMode, WaitParams};
use prana_webhook_core::workflow::Workflow;
use prana_webhook_core::Error;

/// 2025-07-02T10:00:00Z.
const NOW: u64 = 1_751_450_400_000;
const HOUR_MS: u64 = 3_600_000;

fn refused(params: &str) -> (WaitError, String) {
    match wait::parse(params, NOW) {
        Err(Error::Wait(e)) => {
            let msg = Error::Wait(e.clone()).to_string_buf().to_string();
            (e, msg)
        }
        other => panic!("{params}: expected a wait error, got {other:?}"),
    }
}

fn assert_refused(params: &str, expected: WaitError, message: &str) {
    let (e, msg) = refused(params);
    assert_eq!(e, expected, "{params}");
    assert_eq!(msg, message, "{params}");
}

#[test]
fn mode_rules() {
    for p in [r#"{}"#, r#"{"mode": null}"#, r#"{"duration": 5}"#] {
        assert_refused(p, WaitError::ModeRequired, "mode is required");
    }
    for p in [
        r#"{"mode": "sleep"}"#,
        r#"{"mode": "Webhook"}"#,
        r#"{"mode": 1}"#,
        r#"{"mode": ["webhook"]}"#,
        r#"{"mode": ""}"#,
    ] {
        assert_refused(
            p,
            WaitError::ModeInvalid,
            "mode must be 'interval', 'schedule', or 'webhook'",
        );
    }
    assert_eq!(wait::parse("[]", NOW).unwrap_err().code(), "not_an_object");
    assert_eq!(wait::parse("{", NOW).unwrap_err().code(), "invalid_json");
}

#[test]
fn interval_rules() {
    for p in [
        r#"{"mode": "interval"}"#,
        r#"{"mode": "interval", "duration": null}"#,
    ] {
        assert_refused(p, WaitError::DurationRequired, "duration is required");
    }
    for d in ["0", "-1", "-0.5", "0.0", r#""5""#, "true", "{}", "[1]"] {
        let p = format!(r#"{{"mode": "interval", "duration": {d}}}"#);
        assert_refused(
            &p,
            WaitError::DurationInvalid,
            "duration must be a positive number",
        );
    }
    for u in [r#""days""#, r#""MS""#, r#""second""#, "null", "1", r#""""#] {
        let p = format!(r#"{{"mode": "interval", "duration": 5, "unit": {u}}}"#);
        assert_refused(
            &p,
            WaitError::UnitInvalid,
            "unit must be 'ms', 'seconds', 'minutes', or 'hours'",
        );
    }
    // Duration is checked before unit, as in Prana.
    assert_refused(
        r#"{"mode": "interval", "duration": 0, "unit": "days"}"#,
        WaitError::DurationInvalid,
        "duration must be a positive number",
    );
    let cases: &[(&str, u64)] = &[
        (r#""duration": 1500"#, 1500),
        (r#""duration": 1500, "unit": "ms""#, 1500),
        (r#""duration": 1.5, "unit": "seconds""#, 1500),
        (r#""duration": 2, "unit": "minutes""#, 120_000),
        (r#""duration": 1, "unit": "hours""#, HOUR_MS),
        (r#""duration": 0.5, "unit": "hours""#, HOUR_MS / 2),
        (r#""duration": 2.9"#, 2),
        (r#""duration": 1e3"#, 1000),
    ];
    for (members, ms) in cases {
        let p = format!(r#"{{"mode": "interval", {members}}}"#);
        assert_eq!(
            wait::parse(&p, NOW).unwrap(),
            WaitParams::Interval {
                duration_ms: *ms,
                resume_at: NOW + ms
            },
            "{p}"
        );
    }
}

#[test]
fn schedule_rules() {
    for p in [
        r#"{"mode": "schedule"}"#,
        r#"{"mode": "schedule", "schedule_at": null}"#,
    ] {
        assert_refused(p, WaitError::ScheduleAtRequired, "schedule_at is required");
    }
    for at in [
        "1751450400000",
        r#""tomorrow""#,
        r#""2025-07-03""#,
        r#""2025-07-03T10:00:00""#,
        r#""2025-07-03T10:00""#,
        r#""2025-02-30T10:00:00Z""#,
        r#""2025-07-03T25:00:00Z""#,
        r#""2025-07-03T10:00:00+25:00""#,
        r#""2025/07/03 10:00:00Z""#,
        "true",
        "{}",
    ] {
        let p = format!(r#"{{"mode": "schedule", "schedule_at": {at}}}"#);
        assert_refused(
            &p,
            WaitError::ScheduleAtInvalid,
            "schedule_at must be an ISO8601 datetime string",
        );
    }
    for at in [
        "2025-07-02T10:00:00Z",      // now: not in the future
        "2025-07-02T09:59:59.999Z",  // a millisecond ago
        "2025-07-02T15:29:59+05:30", // 09:59:59Z
        "2025-07-02T05:00:00-05:00", // exactly now
        "1970-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
    ] {
        let p = format!(r#"{{"mode": "schedule", "schedule_at": "{at}"}}"#);
        assert_refused(
            &p,
            WaitError::ScheduleAtPast,
            "schedule_at must be in the future",
        );
    }
    let cases: &[(&str, u64)] = &[
        ("2025-07-02T10:00:00.001Z", NOW + 1),
        ("2025-07-02T11:00:00Z", NOW + HOUR_MS),
        ("2025-07-02T16:30:00+05:30", NOW + HOUR_MS),
        ("2025-07-02T06:00:00-05:00", NOW + HOUR_MS),
        ("2025-07-02T11:00:00+0000", NOW + HOUR_MS),
        ("2025-07-02 11:00:00z", NOW + HOUR_MS),
        ("2025-07-03T10:00:00.5+00:00", NOW + 24 * HOUR_MS + 500),
    ];
    for (at, resume_at) in cases {
        let p = format!(r#"{{"mode": "schedule", "schedule_at": "{at}"}}"#);
        assert_eq!(
            wait::parse(&p, NOW).unwrap(),
            WaitParams::Schedule {
                resume_at: *resume_at,
                timezone: "UTC"
            },
            "{at}"
        );
    }
    let p = r#"{"mode": "schedule", "schedule_at": "2025-07-03T00:00:00Z", "timezone": "America/New_York"}"#;
    assert!(matches!(
        wait::parse(p, NOW).unwrap(),
        WaitParams::Schedule {
            timezone: "America/New_York",
            ..
        }
    ));
    let p = r#"{"mode": "schedule", "schedule_at": "2025-07-03T00:00:00Z", "timezone": 5}"#;
    assert_eq!(refused(p).0, WaitError::TimezoneInvalid);
}

#[test]
fn webhook_timeout_hours_rules() {
    let msg = "timeout_hours must be a number greater than 0 and at most 8760 (1 year)";
    for h in [
        "0", "-1", "8761", "8760.001", "-0.5", "1e9", "null", r#""24""#, "true", "[]",
    ] {
        let p = format!(r#"{{"mode": "webhook", "timeout_hours": {h}}}"#);
        assert_refused(&p, WaitError::TimeoutHoursInvalid, msg);
    }
    let cases: &[(&str, u64)] = &[
        (r#"{"mode": "webhook"}"#, 24 * HOUR_MS),
        (
            r#"{"mode": "webhook", "timeout_hours": 8760}"#,
            8760 * HOUR_MS,
        ),
        (r#"{"mode": "webhook", "timeout_hours": 1}"#, HOUR_MS),
        // Prana accepts any number in (0, 8760], fractions included.
        (r#"{"mode": "webhook", "timeout_hours": 0.5}"#, HOUR_MS / 2),
        (r#"{"mode": "webhook", "timeout_hours": 48}"#, 48 * HOUR_MS),
    ];
    for (p, ms) in cases {
        assert_eq!(
            wait::parse(p, NOW).unwrap(),
            WaitParams::Webhook {
                timeout_ms: *ms,
                webhook_config: "{}"
            },
            "{p}"
        );
    }
    let p = r#"{"mode": "webhook", "webhook_config": {"a": [1]}}"#;
    assert!(matches!(
        wait::parse(p, NOW).unwrap(),
        WaitParams::Webhook {
            webhook_config: r#"{"a": [1]}"#,
            ..
        }
    ));
    let p = r#"{"mode": "webhook", "webhook_config": "x"}"#;
    assert_eq!(wait::parse(p, NOW).unwrap_err().code(), "not_an_object");
}

#[test]
fn codes_and_prana_types_are_stable() {
    let all = [
        (
            WaitError::ModeRequired,
            "wait_mode_required",
            "config_error",
        ),
        (WaitError::ModeInvalid, "wait_mode_invalid", "config_error"),
        (
            WaitError::DurationRequired,
            "wait_duration_required",
            "interval_config_error",
        ),
        (
            WaitError::DurationInvalid,
            "wait_duration_invalid",
            "interval_config_error",
        ),
        (
            WaitError::UnitInvalid,
            "wait_unit_invalid",
            "interval_config_error",
        ),
        (
            WaitError::ScheduleAtRequired,
            "wait_schedule_at_required",
            "schedule_config_error",
        ),
        (
            WaitError::ScheduleAtInvalid,
            "wait_schedule_at_invalid",
            "schedule_config_error",
        ),
        (
            WaitError::ScheduleAtPast,
            "wait_schedule_at_past",
            "schedule_config_error",
        ),
        (
            WaitError::TimezoneInvalid,
            "wait_timezone_invalid",
            "schedule_config_error",
        ),
        (
            WaitError::TimeoutHoursInvalid,
            "wait_timeout_hours_invalid",
            "webhook_config_error",
        ),
        (
            WaitError::MissingNodeId,
            "wait_missing_node_id",
            "webhook_config_error",
        ),
    ];
    for (e, code, ty) in all {
        assert_eq!(e.code(), code);
        assert_eq!(Error::Wait(e.clone()).code(), code);
        assert_eq!(e.prana_type(), ty);
    }
}

fn context() -> ExecutionContext {
    let wf = Workflow::parse(
        r#"{"id": "wf", "nodes": [
            {"key": "w", "type": "wait", "params": {"mode": "webhook"}},
            {"key": "t", "type": "wait", "params": {"mode": "interval", "duration": 5}}],
          "connections": [{"from": "w", "to": "t"}]}"#,
    )
    .unwrap();
    let base = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
    let mut ids = IdGenerator::from_seed([21; 32]);
    ExecutionContext::for_workflow(&wf, "exec", &base, &mut ids, NOW - 10).unwrap()
}

#[test]
fn webhook_activates_the_pending_registration() {
    let mut ctx = context();
    let id = ctx.resume_id("w").unwrap().clone();
    let out = wait::execute(
        r#"{"mode": "webhook", "timeout_hours": 2, "webhook_config": {"to": "ops"}}"#,
        "w",
        &mut ctx,
        NOW,
    )
    .unwrap();
    let t = out.transition.unwrap();
    assert_eq!(
        (t.resume_id.clone(), t.from, t.to),
        (id.clone(), Status::Pending, Status::Active)
    );
    let Suspension::Webhook {
        registration,
        resume_url,
        timeout_ms,
    } = &out.suspension
    else {
        panic!()
    };
    assert_eq!(out.suspension.mode(), WaitMode::Webhook);
    assert_eq!(*timeout_ms, 2 * HOUR_MS);
    assert_eq!(registration.resume_id, id);
    assert_eq!(registration.execution_id.as_str(), "exec");
    assert_eq!(registration.node_id.as_str(), "w");
    assert_eq!(registration.status, Status::Active);
    assert_eq!(registration.created_at, NOW - 10);
    assert_eq!(registration.expires_at, Some(NOW + 2 * HOUR_MS));
    assert_eq!(registration.webhook_config.as_str(), r#"{"to":"ops"}"#);
    assert_eq!(
        resume_url.as_str(),
        format!("http://127.0.0.1:8080/webhook/workflow/resume/{id}")
    );
    assert_eq!(out.suspension.deadline(), NOW + 2 * HOUR_MS);
    // The context tracks the new state.
    let reg = ctx.registration("w").unwrap();
    assert_eq!(reg.status, Status::Active);
    assert_eq!(reg.expires_at, Some(NOW + 2 * HOUR_MS));
}

#[test]
fn webhook_without_resume_url_or_node_id_fails_clearly() {
    let mut ctx = context();
    // "t" is an interval wait: it has no resume URL.
    let err = wait::execute(r#"{"mode": "webhook"}"#, "t", &mut ctx, NOW).unwrap_err();
    assert_eq!(err.code(), "wait_no_resume_url");
    assert!(err
        .to_string_buf()
        .starts_with("the execution context has no resume_url for wait node 't'"));
    let err = wait::execute(r#"{"mode": "webhook"}"#, "", &mut ctx, NOW).unwrap_err();
    assert_eq!(err, Error::Wait(WaitError::MissingNodeId));
    // Parameter errors come first and leave the registration pending.
    let err = wait::execute(
        r#"{"mode": "webhook", "timeout_hours": 0}"#,
        "w",
        &mut ctx,
        NOW,
    )
    .unwrap_err();
    assert_eq!(err, Error::Wait(WaitError::TimeoutHoursInvalid));
    assert_eq!(ctx.registration("w").unwrap().status, Status::Pending);
}

#[test]
fn timers_suspend_without_touching_registrations() {
    let mut ctx = context();
    let out = wait::execute(
        r#"{"mode": "interval", "duration": 3, "unit": "minutes"}"#,
        "t",
        &mut ctx,
        NOW,
    )
    .unwrap();
    assert_eq!(out.transition, None);
    assert_eq!(
        out.suspension,
        Suspension::Interval {
            duration_ms: 180_000,
            resume_at: NOW + 180_000
        }
    );
    let out = wait::execute(
        r#"{"mode": "schedule", "schedule_at": "2025-07-02T12:00:00+02:00"}"#,
        "t",
        &mut ctx,
        NOW - 1,
    )
    .unwrap();
    assert_eq!(out.suspension.deadline(), NOW);
    assert!(matches!(&out.suspension, Suspension::Schedule { timezone, .. } if timezone == "UTC"));
    assert_eq!(ctx.registration("w").unwrap().status, Status::Pending);
}

/// `duration` and `timeout_hours` are exact decimals, not `f64`: what `f64`
/// would round (1.005 s = 1004.999… ms) comes out exact, exponents work,
/// huge values saturate, and the limits compare exactly.
#[test]
fn numbers_are_exact_decimals() {
    let interval =
        |members: &str| match wait::parse(&format!(r#"{{"mode": "interval", {members}}}"#), NOW) {
            Ok(WaitParams::Interval { duration_ms, .. }) => duration_ms,
            other => panic!("{members}: {other:?}"),
        };
    for (members, ms) in [
        (r#""duration": 1.005, "unit": "seconds""#, 1005),
        (r#""duration": 4.35, "unit": "minutes""#, 261_000),
        (r#""duration": 0.29, "unit": "hours""#, 1_044_000),
        (r#""duration": 9007199254740993"#, 9_007_199_254_740_993),
        (r#""duration": 2.5E+1, "unit": "seconds""#, 25_000),
        (r#""duration": 1500e-3, "unit": "seconds""#, 1500),
        (r#""duration": 0.001"#, 0),
        (r#""duration": 1e-400"#, 0),
        (r#""duration": 1e400"#, u64::MAX),
        (r#""duration": 18446744073709551616"#, u64::MAX),
    ] {
        assert_eq!(interval(members), ms, "{members}");
    }
    for d in ["-0", "0e5", "-1e-400", "0.000"] {
        let p = format!(r#"{{"mode": "interval", "duration": {d}}}"#);
        assert_refused(
            &p,
            WaitError::DurationInvalid,
            "duration must be a positive number",
        );
    }

    let webhook = |h: &str| match wait::parse(
        &format!(r#"{{"mode": "webhook", "timeout_hours": {h}}}"#),
        NOW,
    ) {
        Ok(WaitParams::Webhook { timeout_ms, .. }) => timeout_ms,
        other => panic!("{h}: {other:?}"),
    };
    // 0.0005 h is what the gateway tests use: 1.8 s.
    for (h, ms) in [
        ("0.0005", 1800),
        ("1e3", 1000 * HOUR_MS),
        ("8.76e3", 8760 * HOUR_MS),
        ("8760.000", 8760 * HOUR_MS),
        ("4.35", 15_660_000),
        ("1e-9", 0),
    ] {
        assert_eq!(webhook(h), ms, "{h}");
    }
    let msg = "timeout_hours must be a number greater than 0 and at most 8760 (1 year)";
    for h in ["8760.0000000000001", "8.7600001e3", "1e400", "-0", "0e-3"] {
        let p = format!(r#"{{"mode": "webhook", "timeout_hours": {h}}}"#);
        assert_refused(&p, WaitError::TimeoutHoursInvalid, msg);
    }
}

/// Members are looked up once, in one pass: the first occurrence counts
/// (a `null` first one too), keys are compared decoded, and the whole
/// object is checked.
#[test]
fn params_are_read_in_one_pass() {
    let p = r#"{"mode": "interval", "duration": 7, "duration": 9, "unit": "seconds"}"#;
    assert!(matches!(
        wait::parse(p, NOW),
        Ok(WaitParams::Interval {
            duration_ms: 7000,
            ..
        })
    ));
    let p = r#"{"mode": "interval", "duration": null, "duration": 9}"#;
    assert_refused(p, WaitError::DurationRequired, "duration is required");
    let p = r#"{"mod\u0065": "interval", "dur\u0061tion": 2}"#;
    assert!(matches!(
        wait::parse(p, NOW),
        Ok(WaitParams::Interval { duration_ms: 2, .. })
    ));
    for bad in [
        r#"{"mode": "webhook""#,
        r#"{"mode": "webhook"} x"#,
        r#"{"mode": 01}"#,
    ] {
        assert!(
            matches!(wait::parse(bad, NOW), Err(Error::Json(_))),
            "{bad}"
        );
    }
    assert_eq!(wait::parse("[]", NOW).unwrap_err().code(), "not_an_object");
}

/// The error `Workflow::parse` gives for a definition whose only node is a
/// wait node with `params`.
fn parse_refusal(params: &str) -> Error {
    let text =
        format!(r#"{{"id": "wf", "nodes": [{{"key": "w", "type": "wait", "params": {params}}}]}}"#);
    let parsed = Workflow::parse(&text).map(|_| ());
    match parsed {
        Err(e) => e,
        Ok(()) => panic!("{params}: the workflow parsed"),
    }
}

/// Static wait params are refused by `Workflow::parse` with exactly the
/// error (variant, code, message) the wait action gives when it runs.
#[test]
fn workflow_parse_refuses_static_wait_params_with_the_action_errors() {
    let timeout_msg = "timeout_hours must be a number greater than 0 and at most 8760 (1 year)";
    let cases: &[(&str, WaitError, &str)] = &[
        (
            r#"{"mode": "webhook", "timeout_hours": 0}"#,
            WaitError::TimeoutHoursInvalid,
            timeout_msg,
        ),
        (
            r#"{"mode": "webhook", "timeout_hours": 9000}"#,
            WaitError::TimeoutHoursInvalid,
            timeout_msg,
        ),
        (
            r#"{"mode": "webhook", "timeout_hours": "x"}"#,
            WaitError::TimeoutHoursInvalid,
            timeout_msg,
        ),
        (r#"{}"#, WaitError::ModeRequired, "mode is required"),
        (
            r#"{"mode": "sleep"}"#,
            WaitError::ModeInvalid,
            "mode must be 'interval', 'schedule', or 'webhook'",
        ),
        (
            r#"{"mode": "interval"}"#,
            WaitError::DurationRequired,
            "duration is required",
        ),
        (
            r#"{"mode": "interval", "duration": -1}"#,
            WaitError::DurationInvalid,
            "duration must be a positive number",
        ),
        (
            r#"{"mode": "interval", "duration": 5, "unit": "days"}"#,
            WaitError::UnitInvalid,
            "unit must be 'ms', 'seconds', 'minutes', or 'hours'",
        ),
        (
            r#"{"mode": "schedule"}"#,
            WaitError::ScheduleAtRequired,
            "schedule_at is required",
        ),
        (
            r#"{"mode": "schedule", "schedule_at": "next tuesday"}"#,
            WaitError::ScheduleAtInvalid,
            "schedule_at must be an ISO8601 datetime string",
        ),
        (
            r#"{"mode": "schedule", "schedule_at": "2025-07-03T00:00:00Z", "timezone": 5}"#,
            WaitError::TimezoneInvalid,
            "timezone must be a string of at most 64 bytes",
        ),
    ];
    for (params, expected, message) in cases {
        let at_parse = parse_refusal(params);
        assert_eq!(at_parse, Error::Wait(expected.clone()), "{params}");
        assert_eq!(at_parse.to_string_buf().as_str(), *message, "{params}");
        assert_eq!(at_parse.code(), expected.code(), "{params}");
        // The action, when it runs, says the very same.
        assert_eq!(wait::parse(params, NOW).unwrap_err(), at_parse, "{params}");
    }
    // webhook_config: its shape, and the size a registration keeps.
    let e = parse_refusal(r#"{"mode": "webhook", "webhook_config": [1]}"#);
    assert_eq!(e, Error::NotAnObject("webhook_config"));
    assert_eq!(
        e.to_string_buf().as_str(),
        "webhook_config must be a JSON object"
    );
    let big = format!(
        r#"{{"mode": "webhook", "webhook_config": {{"k": "{}"}}}}"#,
        "a".repeat(MAX_CONFIG_LEN)
    );
    let e = parse_refusal(&big);
    assert_eq!(
        e,
        Error::Capacity {
            what: "webhook_config",
            limit: MAX_CONFIG_LEN
        }
    );
    assert_eq!(wait::parse(&big, NOW).unwrap_err(), e);
}

/// What passes: fractions of an hour, the bounds, params of other modes
/// that the chosen mode ignores, and `schedule_at` in the past (that rule
/// needs the clock, so it is checked when the node runs).
#[test]
fn workflow_parse_accepts_valid_static_wait_params() {
    for params in [
        r#"{"mode": "webhook", "timeout_hours": 0.25}"#,
        r#"{"mode": "webhook", "timeout_hours": 8760}"#,
        r#"{"mode": "webhook", "timeout_hours": 0.0005, "webhook_config": {"a": 1}}"#,
        r#"{"mode": "webhook", "unit": "days", "duration": -1}"#,
        r#"{"mode": "interval", "duration": 1.5, "unit": "hours", "timeout_hours": 0}"#,
        r#"{"mode": "schedule", "schedule_at": "2000-01-01T00:00:00Z"}"#,
    ] {
        let text = format!(
            r#"{{"id": "wf", "nodes": [{{"key": "w", "type": "wait", "params": {params}}}]}}"#
        );
        assert!(Workflow::parse(&text).is_ok(), "{params}");
    }
    let e = wait::parse(
        r#"{"mode": "schedule", "schedule_at": "2000-01-01T00:00:00Z"}"#,
        NOW,
    );
    assert_eq!(e.unwrap_err(), Error::Wait(WaitError::ScheduleAtPast));
    // Non-wait nodes keep their params opaque.
    let text =
        r#"{"id": "wf", "nodes": [{"key": "n", "type": "log", "params": {"mode": "sleep"}}]}"#;
    assert!(Workflow::parse(text).is_ok());
}

/// A param holding a `{{ … }}` expression is checked once rendered, not by
/// `Workflow::parse`; the other params of the node still are.
#[test]
fn workflow_parse_leaves_expressions_to_the_rendered_check() {
    for params in [
        r#"{"mode": "{{ $json.mode }}", "timeout_hours": 0}"#,
        r#"{"mode": "webhook", "timeout_hours": "{{ $json.hours }}"}"#,
        r#"{"mode": "interval", "duration": "{{ $json.d }}", "unit": "{{ $json.u }}"}"#,
        r#"{"mode": "schedule", "schedule_at": "{{ $json.when }}"}"#,
        r#"{"mode": "webhook", "webhook_config": {"to": "{{ $execution.id }}"}}"#,
    ] {
        let text = format!(
            r#"{{"id": "wf", "nodes": [{{"key": "w", "type": "wait", "params": {params}}}]}}"#
        );
        assert!(Workflow::parse(&text).is_ok(), "{params}");
    }
    let e = parse_refusal(r#"{"mode": "interval", "duration": "{{ $json.d }}", "unit": "days"}"#);
    assert_eq!(e, Error::Wait(WaitError::UnitInvalid));
    let e = parse_refusal(
        r#"{"mode": "webhook", "timeout_hours": 0, "webhook_config": {"to": "{{ $json.x }}"}}"#,
    );
    assert_eq!(e, Error::Wait(WaitError::TimeoutHoursInvalid));
    // An expression does not make a non-object webhook_config acceptable.
    let e = parse_refusal(r#"{"mode": "webhook", "webhook_config": "{{ $json.cfg }}"}"#);
    assert_eq!(e, Error::NotAnObject("webhook_config"));
}
