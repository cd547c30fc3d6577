#!/usr/bin/env bash
# Many gateways on one PostgreSQL 15 (a throwaway cluster): exactly once
# across three processes, a gateway killed with -9 in the middle of resumes,
# the database restarted (-m immediate) under a load of triggers and resumes,
# 503 + Retry-After while it is down, timeouts under three sweepers, and
# cancel (racing resumes over two gateways) and extend.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pglib.sh"

pg_start_cluster
GWFLAGS=(--db "$PG_URL" --sweep-ms 200 --threads 4)
start_gw A "${GWFLAGS[@]}"
start_gw B "${GWFLAGS[@]}"
start_gw C "${GWFLAGS[@]}"
PORTS=("$PORT_A" "$PORT_B" "$PORT_C")
eq "schema at version 2 (migrations ran once)" "$(psql_ "select string_agg(version::text, ',' order by version) from schema_migrations")" "1,2"

# on_port URL PORT: the URL through another gateway.
on_port() { printf '%s\n' "$1" | sed -E "s#^http://127.0.0.1:[0-9]+#http://127.0.0.1:$2#"; }
trace_once() { # executions that passed the node after their wait exactly once
    psql_ "select count(*) from executions where state like '%,check:%' and state not like '%,check:%,check:%'"
}
metric_sum() {
    local s=0 p v
    for p in "${PORTS[@]}"; do
        v=$(curl -s "http://127.0.0.1:$p/metrics" | sed -n "s/^$1 //p")
        s=$((s + ${v:-0}))
    done
    echo "$s"
}

echo "-- 20 URLs x 64 concurrent resumes over three gateways"
URLS=20 PER_URL=64
: > "$T/urls"
for i in $(seq 1 "$URLS"); do trigger "$URL_A" approval; echo "$RESUME" >> "$T/urls"; done
bad=0
while read -r url; do
    args=()
    for j in $(seq 1 "$PER_URL"); do args+=(-o /dev/null "$(on_port "$url" "${PORTS[$((j % 3))]}")"); done
    curl -s --parallel --parallel-immediate --parallel-max "$PER_URL" -X POST \
        -H 'Content-Type: application/json' --data-binary '{"approved": true}' \
        -w 'CODE %{http_code}\n' "${args[@]}" > "$T/codes" 2>/dev/null || true
    n200=$(grep -c '^CODE 200$' "$T/codes" || true); n409=$(grep -c '^CODE 409$' "$T/codes" || true)
    if [ "$n200" != 1 ] || [ "$n409" != $((PER_URL - 1)) ]; then
        bad=$((bad + 1)); echo "   $url: $n200 x 200, $n409 x 409: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"
    fi
done < "$T/urls"
eq "every URL: exactly one 200 and $((PER_URL - 1)) x 409" "$bad" 0
eq "executions completed" "$(psql_ "select count(*) from executions where status='completed'")" "$URLS"
eq "each resumed once (trace)" "$(trace_once)" "$URLS"
eq "resumes counted over the three" "$(metric_sum prana_gateway_resumes_total)" "$URLS"

echo "-- kill -9 of one gateway in the middle of resumes"
N=90
: > "$T/urls2"
for i in $(seq 1 "$N"); do trigger "$URL_A" approval; echo "$RESUME" >> "$T/urls2"; done
i=0; : > "$T/spread"
while read -r url; do on_port "$url" "${PORTS[$((i % 3))]}" >> "$T/spread"; i=$((i + 1)); done < "$T/urls2"
resume_list() { # FILE -> codes with URLs in $T/codes
    xargs -P 12 -I{} curl -s -o /dev/null -w 'CODE %{http_code} {}\n' -X POST \
        -H 'Content-Type: application/json' --data-binary '{"approved": true}' '{}' < "$1" > "$T/codes" || true
}
( resume_list "$T/spread"; cp "$T/codes" "$T/codes.first" ) &
FLIGHT=$!
sleep 0.3
kill9_gw B
wait "$FLIGHT" || true
first200=$(grep -c '^CODE 200 ' "$T/codes.first" || true)
echo "   before and during the kill: $first200 x 200, $(grep -vc '^CODE [24]' "$T/codes.first" || true) failed"
# Retries go to the survivors.
sed -E "s#^http://127.0.0.1:[0-9]+#$URL_C#" "$T/urls2" > "$T/retry"
resume_list "$T/retry"
retry200=$(grep -c '^CODE 200 ' "$T/codes" || true); retry409=$(grep -c '^CODE 409 ' "$T/codes" || true)
eq "retries: every URL 200 or 409" "$((retry200 + retry409))" "$N"
# A URL answered 200 in the first round must answer 409 on retry.
dup=$(grep '^CODE 200 ' "$T/codes.first" | sed -E 's#^CODE 200 http://127.0.0.1:[0-9]+##' | sort > "$T/a"
      grep '^CODE 200 ' "$T/codes" | sed -E 's#^CODE 200 http://127.0.0.1:[0-9]+##' | sort > "$T/b"
      comm -12 "$T/a" "$T/b" | wc -l)
