/* The time loop, the same for every engine (engine.h).
 *
 * Time advances in epochs of min_delay steps (timegrid.h): a spike emitted in update u reaches
 * its targets at step u + min_delay or later, never inside the epoch it was emitted in, so
 * cells can be updated for a whole epoch without hearing from each other; only then are spikes
 * exchanged between ranks and delivered. All threads stay in one parallel region for the whole
 * run (starting threads for every epoch costs far more than the barriers between the phases).
 * Per epoch [t0, t1):
 *   1. update: every thread advances its share of the cells and lists their spikes, then sorts
 *      its own list;
 *   2. exchange (one thread): the threads' lists are merged into this rank's spikes, which are
 *      recorded and sent to the ranks that need them (comm/spike_exchange.h); they, the spikes
 *      received and the virtual nodes' replayed inputs are merged into one list in the
 *      canonical order of core/spikes.h, independent of threads, ranks and placement; then the
 *      engine writes its complete report blocks, and the block hook runs at block ends;
 *   3. deliver: every thread hands the whole list to the engine for its cells.
 * A failure inside the loop on one rank cannot wait for its peers (they are in the exchange):
 * it ends the job. */
#ifndef CZ_CORE_EPOCH_H
#define CZ_CORE_EPOCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/engine.h"
#include "core/spikes.h"
#include "core/stimulus/spike_train.h"

typedef struct cz_epoch_result {
  cz_spike_list spikes; /* this rank's cells' spikes (no lids), epoch by epoch */
  uint64_t nevents;     /* synaptic events delivered */
  double t_pack;        /* seconds packing spikes for other ranks */
  double t_exchange;    /* seconds in the exchange collectives (transfer, and waiting for late ranks) */
  double t_wait;        /* seconds waiting for late ranks, when measured apart (CADENZA_WITH_SYNC_TIMER) */
  double t_report;      /* seconds writing report blocks and the spike journal */
  int nthreads;
  double *thread_update;  /* [nthreads] seconds each thread spent updating its cells */
  double *thread_deliver; /* [nthreads] seconds each thread spent delivering spikes */
} cz_epoch_result;

/* Called from the loop about once per second of wall time with the steps done so far. */
typedef void (*cz_progress_fn)(void *ctx, int64_t steps_done, int64_t nsteps, size_t nspikes);

/* Called by one thread at the end of the first epoch that reaches each multiple of every_steps
 * (and at the end of the run) with the step reached and the spikes recorded so far, on every
 * rank at the same steps (it may be collective). */
typedef struct cz_epoch_block {
  int64_t every_steps;
  cz_status (*fn)(void *ctx, int64_t t1, const cz_epoch_result *sofar);
  void *ctx;
} cz_epoch_block;

/* Runs the whole simulation of engine e (borrowed) on e->nthreads threads; vs (borrowed, may
 * be NULL) holds the virtual nodes' spikes, blk (may be NULL) is called at block ends,
 * progress (may be NULL) on rank 0's schedule. Owned (out; cz_epoch_result_free).
 * Collective. */
cz_status cz_epoch_run(const cz_engine *e, const cz_vspikes *vs, const cz_epoch_block *blk, cz_progress_fn progress,
                       void *progress_ctx, cz_epoch_result *out);
void cz_epoch_result_free(cz_epoch_result *r);

#endif
