/* Exp2Syn: NEURON's double-exponential conductance synapse (bionet-spec.md §5.3), every
 * instance a thread's cells hold in one structure of arrays. An event of weight w (µS) adds
 * w * factor to both A and B, so that the conductance g = B - A of one event peaks at w; the
 * current g (v - e) enters its node's row scaled by 100 / area (a point process), derived the
 * way NEURON derives every current, at v and at v + 0.001 mV. */
#ifndef CZ_BIONET_EXP2SYN_H
#define CZ_BIONET_EXP2SYN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"

typedef struct cz_exp2syn {
  size_t n, cap;
  uint32_t *node;         /* [n] */
  double *tau1, *tau2, *e; /* [n] ms, ms, mV */
  double *factor;          /* [n] set by cz_exp2syn_init */
  double *A, *B;           /* [n] µS */
  double *g, *i;           /* [n] µS, nA: the last current evaluation's (B - A, g (v - e)), kept
                              only when keep_gi is set */
  bool keep_gi;            /* a report reads g or i (cz_bio_reports_read_synapse_currents) */
  uint32_t *cell, *sec;    /* [n] where it is: the thread's cell, the section's index in its list */
  double *x;               /* [n] the centre of its segment (its node's x; 0 or 1 at a section's ends) */
  double *k1, *k2;         /* [n] each step's decay 1 - exp(-dt / tau), set by cz_exp2syn_init (the
                              expression NEURON evaluates every step, made once: the same values) */
  double *scale;           /* [n] 100 / area of its node, set by cz_exp2syn_init (made once, as the decays) */
} cz_exp2syn;

/* The bytes its arrays hold, as allocated. */
size_t cz_exp2syn_bytes(const cz_exp2syn *s);
/* Appends a synapse at node; its index in *index. Local. */
cz_status cz_exp2syn_add(cz_exp2syn *s, uint32_t node, double tau1, double tau2, double e, size_t *index);
/* Says where synapse k is, for the synapse reports. */
static inline void cz_exp2syn_place(cz_exp2syn *s, size_t k, uint32_t cell, uint32_t sec, double x) {
  s->cell[k] = cell;
  s->sec[k] = sec;
  s->x[k] = x;
}
void cz_exp2syn_free(cz_exp2syn *s);

/* NEURON's INITIAL: tau1 kept inside (1e-9, 0.9999) tau2, A = B = 0, the peak factor; the
 * decays of steps of dt ms, and each synapse's scale on the cable c. */
void cz_exp2syn_init(cz_exp2syn *s, const cz_cable *c, double dt);
/* An event of weight w (µS) on synapse k. */
static inline void cz_exp2syn_event(cz_exp2syn *s, size_t k, double w) {
  s->A[k] += w * s->factor[k];
  s->B[k] += w * s->factor[k];
}
void cz_exp2syn_current(cz_exp2syn *s, cz_cable *c);
void cz_exp2syn_advance(cz_exp2syn *s);

#endif
