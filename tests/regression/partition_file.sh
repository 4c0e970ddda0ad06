#!/usr/bin/env bash
# Partition files: `cadenza partition` writes a placement that a 2-rank run reuses, giving the
# same spikes as 1 rank; a partition file that misses a node (made for a smaller network) stops
# every rank with exit 2, one error line and no output, instead of leaving a rank waiting (a
# hang is stopped after 120 s: the run takes well under a second, so only a hang gets there).
#   partition_file.sh MPIEXEC CADENZA
set -u
mpiexec=$1 cadenza=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_partfile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate brunel --neurons 300 --tstop 100 "$tmp/net" > /dev/null || exit 1
"$cadenza" generate brunel --neurons 299 --tstop 100 "$tmp/small" > /dev/null || exit 1
"$cadenza" partition "$tmp/net/config.json" --ranks 2 --method metis -o "$tmp/p2.h5" || exit 1
"$cadenza" partition "$tmp/small/config.json" --ranks 2 -o "$tmp/small.h5" > /dev/null || exit 1

"$cadenza" run "$tmp/net/config.json" -o "$tmp/one" --no-progress -q > /dev/null || exit 1
"$mpiexec" --oversubscribe -np 2 "$cadenza" run "$tmp/net/config.json" -o "$tmp/two" --partition "$tmp/p2.h5" \
  --no-progress -q > /dev/null || exit 1
cmp "$tmp/one/spikes.h5" "$tmp/two/spikes.h5" || exit 1
echo "2 ranks with the partition file: identical spikes"

timeout -k 10 120 "$mpiexec" --oversubscribe -np 2 "$cadenza" run "$tmp/net/config.json" -o "$tmp/bad" --partition "$tmp/small.h5" \
  --no-progress > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || { echo "bad partition file: the ranks did not stop (killed after 120 s)"; exit 1; }
lines=$(grep -c '^cadenza: error:' "$tmp/err")
echo "bad partition file: exit $rc, $lines error line(s): $(grep '^cadenza: error:' "$tmp/err")"
[ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -e "$tmp/bad" ] &&
  grep -q 'small.h5' "$tmp/err" && grep -q 'brunel' "$tmp/err"
