#!/usr/bin/env bash
# The generated BioNet benchmark (`cadenza generate bionet`, the guide's 450-node example's
# make-up) run side by side by one or two cadenza binaries, on 1 and 2 threads: run time,
# ns per cable-node step, wall time from start to written outputs, the busiest thread's update
# time over the threads' mean (timers.json), and whether the spikes are the same bytes.
#
#   perf/bionet_bench.sh [--cells N (450)] [--tstop MS (3000)] [--before OTHER_CADENZA]
#     (data: CADENZA_TEST_DATA or ../shared/data; this checkout's Release build is used)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${CADENZA_TEST_DATA:-$root/../shared/data}
comp="$data/bmtk/examples/bio_components"
[ -d "$comp" ] || { echo "bionet_bench.sh: no bio_components under $data (set CADENZA_TEST_DATA)" >&2; exit 2; }
cells=450 tstop=3000 before=""
while [ $# -gt 0 ]; do
  case $1 in
    --cells) cells=$2; shift ;;
    --tstop) tstop=$2; shift ;;
    --before) before=$2; shift ;;
    *) echo "bionet_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=lib.sh
. "$root/perf/lib.sh"
cadenza=$(perf_build_cadenza "$root")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_bionet_bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate bionet --components "$(cd "$comp" && pwd)" --cells "$cells" --tstop "$tstop" "$tmp/net" > /dev/null
# one NAME BINARY THREADS: a run and its line.
one() {
  local start end
  start=$(date +%s.%N)
  "$2" run "$tmp/net/config.json" -o "$tmp/$1" --threads "$3" --no-progress > "$tmp/$1.log" 2>&1
  end=$(date +%s.%N)
  local run nodes busy
  run=$(sed -n 's/.* run \([0-9.]*\) s (update.*/\1/p' "$tmp/$1.log")
  nodes=$(sed -n 's/^cadenza: \([0-9]*\) compartments at.*/\1/p' "$tmp/$1.log")
  # per_thread's run.update: {min, avg, max} on the lines after its key
  busy=$(awk '/"per_thread"/ { on = 1 } on && /"avg"/ { gsub(/[^0-9.e+-]/, "", $2); a = $2 }
              on && /"max"/ { gsub(/[^0-9.e+-]/, "", $2); if (a > 0) printf "%.3f", $2 / a; exit }' "$tmp/$1/timers.json")
  awk -v n="$1" -v r="$run" -v c="${nodes:-0}" -v t="$tstop" -v w="$(echo "$end - $start" | bc)" -v b="${busy:-?}" \
    'BEGIN { printf "%-12s run %7.2f s  wall %7.2f s  %s  busy max/mean %s\n", n, r, w, c ? sprintf("%.1f ns per node-step", r * 1e9 / (c * t * 10)) : "", b }'
}
echo "cells $cells, $tstop ms at dt 0.1 ms"
for threads in 1 2; do
  one "now_t$threads" "$cadenza" "$threads"
  if [ -n "$before" ]; then
    one "before_t$threads" "$before" "$threads"
    cmp -s "$tmp/now_t$threads/spikes.h5" "$tmp/before_t$threads/spikes.h5" && echo "  same spikes" || echo "  spikes differ"
  fi
done
cmp -s "$tmp/now_t1/spikes.h5" "$tmp/now_t2/spikes.h5" && echo "1 and 2 threads: same spikes" || echo "1 and 2 threads: spikes differ"
