#!/usr/bin/env bash
# Crash safety: 10 runs of a generated Brunel network (2000 neurons, 6 s of model time, a V_m
# report of 10 cells, blocks of 1000 steps = 100 ms) killed with SIGKILL: run i once its spike
# journal holds 6 (i - 1) blocks, after a further random 0-50 ms, so the kills fall at
# arbitrary moments inside a block and at least 9 of the 10 fall mid-run however fast or
# loaded the machine is. Whatever each leaves must open and hold complete blocks only:
#  - the report: a finished file identical to an unkilled run's, or a .part file whose rows up
#    to time[1] are, bit for bit, those of the unkilled run (report_check prefix);
#  - the spikes: a finished spikes.h5 identical to the unkilled run's, or journal files
#    (spikes.h5.blocks/block_<k>_<from>-<to>ms.h5) each holding exactly the unkilled run's
#    spikes in (from, to], without gaps between blocks.
#   crash.sh CADENZA REPORT_CHECK SPIKES_COMPARE
set -u
cadenza=$1 check=$2 compare=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_crash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate brunel --neurons 2000 --tstop 6000 --seed 5 "$tmp/net" > /dev/null || exit 1
sed -i 's/"nsteps_block":[[:space:]]*5000/"nsteps_block": 1000/' "$tmp/net/config.json"
grep -q '"nsteps_block": 1000' "$tmp/net/config.json" || { echo "could not set nsteps_block"; exit 1; }
"$cadenza" run "$tmp/net/config.json" -o "$tmp/ref" --no-progress -q > /dev/null || exit 1
[ ! -e "$tmp/ref/spikes.h5.blocks" ] || { echo "a finished run left its spike journal"; exit 1; }

check_journal() {  # out_dir -> prints the number of complete blocks
  local dir="$1/spikes.h5.blocks" prev=0 n=0 f name range from to
  [ -d "$dir" ] || { echo 0; return 0; }
  for f in $(ls "$dir" | grep '^block_.*ms\.h5$' | sort); do
    name=${f%ms.h5}
    range=${name##*_}
    from=${range%-*} to=${range#*-}
    awk -v a="$from" -v b="$prev" 'BEGIN { exit !(a == b) }' || { echo "gap before $f" >&2; return 1; }
    "$compare" "$tmp/ref/spikes.h5" "$dir/$f" --tolerance 0 --tmin "$from" --tmax "$to" > /dev/null ||
      { echo "$f differs from the unkilled run" >&2; return 1; }
    prev=$to n=$((n + 1))
  done
  echo "$n"
}

journal_blocks() {  # out_dir -> the number of finished journal blocks
  ls "$1/spikes.h5.blocks" 2> /dev/null | grep -c '^block_.*ms\.h5$'
}

RANDOM=7
mid=0
for i in 1 2 3 4 5 6 7 8 9 10; do
  out="$tmp/kill$i"
  want=$((6 * (i - 1)))
  delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.05 * r / 32767 }')
  "$cadenza" run "$tmp/net/config.json" -o "$out" --no-progress -q > /dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2> /dev/null && [ "$(journal_blocks "$out")" -lt "$want" ]; do sleep 0.01; done
  sleep "$delay"
  kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  report="absent" spikes="absent"
  if [ -f "$out/membrane_potential.h5" ]; then
    cmp "$out/membrane_potential.h5" "$tmp/ref/membrane_potential.h5" || exit 1
    report="finished"
  elif [ -f "$out/membrane_potential.h5.part" ]; then
    "$check" prefix "$out/membrane_potential.h5.part" "$tmp/ref/membrane_potential.h5" > "$tmp/prefix.txt" ||
      { cat "$tmp/prefix.txt"; exit 1; }
    report="partial: $(sed -n 's/.*: \([0-9]* of [0-9]*\) rows.*/\1 rows/p' "$tmp/prefix.txt")"
  fi
  if [ -f "$out/spikes.h5" ]; then
    cmp "$out/spikes.h5" "$tmp/ref/spikes.h5" || exit 1
    spikes="finished"
  else
    blocks=$(check_journal "$out") || exit 1
    spikes="$blocks complete blocks"
    [ "$blocks" -gt 0 ] && mid=$((mid + 1))
  fi
  echo "kill $i after $want blocks + $delay s: report $report; spikes $spikes"
done
echo "$mid of 10 runs were killed mid-run with blocks on disk"
[ "$mid" -ge 9 ]
