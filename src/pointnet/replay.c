/* Replay on PointNet: the protocol is in replay.h (phantom sources). */
#include "pointnet/replay.h"

#include <cjson/cJSON.h>
#include <math.h>
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

typedef struct pn_replay {
  const cz_cfg_block *b;
  char *where;             /* "<config>: inputs.<name>" */
  cz_cfg_edges edges;      /* the edges file and its types (absolute) */
  char *spikes_file;
  size_t npops;
  uint64_t **source, **target; /* [npops] bitmaps over rows; NULL: no node of that population */
} pn_replay;

struct cz_pn_replays {
  size_t n;
  pn_replay *r;
  size_t *phantom_size; /* [npops] generators per population: its size when a replay sources it */
};

static bool bit(const uint64_t *words, size_t i) { return words && (words[i >> 6] >> (i & 63)) & 1; }

bool cz_pn_is_replay(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "replay") == 0; }

/* ---------------------------------------------------------------------------- config */

/* A node set's members as a bitmap per population ("all" when expr is absent). */
static cz_status membership(const cz_config *cfg, const cz_circuit *c, const cJSON *expr, const char *where,
                            uint64_t **rows) {
  cJSON *all = NULL;
  if (!expr) expr = all = cJSON_CreateString("all");
  CZ_CHECK(expr, CZ_ERR_NOMEM, "out of memory");
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  cz_status st = cz_ns_resolve(cfg->node_sets, expr, &view, where, &sel);
  cJSON_Delete(all);
  CZ_TRY(st);
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    if (sel->n[p] == 0) continue;
    rows[p] = cz_calloc(c->nodes[p].n / 64 + 1, sizeof *rows[p]);
    if (!rows[p]) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CZ_OK && i < sel->n[p]; i++) rows[p][sel->rows[p][i] >> 6] |= UINT64_C(1) << (sel->rows[p][i] & 63);
  }
  cz_ns_selection_destroy(&sel);
  return st;
}

static cz_status read_one(const cz_config *cfg, const cz_circuit *c, const cz_cfg_block *b, pn_replay *r) {
  r->b = b;
  r->npops = c->nnodes;
  CZ_TRY(cz_replay_keys_read(cfg, b, &r->where, &r->spikes_file, &r->edges));
  char where[1200];
  CZ_NEW(r->source, c->nnodes + 1);
  CZ_NEW(r->target, c->nnodes + 1);
  snprintf(where, sizeof where, "%s.source_node_set", r->where);
  CZ_TRY(membership(cfg, c, cJSON_GetObjectItemCaseSensitive(b->json, "source_node_set"), where, r->source));
  snprintf(where, sizeof where, "%s.target_node_set", r->where);
  CZ_TRY(membership(cfg, c, cJSON_GetObjectItemCaseSensitive(b->json, "target_node_set"), where, r->target));
  return CZ_OK;
}

/* The edges file of an enabled replay block before b in cfg's inputs that b's file equals, or NULL. */
static const char *earlier_block_with(const cz_config *cfg, const cz_cfg_block *b, const char *file) {
  for (size_t i = 0; i < cfg->ninputs && &cfg->inputs[i] != b; i++) {
    if (!cz_pn_is_replay(&cfg->inputs[i])) continue;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(cfg->inputs[i].json, "edges");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "edges_file");
    if (cJSON_IsString(f) && strcmp(f->valuestring, file) == 0) return cfg->inputs[i].name;
  }
  return NULL;
}

/* The circuit holds an edge population once: one block per edges file, and none of
 * networks.edges (BMTK would build those edges twice, live and replayed). */
static cz_status check_clash(const cz_config *cfg, const pn_replay *r) {
  for (size_t e = 0; e < cfg->nedges; e++)
    CZ_CHECK(!cfg->edges[e].enabled || strcmp(cfg->edges[e].edges_file, r->edges.edges_file) != 0, CZ_ERR_CONFIG,
             "%s.edges.edges_file: %s is in networks.edges too; a replay rebuilds edges the network does not have "
             "(remove the file from networks.edges to replay it)",
             r->where, r->edges.edges_file);
  const char *other = earlier_block_with(cfg, r->b, r->edges.edges_file);
  CZ_CHECK(!other, CZ_ERR_CONFIG,
           "%s.edges.edges_file: %s is the edges file of inputs.%s too; one replay block per edges file (select the "
           "edges with its node sets)",
           r->where, r->edges.edges_file, other);
  return CZ_OK;
}

