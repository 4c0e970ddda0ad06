#!/usr/bin/env bash
# Wall time and peak memory of every FilterNet and PopNet folder of the shared data, to set
# beside BMTK 1.0.8's timings on the same VM type (filternet-popnet-spec.md §6). Each folder
# runs REPEATS times (default 3) on one rank; the table gives the fastest wall time (the whole
# `cadenza run`, start to exit) and the run's own peak memory.
#   [SYNTH_MOVIE=tests/tools/synth_movie binary] perf/rates_engines_bench.sh [CADENZA] [REPEATS]
set -eu
cadenza=${1:-cadenza}
repeats=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
data=${CADENZA_TEST_DATA:-$here/../../shared/data}
ex="$data/bmtk/examples"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ratesbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
synth="$tmp/synth_movie.npy"
maker=${SYNTH_MOVIE:-$here/../build/tests/synth_movie} # tests/tools/synth_movie, built with the tests
if [ -x "$maker" ]; then "$maker" "$synth"; fi
for c in simulation separable; do
  sed -e "s|\${configdir}|$ex/filter_movie_synth|" -e "s|\$BASE_DIR/inputs/synth_movie.npy|$synth|" \
    "$ex/filter_movie_synth/config.$c.json" > "$tmp/synth_$c.json"
done
printf '| case | wall s (best of %s) | peak MiB |\n|---|---|---|\n' "$repeats"
for cfg in "$ex/filter_graitings/config.simulation.json" "$ex/filter_graitings_preset/config.simulation.json" \
  "$ex/filter_looming/config.simulation.json" "$tmp/synth_simulation.json" "$tmp/synth_separable.json" \
  "$data/bmtk-tests/integration_tests/pop_2pops/config.json" "$ex/pop_7pops_converted/config.json"; do
  [ -f "$cfg" ] || continue
  case $cfg in "$tmp"/synth_*) [ -f "$synth" ] || continue ;; esac
  best=""
  for r in $(seq "$repeats"); do
    t0=$(date +%s.%N)
    line=$(cd "$(dirname "$cfg")" && "$cadenza" run "$cfg" -o "$tmp/out" --no-progress -q 2> /dev/null | grep "peak memory")
    t1=$(date +%s.%N)
    w=$(echo "$t1 - $t0" | bc)
    if [ -z "$best" ] || [ "$(echo "$w < $best" | bc)" = 1 ]; then best=$w; fi
    mem=$(echo "$line" | sed 's/.*peak memory \([0-9.]*\) MiB.*/\1/')
  done
  name="$(basename "$(dirname "$cfg")")/$(basename "$cfg")"
  case $cfg in "$tmp"/synth_*) name="filter_movie_synth/config.${cfg#"$tmp"/synth_}" ;; esac
  printf '| %s | %.2f | %s |\n' "$name" "$best" "$mem"
done
