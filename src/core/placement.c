#include "core/placement.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "comm/comm.h"
#include "core/part_graph.h"
#include "io/partition_file.h"
#include "partition/metis.h"
#include "partition/round_robin.h"

/* Vertex numbering: neurons in gid order. vtx_of_gid[gid] (UINT32_MAX for virtual nodes) only
 * for METIS, whose graph every rank builds from it. */
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

static cz_status number_vertices(const cz_circuit *c, bool by_gid, vertices *v) {
  CZ_NEW(v->pop_offset, c->nnodes + 1);
  for (size_t p = 0; p < c->nnodes; p++) v->pop_offset[p + 1] = v->pop_offset[p] + c->nodes[p].n;
  v->ngid = v->pop_offset[c->nnodes];
  if (by_gid) CZ_NEW(v->vtx_of_gid, v->ngid);
  size_t n = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      const bool neuron = !cz_node_is_virtual(&c->nodes[p], i);
      if (by_gid) v->vtx_of_gid[v->pop_offset[p] + i] = neuron ? (uint32_t)n : UINT32_MAX;
      n += neuron;
    }
  CZ_CHECK(n < UINT32_MAX, CZ_ERR_CONFIG, "too many neurons (%zu) to partition", n);
  v->nvtx = (uint32_t)n;
  return CZ_OK;
}

/* Rank 0: the engine's own cost of every neuron, by vertex (*out NULL when the engine gives
 * none, which means 1 each). */
static cz_status neuron_costs(const cz_circuit *c, const vertices *v, const cz_place_cost *cost, uint32_t **out) {
  *out = NULL;
  if (!cost->node || cz_comm_rank() != 0) return CZ_OK;
  CZ_NEW(*out, v->nvtx + 1);
  uint32_t k = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++)
      if (!cz_node_is_virtual(&c->nodes[p], i)) (*out)[k++] = cost->node(cost->ctx, (uint32_t)p, (uint32_t)i);
  return CZ_OK;
}

/* METIS on the grouped graph; every neuron takes its group's part. Collective: every rank
 * helps build the graph, rank 0 partitions it. */
static cz_status metis_parts(const cz_circuit *c, const cz_config *cfg, const vertices *v, int nranks, uint64_t seed,
                             const uint32_t *vcost, uint32_t per_synapse, uint64_t pair_budget, uint32_t *part) {
  cz_part_graph pg;
  CZ_TRY(cz_part_graph_build(c, cfg, v->vtx_of_gid, v->pop_offset, v->nvtx, vcost, per_synapse, nranks,
                             pair_budget, &pg));
  cz_status st = CZ_OK;
  if (cz_comm_rank() == 0) {
    const uint32_t ng = pg.graph->nvtx;
    uint32_t *gpart = cz_calloc(ng ? ng : 1, sizeof *gpart);
    st = gpart ? cz_part_metis(pg.graph, nranks, seed, gpart) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    cz_part_quality q;
    if (st == CZ_OK && cz_partition_quality(pg.graph, gpart, nranks, &q) == CZ_OK) {
      const uint64_t cut = q.edge_cut * pg.edge_scale;
      cz_log_info("Partition (metis, %d ranks): edge cut %llu of %llu recurrent synapses, %.1f%% stay local, load "
                  "imbalance %.3f",
                  nranks, (unsigned long long)cut, (unsigned long long)pg.synapses,
                  pg.synapses ? 100.0 * (1.0 - (double)cut / (double)pg.synapses) : 100.0, q.imbalance);
    }
    for (uint32_t i = 0; st == CZ_OK && i < v->nvtx; i++) part[i] = gpart[i / pg.group];
    free(gpart);
  }
  cz_part_graph_free(&pg);
  return st;
}

