/* Node populations (io/circuit_nodes.h): each nodes file with its node types table, every
 * population's ids, types and groups, the group columns (HDF5 over CSV) and each node's model,
 * as described at the top of io/circuit.h. */
#include "io/circuit_nodes.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/circuit_types.h"
#include "io/h5.h"

/* ------------------------------------------------------------------ h5 columns */

static void column_free(cz_h5_column *col) {
  free(col->name);
  free(col->num);
  if (col->str) {
    for (size_t i = 0; i < col->n; i++) free(col->str[i]);
    free(col->str);
  }
}

/* Reads every 1-D numeric or string dataset directly under group into columns; with
 * defer_numbers, numeric ones only by name and length (cz_circuit_load_params reads them).
 * Other datasets (vectors, enums with @library, compound) are skipped: no attribute read here
 * needs them. */
static cz_status read_columns(cz_h5file *f, const char *group, bool defer_numbers, cz_h5_column **cols,
                              size_t *ncols) {
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
      col->numeric = true;
      if (defer_numbers) col->n = (size_t)info.dims[0];
      else st = cz_h5_read_f64(f, path, &col->num, &col->n);
      col->held = col->num ? col->n : 0;
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
  uint32_t g = cz_node_group_id(p, row);
  if (g >= p->ngroups) return NULL;
  return find_column(p->groups[g].cols, p->groups[g].ncols, key);
}

