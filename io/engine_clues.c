#include "io/engine_clues.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/csv.h"
#include "io/h5.h"

static const char *const KEY_NAMES[] = {"target_simulator", "model_type", "model_template"};

typedef struct clue_list {
  cz_engine_clues *out;
  size_t cap;
} clue_list;

/* Whether a clue with this key and value already came from this file: the first one found is
 * the one worth naming. */
static bool seen(const cz_engine_clues *c, cz_clue_key key, const char *value, const char *file) {
  for (size_t i = 0; i < c->n; i++)
    if (c->v[i].key == key && strcmp(c->v[i].value, value) == 0 && strcmp(c->v[i].file, file) == 0) return true;
  return false;
}

static cz_status add_clue(clue_list *l, cz_clue_key key, const char *value, const char *file, const char *where) {
  cz_engine_clues *c = l->out;
  if (!value || !*value || seen(c, key, value, file)) return CZ_OK;
  CZ_RESERVE(c->v, l->cap, c->n + 1);
  cz_engine_clue *x = &c->v[c->n];
  memset(x, 0, sizeof *x);
  x->key = key;
  c->n++; /* counted before the copies, so that a failed copy is freed with the rest */
  CZ_TRY(cz_strdup(value, &x->value));
  CZ_TRY(cz_strdup(file, &x->file));
  return cz_strdup(where, &x->where);
}

/* One clue per distinct value of the model_type and model_template columns. */
static cz_status csv_clues(clue_list *l, const char *types_file) {
  cz_csv *t = NULL;
  if (cz_csv_read(types_file, &t) != CZ_OK) {
    cz_error_clear();
    return CZ_OK;
  }
  const int id_col = cz_csv_col(t, "node_type_id");
  cz_status st = CZ_OK;
  for (int k = CZ_CLUE_MODEL_TYPE; k <= CZ_CLUE_MODEL_TEMPLATE && st == CZ_OK; k++) {
    const int col = cz_csv_col(t, KEY_NAMES[k]);
    for (size_t r = 0; col >= 0 && r < t->nrows && st == CZ_OK; r++) {
      const char *id = id_col >= 0 ? cz_csv_cell(t, r, (size_t)id_col) : NULL;
      char where[256];
      if (id) snprintf(where, sizeof where, "node type %s, column %s", id, KEY_NAMES[k]);
      else snprintf(where, sizeof where, "line %zu, column %s", r + 2, KEY_NAMES[k]);
      st = add_clue(l, (cz_clue_key)k, cz_csv_cell(t, r, (size_t)col), types_file, where);
    }
  }
  cz_csv_destroy(&t);
  return st;
}

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

/* The model_type / model_template datasets of one node group, when it has them. */
static cz_status group_clues(clue_list *l, cz_h5file *f, const char *file, const char *group) {
  cz_status st = CZ_OK;
  for (int k = CZ_CLUE_MODEL_TYPE; k <= CZ_CLUE_MODEL_TEMPLATE && st == CZ_OK; k++) {
    char path[2304];
    snprintf(path, sizeof path, "%s/%s", group, KEY_NAMES[k]);
    char **values = NULL;
    size_t n = 0;
    if (!cz_h5_is_dataset(f, path) || cz_h5_read_strings(f, path, &values, &n) != CZ_OK) {
      cz_error_clear();
      continue;
    }
    for (size_t i = 0; i < n && st == CZ_OK; i++) st = add_clue(l, (cz_clue_key)k, values[i], file, path);
    cz_h5_free_names(values, n);
  }
  return st;
}

static cz_status h5_clues(clue_list *l, const char *nodes_file) {
  cz_h5file *f = NULL;
  char **pops = NULL;
  size_t npops = 0;
  if (cz_h5_open_read(nodes_file, &f) != CZ_OK || cz_h5_list(f, "/nodes", &pops, &npops) != CZ_OK) {
    cz_error_clear();
    cz_h5_close(&f);
    return CZ_OK;
  }
  cz_status st = CZ_OK;
  for (size_t p = 0; p < npops && st == CZ_OK; p++) {
    char pop[1024];
    snprintf(pop, sizeof pop, "/nodes/%.1000s", pops[p]);
    char **groups = NULL;
    size_t ngroups = 0;
    if (!cz_h5_is_group(f, pop) || cz_h5_list(f, pop, &groups, &ngroups) != CZ_OK) {
      cz_error_clear();
      continue;
    }
    for (size_t g = 0; g < ngroups && st == CZ_OK; g++) {
      char group[2048];
      snprintf(group, sizeof group, "%s/%.1000s", pop, groups[g]);
      if (all_digits(groups[g]) && cz_h5_is_group(f, group)) st = group_clues(l, f, nodes_file, group);
    }
    cz_h5_free_names(groups, ngroups);
  }
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  return st;
}

cz_status cz_engine_clues_read(const cz_config *cfg, cz_engine_clues *out) {
  memset(out, 0, sizeof *out);
  clue_list l = {out, 0};
  cz_status st = CZ_OK;
  if (cfg->target_simulator)
    st = add_clue(&l, CZ_CLUE_TARGET_SIMULATOR, cfg->target_simulator,
                  cfg->target_simulator_file ? cfg->target_simulator_file : cfg->path, "target_simulator");
  for (size_t i = 0; i < cfg->nnodes && st == CZ_OK; i++) {
    st = csv_clues(&l, cfg->nodes[i].node_types_file);
    if (st == CZ_OK) st = h5_clues(&l, cfg->nodes[i].nodes_file);
  }
  if (st != CZ_OK) cz_engine_clues_free(out);
  return st;
}

void cz_engine_clues_free(cz_engine_clues *clues) {
  if (!clues) return;
  for (size_t i = 0; i < clues->n; i++) {
    free(clues->v[i].value);
    free(clues->v[i].file);
    free(clues->v[i].where);
  }
  free(clues->v);
  memset(clues, 0, sizeof *clues);
}
