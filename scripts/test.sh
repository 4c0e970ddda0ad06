#!/usr/bin/env bash
# The README's second command: set up, build and run the whole test suite.
# The shared SONATA data are read from ../shared/data beside the checkout, or from
# $CADENZA_TEST_DATA; tests that need them report themselves skipped when they are absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" --test-tools
CADENZA_CMAKE_ARGS="-DCADENZA_WERROR=ON ${CADENZA_CMAKE_ARGS:-}" bash "$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "$(nproc)" "$@"
