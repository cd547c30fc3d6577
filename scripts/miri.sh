#!/usr/bin/env bash
# Miri (undefined-behaviour checker) over the Rust tests of the core and of
# the C ABI crate. Installs nightly, miri and rust-src when missing.
#
#   scripts/miri.sh           the CI subset (a few minutes)
#   scripts/miri.sh --full    every test of both crates (tens of minutes)
#
# The subset: the core's unit tests, its ID/URL, lifecycle/route, signature, wait and
# fuzz-regression tests, the property tests at PROPTEST_CASES=8, one
# zero-heap test (no_heap_error_paths); the ffi crate's unit tests; and the C ABI fuzz-regression
# replay (ffi/tests/fuzz_regressions.rs), which drives the extern "C"
# functions, where all the project's unsafe code is, with raw pointers.
# Left to --full: core/tests/executor_*.rs, workflow_validation.rs, no_heap.rs
# and no_heap_executor.rs
# (the executor moves 15 KiB states; under Miri they take ~10 minutes), and
# the doctests. Both modes skip five exhaustive tests (see `heavy`).
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain="${MIRI_TOOLCHAIN:-nightly}"
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    rustup toolchain install "$toolchain" --profile minimal --no-self-update
fi
rustup component add --toolchain "$toolchain" miri rust-src >/dev/null
cargo +"$toolchain" miri setup >/dev/null 2>&1

# Files are read by the fuzz-regression replays: isolation off.
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}"
export PROPTEST_CASES="${PROPTEST_CASES:-8}"
# Miri builds its own artifacts; keep them apart from the normal ones.
export CARGO_TARGET_DIR="${MIRI_TARGET_DIR:-target/miri-run}"

run() {
    echo "==> cargo miri test $*"
    cargo +"$toolchain" miri test "$@"
}

# Exhaustive loops (100 000+ IDs; every one-character or one-bit change of
# a MAC): milliseconds natively, many minutes under Miri. They hold no unsafe
# code and plain `cargo test` runs them.
heavy=(--skip ids_are_unique_over_100k --skip generators_with_different_seeds_never_collide
    --skip os_seeded_generators_differ_and_reseed --skip resume_every_single_character_change_fails
    --skip resume_every_bit_flip_of_the_mac_fails
    --skip equal_numbers_agree_with_exact_arithmetic)

if [ "${1:-}" = "--full" ]; then
    run -p prana-webhook-core --all-features -- "${heavy[@]}"
    run -p prana-webhook-ffi
else
    run -p prana-webhook-core --all-features --lib -- "${heavy[@]}"
    for t in resume_ids_and_urls lifecycle_registrations_routes \
        signatures_standard_webhooks signatures_resume_urls no_heap_signatures \
        signed_resume_urls wait_action fuzz_regressions proptest_lifecycle proptest_roundtrip \
        no_heap_error_paths; do
        [ -f "core/tests/$t.rs" ] && run -p prana-webhook-core --all-features --test "$t" -- "${heavy[@]}"
    done
    run -p prana-webhook-ffi --lib
    run -p prana-webhook-ffi --test fuzz_regressions
fi
echo "miri: no undefined behaviour found"
