#include "popnet/solver.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

cz_status cz_pop_solver_init(cz_pop_solver *s, size_t n, size_t bl, size_t bu, const uint32_t *dense, size_t k) {
  memset(s, 0, sizeof *s);
  CZ_CHECK(k <= CZ_POP_MAX_DENSE, CZ_ERR_INTERNAL, "%zu dense rows, at most %d", k, CZ_POP_MAX_DENSE);
  s->n = n, s->bl = bl, s->bu = bu, s->width = bl + bu + 1, s->k = k;
  for (size_t d = 0; d < k; d++) s->dense[d] = dense[d];
  CZ_NEW(s->band, n * s->width + 1);
  CZ_NEW(s->u, k * n + 1);
  CZ_NEW(s->x, k * n + 1);
  CZ_NEW(s->y, n + 1);
  return CZ_OK;
}

void cz_pop_solver_free(cz_pop_solver *s) {
  free(s->band);
  free(s->u);
  free(s->x);
  free(s->y);
  memset(s, 0, sizeof *s);
}

void cz_pop_solver_clear(cz_pop_solver *s) {
  memset(s->band, 0, s->n * s->width * sizeof *s->band);
  memset(s->u, 0, s->k * s->n * sizeof *s->u);
}

bool cz_pop_solver_holds(const cz_pop_solver *s, uint32_t row, uint32_t col) {
  if ((size_t)col + s->bl >= row && (size_t)col <= (size_t)row + s->bu) return true;
  for (size_t d = 0; d < s->k; d++)
    if (s->dense[d] == row) return true;
  return false;
}

/* B[i][j] in the band store (|i - j| within the band). */
static inline double *at(const cz_pop_solver *s, size_t i, size_t j) { return &s->band[i * s->width + (j + s->bl - i)]; }

/* LU factors of B in place, without pivoting (Doolittle: unit lower L). */
static cz_status factor(cz_pop_solver *s) {
  const size_t n = s->n;
  for (size_t k = 0; k < n; k++) {
    const double piv = *at(s, k, k);
    CZ_CHECK(piv != 0 && isfinite(piv), CZ_ERR_CONFIG, "the population's step matrix is singular at bin %zu", k);
    const size_t ilast = k + s->bl < n ? k + s->bl : n - 1, jlast = k + s->bu < n ? k + s->bu : n - 1;
    for (size_t i = k + 1; i <= ilast; i++) {
      double *lik = at(s, i, k);
      if (*lik == 0) continue;
      const double l = *lik / piv;
      *lik = l;
      for (size_t j = k + 1; j <= jlast; j++) *at(s, i, j) -= l * *at(s, k, j);
    }
  }
  return CZ_OK;
}

/* Solves L U v = v in place with the factors. */
static void substitute(const cz_pop_solver *s, double *v) {
  const size_t n = s->n;
  for (size_t i = 1; i < n; i++) {
    const size_t j0 = i > s->bl ? i - s->bl : 0;
    double acc = v[i];
    for (size_t j = j0; j < i; j++) acc -= *at(s, i, j) * v[j];
    v[i] = acc;
  }
  for (size_t i = n; i-- > 0;) {
    const size_t jlast = i + s->bu < n ? i + s->bu : n - 1;
    double acc = v[i];
    for (size_t j = i + 1; j <= jlast; j++) acc -= *at(s, i, j) * v[j];
    v[i] = acc / *at(s, i, i);
  }
}

static double dot(const double *a, const double *b, size_t n) {
  double acc = 0;
  for (size_t i = 0; i < n; i++) acc += a[i] * b[i];
  return acc;
}

/* Solves the k x k system S c = r (Gaussian elimination, partial pivoting). */
static cz_status small_solve(double S[CZ_POP_MAX_DENSE][CZ_POP_MAX_DENSE], double *r, size_t k) {
  for (size_t c = 0; c < k; c++) {
    size_t p = c;
    for (size_t i = c + 1; i < k; i++)
      if (fabs(S[i][c]) > fabs(S[p][c])) p = i;
    CZ_CHECK(S[p][c] != 0, CZ_ERR_CONFIG, "the population's step matrix is singular (reset rows)");
    if (p != c) {
      for (size_t j = 0; j < k; j++) {
        const double t = S[c][j];
        S[c][j] = S[p][j], S[p][j] = t;
      }
      const double t = r[c];
      r[c] = r[p], r[p] = t;
    }
    for (size_t i = c + 1; i < k; i++) {
      const double f = S[i][c] / S[c][c];
      for (size_t j = c; j < k; j++) S[i][j] -= f * S[c][j];
      r[i] -= f * r[c];
    }
  }
  for (size_t i = k; i-- > 0;) {
    double acc = r[i];
    for (size_t j = i + 1; j < k; j++) acc -= S[i][j] * r[j];
    r[i] = acc / S[i][i];
  }
  return CZ_OK;
}

cz_status cz_pop_solver_solve(cz_pop_solver *s, double *b) {
  const size_t n = s->n, k = s->k;
  CZ_TRY(factor(s));
  substitute(s, b); /* y = B^-1 b */
  if (k == 0) return CZ_OK;
  double S[CZ_POP_MAX_DENSE][CZ_POP_MAX_DENSE] = {{0}}, c[CZ_POP_MAX_DENSE] = {0};
  for (size_t d = 0; d < k; d++) { /* X_d = B^-1 e_d */
    double *x = &s->x[d * n];
    memset(x, 0, n * sizeof *x);
    x[s->dense[d]] = 1.0;
    substitute(s, x);
  }
  for (size_t d = 0; d < k; d++) {
    const double *u = &s->u[d * n];
    for (size_t e = 0; e < k; e++) S[d][e] = (d == e) + dot(u, &s->x[e * n], n);
    c[d] = dot(u, b, n);
  }
  CZ_TRY(small_solve(S, c, k));
  for (size_t d = 0; d < k; d++) {
    const double *x = &s->x[d * n];
    for (size_t i = 0; i < n; i++) b[i] -= x[i] * c[d];
  }
  return CZ_OK;
}
