#!/usr/bin/env bash
# End to end over real HTTP with curl: trigger -> suspended -> resume ->
# completed, GET reads (JSON, the wait stays active), a POST whose query is
# the payload, keep-alive, /metrics, and every rejection of the routing
# status table from a real request.
# Under GW_WRAPPER (valgrind) the same run checks memory, see valgrind.sh.
source "$(dirname "$0")/lib.sh"

start_gw A --db "$T/e2e.db" --max-body-bytes 4096 --max-header-bytes 4096 --sweep-ms 200
B=$URL_A

echo "-- happy path (examples/workflows/approval.json)"
eq "healthz" "$(req GET "$B/healthz")" 200
trigger "$B" approval '{"request": "new laptop", "amount": 1200}'
eq "trigger answers suspended" "$(json "$T/body" 'd["status"]')" suspended
eq "current node is the wait node" "$(json "$T/body" 'd["current_node"]')" wait_approval
case "$RESUME" in
    "$B"/webhook/workflow/resume/webhook_"${EXEC}"_wait_approval_*'?sig=k1.'*) pass "resume URL is signed and under the base URL" ;;
    *) fail "resume URL: $RESUME" ;;
esac
check "the log node printed the resume URL" grep -qF "approval requested for execution $EXEC: $RESUME" "$T/A.out"
eq "GET /executions/{id}" "$(req GET "$B/executions/$EXEC")" 200
eq "  status suspended" "$(json "$T/body" 'd["status"]')" suspended
eq "  registration active" "$(json "$T/body" 'd["registrations"][0]["status"]')" active
eq "resume with a JSON body" "$(req POST "$RESUME" -H 'Content-Type: application/json' --data-binary '{"approved": true, "by": "alice"}')" 200
eq "  completed" "$(json "$T/body" 'd["status"]')" completed
eq "  through the 'true' branch" "$(json "$T/body" 'd["output"]')" '{"result": "approved"}'
eq "execution stored as completed" "$(req GET "$B/executions/$EXEC" && json "$T/body" 'd["status"]')" 200completed
eq "  registration consumed" "$(json "$T/body" 'd["registrations"][0]["status"]')" consumed

echo "-- GET reads, POST acts: a link scanner's GET changes nothing"
trigger "$B" approval
eq "GET resume (no Accept: text/html): 200" "$(req GET "$RESUME&approved=no")" 200
eq "  the JSON description: the node" "$(json "$T/body" 'd["node"]')" wait_approval
eq "  status active" "$(json "$T/body" 'd["status"]')" active
eq "  execution still suspended" "$(req GET "$B/executions/$EXEC" >/dev/null; json "$T/body" 'd["status"]')" suspended
echo "-- POST without a body: the query is the payload"
eq "POST resume with a query" "$(req POST "$RESUME&approved=no&note=a+b%21")" 200
eq "  'false' branch (query values are strings)" "$(json "$T/body" 'd["output"]')" '{"result": "rejected"}'

trigger "$B" approval
NOTE=$(head -c 2000 /dev/zero | tr '\0' n)
eq "2 KB JSON body (curl sends Expect: 100-continue)" "$(req POST "$RESUME" --data-binary "{\"approved\": true, \"note\": \"$NOTE\"}")" 200

echo "-- keep-alive: two requests, one connection"
eq "connections opened for two requests" "$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}' "$B/healthz" "$B/healthz" | tr -d '\n')" 10

