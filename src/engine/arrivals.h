/* Arrivals: delivery of static synapses step by step, from one thread's table.
 *
 * A spike's synapses reach their targets over many steps, one per distinct delay. Adding all
 * of them when the spike is known spreads the writes over every ring row a delay reaches
 * (tens of megabytes in a large network), so that nearly every write misses the caches.
 * Instead each thread keeps the spikes whose synapses onto its neurons are still under way,
 * and fills the ring one row at a time: row r gets every run of synapses (the table stores a
 * source's synapses in runs of equal delay, delay_order.h) whose spike step plus delay is r.
 * A row fits in the caches.
 *
 * Protocol, at the end of every epoch [t0, t1) of M = min_delay steps: each thread adds the
 * epoch's spikes in their canonical (step, gid) order (cz_arrivals_add), then fills rows t1 to
 * t1 + M - 1 (cz_arrivals_fill_row), all of whose inputs are known by then since every delay is
 * at least M. A slot's inputs are summed in the order the spikes were added, and within a
 * spike in edge order: the order of adding each spike's synapses at once, so the sums, and the
 * spikes, do not depend on this schedule, nor on the partition. */
#ifndef CZ_ENGINE_ARRIVALS_H
#define CZ_ENGINE_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "engine/network.h"

/* A spike with synapses still to deliver: the next run starts at synapse k, arrives in step
 * due; the spike's synapses end at end. */
typedef struct cz_arrival {
  int64_t due, u;
  size_t k, end;
} cz_arrival;

typedef struct cz_arrivals {
  cz_arrival *a;
  size_t n, cap;
} cz_arrivals;

/* Adds the spike of source gid in step u, when it has synapses in s. */
cz_status cz_arrivals_add(cz_arrivals *l, const cz_synapses *s, int64_t u, uint32_t gid);

/* Adds into row (the ring row of step r) every run due in step r, with the weights of s (wtab:
 * the network's coded weights), and drops the spikes that are through. Returns the synapses
 * delivered. */
uint64_t cz_arrivals_fill_row(cz_arrivals *l, const cz_synapses *s, const double *wtab, double *row, int64_t r);

void cz_arrivals_free(cz_arrivals *l);

#endif
