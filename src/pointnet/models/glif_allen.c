#include "pointnet/models/glif_allen.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "pointnet/models/glif_common.h"

/* Every field of an Allen GLIF model file. */
static const char *const k_allen_keys[] = {
    "El_reference", "C",  "asc_amp_array", "init_threshold", "threshold_reset_method", "th_inf",
    "spike_cut_length", "init_AScurrents", "init_voltage", "threshold_dynamics_method", "voltage_reset_method",
    "extrapolation_method_name", "dt", "voltage_dynamics_method", "El", "asc_tau_array", "R_input",
    "AScurrent_dynamics_method", "AScurrent_reset_method", "dt_multiplier", "th_adapt", "coeffs", "type", NULL};

/* BMTK's receptor ports of the converted models. */
static const double k_tau_syn[] = {5.5, 8.5, 2.8, 5.8};

bool cz_glif_allen_is(const cJSON *dict) {
  const cJSON *t = dict ? cJSON_GetObjectItemCaseSensitive(dict, "type") : NULL;
  return cJSON_IsString(t) && strcmp(t->valuestring, "GLIF") == 0;
}

typedef struct conv_ctx {
  const cJSON *dict;
  const char *file, *where;
} conv_ctx;

/* The object at dict[outer] (or dict itself when outer is NULL), then [mid] when mid is given. */
static cz_status object_at(const conv_ctx *c, const char *outer, const char *mid, const cJSON **out) {
  const cJSON *o = outer ? cJSON_GetObjectItemCaseSensitive(c->dict, outer) : c->dict;
  if (o && mid) o = cJSON_GetObjectItemCaseSensitive(o, mid);
  CZ_CHECK(cJSON_IsObject(o), CZ_ERR_CONFIG, "%s: the Allen GLIF file %s has no object %s%s%s", c->where, c->file,
           outer ? outer : "", mid ? "/" : "", mid ? mid : "");
  *out = o;
  return CZ_OK;
}

/* The number at [outer/[mid/]]key. */
static cz_status number_at(const conv_ctx *c, const char *outer, const char *mid, const char *key, double *v) {
  const cJSON *o = c->dict;
  *v = 0.0;
  if (outer) CZ_TRY(object_at(c, outer, mid, &o));
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
  CZ_CHECK(cJSON_IsNumber(x) && isfinite(x->valuedouble), CZ_ERR_CONFIG,
           "%s: the Allen GLIF file %s needs a number at %s%s%s%s%s", c->where, c->file, outer ? outer : "",
           outer ? "/" : "", mid ? mid : "", mid ? "/" : "", key);
  *v = x->valuedouble;
  return CZ_OK;
}

/* The list of numbers at [outer/]key, at most CZ_GLIF_MAX_ASC long. */
static cz_status list_at(const conv_ctx *c, const char *outer, const char *key, double *v, int *n) {
  const cJSON *o = c->dict;
  *n = 0;
  if (outer) CZ_TRY(object_at(c, outer, NULL, &o));
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
  CZ_CHECK(cJSON_IsArray(x) && cJSON_GetArraySize(x) <= CZ_GLIF_MAX_ASC, CZ_ERR_CONFIG,
           "%s: the Allen GLIF file %s needs a list of at most %d numbers at %s%s%s", c->where, c->file,
           CZ_GLIF_MAX_ASC, outer ? outer : "", outer ? "/" : "", key);
  *n = 0;
  const cJSON *e = NULL;
  cJSON_ArrayForEach(e, x) {
    CZ_CHECK(cJSON_IsNumber(e) && isfinite(e->valuedouble), CZ_ERR_CONFIG,
             "%s: %s%s%s in the Allen GLIF file %s holds something that is not a number", c->where,
             outer ? outer : "", outer ? "/" : "", key, c->file);
    v[(*n)++] = e->valuedouble;
  }
  return CZ_OK;
}

static cz_status check_fields(const conv_ctx *c) {
  const cJSON *item = NULL;
  cJSON_ArrayForEach(item, c->dict) {
    bool known = false;
    for (size_t k = 0; k_allen_keys[k] && !known; k++) known = item->string && strcmp(item->string, k_allen_keys[k]) == 0;
    CZ_CHECK(known, CZ_ERR_CONFIG, "%s: the Allen GLIF file %s has the field \"%s\", which the GLIF format does not have",
             c->where, c->file, item->string ? item->string : "?");
  }
  return CZ_OK;
}

static bool add_number(cJSON *o, const char *key, double v) { return cJSON_AddNumberToObject(o, key, v) != NULL; }

static bool add_list(cJSON *o, const char *key, const double *v, int n) {
  cJSON *a = cJSON_CreateDoubleArray(v, n);
  return a && cJSON_AddItemToObject(o, key, a);
}

