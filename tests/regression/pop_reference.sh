#!/usr/bin/env bash
# PopNet folders of the shared data, run unchanged (filternet-popnet-spec.md §4.1, §5.2):
#   pop_2pops (bmtk-tests): `cadenza check` clean; the rates within 1e-9 Hz of BMTK 1.0.8 +
#     DiPDE 0.2.2's expected/spike_rates.csv, same lines, populations and times;
#   bmtk's pop_2pops (config.simulation.json): the same bytes as the case above;
#   pop_2pops with update_method approx in both population files: exit 2 naming the lost mass
#     (DiPDE raises there too), no rates file left;
#   pop_7pops_converted: check clean; 5 recorded populations x 751 lines;
#   with MPIEXEC: pop_2pops and pop_7pops_converted on 2 and 3 ranks, and on 1 and 2 ranks of 2
#     threads, give the same bytes.
#   pop_reference.sh CADENZA [MPIEXEC]
set -u
cadenza=$1 mpiexec=${2:-}
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
it="$data/bmtk-tests/integration_tests/pop_2pops"
ex="$data/bmtk/examples"
if [ ! -f "$it/config.json" ] || [ ! -f "$ex/pop_7pops_converted/config.json" ]; then
  echo "shared data not found: skipped"; exit 77
fi
it=$(cd "$it" && pwd) ex=$(cd "$ex" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_pop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

runs() { # CONFIG OUT: check clean, then run
  (cd "$(dirname "$1")" && "$cadenza" check "$1" -o "$2" > "$2.check" 2>&1) || { cat "$2.check"; exit 1; }
  (cd "$(dirname "$1")" && "$cadenza" run "$1" -o "$2" --no-progress -q > "$2.log" 2>&1) || { cat "$2.log"; exit 1; }
}

runs "$it/config.json" "$tmp/it"
"$cadenza" compare "$it/expected/spike_rates.csv" "$tmp/it/spike_rates.csv" --tolerance 1e-9 || exit 1

runs "$ex/pop_2pops/config.simulation.json" "$tmp/ex"
cmp "$tmp/it/spike_rates.csv" "$tmp/ex/spike_rates.csv" || { echo "bmtk's pop_2pops differs from the integration case"; exit 1; }

mkdir -p "$tmp/approx_models"
for m in exc_model inh_model; do
  sed 's/"gmres"/"approx"/' "$it/components/pop_models/$m.json" > "$tmp/approx_models/$m.json"
done
grep -q approx "$tmp/approx_models/exc_model.json" || { echo "the approx variant was not made"; exit 1; }
sed -e "s|\"\$COMPONENT_DIR/pop_models\"|\"$tmp/approx_models\"|" -e "s|\"\${configdir}\"|\"$it\"|" \
  "$it/config.json" > "$tmp/approx.json"
"$cadenza" run "$tmp/approx.json" -o "$tmp/approx" --no-progress -q > "$tmp/approx.log" 2>&1
rc=$?
[ $rc -eq 2 ] || { echo "approx: exit $rc, want 2"; cat "$tmp/approx.log"; exit 1; }
grep -q "lost the density's mass" "$tmp/approx.log" || { cat "$tmp/approx.log"; exit 1; }
[ -e "$tmp/approx/spike_rates.csv" ] && { echo "approx: a rates file was left"; exit 1; }

runs "$ex/pop_7pops_converted/config.json" "$tmp/p7"
blocks=$(awk '{print $1}' "$tmp/p7/spike_rates.csv" | uniq -c | awk '{print $1}' | sort -u | tr '\n' ' ')
[ "$(wc -l < "$tmp/p7/spike_rates.csv")" -eq 3755 ] && [ "$blocks" = "751 " ] ||
  { echo "pop_7pops_converted: $(wc -l < "$tmp/p7/spike_rates.csv") lines in blocks of $blocks"; exit 1; }

if [ -n "$mpiexec" ]; then
  for n in 2 3 "2 --threads 2" "1 --threads 2"; do
    for c in "$it/config.json:it" "$ex/pop_7pops_converted/config.json:p7"; do
      cfg=${c%:*} ref=${c##*:}
      (cd "$(dirname "$cfg")" && "$mpiexec" --oversubscribe -np "${n%% *}" "$cadenza" run "$cfg" -o "$tmp/${ref}_${n// /}" ${n#"${n%% *}"} \
        --no-progress -q > "$tmp/${ref}_${n// /}.log" 2>&1) || { cat "$tmp/${ref}_${n// /}.log"; exit 1; }
      cmp "$tmp/$ref/spike_rates.csv" "$tmp/${ref}_${n// /}/spike_rates.csv" || { echo "$ref on $n ranks differs"; exit 1; }
    done
  done
  echo "2 and 3 ranks, 1 and 2 ranks of 2 threads: the same bytes"
fi
echo "PopNet: pop_2pops within 1e-9 Hz of DiPDE's, approx refused as DiPDE refuses, pop_7pops_converted runs"
