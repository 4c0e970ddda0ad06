/* hh: the Hodgkin-Huxley squid axon channels as NEURON ships them (a test mechanism: none of
 * the Allen models uses it). Sodium m^3 h, potassium n^4 and a leak, rates scaled by
 * q10 = 3^((celsius - 6.3) / 10), computed directly (NEURON's rate tables off). */
#ifndef CZ_BIONET_MECH_HH_H
#define CZ_BIONET_MECH_HH_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"

typedef struct cz_hh {
  size_t n;
  uint32_t *node;                  /* [n] */
  double *gnabar, *gkbar, *gl, *el; /* [n] S/cm², mV: 0.12, 0.036, 0.0003, -54.3 */
  double *ena, *ek;                /* [n] mV: 50, -77 */
  double *m, *h, *nk;              /* [n] gates (nk: the potassium gate n) */
} cz_hh;

cz_status cz_hh_alloc(cz_hh *mech, size_t n);
void cz_hh_free(cz_hh *mech);
/* Gates at their steady state at the cable's v. */
void cz_hh_init(cz_hh *mech, const cz_cable *c, double celsius);
void cz_hh_current(const cz_hh *mech, cz_cable *c);
/* One cnexp step of the gates with the new v. */
void cz_hh_state(cz_hh *mech, const cz_cable *c, double dt, double celsius);

#endif
