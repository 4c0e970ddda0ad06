#!/usr/bin/env bash
# BioNet current clamps from Allen Cell Types sweeps (module IClamp, input_type nwb or allen;
# inputs-spec.md §7) on bmtk's inputs_iclamp_files network (9 detailed cells), each against
# the same pulse given as amp/delay/duration (0.3 nA from 100 to 300 ms):
#   nwb        a 10 kHz sweep (one sample per step) holding the pulse: the same spikes (within
#              1e-9 ms) and soma traces (within 1e-9 mV);
#   allen      a 200 kHz sweep of the pulse, downsample 0.1 ms (every 20th sample, played every
#              0.1 ms): the same again;
#   delay      the 10 kHz sweep with delay 50: BMTK's BioNet switches the clamp on at 50 ms but
#              does not shift the sweep, so the traces are the nwb run's, and the log says so;
#   late       delay 150: the clamp is off until 150 ms, so the first 50 ms of the pulse are
#              lost: the soma traces first differ from the nwb run's in row 1000 (t = 100.1 ms);
#   missing    a sweep the file lacks: refused (exit 2) naming the block and the sweeps there.
# The allen run's spikes and traces are byte-identical across ranks, threads and partitioners
# (ranks.sh).
#   bio_iclamp_nwb.sh MPIEXEC CADENZA REPORT_CHECK SPIKES_COMPARE NWB_SWEEP
set -u
mpiexec=$1 cadenza=$2 report_check=$3 spikes_compare=$4 nwb_sweep=$5
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/inputs_iclamp_files"
if [ ! -f "$case_dir/network/cortex_nodes.h5" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_nwbclamp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/nine_cells_lib.sh"
# config NAME CLAMP: the network with one IClamp block of the given keys, on every cell.
config() { nine_cells_config "$1" "$case_dir" 400.0 '"clamp": {"module": "IClamp", "node_set": "all", '"$2"'}'; }
run() { nine_cells_run "$1"; }

same_as_steps() {
  "$spikes_compare" "$tmp/out_steps/spikes.h5" "$tmp/out_$1/spikes.h5" --tolerance 1e-9 ||
    { echo "variant $1: spikes differ from the step clamp's"; exit 1; }
  "$report_check" match "$tmp/out_steps/v_soma.h5" "$tmp/out_$1/v_soma.h5" 1e-9 1e-9 ||
    { echo "variant $1: soma traces differ from the step clamp's"; exit 1; }
}

"$nwb_sweep" "$tmp/cell.nwb" Sweep_7 10000 0.4 0.3e-9 0.1 0.3 || exit 1
"$nwb_sweep" "$tmp/fast.nwb" Sweep_2 200000 0.4 0.3e-9 0.1 0.3 || exit 1

config steps '"input_type": "current_clamp", "amp": 0.3, "delay": 100.0, "duration": 200.0'
run steps
config nwb '"input_type": "nwb", "file": "'"$tmp"'/cell.nwb", "sweep_id": 7'
run nwb
same_as_steps nwb
config allen '"input_type": "allen", "file": "'"$tmp"'/fast.nwb", "sweep_id": "2", "downsample": 0.1'
run allen
same_as_steps allen
config delay '"input_type": "nwb", "file": "'"$tmp"'/cell.nwb", "sweep_id": "Sweep_7", "delay": 50.0'
run delay
same_as_steps delay
grep -q "inputs.clamp.delay: BMTK's BioNet does not shift NWB stimuli by delay" "$tmp/delay.log" ||
  { cat "$tmp/delay.log"; echo "no warning that delay does not shift the sweep"; exit 1; }
config late '"input_type": "nwb", "file": "'"$tmp"'/cell.nwb", "sweep_id": 7, "delay": 150.0'
run late
"$report_check" onset "$tmp/out_late/v_soma.h5" "$tmp/out_nwb/v_soma.h5" 1000 1 || exit 1

config missing '"input_type": "nwb", "file": "'"$tmp"'/cell.nwb", "sweep_id": 8'
"$cadenza" run "$tmp/missing.json" --no-progress -q > "$tmp/missing.log" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "inputs.clamp.*Sweep_8.*Sweep_7" "$tmp/missing.log" ||
  { cat "$tmp/missing.log"; echo "a missing sweep: exit $rc, or the message does not name the sweeps"; exit 1; }
"$(dirname "$0")/ranks.sh" "$mpiexec" "$cadenza" "$tmp/allen.json" || exit 1
echo "NWB clamps: the 10 kHz sweep, the downsampled 200 kHz sweep and a delayed sweep give the step clamp's spikes and traces; a late delay cuts the pulse"
