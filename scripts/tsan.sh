#!/usr/bin/env bash
# Runs the concurrency tests under ThreadSanitizer: the bank-transfer test
# (sessions on threads, snapshot isolation, conflicts) and the API's
# many-threads test. Builds build/tsan first. Usage: scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh tsan bank_test api_test
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
build/tsan/tests/interface/bank_test
build/tsan/tests/interface/api_test --gtest_filter='*Threads*'
echo "tsan: no data races reported"
