#include "bionet/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sort.h"
#include "base/timer.h"
#include "bionet/build.h"
#include "bionet/clamp_report.h"
#include "bionet/comsol.h"
#include "bionet/connect.h"
#include "bionet/ecp.h"
#include "bionet/edge_order.h"
#include "bionet/gap_table.h"
#include "bionet/gap_transfer.h"
#include "bionet/mechanisms/mechanism.h"
#include "bionet/modules.h"
#include "bionet/place_cost.h"
#include "bionet/replay.h"
#include "bionet/save_synapses.h"
#include "bionet/reports.h"
#include "bionet/run_config.h"
#include "bionet/step.h"
#include "bionet/xstim.h"
#include "comm/comm.h"
#include "core/share_deal.h"

/* Time in tics of a nanosecond: every dt of a BioNet config is a whole number of them. */
#define BIO_TICS_PER_MS INT64_C(1000000)
/* A share's cost (bionet/place_cost.h: 4 per cable node, its channels and 4 per synapse, about
 * 7 per node on the generated network, so about 8192 nodes): its cells' state and synapses
 * (about 300 bytes a node) then stay near a core's L2 cache. On the generated 450-cell network,
 * 500 ms on one thread with cohorts (runs of 16), when nodes alone counted (4 each): 8192 3.14
 * s, 16384 2.99 s, 32768 3.02 s, 65536 3.04 s; and on two threads 32768 gave the balance
 * 1.002 where 65536 gave 1.02. */
#define BIO_SHARE_COST 57344
/* The most nodes of one cost placed together: wider cohorts, coarser balance (runs of 32
 * balanced two threads to 1.14, 64 to 1.24-1.33). */
#define BIO_SHARE_RUN 16
/* BMTK's pc.set_maxstep(10): the longest epoch, ms. */
#define BIO_MAX_EPOCH_MS 10.0

/* A worker's seconds in each part of the steps (CZ_BIO_SPENT_*), padded to a cache line's
 * size so that workers seldom write one line: shares move between workers, so the parts are
 * added up by the worker that steps them. */
typedef struct cz_bio_worker_spent {
  double parts[3], pad[5];
} cz_bio_worker_spent;

/* What one thread owns. */
typedef struct share {
  cz_bio_thread th;
  cz_bio_netcons nc;
  size_t *order;          /* NetCons by source gid */
  size_t ncells, nart, cap_cells, cap_art;
  uint32_t *cell_lid;     /* [ncells] local id of each detailed cell */
  uint32_t *art_lid;      /* [nart] local id of each artificial cell */
  size_t *cell_pop, *cell_row; /* [ncells] which node each cell is */
} share;

struct cz_bionet_engine {
  const cz_config *cfg;
  const cz_circuit *c;
  cz_timegrid tg;
  cz_gidmap gm;
  int nthreads;            /* shares: nworkers times the blocks each worker steps in turn */
  int nworkers;            /* the loop's threads */
  cz_share_deal deal;      /* which worker steps which share, by measured time */
  cz_bio_worker_spent *spent; /* [nworkers] each worker's seconds by part of the steps */
  int rank, nranks;
  share *sh;               /* [nthreads] */
  uint32_t *share_of_lid;  /* [nlocal] while building: each local node's share */
  cz_bio_reports *reports;
  cz_bio_ecp *ecp;
  cz_bio_clamp_reports *clamps;
  cz_bio_comsol *comsol;   /* the imposed extracellular field, or NULL */
  cz_bio_xstim *xstim;     /* the stimulating electrodes, or NULL */
  cz_bio_replays replays;
  cz_bio_gap_table gaps;         /* networks.gap_juncs */
  cz_bio_gap_transfer *gap_x;    /* the ends' voltage transfer, NULL without junctions */
  cz_gap **gap_of;               /* [nthreads] each thread's ends, for gap_x */
  const cz_cable **cable_of;     /* [nthreads] */
  int *input_of_pop;          /* [c->nedges] while connecting: network, a replay's input, or unused */
  cz_bio_replay **replay_of_pop;
  uint32_t *others;        /* [nranks - 1] every other rank */
  cz_bionet_counts counts;
};

/* ------------------------------------------------------------------ the kind */

/* Without the folder's cells (`cadenza partition` of no folder) cells count alike; with them,
 * a detailed cell costs its compartments (bionet/place_cost.h). */
static const cz_place_cost *bionet_place_cost(void) {
  static const cz_place_cost cost = {NULL, NULL, 1};
  return &cost;
}

const cz_engine_kind cz_bionet_engine_kind = {"BioNet (NEURON)", bionet_place_cost, cz_bionet_check_config,
                                              cz_bionet_place_cost_create, cz_bionet_place_cost_free};

/* ------------------------------------------------------------------ the loop's calls */

typedef struct emit_ctx {
  const cz_bionet_engine *e;
  const share *sh;
  int64_t u;
  cz_spike_list *out;
} emit_ctx;

/* A spike at time t of step u as the loop's record: stamp u + 1 and the offset before it.
 * t(u + 1) - offset gives t back exactly whenever t >= t(u + 1) / 2 (Sterbenz), that is from
 * the second step on; a spike in the first step may come back a few ulps of dt away. */
static cz_status emit_spike(void *pv, int spiker, size_t index, double t) {
  emit_ctx *x = pv;
  const uint32_t lid = spiker == CZ_SPIKER_CELL ? x->sh->cell_lid[index] : x->sh->art_lid[index];
  const double offset = cz_timegrid_ms(&x->e->tg, x->u + 1) - t;
  return cz_spike_list_emit(x->out, x->u, x->e->gm.gid_of_lid[lid], lid, offset);
}

