#!/usr/bin/env bash
# CI smoke run of every fuzz target (scripts/test-all.sh calls this when it is
# executable): each target for FUZZ_SMOKE_SECS seconds (default 15), failing on
# any crash. Installs nightly (minimal profile) and cargo-fuzz when missing.
# Total: one build (~1-2 min) plus 15 s per target (14 targets: ~5 min).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/fuzz.sh "${FUZZ_SMOKE_SECS:-15}"
