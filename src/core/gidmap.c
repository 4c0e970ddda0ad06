#include "core/gidmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* A direct table costs 4 bytes per gid; it is taken while that is at most this many words
 * per local node, where it is both faster and no larger than a hash would be. */
enum { DENSE_FACTOR = 4 };

cz_status cz_gidmap_init(cz_gidmap *m, const size_t *pop_sizes, size_t npops, size_t nlocal) {
  memset(m, 0, sizeof *m);
  m->npops = npops;
  CZ_NEW(m->pop_offset, npops + 1);
  for (size_t p = 0; p < npops; p++) m->pop_offset[p + 1] = m->pop_offset[p] + pop_sizes[p];
  m->nsrc = m->pop_offset[npops];
  CZ_CHECK(m->nsrc < UINT32_MAX, CZ_ERR_CONFIG, "too many nodes (%zu) for one process", m->nsrc);
  m->nlocal = nlocal;
  CZ_NEW(m->gid_of_lid, nlocal + 1);
  return CZ_OK;
}

cz_status cz_gidmap_set_nlocal(cz_gidmap *m, size_t nlocal) {
  free(m->gid_of_lid);
  m->gid_of_lid = NULL;
  m->nlocal = nlocal;
  CZ_NEW(m->gid_of_lid, nlocal + 1);
  return CZ_OK;
}

static cz_status index_direct(cz_gidmap *m) {
  CZ_NEW(m->direct, m->nsrc + 1);
  memset(m->direct, 0xff, (m->nsrc + 1) * sizeof *m->direct);
  for (size_t i = 0; i < m->nlocal; i++) m->direct[m->gid_of_lid[i]] = (uint32_t)i;
  return CZ_OK;
}

static cz_status index_hash(cz_gidmap *m) {
  size_t cap = 16;
  while (cap < 2 * m->nlocal) cap <<= 1;
  m->hmask = cap - 1;
  CZ_NEW(m->hkey, cap);
  CZ_NEW(m->hval, cap);
  memset(m->hkey, 0xff, cap * sizeof *m->hkey);
  for (size_t i = 0; i < m->nlocal; i++) {
    const uint32_t gid = m->gid_of_lid[i];
    size_t k = (size_t)(((uint64_t)gid * CZ_GIDMAP_MIX) >> 32) & m->hmask;
    while (m->hkey[k] != CZ_GIDMAP_NONE) k = (k + 1) & m->hmask;
    m->hkey[k] = gid;
    m->hval[k] = (uint32_t)i;
  }
  return CZ_OK;
}

cz_status cz_gidmap_index(cz_gidmap *m) {
  free(m->direct);
  free(m->hkey);
  free(m->hval);
  m->direct = m->hkey = m->hval = NULL;
  if (m->nsrc <= DENSE_FACTOR * m->nlocal) return index_direct(m);
  return index_hash(m);
}

void cz_gidmap_free(cz_gidmap *m) {
  free(m->pop_offset);
  free(m->gid_of_lid);
  free(m->direct);
  free(m->hkey);
  free(m->hval);
  memset(m, 0, sizeof *m);
}

void cz_gidmap_locate(const cz_gidmap *m, size_t gid, size_t *pop, size_t *row) {
  size_t lo = 0, hi = m->npops - 1;
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    if (m->pop_offset[mid] <= gid) lo = mid;
    else hi = mid - 1;
  }
  *pop = lo;
  *row = gid - m->pop_offset[lo];
}

size_t cz_gidmap_bytes(const cz_gidmap *m) {
  size_t b = (m->npops + 1) * sizeof *m->pop_offset + m->nlocal * sizeof *m->gid_of_lid;
  if (m->direct) b += m->nsrc * sizeof *m->direct;
  if (m->hkey) b += (m->hmask + 1) * (sizeof *m->hkey + sizeof *m->hval);
  return b;
}
