/* Spike tables for the writers: spike records of the loop (core/spikes.h) turned into
 * populations, node ids and exact times in ms (io/spikes_out.h). */
#ifndef CZ_APP_SPIKE_TABLE_H
#define CZ_APP_SPIKE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "core/spikes.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/spikes_out.h"

/* Builds t from n records (borrowed) on the grid tg of the nodes gm. Owned arrays
 * (cz_spike_table_free). Local. */
cz_status cz_spike_table_of(const cz_timegrid *tg, const cz_gidmap *gm, const cz_circuit *c, const cz_spike *recs,
                            size_t n, cz_spike_table *t);
void cz_spike_table_free(cz_spike_table *t);

/* The records of n two-word records (cz_spike_pack) as they come from a gather or an
 * exchange. Owned (*out). Local. */
cz_status cz_spike_records_unpack(const int64_t *words, size_t n, cz_spike **out);

#endif
