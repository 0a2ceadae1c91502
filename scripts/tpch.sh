#!/usr/bin/env bash
# Runs TPC-H on LLKV: extracts ../shared/tpch/sf<SCALE> into the build tree
# (once), loads it into an in-memory database with COPY, runs the 22
# queries and compares every row with ../shared/tpch/answers/sf<SCALE>.
# Usage: scripts/tpch.sh [SCALE] [BUILD_DIR]   (default 0.01 build/release)
#   SCALE 0.01 runs in the test command; 0.1 is the larger, separate check.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-0.01}
build=${2:-build/release}
shared=../shared/tpch
if [ ! -d "$shared" ]; then
  echo "tpch: SKIPPED: $shared is absent"
  exit 0
fi
archive=$(ls "$shared"/sf"$scale".tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$archive" ]; then
  echo "tpch: no archive for scale factor $scale in $shared" >&2
  exit 2
fi
data="$build/tpch/sf$scale"
if [ ! -f "$data/.extracted" ]; then
  rm -rf "$data"
  mkdir -p "$data"
  case "$archive" in
    *.zst) tar --zstd -xf "$archive" -C "$data" ;;
    *) tar -xzf "$archive" -C "$data" ;;
  esac
  touch "$data/.extracted"
fi
exec "$build/src/interface/llkv_tpch" --data "$data" --queries "$shared/queries" \
  --answers "$shared/answers/sf$scale"
