#include "engine/network.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "comm/spike_exchange.h"
#include "engine/placement.h"

/* ------------------------------------------------------------------ neurons */

typedef struct override_ctx {
  const cz_node_pop *pop;
  size_t row;
} override_ctx;

static bool node_override(const void *ctx, const char *key, double *v) {
  const override_ctx *o = ctx;
  return cz_circuit_param_override(o->pop, o->row, key, v);
}

/* Kind of every circuit model reference; kinds[m] for circuit->models[m]. */
static cz_status resolve_kinds(const cz_circuit *c, const cz_model_kind ***out) {
  const cz_model_kind **kinds = NULL;
  CZ_NEW(kinds, c->nmodels);
  for (size_t m = 0; m < c->nmodels; m++) {
    cz_status st = cz_model_lookup(c->models[m].template_str, &kinds[m]);
    if (st != CZ_OK) {
      free(kinds);
      /* Name the file the template came from. */
      for (size_t p = 0; p < c->nnodes; p++)
        for (size_t i = 0; i < c->nodes[p].n; i++)
          if (c->nodes[p].model[i] == m)
            return cz_error_prefix(st, "%s (population %s, node %llu)", c->nodes[p].types->path, c->nodes[p].name,
                                   (unsigned long long)c->nodes[p].node_id[i]);
      return st;
    }
  }
  *out = kinds;
  return CZ_OK;
}

static bool is_local(const cz_network *net, const uint32_t *rank_of_gid, const cz_circuit *c, size_t p, size_t i) {
  if (c->nodes[p].is_virtual[i]) return false;
  return !rank_of_gid || rank_of_gid[net->pop_offset[p] + i] == (uint32_t)net->rank;
}

static cz_status assign_groups(cz_network *net, const cz_circuit *c, const cz_model_kind **kinds,
                               const uint32_t *rank_of_gid) {
  /* Kinds in order of first appearance by gid, so the layout is a pure function of the circuit. */
  const cz_model_kind *order[64];
  size_t count[64] = {0};
  size_t nk = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      if (!is_local(net, rank_of_gid, c, p, i)) continue;
      const cz_model_kind *k = kinds[c->nodes[p].model[i]];
      size_t j = 0;
      while (j < nk && order[j] != k) j++;
      if (j == nk) order[nk++] = k;
      count[j]++;
    }
  CZ_NEW(net->groups, nk);
  net->ngroups = nk;
  uint32_t lo = 0;
  for (size_t j = 0; j < nk; j++) {
    net->groups[j].kind = order[j];
    net->groups[j].lo = lo;
    lo += (uint32_t)count[j];
    net->groups[j].hi = lo;
    if (order[j]->split_sign) net->nch = 2;
  }
  /* nids: group by group, gids ascending inside each. */
  uint32_t *next = NULL;
  CZ_NEW(next, nk);
  for (size_t j = 0; j < nk; j++) next[j] = net->groups[j].lo;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      size_t gid = net->pop_offset[p] + i;
      if (!is_local(net, rank_of_gid, c, p, i)) {
        net->nid_of_gid[gid] = CZ_NO_NID;
        continue;
      }
      const cz_model_kind *k = kinds[c->nodes[p].model[i]];
      size_t j = 0;
      while (order[j] != k) j++;
      uint32_t nid = next[j]++;
      net->nid_of_gid[gid] = nid;
      net->gid_of_nid[nid] = (uint32_t)gid;
    }
  free(next);
  return CZ_OK;
}

static cz_status set_neuron_params(cz_network *net, const cz_circuit *c, int nthreads) {
  for (size_t j = 0; j < net->ngroups; j++) {
    cz_group *g = &net->groups[j];
    CZ_TRY(g->kind->create(g->hi - g->lo, net->h, nthreads, &g->impl));
    for (uint32_t nid = g->lo; nid < g->hi; nid++) {
      size_t pop, row;
      cz_net_locate(net, net->gid_of_nid[nid], &pop, &row);
      const cz_node_pop *p = &c->nodes[pop];
      const cz_model_ref *m = &c->models[p->model[row]];
      override_ctx octx = {p, row};
      cz_param_src src = {m->params, node_override, &octx, m->params_file};
      char where[1024];
      snprintf(where, sizeof where, "%s: population %s node %llu (%s, dynamics_params %s)", p->file, p->name,
               (unsigned long long)p->node_id[row], m->template_str,
               m->params_file ? cz_path_basename(m->params_file) : "none");
      CZ_TRY(g->kind->set_params(g->impl, nid - g->lo, &src, where));
    }
  }
  return CZ_OK;
}

