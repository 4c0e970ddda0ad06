/* The queue of a thread's pending synaptic events (bionet-spec.md §3.9): each an arrival time
 * T (spike time + delay, ms), a target and a weight. Events are delivered at the start of the
 * step whose accumulated start time t_n satisfies T <= t_n + dt/2, as NEURON delivers them:
 * an event acts on the step whose start is the grid time nearest T, ties to the earlier one.
 * Events of equal T come out in the order they were queued. A binary heap keyed by (T, order
 * of insertion). */
#ifndef CZ_BIONET_EVENTS_H
#define CZ_BIONET_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_bio_event {
  double T;
  uint64_t seq;
  uint32_t target;
  double w;
} cz_bio_event;

typedef struct cz_bio_queue {
  size_t n, cap;
  uint64_t next_seq;
  cz_bio_event *h;
} cz_bio_queue;

cz_status cz_bio_queue_push(cz_bio_queue *q, double T, uint32_t target, double w);
/* Takes the earliest event with T <= until into *e; false when there is none. */
bool cz_bio_queue_pop_until(cz_bio_queue *q, double until, cz_bio_event *e);
/* Takes the next event that acts on the step starting at accumulated time t_n (T <= t_n + dt/2,
 * with NEURON's rounding of that sum). */
static inline bool cz_bio_queue_pop_step(cz_bio_queue *q, double t_n, double dt, cz_bio_event *e) {
  return cz_bio_queue_pop_until(q, t_n + 0.5 * dt, e);
}
void cz_bio_queue_free(cz_bio_queue *q);

#endif
