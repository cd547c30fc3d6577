#!/usr/bin/env bash
# The C ABI on a microcontroller: builds examples-c/firmware (C99, its own
# startup and linker script, arm-none-eabi-gcc) against the no_std static
# library for thumbv7m-none-eabi and runs the approval flow on QEMU's
# lm3s6965evb (Cortex-M3, 64 KiB RAM, 256 KiB flash) with semihosting.
# Fails when the build fails, the flow fails (the firmware's exit status),
# the stack is over its budget, or the run does not finish in time.
#
#   scripts/test-c-firmware.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target=thumbv7m-none-eabi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo=sudo; fi

missing=()
command -v arm-none-eabi-gcc >/dev/null || missing+=(gcc-arm-none-eabi)
[ -e /usr/lib/arm-none-eabi/newlib/libc.a ] || missing+=(libnewlib-arm-none-eabi)
command -v qemu-system-arm >/dev/null || missing+=(qemu-system-arm)
command -v make >/dev/null || missing+=(make)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    rustup target add "$target"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
target_dir="${CARGO_TARGET_DIR:-$(pwd)/target}"
case "$target_dir" in /*) ;; *) target_dir="$(pwd)/$target_dir" ;; esac

echo "==> build examples-c/firmware (no_std library for $target)"
make -s -C examples-c/firmware OUT="$out" CARGO_TARGET_DIR="$target_dir" \
    2> >(grep -v "dropping unsupported crate type \`cdylib\`\|generated 1 warning\|^$" >&2)
elf="$out/firmware.elf"
arm-none-eabi-size "$elf"

echo "==> approval flow on qemu-system-arm -machine lm3s6965evb"
set +e
run_out="$(timeout 120 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
    -semihosting-config enable=on,target=native -kernel "$elf" 2>&1)"
status=$?
set -e
echo "$run_out" | grep -v '^Timer with period zero'
case "$status" in
0) ;;
124) echo "the firmware did not finish in 120 s" >&2; exit 1 ;;
1) echo "the approval flow failed (exit 1)" >&2; exit 1 ;;
2) echo "the flow passed but the stack is over its budget (exit 2)" >&2; exit 1 ;;
3) echo "the firmware took a fault (exit 3)" >&2; exit 1 ;;
4) echo "the firmware called abort() (exit 4)" >&2; exit 1 ;;
*) echo "the firmware failed (exit $status)" >&2; exit 1 ;;
esac
# Belt and braces: a zero exit must come with the flow's own verdict.
if ! echo "$run_out" | grep -qx 'flow: ok'; then
    echo "the firmware exited 0 without printing 'flow: ok'" >&2
    exit 1
fi
echo "C firmware: ok"
