#!/usr/bin/env bash
# Membrane reports (src/pointnet/recorder.h, io/report_out.h):
#  1. 300_pointneurons' report block writes a file with the SONATA report layout, which the
#     same checker accepts for the format files of the shared data (nwb_sonata example_data
#     and libsonata's tests_data); its V_m traces reset at every spike of the recorded cells.
#  2. One iaf_psc_delta cell of point_iclamp under a 150 pA step current follows the closed
#     form of a leaky membrane to 1e-9 mV, sampled at dt and at 3 dt in (50, 450] ms, and the
#     block size (run.nsteps_block) does not change a byte of the file.
#  3. A list of variables gives one file per variable.
#  4. The rows are the ones BMTK writes from NEST's multimeter: the samples stamped
#     k * interval in (tstart, tstop], except those NEST never fetches: the multimeter collects
#     a min_delay slice's samples at the start of the next slice, so the samples after the
#     start of the run's last slice are lost. NEST's min_delay covers the multimeter's own
#     connection (default delay 1 ms): the slice is 1 ms, or the network's smallest delay when
#     that is shorter. mapping/time is [first row, last row, interval] as BMTK computes it.
#     Expected values, derived by hand from that rule:
#       run 500 ms, dt 0.1, interval 0.1, no synapses     -> 4990 rows, [0.1, 499, 0.1]
#       run 500 ms, window (50, 450], interval 0.3         -> 1334 rows, [50.1, 450, 0.3]
#       run 1000 ms, dt 0.1, interval 0.1                  -> 9990 rows, [0.1, 999, 0.1]
#       run 500 ms, dt 0.1, interval 1                     -> 499 rows, [1, 499, 1]
#       run 1000 ms, dt 0.025, interval 0.1                -> 9990 rows, [0.1, 999, 0.1]
#       run 500.5 ms, dt 0.1 (last slice 0.5 ms long)      -> 5000 rows, [0.1, 500, 0.1]
#       Brunel, delays 0.5 ms, run 200 ms, dt 0.1          -> 1995 rows, [0.1, 199.5, 0.1]
#       Brunel, delays 1.5 ms, run 200 ms, dt 0.1          -> 1990 rows, [0.1, 199, 0.1]
#     A report that starts inside the last slice has no row: an error (exit 2) naming it.
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
clamp_config() {  # name interval tstart tstop nsteps_block [run_tstop [dt]]
  cat > "$tmp/$1.json" <<JSON
{
  "target_simulator": "NEST",
  "run": {"tstop": ${6:-500.0}, "dt": ${7:-0.1}, "nsteps_block": $5},
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
"$check" rows "$tmp/every_step/v.h5" cortex 4990 0.1 499 0.1 || exit 1
"$check" rows "$tmp/window/v.h5" cortex 1334 50.1 450 0.3 || exit 1

# 3. several variables
dir300=$(cd "$(dirname "$cfg300")" && pwd)
sed -e 's/"variable_name": "V_m"/"variable_name": ["V_m", "I_syn_ex"]/' -e "s|\"\$BASE_DIR\": \".\"|\"\$BASE_DIR\": \"$dir300\"|" \
  "$cfg300" > "$tmp/multi.json"
"$cadenza" run "$tmp/multi.json" -o "$tmp/multi" --no-progress -q || exit 1
"$check" layout "$tmp/multi/membrane_potential.h5" --strict || exit 1
"$check" layout "$tmp/multi/membrane_potential_I_syn_ex.h5" --strict || exit 1

# 4. NEST's rows
rows() {  # name rows first last step
  "$cadenza" run "$tmp/$1.json" --no-progress -q > "$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; exit 1; }
  "$check" rows "$tmp/$1/v.h5" cortex "$2" "$3" "$4" "$5" || { echo "$1: not BMTK's rows"; exit 1; }
}
clamp_config t1000 0.1 0.0 1000.0 5000 1000.0
rows t1000 9990 0.1 999 0.1
clamp_config i1 1.0 0.0 500.0 5000
rows i1 499 1 499 1
clamp_config fine 0.1 0.0 1000.0 5000 1000.0 0.025
rows fine 9990 0.1 999 0.1
clamp_config partial 0.1 0.0 500.5 5000 500.5
rows partial 5000 0.1 500 0.1
# the network's delays set the slice when shorter than 1 ms (the generated folder has a V_m report)
for d in 0.5 1.5; do
  "$cadenza" generate brunel --neurons 100 --tstop 200 --delay $d --seed 2 "$tmp/br$d" > /dev/null || exit 1
  "$cadenza" run "$tmp/br$d/config.json" --no-progress -q > "$tmp/br$d.log" 2>&1 || { cat "$tmp/br$d.log"; exit 1; }
done
"$check" rows "$tmp/br0.5/output/membrane_potential.h5" brunel 1995 0.1 199.5 0.1 || exit 1
"$check" rows "$tmp/br1.5/output/membrane_potential.h5" brunel 1990 0.1 199 0.1 || exit 1
clamp_config late 0.1 499.5 500.0 5000
"$cadenza" run "$tmp/late.json" --no-progress -q > "$tmp/late.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "reports.v" "$tmp/late.log" || { cat "$tmp/late.log"; echo "a report inside the last slice: exit $rc"; exit 1; }
[ ! -e "$tmp/late/v.h5" ] || { echo "a report was written"; exit 1; }
echo "reports: layout, spikes, closed form, blocks, variables and NEST's rows checked"
