#!/usr/bin/env bash
# End to end through a real Slurm: starts a one-node cluster on this machine (slurm_up.sh),
# then through sbatch and the files in jobs/:
#   1. jobs/cadenza.sbatch with 2 tasks x 1 CPU (srun, PMIx) runs a Brunel network and writes
#      the same spike file, byte for byte, as a plain run on this machine;
#   2. the same script with 1 task x 2 CPUs runs 2 OpenMP threads (OMP_NUM_THREADS from
#      SLURM_CPUS_PER_TASK; the job log says so) and again writes the same spikes;
#   3. a job asking for more CPUs than the node has is refused at submission;
#   4. jobs/submit_scaling.sh runs a strong-scaling study as dependent jobs (prepare, one job
#      per layout, plot) and leaves one row per layout, from inside SLURM, and both figures.
# The cluster is stopped and its state removed at the end. Needs root and Debian's slurmctld,
# slurmd, slurm-client and munge (scripts/install-deps.sh --test-tools); otherwise skipped.
#   sbatch_test.sh CADENZA SPIKES_COMPARE
set -u
cadenza=$1 compare=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "not root, cannot start a Slurm cluster: skipped"; exit 77; fi
for c in sbatch squeue sinfo scontrol; do
  command -v "$c" > /dev/null || { echo "$c not installed: skipped"; exit 77; }
done
for d in /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/munged; do
  [ -x "$d" ] || { echo "$d not installed: skipped"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_slurm.XXXXXX")
chmod 0755 "$tmp"
trap 'bash "$here/slurm_down.sh"; rm -rf "$tmp"' EXIT
bash "$here/slurm_up.sh"
case $? in
  0) ;;
  3) echo "another Slurm configuration is in place: skipped"; exit 77 ;;
  4) echo "the Slurm cluster cannot run on this machine (reason and logs above): skipped"; exit 77 ;;
  *) exit 1 ;;
esac

wait_job() {  # job id, timeout (s); 0 only when the job COMPLETED
  local end=$((SECONDS + $2))
  while squeue -h -j "$1" 2> /dev/null | grep -q .; do
    if [ "$SECONDS" -ge "$end" ]; then scancel "$1"; echo "job $1 timed out" >&2; return 1; fi
    sleep 0.2
  done
  scontrol show job "$1" | grep -q 'JobState=COMPLETED' || { scontrol show job "$1" | grep -E 'JobState|Reason' >&2; return 1; }
}

cd "$tmp" || exit 1
"$cadenza" generate brunel --neurons 1000 --tstop 300 net > /dev/null || exit 1
"$cadenza" run net/config.json --output-dir "$tmp/local" --no-progress -q > /dev/null 2>&1 || exit 1
export CADENZA=$cadenza

# 1. two ranks through srun
jid=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --time=00:05:00 "$root/jobs/cadenza.sbatch" \
        "$tmp/net/config.json" --output-dir "$tmp/mpi" --no-progress) || exit 1
wait_job "$jid" 180 || { cat "cadenza-$jid.out"; exit 1; }
grep -q "2 rank(s) x 1 thread(s)" "cadenza-$jid.out" || { cat "cadenza-$jid.out"; exit 1; }
grep -q "2 ranks x 1 thread" "cadenza-$jid.out" || { echo "the run did not use 2 ranks"; cat "cadenza-$jid.out"; exit 1; }
cmp "$tmp/local/spikes.h5" "$tmp/mpi/spikes.h5" || exit 1
echo "sbatch 2 tasks x 1 cpu: same spikes as a local run ($("$compare" --validate "$tmp/mpi/spikes.h5"))"

# 2. two threads in one task
jid=$(sbatch --parsable --ntasks=1 --cpus-per-task=2 --time=00:05:00 "$root/jobs/cadenza.sbatch" \
        "$tmp/net/config.json" --output-dir "$tmp/omp" --no-progress) || exit 1
wait_job "$jid" 180 || { cat "cadenza-$jid.out"; exit 1; }
grep -q "1 rank x 2 threads" "cadenza-$jid.out" || { echo "the run did not use 2 threads"; cat "cadenza-$jid.out"; exit 1; }
cmp "$tmp/local/spikes.h5" "$tmp/omp/spikes.h5" || exit 1
echo "sbatch 1 task x 2 cpus: 2 threads, same spikes"

# 3. an impossible request fails at once
if sbatch --parsable --ntasks=1 --cpus-per-task=$(( $(getconf _NPROCESSORS_ONLN) + 1 )) "$root/jobs/cadenza.sbatch" \
     "$tmp/net/config.json" > /dev/null 2>&1; then
  echo "a job asking for more CPUs than the node has was accepted"; exit 1
fi

# 4. a scaling study as dependent jobs
bash "$root/jobs/submit_scaling.sh" --wait --study strong --size 1000 --indegree 200 --tstop 100 \
  --layouts "1x1 2x1 1x2" --out "$tmp/study" --sbatch "--time=00:05:00" || { tail -n 30 "$tmp"/study/*.out; exit 1; }
rows=$(grep -c '"slurm_job": "[0-9]' "$tmp/study/rows.jsonl")
[ "$rows" -eq 3 ] || { echo "expected 3 rows run inside SLURM, got $rows"; exit 1; }
points=$(grep -o 'class="point"' "$tmp/study/strong_efficiency.svg" | wc -l)
[ "$points" -eq 3 ] || { echo "expected 3 points in the efficiency figure, got $points"; exit 1; }
echo "scaling study through dependent jobs: 3 rows, figures drawn"
