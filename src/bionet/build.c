#include "bionet/build.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sort.h"
#include "base/str.h"
#include "bionet/iclamp_file.h"
#include "io/csv.h"
#include "io/node_sets.h"

void cz_bio_recipes_free(cz_bio_recipes *r) {
  for (size_t i = 0; i < r->n; i++) {
    free(r->key[i]);
    cz_bio_recipe_free(&r->recipe[i]);
  }
  free(r->key);
  free(r->recipe);
  cz_morph_cache_free(&r->morphs);
  memset(r, 0, sizeof *r);
}

typedef enum recipe_kind { RECIPE_NML, RECIPE_PERISOMATIC, RECIPE_ALLACTIVE } recipe_kind;

/* The recipe of a model file, read once. */
static cz_status cached_recipe(cz_bio_recipes *cache, recipe_kind kind, const char *file, const cz_bio_recipe **out) {
  char key[4096];
  snprintf(key, sizeof key, "%d:%s", (int)kind, file);
  for (size_t i = 0; i < cache->n; i++)
    if (strcmp(cache->key[i], key) == 0) {
      *out = &cache->recipe[i];
      return CZ_OK;
    }
  if (cache->n == cache->cap) {
    const size_t cap = cache->cap ? 2 * cache->cap : 8;
    char **keys = realloc(cache->key, cap * sizeof *keys);
    CZ_CHECK(keys, CZ_ERR_NOMEM, "out of memory");
    cache->key = keys;
    cz_bio_recipe *recipes = realloc(cache->recipe, cap * sizeof *recipes);
    CZ_CHECK(recipes, CZ_ERR_NOMEM, "out of memory");
    cache->recipe = recipes;
    cache->cap = cap;
  }
  cz_bio_recipe *r = &cache->recipe[cache->n];
  if (kind == RECIPE_NML) CZ_TRY(cz_bio_recipe_from_nml(file, r));
  else CZ_TRY(cz_bio_recipe_from_allen(file, kind == RECIPE_ALLACTIVE, r));
  const cz_status st = cz_strdup(key, &cache->key[cache->n]);
  if (st != CZ_OK) {
    cz_bio_recipe_free(r);
    return st;
  }
  *out = &cache->recipe[cache->n++];
  return CZ_OK;
}

/* A string attribute of the node (NULL when absent or null). */
static const char *text_attr(const cz_node_pop *p, size_t row, const char *key) {
  const cz_value v = cz_circuit_node_attr(p, row, key);
  return v.kind == CZ_VAL_STR && !cz_csv_is_null_token(v.str) ? v.str : NULL;
}

/* components.<key>/<name> (the config's folder when the component is not given). */
static cz_status component_file(const cz_config *cfg, const char *key, const char *name, char **out) {
  const char *dir = cz_cfg_component(cfg, key);
  return cz_path_join(dir ? dir : cfg->dir, name, out);
}

static cz_status morphology_of(const cz_config *cfg, const cz_node_pop *p, size_t row, const char *what, char **out) {
  const char *name = text_attr(p, row, "morphology");
  CZ_CHECK(name, CZ_ERR_FORMAT, "%s: %s has no morphology", p->file, what);
  CZ_TRY(component_file(cfg, "morphologies_dir", name, out));
  if (cz_path_exists(*out) || cz_str_ends_with(*out, ".swc")) return CZ_OK;
  char *swc = NULL;
  const cz_status st = cz_asprintf(&swc, "%s.swc", *out);
  free(*out);
  *out = swc;
  return st;
}

/* The axon processing and the recipe kind of a ctdb: cell's model_processing. */
static cz_status processing_of(const cz_node_pop *p, size_t row, const char *what, cz_axon_processing *axon,
                               recipe_kind *kind, bool *has_recipe) {
  const char *proc = text_attr(p, row, "model_processing");
  *axon = CZ_AXON_KEEP;
  *has_recipe = false;
  if (!proc || !*proc) return CZ_OK;
  if (strcmp(proc, "aibs_perisomatic") == 0) {
    *axon = CZ_AXON_PERISOMATIC;
    *kind = RECIPE_PERISOMATIC;
  } else if (strcmp(proc, "aibs_allactive") == 0) {
    *axon = CZ_AXON_ALLACTIVE;
    *kind = RECIPE_ALLACTIVE;
  } else {
    return CZ_ERROR(CZ_ERR_CONFIG, "%s: %s: model_processing \"%s\" is not one Cadenza runs (aibs_perisomatic, aibs_allactive)",
                    p->file, what, proc);
  }
  *has_recipe = true;
  return CZ_OK;
}

