#!/usr/bin/env bash
# ecephys_probe end to end (inputs-spec.md §5), on both engines: a made-up NWB 2 session of 9
# sorted units (nwb_units) drives a virtual population, and the run's spikes must be bit for
# bit those of the same run given, as a SONATA spikes file, the trains worked out here with awk
# from the units, the map and the window arithmetic ((t - w0) + offset / 1000) * 1000 ms. A
# run whose trains are shifted by 10 ms must differ, so the comparison says something.
#   PointNet, bmtk's point_120cells (thalamus, 100 virtual nodes, onto 120 cells): units_map
#     without per-unit windows, interval [200, 1600] ms, interval_offset 30 ms, nodes 80-99
#     unmapped (missing_ids warn); seeded sampling gives the same spikes for the same seed and
#     others for another seed. Refused: an NWB file without peak_channel_id, a unit the file
#     lacks, and a spike landing on 0 ms (NEST's spike_generator needs times > 0).
#   BioNet, bmtk's bio_1cell (one virtual node through 12 synapses): a units_map with a per-unit
#     window that replaces the default interval; a spike on 0 ms runs (BioNet refuses < 0 only);
#     refused: an unknown mapping and a negative time.
# Each refusal: `cadenza run` and `cadenza check` exit 2 with one error line naming the config,
# the block and the key or file, and leave no output folder.
# With MPIEXEC, both engines' units_map runs are also byte-identical across ranks, threads and
# partitioners (ranks.sh).
#   ecephys.sh CADENZA NWB_UNITS SPIKES_COMPARE [MPIEXEC]
set -u
cadenza=$1 nwb_units=$2 compare=$3 mpiexec=${4:-}
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
ex="$data/bmtk/examples"
if [ ! -f "$ex/point_120cells/network/thalamus_nodes.h5" ] || [ ! -f "$ex/bio_1cell/network/virt_nodes.h5" ]; then
  echo "shared data not found: skipped"
  exit 77
fi
ex=$(cd "$ex" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_ecephys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# shellcheck source=refusal_lib.sh
. "$(dirname "$0")/refusal_lib.sh"

# ---- the session: units 1000-1007 on electrodes 200 (VISp) and 201 (LGd), 40 + 3u spikes
# each between 0.05 and 2.3 s; unit 1008 spikes at 0.25, 0.5 and 0.75 s (exact in binary)
awk 'BEGIN {
  for (u = 0; u < 8; u++) {
    printf "%d %d", 1000 + u, 200 + u % 2
    for (k = 0; k < 40 + 3 * u; k++) printf " %.6f", 0.05 + 0.0371 * k + 0.0013 * u * (k % 5)
    printf "\n"
  }
  print "1008 200 0.25 0.5 0.75"
}' > "$tmp/units.txt"
printf '200 VISp\n201 LGd\n' > "$tmp/electrodes.txt"
"$nwb_units" nwb "$tmp/session.nwb" "$tmp/units.txt" "$tmp/electrodes.txt" || exit 1
"$nwb_units" nwb "$tmp/no_peak.nwb" "$tmp/units.txt" "$tmp/electrodes.txt" --no-peak-channel || exit 1

# expected MAP W0_MS W1_MS OFFSET_MS PER_UNIT > TRAINS: "node time_ms" of each mapped node, as
# BMTK computes them: a list interval is divided by 1000, a csv window multiplied by 1/1000.0.
expected() {
  awk -v map="$1" -v a="$2" -v b="$3" -v off_ms="$4" -v per_unit="$5" '
    FILENAME == map && FNR == 1 { next }
    FILENAME == map { unit[$1] = $2; if (per_unit) { s[$1] = $3 * (1 / 1000.0); e[$1] = $4 * (1 / 1000.0) }; next }
    { nt[$1] = NF - 2; for (k = 3; k <= NF; k++) t[$1, k - 2] = $k }
    END {
      off = off_ms / 1000
      for (node in unit) {
        u = unit[node]
        w0 = per_unit ? s[node] : a / 1000; w1 = per_unit ? e[node] : b / 1000
        for (k = 1; k <= nt[u]; k++)
          if (t[u, k] + 0 >= w0 && t[u, k] + 0 <= w1) printf "%d %.17g\n", node, ((t[u, k] - w0) + off) * 1000
      }
    }' "$1" "$tmp/units.txt"
}

# same A B WHAT / differ A B WHAT: two runs' spikes, bit for bit
same() { "$compare" "$1" "$2" --exact > "$tmp/cmp.txt" 2>&1 || fail "$3: $(cat "$tmp/cmp.txt")"; }
differ() { "$compare" "$1" "$2" --exact > "$tmp/cmp.txt" 2>&1 && fail "$3: the spikes are the same"; }
spikes_in() { "$compare" --validate "$1" | sed -n 's/.* \([0-9]*\) spikes$/\1/p'; }

