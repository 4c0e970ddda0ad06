#include "popnet/population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define STEADY_RESIDUAL 1e-14 /* GMRES's stop on its initial residual */
#define MASS_TOLERANCE 1e-12  /* DiPDE's check of the approx series */
#define RENORM_TOLERANCE 1e-15
#define MAX_TAYLOR_TERMS 100000

static bool in_rows(const uint32_t *rows, size_t k, uint32_t r) {
  for (size_t d = 0; d < k; d++)
    if (rows[d] == r) return true;
  return false;
}

static void widen(const cz_pop_coo *m, const uint32_t *dense, size_t k, size_t *bl, size_t *bu) {
  for (size_t i = 0; i < m->n; i++) {
    if (in_rows(dense, k, m->row[i])) continue;
    if (m->row[i] >= m->col[i] && m->row[i] - m->col[i] > *bl) *bl = m->row[i] - m->col[i];
    if (m->col[i] >= m->row[i] && m->col[i] - m->row[i] > *bu) *bu = m->col[i] - m->row[i];
  }
}

/* The rows outside the band: the zero bins (reset, for w > 0) and bin 0 (floor, for w <= 0). */
static size_t dense_rows(const cz_pop_internal *x, uint32_t *dense) {
  size_t k = 0;
  bool up = false, down = false;
  for (size_t j = 0; j < x->njumps; j++) up |= x->jumps[j].w > 0, down |= x->jumps[j].w <= 0;
  for (size_t z = 0; up && z < x->grid.nzero; z++) dense[k++] = (uint32_t)x->grid.zero[z];
  if (down && !in_rows(dense, k, 0)) dense[k++] = 0;
  return k;
}

cz_status cz_pop_internal_init(cz_pop_internal *x, const cz_pop_params *prm, const double *w, size_t nw) {
  memset(x, 0, sizeof *x);
  x->prm = *prm;
  CZ_CHECK(prm->tau_m > 0 && isfinite(prm->tau_m), CZ_ERR_CONFIG, "tau_m %g s must be a positive number", prm->tau_m);
  CZ_TRY(cz_pop_grid_build(prm->v_min, prm->v_max, prm->dv, &x->grid));
  CZ_TRY(cz_pop_leak(&x->grid, prm->tau_m, &x->leak));
  CZ_NEW(x->jumps, nw + 1);
  for (size_t j = 0; j < nw; j++) {
    CZ_TRY(cz_pop_jump_build(&x->grid, w[j], &x->jumps[j]));
    x->njumps++;
  }
  const size_t N = x->grid.nbins;
  CZ_NEW(x->p, N);
  CZ_NEW(x->work, N);
  CZ_NEW(x->term, N);
  x->p[x->grid.start] = 1.0;
  if (prm->method != CZ_POP_DIRECT) return CZ_OK;
  uint32_t dense[CZ_POP_MAX_DENSE];
  const size_t k = dense_rows(x, dense);
  size_t bl = 0, bu = 0;
  widen(&x->leak, dense, k, &bl, &bu);
  for (size_t j = 0; j < x->njumps; j++) widen(&x->jumps[j].band, dense, k, &bl, &bu);
  return cz_pop_solver_init(&x->solver, N, bl, bu, dense, k);
}

void cz_pop_internal_free(cz_pop_internal *x) {
  for (size_t j = 0; j < x->njumps; j++) cz_pop_jump_free(&x->jumps[j]);
  free(x->jumps);
  cz_pop_coo_free(&x->leak);
  cz_pop_grid_free(&x->grid);
  cz_pop_solver_free(&x->solver);
  free(x->p);
  free(x->work);
  free(x->term);
  memset(x, 0, sizeof *x);
}

static double dot(const double *a, const double *b, size_t n) {
  double acc = 0;
  for (size_t i = 0; i < n; i++) acc += a[i] * b[i];
  return acc;
}

/* out = Q v. */
static void apply_q(const cz_pop_internal *x, const double *lambda, const double *v, double *out) {
  const size_t N = x->grid.nbins;
  memset(out, 0, N * sizeof *out);
  const cz_pop_coo *L = &x->leak;
  for (size_t i = 0; i < L->n; i++) out[L->row[i]] += L->val[i] * v[L->col[i]];
  for (size_t j = 0; j < x->njumps; j++) {
    const cz_pop_jump *J = &x->jumps[j];
    const double lam = lambda[j];
    for (size_t i = 0; i < J->band.n; i++) out[J->band.row[i]] += lam * J->band.val[i] * v[J->band.col[i]];
    if (J->w <= 0) continue;
    const double reset = lam * dot(J->phi, v, N) / (double)x->grid.nzero;
    for (size_t z = 0; z < x->grid.nzero; z++) out[x->grid.zero[z]] += reset;
  }
}

