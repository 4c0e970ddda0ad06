/* Partitioners that ignore the connectivity: for tests, as a fallback when METIS cannot take
 * the graph, and as a baseline to judge METIS by (cz_partition_quality). Neither needs a
 * graph, so they cost O(n) time (O(n log nparts) when weighted) and no memory beyond the
 * parts' running costs. */
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

/* The same two partitioners balancing a cost per vertex (weight: borrowed, [n]; NULL or all
 * equal gives exactly the unweighted result above).
 * Round-robin deals the vertices in order, each to the part with the least cost so far (the
 * lowest-numbered on ties): uniform costs give i % nparts. O(n log nparts).
 * Block fills the parts in order: part p, while vertices remain, takes its first vertex and
 * then each next one whose midpoint stays within its share, ceil(remaining cost / remaining
 * parts); the last part takes the rest. Uniform costs give the block sizes above, and a part
 * exceeds its share by at most half a vertex's cost, or by one vertex heavier than the share.
 * part[] is non-decreasing. Local. Thread-safe. */
cz_status cz_part_round_robin_weighted(size_t n, const uint32_t *weight, int nparts, uint32_t *part);
cz_status cz_part_block_weighted(size_t n, const uint32_t *weight, int nparts, uint32_t *part);

#endif