/* One share through the epoch's steps: its cells stay in cache from step to step. */
static cz_status update_share(cz_bionet_engine *e, int s, int64_t t0, int64_t t1, cz_spike_list *out) {
  share *sh = &e->sh[s];
  emit_ctx x = {e, sh, t0, out};
  for (int64_t u = t0; u < t1; u++) {
    x.u = u;
    if (e->comsol) cz_bio_comsol_apply(e->comsol, s, &sh->th, u);
    if (e->xstim) cz_bio_xstim_apply(e->xstim, s, &sh->th, u);
    CZ_TRY(cz_bio_thread_step(&sh->th, emit_spike, &x));
    cz_bio_reports_sample(e->reports, s, u);
    if (e->ecp) cz_bio_ecp_sample(e->ecp, s, u);
    if (e->clamps) cz_bio_clamp_reports_sample(e->clamps, s, u);
  }
  return CZ_OK;
}

/* Within an epoch no cell hears from another (events arrive at its end; gap junctions make
 * epochs of one step), so a worker may step its shares one after the other, and any worker
 * may step any share (core/share_deal.h). */
static cz_status bio_update(void *impl, int tid, int64_t t0, int64_t t1, cz_spike_list *out) {
  cz_bionet_engine *e = impl;
  cz_share_walk walk = cz_share_walk_begin(tid, t0);
  for (int s; (s = cz_share_deal_next(&e->deal, &walk)) >= 0;) {
    const double *parts = e->sh[s].th.seconds, before[3] = {parts[0], parts[1], parts[2]}, start = cz_now();
    CZ_TRY(update_share(e, s, t0, t1, out));
    cz_share_deal_spent(&e->deal, s, cz_now() - start);
    for (int k = 0; k < 3; k++) e->spent[tid].parts[k] += parts[k] - before[k];
  }
  return CZ_OK;
}

/* The epoch's spikes become NetCon events on this thread's queue; the events the thread's last
 * update delivered are counted here, as the loop counts events at delivery. */
static cz_status deliver_share(cz_bionet_engine *e, share *sh, const cz_spike *spikes, size_t n, uint64_t *nevents) {
  for (size_t i = 0; i < n; i++) {
    const double t = cz_timegrid_spike_ms(&e->tg, cz_spike_step(&spikes[i]) + 1, spikes[i].offset);
    size_t queued = 0;
    CZ_TRY(cz_bio_route_spike(&sh->th, &sh->nc, sh->order, cz_spike_gid(&spikes[i]), t, &queued));
  }
  *nevents += sh->th.delivered;
  sh->th.delivered = 0;
  return CZ_OK;
}

static cz_status bio_deliver(void *impl, int tid, const cz_spike *spikes, size_t n, int64_t t1, uint64_t *nevents) {
  (void)t1;
  cz_bionet_engine *e = impl;
  int count;
  const int *mine = cz_share_deal_of(&e->deal, tid, &count);
  for (int k = 0; k < count; k++) CZ_TRY(deliver_share(e, &e->sh[mine[k]], spikes, n, nevents));
  return CZ_OK;
}

static cz_status bio_epoch_end(void *impl, int64_t t1) {
  cz_bionet_engine *e = impl;
  if (e->gap_x) CZ_TRY(cz_bio_gap_transfer_run(e->gap_x)); /* epochs are one step long (choose_epoch) */
  CZ_TRY(cz_bio_reports_epoch_end(e->reports, t1));
  CZ_TRY(cz_bio_clamp_reports_epoch_end(e->clamps, t1));
  if (cz_share_deal_look(&e->deal))
    cz_log_debug("Rank %d's shares dealt to its threads again from their measured times (look %d, epoch %lld)", e->rank,
                 e->deal.redeals, (long long)e->deal.epochs);
  return cz_bio_ecp_epoch_end(e->ecp, t1);
}

static void bio_send_ranks(const void *impl, uint32_t lid, cz_rank_set *out) {
  (void)lid;
  const cz_bionet_engine *e = impl;
  *out = (cz_rank_set){e->others, (uint32_t)(e->nranks - 1), false};
}

static const cz_engine_ops BIO_OPS = {bio_update, bio_deliver, bio_epoch_end, bio_send_ranks};

/* ------------------------------------------------------------------ setup */

static bool attr_is(const cz_node_pop *p, size_t row, const char *key, const char *value) {
  const cz_value v = cz_circuit_node_attr(p, row, key);
  return v.kind == CZ_VAL_STR && strcmp(v.str, value) == 0;
}

/* Which gids are detailed cells (is_cell, for the reports; all ranks) and which are virtual
 * (never simulated). Owned (*is_cell). */
static cz_status classify_nodes(const cz_bionet_engine *e, uint8_t **is_cell) {
  const cz_circuit *c = e->c;
  CZ_NEW(*is_cell, e->gm.nsrc + 1);
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t row = 0; row < c->nodes[p].n; row++)
      (*is_cell)[e->gm.pop_offset[p] + row] = attr_is(&c->nodes[p], row, "model_type", "biophysical");
  return CZ_OK;
}

