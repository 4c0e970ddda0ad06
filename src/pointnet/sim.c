#include "pointnet/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include "base/mem.h"
#include "base/rng.h"
#include "base/sort.h"
#include "base/timer.h"
#include "comm/comm.h"
#include "comm/spike_exchange.h"
#include "pointnet/arrivals.h"

typedef struct spike_list {
  size_t n, cap_u, cap_g;
  int64_t *u;
  uint32_t *gid;
} spike_list;

static cz_status spike_list_push(spike_list *l, int64_t u, uint32_t gid) {
  CZ_RESERVE(l->u, l->cap_u, l->n + 1);
  CZ_RESERVE(l->gid, l->cap_g, l->n + 1);
  l->u[l->n] = u;
  l->gid[l->n] = gid;
  l->n++;
  return CZ_OK;
}

static void spike_list_free(spike_list *l) {
  free(l->u);
  free(l->gid);
  memset(l, 0, sizeof *l);
}

typedef struct loop_state {
  cz_network *net;
  const cz_vspikes *vs;
  const cz_clamps *cl;
  const cz_poisson_drive *pd; /* online Poisson drive, or NULL */
  size_t **pd_idx;     /* [nthreads] the drive entries of each thread's neurons */
  size_t *pd_n;        /* [nthreads] */
  cz_recorder *rec;    /* membrane reports, or NULL */
  const cz_sim_block *blk; /* block hook, or NULL */
  int64_t next_block;  /* step at which the next block ends */
  size_t ring_len, ring_mask, stride;
  double *ring;
  double *i_stim;
  uint32_t **fired;    /* [nthreads][N] scratch */
  cz_arrivals *arrivals; /* [nthreads] spikes with static synapses still under way */
  spike_list *local;   /* [nthreads] spikes of this epoch, (u, gid) */
  spike_list epoch;    /* merged and sorted */
  size_t vs_next;      /* next virtual spike */
  cz_xchg *xchg;       /* spike exchange between ranks */
  size_t *send_count, *send_next; /* [nranks] */
  int64_t *send_buf;
  size_t send_cap;
  size_t *ev_next;     /* [nthreads] next clamp event each thread looks at */
  uint16_t *owner;     /* [N] thread that updates each neuron */
  cz_status *thread_status;
  double ms_per_tic;   /* NEST's time arithmetic for plastic synapses: t = tics * 0.001 ms */
  double horizon_ms;   /* how far back a plastic synapse can look into a spike archive */
  int64_t **wev;       /* [nthreads] weight_recorder events, CZ_WEV_WORDS words each */
  size_t *nwev, *cap_wev; /* [nthreads] events and word capacity */
} loop_state;

/* Synaptic currents decay towards zero and spend long silent periods as subnormal numbers,
 * which x86 processes orders of magnitude slower. Flushing them to zero changes no result
 * that matters: a subnormal (< 2.3e-308) added to a membrane potential is below its last bit.
 * The mode belongs to the thread: each thread of the run sets it on entry and gives back the
 * mode it found on exit, so the caller's arithmetic after the run is unchanged. */
static unsigned cz_flush_denormals(void) {
#if defined(__SSE2__)
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040);
  return saved;
#else
  return 0;
#endif
}

static void cz_restore_fp_mode(unsigned saved) {
#if defined(__SSE2__)
  _mm_setcsr(saved);
#else
  (void)saved;
#endif
}

static size_t pow2_at_least(size_t x) {
  size_t p = 1;
  while (p < x) p <<= 1;
  return p;
}

/* Each thread sets the clamp current of the neurons it updates itself, so no barrier is
 * needed between steps. */
static void apply_clamp_events(loop_state *s, int tid, int64_t u) {
  const cz_clamps *cl = s->cl;
  size_t k = s->ev_next[tid];
  while (k < cl->nev && cl->ev_step[k] < u) k++;
  for (; k < cl->nev && cl->ev_step[k] == u; k++) {
    uint32_t nid = cl->ev_nid[k];
    if (s->owner[nid] == tid) s->i_stim[nid] = cz_clamps_current(cl, nid, u);
  }
  s->ev_next[tid] = k;
}

