#!/usr/bin/env bash
# Run every cargo-fuzz target (or the ones named) for N seconds each.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 20 seconds, every target
#
# Needs a nightly toolchain and cargo-fuzz; installs both when missing.
# New corpus entries go to fuzz/corpus/<target>/ (not committed); the seeds and
# saved regressions, all in core/tests/fuzz_regressions/<target>/ (the one home
# of committed fuzz inputs, replayed by `cargo test`), are read too. A crash leaves its input
# in fuzz/artifacts/<target>/; copy it into core/tests/fuzz_regressions/<target>/
# so `cargo test` replays it. Prints executions per target; exits 1 on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-20}"
shift || true
toolchain="${FUZZ_TOOLCHAIN:-nightly}"

if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    echo "installing the $toolchain toolchain (minimal profile)"
    rustup toolchain install "$toolchain" --profile minimal --no-self-update
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd fuzz && cargo +"$toolchain" fuzz list)
fi

echo "==> building ${#targets[@]} fuzz targets"
if ! (cd fuzz && cargo +"$toolchain" fuzz build) >"${TMPDIR:-/tmp}/prana-fuzz-build.log" 2>&1; then
    tail -40 "${TMPDIR:-/tmp}/prana-fuzz-build.log" >&2
    echo "fuzz build failed" >&2
    exit 1
fi

log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT
failed=()
total=0
printf '%-20s %12s %10s  %s\n' target executions exec/s result
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "core/tests/fuzz_regressions/$t"
    log="$log_dir/$t.log"
    set +e
    (cd fuzz && cargo +"$toolchain" fuzz run "$t" \
        "corpus/$t" "../core/tests/fuzz_regressions/$t" -- \
        -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1) >"$log" 2>&1
    rc=$?
    set -e
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
    rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
    runs="${runs:-?}"
    rate="${rate:-?}"
    if [ "$rc" -eq 0 ]; then
        result=ok
        [ "$runs" != "?" ] && total=$((total + runs))
    else
        result="CRASH (exit $rc)"
        failed+=("$t")
        echo "---- $t: last lines of the fuzzer log ----" >&2
        tail -40 "$log" >&2
        ls "fuzz/artifacts/$t" 2>/dev/null | sed "s|^|    fuzz/artifacts/$t/|" >&2 || true
    fi
    printf '%-20s %12s %10s  %s\n' "$t" "$runs" "$rate" "$result"
done
echo "total executions: $total (${secs}s per target)"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashed: ${failed[*]}" >&2
    echo "save each input under core/tests/fuzz_regressions/<target>/, fix, rerun" >&2
    exit 1
fi
