/* The queue of a thread's pending synaptic events (bionet-spec.md §3.9): each an arrival time
 * T (spike time + delay, ms), a target and a weight. Events are delivered at the start of the
 * step whose accumulated start time t_n satisfies T <= t_n + dt/2, as NEURON delivers them:
 * an event acts on the step whose start is the grid time nearest T, ties to the earlier one.
 * Events of equal T come out in the order they were queued.
 *
 * Once the step is known (cz_bio_queue_set_step), the next CZ_BIO_RING steps are a ring of
 * buckets, bucket b holding the events with floor((T - origin) / dt) = b in the order they
 * came, sorted by (T, order of insertion) when it reaches the front. An event beyond the ring
 * waits in the far queue: a binary heap keyed the same way, and the events queued before the
 * step was known (the spike inputs of the whole run) as one sorted array. Buckets hold disjoint
 * ranges of T in ascending order, so the events come out exactly in (T, insertion) order, as
 * from one heap, while a recurrent event costs an append instead of a heap's climb. */
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

enum { CZ_BIO_RING = 512 };

typedef struct cz_bio_bucket {
  size_t n, cap, next; /* events [next, n) pending */
  cz_bio_event *e;
} cz_bio_bucket;

typedef struct cz_bio_queue {
  size_t n; /* pending events in all */
  uint64_t next_seq;
  cz_bio_event *h; /* the far heap */
  size_t nh, caph;
  cz_bio_event *early; /* the events queued before the step was known, sorted; [next_early, nearly) pending */
  size_t nearly, next_early;
  double origin, dt;      /* dt 0: the step is not known yet, everything is far */
  int64_t front;          /* the bucket number at the front of the ring */
  cz_bio_bucket *ring;    /* [CZ_BIO_RING], bucket b at ring[b % CZ_BIO_RING] */
  cz_status error;        /* a failure to move events into the ring (out of memory) */
} cz_bio_queue;

cz_status cz_bio_queue_push(cz_bio_queue *q, double T, uint32_t target, double w);
/* The step dt from time origin on: the ring starts at origin's bucket. Once, before the first
 * pop. Local. */
cz_status cz_bio_queue_set_step(cz_bio_queue *q, double origin, double dt);
/* Takes the earliest event with T <= until into *e; false when there is none, or when moving
 * events into the ring failed (cz_bio_queue_status says so; the queue is then unusable). */
bool cz_bio_queue_pop_until(cz_bio_queue *q, double until, cz_bio_event *e);
cz_status cz_bio_queue_status(const cz_bio_queue *q);
/* Takes the next event that acts on the step starting at accumulated time t_n (T <= t_n + dt/2,
 * with NEURON's rounding of that sum). */
static inline bool cz_bio_queue_pop_step(cz_bio_queue *q, double t_n, double dt, cz_bio_event *e) {
  return cz_bio_queue_pop_until(q, t_n + 0.5 * dt, e);
}
void cz_bio_queue_free(cz_bio_queue *q);

#endif
