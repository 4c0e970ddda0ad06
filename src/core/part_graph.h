/* The partition graph, built by all ranks together from their shares of the edge files.
 *
 * Every rank scans its slice of every edge population (cz_circuit_scan_edges: collective
 * parallel HDF5 reads) and counts, for each recurrent synapse, the pair of vertices it joins
 * (partition/pair_counts.h). The per-rank counts are reduced by key range (each pair key
 * belongs to one rank; the record all-to-all of comm/comm.h), and the reduced lists, which
 * hold each pair once, are gathered on rank 0, which alone builds the cz_graph for METIS. No
 * rank ever holds the synapse list; memory follows the number of distinct vertex pairs.
 *
 * Vertices. A vertex is a group of `group` consecutive neurons in gid order. group is 1 (the
 * node graph itself) while the network has no more edges than the pair budget; past that,
 * groups grow until C groups (at most C (C - 1) / 2 pairs) fit the budget, but never below
 * 64 groups per part, so that parts can still balance within a few percent. Any partition of
 * the grouped graph keeps groups whole, so its cut is exactly the node graph's cut: the
 * synapses inside a group never cross ranks. Vertex weight: the engine's cost of each of its
 * neurons (core/placement.h) plus per_synapse for each afferent synapse (virtual sources
 * included); edge weight: synapses between the two groups, both directions. Weights are
 * scaled down, never to 0, when their totals would not fit METIS's 32-bit sums. */
#ifndef CZ_CORE_PART_GRAPH_H
#define CZ_CORE_PART_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"
#include "partition/graph.h"

/* Default pair budget: distinct vertex pairs the rank-0 graph may hold (about 100 bytes
 * each while METIS runs), unless the network's edges per part allow more. */
#define CZ_PART_GRAPH_MIN_PAIRS ((uint64_t)1 << 20)

typedef struct cz_part_graph {
  cz_graph *graph;        /* rank 0: the grouped graph (scaled weights); NULL elsewhere */
  uint32_t group;         /* neurons per vertex (the last vertex may hold fewer) */
  uint64_t synapses;      /* recurrent synapses (neuron to neuron, autapses included) */
  uint64_t edge_scale;    /* each graph edge weight counts this many synapses (1 unless scaled) */
  uint64_t *cost;         /* rank 0: [graph->nvtx] unscaled vertex weights; NULL elsewhere */
} cz_part_graph;

/* Builds the graph of the nvtx neurons numbered by vtx_of_gid (UINT32_MAX for virtual nodes;
 * gids from pop_offset) for nparts parts. vtx_cost (borrowed, [nvtx], read on rank 0 only;
 * NULL: 1 each) is each neuron's own cost, per_synapse the cost of each afferent synapse.
 * pair_budget 0 takes the default: the larger of CZ_PART_GRAPH_MIN_PAIRS and
 * edges / (16 nparts). Collective (every rank calls it with the same arguments but vtx_cost);
 * failures on any rank fail every rank. */
cz_status cz_part_graph_build(const cz_circuit *c, const cz_config *cfg, const uint32_t *vtx_of_gid,
                              const size_t *pop_offset, uint32_t nvtx, const uint32_t *vtx_cost, uint32_t per_synapse,
                              int nparts, uint64_t pair_budget, cz_part_graph *out);
void cz_part_graph_free(cz_part_graph *g);

/* Neurons per vertex for nvtx neurons, `edges` edges, nparts parts and a pair budget (see
 * above). Local. */
uint32_t cz_part_graph_group_size(uint32_t nvtx, uint64_t edges, int nparts, uint64_t pair_budget);

#endif