# ---- PointNet -------------------------------------------------------------------------------
point_config() { # NAME INPUT_BODY: $tmp/NAME/config.json, output in $tmp/NAME/out
  mkdir -p "$tmp/$1"
  cat > "$tmp/$1/config.json" <<JSON
{
  "network": "$ex/point_120cells/config.circuit.json",
  "target_simulator": "NEST",
  "run": {"tstop": 1000.0, "dt": 0.1},
  "inputs": {"eph": {$2}},
  "output": {"output_dir": "$tmp/$1/out", "spikes_file": "spikes.h5"}
}
JSON
}
run_ok() {
  "$cadenza" run "$tmp/$1/config.json" --no-progress -q > "$tmp/$1/run.txt" 2>&1 || { cat "$tmp/$1/run.txt"; fail "$1 failed"; }
  "$cadenza" check "$tmp/$1/config.json" -o "$tmp/$1/check_out" > "$tmp/$1/check.txt" 2>&1 ||
    { cat "$tmp/$1/check.txt"; fail "cadenza check $1 failed"; }
}
eph='"input_type": "spikes", "module": "ecephys_probe", "node_set": "thalamus", "input_file": "'"$tmp"'/session.nwb"'

awk 'BEGIN { print "node_ids unit_ids"; for (i = 0; i < 80; i++) print i, 1000 + i % 8 }' > "$tmp/point_map.csv"
expected "$tmp/point_map.csv" 200 1600 30 0 > "$tmp/point_trains.txt"
"$nwb_units" sonata "$tmp/point_expected.h5" thalamus "$tmp/point_trains.txt" || exit 1
point_config p_eph "$eph"', "mapping": "units_map", "units": "'"$tmp"'/point_map.csv", "interval": [200.0, 1600.0],
  "interval_offset": 30.0, "missing_ids": "warn", "cache": false'
run_ok p_eph
point_config p_sonata '"input_type": "spikes", "module": "sonata", "node_set": "thalamus", "input_file": "'"$tmp"'/point_expected.h5"'
run_ok p_sonata
point_config p_shifted "$eph"', "mapping": "units_map", "units": "'"$tmp"'/point_map.csv", "interval": [200.0, 1600.0],
  "interval_offset": 40.0, "missing_ids": "warn"'
run_ok p_shifted
np=$(spikes_in "$tmp/p_eph/out/spikes.h5")
[ "${np:-0}" -gt 0 ] || fail "PointNet: the ecephys run has no spikes"
same "$tmp/p_sonata/out/spikes.h5" "$tmp/p_eph/out/spikes.h5" "PointNet units_map vs the same trains from SONATA"
differ "$tmp/p_eph/out/spikes.h5" "$tmp/p_shifted/out/spikes.h5" "PointNet: trains 10 ms later"
grep -q "20 of the 100 nodes of population thalamus have no unit" "$tmp/p_eph/run.txt" ||
  fail "PointNet: no warning about the 20 unmapped nodes: $(cat "$tmp/p_eph/run.txt")"
echo "PointNet: $np spikes, the same as from the expected trains ($(wc -l < "$tmp/point_trains.txt") input spikes)"

for seed in 11 11b 12; do
  point_config "p_seed$seed" "$eph"', "mapping": "sample_with_replacement", "units": {"location": "VISp"},
    "interval": [200.0, 1600.0], "interval_offset": 30.0, "seed": '"${seed%b}"
  run_ok "p_seed$seed"
done
same "$tmp/p_seed11/out/spikes.h5" "$tmp/p_seed11b/out/spikes.h5" "PointNet: sampling with seed 11 twice"
differ "$tmp/p_seed11/out/spikes.h5" "$tmp/p_seed12/out/spikes.h5" "PointNet: seeds 11 and 12"
echo "PointNet: seeded sampling is reproducible"

n=$((n + 1))
point_config p_no_peak '"input_type": "spikes", "module": "ecephys_probe", "node_set": "thalamus",
  "input_file": "'"$tmp"'/no_peak.nwb", "mapping": "sample"'
check_refusal point_no_peak_channel "$tmp/p_no_peak" "$tmp/p_no_peak/config.json: inputs.eph.input_file" \
  "no_peak.nwb" "peak_channel_id"
n=$((n + 1))
printf 'node_ids unit_ids\n0 1000\n1 1099\n' > "$tmp/bad_map.csv"
point_config p_absent_unit "$eph"', "mapping": "units_map", "units": "'"$tmp"'/bad_map.csv", "missing_ids": "warn"'
check_refusal point_unit_absent "$tmp/p_absent_unit" "$tmp/p_absent_unit/config.json: inputs.eph.units" \
  "bad_map.csv: line 3" "unit 1099"
