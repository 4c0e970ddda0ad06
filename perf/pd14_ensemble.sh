#!/usr/bin/env bash
# Is Cadenza's Potjans-Diesmann microcircuit statistically the published model? Generates one
# network per seed (`cadenza generate microcircuit`), runs each, computes the statistics of the
# model's reference analysis per population (`cadenza stats`: single-neuron rates and ISI CVs,
# count correlations of 50 neurons per population in 2 ms bins, over [TMIN, TSTOP] ms) and the
# Kolmogorov-Smirnov distances between the seeds (`cadenza stats ks`), which measure the model's
# natural spread (performance.md 7.2: 0.01-0.03 for rates and CVs, 0.02-0.06 for correlations
# across NEST seeds at T = 900 s). With --reference, the distances of our seeds to those
# realizations too, and the verdict per statistic: "within" when our mean distance to them is at
# most their own mean distance plus two standard deviations (Dasbach et al. 2021).
#
#   perf/pd14_ensemble.sh [--scale S (1)] [--seeds "1 2 3"] [--tstop MS (10500)] [--tmin MS (500)]
#                         [--poisson] [--layout RxT (1x2)] [--reference "DIR..."] [--cadenza PATH]
#                         [--work DIR] [--keep]
#
# --reference takes seed folders of the model's reference data (each with rates.json,
# spike_cvs.json and spike_ccs.json, as its analysis writes them, e.g. data_T10s/seed-*), made
# over the same window length: the rate and CV distributions depend on it. --poisson drives the
# networks with Poisson trains (the original model) instead of the DC equivalent. The networks are
# deleted after their run unless --keep (a full-scale network is 12 GB). Prints each run's
# real-time factor and peak memory, the population rates of every seed next to the single
# NEST run of performance.md 7.2, and the distances.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scale=1 seeds="1 2 3" tstop=10500 tmin=500 layout=1x2 reference="" cadenza="" work="" keep=0 drive=()
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift ;;
    --seeds) seeds=$2; shift ;;
    --tstop) tstop=$2; shift ;;
    --tmin) tmin=$2; shift ;;
    --layout) layout=$2; shift ;;
    --reference) reference=$2; shift ;;
    --cadenza) cadenza=$2; shift ;;
    --work) work=$2; shift ;;
    --keep) keep=1 ;;
    --poisson) drive=(--poisson) ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "pd14_ensemble: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "pd14_ensemble: $*" >&2; exit 1; }
ranks=${layout%x*} threads=${layout#*x}
[[ $ranks =~ ^[1-9][0-9]*$ && $threads =~ ^[1-9][0-9]*$ ]] || die "--layout wants RANKSxTHREADS, e.g. 1x2"
# shellcheck source=perf/lib.sh
. "$root/perf/lib.sh"
[ -n "$cadenza" ] || cadenza=$(perf_build_cadenza "$root")
[ -x "$cadenza" ] || die "no cadenza executable at $cadenza"
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/cz_pd14.XXXXXX")
  echo "pd14_ensemble: working in $work (kept: it holds the statistics)"
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
launch() {  # the command on $ranks ranks
  if [ "$ranks" -gt 1 ]; then
    OMPI_MCA_rmaps_base_oversubscribe=1 mpirun -np "$ranks" --bind-to none "$@"
  else
    "$@"
  fi
}

stats_dirs=()
for s in $seeds; do
  net=$work/net-$s out=$work/out-$s st=$work/stats-$s
  if [ ! -f "$net/config.json" ]; then
    launch "$cadenza" generate microcircuit --scale "$scale" --seed "$s" --tstop "$tstop" "${drive[@]}" --overwrite "$net" \
      > "$work/generate-$s.log" || die "generating seed $s failed (log: $work/generate-$s.log)"
  fi
  OMP_NUM_THREADS=$threads launch "$cadenza" run "$net/config.json" --tstop "$tstop" --threads "$threads" \
    -o "$out" --no-progress -q > "$work/run-$s.log" 2>&1 || die "running seed $s failed (log: $work/run-$s.log)"
  "$cadenza" stats "$net/config.json" --spikes "$out/spikes.h5" --tmin "$tmin" --tmax "$tstop" \
    -o "$st" --overwrite > "$work/stats-$s.log" || die "stats of seed $s failed (log: $work/stats-$s.log)"
  python3 - "$out/timers.json" "$s" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
run = d["run"]
build = [p["max"] for p in d["phases"] if p["name"] == "setup.build"]
print(f"seed {sys.argv[2]}: {run['neurons']} neurons, {run['synapses']} synapses, {run['spikes']} spikes; "
      f"build {build[0] if build else float('nan'):.1f} s, real-time factor {run['real_time_factor']:.2f}, "
      f"peak {run['peak_rss_bytes_per_rank']['max'] / 2**20:.0f} MiB per rank "
      f"({run['peak_rss_bytes_per_synapse']:.2f} B/synapse)")
EOF
  [ "$keep" = 1 ] || rm -rf "$net"
  stats_dirs+=("$st")
done

echo
echo "population rates over [$tmin, $tstop] ms (Hz; NEST: one full-scale run, performance.md 7.2)"
python3 - "$scale" "${stats_dirs[@]}" <<'EOF'
import json, math, sys
nest = {"L23E": 0.903, "L23I": 2.965, "L4E": 4.414, "L4I": 5.876, "L5E": 7.569, "L5I": 8.633, "L6E": 1.105,
        "L6I": 7.829}
runs = [json.load(open(d + "/rates.json")) for d in sys.argv[2:]]
print(f"{'pop':6} " + " ".join(f"{'seed ' + d.rsplit('-', 1)[-1]:>9}" for d in sys.argv[2:]) +
      f" {'mean':>8} {'sd':>7} {'NEST':>7}")
for pop in runs[0]:
    means = [sum(r[pop]) / len(r[pop]) for r in runs]
    m = sum(means) / len(means)
    sd = math.sqrt(sum((x - m) ** 2 for x in means) / len(means))
    ref = f"{nest[pop]:7.3f}" if pop in nest and float(sys.argv[1]) == 1 else "      -"
    print(f"{pop:6} " + " ".join(f"{x:9.3f}" for x in means) + f" {m:8.3f} {sd:7.3f} {ref}")
EOF
echo
refs=()
# shellcheck disable=SC2206 # the reference folders are words, globs already expanded by the caller
[ -n "$reference" ] && refs=(--reference $reference)
"$cadenza" stats ks "${stats_dirs[@]}" "${refs[@]}"
