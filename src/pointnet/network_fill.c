#include "pointnet/network_fill.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timer.h"
#include "pointnet/delay_order.h"
#include "pointnet/network_checks.h"
#include "pointnet/network_delays.h"

/* The fill writes each synapse at its source's next slot: one write stream per source and
 * table array (target, delay, weight). With few sources those streams stay in cache; with
 * thousands, almost every write misses. Then the sources are split into FILL_BUCKETS blocks
 * of consecutive gids, and each synapse is held in its block's buffer; a full buffer is
 * written out at once, its few dozen sources' streams staying in cache while it is. A source
 * lies in one block only, and a block's buffer keeps arrival order, so every source still
 * gets its synapses in edge order. The buffers of a thread hold FILL_WINDOW / nthreads
 * synapses in all. FILL_DIRECT_SOURCES is where grouping starts to pay: 4096 sources keep 3 x
 * 4096 cache lines (768 KiB) open, about a core's L2 (one thread, files in the page cache: 2250
 * sources fill 20-40 % faster direct, 7718 sources 25 % faster grouped). */
enum { FILL_BUCKETS = 256, FILL_DIRECT_SOURCES = 4096, FILL_WINDOW = 1 << 20 };

static void put_plastic(cz_network *net, int t, size_t k, uint32_t tgt, uint16_t delay, uint32_t sm, size_t e,
                        uint64_t row, double w) {
  cz_plastic *p = &net->plastic[t];
  p->tgt[k] = tgt;
  p->delay[k] = delay;
  p->model[k] = (uint16_t)sm;
  p->edge[k] = ((uint64_t)e << 40) | row;
  p->state[k] = cz_syn_initial_state(&net->syn_params[sm], w);
}

/* A static synapse on its way into a thread's table: the weight as its code or its float. */
typedef struct syn_put {
  uint32_t sgid, tgt;
  union {
    float f;
    uint16_t code;
  } w;
  uint16_t delay;
} syn_put;

/* One thread's reusable buffers for filling its tables batch by batch. */
typedef struct fill_scratch {
  syn_put *held;             /* [FILL_BUCKETS * per_bucket], bucket b at b * per_bucket */
  size_t per_bucket;
  size_t n[FILL_BUCKETS];    /* held in each bucket */
  bool overfull; /* a source had more synapses than the scan counted (next_slot), or a
                    synapse a delay the scan did not see */
  cz_status st;
} fill_scratch;

/* The buffers at their full size at the first synapse held: pages are mapped only as they are
 * written, so a small network costs little. */
static bool fill_scratch_alloc(fill_scratch *fs, size_t per_bucket) {
  fs->held = cz_alloc_huge((size_t)FILL_BUCKETS * per_bucket, sizeof *fs->held);
  fs->per_bucket = per_bucket;
  return fs->held != NULL;
}

static void fill_scratch_free(fill_scratch *fs, int n) {
  for (int t = 0; fs && t < n; t++) free(fs[t].held);
  free(fs);
}

/* The next free place of source gid g in a table indexed by ix, or SIZE_MAX when g already
 * has every synapse the count found (or none): the edge files changed between the passes,
 * and a write there would land in another source's places or past the table. A dense index
 * keeps the places taken per slot in fill; a sparse one keeps no count per slot: its
 * source's places fill from the front, so the first CZ_NET_UNFILLED target among them (tgt, a
 * binary search) is the next. */
static inline size_t next_slot(const cz_syn_index *ix, uint32_t *fill, const uint32_t *tgt, size_t g) {
  size_t s;
  if (!cz_sources_slot(ix->src, g, &s)) return SIZE_MAX;
  if (ix->off) {
    const size_t k = ix->off[s] + fill[s];
    if (k >= ix->off[s + 1]) return SIZE_MAX;
    fill[s]++;
    return k;
  }
  const cz_span r = cz_syn_index_sparse_span(ix, s);
  size_t lo = r.lo, hi = r.hi;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (tgt[mid] == CZ_NET_UNFILLED) hi = mid;
    else lo = mid + 1;
  }
  return lo < r.hi ? lo : SIZE_MAX;
}

/* A static synapse's target as its table stores it: with the delay when the table packs them
 * (the scan saw every delay, so a packed delay is below 256 steps). */
static inline uint32_t stored_target(const cz_synapses *s, uint32_t tgt, uint16_t delay) {
  return s->delay ? tgt : tgt | (uint32_t)delay << CZ_TGT_BITS;
}

