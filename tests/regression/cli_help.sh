#!/usr/bin/env bash
# Usage for every command: `cadenza help`, `cadenza help CMD`, `cadenza CMD --help` and
# `cadenza CMD -h` exit 0 and print a usage line naming the command; an unknown help topic
# exits 2. `cadenza run FOLDER` runs FOLDER/config.json, and a folder without one is refused
# (exit 2) with a message that names the files looked for.
#   cli_help.sh CADENZA
set -u
cadenza=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_help.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*"; exit 1; }
"$cadenza" help > "$tmp/all.txt" || fail "cadenza help failed"
for cmd in run check compare plot stats create-environment generate partition dry-run; do
  grep -q "^  cadenza $cmd " "$tmp/all.txt" || fail "cadenza help does not show $cmd"
done
for args in "run" "check" "compare" "plot" "plot raster" "plot scaling" "stats" "stats ks" "create-environment" \
  "generate" "generate brunel" "generate microcircuit" "generate hpc" "partition" "dry-run" "help"; do
  cmd=${args%% *}
  for h in --help -h; do
    # shellcheck disable=SC2086
    "$cadenza" $args $h > "$tmp/out.txt" 2> "$tmp/err.txt"
    rc=$?
    [ $rc -eq 0 ] || fail "cadenza $args $h: exit $rc: $(cat "$tmp/err.txt")"
    head -1 "$tmp/out.txt" | grep -q "^Usage:" || fail "cadenza $args $h: no usage line"
    grep -q "^  cadenza $cmd " "$tmp/out.txt" || fail "cadenza $args $h: the usage does not show cadenza $cmd"
  done
  "$cadenza" help "$cmd" > "$tmp/one.txt" || fail "cadenza help $cmd failed"
  grep -q "^  cadenza $cmd " "$tmp/one.txt" || fail "cadenza help $cmd: no usage of $cmd"
done
# one command's help is that command's, not everything
! grep -q "cadenza stats" "$tmp/one.txt" || fail "cadenza help help shows other commands"
"$cadenza" help nosuch > /dev/null 2>&1
[ $? -eq 2 ] || fail "cadenza help nosuch did not exit 2"
echo "help: every command prints its usage"

# run FOLDER
"$cadenza" generate brunel --neurons 200 --tstop 50 "$tmp/net" > /dev/null || exit 1
"$cadenza" run "$tmp/net" -o "$tmp/out" --no-progress -q > /dev/null 2>&1 || fail "cadenza run FOLDER failed"
[ -f "$tmp/out/spikes.h5" ] || fail "cadenza run FOLDER wrote no spikes"
mkdir "$tmp/empty"
"$cadenza" run "$tmp/empty" > /dev/null 2> "$tmp/err.txt"
rc=$?
[ $rc -eq 2 ] || fail "cadenza run on a folder without a config: exit $rc, expected 2"
grep -q "config.json" "$tmp/err.txt" && grep -q "simulation_config.json" "$tmp/err.txt" ||
  fail "the message does not name the configs looked for: $(cat "$tmp/err.txt")"
echo "run FOLDER: runs its config.json; a folder without one is refused"
