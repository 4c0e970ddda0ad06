/* What a node of a BioNet folder costs to simulate, for placement (core/placement.h), in
 * quarters of a cable node's step: a detailed cell 4 per cable node (segments, and the root and
 * end nodes of its sections) plus each mechanism instance its measured step in cable nodes
 * (place_cost.c: NaTs about 7.6 nodes, NaV 86), an artificial cell 1, each afferent synapse 4
 * (an Exp2Syn's current and decay take about 0.8 of a node's step, and its events come on top:
 * on the generated network a synapse weighs about 1.4 nodes in the shares' measured times).
 * Cells are counted as
 * the build cuts them (morphology, axon processing, run.dL, the recipe's sections), once per
 * distinct morphology, processing, template and dynamics file; a cell whose files do not read
 * costs as 100 nodes and is reported by the build. */
#ifndef CZ_BIONET_PLACE_COST_H
#define CZ_BIONET_PLACE_COST_H

#include "base/status.h"
#include "core/placement.h"
#include "io/circuit.h"
#include "io/config.h"

/* The cost of cfg's nodes (c borrowed, and cfg, while the cost lives). Owned (*out;
 * cz_bionet_place_cost_free). Local; the counts are made when the placement asks for them. */
cz_status cz_bionet_place_cost_create(const cz_config *cfg, const cz_circuit *c, cz_place_cost **out);
void cz_bionet_place_cost_free(cz_place_cost **cost);

#endif
