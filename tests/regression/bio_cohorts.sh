#!/usr/bin/env bash
# Cells of one shape stepped side by side (cz_cable_interleave) write what each cell stepped
# whole writes, bit for bit, in every output that finds its nodes through the section maps: the
# generated network at 30 cells (20 detailed, five of each of the first three models; 100 ms)
# under an xstim electrode (the extracellular potential in the solve; it must change the
# traces), with a membrane report of every section of every cell and an ECP of three
# electrodes. On one rank 16 or so cells are in cohorts (the summary says how many); on four
# ranks, nodes dealt round-robin, none is (no rank holds four cells of one shape). The spikes,
# the report and the ECP are the same bytes.
#   bio_cohorts.sh MPIEXEC CADENZA
set -u
mpiexec=$1 cadenza=$2
# shellcheck source=bio_components_lib.sh
. "$(dirname "$0")/bio_components_lib.sh"
bio_components_setup cohorts

"$cadenza" generate bionet --components "$comp" --cells 30 --tstop 100 "$tmp/net" > /dev/null || fail "generate failed"
printf 'channel x_pos y_pos z_pos\n0 0.0 0.0 0.0\n1 40.0 -150.0 20.0\n2 -60.0 300.0 -10.0\n' > "$tmp/net/electrodes.csv"
reports='"reports": {
    "v_all": {"module": "membrane_report", "cells": "all", "variable_name": "v", "sections": "all", "file_name": "v_all.h5"},
    "ecp": {"module": "extracellular", "cells": "all", "variable_name": "v",
            "electrode_positions": "$BASE_DIR/electrodes.csv", "file_name": "ecp.h5"}
  },'
printf 'pos_x pos_y pos_z rotation_x rotation_y rotation_z\n300 400 -200 0 0 0\n' > "$tmp/net/point.csv"
stim='"stim": {"input_type": "extracellular", "module": "xstim", "positions_file": "$BASE_DIR/point.csv",
            "waveform": {"shape": "sin", "amp": -2.0, "del": 20.0, "dur": 60.0, "freq": 100.0, "phase": 0.0}},'
awk -v r="$reports" -v x="$stim" '/"output":/ && !r_done { print r; r_done = 1 } { print } /"inputs":/ && !x_done { print x; x_done = 1 }' \
  "$tmp/net/config.json" > "$tmp/net/c.json" || fail "could not add the reports"
awk -v r="$reports" '/"output":/ && !r_done { print r; r_done = 1 } { print }' "$tmp/net/config.json" > "$tmp/net/nostim.json" &&
  mv "$tmp/net/c.json" "$tmp/net/config.json" || fail "could not add the reports"

"$cadenza" run "$tmp/net/config.json" -o "$tmp/one" --no-progress > "$tmp/one.log" 2>&1 || { tail "$tmp/one.log"; fail "1 rank failed"; }
"$mpiexec" --oversubscribe -np 4 "$cadenza" run "$tmp/net/config.json" -o "$tmp/four" --partition round-robin --no-progress -q > "$tmp/four.log" 2>&1 ||
  { tail "$tmp/four.log"; fail "4 ranks failed"; }
side() { sed -n 's/.*; \([0-9]*\) cells stepped side by side.*/\1/p' "$1"; }
one=$(side "$tmp/one.log") four=$(side "$tmp/four.log")
[ -n "$one" ] && [ "$one" -ge 12 ] || fail "1 rank: '$one' cells in cohorts, expected at least 12"
[ "$four" = 0 ] || fail "4 ranks: '$four' cells in cohorts, expected none"
echo "1 rank: $one cells in cohorts; 4 ranks: none"
"$cadenza" run "$tmp/net/nostim.json" -o "$tmp/nostim" --no-progress -q > /dev/null 2>&1 || fail "the run without xstim failed"
cmp -s "$tmp/one/v_all.h5" "$tmp/nostim/v_all.h5" && fail "xstim changes nothing"
for f in spikes.h5 v_all.h5 ecp.h5; do
  [ -s "$tmp/one/$f" ] || fail "no $f"
  cmp "$tmp/one/$f" "$tmp/four/$f" || fail "$f differs between cohorts and whole cells"
done
echo "cohorts and whole cells under xstim: the same spikes, membrane report of every section, and ECP"
