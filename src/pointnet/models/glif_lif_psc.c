/* NEST 2's separate Allen GLIF models with alpha-shaped currents on receptor ports, the ones
 * BMTK 0.0.x point networks name: glif_lif_psc, glif_lif_r_psc, glif_lif_asc_psc,
 * glif_lif_r_asc_psc and glif_lif_r_asc_a_psc. Their dynamics_params are either NEST 2's
 * parameters (voltages absolute: V_th, E_L, V_reset; g, C_m, t_ref, a_spike, b_spike, a_reset,
 * b_reset, a_voltage, b_voltage, asc_init, k, asc_amps, r, tau_syn, V_dynamics_method) or an
 * Allen Cell Types Database file, converted as BMTK did (models/glif_allen.h).
 *
 * Where these models differ from NEST 3's glif_psc (models/glif_common.h), this follows NEST 2:
 *  - V is absolute and moves by V = V_old P33 + (I + ASC_sum + g E_L) P30 (V_dynamics_method
 *    "linear_exact") or by forward Euler (the default, "linear_forward_euler");
 *  - ASC_sum is the sum of the after-spike currents at the start of the step (not their mean
 *    over it), then each decays by exp(-k h);
 *  - a spike (V > threshold) leaves V where it is: V is held for the refractory period, a
 *    double t_ref counted down by h each step, and only in the step where the count reaches
 *    0 are V reset (V_reset; or E_L + a_reset (V - E_L) + b_reset with R), the after-spike
 *    currents reset (asc_amps + ASC r exp(-k t_ref)) and a_spike added to the spike
 *    component of the threshold;
 *  - the spike component decays by exp(-b_spike h) at the start of every step, refractory or
 *    not; with R but not A the threshold follows it every step, with A only in steps that
 *    integrate, where the voltage component follows its exact solution from the step's
 *    starting V, with beta = (I + ASC_sum + g E_L) / g;
 *  - V_m starts at E_L whatever V_m is given, the after-spike currents at asc_init.
 * NEST 2 also stamped each spike with the interpolated time it crossed the threshold within
 * its step; spikes here carry the step's grid time, as NEST 2's grid-based targets saw them. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "pointnet/models/glif_allen.h"
#include "pointnet/models/glif_common.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"

enum { MAX_PORTS = CZ_GLIF_MAX_PORTS, MAX_ASC = CZ_GLIF_MAX_ASC };

typedef struct n2_neuron {
  /* parameters */
  double th_inf, G, E_L, C_m, t_ref, V_reset, a_spike, b_spike, a_reset, b_reset, a_voltage, b_voltage;
  int nasc, nports;
  double asc_init[MAX_ASC], k[MAX_ASC], asc_amps[MAX_ASC], r[MAX_ASC], tau_syn[MAX_PORTS];
  bool exact; /* V_dynamics_method "linear_exact" */
  /* step constants */
  double P33, P30, P11[MAX_PORTS], P21[MAX_PORTS], P31[MAX_PORTS], P32[MAX_PORTS], psc0[MAX_PORTS];
  double asc_step_decay[MAX_ASC], asc_refr_decay[MAX_ASC], spike_decay, v_decay, th_v_inv_decay, phi, ab_ratio;
  /* state */
  double V, I, I_syn, asc_sum, threshold, last_spike, last_voltage, t_ref_remaining;
  double asc[MAX_ASC], y1[MAX_PORTS], y2[MAX_PORTS];
} n2_neuron;

typedef struct n2_group {
  size_t n;
  double h;
  const cz_glif_level *level;
  n2_neuron *N;
} n2_group;

static const cz_glif_level k_lif = {false, false, false}, k_lif_r = {true, false, false},
                           k_lif_asc = {false, true, false}, k_lif_r_asc = {true, true, false},
                           k_lif_r_asc_a = {true, true, true};

static const char *name_of(const cz_glif_level *L) {
  if (L->a) return "glif_lif_r_asc_a_psc";
  if (L->r && L->asc) return "glif_lif_r_asc_psc";
  if (L->r) return "glif_lif_r_psc";
  return L->asc ? "glif_lif_asc_psc" : "glif_lif_psc";
}

