/* A PopNet folder as DiPDE sees it (filternet-popnet-spec.md §3.1-3.3): internal populations,
 * external ones, and one connection per (source, target) pair.
 *
 * Internal populations: the node types of the node populations without virtual nodes, in order
 * of first appearance (a type id names one population across files), each with the population
 * JSON of its first node (components.population_models_dir). External populations: for each
 * enabled input in order, the node types of the virtual node population its node_set names,
 * each with a constant rate: from the input's "rates" table (columns gid and firing_rate, gid
 * being the node type id) or, for input_type "spikes", 1000 x the mean spike count of the type's
 * nodes that spiked over the span of their spikes (ms). Connections: the recurrent edge
 * populations, then each input's, edges in file order; the first edge of a (source, target)
 * pair sets nsyns (1 when absent), syn_weight (V) and delay (s), later ones are ignored, as
 * BMTK does; nsyns 0 drops the pair. Edges from virtual populations no input names are
 * ignored. */
#ifndef CZ_POPNET_NETWORK_H
#define CZ_POPNET_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"
#include "popnet/population.h"

typedef struct cz_popnet_conn {
  size_t src, dst;        /* population indices (dst internal) */
  double nsyn, w, delay;  /* -, V, s */
} cz_popnet_conn;

typedef struct cz_popnet_net {
  size_t nint, next;      /* internal populations [0, nint), external [nint, nint + next) */
  uint64_t *type_id;      /* [nint + next] */
  cz_pop_params *prm;     /* [nint] */
  double *ext_rate;       /* [next] Hz */
  size_t nconn;
  cz_popnet_conn *conn;
} cz_popnet_net;

/* The network of cfg's folder (c with its edges loaded). Errors name the file and key. Owned
 * (cz_popnet_net_free). Local. */
cz_status cz_popnet_net_read(const cz_config *cfg, const cz_circuit *c, cz_popnet_net *out);
void cz_popnet_net_free(cz_popnet_net *n);

/* The population JSON keys of one internal population, checked (file names it in errors).
 * Local. */
cz_status cz_popnet_params_parse(const struct cJSON *j, const char *file, cz_pop_params *out);

#endif
