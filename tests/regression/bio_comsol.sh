#!/usr/bin/env bash
# The comsol input beyond the shipped folder (inputs-spec.md §4), on bmtk's inputs_comsol
# network (9 cells, a stationary export of 1350 nodes times a waveform of two 51-step pulses,
# 2500 steps apart). Each variant must give the soma traces of BMTK 1.0.8 + NEURON 8.2.2's run
# of the shipped config (output_comsol_waveform/v_soma.h5) within 1e-9 mV RMS:
#   volts      the same export written in V ("V (V)"), scaled to mV on reading;
#   timed      a time-dependent export (no waveform) whose columns at 0, 99.9, 100, 105,
#              105.1 and 250 ms hold 0, 0, V/2, V/2, 0, 0, with amplitude 2: interpolated onto
#              the steps, read at k + 1 with the period int(250 / dt) = 2500 steps;
#   node_set   a node set other than "all", ignored with a warning as BMTK ignores it.
# And without the field the traces differ by more than 0.5 mV, so the comparison can fail.
#   bio_comsol.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/inputs_comsol"
if [ ! -f "$case_dir/config.comsol_waveform.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
comp=$(cd "$case_dir/../../../sonata/examples/shared_components" && pwd)
ref="$case_dir/output_comsol_waveform/v_soma.h5"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_comsol.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# config NAME INPUTS: a config of the network with the given inputs block body.
config() {
  cat > "$tmp/$1.json" <<JSON
{
  "run": {"tstop": 500.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15, "nsteps_block": 5000},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "node_sets": {"biophys_cells": {"model_type": "biophysical"}},
  "inputs": {$2},
  "output": {"output_dir": "$tmp/out_$1", "spikes_file": "spikes.h5"},
  "reports": {"membrane_potential": {"cells": "biophys_cells", "variable_name": "v", "module": "membrane_report",
                                     "sections": "soma", "file_name": "v_soma.h5"}},
  "components": {"morphologies_dir": "$comp/morphologies", "biophysical_neuron_models_dir": "$comp/biophysical_neuron_templates"},
  "networks": {"nodes": [{"nodes_file": "$case_dir/network/cortex_nodes.h5",
                          "node_types_file": "$case_dir/network/cortex_node_types.csv"}], "edges": []}
}
JSON
}

# run_matches NAME TOL: runs config NAME and compares its soma traces with NEURON's.
run_matches() {
  "$cadenza" run "$tmp/$1.json" --no-progress -q 2> "$tmp/$1.err" || { cat "$tmp/$1.err"; exit 1; }
  "$report_check" match "$ref" "$tmp/out_$1/v_soma.h5" "$2" || { echo "variant $1 differs"; exit 1; }
}

awk 'NR <= 8 { print; next }
     NR == 9 { print "% x   y   z   V (V)"; next }
     { printf "%s %s %s %.17g\n", $1, $2, $3, $4 / 1000 }' "$case_dir/inputs/comsol_stationary.txt" > "$tmp/volts.txt"
config volts '"field": {"input_type": "extracellular", "module": "comsol", "comsol_file": "'"$tmp"'/volts.txt",
  "waveform": "'"$case_dir"'/inputs/waveform.csv"}'
run_matches volts 1e-9

awk 'NR <= 8 { print; next }
     NR == 9 { print "% x   y   z   V (mV) @ t=0   V (mV) @ t=0.0999   V (mV) @ t=0.1   V (mV) @ t=0.105   V (mV) @ t=0.1051   V (mV) @ t=0.25"; next }
     { h = $4 / 2; printf "%s %s %s 0 0 %.17g %.17g 0 0\n", $1, $2, $3, h, h }' \
  "$case_dir/inputs/comsol_stationary.txt" > "$tmp/timed.txt"
config timed '"field": {"input_type": "extracellular", "module": "comsol", "comsol_file": "'"$tmp"'/timed.txt", "amplitude": 2}'
run_matches timed 1e-9

config node_set '"field": {"input_type": "extracellular", "module": "comsol", "node_set": "biophys_cells",
  "comsol_file": "'"$case_dir"'/inputs/comsol_stationary.txt", "waveform": "'"$case_dir"'/inputs/waveform.csv"}'
run_matches node_set 1e-9
grep -q "inputs.field.node_set is ignored" "$tmp/node_set.err" || { echo "no warning that node_set is ignored"; exit 1; }

config nofield ''
"$cadenza" run "$tmp/nofield.json" --no-progress -q 2> /dev/null || exit 1
if "$report_check" match "$ref" "$tmp/out_nofield/v_soma.h5" 0.05 > /dev/null; then
  echo "the run without the field matches the reference: the comparison cannot tell"; exit 1
fi
echo "comsol: the V export, the time-dependent export and an ignored node set give NEURON's traces"
