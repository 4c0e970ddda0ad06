/* hh_psc_alpha: the Hodgkin-Huxley neuron with alpha-shaped synaptic currents, with NEST's
 * semantics. The state (V, m, h, n, dI_ex, I_ex, dI_in, I_in) is integrated over each step
 * with GSL's RKF45 and the y_new(1e-3, 0) control (ode_gsl.h); gating follows the classic
 * rate functions (V in mV, rates in 1/ms) with NEST's conductances in nS. After the step the
 * step's input enters the currents (e / tau_syn per pA; inhibitory weights keep their sign),
 * then a spike is sent when V >= 0 mV and V fell during the step (the peak has passed), unless
 * the neuron is within t_ref of its last spike (no voltage clamp: a pseudo-refractoriness).
 * V starts at -65 mV with the gating variables at their equilibria there; NEST computes them
 * once, when it constructs the neuron from the defaults, so a V_m given in the parameters
 * moves V alone and the gates keep the equilibria of -65 mV unless given too. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/model.h"
#include "pointnet/models/ode_gsl.h"

enum { V_M = 0, HH_M, HH_H, HH_N, DI_EX, I_EX, DI_IN, I_IN, NSTATE };

typedef struct hh_params {
  double g_Na, g_K, g_L, C_m, E_Na, E_K, E_L, tau_ex, tau_in, I_e;
  double t_ref;  /* as given, for get */
  double I_stim; /* external current during this step */
} hh_params;

enum { V_M_DEFAULT = -65 };

static const char *const k_params[] = {"V_m",  "t_ref", "g_Na", "g_K", "g_L", "C_m", "E_Na", "E_K", "E_L",
                                       "tau_syn_ex", "tau_syn_in", "I_e", "Act_m", "Act_h", "Inact_n", NULL};

/* The rate functions of the gates at V: alpha and beta of n, m and h. */
static void rates(double V, double *an, double *bn, double *am, double *bm, double *ah, double *bh) {
  *an = (0.01 * (V + 55.0)) / (1.0 - exp(-(V + 55.0) / 10.0));
  *bn = 0.125 * exp(-(V + 65.0) / 80.0);
  *am = (0.1 * (V + 40.0)) / (1.0 - exp(-(V + 40.0) / 10.0));
  *bm = 4.0 * exp(-(V + 65.0) / 18.0);
  *ah = 0.07 * exp(-(V + 65.0) / 20.0);
  *bh = 1.0 / (1.0 + exp(-(V + 35.0) / 10.0));
}

