/* Node and edge types (io/circuit_types.h). */
#include "io/circuit_types.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

/* ------------------------------------------------------------------ owned tables and documents */

cz_status cz_circuit_keep_table(cz_circuit *c, cz_csv *t) {
  cz_csv **grown = realloc(c->tables, (c->ntables + 1) * sizeof *grown);
  if (!grown) {
    cz_csv_destroy(&t);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  c->tables = grown;
  c->tables[c->ntables++] = t;
  return CZ_OK;
}

/* A dynamics_params that names a folder is a mistake whatever its name: a file without the
 * .json suffix is handed to the model as it is, a folder never. */
cz_status cz_circuit_check_params_file(const char *path, const char *what) {
  CZ_CHECK(!cz_path_is_dir(path), CZ_ERR_CONFIG, "%s: dynamics_params %s is a folder, not a file", what, path);
  return CZ_OK;
}

/* Parses a dynamics_params JSON file once and keeps it; later requests share the document. */
cz_status cz_circuit_params_json(cz_circuit *c, const char *path, const char *what, const cJSON **out) {
  for (size_t i = 0; i < c->njson; i++) {
    if (strcmp(c->json_files[i], path) == 0) {
      *out = c->json[i];
      return CZ_OK;
    }
  }
  CZ_CHECK(cz_path_exists(path), CZ_ERR_IO, "%s: could not find dynamics_params file %s", what, path);
  char *text = NULL;
  CZ_TRY(cz_read_file(path, &text, NULL));
  cJSON *doc = cJSON_Parse(text);
  free(text);
  CZ_CHECK(doc != NULL, CZ_ERR_CONFIG, "%s: dynamics_params file %s is not valid JSON", what, path);
  if (!cJSON_IsObject(doc)) {
    cJSON_Delete(doc);
    return CZ_ERROR(CZ_ERR_CONFIG, "%s: dynamics_params file %s must hold a JSON object", what, path);
  }
  cJSON **js = realloc(c->json, (c->njson + 1) * sizeof *js);
  char **jf = js ? realloc(c->json_files, (c->njson + 1) * sizeof *jf) : NULL;
  if (js) c->json = js;
  if (jf) c->json_files = jf;
  char *copy = NULL;
  if (!js || !jf || cz_strdup(path, &copy) != CZ_OK) {
    cJSON_Delete(doc);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  c->json[c->njson] = doc;
  c->json_files[c->njson] = copy;
  c->njson++;
  *out = doc;
  return CZ_OK;
}

/* ------------------------------------------------------------------ type id index */


void cz_type_index_free(cz_type_index *ti) {
  free(ti->ids);
  free(ti->rows);
  free(ti->dense);
  memset(ti, 0, sizeof *ti);
}

enum { TYPE_DENSE_MAX = 1 << 20 };

static void type_index_densify(cz_type_index *ti) {
  if (ti->n == 0 || ti->ids[ti->n - 1] >= TYPE_DENSE_MAX) return;
  ti->ndense = (size_t)ti->ids[ti->n - 1] + 1;
  if (!(ti->dense = malloc(ti->ndense * sizeof *ti->dense))) return; /* the bsearch still works */
  for (size_t i = 0; i < ti->ndense; i++) ti->dense[i] = UINT32_MAX;
  for (size_t r = 0; r < ti->n; r++) ti->dense[ti->ids[r]] = ti->rows[r];
}

int cz_cmp_u64_pair(const void *a, const void *b) {
  const uint64_t *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

cz_status cz_type_index_build(const cz_csv *t, const char *id_col, cz_type_index *ti) {
  int col = cz_csv_col(t, id_col);
  CZ_CHECK(col >= 0, CZ_ERR_FORMAT, "%s: missing the required column '%s'", t->path, id_col);
  uint64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * t->nrows);
  for (size_t r = 0; r < t->nrows; r++) {
    long long v;
    const char *cell = cz_csv_cell(t, r, (size_t)col);
    if (!cell || !cz_parse_int64(cell, &v) || v < 0) {
      free(pairs);
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: row %zu: %s '%s' is not a non-negative integer", t->path, r + 2,
                      id_col, cell ? cell : "NULL");
    }
    pairs[2 * r] = (uint64_t)v;
    pairs[2 * r + 1] = r;
  }
  qsort(pairs, t->nrows, 2 * sizeof *pairs, cz_cmp_u64_pair);
  for (size_t r = 1; r < t->nrows; r++) {
    if (pairs[2 * r] == pairs[2 * r - 2]) {
      uint64_t dup = pairs[2 * r];
      free(pairs);
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s %llu appears more than once", t->path, id_col,
                      (unsigned long long)dup);
    }
  }
  ti->n = t->nrows;
  ti->ids = malloc(ti->n * sizeof *ti->ids + 1);
  ti->rows = malloc(ti->n * sizeof *ti->rows + 1);
  if (!ti->ids || !ti->rows) {
    free(pairs);
    cz_type_index_free(ti);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t r = 0; r < ti->n; r++) {
    ti->ids[r] = pairs[2 * r];
    ti->rows[r] = (uint32_t)pairs[2 * r + 1];
  }
  free(pairs);
  type_index_densify(ti);
  return CZ_OK;
}

