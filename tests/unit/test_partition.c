/* Unit tests of partition/: graph construction (from edges and from counted pairs), pair
 * counting, the trivial partitioners, METIS and the quality measures; and the group size rule
 * of the engine's partition graph (core/part_graph.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cz_test.h"
#include "core/part_graph.h"
#include "partition/pair_counts.h"
#include "partition/graph.h"
#include "partition/metis.h"
#include "partition/partition.h"
#include "partition/round_robin.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A growable edge list for building test graphs. */
typedef struct edge_list {
  size_t n, cap;
  uint32_t *src, *dst;
} edge_list;

static void edges_add(edge_list *e, uint32_t a, uint32_t b) {
  if (e->n == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 64;
    e->src = realloc(e->src, e->cap * sizeof *e->src);
    e->dst = realloc(e->dst, e->cap * sizeof *e->dst);
    assert_non_null(e->src);
    assert_non_null(e->dst);
  }
  e->src[e->n] = a;
  e->dst[e->n] = b;
  e->n++;
}

static void edges_free(edge_list *e) {
  free(e->src);
  free(e->dst);
}

static cz_graph *graph_ok(uint32_t nvtx, const edge_list *e, const int32_t *vwgt) {
  cz_graph *g = NULL;
  cz_status st = cz_graph_from_edges(nvtx, e->n, e->src, e->dst, vwgt, &g);
  if (st != CZ_OK) fail_msg("graph build failed: %s", cz_error_message());
  assert_non_null(g);
  return g;
}

static void assert_message_has(const char *want) {
  if (!strstr(cz_error_message(), want)) fail_msg("message '%s' lacks '%s'", cz_error_message(), want);
}

/* Every entry of part in [0, nparts), and part sizes differing by at most one. */
static void assert_balanced(const uint32_t *part, size_t n, int nparts) {
  size_t *size = calloc((size_t)nparts, sizeof *size);
  assert_non_null(size);
  for (size_t i = 0; i < n; i++) {
    assert_true(part[i] < (uint32_t)nparts);
    size[part[i]]++;
  }
  size_t lo = n, hi = 0, sum = 0;
  for (int p = 0; p < nparts; p++) {
    lo = size[p] < lo ? size[p] : lo;
    hi = size[p] > hi ? size[p] : hi;
    sum += size[p];
  }
  assert_int_equal(sum, n);
  assert_true(hi - lo <= 1);
  free(size);
}

static cz_part_quality quality_ok(const cz_graph *g, const uint32_t *part, int nparts) {
  cz_part_quality q;
  cz_status st = cz_partition_quality(g, part, nparts, &q);
  if (st != CZ_OK) fail_msg("quality failed: %s", cz_error_message());
  return q;
}

/* ------------------------------------------------------------------ graph */

/* Pairs {0,1} x3 (both directions), {1,2} x2, {1,3} x1 and a self loop on 2. */
static void small_edges(edge_list *e) {
  const uint32_t s[] = {0, 1, 0, 2, 1, 3, 2};
  const uint32_t d[] = {1, 0, 1, 2, 2, 1, 1};
  for (size_t i = 0; i < COUNT(s); i++) edges_add(e, s[i], d[i]);
}

static void test_graph_merges_duplicates_drops_loops(void **state) {
  (void)state;
  edge_list e = {0};
  small_edges(&e);
  cz_graph *g = graph_ok(4, &e, NULL);
  const uint64_t xadj[] = {0, 1, 4, 5, 6};
  const uint32_t adjncy[] = {1, 0, 2, 3, 1, 1};
  const int32_t adjwgt[] = {3, 3, 2, 1, 2, 1};
  assert_int_equal(g->nvtx, 4);
  for (size_t i = 0; i < COUNT(xadj); i++) assert_int_equal(g->xadj[i], xadj[i]);
  for (size_t k = 0; k < COUNT(adjncy); k++) {
    assert_int_equal(g->adjncy[k], adjncy[k]);
    assert_int_equal(g->adjwgt[k], adjwgt[k]);
  }
  for (uint32_t v = 0; v < 4; v++) assert_int_equal(g->vwgt[v], 1);
  assert_int_equal(cz_graph_nedges(g), 3);
  cz_graph_destroy(&g);
  assert_null(g);
  cz_graph_destroy(&g); /* twice is harmless */
  cz_graph_destroy(NULL);
  edges_free(&e);
}

static void test_graph_copies_vertex_weights(void **state) {
  (void)state;
  edge_list e = {0};
  small_edges(&e);
  int32_t w[] = {5, 0, 7, 2};
  cz_graph *g = graph_ok(4, &e, w);
  w[0] = 99; /* the graph holds its own copy */
  assert_int_equal(g->vwgt[0], 5);
  assert_int_equal(g->vwgt[1], 0);
  assert_int_equal(g->vwgt[2], 7);
  assert_int_equal(g->vwgt[3], 2);
  cz_graph_destroy(&g);
  edges_free(&e);
}