/* Every node is a kind the engine runs, checked on every rank before anything is built. */
static cz_status check_model_types(const cz_bionet_engine *e) {
  const cz_circuit *c = e->c;
  static const char *const kinds[] = {"biophysical", "point_process", "point_neuron", "virtual"};
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t row = 0; row < c->nodes[p].n; row++) {
      const cz_node_pop *np = &c->nodes[p];
      const cz_value mt = cz_circuit_node_attr(np, row, "model_type");
      bool ok = false;
      for (size_t k = 0; k < sizeof kinds / sizeof *kinds && mt.kind == CZ_VAL_STR; k++) ok |= strcmp(mt.str, kinds[k]) == 0;
      CZ_CHECK(ok, CZ_ERR_CONFIG,
               "%s: node %llu of population %s: model_type \"%s\" is not one Cadenza's detailed-cell engine runs "
               "(biophysical, point_process with nrn:IntFire1, virtual)",
               np->types ? np->types->path : np->file, (unsigned long long)cz_node_id(np, row), np->name,
               mt.kind == CZ_VAL_STR ? mt.str : "(none)");
    }
  return CZ_OK;
}

/* The local ids: this rank's nodes in gid order. */
static cz_status map_local_nodes(cz_bionet_engine *e, const cz_placement *pl) {
  const cz_circuit *c = e->c;
  size_t *sizes = cz_calloc(c->nnodes + 1, sizeof *sizes);
  CZ_CHECK(sizes, CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; p < c->nnodes; p++) sizes[p] = c->nodes[p].n;
  cz_status st = cz_gidmap_init(&e->gm, sizes, c->nnodes, 0);
  free(sizes);
  CZ_TRY(st);
  size_t nlocal = 0;
  for (size_t g = 0; g < e->gm.nsrc; g++) nlocal += cz_placement_rank(pl, g) == (uint32_t)e->rank;
  CZ_TRY(cz_gidmap_set_nlocal(&e->gm, nlocal));
  size_t k = 0;
  for (size_t g = 0; g < e->gm.nsrc; g++)
    if (cz_placement_rank(pl, g) == (uint32_t)e->rank) e->gm.gid_of_lid[k++] = (uint32_t)g;
  return cz_gidmap_index(&e->gm);
}

static cz_status add_cell(share *sh, uint32_t lid, size_t pop, size_t row, size_t cell) {
  if (sh->ncells == sh->cap_cells) {
    const size_t cap = sh->cap_cells ? 2 * sh->cap_cells : 16;
    CZ_TRY(cz_resize((void **)&sh->cell_lid, cap, sizeof *sh->cell_lid));
    CZ_TRY(cz_resize((void **)&sh->cell_pop, cap, sizeof *sh->cell_pop));
    CZ_TRY(cz_resize((void **)&sh->cell_row, cap, sizeof *sh->cell_row));
    sh->cap_cells = cap;
  }
  CZ_CHECK(cell == sh->ncells, CZ_ERR_INTERNAL, "detailed cell %zu built as %zu", sh->ncells, cell);
  sh->cell_lid[sh->ncells] = lid;
  sh->cell_pop[sh->ncells] = pop;
  sh->cell_row[sh->ncells++] = row;
  return CZ_OK;
}

static cz_status add_art(share *sh, uint32_t lid, size_t index) {
  CZ_RESERVE(sh->art_lid, sh->cap_art, sh->nart + 1);
  CZ_CHECK(index == sh->nart, CZ_ERR_INTERNAL, "artificial cell %zu built as %zu", sh->nart, index);
  sh->art_lid[sh->nart++] = lid;
  return CZ_OK;
}

/* One local node onto its thread: a detailed cell, an IntFire1 cell, or a refusal. */
static cz_status build_node(cz_bionet_engine *e, uint32_t lid, const cz_bio_run_config *rc, cz_bio_recipes *cache) {
  size_t pop = 0, row = 0, k = 0;
  cz_gidmap_locate(&e->gm, e->gm.gid_of_lid[lid], &pop, &row);
  share *sh = &e->sh[e->share_of_lid[lid]];
  const cz_node_pop *np = &e->c->nodes[pop];
  const cz_value mt = cz_circuit_node_attr(np, row, "model_type");
  if (mt.kind == CZ_VAL_STR && strcmp(mt.str, "biophysical") == 0) {
    CZ_TRY(cz_bio_add_node_cell(&sh->th, e->cfg, e->c, pop, row, rc, cache, &k));
    return add_cell(sh, lid, pop, row, k);
  }
  if (mt.kind == CZ_VAL_STR && (strcmp(mt.str, "point_process") == 0 || strcmp(mt.str, "point_neuron") == 0)) {
    CZ_TRY(cz_bio_add_node_artificial(&sh->th, e->c, pop, row, &k));
    return add_art(sh, lid, k);
  }
  return CZ_ERROR(CZ_ERR_INTERNAL, "%s: node %llu of population %s is not a cell (check_model_types)", np->file,
                  (unsigned long long)cz_node_id(np, row), np->name);
}

static cz_status build_cells(cz_bionet_engine *e, const cz_bio_run_config *rc) {
  const cz_mech_env env = {.dt = e->cfg->dt, .celsius = rc->celsius, .units = rc->units};
  for (int t = 0; t < e->nthreads; t++) {
    CZ_TRY(cz_bio_thread_begin(&e->sh[t].th, &env, rc->spike_threshold));
    /* the ECP and the extracellular stimuli need where the segments lie */
    e->sh[t].th.cells.keep_shapes = cz_bio_ecp_any(e->ecp) || e->comsol || e->xstim;
    e->sh[t].th.cells.keep_seg_tables = true;               /* random synapse placement needs them */
  }
  cz_bio_recipes cache = {0};
  cz_status st = CZ_OK;
  for (size_t lid = 0; st == CZ_OK && lid < e->gm.nlocal; lid++) st = build_node(e, (uint32_t)lid, rc, &cache);
  cz_bio_recipes_free(&cache);
  for (int t = 0; st == CZ_OK && t < e->nthreads; t++)
    st = cz_bio_add_iclamps(&e->sh[t].th, e->cfg, e->c, e->sh[t].cell_pop, e->sh[t].cell_row);
  for (int t = 0; st == CZ_OK && t < e->nthreads; t++)
    st = cz_bio_add_seclamps(&e->sh[t].th, e->cfg, e->c, e->sh[t].cell_pop, e->sh[t].cell_row);
  return st;
}

