: A gap junction end: a conductance g (uS) to the voltage vgap (mV) of the partner end, which
: ParallelContext.target_var sets after every voltage update (Cadenza's bionet/gap.h).
NEURON {
  POINT_PROCESS Gap
  NONSPECIFIC_CURRENT i
  RANGE g, i, vgap
}

UNITS {
  (nA) = (nanoamp)
  (mV) = (millivolt)
  (uS) = (microsiemens)
}

PARAMETER {
  g = 0.001 (uS)
}

ASSIGNED {
  v (mV)
  vgap (mV)
  i (nA)
}

BREAKPOINT {
  i = g * (v - vgap)
}
