#!/usr/bin/env bash
# Edge loading throughput: how fast `cadenza run` turns SONATA edge files into its synapse
# tables. Generates the benchmark networks (uncompressed edge files, as the generators write
# them), runs each one for a single time step on every layout, several times, and prints the
# build time (setup.build in timers.json, the slowest rank) as edges per second and per core
# (ranks x threads). On more than one rank the METIS placement reads the edges too
# (setup.partition); the last column counts it in. Min and median over the runs: on a shared
# machine the first touch of fresh memory varies from run to run.
#
#   perf/load_bench.sh [--runs R] [--layouts "1x1 1x2 2x1"] [--networks "brunel hpc microcircuit"]
#                      [--cadenza PATH] [--work DIR]
#
#   brunel        N = 10 000 (1.8e7 edges, weights and delays from the edge types)
#   hpc           the HPC benchmark at scale 0.2 (2.5e7 edges, weights and delays from the types)
#   microcircuit  Potjans-Diesmann at scale 0.1 (3.0e7 edges, float64 weight and delay per edge)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=5 layouts="1x1 1x2 2x1" networks="brunel hpc microcircuit" cadenza="" work=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift ;;
    --layouts) layouts=$2; shift ;;
    --networks) networks=$2; shift ;;
    --cadenza) cadenza=$2; shift ;;
    --work) work=$2; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "load_bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "load_bench: $*" >&2; exit 1; }
# shellcheck source=perf/lib.sh
. "$root/perf/lib.sh"
[ -n "$cadenza" ] || cadenza=$(perf_build_cadenza "$root")
[ -x "$cadenza" ] || die "no cadenza executable at $cadenza"
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/cz_load_bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

network() {
  local dir=$work/$1
  if [ ! -f "$dir/config.json" ]; then
    case $1 in
      brunel) "$cadenza" generate brunel --neurons 10000 --overwrite "$dir" ;;
      hpc) "$cadenza" generate hpc --scale 0.2 --overwrite "$dir" ;;
      microcircuit) "$cadenza" generate microcircuit --scale 0.1 --overwrite "$dir" ;;
      *) die "unknown network $1" ;;
    esac > "$work/generate-$1.log" || die "generating $1 failed (log: $work/generate-$1.log)"
  fi
  echo "$dir"
}

# synapses, build seconds and partition seconds (slowest rank) of a run's timers.json
timers() {
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ph = {p["name"]: p["max"] for p in d["phases"]}
print(d["run"]["synapses"], ph["setup.build"], ph.get("setup.partition", 0.0))' "$1"
}

printf '%-13s %-7s %-10s %-22s %-22s %s\n' network layout edges "build s (min/median)" "edges/s/core (min/med)" \
  "with placement (median)"
for name in $networks; do
  net=$(network "$name")
  for layout in $layouts; do
    r=${layout%x*} t=${layout#*x}
    rows=$work/rows-$name-$layout
    : > "$rows"
    for i in $(seq "$runs"); do
      out=$work/out-$name-$layout
      rm -rf "$out"
      cmd=("$cadenza" run "$net/config.json" --tstop 0.1 --threads "$t" -o "$out" --no-progress -q)
      if [ "$r" -gt 1 ]; then
        mpirun -np "$r" --oversubscribe --bind-to none "${cmd[@]}" > "$work/run.log" 2>&1 || die "run failed: $work/run.log"
      else
        "${cmd[@]}" > "$work/run.log" 2>&1 || die "run failed: $work/run.log"
      fi
      timers "$out/timers.json" >> "$rows"
    done
    sort -g -k2 "$rows" | awk -v cores=$((r * t)) -v name="$name" -v layout="$layout" '
      { e = $1; b[NR] = $2; p[NR] = $3 }
      END {
        m = int((NR + 1) / 2)
        printf "%-13s %-7s %-10.3g %-22s %-22s %.3g\n", name, layout, e, sprintf("%.2f / %.2f", b[1], b[m]),
               sprintf("%.3g / %.3g", e / b[1] / cores, e / b[m] / cores), e / (b[m] + p[m]) / cores
      }'
  done
done
