"""The hh variant of Cadenza's BioNet benchmark (`cadenza generate bionet --hh`) in NEURON 8.2,
for perf/neuron_compare.sh: the same cells, synapses and inputs, fixed step, one thread.

Cells are built as BMTK builds a ctdb:Biophys1 cell with aibs_perisomatic processing: the SWC
through BMTK's import3d.hoc (soma, axon, dend, apic in that order), every axon section replaced
by two 30 um x 1 um sections on soma(0.5) and axon[0](1), nseg = 1 + 2 int(L / (2 dL)), then
the fit file: Ra and cm, pas everywhere with e_pas, the genome's values and mechanisms. The
synapses are where Cadenza put them (its save_synapses files: target, section index in the
cell's list, x, weight), Exp2Syn with their synapse file's tau1, tau2 and erev, a NetCon of
the edge type's delay from the source soma's voltage (threshold run.spike_threshold); an
external cell's train reaches its synapses as NetCon events queued at each time plus the
delay (Debian's NEURON has no VecStim), which is when a VecStim's would arrive.

Usage: python3 neuron_hh.py FOLDER SYNAPSES_DIR OUT.txt [TSTOP_MS (the config's)]
Writes one spike per line, "gid time" (%.17g), and prints "neuron: run S s" (psolve only).
"""
import csv
import importlib.util
import json
import os
import sys
import time

import h5py
from neuron import h

h.load_file("stdrun.hoc")


def bmtk_import3d():
    """BMTK's import3d.hoc (BMTK loads its own; its instantiate writes the 3-D points through
    hoc text, so each coordinate is rounded to 6 digits, which NEURON's own does not do)."""
    if os.environ.get("BMTK_IMPORT3D"):
        return os.environ["BMTK_IMPORT3D"]
    spec = importlib.util.find_spec("bmtk")
    for root in (spec.submodule_search_locations if spec else []):
        path = os.path.join(root, "simulator", "bionet", "import3d.hoc")
        if os.path.exists(path):
            return path
    sys.exit("neuron_hh.py: BMTK's import3d.hoc not found: install python3-bmtk or set BMTK_IMPORT3D")


h.load_file(bmtk_import3d())

folder, syn_dir, out_path = sys.argv[1:4]
cfg = json.load(open(os.path.join(folder, "config.json")))
comp = cfg["manifest"]["$COMPONENTS_DIR"]
net = os.path.join(folder, "network")
run = cfg["run"]
dt, tstop, dl, threshold = run["dt"], run["tstop"], run["dL"], run["spike_threshold"]
if len(sys.argv) > 4:
    tstop = float(sys.argv[4])
h.celsius = cfg["conditions"]["celsius"]
h.usetable_hh = 0  # hh's rates computed, not interpolated from its table, as Cadenza computes them
v_init = cfg["conditions"]["v_init"]
h.dt = dt

h("""
begintemplate CzCell
public soma, dend, apic, axon, all, somatic, axonal, basal, apical
create soma[1], dend[1], apic[1], axon[1]
objref all, somatic, axonal, basal, apical, this
proc init() { localobj nl, i3d
  all = new SectionList()
  somatic = new SectionList()
  axonal = new SectionList()
  basal = new SectionList()
  apical = new SectionList()
  forall delete_section()
  nl = new Import3d_SWC_read()
  nl.quiet = 1
  nl.input($s1)
  i3d = new Import3d_GUI(nl, 0)
  i3d.instantiate(this)
}
endtemplate CzCell
""")


def table(path):
    with open(path) as f:
        rows = list(csv.reader(f, delimiter=" "))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


node_types = {int(r["node_type_id"]): r for r in table(os.path.join(net, "internal_node_types.csv"))}
with h5py.File(os.path.join(net, "internal_nodes.h5"), "r") as f:
    types = f["/nodes/internal/node_type_id"][:]
fit_cache = {}


def fit_of(name):
    if name not in fit_cache:
        fit_cache[name] = json.load(open(os.path.join(folder, "components", "cell_models", name)))
    return fit_cache[name]


def stub_axon(cell):
    for sec in list(cell.axonal):
        h.delete_section(sec=sec)
    h.execute("create axon[2]", cell)
    for sec in cell.axon:
        sec.L, sec.diam = 30.0, 1.0
        cell.axonal.append(sec=sec)
        cell.all.append(sec=sec)
    cell.axon[0].connect(cell.soma[0], 0.5, 0)
    cell.axon[1].connect(cell.axon[0], 1, 0)
    h.define_shape()


