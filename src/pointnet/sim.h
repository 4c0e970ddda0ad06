/* The time loop.
 *
 * Time advances in epochs of min_delay steps (the smallest synaptic delay in the network):
 * a spike emitted in update u reaches its targets at step u + D >= u + min_delay, never
 * inside the epoch it was emitted in, so neurons can be updated for a whole epoch without
 * hearing from each other; only then are spikes exchanged between ranks and delivered. All
 * threads stay in one parallel region for the whole run. Per epoch:
 *   1. update: threads run disjoint slices of every model group, step by step, reading and
 *      clearing the ring-buffer row of the step; neurons that fire are listed per thread;
 *   2. merge and exchange (master thread): this rank's spikes are recorded and sent to the
 *      ranks on their send lists (comm/spike_exchange.h); they, the spikes received and the
 *      virtual nodes' input spikes are sorted by (step, gid), a canonical order independent
 *      of threads, ranks and placement;
 *   3. deliver: every thread walks the whole list; the static synapses onto its own neurons
 *      reach slot (u + delay) of the ring as arrivals, the next epoch's rows filled one at a
 *      time (pointnet/arrivals.h); per target the additions come in (step, gid, edge) order, so
 *      the floating-point sums are the same for any thread count, rank count and partitioner.
 *      Plastic synapses add their weights into slot (u + delay) at once, updating their state
 *      as the spike passes (pointnet/models/synapse.h); neurons with stdp synapses onto them archive
 *      their own spikes during the update, and the archive is read here, after the barrier.
 * Current-clamp changes are applied before the update of their step; report samples are taken
 * by each thread right after its update of a step (pointnet/recorder.h). A failure inside the
 * loop on one rank cannot wait for its peers (they are in the exchange): it ends the job. */
#ifndef CZ_POINTNET_SIM_H
#define CZ_POINTNET_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"
#include "pointnet/recorder.h"
#include "core/stimulus/current_clamp.h"
#include "pointnet/poisson_drive.h"
#include "core/stimulus/spike_train.h"

typedef struct cz_sim_result {
  size_t nspikes;
  uint32_t *gid;   /* [nspikes] source gid of each recorded spike */
  int64_t *stamp;  /* [nspikes] stamp S: the spike time is S * h */
  uint64_t nevents; /* synaptic events delivered */
  double t_pack;     /* seconds packing spikes for other ranks */
  double t_exchange; /* seconds in the exchange collectives (transfer, and waiting for late ranks) */
  double t_wait;     /* seconds waiting for late ranks, when measured apart (CADENZA_WITH_SYNC_TIMER) */
  double t_report;   /* seconds writing report blocks and the spike journal */
  int nthreads;
  double *thread_update;  /* [nthreads] seconds each thread spent updating its neurons */
  double *thread_deliver; /* [nthreads] seconds each thread spent delivering spikes */
  size_t nwev;       /* weight_recorder events on this rank */
  int64_t *wev;      /* [nwev * CZ_WEV_WORDS] (pointnet/weight_recorder.h) */
} cz_sim_result;

/* Called from the loop about once per second of wall time with the steps done so far. */
typedef void (*cz_progress_fn)(void *ctx, int64_t steps_done, int64_t nsteps, size_t nspikes);

/* Called by one thread at the end of the first epoch that reaches each multiple of every_steps
 * (and at the end of the run) with the step reached and the spikes recorded so far, on every
 * rank at the same steps (it may be collective). */
typedef struct cz_sim_block {
  int64_t every_steps;
  cz_status (*fn)(void *ctx, int64_t t1, const cz_sim_result *sofar);
  void *ctx;
} cz_sim_block;

/* Runs the whole simulation; pd (may be NULL) is the online Poisson drive, added to the ring
 * by the thread that updates each neuron at the start of each step; rec (may be NULL) samples the membrane reports after every
 * step and writes their blocks between epochs; blk (may be NULL) is called at block ends.
 * Owned (out arrays; cz_sim_result_free). */
cz_status cz_sim_run(cz_network *net, const cz_vspikes *vs, const cz_clamps *cl, const cz_poisson_drive *pd,
                     cz_recorder *rec, const cz_sim_block *blk, cz_progress_fn progress, void *progress_ctx,
                     cz_sim_result *out);
void cz_sim_result_free(cz_sim_result *r);

#endif