/* The synapses and NetCons of each thread from the rank's edges, and the spike inputs'
 * events. */
static cz_status connect_threads(cz_bionet_engine *e) {
  const size_t ngid = e->gm.nsrc;
  size_t *cell_of_gid = cz_calloc(ngid + 1, sizeof *cell_of_gid), *art_of_gid = cz_calloc(ngid + 1, sizeof *art_of_gid);
  cz_status st = cell_of_gid && art_of_gid ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int t = 0; st == CZ_OK && t < e->nthreads; t++) {
    share *sh = &e->sh[t];
    for (size_t g = 0; g < ngid; g++) cell_of_gid[g] = art_of_gid[g] = SIZE_MAX;
    for (size_t k = 0; k < sh->ncells; k++) cell_of_gid[e->gm.gid_of_lid[sh->cell_lid[k]]] = k;
    for (size_t k = 0; k < sh->nart; k++) art_of_gid[e->gm.gid_of_lid[sh->art_lid[k]]] = k;
    const cz_bio_cell_index ix = {e->gm.pop_offset, cell_of_gid, art_of_gid, e->gaps.n ? &e->gaps : NULL};
    const cz_bio_replay_links rl = {e->input_of_pop, e->replay_of_pop};
    st = cz_bio_connect_edges(&sh->th, e->cfg, e->c, &ix, e->replays.n ? &rl : NULL, &sh->nc);
    if (st == CZ_OK) st = cz_bio_queue_spike_inputs(&sh->th, e->cfg, e->c, &ix, &sh->nc);
    if (st == CZ_OK) st = cz_bio_netcons_by_source(&sh->nc, &sh->order);
    cz_bio_cells_drop_seg_tables(&sh->th.cells);
  }
  free(cell_of_gid);
  free(art_of_gid);
  return st;
}

/* The epoch length from the shortest delay between simulated cells, over all ranks. */
static cz_status choose_epoch(cz_bionet_engine *e, const cz_placement *pl) {
  double dmin = INFINITY;
  for (int t = 0; t < e->nthreads; t++) {
    const cz_bio_netcons *nc = &e->sh[t].nc;
    for (size_t k = 0; k < nc->n; k++)
      if (nc->delay[k] < dmin && !cz_bio_netcon_played(nc, k) && cz_placement_rank(pl, nc->src[k]) != CZ_NO_RANK)
        dmin = nc->delay[k];
  }
  CZ_TRY(cz_comm_allreduce_f64_array(&dmin, 1, CZ_REDUCE_MIN));
  const double dt = e->cfg->dt;
  const int64_t longest = llround(BIO_MAX_EPOCH_MS / dt) > 0 ? llround(BIO_MAX_EPOCH_MS / dt) : 1;
  int64_t steps = isfinite(dmin) ? (int64_t)floor(dmin / dt + 1e-9) - 1 : longest;
  CZ_CHECK(steps >= 1, CZ_ERR_CONFIG,
           "the shortest delay between two simulated cells is %g ms, under two time steps (run.dt %g ms in %s); "
           "Cadenza exchanges spikes between epochs and needs delays of at least 2 dt between simulated cells "
           "(virtual inputs may have any delay)",
           dmin, dt, e->cfg->run_file ? e->cfg->run_file : e->cfg->path);
  if (steps > longest) steps = longest;
  if (e->gap_x) steps = 1; /* gap junctions couple the cells at every step */
  e->tg.min_delay = (int32_t)steps;
  return CZ_OK;
}

/* The reports and the ECP from the config, before any cell is built. */
static cz_status create_outputs(cz_bionet_engine *e) {
  uint8_t *is_cell = NULL;
  CZ_TRY(classify_nodes(e, &is_cell));
  cz_status st = cz_bio_reports_create(e->cfg, e->c, e->gm.pop_offset, is_cell, e->nthreads, &e->reports);
  if (st == CZ_OK) st = cz_bio_ecp_create(e->cfg, e->c, e->gm.pop_offset, is_cell, e->nthreads, &e->ecp);
  if (st == CZ_OK) st = cz_bio_clamp_reports_create(e->cfg, e->nthreads, &e->clamps);
  if (st == CZ_OK) st = cz_bio_comsol_create(e->cfg, e->nthreads, &e->comsol);
  if (st == CZ_OK) st = cz_bio_xstim_create(e->cfg, e->cfg->dt, e->nthreads, &e->xstim);
  free(is_cell);
  return st;
}

/* A NetCon source as the synapse reports name it: its BMTK gid, or -1 for a virtual node. */
static int64_t source_id(const void *ctx, uint64_t gid) {
  const cz_bionet_engine *e = ctx;
  size_t pop = 0, row = 0;
  cz_gidmap_locate(&e->gm, gid, &pop, &row);
  const cz_node_pop *np = &e->c->nodes[pop];
  if (cz_node_is_virtual(np, row)) return -1;
  return (int64_t)(e->gm.pop_offset[pop] + cz_node_id(np, row));
}