/* The keys of each model (ASCurrents and V_m are state NEST 2 accepts and then overwrites). */
static const char *const k_params_lif[] = {"V_th", "g", "E_L", "C_m", "t_ref", "V_reset", "tau_syn",
                                           "V_dynamics_method", "V_m", NULL};
static const char *const k_params_lif_r[] = {"V_th",    "g",       "E_L",     "C_m",     "t_ref",
                                             "a_spike", "b_spike", "a_reset", "b_reset", "tau_syn",
                                             "V_dynamics_method", "V_m", NULL};
static const char *const k_params_lif_asc[] = {"V_th",     "g", "E_L",     "C_m",        "t_ref",
                                               "V_reset",  "asc_init", "k", "asc_amps", "r",
                                               "tau_syn",  "V_dynamics_method", "V_m", "ASCurrents", NULL};
static const char *const k_params_lif_r_asc[] = {"V_th",    "g",        "E_L", "C_m",      "t_ref", "a_spike",
                                                 "b_spike", "a_reset",  "b_reset", "asc_init", "k", "asc_amps",
                                                 "r",       "tau_syn",  "V_dynamics_method", "V_m", "ASCurrents",
                                                 NULL};
static const char *const k_params_lif_r_asc_a[] = {
    "V_th",     "g", "E_L",      "C_m", "t_ref",   "a_spike", "b_spike",           "a_reset", "b_reset",    "a_voltage",
    "b_voltage", "asc_init", "k", "asc_amps", "r", "tau_syn", "V_dynamics_method", "V_m",     "ASCurrents", NULL};

static void destroy(void *pv) {
  n2_group *m = pv;
  if (!m) return;
  free(m->N);
  free(m);
}

static cz_status create_with(size_t n, double h, const cz_glif_level *L, void **out) {
  n2_group *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m != NULL, CZ_ERR_NOMEM, "out of memory");
  m->n = n;
  m->h = h;
  m->level = L;
  if (!(m->N = cz_calloc(n ? n : 1, sizeof *m->N))) {
    destroy(m);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu %s neurons", n, name_of(L));
  }
  *out = m;
  return CZ_OK;
}

#define CREATE_KIND(fn, level) \
  static cz_status fn(size_t n, double h, int nthreads, void **out) { \
    (void)nthreads;                                                  \
    return create_with(n, h, &(level), out);                         \
  }
CREATE_KIND(create_lif, k_lif)
CREATE_KIND(create_lif_r, k_lif_r)
CREATE_KIND(create_lif_asc, k_lif_asc)
CREATE_KIND(create_lif_r_asc, k_lif_r_asc)
CREATE_KIND(create_lif_r_asc_a, k_lif_r_asc_a)

static const char *const *params_of(const cz_glif_level *L) {
  if (L->a) return k_params_lif_r_asc_a;
  if (L->r && L->asc) return k_params_lif_r_asc;
  if (L->r) return k_params_lif_r;
  return L->asc ? k_params_lif_asc : k_params_lif;
}

/* V_dynamics_method: NEST 2's default forward Euler, or the exact solution. */
static cz_status read_method(const cz_param_src *src, bool *exact, const char *where) {
  const cJSON *j = src->dict ? cJSON_GetObjectItemCaseSensitive(src->dict, "V_dynamics_method") : NULL;
  *exact = false;
  if (!j) return CZ_OK;
  CZ_CHECK(cJSON_IsString(j) && (strcmp(j->valuestring, "linear_forward_euler") == 0 ||
                                 strcmp(j->valuestring, "linear_exact") == 0),
           CZ_ERR_CONFIG, "%s: V_dynamics_method must be \"linear_forward_euler\" or \"linear_exact\"", where);
  *exact = strcmp(j->valuestring, "linear_exact") == 0;
  return CZ_OK;
}

