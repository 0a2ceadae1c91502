#!/usr/bin/env bash
# Runs the shared sqllogictest corpora (../shared/slt) with a built llkv:
#   * ../shared/slt/sqlite must pass completely (a gate: its failures are
#     printed and the script fails);
#   * ../shared/slt/duckdb is informational: its pass rate is printed, in
#     all and per directory (the analytical suites cte ... function summed).
# Usage: scripts/corpus.sh [BUILD_DIR]   (default build/release)
set -uo pipefail
cd "$(dirname "$0")/.."
llkv=${1:-build/release}/src/interface/llkv
shared=../shared/slt
if [ ! -d "$shared" ]; then
  echo "corpus: SKIPPED: $shared is absent"
  exit 0
fi
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if "$llkv" --slt "$shared/sqlite" >"$out" 2>&1; then
  echo "corpus sqlite: $(tail -n 1 "$out")"
else
  grep -A12 '^FAIL' "$out" | head -200
  echo "corpus sqlite: $(tail -n 1 "$out")  -- FAILED: the SQLite corpus must pass completely"
  status=1
fi

"$llkv" --slt "$shared/duckdb" >"$out" 2>&1
summary=$(tail -n 1 "$out")
read -r passed _ failed _ skipped _ <<<"$summary"
if [ -n "${passed:-}" ] && [ $((passed + failed)) -gt 0 ]; then
  rate=$(awk -v p="$passed" -v f="$failed" 'BEGIN { printf "%.1f", 100 * p / (p + f) }')
  echo "corpus duckdb: $summary ($rate% of records run; informational)"
else
  echo "corpus duckdb: $summary"
fi
# Each suite on its own (informational), and the analytical suites together.
dirs=(cte window subquery join aggregate setops order limit filter projection select types function
  transactions constraints upsert)
total_passed=0
total_failed=0
for dir in "${dirs[@]}"; do
  [ -d "$shared/duckdb/$dir" ] || continue
  "$llkv" --slt "$shared/duckdb/$dir" >"$out" 2>&1
  read -r passed _ failed _ skipped _ <<<"$(tail -n 1 "$out")"
  if [ -n "${passed:-}" ] && [ $((passed + failed)) -gt 0 ]; then
    rate=$(awk -v p="$passed" -v f="$failed" 'BEGIN { printf "%.1f", 100 * p / (p + f) }')
    echo "corpus duckdb/$dir: $passed passed, $failed failed, $skipped skipped ($rate%)"
    case "$dir" in
      transactions | constraints | upsert) ;;
      *) total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed)) ;;
    esac
  fi
done
if [ $((total_passed + total_failed)) -gt 0 ]; then
  rate=$(awk -v p="$total_passed" -v f="$total_failed" 'BEGIN { printf "%.1f", 100 * p / (p + f) }')
  echo "corpus duckdb analytical suites (cte ... function): $total_passed passed, $total_failed failed ($rate%)"
fi
exit $status
