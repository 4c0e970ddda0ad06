#include "bionet/expsyn.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "bionet/mechanisms/mech_math.h"

cz_status cz_expsyn_add(cz_expsyn *s, uint32_t node, double tau, double e, size_t *index) {
  CZ_CHECK(tau > 0, CZ_ERR_CONFIG, "ExpSyn: tau %g ms must be positive", tau);
  if (s->n == s->cap) {
    const size_t cap = s->cap ? 2 * s->cap : 64;
    CZ_TRY(cz_resize((void **)&s->node, cap, sizeof *s->node));
    CZ_TRY(cz_resize((void **)&s->tau, cap, sizeof *s->tau));
    CZ_TRY(cz_resize((void **)&s->e, cap, sizeof *s->e));
    CZ_TRY(cz_resize((void **)&s->g, cap, sizeof *s->g));
    CZ_TRY(cz_resize((void **)&s->i, cap, sizeof *s->i));
    CZ_TRY(cz_resize((void **)&s->x, cap, sizeof *s->x));
    CZ_TRY(cz_resize((void **)&s->k, cap, sizeof *s->k));
    CZ_TRY(cz_resize((void **)&s->cell, cap, sizeof *s->cell));
    CZ_TRY(cz_resize((void **)&s->sec, cap, sizeof *s->sec));
    s->cap = cap;
  }
  const size_t k = s->n++;
  s->node[k] = node;
  s->tau[k] = tau;
  s->e[k] = e;
  s->g[k] = s->i[k] = s->x[k] = 0;
  s->cell[k] = s->sec[k] = UINT32_MAX;
  if (index) *index = k;
  return CZ_OK;
}

void cz_expsyn_free(cz_expsyn *s) {
  free(s->node);
  free(s->tau);
  free(s->e);
  free(s->g);
  free(s->i);
  free(s->x);
  free(s->k);
  free(s->cell);
  free(s->sec);
  memset(s, 0, sizeof *s);
}

void cz_expsyn_init(cz_expsyn *s, double dt) {
  for (size_t k = 0; k < s->n; k++) {
    s->g[k] = 0;
    s->k[k] = 1.0 - cz_nrn_exp(dt * (-1.0 / s->tau[k]));
  }
}

void cz_expsyn_current(cz_expsyn *s, cz_cable *c) {
  for (size_t k = 0; k < s->n; k++) {
    const uint32_t i = s->node[k];
    const double g = s->g[k], v = c->v[i], scale = 100.0 / c->area[i];
    const double i_dv = g * (v + CZ_NRN_DV - s->e[k]), i_v = g * (v - s->e[k]);
    s->i[k] = i_v;
    c->rhs[i] -= i_v * scale;
    c->d[i] += (i_dv - i_v) / CZ_NRN_DV * scale;
  }
}

void cz_expsyn_advance(cz_expsyn *s) {
  for (size_t k = 0; k < s->n; k++) s->g[k] = s->g[k] + s->k[k] * (-s->g[k]);
}

size_t cz_expsyn_bytes(const cz_expsyn *s) {
  return s->cap * (sizeof *s->node + sizeof *s->cell + sizeof *s->sec + 6 * sizeof(double));
}
