#!/usr/bin/env bash
# `cadenza plot` for the rate engines: pop_2pops' rates file gives one curve per population
# (2), filter_graitings' rates.csv one mean curve per node population (1), and its movie's
# first frame (48 x 96 pixels) with a mark at every receptive-field centre: 84 units, the 52
# two-subunit ones with a second mark for their ON subunit.
#   plot_rates.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
pop="$data/bmtk-tests/integration_tests/pop_2pops"
lgn="$data/bmtk/examples/filter_graitings"
if [ ! -f "$pop/config.json" ] || [ ! -f "$lgn/config.simulation.json" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_plotr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$pop" && "$cadenza" run config.json -o "$tmp/pop" --no-progress -q > /dev/null) || exit 1
(cd "$lgn" && "$cadenza" run config.simulation.json -o "$tmp/lgn" --no-progress -q > /dev/null) || exit 1
marks() { grep -c "class=\"$1\"" "$2"; }
want() { [ "$2" -eq "$3" ] || { echo "$1: $2 marks, expected $3"; exit 1; }; echo "$1: $2 marks"; }
"$cadenza" plot rates "$tmp/pop/spike_rates.csv" -o "$tmp/pop.svg" > /dev/null || exit 1
want "PopNet rates" "$(marks rate "$tmp/pop.svg")" 2
"$cadenza" plot rates "$tmp/lgn/rates.csv" -o "$tmp/lgn.svg" > /dev/null || exit 1
want "FilterNet rates" "$(marks rate "$tmp/lgn.svg")" 1
(cd "$lgn" && "$cadenza" plot fields config.simulation.json -o "$tmp/fields.svg" > /dev/null) || exit 1
want "movie frame" "$(marks frame "$tmp/fields.svg")" $((48 * 96))
want "receptive fields" "$(marks field "$tmp/fields.svg")" $((84 + 52))
"$cadenza" plot fields "$pop/config.json" -o "$tmp/none.svg" > /dev/null 2>&1
[ $? -eq 2 ] || { echo "fields of a folder without a movie did not fail"; exit 1; }
