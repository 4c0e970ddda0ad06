#include "pointnet/network_scan.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "pointnet/edge_values.h"
#include "pointnet/network_checks.h"
#include "pointnet/network_delays.h"
#include "pointnet/network_neurons.h"

/* Per type of a population: its delay in steps (-1 until an edge of the type is checked). */
static cz_status type_delays_new(const cz_edge_pop *ep, int32_t **out) {
  CZ_NEW(*out, ep->ntypes + 1);
  for (size_t r = 0; r < ep->ntypes; r++) (*out)[r] = -1;
  return CZ_OK;
}

/* Splits nids into nthreads contiguous ranges holding about equal numbers of synapses (plus
 * one unit per neuron, so neurons without input are spread too). */
static cz_status balance_threads(cz_network *net, const size_t *indeg) {
  CZ_NEW(net->thr_lo, (size_t)net->nthreads + 1);
  double total = 0;
  for (size_t i = 0; i < net->N; i++) total += (double)indeg[i] + 1.0;
  double acc = 0;
  int t = 1;
  for (uint32_t nid = 0; nid < net->N && t < net->nthreads; nid++) {
    acc += (double)indeg[nid] + 1.0;
    while (t < net->nthreads && acc >= total * t / net->nthreads) net->thr_lo[t++] = nid + 1;
  }
  for (; t <= net->nthreads; t++) net->thr_lo[t] = (uint32_t)net->N;
  net->thr_lo[0] = 0;
  return CZ_OK;
}

/* Marks gid as a source of this rank's synapses (bits: [nsrc / 64 + 1]). Threads of a
 * threaded scan mark the same words: the read keeps the atomic to the first mark of a bit. */
static inline void mark_source(uint64_t *bits, size_t gid) {
  uint64_t *w = &bits[gid >> 6];
  const uint64_t bit = UINT64_C(1) << (gid & 63);
  if (!(__atomic_load_n(w, __ATOMIC_RELAXED) & bit)) __atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
}

/* What the scan accumulates over the edges. */
typedef struct scan_acc {
  const int *ports; /* [N] receptor ports of each local neuron */
  size_t *indeg;    /* [N] */
  uint32_t *stdp_in; /* [N] stdp synapses onto each neuron */
  cz_weight_plan *wp;
  uint64_t *src_bits;   /* the sources of this rank's synapses (mark_source) */
  uint32_t *count, *pcount; /* threaded scans, when small (scan_counts): this thread's static and
                               plastic synapses per source gid; NULL: a count pass counts them */
  bool over;            /* a count reached UINT32_MAX */
  const cz_error_note *syn_fail; /* threaded scans: cz_net_syn_resolve_all's verdicts */
  /* what this scan (one thread's, in a threaded pass) adds up */
  size_t nsyn, nplastic;
  int32_t min_delay, max_delay;
  const cz_config *cfg;   /* whose networks.edges entries the tallies follow */
  cz_delay_tally *offgrid; /* [cfg->nedges] delays off the grid of steps, per entry */
} scan_acc;

/* What the scan needs per edge type of a batch, set by the type's first edge there, once the
 * checks have resolved its synapse model. */
typedef struct scan_type {
  bool ready;
  bool plain;   /* per-edge values: the model is resolved and checks no weight */
  bool plastic, stdp;
  int receptor;
  bool fast;    /* plain, static and without a receptor: scan_pop's short path */
} scan_type;

static void scan_type_set(const cz_network *net, const int *receptor, uint32_t sm, bool per_edge, scan_type *st) {
  st->ready = true;
  st->plastic = cz_net_is_plastic(net, sm);
  st->stdp = cz_syn_is_stdp(net->syn_params[sm].rule);
  st->plain = per_edge && !st->stdp;
  st->receptor = receptor[sm];
  st->fast = st->plain && !st->plastic && st->receptor == 0;
}

static inline void count_source(uint32_t *count, size_t gid, bool *over) {
  if (count[gid] == UINT32_MAX) *over = true;
  else count[gid]++;
}

/* Validates the edges of population e (all its edges, or a streamed batch), counts synapses
 * per target neuron, marks their sources and adds their weights to the plan. */