/* Each recorded cell's columns, and its transfers to the electrodes; then the shapes go. */
static cz_status bind_outputs(cz_bionet_engine *e) {
  const bool ecp = cz_bio_ecp_any(e->ecp), keep_gi = cz_bio_reports_read_synapse_currents(e->reports);
  for (int t = 0; t < e->nthreads; t++) {
    share *sh = &e->sh[t];
    if (ecp) CZ_TRY(cz_bio_thread_want_membrane_current(&sh->th));
    sh->th.syn.keep_gi = keep_gi;
    for (size_t k = 0; k < sh->ncells; k++) {
      const size_t gid = e->gm.gid_of_lid[sh->cell_lid[k]];
      CZ_TRY(cz_bio_reports_bind(e->reports, gid, t, &sh->th.cells, k));
      const int64_t bmtk = (int64_t)(e->gm.pop_offset[sh->cell_pop[k]] + cz_node_id(&e->c->nodes[sh->cell_pop[k]], sh->cell_row[k]));
      CZ_TRY(cz_bio_reports_bind_synapses(e->reports, gid, bmtk, t, &sh->th, k, &sh->nc, source_id, e));
      if (ecp) CZ_TRY(cz_bio_ecp_bind(e->ecp, e->c, sh->cell_pop[k], sh->cell_row[k], gid, t, &sh->th, k));
      if (e->comsol)
        CZ_TRY(cz_bio_comsol_bind(e->comsol, &e->c->nodes[sh->cell_pop[k]], sh->cell_row[k], t, &sh->th, k));
      if (e->xstim)
        CZ_TRY(cz_bio_xstim_bind(e->xstim, &e->c->nodes[sh->cell_pop[k]], sh->cell_row[k], t, &sh->th, k));
    }
    if (e->comsol) CZ_TRY(cz_bio_comsol_ready(e->comsol, t, &sh->th));
    if (e->xstim) CZ_TRY(cz_bio_xstim_ready(e->xstim, t, &sh->th));
    cz_bio_cells_drop_shapes(&sh->th.cells);
    CZ_TRY(cz_bio_clamp_reports_bind(e->clamps, t, &sh->th));
  }
  return CZ_OK;
}

static void count_share(cz_bionet_engine *e) {
  cz_bionet_counts *n = &e->counts;
  for (int t = 0; t < e->nthreads; t++) {
    const share *sh = &e->sh[t];
    n->cells += sh->ncells;
    n->artificial += sh->nart;
    n->compartments += sh->th.cells.cable.n;
    for (size_t k = 0; k < sh->th.cells.cable.ncohort; k++) n->cohort_cells += sh->th.cells.cable.cohort[k].width;
    n->synapses += sh->th.syn.n + sh->th.esyn.n;
    n->netcons += sh->nc.n;
    n->cell_bytes += cz_bio_cells_bytes(&sh->th.cells) + (sh->th.i_m ? 3 * sh->th.cells.cable.n * sizeof(double) : 0);
    n->synapse_bytes += cz_exp2syn_bytes(&sh->th.syn) + cz_expsyn_bytes(&sh->th.esyn) + cz_gap_bytes(&sh->th.gap) +
                        sh->nc.cap * (sizeof *sh->nc.src + sizeof *sh->nc.target + 2 * sizeof(double) +
                                      sizeof *sh->nc.type_id) +
                        sh->nc.n * sizeof *sh->order;
  }
}

/* Where BMTK 1.0.8's gid-for-node-id slip would select other replay edges than Cadenza does,
 * the log says how many (summed over ranks). Collective. */
static cz_status warn_gid_rule(cz_bionet_engine *e, const cz_circuit *c, const cz_bio_replay *r) {
  uint64_t differ = 0;
  for (size_t p = 0; p < c->nedges; p++)
    if (e->replay_of_pop[p] == r) CZ_TRY(cz_bio_replay_gid_rule(r, c, p, e->gm.pop_offset, &differ));
  CZ_TRY(cz_comm_allreduce_sum_u64(&differ));
  if (differ)
    cz_log_warn("%s: BMTK 1.0.8 tests the replay edges' node ids against the node sets' gids, which differ where a "
                "population's gids do not start at 0: it would select %llu edges otherwise than Cadenza, which "
                "compares node ids within each population; results differ from BMTK 1.0.8",
                r->where, (unsigned long long)differ);
  return CZ_OK;
}

/* The rank's edges: those onto its cells and, on several ranks, those from its cells within a
 * node population that has gap junctions, whose source ends it makes (connect.h). */
typedef struct gap_keep_ctx {
  cz_place_filter_ctx fc;
  uint8_t *gap_pop; /* [c->nnodes] the populations some gap junction file names */
} gap_keep_ctx;

static bool keep_with_gap_sources(const void *ctx, uint32_t sp, uint32_t sr, uint32_t tp, uint32_t tr) {
  const gap_keep_ctx *g = ctx;
  return cz_place_keep_target(&g->fc, tp, tr) || (sp == tp && g->gap_pop[sp] && cz_place_keep_target(&g->fc, sp, sr));
}

static cz_status with_gap_sources(const cz_bionet_engine *e, const cz_circuit *c, gap_keep_ctx *gk, cz_edge_filter *keep) {
  CZ_NEW(gk->gap_pop, c->nnodes + 1);
  for (size_t p = 0; p < c->nnodes; p++) gk->gap_pop[p] = cz_bio_gap_table_has(&e->gaps, c->nodes[p].name);
  keep->keep = keep_with_gap_sources;
  keep->keep_target = NULL;
  keep->ctx = gk;
  return CZ_OK;
}

