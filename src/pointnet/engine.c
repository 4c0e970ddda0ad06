#include "pointnet/engine.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "io/config.h"
#include "pointnet/arrivals.h"
#include "pointnet/modules.h"
#include "pointnet/place_cost.h"
#include "pointnet/weight_recorder.h"

/* What one thread writes in the hot loops, a cache line apart from the next thread's. */
typedef struct pe_thread {
  _Alignas(64) uint32_t *fired; /* [largest slice of a group] scratch: the slice's neurons that fired */
  cz_arrivals arrivals;         /* spikes with static synapses still under way */
  size_t ev_next;               /* next clamp event this thread looks at */
  size_t *pd_idx;               /* the Poisson drive entries of this thread's neurons */
  size_t pd_n, pd_cap;
  int64_t *wev;                 /* weight_recorder events, CZ_WEV_WORDS words each */
  size_t nwev, cap_wev;
  cz_status status;             /* of what cannot return it (weight events, archives) */
} pe_thread;

struct cz_point_engine {
  cz_network *net;
  const cz_clamps *cl;
  const cz_poisson_drive *pd; /* online Poisson drive, or NULL */
  cz_recorder *rec;           /* membrane reports, or NULL */
  size_t ring_len, ring_mask, stride;
  double *ring;
  double *i_stim;
  uint16_t *owner;            /* [N] thread that updates each neuron */
  pe_thread *thr;             /* [nthreads] */
  double ms_per_tic;          /* NEST's time arithmetic for plastic synapses: t = tics * 0.001 ms */
  double horizon_ms;          /* how far back a plastic synapse can look into a spike archive */
};

static size_t pow2_at_least(size_t x) {
  size_t p = 1;
  while (p < x) p <<= 1;
  return p;
}

static void slice_of(size_t n, int tid, int nthreads, size_t *i0, size_t *i1) {
  *i0 = n * (size_t)tid / (size_t)nthreads;
  *i1 = n * (size_t)(tid + 1) / (size_t)nthreads;
}

/* ---------------------------------------------------------------------------- update */

/* Each thread sets the clamp current of the neurons it updates itself, so no barrier is
 * needed between steps. */
static void apply_clamp_events(cz_point_engine *s, int tid, int64_t u) {
  const cz_clamps *cl = s->cl;
  size_t k = s->thr[tid].ev_next;
  while (k < cl->nev && cl->ev_step[k] < u) k++;
  for (; k < cl->nev && cl->ev_step[k] == u; k++) {
    uint32_t nid = cl->ev_nid[k];
    if (s->owner[nid] == tid) s->i_stim[nid] = cz_clamps_current(cl, nid, u);
  }
  s->thr[tid].ev_next = k;
}

/* The spike archives of neurons with stdp synapses onto them get the spikes of step u (time
 * stamp u + 1). Each thread writes the archives of the neurons it updates. */
static void archive_spikes(cz_point_engine *s, pe_thread *me, uint32_t lo, size_t nf, int64_t u) {
  cz_network *net = s->net;
  const double t_ms = s->ms_per_tic * (double)((u + 1) * net->tg.tics_per_step);
  for (size_t k = 0; k < nf && me->status == CZ_OK; k++) {
    cz_post_archive *a = &net->archive[lo + me->fired[k]];
    if (a->n_incoming) me->status = cz_post_archive_add(a, t_ms, s->horizon_ms);
  }
}

/* The Poisson drive's spikes of step u into the ring slots they arrive in (this thread's
 * neurons; the slots are at least one step ahead). A count of 0 is added too: a slot starts
 * at +0 and so never holds -0, and adding a zero of either sign leaves every other value's
 * bits unchanged, while skipping it would be a branch mispredicted on a quarter of draws. */
