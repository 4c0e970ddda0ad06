#include "engine/placement.h"

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

/* The recurrent synapse graph, with vertex weight 1 + in-degree (all afferent synapses). */
static cz_status synapse_graph(const cz_circuit *c, const vertices *v, cz_graph **out) {
  size_t ne = 0;
  int32_t *vwgt = NULL;
  CZ_NEW(vwgt, v->nvtx);
  for (uint32_t i = 0; i < v->nvtx; i++) vwgt[i] = 1;
  for (size_t e = 0; e < c->nedges; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    for (size_t i = 0; i < ep->n; i++) {
      uint32_t t = v->vtx_of_gid[v->pop_offset[ep->target_pop] + ep->target_row[i]];
      uint32_t s = v->vtx_of_gid[v->pop_offset[ep->source_pop] + ep->source_row[i]];
      if (t == UINT32_MAX) continue;
      if (vwgt[t] < INT32_MAX) vwgt[t]++;
      if (s != UINT32_MAX) ne++;
    }
  }
  uint32_t *src = cz_calloc(ne, sizeof *src), *dst = cz_calloc(ne, sizeof *dst);
  cz_status st = (src && dst) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory building the partition graph");
  size_t k = 0;
  for (size_t e = 0; st == CZ_OK && e < c->nedges; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    for (size_t i = 0; i < ep->n; i++) {
      uint32_t t = v->vtx_of_gid[v->pop_offset[ep->target_pop] + ep->target_row[i]];
      uint32_t s = v->vtx_of_gid[v->pop_offset[ep->source_pop] + ep->source_row[i]];
      if (t == UINT32_MAX || s == UINT32_MAX) continue;
      src[k] = s;
      dst[k] = t;
      k++;
    }
  }
  if (st == CZ_OK) st = cz_graph_from_edges(v->nvtx, ne, src, dst, vwgt, out);
  free(src);
  free(dst);
  free(vwgt);
  return st;
}

static cz_status compute_parts(const cz_circuit *c, const vertices *v, int nranks, cz_partition_method method,
                               uint64_t seed, uint32_t *part) {
  if (method == CZ_PARTITION_ROUND_ROBIN) return cz_part_round_robin(v->nvtx, nranks, part);
  if (method == CZ_PARTITION_BLOCK) return cz_part_block(v->nvtx, nranks, part);
  cz_graph *g = NULL;
  CZ_TRY(synapse_graph(c, v, &g));
  cz_status st = cz_part_metis(g, nranks, seed, part);
  cz_part_quality q;
  if (st == CZ_OK && cz_partition_quality(g, part, nranks, &q) == CZ_OK)
    cz_log_info("Partition (metis, %d ranks): edge cut %llu of %llu synapse pairs, %.1f%% stay local, load "
                "imbalance %.3f",
                nranks, (unsigned long long)q.edge_cut, (unsigned long long)q.edge_total, 100.0 * q.local_fraction,
                q.imbalance);
  cz_graph_destroy(&g);
  return st;
}

cz_status cz_place_nodes(const cz_circuit *c, int nranks, cz_partition_method method, uint64_t seed,
                         uint32_t **rank_of_gid) {
  vertices v = {0, 0, NULL, NULL};
  uint32_t *part = NULL, *ranks = NULL;
  cz_status st = number_vertices(c, &v);
  if (st == CZ_OK && !(part = cz_calloc(v.nvtx, sizeof *part))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !(ranks = cz_calloc(v.ngid, sizeof *ranks))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && nranks > 1 && cz_comm_rank() == 0) st = compute_parts(c, &v, nranks, method, seed, part);
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
