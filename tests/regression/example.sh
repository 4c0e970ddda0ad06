#!/usr/bin/env bash
# Checks a simulation folder (`cadenza check` finds no error), then runs it with 1 and with 2
# threads: both must write a valid SONATA spikes file, and the two runs must write identical
# spike files (h5 and csv).
#   example.sh CADENZA SPIKES_COMPARE CONFIG [--data-relative] [--min-spikes N]
# With --data-relative CONFIG is relative to the shared data folder (exit 77 when absent).
set -u
cadenza=$1 compare=$2 cfg=$3
shift 3
min_spikes=0
while [ $# -gt 0 ]; do
  case $1 in
    --data-relative)
      data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
      cfg="$data/$cfg"
      if [ ! -f "$cfg" ]; then echo "shared data not found ($cfg): skipped"; exit 77; fi ;;
    --min-spikes) min_spikes=$2; shift ;;
  esac
  shift
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ex.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$cfg")" || exit 1
"$cadenza" check "$cfg" -o "$tmp/check" > "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
tail -n 1 "$tmp/check.log"
for t in 1 2; do
  "$cadenza" run "$cfg" --output-dir "$tmp/t$t" --threads "$t" --no-progress -q > "$tmp/t$t.log" || { cat "$tmp/t$t.log"; exit 1; }
  out=$("$compare" --validate "$tmp/t$t/spikes.h5") || { echo "$out"; exit 1; }
  echo "threads=$t: $out"
done
n=$(echo "$out" | sed -n 's/.* \([0-9]*\) spikes$/\1/p')
if [ "${n:-0}" -lt "$min_spikes" ]; then
  echo "expected at least $min_spikes spikes, got ${n:-0}"
  exit 1
fi
"$compare" "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" --exact || exit 1
if command -v h5diff > /dev/null; then h5diff "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" || exit 1; fi
if [ -f "$tmp/t1/spikes.csv" ]; then cmp "$tmp/t1/spikes.csv" "$tmp/t2/spikes.csv" || exit 1; fi
echo "1 and 2 threads give identical spikes"