static cz_status compute_parts(const cz_circuit *c, const cz_config *cfg, const vertices *v, int nranks,
                               cz_partition_method method, uint64_t seed, const cz_place_cost *cost,
                               uint64_t pair_budget, uint32_t *part) {
  uint32_t *vcost = NULL;
  cz_status st = cz_comm_agree(neuron_costs(c, v, cost, &vcost));
  if (st == CZ_OK && method == CZ_PARTITION_METIS)
    st = metis_parts(c, cfg, v, nranks, seed, vcost, cost->per_synapse, pair_budget, part);
  else if (st == CZ_OK && cz_comm_rank() == 0)
    st = method == CZ_PARTITION_ROUND_ROBIN ? cz_part_round_robin_weighted(v->nvtx, vcost, nranks, part)
                                            : cz_part_block_weighted(v->nvtx, vcost, nranks, part);
  free(vcost);
  return st;
}

/* The gids in order for cz_placement_make: virtual nodes on no rank, the k-th neuron on
 * part[k] (part NULL: all on rank 0). */
typedef struct parts_cursor {
  const cz_circuit *c;
  const uint32_t *part;
  size_t pop, row, neuron;
} parts_cursor;

static uint32_t rank_of_next_gid(void *ctx, size_t gid) {
  (void)gid;
  parts_cursor *pc = ctx;
  while (pc->row == pc->c->nodes[pc->pop].n) {
    pc->pop++;
    pc->row = 0;
  }
  if (cz_node_is_virtual(&pc->c->nodes[pc->pop], pc->row++)) return CZ_NO_RANK;
  const size_t k = pc->neuron++;
  return pc->part ? pc->part[k] : 0;
}

cz_status cz_place_nodes(cz_circuit *c, const cz_config *cfg, int nranks, cz_partition_method method, uint64_t seed,
                         const cz_place_cost *cost, uint64_t pair_budget, cz_placement *out) {
  memset(out, 0, sizeof *out);
  const bool root = cz_comm_rank() == 0, split = nranks > 1;
  vertices v = {0, 0, NULL, NULL};
  uint32_t *part = NULL;
  cz_status st = number_vertices(c, split && method == CZ_PARTITION_METIS, &v);
  if (st == CZ_OK && root && split && !(part = cz_calloc((size_t)v.nvtx + 1, sizeof *part)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  st = cz_comm_agree(st);
  if (st == CZ_OK && split) st = compute_parts(c, cfg, &v, nranks, method, seed, cost, pair_budget, part);
  if (st == CZ_OK && root) {
    parts_cursor pc = {c, part, 0, 0, 0};
    st = cz_placement_make(v.ngid, split ? (uint32_t)nranks : 1, rank_of_next_gid, &pc, out);
  }
  free(part);
  vertices_free(&v);
  st = cz_comm_agree(st); /* no rank may wait in the broadcast for a rank 0 that failed */
  if (st == CZ_OK) st = cz_placement_bcast(out);
  if (st != CZ_OK) cz_placement_free(out);
  return st;
}

cz_status cz_place_from_file(const char *path, const cz_circuit *c, uint32_t nranks, cz_placement *out) {
  memset(out, 0, sizeof *out);
  size_t ngid = 0;
  for (size_t p = 0; p < c->nnodes; p++) ngid += c->nodes[p].n;
  uint32_t *table = NULL;
  CZ_TRY(cz_partition_file_read(path, c, nranks, &table));
  const cz_status st = cz_placement_from_table(table, ngid, nranks, out);
  free(table);
  return st;
}

bool cz_place_keep_edge(const void *ctx, uint32_t source_pop, uint32_t source_row, uint32_t target_pop,
                        uint32_t target_row) {
  (void)source_pop;
  (void)source_row;
  const cz_place_filter_ctx *f = ctx;
  const uint32_t r = cz_placement_rank(f->placement, f->pop_offset[target_pop] + target_row);
  return r == f->rank || (r == CZ_NO_RANK && f->rank == 0);
}

bool cz_place_keep_target(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  return cz_place_keep_edge(ctx, 0, 0, target_pop, target_row);
}
