#!/usr/bin/env bash
# Runs bench/bulk_load_bench with repetitions and prints the median time of
# a bulk load without keys and with a PRIMARY KEY and a FOREIGN KEY, and
# their ratio (issue 4's figure).
# Usage: bench/bulk_load_ratio.sh [ROWS] [REPETITIONS]   (default 1000000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
reps=${2:-3}
./scripts/build.sh release bulk_load_bench >/dev/null
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
LLKV_BENCH_ROWS=$rows ./build/release/bench/bulk_load_bench \
  --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=csv 2>/dev/null >"$csv"
echo "bulk load of $rows rows (INSERT ... SELECT), median of $reps runs"
awk -F, '
  /^"?BM_BulkLoad/ {
    name = $1; gsub(/"/, "", name)
    if (name ~ /_(mean|stddev|cv)$/) next
    # With repetitions, the median; with one run, that run.
    if (name ~ /_median$/ || !((name ~ /keys:1/ ? "keyed" : "plain") in t)) t[name ~ /keys:1/ ? "keyed" : "plain"] = $3
  }
  END {
    printf "  no keys:                 %10.0f ms\n", t["plain"]
    printf "  PRIMARY KEY + FOREIGN KEY: %8.0f ms\n", t["keyed"]
    printf "  ratio (keyed / no keys):   %8.2f\n", (t["plain"] > 0 ? t["keyed"] / t["plain"] : 0)
  }' "$csv"
