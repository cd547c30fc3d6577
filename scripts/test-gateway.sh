#!/usr/bin/env bash
# Every test of prana-gateway (examples-c/gateway), from a clean clone:
# builds libprana_webhook and the gateway, then runs tests/gateway/*.sh.
# Called by scripts/test-all.sh; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the gateway and its tests need from the system; installed the
# ordinary way when missing (waiting for the dpkg lock: other installs may run).
need=()
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
[ -f /usr/include/microhttpd.h ] || need+=(libmicrohttpd-dev)
[ -f /usr/include/postgresql/libpq-fe.h ] || need+=(libpq-dev)
command -v psql >/dev/null || need+=(postgresql-client-15)
command -v pg_ctl >/dev/null || [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need+=(postgresql-15)
command -v curl >/dev/null || need+=(curl)
command -v valgrind >/dev/null || need+=(valgrind)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
            "${need[@]}" >/dev/null
fi

echo "-- build: libprana_webhook (release) and prana-gateway"
cargo build --release -q -p prana-webhook-ffi
make -s -C examples-c/gateway

failed=()
for t in e2e http tls safelinks concurrency crash timeout postgres idempotency valgrind; do
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
