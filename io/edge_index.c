/* The target_to_source index of an edge population (io/edge_index.h).
 *
 * The index says, per target node, which ranges of rows hold its edges. It is trusted only as
 * far as it is checked: its ranges must cover the rows exactly once, and every row of a
 * node's range must name that node as its target. A partial or stale index therefore never
 * drops edges: the reader then scans the whole population instead. */
#include "io/edge_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"

static int cmp_range(const void *x, const void *y) {
  const uint64_t *a = x, *b = y;
  return (a[0] > b[0]) - (a[0] < b[0]);
}

void cz_row_ranges_sort(cz_row_ranges *r) {
  if (r->n > 1) qsort(r->r, r->n, 2 * sizeof *r->r, cmp_range); /* r is NULL when no target has edges */
}

/* Reads dataset `name` of the target_to_source index under either spelling of the group
 * (indices / indicies) and of the dataset (node_id_to_ranges / node_id_to_range). */
bool cz_edge_index_pairs(cz_h5file *f, const char *pop, const char *const *names, uint64_t **out, size_t *rows) {
  static const char *const groups[] = {"indices", "indicies"};
  for (size_t g = 0; g < 2; g++)
    for (size_t k = 0; names[k]; k++) {
      char path[1024];
      snprintf(path, sizeof path, "/edges/%s/%s/target_to_source/%s", pop, groups[g], names[k]);
      if (cz_h5_is_dataset(f, path)) return cz_h5_read_u64_pairs(f, path, out, rows) == CZ_OK;
    }
  return false;
}

/* Rows between two ranges of kept targets that are cheaper to read through (and skip) than to
 * read around with a read of their own: about a hundred where datasets are read directly (a
 * read costs a few system calls; on 2 ranks, Brunel and HPC networks built 25 % faster with
 * gaps of 64 than of 512 rows read through), tens of thousands where HDF5 reads them (each read
 * opens the dataset and decompresses whole chunks again). */
size_t cz_edge_index_gap(cz_h5file *f, const char *src, const char *tgt) {
  return cz_h5_reads_directly(f, src) && cz_h5_reads_directly(f, tgt) ? 128 : (size_t)1 << 16;
}

/* Merges sorted ranges at most gap rows apart (the rows between belong to other ranks' or
 * threads' targets and are skipped), so a scattered placement costs few reads, not many tiny
 * ones; *expected: the rows of the ranges themselves. False when ranges overlap, which would
 * read an edge twice. */
bool cz_row_ranges_merge(cz_row_ranges *out, size_t gap, size_t *expected) {
  size_t m = 0;
  *expected = 0;
  for (size_t i = 0; i < out->n; i++) {
    if (m > 0 && out->r[2 * i] < out->r[2 * (m - 1) + 1]) return false;
    *expected += (size_t)(out->r[2 * i + 1] - out->r[2 * i]);
    if (m > 0 && out->r[2 * i] - out->r[2 * (m - 1) + 1] <= gap) {
      out->r[2 * (m - 1) + 1] = out->r[2 * i + 1];
      continue;
    }
    out->r[2 * m] = out->r[2 * i];
    out->r[2 * m + 1] = out->r[2 * i + 1];
    m++;
  }
  out->n = m;
  return true;
}

/* The index is read in pieces of this many rows, so that what a rank holds of it grows with
 * the targets it keeps, not with the population: on many ranks the whole index of a large
 * population (16 bytes per node and per range) would outweigh the rank's own share. Rows of
 * the wanted ones at most INDEX_GAP apart are read through in one read. */
enum { INDEX_PIECE = 1 << 16, INDEX_GAP = 1024 };

/* Finds the index dataset `name` of population pop under either spelling of the group
 * (indices / indicies) and of the dataset (node_id_to_ranges / node_id_to_range): its path
 * into path and its rows. False when there is none, or it is not [rows, 2] integers. */
static bool index_dataset(cz_h5file *f, const char *pop, const char *const *names, char *path, size_t cap,
                          size_t *rows) {
  static const char *const groups[] = {"indices", "indicies"};
  for (size_t g = 0; g < 2; g++)
    for (size_t k = 0; names[k]; k++) {
      snprintf(path, cap, "/edges/%s/%s/target_to_source/%s", pop, groups[g], names[k]);
      if (cz_h5_is_dataset(f, path)) return cz_h5_pairs_rows(f, path, rows) == CZ_OK;
    }
  return false;
}

