#!/usr/bin/env bash
# The extracellular potential is consistent: sonata's 5_cells_iclamp (legacy units, 600 ms)
# with one ECP report of all five cells and one per cell: the cells' potentials add up to the
# total (report_check ecp_sum), and the total matches NEURON's (expected_ecp, the first 530 ms,
# every channel within 1 % of its RMS). With minimum_distance "auto" the potential stays close
# to the plain one (no electrode of this file lies inside a segment).
#   bio_ecp.sh CADENZA REPORT_CHECK
# Exit 77 (skipped) when the shared data are not there.
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/sonata/examples/5_cells_iclamp"
if [ ! -f "$case_dir/circuit_config.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ecp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
electrodes="$case_dir/../shared_components/recXelectrodes/linear_electrode.csv"
ecp_block() { # NAME CELLS_JSON [EXTRA]
  printf '"%s": {"module": "extracellular", "cells": %s, "electrode_positions": "%s", "file_name": "%s.h5"%s}' \
    "$1" "$2" "$electrodes" "$1" "${3:-}"
}
reports=$(ecp_block ecp '"biophys_cells"')
reports+=", $(ecp_block ecp_auto '"biophys_cells"' ', "minimum_distance": "auto"')"
for k in 0 1 2 3 4; do reports+=", $(ecp_block "cell$k" "{\"population\": \"biophysical\", \"node_id\": [$k]}")"; done
cat > "$tmp/config.json" <<JSON
{
  "network": "$case_dir/circuit_config.json",
  "node_sets_file": "$case_dir/node_sets.json",
  "run": {"tstop": 600.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15, "nrn_units": "legacy"},
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": "biophys_cells",
                       "amp": 0.15, "delay": 500.0, "duration": 500.0}},
  "output": {"output_dir": "$tmp/out", "spikes_file": "spikes.h5"},
  "reports": {$reports}
}
JSON
"$cadenza" run "$tmp/config.json" --no-progress -q || exit 1
"$report_check" ecp_sum "$tmp/out/ecp.h5" "$tmp/out"/cell?.h5 || exit 1
"$report_check" ecp "$case_dir/expected_ecp/ecp_first_1000ms.h5" "$tmp/out/ecp.h5" 5300 0.01 || exit 1
"$report_check" ecp "$tmp/out/ecp.h5" "$tmp/out/ecp_auto.h5" 6000 0.1 || exit 1
echo "ECP: the cells add up to the total, which matches NEURON's"
