#!/usr/bin/env bash
# Runs the column store benchmarks with repetitions and prints the median of
# each next to its baseline as a ratio (issue 2's figures).
# Usage: bench/storage_ratios.sh [ROWS] [REPETITIONS]   (default 50000000 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-50000000}
reps=${2:-5}
./scripts/build.sh release column_store_bench >/dev/null
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
LLKV_BENCH_ROWS=$rows ./build/release/bench/column_store_bench \
  --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=csv 2>/dev/null >"$csv"
echo "column store benchmarks: $rows rows, median of $reps runs"
awk -F, '
  /_median"?,/ {
    name = $1; gsub(/"/, "", name); sub(/_median$/, "", name); sub(/\/real_time/, "", name)
    ms[name] = $3; ips[name] = $(NF-2) != "" ? $(NF-2) : ips[name]
    # items_per_second is the last numeric column Google Benchmark fills
    for (i = NF; i > 0; --i) if ($i ~ /^[0-9.e+]+$/) { ips[name] = $i; break }
    order[++n] = name
  }
  END {
    for (k = 1; k <= n; ++k) printf "  %-50s %12.3f ms %14.0f items/s\n", order[k], ms[order[k]], ips[order[k]]
    print ""
    base = ms["BM_SumVector"]
    printf "  scan sum, MemPager:   %.2f of the std::vector sum (vector ms / scan ms)\n", base / ms["BM_ScanSum/pager:0"]
    printf "  scan sum, LmdbPager:  %.2f of the std::vector sum\n", base / ms["BM_ScanSum/pager:1"]
    g = ms["BM_GatherVector"]
    printf "  gather 1%%, MemPager:  %.2f of the std::vector gather\n", g / ms["BM_Gather/pager:0"]
    printf "  gather 1%%, LmdbPager: %.2f of the std::vector gather\n", g / ms["BM_Gather/pager:1"]
  }' "$csv"
