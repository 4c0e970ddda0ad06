#!/usr/bin/env bash
# timers.json (src/app/timing.h): present after a run of the bundled Brunel network on one
# rank with two threads and on two ranks, with every phase, consistent min/avg/max, and
# phases that add up to no more than the phase holding them; with --log-all-ranks, rank 1
# writes a log of its own.
#   timers.sh MPIEXEC CADENZA TIMERS_CHECK
set -u
mpiexec=$1 cadenza=$2 check=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_timers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate brunel --neurons 1000 --tstop 300 "$tmp/net" > /dev/null || exit 1
"$cadenza" run "$tmp/net/config.json" -o "$tmp/t2" --threads 2 --no-progress -q > /dev/null || exit 1
"$check" "$tmp/t2/timers.json" 1 2 || exit 1
if [ "$mpiexec" != none ]; then
  "$mpiexec" --oversubscribe -np 2 "$cadenza" run "$tmp/net/config.json" -o "$tmp/r2" --no-progress --log-all-ranks \
    > "$tmp/r2.out" 2>&1 || { cat "$tmp/r2.out"; exit 1; }
  "$check" "$tmp/r2/timers.json" 2 1 || exit 1
  # --log-all-ranks: rank 1 keeps its own log; the console shows rank 0's lines once
  grep -q "Running simulation" "$tmp/r2/log.rank1.txt" || { echo "rank 1 wrote no log"; exit 1; }
  [ "$(grep -c "Running simulation" "$tmp/r2.out")" -eq 1 ] || { echo "the console shows more than rank 0"; exit 1; }
fi
