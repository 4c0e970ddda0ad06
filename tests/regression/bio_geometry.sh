#!/usr/bin/env bash
# `cadenza check --dump-geometry`: bio_1cell's cell is cut as NEURON 8.2.2 cuts it (bionet-spec.md
# §2.3: 122 sections after the perisomatic stub, 264 segments, 7115.775066 µm²; soma[0] L
# 10.885986, diam 10.885600); the stub's two sections are 30 µm long, 1 µm wide; every segment
# line has an area and an ri; a point folder has no detailed cells to print (exit 2).
#   bio_geometry.sh CADENZA
set -u
cadenza=$1
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
cfg="$data/bmtk/examples/bio_1cell/config.simulation_iclamp.json"
if [ ! -f "$cfg" ]; then echo "shared data not found: skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_geom.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" check "$cfg" -o "$tmp/out" --dump-geometry > "$tmp/dump.txt" || { cat "$tmp/dump.txt"; exit 1; }
grep -q "^cell biocell 0: .*Scnn1a_473845048_m.swc, 122 sections, 264 segments, area 7115.775066 um2$" "$tmp/dump.txt" ||
  { echo "not NEURON's cell line: $(grep '^cell' "$tmp/dump.txt")"; exit 1; }
grep -q "^  soma\[0\] nseg 1 L 10.88598633 diam 10.88560009$" "$tmp/dump.txt" || { echo "not NEURON's soma"; exit 1; }
[ "$(grep -c '^  axon\[[01]\] nseg 1 L 30 diam 1$' "$tmp/dump.txt")" -eq 2 ] || { echo "not BMTK's axon stub"; exit 1; }
[ "$(grep -c '^  [a-z]*\[[0-9]*\] nseg' "$tmp/dump.txt")" -eq 122 ] || { echo "not 122 sections"; exit 1; }
[ "$(grep -cE '^    [0-9]+ x [0-9.e-]+ area [0-9.e-]+ ri [0-9.e-]+ diam [0-9.e-]+$' "$tmp/dump.txt")" -eq 264 ] ||
  { echo "not 264 segment lines"; exit 1; }
[ -e "$tmp/out" ] && { echo "check made the output folder"; exit 1; }
point="$data/bmtk-tests/integration_tests/point_120cells/config.json"
"$cadenza" check "$point" -o "$tmp/out" --dump-geometry > "$tmp/point.txt" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "has none" "$tmp/point.txt" || { echo "a point folder: exit $rc: $(cat "$tmp/point.txt")"; exit 1; }
echo "the geometry dump is NEURON's"
