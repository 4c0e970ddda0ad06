/* MPI component test: placement of nodes on ranks (src/core/placement.h).
 *
 * Rank 0 generates a small Brunel folder (300 neurons and their virtual external drive)
 * under $CZ_TEST_TMP; every rank then loads the config and the circuit and places the nodes
 * with each partitioner. Checks: every neuron gets a rank in [0, nranks) and every virtual
 * node CZ_NO_RANK; all ranks hold the same map; round-robin puts the k-th neuron on rank
 * k % nranks and block gives non-decreasing contiguous runs, both with sizes differing by at
 * most one; METIS gives every rank at least one neuron and the same map for the same seed;
 * with one rank (or nranks = 1) everything is on rank 0. METIS is run on the node graph and on
 * a grouped graph (a tiny pair budget). Then each rank loads the edges
 * through cz_place_keep_edge: every edge must be kept by exactly one rank, the one that owns
 * its target. Last, a non-uniform engine cost moves the block boundaries to where the cost,
 * not the neuron count, is balanced. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/placement.h"
#include "io/circuit.h"
#include "io/config.h"
#include "mpi_brunel.h"
#include "pointnet/place_cost.h"

enum { N_NEURONS = 300 };

static size_t node_count(const cz_circuit *c) {
  size_t n = 0;
  for (size_t p = 0; p < c->nnodes; p++) n += c->nodes[p].n;
  return n;
}

static bool is_virtual_gid(const cz_circuit *c, size_t gid) {
  for (size_t p = 0; p < c->nnodes; p++) {
    if (gid < c->nodes[p].n) return cz_node_is_virtual(&c->nodes[p], gid);
    gid -= c->nodes[p].n;
  }
  return false;
}

/* FNV-1a over the map, to compare maps across ranks. */
static int64_t map_hash(const uint32_t *map, size_t n) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < n; i++) {
    h ^= map[i];
    h *= 0x100000001B3ull;
  }
  return (int64_t)(h >> 1);
}

/* The same map on every rank: the minimum and maximum of the hash over ranks agree. */
static void check_identical_on_ranks(const char *what, const uint32_t *map, size_t n) {
  int64_t lo = map_hash(map, n), hi = lo;
  CZ_MPI_CHECK_OK(cz_comm_allreduce_min_i64(&lo));
  CZ_MPI_CHECK_OK(cz_comm_allreduce_max_i64(&hi));
  CZ_MPI_CHECK(lo == hi, "%s: ranks hold different maps (hash %" PRId64 " vs %" PRId64 ")", what, lo, hi);
}

/* Ranges, virtual nodes and per-rank neuron counts (counts has nranks entries). Returns
 * the number of neurons. */
static size_t check_ranges(const char *what, const cz_circuit *c, const uint32_t *map, int nranks,
                           size_t *counts) {
  size_t n = node_count(c), neurons = 0, bad = 0;
  for (size_t g = 0; g < n; g++) {
    if (is_virtual_gid(c, g)) {
      if (map[g] != CZ_NO_RANK && bad++ == 0)
        CZ_MPI_CHECK(false, "%s: virtual node %zu placed on rank %" PRIu32, what, g, map[g]);
      continue;
    }
    neurons++;
    if (map[g] >= (uint32_t)nranks) {
      if (bad++ == 0) CZ_MPI_CHECK(false, "%s: neuron %zu on rank %" PRIu32 " of %d", what, g, map[g], nranks);
      continue;
    }
    counts[map[g]]++;
  }
  return neurons;
}

static void check_balance(const char *what, const size_t *counts, int nranks, size_t neurons,
                          cz_partition_method m) {
  size_t lo = SIZE_MAX, hi = 0;
  for (int r = 0; r < nranks; r++) {
    lo = counts[r] < lo ? counts[r] : lo;
    hi = counts[r] > hi ? counts[r] : hi;
  }
  if (m == CZ_PARTITION_METIS)
    CZ_MPI_CHECK(neurons < (size_t)nranks || lo >= 1, "%s: a rank got no neuron", what);
  else
    CZ_MPI_CHECK(hi - lo <= 1, "%s: rank sizes from %zu to %zu neurons", what, lo, hi);
}

/* Round-robin: the k-th neuron (gid order) on rank k % nranks; block: non-decreasing. */
static void check_order(const char *what, const cz_circuit *c, const uint32_t *map, int nranks,
                        cz_partition_method m) {
  size_t n = node_count(c), k = 0;
  uint32_t prev = 0;
  for (size_t g = 0; g < n; g++) {
    if (is_virtual_gid(c, g)) continue;
    if (m == CZ_PARTITION_ROUND_ROBIN && map[g] != (uint32_t)(k % (size_t)nranks)) {
      CZ_MPI_CHECK(false, "%s: neuron %zu (vertex %zu) on rank %" PRIu32, what, g, k, map[g]);
      return;
    }
    if (m == CZ_PARTITION_BLOCK && map[g] < prev) {
      CZ_MPI_CHECK(false, "%s: neuron %zu on rank %" PRIu32 " after rank %" PRIu32, what, g, map[g], prev);
      return;
    }
    prev = map[g];
    k++;
  }
}

