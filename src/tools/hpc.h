/* `cadenza generate hpc`: NEST's HPC benchmark network (hpc_benchmark.py; performance.md
 * 7.3), static-synapse variant, as a SONATA folder written by all MPI ranks together.
 *
 * N_E = round(9000 s) excitatory and N_I = round(2250 s) inhibitory iaf_psc_alpha neurons
 * (E_L 0, C_m 250 pF, tau_m 10 ms, t_ref 0.5 ms, V_th 20 mV, V_reset 0, tau_syn 0.3258 ms for a
 * 1.7 ms PSP rise; initial V_m normal with mean 5.7 and s.d. 7.2 mV), each with fixed in-degree
 * C_E = 9000 and C_I = 2250 whatever the scale s (sources drawn with replacement, no autapses),
 * J_E the current of a 0.14 mV peak PSP (from the alpha-PSP maximum, by the Lambert W
 * function), J_I = -5 J_E, delay 1.5 ms. Drive: every neuron's own Poisson train at
 * eta nu_th C_E (eta 1.685, nu_th the threshold rate), weight J_E, delay 1.5 ms, as an online
 * poisson_generator input (inputs/poisson_drive.h). Work per neuron is fixed, so weak scaling
 * keeps s per rank.
 *
 * With stdp, the E->E synapses are the benchmark's plastic stdp_pl_synapse_hom_hpc (alpha
 * 0.0513, lambda 0.1, mu 0.4, tau_plus 15 ms; tau_minus 30 ms in the neurons) with initial
 * weights normal around J_E with s.d. 3.47 pA (redrawn below 0), drawn from their own stream
 * (seed, target), so the graph is that of the static variant; weights and delays are then per
 * edge (group 0 syn_weight and delay). The benchmark asks for s >= 10 and a rate below 10 Hz:
 * at small s correlated input drives STDP into synchrony.
 *
 * Determinism as for the microcircuit: each target's sources come from the counter-based
 * generator keyed by (seed, target), so the folder is the same bytes for any number of ranks.
 * Folder: config.json, network/{hpc_nodes.h5, hpc_node_types.csv, hpc_hpc_edges.h5,
 * hpc_hpc_edge_types.csv}, components/cell_models/{exc,inh}.json,
 * components/synaptic_models/static.json (and stdp_pl_hpc.json). */
#ifndef CZ_TOOLS_HPC_H
#define CZ_TOOLS_HPC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_hpc_params {
  double scale;  /* s > 0, default 1 */
  double tstop;  /* ms, default 1000 */
  double dt;     /* ms, default 0.1 */
  uint64_t seed; /* default 1 */
  bool overwrite;
  bool stdp;     /* plastic E->E synapses (default: static) */
} cz_hpc_params;

cz_hpc_params cz_hpc_defaults(void);

/* The network the generator draws, without its files: neuron counts, the synapse currents and
 * each target's afferent edges. The folder's edge file and a dry run (app/dry_run.h) take their
 * edges from the same function, so a share drawn here is the share the file holds. */
typedef struct cz_hpc_model {
  cz_hpc_params p;
  uint64_t n_e, n_i, n; /* excitatory neurons are node ids [0, n_e), inhibitory [n_e, n) */
  double je, rate;      /* pA of an excitatory synapse; Hz of each neuron's drive */
} cz_hpc_model;

/* Checks p and derives the model from it. Local. */
cz_status cz_hpc_model_make(const cz_hpc_params *p, cz_hpc_model *m);
/* Afferent edges of every target (fixed in-degree C_E + C_I). */
uint64_t cz_hpc_in_degree(void);
/* The afferent edges of target t, in the order the edge file holds them: source node ids and
 * edge type ids into src and type ([cz_hpc_in_degree()] each), and with w and d (NULL for
 * neither) the weights (pA) and delays (ms) of the edge file's group 0 (written when stdp).
 * Depends on (seed, t) only. Thread-safe. */
void cz_hpc_afferent(const cz_hpc_model *m, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d);

/* Writes the folder. Collective. */
cz_status cz_generate_hpc(const cz_hpc_params *p, const char *dir, uint64_t *n_neurons, uint64_t *n_edges);
/* Writes the folder with an edge file that holds no edges (its index gives every target an
 * empty range) but the edge population and types: what a dry run needs to load the nodes and
 * the synapse types, whose edges it draws with cz_hpc_afferent. Local (one process writes). */
cz_status cz_generate_hpc_skeleton(const cz_hpc_params *p, const char *dir);

#endif