static void replay_free(pn_replay *r) {
  for (size_t p = 0; p < r->npops; p++) {
    if (r->source) free(r->source[p]);
    if (r->target) free(r->target[p]);
  }
  free(r->source), free(r->target);
  free(r->where), free(r->spikes_file), free(r->edges.edges_file), free(r->edges.edge_types_file);
  memset(r, 0, sizeof *r);
}

void cz_pn_replays_destroy(cz_pn_replays **prp) {
  if (!prp || !*prp) return;
  cz_pn_replays *rp = *prp;
  for (size_t k = 0; k < rp->n; k++) replay_free(&rp->r[k]);
  free(rp->r);
  free(rp->phantom_size);
  free(rp);
  *prp = NULL;
}

/* The warnings of a run's replays, said once (rank 0's log). */
static void warn_replays(const cz_pn_replays *rp) {
  cz_log_warn("%s: replay on PointNet is a Cadenza extension (BMTK 1.0.8's PointNet ignores replay with a warning): "
              "no BMTK reference exists for its results",
              rp->r[0].where);
  for (size_t k = 1; k < rp->n; k++)
    if (strcmp(rp->r[k].spikes_file, rp->r[0].spikes_file) != 0)
      cz_log_warn("%s: a second replay spikes file; a source node that an earlier replay block selects plays that "
                  "block's times (BMTK reuses the first file's times for nodes it already has)",
                  rp->r[k].where);
}

cz_status cz_pn_replays_read(const cz_config *cfg, const cz_circuit *c, cz_pn_replays **out) {
  *out = NULL;
  size_t n = 0;
  for (size_t i = 0; i < cfg->ninputs; i++) n += cz_pn_is_replay(&cfg->inputs[i]);
  if (n == 0) return CZ_OK;
  cz_pn_replays *rp = cz_calloc(1, sizeof *rp);
  CZ_CHECK(rp, CZ_ERR_NOMEM, "out of memory");
  rp->r = cz_calloc(n, sizeof *rp->r);
  rp->phantom_size = cz_calloc(c->nnodes + 1, sizeof *rp->phantom_size);
  cz_status st = rp->r && rp->phantom_size ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < cfg->ninputs; i++)
    if (cz_pn_is_replay(&cfg->inputs[i])) st = read_one(cfg, c, &cfg->inputs[i], &rp->r[rp->n++]);
  for (size_t k = 0; st == CZ_OK && k < rp->n; k++) st = check_clash(cfg, &rp->r[k]);
  for (size_t k = 0; st == CZ_OK && k < rp->n; k++)
    for (size_t p = 0; p < c->nnodes; p++)
      if (rp->r[k].source[p]) rp->phantom_size[p] = c->nodes[p].n;
  if (st != CZ_OK) {
    cz_pn_replays_destroy(&rp);
    return st;
  }
  warn_replays(rp);
  *out = rp;
  return CZ_OK;
}

/* ---------------------------------------------------------------------------- edges */

/* A replay's edges as the build's passes read them: those of its node sets among those the
 * pass keeps, handed on with their sources the phantom generators. */
typedef struct replay_filter {
  const pn_replay *r;
  const cz_edge_filter *inner;
  uint32_t nnodes;
} replay_filter;

static bool keep_replayed(const void *ctx, uint32_t sp, uint32_t sr, uint32_t tp, uint32_t tr) {
  const replay_filter *f = ctx;
  const cz_edge_filter *in = f->inner;
  if (!bit(f->r->source[sp], sr) || !bit(f->r->target[tp], tr)) return false;
  if (in->keep && !in->keep(in->ctx, sp, sr, tp, tr)) return false;
  return !in->keep_target || in->keep_target(in->ctx, tp, tr);
}

