#include "base/sort.h"

#include <stdlib.h>

static int cmp_i64_pair(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  if (x[0] != y[0]) return (x[0] > y[0]) - (x[0] < y[0]);
  return (x[1] > y[1]) - (x[1] < y[1]);
}

void cz_sort_i64_pairs(int64_t *pairs, size_t n) { qsort(pairs, n, 2 * sizeof *pairs, cmp_i64_pair); }
