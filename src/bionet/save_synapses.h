/* save_synapses (reports-spec.md §6): the synapses the build made, written as SONATA edges
 * files before the first step, one per (source population, target population) pair, named
 * "<network_dir>/<source>_<target>_edges.h5" with the population "<source>_<target>"
 * (io/edges_out.h): one edge per NetCon, cells in gid order and each cell's NetCons in the order
 * they were made, with the edge type, the NetCon weight, and for synapses on detailed cells the
 * section index and the x of the synapse's segment centre. Edges from replayed and spontaneous
 * sources, which have no NetCon, are not written.
 *
 * network_dir (required) is taken as BMTK takes it, relative to the working folder; under the
 * config's own output_dir it moves with --output-dir. */
#ifndef CZ_BIONET_SAVE_SYNAPSES_H
#define CZ_BIONET_SAVE_SYNAPSES_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "io/circuit.h"
#include "io/config.h"

/* The words of a saved NetCon: target gid, its place among the target's NetCons, source gid,
 * edge type id, group (0 detailed cell, 1 artificial), weight bits, section, x bits. */
enum { CZ_SAVED_WORDS = 8 };

/* Checks the save_synapses blocks (network_dir). Local. */
cz_status cz_bio_save_synapses_check(const cz_config *cfg);
/* Writes the NetCons of every rank (recs [n][CZ_SAVED_WORDS], this rank's) for every enabled
 * save_synapses block: rank 0 gathers and writes. Collective. */
cz_status cz_bio_save_synapses(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const int64_t *recs,
                               size_t n);
/* Whether cfg has an enabled save_synapses block. */
int cz_bio_save_synapses_wanted(const cz_config *cfg);

#endif
