/* glif_cond: the Allen GLIF neurons (models/glif_common.h) with alpha-shaped conductances on
 * several receptor ports (tau_syn and reversal potentials E_rev, one per port), with NEST's
 * semantics. Each step first integrates the state (V relative to E_L, then dg and g of each
 * port) over the step with GSL's Runge-Kutta-Fehlberg 4(5) and the y_new(1e-3, 0) error
 * control, carrying each neuron's internal step size (ode_gsl.h):
 *   dV/dt = (-g V - sum_k g_k (V + E_L - E_rev_k) + I + ASCurrents_sum) / C_m,
 *   d dg_k/dt = -dg_k / tau_k,  dg_k/dt = dg_k - g_k / tau_k,
 * with dV/dt = 0 and V read as V_reset while refractory; I and ASCurrents_sum are the values
 * of the previous step. Then, when not refractory, the shared before/after parts (the voltage
 * component of the threshold sees the step's starting V); while refractory V holds its value
 * from the start of the step. Last, each port's input (nS) enters dg_k times e / tau_k and the
 * external current is latched for the next step. Port k (1-based receptor_type) reads ring row
 * k - 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "pointnet/models/glif_common.h"
#include "pointnet/models/model.h"
#include "pointnet/models/ode_gsl.h"

enum { MAX_PORTS = CZ_GLIF_MAX_PORTS, DIM_MAX = 1 + 2 * MAX_PORTS };

typedef struct gc_neuron {
  cz_glif_mech m;
  int nports;
  double tau_syn[MAX_PORTS], E_rev[MAX_PORTS], g0[MAX_PORTS];
  double y[DIM_MAX]; /* V, then dg_k, g_k per port */
  double hstep;      /* GSL's internal step, carried across steps */
  double I;          /* external current of this step (pA) */
} gc_neuron;

typedef struct gc_group {
  size_t n;
  double h;
  int nthreads;
  gc_neuron *N;
  cz_ode_solver *solver[MAX_PORTS]; /* [port count - 1][nthreads], dimension 1 + 2 ports */
} gc_group;

static const char *const k_params[] = {
    "V_m",          "V_th",           "g",              "g_m",        "E_L",      "C_m",      "t_ref",
    "V_reset",      "th_spike_add",   "th_spike_decay", "voltage_reset_fraction", "voltage_reset_add",
    "th_voltage_index", "th_voltage_decay", "asc_init", "asc_decay",  "asc_amps", "asc_r",
    "tau_syn",      "E_rev",          "spike_dependent_threshold", "after_spike_currents", "adapting_threshold", "ASCurrents", "threshold_spike",
    "threshold_voltage",
    NULL};

static int dynamics(double t, const double y[], double f[], void *pv) {
  (void)t;
  const gc_neuron *p = pv;
  const cz_glif_mech *g = &p->m;
  const bool refractory = g->refr > 0;
  const double V = refractory ? g->V_reset : y[0];
  double I_syn = 0.0;
  for (int k = 0; k < p->nports; k++) I_syn += y[2 + 2 * k] * (V + g->E_L - p->E_rev[k]);
  const double I_leak = g->G * V;
  f[0] = refractory ? 0.0 : (-I_leak - I_syn + p->I + g->asc_sum) / g->C_m;
  for (int k = 0; k < p->nports; k++) {
    f[1 + 2 * k] = -y[1 + 2 * k] / p->tau_syn[k];
    f[2 + 2 * k] = y[1 + 2 * k] - (y[2 + 2 * k] / p->tau_syn[k]);
  }
  return 0;
}