static cz_status scan_pop(const cz_network *net, const cz_circuit *c, const cz_edge_pop *ep, scan_acc *acc) {
  /* the tables as they are now: the one-thread reader grows them file by file */
  const cz_net_syn_table t = {net->syn_params, net->syn_rec, net->syn_resolved, &net->wrecs, acc->syn_fail};
  int *receptor = NULL;
  int32_t *tdelay = NULL;
  uint8_t *toff = NULL; /* by type: whether the type's delay is off the grid */
  scan_type *types = NULL;
  const bool by_type = cz_net_values_by_type(ep);
  cz_status st = cz_net_receptors_of(c, &receptor);
  if (st == CZ_OK && by_type) st = type_delays_new(ep, &tdelay);
  if (st == CZ_OK && by_type && !(toff = cz_calloc(ep->ntypes + 1, 1))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !(types = cz_calloc(ep->ntypes + 1, sizeof *types))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  const cz_node_pop *targets = &c->nodes[ep->target_pop];
  const size_t target_gid0 = net->gm.pop_offset[ep->target_pop];
  const size_t so = net->gm.pop_offset[ep->source_pop];
  const int *ports_of_nid = acc->ports;
  size_t *indeg = acc->indeg;
  uint64_t *src_bits = acc->src_bits;
  size_t nsyn = 0, nplastic = 0;
  int32_t min_delay = acc->min_delay, max_delay = acc->max_delay;
  const double per_ms = cz_net_steps_per_ms(net->tg.h);
  cz_delay_tally off = {0, 0.0, 0.0, false};
  for (size_t i = 0; i < ep->n && st == CZ_OK; i++) {
    const uint32_t type = ep->type[i];
    scan_type *ty = &types[type];
    if (ty->fast) { /* the usual edge, taken here when it passes every check; else below */
      const double r = ep->delay[i] * per_ms;
      const int32_t d = cz_net_steps_in_range(r);
      const uint32_t trow = ep->target_row[i], nid = cz_gidmap_lid(&net->gm, target_gid0 + trow);
      if (d >= 1 && d <= 65535 && !cz_node_is_virtual(targets, trow) && (nid == CZ_NO_NID || ports_of_nid[nid] == 0)) {
        cz_weight_plan_add(acc->wp, ep->weight[i]);
        min_delay = d < min_delay ? d : min_delay;
        max_delay = d > max_delay ? d : max_delay;
        if (cz_net_off_grid(r, d)) cz_delay_tally_add(&off, ep->delay[i], false);
        if (nid == CZ_NO_NID) continue; /* simulated on another rank */
        indeg[nid]++;
        nsyn++;
        mark_source(src_bits, so + ep->source_row[i]);
        if (acc->count) count_source(acc->count, so + ep->source_row[i], &acc->over);
        continue;
      }
    }
    int32_t d = 0;
    if (!by_type || tdelay[type] < 0) {
      if (ty->plain) d = cz_net_delay_steps_in_range(ep->delay[i], per_ms);
      if (!(ty->plain && d >= 1 && d <= 65535)) { /* the full checks, which name a failing edge */
        st = cz_net_check_edge_values(c, &t, ep, i, net->tg.h, &d);
        if (st != CZ_OK) break;
        if (!ty->ready) scan_type_set(net, receptor, ep->types[type].syn_model, !by_type, ty);
      }
      cz_weight_plan_add(acc->wp, cz_edge_weight(ep, i));
      const bool offd = cz_net_off_grid(cz_edge_delay(ep, i) * per_ms, d);
      if (by_type) {
        tdelay[type] = d;
        toff[type] = offd;
      } else if (offd) {
        cz_delay_tally_add(&off, ep->delay[i], cz_net_delay_of_type(ep, i));
      }
      if (d < min_delay) min_delay = d;
      if (d > max_delay) max_delay = d;
    }
    if (by_type && toff[type]) cz_delay_tally_add(&off, ep->types[type].delay, true);
    if (cz_node_is_virtual(targets, ep->target_row[i]) && (st = cz_net_check_edge_target(c, ep, i)) != CZ_OK) break;
    const uint32_t nid = cz_gidmap_lid(&net->gm, target_gid0 + ep->target_row[i]);
    if (nid == CZ_NO_NID) continue; /* simulated on another rank */
    const int r = ty->receptor, ports = ports_of_nid[nid];
    if (!(ports == 0 ? r == 0 : r >= 1 && r <= ports) && (st = cz_net_check_receptor(net, c, ep, i, nid, r)) != CZ_OK)
      break;
    indeg[nid]++;
    nsyn++;
    if (ty->stdp) acc->stdp_in[nid]++;
    if (ty->plastic) nplastic++;
    mark_source(src_bits, so + ep->source_row[i]);
    uint32_t *count = ty->plastic ? acc->pcount : acc->count;
    if (count) count_source(count, so + ep->source_row[i], &acc->over);
  }
  acc->nsyn += nsyn;
  acc->nplastic += nplastic;
  acc->min_delay = min_delay;
  acc->max_delay = max_delay;
  const size_t k = acc->offgrid ? cz_net_edges_entry(acc->cfg, ep) : SIZE_MAX;
  if (k != SIZE_MAX) cz_delay_tally_merge(&acc->offgrid[k], &off);
  free(types);
  free(tdelay);
  free(toff);
  free(receptor);
  return st;
}

static cz_status visit_scan(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx) {
  (void)e;
  return scan_pop(net, c, ep, ctx);
}

/* Adds edges onto a row of one target population to its neuron's in-degree. */
typedef struct indegree_acc {
  const cz_network *net;
  size_t offset; /* gid of the population's first node */
  size_t *indeg;
} indegree_acc;

static void add_indegree(void *ctx, uint32_t row, uint64_t n) {
  const indegree_acc *a = ctx;
  const uint32_t nid = cz_gidmap_lid(&a->net->gm, a->offset + row);
  if (nid != CZ_NO_NID) a->indeg[nid] += (size_t)n;
}

/* The in-degree of every local neuron from the populations' indexes (threaded passes). */
static cz_status index_indegrees(const cz_network *net, const cz_net_edge_source *src, size_t *indeg) {
  const cz_circuit *c = src->c;
  memset(indeg, 0, net->N * sizeof *indeg);
  for (size_t e = 0; e < c->nedges; e++) {
    indegree_acc a = {net, net->gm.pop_offset[c->edges[e].target_pop], indeg};
    CZ_TRY(cz_edge_streams_in_counts(src->streams, e, add_indegree, &a));
  }
  return CZ_OK;
}

/* Adds thread scans' sums into the first (acc[0]) and the network. */
static void scan_merge(cz_network *net, scan_acc *acc, int n) {
  for (int t = 1; t < n; t++) {
    acc[0].nsyn += acc[t].nsyn;
    acc[0].nplastic += acc[t].nplastic;
    if (acc[t].min_delay < acc[0].min_delay) acc[0].min_delay = acc[t].min_delay;
    if (acc[t].max_delay > acc[0].max_delay) acc[0].max_delay = acc[t].max_delay;
    cz_weight_plan_merge(acc[0].wp, acc[t].wp);
  }
  for (int t = 0; t < n; t++)
    for (size_t k = 0; k < net->noffgrid; k++) cz_delay_tally_merge(&net->offgrid[k], &acc[t].offgrid[k]);
  net->nsyn_total += acc[0].nsyn;
  net->nplastic += acc[0].nplastic;
  net->min_delay = acc[0].min_delay;
  net->max_delay = acc[0].max_delay;
}

/* Whether a threaded scan counts the synapses per (thread, source) itself, sparing the count
 * pass a reading of the edge files: while one count per (thread, gid) of the network stays
 * small beside the tables to come. */
enum { SCAN_COUNT_BYTES = 64 << 20 };

static bool any_plastic_model(const cz_network *net) {
  for (size_t m = 0; m < net->nsyn_models; m++)
    if (net->syn_resolved[m] && cz_net_is_plastic(net, (uint32_t)m)) return true;
  return false;
}

static bool scan_counts(const cz_network *net, const cz_net_edge_source *src) {
  const bool plastic = any_plastic_model(net);
  const size_t bytes = (size_t)net->nthreads * (net->gm.nsrc + 1) * sizeof(uint32_t) * (plastic ? 2 : 1);
  return src->streams && bytes <= SCAN_COUNT_BYTES;
}

/* Counts per gid, compacted in place to counts per slot (slots follow gids: slot <= gid). */
static void counts_to_slots(const cz_sources *m, uint32_t *count) {
  if (!m->word) return;
  size_t slot = 0;
  for (size_t g = 0; g < m->ngid; g++)
    if (m->word[g >> 6].bits >> (g & 63) & 1) count[slot++] = count[g];
}

/* The per-thread counts of a threaded scan (scan_counts): [nthreads][nsrc], pcounts only with
 * plastic models. */
static cz_status scan_count_tables(cz_network *net, uint32_t ***counts, uint32_t ***pcounts) {
  const bool plastic = any_plastic_model(net);
  CZ_NEW(*counts, (size_t)net->nthreads);
  if (plastic) CZ_NEW(*pcounts, (size_t)net->nthreads);
  for (int t = 0; t < net->nthreads; t++) {
    CZ_NEW((*counts)[t], net->gm.nsrc + 1);
    if (plastic) CZ_NEW((*pcounts)[t], net->gm.nsrc + 1);
  }
  return CZ_OK;
}

cz_status cz_net_pass_scan(cz_network *net, cz_net_edge_source *src, cz_weight_plan *wp, uint32_t ***counts,
                           uint32_t ***pcounts) {
  const int n = src->streams ? net->nthreads : 1;
  scan_acc *acc = cz_calloc((size_t)n, sizeof *acc);
  cz_weight_plan *wps = cz_calloc((size_t)n, sizeof *wps);
  void **ctxs = cz_calloc((size_t)n, sizeof *ctxs);
  int *ports = cz_calloc(net->N + 1, sizeof *ports);
  size_t *indeg = cz_calloc(net->N + 1, sizeof *indeg);
  uint32_t *stdp_in = cz_calloc(net->N + 1, sizeof *stdp_in);
  cz_delay_tally *offgrid = cz_calloc((size_t)n * net->noffgrid + 1, sizeof *offgrid);
  uint64_t *src_bits = cz_calloc(net->gm.nsrc / 64 + 1, sizeof *src_bits);
  cz_error_note *fail = NULL;
  cz_status st = acc && wps && ctxs && ports && indeg && stdp_in && offgrid && src_bits
                     ? CZ_OK
                     : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (uint32_t nid = 0; st == CZ_OK && nid < net->N; nid++) ports[nid] = cz_net_ports_of(net, nid);
  if (st == CZ_OK && src->streams) st = cz_net_syn_resolve_all(net, src->c, &fail);
  for (int t = 0; t < n && st == CZ_OK; t++) {
    if (t == 0) wps[0] = *wp; /* the caller's plan; the other threads' are merged into it */
    else st = cz_weight_plan_init(&wps[t], net);
    acc[t] = (scan_acc){.ports = ports,
                        .indeg = indeg,
                        .stdp_in = stdp_in,
                        .wp = &wps[t],
                        .src_bits = src_bits,
                        .syn_fail = fail,
                        .min_delay = INT32_MAX,
                        .cfg = src->cfg,
                        .offgrid = offgrid + (size_t)t * net->noffgrid};
    ctxs[t] = &acc[t];
  }
  if (st == CZ_OK && src->streams) {
    /* the threads' ranges from the index, then each thread scans its own */
    st = index_indegrees(net, src, indeg);
    if (st == CZ_OK) st = balance_threads(net, indeg);
    if (st == CZ_OK) memset(indeg, 0, net->N * sizeof *indeg);
    if (st == CZ_OK && scan_counts(net, src)) st = scan_count_tables(net, counts, pcounts);
    for (int t = 0; st == CZ_OK && *counts && t < n; t++) {
      acc[t].count = (*counts)[t];
      acc[t].pcount = *pcounts ? (*pcounts)[t] : NULL;
    }
    if (st == CZ_OK) st = cz_net_pass_threaded(src, net, net->thr_lo, visit_scan, ctxs, false, &src->t_scan);
  } else if (st == CZ_OK) {
    st = cz_net_pass_serial(src, net, visit_scan, ctxs[0], false, &src->t_scan);
    if (st == CZ_OK) st = balance_threads(net, indeg);
  }
  if (st == CZ_OK) scan_merge(net, acc, n);
  if (st == CZ_OK) st = cz_sources_build(&net->sources, src_bits, net->gm.nsrc);
  free(src_bits);
  for (int t = 0; st == CZ_OK && t < n; t++)
    if (acc[t].over)
      st = CZ_ERROR(CZ_ERR_CONFIG, "a source has more than %u synapses onto one thread's neurons", UINT32_MAX);
  for (int t = 0; st == CZ_OK && *counts && t < net->nthreads; t++) {
    counts_to_slots(&net->sources, (*counts)[t]);
    if (*pcounts) counts_to_slots(&net->sources, (*pcounts)[t]);
  }
  if (n > 0 && wps) *wp = wps[0]; /* the merged plan */
  for (int t = 1; wps && t < n; t++) cz_weight_set_free(&wps[t].ws);
  bool any_stdp = false;
  for (size_t i = 0; st == CZ_OK && i < net->N && !any_stdp; i++) any_stdp = stdp_in[i] > 0;
  if (st == CZ_OK && any_stdp) st = cz_net_create_archives(net, src->c, stdp_in);
  cz_net_syn_fail_free(fail, src->c->nsyn_models + 1);
  free(acc);
  free(wps);
  free(ctxs);
  free(ports);
  free(indeg);
  free(stdp_in);
  free(offgrid);
  return st;
}
