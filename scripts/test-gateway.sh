#!/usr/bin/env bash
# Every test of prana-gateway (examples-c/gateway), from a clean clone:
# builds libprana_webhook and the gateway, then runs tests/gateway/*.sh.
# Called by scripts/test-all.sh; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the gateway and its tests need from the system. A fresh machine may
# lack the SQLite headers; install them the ordinary way when missing.
need=()
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
command -v curl >/dev/null || need+=(curl)
command -v valgrind >/dev/null || need+=(valgrind)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "-- build: libprana_webhook (release) and prana-gateway"
cargo build --release -q -p prana-webhook-ffi
make -s -C examples-c/gateway

failed=()
for t in e2e concurrency crash timeout valgrind; do
    echo "-- tests/gateway/$t.sh"
    start=$(date +%s)
    if bash "tests/gateway/$t.sh"; then
        echo "   passed in $(( $(date +%s) - start )) s"
    else
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "gateway tests FAILED: ${failed[*]}"
    exit 1
fi
echo "gateway tests passed"
