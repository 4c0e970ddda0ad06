#!/usr/bin/env bash
# Folders Cadenza cannot run as they ask stop before running, with exit 2 and one line naming
# why, and write nothing: a FilterNet folder without its movie, a PopNet folder whose
# components are missing, a BioNet folder with an input the detailed-cell engine does not run
# yet, folders whose config and nodes name different engines, and a point network given an
# input or report module that Cadenza does not have (a malformed replay, syn_report, syn_weight, BioNet's reports, unknown ones, spikes from a
# Python function). cadenza check says the same. The same point folders run once the block
# says "enabled": false, and point folders with no such block run and check clean.
#   refusals.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
if [ ! -d "$data/bmtk/examples/point_iclamp" ]; then echo "shared data not found: skipped"; exit 77; fi
data=$(cd "$data" && pwd) # messages name files by their paths with ".." resolved
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_refuse.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_refused NAME CONFIG NEEDLE...: run and check exit 2, both outputs hold every needle,
# and the run's output folder (-o) does not exist afterwards.
expect_refused() {
  local name=$1 config=$2
  shift 2
  n=$((n + 1))
  local out="$tmp/out_$n"
  "$cadenza" run "$config" -o "$out" --no-progress > "$tmp/run_$n.txt" 2>&1
  local rc=$?
  [ $rc -eq 2 ] || fail "$name: cadenza run exited $rc, want 2: $(cat "$tmp/run_$n.txt")"
  [ -e "$out" ] && fail "$name: the refused run made $out: $(ls -R "$out")"
  "$cadenza" check "$config" -o "$out" > "$tmp/check_$n.txt" 2>&1
  rc=$?
  [ $rc -eq 2 ] || fail "$name: cadenza check exited $rc, want 2: $(cat "$tmp/check_$n.txt")"
  [ -e "$out" ] && fail "$name: cadenza check made $out"
  local needle
  for needle in "$@"; do
    grep -qF -- "$needle" "$tmp/run_$n.txt" || fail "$name: cadenza run does not say '$needle': $(cat "$tmp/run_$n.txt")"
    grep -qF -- "$needle" "$tmp/check_$n.txt" || fail "$name: cadenza check does not say '$needle': $(cat "$tmp/check_$n.txt")"
  done
  [ "$(grep -c 'error' "$tmp/run_$n.txt")" -eq 1 ] || fail "$name: the run's refusal is not one line: $(cat "$tmp/run_$n.txt")"
  echo "$name: refused ($(grep -m1 error "$tmp/run_$n.txt" | cut -c1-160)...)"
}

# expect_runs NAME CONFIG: run and check exit 0.
expect_runs() {
  local name=$1 config=$2
  n=$((n + 1))
  "$cadenza" run "$config" -o "$tmp/out_$n" --no-progress -q > "$tmp/run_$n.txt" 2>&1 ||
    fail "$name: cadenza run failed: $(cat "$tmp/run_$n.txt")"
  "$cadenza" check "$config" -o "$tmp/check_out_$n" > "$tmp/check_$n.txt" 2>&1 ||
    fail "$name: cadenza check failed: $(cat "$tmp/check_$n.txt")"
  echo "$name: runs"
}

# ---- folders for other engines, as published
ex=$data/bmtk/examples
expect_runs filter_graitings "$ex/filter_graitings/config.simulation.json"
expect_runs bio_1cell "$ex/bio_1cell/config.simulation_iclamp.json"
# bmtk's pop_2pops/config.json names components that are not in the folder (its
# config.simulation.json runs): the missing population file is named
expect_refused pop_2pops_missing_components "$ex/pop_2pops/config.json" \
  "could not find dynamics_params file $ex/population_components/pop_models/exc_model.json"
expect_runs pop_2pops_integration "$data/bmtk-tests/integration_tests/pop_2pops/config.json"

# ---- the nodes give the engine away when the config does not (or says NEST)
write_config() {  # FILE NETWORK_CONFIG EXTRA_TOP_LEVEL_JSON INPUTS_JSON REPORTS_JSON
  cat > "$1" <<JSON
{
  "network": "$2",
  $3
  "run": {"tstop": 50.0, "dt": 0.1},
  "inputs": {$4},
  "reports": {$5},
  "output": {"output_dir": "$tmp/unused", "spikes_file": "spikes.h5"}
}
JSON
}
# a silent config over detailed cells is a BioNet folder, which needs the conditions BMTK needs
write_config "$tmp/bio_function.json" "$data/sonata/examples/5_cells_iclamp/circuit_config.json" "" \
  '"stim": {"input_type": "spikes", "module": "function", "node_set": "all"}' ""
expect_refused bio_function "$tmp/bio_function.json" \
  "$tmp/bio_function.json: inputs.stim: module \"function\" runs a Python function, which Cadenza cannot run"