/* Writes one static synapse at its source's next slot (fill[gid]); false when it has none. */
static inline bool put_static(cz_synapses *s, size_t sgid, uint32_t tgt, uint16_t delay, double w, uint16_t code,
                              uint32_t *fill) {
  const size_t k = next_slot(&s->index, fill, s->tgt, sgid);
  if (k == SIZE_MAX) return false;
  s->tgt[k] = stored_target(s, tgt, delay);
  if (s->delay) s->delay[k] = delay;
  if (s->wcode) s->wcode[k] = code;
  else if (s->weightf) s->weightf[k] = (float)w;
  else s->weight[k] = w;
  return true;
}

/* The shift that maps a source gid to its bucket. */
static unsigned group_shift(const cz_network *net) {
  unsigned shift = 0;
  while (((net->gm.nsrc - 1) >> shift) >= FILL_BUCKETS) shift++;
  return shift;
}

/* Writes out the synapses held in bucket b, in the order they came. */
static void put_bucket(cz_synapses *s, fill_scratch *fs, size_t b, uint32_t *fill) {
  const syn_put *p = fs->held + b * fs->per_bucket;
  const size_t n = fs->n[b];
  fs->n[b] = 0;
  bool full = false;
  if (s->wcode) {
    for (size_t j = 0; j < n; j++) {
      const size_t k = next_slot(&s->index, fill, s->tgt, p[j].sgid);
      if (k == SIZE_MAX) {
        full = true;
        continue;
      }
      s->tgt[k] = p[j].tgt;
      if (s->delay) s->delay[k] = p[j].delay;
      s->wcode[k] = p[j].w.code;
    }
  } else {
    for (size_t j = 0; j < n; j++) {
      const size_t k = next_slot(&s->index, fill, s->tgt, p[j].sgid);
      if (k == SIZE_MAX) {
        full = true;
        continue;
      }
      s->tgt[k] = p[j].tgt;
      if (s->delay) s->delay[k] = p[j].delay;
      s->weightf[k] = p[j].w.f;
    }
  }
  fs->overfull = fs->overfull || full;
}

/* Writes out every bucket (at the end of the fill). */
static void put_grouped(cz_synapses *s, fill_scratch *fs, uint32_t *fill) {
  for (size_t b = 0; b < FILL_BUCKETS && fs->held; b++) put_bucket(s, fs, b, fill);
}

/* Synapses each bucket of a thread holds: FILL_WINDOW over all buckets and threads, which
 * share the caches. */
static size_t bucket_capacity(const cz_network *net) {
  return FILL_WINDOW / FILL_BUCKETS / (size_t)net->nthreads + 1;
}

/* Whether thread t's fill holds synapses back for grouping. The layout's fill_grouped groups
 * whatever the number of sources, so that the tests run the grouped fill on small networks. */
static bool fill_grouped(const cz_network *net, int t) {
  if (net->syn[t].weight) return false; /* doubles go direct */
  return net->gm.nsrc > FILL_DIRECT_SOURCES || net->layout.fill_grouped;
}

/* What the fill needs per edge type, looked up once per batch. */
typedef struct fill_type {
  uint32_t sm;
  int port_channel; /* channel onto a neuron with receptor ports: receptor_type - 1 */
  bool plastic;     /* goes to the plastic CSR (when the thread has one) */
} fill_type;

/* Holds one static synapse in its bucket, writing the bucket out when it is full; false when
 * the buffers cannot be allocated. */
static inline bool hold_static(cz_synapses *s, fill_scratch *fs, uint32_t *fill, size_t per_bucket, unsigned shift,
                               size_t sgid, uint32_t tgt, uint16_t delay, double w, uint16_t code) {
  if (!fs->held && !fill_scratch_alloc(fs, per_bucket)) return false;
  const size_t b = sgid >> shift;
  if (fs->n[b] == fs->per_bucket) put_bucket(s, fs, b, fill);
  syn_put *p = &fs->held[b * fs->per_bucket + fs->n[b]++];
  p->sgid = (uint32_t)sgid;
  p->tgt = stored_target(s, tgt, delay);
  p->delay = delay;
  if (s->wcode) p->w.code = code;
  else p->w.f = (float)w;
  return true;
}

/* The batch of fill_plain, in the form of one of its four loops: by_type, the edges take
 * weights and delays from their types (codes and tdelay per type), else one of each per edge;
 * coded, the tables hold weight codes (codes per edge or type), else floats. */
typedef struct plain_batch {
  const cz_edge_pop *ep;
  const fill_type *types;
  const uint16_t *codes, *tdelay;
} plain_batch;

