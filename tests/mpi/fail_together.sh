#!/usr/bin/env bash
# Ranks fail together: a folder whose recurrent edges file is truncated must make every rank
# stop during setup, with exit code 2, one "cadenza: error:" line (rank 0 reports once), no
# output folder, and no rank left waiting in a collective (well within the timeout).
#   fail_together.sh MPIEXEC CADENZA NRANKS
set -u
mpiexec=$1 cadenza=$2 nranks=${3:-2}
base=${CZ_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base" || exit 1
tmp=$(mktemp -d "$base/cz_fail_together.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/net

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$tmp/stdout"; echo "--- stderr"; cat "$tmp/stderr"; exit 1; }

"$cadenza" generate brunel --neurons 200 --tstop 50 "$dir" > "$tmp/gen.log" 2>&1 || { cat "$tmp/gen.log"; exit 1; }
edges=$dir/network/brunel_brunel_edges.h5
[ -f "$edges" ] || { echo "FAIL: the generator wrote no $edges"; exit 1; }
size=$(stat -c %s "$edges")
truncate -s $((size / 2)) "$edges" || exit 1

start=$(date +%s)
timeout 60 "$mpiexec" --oversubscribe -np "$nranks" "$cadenza" run "$dir/config.json" -o "$dir/out" --no-progress \
  > "$tmp/stdout" 2> "$tmp/stderr"
rc=$?
elapsed=$(( $(date +%s) - start ))

[ "$rc" -ne 124 ] || fail "still running after 60 s: a rank waits for another (np $nranks)"
[ "$rc" -eq 2 ] || fail "exit code $rc, expected 2 (np $nranks)"
[ "$elapsed" -lt 30 ] || fail "took $elapsed s to fail (np $nranks)"
errors=$(grep -c '^cadenza: error:' "$tmp/stderr")
[ "$errors" -eq 1 ] || fail "$errors 'cadenza: error:' lines on stderr, expected 1 (np $nranks)"
[ ! -e "$dir/out" ] || fail "the output folder $dir/out was created (np $nranks)"
echo "np $nranks: exit 2 after $elapsed s, one error line: $(grep '^cadenza: error:' "$tmp/stderr")"
