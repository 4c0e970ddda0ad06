#!/usr/bin/env bash
# A membrane report costs 2 ranks no more than 1: point_120cells (dt 0.001 ms: a row per
# step) for 500 ms with its V_m report of 5 cells, without the spike outputs (whose blocks
# the same phase would time). The report phase (run.report in timers.json, slowest rank) of
# the best of 3 runs on 2 ranks must be within 1.2 times that of 1 rank plus 0.2 s: the timer
# measures the phase itself, not the whole run, but on a busy machine rank 0's writes (the
# same work as one rank's) take longer when two processes share its cores. Before rank 0 wrote
# alone, 2 ranks took 2 s there against 0.03 s for 1 rank. The report files of 1 rank, 2 ranks
# (METIS) and 3 ranks (round-robin: every rank's columns are scattered) must be byte-identical.
#   report_ranks.sh MPIEXEC CADENZA
set -u
mpiexec=$1 cadenza=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
dir="$data/bmtk-tests/integration_tests/point_120cells"
if [ ! -f "$dir/config.json" ]; then echo "shared data not found ($dir): skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_report_ranks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sed -e "s|\${configdir}|$dir|" -e "s|\"thalamus_spikes.csv\"|\"$dir/thalamus_spikes.csv\"|" -e '/"spikes_file/d' \
  "$dir/config.json" > "$tmp/config.json"
grep -q '"spikes_file' "$tmp/config.json" && { echo "could not remove the spike outputs"; exit 1; }

# The slowest rank's run.report seconds in a timers.json.
report_seconds() {
  awk '/"max"/ { gsub(/[,\t ]/, "", $2); m = $2 } /"name"/ && /"run.report"/ { print m; exit }' "$1"
}

run() {  # ranks partition out
  "$mpiexec" --oversubscribe -np "$1" "$cadenza" run "$tmp/config.json" --tstop 500 --partition "$2" --threads 1 \
    --output-dir "$3" --no-progress -q > "$3.log" 2>&1 || { cat "$3.log"; exit 1; }
}

best1="" best2=""
for k in 1 2 3; do
  run 1 metis "$tmp/r1_$k"
  run 2 metis "$tmp/r2_$k"
  t1=$(report_seconds "$tmp/r1_$k/timers.json") t2=$(report_seconds "$tmp/r2_$k/timers.json")
  [ -n "$t1" ] && [ -n "$t2" ] || { echo "no run.report timer in timers.json"; exit 1; }
  best1=$(awk -v a="$best1" -v b="$t1" 'BEGIN { print (a == "" || b < a) ? b : a }')
  best2=$(awk -v a="$best2" -v b="$t2" 'BEGIN { print (a == "" || b < a) ? b : a }')
  cmp "$tmp/r1_1/membrane_potential.h5" "$tmp/r2_$k/membrane_potential.h5" || { echo "2 ranks wrote another report"; exit 1; }
done
run 3 round-robin "$tmp/r3"
cmp "$tmp/r1_1/membrane_potential.h5" "$tmp/r3/membrane_potential.h5" || { echo "3 ranks wrote another report"; exit 1; }
echo "report phase, best of 3: 1 rank $best1 s, 2 ranks $best2 s"
awk -v a="$best1" -v b="$best2" 'BEGIN { exit !(b <= 1.2 * a + 0.2) }' ||
  { echo "2 ranks spend more than 1.2 x (1 rank) + 0.2 s in the report phase"; exit 1; }
echo "report on 1, 2 and 3 ranks: the same bytes, and 2 ranks no slower"
