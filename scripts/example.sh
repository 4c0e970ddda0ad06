#!/usr/bin/env bash
# The README's first command: set up, build, generate the bundled Brunel network and run it.
#   bash scripts/example.sh [--neurons N] [--threads T]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
neurons=10000
threads=$(nproc)
while [ $# -gt 0 ]; do
  case $1 in
    --neurons) neurons=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: scripts/example.sh [--neurons N] [--threads T]" >&2; exit 2 ;;
  esac
done
bash "$root/scripts/build.sh"
cadenza="$root/build/src/cadenza"  # the binary just built (and installed), whatever PATH holds
dir="$root/example/brunel"
"$cadenza" generate brunel --neurons "$neurons" --overwrite "$dir"
"$cadenza" run "$dir/config.json" --threads "$threads"
# The pictures of the run: a raster of the first 200 ms and the trace of neuron 0.
"$cadenza" plot raster "$dir/output/spikes.h5" --tmax 200 -o "$dir/output/raster.svg"
"$cadenza" plot report "$dir/output/membrane_potential.h5" --node 0 -o "$dir/output/membrane_potential.svg"
echo "Output folder: $dir/output (spikes.h5, spikes.csv, membrane_potential.h5, timers.json, log.txt;"
echo "  raster.svg and membrane_potential.svg open in any browser)"
