#!/usr/bin/env bash
# Cancel, extend and safe links: the cancel URL (with and without a wired
# 'cancel' port), 64 concurrent mixed resumes and cancels of one wait
# (exactly one 200), extend then expiry at the new time, GET reads (JSON or
# the page with its security headers) and never acts, a browser's form POST
# (typed output), the "already used", not-yet-active and expired pages, a refused form (422, the wait
# stays active), hostile config text rendered as text, --get-resumes.
source "$(dirname "$0")/lib.sh"

start_gw A --db "$T/safe.db" --sweep-ms 200
B=$URL_A
FORM='Content-Type: application/x-www-form-urlencoded'
HTML='Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

# url_of NAME: a URL of the last trigger's answer, e.g. cancel_urls wait_approval.
url_of() { json "$T/trigger.json" "d[\"$1\"][\"$2\"]"; }
trig() { trigger "$B" "$1" "${2:-{\}}" && cp "$T/body" "$T/trigger.json"; }
exec_status() { req GET "$B/executions/$1" > /dev/null; json "$T/body" 'd["status"]'; }
exec_output() { req GET "$B/executions/$1" > /dev/null; json "$T/body" 'd["state"]["output"]'; }
reg_status() { req GET "$B/executions/$1" > /dev/null; json "$T/body" 'd["registrations"][0]["status"]'; }

echo "-- cancel without a 'cancel' port: the execution ends cancelled"
trig approval
CANCEL=$(url_of cancel_urls wait_approval)
case "$CANCEL" in
    "$B"/webhook/workflow/cancel/webhook_"${EXEC}"_wait_approval_*'?sig=k1.'*) pass "cancel URL signed, next to the resume URL" ;;
    *) fail "cancel URL: $CANCEL" ;;
esac
RID=$(path_of "$CANCEL" | sed -E 's#.*/cancel/([^?]*).*#\1#')
eq "401 the resume URL's signature on the cancel path" \
   "$(req POST "$B/webhook/workflow/cancel/$RID?sig=$(sign "$RID")")" 401
eq "POST cancel: 200" "$(req POST "$CANCEL")" 200
eq "  answer says cancelled" "$(json "$T/body" 'd["cancelled"]')" true
eq "  execution cancelled" "$(exec_status "$EXEC")" cancelled
eq "  registration consumed" "$(reg_status "$EXEC")" consumed
eq "  the stored row equals the library's (status inside the JSON)" \
   "$(sql "$T/safe.db" "SELECT json_extract(json, '\$.status') FROM registrations WHERE resume_id = '$RID'")" consumed
eq "  a second cancel: 409" "$(req POST "$CANCEL")" 409
eq "  a resume after the cancel: 409" "$(req POST "$RESUME" -H 'Content-Type: application/json' -d '{"approved":true}')" 409

echo "-- cancel through a wired 'cancel' port"
trig cancel_port
eq "POST cancel: 200" "$(req POST "$(url_of cancel_urls wait_decision)")" 200
eq "  execution completed" "$(exec_status "$EXEC")" completed
eq "  through the cancel port" "$(exec_output "$EXEC")" '{"result": "withdrawn"}'

echo "-- 64 concurrent requests on one wait, resumes and cancels mixed: one wins"
trig approval
CANCEL=$(url_of cancel_urls wait_approval)
: > "$T/race.cfg"
for j in $(seq 1 64); do
    if [ $((j % 2)) = 1 ]; then u=$RESUME; else u=$CANCEL; fi
    printf 'url = "%s"\noutput = "/dev/null"\n' "$u" >> "$T/race.cfg"
done
curl -s --parallel --parallel-immediate --parallel-max 64 -X POST \
    -H 'Content-Type: application/json' --data-binary '{"approved": true}' \
    -w 'CODE %{http_code}\n' -K "$T/race.cfg" > "$T/codes" 2>/dev/null || true
eq "exactly one 200" "$(grep -c '^CODE 200$' "$T/codes" || true)" 1
eq "63 x 409" "$(grep -c '^CODE 409$' "$T/codes" || true)" 63
case "$(exec_status "$EXEC")" in
    completed|cancelled) pass "execution ended once ($(exec_status "$EXEC"))" ;;
    *) fail "execution status after the race: $(exec_status "$EXEC")" ;;
esac