static inline __attribute__((always_inline)) void fill_plain_loop(cz_network *net, const plain_batch *pb,
                                                                  const cz_net_target_info *ti, int t, uint32_t *fill,
                                                                  fill_scratch *fs, size_t per_bucket,
                                                                  const bool by_type, const bool coded) {
  const cz_edge_pop *ep = pb->ep;
  cz_synapses *s = &net->syn[t];
  const size_t so = net->gm.pop_offset[ep->source_pop];
  const size_t target_gid0 = net->gm.pop_offset[ep->target_pop];
  const uint32_t *srow = ep->source_row, *trow = ep->target_row, *type = ep->type;
  const uint16_t *owner = ti->owner;
  const uint8_t *ports = ti->ports, *split = ti->split;
  const uint32_t N = (uint32_t)net->N;
  const double per_ms = cz_net_steps_per_ms(net->tg.h);
  const int32_t max_delay = net->max_delay;
  const unsigned shift = group_shift(net);
  for (size_t i = 0; i < ep->n; i++) {
    const uint32_t nid = cz_gidmap_lid(&net->gm, target_gid0 + trow[i]);
    if (nid == CZ_NO_NID || owner[nid] != t) continue;
    const size_t sgid = so + srow[i];
    const double w = by_type ? ep->types[type[i]].weight : ep->weight[i];
    const uint32_t ch = ports[nid] ? (uint32_t)pb->types[type[i]].port_channel : split[nid] && !(w > 0);
    const int32_t d = by_type ? pb->tdelay[type[i]] : cz_net_delay_steps_in_range(ep->delay[i], per_ms);
    if (d < 1 || d > max_delay) { /* not what the scan read: the files changed */
      fs->overfull = true;
      continue;
    }
    const size_t b = sgid >> shift;
    if (fs->n[b] == per_bucket) put_bucket(s, fs, b, fill);
    syn_put *p = &fs->held[b * per_bucket + fs->n[b]++];
    p->sgid = (uint32_t)sgid;
    p->tgt = (ch * N + nid) | (uint32_t)d << CZ_TGT_BITS;
    if (coded) p->w.code = pb->codes[by_type ? type[i] : i];
    else p->w.f = (float)w;
  }
}

/* fill_pop for the usual batch, filling packed delays and coded or float weights through the
 * buckets, with no plastic synapse among its types: the same synapses in the same order,
 * without the general loop's per-edge tests of the layout. */
static void fill_plain(cz_network *net, const plain_batch *pb, const cz_net_target_info *ti, int t, uint32_t *fill,
                       fill_scratch *fs) {
  const size_t per_bucket = bucket_capacity(net);
  if (!fs->held && !fill_scratch_alloc(fs, per_bucket)) {
    fs->st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory filling the synapse tables");
    return;
  }
  const bool by_type = pb->tdelay != NULL, coded = net->syn[t].wcode != NULL;
  if (by_type && coded) fill_plain_loop(net, pb, ti, t, fill, fs, per_bucket, true, true);
  else if (by_type) fill_plain_loop(net, pb, ti, t, fill, fs, per_bucket, true, false);
  else if (coded) fill_plain_loop(net, pb, ti, t, fill, fs, per_bucket, false, true);
  else fill_plain_loop(net, pb, ti, t, fill, fs, per_bucket, false, false);
}

/* Fills thread t's tables with population e's edges in edge order; fill[slot] (pfill[slot] for
 * plastic synapses) counts the places of a source taken in a dense table (NULL for a sparse
 * one: next_slot). codes: cz_weight_codes_of; tdelay: the
 * types' delays in steps when the edges take theirs from their types. Each thread fills its
 * own tables, so the threads run this at the same time; a failure is left in fs->st. */
