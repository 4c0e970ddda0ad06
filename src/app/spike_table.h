/* Spike tables for the writers: (stamp, gid) records of the engine turned into populations,
 * node ids and times in ms (io/spikes_out.h). */
#ifndef CZ_APP_SPIKE_TABLE_H
#define CZ_APP_SPIKE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"
#include "io/circuit.h"
#include "io/spikes_out.h"

/* Builds t from n records (recs[2i] = stamp, recs[2i + 1] = gid). Owned arrays
 * (cz_spike_table_free). Local. */
cz_status cz_spike_table_of(const cz_network *net, const cz_circuit *c, const int64_t *recs, size_t n,
                            cz_spike_table *t);
void cz_spike_table_free(cz_spike_table *t);

#endif
