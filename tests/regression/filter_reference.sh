#!/usr/bin/env bash
# FilterNet folders of the shared data, run unchanged (filternet-popnet-spec.md §4, §5.2) with
# the references' numpy seed (1, the default):
#   filter_graitings: `cadenza check` clean; every spike of BMTK 1.0.8's expected/spikes.h5,
#     per node, within 1e-9 ms (1696 spikes);
#   filter_graitings_preset (filter parameters as node columns) and filter_looming
#     (non-separable): the spike counts of the spec's BMTK runs, 1647 and 414; filter_looming
#     evaluated separably gives the same rates within 1e-10 Hz;
#   filter_movie_synth, its .npy movie built from the spec's recipe (tests/tools/synth_movie):
#     all 7 model kinds, the LGNOnOFFCells on BMTK's fallback path; both configs give 212
#     spikes and rates within 1e-10 Hz of each other;
#   the workflow of the guide: filter_graitings' spikes drive point_450cells' external
#     population unchanged, and change its spikes;
#   with MPIEXEC: filter_graitings and filter_movie_synth on 2 and 3 ranks, and on 1 and 2 ranks
#     of 2 threads, give the same bytes.
#   filter_reference.sh CADENZA SYNTH_MOVIE [MPIEXEC]
set -u
cadenza=$1 synth=$2 mpiexec=${3:-}
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
ex="$data/bmtk/examples"
if [ ! -f "$ex/filter_graitings/config.simulation.json" ] || [ ! -f "$ex/filter_movie_synth/kernels.h5" ]; then
  echo "shared data not found: skipped"; exit 77
fi
ex=$(cd "$ex" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_filter.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

runs() { # CONFIG OUT [RUN OPTIONS]: check clean, then run
  local cfg=$1 out=$2
  shift 2
  (cd "$(dirname "$cfg")" && "$cadenza" check "$cfg" -o "$out" > "$out.check" 2>&1) || { cat "$out.check"; exit 1; }
  (cd "$(dirname "$cfg")" && "$cadenza" run "$cfg" -o "$out" --no-progress -q "$@" > "$out.log" 2>&1) ||
    { cat "$out.log"; exit 1; }
}
count() { grep -o '[0-9]* spikes' "$1.log" | head -1 | cut -d' ' -f1; }
expect_count() { [ "$(count "$1")" = "$2" ] || { echo "$1: $(count "$1") spikes, BMTK's run has $2"; exit 1; }; }

runs "$ex/filter_graitings/config.simulation.json" "$tmp/fg"
"$cadenza" compare "$ex/filter_graitings/expected/spikes.h5" "$tmp/fg/spikes.h5" --tolerance 1e-9 || exit 1
expect_count "$tmp/fg" 1696

runs "$ex/filter_graitings_preset/config.simulation.json" "$tmp/pre"
expect_count "$tmp/pre" 1647

runs "$ex/filter_looming/config.simulation.json" "$tmp/loom"
expect_count "$tmp/loom" 414
loom="$ex/filter_looming"
sed -e "s|\"\$BASE_DIR\": *\"[^\"]*\"|\"\$BASE_DIR\": \"$loom\"|" -e "s|\"network\": *\"config.circuit.json\"|\"network\": \"$loom/config.circuit.json\"|" \
  -e 's|"t_looming": 1.0|"t_looming": 1.0, "evaluation_options": {"separable": true}|' \
  "$loom/config.simulation.json" > "$tmp/loom_sep.json"
grep -q separable "$tmp/loom_sep.json" || { echo "the separable looming config was not made"; exit 1; }
runs "$tmp/loom_sep.json" "$tmp/loom_sep"
"$cadenza" compare "$tmp/loom/rates.csv" "$tmp/loom_sep/rates.csv" --tolerance 1e-10 || exit 1

"$synth" "$tmp/synth_movie.npy" || exit 1
for c in simulation separable; do
  sed -e "s|\${configdir}|$ex/filter_movie_synth|" -e "s|\$BASE_DIR/inputs/synth_movie.npy|$tmp/synth_movie.npy|" \
    "$ex/filter_movie_synth/config.$c.json" > "$tmp/synth_$c.json"
  runs "$tmp/synth_$c.json" "$tmp/synth_$c"
  expect_count "$tmp/synth_$c" 212
done
"$cadenza" compare "$tmp/synth_simulation/rates.csv" "$tmp/synth_separable/rates.csv" --tolerance 1e-10 || exit 1

# the guide's workflow: the LGN's spikes as a point network's input
p450="$ex/point_450cells"
sed -e "s|\$INPUT_DIR/external_spikes.h5|$tmp/fg/spikes.h5|" -e "s|\"\$BASE_DIR\": *\"[^\"]*\"|\"\$BASE_DIR\": \"$p450\"|" \
  -e "s|\"network\": *\"config.circuit.json\"|\"network\": \"$p450/config.circuit.json\"|" \
  "$p450/config.simulation.json" > "$tmp/p450_lgn.json"
grep -q "$tmp/fg/spikes.h5" "$tmp/p450_lgn.json" || { echo "the point config was not made"; exit 1; }
(cd "$p450" && "$cadenza" run "$tmp/p450_lgn.json" -o "$tmp/p450_lgn" --tstop 1000 --no-progress -q > "$tmp/p450_lgn.log" 2>&1) ||
  { cat "$tmp/p450_lgn.log"; exit 1; }
(cd "$p450" && "$cadenza" run config.simulation.json -o "$tmp/p450" --tstop 1000 --no-progress -q > "$tmp/p450.log" 2>&1) ||
  { cat "$tmp/p450.log"; exit 1; }
if "$cadenza" compare "$tmp/p450/spikes.h5" "$tmp/p450_lgn/spikes.h5" -q > /dev/null; then
  echo "the LGN's spikes changed nothing in the point network"; exit 1
fi

if [ -n "$mpiexec" ]; then
  for n in 2 3 "2 --threads 2" "1 --threads 2"; do
    for c in "$ex/filter_graitings/config.simulation.json:fg" "$tmp/synth_simulation.json:synth_simulation"; do
      cfg=${c%:*} ref=${c##*:}
      (cd "$(dirname "$cfg")" && "$mpiexec" --oversubscribe -np "${n%% *}" "$cadenza" run "$cfg" -o "$tmp/${ref}_${n// /}" ${n#"${n%% *}"} \
        --no-progress -q > "$tmp/${ref}_${n// /}.log" 2>&1) || { cat "$tmp/${ref}_${n// /}.log"; exit 1; }
      for f in spikes.h5 rates.csv; do
        [ -f "$tmp/$ref/$f" ] && { cmp "$tmp/$ref/$f" "$tmp/${ref}_${n// /}/$f" || { echo "$ref $f on $n ranks differs"; exit 1; }; }
      done
    done
  done
  echo "2 and 3 ranks, 1 and 2 ranks of 2 threads: the same bytes"
fi
echo "FilterNet: filter_graitings' spikes are BMTK's; preset, looming and the synthetic movie give BMTK's counts"
