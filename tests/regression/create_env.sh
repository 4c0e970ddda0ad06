#!/usr/bin/env bash
# `cadenza create-environment`: folders written for the bundled Brunel network (split
# configs, a spike input, a report), for the network folder of point_120cells (one config,
# the thalamus spike train, a clamp, a report of two cells) and, as a bionet folder, for
# bio_1cell's network (a clamp, a soma report), as a popnet folder, for pop_2pops' network (a
# rates input), and as a filternet folder for filter_graitings' network (its grating added)
# run unchanged. The Brunel folder
# gives the same spikes as the generator's own config; existing files are kept without
# --overwrite and replaced with it.
#   create_env.sh CADENZA
set -u
cadenza=$1
export CADENZA="$cadenza" # for the generated run scripts
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_env.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cadenza" generate brunel --neurons 1000 --tstop 200 "$tmp/net" > /dev/null || exit 1
"$cadenza" run "$tmp/net/config.json" --no-progress -q > /dev/null || exit 1
"$cadenza" create-environment -n "$tmp/net/network" -c "$tmp/net/components" --tstop 200 --dt 0.1 \
  --spikes-inputs "external:$tmp/net/inputs/external_spikes.h5" --report-vars brunel:V_m --report-nodes 0,1,2 \
  --split-configs pointnet "$tmp/env" > /dev/null || exit 1
for f in circuit_config.json simulation_config.json node_sets.json run_cadenza.sh; do
  [ -f "$tmp/env/$f" ] || { echo "create-environment wrote no $f"; exit 1; }
done
"$tmp/env/run_cadenza.sh" --no-progress -q > /dev/null || exit 1
"$cadenza" compare "$tmp/net/output/spikes.h5" "$tmp/env/output/spikes.h5" || exit 1
[ -f "$tmp/env/output/V_m_report.h5" ] || { echo "no report file"; exit 1; }
# existing files are kept unless --overwrite
"$cadenza" create-environment -n "$tmp/net/network" --split-configs pointnet "$tmp/env" > /dev/null 2>&1
[ $? -eq 3 ] || { echo "an existing config was replaced without --overwrite"; exit 1; }
"$cadenza" create-environment -n "$tmp/net/network" -c "$tmp/net/components" --split-configs --overwrite \
  --tstop 50 --dt 0.1 pointnet "$tmp/env" > /dev/null || exit 1
grep -q '"tstop":[[:space:]]*50' "$tmp/env/simulation_config.json" || { echo "--overwrite did not replace"; exit 1; }
"$cadenza" create-environment filternet "$tmp/lgn" > /dev/null 2>&1
[ $? -eq 2 ] || { echo "filternet was not refused"; exit 1; }

data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
dir="$data/bmtk-tests/integration_tests/point_120cells"
if [ ! -d "$dir/network" ]; then echo "shared data not found: point_120cells part skipped"; exit 0; fi
"$cadenza" create-environment -n "$dir/network" -c "$data/bmtk-tests/point_components" --tstop 500 --dt 0.1 \
  --spikes-inputs "thalamus:$dir/thalamus_spikes.csv" --iclamp 150,100,200 --report-vars cortex:V_m \
  --report-nodes 0,20 pointnet "$tmp/env120" > /dev/null || exit 1
"$cadenza" check "$tmp/env120/config.json" > "$tmp/check.txt" || { cat "$tmp/check.txt"; exit 1; }
"$tmp/env120/run_cadenza.sh" --no-progress -q > "$tmp/run.txt" || { cat "$tmp/run.txt"; exit 1; }
grep -q "spikes" "$tmp/run.txt" && [ -f "$tmp/env120/output/spikes.h5" ] && [ -f "$tmp/env120/output/V_m_report.h5" ] ||
  { echo "the point_120cells environment wrote no spikes or report"; cat "$tmp/run.txt"; exit 1; }

# a bionet folder for bio_1cell's network (components linked in): NEURON's config, and it runs
# to the folder's own NEURON spikes
bio="$data/bmtk/examples/bio_1cell"
mkdir -p "$tmp/biocomp"
ln -s "$bio/components/morphologies" "$tmp/biocomp/morphologies"
ln -s "$bio/components/biophysical_neuron_templates" "$tmp/biocomp/biophysical_neuron_templates"
ln -s "$bio/../bio_components/synaptic_models" "$tmp/biocomp/synaptic_models"
"$cadenza" create-environment -n "$bio/network" -c "$tmp/biocomp" --tstop 3000 --iclamp 0.1,500,2000 \
  --report-vars v bionet "$tmp/envbio" > /dev/null || exit 1