/* Rows keys[0..n) (non-decreasing, each below the dataset's rows) of a [rows, 2] dataset into
 * out[2n]: neighbouring keys are read together, INDEX_PIECE rows at most per read (buf: room
 * for that many). */
static cz_status read_pairs_at(cz_h5file *f, const char *path, const uint64_t *keys, size_t n, uint64_t *buf,
                               uint64_t *out) {
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && keys[j] - keys[j - 1] <= INDEX_GAP && keys[j] - keys[i] < INDEX_PIECE) j++;
    const uint64_t first = keys[i];
    CZ_TRY(cz_h5_read_u64_pairs_range(f, path, (size_t)first, (size_t)(keys[j - 1] - first + 1), buf));
    for (; i < j; i++) {
      out[2 * i] = buf[2 * (keys[i] - first)];
      out[2 * i + 1] = buf[2 * (keys[i] - first) + 1];
    }
  }
  return CZ_OK;
}

static int cmp_u64(const void *x, const void *y) {
  const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return (a > b) - (a < b);
}

/* The sorted ids (below nn) of the target rows flt keeps. Owned (*out). */
static cz_status kept_ids(const cz_edge_pop *e, const cz_node_pop *tp, size_t nn, const cz_edge_filter *flt,
                          uint64_t **out, size_t *n) {
  size_t m = 0, cap = 0;
  uint64_t *ids = NULL;
  for (size_t row = 0; row < tp->n; row++) {
    const uint64_t id = cz_node_id(tp, row);
    if (id >= nn || !flt->keep_target(flt->ctx, e->target_pop, (uint32_t)row)) continue;
    void *grown = ids;
    cz_status st = cz_grow(&grown, &cap, m + 1, sizeof *ids);
    ids = grown;
    if (st != CZ_OK) {
      free(ids);
      return st;
    }
    ids[m++] = id;
  }
  if (!tp->identity_ids && m > 1) qsort(ids, m, sizeof *ids, cmp_u64);
  *out = ids;
  *n = m;
  return CZ_OK;
}

/* Whether the ranges of range_to cover n_file rows in all, each lying within [0, n_file): read
 * piece by piece. */
static cz_status ranges_cover(cz_h5file *f, const char *path, size_t nr, size_t n_file, uint64_t *buf, bool *ok) {
  uint64_t covered = 0;
  *ok = true;
  for (size_t a = 0; *ok && a < nr; a += INDEX_PIECE) {
    const size_t m = nr - a < INDEX_PIECE ? nr - a : INDEX_PIECE;
    CZ_TRY(cz_h5_read_u64_pairs_range(f, path, a, m, buf));
    for (size_t k = 0; *ok && k < m; k++) {
      *ok = buf[2 * k] <= buf[2 * k + 1] && buf[2 * k + 1] <= n_file;
      covered += buf[2 * k + 1] - buf[2 * k];
    }
  }
  *ok = *ok && covered == n_file;
  return CZ_OK;
}

/* The kept targets' ranges, from their entries of node_to (2 per kept id, checked to name
 * ranges below nr), appended to out. */
static cz_status kept_ranges(cz_h5file *f, const char *range_path, const uint64_t *node_to, size_t nids, size_t nr,
                             uint64_t *buf, cz_row_ranges *out, bool *ok) {
  size_t nk = 0;
  *ok = true;
  for (size_t i = 0; *ok && i < nids; i++) {
    *ok = node_to[2 * i] <= node_to[2 * i + 1] && node_to[2 * i + 1] <= nr;
    if (*ok) nk += (size_t)(node_to[2 * i + 1] - node_to[2 * i]);
  }
  if (!*ok || nk == 0) return CZ_OK;
  uint64_t *keys = NULL, *pairs = NULL;
  CZ_NEW(keys, nk);
  cz_status st = (pairs = cz_calloc(2 * nk, sizeof *pairs)) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t m = 0;
  for (size_t i = 0; st == CZ_OK && i < nids; i++)
    for (uint64_t k = node_to[2 * i]; k < node_to[2 * i + 1]; k++) keys[m++] = k;
  if (st == CZ_OK) qsort(keys, nk, sizeof *keys, cmp_u64);
  if (st == CZ_OK) st = read_pairs_at(f, range_path, keys, nk, buf, pairs);
  if (st == CZ_OK) {
    void *grown = out->r;
    st = cz_grow(&grown, &out->cap, 2 * (out->n + nk), sizeof *out->r);
    out->r = grown;
  }
  for (size_t k = 0; st == CZ_OK && k < nk; k++) {
    if (pairs[2 * k] == pairs[2 * k + 1]) continue;
    out->r[2 * out->n] = pairs[2 * k];
    out->r[2 * out->n + 1] = pairs[2 * k + 1];
    out->n++;
  }
  free(keys);
  free(pairs);
  return st;
}

