#!/usr/bin/env bash
# `cadenza generate bionet` (the BioNet benchmark, tools/bionet_net.h) at the guide's 450 cells:
# the folder is the same bytes from 1 and 2 ranks; it checks clean (300 detailed cells, 150
# IntFire1, 100 virtual, 60 recurrent and 10 external edges per cell); runs on 1 rank x 1
# thread, 1 x 2 and 2 x 1 write the same spikes; every cell type fires, and the mean rate is
# between 2 and 60 Hz; the detailed cells' state takes at most 200 bytes per compartment; the
# 2-thread run's timers.json holds each thread's seconds in the update's parts (timers_check).
# A folder without the components it names, or without --components, is refused (exit 2).
#   bionet_generate.sh MPIEXEC CADENZA TIMERS_CHECK
set -u
mpiexec=$1 cadenza=$2 timers_check=$3
# shellcheck source=bio_components_lib.sh
. "$(dirname "$0")/bio_components_lib.sh"
bio_components_setup biogen

"$cadenza" generate bionet --components "$comp" --tstop 200 "$tmp/r1" || fail "generate failed"
"$mpiexec" -n 2 "$cadenza" generate bionet --components "$comp" --tstop 200 "$tmp/r2" > /dev/null || fail "generate on 2 ranks failed"
(cd "$tmp/r1" && find . -type f | sort) | while read -r f; do cmp "$tmp/r1/$f" "$tmp/r2/$f" || exit 1; done ||
  fail "1 and 2 ranks write different folders"
echo "1 and 2 ranks write the same folder"

"$cadenza" check "$tmp/r1/config.json" -o "$tmp/check" > "$tmp/check.log" 2>&1 || { cat "$tmp/check.log"; fail "check failed"; }
grep -q "300 detailed cells" "$tmp/check.log" || fail "not 300 detailed cells: $(grep cells "$tmp/check.log")"
grep -q "150 artificial cells" "$tmp/check.log" || fail "not 150 IntFire1 cells: $(grep cells "$tmp/check.log")"
grep -q "population external: 100 nodes (100 virtual)" "$tmp/check.log" || fail "not 100 virtual cells"

"$cadenza" run "$tmp/r1/config.json" -o "$tmp/t1" --no-progress > "$tmp/t1.log" 2>&1 || { tail "$tmp/t1.log"; fail "run failed"; }
"$cadenza" run "$tmp/r1/config.json" -o "$tmp/t2" --threads 2 --no-progress -q > /dev/null 2>&1 || fail "run on 2 threads failed"
"$mpiexec" -n 2 "$cadenza" run "$tmp/r1/config.json" -o "$tmp/n2" --no-progress -q > /dev/null 2>&1 || fail "run on 2 ranks failed"
cmp "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" || fail "1x1 and 1x2 differ"
cmp "$tmp/t1/spikes.h5" "$tmp/n2/spikes.h5" || fail "1x1 and 2x1 differ"
grep -q "52500 synapses" "$tmp/t1.log" || fail "unexpected synapse count: $(grep 'neurons (' "$tmp/t1.log")"
# The state's size (issue target: at most 200 bytes per compartment), in the summary and timers.json.
bytes=$(sed -n 's/^cadenza: \([0-9]*\) compartments at \([0-9]*\) bytes each.*/\2/p' "$tmp/t1.log")
[ -n "$bytes" ] && [ "$bytes" -gt 50 ] && [ "$bytes" -le 200 ] || fail "bytes per compartment: '$bytes'"
grep -q '"state_bytes_per_compartment"' "$tmp/t1/timers.json" || fail "timers.json lacks state_bytes_per_compartment"
grep -q '"matrix_and_solve"' "$tmp/t1/timers.json" || fail "timers.json lacks the update's parts"
"$timers_check" "$tmp/t2/timers.json" 1 2 parts || fail "the 2-thread run's timers"
echo "$bytes bytes per compartment"
# node ids by type: 0-79 Scnn1a, 80-159 Rorb, 160-239 Nr5a1, 240-269 PV1, 270-299 PV2, 300-399 LIF_exc, 400-449 LIF_inh
awk 'NR > 1 && $2 == "internal" { n++; t = ($3 < 80) ? 0 : ($3 < 160) ? 1 : ($3 < 240) ? 2 : ($3 < 270) ? 3 : ($3 < 300) ? 4 : ($3 < 400) ? 5 : 6; c[t]++ }
     END { for (k = 0; k < 7; k++) if (!c[k]) { print "type " k " never fires"; exit 1 }
           rate = n / 450 / 0.2; printf "%d spikes, %.1f Hz per cell\n", n, rate; if (rate < 2 || rate > 60) exit 1 }' \
  "$tmp/t1/spikes.csv" || fail "activity out of range"
echo "1x1, 1x2 and 2x1 give the same spikes; every cell type fires"

# The hh variant (the network perf/neuron_compare.sh runs in NEURON too): 450 detailed cells
# with hh somas, no IntFire1; it fires, the same on 1 and 2 threads.
"$cadenza" generate bionet --hh --components "$comp" --tstop 100 "$tmp/hh" > /dev/null || fail "generate --hh failed"
grep -q '"celsius":[[:space:]]*6.3' "$tmp/hh/config.json" || fail "--hh: not at 6.3 degrees"
grep -q '"gnabar_hh"' "$tmp/hh/components/cell_models/hh_soma.json" || fail "--hh: no hh fit file"
"$cadenza" run "$tmp/hh/config.json" -o "$tmp/hh1" --no-progress > "$tmp/hh1.log" 2>&1 || { tail "$tmp/hh1.log"; fail "--hh run failed"; }
"$cadenza" run "$tmp/hh/config.json" -o "$tmp/hh2" --threads 2 --no-progress -q > /dev/null 2>&1 || fail "--hh run on 2 threads failed"
cmp "$tmp/hh1/spikes.h5" "$tmp/hh2/spikes.h5" || fail "--hh: 1 and 2 threads differ"
"$cadenza" check "$tmp/hh/config.json" -o "$tmp/hhcheck" > "$tmp/hhcheck.log" 2>&1 || { cat "$tmp/hhcheck.log"; fail "--hh: check failed"; }
grep -q "450 detailed cells (.*), 0 artificial cells" "$tmp/hhcheck.log" || fail "--hh: $(grep 'cells' "$tmp/hhcheck.log")"
n=$(($(wc -l < "$tmp/hh1/spikes.csv") - 1))
[ "$n" -gt 100 ] || fail "--hh: only $n spikes in 100 ms"
echo "--hh: $n spikes in 100 ms, the same on 2 threads"

"$cadenza" generate bionet "$tmp/none" > "$tmp/none.log" 2>&1
[ $? = 2 ] || fail "no --components: not exit 2"
grep -q "\-\-components DIR is required" "$tmp/none.log" || fail "no --components: $(cat "$tmp/none.log")"
"$cadenza" generate bionet --components "$tmp" "$tmp/bad" > "$tmp/bad.log" 2>&1
[ $? = 2 ] || fail "empty components: not exit 2"
grep -q "lacks morphologies/Scnn1a_473845048_m.swc" "$tmp/bad.log" || fail "empty components: $(cat "$tmp/bad.log")"
[ ! -e "$tmp/bad/config.json" ] || fail "a refused generation wrote a config"
echo "bionet generator: same folder on any rank count, decomposition-independent runs, refusals"
