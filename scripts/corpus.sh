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

# Each directory runs once: the listed suites are printed on their own
# (informational), the analytical ones (cte ... function) also summed, and
# every directory into the corpus total.
rate() { awk -v p="$1" -v f="$2" 'BEGIN { printf "%.1f", 100 * p / (p + f) }'; }
listed=" cte window subquery join aggregate setops order limit filter projection select types \
function transactions constraints upsert "
all_passed=0 all_failed=0 all_skipped=0 total_passed=0 total_failed=0
lines=()
for path in "$shared"/duckdb/*/; do
  dir=$(basename "$path")
  "$llkv" --slt "$path" >"$out" 2>&1
  read -r passed _ failed _ skipped _ <<<"$(tail -n 1 "$out")"
  [ -n "${passed:-}" ] || continue
  all_passed=$((all_passed + passed)) all_failed=$((all_failed + failed))
  all_skipped=$((all_skipped + skipped))
  case "$listed" in *" $dir "*) ;; *) continue ;; esac
  [ $((passed + failed)) -gt 0 ] || continue
  lines+=("corpus duckdb/$dir: $passed passed, $failed failed, $skipped skipped ($(rate "$passed" "$failed")%)")
  case "$dir" in
    transactions | constraints | upsert) ;;
    *) total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed)) ;;
  esac
done
if [ $((all_passed + all_failed)) -gt 0 ]; then
  echo "corpus duckdb: $all_passed passed, $all_failed failed, $all_skipped skipped" \
    "($(rate "$all_passed" "$all_failed")% of records run; informational)"
fi
for line in "${lines[@]}"; do
  echo "$line"
done
if [ $((total_passed + total_failed)) -gt 0 ]; then
  echo "corpus duckdb analytical suites (cte ... function): $total_passed passed," \
    "$total_failed failed ($(rate "$total_passed" "$total_failed")%)"
fi
exit $status
