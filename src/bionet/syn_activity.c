#include "bionet/syn_activity.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static cz_status read_times(const cJSON *j, const char *where, cz_bio_spont *s) {
  const size_t n = cJSON_IsArray(j) ? (size_t)cJSON_GetArraySize(j) : 1;
  CZ_CHECK(cJSON_IsNumber(j) || (cJSON_IsArray(j) && n > 0), CZ_ERR_CONFIG,
           "%s.timestamps must be a number or a list of numbers (ms)", where);
  CZ_NEW(s->times, n);
  for (size_t k = 0; k < n; k++) {
    const cJSON *t = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, (int)k) : j;
    CZ_CHECK(cJSON_IsNumber(t) && isfinite(t->valuedouble) && t->valuedouble >= 0, CZ_ERR_CONFIG,
             "%s.timestamps: item %zu is not a time >= 0 ms", where, k);
    s->times[k] = t->valuedouble;
  }
  s->n = n;
  bool sorted = true;
  for (size_t k = 1; k < n; k++) sorted &= s->times[k - 1] <= s->times[k];
  if (!sorted) {
    cz_log_warn("%s.timestamps are not in ascending order; they are played sorted", where);
    qsort(s->times, n, sizeof *s->times, cmp_double);
  }
  return CZ_OK;
}

cz_status cz_bio_spont_read(const cz_config *cfg, cz_bio_spont *out) {
  memset(out, 0, sizeof *out);
  const cz_cfg_block *last = NULL;
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled || !b->input_type || strcmp(b->input_type, "syn_activity") != 0) continue;
    if (last) cz_log_warn("%s: inputs.%s replaces inputs.%s: the last syn_activity block counts, as in BMTK",
                          b->file ? b->file : cfg->path, b->name, last->name);
    last = b;
  }
  if (!last) return CZ_OK;
  CZ_TRY(cz_asprintf(&out->where, "%s: inputs.%s", last->file ? last->file : cfg->path, last->name));
  out->filter = cJSON_GetObjectItemCaseSensitive(last->json, "precell_filter");
  CZ_CHECK(cJSON_IsObject(out->filter) && out->filter->child, CZ_ERR_CONFIG,
           "%s.precell_filter must be an object of node attributes", out->where);
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(last->json, "timestamps");
  CZ_CHECK(t, CZ_ERR_CONFIG, "%s: missing key timestamps", out->where);
  CZ_TRY(read_times(t, out->where, out));
  out->active = true;
  return CZ_OK;
}

void cz_bio_spont_free(cz_bio_spont *s) {
  free(s->times);
  free(s->where);
  memset(s, 0, sizeof *s);
}

/* Whether an attribute value equals one filter value (a string or a number). */
static bool equal(const cz_value *v, const cJSON *f) {
  if (cJSON_IsString(f)) return v->kind == CZ_VAL_STR && strcmp(v->str, f->valuestring) == 0;
  if (cJSON_IsNumber(f)) return v->kind == CZ_VAL_NUM && v->num == f->valuedouble;
  if (cJSON_IsBool(f)) return v->kind == CZ_VAL_NUM && v->num == (cJSON_IsTrue(f) ? 1.0 : 0.0);
  return false;
}

cz_status cz_bio_spont_matches(const cz_bio_spont *s, const cz_node_pop *p, size_t row, bool *match) {
  *match = true;
  for (const cJSON *f = s->filter->child; f && *match; f = f->next) {
    const cz_value v = cz_circuit_node_attr(p, row, f->string);
    CZ_CHECK(v.kind != CZ_VAL_NULL, CZ_ERR_CONFIG, "%s.precell_filter: node %llu of population %s has no attribute %s",
             s->where, (unsigned long long)cz_node_id(p, row), p->name, f->string);
    bool any = false;
    if (cJSON_IsArray(f))
      for (const cJSON *item = f->child; item && !any; item = item->next) any = equal(&v, item);
    else any = equal(&v, f);
    *match = any;
  }
  return CZ_OK;
}
