/* The synapse tables of the point engine: a thread's static and plastic synapses by source,
 * and how a thread finds a source's synapses.
 *
 * Memory that scales with the rank's share. The sources are numbered once per rank by slot
 * (cz_sources: the gids with synapses here, 2 bits per gid of the network), and each thread
 * finds a source's synapses through an index over slots (cz_syn_index): 8-byte offsets per
 * slot where the thread has many synapses per source (one rank, or few), a unary code of about
 * 1 bit per synapse and per slot where it has few (many ranks: at 1024 ranks of the HPC
 * benchmark a thread's 1.6e7 synapses come from 8.6 M sources, and offsets would cost 4 bytes
 * per synapse). The builder counts synapses per (thread, slot) before the tables exist and
 * keeps those counts only for dense indexes, whose fill uses them as cursors; a sparse table
 * fills each source's places from the front, finding the next by a binary search.
 *
 * The tables and the ring they add into: network.h. */
#ifndef CZ_POINTNET_SYNAPSE_TABLE_H
#define CZ_POINTNET_SYNAPSE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/models/synapse.h"

/* How each thread finds a source's synapses (cz_syn_index): chosen from the data, or forced. */
typedef enum { CZ_SOURCE_INDEX_AUTO, CZ_SOURCE_INDEX_DENSE, CZ_SOURCE_INDEX_SPARSE } cz_source_index;

/* Packed targets: tgt & CZ_TGT_MASK is the target index, tgt >> CZ_TGT_BITS the delay. */
#define CZ_TGT_BITS 24
#define CZ_TGT_MASK ((UINT32_C(1) << CZ_TGT_BITS) - 1)

/* The sources with synapses onto this rank, held once per rank: a bitmap over gids with the
 * count of sources before each 64-gid word, so that a source's slot (its place among the
 * sources, in gid order) is one word read and a popcount. When every gid is a source, as in
 * most networks on few ranks, slot = gid and no bitmap is kept. 2 bits per gid of the network;
 * everything else about sources is sized by the slots or by the synapses. */
typedef struct cz_src_word {
  uint64_t bits;   /* gids 64 w .. 64 w + 63 that are sources */
  uint64_t before; /* sources below gid 64 w */
} cz_src_word;

typedef struct cz_sources {
  size_t ngid;       /* gids: every node of every population */
  size_t nslot;      /* sources */
  cz_src_word *word; /* [ngid / 64 + 1]; NULL when every gid is a source */
} cz_sources;

/* Whether gid is a source here, and its slot. */
static inline bool cz_sources_slot(const cz_sources *m, size_t gid, size_t *slot) {
  if (!m->word) {
    *slot = gid;
    return gid < m->ngid;
  }
  const cz_src_word w = m->word[gid >> 6];
  const uint64_t bit = UINT64_C(1) << (gid & 63);
  *slot = (size_t)w.before + (size_t)__builtin_popcountll(w.bits & (bit - 1));
  return (w.bits & bit) != 0;
}

/* A range of synapses [lo, hi) in one thread's table. */
typedef struct cz_span {
  size_t lo, hi;
} cz_span;

/* Where one thread's synapses of each source slot lie in its table (stored by slot). Dense:
 * off[slot] .. off[slot + 1], 8 bytes per slot, for tables with many synapses per source.
 * Sparse, when that would cost more than a few bits per synapse (many ranks, each seeing
 * most sources of the network through few synapses): a unary code, for each slot in turn one
 * 1 bit per synapse then a 0 bit, with the position of every 64th 0 bit and the count of 0
 * bits before every 512-bit block kept, so that finding the 0 ending a slot is a search
 * between two samples and a few popcounts, however many synapses a source has: 1 bit per
 * synapse and 1.1 bits per slot. The choice is the builder's, from the table's own counts. */
typedef struct cz_syn_index {
  const cz_sources *src; /* borrowed: the network's */
  size_t *off;           /* dense: [nslot + 1]; NULL when sparse */
  uint64_t *code;        /* sparse: [(nslot + nsyn) / 64 + 2] */
  uint64_t *zero_at;     /* sparse: [nslot / 64 + 1] bit of the 0 ending slot 64 j */
  uint64_t *zeros_before; /* sparse: [nblocks] 0 bits before block b (bits 512 b ..) */
  size_t nblocks;        /* sparse: 512-bit blocks of the code */
  size_t nsyn;           /* synapses indexed */
} cz_syn_index;

/* The place of the r-th (from 0) set bit of x, which has more than r. */
static inline unsigned cz_select_bit(uint64_t x, unsigned r) {
  unsigned base = 0;
  for (;;) {
    const unsigned c = (unsigned)__builtin_popcountll(x & 0xff);
    if (r < c) break;
    r -= c;
    x >>= 8;
    base += 8;
  }
  for (; r; r--) x &= x - 1;
  return base + (unsigned)__builtin_ctzll(x);
}

/* The bit of the 0 that ends slot j in a sparse index: the block holding it lies between
 * those of the samples around j (a binary search over the blocks' counts), then a word. */
