/* iaf_cond_alpha: conductance-based leaky integrate-and-fire with alpha-shaped conductances
 * (NEST semantics). The state (V, dg_ex, g_ex, dg_in, g_in) is integrated over each step with
 * GSL's adaptive Runge-Kutta-Fehlberg 4(5) and the y_new(1e-3, 0) error control, keeping each
 * neuron's last internal step size across steps, exactly as NEST drives GSL. While refractory
 * dV/dt = 0 and V is held at V_reset; otherwise the dynamics see min(V, V_th). After the step:
 * refractory countdown, or threshold test (>=), spike and reset; then the step's conductance
 * jumps (weights in nS; negative weights enter the inhibitory channel with their magnitude). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv.h>
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "models/model.h"

enum { V_M = 0, DG_EX, G_EX, DG_IN, G_IN, NSTATE };

typedef struct cond_params {
  double V_th, V_reset, g_L, C_m, E_ex, E_in, E_L, tau_ex, tau_in, I_e;
  double I_stim;
  bool refractory;
} cond_params;

typedef struct thread_solver {
  gsl_odeiv_step *step;
  gsl_odeiv_control *control;
  gsl_odeiv_evolve *evolve;
} thread_solver;

typedef struct iaf_cond {
  size_t n;
  double h;
  cond_params *P;
  double *y;       /* [n][NSTATE] */
  double *hstep;   /* per-neuron internal step size */
  double *y0;      /* external current of this step */
  int32_t *R, *r;
  int nthreads;
  thread_solver *solver;
} iaf_cond;

static const char *const k_params[] = {"V_m", "E_L", "C_m", "t_ref", "V_th", "V_reset", "E_ex", "E_in", "g_L",
                                       "tau_syn_ex", "tau_syn_in", "I_e", NULL};

static int dynamics(double t, const double y[], double f[], void *pv) {
  (void)t;
  const cond_params *p = pv;
  const double V = p->refractory ? p->V_reset : fmin(y[V_M], p->V_th);
  const double I_syn_ex = y[G_EX] * (V - p->E_ex);
  const double I_syn_in = y[G_IN] * (V - p->E_in);
  const double I_leak = p->g_L * (V - p->E_L);
  f[V_M] = p->refractory ? 0.0 : (-I_leak - I_syn_ex - I_syn_in + p->I_stim + p->I_e) / p->C_m;
  f[DG_EX] = -y[DG_EX] / p->tau_ex;
  f[G_EX] = y[DG_EX] - y[G_EX] / p->tau_ex;
  f[DG_IN] = -y[DG_IN] / p->tau_in;
  f[G_IN] = y[DG_IN] - y[G_IN] / p->tau_in;
  return GSL_SUCCESS;
}