static bool keep_target_replayed(const void *ctx, uint32_t tp, uint32_t tr) {
  const replay_filter *f = ctx;
  if (!bit(f->r->target[tp], tr)) return false;
  return !f->inner->keep_target || f->inner->keep_target(f->inner->ctx, tp, tr);
}

static cz_status batch_replayed(void *ctx, const cz_circuit *c, size_t e, const cz_edge_pop *edges) {
  const replay_filter *f = ctx;
  cz_edge_pop phantom = *edges;
  phantom.source_pop = f->nnodes + edges->source_pop; /* network.h: cz_net_build_phantoms */
  return f->inner->batch(f->inner->batch_ctx, c, e, &phantom);
}

/* Loads replay r's edges file through flt; every failure names the block's key. */
static cz_status load_replay_edges(cz_circuit *c, const cz_config *cfg, const pn_replay *r, const cz_edge_filter *flt) {
  char where[1200];
  snprintf(where, sizeof where, "%s.edges", r->where);
  const cz_status st = cz_circuit_load_more_edges(c, cfg, &r->edges, where, flt);
  if (st != CZ_OK && !strstr(cz_error_message(), where)) cz_error_prefix(st, "%s", where);
  return st;
}

/* The build's edge reader (network.h, cz_net_edge_reader): the network's edges, then each
 * replay's, in inputs order. */
static cz_status read_edges(void *ctx, cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt) {
  const cz_pn_replays *rp = ctx;
  CZ_CHECK(flt && flt->batch, CZ_ERR_INTERNAL, "replay edges are read in batches only");
  CZ_TRY(cz_circuit_load_edges(c, cfg, flt));
  for (size_t k = 0; k < rp->n; k++) {
    const replay_filter f = {&rp->r[k], flt, (uint32_t)c->nnodes};
    cz_edge_filter mine = *flt;
    mine.keep = keep_replayed;
    mine.keep_target = keep_target_replayed;
    mine.ctx = &f;
    mine.batch = batch_replayed;
    mine.batch_ctx = (void *)&f;
    CZ_TRY(load_replay_edges(c, cfg, &rp->r[k], &mine));
  }
  return CZ_OK;
}

cz_status cz_pn_replays_build(cz_pn_replays *rp, const cz_config *cfg, cz_circuit *c, int nthreads, int rank,
                              int nranks, const cz_placement *placement, const cz_net_layout *layout,
                              cz_network **out) {
  return cz_net_build_phantoms(cfg, c, nthreads, rank, nranks, placement, layout, rp->phantom_size, read_edges, rp,
                               out);
}

/* ---------------------------------------------------------------------------- spikes */

/* Whether replay k plays the times of node row of population p: the first block that selects it. */
static bool plays(const pn_replay *r, size_t k, size_t p, size_t row) {
  if (!bit(r[k].source[p], row)) return false;
  for (size_t j = 0; j < k; j++)
    if (bit(r[j].source[p], row)) return false;
  return true;
}

typedef struct emitted {
  int64_t *pairs; /* (step, gid) */
  size_t n, cap;
} emitted;

/* The spikes replay k plays for population p: every time of the file is checked (all ranks
 * alike); with net, those of generators net has synapses from are added to out. */
