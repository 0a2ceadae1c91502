#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (.clang-format) makes
# of it. Fix with: clang-format -i $(git ls-files '*.cc' '*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find src include tests bench -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror $files
