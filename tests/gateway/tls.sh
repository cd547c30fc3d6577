#!/usr/bin/env bash
# HTTPS (--tls-cert/--tls-key) with a throwaway self-signed certificate made
# here by `openssl req`: trigger, the wait page and a resume over TLS, resume
# URLs under https://, certificate checks by curl, plain HTTP not served on
# the TLS port, the idle-longest eviction over TLS, and bad TLS options
# refused at start.
source "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || { echo "openssl not installed (scripts/test-gateway.sh installs it)"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T/key.pem" -out "$T/cert.pem" 2> "$T/openssl.err" ||
    { cat "$T/openssl.err"; exit 1; }
# curl (and so every helper of lib.sh) trusts the throwaway certificate.
export CURL_CA_BUNDLE=$T/cert.pem

start_gw S --db "$T/tls.db" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --max-conns 8
B=https://127.0.0.1:$PORT_S

echo "-- trigger, wait page and resume over HTTPS"
eq "healthz over https" "$(req GET "$B/healthz")" 200
check "the log names https" grep -q "listening on https://127.0.0.1:$PORT_S, base URL https://127.0.0.1:$PORT_S" "$T/S.err"
trigger "$B" approval '{"request": "tls"}'
case "$RESUME" in
    "$B"/webhook/workflow/resume/webhook_"${EXEC}"_wait_approval_*'?sig=k1.'*) pass "the resume URL is https:// under the gateway's address" ;;
    *) fail "resume URL: $RESUME" ;;
esac
eq "GET the wait page (a browser)" "$(req GET "$RESUME" -H 'Accept: text/html')" 200
check "  it is the HTML page" grep -qi '<form' "$T/body"
eq "  the execution is still suspended" "$(req GET "$B/executions/$EXEC" >/dev/null; json "$T/body" 'd["status"]')" suspended
eq "POST the resume URL" "$(req POST "$RESUME" -H 'Content-Type: application/json' --data-binary '{"approved": true}')" 200
eq "  completed" "$(json "$T/body" 'd["status"]')" completed
eq "  on the 'approved' branch" "$(json "$T/body" 'd["output"]')" '{"result": "approved"}'
eq "a second resume: 409" "$(req POST "$RESUME" -d '{"approved": true}')" 409

echo "-- certificate checks and plain HTTP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T/other.pem" -out "$T/other-cert.pem" 2> /dev/null
code=0; curl -s -o /dev/null --cacert "$T/other-cert.pem" "$B/healthz" || code=$?
eq "curl trusting another certificate for the same name refuses the gateway's (exit 60)" "$code" 60
code=0; curl -s -o /dev/null "https://localhost:$PORT_S/healthz" || code=$?
eq "the certificate does not name 'localhost': refused (exit 60)" "$code" 60
code=0; out=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_S/healthz") || code=$?
check "plain HTTP on the TLS port is not served (curl exit $code, status $out)" test "$code" -ne 0 -a "$out" = 000
answer=$(python3 - "$PORT_S" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
try:
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
except OSError:
    pass
print("http" if data.startswith(b"HTTP/") else "no-http")
PY
)
eq "  a raw plain-text request gets no HTTP answer, and the connection ends" "$answer" no-http
eq "HTTPS still works afterwards" "$(req GET "$B/healthz")" 200

echo "-- at --max-conns over TLS, the connection idle longest makes room"
python3 - "$PORT_S" "$T/cert.pem" > "$T/evict" <<'PY'
import socket, ssl, sys, time
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
def conn():
    raw = socket.create_connection(("127.0.0.1", port), timeout=3)
    return ctx.wrap_socket(raw, server_hostname="127.0.0.1")
def get(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    d = b""
    while b"}" not in d:
        b = s.recv(4096)
        if not b:
            return "eof"
        d += b
    return d.split(b" ")[1].decode()
idle = []
for _ in range(8):
    s = conn(); assert get(s) == "200"; idle.append(s); time.sleep(0.02)
print("new", get(conn()))
idle[0].settimeout(2)
try:
    print("oldest", "eof" if idle[0].recv(1) == b"" else "data")
except (ssl.SSLError, OSError):
    print("oldest eof")
print("newest", get(idle[7]))
PY
sed 's/^/   | /' "$T/evict"
eq "a newcomer at the limit is answered" "$(sed -n 's/^new //p' "$T/evict")" 200
eq "  the connection idle longest was closed" "$(sed -n 's/^oldest //p' "$T/evict")" eof
eq "  the newest still works" "$(sed -n 's/^newest //p' "$T/evict")" 200
check "gateway S stops cleanly" stop_gw S

echo "-- bad TLS options are refused at start"
bad_start() { # bad_start NAME WANT-IN-STDERR flags...: the gateway exits non-zero at start
    local name=$1 want=$2; shift 2
    if "$GW" --port 0 --workflows "$WORKFLOWS" --key-file "$T/keys" --db "$T/$name.db" "$@" \
        > /dev/null 2> "$T/$name.err"; then
        return 1
    fi
    grep -q -- "$want" "$T/$name.err"
}
check "--tls-cert without --tls-key" bad_start b1 "go together" --tls-cert "$T/cert.pem"
check "a missing key file" bad_start b2 "cannot read" --tls-cert "$T/cert.pem" --tls-key "$T/nope.pem"
check "a key that does not match the certificate (named by GnuTLS)" bad_start b3 "do not match" --tls-cert "$T/cert.pem" --tls-key "$T/other.pem"
check "a certificate that is not PEM" bad_start b4 "with TLS" --tls-cert "$T/keys" --tls-key "$T/key.pem"
finish
