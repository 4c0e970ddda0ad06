#include "popnet/grid.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define EDGE_EPS 2.220446049250313e-16 /* 2^-52: edges closer to 0 are 0 */

cz_status cz_pop_coo_add(cz_pop_coo *m, uint32_t row, uint32_t col, double val) {
  if (m->n == m->cap) {
    const size_t cap = m->cap ? 2 * m->cap : 64;
    uint32_t *r = realloc(m->row, cap * sizeof *r);
    if (r) m->row = r;
    uint32_t *c = realloc(m->col, cap * sizeof *c);
    if (c) m->col = c;
    double *v = realloc(m->val, cap * sizeof *v);
    if (v) m->val = v;
    CZ_CHECK(r && c && v, CZ_ERR_NOMEM, "out of memory");
    m->cap = cap;
  }
  m->row[m->n] = row;
  m->col[m->n] = col;
  m->val[m->n++] = val;
  return CZ_OK;
}

void cz_pop_coo_free(cz_pop_coo *m) {
  free(m->row);
  free(m->col);
  free(m->val);
  memset(m, 0, sizeof *m);
}

/* The zero bins: the two bins beside an edge at exactly 0, else the bin holding 0. */
static void zero_bins(cz_pop_grid *g) {
  const size_t N = g->nbins;
  size_t nzero_edges = 0, z = 0, at_or_below = 0;
  for (size_t i = 0; i <= N; i++) {
    if (g->edge[i] == 0) nzero_edges++, z = i;
    at_or_below += g->edge[i] <= 0;
  }
  if (nzero_edges == 1 && z > 0 && z < N) {
    g->zero[0] = z - 1, g->zero[1] = z, g->nzero = 2;
  } else if (nzero_edges == 1) {
    g->zero[0] = z == 0 ? 0 : N - 1, g->nzero = 1;
  } else {
    g->zero[0] = at_or_below - 1, g->nzero = 1;
  }
}

cz_status cz_pop_grid_build(double v_min, double v_max, double dv, cz_pop_grid *g) {
  memset(g, 0, sizeof *g);
  CZ_CHECK(isfinite(v_min) && isfinite(v_max) && isfinite(dv) && dv > 0 && v_min < v_max, CZ_ERR_CONFIG,
           "v_min %g, v_max %g and dv %g V make no voltage grid (dv > 0, v_min < v_max)", v_min, v_max, dv);
  CZ_CHECK(v_min < 0 && v_max >= 0, CZ_ERR_CONFIG,
           "the voltage grid [%g, %g] V must hold 0 V, where the density starts and resets", v_min, v_max);
  const double m = ceil((v_max - v_min) / dv);
  CZ_CHECK(m >= 1 && m <= 1e7, CZ_ERR_CONFIG, "(v_max - v_min) / dv = %g bins: too many", m);
  const size_t N = (size_t)m;
  g->nbins = N;
  CZ_NEW(g->edge, N + 1);
  const double delta = (v_min + dv) - v_min; /* numpy arange's step */
  for (size_t i = 0; i < N; i++) {
    const double e = v_min + (double)i * delta;
    g->edge[i] = fabs(e) < EDGE_EPS ? 0.0 : e;
  }
  g->edge[N] = v_max;
  zero_bins(g);
  g->start = N;
  for (size_t i = 0; i < N && g->start == N; i++)
    if (g->edge[i] < 0 && 0 <= g->edge[i + 1]) g->start = i;
  CZ_CHECK(g->start < N, CZ_ERR_CONFIG, "no bin of the voltage grid [%g, %g] V holds 0 V", v_min, v_max);
  return CZ_OK;
}

void cz_pop_grid_free(cz_pop_grid *g) {
  free(g->edge);
  memset(g, 0, sizeof *g);
}

