#!/usr/bin/env bash
# Replay's node sets and BMTK 1.0.8's gid slip (inputs-spec.md §2.3, unit test 2 of §8): BMTK
# tests the replay edges' node ids against the node sets' gids, which is right only for a
# population loaded first (gids from 0). On bmtk's inputs_replay folder as published (cortex
# loaded first) the log says nothing of it; with the virtual populations loaded before cortex
# (cortex's gids then start at 20, after theirs) the selections differ and the log says how
# many edges BMTK would select otherwise: 33 (BMTK takes none, as no node id reaches 20;
# Cadenza takes the 33 edges from Scnn1a or Rorb cells onto Scnn1a or Nr5a1 cells, counted
# from the edges file by hand) (Cadenza selects by node id within the population either
# way; the traces themselves change with the load order, as the placement draws are keyed by
# gid).
#   bio_replay_gid_rule.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/inputs_replay"
if [ ! -f "$case_dir/config.replay_subset.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
comp=$(cd "$case_dir/../../../sonata/examples/shared_components" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_replay_gid.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
net="$case_dir/network"

# config NAME NODES: the published replay block over the given networks.nodes list, 20 ms.
config() {
  cat > "$tmp/$1.json" <<JSON
{
  "run": {"tstop": 20.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"recurrent_replay": {"input_type": "replay_spikes", "module": "replay",
      "spikes_file": "$case_dir/inputs/replay_spikes.h5",
      "source_node_set": {"population": "cortex", "model_name": ["Scnn1a", "Rorb"]},
      "target_node_set": {"population": "cortex", "model_name": ["Scnn1a", "Nr5a1"]},
      "edges": {"edges_file": "$net/cortex_cortex_edges.h5", "edge_types_file": "$net/cortex_cortex_edge_types.csv"}}},
  "output": {"output_dir": "$tmp/out_$1", "spikes_file": "spikes.h5"},
  "components": {"morphologies_dir": "$comp/morphologies", "synaptic_models_dir": "$comp/synaptic_models",
                 "biophysical_neuron_models_dir": "$comp/biophysical_neuron_templates"},
  "networks": {"nodes": [$2], "edges": []}
}
JSON
}
cortex='{"nodes_file": "'"$net"'/cortex_nodes.h5", "node_types_file": "'"$net"'/cortex_node_types.csv"}'
virt='{"nodes_file": "'"$net"'/excvirt_nodes.h5", "node_types_file": "'"$net"'/excvirt_node_types.csv"},
      {"nodes_file": "'"$net"'/inhvirt_nodes.h5", "node_types_file": "'"$net"'/inhvirt_node_types.csv"}'
config first "$cortex, $virt"
config later "$virt, $cortex"
for v in first later; do
  "$cadenza" run "$tmp/$v.json" --no-progress > "$tmp/$v.log" 2>&1 || { cat "$tmp/$v.log"; echo "$v failed"; exit 1; }
done
if grep -q "against the node sets' gids" "$tmp/first.log"; then
  cat "$tmp/first.log"; echo "a warning for cortex loaded first, whose gids are its node ids"; exit 1
fi
grep -q "inputs.recurrent_replay: BMTK 1.0.8 tests the replay edges' node ids against the node sets' gids.*it would select 33 edges otherwise" "$tmp/later.log" ||
  { cat "$tmp/later.log"; echo "no warning with cortex loaded after the virtual populations"; exit 1; }
echo "replay: BMTK's gid slip named in the log where it changes the selection, and only there"
