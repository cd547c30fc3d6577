#!/usr/bin/env bash
# Idempotent triggers on both stores: a repeat of an Idempotency-Key gets the
# first answer (same execution_id), concurrent duplicates start one
# execution (on PostgreSQL across two gateways), another body with the same
# key is 422, the key is forgotten after --idempotency-ttl-s, and webhook-id
# serves as the key when Standard Webhooks verification is on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pglib.sh"

TRIG=/webhook/workflow/trigger/approval
# post BASE KEY BODY: status to stdout, body to $T/body, headers to $T/hdr
post() { curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -X POST -H "Idempotency-Key: $2" --data-binary "$3" "$1$TRIG"; }
exec_id() { json "$T/body" 'd["execution_id"]'; }

# suite NAME BASE1 BASE2 COUNT_SQL: COUNT_SQL prints the number of executions.
suite() {
    local name=$1 b1=$2 b2=$3 count=$4 first n0 n1
    echo "-- $name"
    n0=$($count)
    eq "first use: 201" "$(post "$b1" key-one '{"n":1}')" 201
    first=$(exec_id); cp "$T/body" "$T/first"
    eq "repeat: 201" "$(post "$b2" key-one '{"n":1}')" 201
    eq "  same execution_id" "$(exec_id)" "$first"
    check "  same answer body" cmp -s "$T/body" "$T/first"
    check "  marked as replayed" grep -qi '^Idempotent-Replayed: true' "$T/hdr"
    eq "same key, other body: 422" "$(post "$b1" key-one '{"n":2}')" 422
    eq "  code idempotency_key_reused" "$(json "$T/body" 'd["error"]')" idempotency_key_reused
    eq "another key: a new execution" "$(post "$b1" key-two '{"n":1}' >/dev/null; [ "$(exec_id)" != "$first" ] && echo new)" new
    eq "one execution per key" "$(( $($count) - n0 ))" 2
    n1=$($count)
    args=()
    for i in $(seq 1 32); do if [ $((i % 2)) = 0 ]; then args+=(-o /dev/null "$b1$TRIG"); else args+=(-o /dev/null "$b2$TRIG"); fi; done
    curl -s --parallel --parallel-immediate --parallel-max 32 -X POST -H 'Idempotency-Key: key-race' \
        --data-binary '{"race":true}' -w '%{http_code}\n' "${args[@]}" > "$T/codes" 2>/dev/null || true
    eq "32 concurrent duplicates: all 201" "$(grep -c '^201$' "$T/codes" || true)" 32
    eq "  one execution" "$(( $($count) - n1 ))" 1
    eq "key too long: 400" "$(post "$b1" "$(head -c 300 /dev/zero | tr '\0' k)" '{}')" 400
}

DB=$T/idem.db
start_gw S1 --db "$DB"
start_gw S2 --db "$DB"
sqlite_count() { sql "$DB" "select count(*) from executions"; }
suite "SQLite (two gateways, one file)" "$URL_S1" "$URL_S2" sqlite_count

pg_start_cluster
start_gw P1 --db "$PG_URL"
start_gw P2 --db "$PG_URL"
pg_count() { psql_ "select count(*) from executions"; }
suite "PostgreSQL (two gateways)" "$URL_P1" "$URL_P2" pg_count

echo "-- retention (--idempotency-ttl-s 1)"
start_gw R --db "$T/ttl.db" --idempotency-ttl-s 1
post "$URL_R" key-ttl '{}' > /dev/null; first=$(exec_id)
sleep 1.5
eq "after the retention: 201" "$(post "$URL_R" key-ttl '{}')" 201
check "  a new execution" [ "$(exec_id)" != "$first" ]

echo "-- webhook-id is the key under Standard Webhooks verification"
WHSEC="whsec_$(printf 'trigger-test-secret-bytes-0123456789' | base64 | tr -d '\n')"
start_gw W --db "$T/w.db" --trigger-secret "$WHSEC"
swh() { # swh BODY: a signed trigger with webhook-id msg_idem1
    local now sig
    now=$(date +%s)
    sig=$(python3 - "$WHSEC" "$1" "$now" <<'PY'
import base64, hashlib, hmac, sys
key = base64.b64decode(sys.argv[1][len("whsec_"):])
msg = "msg_idem1.%s.%s" % (sys.argv[3], sys.argv[2])
print("v1," + base64.b64encode(hmac.new(key, msg.encode(), hashlib.sha256).digest()).decode())
PY
)
    curl -s -o "$T/body" -w '%{http_code}' -X POST --data-binary "$1" -H 'webhook-id: msg_idem1' \
        -H "webhook-timestamp: $now" -H "webhook-signature: $sig" "$URL_W$TRIG"
}
eq "signed delivery: 201" "$(swh '{"d":1}')" 201
first=$(exec_id)
eq "redelivery (same webhook-id): 201" "$(swh '{"d":1}')" 201
eq "  same execution_id" "$(exec_id)" "$first"
eq "one execution" "$(sql "$T/w.db" "select count(*) from executions")" 1
for g in S1 S2 P1 P2 R W; do check "gateway $g stops cleanly" stop_gw $g; done
finish
