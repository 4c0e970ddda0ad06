/* The diagnostic layout switches of a run, read once from the environment.
 *
 * The builders choose every data layout from the data (network.h): these switches only force
 * the other choice, so that the test suite can check that each layout gives the same spikes
 * on small networks, and a user can compare layouts on a large one. Library code reads no
 * environment: the run reads these here and passes them down.
 *
 *   CADENZA_WEIGHT_CODES=0     weights as doubles (no code table, no floats)
 *   CADENZA_PACKED_TARGETS=0   delays in an array of their own, not in the targets' top bits
 *   CADENZA_FILL_GROUPED=1     the fill groups synapses by blocks of sources whatever their number
 *   CADENZA_EDGE_THREADS=0     the edge files read by one thread, as for files without an index
 *   CADENZA_EDGE_BATCH=n       edges per batch of the streamed build (n >= 1)
 *   CADENZA_SOURCE_INDEX=dense|sparse   how each thread finds a source's synapses
 *   CADENZA_PARTITION_PAIRS=n  pair budget of the METIS graph (core/part_graph.h) */
#ifndef CZ_APP_LAYOUT_OPTIONS_H
#define CZ_APP_LAYOUT_OPTIONS_H

#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"

typedef struct cz_layout_options {
  cz_net_layout net;
  uint64_t partition_pairs; /* 0: part_graph's default */
} cz_layout_options;

/* The defaults, with the switches set in the environment applied; a switch set to a value it
 * does not take is an error naming it. Local. */
cz_status cz_layout_options_from_env(cz_layout_options *out);

#endif