/* The model of node (pop, row): the morphology, axon processing, recipe and dL (model->morphology
 * owned by the caller, free()). Errors name the node. */
static cz_status node_model(const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row, const cz_bio_run_config *rc,
                            cz_bio_recipes *cache, cz_bio_cell_model *model, char *what, size_t nwhat) {
  const cz_node_pop *p = &c->nodes[pop];
  snprintf(what, nwhat, "node %llu of population %s", (unsigned long long)cz_node_id(p, row), p->name);
  const char *tmpl = text_attr(p, row, "model_template");
  CZ_CHECK(tmpl, CZ_ERR_FORMAT, "%s: %s has no model_template", p->file, what);
  *model = (cz_bio_cell_model){.dL = rc->dL};
  const cz_bio_recipe *recipe = NULL;
  char *model_file = NULL;
  cz_status st = CZ_OK;
  if (strncmp(tmpl, "nml:", 4) == 0) {
    model->axon = CZ_AXON_PERISOMATIC; /* BMTK always stubs the axon of NeuroML2 cells */
    st = component_file(cfg, "biophysical_neuron_models_dir", tmpl + 4, &model_file);
    if (st == CZ_OK && (st = cached_recipe(cache, RECIPE_NML, model_file, &recipe)) != CZ_OK) cz_error_prefix(st, "%s", what);
  } else if (strcmp(tmpl, "ctdb:Biophys1.hoc") == 0 || strcmp(tmpl, "ctdb:Biophys1") == 0) {
    recipe_kind kind = RECIPE_PERISOMATIC;
    bool has_recipe = false;
    st = processing_of(p, row, what, &model->axon, &kind, &has_recipe);
    const char *dyn = text_attr(p, row, "dynamics_params");
    if (has_recipe && !dyn) model->axon = CZ_AXON_KEEP; /* BMTK skips the processing entirely without its file */
    if (st == CZ_OK && has_recipe && dyn) st = component_file(cfg, "biophysical_neuron_models_dir", dyn, &model_file);
    if (st == CZ_OK && model_file && (st = cached_recipe(cache, kind, model_file, &recipe)) != CZ_OK)
      cz_error_prefix(st, "%s", what);
  } else {
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s: model_template \"%s\" is not one Cadenza runs for biophysical cells (nml:<file>, "
                  "ctdb:Biophys1.hoc; hoc templates need NEURON's interpreter)",
                  p->types->path, what, tmpl);
  }
  free(model_file);
  char *morph = NULL;
  if (st == CZ_OK) st = morphology_of(cfg, p, row, what, &morph);
  model->morphology = morph;
  model->recipe = recipe;
  return st;
}

cz_status cz_bio_add_node_cell(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row,
                               const cz_bio_run_config *rc, cz_bio_recipes *cache, size_t *cell) {
  char what[256];
  cz_bio_cell_model model;
  cz_status st = node_model(cfg, c, pop, row, rc, cache, &model, what, sizeof what);
  if (st == CZ_OK && (st = cz_bio_cells_add(&th->cells, &model, rc->v_init, &cache->morphs, cell)) != CZ_OK) cz_error_prefix(st, "%s", what);
  free((char *)model.morphology);
  return st;
}

cz_status cz_bio_node_geometry(const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row,
                               const cz_bio_run_config *rc, cz_bio_recipes *cache, cz_morph **m, cz_bio_geom **g) {
  char what[256];
  cz_bio_cell_model model;
  cz_status st = node_model(cfg, c, pop, row, rc, cache, &model, what, sizeof what);
  if (st == CZ_OK && (st = cz_bio_cell_geometry(&model, &cache->morphs, m, g)) != CZ_OK) cz_error_prefix(st, "%s", what);
  free((char *)model.morphology);
  return st;
}

