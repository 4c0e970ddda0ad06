#!/usr/bin/env bash
# Membrane reports of every segment and of mechanism states (bionet-spec.md §7.2): bmtk's
# bio_on_off cells with v of every segment (302 columns: 186 and 116, element ids the section
# indices, positions the segment centres), m_NaTs of the soma of the cell that has NaTs, and v
# of the dendrites every 0.5 ms; the files are valid SONATA reports, and byte-identical across
# ranks, threads and partitioners (ranks.sh), which also lays the columns out across ranks.
#   bio_sections.sh MPIEXEC CADENZA REPORT_CHECK
set -u
mpiexec=$1 cadenza=$2 report_check=$3
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/bio_on_off"
if [ ! -f "$case_dir/config.network.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_sections.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/config.json" <<JSON
{
  "network": "$case_dir/config.network.json",
  "run": {"tstop": 300.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "node_sets": {"e": {"ei": "e"}},
  "inputs": {"c": {"input_type": "current_clamp", "module": "IClamp", "node_set": "e", "amp": 0.3, "delay": 50.0, "duration": 200.0}},
  "output": {"output_dir": "$tmp/out", "spikes_file": "spikes.h5"},
  "reports": {
    "v_all": {"module": "membrane_report", "cells": "all", "variable_name": "v", "sections": "all"},
    "m_nats": {"module": "membrane_report", "cells": "e", "variable_name": "m_NaTs", "sections": ["soma"]},
    "v_dend": {"module": "membrane_report", "cells": "all", "variable_name": "v", "sections": ["basal", "apical"], "dt": 0.5}
  }
}
JSON
"$cadenza" run "$tmp/config.json" --no-progress -q > "$tmp/run.txt" 2>&1 || { cat "$tmp/run.txt"; exit 1; }
for f in v_all m_nats v_dend; do "$report_check" layout "$tmp/out/$f.h5" --strict || exit 1; done
"$report_check" rows "$tmp/out/v_dend.h5" v1 600 0 300 0.5 || exit 1
h5=$(command -v h5dump || true)
if [ -n "$h5" ]; then
  "$h5" -d /report/v1/mapping/index_pointer "$tmp/out/v_all.h5" | grep -q "(0): 0, 186, 302" || { echo "not 186 + 302 segments"; exit 1; }
fi
"$(dirname "$0")/ranks.sh" "$mpiexec" "$cadenza" "$tmp/config.json" || exit 1
echo "every-segment and state reports are valid and decomposition-independent"
