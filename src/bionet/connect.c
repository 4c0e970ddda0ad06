#include "bionet/connect.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/sort.h"
#include "bionet/build.h"
#include "io/csv.h"
#include "io/edge_columns.h"
#include "io/node_sets.h"
#include "io/spike_input.h"

static cz_status add_netcon(cz_bio_netcons *nc, uint64_t src, uint32_t target, double w, double delay) {
  if (nc->n == nc->cap) {
    const size_t cap = nc->cap ? 2 * nc->cap : 256;
    CZ_TRY(cz_resize((void **)&nc->src, cap, sizeof *nc->src));
    CZ_TRY(cz_resize((void **)&nc->target, cap, sizeof *nc->target));
    CZ_TRY(cz_resize((void **)&nc->w, cap, sizeof *nc->w));
    CZ_TRY(cz_resize((void **)&nc->delay, cap, sizeof *nc->delay));
    nc->cap = cap;
  }
  nc->src[nc->n] = src;
  nc->target[nc->n] = target;
  nc->w[nc->n] = w;
  nc->delay[nc->n++] = delay;
  return CZ_OK;
}

void cz_bio_netcons_free(cz_bio_netcons *nc) {
  free(nc->src);
  free(nc->target);
  free(nc->w);
  free(nc->delay);
  memset(nc, 0, sizeof *nc);
}

/* The first of two columns the population has (NULL values when neither). */
static cz_status first_column(const cz_edge_pop *e, const char *a, const char *b, double **out, const char **which) {
  bool has = false;
  *out = NULL;
  *which = NULL;
  CZ_TRY(cz_edge_column_exists(e, a, &has));
  if (has) {
    *which = a;
    return cz_edge_column_read(e, a, out);
  }
  CZ_TRY(cz_edge_column_exists(e, b, &has));
  if (!has) return CZ_OK;
  *which = b;
  return cz_edge_column_read(e, b, out);
}

/* An Exp2Syn's parameters from its synapse model JSON (NEURON's defaults where absent). */
static cz_status exp2syn_params(const cz_circuit *c, const cz_edge_pop *e, size_t i, double *tau1, double *tau2,
                                double *erev) {
  const cz_syn_model *sm = &c->syn_models[cz_edge_syn_model(e, i)];
  const char *t = sm->template_str;
  CZ_CHECK(t && (strcasecmp(t, "exp2syn") == 0), CZ_ERR_CONFIG,
           "%s: edge population %s: model_template \"%s\" onto a detailed cell is not one Cadenza runs yet (Exp2Syn)",
           e->types_table ? e->types_table->path : e->file, e->name, t ? t : "(none)");
  *tau1 = 0.1;
  *tau2 = 10.0;
  *erev = 0.0;
  static const char *const keys[3] = {"tau1", "tau2", "erev"};
  double *vals[3] = {tau1, tau2, erev};
  for (int k = 0; k < 3; k++) {
    const cJSON *v = sm->params ? cJSON_GetObjectItemCaseSensitive(sm->params, keys[k]) : NULL;
    if (!v) continue;
    CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_CONFIG, "%s: %s must be a number",
             sm->params_file ? sm->params_file : e->file, keys[k]);
    *vals[k] = v->valuedouble;
  }
  CZ_CHECK(*tau1 > 0 && *tau2 > 0, CZ_ERR_CONFIG, "%s: tau1 and tau2 must be positive", sm->params_file ? sm->params_file : e->file);
  return CZ_OK;
}

/* The sign of an instantaneous synapse (its JSON's "sign", 1 when absent). */
static double synapse_sign(const cz_circuit *c, const cz_edge_pop *e, size_t i) {
  const cz_syn_model *sm = &c->syn_models[cz_edge_syn_model(e, i)];
  const cJSON *v = sm->params ? cJSON_GetObjectItemCaseSensitive(sm->params, "sign") : NULL;
  return cJSON_IsNumber(v) ? v->valuedouble : 1.0;
}

