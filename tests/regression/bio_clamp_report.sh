#!/usr/bin/env bash
# Clamp reports on bmtk's reports_clamp folder (bio_1cell's cell, an IClamp of 0.1 nA from 500 ms,
# a SEClamp at -70, -50, -65 mV for 200, 300, 300 ms), run unchanged: the SEClamp's current
# is BMTK 1.0.8 + NEURON 8.2.2's to 1e-9 nA in every row (0 after 800 ms), the soma trace and
# the 4 spikes are theirs; the IClamp report, an empty matrix in BMTK, holds the clamp's
# current (0 before 500 ms, 0.1 nA after), as Cadenza's log says.
#   bio_clamp_report.sh CADENZA REPORT_CHECK
set -u
cadenza=$1 report_check=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
case_dir="$data/bmtk/examples/reports_clamp"
if [ ! -f "$case_dir/config.json" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_clamprep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$case_dir" || exit 1
"$cadenza" run config.json --output-dir "$tmp/out" --no-progress > "$tmp/run.txt" 2>&1 || { cat "$tmp/run.txt"; exit 1; }
grep -q "reports.ic_clamp_report: BMTK 1.0.8 writes an empty matrix" "$tmp/run.txt" || { echo "no log line on ic"; exit 1; }
"$report_check" matrix expected/se_clamp_report.h5 "$tmp/out/se_clamp_report.h5" 10000 1e-9 || exit 1
"$report_check" match expected/membrane_potential.h5 "$tmp/out/membrane_potential.h5" 1e-6 || exit 1
"$cadenza" compare expected/spikes.h5 "$tmp/out/spikes.h5" --tolerance 1e-9 || exit 1
"$report_check" step "$tmp/out/ic_clamp.h5" 0 5000 0.1 || exit 1 # on at the step whose middle passes 500 ms
echo "clamp reports: the SEClamp current is NEURON's"
