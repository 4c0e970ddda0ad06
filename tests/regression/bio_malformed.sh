#!/usr/bin/env bash
# Malformed BioNet folders: each case is bmtk's bio_1cell (one NeuroML2 cell, a virtual cell
# through 12 Exp2Syn), or for random synapse placement and syn_activity bmtk's
# inputs_syn_activity, with one thing wrong, in a folder of its own whose small files are
# written here (the shared morphologies, models and HDF5 files are used in place). Each must
# make `cadenza run` and `cadenza check` exit 2 with one error line that names the file and
# the key or line at fault, and leave no output folder behind. The unchanged folder runs.
#   bio_malformed.sh CADENZA
# Exit 77 (skipped) when the shared data are not there.
set -u
cadenza=$1
# shellcheck source=refusal_lib.sh
. "$(dirname "$0")/refusal_lib.sh"
refusal_suite biobad bmtk/examples/bio_1cell network/biocell_nodes.h5
cell=$src
comp=$(cd "$cell/../bio_components" && pwd)

# The parts of a case, reset by `defaults` and changed by each case before `make_case`.
defaults() {
  template="nml:Cell_472363762.cell.nml" morph="Scnn1a_473845048_m.swc" processing="aibs_perisomatic"
  model_type="biophysical" dyn="NONE"
  edge_types='100 * * AMPA_ExcToInh.json 0.035 2.0 Exp2Syn'
  edge_cols='edge_type_id target_query source_query dynamics_params syn_weight delay model_template'
  run='"tstop": 50.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15'
  conditions='"celsius": 34.0, "v_init": -80'
  inputs='"virt": {"input_type": "spikes", "module": "sonata", "input_file": "'"$cell"'/inputs/virt_spikes.h5", "node_set": "virt"}'
  reports='"v": {"cells": [0], "variable_name": "v", "module": "membrane_report", "sections": "soma"}'
  extra_nodes=""
}

# make_case DIR: the folder of the current parts; its config is DIR/config.json.
make_case() {
  local d=$1
  mkdir -p "$d/morph" "$d/models" "$d/syn"
  ln -sf "$cell/components/morphologies/Scnn1a_473845048_m.swc" "$d/morph/"
  ln -sf "$cell/components/biophysical_neuron_templates/"* "$d/models/"
  ln -sf "$comp/synaptic_models/"* "$d/syn/"
  printf 'node_type_id pop_name morphology model_template model_type model_processing dynamics_params\n' > "$d/biocell_node_types.csv"
  printf '100 Scnn1a %s %s %s %s %s\n' "$morph" "$template" "$model_type" "$processing" "$dyn" >> "$d/biocell_node_types.csv"
  printf '%s\n%s\n' "$edge_cols" "$edge_types" > "$d/edge_types.csv"
  cat > "$d/config.json" <<JSON
{
  "run": {$run},
  "target_simulator": "NEURON",
  "conditions": {$conditions},
  "inputs": {$inputs},
  "output": {"output_dir": "$d/out", "spikes_file": "spikes.h5"},
  "reports": {$reports},
  "components": {"morphologies_dir": "$d/morph", "biophysical_neuron_models_dir": "$d/models",
                 "synaptic_models_dir": "$d/syn", "point_neuron_models_dir": "$comp/point_neuron_templates"},
  "networks": {
    "nodes": [{"nodes_file": "$cell/network/biocell_nodes.h5", "node_types_file": "$d/biocell_node_types.csv"},
              {"nodes_file": "$cell/network/virt_nodes.h5", "node_types_file": "$cell/network/virt_node_types.csv"}$extra_nodes],
    "edges": [{"edges_file": "$cell/network/virt_biocell_edges.h5", "edge_types_file": "$d/edge_types.csv"}]
  }
}
JSON
}

# refused NAME NEEDLE...: the current parts, run and checked: exit 2, one error line holding
# every needle, no output folder.
refused() {
  local name=$1
  shift
  n=$((n + 1))
  local d="$tmp/case$n"
  make_case "$d"
  check_refusal "$name" "$d" "$@"
}