static void fill_pop(cz_network *net, const cz_edge_pop *ep, size_t e, const cz_net_target_info *ti,
                     const uint16_t *codes, const uint16_t *tdelay, int t, uint32_t *fill, uint32_t *pfill,
                     fill_scratch *fs) {
  cz_synapses *s = &net->syn[t];
  fill_type *types = cz_calloc(ep->ntypes + 1, sizeof *types);
  if (!types) {
    fs->st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory filling the synapse tables");
    return;
  }
  bool plastic = false;
  for (size_t r = 0; r < ep->ntypes; r++) {
    const uint32_t sm = ep->types[r].syn_model;
    types[r] = (fill_type){sm, ti->receptor[sm] - 1, net->plastic && cz_net_is_plastic(net, sm)};
    plastic = plastic || types[r].plastic;
  }
  const bool per_edge = ep->weight && ep->delay, by_type = tdelay && !ep->weight;
  if ((per_edge || by_type) && !plastic && fill_grouped(net, t) && (s->weightf || codes) && !s->delay) {
    const plain_batch pb = {ep, types, codes, tdelay};
    fill_plain(net, &pb, ti, t, fill, fs);
    free(types);
    return;
  }
  const size_t so = net->gm.pop_offset[ep->source_pop];
  const size_t target_gid0 = net->gm.pop_offset[ep->target_pop];
  const uint16_t *owner = ti->owner;
  const uint8_t *ports = ti->ports, *split = ti->split;
  const uint32_t N = (uint32_t)net->N;
  const double per_ms = cz_net_steps_per_ms(net->tg.h);
  const int32_t max_delay = net->max_delay; /* the scan's, over every edge it read */
  const bool wcode_by_type = !ep->weight;
  const bool grouped = fill_grouped(net, t);
  const unsigned shift = group_shift(net);
  const size_t per_bucket = bucket_capacity(net);
  for (size_t i = 0; i < ep->n; i++) {
    const uint32_t nid = cz_gidmap_lid(&net->gm, target_gid0 + ep->target_row[i]);
    if (nid == CZ_NO_NID || owner[nid] != t) continue;
    const size_t sgid = so + ep->source_row[i];
    const uint32_t type = ep->type[i];
    const fill_type *ty = &types[type];
    const double w = ep->weight ? ep->weight[i] : ep->types[type].weight;
    const int ch = ports[nid] ? ty->port_channel : (split[nid] && !(w > 0)) ? 1 : 0;
    const uint32_t tgt = (uint32_t)ch * N + nid;
    const uint16_t delay =
        tdelay ? tdelay[type]
               : (uint16_t)cz_net_delay_steps_in_range(ep->delay ? ep->delay[i] : ep->types[type].delay, per_ms);
    if (delay < 1 || delay > max_delay) { /* not what the scan read: the files changed */
      fs->overfull = true;
      continue;
    }
    if (ty->plastic) {
      const size_t k = next_slot(&net->plastic[t].index, pfill, net->plastic[t].tgt, sgid);
      if (k == SIZE_MAX) fs->overfull = true;
      else put_plastic(net, t, k, tgt, delay, ty->sm, e, cz_edge_file_row(ep, i), w);
      continue;
    }
    const uint16_t code = codes ? codes[wcode_by_type ? type : i] : 0;
    if (!grouped) {
      if (!put_static(s, sgid, tgt, delay, w, code, fill)) fs->overfull = true;
    } else if (!hold_static(s, fs, fill, per_bucket, shift, sgid, tgt, delay, w, code)) {
      fs->st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory filling the synapse tables");
      break;
    }
  }
  free(types);
}

/* The delays in steps of population e's types, when its edges take theirs from their types
 * (the scan checked those the edges use); NULL otherwise. */
static cz_status type_delay_steps(const cz_network *net, const cz_edge_pop *ep, uint16_t **tdelay) {
  *tdelay = NULL;
  if (!cz_net_values_by_type(ep)) return CZ_OK;
  CZ_NEW(*tdelay, ep->ntypes + 1);
  const double per_ms = cz_net_steps_per_ms(net->tg.h);
  for (size_t r = 0; r < ep->ntypes; r++) (*tdelay)[r] = (uint16_t)cz_net_round_delay(ep->types[r].delay, per_ms);
  return CZ_OK;
}

typedef struct fill_ctx {
  const cz_net_target_info *ti;
  const cz_weight_plan *wp;
  uint32_t **fill, **pfill;
  fill_scratch *scratch; /* [nthreads] */
  int thread;            /* threaded passes: the one thread whose tables this fills; -1: all */
} fill_ctx;

static cz_status visit_fill(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx) {
  (void)c;
  const fill_ctx *f = ctx;
  uint16_t *codes = NULL, *tdelay = NULL;
  cz_status st = cz_weight_codes_of(f->wp, net, ep, &codes);
  if (st == CZ_OK) st = type_delay_steps(net, ep, &tdelay);
  if (st == CZ_OK && f->thread >= 0) {
    const int t = f->thread;
    fill_pop(net, ep, e, f->ti, codes, tdelay, t, f->fill[t], f->pfill ? f->pfill[t] : NULL, &f->scratch[t]);
    st = f->scratch[t].st;
  } else if (st == CZ_OK) {
    /* One iteration per table, whatever number of threads the runtime grants. */
#pragma omp parallel for num_threads(net->nthreads) schedule(static, 1)
    for (int t = 0; t < net->nthreads; t++)
      fill_pop(net, ep, e, f->ti, codes, tdelay, t, f->fill[t], f->pfill ? f->pfill[t] : NULL, &f->scratch[t]);
    for (int t = 0; t < net->nthreads && st == CZ_OK; t++) st = f->scratch[t].st;
  }
  free(codes);
  free(tdelay);
  return st;
}

