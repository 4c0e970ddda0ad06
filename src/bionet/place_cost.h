/* What a node of a BioNet folder costs to simulate, for placement (core/placement.h): a
 * detailed cell its compartments (segments, and the root and end nodes of its sections: the
 * cable rows of each step, with their mechanisms), an artificial cell 1, each afferent synapse
 * 1 (an Exp2Syn's current and decay are about a compartment's cable work and far less than its
 * channels). Compartments are counted as the build cuts the cell (morphology, axon processing,
 * run.dL), once per distinct morphology, processing and template; a cell whose files do not
 * read costs as 100 compartments and is reported by the build. */
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
