#!/usr/bin/env bash
# The point_450glifs network with its five GLIF cell types run as NEST 2's separate models
# (glif_lif_psc, glif_lif_r_psc, glif_lif_asc_psc, glif_lif_r_asc_psc, glif_lif_r_asc_a_psc),
# each with an Allen Cell Types Database file of cell 593618144 as dynamics_params, the way a
# BMTK 0.0.x point folder names them: `cadenza check` passes, the run writes a valid spikes
# file, every type fires at a plausible mean rate under the LGN drive, and 1 and 2 threads
# give identical spikes. Then every GLIF type as glif_lif_asc_psc from the Allen file against
# every GLIF type as NEST 3's glif_psc with the parameters BMTK converted for the same cell
# (bmtk/examples point_components): the two models differ only in details of the step (the
# after-spike currents' sum at the start of a step or their mean over it), so their spike
# counts agree within 2 %.
#   glif_nest2.sh CADENZA SPIKES_COMPARE
set -u
cadenza=$1 compare=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
net="$data/bmtk/examples/point_450glifs/network"
cells="$data/bmtk-tests/point_components/cell_models"
syn="$data/bmtk/examples/point_components/synaptic_models"
inputs="$data/bmtk/examples/point_450glifs/inputs/lgn_spikes.h5"
if [ ! -f "$net/v1_nodes.h5" ] || [ ! -f "$cells/593618144_glif_lif.json" ]; then
  echo "shared data not found: skipped"; exit 77
fi
command -v h5dump > /dev/null || { echo "h5dump not found: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_glif2.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# the cell files of both component folders side by side
mkdir -p "$tmp/cells"
for f in "$cells"/593618144_glif_*.json "$cells"/IntFire1_*_point.json \
         "$data/bmtk/examples/point_components/cell_models/593618144_glif_lif_asc_psc.json"; do
  ln -s "$f" "$tmp/cells/$(basename "$f")"
done
cells="$tmp/cells"

cat > "$tmp/v1_node_types.csv" <<CSV
node_type_id model_type model_template model_name ei dynamics_params placement
100 point_neuron nest:glif_lif_psc Scnn1a e 593618144_glif_lif.json inner
101 point_neuron nest:glif_lif_r_psc Rorb e 593618144_glif_lif_r.json inner
102 point_neuron nest:glif_lif_asc_psc Nr5a1 e 593618144_glif_lif_asc.json inner
103 point_neuron nest:glif_lif_r_asc_psc PV1 i 593618144_glif_lif_r_asc.json inner
104 point_neuron nest:glif_lif_r_asc_a_psc PV2 i 593618144_glif_lif_r_asc_a.json inner
105 point_neuron nest:iaf_psc_alpha LIF_exc e IntFire1_exc_point.json outer
106 point_neuron nest:iaf_psc_alpha LIF_inh i IntFire1_inh_point.json outer
CSV
write_config() {  # NAME NODE_TYPES
  cat > "$tmp/$1.json" <<JSON
{
  "target_simulator": "NEST",
  "run": {"tstop": 1000.0, "dt": 0.1},
  "components": {"point_neuron_models_dir": "$cells", "synaptic_models_dir": "$syn"},
  "networks": {
    "nodes": [
      {"nodes_file": "$net/v1_nodes.h5", "node_types_file": "$2"},
      {"nodes_file": "$net/lgn_nodes.h5", "node_types_file": "$net/lgn_node_types.csv"}
    ],
    "edges": [
      {"edges_file": "$net/v1_v1_edges.h5", "edge_types_file": "$net/v1_v1_edge_types.csv"},
      {"edges_file": "$net/lgn_v1_edges.h5", "edge_types_file": "$net/lgn_v1_edge_types.csv"}
    ]
  },
  "inputs": {
    "LGN_spikes": {"input_type": "spikes", "module": "sonata", "input_file": "$inputs", "node_set": "lgn"}
  },
  "output": {"output_dir": "$tmp/out_$1", "spikes_file": "spikes.h5", "spikes_file_csv": "spikes.csv"}
}
JSON
}
write_config config "$tmp/v1_node_types.csv"

"$cadenza" check "$tmp/config.json" -o "$tmp/check" > "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
for t in 1 2; do
  "$cadenza" run "$tmp/config.json" --output-dir "$tmp/t$t" --threads "$t" --no-progress -q > "$tmp/t$t.log" ||
    { cat "$tmp/t$t.log"; exit 1; }
  "$compare" --validate "$tmp/t$t/spikes.h5" --tstop 1000 || exit 1
done
"$compare" "$tmp/t1/spikes.h5" "$tmp/t2/spikes.h5" --exact || exit 1

# node_type_id of each v1 node (node ids are the row numbers), then spikes per type
h5dump -d /nodes/v1/node_type_id -y -w 0 -o "$tmp/types.txt" "$net/v1_nodes.h5" > /dev/null || exit 1
tr -s ', \n' '\n' < "$tmp/types.txt" | grep -v '^$' > "$tmp/type_of_node.txt"
awk 'NR == FNR { type[NR - 1] = $1; n[$1]++; next }
     FNR > 1 && $2 == "v1" { count[type[$3]]++ }
     END {
       bad = 0
       for (t = 100; t <= 104; t++) {
         rate = count[t] / (n[t] * 1.0)   # spikes per neuron per second (tstop 1000 ms)
         printf "node type %d: %d neurons, %d spikes, %.2f Hz\n", t, n[t], count[t], rate
         if (n[t] == 0 || rate < 0.5 || rate > 250) bad = 1
       }
       exit bad
     }' "$tmp/type_of_node.txt" "$tmp/t1/spikes.csv" || { echo "a GLIF type fired at an implausible rate"; exit 1; }

# every GLIF type as one model: NEST 2's glif_lif_asc_psc against NEST 3's glif_psc
for m in n2 n3; do
  if [ $m = n2 ]; then tmpl=nest:glif_lif_asc_psc file=593618144_glif_lif_asc.json
  else tmpl=nest:glif_psc file=593618144_glif_lif_asc_psc.json; fi
  { head -n 1 "$tmp/v1_node_types.csv"
    for t in 100 101 102 103 104; do echo "$t point_neuron $tmpl glif e $file inner"; done
    tail -n 2 "$tmp/v1_node_types.csv"; } > "$tmp/types_$m.csv"
  write_config "$m" "$tmp/types_$m.csv"
  "$cadenza" run "$tmp/$m.json" --no-progress -q > "$tmp/$m.log" || { cat "$tmp/$m.log"; exit 1; }
done
awk 'NR == FNR { type[NR - 1] = $1; next }
     FILENAME ~ /out_n2/ && FNR > 1 && type[$3] < 105 { a++ }
     FILENAME ~ /out_n3/ && FNR > 1 && type[$3] < 105 { b++ }
     END {
       printf "GLIF spikes: glif_lif_asc_psc (Allen file) %d, glif_psc (BMTK-converted file) %d\n", a, b
       exit !(a > 1000 && b > 1000 && (a > b ? a - b : b - a) <= 0.02 * b)
     }' "$tmp/type_of_node.txt" "$tmp/out_n2/spikes.csv" "$tmp/out_n3/spikes.csv" || exit 1
echo "NEST 2 GLIF models: valid spikes, plausible rates, identical on 1 and 2 threads, close to NEST 3's glif_psc"
