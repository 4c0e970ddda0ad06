#include "io/circuit.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"

/* ------------------------------------------------------------------ owned resources */

static cz_status keep_table(cz_circuit *c, cz_csv *t) {
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
static cz_status check_params_not_folder(const char *path, const char *what) {
  CZ_CHECK(!cz_path_is_dir(path), CZ_ERR_CONFIG, "%s: dynamics_params %s is a folder, not a file", what, path);
  return CZ_OK;
}

/* Parses a dynamics_params JSON file once and keeps it; later requests share the document. */
static cz_status cached_json(cz_circuit *c, const char *path, const char *what, const cJSON **out) {
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

/* ------------------------------------------------------------------ types tables */

/* Maps type ids (first column named id_col) to table rows; sorted pairs for bsearch, and a
 * direct table when the ids are small (the usual case), since every edge looks its type up. */
typedef struct type_index {
  size_t n;
  uint64_t *ids;
  uint32_t *rows;
  size_t ndense;
  uint32_t *dense; /* [ndense] row of id, UINT32_MAX for none; NULL when ids are large */
} type_index;

static void type_index_free(type_index *ti) {
  free(ti->ids);
  free(ti->rows);
  free(ti->dense);
  memset(ti, 0, sizeof *ti);
}

enum { TYPE_DENSE_MAX = 1 << 20 };

static void type_index_densify(type_index *ti) {
  if (ti->n == 0 || ti->ids[ti->n - 1] >= TYPE_DENSE_MAX) return;
  ti->ndense = (size_t)ti->ids[ti->n - 1] + 1;
  if (!(ti->dense = malloc(ti->ndense * sizeof *ti->dense))) return; /* the bsearch still works */
  for (size_t i = 0; i < ti->ndense; i++) ti->dense[i] = UINT32_MAX;
  for (size_t r = 0; r < ti->n; r++) ti->dense[ti->ids[r]] = ti->rows[r];
}

static int cmp_u64_pair(const void *a, const void *b) {
  const uint64_t *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

static cz_status build_type_index(const cz_csv *t, const char *id_col, type_index *ti) {
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
  qsort(pairs, t->nrows, 2 * sizeof *pairs, cmp_u64_pair);
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
    type_index_free(ti);
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

static bool type_row_of(const type_index *ti, uint64_t id, uint32_t *row) {
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

/* ------------------------------------------------------------------ h5 columns */

static void column_free(cz_h5_column *col) {
  free(col->name);
  free(col->num);
  if (col->str) {
    for (size_t i = 0; i < col->n; i++) free(col->str[i]);
    free(col->str);
  }
}

/* Reads every 1-D numeric or string dataset directly under group into columns. Other
 * datasets (vectors, enums with @library, compound) are skipped: PointNet does not use them. */
static cz_status read_columns(cz_h5file *f, const char *group, cz_h5_column **cols, size_t *ncols) {
  char **names = NULL;
  size_t nn = 0;
  *cols = NULL;
  *ncols = 0;
  CZ_TRY(cz_h5_list(f, group, &names, &nn));
  cz_status st = CZ_OK;
  cz_h5_column *out = cz_calloc(nn, sizeof *out);
  size_t k = 0;
  if (!out) {
    cz_h5_free_names(names, nn);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < nn && st == CZ_OK; i++) {
    char *path = NULL;
    CZ_TRY_GOTO(st, cz_asprintf(&path, "%s/%s", group, names[i]), done);
    cz_h5_info info;
    if (!cz_h5_is_dataset(f, path) || cz_h5_info_of(f, path, &info) != CZ_OK || info.rank != 1) {
      free(path);
      continue;
    }
    cz_h5_column *col = &out[k];
    if (info.cls == CZ_H5_FLOAT || info.cls == CZ_H5_INT || info.cls == CZ_H5_UINT) {
      st = cz_h5_read_f64(f, path, &col->num, &col->n);
    } else if (info.cls == CZ_H5_STRING) {
      st = cz_h5_read_strings(f, path, &col->str, &col->n);
    } else {
      free(path);
      continue;
    }
    free(path);
    if (st == CZ_OK) st = cz_strdup(names[i], &col->name);
    k++;
  }
done:
  cz_h5_free_names(names, nn);
  if (st != CZ_OK) {
    for (size_t i = 0; i < k; i++) column_free(&out[i]);
    free(out);
    return st;
  }
  *cols = out;
  *ncols = k;
  return CZ_OK;
}

static const cz_h5_column *find_column(const cz_h5_column *cols, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(cols[i].name, name) == 0) return &cols[i];
  return NULL;
}

static cz_value column_value(const cz_h5_column *col, uint64_t idx) {
  cz_value v = {CZ_VAL_NULL, 0.0, NULL};
  if (idx >= col->n) return v;
  if (col->num) {
    v.kind = CZ_VAL_NUM;
    v.num = col->num[idx];
  } else if (col->str[idx]) {
    v.kind = CZ_VAL_STR;
    v.str = col->str[idx];
  }
  return v;
}

/* ------------------------------------------------------------------ node attributes */

static const cz_h5_column *node_group_column(const cz_node_pop *p, size_t row, const char *key) {
  uint32_t g = p->group[row];
  if (g >= p->ngroups) return NULL;
  return find_column(p->groups[g].cols, p->groups[g].ncols, key);
}

cz_value cz_circuit_node_attr(const cz_node_pop *p, size_t row, const char *key) {
  const cz_h5_column *col = node_group_column(p, row, key);
  if (col) return column_value(col, p->group_index[row]);
  int c = cz_csv_col(p->types, key);
  if (c >= 0) return cz_csv_value(p->types, p->type_row[row], (size_t)c);
  if (strcmp(key, "node_type_id") == 0) {
    int idc = cz_csv_col(p->types, "node_type_id");
    if (idc >= 0) return cz_csv_value(p->types, p->type_row[row], (size_t)idc);
  }
  cz_value none = {CZ_VAL_NULL, 0.0, NULL};
  return none;
}

bool cz_circuit_has_attr(const cz_node_pop *p, const char *key) {
  if (cz_csv_col(p->types, key) >= 0) return true;
  for (size_t g = 0; g < p->ngroups; g++)
    if (find_column(p->groups[g].cols, p->groups[g].ncols, key)) return true;
  return false;
}

bool cz_circuit_param_override(const cz_node_pop *p, size_t row, const char *key, double *value) {
  uint32_t g = p->group[row];
  if (g >= p->ngroups) return false;
  const cz_h5_column *col = find_column(p->groups[g].params, p->groups[g].nparams, key);
  if (!col || !col->num || p->group_index[row] >= col->n) return false;
  *value = col->num[p->group_index[row]];
  return true;
}

/* Text of a node attribute, or NULL (strings only; numbers are not model names). */
static const char *node_text(const cz_node_pop *p, size_t row, const char *key) {
  cz_value v = cz_circuit_node_attr(p, row, key);
  if (v.kind == CZ_VAL_STR) return v.str;
  if (v.kind == CZ_VAL_NUM) {
    /* A numeric-looking CSV cell is still text in the table. */
    int c = cz_csv_col(p->types, key);
    if (c >= 0 && !node_group_column(p, row, key)) return cz_csv_cell(p->types, p->type_row[row], (size_t)c);
  }
  return NULL;
}

/* ------------------------------------------------------------------ node populations */

static const char *models_dir_key(const char *model_type) {
  if (strcmp(model_type, "biophysical") == 0) return "biophysical_neuron_models_dir";
  if (strcmp(model_type, "point_process") == 0 || strcmp(model_type, "point_neuron") == 0 ||
      strcmp(model_type, "point_soma") == 0)
    return "point_neuron_models_dir";
  if (strcmp(model_type, "population") == 0) return "population_models_dir";
  if (strcmp(model_type, "virtual") == 0) return "filter_models_dir";
  return "custom_neuron_models";
}

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

static cz_status read_ids_or_default(cz_h5file *f, const char *path, size_t n, bool identity, uint64_t **out) {
  if (cz_h5_exists(f, path)) {
    size_t m = 0;
    CZ_TRY(cz_h5_read_u64(f, path, out, &m));
    if (m != n) {
      free(*out);
      *out = NULL;
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %zu entries, but node_type_id has %zu (the node datasets "
                      "hold one entry per node)", cz_h5_path(f), path, m, n);
    }
    return CZ_OK;
  }
  CZ_NEW(*out, n);
  if (identity)
    for (size_t i = 0; i < n; i++) (*out)[i] = i;
  return CZ_OK;
}

/* The groups of a population; with has_group_ids (a node_group_id dataset), every group a
 * node names must exist. */
static cz_status load_node_groups(cz_h5file *f, const char *pop_path, bool has_group_ids, cz_node_pop *p) {
  char **names = NULL;
  size_t nn = 0;
  CZ_TRY(cz_h5_list(f, pop_path, &names, &nn));
  uint32_t max_id = 0;
  for (size_t i = 0; i < p->n; i++)
    if (p->group[i] > max_id) max_id = p->group[i];
  p->ngroups = (size_t)max_id + 1;
  p->groups = cz_calloc(p->ngroups, sizeof *p->groups);
  bool *present = cz_calloc(p->ngroups, sizeof *present);
  cz_status st = CZ_OK;
  if (!p->groups || !present) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < nn && st == CZ_OK; i++) {
    if (!all_digits(names[i])) continue;
    unsigned long g = strtoul(names[i], NULL, 10);
    if (g >= p->ngroups) continue; /* a group no node refers to */
    present[g] = true;
    char *gpath = NULL, *dpath = NULL;
    CZ_TRY_GOTO(st, cz_asprintf(&gpath, "%s/%s", pop_path, names[i]), done);
    st = read_columns(f, gpath, &p->groups[g].cols, &p->groups[g].ncols);
    if (st == CZ_OK && cz_asprintf(&dpath, "%s/dynamics_params", gpath) == CZ_OK && cz_h5_is_group(f, dpath))
      st = read_columns(f, dpath, &p->groups[g].params, &p->groups[g].nparams);
    free(gpath);
    free(dpath);
  }
done:
  cz_h5_free_names(names, nn);
  for (size_t i = 0; has_group_ids && i < p->n && st == CZ_OK; i++)
    if (!present[p->group[i]])
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /nodes/%s/node_group_id[%zu] = %u names a group that does not exist (no "
                    "/nodes/%s/%u)", p->file, p->name, i, p->group[i], p->name, p->group[i]);
  free(present);
  CZ_TRY(st);
  /* Every node's group index must fall inside each of its group's columns. */
  for (size_t i = 0; i < p->n; i++) {
    const cz_node_group *grp = &p->groups[p->group[i]];
    for (size_t k = 0; k < grp->ncols; k++)
      CZ_CHECK(p->group_index[i] < grp->cols[k].n, CZ_ERR_FORMAT,
               "%s: node_group_index %llu of row %zu is beyond dataset %s/%u/%s (length %zu)", p->file,
               (unsigned long long)p->group_index[i], i, p->name, p->group[i], grp->cols[k].name,
               grp->cols[k].n);
  }
  return CZ_OK;
}

static cz_status check_node_ids(cz_node_pop *p) {
  p->identity_ids = true;
  for (size_t i = 0; i < p->n; i++)
    if (p->node_id[i] != i) {
      p->identity_ids = false;
      break;
    }
  if (p->identity_ids) return CZ_OK;
  uint64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * p->n);
  for (size_t i = 0; i < p->n; i++) {
    pairs[2 * i] = p->node_id[i];
    pairs[2 * i + 1] = i;
  }
  qsort(pairs, p->n, 2 * sizeof *pairs, cmp_u64_pair);
  for (size_t i = 1; i < p->n; i++) {
    if (pairs[2 * i] == pairs[2 * i - 2]) {
      uint64_t dup = pairs[2 * i];
      free(pairs);
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: node id %llu appears twice in /nodes/%s/node_id", p->file,
                      (unsigned long long)dup, p->name);
    }
  }
  p->id_index = pairs;
  cz_log_warn("%s: node_id of population %s is not 0..N-1; ids are looked up explicitly", p->file, p->name);
  return CZ_OK;
}

bool cz_circuit_row_of(const cz_node_pop *p, uint64_t id, size_t *row) {
  if (p->identity_ids) {
    if (id >= p->n) return false;
    *row = (size_t)id;
    return true;
  }
  size_t lo = 0, hi = p->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->id_index[2 * mid] < id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < p->n && p->id_index[2 * lo] == id) {
    *row = (size_t)p->id_index[2 * lo + 1];
    return true;
  }
  return false;
}

