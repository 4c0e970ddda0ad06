#!/usr/bin/env bash
# Peak memory per rank with 1 and 2 MPI ranks on a generated network of 1e5 neurons and
# 2.25e7 synapses (Brunel, epsilon 0.00125: C_E = 100, C_I = 25, plus 100 external synapses
# per neuron), 100 ms of model time. Prints each run's summary and the ratio of the 2-rank
# peak (largest rank) to the 1-rank peak, for each partitioner.
#   perf/memory_ranks.sh            environment: N (100000), EPSILON (0.00125), PARTITIONS ("block round-robin metis")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${N:-100000}
eps=${EPSILON:-0.00125}
partitions=${PARTITIONS:-"block round-robin metis"}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# shellcheck source=perf/lib.sh
. "$root/perf/lib.sh"
cadenza=$(perf_build_cadenza "$root")
work=$(mktemp -d "${TMPDIR:-/tmp}/cadenza-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$cadenza" generate brunel --neurons "$n" --epsilon "$eps" --tstop 100 "$work/net" > /dev/null

peak() {  # ranks partition -> prints the summary, returns the peak MiB on stdout's last line
  local line
  line=$(mpirun --oversubscribe -np "$1" "$cadenza" run "$work/net/config.json" -o "$work/out_$1_$2" \
           --partition "$2" --no-progress -q | head -1)
  echo "$line" >&2
  echo "$line" | sed -n 's/.*peak memory \([0-9.]*\) MiB.*/\1/p'
}

for part in $partitions; do
  one=$(peak 1 "$part")
  two=$(peak 2 "$part")
  ratio=$(awk -v a="$two" -v b="$one" 'BEGIN { printf "%.3f", a / b }')
  echo "RESULT partition=$part n=$n peak_1rank_mib=$one peak_2ranks_mib=$two ratio=$ratio"
done
