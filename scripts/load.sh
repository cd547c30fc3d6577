#!/usr/bin/env bash
# Trigger throughput of prana-gateway at synchronous=FULL, side by side with
# a baseline build of the gateway from another git revision, in one run.
#
#   bash scripts/load.sh                      # baseline: BASE_REF (see below)
#   BASE_REF=<commit> DURATION=10 CLIENTS="8 32" ROUNDS=3 bash scripts/load.sh
#   BASE_REF=none GW_FLAGS="--max-body-bytes 65536" bash scripts/load.sh
#                       # no baseline; extra gateway options (for both builds)
#
# Client: wrk (Debian package `wrk`), keep-alive, 2 threads, POSTing `{}` to
# /webhook/workflow/trigger/approval; each (build, clients) pair runs against
# a fresh SQLite database on disk (target/load/, not /tmp, which may be
# memory), after a `sync` so that it does not pay for the previous run's
# writeback. Reports requests/s, p50, p99 and max latency per pair, and the
# load average before each pair (the machine may be shared).
#
# ROUNDS (default 3) repeats the whole set, the two builds taking turns
# within each round, and ends with a summary per client count: the median
# requests/s of each build, the median of the rounds' ratios (a burst of
# foreign load that hits one build's run moves one ratio, not the
# summary), and the current build's worst p99 and maximum over all rounds.
#
# The baseline is built from `git archive BASE_REF` in a temporary tree. It
# links the library built here when its C header is the same; otherwise the
# baseline's own library is built (target/load/base-target, kept for reuse).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# The last revision with the hand-written HTTP server and one SQLite write
# path (the gateway before libmicrohttpd and the store interface).
BASE_REF=${BASE_REF:-424f0cf}
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-8 32}
ROUNDS=${ROUNDS:-3}
OUT=$ROOT/target/load
mkdir -p "$OUT"

command -v wrk >/dev/null || {
    apt-get -o DPkg::Lock::Timeout=600 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq wrk >/dev/null
}

echo "-- build: this tree"
cargo build --release -q -p prana-webhook-ffi
make -s -C examples-c/gateway
NEW=$ROOT/target/gateway/prana-gateway

BASE_SRC=
trap 'rm -rf "${BASE_SRC:-}"; [ -n "${GWPID:-}" ] && kill "$GWPID" 2>/dev/null || true' EXIT
if [ "$BASE_REF" != none ]; then
    echo "-- build: baseline $BASE_REF"
    BASE_SRC=$(mktemp -d "${TMPDIR:-/tmp}/prana-load-base.XXXXXX")
    git -C "$ROOT" archive "$BASE_REF" | tar -x -C "$BASE_SRC"
    if cmp -s "$BASE_SRC/include/prana_webhook.h" "$ROOT/include/prana_webhook.h"; then
        BASE_TARGET=$ROOT/target
    else
        BASE_TARGET=$OUT/base-target
        (cd "$BASE_SRC" && CARGO_TARGET_DIR=$BASE_TARGET cargo build --release -q -p prana-webhook-ffi)
    fi
    make -s -C "$BASE_SRC/examples-c/gateway" CARGO_TARGET_DIR="$BASE_TARGET" OUT="$OUT/base"
    OLD=$OUT/base/prana-gateway
fi

cat > "$OUT/trigger.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
local codes = {}
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50=%.2f p99=%.2f max=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
LUA

# run NAME BINARY CLIENTS [gateway flags...]
run() {
    local name=$1 bin=$2 c=$3 dir port load
    shift 3
    dir=$OUT/run-$name-$c
    rm -rf "$dir"; mkdir -p "$dir"
    # The previous run's database (hundreds of MB) may still be in the page
    # cache waiting for writeback: flushed first, so that no run's syncs
    # queue behind the writes of the run before it.
    sync
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    "$bin" --port 0 --port-file "$dir/port" --db "$dir/gw.db" --workflows examples/workflows \
        --allow-unsigned --sync full "$@" > "$dir/out" 2> "$dir/err" &
    GWPID=$!
    for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
    port=$(cat "$dir/port")
    wrk -t2 -c"$c" -d"${DURATION}s" -s "$OUT/trigger.lua" \
        "http://127.0.0.1:$port/webhook/workflow/trigger/approval" > "$dir/wrk" 2>&1
    kill "$GWPID"; wait "$GWPID" 2>/dev/null || true; GWPID=
    rm -f "$dir"/gw.db*  # hundreds of MB after a run
    printf '%-9s %3s clients  %s  load %s\n' "$name" "$c" "$(sed -n 's/^RESULT //p' "$dir/wrk")" "$load"
    # For the summary: round, build, clients, requests/s, p99, max.
    sed -n "s/^RESULT rps=\([0-9]*\) .*p99=\([0-9.]*\) max=\([0-9.]*\).*/$round $name $c \1 \2 \3/p" \
        "$dir/wrk" >> "$OUT/results"
}

