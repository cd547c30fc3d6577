//! Fuzz entries for the registration lifecycle (part of `entries.rs`):
//! random operation sequences checked against a model.

use arbitrary::{Arbitrary, Unstructured};

use prana_webhook_core::id::IdGenerator;
use prana_webhook_core::lifecycle::Status;
use prana_webhook_core::registration::{WebhookRegistration, MAX_JSON_LEN};
use prana_webhook_core::route::{decide_cancel, decide_resume, Decision};
use prana_webhook_core::Error;

/// One operation on one of a few registrations. Times are deltas, so the
/// host clock never runs backwards.
#[derive(Arbitrary, Debug, Clone)]
pub enum Op {
    /// The wait node is reached: activate with this timeout.
    Activate {
        /// Which registration.
        reg: u8,
        /// Clock advance before the call, ms.
        dt: u16,
        /// Timeout, ms.
        timeout: u16,
        /// Pick a config: valid or not.
        config: u8,
    },
    /// A resume request arrives: decide, then apply the transition.
    Resume {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
    },
    /// Consume directly.
    Consume {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
    },
    /// Expire (timeout sweeper or execution end).
    Expire {
        /// Which registration.
        reg: u8,
    },
    /// Persist to JSON and load back.
    Reload {
        /// Which registration.
        reg: u8,
    },
    /// A cancel request arrives: decide, then apply the transition.
    Cancel {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
    },
    /// A heartbeat: move the expiry `by` ms past the current one (0: not later).
    Extend {
        /// Which registration.
        reg: u8,
        /// Clock advance, ms.
        dt: u16,
        /// How much later, ms.
        by: u16,
    },
}

const CONFIGS: [&str; 4] = [r#"{}"#, r#"{"channel":"email","n":[1,2]}"#, "[1]", "{"];

/// The model of one registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Model {
    status: Status,
    expires_at: Option<u64>,
    consumed: u32,
}

impl Model {
    fn at(&self, now: u64) -> Status {
        match (self.status, self.expires_at) {
            (Status::Active, Some(e)) if now >= e => Status::Expired,
            (s, _) => s,
        }
    }
}