static void slice_of(size_t n, int tid, int nthreads, size_t *i0, size_t *i1) {
  *i0 = n * (size_t)tid / (size_t)nthreads;
  *i1 = n * (size_t)(tid + 1) / (size_t)nthreads;
}

/* The spike archives of neurons with stdp synapses onto them get the spikes of step u (time
 * stamp u + 1). Each thread writes the archives of the neurons it updates. */
static void archive_spikes(loop_state *s, int tid, uint32_t lo, size_t nf, int64_t u) {
  cz_network *net = s->net;
  const double t_ms = s->ms_per_tic * (double)((u + 1) * net->tics_per_step);
  for (size_t k = 0; k < nf && s->thread_status[tid] == CZ_OK; k++) {
    cz_post_archive *a = &net->archive[lo + s->fired[tid][k]];
    if (a->n_incoming) s->thread_status[tid] = cz_post_archive_add(a, t_ms, s->horizon_ms);
  }
}

/* The Poisson drive's spikes of step u into the ring slots they arrive in (this thread's
 * neurons; the slots are at least one step ahead). A count of 0 is added too: a slot starts
 * at +0 and so never holds -0, and adding a zero of either sign leaves every other value's
 * bits unchanged, while skipping it would be a branch mispredicted on a quarter of draws. */
static void apply_poisson(loop_state *s, int tid, int64_t u) {
  const cz_poisson_drive *d = s->pd;
  const size_t *idx = s->pd_idx[tid];
  for (size_t j = 0; j < s->pd_n[tid]; j++) {
    const size_t i = idx[j];
    const uint32_t k = cz_poisson_draw(d, i, (uint64_t)u);
    s->ring[((size_t)(u + d->delay[i]) & s->ring_mask) * s->stride + d->tgt[i]] += (double)k * d->weight[i];
  }
}

/* Updates this thread's slice of every group for steps [t0, t1). */
static void update_epoch(loop_state *s, int tid, int nthreads, int64_t t0, int64_t t1) {
  cz_network *net = s->net;
  const bool clamps = s->cl->nev > 0;
  for (int64_t u = t0; u < t1; u++) {
    if (clamps) apply_clamp_events(s, tid, u);
    if (s->pd_n && s->pd_n[tid]) apply_poisson(s, tid, u);
    double *row = s->ring + (size_t)(u & (int64_t)s->ring_mask) * s->stride;
    for (size_t j = 0; j < net->ngroups; j++) {
      cz_group *g = &net->groups[j];
      size_t n = g->hi - g->lo;
      size_t i0, i1;
      slice_of(n, tid, nthreads, &i0, &i1);
      if (i0 == i1) continue;
      double *ch0 = row + g->lo;
      double *ch1 = net->nch >= 2 ? ch0 + net->N : NULL;
      size_t nf = g->kind->update(g->impl, i0, i1, ch0, ch1, s->i_stim + g->lo, s->fired[tid], tid);
      for (size_t k = 0; k < nf && s->thread_status[tid] == CZ_OK; k++)
        s->thread_status[tid] = spike_list_push(&s->local[tid], u, net->gid_of_nid[g->lo + s->fired[tid][k]]);
      if (net->archive) archive_spikes(s, tid, g->lo, nf, u);
    }
    if (s->rec) cz_recorder_sample(s->rec, tid, u);
  }
}