static void apply_poisson(cz_point_engine *s, const pe_thread *me, int64_t u) {
  const cz_poisson_drive *d = s->pd;
  const size_t *idx = me->pd_idx;
  for (size_t j = 0; j < me->pd_n; j++) {
    const size_t i = idx[j];
    const uint32_t k = cz_poisson_draw(d, i, (uint64_t)u);
    s->ring[((size_t)(u + d->delay[i]) & s->ring_mask) * s->stride + d->tgt[i]] += (double)k * d->weight[i];
  }
}

/* Updates this thread's slice of every group for steps [t0, t1). */
static cz_status pe_update(void *impl, int tid, int64_t t0, int64_t t1, cz_spike_list *out) {
  cz_point_engine *s = impl;
  cz_network *net = s->net;
  pe_thread *me = &s->thr[tid];
  const bool clamps = s->cl->nev > 0;
  for (int64_t u = t0; u < t1 && me->status == CZ_OK; u++) {
    if (clamps) apply_clamp_events(s, tid, u);
    if (me->pd_n) apply_poisson(s, me, u);
    double *row = s->ring + (size_t)(u & (int64_t)s->ring_mask) * s->stride;
    for (size_t j = 0; j < net->ngroups; j++) {
      cz_group *g = &net->groups[j];
      size_t i0, i1;
      slice_of(g->hi - g->lo, tid, net->nthreads, &i0, &i1);
      if (i0 == i1) continue;
      double *ch0 = row + g->lo;
      double *ch1 = net->nch >= 2 ? ch0 + net->N : NULL;
      size_t nf = g->kind->update(g->impl, i0, i1, ch0, ch1, s->i_stim + g->lo, me->fired, tid);
      for (size_t k = 0; k < nf && me->status == CZ_OK; k++) {
        const uint32_t nid = g->lo + me->fired[k];
        me->status = cz_spike_list_emit(out, u, net->gm.gid_of_lid[nid], nid, 0.0);
      }
      if (net->archive) archive_spikes(s, me, g->lo, nf, u);
    }
    if (s->rec) cz_recorder_sample(s->rec, tid, u);
  }
  return me->status;
}

/* ---------------------------------------------------------------------------- deliver */

static void record_weight(pe_thread *me, int64_t stamp, uint32_t src, uint32_t tgt, double w, int rec, int receptor,
                          uint64_t edge) {
  if (me->status != CZ_OK) return;
  void *p = me->wev;
  me->status = cz_grow(&p, &me->cap_wev, (me->nwev + 1) * CZ_WEV_WORDS, sizeof *me->wev);
  me->wev = p;
  if (me->status != CZ_OK) return;
  int64_t *e = &me->wev[me->nwev++ * CZ_WEV_WORDS];
  e[0] = stamp;
  e[1] = src;
  e[2] = tgt;
  memcpy(&e[3], &w, sizeof w);
  e[4] = (int64_t)rec * 256 + receptor;
  e[5] = (int64_t)edge;
}

/* Passes a spike of source gid (step u) through this thread's plastic synapses from it: each
 * updates its state and adds the weight it gives the spike. */
static uint64_t deliver_plastic(cz_point_engine *s, pe_thread *me, const cz_plastic *pl, int64_t u, uint32_t gid) {
  const cz_span span = cz_syn_index_span(&pl->index, gid);
  const size_t a = span.lo, b = span.hi;
  if (a == b) return 0;
  cz_network *net = s->net;
  const double t_ms = s->ms_per_tic * (double)((u + 1) * net->tg.tics_per_step);
  const double h_ms = s->ms_per_tic * (double)net->tg.tics_per_step;
  for (size_t k = a; k < b; k++) {
    const uint16_t m = pl->model[k];
    const uint32_t nid = (uint32_t)(pl->tgt[k] % net->N);
    const double w = cz_syn_send(&net->syn_params[m], &pl->state[k], t_ms, (double)pl->delay[k] * h_ms,
                                 net->archive ? &net->archive[nid] : NULL);
    s->ring[((size_t)(u + pl->delay[k]) & s->ring_mask) * s->stride + pl->tgt[k]] += w;
    if (net->syn_rec[m] >= 0)
      record_weight(me, u + 1, gid, net->gm.gid_of_lid[nid], w, net->syn_rec[m], net->syn_params[m].receptor,
                    pl->edge[k]);
  }
  return b - a;
}

