/* The neurons of a rank's network: which nodes are local, their model kinds and groups (nids),
 * their parameters, and the spike archives of neurons with stdp synapses onto them. Internal
 * to the network build (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_NETWORK_NEURONS_H
#define CZ_POINTNET_NETWORK_NEURONS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "pointnet/network.h"

/* Kind of every circuit model reference; kinds[m] for circuit->models[m]. */
cz_status cz_net_resolve_kinds(const cz_circuit *c, const cz_model_kind ***out);

/* Whether node i of population p is a neuron of this rank. */
bool cz_net_is_local(const cz_network *net, const cz_placement *placement, const cz_circuit *c, size_t p, size_t i,
                     size_t *hint);

/* The nids: local neurons grouped by model kind (kinds[m] of each model reference), gids
 * ascending inside each group. */
cz_status cz_net_assign_groups(cz_network *net, const cz_circuit *c, const cz_model_kind **kinds,
                               const cz_placement *placement);

/* Each group's model state with every neuron's parameters. */
cz_status cz_net_set_neuron_params(cz_network *net, const cz_circuit *c, int nthreads);

/* Spike archives for the neurons with stdp synapses onto them (stdp_in[nid] of them), with
 * the neuron's tau_minus (NEST's default 20 ms). */
cz_status cz_net_create_archives(cz_network *net, const cz_circuit *c, const uint32_t *stdp_in);

/* The ports of local neuron nid (0 for kinds without receptor ports). */
int cz_net_ports_of(const cz_network *net, uint32_t nid);

#endif
