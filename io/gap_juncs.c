#include "io/gap_juncs.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"

static const char SUFFIX[] = "_gap_juncs.h5";

typedef struct pair_row {
  uint64_t a, b, row;
} pair_row;

static int by_pair(const void *x, const void *y) {
  const pair_row *p = x, *q = y;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  if (p->b != q->b) return p->b < q->b ? -1 : 1;
  return p->row < q->row ? -1 : p->row > q->row;
}

static cz_status network_name(const char *path, char **out) {
  const char *base = cz_path_basename(path);
  const size_t n = strlen(base), k = sizeof SUFFIX - 1;
  CZ_CHECK(n > k && strcmp(base + n - k, SUFFIX) == 0, CZ_ERR_CONFIG,
           "%s: networks.gap_juncs: a gap junction file is named <network>%s, after the node population it joins",
           path, SUFFIX);
  CZ_TRY(cz_strdup(base, out));
  (*out)[n - k] = '\0';
  return CZ_OK;
}

static cz_status read_column(cz_h5file *f, const char *path, const char *name, uint64_t **out, size_t *n) {
  CZ_CHECK(cz_h5_is_dataset(f, name), CZ_ERR_FORMAT, "%s: missing dataset /%s", path, name);
  return cz_h5_read_u64(f, name, out, n);
}

static cz_status read_columns(const char *path, cz_gap_juncs *g) {
  cz_h5file *f = NULL;
  CZ_TRY(cz_h5_open_read(path, &f));
  static const char *const names[4] = {"source_ids", "target_ids", "src_gap_ids", "trg_gap_ids"};
  uint64_t **cols[4] = {&g->source_ids, &g->target_ids, &g->src_gap_ids, &g->trg_gap_ids};
  cz_status st = CZ_OK;
  for (int k = 0; st == CZ_OK && k < 4; k++) {
    size_t n = 0;
    st = read_column(f, path, names[k], cols[k], &n);
    if (st == CZ_OK && k == 0) g->n = n;
    if (st == CZ_OK && n != g->n)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: dataset /%s has %zu rows, /source_ids %zu", path, names[k], n, g->n);
  }
  const cz_status cst = cz_h5_close(&f);
  return st != CZ_OK ? st : cst;
}

/* One junction per pair, no junction of a node with itself; by_pair filled. */
static cz_status check_pairs(cz_gap_juncs *g) {
  pair_row *p = cz_calloc(g->n + 1, sizeof *p);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  cz_status st = CZ_OK;
  for (size_t i = 0; i < g->n; i++) {
    p[i] = (pair_row){g->source_ids[i], g->target_ids[i], i};
    if (st == CZ_OK && p[i].a == p[i].b)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /source_ids, /target_ids: row %zu joins node %llu with itself", g->path, i,
                    (unsigned long long)p[i].a);
  }
  qsort(p, g->n, sizeof *p, by_pair);
  for (size_t i = 1; st == CZ_OK && i < g->n; i++)
    if (p[i].a == p[i - 1].a && p[i].b == p[i - 1].b)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /source_ids, /target_ids: rows %llu and %llu are both the junction from node %llu "
                    "to node %llu (one row per pair)",
                    g->path, (unsigned long long)p[i - 1].row, (unsigned long long)p[i].row,
                    (unsigned long long)p[i].a, (unsigned long long)p[i].b);
  if (st == CZ_OK) g->by_pair = cz_calloc(g->n + 1, sizeof *g->by_pair);
  if (st == CZ_OK && !g->by_pair) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < g->n; i++) g->by_pair[i] = p[i].row;
  free(p);
  return st;
}

/* Every gap id, of both columns, names one end. */
static cz_status check_gap_ids(const cz_gap_juncs *g) {
  pair_row *p = cz_calloc(2 * g->n + 1, sizeof *p);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < g->n; i++) {
    p[2 * i] = (pair_row){g->src_gap_ids[i], 0, i};
    p[2 * i + 1] = (pair_row){g->trg_gap_ids[i], 1, i};
  }
  qsort(p, 2 * g->n, sizeof *p, by_pair);
  cz_status st = CZ_OK;
  for (size_t i = 1; st == CZ_OK && i < 2 * g->n; i++)
    if (p[i].a == p[i - 1].a)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /%s row %llu and /%s row %llu both give gap id %llu (one id per end)", g->path,
                    p[i - 1].b ? "trg_gap_ids" : "src_gap_ids", (unsigned long long)p[i - 1].row,
                    p[i].b ? "trg_gap_ids" : "src_gap_ids", (unsigned long long)p[i].row, (unsigned long long)p[i].a);
  free(p);
  return st;
}

cz_status cz_gap_juncs_read(const char *path, cz_gap_juncs *out) {
  memset(out, 0, sizeof *out);
  cz_status st = cz_strdup(path, &out->path);
  if (st == CZ_OK) st = network_name(path, &out->network);
  if (st == CZ_OK) st = read_columns(path, out);
  if (st == CZ_OK) st = check_pairs(out);
  if (st == CZ_OK) st = check_gap_ids(out);
  if (st != CZ_OK) cz_gap_juncs_free(out);
  return st;
}

void cz_gap_juncs_free(cz_gap_juncs *g) {
  free(g->path);
  free(g->network);
  free(g->source_ids);
  free(g->target_ids);
  free(g->src_gap_ids);
  free(g->trg_gap_ids);
  free(g->by_pair);
  memset(g, 0, sizeof *g);
}

bool cz_gap_juncs_find(const cz_gap_juncs *g, uint64_t source, uint64_t target, size_t *row) {
  size_t lo = 0, hi = g->n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2, r = g->by_pair[mid];
    const bool before = g->source_ids[r] < source || (g->source_ids[r] == source && g->target_ids[r] < target);
    if (before) lo = mid + 1;
    else hi = mid;
  }
  if (lo == g->n) return false;
  const size_t r = g->by_pair[lo];
  if (g->source_ids[r] != source || g->target_ids[r] != target) return false;
  *row = r;
  return true;
}