static cz_status play_population(const pn_replay *r, size_t k, size_t p, const cz_config *cfg, const cz_circuit *c,
                                 const cz_network *net, int64_t tics_per_step, int64_t nsteps, emitted *out) {
  const pn_replay *me = &r[k];
  cz_spike_trains *t = NULL;
  cz_status st = cz_spike_input_read(me->spikes_file, NULL, c->nodes[p].name, &t);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.spikes_file", me->where);
  const size_t base = net ? net->gm.pop_offset[c->nnodes + p] : 0;
  for (size_t i = 0; st == CZ_OK && i < t->n; i++) {
    const double ms = t->timestamps[i];
    const unsigned long long id = (unsigned long long)t->node_ids[i];
    size_t row = 0, slot = 0;
    int64_t s = 0;
    if (!(ms >= 0)) {
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s.spikes_file: %s: spike time %g ms of node %llu is negative", me->where,
                    me->spikes_file, ms, id);
      break;
    }
    if (!cz_circuit_row_of(&c->nodes[p], t->node_ids[i], &row) || !plays(r, k, p, row)) continue;
    st = cz_spike_stamp(ms, tics_per_step, cfg->precise_times, cfg->allow_offgrid_spikes, &s);
    if (st != CZ_OK) {
      cz_error_prefix(st, "%s.spikes_file: %s: node %llu", me->where, me->spikes_file, id);
      break;
    }
    if (!net || s < 1 || s > nsteps || !cz_sources_slot(&net->sources, base + row, &slot)) continue;
    void *grown = out->pairs;
    st = cz_grow(&grown, &out->cap, 2 * out->n + 2, sizeof *out->pairs);
    out->pairs = grown;
    if (st != CZ_OK) break;
    out->pairs[2 * out->n] = s - 1; /* emitted in update S - 1 (spike_train.h) */
    out->pairs[2 * out->n + 1] = (int64_t)(base + row);
    out->n++;
  }
  cz_spike_trains_destroy(&t);
  return st;
}

static bool pair_before(int64_t step_a, uint32_t gid_a, int64_t step_b, uint32_t gid_b) {
  return step_a < step_b || (step_a == step_b && gid_a < gid_b);
}

/* Merges the sorted (step, gid) pairs into vs, which stays sorted. */
static cz_status merge_into(cz_vspikes *vs, const int64_t *pairs, size_t n) {
  if (n == 0) return CZ_OK;
  const size_t total = vs->n + n;
  int64_t *step = cz_calloc(total + 1, sizeof *step);
  uint32_t *gid = cz_calloc(total + 1, sizeof *gid);
  if (!step || !gid) {
    free(step);
    free(gid);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory for %zu replayed spikes", n);
  }
  size_t a = 0, b = 0;
  for (size_t i = 0; i < total; i++) {
    const bool take_a = b == n || (a < vs->n && pair_before(vs->step[a], vs->gid[a], pairs[2 * b],
                                                            (uint32_t)pairs[2 * b + 1]));
    step[i] = take_a ? vs->step[a] : pairs[2 * b];
    gid[i] = take_a ? vs->gid[a++] : (uint32_t)pairs[2 * b++ + 1];
  }
  free(vs->step);
  free(vs->gid);
  vs->step = step;
  vs->gid = gid;
  vs->n = total;
  return CZ_OK;
}

cz_status cz_pn_replays_spikes(const cz_pn_replays *rp, const cz_config *cfg, const cz_circuit *c,
                               const cz_network *net, cz_vspikes *vs) {
  emitted out = {NULL, 0, 0};
  cz_status st = CZ_OK;
  for (size_t k = 0; st == CZ_OK && k < rp->n; k++)
    for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++)
      if (rp->r[k].source[p])
        st = play_population(rp->r, k, p, cfg, c, net, net->tg.tics_per_step, net->tg.nsteps, &out);
  if (st == CZ_OK) cz_sort_i64_pairs(out.pairs, out.n);
  if (st == CZ_OK) st = merge_into(vs, out.pairs, out.n);
  free(out.pairs);
  return st;
}

/* ---------------------------------------------------------------------------- check */

static bool keep_none(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  (void)ctx, (void)target_pop, (void)target_row;
  return false;
}

cz_status cz_pn_replay_check(const cz_config *cfg, const cz_cfg_block *b, cz_circuit *c) {
  pn_replay r;
  memset(&r, 0, sizeof r);
  cz_status st = read_one(cfg, c, b, &r);
  if (st == CZ_OK) st = check_clash(cfg, &r);
  const cz_edge_filter none = {.keep_target = keep_none};
  if (st == CZ_OK) st = load_replay_edges(c, cfg, &r, &none);
  const int64_t tics = llround(cfg->dt * 1000.0); /* NEST's tics of 0.001 ms per step */
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++)
    if (r.source[p]) st = play_population(&r, 0, p, cfg, c, NULL, tics > 0 ? tics : 1, 0, NULL);
  replay_free(&r);
  return st;
}