/* Delivers the epoch's spikes that end at t1 into this thread's targets: the static synapses
 * as arrivals, filling the rows of steps t1 to t1 + M - 1 (arrivals.h), then the plastic ones,
 * each at its spike. */
static cz_status pe_deliver(void *impl, int tid, const cz_spike *e, size_t n, int64_t t1, uint64_t *nevents) {
  cz_point_engine *s = impl;
  pe_thread *me = &s->thr[tid];
  const cz_synapses *syn = &s->net->syn[tid];
  cz_arrivals *arr = &me->arrivals;
  for (size_t i = 0; i < n && me->status == CZ_OK; i++)
    me->status = cz_arrivals_add(arr, syn, cz_spike_step(&e[i]), cz_spike_gid(&e[i]));
  const cz_ring_rows ring = {s->ring, s->ring_mask, s->stride};
  uint64_t nev = cz_arrivals_fill(arr, syn, s->net->wtab, &ring, t1 + s->net->min_delay);
  const cz_plastic *pl = s->net->plastic ? &s->net->plastic[tid] : NULL;
  for (size_t i = 0; pl && i < n; i++) nev += deliver_plastic(s, me, pl, cz_spike_step(&e[i]), cz_spike_gid(&e[i]));
  *nevents += nev;
  return me->status;
}

static cz_status pe_epoch_end(void *impl, int64_t t1) {
  cz_point_engine *s = impl;
  return s->rec ? cz_recorder_epoch_end(s->rec, t1) : CZ_OK;
}

static void pe_send_ranks(const void *impl, uint32_t lid, cz_rank_set *out) {
  *out = cz_rank_sets_get(&((const cz_point_engine *)impl)->net->send, lid);
}

static const cz_engine_ops pe_ops = {pe_update, pe_deliver, pe_epoch_end, pe_send_ranks};

/* ---------------------------------------------------------------------------- kind */

const cz_engine_kind cz_point_engine_kind = {"PointNet (NEST)", cz_pointnet_place_cost, cz_pointnet_check_config, NULL,
                                             NULL};

/* ---------------------------------------------------------------------------- setup */

/* Each thread's Poisson drive entries: those of the neurons it updates. */
static cz_status split_poisson(cz_point_engine *s) {
  for (size_t i = 0; i < s->pd->n; i++) {
    pe_thread *t = &s->thr[s->owner[s->pd->nid[i]]];
    CZ_RESERVE(t->pd_idx, t->pd_cap, t->pd_n + 1);
    t->pd_idx[t->pd_n++] = i;
  }
  return CZ_OK;
}

static int32_t poisson_max_delay(const cz_poisson_drive *pd) {
  int32_t m = 0;
  for (size_t i = 0; pd && i < pd->n; i++)
    if (pd->delay[i] > m) m = pd->delay[i];
  return m;
}

static int32_t plastic_max_delay(const cz_network *net) {
  int32_t m = 0;
  for (int t = 0; net->plastic && t < net->nthreads; t++)
    for (size_t k = 0; k < net->plastic[t].nsyn; k++)
      if (net->plastic[t].delay[k] > m) m = net->plastic[t].delay[k];
  return m;
}

/* Which thread updates each neuron, and each thread's largest slice of a group (the size of
 * its scratch). */
