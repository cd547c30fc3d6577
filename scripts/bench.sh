#!/usr/bin/env bash
# Rerun every benchmark (criterion, release build) and print the comparison
# table of benches/README.md: operation, our median, the peer's median, the
# ratio, the goal, and the machine.
#
#   scripts/bench.sh            full run (criterion defaults; ~6-8 minutes)
#   scripts/bench.sh --quick    short run (1 s warm-up, 2 s measurement)
#   scripts/bench.sh --table    only print the table from the last run
#
# Medians come from target/criterion/<group>/<bench>/new/estimates.json.
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
case "${1:-}" in
--quick) args=(-- --warm-up-time 1 --measurement-time 2) ;;
--table) ;;
"") ;;
*) echo "usage: $0 [--quick|--table]" >&2; exit 2 ;;
esac
if [ "${1:-}" != "--table" ]; then
    cargo bench -p prana-webhook-benches "${args[@]}"
fi

criterion="${CARGO_TARGET_DIR:-target}/criterion"
machine="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(rustc --version | cut -d' ' -f1-2)"
python3 - "$criterion" "$machine" <<'PY'
import json, os, sys

root, machine = sys.argv[1], sys.argv[2]

def median(bench):
    group, name = bench.split("/", 1)
    path = os.path.join(root, group, name.replace("/", "_"), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except OSError:
        return None

def fmt(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"

# (operation, ours, peer, goal: ("ratio", max) | ("abs", max ns) | None)
rows = [
    ("resume ID + URL, caller entropy vs uuid v4 (fast-rng) hyphenated", "id_url/ours/caller_entropy", "id_url/peer/uuid_v4_hyphenated", ("ratio", 1.5)),
    ("resume ID + URL, seeded generator vs uuid v4 (fast-rng) hyphenated", "id_url/ours/seeded_generator", "id_url/peer/uuid_v4_hyphenated", ("ratio", 1.5)),
    ("resume ID + URL, seeded generator vs format! builder", "id_url/ours/seeded_generator", "id_url/peer/format_builder", ("ratio", 0.3)),
    ("resume ID + URL, seeded generator, as bytes (C ABI's way) vs format! builder", "id_url/ours/seeded_generator_bytes", "id_url/peer/format_builder", None),
    ("resume ID + URL, seeded generator, returned by value vs format! builder", "id_url/ours/seeded_generator_value", "id_url/peer/format_builder", None),
    ("resume ID + URL, seeded generator, two steps (ID, then URL) vs format! builder", "id_url/ours/seeded_generator_two_step", "id_url/peer/format_builder", None),
    ("resume ID + URL, getrandom per ID vs format! builder", "id_url/ours/getrandom_per_id", "id_url/peer/format_builder", None),
    ("route a resume target vs matchit", "routing/ours/resume", "routing/peer/matchit_resume", ("ratio", 0.5)),
    ("route a trigger target vs matchit", "routing/ours/trigger", "routing/peer/matchit_trigger", ("ratio", 0.5)),
    ("full decision: parse + verify sig + state vs HMAC with key setup", "decision/ours/parse_verify_decide", "decision/peer/hmac_sha256_with_key_setup", ("abs", 500)),
    ("verify ?sig= (precomputed key) vs HMAC with key setup", "decision/ours/verify_only", "decision/peer/hmac_sha256_with_key_setup", None),
    ("executor: start→suspend→serialize→restore (in place)→resume→complete, 64 nodes, 8 waits", "executor/ours/full_64_nodes_8_waits", None, ("abs", 20_000)),
    ("executor: one suspension cycle (start, run, to_json, from_json, resume)", "executor/ours/one_suspension_cycle", None, None),
    ("executor: start (8 registrations)", "executor/ours/start", None, None),
    ("executor: state to_json (at first wait)", "executor/ours/state_to_json", None, None),
    ("executor: state from_json (at first wait)", "executor/ours/state_from_json", None, None),
    ("executor: state load_json, in place (at first wait)", "executor/ours/state_load_json", None, None),
    ("workflow parse, 64 nodes", "executor/ours/workflow_parse_64", None, None),
    ("C ABI: ID + URL (one call) vs Rust (same bytes writer)", "ffi/c_abi/id_url", "ffi/rust/id_url_bytes", ("ratio", 1.1)),
    ("C ABI: ID + URL (one call) vs Rust (ResumeUrl)", "ffi/c_abi/id_url", "ffi/rust/id_url", None),
    ("C ABI: ID + URL, the ID left in the URL vs Rust (same bytes writer)", "ffi/c_abi/id_url_in_url", "ffi/rust/id_url_bytes", None),
    ("C ABI: resume ID only (no base)", "ffi/c_abi/id_only", None, None),
    ("C ABI: route vs Rust", "ffi/c_abi/route", "ffi/rust/route", ("ratio", 1.1)),
    ("C ABI: full decision vs Rust", "ffi/c_abi/decision", "ffi/rust/decision", ("ratio", 1.1)),
    ("C ABI: executor 64 nodes / 8 waits vs Rust", "ffi/c_abi/executor_full_64_nodes_8_waits", "ffi/rust/executor_full_64_nodes_8_waits", ("ratio", 1.1)),
]

print(f"machine: {machine}\n")
print("| operation | median | peer median | ratio | goal | met |")
print("|---|---:|---:|---:|---|:-:|")
missed = 0
for op, ours, peer, goal in rows:
    a = median(ours)
    b = median(peer) if peer else None
    ratio = a / b if a is not None and b else None
    goal_txt, met = "", ""
    if goal and a is not None:
        kind, lim = goal
        if kind == "ratio" and ratio is not None:
            goal_txt, ok = f"≤ {lim}×", ratio <= lim
        else:
            goal_txt, ok = f"< {fmt(lim)}", a < lim
        met = "yes" if ok else "**no**"
        missed += not ok
    print(f"| {op} | {fmt(a)} | {fmt(b) if peer else '-'} | {f'{ratio:.2f}×' if ratio else '-'} | {goal_txt} | {met} |")
print(f"\ngoals missed: {missed}")
PY