static cz_status edge_values(const cz_edge_pop *e, size_t i, double *w, double *delay, double *nsyns) {
  *w = e->col.syn_weight ? e->col.syn_weight[i] : e->types[e->type[i]].col.syn_weight;
  *delay = e->col.delay ? e->col.delay[i] : e->types[e->type[i]].col.delay;
  *nsyns = e->col.nsyns ? e->col.nsyns[i] : e->types[e->type[i]].col.nsyns;
  CZ_CHECK(isfinite(*w) && isfinite(*delay) && *delay >= 0, CZ_ERR_FORMAT,
           "%s: edge %llu of %s: syn_weight %g and delay %g must be numbers (delay >= 0)", e->file,
           (unsigned long long)cz_edge_file_row(e, i), e->name, *w, *delay);
  CZ_CHECK(isnan(*nsyns) || (*nsyns >= 0 && *nsyns == floor(*nsyns) && isfinite(*nsyns)), CZ_ERR_FORMAT,
           "%s: edge %llu of %s: nsyns %g must be a whole number >= 0", e->file, (unsigned long long)cz_edge_file_row(e, i),
           e->name, *nsyns);
  return CZ_OK;
}

/* An edge onto a detailed cell: an Exp2Syn at its preselected location. */
static cz_status connect_to_cell(cz_bio_thread *th, const cz_circuit *c, const cz_edge_pop *e, size_t i, size_t cell,
                                 const double *sec, const double *pos, const char *sec_name, const char *pos_name,
                                 uint32_t *target) {
  CZ_CHECK(sec, CZ_ERR_CONFIG,
           "%s: edge population %s has no sec_id or afferent_section_id: random synapse placement (nsyns) is not "
           "wired into the detailed-cell build yet",
           e->file, e->name);
  const cz_cell_nodes *map = &th->cells.map[cell];
  const double s = sec[i], x = pos ? pos[i] : 0.5;
  CZ_CHECK((s >= 0 && s < (double)map->nsec && floor(s) == s) && (x >= 0 && x <= 1), CZ_ERR_FORMAT,
           "%s: edge %llu of %s: %s %g, %s %g is not a location on its target (%zu sections)", e->file,
           (unsigned long long)cz_edge_file_row(e, i), e->name, sec_name, s, pos_name ? pos_name : "x", x, map->nsec);
  double tau1 = 0, tau2 = 0, erev = 0;
  CZ_TRY(exp2syn_params(c, e, i, &tau1, &tau2, &erev));
  size_t k = 0;
  CZ_TRY(cz_exp2syn_add(&th->syn, (uint32_t)cz_cell_node_at(map, (size_t)s, x), tau1, tau2, erev, &k));
  *target = cz_ev_target(CZ_EV_SYNAPSE, (uint32_t)k);
  return CZ_OK;
}

/* The edges of one population onto the thread's cells. */
static cz_status connect_pop(cz_bio_thread *th, const cz_circuit *c, const cz_bio_cell_index *ix, const cz_edge_pop *e,
                             cz_bio_netcons *nc) {
  const char *types_path = e->types_table ? e->types_table->path : e->file;
  CZ_CHECK(!e->types_table || cz_csv_col(e->types_table, "weight_function") < 0, CZ_ERR_CONFIG,
           "%s: edge population %s: weight_function is not applied by Cadenza's detailed-cell engine yet", types_path,
           e->name);
  double *sec = NULL, *pos = NULL;
  const char *sec_name = NULL, *pos_name = NULL;
  CZ_TRY(first_column(e, "sec_id", "afferent_section_id", &sec, &sec_name));
  cz_status st = first_column(e, "sec_x", "afferent_section_pos", &pos, &pos_name);
  for (size_t i = 0; st == CZ_OK && i < e->n; i++) {
    const size_t tgid = ix->pop_offset[e->target_pop] + e->target_row[i];
    const size_t cell = ix->cell_of_gid[tgid], art = ix->art_of_gid ? ix->art_of_gid[tgid] : SIZE_MAX;
    if (cell == SIZE_MAX && art == SIZE_MAX) continue;
    double w = 0, delay = 0, nsyns = 0;
    uint32_t target = 0;
    st = edge_values(e, i, &w, &delay, &nsyns);
    if (st == CZ_OK && cell != SIZE_MAX) {
      st = connect_to_cell(th, c, e, i, cell, sec, pos, sec_name, pos_name, &target);
    } else if (st == CZ_OK) {
      target = cz_ev_target(CZ_EV_ARTIFICIAL, (uint32_t)art);
      if (!sec && isfinite(nsyns)) w = w * synapse_sign(c, e, i) * nsyns; /* BMTK's rule for nsyns groups */
    }
    if (st == CZ_OK) st = add_netcon(nc, ix->pop_offset[e->source_pop] + e->source_row[i], target, w, delay);
  }
  free(sec);
  free(pos);
  return st;
}

cz_status cz_bio_connect_edges(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                               cz_bio_netcons *nc) {
  (void)cfg;
  for (size_t p = 0; p < c->nedges; p++) CZ_TRY(connect_pop(th, c, ix, &c->edges[p], nc));
  return CZ_OK;
}

