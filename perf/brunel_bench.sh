#!/usr/bin/env bash
# Brunel (2000) benchmark: generates the balanced network with `cadenza generate brunel`,
# simulates it with `cadenza run`, and reports generation, load and simulation time,
# synaptic events per second and peak memory. See perf/README.md.
#
# Environment (all optional):
#   N=10000          neurons (N_E = 0.8 N, in-degree 0.1 N_E + 0.1 N_I, plus N_E Poisson inputs)
#   THREADS=1        OpenMP threads for the run (--threads)
#   SEED=1           network seed
#   TSTOP=1000       simulated time, ms
#   DT=0.1           time step, ms
#   BUILD_DIR=build  build folder (configured as Release and built when needed)
#   SKIP_BUILD=1     use BUILD_DIR/src/cadenza as it is
#   LAUNCH=          command prefix for the run, e.g. "mpirun -np 2"
#   WORK_DIR=        where to generate (default: a fresh temporary folder, removed at the end)
#   KEEP=1           keep the generated folder
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${N:-10000}
threads=${THREADS:-1}
seed=${SEED:-1}
tstop=${TSTOP:-1000}
dt=${DT:-0.1}
build=${BUILD_DIR:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
cadenza=$build/src/cadenza

die() { echo "brunel_bench: $*" >&2; exit 1; }

# A Release build: configuring an existing folder is cheap and the build is incremental, so
# this also picks up source changes since the last benchmark.
build_release() {
  if [[ ${SKIP_BUILD:-0} == 1 ]]; then
    [[ -x $cadenza ]] || die "SKIP_BUILD=1 but $cadenza does not exist"
    return
  fi
  echo "brunel_bench: building $cadenza (Release)" >&2
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target cadenza >/dev/null
}

# time(1) with -v when GNU time is installed; plain runs otherwise (no RSS then).
timed() {
  local report=$1
  shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v -o "$report" "$@"
  else
    : >"$report"
    "$@"
  fi
}

# Value of a "Label: value" line of a time -v report ("?" when absent).
time_field() {
  local v
  v=$(sed -n "s/^[[:space:]]*$2: //p" "$1" | head -n1)
  echo "${v:-?}"
}

# First match of an extended regex in the summary line, with the given sed capture.
summary_field() {
  local v
  v=$(sed -En "s#.*$2.*#\1#p" <<<"$1" | head -n1)
  echo "${v:-?}"
}

# time -v's "h:mm:ss" or "m:ss.ss" as seconds.
clock_to_s() {
  if [[ $1 == "?" ]]; then echo "?"; else awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; fi
}

kib_to_mib() {
  if [[ $1 == "?" ]]; then echo "?"; else awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; fi
}

build_release
[[ -x $cadenza ]] || die "no cadenza binary at $cadenza"

if [[ -n ${WORK_DIR:-} ]]; then
  work=$WORK_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/cadenza-brunel.XXXXXX")
  if [[ ${KEEP:-0} != 1 ]]; then trap 'rm -rf "$work"' EXIT; fi
fi
net=$work/net

echo "brunel_bench: generating N=$n into $net" >&2
timed "$work/generate.time" "$cadenza" generate brunel --neurons "$n" --seed "$seed" --tstop "$tstop" \
  --dt "$dt" --overwrite "$net" >"$work/generate.out" 2>&1 || { cat "$work/generate.out" >&2; die "generation failed"; }

echo "brunel_bench: running with $threads thread(s)" >&2
# shellcheck disable=SC2086 # LAUNCH is a command prefix to split
timed "$work/run.time" ${LAUNCH:-} "$cadenza" run "$net/config.json" --threads "$threads" >"$work/run.out" 2>&1 ||
  { cat "$work/run.out" >&2; die "the run failed"; }

summary=$(grep -m1 '^cadenza: [0-9]* neurons' "$work/run.out" || true)
[[ -n $summary ]] || { cat "$work/run.out" >&2; die "no 'cadenza:' summary line in the run output"; }

gen_s=$(clock_to_s "$(time_field "$work/generate.time" "Elapsed (wall clock) time (h:mm:ss or m:ss)")")
gen_rss=$(kib_to_mib "$(time_field "$work/generate.time" "Maximum resident set size (kbytes)")")
run_s=$(clock_to_s "$(time_field "$work/run.time" "Elapsed (wall clock) time (h:mm:ss or m:ss)")")
run_rss=$(kib_to_mib "$(time_field "$work/run.time" "Maximum resident set size (kbytes)")")
synapses=$(summary_field "$summary" ' ([0-9]+) synapses')
spikes=$(summary_field "$summary" ' ([0-9]+) spikes')
rate=$(summary_field "$summary" '\(([0-9.]+) Hz/neuron\)')
load=$(summary_field "$summary" 'load ([0-9.]+) s')
sim=$(summary_field "$summary" '[;,] run ([0-9.]+) s')
events=$(summary_field "$summary" ' ([0-9.e+-]+) synaptic events/s')
peak=$(summary_field "$summary" 'peak memory ([0-9.]+) MiB')
launch_note=""
if [[ -n ${LAUNCH:-} ]]; then launch_note=", launch: $LAUNCH"; fi
rtf="?"
if [[ $sim != "?" ]]; then rtf=$(awk -v s="$sim" -v t="$tstop" 'BEGIN { printf "%.3g", s / (t / 1000) }'); fi

cat <<EOF
Brunel benchmark: N=$n, seed $seed, tstop $tstop ms, dt $dt ms, threads $threads$launch_note
  generate:         $gen_s s wall, max RSS $gen_rss MiB
  synapses:         $synapses
  load:             $load s
  simulate:         $sim s (real-time factor $rtf)
  synaptic events:  $events /s
  output spikes:    $spikes ($rate Hz per neuron)
  peak memory:      $peak MiB (cadenza), max RSS $run_rss MiB (time -v)
  run wall:         $run_s s (process, start to exit)
RESULT n=$n threads=$threads gen_s=$gen_s load_s=$load sim_s=$sim events_per_s=$events rate_hz=$rate peak_mib=$peak rss_mib=$run_rss wall_s=$run_s
EOF
if [[ ${KEEP:-0} == 1 || -n ${WORK_DIR:-} ]]; then echo "brunel_bench: kept $work" >&2; fi
