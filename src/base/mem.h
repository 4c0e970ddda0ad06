/* Allocation helpers. Allocation failure is a status (CZ_ERR_NOMEM), never an abort. */
#ifndef CZ_BASE_MEM_H
#define CZ_BASE_MEM_H

#include <stddef.h>
#include <stdlib.h>

#include "base/status.h"

/* Zeroed array of n elements of size sz; NULL on failure or overflow. Owned by the caller
 * (free()). n == 0 returns a valid, freeable 1-byte block so callers need no special case. */
void *cz_calloc(size_t n, size_t sz);

/* Grows *p (n_used elements of sz bytes, capacity *cap) so it can hold need elements;
 * doubles the capacity. Contents are kept, new space is zeroed. */
cz_status cz_grow(void **p, size_t *cap, size_t need, size_t sz);

/* Resizes the array *p to n elements of sz bytes (contents kept up to the smaller size);
 * *p is unchanged on failure, which is CZ_ERR_NOMEM. For parallel arrays that share one
 * capacity. */
cz_status cz_resize(void **p, size_t n, size_t sz);

/* Asks the kernel to back a large block with huge pages (where transparent huge pages are in
 * madvise mode): first touches then fault once per 2 MiB instead of once per 4 KiB, which on
 * virtual machines is most of the cost of filling big arrays. A hint; never fails. */
void cz_advise_huge(void *p, size_t bytes);

/* An array of n elements of size sz that is written in full before it is read (a synapse
 * table filled slot by slot, a scratch buffer): uninitialised, so nothing touches its pages
 * before the threads that fill it, and, when large, aligned to and sized in whole 2 MiB so
 * that huge pages can back all of it (calloc's blocks start 16 bytes past a page boundary,
 * which leaves up to 2 MiB at each end of every array on 4 KiB pages). NULL on failure or
 * overflow; free() releases it. */
void *cz_alloc_huge(size_t n, size_t sz);

/* Allocates a zeroed array of n elements for the pointer lvalue p, or returns CZ_ERR_NOMEM. */
#define CZ_NEW(p, n)                                                                 \
  CZ_CHECK(((p) = cz_calloc((size_t)(n), sizeof *(p))) != NULL, CZ_ERR_NOMEM,        \
           "out of memory allocating %zu elements of %zu bytes", (size_t)(n), sizeof *(p))

/* Ensures the array p (capacity lvalue cap, in elements) holds at least need elements. */
#define CZ_RESERVE(p, cap, need)                                                    \
  do {                                                                              \
    if ((size_t)(need) > (cap)) {                                                   \
      void *cz_rs_tmp_ = (p);                                                       \
      CZ_TRY(cz_grow(&cz_rs_tmp_, &(cap), (size_t)(need), sizeof *(p)));            \
      (p) = cz_rs_tmp_;                                                             \
    }                                                                               \
  } while (0)

#endif
