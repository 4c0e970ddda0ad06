/* aeif_cond_alpha and aeif_cond_exp: the adaptive exponential integrate-and-fire neuron
 * (AdEx, Brette and Gerstner 2005) with alpha- or exponential-shaped conductances, with NEST's
 * semantics. The state (V, conductances, adaptation current w) is integrated over each step
 * with GSL's RKF45 and the yp_new(gsl_error_tol, gsl_error_tol) control, the first internal
 * step being min(0.01 ms, dt) (ode_gsl.h). Spikes are detected after every internal step, as
 * NEST does for the spike-driven adaptation: V >= V_peak (V_th when Delta_T is 0) resets V to
 * V_reset, adds b to w and starts the refractory period, during which V is held at V_reset.
 * A neuron sends at most one spike per step (NEST could send a second one within a step only
 * with t_ref = 0 and an implausibly large drive). Conductance jumps of the step follow (alpha:
 * e / tau_syn per nS of weight into dg; exp: the weight into g). Initial V: V_m, else -70.6 mV,
 * NEST's default E_L, to which NEST sets V when it constructs the neuron from the defaults (a
 * later E_L, as nest.Create's params set it, leaves V where it is); w starts at 0. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"
#include "pointnet/models/ode_gsl.h"

/* State layouts: alpha (V, dg_ex, g_ex, dg_in, g_in, w), exp (V, g_ex, g_in, w). */
typedef struct layout {
  int dim;
  cz_cond_slots syn;
  int w;
} layout;
static const layout k_alpha = {6, {1, 2, 3, 4}, 5};
static const layout k_exp = {4, {-1, 1, -1, 2}, 3};

typedef struct aeif_params {
  double V_peak, V_reset, g_L, C_m, E_ex, E_in, E_L, Delta_T, tau_w, a, b, V_th, tau_ex, tau_in, I_e;
  double V_spike; /* V_peak, or V_th when Delta_T is 0 */
  double t_ref;   /* as given, for get */
} aeif_params;

/* What the dynamics and the spike test of one neuron's step need. */
typedef struct step_ctx {
  const aeif_params *p;
  const layout *L;
  double I_stim;
  int32_t *r, R;
  bool spiked;
} step_ctx;

static const char *const k_params[] = {"V_m",     "E_L", "C_m", "t_ref", "V_th",       "V_reset",    "V_peak",
                                       "E_ex",    "E_in", "g_L", "a",     "b",          "Delta_T",    "tau_w",
                                       "I_e",     "tau_syn_ex", "tau_syn_in", "gsl_error_tol", "w", NULL};

static int dynamics(double t, const double y[], double f[], void *pv) {
  (void)t;
  const step_ctx *c = pv;
  const aeif_params *p = c->p;
  const layout *L = c->L;
  const bool refractory = *c->r > 0;
  const double V = refractory ? p->V_reset : fmin(y[0], p->V_peak);
  const double I_syn = y[L->syn.g_ex] * (V - p->E_ex) + y[L->syn.g_in] * (V - p->E_in);
  const double I_spike = p->Delta_T == 0.0 ? 0.0 : p->g_L * p->Delta_T * exp((V - p->V_th) / p->Delta_T);
  f[0] = refractory ? 0.0 : (-p->g_L * (V - p->E_L) + I_spike - I_syn - y[L->w] + p->I_e + c->I_stim) / p->C_m;
  cz_cond_derivs(&L->syn, p->tau_ex, p->tau_in, y, f);
  f[L->w] = (p->a * (V - p->E_L) - y[L->w]) / p->tau_w;
  return 0;
}

/* After each internal step: hold V while refractory, or fire. */
static void spike_test(void *pv, double *y) {
  step_ctx *c = pv;
  if (*c->r > 0) {
    y[0] = c->p->V_reset;
  } else if (y[0] >= c->p->V_spike) {
    y[0] = c->p->V_reset;
    y[c->L->w] += c->p->b;
    *c->r = c->R > 0 ? c->R + 1 : 0; /* +1: the countdown after the step */
    c->spiked = true;
  }
}

