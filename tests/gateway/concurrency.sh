#!/usr/bin/env bash
# Exactly once under contention: two gateway processes share one database;
# 64 concurrent resume requests on one URL (32 through each process) give
# exactly one 200 and 63 x 409. Repeated for 20 URLs. Then WAL checkpoints
# run while a gateway serves, and group commits with and without a commit
# delay give every trigger its own stored execution.
source "$(dirname "$0")/lib.sh"

URLS=${URLS:-20}
PER_URL=${PER_URL:-64}
DB=$T/shared.db
start_gw A --db "$DB"
start_gw B --db "$DB"

for i in $(seq 1 "$URLS"); do
    if [ $((i % 2)) = 1 ]; then trigger "$URL_A" approval; else trigger "$URL_B" approval; fi
    echo "$RESUME" >> "$T/urls"
done
eq "$URLS executions suspended" "$(sql "$DB" "select count(*) from executions where status='suspended'")" "$URLS"

bad=0; total200=0; total409=0
while read -r url; do
    path=$(path_of "$url")
    args=()
    for j in $(seq 1 "$PER_URL"); do
        if [ $((j % 2)) = 1 ]; then port=$PORT_A; else port=$PORT_B; fi
        args+=(-o /dev/null "http://127.0.0.1:$port$path")
    done
    # One curl, PER_URL connections opened at once (--parallel-immediate).
    curl -s --parallel --parallel-immediate --parallel-max "$PER_URL" \
        -X POST -H 'Content-Type: application/json' --data-binary '{"approved": true}' \
        -w 'CODE %{http_code}\n' "${args[@]}" > "$T/codes" 2>/dev/null || true
    n200=$(grep -c '^CODE 200$' "$T/codes" || true)
    n409=$(grep -c '^CODE 409$' "$T/codes" || true)
    total200=$((total200 + n200)); total409=$((total409 + n409))
    if [ "$n200" != 1 ] || [ "$n409" != $((PER_URL - 1)) ]; then
        bad=$((bad + 1))
        echo "   $path: $n200 x 200, $n409 x 409, others: $(grep -v -e 'CODE 200' -e 'CODE 409' "$T/codes" | sort | uniq -c | tr '\n' ' ')"
    fi
done < "$T/urls"
echo "   totals: $total200 x 200, $total409 x 409 over $URLS URLs x $PER_URL requests"
eq "every URL: exactly one 200 and $((PER_URL - 1)) x 409" "$bad" 0
eq "executions completed" "$(sql "$DB" "select count(*) from executions where status='completed'")" "$URLS"
eq "registrations consumed" "$(sql "$DB" "select count(*) from registrations where status='consumed'")" "$URLS"
# Each execution passed the node after the wait exactly once.
eq "each execution resumed once (trace)" \
   "$(sql "$DB" "select count(*) from executions where state like '%,check:%' and state not like '%,check:%,check:%'")" "$URLS"
metric() { curl -s "$1/metrics" | sed -n "s/^$2 //p"; }
A_R=$(metric "$URL_A" prana_gateway_resumes_total)
B_R=$(metric "$URL_B" prana_gateway_resumes_total)
eq "resumes counted across both processes" "$((A_R + B_R))" "$URLS"
# How many 409s came from a lost compare-and-set (the rest saw 'consumed'
# already when they read the row): shows the race was really run.
C=$(( $(metric "$URL_A" prana_gateway_resume_conflicts_total) + $(metric "$URL_B" prana_gateway_resume_conflicts_total) ))
echo "   $C of the 409s lost the compare-and-set itself (A resumed $A_R, B resumed $B_R)"
check "gateway A stops cleanly" stop_gw A
check "gateway B stops cleanly" stop_gw B

echo "-- WAL checkpoints run while the gateway serves (on their own thread)"
# The commits only signal the checkpoint thread; without it the database
# file would keep its first size until shutdown, the WAL holding every page.
start_gw C --db "$T/ckpt.db"
before=$(stat -c %s "$T/ckpt.db")
python3 - "$PORT_C" <<'PY'
import http.client, sys, threading
def client():
    c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
    for _ in range(150):
        c.request("POST", "/webhook/workflow/trigger/approval", body=b'{"n":1}',
                  headers={"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        assert r.status == 201, r.status
threads = [threading.Thread(target=client) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
PY
sleep 1
after=$(stat -c %s "$T/ckpt.db"); wal=$(stat -c %s "$T/ckpt.db-wal")
check "1200 triggers: the database file grew while serving ($before -> $after bytes; WAL $wal)" test "$after" -gt $((before * 4))
eq "  every trigger stored" "$(sql "$T/ckpt.db" "select count(*) from executions")" 1200
check "gateway C stops cleanly" stop_gw C

echo "-- group commit: 8 clients, with no commit delay and with a long one"
for delay in 0 20000; do
    start_gw "D$delay" --db "$T/group$delay.db" --commit-delay-us "$delay"
    port_var="PORT_D$delay"
    python3 - "${!port_var}" > "$T/ids$delay" <<'PY'
import http.client, json, sys, threading
ids, lock = [], threading.Lock()
def client():
    c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
    for _ in range(40):
        c.request("POST", "/webhook/workflow/trigger/approval", body=b'{"n":1}',
                  headers={"Content-Type": "application/json"})
        r = c.getresponse(); body = r.read()
        assert r.status == 201, r.status
        with lock: ids.append(json.loads(body)["execution_id"])
threads = [threading.Thread(target=client) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print("\n".join(ids))
PY
    eq "--commit-delay-us $delay: 320 answers, 320 distinct ids" "$(sort -u "$T/ids$delay" | wc -l)" 320
    eq "  320 executions stored" "$(sql "$T/group$delay.db" "select count(*) from executions")" 320
    check "  gateway stops cleanly" stop_gw "D$delay"
done
rc=0; "$GW" --commit-delay-us -1 > /dev/null 2>&1 || rc=$?
eq "--commit-delay-us -1 is refused (exit 2)" "$rc" 2
finish