/* ------------------------------------------------------------------ synapses */

/* Checks that a synapse model is one this engine implements, with parameters it honours. */
static cz_status check_syn_model(const cz_syn_model *s, const char *edges_file) {
  CZ_CHECK(strcmp(s->template_str, "static_synapse") == 0, CZ_ERR_CONFIG,
           "%s: model_template '%s' is not a supported synapse model (known: static_synapse; used by %s)",
           s->types_file ? s->types_file : edges_file, s->template_str, edges_file);
  if (!s->params) return CZ_OK;
  const cJSON *item = NULL;
  cJSON_ArrayForEach(item, s->params) {
    const char *k = item->string ? item->string : "";
    if (strcmp(k, "weight") == 0 || strcmp(k, "delay") == 0) continue; /* replaced by the edge's values */
    if (strcmp(k, "receptor_type") == 0) {
      CZ_CHECK(cJSON_IsNumber(item) && item->valuedouble >= 0 && item->valuedouble <= 255 &&
                   item->valuedouble == floor(item->valuedouble),
               CZ_ERR_CONFIG, "%s: receptor_type must be a whole number from 0 to 255",
               s->params_file ? s->params_file : edges_file);
      continue;
    }
    return CZ_ERROR(CZ_ERR_CONFIG, "%s: static_synapse has no parameter \"%s\" (it has weight, delay, receptor_type)",
                    s->params_file ? s->params_file : edges_file, k);
  }
  return CZ_OK;
}

static int32_t delay_steps(double delay_ms, double h) { return (int32_t)floor(delay_ms / h + 0.5); }

/* The receptor_type of a synapse model (0 when its params name none). */
static int receptor_of(const cz_syn_model *s) {
  const cJSON *r = s->params ? cJSON_GetObjectItemCaseSensitive(s->params, "receptor_type") : NULL;
  return cJSON_IsNumber(r) ? (int)r->valuedouble : 0;
}

/* receptor_of for every synapse model, looked up once ([nsyn_models + 1]). */
static cz_status receptors_of(const cz_circuit *c, int **out) {
  CZ_NEW(*out, c->nsyn_models + 1);
  for (size_t m = 0; m < c->nsyn_models; m++) (*out)[m] = receptor_of(&c->syn_models[m]);
  return CZ_OK;
}

/* The ports of local neuron nid (0 for kinds without receptor ports). */
static int ports_of(const cz_network *net, uint32_t nid) {
  size_t j = 0;
  while (j + 1 < net->ngroups && nid >= net->groups[j].hi) j++;
  const cz_group *g = &net->groups[j];
  return g->kind->nports ? g->kind->nports(g->impl, nid - g->lo) : 0;
}

/* A synapse's receptor must be a port of its target: 1..ports for port kinds, 0 otherwise. */
static cz_status check_receptor(const cz_network *net, const cz_circuit *c, const cz_edge_pop *ep, size_t i,
                                uint32_t nid, int r) {
  const int ports = ports_of(net, nid);
  if (ports == 0 && r == 0) return CZ_OK;
  if (ports > 0) {
    CZ_CHECK(r >= 1 && r <= ports, CZ_ERR_CONFIG,
             "%s: edge %zu of %s has receptor_type %d, but its target (node %llu of %s) has receptor ports 1 to %d",
             ep->file, i, ep->name, r, (unsigned long long)c->nodes[ep->target_pop].node_id[ep->target_row[i]],
             c->nodes[ep->target_pop].name, ports);
  } else {
    CZ_CHECK(r == 0, CZ_ERR_CONFIG,
             "%s: edge %zu of %s has receptor_type %d, but its target's model (node %llu of %s) has receptor 0 only",
             ep->file, i, ep->name, r, (unsigned long long)c->nodes[ep->target_pop].node_id[ep->target_row[i]],
             c->nodes[ep->target_pop].name);
  }
  return CZ_OK;
}

/* Splits nids into nthreads contiguous ranges holding about equal numbers of synapses
 * (plus one unit per neuron, so neurons without input are spread too). */
