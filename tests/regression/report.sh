#!/usr/bin/env bash
# Membrane reports (src/engine/recorder.h, io/report_out.h):
#  1. 300_pointneurons' report block writes a file with the SONATA report layout, which the
#     same checker accepts for the format files of the shared data (nwb_sonata example_data
#     and libsonata's tests_data); its V_m traces reset at every spike of the recorded cells.
#  2. One iaf_psc_delta cell of point_iclamp under a 150 pA step current follows the closed
#     form of a leaky membrane to 1e-9 mV, sampled at dt and at 3 dt in (50, 450] ms, and the
#     block size (run.nsteps_block) does not change a byte of the file.
#  3. A list of variables gives one file per variable.
#   report.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
cfg300="$data/sonata/examples/300_pointneurons/simulation_config.json"
icl="$data/bmtk/examples/point_iclamp"
if [ ! -f "$cfg300" ] || [ ! -d "$icl" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. layout and spikes
(cd "$(dirname "$cfg300")" && "$cadenza" run "$cfg300" -o "$tmp/r300" --no-progress -q) || exit 1
"$check" layout "$tmp/r300/membrane_potential.h5" --strict || exit 1
"$check" layout "$data/sonata/tutorials/nwb_sonata/example_data/membrane_potential.h5" || exit 1
"$check" layout "$data/libsonata/tests_data/somas.h5" || exit 1
"$check" spikes "$tmp/r300/membrane_potential.h5" "$tmp/r300/spikes.h5" || exit 1

# 2. closed form under a current clamp: the cortex cells alone, without synapses
clamp_config() {  # name interval tstart tstop nsteps_block
  cat > "$tmp/$1.json" <<JSON
{
  "target_simulator": "NEST",
  "run": {"tstop": 500.0, "dt": 0.1, "nsteps_block": $5},
  "components": {"point_neuron_models_dir": "$icl/../point_components/cell_models"},
  "networks": {"nodes": [{"nodes_file": "$icl/network/cortex_nodes.h5",
                          "node_types_file": "$icl/network/cortex_node_types.csv"}], "edges": []},
  "inputs": {"clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": {"population": "cortex"},
                       "amp": 150.0, "delay": 100.0, "duration": 200.0}},
  "reports": {"v": {"module": "membrane_report", "cells": {"population": "cortex", "node_id": [0, 20]},
                    "variable_name": "V_m", "interval": $2, "tstart": $3, "tstop": $4, "file_name": "v.h5"}},
  "output": {"output_dir": "$tmp/$1", "spikes_file": "spikes.h5"}
}
JSON
}
clamp_config every_step 0.1 0.0 500.0 5000
clamp_config window 0.3 50.0 450.0 5000
clamp_config small_blocks 0.3 50.0 450.0 7
for name in every_step window small_blocks; do
  "$cadenza" run "$tmp/$name.json" --no-progress -q || exit 1
  "$check" layout "$tmp/$name/v.h5" --strict || exit 1
  # iaf_psc_delta with NEST's defaults (the model file is empty): E_L -70 mV, C_m 250 pF, tau_m 10 ms
  for node in 0 20; do "$check" clamp "$tmp/$name/v.h5" cortex "$node" -70 250 10 150 100 200 0.1 || exit 1; done
done
cmp "$tmp/window/v.h5" "$tmp/small_blocks/v.h5" || { echo "the block size changed the report file"; exit 1; }

# 3. several variables
dir300=$(cd "$(dirname "$cfg300")" && pwd)
sed -e 's/"variable_name": "V_m"/"variable_name": ["V_m", "I_syn_ex"]/' -e "s|\"\$BASE_DIR\": \".\"|\"\$BASE_DIR\": \"$dir300\"|" \
  "$cfg300" > "$tmp/multi.json"
"$cadenza" run "$tmp/multi.json" -o "$tmp/multi" --no-progress -q || exit 1
"$check" layout "$tmp/multi/membrane_potential.h5" --strict || exit 1
"$check" layout "$tmp/multi/membrane_potential_I_syn_ex.h5" --strict || exit 1
echo "reports: layout, spikes, closed form, blocks and variables checked"