static cz_status load_rank_edges_with(cz_bionet_engine *e, cz_circuit *c, const cz_edge_filter *filter);

static cz_status load_rank_edges(cz_bionet_engine *e, cz_circuit *c, const cz_placement *pl) {
  gap_keep_ctx gk = {{pl, e->gm.pop_offset, (uint32_t)e->rank}, NULL};
  cz_edge_filter keep = {.keep_target = cz_place_keep_target, .ctx = &gk.fc, .file_rows = true};
  if (e->gaps.n && e->nranks > 1) CZ_TRY(with_gap_sources(e, c, &gk, &keep));
  cz_status lst = load_rank_edges_with(e, c, &keep);
  free(gk.gap_pop);
  return lst;
}

/* The edges keep selects: the network's, then each replay's file (its populations marked with
 * the replay's input, or unused where its node sets leave the source or target population out). */
static cz_status load_rank_edges_with(cz_bionet_engine *e, cz_circuit *c, const cz_edge_filter *filter) {
  const cz_edge_filter keep = *filter;
  CZ_TRY(cz_circuit_load_edges(c, e->cfg, &keep));
  const size_t network = c->nedges;
  size_t *first = cz_calloc(e->replays.n + 1, sizeof *first);
  CZ_CHECK(first, CZ_ERR_NOMEM, "out of memory");
  cz_status st = CZ_OK;
  for (size_t k = 0; st == CZ_OK && k < e->replays.n; k++) {
    first[k] = c->nedges;
    char where[700];
    snprintf(where, sizeof where, "%s.edges", e->replays.r[k].where);
    st = cz_circuit_load_more_edges(c, e->cfg, &e->replays.r[k].edges, where, &keep);
  }
  e->input_of_pop = cz_calloc(c->nedges + 1, sizeof *e->input_of_pop);
  e->replay_of_pop = cz_calloc(c->nedges + 1, sizeof *e->replay_of_pop);
  if (st == CZ_OK && (!e->input_of_pop || !e->replay_of_pop)) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; st == CZ_OK && p < c->nedges; p++) {
    e->input_of_pop[p] = CZ_EDGES_NETWORK;
    for (size_t k = 0; p >= network && k < e->replays.n; k++) {
      if (p < first[k] || (k + 1 < e->replays.n && p >= first[k + 1])) continue;
      cz_bio_replay *r = &e->replays.r[k];
      const bool used = r->has_source[c->edges[p].source_pop] && r->has_target[c->edges[p].target_pop];
      e->input_of_pop[p] = used ? (int)r->input : CZ_EDGES_UNUSED;
      e->replay_of_pop[p] = used ? r : NULL;
    }
  }
  free(first);
  for (size_t k = 0; st == CZ_OK && k < e->replays.n; k++) st = warn_gid_rule(e, c, &e->replays.r[k]);
  return st;
}

/* Each local node's afferent synapses in the rank's edges (nsyns of each edge, 1 where it has
 * none or one the connection will refuse: this runs before the edges are checked), into count
 * [nlocal]. */
static void count_afferents(const cz_bionet_engine *e, const cz_circuit *c, uint64_t *count) {
  for (size_t p = 0; p < c->nedges; p++) {
    const cz_edge_pop *ep = &c->edges[p];
    if (e->input_of_pop[p] == CZ_EDGES_UNUSED) continue;
    for (size_t i = 0; i < ep->n; i++) {
      const uint32_t lid = cz_gidmap_lid(&e->gm, e->gm.pop_offset[ep->target_pop] + ep->target_row[i]);
      if (lid == CZ_GIDMAP_NONE) continue;
      const double nsyns = cz_edge_nsyns(ep, i);
      count[lid] += nsyns >= 0 && nsyns < 1e6 ? (uint64_t)nsyns : 1;
    }
  }
}

/* How many shares each worker steps in turn (enough that a share's cells, their compartments,
 * mechanisms and synapses, stay in a core's cache through an epoch), and which share each
 * local node joins: the costliest cells first, each run of them to the share with the least
 * cost so far (bionet/place_cost.h: the cell and its afferent synapses; ties to the lower node
 * and share), so that the shares are about equally busy. Cells of one cost (one shape and
 * model) go in runs of up to BIO_SHARE_RUN, so that they meet in a share and are stepped side
 * by side (cz_cable_interleave). After the rank's edges are read. */
static cz_status choose_shares(cz_bionet_engine *e, const cz_circuit *c) {
  const size_t n = e->gm.nlocal;
  cz_place_cost *cost = NULL;
  CZ_TRY(cz_bionet_place_cost_create(e->cfg, c, &cost));
  int64_t *order = cz_calloc(2 * n + 2, sizeof *order);
  uint64_t *whole = cz_calloc(n + 1, sizeof *whole); /* a node's cost with its synapses */
  if (order && whole) count_afferents(e, c, whole);
  uint64_t total = 0;
  for (size_t lid = 0; order && whole && lid < n; lid++) {
    size_t pop = 0, row = 0;
    cz_gidmap_locate(&e->gm, e->gm.gid_of_lid[lid], &pop, &row);
    const uint32_t k = cost->node(cost->ctx, (uint32_t)pop, (uint32_t)row);
    whole[lid] = k + whole[lid] * cost->per_synapse;
    total += whole[lid];
    order[2 * lid] = -(int64_t)k;
    order[2 * lid + 1] = (int64_t)lid;
  }
  cz_bionet_place_cost_free(&cost);
  if (!order || !whole) {
    free(order);
    free(whole);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  const uint64_t per_worker = total / (uint64_t)e->nworkers;
  uint64_t blocks = (per_worker + BIO_SHARE_COST - 1) / BIO_SHARE_COST;
  if (blocks < 1) blocks = 1;
  if (blocks > 4096) blocks = 4096;
  e->nthreads = e->nworkers * (int)blocks;
  cz_sort_i64_pairs(order, n);
  uint64_t *load = cz_calloc((size_t)e->nthreads + 1, sizeof *load);
  e->share_of_lid = cz_calloc(n + 1, sizeof *e->share_of_lid);
  cz_status st = load && e->share_of_lid ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0, end = 0; st == CZ_OK && k < n; k = end) {
    uint64_t run = 0;
    for (end = k; end < n && end - k < BIO_SHARE_RUN && order[2 * end] == order[2 * k]; end++)
      run += whole[order[2 * end + 1]];
    uint32_t best = 0;
    for (uint32_t s = 1; s < (uint32_t)e->nthreads; s++)
      if (load[s] < load[best]) best = s;
    load[best] += run;
    for (size_t j = k; j < end; j++) e->share_of_lid[order[2 * j + 1]] = best;
  }
  free(load);
  free(order);
  free(whole);
  return st;
}

