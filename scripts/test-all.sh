#!/usr/bin/env bash
# Every test of the project: the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

# A one-off run gains nothing from the incremental cache, which is the larger
# part of target/ (a full run otherwise needs several GB more disk).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Each step prints how long the one before it took, so a CI log shows
# where its time budget goes.
step_name=""
step_start=$SECONDS
end_step() {
    [ -z "$step_name" ] || printf '<== %s: %d s\n' "$step_name" $((SECONDS - step_start))
}
step() {
    end_step
    step_name="$*"
    step_start=$SECONDS
    printf '\n==> %s\n' "$*"
}

step "Rust tests (unit, integration, doctests)"
cargo test --workspace --all-features

step "no_std build for thumbv7em-none-eabihf"
rustup target add thumbv7em-none-eabihf >/dev/null 2>&1 || true
cargo build -p prana-webhook-core --target thumbv7em-none-eabihf --release
# Every feature set of the core builds on its own.
for features in "" executor schedule standard-webhooks executor,schedule \
    executor,standard-webhooks schedule,standard-webhooks; do
    cargo build -p prana-webhook-core --target thumbv7em-none-eabihf --release \
        --no-default-features --features "$features"
done

step "Rust demo example"
cargo run -q -p prana-webhook-core --example resume_flow >/dev/null

# C ABI (sanitizers, valgrind, Go), the Go binding against PostgreSQL, the
# gateway end to end, a fuzz smoke run of every target, Miri on the CI
# subset, the embedded code-size report and the approval flow on an
# emulated Cortex-M3, and the wait page in headless Chromium against the gateway.
for extra in scripts/test-ffi.sh scripts/test-go.sh scripts/test-gateway.sh scripts/test-fuzz-smoke.sh \
    scripts/miri.sh scripts/size.sh scripts/test-firmware.sh scripts/test-c-firmware.sh \
    scripts/page-browser-test.sh; do
    if [ -x "$extra" ]; then
        step "$extra"
        "$extra"
    fi
done

end_step
printf '\nall tests passed in %d s\n' "$SECONDS"