cz_status cz_bio_node_census(const cz_config *cfg, const cz_circuit *c, size_t pop, size_t row,
                             const cz_bio_run_config *rc, cz_bio_recipes *cache, cz_bio_census *out) {
  char what[256];
  cz_bio_cell_model model;
  cz_status st = node_model(cfg, c, pop, row, rc, cache, &model, what, sizeof what);
  if (st == CZ_OK && (st = cz_bio_cell_census(&model, &cache->morphs, out)) != CZ_OK) cz_error_prefix(st, "%s", what);
  free((char *)model.morphology);
  return st;
}

cz_status cz_bio_add_node_artificial(cz_bio_thread *th, const cz_circuit *c, size_t pop, size_t row, size_t *index) {
  const cz_node_pop *p = &c->nodes[pop];
  const uint32_t m = cz_node_model(p, row);
  CZ_CHECK(m != UINT32_MAX, CZ_ERR_INTERNAL, "%s: node %llu is virtual", p->file, (unsigned long long)cz_node_id(p, row));
  const cz_model_ref *model = &c->models[m];
  CZ_CHECK(model->template_str && strcmp(model->template_str, "nrn:IntFire1") == 0, CZ_ERR_CONFIG,
           "%s: node %llu of population %s: model_template \"%s\" is not an artificial cell Cadenza runs (nrn:IntFire1)",
           p->types->path, (unsigned long long)cz_node_id(p, row), p->name, model->template_str ? model->template_str : "");
  double v[2] = {NAN, NAN};
  static const char *const keys[2] = {"tau", "refrac"};
  for (int k = 0; k < 2; k++) {
    const cJSON *j = model->params ? cJSON_GetObjectItemCaseSensitive(model->params, keys[k]) : NULL;
    CZ_CHECK(cJSON_IsNumber(j) && isfinite(j->valuedouble), CZ_ERR_CONFIG, "%s: IntFire1 needs %s (seconds) as a number",
             model->params_file ? model->params_file : p->types->path, keys[k]);
    v[k] = j->valuedouble * 1000.0;
  }
  const cz_status st = cz_intfire1_add(&th->art, v[0], v[1], index);
  if (st != CZ_OK) cz_error_prefix(st, "%s", model->params_file ? model->params_file : p->types->path);
  return st;
}

cz_status cz_bio_cell_location(const cz_bio_thread *th, size_t cell, const char *section_name, size_t index, double x,
                               const char *where, uint32_t *node) {
  const cz_cell_nodes *map = &th->cells.map[cell];
  char type[32];
  for (size_t s = 0; s < map->nsec; s++) {
    if (map->index[s] != index || strcmp(cz_morph_type_name(map->type[s], type, sizeof type), section_name) != 0) continue;
    CZ_CHECK(x >= 0 && x <= 1, CZ_ERR_CONFIG, "%s: section_dist %g is not in [0, 1]", where, x);
    *node = (uint32_t)cz_cell_node_at(map, s, x);
    return CZ_OK;
  }
  return CZ_ERROR(CZ_ERR_CONFIG, "%s: the cell has no section %s[%zu]", where, section_name, index);
}

/* The values of a scalar-or-list member (n of them); *n stays when the member is absent. */
static cz_status numbers(const cz_cfg_block *b, const char *key, double *v, size_t cap, size_t *n) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  CZ_CHECK(j, CZ_ERR_CONFIG, "config: missing key \"inputs.%s.%s\" in %s", b->name, key, b->file);
  if (cJSON_IsNumber(j)) {
    v[0] = j->valuedouble;
    *n = 1;
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) > 0 && (size_t)cJSON_GetArraySize(j) <= cap, CZ_ERR_CONFIG,
           "config: inputs.%s.%s: must be a number or a list of 1 to %zu numbers in %s", b->name, key, cap, b->file);
  size_t k = 0;
  const cJSON *e = NULL;
  cJSON_ArrayForEach(e, j) {
    CZ_CHECK(cJSON_IsNumber(e) && isfinite(e->valuedouble), CZ_ERR_CONFIG,
             "config: inputs.%s.%s[%zu]: must be a number in %s", b->name, key, k, b->file);
    v[k++] = e->valuedouble;
  }
  *n = k;
  return CZ_OK;
}

enum { MAX_STEPS = 256 };

