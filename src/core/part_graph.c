#include "core/part_graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/timer.h"
#include "comm/comm.h"
#include "partition/pair_counts.h"

/* METIS adds weights in 32-bit signed integers; totals are kept below this. */
#define WEIGHT_TOTAL_MAX ((uint64_t)1 << 30)
/* Keys merged per flush of the sorted pair counter. */
#define PAIR_BUFFER ((size_t)1 << 22)
/* Ordered vertex pairs up to which the pairs are counted densely (pair_counts.h): 16 MiB of
 * counters, whose rows stay in the caches when the files are sorted by target and which
 * random pairs still reach in the last-level cache. */
#define DENSE_PAIRS_MAX ((uint64_t)1 << 22)

uint32_t cz_part_graph_group_size(uint32_t nvtx, uint64_t edges, int nparts, uint64_t pair_budget) {
  if (pair_budget == 0) pair_budget = CZ_PART_GRAPH_MIN_PAIRS;
  if (nvtx == 0 || edges <= pair_budget) return 1;
  const uint64_t fit = (uint64_t)floor(sqrt(2.0 * (double)pair_budget)); /* groups whose pairs fit */
  const uint64_t least = 64 * (uint64_t)(nparts > 0 ? nparts : 1);      /* groups the parts need */
  uint64_t g = (nvtx + fit - 1) / fit;                                  /* at most `fit` groups */
  const uint64_t g_least = nvtx / least;                                /* at least `least` groups */
  if (g > g_least) g = g_least;
  return (uint32_t)(g > 1 ? g : 1);
}

typedef struct scan_ctx {
  const uint32_t *vertex_of_gid; /* [ngid]: the gid's group, UINT32_MAX for a virtual node */
  const size_t *pop_offset;
  uint64_t *cost; /* [ngroups]: cost of the afferent synapses of each group */
  uint64_t per_synapse;
  cz_pair_counts pairs;
  uint64_t synapses;
  cz_status st; /* first failure of the pair counter */
} scan_ctx;

static void count_synapses(void *ctx, uint32_t sp, uint32_t tp, const uint32_t *srow, const uint32_t *trow, size_t n) {
  scan_ctx *s = ctx;
  const uint32_t *src_vertex = s->vertex_of_gid + s->pop_offset[sp], *tgt_vertex = s->vertex_of_gid + s->pop_offset[tp];
  uint64_t *cost = s->cost, synapses = 0;
  const uint64_t per_synapse = s->per_synapse;
  cz_status st = s->st;
  for (size_t k = 0; k < n && st == CZ_OK; k++) {
    const uint32_t t = tgt_vertex[trow[k]];
    if (t == UINT32_MAX) continue; /* onto a virtual node: the loader reports it */
    cost[t] += per_synapse;
    const uint32_t v = src_vertex[srow[k]];
    if (v == UINT32_MAX) continue; /* external drive: no traffic between ranks */
    synapses++;
    st = cz_pairs_add(&s->pairs, v, t); /* the target second: it changes least often */
  }
  s->synapses += synapses;
  s->st = st;
}

/* The group of every gid: its vertex divided by group (UINT32_MAX for a virtual node). */
static cz_status vertices_of_gids(const uint32_t *vtx_of_gid, const size_t *pop_offset, size_t npops, uint32_t group,
                                  uint32_t **out) {
  const size_t ngid = pop_offset[npops];
  CZ_NEW(*out, ngid + 1);
  for (size_t g = 0; g < ngid; g++) (*out)[g] = vtx_of_gid[g] == UINT32_MAX ? UINT32_MAX : vtx_of_gid[g] / group;
  return CZ_OK;
}

/* The first vertex row of each rank's keys (row_lo[size] = nvtx): rows [row_lo[r],
 * row_lo[r + 1]) hold about 1/size of the cells a < b of the pair matrix, so that ranks take
 * equal shares of a graph whose pairs spread evenly (equal key spans would give rank 0, whose
 * rows are the longest, twice the mean). */
