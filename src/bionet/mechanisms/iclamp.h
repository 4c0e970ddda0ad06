/* IClamp: a current step of amp nA from del for dur ms (bionet-spec.md §6.1), injected at a
 * node as an electrode current. NEURON evaluates it at the middle of each step, t_n + dt/2. */
#ifndef CZ_BIONET_MECH_ICLAMP_H
#define CZ_BIONET_MECH_ICLAMP_H

#include <stddef.h>
#include <stdint.h>

#include "bionet/cable.h"

typedef struct cz_iclamp {
  uint32_t node;
  double del, dur, amp; /* ms, ms, nA */
} cz_iclamp;

/* The clamp's current at time t (nA). */
static inline double cz_iclamp_at(const cz_iclamp *s, double t) {
  return t < s->del + s->dur && t >= s->del ? s->amp : 0.0;
}

/* Injects each clamp's current at time t (the step's middle). */
static inline void cz_iclamp_current(const cz_iclamp *s, size_t n, double t, cz_cable *c) {
  for (size_t k = 0; k < n; k++) cz_cable_add_electrode(c, s[k].node, cz_iclamp_at(&s[k], t));
}

#endif