write_config "$tmp/bio_movie.json" "$data/sonata/examples/5_cells_iclamp/circuit_config.json" "" \
  '"stim": {"input_type": "movie", "module": "movie", "data_file": "m.npy"}' ""
expect_refused bio_movie "$tmp/bio_movie.json" \
  "$tmp/bio_movie.json: inputs.stim: input_type \"movie\" with module \"movie\" is not an input"
write_config "$tmp/bio_silent.json" "$data/sonata/examples/5_cells_iclamp/circuit_config.json" "" "" ""
expect_refused bio_by_nodes "$tmp/bio_silent.json" "missing key \"conditions.celsius\" in $tmp/bio_silent.json"
write_config "$tmp/bio_as_nest.json" "$data/sonata/examples/5_cells_iclamp/circuit_config.json" '"target_simulator": "NEST",' "" ""
expect_refused bio_said_nest "$tmp/bio_as_nest.json" "target_simulator \"NEST\" makes this a PointNet (NEST) network, but" \
  "$data/sonata/examples/5_cells_iclamp/network/biophysical_node_types.csv: node type" \
  "column model_type \"biophysical\" makes it a BioNet (NEURON) one"
write_config "$tmp/lgn_no_movie.json" "$ex/filter_graitings/config.circuit.json" '"target_simulator": "LGNModel",' "" ""
expect_refused lgn_without_movie "$tmp/lgn_no_movie.json" "FilterNet needs one input of input_type \"movie\""
write_config "$tmp/lgn_as_nest.json" "$ex/filter_graitings/config.circuit.json" '"target_simulator": "NEST",' "" ""
expect_refused lgn_said_nest "$tmp/lgn_as_nest.json" \
  "$ex/filter_graitings/network/lgn_node_types.csv: node type 100, column model_template \"lgnmodel:tOFF_TF15\"" \
  "FilterNet"

# ---- a point network with inputs and reports Cadenza does not have
circuit="$ex/point_iclamp/config.circuit.json"
clamp='"clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": {"population": "cortex"},
                 "amp": 300.0, "delay": 10.0, "duration": 20.0}'
replay='"again": {"input_type": "replay_spikes", "module": "replay", "spikes_file": "x.h5", "source_node_set": "a",
                  "target_node_set": "b"'
write_config "$tmp/replay.json" "$circuit" "" "$clamp, $replay}" ""
# replay runs on PointNet as a Cadenza extension (tests/regression/point_replay.sh); this
# block lacks its edges
expect_refused replay "$tmp/replay.json" "$tmp/replay.json: inputs.again: missing key edges"
write_config "$tmp/replay_off.json" "$circuit" "" "$clamp, $replay, \"enabled\": false}" ""
expect_runs replay_disabled "$tmp/replay_off.json"
write_config "$tmp/function.json" "$circuit" "" \
  '"py": {"input_type": "spikes", "module": "function", "input_file": "x.py", "node_set": "all"}' ""
expect_refused spikes_function "$tmp/function.json" "inputs.py: module \"function\" runs a Python function"
write_config "$tmp/unknown_in.json" "$circuit" "" '"odd": {"input_type": "noise", "module": "shot_noise"}' ""
expect_refused unknown_input "$tmp/unknown_in.json" "inputs.odd: unknown input module \"shot_noise\" (input_type \"noise\")"
# ecephys_probe runs on PointNet (tests/regression/ecephys.sh); a malformed block is refused
write_config "$tmp/ecephys.json" "$ex/point_120cells/config.circuit.json" "" \
  '"eph": {"input_type": "spikes", "module": "ecephys_probe", "node_set": "thalamus", "input_file": "units.nwb"}' ""
expect_refused ecephys_no_mapping "$tmp/ecephys.json" "$tmp/ecephys.json: inputs.eph: missing key \"mapping\"" "units_map"
for module in syn_report syn_weight extracellular clamp_report save_synapses; do
  write_config "$tmp/$module.json" "$circuit" "" "$clamp" \
    "\"r\": {\"module\": \"$module\", \"cells\": {\"population\": \"cortex\"}, \"variable_name\": \"V_m\"}"
  expect_refused "report_$module" "$tmp/$module.json" \
    "$tmp/$module.json: reports.r.module: \"$module\" is a BMTK report that Cadenza does not write yet"
done
write_config "$tmp/syn_off.json" "$circuit" "" "$clamp" '"r": {"module": "syn_weight", "enabled": false}'
expect_runs syn_weight_disabled "$tmp/syn_off.json"

# ---- point folders as published still run
expect_runs point_iclamp "$ex/point_iclamp/config.simulation_iclamp.json"
expect_runs 300_pointneurons "$data/sonata/examples/300_pointneurons/config.json"

[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
