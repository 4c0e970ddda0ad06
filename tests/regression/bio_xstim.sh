#!/usr/bin/env bash
# The xstim input (bionet-spec.md §6.4, inputs-spec.md §4.6) on bmtk's inputs_comsol network
# (9 detailed cells, no synapses), against the same network without it:
#   dc        a point electrode (no mesh column) 150 µm from the somas, a dc pulse from 20 to
#             40 ms: the soma traces are identical bit for bit up to row 200 and differ from
#             row 201 on (t = 20.1 ms, the first step with del < t, set after the step before),
#             by more than 5 mV;
#   table     the same pulse as a tab-separated .csv (ms) and the electrode as a mesh of two
#             coincident points (each carrying half the current): the dc run's traces exactly;
#   json      the same pulse as a .json file: the dc run's traces exactly;
#   rotated   a 6-point mesh, rotated, under a sin waveform, in a positions file found through
#             a relative path: valid reports, and byte-identical across ranks, threads and
#             partitioners (ranks.sh);
#   close     an electrode within 10 µm of a segment centre: refused before the run (exit 2),
#             naming the node and the electrode, no output left.
#   bio_xstim.sh MPIEXEC CADENZA REPORT_CHECK
set -u
mpiexec=$1 cadenza=$2 report_check=$3
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/inputs_comsol"
if [ ! -f "$case_dir/network/cortex_nodes.h5" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_xstim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/nine_cells_lib.sh"
# config NAME INPUTS: the network with the given inputs block body.
config() { nine_cells_config "$1" "$case_dir" 60.0 "$2"; }
run() { nine_cells_run "$1"; }

xstim='"input_type": "extracellular", "module": "xstim"'
dc='{"shape": "dc", "amp": -0.05, "del": 20.0, "dur": 20.0}'
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z\n30 150 60 0 0 0\n' > "$tmp/point.csv"

config nofield ''
run nofield
config dc '"stim": {'"$xstim"', "positions_file": "point.csv", "waveform": '"$dc"'}'
run dc
"$report_check" onset "$tmp/out_nofield/v_soma.h5" "$tmp/out_dc/v_soma.h5" 201 5 || exit 1

mkdir "$tmp/meshes"
printf 'x_pos y_pos z_pos\n0 0 0\n0 0 0\n' > "$tmp/meshes/pair.txt"
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z electrode_mesh_file\n30 150 60 0.5 0.2 1 pair.txt\n' \
  > "$tmp/meshes/pair.csv"
printf 'time\tamplitude\n0\t0\n20.05\t0\n20.05\t-0.05\n39.95\t-0.05\n39.95\t0\n100\t0\n' > "$tmp/pulse.csv"
config table '"stim": {'"$xstim"', "positions_file": "meshes/pair.csv", "waveform": "pulse.csv"}'
run table
"$report_check" match "$tmp/out_dc/v_soma.h5" "$tmp/out_table/v_soma.h5" 0 0 || { echo "table differs from dc"; exit 1; }
echo "$dc" > "$tmp/pulse.json"
config json '"stim": {'"$xstim"', "positions_file": "point.csv", "waveform": "pulse.json"}'
run json
"$report_check" match "$tmp/out_dc/v_soma.h5" "$tmp/out_json/v_soma.h5" 0 0 || { echo "json differs from dc"; exit 1; }

printf 'x_pos y_pos z_pos\n5 0 0\n-5 0 0\n0 5 0\n0 -5 0\n0 0 5\n0 0 -5\n' > "$tmp/meshes/tip.txt"
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z electrode_mesh_file\n20 -120 40 0.3 -1.2 2.0 tip.txt\n30 150 60 0 0 0 pair.txt\n' \
  > "$tmp/meshes/two.csv"
config rotated '"stim": {'"$xstim"', "positions_file": "meshes/two.csv",
  "waveform": {"shape": "sin", "amp": 0.04, "del": 5.0, "dur": 50.0, "freq": 200, "offset": -0.01}}'
run rotated
"$report_check" layout "$tmp/out_rotated/v_soma.h5" --strict || exit 1
"$report_check" onset "$tmp/out_nofield/v_soma.h5" "$tmp/out_rotated/v_soma.h5" 51 1 || exit 1

printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 5 0 0 0\n' > "$tmp/close.csv"
config close '"stim": {'"$xstim"', "positions_file": "close.csv", "waveform": '"$dc"'}'
"$cadenza" run "$tmp/close.json" --no-progress -q > "$tmp/close.log" 2>&1
rc=$?
[ "$rc" = 2 ] || { cat "$tmp/close.log"; echo "an electrode 5 µm from a soma: exit $rc, not 2"; exit 1; }
grep -q "inputs.stim: node [0-9]* of cortex has a segment centre at .* the electrode is too close" "$tmp/close.log" ||
  { cat "$tmp/close.log"; echo "the refusal does not name the node and the electrode"; exit 1; }
[ ! -e "$tmp/out_close/spikes.h5" ] && [ ! -e "$tmp/out_close/v_soma.h5" ] || { echo "a refused run left outputs"; exit 1; }

"$(dirname "$0")/ranks.sh" "$mpiexec" "$cadenza" "$tmp/rotated.json" || exit 1
echo "xstim: onset at row 201, table and json waveforms and a two-point mesh equal to the dc point, decomposition-independent"