/* Records this rank's spikes of the epoch (pairs[0, n) hold them as (step, gid)). */
static cz_status record_spikes(const int64_t *pairs, size_t n, cz_sim_result *out, size_t *cap_g, size_t *cap_s) {
  void *pg = out->gid, *ps = out->stamp;
  cz_status st = cz_grow(&pg, cap_g, out->nspikes + n, sizeof *out->gid);
  out->gid = pg;
  if (st == CZ_OK) st = cz_grow(&ps, cap_s, out->nspikes + n, sizeof *out->stamp);
  out->stamp = ps;
  CZ_TRY(st);
  for (size_t i = 0; i < n; i++) {
    out->gid[out->nspikes] = (uint32_t)pairs[2 * i + 1];
    out->stamp[out->nspikes] = pairs[2 * i] + 1;
    out->nspikes++;
  }
  return CZ_OK;
}

/* Sends this rank's spikes to the ranks on their send lists and returns what the others sent. */
static cz_status exchange_spikes(loop_state *s, const int64_t *pairs, size_t n, const int64_t **recv, size_t *nrecv,
                                 cz_sim_result *out) {
  const cz_network *net = s->net;
  *recv = NULL;
  *nrecv = 0;
  if (net->nranks == 1) return CZ_OK;
  const double t0 = cz_now();
  size_t *count = s->send_count, total = 0;
  memset(count, 0, (size_t)net->nranks * sizeof *count);
  for (size_t i = 0; i < n; i++) {
    const uint32_t nid = net->nid_of_gid[pairs[2 * i + 1]];
    for (size_t k = net->send_off[nid]; k < net->send_off[nid + 1]; k++) count[net->send_rank[k]]++;
  }
  size_t *next = s->send_next;
  for (int r = 0; r < net->nranks; r++) {
    next[r] = total;
    total += count[r];
  }
  CZ_RESERVE(s->send_buf, s->send_cap, 2 * total + 2);
  for (size_t i = 0; i < n; i++) {
    const uint32_t nid = net->nid_of_gid[pairs[2 * i + 1]];
    for (size_t k = net->send_off[nid]; k < net->send_off[nid + 1]; k++) {
      size_t j = next[net->send_rank[k]]++;
      s->send_buf[2 * j] = pairs[2 * i];
      s->send_buf[2 * j + 1] = pairs[2 * i + 1];
    }
  }
  const double t1 = cz_now(), w0 = cz_xchg_wait_seconds(s->xchg);
  cz_status st = cz_xchg_run(s->xchg, s->send_buf, count, recv, nrecv);
  const double waited = cz_xchg_wait_seconds(s->xchg) - w0;
  out->t_pack += t1 - t0;
  out->t_wait += waited;
  out->t_exchange += cz_now() - t1 - waited;
  return st;
}

/* Builds this epoch's spike list in canonical (step, gid) order: this rank's spikes, those the
 * other ranks sent, and the virtual nodes' input spikes. Called by the master thread (MPI). */
