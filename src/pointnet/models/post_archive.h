/* The postsynaptic spike archive of a neuron that has spike-timing-dependent synapses onto it
 * (NEST's ArchivingNode semantics).
 *
 * Each spike of the neuron at time t (ms) is kept with the value of its depression trace
 * just after the spike, Kminus(t) = Kminus(t_prev) * exp((t_prev - t) / tau_minus) + 1. A
 * plastic synapse reads the archive when a presynaptic spike passes through it: the spikes
 * in (t1, t2] (facilitation since its previous spike) and the trace just before a time t
 * (depression). Every read of a spike is counted; a spike is dropped once every incoming
 * synapse has read it and a later spike is older than the longest time a synapse can still
 * look back, so the archive stays short and dropping never changes a result.
 *
 * Times are compared with NEST's tolerance of 1e-6 ms, so that a spike at exactly t1 counts
 * as before the window and one at exactly t2 as inside it. */
#ifndef CZ_POINTNET_MODELS_POST_ARCHIVE_H
#define CZ_POINTNET_MODELS_POST_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

#define CZ_STDP_EPS 1.0e-6

typedef struct cz_post_spike {
  double t;       /* ms */
  double kminus;  /* trace just after the spike */
  uint32_t reads; /* how many synapse reads have covered it */
} cz_post_spike;

typedef struct cz_post_archive {
  cz_post_spike *e; /* live entries e[head .. n) */
  size_t head, n, cap;
  double kminus;     /* trace just after the last spike */
  double last_spike; /* ms, -1 before the first */
  double tau_minus;  /* ms */
  uint32_t n_incoming; /* plastic synapses onto the neuron */
} cz_post_archive;

void cz_post_archive_init(cz_post_archive *a, double tau_minus);
void cz_post_archive_free(cz_post_archive *a);

/* Records a spike at t_ms (non-decreasing); entries every reader has seen and that are older
 * than horizon_ms before t_ms (beyond any synapse's reach) are dropped first. */
cz_status cz_post_archive_add(cz_post_archive *a, double t_ms, double horizon_ms);

/* The trace just before t: that of the last spike earlier than t (by more than the
 * tolerance) decayed to t, or 0 when there is none. */
double cz_post_archive_kminus(const cz_post_archive *a, double t);

/* The range [*i0, *i1) of entries with t1 < t <= t2, each counted as read once more. */
void cz_post_archive_window(cz_post_archive *a, double t1, double t2, size_t *i0, size_t *i1);

#endif
