#!/usr/bin/env bash
# Instructions the library runs per gateway trigger, by function: the
# reference gateway under valgrind's callgrind (from Debian `valgrind`),
# N triggers of examples/workflows/approval.json over curl, then the
# library's own functions (everything in the binary outside the gateway's
# C objects) per trigger. Unlike perf shares, the counts do not move with
# other load on the machine, so compare builds with this.
#
#   bash scripts/gateway-instructions.sh [N]      # N = 300 by default
#
# Builds the release library and the gateway first. Output and the
# callgrind file: target/gateway-instructions/. The total includes a few
# hundred one-time instructions per trigger at N = 300 (workflow parse,
# per-thread buffers).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300}
for tool in valgrind callgrind_annotate curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (Debian: valgrind, curl, python3)"; exit 1; }
done
cargo build --release -q -p prana-webhook-ffi
make -s -C examples-c/gateway
dir=target/gateway-instructions
rm -rf "$dir"; mkdir -p "$dir"
valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" target/gateway/prana-gateway --port 0 \
    --port-file "$dir/port" --db "$dir/gw.db" --workflows examples/workflows --allow-unsigned \
    --sync normal --threads 4 > "$dir/out" 2>&1 &
GWPID=$!
trap 'kill "$GWPID" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
[ -s "$dir/port" ] || { echo "the gateway did not start:"; cat "$dir/out"; exit 1; }
port=$(cat "$dir/port")
for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
        "http://127.0.0.1:$port/webhook/workflow/trigger/approval"
done
kill -INT "$GWPID"; wait "$GWPID" 2>/dev/null || true
trap - EXIT
rm -f "$dir"/gw.db*
nm --defined-only target/gateway/*.o | awk '$2 ~ /[TtDdBbRr]/ {print $3}' | sort -u > "$dir/csyms"
callgrind_annotate --inclusive=no --threshold=100 "$dir/cg.out" > "$dir/self.txt" 2>/dev/null
python3 - "$dir" "$N" <<'PY'
import re, sys
d, n = sys.argv[1], int(sys.argv[2])
own = set(open(d + "/csyms").read().split())
rows = []
for line in open(d + "/self.txt"):
    m = re.match(r'\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S+?):(.*) \[(.*)\]\s*$', line)
    if m and m.group(4).endswith('prana-gateway') and m.group(3) not in own:
        rows.append((int(m.group(1).replace(',', '')), m.group(3)))
rows.sort(reverse=True)
print("library instructions per trigger: %.0f (%d triggers)" % (sum(r[0] for r in rows) / n, n))
for c, f in rows[:25]:
    print("%8.0f  %s" % (c / n, f[:110]))
PY
