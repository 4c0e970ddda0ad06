#include "bionet/events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static bool before(const cz_bio_event *a, const cz_bio_event *b) { return a->T < b->T || (a->T == b->T && a->seq < b->seq); }

static int compare_events(const void *pa, const void *pb) {
  const cz_bio_event *a = pa, *b = pb;
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

static void swap(cz_bio_event *a, cz_bio_event *b) {
  const cz_bio_event t = *a;
  *a = *b;
  *b = t;
}

static cz_status heap_push(cz_bio_queue *q, cz_bio_event e) {
  CZ_RESERVE(q->h, q->caph, q->nh + 1);
  size_t i = q->nh++;
  q->h[i] = e;
  while (i > 0 && before(&q->h[i], &q->h[(i - 1) / 2])) {
    swap(&q->h[i], &q->h[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  return CZ_OK;
}

static cz_bio_event heap_pop(cz_bio_queue *q) {
  const cz_bio_event top = q->h[0];
  q->h[0] = q->h[--q->nh];
  for (size_t i = 0;;) {
    const size_t l = 2 * i + 1, r = l + 1;
    size_t m = i;
    if (l < q->nh && before(&q->h[l], &q->h[m])) m = l;
    if (r < q->nh && before(&q->h[r], &q->h[m])) m = r;
    if (m == i) break;
    swap(&q->h[i], &q->h[m]);
    i = m;
  }
  return top;
}

/* The bucket number of time T, as a double (it may lie far beyond an int64's range). */
static double bucket_of(const cz_bio_queue *q, double T) { return floor((T - q->origin) / q->dt); }

static cz_bio_bucket *slot(const cz_bio_queue *q, int64_t b) { return &q->ring[(uint64_t)b % CZ_BIO_RING]; }

static cz_status append(cz_bio_bucket *k, cz_bio_event e) {
  CZ_RESERVE(k->e, k->cap, k->n + 1);
  k->e[k->n++] = e;
  return CZ_OK;
}

/* Into the front bucket, which is sorted: after every pending event of T <= e.T (e is the
 * newest, so it goes after the events of its T). */
static cz_status insert_sorted(cz_bio_bucket *k, cz_bio_event e) {
  CZ_RESERVE(k->e, k->cap, k->n + 1);
  size_t lo = k->next, hi = k->n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (k->e[mid].T <= e.T) lo = mid + 1;
    else hi = mid;
  }
  memmove(&k->e[lo + 1], &k->e[lo], (k->n - lo) * sizeof *k->e);
  k->e[lo] = e;
  k->n++;
  return CZ_OK;
}

/* An event into the ring: its bucket, the front one if its bucket has passed. */
static cz_status place(cz_bio_queue *q, cz_bio_event e, double b) {
  if (b <= (double)q->front) return insert_sorted(slot(q, q->front), e);
  return append(slot(q, (int64_t)b), e);
}

/* The far events that the ring now reaches, in (T, insertion) order, from the early array and
 * the heap. */
static cz_status pull_far(cz_bio_queue *q) {
  const double horizon = (double)q->front + CZ_BIO_RING;
  for (;;) {
    const cz_bio_event *a = q->next_early < q->nearly ? &q->early[q->next_early] : NULL;
    const cz_bio_event *h = q->nh ? &q->h[0] : NULL;
    const cz_bio_event *m = a && (!h || before(a, h)) ? a : h;
    if (!m) return CZ_OK;
    const double b = bucket_of(q, m->T);
    if (b >= horizon) return CZ_OK;
    const cz_bio_event e = m == a ? q->early[q->next_early++] : heap_pop(q);
    if (b <= (double)q->front) CZ_TRY(append(slot(q, q->front), e)); /* sorted by the caller */
    else CZ_TRY(append(slot(q, (int64_t)b), e));
  }
}

static void sort_front(cz_bio_queue *q) {
  cz_bio_bucket *k = slot(q, q->front);
  if (k->n - k->next > 1) qsort(&k->e[k->next], k->n - k->next, sizeof *k->e, compare_events);
}

cz_status cz_bio_queue_set_step(cz_bio_queue *q, double origin, double dt) {
  CZ_CHECK(q->dt == 0 && dt > 0 && isfinite(origin), CZ_ERR_INTERNAL, "the event queue's step is set once, positive");
  CZ_NEW(q->ring, CZ_BIO_RING);
  q->origin = origin;
  q->dt = dt;
  q->front = 0;
  q->early = q->h; /* what was queued so far, sorted once and read in order */
  q->nearly = q->nh;
  q->next_early = 0;
  q->h = NULL;
  q->nh = q->caph = 0;
  if (q->nearly > 1) qsort(q->early, q->nearly, sizeof *q->early, compare_events);
  CZ_TRY(pull_far(q));
  sort_front(q);
  return CZ_OK;
}

cz_status cz_bio_queue_push(cz_bio_queue *q, double T, uint32_t target, double w) {
  const cz_bio_event e = {T, q->next_seq++, target, w};
  if (q->dt == 0) CZ_TRY(heap_push(q, e));
  else {
    const double b = bucket_of(q, T);
    CZ_TRY(b >= (double)q->front + CZ_BIO_RING ? heap_push(q, e) : place(q, e, b));
  }
  q->n++;
  return CZ_OK;
}

/* The front bucket is empty: the next one comes to the front, with the far events it reaches. */
static cz_status advance(cz_bio_queue *q) {
  cz_bio_bucket *k = slot(q, q->front);
  k->n = k->next = 0;
  q->front++;
  CZ_TRY(pull_far(q));
  sort_front(q);
  return CZ_OK;
}

bool cz_bio_queue_pop_until(cz_bio_queue *q, double until, cz_bio_event *e) {
  if (q->n == 0 || q->error != CZ_OK) return false;
  if (q->dt == 0) {
    if (!(q->h[0].T <= until)) return false;
    *e = heap_pop(q);
    q->n--;
    return true;
  }
  for (;;) {
    cz_bio_bucket *k = slot(q, q->front);
    if (k->next < k->n) {
      if (!(k->e[k->next].T <= until)) return false;
      *e = k->e[k->next++];
      if (k->next == k->n) k->n = k->next = 0;
      q->n--;
      return true;
    }
    /* Every later bucket's events lie at or after its start, past until's bucket. */
    if (!(bucket_of(q, until) > (double)q->front)) return false;
    if ((q->error = advance(q)) != CZ_OK) return false;
  }
}

cz_status cz_bio_queue_status(const cz_bio_queue *q) { return q->error; }

void cz_bio_queue_free(cz_bio_queue *q) {
  free(q->h);
  free(q->early);
  for (size_t k = 0; q->ring && k < CZ_BIO_RING; k++) free(q->ring[k].e);
  free(q->ring);
  memset(q, 0, sizeof *q);
}
