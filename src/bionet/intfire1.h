/* IntFire1: NEURON's leaky integrate-and-fire artificial cell (bionet-spec.md §5.5), driven
 * only by events at their exact times. An input of weight w decays the state m since the last
 * input (time constant tau), adds w, and fires when m exceeds 1: the cell spikes at the input's
 * time and is refractory for refrac ms, ignoring inputs, until its own event ends it (m = 0).
 * tau and refrac are in ms (BMTK's JSON gives seconds). */
#ifndef CZ_BIONET_INTFIRE1_H
#define CZ_BIONET_INTFIRE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_intfire1 {
  size_t n, cap;
  double *tau, *refrac; /* [n] ms */
  double *m, *t0;       /* [n] */
  uint8_t *refractory;  /* [n] */
} cz_intfire1;

/* Appends a cell at rest (m 0, t0 0, not refractory); its index in *index. Local. */
cz_status cz_intfire1_add(cz_intfire1 *c, double tau, double refrac, size_t *index);
void cz_intfire1_free(cz_intfire1 *c);

/* What an event did. */
typedef struct cz_intfire1_out {
  bool spiked;       /* the cell spikes at the event's time */
  bool schedule;     /* the caller queues the cell's own event at self_at */
  double self_at;
} cz_intfire1_out;

/* An input event of weight w at time t (flag 0), or the cell's own end of refractoriness
 * (self true). */
cz_intfire1_out cz_intfire1_event(cz_intfire1 *c, size_t k, double t, double w, bool self);

#endif
