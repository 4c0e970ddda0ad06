"""The Brunel network of a folder written by `cadenza generate brunel`, simulated by Brian2.

Reads the same SONATA files Cadenza reads, so both simulators run the very same network:
the neurons' parameters (cell JSON files) and initial V_m (nodes file), every recurrent and
external synapse with its weight and delay (edges files and edge types), and the external
Poisson trains (the spikes file the generator wrote). The model is NEST's iaf_psc_delta as
Cadenza runs it: exact exponential decay towards E_L, each arriving spike adds its weight
(mV) unless the neuron is refractory, a spike when V >= V_th, reset to V_reset and t_ref of
refractoriness. Runs in cpp_standalone mode with the given number of OpenMP threads.

    /usr/bin/python3 perf/brian2_brunel.py FOLDER OUT_DIR THREADS

Writes OUT_DIR/brian2_spikes.npz (times in ms, neuron indices) and prints one JSON line with
the network size and timings: "run_s" is the time of the network run inside the compiled
program (Brian2's own measure, without code generation, compilation and synapse creation),
"wall_s" the whole program run.
"""
import csv
import json
import os
import sys
import time

import h5py
import numpy as np


def read_types(path):
    with open(path) as f:
        return {int(r["edge_type_id"]): r for r in csv.DictReader(f, delimiter=" ")}


def read_edges(folder, name):
    types = read_types(os.path.join(folder, "network", name + "_edge_types.csv"))
    with h5py.File(os.path.join(folder, "network", name + "_edges.h5"), "r") as f:
        (pop,) = list(f["edges"].keys())
        g = f["edges"][pop]
        src = g["source_node_id"][()].astype(np.int64)
        tgt = g["target_node_id"][()].astype(np.int64)
        tid = g["edge_type_id"][()]
    weight = np.empty(len(src))
    delay = np.empty(len(src))
    for t, row in types.items():
        sel = tid == t
        weight[sel] = float(row["syn_weight"])
        delay[sel] = float(row["delay"])
    return src, tgt, weight, delay


def external_inputs(b2, ids, times, dt, es, et, ew, ed, G, on_pre):
    """Generators and synapses for the external trains. A Poisson train may hold two spikes of
    one source in one time step, which Cadenza (like NEST's spike_generator) delivers as two
    and a SpikeGeneratorGroup refuses: the k-th spike of a source in a step goes to the k-th
    copy of the generator, and copies after the first carry only the synapses of the sources
    that need them."""
    # Cadenza (NEST's spike_generator) emits a spike at the first grid point at or after its
    # time: give Brian2 that grid time
    steps = np.ceil(times / dt - 1e-9).astype(np.int64)
    order = np.lexsort((steps, ids))
    ids, steps = ids[order], steps[order]
    times = steps * dt
    same = np.concatenate(([False], (ids[1:] == ids[:-1]) & (steps[1:] == steps[:-1])))
    rank = np.zeros(len(ids), dtype=np.int64)
    for k in range(1, len(ids)):
        if same[k]:
            rank[k] = rank[k - 1] + 1
    objects = []
    for copy in range(int(rank.max()) + 1 if len(rank) else 1):
        sel = rank == copy
        sources = np.unique(ids[sel])
        local = {s: k for k, s in enumerate(sources)}
        gen = b2.SpikeGeneratorGroup(max(len(sources), 1), np.array([local[s] for s in ids[sel]], dtype=np.int64),
                                     times[sel] * b2.ms)
        edge = np.isin(es, sources)
        syn = b2.Synapses(gen, G, "w : volt", on_pre=on_pre)
        syn.connect(i=np.array([local[s] for s in es[edge]], dtype=np.int64), j=et[edge])
        syn.w = ew[edge] * b2.mV
        syn.delay = ed[edge] * b2.ms
        objects += [gen, syn]
    return objects


def main():
    folder, out, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    tstop, dt = float(cfg["run"]["tstop"]), float(cfg["run"]["dt"])
    with open(os.path.join(folder, "components", "cell_models", "exc.json")) as f:
        cell = json.load(f)
    with h5py.File(os.path.join(folder, "network", "brunel_nodes.h5"), "r") as f:
        v0 = f["nodes/brunel/0/dynamics_params/V_m"][()]
    with h5py.File(os.path.join(folder, "inputs", "external_spikes.h5"), "r") as f:
        (pop,) = list(f["spikes"].keys())
        ext_ids = f["spikes"][pop]["node_ids"][()].astype(np.int64)
        ext_t = f["spikes"][pop]["timestamps"][()]
    rs, rt, rw, rd = read_edges(folder, "brunel_brunel")
    es, et, ew, ed = read_edges(folder, "external_brunel")

    import brian2 as b2

    b2.set_device("cpp_standalone", directory=os.path.join(out, "brian2_build"), build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.defaultclock.dt = dt * b2.ms
    n = len(v0)
    ns = {"tau": cell["tau_m"] * b2.ms, "E_L": cell["E_L"] * b2.mV, "V_th": cell["V_th"] * b2.mV,
          "V_reset": cell["V_reset"] * b2.mV}
    G = b2.NeuronGroup(n, "dv/dt = (E_L - v) / tau : volt (unless refractory)", threshold="v >= V_th",
                       reset="v = V_reset", refractory=cell["t_ref"] * b2.ms, method="exact", namespace=ns)
    G.v = v0 * b2.mV
    on_pre = "v += w * int(not_refractory_post)"
    S = b2.Synapses(G, G, "w : volt", on_pre=on_pre)
    S.connect(i=rs, j=rt)
    S.w = rw * b2.mV
    S.delay = rd * b2.ms
    keep = ext_t < tstop
    inputs = external_inputs(b2, ext_ids[keep], ext_t[keep], dt, es, et, ew, ed, G, on_pre)
    M = b2.SpikeMonitor(G)
    net = b2.Network(G, S, M, *inputs)
    net.run(tstop * b2.ms)
    t0 = time.time()
    b2.device.build(directory=os.path.join(out, "brian2_build"), compile=True, run=False)
    t1 = time.time()
    b2.device.run(directory=os.path.join(out, "brian2_build"), with_output=False, run_args=[])
    t2 = time.time()
    np.savez(os.path.join(out, "brian2_spikes.npz"), t=np.asarray(M.t / b2.ms), i=np.asarray(M.i))
    print(json.dumps({"neurons": n, "synapses": int(len(rs) + len(es)), "threads": threads,
                      "compile_s": t1 - t0, "wall_s": t2 - t1, "run_s": float(b2.device._last_run_time)}))


if __name__ == "__main__":
    main()