static void test_graph_no_edges(void **state) {
  (void)state;
  cz_graph *g = NULL;
  assert_int_equal(cz_graph_from_edges(3, 0, NULL, NULL, NULL, &g), CZ_OK);
  for (int i = 0; i <= 3; i++) assert_int_equal(g->xadj[i], 0);
  assert_int_equal(cz_graph_nedges(g), 0);
  cz_graph_destroy(&g);
  /* Only self loops: still no edges. */
  const uint32_t s[] = {1, 1, 2};
  assert_int_equal(cz_graph_from_edges(3, 3, s, s, NULL, &g), CZ_OK);
  assert_int_equal(g->xadj[3], 0);
  cz_graph_destroy(&g);
  assert_int_equal(cz_graph_from_edges(0, 0, NULL, NULL, NULL, &g), CZ_OK);
  assert_int_equal(g->nvtx, 0);
  assert_int_equal(g->xadj[0], 0);
  cz_graph_destroy(&g);
}

/* A pseudo-random multigraph with loops and repeats, checked against a dense count matrix. */
static void test_graph_matches_dense_counts(void **state) {
  (void)state;
  enum { N = 37, E = 2000 };
  static int32_t count[N][N];
  edge_list e = {0};
  uint64_t x = 12345;
  for (int i = 0; i < E; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    uint32_t a = (uint32_t)((x >> 33) % N), b = (uint32_t)((x >> 13) % N);
    edges_add(&e, a, b);
    if (a != b) {
      count[a][b]++;
      count[b][a]++;
    }
  }
  cz_graph *g = graph_ok(N, &e, NULL);
  uint64_t k = 0;
  for (uint32_t v = 0; v < N; v++) {
    assert_int_equal(g->xadj[v], k);
    for (uint32_t u = 0; u < N; u++) {
      if (!count[v][u]) continue;
      assert_int_equal(g->adjncy[k], u); /* ascending, one entry per neighbour */
      assert_int_equal(g->adjwgt[k], count[v][u]);
      k++;
    }
  }
  assert_int_equal(g->xadj[N], k);
  cz_graph_destroy(&g);
  edges_free(&e);
}

static void test_graph_errors(void **state) {
  (void)state;
  static cz_graph dummy;
  cz_graph *g = &dummy; /* must be reset to NULL on failure */
  const uint32_t s[] = {0, 1}, d[] = {1, 4};
  cz_error_clear();
  assert_int_equal(cz_graph_from_edges(4, 2, s, d, NULL, &g), CZ_ERR_FORMAT);
  assert_null(g);
  assert_message_has("edge 1");
  const int32_t w[] = {1, -2, 1, 1};
  assert_int_equal(cz_graph_from_edges(4, 1, s, d, w, &g), CZ_ERR_INTERNAL);
  assert_null(g);
  assert_message_has("negative weight");
}

static void test_graph_idx32_limits(void **state) {
  (void)state;
  assert_int_equal(cz_graph_check_idx32(INT32_MAX, INT32_MAX), CZ_OK);
  cz_error_clear();
  assert_int_equal(cz_graph_check_idx32(10, (uint64_t)INT32_MAX + 1), CZ_ERR_CONFIG);
  assert_message_has("METIS");
  assert_message_has("round-robin");
  cz_error_clear();
  assert_int_equal(cz_graph_check_idx32((uint64_t)INT32_MAX + 1, 0), CZ_ERR_CONFIG);
  assert_message_has("METIS");
}

/* ------------------------------------------------------------------ round robin and block */

static void test_round_robin(void **state) {
  (void)state;
  const size_t ns[] = {0, 1, 3, 10, 1000, 1001};
  const int nps[] = {1, 2, 3, 4, 7, 64};
  uint32_t part[1001];
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t j = 0; j < COUNT(nps); j++) {
      assert_int_equal(cz_part_round_robin(ns[i], nps[j], part), CZ_OK);
      for (size_t v = 0; v < ns[i]; v++) assert_int_equal(part[v], v % (size_t)nps[j]);
      assert_balanced(part, ns[i], nps[j]);
    }
  assert_int_equal(cz_part_round_robin(5, 0, part), CZ_ERR_INTERNAL);
}

