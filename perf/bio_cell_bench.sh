#!/usr/bin/env bash
# Speed of the detailed-cell kernels on one thread (perf/bio_cell_bench.c): bio_1cell's cell
# copied 1, 10 and 50 times, 3 s of model time, ns per compartment-step.
#
#   perf/bio_cell_bench.sh [T_MS (3000)] [N ...]     (data: CADENZA_TEST_DATA or ../shared/data)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${CADENZA_TEST_DATA:-$root/../shared/data}
[ -d "$data/bmtk/examples/bio_1cell" ] || { echo "bio_cell_bench.sh: no bio_1cell under $data (set CADENZA_TEST_DATA)" >&2; exit 2; }
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$root/build" -j "$(nproc)" --target bio_cell_bench > /dev/null
"$root/build/perf/bio_cell_bench" "$data" "$@"