echo "-- rejections (routing status table)"
trigger "$B" approval
GOOD=$RESUME
RID=$(path_of "$GOOD" | sed -E 's#.*/resume/([^?]*).*#\1#')
eq "409 second resume of a used URL" "$(req POST "$GOOD" -d '{"approved":true}' >/dev/null; req POST "$GOOD" -d '{"approved":true}')" 409
eq "  code webhook_already_used" "$(json "$T/body" 'd["error"]')" webhook_already_used
eq "404 not a webhook route" "$(req POST "$B/webhook/workflow/restart/x")" 404
eq "  code not_found" "$(json "$T/body" 'd["error"]')" not_found
eq "404 unknown path" "$(req GET "$B/nope")" 404
eq "400 malformed resume id" "$(req POST "$B/webhook/workflow/resume/webhook_bad")" 400
eq "  code invalid_webhook_url" "$(json "$T/body" 'd["error"]')" invalid_webhook_url
eq "400 percent-encoded id" "$(req POST "$B/webhook/workflow/resume/webhook%5Fx")" 400
trigger "$B" approval
eq "401 no signature" "$(req POST "${RESUME%%\?*}" -d '{}')" 401
eq "  code invalid_signature" "$(json "$T/body" 'd["error"]')" invalid_signature
FORGED="${RESUME%?}A"; [ "$FORGED" = "$RESUME" ] && FORGED="${RESUME%?}B"
eq "401 forged signature" "$(req POST "$FORGED" -d '{}')" 401
eq "401 unknown key id" "$(req POST "${RESUME%%\?*}?sig=zz.AAAAAAAAAAAAAAAAAAAAAA" -d '{}')" 401
eq "  the URL still works after the forgeries" "$(req POST "$RESUME" -d '{"approved":false}')" 200
UNKNOWN="webhook_exec_doesnotexist_wait_approval_${RID##*_}"
eq "404 unknown resume id (validly signed)" "$(req POST "$B/webhook/workflow/resume/$UNKNOWN?sig=$(sign "$UNKNOWN")" -d '{}')" 404
eq "  code webhook_not_found" "$(json "$T/body" 'd["error"]')" webhook_not_found
trigger "$B" two_waits
SECOND=$(json "$T/body" 'd["resume_urls"]["second"]')
FIRST=$(json "$T/body" 'd["resume_urls"]["first"]')
eq "400 wait node not reached yet" "$(req POST "$SECOND" -d '{}')" 400
eq "  code wait_node_not_active" "$(json "$T/body" 'd["error"]')" wait_node_not_active
eq "  first wait resumes" "$(req POST "$FIRST" -d '{}')" 200
eq "  now suspended at the second" "$(json "$T/body" 'd["current_node"]')" second
eq "  second wait resumes" "$(req POST "$SECOND" -d '{}')" 200
eq "  completed" "$(json "$T/body" 'd["output"]')" '{"result": "both answered"}'
eq "405 DELETE on a resume URL" "$(req DELETE "$GOOD")" 405
eq "  code method_not_allowed" "$(json "$T/body" 'd["error"]')" method_not_allowed
eq "405 GET on a trigger URL" "$(req GET "$B/webhook/workflow/trigger/approval")" 405
trigger "$B" approval
head -c 5000 /dev/zero | tr '\0' ' ' > "$T/big"
eq "413 body over --max-body-bytes" "$(req POST "$RESUME" --data-binary @"$T/big")" 413
eq "  code payload_too_large" "$(json "$T/body" 'd["error"]')" payload_too_large
eq "431 head over --max-header-bytes" "$(req GET "$B/healthz" -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' x)")" 431
eq "  the URL still works after the 413" "$(req POST "$RESUME" -d '{"approved":true}')" 200
trigger "$B" quick_timeout
sleep 2
eq "410 expired (timeout_hours 0.0005 = 1.8 s)" "$(req POST "$RESUME" -d '{}')" 410
eq "  code webhook_expired" "$(json "$T/body" 'd["error"]')" webhook_expired
eq "404 unknown workflow" "$(req POST "$B/webhook/workflow/trigger/nosuch" -d '{}')" 404
trigger "$B" approval
eq "400 payload that is not JSON" "$(req POST "$RESUME" -H 'Content-Type: application/json' -d 'not json')" 400
eq "  the URL stays usable" "$(req POST "$RESUME" -d '{"approved":true}')" 200
eq "404 unknown execution" "$(req GET "$B/executions/exec_nope")" 404

echo "-- Standard Webhooks signatures on triggers (--trigger-secret)"
WHSEC="whsec_$(printf 'trigger-test-secret-bytes-0123456789' | base64 | tr -d '\n')"
start_gw S --db "$T/e2e.db" --trigger-secret "$WHSEC"
# swh_headers BODY [TIMESTAMP]: curl -H arguments of a signed request.
swh_sign() {
    python3 - "$WHSEC" "$1" "${2:-$(date +%s)}" <<'PY'
import base64, hashlib, hmac, sys
key = base64.b64decode(sys.argv[1][len("whsec_"):])
msg = "msg_test1.%s.%s" % (sys.argv[3], sys.argv[2])
print("v1," + base64.b64encode(hmac.new(key, msg.encode(), hashlib.sha256).digest()).decode())
PY
}
BODY='{"request": "signed"}'
NOW=$(date +%s)
eq "401 unsigned trigger" "$(req POST "$URL_S/webhook/workflow/trigger/approval" --data-binary "$BODY")" 401
eq "201 signed trigger" "$(req POST "$URL_S/webhook/workflow/trigger/approval" --data-binary "$BODY" \
    -H 'webhook-id: msg_test1' -H "webhook-timestamp: $NOW" -H "webhook-signature: $(swh_sign "$BODY" "$NOW")")" 201