/* The parameters every level has. */
static cz_status convert_common(const conv_ctx *c, cJSON *o) {
  double c_th_inf, th_inf, El_ref, c_G, R_input, El, c_C, C, cut, dt;
  CZ_TRY(number_at(c, "coeffs", NULL, "th_inf", &c_th_inf));
  CZ_TRY(number_at(c, NULL, NULL, "th_inf", &th_inf));
  CZ_TRY(number_at(c, NULL, NULL, "El_reference", &El_ref));
  CZ_TRY(number_at(c, "coeffs", NULL, "G", &c_G));
  CZ_TRY(number_at(c, NULL, NULL, "R_input", &R_input));
  CZ_TRY(number_at(c, NULL, NULL, "El", &El));
  CZ_TRY(number_at(c, "coeffs", NULL, "C", &c_C));
  CZ_TRY(number_at(c, NULL, NULL, "C", &C));
  CZ_TRY(number_at(c, NULL, NULL, "spike_cut_length", &cut));
  CZ_TRY(number_at(c, NULL, NULL, "dt", &dt));
  const bool ok = add_number(o, "V_th", c_th_inf * th_inf * 1.0e03 + El_ref * 1.0e03) &&
                  add_number(o, "g", c_G / R_input * 1.0e09) && add_number(o, "E_L", El * 1.0e03 + El_ref * 1.0e03) &&
                  add_number(o, "C_m", c_C * C * 1.0e12) && add_number(o, "t_ref", cut * dt * 1.0e03) &&
                  add_list(o, "tau_syn", k_tau_syn, 4) &&
                  cJSON_AddStringToObject(o, "V_dynamics_method", "linear_exact") != NULL;
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory converting %s", c->file);
  return CZ_OK;
}

static cz_status convert_reset(const conv_ctx *c, cz_glif_level level, cJSON *o) {
  bool ok;
  if (!level.r) {
    double El_ref;
    CZ_TRY(number_at(c, NULL, NULL, "El_reference", &El_ref));
    ok = add_number(o, "V_reset", El_ref * 1.0e03);
  } else {
    double a_spike, b_spike, a, b;
    CZ_TRY(number_at(c, "threshold_dynamics_method", "params", "a_spike", &a_spike));
    CZ_TRY(number_at(c, "threshold_dynamics_method", "params", "b_spike", &b_spike));
    CZ_TRY(number_at(c, "voltage_reset_method", "params", "a", &a));
    CZ_TRY(number_at(c, "voltage_reset_method", "params", "b", &b));
    ok = add_number(o, "a_spike", a_spike * 1.0e03) && add_number(o, "b_spike", b_spike * 1.0e-03) &&
         add_number(o, "a_reset", a) && add_number(o, "b_reset", b * 1.0e03);
  }
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory converting %s", c->file);
  return CZ_OK;
}

static cz_status convert_asc(const conv_ctx *c, cJSON *o) {
  double init[CZ_GLIF_MAX_ASC], tau[CZ_GLIF_MAX_ASC], amp[CZ_GLIF_MAX_ASC], coef[CZ_GLIF_MAX_ASC];
  double k[CZ_GLIF_MAX_ASC];
  int ni, nt, na, nc;
  CZ_TRY(list_at(c, NULL, "init_AScurrents", init, &ni));
  CZ_TRY(list_at(c, NULL, "asc_tau_array", tau, &nt));
  CZ_TRY(list_at(c, NULL, "asc_amp_array", amp, &na));
  CZ_TRY(list_at(c, "coeffs", "asc_amp_array", coef, &nc));
  CZ_CHECK(ni == nt && na == nt && nc == nt, CZ_ERR_CONFIG,
           "%s: init_AScurrents, asc_tau_array, asc_amp_array and coeffs/asc_amp_array of the Allen GLIF file %s "
           "must have the same length",
           c->where, c->file);
  for (int j = 0; j < nt; j++) {
    CZ_CHECK(tau[j] > 0, CZ_ERR_CONFIG, "%s: asc_tau_array of the Allen GLIF file %s must hold values > 0", c->where,
             c->file);
    init[j] = init[j] * 1.0e12;
    k[j] = 1.0 / tau[j] * 1.0e-03;
    amp[j] = amp[j] * coef[j] * 1.0e12;
  }
  const bool ok = add_list(o, "asc_init", init, nt) && add_list(o, "k", k, nt) && add_list(o, "asc_amps", amp, nt);
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory converting %s", c->file);
  return CZ_OK;
}

static cz_status convert_voltage_threshold(const conv_ctx *c, cJSON *o) {
  double a_v, b_v, c_a, c_b;
  CZ_TRY(number_at(c, "threshold_dynamics_method", "params", "a_voltage", &a_v));
  CZ_TRY(number_at(c, "threshold_dynamics_method", "params", "b_voltage", &b_v));
  CZ_TRY(number_at(c, "coeffs", NULL, "a", &c_a));
  CZ_TRY(number_at(c, "coeffs", NULL, "b", &c_b));
  const bool ok = add_number(o, "a_voltage", a_v * c_a * 1.0e-03) && add_number(o, "b_voltage", b_v * c_b * 1.0e-03);
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory converting %s", c->file);
  return CZ_OK;
}

cz_status cz_glif_allen_convert(const cJSON *dict, cz_glif_level level, const char *file, const char *where,
                                cJSON **out) {
  const conv_ctx c = {dict, file ? file : "(no dynamics_params file)", where};
  CZ_TRY(check_fields(&c));
  cJSON *o = cJSON_CreateObject();
  CZ_CHECK(o != NULL, CZ_ERR_NOMEM, "out of memory converting %s", c.file);
  cz_status st = convert_common(&c, o);
  if (st == CZ_OK) st = convert_reset(&c, level, o);
  if (st == CZ_OK && level.asc) st = convert_asc(&c, o);
  if (st == CZ_OK && level.a) st = convert_voltage_threshold(&c, o);
  if (st != CZ_OK) {
    cJSON_Delete(o);
    return st;
  }
  *out = o;
  return CZ_OK;
}