static void test_block(void **state) {
  (void)state;
  uint32_t part[1001];
  assert_int_equal(cz_part_block(10, 3, part), CZ_OK);
  const uint32_t want[] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  for (size_t v = 0; v < COUNT(want); v++) assert_int_equal(part[v], want[v]);

  const size_t ns[] = {0, 1, 3, 10, 1000, 1001};
  const int nps[] = {1, 2, 3, 4, 7, 64};
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t j = 0; j < COUNT(nps); j++) {
      assert_int_equal(cz_part_block(ns[i], nps[j], part), CZ_OK);
      assert_balanced(part, ns[i], nps[j]);
      for (size_t v = 1; v < ns[i]; v++) assert_true(part[v] == part[v - 1] || part[v] == part[v - 1] + 1);
      if (ns[i] > 0) assert_int_equal(part[0], 0);
    }
  assert_int_equal(cz_part_block(5, -1, part), CZ_ERR_INTERNAL);
}

/* Weighted deal and blocks: hand-worked cases, a uniform run inside non-uniform weights
 * (a trailing vertex of cost 0) giving the unweighted parts, and balance bounds on random
 * costs. */
static void part_loads(const uint32_t *part, const uint32_t *w, size_t n, int np, uint64_t *load) {
  for (int p = 0; p < np; p++) load[p] = 0;
  for (size_t i = 0; i < n; i++) load[part[i]] += w[i];
}

static void test_weighted_hand_cases(void **state) {
  (void)state;
  uint32_t part[16];
  const uint32_t w_rr[] = {5, 1, 1, 1, 1, 1, 1}, want_rr[] = {0, 1, 1, 1, 1, 1, 0};
  assert_int_equal(cz_part_round_robin_weighted(COUNT(w_rr), w_rr, 2, part), CZ_OK);
  for (size_t v = 0; v < COUNT(w_rr); v++) assert_int_equal(part[v], want_rr[v]);
  /* a heavy first vertex: block 0 holds two vertices (cost 4), block 1 four (cost 4) */
  const uint32_t w_b[] = {3, 1, 1, 1, 1, 1}, want_b[] = {0, 0, 1, 1, 1, 1};
  assert_int_equal(cz_part_block_weighted(COUNT(w_b), w_b, 2, part), CZ_OK);
  for (size_t v = 0; v < COUNT(w_b); v++) assert_int_equal(part[v], want_b[v]);
  /* a vertex heavier than a share takes a part of its own */
  const uint32_t w_h[] = {10, 1, 1, 1}, want_h[] = {0, 1, 1, 2};
  assert_int_equal(cz_part_block_weighted(COUNT(w_h), w_h, 3, part), CZ_OK);
  for (size_t v = 0; v < COUNT(w_h); v++) assert_int_equal(part[v], want_h[v]);
  /* ten vertices of cost 1 and one of cost 0: the first ten as without weights */
  const uint32_t w_u[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, want_u[] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  assert_int_equal(cz_part_block_weighted(COUNT(w_u), w_u, 3, part), CZ_OK);
  for (size_t v = 0; v < COUNT(want_u); v++) assert_int_equal(part[v], want_u[v]);
  assert_int_equal(cz_part_round_robin_weighted(COUNT(w_u), w_u, 3, part), CZ_OK);
  for (size_t v = 0; v < COUNT(want_u); v++) assert_int_equal(part[v], v % 3);
  /* equal costs, or none, are exactly the unweighted partitioners */
  const uint32_t w_e[] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  uint32_t plain[16];
  assert_int_equal(cz_part_block(10, 4, plain), CZ_OK);
  assert_int_equal(cz_part_block_weighted(10, w_e, 4, part), CZ_OK);
  assert_memory_equal(part, plain, 10 * sizeof *part);
  assert_int_equal(cz_part_block_weighted(10, NULL, 4, part), CZ_OK);
  assert_memory_equal(part, plain, 10 * sizeof *part);
  assert_int_equal(cz_part_round_robin(10, 4, plain), CZ_OK);
  assert_int_equal(cz_part_round_robin_weighted(10, w_e, 4, part), CZ_OK);
  assert_memory_equal(part, plain, 10 * sizeof *part);
  assert_int_equal(cz_part_block_weighted(4, w_h, 0, part), CZ_ERR_INTERNAL);
  assert_int_equal(cz_part_round_robin_weighted(4, w_h, 0, part), CZ_ERR_INTERNAL);
}

static void test_weighted_balance(void **state) {
  (void)state;
  enum { N = 1000 };
  uint32_t w[N], part[N];
  uint64_t load[64], total = 0, seed = 12345;
  for (size_t i = 0; i < N; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    w[i] = 1 + (uint32_t)((seed >> 33) % 100);
    total += w[i];
  }
  const int nps[] = {1, 2, 3, 7, 64};
  for (size_t j = 0; j < COUNT(nps); j++) {
    const int np = nps[j];
    assert_int_equal(cz_part_round_robin_weighted(N, w, np, part), CZ_OK);
    part_loads(part, w, N, np, load);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int p = 0; p < np; p++) {
      lo = load[p] < lo ? load[p] : lo;
      hi = load[p] > hi ? load[p] : hi;
    }
    assert_true(hi - lo <= 100); /* always dealt to the lightest part: within one vertex */
    assert_int_equal(cz_part_block_weighted(N, w, np, part), CZ_OK);
    for (size_t v = 1; v < N; v++) assert_true(part[v] == part[v - 1] || part[v] == part[v - 1] + 1);
    part_loads(part, w, N, np, load);
    for (int p = 0; p < np; p++) assert_true(load[p] <= (total + (uint64_t)np - 1) / (uint64_t)np + 100);
    assert_true(load[np - 1] > 0);
  }
}

