#!/usr/bin/env bash
# `cadenza create-environment` on the bundled Brunel network:
#  - the folder it writes runs again and again (its config lets output files be replaced),
#    through run_cadenza.sh and through `cadenza run`;
#  - a failing call leaves nothing behind: no folder, no config, no .part file, whether it
#    fails on an option, on a missing network folder, or on one existing file it may not
#    replace (then no other file is written either);
#  - --config-file names the simulation config under --split-configs too, and that folder runs.
#   create_env_rerun.sh CADENZA
set -u
cadenza=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export CADENZA="$cadenza" # for the generated run scripts
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_envre.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
"$cadenza" generate brunel --neurons 300 --tstop 100 "$tmp/net" > /dev/null || exit 1
net="$tmp/net/network" comp="$tmp/net/components"

# runs twice
"$cadenza" create-environment -n "$net" -c "$comp" --tstop 100 --dt 0.1 \
  --spikes-inputs "external:$tmp/net/inputs/external_spikes.h5" pointnet "$tmp/env" > /dev/null || exit 1
for i in 1 2; do
  "$tmp/env/run_cadenza.sh" --no-progress -q > "$tmp/run$i.txt" 2>&1 || { cat "$tmp/run$i.txt"; fail "run_cadenza.sh run $i failed"; }
done
(cd "$tmp/env" && "$cadenza" run config.json --no-progress -q > "$tmp/run3.txt" 2>&1) ||
  { cat "$tmp/run3.txt"; fail "cadenza run config.json after two runs failed"; }
[ -f "$tmp/env/output/spikes.h5" ] || fail "no spikes after the re-runs"
echo "create-environment: the folder runs three times"

# failures leave nothing
nothing_in() { # dir what
  [ ! -e "$1" ] || fail "$2 left $(find "$1" | tr '\n' ' ')"
}
"$cadenza" create-environment -n "$net" -c "$tmp/c1" --iclamp 1,2 pointnet "$tmp/bad1" > /dev/null 2>&1
[ $? -eq 2 ] || fail "a bad --iclamp was not refused with exit 2"
nothing_in "$tmp/bad1" "a bad --iclamp"
nothing_in "$tmp/c1" "a bad --iclamp (components)"
"$cadenza" create-environment -n "$tmp/nonet" -c "$tmp/c2" pointnet "$tmp/bad2" > /dev/null 2>&1
[ $? -ne 0 ] || fail "a missing network folder was not refused"
nothing_in "$tmp/bad2" "a missing network folder"
nothing_in "$tmp/c2" "a missing network folder (components)"
mkdir "$tmp/bad3"
echo '{}' > "$tmp/bad3/node_sets.json"
"$cadenza" create-environment -n "$net" -c "$tmp/c3" pointnet "$tmp/bad3" > /dev/null 2> "$tmp/err3.txt"
[ $? -eq 3 ] || fail "an existing node_sets.json was replaced without --overwrite"
grep -q "node_sets.json" "$tmp/err3.txt" || fail "the message does not name node_sets.json"
[ "$(ls -A "$tmp/bad3")" = "node_sets.json" ] && [ "$(cat "$tmp/bad3/node_sets.json")" = '{}' ] ||
  fail "a refused call wrote into the folder: $(ls -A "$tmp/bad3" | tr '\n' ' ')"
nothing_in "$tmp/c3" "a refused call (components)"
echo "create-environment: a failing call leaves no files"

# --config-file with --split-configs
"$cadenza" create-environment -n "$net" -c "$comp" --tstop 100 --dt 0.1 --split-configs --config-file sim.json \
  --spikes-inputs "external:$tmp/net/inputs/external_spikes.h5" pointnet "$tmp/split" > /dev/null || exit 1
[ -f "$tmp/split/sim.json" ] && [ -f "$tmp/split/circuit_config.json" ] || fail "--config-file sim.json: $(ls "$tmp/split")"
[ ! -e "$tmp/split/simulation_config.json" ] || fail "--config-file was ignored under --split-configs"
grep -q 'circuit_config.json' "$tmp/split/sim.json" || fail "sim.json does not point to circuit_config.json"
grep -q 'run sim.json' "$tmp/split/run_cadenza.sh" || fail "run_cadenza.sh does not run sim.json"
"$tmp/split/run_cadenza.sh" --no-progress -q > "$tmp/split.txt" 2>&1 || { cat "$tmp/split.txt"; fail "the split folder did not run"; }
"$cadenza" compare "$tmp/env/output/spikes.h5" "$tmp/split/output/spikes.h5" -q > /dev/null ||
  fail "the split folder gives other spikes than the single config"
echo "create-environment: --config-file names the simulation config under --split-configs"