eq "no URL answered 200 twice" "$dup" 0
eq "all $((URLS + N)) executions completed" "$(psql_ "select count(*) from executions where status='completed'")" "$((URLS + N))"
eq "each resumed exactly once (trace)" "$(trace_once)" "$((URLS + N))"
start_gw B "${GWFLAGS[@]}"
PORTS=("$PORT_A" "$PORT_B" "$PORT_C")

echo "-- pg_ctl restart -m immediate under a load of triggers and resumes"
M=60
: > "$T/urls3"
for i in $(seq 1 "$M"); do trigger "$URL_B" approval; echo "$RESUME" >> "$T/urls3"; done
before=$(psql_ "select count(*) from executions")
# Load: triggers (acknowledged ids recorded) and resumes (200s recorded).
(
    for i in $(seq 1 120); do
        p=${PORTS[$((i % 3))]}
        out=$(curl -s -w '\nCODE %{http_code}' -X POST --data-binary '{}' \
            "http://127.0.0.1:$p/webhook/workflow/trigger/approval" || true)
        case "$out" in *"CODE 201") echo "$out" | sed -nE 's/.*"execution_id":"([^"]*)".*/\1/p' ;; esac
        sleep 0.02
    done > "$T/acked"
) &
LOADT=$!
( i=0; while read -r url; do on_port "$url" "${PORTS[$((i % 3))]}"; i=$((i + 1)); done < "$T/urls3" > "$T/spread3"
  xargs -P 4 -I{} sh -c 'curl -s -o /dev/null -w "CODE %{http_code} {}\n" -X POST --data-binary "{\"approved\": true}" "{}"; sleep 0.05' < "$T/spread3" > "$T/codes3" || true ) &
LOADR=$!
sleep 0.7
pg_ctl_ -m immediate restart > /dev/null
wait "$LOADT" "$LOADR" || true
down503=$(grep -c '^CODE 503 ' "$T/codes3" || true)
echo "   during the load: $(wc -l < "$T/acked") triggers acknowledged, $(grep -c '^CODE 200 ' "$T/codes3" || true) resumes 200, $down503 x 503"
recovered=0
for i in $(seq 1 50); do
    ok=0
    for p in "${PORTS[@]}"; do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/healthz")" = 200 ] && ok=$((ok + 1)); done
    [ "$ok" = 3 ] && { recovered=1; break; }
    sleep 0.2
done
eq "the three gateways recover without a restart" "$recovered" 1
missing=0
while read -r id; do
    [ -n "$id" ] || continue
    [ "$(psql_ "select count(*) from executions where id='$id'")" = 1 ] || missing=$((missing + 1))
done < "$T/acked"
eq "every acknowledged trigger is stored" "$missing" 0
lost=0
for url in $(grep '^CODE 200 ' "$T/codes3" | cut -d' ' -f3); do
    rid=$(printf '%s\n' "$url" | sed -E 's#.*/resume/([^?]*).*#\1#')
    [ "$(psql_ "select status from registrations where resume_id='$rid'")" = consumed ] || lost=$((lost + 1))
done
eq "every acknowledged resume is stored" "$lost" 0
sed -E "s#^http://127.0.0.1:[0-9]+#$URL_A#" "$T/urls3" > "$T/retry3"
resume_list "$T/retry3"
eq "retries after recovery: every URL 200 or 409" "$(grep -cE '^CODE (200|409) ' "$T/codes" || true)" "$M"
eq "no resume acknowledged twice" \
   "$(grep '^CODE 200 ' "$T/codes3" | sed -E 's#^CODE 200 http://127.0.0.1:[0-9]+##' | sort > "$T/a"
      grep '^CODE 200 ' "$T/codes" | sed -E 's#^CODE 200 http://127.0.0.1:[0-9]+##' | sort > "$T/b"
      comm -12 "$T/a" "$T/b" | wc -l)" 0
eq "each resumed exactly once (trace)" "$(trace_once)" "$((URLS + N + M))"

echo "-- database down: 503 with Retry-After, then recovery"
trigger "$URL_A" approval
DOWN_URL=$RESUME
pg_ctl_ -m fast stop > /dev/null
code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -X POST --data-binary '{"approved":true}' "$DOWN_URL")
eq "resume while down: 503" "$code" 503
check "  with Retry-After" grep -qi '^Retry-After: ' "$T/hdr"
eq "trigger while down: 503" "$(req POST "$URL_B/webhook/workflow/trigger/approval" -d '{}')" 503
eq "healthz while down: 503" "$(req GET "$URL_C/healthz")" 503
pg_ctl_ -l "$PGDATA_DIR/server.log" start > /dev/null
eq "resume after the database is back" "$(req POST "$DOWN_URL" -d '{"approved":true}')" 200

