/* `cadenza generate microcircuit`: the Potjans & Diesmann (2014) cortical microcircuit as a
 * SONATA simulation folder, at any scale in (0, 1], written by all MPI ranks together.
 *
 * Model (performance.md 7.2; values of the reference implementation): eight populations
 * L23E, L23I, L4E, L4I, L5E, L5I, L6E, L6I of 20683, 5834, 21915, 5479, 4850, 1065, 14395 and
 * 2948 iaf_psc_exp neurons at full scale (C_m 250 pF, tau_m 10 ms, E_L -65 mV, V_th -50 mV,
 * V_reset -65 mV, t_ref 2 ms, tau_syn 0.5 ms), the published connection probabilities C_yx,
 * and Q_yx = ln(1 - C_yx) / ln(1 - 1 / (N_x N_y)) synapses per projection at full scale,
 * sources and targets drawn with replacement (multapses and autapses allowed). At scale s the
 * populations have round(s N) neurons and every neuron keeps its full-scale mean in-degree
 * Q_yx / N_y, so the mean input and the rates stay those of the full model. Weights: normal
 * with mean 87.81 pA for excitatory synapses (a 0.15 mV PSP; doubled from L4E to L23E) and -4
 * times that for inhibitory ones, relative s.d. 0.1, drawn again when of the wrong sign;
 * stored as values a float holds exactly. Delays: normal with mean 1.5 ms (excitatory) and
 * 0.75 ms (inhibitory), s.d. half the mean, drawn again below dt / 2, so that after rounding to
 * the grid the shortest delay is dt and the short tail is not piled up there (the reference
 * implementation's truncated normal: NEST's redraw, not a clip). Drive: the DC equivalent of the background input,
 * I_e = K_ext tau_syn w_ext nu_bg (K_ext = 1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100;
 * nu_bg 8 Hz), or with `poisson` the original drive: one Poisson train per neuron at
 * K_ext nu_bg, each spike an 87.81 pA PSC after 1.5 ms (the config's online "poisson" inputs,
 * one per population, node sets by pop_name). Initial V_m: normal with the populations' "optimized" means and s.d.
 *
 * Determinism: the number of synapses onto each target from each population (a multinomial
 * split of Q_yx, drawn by GSL from a generator seeded by (seed, y, x)) is computed by every
 * rank; each target's sources, weights and delays come from the counter-based generator keyed
 * by (seed, target, source population). The folder is therefore the same bytes for any number
 * of ranks. Edges are ordered by target (with a target_to_source index) and each rank writes
 * the edges of its range of targets with collective parallel-HDF5 writes, in rounds of
 * bounded size.
 *
 * Folder: config.json, network/{cortex_nodes.h5, cortex_node_types.csv,
 * cortex_cortex_edges.h5, cortex_cortex_edge_types.csv}, components/cell_models/<pop>.json,
 * components/synaptic_models/static.json. */
#ifndef CZ_TOOLS_MICROCIRCUIT_H
#define CZ_TOOLS_MICROCIRCUIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_mc_params {
  double scale;  /* (0, 1], default 0.1 */
  double tstop;  /* ms, default 1000 */
  double dt;     /* ms, default 0.1 */
  uint64_t seed; /* default 1 */
  bool overwrite;
  bool poisson;  /* the background as Poisson trains (K_ext inputs at nu_bg each) instead of DC */
} cz_mc_params;

cz_mc_params cz_mc_defaults(void);

/* Writes the folder; every rank calls it with the same arguments. Collective. */
cz_status cz_generate_microcircuit(const cz_mc_params *p, const char *dir, uint64_t *n_neurons, uint64_t *n_edges);

#endif