cz_status cz_pop_leak(const cz_pop_grid *g, double tau_m, cz_pop_coo *out) {
  memset(out, 0, sizeof *out);
  const double *e = g->edge;
  const size_t N = g->nbins, zmin = g->zero[0], zmax = g->zero[g->nzero - 1];
  for (size_t s = zmax + 1; s < N; s++) { /* above 0 V: down toward the zero bins */
    const double r = e[s + 1] / (tau_m * (e[s + 1] - e[s]));
    CZ_TRY(cz_pop_coo_add(out, (uint32_t)s, (uint32_t)s, -r));
    CZ_TRY(cz_pop_coo_add(out, (uint32_t)(s - 1), (uint32_t)s, r));
  }
  for (size_t s = 0; s < zmin; s++) { /* below: up */
    const double r = e[s] / (tau_m * (e[s] - e[s + 1]));
    CZ_TRY(cz_pop_coo_add(out, (uint32_t)s, (uint32_t)s, -r));
    CZ_TRY(cz_pop_coo_add(out, (uint32_t)(s + 1), (uint32_t)s, r));
  }
  return CZ_OK;
}

/* The fraction of [a1, a2] inside [b1, b2]. */
static double overlap(double a1, double a2, double b1, double b2) {
  if (a1 >= b1) return a2 <= b2 ? 1.0 : a1 >= b2 ? 0.0 : (b2 - a1) / (a2 - a1);
  return a2 <= b1 ? 0.0 : a2 >= b2 ? (b2 - b1) / (a2 - a1) : (a2 - b1) / (a2 - a1);
}

/* Column l of F: R[l][nl..nr) moved in, -1 on the diagonal, and what leaves the grid as phi
 * (w > 0) or kept in bin 0 (w <= 0). That loss is minus the column's sum taken as DiPDE takes
 * it: the entries of -I + R^T added in row order, the diagonal as -1 + R[l][l]. */
static cz_status jump_column(const cz_pop_grid *g, double w, size_t l, size_t nl, size_t nr, cz_pop_jump *j) {
  const double *e = g->edge;
  const double a1 = e[l] + w, a2 = e[l + 1] + w;
  const size_t lo = l < nl ? l : nl, hi = l + 1 > nr ? l + 1 : nr; /* rows [lo, hi) hold the column */
  double colsum = 0;
  for (size_t r = lo; r < hi; r++) {
    const double in = r >= nl && r < nr ? overlap(a1, a2, e[r], e[r + 1]) : 0.0;
    colsum += r == l ? -1.0 + in : in;
  }
  const double lost = -colsum;
  if (w > 0) j->phi[l] = lost;
  const double floor0 = w > 0 ? 0.0 : lost;
  if (floor0 != 0 && lo > 0) CZ_TRY(cz_pop_coo_add(&j->band, 0, (uint32_t)l, floor0));
  for (size_t r = lo; r < hi; r++) {
    const double in = r >= nl && r < nr ? overlap(a1, a2, e[r], e[r + 1]) : 0.0;
    double v = r == l ? -1.0 + in : in;
    if (r == 0) v += floor0;
    if (v != 0) CZ_TRY(cz_pop_coo_add(&j->band, (uint32_t)r, (uint32_t)l, v));
  }
  return CZ_OK;
}

cz_status cz_pop_jump_build(const cz_pop_grid *g, double w, cz_pop_jump *out) {
  memset(out, 0, sizeof *out);
  out->w = w;
  const size_t N = g->nbins;
  CZ_NEW(out->phi, N + 1);
  const double *e = g->edge;
  size_t nl = 0;
  for (size_t l = 0; l < N; l++) {
    const double a1 = e[l] + w, a2 = e[l + 1] + w;
    while (nl < N + 1 && e[nl] < a1) nl++;
    if (nl > 0) nl--;
    size_t nr = nl;
    while (nr < N + 1 && e[nr] < a2) nr++;
    if (nr >= N + 1) nr = N;
    CZ_TRY(jump_column(g, w, l, nl, nr, out));
  }
  return CZ_OK;
}

void cz_pop_jump_free(cz_pop_jump *j) {
  cz_pop_coo_free(&j->band);
  free(j->phi);
  memset(j, 0, sizeof *j);
}
