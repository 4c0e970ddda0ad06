#include "pointnet/arrivals.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

cz_status cz_arrivals_add(cz_arrivals *l, const cz_synapses *s, int64_t u, uint32_t gid) {
  const cz_span r = cz_syn_index_span(&s->index, gid); const size_t a = r.lo, b = r.hi;
  if (a == b) return CZ_OK;
  CZ_RESERVE(l->a, l->cap, l->n + 1);
  l->a[l->n++] = (cz_arrival){u + (int64_t)cz_syn_delay(s, a), u, a, b};
  return CZ_OK;
}

/* The run of synapses from k of delay d into row; k is left past it. One copy per weight
 * layout (coded, float, double) and delay layout (packed into the targets or apart), so that
 * the loop holds no branch but its end. */
#define CZ_FILL_RUN(weight_k)                                                                     \
  do {                                                                                          \
    if (delay)                                                                                  \
      for (; k < end && delay[k] == d; k++) row[tgt[k]] += weight_k;                            \
    else                                                                                        \
      for (; k < end && (tgt[k] >> CZ_TGT_BITS) == d; k++) row[tgt[k] & CZ_TGT_MASK] += weight_k; \
  } while (0)

static size_t fill_run(const cz_synapses *s, const double *wtab, double *restrict row, size_t k, size_t end,
                       uint32_t d) {
  const uint32_t *restrict tgt = s->tgt;
  const uint16_t *restrict delay = s->delay;
  if (s->wcode) {
    const uint16_t *restrict code = s->wcode;
    CZ_FILL_RUN(wtab[code[k]]);
  } else if (s->weightf) {
    const float *restrict w = s->weightf;
    CZ_FILL_RUN((double)w[k]);
  } else {
    const double *restrict w = s->weight;
    CZ_FILL_RUN(w[k]);
  }
  return k;
}

#undef CZ_FILL_RUN

uint64_t cz_arrivals_fill(cz_arrivals *l, const cz_synapses *s, const double *wtab, const cz_ring_rows *ring,
                          int64_t t2) {
  uint64_t nev = 0;
  size_t kept = 0;
  for (size_t i = 0; i < l->n; i++) {
    cz_arrival e = l->a[i];
    while (e.due < t2) {
      double *row = ring->base + (size_t)(e.due & (int64_t)ring->mask) * ring->stride;
      const size_t k = fill_run(s, wtab, row, e.k, e.end, (uint32_t)(e.due - e.u));
      nev += k - e.k;
      e.k = k;
      if (k == e.end) break;
      e.due = e.u + (int64_t)cz_syn_delay(s, k);
    }
    if (e.k < e.end) l->a[kept++] = e;
  }
  l->n = kept;
  return nev;
}

void cz_arrivals_free(cz_arrivals *l) {
  free(l->a);
  memset(l, 0, sizeof *l);
}
