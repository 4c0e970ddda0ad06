#!/usr/bin/env bash
# Weak-scaling memory of one rank by dry run (`cadenza dry-run`): the HPC benchmark at --scale S
# per rank (11250 S neurons with 11250 synapses each per rank), T threads per rank, for each R
# of --ranks. For each R it builds rank 0's share and the last rank's (to show that ranks
# agree), each in a process of its own, the edges drawn from the generator, and appends one
# JSON row per share to OUT (the dry run's --json object plus date and commit). Then it prints
# a Markdown table: per-rank peak memory (VmHWM), table bytes, bytes per synapse and per source,
# and the ratio of each peak to the R = 1 peak, and checks the bound of weak scaling: the peak
# at the largest R is at most 1.2 times the peak at R = 1.
#
#   perf/dry_run_memory.sh [--scale S (1)] [--threads T (8)] [--ranks "1 4 16 64 256 1024"]
#                          [--out FILE (dry_run_memory.jsonl)] [--cadenza PATH] [--table-only] [--check]
#
#   --table-only  only print the table of the rows already in OUT
#   --check       exit 1 when the bound does not hold
#
# Each share builds 1.27e8 synapses at scale 1 (0.8 GiB; 15 s at R = 1 and about a minute at
# R = 1024 on two cores, where the generator draws the share from 1.15e7 source gids).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scale=1 threads=8 ranks="1 4 16 64 256 1024" out=dry_run_memory.jsonl cadenza="" table_only=0 check=0
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --cadenza) cadenza=$2; shift 2 ;;
    --table-only) table_only=1; shift ;;
    --check) check=1; shift ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "dry_run_memory.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$cadenza" ]; then
  # shellcheck source=perf/lib.sh
  . "$root/perf/lib.sh"
  cadenza=$(perf_build_cadenza "$root")
fi

if [ $table_only -eq 0 ]; then
  commit=$(git -C "$root" describe --always --dirty 2> /dev/null || echo unknown)
  for r in $ranks; do
    shares=0
    [ "$r" -gt 1 ] && shares="0 $((r - 1))"
    for k in $shares; do
      net_scale=$(awk -v s="$scale" -v r="$r" 'BEGIN { printf "%.17g", s * r }')  # weak scaling: S per rank
      row=$("$cadenza" dry-run --ranks "$r" --rank "$k" --threads "$threads" --json hpc --scale "$net_scale")
      printf '{"date": "%s", "commit": "%s", %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" "${row#\{}" >> "$out"
      echo "R=$r rank $k done" >&2
    done
  done
fi

# The table: the last row of each (ranks, rank) at this scale per rank and thread count.
awk -v scale="$scale" -v threads="$threads" -v check="$check" '
  function in_text(text, key,   m) {  # the first value of key in text
    if (match(text, "\"" key "\": [-0-9.e+]+")) { m = substr(text, RSTART, RLENGTH); sub(/.*: /, "", m); return m + 0 }
    return -1
  }
  function num(key) { return in_text($0, key) }  # top-level keys precede the nested ones
  function bytes(key) { return match($0, /"bytes": [{][^}]*[}]/) ? in_text(substr($0, RSTART, RLENGTH), key) : -1 }
  function kib(b) { return b < 0 ? "–" : b < 1024 ? sprintf("%d B", b) : sprintf("%.1f KiB", b / 1024) }
  function near(a, b) { return a - b < 1e-9 * b && b - a < 1e-9 * b }
  near(num("hpc_scale") / num("ranks"), scale + 0) && num("threads") == threads + 0 {
    key = num("ranks") " " num("rank")
    if (!(key in row)) order[n++] = key
    row[key] = $0
  }
  END {
    mib = 1048576
    printf "| R | rank | neurons | synapses | sources here | source index | gid map | placement | synapse arrays | send lists (est.) | circuit nodes | B/synapse | B/source | peak | peak / peak(R=1) | build |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    base = 0; last = 0; lastr = 0
    for (i = 0; i < n; i++) {
      $0 = row[order[i]]
      R = num("ranks"); peak = num("peak_rss")
      if (R == 1) base = peak
      if (R >= lastr && num("rank") == 0) { lastr = R; last = peak }
      ratio = base > 0 ? sprintf("%.2f", peak / base) : "–"
      printf "| %d | %d | %d | %.3g | %d | %.1f MiB | %.1f MiB | %s | %.1f MiB | %.1f MiB | %.1f MiB | %.2f | %.1f | %.0f MiB | %s | %.0f s |\n",
        R, num("rank"), num("neurons"), num("synapses"), num("sources_here"), bytes("source_index") / mib,
        bytes("gid_map") / mib, kib(bytes("placement")),
        (bytes("synapses") + bytes("plastic")) / mib, bytes("send_lists_estimated") / mib,
        bytes("circuit_nodes") / mib,
        num("bytes_per_synapse"), num("bytes_per_source"), peak / mib, ratio, num("build_s")
    }
    if (base > 0 && lastr > 1) {
      ok = last <= 1.2 * base
      printf "\nbound: peak at R = %d is %.2f x the peak at R = 1 (limit 1.2): %s\n", lastr, last / base, ok ? "holds" : "fails"
      if (check && !ok) exit 1
    }
  }' "$out"