static cz_status create(cz_bionet_engine *e, cz_circuit *c, const cz_placement *pl, const cz_bionet_options *o) {
  cz_bio_run_config rc;
  CZ_TRY(cz_bio_run_config_read(e->cfg, o->units, &rc));
  CZ_TRY(cz_timegrid_init(&e->tg, e->cfg->dt, e->cfg->tstop, BIO_TICS_PER_MS));
  CZ_TRY(map_local_nodes(e, pl));
  CZ_NEW(e->others, (size_t)e->nranks);
  for (int r = 0, k = 0; r < e->nranks; r++)
    if (r != e->rank) e->others[k++] = (uint32_t)r;
  CZ_TRY(check_model_types(e));
  CZ_TRY(cz_bio_replays_read(e->cfg, c, &e->replays));
  CZ_TRY(cz_bio_gap_table_read(e->cfg, &e->gaps));
  CZ_TRY(load_rank_edges(e, c, pl)); /* before the shares, which weigh each cell's synapses */
  CZ_TRY(choose_shares(e, c));
  CZ_TRY(cz_share_deal_init(&e->deal, e->nthreads, e->nworkers));
  CZ_NEW(e->spent, (size_t)e->nworkers);
  CZ_NEW(e->sh, (size_t)e->nthreads);
  CZ_TRY(create_outputs(e));
  CZ_TRY(build_cells(e, &rc));
  free(e->share_of_lid);
  e->share_of_lid = NULL;
  CZ_TRY(connect_threads(e));
  cz_circuit_free_edges(c);
  cz_bio_replays_free(&e->replays); /* their times are queued */
  free(e->input_of_pop);
  free(e->replay_of_pop);
  e->input_of_pop = NULL;
  e->replay_of_pop = NULL;
  for (int t = 0; t < e->nthreads; t++) CZ_TRY(cz_bio_thread_init(&e->sh[t].th));
  CZ_TRY(bind_outputs(e));
  count_share(e);
  return CZ_OK;
}

/* The gap junctions' transfer, and their first one (NEURON's finitialize transfers the
 * initial voltages). Collective. */
static cz_status couple_gaps(cz_bionet_engine *e, const cz_placement *pl) {
  cz_status st = CZ_OK;
  e->gap_of = cz_calloc((size_t)e->nthreads, sizeof *e->gap_of);
  e->cable_of = cz_calloc((size_t)e->nthreads, sizeof *e->cable_of);
  if (!e->gap_of || !e->cable_of) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int t = 0; st == CZ_OK && t < e->nthreads; t++) {
    e->gap_of[t] = &e->sh[t].th.gap;
    e->cable_of[t] = &e->sh[t].th.cells.cable;
  }
  st = cz_comm_agree(st);
  if (st == CZ_OK)
    st = cz_bio_gap_transfer_create(e->gap_of, e->cable_of, e->nthreads, e->nranks > 1 ? pl : NULL, e->rank,
                                    e->nranks, &e->gaps, &e->gap_x);
  if (st == CZ_OK && e->gap_x) st = cz_comm_agree(cz_bio_gap_transfer_run(e->gap_x));
  return st;
}

cz_status cz_bionet_engine_create(const cz_config *cfg, cz_circuit *c, const cz_placement *pl,
                                  const cz_bionet_options *o, cz_bionet_engine **out, cz_engine *view) {
  cz_bionet_engine *e = cz_calloc(1, sizeof *e);
  CZ_CHECK(e, CZ_ERR_NOMEM, "out of memory");
  e->cfg = cfg;
  e->c = c;
  e->nworkers = e->nthreads = o->nthreads > 0 ? o->nthreads : 1;
  e->rank = cz_comm_rank();
  e->nranks = cz_comm_size();
  *out = e;
  const char *kernels;
  cz_mech_vector_kernels(&kernels);
  cz_log_info("Mechanisms: %s.", kernels);
  cz_status st = cz_comm_agree(create(e, c, pl, o));
  if (st == CZ_OK) st = couple_gaps(e, pl);
  if (st == CZ_OK) st = cz_comm_agree(choose_epoch(e, pl));
  CZ_TRY(st);
  *view = (cz_engine){&cz_bionet_engine_kind, &BIO_OPS, e, &e->tg, &e->gm, e->nworkers, e->rank, e->nranks};
  return CZ_OK;
}

