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
//! `c_id_url`, `c_id_in_url`, `c_id_only`, `rust_id_url_bytes`, `c_route`,
//! `rust_route`, `c_decision`, `rust_decision`.

#[path = "../benches/shared/ffi_rows.rs"]
mod rows;

use prana_webhook_core::route::RequestLimits;
use rows::Fixture;

/// Run `row` `n` times, out of line so its loop is easy to find in a
/// profile.
#[inline(never)]
fn repeat(n: usize, mut row: impl FnMut()) {
    for _ in 0..n {
        row();
    }
}

fn main() {
    const USAGE: &str = "usage: ffi_calls ROW N (ROW: c_id_url, c_id_in_url, c_id_only, \
        rust_id_url_bytes, c_route, rust_route, c_decision, rust_decision)";
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), Some(Ok(n))) = (args.get(1), args.get(2).map(|n| n.parse::<usize>())) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let mut f = Fixture::new();
    let limits = RequestLimits::default();
    match which.as_str() {
        "c_id_url" => repeat(n, || rows::c_id_url(&f)),
        "c_id_in_url" => repeat(n, || rows::c_id_in_url(&f)),
        "c_id_only" => repeat(n, || rows::c_id_only(&f)),
        "rust_id_url_bytes" => {
            let Fixture { ids_r, base, .. } = &mut f;
            repeat(n, || rows::rust_id_url_bytes(ids_r, base))
        }
        "c_route" => repeat(n, || rows::c_route(&f)),
        "rust_route" => repeat(n, || rows::rust_route(&f)),
        "c_decision" => repeat(n, || rows::c_decision(&f)),
        "rust_decision" => repeat(n, || rows::rust_decision(&f, &limits)),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
