/* IClamp: a current step of amp nA from del for dur ms (bionet-spec.md §6.1), injected at a
 * node as an electrode current. NEURON evaluates it at the middle of each step, t_n + dt/2.
 *
 * A played clamp (BMTK's csv clamps, inputs-spec.md §7) has its amplitude vector played into
 * amp every idt ms from t = 0: each change is an event at its accumulated time k idt, which
 * acts from the step whose start is nearest it (ties to the earlier step), as every NEURON
 * event does (bionet-spec.md §3.9). */
#ifndef CZ_BIONET_MECH_ICLAMP_H
#define CZ_BIONET_MECH_ICLAMP_H

#include <stddef.h>
#include <stdint.h>

#include "bionet/cable.h"

typedef struct cz_iclamp {
  uint32_t node;
  double del, dur, amp; /* ms, ms, nA */
  const double *play;   /* [nplay] the amplitudes played every idt ms (borrowed), or NULL */
  size_t nplay, next;   /* the next change, at accumulated time next_t */
  double idt, next_t;
  uint32_t column;      /* its column in a clamp report (the step clamps, or the played ones) */
} cz_iclamp;

/* The played amplitude changes that act on the step starting at t_n. */
static inline void cz_iclamp_play(cz_iclamp *s, size_t n, double t_n, double dt) {
  for (size_t k = 0; k < n; k++)
    for (; s[k].play && s[k].next < s[k].nplay && s[k].next_t <= t_n + 0.5 * dt; s[k].next++) {
      s[k].amp = s[k].play[s[k].next];
      s[k].next_t += s[k].idt;
    }
}

/* The clamp's current at time t (nA). */
static inline double cz_iclamp_at(const cz_iclamp *s, double t) {
  return t < s->del + s->dur && t >= s->del ? s->amp : 0.0;
}

/* Injects each clamp's current at time t (the step's middle). */
static inline void cz_iclamp_current(const cz_iclamp *s, size_t n, double t, cz_cable *c) {
  for (size_t k = 0; k < n; k++) cz_cable_add_electrode(c, s[k].node, cz_iclamp_at(&s[k], t));
}

#endif
