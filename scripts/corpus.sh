#!/usr/bin/env bash
# Runs the shared sqllogictest corpora (../shared/slt) with a built llkv and
# prints their pass counts. Informational while issue 3 is open: the SQLite
# subset becomes a gate once it passes completely.
# Usage: scripts/corpus.sh [BUILD_DIR]   (default build/release)
set -uo pipefail
cd "$(dirname "$0")/.."
llkv=${1:-build/release}/src/interface/llkv
shared=../shared/slt
if [ ! -d "$shared" ]; then
  echo "corpus: SKIPPED: $shared is absent"
  exit 0
fi
for corpus in sqlite duckdb; do
  out=$(mktemp)
  "$llkv" --slt "$shared/$corpus" >"$out" 2>&1
  echo "corpus $corpus: $(tail -n 1 "$out")"
  rm -f "$out"
done