echo "-- timeouts under three sweepers"
K=30
for i in $(seq 1 "$K"); do trigger "http://127.0.0.1:${PORTS[$((i % 3))]}" quick_timeout; done
for i in $(seq 1 60); do
    [ "$(psql_ "select count(*) from executions where workflow_id='quick_timeout' and status='completed'")" = "$K" ] && break
    sleep 0.2
done
eq "all $K timed out and completed" "$(psql_ "select count(*) from executions where workflow_id='quick_timeout' and status='completed'")" "$K"
eq "  registrations expired" "$(psql_ "select count(*) from registrations r join executions e on e.id=r.execution_id where e.workflow_id='quick_timeout' and r.status='expired'")" "$K"
eq "  each expiry fired once over the three sweepers" "$(metric_sum prana_gateway_expiries_total)" "$K"
eq "  expiry log lines over the three" "$(cat "$T"/[ABC].err | grep -c 'expired webhook_.*continued through' || true)" "$K"
echo "-- cancel and extend on PostgreSQL"
trigger "$URL_A" approval
cp "$T/body" "$T/trigger.json"
CANCEL=$(on_port "$(json "$T/trigger.json" 'd["cancel_urls"]["wait_approval"]')" "$PORT_B")
RESUME_C=$(on_port "$RESUME" "$PORT_C")
: > "$T/race.cfg"
for j in $(seq 1 32); do
    if [ $((j % 2)) = 1 ]; then u=$RESUME_C; else u=$CANCEL; fi
    printf 'url = "%s"\noutput = "/dev/null"\n' "$u" >> "$T/race.cfg"
done
curl -s --parallel --parallel-immediate --parallel-max 32 -X POST \
    -H 'Content-Type: application/json' --data-binary '{"approved": true}' \
    -w 'CODE %{http_code}\n' -K "$T/race.cfg" > "$T/codes" 2>/dev/null || true
eq "32 mixed resumes and cancels over two gateways: one 200" "$(grep -c '^CODE 200$' "$T/codes" || true)" 1
eq "  and 31 x 409" "$(grep -c '^CODE 409$' "$T/codes" || true)" 31
case "$(psql_ "select status from executions where id='$EXEC'")" in
    completed|cancelled) pass "  the execution ended once" ;;
    *) fail "  execution status: $(psql_ "select status from executions where id='$EXEC'")" ;;
esac
trigger "$URL_A" approval
eq "cancel: 200" "$(req POST "$(on_port "$(json "$T/body" 'd["cancel_urls"]["wait_approval"]')" "$PORT_B")")" 200
eq "  execution cancelled" "$(psql_ "select status from executions where id='$EXEC'")" cancelled
eq "  counted as cancelled in /metrics" "$(curl -s "$URL_C/metrics" | sed -n 's/^prana_gateway_executions{status="cancelled"} //p')" \
   "$(psql_ "select count(*) from executions where status='cancelled'")"
trigger "$URL_A" quick_timeout
EXTEND=$(on_port "$(json "$T/body" 'd["extend_urls"]["wait_answer"]')" "$PORT_C")
RID=$(path_of "$EXTEND" | sed -E 's#.*/extend/([^?]*).*#\1#')
eq "extend by 0.002 h (7.2 s): 200" "$(req POST "$EXTEND" -H 'Content-Type: application/json' -d '{"timeout_hours": 0.002}')" 200
NEW=$(json "$T/body" 'd["expires_at"]')
eq "  the row carries the new expiry" "$(psql_ "select expires_at from registrations where resume_id='$RID'")" "$NEW"
eq "  so does the execution state, stored with it" \
   "$(psql_ "select (r->>'expires_at') || ' ' || (e.state::json->>'resume_at') from executions e, json_array_elements(e.state::json->'registrations') r where e.id='$EXEC' and r->>'resume_id'='$RID'")" "$NEW $NEW"
sleep 3 # past the first expiry (1.8 s)
eq "  still active after the first expiry" "$(psql_ "select status from registrations where resume_id='$RID'")" active
for _ in $(seq 1 60); do
    [ "$(psql_ "select status from registrations where resume_id='$RID'")" = expired ] && break
    sleep 0.25
done
eq "  expired by a sweeper after the new time" "$(psql_ "select status from registrations where resume_id='$RID'")" expired
for g in A B C; do check "gateway $g stops cleanly" stop_gw $g; done
finish
