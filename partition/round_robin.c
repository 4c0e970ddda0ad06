#include "partition/round_robin.h"

cz_status cz_part_round_robin(size_t n, int nparts, uint32_t *part) {
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  for (size_t i = 0; i < n; i++) part[i] = (uint32_t)(i % (size_t)nparts);
  return CZ_OK;
}

cz_status cz_part_block(size_t n, int nparts, uint32_t *part) {
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  size_t np = (size_t)nparts;
  size_t small = n / np;          /* size of the later parts */
  size_t nbig = n % np;           /* parts of size small + 1, which come first */
  size_t big_end = nbig * (small + 1);
  for (size_t i = 0; i < n; i++)
    part[i] = (uint32_t)(i < big_end ? i / (small + 1) : nbig + (i - big_end) / small);
  return CZ_OK;
}