def apply_fit(cell, fit):
    passive = fit["passive"][0]
    cm = {e["section"]: e["cm"] for e in passive["cm"]}
    for sec in cell.all:
        sec.Ra = passive["ra"]
        sec.cm = cm[sec.name().split(".")[-1][:4]]
        sec.insert("pas")
        for seg in sec:
            seg.e_pas = passive["e_pas"]
    lists = {"soma": cell.somatic, "axon": cell.axonal, "dend": cell.basal, "apic": cell.apical}
    for g in fit["genome"]:
        for sec in lists[g["section"]]:
            if g["mechanism"]:
                sec.insert(g["mechanism"])
            setattr(sec, g["name"], g["value"])


cells, secs = [], []
for gid, t in enumerate(types):
    nt = node_types[int(t)]
    cell = h.CzCell(os.path.join(comp, "morphologies", nt["morphology"]))
    stub_axon(cell)
    for sec in cell.all:
        sec.nseg = 1 + 2 * int(sec.L / (2 * dl))
    apply_fit(cell, fit_of(nt["dynamics_params"]))
    cells.append(cell)
    secs.append(list(cell.all))

syn_models = {}


def syn_params(name):
    if name not in syn_models:
        syn_models[name] = json.load(open(os.path.join(comp, "synaptic_models", name)))
    return syn_models[name]


with h5py.File(os.path.join(folder, "inputs", "external_spikes.h5"), "r") as f:
    ext_ids = f["/spikes/external/node_ids"][:]
    ext_ts = f["/spikes/external/timestamps"][:]
trains = {}
for i, t in zip(ext_ids, ext_ts):
    trains.setdefault(int(i), []).append(float(t))
played = []  # (NetCon without a source, arrival times): events queued after finitialize


keep = []
for src_pop in ("internal", "external"):
    etypes = {int(r["edge_type_id"]): r for r in table(os.path.join(net, "%s_internal_edge_types.csv" % src_pop))}
    with h5py.File(os.path.join(syn_dir, "%s_internal_edges.h5" % src_pop), "r") as f:
        e = f["/edges/%s_internal" % src_pop]
        src, trg, et = e["source_node_id"][:], e["target_node_id"][:], e["edge_type_id"][:]
        sec_id, sec_x, w = e["0/sec_id"][:], e["0/sec_x"][:], e["0/syn_weight"][:]
    for k in range(len(src)):
        row = etypes[int(et[k])]
        p = syn_params(row["dynamics_params"])
        sec = secs[int(trg[k])][int(sec_id[k])]
        syn = h.Exp2Syn(sec(float(sec_x[k])))
        syn.tau1, syn.tau2, syn.e = p.get("tau1", 0.1), p.get("tau2", 10.0), p.get("erev", 0.0)
        if src_pop == "internal":
            soma = cells[int(src[k])].soma[0]
            nc = h.NetCon(soma(0.5)._ref_v, syn, sec=soma)
            nc.threshold = threshold
        else:
            nc = h.NetCon(None, syn)
        nc.weight[0] = float(w[k])
        nc.delay = float(row["delay"])
        if src_pop == "external":
            played.append((nc, [t + nc.delay for t in trains.get(int(src[k]), [])]))
        keep.append((syn, nc))

tvec, idvec, probes = h.Vector(), h.Vector(), []
for gid, cell in enumerate(cells):
    nc = h.NetCon(cell.soma[0](0.5)._ref_v, None, sec=cell.soma[0])
    nc.threshold = threshold
    nc.record(tvec, idvec, gid)
    probes.append(nc)

h.cvode_active(0)
h.CVode().cache_efficient(1)  # NEURON's fastest layout for fixed steps; the same numbers
h.finitialize(v_init)
for nc, arrivals in played:
    for t in arrivals:
        nc.event(t)
start = time.time()
h.continuerun(tstop)
elapsed = time.time() - start
with open(out_path, "w") as f:
    for t, i in sorted(zip(tvec, idvec), key=lambda p: (p[1], p[0])):
        f.write("%d %.17g\n" % (int(i), t))
print("neuron: run %.2f s, %d spikes, %d cells, %d synapses" % (elapsed, len(tvec), len(cells), len(keep)))
