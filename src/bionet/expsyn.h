/* ExpSyn: NEURON's single-exponential conductance synapse (bionet-spec.md §5.2: BMTK's
 * `expsyn` template, its tau the synapse JSON's tau1), every instance a thread's cells hold in
 * one structure of arrays. An event of weight w (µS) adds w to g, which decays with tau (cnexp,
 * NEURON's form); the current g (v - e) enters its node's row scaled by 100 / area, derived at
 * v and at v + 0.001 mV as NEURON derives every current. */
#ifndef CZ_BIONET_EXPSYN_H
#define CZ_BIONET_EXPSYN_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"

typedef struct cz_expsyn {
  size_t n, cap;
  uint32_t *node; /* [n] */
  double *tau, *e; /* [n] ms, mV */
  double *g;       /* [n] µS */
  double *i;       /* [n] nA: the last current evaluation's g (v - e) */
  uint32_t *cell, *sec; /* [n] where it is (cz_exp2syn's) */
  double *x;
  double *k;       /* [n] each step's decay 1 - exp(-dt / tau), set by cz_expsyn_init (as cz_exp2syn's) */
} cz_expsyn;

/* The bytes its arrays hold, as allocated. */
size_t cz_expsyn_bytes(const cz_expsyn *s);
/* Appends a synapse at node (tau > 0); its index in *index. Local. */
cz_status cz_expsyn_add(cz_expsyn *s, uint32_t node, double tau, double e, size_t *index);
void cz_expsyn_free(cz_expsyn *s);

/* NEURON's INITIAL: g = 0. */
void cz_expsyn_init(cz_expsyn *s, double dt);
static inline void cz_expsyn_event(cz_expsyn *s, size_t k, double w) { s->g[k] += w; }
void cz_expsyn_current(cz_expsyn *s, cz_cable *c);
static inline void cz_expsyn_place(cz_expsyn *s, size_t k, uint32_t cell, uint32_t sec, double x) {
  s->cell[k] = cell;
  s->sec[k] = sec;
  s->x[k] = x;
}
void cz_expsyn_advance(cz_expsyn *s);

#endif