static void key_rows(uint64_t nvtx, int size, uint64_t *row_lo) {
  const double n = (double)nvtx, total = n * (n - 1) / 2;
  uint64_t a = 0;
  for (int r = 0; r < size; r++) {
    const double want = total * r / size; /* cells in rows below a: a n - a (a + 1) / 2 */
    while (a < nvtx && (double)a * n - (double)a * ((double)a + 1) / 2 < want) a++;
    row_lo[r] = a;
  }
  row_lo[size] = nvtx;
}

/* Every pair key goes to the rank owning its key range; each rank then holds every count of
 * its keys and folds them, so each pair appears on one rank only. Collective. */
static cz_status reduce_by_key_range(cz_pair_counts *p) {
  const int size = cz_comm_size();
  if (size == 1) return CZ_OK;
  size_t *counts = NULL;
  uint64_t *row_lo = NULL;
  CZ_NEW(counts, (size_t)size);
  cz_status st = (row_lo = cz_calloc((size_t)size + 1, sizeof *row_lo)) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) key_rows(p->nvtx, size, row_lo);
  for (size_t k = 0, r = 0; st == CZ_OK && k < p->n; k++) { /* keys ascend: runs per rank */
    const uint64_t row = (uint64_t)p->rec[2 * k] / p->nvtx;
    while (row >= row_lo[r + 1]) r++;
    counts[r]++;
  }
  free(row_lo);
  int64_t *recv = NULL;
  size_t nrecv = 0;
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_alltoall_records(p->rec, counts, 2, &recv, &nrecv);
  cz_pair_counts mine;
  if (st == CZ_OK) st = cz_pairs_init(&mine, p->nvtx, 1);
  if (st == CZ_OK) {
    st = cz_pairs_add_records(&mine, recv, nrecv);
    cz_pairs_free(p);
    *p = mine;
  }
  free(recv);
  free(counts);
  return st;
}

/* Factor that brings total under WEIGHT_TOTAL_MAX (1 when it already is). */
static uint64_t scale_for(uint64_t total) { return total <= WEIGHT_TOTAL_MAX ? 1 : (total + WEIGHT_TOTAL_MAX - 1) / WEIGHT_TOTAL_MAX; }

static int32_t scaled(uint64_t w, uint64_t scale) {
  const uint64_t s = w / scale;
  return (int32_t)(s == 0 ? 1 : s > INT32_MAX ? INT32_MAX : s);
}

/* Rank 0: the cz_graph of the gathered pair records (ascending keys) and vertex costs. */
static cz_status build_graph(uint32_t ngroups, const int64_t *rec, size_t n, const uint64_t *cost,
                             cz_part_graph *out) {
  uint64_t etotal = 0, vtotal = 0;
  for (size_t k = 0; k < n; k++) etotal += 2 * (uint64_t)rec[2 * k + 1]; /* METIS counts both ends */
  for (uint32_t v = 0; v < ngroups; v++) vtotal += cost[v];
  const uint64_t escale = scale_for(etotal), vscale = scale_for(vtotal);
  uint32_t *a = cz_calloc(n ? n : 1, sizeof *a), *b = cz_calloc(n ? n : 1, sizeof *b);
  int32_t *w = cz_calloc(n ? n : 1, sizeof *w), *vw = cz_calloc(ngroups ? ngroups : 1, sizeof *vw);
  cz_status st = a && b && w && vw ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "partition: out of memory for %zu vertex pairs", n);
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    const uint64_t key = (uint64_t)rec[2 * k];
    a[k] = (uint32_t)(key / ngroups);
    b[k] = (uint32_t)(key % ngroups);
    w[k] = scaled((uint64_t)rec[2 * k + 1], escale);
  }
  for (uint32_t v = 0; st == CZ_OK && v < ngroups; v++) vw[v] = scaled(cost[v], vscale);
  if (st == CZ_OK) st = cz_graph_from_pairs(ngroups, n, a, b, w, vw, &out->graph);
  out->edge_scale = escale;
  free(a);
  free(b);
  free(w);
  free(vw);
  return st;
}

