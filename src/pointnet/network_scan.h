/* Pass 1 of the network build: validation, in-degrees, delays, weights and the sources of the
 * edges; then thread ranges (before the pass when it runs threaded), the source table and spike
 * archives. Internal to the network build (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_NETWORK_SCAN_H
#define CZ_POINTNET_NETWORK_SCAN_H

#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"
#include "pointnet/network_passes.h"
#include "pointnet/weight_plan.h"

/* Pass 1 over src's edges into net, adding their weights to wp; when the scan counts them
 * itself (a threaded scan, while the counts stay small), the synapses per (thread, source slot)
 * in *counts and *pcounts (owned, freed by cz_net_free_counts), else NULL. */
cz_status cz_net_pass_scan(cz_network *net, cz_net_edge_source *src, cz_weight_plan *wp, uint32_t ***counts,
                           uint32_t ***pcounts);

#endif