swc() { # NAME LINES...: an SWC file in every later case's morphology folder
  local name=$1
  shift
  mkdir -p "$tmp/swc"
  printf '%s\n' "$@" > "$tmp/swc/$name"
}

# ---- the unchanged folder runs and checks clean
defaults
make_case "$tmp/good"
"$cadenza" run "$tmp/good/config.json" --no-progress -q > "$tmp/good/run.txt" 2>&1 || { cat "$tmp/good/run.txt"; exit 1; }
"$cadenza" check "$tmp/good/config.json" -o "$tmp/good/check_out" > "$tmp/good/check.txt" 2>&1 ||
  { cat "$tmp/good/check.txt"; exit 1; }
[ -f "$tmp/good/out/spikes.h5" ] && [ -f "$tmp/good/out/v.h5" ] || { echo "the good folder wrote no spikes or report"; exit 1; }
echo "the unchanged folder runs"

# ---- morphologies
swc two_roots.swc "1 1 0 0 0 5 -1" "2 3 0 10 0 1 1" "3 1 50 0 0 5 -1" "4 2 0 -10 0 1 1"
swc pid_ahead.swc "1 1 0 0 0 5 -1" "2 3 0 10 0 1 3" "3 3 0 20 0 1 2" "4 2 0 -10 0 1 1"
swc bad_number.swc "1 1 0 0 0 5 -1" "2 3 0 ten 0 1 1" "3 2 0 -10 0 1 1"
swc no_soma_root.swc "1 3 0 0 0 5 -1" "2 3 0 10 0 1 1"
swc no_axon.swc "1 1 0 0 0 5 -1" "2 3 0 10 0 1 1" "3 3 0 20 0 1 2"
swc neg_radius.swc "1 1 0 0 0 5 -1" "2 3 0 10 0 -1 1" "3 2 0 -10 0 1 1"
morph_case() { # NAME FILE NEEDLE...
  local name=$1 file=$2
  shift 2
  defaults
  morph="$tmp/swc/$file"
  refused "$name" "$file" "$@"
}
morph_case swc_two_roots two_roots.swc "two_roots.swc:3" "second root"
morph_case swc_pid_not_before_id pid_ahead.swc "pid_ahead.swc:2" "parent id 3"
morph_case swc_not_a_number bad_number.swc "bad_number.swc:2"
morph_case swc_root_not_soma no_soma_root.swc "no_soma_root.swc:1" "soma"
morph_case swc_negative_radius neg_radius.swc "neg_radius.swc:2" "radius -1"
defaults; morph="Missing_cell.swc"; refused morphology_missing "Missing_cell.swc"
defaults; morph="$tmp/swc/no_axon.swc"; processing="aibs_allactive"; template="ctdb:Biophys1.hoc"
dyn="$comp/biophysical_neuron_templates/ctdb/1606013050101.json"
refused allactive_without_axon "no_axon.swc" "needs an axon"

# ---- templates and biophysics
defaults; template="hoc:MyCell"; refused hoc_template 'model_template "hoc:MyCell"'
defaults; processing="aibs_perisomatic_directed"; template="ctdb:Biophys1.hoc"
refused directed_processing 'model_processing "aibs_perisomatic_directed"'
defaults; processing="aibs_sideways"; template="ctdb:Biophys1.hoc"; refused unknown_processing '"aibs_sideways"'
defaults; model_type="point_soma"; refused point_soma "biocell_node_types.csv" 'model_type "point_soma"'
mkdir -p "$tmp/nml"
head -c 900 "$cell/components/biophysical_neuron_templates/Cell_472363762.cell.nml" > "$tmp/nml/Truncated.cell.nml"
defaults; template="nml:$tmp/nml/Truncated.cell.nml"; refused nml_unparsable "Truncated.cell.nml"
sed 's/ionChannel="NaTs"/ionChannel="NaFancy"/' "$cell/components/biophysical_neuron_templates/Cell_472363762.cell.nml" \
  > "$tmp/nml/Unknown_mech.cell.nml"
