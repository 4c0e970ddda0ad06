#include "pointnet/network_passes.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/timer.h"
#include "core/placement.h"
#include "pointnet/edge_values.h"

/* Whether this rank takes the edges onto target (target_pop, target_row): those of its own
 * neurons; an edge onto a virtual node is an error that rank 0 reports. */
static bool keep_local_target(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  const cz_net_edge_source *s = ctx;
  const size_t gid = s->net->gm.pop_offset[target_pop] + target_row;
  if (cz_gidmap_lid(&s->net->gm, gid) != CZ_NO_NID) return true;
  if (s->net->rank != 0) return false;
  const uint32_t r = s->placement ? cz_placement_rank(s->placement, gid) : 0;
  return r == CZ_NO_RANK || r == 0;
}

/* The targets of one thread in a threaded pass: its nids [lo, hi), and on thread 0 the
 * targets keep_local_target takes that are no neuron of this rank (strays: virtual nodes,
 * for the scan's error). */
typedef struct thread_targets {
  const cz_net_edge_source *s;
  uint32_t lo, hi;
  bool strays;
} thread_targets;

static bool keep_thread_target(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  const thread_targets *tt = ctx;
  const uint32_t nid = cz_gidmap_lid(&tt->s->net->gm, tt->s->net->gm.pop_offset[target_pop] + target_row);
  if (nid != CZ_NO_NID) return nid >= tt->lo && nid < tt->hi;
  return tt->strays && keep_local_target(tt->s, target_pop, target_row);
}

/* The synapse model tables grow with the models the loaded edges name. */
static cz_status fit_syn_tables(cz_network *net, const cz_circuit *c) {
  if (c->nsyn_models <= net->nsyn_models) return CZ_OK;
  CZ_CHECK(c->nsyn_models <= UINT16_MAX, CZ_ERR_CONFIG, "more than %d synapse models (edge types with parameters)",
           UINT16_MAX);
  void *p = realloc(net->syn_params, (c->nsyn_models + 1) * sizeof *net->syn_params);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  net->syn_params = p;
  p = realloc(net->syn_rec, (c->nsyn_models + 1) * sizeof *net->syn_rec);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  net->syn_rec = p;
  p = realloc(net->syn_resolved, (c->nsyn_models + 1) * sizeof *net->syn_resolved);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  net->syn_resolved = p;
  for (size_t m = net->nsyn_models; m <= c->nsyn_models; m++) {
    memset(&net->syn_params[m], 0, sizeof *net->syn_params);
    net->syn_rec[m] = -1;
    net->syn_resolved[m] = 0;
  }
  net->nsyn_models = c->nsyn_models;
  return CZ_OK;
}

typedef struct pass_run {
  cz_network *net;
  cz_net_pass_visit visit;
  void *ctx;
  double seconds;
  cz_edge_values values; /* the weights and delays of the edges visited */
} pass_run;

static cz_status pass_batch(void *ctx, const cz_circuit *c, size_t e, const cz_edge_pop *edges) {
  pass_run *r = ctx;
  CZ_TRY(fit_syn_tables(r->net, c)); /* the one-thread reader adds models file by file (threads: a no-op) */
  const double t0 = cz_now();
  cz_edge_pop view;
  cz_status st = cz_edge_values_view(edges, &r->values, &view);
  if (st == CZ_OK) st = r->visit(r->net, c, e, &view, r->ctx);
  r->seconds += cz_now() - t0;
  return st;
}

cz_status cz_net_pass_serial(cz_net_edge_source *s, cz_network *net, cz_net_pass_visit visit, void *ctx, bool ids_only,
                             double *seconds) {
  pass_run run = {net, visit, ctx, 0.0, {0}};
  if (!s->streamed) {
    cz_status st = CZ_OK;
    for (size_t e = 0; e < s->c->nedges && st == CZ_OK; e++) st = pass_batch(&run, s->c, e, &s->c->edges[e]);
    cz_edge_values_free(&run.values);
    *seconds += run.seconds;
    return st;
  }
  const cz_edge_filter flt = {.keep = NULL,
                              .keep_target = keep_local_target,
                              .ctx = s,
                              .file_rows = true,
                              .batch = pass_batch,
                              .batch_ctx = &run,
                              .batch_edges = s->batch_edges,
                              .ids_only = ids_only};
  const double t0 = cz_now();
  cz_status st = s->read ? s->read(s->read_ctx, s->c, s->cfg, &flt) : cz_circuit_load_edges(s->c, s->cfg, &flt);
  cz_edge_values_free(&run.values);
  s->t_read += cz_now() - t0 - run.seconds;
  *seconds += run.seconds;
  if (st == CZ_OK) st = fit_syn_tables(net, s->c);
  cz_circuit_free_edges(s->c); /* each pass loads the populations again */
  return st;
}

cz_status cz_net_pass_threaded(cz_net_edge_source *s, cz_network *net, const uint32_t *lo, cz_net_pass_visit visit,
                               void **ctxs, bool ids_only, double *seconds) {
  const int n = net->nthreads;
  pass_run *runs = cz_calloc((size_t)n, sizeof *runs);
  cz_error_note *notes = cz_calloc((size_t)n, sizeof *notes);
  if (!runs || !notes) {
    free(runs);
    free(notes);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  const double t0 = cz_now();
  /* One iteration per thread's share, whatever number of threads the runtime grants. */
#pragma omp parallel for num_threads(n) schedule(static, 1)
  for (int t = 0; t < n; t++) {
    runs[t] = (pass_run){net, visit, ctxs[t], 0.0, {0}};
    const thread_targets tt = {s, lo[t], lo[t + 1], t == 0};
    const cz_edge_filter flt = {.keep_target = keep_thread_target,
                                .ctx = &tt,
                                .file_rows = true,
                                .batch = pass_batch,
                                .batch_ctx = &runs[t],
                                .batch_edges = s->batch_edges,
                                .ids_only = ids_only};
    cz_error_take(cz_edge_streams_read(s->streams, t, &flt), &notes[t]);
  }
  double busiest = 0.0;
  for (int t = 0; t < n; t++)
    if (runs[t].seconds > busiest) busiest = runs[t].seconds;
  s->t_read += cz_now() - t0 - busiest;
  *seconds += busiest;
  cz_status st = CZ_OK;
  for (int t = 0; t < n; t++) {
    if (st == CZ_OK && notes[t].code != CZ_OK) st = cz_error_raise(&notes[t]);
    cz_error_note_free(&notes[t]);
    cz_edge_values_free(&runs[t].values);
  }
  free(runs);
  free(notes);
  return st;
}

cz_status cz_net_open_streams(cz_network *net, cz_net_edge_source *src) {
  if (!src->streamed || src->read || !net->layout.edge_threads) return CZ_OK;
  const double t0 = cz_now();
  const cz_edge_filter keep = {.keep_target = keep_local_target, .ctx = src};
  CZ_TRY(cz_edge_streams_open(src->c, src->cfg, net->nthreads, &keep, true, &src->streams));
  src->t_open = cz_now() - t0;
  if (!cz_edge_streams_by_target(src->streams)) {
    cz_log_debug("an edge population has no usable target_to_source index: edges are read on one thread");
    cz_edge_streams_close(&src->streams);
    return CZ_OK;
  }
  return fit_syn_tables(net, src->c);
}