/* All neurons of a group share gsl_error_tol (NEST's default 1e-6): the solvers are per
 * group. A neuron asking for another tolerance is refused in set_params. */
static cz_status create_with(size_t n, double h, int nthreads, const layout *L, const char *name, void **out) {
  const cz_ode_control ctl = {true, 1e-6, 1e-6};
  cz_ode_model *m = NULL;
  CZ_TRY(cz_ode_model_create(n, (size_t)L->dim, h, nthreads, ctl, fmin(0.01, h), sizeof(aeif_params), name, &m));
  m->variant = L;
  *out = m;
  return CZ_OK;
}

static cz_status create_alpha(size_t n, double h, int nthreads, void **out) {
  return create_with(n, h, nthreads, &k_alpha, "aeif_cond_alpha", out);
}
static cz_status create_exp(size_t n, double h, int nthreads, void **out) {
  return create_with(n, h, nthreads, &k_exp, "aeif_cond_exp", out);
}

static cz_status check_params(const aeif_params *p, double t_ref, double tol, const char *where) {
  CZ_CHECK(p->V_reset < p->V_peak, CZ_ERR_CONFIG, "%s: V_reset must be below V_peak", where);
  CZ_CHECK(p->Delta_T >= 0, CZ_ERR_CONFIG, "%s: Delta_T must be >= 0 (got %g)", where, p->Delta_T);
  CZ_CHECK(p->Delta_T == 0 || (p->V_peak - p->V_th) / p->Delta_T < log(1.79e308 / 1e20), CZ_ERR_CONFIG,
           "%s: V_peak, V_th and Delta_T overflow the exponential at spike time", where);
  CZ_CHECK(p->V_peak >= p->V_th, CZ_ERR_CONFIG, "%s: V_peak must be >= V_th", where);
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(t_ref >= 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be >= 0 (got %g)", where, t_ref);
  CZ_CHECK(p->tau_ex > 0 && p->tau_in > 0 && p->tau_w > 0, CZ_ERR_CONFIG,
           "%s: time constants tau_syn_ex, tau_syn_in and tau_w must be > 0", where);
  CZ_CHECK(tol == 1e-6, CZ_ERR_CONFIG, "%s: gsl_error_tol %g is not supported (only NEST's default 1e-6)", where, tol);
  return CZ_OK;
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  cz_ode_model *m = pv;
  CZ_TRY(cz_param_check_known(src, k_params, m->variant == &k_alpha ? "aeif_cond_alpha" : "aeif_cond_exp", where));
  aeif_params *p = &((aeif_params *)m->P)[i];
  double t_ref, tol, *y = &m->g.y[i * (size_t)((const layout *)m->variant)->dim];
  CZ_TRY(cz_param_number(src, "V_peak", 0.0, &p->V_peak, NULL, where));
  CZ_TRY(cz_param_number(src, "V_reset", -60.0, &p->V_reset, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 0.0, &t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "g_L", 30.0, &p->g_L, NULL, where));
  CZ_TRY(cz_param_number(src, "C_m", 281.0, &p->C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "E_ex", 0.0, &p->E_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "E_in", -85.0, &p->E_in, NULL, where));
  CZ_TRY(cz_param_number(src, "E_L", -70.6, &p->E_L, NULL, where));
  CZ_TRY(cz_param_number(src, "Delta_T", 2.0, &p->Delta_T, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_w", 144.0, &p->tau_w, NULL, where));
  CZ_TRY(cz_param_number(src, "a", 4.0, &p->a, NULL, where));
  CZ_TRY(cz_param_number(src, "b", 80.5, &p->b, NULL, where));
  CZ_TRY(cz_param_number(src, "V_th", -50.4, &p->V_th, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_ex", 0.2, &p->tau_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_in", 2.0, &p->tau_in, NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &p->I_e, NULL, where));
  CZ_TRY(cz_param_number(src, "gsl_error_tol", 1e-6, &tol, NULL, where));
  CZ_TRY(cz_param_number(src, "V_m", -70.6, &y[0], NULL, where));
  CZ_TRY(cz_param_number(src, "w", 0.0, &y[((const layout *)m->variant)->w], NULL, where));
  CZ_TRY(check_params(p, t_ref, tol, where));
  p->V_spike = p->Delta_T > 0 ? p->V_peak : p->V_th;
  p->t_ref = t_ref;
  m->g.R[i] = cz_model_refractory_steps(t_ref, m->g.h);
  return CZ_OK;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  cz_ode_model *m = pv;
  cz_ode_group *g = &m->g;
  const layout *L = m->variant;
  cz_ode_solver *s = cz_ode_solver_of(g, tid);
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    const aeif_params *p = &((aeif_params *)m->P)[i];
    double *y = &g->y[i * (size_t)L->dim];
    step_ctx c = {p, L, g->i_next[i], &g->r[i], g->R[i], false};
    gsl_odeiv_system sys = {dynamics, NULL, (size_t)L->dim, &c};
    (void)cz_ode_step(s, &sys, g->h, &g->hstep[i], y, spike_test, &c);
    if (g->r[i] > 0) g->r[i]--;
    if (c.spiked) fired[nf++] = (uint32_t)i;
    cz_cond_jumps(&L->syn, p->tau_ex, p->tau_in, y, ch0[i], -ch1[i]);
    ch0[i] = 0.0;
    ch1[i] = 0.0;
    g->i_next[i] = i_stim[i];
  }
  return nf;
}

static double v_m(const void *pv, size_t i) {
  const cz_ode_model *m = pv;
  return m->g.y[i * (size_t)((const layout *)m->variant)->dim];
}

/* NEST's recordables of aeif_cond_alpha and aeif_cond_exp, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "g_ex", "g_in", "w", NULL};

static double record(const void *pv, size_t i, int var) {
  const cz_ode_model *m = pv;
  const layout *L = m->variant;
  const int index[] = {0, L->syn.g_ex, L->syn.g_in, L->w};
  return m->g.y[i * (size_t)L->dim + index[var >= 0 && var < 4 ? var : 0]];
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const cz_ode_model *m = pv;
  const layout *L = m->variant;
  const aeif_params *p = &((const aeif_params *)m->P)[i];
  const double *y = &m->g.y[i * (size_t)L->dim];
  const cz_named_value v[] = {
      {"V_m", y[0]},          {"w", y[L->w]},       {"g_ex", y[L->syn.g_ex]}, {"g_in", y[L->syn.g_in]},
      {"V_peak", p->V_peak},  {"V_reset", p->V_reset}, {"t_ref", p->t_ref},   {"g_L", p->g_L},
      {"C_m", p->C_m},        {"E_ex", p->E_ex},    {"E_in", p->E_in},        {"E_L", p->E_L},
      {"Delta_T", p->Delta_T}, {"tau_w", p->tau_w}, {"a", p->a},              {"b", p->b},
      {"V_th", p->V_th},      {"tau_syn_ex", p->tau_ex}, {"tau_syn_in", p->tau_in}, {"I_e", p->I_e},
      {"gsl_error_tol", 1e-6}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_aeif_cond_alpha = {.name = "aeif_cond_alpha", .param_names = k_params, .split_sign = true,
                                          .create = create_alpha, .set_params = set_params, .update = update,
                                          .v_m = v_m, .recordables = k_recordables, .record = record,
                                          .get = get, .destroy = cz_ode_model_destroy};
const cz_model_kind cz_aeif_cond_exp = {.name = "aeif_cond_exp", .param_names = k_params, .split_sign = true,
                                        .create = create_exp, .set_params = set_params, .update = update, .v_m = v_m,
                                        .recordables = k_recordables, .record = record, .get = get,
                                        .destroy = cz_ode_model_destroy};