static cz_status find_or_add_model(cz_circuit *c, const char *tmpl, const char *file, const cJSON *params,
                                   uint32_t *idx) {
  for (size_t m = 0; m < c->nmodels; m++) {
    const cz_model_ref *r = &c->models[m];
    bool same_file = (!r->params_file && !file) || (r->params_file && file && strcmp(r->params_file, file) == 0);
    if (strcmp(r->template_str, tmpl) == 0 && same_file) {
      *idx = (uint32_t)m;
      return CZ_OK;
    }
  }
  cz_model_ref *grown = realloc(c->models, (c->nmodels + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->models = grown;
  cz_model_ref *r = &c->models[c->nmodels];
  memset(r, 0, sizeof *r);
  CZ_TRY(cz_strdup(tmpl, &r->template_str));
  CZ_TRY(cz_strdup(file, &r->params_file));
  r->params = params;
  *idx = (uint32_t)c->nmodels++;
  return CZ_OK;
}

/* Resolves model_type, model_template and dynamics_params of every node. */
static cz_status resolve_node_models(cz_circuit *c, const cz_config *cfg, cz_node_pop *p) {
  CZ_NEW(p->is_virtual, p->n);
  CZ_NEW(p->model, p->n);
  for (size_t i = 0; i < p->n; i++) {
    const char *mtype = node_text(p, i, "model_type");
    CZ_CHECK(mtype != NULL, CZ_ERR_FORMAT,
             "%s: node %llu of population %s has no model_type (neither in the h5 group nor in %s)", p->file,
             (unsigned long long)p->node_id[i], p->name, p->types->path);
    if (strcmp(mtype, "virtual") == 0) {
      p->is_virtual[i] = true;
      p->model[i] = UINT32_MAX;
      p->nvirtual++;
      continue;
    }
    const char *tmpl = node_text(p, i, "model_template");
    CZ_CHECK(tmpl != NULL, CZ_ERR_FORMAT, "%s: node %llu of population %s (model_type %s) has no model_template",
             p->types->path, (unsigned long long)p->node_id[i], p->name, mtype);
    const char *dyn = node_text(p, i, "dynamics_params");
    char *file = NULL;
    const cJSON *params = NULL;
    if (dyn) {
      const char *key = models_dir_key(mtype);
      const char *dir = cz_cfg_component(cfg, key);
      CZ_TRY(cz_path_join(dir ? dir : cfg->dir, dyn, &file));
      char what[512];
      snprintf(what, sizeof what, "%s (node type of node %llu, components.%s)", p->types->path,
               (unsigned long long)p->node_id[i], key);
      cz_status st = check_params_not_folder(file, what);
      if (st == CZ_OK && cz_str_ends_with(file, ".json")) st = cached_json(c, file, what, &params);
      if (st != CZ_OK) {
        free(file);
        return st;
      }
    }
    cz_status st = find_or_add_model(c, tmpl, file, params, &p->model[i]);
    free(file);
    CZ_TRY(st);
  }
  return CZ_OK;
}

static cz_status load_node_pop(cz_circuit *c, const cz_config *cfg, cz_h5file *f, const char *file,
                               const cz_csv *types, const type_index *ti, const char *name) {
  for (size_t i = 0; i < c->nnodes; i++)
    CZ_CHECK(strcmp(c->nodes[i].name, name) != 0, CZ_ERR_FORMAT,
             "%s: node population '%s' is defined twice (also in %s)", file, name, c->nodes[i].file);
  cz_node_pop *grown = realloc(c->nodes, (c->nnodes + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->nodes = grown;
  cz_node_pop *p = &c->nodes[c->nnodes++];
  memset(p, 0, sizeof *p);
  CZ_TRY(cz_strdup(name, &p->name));
  CZ_TRY(cz_strdup(file, &p->file));
  p->types = types;

  char path[1024];
  uint64_t *type_ids = NULL;
  snprintf(path, sizeof path, "/nodes/%s/node_type_id", name);
  CZ_CHECK(cz_h5_is_dataset(f, path), CZ_ERR_FORMAT, "%s: population %s has no dataset %s", file, name, path);
  CZ_TRY(cz_h5_read_u64(f, path, &type_ids, &p->n));
  CZ_NEW(p->type_row, p->n);
  for (size_t i = 0; i < p->n; i++) {
    if (!type_row_of(ti, type_ids[i], &p->type_row[i])) {
      uint64_t bad = type_ids[i];
      free(type_ids);
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] = %llu is not a node_type_id of %s", file, path, i,
                      (unsigned long long)bad, types->path);
    }
  }
  free(type_ids);

  snprintf(path, sizeof path, "/nodes/%s/node_id", name);
  CZ_TRY(read_ids_or_default(f, path, p->n, true, &p->node_id));
  CZ_TRY(check_node_ids(p));
  uint64_t *gid64 = NULL;
  snprintf(path, sizeof path, "/nodes/%s/node_group_id", name);
  const bool has_group_ids = cz_h5_exists(f, path);
  CZ_TRY(read_ids_or_default(f, path, p->n, false, &gid64));
  CZ_NEW(p->group, p->n);
  for (size_t i = 0; i < p->n; i++) {
    if (gid64[i] > 65535) {
      free(gid64);
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] is not a plausible group id", file, path, i);
    }
    p->group[i] = (uint32_t)gid64[i];
  }
  free(gid64);
  snprintf(path, sizeof path, "/nodes/%s/node_group_index", name);
  CZ_TRY(read_ids_or_default(f, path, p->n, true, &p->group_index));
  snprintf(path, sizeof path, "/nodes/%s", name);
  CZ_TRY(load_node_groups(f, path, has_group_ids, p));
  CZ_TRY(resolve_node_models(c, cfg, p));
  return CZ_OK;
}

static cz_status load_nodes_file(cz_circuit *c, const cz_config *cfg, size_t k) {
  const cz_cfg_nodes *e = &cfg->nodes[k];
  cz_csv *types = NULL;
  cz_status rs = cz_csv_read(e->node_types_file, &types);
  if (rs != CZ_OK) return cz_error_prefix(rs, "networks.nodes[%zu].node_types_file", k);
  CZ_TRY(keep_table(c, types));
  type_index ti = {0};
  CZ_TRY(build_type_index(types, "node_type_id", &ti));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_open_read(e->nodes_file, &f);
  if (st != CZ_OK) cz_error_prefix(st, "networks.nodes[%zu].nodes_file", k);
  char **pops = NULL;
  size_t npops = 0;
  if (st == CZ_OK && !cz_h5_is_group(f, "/nodes"))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no /nodes group (networks.nodes[%zu].nodes_file)", e->nodes_file, k);
  if (st == CZ_OK) st = cz_h5_list(f, "/nodes", &pops, &npops);
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = load_node_pop(c, cfg, f, e->nodes_file, types, &ti, pops[i]);
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  type_index_free(&ti);
  return st;
}

/* ------------------------------------------------------------------ edge populations */

static bool builtin_weight_function(const char *name) {
  return strcmp(name, "default_weight_fnc") == 0 || strcmp(name, "set_syn_weight") == 0 ||
         strcmp(name, "wmax") == 0;
}

/* Per edge type: what the CSV row says about the synapse. */
typedef struct edge_type_info {
  cz_edge_columns col; /* NAN when absent */
  uint32_t syn_model;
} edge_type_info;

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

static cz_status edge_type_infos(cz_circuit *c, const cz_config *cfg, const cz_csv *t, edge_type_info **out) {
  edge_type_info *info = NULL;
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
             "cannot run; known built-ins: default_weight_fnc, set_syn_weight, wmax",
             t->path, r + 2, wf);
    const char *tmpl = c_tmpl >= 0 ? cz_csv_cell(t, r, (size_t)c_tmpl) : NULL;
    const char *dyn = c_dyn >= 0 ? cz_csv_cell(t, r, (size_t)c_dyn) : NULL;
    char *file = NULL;
    const cJSON *params = NULL;
    if (dyn) {
      CZ_TRY(cz_path_join(syn_dir ? syn_dir : cfg->dir, dyn, &file));
      char what[512];
      snprintf(what, sizeof what, "%s row %zu (components.synaptic_models_dir)", t->path, r + 2);
      cz_status st = check_params_not_folder(file, what);
      if (st == CZ_OK && cz_str_ends_with(file, ".json")) st = cached_json(c, file, what, &params);
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

static cz_status read_pop_attr(cz_h5file *f, const char *dataset, const char *attr, char **out) {
  CZ_CHECK(cz_h5_has_attr(f, dataset, attr), CZ_ERR_FORMAT, "%s: dataset %s has no '%s' attribute", cz_h5_path(f),
           dataset, attr);
  return cz_h5_read_attr_string(f, dataset, attr, out);
}

/* Maps node ids of an edge endpoint to rows of its population, checking each exists. */
/* One synapse column of an edge group (syn_weight, nsyns or delay): its dataset and length,
 * and the window of values the current chunk's rows index ([lo, lo + cnt)), read chunk by
 * chunk so that memory does not grow with the file. */
typedef struct edge_col {
  char *path; /* NULL: the group has no such column */
  const char *name;
  size_t n;
  double *win;
  size_t lo, cnt, cap;
} edge_col;

typedef struct edge_group {
  edge_col syn_weight, nsyns, delay;
  bool any;
  bool exists; /* the file has this group */
} edge_group;

typedef struct edge_groups {
  size_t n;
  edge_group *g;
} edge_groups;

static edge_col *group_cols(edge_group *g, int k) { return k == 0 ? &g->syn_weight : k == 1 ? &g->nsyns : &g->delay; }

static void edge_groups_free(edge_groups *eg) {
  for (size_t i = 0; i < eg->n; i++)
    for (int k = 0; k < 3; k++) {
      free(group_cols(&eg->g[i], k)->path);
      free(group_cols(&eg->g[i], k)->win);
    }
  free(eg->g);
  eg->g = NULL;
  eg->n = 0;
}

/* The synapse columns of each numbered group under pop_path (shapes and types only). */
static cz_status load_edge_groups(cz_h5file *f, const char *pop_path, edge_groups *eg) {
  char **names = NULL;
  size_t nn = 0;
  CZ_TRY(cz_h5_list(f, pop_path, &names, &nn));
  size_t max_id = 0;
  bool any = false;
  for (size_t i = 0; i < nn; i++)
    if (all_digits(names[i]) && strlen(names[i]) < 6) {
      size_t g = strtoul(names[i], NULL, 10);
      if (g > max_id) max_id = g;
      any = true;
    }
  eg->n = any ? max_id + 1 : 0;
  eg->g = eg->n ? cz_calloc(eg->n, sizeof *eg->g) : NULL;
  for (size_t i = 0; eg->g && i < nn; i++)
    if (all_digits(names[i]) && strlen(names[i]) < 6) eg->g[strtoul(names[i], NULL, 10)].exists = true;
  cz_h5_free_names(names, nn);
  CZ_CHECK(eg->g || !eg->n, CZ_ERR_NOMEM, "out of memory");
  static const char *const col_names[3] = {"syn_weight", "nsyns", "delay"};
  for (size_t g = 0; g < eg->n; g++) {
    for (int k = 0; k < 3; k++) {
      edge_col *c = group_cols(&eg->g[g], k);
      c->name = col_names[k];
      char path[1200];
      snprintf(path, sizeof path, "%s/%zu/%s", pop_path, g, col_names[k]);
      if (!cz_h5_is_dataset(f, path)) continue;
      cz_h5_info info;
      CZ_TRY(cz_h5_info_of(f, path, &info));
      CZ_CHECK(info.rank == 1 && (info.cls == CZ_H5_FLOAT || info.cls == CZ_H5_INT || info.cls == CZ_H5_UINT),
               CZ_ERR_FORMAT, "%s: dataset %s must be a 1-D numeric dataset", cz_h5_path(f), path);
      CZ_TRY(cz_strdup(path, &c->path));
      c->n = (size_t)info.dims[0];
      eg->g[g].any = true;
    }
  }
  return CZ_OK;
}

static bool groups_have_columns(const edge_groups *eg) {
  for (size_t g = 0; g < eg->n; g++)
    if (eg->g[g].any) return true;
  return false;
}

static bool groups_have_nsyns(const edge_groups *eg) {
  for (size_t g = 0; g < eg->n; g++)
    if (eg->g[g].nsyns.path) return true;
  return false;
}

/* Reads, for every group with synapse columns, the window of values the chunk's m rows
 * (groups ch_group, indices ch_index) refer to. An index beyond a column is an error naming
 * the edge. */
static cz_status read_group_windows(cz_h5file *f, const char *file, const char *pop, edge_groups *eg, size_t a,
                                    size_t m, const uint64_t *ch_group, const uint64_t *ch_index) {
  for (size_t k = 0; k < m; k++)
    CZ_CHECK(ch_group[k] < eg->n && eg->g[ch_group[k]].exists, CZ_ERR_FORMAT,
             "%s: /edges/%s/edge_group_id[%zu] = %llu names a group that does not exist (no /edges/%s/%llu)", file,
             pop, a + k, (unsigned long long)ch_group[k], pop, (unsigned long long)ch_group[k]);
  for (size_t g = 0; g < eg->n; g++) {
    if (!eg->g[g].any) continue;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t k = 0; k < m; k++) { /* without branches: the groups of a chunk often alternate */
      const bool in = ch_group[k] == g;
      const uint64_t x = ch_index[k];
      lo = in && x < lo ? x : lo;
      hi = in && x > hi ? x : hi;
    }
    for (int c = 0; c < 3; c++) {
      edge_col *col = group_cols(&eg->g[g], c);
      col->cnt = 0;
      if (!col->path || lo == UINT64_MAX) continue;
      if (hi >= col->n) {
        size_t bad = 0;
        while (bad < m && !(ch_group[bad] == g && ch_index[bad] >= col->n)) bad++;
        return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge_group_index %llu of edge %zu is beyond dataset %s/%zu/%s", file,
                        (unsigned long long)ch_index[bad], a + bad, pop, g, col->name);
      }
      const size_t cnt = (size_t)(hi - lo + 1);
      CZ_RESERVE(col->win, col->cap, cnt);
      CZ_TRY(cz_h5_read_f64_range(f, col->path, (size_t)lo, cnt, col->win));
      col->lo = (size_t)lo;
      col->cnt = cnt;
    }
  }
  return CZ_OK;
}

/* The h5 group value of an edge when the group has the column (checked finite), else fallback. */
static cz_status group_value(const cz_edge_pop *e, uint64_t group, const edge_col *col, uint64_t idx, double fallback,
                             double *out) {
  if (!col->path) {
    *out = fallback;
    return CZ_OK;
  }
  *out = col->win[idx - col->lo];
  CZ_CHECK(isfinite(*out), CZ_ERR_FORMAT, "%s: dataset /edges/%s/%llu/%s[%llu] is not a finite number (%g)", e->file,
           e->name, (unsigned long long)group, col->name, (unsigned long long)idx, *out);
  return CZ_OK;
}