defaults; template="nml:$tmp/nml/Unknown_mech.cell.nml"; refused nml_unknown_mechanism "Unknown_mech.cell.nml" "NaFancy"
sed 's/"gbar_NaTs"/"gbar_NaTx"/; s/"name": "gbar_Ih"/"name": "gbar_Ihh"/' "$cell/components/biophysical_neuron_templates/472363762_fit.json" \
  > "$tmp/nml/bad_param_fit.json"
if ! grep -q gbar_Ihh "$tmp/nml/bad_param_fit.json"; then fail "the fit JSON changed; rewrite the unknown-parameter case"; fi
defaults; template="ctdb:Biophys1.hoc"; dyn="$tmp/nml/bad_param_fit.json"; refused allen_unknown_parameter "bad_param_fit.json" "gbar_Ihh"
printf '{"genome": [' > "$tmp/nml/broken_fit.json"
defaults; template="ctdb:Biophys1.hoc"; dyn="$tmp/nml/broken_fit.json"; refused allen_json_malformed "broken_fit.json"

# ---- conditions and run
defaults; conditions='"v_init": -80'; refused no_celsius 'missing key "conditions.celsius"'
defaults; conditions='"celsius": 34.0'; refused no_v_init 'missing key "conditions.v_init"'
defaults; conditions='"celsius": "warm", "v_init": -80'; refused celsius_not_number "conditions.celsius"
defaults; run='"tstop": 50.0, "dt": 0.1, "dL": -5'; refused negative_dL "run.dL"
defaults; run='"tstop": 50.0, "dt": 0.1, "nrn_units": "imperial"'; refused bad_nrn_units "run.nrn_units"
defaults; run='"tstop": 50.0, "dt": 0.1, "spike_threshold": "high"'; refused threshold_not_number "run.spike_threshold"

# ---- edges and synapses
defaults; edge_cols="$edge_cols sec_id"; edge_types="$edge_types 999"; refused sec_id_past_sections "sec_id 999"
defaults; edge_cols="$edge_cols nsyns"; edge_types="$edge_types -3"; refused negative_nsyns "nsyns -3"
defaults; edge_types='100 * * AMPA_ExcToInh.json 0.035 -2.0 Exp2Syn'; refused negative_delay "delay -2"
defaults; edge_types='100 * * Missing_syn.json 0.035 2.0 Exp2Syn'; refused synapse_json_missing "Missing_syn.json"
printf '{"level_of_detail": "exp2syn", "tau1": -1.0, "tau2": 3.0, "erev": 0.0}\n' > "$tmp/neg_tau.json"
defaults; edge_types="100 * * $tmp/neg_tau.json 0.035 2.0 Exp2Syn"; refused synapse_negative_tau "neg_tau.json" "tau1"
defaults; edge_types='100 * * AMPA_ExcToInh.json 0.035 2.0 Exp3Syn'; refused unknown_synapse_model 'model_template "Exp3Syn"'
defaults; edge_cols="$edge_cols weight_function"; edge_types="$edge_types gaussianLL"
refused weight_function_untuned "virt_biocell_edges.h5" "gaussianLL needs the tuning_angle"
defaults; edge_cols="$edge_cols weight_function"; edge_types="$edge_types my_python_rule"
refused weight_function_python "edge_types.csv" "weight_function 'my_python_rule' is Python code"
defaults; edge_cols="$edge_cols is_gap_junction"; edge_types="$edge_types True"
refused gap_junction_across_populations "edge_types.csv: is_gap_junction: edge population virt_to_biocell joins virt to biocell"

