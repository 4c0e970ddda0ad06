#include "core/share_deal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define FIRST_LOOK 4     /* epochs */
#define LOOK_GROWTH 4    /* each look this many times later than the one before */
#define MIN_GAIN 0.02    /* the busiest worker's time a new deal must save */
#define WORKER_BITS 16   /* a claim: the epoch's tag above, the claiming worker below */

/* Fills order and first from owner, each worker's shares in the order of by (longest first
 * once times are measured: the shares last in a list, which thieves take and which end the
 * epoch, are then the shortest). */
static void lay_out(cz_share_deal *d, const int *owner) {
  memset(d->first, 0, (size_t)(d->nworkers + 1) * sizeof *d->first);
  for (int s = 0; s < d->nshares; s++) d->first[owner[s] + 1]++;
  for (int w = 0; w < d->nworkers; w++) d->first[w + 1] += d->first[w];
  int *at = d->fill;
  memcpy(at, d->first, (size_t)d->nworkers * sizeof *at);
  for (int k = 0; k < d->nshares; k++) {
    const int s = d->by[k].share;
    d->order[at[owner[s]]++] = s;
  }
}

cz_status cz_share_deal_init(cz_share_deal *d, int nshares, int nworkers) {
  memset(d, 0, sizeof *d);
  CZ_CHECK(nshares >= nworkers && nworkers > 0, CZ_ERR_INTERNAL, "%d shares cannot keep %d workers busy", nshares,
           nworkers);
  CZ_CHECK(nworkers < 1 << WORKER_BITS, CZ_ERR_CONFIG, "%d threads on one rank: at most %d", nworkers,
           (1 << WORKER_BITS) - 1);
  d->nshares = nshares;
  d->nworkers = nworkers;
  d->order = cz_calloc((size_t)nshares, sizeof *d->order);
  d->first = cz_calloc((size_t)nworkers + 1, sizeof *d->first);
  d->busy = cz_calloc((size_t)nshares, sizeof *d->busy);
  d->owner = cz_calloc((size_t)nshares, sizeof *d->owner);
  d->worker_of = cz_calloc((size_t)nshares, sizeof *d->worker_of);
  d->load = cz_calloc((size_t)nworkers, sizeof *d->load);
  d->fill = cz_calloc((size_t)nworkers, sizeof *d->fill);
  d->by = cz_calloc((size_t)nshares, sizeof *d->by);
  d->claim = cz_calloc((size_t)nshares, sizeof *d->claim);
  for (int s = 0; d->claim && s < nshares; s++) atomic_init(&d->claim[s], 0);
  if (!d->order || !d->first || !d->busy || !d->owner || !d->worker_of || !d->load || !d->fill || !d->by || !d->claim) {
    cz_share_deal_free(d);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (int s = 0; s < nshares; s++) {
    d->owner[s] = s % nworkers;
    d->by[s] = (cz_share_deal_item){0, s};
  }
  lay_out(d, d->owner);
  d->next_look = FIRST_LOOK;
  return CZ_OK;
}

void cz_share_deal_free(cz_share_deal *d) {
  free(d->order);
  free(d->first);
  free(d->busy);
  free(d->owner);
  free(d->worker_of);
  free(d->load);
  free(d->fill);
  free(d->by);
  free((void *)d->claim);
  memset(d, 0, sizeof *d);
}

/* Longest first; equal times by share. */
static int longer_first(const void *pa, const void *pb) {
  const cz_share_deal_item *a = pa, *b = pb;
  if (a->busy != b->busy) return a->busy > b->busy ? -1 : 1;
  return (a->share > b->share) - (a->share < b->share);
}

/* The busiest worker's time under the present deal. */
static double busiest_now(const cz_share_deal *d) {
  double most = 0;
  for (int w = 0; w < d->nworkers; w++) {
    double sum = 0;
    for (int k = d->first[w]; k < d->first[w + 1]; k++) sum += d->busy[d->order[k]];
    if (sum > most) most = sum;
  }
  return most;
}

/* The longest-first deal of the times measured (by, sorted) into worker_of; the busiest
 * worker's time. */
static double deal_longest_first(cz_share_deal *d) {
  for (int w = 0; w < d->nworkers; w++) d->load[w] = 0;
  double most = 0;
  for (int k = 0; k < d->nshares; k++) {
    int least = 0;
    for (int w = 1; w < d->nworkers; w++)
      if (d->load[w] < d->load[least]) least = w;
    d->worker_of[d->by[k].share] = least;
    d->load[least] += d->by[k].busy;
    if (d->load[least] > most) most = d->load[least];
  }
  return most;
}

bool cz_share_deal_look(cz_share_deal *d) {
  if (++d->epochs < d->next_look) return false;
  d->next_look = d->epochs * LOOK_GROWTH;
  const double now = busiest_now(d);
  if (now <= 0) return false; /* nothing measured */
  for (int s = 0; s < d->nshares; s++) d->by[s] = (cz_share_deal_item){d->busy[s], s};
  qsort(d->by, (size_t)d->nshares, sizeof *d->by, longer_first);
  const bool better = deal_longest_first(d) < (1.0 - MIN_GAIN) * now;
  if (better) {
    memcpy(d->owner, d->worker_of, (size_t)d->nshares * sizeof *d->owner);
    d->redeals++;
  }
  lay_out(d, d->owner);
  for (int s = 0; s < d->nshares; s++) d->busy[s] = 0;
  return better;
}

/* Whether worker w is the first of its epoch (tag) to claim share s; else who did, in *by. */
static bool claim(cz_share_deal *d, int s, int64_t tag, int w, int *by) {
  int64_t seen = atomic_load_explicit(&d->claim[s], memory_order_relaxed);
  while (seen >> WORKER_BITS != tag)
    if (atomic_compare_exchange_weak_explicit(&d->claim[s], &seen, tag << WORKER_BITS | w, memory_order_relaxed,
                                              memory_order_relaxed))
      return true;
  *by = (int)(seen & ((1 << WORKER_BITS) - 1));
  return false;
}

int cz_share_deal_next(cz_share_deal *d, cz_share_walk *walk) {
  const int me = walk->worker;
  int by;
  while (walk->other == 0 && walk->k < d->first[me + 1] - d->first[me]) {
    const int s = d->order[d->first[me] + walk->k++];
    if (claim(d, s, walk->tag, me, &by)) return s;
  }
  if (walk->other == 0) walk->k = 0;
  /* The others' lists, each from its back: an owner claims its list in order, so below a
   * share its owner claimed every share is taken. */
  for (walk->other += walk->other == 0; walk->other < d->nworkers; walk->other++, walk->k = 0) {
    const int v = (me + walk->other) % d->nworkers, n = d->first[v + 1] - d->first[v];
    while (walk->k < n) {
      const int s = d->order[d->first[v + 1] - 1 - walk->k++];
      if (claim(d, s, walk->tag, me, &by)) return s;
      if (by == v) break;
    }
  }
  return -1;
}
