# For the scripts that vary one input on one of bmtk's 9-cell BioNet networks (sourced; they
# set $cadenza and $tmp).
# nine_cells_config NAME CASE_DIR TSTOP INPUTS: $tmp/NAME.json runs CASE_DIR's network (its
# network/cortex_nodes.h5, the shared Allen components) for TSTOP ms with the given inputs
# block body, writing spikes.h5 and the soma traces v_soma.h5 to $tmp/out_NAME.
nine_cells_config() {
  local comp
  comp=$(cd "$2/../../../sonata/examples/shared_components" && pwd)
  cat > "$tmp/$1.json" <<JSON
{
  "run": {"tstop": $3, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {$4},
  "output": {"output_dir": "$tmp/out_$1", "spikes_file": "spikes.h5"},
  "reports": {"v": {"cells": "all", "variable_name": "v", "module": "membrane_report", "sections": "soma",
                    "file_name": "v_soma.h5"}},
  "components": {"morphologies_dir": "$comp/morphologies", "biophysical_neuron_models_dir": "$comp/biophysical_neuron_templates"},
  "networks": {"nodes": [{"nodes_file": "$2/network/cortex_nodes.h5",
                          "node_types_file": "$2/network/cortex_node_types.csv"}], "edges": []}
}
JSON
}

# nine_cells_run NAME: runs $tmp/NAME.json; on failure prints its log and exits 1.
nine_cells_run() {
  "$cadenza" run "$tmp/$1.json" --no-progress -q > "$tmp/$1.log" 2>&1 ||
    { cat "$tmp/$1.log"; echo "variant $1 failed"; exit 1; }
}
