//! Property test: the webhook lifecycle against a model.
//!
//! Random sequences of activate / resume and cancel (decide +
//! compare-and-set) / consume / extend / expire / reload-from-JSON on four
//! registrations, with a clock
//! that only moves forward. After every step the registration must agree
//! with the model, terminal states stay terminal, at most one consume per
//! registration succeeds, and an expired registration never resumes. The
//! checks live in `fuzz/src/lib.rs` (`run_lifecycle`), shared with the
//! `lifecycle_ops` fuzz target.
//!
//! Cases: `PROPTEST_CASES` (default 2000 here).

#[path = "../../fuzz/src/entries.rs"]
#[allow(dead_code)]
mod entries;

use entries::Op;
use prana_webhook_core::lifecycle::{check_transition, Status};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = Op> {
    let reg = 0u8..4;
    // Small clock steps and timeouts so expiry by time happens often.
    let dt = prop_oneof![3 => 0u16..50, 1 => any::<u16>()];
    prop_oneof![
        (reg.clone(), dt.clone(), 0u16..200, any::<u8>()).prop_map(|(reg, dt, timeout, config)| {
            Op::Activate {
                reg,
                dt,
                timeout,
                config,
            }
        }),
        (reg.clone(), dt.clone()).prop_map(|(reg, dt)| Op::Resume { reg, dt }),
        (reg.clone(), dt.clone()).prop_map(|(reg, dt)| Op::Consume { reg, dt }),
        (reg.clone(), dt.clone()).prop_map(|(reg, dt)| Op::Cancel { reg, dt }),
        (reg.clone(), dt, 0u16..100).prop_map(|(reg, dt, by)| Op::Extend { reg, dt, by }),
        reg.clone().prop_map(|reg| Op::Expire { reg }),
        reg.prop_map(|reg| Op::Reload { reg }),
    ]
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn lifecycle_matches_model(ops in proptest::collection::vec(op(), 0..64)) {
        entries::run_lifecycle(&ops);
    }

    #[test]
    fn transition_table_is_closed_over_terminals(
        path in proptest::collection::vec(0usize..4, 0..16)
    ) {
        // Walk only allowed transitions: once terminal, only X → X is allowed.
        let mut at = Status::Pending;
        for i in path {
            let to = Status::ALL[i];
            match check_transition(at, to) {
                Ok(()) => {
                    prop_assert!(!at.is_terminal() || to == at);
                    at = to;
                }
                Err(e) => {
                    prop_assert!(at.is_terminal() || matches!((at, to),
                        (Status::Pending, Status::Consumed) | (Status::Active, Status::Pending)));
                    let want = format!("Invalid state transition from {at} to {to}");
                    let msg = e.to_string_buf();
                    prop_assert_eq!(msg.as_str(), want.as_str());
                }
            }
        }
    }
}
