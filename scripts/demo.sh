#!/usr/bin/env bash
# `make demo`: the approval workflow end to end through prana-gateway.
#
# Builds libprana_webhook and the gateway, starts it on a free loopback port
# with a fresh database, triggers examples/workflows/approval.json, shows the
# resume URL, shows a forged copy of it refused with 401, shows that a GET
# only reads it, resumes it with curl and a JSON body, shows the completed
# execution and a replay refused with 409, then starts an expense form
# (examples/workflows/expense_form.json) and prints its page URL to open in a
# browser (with DEMO_WAIT=1 the gateway stays up until Enter), and stops the
# gateway. Every curl command is printed exactly as it runs (`$ curl ...`).
# Exits 0 only if every step checked out.
#
# Needs: the Rust toolchain, a C compiler, curl, libsqlite3-dev,
# libmicrohttpd-dev and libpq-dev. PRANA_GATEWAY=/path/to/prana-gateway uses
# that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ -t 1 ]; then
    bold() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
    bold() { printf '\n==> %s\n' "$*"; }
fi
die() { printf '\ndemo FAILED: %s\n' "$*" >&2; exit 1; }
show() { printf '%s\n' "$*" | sed 's/^/    /'; }
# field KEY: the first string value of "KEY" in the JSON on stdin (the
# gateway's answers are flat enough for this; no JSON tool needed).
field() { grep -o "\"$1\": *\"[^\"]*\"" | head -n 1 | sed 's/^[^:]*: *"//; s/"$//'; }
# quote ARG: ARG as a shell word (single quotes unless it needs none).
quote() {
    case $1 in
    *[!A-Za-z0-9_./:=@%+,-]* | '') printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
    esac
}
# curl_show ARGS...: print the exact command, run `curl -s -w '\n%{http_code}'
# ARGS...`, print the answer; sets CODE and BODY.
curl_show() {
    local line='$ curl -s' a out
    for a in "$@"; do line="$line $(quote "$a")"; done
    show "$line"
    out=$(curl -s -w '\n%{http_code}' "$@")
    CODE=${out##*$'\n'}; BODY=${out%$'\n'*}; BODY=${BODY%$'\n'}
    if [ "${#BODY}" -le 400 ]; then
        show "HTTP $CODE $BODY"
    else
        show "HTTP $CODE (${#BODY} bytes of JSON; the fields that matter:)"
        show "  status=$(printf '%s' "$BODY" | field status)" \
            "current_node=$(printf '%s' "$BODY" | field current_node)" \
            "trace=$(printf '%s' "$BODY" | field trace)"
    fi
}

bold "build libprana_webhook and prana-gateway"
[ -f /usr/include/sqlite3.h ] || die "SQLite headers missing: apt-get install libsqlite3-dev"
if [ ! -f /usr/include/microhttpd.h ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing libmicrohttpd-dev (the gateway's HTTP library)"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        libmicrohttpd-dev >/dev/null ||
        { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
                libmicrohttpd-dev >/dev/null; }
fi
[ -f /usr/include/microhttpd.h ] || die "libmicrohttpd headers missing: apt-get install libmicrohttpd-dev"
[ -f /usr/include/postgresql/libpq-fe.h ] || die "libpq headers missing: apt-get install libpq-dev"
if [ -n "${PRANA_GATEWAY:-}" ]; then
    GW=$PRANA_GATEWAY
else
    cargo build --release -q -p prana-webhook-ffi
    make -s -C examples-c/gateway
    GW=$ROOT/target/gateway/prana-gateway
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/prana-demo.XXXXXX")
GW_PID=
cleanup() {
    [ -n "$GW_PID" ] && kill -9 "$GW_PID" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT

bold "start the gateway (fresh database, new signing key, free loopback port)"
# A random signing key for this run: key id "demo", 32 random bytes as hex.
printf 'demo:%s\n' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" > "$DIR/keys"
"$GW" --port 0 --port-file "$DIR/port" --db "$DIR/demo.db" \
    --workflows examples/workflows --key-file "$DIR/keys" \
    > "$DIR/gateway.out" 2> "$DIR/gateway.err" &
GW_PID=$!
for _ in $(seq 1 100); do [ -s "$DIR/port" ] && break; sleep 0.05; done
[ -s "$DIR/port" ] || { cat "$DIR/gateway.err" >&2; die "the gateway did not start"; }
BASE=http://127.0.0.1:$(cat "$DIR/port")
show "$(cat "$DIR/gateway.err")"
curl_show "$BASE/healthz"
[ "$(printf '%s' "$BODY" | field status)" = ok ] || die "/healthz is not ok"

bold "trigger the approval workflow"
curl_show -X POST -H 'Content-Type: application/json' \
    --data-binary '{"request": "new laptop", "amount": 1200}' \
    "$BASE/webhook/workflow/trigger/approval"
[ "$CODE" = 201 ] || die "trigger answered $CODE"
EXEC=$(printf '%s' "$BODY" | field execution_id)
URL=$(printf '%s' "$BODY" | field wait_approval)
[ "$(printf '%s' "$BODY" | field status)" = suspended ] || die "not suspended"

bold "the 'notify' log node printed the resume URL (as an email would carry it)"
sleep 0.1
show "$(grep -F "$EXEC" "$DIR/gateway.out")"
grep -qF "$URL" "$DIR/gateway.out" || die "the log node did not print the resume URL"
printf '\n    resume URL: %s\n' "$URL"

bold "the execution waits at 'wait_approval'"
curl_show "$BASE/executions/$EXEC"
[ "$(printf '%s' "$BODY" | field status)" = suspended ] || die "execution not suspended"
[ "$(printf '%s' "$BODY" | field current_node)" = wait_approval ] || die "not at wait_approval"

bold "a forged URL (first character of the MAC changed) is refused before the store is read"
MAC=${URL##*.}
case $MAC in
A*) FORGED=${URL%"$MAC"}B${MAC#?} ;;
*) FORGED=${URL%"$MAC"}A${MAC#?} ;;
esac
curl_show -X POST -H 'Content-Type: application/json' \
    --data-binary '{"approved": true, "by": "mallory"}' "$FORGED"
[ "$CODE" = 401 ] || die "forged URL answered $CODE, not 401"
[ "$(printf '%s' "$BODY" | field error)" = invalid_signature ] || die "not invalid_signature"

bold "a GET only reads: a mail scanner following the link changes nothing"
curl_show "$URL"
[ "$(printf '%s' "$BODY" | field status)" = active ] || die "a GET changed the wait"

bold "approve: resume with curl and a JSON body"
curl_show -X POST -H 'Content-Type: application/json' \
    --data-binary '{"approved": true, "by": "alice"}' "$URL"
[ "$CODE" = 200 ] || die "resume answered $CODE"

bold "the completed execution"
curl_show "$BASE/executions/$EXEC"
[ "$(printf '%s' "$BODY" | field status)" = completed ] || die "not completed"
[ "$(printf '%s' "$BODY" | field result)" = approved ] || die "wrong branch"

bold "exactly once: the same URL again"
curl_show -X POST -H 'Content-Type: application/json' \
    --data-binary '{"approved": false}' "$URL"
[ "$CODE" = 409 ] || die "second resume answered $CODE, not 409"

bold "a form for a person: the page of the expense workflow"
curl_show -X POST -H 'Content-Type: application/json' --data-binary '{}' \
    "$BASE/webhook/workflow/trigger/expense_form"
[ "$CODE" = 201 ] || die "expense_form trigger answered $CODE"
PAGE=$(printf '%s' "$BODY" | field wait_expense)
show "\$ curl -s -H 'Accept: text/html' '$PAGE'"
CODE=$(curl -s -o "$DIR/page.html" -D "$DIR/page.hdr" -w '%{http_code}' -H 'Accept: text/html' "$PAGE")
[ "$CODE" = 200 ] && grep -q '<form' "$DIR/page.html" || die "the page answered $CODE"
show "$(grep -i '^content-security-policy' "$DIR/page.hdr" | tr -d '\r')"
printf '\n    open this page in a browser (GET shows it, the form POST acts):\n    %s\n' "$PAGE"
if [ "${DEMO_WAIT:-0}" = 1 ]; then
    printf '\n    the gateway keeps running: press Enter to stop it\n'
    read -r _ || true
fi

bold "stop the gateway (SIGTERM)"
kill -TERM "$GW_PID"
rc=0; wait "$GW_PID" || rc=$?
GW_PID=
[ "$rc" = 0 ] || die "the gateway exited with $rc"
show "exit 0"
printf '\ndemo passed\n'