static cz_status balance_threads(cz_network *net, const size_t *indeg) {
  CZ_NEW(net->thr_lo, (size_t)net->nthreads + 1);
  double total = 0;
  for (size_t i = 0; i < net->N; i++) total += (double)indeg[i] + 1.0;
  double acc = 0;
  int t = 1;
  for (size_t i = 0; i < net->N && t < net->nthreads; i++) {
    acc += (double)indeg[i] + 1.0;
    while (t < net->nthreads && acc >= total * t / net->nthreads) net->thr_lo[t++] = (uint32_t)(i + 1);
  }
  for (; t <= net->nthreads; t++) net->thr_lo[t] = (uint32_t)net->N;
  net->thr_lo[0] = 0;
  return CZ_OK;
}

/* Validates every edge and counts synapses per target neuron. */
/* The checks of edge i of ep that do not depend on the placement: a supported synapse model
 * (each checked once: checked[]), a neuron as target, a delay of 1 to 65535 steps (*d). */
static cz_status check_edge(const cz_circuit *c, const cz_edge_pop *ep, size_t i, double h, bool *checked, int32_t *d) {
  const uint32_t sm = cz_edge_syn_model(ep, i);
  if (!checked[sm]) {
    CZ_TRY(check_syn_model(&c->syn_models[sm], ep->file));
    checked[sm] = true;
  }
  if (c->nodes[ep->target_pop].is_virtual[ep->target_row[i]])
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge %zu of %s targets node %llu of population %s, which is virtual", ep->file, i,
                    ep->name, (unsigned long long)c->nodes[ep->target_pop].node_id[ep->target_row[i]],
                    c->nodes[ep->target_pop].name);
  const double delay = cz_edge_delay(ep, i);
  *d = delay_steps(delay, h);
  CZ_CHECK(*d >= 1 && *d <= 65535, CZ_ERR_FORMAT, "%s: edge %zu of %s has delay %g ms, %s the time step dt = %g ms",
           ep->file, i, ep->name, delay, *d < 1 ? "shorter than" : "more than 65535 times", h);
  return CZ_OK;
}

cz_status cz_net_check_edges(const cz_circuit *c, double dt) {
  const double h = (double)llround(dt * 1000.0) / 1000.0;
  bool *checked = NULL;
  CZ_NEW(checked, c->nsyn_models + 1);
  cz_status st = CZ_OK;
  for (size_t e = 0; e < c->nedges && st == CZ_OK; e++)
    for (size_t i = 0; i < c->edges[e].n && st == CZ_OK; i++) {
      int32_t d;
      st = check_edge(c, &c->edges[e], i, h, checked, &d);
    }
  free(checked);
  return st;
}

static cz_status scan_edges(cz_network *net, const cz_circuit *c, size_t *indeg) {
  net->min_delay = INT32_MAX;
  net->max_delay = 0;
  bool *checked = NULL;
  int *receptor = NULL;
  CZ_NEW(checked, c->nsyn_models + 1);
  cz_status st = receptors_of(c, &receptor);
  for (size_t e = 0; e < c->nedges && st == CZ_OK; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    for (size_t i = 0; i < ep->n && st == CZ_OK; i++) {
      int32_t d = 0;
      st = check_edge(c, ep, i, net->h, checked, &d);
      if (st != CZ_OK) break;
      if (d < net->min_delay) net->min_delay = d;
      if (d > net->max_delay) net->max_delay = d;
      const uint32_t nid = net->nid_of_gid[net->pop_offset[ep->target_pop] + ep->target_row[i]];
      if (nid == CZ_NO_NID) continue; /* simulated on another rank */
      st = check_receptor(net, c, ep, i, nid, receptor[cz_edge_syn_model(ep, i)]);
      if (st != CZ_OK) break;
      indeg[nid]++;
      net->nsyn_total++;
    }
  }
  free(checked);
  free(receptor);
  return st;
}

/* ------------------------------------------------------------------ weight table */

enum { WTAB_MAX = 65536, WHASH_CAP = 1 << 18 };

/* Open-addressing set of weights keyed by their bits, in first-seen (edge) order. */
typedef struct weight_set {
  uint64_t *keys;
  int32_t *slot; /* index into table, -1 when empty */
  double *table;
  size_t n;
} weight_set;

