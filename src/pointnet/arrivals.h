/* Arrivals: delivery of static synapses step by step, from one thread's table.
 *
 * A spike's synapses reach their targets over many steps, one per distinct delay. Adding all
 * of them when the spike is known spreads the writes over every ring row a delay reaches
 * (tens of megabytes in a large network), so that nearly every write misses the caches.
 * Instead each thread keeps the spikes whose synapses onto its neurons are still under way,
 * and fills only the rows of the next epoch: row r gets every run of synapses (the table
 * stores a source's synapses in runs of equal delay, delay_order.h) whose spike step plus
 * delay is r. Those rows fit in the caches (one row when min_delay is one step).
 *
 * Protocol, at the end of every epoch [t0, t1) of M = min_delay steps: each thread adds the
 * epoch's spikes in their canonical (step, gid) order (cz_arrivals_add), then fills rows t1 to
 * t1 + M - 1 (cz_arrivals_fill), all of whose inputs are known by then since every delay is at
 * least M: one pass over its spikes, each giving the runs due in those rows, so that a spike
 * under way costs one look per epoch, as a spike added at once did. A slot's inputs are summed
 * in the order the spikes were added, and within a spike in edge order: the order of adding
 * each spike's synapses at once, so the sums, and the spikes, do not depend on this schedule,
 * nor on the partition. */
#ifndef CZ_POINTNET_ARRIVALS_H
#define CZ_POINTNET_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"

/* A spike with synapses still to deliver: the next run starts at synapse k and arrives in
 * step due; the spike's synapses end at end. */
typedef struct cz_arrival {
  int64_t due, u;
  size_t k, end;
} cz_arrival;

typedef struct cz_arrivals {
  cz_arrival *a;
  size_t n, cap;
} cz_arrivals;

/* The ring the rows are filled in: step r's row starts at base + (r & mask) * stride. */
typedef struct cz_ring_rows {
  double *base;
  size_t mask, stride;
} cz_ring_rows;

/* Adds the spike of source gid in step u, when it has synapses in s. */
cz_status cz_arrivals_add(cz_arrivals *l, const cz_synapses *s, int64_t u, uint32_t gid);

/* Adds into the rows of ring every run due before step t2, with the weights of s (wtab: the
 * network's coded weights), and drops the spikes that are through. Returns the synapses
 * delivered. Called with t2 = t1 + M at the end of epoch [t0, t1), it fills the rows of steps
 * t1 to t1 + M - 1: no run is due before t1, since every delay is at least M. */
uint64_t cz_arrivals_fill(cz_arrivals *l, const cz_synapses *s, const double *wtab, const cz_ring_rows *ring,
                          int64_t t2);

void cz_arrivals_free(cz_arrivals *l);

#endif