static inline size_t cz_syn_index_zero(const cz_syn_index *ix, size_t j) {
  const size_t k = j >> 6, nsamp = ix->src->nslot / 64 + 1;
  size_t lo = ix->zero_at[k] >> 9, hi = k + 1 < nsamp ? ix->zero_at[k + 1] >> 9 : ix->nblocks - 1;
  while (lo < hi) { /* the last block with at most j 0 bits before it */
    const size_t mid = lo + (hi - lo + 1) / 2;
    if (ix->zeros_before[mid] <= j) lo = mid;
    else hi = mid - 1;
  }
  size_t r = j - ix->zeros_before[lo], w = lo << 3;
  uint64_t x = ~ix->code[w];
  for (;;) {
    const unsigned c = (unsigned)__builtin_popcountll(x);
    if (r < c) return (w << 6) + cz_select_bit(x, (unsigned)r);
    r -= c;
    x = ~ix->code[++w];
  }
}

/* The 1 bits of a sparse index's code from bit q on, up to the next 0. */
static inline size_t cz_syn_index_ones(const cz_syn_index *ix, size_t q) {
  size_t w = q >> 6;
  const unsigned b = (unsigned)(q & 63);
  const uint64_t x = ~(ix->code[w] >> b);
  size_t n = x ? (size_t)__builtin_ctzll(x) : 64;
  if (n < 64 - b) return n;
  n = 64 - b;
  while (ix->code[++w] == ~UINT64_C(0)) n += 64;
  return n + (size_t)__builtin_ctzll(~ix->code[w]);
}

/* The synapses of slot s in a sparse index: slot s starts after the 0 ending slot s - 1. */
static inline cz_span cz_syn_index_sparse_span(const cz_syn_index *ix, size_t s) {
  const size_t q = s ? cz_syn_index_zero(ix, s - 1) + 1 : 0;
  const size_t lo = q - s;
  return (cz_span){lo, lo + cz_syn_index_ones(ix, q)};
}

/* The synapses of source gid in the table ix indexes: the one look-up of delivery. */
static inline cz_span cz_syn_index_span(const cz_syn_index *ix, size_t gid) {
  size_t s;
  if (!cz_sources_slot(ix->src, gid, &s)) return (cz_span){0, 0};
  if (ix->off) return (cz_span){ix->off[s], ix->off[s + 1]};
  return cz_syn_index_sparse_span(ix, s);
}

/* The synapses of slot s (not gid), for walks over every source. */
static inline cz_span cz_syn_index_slot_span(const cz_syn_index *ix, size_t s) {
  if (ix->off) return (cz_span){ix->off[s], ix->off[s + 1]};
  return cz_syn_index_sparse_span(ix, s);
}


/* The synapses onto one thread's neurons, by source slot; a source's synapses in runs of
 * equal delay, ascending, and in edge order within a run (delay_order.h). */
typedef struct cz_synapses {
  cz_syn_index index;
  uint32_t *tgt;    /* [nsyn] channel * N + nid; packed with the delay when delay is NULL */
  uint16_t *delay;  /* [nsyn] steps, >= 1; NULL when the delays are packed into tgt */
  double *weight;   /* [nsyn], or NULL when weights are coded or floats */
  uint16_t *wcode;  /* [nsyn] index into cz_network.wtab, when weights are coded */
  float *weightf;   /* [nsyn] when every weight is exactly a float (and not coded) */
  size_t nsyn;
} cz_synapses;

/* Synapse k's delay in steps, and its ring index (channel * N + nid). */
static inline uint32_t cz_syn_delay(const cz_synapses *s, size_t k) {
  return s->delay ? s->delay[k] : s->tgt[k] >> CZ_TGT_BITS;
}
static inline uint32_t cz_syn_target(const cz_synapses *s, size_t k) {
  return s->delay ? s->tgt[k] : s->tgt[k] & CZ_TGT_MASK;
}

/* The plastic or recorded synapses onto one thread's neurons, by source slot. */
typedef struct cz_plastic {
  cz_syn_index index;
  uint32_t *tgt;       /* [nsyn] channel * N + nid */
  uint16_t *delay;     /* [nsyn] steps */
  uint16_t *model;     /* [nsyn] synapse model index (cz_network.syn_params) */
  uint64_t *edge;      /* [nsyn] edge population << 40 | row */
  cz_syn_state *state; /* [nsyn] */
  size_t nsyn;
} cz_plastic;

/* Builds ix over the slots of src from the synapses per slot (count[nslot]): sparse or dense
 * as asked, or (CZ_SOURCE_INDEX_AUTO) dense unless its offsets would cost more than a quarter
 * byte per synapse. Owned (ix, freed by cz_syn_index_free). Local. */
cz_status cz_syn_index_build(cz_syn_index *ix, const cz_sources *src, const uint32_t *count, cz_source_index how);
void cz_syn_index_free(cz_syn_index *ix);
/* The bytes ix holds. */
size_t cz_syn_index_bytes(const cz_syn_index *ix);

/* Builds the source table from a bitmap of the sources over ngid gids (bits, [ngid / 64 + 1]
 * words, borrowed). Owned (m, freed by cz_sources_free). Local. */
cz_status cz_sources_build(cz_sources *m, const uint64_t *bits, size_t ngid);
void cz_sources_free(cz_sources *m);

#endif
