#!/usr/bin/env bash
# Determinism across ranks, threads and partitioners: runs one simulation folder for
# (ranks, threads) in {(1,1), (2,1), (3,1), (4,1), (1,2), (2,2)} x {metis, round-robin} and
# requires every spikes.h5, spikes.csv and report file (any other .h5 in the output folder)
# to be byte-for-byte the (1, 1, metis) one; with a reference file, every run must also match
# it.
#   ranks.sh MPIEXEC CADENZA CONFIG [--data-relative] [--brunel] [--run-option OPT]... [--reference FILE [cadenza compare options...]]
# --brunel generates the bundled Brunel network (CONFIG is then ignored). Exit 77 when the
# shared data are not there.
set -u
mpiexec=$1 cadenza=$2 cfg=$3
shift 3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ranks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
reference=""
compare_opts=()
run_opts=()
while [ $# -gt 0 ]; do
  case $1 in
    --data-relative)
      data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
      cfg="$data/$cfg"
      if [ ! -f "$cfg" ]; then echo "shared data not found ($cfg): skipped"; exit 77; fi ;;
    --brunel)
      "$cadenza" generate brunel --neurons 1000 --tstop 200 --seed 3 "$tmp/net" > /dev/null || exit 1
      cfg="$tmp/net/config.json" ;;
    --run-option) run_opts+=("$2"); shift ;;
    --reference) reference=$2; shift; shift; compare_opts=("$@"); break ;;
  esac
  shift
done
if [ -n "$reference" ] && [ "${reference#/}" = "$reference" ]; then reference="$(dirname "$cfg")/$reference"; fi
cd "$(dirname "$cfg")" || exit 1

run() {  # ranks threads partition
  local out="$tmp/r$1_t$2_$3"
  "$mpiexec" --oversubscribe -np "$1" "$cadenza" run "$cfg" --output-dir "$out" --threads "$2" --partition "$3" \
    --no-progress -q "${run_opts[@]}" > "$out.log" 2>&1 || { cat "$out.log"; return 1; }
  if [ -n "$reference" ]; then "$cadenza" compare "$reference" "$out/spikes.h5" "${compare_opts[@]}" > "$out.cmp" || { cat "$out.cmp"; return 1; }; fi
  if [ "$out" != "$tmp/r1_t1_metis" ]; then
    cmp "$tmp/r1_t1_metis/spikes.h5" "$out/spikes.h5" || return 1
    if [ -f "$out/spikes.csv" ]; then cmp "$tmp/r1_t1_metis/spikes.csv" "$out/spikes.csv" || return 1; fi
    for f in "$tmp/r1_t1_metis"/*.h5; do
      [ "$(basename "$f")" = spikes.h5 ] && continue
      cmp "$f" "$out/$(basename "$f")" || return 1
      reports=" and $(basename "$f")"
    done
  fi
  echo "ranks=$1 threads=$2 partition=$3: identical spikes${reports:-}${reference:+, matches the reference}"
}

for part in metis round-robin; do
  for rt in "1 1" "2 1" "3 1" "4 1" "1 2" "2 2"; do
    # shellcheck disable=SC2086
    run $rt "$part" || exit 1
  done
done
