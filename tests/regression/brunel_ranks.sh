#!/usr/bin/env bash
# `cadenza generate brunel` (delta and alpha) written by 1 and by 2 MPI ranks: the same bytes.
#   brunel_ranks.sh MPIEXEC CADENZA
set -u
mpiexec=$1 cadenza=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_brunel_ranks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for syn in delta alpha; do
  "$cadenza" generate brunel --synapse $syn --neurons 1500 --tstop 200 --seed 3 "$tmp/$syn.1" > /dev/null || exit 1
  "$mpiexec" -n 2 "$cadenza" generate brunel --synapse $syn --neurons 1500 --tstop 200 --seed 3 "$tmp/$syn.2" \
    > /dev/null || exit 1
  n=$(cd "$tmp/$syn.1" && find . -type f | wc -l)
  [ "$n" -ge 9 ] || { echo "only $n files written"; exit 1; }
  (cd "$tmp/$syn.1" && find . -type f | sort) | while read -r f; do cmp "$tmp/$syn.1/$f" "$tmp/$syn.2/$f" || exit 1; done ||
    exit 1
  echo "$syn: 1 and 2 ranks write the same $n files"
done
