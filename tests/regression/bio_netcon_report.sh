#!/usr/bin/env bash
# Synapse reports on bmtk's reports_netcon folder (bio_1cell's cell, 12 Exp2Syn from a virtual
# cell), run unchanged: g every 1 ms and B equal BMTK 1.0.8 + NEURON
# 8.2.2's rows exactly, i (500-600 ms) within 1e-9 nA, the mapping (element ids = the synapses'
# sections, positions, src_ids -1 for the virtual source, trg_ids, time) identical. The
# multi-variable blocks write one file per variable: syn_AB_B.h5 holds what BMTK's syn_AB.h5
# holds (B, under the name A there), v_cai_cai.h5 what its v_cai.h5 holds (cai). The syn_report
# and syn_weight blocks, which BMTK skips, are written with a warning quoting BMTK's: syn_report
# as the same block with module netcon_report writes it, syn_weight as 12 columns of the
# synapses' constant 0.035 µS. save_synapses writes BMTK's edges file, value for value, under
# --output-dir (its network_dir lies in the config's output folder).
#   bio_netcon_report.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/reports_netcon"
if [ ! -f "$case_dir/config.json" ]; then echo "shared data not found: skipped"; exit 77; fi
case_dir=$(cd "$case_dir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_netcon.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$case_dir" || exit 1
"$cadenza" run config.json --output-dir "$tmp/out" --no-progress > "$tmp/run.txt" 2>&1 || { cat "$tmp/run.txt"; exit 1; }
for m in syn_report syn_weight; do grep -q "Unrecognized module $m, skipping" "$tmp/run.txt" || { echo "no warning for $m"; exit 1; }; done
sed -e 's|"\$BASE_DIR": "[^"]*"|"$BASE_DIR": "'"$case_dir"'"|' -e 's|"module": "syn_report"|"module": "netcon_report"|' \
  config.json > "$tmp/alias.json"
"$cadenza" run "$tmp/alias.json" --output-dir "$tmp/alias" --no-progress -q > "$tmp/alias.txt" 2>&1 || { cat "$tmp/alias.txt"; exit 1; }
"$report_check" match "$tmp/alias/syn_report_module.h5" "$tmp/out/syn_report_module.h5" 0 0 || exit 1
"$report_check" constant "$tmp/out/syn_weight_module.h5" 0.035 12 || exit 1
e="$case_dir/expected"
"$report_check" match "$e/syn_g.h5" "$tmp/out/syn_g.h5" 0 0 || exit 1
"$report_check" match "$e/syn_i_500_600.h5" "$tmp/out/syn_i_500_600.h5" 1e-9 1e-9 || exit 1
"$report_check" match "$e/syn_AB.h5" "$tmp/out/syn_AB_B.h5" 0 0 || exit 1
"$report_check" match "$e/v_cai.h5" "$tmp/out/v_cai_cai.h5" 1e-12 || exit 1
"$cadenza" compare "$e/spikes.h5" "$tmp/out/spikes.h5" --tolerance 1e-9 || exit 1
"$report_check" edges "$e/synapses/virt_biocell_edges.h5" "$tmp/out/synapses/virt_biocell_edges.h5" virt_biocell || exit 1
[ -e "$case_dir/output" ] && { echo "a file was written beside the data"; exit 1; }
echo "synapse reports: NEURON's rows and BMTK's mapping; the saved synapses are BMTK's"
