#!/usr/bin/env bash
# Runs bench/point_ops_bench with repetitions and prints, per storage, the
# median throughput of LLKV and SQLite and their ratio (issue 3's figures).
# Usage: bench/point_ops_ratios.sh [ROWS] [REPETITIONS]   (default 100000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
reps=${2:-3}
./scripts/build.sh release point_ops_bench >/dev/null
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
LLKV_BENCH_ROWS=$rows ./build/release/bench/point_ops_bench \
  --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=csv 2>/dev/null >"$csv"
echo "single-row work: $rows rows, median of $reps runs (rows/s; ratio = LLKV / SQLite)"
awk -F, -v reps="$reps" '
  # The median of the repetitions, or with one run that run.
  (reps > 1 && /_median"?,/) || (reps == 1 && /real_time"?,/) {
    name = $1; gsub(/"/, "", name); sub(/_median$/, "", name)
    for (i = NF; i > 0; --i) if ($i ~ /^[0-9.e+]+$/) { ips[name] = $i; break }
  }
  END {
    split("BM_Insert BM_PointSelect", ops, " ")
    split("0 1", files, " ")
    for (o = 1; o <= 2; ++o) for (f = 1; f <= 2; ++f) {
      l = ips[ops[o] "/sqlite:0/file:" files[f] "/iterations:1/real_time"]
      s = ips[ops[o] "/sqlite:1/file:" files[f] "/iterations:1/real_time"]
      printf "  %-15s %-6s LLKV %10.0f  SQLite %10.0f  ratio %.3f\n", ops[o], files[f] ? "file" : "memory", l, s, (s > 0 ? l / s : 0)
    }
  }' "$csv"
