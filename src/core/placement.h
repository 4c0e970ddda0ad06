/* Placement: which rank simulates each node.
 *
 * Only neurons are placed; virtual nodes are not simulated anywhere (every rank reads their
 * spike trains and delivers them to its own neurons). Neurons are numbered in gid order. METIS
 * cuts the graph of recurrent synapses (core/part_graph.h: built by all ranks from their
 * shares of the edge files, its vertices groups of consecutive neurons once the network is
 * large) into one part per rank, weighing each vertex by its cost (one update per neuron plus
 * the afferent synapses) and each edge by the synapses it stands for. round-robin and block
 * need no graph. Rank 0 computes the placement and broadcasts it, so every rank holds the
 * same map whatever the partitioner does on other machines. Results never depend on the
 * placement (sim.h), only speed does. */
#ifndef CZ_CORE_PLACEMENT_H
#define CZ_CORE_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "partition/partition.h"

#define CZ_NO_RANK UINT32_MAX

/* rank_of_gid (owned, [number of nodes]): the rank of every neuron, CZ_NO_RANK for virtual
 * nodes. c holds the nodes only (and still does afterwards). pair_budget: the METIS graph's
 * pair budget (part_graph.h; 0: its default). Logs the partition's quality on rank 0.
 * Collective. */
cz_status cz_place_nodes(cz_circuit *c, const cz_config *cfg, int nranks, cz_partition_method method, uint64_t seed,
                         uint64_t pair_budget, uint32_t **rank_of_gid);

/* The edge filter of this rank: edges onto its own neurons, and on rank 0 also edges onto
 * virtual nodes (so that one rank reports them as errors). ctx is a cz_place_filter_ctx. */
typedef struct cz_place_filter_ctx {
  const uint32_t *rank_of_gid;
  const size_t *pop_offset; /* [npops + 1] */
  uint32_t rank;
} cz_place_filter_ctx;
bool cz_place_keep_edge(const void *ctx, uint32_t source_pop, uint32_t source_row, uint32_t target_pop,
                        uint32_t target_row);
/* The same decision from the target alone (it never depends on the source). */
bool cz_place_keep_target(const void *ctx, uint32_t target_pop, uint32_t target_row);

#endif
