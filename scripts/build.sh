#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh release|asan|tsan [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
shift || true
case "$kind" in
  release) flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  # The sanitizer tree skips benchmarks: they measure nothing useful under ASan.
  asan) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLKV_SANITIZE=ON -DLLKV_BUILD_BENCHMARKS=OFF) ;;
  tsan) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLKV_TSAN=ON -DLLKV_BUILD_BENCHMARKS=OFF) ;;
  *) echo "usage: $0 release|asan|tsan [targets...]" >&2; exit 2 ;;
esac
if [ ! -f "build/$kind/build.ninja" ]; then
  cmake -S . -B "build/$kind" -G Ninja -DLLKV_WERROR=ON "${flags[@]}" >/dev/null
fi
if [ $# -gt 0 ]; then
  cmake --build "build/$kind" --target "$@"
else
  cmake --build "build/$kind"
fi
