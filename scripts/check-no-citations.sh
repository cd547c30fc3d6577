#!/usr/bin/env bash
# Fail if any file cites a document the repository does not contain: the
# design document, architecture decision records by number, or tracker
# issues / pull requests by number. The repository must explain itself.
#
# Ordinary prose ("an issue", "the design") is fine; only the specific
# citation forms below are matched. Runs in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

patterns=(
    'DESIGN\.md'                                  # the design document
    '\bADR[-_ ]?#?[0-9]+'                         # a decision record cited by its number
    '\b[Ii]ssues? ?#?[0-9]+\b'                    # a tracker issue cited by its number
    '\b(PR|[Pp]ull [Rr]equest) ?#[0-9]+\b'        # a pull request cited by its number
    '\b[Dd]esign (card|doc|document)s?\b'         # design card, design doc
)
regex=$(IFS='|'; echo "${patterns[*]}")

# Binary files, build and fuzzer output, git metadata and this script
# (which spells the patterns out) are skipped.
if grep -rnIE --exclude-dir=.git --exclude-dir=target --exclude-dir='target-*' \
        --exclude-dir=corpus --exclude-dir=artifacts \
        --exclude=check-no-citations.sh -e "$regex" . ; then
    echo "error: the lines above cite documents the repository does not contain;" >&2
    echo "       say what the rule is instead of where it came from." >&2
    exit 1
fi
echo "no citations of outside documents"
