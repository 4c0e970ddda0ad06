#!/usr/bin/env bash
# ECP options on bmtk's reports_ecp folder (bio_1cell's cell, 4 electrodes, one at the soma
# centre), run unchanged: without minimum_distance the soma electrode is infinite in every row
# and the other channels are BMTK 1.0.8 + NEURON 8.2.2's (ecp_plain); contributions_dir holds
# the cell's own potential, named by its gid, float32 /ecp/data only, equal to the total
# (ecp_auto) to float32 precision; cell_bounds selects the cell and the file is named after the
# block (ecp_md10.h5, every channel written). The minimum_distance values themselves are the
# spec's rule (bionet-spec.md §7.3), which BMTK 1.0.8's files for channels 1 and 3 do not follow.
#   bio_ecp_options.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/reports_ecp"
if [ ! -f "$case_dir/config.json" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ecpopt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$case_dir" || exit 1
"$cadenza" run config.json --output-dir "$tmp/out" --no-progress -q 2> "$tmp/err.txt" || { cat "$tmp/err.txt"; exit 1; }
grep -q "reports.ecp_plain: 1 electrode-segment pairs .* infinite" "$tmp/err.txt" || { echo "no warning of the infinite channel"; exit 1; }
"$report_check" ecp expected/ecp_plain.h5 "$tmp/out/ecp_plain.h5" 10000 1e-6 || exit 1
"$report_check" ecp_sum --tolerance 1e-6 "$tmp/out/ecp_auto.h5" "$tmp/out/ecp_contributions/0.h5" || exit 1
"$report_check" ecp expected/ecp_md10.h5 "$tmp/out/ecp_md10.h5" 10000 1e30 || exit 1 # the layout and channels
echo "ECP options: the plain file is NEURON's, the contributions add up"