void cz_bionet_engine_destroy(cz_bionet_engine **pe) {
  cz_bionet_engine *e = *pe;
  if (!e) return;
  cz_bio_reports_close(&e->reports, false);
  cz_bio_ecp_close(&e->ecp, false);
  cz_bio_comsol_free(&e->comsol);
  cz_bio_xstim_free(&e->xstim);
  cz_bio_clamp_reports_close(&e->clamps, false);
  cz_bio_gap_transfer_free(&e->gap_x);
  cz_bio_gap_table_free(&e->gaps);
  free(e->gap_of);
  free(e->cable_of);
  for (int t = 0; e->sh && t < e->nthreads; t++) {
    share *sh = &e->sh[t];
    cz_bio_thread_free(&sh->th);
    cz_bio_netcons_free(&sh->nc);
    free(sh->order);
    free(sh->cell_lid);
    free(sh->art_lid);
    free(sh->cell_pop);
    free(sh->cell_row);
  }
  free(e->sh);
  cz_share_deal_free(&e->deal);
  free(e->spent);
  free(e->others);
  free(e->share_of_lid);
  cz_bio_replays_free(&e->replays);
  free(e->input_of_pop);
  free(e->replay_of_pop);
  cz_gidmap_free(&e->gm);
  free(e);
  *pe = NULL;
}

const cz_timegrid *cz_bionet_engine_grid(const cz_bionet_engine *e) { return &e->tg; }
const cz_gidmap *cz_bionet_engine_gidmap(const cz_bionet_engine *e) { return &e->gm; }
void cz_bionet_engine_spent(const cz_bionet_engine *e, double out[3]) {
  for (int k = 0; k < 3; k++) out[k] = 0;
  for (int w = 0; w < e->nworkers; w++)
    for (int k = 0; k < 3; k++) out[k] += e->spent[w].parts[k] / e->nworkers;
}

void cz_bionet_engine_worker_spent(const cz_bionet_engine *e, int w, double out[3]) {
  for (int k = 0; k < 3; k++) out[k] = e->spent[w].parts[k];
}

cz_bionet_counts cz_bionet_engine_counts(const cz_bionet_engine *e) { return e->counts; }

/* The rank's NetCons as save_synapses records (bionet/save_synapses.h). Owned (*out). */
static cz_status saved_netcons(const cz_bionet_engine *e, int64_t **out, size_t *n) {
  size_t total = 0;
  for (int t = 0; t < e->nthreads; t++) total += e->sh[t].nc.n;
  CZ_NEW(*out, CZ_SAVED_WORDS * total + 1);
  *n = 0;
  for (int t = 0; t < e->nthreads; t++) {
    const share *sh = &e->sh[t];
    uint32_t *made = cz_calloc(sh->ncells + sh->nart + 1, sizeof *made); /* NetCons per unit so far */
    CZ_CHECK(made, CZ_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < sh->nc.n; j++) {
      const uint32_t kind = sh->nc.target[j] >> 30, k = sh->nc.target[j] & CZ_EV_INDEX_MASK;
      const bool exp2 = kind == CZ_EV_SYNAPSE, single = kind == CZ_EV_EXPSYN;
      if (!exp2 && !single && kind != CZ_EV_ARTIFICIAL) continue;
      const size_t unit = exp2 ? sh->th.syn.cell[k] : single ? sh->th.esyn.cell[k] : sh->ncells + k;
      const uint32_t lid = unit < sh->ncells ? sh->cell_lid[unit] : sh->art_lid[unit - sh->ncells];
      const double x = exp2 ? sh->th.syn.x[k] : single ? sh->th.esyn.x[k] : 0.0, w = sh->nc.w[j];
      int64_t *rec = &(*out)[CZ_SAVED_WORDS * (*n)++];
      rec[0] = (int64_t)e->gm.gid_of_lid[lid];
      rec[1] = made[unit]++;
      rec[2] = (int64_t)cz_bio_netcon_source(&sh->nc, j);
      rec[3] = sh->nc.type_id[j];
      rec[4] = kind == CZ_EV_ARTIFICIAL;
      memcpy(&rec[5], &w, sizeof w);
      rec[6] = exp2 ? sh->th.syn.sec[k] : single ? sh->th.esyn.sec[k] : 0;
      memcpy(&rec[7], &x, sizeof x);
    }
    free(made);
  }
  return CZ_OK;
}

cz_status cz_bionet_engine_open_reports(cz_bionet_engine *e) {
  if (cz_bio_save_synapses_wanted(e->cfg)) {
    int64_t *recs = NULL;
    size_t n = 0;
    cz_status st = cz_comm_agree(saved_netcons(e, &recs, &n));
    if (st == CZ_OK) st = cz_bio_save_synapses(e->cfg, e->c, &e->gm, recs, n);
    free(recs);
    CZ_TRY(st);
  }
  const void *comm = e->nranks > 1 ? cz_comm_native() : NULL;
  CZ_TRY(cz_comm_agree(cz_bio_reports_open(e->reports, &e->tg, comm, e->rank == 0)));
  CZ_TRY(cz_comm_agree(cz_bio_clamp_reports_open(e->clamps, &e->tg, comm, e->rank == 0)));
  return cz_bio_ecp_open(e->ecp, &e->tg, e->rank == 0);
}

cz_status cz_bionet_engine_close_reports(cz_bionet_engine *e, bool complete) {
  cz_status st = cz_bio_reports_close(&e->reports, complete);
  const cz_status s = cz_bio_ecp_close(&e->ecp, complete);
  const cz_status s2 = cz_bio_clamp_reports_close(&e->clamps, complete);
  return st != CZ_OK ? st : s != CZ_OK ? s : s2;
}