n=$((n + 1))
printf 'node_ids unit_ids start_times stop_times\n0 1008 250 800\n' > "$tmp/zero_map.csv"
point_config p_zero "$eph"', "mapping": "units_map", "units": "'"$tmp"'/zero_map.csv", "missing_ids": "warn"'
check_refusal point_time_zero "$tmp/p_zero" "$tmp/p_zero/config.json: inputs.eph: node 0 of population thalamus" \
  "not positive"

# ---- BioNet ---------------------------------------------------------------------------------
cell="$ex/bio_1cell"
comp="$ex/bio_components"
bio_config() { # NAME INPUT_BODY
  mkdir -p "$tmp/$1"
  cat > "$tmp/$1/config.json" <<JSON
{
  "run": {"tstop": 600.0, "dt": 0.1, "dL": 20.0, "spike_threshold": -15},
  "target_simulator": "NEURON",
  "conditions": {"celsius": 34.0, "v_init": -80},
  "inputs": {"eph": {$2}},
  "output": {"output_dir": "$tmp/$1/out", "spikes_file": "spikes.h5"},
  "components": {"morphologies_dir": "$cell/components/morphologies", "synaptic_models_dir": "$comp/synaptic_models",
                 "biophysical_neuron_models_dir": "$cell/components/biophysical_neuron_templates",
                 "point_neuron_models_dir": "$comp/point_neuron_templates"},
  "networks": {
    "nodes": [{"nodes_file": "$cell/network/biocell_nodes.h5", "node_types_file": "$cell/network/biocell_node_types.csv"},
              {"nodes_file": "$cell/network/virt_nodes.h5", "node_types_file": "$cell/network/virt_node_types.csv"}],
    "edges": [{"edges_file": "$cell/network/virt_biocell_edges.h5", "edge_types_file": "$cell/network/virt_biocell_edge_types.csv"}]
  }
}
JSON
}
beph='"input_type": "spikes", "module": "ecephys_probe", "node_set": "virt", "input_file": ["'"$tmp"'/session.nwb"]'

printf 'node_ids unit_ids start_times stop_times\n0 1005 100 900\n' > "$tmp/bio_map.csv"
expected "$tmp/bio_map.csv" 0 0 5 1 > "$tmp/bio_trains.txt"
"$nwb_units" sonata "$tmp/bio_expected.h5" virt "$tmp/bio_trains.txt" || exit 1
bio_config b_eph "$beph"', "mapping": "units_map", "units": "'"$tmp"'/bio_map.csv", "interval": [0, 50], "interval_offset": 5'
run_ok b_eph
bio_config b_sonata '"input_type": "spikes", "module": "sonata", "node_set": "virt", "input_file": "'"$tmp"'/bio_expected.h5"'
run_ok b_sonata
bio_config b_shifted "$beph"', "mapping": "units_map", "units": "'"$tmp"'/bio_map.csv", "interval_offset": 15'
run_ok b_shifted
nb=$(spikes_in "$tmp/b_eph/out/spikes.h5")
[ "${nb:-0}" -gt 0 ] || fail "BioNet: the ecephys run has no spikes"
same "$tmp/b_sonata/out/spikes.h5" "$tmp/b_eph/out/spikes.h5" "BioNet units_map with a unit window vs SONATA"
differ "$tmp/b_eph/out/spikes.h5" "$tmp/b_shifted/out/spikes.h5" "BioNet: trains 10 ms later"
echo "BioNet: $nb spikes, the same as from the expected trains ($(wc -l < "$tmp/bio_trains.txt") input spikes)"
bio_config b_zero "$beph"', "mapping": "units_map", "units": "'"$tmp"'/zero_map.csv"'
run_ok b_zero
echo "BioNet: a spike at 0 ms runs"

n=$((n + 1))
bio_config b_mapping "$beph"', "mapping": "nearest", "units": "'"$tmp"'/bio_map.csv"'
check_refusal bio_unknown_mapping "$tmp/b_mapping" "$tmp/b_mapping/config.json: inputs.eph.mapping" '"nearest"' \
  "units_map, sample, sample_without_replacement or sample_with_replacement"
n=$((n + 1))
bio_config b_negative "$beph"', "mapping": "units_map", "units": "'"$tmp"'/bio_map.csv", "interval_offset": -50'
check_refusal bio_negative_time "$tmp/b_negative" "inputs.eph" "node 0 is negative" "$tmp/b_negative/config.json"

if [ -n "$mpiexec" ]; then
  for v in p_eph b_eph; do
    "$(dirname "$0")/ranks.sh" "$mpiexec" "$cadenza" "$tmp/$v/config.json" || fail "$v differs across decompositions"
  done
fi

echo "$n refusals, $fails failures"
[ "$fails" -eq 0 ]
