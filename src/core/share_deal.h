/* Which worker thread steps which share of a rank's cells, by measured busy time.
 *
 * An engine cuts its cells into more shares than it has workers, each share stepped whole by
 * one worker, and estimates their costs before the run. Estimates miss (on the generated
 * BioNet benchmark, shares whose estimates differ by 7 % took from 0.18 to 0.30 s per second
 * of model time), and a core may be slowed by another job. So the engine times each share's
 * update, and at the looks the deal schedules (after 4 epochs, then each time four times as
 * many) the shares are dealt again from the times measured since the last look: the longest
 * first, each to the worker least busy so far (longest processing time first), each worker's
 * shares then longest first. The new deal is kept only where it shortens the busiest worker by
 * more than 2 %, so that noise does not move shares back and forth.
 *
 * Within an epoch a worker steps its own shares in order, then takes those another worker has
 * not begun, from the back of that worker's list: a core slowed by another job on the machine,
 * or a deal that misjudged, then costs at most a share's time, and the deal keeps each share on
 * one worker whenever the workers keep pace. Each share is claimed once per epoch (a
 * compare-and-swap of the epoch's tag and the worker's number), and a thief stops at the first
 * share of a list that its owner claimed: the owner has claimed or passed every share before
 * it.
 *
 * A share computes the same whichever worker steps it, so neither a deal nor a theft changes
 * any result, only how long the workers wait for each other. Only one thread calls
 * cz_share_deal_look, between phases; during a phase a share's time is written only by the
 * worker that claimed it. */
#ifndef CZ_CORE_SHARE_DEAL_H
#define CZ_CORE_SHARE_DEAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_share_deal_item {
  double busy;
  int share;
} cz_share_deal_item;

typedef struct cz_share_deal {
  int nshares, nworkers;
  int *order;              /* [nshares] the shares, worker after worker */
  int *first;              /* [nworkers + 1] worker w steps order[first[w] .. first[w + 1]) */
  double *busy;            /* [nshares] seconds each share's updates took since the last look */
  int *owner;              /* [nshares] the worker each share is dealt to */
  int *worker_of;          /* [nshares] scratch: a new deal */
  double *load;            /* [nworkers] scratch */
  int *fill;               /* [nworkers] scratch */
  cz_share_deal_item *by;  /* [nshares] scratch: the shares by time */
  _Atomic int64_t *claim;          /* [nshares] the last claim of each share: its epoch's tag, its worker */
  int64_t epochs;          /* epochs ended so far */
  int64_t next_look;       /* the epoch count of the next look */
  int redeals;             /* how many looks changed the deal */
} cz_share_deal;

/* nshares shares dealt round robin to nworkers workers (share s to worker s mod nworkers).
 * Owned (cz_share_deal_free). Local. */
cz_status cz_share_deal_init(cz_share_deal *d, int nshares, int nworkers);
void cz_share_deal_free(cz_share_deal *d);

/* Where a worker is in an epoch's shares. */
typedef struct cz_share_walk {
  int worker, other, k;
  int64_t tag;
} cz_share_walk;

/* Worker w's walk through the epoch that starts at step t0. */
static inline cz_share_walk cz_share_walk_begin(int w, int64_t t0) { return (cz_share_walk){w, 0, 0, t0 + 1}; }
/* The next share the walk's worker steps: its own in order, then the unclaimed ones of the
 * others; -1 when none is left this epoch. */
int cz_share_deal_next(cz_share_deal *d, cz_share_walk *walk);

/* Worker w's shares, *count of them. */
static inline const int *cz_share_deal_of(const cz_share_deal *d, int w, int *count) {
  *count = d->first[w + 1] - d->first[w];
  return d->order + d->first[w];
}

/* Share s's update took seconds (called by the worker that steps it). */
static inline void cz_share_deal_spent(cz_share_deal *d, int s, double seconds) { d->busy[s] += seconds; }

/* An epoch ended: at a look, the shares may be dealt again (see above). Whether the deal
 * changed. One thread, while no worker steps a share. */
bool cz_share_deal_look(cz_share_deal *d);

#endif