static uint64_t weight_bits(double w) {
  uint64_t b;
  memcpy(&b, &w, sizeof b);
  return b;
}

static size_t weight_hash(uint64_t b) {
  b ^= b >> 33;
  b *= 0xff51afd7ed558ccdULL;
  b ^= b >> 33;
  return (size_t)b & (WHASH_CAP - 1);
}

/* Code of w, adding it when new; -1 when the table is full. */
static int32_t weight_code(weight_set *ws, double w) {
  const uint64_t b = weight_bits(w);
  size_t h = weight_hash(b);
  while (ws->slot[h] >= 0) {
    if (ws->keys[h] == b) return ws->slot[h];
    h = (h + 1) & (WHASH_CAP - 1);
  }
  if (ws->n == WTAB_MAX) return -1;
  ws->keys[h] = b;
  ws->slot[h] = (int32_t)ws->n;
  ws->table[ws->n] = w;
  return (int32_t)ws->n++;
}

static void weight_set_free(weight_set *ws) {
  free(ws->keys);
  free(ws->slot);
  free(ws->table);
}

/* Builds the table of distinct weights and each edge's code (codes[e][i]), or leaves
 * net->nwtab 0 and codes NULL when there are too many. CADENZA_WEIGHT_CODES=0 in the
 * environment turns coding off (a diagnostic switch; the test suite uses it to check that both
 * layouts give the same spikes). */
static cz_status build_weight_table(cz_network *net, const cz_circuit *c, uint16_t **codes) {
  const char *env = getenv("CADENZA_WEIGHT_CODES");
  if (env && strcmp(env, "0") == 0) return CZ_OK;
  weight_set ws;
  memset(&ws, 0, sizeof ws);
  cz_status st = CZ_OK;
  ws.keys = cz_calloc(WHASH_CAP, sizeof *ws.keys);
  ws.slot = cz_calloc(WHASH_CAP, sizeof *ws.slot);
  ws.table = cz_calloc(WTAB_MAX, sizeof *ws.table);
  if (!ws.keys || !ws.slot || !ws.table) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t h = 0; st == CZ_OK && h < WHASH_CAP; h++) ws.slot[h] = -1;
  bool full = false;
  for (size_t e = 0; e < c->nedges && st == CZ_OK && !full; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    if (!(codes[e] = cz_calloc(ep->n, sizeof **codes))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == CZ_OK && i < ep->n && !full; i++) {
      int32_t code = weight_code(&ws, cz_edge_weight(ep, i));
      full = code < 0;
      codes[e][i] = (uint16_t)code;
    }
  }
  if (st == CZ_OK && !full) {
    net->nwtab = ws.n;
    if (!(net->wtab = cz_calloc(ws.n, sizeof *net->wtab))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    else memcpy(net->wtab, ws.table, ws.n * sizeof *net->wtab);
  }
  if (st != CZ_OK || full) {
    net->nwtab = 0;
    for (size_t e = 0; e < c->nedges; e++) {
      free(codes[e]);
      codes[e] = NULL;
    }
  }
  weight_set_free(&ws);
  return st;
}

static cz_status alloc_thread_synapses(cz_network *net, size_t *const *counts) {
  CZ_NEW(net->syn, (size_t)net->nthreads);
  for (int t = 0; t < net->nthreads; t++) {
    cz_synapses *s = &net->syn[t];
    CZ_NEW(s->off, net->nsrc + 1);
    size_t acc = 0;
    for (size_t g = 0; g < net->nsrc; g++) {
      s->off[g] = acc;
      acc += counts[t][g];
    }
    s->off[net->nsrc] = acc;
    s->nsyn = acc;
    CZ_NEW(s->tgt, acc);
    CZ_NEW(s->delay, acc);
    if (net->nwtab) CZ_NEW(s->wcode, acc);
    else CZ_NEW(s->weight, acc);
  }
  return CZ_OK;
}

/* Per target neuron: the thread that owns it, whether its model splits weights by sign into
 * two channels, and its receptor ports (0: none; channel = receptor_type - 1). Looked up once
 * per edge in the passes below. */
typedef struct target_info {
  uint16_t *owner;
  uint8_t *split;
  uint8_t *ports;
  int *receptor; /* [nsyn_models] */
} target_info;

