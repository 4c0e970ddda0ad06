#!/usr/bin/env bash
# Cadenza against NEURON 8.2 on the same detailed-cell network, in one invocation: the hh
# variant of the BioNet benchmark (`cadenza generate bionet --hh`: the five Allen morphologies
# with hh somas on passive cells, Exp2Syn synapses, Poisson external trains), fixed step dt
# 0.1 ms, one thread each. Cadenza writes where it put every synapse (save_synapses);
# perf/neuron_hh.py builds the same cells and synapses in NEURON (with BMTK's import3d.hoc,
# cache_efficient on, hh's rate tables off) and runs it. Prints both run times (Cadenza's run
# phase, NEURON's continuerun), their ratio, and the spike agreement: the same spikes by node,
# and the largest time difference.
#
#   perf/neuron_compare.sh [--cells N (450)] [--tstop MS (1000)]
# Needs python3-neuron and python3-h5py, and BMTK's import3d.hoc (python3-bmtk, or
# BMTK_IMPORT3D=path); data: CADENZA_TEST_DATA or ../shared/data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${CADENZA_TEST_DATA:-$root/../shared/data}
comp="$data/bmtk/examples/bio_components"
[ -d "$comp" ] || { echo "neuron_compare.sh: no bio_components under $data (set CADENZA_TEST_DATA)" >&2; exit 2; }
python=${PYTHON:-/usr/bin/python3}
"$python" -c "import neuron, h5py" 2> /dev/null || { echo "neuron_compare.sh: needs python3-neuron and python3-h5py" >&2; exit 2; }
cells=450 tstop=1000
while [ $# -gt 0 ]; do
  case $1 in
    --cells) cells=$2; shift ;;
    --tstop) tstop=$2; shift ;;
    *) echo "neuron_compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=lib.sh
. "$root/perf/lib.sh"
cadenza=$(perf_build_cadenza "$root")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_neuron_compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate bionet --hh --components "$(cd "$comp" && pwd)" --cells "$cells" --tstop "$tstop" "$tmp/net" > /dev/null
sed -i 's|"output":|"reports": {"saved": {"module": "save_synapses", "network_dir": "'"$tmp"'/synapses"}},\n  "output":|' \
  "$tmp/net/config.json"
"$cadenza" run "$tmp/net/config.json" --threads 1 --no-progress > "$tmp/cadenza.log" 2>&1 ||
  { tail "$tmp/cadenza.log"; exit 1; }
cz_run=$(sed -n 's/.* run \([0-9.]*\) s (update.*/\1/p' "$tmp/cadenza.log")
nrn_line=$("$python" "$root/perf/neuron_hh.py" "$tmp/net" "$tmp/synapses" "$tmp/neuron_spikes.txt" 2> /dev/null | tail -1)
nrn_run=$(sed -n 's/^neuron: run \([0-9.]*\) s.*/\1/p' <<< "$nrn_line")
echo "cells $cells, $tstop ms at dt 0.1 ms, one thread each"
echo "cadenza: run $cz_run s; $nrn_line"
awk -v a="$cz_run" -v b="$nrn_run" 'BEGIN { printf "NEURON / Cadenza run time: %.2f\n", b / a }'
"$python" - "$tmp/net/output/spikes.h5" "$tmp/neuron_spikes.txt" << 'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    cz = sorted(zip(f["/spikes/internal/node_ids"][:].tolist(), f["/spikes/internal/timestamps"][:].tolist()))
nr = sorted((int(a), float(b)) for a, b in (line.split() for line in open(sys.argv[2])))
same_nodes = [a for a, _ in cz] == [a for a, _ in nr]
worst = max((abs(b - d) for (_, b), (_, d) in zip(cz, nr)), default=0.0) if same_nodes else float("nan")
print("spikes: cadenza %d, NEURON %d; same nodes: %s; largest time difference %.3g ms" % (len(cz), len(nr), same_nodes, worst))
sys.exit(0 if same_nodes and worst <= 1e-9 else 1)
PY
