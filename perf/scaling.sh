#!/usr/bin/env bash
# Scaling studies: the same command on a laptop, on this 2-core VM and in a SLURM job on many
# nodes. Runs one network over a list of layouts (MPI ranks x OpenMP threads), appends one JSON
# row per run to OUT/rows.jsonl and draws OUT/<study>_time.svg and OUT/<study>_efficiency.svg
# with `cadenza plot scaling`.
#
#   perf/scaling.sh [--study strong|weak] [--model brunel|hpc|hpc-stdp|microcircuit|bionet] [--size N] [--indegree K]
#                   [--layouts "1x1 2x1 1x2 2x2"] [--tstop MS] [--seed S] [--partition M]
#                   [--out DIR] [--cadenza PATH] [--prepare | --point RxT | --plot]
#
#   --study      strong: one network of --size on every layout; weak: --size per core
#                (ranks x threads), so the work per core stays fixed
#   --model      brunel (--size in neurons), hpc (NEST's HPC benchmark; --size is its scale,
#                11250 neurons with 11250 synapses each per unit; hpc-stdp: its plastic
#                E->E variant), microcircuit (the
#                Potjans-Diesmann model; --size is its scale, at most 1) or bionet (the BioNet
#                benchmark of `cadenza generate bionet`; --size in cells, 450 strong and 225 per
#                core weak by default; its components from CADENZA_TEST_DATA or ../shared/data)
#   --indegree   excitatory in-degree C_E, kept fixed whatever the size (the Brunel generator's
#                epsilon is set to K / (0.8 N)), so that weak scaling keeps the synapses per
#                neuron too (default 800: N = 10000 at epsilon 0.1)
#   --prepare    only generate the network(s) of the study (a cluster job does this once)
#   --point RxT  only run that layout (one job per layout; see jobs/submit_scaling.sh)
#   --plot       only draw the figures from OUT/rows.jsonl
#
# Each row: study, model, date, commit (git describe of the sources), machine (host, CPU,
# cores, memory, SLURM job), parameters, ranks, threads, and the run's timers.json: per-phase
# min/avg/max times over ranks, real-time factor, synaptic events per second (and per core),
# peak memory per rank and per synapse. Inside a SLURM allocation the runs start with srun
# (one task per rank, --cpus-per-task threads, cores bound); elsewhere with mpirun.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
study=strong model=brunel size="" indegree=800 layouts="1x1 2x1 1x2" tstop=1000 seed=1 partition=metis
out="" cadenza="" mode=all point=""
while [ $# -gt 0 ]; do
  case $1 in
    --study) study=$2; shift ;;
    --model) model=$2; shift ;;
    --size) size=$2; shift ;;
    --indegree) indegree=$2; shift ;;
    --layouts) layouts=$2; shift ;;
    --tstop) tstop=$2; shift ;;
    --seed) seed=$2; shift ;;
    --partition) partition=$2; shift ;;
    --out) out=$2; shift ;;
    --cadenza) cadenza=$2; shift ;;
    --prepare) mode=prepare ;;
    --point) mode=point; point=$2; shift ;;
    --plot) mode=plot ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "scaling: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "scaling: $*" >&2; exit 2; }
case $study in strong|weak) ;; *) die "--study must be strong or weak" ;; esac
case $model in
  brunel) [ -n "$size" ] || size=$([ "$study" = strong ] && echo 10000 || echo 5000) ;;
  hpc|hpc-stdp) [ -n "$size" ] || size=1 ;;
  microcircuit) [ -n "$size" ] || size=0.1 ;;
  bionet) [ -n "$size" ] || size=$([ "$study" = strong ] && echo 450 || echo 225) ;;
  *) die "--model must be brunel, hpc, hpc-stdp, microcircuit or bionet" ;;
esac
out=${out:-$root/perf/results/$study-$model-$size}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "$cadenza" ]; then
  cadenza=$root/build/src/cadenza
  # shellcheck source=perf/lib.sh
  [ -x "$cadenza" ] || { . "$root/perf/lib.sh" && perf_build_cadenza "$root" > /dev/null; }
fi
[ -x "$cadenza" ] || die "no cadenza executable at $cadenza"

failed() { tail -n 20 "$1" >&2; die "the run failed (log: $1)"; }
# mpirun refuses root unless told; containers and CI machines often run as root
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

cores_of() { echo $(( ${1%x*} * ${1#*x} )); }
# The network size of a layout: --size, or --size per core for weak scaling.
size_of() {
  if [ "$study" = strong ]; then echo "$size"; else awk -v s="$size" -v c="$(cores_of "$1")" 'BEGIN { print s * c }'; fi
}

# The network of size n (generated once, kept under OUT/net).
network() {
  local n=$1 dir="$out/net/$model-$1"
  if [ ! -f "$dir/config.json" ]; then
    case $model in
      brunel)
        local eps
        eps=$(awk -v k="$indegree" -v n="$n" 'BEGIN { printf "%.10g", k / (0.8 * n) }')
        "$cadenza" generate brunel --neurons "$n" --epsilon "$eps" --tstop "$tstop" --seed "$seed" --overwrite "$dir" \
          > "$out/net/generate-$n.log" ;;
      hpc-stdp)
        "$cadenza" generate hpc --stdp --scale "$n" --tstop "$tstop" --seed "$seed" --overwrite "$dir" \
          > "$out/net/generate-$n.log" ;;
      bionet)
        local comp=${CADENZA_TEST_DATA:-$root/../shared/data}/bmtk/examples/bio_components
        [ -d "$comp" ] || die "bionet: no bio_components under ${CADENZA_TEST_DATA:-$root/../shared/data}"
        "$cadenza" generate bionet --components "$(cd "$comp" && pwd)" --cells "${n%.*}" --tstop "$tstop" \
          --seed "$seed" --overwrite "$dir" > "$out/net/generate-$n.log" ;;
      *)
        "$cadenza" generate "$model" --scale "$n" --tstop "$tstop" --seed "$seed" --overwrite "$dir" \
          > "$out/net/generate-$n.log" ;;
    esac
  fi
  echo "$dir"
}

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

