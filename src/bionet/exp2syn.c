#include "bionet/exp2syn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/vector_clones.h"
#include "bionet/mechanisms/mech_math.h"

cz_status cz_exp2syn_add(cz_exp2syn *s, uint32_t node, double tau1, double tau2, double e, size_t *index) {
  if (s->n == s->cap) {
    const size_t cap = s->cap ? 2 * s->cap : 64;
    uint32_t *nodes = realloc(s->node, cap * sizeof *nodes);
    CZ_CHECK(nodes, CZ_ERR_NOMEM, "out of memory");
    s->node = nodes;
    double **cols[] = {&s->tau1, &s->tau2, &s->e, &s->factor, &s->A, &s->B, &s->g, &s->i, &s->x, &s->k1, &s->k2, &s->scale};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
      double *col = realloc(*cols[c], cap * sizeof *col);
      CZ_CHECK(col, CZ_ERR_NOMEM, "out of memory");
      *cols[c] = col;
    }
    CZ_TRY(cz_resize((void **)&s->cell, cap, sizeof *s->cell));
    CZ_TRY(cz_resize((void **)&s->sec, cap, sizeof *s->sec));
    s->cap = cap;
  }
  const size_t k = s->n++;
  s->node[k] = node;
  s->tau1[k] = tau1;
  s->tau2[k] = tau2;
  s->e[k] = e;
  s->factor[k] = s->A[k] = s->B[k] = s->g[k] = s->i[k] = s->x[k] = 0;
  s->cell[k] = s->sec[k] = UINT32_MAX;
  if (index) *index = k;
  return CZ_OK;
}

void cz_exp2syn_free(cz_exp2syn *s) {
  free(s->node);
  free(s->tau1);
  free(s->tau2);
  free(s->e);
  free(s->factor);
  free(s->A);
  free(s->B);
  free(s->g);
  free(s->i);
  free(s->x);
  free(s->k1);
  free(s->k2);
  free(s->scale);
  free(s->cell);
  free(s->sec);
  memset(s, 0, sizeof *s);
}

void cz_exp2syn_init(cz_exp2syn *s, const cz_cable *c, double dt) {
  for (size_t k = 0; k < s->n; k++) {
    s->scale[k] = 100.0 / c->area[s->node[k]];
    const double tau2 = s->tau2[k];
    double tau1 = s->tau1[k];
    if (tau1 / tau2 > 0.9999) tau1 = 0.9999 * tau2;
    if (tau1 / tau2 < 1e-9) tau1 = tau2 * 1e-9;
    s->tau1[k] = tau1;
    s->A[k] = s->B[k] = 0;
    const double tp = (tau1 * tau2) / (tau2 - tau1) * log(tau2 / tau1);
    s->factor[k] = 1.0 / (-exp(-tp / tau1) + exp(-tp / tau2));
    s->k1[k] = 1.0 - cz_nrn_exp(dt * (-1.0 / tau1));
    s->k2[k] = 1.0 - cz_nrn_exp(dt * (-1.0 / tau2));
  }
}

/* Two copies of the loop, one storing g and i: the stores cost a tenth of the synapses' step
 * time, and only reports read them. */
static inline __attribute__((always_inline)) void current(cz_exp2syn *s, cz_cable *c, bool keep) {
  for (size_t k = 0; k < s->n; k++) {
    const uint32_t i = s->node[k];
    const double g = s->B[k] - s->A[k], v = c->v[i], scale = s->scale[k];
    const double i_dv = g * (v + CZ_NRN_DV - s->e[k]), i_v = g * (v - s->e[k]);
    if (keep) {
      s->g[k] = g;
      s->i[k] = i_v;
    }
    c->rhs[i] -= i_v * scale;
    c->d[i] += (i_dv - i_v) / CZ_NRN_DV * scale;
  }
}

void cz_exp2syn_current(cz_exp2syn *s, cz_cable *c) {
  if (s->keep_gi) current(s, c, true);
  else current(s, c, false);
}

CZ_AVX2_CLONES void cz_exp2syn_advance(cz_exp2syn *s) {
  double *restrict A = s->A, *restrict B = s->B;
  const double *restrict k1 = s->k1, *restrict k2 = s->k2;
  for (size_t k = 0; k < s->n; k++) {
    A[k] = A[k] + k1[k] * (-A[k]);
    B[k] = B[k] + k2[k] * (-B[k]);
  }
}

size_t cz_exp2syn_bytes(const cz_exp2syn *s) {
  return s->cap * (sizeof *s->node + sizeof *s->cell + sizeof *s->sec + 12 * sizeof(double));
}
