#!/usr/bin/env bash
# Malformed PopNet folders: each case is bmtk-tests' pop_2pops (its network files used in
# place) with one thing wrong in the files written here: the population JSON, the rates table,
# the inputs, the run or output keys. Each must make `cadenza run` and `cadenza check` exit 2
# with one error line naming the file and the key or line at fault, and leave no output folder.
# The unchanged folder runs.
#   pop_malformed.sh CADENZA
set -u
cadenza=$1
# shellcheck source=refusal_lib.sh
. "$(dirname "$0")/refusal_lib.sh"
refusal_suite popbad bmtk-tests/integration_tests/pop_2pops network/brunel_nodes.h5

defaults() {
  exc='{"tau_m": 0.0429, "record": true, "v_min": -0.05, "v_max": 0.02, "dv": 0.0001, "update_method": "gmres", "approx_order": null}'
  rates=$'gid firing_rate\n100 15.0'
  run='"tstop": 100.0, "dt": 0.002'
  inputs='"lgn": {"input_type": "csv", "module": "pop_rates", "rates": "RATES", "node_set": "inputs"}'
  output='"rates_file": "spike_rates.csv"'
}

make_case() { # DIR
  local d=$1
  mkdir -p "$d/models"
  printf '%s\n' "$exc" > "$d/models/exc_model.json"
  cp "$src/components/pop_models/inh_model.json" "$d/models/"
  printf '%s\n' "$rates" > "$d/rates.csv"
  cat > "$d/config.json" <<JSON
{
  "run": {$run},
  "target_simulator": "DiPDE",
  "inputs": {${inputs//RATES/$d/rates.csv}},
  "output": {"output_dir": "$d/out", $output},
  "components": {"population_models_dir": "$d/models", "synaptic_models_dir": "$src/components/synaptic_models"},
  "networks": {
    "nodes": [{"nodes_file": "$src/network/brunel_nodes.h5", "node_types_file": "$src/network/brunel_node_types.csv"},
              {"nodes_file": "$src/network/input_nodes.h5", "node_types_file": "$src/network/input_node_types.csv"}],
    "edges": [{"edges_file": "$src/network/brunel_edges.h5", "edge_types_file": "$src/network/brunel_edge_types.csv"},
              {"edges_file": "$src/network/input_edges.h5", "edge_types_file": "$src/network/input_edge_types.csv"}]
  }
}
JSON
}

refused() { # NAME NEEDLE...
  local name=$1
  shift
  n=$((n + 1))
  make_case "$tmp/case$n"
  check_refusal "$name" "$tmp/case$n" "$@"
}

defaults
make_case "$tmp/good"
"$cadenza" run "$tmp/good/config.json" --no-progress -q > "$tmp/good/run.txt" 2>&1 || { cat "$tmp/good/run.txt"; exit 1; }
[ "$(wc -l < "$tmp/good/out/spike_rates.csv")" -eq 102 ] || { echo "the good folder wrote $(wc -l < "$tmp/good/out/spike_rates.csv") lines"; exit 1; }
echo "the unchanged folder runs"

# ---- the population JSON
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05, "v_max": 0.02, "dv": 0.0, "update_method": "gmres"}'
refused dv_zero "models/exc_model.json" "dv must be positive"
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05, "v_max": 0.02, "dv": -0.0001, "update_method": "gmres"}'
refused dv_negative "models/exc_model.json" "dv must be positive"
defaults; exc='{"tau_m": -0.01, "v_min": -0.05, "v_max": 0.02, "dv": 0.0001, "update_method": "gmres"}'
refused tau_m_negative "models/exc_model.json" "tau_m must be positive"
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05, "v_max": 0.02, "dv": 0.0001, "threshold": 0.02}'
refused unknown_key "models/exc_model.json" "key threshold"
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05, "v_max": 0.02, "dv": 0.0001, "update_method": "exact"}'
refused method_exact "models/exc_model.json" 'update_method "exact"'
defaults; exc='{"tau_m": 0.0429, "v_min": 0.01, "v_max": 0.02, "dv": 0.0001, "update_method": "gmres"}'
refused grid_without_zero "internal population 100" "must hold 0 V"
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05, "v_max": 0.02, "dv": "small"}'
refused dv_not_number "models/exc_model.json" "dv must be a number"
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05,'
refused json_malformed "exc_model.json"
defaults; exc='{"tau_m": 0.0429, "v_min": -0.05, "v_max": 0.02, "dv": 0.0001, "p0": [0.5, 0.5]}'
refused p0_given "models/exc_model.json" "p0"

# ---- inputs and rates
defaults; rates=$'gid firing_rate\n999 15.0'
refused rate_missing_for_type "rates.csv" "no rate for the virtual node type 100"
defaults; rates=$'node firing_rate\n100 15.0'
refused rates_no_gid_column "rates.csv" "no column gid"
defaults; rates=$'gid firing_rate\n100 fast'
refused rate_not_number "rates.csv: line 2"
defaults; inputs='"lgn": {"input_type": "csv", "module": "pop_rates", "rates": "RATES", "node_set": "nowhere"}'
refused input_unknown_population "inputs.lgn.node_set" '"nowhere"'
defaults; inputs='"lgn": {"input_type": "csv", "module": "pop_rates", "rates": "RATES", "node_set": "brunel"}'
refused input_internal_population "inputs.lgn.node_set" "internal"
defaults; inputs='"lgn": {"input_type": "csv", "module": "pop_rates", "node_set": "inputs"}'
refused input_without_rates "inputs.lgn" "rates"

# ---- run and output
defaults; run='"tstop": 100.0, "dt": -0.002'
refused dt_negative "run.dt"
defaults; output='"rates_file": "../escape.csv"'
refused rates_file_outside "output.rates_file"

echo "$n malformed folders, $fails failures"
[ "$fails" -eq 0 ] && [ "$n" -ge 15 ]