static cz_status target_info_build(const cz_network *net, const cz_circuit *c, target_info *ti) {
  CZ_NEW(ti->owner, net->N);
  CZ_NEW(ti->split, net->N);
  CZ_NEW(ti->ports, net->N);
  for (int t = 0; t < net->nthreads; t++)
    for (uint32_t nid = net->thr_lo[t]; nid < net->thr_lo[t + 1]; nid++) ti->owner[nid] = (uint16_t)t;
  for (size_t j = 0; j < net->ngroups; j++)
    for (uint32_t nid = net->groups[j].lo; nid < net->groups[j].hi; nid++)
      ti->split[nid] = net->nch >= 2 && net->groups[j].kind->split_sign;
  for (uint32_t nid = 0; nid < net->N; nid++) ti->ports[nid] = (uint8_t)ports_of(net, nid);
  CZ_TRY(receptors_of(c, &ti->receptor));
  return CZ_OK;
}

static void target_info_free(target_info *ti) {
  free(ti->owner);
  free(ti->split);
  free(ti->ports);
  free(ti->receptor);
}

static void count_synapses(const cz_network *net, const cz_circuit *c, const target_info *ti, size_t **counts) {
  for (size_t e = 0; e < c->nedges; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    const size_t so = net->pop_offset[ep->source_pop], to = net->pop_offset[ep->target_pop];
    for (size_t i = 0; i < ep->n; i++) {
      uint32_t nid = net->nid_of_gid[to + ep->target_row[i]];
      if (nid != CZ_NO_NID) counts[ti->owner[nid]][so + ep->source_row[i]]++;
    }
  }
}

/* Fills thread t's CSR in edge order; fill[gid] is the next free slot of a source. Each thread
 * fills its own table, so the threads run this at the same time. */
static void fill_synapses(cz_network *net, const cz_circuit *c, const target_info *ti, uint16_t *const *codes, int t,
                          size_t *fill) {
  cz_synapses *s = &net->syn[t];
  for (size_t e = 0; e < c->nedges; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    const size_t so = net->pop_offset[ep->source_pop], to = net->pop_offset[ep->target_pop];
    for (size_t i = 0; i < ep->n; i++) {
      uint32_t nid = net->nid_of_gid[to + ep->target_row[i]];
      if (nid == CZ_NO_NID || ti->owner[nid] != t) continue;
      size_t sgid = so + ep->source_row[i];
      size_t k = s->off[sgid] + fill[sgid]++;
      double w = cz_edge_weight(ep, i);
      const int ch = ti->ports[nid] ? ti->receptor[cz_edge_syn_model(ep, i)] - 1
                                    : (ti->split[nid] && !(w > 0)) ? 1 : 0;
      s->tgt[k] = (uint32_t)((size_t)ch * net->N + nid);
      s->delay[k] = (uint16_t)delay_steps(cz_edge_delay(ep, i), net->h);
      if (s->wcode) s->wcode[k] = codes[e][i];
      else s->weight[k] = w;
    }
  }
}

static cz_status build_synapses(cz_network *net, const cz_circuit *c) {
  size_t *indeg = NULL;
  CZ_NEW(indeg, net->N);
  cz_status st = scan_edges(net, c, indeg);
  if (st == CZ_OK) st = balance_threads(net, indeg);
  free(indeg);
  CZ_TRY(st);
  CZ_CHECK(net->N * (size_t)net->nch < UINT32_MAX, CZ_ERR_CONFIG, "too many neurons (%zu) for one process", net->N);
  target_info ti = {NULL, NULL, NULL, NULL};
  size_t **counts = cz_calloc((size_t)net->nthreads, sizeof *counts);
  uint16_t **codes = cz_calloc(c->nedges, sizeof *codes);
  if (!counts || !codes) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int t = 0; t < net->nthreads && st == CZ_OK; t++)
    if (!(counts[t] = cz_calloc(net->nsrc, sizeof **counts))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = target_info_build(net, c, &ti);
  if (st == CZ_OK) count_synapses(net, c, &ti, counts);
  if (st == CZ_OK) st = build_weight_table(net, c, codes);
  if (st == CZ_OK) st = alloc_thread_synapses(net, counts);
  if (st == CZ_OK) {
    /* One iteration per table, whatever number of threads the runtime grants. */
#pragma omp parallel for num_threads(net->nthreads) schedule(static, 1)
    for (int t = 0; t < net->nthreads; t++) {
      memset(counts[t], 0, net->nsrc * sizeof **counts);
      fill_synapses(net, c, &ti, codes, t, counts[t]);
    }
  }
  target_info_free(&ti);
  for (size_t e = 0; codes && e < c->nedges; e++) free(codes[e]);
  free(codes);
  for (int t = 0; counts && t < net->nthreads; t++) free(counts[t]);
  free(counts);
  return st;
}

