#!/usr/bin/env bash
# A membrane report must record the cells it names: an empty selection, node ids that are not
# nodes of the named population (or of any population, for a bare list of ids, or through a
# named node set), and a selection of virtual nodes only are input errors (exit 2) whose
# message names the config's report block, and nothing is written. A valid selection runs.
#   report_cells.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
icl="$data/bmtk/examples/point_iclamp"
if [ ! -d "$icl" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_report_cells.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

config() {  # name cells-json
  cat > "$tmp/$1.json" <<JSON
{
  "target_simulator": "NEST",
  "run": {"tstop": 20.0, "dt": 0.1},
  "components": {"point_neuron_models_dir": "$icl/../point_components/cell_models"},
  "networks": {"nodes": [{"nodes_file": "$icl/network/cortex_nodes.h5",
                          "node_types_file": "$icl/network/cortex_node_types.csv"}], "edges": []},
  "node_sets": {"far": {"population": "cortex", "node_id": [1, 100000]}, "nobody": {"population": "cortex", "node_id": []}},
  "reports": {"v_block": {"module": "membrane_report", "cells": $2, "variable_name": "V_m", "file_name": "v.h5"}},
  "output": {"output_dir": "$tmp/$1", "spikes_file": "spikes.h5"}
}
JSON
}

refused() {  # name cells-json text-in-message
  config "$1" "$2"
  "$cadenza" run "$tmp/$1.json" --no-progress -q > "$tmp/$1.log" 2>&1
  local rc=$?
  [ $rc -eq 2 ] || { cat "$tmp/$1.log"; echo "$1: exit $rc, expected 2"; exit 1; }
  grep -q "reports.v_block" "$tmp/$1.log" || { cat "$tmp/$1.log"; echo "$1: the message does not name the report block"; exit 1; }
  grep -q -- "$3" "$tmp/$1.log" || { cat "$tmp/$1.log"; echo "$1: the message does not say '$3'"; exit 1; }
  [ ! -e "$tmp/$1/v.h5" ] && [ ! -e "$tmp/$1/v.h5.part" ] || { echo "$1: a report file was written"; exit 1; }
  "$cadenza" check "$tmp/$1.json" > "$tmp/$1.check" 2>&1 && { echo "$1: cadenza check accepts it"; exit 1; }
  grep -q "reports.v_block" "$tmp/$1.check" || { cat "$tmp/$1.check"; echo "$1: check does not name the block"; exit 1; }
}

refused empty_list '{"population": "cortex", "node_id": []}' 'selects no cell'
refused empty_named '"nobody"' 'selects no cell'
refused past_end '{"population": "cortex", "node_id": [0, 100000]}' 'node id 100000 is not a node of population cortex'
refused past_end_bare '[3, 100000]' 'node id 100000 is not a node of any population'
refused past_end_named '"far"' 'node id 100000'
refused one_past_end '{"population": "cortex", "node_id": 100000}' 'node id 100000'

# virtual nodes only: point_stdp's report moved onto its virtual population
stdp="$data/bmtk/examples/point_stdp"
if [ -f "$stdp/config.simulation_virtual.json" ]; then
  sed -e 's/"population": "sources"/"population": "virtual"/' -e "s|\${configdir}|$stdp|" \
    "$stdp/config.simulation_virtual.json" > "$tmp/virt.json"
  "$cadenza" run "$tmp/virt.json" --output-dir "$tmp/virt" --no-progress -q > "$tmp/virt.log" 2>&1
  rc=$?
  [ $rc -eq 2 ] && grep -q "reports.membrane_potential.cells selects no cell" "$tmp/virt.log" ||
    { cat "$tmp/virt.log"; echo "virtual nodes only: exit $rc"; exit 1; }
fi

config fine '{"population": "cortex", "node_id": [0, 1]}'
"$cadenza" run "$tmp/fine.json" --no-progress -q > "$tmp/fine.log" 2>&1 || { cat "$tmp/fine.log"; exit 1; }
[ -f "$tmp/fine/v.h5" ] || { echo "a valid report was not written"; exit 1; }
echo "report cells: empty selections and unknown node ids are refused, naming the block"
