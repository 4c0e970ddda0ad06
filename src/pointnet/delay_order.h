/* Delay order of a thread's static synapse table.
 *
 * Delivery adds, before each step, the synapses whose spikes arrive in that step (arrivals.h):
 * all of a step's writes then fall in one ring row, which the caches hold, where adding each
 * spike's synapses at once spread the writes over every row a delay reaches. For that, each
 * source's synapses are stored in runs of equal delay, ascending. The sort is stable: within
 * a delay the synapses keep their edge order, so a neuron's inputs of one step are summed in
 * the same order as before, whatever the partition. */
#ifndef CZ_POINTNET_DELAY_ORDER_H
#define CZ_POINTNET_DELAY_ORDER_H

#include "base/status.h"
#include "pointnet/synapse_table.h"

/* Sorts each source's synapses of s (the slots of its index) by delay, stably, in place.
 * Local. */
cz_status cz_synapses_order_by_delay(cz_synapses *s);

#endif
