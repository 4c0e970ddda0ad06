#!/usr/bin/env bash
# Gap junctions on BioNet (inputs-spec.md §6), on folders made here (tests/tools/gap_cells and
# the files below): cells of a one-point SWC soma with BMTK's perisomatic axon stub and a
# passive membrane, edges whose edge type says is_gap_junction, and the network's
# cells_gap_juncs.h5.
#   neuron     two cells, one junction of 0.01 µS soma to soma, a 0.1 nA step into cell 0: both
#              somas as NEURON 8.2.2 gives them with a Gap mechanism of its own
#              (bio_gap_neuron.txt, made by tools/neuron/gap_pair.py) to 1e-9 mV at every
#              millisecond; the junction written as the edge 1 -> 0 gives the same file (the
#              source end is built as the target end is);
#   chain      eight cells in a ring of junctions, some placed at random on soma or axon, two
#              clamps: the membrane reports of every section byte-identical across ranks,
#              threads and partitioners (ranks.sh), run in epochs of one step;
# and malformed folders refused before the run (exit 2, one line naming the file and what is
# wrong, no output folder), by cadenza run and cadenza check alike.
#   bio_gap.sh MPIEXEC CADENZA GAP_CELLS REPORT_CHECK
set -u
mpiexec=$1 cadenza=$2 gap_cells=$3 report_check=$4
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_gap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=refusal_lib.sh
. "$here/refusal_lib.sh"

mkdir -p "$tmp/comp"
printf '# a one-point soma of radius 10 um\n1 1 0.0 0.0 0.0 10.0 -1\n' > "$tmp/comp/soma.swc"
cat > "$tmp/comp/passive.json" <<'JSON'
{"passive": [{"ra": 100.0, "cm": [{"section": "soma", "cm": 1.0}, {"section": "axon", "cm": 1.0}], "e_pas": -70.0}],
 "conditions": [{"celsius": 34.0, "erev": [], "v_init": -70.0}],
 "genome": [{"section": "soma", "name": "g_pas", "value": 0.0001, "mechanism": ""},
            {"section": "axon", "name": "g_pas", "value": 0.0001, "mechanism": ""}]}
JSON

# folder NAME NCELLS PAIRS TSTOP DT SECTIONS [GAP_CELLS OPTIONS...]: a folder in $tmp/NAME; the
# clamp steps 0.1 nA into cell 0 (10-60 ms) and 0.05 nA into cell 4 when there is one (20-40 ms).
folder() {
  local d="$tmp/$1" n=$2 pairs=$3 tstop=$4 dt=$5 sections=$6
  shift 6
  mkdir -p "$d/net"
  "$gap_cells" "$d/net" "$n" "$pairs" "$@" || fail "$1: gap_cells failed"
  printf 'node_type_id model_type model_template model_processing morphology dynamics_params\n100 biophysical ctdb:Biophys1.hoc aibs_perisomatic soma.swc passive.json\n' \
    > "$d/net/cells_node_types.csv"
  cat > "$d/net/cells_cells_edge_types.csv" <<'CSV'
edge_type_id is_gap_junction syn_weight target_sections distance_range delay
200 True 0.01 "['somatic']" "[0.0, 300.0]" 0.0
201 True 0.004 "['somatic', 'axonal']" "[0.0, 300.0]" 0.0
CSV
  local second=''
  [ "$n" -gt 4 ] && second=', "second": {"input_type": "current_clamp", "module": "IClamp",
    "node_set": {"population": "cells", "node_id": [4]}, "amp": 0.05, "delay": 20.0, "duration": 20.0}'
  cat > "$d/config.json" <<JSON
{"run": {"tstop": $tstop, "dt": $dt, "dL": 20.0, "spike_threshold": -15},
 "target_simulator": "NEURON",
 "conditions": {"celsius": 34.0, "v_init": -70.0},
 "inputs": {"step": {"input_type": "current_clamp", "module": "IClamp", "node_set": {"population": "cells", "node_id": [0]},
                     "amp": 0.1, "delay": 10.0, "duration": 50.0}$second},
 "output": {"output_dir": "$d/out", "spikes_file": "spikes.h5"},
 "reports": {"v": {"module": "membrane_report", "cells": "all", "variable_name": "v", "sections": "$sections"}},
 "components": {"morphologies_dir": "$tmp/comp", "biophysical_neuron_models_dir": "$tmp/comp"},
 "networks": {"nodes": [{"nodes_file": "$d/net/cells_nodes.h5", "node_types_file": "$d/net/cells_node_types.csv"}],
              "edges": [{"edges_file": "$d/net/cells_cells_edges.h5", "edge_types_file": "$d/net/cells_cells_edge_types.csv"}],
              "gap_juncs": [{"gap_juncs_file": "$d/net/cells_gap_juncs.h5"}]}}