static cz_status merge_epoch(loop_state *s, int64_t t1, cz_sim_result *out, size_t *cap_g, size_t *cap_s) {
  size_t n = 0;
  for (int t = 0; t < s->net->nthreads; t++) n += s->local[t].n;
  size_t nv = 0;
  while (s->vs_next + nv < s->vs->n && s->vs->step[s->vs_next + nv] < t1) nv++;
  int64_t *mine = NULL;
  CZ_NEW(mine, 2 * n);
  size_t k = 0;
  for (int t = 0; t < s->net->nthreads; t++) {
    for (size_t i = 0; i < s->local[t].n; i++, k++) {
      mine[2 * k] = s->local[t].u[i];
      mine[2 * k + 1] = s->local[t].gid[i];
    }
    s->local[t].n = 0;
  }
  /* Only this rank's neurons are recorded: the virtual ones are inputs, the others are recorded
   * where they live. */
  const int64_t *recv = NULL;
  size_t nrecv = 0;
  cz_status st = record_spikes(mine, n, out, cap_g, cap_s);
  if (st == CZ_OK) st = exchange_spikes(s, mine, n, &recv, &nrecv, out);
  int64_t *pairs = NULL;
  if (st == CZ_OK && !(pairs = cz_calloc(2 * (n + nrecv + nv), sizeof *pairs)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory merging %zu spikes", n + nrecv + nv);
  if (st == CZ_OK) {
    if (n) memcpy(pairs, mine, 2 * n * sizeof *pairs);
    if (nrecv) memcpy(pairs + 2 * n, recv, 2 * nrecv * sizeof *pairs);
    k = n + nrecv;
    for (size_t i = 0; i < nv; i++, k++) {
      pairs[2 * k] = s->vs->step[s->vs_next + i];
      pairs[2 * k + 1] = s->vs->gid[s->vs_next + i];
    }
    s->vs_next += nv;
    cz_sort_i64_pairs(pairs, k);
    s->epoch.n = 0;
    for (size_t i = 0; i < k && st == CZ_OK; i++)
      st = spike_list_push(&s->epoch, pairs[2 * i], (uint32_t)pairs[2 * i + 1]);
  }
  free(pairs);
  free(mine);
  return st;
}

static void record_weight(loop_state *s, int tid, int64_t stamp, uint32_t src, uint32_t tgt, double w, int rec,
                          int receptor, uint64_t edge) {
  if (s->thread_status[tid] != CZ_OK) return;
  void *p = s->wev[tid];
  s->thread_status[tid] = cz_grow(&p, &s->cap_wev[tid], (s->nwev[tid] + 1) * CZ_WEV_WORDS, sizeof *s->wev[tid]);
  s->wev[tid] = p;
  if (s->thread_status[tid] != CZ_OK) return;
  int64_t *e = &s->wev[tid][s->nwev[tid]++ * CZ_WEV_WORDS];
  e[0] = stamp;
  e[1] = src;
  e[2] = tgt;
  memcpy(&e[3], &w, sizeof w);
  e[4] = (int64_t)rec * 256 + receptor;
  e[5] = (int64_t)edge;
}

/* Passes a spike of source gid (step u) through this thread's plastic synapses from it: each
 * updates its state and adds the weight it gives the spike. */
static uint64_t deliver_plastic(loop_state *s, int tid, const cz_plastic *pl, int64_t u, uint32_t gid) {
  const cz_span r = cz_syn_index_span(&pl->index, gid); const size_t a = r.lo, b = r.hi;
  if (a == b) return 0;
  cz_network *net = s->net;
  const double t_ms = s->ms_per_tic * (double)((u + 1) * net->tics_per_step);
  const double h_ms = s->ms_per_tic * (double)net->tics_per_step;
  for (size_t k = a; k < b; k++) {
    const uint16_t m = pl->model[k];
    const uint32_t nid = (uint32_t)(pl->tgt[k] % net->N);
    const double w = cz_syn_send(&net->syn_params[m], &pl->state[k], t_ms, (double)pl->delay[k] * h_ms,
                                 net->archive ? &net->archive[nid] : NULL);
    s->ring[((size_t)(u + pl->delay[k]) & s->ring_mask) * s->stride + pl->tgt[k]] += w;
    if (net->syn_rec[m] >= 0)
      record_weight(s, tid, u + 1, gid, net->gid_of_nid[nid], w, net->syn_rec[m], net->syn_params[m].receptor,
                    pl->edge[k]);
  }
  return b - a;
}

/* Delivers the epoch's spikes that end at t1 into this thread's targets: the static synapses
 * as arrivals, filling the rows of steps t1 to t1 + M - 1 (arrivals.h), then the plastic ones,
 * each at its spike. */
static uint64_t deliver_epoch(loop_state *s, int tid, int64_t t1, int64_t M) {
  const cz_synapses *syn = &s->net->syn[tid];
  const spike_list *e = &s->epoch;
  cz_arrivals *arr = &s->arrivals[tid];
  for (size_t i = 0; i < e->n && s->thread_status[tid] == CZ_OK; i++)
    s->thread_status[tid] = cz_arrivals_add(arr, syn, e->u[i], e->gid[i]);
  const cz_ring_rows ring = {s->ring, s->ring_mask, s->stride};
  uint64_t nev = cz_arrivals_fill(arr, syn, s->net->wtab, &ring, t1 + M);
  const cz_plastic *pl = s->net->plastic ? &s->net->plastic[tid] : NULL;
  for (size_t i = 0; pl && i < e->n; i++) nev += deliver_plastic(s, tid, pl, e->u[i], e->gid[i]);
  return nev;
}

/* Each thread's Poisson drive entries: those of the neurons it updates. */
static cz_status split_poisson(loop_state *s, int nthreads) {
  CZ_NEW(s->pd_idx, (size_t)nthreads);
  CZ_NEW(s->pd_n, (size_t)nthreads);
  size_t *cap = NULL;
  CZ_NEW(cap, (size_t)nthreads);
  cz_status st = CZ_OK;
  for (size_t i = 0; i < s->pd->n && st == CZ_OK; i++) {
    const int t = s->owner[s->pd->nid[i]];
    void *p = s->pd_idx[t];
    st = cz_grow(&p, &cap[t], s->pd_n[t] + 1, sizeof *s->pd_idx[t]);
    s->pd_idx[t] = p;
    if (st == CZ_OK) s->pd_idx[t][s->pd_n[t]++] = i;
  }
  free(cap);
  return st;
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

/* The ring holds the rows that inputs are written into ahead of their step: at most M ahead
 * for static synapses (arrivals.h), up to their delays for the Poisson drive and the plastic
 * synapses, which write when their spikes are drawn or delivered. */
static cz_status setup(loop_state *s, cz_network *net) {
  int32_t ahead = net->min_delay;
  const int32_t pd = poisson_max_delay(s->pd), pl = plastic_max_delay(net);
  ahead = pd > ahead ? pd : ahead;
  ahead = pl > ahead ? pl : ahead;
  s->ring_len = pow2_at_least((size_t)ahead + (size_t)net->min_delay + 1);
  s->ring_mask = s->ring_len - 1;
  s->stride = (size_t)net->nch * net->N;
  CZ_NEW(s->ring, s->ring_len * s->stride);
  CZ_NEW(s->i_stim, net->N);
  CZ_NEW(s->fired, (size_t)net->nthreads);
  CZ_NEW(s->local, (size_t)net->nthreads);
  CZ_NEW(s->thread_status, (size_t)net->nthreads);
  for (int t = 0; t < net->nthreads; t++) CZ_NEW(s->fired[t], net->N);
  CZ_NEW(s->arrivals, (size_t)net->nthreads);
  CZ_NEW(s->ev_next, (size_t)net->nthreads);
  CZ_NEW(s->send_count, (size_t)net->nranks);
  CZ_NEW(s->send_next, (size_t)net->nranks);
  CZ_TRY(cz_xchg_create(&s->xchg));
  CZ_NEW(s->owner, net->N);
  s->ms_per_tic = 0.001;
  s->horizon_ms = (double)(net->max_delay + net->min_delay) * net->h;
  CZ_NEW(s->wev, (size_t)net->nthreads);
  CZ_NEW(s->nwev, (size_t)net->nthreads);
  CZ_NEW(s->cap_wev, (size_t)net->nthreads);
  for (size_t j = 0; j < net->ngroups; j++) {
    const cz_group *g = &net->groups[j];
    for (int t = 0; t < net->nthreads; t++) {
      size_t i0, i1;
      slice_of(g->hi - g->lo, t, net->nthreads, &i0, &i1);
      for (size_t i = i0; i < i1; i++) s->owner[g->lo + i] = (uint16_t)t;
    }
  }
  if (s->rec) CZ_TRY(cz_recorder_bind(s->rec, s->owner, net->nthreads));
  if (s->pd && s->pd->n) CZ_TRY(split_poisson(s, net->nthreads));
  return CZ_OK;
}

static void teardown(loop_state *s) {
  for (int t = 0; s->fired && t < s->net->nthreads; t++) free(s->fired[t]);
  for (int t = 0; s->local && t < s->net->nthreads; t++) spike_list_free(&s->local[t]);
  free(s->fired);
  for (int t = 0; s->arrivals && t < s->net->nthreads; t++) cz_arrivals_free(&s->arrivals[t]);
  free(s->arrivals);
  free(s->local);
  free(s->thread_status);
  free(s->ev_next);
  free(s->send_count);
  free(s->send_next);
  free(s->send_buf);
  cz_xchg_destroy(&s->xchg);
  for (int t = 0; s->pd_idx && t < s->net->nthreads; t++) free(s->pd_idx[t]);
  free(s->pd_idx);
  free(s->pd_n);
  free(s->owner);
  for (int t = 0; s->wev && t < s->net->nthreads; t++) free(s->wev[t]);
  free(s->wev);
  free(s->nwev);
  free(s->cap_wev);
  free(s->ring);
  free(s->i_stim);
  spike_list_free(&s->epoch);
}

/* One parallel region for the whole run (as NEST does): starting threads for every epoch
 * costs far more than the barriers that separate the phases. */
static cz_status run_loop(loop_state *s, cz_progress_fn progress, void *pctx, cz_sim_result *out) {
  cz_network *net = s->net;
  const int64_t M = net->min_delay;
  size_t cap_g = 0, cap_s = 0;
  double last_report = cz_now();
  cz_status shared_st = CZ_OK;
  uint64_t nev_total = 0;
  double t_update = 0, t_deliver = 0;
  double ta = 0, tb = 0; /* shared: set by one thread, read by another after a barrier */
#pragma omp parallel num_threads(net->nthreads) reduction(+ : nev_total)
  {
#ifdef _OPENMP
    const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
#else
    const int tid = 0, nt = 1;
#endif
    const unsigned fp_mode = cz_flush_denormals();
    /* Each thread delivers into the neurons it owns: the loop needs exactly the threads the
     * synapse tables were built for. */
    if (nt != net->nthreads) {
#pragma omp single
      shared_st = CZ_ERROR(CZ_ERR_INTERNAL, "the OpenMP runtime granted %d threads, %d were requested", nt,
                           net->nthreads);
    }
    for (int64_t t0 = 0; nt == net->nthreads && t0 < net->nsteps; t0 += M) {
      const int64_t t1 = t0 + M < net->nsteps ? t0 + M : net->nsteps;
#pragma omp master
      ta = cz_now();
      const double tu = cz_now();
      update_epoch(s, tid, nt, t0, t1);
      out->thread_update[tid] += cz_now() - tu;
#pragma omp barrier
#pragma omp master
      {
        tb = cz_now();
        t_update += tb - ta;
        for (int t = 0; t < nt && shared_st == CZ_OK; t++) shared_st = s->thread_status[t];
        if (shared_st == CZ_OK) shared_st = merge_epoch(s, t1, out, &cap_g, &cap_s);
        if (shared_st == CZ_OK && s->rec) {
          const double tr = cz_now();
          shared_st = cz_recorder_epoch_end(s->rec, t1);
          out->t_report += cz_now() - tr;
        }
        if (shared_st == CZ_OK && s->blk && (t1 >= s->next_block || t1 == net->nsteps)) {
          const double tr = cz_now();
          shared_st = s->blk->fn(s->blk->ctx, t1, out);
          while (s->next_block <= t1) s->next_block += s->blk->every_steps;
          out->t_report += cz_now() - tr;
        }
        /* Peers are inside the collective exchange and cannot wait for an agreement: end the job. */
        if (shared_st != CZ_OK && net->nranks > 1) {
          fprintf(stderr, "cadenza: error on rank %d during the run: %s\n", net->rank, cz_error_message());
          cz_comm_abort(1);
        }
      }
#pragma omp barrier
      if (shared_st != CZ_OK) break; /* every thread sees the same value after the barrier */
      const double td = cz_now();
      nev_total += deliver_epoch(s, tid, t1, M);
      out->thread_deliver[tid] += cz_now() - td;
#pragma omp barrier
#pragma omp master
      {
        double tc = cz_now();
        t_deliver += tc - tb;
        if (progress && tc - last_report >= 1.0) {
          progress(pctx, t1, net->nsteps, out->nspikes);
          last_report = tc;
        }
      }
    }
    cz_restore_fp_mode(fp_mode);
  }
  out->nevents = nev_total;
  cz_timer_add(CZ_T_RUN_UPDATE, t_update);
  cz_timer_add(CZ_T_RUN_DELIVER, t_deliver - out->t_pack - out->t_exchange - out->t_wait - out->t_report);
  cz_timer_add(CZ_T_RUN_PACK, out->t_pack);
  cz_timer_add(CZ_T_RUN_WAIT, out->t_wait);
  cz_timer_add(CZ_T_RUN_TRANSFER, out->t_exchange);
  cz_timer_add(CZ_T_RUN_REPORT, out->t_report);
  return shared_st;
}

/* The weight_recorder events of all threads, into out (any order: they are sorted when written). */
static cz_status collect_weight_events(loop_state *s, cz_sim_result *out) {
  size_t n = 0;
  for (int t = 0; t < s->net->nthreads; t++) n += s->nwev[t];
  if (n == 0) return CZ_OK;
  CZ_NEW(out->wev, n * CZ_WEV_WORDS);
  for (int t = 0; t < s->net->nthreads; t++) {
    if (s->nwev[t] == 0) continue; /* that thread's buffer may be NULL, which memcpy must not see */
    memcpy(out->wev + out->nwev * CZ_WEV_WORDS, s->wev[t], s->nwev[t] * CZ_WEV_WORDS * sizeof *out->wev);
    out->nwev += s->nwev[t];
  }
  return CZ_OK;
}

cz_status cz_sim_run(cz_network *net, const cz_vspikes *vs, const cz_clamps *cl, const cz_poisson_drive *pd,
                     cz_recorder *rec, const cz_sim_block *blk, cz_progress_fn progress, void *progress_ctx,
                     cz_sim_result *out) {
  memset(out, 0, sizeof *out);
  loop_state s;
  memset(&s, 0, sizeof s);
  s.net = net;
  s.vs = vs;
  s.cl = cl;
  s.pd = pd;
  s.rec = rec;
  s.blk = blk && blk->every_steps > 0 ? blk : NULL;
  s.next_block = s.blk ? s.blk->every_steps : 0;
  out->nthreads = net->nthreads;
  out->thread_update = cz_calloc((size_t)net->nthreads, sizeof *out->thread_update);
  out->thread_deliver = cz_calloc((size_t)net->nthreads, sizeof *out->thread_deliver);
  cz_status st = out->thread_update && out->thread_deliver ? setup(&s, net) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  /* A rank that cannot set up must not leave its peers waiting in the first exchange. */
  st = cz_comm_agree(st);
  if (st == CZ_OK) {
    /* Threads must exist in the requested number for the delivery partition to hold. */
#ifdef _OPENMP
    omp_set_dynamic(0);
#endif
    st = run_loop(&s, progress, progress_ctx, out);
    for (int t = 0; t < net->nthreads && st == CZ_OK; t++) st = s.thread_status[t];
    if (st == CZ_OK) st = collect_weight_events(&s, out);
  }
  teardown(&s);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_sim_result_free(out);
  }
  return st;
}

void cz_sim_result_free(cz_sim_result *r) {
  free(r->gid);
  free(r->stamp);
  free(r->thread_update);
  free(r->thread_deliver);
  free(r->wev);
  memset(r, 0, sizeof *r);
}
