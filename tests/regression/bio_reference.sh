#!/usr/bin/env bash
# Runs a BMTK BioNet folder of the shared data unchanged with `cadenza run` and compares what
# it writes with the NEURON outputs shipped beside it: the spikes with `cadenza compare`, every
# report file of the reference folder with `report_check match` (same rows, mapping and time;
# per-column RMS difference bounded). `cadenza check` must find the folder clean.
#   bio_reference.sh CADENZA REPORT_CHECK CONFIG_REL REF_DIR SPIKE_TOL RMS_TOL [REPORT=RMS_TOL ...]
#                    [ecp=FILE:ROWS:REL ...] [-- RUN_OPTIONS...]
# REF_DIR is relative to the config's folder. REPORT=RMS_TOL sets another bound for one report
# file (its name without .h5). ecp=FILE:ROWS:REL compares the run's ecp.h5 with FILE (relative
# to the config's folder) over its first ROWS rows, each channel's RMS error at most REL of
# the channel's RMS (`report_check ecp`). Exit 77 (skipped) when the shared data are not there.
set -u
cadenza=$1 report_check=$2 rel=$3 ref=$4 spike_tol=$5 rms_tol=$6
shift 6
declare -A tol_of=()
ecps=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    ecp=*) ecps+=("${1#ecp=}") ;;
    *) tol_of[${1%%=*}]=${1#*=} ;;
  esac
  shift
done
[ $# -gt 0 ] && shift
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
cfg="$data/$rel"
if [ ! -f "$cfg" ]; then
  echo "shared data not found ($cfg): skipped"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_bioref.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dir=$(dirname "$cfg")
cd "$dir" || exit 1 # BMTK runs from the config's folder
"$cadenza" check "$cfg" -o "$tmp/check" > "$tmp/check.txt" 2>&1 || { cat "$tmp/check.txt"; exit 1; }
"$cadenza" run "$cfg" --output-dir "$tmp/out" --no-progress -q "$@" || exit 1
"$cadenza" compare "$dir/$ref/spikes.h5" "$tmp/out/spikes.h5" --tolerance "$spike_tol" || exit 1
n=0
for f in "$dir/$ref"/*.h5; do
  name=$(basename "$f" .h5)
  [ "$name" = spikes ] || [ "$name" = ecp ] && continue
  [ -f "$tmp/out/$name.h5" ] || { echo "no $name.h5 written"; exit 1; }
  "$report_check" match "$f" "$tmp/out/$name.h5" "${tol_of[$name]:-$rms_tol}" || exit 1
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "the reference folder $ref holds no report"; exit 1; }
for e in "${ecps[@]}"; do
  IFS=: read -r file rows rel <<< "$e"
  "$report_check" ecp "$dir/$file" "$tmp/out/ecp.h5" "$rows" "$rel" || exit 1
  n=$((n + 1))
done
echo "spikes and $n report(s) match NEURON's"