# ---- inputs
defaults; inputs='"virt": {"input_type": "spikes", "module": "sonata", "input_file": "'"$tmp"'/none.h5", "node_set": "virt"}'
refused spike_file_missing "none.h5"
defaults
inputs='"c": {"input_type": "current_clamp", "module": "IClamp", "node_set": "biocell", "amp": [0.1, 0.2], "delay": [1], "duration": [5, 5]}'
refused iclamp_lists_differ "inputs.c" "differ in length"
defaults
inputs='"c": {"input_type": "current_clamp", "module": "IClamp", "node_set": "biocell", "amp": 0.1, "delay": 1, "duration": 5, "section_name": "apic", "section_index": 400}'
refused iclamp_section_missing "apic[400]"
defaults; inputs='"c": {"input_type": "current_clamp", "module": "IClamp", "node_set": "nowhere", "amp": 0.1, "delay": 1, "duration": 5}'
refused iclamp_unknown_node_set "nowhere"
defaults; inputs='"se": {"input_type": "voltage_clamp", "module": "SEClamp", "node_set": "biocell", "amps": [-70], "durations": [100], "rs": -2}'
refused seclamp_negative_rs "inputs.se.rs"
defaults; inputs='"se": {"input_type": "voltage_clamp", "module": "SEClamp", "node_set": "biocell", "amps": [[-70], [-60], [-50]], "durations": [100]}'
refused seclamp_sets_per_cell "inputs.se.amps" "3 sets for 1 cells"
printf 'timestamps amps\n0 0\n100 0.2\n150 0.3\n' > "$tmp/uneven.csv"
defaults; inputs='"ic": {"input_type": "csv", "module": "IClamp", "node_set": "biocell", "file": "'"$tmp"'/uneven.csv"}'
refused iclamp_csv_uneven "uneven.csv: line 4" "not evenly spaced"
printf 'time amps\n0 0\n100 0.2\n' > "$tmp/no_timestamps.csv"
defaults; inputs='"ic": {"input_type": "csv", "module": "IClamp", "node_set": "biocell", "file": "'"$tmp"'/no_timestamps.csv"}'
refused iclamp_csv_column "no_timestamps.csv: no column timestamps"
defaults; inputs='"x": {"input_type": "movie", "module": "movie", "node_set": "biocell"}'
refused input_module_not_run 'module "movie"'
defaults; inputs='"x": {"input_type": "syn_activity", "module": "list", "node_set": "biocell"}'
refused syn_activity_list 'inputs.x: module "list" runs a Python function' '"timestamps"'
# ecephys_probe (core/stimulus/ecephys.h): its keys are judged before its NWB files are read
defaults; inputs='"e": {"input_type": "spikes", "module": "ecephys_probe", "node_set": "virt", "input_file": "x.nwb", "mapping": "draw"}'
refused ecephys_unknown_mapping "inputs.e.mapping" 'unknown mapping "draw"' "units_map, sample"
defaults; inputs='"e": {"input_type": "spikes", "module": "ecephys_probe", "node_set": "virt", "input_file": "'"$tmp"'/absent.nwb", "mapping": "sample"}'
refused ecephys_file_missing "inputs.e.input_file" "absent.nwb"
defaults; inputs='"e": {"input_type": "spikes", "module": "ecephys_probe", "node_set": "biocell", "input_file": "x.nwb", "mapping": "sample"}'
refused ecephys_not_virtual "inputs.e.node_set" "population biocell"
# comsol: a small export around the cell and a waveform; each case breaks one thing
comsol_file() { # NAME HEADER_FIELD VALUE: eight metadata lines, a header, 27 nodes 500 µm apart
  { for k in 1 2 3 4 5 6 7 8; do echo "% meta $k"; done
    echo "% x   y   z   $2"
    for x in -500 0 500; do for y in -500 0 500; do for z in -500 0 500; do echo "$x $y $z $3"; done; done; done
  } > "$tmp/$1"
}
comsol_file field.txt "V (mV)" 1.5
comsol_file field_kv.txt "V (kV)" 1.5
comsol_file field_nan.txt "V (mV)" NaN
printf 'time\tamplitude\n0\t0\n10\t1\n100\t0\n' > "$tmp/wave.csv"
printf 't\tamplitude\n0\t0\n100\t0\n' > "$tmp/wave_no_time.csv"
comsol() { # KEYS: the comsol block's keys besides input_type and module
  inputs='"c": {"input_type": "extracellular", "module": "comsol", '"$1"'}'
}
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv"'
make_case "$tmp/comsol_good"
"$cadenza" run "$tmp/comsol_good/config.json" --no-progress -q > "$tmp/comsol_good/run.txt" 2>&1 ||
  { echo "FAIL: the comsol folder does not run: $(cat "$tmp/comsol_good/run.txt")"; fails=$((fails + 1)); }
