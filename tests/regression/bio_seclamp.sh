#!/usr/bin/env bash
# SEClamp input (bionet-spec.md §6.2): bmtk's reports_clamp folder (bio_1cell's cell, an IClamp
# of 0.1 nA from 500 ms and a SEClamp on soma(0.5) at -70, -50, -65 mV for 200, 300, 300 ms,
# rs 1 MΩ) without its clamp_report blocks: the soma trace and the 4 spikes of BMTK 1.0.8 +
# NEURON 8.2.2 (reports_clamp/expected). Then the same clamp given as one flat set and a
# scalar rs gives the same file.
#   bio_seclamp.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
ex="$data/bmtk/examples"
if [ ! -f "$ex/reports_clamp/expected/membrane_potential.h5" ]; then echo "shared data not found: skipped"; exit 77; fi
ex=$(cd "$ex" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_seclamp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
write() { # NAME SECLAMP_MEMBERS
  cat > "$tmp/$1.json" <<JSON
{
  "run": {"tstop": 1000.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {
    "iclamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": {"population": "biocell"},
               "amp": 0.1, "delay": 500.0, "duration": 2000.0},
    "se_clamp": {"input_type": "voltage_clamp", "module": "SEClamp", "node_set": {"population": "biocell"}, $2}
  },
  "output": {"output_dir": "$tmp/$1", "spikes_file": "spikes.h5"},
  "reports": {"membrane_potential": {"module": "membrane_report", "cells": [0], "variable_name": "v", "sections": "soma"}},
  "components": {"morphologies_dir": "$ex/bio_1cell/components/morphologies",
                 "biophysical_neuron_models_dir": "$ex/bio_1cell/components/biophysical_neuron_templates"},
  "networks": {"nodes": [{"nodes_file": "$ex/bio_1cell/network/biocell_nodes.h5",
                          "node_types_file": "$ex/bio_1cell/network/biocell_node_types.csv"}]}
}
JSON
  "$cadenza" run "$tmp/$1.json" --no-progress -q || exit 1
}
write per_cell '"amps": [[-70.0, -50.0, -65.0]], "durations": [[200.0, 300.0, 300.0]], "rs": [1.0]'
"$report_check" match "$ex/reports_clamp/expected/membrane_potential.h5" "$tmp/per_cell/membrane_potential.h5" 1e-6 1e-6 || exit 1
"$cadenza" compare "$ex/reports_clamp/expected/spikes.h5" "$tmp/per_cell/spikes.h5" --tolerance 1e-9 || exit 1
write flat '"amps": [-70.0, -50.0, -65.0], "durations": [200.0, 300.0, 300.0], "rs": 1.0'
cmp "$tmp/per_cell/membrane_potential.h5" "$tmp/flat/membrane_potential.h5" || { echo "the flat set gives another trace"; exit 1; }
echo "SEClamp: NEURON's trace and spikes"