static void destroy(void *pv) {
  gc_group *m = pv;
  if (!m) return;
  for (int k = 0; k < MAX_PORTS; k++) cz_ode_solvers_free(m->solver[k], m->nthreads);
  free(m->N);
  free(m);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  gc_group *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m != NULL, CZ_ERR_NOMEM, "out of memory");
  m->n = n;
  m->h = h;
  m->nthreads = nthreads < 1 ? 1 : nthreads;
  const cz_ode_control ctl = {false, 1e-3, 0.0};
  cz_status st = (m->N = cz_calloc(n ? n : 1, sizeof *m->N)) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int k = 0; k < MAX_PORTS && st == CZ_OK; k++)
    st = cz_ode_solvers_create(m->nthreads, (size_t)(3 + 2 * k), ctl, &m->solver[k]);
  if (st != CZ_OK) {
    destroy(m);
    return cz_error_prefix(st, "creating %zu glif_cond neurons", n);
  }
  *out = m;
  return CZ_OK;
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  gc_group *m = pv;
  CZ_TRY(cz_param_check_known(src, k_params, "glif_cond", where));
  gc_neuron *p = &m->N[i];
  memset(p, 0, sizeof *p);
  CZ_TRY(cz_glif_mech_read(src, m->h, &p->m, where));
  static const double tau0[] = {0.2, 2.0}, erev0[] = {0.0, -85.0};
  int ne = 0;
  CZ_TRY(cz_glif_number_list(src, "tau_syn", tau0, 2, MAX_PORTS, p->tau_syn, &p->nports, where));
  CZ_TRY(cz_glif_number_list(src, "E_rev", erev0, 2, MAX_PORTS, p->E_rev, &ne, where));
  CZ_CHECK(ne == p->nports, CZ_ERR_CONFIG, "%s: E_rev (%d values) and tau_syn (%d) must have the same length", where,
           ne, p->nports);
  CZ_CHECK(p->nports >= 1, CZ_ERR_CONFIG, "%s: tau_syn must list at least one receptor port", where);
  for (int k = 0; k < p->nports; k++) {
    CZ_CHECK(p->tau_syn[k] > 0, CZ_ERR_CONFIG, "%s: tau_syn values must be > 0", where);
    p->g0[k] = M_E / p->tau_syn[k];
  }
  p->y[0] = p->m.U;
  p->hstep = m->h;
  return CZ_OK;
}

/* One step of neuron p; returns whether it fires. */
static bool step(gc_group *m, gc_neuron *p, int tid) {
  cz_glif_mech *g = &p->m;
  const double v_old = g->U;
  gsl_odeiv_system sys = {dynamics, NULL, (size_t)(1 + 2 * p->nports), p};
  cz_ode_solver *s = &m->solver[p->nports - 1][tid < m->nthreads ? tid : 0];
  /* a failing step leaves the state as GSL left it; NaN checks catch divergence */
  (void)cz_ode_step(s, &sys, m->h, &p->hstep, p->y, NULL, NULL);
  g->U = p->y[0];
  bool fired = false;
  if (g->refr == 0) {
    cz_glif_before_v(g);
    fired = cz_glif_after_v(g, v_old, p->I);
  } else {
    g->refr--;
    g->U = v_old;
    cz_glif_refractory_threshold(g);
  }
  p->y[0] = g->U;
  return fired;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  gc_group *m = pv;
  const ptrdiff_t stride = ch1 ? ch1 - ch0 : 0;
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    gc_neuron *p = &m->N[i];
    if (step(m, p, tid)) fired[nf++] = (uint32_t)i;
    for (int k = 0; k < p->nports; k++) {
      double *in = ch0 + k * stride + i;
      p->y[1 + 2 * k] += *in * p->g0[k];
      *in = 0.0;
    }
    p->I = i_stim[i];
  }
  return nf;
}

static int nports(const void *pv, size_t i) { return ((const gc_group *)pv)->N[i].nports; }

static double v_m(const void *pv, size_t i) {
  const gc_neuron *p = &((const gc_group *)pv)->N[i];
  return p->m.U + p->m.E_L;
}

/* NEST's recordables of glif_cond; g_k of a port the neuron lacks reads 0. */
static const char *const k_recordables[] = {"V_m", "ASCurrents_sum", "threshold", "threshold_spike",
                                            "threshold_voltage", "I", "g_1", "g_2", "g_3", "g_4", "g_5", "g_6",
                                            "g_7", "g_8", NULL};

static double record(const void *pv, size_t i, int var) {
  const gc_neuron *p = &((const gc_group *)pv)->N[i];
  switch (var) {
  case 1: return p->m.asc_sum;
  case 2: return p->m.threshold + p->m.E_L;
  case 3: return p->m.th_spike;
  case 4: return p->m.th_v;
  case 5: return p->I;
  case 0: return p->m.U + p->m.E_L;
  default: {
    const int k = var - 6;
    return k < p->nports ? p->y[2 + 2 * k] : 0.0;
  }
  }
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const gc_neuron *p = &((const gc_group *)pv)->N[i];
  return cz_glif_mech_get(&p->m, name, out) || cz_named_list_lookup("tau_syn", p->tau_syn, p->nports, name, out) ||
         cz_named_list_lookup("E_rev", p->E_rev, p->nports, name, out);
}

const cz_model_kind cz_glif_cond = {.name = "glif_cond", .param_names = k_params, .split_sign = false,
                                    .create = create, .set_params = set_params, .update = update, .v_m = v_m,
                                    .recordables = k_recordables, .record = record, .nports = nports,
                                    .get = get, .destroy = destroy};
