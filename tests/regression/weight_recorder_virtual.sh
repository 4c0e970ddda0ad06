#!/usr/bin/env bash
# weight_recorder on connections from virtual nodes (reports-spec.md §4.2): NEST's recorder
# records nothing a spike generator sends, so with BMTK 1.0.8 + NEST 3.8 a recorder on the
# virtual -> sources edges of bmtk's point_stdp folder writes only the header. Here the
# static synapses from the virtual population get a recorded copy (static_synapse_recorder):
# its file is the header alone, the log counts the spikes that passed without a row, the
# stdp recorder's file (neuron -> neuron) is unchanged from the run without the second
# recorder, and so are the spikes.
#   weight_recorder_virtual.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/point_stdp"
if [ ! -f "$case_dir/config.simulation_virtual.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_wrec_virtual.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$cadenza" run "$case_dir/config.simulation_virtual.json" --output-dir "$tmp/plain" --no-progress -q > "$tmp/plain.txt" 2>&1 ||
  { cat "$tmp/plain.txt"; exit 1; }
mkdir "$tmp/network"
cp "$case_dir"/network/* "$tmp/network/"
sed -i 's/ static_synapse / static_synapse_recorder /' "$tmp/network/virtual_sources_edge_types.csv"
grep -q static_synapse_recorder "$tmp/network/virtual_sources_edge_types.csv" || { echo "edge types not edited"; exit 1; }
sed -e 's|"\$BASE_DIR": "[^"]*"|"$BASE_DIR": "'"$case_dir"'"|' -e 's|"\$NETWORK_DIR": "[^"]*"|"$NETWORK_DIR": "'"$tmp"'/network"|' \
  -e 's|"file_name": "stdp_weights.csv",|"file_name": "stdp_weights.csv"}, "static_rec": {"module": "weight_recorder", "nest_model": "static_synapse", "model_template": "static_synapse_recorder", "file_name": "static_weights.csv",|' \
  "$case_dir/config.simulation_virtual.json" > "$tmp/config.json"
grep -q static_rec "$tmp/config.json" || { echo "config not edited"; exit 1; }
"$cadenza" run "$tmp/config.json" --output-dir "$tmp/rec" --no-progress > "$tmp/rec.txt" 2>&1 || { cat "$tmp/rec.txt"; exit 1; }
[ "$(cat "$tmp/rec/static_weights.csv")" = "source_node_id source_population target_node_id target_population time_ms weights receptors ports" ] ||
  { head -3 "$tmp/rec/static_weights.csv"; echo "rows from virtual nodes were written"; exit 1; }
grep -q "reports.static_rec: [1-9][0-9]* spikes of virtual nodes passed through recorded synapses without a row" "$tmp/rec.txt" ||
  { cat "$tmp/rec.txt"; echo "the log does not count the unrecorded spikes"; exit 1; }
cmp "$tmp/plain/stdp_weights.csv" "$tmp/rec/stdp_weights.csv" || { echo "the stdp table changed"; exit 1; }
[ "$(wc -l < "$tmp/rec/stdp_weights.csv")" -gt 100 ] || { echo "the stdp table is too short to tell"; exit 1; }
cmp "$tmp/plain/spikes.csv" "$tmp/rec/spikes.csv" || { echo "the spikes changed"; exit 1; }
echo "weight_recorder: header only from virtual sources, the stdp table and the spikes unchanged"