static void check_map(const char *what, const cz_circuit *c, const uint32_t *map, int nranks,
                      cz_partition_method m) {
  size_t *counts = calloc((size_t)nranks, sizeof *counts);
  if (!counts) return;
  size_t neurons = check_ranges(what, c, map, nranks, counts);
  CZ_MPI_CHECK(neurons == N_NEURONS, "%s: %zu neurons, expected %d", what, neurons, N_NEURONS);
  check_balance(what, counts, nranks, neurons, m);
  check_order(what, c, map, nranks, m);
  if (nranks == 1) CZ_MPI_CHECK(counts[0] == neurons, "%s: one rank holds %zu of %zu", what, counts[0], neurons);
  check_identical_on_ranks(what, map, node_count(c));
  free(counts);
}

/* The placement as a table of a rank per gid (NULL when placing failed). The placement
 * itself is left in *pl. */
static uint32_t *place_table(cz_circuit *c, const cz_config *cfg, int nranks, cz_partition_method m,
                             const cz_place_cost *cost, uint64_t pairs, cz_placement *pl) {
  CZ_MPI_CHECK_OK(cz_place_nodes(c, cfg, nranks, m, 7, cost, pairs, pl));
  uint32_t *map = calloc(node_count(c) + 1, sizeof *map);
  if (!map || pl->ngid != node_count(c)) {
    CZ_MPI_CHECK(false, "placement of %zu gids for %zu nodes", pl->ngid, node_count(c));
    free(map);
    return NULL;
  }
  cz_placement_fill(pl, 0, pl->ngid, map);
  return map;
}

static void test_method(cz_circuit *c, const cz_config *cfg, cz_partition_method m, int nranks, uint64_t pairs) {
  char what[64];
  snprintf(what, sizeof what, "%s, %d rank%s", cz_partition_method_name(m), nranks, nranks == 1 ? "" : "s");
  cz_placement pl = {0}, pl_again = {0};
  uint32_t *map = place_table(c, cfg, nranks, m, cz_pointnet_place_cost(), pairs, &pl), *again = NULL;
  if (!map) return;
  check_map(what, c, map, nranks, m);
  /* Block and round-robin with equal costs need no table: a run per rank and stretch. */
  if (m != CZ_PARTITION_METIS)
    CZ_MPI_CHECK(pl.form == CZ_PLACEMENT_RUNS && pl.nruns <= (size_t)nranks + 2 * c->nnodes,
                 "%s: the placement is a table or has %zu runs", what, pl.nruns);
  /* The same inputs give the same map (METIS with a fixed seed too). */
  again = place_table(c, cfg, nranks, m, cz_pointnet_place_cost(), pairs, &pl_again);
  if (again) {
    CZ_MPI_CHECK(map_hash(map, node_count(c)) == map_hash(again, node_count(c)), "%s: a second call differs",
                 what);
    free(again);
  }
  free(map);
  cz_placement_free(&pl);
  cz_placement_free(&pl_again);
}

static size_t edge_count(const cz_circuit *c) {
  size_t n = 0;
  for (size_t e = 0; e < c->nedges; e++) n += c->edges[e].n;
  return n;
}

/* Every kept edge targets a neuron of this rank (or, on rank 0, a virtual node). */
static void check_kept_edges(const cz_circuit *c, const uint32_t *map, const size_t *pop_offset) {
  const uint32_t me = (uint32_t)cz_comm_rank();
  for (size_t e = 0; e < c->nedges; e++) {
    const cz_edge_pop *ep = &c->edges[e];
    for (size_t i = 0; i < ep->n; i++) {
      uint32_t r = map[pop_offset[ep->target_pop] + ep->target_row[i]];
      if (r != me && !(r == CZ_NO_RANK && me == 0)) {
        CZ_MPI_CHECK(false, "edge %zu of %s kept, but its target is on rank %" PRIu32, i, ep->name, r);
        return;
      }
    }
  }
}