static cz_status read_asc(const cz_param_src *src, n2_neuron *p, const char *where) {
  static const double zero2[] = {0.0, 0.0}, one2[] = {1.0, 1.0};
  int ni, nk, na, nr;
  CZ_TRY(cz_glif_number_list(src, "asc_init", zero2, 2, MAX_ASC, p->asc_init, &ni, where));
  CZ_TRY(cz_glif_number_list(src, "k", zero2, 2, MAX_ASC, p->k, &nk, where));
  CZ_TRY(cz_glif_number_list(src, "asc_amps", zero2, 2, MAX_ASC, p->asc_amps, &na, where));
  CZ_TRY(cz_glif_number_list(src, "r", one2, 2, MAX_ASC, p->r, &nr, where));
  CZ_CHECK(ni == nk && na == nk && nr == nk, CZ_ERR_CONFIG, "%s: asc_init, k, asc_amps and r must have the same length",
           where);
  p->nasc = nk;
  return CZ_OK;
}

static cz_status read_nest2(const cz_param_src *src, const cz_glif_level *L, n2_neuron *p, const char *where) {
  CZ_TRY(cz_param_check_known(src, params_of(L), name_of(L), where));
  CZ_TRY(cz_param_number(src, "V_th", 26.5, &p->th_inf, NULL, where));
  CZ_TRY(cz_param_number(src, "g", 4.6951, &p->G, NULL, where));
  CZ_TRY(cz_param_number(src, "E_L", -77.4, &p->E_L, NULL, where));
  CZ_TRY(cz_param_number(src, "C_m", 99.182, &p->C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 0.5, &p->t_ref, NULL, where));
  p->V_reset = -77.4;
  if (!L->r) CZ_TRY(cz_param_number(src, "V_reset", -77.4, &p->V_reset, NULL, where));
  if (L->r) {
    CZ_TRY(cz_param_number(src, "a_spike", 0.0, &p->a_spike, NULL, where));
    CZ_TRY(cz_param_number(src, "b_spike", 0.0, &p->b_spike, NULL, where));
    CZ_TRY(cz_param_number(src, "a_reset", 0.0, &p->a_reset, NULL, where));
    CZ_TRY(cz_param_number(src, "b_reset", 0.0, &p->b_reset, NULL, where));
  }
  if (L->a) {
    CZ_TRY(cz_param_number(src, "a_voltage", 0.0, &p->a_voltage, NULL, where));
    CZ_TRY(cz_param_number(src, "b_voltage", 0.0, &p->b_voltage, NULL, where));
  }
  if (L->asc) CZ_TRY(read_asc(src, p, where));
  static const double tau0[] = {2.0};
  CZ_TRY(cz_glif_number_list(src, "tau_syn", tau0, 1, MAX_PORTS, p->tau_syn, &p->nports, where));
  CZ_TRY(read_method(src, &p->exact, where));
  /* NEST 2's checks */
  CZ_CHECK(L->r || p->V_reset < p->th_inf, CZ_ERR_CONFIG, "%s: V_reset must be below V_th", where);
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(p->G > 0, CZ_ERR_CONFIG, "%s: membrane conductance g must be > 0 (got %g)", where, p->G);
  CZ_CHECK(p->t_ref > 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be > 0 (got %g)", where, p->t_ref);
  CZ_CHECK(p->nports >= 1, CZ_ERR_CONFIG, "%s: tau_syn must list at least one receptor port", where);
  for (int k = 0; k < p->nports; k++) CZ_CHECK(p->tau_syn[k] > 0, CZ_ERR_CONFIG, "%s: tau_syn values must be > 0", where);
  /* what NEST 2 left undefined (a division by zero in the voltage threshold) */
  CZ_CHECK(!L->a || (p->b_voltage != 0 && p->b_voltage != p->G / p->C_m), CZ_ERR_CONFIG,
           "%s: b_voltage must be neither 0 nor g / C_m", where);
  return CZ_OK;
}

/* NEST 2's constants for step h, each computed as NEST 2 computed it. */
static void step_constants(n2_neuron *p, double h) {
  const double tau = p->C_m / p->G;
  p->P33 = exp(-h / tau);
  p->P30 = 1 / p->C_m * (1 - p->P33) * tau;
  for (int k = 0; k < p->nports; k++) {
    p->P11[k] = exp(-h / p->tau_syn[k]);
    p->P21[k] = h * p->P11[k];
    cz_alpha_propagators(p->tau_syn[k], tau, p->C_m, h, &p->P31[k], &p->P32[k]);
    p->psc0[k] = 1.0 * M_E / p->tau_syn[k];
  }
  for (int a = 0; a < p->nasc; a++) {
    p->asc_step_decay[a] = exp(-p->k[a] * h);
    p->asc_refr_decay[a] = exp(-p->k[a] * p->t_ref);
  }
  p->spike_decay = exp(-p->b_spike * h);
  p->v_decay = exp(-p->G * h / p->C_m);
  p->th_v_inv_decay = 1 / exp(p->b_voltage * h);
  p->phi = p->a_voltage / (p->b_voltage - p->G / p->C_m);
  p->ab_ratio = p->a_voltage / p->b_voltage;
}

static void initial_state(n2_neuron *p) {
  p->V = p->E_L;
  p->threshold = p->th_inf;
  for (int a = 0; a < p->nasc; a++) p->asc[a] = p->asc_init[a];
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  n2_group *m = pv;
  n2_neuron *p = &m->N[i];
  memset(p, 0, sizeof *p);
  if (cz_glif_allen_is(src->dict)) {
    cJSON *conv = NULL;
    CZ_TRY(cz_glif_allen_convert(src->dict, *m->level, src->file, where, &conv));
    const cz_param_src csrc = {conv, src->override, src->ctx, src->file};
    const cz_status st = read_nest2(&csrc, m->level, p, where);
    cJSON_Delete(conv);
    CZ_TRY(st);
  } else {
    CZ_TRY(read_nest2(src, m->level, p, where));
  }
  step_constants(p, m->h);
  initial_state(p);
  return CZ_OK;
}

/* The voltage component of the threshold at the end of an integrating step (level A). */
static double voltage_component(const n2_neuron *p, double v_old) {
  const double beta = (p->I + p->asc_sum + p->G * p->E_L) / p->G;
  return p->phi * (v_old - beta) * p->v_decay +
         p->th_v_inv_decay * (p->last_voltage - p->phi * (v_old - beta) - p->ab_ratio * (beta - p->E_L)) +
         p->ab_ratio * (beta - p->E_L);
}

/* The end of the refractory period: V, the after-spike currents and the threshold reset. */
static void leave_refractory(n2_neuron *p, const cz_glif_level *L) {
  for (int a = 0; a < p->nasc; a++) p->asc[a] = p->asc_amps[a] + p->asc[a] * p->r[a] * p->asc_refr_decay[a];
  if (!L->r) {
    p->V = p->V_reset;
    return;
  }
  p->V = p->E_L + p->a_reset * (p->V - p->E_L) + p->b_reset;
  p->last_spike = p->last_spike + p->a_spike;
  p->threshold = L->a ? p->last_spike + p->last_voltage + p->th_inf : p->last_spike + p->th_inf;
}

/* A step that integrates; returns whether the neuron fires. */
static bool integrate(n2_neuron *p, const cz_glif_level *L, double h) {
  const double v_old = p->V;
  p->asc_sum = 0.0;
  for (int a = 0; a < p->nasc; a++) {
    p->asc_sum += p->asc[a];
    p->asc[a] = p->asc[a] * p->asc_step_decay[a];
  }
  if (p->exact) p->V = v_old * p->P33 + (p->I + p->asc_sum + p->G * p->E_L) * p->P30;
  else p->V = v_old + h * (p->I + p->asc_sum - p->G * (v_old - p->E_L)) / p->C_m;
  p->I_syn = 0.0;
  for (int k = 0; k < p->nports; k++) {
    p->V += p->P31[k] * p->y1[k] + p->P32[k] * p->y2[k];
    p->I_syn += p->y2[k];
  }
  if (L->a) {
    const double vc = voltage_component(p, v_old);
    p->threshold = p->last_spike + vc + p->th_inf;
    p->last_voltage = vc;
  }
  if (!(p->V > (L->r ? p->threshold : p->th_inf))) return false;
  p->t_ref_remaining = p->t_ref;
  return true;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)tid;
  n2_group *m = pv;
  const cz_glif_level *L = m->level;
  const double h = m->h;
  const ptrdiff_t stride = ch1 ? ch1 - ch0 : 0;
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    n2_neuron *p = &m->N[i];
    if (L->r) {
      p->last_spike = p->last_spike * p->spike_decay;
      if (!L->a) p->threshold = p->last_spike + p->th_inf;
    }
    if (p->t_ref_remaining > 0.0) {
      p->t_ref_remaining -= h;
      if (p->t_ref_remaining <= 0.0) leave_refractory(p, L);
    } else if (integrate(p, L, h)) {
      fired[nf++] = (uint32_t)i;
    }
    for (int k = 0; k < p->nports; k++) {
      double *in = ch0 + k * stride + i;
      p->y2[k] = p->P21[k] * p->y1[k] + p->P11[k] * p->y2[k];
      p->y1[k] *= p->P11[k];
      p->y1[k] += p->psc0[k] * *in;
      *in = 0.0;
    }
    p->I = i_stim[i];
  }
  return nf;
}

