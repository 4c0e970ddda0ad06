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

/* Rows between two kept ranges that are cheaper to read through than around (datasets src
 * and tgt of the population). */
size_t cz_edge_index_gap(cz_h5file *f, const char *src, const char *tgt);

/* Spans of an index: [first row, end row, node id] triples, sorted by row, disjoint, none
 * empty; rows: the rows they hold. */
typedef struct cz_index_spans {
  size_t n;
  uint64_t *s; /* [3n] */
  uint64_t rows;
} cz_index_spans;
void cz_index_spans_free(cz_index_spans *s);

/* The spans of the targets flt keeps (flt->keep_target), from the index of e (target
 * population tp, n_file rows): only their entries are read and held, piece by piece. *ok false
 * (and no spans) when there is no index, or it cannot hold: the ranges of the whole table do
 * not sum to n_file, or a kept node's entries point past the range table, past n_file, or
 * overlap. sum_all false leaves out the first check (which reads the whole range table, piece
 * by piece), for parties that sum their kept rows instead. The rows' target ids are not read.
 * Owned (*out). */
cz_status cz_edge_index_kept_spans(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                                   const cz_edge_filter *flt, bool sum_all, cz_index_spans *out, bool *ok);
/* The rows of the edges onto the targets flt keeps, as ranges at most cz_edge_index_gap rows
 * apart merged; *usable false when the index does not hold (cz_edge_index_kept_spans). */
cz_status cz_edge_index_ranges(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                               const cz_edge_filter *flt, cz_row_ranges *out, size_t *expected, bool *usable);
/* Whether every row of the spans names its span's node as its target (*ok), read through buf
 * (cap entries). Thread-safe with distinct buffers (range reads only, io/h5.h). */
cz_status cz_edge_index_check_span_rows(cz_h5file *f, const char *tgt_path, const uint64_t *spans, size_t ns,
                                        uint64_t *buf, size_t cap, bool *ok);
/* Whether population e's index lists exactly its edges (*ok): every node's ranges within the
 * rows and disjoint, each row naming its node, n_file rows in all. Reads the index piece by
 * piece and the target ids once (through buf, cap entries). Checked rows that name a node tp
 * (the target population) lacks are CZ_ERR_FORMAT, naming the first. */
cz_status cz_edge_index_verify(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, const char *tgt_path,
                               size_t n_file, uint64_t *buf, size_t cap, bool *ok);
/* Whether c has checked the index of "file:population" key against every edge; recording it. */
bool cz_circuit_index_verified(const cz_circuit *c, const char *key);
cz_status cz_circuit_mark_verified(cz_circuit *c, const char *key);

#endif