/// Run `ops` on four registrations and check every result against the
/// model: pending → active → consumed, either of the first two → expired,
/// terminal states stay terminal, at most one consume (or resume) per
/// registration succeeds, and an expired registration never resumes.
pub fn run_lifecycle(ops: &[Op]) {
    const N: usize = 4;
    let mut ids = IdGenerator::from_seed([1; 32]);
    let mut now: u64 = 1_000;
    let mut regs: [WebhookRegistration; N] = core::array::from_fn(|i| {
        let node: &str = ["a", "b", "c", "d"][i];
        WebhookRegistration::create(&mut ids, "exec", node, now).unwrap()
    });
    let mut models = [Model {
        status: Status::Pending,
        expires_at: None,
        consumed: 0,
    }; N];
    for op in ops {
        let (i, dt) = match *op {
            Op::Activate { reg, dt, .. }
            | Op::Resume { reg, dt }
            | Op::Cancel { reg, dt }
            | Op::Consume { reg, dt }
            | Op::Extend { reg, dt, .. } => (usize::from(reg) % N, u64::from(dt)),
            Op::Expire { reg } | Op::Reload { reg } => (usize::from(reg) % N, 0),
        };
        now += dt;
        let (reg, m) = (&mut regs[i], &mut models[i]);
        let before = m.at(now);
        match *op {
            Op::Activate {
                timeout, config, ..
            } => {
                let cfg = CONFIGS[usize::from(config) % CONFIGS.len()];
                let cfg_ok = usize::from(config) % CONFIGS.len() < 2;
                let r = reg.activate(now, u64::from(timeout), cfg);
                match m.status {
                    Status::Active => {
                        assert!(r.is_ok(), "re-activation is idempotent");
                    }
                    Status::Pending if cfg_ok => {
                        let t = r.unwrap();
                        assert_eq!((t.from, t.to), (Status::Pending, Status::Active));
                        m.status = Status::Active;
                        m.expires_at = Some(now + u64::from(timeout));
                    }
                    _ => assert!(r.is_err()),
                }
            }
            Op::Resume { .. } | Op::Cancel { .. } => {
                // A cancel is decided as a resume is: same statuses, same transition.
                let decide = match op {
                    Op::Cancel { .. } => decide_cancel,
                    _ => decide_resume,
                };
                let d = decide(reg.resume_id.as_str(), Some(reg), now);
                match (before, d) {
                    (Status::Active, Decision::Resume(t)) => {
                        assert_eq!((t.from, t.to), (Status::Active, Status::Consumed));
                        // The host's compare-and-set, then the state change.
                        assert_eq!(reg.status, t.from);
                        reg.consume(now).unwrap();
                        m.status = Status::Consumed;
                        m.consumed += 1;
                    }
                    (Status::Active, Decision::Reject(r)) => panic!("active rejected: {r:?}"),
                    (s, Decision::Resume(_)) => panic!("{s} resumed"),
                    (s, Decision::Reject(r)) => {
                        let want = match s {
                            Status::Pending => 400,
                            Status::Expired => 410,
                            Status::Consumed => 409,
                            Status::Active => unreachable!(),
                        };
                        assert_eq!(r.status, want);
                    }
                }
            }
            Op::Consume { .. } => {
                let r = reg.consume(now);
                if before == Status::Active {
                    r.unwrap();
                    m.status = Status::Consumed;
                    m.consumed += 1;
                } else {
                    assert!(r.is_err(), "{before} consumed");
                }
            }
            Op::Expire { .. } => {
                let r = reg.expire();
                if m.status == Status::Consumed {
                    assert!(r.is_err());
                } else {
                    r.unwrap();
                    m.status = Status::Expired;
                }
            }
            Op::Extend { by, .. } => {
                let from = reg.expires_at;
                let to = from.unwrap_or(0) + u64::from(by);
                let r = reg.extend(now, to);
                match before {
                    Status::Active if by > 0 => {
                        let e = r.unwrap();
                        assert_eq!((e.from_expires_at, e.to_expires_at), (from, to));
                        m.expires_at = Some(to);
                    }
                    Status::Active => assert_eq!(r.unwrap_err().code(), "extend_not_later"),
                    Status::Pending => assert_eq!(r.unwrap_err(), Error::NotActive),
                    Status::Consumed => assert_eq!(r.unwrap_err(), Error::AlreadyConsumed),
                    Status::Expired => assert_eq!(r.unwrap_err(), Error::RegistrationExpired),
                }
            }
            Op::Reload { .. } => {
                let mut buf = [0u8; MAX_JSON_LEN];
                let n = reg.to_json(&mut buf).unwrap();
                *reg = WebhookRegistration::from_json(&buf[..n]).unwrap();
            }
        }
        // Invariants after every step.
        assert_eq!(reg.status, m.status);
        assert_eq!(reg.expires_at, m.expires_at);
        assert_eq!(reg.status_at(now), m.at(now));
        assert!(m.consumed <= 1, "consumed twice");
        if before.is_terminal() {
            assert_eq!(reg.status_at(now), before, "left a terminal state");
        }
        if reg.status_at(now) == Status::Expired {
            assert!(reg.consume(now).is_err());
            assert!(matches!(
                decide_resume(reg.resume_id.as_str(), Some(reg), now),
                Decision::Reject(_)
            ));
        }
    }
}

/// Structured target: decode operations with `arbitrary` and run them.
pub fn lifecycle_ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut ops: Vec<Op> = Vec::new();
    while ops.len() < 256 {
        match u.arbitrary::<Op>() {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
        if u.is_empty() {
            break;
        }
    }
    run_lifecycle(&ops);
}
