/* The target_to_source index of SONATA edge populations (indices/target_to_source, either
 * spelling): reading it, checking it against the edges, and the row ranges of the targets a
 * filter keeps. Internal to io/circuit*.c and io/edge_*.c. Reads are Local; the row checks
 * are thread-safe with distinct buffers (they only read ranges, io/h5.h). */
#ifndef CZ_IO_EDGE_INDEX_H
#define CZ_IO_EDGE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/h5.h"

/* Sorted, disjoint row ranges [a, b) of an edge population. */
typedef struct cz_row_ranges {
  size_t n, cap;
  uint64_t *r; /* [2n] */
} cz_row_ranges;

/* Sorts ranges by their first row. */
void cz_row_ranges_sort(cz_row_ranges *r);
/* Merges sorted ranges at most gap rows apart; *expected: the rows of the ranges themselves.
 * False when ranges overlap. */
bool cz_row_ranges_merge(cz_row_ranges *out, size_t gap, size_t *expected);

/* Reads the index dataset of population pop under the first of names that exists, as [rows]
 * pairs. Owned (*out). False when there is none or it cannot be read. */
bool cz_edge_index_pairs(cz_h5file *f, const char *pop, const char *const *names, uint64_t **out, size_t *rows);
/* Rows between two kept ranges that are cheaper to read through than around (datasets src
 * and tgt of the population). */
size_t cz_edge_index_gap(cz_h5file *f, const char *src, const char *tgt);
/* The rows of the edges onto the targets flt keeps, from the index of e (target population tp,
 * n_file rows); *usable false when the index does not cover every edge exactly once. */
cz_status cz_edge_index_ranges(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                               const cz_edge_filter *flt, cz_row_ranges *out, size_t *expected, bool *usable);
/* The spans of an index, [first row, end row, node id] sorted by row, when its ranges cover
 * [0, n_file) exactly once (*ok). Owned (*out). */
cz_status cz_edge_index_spans(const uint64_t *node_to, size_t nn, const uint64_t *range_to, size_t nr, size_t n_file,
                              uint64_t **out, size_t *nspans, bool *ok);
/* Whether every row in [lo, hi) names its span's node as its target (*ok), read through buf
 * (cap entries). */
cz_status cz_edge_index_check_rows(cz_h5file *f, const char *tgt_path, const uint64_t *spans, size_t ns, size_t lo,
                                   size_t hi, uint64_t *buf, size_t cap, bool *ok);
/* Whether population e's index lists exactly its edges (*ok): one pass over the target ids. */
cz_status cz_edge_index_verify(cz_h5file *f, const cz_edge_pop *e, const char *tgt_path, size_t n_file, uint64_t *buf,
                               size_t cap, bool *ok);
/* Whether c has checked the index of "file:population" key against every edge; recording it. */
bool cz_circuit_index_verified(const cz_circuit *c, const char *key);
cz_status cz_circuit_mark_verified(cz_circuit *c, const char *key);

#endif