static cz_status assign_owners(cz_point_engine *s) {
  const cz_network *net = s->net;
  CZ_NEW(s->owner, net->N + 1);
  for (int t = 0; t < net->nthreads; t++) {
    size_t most = 1;
    for (size_t j = 0; j < net->ngroups; j++) {
      const cz_group *g = &net->groups[j];
      size_t i0, i1;
      slice_of(g->hi - g->lo, t, net->nthreads, &i0, &i1);
      for (size_t i = i0; i < i1; i++) s->owner[g->lo + i] = (uint16_t)t;
      if (i1 - i0 > most) most = i1 - i0;
    }
    CZ_NEW(s->thr[t].fired, most);
  }
  return CZ_OK;
}

static cz_status setup(cz_point_engine *s) {
  cz_network *net = s->net;
  int32_t ahead = net->min_delay;
  const int32_t pd = poisson_max_delay(s->pd), pl = plastic_max_delay(net);
  ahead = pd > ahead ? pd : ahead;
  ahead = pl > ahead ? pl : ahead;
  s->ring_len = pow2_at_least((size_t)ahead + (size_t)net->min_delay + 1);
  s->ring_mask = s->ring_len - 1;
  s->stride = (size_t)net->nch * net->N;
  CZ_NEW(s->ring, s->ring_len * s->stride);
  CZ_NEW(s->i_stim, net->N);
  const size_t bytes = (size_t)net->nthreads * sizeof *s->thr;
  s->thr = aligned_alloc(64, bytes);
  CZ_CHECK(s->thr, CZ_ERR_NOMEM, "out of memory allocating the state of %d threads", net->nthreads);
  memset(s->thr, 0, bytes);
  s->ms_per_tic = 1.0 / (double)net->tg.tics_per_ms;
  s->horizon_ms = (double)(net->max_delay + net->min_delay) * net->tg.h;
  CZ_TRY(assign_owners(s));
  if (s->rec) CZ_TRY(cz_recorder_bind(s->rec, s->owner, net->nthreads));
  if (s->pd && s->pd->n) CZ_TRY(split_poisson(s));
  return CZ_OK;
}

cz_status cz_point_engine_create(cz_network *net, const cz_clamps *cl, const cz_poisson_drive *pd, cz_recorder *rec,
                                 cz_point_engine **out, cz_engine *view) {
  cz_point_engine *s = NULL;
  CZ_NEW(s, 1);
  s->net = net;
  s->cl = cl;
  s->pd = pd;
  s->rec = rec;
  cz_status st = setup(s);
  if (st != CZ_OK) {
    cz_point_engine_destroy(&s);
    return st;
  }
  net->tg.min_delay = net->min_delay;
  *view = (cz_engine){&cz_point_engine_kind, &pe_ops, s, &net->tg, &net->gm, net->nthreads, net->rank, net->nranks};
  *out = s;
  return CZ_OK;
}

void cz_point_engine_destroy(cz_point_engine **ps) {
  if (!ps || !*ps) return;
  cz_point_engine *s = *ps;
  for (int t = 0; s->thr && t < s->net->nthreads; t++) {
    free(s->thr[t].fired);
    cz_arrivals_free(&s->thr[t].arrivals);
    free(s->thr[t].pd_idx);
    free(s->thr[t].wev);
  }
  free(s->thr);
  free(s->owner);
  free(s->ring);
  free(s->i_stim);
  free(s);
  *ps = NULL;
}

cz_status cz_point_engine_weight_events(const cz_point_engine *s, int64_t **ev, size_t *nev) {
  *ev = NULL;
  *nev = 0;
  size_t n = 0;
  for (int t = 0; t < s->net->nthreads; t++) n += s->thr[t].nwev;
  if (n == 0) return CZ_OK;
  CZ_NEW(*ev, n * CZ_WEV_WORDS);
  for (int t = 0; t < s->net->nthreads; t++) {
    if (s->thr[t].nwev == 0) continue; /* that thread's buffer may be NULL, which memcpy must not see */
    memcpy(*ev + *nev * CZ_WEV_WORDS, s->thr[t].wev, s->thr[t].nwev * CZ_WEV_WORDS * sizeof **ev);
    *nev += s->thr[t].nwev;
  }
  return CZ_OK;
}
