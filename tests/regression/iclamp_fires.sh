#!/usr/bin/env bash
# A current clamp strong enough to drive the point_iclamp cells above threshold makes them
# fire, only while the clamp is on, and the same clamp at 0 pA gives no spikes.
#   iclamp_fires.sh CADENZA SPIKES_COMPARE
set -u
cadenza=$1 compare=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
circuit="$data/bmtk/examples/point_iclamp/config.circuit.json"
if [ ! -f "$circuit" ]; then echo "shared data not found ($circuit): skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_icl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

write_config() {  # amp_pA out_dir
  cat > "$tmp/config_$1.json" <<JSON
{
  "network": "$circuit",
  "run": {"tstop": 500.0, "dt": 0.1},
  "target_simulator": "NEST",
  "inputs": {
    "clamp": {"input_type": "current_clamp", "module": "IClamp", "node_set": {"population": "cortex"},
              "amp": $1, "delay": 100.0, "duration": 200.0}
  },
  "output": {"output_dir": "$2", "spikes_file": "spikes.h5", "spikes_file_csv": "spikes.csv"}
}
JSON
}

write_config 600.0 "$tmp/strong"
write_config 0.0 "$tmp/zero"
(cd "$(dirname "$circuit")" && "$cadenza" run "$tmp/config_600.0.json" --no-progress -q) || exit 1
(cd "$(dirname "$circuit")" && "$cadenza" run "$tmp/config_0.0.json" --no-progress -q) || exit 1
"$compare" --validate "$tmp/strong/spikes.h5" --tstop 500 || exit 1
n=$(tail -n +2 "$tmp/strong/spikes.csv" | wc -l)
outside=$(tail -n +2 "$tmp/strong/spikes.csv" | awk '$1 <= 100.0 || $1 > 302.0' | wc -l)
zero=$(tail -n +2 "$tmp/zero/spikes.csv" | wc -l)
echo "600 pA: $n spikes ($outside outside the clamp window); 0 pA: $zero spikes"
[ "$n" -gt 0 ] && [ "$outside" -eq 0 ] && [ "$zero" -eq 0 ]
