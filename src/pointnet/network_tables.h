/* A rank's synapse tables before the fill: what the passes look up per target neuron, the
 * count pass (pass 2: synapses per thread and source slot) and each thread's tables allocated
 * from those counts with their source indexes. Internal to the network build
 * (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_NETWORK_TABLES_H
#define CZ_POINTNET_NETWORK_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "pointnet/network.h"
#include "pointnet/network_passes.h"

/* A target no synapse has (targets are below N * nch < UINT32_MAX, packed ones below
 * CZ_TGT_MASK with a delay): the slots of a sparse index's table not yet filled hold it. */
#define CZ_NET_UNFILLED UINT32_MAX

/* Per target neuron: the thread that owns it, whether its model splits weights by sign into
 * two channels, and its receptor ports (0: none; channel = receptor_type - 1). Looked up once
 * per edge in the passes below. */
typedef struct cz_net_target_info {
  uint16_t *owner;
  uint8_t *split;
  uint8_t *ports;
  int *receptor; /* [nsyn_models] */
} cz_net_target_info;

/* Each thread's static table (net->syn) from its counts per source slot (counts[t], taken and
 * freed when the index is sparse: the fill of a sparse table needs no counts). */
cz_status cz_net_alloc_thread_synapses(cz_network *net, uint32_t **counts);

/* Each thread's plastic table (net->plastic), as cz_net_alloc_thread_synapses. */
cz_status cz_net_alloc_thread_plastic(cz_network *net, uint32_t **counts);

/* Owned (ti, freed by cz_net_target_info_free). */
cz_status cz_net_target_info_build(const cz_network *net, const cz_circuit *c, cz_net_target_info *ti);

void cz_net_target_info_free(cz_net_target_info *ti);

/* Per-thread (thread, source slot) count tables: [nthreads][nslot]. */
uint32_t **cz_net_alloc_counts(const cz_network *net);

void cz_net_free_counts(const cz_network *net, uint32_t **counts);

/* Pass 2: synapses per (thread, source slot); each thread counts into its own table. */
cz_status cz_net_pass_count(cz_network *net, cz_net_edge_source *src, const cz_net_target_info *ti, uint32_t **counts,
                            uint32_t **pcounts);

#endif
