/* Counting connected vertex pairs without one record per synapse.
 *
 * The partition graph of a large network is built from a scan over its edges (every rank
 * reading its share of the files). Grouping neighbouring nodes into one vertex leaves far
 * fewer distinct pairs than synapses, so the pairs are counted, not stored, in one of two
 * ways:
 * - sorted (cz_pairs_init): cz_pairs_add buffers an undirected pair {a, b} as the key
 *   min * nvtx + max; a full buffer is sorted (radix) and merged into the sorted list of
 *   distinct keys with their counts. Memory is the distinct pairs (16 bytes each) plus the
 *   buffer, whatever the number of synapses or vertices.
 * - dense (cz_pairs_init_dense, for few vertices): a 32-bit counter per ordered pair, row b
 *   column a for cz_pairs_add(a, b). Calls that keep b while a varies (the edges of one
 *   target, as SONATA files are sorted) stay within one row, in the caches. A flush folds
 *   (a, b) and (b, a) together into the sorted list and clears the counters; one runs by
 *   itself before any counter could pass 2^32 - 1 (dense_limit additions).
 *
 * Records are (key, count) int64 pairs, the layout the spike exchange moves between ranks, so
 * lists from several ranks can be merged with cz_pairs_add_records. */
#ifndef CZ_PARTITION_PAIR_COUNTS_H
#define CZ_PARTITION_PAIR_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_pair_counts {
  uint64_t nvtx;
  size_t n, cap;      /* distinct pairs so far; capacity of rec in words */
  int64_t *rec;       /* [2n]: (key, count), keys ascending and unique; owned */
  size_t nbuf, capbuf;
  uint64_t *buf;      /* [capbuf]: keys not merged yet; owned */
  uint64_t *scratch;  /* [capbuf]: radix sort scratch; owned */
  uint32_t *dense;    /* dense counting: [nvtx * nvtx], row b column a; owned (NULL: sorted) */
  uint64_t dense_adds, dense_limit; /* additions since the last flush; the flush point */
} cz_pair_counts;

/* An empty counter for vertices 0 .. nvtx-1 (nvtx * nvtx must fit 63 bits) that merges every
 * `buffer` pairs. Local. */
cz_status cz_pairs_init(cz_pair_counts *p, uint64_t nvtx, size_t buffer);
/* An empty dense counter for vertices 0 .. nvtx-1 (4 nvtx^2 bytes). Local. */
cz_status cz_pairs_init_dense(cz_pair_counts *p, uint64_t nvtx);
void cz_pairs_free(cz_pair_counts *p);

/* Merges the buffered keys, or the dense counts, into p->rec. Local. */
cz_status cz_pairs_flush(cz_pair_counts *p);

/* Counts one undirected pair; a == b (a loop) is ignored. a, b < nvtx. Local. */
static inline cz_status cz_pairs_add(cz_pair_counts *p, uint32_t a, uint32_t b) {
  if (a == b) return CZ_OK;
  if (p->dense) {
    p->dense[(size_t)b * p->nvtx + a]++;
    return ++p->dense_adds == p->dense_limit ? cz_pairs_flush(p) : CZ_OK;
  }
  if (p->nbuf == p->capbuf) CZ_TRY(cz_pairs_flush(p));
  p->buf[p->nbuf++] = a < b ? (uint64_t)a * p->nvtx + b : (uint64_t)b * p->nvtx + a;
  return CZ_OK;
}

/* Merges n records (keys in any order, possibly repeated; counts >= 0) into p, flushing the
 * buffer first. Local. */
cz_status cz_pairs_add_records(cz_pair_counts *p, const int64_t *rec, size_t n);

/* The two ends of a key, a < b. */
static inline void cz_pairs_ends(const cz_pair_counts *p, uint64_t key, uint32_t *a, uint32_t *b) {
  *a = (uint32_t)(key / p->nvtx);
  *b = (uint32_t)(key % p->nvtx);
}

/* Sorts n keys ascending, all <= max_key, with a radix sort through scratch ([n]). Local. */
void cz_sort_u64_radix(uint64_t *keys, uint64_t *scratch, size_t n, uint64_t max_key);

#endif
