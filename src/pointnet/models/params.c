#include "pointnet/models/params.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

static const char *file_of(const cz_param_src *src) { return src->file ? src->file : "(no dynamics_params file)"; }

cz_status cz_param_number(const cz_param_src *src, const char *key, double dflt, double *v, bool *given,
                          const char *where) {
  double x;
  if (given) *given = false;
  *v = dflt;
  if (src->override && src->override(src->ctx, key, &x)) {
    CZ_CHECK(isfinite(x), CZ_ERR_CONFIG, "%s: dynamics_params/%s is not a finite number (%g)", where, key, x);
    *v = x;
    if (given) *given = true;
    return CZ_OK;
  }
  const cJSON *item = src->dict ? cJSON_GetObjectItemCaseSensitive(src->dict, key) : NULL;
  if (!item) return CZ_OK;
  CZ_CHECK(cJSON_IsNumber(item) || cJSON_IsBool(item), CZ_ERR_CONFIG, "%s: parameter \"%s\" in %s must be a number",
           where, key, file_of(src));
  x = cJSON_IsBool(item) ? (cJSON_IsTrue(item) ? 1.0 : 0.0) : item->valuedouble;
  CZ_CHECK(isfinite(x), CZ_ERR_CONFIG, "%s: parameter \"%s\" in %s is not finite", where, key, file_of(src));
  *v = x;
  if (given) *given = true;
  return CZ_OK;
}

cz_status cz_param_bool(const cz_param_src *src, const char *key, bool dflt, bool *v, const char *where) {
  double x;
  bool given;
  CZ_TRY(cz_param_number(src, key, dflt ? 1.0 : 0.0, &x, &given, where));
  *v = x != 0.0;
  return CZ_OK;
}

cz_status cz_param_check_known(const cz_param_src *src, const char *const *names, const char *model,
                               const char *where) {
  if (!src->dict) return CZ_OK;
  const cJSON *item = NULL;
  cJSON_ArrayForEach(item, src->dict) {
    /* Every NEST neuron archives its spikes for STDP and takes the trace time constants. */
    bool known = item->string && (strcmp(item->string, "tau_minus") == 0 || strcmp(item->string, "tau_minus_triplet") == 0);
    for (size_t k = 0; names[k]; k++)
      if (item->string && strcmp(item->string, names[k]) == 0) known = true;
    if (!known) {
      char list[1024] = "";
      for (size_t k = 0; names[k]; k++) {
        strncat(list, names[k], sizeof list - strlen(list) - 1);
        if (names[k + 1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
      }
      return CZ_ERROR(CZ_ERR_CONFIG,
                      "%s: %s has parameter \"%s\", which %s does not have (it has: %s, tau_minus, tau_minus_triplet)",
                      where,
                      file_of(src), item->string ? item->string : "?", model, list);
    }
  }
  return CZ_OK;
}
