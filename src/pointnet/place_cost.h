/* What a point neuron costs to simulate, for placement (core/placement.h): one update per
 * step for the neuron, and one delivery per afferent synapse for each spike of its source.
 * Every point model counts alike: their updates differ by a small factor, while the
 * synapses, thousands per neuron in a cortical network, dominate. */
#ifndef CZ_POINTNET_PLACE_COST_H
#define CZ_POINTNET_PLACE_COST_H

#include "core/placement.h"

/* The point engine's cost: 1 per neuron plus 1 per afferent synapse. Borrowed (static). */
const cz_place_cost *cz_pointnet_place_cost(void);

#endif