machine_json() {
  local cpu mem
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2> /dev/null || echo unknown)
  mem=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo 2> /dev/null || echo 0)
  printf '{"host": %s, "cpu": %s, "cores": %s, "memory_gib": %s, "slurm_job": %s}' \
    "$(json_str "$(hostname)")" "$(json_str "$cpu")" "$(getconf _NPROCESSORS_ONLN)" "$mem" "$(json_str "${SLURM_JOB_ID:-}")"
}

# Runs one layout and appends its row.
run_point() {
  local layout=$1 r=${1%x*} t=${1#*x} n net dir
  n=$(size_of "$layout")
  net=$(network "$n")
  dir="$out/runs/$study-$n-${r}x$t"
  rm -rf "$dir"
  local cmd=("$cadenza" run "$net/config.json" --output-dir "$dir" --threads "$t" --partition "$partition"
             --no-progress -q)
  # Threads stay on their rank's cores. OpenMP binds inside the cores the launcher gave the
  # rank; a rank that was given none (mpirun --bind-to none) must not bind, or every rank's
  # first thread would land on core 0.
  export OMP_NUM_THREADS=$t OMP_PLACES=cores OMP_PROC_BIND=close
  local bind=(--map-by "slot:PE=$t" --bind-to core)
  if [ $((r * t)) -gt "$(getconf _NPROCESSORS_ONLN)" ]; then
    # More threads than cores: waiting threads and ranks must give their core away instead of
    # spinning, or every barrier and exchange waits for a time slice.
    bind=(--bind-to none)
    unset OMP_PLACES OMP_PROC_BIND
    export OMP_WAIT_POLICY=PASSIVE OMPI_MCA_mpi_yield_when_idle=1
  fi
  if [ -n "${SLURM_JOB_ID:-}" ] && command -v srun > /dev/null; then
    export SRUN_CPUS_PER_TASK=$t
    srun --ntasks="$r" --cpus-per-task="$t" --cpu-bind=cores "${cmd[@]}" > "$out/runs/$study-$n-${r}x$t.log" 2>&1 ||
      failed "$out/runs/$study-$n-${r}x$t.log"
  elif [ "$r" -gt 1 ]; then
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun -np "$r" "${bind[@]}" "${cmd[@]}" \
      > "$out/runs/$study-$n-${r}x$t.log" 2>&1 || failed "$out/runs/$study-$n-${r}x$t.log"
  else
    "${cmd[@]}" > "$out/runs/$study-$n-${r}x$t.log" 2>&1 || failed "$out/runs/$study-$n-${r}x$t.log"
  fi
  local commit
  commit=$(git -C "$root" describe --always --dirty 2> /dev/null || echo unknown)
  {
    printf '{"study": %s, "model": %s, "date": %s, "commit": %s, "cadenza": %s, ' "$(json_str "$study")" \
      "$(json_str "$model")" "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")" "$(json_str "$commit")" \
      "$(json_str "$("$cadenza" --version 2> /dev/null | head -n 1)")"
    printf '"machine": %s, ' "$(machine_json)"
    printf '"params": {"size": %s, "indegree_e": %s, "tstop_ms": %s, "seed": %s, "partition": %s}, ' \
      "$n" "$indegree" "$tstop" "$seed" "$(json_str "$partition")"
    printf '"ranks": %s, "threads": %s, "timers": %s}\n' "$r" "$t" "$(tr -d '\n' < "$dir/timers.json")"
  } >> "$out/rows.jsonl"
  awk -v l="${r}x$t" -v n="$n" '
    /"real_time_factor"/ { gsub(/[,"]/, ""); rtf = $2 }
    /"synaptic_events_per_second"/ { gsub(/[,"]/, ""); ev = $2 }
    END { printf "scaling: size %s on %s: real-time factor %.3f, %.3g synaptic events/s\n", n, l, rtf, ev }' \
    "$dir/timers.json"
}

plot() {
  [ -s "$out/rows.jsonl" ] || die "no rows in $out/rows.jsonl"
  "$cadenza" plot scaling "$out/rows.jsonl" --metric time -o "$out/${study}_time.svg" > /dev/null
  "$cadenza" plot scaling "$out/rows.jsonl" --metric efficiency -o "$out/${study}_efficiency.svg" > /dev/null
  echo "scaling: figures in $out/${study}_time.svg and $out/${study}_efficiency.svg"
}

mkdir -p "$out/net" "$out/runs"
case $mode in
  prepare) for l in $layouts; do network "$(size_of "$l")" > /dev/null; done ;;
  point) run_point "$point" ;;
  plot) plot ;;
  all)
    for l in $layouts; do run_point "$l"; done
    plot
    ;;
esac
