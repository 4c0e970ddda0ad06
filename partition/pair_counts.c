#include "partition/pair_counts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { RADIX_BITS = 11, RADIX = 1 << RADIX_BITS };

void cz_sort_u64_radix(uint64_t *keys, uint64_t *scratch, size_t n, uint64_t max_key) {
  int bits = 0;
  while (bits < 64 && (max_key >> bits) != 0) bits++;
  uint64_t *from = keys, *to = scratch;
  for (int shift = 0; shift < bits; shift += RADIX_BITS) {
    size_t count[RADIX + 1] = {0};
    for (size_t i = 0; i < n; i++) count[((from[i] >> shift) & (RADIX - 1)) + 1]++;
    for (int d = 0; d < RADIX; d++) count[d + 1] += count[d];
    for (size_t i = 0; i < n; i++) to[count[(from[i] >> shift) & (RADIX - 1)]++] = from[i];
    uint64_t *t = from;
    from = to;
    to = t;
  }
  if (from != keys) memcpy(keys, from, n * sizeof *keys);
}

cz_status cz_pairs_init(cz_pair_counts *p, uint64_t nvtx, size_t buffer) {
  memset(p, 0, sizeof *p);
  CZ_CHECK(nvtx == 0 || nvtx <= (uint64_t)INT64_MAX / nvtx, CZ_ERR_CONFIG,
           "partition: %llu vertices are too many to count their pairs", (unsigned long long)nvtx);
  p->nvtx = nvtx;
  p->capbuf = buffer ? buffer : 1;
  p->buf = cz_calloc(p->capbuf, sizeof *p->buf);
  p->scratch = cz_calloc(p->capbuf, sizeof *p->scratch);
  if (!p->buf || !p->scratch) {
    cz_pairs_free(p);
    return CZ_ERROR(CZ_ERR_NOMEM, "partition: out of memory for a pair buffer of %zu", buffer);
  }
  return CZ_OK;
}

void cz_pairs_free(cz_pair_counts *p) {
  free(p->rec);
  free(p->buf);
  free(p->scratch);
  memset(p, 0, sizeof *p);
}

/* Merges the sorted runs (key, count) of add (m records) into p->rec, in place from the back
 * so no second list is needed: p->rec is grown to n + m first. */
static cz_status merge_sorted(cz_pair_counts *p, const int64_t *add, size_t m) {
  if (m == 0) return CZ_OK;
  void *grown = p->rec;
  CZ_TRY(cz_grow(&grown, &p->cap, 2 * (p->n + m), sizeof *p->rec));
  p->rec = grown;
  size_t i = p->n, j = m, out = p->n + m;
  while (j > 0) {
    if (i > 0 && p->rec[2 * (i - 1)] > add[2 * (j - 1)]) {
      out--, i--;
      p->rec[2 * out] = p->rec[2 * i];
      p->rec[2 * out + 1] = p->rec[2 * i + 1];
    } else {
      out--, j--;
      p->rec[2 * out] = add[2 * j];
      p->rec[2 * out + 1] = add[2 * j + 1];
    }
  }
  /* Equal keys are now adjacent: fold them. */
  size_t w = 0;
  for (size_t k = 0; k < p->n + m; k++) {
    if (w > 0 && p->rec[2 * (w - 1)] == p->rec[2 * k]) {
      p->rec[2 * (w - 1) + 1] += p->rec[2 * k + 1];
      continue;
    }
    p->rec[2 * w] = p->rec[2 * k];
    p->rec[2 * w + 1] = p->rec[2 * k + 1];
    w++;
  }
  p->n = w;
  return CZ_OK;
}

cz_status cz_pairs_flush(cz_pair_counts *p) {
  if (p->nbuf == 0) return CZ_OK;
  cz_sort_u64_radix(p->buf, p->scratch, p->nbuf, p->nvtx * p->nvtx);
  /* Runs of equal keys become records, written over the scratch (2 words per run, and there
   * are at most nbuf runs, so they need up to 2 * nbuf words: use a separate array). */
  size_t runs = 0;
  for (size_t k = 0; k < p->nbuf; k++) runs += k == 0 || p->buf[k] != p->buf[k - 1];
  int64_t *rec = cz_calloc(2 * runs, sizeof *rec);
  CZ_CHECK(rec != NULL, CZ_ERR_NOMEM, "partition: out of memory counting %zu vertex pairs", runs);
  size_t r = 0;
  for (size_t k = 0; k < p->nbuf; k++) {
    if (k > 0 && p->buf[k] == p->buf[k - 1]) {
      rec[2 * (r - 1) + 1]++;
      continue;
    }
    rec[2 * r] = (int64_t)p->buf[k];
    rec[2 * r + 1] = 1;
    r++;
  }
  p->nbuf = 0;
  cz_status st = merge_sorted(p, rec, runs);
  free(rec);
  return st;
}

static int cmp_key(const void *a, const void *b) {
  const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

cz_status cz_pairs_add_records(cz_pair_counts *p, const int64_t *rec, size_t n) {
  CZ_TRY(cz_pairs_flush(p));
  if (n == 0) return CZ_OK;
  int64_t *copy = cz_calloc(2 * n, sizeof *copy);
  CZ_CHECK(copy != NULL, CZ_ERR_NOMEM, "partition: out of memory merging %zu vertex pairs", n);
  memcpy(copy, rec, 2 * n * sizeof *copy);
  bool sorted = true;
  for (size_t k = 1; k < n && sorted; k++) sorted = copy[2 * k] >= copy[2 * (k - 1)];
  if (!sorted) qsort(copy, n, 2 * sizeof *copy, cmp_key);
  /* Fold repeats within the new records before the merge. */
  size_t w = 0;
  for (size_t k = 0; k < n; k++) {
    if (w > 0 && copy[2 * (w - 1)] == copy[2 * k]) {
      copy[2 * (w - 1) + 1] += copy[2 * k + 1];
      continue;
    }
    copy[2 * w] = copy[2 * k];
    copy[2 * w + 1] = copy[2 * k + 1];
    w++;
  }
  cz_status st = merge_sorted(p, copy, w);
  free(copy);
  return st;
}