grep -q '"target_simulator":[[:space:]]*"NEURON"' "$tmp/envbio/config.json" || { echo "not a NEURON config"; exit 1; }
"$cadenza" check "$tmp/envbio/config.json" > "$tmp/check_bio.txt" || { cat "$tmp/check_bio.txt"; exit 1; }
"$tmp/envbio/run_cadenza.sh" --no-progress -q > "$tmp/run_bio.txt" || { cat "$tmp/run_bio.txt"; exit 1; }
"$cadenza" compare "$bio/output_iclamp/spikes.h5" "$tmp/envbio/output/spikes.h5" --tolerance 1e-9 || exit 1
[ -f "$tmp/envbio/output/v_report.h5" ] || { echo "no bionet report file"; exit 1; }

# a popnet folder for pop_2pops' network (models linked in, the rates table as an input): a
# DiPDE config that runs to DiPDE's rates
pop="$data/bmtk-tests/integration_tests/pop_2pops"
mkdir -p "$tmp/popcomp"
ln -s "$pop/components/pop_models" "$tmp/popcomp/population_models"
ln -s "$pop/components/synaptic_models" "$tmp/popcomp/synaptic_models"
"$cadenza" create-environment -n "$pop/network" -c "$tmp/popcomp" --tstop 1500 --dt 0.002 \
  --rates-inputs "inputs:$pop/lgn_rates.csv" popnet "$tmp/envpop" > /dev/null || exit 1
grep -q '"target_simulator":[[:space:]]*"DiPDE"' "$tmp/envpop/config.json" || { echo "not a DiPDE config"; exit 1; }
"$cadenza" check "$tmp/envpop/config.json" > "$tmp/check_pop.txt" || { cat "$tmp/check_pop.txt"; exit 1; }
"$tmp/envpop/run_cadenza.sh" --no-progress -q > "$tmp/run_pop.txt" || { cat "$tmp/run_pop.txt"; exit 1; }
"$cadenza" compare "$pop/expected/spike_rates.csv" "$tmp/envpop/output/firing_rates.csv" --tolerance 1e-9 || exit 1
"$cadenza" create-environment -n "$pop/network" --iclamp 0.1,1,2 popnet "$tmp/envpop2" > "$tmp/refused.txt" 2>&1
[ $? -eq 2 ] && grep -q "no current clamps" "$tmp/refused.txt" || { echo "a popnet clamp was not refused"; exit 1; }

# a filternet folder for filter_graitings' network (templates linked in), the grating added to
# its inputs: LGNModel's config, and it runs to BMTK's spikes
lgn="$data/bmtk/examples/filter_graitings"
mkdir -p "$tmp/lgncomp"
ln -s "$lgn/../filter_components/model_templates" "$tmp/lgncomp/model_templates"
"$cadenza" create-environment -n "$lgn/network" -c "$tmp/lgncomp" --tstop 2000 filternet "$tmp/envlgn" > /dev/null || exit 1
grep -q '"target_simulator":[[:space:]]*"LGNModel"' "$tmp/envlgn/config.json" || { echo "not an LGNModel config"; exit 1; }
grating='"g": {"input_type": "movie", "module": "graiting", "row_size": 120, "col_size": 240, "gray_screen_dur": 0.5, "cpd": 0.04, "temporal_f": 4.0, "contrast": 0.8, "evaluation_options": {"separable": true}}'
awk -v g="$grating" '/"inputs":/ { print "\"inputs\": {" g "},"; skip = 1; next } skip && /}/ { skip = 0; next } !skip' \
  "$tmp/envlgn/config.json" > "$tmp/envlgn/with_movie.json"
"$cadenza" check "$tmp/envlgn/with_movie.json" > "$tmp/check_lgn.txt" || { cat "$tmp/check_lgn.txt"; exit 1; }
"$cadenza" run "$tmp/envlgn/with_movie.json" --no-progress -q > "$tmp/run_lgn.txt" || { cat "$tmp/run_lgn.txt"; exit 1; }
"$cadenza" compare "$lgn/expected/spikes.h5" "$tmp/envlgn/output/spikes.h5" --tolerance 1e-9 || exit 1
echo "create-environment: Brunel, point_120cells, bio_1cell, pop_2pops and filter_graitings folders run; Brunel's, bio_1cell's and filter_graitings' spikes and pop_2pops' rates match"