bool cz_type_index_row(const cz_type_index *ti, uint64_t id, uint32_t *row) {
  if (ti->dense) {
    if (id >= ti->ndense || ti->dense[id] == UINT32_MAX) return false;
    *row = ti->dense[id];
    return true;
  }
  size_t lo = 0, hi = ti->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ti->ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < ti->n && ti->ids[lo] == id) {
    *row = ti->rows[lo];
    return true;
  }
  return false;
}


/* BMTK's built-in weight functions (the engines apply them: gaussianLL is BioNet's only). */
static bool builtin_weight_function(const char *name) {
  return strcmp(name, "default_weight_fnc") == 0 || strcmp(name, "set_syn_weight") == 0 ||
         strcmp(name, "wmax") == 0 || strcmp(name, "gaussianLL") == 0;
}


static cz_status csv_number(const cz_csv *t, size_t row, const char *col, double dflt, double *out) {
  int c = cz_csv_col(t, col);
  *out = dflt;
  if (c < 0) return CZ_OK;
  cz_value v = cz_csv_value(t, row, (size_t)c);
  CZ_CHECK(!cz_csv_is_nan(t, row, (size_t)c), CZ_ERR_FORMAT,
           "%s: row %zu: column %s is NaN; leave the cell empty or NULL for no value", t->path, row + 2, col);
  if (v.kind == CZ_VAL_NULL) return CZ_OK;
  CZ_CHECK(v.kind == CZ_VAL_NUM && isfinite(v.num), CZ_ERR_FORMAT, "%s: row %zu: column %s = '%s' is not a finite number",
           t->path, row + 2, col, cz_csv_cell(t, row, (size_t)c));
  *out = v.num;
  return CZ_OK;
}

/* Whether two optional strings are equal (both absent, or both present and equal). */
static bool same_text(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static cz_status find_or_add_syn_model(cz_circuit *c, const char *tmpl, const char *file, const cJSON *params,
                                       const char *types_file, uint32_t *idx) {
  for (size_t m = 0; m < c->nsyn_models; m++) {
    const cz_syn_model *s = &c->syn_models[m];
    if (same_text(s->template_str, tmpl) && same_text(s->params_file, file)) {
      *idx = (uint32_t)m;
      return CZ_OK;
    }
  }
  cz_syn_model *grown = realloc(c->syn_models, (c->nsyn_models + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->syn_models = grown;
  cz_syn_model *s = &c->syn_models[c->nsyn_models];
  memset(s, 0, sizeof *s);
  CZ_TRY(cz_strdup(tmpl, &s->template_str));
  CZ_TRY(cz_strdup(file, &s->params_file));
  CZ_TRY(cz_strdup(types_file, &s->types_file));
  s->params = params;
  *idx = (uint32_t)c->nsyn_models++;
  return CZ_OK;
}

cz_status cz_edge_type_infos(cz_circuit *c, const cz_config *cfg, const cz_csv *t, cz_edge_type_info **out) {
  cz_edge_type_info *info = NULL;
  CZ_NEW(info, t->nrows);
  *out = info;
  int c_tmpl = cz_csv_col(t, "model_template");
  int c_dyn = cz_csv_col(t, "dynamics_params");
  int c_wf = cz_csv_col(t, "weight_function");
  const char *syn_dir = cz_cfg_component(cfg, "synaptic_models_dir");
  for (size_t r = 0; r < t->nrows; r++) {
    CZ_TRY(csv_number(t, r, "syn_weight", NAN, &info[r].col.syn_weight));
    CZ_TRY(csv_number(t, r, "nsyns", NAN, &info[r].col.nsyns));
    CZ_TRY(csv_number(t, r, "delay", NAN, &info[r].col.delay));
    const char *wf = c_wf >= 0 ? cz_csv_cell(t, r, (size_t)c_wf) : NULL;
    CZ_CHECK(!wf || builtin_weight_function(wf), CZ_ERR_CONFIG,
             "%s: row %zu: weight_function '%s' is Python code from components.weight_functions, which Cadenza "
             "cannot run; known built-ins: default_weight_fnc, set_syn_weight, wmax, gaussianLL",
             t->path, r + 2, wf);
    const char *tmpl = c_tmpl >= 0 ? cz_csv_cell(t, r, (size_t)c_tmpl) : NULL;
    const char *dyn = c_dyn >= 0 ? cz_csv_cell(t, r, (size_t)c_dyn) : NULL;
    char *file = NULL;
    const cJSON *params = NULL;
    if (dyn) {
      CZ_TRY(cz_path_join(syn_dir ? syn_dir : cfg->dir, dyn, &file));
      char what[512];
      snprintf(what, sizeof what, "%s row %zu (components.synaptic_models_dir)", t->path, r + 2);
      cz_status st = cz_circuit_check_params_file(file, what);
      if (st == CZ_OK && cz_str_ends_with(file, ".json")) st = cz_circuit_params_json(c, file, what, &params);
      if (st != CZ_OK) {
        free(file);
        return st;
      }
    }
    cz_status st = find_or_add_syn_model(c, tmpl, file, params, t->path, &info[r].syn_model);
    free(file);
    CZ_TRY(st);
  }
  return CZ_OK;
}