# GW_FLAGS: extra gateway options, given to both builds.
read -r -a gw_flags <<< "${GW_FLAGS:-}"
echo "-- trigger load, synchronous=FULL, ${DURATION}s each, $ROUNDS round(s) (latencies in ms), load average $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$OUT/results"
for round in $(seq 1 "$ROUNDS"); do
    [ "$ROUNDS" -gt 1 ] && echo "   round $round"
    for c in $CLIENTS; do
        if [ "$BASE_REF" != none ]; then run baseline "$OLD" "$c" "${gw_flags[@]}"; fi
        run current "$NEW" "$c" "${gw_flags[@]}"
    done
done
echo "-- summary over $ROUNDS round(s): median requests/s; ratio = median of the rounds' current/baseline"
python3 - "$OUT/results" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for c in sorted({int(r[2]) for r in rows}):
    def of(name):
        return {int(r[0]): r for r in rows if r[1] == name and int(r[2]) == c}
    cur, base = of("current"), of("baseline")
    med = lambda d: statistics.median(float(r[3]) for r in d.values())
    line = "%3d clients  current %.0f/s" % (c, med(cur))
    if base:
        ratios = [float(cur[k][3]) / float(base[k][3]) for k in cur if k in base and float(base[k][3]) > 0]
        line += "  baseline %.0f/s  ratio %.2fx (rounds: %s)" % (
            med(base), statistics.median(ratios), " ".join("%.2f" % x for x in ratios))
    line += "  current p99 <= %.1f ms, max <= %.1f ms" % (
        max(float(r[4]) for r in cur.values()), max(float(r[5]) for r in cur.values()))
    print(line)
PY

# PROFILE=1: where the current build's CPU goes under 8 clients (perf, from
# Debian `linux-perf`): the library's share is every sample in the gateway
# binary outside the gateway's own C functions (the library is linked in
# statically), over all samples of the process, kernel included.
if [ "${PROFILE:-0}" = 1 ]; then
    command -v perf >/dev/null || { echo "perf not installed (Debian: linux-perf)"; exit 1; }
    dir=$OUT/profile
    rm -rf "$dir"; mkdir -p "$dir"
    "$NEW" --port 0 --port-file "$dir/port" --db "$dir/gw.db" --workflows examples/workflows \
        --allow-unsigned --sync full > "$dir/out" 2> "$dir/err" &
    GWPID=$!
    for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
    wrk -t2 -c8 -d"$((DURATION + 2))s" -s "$OUT/trigger.lua" \
        "http://127.0.0.1:$(cat "$dir/port")/webhook/workflow/trigger/approval" > "$dir/wrk" 2>&1 &
    WRK=$!
    sleep 1
    perf record -q -F 1999 -p "$GWPID" -o "$dir/perf.data" -- sleep "$DURATION" 2>/dev/null
    wait "$WRK" || true
    kill "$GWPID"; wait "$GWPID" 2>/dev/null || true; GWPID=
    rm -f "$dir"/gw.db*
    nm --defined-only target/gateway/*.o | awk '$2 ~ /[TtDdBbRr]/ {print $3}' | sort -u > "$dir/csyms"
    perf report -i "$dir/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' > "$dir/report"
    python3 - "$dir" <<'PY'
import re, sys
d = sys.argv[1]
own = set(open(d + "/csyms").read().split())
total = lib = gw = 0.0
dsos = {}
for line in open(d + "/report"):
    m = re.match(r'\s+([0-9.]+)%\s+(\S+)\s+\[.\]\s+(.*)', line)
    if not m:
        continue
    pct, dso, sym = float(m.group(1)), m.group(2), m.group(3).strip()
    total += pct
    if dso == "prana-gateway":
        if sym in own: gw += pct
        else: lib += pct
    else:
        dsos[dso] = dsos.get(dso, 0) + pct
print("-- CPU profile, current build, 8 clients (share of all samples)")
print("   libprana_webhook %.2f %%   gateway C %.2f %%" % (lib, gw))
for k, v in sorted(dsos.items(), key=lambda x: -x[1])[:5]:
    print("   %-26s %.1f %%" % (k, v))
PY
fi
