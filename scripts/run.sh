#!/usr/bin/env bash
# Installs what is missing, builds LLKV and starts the llkv program.
# Usage: scripts/run.sh [DBFILE]   (default :memory:)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh release llkv >/dev/null
exec ./build/release/src/interface/llkv "$@"
