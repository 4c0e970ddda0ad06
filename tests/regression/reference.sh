#!/usr/bin/env bash
# Runs a BMTK simulation folder from the shared data and compares its spikes with the
# reference BMTK/NEST wrote, with `cadenza compare`.
#   reference.sh CADENZA CONFIG_REL THREADS [cadenza compare options...]
# Exit 77 (skipped) when the shared data are not there.
set -u
cadenza=$1 rel=$2 threads=$3
shift 3
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
cfg="$data/$rel"
if [ ! -f "$cfg" ]; then
  echo "shared data not found ($cfg): skipped"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ref.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$cfg")" || exit 1  # BMTK runs from the config's folder
"$cadenza" run "$cfg" --output-dir "$tmp/out" --threads "$threads" --no-progress -q || exit 1
"$cadenza" compare "$(dirname "$cfg")/expected/spikes.h5" "$tmp/out/spikes.h5" "$@"
