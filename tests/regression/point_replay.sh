#!/usr/bin/env bash
# The replay input on PointNet (inputs-spec.md §2.3, a Cadenza extension: no BMTK reference
# exists), on bmtk's point_120cells (120 cortex neurons with recurrent cortex_cortex edges, 100
# virtual thalamus inputs), 1000 ms. "full" runs both edge files; "norec" leaves the recurrent
# file out of networks.edges; the replays give the recurrent file back as a replay input
# driven by the cortex spikes that "full" recorded:
#   all       every cortex->cortex edge replayed: exactly full's spikes (spikes.h5 and
#             spikes.csv byte for byte), which differ from norec's; the same at dt = 0.001 ms
#             (precise_times) over 300 ms;
#   targets   target_node_set cortex nodes 0-59: those nodes spike exactly as in full (their
#             inputs are full's), nodes 60-119 exactly as in norec (they get no recurrent input);
#   sources   source_node_set cortex 0-59 only: differs from both full and norec;
#   empty     target_node_set thalamus (no replayed edge): norec's spikes;
#   silent    every edge replayed from a file whose only spike comes after the run: norec's
#             spikes (the live neurons' spikes never pass the replay synapses);
#   virtual   the recurrent edges live and the thalamus edges replayed from the thalamus input
#             file: full's spikes;
# byte-identical outputs of "targets" over ranks, threads and partitioners (ranks.sh); and
# malformed blocks refused before the run (exit 2, one line naming the config, inputs.<name> and
# the key, no output folder), by cadenza run and cadenza check alike; among them two blocks over
# one edges file, which the circuit cannot hold twice.
#   point_replay.sh MPIEXEC CADENZA
set -u
mpiexec=$1 cadenza=$2
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
ex="$data/bmtk/examples/point_120cells"
if [ ! -f "$ex/network/cortex_cortex_edges.h5" ]; then echo "shared data not found: skipped"; exit 77; fi
ex=$(cd "$ex" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_point_replay.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

nodes='[{"nodes_file": "'$ex'/network/cortex_nodes.h5", "node_types_file": "'$ex'/network/cortex_node_types.csv"},
        {"nodes_file": "'$ex'/network/thalamus_nodes.h5", "node_types_file": "'$ex'/network/thalamus_node_types.csv"}]'
rec='{"edges_file": "'$ex'/network/cortex_cortex_edges.h5", "edge_types_file": "'$ex'/network/cortex_cortex_edge_types.csv"}'
thal='{"edges_file": "'$ex'/network/thalamus_cortex_edges.h5", "edge_types_file": "'$ex'/network/thalamus_cortex_edge_types.csv"}'
for net in full norec cc; do
  edges="$thal"
  [ $net = full ] && edges="$rec, $thal"
  [ $net = cc ] && edges="$rec"
  cat > "$tmp/circuit_$net.json" <<JSON
{"components": {"point_neuron_models_dir": "$ex/../point_components/cell_models",
                "synaptic_models_dir": "$ex/../point_components/synaptic_models"},
 "networks": {"nodes": $nodes, "edges": [$edges]}}
JSON
done

# config NAME CIRCUIT TSTOP DT EXTRA_INPUTS: the network with its thalamus spikes and more inputs.
config() {
  cat > "$tmp/$1.json" <<JSON
{"target_simulator": "NEST", "network": "$tmp/circuit_$2.json",
 "run": {"tstop": $3, "dt": $4},
 "inputs": {"thalamus_spikes": {"input_type": "spikes", "module": "sonata",
                                "input_file": "$ex/inputs/thalamus_spikes.h5", "node_set": "thalamus"}$5},
 "output": {"output_dir": "$tmp/out_$1", "spikes_file": "spikes.h5", "spikes_file_csv": "spikes.csv"}}
JSON
}
run() {
  "$cadenza" run "$tmp/$1.json" --no-progress > "$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; fail "$1: the run failed"; }
}
# replay SPIKES_FILE [more keys]: a replay block body of the recurrent file.
replay() { echo '"input_type": "replay_spikes", "module": "replay", "spikes_file": "'$1'", "edges": '"$rec${2:-}"; }
same() { cmp -s "$tmp/out_$1/spikes.h5" "$tmp/out_$2/spikes.h5" && cmp -s "$tmp/out_$1/spikes.csv" "$tmp/out_$2/spikes.csv"; }
# nodes_csv NAME AWK_CONDITION: the spikes.csv rows of the nodes the condition on $3 keeps.
nodes_csv() { awk "NR > 1 && ($2)" "$tmp/out_$1/spikes.csv"; }
lo='{"population": "cortex", "node_id": ['$(seq -s, 0 59)']}'
hi='{"population": "cortex", "node_id": ['$(seq -s, 60 119)']}'

config full full 1000.0 0.1 ''
config norec norec 1000.0 0.1 ''
run full
run norec
played="$tmp/out_full/spikes.h5"
nfull=$(($(wc -l < "$tmp/out_full/spikes.csv") - 1))
nnorec=$(($(wc -l < "$tmp/out_norec/spikes.csv") - 1))
same full norec && fail "the recurrent edges change nothing: the test would prove nothing"
echo "full: $nfull spikes, without recurrent edges: $nnorec"

config all norec 1000.0 0.1 ', "rec": {'"$(replay "$played")"'}'
run all
same all full || fail "all: replaying every recurrent edge with full's spikes does not give full's spikes"
grep -q "inputs.rec: replay on PointNet is a Cadenza extension" "$tmp/all.log" || fail "all: no word that replay is an extension"
[ "$(grep -c "Cadenza extension" "$tmp/all.log")" = 1 ] || fail "all: the extension note is not said once"
echo "all: full's $nfull spikes exactly"

