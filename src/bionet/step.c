#include "bionet/step.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timer.h"

cz_status cz_bio_thread_begin(cz_bio_thread *th, const cz_mech_env *env, double threshold) {
  memset(th, 0, sizeof *th);
  th->env = *env;
  th->threshold = threshold;
  return cz_bio_cells_begin(&th->cells);
}

cz_status cz_bio_thread_add_iclamp(cz_bio_thread *th, cz_iclamp c) {
  CZ_RESERVE(th->iclamp, th->cap_iclamp, th->niclamp + 1);
  th->iclamp[th->niclamp++] = c;
  return CZ_OK;
}

cz_status cz_bio_thread_add_seclamp(cz_bio_thread *th, cz_seclamp c) {
  CZ_CHECK(c.rs > 0 && isfinite(c.rs), CZ_ERR_CONFIG, "SEClamp: rs must be a positive number of MΩ, not %g", c.rs);
  CZ_RESERVE(th->seclamp, th->cap_seclamp, th->nseclamp + 1);
  th->seclamp[th->nseclamp++] = c;
  return CZ_OK;
}

/* The cells of one shape side by side (cz_bio_cells_interleave), and the synapses, gap ends
 * and clamps at their nodes' new numbers (their order, which sums into a node, kept). */
static cz_status interleave(cz_bio_thread *th) {
  uint32_t *to = NULL;
  CZ_TRY(cz_bio_cells_interleave(&th->cells, &to));
  for (size_t k = 0; k < th->syn.n; k++) th->syn.node[k] = to[th->syn.node[k]];
  for (size_t k = 0; k < th->esyn.n; k++) th->esyn.node[k] = to[th->esyn.node[k]];
  for (size_t k = 0; k < th->gap.n; k++) th->gap.node[k] = to[th->gap.node[k]];
  for (size_t k = 0; k < th->niclamp; k++) th->iclamp[k].node = to[th->iclamp[k].node];
  for (size_t k = 0; k < th->nseclamp; k++) th->seclamp[k].node = to[th->seclamp[k].node];
  free(to);
  return CZ_OK;
}

cz_status cz_bio_thread_init(cz_bio_thread *th) {
  CZ_TRY(interleave(th));
  CZ_TRY(cz_bio_queue_set_step(&th->queue, th->t, th->env.dt));
  CZ_TRY(cz_bio_cells_finish(&th->cells, &th->env));
  cz_exp2syn_init(&th->syn, &th->cells.cable, th->env.dt);
  cz_expsyn_init(&th->esyn, th->env.dt);
  return CZ_OK;
}

