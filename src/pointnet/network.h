/* The simulated network in the form the time loop wants it.
 *
 * Index spaces. A gid numbers every node of every population in load order (population
 * offset + row); gids are the identity of spike sources and the key that orders spikes. The
 * neurons this rank simulates (its placement, placement.h) are also numbered by a local
 * neuron index (nid), grouped by model kind so that each kind's kernel runs over one
 * contiguous range; inside a group nids follow gids. Only synapses onto local neurons are kept.
 * Each local neuron has a send list: the other ranks that hold targets of it, which its spikes
 * are sent to (spike_exchange.h).
 *
 * Synapses live with their targets. Threads own contiguous nid ranges (balanced by in-degree),
 * and each thread keeps the synapses onto its own neurons grouped by source, in edge order
 * (edge population order, then row). Delivering spikes in (step, gid) order and walking each
 * source's synapses in that order therefore adds into every target's ring buffer in the same
 * sequence whatever the thread count: sums are bit-identical.
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
 * Ring buffers: ring[slot][channel][nid] holds the input summed for the update of step k with
 * slot = k & ring_mask. A synapse stores its target as tgt = channel * N + nid and its delay
 * in steps. When every target index fits 24 bits (channels * N <= 2^24) and every delay is
 * below 256 steps, as in most networks, the delay rides in the top 8 bits of tgt and the
 * delay array is dropped: 2 bytes less per synapse to hold and to read per spike.
 *
 * Weights: most networks use few distinct weights (one per edge type), so when there are at
 * most 65536 distinct values a synapse stores a 16-bit code into a shared table instead of a
 * double: 6 bytes per synapse instead of 12 (packed delays; 2 more otherwise), and less memory
 * traffic per delivered spike. The table holds the exact values, so results do not change.
 * Otherwise, when every weight is a value a float holds exactly (generators write such
 * weights), weights are stored as floats: 8 bytes per synapse, and again the same sums.
 *
 * Plastic synapses (stdp, Tsodyks) and synapses a weight_recorder report records live in a
 * second CSR per thread with the same order, and carry their own state. Their state is one
 * struct per synapse rather than arrays: a passing spike reads and writes all of it together.
 * Delivery walks, for each spike, the static synapses of its source and then its plastic
 * ones, so the order of additions into a target is still fixed by (step, gid, edge). Neurons
 * with stdp synapses onto them archive their spikes (pointnet/models/post_archive.h). */
#ifndef CZ_POINTNET_NETWORK_H
#define CZ_POINTNET_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"
#include "pointnet/weight_recorder.h"
#include "pointnet/models/model.h"
#include "pointnet/models/post_archive.h"
#include "pointnet/models/synapse.h"

#define CZ_NO_NID CZ_GIDMAP_NONE

/* NEST counts time in tics of 0.001 ms. */
#define CZ_NEST_TICS_PER_MS 1000

/* How each thread finds a source's synapses (cz_syn_index): chosen from the data, or forced. */
typedef enum { CZ_SOURCE_INDEX_AUTO, CZ_SOURCE_INDEX_DENSE, CZ_SOURCE_INDEX_SPARSE } cz_source_index;

/* The layout choices of a build. The builder takes each layout the data allow; these force
 * the other one, for tests and comparisons (app/layout_options.h reads them from the
 * environment). */
typedef struct cz_net_layout {
  bool weight_codes;    /* weights coded, or floats when exact (false: doubles) */
  bool packed_targets;  /* delays in the targets' top bits when they fit (false: apart) */
  bool fill_grouped;    /* the fill groups by blocks of sources whatever their number */
  bool edge_threads;    /* every thread reads its own targets' edges when indexed (false: one reader) */
  uint64_t edge_batch;  /* edges per batch of the streamed build; 0: the loader's default */
  cz_source_index source_index;
} cz_net_layout;

/* The layout the data choose. */
cz_net_layout cz_net_layout_default(void);

typedef struct cz_group {
  const cz_model_kind *kind;
  void *impl;
  uint32_t lo, hi; /* nid range */
} cz_group;

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

/* Packed targets: tgt & CZ_TGT_MASK is the target index, tgt >> CZ_TGT_BITS the delay. */
#define CZ_TGT_BITS 24
#define CZ_TGT_MASK ((UINT32_C(1) << CZ_TGT_BITS) - 1)

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
/* Delays of one networks.edges entry that are no whole number of steps, which NEST rounds to
 * the nearest step without a word: how many edges have one, the least and the greatest, and
 * whether any came from the edge types CSV. */
typedef struct cz_delay_tally {
  uint64_t n;
  double lo, hi;
  bool from_types;
} cz_delay_tally;

