#!/usr/bin/env bash
# Timeouts and cleanup with no request at all: a wait of timeout_hours
# 0.0005 (1.8 s) is expired by the sweeper and the execution completes
# through the wait node's `timeout` port, also across a kill -9 and restart;
# an interval wait is resumed when due; registrations of an execution that
# ended without its wait are expired.
source "$(dirname "$0")/lib.sh"

DB=$T/timeout.db
start_gw A --db "$DB" --sweep-ms 100

# wait_status EXEC STATUS SECONDS
wait_status() {
    local i
    for i in $(seq 1 $(($3 * 10))); do
        req GET "$URL_A/executions/$1" > /dev/null
        [ "$(json "$T/body" 'd["status"]')" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

echo "-- expiry through 'timeout'"
trigger "$URL_A" quick_timeout
E1=$EXEC; R1=$RESUME
eq "suspended at first" "$(json "$T/body" 'd["status"]')" suspended
check "completed with no request within 6 s" wait_status "$E1" completed 6
eq "  through the timeout branch" "$(json "$T/body" 'd["state"]["output"]')" '{"result": "timed_out"}'
eq "  registration expired" "$(json "$T/body" 'd["registrations"][0]["status"]')" expired
eq "  the URL now answers 410" "$(req POST "$R1" -d '{}')" 410
check "expiry counted in /metrics" sh -c "curl -s '$URL_A/metrics' | grep -q '^prana_gateway_expiries_total 1$'"

echo "-- expiry survives a crash"
trigger "$URL_A" quick_timeout
E2=$EXEC
kill9_gw A
sleep 2
start_gw A --db "$DB" --sweep-ms 100
check "expired after the restart" wait_status "$E2" completed 6
eq "  through the timeout branch" "$(json "$T/body" 'd["state"]["output"]')" '{"result": "timed_out"}'

echo "-- interval wait (300 ms), resumed by the sweeper"
trigger "$URL_A" timer
eq "suspended at the timer" "$(json "$T/body" 'd["status"]')" suspended
check "completed within 5 s" wait_status "$EXEC" completed 5
eq "  output" "$(json "$T/body" 'd["state"]["output"]')" '{"result": "timer fired"}'

echo "-- cleanup: an execution that ends without reaching its wait"
trigger "$URL_A" early_exit '{"go": false}'
eq "completed at once" "$(json "$T/body" 'd["status"]')" completed
eq "  its wait node's registration expired" "$(sql "$DB" "select status from registrations where execution_id='$EXEC'")" expired
eq "  its URL answers 410" "$(req POST "$RESUME" -d '{}')" 410
trigger "$URL_A" early_exit '{"go": true}'
eq "with go=true it waits" "$(json "$T/body" 'd["status"]')" suspended
check "stops cleanly" stop_gw A
finish