/* The rows of the edges onto the targets the filter keeps, from the target_to_source index.
 * The index is used only when it accounts for every edge of the population exactly once
 * (BMTK's files, with gaps filled with [0, 0], do); otherwise *usable is false and the caller
 * scans the whole population, so a partial or stale index can never drop edges. Only the kept
 * targets' entries are held; the coverage is summed piece by piece. */
cz_status cz_edge_index_ranges(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                              const cz_edge_filter *flt, cz_row_ranges *out, size_t *expected, bool *usable) {
  static const char *const node_names[] = {"node_id_to_ranges", "node_id_to_range", NULL};
  static const char *const range_names[] = {"range_to_edge_id", NULL};
  *usable = false;
  *expected = 0;
  char node_path[1024], range_path[1024];
  size_t nn = 0, nr = 0;
  bool ok = index_dataset(f, e->name, node_names, node_path, sizeof node_path, &nn) &&
            index_dataset(f, e->name, range_names, range_path, sizeof range_path, &nr);
  cz_error_clear(); /* a missing or unreadable index only means a full scan */
  if (!ok) return CZ_OK;
  if (n_file == 0) { /* nothing to read, whatever the index says */
    *usable = true;
    return CZ_OK;
  }
  uint64_t *buf = NULL, *ids = NULL, *node_to = NULL;
  size_t nids = 0;
  CZ_NEW(buf, 2 * (size_t)INDEX_PIECE);
  cz_status st = ranges_cover(f, range_path, nr, n_file, buf, &ok);
  if (st == CZ_OK && ok) st = kept_ids(e, tp, nn, flt, &ids, &nids);
  if (st == CZ_OK && ok && nids && !(node_to = cz_calloc(2 * nids, sizeof *node_to)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && ok) st = read_pairs_at(f, node_path, ids, nids, buf, node_to);
  if (st == CZ_OK && ok) st = kept_ranges(f, range_path, node_to, nids, nr, buf, out, &ok);
  free(buf);
  free(ids);
  free(node_to);
  if (st != CZ_OK && st != CZ_ERR_NOMEM) {
    cz_error_clear(); /* an index that cannot be read only means a full scan */
    out->n = 0;
    return CZ_OK;
  }
  CZ_TRY(st);
  if (!ok) return CZ_OK;
  cz_row_ranges_sort(out);
  char src[1024], tgt[1024];
  snprintf(src, sizeof src, "/edges/%s/source_node_id", e->name);
  snprintf(tgt, sizeof tgt, "/edges/%s/target_node_id", e->name);
  if (!cz_row_ranges_merge(out, cz_edge_index_gap(f, src, tgt), expected)) return CZ_OK;
  *usable = true;
  return CZ_OK;
}

/* The spans of an index, [first row, end row, node id] sorted by row, when its ranges cover
 * [0, n_file) exactly once (*ok); the rows' target ids are not looked at. */
cz_status cz_edge_index_spans(const uint64_t *node_to, size_t nn, const uint64_t *range_to, size_t nr, size_t n_file,
                             uint64_t **out, size_t *nspans, bool *ok) {
  *out = NULL;
  *nspans = 0;
  uint64_t *spans = NULL;
  CZ_NEW(spans, 3 * nr + 3);
  size_t ns = 0;
  *ok = true;
  for (size_t id = 0; *ok && id < nn; id++) {
    *ok = node_to[2 * id] <= node_to[2 * id + 1] && node_to[2 * id + 1] <= nr;
    for (uint64_t k = node_to[2 * id]; *ok && k < node_to[2 * id + 1]; k++) {
      if (range_to[2 * k] == range_to[2 * k + 1]) continue;
      *ok = range_to[2 * k] < range_to[2 * k + 1] && range_to[2 * k + 1] <= n_file && ns < nr;
      if (*ok) {
        spans[3 * ns] = range_to[2 * k];
        spans[3 * ns + 1] = range_to[2 * k + 1];
        spans[3 * ns + 2] = id;
        ns++;
      }
    }
  }
  if (*ok) qsort(spans, ns, 3 * sizeof *spans, cmp_range);
  for (size_t i = 0; *ok && i < ns; i++) *ok = spans[3 * i] == (i ? spans[3 * (i - 1) + 1] : 0);
  *ok = *ok && (ns ? spans[3 * (ns - 1) + 1] : 0) == n_file;
  if (!*ok) {
    free(spans);
    return CZ_OK;
  }
  *out = spans;
  *nspans = ns;
  return CZ_OK;
}

/* Whether every row in [lo, hi) names as its target the node of the span holding it (*ok).
 * Reads the target ids through buf (cap entries); safe on several threads (distinct bufs). */
cz_status cz_edge_index_check_rows(cz_h5file *f, const char *tgt_path, const uint64_t *spans, size_t ns, size_t lo,
                                 size_t hi, uint64_t *buf, size_t cap, bool *ok) {
  *ok = true;
  size_t sp = 0;
  while (sp < ns && spans[3 * sp + 1] <= lo) sp++;
  for (size_t a = lo; *ok && a < hi; a += cap) {
    const size_t m = hi - a < cap ? hi - a : cap;
    CZ_TRY(cz_h5_read_u64_range(f, tgt_path, a, m, buf));
    for (size_t k = 0; *ok && k < m;) { /* span by span: the spans cover the rows */
      while (a + k >= spans[3 * sp + 1]) sp++;
      const size_t end = spans[3 * sp + 1] - a < m ? (size_t)(spans[3 * sp + 1] - a) : m;
      const uint64_t node = spans[3 * sp + 2];
      uint64_t other = 0;
      for (; k < end; k++) other |= buf[k] ^ node;
      *ok = other == 0;
    }
  }
  return CZ_OK;
}

/* Whether population e's target_to_source index lists exactly its edges: every node's ranges
 * together cover [0, n_file) without overlap, and every row of a node's range names that node
 * as its target. One pass over the target ids (through buf, cap entries). */
cz_status cz_edge_index_verify(cz_h5file *f, const cz_edge_pop *e, const char *tgt_path, size_t n_file, uint64_t *buf,
                              size_t cap, bool *ok) {
  static const char *const node_names[] = {"node_id_to_ranges", "node_id_to_range", NULL};
  static const char *const range_names[] = {"range_to_edge_id", NULL};
  uint64_t *node_to = NULL, *range_to = NULL, *spans = NULL;
  size_t nn = 0, nr = 0, ns = 0;
  *ok = cz_edge_index_pairs(f, e->name, node_names, &node_to, &nn) && cz_edge_index_pairs(f, e->name, range_names, &range_to, &nr);
  cz_error_clear();
  cz_status st = *ok ? cz_edge_index_spans(node_to, nn, range_to, nr, n_file, &spans, &ns, ok) : CZ_OK;
  if (st == CZ_OK && *ok) st = cz_edge_index_check_rows(f, tgt_path, spans, ns, 0, n_file, buf, cap, ok);
  free(node_to);
  free(range_to);
  free(spans);
  return st;
}

bool cz_circuit_index_verified(const cz_circuit *c, const char *key) {
  for (size_t i = 0; i < c->nverified; i++)
    if (strcmp(c->verified[i], key) == 0) return true;
  return false;
}

cz_status cz_circuit_mark_verified(cz_circuit *c, const char *key) {
  char **grown = realloc(c->verified, (c->nverified + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->verified = grown;
  CZ_TRY(cz_strdup(key, &c->verified[c->nverified]));
  c->nverified++;
  return CZ_OK;
}