/* The solver's A = I - dt Q. */
static void assemble(cz_pop_internal *x, const double *lambda, double dt) {
  cz_pop_solver *s = &x->solver;
  const size_t N = x->grid.nbins;
  cz_pop_solver_clear(s);
  for (size_t i = 0; i < N; i++) cz_pop_solver_add(s, (uint32_t)i, (uint32_t)i, 1.0);
  const cz_pop_coo *L = &x->leak;
  for (size_t i = 0; i < L->n; i++) cz_pop_solver_add(s, L->row[i], L->col[i], -dt * L->val[i]);
  for (size_t j = 0; j < x->njumps; j++) {
    const cz_pop_jump *J = &x->jumps[j];
    const double f = -dt * lambda[j];
    for (size_t i = 0; i < J->band.n; i++) cz_pop_solver_add(s, J->band.row[i], J->band.col[i], f * J->band.val[i]);
    if (J->w <= 0) continue;
    for (size_t z = 0; z < x->grid.nzero; z++)
      for (size_t c = 0; c < N; c++)
        if (J->phi[c] != 0)
          cz_pop_solver_add(s, (uint32_t)x->grid.zero[z], (uint32_t)c, f * J->phi[c] / (double)x->grid.nzero);
  }
}

static cz_status step_direct(cz_pop_internal *x, const double *lambda, double dt) {
  const size_t N = x->grid.nbins;
  apply_q(x, lambda, x->p, x->work);
  double r2 = 0;
  for (size_t i = 0; i < N; i++) r2 += (dt * x->work[i]) * (dt * x->work[i]);
  if (sqrt(r2) <= STEADY_RESIDUAL) return CZ_OK;
  assemble(x, lambda, dt);
  return cz_pop_solver_solve(&x->solver, x->p);
}

static cz_status step_approx(cz_pop_internal *x, const double *lambda, double dt) {
  const size_t N = x->grid.nbins;
  memcpy(x->term, x->p, N * sizeof *x->term);
  for (int m = 1;; m++) {
    CZ_CHECK(m < MAX_TAYLOR_TERMS, CZ_ERR_CONFIG, "update_method approx did not converge in %d terms (use gmres)",
             MAX_TAYLOR_TERMS);
    apply_q(x, lambda, x->term, x->work);
    double big = 0;
    for (size_t i = 0; i < N; i++) {
      x->term[i] = dt * x->work[i] / (double)m;
      x->p[i] += x->term[i];
      big = fmax(big, fabs(x->term[i]));
    }
    if (x->prm.approx_order >= 0 ? m >= x->prm.approx_order : big <= x->prm.tol) break;
  }
  double sum = 0;
  for (size_t i = 0; i < N; i++) sum += x->p[i];
  CZ_CHECK(fabs(sum - 1.0) < MASS_TOLERANCE, CZ_ERR_CONFIG,
           "update_method approx lost the density's mass (|sum(p) - 1| = %.3g >= 1e-12, as DiPDE raises); use "
           "update_method gmres", fabs(sum - 1.0));
  return CZ_OK;
}

/* Negative entries cut, the mass rescaled to 1, when the step left either off. */
static void renormalise(double *p, size_t N) {
  bool negative = false;
  double abs_sum = 0;
  for (size_t i = 0; i < N; i++) negative |= p[i] < 0, abs_sum += fabs(p[i]);
  if (!negative && fabs(abs_sum - 1.0) <= RENORM_TOLERANCE) return;
  double sum = 0;
  for (size_t i = 0; i < N; i++) {
    if (p[i] < 0) p[i] = 0;
    sum += p[i];
  }
  for (size_t i = 0; i < N; i++) p[i] /= sum;
}

cz_status cz_pop_internal_step(cz_pop_internal *x, const double *lambda, double dt, double *rate) {
  const size_t N = x->grid.nbins;
  if (x->prm.method == CZ_POP_DIRECT) CZ_TRY(step_direct(x, lambda, dt));
  else CZ_TRY(step_approx(x, lambda, dt));
  renormalise(x->p, N);
  double r = 0;
  for (size_t j = 0; j < x->njumps; j++)
    if (x->jumps[j].w > 0) r += lambda[j] * dot(x->jumps[j].phi, x->p, N);
  *rate = r;
  return CZ_OK;
}