/* The detailed cells a clamp block selects, in ascending BMTK gid: pairs (pop, row). */
static cz_status clamp_cells(const cz_config *cfg, const cz_circuit *c, const cz_cfg_block *b, const char *where,
                             size_t **pop, size_t **row, size_t *n) {
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "%s: no node_set", where);
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  const size_t total = cz_ns_selection_count(sel);
  *pop = cz_calloc(total + 1, sizeof **pop);
  *row = cz_calloc(total + 1, sizeof **row);
  int64_t *pairs = cz_calloc(2 * total + 2, sizeof *pairs);
  cz_status st = *pop && *row && pairs ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t m = 0;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    const size_t k0 = m;
    for (size_t i = 0; i < sel->n[p]; i++) {
      const size_t r = sel->rows[p][i];
      const cz_value mt = cz_circuit_node_attr(&c->nodes[p], r, "model_type");
      if (mt.kind != CZ_VAL_STR || strcmp(mt.str, "biophysical") != 0) continue;
      pairs[2 * (m - k0)] = (int64_t)cz_node_id(&c->nodes[p], r);
      pairs[2 * (m - k0) + 1] = (int64_t)r;
      m++;
    }
    cz_sort_i64_pairs(pairs, m - k0);
    for (size_t k = k0; k < m; k++) {
      (*pop)[k] = p;
      (*row)[k] = (size_t)pairs[2 * (k - k0) + 1];
    }
  }
  free(pairs);
  cz_ns_selection_destroy(&sel);
  *n = m;
  return st;
}

/* A played clamp of the thread: its own copy of the block's amplitudes. */
static cz_status add_played(cz_bio_thread *th, uint32_t node, const cz_bio_played *pl, uint32_t column) {
  CZ_RESERVE(th->played, th->cap_played, th->nplay + 1);
  double *amps = NULL;
  CZ_NEW(amps, pl->n + 1);
  memcpy(amps, pl->amps, pl->n * sizeof *amps);
  th->played[th->nplay++] = amps;
  return cz_bio_thread_add_iclamp(th, (cz_iclamp){.node = node, .del = pl->del, .dur = pl->dur, .play = amps,
                                                  .nplay = pl->n, .idt = pl->idt, .column = column});
}

/* One IClamp block at the location on every local cell the node set selects: steps (amp,
 * delay, duration: equal-length lists or scalars), or a table played from a file
 * (bionet/iclamp_file.h). */
static cz_status iclamp_block(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_cfg_block *b,
                              const size_t *cell_pop, const size_t *cell_row, size_t *base) {
  double amp[MAX_STEPS], del[MAX_STEPS], dur[MAX_STEPS];
  size_t na = 0, nd = 0, nu = 0;
  const bool from_file = cz_bio_played_is_file(b);
  cz_bio_played played = {0};
  if (from_file) {
    CZ_TRY(cz_bio_played_read(cfg, b, &played));
  } else {
    CZ_TRY(numbers(b, "amp", amp, MAX_STEPS, &na));
    CZ_TRY(numbers(b, "delay", del, MAX_STEPS, &nd));
    CZ_TRY(numbers(b, "duration", dur, MAX_STEPS, &nu));
    CZ_CHECK(na == nd && nd == nu, CZ_ERR_CONFIG, "config: inputs.%s: amp, delay and duration differ in length in %s",
             b->name, b->file);
    for (size_t k = 0; k < na; k++)
      CZ_CHECK(dur[k] >= 0 && del[k] >= 0, CZ_ERR_CONFIG, "config: inputs.%s: delay and duration must be >= 0 in %s",
               b->name, b->file);
  }
  const cJSON *sn = cJSON_GetObjectItemCaseSensitive(b->json, "section_name");
  const cJSON *si = cJSON_GetObjectItemCaseSensitive(b->json, "section_index");
  const cJSON *sd = cJSON_GetObjectItemCaseSensitive(b->json, "section_dist");
  const char *sec = cJSON_IsString(sn) ? sn->valuestring : "soma";
  const size_t index = cJSON_IsNumber(si) && si->valuedouble >= 0 ? (size_t)si->valuedouble : 0;
  const double x = cJSON_IsNumber(sd) ? sd->valuedouble : 0.5;
  char where[512];
  snprintf(where, sizeof where, "config: inputs.%s in %s", b->name, b->file);
  size_t *pop = NULL, *row = NULL, n = 0;
  cz_status st = clamp_cells(cfg, c, b, where, &pop, &row, &n);
  /* Columns of a clamp report: the block's cells in gid order, each cell's steps in turn. */
  const size_t per_cell = from_file ? 1 : na;
  for (size_t cell = 0; st == CZ_OK && cell < th->cells.ncells; cell++)
    for (size_t q = 0; st == CZ_OK && q < n; q++) {
      if (pop[q] != cell_pop[cell] || row[q] != cell_row[cell]) continue;
      uint32_t node = 0;
      st = cz_bio_cell_location(th, cell, sec, index, x, where, &node);
      const uint32_t col = (uint32_t)(*base + q * per_cell);
      if (st == CZ_OK && from_file) st = add_played(th, node, &played, col);
      for (size_t k = 0; st == CZ_OK && k < na; k++)
        st = cz_bio_thread_add_iclamp(th, (cz_iclamp){.node = node, .del = del[k], .dur = dur[k], .amp = amp[k],
                                                      .column = col + (uint32_t)k});
    }
  *base += n * per_cell;
  free(pop);
  free(row);
  cz_bio_played_free(&played);
  return st;
}

