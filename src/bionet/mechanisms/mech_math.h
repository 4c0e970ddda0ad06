/* The arithmetic the channel mechanisms share, as NEURON's generated code does it: the guarded
 * exponential of its mod files, the singularity-safe rate function, and one cnexp step. */
#ifndef CZ_BIONET_MECH_MATH_H
#define CZ_BIONET_MECH_MATH_H

#include <math.h>

/* NEURON's exp inside mechanisms: 0 below -700, exp(700) above 700 (no overflow). */
static inline double cz_nrn_exp(double x) {
  if (x < -700.0) return 0.0;
  if (x > 700.0) return exp(700.0);
  return exp(x);
}

/* x / (exp(x / y) - 1), continued by its expansion where x / y is near 0. */
static inline double cz_vtrap(double x, double y) {
  if (fabs(x / y) < 1e-6) return y * (1.0 - x / y / 2.0);
  return x / (cz_nrn_exp(x / y) - 1.0);
}

/* One step of s' = (inf - s) / tau over dt with inf and tau frozen, written as NEURON's cnexp
 * code writes it (so that it rounds the same way). */
static inline double cz_cnexp(double s, double inf, double tau, double dt) {
  return s + (1.0 - cz_nrn_exp(dt * (-1.0 / tau))) * (-(inf / tau) / (-1.0 / tau) - s);
}

/* NEURON's numerical derivative step of a current (mV). */
#define CZ_NRN_DV 0.001

#endif
