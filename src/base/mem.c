#include "base/mem.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

void cz_advise_huge(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  if (!p || bytes < 2 * huge) return;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + bytes) & ~(huge - 1);
  if (b > a) madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

void *cz_alloc_huge(size_t n, size_t sz) {
  const size_t huge = (size_t)2 << 20;
  if (n == 0 || sz == 0) return malloc(1);
  if (n > SIZE_MAX / sz) return NULL;
  const size_t bytes = n * sz;
  if (bytes < 2 * huge) return malloc(bytes);
  if (bytes > SIZE_MAX - huge) return NULL;
  const size_t whole = (bytes + huge - 1) & ~(huge - 1);
  void *p = NULL;
  if (posix_memalign(&p, huge, whole) != 0) return NULL;
  cz_advise_huge(p, whole);
  return p;
}

void *cz_calloc(size_t n, size_t sz) {
  if (n == 0 || sz == 0) return calloc(1, 1);
  if (n > SIZE_MAX / sz) return NULL;
  void *p = calloc(n, sz);
  cz_advise_huge(p, n * sz);
  return p;
}

cz_status cz_grow(void **p, size_t *cap, size_t need, size_t sz) {
  if (need <= *cap) return CZ_OK;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    CZ_CHECK(ncap <= SIZE_MAX / 2, CZ_ERR_NOMEM, "array size overflow (%zu elements)", need);
    ncap *= 2;
  }
  CZ_CHECK(ncap <= SIZE_MAX / sz, CZ_ERR_NOMEM, "array size overflow (%zu elements)", need);
  void *q = realloc(*p, ncap * sz);
  CZ_CHECK(q != NULL, CZ_ERR_NOMEM, "out of memory growing an array to %zu elements", ncap);
  memset((char *)q + *cap * sz, 0, (ncap - *cap) * sz);
  *p = q;
  *cap = ncap;
  return CZ_OK;
}

cz_status cz_resize(void **p, size_t n, size_t sz) {
  CZ_CHECK(sz == 0 || n <= SIZE_MAX / sz, CZ_ERR_NOMEM, "out of memory: %zu elements of %zu bytes", n, sz);
  const size_t bytes = n * sz;
  void *q = realloc(*p, bytes > 0 ? bytes : 1);
  CZ_CHECK(q, CZ_ERR_NOMEM, "out of memory allocating %zu elements of %zu bytes", n, sz);
  *p = q;
  return CZ_OK;
}