/* ------------------------------------------------------------------ METIS */

/* Two cliques of k vertices each, one on the even and one on the odd ids (so that no
 * contiguous split finds them), joined by a single edge 0 - 1. */
static cz_graph *two_cliques(uint32_t k) {
  edge_list e = {0};
  for (uint32_t side = 0; side < 2; side++)
    for (uint32_t i = 0; i < k; i++)
      for (uint32_t j = i + 1; j < k; j++) edges_add(&e, 2 * i + side, 2 * j + side);
  edges_add(&e, 0, 1);
  cz_graph *g = graph_ok(2 * k, &e, NULL);
  edges_free(&e);
  return g;
}

static cz_graph *ring(uint32_t n, const int32_t *vwgt) {
  edge_list e = {0};
  for (uint32_t i = 0; i < n; i++) edges_add(&e, i, (i + 1) % n);
  cz_graph *g = graph_ok(n, &e, vwgt);
  edges_free(&e);
  return g;
}

static void metis_ok(const cz_graph *g, int nparts, uint64_t seed, uint32_t *part) {
  cz_status st = cz_part_metis(g, nparts, seed, part);
  if (st != CZ_OK) fail_msg("METIS failed: %s", cz_error_message());
}

static void test_metis_two_cliques(void **state) {
  (void)state;
  enum { K = 10 };
  cz_graph *g = two_cliques(K);
  uint32_t part[2 * K];
  metis_ok(g, 2, 1, part);
  cz_part_quality q = quality_ok(g, part, 2);
  assert_int_equal(q.edge_cut, 1);
  assert_int_equal(q.edge_total, 2 * K * (K - 1) / 2 + 1);
  assert_int_equal(q.vwgt_max, K);
  assert_true(q.imbalance == 1.0);
  for (uint32_t v = 2; v < 2 * K; v++) assert_int_equal(part[v], part[v % 2]);
  assert_int_not_equal(part[0], part[1]);
  cz_graph_destroy(&g);
}

/* A pseudo-random graph of n vertices and about deg * n / 2 edges. */
static cz_graph *random_graph(uint32_t n, uint32_t deg, uint64_t x) {
  edge_list e = {0};
  for (uint32_t i = 0; i < n * deg / 2; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    uint32_t a = (uint32_t)((x >> 33) % n);
    /* Mostly local edges, so there is structure for METIS to find. */
    uint32_t b = (uint32_t)((a + (x >> 17) % 20) % n);
    edges_add(&e, a, b);
  }
  cz_graph *g = graph_ok(n, &e, NULL);
  edges_free(&e);
  return g;
}

static void test_metis_deterministic(void **state) {
  (void)state;
  enum { N = 2000 };
  cz_graph *g = random_graph(N, 12, 777);
  static uint32_t a[N], b[N];
  metis_ok(g, 4, 42, a);
  metis_ok(g, 4, 42, b);
  assert_memory_equal(a, b, sizeof a);
  cz_part_quality q = quality_ok(g, a, 4);
  assert_true(q.imbalance <= 1.05);
  /* METIS must beat round robin by far on a graph with local structure. */
  static uint32_t rr[N];
  assert_int_equal(cz_part_round_robin(N, 4, rr), CZ_OK);
  cz_part_quality qr = quality_ok(g, rr, 4);
  assert_true(q.edge_cut * 4 < qr.edge_cut);
  cz_graph_destroy(&g);
}

static void test_metis_one_part(void **state) {
  (void)state;
  cz_graph *g = random_graph(100, 6, 3);
  uint32_t part[100];
  memset(part, 0xff, sizeof part);
  metis_ok(g, 1, 0, part);
  for (int v = 0; v < 100; v++) assert_int_equal(part[v], 0);
  cz_error_clear();
  assert_int_equal(cz_part_metis(g, 0, 0, part), CZ_ERR_INTERNAL);
  assert_message_has("nparts");
  cz_graph_destroy(&g);
}

