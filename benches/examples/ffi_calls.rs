//! The bodies of the `ffi` benchmark's rows, each run `N` times in a
//! loop, for instruction counts per call (which, unlike wall time, do not
//! move with other load on the machine):
//!
//! ```text
//! cargo build --release -p prana-webhook-benches --example ffi_calls
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/ffi_calls c_route 1000     # and 11000
//! ```
//!
//! (Collected at 11 000 minus collected at 1 000) / 10 000 is one
//! call's count, setup and process start cancelled out. The rows:
//! `c_id_url`, `c_id_in_url`, `c_id_only`, `rust_id_url_bytes`, `c_route`,
//! `rust_route`, `c_decision`, `rust_decision`, `c_executor`,
//! `rust_executor` (one full cycle of the 64-node workflow each).
//!
//! `ffi_calls pair ROW_A ROW_B ROUNDS` times two rows in turns instead:
//! each round runs a batch of A and a batch of B (about 5 ms each; which
//! goes first alternates), and it prints the median of the rounds' A / B
//! ratios. A machine whose speed drifts over seconds moves both rows of a
//! round alike, so this ratio moves less between runs than the ratio of
//! two criterion rows measured one after the other.

#[path = "../benches/shared/executor_rows.rs"]
#[allow(dead_code)] // `rust_executor_by_value` is the benchmark's only
mod exec_rows;
#[path = "../benches/shared/ffi_rows.rs"]
mod rows;
#[path = "../benches/shared/workflow64.rs"]
mod workflow64;

use std::time::{Duration, Instant};

use exec_rows::Executor;
use prana_webhook_core::route::RequestLimits;
use rows::Fixture;

const USAGE: &str = "usage: ffi_calls ROW N | ffi_calls pair ROW_A ROW_B ROUNDS\n\
    (ROW: c_id_url, c_id_in_url, c_id_only, rust_id_url_bytes, c_route, rust_route, \
    c_decision, rust_decision, c_executor, rust_executor)";

/// What the rows use, made once.
struct Rows {
    f: Fixture,
    limits: RequestLimits,
    e: Executor,
}

/// Run `row` `n` times, out of line so its loop is easy to find in a
/// profile.
#[inline(never)]
fn repeat(n: usize, mut row: impl FnMut()) {
    for _ in 0..n {
        row();
    }
}

impl Rows {
    /// Run the row named `row` `n` times; false for an unknown name.
    fn repeat(&mut self, row: &str, n: usize) -> bool {
        let Rows { f, limits, e } = self;
        match row {
            "c_id_url" => repeat(n, || rows::c_id_url(f)),
            "c_id_in_url" => repeat(n, || rows::c_id_in_url(f)),
            "c_id_only" => repeat(n, || rows::c_id_only(f)),
            "rust_id_url_bytes" => {
                let Fixture { ids_r, base, .. } = f;
                repeat(n, || rows::rust_id_url_bytes(ids_r, base))
            }
            "c_route" => repeat(n, || rows::c_route(f)),
            "rust_route" => repeat(n, || rows::rust_route(f)),
            "c_decision" => repeat(n, || rows::c_decision(f)),
            "rust_decision" => repeat(n, || rows::rust_decision(f, limits)),
            "c_executor" => repeat(n, || exec_rows::c_executor(f, e)),
            "rust_executor" => repeat(n, || exec_rows::rust_executor(f, e)),
            _ => return false,
        }
        true
    }

    /// How long `n` runs of `row` take.
    fn time(&mut self, row: &str, n: usize) -> Duration {
        let t = Instant::now();
        self.repeat(row, n);
        t.elapsed()
    }
}

/// The median of `v` (sorted here).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Time `a` and `b` in turns for `rounds` rounds; print each row's median
/// time per call and the median of the rounds' ratios.
fn pair(rows: &mut Rows, a: &str, b: &str, rounds: usize) {
    // Warm up, and size the batches: about 5 ms each.
    let batch = |rows: &mut Rows, row: &str| {
        rows.time(row, 100);
        let one = rows.time(row, 100).as_secs_f64() / 100.0;
        ((0.005 / one) as usize).max(1)
    };
    let (na, nb) = (batch(rows, a), batch(rows, b));
    let (mut ta, mut tb, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = rows.time(a, na);
            (x, rows.time(b, nb))
        } else {
            let y = rows.time(b, nb);
            (rows.time(a, na), y)
        };
        let (x, y) = (x.as_secs_f64() / na as f64, y.as_secs_f64() / nb as f64);
        ta.push(x * 1e9);
        tb.push(y * 1e9);
        ratio.push(x / y);
    }
    println!(
        "{a} {:.1} ns, {b} {:.1} ns, ratio {:.3} (median of {rounds} rounds)",
        median(&mut ta),
        median(&mut tb),
        median(&mut ratio)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut rows = Rows {
        f: Fixture::new(),
        limits: RequestLimits::default(),
        e: Executor::new(workflow64::workflow_json().leak()),
    };
    let ok = match args[1..] {
        ["pair", a, b, rounds] => match rounds.parse::<usize>() {
            Ok(r) if r > 0 && rows.repeat(a, 1) && rows.repeat(b, 1) => {
                pair(&mut rows, a, b, r);
                true
            }
            _ => false,
        },
        [row, n] => n.parse().is_ok_and(|n| rows.repeat(row, n)),
        _ => false,
    };
    if !ok {
        eprintln!("{USAGE}");
        std::process::exit(2);
    }
}