defaults; comsol '"comsol_file": "'"$tmp"'/absent.txt", "waveform": "'"$tmp"'/wave.csv"'
refused comsol_file_missing "inputs.c.comsol_file" "absent.txt"
defaults; comsol '"waveform": "'"$tmp"'/wave.csv"'
refused comsol_no_file '"inputs.c.comsol_file"'
defaults; comsol '"comsol_file": "'"$tmp"'/field_kv.txt", "waveform": "'"$tmp"'/wave.csv"'
refused comsol_unit_unknown "field_kv.txt:9" "V (kV)"
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt"'
refused comsol_stationary_without_waveform "field.txt:9" "at least two time columns"
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave_no_time.csv"'
refused comsol_waveform_column "wave_no_time.csv: no column time" "inputs.c.waveform"
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv", "cells": [0]'
refused comsol_cells "inputs.c.cells" "'cells' is not supported"
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv", "ip_method": "L"'
refused comsol_linear_interpolation "inputs.c.ip_method"
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv", "amplitude": "big"'
refused comsol_amplitude_not_number "inputs.c.amplitude"
defaults; comsol '"comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv"'
inputs="$inputs"', "c2": {"input_type": "extracellular", "module": "comsol", "comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv"}'
refused comsol_two_blocks "inputs.c and inputs.c2"
defaults; comsol '"comsol_file": "'"$tmp"'/field_nan.txt", "waveform": "'"$tmp"'/wave.csv"'
refused comsol_nan_potential "field_nan.txt" "node 0 of biocell" "NaN"
# xstim: one point electrode 2 mm above the cell, a dc pulse; each case breaks one thing
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 2000 0 0 0\n' > "$tmp/far.csv"
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n' > "$tmp/on_soma.csv"
printf 'pos_x pos_z rotation_x rotation_y rotation_z\n0 2000 0 0 0\n' > "$tmp/no_pos_y.csv"
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z electrode_mesh_file\n0 0 2000 0 0 0 absent.txt\n' > "$tmp/no_mesh.csv"
xstim() { # KEYS: the xstim block's keys besides input_type and module
  inputs='"x": {"input_type": "extracellular", "module": "xstim", '"$1"'}'
}
dc='{"shape": "dc", "amp": 0.1, "del": 10, "dur": 20}'
defaults; xstim '"positions_file": "'"$tmp"'/far.csv", "waveform": '"$dc"
make_case "$tmp/xstim_good"
"$cadenza" run "$tmp/xstim_good/config.json" --no-progress -q > "$tmp/xstim_good/run.txt" 2>&1 ||
  { echo "FAIL: the xstim folder does not run: $(cat "$tmp/xstim_good/run.txt")"; fails=$((fails + 1)); }