static void test_metis_ring(void **state) {
  (void)state;
  enum { N = 1000 };
  cz_graph *g = ring(N, NULL);
  static uint32_t part[N];
  metis_ok(g, 4, 7, part);
  cz_part_quality q = quality_ok(g, part, 4);
  if (q.edge_cut > 8) fail_msg("METIS cut %llu ring edges, want <= 8", (unsigned long long)q.edge_cut);
  assert_true(q.imbalance <= 1.05);
  /* The trivial partitioners for comparison: blocks cut 4 edges, round robin cuts all. */
  assert_int_equal(cz_part_block(N, 4, part), CZ_OK);
  assert_int_equal(quality_ok(g, part, 4).edge_cut, 4);
  assert_int_equal(cz_part_round_robin(N, 4, part), CZ_OK);
  assert_int_equal(quality_ok(g, part, 4).edge_cut, N);
  cz_graph_destroy(&g);
}

static void test_metis_vertex_weights(void **state) {
  (void)state;
  /* A ring whose first quarter weighs 3 per vertex: total 300, so 150 per half. A block split
   * by count is off balance; METIS must balance the weights. */
  enum { N = 200 };
  int32_t w[N];
  for (int v = 0; v < N; v++) w[v] = v < N / 4 ? 3 : 1;
  cz_graph *g = ring(N, w);
  uint32_t part[N];
  assert_int_equal(cz_part_block(N, 2, part), CZ_OK);
  cz_part_quality qb = quality_ok(g, part, 2);
  assert_int_equal(qb.vwgt_total, 300);
  assert_int_equal(qb.vwgt_max, 200);
  metis_ok(g, 2, 11, part);
  cz_part_quality q = quality_ok(g, part, 2);
  if (q.imbalance > 1.05) fail_msg("METIS imbalance %g with vertex weights", q.imbalance);
  assert_true(q.edge_cut <= 4);
  cz_graph_destroy(&g);
}

/* ------------------------------------------------------------------ quality and parsing */

static void test_quality_hand_example(void **state) {
  (void)state;
  edge_list e = {0};
  small_edges(&e);
  const int32_t w[] = {4, 1, 2, 1};
  cz_graph *g = graph_ok(4, &e, w);
  /* Parts {0, 3} and {1, 2}: cut {0,1} (weight 3) and {1,3} (weight 1); {1,2} (2) stays. */
  const uint32_t part[] = {0, 1, 1, 0};
  cz_part_quality q = quality_ok(g, part, 2);
  assert_int_equal(q.edge_cut, 4);
  assert_int_equal(q.edge_total, 6);
  assert_float_equal(q.local_fraction, 2.0 / 6.0, 1e-12);
  assert_int_equal(q.vwgt_total, 8);
  assert_int_equal(q.vwgt_max, 5);
  assert_float_equal(q.imbalance, 1.25, 1e-12);
  /* Everything in one part of three: nothing cut, two parts empty. */
  const uint32_t one[] = {2, 2, 2, 2};
  q = quality_ok(g, one, 3);
  assert_int_equal(q.edge_cut, 0);
  assert_float_equal(q.local_fraction, 1.0, 0);
  assert_float_equal(q.imbalance, 3.0, 1e-12);
  /* A part id out of range. */
  const uint32_t bad[] = {0, 1, 2, 0};
  cz_error_clear();
  assert_int_equal(cz_partition_quality(g, bad, 2, &q), CZ_ERR_INTERNAL);
  assert_message_has("node 2");
  cz_graph_destroy(&g);
  edges_free(&e);
}

static void test_parse(void **state) {
  (void)state;
  cz_partition_method m = CZ_PARTITION_BLOCK;
  assert_int_equal(cz_partition_parse("metis", &m), CZ_OK);
  assert_int_equal(m, CZ_PARTITION_METIS);
  assert_int_equal(cz_partition_parse("round-robin", &m), CZ_OK);
  assert_int_equal(m, CZ_PARTITION_ROUND_ROBIN);
  m = CZ_PARTITION_METIS;
  assert_int_equal(cz_partition_parse("round_robin", &m), CZ_OK);
  assert_int_equal(m, CZ_PARTITION_ROUND_ROBIN);
  assert_int_equal(cz_partition_parse("block", &m), CZ_OK);
  assert_int_equal(m, CZ_PARTITION_BLOCK);
  cz_error_clear();
  assert_int_equal(cz_partition_parse("METIS", &m), CZ_ERR_ARG);
  assert_message_has("'METIS'");
  assert_message_has("round-robin");
  assert_int_equal(cz_partition_parse("", &m), CZ_ERR_ARG);
  assert_int_equal(cz_partition_parse(NULL, &m), CZ_ERR_ARG);
  assert_int_equal(m, CZ_PARTITION_BLOCK); /* untouched on failure */
  const cz_partition_method all[] = {CZ_PARTITION_METIS, CZ_PARTITION_ROUND_ROBIN, CZ_PARTITION_BLOCK};
  for (size_t i = 0; i < COUNT(all); i++) {
    assert_int_equal(cz_partition_parse(cz_partition_method_name(all[i]), &m), CZ_OK);
    assert_int_equal(m, all[i]);
  }
}

