#include "bionet/intfire1.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

cz_status cz_intfire1_add(cz_intfire1 *c, double tau, double refrac, size_t *index) {
  CZ_CHECK(tau > 0 && isfinite(tau) && refrac >= 0 && isfinite(refrac), CZ_ERR_CONFIG,
           "IntFire1 needs tau > 0 and refrac >= 0 (got %g and %g ms)", tau, refrac);
  if (c->n == c->cap) {
    const size_t cap = c->cap ? 2 * c->cap : 16;
    double **cols[] = {&c->tau, &c->refrac, &c->m, &c->t0};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
      double *col = realloc(*cols[i], cap * sizeof *col);
      CZ_CHECK(col, CZ_ERR_NOMEM, "out of memory");
      *cols[i] = col;
    }
    uint8_t *r = realloc(c->refractory, cap * sizeof *r);
    CZ_CHECK(r, CZ_ERR_NOMEM, "out of memory");
    c->refractory = r;
    c->cap = cap;
  }
  const size_t k = c->n++;
  c->tau[k] = tau;
  c->refrac[k] = refrac;
  c->m[k] = c->t0[k] = 0;
  c->refractory[k] = 0;
  if (index) *index = k;
  return CZ_OK;
}

void cz_intfire1_free(cz_intfire1 *c) {
  free(c->tau);
  free(c->refrac);
  free(c->m);
  free(c->t0);
  free(c->refractory);
  memset(c, 0, sizeof *c);
}

cz_intfire1_out cz_intfire1_event(cz_intfire1 *c, size_t k, double t, double w, bool self) {
  cz_intfire1_out out = {false, false, 0};
  if (!c->refractory[k]) {
    if (self) return out; /* no own event is pending outside refractoriness */
    c->m[k] = c->m[k] * exp(-(t - c->t0[k]) / c->tau[k]);
    c->t0[k] = t;
    c->m[k] = c->m[k] + w;
    if (c->m[k] > 1) {
      c->refractory[k] = 1;
      c->m[k] = 2;
      out = (cz_intfire1_out){true, true, t + c->refrac[k]};
    }
  } else if (self) {
    c->refractory[k] = 0;
    c->m[k] = 0;
    c->t0[k] = t;
  }
  return out;
}