/* The columns of edge i: its h5 group's values where the group has the column (checked
 * finite), else its type's; stored at slot out of the per-edge columns. */
static cz_status resolve_columns(cz_edge_pop *e, size_t out, const edge_groups *eg, const edge_type_info *ti,
                                 uint64_t gid, uint64_t gidx) {
  double w = ti->col.syn_weight, ns = ti->col.nsyns, d = ti->col.delay;
  if (gid < eg->n && eg->g[gid].any) {
    const edge_group *g = &eg->g[gid];
    CZ_TRY(group_value(e, gid, &g->syn_weight, gidx, w, &w));
    CZ_TRY(group_value(e, gid, &g->nsyns, gidx, ns, &ns));
    CZ_TRY(group_value(e, gid, &g->delay, gidx, d, &d));
  }
  e->col.syn_weight[out] = w;
  e->col.delay[out] = d;
  if (e->col.nsyns) e->col.nsyns[out] = ns;
  return CZ_OK;
}

/* Whether any edge group overrides a synapse column, so the columns are stored per edge. */
static bool groups_override_synapses(const edge_groups *eg) { return groups_have_columns(eg); }

/* The population's type table: each CSV row's columns, as edges without overrides use them. */
static cz_status edge_types_of(cz_edge_pop *e, const edge_type_info *info, const cz_csv *table) {
  const size_t ntypes = table->nrows;
  e->types_table = table;
  CZ_NEW(e->types, ntypes);
  e->ntypes = ntypes;
  for (size_t r = 0; r < ntypes; r++)
    e->types[r] = (cz_edge_type){.col = info[r].col, .syn_model = info[r].syn_model, .weight = NAN, .delay = NAN};
  return CZ_OK;
}

/* Bounded scratch for reading per-edge datasets a chunk at a time: memory stays flat
 * however large the population, and a chunk's arrays (about 60 bytes an edge read and
 * written) stay in cache while its edges are converted, which makes 2^17 rows several times
 * faster than 2^20; smaller chunks lose to the cost of each HDF5 read. */
enum { EDGE_CHUNK = 1 << 17 };

typedef struct cz_edge_scratch {
  size_t cap;
  uint64_t *src, *tgt, *type_id, *group, *index;
  /* the arrays of a streamed batch (cz_edge_filter.batch) */
  size_t bcap;
  bool bvalues, bnsyns; /* bw and bd, bn allocated */
  uint32_t *bsrc, *btgt, *btype;
  double *bw, *bd, *bn; /* syn_weight, delay, nsyns columns */
  uint64_t *brow;
} edge_chunk;

static void batch_arrays_free(edge_chunk *ch) {
  free(ch->brow); /* the block holding them all */
  ch->bsrc = ch->btgt = ch->btype = NULL;
  ch->bw = ch->bd = ch->bn = NULL;
  ch->brow = NULL;
  ch->bcap = 0;
  ch->bvalues = ch->bnsyns = false;
}

static void edge_chunk_free(edge_chunk *ch) {
  if (!ch) return;
  free(ch->src); /* the block holding the five arrays */
  batch_arrays_free(ch);
  free(ch);
}

/* Points e's per-edge arrays at the scratch's batch arrays (cap edges; the syn_weight and
 * delay columns when per_edge, nsyns too when nsyns), allocated once and reused by every batch
 * of every load. */
static cz_status batch_arrays_lend(edge_chunk *ch, size_t cap, bool per_edge, bool nsyns, cz_edge_pop *e) {
  if (ch->bcap < cap || (per_edge && !ch->bvalues) || (nsyns && !ch->bnsyns)) {
    batch_arrays_free(ch);
    /* One block (8-byte arrays first, so every array stays aligned): see cz_alloc_huge. */
    const size_t ncols = per_edge ? (nsyns ? 3 : 2) : 0;
    const size_t per_row = 8 + 8 * ncols + 12;
    char *block = cz_alloc_huge(cap, per_row);
    CZ_CHECK(block != NULL, CZ_ERR_NOMEM, "out of memory for a batch of %zu edges", cap);
    ch->brow = (uint64_t *)(void *)block;
    ch->bw = per_edge ? (double *)(void *)(block + cap * 8) : NULL;
    ch->bd = per_edge ? (double *)(void *)(block + cap * 16) : NULL;
    ch->bn = ncols == 3 ? (double *)(void *)(block + cap * 24) : NULL;
    char *rest = block + cap * (8 + 8 * ncols);
    ch->bsrc = (uint32_t *)(void *)rest;
    ch->btgt = (uint32_t *)(void *)(rest + cap * 4);
    ch->btype = (uint32_t *)(void *)(rest + cap * 8);
    ch->bcap = cap;
    ch->bvalues = per_edge;
    ch->bnsyns = ncols == 3;
  }
  e->source_row = ch->bsrc;
  e->target_row = ch->btgt;
  e->type = ch->btype;
  e->file_row = ch->brow;
  e->col.syn_weight = per_edge ? ch->bw : NULL;
  e->col.delay = per_edge ? ch->bd : NULL;
  e->col.nsyns = per_edge && nsyns ? ch->bn : NULL;
  return CZ_OK;
}

/* Gives the batch arrays back to the scratch: the population then holds no edges. */
static void batch_arrays_return(cz_edge_pop *e) {
  e->source_row = e->target_row = e->type = NULL;
  e->file_row = NULL;
  e->col.syn_weight = e->col.nsyns = e->col.delay = NULL;
  e->n = 0;
}

/* A chunk scratch of cap rows (on failure *out holds what was allocated, for edge_chunk_free). */
static cz_status edge_chunk_new(size_t cap, edge_chunk **out) {
  edge_chunk *ch = NULL;
  CZ_NEW(ch, 1);
  *out = ch;
  uint64_t *block = cz_alloc_huge(cap, 5 * sizeof *block); /* one block: see cz_alloc_huge */
  CZ_CHECK(block != NULL, CZ_ERR_NOMEM, "out of memory reading edges");
  ch->src = block;
  ch->tgt = block + cap;
  ch->type_id = block + 2 * cap;
  ch->group = block + 3 * cap;
  ch->index = block + 4 * cap;
  ch->cap = cap;
  return CZ_OK;
}

/* The circuit's chunk buffers, holding at least cap rows. */
static cz_status edge_chunk_get(cz_circuit *c, size_t cap, edge_chunk **out) {
  if (!c->scratch || c->scratch->cap < cap) {
    edge_chunk_free(c->scratch);
    c->scratch = NULL;
    CZ_TRY(edge_chunk_new(cap, &c->scratch));
  }
  *out = c->scratch;
  return CZ_OK;
}

/* The kept edges of a population, growing as chunks are read. */
typedef struct edge_sink {
  cz_edge_pop *e;
  bool per_edge; /* the syn_weight and delay columns stored per edge */
  size_t cap;
  bool file_rows; /* file_row kept per edge */
  bool nsyns;     /* the nsyns column stored per edge too */
} edge_sink;

static cz_status sink_reserve(edge_sink *k, size_t need) {
  if (need <= k->cap) return CZ_OK;
  size_t cap = k->cap ? k->cap : (need > 1024 ? need : 1024);
  while (cap < need) cap *= 2;
  cz_edge_pop *e = k->e;
  uint32_t *s = realloc(e->source_row, cap * sizeof *s);
  if (s) e->source_row = s;
  uint32_t *t = s ? realloc(e->target_row, cap * sizeof *t) : NULL;
  if (t) e->target_row = t;
  uint32_t *ty = t ? realloc(e->type, cap * sizeof *ty) : NULL;
  if (ty) e->type = ty;
  bool ok = ty != NULL;
  if (ok && k->per_edge) {
    double *w = realloc(e->col.syn_weight, cap * sizeof *w);
    if (w) e->col.syn_weight = w;
    double *d = w ? realloc(e->col.delay, cap * sizeof *d) : NULL;
    if (d) e->col.delay = d;
    ok = d != NULL;
  }
  if (ok && k->nsyns) {
    double *ns = realloc(e->col.nsyns, cap * sizeof *ns);
    if (ns) e->col.nsyns = ns;
    ok = ns != NULL;
  }
  if (ok && k->file_rows) {
    uint64_t *r = realloc(e->file_row, cap * sizeof *r);
    if (r) e->file_row = r;
    ok = r != NULL;
  }
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory loading the edges of %s", e->name);
  cz_advise_huge(e->source_row, cap * sizeof *e->source_row);
  cz_advise_huge(e->target_row, cap * sizeof *e->target_row);
  cz_advise_huge(e->type, cap * sizeof *e->type);
  if (k->per_edge) {
    cz_advise_huge(e->col.syn_weight, cap * sizeof *e->col.syn_weight);
    cz_advise_huge(e->col.delay, cap * sizeof *e->col.delay);
  }
  k->cap = cap;
  return CZ_OK;
}

/* Gives back the slack of the growth. */
static void sink_shrink(edge_sink *k) {
  cz_edge_pop *e = k->e;
  if (k->cap == e->n) return;
  size_t n = e->n ? e->n : 1;
  void *p;
  if ((p = realloc(e->source_row, n * sizeof *e->source_row))) e->source_row = p;
  if ((p = realloc(e->target_row, n * sizeof *e->target_row))) e->target_row = p;
  if ((p = realloc(e->type, n * sizeof *e->type))) e->type = p;
  if (k->per_edge && (p = realloc(e->col.syn_weight, n * sizeof *e->col.syn_weight))) e->col.syn_weight = p;
  if (k->per_edge && (p = realloc(e->col.delay, n * sizeof *e->col.delay))) e->col.delay = p;
  if (k->nsyns && (p = realloc(e->col.nsyns, n * sizeof *e->col.nsyns))) e->col.nsyns = p;
  if (k->file_rows && (p = realloc(e->file_row, n * sizeof *e->file_row))) e->file_row = p;
}

static cz_status check_length(cz_h5file *f, const char *path, size_t n, bool required) {
  if (!cz_h5_exists(f, path)) {
    CZ_CHECK(!required, CZ_ERR_FORMAT, "%s: missing dataset %s", cz_h5_path(f), path);
    return CZ_OK;
  }
  cz_h5_info info;
  CZ_TRY(cz_h5_info_of(f, path, &info));
  CZ_CHECK(info.rank == 1 && info.dims[0] == n, CZ_ERR_FORMAT, "%s: dataset %s has %llu entries, expected %zu",
           cz_h5_path(f), path, (unsigned long long)(info.rank == 1 ? info.dims[0] : 0), n);
  return CZ_OK;
}

/* Reads entries [a, a + m) of an optional id dataset; absent means all zero (group ids) or
 * the row itself (group indices). */
static cz_status read_ids_chunk(cz_h5file *f, const char *path, bool present, size_t a, size_t m, bool identity,
                                uint64_t *out) {
  if (present) return cz_h5_read_u64_range(f, path, a, m, out);
  for (size_t i = 0; i < m; i++) out[i] = identity ? a + i : 0;
  return CZ_OK;
}

/* Paths of the per-edge datasets of a population, and which optional ones the file has (asked
 * once: reads may then run on any thread). */
typedef struct edge_paths {
  char src[1024], tgt[1024], type[1024], group[1024], index[1024];
  bool has_group, has_index;
} edge_paths;

static void edge_paths_of(cz_h5file *f, const char *name, edge_paths *p) {
  snprintf(p->src, sizeof p->src, "/edges/%s/source_node_id", name);
  snprintf(p->tgt, sizeof p->tgt, "/edges/%s/target_node_id", name);
  snprintf(p->type, sizeof p->type, "/edges/%s/edge_type_id", name);
  snprintf(p->group, sizeof p->group, "/edges/%s/edge_group_id", name);
  snprintf(p->index, sizeof p->index, "/edges/%s/edge_group_index", name);
  p->has_group = f && cz_h5_exists(f, p->group);
  p->has_index = f && cz_h5_exists(f, p->index);
}

/* Reads rows [a, a + m) of the per-edge datasets; the target ids unless need_targets is false
 * (the caller knows them), the group ids and indices only when some group has synapse columns
 * (need_groups), since they locate nothing otherwise. */
static cz_status read_chunk(cz_h5file *f, const edge_paths *p, size_t a, size_t m, bool need_targets, bool need_groups,
                            edge_chunk *ch) {
  if (need_targets) CZ_TRY(cz_h5_read_u64_range(f, p->tgt, a, m, ch->tgt));
  CZ_TRY(cz_h5_read_u64_range(f, p->src, a, m, ch->src));
  CZ_TRY(cz_h5_read_u64_range(f, p->type, a, m, ch->type_id));
  if (!need_groups) return CZ_OK;
  CZ_TRY(read_ids_chunk(f, p->group, p->has_group, a, m, false, ch->group));
  return read_ids_chunk(f, p->index, p->has_index, a, m, true, ch->index);
}

/* Row of node id in population p, or an error naming the dataset and the file row. */
static cz_status endpoint_row(const cz_node_pop *p, uint64_t id, const char *file, const char *dataset, size_t i,
                              uint32_t *row) {
  size_t r;
  CZ_CHECK(cz_circuit_row_of(p, id, &r), CZ_ERR_FORMAT,
           "%s: %s[%zu] = %llu names a node that does not exist in population %s (%zu nodes)", file, dataset, i,
           (unsigned long long)id, p->name, p->n);
  *row = (uint32_t)r;
  return CZ_OK;
}

/* ------------------------------------------------------------------ edge index */

/* Sorted, disjoint row ranges [a, b) of an edge population. */
typedef struct row_ranges {
  size_t n, cap;
  uint64_t *r; /* [2n] */
} row_ranges;