defaults; xstim '"waveform": '"$dc"
refused xstim_no_positions '"inputs.x.positions_file"'
defaults; xstim '"positions_file": "'"$tmp"'/on_soma.csv", "waveform": '"$dc"
refused xstim_too_close "inputs.x: node 0 of biocell" "the electrode is too close"
defaults; xstim '"positions_file": "'"$tmp"'/no_pos_y.csv", "waveform": '"$dc"
refused xstim_positions_column "no_pos_y.csv: no column pos_y"
defaults; xstim '"positions_file": "'"$tmp"'/no_mesh.csv", "waveform": '"$dc"
refused xstim_mesh_missing "no_mesh.csv: line 2: electrode_mesh_file" "absent.txt"
defaults; xstim '"positions_file": "'"$tmp"'/far.csv", "waveform": {"shape": "ramp", "amp": 1, "del": 0, "dur": 1}'
refused xstim_unknown_shape "inputs.x: waveform.shape \"ramp\""
defaults; xstim '"positions_file": "'"$tmp"'/far.csv", "waveform": {"shape": "sin", "amp": 1, "del": 0, "dur": 1}'
refused xstim_sin_without_freq "inputs.x" 'missing key "freq"'
defaults; xstim '"positions_file": "'"$tmp"'/far.csv", "waveform": "'"$tmp"'/wave.txt"'
refused xstim_waveform_file_kind "inputs.x.waveform" "neither a .json waveform nor a .csv table"
defaults; xstim '"positions_file": "'"$tmp"'/far.csv", "waveform": '"$dc"', "set_nrn_mechanisms": false'
refused xstim_without_mechanisms "inputs.x.set_nrn_mechanisms"
defaults; xstim '"positions_file": "'"$tmp"'/far.csv", "waveform": '"$dc"
inputs="$inputs"', "c": {"input_type": "extracellular", "module": "comsol", "comsol_file": "'"$tmp"'/field.txt", "waveform": "'"$tmp"'/wave.csv"}'
refused xstim_beside_comsol "inputs.x (xstim) and inputs.c (comsol)"

# ---- reports
defaults; reports='"r": {"cells": [0], "variable_name": "voltage", "module": "membrane_report", "sections": "soma"}'
refused report_unknown_variable 'variable_name "voltage"'
defaults; reports='"r": {"cells": [0], "variable_name": "cai", "module": "membrane_report", "sections": "all"}'
refused report_variable_section_lacks "reports.r (variable cai), node 0 of population biocell" "dend[0] has no such variable"
defaults; reports='"r": {"cells": [0], "variable_name": "m_NaFancy", "module": "membrane_report", "sections": "soma"}'
refused report_unknown_state 'variable_name "m_NaFancy"'
defaults; reports='"r": {"cells": [0], "variable_name": "m", "module": "netcon_report"}'
refused netcon_unknown_variable "reports.r" 'variable_name "m" is not a synapse variable'
defaults; reports='"r": {"cells": [0], "variable_name": "tau", "module": "netcon_report"}'
refused netcon_variable_synapse_lacks "reports.r" "has no variable tau"
defaults; reports='"r": {"cells": [0], "variable_name": "v", "module": "membrane_report", "sections": "soma", "dt": 0.15}'
refused report_dt_not_multiple "reports.r.dt"
defaults; reports='"r": {"cells": [0], "variable_name": "v", "module": "membrane_report", "sections": "soma", "end_time": 80}'
refused report_end_after_tstop "reports.r.end_time"
defaults; reports='"e": {"module": "extracellular", "cells": [0], "electrode_positions": "'"$tmp"'/no_electrodes.csv"}'
refused ecp_electrodes_missing "no_electrodes.csv"
printf 'channel x_pos y_pos\n0 1 2\n' > "$tmp/two_columns.csv"
defaults; reports='"e": {"module": "extracellular", "cells": [0], "electrode_positions": "'"$tmp"'/two_columns.csv"}'
refused ecp_electrodes_no_z "two_columns.csv" "z_pos"
defaults; reports='"e": {"module": "extracellular", "electrode_positions": "'"$comp"'/recXelectrodes/linear_electrode.csv"}'
refused ecp_no_cells "reports.e" "node_set None"

