/* Placement: which rank simulates each node.
 *
 * Only neurons are placed; virtual nodes are not simulated anywhere (every rank reads their
 * spike trains and delivers them to its own neurons). Neurons are numbered in gid order. METIS
 * cuts the graph of recurrent synapses (core/part_graph.h: built by all ranks from their
 * shares of the edge files, its vertices groups of consecutive neurons once the network is
 * large) into one part per rank, weighing each vertex by its cost and each edge by the
 * synapses it stands for. round-robin and block need no graph. Rank 0 computes the placement
 * and broadcasts it, so every rank holds the same map whatever the partitioner does on other
 * machines; the map is core/placement_map.h's, sized by the placement's structure (runs for
 * block and round-robin), so that what every rank keeps does not grow with the network.
 * Results never depend on the placement, only speed does (core/epoch.h).
 *
 * Memory while placing, on rank 0 only unless said: the parts of the neurons (4 bytes a
 * neuron) and the engine's costs (4 bytes a neuron, when it gives any); with METIS, on every
 * rank, a vertex number per gid (4 bytes a gid) and the graph (core/part_graph.h). All are
 * freed before the map is broadcast.
 *
 * Cost. What a node costs to simulate is the engine's judgement, not the core's: the engine
 * passes a cz_place_cost, a cost for each neuron itself plus a cost per afferent synapse.
 * METIS weighs a vertex by the sum over its neurons, the synapses counted while the graph is
 * built. Block and round-robin read no edges, so they balance the neurons' own costs only
 * (partition/round_robin.h); equal costs give the plain equal-count blocks and deal. */
#ifndef CZ_CORE_PLACEMENT_H
#define CZ_CORE_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "core/placement_map.h"
#include "partition/partition.h"

/* The cost of a neuron: node(ctx, population, row) for the neuron itself (NULL: 1 each;
 * called on rank 0 only, for neurons only, never for virtual nodes), plus per_synapse for
 * each of its afferent synapses, virtual sources included. Costs are relative: only their
 * ratios matter. */
typedef struct cz_place_cost {
  uint32_t (*node)(const void *ctx, uint32_t pop, uint32_t row);
  const void *ctx; /* borrowed */
  uint32_t per_synapse;
} cz_place_cost;

/* The placement (owned, *out; cz_placement_free): the rank of every neuron, CZ_NO_RANK for
 * virtual nodes, by gid (populations in load order). c holds the nodes only (and still does
 * afterwards). cost (borrowed) is the engine's. pair_budget: the METIS graph's pair budget
 * (part_graph.h; 0: its default). Logs the partition's quality on rank 0. Collective. */
cz_status cz_place_nodes(cz_circuit *c, const cz_config *cfg, int nranks, cz_partition_method method, uint64_t seed,
                         const cz_place_cost *cost, uint64_t pair_budget, cz_placement *out);

/* The placement a partition file gives (io/partition_file.h) for c on nranks ranks. Errors
 * name the file. Owned (*out). Local: every rank reads the file. */
cz_status cz_place_from_file(const char *path, const cz_circuit *c, uint32_t nranks, cz_placement *out);

/* The edge filter of this rank: edges onto its own neurons, and on rank 0 also edges onto
 * virtual nodes (so that one rank reports them as errors). ctx is a cz_place_filter_ctx. */
typedef struct cz_place_filter_ctx {
  const cz_placement *placement;
  const size_t *pop_offset; /* [npops + 1] */
  uint32_t rank;
} cz_place_filter_ctx;
bool cz_place_keep_edge(const void *ctx, uint32_t source_pop, uint32_t source_row, uint32_t target_pop,
                        uint32_t target_row);
/* The same decision from the target alone (it never depends on the source). */
bool cz_place_keep_target(const void *ctx, uint32_t target_pop, uint32_t target_row);

#endif