/* ------------------------------------------------------------------ send lists */

/* Whether any of this rank's synapses comes from gid. */
static bool has_local_synapses(const cz_network *net, size_t gid) {
  for (int t = 0; t < net->nthreads; t++)
    if (net->syn[t].off[gid + 1] > net->syn[t].off[gid]) return true;
  return false;
}

/* The setup-time exchange of "target data": every rank tells the owner of each neuron it
 * receives synapses from that it needs that neuron's spikes; the owners turn the requests
 * into send lists. Requests travel as (gid, requesting rank) records through the spike
 * exchange. */
static cz_status exchange_requests(cz_network *net, const uint32_t *rank_of_gid, int64_t **recv_out, size_t *nrecv) {
  const int nr = net->nranks;
  size_t *count = NULL;
  CZ_NEW(count, (size_t)nr);
  for (size_t g = 0; g < net->nsrc; g++) {
    uint32_t r = rank_of_gid[g];
    if (r != CZ_NO_RANK && r != (uint32_t)net->rank && has_local_synapses(net, g)) count[r]++;
  }
  size_t total = 0;
  for (int r = 0; r < nr; r++) total += count[r];
  size_t *next = cz_calloc((size_t)nr, sizeof *next);
  int64_t *send = cz_calloc(2 * total + 2, sizeof *send);
  cz_xchg *x = NULL;
  cz_status st = (next && send) ? cz_xchg_create(&x) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int r = 1; st == CZ_OK && r < nr; r++) next[r] = next[r - 1] + count[r - 1];
  for (size_t g = 0; st == CZ_OK && g < net->nsrc; g++) {
    uint32_t r = rank_of_gid[g];
    if (r == CZ_NO_RANK || r == (uint32_t)net->rank || !has_local_synapses(net, g)) continue;
    size_t j = next[r]++;
    send[2 * j] = (int64_t)g;
    send[2 * j + 1] = net->rank;
  }
  const int64_t *recv = NULL;
  st = cz_comm_agree(st); /* no rank may enter the exchange while another has failed */
  if (st == CZ_OK) st = cz_xchg_run(x, send, count, &recv, nrecv);
  if (st == CZ_OK && !(*recv_out = cz_calloc(2 * *nrecv + 2, sizeof **recv_out)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && *nrecv) memcpy(*recv_out, recv, 2 * *nrecv * sizeof *recv);
  cz_xchg_destroy(&x);
  free(send);
  free(next);
  free(count);
  return st;
}

/* Send lists from the requests. They arrive grouped by requesting rank in rank order, so each
 * neuron's list comes out in ascending rank order. */
static cz_status build_send_lists(cz_network *net, const int64_t *req, size_t nreq) {
  CZ_NEW(net->send_off, net->N + 1);
  CZ_NEW(net->send_rank, nreq);
  for (size_t i = 0; i < nreq; i++) {
    const int64_t g = req[2 * i];
    CZ_CHECK(g >= 0 && (size_t)g < net->nsrc && net->nid_of_gid[g] != CZ_NO_NID, CZ_ERR_INTERNAL,
             "rank %lld asked for the spikes of gid %lld, which rank %d does not simulate", (long long)req[2 * i + 1],
             (long long)g, net->rank);
    net->send_off[net->nid_of_gid[g] + 1]++;
  }
  for (size_t n = 0; n < net->N; n++) net->send_off[n + 1] += net->send_off[n];
  size_t *fill = NULL;
  CZ_NEW(fill, net->N);
  for (size_t i = 0; i < nreq; i++) {
    const uint32_t nid = net->nid_of_gid[req[2 * i]];
    net->send_rank[net->send_off[nid] + fill[nid]++] = (uint32_t)req[2 * i + 1];
  }
  free(fill);
  return CZ_OK;
}