/* Loading the edges with this rank's filter: the ranks together keep every edge once. */
static void test_edge_filter(cz_circuit *c, const cz_config *cfg) {
  cz_placement pl = {0};
  uint32_t *map = place_table(c, cfg, cz_comm_size(), CZ_PARTITION_METIS, cz_pointnet_place_cost(), 0, &pl);
  size_t *pop_offset = calloc(c->nnodes + 1, sizeof *pop_offset);
  if (!map || !pop_offset) {
    free(map);
    free(pop_offset);
    cz_placement_free(&pl);
    return;
  }
  for (size_t p = 0; p < c->nnodes; p++) pop_offset[p + 1] = pop_offset[p] + c->nodes[p].n;
  CZ_MPI_CHECK_OK(cz_circuit_load_edges(c, cfg, NULL));
  uint64_t all = edge_count(c);
  cz_circuit_free_edges(c);
  cz_place_filter_ctx ctx = {&pl, pop_offset, (uint32_t)cz_comm_rank()};
  cz_edge_filter flt = {.keep = cz_place_keep_edge, .keep_target = cz_place_keep_target, .ctx = &ctx};
  CZ_MPI_CHECK_OK(cz_circuit_load_edges(c, cfg, &flt));
  uint64_t kept = edge_count(c);
  check_kept_edges(c, map, pop_offset);
  cz_circuit_free_edges(c);
  CZ_MPI_CHECK_OK(cz_comm_allreduce_sum_u64(&kept));
  CZ_MPI_CHECK(all > 0 && kept == all, "the ranks keep %" PRIu64 " edges in all, the circuit has %" PRIu64, kept,
               all);
  free(map);
  free(pop_offset);
  cz_placement_free(&pl);
}

/* An engine cost where the first 100 neurons (gid order) cost 3 and the other 200 cost 1. */
static uint32_t heavy_first(const void *ctx, uint32_t pop, uint32_t row) {
  const cz_circuit *c = ctx;
  size_t k = 0; /* neurons before (pop, row) */
  for (uint32_t p = 0; p < pop; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) k += !cz_node_is_virtual(&c->nodes[p], i);
  for (uint32_t i = 0; i < row; i++) k += !cz_node_is_virtual(&c->nodes[pop], i);
  return k < 100 ? 3 : 1;
}

/* Block placement balances the engine's cost, not the neuron count: of the total 500, each
 * rank takes neurons while their midpoint stays within its share (round_robin.h), which
 * works out by hand to 83 heavy neurons (cost 249) and 217 (251) on 2 ranks, and to 42
 * (126), 42 (126), 16 + 76 (124) and 124 (124) on 4. */
static void test_block_cost(cz_circuit *c, const cz_config *cfg) {
  const int nranks = cz_comm_size();
  const size_t want2[] = {83, 217}, want4[] = {42, 42, 92, 124}, want1[] = {300};
  const size_t *want = nranks == 2 ? want2 : nranks == 4 ? want4 : nranks == 1 ? want1 : NULL;
  const cz_place_cost cost = {heavy_first, c, 1};
  cz_placement pl = {0};
  uint32_t *map = place_table(c, cfg, nranks, CZ_PARTITION_BLOCK, &cost, 0, &pl);
  size_t *counts = calloc((size_t)nranks, sizeof *counts);
  if (map && counts) {
    check_ranges("block by cost", c, map, nranks, counts);
    check_order("block by cost", c, map, nranks, CZ_PARTITION_BLOCK);
    check_identical_on_ranks("block by cost", map, node_count(c));
    for (int r = 0; want && r < nranks; r++)
      CZ_MPI_CHECK(counts[r] == want[r], "block by cost: rank %d holds %zu neurons, expected %zu", r, counts[r],
                   want[r]);
  }
  free(counts);
  free(map);
  cz_placement_free(&pl);
}

static void run_checks(const char *dir) {
  cz_config *cfg = NULL;
  cz_circuit *c = NULL;
  /* Every rank must make the same collective calls: go on only if every rank loaded it. */
  if (cz_mpi_load_nodes(dir, &cfg, &c)) {
    static const cz_partition_method methods[] = {CZ_PARTITION_METIS, CZ_PARTITION_ROUND_ROBIN,
                                                  CZ_PARTITION_BLOCK};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
      test_method(c, cfg, methods[i], cz_comm_size(), 0);
      test_method(c, cfg, methods[i], 1, 0); /* a serial placement on every rank count */
    }
    /* A tiny pair budget forces the grouped METIS graph (core/part_graph.h). */
    test_method(c, cfg, CZ_PARTITION_METIS, cz_comm_size(), 100);
    test_method(c, cfg, CZ_PARTITION_METIS, 3, 100);
    test_edge_filter(c, cfg);
    test_block_cost(c, cfg);
  }
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
}

int main(int argc, char **argv) {
  char dir[4096];
  if (cz_mpi_brunel_setup(&argc, &argv, "placement", N_NEURONS, dir, sizeof dir)) run_checks(dir);
  return cz_mpi_test_finish("test_mpi_placement");
}
