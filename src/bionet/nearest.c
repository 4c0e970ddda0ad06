#include "bionet/nearest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static double coord(const cz_kdtree *t, uint32_t i, int ax) { return t->xyz[3 * (size_t)i + (size_t)ax]; }

/* Orders perm[lo, hi) so that position k holds the point of rank k along ax, smaller ones
 * (ties broken by index) before it and larger ones after (Hoare's selection). */
static void select_kth(cz_kdtree *t, size_t lo, size_t hi, size_t k, int ax) {
  uint32_t *p = t->perm;
  while (hi - lo > 1) {
    const uint32_t pivot = p[lo + (hi - lo - 1) / 2]; /* the lower middle, so both parts shrink */
    const double pv = coord(t, pivot, ax);
    size_t i = lo, j = hi - 1;
    for (;;) {
      while (coord(t, p[i], ax) < pv || (coord(t, p[i], ax) == pv && p[i] < pivot)) i++;
      while (coord(t, p[j], ax) > pv || (coord(t, p[j], ax) == pv && p[j] > pivot)) j--;
      if (i >= j) break;
      const uint32_t s = p[i];
      p[i++] = p[j];
      p[j--] = s;
    }
    /* now [lo, j] <= pivot <= [j + 1, hi) */
    if (k <= j) hi = j + 1;
    else lo = j + 1;
  }
}

static int widest_axis(const cz_kdtree *t, size_t lo, size_t hi) {
  double mn[3] = {INFINITY, INFINITY, INFINITY}, mx[3] = {-INFINITY, -INFINITY, -INFINITY};
  for (size_t k = lo; k < hi; k++)
    for (int a = 0; a < 3; a++) {
      const double x = coord(t, t->perm[k], a);
      mn[a] = x < mn[a] ? x : mn[a];
      mx[a] = x > mx[a] ? x : mx[a];
    }
  int best = 0;
  for (int a = 1; a < 3; a++)
    if (mx[a] - mn[a] > mx[best] - mn[best]) best = a;
  return best;
}

static void build(cz_kdtree *t, size_t lo, size_t hi) {
  while (hi - lo > 1) {
    const int ax = widest_axis(t, lo, hi);
    const size_t mid = lo + (hi - lo) / 2;
    select_kth(t, lo, hi, mid, ax);
    t->axis[mid] = (uint8_t)ax;
    build(t, lo, mid);
    lo = mid + 1;
  }
}

cz_status cz_kdtree_build(const double *xyz, size_t n, cz_kdtree *t) {
  memset(t, 0, sizeof *t);
  CZ_CHECK(n < UINT32_MAX, CZ_ERR_FORMAT, "%zu points are more than a tree holds", n);
  t->xyz = xyz;
  t->n = n;
  CZ_NEW(t->perm, n + 1);
  CZ_NEW(t->axis, n + 1);
  for (size_t i = 0; i < n; i++) t->perm[i] = (uint32_t)i;
  build(t, 0, n);
  return CZ_OK;
}

void cz_kdtree_free(cz_kdtree *t) {
  free(t->perm);
  free(t->axis);
  memset(t, 0, sizeof *t);
}

typedef struct best {
  double d2;
  uint32_t i;
} best;

static void consider(const cz_kdtree *t, uint32_t i, const double q[3], best *b) {
  double d2 = 0;
  for (int a = 0; a < 3; a++) {
    const double d = coord(t, i, a) - q[a];
    d2 += d * d;
  }
  if (d2 < b->d2 || (d2 == b->d2 && i < b->i)) *b = (best){d2, i};
}

static void search(const cz_kdtree *t, size_t lo, size_t hi, const double q[3], best *b) {
  while (hi > lo) {
    if (hi - lo == 1) {
      consider(t, t->perm[lo], q, b);
      return;
    }
    const size_t mid = lo + (hi - lo) / 2;
    const uint32_t m = t->perm[mid];
    const int ax = t->axis[mid];
    consider(t, m, q, b);
    const double off = q[ax] - coord(t, m, ax);
    /* the near side first; the far side only if the splitting plane is within reach (ties
     * included, for the lower index) */
    const size_t nlo = off < 0 ? lo : mid + 1, nhi = off < 0 ? mid : hi;
    const size_t flo = off < 0 ? mid + 1 : lo, fhi = off < 0 ? hi : mid;
    search(t, nlo, nhi, q, b);
    if (off * off > b->d2) return;
    lo = flo, hi = fhi;
  }
}

size_t cz_kdtree_nearest(const cz_kdtree *t, const double q[3]) {
  best b = {INFINITY, UINT32_MAX};
  search(t, 0, t->n, q, &b);
  return b.i;
}
