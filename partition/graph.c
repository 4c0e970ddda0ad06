#include "partition/graph.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* How the build works, in linear time and without a hash table:
 *  1. scatter: every non-loop edge {a,b} becomes two half-edges, b in row a and a in row b
 *     (a counting sort by row; within a row the order is the input order);
 *  2. transpose: walking rows r in ascending order and appending r to row c for each c in
 *     row r leaves every row sorted, because the half-edges are symmetric;
 *  3. compress: runs of equal neighbours in a sorted row become one entry whose weight is
 *     the run length. */

/* Rows of half-edges: the other endpoints of row v are col[off[v] .. off[v+1]). */
typedef struct half_edges {
  uint64_t *off; /* [nvtx + 1], owned */
  uint32_t *col; /* [off[nvtx]], owned */
  uint32_t *sorted; /* [off[nvtx]], owned; rows of col, each sorted ascending */
} half_edges;

static void half_edges_free(half_edges *h) {
  free(h->off);
  free(h->col);
  free(h->sorted);
  memset(h, 0, sizeof *h);
}

uint64_t cz_graph_nedges(const cz_graph *g) { return g->xadj[g->nvtx] / 2; }

cz_status cz_graph_check_idx32(uint64_t nvtx, uint64_t nadj) {
  CZ_CHECK(nvtx <= INT32_MAX, CZ_ERR_CONFIG,
           "partition: %" PRIu64 " nodes do not fit METIS's 32-bit indices (at most %" PRId32
           "); use the round-robin or block partitioner",
           nvtx, INT32_MAX);
  CZ_CHECK(nadj <= INT32_MAX, CZ_ERR_CONFIG,
           "partition: the node graph has %" PRIu64 " adjacency entries (twice its %" PRIu64
           " connected pairs), more than METIS's 32-bit indices hold (%" PRId32
           "); use the round-robin or block partitioner",
           nadj, nadj / 2, INT32_MAX);
  return CZ_OK;
}

static cz_status check_input(uint32_t nvtx, size_t nedges, const uint32_t *src, const uint32_t *dst,
                             const int32_t *vwgt) {
  CZ_CHECK(nedges == 0 || (src && dst), CZ_ERR_INTERNAL, "graph: %zu edges but no source or target array", nedges);
  CZ_CHECK(nedges <= SIZE_MAX / 2, CZ_ERR_NOMEM, "graph: %zu edges overflow the size type", nedges);
  for (size_t e = 0; e < nedges; e++)
    CZ_CHECK(src[e] < nvtx && dst[e] < nvtx, CZ_ERR_FORMAT,
             "graph: edge %zu joins nodes %" PRIu32 " and %" PRIu32 ", but there are only %" PRIu32 " nodes", e,
             src[e], dst[e], nvtx);
  for (uint32_t v = 0; vwgt && v < nvtx; v++)
    CZ_CHECK(vwgt[v] >= 0, CZ_ERR_INTERNAL, "graph: node %" PRIu32 " has negative weight %" PRId32, v, vwgt[v]);
  return CZ_OK;
}

/* Step 1: the half-edges of all non-loop edges, grouped by row (h->off, h->col). */
static cz_status scatter(uint32_t nvtx, size_t nedges, const uint32_t *src, const uint32_t *dst, half_edges *h) {
  CZ_NEW(h->off, (size_t)nvtx + 1);
  for (size_t e = 0; e < nedges; e++) {
    if (src[e] == dst[e]) continue;
    h->off[src[e] + 1]++;
    h->off[dst[e] + 1]++;
  }
  for (uint32_t v = 0; v < nvtx; v++) h->off[v + 1] += h->off[v];
  uint64_t *cur = NULL;
  CZ_NEW(cur, nvtx);
  memcpy(cur, h->off, (size_t)nvtx * sizeof *cur);
  h->col = cz_calloc((size_t)h->off[nvtx], sizeof *h->col);
  if (!h->col) {
    free(cur);
    return CZ_ERROR(CZ_ERR_NOMEM, "graph: out of memory for %" PRIu64 " half-edges", h->off[nvtx]);
  }
  for (size_t e = 0; e < nedges; e++) {
    if (src[e] == dst[e]) continue;
    h->col[cur[src[e]]++] = dst[e];
    h->col[cur[dst[e]]++] = src[e];
  }
  free(cur);
  return CZ_OK;
}

