#!/usr/bin/env bash
# The HTTP layer: slow and silent clients never stall others, an idle flood
# at the connection limit, HEAD, absolute-form targets, chunked bodies,
# Expect: 100-continue, bodies with NUL or invalid UTF-8, bad queries, and
# every answer (the HTTP library's own included) counted in /metrics.
source "$(dirname "$0")/lib.sh"

start_gw A --db "$T/http.db" --threads 2 --max-conns 64 --idle-timeout-ms 5000 --max-body-bytes 4096
B=$URL_A
HOST=127.0.0.1

# healthz_time: seconds until /healthz answers 200 on a fresh connection,
# retrying a refused or dropped connection (a quick answer too) every 50 ms.
healthz_time() {
    python3 - "$PORT_A" <<'PY'
import http.client, sys, time
start = time.time()
while time.time() - start < 10:
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    time.sleep(0.05)
print("%.3f" % (time.time() - start))
PY
}
fast() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }

echo "-- slow clients: 8 connections that sent one byte, 16 that never read"
python3 - "$PORT_A" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for _ in range(8):
    s = socket.create_connection(("127.0.0.1", port)); s.send(b"G"); held.append(s)
for _ in range(16):
    s = socket.create_connection(("127.0.0.1", port))
    s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 50); held.append(s)
time.sleep(4)
PY
SLOW=$!
sleep 0.5
t=$(healthz_time)
check "/healthz with 24 slow clients open: ${t}s < 0.5s" fast "$t" 0.5
t=$(curl -s -o /dev/null -w '%{time_total}' -X POST "$B/webhook/workflow/trigger/approval" -d '{}')
check "a trigger meanwhile: ${t}s < 0.5s" fast "$t" 0.5
wait "$SLOW" || true

echo "-- idle flood: 200 silent connections against --max-conns 64"
python3 - "$PORT_A" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for _ in range(200):
    try:
        held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        pass
time.sleep(6)
PY
FLOOD=$!
sleep 1
t=$(healthz_time)
check "/healthz during the flood answers within 3 s (took ${t}s)" fast "$t" 3
wait "$FLOOD" || true

echo "-- HEAD, absolute-form, chunked, Expect: 100-continue"
H=$(curl -s -I "$B/healthz" -o "$T/head" -w '%{http_code} %{size_download}')
eq "HEAD /healthz: 200 and no body" "$H" "200 0"
# Keep-alive after HEAD: the next answer on the same connection is intact.
eq "HEAD then GET on one connection" "$(curl -s -o /dev/null -w '%{http_code}%{num_connects}' -I "$B/healthz" --next -s -o "$T/body" -w '%{http_code}%{num_connects}' "$B/healthz")" 20012000
check "  the GET body is the healthz JSON" grep -q '"status":"ok"' "$T/body"
# absolute-form: written by hand (curl sends origin-form to a server).
abs() { # abs METHOD TARGET [BODY]: the status line of the answer
    python3 - "$PORT_A" "$1" "$2" "${3:-}" <<'PY'
import socket, sys
port, method, target, body = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4].encode()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
           % (method, target, len(body))).encode() + body)
data = b""
while True:
    b = s.recv(65536)
    if not b: break
    data += b
print(data.split(b"\r\n", 1)[0].decode().split(" ")[1])
PY
}
eq "absolute-form GET /healthz" "$(abs GET "http://$HOST:$PORT_A/healthz")" 200
eq "absolute-form GET /metrics" "$(abs GET "http://$HOST:$PORT_A/metrics")" 200
eq "absolute-form GET /executions/x" "$(abs GET "http://$HOST:$PORT_A/executions/exec_nope")" 404
eq "absolute-form trigger" "$(abs POST "http://$HOST:$PORT_A/webhook/workflow/trigger/approval" '{}')" 201
eq "chunked trigger body" "$(req POST "$B/webhook/workflow/trigger/approval" -H 'Transfer-Encoding: chunked' --data-binary '{"request":"chunked"}')" 201
check "  the chunked body reached the execution" grep -q '"request":"chunked"' <(curl -s "$B/executions/$(json "$T/body" 'd["execution_id"]')")
head -c 5000 /dev/zero | tr '\0' ' ' > "$T/big"
eq "chunked body over the limit: 413" "$(req POST "$B/webhook/workflow/trigger/approval" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big")" 413
trigger "$B" approval
eq "resume with Expect: 100-continue" "$(req POST "$RESUME" -H 'Expect: 100-continue' --data-binary '{"approved":true}')" 200
eq "Content-Length over the limit with Expect: 413 before the body" \
   "$(req POST "$B/webhook/workflow/trigger/approval" -H 'Expect: 100-continue' --data-binary @"$T/big")" 413

