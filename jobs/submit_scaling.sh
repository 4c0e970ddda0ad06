#!/usr/bin/env bash
# Submits a scaling study (perf/scaling.sh) as dependent SLURM jobs: one job generates the
# networks, then one job per layout runs it with exactly the resources it measures
# (--ntasks = ranks, --cpus-per-task = threads), then one job draws the figures once every
# layout has finished. Rows and figures go to the study's --out folder.
#
#   jobs/submit_scaling.sh [--wait] [--sbatch "EXTRA SBATCH OPTIONS"] STUDY OPTIONS...
#   jobs/submit_scaling.sh --study strong --size 200000 --layouts "1x16 2x8 4x4 8x16 16x16" \
#       --out results/strong --sbatch "--partition=batch --exclusive --time=02:00:00"
#
# STUDY OPTIONS are perf/scaling.sh's (--study, --model, --size, --indegree, --layouts,
# --tstop, --seed, --partition, --out); --out is required so that every job writes to the same
# folder, which must be on a file system all nodes see. --wait returns when the figures are
# drawn (exit 1 if a job failed). CADENZA (an executable) is passed on to the jobs when set.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
wait=0 sbatch_extra="" layouts="1x1 2x1 1x2" out="" pass=()
while [ $# -gt 0 ]; do
  case $1 in
    --wait) wait=1 ;;
    --sbatch) sbatch_extra=$2; shift ;;
    --layouts) layouts=$2; pass+=("$1" "$2"); shift ;;
    --out) out=$2; pass+=("$1" "$2"); shift ;;
    *) pass+=("$1") ;;
  esac
  shift
done
[ -n "$out" ] || { echo "submit_scaling: --out DIR is required" >&2; exit 2; }
mkdir -p "$out"
export CADENZA_ROOT=$root
read -r -a extra <<< "$sbatch_extra"
submit() { sbatch --parsable --chdir="$out" "${extra[@]}" "$@"; }

prep=$(submit --job-name=scaling-prepare --ntasks=1 "$here/scaling_point.sbatch" "${pass[@]}" --prepare)
echo "submit_scaling: prepare job $prep"
deps=""
for l in $layouts; do
  r=${l%x*} t=${l#*x}
  jid=$(submit --job-name="scaling-$l" --dependency="afterok:$prep" --kill-on-invalid-dep=yes --ntasks="$r" --cpus-per-task="$t" \
          "$here/scaling_point.sbatch" "${pass[@]}" --point "$l")
  echo "submit_scaling: layout $l job $jid"
  deps="$deps:$jid"
done
plot=$(submit --job-name=scaling-plot --dependency="afterok$deps" --kill-on-invalid-dep=yes --ntasks=1 "$here/scaling_point.sbatch" \
         "${pass[@]}" --plot)
echo "submit_scaling: plot job $plot (afterok$deps)"
[ "$wait" -eq 1 ] || exit 0
while squeue -h -j "$plot" 2> /dev/null | grep -q .; do sleep 1; done
if scontrol show job "$plot" 2> /dev/null | grep -q 'JobState=COMPLETED'; then
  echo "submit_scaling: done; figures in $out"
else
  echo "submit_scaling: the study did not complete (see $out/*.out)" >&2
  exit 1
fi
