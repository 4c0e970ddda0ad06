/* The checks of the edges that need no placement: supported synapse models (resolved once per
 * model), weights the model accepts, delays of 1 to 65535 steps, receptors that are ports of
 * their targets, no edge onto a virtual node. The scan runs them on the edges it reads, and
 * cz_net_check_edges (network.h) on loaded edges. Internal to the network build
 * (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_NETWORK_CHECKS_H
#define CZ_POINTNET_NETWORK_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "pointnet/network.h"

/* The synapse models of the circuit, each resolved (rule, parameters, weight report) when an
 * edge first uses it. */
typedef struct cz_net_syn_table {
  cz_syn_params *params;
  int *rec;
  uint8_t *resolved;
  const cz_wrecs *wr;
  const cz_error_note *fail; /* [nsyn_models] when resolved ahead (cz_net_syn_resolve_all): why a model failed */
} cz_net_syn_table;

/* Whether synapse model sm's synapses go to the plastic tables (plastic, or recorded). */
static inline bool cz_net_is_plastic(const cz_network *net, uint32_t sm) {
  return net->syn_params[sm].rule != CZ_SYN_STATIC || net->syn_rec[sm] >= 0;
}

/* Whether edge i's delay is its type's (the edge types CSV), not one of its own in the edges
 * file: always when the population has no per-edge delays; otherwise when they are equal. */
bool cz_net_delay_of_type(const cz_edge_pop *ep, size_t i);

/* receptor_of for every synapse model, looked up once ([nsyn_models + 1]). */
cz_status cz_net_receptors_of(const cz_circuit *c, int **out);

/* A synapse's receptor must be a port of its target: 1..ports for port kinds, 0 otherwise. */
cz_status cz_net_check_receptor(const cz_network *net, const cz_circuit *c, const cz_edge_pop *ep, size_t i,
                                uint32_t nid, int r);

/* The checks of edge i's synapse values: a supported synapse model (resolved once per model),
 * a weight it accepts, a delay of 1 to 65535 steps (*d). Edges that take their values from
 * their type pass or fail together, so those are checked once per type. Messages name the
 * edge by its row in its file (i is its place in a streamed batch). */
cz_status cz_net_check_edge_values(const cz_circuit *c, const cz_net_syn_table *t, const cz_edge_pop *ep, size_t i,
                                   double h, int32_t *d);

/* Edge i must target a neuron, not a virtual node. */
cz_status cz_net_check_edge_target(const cz_circuit *c, const cz_edge_pop *ep, size_t i);

/* Whether ep's edges take weight and delay from their types (no per-edge values). */
bool cz_net_values_by_type(const cz_edge_pop *ep);

/* Resolves every synapse model ahead of a threaded scan, so that the threads only read the
 * tables; a model that fails is noted (fail[sm]) and fails the first edge that uses it. */
cz_status cz_net_syn_resolve_all(cz_network *net, const cz_circuit *c, cz_error_note **fail);

void cz_net_syn_fail_free(cz_error_note *fail, size_t n);

#endif
