#include "core/rank_set.h"

#include <stdlib.h>

#include "base/mem.h"

cz_status cz_rank_sets_begin(cz_rank_sets *s, size_t n, uint32_t nranks) {
  *s = (cz_rank_sets){n, nranks, NULL, NULL, NULL, 0};
  CZ_CHECK(nranks >= 1, CZ_ERR_INTERNAL, "sets of ranks over %u ranks", nranks);
  CZ_NEW(s->fill, n + 1);
  return CZ_OK;
}

/* The words set i holds: a list of its members, or a bitmap once that is no longer. */
static size_t set_size(uint32_t members, uint32_t nranks) {
  return cz_rank_set_is_bitmap(members, nranks) ? cz_rank_set_words(nranks) : members;
}

cz_status cz_rank_sets_lay_out(cz_rank_sets *s) {
  CZ_NEW(s->off, s->n + 1);
  for (size_t i = 0; i < s->n; i++) s->off[i + 1] = s->off[i] + set_size(s->fill[i], s->nranks);
  CZ_NEW(s->pool, s->off[s->n] + 1); /* zeroed: the bitmaps start empty */
  /* a list's fill becomes its cursor; a bitmap's keeps the count, for cz_rank_sets_finish */
  for (size_t i = 0; i < s->n; i++)
    if (!cz_rank_set_is_bitmap(s->fill[i], s->nranks)) s->fill[i] = 0;
  return CZ_OK;
}

void cz_rank_sets_add(cz_rank_sets *s, size_t i, uint32_t rank) {
  const size_t lo = s->off[i], m = s->off[i + 1] - lo;
  if (rank >= s->nranks) {
    s->stray++;
  } else if (m == cz_rank_set_words(s->nranks)) {
    s->pool[lo + rank / 32] |= UINT32_C(1) << (rank % 32);
  } else if (s->fill[i] == m) {
    s->stray++;
  } else {
    s->pool[lo + s->fill[i]++] = rank;
  }
}

/* Whether set i got what was counted for it: a list filled in ascending order, a bitmap with
 * as many bits as members counted (a member added twice sets one bit). */
static bool set_complete(const cz_rank_sets *s, size_t i) {
  const cz_rank_set set = cz_rank_sets_get(s, i);
  if (set.bitmap) {
    uint32_t bits = 0;
    for (uint32_t k = 0; k < set.n; k++) bits += (uint32_t)__builtin_popcount(set.w[k]);
    return bits == s->fill[i];
  }
  for (uint32_t k = 1; k < set.n; k++)
    if (set.w[k] <= set.w[k - 1]) return false;
  return s->fill[i] == set.n;
}

cz_status cz_rank_sets_finish(cz_rank_sets *s) {
  CZ_CHECK(s->stray == 0, CZ_ERR_INTERNAL, "%zu members of sets of ranks were out of range or not counted",
           s->stray);
  for (size_t i = 0; i < s->n; i++)
    CZ_CHECK(set_complete(s, i), CZ_ERR_INTERNAL,
             "set of ranks %zu did not get the members counted for it, once each in ascending order", i);
  free(s->fill);
  s->fill = NULL;
  return CZ_OK;
}

void cz_rank_sets_free(cz_rank_sets *s) {
  free(s->off);
  free(s->pool);
  free(s->fill);
  *s = (cz_rank_sets){0, 0, NULL, NULL, NULL, 0};
}

size_t cz_rank_sets_bytes(const cz_rank_sets *s) {
  return s->off ? (s->n + 1) * sizeof *s->off + s->off[s->n] * sizeof *s->pool : 0;
}
