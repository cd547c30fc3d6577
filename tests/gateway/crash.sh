#!/usr/bin/env bash
# Crash durability: 100 executions suspended, kill -9, restart, resume all
# 100 -> all complete, none lost or duplicated. Then the harder case: kill -9
# while 100 resumes are in flight, restart, retry every URL -> each
# execution resumed exactly once.
source "$(dirname "$0")/lib.sh"

N=${N:-100}
DB=$T/crash.db

# resume_all FILE: POST every URL in FILE, 16 at a time; codes to $T/codes.
resume_all() {
    xargs -P 16 -I{} curl -s -o /dev/null -w 'CODE %{http_code}\n' -X POST \
        -H 'Content-Type: application/json' --data-binary '{"approved": true}' '{}' \
        < "$1" > "$T/codes" || true
}
count() { grep -c "^CODE $1\$" "$T/codes" || true; }

echo "-- kill -9 while all are suspended"
start_gw A --db "$DB"
for i in $(seq 1 "$N"); do trigger "$URL_A" approval; echo "$RESUME" >> "$T/urls"; done
eq "$N executions suspended" "$(sql "$DB" "select count(*) from executions where status='suspended'")" "$N"
kill9_gw A
start_gw A --db "$DB"
eq "after restart: $N still suspended" "$(sql "$DB" "select count(*) from executions where status='suspended'")" "$N"
# The URLs carry the old port; the restarted gateway has a new one.
sed -E "s#^http://127.0.0.1:[0-9]+#$URL_A#" "$T/urls" > "$T/urls.now"
resume_all "$T/urls.now"
eq "resumes answered 200" "$(count 200)" "$N"
eq "executions completed" "$(sql "$DB" "select count(*) from executions where status='completed'")" "$N"
resume_all "$T/urls.now"
eq "second round: all 409" "$(count 409)" "$N"

echo "-- kill -9 in the middle of $N resumes"
: > "$T/urls2"
for i in $(seq 1 "$N"); do trigger "$URL_A" approval; echo "$RESUME" >> "$T/urls2"; done
( resume_all "$T/urls2"; cp "$T/codes" "$T/codes.first" ) &
FLIGHT=$!
sleep 0.15
kill9_gw A
wait "$FLIGHT" || true
first200=$(grep -c '^CODE 200$' "$T/codes.first" || true)
echo "   before the crash: $first200 resumes answered 200"
start_gw A --db "$DB"
sed -E "s#^http://127.0.0.1:[0-9]+#$URL_A#" "$T/urls2" > "$T/urls2.now"
resume_all "$T/urls2.now"
retry200=$(count 200); retry409=$(count 409)
echo "   after restart: $retry200 x 200 (not applied before), $retry409 x 409 (applied before)"
eq "retries: every URL 200 or 409" "$((retry200 + retry409))" "$N"
check "no resume answered 200 twice" [ "$((first200 + retry200))" -le "$N" ]
eq "all $((2 * N)) executions completed" "$(sql "$DB" "select count(*) from executions where status='completed'")" "$((2 * N))"
eq "registrations consumed" "$(sql "$DB" "select count(*) from registrations where status='consumed'")" "$((2 * N))"
eq "each execution resumed exactly once (trace)" \
   "$(sql "$DB" "select count(*) from executions where state like '%,check:%' and state not like '%,check:%,check:%'")" "$((2 * N))"
eq "no registration left active" "$(sql "$DB" "select count(*) from registrations where status in ('pending','active')")" 0
check "stops cleanly" stop_gw A
finish