static int cmp_range(const void *x, const void *y) {
  const uint64_t *a = x, *b = y;
  return (a[0] > b[0]) - (a[0] < b[0]);
}

/* Reads dataset `name` of the target_to_source index under either spelling of the group
 * (indices / indicies) and of the dataset (node_id_to_ranges / node_id_to_range). */
static bool read_index_pairs(cz_h5file *f, const char *pop, const char *const *names, uint64_t **out, size_t *rows) {
  static const char *const groups[] = {"indices", "indicies"};
  for (size_t g = 0; g < 2; g++)
    for (size_t k = 0; names[k]; k++) {
      char path[1024];
      snprintf(path, sizeof path, "/edges/%s/%s/target_to_source/%s", pop, groups[g], names[k]);
      if (cz_h5_is_dataset(f, path)) return cz_h5_read_u64_pairs(f, path, out, rows) == CZ_OK;
    }
  return false;
}

/* Rows between two ranges of kept targets that are cheaper to read through (and skip) than to
 * read around with a read of their own: about a hundred where datasets are read directly (a
 * read costs a few system calls; on 2 ranks, Brunel and HPC networks built 25 % faster with
 * gaps of 64 than of 512 rows read through), tens of thousands where HDF5 reads them (each read
 * opens the dataset and decompresses whole chunks again). */
static size_t gap_rows(cz_h5file *f, const edge_paths *p) {
  return cz_h5_reads_directly(f, p->src) && cz_h5_reads_directly(f, p->tgt) ? 128 : (size_t)1 << 16;
}

/* Merges sorted ranges at most gap rows apart (the rows between belong to other ranks' or
 * threads' targets and are skipped), so a scattered placement costs few reads, not many tiny
 * ones; *expected: the rows of the ranges themselves. False when ranges overlap, which would
 * read an edge twice. */
static bool merge_ranges(row_ranges *out, size_t gap, size_t *expected) {
  size_t m = 0;
  *expected = 0;
  for (size_t i = 0; i < out->n; i++) {
    if (m > 0 && out->r[2 * i] < out->r[2 * (m - 1) + 1]) return false;
    *expected += (size_t)(out->r[2 * i + 1] - out->r[2 * i]);
    if (m > 0 && out->r[2 * i] - out->r[2 * (m - 1) + 1] <= gap) {
      out->r[2 * (m - 1) + 1] = out->r[2 * i + 1];
      continue;
    }
    out->r[2 * m] = out->r[2 * i];
    out->r[2 * m + 1] = out->r[2 * i + 1];
    m++;
  }
  out->n = m;
  return true;
}

/* The rows of the edges onto the targets the filter keeps, from the target_to_source index.
 * The index is used only when it accounts for every edge of the population exactly once
 * (BMTK's files, with gaps filled with [0, 0], do); otherwise *usable is false and the caller
 * scans the whole population, so a partial or stale index can never drop edges. */
static cz_status index_ranges(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                              const cz_edge_filter *flt, row_ranges *out, size_t *expected, bool *usable) {
  static const char *const node_names[] = {"node_id_to_ranges", "node_id_to_range", NULL};
  static const char *const range_names[] = {"range_to_edge_id", NULL};
  *usable = false;
  uint64_t *node_to = NULL, *range_to = NULL;
  size_t nn = 0, nr = 0;
  bool ok = read_index_pairs(f, e->name, node_names, &node_to, &nn) &&
            read_index_pairs(f, e->name, range_names, &range_to, &nr);
  cz_error_clear(); /* a missing or unreadable index only means a full scan */
  uint64_t covered = 0;
  cz_status st = CZ_OK;
  for (size_t r = 0; ok && r < nr; r++) {
    ok = range_to[2 * r] <= range_to[2 * r + 1] && range_to[2 * r + 1] <= n_file;
    if (ok) covered += range_to[2 * r + 1] - range_to[2 * r];
  }
  for (size_t i = 0; ok && i < nn; i++) ok = node_to[2 * i] <= node_to[2 * i + 1] && node_to[2 * i + 1] <= nr;
  ok = ok && covered == n_file;
  for (size_t row = 0; ok && st == CZ_OK && row < tp->n; row++) {
    const uint64_t id = tp->node_id[row];
    if (id >= nn || !flt->keep_target(flt->ctx, e->target_pop, (uint32_t)row)) continue;
    for (uint64_t k = node_to[2 * id]; k < node_to[2 * id + 1] && st == CZ_OK; k++) {
      if (range_to[2 * k] == range_to[2 * k + 1]) continue;
      void *grown = out->r;
      st = cz_grow(&grown, &out->cap, 2 * (out->n + 1), sizeof *out->r);
      out->r = grown;
      if (st != CZ_OK) break;
      out->r[2 * out->n] = range_to[2 * k];
      out->r[2 * out->n + 1] = range_to[2 * k + 1];
      out->n++;
    }
  }
  free(node_to);
  free(range_to);
  CZ_TRY(st);
  if (!ok) return CZ_OK;
  if (out->n > 1) qsort(out->r, out->n, 2 * sizeof *out->r, cmp_range);
  edge_paths p;
  edge_paths_of(NULL, e->name, &p);
  if (!merge_ranges(out, gap_rows(f, &p), expected)) return CZ_OK;
  *usable = true;
  return CZ_OK;
}

/* The spans of an index, [first row, end row, node id] sorted by row, when its ranges cover
 * [0, n_file) exactly once (*ok); the rows' target ids are not looked at. */
static cz_status index_spans(const uint64_t *node_to, size_t nn, const uint64_t *range_to, size_t nr, size_t n_file,
                             uint64_t **out, size_t *nspans, bool *ok) {
  *out = NULL;
  *nspans = 0;
  uint64_t *spans = NULL;
  CZ_NEW(spans, 3 * nr + 3);
  size_t ns = 0;
  *ok = true;
  for (size_t id = 0; *ok && id < nn; id++) {
    *ok = node_to[2 * id] <= node_to[2 * id + 1] && node_to[2 * id + 1] <= nr;
    for (uint64_t k = node_to[2 * id]; *ok && k < node_to[2 * id + 1]; k++) {
      if (range_to[2 * k] == range_to[2 * k + 1]) continue;
      *ok = range_to[2 * k] < range_to[2 * k + 1] && range_to[2 * k + 1] <= n_file && ns < nr;
      if (*ok) {
        spans[3 * ns] = range_to[2 * k];
        spans[3 * ns + 1] = range_to[2 * k + 1];
        spans[3 * ns + 2] = id;
        ns++;
      }
    }
  }
  if (*ok) qsort(spans, ns, 3 * sizeof *spans, cmp_range);
  for (size_t i = 0; *ok && i < ns; i++) *ok = spans[3 * i] == (i ? spans[3 * (i - 1) + 1] : 0);
  *ok = *ok && (ns ? spans[3 * (ns - 1) + 1] : 0) == n_file;
  if (!*ok) {
    free(spans);
    return CZ_OK;
  }
  *out = spans;
  *nspans = ns;
  return CZ_OK;
}

/* Whether every row in [lo, hi) names as its target the node of the span holding it (*ok).
 * Reads the target ids through buf (cap entries); safe on several threads (distinct bufs). */
static cz_status check_span_rows(cz_h5file *f, const char *tgt_path, const uint64_t *spans, size_t ns, size_t lo,
                                 size_t hi, uint64_t *buf, size_t cap, bool *ok) {
  *ok = true;
  size_t sp = 0;
  while (sp < ns && spans[3 * sp + 1] <= lo) sp++;
  for (size_t a = lo; *ok && a < hi; a += cap) {
    const size_t m = hi - a < cap ? hi - a : cap;
    CZ_TRY(cz_h5_read_u64_range(f, tgt_path, a, m, buf));
    for (size_t k = 0; *ok && k < m;) { /* span by span: the spans cover the rows */
      while (a + k >= spans[3 * sp + 1]) sp++;
      const size_t end = spans[3 * sp + 1] - a < m ? (size_t)(spans[3 * sp + 1] - a) : m;
      const uint64_t node = spans[3 * sp + 2];
      uint64_t other = 0;
      for (; k < end; k++) other |= buf[k] ^ node;
      *ok = other == 0;
    }
  }
  return CZ_OK;
}

/* Whether population e's target_to_source index lists exactly its edges: every node's ranges
 * together cover [0, n_file) without overlap, and every row of a node's range names that node
 * as its target. One pass over the target ids (through buf, cap entries). */
static cz_status verify_index(cz_h5file *f, const cz_edge_pop *e, const char *tgt_path, size_t n_file, uint64_t *buf,
                              size_t cap, bool *ok) {
  static const char *const node_names[] = {"node_id_to_ranges", "node_id_to_range", NULL};
  static const char *const range_names[] = {"range_to_edge_id", NULL};
  uint64_t *node_to = NULL, *range_to = NULL, *spans = NULL;
  size_t nn = 0, nr = 0, ns = 0;
  *ok = read_index_pairs(f, e->name, node_names, &node_to, &nn) && read_index_pairs(f, e->name, range_names, &range_to, &nr);
  cz_error_clear();
  cz_status st = *ok ? index_spans(node_to, nn, range_to, nr, n_file, &spans, &ns, ok) : CZ_OK;
  if (st == CZ_OK && *ok) st = check_span_rows(f, tgt_path, spans, ns, 0, n_file, buf, cap, ok);
  free(node_to);
  free(range_to);
  free(spans);
  return st;
}

static bool index_verified(const cz_circuit *c, const char *key) {
  for (size_t i = 0; i < c->nverified; i++)
    if (strcmp(c->verified[i], key) == 0) return true;
  return false;
}

static cz_status mark_verified(cz_circuit *c, const char *key) {
  char **grown = realloc(c->verified, (c->nverified + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->verified = grown;
  CZ_TRY(cz_strdup(key, &c->verified[c->nverified]));
  c->nverified++;
  return CZ_OK;
}

/* What reading rows of a population needs: its file and datasets, types and groups (with this
 * reader's windows), the filter, and where the kept edges go (e, through sink: the population
 * itself, or a batch handed to flt->batch). */
typedef struct row_reader {
  const cz_circuit *c;
  cz_h5file *f;
  cz_edge_pop *e;
  size_t e_index;
  const edge_paths *p;
  bool need_index, ids_only, batching;
  edge_groups *eg;
  const type_index *ti;
  const edge_type_info *info;
  const cz_csv *types;
  const cz_edge_filter *flt;
  edge_sink *sink;
  edge_chunk *ch;
  size_t cap;      /* rows per read */
  bool in_ranges;  /* the ranges come from the index: skip rows of targets the filter drops */
  size_t seen;     /* rows of kept targets read (in_ranges) */
  /* index_spans of an index whose every row was checked: the target ids need no reading */
  const uint64_t *spans;
  size_t nspans;
  size_t streamed; /* edges handed over in full batches */
  bool batch_failed; /* the error being returned is flt->batch's */
} row_reader;

/* How take_plain_rows finds a chunk's weights and delays. */
typedef enum { PLAIN_BY_TYPE, PLAIN_GROUP_COLUMNS, PLAIN_NONE } plain_values;

/* Whether take_plain_rows can take the chunk's m rows, and how it finds their values: node
 * ids that are rows of their populations, type ids in the dense table, no per-edge keep, and
 * weights and delays either all from the types (no group with columns) or all from one group
 * with columns (syn_weight, nsyns, delay: any of them, the types giving the others). Edges
 * failing a check are not excluded: the fast loop hands those to the general checks, which
 * name them. */
static bool plain_chunk(const row_reader *r, size_t m, bool plain_ids, plain_values *how, uint64_t *group) {
  const edge_chunk *ch = r->ch;
  if (!plain_ids || !r->ti->dense || (r->flt && r->flt->keep)) return false;
  const cz_node_pop *sp = &r->c->nodes[r->e->source_pop], *tp = &r->c->nodes[r->e->target_pop];
  uint64_t smax = 0, tmax = 0, ymax = 0;
  for (size_t k = 0; k < m; k++) {
    smax = ch->src[k] > smax ? ch->src[k] : smax;
    tmax = ch->tgt[k] > tmax ? ch->tgt[k] : tmax;
    ymax = ch->type_id[k] > ymax ? ch->type_id[k] : ymax;
  }
  if (m && (smax >= sp->n || tmax >= tp->n || ymax >= r->ti->ndense)) return false;
  if (r->ids_only || !r->need_index) {
    *how = r->ids_only ? PLAIN_NONE : PLAIN_BY_TYPE;
    return true;
  }
  if (!r->sink->per_edge || m == 0) return false;
  const uint64_t g = ch->group[0];
  uint64_t other = 0;
  for (size_t k = 0; k < m; k++) other |= ch->group[k] ^ g;
  if (other) return false;
  if (g >= r->eg->n || !r->eg->g[g].any) return false;
  *how = PLAIN_GROUP_COLUMNS;
  *group = g;
  return true;
}

/* A group column's window indexed by edge_group_index, or NULL where the types give the value
 * (col NULL: no group, or no such column). */
static const double *column_window(const edge_col *col) {
  return col && col->path ? col->win - col->lo : NULL;
}

/* take_plain_rows' columns and checks, one edge at a time: rows a + k0 .. a + k1 - 1 of the
 * chunk, stored from e's slot e->n on (the caller made room for all of them). The first
 * failing edge in file order is the one reported. */
static cz_status take_plain_each(row_reader *r, size_t a, size_t k0, size_t k1, plain_values how, uint64_t group) {
  const cz_edge_filter *flt = r->flt;
  cz_edge_pop *e = r->e;
  const edge_chunk *ch = r->ch;
  const uint32_t *dense = r->ti->dense;
  const bool filtered = flt && flt->keep_target, file_rows = r->sink->file_rows;
  uint32_t last_trow = UINT32_MAX;
  bool keep = true;
  size_t n = e->n, kept = 0;
  cz_status st = CZ_OK;
  for (size_t k = k0; k < k1; k++) {
    const uint32_t trow = (uint32_t)ch->tgt[k];
    if (filtered && trow != last_trow) {
      last_trow = trow;
      keep = flt->keep_target(flt->ctx, e->target_pop, trow);
    }
    if (!keep) continue;
    kept++;
    const uint32_t type = dense[ch->type_id[k]];
    if (type == UINT32_MAX) {
      e->n = n; /* the edges before it, for read_rows */
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] = %llu is not an edge_type_id of %s", e->file, r->p->type, a + k,
                      (unsigned long long)ch->type_id[k], r->types->path);
    }
    e->source_row[n] = (uint32_t)ch->src[k];
    e->target_row[n] = trow;
    e->type[n] = type;
    if (file_rows) e->file_row[n] = a + k;
    if (how == PLAIN_GROUP_COLUMNS && (st = resolve_columns(e, n, r->eg, &r->info[type], group, ch->index[k])) != CZ_OK) {
      e->n = n; /* the edges before it, for read_rows */
      return st;
    }
    n++;
  }
  e->n = n;
  if (r->in_ranges) r->seen += kept;
  return CZ_OK;
}

