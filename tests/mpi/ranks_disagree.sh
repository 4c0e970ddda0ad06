#!/usr/bin/env bash
# Ranks that read different inputs stop together: two ranks started MPMD-style on two copies
# of a folder, one holding a stale network (another neuron count), must both exit 2 quickly
# with one "cadenza: error:" line naming the population and both sizes, instead of waiting
# for each other in the placement; and a config that differs between the ranks likewise.
#   ranks_disagree.sh MPIEXEC CADENZA
set -u
mpiexec=$1 cadenza=$2
base=${CZ_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base" || exit 1
tmp=$(mktemp -d "$base/cz_ranks_disagree.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; echo "--- stderr"; cat "$tmp/stderr"; exit 1; }

"$cadenza" generate brunel --neurons 200 --tstop 50 "$tmp/a" > /dev/null 2>&1 || exit 1
"$cadenza" generate brunel --neurons 250 --tstop 50 "$tmp/stale" > /dev/null 2>&1 || exit 1
cp -r "$tmp/a" "$tmp/edited" || exit 1
sed -i 's/"tstop":[[:space:]]*50/"tstop": 60/' "$tmp/edited/config.json"
grep -q '"tstop": 60' "$tmp/edited/config.json" || { echo "could not edit tstop"; exit 1; }

# run_pair FOLDER_OF_RANK_1 EXPECTED_TEXT
run_pair() {
  local start rc elapsed errors
  start=$(date +%s)
  timeout 60 "$mpiexec" --oversubscribe -np 1 "$cadenza" run "$tmp/a/config.json" -o "$tmp/out" --no-progress : \
    -np 1 "$cadenza" run "$tmp/$1/config.json" -o "$tmp/out" --no-progress > /dev/null 2> "$tmp/stderr"
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  [ "$rc" -ne 124 ] || fail "$1: still running after 60 s: the ranks wait for each other"
  [ "$rc" -eq 2 ] || fail "$1: exit code $rc, expected 2"
  [ "$elapsed" -lt 30 ] || fail "$1: took $elapsed s to fail"
  errors=$(grep -c '^cadenza: error:' "$tmp/stderr")
  [ "$errors" -eq 1 ] || fail "$1: $errors 'cadenza: error:' lines, expected 1"
  grep '^cadenza: error:' "$tmp/stderr" | grep -q "$2" || fail "$1: the message does not say '$2'"
  [ ! -e "$tmp/out/spikes.h5" ] || fail "$1: spikes were written"
  echo "$1: exit 2 after $elapsed s: $(grep '^cadenza: error:' "$tmp/stderr")"
}
run_pair stale "population brunel has 200 nodes on rank 0 but 250 on rank 1"
run_pair edited "config.json: the config differs between rank 0 and rank 1"
