#!/usr/bin/env bash
# `cadenza plot` on the bundled Brunel network:
#  - a file that is not a spikes file (text, JSON, a nodes h5, a report h5, a node types CSV)
#    is refused with exit 2 and a message naming it, and leaves no picture, whole or partial;
#  - `plot rates` draws every node, the silent ones at 0 Hz: up to the highest id that fired
#    without a config, every node of the circuit with --config; the window ends at run.tstop,
#    or without a config at the end of the run that timers.json beside the spikes records;
#  - legends fit in the picture (an entry's text, at 7.5 px a character, ends inside it);
#  - `plot scaling` puts cores on a log2 axis whose ticks are 1, 2, 4, ...
#   plot_input.sh CADENZA
set -u
cadenza=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_plotin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
"$cadenza" generate brunel --neurons 500 --tstop 200 "$tmp/net" > /dev/null || exit 1
"$cadenza" run "$tmp/net/config.json" -o "$tmp/out" --no-progress -q > /dev/null 2>&1 || exit 1

# not a spikes file
echo "hello" > "$tmp/words.txt"
echo '{"a": 1}' > "$tmp/thing.json"
for f in "$tmp/words.txt" "$tmp/thing.json" "$tmp/net/network/brunel_nodes.h5" "$tmp/out/membrane_potential.h5" \
  "$tmp/net/network/brunel_node_types.csv"; do
  for kind in raster rates; do
    "$cadenza" plot $kind "$f" -o "$tmp/bad.svg" > /dev/null 2> "$tmp/err.txt"
    rc=$?
    [ $rc -eq 2 ] || fail "plot $kind $(basename "$f"): exit $rc, expected 2"
    grep -q "$(basename "$f")" "$tmp/err.txt" || fail "plot $kind $(basename "$f"): the message does not name it"
    [ -z "$(ls "$tmp" | grep 'bad\.svg')" ] || fail "plot $kind $(basename "$f") left a picture"
  done
done
echo "plot: files that are not spikes files are refused"

# rates: silent nodes at 0 Hz
cat > "$tmp/few.csv" <<'EOF2'
timestamps population node_ids
10 brunel 0
20 brunel 0
30 brunel 3
EOF2
rate_marks() { grep -c 'class="rate"' "$1"; }
"$cadenza" plot rates "$tmp/few.csv" -o "$tmp/few.svg" > /dev/null || fail "plot rates of few.csv failed"
[ "$(rate_marks "$tmp/few.svg")" -eq 4 ] || fail "rates without a config: $(rate_marks "$tmp/few.svg") nodes, expected 4 (ids 0 to 3)"
"$cadenza" plot rates "$tmp/few.csv" --config "$tmp/net/config.json" -o "$tmp/fewc.svg" > /dev/null ||
  fail "plot rates --config failed"
[ "$(rate_marks "$tmp/fewc.svg")" -eq 500 ] || fail "rates with the config: $(rate_marks "$tmp/fewc.svg") nodes, expected 500"
grep -q 'Firing rates in (0, 200\] ms' "$tmp/fewc.svg" || fail "rates with the config do not end at run.tstop 200 ms"
# the two silent nodes and the one at 0 Hz sit on the x axis: the same y as each other, below node 0's
ys=$(grep 'class="rate"' "$tmp/few.svg" | sed 's/.*cy="\([0-9.]*\)".*/\1/' | tr '\n' ' ')
set -- $ys
[ "$2" = "$3" ] && awk -v a="$1" -v b="$2" -v c="$4" 'BEGIN { exit !(b + 0 > a + 0 && c + 0 > a + 0) }' ||
  fail "rates: silent nodes 1 and 2 are not at 0 Hz below the firing ones (y: $ys)"
"$cadenza" plot rates "$tmp/out/spikes.h5" --config "$tmp/net/config.json" -o "$tmp/rates.svg" > /dev/null || exit 1
[ "$(rate_marks "$tmp/rates.svg")" -eq 500 ] || fail "rates of the run: not every node drawn"
# without a config, the run's timers.json beside the spikes gives the run's end
"$cadenza" plot rates "$tmp/out/spikes.h5" -o "$tmp/rates_own.svg" > /dev/null || exit 1
grep -q 'Firing rates in (0, 200\] ms' "$tmp/rates_own.svg" || fail "rates of a run do not end at its tstop 200 ms"
echo "plot rates: silent nodes at 0 Hz; the config gives every node and the window"

# legends inside the picture
legend_fits() {
  local w
  w=$(sed -n 's/.*<svg [^>]*width="\([0-9]*\)".*/\1/p' "$1" | head -1)
  grep 'class="legend"' "$1" | sed 's/.*x="\([0-9.]*\)"[^>]*>\(.*\)<\/text>/\1 \2/' |
    while read -r x text; do
      awk -v x="$x" -v n="${#text}" -v w="$w" 'BEGIN { exit !(x + 7.5 * n <= w) }' ||
        { echo "legend entry '$text' at x=$x runs past the width $w of $1"; exit 1; }
    done
}
"$cadenza" plot raster "$tmp/out/spikes.h5" -o "$tmp/raster.svg" > /dev/null || exit 1
grep -q 'class="legend"' "$tmp/raster.svg" || fail "the raster has no legend"
legend_fits "$tmp/raster.svg" || exit 1

# scaling: log2 axis of cores
row() { # ranks threads seconds
  printf '{"study": "strong", "model": "brunel", "ranks": %d, "threads": %d, "timers": {"phases": [{"name": "run", "max": %s}]}}\n' "$@"
}
{ row 1 1 8.0; row 1 2 4.2; row 2 2 2.3; row 4 4 0.7; row 8 4 0.45; } > "$tmp/rows.jsonl"
"$cadenza" plot scaling "$tmp/rows.jsonl" -o "$tmp/scaling.svg" > /dev/null || fail "plot scaling failed"
legend_fits "$tmp/scaling.svg" || exit 1
ticks=$(grep 'text-anchor="middle">' "$tmp/scaling.svg" | sed -n 's/.*text-anchor="middle">\([0-9.e+-]*\)<\/text>/\1/p' |
  tr '\n' ' ')
[ "$ticks" = "1 2 4 8 16 32 " ] || fail "scaling: x ticks are '$ticks', expected 1 2 4 8 16 32"
# on a log2 axis 1, 2 and 4 cores are equally spaced
xs=$(grep 'class="point"' "$tmp/scaling.svg" | sed 's/.*cx="\([0-9.]*\)".*/\1/' | sort -n | tr '\n' ' ')
echo "$xs" | awk '{ d1 = $2 - $1; d2 = $3 - $2; exit !(d1 > 0 && (d1 - d2) < 0.05 && (d2 - d1) < 0.05) }' ||
  fail "scaling: 1, 2 and 4 cores are not equally spaced (x: $xs)"
echo "plot: legends fit; scaling on a log2 axis 1, 2, 4, ..."
