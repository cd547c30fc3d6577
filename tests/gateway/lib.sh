# Shared helpers of the gateway tests (sourced, not run).
#
# Each test gets a fresh directory ($T) with its own database, key file and
# logs; gateways listen on a free loopback port (--port 0 --port-file).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GW=${GW:-$ROOT/target/gateway/prana-gateway}
KEY="k1:gateway-test-secret-0123456789"
FAILS=0
PIDS=()

T=$(mktemp -d "${TMPDIR:-/tmp}/prana-gw-test.XXXXXX")
printf '%s\n' "$KEY" > "$T/keys"
# The sample workflows of examples/ plus the tests' own.
WORKFLOWS=$T/workflows
mkdir -p "$WORKFLOWS"
cp "$ROOT"/examples/workflows/*.json "$ROOT"/tests/gateway/workflows/*.json "$WORKFLOWS"/

cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [ "${KEEP_TMP:-0}" = 1 ] || [ "$FAILS" -gt 0 ]; then
        echo "   (test files kept in $T)"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT

pass() { printf '   ok   %s\n' "$*"; }
fail() { printf '   FAIL %s\n' "$*"; FAILS=$((FAILS + 1)); }
check() { # check "what" test-args...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
eq() { # eq "what" actual expected
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}
finish() {
    if [ "$FAILS" -gt 0 ]; then
        echo "   $FAILS check(s) failed"
        exit 1
    fi
}

# start_gw NAME [gateway flags...]: starts a gateway in the background; sets
# PORT_<NAME>, PID_<NAME>, URL_<NAME>. Output goes to $T/NAME.out / .err.
start_gw() {
    local name=$1; shift
    local wrapper=()
    [ -n "${GW_WRAPPER:-}" ] && read -r -a wrapper <<< "$GW_WRAPPER"
    rm -f "$T/$name.port"
    "${wrapper[@]}" "$GW" --port 0 --port-file "$T/$name.port" --workflows "$WORKFLOWS" \
        --key-file "$T/keys" "$@" > "$T/$name.out" 2> "$T/$name.err" &
    local pid=$!
    PIDS+=("$pid")
    local i
    for i in $(seq 1 600); do
        if [ -s "$T/$name.port" ]; then break; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "gateway $name exited at start:"; cat "$T/$name.err"; return 1
        fi
        sleep 0.05
    done
    [ -s "$T/$name.port" ] || { echo "gateway $name did not start"; return 1; }
    printf -v "PORT_$name" '%s' "$(cat "$T/$name.port")"
    printf -v "PID_$name" '%s' "$pid"
    local port_var="PORT_$name"
    printf -v "URL_$name" 'http://127.0.0.1:%s' "${!port_var}"
}

# stop_gw NAME: SIGTERM and wait; returns the gateway's exit status.
stop_gw() {
    local pid_var="PID_$1"
    local pid=${!pid_var}
    kill -TERM "$pid" 2>/dev/null || true
    local rc=0
    wait "$pid" || rc=$?
    return $rc
}

# kill9_gw NAME: the crash.
kill9_gw() {
    local pid_var="PID_$1"
    kill -9 "${!pid_var}" 2>/dev/null || true
    wait "${!pid_var}" 2>/dev/null || true
}

# req METHOD URL [curl args...]: body to $T/body, prints the status code.
req() {
    local method=$1 url=$2; shift 2
    curl -s -o "$T/body" -w '%{http_code}' -X "$method" "$@" "$url"
}

# json FILE EXPR: a value from a JSON file, EXPR in Python on `d`
# (e.g. 'd["status"]'); strings raw, others as JSON.
json() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"d": d})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
PY
}

# trigger BASE WORKFLOW [BODY]: starts an execution; sets EXEC and RESUME
# (the first resume URL of the answer). Parsed with bash regexes, not
# Python: the crash test triggers hundreds of executions.
trigger() {
    local code body='{}' answer
    [ $# -ge 3 ] && body=$3
    code=$(req POST "$1/webhook/workflow/trigger/$2" -H 'Content-Type: application/json' \
        --data-binary "$body")
    answer=$(< "$T/body")
    if [ "$code" != 201 ]; then
        echo "trigger $2: HTTP $code: $answer"; return 1
    fi
    local re_exec='"execution_id":"([^"]*)"' re_url='"resume_urls":\{"[^"]*":"([^"]*)"'
    EXEC= RESUME=
    [[ $answer =~ $re_exec ]] && EXEC=${BASH_REMATCH[1]}
    [[ $answer =~ $re_url ]] && RESUME=${BASH_REMATCH[1]}
    return 0
}

# sign RESUME_ID: the ?sig= value for the test key (HMAC-SHA256
# over "prana-resume-v1\n" + id, first 16 bytes, base64url without padding).
sign() {
    python3 - "$KEY" "$1" <<'PY'
import base64, hashlib, hmac, sys
kid, secret = sys.argv[1].split(":", 1)
mac = hmac.new(secret.encode(), b"prana-resume-v1\n" + sys.argv[2].encode(), hashlib.sha256).digest()[:16]
print(kid + "." + base64.urlsafe_b64encode(mac).decode().rstrip("="))
PY
}

# Path and query of a URL (drops scheme://host:port).
path_of() { printf '%s\n' "$1" | sed -E 's#^https?://[^/]*##'; }

# sql DB QUERY: one value (or rows joined by spaces) from a database, through
# Python's sqlite3 module (no sqlite3 CLI needed).
sql() {
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30)
rows = con.execute(sys.argv[2]).fetchall()
print(" ".join("|".join(str(c) for c in r) for r in rows))
PY
}