/* Whether the filter keeps every target of rows k0 .. k1 - 1 (asked once per run of a target,
 * as the files are sorted by target). */
static bool keeps_all_targets(const row_reader *r, size_t k0, size_t k1) {
  const cz_edge_filter *flt = r->flt;
  if (!flt || !flt->keep_target) return true;
  const uint64_t *tgt = r->ch->tgt;
  for (size_t k = k0; k < k1; k++)
    if ((k == k0 || tgt[k] != tgt[k - 1]) && !flt->keep_target(flt->ctx, r->e->target_pop, (uint32_t)tgt[k]))
      return false;
  return true;
}

/* The column-wise form of take_plain_each, for rows whose targets are all kept: each array of
 * the batch written in a loop of its own, the checks folded into flags instead of a branch per
 * edge. False, having stored nothing that counts (e->n unchanged), when an edge fails a check:
 * take_plain_each then names it. */
static bool take_plain_columns(row_reader *r, size_t a, size_t k0, size_t k1, plain_values how, uint64_t group) {
  cz_edge_pop *e = r->e;
  const edge_chunk *ch = r->ch;
  const size_t n = e->n, m = k1 - k0;
  const uint64_t *src = ch->src + k0, *tgt = ch->tgt + k0, *tid = ch->type_id + k0;
  uint32_t *srow = e->source_row + n, *trow = e->target_row + n, *type = e->type + n;
  const uint32_t *dense = r->ti->dense;
  bool ok = true;
  for (size_t j = 0; j < m; j++) srow[j] = (uint32_t)src[j];
  for (size_t j = 0; j < m; j++) trow[j] = (uint32_t)tgt[j];
  for (size_t j = 0; j < m; j++) {
    type[j] = dense[tid[j]];
    ok &= type[j] != UINT32_MAX;
  }
  if (r->sink->file_rows)
    for (size_t j = 0; j < m; j++) e->file_row[n + j] = a + k0 + j;
  if (!ok) return false;
  if (how == PLAIN_GROUP_COLUMNS) {
    const edge_group *g = &r->eg->g[group];
    const double *wcol = column_window(&g->syn_weight), *ncol = column_window(&g->nsyns);
    const double *dcol = column_window(&g->delay);
    const uint64_t *idx = ch->index + k0;
    double *weight = e->col.syn_weight + n, *delay = e->col.delay + n;
    double *nsyns = e->col.nsyns ? e->col.nsyns + n : NULL;
    /* x * 0 is NaN exactly when x is not finite, so the sum below stays 0 only if every value
     * the group gives is finite (a type's value may be NAN: it has none) */
    double nonfinite = 0.0;
    if (wcol && dcol && !ncol && !nsyns) { /* the usual group: syn_weight and delay */
      for (size_t j = 0; j < m; j++) {
        const uint64_t x = idx[j];
        const double w = wcol[x], d = dcol[x];
        nonfinite += w * 0.0 + d * 0.0;
        weight[j] = w;
        delay[j] = d;
      }
    } else {
      for (size_t j = 0; j < m; j++) {
        const edge_type_info *ti = &r->info[type[j]];
        const uint64_t x = idx[j];
        const double w = wcol ? wcol[x] : ti->col.syn_weight, ns = ncol ? ncol[x] : ti->col.nsyns;
        const double d = dcol ? dcol[x] : ti->col.delay;
        nonfinite += (wcol ? w * 0.0 : 0.0) + (ncol ? ns * 0.0 : 0.0) + (dcol ? d * 0.0 : 0.0);
        weight[j] = w;
        delay[j] = d;
        if (nsyns) nsyns[j] = ns;
      }
    }
    ok = nonfinite == 0.0;
  }
  if (!ok) return false;
  e->n = n + m;
  if (r->in_ranges) r->seen += m;
  return true;
}

/* read_rows' loop for a chunk plain_chunk accepts (rows a .. a + m - 1): the same edges, kept
 * and checked as the general loop keeps and checks them, without its per-edge lookups. The
 * chunk goes in segments that fit the batch (full batches handed on in between), each taken
 * column-wise when it can be, else edge by edge. */
/* Rows per column-wise segment: a segment's columns stay in cache from one loop to the next. */
enum { PLAIN_SEGMENT = 8192 };

static cz_status take_plain_rows(row_reader *r, size_t a, size_t m, plain_values how, uint64_t group) {
  const cz_edge_filter *flt = r->flt;
  cz_edge_pop *e = r->e;
  cz_status st = CZ_OK;
  for (size_t k0 = 0; k0 < m;) {
    if (e->n == r->sink->cap) {
      if (r->batching && (st = flt->batch(flt->batch_ctx, r->c, r->e_index, e)) == CZ_OK) {
        r->streamed += e->n;
        e->n = 0;
      }
      r->batch_failed = st != CZ_OK;
      if (st == CZ_OK && !r->batching) st = sink_reserve(r->sink, e->n + (m - k0));
      if (st != CZ_OK) return st;
    }
    size_t k1 = k0 + (m - k0 < r->sink->cap - e->n ? m - k0 : r->sink->cap - e->n);
    if (k1 - k0 > PLAIN_SEGMENT) k1 = k0 + PLAIN_SEGMENT;
    if (!(keeps_all_targets(r, k0, k1) && take_plain_columns(r, a, k0, k1, how, group)) &&
        (st = take_plain_each(r, a, k0, k1, how, group)) != CZ_OK)
      return st;
    k0 = k1;
  }
  return CZ_OK;
}

/* The target ids of rows [a, a + m), from the spans of an index checked against every row. */
static void targets_of_rows(const uint64_t *spans, size_t ns, size_t a, size_t m, uint64_t *tgt) {
  size_t lo = 0, hi = ns; /* the first span ending after row a */
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (spans[3 * mid + 1] <= a) lo = mid + 1;
    else hi = mid;
  }
  for (size_t k = 0, sp = lo; k < m && sp < ns; sp++) {
    const size_t end = spans[3 * sp + 1] - a < m ? (size_t)(spans[3 * sp + 1] - a) : m;
    const uint64_t node = spans[3 * sp + 2];
    for (; k < end; k++) tgt[k] = node;
  }
}

/* Reads the rows of ranges chunk by chunk, checks each kept edge and adds it to the sink. */
static cz_status read_rows_in(row_reader *r, const row_ranges *ranges) {
  const cz_edge_filter *flt = r->flt;
  cz_edge_pop *e = r->e;
  const cz_node_pop *sp = &r->c->nodes[e->source_pop], *tp = &r->c->nodes[e->target_pop];
  const bool plain_ids = sp->identity_ids && tp->identity_ids; /* node id = row */
  edge_chunk *ch = r->ch;
  cz_status st = CZ_OK;
  for (size_t q = 0; q < ranges->n && st == CZ_OK; q++)
    for (size_t a = (size_t)ranges->r[2 * q]; a < ranges->r[2 * q + 1] && st == CZ_OK; a += r->cap) {
      const size_t m = (size_t)ranges->r[2 * q + 1] - a < r->cap ? (size_t)ranges->r[2 * q + 1] - a : r->cap;
      st = read_chunk(r->f, r->p, a, m, !r->spans, r->need_index, ch);
      if (st == CZ_OK && r->spans) targets_of_rows(r->spans, r->nspans, a, m, ch->tgt);
      if (st == CZ_OK && r->need_index) st = read_group_windows(r->f, e->file, e->name, r->eg, a, m, ch->group, ch->index);
      plain_values how = PLAIN_NONE;
      uint64_t group = 0;
      if (st == CZ_OK && plain_chunk(r, m, plain_ids, &how, &group)) {
        st = take_plain_rows(r, a, m, how, group);
        continue;
      }
      /* Files are sorted by target, so a target's answer serves its run of rows. */
      uint32_t last_trow = UINT32_MAX;
      bool last_keep = true;
      for (size_t k = 0; k < m && st == CZ_OK; k++) {
        uint32_t trow = 0, srow = 0, type = 0;
        if (plain_ids && ch->tgt[k] < tp->n && ch->src[k] < sp->n) {
          trow = (uint32_t)ch->tgt[k];
          srow = (uint32_t)ch->src[k];
        } else {
          st = endpoint_row(tp, ch->tgt[k], e->file, r->p->tgt, a + k, &trow);
          if (st == CZ_OK) st = endpoint_row(sp, ch->src[k], e->file, r->p->src, a + k, &srow);
          if (st != CZ_OK) break;
        }
        if (flt && flt->keep_target && trow != last_trow) {
          last_trow = trow;
          last_keep = flt->keep_target(flt->ctx, e->target_pop, trow);
        }
        if (r->in_ranges) {
          if (!last_keep) continue; /* a row between ranges */
          r->seen++;
        }
        if (flt && flt->keep && !flt->keep(flt->ctx, e->source_pop, srow, e->target_pop, trow)) continue;
        if (!r->in_ranges && flt && !flt->keep && flt->keep_target && !last_keep) continue;
        if (!type_row_of(r->ti, ch->type_id[k], &type)) {
          st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] = %llu is not an edge_type_id of %s", e->file, r->p->type, a + k,
                        (unsigned long long)ch->type_id[k], r->types->path);
          break;
        }
        if (e->n == r->sink->cap) {
          if (r->batching && (st = flt->batch(flt->batch_ctx, r->c, r->e_index, e)) == CZ_OK) {
            r->streamed += e->n;
            e->n = 0;
          }
          r->batch_failed = st != CZ_OK;
          if (st == CZ_OK && !r->batching) st = sink_reserve(r->sink, e->n + 1);
          if (st != CZ_OK) break;
        }
        e->source_row[e->n] = srow;
        e->target_row[e->n] = trow;
        e->type[e->n] = type;
        if (r->sink->file_rows) e->file_row[e->n] = a + k;
        /* Without per-edge columns every edge takes its type's: nothing to resolve. */
        if (r->sink->per_edge)
          st = resolve_columns(e, e->n, r->eg, &r->info[type], r->need_index ? ch->group[k] : UINT64_MAX,
                               r->need_index ? ch->index[k] : 0);
        e->n++;
      }
    }
  return st;
}

/* read_rows_in, and when the files break their format at an edge of a stream, the kept edges
 * before it go to the batch first: the consumer's own checks of those edges come earlier in
 * file order, so its error, if any, is the one reported. */
static cz_status read_rows(row_reader *r, const row_ranges *ranges) {
  cz_status st = read_rows_in(r, ranges);
  if (st == CZ_OK || r->batch_failed || !r->batching || r->e->n == 0) return st;
  cz_error_note format;
  cz_error_take(st, &format);
  const cz_status bst = r->flt->batch(r->flt->batch_ctx, r->c, r->e_index, r->e);
  r->e->n = 0;
  if (bst == CZ_OK) return cz_error_raise(&format);
  cz_error_note_free(&format);
  return bst;
}

/* Reads the population in chunks of EDGE_CHUNK rows, so the scratch memory is bounded, and
 * keeps the edges the filter accepts (all when it is NULL). Every kept edge is validated. */