static int nports(const void *pv, size_t i) { return ((const n2_group *)pv)->N[i].nports; }

static double v_m(const void *pv, size_t i) { return ((const n2_group *)pv)->N[i].V; }

/* NEST 2's recordables of these models, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "I_syn", "AScurrents_sum", NULL};

static double record(const void *pv, size_t i, int var) {
  const n2_neuron *p = &((const n2_group *)pv)->N[i];
  switch (var) {
  case 1: return p->I_syn;
  case 2: return p->asc_sum;
  default: return p->V;
  }
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const n2_neuron *p = &((const n2_group *)pv)->N[i];
  const cz_named_value v[] = {{"V_m", p->V},           {"V_th", p->th_inf},       {"g", p->G},
                              {"E_L", p->E_L},         {"C_m", p->C_m},           {"t_ref", p->t_ref},
                              {"V_reset", p->V_reset}, {"a_spike", p->a_spike},   {"b_spike", p->b_spike},
                              {"a_reset", p->a_reset}, {"b_reset", p->b_reset},   {"a_voltage", p->a_voltage},
                              {"b_voltage", p->b_voltage}, {"threshold", p->threshold},
                              {"linear_exact", p->exact}, {"AScurrents_sum", p->asc_sum}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out) ||
         cz_named_list_lookup("asc_init", p->asc_init, p->nasc, name, out) ||
         cz_named_list_lookup("k", p->k, p->nasc, name, out) ||
         cz_named_list_lookup("asc_amps", p->asc_amps, p->nasc, name, out) ||
         cz_named_list_lookup("r", p->r, p->nasc, name, out) ||
         cz_named_list_lookup("ASCurrents", p->asc, p->nasc, name, out) ||
         cz_named_list_lookup("tau_syn", p->tau_syn, p->nports, name, out);
}

#define GLIF_LIF_KIND(var, kname, params, createfn)                                                                  \
  const cz_model_kind var = {.name = kname, .param_names = params, .split_sign = false, .create = createfn,         \
                             .set_params = set_params, .update = update, .v_m = v_m, .recordables = k_recordables, \
                             .record = record, .nports = nports, .get = get, .destroy = destroy}
GLIF_LIF_KIND(cz_glif_lif_psc, "glif_lif_psc", k_params_lif, create_lif);
GLIF_LIF_KIND(cz_glif_lif_r_psc, "glif_lif_r_psc", k_params_lif_r, create_lif_r);
GLIF_LIF_KIND(cz_glif_lif_asc_psc, "glif_lif_asc_psc", k_params_lif_asc, create_lif_asc);
GLIF_LIF_KIND(cz_glif_lif_r_asc_psc, "glif_lif_r_asc_psc", k_params_lif_r_asc, create_lif_r_asc);
GLIF_LIF_KIND(cz_glif_lif_r_asc_a_psc, "glif_lif_r_asc_a_psc", k_params_lif_r_asc_a, create_lif_r_asc_a);