config fine_full full 300.0 0.001 ''
run fine_full
config fine_all norec 300.0 0.001 ', "rec": {'"$(replay "$tmp/out_fine_full/spikes.h5")"'}'
run fine_all
same fine_all fine_full || fail "fine: at dt = 0.001 ms the replay does not give full's spikes"
echo "fine: full's spikes at dt = 0.001 ms"

config targets norec 1000.0 0.1 ', "rec": {'"$(replay "$played" ', "source_node_set": "cortex", "target_node_set": '"$lo")"'}'
run targets
[ "$(nodes_csv targets '$3 < 60')" = "$(nodes_csv full '$3 < 60')" ] || fail "targets: nodes 0-59 differ from full"
[ "$(nodes_csv targets '$3 >= 60')" = "$(nodes_csv norec '$3 >= 60')" ] || fail "targets: nodes 60-119 differ from norec"
same targets full && fail "targets: equal to full"
same targets norec && fail "targets: equal to norec"
echo "targets: nodes 0-59 as in full, 60-119 as in norec"

config sources norec 1000.0 0.1 ', "rec": {'"$(replay "$played" ', "source_node_set": '"$lo")"'}'
run sources
same sources full && fail "sources: half the sources give full's spikes"
same sources norec && fail "sources: half the sources change nothing"
echo "sources: half the sources differ from both"

config empty norec 1000.0 0.1 ', "rec": {'"$(replay "$played" ', "target_node_set": "thalamus"')"'}'
run empty
same empty norec || fail "empty: a replay that selects no edge changes the spikes"
echo "empty: norec's spikes"

printf 'timestamps population node_ids\n5000.0 cortex 0\n' > "$tmp/late.csv"
config silent norec 1000.0 0.1 ', "rec": {'"$(replay "$tmp/late.csv")"'}'
run silent
same silent norec || fail "silent: live spikes pass the replay synapses"
config virtual cc 1000.0 0.1 ', "rec": {"input_type": "replay_spikes", "module": "replay",
  "spikes_file": "'"$ex"'/inputs/thalamus_spikes.h5", "edges": '"$thal"'}'
run virtual
same virtual full || fail "virtual: replaying the thalamus edges with the thalamus spikes does not give full's spikes"
echo "silent, virtual: live spikes keep off the replay synapses; virtual sources replay exactly"

"$(dirname "$0")/ranks.sh" "$mpiexec" "$cadenza" "$tmp/targets.json" || fail "targets: outputs depend on the decomposition"

# refused CASE NEEDLE BLOCK_BODY [CIRCUIT]: run and check exit 2 with one error line holding the needle.
refused() {
  config "bad_$1" "${4:-norec}" 100.0 0.1 ', "rec": {'"$3"'}'
  local what
  for what in run check; do
    if [ $what = run ]; then "$cadenza" run "$tmp/bad_$1.json" --no-progress; else "$cadenza" check "$tmp/bad_$1.json"; fi \
      > "$tmp/bad_$1.$what" 2>&1
    local rc=$?
    [ $rc = 2 ] || { cat "$tmp/bad_$1.$what"; fail "$1: cadenza $what exited $rc, not 2"; }
    grep -qF -- "$tmp/bad_$1.json: $2" "$tmp/bad_$1.$what" || { cat "$tmp/bad_$1.$what"; fail "$1: $what does not say '$2'"; }
  done
  [ "$(grep -c error "$tmp/bad_$1.run")" = 1 ] || { cat "$tmp/bad_$1.run"; fail "$1: the refusal is not one line"; }
  [ ! -e "$tmp/out_bad_$1" ] || fail "$1: a refused run made its output folder"
  echo "$1: refused ($(grep -m1 error "$tmp/bad_$1.run" | cut -c1-150)...)"
}
base='"input_type": "replay_spikes", "module": "replay"'
refused no_spikes_file "inputs.rec: missing key spikes_file" "$base"', "edges": '"$rec"
refused no_edges "inputs.rec: missing key edges" "$base"', "spikes_file": "'"$played"'"'
refused no_edge_types "inputs.rec.edges: missing key edge_types_file" \
  "$base"', "spikes_file": "'"$played"'", "edges": {"edges_file": "'"$ex"'/network/cortex_cortex_edges.h5"}'
refused unknown_node_set "inputs.rec.target_node_set: node set 'nowhere' is not defined" \
  "$(replay "$played" ', "target_node_set": "nowhere"')"
refused same_edges_file "inputs.b.edges.edges_file: $ex/network/cortex_cortex_edges.h5 is the edges file of inputs.rec too" \
  "$(replay "$played" ', "source_node_set": '"$lo")"'}, "b": {'"$(replay "$played" ', "source_node_set": '"$hi")"
refused in_network "inputs.rec.edges.edges_file: $ex/network/cortex_cortex_edges.h5 is in networks.edges too" \
  "$(replay "$played")" full
other="$data/bmtk/examples/point_450cells/network"
refused foreign_edges "inputs.rec.edges: " \
  "$base"', "spikes_file": "'"$played"'", "edges": {"edges_file": "'"$other"'/internal_internal_edges.h5",
    "edge_types_file": "'"$other"'/internal_internal_edge_types.csv"}'
grep -q "names population 'internal', which no loaded nodes file defines" "$tmp/bad_foreign_edges.run" ||
  fail "foreign_edges: the population is not named"
printf 'timestamps population node_ids\n5.0 cortex 1\n-1.5 cortex 0\n' > "$tmp/negative.csv"
refused negative_time "inputs.rec.spikes_file: $tmp/negative.csv: spike time -1.5 ms of node 0 is negative" \
  "$(replay "$tmp/negative.csv")"
echo "point replay: the recorded network's spikes exactly, node sets as selected, decomposition-independent, malformed blocks refused"
