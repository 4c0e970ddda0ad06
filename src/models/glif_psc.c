/* glif_psc: the Allen Institute's generalized leaky integrate-and-fire neurons (Teeter et al.
 * 2018) with alpha-shaped currents on several receptor ports, with NEST's semantics and its
 * five levels chosen by three switches: LIF (none), LIF_R (spike_dependent_threshold), LIF_ASC
 * (after_spike_currents), LIF_R_ASC (both), LIF_R_ASC_A (and adapting_threshold).
 *
 * Voltages are kept relative to E_L (V_th, V_reset and V_m given in a dict are absolute; left
 * out, they keep their defaults relative to NEST's default E_L, -78.85 mV). Each step, when not
 * refractory: the spike component of the threshold decays; the after-spike currents add their
 * exact mean over the step and decay; V = V_old P33 + (I + ASC) P30 + sum over ports of the
 * alpha propagators; the voltage component of the threshold follows its exact solution; V above
 * the threshold fires: refractory for t_ref, ASC reset to amps + ASC r e^{-k t_ref}, V reset to
 * V_reset (levels without R) or fraction V_old + add, and the spike threshold component decays
 * over t_ref and adds th_spike_add (levels with R). While refractory V holds. Then each port's
 * alpha current advances and takes the step's input (e / tau_syn per pA); the external current
 * latched now acts in the next step. Port k (1-based receptor_type) reads the ring row k - 1. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "models/iaf_common.h"
#include "models/model.h"

enum { MAX_PORTS = 8, MAX_ASC = 8 };

typedef struct glif_neuron {
  /* parameters */
  double th_inf, V_reset, G, C_m, E_L, t_ref;
  double th_spike_add, th_spike_decay, v_reset_frac, v_reset_add, th_v_index, th_v_decay;
  bool has_R, has_ASC, has_A;
  int nports, nasc;
  double asc_amps[MAX_ASC];
  /* propagators */
  double P33, P30, P11[MAX_PORTS], P21[MAX_PORTS], P31[MAX_PORTS], P32[MAX_PORTS], psc0[MAX_PORTS];
  double asc_decay_rate[MAX_ASC], asc_stable[MAX_ASC], asc_refr_decay[MAX_ASC];
  double th_spike_rate, th_spike_refr_rate, potential_rate, th_v_rate_inv, phi, ab_ratio;
  int32_t refr_counts;
  /* state */
  double U, th_spike, th_v, threshold, I, I_syn, asc_sum;
  double asc[MAX_ASC], y1[MAX_PORTS], y2[MAX_PORTS];
  int32_t refr;
} glif_neuron;

typedef struct glif {
  size_t n;
  double h;
  glif_neuron *N;
} glif;

static const char *const k_params[] = {
    "V_m",          "V_th",           "g",              "E_L",        "C_m",      "t_ref",
    "V_reset",      "th_spike_add",   "th_spike_decay", "voltage_reset_fraction", "voltage_reset_add",
    "th_voltage_index", "th_voltage_decay", "asc_init", "asc_decay",  "asc_amps", "asc_r",
    "tau_syn",      "spike_dependent_threshold", "after_spike_currents", "adapting_threshold", NULL};

static void destroy(void *pv) {
  glif *m = pv;
  if (!m) return;
  free(m->N);
  free(m);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  glif *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m != NULL, CZ_ERR_NOMEM, "out of memory");
  m->n = n;
  m->h = h;
  if (!(m->N = cz_calloc(n ? n : 1, sizeof *m->N))) {
    destroy(m);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu glif_psc neurons", n);
  }
  *out = m;
  return CZ_OK;
}

