/* Sorting of (key, key) pairs, the canonical order of events: spikes by (step, gid), clamp
 * changes by (step, neuron). */
#ifndef CZ_BASE_SORT_H
#define CZ_BASE_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts n pairs stored as pairs[2i], pairs[2i+1] lexicographically, in place. Local. */
void cz_sort_i64_pairs(int64_t *pairs, size_t n);

#endif