echo "-- extend: the sweeper expires at the new time"
trig extend_timeout
EXTEND=$(url_of extend_urls wait_answer)
RID=$(path_of "$EXTEND" | sed -E 's#.*/extend/([^?]*).*#\1#')
OLD=$(sql "$T/safe.db" "SELECT expires_at FROM registrations WHERE resume_id = '$RID'")
eq "GET extend: 405 (extend is a POST)" "$(req GET "$EXTEND")" 405
eq "422 an earlier expiry" "$(req POST "$EXTEND" -H 'Content-Type: application/json' -d '{"timeout_hours": 0.0001}')" 422
eq "POST extend by 0.003 h (10.8 s): 200" \
   "$(req POST "$EXTEND" -H 'Content-Type: application/json' -d '{"timeout_hours": 0.003}')" 200
NEW=$(json "$T/body" 'd["expires_at"]')
check "  the new expiry is later than the old ($OLD -> $NEW)" test "$NEW" -gt "$OLD"
eq "  the stored row carries it" \
   "$(sql "$T/safe.db" "SELECT expires_at = $NEW AND json_extract(json, '\$.expires_at') = $NEW FROM registrations WHERE resume_id = '$RID'")" 1
eq "  so does the stored execution state (its resume_at and its registration)" \
   "$(sql "$T/safe.db" "SELECT json_extract(e.state, '\$.resume_at') = $NEW AND json_extract(r.value, '\$.expires_at') = $NEW FROM executions e, json_each(e.state, '\$.registrations') r WHERE e.id = '$EXEC' AND json_extract(r.value, '\$.resume_id') = '$RID'")" 1
sleep 5 # past the first expiry (3.6 s), well before the new one
eq "  still active after the first expiry" "$(reg_status "$EXEC")" active
eq "  and suspended" "$(exec_status "$EXEC")" suspended
for _ in $(seq 1 60); do
    [ "$(exec_status "$EXEC")" = completed ] && break
    sleep 0.25
done
NOW=$(python3 -c 'import time; print(int(time.time() * 1000))')
check "  expired at or after the new time" test "$NOW" -ge "$NEW"
eq "  then expired through 'timeout'" "$(exec_output "$EXEC")" '{"result": "timed_out"}'
eq "  registration expired" "$(reg_status "$EXEC")" expired
eq "  the stored row equals the state's (expired once, at the new expiry)" \
   "$(sql "$T/safe.db" "SELECT json_extract(g.json, '\$.status') || ' ' || (json_extract(g.json, '\$.expires_at') = json_extract(r.value, '\$.expires_at')) || ' ' || json_extract(r.value, '\$.status') FROM registrations g, executions e, json_each(e.state, '\$.registrations') r WHERE g.resume_id = '$RID' AND e.id = '$EXEC' AND json_extract(r.value, '\$.resume_id') = '$RID'")" "expired 1 expired"
eq "extend an expired wait: 410" "$(req POST "$EXTEND")" 410

trig extend_timeout
EXTEND=$(url_of extend_urls wait_answer)
eq "extend another wait: 200" "$(req POST "$EXTEND" -H 'Content-Type: application/json' -d '{"timeout_hours": 0.003}')" 200
sleep 4.5 # past its first expiry
eq "  a resume after the first expiry: 200" "$(req POST "$RESUME" -H 'Content-Type: application/json' -d '{}')" 200
eq "  through 'main'" "$(exec_output "$EXEC")" '{"result": "answered"}'
eq "  extend a used wait: 409" "$(req POST "$EXTEND")" 409

echo "-- GET reads: a link scanner's GET changes nothing"
trig form_echo
FURL=$RESUME
FCANCEL=$(url_of cancel_urls wait_form)
eq "curl GET (no Accept: text/html): 200" "$(req GET "$FURL")" 200
eq "  the JSON description" "$(json "$T/body" 'd["node"] + " " + d["status"]')" "wait_form active"
eq "  lists the form" "$(json "$T/body" '[f["name"] for f in d["form"]]')" '["amount", "category", "note", "urgent"]'
eq "curl GET of the cancel URL: 200" "$(req GET "$FCANCEL")" 200
eq "HEAD: 200" "$(curl -s -o /dev/null -w '%{http_code}' -I "$FURL")" 200
eq "  the wait is still active" "$(reg_status "$EXEC")" active
eq "  the execution still suspended" "$(exec_status "$EXEC")" suspended

