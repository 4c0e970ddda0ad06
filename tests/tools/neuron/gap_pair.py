"""NEURON 8.2 reference of tests/regression/bio_gap.sh: two passive cells joined by one gap
junction (Gap.mod here, g = 0.01 uS, soma(0.5) to soma(0.5)), a 0.1 nA step into cell 0 from
10 to 60 ms; dt 0.025 ms, 100 ms. Each cell is what the test folder builds: the one-point SWC
soma of radius 10 um (NEURON's Import3d makes it a cylinder of L = diam = 20 um) with BMTK's
perisomatic axon stub (axon[0], axon[1]: L 30 um, diam 1 um, on soma(0.5) and axon[0](1)),
Ra 100 ohm cm, cm 1 uF/cm2, pas g 1e-4 S/cm2, e -70 mV; celsius 34, v_init -70 mV.

Prints "t v0 v1" (ms, mV; %.17g) every 40 steps (1 ms) from t = 0 to 99 ms: the table the test
holds (bio_gap_neuron.txt). Usage, with Gap.mod compiled by nrnivmodl into libnrnmech.so:
  python3 gap_pair.py path/to/libnrnmech.so > bio_gap_neuron.txt
"""
import sys

from neuron import h

h.load_file("stdrun.hoc")

h.nrn_load_dll(sys.argv[1])
h.celsius = 34.0
h.dt = 0.025
pc = h.ParallelContext()


def cell(k):
    soma = h.Section(name="soma_%d" % k)
    for x in (-10.0, 0.0, 10.0):
        soma.pt3dadd(x, 0.0, 0.0, 20.0)
    axon = [h.Section(name="axon%d_%d" % (j, k)) for j in range(2)]
    axon[0].connect(soma(0.5), 0)
    axon[1].connect(axon[0](1), 0)
    for sec in [soma] + axon:
        if sec is not soma:
            sec.L, sec.diam = 30.0, 1.0
        sec.nseg = 1
        sec.Ra = 100.0
        sec.cm = 1.0
        sec.insert("pas")
        sec.g_pas = 1e-4
        sec.e_pas = -70.0
    return soma, axon


cells = [cell(0), cell(1)]
gaps = []
for k in range(2):
    soma = cells[k][0]
    g = h.Gap(soma(0.5))
    g.g = 0.01
    pc.source_var(soma(0.5)._ref_v, k, sec=soma)  # end k publishes under id k
    pc.target_var(g, g._ref_vgap, 1 - k)  # and reads the other end
    gaps.append(g)
pc.setup_transfer()

stim = h.IClamp(cells[0][0](0.5))
stim.delay, stim.dur, stim.amp = 10.0, 50.0, 0.1

rec = [h.Vector().record(c[0](0.5)._ref_v) for c in cells]
h.finitialize(-70.0)
h.continuerun(100.0)
for n in range(0, 4000, 40):
    print("%.17g %.17g %.17g" % (n * 0.025, rec[0][n], rec[1][n]))
