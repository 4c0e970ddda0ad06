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
dir="$root/example/brunel"
"$root/build/src/cadenza" generate brunel --neurons "$neurons" --overwrite "$dir"
"$root/build/src/cadenza" run "$dir/config.json" --threads "$threads"
echo "Output folder: $dir/output (spikes.h5, spikes.csv, log.txt)"
