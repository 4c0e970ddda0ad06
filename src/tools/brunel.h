/* `cadenza generate brunel`: writes a self-contained SONATA simulation folder holding the
 * Brunel (2000) balanced network, model A (delta synapses), in its asynchronous irregular
 * regime by default (g = 5, eta = 2).
 *
 * Network (N = n_neurons): N_E = 0.8 N excitatory and N_I = 0.2 N inhibitory iaf_psc_delta
 * neurons (tau_m 20 ms, C_m 1 pF so weights are in mV, E_L 0, V_th 20 mV, V_reset 10 mV,
 * t_ref 2 ms), each with fixed in-degree C_E = eps N_E from excitatory and C_I = eps N_I from
 * inhibitory neurons drawn at random (autapses and multapses allowed, as in NEST's example),
 * J = 0.1 mV, J_I = -g J, delay 1.5 ms. With --synapse alpha (NEST's brunel_alpha example):
 * iaf_psc_alpha neurons (C_m 250 pF, tau_syn 0.5 ms, the same tau_m, thresholds and
 * refractoriness) whose weights are the currents of J mV PSP peaks, and
 * nu_thr = V_th C_m / (J_pA C_E e tau_m tau_syn). External drive, as in Brunel's paper: each neuron
 * receives C_E synapses (weight J, same delay) from a pool of N_E virtual nodes that fire as
 * independent Poisson processes at nu_ext = eta * nu_thr, nu_thr = V_th / (J C_E tau_m); their
 * spikes are pre-generated into a SONATA spike file, as BMTK users do. Initial membrane
 * potentials are uniform in [0, V_th) and stored per node as HDF5 dynamics_params/V_m.
 *
 * Everything random is drawn from a counter-based generator keyed by (seed, node id, stream),
 * so the folder depends only on the parameters, never on the machine or thread count.
 *
 * Layout of DIR: config.json (network + simulation in one file, "${configdir}"-relative),
 * network/{brunel_nodes.h5, brunel_node_types.csv, brunel_brunel_edges.h5,
 * brunel_brunel_edge_types.csv, external_nodes.h5, external_node_types.csv,
 * external_brunel_edges.h5, external_brunel_edge_types.csv}, components/cell_models/{exc,inh}.json,
 * components/synaptic_models/static.json, inputs/external_spikes.h5. Output goes to
 * DIR/output. Files are written in BMTK's builder conventions (sonata-spec 1.6). */
#ifndef CZ_TOOLS_BRUNEL_H
#define CZ_TOOLS_BRUNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_brunel_params {
  long n_neurons;   /* N (default 10000) */
  double g;         /* relative inhibition (default 5) */
  double eta;       /* external rate relative to threshold rate (default 2) */
  double J;         /* mV (default 0.1) */
  double epsilon;   /* connection probability: C_E = epsilon N_E, C_I = epsilon N_I (default 0.1) */
  double delay;     /* ms (default 1.5) */
  double tstop;     /* ms, for the config and the input spike file (default 1000) */
  double dt;        /* ms (default 0.1) */
  uint64_t seed;    /* default 1 */
  bool overwrite;   /* replace an existing folder's generated files */
  bool alpha;       /* alpha-shaped currents (iaf_psc_alpha, C_m 250 pF, tau_syn 0.5 ms, J the
                       peak of the PSP, so weights in pA) instead of delta synapses */
} cz_brunel_params;

/* Defaults listed above. */
cz_brunel_params cz_brunel_defaults(void);

/* Writes the folder. Refuses (CZ_ERR_OUTPUT) to overwrite an existing config.json unless
 * p->overwrite. Collective: every rank calls it with the same parameters (rank 0 writes the
 * small files, every rank its share of the edges). */
cz_status cz_generate_brunel(const cz_brunel_params *p, const char *dir);

/* What follows from the parameters: the sizes of the folder's populations and the rates.
 * Counts are rounded to the nearest integer (N_E = round(0.8 N), N_I = N - N_E,
 * C_E = round(0.1 N_E), C_I = round(0.1 N_I)); each in-degree is at least 1 so that the
 * smallest networks stay connected. */
typedef struct cz_brunel_sizes {
  long n_exc, n_inh;    /* N_E, N_I */
  long c_exc, c_inh;    /* C_E, C_I */
  double nu_thr;        /* Hz, V_th / (J C_E tau_m) */
  double nu_ext;        /* Hz, eta nu_thr: the rate of each external (virtual) node */
  double w_exc;         /* the weight of J: mV (delta), or the pA of a J mV PSP peak (alpha) */
  uint64_t n_rec_edges; /* N (C_E + C_I): edges of brunel_to_brunel */
  uint64_t n_ext_edges; /* N C_E: edges of external_to_brunel */
} cz_brunel_sizes;

/* Checks p (CZ_ERR_ARG naming the bad parameter: N >= 10 and small enough for BMTK's uint32
 * edge_group_index, finite g, eta >= 0, J > 0, 0 < dt <= delay, dt a multiple of 0.001 ms,
 * tstop > 0) and fills *out. */
cz_status cz_brunel_sizes_of(const cz_brunel_params *p, cz_brunel_sizes *out);

/* Random streams of the counter-based generator (key = the node id named):
 * V_M: initial V_m of brunel node key, draw 0;
 * RECURRENT: sources of brunel target key, C_E excitatory draws then C_I inhibitory;
 * EXTERNAL: sources (external ids) of brunel target key, C_E draws;
 * SPIKES: successive uniforms U of external node key; each inter-spike interval is
 * -ln(1 - U) / nu_ext. */
enum {
  CZ_BRUNEL_STREAM_V_M = 1,
  CZ_BRUNEL_STREAM_RECURRENT = 2,
  CZ_BRUNEL_STREAM_EXTERNAL = 3,
  CZ_BRUNEL_STREAM_SPIKES = 4
};

#endif