# ---- random placement and syn_activity, on bmtk's inputs_syn_activity (9_cells with recurrent
# nsyns edges); its cortex-to-cortex edge types and the syn_activity block vary
sa="$data/bmtk/examples/inputs_syn_activity"
sa=$(cd "$sa" && pwd)
shared=$(cd "$sa/../../../sonata/examples/shared_components" && pwd)
spont='"spont": {"input_type": "syn_activity", "module": "syn_activity", "precell_filter": {"model_name": "Scnn1a"}, "timestamps": [100.0, 300.0]}'
sa_refused() { # NAME EDGE_TYPES_SED SPONT NEEDLE...
  local name=$1 edit=$2 block=$3
  shift 3
  n=$((n + 1))
  local d="$tmp/case$n"
  mkdir -p "$d"
  sed "$edit" "$sa/network/cortex_cortex_edge_types.csv" > "$d/cc_types.csv"
  local nw="$sa/network"
  cat > "$d/config.json" <<JSON
{
  "run": {"tstop": 50.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"exc": {"input_type": "spikes", "module": "sonata", "input_file": "$sa/inputs/exc_spike_trains.h5", "node_set": {"population": "excvirt"}},
             $block},
  "output": {"output_dir": "$d/out", "spikes_file": "spikes.h5"},
  "components": {"morphologies_dir": "$shared/morphologies", "synaptic_models_dir": "$shared/synaptic_models",
                 "biophysical_neuron_models_dir": "$shared/biophysical_neuron_templates"},
  "networks": {
    "nodes": [{"nodes_file": "$nw/cortex_nodes.h5", "node_types_file": "$nw/cortex_node_types.csv"},
              {"nodes_file": "$nw/excvirt_nodes.h5", "node_types_file": "$nw/excvirt_node_types.csv"}],
    "edges": [{"edges_file": "$nw/excvirt_cortex_edges.h5", "edge_types_file": "$nw/excvirt_cortex_edge_types.csv"},
              {"edges_file": "$nw/cortex_cortex_edges.h5", "edge_types_file": "$d/cc_types.csv"}]
  }
}
JSON
  check_refusal "$name" "$d" "$@"
}
sa_refused distance_range_unreachable 's/"\[0.0, 150.0\]"/"[1e6, 2e6]"/' "$spont" "cortex_cortex_edges.h5" \
  "no segment of its target" "[1e+06, 2e+06]"
sa_refused target_sections_unknown "s/'basal', 'apical'/'basal', 'spine'/" "$spont" "cc_types.csv: edge type 100" '"spine"'
sa_refused distance_range_malformed 's/"\[0.0, 150.0\]"/"[0.0, wide]"/' "$spont" "cc_types.csv: edge type 100" "distance_range"
sa_refused syn_activity_filter_key 's/x/x/' \
  '"spont": {"input_type": "syn_activity", "module": "syn_activity", "precell_filter": {"layer": "L4"}, "timestamps": [100.0]}' \
  "inputs.spont.precell_filter" "no attribute layer"
replay='"rp": {"input_type": "replay_spikes", "module": "replay", "spikes_file": "'"$sa"'/inputs/exc_spike_trains.h5",
  "edges": {"edges_file": "'"$sa"'/network/cortex_cortex_edges.h5"}}'
sa_refused replay_no_edge_types 's/x/x/' "$replay" "inputs.rp.edges" "edge_types_file"
replay='"rp": {"input_type": "replay_spikes", "module": "replay", "spikes_file": "'"$sa"'/inputs/exc_spike_trains.h5",
  "edges": {"edges_file": "'"$sa"'/network/cortex_cortex_edges.h5", "edge_types_file": "'"$sa"'/network/cortex_cortex_edge_types.csv"},
  "source_node_set": "nowhere"}'
sa_refused replay_unknown_node_set 's/x/x/' "$replay" "config.json: inputs.rp.source_node_set" "nowhere"
sa_refused syn_activity_no_timestamps 's/x/x/' \
  '"spont": {"input_type": "syn_activity", "module": "syn_activity", "precell_filter": {"model_name": "Scnn1a"}}' \
  "inputs.spont" "timestamps"

echo "$n malformed folders, $fails failures"
[ "$fails" -eq 0 ] && [ "$n" -ge 25 ]
