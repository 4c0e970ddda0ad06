/* Graph partitioning with METIS (k-way multilevel, METIS_PartGraphKway).
 *
 * The graph is copied into METIS's idx_t arrays, so its layout here (64-bit offsets,
 * unsigned neighbours) need not match METIS's. Debian builds METIS with 32-bit idx_t, so
 * graphs and weight totals beyond INT32_MAX are refused with CZ_ERR_CONFIG before METIS
 * runs (cz_graph_check_idx32). Given the same graph, nparts and seed, the result is the same
 * on every run and every rank (METIS is serial and its random numbers come from the seed). */
#ifndef CZ_PARTITION_METIS_H
#define CZ_PARTITION_METIS_H

#include <stdint.h>

#include "base/status.h"
#include "partition/graph.h"

/* Splits g (borrowed) into nparts parts of near-equal total vertex weight (METIS's default
 * 3% tolerance) while minimising the weight of cut edges. Writes part_out[v] in
 * [0, nparts) for every vertex (caller-owned array of g->nvtx entries). nparts == 1 sets
 * every entry to 0 without calling METIS. seed is folded to a non-negative 31-bit METIS
 * seed (METIS_OPTION_SEED). Peak memory: a copy of g in idx_t plus METIS's own work space
 * (a few times the graph).
 *
 * Errors: nparts < 1 is CZ_ERR_INTERNAL; sizes or weight totals beyond METIS's idx_t are
 * CZ_ERR_CONFIG; a METIS failure is CZ_ERR_INTERNAL naming its return code.
 * Local. Not promised thread-safe: call it from one thread at a time (Cadenza does not
 * rely on METIS being reentrant). */
cz_status cz_part_metis(const cz_graph *g, int nparts, uint64_t seed, uint32_t *part_out);

#endif
