/* Sets of ranks, one per cell: the other ranks that need the cell's spikes (an engine's send
 * lists, which the loop's exchange walks for every spike, twice).
 *
 * On R ranks a set of m ranks costs min(4 m, R / 8) bytes: a sorted list of its ranks while it
 * is sparse, a bitmap over the ranks once it is dense, chosen per set. With W = ceil(R / 32)
 * words to a bitmap, a set is a list when m < W and a bitmap when m >= W. On many ranks nearly
 * every cell of a well-connected network reaches nearly every rank, and a list per cell would
 * grow 4 bytes per rank; a bitmap grows 1 bit.
 *
 * A pool holds the sets of n cells in one array of 32-bit words: set i is pool[off[i],
 * off[i + 1]), either its m ranks ascending or the W words of its bitmap (rank r is bit r % 32
 * of word r / 32). Its size says which: a list is shorter than W, a bitmap is W words long, so
 * no flag is kept. Iteration visits the ranks in ascending order in either form, so what a loop
 * over a set does is the same whichever form the set has. */
#ifndef CZ_CORE_RANK_SET_H
#define CZ_CORE_RANK_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* One set, as a view into a pool (borrowed). */
typedef struct cz_rank_set {
  const uint32_t *w; /* list entries or bitmap words */
  uint32_t n;        /* entries of w */
  bool bitmap;
} cz_rank_set;

/* The words of a bitmap over nranks ranks. */
static inline uint32_t cz_rank_set_words(uint32_t nranks) { return nranks / 32 + (nranks % 32 != 0); }

/* Whether a set of m of nranks ranks is held as a bitmap. */
static inline bool cz_rank_set_is_bitmap(uint32_t m, uint32_t nranks) { return m >= cz_rank_set_words(nranks); }

/* Calls visit(ctx, r) for each rank r of the set, in ascending order: a loop over the list, or
 * over the bitmap's words and their set bits (count trailing zeros). Inlined, so that a visit
 * the compiler sees is inlined too and the exchange's loops over every spike's ranks run as
 * plain loops, one per form. */
static inline __attribute__((always_inline)) void cz_rank_set_each(cz_rank_set s, void (*visit)(void *ctx, uint32_t r),
                                                                    void *ctx) {
  if (!s.bitmap) {
    for (uint32_t k = 0; k < s.n; k++) visit(ctx, s.w[k]);
    return;
  }
  for (uint32_t j = 0; j < s.n; j++)
    for (uint32_t bits = s.w[j]; bits; bits &= bits - 1) visit(ctx, 32 * j + (uint32_t)__builtin_ctz(bits));
}

/* The sets of n cells over nranks ranks. Built in two passes over the members: count them,
 * lay the pool out, add them; then finish. */
typedef struct cz_rank_sets {
  size_t n;
  uint32_t nranks;
  size_t *off;    /* [n + 1] */
  uint32_t *pool; /* [off[n]] */
  uint32_t *fill; /* [n] during the build: members counted, then added; NULL once finished */
  size_t stray;   /* during the build: members added that were not counted or out of range */
} cz_rank_sets;

/* Starts the sets of n cells over nranks ranks (nranks >= 1), all empty. Owned
 * (cz_rank_sets_free, also after a failure). Local. */
cz_status cz_rank_sets_begin(cz_rank_sets *s, size_t n, uint32_t nranks);

/* Counts one member of set i (i < n), before cz_rank_sets_lay_out. */
static inline void cz_rank_sets_count(cz_rank_sets *s, size_t i) { s->fill[i]++; }

/* Chooses each set's form from its count and allocates the pool. Local. */
cz_status cz_rank_sets_lay_out(cz_rank_sets *s);

/* Adds rank to set i, after cz_rank_sets_lay_out: each counted member once, the members of a
 * set in ascending rank order. Local. */
void cz_rank_sets_add(cz_rank_sets *s, size_t i, uint32_t rank);

/* Ends the build: an error when a set did not get exactly the members counted for it, once
 * each and in ascending order, or a rank was out of range. Local. */
cz_status cz_rank_sets_finish(cz_rank_sets *s);

void cz_rank_sets_free(cz_rank_sets *s);

/* Bytes held: the offsets and the pool. Local. */
size_t cz_rank_sets_bytes(const cz_rank_sets *s);

/* The set of cell i (i < n); an empty set when the sets were never built. Thread-safe. */
static inline cz_rank_set cz_rank_sets_get(const cz_rank_sets *s, size_t i) {
  if (!s->off) return (cz_rank_set){NULL, 0, false};
  const size_t lo = s->off[i], m = s->off[i + 1] - lo;
  return (cz_rank_set){s->pool + lo, (uint32_t)m, m == cz_rank_set_words(s->nranks)};
}

#endif
