#!/usr/bin/env bash
# `cadenza generate microcircuit` at scale 0.01: the folder written by 1 rank and by 2 and 3
# MPI ranks is the same bytes; it checks clean; it holds round(0.01 N) neurons per population
# and the expected number of synapses (each neuron keeps its full-scale mean in-degree: about
# 2.99e6 at this scale); a 300 ms run fires in all eight populations and writes valid spikes,
# the same with its weights stored as floats (the default here) and as doubles, and with the
# fill's grouping forced, its delays packed or apart, and each thread's sources found through the
# sparse index. With --poisson the drive is one online Poisson input per population (rate
# K_ext x 8 Hz, no DC), and the spikes are the same on 1 thread, 2 threads and 2 ranks.
#   microcircuit.sh MPIEXEC CADENZA SPIKES_COMPARE
set -u
mpiexec=$1 cadenza=$2 compare=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_mc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$("$cadenza" generate microcircuit --scale 0.01 --tstop 300 "$tmp/r1") || exit 1
echo "$out"
for np in 2 3; do
  "$mpiexec" -n $np "$cadenza" generate microcircuit --scale 0.01 --tstop 300 "$tmp/r$np" > /dev/null || exit 1
  (cd "$tmp/r1" && find . -type f | sort) | while read -r f; do
    cmp "$tmp/r1/$f" "$tmp/r$np/$f" || exit 1
  done || exit 1
  echo "$np ranks write the same bytes as 1"
done
neurons=$(sed -n 's/.* (\([0-9]*\) neurons, \([0-9]*\) synapses, .*/\1/p' <<< "$out")
synapses=$(sed -n 's/.* (\([0-9]*\) neurons, \([0-9]*\) synapses, .*/\2/p' <<< "$out")
# round(0.01 N) per population: 207 + 58 + 219 + 55 + 49 + 11 + 144 + 29
[ "$neurons" -eq 772 ] || { echo "expected 772 neurons, got $neurons"; exit 1; }
awk -v s="$synapses" 'BEGIN { if (s < 2.9e6 || s > 3.1e6) { print "synapses " s " not near 2.99e6"; exit 1 } }' || exit 1
"$cadenza" check "$tmp/r1/config.json" -o "$tmp/check" > "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
"$cadenza" run "$tmp/r1/config.json" --no-progress -q > /dev/null 2>&1 || exit 1
"$compare" --validate "$tmp/r1/output/spikes.h5" || exit 1
# its weights are exact floats and are stored as such; as doubles the spikes are the same
CADENZA_WEIGHT_CODES=0 "$cadenza" run "$tmp/r1/config.json" -o "$tmp/doubles" --no-progress -q > /dev/null 2>&1 || exit 1
cmp "$tmp/r1/output/spikes.h5" "$tmp/doubles/spikes.h5" || { echo "float and double weights give different spikes"; exit 1; }
# the fill's grouping (networks of more than 4096 sources) on 2 threads, with the delays packed
# into the targets and apart, gives the same spikes as the direct fill
CADENZA_FILL_GROUPED=1 "$cadenza" run "$tmp/r1/config.json" -t 2 -o "$tmp/grouped" --no-progress -q > /dev/null 2>&1 || exit 1
cmp "$tmp/r1/output/spikes.h5" "$tmp/grouped/spikes.h5" || { echo "the grouped fill gives other spikes"; exit 1; }
CADENZA_FILL_GROUPED=1 CADENZA_PACKED_TARGETS=0 "$cadenza" run "$tmp/r1/config.json" -t 2 -o "$tmp/unpacked" \
  --no-progress -q > /dev/null 2>&1 || exit 1
cmp "$tmp/r1/output/spikes.h5" "$tmp/unpacked/spikes.h5" || { echo "the grouped, unpacked fill gives other spikes"; exit 1; }
# each thread's sources through the sparse index (the many-rank layout), filled grouped and direct
CADENZA_SOURCE_INDEX=sparse CADENZA_FILL_GROUPED=1 "$cadenza" run "$tmp/r1/config.json" -t 2 -o "$tmp/sparse" \
  --no-progress -q > /dev/null 2>&1 || exit 1
cmp "$tmp/r1/output/spikes.h5" "$tmp/sparse/spikes.h5" || { echo "the sparse source index gives other spikes"; exit 1; }
CADENZA_SOURCE_INDEX=sparse CADENZA_WEIGHT_CODES=0 "$cadenza" run "$tmp/r1/config.json" -t 2 -o "$tmp/sparse_direct" \
  --no-progress -q > /dev/null 2>&1 || exit 1
cmp "$tmp/r1/output/spikes.h5" "$tmp/sparse_direct/spikes.h5" || { echo "the sparse source index, direct fill, gives other spikes"; exit 1; }
h5dump -d /spikes/cortex/node_ids "$tmp/r1/output/spikes.h5" > "$tmp/ids.txt" 2> /dev/null || true
# first node id of each population: 0 207 265 484 539 588 599 743
python_free_count() {  # population of each spiking node id, counted
  tr -c '0-9\n' ' ' < "$tmp/ids.txt" | tr ' ' '\n' | grep -E '^[0-9]+$' | awk '
    BEGIN { split("0 207 265 484 539 588 599 743 772", b, " ") }
    { for (p = 1; p <= 8; p++) if ($1 >= b[p] && $1 < b[p + 1]) seen[p] = 1 }
    END { n = 0; for (p = 1; p <= 8; p++) n += seen[p]; print n }'
}
[ "$(python_free_count)" -eq 8 ] || { echo "not every population fired"; exit 1; }
echo "all 8 populations fire"
"$cadenza" generate microcircuit --scale 0.01 --poisson --tstop 200 "$tmp/p" > /dev/null || exit 1
python3 - "$tmp/p" <<'EOF2' || { echo "--poisson wrote the wrong drive"; exit 1; }
import json, sys
d = sys.argv[1]
inputs = json.load(open(d + "/config.json"))["inputs"]
k_ext = {"L23E": 1600, "L23I": 1500, "L4E": 2100, "L4I": 1900, "L5E": 2000, "L5I": 1900, "L6E": 2900, "L6I": 2100}
assert sorted(inputs) == sorted("background_" + p for p in k_ext), list(inputs)
for p, k in k_ext.items():
    b = inputs["background_" + p]
    assert b["input_type"] == "poisson" and b["node_set"] == {"pop_name": p} and b["rate"] == 8 * k, b
    assert abs(b["weight"] - 87.81) < 0.01 and b["delay"] == 1.5, b
    assert json.load(open(f"{d}/components/cell_models/{p}.json"))["I_e"] == 0
EOF2
"$cadenza" run "$tmp/p/config.json" -o "$tmp/p1" --no-progress -q > /dev/null 2>&1 || exit 1
"$cadenza" run "$tmp/p/config.json" -t 2 -o "$tmp/p2" --no-progress -q > /dev/null 2>&1 || exit 1
"$mpiexec" -n 2 "$cadenza" run "$tmp/p/config.json" -o "$tmp/pr2" --no-progress -q > /dev/null 2>&1 || exit 1
"$compare" --validate "$tmp/p1/spikes.h5" || exit 1
for o in p2 pr2; do
  "$cadenza" compare "$tmp/p1/spikes.h5" "$tmp/$o/spikes.h5" -q || { echo "Poisson drive: $o gives other spikes"; exit 1; }
done
echo "Poisson drive: the same spikes on 1 thread, 2 threads and 2 ranks"