/* A SEClamp member: a number (the same for all levels), a list of up to three numbers (one set
 * for every cell), or a list of such sets, one for every cell or one for all. out[k][0..2] for
 * the k-th of n cells; *found false when the member is absent. */
static cz_status clamp_levels(const cz_cfg_block *b, const char *key, size_t n, double (*out)[3], size_t *nvals,
                              bool *found) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  *found = j != NULL;
  if (!j) return CZ_OK;
  const bool nested = cJSON_IsArray(j) && cJSON_IsArray(cJSON_GetArrayItem(j, 0));
  const size_t sets = nested ? (size_t)cJSON_GetArraySize(j) : 1;
  CZ_CHECK(sets == 1 || sets == n, CZ_ERR_CONFIG,
           "config: inputs.%s.%s: %zu sets for %zu cells; give one set for all, or one per cell in %s", b->name, key, sets,
           n, b->file);
  for (size_t k = 0; k < n; k++) {
    const cJSON *set = nested ? cJSON_GetArrayItem(j, (int)(sets == 1 ? 0 : k)) : j;
    const size_t m = cJSON_IsArray(set) ? (size_t)cJSON_GetArraySize(set) : 3;
    CZ_CHECK((cJSON_IsNumber(set) || cJSON_IsArray(set)) && m >= 1 && m <= 3, CZ_ERR_CONFIG,
             "config: inputs.%s.%s: a set is a number or a list of 1 to 3 numbers in %s", b->name, key, b->file);
    for (size_t l = 0; l < 3; l++) {
      const cJSON *v = cJSON_IsArray(set) ? (l < m ? cJSON_GetArrayItem(set, (int)l) : NULL) : set;
      CZ_CHECK(!v || (cJSON_IsNumber(v) && isfinite(v->valuedouble)), CZ_ERR_CONFIG,
               "config: inputs.%s.%s: a level is not a number in %s", b->name, key, b->file);
      out[k][l] = v ? v->valuedouble : 0.0;
    }
    nvals[k] = m;
  }
  return CZ_OK;
}

/* The series resistance of each of n cells: rs (a number, or a list of one or of n), default 1 MΩ. */
static cz_status clamp_rs(const cz_cfg_block *b, size_t n, double *rs) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "rs");
  const size_t m = cJSON_IsArray(j) ? (size_t)cJSON_GetArraySize(j) : 1;
  CZ_CHECK(!j || cJSON_IsNumber(j) || (cJSON_IsArray(j) && (m == 1 || m == n)), CZ_ERR_CONFIG,
           "config: inputs.%s.rs: a number of MΩ, or a list of one or of one per cell in %s", b->name, b->file);
  for (size_t k = 0; k < n; k++) {
    const cJSON *v = !j ? NULL : cJSON_IsArray(j) ? cJSON_GetArrayItem(j, (int)(m == 1 ? 0 : k)) : j;
    rs[k] = v && cJSON_IsNumber(v) ? v->valuedouble : 1.0;
    CZ_CHECK(rs[k] > 0 && isfinite(rs[k]), CZ_ERR_CONFIG, "config: inputs.%s.rs: %g must be a positive number of MΩ in %s",
             b->name, rs[k], b->file);
  }
  return CZ_OK;
}

