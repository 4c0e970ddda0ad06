/* The arithmetic the channel mechanisms share, as NEURON's generated code does it: the guarded
 * exponential of its mod files, the singularity-safe rate function, and one cnexp step.
 *
 * A kind's file may be compiled twice (kinds.h): as is, and as its vector build
 * (CZ_MECH_LANES: AVX2 and FMA, exp by lanes). Guards are written CZ_PICK(c, a, b): the scalar
 * build computes the side it takes, the vector build both and selects, so that the loops over
 * instances have no branches; the value taken comes from the same operations either way. */
#ifndef CZ_BIONET_MECH_MATH_H
#define CZ_BIONET_MECH_MATH_H

#include <math.h>

#include "bionet/mechanisms/exp_lanes.h"

#ifdef CZ_MECH_LANES
/* c ? a : b, both computed (a blend in a vector loop) */
#define CZ_PICK(c, a, b) cz_lanes_select((c), (a), (b))
#define CZ_EXP(x) cz_exp_lanes(x)
#else
/* c ? a : b, one computed */
#define CZ_PICK(c, a, b) ((c) ? (a) : (b))
#define CZ_EXP(x) exp(x)
#endif

/* NEURON's exp inside mechanisms: 0 below -700, exp(700) above 700 (no overflow). */
static inline double cz_nrn_exp(double x) {
  const bool below = x < -700.0, above = x > 700.0;
  return CZ_PICK(below, 0.0, CZ_PICK(above, exp(700.0), CZ_EXP(CZ_PICK(below, -700.0, CZ_PICK(above, 700.0, x)))));
}

/* x / (exp(x / y) - 1), continued by its expansion where x / y is near 0. */
static inline double cz_vtrap(double x, double y) {
  const double t = x / y;
  return CZ_PICK(fabs(t) < 1e-6, y * (1.0 - t / 2.0), x / (cz_nrn_exp(t) - 1.0));
}

/* One step of s' = (inf - s) / tau over dt with inf and tau frozen, written as NEURON's cnexp
 * code writes it (so that it rounds the same way). */
static inline double cz_cnexp(double s, double inf, double tau, double dt) {
  return s + (1.0 - cz_nrn_exp(dt * (-1.0 / tau))) * (-(inf / tau) / (-1.0 / tau) - s);
}

/* NEURON's numerical derivative step of a current (mV). */
#define CZ_NRN_DV 0.001

#endif
