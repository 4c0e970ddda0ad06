/* pas: the passive leak, i = g (v - e) (bionet-spec.md §4.1), at each of its nodes. */
#ifndef CZ_BIONET_MECH_PAS_H
#define CZ_BIONET_MECH_PAS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"

typedef struct cz_pas {
  size_t n;
  uint32_t *node; /* [n] */
  double *g;      /* [n] S/cm² (NEURON's default 0.001) */
  double *e;      /* [n] mV (default -70) */
} cz_pas;

/* Room for n instances, at NEURON's defaults. Owned (cz_pas_free). */
cz_status cz_pas_alloc(cz_pas *m, size_t n);
void cz_pas_free(cz_pas *m);
/* Adds the currents (rhs) and conductances (d) of every instance at the cable's v. */
void cz_pas_current(const cz_pas *m, cz_cable *c);

#endif