cz_status cz_net_connect(cz_network *net, const uint32_t *rank_of_gid) {
  int64_t lo = net->min_delay, hi = net->max_delay;
  CZ_TRY(cz_comm_allreduce_min_i64(&lo));
  CZ_TRY(cz_comm_allreduce_max_i64(&hi));
  if (hi == 0) lo = hi = 1; /* no synapses anywhere */
  net->min_delay = (int32_t)lo;
  if (net->max_delay == 0) net->max_delay = 1;
  if (net->nranks == 1 || !rank_of_gid) return CZ_OK;
  int64_t *req = NULL;
  size_t nreq = 0;
  cz_status st = exchange_requests(net, rank_of_gid, &req, &nreq);
  if (st == CZ_OK) st = build_send_lists(net, req, nreq);
  free(req);
  return st;
}

/* ------------------------------------------------------------------ public */

void cz_net_locate(const cz_network *net, size_t gid, size_t *pop, size_t *row) {
  size_t lo = 0, hi = net->npops - 1;
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    if (net->pop_offset[mid] <= gid) lo = mid;
    else hi = mid - 1;
  }
  *pop = lo;
  *row = gid - net->pop_offset[lo];
}

static cz_status build(cz_network *net, const cz_config *cfg, const cz_circuit *c, int nthreads,
                       const uint32_t *rank_of_gid) {
  net->tics_per_step = llround(cfg->dt * 1000.0);
  net->h = (double)net->tics_per_step / 1000.0;
  net->nsteps = llround(cfg->tstop / net->h);
  net->nthreads = nthreads < 1 ? 1 : nthreads;
  net->nch = 1;
  net->npops = c->nnodes;
  CZ_CHECK(net->npops > 0, CZ_ERR_CONFIG, "%s: the network has no node populations", cfg->path);
  CZ_NEW(net->pop_offset, net->npops + 1);
  for (size_t p = 0; p < c->nnodes; p++) net->pop_offset[p + 1] = net->pop_offset[p] + c->nodes[p].n;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) net->N += is_local(net, rank_of_gid, c, p, i);
  net->nsrc = net->pop_offset[net->npops];
  CZ_CHECK(net->nsrc < UINT32_MAX, CZ_ERR_CONFIG, "too many nodes (%zu) for one process", net->nsrc);
  CZ_NEW(net->nid_of_gid, net->nsrc);
  CZ_NEW(net->gid_of_nid, net->N);
  const cz_model_kind **kinds = NULL;
  CZ_TRY(resolve_kinds(c, &kinds));
  cz_status st = assign_groups(net, c, kinds, rank_of_gid);
  free(kinds);
  CZ_TRY(st);
  CZ_TRY(set_neuron_params(net, c, net->nthreads));
  for (uint32_t nid = 0; nid < net->N; nid++) /* the ring holds a row per receptor port */
    if (ports_of(net, nid) > net->nch) net->nch = ports_of(net, nid);
  CZ_TRY(build_synapses(net, c));
  return CZ_OK;
}

cz_status cz_net_build(const cz_config *cfg, const cz_circuit *c, int nthreads, int rank, int nranks,
                       const uint32_t *rank_of_gid, cz_network **out) {
  cz_network *net = NULL;
  CZ_NEW(net, 1);
  net->rank = rank;
  net->nranks = nranks < 1 ? 1 : nranks;
  cz_status st = build(net, cfg, c, nthreads, rank_of_gid);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_net_destroy(&net);
    return st;
  }
  *out = net;
  return CZ_OK;
}

void cz_net_destroy(cz_network **pnet) {
  if (!pnet || !*pnet) return;
  cz_network *net = *pnet;
  for (size_t j = 0; j < net->ngroups; j++)
    if (net->groups[j].impl) net->groups[j].kind->destroy(net->groups[j].impl);
  free(net->groups);
  for (int t = 0; net->syn && t < net->nthreads; t++) {
    free(net->syn[t].off);
    free(net->syn[t].tgt);
    free(net->syn[t].delay);
    free(net->syn[t].weight);
    free(net->syn[t].wcode);
  }
  free(net->wtab);
  free(net->syn);
  free(net->thr_lo);
  free(net->pop_offset);
  free(net->nid_of_gid);
  free(net->send_off);
  free(net->send_rank);
  free(net->gid_of_nid);
  free(net);
  *pnet = NULL;
}
