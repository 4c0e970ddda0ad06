#include "engine/placement.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/mem.h"
#include "comm/comm.h"
#include "partition/graph.h"
#include "partition/metis.h"
#include "partition/round_robin.h"

/* Vertex numbering: vtx_of_gid[gid] for neurons, UINT32_MAX for virtual nodes. */
typedef struct vertices {
  size_t ngid;
  uint32_t nvtx;
  uint32_t *vtx_of_gid;
  size_t *pop_offset;
} vertices;

static void vertices_free(vertices *v) {
  free(v->vtx_of_gid);
  free(v->pop_offset);
}

static cz_status number_vertices(const cz_circuit *c, vertices *v) {
  CZ_NEW(v->pop_offset, c->nnodes + 1);
  for (size_t p = 0; p < c->nnodes; p++) v->pop_offset[p + 1] = v->pop_offset[p] + c->nodes[p].n;
  v->ngid = v->pop_offset[c->nnodes];
  CZ_NEW(v->vtx_of_gid, v->ngid);
  size_t n = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++)
      v->vtx_of_gid[v->pop_offset[p] + i] = c->nodes[p].is_virtual[i] ? UINT32_MAX : (uint32_t)n++;
  CZ_CHECK(n < UINT32_MAX, CZ_ERR_CONFIG, "too many neurons (%zu) to partition", n);
  v->nvtx = (uint32_t)n;
  return CZ_OK;
}

/* Collects the recurrent synapses while the edge files are read, keeping none of them in
 * the circuit: rank 0 needs the graph, not the edges. */
typedef struct graph_rec {
  const vertices *v;
  int32_t *vwgt;
  uint32_t *src, *dst;
  size_t n, cap;
  bool failed;
} graph_rec;

static bool record_edge(const void *ctx, uint32_t sp, uint32_t sr, uint32_t tp, uint32_t tr) {
  graph_rec *g = (graph_rec *)(uintptr_t)ctx;
  const vertices *v = g->v;
  uint32_t t = v->vtx_of_gid[v->pop_offset[tp] + tr], s = v->vtx_of_gid[v->pop_offset[sp] + sr];
  if (t == UINT32_MAX) return false;
  if (g->vwgt[t] < INT32_MAX) g->vwgt[t]++;
  if (s == UINT32_MAX || g->failed) return false;
  if (g->n == g->cap) {
    size_t cap = g->cap ? 2 * g->cap : 1 << 16;
    uint32_t *a = realloc(g->src, cap * sizeof *a);
    if (a) g->src = a;
    uint32_t *b = a ? realloc(g->dst, cap * sizeof *b) : NULL;
    if (b) g->dst = b;
    if (!b) {
      g->failed = true;
      return false;
    }
    g->cap = cap;
  }
  g->src[g->n] = s;
  g->dst[g->n] = t;
  g->n++;
  return false;
}

/* The recurrent synapse graph, with vertex weight 1 + in-degree (all afferent synapses). */
static cz_status synapse_graph(cz_circuit *c, const cz_config *cfg, const vertices *v, cz_graph **out) {
  graph_rec g = {v, NULL, NULL, NULL, 0, 0, false};
  CZ_NEW(g.vwgt, v->nvtx);
  for (uint32_t i = 0; i < v->nvtx; i++) g.vwgt[i] = 1;
  cz_edge_filter flt = {record_edge, NULL, &g};
  cz_status st = cz_circuit_load_edges(c, cfg, &flt);
  cz_circuit_free_edges(c);
  if (st == CZ_OK && g.failed) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory building the partition graph");
  if (st == CZ_OK) st = cz_graph_from_edges(v->nvtx, g.n, g.src, g.dst, g.vwgt, out);
  free(g.src);
  free(g.dst);
  free(g.vwgt);
  return st;
}

static cz_status compute_parts(cz_circuit *c, const cz_config *cfg, const vertices *v, int nranks,
                               cz_partition_method method, uint64_t seed, uint32_t *part) {
  if (method == CZ_PARTITION_ROUND_ROBIN) return cz_part_round_robin(v->nvtx, nranks, part);
  if (method == CZ_PARTITION_BLOCK) return cz_part_block(v->nvtx, nranks, part);
  cz_graph *g = NULL;
  CZ_TRY(synapse_graph(c, cfg, v, &g));
  cz_status st = cz_part_metis(g, nranks, seed, part);
  cz_part_quality q;
  if (st == CZ_OK && cz_partition_quality(g, part, nranks, &q) == CZ_OK)
    cz_log_info("Partition (metis, %d ranks): edge cut %llu of %llu recurrent synapses, %.1f%% stay local, load "
                "imbalance %.3f",
                nranks, (unsigned long long)q.edge_cut, (unsigned long long)q.edge_total, 100.0 * q.local_fraction,
                q.imbalance);
  cz_graph_destroy(&g);
  return st;
}

cz_status cz_place_nodes(cz_circuit *c, const cz_config *cfg, int nranks, cz_partition_method method, uint64_t seed,
                         uint32_t **rank_of_gid) {
  vertices v = {0, 0, NULL, NULL};
  uint32_t *part = NULL, *ranks = NULL;
  cz_status st = number_vertices(c, &v);
  if (st == CZ_OK && !(part = cz_calloc(v.nvtx, sizeof *part))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !(ranks = cz_calloc(v.ngid, sizeof *ranks))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && nranks > 1 && cz_comm_rank() == 0) st = compute_parts(c, cfg, &v, nranks, method, seed, part);
  st = cz_comm_agree(st); /* no rank may wait in the broadcast for a rank 0 that failed */
  if (st == CZ_OK) st = cz_comm_bcast_u32(part, v.nvtx);
  for (size_t g = 0; st == CZ_OK && g < v.ngid; g++)
    ranks[g] = v.vtx_of_gid[g] == UINT32_MAX ? CZ_NO_RANK : part[v.vtx_of_gid[g]];
  free(part);
  vertices_free(&v);
  if (st != CZ_OK) {
    free(ranks);
    return st;
  }
  *rank_of_gid = ranks;
  return CZ_OK;
}

bool cz_place_keep_edge(const void *ctx, uint32_t source_pop, uint32_t source_row, uint32_t target_pop,
                        uint32_t target_row) {
  (void)source_pop;
  (void)source_row;
  const cz_place_filter_ctx *f = ctx;
  const uint32_t r = f->rank_of_gid[f->pop_offset[target_pop] + target_row];
  return r == f->rank || (r == CZ_NO_RANK && f->rank == 0);
}

bool cz_place_keep_target(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  return cz_place_keep_edge(ctx, 0, 0, target_pop, target_row);
}