static cz_status read_edges(cz_circuit *c, cz_h5file *f, cz_edge_pop *e, size_t n_file, const type_index *ti,
                            const edge_type_info *info, edge_groups *eg, const cz_csv *types,
                            const cz_edge_filter *flt) {
  edge_paths p;
  edge_paths_of(f, e->name, &p);
  CZ_TRY(check_length(f, p.type, n_file, true));
  CZ_TRY(check_length(f, p.group, n_file, false));
  CZ_TRY(check_length(f, p.index, n_file, false));
  const bool ids_only = flt && flt->ids_only;
  const bool need_index = groups_have_columns(eg) && !ids_only;
  const cz_node_pop *tp = &c->nodes[e->target_pop];
  const bool batching = flt && flt->batch;
  edge_sink sink = {e, groups_override_synapses(eg) && !ids_only, 0, batching || (flt && flt->file_rows), false};
  sink.nsyns = sink.per_edge && groups_have_nsyns(eg);
  e->ids_only = ids_only;
  const size_t e_index = (size_t)(e - c->edges);
  /* The rows to read: the kept targets' ranges from the index, or the whole population. */
  row_ranges ranges = {0, 0, NULL};
  bool indexed = false, inconsistent = false;
  size_t expected = 0; /* rows of kept targets, by the index's count */
  cz_status st = CZ_OK;
  if (flt && flt->keep_target) st = index_ranges(f, e, tp, n_file, flt, &ranges, &expected, &indexed);
  const size_t cap = n_file < EDGE_CHUNK ? (n_file ? n_file : 1) : EDGE_CHUNK;
  edge_chunk *chp = NULL;
  if (st == CZ_OK) st = edge_chunk_get(c, cap, &chp);
  edge_chunk ch = chp ? *chp : (edge_chunk){0};
  /* The index is trusted once it has been checked against every edge of the file (kept in c, so
   * that later loads of other targets need no check), or when the kept targets own exactly as
   * many rows in the whole file as in its ranges: one pass over the target ids either way,
   * cheaper than reading every dataset. */
  char key[2048];
  snprintf(key, sizeof key, "%s:%s", e->file, e->name);
  bool trusted = indexed && index_verified(c, key);
  if (st == CZ_OK && indexed && !trusted) {
    bool ok = false;
    st = verify_index(f, e, p.tgt, n_file, ch.tgt, cap, &ok);
    if (st == CZ_OK && ok) {
      trusted = true;
      st = mark_verified(c, key);
    }
  }
  /* Streamed batches cannot be taken back, so a stream reads through a checked index only. */
  if (st == CZ_OK && batching && indexed && !trusted) {
    inconsistent = true;
    cz_log_warn("%s: the target_to_source index of %s does not match its edges; reading every edge", e->file, e->name);
  }
  if (st == CZ_OK && indexed && !trusted && !inconsistent) {
    size_t owned = 0;
    for (size_t a = 0; a < n_file && st == CZ_OK; a += cap) {
      const size_t m = n_file - a < cap ? n_file - a : cap;
      st = cz_h5_read_u64_range(f, p.tgt, a, m, ch.tgt);
      for (size_t k = 0; k < m && st == CZ_OK; k++) {
        uint32_t trow = 0;
        st = endpoint_row(tp, ch.tgt[k], e->file, p.tgt, a + k, &trow);
        if (st == CZ_OK && flt->keep_target(flt->ctx, e->target_pop, trow)) owned++;
      }
    }
    if (st == CZ_OK && owned != expected) {
      inconsistent = true;
      cz_log_warn("%s: the target_to_source index of %s does not match its edges; reading every edge", e->file,
                  e->name);
    }
  }
  /* Size the arrays once when the number of kept edges is known: growing them by doubling
   * would copy them repeatedly. */
  if (st == CZ_OK && batching) {
    sink.cap = flt->batch_edges ? flt->batch_edges : EDGE_CHUNK;
    st = batch_arrays_lend(chp, sink.cap, sink.per_edge, sink.nsyns, e);
  } else if (st == CZ_OK && (!flt || (!flt->keep && !flt->keep_target))) {
    st = sink_reserve(&sink, n_file);
  } else if (st == CZ_OK && indexed && !inconsistent) {
    st = sink_reserve(&sink, expected);
  }
  row_reader reader = {.c = c, .f = f, .e = e, .e_index = e_index, .p = &p, .need_index = need_index,
                       .ids_only = ids_only, .batching = batching, .eg = eg, .ti = ti, .info = info, .types = types,
                       .flt = flt, .sink = &sink, .ch = &ch, .cap = cap};
  for (int pass = indexed && !inconsistent ? 0 : 1; pass < 2 && st == CZ_OK; pass++) {
    if (pass == 1) {
      if (indexed && !inconsistent) break;
      /* No index, or one that pointed at another node's edges: read every row. */
      e->n = 0;
      ranges.n = 0;
      void *grown = ranges.r;
      st = cz_grow(&grown, &ranges.cap, 2, sizeof *ranges.r);
      ranges.r = grown;
      if (st == CZ_OK && n_file > 0) {
        ranges.r[0] = 0;
        ranges.r[1] = n_file;
        ranges.n = 1;
      }
    }
    reader.in_ranges = pass == 0;
    if (st == CZ_OK) st = read_rows(&reader, &ranges);
    /* Rows of kept targets outside the index's ranges would be lost: the counts must agree. */
    if (pass == 0 && st == CZ_OK && reader.seen != expected) inconsistent = true;
    if (pass == 0 && st == CZ_OK && inconsistent && batching)
      st = CZ_ERROR(CZ_ERR_INTERNAL, "%s: the checked index of %s missed edges", e->file, e->name);
    if (pass == 0 && inconsistent)
      cz_log_warn("%s: the target_to_source index of %s does not match its edges; reading every edge", e->file, e->name);
  }
  e->via_index = st == CZ_OK && indexed && !inconsistent;
  if (st == CZ_OK && flt && flt->keep_target)
    cz_log_debug("%s: %s: kept %zu of %zu edges, %s", e->file, e->name, reader.streamed + e->n, n_file,
                 indexed && !inconsistent ? "reading the kept targets' rows through the index" : "scanning every row");
  free(ranges.r);
  if (batching) {
    if (st == CZ_OK && e->n > 0) st = flt->batch(flt->batch_ctx, c, e_index, e);
    batch_arrays_return(e);
  } else if (st == CZ_OK) {
    sink_shrink(&sink);
  }
  return st;
}

/* The node populations at the two ends of edge population name and its number of edges,
 * checked: both populations exist, the target is not virtual, and the id datasets are 1-D
 * and equally long. */
static cz_status edge_pop_ends(const cz_circuit *c, cz_h5file *f, const char *file, const char *name,
                               uint32_t *source_pop, uint32_t *target_pop, size_t *n_file) {
  char src[1024], tgt[1024];
  snprintf(src, sizeof src, "/edges/%s/source_node_id", name);
  snprintf(tgt, sizeof tgt, "/edges/%s/target_node_id", name);
  CZ_CHECK(cz_h5_is_dataset(f, src), CZ_ERR_FORMAT, "%s: edge population %s has no dataset %s", file, name, src);
  CZ_CHECK(cz_h5_is_dataset(f, tgt), CZ_ERR_FORMAT, "%s: edge population %s has no dataset %s", file, name, tgt);
  char *src_pop = NULL, *tgt_pop = NULL;
  cz_status st = read_pop_attr(f, src, "node_population", &src_pop);
  if (st == CZ_OK) st = read_pop_attr(f, tgt, "node_population", &tgt_pop);
  int sp = src_pop ? cz_circuit_find_pop(c, src_pop) : -1, tp = tgt_pop ? cz_circuit_find_pop(c, tgt_pop) : -1;
  /* BMTK refuses edges whose populations were not loaded; say why one may be missing. */
  const char *why = c->nodes_disabled ? " (networks.nodes entries with \"enabled\": false are not loaded)" : "";
  if (st == CZ_OK && sp < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s@node_population names population '%s', which no loaded nodes file defines%s",
                  file, src, src_pop, why);
  if (st == CZ_OK && tp < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s@node_population names population '%s', which no loaded nodes file defines%s",
                  file, tgt, tgt_pop, why);
  if (st == CZ_OK && c->nodes[tp].n > 0 && c->nodes[tp].nvirtual == c->nodes[tp].n)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: edge population %s targets the virtual population %s", file, name, tgt_pop);
  free(src_pop);
  free(tgt_pop);
  CZ_TRY(st);
  cz_h5_info is, it;
  CZ_TRY(cz_h5_info_of(f, src, &is));
  CZ_TRY(cz_h5_info_of(f, tgt, &it));
  CZ_CHECK(is.rank == 1 && it.rank == 1, CZ_ERR_FORMAT, "%s: %s and %s must be 1-D datasets", file, src, tgt);
  CZ_CHECK(is.dims[0] == it.dims[0], CZ_ERR_FORMAT, "%s: %s has %llu entries but %s has %llu", file, src,
           (unsigned long long)is.dims[0], tgt, (unsigned long long)it.dims[0]);
  const cz_node_pop *spp = &c->nodes[sp], *tpp = &c->nodes[tp];
  CZ_CHECK(spp->n < UINT32_MAX && tpp->n < UINT32_MAX, CZ_ERR_FORMAT, "%s: populations of %s are too large to index",
           file, name);
  *source_pop = (uint32_t)sp;
  *target_pop = (uint32_t)tp;
  *n_file = (size_t)is.dims[0];
  return CZ_OK;
}

static cz_status load_edge_pop_into(cz_circuit *c, cz_h5file *f, const char *file, const cz_csv *types,
                                    const type_index *ti, const edge_type_info *info, const char *name,
                                    cz_edge_pop *e, const cz_edge_filter *flt) {
  CZ_TRY(cz_strdup(name, &e->name));
  CZ_TRY(cz_strdup(file, &e->file));
  size_t n_file = 0;
  CZ_TRY(edge_pop_ends(c, f, file, name, &e->source_pop, &e->target_pop, &n_file));
  CZ_TRY(edge_types_of(e, info, types));
  edge_groups eg = {0, NULL};
  char path[1024];
  snprintf(path, sizeof path, "/edges/%s", name);
  cz_status st = load_edge_groups(f, path, &eg);
  if (st == CZ_OK) st = read_edges(c, f, e, n_file, ti, info, &eg, types, flt);
  edge_groups_free(&eg);
  return st;
}