JSON
}
run() { "$cadenza" run "$tmp/$1/config.json" --no-progress > "$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; fail "$1: the run failed"; }; }

folder neuron 2 "0:1" 100.0 0.025 soma
run neuron
"$report_check" table "$tmp/neuron/out/v.h5" cells "$here/bio_gap_neuron.txt" 0.025 1e-9 ||
  fail "neuron: the somas differ from NEURON's"
folder reversed 2 "1:0" 100.0 0.025 soma
run reversed
cmp -s "$tmp/neuron/out/v.h5" "$tmp/reversed/out/v.h5" || fail "reversed: the junction written 1 -> 0 differs from 0 -> 1"
echo "neuron: NEURON 8.2.2's somas; the reversed edge gives the same file"

folder chain 8 "0:1,1~2,3:2,3~4,5:4,6~5,6:7,0~7" 60.0 0.1 all
"$cadenza" check "$tmp/chain/config.json" > "$tmp/chain.check" 2>&1 || { cat "$tmp/chain.check"; fail "chain: check failed"; }
grep -q "epochs of 1 steps" "$tmp/chain.check" || fail "chain: gap junctions do not make epochs of one step: $(cat "$tmp/chain.check")"
"$here/ranks.sh" "$mpiexec" "$cadenza" "$tmp/chain/config.json" || fail "chain: outputs depend on the decomposition"

# Malformed folders.
folder no_table 2 "0:1" 10.0 0.1 soma
sed -i 's/"gap_juncs": \[{[^]]*}\]/"gap_juncs": []/' "$tmp/no_table/config.json"
check_refusal no_table "$tmp/no_table" "cells_cells_edges.h5: edge 0 of cells_to_cells: is_gap_junction: the config has no networks.gap_juncs"
folder missing_row 3 "0:1" 10.0 0.1 soma --gap-rows "0:2"
check_refusal missing_row "$tmp/missing_row" "edge 0 of cells_to_cells: is_gap_junction:" \
  "cells_gap_juncs.h5 has no junction from node 0 to node 1"
folder twice 2 "0:1" 10.0 0.1 soma --gap-rows "0:1,0:1"
check_refusal twice "$tmp/twice" "cells_gap_juncs.h5: /source_ids, /target_ids: rows 0 and 1 are both the junction from node 0 to node 1"
folder self 2 "0:1" 10.0 0.1 soma --gap-rows "0:1,1:1"
check_refusal self "$tmp/self" "cells_gap_juncs.h5: /source_ids, /target_ids: row 1 joins node 1 with itself"
folder same_id 3 "0:1,1:2" 10.0 0.1 soma --gap-ids "0:1,1:2"
check_refusal same_id "$tmp/same_id" "cells_gap_juncs.h5: /src_gap_ids row 1 and /trg_gap_ids row 0 both give gap id 1"
folder two_edges 2 "0:1,0:1" 10.0 0.1 soma --gap-rows "0:1"
check_refusal two_edges "$tmp/two_edges" "cells_gap_juncs.h5: row 0: two gap edges make this junction"
folder misnamed 2 "0:1" 10.0 0.1 soma
mv "$tmp/misnamed/net/cells_gap_juncs.h5" "$tmp/misnamed/net/junctions.h5"
sed -i 's/cells_gap_juncs.h5/junctions.h5/' "$tmp/misnamed/config.json"
check_refusal misnamed "$tmp/misnamed" "junctions.h5: networks.gap_juncs: a gap junction file is named <network>_gap_juncs.h5"
folder absent 2 "0:1" 10.0 0.1 soma
rm "$tmp/absent/net/cells_gap_juncs.h5"
check_refusal absent "$tmp/absent" "cells_gap_juncs.h5"
folder other_network 2 "0:1" 10.0 0.1 soma
mv "$tmp/other_network/net/cells_gap_juncs.h5" "$tmp/other_network/net/cortex_gap_juncs.h5"
sed -i 's/cells_gap_juncs.h5/cortex_gap_juncs.h5/' "$tmp/other_network/config.json"
check_refusal other_network "$tmp/other_network" "is_gap_junction: no networks.gap_juncs file is for network cells"
echo "bio gap junctions: NEURON's traces, decomposition-independent, malformed folders refused"