/* Step 2: h->sorted holds the rows of h->col, each sorted ascending. */
static cz_status transpose(uint32_t nvtx, half_edges *h) {
  uint64_t *cur = NULL;
  CZ_NEW(cur, nvtx);
  memcpy(cur, h->off, (size_t)nvtx * sizeof *cur);
  h->sorted = cz_calloc((size_t)h->off[nvtx], sizeof *h->sorted);
  if (!h->sorted) {
    free(cur);
    return CZ_ERROR(CZ_ERR_NOMEM, "graph: out of memory for %" PRIu64 " half-edges", h->off[nvtx]);
  }
  for (uint32_t r = 0; r < nvtx; r++)
    for (uint64_t k = h->off[r]; k < h->off[r + 1]; k++) h->sorted[cur[h->col[k]]++] = r;
  free(cur);
  return CZ_OK;
}

/* Number of distinct values in the sorted row a[lo .. hi). */
static uint64_t count_distinct(const uint32_t *a, uint64_t lo, uint64_t hi) {
  uint64_t n = 0;
  for (uint64_t k = lo; k < hi; k++)
    if (k == lo || a[k] != a[k - 1]) n++;
  return n;
}

/* Writes row v of g from the sorted half-edges: one entry per run, weighted by its length. */
static cz_status compress_row(const half_edges *h, uint32_t v, cz_graph *g) {
  uint64_t out = g->xadj[v];
  uint64_t k = h->off[v];
  while (k < h->off[v + 1]) {
    uint64_t run = 1;
    while (k + run < h->off[v + 1] && h->sorted[k + run] == h->sorted[k]) run++;
    CZ_CHECK(run <= INT32_MAX, CZ_ERR_CONFIG,
             "partition: nodes %" PRIu32 " and %" PRIu32 " are joined by %" PRIu64
             " synapses, more than a 32-bit METIS edge weight holds",
             v, h->sorted[k], run);
    g->adjncy[out] = h->sorted[k];
    g->adjwgt[out] = (int32_t)run;
    out++;
    k += run;
  }
  return CZ_OK;
}

/* Step 3: g->xadj, g->adjncy and g->adjwgt from the sorted half-edges. */
static cz_status compress(const half_edges *h, cz_graph *g) {
  CZ_NEW(g->xadj, (size_t)g->nvtx + 1);
  for (uint32_t v = 0; v < g->nvtx; v++)
    g->xadj[v + 1] = g->xadj[v] + count_distinct(h->sorted, h->off[v], h->off[v + 1]);
  CZ_TRY(cz_graph_check_idx32(g->nvtx, g->xadj[g->nvtx]));
  CZ_NEW(g->adjncy, g->xadj[g->nvtx]);
  CZ_NEW(g->adjwgt, g->xadj[g->nvtx]);
  for (uint32_t v = 0; v < g->nvtx; v++) CZ_TRY(compress_row(h, v, g));
  return CZ_OK;
}

static cz_status copy_vwgt(const int32_t *vwgt, cz_graph *g) {
  CZ_NEW(g->vwgt, g->nvtx);
  for (uint32_t v = 0; v < g->nvtx; v++) g->vwgt[v] = vwgt ? vwgt[v] : 1;
  return CZ_OK;
}

static cz_status build(uint32_t nvtx, size_t nedges, const uint32_t *src, const uint32_t *dst, const int32_t *vwgt,
                       half_edges *h, cz_graph *g) {
  CZ_TRY(scatter(nvtx, nedges, src, dst, h));
  CZ_TRY(transpose(nvtx, h));
  free(h->col); /* no longer needed: lower the peak before allocating the result */
  h->col = NULL;
  CZ_TRY(compress(h, g));
  CZ_TRY(copy_vwgt(vwgt, g));
  return CZ_OK;
}

