#!/usr/bin/env bash
# `cadenza dry-run` on the HPC benchmark at scale 0.05 (563 neurons, 11250 synapses each), for
# each rank r of R = 4 (block placement, 2 threads):
#  (a) the share read from the folder's files holds the synapses the file's target_to_source
#      index gives that rank's block of targets, and the four shares together every edge of
#      the file;
#  (b) the share drawn from the generator builds the same tables as the share read from the
#      files (equal digests), for static and for plastic (--stdp) synapses, while different
#      ranks, or another seed, give other digests;
#  (c) a partition file gives the share of the placement it holds;
#  (d) bad usage (no --rank, a rank out of range, METIS, an unknown option) exits 2.
#   dry_run.sh CADENZA
set -u
cadenza=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_dry_run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp"
R=4
# The first value of key $1 in the JSON line $2 (the top-level one: nested keys come later).
field() { grep -o "\"$1\": \"\{0,1\}[^\",}]*" <<< "$2" | head -n 1 | sed 's/.*: "\{0,1\}//'; }
"$cadenza" generate hpc --scale 0.05 "$tmp/h" > /dev/null || exit 1
"$cadenza" generate hpc --scale 0.05 --stdp "$tmp/s" > /dev/null || exit 1
edges=$tmp/h/network/hpc_hpc_edges.h5
# Every target's first and last edge, one "first last" line per target (row = node id).
h5dump -d /edges/hpc_to_hpc/indices/target_to_source/range_to_edge_id -y -w 0 -O "$edges" |
  tr ',' ' ' | awk 'NF == 2 {print $1, $2}' > "$tmp/ranges"
n=$(wc -l < "$tmp/ranges")
[ "$n" -eq 563 ] || { echo "expected 563 targets in the index, read $n"; exit 1; }
total=$(h5ls "$edges/edges/hpc_to_hpc/source_node_id" | sed -n 's/.*{\([0-9]*\)}.*/\1/p')
[ "${total:-0}" -gt 0 ] || { echo "cannot read the edge count of $edges"; exit 1; }
sum=0
declare -A seen
for kind in h s; do
  extra=""
  [ $kind = s ] && extra="--stdp"
  for ((r = 0; r < R; r++)); do
    files=$("$cadenza" dry-run --ranks $R --rank $r --threads 2 --json "$tmp/$kind") || exit 1
    gen=$("$cadenza" dry-run --ranks $R --rank $r --threads 2 --json hpc --scale 0.05 $extra) || exit 1
    df=$(field digest "$files") dg=$(field digest "$gen")
    [ -n "$df" ] && [ "$df" = "$dg" ] || { echo "$kind rank $r: files give digest $df, the generator $dg"; exit 1; }
    [ "$(field synapses "$files")" = "$(field synapses "$gen")" ] || { echo "$kind rank $r: synapse counts differ"; exit 1; }
    [ -z "${seen[$df]:-}" ] || { echo "$kind rank $r has the digest of ${seen[$df]}"; exit 1; }
    seen[$df]="$kind rank $r"
    if [ $kind = s ]; then
      [ "$(field plastic "$files")" -gt 0 ] || { echo "stdp rank $r: no plastic synapses"; exit 1; }
      continue
    fi
    # block placement: the first n % R ranks hold one neuron more
    lo=$((r * (n / R) + (r < n % R ? r : n % R)))
    cnt=$((n / R + (r < n % R ? 1 : 0)))
    want=$(awk -v lo=$lo -v hi=$((lo + cnt)) 'NR > lo && NR <= hi {s += $2 - $1} END {print s + 0}' "$tmp/ranges")
    got=$(field synapses "$files")
    [ "$(field neurons "$files")" = "$cnt" ] || { echo "rank $r: $(field neurons "$files") neurons, want $cnt"; exit 1; }
    [ "$got" = "$want" ] || { echo "rank $r: $got synapses in the share, the index gives $want"; exit 1; }
    sum=$((sum + got))
  done
done
[ "$sum" -eq "$total" ] || { echo "the shares hold $sum synapses, the file $total"; exit 1; }
echo "the 4 shares hold the file's $total synapses; generator and files give the same tables (static and stdp)"
other=$("$cadenza" dry-run --ranks $R --rank 0 --threads 2 --json hpc --scale 0.05 --seed 2) || exit 1
[ -z "${seen[$(field digest "$other")]:-}" ] || { echo "--seed 2 gives the tables of seed 1"; exit 1; }
# A partition file gives the share of the placement it holds (round-robin here, not block).
"$cadenza" partition "$tmp/h/config.json" --ranks $R --method round-robin -o "$tmp/p.h5" > /dev/null 2>&1 || exit 1
a=$("$cadenza" dry-run --ranks $R --rank 2 --json --partition "$tmp/p.h5" "$tmp/h") || exit 1
b=$("$cadenza" dry-run --ranks $R --rank 2 --json --partition round-robin "$tmp/h") || exit 1
[ "$(field digest "$a")" = "$(field digest "$b")" ] || { echo "a round-robin partition file gives another share"; exit 1; }
[ -z "${seen[$(field digest "$a")]:-}" ] || { echo "round-robin gives the block share"; exit 1; }
# The text report names the estimated parts.
"$cadenza" dry-run --ranks $R --rank 1 hpc --scale 0.05 > "$tmp/text" || exit 1
grep -q "send lists.*estimated" "$tmp/text" || { cat "$tmp/text"; exit 1; }
# On 4 ranks each neuron reaches the 3 others: its send set is a bitmap of one word, next to an
# 8-byte offset.
grep -q "send lists.*a bitmap of the 3.0 other ranks" "$tmp/text" || { cat "$tmp/text"; exit 1; }
neurons=$(field neurons "$other")
[ "$(field send_lists_estimated "$other")" = $(((neurons + 1) * 8 + neurons * 4)) ] ||
  { echo "send lists of $neurons neurons estimated at $(field send_lists_estimated "$other") bytes"; exit 1; }
grep -q "peak RSS" "$tmp/text" || { cat "$tmp/text"; exit 1; }
for bad in "--ranks 4 hpc" "--ranks 4 --rank 4 hpc" "--ranks 4 --rank 0 --partition metis hpc" \
           "--ranks 4 --rank 0 --bogus hpc" "--ranks 4 --rank 0"; do
  # shellcheck disable=SC2086
  "$cadenza" dry-run $bad > /dev/null 2>&1
  rc=$?
  [ $rc -eq 2 ] || { echo "cadenza dry-run $bad: exit $rc, want 2"; exit 1; }
done
"$cadenza" dry-run --help | grep -q "dry-run --ranks R --rank r" || exit 1
echo "bad usage exits 2"