/* Whether one table got every synapse counted: a dense index's places taken (fill) are its
 * counts; a sparse one's table has no CZ_NET_UNFILLED target left. */
static bool table_complete(const cz_syn_index *ix, const uint32_t *fill, const uint32_t *tgt, size_t nsyn) {
  if (!ix->off) {
    for (size_t k = 0; k < nsyn; k++)
      if (tgt[k] == CZ_NET_UNFILLED) return false;
    return true;
  }
  for (size_t s = 0; s < ix->src->nslot; s++)
    if (fill[s] != ix->off[s + 1] - ix->off[s]) return false;
  return true;
}

/* Whether the fill put into every table exactly the synapses the scan counted (counts: the
 * fill's cursors; no thread overfull): the tables are not zeroed first, so a slot left
 * unwritten (an edge file rewritten between the passes) must not reach the simulation. */
static bool fill_complete(const cz_network *net, const fill_scratch *scratch, uint32_t *const *counts,
                          uint32_t *const *pcounts) {
  bool ok = true;
  for (int t = 0; t < net->nthreads; t++) ok = ok && !scratch[t].overfull;
  for (int t = 0; t < net->nthreads; t++) {
    ok = ok && table_complete(&net->syn[t].index, counts[t], net->syn[t].tgt, net->syn[t].nsyn);
    const cz_plastic *p = pcounts ? &net->plastic[t] : NULL;
    if (p) ok = ok && table_complete(&p->index, pcounts[t], p->tgt, p->nsyn);
  }
  return ok;
}

/* Every thread's table in delay order (delay_order.h), each thread sorting its own. */
static cz_status order_tables(cz_network *net, double *seconds) {
  const double t0 = cz_now();
  cz_status *tst = cz_calloc((size_t)net->nthreads, sizeof *tst);
  CZ_CHECK(tst, CZ_ERR_NOMEM, "out of memory");
#pragma omp parallel for num_threads(net->nthreads) schedule(static, 1)
  for (int t = 0; t < net->nthreads; t++) tst[t] = cz_synapses_order_by_delay(&net->syn[t]);
  cz_status st = CZ_OK;
  for (int t = 0; t < net->nthreads && st == CZ_OK; t++) st = tst[t];
  free(tst);
  *seconds = cz_now() - t0;
  return st;
}

cz_status cz_net_pass_fill(cz_network *net, cz_net_edge_source *src, const cz_net_target_info *ti,
                           const cz_weight_plan *wp, uint32_t **counts, uint32_t **pcounts) {
  const int n = net->nthreads;
  for (int t = 0; t < n; t++) { /* the counts of dense tables become their places taken */
    if (counts[t]) memset(counts[t], 0, net->sources.nslot * sizeof **counts);
    if (pcounts && pcounts[t]) memset(pcounts[t], 0, net->sources.nslot * sizeof **pcounts);
  }
  fill_scratch *scratch = cz_calloc((size_t)n, sizeof *scratch);
  fill_ctx *f = cz_calloc((size_t)n, sizeof *f);
  void **ctxs = cz_calloc((size_t)n, sizeof *ctxs);
  cz_status st = scratch && f && ctxs ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int t = 0; st == CZ_OK && t < n; t++) {
    f[t] = (fill_ctx){ti, wp, counts, pcounts, scratch, src->streams ? t : -1};
    ctxs[t] = &f[t];
  }
  if (st == CZ_OK && src->streams)
    st = cz_net_pass_threaded(src, net, net->thr_lo, visit_fill, ctxs, false, &src->t_fill);
  else if (st == CZ_OK)
    st = cz_net_pass_serial(src, net, visit_fill, ctxs[0], false, &src->t_fill);
  if (st == CZ_OK) { /* the synapses still held */
    const double t0 = cz_now();
#pragma omp parallel for num_threads(n) schedule(static, 1)
    for (int t = 0; t < n; t++)
      if (fill_grouped(net, t)) put_grouped(&net->syn[t], &scratch[t], counts[t]);
    src->t_fill += cz_now() - t0;
  }
  if (st == CZ_OK && !fill_complete(net, scratch, counts, pcounts))
    st = CZ_ERROR(CZ_ERR_FORMAT, "the edge files gave other edges on the second reading than on the first "
                                 "(were they rewritten during the load?)");
  if (st == CZ_OK) st = order_tables(net, &src->t_order);
  fill_scratch_free(scratch, n);
  free(f);
  free(ctxs);
  return st;
}
