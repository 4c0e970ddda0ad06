#include "pointnet/models/ode_gsl.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void cz_ode_solvers_free(cz_ode_solver *s, int nthreads) {
  for (int t = 0; s && t < nthreads; t++) {
    if (s[t].evolve) gsl_odeiv_evolve_free(s[t].evolve);
    if (s[t].control) gsl_odeiv_control_free(s[t].control);
    if (s[t].step) gsl_odeiv_step_free(s[t].step);
  }
  free(s);
}

cz_status cz_ode_solvers_create(int nthreads, size_t dim, cz_ode_control ctl, cz_ode_solver **out) {
  *out = NULL;
  cz_ode_solver *s = cz_calloc((size_t)nthreads, sizeof *s);
  bool ok = s != NULL;
  gsl_set_error_handler_off(); /* failures come back as status codes, never as an abort */
  for (int t = 0; ok && t < nthreads; t++) {
    s[t].step = gsl_odeiv_step_alloc(gsl_odeiv_step_rkf45, dim);
    s[t].control = ctl.yp ? gsl_odeiv_control_yp_new(ctl.eps_abs, ctl.eps_rel)
                          : gsl_odeiv_control_y_new(ctl.eps_abs, ctl.eps_rel);
    s[t].evolve = gsl_odeiv_evolve_alloc(dim);
    ok = s[t].step && s[t].control && s[t].evolve;
  }
  if (!ok) {
    cz_ode_solvers_free(s, nthreads);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating ODE solvers");
  }
  *out = s;
  return CZ_OK;
}

bool cz_ode_step(cz_ode_solver *s, gsl_odeiv_system *sys, double h, double *hstep, double *y,
                 cz_ode_after_substep after, void *ctx) {
  gsl_odeiv_step_reset(s->step);
  gsl_odeiv_evolve_reset(s->evolve);
  double t = 0.0;
  while (t < h) {
    if (gsl_odeiv_evolve_apply(s->evolve, s->control, s->step, sys, &t, h, hstep, y) != GSL_SUCCESS) return false;
    if (after) after(ctx, y);
  }
  return true;
}

cz_status cz_ode_group_alloc(cz_ode_group *g, size_t n, size_t dim, double h, int nthreads, cz_ode_control ctl,
                             double hstep0) {
  memset(g, 0, sizeof *g);
  g->n = n;
  g->dim = dim;
  g->h = h;
  g->nthreads = nthreads < 1 ? 1 : nthreads;
  const size_t m = n ? n : 1;
  bool ok = (g->y = cz_calloc(m * dim, sizeof *g->y)) && (g->hstep = cz_calloc(m, sizeof *g->hstep)) &&
            (g->i_next = cz_calloc(m, sizeof *g->i_next)) && (g->R = cz_calloc(m, sizeof *g->R)) &&
            (g->r = cz_calloc(m, sizeof *g->r));
  if (ok && cz_ode_solvers_create(g->nthreads, dim, ctl, &g->solver) != CZ_OK) ok = false;
  if (!ok) {
    cz_ode_group_free(g);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory for %zu neurons", n);
  }
  for (size_t i = 0; i < n; i++) g->hstep[i] = hstep0;
  return CZ_OK;
}

void cz_ode_group_free(cz_ode_group *g) {
  cz_ode_solvers_free(g->solver, g->nthreads);
  free(g->y);
  free(g->hstep);
  free(g->i_next);
  free(g->R);
  free(g->r);
  memset(g, 0, sizeof *g);
}

void cz_ode_model_destroy(void *pv) {
  cz_ode_model *m = pv;
  if (!m) return;
  cz_ode_group_free(&m->g);
  free(m->P);
  free(m);
}

cz_status cz_ode_model_create(size_t n, size_t dim, double h, int nthreads, cz_ode_control ctl, double hstep0,
                              size_t psize, const char *name, cz_ode_model **out) {
  *out = NULL;
  cz_ode_model *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m != NULL, CZ_ERR_NOMEM, "out of memory");
  cz_status st = cz_ode_group_alloc(&m->g, n, dim, h, nthreads, ctl, hstep0);
  if (st == CZ_OK && !(m->P = cz_calloc(n ? n : 1, psize))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st != CZ_OK) {
    cz_ode_model_destroy(m);
    return cz_error_prefix(st, "creating %zu %s neurons", n, name);
  }
  *out = m;
  return CZ_OK;
}
