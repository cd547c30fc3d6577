#!/usr/bin/env bash
# The e2e and TLS runs with the gateway under valgrind (memcheck): any
# invalid access, uninitialised read or leak at shutdown (definite, indirect
# or possible) makes valgrind exit 99, which the final check of e2e.sh and
# tls.sh (SIGTERM -> exit 0) turns into a failure. Set GW_SANITIZER=asan to use an ASan build
# instead (make -C examples-c/gateway asan).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if [ "${GW_SANITIZER:-valgrind}" = asan ]; then
    export GW=$ROOT/target/gateway/prana-gateway-asan
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
    "$HERE/e2e.sh"
    "$HERE/tls.sh"
    exit
fi

command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/prana-gw-valgrind.XXXXXX")
export GW_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
--log-file=$LOGDIR/vg.%p.log"
rc=0
"$HERE/e2e.sh" || rc=$?
"$HERE/tls.sh" || rc=$?
# One log per gateway process; --quiet leaves them empty unless something is wrong.
n=$(ls "$LOGDIR" | wc -l)
if [ "$n" -eq 0 ]; then
    echo "   valgrind wrote no log: it did not run"; rc=1
elif [ -n "$(find "$LOGDIR" -type f -size +0)" ]; then
    echo "   valgrind reported:"; cat "$LOGDIR"/* | sed 's/^/   | /' | head -100
    rc=1
else
    echo "   valgrind: $n gateway processes, no errors, no leaks"
fi
rm -rf "$LOGDIR"
exit $rc