static int dynamics(double t, const double y[], double f[], void *pv) {
  (void)t;
  const hh_params *p = pv;
  const double V = y[V_M], m = y[HH_M], h = y[HH_H], n = y[HH_N];
  double an, bn, am, bm, ah, bh;
  rates(V, &an, &bn, &am, &bm, &ah, &bh);
  const double I_Na = p->g_Na * m * m * m * h * (V - p->E_Na);
  const double I_K = p->g_K * n * n * n * n * (V - p->E_K);
  const double I_L = p->g_L * (V - p->E_L);
  f[V_M] = (-(I_Na + I_K + I_L) + p->I_stim + p->I_e + y[I_EX] + y[I_IN]) / p->C_m;
  f[HH_M] = am * (1 - m) - bm * m;
  f[HH_H] = ah * (1 - h) - bh * h;
  f[HH_N] = an * (1 - n) - bn * n;
  f[DI_EX] = -y[DI_EX] / p->tau_ex;
  f[I_EX] = y[DI_EX] - y[I_EX] / p->tau_ex;
  f[DI_IN] = -y[DI_IN] / p->tau_in;
  f[I_IN] = y[DI_IN] - y[I_IN] / p->tau_in;
  return 0;
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  const cz_ode_control ctl = {false, 1e-3, 0.0};
  return cz_ode_model_create(n, NSTATE, h, nthreads, ctl, h, sizeof(hh_params), "hh_psc_alpha", (cz_ode_model **)out);
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  cz_ode_model *m = pv;
  CZ_TRY(cz_param_check_known(src, k_params, "hh_psc_alpha", where));
  hh_params *p = &((hh_params *)m->P)[i];
  double t_ref, *y = &m->g.y[i * NSTATE];
  CZ_TRY(cz_param_number(src, "t_ref", 2.0, &t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "g_Na", 12000.0, &p->g_Na, NULL, where));
  CZ_TRY(cz_param_number(src, "g_K", 3600.0, &p->g_K, NULL, where));
  CZ_TRY(cz_param_number(src, "g_L", 30.0, &p->g_L, NULL, where));
  CZ_TRY(cz_param_number(src, "C_m", 100.0, &p->C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "E_Na", 50.0, &p->E_Na, NULL, where));
  CZ_TRY(cz_param_number(src, "E_K", -77.0, &p->E_K, NULL, where));
  CZ_TRY(cz_param_number(src, "E_L", -54.402, &p->E_L, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_ex", 0.2, &p->tau_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_in", 2.0, &p->tau_in, NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &p->I_e, NULL, where));
  CZ_TRY(cz_param_number(src, "V_m", V_M_DEFAULT, &y[V_M], NULL, where));
  double an, bn, am, bm, ah, bh;
  rates(V_M_DEFAULT, &an, &bn, &am, &bm, &ah, &bh);
  CZ_TRY(cz_param_number(src, "Act_m", am / (am + bm), &y[HH_M], NULL, where));
  CZ_TRY(cz_param_number(src, "Act_h", ah / (ah + bh), &y[HH_H], NULL, where));
  CZ_TRY(cz_param_number(src, "Inact_n", an / (an + bn), &y[HH_N], NULL, where));
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(t_ref >= 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be >= 0 (got %g)", where, t_ref);
  CZ_CHECK(p->tau_ex > 0 && p->tau_in > 0, CZ_ERR_CONFIG, "%s: synaptic time constants tau_syn_ex/in must be > 0", where);
  CZ_CHECK(p->g_Na >= 0 && p->g_K >= 0 && p->g_L >= 0, CZ_ERR_CONFIG, "%s: conductances must be >= 0", where);
  CZ_CHECK(y[HH_M] >= 0 && y[HH_H] >= 0 && y[HH_N] >= 0, CZ_ERR_CONFIG, "%s: gating variables must be >= 0", where);
  m->g.R[i] = cz_model_refractory_steps(t_ref, m->g.h);
  p->t_ref = t_ref;
  return CZ_OK;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  cz_ode_model *m = pv;
  cz_ode_group *g = &m->g;
  cz_ode_solver *s = cz_ode_solver_of(g, tid);
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    hh_params *p = &((hh_params *)m->P)[i];
    double *y = &g->y[i * NSTATE];
    const double U_old = y[V_M];
    p->I_stim = g->i_next[i];
    gsl_odeiv_system sys = {dynamics, NULL, NSTATE, p};
    (void)cz_ode_step(s, &sys, g->h, &g->hstep[i], y, NULL, NULL);
    y[DI_EX] += M_E / p->tau_ex * ch0[i];
    y[DI_IN] += M_E / p->tau_in * ch1[i]; /* an inhibitory current keeps its negative sign */
    ch0[i] = 0.0;
    ch1[i] = 0.0;
    if (g->r[i] > 0) {
      g->r[i]--;
    } else if (y[V_M] >= 0.0 && U_old > y[V_M]) {
      g->r[i] = g->R[i];
      fired[nf++] = (uint32_t)i;
    }
    g->i_next[i] = i_stim[i];
  }
  return nf;
}

static double v_m(const void *pv, size_t i) { return ((const cz_ode_model *)pv)->g.y[i * NSTATE + V_M]; }

/* NEST's recordables of hh_psc_alpha, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "Act_m", "Act_h", "Inact_n", "I_syn_ex", "I_syn_in", NULL};

static double record(const void *pv, size_t i, int var) {
  static const int index[] = {V_M, HH_M, HH_H, HH_N, I_EX, I_IN};
  return ((const cz_ode_model *)pv)->g.y[i * NSTATE + index[var >= 0 && var < 6 ? var : 0]];
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const cz_ode_model *m = pv;
  const hh_params *p = &((const hh_params *)m->P)[i];
  const double *y = &m->g.y[i * NSTATE];
  const cz_named_value v[] = {
      {"V_m", y[V_M]},  {"Act_m", y[HH_M]}, {"Act_h", y[HH_H]}, {"Inact_n", y[HH_N]}, {"I_syn_ex", y[I_EX]},
      {"I_syn_in", y[I_IN]}, {"t_ref", p->t_ref}, {"g_Na", p->g_Na}, {"g_K", p->g_K}, {"g_L", p->g_L},
      {"C_m", p->C_m},  {"E_Na", p->E_Na}, {"E_K", p->E_K},    {"E_L", p->E_L},       {"tau_syn_ex", p->tau_ex},
      {"tau_syn_in", p->tau_in}, {"I_e", p->I_e}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_hh_psc_alpha = {.name = "hh_psc_alpha", .param_names = k_params, .split_sign = true,
                                       .create = create, .set_params = set_params, .update = update, .v_m = v_m,
                                       .recordables = k_recordables, .record = record, .get = get,
                                       .destroy = cz_ode_model_destroy};
