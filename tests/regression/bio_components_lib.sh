#!/usr/bin/env bash
# Shared start of the tests that build networks from the shared data's bio_components (the
# generated BioNet benchmark): bio_components_setup NAME sets comp (its absolute path) and tmp
# (a temporary folder removed on exit, named after NAME) and defines fail; without the data it
# reports the test skipped (exit 77).
bio_components_setup() {
  local data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
  comp="$data/bmtk/examples/bio_components"
  if [ ! -f "$comp/biophysical_neuron_templates/ctdb/472363762_fit.json" ]; then echo "shared data not found: skipped"; exit 77; fi
  comp=$(cd "$comp" && pwd)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_$1.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  fail() { echo "FAIL: $*"; exit 1; }
}
