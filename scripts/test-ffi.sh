#!/usr/bin/env bash
# Build and test the C ABI (libprana_webhook), for .ci/run:
#   1. release build of the library, and the ffi crate's Rust tests
#   2. regenerate the header with cbindgen and fail if include/ is stale
#   3. C tests (-std=c99 -Wall -Wextra -Wpedantic -Werror) under ASan+UBSan
#   4. the same tests under valgrind (errors and leaks fail)
#   5. plain run and the C++17 translation unit
#   6. make install PREFIX=tmp, build the examples (resume_example.c,
#      executor_example.c) via pkg-config, run them; uninstall
#   7. a minimal static C client (resume_example.c, -Wl,--gc-sections, stripped)
#      stays at most 500 KB
#   8. the no_std build (--no-default-features) for thumbv7m-none-eabi links
#      into a C99 firmware program (tests/c/nostd_link.c, arm-none-eabi-gcc);
#      prints its flash and RAM (arm-none-eabi-size)
#   9. go test in go/ (installs Debian's golang-go when go is missing);
#      PRANA_SKIP_GO=1 skips this step
# Any failure stops the script with a non-zero exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
CBINDGEN_VERSION=0.29.0
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export DEBIAN_FRONTEND=noninteractive
steps=0

step() {
    steps=$((steps + 1))
    printf '\n=== [ffi %d] %s\n' "$steps" "$*"
}

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        apt_updated=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

need_tools() {
    local missing=()
    command -v cc >/dev/null || missing+=(gcc)
    command -v c++ >/dev/null || missing+=(g++)
    command -v make >/dev/null || missing+=(make)
    command -v valgrind >/dev/null || missing+=(valgrind)
    command -v pkg-config >/dev/null || missing+=(pkg-config)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing ${missing[*]}"
        apt_install "${missing[@]}"
    fi
}

ensure_cbindgen() {
    export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"
    if ! command -v cbindgen >/dev/null ||
        [ "$(cbindgen --version)" != "cbindgen $CBINDGEN_VERSION" ]; then
        echo "installing cbindgen $CBINDGEN_VERSION"
        cargo install cbindgen --locked --version "$CBINDGEN_VERSION"
    fi
    CBINDGEN=$(command -v cbindgen)
}

ensure_go() {
    if ! command -v go >/dev/null; then
        echo "installing golang-go"
        apt_install golang-go
    fi
    # The module has no dependencies: never reach for a proxy or toolchain.
    export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
    export GOCACHE="${GOCACHE:-$CARGO_TARGET_DIR/go-cache}"
    export GOPATH="${GOPATH:-$CARGO_TARGET_DIR/go-path}"
}

need_tools
ensure_cbindgen

step "build libprana_webhook (release) and run the ffi crate's tests"
make lib
cargo test -q -p prana-webhook-ffi

step "header is fresh (cbindgen $CBINDGEN_VERSION)"
make check-header CBINDGEN="$CBINDGEN"

step "C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
make -C tests/c clean >/dev/null
make test-asan

step "C tests under valgrind"
make test-valgrind

step "C tests (plain) and the C++17 translation unit"
make test-c

step "install, build the examples against the installed copy with pkg-config, uninstall"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make install PREFIX="$tmp/prefix"
for f in include/prana_webhook.h lib/libprana_webhook.a lib/libprana_webhook.so \
    lib/pkgconfig/prana_webhook.pc; do
    test -e "$tmp/prefix/$f" || { echo "missing after install: $f" >&2; exit 1; }
done
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
echo "pkg-config --cflags --libs prana_webhook: $(pkg-config --cflags --libs prana_webhook)"
make -C examples-c USE_PKG_CONFIG=1 BUILD="$tmp/build" all
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/build/resume_example"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/build/executor_example"
# The static library from the build tree, as the example's default.
make -C examples-c BUILD="$tmp/build-static" run
make uninstall PREFIX="$tmp/prefix"
if [ -n "$(find "$tmp/prefix" -type f -o -type l)" ]; then
    echo "uninstall left files behind:" >&2
    find "$tmp/prefix" -type f -o -type l >&2
    exit 1
fi

step "static C client size (resume_example, -Wl,--gc-sections, stripped) <= 500 KB"
max_static=$((500 * 1024))
read -r size bin < <(make -s --no-print-directory -C examples-c BUILD="$tmp/build-size" static-size)
"$bin" >/dev/null
echo "resume_example static + stripped: $size bytes (limit $max_static)"
if [ "$size" -gt "$max_static" ]; then
    echo "static client is $size bytes, over the $max_static-byte limit" >&2
    exit 1
fi

step "no_std build (thumbv7m-none-eabi) links into a C99 firmware program"
if ! command -v arm-none-eabi-gcc >/dev/null ||
    [ ! -e /usr/lib/arm-none-eabi/newlib/libc.a ]; then
    echo "installing gcc-arm-none-eabi libnewlib-arm-none-eabi"
    apt_install gcc-arm-none-eabi libnewlib-arm-none-eabi
fi
if ! rustup target list --installed 2>/dev/null | grep -qx thumbv7m-none-eabi; then
    echo "installing the Rust target thumbv7m-none-eabi"
    rustup target add thumbv7m-none-eabi
fi
# (cargo warns that a cdylib cannot be built for this target: expected.)
cargo build -q --release -p prana-webhook-ffi --no-default-features --target thumbv7m-none-eabi
nostd_lib="$CARGO_TARGET_DIR/thumbv7m-none-eabi/release/libprana_webhook.a"
arm-none-eabi-gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -mcpu=cortex-m3 -mthumb -Os \
    -ffunction-sections -fdata-sections -Iinclude tests/c/nostd_link.c "$nostd_lib" \
    -Wl,--gc-sections -Wl,--no-warn-execstack --specs=nosys.specs -o "$tmp/nostd_link.elf"
echo "flash = text + data, RAM = data + bss (static; the stack comes on top):"
arm-none-eabi-size "$tmp/nostd_link.elf"

if [ "${PRANA_SKIP_GO:-0}" = 1 ]; then
    echo
    echo "PRANA_SKIP_GO=1: go test skipped"
else
    step "go test (cgo binding)"
    ensure_go
    go version
    make test-go
fi

echo
echo "test-ffi: $steps passed, 0 failed"
