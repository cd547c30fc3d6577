#!/usr/bin/env bash
# `make demo`: the approval workflow end to end through prana-gateway.
#
# Builds libprana_webhook and the gateway, starts it on a free loopback port
# with a fresh database, triggers examples/workflows/approval.json, shows the
# resume URL, shows that a GET only reads it, resumes it with curl and a JSON
# body, shows the completed execution, then starts an expense form
# (examples/workflows/expense_form.json) and prints its page URL to open in a
# browser (with DEMO_WAIT=1 the gateway stays up until Enter), and stops the
# gateway. Exits 0 only if every step checked out.
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
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); v=eval(sys.argv[1]); print(v if isinstance(v,str) else json.dumps(v))' "$1"; }

bold "build libprana_webhook and prana-gateway"
[ -f /usr/include/sqlite3.h ] || die "SQLite headers missing: apt-get install libsqlite3-dev"
[ -f /usr/include/microhttpd.h ] || die "libmicrohttpd headers missing: apt-get install libmicrohttpd-dev"
[ -f /usr/include/postgresql/libpq-fe.h ] || die "libpq headers missing: apt-get install libpq-dev"
cargo build --release -q -p prana-webhook-ffi
make -s -C examples-c/gateway
GW=$ROOT/target/gateway/prana-gateway

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
[ "$(curl -s "$BASE/healthz" | field 'd["status"]')" = ok ] || die "/healthz is not ok"

bold "trigger the approval workflow"
show "\$ curl -X POST $BASE/webhook/workflow/trigger/approval -d '{\"request\": \"new laptop\", \"amount\": 1200}'"
OUT=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary '{"request": "new laptop", "amount": 1200}' \
    "$BASE/webhook/workflow/trigger/approval")
CODE=${OUT##*$'\n'}; BODY=${OUT%$'\n'*}; BODY=${BODY%$'\n'}
show "HTTP $CODE $BODY"
[ "$CODE" = 201 ] || die "trigger answered $CODE"
EXEC=$(printf '%s' "$BODY" | field 'd["execution_id"]')
URL=$(printf '%s' "$BODY" | field 'd["resume_urls"]["wait_approval"]')
[ "$(printf '%s' "$BODY" | field 'd["status"]')" = suspended ] || die "not suspended"

bold "the 'notify' log node printed the resume URL (as an email would carry it)"
sleep 0.1
show "$(grep -F "$EXEC" "$DIR/gateway.out")"
grep -qF "$URL" "$DIR/gateway.out" || die "the log node did not print the resume URL"
printf '\n    resume URL: %s\n' "$URL"

bold "the execution waits at 'wait_approval'"
show "\$ curl $BASE/executions/$EXEC"
BODY=$(curl -s "$BASE/executions/$EXEC")
show "status=$(printf '%s' "$BODY" | field 'd["status"]') current_node=$(printf '%s' "$BODY" | field 'd["current_node"]') registration=$(printf '%s' "$BODY" | field 'd["registrations"][0]["status"]')"
[ "$(printf '%s' "$BODY" | field 'd["status"]')" = suspended ] || die "execution not suspended"

bold "a GET only reads: a mail scanner following the link changes nothing"
show "\$ curl '$URL'"
BODY=$(curl -s "$URL")
show "$BODY"
[ "$(printf '%s' "$BODY" | field 'd["status"]')" = active ] || die "a GET changed the wait"

bold "approve: resume with curl and a JSON body"
show "\$ curl -X POST '$URL' -d '{\"approved\": true, \"by\": \"alice\"}'"
OUT=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary '{"approved": true, "by": "alice"}' "$URL")
CODE=${OUT##*$'\n'}; BODY=${OUT%$'\n'*}; BODY=${BODY%$'\n'}
show "HTTP $CODE $BODY"
[ "$CODE" = 200 ] || die "resume answered $CODE"

bold "the completed execution"
BODY=$(curl -s "$BASE/executions/$EXEC")
show "$(printf '%s' "$BODY" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d.pop("state"); d["output"]=s.get("output"); d["trace"]=" -> ".join(n+"("+p+")" for n,p in (x.split(":",1) for x in s.get("trace","").split(",") if x)); print(json.dumps(d, indent=2))')"
[ "$(printf '%s' "$BODY" | field 'd["status"]')" = completed ] || die "not completed"
[ "$(printf '%s' "$BODY" | field 'd["state"]["output"]["result"]')" = approved ] || die "wrong branch"

bold "exactly once: the same URL again"
CODE=$(curl -s -o "$DIR/again" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary '{"approved": false}' "$URL")
show "HTTP $CODE $(cat "$DIR/again")"
[ "$CODE" = 409 ] || die "second resume answered $CODE, not 409"

bold "a form for a person: the page of the expense workflow"
OUT=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary '{}' "$BASE/webhook/workflow/trigger/expense_form")
CODE=${OUT##*$'\n'}; BODY=${OUT%$'\n'*}; BODY=${BODY%$'\n'}
[ "$CODE" = 201 ] || die "expense_form trigger answered $CODE"
PAGE=$(printf '%s' "$BODY" | field 'd["resume_urls"]["wait_expense"]')
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
