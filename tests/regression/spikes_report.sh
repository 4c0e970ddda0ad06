#!/usr/bin/env bash
# Report blocks that BMTK reads in place of other keys (reports-spec.md §1, §7):
#   - a spikes_report block replaces output's spike keys on a PointNet and a BioNet folder: the
#     files it names are written (relative names under output_dir), with its sort order, and
#     output's spikes.h5 is not; the spikes are those of a run that names the same files in
#     output; a warning says output's keys were replaced; a block that names no file writes no
#     spike file; two spikes_report blocks are refused;
#   - netcon_report on PointNet records the cells as a multimeter, as BMTK's PointNet does: the
#     same file as a membrane_report block asking for the same variable.
#   spikes_report.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
ex="$data/bmtk/examples"
if [ ! -f "$ex/point_iclamp/config.circuit.json" ] || [ ! -f "$ex/inputs_iclamp_files/network/cortex_nodes.h5" ]; then
  echo "shared data not found: skipped"; exit 77
fi
ex=$(cd "$ex" && pwd)
comp=$(cd "$ex/../../sonata/examples/shared_components" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_spikes_report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# point NAME OUTPUT_KEYS REPORTS: a PointNet config of point_iclamp's network, 1 s of clamps.
point() {
  cat > "$tmp/$1.json" <<JSON
{
  "network": "$ex/point_iclamp/config.circuit.json",
  "target_simulator": "NEST",
  "run": {"tstop": 1000.0, "dt": 0.01},
  "inputs": {"clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": {"population": "cortex"},
                       "amp": 1000.0, "delay": 100.0, "duration": 700.0}},
  "output": {"output_dir": "$tmp/out_$1"$2},
  "reports": {$3}
}
JSON
}

# bio NAME OUTPUT_KEYS REPORTS: the 9 cells of inputs_iclamp_files with a step clamp, 500 ms.
bio() {
  cat > "$tmp/$1.json" <<JSON
{
  "target_simulator": "NEURON",
  "run": {"tstop": 500.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": "all",
                       "amp": 0.3, "delay": 100.0, "duration": 300.0}},
  "output": {"output_dir": "$tmp/out_$1"$2},
  "reports": {$3},
  "components": {"morphologies_dir": "$comp/morphologies", "biophysical_neuron_models_dir": "$comp/biophysical_neuron_templates"},
  "networks": {"nodes": [{"nodes_file": "$ex/inputs_iclamp_files/network/cortex_nodes.h5",
                          "node_types_file": "$ex/inputs_iclamp_files/network/cortex_node_types.csv"}], "edges": []}
}
JSON
}

run() {
  "$cadenza" run "$tmp/$1.json" --no-progress > "$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; echo "$1 failed"; exit 1; }
}

block='"spikes": {"module": "spikes_report", "spikes_file": "by_block.h5", "spikes_file_csv": "by_block.csv",
                  "spikes_sort_order": "id"}'
for engine in point bio; do
  "$engine" "${engine}_output" ', "spikes_file": "by_block.h5", "spikes_file_csv": "by_block.csv", "spikes_sort_order": "id"' ''
  run "${engine}_output"
  "$engine" "${engine}_block" ', "spikes_file": "spikes.h5", "spikes_sort_order": "time"' "$block"
  run "${engine}_block"
  [ -f "$tmp/out_${engine}_block/by_block.h5" ] && [ -f "$tmp/out_${engine}_block/by_block.csv" ] ||
    { ls "$tmp/out_${engine}_block"; echo "$engine: the block's files are not written"; exit 1; }
  [ ! -e "$tmp/out_${engine}_block/spikes.h5" ] || { echo "$engine: output's spikes.h5 written beside the block's"; exit 1; }
  cmp "$tmp/out_${engine}_output/by_block.csv" "$tmp/out_${engine}_block/by_block.csv" ||
    { echo "$engine: the block's csv differs from output's"; exit 1; }
  "$cadenza" compare "$tmp/out_${engine}_output/by_block.h5" "$tmp/out_${engine}_block/by_block.h5" --tolerance 0 -q ||
    { echo "$engine: the block's spikes differ"; exit 1; }
  [ "$(wc -l < "$tmp/out_${engine}_block/by_block.csv")" -gt 2 ] || { echo "$engine: too few spikes to tell"; exit 1; }
  sort -s -k3,3n "$tmp/out_${engine}_block/by_block.csv" | cmp -s - "$tmp/out_${engine}_block/by_block.csv" ||
    { echo "$engine: the csv is not sorted by node id"; exit 1; }
  grep -q "reports.spikes replaces output's spike keys" "$tmp/${engine}_block.log" ||
    { cat "$tmp/${engine}_block.log"; echo "$engine: no warning that output's keys are replaced"; exit 1; }
done

point quiet ', "spikes_file": "spikes.h5"' '"spikes": {"module": "spikes_report"}'
run quiet
[ -z "$(find "$tmp/out_quiet" -name 'spikes*' -o -name '*.csv')" ] || { ls "$tmp/out_quiet"; echo "a block without files wrote spikes"; exit 1; }

point twice '' "$block"', "again": {"module": "spikes_report", "spikes_file": "x.h5"}'
"$cadenza" run "$tmp/twice.json" --no-progress > "$tmp/twice.log" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "a second spikes_report block (reports.again)" "$tmp/twice.log" ||
  { cat "$tmp/twice.log"; echo "two spikes_report blocks: exit $rc"; exit 1; }

cells='"cells": {"population": "cortex", "node_id": [0, 20, 60]}, "variable_name": "V_m"'
point multimeter '' '"v": {"module": "membrane_report", '"$cells"', "file_name": "v.h5"}'
run multimeter
point netcon '' '"v": {"module": "netcon_report", '"$cells"', "file_name": "v.h5"}'
run netcon
"$report_check" match "$tmp/out_multimeter/v.h5" "$tmp/out_netcon/v.h5" 0 0 || { echo "netcon_report differs from the multimeter"; exit 1; }
echo "spikes_report replaces output's spike keys on both engines; PointNet's netcon_report is a multimeter"
