#!/usr/bin/env bash
# `cadenza compare`: a run of point_120cells matches BMTK's reference (h5 and csv, exit 0);
# a copy with one spike removed, or one spike moved by 0.5 ms, differs (exit 1) and the first
# divergence names that spike's time and node; a tolerance of 1 ms accepts the moved spike;
# extra spikes at the end pass with --allow-extra-after only up to --max-extra; an unreadable
# file is exit 2.
#   compare.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
dir="$data/bmtk-tests/integration_tests/point_120cells"
if [ ! -f "$dir/config.json" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$dir" && "$cadenza" run config.json -o "$tmp/out" --no-progress -q > /dev/null) || exit 1
ref="$dir/expected/spikes.h5"
# shellcheck source=tests/regression/expect.sh
. "$(dirname "$0")/expect.sh"
expect 0 "$cadenza" compare "$ref" "$tmp/out/spikes.h5"
expect 0 "$cadenza" compare "$ref" "$tmp/out/spikes.csv"
expect 0 "$cadenza" compare "$tmp/out/spikes.csv" "$tmp/out/spikes.csv"
# the 100th spike (line 101 after the header), removed, then moved
line=$(sed -n 101p "$tmp/out/spikes.csv")
t=$(echo "$line" | awk '{print $1}') node=$(echo "$line" | awk '{print $3}')
sed 101d "$tmp/out/spikes.csv" > "$tmp/removed.csv"
expect 1 "$cadenza" compare "$ref" "$tmp/removed.csv"
grep -q "first divergence at t = $t ms, node $node (a spike only in EXPECTED)" "$tmp/last.txt" ||
  { echo "wrong first divergence for the removed spike at $t ms, node $node:"; cat "$tmp/last.txt"; exit 1; }
awk -v n=101 'NR == n { $1 = $1 + 0.5 } { print }' "$tmp/out/spikes.csv" > "$tmp/moved.csv"
expect 1 "$cadenza" compare "$ref" "$tmp/moved.csv"
grep -q "node $node" "$tmp/last.txt" || { echo "the moved spike's node is not named"; cat "$tmp/last.txt"; exit 1; }
expect 0 "$cadenza" compare "$ref" "$tmp/moved.csv" --tolerance 1
# spikes added after 1499 ms pass with --allow-extra-after 1499, up to --max-extra of them
# (default one per node), and count as divergences before it
{ cat "$tmp/out/spikes.csv"; printf '1499.5 cortex 3\n1499.6 cortex 7\n'; } > "$tmp/extra.csv"
expect 1 "$cadenza" compare "$ref" "$tmp/extra.csv"
expect 0 "$cadenza" compare "$ref" "$tmp/extra.csv" --allow-extra-after 1499
grep -q "2 extra spikes in ACTUAL after 1499 ms" "$tmp/last.txt" || { echo "extras not reported"; cat "$tmp/last.txt"; exit 1; }
expect 0 "$cadenza" compare "$ref" "$tmp/extra.csv" --allow-extra-after 1499 --max-extra 2
expect 1 "$cadenza" compare "$ref" "$tmp/extra.csv" --allow-extra-after 1499 --max-extra 1
expect 1 "$cadenza" compare "$ref" "$tmp/extra.csv" --allow-extra-after 1499.55
expect 2 "$cadenza" compare "$ref" "$tmp/extra.csv" --allow-extra-after 1499 --max-extra -1
expect 2 "$cadenza" compare "$ref" "$tmp/missing.h5"
expect 2 "$cadenza" compare "$ref"
echo "compare: matches, removed, moved and extra spikes, tolerance and bad input checked"
