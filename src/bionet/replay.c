#include "bionet/replay.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sort.h"
#include "base/str.h"
#include "core/stimulus/replay_keys.h"
#include "io/node_sets.h"
#include "io/spike_input.h"

/* A node set's membership, population by population (absent: "all"). */
static cz_status membership(const cz_config *cfg, const cz_circuit *c, const cJSON *expr, const char *where,
                            uint8_t **rows, bool *any) {
  cJSON *all = NULL;
  if (!expr) expr = all = cJSON_CreateString("all");
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  cz_status st = cz_ns_resolve(cfg->node_sets, expr, &view, where, &sel);
  cJSON_Delete(all);
  CZ_TRY(st);
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    rows[p] = cz_calloc(c->nodes[p].n + 1, 1);
    if (!rows[p]) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CZ_OK && i < sel->n[p]; i++) rows[p][sel->rows[p][i]] = 1;
    any[p] = st == CZ_OK && sel->n[p] > 0;
  }
  cz_ns_selection_destroy(&sel);
  return st;
}

static cz_status read_one(const cz_config *cfg, const cz_circuit *c, size_t input, cz_bio_replay *r) {
  const cz_cfg_block *b = &cfg->inputs[input];
  r->input = input;
  CZ_TRY(cz_replay_keys_read(cfg, b, &r->where, &r->spikes_file, &r->edges));
  r->npops = c->nnodes;
  r->source = cz_calloc(c->nnodes + 1, sizeof *r->source);
  r->target = cz_calloc(c->nnodes + 1, sizeof *r->target);
  r->has_source = cz_calloc(c->nnodes + 1, sizeof *r->has_source);
  r->has_target = cz_calloc(c->nnodes + 1, sizeof *r->has_target);
  r->ids = cz_calloc(c->nnodes + 1, sizeof *r->ids);
  r->times = cz_calloc(c->nnodes + 1, sizeof *r->times);
  r->nspikes = cz_calloc(c->nnodes + 1, sizeof *r->nspikes);
  r->read = cz_calloc(c->nnodes + 1, sizeof *r->read);
  CZ_CHECK(r->source && r->target && r->has_source && r->has_target && r->ids && r->times && r->nspikes && r->read,
           CZ_ERR_NOMEM, "out of memory");
  char where[700];
  snprintf(where, sizeof where, "%s.source_node_set", r->where);
  CZ_TRY(membership(cfg, c, cJSON_GetObjectItemCaseSensitive(b->json, "source_node_set"), where, r->source, r->has_source));
  snprintf(where, sizeof where, "%s.target_node_set", r->where);
  CZ_TRY(membership(cfg, c, cJSON_GetObjectItemCaseSensitive(b->json, "target_node_set"), where, r->target, r->has_target));
  return CZ_OK;
}

static bool is_replay(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "replay") == 0; }

cz_status cz_bio_replays_read(const cz_config *cfg, const cz_circuit *c, cz_bio_replays *out) {
  memset(out, 0, sizeof *out);
  size_t n = 0;
  for (size_t i = 0; i < cfg->ninputs; i++) n += is_replay(&cfg->inputs[i]);
  if (n == 0) return CZ_OK;
  CZ_NEW(out->r, n);
  for (size_t i = 0; i < cfg->ninputs; i++)
    if (is_replay(&cfg->inputs[i])) CZ_TRY(read_one(cfg, c, i, &out->r[out->n++]));
  for (size_t k = 1; k < out->n; k++)
    if (strcmp(out->r[k].spikes_file, out->r[0].spikes_file) != 0)
      cz_log_warn("%s: a second replay spikes file; each replay plays its own file, where BMTK 1.0.8 reuses the first "
                  "file's times for nodes it already has",
                  out->r[k].where);
  return CZ_OK;
}

void cz_bio_replays_free(cz_bio_replays *rs) {
  for (size_t k = 0; k < rs->n; k++) {
    cz_bio_replay *r = &rs->r[k];
    for (size_t p = 0; p < r->npops; p++) {
      if (r->source) free(r->source[p]);
      if (r->target) free(r->target[p]);
      if (r->ids) free(r->ids[p]);
      if (r->times) free(r->times[p]);
    }
    free(r->source), free(r->target), free(r->has_source), free(r->has_target);
    free(r->ids), free(r->times), free(r->nspikes), free(r->read);
    free(r->where), free(r->spikes_file), free(r->edges.edges_file), free(r->edges.edge_types_file);
  }
  free(rs->r);
  memset(rs, 0, sizeof *rs);
}

