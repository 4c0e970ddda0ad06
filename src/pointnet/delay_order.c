#include "pointnet/delay_order.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Scratch for one source's synapses: keys and positions, twice for the radix passes, and
 * room for one column. */
typedef struct order_scratch {
  uint16_t *key[2];
  uint32_t *idx[2];
  void *col;
} order_scratch;

static void scratch_free(order_scratch *o) {
  for (int i = 0; i < 2; i++) {
    free(o->key[i]);
    free(o->idx[i]);
  }
  free(o->col);
}

/* Scratch for sources of up to n synapses: the column, and the keys and positions unless the
 * delays are packed (order_packed needs none). */
static cz_status scratch_alloc(order_scratch *o, size_t n, bool packed) {
  memset(o, 0, sizeof *o);
  CZ_CHECK(n <= UINT32_MAX, CZ_ERR_CONFIG, "a neuron has %zu synapses onto one thread's neurons, more than 2^32", n);
  for (int i = 0; i < 2 && !packed; i++) {
    o->key[i] = malloc((n + 1) * sizeof *o->key[i]);
    o->idx[i] = malloc((n + 1) * sizeof *o->idx[i]);
  }
  o->col = malloc((n + 1) * sizeof(double));
  if ((packed || (o->key[0] && o->key[1] && o->idx[0] && o->idx[1])) && o->col) return CZ_OK;
  scratch_free(o);
  return CZ_ERROR(CZ_ERR_NOMEM, "out of memory sorting synapses by delay");
}

/* One stable counting pass by the byte of key at shift: (key[0], idx[0]) into (key[1],
 * idx[1]). */
static void radix_pass(order_scratch *o, size_t n, unsigned shift) {
  size_t count[257] = {0};
  for (size_t i = 0; i < n; i++) count[((o->key[0][i] >> shift) & 0xff) + 1]++;
  for (int b = 0; b < 256; b++) count[b + 1] += count[b];
  for (size_t i = 0; i < n; i++) {
    const size_t j = count[(o->key[0][i] >> shift) & 0xff]++;
    o->key[1][j] = o->key[0][i];
    o->idx[1][j] = o->idx[0][i];
  }
  uint16_t *k = o->key[0];
  o->key[0] = o->key[1], o->key[1] = k;
  uint32_t *x = o->idx[0];
  o->idx[0] = o->idx[1], o->idx[1] = x;
}

/* Column x[0, n) of one source, permuted into the order idx gives. */
#define CZ_GATHER(type, x, idx, n, col)                                  \
  do {                                                                   \
    type *restrict g_ = (type *)(col);                                   \
    for (size_t i_ = 0; i_ < (n); i_++) g_[i_] = (x)[(idx)[i_]];         \
    memcpy((x), g_, (n) * sizeof(type));                                 \
  } while (0)

/* Column x[0, n) of one source, each entry moved to its position pos[delay of entry i]++. */
#define CZ_SCATTER(type, x, tgt, pos, n, col)                              \
  do {                                                                     \
    type *restrict g_ = (type *)(col);                                     \
    for (size_t i_ = 0; i_ < (n); i_++) g_[(pos)[(tgt)[i_] >> CZ_TGT_BITS]++] = (x)[i_]; \
    memcpy((x), g_, (n) * sizeof(type));                                   \
  } while (0)

/* order_source for a table with the delays packed into the targets (below 2^8): one counting
 * pass over the 256 possible delays, moving the columns themselves. */
static void order_packed(cz_synapses *s, size_t a, size_t n, order_scratch *o) {
  uint32_t count[256] = {0}, pos[256];
  uint32_t *tgt = s->tgt + a;
  for (size_t i = 0; i < n; i++) count[tgt[i] >> CZ_TGT_BITS]++;
  uint32_t at = 0;
  int used = 0;
  for (int d = 0; d < 256; d++) {
    pos[d] = at;
    at += count[d];
    used += count[d] > 0;
  }
  if (used < 2) return;
  /* the weights first: their positions come from the targets, which move last */
  uint32_t next[256];
  memcpy(next, pos, sizeof next);
  if (s->wcode) CZ_SCATTER(uint16_t, s->wcode + a, tgt, next, n, o->col);
  else if (s->weightf) CZ_SCATTER(float, s->weightf + a, tgt, next, n, o->col);
  else if (s->weight) CZ_SCATTER(double, s->weight + a, tgt, next, n, o->col);
  CZ_SCATTER(uint32_t, tgt, tgt, pos, n, o->col);
}

#undef CZ_SCATTER

/* Sorts the synapses [a, a + n) by delay: returns without moving any when they share one.
 * Delays apart from the targets (up to 2^16) take one or two byte-wise radix passes over keys
 * and positions, then each column is gathered. */
static void order_source(cz_synapses *s, size_t a, size_t n, order_scratch *o) {
  if (!s->delay) {
    order_packed(s, a, n, o);
    return;
  }
  const uint16_t *delay = s->delay + a;
  uint16_t lo = UINT16_MAX, hi = 0;
  for (size_t i = 0; i < n; i++) {
    lo = delay[i] < lo ? delay[i] : lo;
    hi = delay[i] > hi ? delay[i] : hi;
  }
  if (lo == hi) return;
  for (size_t i = 0; i < n; i++) {
    o->key[0][i] = (uint16_t)(delay[i] - lo);
    o->idx[0][i] = (uint32_t)i;
  }
  radix_pass(o, n, 0);
  if (hi - lo > 0xff) radix_pass(o, n, 8);
  const uint32_t *idx = o->idx[0];
  CZ_GATHER(uint32_t, s->tgt + a, idx, n, o->col);
  CZ_GATHER(uint16_t, s->delay + a, idx, n, o->col);
  if (s->wcode) CZ_GATHER(uint16_t, s->wcode + a, idx, n, o->col);
  else if (s->weightf) CZ_GATHER(float, s->weightf + a, idx, n, o->col);
  else if (s->weight) CZ_GATHER(double, s->weight + a, idx, n, o->col);
}

#undef CZ_GATHER

cz_status cz_synapses_order_by_delay(cz_synapses *s) {
  const size_t nslot = s->index.src ? s->index.src->nslot : 0;
  size_t most = 0;
  for (size_t slot = 0; slot < nslot; slot++) {
    const cz_span r = cz_syn_index_slot_span(&s->index, slot);
    most = r.hi - r.lo > most ? r.hi - r.lo : most;
  }
  if (most < 2) return CZ_OK;
  order_scratch o;
  CZ_TRY(scratch_alloc(&o, most, s->delay == NULL));
  for (size_t slot = 0; slot < nslot; slot++) {
    const cz_span r = cz_syn_index_slot_span(&s->index, slot);
    if (r.hi - r.lo >= 2) order_source(s, r.lo, r.hi - r.lo, &o);
  }
  scratch_free(&o);
  return CZ_OK;
}
