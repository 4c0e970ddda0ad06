#!/usr/bin/env bash
# Report windows (reports-spec.md §2, unit test 1 of §9.2) on the 9 cells of bmtk's
# inputs_iclamp_files, tstop 10 ms, dt 0.1: a report with dt 0.5, start_time 2.0, end_time 4.0
# has 4 rows, the full-rate report's rows 20, 25, 30 and 35 (steps 20 .. 35, t = 2.1 .. 3.6),
# bit for bit, and time [2, 4, 0.5]; a membrane report with start_time 0.3 is
# refused (0.3 / 0.1 = 2.9999999999999996 is not a whole number, as BMTK rejects it) while 0.2
# runs; an end_time after tstop and a dt under the run's are refused; each refusal exits 2
# naming the block and the key.
#   bio_report_rows.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/inputs_iclamp_files"
if [ ! -f "$case_dir/network/cortex_nodes.h5" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
comp=$(cd "$case_dir/../../../sonata/examples/shared_components" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_rows.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# config NAME WINDOW: the full-rate soma report "full" and a report "win" with the given keys.
config() {
  cat > "$tmp/$1.json" <<JSON
{
  "run": {"tstop": 10.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": "all", "amp": 0.5,
                       "delay": 1.0, "duration": 5.0}},
  "output": {"output_dir": "$tmp/out_$1", "spikes_file": "spikes.h5"},
  "reports": {"full": {"cells": "all", "variable_name": "v", "module": "membrane_report", "sections": "soma"},
              "win": {"cells": "all", "variable_name": "v", "module": "membrane_report", "sections": "soma"$2}},
  "components": {"morphologies_dir": "$comp/morphologies", "biophysical_neuron_models_dir": "$comp/biophysical_neuron_templates"},
  "networks": {"nodes": [{"nodes_file": "$case_dir/network/cortex_nodes.h5",
                          "node_types_file": "$case_dir/network/cortex_node_types.csv"}], "edges": []}
}
JSON
}

config window ', "dt": 0.5, "start_time": 2.0, "end_time": 4.0'
"$cadenza" run "$tmp/window.json" --no-progress -q > "$tmp/window.log" 2>&1 || { cat "$tmp/window.log"; exit 1; }
"$report_check" rows "$tmp/out_window/win.h5" cortex 4 2 4 0.5 || exit 1
"$report_check" rows_of "$tmp/out_window/full.h5" "$tmp/out_window/win.h5" 20 5 || exit 1
config start02 ', "start_time": 0.2'
"$cadenza" run "$tmp/start02.json" --no-progress -q > "$tmp/start02.log" 2>&1 || { cat "$tmp/start02.log"; exit 1; }
"$report_check" rows_of "$tmp/out_start02/full.h5" "$tmp/out_start02/win.h5" 2 1 || exit 1

refused() { # NAME WINDOW NEEDLE
  config "$1" "$2"
  "$cadenza" run "$tmp/$1.json" --no-progress -q > "$tmp/$1.log" 2>&1
  local rc=$?
  [ "$rc" = 2 ] && grep -qF -- "$3" "$tmp/$1.log" || { cat "$tmp/$1.log"; echo "$1: exit $rc, or no '$3'"; exit 1; }
  [ ! -e "$tmp/out_$1/full.h5" ] || { echo "$1: a refused run wrote a report"; exit 1; }
}
refused start03 ', "start_time": 0.3' "reports.win.start_time 0.3 must be a multiple of dt 0.1"
refused end_late ', "end_time": 12.0' "reports.win.end_time 12 is after tstop 10"
refused dt_fine ', "dt": 0.05' "reports.win.dt: report dt cannot be less than simulation dt"
echo "report windows: rows 20, 25, 30, 35 of the full report; start 0.3 refused, 0.2 runs, as BMTK"