cz_status cz_bio_route_spike(cz_bio_thread *th, const cz_bio_netcons *nc, const size_t *order, uint64_t gid, double t,
                             size_t *nevents) {
  size_t lo = 0, hi = nc->n; /* the first NetCon of gid */
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (nc->src[order[mid]] < gid) lo = mid + 1;
    else hi = mid;
  }
  for (size_t j = lo; j < nc->n && nc->src[order[j]] == gid; j++) {
    const size_t k = order[j];
    CZ_TRY(cz_bio_queue_push(&th->queue, t + nc->delay[k], nc->target[k], nc->w[k]));
    ++*nevents;
  }
  return CZ_OK;
}

static bool spike_module(const char *m) {
  static const char *const ok[] = {"sonata", "h5", "hdf5", "csv", "nwb"};
  for (size_t i = 0; m && i < sizeof ok / sizeof *ok; i++)
    if (strcmp(m, ok[i]) == 0) return true;
  return false;
}

cz_status cz_bio_netcons_by_source(const cz_bio_netcons *nc, size_t **order) {
  int64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * nc->n + 2);
  for (size_t k = 0; k < nc->n; k++) {
    pairs[2 * k] = (int64_t)nc->src[k];
    pairs[2 * k + 1] = (int64_t)k;
  }
  cz_sort_i64_pairs(pairs, nc->n);
  *order = cz_calloc(nc->n + 1, sizeof **order);
  if (*order)
    for (size_t k = 0; k < nc->n; k++) (*order)[k] = (size_t)pairs[2 * k + 1];
  free(pairs);
  CZ_CHECK(*order, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* The events of one population's trains through the NetCons of its gids. */
static cz_status queue_trains(cz_bio_thread *th, const cz_node_pop *p, size_t offset, const cz_spike_trains *tr,
                              const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b) {
  for (size_t s = 0; s < tr->n; s++) {
    size_t row = 0;
    if (!cz_circuit_row_of(p, tr->node_ids[s], &row)) continue;
    CZ_CHECK(tr->timestamps[s] >= 0, CZ_ERR_FORMAT, "config: inputs.%s: spike time %g of node %llu is negative in %s",
             b->name, tr->timestamps[s], (unsigned long long)tr->node_ids[s], b->file);
    size_t nevents = 0;
    CZ_TRY(cz_bio_route_spike(th, nc, order, offset + row, tr->timestamps[s], &nevents));
  }
  return CZ_OK;
}

static cz_status queue_block(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                             const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b);

cz_status cz_bio_queue_spike_inputs(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                                    const cz_bio_netcons *nc) {
  size_t *order = NULL;
  CZ_TRY(cz_bio_netcons_by_source(nc, &order));
  cz_status st = CZ_OK;
  for (size_t i = 0; st == CZ_OK && i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled || !b->input_type || strcmp(b->input_type, "spikes") != 0) continue;
    st = queue_block(th, cfg, c, ix, nc, order, b);
  }
  free(order);
  return st;
}

/* One spike input block: its file's trains for every population its node set selects. */
static cz_status queue_block(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                             const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b) {
  CZ_CHECK(spike_module(b->module), CZ_ERR_CONFIG, "config: inputs.%s: module \"%s\" is not sonata, h5, csv or nwb in %s",
           b->name, b->module ? b->module : "", b->file);
  const cJSON *file = cJSON_GetObjectItemCaseSensitive(b->json, "input_file");
  CZ_CHECK(cJSON_IsString(file), CZ_ERR_CONFIG, "config: missing key \"inputs.%s.input_file\" in %s", b->name, b->file);
  const char *module = strcmp(b->module, "h5") == 0 || strcmp(b->module, "hdf5") == 0 ? "sonata" : b->module;
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  char where[256];
  snprintf(where, sizeof where, "inputs.%s.node_set", b->name);
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "config: missing key \"inputs.%s.node_set\" in %s", b->name, b->file);
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  cz_status st = CZ_OK;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    if (sel->n[p] == 0) continue;
    cz_spike_trains *tr = NULL;
    st = cz_spike_input_read(file->valuestring, module, c->nodes[p].name, &tr);
    if (st == CZ_OK) st = queue_trains(th, &c->nodes[p], ix->pop_offset[p], tr, nc, order, b);
    cz_spike_trains_destroy(&tr);
  }
  cz_ns_selection_destroy(&sel);
  return st;
}
