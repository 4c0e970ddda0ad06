#!/usr/bin/env bash
# Malformed FilterNet folders: each case is bmtk's filter_graitings (its nodes file used in
# place, 84 units of three models) with one thing wrong in the node types table or the config
# written here: the movie input, its module and keys, the evaluation options, a filter file, a
# model name, a model_processing function, a receptive field off the screen. Each must make
# `cadenza run` and `cadenza check` exit 2 with one error line naming the file and the key,
# node or line at fault, and leave no output folder. The unchanged folder runs.
#   filter_malformed.sh CADENZA
set -u
cadenza=$1
# shellcheck source=refusal_lib.sh
. "$(dirname "$0")/refusal_lib.sh"
refusal_suite lgnbad bmtk/examples/filter_graitings network/lgn_nodes.h5
comp=$(cd "$src/../filter_components/model_templates" && pwd)

grating='"input_type": "movie", "module": "graiting", "row_size": 120, "col_size": 240, "gray_screen_dur": 0.5, "cpd": 0.04'
defaults() {
  inputs='"g": {'"$grating"', "evaluation_options": {"separable": true}}'
  t100='tOFF_TF15_3.44215357_-2.11509939_8.27421573_20.0_0.0_ic.json  lgnmodel:tOFF_TF15'
  processing=''
}

make_case() { # DIR
  local d=$1
  mkdir -p "$d"
  {
    echo "node_type_id dynamics_params sf_sep model_template model_type ei non_dom_params model_processing"
    echo "100 $t100 virtual e NULL ${processing:-NULL}"
    echo "101 sOFF_TF4_3.5_-2.0_10.0_60.0_15.0_ic.json 6.0 lgnmodel:sONsOFF_001 virtual e sON_TF4_3.5_-2.0_30.0_60.0_25.0_ic.json NULL"
    echo "102 tOFF_TF8_4.222_-2.404_8.545_23.019_0.0_ic.json 4.0 lgnmodel:sONtOFF_001 virtual e sON_TF4_3.5_-2.0_30.0_60.0_25.0_ic.json NULL"
  } > "$d/lgn_node_types.csv"
  cat > "$d/config.json" <<JSON
{
  "run": {"tstop": 100.0, "dt": 0.1},
  ${extra_conditions:-}
  "target_simulator": "LGNModel",
  "inputs": {$inputs},
  "output": {"output_dir": "$d/out", "rates_csv": "rates.csv", "spikes_file": "spikes.h5"},
  "components": {"filter_models_dir": "$comp"},
  "networks": {"nodes": [{"nodes_file": "$src/network/lgn_nodes.h5", "node_types_file": "$d/lgn_node_types.csv"}]}
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
[ -f "$tmp/good/out/spikes.h5" ] && [ -f "$tmp/good/out/rates.csv" ] || { echo "the good folder wrote no spikes or rates"; exit 1; }
echo "the unchanged folder runs"

# ---- the movie input
defaults; inputs="$inputs"', "g2": {'"$grating"'}'
refused two_movies "inputs.g and inputs.g2 are both movies"
defaults; inputs='"a": {"input_type": "audio", "module": "cochleagram"}'
refused audio_input "inputs.a" "audio inputs"
defaults; inputs='"g": {"input_type": "movie", "module": "checkerboard"}'
refused unknown_module 'inputs.g.module "checkerboard"'
defaults; inputs='"g": {"input_type": "movie", "module": "full_field", "row_size": 120, "col_size": 240}'
refused full_field 'module "full_field"' "not implemented"
defaults; inputs='"g": {"input_type": "movie", "module": "movie", "frame_rate": 1000.0}'
refused movie_without_data_file '"inputs.g.data_file"'
printf 'frames\n' > "$tmp/not_npy.npy"
defaults; inputs='"g": {"input_type": "movie", "module": "movie", "data_file": "'"$tmp"'/not_npy.npy", "frame_rate": 1000.0}'
refused data_file_not_npy "inputs.g.data_file" "not_npy.npy" "not a .npy file"
defaults; inputs='"g": {"input_type": "movie", "module": "graiting", "row_size": 120, "col_size": 240, "cpd": 0.04}'
refused grating_without_gray '"inputs.g.gray_screen_dur"'
defaults; inputs='"g": {'"$grating"', "contrast": 1.5}'
refused contrast_above_one "inputs.g.contrast"
defaults; inputs='"g": {"input_type": "movie", "module": "full_field_flash", "row_size": 120, "col_size": 240, "t_on": 500, "t_off": 200}'
refused flash_off_before_on "inputs.g" "t_on 500 must come before t_off 200"
defaults; inputs='"g": {'"$grating"', "row_size": 10, "col_size": 10}'
refused field_off_screen "node 0 of lgn" "off the screen"

# ---- evaluation options
defaults; inputs='"g": {'"$grating"', "evaluation_options": {"separable": true, "t_min": 0.1}}'
refused separable_with_t_min "inputs.g.evaluation_options" "t_min"
defaults; inputs='"g": {'"$grating"', "evaluation_options": {"downsample": 0}}'
refused downsample_zero "inputs.g.evaluation_options.downsample"

# ---- conditions
defaults; extra_conditions='"conditions": {"jitter_lower": 0.9},'
refused jitter_lower_alone "conditions.jitter_lower needs conditions.jitter_upper"
extra_conditions=''

# ---- the units
defaults; t100='tOFF_TF15_missing.json  lgnmodel:tOFF_TF15'
refused filter_file_missing "node 0 of lgn" "tOFF_TF15_missing.json"
defaults; t100='tOFF_TF15_3.44215357_-2.11509939_8.27421573_20.0_0.0_ic.json  lgnmodel:xyz_TF8'
refused model_neither_on_nor_off "node 0 of lgn" 'model "xyz_TF8"'
defaults; t100='tON_TF4.json  lgnmodel:tON_TF4'
refused spont_missing "node 0 of lgn" "no spontaneous rate for tON_TF4" "spont_fr"
defaults; processing='my_module.my_function'
refused model_processing_python "node 0 of lgn" 'model_processing "my_module.my_function"'

echo "$n malformed folders, $fails failures"
[ "$fails" -eq 0 ] && [ "$n" -ge 15 ]
