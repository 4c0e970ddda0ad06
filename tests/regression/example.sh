#!/usr/bin/env bash
# Checks a simulation folder (`cadenza check` finds no error), then runs it with 1 and with 2
# threads: both must write a valid SONATA spikes file with every spike in (0, tstop], the two
# runs must write identical spike files (h5 and csv), and the 1-thread run must show what the
# folder drives, as the options below say.
#   example.sh CADENZA SPIKES_COMPARE CONFIG [options]
#   --data-relative          CONFIG is relative to the shared data folder (exit 77 when absent)
#   --tstop MS               the run's tstop: spikes later than it are invalid
#   --min-spikes N           at least N spikes
#   --spikes N               exactly N spikes (the engine is deterministic; NEST semantics)
#   --spikes-in T0 T1 MIN MAX  between MIN and MAX spikes in (T0, T1] ms
#   --report-check TOOL      tests/tools/report_check, for the two report checks below
#   --report-spikes DROP_MV  membrane_potential.h5 has Cadenza's layout and its traces agree
#                            with the spikes: a fall of more than DROP_MV to the reset at each
#                            spike, and only then
#   --clamp-trace POP "NODES" DT "AMP DELAY DURATION ..."
#                            the recorded iaf_psc_delta cells (NEST defaults: E_L -70 mV,
#                            C_m 250 pF, tau_m 10 ms) follow the closed-form response to the
#                            current steps (pA) to 1e-9 mV
#   --reference FILE [cadenza compare options...]
#                            (last) the spikes match FILE (relative to CONFIG's folder)
set -u
cadenza=$1 compare=$2 cfg=$3
shift 3
min_spikes=0 exact_spikes="" tstop="" report_check="" report_drop="" reference=""
windows=() clamp_pop="" clamp_nodes="" clamp_dt="" clamp_steps="" reference_opts=()
while [ $# -gt 0 ]; do
  case $1 in
    --data-relative)
      data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
      cfg="$data/$cfg"
      if [ ! -f "$cfg" ]; then echo "shared data not found ($cfg): skipped"; exit 77; fi ;;
    --min-spikes) min_spikes=$2; shift ;;
    --spikes) exact_spikes=$2; shift ;;
    --tstop) tstop=$2; shift ;;
    --spikes-in) windows+=("$2 $3 $4 $5"); shift 4 ;;
    --report-check) report_check=$2; shift ;;
    --report-spikes) report_drop=$2; shift ;;
    --clamp-trace) clamp_pop=$2 clamp_nodes=$3 clamp_dt=$4 clamp_steps=$5; shift 4 ;;
    --reference) reference=$2; shift 2; reference_opts=("$@"); break ;;
    *) echo "example.sh: unknown option $1"; exit 2 ;;
  esac
  shift
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ex.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$cfg")" || exit 1
"$cadenza" check "$cfg" -o "$tmp/check" > "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
tail -n 1 "$tmp/check.log"
tstop_opt=()
if [ -n "$tstop" ]; then tstop_opt=(--tstop "$tstop"); fi
for t in 1 2; do
  "$cadenza" run "$cfg" --output-dir "$tmp/t$t" --threads "$t" --no-progress -q > "$tmp/t$t.log" || { cat "$tmp/t$t.log"; exit 1; }
  out=$("$compare" --validate "$tmp/t$t/spikes.h5" "${tstop_opt[@]}") || { echo "$out"; exit 1; }
  echo "threads=$t: $out"
done
"$compare" "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" --exact || exit 1
if command -v h5diff > /dev/null; then h5diff "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" || exit 1; fi
if [ -f "$tmp/t1/spikes.csv" ]; then cmp "$tmp/t1/spikes.csv" "$tmp/t2/spikes.csv" || exit 1; fi
echo "1 and 2 threads give identical spikes"

spikes="$tmp/t1/spikes.h5"
n=$(echo "$out" | sed -n 's/.* \([0-9]*\) spikes$/\1/p')
if [ "${n:-0}" -lt "$min_spikes" ]; then echo "expected at least $min_spikes spikes, got ${n:-0}"; exit 1; fi
if [ -n "$exact_spikes" ] && [ "${n:-0}" -ne "$exact_spikes" ]; then
  echo "expected $exact_spikes spikes, got ${n:-0}"; exit 1
fi
# spikes in (T0, T1]: `cadenza compare` of the file with itself counts them per population
for w in "${windows[@]}"; do
  read -r t0 t1 lo hi <<< "$w"
  c=$("$cadenza" compare "$spikes" "$spikes" --tmin "$t0" --tmax "$t1" |
      awk '/^population / && match($0, /: [0-9]+ vs /) { s += substr($0, RSTART + 2, RLENGTH - 6) } END { print s + 0 }')
  echo "spikes in ($t0, $t1] ms: $c (expected $lo to $hi)"
  [ "$c" -ge "$lo" ] && [ "$c" -le "$hi" ] || exit 1
done
if [ -n "$report_drop" ]; then
  "$report_check" layout "$tmp/t1/membrane_potential.h5" --strict || exit 1
  "$report_check" spikes "$tmp/t1/membrane_potential.h5" "$spikes" "$report_drop" || exit 1
fi
if [ -n "$clamp_nodes" ]; then
  # shellcheck disable=SC2086  # the node list and the steps are lists of words
  for node in $clamp_nodes; do
    "$report_check" clamps "$tmp/t1/membrane_potential.h5" "$clamp_pop" "$node" -70 250 10 "$clamp_dt" $clamp_steps ||
      exit 1
  done
fi
if [ -n "$reference" ]; then
  "$cadenza" compare "$reference" "$spikes" "${reference_opts[@]}" || exit 1
fi