/* The gids (pop_offset[p] + node id) of a node set's members, as a bitmap over [0, ngids). */
static cz_status gid_bitmap(const cz_circuit *c, uint8_t *const *rows, const size_t *pop_offset, uint8_t **out,
                            size_t *ngids) {
  *ngids = pop_offset[c->nnodes];
  CZ_NEW(*out, *ngids + 1);
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      const uint64_t gid = pop_offset[p] + cz_node_id(&c->nodes[p], i);
      if (rows[p][i] && gid < *ngids) (*out)[gid] = 1;
    }
  return CZ_OK;
}

static bool in_bitmap(const uint8_t *bits, size_t n, uint64_t id) { return id < n && bits[id]; }

cz_status cz_bio_replay_gid_rule(const cz_bio_replay *r, const cz_circuit *c, size_t edge_pop, const size_t *pop_offset,
                                 uint64_t *differ) {
  const cz_edge_pop *e = &c->edges[edge_pop];
  if (pop_offset[e->source_pop] == 0 && pop_offset[e->target_pop] == 0) return CZ_OK;
  uint8_t *src = NULL, *tgt = NULL;
  size_t nsrc = 0, ntgt = 0;
  cz_status st = gid_bitmap(c, r->source, pop_offset, &src, &nsrc);
  if (st == CZ_OK) st = gid_bitmap(c, r->target, pop_offset, &tgt, &ntgt);
  for (size_t i = 0; st == CZ_OK && i < e->n; i++) {
    const bool ours = r->source[e->source_pop][e->source_row[i]] && r->target[e->target_pop][e->target_row[i]];
    const bool bmtk = in_bitmap(src, nsrc, cz_node_id(&c->nodes[e->source_pop], e->source_row[i])) &&
                      in_bitmap(tgt, ntgt, cz_node_id(&c->nodes[e->target_pop], e->target_row[i]));
    *differ += ours != bmtk;
  }
  free(src);
  free(tgt);
  return st;
}

static int cmp_spike(const void *a, const void *b) {
  const double *x = a, *y = b; /* (node id, time) pairs of doubles */
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

/* The spikes of source population pop, sorted by node and time. */
static cz_status read_spikes(cz_bio_replay *r, const cz_circuit *c, size_t pop) {
  cz_spike_trains *tr = NULL;
  cz_status st = cz_spike_input_read(r->spikes_file, NULL, c->nodes[pop].name, &tr);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.spikes_file", r->where);
  double *pairs = cz_calloc(2 * tr->n + 2, sizeof *pairs);
  if (!pairs) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < tr->n; k++) {
    if (!(tr->timestamps[k] >= 0))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: spike time %g of node %llu is negative (%s.spikes_file)", r->spikes_file,
                    tr->timestamps[k], (unsigned long long)tr->node_ids[k], r->where);
    pairs[2 * k] = (double)tr->node_ids[k];
    pairs[2 * k + 1] = tr->timestamps[k];
  }
  if (st == CZ_OK) qsort(pairs, tr->n, 2 * sizeof *pairs, cmp_spike);
  if (st == CZ_OK) {
    r->ids[pop] = cz_calloc(tr->n + 1, sizeof *r->ids[pop]);
    r->times[pop] = cz_calloc(tr->n + 1, sizeof *r->times[pop]);
    if (!r->ids[pop] || !r->times[pop]) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t k = 0; st == CZ_OK && k < tr->n; k++) {
    r->ids[pop][k] = (uint64_t)pairs[2 * k];
    r->times[pop][k] = pairs[2 * k + 1];
  }
  if (st == CZ_OK) {
    r->nspikes[pop] = tr->n;
    r->read[pop] = true;
  }
  free(pairs);
  cz_spike_trains_destroy(&tr);
  return st;
}

cz_status cz_bio_replay_times(cz_bio_replay *r, const cz_circuit *c, size_t pop, size_t row, const double **times,
                              size_t *n) {
  if (!r->read[pop]) CZ_TRY(read_spikes(r, c, pop));
  const uint64_t id = cz_node_id(&c->nodes[pop], row);
  const uint64_t *ids = r->ids[pop];
  size_t lo = 0, hi = r->nspikes[pop];
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < r->nspikes[pop] && ids[end] == id) end++;
  *times = r->times[pop] + lo;
  *n = end - lo;
  return CZ_OK;
}