/* Counts this rank's share of the synapses into s (pairs flushed). Collective. */
static cz_status scan_share(const cz_circuit *c, const cz_config *cfg, scan_ctx *s) {
  cz_edge_scan scan = {cz_comm_rank(), cz_comm_size(), cz_comm_native(), cz_comm_agree, count_synapses, s};
  cz_status st = cz_circuit_scan_edges(c, cfg, &scan);
  if (st == CZ_OK) st = s->st;
  if (st == CZ_OK) st = cz_pairs_flush(&s->pairs);
  return cz_comm_agree(st);
}

static cz_status build_collective(const cz_circuit *c, const cz_config *cfg, uint32_t nvtx, const uint32_t *vtx_cost,
                                  uint32_t group, uint32_t ngroups, scan_ctx *s, cz_part_graph *out) {
  double t0 = cz_now();
  CZ_TRY(scan_share(c, cfg, s));
  CZ_TRY(cz_comm_agree(reduce_by_key_range(&s->pairs)));
  int64_t *all = NULL;
  size_t nall = 0;
  cz_status st = cz_comm_gather_records(s->pairs.rec, s->pairs.n, 2, &all, &nall);
  cz_pairs_free(&s->pairs); /* reinitialised empty: safe to free again */
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64_array(s->cost, ngroups);
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64(&s->synapses);
  if (st == CZ_OK && cz_comm_rank() == 0) {
    for (uint32_t v = 0; v < nvtx; v++) s->cost[v / group] += vtx_cost ? vtx_cost[v] : 1; /* each neuron's own */
    st = build_graph(ngroups, all, nall, s->cost, out);
    if (st == CZ_OK) {
      cz_log_info("Partition graph: %u vertices of %u neurons, %zu connected pairs, built in %.2f s", ngroups,
                  group, nall, cz_now() - t0);
      out->cost = s->cost;
      s->cost = NULL;
    }
  }
  free(all);
  return cz_comm_agree(st);
}

cz_status cz_part_graph_build(const cz_circuit *c, const cz_config *cfg, const uint32_t *vtx_of_gid,
                              const size_t *pop_offset, uint32_t nvtx, const uint32_t *vtx_cost, uint32_t per_synapse,
                              int nparts, uint64_t pair_budget, cz_part_graph *out) {
  memset(out, 0, sizeof *out);
  uint64_t edges = 0;
  cz_status st = cz_comm_agree(cz_circuit_count_edges(cfg, &edges));
  CZ_TRY(st);
  if (pair_budget == 0) {
    pair_budget = edges / (16 * (uint64_t)nparts);
    if (pair_budget < CZ_PART_GRAPH_MIN_PAIRS) pair_budget = CZ_PART_GRAPH_MIN_PAIRS;
  }
  const uint32_t group = cz_part_graph_group_size(nvtx, edges, nparts, pair_budget);
  const uint32_t ngroups = nvtx ? (nvtx + group - 1) / group : 0;
  uint32_t *vertex_of_gid = NULL;
  st = vertices_of_gids(vtx_of_gid, pop_offset, c->nnodes, group, &vertex_of_gid);
  scan_ctx s = {vertex_of_gid, pop_offset, NULL, per_synapse, {0}, 0, CZ_OK};
  if (st == CZ_OK && !(s.cost = cz_calloc(ngroups ? ngroups : 1, sizeof *s.cost)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "partition: out of memory");
  const size_t buffer = edges / (uint64_t)cz_comm_size() + 1 < PAIR_BUFFER ? edges / (uint64_t)cz_comm_size() + 1 : PAIR_BUFFER;
  if (st == CZ_OK)
    st = (uint64_t)ngroups * ngroups <= DENSE_PAIRS_MAX ? cz_pairs_init_dense(&s.pairs, ngroups)
                                                         : cz_pairs_init(&s.pairs, ngroups, buffer);
  st = cz_comm_agree(st);
  out->group = group;
  if (st == CZ_OK) st = build_collective(c, cfg, nvtx, vtx_cost, group, ngroups, &s, out);
  out->synapses = s.synapses;
  cz_pairs_free(&s.pairs);
  free(s.cost);
  free(vertex_of_gid);
  if (st != CZ_OK) cz_part_graph_free(out);
  return st;
}

void cz_part_graph_free(cz_part_graph *g) {
  cz_graph_destroy(&g->graph);
  free(g->cost);
  g->cost = NULL;
}