cz_status cz_bio_thread_want_membrane_current(cz_bio_thread *th) {
  if (th->i_m) return CZ_OK;
  const size_t n = th->cells.cable.n + 1;
  th->i_m = cz_calloc(n, sizeof *th->i_m);
  th->sav_rhs = cz_calloc(n, sizeof *th->sav_rhs);
  th->sav_d = cz_calloc(n, sizeof *th->sav_d);
  CZ_CHECK(th->i_m && th->sav_rhs && th->sav_d, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

void cz_bio_thread_free(cz_bio_thread *th) {
  free(th->i_m);
  free(th->sav_rhs);
  free(th->sav_d);
  cz_bio_cells_free(&th->cells);
  cz_exp2syn_free(&th->syn);
  cz_expsyn_free(&th->esyn);
  cz_gap_free(&th->gap);
  cz_intfire1_free(&th->art);
  for (size_t k = 0; k < th->nplay; k++) free(th->played[k]);
  free(th->played);
  free(th->iclamp);
  free(th->seclamp);
  cz_bio_queue_free(&th->queue);
  memset(th, 0, sizeof *th);
}

typedef struct detect_ctx {
  cz_bio_spike_fn emit;
  void *ctx;
  cz_status st;
} detect_ctx;

static void detected(void *pv, size_t cell, double t) {
  detect_ctx *d = pv;
  if (d->st == CZ_OK) d->st = d->emit(d->ctx, CZ_SPIKER_CELL, cell, t);
}

/* One event at its time T. */
static cz_status deliver(cz_bio_thread *th, const cz_bio_event *e, cz_bio_spike_fn emit, void *ctx) {
  const uint32_t kind = e->target >> 30, k = e->target & CZ_EV_INDEX_MASK;
  th->delivered += kind != CZ_EV_ARTIFICIAL_SELF; /* an IntFire1's own refractory end is no synaptic event */
  if (kind == CZ_EV_SYNAPSE) {
    cz_exp2syn_event(&th->syn, k, e->w);
    return CZ_OK;
  }
  if (kind == CZ_EV_EXPSYN) {
    cz_expsyn_event(&th->esyn, k, e->w);
    return CZ_OK;
  }
  const cz_intfire1_out o = cz_intfire1_event(&th->art, k, e->T, e->w, kind == CZ_EV_ARTIFICIAL_SELF);
  if (o.schedule) CZ_TRY(cz_bio_queue_push(&th->queue, o.self_at, cz_ev_target(CZ_EV_ARTIFICIAL_SELF, k), 0.0));
  return o.spiked ? emit(ctx, CZ_SPIKER_ARTIFICIAL, k, e->T) : CZ_OK;
}

cz_status cz_bio_thread_step(cz_bio_thread *th, cz_bio_spike_fn emit, void *ctx) {
  const double dt = th->env.dt;
  detect_ctx d = {emit, ctx, CZ_OK};
  cz_bio_cells_detect(&th->cells, th->t, th->threshold, detected, &d);
  CZ_TRY(d.st);
  cz_bio_event e;
  const double t0 = cz_now();
  while (cz_bio_queue_pop_step(&th->queue, th->t, dt, &e)) CZ_TRY(deliver(th, &e, emit, ctx));
  CZ_TRY(cz_bio_queue_status(&th->queue));
  cz_iclamp_play(th->iclamp, th->niclamp, th->t, dt);
  th->t += 0.5 * dt;
  const double t1 = cz_now();
  cz_bio_cells_currents(&th->cells, &th->env);
  const double t2 = cz_now();
  cz_exp2syn_current(&th->syn, &th->cells.cable);
  cz_expsyn_current(&th->esyn, &th->cells.cable);
  cz_gap_current(&th->gap, &th->cells.cable);
  const size_t n = th->cells.cable.n;
  if (th->i_m) {
    memcpy(th->sav_rhs, th->cells.cable.rhs, n * sizeof *th->sav_rhs);
    memcpy(th->sav_d, th->cells.cable.d, n * sizeof *th->sav_d);
  }
  cz_iclamp_current(th->iclamp, th->niclamp, th->t, &th->cells.cable);
  cz_seclamp_current(th->seclamp, th->nseclamp, th->t, &th->cells.cable);
  const double t3 = cz_now();
  cz_cable_solve(&th->cells.cable, dt);
  if (th->i_m) cz_cable_membrane_current(&th->cells.cable, th->sav_rhs, th->sav_d, dt, th->i_m);
  th->t += 0.5 * dt;
  const double t4 = cz_now();
  cz_bio_cells_advance(&th->cells, &th->env);
  const double t5 = cz_now();
  cz_exp2syn_advance(&th->syn);
  cz_expsyn_advance(&th->esyn);
  /* NEURON's end-of-step delivery: what arrives by t_{n+1} is in the state recorded at t_{n+1}. */
  while (cz_bio_queue_pop_until(&th->queue, th->t, &e)) CZ_TRY(deliver(th, &e, emit, ctx));
  CZ_TRY(cz_bio_queue_status(&th->queue));
  const double t6 = cz_now();
  th->seconds[CZ_BIO_SPENT_CHANNELS] += (t2 - t1) + (t5 - t4);
  th->seconds[CZ_BIO_SPENT_SYNAPSES] += (t1 - t0) + (t3 - t2) + (t6 - t5);
  th->seconds[CZ_BIO_SPENT_SOLVE] += t4 - t3;
  return CZ_OK;
}