cz_value cz_circuit_node_attr(const cz_node_pop *p, size_t row, const char *key) {
  const cz_h5_column *col = node_group_column(p, row, key);
  if (col) return column_value(col, cz_node_group_index(p, row));
  int c = cz_csv_col(p->types, key);
  if (c >= 0) return cz_csv_value(p->types, cz_node_type_row(p, row), (size_t)c);
  if (strcmp(key, "node_type_id") == 0) {
    int idc = cz_csv_col(p->types, "node_type_id");
    if (idc >= 0) return cz_csv_value(p->types, cz_node_type_row(p, row), (size_t)idc);
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

bool cz_circuit_node_has_attr(const cz_node_pop *p, size_t row, const char *key) {
  const uint32_t g = cz_node_group_id(p, row);
  if (g < p->ngroups && find_column(p->groups[g].cols, p->groups[g].ncols, key)) return true;
  const int col = cz_csv_col(p->types, key);
  return col >= 0 && cz_circuit_node_attr(p, row, key).kind != CZ_VAL_NULL;
}

bool cz_circuit_param_override(const cz_node_pop *p, size_t row, const char *key, double *value) {
  uint32_t g = cz_node_group_id(p, row);
  if (g >= p->ngroups) return false;
  const cz_h5_column *col = find_column(p->groups[g].params, p->groups[g].nparams, key);
  const uint64_t at = cz_node_group_index(p, row);
  if (!col || !col->numeric || at >= col->n) return false;
  CZ_ASSERT(at >= col->first && at - col->first < col->held); /* cz_circuit_load_params read it */
  if (at < col->first || at - col->first >= col->held) return false;
  *value = col->num[at - col->first];
  return true;
}

/* Group indexes [lo[g], hi[g]) of the nodes of p that keep accepts, per group. */
static void kept_group_spans(const cz_node_pop *p, uint32_t pop, cz_node_keep keep, const void *ctx, uint64_t *lo,
                             uint64_t *hi) {
  for (size_t g = 0; g < p->ngroups; g++) {
    lo[g] = UINT64_MAX;
    hi[g] = 0;
  }
  for (size_t row = 0; row < p->n; row++) {
    const uint32_t g = cz_node_group_id(p, row);
    if (g >= p->ngroups || !p->groups[g].nparams || !keep(ctx, pop, (uint32_t)row)) continue;
    const uint64_t at = cz_node_group_index(p, row);
    if (at < lo[g]) lo[g] = at;
    if (at + 1 > hi[g]) hi[g] = at + 1;
  }
}

/* Entries [lo, hi) of numeric param column col (cut at its end) from group path of f. */
static cz_status read_param_window(cz_h5file *f, const char *path, cz_h5_column *col, uint64_t lo, uint64_t hi) {
  free(col->num);
  col->num = NULL;
  col->first = col->held = 0;
  if (hi > col->n) hi = col->n;
  if (lo >= hi) return CZ_OK;
  char *ds = NULL;
  CZ_TRY(cz_asprintf(&ds, "%s/%s", path, col->name));
  cz_status st = (col->num = cz_calloc((size_t)(hi - lo), sizeof *col->num)) ? CZ_OK
                                                                             : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = cz_h5_read_f64_range(f, ds, (size_t)lo, (size_t)(hi - lo), col->num);
  free(ds);
  if (st != CZ_OK) {
    free(col->num);
    col->num = NULL;
    return st;
  }
  col->first = (size_t)lo;
  col->held = (size_t)(hi - lo);
  return CZ_OK;
}

static bool has_params(const cz_node_pop *p) {
  for (size_t g = 0; g < p->ngroups; g++)
    if (p->groups[g].nparams) return true;
  return false;
}

static cz_status load_pop_params(cz_node_pop *p, uint32_t pop, cz_node_keep keep, const void *ctx) {
  uint64_t *lo = NULL, *hi = NULL;
  cz_h5file *f = NULL;
  CZ_NEW(lo, p->ngroups);
  cz_status st = (hi = cz_calloc(p->ngroups, sizeof *hi)) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) kept_group_spans(p, pop, keep, ctx, lo, hi);
  if (st == CZ_OK) st = cz_h5_open_read(p->file, &f);
  for (size_t g = 0; st == CZ_OK && g < p->ngroups; g++)
    for (size_t k = 0; st == CZ_OK && k < p->groups[g].nparams; k++) {
      cz_h5_column *col = &p->groups[g].params[k];
      if (col->numeric) st = read_param_window(f, p->groups[g].params_path, col, lo[g], hi[g]);
    }
  if (f) cz_h5_close(&f);
  free(lo);
  free(hi);
  return st;
}

cz_status cz_circuit_load_params(cz_circuit *c, cz_node_keep keep, const void *ctx) {
  for (size_t p = 0; p < c->nnodes; p++)
    if (has_params(&c->nodes[p])) CZ_TRY(load_pop_params(&c->nodes[p], (uint32_t)p, keep, ctx));
  return CZ_OK;
}

/* Text of a node attribute, or NULL (strings only; numbers are not model names). */
static const char *node_text(const cz_node_pop *p, size_t row, const char *key) {
  cz_value v = cz_circuit_node_attr(p, row, key);
  if (v.kind == CZ_VAL_STR) return v.str;
  if (v.kind == CZ_VAL_NUM) {
    /* A numeric-looking CSV cell is still text in the table. */
    int c = cz_csv_col(p->types, key);
    if (c >= 0 && !node_group_column(p, row, key)) return cz_csv_cell(p->types, cz_node_type_row(p, row), (size_t)c);
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

bool cz_circuit_all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

/* Reads the per-node dataset at path, or leaves *out NULL when there is none (the default:
 * the accessors of io/circuit.h read the implied values). */
static cz_status read_ids_or_default(cz_h5file *f, const char *path, size_t n, uint64_t **out) {
  *out = NULL;
  if (cz_h5_exists(f, path)) {
    size_t m = 0;
    CZ_TRY(cz_h5_read_u64(f, path, out, &m));
    if (m != n) {
      free(*out);
      *out = NULL;
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset %s has %zu entries, but node_type_id has %zu (the node datasets "
                      "hold one entry per node)", cz_h5_path(f), path, m, n);
    }
  }
  return CZ_OK;
}

/* The groups of a population; with has_group_ids (a node_group_id dataset), every group a
 * node names must exist. */
static cz_status load_node_groups(cz_h5file *f, const char *pop_path, bool has_group_ids, cz_node_pop *p) {
  char **names = NULL;
  size_t nn = 0;
  CZ_TRY(cz_h5_list(f, pop_path, &names, &nn));
  uint32_t max_id = 0;
  for (size_t i = 0; p->group && i < p->n; i++)
    if (p->group[i] > max_id) max_id = p->group[i];
  p->ngroups = (size_t)max_id + 1;
  p->groups = cz_calloc(p->ngroups, sizeof *p->groups);
  bool *present = cz_calloc(p->ngroups, sizeof *present);
  cz_status st = CZ_OK;
  if (!p->groups || !present) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < nn && st == CZ_OK; i++) {
    if (!cz_circuit_all_digits(names[i])) continue;
    unsigned long g = strtoul(names[i], NULL, 10);
    if (g >= p->ngroups) continue; /* a group no node refers to */
    present[g] = true;
    char *gpath = NULL, *dpath = NULL;
    CZ_TRY_GOTO(st, cz_asprintf(&gpath, "%s/%s", pop_path, names[i]), done);
    st = read_columns(f, gpath, false, &p->groups[g].cols, &p->groups[g].ncols);
    if (st == CZ_OK && cz_asprintf(&dpath, "%s/dynamics_params", gpath) == CZ_OK && cz_h5_is_group(f, dpath)) {
      st = read_columns(f, dpath, true, &p->groups[g].params, &p->groups[g].nparams);
      p->groups[g].params_path = dpath;
      dpath = NULL;
    }
    free(gpath);
    free(dpath);
  }
done:
  cz_h5_free_names(names, nn);
  for (size_t i = 0; has_group_ids && i < p->n && st == CZ_OK; i++)
    if (!present[cz_node_group_id(p, i)])
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /nodes/%s/node_group_id[%zu] = %u names a group that does not exist (no "
                    "/nodes/%s/%u)", p->file, p->name, i, cz_node_group_id(p, i), p->name, cz_node_group_id(p, i));
  free(present);
  CZ_TRY(st);
  /* Every node's group index must fall inside each of its group's columns. */
  for (size_t i = 0; i < p->n; i++) {
    const cz_node_group *grp = &p->groups[cz_node_group_id(p, i)];
    for (size_t k = 0; k < grp->ncols; k++)
      CZ_CHECK(cz_node_group_index(p, i) < grp->cols[k].n, CZ_ERR_FORMAT,
               "%s: node_group_index %llu of row %zu is beyond dataset %s/%u/%s (length %zu)", p->file,
               (unsigned long long)cz_node_group_index(p, i), i, p->name, cz_node_group_id(p, i), grp->cols[k].name,
               grp->cols[k].n);
  }
  return CZ_OK;
}

/* Drops a node_id dataset that holds 0..n-1 (cz_node_id implies it); indexes any other. */
static cz_status check_node_ids(cz_node_pop *p) {
  p->identity_ids = true;
  for (size_t i = 0; p->node_id && i < p->n; i++)
    if (p->node_id[i] != i) {
      p->identity_ids = false;
      break;
    }
  if (p->identity_ids) {
    free(p->node_id);
    p->node_id = NULL;
    return CZ_OK;
  }
  uint64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * p->n);
  for (size_t i = 0; i < p->n; i++) {
    pairs[2 * i] = p->node_id[i];
    pairs[2 * i + 1] = i;
  }
  qsort(pairs, p->n, 2 * sizeof *pairs, cz_cmp_u64_pair);
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

/* Resolves model_type, model_template and dynamics_params of node row i: *model is its index
 * into c->models (added when new), UINT32_MAX for a virtual node. */
static cz_status resolve_node_model(cz_circuit *c, const cz_config *cfg, const cz_node_pop *p, size_t i,
                                    uint32_t *model) {
  const char *mtype = node_text(p, i, "model_type");
  CZ_CHECK(mtype != NULL, CZ_ERR_FORMAT,
           "%s: node %llu of population %s has no model_type (neither in the h5 group nor in %s)", p->file,
           (unsigned long long)cz_node_id(p, i), p->name, p->types->path);
  if (strcmp(mtype, "virtual") == 0) {
    *model = UINT32_MAX;
    return CZ_OK;
  }
  const char *tmpl = node_text(p, i, "model_template");
  CZ_CHECK(tmpl != NULL, CZ_ERR_FORMAT, "%s: node %llu of population %s (model_type %s) has no model_template",
           p->types->path, (unsigned long long)cz_node_id(p, i), p->name, mtype);
  const char *dyn = node_text(p, i, "dynamics_params");
  char *file = NULL;
  const cJSON *params = NULL;
  if (dyn) {
    const char *key = models_dir_key(mtype);
    const char *dir = cz_cfg_component(cfg, key);
    CZ_TRY(cz_path_join(dir ? dir : cfg->dir, dyn, &file));
    char what[512];
    snprintf(what, sizeof what, "%s (node type of node %llu, components.%s)", p->types->path,
             (unsigned long long)cz_node_id(p, i), key);
    cz_status st = cz_circuit_check_params_file(file, what);
    if (st == CZ_OK && cz_str_ends_with(file, ".json")) st = cz_circuit_params_json(c, file, what, &params);
    if (st != CZ_OK) {
      free(file);
      return st;
    }
  }
  cz_status st = find_or_add_model(c, tmpl, file, params, model);
  free(file);
  return st;
}

/* Whether a group of p has a column that sets a node's model (h5 wins over the type row). */
static bool groups_set_models(const cz_node_pop *p) {
  static const char *const keys[] = {"model_type", "model_template", "dynamics_params"};
  for (size_t g = 0; g < p->ngroups; g++)
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
      if (find_column(p->groups[g].cols, p->groups[g].ncols, keys[k])) return true;
  return false;
}

/* Resolves every node's model. Without a group column that sets it, a node's model is its
 * type's: each type is resolved once, at its first node in row order, so that the models are
 * numbered, and an error names the same node, as when every node is resolved. */
static cz_status resolve_node_models(cz_circuit *c, const cz_config *cfg, cz_node_pop *p) {
  if (groups_set_models(p)) {
    CZ_NEW(p->model, p->n);
    for (size_t i = 0; i < p->n; i++) {
      CZ_TRY(resolve_node_model(c, cfg, p, i, &p->model[i]));
      p->nvirtual += p->model[i] == UINT32_MAX;
    }
    return CZ_OK;
  }
  const size_t ntypes = p->types->nrows;
  bool *resolved = NULL;
  CZ_NEW(p->type_model, ntypes ? ntypes : 1);
  CZ_NEW(resolved, ntypes ? ntypes : 1);
  for (size_t t = 0; t < ntypes; t++) p->type_model[t] = UINT32_MAX;
  cz_status st = CZ_OK;
  for (size_t i = 0; i < p->n && st == CZ_OK; i++) {
    const uint32_t t = cz_node_type_row(p, i);
    if (!resolved[t]) {
      st = resolve_node_model(c, cfg, p, i, &p->type_model[t]);
      resolved[t] = true;
    }
    p->nvirtual += p->type_model[t] == UINT32_MAX;
  }
  free(resolved);
  return st;
}

/* The row in p's types table of node_type_id type_ids[i]; errors name the dataset. */
static cz_status type_row_of(const cz_node_pop *p, const cz_type_index *ti, const uint64_t *type_ids, size_t i,
                             const char *path, uint32_t *row) {
  CZ_CHECK(cz_type_index_row(ti, type_ids[i], row), CZ_ERR_FORMAT, "%s: %s[%zu] = %llu is not a node_type_id of %s",
           p->file, path, i, (unsigned long long)type_ids[i], p->types->path);
  return CZ_OK;
}

/* Each node's row in its types table, from its node_type_id: as runs of one type where they
 * take at most an eighth of the bytes of a row per node, else a row per node (16 bits where
 * the table is small enough). */
static cz_status type_rows(cz_node_pop *p, const cz_type_index *ti, const uint64_t *type_ids, const char *path) {
  const bool narrow = p->types->nrows <= (size_t)UINT16_MAX + 1;
  size_t nruns = 0;
  for (size_t i = 0; i < p->n; i++) nruns += i == 0 || type_ids[i] != type_ids[i - 1];
  const size_t row_bytes = narrow ? sizeof *p->type_row16 : sizeof *p->type_row32;
  if (p->n > 0 && nruns * (sizeof *p->type_run_first + sizeof *p->type_run_row) * 8 <= p->n * row_bytes) {
    CZ_NEW(p->type_run_first, nruns);
    CZ_NEW(p->type_run_row, nruns);
    for (size_t i = 0; i < p->n; i++) {
      if (i > 0 && type_ids[i] == type_ids[i - 1]) continue;
      CZ_TRY(type_row_of(p, ti, type_ids, i, path, &p->type_run_row[p->ntype_runs]));
      p->type_run_first[p->ntype_runs++] = i;
    }
    return CZ_OK;
  }
  if (narrow) CZ_NEW(p->type_row16, p->n ? p->n : 1);
  else CZ_NEW(p->type_row32, p->n ? p->n : 1);
  for (size_t i = 0; i < p->n; i++) {
    uint32_t row = 0;
    CZ_TRY(type_row_of(p, ti, type_ids, i, path, &row));
    if (narrow) p->type_row16[i] = (uint16_t)row;
    else p->type_row32[i] = row;
  }
  return CZ_OK;
}

/* The node_group_id dataset at path, kept only when some node is outside group 0. */
static cz_status read_group_ids(cz_h5file *f, const char *path, cz_node_pop *p) {
  uint64_t *gid64 = NULL;
  CZ_TRY(read_ids_or_default(f, path, p->n, &gid64));
  if (!gid64) return CZ_OK;
  bool all_zero = true;
  for (size_t i = 0; i < p->n; i++) {
    if (gid64[i] > 65535) {
      free(gid64);
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] is not a plausible group id", p->file, path, i);
    }
    all_zero = all_zero && gid64[i] == 0;
  }
  cz_status st = CZ_OK;
  if (!all_zero) {
    p->group = cz_calloc(p->n, sizeof *p->group);
    if (!p->group) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; p->group && i < p->n; i++) p->group[i] = (uint32_t)gid64[i];
  }
  free(gid64);
  return st;
}

