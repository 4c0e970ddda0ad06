/* The target_to_source index of an edge population (io/edge_index.h).
 *
 * The index says, per target node, which ranges of rows hold its edges. It is trusted only as
 * far as it is checked: its ranges must cover the rows exactly once, and every row of a
 * node's range must name that node as its target. A partial or stale index therefore never
 * drops edges: the reader then scans the whole population instead.
 *
 * Memory. A rank holds the entries of the targets it keeps, never the whole index: on 1024
 * ranks of a network of 10^7 nodes the whole index (16 bytes per node and per range, 24 per
 * span) would outweigh the rank's own tables. The kept nodes' entries are read in runs of
 * neighbouring rows; what must be seen whole (the sum of all ranges, the full verification)
 * is read in pieces of INDEX_PIECE rows and not kept. */
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

/* Reads of the index take at most INDEX_PIECE rows; wanted rows at most INDEX_GAP apart are
 * read through in one read. */
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

/* Index entries of a piece of nodes: (range number k, node id) for each range of each node. */
typedef struct range_keys {
  size_t n, cap;
  uint64_t *k, *id; /* [n] */
} range_keys;

static void range_keys_free(range_keys *q) {
  free(q->k);
  free(q->id);
}

/* Appends the ranges of nodes ids[0..nids) (node_to: their entries) to q; false when an entry
 * names ranges past the table's nr rows. */
static cz_status add_range_keys(range_keys *q, const uint64_t *ids, const uint64_t *node_to, size_t nids, size_t nr,
                                bool *ok) {
  *ok = true;
  size_t more = 0;
  for (size_t i = 0; *ok && i < nids; i++) {
    *ok = node_to[2 * i] <= node_to[2 * i + 1] && node_to[2 * i + 1] <= nr;
    if (*ok) more += (size_t)(node_to[2 * i + 1] - node_to[2 * i]);
  }
  if (!*ok || more == 0) return CZ_OK;
  size_t cap_k = q->cap, cap_id = q->cap;
  void *gk = q->k, *gi = q->id;
  cz_status st = cz_grow(&gk, &cap_k, q->n + more, sizeof *q->k);
  q->k = gk;
  if (st == CZ_OK) st = cz_grow(&gi, &cap_id, q->n + more, sizeof *q->id);
  q->id = gi;
  CZ_TRY(st);
  q->cap = cap_k < cap_id ? cap_k : cap_id;
  for (size_t i = 0; i < nids; i++)
    for (uint64_t k = node_to[2 * i]; k < node_to[2 * i + 1]; k++) {
      q->k[q->n] = k;
      q->id[q->n++] = ids[i];
    }
  return CZ_OK;
}

static int cmp_key_pair(const void *x, const void *y) {
  const uint64_t *a = x, *b = y;
  return (a[0] > b[0]) - (a[0] < b[0]);
}

/* The ranges of q as spans [first row, end row, node id] sorted by row (empty ones left out),
 * appended to *spans (*ns of them); false when a range is reversed or ends past n_file, or two
 * overlap. buf: INDEX_PIECE pairs of scratch. */
static cz_status spans_of_keys(cz_h5file *f, const char *range_path, range_keys *q, size_t n_file, uint64_t *buf,
                               uint64_t **spans, size_t *ns, size_t *cap, bool *ok) {
  *ok = true;
  if (q->n == 0) return CZ_OK;
  uint64_t *byk = NULL, *pairs = NULL;
  CZ_NEW(byk, 2 * q->n);
  cz_status st = (pairs = cz_calloc(2 * q->n, sizeof *pairs)) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < q->n; i++) {
    byk[2 * i] = q->k[i];
    byk[2 * i + 1] = q->id[i];
  }
  if (st == CZ_OK) qsort(byk, q->n, 2 * sizeof *byk, cmp_key_pair);
  for (size_t i = 0; st == CZ_OK && i < q->n; i++) q->k[i] = byk[2 * i]; /* the keys in order, for the reads */
  if (st == CZ_OK) st = read_pairs_at(f, range_path, q->k, q->n, buf, pairs);
  const size_t first = *ns;
  if (st == CZ_OK) {
    void *grown = *spans;
    st = cz_grow(&grown, cap, 3 * (*ns + q->n + 1), sizeof **spans);
    *spans = grown;
  }
  for (size_t i = 0; st == CZ_OK && *ok && i < q->n; i++) {
    *ok = pairs[2 * i] <= pairs[2 * i + 1] && pairs[2 * i + 1] <= n_file;
    if (!*ok || pairs[2 * i] == pairs[2 * i + 1]) continue;
    uint64_t *sp = *spans + 3 * (*ns)++;
    sp[0] = pairs[2 * i];
    sp[1] = pairs[2 * i + 1];
    sp[2] = byk[2 * i + 1];
  }
  if (st == CZ_OK && *ok) {
    qsort(*spans + 3 * first, *ns - first, 3 * sizeof **spans, cmp_range);
    for (size_t i = first + 1; *ok && i < *ns; i++) *ok = (*spans)[3 * i] >= (*spans)[3 * (i - 1) + 1];
  }
  free(byk);
  free(pairs);
  return st;
}

