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

# The same loads in SQLite (Debian's sqlite3, in memory, foreign keys on),
# for scale; its INTEGER PRIMARY KEY is the rowid itself.
command -v sqlite3 >/dev/null || exit 0
sql=$(mktemp)
times=$(mktemp)
trap 'rm -f "$csv" "$sql" "$times"' EXIT
{
  echo "PRAGMA foreign_keys=ON;"
  echo "CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT);"
  echo "WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM r WHERE i < 999)" \
    "INSERT INTO parent SELECT i, 'p' FROM r;"
  echo "CREATE TABLE staging(id INTEGER, parent_id INTEGER, amount DOUBLE);"
  echo "WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM r WHERE i < $rows - 1)" \
    "INSERT INTO staging SELECT i, i % 1000, (i % 97) + 0.5 FROM r;"
  echo "CREATE TABLE scattered(id INTEGER, parent_id INTEGER, amount DOUBLE);"
  echo "INSERT INTO scattered SELECT (id * 7919) % $rows, parent_id, amount FROM staging;"
  echo "CREATE TABLE t0(id INTEGER, parent_id INTEGER, amount DOUBLE);"
  echo "CREATE TABLE t1(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id)," \
    "amount DOUBLE);"
  echo "CREATE TABLE t4(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id)," \
    "amount DOUBLE);"
  echo ".timer on"
  echo "INSERT INTO t0 SELECT * FROM staging;"
  echo "INSERT INTO t1 SELECT * FROM staging;"
  echo "INSERT INTO t4 SELECT * FROM scattered;"
} >"$sql"
for ((r = 0; r < reps; ++r)); do
  sqlite3 :memory: <"$sql" | awk '/^Run Time/ { printf "%d ", $4 * 1000 } END { print "" }'
done >"$times"
median() { cut -d' ' -f"$1" "$times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
plain=$(median 1)
keyed=$(median 2)
scattered=$(median 3)
echo "SQLite $(sqlite3 --version | cut -d' ' -f1), the same loads, median of $reps runs"
awk -v p="$plain" -v k="$keyed" -v s="$scattered" 'BEGIN {
  printf "  no keys:                         %8.0f ms\n", p
  printf "  PRIMARY KEY + FOREIGN KEY:       %8.0f ms   ratio %.2f\n", k, k / p
  printf "  PK + FK, keys in scattered order: %7.0f ms   ratio %.2f\n", s, s / p
}'
