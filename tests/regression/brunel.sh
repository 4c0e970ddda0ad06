#!/usr/bin/env bash
# The bundled example: generate a small Brunel network, run it with 1 and 2 threads (identical
# spikes, valid SONATA files) and check that it sits in the asynchronous irregular regime
# (a population rate between 10 and 100 Hz); the same for the alpha-synapse variant. Needs no
# shared data.
#   brunel.sh CADENZA SPIKES_COMPARE
set -u
cadenza=$1 compare=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_brunel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate brunel --neurons 2000 --tstop 300 --seed 7 "$tmp/net" > /dev/null || exit 1
"$here/example.sh" "$cadenza" "$compare" "$tmp/net/config.json" --min-spikes 6000 || exit 1
# 2000 neurons x 0.3 s x 100 Hz = 60000 spikes at most.
"$cadenza" run "$tmp/net/config.json" -o "$tmp/out" --no-progress -q > /dev/null || exit 1
n=$(tail -n +2 "$tmp/out/spikes.csv" | wc -l)
echo "brunel: $n spikes"
[ "$n" -le 60000 ] || exit 1
# Synapses storing plain weights instead of table codes must give the same spikes.
CADENZA_WEIGHT_CODES=0 "$cadenza" run "$tmp/net/config.json" -o "$tmp/plain" --no-progress -q > /dev/null || exit 1
"$compare" "$tmp/out/spikes.h5" "$tmp/plain/spikes.h5" --exact || exit 1
# The fill's grouping by blocks of sources (used above 4096 sources), forced on 2 threads: the
# same spikes.
CADENZA_FILL_GROUPED=1 "$cadenza" run "$tmp/net/config.json" -t 2 -o "$tmp/grouped" --no-progress -q > /dev/null || exit 1
"$compare" "$tmp/out/spikes.h5" "$tmp/grouped/spikes.h5" --exact || exit 1
# The alpha-synapse variant (iaf_psc_alpha, weights in pA): the same checks, a rate between 10
# and 100 Hz.
"$cadenza" generate brunel --synapse alpha --neurons 2000 --tstop 300 --seed 7 "$tmp/alpha" > /dev/null || exit 1
grep -q "nest:iaf_psc_alpha" "$tmp/alpha/network/brunel_node_types.csv" || exit 1
"$here/example.sh" "$cadenza" "$compare" "$tmp/alpha/config.json" --min-spikes 6000 || exit 1
"$cadenza" run "$tmp/alpha/config.json" -o "$tmp/alpha_out" --no-progress -q > /dev/null || exit 1
n=$(tail -n +2 "$tmp/alpha_out/spikes.csv" | wc -l)
echo "brunel (alpha): $n spikes"
[ "$n" -le 60000 ] || exit 1
