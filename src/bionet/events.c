#include "bionet/events.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static bool before(const cz_bio_event *a, const cz_bio_event *b) { return a->T < b->T || (a->T == b->T && a->seq < b->seq); }

static void swap(cz_bio_event *a, cz_bio_event *b) {
  const cz_bio_event t = *a;
  *a = *b;
  *b = t;
}

cz_status cz_bio_queue_push(cz_bio_queue *q, double T, uint32_t target, double w) {
  CZ_RESERVE(q->h, q->cap, q->n + 1);
  size_t i = q->n++;
  q->h[i] = (cz_bio_event){T, q->next_seq++, target, w};
  while (i > 0 && before(&q->h[i], &q->h[(i - 1) / 2])) {
    swap(&q->h[i], &q->h[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  return CZ_OK;
}

bool cz_bio_queue_pop_until(cz_bio_queue *q, double until, cz_bio_event *e) {
  if (q->n == 0 || !(q->h[0].T <= until)) return false;
  *e = q->h[0];
  q->h[0] = q->h[--q->n];
  for (size_t i = 0;;) {
    const size_t l = 2 * i + 1, r = l + 1;
    size_t m = i;
    if (l < q->n && before(&q->h[l], &q->h[m])) m = l;
    if (r < q->n && before(&q->h[r], &q->h[m])) m = r;
    if (m == i) break;
    swap(&q->h[i], &q->h[m]);
    i = m;
  }
  return true;
}

void cz_bio_queue_free(cz_bio_queue *q) {
  free(q->h);
  memset(q, 0, sizeof *q);
}