static void destroy(void *pv) {
  iaf_cond *g = pv;
  if (!g) return;
  for (int t = 0; g->solver && t < g->nthreads; t++) {
    if (g->solver[t].evolve) gsl_odeiv_evolve_free(g->solver[t].evolve);
    if (g->solver[t].control) gsl_odeiv_control_free(g->solver[t].control);
    if (g->solver[t].step) gsl_odeiv_step_free(g->solver[t].step);
  }
  free(g->solver);
  free(g->P);
  free(g->y);
  free(g->hstep);
  free(g->y0);
  free(g->R);
  free(g->r);
  free(g);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  iaf_cond *g = cz_calloc(1, sizeof *g);
  CZ_CHECK(g != NULL, CZ_ERR_NOMEM, "out of memory");
  g->n = n;
  g->h = h;
  g->nthreads = nthreads < 1 ? 1 : nthreads;
  bool ok = (g->P = cz_calloc(n, sizeof *g->P)) && (g->y = cz_calloc(n * NSTATE, sizeof *g->y)) &&
            (g->hstep = cz_calloc(n, sizeof *g->hstep)) && (g->y0 = cz_calloc(n, sizeof *g->y0)) &&
            (g->R = cz_calloc(n, sizeof *g->R)) && (g->r = cz_calloc(n, sizeof *g->r)) &&
            (g->solver = cz_calloc((size_t)g->nthreads, sizeof *g->solver));
  gsl_set_error_handler_off();
  for (int t = 0; ok && t < g->nthreads; t++) {
    g->solver[t].step = gsl_odeiv_step_alloc(gsl_odeiv_step_rkf45, NSTATE);
    g->solver[t].control = gsl_odeiv_control_y_new(1e-3, 0.0);
    g->solver[t].evolve = gsl_odeiv_evolve_alloc(NSTATE);
    ok = g->solver[t].step && g->solver[t].control && g->solver[t].evolve;
  }
  if (!ok) {
    destroy(g);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu iaf_cond_alpha neurons", n);
  }
  *out = g;
  return CZ_OK;
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  iaf_cond *g = pv;
  CZ_TRY(cz_param_check_known(src, k_params, "iaf_cond_alpha", where));
  cond_params *p = &g->P[i];
  double t_ref, V_m;
  CZ_TRY(cz_param_number(src, "V_th", -55.0, &p->V_th, NULL, where));
  CZ_TRY(cz_param_number(src, "V_reset", -60.0, &p->V_reset, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 2.0, &t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "g_L", 16.6667, &p->g_L, NULL, where));
  CZ_TRY(cz_param_number(src, "C_m", 250.0, &p->C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "E_ex", 0.0, &p->E_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "E_in", -85.0, &p->E_in, NULL, where));
  CZ_TRY(cz_param_number(src, "E_L", -70.0, &p->E_L, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_ex", 0.2, &p->tau_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_in", 2.0, &p->tau_in, NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &p->I_e, NULL, where));
  CZ_TRY(cz_param_number(src, "V_m", -70.0, &V_m, NULL, where));
  CZ_CHECK(p->V_reset < p->V_th, CZ_ERR_CONFIG, "%s: reset potential V_reset must be below the threshold V_th", where);
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(t_ref >= 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be >= 0 (got %g)", where, t_ref);
  CZ_CHECK(p->tau_ex > 0 && p->tau_in > 0, CZ_ERR_CONFIG, "%s: synaptic time constants tau_syn_ex/in must be > 0", where);
  CZ_CHECK(p->g_L >= 0, CZ_ERR_CONFIG, "%s: leak conductance g_L must be >= 0", where);
  g->R[i] = cz_model_refractory_steps(t_ref, g->h);
  double *y = &g->y[i * NSTATE];
  y[V_M] = V_m;
  g->hstep[i] = g->h;
  return CZ_OK;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  iaf_cond *g = pv;
  thread_solver *s = &g->solver[tid < g->nthreads ? tid : 0];
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    cond_params *p = &g->P[i];
    double *y = &g->y[i * NSTATE];
    p->I_stim = g->y0[i];
    p->refractory = g->r[i] > 0;
    gsl_odeiv_system sys = {dynamics, NULL, NSTATE, p};
    gsl_odeiv_step_reset(s->step);
    gsl_odeiv_evolve_reset(s->evolve);
    double t = 0.0;
    while (t < g->h) {
      if (gsl_odeiv_evolve_apply(s->evolve, s->control, s->step, &sys, &t, g->h, &g->hstep[i], y) != GSL_SUCCESS)
        break; /* a failing step leaves the state as GSL left it; NaN checks catch divergence */
    }
    if (g->r[i] > 0) {
      g->r[i]--;
      y[V_M] = p->V_reset;
    } else if (y[V_M] >= p->V_th) {
      g->r[i] = g->R[i];
      y[V_M] = p->V_reset;
      fired[nf++] = (uint32_t)i;
    }
    y[DG_EX] += M_E / p->tau_ex * ch0[i];
    y[DG_IN] += M_E / p->tau_in * -ch1[i];
    ch0[i] = 0.0;
    ch1[i] = 0.0;
    g->y0[i] = i_stim[i];
  }
  return nf;
}

static double v_m(const void *pv, size_t i) {
  const iaf_cond *g = pv;
  return g->y[i * NSTATE + V_M];
}

/* NEST's recordables of iaf_cond_alpha, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "g_ex", "g_in", NULL};

static double record(const void *p, size_t i, int var) {
  const iaf_cond *g = p;
  switch (var) {
  case 1: return g->y[i * NSTATE + G_EX];
  case 2: return g->y[i * NSTATE + G_IN];
  default: return g->y[i * NSTATE + V_M];
  }
}

const cz_model_kind cz_iaf_cond_alpha = {.name = "iaf_cond_alpha", .param_names = k_params, .split_sign = true, .create = create,
                                   .set_params = set_params, .update = update, .v_m = v_m, .recordables = k_recordables,
                                   .record = record, .destroy = destroy};
