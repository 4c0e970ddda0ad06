#!/usr/bin/env bash
# Exp2Syn rows of a synapse report (reports-spec.md §9.2 unit test 2) on bmtk's bio_1cell
# network (12 Exp2Syn with tau1 0.1, tau2 0.5 ms, weight 0.035, delay 2 ms, from one virtual
# node): one virtual spike at 39.1979 ms arrives at 41.1979, inside the step from 41.1 to
# 41.2, and is delivered at that step's end, so B is 0 in the row for t = 41.1 and w factor =
# 0.065421509... in the row for t = 41.2 (row 411; row r holds t = (r + 1) dt), while g, which
# lags B by a step, is 0 in the rows for t <= 41.3 and w factor (e^-0.2 - e^-1) = 0.0294954 in
# the row for t = 41.4 (row 413). A second spike arriving at 57.51 is delivered at the start of
# the step from 57.5, so B has decayed for that step by the row for t = 57.6: w factor e^-0.2
# (plus the first event's remains, e^-(57.6 - 41.2)/0.5 of it, under 1e-15).
#   bio_exp2syn_rows.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/bio_1cell"
if [ ! -f "$case_dir/network/virt_biocell_edges.h5" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
comp=$(cd "$case_dir/../bio_components" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_exp2syn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf 'timestamps population node_ids\n39.1979 virt 0\n55.51 virt 0\n' > "$tmp/spikes.csv"
cat > "$tmp/config.json" <<JSON
{
  "run": {"tstop": 100.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"virt_spikes": {"input_type": "spikes", "module": "csv", "input_file": "$tmp/spikes.csv", "node_set": "virt"}},
  "output": {"output_dir": "$tmp/out", "spikes_file": "spikes.h5"},
  "reports": {"B": {"module": "netcon_report", "cells": [0], "variable_name": "B"},
              "g": {"module": "netcon_report", "cells": [0], "variable_name": "g"}},
  "components": {"morphologies_dir": "$case_dir/components/morphologies",
                 "synaptic_models_dir": "$comp/synaptic_models",
                 "biophysical_neuron_models_dir": "$case_dir/components/biophysical_neuron_templates"},
  "networks": {"nodes": [{"nodes_file": "$case_dir/network/biocell_nodes.h5", "node_types_file": "$case_dir/network/biocell_node_types.csv"},
                         {"nodes_file": "$case_dir/network/virt_nodes.h5", "node_types_file": "$case_dir/network/virt_node_types.csv"}],
               "edges": [{"edges_file": "$case_dir/network/virt_biocell_edges.h5",
                          "edge_types_file": "$case_dir/network/virt_biocell_edge_types.csv"}]}
}
JSON
"$cadenza" run "$tmp/config.json" --no-progress -q > "$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; exit 1; }
# w factor with factor = 1 / (e^(-tp/tau2) - e^(-tp/tau1)), tp = tau1 tau2 / (tau2 - tau1) ln(tau2 / tau1)
wf=$(awk 'BEGIN { t1 = 0.1; t2 = 0.5; tp = t1 * t2 / (t2 - t1) * log(t2 / t1);
                  printf "%.17g", 0.035 / (exp(-tp / t2) - exp(-tp / t1)) }')
g413=$(awk -v wf="$wf" 'BEGIN { printf "%.17g", wf * (exp(-0.2) - exp(-1.0)) }')
b=$tmp/out/B.h5 g=$tmp/out/g.h5
"$report_check" at "$b" 410 0 0 && "$report_check" at "$b" 411 "$wf" 1e-12 || exit 1
awk -v wf="$wf" 'BEGIN { if (wf < 0.0654215 || wf > 0.0654216) exit 1 }' || { echo "w factor $wf is not 0.065421509..."; exit 1; }
"$report_check" at "$g" 411 0 0 && "$report_check" at "$g" 412 0 0 && "$report_check" at "$g" 413 "$g413" 1e-12 || exit 1
awk -v g="$g413" 'BEGIN { if (g < 0.0294953 || g > 0.0294955) exit 1 }' || { echo "g at 41.4 is $g413, not 0.0294954"; exit 1; }
b575=$(awk -v wf="$wf" 'BEGIN { printf "%.17g", wf * exp(-0.2) }')
"$report_check" at "$b" 574 0 1e-12 && "$report_check" at "$b" 575 "$b575" 1e-12 || exit 1
echo "Exp2Syn rows: B = w factor in the row for t = 41.2, g one row later, as NEURON records them"