/* A list of numbers (dict value key), or the default dflt[0 .. ndflt) when absent. */
static cz_status number_list(const cz_param_src *src, const char *key, const double *dflt, int ndflt, int cap,
                             double *out, int *n, const char *where) {
  const cJSON *j = src->dict ? cJSON_GetObjectItemCaseSensitive(src->dict, key) : NULL;
  if (!j) {
    memcpy(out, dflt, (size_t)ndflt * sizeof *out);
    *n = ndflt;
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) <= cap, CZ_ERR_CONFIG,
           "%s: %s must be a list of at most %d numbers", where, key, cap);
  *n = 0;
  const cJSON *e = NULL;
  cJSON_ArrayForEach(e, j) {
    CZ_CHECK(cJSON_IsNumber(e) && isfinite(e->valuedouble), CZ_ERR_CONFIG, "%s: %s holds something that is not a number",
             where, key);
    out[(*n)++] = e->valuedouble;
  }
  return CZ_OK;
}

/* A voltage given absolute in the dict, kept relative to E_L; absent: its default relative to
 * NEST's default E_L, shifted with E_L. */
static cz_status relative_voltage(const cz_param_src *src, const char *key, double dflt_rel, double E_L,
                                  double *out, const char *where) {
  bool given = false;
  double v;
  CZ_TRY(cz_param_number(src, key, 0.0, &v, &given, where));
  *out = given ? v - E_L : dflt_rel - (E_L - -78.85);
  return CZ_OK;
}

static cz_status read_asc(const cz_param_src *src, glif_neuron *p, double *asc_r, const char *where) {
  static const double init0[] = {0, 0}, decay0[] = {0.003, 0.1}, amps0[] = {-9.18, -198.94}, r0[] = {1, 1};
  double init[MAX_ASC], decay[MAX_ASC];
  int ni, nd, na, nr;
  CZ_TRY(number_list(src, "asc_init", init0, 2, MAX_ASC, init, &ni, where));
  CZ_TRY(number_list(src, "asc_decay", decay0, 2, MAX_ASC, decay, &nd, where));
  CZ_TRY(number_list(src, "asc_amps", amps0, 2, MAX_ASC, p->asc_amps, &na, where));
  CZ_TRY(number_list(src, "asc_r", r0, 2, MAX_ASC, asc_r, &nr, where));
  if (!p->has_ASC) return CZ_OK;
  CZ_CHECK(ni == nd && na == nd && nr == nd, CZ_ERR_CONFIG,
           "%s: asc_init, asc_decay, asc_amps and asc_r must have the same length", where);
  p->nasc = nd;
  for (int a = 0; a < nd; a++) {
    CZ_CHECK(decay[a] > 0, CZ_ERR_CONFIG, "%s: asc_decay values must be > 0", where);
    CZ_CHECK(asc_r[a] >= 0 && asc_r[a] <= 1, CZ_ERR_CONFIG, "%s: asc_r values must be within [0, 1]", where);
    p->asc[a] = init[a];
    p->asc_decay_rate[a] = decay[a]; /* the rate; turned into propagators in propagators() */
  }
  return CZ_OK;
}

