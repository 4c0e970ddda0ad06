#!/usr/bin/env bash
# `cadenza stats` refuses a spikes file that is not a run of the config it is given (exit 2,
# a message naming the file and what does not fit), and writes nothing then:
#  - spikes after the config's run.tstop (a longer run of the same network);
#  - node ids the population does not have (a run of a larger network);
#  - a population the circuit does not simulate (a run of another network).
# Its own run passes. Without --group-by, nodes without pop_name are grouped by model_name,
# else by population, and the output says so.
#   stats_stale.sh CADENZA
set -u
cadenza=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_stale.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
gen_run() { # dir generator-args...
  local d=$1
  shift
  "$cadenza" generate "$@" "$tmp/$d" > /dev/null || fail "generate $*"
  "$cadenza" run "$tmp/$d/config.json" --no-progress -q > /dev/null 2>&1 || fail "run $d"
}
gen_run small brunel --neurons 500 --tstop 200
gen_run long brunel --neurons 500 --tstop 400
gen_run big brunel --neurons 1000 --tstop 200
gen_run mc microcircuit --scale 0.02 --tstop 100
cfg="$tmp/small/config.json"
"$cadenza" stats "$cfg" -o "$tmp/ok" > "$tmp/ok.txt" || { cat "$tmp/ok.txt"; fail "stats of the config's own run failed"; }
grep -q "grouped by pop_name" "$tmp/ok.txt" || fail "the own run is not grouped by pop_name"

stale() { # what spikes-file pattern
  "$cadenza" stats "$cfg" --spikes "$2" -o "$tmp/stale" > /dev/null 2> "$tmp/err.txt"
  local rc=$?
  [ $rc -eq 2 ] || fail "$1: exit $rc, expected 2"
  grep -q "$(basename "$2")" "$tmp/err.txt" && grep -q "$3" "$tmp/err.txt" ||
    fail "$1: the message does not say what is wrong: $(cat "$tmp/err.txt")"
  [ ! -e "$tmp/stale" ] || fail "$1: stats wrote output"
}
awk 'NR > 1 && $1 > 200 { n++ } END { exit !(n > 0) }' "$tmp/long/output/spikes.csv" || fail "the long run has no spikes after 200 ms"
stale "spikes after tstop" "$tmp/long/output/spikes.h5" "run.tstop 200"
stale "node ids beyond the population" "$tmp/big/output/spikes.h5" "not a simulated node"
stale "a population of another network" "$tmp/mc/output/spikes.h5" "not a simulated population"
echo "stats: stale spikes files refused"

# grouping without pop_name
regroup() { # dir awk-program-on-node-types
  cp -r "$tmp/small" "$tmp/$1"
  awk "$2" "$tmp/small/network/brunel_node_types.csv" > "$tmp/$1/network/brunel_node_types.csv"
  sed "s#$tmp/small#$tmp/$1#g" "$tmp/small/config.json" > "$tmp/$1/config.json"
}
regroup model '{ if (NR == 1) sub(/pop_name/, "model_name"); print }'
"$cadenza" stats "$tmp/model/config.json" --spikes "$tmp/small/output/spikes.h5" -o "$tmp/sm" > "$tmp/model.txt" ||
  { cat "$tmp/model.txt"; fail "stats without pop_name failed"; }
grep -q "no pop_name; grouped by model_name" "$tmp/model.txt" || fail "no note of the model_name grouping: $(cat "$tmp/model.txt")"
grep -q '^excitatory ' "$tmp/model.txt" || fail "not grouped by model_name"
regroup none '{ $5 = ""; print }'
"$cadenza" stats "$tmp/none/config.json" --spikes "$tmp/small/output/spikes.h5" -o "$tmp/sn" > "$tmp/none.txt" ||
  { cat "$tmp/none.txt"; fail "stats without pop_name and model_name failed"; }
grep -q "grouped by population instead" "$tmp/none.txt" || fail "no note of the population grouping: $(cat "$tmp/none.txt")"
grep -q '^brunel  *500 ' "$tmp/none.txt" || fail "not grouped by population: $(cat "$tmp/none.txt")"
echo "stats: without pop_name, grouped by model_name or population, and said so"
