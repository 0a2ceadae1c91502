#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: an
# optimised build, and a build under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)

echo "== formatting"
./scripts/check-format.sh

echo "== release build and tests"
./scripts/build.sh release
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== sqllogictest corpora (SQLite must pass completely; DuckDB pass rate printed)"
./scripts/corpus.sh build/release

echo "== ASan + UBSan build and tests"
./scripts/build.sh asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"
echo "== all tests passed"
