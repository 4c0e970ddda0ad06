#include "core/epoch.h"

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
#include "base/timer.h"
#include "comm/comm.h"
#include "comm/spike_exchange.h"

/* What each thread writes during the phases, one cache line apart from the next thread's, so
 * that no thread's writes invalidate a line another thread is using. */
typedef struct thread_slot {
  _Alignas(64) cz_spike_list local; /* the spikes of this epoch, sorted after the update */
  cz_status status;
  uint64_t nevents;
  double t_update, t_deliver;
} thread_slot;

typedef struct loop_state {
  const cz_engine *e;
  const cz_vspikes *vs;
  size_t vs_next;          /* next virtual spike */
  const cz_epoch_block *blk;
  int64_t next_block;      /* step at which the next block ends */
  thread_slot *slot;       /* [nthreads] */
  const cz_spike_list **lists; /* [nthreads] &slot[t].local */
  /* The master thread's buffers, kept between epochs. */
  cz_spike_list mine;      /* this rank's spikes of the epoch, sorted, with lids */
  cz_spike_list recv;      /* the other ranks' */
  cz_spike_list virt;      /* the virtual nodes' */
  cz_spike_list both;      /* mine and recv merged */
  cz_spike_list all;       /* everything, when there is more than mine */
  const cz_spike *epoch;   /* the list delivered: mine.s or all.s */
  size_t nepoch;
  cz_xchg *xchg;
  size_t *send_count, *send_next; /* [nranks] */
  cz_rank_set *send_sets;         /* the send sets of this epoch's spikes, asked once per spike */
  size_t send_sets_cap;
  int64_t *send_buf;
  size_t send_cap;
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

/* Appends this rank's spikes of the epoch to the record (only this rank's cells are recorded:
 * the virtual ones are inputs, the others are recorded where they live). */
static cz_status record_spikes(const cz_spike_list *mine, cz_epoch_result *out) {
  cz_spike_list *r = &out->spikes;
  CZ_TRY(cz_spike_list_reserve(r, r->n + mine->n, false));
  if (mine->n) memcpy(r->s + r->n, mine->s, mine->n * sizeof *mine->s);
  r->n += mine->n;
  return CZ_OK;
}

/* The exchange's visits of a spike's ranks (cz_rank_set_each): count a record for rank r, and
 * pack the spike into rank r's part of the buffer. */
static void count_record(void *count, uint32_t r) { ((size_t *)count)[r]++; }

typedef struct pack_target {
  const cz_spike *spike;
  size_t *next; /* [nranks] next record of each rank's part */
  int64_t *buf;
} pack_target;

static void pack_record(void *ctx, uint32_t r) {
  pack_target *p = ctx;
  cz_spike_pack(p->spike, &p->buf[2 * p->next[r]++]);
}

/* Sends this rank's spikes to the ranks in their cells' send sets, each spike to its ranks in
 * ascending order; s->recv gets what the others sent, sorted. */
static cz_status exchange_spikes(loop_state *s, cz_epoch_result *out) {
  const cz_engine *e = s->e;
  const cz_spike_list *mine = &s->mine;
  s->recv.n = 0;
  if (e->nranks == 1) return CZ_OK;
  const double t0 = cz_now();
  size_t *count = s->send_count, total = 0;
  memset(count, 0, (size_t)e->nranks * sizeof *count);
  CZ_RESERVE(s->send_sets, s->send_sets_cap, mine->n + 1);
  cz_rank_set *sets = s->send_sets;
  for (size_t i = 0; i < mine->n; i++) {
    e->ops->send_ranks(e->impl, mine->lid[i], &sets[i]);
    cz_rank_set_each(sets[i], count_record, count);
  }
  size_t *next = s->send_next;
  for (int r = 0; r < e->nranks; r++) {
    next[r] = total;
    total += count[r];
  }
  CZ_RESERVE(s->send_buf, s->send_cap, 2 * total + 2);
  for (size_t i = 0; i < mine->n; i++) {
    pack_target p = {&mine->s[i], next, s->send_buf};
    cz_rank_set_each(sets[i], pack_record, &p);
  }
  const double t1 = cz_now(), w0 = cz_xchg_wait_seconds(s->xchg);
  const int64_t *recv = NULL;
  size_t nrecv = 0;
  cz_status st = cz_xchg_run(s->xchg, s->send_buf, count, &recv, &nrecv);
  const double waited = cz_xchg_wait_seconds(s->xchg) - w0;
  out->t_pack += t1 - t0;
  out->t_wait += waited;
  out->t_exchange += cz_now() - t1 - waited;
  CZ_TRY(st);
  CZ_TRY(cz_spike_list_reserve(&s->recv, nrecv + 1, false));
  for (size_t i = 0; i < nrecv; i++) cz_spike_unpack(&recv[2 * i], &s->recv.s[i]);
  s->recv.n = nrecv;
  cz_spike_sort(s->recv.s, nrecv); /* sorted runs, one per sending rank */
  return CZ_OK;
}

/* The virtual nodes' spikes emitted before t1, into s->virt (they are on the grid). */
static cz_status take_virtual(loop_state *s, int64_t t1) {
  const cz_vspikes *vs = s->vs;
  size_t nv = 0;
  while (vs && s->vs_next + nv < vs->n && vs->step[s->vs_next + nv] < t1) nv++;
  CZ_TRY(cz_spike_list_reserve(&s->virt, nv + 1, false));
  for (size_t i = 0; i < nv; i++)
    s->virt.s[i] = (cz_spike){cz_spike_key(vs->step[s->vs_next + i], vs->gid[s->vs_next + i]), 0.0};
  s->virt.n = nv;
  s->vs_next += nv;
  return CZ_OK;
}

/* Builds this epoch's list in canonical order: this rank's spikes (the threads' sorted lists
 * merged), those the other ranks sent, and the virtual nodes' input spikes. Reuses its buffers;
 * with nothing but this rank's spikes the merged list is the list. Master thread (MPI). */
static cz_status merge_epoch(loop_state *s, int64_t t1, cz_epoch_result *out) {
  CZ_TRY(cz_spike_lists_merge(s->lists, (size_t)s->e->nthreads, &s->mine));
  for (int t = 0; t < s->e->nthreads; t++) s->slot[t].local.n = 0;
  CZ_TRY(record_spikes(&s->mine, out));
  CZ_TRY(exchange_spikes(s, out));
  CZ_TRY(take_virtual(s, t1));
  if (s->recv.n == 0 && s->virt.n == 0) {
    s->epoch = s->mine.s;
    s->nepoch = s->mine.n;
    return CZ_OK;
  }
  const size_t nboth = s->mine.n + s->recv.n, nall = nboth + s->virt.n;
  CZ_TRY(cz_spike_list_reserve(&s->both, nboth + 1, false));
  CZ_TRY(cz_spike_list_reserve(&s->all, nall + 1, false));
  cz_spike_merge2(s->mine.s, s->mine.n, s->recv.s, s->recv.n, s->both.s);
  cz_spike_merge2(s->both.s, nboth, s->virt.s, s->virt.n, s->all.s);
  s->epoch = s->all.s;
  s->nepoch = nall;
  return CZ_OK;
}

static cz_status setup(loop_state *s) {
  const int nt = s->e->nthreads;
  const size_t bytes = (size_t)nt * sizeof *s->slot;
  s->slot = aligned_alloc(64, bytes);
  CZ_CHECK(s->slot, CZ_ERR_NOMEM, "out of memory allocating the loop's %d thread slots", nt);
  memset(s->slot, 0, bytes);
  CZ_NEW(s->lists, (size_t)nt);
  for (int t = 0; t < nt; t++) s->lists[t] = &s->slot[t].local;
  CZ_NEW(s->send_count, (size_t)s->e->nranks);
  CZ_NEW(s->send_next, (size_t)s->e->nranks);
  CZ_TRY(cz_xchg_create(&s->xchg));
  return cz_spike_check_steps(s->e->tg->nsteps);
}

static void teardown(loop_state *s) {
  for (int t = 0; s->slot && t < s->e->nthreads; t++) cz_spike_list_free(&s->slot[t].local);
  free(s->slot);
  free(s->lists);
  cz_spike_list_free(&s->mine);
  cz_spike_list_free(&s->recv);
  cz_spike_list_free(&s->virt);
  cz_spike_list_free(&s->both);
  cz_spike_list_free(&s->all);
  free(s->send_count);
  free(s->send_next);
  free(s->send_sets);
  free(s->send_buf);
  cz_xchg_destroy(&s->xchg);
}

/* Phase 2 and the report blocks, on the master thread between the barriers. */
static cz_status between_phases(loop_state *s, int64_t t1, cz_epoch_result *out) {
  const cz_engine *e = s->e;
  for (int t = 0; t < e->nthreads; t++) CZ_TRY(s->slot[t].status);
  CZ_TRY(merge_epoch(s, t1, out));
  if (e->ops->epoch_end) {
    const double tr = cz_now();
    cz_status st = e->ops->epoch_end(e->impl, t1);
    out->t_report += cz_now() - tr;
    CZ_TRY(st);
  }
  if (s->blk && (t1 >= s->next_block || t1 == e->tg->nsteps)) {
    const double tr = cz_now();
    cz_status st = s->blk->fn(s->blk->ctx, t1, out);
    while (s->next_block <= t1) s->next_block += s->blk->every_steps;
    out->t_report += cz_now() - tr;
    CZ_TRY(st);
  }
  return CZ_OK;
}

static cz_status run_loop(loop_state *s, cz_progress_fn progress, void *pctx, cz_epoch_result *out) {
  const cz_engine *e = s->e;
  const cz_timegrid *tg = e->tg;
  double last_report = cz_now();
  cz_status shared_st = CZ_OK;
  double t_update = 0, t_deliver = 0;
  double ta = 0, tb = 0; /* shared: set by one thread, read by another after a barrier */
#pragma omp parallel num_threads(e->nthreads)
  {
#ifdef _OPENMP
    const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
#else
    const int tid = 0, nt = 1;
#endif
    thread_slot *me = &s->slot[tid];
    const unsigned fp_mode = cz_flush_denormals();
    /* An engine gives each thread its own cells: the loop needs exactly the threads the
     * engine was built for. */
    if (nt != e->nthreads) {
#pragma omp single
      shared_st = CZ_ERROR(CZ_ERR_INTERNAL, "the OpenMP runtime granted %d threads, %d were requested", nt,
                           e->nthreads);
    }
    for (int64_t t0 = 0; nt == e->nthreads && t0 < tg->nsteps; t0 = cz_timegrid_epoch_end(tg, t0)) {
      const int64_t t1 = cz_timegrid_epoch_end(tg, t0);
#pragma omp master
      ta = cz_now();
      const double tu = cz_now();
      if (me->status == CZ_OK) me->status = e->ops->update(e->impl, tid, t0, t1, &me->local);
      if (me->status == CZ_OK) me->status = cz_spike_list_sort(&me->local);
      me->t_update += cz_now() - tu;
#pragma omp barrier
#pragma omp master
      {
        tb = cz_now();
        t_update += tb - ta;
        shared_st = between_phases(s, t1, out);
        /* Peers are inside the collective exchange and cannot wait for an agreement: end the job. */
        if (shared_st != CZ_OK && e->nranks > 1) {
          fprintf(stderr, "cadenza: error on rank %d during the run: %s\n", e->rank, cz_error_message());
          cz_comm_abort(1);
        }
      }
#pragma omp barrier
      if (shared_st != CZ_OK) break; /* every thread sees the same value after the barrier */
      const double td = cz_now();
      if (me->status == CZ_OK) me->status = e->ops->deliver(e->impl, tid, s->epoch, s->nepoch, t1, &me->nevents);
      me->t_deliver += cz_now() - td;
#pragma omp barrier
#pragma omp master
      {
        double tc = cz_now();
        t_deliver += tc - tb;
        if (progress && tc - last_report >= 1.0) {
          progress(pctx, t1, tg->nsteps, out->spikes.n);
          last_report = tc;
        }
      }
    }
    cz_restore_fp_mode(fp_mode);
  }
  for (int t = 0; t < e->nthreads; t++) {
    out->nevents += s->slot[t].nevents;
    out->thread_update[t] = s->slot[t].t_update;
    out->thread_deliver[t] = s->slot[t].t_deliver;
    if (shared_st == CZ_OK) shared_st = s->slot[t].status;
  }
  cz_timer_add(CZ_T_RUN_UPDATE, t_update);
  cz_timer_add(CZ_T_RUN_DELIVER, t_deliver - out->t_pack - out->t_exchange - out->t_wait - out->t_report);
  cz_timer_add(CZ_T_RUN_PACK, out->t_pack);
  cz_timer_add(CZ_T_RUN_WAIT, out->t_wait);
  cz_timer_add(CZ_T_RUN_TRANSFER, out->t_exchange);
  cz_timer_add(CZ_T_RUN_REPORT, out->t_report);
  return shared_st;
}

cz_status cz_epoch_run(const cz_engine *e, const cz_vspikes *vs, const cz_epoch_block *blk, cz_progress_fn progress,
                       void *progress_ctx, cz_epoch_result *out) {
  memset(out, 0, sizeof *out);
  loop_state s;
  memset(&s, 0, sizeof s);
  s.e = e;
  s.vs = vs;
  s.blk = blk && blk->every_steps > 0 ? blk : NULL;
  s.next_block = s.blk ? s.blk->every_steps : 0;
  out->nthreads = e->nthreads;
  out->thread_update = cz_calloc((size_t)e->nthreads, sizeof *out->thread_update);
  out->thread_deliver = cz_calloc((size_t)e->nthreads, sizeof *out->thread_deliver);
  cz_status st = out->thread_update && out->thread_deliver ? setup(&s) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  /* A rank that cannot set up must not leave its peers waiting in the first exchange. */
  st = cz_comm_agree(st);
  if (st == CZ_OK) {
    /* Threads must exist in the requested number for the engine's partition to hold. */
#ifdef _OPENMP
    omp_set_dynamic(0);
#endif
    st = run_loop(&s, progress, progress_ctx, out);
  }
  teardown(&s);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_epoch_result_free(out);
  }
  return st;
}

void cz_epoch_result_free(cz_epoch_result *r) {
  cz_spike_list_free(&r->spikes);
  free(r->thread_update);
  free(r->thread_deliver);
  memset(r, 0, sizeof *r);
}
