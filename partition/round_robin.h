/* Partitioners that ignore the connectivity: for tests, as a fallback when METIS cannot take
 * the graph, and as a baseline to judge METIS by (cz_partition_quality). Neither needs a
 * graph, so they cost O(n) time and no memory. */
#ifndef CZ_PARTITION_ROUND_ROBIN_H
#define CZ_PARTITION_ROUND_ROBIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* part[i] = i % nparts for i in [0, n) (caller-owned array of n entries). Part sizes differ
 * by at most one. nparts < 1 is CZ_ERR_INTERNAL. Local. Thread-safe. */
cz_status cz_part_round_robin(size_t n, int nparts, uint32_t *part);

/* Contiguous blocks: part 0 gets the first vertices, part 1 the next, ...; the first
 * n % nparts parts hold one vertex more than the others, so sizes differ by at most one
 * and part[] is non-decreasing (caller-owned array of n entries). nparts < 1 is
 * CZ_ERR_INTERNAL. Local. Thread-safe. */
cz_status cz_part_block(size_t n, int nparts, uint32_t *part);

#endif
