#include "app/partition_cmd.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/engine_kind.h"
#include "app/layout_options.h"
#include "base/mem.h"
#include "core/placement.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/partition_file.h"

/* The quality of a placement, measured by streaming the edge files: synapses between neurons
 * on different ranks (the cut), the share that stays on one rank, and the load imbalance
 * (largest rank's cost over the mean, by the engine's cost of neurons and synapses). */
typedef struct quality_acc {
  const cz_placement *placement;
  const size_t *offset;
  uint64_t cut, recurrent;
  uint64_t *cost; /* [nranks] */
  const cz_place_cost *engine_cost;
} quality_acc;

static bool count_edge(const void *ctx, uint32_t sp, uint32_t sr, uint32_t tp, uint32_t tr) {
  quality_acc *q = (quality_acc *)(uintptr_t)ctx;
  const uint32_t rt = cz_placement_rank(q->placement, q->offset[tp] + tr);
  const uint32_t rs = cz_placement_rank(q->placement, q->offset[sp] + sr);
  if (rt == CZ_NO_RANK) return false;
  q->cost[rt] += q->engine_cost->per_synapse;
  if (rs != CZ_NO_RANK) {
    q->recurrent++;
    q->cut += rs != rt;
  }
  return false;
}

static cz_status print_quality(cz_circuit *c, const cz_config *cfg, const cz_placement *pl, int nranks,
                               const cz_place_cost *cost) {
  size_t *offset = NULL;
  CZ_NEW(offset, c->nnodes + 1);
  for (size_t p = 0; p < c->nnodes; p++) offset[p + 1] = offset[p] + c->nodes[p].n;
  quality_acc q = {pl, offset, 0, 0, cz_calloc((size_t)nranks, sizeof(uint64_t)), cost};
  cz_status st = q.cost ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t hint = 0;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      const uint32_t r = cz_placement_rank_walk(pl, offset[p] + i, &hint);
      if (r != CZ_NO_RANK) q.cost[r] += cost->node ? cost->node(cost->ctx, (uint32_t)p, (uint32_t)i) : 1;
    }
  cz_edge_filter flt = {.keep = count_edge, .ctx = &q};
  if (st == CZ_OK) st = cz_circuit_load_edges(c, cfg, &flt);
  cz_circuit_free_edges(c);
  if (st == CZ_OK) {
    uint64_t total = 0, max = 0;
    for (int r = 0; r < nranks; r++) {
      total += q.cost[r];
      if (q.cost[r] > max) max = q.cost[r];
    }
    double imbalance = total ? (double)max / ((double)total / nranks) : 1.0;
    double local = q.recurrent ? 1.0 - (double)q.cut / (double)q.recurrent : 1.0;
    printf("cadenza: edge cut %llu of %llu recurrent synapses, %.1f%% stay on their rank, load imbalance %.3f\n",
           (unsigned long long)q.cut, (unsigned long long)q.recurrent, 100.0 * local, imbalance);
  }
  free(q.cost);
  free(offset);
  return st;
}

/* Neurons per rank, for the closing line. */
static cz_status print_balance(const cz_circuit *c, const cz_placement *pl, int nranks) {
  size_t *count = NULL, total = 0, gid = 0, hint = 0;
  CZ_NEW(count, (size_t)nranks);
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++, gid++) {
      const uint32_t r = cz_placement_rank_walk(pl, gid, &hint);
      if (r != CZ_NO_RANK) {
        count[r]++;
        total++;
      }
    }
  size_t lo = total, hi = 0;
  for (int r = 0; r < nranks; r++) {
    if (count[r] < lo) lo = count[r];
    if (count[r] > hi) hi = count[r];
  }
  printf("cadenza: %zu neurons on %d ranks: %zu to %zu per rank\n", total, nranks, lo, hi);
  free(count);
  return CZ_OK;
}

static void fill_ranks(const void *ctx, size_t first, size_t n, uint32_t *out) {
  cz_placement_fill(ctx, first, n, out);
}

cz_status cz_app_partition(const char *config_path, int nranks, cz_partition_method method, const char *out_path) {
  cz_config *cfg = NULL;
  cz_circuit *c = NULL;
  cz_placement pl = {0};
  const cz_place_cost *cost = NULL;
  cz_place_cost *owned = NULL;
  cz_engine_id engine = CZ_ENGINE_UNSAID;
  const cz_engine_kind *kind = NULL;
  cz_layout_options lo;
  cz_status st = cz_layout_options_from_env(&lo);
  if (st == CZ_OK) st = cz_cfg_load(config_path, NULL, &cfg);
  if (st == CZ_OK) st = cz_engine_detect(cfg, &engine);
  if (st == CZ_OK) kind = cz_engine_kind_of(engine);
  if (st == CZ_OK) st = cz_circuit_load_nodes(cfg, &c);
  if (st == CZ_OK) st = cz_engine_place_cost(kind, cfg, c, &cost, &owned);
  if (st == CZ_OK) st = cz_place_nodes(c, cfg, nranks, method, 1, cost, lo.partition_pairs, &pl);
  if (st == CZ_OK)
    st = cz_partition_file_write(out_path, c, fill_ranks, &pl, (uint32_t)nranks, cz_partition_method_name(method));
  if (st == CZ_OK) st = print_balance(c, &pl, nranks);
  if (st == CZ_OK) st = print_quality(c, cfg, &pl, nranks, cost);
  if (st == CZ_OK) printf("cadenza: wrote the %s partition to %s\n", cz_partition_method_name(method), out_path);
  if (kind) cz_engine_place_cost_free(kind, &owned);
  cz_placement_free(&pl);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
  return st;
}