cz_status cz_graph_from_edges(uint32_t nvtx, size_t nedges, const uint32_t *src, const uint32_t *dst,
                              const int32_t *vwgt, cz_graph **out) {
  *out = NULL;
  CZ_TRY(check_input(nvtx, nedges, src, dst, vwgt));
  cz_graph *g = NULL;
  CZ_NEW(g, 1);
  g->nvtx = nvtx;
  half_edges h = {0};
  cz_status st = build(nvtx, nedges, src, dst, vwgt, &h, g);
  half_edges_free(&h);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_graph_destroy(&g);
    return st;
  }
  *out = g;
  return CZ_OK;
}

static cz_status check_pairs(uint32_t nvtx, size_t n, const uint32_t *a, const uint32_t *b, const int32_t *w) {
  for (size_t k = 0; k < n; k++) {
    CZ_CHECK(a[k] < b[k] && b[k] < nvtx && w[k] > 0, CZ_ERR_INTERNAL,
             "graph: pair %zu (%" PRIu32 ", %" PRIu32 ", weight %" PRId32 ") is not a pair of distinct vertices below %" PRIu32
             " with a positive weight",
             k, a[k], b[k], w[k], nvtx);
    CZ_CHECK(k == 0 || a[k] > a[k - 1] || (a[k] == a[k - 1] && b[k] > b[k - 1]), CZ_ERR_INTERNAL,
             "graph: pair %zu is out of order or repeated", k);
  }
  return CZ_OK;
}

/* Row v lists first the pairs where v is the larger end (their smaller ends ascend because the
 * pairs are sorted by a), then those where it is the smaller end (b ascends within a): every
 * row comes out sorted in two passes. */
static cz_status fill_from_pairs(size_t n, const uint32_t *a, const uint32_t *b, const int32_t *w, cz_graph *g) {
  CZ_NEW(g->xadj, (size_t)g->nvtx + 1);
  for (size_t k = 0; k < n; k++) {
    g->xadj[a[k] + 1]++;
    g->xadj[b[k] + 1]++;
  }
  for (uint32_t v = 0; v < g->nvtx; v++) g->xadj[v + 1] += g->xadj[v];
  CZ_TRY(cz_graph_check_idx32(g->nvtx, g->xadj[g->nvtx]));
  CZ_NEW(g->adjncy, g->xadj[g->nvtx]);
  CZ_NEW(g->adjwgt, g->xadj[g->nvtx]);
  uint64_t *cur = NULL;
  CZ_NEW(cur, (size_t)g->nvtx + 1);
  memcpy(cur, g->xadj, ((size_t)g->nvtx + 1) * sizeof *cur);
  for (size_t k = 0; k < n; k++) {
    g->adjncy[cur[b[k]]] = a[k];
    g->adjwgt[cur[b[k]]++] = w[k];
  }
  for (size_t k = 0; k < n; k++) {
    g->adjncy[cur[a[k]]] = b[k];
    g->adjwgt[cur[a[k]]++] = w[k];
  }
  free(cur);
  return CZ_OK;
}

cz_status cz_graph_from_pairs(uint32_t nvtx, size_t n, const uint32_t *a, const uint32_t *b, const int32_t *w,
                              const int32_t *vwgt, cz_graph **out) {
  *out = NULL;
  CZ_TRY(check_pairs(nvtx, n, a, b, w));
  CZ_TRY(check_input(nvtx, 0, NULL, NULL, vwgt));
  cz_graph *g = NULL;
  CZ_NEW(g, 1);
  g->nvtx = nvtx;
  cz_status st = fill_from_pairs(n, a, b, w, g);
  if (st == CZ_OK) st = copy_vwgt(vwgt, g);
  if (st != CZ_OK) {
    cz_graph_destroy(&g);
    return st;
  }
  *out = g;
  return CZ_OK;
}

void cz_graph_destroy(cz_graph **g) {
  if (!g || !*g) return;
  free((*g)->xadj);
  free((*g)->adjncy);
  free((*g)->adjwgt);
  free((*g)->vwgt);
  free(*g);
  *g = NULL;
}