echo "-- bad input: NUL, invalid UTF-8, bad query"
printf '{"approved":true}\0{"smuggled":1}' > "$T/nul"
trigger "$B" approval
eq "resume body with a NUL: 400" "$(req POST "$RESUME" --data-binary @"$T/nul")" 400
eq "  code invalid_payload" "$(json "$T/body" 'd["error"]')" invalid_payload
check "  the message names the NUL" grep -q 'NUL' "$T/body"
eq "trigger body with a NUL: 400" "$(req POST "$B/webhook/workflow/trigger/approval" --data-binary @"$T/nul")" 400
printf '{"a":"\xff\xfe"}' > "$T/bad8"
eq "resume body with invalid UTF-8: 400" "$(req POST "$RESUME" --data-binary @"$T/bad8")" 400
eq "trigger body with invalid UTF-8: 400" "$(req POST "$B/webhook/workflow/trigger/approval" --data-binary @"$T/bad8")" 400
eq "POST resume with ?a=%ff: 400" "$(req POST "$RESUME&a=%ff")" 400
eq "  code invalid_query" "$(json "$T/body" 'd["error"]')" invalid_query
eq "POST resume with ?a=%00: 400" "$(req POST "$RESUME&a=%00")" 400
eq "the URL still works after the refusals" "$(req POST "$RESUME" -d '{"approved":true}')" 200
check "  and nothing truncated was stored" bash -c "! grep -q smuggled '$T/body'"

echo "-- 1 MiB bodies end to end (the default body limit and payload capacity)"
start_gw L --db "$T/large.db"
python3 -c 'import json; print(json.dumps({"note": "x" * (1048576 - 20)}))' > "$T/mib"
for te in "" chunked; do
    eq "1 MiB trigger body${te:+ ($te)}: 201" \
       "$(req POST "$URL_L/webhook/workflow/trigger/approval" -H 'Content-Type: application/json' ${te:+-H "Transfer-Encoding: $te"} --data-binary @"$T/mib")" 201
    RESUME_L=$(json "$T/body" 'd["resume_urls"]["wait_approval"]')
    EXEC_L=$(json "$T/body" 'd["execution_id"]')
    eq "  the suspended state holds the 1 MiB trigger payload" \
       "$(req GET "$URL_L/executions/$EXEC_L" >/dev/null; python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(json.dumps(d["state"])) > 1048000)' "$T/body")" True
    python3 -c 'import json; print(json.dumps({"approved": True, "note": "y" * (1048576 - 40)}))' > "$T/mib2"
    eq "  1 MiB resume body${te:+ ($te)}: 200" \
       "$(req POST "$RESUME_L" -H 'Content-Type: application/json' ${te:+-H "Transfer-Encoding: $te"} --data-binary @"$T/mib2")" 200
    eq "  completed" "$(json "$T/body" 'd["status"]')" completed
    eq "  on the 'approved' branch, read from the 1 MiB payload" "$(json "$T/body" 'd["output"]')" '{"result": "approved"}'
done
head -c 1048600 /dev/zero | tr '\0' ' ' > "$T/over"
eq "a body over 1 MiB: 413" "$(req POST "$URL_L/webhook/workflow/trigger/approval" --data-binary @"$T/over")" 413
check "gateway L stops cleanly" stop_gw L

echo "-- every answer is counted, the HTTP library's own too"
python3 - "$PORT_A" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n")
s.recv(4096)
PY
eq "GET /metrics" "$(req GET "$B/metrics")" 200
check "400s are counted" grep -qE '^prana_gateway_requests_total\{route="[a-z]+",status="400"\} [1-9]' "$T/body"
check "431/413 are counted" grep -qE '^prana_gateway_requests_total\{route="trigger",status="413"\} [1-9]' "$T/body"
check "duration histogram" grep -qE '^prana_gateway_request_duration_seconds_bucket\{route="healthz",le="\+Inf"\} [1-9]' "$T/body"
check "histogram count" grep -qE '^prana_gateway_request_duration_seconds_count\{route="trigger"\} [1-9]' "$T/body"
check "stops cleanly" stop_gw A
finish
