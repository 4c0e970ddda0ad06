#!/usr/bin/env bash
# `cadenza plot`: SVG pictures of a run of point_120cells and of 300_pointneurons.
#  - raster: one mark per spike in the window (counted against spikes.csv), also for one
#    population and for a node set of the config;
#  - rates: one mark per node up to the highest that fired in the window (silent ones at 0 Hz);
#  - report: a node's trace from the membrane report;
#  - with Debian's chromium installed: the raster renders headless to a PNG, larger than the
#    PNG of the same plot with an empty window (the spikes are drawn).
#   plot.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
dir="$data/bmtk-tests/integration_tests/point_120cells"
cfg300="$data/sonata/examples/300_pointneurons/simulation_config.json"
if [ ! -f "$dir/config.json" ] || [ ! -f "$cfg300" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$dir" && "$cadenza" run config.json -o "$tmp/out" --no-progress -q > /dev/null) || exit 1
(cd "$(dirname "$cfg300")" && "$cadenza" run "$cfg300" -o "$tmp/o300" --no-progress -q > /dev/null) || exit 1
marks() { grep -c "class=\"$1\"" "$2"; }
want() {  # what got expected
  [ "$2" -eq "$3" ] || { echo "$1: $2 marks, expected $3"; exit 1; }
  echo "$1: $2 marks"
}
"$cadenza" plot raster "$tmp/out/spikes.h5" --tmin 100 --tmax 600 -o "$tmp/raster.svg" > /dev/null || exit 1
want "raster (100, 600]" "$(marks spike "$tmp/raster.svg")" "$(awk 'NR > 1 && $1 > 100 && $1 <= 600' "$tmp/out/spikes.csv" | wc -l)"
"$cadenza" plot raster "$tmp/out/spikes.h5" --population cortex -o "$tmp/all.svg" > /dev/null || exit 1
want "raster, population cortex" "$(marks spike "$tmp/all.svg")" "$(($(wc -l < "$tmp/out/spikes.csv") - 1))"
"$cadenza" plot rates "$tmp/out/spikes.h5" --tmin 0 --tmax 1000 -o "$tmp/rates.svg" > /dev/null || exit 1
# every node up to the highest that fired, the silent ones at 0 Hz
want "rates (0, 1000]" "$(marks rate "$tmp/rates.svg")" "$(awk 'NR > 1 && $1 > 0 && $1 <= 1000 && $3 + 1 > m { m = $3 + 1 } END { print m }' "$tmp/out/spikes.csv")"
# node set recorded_cells of 300_pointneurons: nodes 0, 80, 160, 240 and 270 of "internal"
(cd "$(dirname "$cfg300")" && "$cadenza" plot raster "$tmp/o300/spikes.h5" --config "$cfg300" --node-set recorded_cells \
  -o "$tmp/set.svg" > /dev/null) || exit 1
h5dump -d /spikes/internal/node_ids -y -w 1 "$tmp/o300/spikes.h5" > "$tmp/ids.txt" 2> /dev/null || exit 1
n_set=$(grep -cE '^ *(0|80|160|240|270),?$' "$tmp/ids.txt")
want "raster, node set recorded_cells" "$(marks spike "$tmp/set.svg")" "$n_set"
"$cadenza" plot report "$tmp/out/membrane_potential.h5" --node 20 --tmax 200 -o "$tmp/report.svg" > "$tmp/report.txt" || exit 1
grep -q "(200000 samples)" "$tmp/report.txt" || { cat "$tmp/report.txt"; exit 1; }
[ "$(marks trace "$tmp/report.svg")" -eq 1 ] || { echo "report: no trace"; exit 1; }
"$cadenza" plot report "$tmp/out/membrane_potential.h5" --node 7 -o "$tmp/none.svg" > /dev/null 2>&1
[ $? -eq 2 ] || { echo "report of an unrecorded node did not fail"; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then echo "chromium not installed: render check skipped"; exit 0; fi
render() {  # svg png
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,520 \
    --user-data-dir="$tmp/chrome" --screenshot="$2" "file://$1" > /dev/null 2>&1
  [ -s "$2" ] && [ "$(head -c 8 "$2" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] || { echo "no PNG from $1"; exit 1; }
}
"$cadenza" plot raster "$tmp/out/spikes.h5" --tmin 5000 --tmax 5100 -o "$tmp/empty.svg" > /dev/null || exit 1
render "$tmp/raster.svg" "$tmp/raster.png"
render "$tmp/empty.svg" "$tmp/empty.png"
full=$(stat -c %s "$tmp/raster.png") empty=$(stat -c %s "$tmp/empty.png")
echo "chromium: raster PNG $full bytes, empty-window PNG $empty bytes"
[ "$full" -gt $((empty + 5000)) ] || { echo "the rendered raster does not show the spikes"; exit 1; }