/* Drops a node_group_index that is every node's row (cz_node_group_index implies it). */
static void drop_identity_group_index(cz_node_pop *p) {
  for (size_t i = 0; p->group_index && i < p->n; i++)
    if (p->group_index[i] != i) return;
  free(p->group_index);
  p->group_index = NULL;
}

static cz_status load_node_pop(cz_circuit *c, const cz_config *cfg, cz_h5file *f, const char *file,
                               const cz_csv *types, const cz_type_index *ti, const char *name) {
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
  cz_status st = type_rows(p, ti, type_ids, path);
  free(type_ids);
  CZ_TRY(st);

  snprintf(path, sizeof path, "/nodes/%s/node_id", name);
  CZ_TRY(read_ids_or_default(f, path, p->n, &p->node_id));
  CZ_TRY(check_node_ids(p));
  snprintf(path, sizeof path, "/nodes/%s/node_group_id", name);
  const bool has_group_ids = cz_h5_exists(f, path);
  CZ_TRY(read_group_ids(f, path, p));
  snprintf(path, sizeof path, "/nodes/%s/node_group_index", name);
  CZ_TRY(read_ids_or_default(f, path, p->n, &p->group_index));
  drop_identity_group_index(p);
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
  CZ_TRY(cz_circuit_keep_table(c, types));
  cz_type_index ti = {0};
  CZ_TRY(cz_type_index_build(types, "node_type_id", &ti));
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
  cz_type_index_free(&ti);
  return st;
}

/* ------------------------------------------------------------------ the node files */

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

void cz_node_pop_free(cz_node_pop *p) {
  free(p->name);
  free(p->file);
  free(p->node_id);
  free(p->type_run_first);
  free(p->type_run_row);
  free(p->type_row16);
  free(p->type_row32);
  free(p->group);
  free(p->group_index);
  for (size_t g = 0; g < p->ngroups; g++) {
    for (size_t k = 0; k < p->groups[g].ncols; k++) column_free(&p->groups[g].cols[k]);
    for (size_t k = 0; k < p->groups[g].nparams; k++) column_free(&p->groups[g].params[k]);
    free(p->groups[g].params_path);
    free(p->groups[g].cols);
    free(p->groups[g].params);
  }
  free(p->groups);
  free(p->model);
  free(p->type_model);
  free(p->id_index);
}

