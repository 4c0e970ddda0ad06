#include "pointnet/models/glif_common.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "pointnet/models/model.h"

cz_status cz_glif_number_list(const cz_param_src *src, const char *key, const double *dflt, int ndflt, int cap,
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

/* The after-spike currents' initial values. NEST builds them from the default asc_init when it
 * constructs the neuron, so an asc_init given later does not reach them, and it steps as many
 * currents as they hold (two) unless ASCurrents, the state itself, is given. */
static cz_status initial_asc(const cz_param_src *src, cz_glif_mech *p, const double *init0, const char *where) {
  int n = 0;
  CZ_TRY(cz_glif_number_list(src, "ASCurrents", init0, 2, CZ_GLIF_MAX_ASC, p->asc, &n, where));
  CZ_CHECK(n == p->nasc, CZ_ERR_CONFIG,
           "%s: %d after-spike currents (asc_decay) need ASCurrents with as many initial values (NEST starts "
           "from its 2 default ones)",
           where, p->nasc);
  return CZ_OK;
}

/* The spike and voltage components of the threshold start at 0 unless given, and only the
 * levels that have them take them. */
static cz_status initial_threshold(const cz_param_src *src, cz_glif_mech *p, const char *where) {
  bool given = false;
  CZ_TRY(cz_param_number(src, "threshold_spike", 0.0, &p->th_spike, &given, where));
  CZ_CHECK(!given || p->has_R, CZ_ERR_CONFIG, "%s: threshold_spike needs spike_dependent_threshold", where);
  CZ_TRY(cz_param_number(src, "threshold_voltage", 0.0, &p->th_v, &given, where));
  CZ_CHECK(!given || p->has_A, CZ_ERR_CONFIG, "%s: threshold_voltage needs adapting_threshold", where);
  return CZ_OK;
}

static cz_status read_asc(const cz_param_src *src, cz_glif_mech *p, double *asc_r, const char *where) {
  static const double init0[] = {0, 0}, decay0[] = {0.003, 0.1}, amps0[] = {-9.18, -198.94}, r0[] = {1, 1};
  double init[CZ_GLIF_MAX_ASC], decay[CZ_GLIF_MAX_ASC];
  int ni, nd, na, nr;
  CZ_TRY(cz_glif_number_list(src, "asc_init", init0, 2, CZ_GLIF_MAX_ASC, init, &ni, where));
  CZ_TRY(cz_glif_number_list(src, "asc_decay", decay0, 2, CZ_GLIF_MAX_ASC, decay, &nd, where));
  CZ_TRY(cz_glif_number_list(src, "asc_amps", amps0, 2, CZ_GLIF_MAX_ASC, p->asc_amps, &na, where));
  CZ_TRY(cz_glif_number_list(src, "asc_r", r0, 2, CZ_GLIF_MAX_ASC, asc_r, &nr, where));
  p->nasc_given = nd;
  memcpy(p->asc_k, decay, (size_t)nd * sizeof *decay);
  memcpy(p->asc_init, init, (size_t)(ni < nd ? ni : nd) * sizeof *init);
  memcpy(p->asc_r, asc_r, (size_t)(nr < nd ? nr : nd) * sizeof *asc_r);
  if (!p->has_ASC) {
    const cJSON *given = src->dict ? cJSON_GetObjectItemCaseSensitive(src->dict, "ASCurrents") : NULL;
    CZ_CHECK(!given, CZ_ERR_CONFIG, "%s: ASCurrents needs after_spike_currents", where);
    return CZ_OK;
  }
  CZ_CHECK(ni == nd && na == nd && nr == nd, CZ_ERR_CONFIG,
           "%s: asc_init, asc_decay, asc_amps and asc_r must have the same length", where);
  p->nasc = nd;
  for (int a = 0; a < nd; a++) {
    CZ_CHECK(decay[a] > 0, CZ_ERR_CONFIG, "%s: asc_decay values must be > 0", where);
    CZ_CHECK(asc_r[a] >= 0 && asc_r[a] <= 1, CZ_ERR_CONFIG, "%s: asc_r values must be within [0, 1]", where);
    p->asc_decay_rate[a] = decay[a]; /* the rate; turned into step constants below */
  }
  return initial_asc(src, p, init0, where);
}

/* NEST's pre-run constants for step h. asc_decay_rate holds the rates k on entry. */
static void step_constants(cz_glif_mech *p, const double *asc_r, double h) {
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

/* The membrane conductance: "g", or NEST's newer name "g_m" (not both). */
static cz_status read_g(const cz_param_src *src, double *G, const char *where) {
  bool g_given = false, gm_given = false;
  double gm;
  CZ_TRY(cz_param_number(src, "g", 9.43, G, &g_given, where));
  CZ_TRY(cz_param_number(src, "g_m", 9.43, &gm, &gm_given, where));
  CZ_CHECK(!(g_given && gm_given), CZ_ERR_CONFIG, "%s: give the membrane conductance as g or as g_m, not both", where);
  if (gm_given) *G = gm;
  return CZ_OK;
}

cz_status cz_glif_mech_read(const cz_param_src *src, double h, cz_glif_mech *p, const char *where) {
  memset(p, 0, sizeof *p);
  CZ_TRY(cz_param_number(src, "E_L", -78.85, &p->E_L, NULL, where));
  CZ_TRY(relative_voltage(src, "V_reset", 0.0, p->E_L, &p->V_reset, where));
  CZ_TRY(relative_voltage(src, "V_th", -51.68 - -78.85, p->E_L, &p->th_inf, where));
  CZ_TRY(relative_voltage(src, "V_m", 0.0, p->E_L, &p->U, where));
  CZ_TRY(read_g(src, &p->G, where));
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
  double asc_r[CZ_GLIF_MAX_ASC];
  CZ_TRY(read_asc(src, p, asc_r, where));
  CZ_CHECK(p->V_reset < p->th_inf, CZ_ERR_CONFIG, "%s: V_reset must be below V_th", where);
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(p->G > 0, CZ_ERR_CONFIG, "%s: membrane conductance g must be > 0 (got %g)", where, p->G);
  CZ_CHECK(p->t_ref > 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be > 0 (got %g)", where, p->t_ref);
  CZ_CHECK(!p->has_A || p->th_v_decay > 0, CZ_ERR_CONFIG, "%s: th_voltage_decay must be > 0", where);
  CZ_CHECK(!p->has_R || p->th_spike_decay > 0, CZ_ERR_CONFIG, "%s: th_spike_decay must be > 0", where);
  CZ_CHECK(!p->has_R || (p->v_reset_frac >= 0 && p->v_reset_frac <= 1), CZ_ERR_CONFIG,
           "%s: voltage_reset_fraction must be within [0, 1]", where);
  CZ_TRY(initial_threshold(src, p, where));
  step_constants(p, asc_r, h);
  p->refr_counts = cz_model_refractory_steps(p->t_ref, h);
  p->threshold = p->th_spike + p->th_v + p->th_inf;
  for (int a = 0; a < p->nasc; a++) p->asc_sum += p->asc[a];
  return CZ_OK;
}

bool cz_glif_mech_get(const cz_glif_mech *p, const char *name, double *out) {
  const double E_L = p->E_L;
  const cz_named_value v[] = {{"V_m", p->U + E_L},
                              {"E_L", E_L},
                              {"V_th", p->th_inf + E_L},
                              {"V_reset", p->V_reset + E_L},
                              {"g", p->G},
                              {"g_m", p->G},
                              {"C_m", p->C_m},
                              {"t_ref", p->t_ref},
                              {"th_spike_add", p->th_spike_add},
                              {"th_spike_decay", p->th_spike_decay},
                              {"voltage_reset_fraction", p->v_reset_frac},
                              {"voltage_reset_add", p->v_reset_add},
                              {"th_voltage_index", p->th_v_index},
                              {"th_voltage_decay", p->th_v_decay},
                              {"spike_dependent_threshold", p->has_R},
                              {"after_spike_currents", p->has_ASC},
                              {"adapting_threshold", p->has_A},
                              {"threshold", p->threshold + E_L},
                              {"threshold_spike", p->th_spike},
                              {"threshold_voltage", p->th_v},
                              {"ASCurrents_sum", p->asc_sum}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out) ||
         cz_named_list_lookup("asc_init", p->asc_init, p->nasc_given, name, out) ||
         cz_named_list_lookup("asc_decay", p->asc_k, p->nasc_given, name, out) ||
         cz_named_list_lookup("asc_amps", p->asc_amps, p->nasc_given, name, out) ||
         cz_named_list_lookup("asc_r", p->asc_r, p->nasc_given, name, out) ||
         cz_named_list_lookup("ASCurrents", p->asc, p->has_ASC ? p->nasc : 2, name, out);
}

void cz_glif_before_v(cz_glif_mech *p) {
  if (p->has_R) p->th_spike *= p->th_spike_rate;
  p->asc_sum = 0.0;
  for (int a = 0; a < p->nasc; a++) {
    p->asc_sum += p->asc_stable[a] * p->asc[a];
    p->asc[a] *= p->asc_decay_rate[a];
  }
}

bool cz_glif_after_v(cz_glif_mech *p, double v_old, double I) {
  if (p->has_A) {
    const double beta = (I + p->asc_sum) / p->G;
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
