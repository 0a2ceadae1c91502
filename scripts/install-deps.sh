#!/usr/bin/env bash
# Installs every Debian 12 package LLKV needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so it is cheap to run
# before every build (the README's commands do exactly that).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format git
  liblmdb-dev            # persistent pager
  libflatbuffers-dev flatbuffers-compiler  # Arrow IPC metadata
  libxxhash-dev          # page checksums (XXH3)
  libre2-dev             # regular expressions (regexp_matches, regexp_replace, ...)
  libtbb-dev libabsl-dev libfmt-dev libedit-dev zlib1g-dev
  libpg-query-dev protobuf-compiler libprotobuf-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  sqlite3 libsqlite3-dev # benchmark baseline
  zstd                   # TPC-H SF 0.1 data (sf0.1.tar.zst)
)
# Arrow interop tests run the apache-arrow npm package. Some machines carry a
# node build that bundles npm; Debian's separate npm package would conflict.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