/* A new, empty population at the end of c->edges; a name already there is an error. */
static cz_status append_edge_pop(cz_circuit *c, const char *file, const char *name, cz_edge_pop **out) {
  for (size_t i = 0; i < c->nedges; i++)
    CZ_CHECK(strcmp(c->edges[i].name, name) != 0, CZ_ERR_FORMAT,
             "%s: edge population '%s' is defined twice (also in %s)", file, name, c->edges[i].file);
  cz_edge_pop *grown = realloc(c->edges, (c->nedges + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->edges = grown;
  *out = &c->edges[c->nedges++];
  memset(*out, 0, sizeof **out);
  return CZ_OK;
}

static cz_status load_edge_pop(cz_circuit *c, cz_h5file *f, const char *file, const cz_csv *types, const type_index *ti,
                               const edge_type_info *info, const char *name, const cz_edge_filter *flt) {
  cz_edge_pop *e = NULL;
  CZ_TRY(append_edge_pop(c, file, name, &e));
  return load_edge_pop_into(c, f, file, types, ti, info, name, e, flt);
}

static cz_status load_edges_file(cz_circuit *c, const cz_config *cfg, size_t k, const cz_edge_filter *flt) {
  const cz_cfg_edges *e = &cfg->edges[k];
  cz_csv *types = NULL;
  cz_status rs = cz_csv_read(e->edge_types_file, &types);
  if (rs != CZ_OK) return cz_error_prefix(rs, "networks.edges[%zu].edge_types_file", k);
  CZ_TRY(keep_table(c, types));
  type_index ti = {0};
  edge_type_info *info = NULL;
  CZ_TRY(build_type_index(types, "edge_type_id", &ti));
  cz_status st = edge_type_infos(c, cfg, types, &info);
  cz_h5file *f = NULL;
  char **pops = NULL;
  size_t npops = 0;
  if (st == CZ_OK && (st = cz_h5_open_read(e->edges_file, &f)) != CZ_OK)
    cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
  if (st == CZ_OK && !cz_h5_is_group(f, "/edges"))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no /edges group (networks.edges[%zu].edges_file)", e->edges_file, k);
  if (st == CZ_OK) st = cz_h5_list(f, "/edges", &pops, &npops);
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = load_edge_pop(c, f, e->edges_file, types, &ti, info, pops[i], flt);
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  free(info);
  type_index_free(&ti);
  return st;
}

/* First row of part `part` when n rows are split into nparts nearly equal slices. */
static size_t slice_start(size_t n, int part, int nparts) {
  const size_t q = n / (size_t)nparts, r = n % (size_t)nparts; /* n * part / nparts without overflow */
  return q * (size_t)part + r * (size_t)part / (size_t)nparts;
}

/* ------------------------------------------------------------------ edge streams
 *
 * The per-thread reader. cz_edge_streams_open does, on one thread, everything that asks HDF5
 * about the files (types, groups, dataset shapes, the target_to_source index, checked against
 * the target ids of a slice of the rows, or trusted when checked before); cz_edge_streams_read
 * then only reads ranges of rows, which the HDF5 layer serves on any number of threads at once
 * (contiguous datasets with pread). Each thread reads the rows of the targets its filter
 * keeps, through the index, into its own slot (chunk buffers, batch arrays, group windows and
 * a view of the population), so threads share nothing they write. */

typedef struct stream_file {
  cz_h5file *f;
  type_index ti;
  edge_type_info *info;
  const cz_csv *types; /* owned by the circuit */
} stream_file;

typedef struct stream_pop {
  size_t file; /* index into files */
  size_t e;    /* index into c->edges */
  edge_paths p;
  size_t n_file;
  edge_groups eg; /* columns; every read has windows of its own */
  uint64_t *node_to, *range_to; /* the index: [2 nn], [2 nr] */
  size_t nn, nr;
  uint64_t *spans; /* index_spans: which node each row belongs to */
  size_t nspans;
  bool by_target; /* the index lists exactly the population's edges (as far as checked) */
  bool rows_checked; /* every row's target id is its span's node (checked now, or before by
                        this circuit: index_verified), so reads take the ids from the spans */
  size_t gap;     /* gap_rows */
} stream_pop;

struct cz_edge_streams {
  cz_circuit *c;
  size_t nfiles, npops;
  stream_file *files;
  stream_pop *pops;
  int nslots;
  edge_chunk **slot; /* [nslots] */
};

static void stream_pop_free(stream_pop *sp) {
  edge_groups_free(&sp->eg);
  free(sp->spans);
  free(sp->node_to);
  free(sp->range_to);
}

void cz_edge_streams_close(cz_edge_streams **ps) {
  cz_edge_streams *s = ps ? *ps : NULL;
  if (!s) return;
  for (size_t i = 0; i < s->npops; i++) stream_pop_free(&s->pops[i]);
  for (size_t k = 0; k < s->nfiles; k++) {
    cz_h5_close(&s->files[k].f);
    type_index_free(&s->files[k].ti);
    free(s->files[k].info);
  }
  for (int t = 0; t < s->nslots; t++) edge_chunk_free(s->slot[t]);
  free(s->slot);
  free(s->files);
  free(s->pops);
  cz_circuit_free_edges(s->c);
  free(s);
  *ps = NULL;
}

/* Reads population sp's index and its spans (the ranges must cover the rows exactly once);
 * with check_rows, also every row's target id, unless this circuit checked it before.
 * sp->by_target tells whether it held so far. buf: cap entries of scratch. */
/* Reading through the index visits only the population's own nodes: an edge onto an id the
 * population lacks would be skipped without a word, so such an id is an error here, as it is
 * when the edges are read whole. */
static cz_status check_span_targets(const cz_circuit *c, const cz_edge_pop *e, const stream_pop *sp) {
  const cz_node_pop *tp = &c->nodes[e->target_pop];
  for (size_t i = 0; i < sp->nspans; i++) {
    size_t row;
    const uint64_t *span = &sp->spans[3 * i];
    CZ_CHECK(span[0] == span[1] || cz_circuit_row_of(tp, span[2], &row), CZ_ERR_FORMAT,
             "%s: /edges/%s/target_node_id[%llu] = %llu names a node that does not exist in population %s (%zu "
             "nodes)",
             e->file, e->name, (unsigned long long)span[0], (unsigned long long)span[2], tp->name, tp->n);
  }
  return CZ_OK;
}

static cz_status stream_index(cz_circuit *c, cz_h5file *f, const cz_edge_pop *e, stream_pop *sp, bool check_rows,
                              uint64_t *buf, size_t cap) {
  static const char *const node_names[] = {"node_id_to_ranges", "node_id_to_range", NULL};
  static const char *const range_names[] = {"range_to_edge_id", NULL};
  sp->by_target = read_index_pairs(f, e->name, node_names, &sp->node_to, &sp->nn) &&
                  read_index_pairs(f, e->name, range_names, &sp->range_to, &sp->nr);
  cz_error_clear(); /* without a usable index the population is read whole */
  if (!sp->by_target) return CZ_OK;
  CZ_TRY(index_spans(sp->node_to, sp->nn, sp->range_to, sp->nr, sp->n_file, &sp->spans, &sp->nspans, &sp->by_target));
  char key[2048];
  snprintf(key, sizeof key, "%s:%s", e->file, e->name);
  sp->rows_checked = sp->by_target && index_verified(c, key);
  if (sp->by_target && sp->rows_checked) return check_span_targets(c, e, sp);
  if (!sp->by_target || !check_rows) return CZ_OK;
  CZ_TRY(check_span_rows(f, sp->p.tgt, sp->spans, sp->nspans, 0, sp->n_file, buf, cap, &sp->by_target));
  sp->rows_checked = sp->by_target;
  return sp->by_target ? check_span_targets(c, e, sp) : CZ_OK;
}

/* Adds population `name` of file k to the streams: its metadata into c->edges, the rest into
 * a stream_pop. */
static cz_status stream_pop_open(cz_edge_streams *s, size_t k, const char *file, const char *name,
                                 bool check_rows) {
  cz_circuit *c = s->c;
  cz_edge_pop *e = NULL;
  CZ_TRY(append_edge_pop(c, file, name, &e));
  stream_pop *sp = &s->pops[s->npops++];
  memset(sp, 0, sizeof *sp);
  sp->file = k;
  sp->e = c->nedges - 1;
  const stream_file *sf = &s->files[k];
  CZ_TRY(cz_strdup(name, &e->name));
  CZ_TRY(cz_strdup(file, &e->file));
  CZ_TRY(edge_pop_ends(c, sf->f, file, name, &e->source_pop, &e->target_pop, &sp->n_file));
  CZ_TRY(edge_types_of(e, sf->info, sf->types));
  char path[1024];
  snprintf(path, sizeof path, "/edges/%s", name);
  CZ_TRY(load_edge_groups(sf->f, path, &sp->eg));
  edge_paths_of(sf->f, name, &sp->p);
  sp->gap = gap_rows(sf->f, &sp->p);
  CZ_TRY(check_length(sf->f, sp->p.type, sp->n_file, true));
  CZ_TRY(check_length(sf->f, sp->p.group, sp->n_file, false));
  CZ_TRY(check_length(sf->f, sp->p.index, sp->n_file, false));
  edge_chunk *ch = s->slot[0];
  return stream_index(c, sf->f, e, sp, check_rows, ch->tgt, ch->cap);
}

static cz_status stream_file_open(cz_edge_streams *s, const cz_config *cfg, size_t k, bool check_rows) {
  const cz_cfg_edges *ce = &cfg->edges[k];
  stream_file *sf = &s->files[s->nfiles++];
  memset(sf, 0, sizeof *sf);
  cz_csv *types = NULL;
  cz_status rs = cz_csv_read(ce->edge_types_file, &types);
  if (rs != CZ_OK) return cz_error_prefix(rs, "networks.edges[%zu].edge_types_file", k);
  CZ_TRY(keep_table(s->c, types));
  sf->types = types;
  CZ_TRY(build_type_index(types, "edge_type_id", &sf->ti));
  CZ_TRY(edge_type_infos(s->c, cfg, types, &sf->info));
  cz_status st = cz_h5_open_read(ce->edges_file, &sf->f);
  if (st != CZ_OK) return cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
  CZ_CHECK(cz_h5_is_group(sf->f, "/edges"), CZ_ERR_FORMAT, "%s: no /edges group (networks.edges[%zu].edges_file)",
           ce->edges_file, k);
  char **pops = NULL;
  size_t npops = 0;
  CZ_TRY(cz_h5_list(sf->f, "/edges", &pops, &npops));
  stream_pop *grown = realloc(s->pops, (s->npops + npops + 1) * sizeof *grown);
  st = grown ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (grown) s->pops = grown;
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = stream_pop_open(s, s->nfiles - 1, ce->edges_file, pops[i], check_rows);
  cz_h5_free_names(pops, npops);
  return st;
}

cz_status cz_edge_streams_open(cz_circuit *c, const cz_config *cfg, int nslots, bool check_rows,
                               cz_edge_streams **out) {
  *out = NULL;
  CZ_CHECK(c->nedges == 0, CZ_ERR_INTERNAL, "edges are already loaded");
  CZ_CHECK(nslots >= 1, CZ_ERR_INTERNAL, "edge streams: %d slots", nslots);
  cz_edge_streams *s = NULL;
  CZ_NEW(s, 1);
  s->c = c;
  cz_status st = CZ_OK;
  s->files = cz_calloc(cfg->nedges + 1, sizeof *s->files);
  s->slot = cz_calloc((size_t)nslots, sizeof *s->slot);
  if (!s->files || !s->slot) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) s->nslots = nslots;
  for (int t = 0; t < s->nslots && st == CZ_OK; t++) st = edge_chunk_new(EDGE_CHUNK, &s->slot[t]);
  for (size_t k = 0; k < cfg->nedges && st == CZ_OK; k++)
    if (cfg->edges[k].enabled) st = stream_file_open(s, cfg, k, check_rows);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_edge_streams_close(&s);
    return st;
  }
  *out = s;
  return CZ_OK;
}

size_t cz_edge_streams_count(const cz_edge_streams *s) { return s->npops; }

cz_status cz_edge_streams_check_rows(cz_edge_streams *s, size_t i, int slot, int part, int nparts, bool *ok) {
  CZ_CHECK(i < s->npops && slot >= 0 && slot < s->nslots && part >= 0 && part < nparts, CZ_ERR_INTERNAL,
           "edge streams: population %zu, slot %d, part %d of %d", i, slot, part, nparts);
  const stream_pop *sp = &s->pops[i];
  *ok = sp->by_target;
  if (!sp->by_target || sp->rows_checked) return CZ_OK;
  const size_t lo = slice_start(sp->n_file, part, nparts), hi = slice_start(sp->n_file, part + 1, nparts);
  edge_chunk *ch = s->slot[slot];
  return check_span_rows(s->files[sp->file].f, sp->p.tgt, sp->spans, sp->nspans, lo, hi, ch->tgt, ch->cap, ok);
}

bool cz_edge_streams_index_ok(const cz_edge_streams *s, size_t i) { return s->pops[i].by_target; }

cz_status cz_edge_streams_set_index_ok(cz_edge_streams *s, size_t i, bool ok) {
  stream_pop *sp = &s->pops[i];
  sp->by_target = sp->rows_checked = ok;
  if (!ok) return CZ_OK;
  const cz_edge_pop *e = &s->c->edges[sp->e];
  CZ_TRY(check_span_targets(s->c, e, sp));
  char key[2048];
  snprintf(key, sizeof key, "%s:%s", e->file, e->name);
  return index_verified(s->c, key) ? CZ_OK : mark_verified(s->c, key);
}

bool cz_edge_streams_by_target(const cz_edge_streams *s) {
  for (size_t i = 0; i < s->npops; i++)
    if (!s->pops[i].by_target) return false;
  return true;
}

cz_status cz_edge_streams_in_counts(const cz_edge_streams *s, size_t e, uint64_t *count) {
  const stream_pop *sp = NULL;
  for (size_t i = 0; i < s->npops && !sp; i++)
    if (s->pops[i].e == e) sp = &s->pops[i];
  CZ_CHECK(sp && sp->by_target, CZ_ERR_INTERNAL, "edge population %zu has no checked index", e);
  const cz_node_pop *tp = &s->c->nodes[s->c->edges[e].target_pop];
  for (size_t row = 0; row < tp->n; row++) {
    const uint64_t id = tp->node_id[row];
    if (id >= sp->nn) continue;
    for (uint64_t k = sp->node_to[2 * id]; k < sp->node_to[2 * id + 1]; k++)
      count[row] += sp->range_to[2 * k + 1] - sp->range_to[2 * k];
  }
  return CZ_OK;
}

/* The row ranges of the targets flt keeps, sorted, ranges at most sp->gap rows apart merged;
 * *expected: their rows. */
static cz_status stream_ranges(const cz_circuit *c, const stream_pop *sp, const cz_edge_filter *flt, row_ranges *out,
                               size_t *expected) {
  const cz_edge_pop *e = &c->edges[sp->e];
  const cz_node_pop *tp = &c->nodes[e->target_pop];
  out->n = 0;
  for (size_t row = 0; row < tp->n; row++) {
    const uint64_t id = tp->node_id[row];
    if (id >= sp->nn || !flt->keep_target(flt->ctx, e->target_pop, (uint32_t)row)) continue;
    for (uint64_t k = sp->node_to[2 * id]; k < sp->node_to[2 * id + 1]; k++) {
      if (sp->range_to[2 * k] == sp->range_to[2 * k + 1]) continue;
      void *grown = out->r;
      CZ_TRY(cz_grow(&grown, &out->cap, 2 * (out->n + 1), sizeof *out->r));
      out->r = grown;
      out->r[2 * out->n] = sp->range_to[2 * k];
      out->r[2 * out->n + 1] = sp->range_to[2 * k + 1];
      out->n++;
    }
  }
  if (out->n > 1) qsort(out->r, out->n, 2 * sizeof *out->r, cmp_range); /* r is NULL when no target has edges */
  CZ_CHECK(merge_ranges(out, sp->gap, expected), CZ_ERR_INTERNAL, "%s: the checked index of %s has overlapping ranges", e->file,
           e->name);
  return CZ_OK;
}

/* Group windows of one read: the columns' paths shared, the windows its own. */
static cz_status windows_of(const edge_groups *eg, edge_groups *own) {
  own->n = 0;
  CZ_NEW(own->g, eg->n + 1);
  own->n = eg->n;
  for (size_t g = 0; g < eg->n; g++) {
    own->g[g] = eg->g[g];
    for (int k = 0; k < 3; k++) {
      edge_col *col = group_cols(&own->g[g], k);
      col->win = NULL;
      col->cap = col->cnt = col->lo = 0;
    }
  }
  return CZ_OK;
}

static void windows_free(edge_groups *own) {
  for (size_t g = 0; g < own->n; g++)
    for (int k = 0; k < 3; k++) free(group_cols(&own->g[g], k)->win);
  free(own->g);
  own->g = NULL;
  own->n = 0;
}

static cz_status stream_pop_read(cz_edge_streams *s, const stream_pop *sp, int slot, const cz_edge_filter *flt,
                                 row_ranges *ranges) {
  const cz_circuit *c = s->c;
  const stream_file *sf = &s->files[sp->file];
  edge_chunk *ch = s->slot[slot];
  const bool ids_only = flt->ids_only;
  cz_edge_pop view = c->edges[sp->e]; /* names and types shared; the edges are this slot's */
  view.n = 0;
  view.via_index = true;
  edge_sink sink = {&view, groups_override_synapses(&sp->eg) && !ids_only, 0, true, false};
  sink.nsyns = sink.per_edge && groups_have_nsyns(&sp->eg);
  view.ids_only = ids_only;
  sink.cap = flt->batch_edges ? flt->batch_edges : EDGE_CHUNK;
  size_t expected = 0;
  CZ_TRY(stream_ranges(c, sp, flt, ranges, &expected));
  if (ranges->n == 0) return CZ_OK;
  CZ_TRY(batch_arrays_lend(ch, sink.cap, sink.per_edge, sink.nsyns, &view));
  edge_groups own = {0, NULL};
  cz_status st = windows_of(&sp->eg, &own);
  const size_t cap = ch->cap < sp->n_file ? ch->cap : (sp->n_file ? sp->n_file : 1);
  row_reader reader = {.c = c, .f = sf->f, .e = &view, .e_index = sp->e, .p = &sp->p,
                       .need_index = groups_have_columns(&sp->eg) && !ids_only, .ids_only = ids_only,
                       .batching = true, .eg = &own, .ti = &sf->ti, .info = sf->info, .types = sf->types,
                       .flt = flt, .sink = &sink, .ch = ch, .cap = cap, .in_ranges = true,
                       .spans = sp->rows_checked ? sp->spans : NULL, .nspans = sp->nspans};
  if (st == CZ_OK) st = read_rows(&reader, ranges);
  if (st == CZ_OK && reader.seen != expected)
    st = CZ_ERROR(CZ_ERR_INTERNAL, "%s: the checked index of %s missed edges", view.file, view.name);
  if (st == CZ_OK && view.n > 0) st = flt->batch(flt->batch_ctx, c, sp->e, &view);
  windows_free(&own);
  return st;
}

