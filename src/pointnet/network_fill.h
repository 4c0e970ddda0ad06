/* Pass 3 of the network build: every synapse written into its thread's tables, at its source's
 * next place, in edge order; then each table in delay order (delay_order.h). Internal to the
 * network build (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_NETWORK_FILL_H
#define CZ_POINTNET_NETWORK_FILL_H

#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"
#include "pointnet/network_passes.h"
#include "pointnet/network_tables.h"
#include "pointnet/weight_plan.h"

/* Pass 3: the tables, each thread filling its own, then putting its own in delay order;
 * counts and pcounts (the count pass's, borrowed) become the places taken in dense tables. */
cz_status cz_net_pass_fill(cz_network *net, cz_net_edge_source *src, const cz_net_target_info *ti,
                           const cz_weight_plan *wp, uint32_t **counts, uint32_t **pcounts);

#endif