/* One SEClamp block (§6.2): on soma[0](0.5) of every local cell it selects, its levels. */
static cz_status seclamp_block(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_cfg_block *b,
                               const size_t *cell_pop, const size_t *cell_row, size_t *base) {
  char where[512];
  snprintf(where, sizeof where, "config: inputs.%s in %s", b->name, b->file);
  size_t *pop = NULL, *row = NULL, n = 0;
  double(*amps)[3] = NULL, (*durs)[3] = NULL, *rs = NULL;
  size_t *na = NULL, *nd = NULL;
  cz_status st = clamp_cells(cfg, c, b, where, &pop, &row, &n);
  if (st == CZ_OK) {
    amps = cz_calloc(n + 1, sizeof *amps), durs = cz_calloc(n + 1, sizeof *durs), rs = cz_calloc(n + 1, sizeof *rs);
    na = cz_calloc(n + 1, sizeof *na), nd = cz_calloc(n + 1, sizeof *nd);
    if (!amps || !durs || !rs || !na || !nd) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  bool has_amps = false, has_durs = false;
  if (st == CZ_OK) st = clamp_levels(b, "amps", n, amps, na, &has_amps);
  if (st == CZ_OK) st = clamp_levels(b, "durations", n, durs, nd, &has_durs);
  if (st == CZ_OK && (!has_amps || !has_durs))
    st = CZ_ERROR(CZ_ERR_CONFIG, "config: missing key \"inputs.%s.%s\" in %s", b->name, has_amps ? "durations" : "amps",
                  b->file);
  if (st == CZ_OK) st = clamp_rs(b, n, rs);
  for (size_t k = 0; st == CZ_OK && k < n; k++)
    for (int l = 0; st == CZ_OK && l < 3; l++)
      if (durs[k][l] < 0) st = CZ_ERROR(CZ_ERR_CONFIG, "%s: durations must be >= 0", where);
  for (size_t cell = 0; st == CZ_OK && cell < th->cells.ncells; cell++)
    for (size_t k = 0; st == CZ_OK && k < n; k++) {
      if (pop[k] != cell_pop[cell] || row[k] != cell_row[cell]) continue;
      cz_seclamp sc = {.node = th->cells.soma[cell], .rs = rs[k], .column = (uint32_t)(*base + k)};
      memcpy(sc.amp, amps[k], sizeof sc.amp);
      memcpy(sc.dur, durs[k], sizeof sc.dur);
      st = cz_bio_thread_add_seclamp(th, sc);
    }
  *base += n;
  free(pop);
  free(row);
  free(amps);
  free(durs);
  free(rs);
  free(na);
  free(nd);
  return st;
}

cz_status cz_bio_add_seclamps(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const size_t *cell_pop,
                              const size_t *cell_row) {
  size_t base = 0;
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (b->enabled && b->module && strcmp(b->module, "SEClamp") == 0)
      CZ_TRY(seclamp_block(th, cfg, c, b, cell_pop, cell_row, &base));
  }
  return CZ_OK;
}

cz_status cz_bio_add_iclamps(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const size_t *cell_pop,
                             const size_t *cell_row) {
  size_t steps_base = 0, played_base = 0; /* the step clamps' report columns, and the played ones' */
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled || !b->module || strcmp(b->module, "IClamp") != 0) continue;
    CZ_CHECK(!b->input_type || strcmp(b->input_type, "current_clamp") == 0 || cz_bio_played_is_file(b),
             CZ_ERR_CONFIG,
             "config: inputs.%s: IClamp input_type \"%s\" is not one BMTK has (current_clamp, csv, file, nwb, "
             "allen) in %s", b->name, b->input_type, b->file);
    const bool table = cz_bio_played_is_file(b);
    CZ_TRY(iclamp_block(th, cfg, c, b, cell_pop, cell_row, table ? &played_base : &steps_base));
  }
  return CZ_OK;
}
