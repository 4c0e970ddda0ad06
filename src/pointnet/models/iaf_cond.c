/* iaf_cond_alpha and iaf_cond_exp: conductance-based leaky integrate-and-fire neurons with
 * alpha- or exponential-shaped conductances (NEST semantics). The state (V and the
 * conductances: dg and g per channel for alpha, g for exp) is integrated over each step with
 * GSL's adaptive Runge-Kutta-Fehlberg 4(5) and the y_new(1e-3, 0) error control, keeping each
 * neuron's last internal step size across steps, exactly as NEST drives GSL (ode_gsl.h).
 * While refractory dV/dt = 0 and V is held at V_reset; otherwise the dynamics see
 * min(V, V_th). After the step: refractory countdown, or threshold test (>=), spike and reset.
 * The step's conductance jumps (weights in nS; negative weights enter the inhibitory channel
 * with their magnitude) come after that test in iaf_cond_alpha (e / tau_syn per nS into dg)
 * and before it in iaf_cond_exp (the weight into g), as in NEST. Initial V: V_m, else -70 mV
 * in both: NEST sets V to E_L when it constructs the neuron from the defaults, and a later E_L
 * (nest.Create's params) leaves V where it is. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"
#include "pointnet/models/ode_gsl.h"

enum { V_M = 0 };

/* State layout and update order of a kind. */
typedef struct variant {
  const char *name;
  int dim;
  cz_cond_slots syn;
  bool jumps_first; /* conductance jumps before the threshold test */
} variant;
static const variant k_alpha = {"iaf_cond_alpha", 5, {1, 2, 3, 4}, false};
static const variant k_exp = {"iaf_cond_exp", 3, {-1, 1, -1, 2}, true};

typedef struct cond_neuron {
  cz_cond_params c;
  double t_ref;  /* as given, for get */
  double I_stim; /* external current during this step */
  bool refractory;
} cond_neuron;

/* What the dynamics of one neuron's step see. */
typedef struct step_ctx {
  const cond_neuron *p;
  const variant *v;
} step_ctx;

static const char *const k_params[] = {"V_m", "E_L", "C_m", "t_ref", "V_th", "V_reset", "E_ex", "E_in", "g_L",
                                       "tau_syn_ex", "tau_syn_in", "I_e", "g_ex", "g_in", NULL};

static int dynamics(double t, const double y[], double f[], void *pv) {
  (void)t;
  const step_ctx *x = pv;
  const cond_neuron *p = x->p;
  const variant *L = x->v;
  const double V = p->refractory ? p->c.V_reset : fmin(y[V_M], p->c.V_th);
  const double I_syn_ex = y[L->syn.g_ex] * (V - p->c.E_ex);
  const double I_syn_in = y[L->syn.g_in] * (V - p->c.E_in);
  const double I_leak = p->c.g_L * (V - p->c.E_L);
  f[V_M] = p->refractory ? 0.0 : (-I_leak - I_syn_ex - I_syn_in + p->I_stim + p->c.I_e) / p->c.C_m;
  cz_cond_derivs(&L->syn, p->c.tau_ex, p->c.tau_in, y, f);
  return 0;
}

static cz_status create_with(size_t n, double h, int nthreads, const variant *v, void **out) {
  const cz_ode_control ctl = {false, 1e-3, 0.0};
  cz_ode_model *m = NULL;
  CZ_TRY(cz_ode_model_create(n, (size_t)v->dim, h, nthreads, ctl, h, sizeof(cond_neuron), v->name, &m));
  m->variant = v;
  *out = m;
  return CZ_OK;
}

