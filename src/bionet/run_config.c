#include "bionet/run_config.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

/* A finite number at section.key: *present false when absent (and not required). */
static cz_status number_at(const cz_cfg_section_ref *sec, const char *section, const char *key, bool required,
                           bool *present, double *out) {
  const cJSON *v = sec->json ? cJSON_GetObjectItemCaseSensitive(sec->json, key) : NULL;
  *present = v != NULL;
  if (!v) {
    CZ_CHECK(!required, CZ_ERR_CONFIG, "config: missing key \"%s.%s\" in %s (BMTK needs it too)", section, key,
             sec->file);
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_CONFIG, "config: %s.%s: must be a finite number in %s",
           section, key, sec->file);
  *out = v->valuedouble;
  return CZ_OK;
}

static cz_status read_dL(const cz_cfg_section_ref *run, double *dL) {
  const cJSON *v = run->json ? cJSON_GetObjectItemCaseSensitive(run->json, "dL") : NULL;
  *dL = 20.0;
  if (!v) return CZ_OK;
  if (cJSON_IsNull(v)) {
    *dL = 0;
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0, CZ_ERR_CONFIG,
           "config: run.dL: must be a positive number of µm (or null for one segment per section) in %s", run->file);
  *dL = v->valuedouble;
  return CZ_OK;
}

static cz_status read_units(const cz_cfg_section_ref *run, cz_bio_units_choice choice, const cz_units **units) {
  *units = choice == CZ_BIO_UNITS_LEGACY ? &cz_units_legacy : &cz_units_modern;
  const cJSON *v = run->json ? cJSON_GetObjectItemCaseSensitive(run->json, "nrn_units") : NULL;
  if (!v || choice != CZ_BIO_UNITS_CONFIG) return CZ_OK;
  CZ_CHECK(cJSON_IsString(v) && (strcmp(v->valuestring, "legacy") == 0 || strcmp(v->valuestring, "modern") == 0),
           CZ_ERR_CONFIG, "config: run.nrn_units: must be \"modern\" or \"legacy\" in %s", run->file);
  if (strcmp(v->valuestring, "legacy") == 0) *units = &cz_units_legacy;
  return CZ_OK;
}

cz_status cz_bio_run_config_read(const cz_config *cfg, cz_bio_units_choice units, cz_bio_run_config *out) {
  bool have = false;
  CZ_TRY(number_at(&cfg->conditions, "conditions", "celsius", true, &have, &out->celsius));
  CZ_TRY(number_at(&cfg->conditions, "conditions", "v_init", true, &have, &out->v_init));
  out->spike_threshold = -15.0;
  CZ_TRY(number_at(&cfg->run_section, "run", "spike_threshold", false, &have, &out->spike_threshold));
  CZ_TRY(read_dL(&cfg->run_section, &out->dL));
  return read_units(&cfg->run_section, units, &out->units);
}
