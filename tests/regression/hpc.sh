#!/usr/bin/env bash
# `cadenza generate hpc` at scale 0.02 (225 neurons, 11250 synapses each, the online Poisson
# drive): the folder is the same bytes from 1 and 2 ranks; it checks clean; and runs on 1 rank
# x 1 thread, 1 x 2 and 2 x 1 write the same spikes (the drive is keyed by neuron and step, not
# by rank or thread), at a rate the drive sustains (between 1 and 100 Hz).
#   hpc.sh MPIEXEC CADENZA SPIKES_COMPARE
set -u
mpiexec=$1 cadenza=$2 compare=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_hpc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate hpc --scale 0.02 --tstop 200 "$tmp/r1" || exit 1
"$mpiexec" -n 2 "$cadenza" generate hpc --scale 0.02 --tstop 200 "$tmp/r2" > /dev/null || exit 1
(cd "$tmp/r1" && find . -type f | sort) | while read -r f; do cmp "$tmp/r1/$f" "$tmp/r2/$f" || exit 1; done || exit 1
echo "1 and 2 ranks write the same folder"
"$cadenza" check "$tmp/r1/config.json" -o "$tmp/check" > "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
"$cadenza" run "$tmp/r1/config.json" -o "$tmp/t1" --no-progress -q > /dev/null 2>&1 || exit 1
"$cadenza" run "$tmp/r1/config.json" -o "$tmp/t2" --threads 2 --no-progress -q > /dev/null 2>&1 || exit 1
"$mpiexec" -n 2 "$cadenza" run "$tmp/r1/config.json" -o "$tmp/n2" --no-progress -q > /dev/null 2>&1 || exit 1
out=$("$compare" --validate "$tmp/t1/spikes.h5") || { echo "$out"; exit 1; }
echo "$out"
cmp "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" || exit 1
cmp "$tmp/t1/spikes.h5" "$tmp/n2/spikes.h5" || exit 1
n=$(sed -n 's/.* \([0-9]*\) spikes$/\1/p' <<< "$out")
# 225 neurons over 0.2 s: 1 to 100 Hz is 45 to 4500 spikes
if [ "${n:-0}" -lt 45 ] || [ "${n:-0}" -gt 4500 ]; then echo "rate out of range: $n spikes"; exit 1; fi
echo "1x1, 1x2 and 2x1 give the same $n spikes"
# The STDP variant (plastic E->E stdp_pl_synapse_hom_hpc): the same bytes from 1 and 2 ranks,
# the same spikes on 1x1, 1x2 and 2x1. The benchmark's learning rate moves weights by a few
# tenths of a pA in 0.2 s, too little to move a spike at this size; with lambda raised to 5 the
# spikes must differ from those of the same folder with static E->E synapses (same graph and
# initial weights), so the plasticity reaches the dynamics.
"$cadenza" generate hpc --stdp --scale 0.02 --tstop 200 "$tmp/s1" > /dev/null || exit 1
"$mpiexec" -n 2 "$cadenza" generate hpc --stdp --scale 0.02 --tstop 200 "$tmp/s2" > /dev/null || exit 1
(cd "$tmp/s1" && find . -type f | sort) | while read -r f; do cmp "$tmp/s1/$f" "$tmp/s2/$f" || exit 1; done || exit 1
grep -q "stdp_pl_synapse_hom_hpc" "$tmp/s1/network/hpc_hpc_edge_types.csv" || exit 1
"$cadenza" run "$tmp/s1/config.json" -o "$tmp/st1" --no-progress -q > /dev/null 2>&1 || exit 1
"$cadenza" run "$tmp/s1/config.json" -o "$tmp/st2" --threads 2 --no-progress -q > /dev/null 2>&1 || exit 1
"$mpiexec" -n 2 "$cadenza" run "$tmp/s1/config.json" -o "$tmp/sn2" --no-progress -q > /dev/null 2>&1 || exit 1
cmp "$tmp/st1/spikes.h5" "$tmp/st2/spikes.h5" || exit 1
cmp "$tmp/st1/spikes.h5" "$tmp/sn2/spikes.h5" || exit 1
out=$("$compare" --validate "$tmp/st1/spikes.h5") || { echo "$out"; exit 1; }
n=$(sed -n 's/.* \([0-9]*\) spikes$/\1/p' <<< "$out")
if [ "${n:-0}" -lt 45 ] || [ "${n:-0}" -gt 4500 ]; then echo "stdp: rate out of range: $n spikes"; exit 1; fi
sed -i 's/"lambda":[[:space:]]*0.1/"lambda": 5/' "$tmp/s1/components/synaptic_models/stdp_pl_hpc.json"
grep -q '"lambda": 5' "$tmp/s1/components/synaptic_models/stdp_pl_hpc.json" || exit 1
"$cadenza" run "$tmp/s1/config.json" -o "$tmp/fast" --no-progress -q > /dev/null 2>&1 || exit 1
sed -i 's/stdp_pl_hpc.json stdp_pl_synapse_hom_hpc/static.json static_synapse/' "$tmp/s1/network/hpc_hpc_edge_types.csv"
"$cadenza" run "$tmp/s1/config.json" -o "$tmp/static" --no-progress -q > /dev/null 2>&1 || exit 1
if cmp -s "$tmp/fast/spikes.h5" "$tmp/static/spikes.h5"; then echo "stdp: plasticity changed no spike"; exit 1; fi
echo "stdp: the same $n spikes on 1x1, 1x2 and 2x1; with lambda 5, other spikes than with static E->E synapses"