static cz_status create_alpha(size_t n, double h, int nthreads, void **out) {
  return create_with(n, h, nthreads, &k_alpha, out);
}
static cz_status create_exp(size_t n, double h, int nthreads, void **out) {
  return create_with(n, h, nthreads, &k_exp, out);
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  cz_ode_model *m = pv;
  const variant *v = m->variant;
  CZ_TRY(cz_param_check_known(src, k_params, v->name, where));
  cond_neuron *p = &((cond_neuron *)m->P)[i];
  double t_ref, *y = &m->g.y[i * (size_t)v->dim];
  CZ_TRY(cz_cond_read_params(src, where, &p->c, &t_ref));
  CZ_CHECK(p->c.g_L >= 0, CZ_ERR_CONFIG, "%s: leak conductance g_L must be >= 0", where);
  CZ_TRY(cz_param_number(src, "V_m", -70.0, &y[V_M], NULL, where));
  CZ_TRY(cz_param_number(src, "g_ex", 0.0, &y[v->syn.g_ex], NULL, where));
  CZ_TRY(cz_param_number(src, "g_in", 0.0, &y[v->syn.g_in], NULL, where));
  m->g.R[i] = cz_model_refractory_steps(t_ref, m->g.h);
  p->t_ref = t_ref;
  return CZ_OK;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  cz_ode_model *m = pv;
  const variant *L = m->variant;
  cz_ode_group *g = &m->g;
  cz_ode_solver *s = cz_ode_solver_of(g, tid);
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    cond_neuron *p = &((cond_neuron *)m->P)[i];
    double *y = &g->y[i * (size_t)L->dim];
    p->I_stim = g->i_next[i];
    p->refractory = g->r[i] > 0;
    step_ctx x = {p, L};
    gsl_odeiv_system sys = {dynamics, NULL, (size_t)L->dim, &x};
    /* a failing step leaves the state as GSL left it; NaN checks catch divergence */
    (void)cz_ode_step(s, &sys, g->h, &g->hstep[i], y, NULL, NULL);
    if (L->jumps_first) cz_cond_jumps(&L->syn, p->c.tau_ex, p->c.tau_in, y, ch0[i], -ch1[i]);
    if (g->r[i] > 0) {
      g->r[i]--;
      y[V_M] = p->c.V_reset;
    } else if (y[V_M] >= p->c.V_th) {
      g->r[i] = g->R[i];
      y[V_M] = p->c.V_reset;
      fired[nf++] = (uint32_t)i;
    }
    if (!L->jumps_first) cz_cond_jumps(&L->syn, p->c.tau_ex, p->c.tau_in, y, ch0[i], -ch1[i]);
    ch0[i] = 0.0;
    ch1[i] = 0.0;
    g->i_next[i] = i_stim[i];
  }
  return nf;
}

static double v_m(const void *pv, size_t i) {
  const cz_ode_model *m = pv;
  return m->g.y[i * (size_t)((const variant *)m->variant)->dim + V_M];
}

/* NEST's recordables of iaf_cond_alpha and iaf_cond_exp, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "g_ex", "g_in", NULL};

static double record(const void *pv, size_t i, int var) {
  const cz_ode_model *m = pv;
  const variant *L = m->variant;
  const int index[] = {V_M, L->syn.g_ex, L->syn.g_in};
  return m->g.y[i * (size_t)L->dim + index[var >= 0 && var < 3 ? var : 0]];
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const cz_ode_model *m = pv;
  const variant *L = m->variant;
  const cond_neuron *p = &((const cond_neuron *)m->P)[i];
  const double *y = &m->g.y[i * (size_t)L->dim];
  const cz_cond_params *c = &p->c;
  const cz_named_value v[] = {{"V_m", y[V_M]},        {"g_ex", y[L->syn.g_ex]},  {"g_in", y[L->syn.g_in]},
                              {"V_th", c->V_th},      {"V_reset", c->V_reset},   {"t_ref", p->t_ref},
                              {"g_L", c->g_L},        {"C_m", c->C_m},           {"E_ex", c->E_ex},
                              {"E_in", c->E_in},      {"E_L", c->E_L},           {"tau_syn_ex", c->tau_ex},
                              {"tau_syn_in", c->tau_in}, {"I_e", c->I_e}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_iaf_cond_alpha = {.name = "iaf_cond_alpha", .param_names = k_params, .split_sign = true,
                                         .create = create_alpha, .set_params = set_params, .update = update,
                                         .v_m = v_m, .recordables = k_recordables, .record = record,
                                         .get = get, .destroy = cz_ode_model_destroy};
const cz_model_kind cz_iaf_cond_exp = {.name = "iaf_cond_exp", .param_names = k_params, .split_sign = true,
                                       .create = create_exp, .set_params = set_params, .update = update, .v_m = v_m,
                                       .recordables = k_recordables, .record = record, .get = get,
                                       .destroy = cz_ode_model_destroy};
