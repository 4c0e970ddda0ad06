#include "bionet/mechanisms/pas.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "bionet/mechanisms/mech_math.h"

cz_status cz_pas_alloc(cz_pas *m, size_t n) {
  memset(m, 0, sizeof *m);
  m->n = n;
  CZ_NEW(m->node, n);
  CZ_NEW(m->g, n);
  CZ_NEW(m->e, n);
  for (size_t k = 0; k < n; k++) {
    m->g[k] = 0.001;
    m->e[k] = -70.0;
  }
  return CZ_OK;
}

void cz_pas_free(cz_pas *m) {
  free(m->node);
  free(m->g);
  free(m->e);
  memset(m, 0, sizeof *m);
}

void cz_pas_current(const cz_pas *m, cz_cable *c) {
  for (size_t k = 0; k < m->n; k++) {
    const uint32_t i = m->node[k];
    const double v = c->v[i];
    const double i_dv = m->g[k] * (v + CZ_NRN_DV - m->e[k]), i_v = m->g[k] * (v - m->e[k]);
    c->rhs[i] -= i_v;
    c->d[i] += (i_dv - i_v) / CZ_NRN_DV;
  }
}