/* NEST's pre-run constants for step h. asc_decay_rate holds the rates k on entry. */
static void propagators(glif_neuron *p, const double *tau_syn, const double *asc_r, double h) {
  const double tau = p->C_m / p->G;
  p->P33 = exp(-h / tau);
  p->P30 = 1.0 / p->C_m * (1.0 - p->P33) * tau;
  for (int k = 0; k < p->nports; k++) {
    p->P11[k] = exp(-h / tau_syn[k]);
    p->P21[k] = h * p->P11[k];
    cz_alpha_propagators(tau_syn[k], tau, p->C_m, h, &p->P31[k], &p->P32[k]);
    p->psc0[k] = M_E / tau_syn[k];
  }
  for (int a = 0; a < p->nasc; a++) {
    const double k = p->asc_decay_rate[a];
    p->asc_decay_rate[a] = exp(-k * h);
    p->asc_stable[a] = ((1.0 / k) / h) * (1.0 - p->asc_decay_rate[a]);
    p->asc_refr_decay[a] = asc_r[a] * exp(-k * p->t_ref);
  }
  p->th_spike_rate = exp(-p->th_spike_decay * h);
  p->th_spike_refr_rate = exp(-p->th_spike_decay * p->t_ref);
  p->potential_rate = exp(-p->G * h / p->C_m);
  p->th_v_rate_inv = 1.0 / exp(p->th_v_decay * h);
  p->phi = p->th_v_index / (p->th_v_decay - p->G / p->C_m);
  p->ab_ratio = p->th_v_index / p->th_v_decay;
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  glif *m = pv;
  CZ_TRY(cz_param_check_known(src, k_params, "glif_psc", where));
  glif_neuron *p = &m->N[i];
  memset(p, 0, sizeof *p);
  CZ_TRY(cz_param_number(src, "E_L", -78.85, &p->E_L, NULL, where));
  CZ_TRY(relative_voltage(src, "V_reset", 0.0, p->E_L, &p->V_reset, where));
  CZ_TRY(relative_voltage(src, "V_th", -51.68 - -78.85, p->E_L, &p->th_inf, where));
  CZ_TRY(relative_voltage(src, "V_m", 0.0, p->E_L, &p->U, where));
  CZ_TRY(cz_param_number(src, "g", 9.43, &p->G, NULL, where));
  CZ_TRY(cz_param_number(src, "C_m", 58.72, &p->C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 3.75, &p->t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "th_spike_add", 0.37, &p->th_spike_add, NULL, where));
  CZ_TRY(cz_param_number(src, "th_spike_decay", 0.009, &p->th_spike_decay, NULL, where));
  CZ_TRY(cz_param_number(src, "voltage_reset_fraction", 0.20, &p->v_reset_frac, NULL, where));
  CZ_TRY(cz_param_number(src, "voltage_reset_add", 18.51, &p->v_reset_add, NULL, where));
  CZ_TRY(cz_param_number(src, "th_voltage_index", 0.005, &p->th_v_index, NULL, where));
  CZ_TRY(cz_param_number(src, "th_voltage_decay", 0.09, &p->th_v_decay, NULL, where));
  CZ_TRY(cz_param_bool(src, "spike_dependent_threshold", false, &p->has_R, where));
  CZ_TRY(cz_param_bool(src, "after_spike_currents", false, &p->has_ASC, where));
  CZ_TRY(cz_param_bool(src, "adapting_threshold", false, &p->has_A, where));
  CZ_CHECK(!p->has_A || (p->has_R && p->has_ASC), CZ_ERR_CONFIG,
           "%s: adapting_threshold needs spike_dependent_threshold and after_spike_currents (GLIF level 5)", where);
  double asc_r[MAX_ASC], tau_syn[MAX_PORTS];
  static const double tau0[] = {2.0};
  CZ_TRY(read_asc(src, p, asc_r, where));
  CZ_TRY(number_list(src, "tau_syn", tau0, 1, MAX_PORTS, tau_syn, &p->nports, where));
  CZ_CHECK(p->nports >= 1, CZ_ERR_CONFIG, "%s: tau_syn must list at least one receptor port", where);
  for (int k = 0; k < p->nports; k++)
    CZ_CHECK(tau_syn[k] > 0, CZ_ERR_CONFIG, "%s: tau_syn values must be > 0", where);
  CZ_CHECK(p->V_reset < p->th_inf, CZ_ERR_CONFIG, "%s: V_reset must be below V_th", where);
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(p->G > 0, CZ_ERR_CONFIG, "%s: membrane conductance g must be > 0 (got %g)", where, p->G);
  CZ_CHECK(p->t_ref > 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be > 0 (got %g)", where, p->t_ref);
  CZ_CHECK(!p->has_A || p->th_v_decay > 0, CZ_ERR_CONFIG, "%s: th_voltage_decay must be > 0", where);
  CZ_CHECK(!p->has_R || p->th_spike_decay > 0, CZ_ERR_CONFIG, "%s: th_spike_decay must be > 0", where);
  CZ_CHECK(!p->has_R || (p->v_reset_frac >= 0 && p->v_reset_frac <= 1), CZ_ERR_CONFIG,
           "%s: voltage_reset_fraction must be within [0, 1]", where);
  propagators(p, tau_syn, asc_r, m->h);
  p->refr_counts = cz_model_refractory_steps(p->t_ref, m->h);
  p->threshold = p->th_inf;
  for (int a = 0; a < p->nasc; a++) p->asc_sum += p->asc[a];
  return CZ_OK;
}

/* One step of a neuron that is not refractory; returns whether it fires. */
static bool integrate(glif_neuron *p) {
  const double v_old = p->U;
  if (p->has_R) p->th_spike *= p->th_spike_rate;
  p->asc_sum = 0.0;
  for (int a = 0; a < p->nasc; a++) {
    p->asc_sum += p->asc_stable[a] * p->asc[a];
    p->asc[a] *= p->asc_decay_rate[a];
  }
  p->U = v_old * p->P33 + (p->I + p->asc_sum) * p->P30;
  p->I_syn = 0.0;
  for (int k = 0; k < p->nports; k++) {
    p->U += p->P31[k] * p->y1[k] + p->P32[k] * p->y2[k];
    p->I_syn += p->y2[k];
  }
  if (p->has_A) {
    const double beta = (p->I + p->asc_sum) / p->G;
    p->th_v = p->phi * (v_old - beta) * p->potential_rate +
              p->th_v_rate_inv * (p->th_v - p->phi * (v_old - beta) - p->ab_ratio * beta) + p->ab_ratio * beta;
  }
  p->threshold = p->th_spike + p->th_v + p->th_inf;
  if (!(p->U > p->threshold)) return false;
  p->refr = p->refr_counts;
  for (int a = 0; a < p->nasc; a++) p->asc[a] = p->asc_amps[a] + p->asc[a] * p->asc_refr_decay[a];
  if (!p->has_R) {
    p->U = p->V_reset;
  } else {
    p->U = p->v_reset_frac * v_old + p->v_reset_add;
    p->th_spike = p->th_spike * p->th_spike_refr_rate + p->th_spike_add;
    p->threshold = p->th_spike + p->th_v + p->th_inf;
  }
  return true;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)tid;
  glif *m = pv;
  const ptrdiff_t stride = ch1 ? ch1 - ch0 : 0;
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    glif_neuron *p = &m->N[i];
    if (p->refr == 0) {
      if (integrate(p)) fired[nf++] = (uint32_t)i;
    } else {
      p->refr--;
      p->threshold = p->th_spike + p->th_v + p->th_inf;
    }
    for (int k = 0; k < p->nports; k++) {
      double *in = ch0 + k * stride + i;
      p->y2[k] = p->P21[k] * p->y1[k] + p->P11[k] * p->y2[k];
      p->y1[k] = p->y1[k] * p->P11[k] + p->psc0[k] * *in;
      *in = 0.0;
    }
    p->I = i_stim[i];
  }
  return nf;
}

static int nports(const void *pv, size_t i) { return ((const glif *)pv)->N[i].nports; }

static double v_m(const void *pv, size_t i) {
  const glif_neuron *p = &((const glif *)pv)->N[i];
  return p->U + p->E_L;
}

/* NEST's recordables of glif_psc, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "ASCurrents_sum", "I_syn", "threshold", NULL};

static double record(const void *pv, size_t i, int var) {
  const glif_neuron *p = &((const glif *)pv)->N[i];
  switch (var) {
  case 1: return p->asc_sum;
  case 2: return p->I_syn;
  case 3: return p->threshold + p->E_L;
  default: return p->U + p->E_L;
  }
}

const cz_model_kind cz_glif_psc = {.name = "glif_psc", .param_names = k_params, .split_sign = false, .create = create,
                                   .set_params = set_params, .update = update, .v_m = v_m,
                                   .recordables = k_recordables, .record = record, .nports = nports,
                                   .destroy = destroy};
