/* Choosing a partitioner and judging a partition.
 *
 * A partition maps every vertex of a cz_graph (one per node, in gid order) to a part in
 * [0, nparts); the engine runs one part per MPI rank. */
#ifndef CZ_PARTITION_PARTITION_H
#define CZ_PARTITION_PARTITION_H

#include <stdint.h>

#include "base/status.h"
#include "partition/graph.h"

typedef enum cz_partition_method {
  CZ_PARTITION_METIS = 0,    /* "metis": METIS k-way, minimises cut synapses (cz_part_metis) */
  CZ_PARTITION_ROUND_ROBIN,  /* "round-robin": vertex i to part i % nparts (cz_part_round_robin) */
  CZ_PARTITION_BLOCK         /* "block": contiguous runs of vertices (cz_part_block) */
} cz_partition_method;

/* Parses a method name: "metis", "round-robin" (also "round_robin") or "block", exactly and
 * case-sensitively. Any other text (or NULL) is CZ_ERR_ARG naming the accepted values; a
 * caller reading it from a config file may re-code that as CZ_ERR_CONFIG. Local.
 * Thread-safe. */
cz_status cz_partition_parse(const char *text, cz_partition_method *out);

/* Canonical name of a method ("metis", "round-robin", "block"; "?" when out of range),
 * borrowed (static). Local. Thread-safe. */
const char *cz_partition_method_name(cz_partition_method m);

/* How good a partition is. Weights are those of the graph: edge weight = synapses between a
 * pair, vertex weight = the node's cost. */
typedef struct cz_part_quality {
  uint64_t edge_cut;      /* sum of the weights of edges whose two ends are in different parts */
  uint64_t edge_total;    /* sum of the weights of all edges (each undirected edge once) */
  double local_fraction;  /* (edge_total - edge_cut) / edge_total: share of synapses that stay
                           * within a part; 1 when there are no edges */
  uint64_t vwgt_total;    /* sum of all vertex weights */
  uint64_t vwgt_max;      /* largest total vertex weight of one part */
  double imbalance;       /* vwgt_max / (vwgt_total / nparts): 1 is perfect balance; 1 when
                           * vwgt_total is 0 */
} cz_part_quality;

/* Fills *q for the partition part (borrowed, [g->nvtx], entries in [0, nparts)) of g
 * (borrowed). A part id out of range or nparts < 1 is CZ_ERR_INTERNAL. Local. Thread-safe. */
cz_status cz_partition_quality(const cz_graph *g, const uint32_t *part, int nparts, cz_part_quality *q);

#endif
