#!/usr/bin/env bash
# The HTTP layer: slow and silent clients never stall others, an idle flood
# at the connection limit, the connection idle longest making room, HEAD, absolute-form targets, chunked bodies,
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
check "/healthz during the flood answers at once (took ${t}s < 1s)" fast "$t" 1
wait "$FLOOD" || true

echo "-- at --max-conns the connection idle longest makes room"
# Gateway E allows 16 connections. The oldest one has a request in progress
# (its head is in, its body is not), then 15 keep-alive connections each
# finish a request and sit idle, oldest first. A 17th client must get its
# answer at once: the oldest idle connection is closed for it (its client
# reads EOF), the busy one is kept and its request still completes.
start_gw E --db "$T/evict.db" --threads 2 --max-conns 16
python3 - "$PORT_E" > "$T/evict" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    return socket.create_connection(("127.0.0.1", port), timeout=2)
def answer(s):  # the status code of one whole answer read from s
    d = b""
    while b"\r\n\r\n" not in d:
        b = s.recv(4096)
        if not b:
            return "eof"
        d += b
    head, _, body = d.partition(b"\r\n\r\n")
    n = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    while len(body) < (n[0] if n else 0):
        body += s.recv(4096)
    return head.split(b" ")[1].decode()
def get(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    return answer(s)
def eof_within(s, seconds):  # "eof" once the peer closed, "open" if silent
    s.settimeout(seconds)
    try:
        return "eof" if s.recv(1) == b"" else "data"
    except socket.timeout:
        return "open"
    except ConnectionResetError:
        return "eof"
    finally:
        s.settimeout(2)
body = b'{"request":"busy"}'
busy = conn()
busy.sendall(b"POST /webhook/workflow/trigger/approval HTTP/1.1\r\nHost: x\r\n"
             b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:5])
time.sleep(0.1)
idle = []
for _ in range(15):
    s = conn()
    assert get(s) == "200"
    idle.append(s)
    time.sleep(0.02)
start = time.time()
new = conn()
print("new", get(new), "%.3f" % (time.time() - start))
print("oldest_idle", eof_within(idle[0], 1))
print("second_idle", eof_within(idle[1], 0.3))
print("newest_idle", get(idle[14]))
busy.sendall(body[5:])
print("busy", answer(busy))
# The next newcomer closes the next one idle longest.
new2 = conn()
print("new2", get(new2))
print("second_idle_now", eof_within(idle[1], 1))
print("third_idle", eof_within(idle[2], 0.3))
for s in idle + [busy, new, new2]:
    s.close()
time.sleep(0.3)
# Every connection busy: 16 requests with half their body sent, then a
# newcomer is refused at once (closed, no answer) instead of waiting.
held = []
for _ in range(16):
    s = conn()
    s.sendall(b"POST /webhook/workflow/trigger/approval HTTP/1.1\r\nHost: x\r\n"
              b"Content-Length: 10\r\n\r\n{}")
    held.append(s)
time.sleep(0.2)
start = time.time()
try:
    r = get(conn())
except OSError:
    r = "eof"
print("all_busy_newcomer", r, "%.3f" % (time.time() - start))
for s in held:
    s.close()
time.sleep(0.3)
PY
cat "$T/evict" | sed 's/^/   | /'
val() { sed -n "s/^$1 //p" "$T/evict"; }
eq "a newcomer at the limit is answered" "$(val new | cut -d' ' -f1)" 200
check "  at once ($(val new | cut -d' ' -f2)s < 0.5s)" fast "$(val new | cut -d' ' -f2)" 0.5
eq "  the connection idle longest was closed (EOF)" "$(val oldest_idle)" eof
eq "  the next oldest is still open" "$(val second_idle)" open
eq "  the newest idle connection still works" "$(val newest_idle)" 200
eq "  the older busy connection was kept: its request completes" "$(val busy)" 201
eq "a second newcomer is answered" "$(val new2)" 200
eq "  and the next one idle longest closed for it" "$(val second_idle_now)" eof
eq "  the one after stays open" "$(val third_idle)" open
eq "every connection busy: a newcomer is refused" "$(val all_busy_newcomer | cut -d' ' -f1)" eof
check "  at once ($(val all_busy_newcomer | cut -d' ' -f2)s < 0.5s)" fast "$(val all_busy_newcomer | cut -d' ' -f2)" 0.5
eq "metrics of gateway E" "$(req GET "$URL_E/metrics")" 200
check "  two connections evicted" grep -qx 'prana_gateway_connections_evicted_total 2' "$T/body"
check "  one refused" grep -qx 'prana_gateway_connections_refused_total 1' "$T/body"
check "gateway E stops cleanly" stop_gw E

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
