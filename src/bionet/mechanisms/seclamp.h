/* SEClamp: NEURON's single-electrode voltage clamp (bionet-spec.md §6.2): three levels amp1-3
 * held for dur1-3 ms in turn through the series resistance rs (MΩ), evaluated at the middle of
 * each step, t_n + dt/2. The electrode current i = (vc - v) / rs (nA) enters its node's row
 * implicitly, its derivative taken as NEURON takes it, at v and v + 0.001 mV; after the last
 * level the clamp is off. */
#ifndef CZ_BIONET_MECH_SECLAMP_H
#define CZ_BIONET_MECH_SECLAMP_H

#include <stddef.h>
#include <stdint.h>

#include "bionet/cable.h"
#include "bionet/mechanisms/mech_math.h"

typedef struct cz_seclamp {
  uint32_t node;
  double dur[3], amp[3]; /* ms, mV */
  double rs;             /* MΩ */
  uint32_t column;       /* its column in a clamp report (all SEClamps, in input and gid order) */
} cz_seclamp;

/* Whether the clamp holds at t, and at which level (*vc). */
static inline int cz_seclamp_level(const cz_seclamp *s, double t, double *vc) {
  const double tc2 = s->dur[0] + s->dur[1], tc3 = tc2 + s->dur[2];
  if (t < s->dur[0]) *vc = s->amp[0];
  else if (t < tc2) *vc = s->amp[1];
  else if (t < tc3) *vc = s->amp[2];
  else return 0;
  return 1;
}

/* Adds each clamp's current at time t (the step's middle). */
static inline void cz_seclamp_current(const cz_seclamp *s, size_t n, double t, cz_cable *c) {
  for (size_t k = 0; k < n; k++) {
    double vc = 0;
    if (!cz_seclamp_level(&s[k], t, &vc)) continue;
    const uint32_t i = s[k].node;
    const double v = c->v[i], scale = 100.0 / c->area[i];
    const double i_v = (vc - v) / s[k].rs, i_dv = (vc - (v + CZ_NRN_DV)) / s[k].rs;
    c->rhs[i] += i_v * scale;
    c->d[i] -= (i_dv - i_v) / CZ_NRN_DV * scale;
  }
}

#endif
