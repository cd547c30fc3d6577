#!/usr/bin/env bash
# Code size of the core on a microcontroller: builds size/ (a no_std image
# for thumbv7em-none-eabihf, opt-level "z", fat LTO, panic=abort, linker
# garbage collection) that calls every public operation of the core, and
# prints the .text (code) and .rodata (constants) that got linked in.
# opt-level "z" is what a firmware short of flash builds with; "full@s" and
# "gateway@s" show the same images at opt-level "s" for comparison.
#
#   scripts/size.sh [--check]
#
# One image per feature set of the core (cargo features of size/, mapped
# to the core's): "full" (the defaults: executor, schedule, Standard
# Webhooks), "executor" (workflows, waits, templates and the executor, no
# schedule waits or Standard Webhooks: what a firmware running workflows
# links), "gw+sw" (the resume path plus Standard Webhooks) and "gateway"
# (the resume path only: IDs, URLs, routing, registrations, signed resume
# URLs). "full" and "gateway" are also built with sha2's compact SHA-256
# ("+csha"): sha2 0.11 has no cargo feature for it, a firmware selects it
# with `--cfg sha2_backend_soft="compact"` in its rustflags (same digests,
# about 6.6 KiB less code, slower). With --check, exits 1 when a goal is
# missed: .text of "full" <= SIZE_BUDGET (default 64 KiB) and of "gateway"
# <= SIZE_BUDGET_RESUME (default 32 KiB).
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${SIZE_BUDGET:-65536}"
budget_resume="${SIZE_BUDGET_RESUME:-32768}"
target=thumbv7em-none-eabihf
rustup target add "$target" >/dev/null 2>&1 || true

if command -v llvm-size >/dev/null 2>&1; then
    sizer=(llvm-size -A)
elif command -v size >/dev/null 2>&1; then
    sizer=(size -A)
else
    echo "need llvm-size or binutils' size (apt-get install binutils)" >&2
    exit 1
fi

kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

section() { # file section -> bytes
    "${sizer[@]}" "$1" | awk -v s="$2" '$1 == s { print $2 }'
}

# size/ is its own workspace; with CARGO_TARGET_DIR set, build under it.
target_dir="$(pwd)/size/target"
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    target_dir="$CARGO_TARGET_DIR/size"
fi
elf="$target_dir/$target/release/prana-webhook-size"
# Added to the target's rustflags of size/.cargo/config.toml (arrays merge).
compact_sha=(--config "target.$target.rustflags=[\"--cfg\", \"sha2_backend_soft=\\\"compact\\\"\"]")

report() { # name cargo-args...
    local name="$1"
    shift
    local dir="$target_dir"
    # Other rustflags: another target directory, so neither rebuilds the other.
    local opt=z
    case "$name" in
    *csha) dir="$target_dir-csha" ;;
    *@s) dir="$target_dir-s" opt=s ;;
    esac
    (cd size && CARGO_TARGET_DIR="$dir" CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" \
        cargo build --release --quiet "$@")
    local elf="$dir/$target/release/prana-webhook-size"
    local text rodata
    text="$(section "$elf" .text)"
    rodata="$(section "$elf" .rodata)"
    printf '%-10s .text %7d B (%5.1f KiB)   .rodata %6d B (%5.1f KiB)\n' \
        "$name" "$text" "$(kib "$text")" "$rodata" "$(kib "$rodata")"
    eval "${name//[^a-z]/_}_text=$text"
}

echo "==> core linked into a no_std $target image (opt-level=z unless @s, LTO, panic=abort), per feature set"
report gateway --no-default-features
report gw+sw --no-default-features --features standard-webhooks
report executor --no-default-features --features executor
report full
report gw+csha --no-default-features "${compact_sha[@]}"
report full+csha "${compact_sha[@]}"
report gateway@s --no-default-features
report full@s
missed=0
goal() { # name text budget
    printf 'goal       .text %7d B (%5.1f KiB) for %-8s: ' "$3" "$(kib "$3")" "$1"
    if [ "$2" -le "$3" ]; then
        echo "within"
    else
        echo "OVER by $(($2 - $3)) B"
        missed=1
    fi
}
# shellcheck disable=SC2154 # set by report via eval
goal full "$full_text" "$budget"
# shellcheck disable=SC2154 # set by report via eval
goal gateway "$gateway_text" "$budget_resume"
if [ "$missed" = 1 ] && [ "${1:-}" = "--check" ]; then
    exit 1
fi
echo "largest functions of the full image (bytes):"
nm -S --size-sort -C "$elf" 2>/dev/null |
    awk '$3 ~ /^[tT]$/' | tail -12 |
    while read -r _ sz _ name; do printf '  %6d  %s\n' "$((16#$sz))" "${name:0:110}"; done
