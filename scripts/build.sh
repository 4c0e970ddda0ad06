#!/usr/bin/env bash
# Installs what is missing and builds Cadenza (Release) into ./build. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release ${CADENZA_CMAKE_ARGS:-} > /dev/null
cmake --build "$root/build" -j "$(nproc)"
