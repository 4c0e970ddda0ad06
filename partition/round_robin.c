#include "partition/round_robin.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/mem.h"

cz_status cz_part_round_robin(size_t n, int nparts, uint32_t *part) {
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  for (size_t i = 0; i < n; i++) part[i] = (uint32_t)(i % (size_t)nparts);
  return CZ_OK;
}

cz_status cz_part_block(size_t n, int nparts, uint32_t *part) {
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  size_t np = (size_t)nparts;
  size_t small = n / np;          /* size of the later parts */
  size_t nbig = n % np;           /* parts of size small + 1, which come first */
  size_t big_end = nbig * (small + 1);
  for (size_t i = 0; i < n; i++)
    part[i] = (uint32_t)(i < big_end ? i / (small + 1) : nbig + (i - big_end) / small);
  return CZ_OK;
}

/* Whether every weight equals the first: the unweighted rules then give the same parts. */
static bool uniform(size_t n, const uint32_t *weight) {
  for (size_t i = 1; weight && i < n; i++)
    if (weight[i] != weight[0]) return false;
  return true;
}

/* A min-heap of parts keyed by (cost so far, part number). */
typedef struct part_heap {
  uint64_t *load; /* [nparts] */
  uint32_t *at;   /* [nparts]: heap order, part numbers */
  size_t n;
} part_heap;

static bool lighter(const part_heap *h, uint32_t a, uint32_t b) {
  return h->load[a] < h->load[b] || (h->load[a] == h->load[b] && a < b);
}

/* Restores the heap below slot i after the part there got heavier. */
static void sift_down(part_heap *h, size_t i) {
  for (;;) {
    size_t least = i, l = 2 * i + 1, r = l + 1;
    if (l < h->n && lighter(h, h->at[l], h->at[least])) least = l;
    if (r < h->n && lighter(h, h->at[r], h->at[least])) least = r;
    if (least == i) return;
    const uint32_t t = h->at[i];
    h->at[i] = h->at[least];
    h->at[least] = t;
    i = least;
  }
}

cz_status cz_part_round_robin_weighted(size_t n, const uint32_t *weight, int nparts, uint32_t *part) {
  if (uniform(n, weight)) return cz_part_round_robin(n, nparts, part);
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  part_heap h = {cz_calloc((size_t)nparts, sizeof *h.load), cz_calloc((size_t)nparts, sizeof *h.at), (size_t)nparts};
  if (!h.load || !h.at) {
    free(h.load);
    free(h.at);
    return CZ_ERROR(CZ_ERR_NOMEM, "partition: out of memory for %d parts", nparts);
  }
  for (size_t k = 0; k < h.n; k++) h.at[k] = (uint32_t)k; /* all loads 0: ascending numbers form a heap */
  for (size_t i = 0; i < n; i++) {
    part[i] = h.at[0];
    h.load[h.at[0]] += weight[i];
    sift_down(&h, 0);
  }
  free(h.load);
  free(h.at);
  return CZ_OK;
}

cz_status cz_part_block_weighted(size_t n, const uint32_t *weight, int nparts, uint32_t *part) {
  if (uniform(n, weight)) return cz_part_block(n, nparts, part);
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  uint64_t left = 0;
  for (size_t i = 0; i < n; i++) left += weight[i];
  size_t i = 0;
  for (uint32_t p = 0; p < (uint32_t)nparts; p++) {
    const uint64_t parts_left = (uint64_t)nparts - p;
    const uint64_t share = (left + parts_left - 1) / parts_left;
    uint64_t load = 0;
    /* a vertex belongs here while its midpoint, load + w / 2, is within the share */
    while (i < n && (load == 0 || p + 1 == (uint32_t)nparts || 2 * load + weight[i] <= 2 * share)) {
      part[i] = p;
      load += weight[i++];
    }
    left -= load;
  }
  return CZ_OK;
}
