#!/usr/bin/env bash
# syn_activity's NetCons (inputs-spec.md §3.2, unit test 3 of §8) on bmtk's inputs_syn_activity
# folder with a save_synapses block, 10 ms: of the recurrent synapses (72 edges, 153 synapses),
# the 51 whose source matches precell_filter (model_name Scnn1a: nodes 0, 1, 2) keep their
# weight, 0.003 µS, and are driven by the timestamps; the 102 others are built with weight 0.
# The saved cortex_cortex edges say so, synapse by synapse.
#   bio_syn_activity_weights.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/inputs_syn_activity"
if [ ! -f "$case_dir/config.syn_activity.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_spont.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sed -e 's|"\$BASE_DIR": "[^"]*"|"$BASE_DIR": "'"$case_dir"'"|' -e 's|"tstop": [0-9.]*|"tstop": 10.0|' \
  -e 's|"reports": {|"reports": {"saved": {"module": "save_synapses", "network_dir": "'"$tmp"'/out/synapses"},|' \
  "$case_dir/config.syn_activity.json" > "$tmp/config.json"
grep -q '"saved"' "$tmp/config.json" || { echo "config not edited"; exit 1; }
"$cadenza" run "$tmp/config.json" --output-dir "$tmp/out" --no-progress -q > "$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; exit 1; }
"$report_check" edge_weights "$tmp/out/synapses/cortex_cortex_edges.h5" cortex_cortex > "$tmp/w.txt" || exit 1
awk '$1 <= 2 { if ($3 != 0.003) bad++; m++; next } { if ($3 != 0) bad++; u++ }
     END { printf "matching %d, others %d, wrong %d\n", m, u, bad; exit !(m == 51 && u == 102 && bad == 0) }' "$tmp/w.txt" ||
  { echo "syn_activity weights wrong"; exit 1; }
echo "syn_activity: the matching synapses keep their weight, the others are built with 0"
