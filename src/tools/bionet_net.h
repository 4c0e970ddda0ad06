/* `cadenza generate bionet`: a BioNet benchmark network like the guide's 450-node example, as a
 * SONATA folder written by all MPI ranks together.
 *
 * Population "internal", N cells (default 450), in the example's proportions 80:80:80:30:30 of
 * the five Allen perisomatic models (Scnn1a 472363762, Rorb 473863510, Nr5a1 473863035 excitatory;
 * PV1 472912177, PV2 473862421 inhibitory; their fit JSON and morphology from the components
 * folder, BMTK's bio_components) and 100:50 IntFire1 cells (LIF_exc, LIF_inh), node ids type by
 * type. Positions uniform in a column of radius 150 sqrt(N / 450) µm (constant density) and
 * depth 300 µm, rotation_angle_yaxis uniform. Population "external": N / 4.5 virtual cells,
 * each a Poisson train of 10 Hz over the run (inputs/external_spikes.h5).
 *
 * Recurrent edges, per target: K_E = 40 excitatory and K_I = 20 inhibitory sources, each drawn
 * uniformly from its class and kept with probability exp(-d² / (2 σ²)), d the distance in the
 * column's plane and σ half the column radius (at most 64 draws, then the last is kept), no
 * autapses; edge types by source class and target kind, Exp2Syn synapses (AMPA/GABA files) of
 * nsyns 2 placed at random on target_sections within distance_range onto detailed cells,
 * instantaneous synapses onto IntFire1 cells; delay 2 ms. External edges: K_X = 10 external
 * sources per target, uniform. Each target's edges depend only on (seed, target), so the
 * folder is the same bytes for any number of ranks.
 *
 * With hh, a network NEURON runs without the Allen channels: every internal cell is one of the
 * five morphologies (the same proportions, no IntFire1 cells) with hh in the soma and pas
 * everywhere (components/biophysical/hh_soma.json, written here), at celsius 6.3 and v_init
 * -65 mV, the same edges to detailed cells.
 *
 * Folder: config.json, network/{internal,external}_nodes.h5 and _node_types.csv,
 * network/{internal_internal,external_internal}_edges.h5 and _edge_types.csv,
 * inputs/external_spikes.h5; the config names the components folder it was given. */
#ifndef CZ_TOOLS_BIONET_NET_H
#define CZ_TOOLS_BIONET_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_bionet_net_params {
  uint64_t cells;         /* N >= 10, default 450 */
  double tstop;           /* ms, default 3000 */
  double dt;              /* ms, default 0.1 */
  uint64_t seed;          /* default 1 */
  const char *components; /* BMTK's bio_components folder (required) */
  bool overwrite;
  bool hh;                /* hh somas, pas elsewhere, no IntFire1 cells (above) */
} cz_bionet_net_params;

cz_bionet_net_params cz_bionet_net_defaults(void);

/* Writes the folder. *n_edges: recurrent and external edges. Collective. */
cz_status cz_generate_bionet(const cz_bionet_net_params *p, const char *dir, uint64_t *n_edges);

#endif
