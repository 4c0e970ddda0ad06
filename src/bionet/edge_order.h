/* The order in which a thread's cells get their synapses, BMTK's (bionet-spec.md §5.4): it is
 * the order of the draws of each cell's placement RNG, so random placement puts the synapses
 * where BMTK puts them only in this order.
 *
 * Populations: (1) every edge population whose source population is not purely virtual, in
 * the order the circuit loaded them (networks.edges, then HDF5 order), its edges from virtual
 * nodes left out; (2) then, for each enabled spike input in `inputs` order and each node
 * population its node set selects (load order), every edge population whose purely virtual
 * source is that population, once. Edge populations from virtual nodes that no spike input
 * drives are not connected, as BMTK never connects them. Replay inputs (bionet/replay.h) take
 * their place in (2) with the populations of their own edges files. (3) Last, the populations
 * of the ecephys_probe inputs (core/stimulus/ecephys.h), in `inputs` order among themselves:
 * BMTK connects them at run start, after every other input. Within a population a
 * target's edges
 * come in the order loaded (ascending rows of its file, or of its target index).
 *
 * The plan holds, per population, the edges of each target unit of the thread (its detailed
 * cells 0 .. ncells - 1, then its artificial cells) in that order (CSR). */
#ifndef CZ_BIONET_EDGE_ORDER_H
#define CZ_BIONET_EDGE_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_edge_plan {
  size_t npops;
  uint32_t *pop;  /* [npops] indices into c->edges, in draw order */
  size_t nunits;  /* detailed cells, then artificial cells */
  size_t **off;   /* [npops][nunits + 1] */
  size_t **edges; /* [npops][off[p][nunits]] edge indices of each unit */
} cz_edge_plan;

/* Which input an edge population belongs to: CZ_EDGES_NETWORK (networks.edges), the index in
 * cfg->inputs of the replay whose file it came from, or CZ_EDGES_UNUSED. */
enum { CZ_EDGES_NETWORK = -1, CZ_EDGES_UNUSED = -2 };

/* The plan of the loaded edges onto this thread's units: unit_of_gid[gid] is the unit a target
 * gid is on this thread, or SIZE_MAX; input_of_pop [c->nedges] (NULL: all network). Owned
 * (cz_edge_plan_free). Local. */
cz_status cz_edge_plan_build(const cz_config *cfg, const cz_circuit *c, const size_t *pop_offset,
                             const size_t *unit_of_gid, size_t nunits, const int *input_of_pop, cz_edge_plan *out);
void cz_edge_plan_free(cz_edge_plan *p);

#endif
