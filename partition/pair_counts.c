#include "partition/pair_counts.h"

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

cz_status cz_pairs_init_dense(cz_pair_counts *p, uint64_t nvtx) {
  memset(p, 0, sizeof *p);
  CZ_CHECK(nvtx == 0 || nvtx <= (uint64_t)SIZE_MAX / sizeof *p->dense / nvtx, CZ_ERR_CONFIG,
           "partition: %llu vertices are too many to count their pairs densely", (unsigned long long)nvtx);
  p->nvtx = nvtx;
  const size_t cells = (size_t)(nvtx * nvtx);
  p->dense = cz_calloc(cells ? cells : 1, sizeof *p->dense);
  CZ_CHECK(p->dense, CZ_ERR_NOMEM, "partition: out of memory for the pair counts of %llu vertices",
           (unsigned long long)nvtx);
  p->dense_limit = UINT32_MAX;
  return CZ_OK;
}

void cz_pairs_free(cz_pair_counts *p) {
  free(p->rec);
  free(p->buf);
  free(p->scratch);
  free(p->dense);
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

/* Merges m sorted, unique records (an owned array of cap words) into p->rec, or makes them the
 * list when it is empty, and frees them. */
static cz_status take_sorted(cz_pair_counts *p, int64_t *add, size_t m, size_t cap) {
  if (p->n == 0) {
    free(p->rec);
    p->rec = add;
    p->n = m;
    p->cap = cap;
    return CZ_OK;
  }
  cz_status st = merge_sorted(p, add, m);
  free(add);
  return st;
}

/* Edge of the square tiles the dense fold goes through: two 64 x 64 tiles of counters (32
 * KiB) stay in the caches while one is added into the other's transpose. */
enum { FOLD_TILE = 64 };

/* Adds every counter below the diagonal into its mirror above it, clearing it: count[a][b] for
 * a < b is then the pair's whole count. */
static void dense_fold(uint32_t *d, size_t n) {
  for (size_t a0 = 0; a0 < n; a0 += FOLD_TILE)
    for (size_t b0 = a0; b0 < n; b0 += FOLD_TILE) {
      const size_t a1 = a0 + FOLD_TILE < n ? a0 + FOLD_TILE : n, b1 = b0 + FOLD_TILE < n ? b0 + FOLD_TILE : n;
      for (size_t a = a0; a < a1; a++)
        for (size_t b = b0 > a + 1 ? b0 : a + 1; b < b1; b++) {
          d[a * n + b] += d[b * n + a]; /* at most dense_limit additions in all: no overflow */
          d[b * n + a] = 0;
        }
    }
}

/* Moves the dense counts into p->rec (sorted, merged) and clears them. */
static cz_status dense_flush(cz_pair_counts *p) {
  p->dense_adds = 0;
  const size_t n = (size_t)p->nvtx;
  uint32_t *d = p->dense;
  dense_fold(d, n);
  size_t pairs = 0;
  for (size_t a = 0; a < n; a++)
    for (size_t b = a + 1; b < n; b++) pairs += d[a * n + b] != 0;
  int64_t *rec = cz_calloc(2 * pairs + 1, sizeof *rec);
  CZ_CHECK(rec != NULL, CZ_ERR_NOMEM, "partition: out of memory counting %zu vertex pairs", pairs);
  size_t r = 0;
  for (size_t a = 0; a < n; a++)
    for (size_t b = a + 1; b < n; b++) {
      if (!d[a * n + b]) continue;
      rec[2 * r] = (int64_t)(a * n + b);
      rec[2 * r + 1] = d[a * n + b];
      d[a * n + b] = 0;
      r++;
    }
  return take_sorted(p, rec, pairs, 2 * pairs + 1);
}

cz_status cz_pairs_flush(cz_pair_counts *p) {
  if (p->dense) return p->dense_adds ? dense_flush(p) : CZ_OK;
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

/* Merges the sorted record runs [lo, mid) and [mid, hi) of in into out. */
static void merge_runs(const int64_t *in, int64_t *out, size_t lo, size_t mid, size_t hi) {
  size_t i = lo, j = mid, o = lo;
  while (i < mid && j < hi) {
    const size_t from = in[2 * j] < in[2 * i] ? j++ : i++;
    out[2 * o] = in[2 * from];
    out[2 * o + 1] = in[2 * from + 1];
    o++;
  }
  memcpy(out + 2 * o, in + 2 * i, 2 * (mid - i) * sizeof *out);
  memcpy(out + 2 * o + 2 * (mid - i), in + 2 * j, 2 * (hi - j) * sizeof *out);
}

/* n records sorted by key into *out (allocated, [2n]), stably, by merging their ascending
 * runs pairwise: records gathered from k ranks arrive as k sorted runs, which take log2(k)
 * rounds. The first round reads rec itself; a scratch array joins from the second. */
static cz_status sort_records(const int64_t *rec, size_t n, int64_t **out) {
  *out = NULL;
  size_t *starts = malloc((n + 1) * sizeof *starts), nruns = 0;
  int64_t *a = malloc(2 * n * sizeof *a), *b = NULL;
  cz_status st = starts && a ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "partition: out of memory sorting %zu vertex pairs", n);
  for (size_t k = 0; st == CZ_OK && k < n; k++)
    if (k == 0 || rec[2 * k] < rec[2 * (k - 1)]) starts[nruns++] = k;
  if (st == CZ_OK) starts[nruns] = n;
  if (st == CZ_OK && nruns <= 1) memcpy(a, rec, 2 * n * sizeof *a);
  const int64_t *in = rec;
  int64_t *done = a; /* where the last round wrote */
  while (st == CZ_OK && nruns > 1) {
    size_t kept = 0;
    for (size_t r = 0; r < nruns; r += 2) {
      const size_t lo = starts[r], mid = starts[r + 1], hi = r + 2 <= nruns ? starts[r + 2] : mid;
      merge_runs(in, done, lo, mid, hi);
      starts[kept++] = lo;
    }
    starts[kept] = n;
    nruns = kept;
    if (nruns > 1 && !b && !(b = malloc(2 * n * sizeof *b)))
      st = CZ_ERROR(CZ_ERR_NOMEM, "partition: out of memory sorting %zu vertex pairs", n);
    in = done;
    if (nruns > 1) done = done == a ? b : a;
  }
  free(starts);
  if (st == CZ_OK) *out = done;
  free(st == CZ_OK && done == b ? a : b);
  if (st != CZ_OK) free(a);
  return st;
}

cz_status cz_pairs_add_records(cz_pair_counts *p, const int64_t *rec, size_t n) {
  CZ_TRY(cz_pairs_flush(p));
  if (n == 0) return CZ_OK;
  int64_t *sorted = NULL;
  CZ_TRY(sort_records(rec, n, &sorted));
  /* Fold repeats within the new records before the merge. */
  size_t w = 0;
  for (size_t k = 0; k < n; k++) {
    if (w > 0 && sorted[2 * (w - 1)] == sorted[2 * k]) {
      sorted[2 * (w - 1) + 1] += sorted[2 * k + 1];
      continue;
    }
    sorted[2 * w] = sorted[2 * k];
    sorted[2 * w + 1] = sorted[2 * k + 1];
    w++;
  }
  return take_sorted(p, sorted, w, 2 * n);
}