typedef struct cz_network {
  cz_timegrid tg;          /* the step (NEST's tics), nsteps; tg.min_delay is min_delay below */
  cz_gidmap gm;            /* gids; the local ids are the nids */
  size_t N;                /* gm.nlocal */

  size_t ngroups;
  cz_group *groups;

  int nch;                 /* ring channels: 1, 2 (sign-split kinds) or the most receptor ports */
  int nthreads;
  uint32_t *thr_lo;        /* [nthreads + 1] nid range owned by each thread for delivery */
  cz_sources sources;      /* the gids with synapses onto this rank; the tables' slots */
  cz_net_layout layout;    /* the build's layout choices */
  cz_synapses *syn;        /* [nthreads] */
  size_t nwtab;            /* distinct weights when coded, else 0 */
  bool wfloat;             /* weights stored as floats (exact), when not coded */
  double *wtab;            /* [nwtab] */
  size_t nsyn_total;
  size_t nsyn_models;      /* the circuit's synapse models (edge type params) */
  cz_syn_params *syn_params; /* [nsyn_models] rule and parameters of those in use */
  int *syn_rec;            /* [nsyn_models] weight_recorder report recording it, -1 for none */
  uint8_t *syn_resolved;   /* [nsyn_models] whether an edge uses it (the two above are set) */
  cz_wrecs wrecs;          /* the weight_recorder reports */
  cz_plastic *plastic;     /* [nthreads], NULL when no synapse here is plastic or recorded */
  size_t nplastic;         /* plastic or recorded synapses on this rank */
  cz_post_archive *archive; /* [N] spike archives, NULL when no stdp synapse targets this rank */
  int32_t min_delay;       /* steps, over the whole network (equal on every rank after
                              cz_net_connect); 1 when there are no synapses */
  int32_t max_delay;       /* steps, over this rank's synapses (at least 1 after cz_net_connect) */
  size_t noffgrid;          /* the config's networks.edges entries */
  cz_delay_tally *offgrid;  /* [noffgrid] this rank's edges whose delays are off the grid */
  int rank, nranks;
  size_t *send_off;        /* [N + 1] send list of each local neuron (CSR), when nranks > 1 */
  uint32_t *send_rank;     /* ranks, ascending */
} cz_network;

/* Builds this rank's part of the network from the circuit: its neuron groups with their
 * parameters, the synapses onto them with weights and delays in steps, partitioned for
 * nthreads threads. rank_of_gid (borrowed; NULL: every neuron is local) says where each
 * neuron lives; the circuit holds the edges onto this rank's neurons (its other edges are
 * ignored). layout (borrowed, copied; NULL: cz_net_layout_default()) forces layouts the data
 * would not choose. cz_net_connect completes it. Owned (*out). Local. */
cz_status cz_net_build(const cz_config *cfg, const cz_circuit *c, int nthreads, int rank, int nranks,
                       const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_network **out);
/* The same build straight from the edge files, for runs: c holds the nodes only; the edge
 * files are streamed two or three times (validate and count, count when the scan could not,
 * fill) in batches of at most layout->edge_batch edges (0: the loader's default of 2^17), so
 * that memory holds the tables plus one batch, whatever the size of the files. rank_of_gid as for cz_net_build (NULL: every neuron local;
 * otherwise each rank reads only its own targets' rows, through the target_to_source index
 * when the file has one). Leaves c without edges. The tables equal those of cz_net_build.
 * Owned (*out). Local. */
cz_status cz_net_build_streamed(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                                const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_network **out);
/* The streamed build with another source of edges than the files: each pass calls
 * read(ctx, c, cfg, flt) where it would call cz_circuit_load_edges(c, cfg, flt), and read
 * must behave alike (populations set up, the edges flt keeps handed to flt->batch in file
 * order). A dry run (app/dry_run.h) draws them from a generator. Owned (*out). Local. */
typedef cz_status (*cz_net_edge_reader)(void *ctx, cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt);
cz_status cz_net_build_read(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                            const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_net_edge_reader read,
                            void *ctx, cz_network **out);
void cz_net_destroy(cz_network **net);

/* A delay in steps of h ms as NEST converts it (Time::delay_ms_to_steps): delay times the
 * steps per ms (1 / h), rounded to the nearest whole number, halves up. */
double cz_net_delay_steps(double delay_ms, double h);

/* Warns, once per networks.edges entry, about the delays of every rank's edges that are no
 * whole number of steps (how many, and how they were rounded). Collective; rank 0's log says
 * it. */
cz_status cz_net_warn_off_grid(const cz_network *net, const cz_config *cfg);

/* Completes the build across ranks: the global minimum and maximum delays (the epoch length
 * must be the same everywhere) and the send lists, from each rank's requests for the spikes of
 * the neurons it has synapses from. rank_of_gid as for cz_net_build. Collective. */
cz_status cz_net_connect(cz_network *net, const uint32_t *rank_of_gid);

/* The checks of cz_net_build on the loaded edges that need no network: supported synapse
 * models and parameters (weight_recorder reports of cfg name models too), weights the model
 * accepts, no edge onto a virtual node, delays of 1 to 65535 steps of cfg->dt; warns as
 * cz_net_warn_off_grid does about delays off the grid of steps. Local. */
cz_status cz_net_check_edges(const cz_config *cfg, const cz_circuit *c);

/* The bytes of the network's tables, for memory studies: what grows with the synapses, with
 * the sources seen here, and with the network's gids. */
typedef struct cz_net_mem {
  size_t nsyn;        /* synapses on this rank, static and plastic */
  size_t nslot;       /* sources with synapses on this rank */
  size_t ngid;        /* gids of the network */
  size_t synapses;    /* the per-synapse columns of every thread's static tables */
  size_t plastic;     /* the per-synapse columns and states of the plastic tables */
  size_t index;       /* every thread's source index (cz_syn_index) */
  size_t sources;     /* the rank's source table (cz_sources) */
  size_t gid_map;     /* the gid map (core/gidmap.h) */
  size_t send_lists;  /* send_off and send_rank */
} cz_net_mem;
void cz_net_memory(const cz_network *net, cz_net_mem *out);

#endif
