#include "pointnet/synapse_table.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

cz_status cz_sources_build(cz_sources *m, const uint64_t *bits, size_t ngid) {
  memset(m, 0, sizeof *m);
  m->ngid = ngid;
  const size_t nw = ngid / 64 + 1;
  size_t n = 0;
  for (size_t w = 0; w < nw; w++) n += (size_t)__builtin_popcountll(bits[w]);
  m->nslot = n;
  if (n == ngid) return CZ_OK; /* every gid a source: slot = gid */
  CZ_NEW(m->word, nw);
  size_t before = 0;
  for (size_t w = 0; w < nw; w++) {
    m->word[w] = (cz_src_word){bits[w], before};
    before += (size_t)__builtin_popcountll(bits[w]);
  }
  return CZ_OK;
}

void cz_sources_free(cz_sources *m) {
  free(m->word);
  memset(m, 0, sizeof *m);
}

/* A dense index costs 8 bytes per slot; it is taken while that is at most a quarter byte per
 * synapse of the table (32 synapses per source on average), or small in any case. */
enum { DENSE_SMALL_BYTES = 1 << 16 };

static bool index_dense(size_t nslot, size_t nsyn, cz_source_index how) {
  if (how != CZ_SOURCE_INDEX_AUTO) return how == CZ_SOURCE_INDEX_DENSE;
  const size_t bytes = (nslot + 1) * sizeof(size_t);
  return bytes <= DENSE_SMALL_BYTES || bytes <= nsyn / 4;
}

/* The unary code of the counts, the place of every 64th 0 and the 0s before each block
 * (cz_syn_index). The code has whole blocks, its bits past the last slot's 0 set to 1, so
 * that no 0 follows the last slot's. */
static cz_status index_sparse(cz_syn_index *ix, const uint32_t *count, size_t nslot, size_t nsyn) {
  const size_t nbits = nslot + nsyn, nwords = (nbits / 512 + 1) * 8;
  ix->nblocks = nwords / 8;
  ix->code = cz_alloc_huge(nwords + 1, sizeof *ix->code);
  ix->zero_at = cz_calloc(nslot / 64 + 1, sizeof *ix->zero_at);
  ix->zeros_before = cz_calloc(ix->nblocks + 1, sizeof *ix->zeros_before);
  CZ_CHECK(ix->code && ix->zero_at && ix->zeros_before, CZ_ERR_NOMEM,
           "out of memory indexing a table of %zu synapses", nsyn);
  memset(ix->code, 0, (nwords + 1) * sizeof *ix->code);
  size_t bit = 0;
  for (size_t s = 0; s < nslot; s++) {
    for (uint32_t k = 0; k < count[s]; k++, bit++) ix->code[bit >> 6] |= UINT64_C(1) << (bit & 63);
    if ((s & 63) == 0) ix->zero_at[s >> 6] = bit;
    bit++; /* the 0 ending slot s */
  }
  for (; bit < nwords * 64; bit++) ix->code[bit >> 6] |= UINT64_C(1) << (bit & 63);
  ix->code[nwords] = ~UINT64_C(0);
  size_t zeros = 0;
  for (size_t b = 0; b < ix->nblocks; b++) {
    ix->zeros_before[b] = zeros;
    for (size_t w = 8 * b; w < 8 * b + 8; w++) zeros += (size_t)__builtin_popcountll(~ix->code[w]);
  }
  return CZ_OK;
}

cz_status cz_syn_index_build(cz_syn_index *ix, const cz_sources *src, const uint32_t *count, cz_source_index how) {
  memset(ix, 0, sizeof *ix);
  ix->src = src;
  const size_t nslot = src->nslot;
  size_t nsyn = 0;
  for (size_t s = 0; s < nslot; s++) nsyn += count[s];
  ix->nsyn = nsyn;
  if (!index_dense(nslot, nsyn, how)) return index_sparse(ix, count, nslot, nsyn);
  CZ_NEW(ix->off, nslot + 1);
  for (size_t s = 0; s < nslot; s++) ix->off[s + 1] = ix->off[s] + count[s];
  return CZ_OK;
}

void cz_syn_index_free(cz_syn_index *ix) {
  free(ix->off);
  free(ix->code);
  free(ix->zero_at);
  free(ix->zeros_before);
  memset(ix, 0, sizeof *ix);
}

size_t cz_syn_index_bytes(const cz_syn_index *ix) {
  const size_t nslot = ix->src ? ix->src->nslot : 0;
  if (ix->off) return (nslot + 1) * sizeof *ix->off;
  if (!ix->code) return 0;
  return (ix->nblocks * 8 + 1) * sizeof *ix->code + (nslot / 64 + 1) * sizeof *ix->zero_at +
         ix->nblocks * sizeof *ix->zeros_before;
}
