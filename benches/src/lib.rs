//! Benchmarks of Prana webhook, run with `cargo bench -p prana-webhook-benches`
//! or `scripts/bench.sh` (which also prints the comparison table). This
//! library is intentionally empty; see `benches/`.
