/* `cadenza check` of a BioNet folder: the config's run and conditions keys, its inputs and
 * reports, then the whole build of every cell as one rank builds it (morphologies,
 * segmentation, biophysics, mechanisms, synapse locations, spike inputs, clamps), without
 * stepping. The build stops at its first error, which names the file and the key or line;
 * the other parts are checked on their own. Prints the cells, compartments and synapses.
 *
 * --dump-geometry prints how every detailed cell is cut (after its axon processing), one
 * block per cell: a line naming the node, its morphology, its sections, segments and area;
 * per section its name, nseg, L and mean diam; per segment its index, centre x, area (µm²),
 * ri (MΩ: from the section's start node to the first centre, else from the previous centre,
 * NEURON's ri()) and mean diam (µm). */
#ifndef CZ_APP_CHECK_BIONET_H
#define CZ_APP_CHECK_BIONET_H

#include <stdbool.h>
#include <stddef.h>

#include "io/config.h"

/* Checks cfg (a BioNet folder), printing each error as one "error:" line. Returns the number
 * of errors. */
size_t cz_check_bionet(const cz_config *cfg, bool dump_geometry);

#endif
