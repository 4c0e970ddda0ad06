#!/usr/bin/env bash
# Builds Cadenza and its tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (-DCADENZA_SANITIZE=ON: -fsanitize=address,undefined,float-cast-overflow
# -fno-sanitize-recover=all) into a build folder of its own and runs the test suite there, so
# that any invalid memory access, integer overflow, misaligned or out-of-range conversion,
# ... aborts the test that caused it with the sanitizer's report in the test's output.
#   tests/sanitize.sh [BUILD_DIR] [ctest options...]     BUILD_DIR default: build-sanitize
# The dependencies must be installed (scripts/install-deps.sh --test-tools).
#
# Leak detection is off (ASAN_OPTIONS=detect_leaks=0): Open MPI and HDF5 keep allocations until
# exit by design, which LeakSanitizer would report in every MPI program. Everything else
# stops the program at its first finding (halt_on_error, and -fno-sanitize-recover for UBSan).
# The sanitized programs run several times slower than a Release build and use more memory,
# so the suite takes much longer than scripts/test.sh; the exit code is ctest's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-sanitize
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then build=$1; shift; fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCADENZA_SANITIZE=ON -DCADENZA_WERROR=ON > /dev/null
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 3000 "$@"