echo "-- GET with Accept: text/html: the page"
code=$(curl -s -D "$T/hdr" -o "$T/page.html" -w '%{http_code}' -H "$HTML" "$FURL")
eq "page: 200" "$code" 200
check "  text/html" grep -qi '^content-type: text/html' "$T/hdr"
check "  Content-Security-Policy: nothing but the page's own style, no framing" \
    grep -qi "^content-security-policy: default-src 'none'.*frame-ancestors 'none'" "$T/hdr"
check "  X-Frame-Options" grep -qi '^x-frame-options: deny' "$T/hdr"
check "  a form posting to the resume URL" grep -q '<form' "$T/page.html"
check "  hostile title rendered as text" grep -q '&lt;script&gt;' "$T/page.html"
check "  no script element from the config" bash -c "! grep -qi '<script' '$T/page.html'"
check "  no img element from the config" bash -c "! grep -qi '<img' '$T/page.html'"
check "  the signing key never shown" bash -c "! grep -q 'gateway-test-secret' '$T/page.html'"
eq "  the wait is still active" "$(reg_status "$EXEC")" active

echo "-- a refused form: 422, the page again, the wait stays active"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" \
    --data 'amount=lots&category=travel' "$FURL")
eq "bad number: 422" "$code" 422
check "  the page again" grep -q '<form' "$T/page.html"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" \
    --data 'amount=3&category=yachts' "$FURL")
eq "not an option: 422" "$code" 422
eq "  the wait is still active" "$(reg_status "$EXEC")" active

echo "-- the form POST: typed output"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" \
    --data 'amount=42.5&category=meals&note=team+lunch+%3Cb%3E&urgent=true' "$FURL")
eq "form POST: 200 (result page)" "$code" 200
check "  an HTML result page" grep -qi '<html' "$T/page.html"
eq "  execution completed" "$(exec_status "$EXEC")" completed
eq "  with the typed form as output" \
   "$(exec_output "$EXEC")" '{"amount": 42.5, "category": "meals", "note": "team lunch <b>", "urgent": true}'
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" "$FURL")
eq "second visit: 409" "$code" 409
check "  the 'already used' page" grep -qi 'already used' "$T/page.html"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" --data 'amount=1&category=meals' "$FURL")
eq "a second submission: 409 page" "$code" 409
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" "${FURL%%\?*}?sig=k1.AAAAAAAAAAAAAAAAAAAAAA")
eq "bad signature in a browser: 401 page" "$code" 401

echo "-- result pages of waits that are not open"
trig two_waits
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" "$(url_of resume_urls second)")
eq "not yet active (GET): 400 page" "$code" 400
check "  an HTML page" grep -qi '<html' "$T/page.html"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" --data 'decision=approve' "$(url_of resume_urls second)")
eq "not yet active (POST): 400 page" "$code" 400
trig quick_timeout
sleep 2.5 # 1.8 s timeout, then the sweeper
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" "$RESUME")
eq "expired (GET): 410 page" "$code" 410
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" --data 'decision=approve' "$RESUME")
eq "expired (POST): 410 page" "$code" 410
check "  an HTML page" grep -qi '<html' "$T/page.html"

echo "-- Approve / Reject page (no form): Reject posts to the cancel URL"
trig approval
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" "$RESUME")
eq "page: 200" "$code" 200
check "  offers the cancel URL" grep -qF "/webhook/workflow/cancel/" "$T/page.html"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" --data '' "$(url_of cancel_urls wait_approval)")
eq "Reject (browser POST to the cancel URL): 200" "$code" 200
eq "  execution cancelled" "$(exec_status "$EXEC")" cancelled
trig approval
code=$(curl -s -o "$T/page.html" -w '%{http_code}' -H "$HTML" -H "$FORM" --data 'decision=approve' "$RESUME")
eq "Approve (browser POST): 200" "$code" 200
eq "  the 'approved' branch" "$(exec_output "$EXEC")" '{"result": "approved"}'
check "gateway A stops cleanly" stop_gw A

echo "-- --get-resumes: a GET resumes again (API callers; scanners too)"
start_gw G --db "$T/safe.db" --get-resumes
B=$URL_G
trig approval
eq "GET resume: 200" "$(req GET "$RESUME&approved=no")" 200
eq "  resumed with the query" "$(json "$T/body" 'd["output"]')" '{"result": "rejected"}'
trig approval
eq "GET cancel still only reads" "$(req GET "$(url_of cancel_urls wait_approval)")" 200
eq "  still active" "$(reg_status "$EXEC")" active
check "gateway G stops cleanly" stop_gw G
finish
