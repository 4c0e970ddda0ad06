#!/usr/bin/env bash
# `cadenza run` options on the bundled Brunel network:
#  - --progress prints progress lines even when output.quiet_simulator is true, which
#    otherwise silences them;
#  - the closing timer report is one line unless --verbose, which prints the full table;
#  - --seed seeds an online Poisson input that names no seed of its own: the same --seed gives
#    the same spikes, another --seed other spikes, no --seed the same as --seed 1 (the
#    default), and an input's own "seed" wins over --seed;
#  - a non-zero run.tstart is refused (exit 2) naming the key, and nothing is written.
#   run_options.sh CADENZA
set -u
cadenza=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_runopt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
"$cadenza" generate brunel --neurons 400 --tstop 100 "$tmp/net" > /dev/null || exit 1
cfg="$tmp/net/config.json"

# --progress and quiet_simulator
sed 's/"overwrite_output_dir":/"quiet_simulator": true, "overwrite_output_dir":/' "$cfg" > "$tmp/net/quiet.json"
grep -q quiet_simulator "$tmp/net/quiet.json" || fail "could not write the quiet_simulator config"
"$cadenza" run "$tmp/net/quiet.json" -o "$tmp/q1" > "$tmp/q1.txt" 2>&1 || { cat "$tmp/q1.txt"; exit 1; }
! grep -q '\[100%\]' "$tmp/q1.txt" || fail "quiet_simulator did not silence the progress lines"
"$cadenza" run "$tmp/net/quiet.json" -o "$tmp/q2" --progress > "$tmp/q2.txt" 2>&1 || { cat "$tmp/q2.txt"; exit 1; }
grep -q '\[100%\] t=100.0/100.0 ms' "$tmp/q2.txt" || fail "--progress printed no progress line under quiet_simulator"
echo "--progress: shown under quiet_simulator"

# the timer report: one line, or the table with --verbose
"$cadenza" run "$cfg" -o "$tmp/v0" > "$tmp/v0.txt" 2>&1 || { cat "$tmp/v0.txt"; exit 1; }
[ "$(grep -c 'Timers' "$tmp/v0.txt")" -eq 1 ] || fail "no timer line"
grep 'Timers' "$tmp/v0.txt" | grep -q 'run\.update' || fail "the timer line lacks the run's parts"
! grep -qE '^\S+ \S+ \[INFO\] +run\.update' "$tmp/v0.txt" || fail "the full timer table was printed without --verbose"
"$cadenza" run "$cfg" -o "$tmp/v1" --verbose > "$tmp/v1.txt" 2>&1 || { cat "$tmp/v1.txt"; exit 1; }
[ "$(grep -cE '\[INFO\] +(total|setup\.|run|output)' "$tmp/v1.txt")" -ge 14 ] || fail "--verbose printed no full table"
[ -f "$tmp/v0/timers.json" ] || fail "no timers.json"
echo "timers: one line, the table with --verbose"

# --seed and an online Poisson input
drive='"drive": {"input_type": "poisson", "module": "poisson_generator", "node_set": "brunel", "rate": 3000.0, "weight": 0.2, "delay": 1.5'
sed "s/\"inputs\":[[:space:]]*{/\"inputs\": {$drive},/" "$cfg" > "$tmp/net/poisson.json"
sed "s/\"inputs\":[[:space:]]*{/\"inputs\": {$drive, \"seed\": 7},/" "$cfg" > "$tmp/net/poisson7.json"
grep -q poisson_generator "$tmp/net/poisson.json" && grep -q '"seed": 7' "$tmp/net/poisson7.json" ||
  fail "could not write the Poisson configs"
run() { # config outdir [options]
  local c=$1 o=$2
  shift 2
  "$cadenza" run "$tmp/net/$c" -o "$tmp/$o" --no-progress -q "$@" > "$tmp/$o.txt" 2>&1 || { cat "$tmp/$o.txt"; exit 1; }
}
same() { "$cadenza" compare "$tmp/$1/spikes.h5" "$tmp/$2/spikes.h5" -q > /dev/null 2>&1; }
run poisson.json s5a --seed 5
run poisson.json s5b --seed 5 --threads 2
run poisson.json s6 --seed 6
run poisson.json s1 --seed 1
run poisson.json sdef
run poisson7.json own5 --seed 5
run poisson7.json own6 --seed 6
run config.json plain
same s5a s5b || fail "the same --seed gave other spikes"
! same s5a s6 || fail "--seed 5 and --seed 6 gave the same spikes"
same s1 sdef || fail "no --seed differs from --seed 1, the default"
! same s5a plain || fail "the Poisson input changed nothing"
same own5 own6 || fail "--seed overrode the input's own seed"
! same own5 s5a || fail "the input's own seed 7 gave the spikes of seed 5"
echo "--seed: reproducible, changes the Poisson spikes, and yields to the input's own seed"

# run.tstart
sed 's/"tstop":/"tstart": 10, "tstop":/' "$cfg" > "$tmp/net/tstart.json"
grep -q '"tstart": 10' "$tmp/net/tstart.json" || fail "could not write the tstart config"
"$cadenza" run "$tmp/net/tstart.json" -o "$tmp/ts" --no-progress > /dev/null 2> "$tmp/ts.txt"
rc=$?
[ $rc -eq 2 ] || fail "a non-zero run.tstart: exit $rc, expected 2"
grep -q 'run.tstart' "$tmp/ts.txt" || fail "the message does not name run.tstart: $(cat "$tmp/ts.txt")"
[ ! -e "$tmp/ts" ] || fail "a refused run wrote output"
"$cadenza" check "$tmp/net/tstart.json" > "$tmp/tsc.txt" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "check of a non-zero run.tstart: exit $rc, expected 2"
grep -q 'run.tstart' "$tmp/tsc.txt" || fail "check does not name run.tstart: $(cat "$tmp/tsc.txt")"
sed 's/"tstop":/"tstart": 0, "tstop":/' "$cfg" > "$tmp/net/tstart0.json"
run tstart0.json ts0
echo "run.tstart: a non-zero value is refused, 0 runs"
