#include "pointnet/weight_recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/config.h"

static bool is_weight_recorder(const cz_cfg_block *b) { return b->module && strcmp(b->module, "weight_recorder") == 0; }

static cz_status string_key(const cz_config *cfg, const cz_cfg_block *b, const char *key, const char **out) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  CZ_CHECK(cJSON_IsString(j) && j->valuestring[0], CZ_ERR_CONFIG, "%s: reports.%s.%s is missing or not a string",
           cfg->path, b->name, key);
  *out = j->valuestring;
  return CZ_OK;
}

/* BMTK's rule: an absolute file_name is kept, a relative one goes under output_dir unless it
 * already points inside it. */
static cz_status output_path(const cz_config *cfg, const char *report, const char *name, char **out) {
  char key[512];
  snprintf(key, sizeof key, "reports.%s.file_name", report);
  CZ_TRY(cz_cfg_check_output_name(cfg, key, name));
  if (cz_path_is_absolute(name)) return cz_path_join(NULL, name, out);
  char *abs = NULL;
  CZ_TRY(cz_path_absolute(name, &abs));
  const size_t n = strlen(cfg->output_dir);
  if (strncmp(abs, cfg->output_dir, n) == 0 && abs[n] == '/') {
    *out = abs;
    return CZ_OK;
  }
  free(abs);
  return cz_path_join(cfg->output_dir, name, out);
}

static cz_status check_output(const cz_config *cfg, const cz_wrecs *w, const cz_wrec *r) {
  CZ_CHECK(cfg->overwrite_output_dir || !cz_path_exists(r->path), CZ_ERR_OUTPUT,
           "output file %s already exists; set output.overwrite_output_dir to true to replace it, or choose another "
           "folder with --output-dir",
           r->path);
  char key[512];
  snprintf(key, sizeof key, "reports.%s", r->name);
  CZ_TRY(cz_cfg_check_output_file(cfg, key, r->path));
  for (size_t i = 0; i < w->n; i++) {
    CZ_CHECK(strcmp(w->r[i].path, r->path) != 0, CZ_ERR_CONFIG, "%s: reports.%s and reports.%s both write %s",
             cfg->path, w->r[i].name, r->name, r->path);
    CZ_CHECK(strcmp(w->r[i].model_template, r->model_template) != 0, CZ_ERR_CONFIG,
             "%s: reports.%s and reports.%s both define the synapse model %s", cfg->path, w->r[i].name, r->name,
             r->model_template);
  }
  return CZ_OK;
}

static cz_status parse_one(const cz_config *cfg, const cz_cfg_block *b, cz_wrecs *w) {
  const char *model = NULL, *tmpl = NULL, *file = NULL;
  CZ_TRY(string_key(cfg, b, "nest_model", &model));
  CZ_TRY(string_key(cfg, b, "model_template", &tmpl));
  CZ_TRY(string_key(cfg, b, "file_name", &file));
  char where[512];
  snprintf(where, sizeof where, "%s: reports.%s.nest_model", cfg->path, b->name);
  cz_wrec r = {NULL, NULL, CZ_SYN_STATIC, NULL};
  CZ_TRY(cz_syn_rule_of(model, where, &r.rule));
  cz_syn_rule builtin;
  cz_status known = cz_syn_rule_of(tmpl, where, &builtin);
  if (known != CZ_OK) cz_error_clear();
  CZ_CHECK(known != CZ_OK, CZ_ERR_CONFIG,
           "%s: reports.%s.model_template '%s' is a built-in synapse model; the recorded copy needs a new name",
           cfg->path, b->name, tmpl);
  cz_status st = cz_strdup(b->name, &r.name);
  if (st == CZ_OK) st = cz_strdup(tmpl, &r.model_template);
  if (st == CZ_OK) st = output_path(cfg, b->name, file, &r.path);
  if (st == CZ_OK) st = check_output(cfg, w, &r);
  cz_wrec *grown = st == CZ_OK ? realloc(w->r, (w->n + 1) * sizeof *grown) : NULL;
  if (st == CZ_OK && !grown) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st != CZ_OK) {
    free(r.name);
    free(r.model_template);
    free(r.path);
    return st;
  }
  w->r = grown;
  w->r[w->n++] = r;
  return CZ_OK;
}

cz_status cz_wrecs_parse(const cz_config *cfg, cz_wrecs *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (!b->enabled || !is_weight_recorder(b)) continue;
    cz_status st = parse_one(cfg, b, out);
    if (st != CZ_OK) {
      cz_wrecs_free(out);
      return st;
    }
  }
  return CZ_OK;
}

bool cz_wrecs_in_config(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++)
    if (cfg->reports[i].enabled && is_weight_recorder(&cfg->reports[i])) return true;
  return false;
}

void cz_wrecs_free(cz_wrecs *w) {
  for (size_t i = 0; i < w->n; i++) {
    free(w->r[i].name);
    free(w->r[i].model_template);
    free(w->r[i].path);
  }
  free(w->r);
  memset(w, 0, sizeof *w);
}

cz_status cz_wrecs_resolve(const cz_wrecs *w, const char *model_template, const char *where, cz_syn_rule *rule,
                           int *rec) {
  *rec = -1;
  for (size_t i = 0; w && i < w->n; i++)
    if (strcmp(w->r[i].model_template, model_template) == 0) {
      *rule = w->r[i].rule;
      *rec = (int)i;
      return CZ_OK;
    }
  return cz_syn_rule_of(model_template, where, rule);
}