/* ---- pair counting -------------------------------------------------------------------- */

static uint64_t lcg(uint64_t *x) {
  *x = *x * 6364136223846793005u + 1442695040888963407u;
  return *x >> 16;
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static void test_radix_sort_matches_qsort(void **state) {
  (void)state;
  enum { N = 5000 };
  static uint64_t keys[N], scratch[N], want[N];
  const uint64_t maxes[] = {0, 1, 2047, 2048, (1ull << 33) + 5, UINT64_MAX};
  uint64_t x = 99;
  for (size_t m = 0; m < COUNT(maxes); m++) {
    for (size_t i = 0; i < N; i++) {
      keys[i] = maxes[m] == UINT64_MAX ? lcg(&x) << 16 ^ lcg(&x) : lcg(&x) % (maxes[m] + 1);
      want[i] = keys[i];
    }
    qsort(want, N, sizeof *want, cmp_u64);
    cz_sort_u64_radix(keys, scratch, N, maxes[m]);
    for (size_t i = 0; i < N; i++) assert_int_equal(keys[i], want[i]);
  }
}

/* Counts E random pairs of N vertices (loops and repeats among them) into p, and into the
 * reference matrix count (unordered pairs at [min][max]). */
enum { PAIRS_N = 41, PAIRS_E = 3000 };
static void add_random_pairs(cz_pair_counts *p, int64_t count[PAIRS_N][PAIRS_N]) {
  uint64_t x = 7;
  for (int i = 0; i < PAIRS_E; i++) {
    uint32_t a = (uint32_t)(lcg(&x) % PAIRS_N), b = (uint32_t)(lcg(&x) % PAIRS_N);
    assert_int_equal(cz_pairs_add(p, a, b), CZ_OK);
    if (a != b) count[a < b ? a : b][a < b ? b : a]++;
  }
  assert_int_equal(cz_pairs_flush(p), CZ_OK);
}

/* p's records, sorted, unique, with ends a < b, are the nonzero counts of the matrix. */
static void assert_records_match(const cz_pair_counts *p, int64_t count[PAIRS_N][PAIRS_N]) {
  size_t k = 0;
  for (uint32_t a = 0; a < PAIRS_N; a++)
    for (uint32_t b = a + 1; b < PAIRS_N; b++) {
      if (!count[a][b]) continue;
      assert_true(k < p->n);
      uint32_t ra, rb;
      cz_pairs_ends(p, (uint64_t)p->rec[2 * k], &ra, &rb);
      assert_int_equal(ra, a);
      assert_int_equal(rb, b);
      assert_int_equal(p->rec[2 * k + 1], count[a][b]);
      k++;
    }
  assert_int_equal(p->n, k);
}

/* Both ways of counting agree with a plain matrix: the sorted one through a buffer small
 * enough to merge many times, the dense one flushed once at the end (pair (a, b) and (b, a)
 * in different counters until then) and flushed every few additions (dense_limit lowered, as
 * it stands at 2^32 - 1, to merge many partial matrices). */
static void test_pairs_match_dense_counts(void **state) {
  (void)state;
  for (int mode = 0; mode < 3; mode++) {
    static int64_t count[PAIRS_N][PAIRS_N];
    memset(count, 0, sizeof count);
    cz_pair_counts p;
    if (mode == 0) assert_int_equal(cz_pairs_init(&p, PAIRS_N, 7), CZ_OK);
    else assert_int_equal(cz_pairs_init_dense(&p, PAIRS_N), CZ_OK);
    if (mode == 2) p.dense_limit = 13;
    add_random_pairs(&p, count);
    assert_records_match(&p, count);
    for (size_t c = 0; mode > 0 && c < PAIRS_N * PAIRS_N; c++) assert_int_equal(p.dense[c], 0); /* cleared */
    cz_pairs_free(&p);
  }
}

/* Records gathered from several ranks come as sorted runs, here three (an odd number, so one
 * run waits a round) of different lengths with keys shared between them: merged, they equal
 * their sum counted at once. */
static void test_pairs_merge_sorted_runs(void **state) {
  (void)state;
  enum { N = 200, E = 5000, RUNS = 3 };
  cz_pair_counts part[RUNS], whole, merged;
  assert_int_equal(cz_pairs_init(&whole, N, 64), CZ_OK);
  assert_int_equal(cz_pairs_init(&merged, N, 1), CZ_OK);
  for (int r = 0; r < RUNS; r++) assert_int_equal(cz_pairs_init(&part[r], N, 100), CZ_OK);
  uint64_t x = 5;
  for (int i = 0; i < E; i++) {
    uint32_t a = (uint32_t)(lcg(&x) % 30), b = (uint32_t)(lcg(&x) % N);
    assert_int_equal(cz_pairs_add(&whole, a, b), CZ_OK);
    assert_int_equal(cz_pairs_add(&part[(i % 7) % RUNS], a, b), CZ_OK);
  }
  assert_int_equal(cz_pairs_flush(&whole), CZ_OK);
  size_t total = 0;
  for (int r = 0; r < RUNS; r++) {
    assert_int_equal(cz_pairs_flush(&part[r]), CZ_OK);
    total += part[r].n;
  }
  int64_t *all = calloc(2 * total, sizeof *all);
  assert_non_null(all);
  size_t at = 0;
  for (int r = 0; r < RUNS; r++) {
    memcpy(all + 2 * at, part[r].rec, 2 * part[r].n * sizeof *all);
    at += part[r].n;
  }
  assert_true(total > whole.n); /* keys repeat across the runs */
  assert_int_equal(cz_pairs_add_records(&merged, all, total), CZ_OK);
  assert_int_equal(merged.n, whole.n);
  for (size_t i = 0; i < 2 * whole.n; i++) assert_int_equal(merged.rec[i], whole.rec[i]);
  free(all);
  for (int r = 0; r < RUNS; r++) cz_pairs_free(&part[r]);
  cz_pairs_free(&whole);
  cz_pairs_free(&merged);
}

/* Two halves counted apart and merged as records equal one count of the whole. */
static void test_pairs_merge_records(void **state) {
  (void)state;
  enum { N = 300, E = 20000 };
  cz_pair_counts whole, left, right, merged;
  assert_int_equal(cz_pairs_init(&whole, N, 1000), CZ_OK);
  assert_int_equal(cz_pairs_init(&left, N, 333), CZ_OK);
  assert_int_equal(cz_pairs_init(&right, N, 50), CZ_OK);
  assert_int_equal(cz_pairs_init(&merged, N, 1), CZ_OK);
  uint64_t x = 3;
  for (int i = 0; i < E; i++) {
    uint32_t a = (uint32_t)(lcg(&x) % 40), b = (uint32_t)(lcg(&x) % N); /* many repeats */
    assert_int_equal(cz_pairs_add(&whole, a, b), CZ_OK);
    assert_int_equal(cz_pairs_add(i % 3 ? &left : &right, a, b), CZ_OK);
  }
  assert_int_equal(cz_pairs_flush(&whole), CZ_OK);
  assert_int_equal(cz_pairs_flush(&left), CZ_OK);
  assert_int_equal(cz_pairs_flush(&right), CZ_OK);
  /* right's records reversed: the merge must not rely on their order */
  for (size_t i = 0, j = right.n ? right.n - 1 : 0; i < j; i++, j--)
    for (int w = 0; w < 2; w++) {
      int64_t t = right.rec[2 * i + w];
      right.rec[2 * i + w] = right.rec[2 * j + w];
      right.rec[2 * j + w] = t;
    }
  assert_int_equal(cz_pairs_add_records(&merged, left.rec, left.n), CZ_OK);
  assert_int_equal(cz_pairs_add_records(&merged, right.rec, right.n), CZ_OK);
  assert_true(whole.n > 1000);
  assert_int_equal(merged.n, whole.n);
  for (size_t i = 0; i < 2 * whole.n; i++) assert_int_equal(merged.rec[i], whole.rec[i]);
  cz_pairs_free(&whole);
  cz_pairs_free(&left);
  cz_pairs_free(&right);
  cz_pairs_free(&merged);
}

/* The graph from counted pairs is the graph from the edge list. */
static void test_graph_from_pairs_equals_from_edges(void **state) {
  (void)state;
  enum { N = 60, E = 2500 };
  edge_list e = {0};
  cz_pair_counts p;
  assert_int_equal(cz_pairs_init(&p, N, 100), CZ_OK);
  uint64_t x = 11;
  for (int i = 0; i < E; i++) {
    uint32_t a = (uint32_t)(lcg(&x) % N), b = (uint32_t)(lcg(&x) % N);
    edges_add(&e, a, b);
    assert_int_equal(cz_pairs_add(&p, a, b), CZ_OK);
  }
  assert_int_equal(cz_pairs_flush(&p), CZ_OK);
  uint32_t *a = calloc(p.n, sizeof *a), *b = calloc(p.n, sizeof *b);
  int32_t *w = calloc(p.n, sizeof *w), vw[N];
  assert_non_null(a);
  assert_non_null(b);
  assert_non_null(w);
  for (size_t k = 0; k < p.n; k++) {
    cz_pairs_ends(&p, (uint64_t)p.rec[2 * k], &a[k], &b[k]);
    w[k] = (int32_t)p.rec[2 * k + 1];
  }
  for (int v = 0; v < N; v++) vw[v] = v % 5;
  cz_graph *g1 = graph_ok(N, &e, vw), *g2 = NULL;
  assert_int_equal(cz_graph_from_pairs(N, p.n, a, b, w, vw, &g2), CZ_OK);
  for (uint32_t v = 0; v <= N; v++) assert_int_equal(g2->xadj[v], g1->xadj[v]);
  for (uint64_t k = 0; k < g1->xadj[N]; k++) {
    assert_int_equal(g2->adjncy[k], g1->adjncy[k]);
    assert_int_equal(g2->adjwgt[k], g1->adjwgt[k]);
  }
  for (uint32_t v = 0; v < N; v++) assert_int_equal(g2->vwgt[v], vw[v]);
  /* Out of order, repeated, reversed or zero-weight pairs are refused. */
  cz_graph *bad = NULL;
  if (p.n >= 2) {
    uint32_t sa[] = {a[1], a[0]}, sb[] = {b[1], b[0]};
    int32_t sw[] = {1, 1};
    assert_int_equal(cz_graph_from_pairs(N, 2, sa, sb, sw, NULL, &bad), CZ_ERR_INTERNAL);
  }
  const uint32_t ra[] = {3}, rb[] = {2};
  const int32_t one[] = {1}, zero[] = {0};
  assert_int_equal(cz_graph_from_pairs(N, 1, ra, rb, one, NULL, &bad), CZ_ERR_INTERNAL);
  assert_int_equal(cz_graph_from_pairs(N, 1, rb, ra, zero, NULL, &bad), CZ_ERR_INTERNAL);
  assert_null(bad);
  cz_graph_destroy(&g1);
  cz_graph_destroy(&g2);
  free(a);
  free(b);
  free(w);
  edges_free(&e);
  cz_pairs_free(&p);
}

/* Groups: none while the edges fit the budget; past it, about sqrt(2 budget) groups, never
 * fewer than 64 per part, never larger than needed. */
static void test_part_graph_group_size(void **state) {
  (void)state;
  assert_int_equal(cz_part_graph_group_size(450, 30000, 2, 0), 1);
  assert_int_equal(cz_part_graph_group_size(0, 1u << 30, 2, 0), 1);
  /* 1e5 neurons, 2.25e7 edges, budget 2^20 pairs: 1448 groups of 70 */
  uint32_t g = cz_part_graph_group_size(100000, 22500000, 2, (uint64_t)1 << 20);
  assert_int_equal(g, 70);
  const uint64_t groups = (100000 + g - 1) / g;
  assert_true(groups * (groups - 1) / 2 <= ((uint64_t)1 << 20) * 11 / 10);
  /* 64 groups per part at least: 1000 parts need 64000 groups */
  g = cz_part_graph_group_size(1000000, 180000000, 1000, (uint64_t)1 << 20);
  assert_true((1000000 + g - 1) / g >= 64000);
  /* more groups than neurons: no grouping */
  assert_int_equal(cz_part_graph_group_size(5000, 180000000, 100, (uint64_t)1 << 20), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_graph_merges_duplicates_drops_loops),
      cmocka_unit_test(test_graph_copies_vertex_weights),
      cmocka_unit_test(test_graph_no_edges),
      cmocka_unit_test(test_graph_matches_dense_counts),
      cmocka_unit_test(test_graph_errors),
      cmocka_unit_test(test_graph_idx32_limits),
      cmocka_unit_test(test_round_robin),
      cmocka_unit_test(test_block),
      cmocka_unit_test(test_metis_two_cliques),
      cmocka_unit_test(test_metis_deterministic),
      cmocka_unit_test(test_metis_one_part),
      cmocka_unit_test(test_metis_ring),
      cmocka_unit_test(test_metis_vertex_weights),
      cmocka_unit_test(test_quality_hand_example),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_radix_sort_matches_qsort),
      cmocka_unit_test(test_pairs_match_dense_counts),
      cmocka_unit_test(test_pairs_merge_records),
      cmocka_unit_test(test_pairs_merge_sorted_runs),
      cmocka_unit_test(test_graph_from_pairs_equals_from_edges),
      cmocka_unit_test(test_part_graph_group_size),
      cmocka_unit_test(test_weighted_hand_cases),
      cmocka_unit_test(test_weighted_balance),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
