/* The node graph that partitioners work on, in compressed sparse row (CSR) form.
 *
 * One vertex per node (numbered 0 .. nvtx-1, in gid order) and one undirected edge per
 * connected pair of distinct nodes. A partitioner cares about how much traffic crosses
 * ranks, not about direction, so every synapse a->b and b->a between the same pair adds 1
 * to that pair's edge weight; self loops (autapses) never cross ranks and are dropped.
 *
 * Layout (the one METIS reads): the neighbours of v are adjncy[xadj[v] .. xadj[v+1]),
 * sorted ascending, with the matching weights in adjwgt. Each undirected edge appears twice,
 * once in each endpoint's list, with the same weight, so xadj[nvtx] is twice the number of
 * edges. */
#ifndef CZ_PARTITION_GRAPH_H
#define CZ_PARTITION_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_graph {
  uint32_t nvtx;    /* number of vertices */
  uint64_t *xadj;   /* [nvtx + 1], owned; row offsets into adjncy/adjwgt */
  uint32_t *adjncy; /* [xadj[nvtx]], owned; neighbours, ascending within a row, never v itself */
  int32_t *adjwgt;  /* [xadj[nvtx]], owned; synapses between the pair (both directions), >= 1 */
  int32_t *vwgt;    /* [nvtx], owned; vertex weights (all 1 when none were given), >= 0 */
} cz_graph;

/* Builds the undirected graph of nedges directed edges src[e] -> dst[e] over nvtx vertices.
 * Self loops are dropped; edges joining the same pair (in either direction) merge into one
 * edge whose weight counts them. vwgt (borrowed, [nvtx], may be NULL for unit weights) is
 * copied; its entries must be >= 0. src and dst are borrowed and may be NULL when nedges is 0.
 *
 * Errors: an endpoint >= nvtx is CZ_ERR_FORMAT; a negative vertex weight is CZ_ERR_INTERNAL;
 * a graph too large for METIS's 32-bit indices (see cz_graph_check_idx32) or a pair joined by
 * more than INT32_MAX synapses is CZ_ERR_CONFIG.
 * Memory: about 8 bytes per directed edge of scratch on top of the result.
 * Owned (*out, free with cz_graph_destroy; NULL on failure). Local. Thread-safe. */
cz_status cz_graph_from_edges(uint32_t nvtx, size_t nedges, const uint32_t *src, const uint32_t *dst,
                              const int32_t *vwgt, cz_graph **out);

/* Builds the graph from n distinct undirected pairs: pair k joins a[k] < b[k] with weight
 * w[k] (> 0, at most INT32_MAX), pairs sorted by (a, b) ascending. vwgt as for
 * cz_graph_from_edges. Out-of-order, repeated or out-of-range pairs are CZ_ERR_INTERNAL.
 * Owned (*out). Local. Thread-safe. */
cz_status cz_graph_from_pairs(uint32_t nvtx, size_t n, const uint32_t *a, const uint32_t *b, const int32_t *w,
                              const int32_t *vwgt, cz_graph **out);

/* Frees *g (taken) and sets *g = NULL. Accepts NULL and *g == NULL. Local. */
void cz_graph_destroy(cz_graph **g);

/* Number of undirected edges (half the adjacency length). Local. Thread-safe. */
uint64_t cz_graph_nedges(const cz_graph *g);

/* Checks that nvtx vertices and nadj adjacency entries (twice the edge count) fit the signed
 * 32-bit indices METIS is built with on Debian (metis.h: IDXTYPEWIDTH 32). Anything larger
 * is CZ_ERR_CONFIG with a message that suggests the round-robin or block partitioners.
 * Local. Thread-safe. */
cz_status cz_graph_check_idx32(uint64_t nvtx, uint64_t nadj);

#endif
