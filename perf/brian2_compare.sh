#!/usr/bin/env bash
# Side by side with Brian2: the same Brunel network (`cadenza generate brunel`; Brian2 reads
# the very same SONATA files, perf/brian2_brunel.py) simulated by Cadenza and by Brian2's
# cpp_standalone mode, on each thread count, in one invocation on one machine. Prints the time
# of each simulator's simulation phase, the ratio, and the spike statistics of both (rates of
# the excitatory and inhibitory neurons, CV of the interspike intervals, Fano factor of the
# population count in 1 ms bins) to show they simulate the same thing.
#
#   perf/brian2_compare.sh                     N = 10000, 1 s, threads 1 and 2
# Environment: N (10000), TSTOP (1000 ms), THREADS ("1 2"), REPEAT (3: best of that many
# Cadenza runs and Brian2 program runs), CADENZA (an executable; default: build/ in Release),
# WORK_DIR (kept; default a temporary folder), NO_INSTALL=1 (do not apt-get install
# python3-brian and python3-h5py-serial when missing).
#
# Timings compared: Cadenza's "run" phase (timers.json, the slowest rank) against the network
# run inside Brian2's compiled program (its own measure). Neither includes loading or building
# the network; Brian2's code generation and compilation are reported apart.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${N:-10000} tstop=${TSTOP:-1000} threads=${THREADS:-"1 2"} repeat=${REPEAT:-3}
py=/usr/bin/python3   # Debian's interpreter: the one that sees python3-brian

if [ "${NO_INSTALL:-0}" != 1 ] && ! "$py" -c 'import brian2, h5py' 2> /dev/null; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    python3-brian python3-h5py-serial g++ > /dev/null
fi
"$py" -c 'import brian2, h5py' || { echo "brian2_compare: Brian2 or h5py missing for $py" >&2; exit 2; }

cadenza=${CADENZA:-}
# shellcheck source=perf/lib.sh
. "$root/perf/lib.sh"
[ -n "$cadenza" ] || cadenza=$(perf_build_cadenza "$root")
work=${WORK_DIR:-}
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/cz_brian2.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
"$cadenza" generate brunel --neurons "$n" --tstop "$tstop" --overwrite "$work/net" > /dev/null
n_e=$(( (n * 4 + 2) / 5 ))

json_field() { sed -n "s/.*\"$2\": \([0-9.eE+-]*\).*/\1/p" <<< "$1"; }
best() { sort -g | head -n 1; }
run_phase() {  # timers.json -> the run phase's max over ranks
  "$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); print([p["max"] for p in d["phases"] if p["name"] == "run"][0])' "$1"
}

printf '%-8s %14s %14s %8s   %s\n' threads "cadenza run s" "brian2 run s" ratio "(Brian2 compile s)"
for t in $threads; do
  cz=$(for _ in $(seq "$repeat"); do
         "$cadenza" run "$work/net/config.json" --output-dir "$work/cadenza_t$t" --threads "$t" --no-progress -q > /dev/null 2>&1
         run_phase "$work/cadenza_t$t/timers.json"
       done | best)
  line=$(OMP_NUM_THREADS=$t "$py" "$root/perf/brian2_brunel.py" "$work/net" "$work/brian2_t$t" "$t" 2> "$work/brian2_t$t.log" | tail -n 1)
  [ -n "$line" ] || { tail -n 20 "$work/brian2_t$t.log" >&2; exit 1; }
  br=$(json_field "$line" run_s)
  for _ in $(seq 2 "$repeat"); do  # the compiled program again; it writes its run time itself
    (cd "$work/brian2_t$t/brian2_build" && OMP_NUM_THREADS=$t ./main > /dev/null)
    again=$(awk '{ print $1 }' "$work/brian2_t$t/brian2_build/results/last_run_info.txt")
    br=$(printf '%s\n%s\n' "$br" "$again" | best)
  done
  ratio=$(awk -v a="$br" -v b="$cz" 'BEGIN { printf "%.2f", a / b }')
  printf '%-8s %14.3f %14.3f %7sx   (%.1f)\n' "$t" "$cz" "$br" "$ratio" "$(json_field "$line" compile_s)"
  echo "RESULT threads=$t n=$n tstop_ms=$tstop cadenza_run_s=$cz brian2_run_s=$br ratio=$ratio" >> "$work/results.txt"
done

first=${threads%% *}
echo
echo "spike statistics over (100, $tstop] ms (threads=$first):"
printf '  cadenza: %s\n' "$("$py" "$root/perf/spike_stats.py" "$work/cadenza_t$first/spikes.h5" "$n_e" "$tstop" 2> /dev/null)"
printf '  brian2:  %s\n' "$("$py" "$root/perf/spike_stats.py" "$work/brian2_t$first/brian2_spikes.npz" "$n_e" "$tstop" 2> /dev/null)"
cat "$work/results.txt"
