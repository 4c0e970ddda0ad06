#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pointnet/models/model.h"

extern const cz_model_kind cz_iaf_psc_delta, cz_iaf_psc_alpha, cz_iaf_psc_exp, cz_iaf_cond_alpha, cz_iaf_cond_exp,
    cz_aeif_cond_alpha, cz_aeif_cond_exp, cz_izhikevich, cz_glif_psc, cz_glif_cond, cz_hh_psc_alpha, cz_glif_lif_psc,
    cz_glif_lif_r_psc, cz_glif_lif_asc_psc, cz_glif_lif_r_asc_psc, cz_glif_lif_r_asc_a_psc;

static const cz_model_kind *const k_kinds[] = {&cz_iaf_psc_delta,  &cz_iaf_psc_alpha,   &cz_iaf_psc_exp,
                                               &cz_iaf_cond_alpha, &cz_iaf_cond_exp,    &cz_aeif_cond_alpha,
                                               &cz_aeif_cond_exp,  &cz_izhikevich,     &cz_glif_psc,
                                               &cz_glif_cond,      &cz_hh_psc_alpha,   &cz_glif_lif_psc,
                                               &cz_glif_lif_r_psc, &cz_glif_lif_asc_psc, &cz_glif_lif_r_asc_psc,
                                               &cz_glif_lif_r_asc_a_psc};
enum { NKINDS = sizeof k_kinds / sizeof k_kinds[0] };

const char *cz_model_known_names(void) {
  return "nest:iaf_psc_delta, nest:iaf_psc_alpha, nest:iaf_psc_exp, nest:iaf_cond_alpha, nest:iaf_cond_exp, "
         "nest:aeif_cond_alpha, nest:aeif_cond_exp, nest:izhikevich, nest:glif_psc, nest:glif_cond, "
         "nest:hh_psc_alpha, nest:glif_lif_psc, nest:glif_lif_r_psc, nest:glif_lif_asc_psc, nest:glif_lif_r_asc_psc, "
         "nest:glif_lif_r_asc_a_psc";
}

cz_status cz_model_lookup(const char *template_str, const cz_model_kind **out) {
  const char *colon = strchr(template_str, ':');
  CZ_CHECK(colon && (size_t)(colon - template_str) == 4 && strncmp(template_str, "nest", 4) == 0, CZ_ERR_CONFIG,
           "model_template '%s' is not a NEST model (expected 'nest:<model>'; known: %s)", template_str,
           cz_model_known_names());
  for (size_t k = 0; k < NKINDS; k++) {
    if (strcmp(colon + 1, k_kinds[k]->name) == 0) {
      *out = k_kinds[k];
      return CZ_OK;
    }
  }
  return CZ_ERROR(CZ_ERR_CONFIG, "unknown model '%s' in model_template '%s' (known: %s)", colon + 1, template_str,
                  cz_model_known_names());
}

int32_t cz_model_refractory_steps(double t_ref_ms, double h_ms) {
  /* round() is llround() without the integer conversion, which overflows for huge t_ref. */
  const double tics = round(t_ref_ms * 1000.0);
  const double tics_per_step = round(h_ms * 1000.0);
  const double steps = ceil(tics / tics_per_step);
  if (!(steps >= 0)) return 0;
  return steps < (double)INT32_MAX ? (int32_t)steps : INT32_MAX; /* longer than a run can be */
}

int cz_model_recordable(const cz_model_kind *kind, const char *name) {
  for (int k = 0; kind->recordables && kind->recordables[k]; k++)
    if (strcmp(kind->recordables[k], name) == 0) return k;
  return -1;
}

bool cz_named_lookup(const cz_named_value *v, size_t n, const char *name, double *out) {
  for (size_t k = 0; k < n; k++)
    if (strcmp(v[k].name, name) == 0) {
      *out = v[k].value;
      return true;
    }
  return false;
}

bool cz_named_list_lookup(const char *key, const double *list, int len, const char *name, double *out) {
  const size_t nk = strlen(key);
  if (strncmp(name, key, nk) != 0 || name[nk] != '[') return false;
  char *end = NULL;
  const long k = strtol(name + nk + 1, &end, 10);
  if (end == name + nk + 1 || strcmp(end, "]") != 0 || k < 0 || k >= len) return false;
  *out = list[k];
  return true;
}