static const char *const k_node_names[] = {"node_id_to_ranges", "node_id_to_range", NULL};
static const char *const k_range_names[] = {"range_to_edge_id", NULL};

cz_status cz_edge_index_kept_spans(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                                   const cz_edge_filter *flt, bool sum_all, cz_index_spans *out, bool *ok) {
  memset(out, 0, sizeof *out);
  char node_path[1024], range_path[1024];
  size_t nn = 0, nr = 0;
  *ok = index_dataset(f, e->name, k_node_names, node_path, sizeof node_path, &nn) &&
        index_dataset(f, e->name, k_range_names, range_path, sizeof range_path, &nr);
  cz_error_clear(); /* a missing or unreadable index only means a full scan */
  if (!*ok || n_file == 0) return CZ_OK;
  uint64_t *buf = NULL, *ids = NULL, *node_to = NULL;
  size_t nids = 0, cap = 0;
  range_keys q = {0, 0, NULL, NULL};
  CZ_NEW(buf, 2 * (size_t)INDEX_PIECE);
  cz_status st = sum_all ? ranges_cover(f, range_path, nr, n_file, buf, ok) : CZ_OK;
  if (st == CZ_OK && *ok) st = kept_ids(e, tp, nn, flt, &ids, &nids);
  if (st == CZ_OK && *ok && nids && !(node_to = cz_calloc(2 * nids, sizeof *node_to)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && *ok) st = read_pairs_at(f, node_path, ids, nids, buf, node_to);
  if (st == CZ_OK && *ok) st = add_range_keys(&q, ids, node_to, nids, nr, ok);
  if (st == CZ_OK && *ok) st = spans_of_keys(f, range_path, &q, n_file, buf, &out->s, &out->n, &cap, ok);
  for (size_t i = 0; st == CZ_OK && *ok && i < out->n; i++) out->rows += out->s[3 * i + 1] - out->s[3 * i];
  free(buf);
  free(ids);
  free(node_to);
  range_keys_free(&q);
  if (st != CZ_OK || !*ok) {
    cz_index_spans_free(out);
    if (st == CZ_ERR_NOMEM) return st;
    cz_error_clear(); /* an index that cannot be read only means a full scan */
    *ok = false;
  }
  return CZ_OK;
}

void cz_index_spans_free(cz_index_spans *s) {
  free(s->s);
  memset(s, 0, sizeof *s);
}

/* The rows of the edges onto the targets the filter keeps, from the target_to_source index.
 * The index is used only when it accounts for every edge of the population exactly once
 * (BMTK's files, with gaps filled with [0, 0], do); otherwise *usable is false and the caller
 * scans the whole population, so a partial or stale index can never drop edges. */
cz_status cz_edge_index_ranges(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, size_t n_file,
                              const cz_edge_filter *flt, cz_row_ranges *out, size_t *expected, bool *usable) {
  *expected = 0;
  cz_index_spans ks;
  CZ_TRY(cz_edge_index_kept_spans(f, e, tp, n_file, flt, true, &ks, usable));
  if (!*usable) return CZ_OK;
  void *grown = out->r;
  cz_status st = cz_grow(&grown, &out->cap, 2 * (out->n + ks.n + 1), sizeof *out->r);
  out->r = grown;
  for (size_t i = 0; st == CZ_OK && i < ks.n; i++) {
    out->r[2 * out->n] = ks.s[3 * i];
    out->r[2 * out->n + 1] = ks.s[3 * i + 1];
    out->n++;
  }
  cz_index_spans_free(&ks);
  CZ_TRY(st);
  char src[1024], tgt[1024];
  snprintf(src, sizeof src, "/edges/%s/source_node_id", e->name);
  snprintf(tgt, sizeof tgt, "/edges/%s/target_node_id", e->name);
  *usable = cz_row_ranges_merge(out, cz_edge_index_gap(f, src, tgt), expected);
  return CZ_OK;
}

/* Whether every row of spans[0..ns) (sorted by row) names its span's node as its target (*ok).
 * Neighbouring spans are read together, cap rows at most at a time, through buf. Thread-safe
 * with distinct buffers (range reads only). */
cz_status cz_edge_index_check_span_rows(cz_h5file *f, const char *tgt_path, const uint64_t *spans, size_t ns,
                                        uint64_t *buf, size_t cap, bool *ok) {
  *ok = true;
  size_t sp = 0;
  while (*ok && sp < ns) {
    size_t end_sp = sp + 1; /* spans sp..end_sp-1 lie back to back */
    while (end_sp < ns && spans[3 * end_sp] == spans[3 * (end_sp - 1) + 1]) end_sp++;
    const uint64_t lo = spans[3 * sp], hi = spans[3 * (end_sp - 1) + 1];
    size_t at = sp;
    for (uint64_t a = lo; *ok && a < hi; a += cap) {
      const size_t m = hi - a < cap ? (size_t)(hi - a) : cap;
      CZ_TRY(cz_h5_read_u64_range(f, tgt_path, (size_t)a, m, buf));
      for (size_t k = 0; *ok && k < m;) {
        while (a + k >= spans[3 * at + 1]) at++;
        const size_t end = spans[3 * at + 1] - a < m ? (size_t)(spans[3 * at + 1] - a) : m;
        const uint64_t node = spans[3 * at + 2];
        uint64_t other = 0;
        for (; k < end; k++) other |= buf[k] ^ node;
        *ok = other == 0;
      }
    }
    sp = end_sp;
  }
  return CZ_OK;
}

/* Checked spans whose rows name a node the target population lacks: edges that no rank would
 * read through the index, so an error here, as when the edges are read whole. */
static cz_status spans_name_nodes(const cz_edge_pop *e, const cz_node_pop *tp, const uint64_t *spans, size_t ns) {
  for (size_t i = 0; i < ns; i++) {
    size_t row;
    CZ_CHECK(cz_circuit_row_of(tp, spans[3 * i + 2], &row), CZ_ERR_FORMAT,
             "%s: /edges/%s/target_node_id[%llu] = %llu names a node that does not exist in population %s (%zu nodes)",
             e->file, e->name, (unsigned long long)spans[3 * i], (unsigned long long)spans[3 * i + 2], tp->name, tp->n);
  }
  return CZ_OK;
}

/* Whether population e's target_to_source index lists exactly its edges: every node's ranges
 * lie in [0, n_file) without overlap, every row of a node's ranges names that node as its
 * target, and the nodes' ranges hold n_file rows in all; checked rows naming a node tp lacks are
 * an error (CZ_ERR_FORMAT). Node by node, INDEX_PIECE nodes at a
 * time, so that memory holds a piece of the index, never the whole; the target ids are read
 * once (through buf, cap entries). A row names one node only, so ranges of different pieces
 * cannot overlap once their rows are checked. */
cz_status cz_edge_index_verify(cz_h5file *f, const cz_edge_pop *e, const cz_node_pop *tp, const char *tgt_path,
                              size_t n_file, uint64_t *buf, size_t cap, bool *ok) {
  char node_path[1024], range_path[1024];
  size_t nn = 0, nr = 0;
  *ok = index_dataset(f, e->name, k_node_names, node_path, sizeof node_path, &nn) &&
        index_dataset(f, e->name, k_range_names, range_path, sizeof range_path, &nr);
  cz_error_clear();
  if (!*ok) return CZ_OK;
  uint64_t *pbuf = NULL, *ids = NULL, *node_to = NULL, *spans = NULL;
  size_t ns = 0, scap = 0;
  uint64_t rows = 0;
  bool named_error = false;
  range_keys q = {0, 0, NULL, NULL};
  CZ_NEW(pbuf, 2 * (size_t)INDEX_PIECE);
  cz_status st = (ids = cz_calloc(INDEX_PIECE, sizeof *ids)) && (node_to = cz_calloc(2 * (size_t)INDEX_PIECE, sizeof *node_to))
                     ? CZ_OK
                     : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t a = 0; st == CZ_OK && *ok && a < nn; a += INDEX_PIECE) {
    const size_t m = nn - a < INDEX_PIECE ? nn - a : INDEX_PIECE;
    for (size_t i = 0; i < m; i++) ids[i] = a + i;
    q.n = ns = 0;
    st = cz_h5_read_u64_pairs_range(f, node_path, a, m, node_to);
    if (st == CZ_OK) st = add_range_keys(&q, ids, node_to, m, nr, ok);
    if (st == CZ_OK && *ok) st = spans_of_keys(f, range_path, &q, n_file, pbuf, &spans, &ns, &scap, ok);
    for (size_t i = 0; st == CZ_OK && *ok && i < ns; i++) rows += spans[3 * i + 1] - spans[3 * i];
    if (st == CZ_OK && *ok) st = cz_edge_index_check_span_rows(f, tgt_path, spans, ns, buf, cap, ok);
    if (st == CZ_OK && *ok && (st = spans_name_nodes(e, tp, spans, ns)) != CZ_OK) named_error = true;
  }
  *ok = *ok && rows == n_file;
  free(pbuf);
  free(ids);
  free(node_to);
  free(spans);
  range_keys_free(&q);
  if (st != CZ_OK && st != CZ_ERR_NOMEM && !named_error) {
    cz_error_clear(); /* an index that cannot be read is not used */
    *ok = false;
    return CZ_OK;
  }
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