cz_status cz_edge_streams_read(cz_edge_streams *s, int slot, const cz_edge_filter *flt) {
  CZ_CHECK(slot >= 0 && slot < s->nslots && flt && flt->keep_target && !flt->keep && flt->batch, CZ_ERR_INTERNAL,
           "edge streams: slot %d of %d, or a filter without keep_target and batch", slot, s->nslots);
  CZ_CHECK(cz_edge_streams_by_target(s), CZ_ERR_INTERNAL, "edge streams: an edge population has no checked index");
  row_ranges ranges = {0, 0, NULL};
  cz_status st = CZ_OK;
  for (size_t i = 0; i < s->npops && st == CZ_OK; i++) st = stream_pop_read(s, &s->pops[i], slot, flt, &ranges);
  free(ranges.r);
  return st;
}

/* ------------------------------------------------------------------ edge scan */

/* The rows of m node ids of population p (rows[k] for id[k]), up to the first id p lacks:
 * returns how many ids have rows (m when all do). */
static size_t rows_of_ids(const cz_node_pop *p, const uint64_t *id, size_t m, uint32_t *rows) {
  if (p->identity_ids) { /* the usual case: node id = row, checked once for the chunk */
    uint64_t max = 0;
    for (size_t k = 0; k < m; k++) {
      max = id[k] > max ? id[k] : max;
      rows[k] = (uint32_t)id[k];
    }
    if (max < p->n) return m;
  }
  for (size_t k = 0; k < m; k++) {
    size_t r = 0;
    if (!cz_circuit_row_of(p, id[k], &r)) return k;
    rows[k] = (uint32_t)r;
  }
  return m;
}

/* The scan's buffers: node ids as read, and their rows. */
typedef struct scan_buffers {
  size_t cap;
  uint64_t *src, *tgt;
  uint32_t *srow, *trow;
} scan_buffers;

/* Reads this part's slice of one population in rounds of at most b->cap rows. Every part
 * makes the same number of reads (the widest slice's), so collective reads always pair up;
 * after a local failure (*local set) a part keeps taking part with empty reads. */
static cz_status scan_edge_pop(const cz_circuit *c, cz_h5file *f, const char *file, const char *name,
                               const cz_edge_scan *scan, const scan_buffers *b, cz_status *local) {
  uint32_t sp = 0, tp = 0;
  size_t n = 0;
  CZ_TRY(edge_pop_ends(c, f, file, name, &sp, &tp, &n)); /* metadata: the same verdict on every part */
  edge_paths p;
  edge_paths_of(NULL, name, &p);
  const size_t lo = slice_start(n, scan->part, scan->nparts), hi = slice_start(n, scan->part + 1, scan->nparts);
  const size_t widest = (n + (size_t)scan->nparts - 1) / (size_t)scan->nparts;
  const size_t rounds = (widest + b->cap - 1) / b->cap;
  for (size_t r = 0; r < rounds; r++) {
    size_t a = lo + r * b->cap, m = 0;
    if (a < hi && *local == CZ_OK) m = hi - a < b->cap ? hi - a : b->cap;
    if (a > hi) a = hi;
    cz_status st = cz_h5_read_u64_range(f, p.tgt, a, m, b->tgt);
    cz_status st2 = cz_h5_read_u64_range(f, p.src, a, m, b->src);
    if (st == CZ_OK) st = st2;
    if (st == CZ_OK) {
      /* the first edges whose target, and whose source, is missing (m: none) */
      const size_t bad_t = rows_of_ids(&c->nodes[tp], b->tgt, m, b->trow);
      const size_t bad_s = rows_of_ids(&c->nodes[sp], b->src, m, b->srow);
      const size_t good = bad_t < bad_s ? bad_t : bad_s;
      if (good > 0) scan->visit(scan->ctx, sp, tp, b->srow, b->trow, good);
      uint32_t row;
      if (good < m) /* the error of the first missing end, the target's when both are */
        st = bad_t == good ? endpoint_row(&c->nodes[tp], b->tgt[good], file, p.tgt, a + good, &row)
                           : endpoint_row(&c->nodes[sp], b->src[good], file, p.src, a + good, &row);
    }
    if (st != CZ_OK && *local == CZ_OK) *local = st;
  }
  return CZ_OK;
}

static cz_status scan_edges_file(const cz_circuit *c, const cz_config *cfg, size_t k, const cz_edge_scan *scan,
                                 const scan_buffers *b, cz_status *local) {
  const char *file = cfg->edges[k].edges_file;
  cz_h5file *f = NULL;
  cz_status st = cz_h5_open_read_parallel(file, scan->mpi_comm, &f);
  if (st != CZ_OK) cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
  /* A file one part cannot open (not on its node's file system) must stop every part before
   * the first collective read. */
  if (scan->agree) st = scan->agree(st);
  char **pops = NULL;
  size_t npops = 0;
  if (st == CZ_OK && !cz_h5_is_group(f, "/edges"))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no /edges group (networks.edges[%zu].edges_file)", file, k);
  if (st == CZ_OK) st = cz_h5_list(f, "/edges", &pops, &npops);
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = scan_edge_pop(c, f, file, pops[i], scan, b, local);
  cz_h5_free_names(pops, npops);
  cz_status cst = cz_h5_close(&f);
  return st != CZ_OK ? st : cst;
}

cz_status cz_circuit_scan_edges(const cz_circuit *c, const cz_config *cfg, const cz_edge_scan *scan) {
  CZ_CHECK(scan->nparts >= 1 && scan->part >= 0 && scan->part < scan->nparts, CZ_ERR_INTERNAL,
           "edge scan: part %d of %d", scan->part, scan->nparts);
  scan_buffers b = {EDGE_CHUNK, cz_alloc_huge(EDGE_CHUNK, sizeof *b.src), cz_alloc_huge(EDGE_CHUNK, sizeof *b.tgt),
                    cz_alloc_huge(EDGE_CHUNK, sizeof *b.srow), cz_alloc_huge(EDGE_CHUNK, sizeof *b.trow)};
  cz_status st = b.src && b.tgt && b.srow && b.trow ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory scanning edges");
  cz_status local = CZ_OK;
  for (size_t k = 0; k < cfg->nedges && st == CZ_OK; k++)
    if (cfg->edges[k].enabled) st = scan_edges_file(c, cfg, k, scan, &b, &local);
  free(b.src);
  free(b.tgt);
  free(b.srow);
  free(b.trow);
  if (st == CZ_OK) st = local;
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
  return st;
}

cz_status cz_circuit_count_edges(const cz_config *cfg, uint64_t *total) {
  *total = 0;
  for (size_t k = 0; k < cfg->nedges; k++) {
    if (!cfg->edges[k].enabled) continue;
    const char *file = cfg->edges[k].edges_file;
    cz_h5file *f = NULL;
    char **pops = NULL;
    size_t npops = 0;
    cz_status st = cz_h5_open_read(file, &f);
    if (st != CZ_OK) return cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
    if (cz_h5_is_group(f, "/edges")) st = cz_h5_list(f, "/edges", &pops, &npops);
    for (size_t i = 0; i < npops && st == CZ_OK; i++) {
      char path[1024];
      cz_h5_info info;
      snprintf(path, sizeof path, "/edges/%s/source_node_id", pops[i]);
      if (!cz_h5_is_dataset(f, path)) continue;
      st = cz_h5_info_of(f, path, &info);
      if (st == CZ_OK && info.rank == 1) *total += info.dims[0];
    }
    cz_h5_free_names(pops, npops);
    cz_h5_close(&f);
    CZ_TRY(st);
  }
  return CZ_OK;
}

static void edge_arrays_free(cz_edge_pop *e) {
  free(e->source_row);
  free(e->target_row);
  free(e->file_row);
  free(e->type);
  free(e->col.syn_weight);
  free(e->col.nsyns);
  free(e->col.delay);
  e->source_row = e->target_row = NULL;
  e->file_row = NULL;
  e->type = NULL;
  e->col.syn_weight = e->col.nsyns = e->col.delay = NULL;
}

/* ------------------------------------------------------------------ public */

int cz_circuit_find_pop(const cz_circuit *c, const char *name) {
  for (size_t i = 0; i < c->nnodes; i++)
    if (strcmp(c->nodes[i].name, name) == 0) return (int)i;
  return -1;
}

cz_status cz_circuit_load_nodes(const cz_config *cfg, cz_circuit **out) {
  cz_circuit *c = NULL;
  CZ_NEW(c, 1);
  cz_status st = CZ_OK;
  for (size_t k = 0; k < cfg->nnodes && st == CZ_OK; k++) {
    if (cfg->nodes[k].enabled) st = load_nodes_file(c, cfg, k);
    else c->nodes_disabled++;
  }
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_circuit_destroy(&c);
    return st;
  }
  *out = c;
  return CZ_OK;
}

cz_status cz_circuit_load_edges(cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt) {
  CZ_CHECK(c->nedges == 0, CZ_ERR_INTERNAL, "edges are already loaded");
  cz_status st = CZ_OK;
  for (size_t k = 0; k < cfg->nedges && st == CZ_OK; k++)
    if (cfg->edges[k].enabled) st = load_edges_file(c, cfg, k, flt);
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
  return st;
}

void cz_circuit_free_edges(cz_circuit *c) {
  for (size_t i = 0; i < c->nedges; i++) {
    cz_edge_pop *e = &c->edges[i];
    free(e->name);
    free(e->file);
    free(e->types);
    edge_arrays_free(e);
  }
  free(c->edges);
  c->edges = NULL;
  c->nedges = 0;
}

cz_status cz_circuit_load(const cz_config *cfg, cz_circuit **out) {
  cz_circuit *c = NULL;
  CZ_TRY(cz_circuit_load_nodes(cfg, &c));
  cz_status st = cz_circuit_load_edges(c, cfg, NULL);
  if (st != CZ_OK) {
    cz_circuit_destroy(&c);
    return st;
  }
  *out = c;
  return CZ_OK;
}

static void node_pop_free(cz_node_pop *p) {
  free(p->name);
  free(p->file);
  free(p->node_id);
  free(p->type_row);
  free(p->group);
  free(p->group_index);
  for (size_t g = 0; g < p->ngroups; g++) {
    for (size_t k = 0; k < p->groups[g].ncols; k++) column_free(&p->groups[g].cols[k]);
    for (size_t k = 0; k < p->groups[g].nparams; k++) column_free(&p->groups[g].params[k]);
    free(p->groups[g].cols);
    free(p->groups[g].params);
  }
  free(p->groups);
  free(p->is_virtual);
  free(p->model);
  free(p->id_index);
}

void cz_circuit_drop_edge_arrays(cz_circuit *c) {
  for (size_t i = 0; i < c->nedges; i++) edge_arrays_free(&c->edges[i]);
}

void cz_circuit_destroy(cz_circuit **pc) {
  if (!pc || !*pc) return;
  cz_circuit *c = *pc;
  for (size_t i = 0; i < c->nnodes; i++) node_pop_free(&c->nodes[i]);
  free(c->nodes);
  cz_circuit_free_edges(c);
  for (size_t i = 0; i < c->nmodels; i++) {
    free(c->models[i].template_str);
    free(c->models[i].params_file);
  }
  free(c->models);
  for (size_t i = 0; i < c->nsyn_models; i++) {
    free(c->syn_models[i].template_str);
    free(c->syn_models[i].params_file);
    free(c->syn_models[i].types_file);
  }
  free(c->syn_models);
  for (size_t i = 0; i < c->nverified; i++) free(c->verified[i]);
  free(c->verified);
  edge_chunk_free(c->scratch);
  for (size_t i = 0; i < c->ntables; i++) cz_csv_destroy(&c->tables[i]);
  free(c->tables);
  for (size_t i = 0; i < c->njson; i++) {
    cJSON_Delete(c->json[i]);
    free(c->json_files[i]);
  }
  free(c->json);
  free(c->json_files);
  free(c);
  *pc = NULL;
}

/* ------------------------------------------------------------------ node-set view */

static const char *view_pop_name(const void *ctx, size_t pop) { return ((const cz_circuit *)ctx)->nodes[pop].name; }
static size_t view_pop_size(const void *ctx, size_t pop) { return ((const cz_circuit *)ctx)->nodes[pop].n; }
static uint64_t view_node_id(const void *ctx, size_t pop, size_t row) {
  return ((const cz_circuit *)ctx)->nodes[pop].node_id[row];
}
static bool view_has_attr(const void *ctx, size_t pop, const char *key) {
  return cz_circuit_has_attr(&((const cz_circuit *)ctx)->nodes[pop], key);
}
static cz_value view_attr(const void *ctx, size_t pop, size_t row, const char *key) {
  return cz_circuit_node_attr(&((const cz_circuit *)ctx)->nodes[pop], row, key);
}

cz_ns_view cz_circuit_ns_view(const cz_circuit *c) {
  cz_ns_view v = {c->nnodes, c, view_pop_name, view_pop_size, view_node_id, view_has_attr, view_attr};
  return v;
}
