#!/usr/bin/env bash
# Runs bench/bulk_load_bench with repetitions and prints the median time of
# a bulk load without keys and with a PRIMARY KEY and a FOREIGN KEY (together,
# alone, and with the keys out of order), and the ratios (issue 4's figure).
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
    match(name, /keys:[0-9]+/); v = substr(name, RSTART + 5, RLENGTH - 5)
    # With repetitions, the median; with one run, that run.
    if (name ~ /_median$/ || !(v in t)) t[v] = $3
  }
  END {
    printf "  no keys:                         %8.0f ms\n", t[0]
    printf "  PRIMARY KEY + FOREIGN KEY:       %8.0f ms   ratio %.2f\n", t[1], t[1] / t[0]
    printf "  PRIMARY KEY alone:               %8.0f ms   ratio %.2f\n", t[2], t[2] / t[0]
    printf "  FOREIGN KEY alone:               %8.0f ms   ratio %.2f\n", t[3], t[3] / t[0]
    printf "  PK + FK, keys in scattered order: %7.0f ms   ratio %.2f\n", t[4], t[4] / t[0]
  }' "$csv"