eq "401 body changed after signing" "$(req POST "$URL_S/webhook/workflow/trigger/approval" --data-binary '{"request": "forged"}' \
    -H 'webhook-id: msg_test1' -H "webhook-timestamp: $NOW" -H "webhook-signature: $(swh_sign "$BODY" "$NOW")")" 401
OLD=$((NOW - 600))
eq "401 timestamp outside the 5 minute tolerance" "$(req POST "$URL_S/webhook/workflow/trigger/approval" --data-binary "$BODY" \
    -H 'webhook-id: msg_test1' -H "webhook-timestamp: $OLD" -H "webhook-signature: $(swh_sign "$BODY" "$OLD")")" 401
check "gateway S stops cleanly" stop_gw S

echo "-- behind a reverse proxy: --base-url with a path prefix"
start_gw P --db "$T/e2e.db" --base-url https://gw.example.com/hooks
eq "trigger under the prefix" "$(req POST "$URL_P/hooks/webhook/workflow/trigger/approval" -d '{}')" 201
PURL=$(json "$T/body" 'd["resume_urls"]["wait_approval"]')
case "$PURL" in
    https://gw.example.com/hooks/webhook/workflow/resume/*'?sig=k1.'*) pass "resume URL carries the public base" ;;
    *) fail "resume URL: $PURL" ;;
esac
eq "resume through the proxied path" "$(req POST "$URL_P$(path_of "$PURL")" -d '{"approved": true}')" 200
eq "404 outside the prefix" "$(req POST "$URL_P/webhook/workflow/trigger/approval" -d '{}')" 404
eq "/hooks/healthz" "$(req GET "$URL_P/hooks/healthz")" 200
check "gateway P stops cleanly" stop_gw P

echo "-- an edited workflow file is used at its next trigger"
# Settled files are cached (checked with stat per trigger); an edit changes
# the file's time (and here its size and inode too).
sed 's/"id": "approval"/"id": "edit_me"/' "$ROOT/examples/workflows/approval.json" > "$WORKFLOWS/edit_me.json"
touch -d '1 hour ago' "$WORKFLOWS/edit_me.json"
eq "trigger edit_me (the approval workflow)" "$(req POST "$B/webhook/workflow/trigger/edit_me" -d '{}')" 201
eq "  suspended at its wait node" "$(json "$T/body" 'd["current_node"]')" wait_approval
eq "again, from the cache" "$(req POST "$B/webhook/workflow/trigger/edit_me" -d '{}')" 201
eq "  suspended at its wait node" "$(json "$T/body" 'd["current_node"]')" wait_approval
sed 's/"id": "early_exit"/"id": "edit_me"/' "$ROOT/tests/gateway/workflows/early_exit.json" > "$T/edit_me.json"
mv "$T/edit_me.json" "$WORKFLOWS/edit_me.json"
touch -d '1 hour ago' "$WORKFLOWS/edit_me.json"
eq "trigger after the edit" "$(req POST "$B/webhook/workflow/trigger/edit_me" -d '{"go": false}')" 201
eq "  the new definition ran" "$(json "$T/body" 'd["status"]')" completed
rm "$WORKFLOWS/edit_me.json"
eq "a removed file: 404" "$(req POST "$B/webhook/workflow/trigger/edit_me" -d '{}')" 404

echo "-- metrics"
eq "GET /metrics" "$(req GET "$B/metrics")" 200
check "requests by route and status" grep -q '^prana_gateway_requests_total{route="resume",status="409"} 1$' "$T/body"
check "resumes counted" grep -qE '^prana_gateway_resumes_total [1-9]' "$T/body"
check "executions by status" grep -qE '^prana_gateway_executions\{status="completed"\} [1-9]' "$T/body"

echo "-- orderly shutdown"
if stop_gw A; then pass "SIGTERM: exit 0"; else fail "SIGTERM: exit $?"; fi
finish
