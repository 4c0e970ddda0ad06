#include "pointnet/network.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/timer.h"
#include "comm/comm.h"
#include "pointnet/delay_order.h"
#include "pointnet/edge_values.h"
#include "core/placement.h"

/* ------------------------------------------------------------------ neurons */

typedef struct override_ctx {
  const cz_node_pop *pop;
  size_t row;
} override_ctx;

static bool node_override(const void *ctx, const char *key, double *v) {
  const override_ctx *o = ctx;
  return cz_circuit_param_override(o->pop, o->row, key, v);
}

/* Kind of every circuit model reference; kinds[m] for circuit->models[m]. */
static cz_status resolve_kinds(const cz_circuit *c, const cz_model_kind ***out) {
  const cz_model_kind **kinds = NULL;
  CZ_NEW(kinds, c->nmodels);
  for (size_t m = 0; m < c->nmodels; m++) {
    cz_status st = cz_model_lookup(c->models[m].template_str, &kinds[m]);
    if (st != CZ_OK) {
      free(kinds);
      /* Name the file the template came from. */
      for (size_t p = 0; p < c->nnodes; p++)
        for (size_t i = 0; i < c->nodes[p].n; i++)
          if (cz_node_model(&c->nodes[p], i) == m)
            return cz_error_prefix(st, "%s (population %s, node %llu)", c->nodes[p].types->path, c->nodes[p].name,
                                   (unsigned long long)cz_node_id(&c->nodes[p], i));
      return st;
    }
  }
  *out = kinds;
  return CZ_OK;
}

static bool is_local(const cz_network *net, const uint32_t *rank_of_gid, const cz_circuit *c, size_t p, size_t i) {
  if (cz_node_is_virtual(&c->nodes[p], i)) return false;
  return !rank_of_gid || rank_of_gid[net->gm.pop_offset[p] + i] == (uint32_t)net->rank;
}

static cz_status assign_groups(cz_network *net, const cz_circuit *c, const cz_model_kind **kinds,
                               const uint32_t *rank_of_gid) {
  /* Kinds in order of first appearance by gid, so the layout is a pure function of the circuit. */
  const cz_model_kind *order[64];
  size_t count[64] = {0};
  size_t nk = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      if (!is_local(net, rank_of_gid, c, p, i)) continue;
      const cz_model_kind *k = kinds[cz_node_model(&c->nodes[p], i)];
      size_t j = 0;
      while (j < nk && order[j] != k) j++;
      if (j == nk) order[nk++] = k;
      count[j]++;
    }
  CZ_NEW(net->groups, nk);
  net->ngroups = nk;
  uint32_t lo = 0;
  for (size_t j = 0; j < nk; j++) {
    net->groups[j].kind = order[j];
    net->groups[j].lo = lo;
    lo += (uint32_t)count[j];
    net->groups[j].hi = lo;
    if (order[j]->split_sign) net->nch = 2;
  }
  /* nids: group by group, gids ascending inside each. */
  uint32_t *next = NULL;
  CZ_NEW(next, nk);
  for (size_t j = 0; j < nk; j++) next[j] = net->groups[j].lo;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      size_t gid = net->gm.pop_offset[p] + i;
      if (!is_local(net, rank_of_gid, c, p, i)) continue;
      const cz_model_kind *k = kinds[cz_node_model(&c->nodes[p], i)];
      size_t j = 0;
      while (order[j] != k) j++;
      uint32_t nid = next[j]++;
      net->gm.gid_of_lid[nid] = (uint32_t)gid;
    }
  free(next);
  return cz_gidmap_index(&net->gm);
}

/* Where local neuron nid's parameters come from (octx must outlive src), and its name for
 * messages. */
static void param_src_of(const cz_network *net, const cz_circuit *c, uint32_t nid, override_ctx *octx,
                         cz_param_src *src, char *where, size_t nwhere) {
  size_t pop, row;
  cz_gidmap_locate(&net->gm, net->gm.gid_of_lid[nid], &pop, &row);
  const cz_node_pop *p = &c->nodes[pop];
  const cz_model_ref *m = &c->models[cz_node_model(p, row)];
  *octx = (override_ctx){p, row};
  *src = (cz_param_src){m->params, node_override, octx, m->params_file};
  snprintf(where, nwhere, "%s: population %s node %llu (%s, dynamics_params %s)", p->file, p->name,
           (unsigned long long)cz_node_id(p, row), m->template_str,
           m->params_file ? cz_path_basename(m->params_file) : "none");
}

static cz_status set_neuron_params(cz_network *net, const cz_circuit *c, int nthreads) {
  for (size_t j = 0; j < net->ngroups; j++) {
    cz_group *g = &net->groups[j];
    CZ_TRY(g->kind->create(g->hi - g->lo, net->tg.h, nthreads, &g->impl));
    for (uint32_t nid = g->lo; nid < g->hi; nid++) {
      override_ctx octx;
      cz_param_src src;
      char where[1024];
      param_src_of(net, c, nid, &octx, &src, where, sizeof where);
      CZ_TRY(g->kind->set_params(g->impl, nid - g->lo, &src, where));
    }
  }
  return CZ_OK;
}

/* Spike archives for the neurons with stdp synapses onto them (stdp_in[nid] of them), with
 * the neuron's tau_minus (NEST's default 20 ms). */
static cz_status create_archives(cz_network *net, const cz_circuit *c, const uint32_t *stdp_in) {
  CZ_NEW(net->archive, net->N);
  for (uint32_t nid = 0; nid < net->N; nid++) {
    double tau_minus = 20.0;
    if (stdp_in[nid]) {
      override_ctx octx;
      cz_param_src src;
      char where[1024];
      param_src_of(net, c, nid, &octx, &src, where, sizeof where);
      CZ_TRY(cz_param_number(&src, "tau_minus", 20.0, &tau_minus, NULL, where));
      CZ_CHECK(tau_minus > 0, CZ_ERR_CONFIG, "%s: tau_minus must be > 0 ms (got %g)", where, tau_minus);
    }
    cz_post_archive_init(&net->archive[nid], tau_minus);
    net->archive[nid].n_incoming = stdp_in[nid];
  }
  return CZ_OK;
}

/* ------------------------------------------------------------------ synapses */

/* The synapse models of the circuit, each resolved (rule, parameters, weight report) when an
 * edge first uses it. */
typedef struct syn_table {
  cz_syn_params *params;
  int *rec;
  uint8_t *resolved;
  const cz_wrecs *wr;
  const cz_error_note *fail; /* [nsyn_models] when resolved ahead (syn_resolve_all): why a model failed */
} syn_table;

static cz_status syn_resolve(const syn_table *t, const cz_circuit *c, uint32_t sm, const char *edges_file) {
  if (t->resolved[sm]) return CZ_OK;
  if (t->fail) { /* resolved ahead (syn_resolve_all), so that threads only read the table */
    const cz_error_note *why = &t->fail[sm];
    if (why->code != CZ_OK) return CZ_ERROR(why->code, "%s", why->msg ? why->msg : "unsupported synapse model");
    return CZ_ERROR(CZ_ERR_INTERNAL, "synapse model %u was not resolved", sm);
  }
  const cz_syn_model *s = &c->syn_models[sm];
  char where[1024];
  snprintf(where, sizeof where, "%s (used by %s)", s->types_file ? s->types_file : edges_file, edges_file);
  cz_syn_rule rule = CZ_SYN_STATIC;
  CZ_TRY(cz_wrecs_resolve(t->wr, cz_syn_model_name(s), where, &rule, &t->rec[sm]));
  CZ_TRY(cz_syn_params_read(rule, s->params, s->params_file ? s->params_file : where, &t->params[sm]));
  t->resolved[sm] = 1;
  return CZ_OK;
}

static bool is_plastic(const cz_network *net, uint32_t sm) {
  return net->syn_params[sm].rule != CZ_SYN_STATIC || net->syn_rec[sm] >= 0;
}

/* NEST's steps per ms (Time::Range::STEPS_PER_MS), the inverse of the step h in ms. A delay
 * in steps is the delay times this, not the delay over h: the two differ in the last bit for
 * some delays, and a delay of exactly half a step more than a whole number (0.15 ms with a
 * step of 0.1 ms) then rounds the other way. */
static inline double steps_per_ms(double h) { return 1.0 / h; }

/* A delay in steps as NEST converts it (Time::delay_ms_to_steps): the nearest whole number of
 * steps, halves up. NaN and negatives come out as 0 and anything longer than the tables hold
 * as 65536, both out of a synapse's range, so no conversion overflows. */
static double delay_steps(double delay_ms, double per_ms) {
  const double x = floor(delay_ms * per_ms + 0.5);
  if (!(x >= 0.0)) return 0.0;
  return x > 65536.0 ? 65536.0 : x;
}

/* delay_steps where it is 1 to 65535 steps, else 0 (NaN included): truncation is floor on
 * that range, and far cheaper per edge than floor() on a generic x86-64 build. */
static inline int32_t steps_in_range(double r) {
  const double x = r + 0.5;
  return x >= 1.0 && x < 65536.0 ? (int32_t)x : 0;
}
static inline int32_t delay_steps_in_range(double delay_ms, double per_ms) { return steps_in_range(delay_ms * per_ms); }

/* Whether a delay of r steps before rounding, rounded to d, is no whole number of steps: NEST
 * rounds it without a word. The tolerance keeps float32 delays of whole steps on the grid. */
#define OFF_GRID_REL 1e-6
static inline bool off_grid(double r, int32_t d) { return fabs(r - (double)d) > OFF_GRID_REL * (double)d; }

double cz_net_delay_steps(double delay_ms, double h) { return delay_steps(delay_ms, steps_per_ms(h)); }

static void tally_add(cz_delay_tally *t, double delay_ms, bool from_types) {
  if (!t->n || delay_ms < t->lo) t->lo = delay_ms;
  if (!t->n || delay_ms > t->hi) t->hi = delay_ms;
  t->n++;
  t->from_types = t->from_types || from_types;
}

static void tally_merge(cz_delay_tally *into, const cz_delay_tally *t) {
  if (!t->n) return;
  if (!into->n || t->lo < into->lo) into->lo = t->lo;
  if (!into->n || t->hi > into->hi) into->hi = t->hi;
  into->n += t->n;
  into->from_types = into->from_types || t->from_types;
}

/* The networks.edges entry of an edge population, or SIZE_MAX. */
static size_t edges_entry(const cz_config *cfg, const cz_edge_pop *ep) {
  for (size_t k = 0; cfg && k < cfg->nedges; k++)
    if (strcmp(cfg->edges[k].edges_file, ep->file) == 0) return k;
  return SIZE_MAX;
}

/* One line per networks.edges entry whose delays NEST rounds: the file, how many, and what the
 * rounding makes of the least and the greatest of them. */
static void warn_off_grid(const cz_cfg_edges *e, const cz_delay_tally *t, double h) {
  if (!t->n) return;
  const double lo = delay_steps(t->lo, steps_per_ms(h)) * h, hi = delay_steps(t->hi, steps_per_ms(h)) * h;
  char types[1200] = "";
  if (t->from_types) snprintf(types, sizeof types, " (delays from %s)", e->edge_types_file);
  char range[128] = "";
  if (t->hi != t->lo) snprintf(range, sizeof range, ", %g ms as %g ms", t->hi, hi);
  cz_log_warn("%s%s: %llu edges have delays that are not multiples of dt = %g ms; each runs with its delay rounded "
              "to the nearest step, halves up, as NEST rounds it: %g ms as %g ms%s",
              e->edges_file, types, (unsigned long long)t->n, h, t->lo, lo, range);
}

/* The edge type of edge i as its CSV names it ("edge type 100 in edge_types.csv"), for
 * messages about values the edge takes from its type. */
static void edge_type_name(const cz_edge_pop *ep, size_t i, char *buf, size_t n) {
  const cz_csv *t = ep->types_table;
  const int col = t ? cz_csv_col(t, "edge_type_id") : -1;
  const char *id = col >= 0 ? cz_csv_cell(t, ep->type[i], (size_t)col) : NULL;
  if (t) snprintf(buf, n, "edge type %s in %s", id ? id : "?", t->path);
  else snprintf(buf, n, "its edge type");
}

/* Whether edge i's delay is its type's (the edge types CSV), not one of its own in the edges
 * file: always when the population has no per-edge delays; otherwise when they are equal. */
static bool delay_of_type(const cz_edge_pop *ep, size_t i) {
  return !ep->delay || ep->delay[i] == ep->types[ep->type[i]].delay;
}

/* The receptor_type of a synapse model (0 when its params name none). */
static int receptor_of(const cz_syn_model *s) {
  const cJSON *r = s->params ? cJSON_GetObjectItemCaseSensitive(s->params, "receptor_type") : NULL;
  return cJSON_IsNumber(r) ? (int)r->valuedouble : 0;
}

/* receptor_of for every synapse model, looked up once ([nsyn_models + 1]). */
static cz_status receptors_of(const cz_circuit *c, int **out) {
  CZ_NEW(*out, c->nsyn_models + 1);
  for (size_t m = 0; m < c->nsyn_models; m++) (*out)[m] = receptor_of(&c->syn_models[m]);
  return CZ_OK;
}

/* The ports of local neuron nid (0 for kinds without receptor ports). */
static int ports_of(const cz_network *net, uint32_t nid) {
  size_t j = 0;
  while (j + 1 < net->ngroups && nid >= net->groups[j].hi) j++;
  const cz_group *g = &net->groups[j];
  return g->kind->nports ? g->kind->nports(g->impl, nid - g->lo) : 0;
}

/* A synapse's receptor must be a port of its target: 1..ports for port kinds, 0 otherwise. */
static cz_status check_receptor(const cz_network *net, const cz_circuit *c, const cz_edge_pop *ep, size_t i,
                                uint32_t nid, int r) {
  const int ports = ports_of(net, nid);
  if (ports == 0 && r == 0) return CZ_OK;
  if (ports > 0) {
    CZ_CHECK(r >= 1 && r <= ports, CZ_ERR_CONFIG,
             "%s: edge %zu of %s has receptor_type %d, but its target (node %llu of %s) has receptor ports 1 to %d",
             ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, r,
             (unsigned long long)cz_node_id(&c->nodes[ep->target_pop], ep->target_row[i]), c->nodes[ep->target_pop].name,
             ports);
  } else {
    CZ_CHECK(r == 0, CZ_ERR_CONFIG,
             "%s: edge %zu of %s has receptor_type %d, but its target's model (node %llu of %s) has receptor 0 only",
             ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, r,
             (unsigned long long)cz_node_id(&c->nodes[ep->target_pop], ep->target_row[i]), c->nodes[ep->target_pop].name);
  }
  return CZ_OK;
}

/* The checks of edge i's synapse values: a supported synapse model (resolved once per model),
 * a weight it accepts, a delay of 1 to 65535 steps (*d). Edges that take their values from
 * their type pass or fail together, so those are checked once per type. Messages name the
 * edge by its row in its file (i is its place in a streamed batch). */
static cz_status check_edge_values(const cz_circuit *c, const syn_table *t, const cz_edge_pop *ep, size_t i, double h,
                                   int32_t *d) {
  const uint32_t sm = cz_edge_syn_model(ep, i);
  CZ_TRY(syn_resolve(t, c, sm, ep->file));
  const cz_syn_params *sp = &t->params[sm];
  if (sp->rule == CZ_SYN_STDP) {
    const double w = cz_edge_weight(ep, i);
    CZ_CHECK(cz_syn_weight_ok(sp, w), CZ_ERR_CONFIG,
             "%s: edge %zu of %s has weight %g, but stdp_synapse needs a weight of the sign of its Wmax (%g)", ep->file,
             (size_t)cz_edge_file_row(ep, i), ep->name, w, sp->Wmax);
  }
  if (sp->rule == CZ_SYN_STDP_PL) {
    const double w = cz_edge_weight(ep, i);
    CZ_CHECK(cz_syn_weight_ok(sp, w), CZ_ERR_CONFIG,
             "%s: edge %zu of %s has weight %g, but stdp_pl_synapse_hom needs a weight >= 0 (it raises it to the "
             "power mu)",
             ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, w);
  }
  const double delay = cz_edge_delay(ep, i);
  const double steps = delay_steps(delay, steps_per_ms(h));
  *d = steps <= 65535 ? (int32_t)steps : 0;
  if (steps >= 1 && steps <= 65535) return CZ_OK;
  char from[1024] = "";
  if (delay_of_type(ep, i)) {
    char type[900];
    edge_type_name(ep, i, type, sizeof type);
    snprintf(from, sizeof from, ", from %s", type);
  }
  if (steps < 1)
    return CZ_ERROR(CZ_ERR_FORMAT,
                    "%s: edge %zu of %s has delay %g ms%s, which rounds to 0 steps of dt = %g ms; NEST refuses it "
                    "(a delay must be at least one step): lower run.dt or raise the delay",
                    ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, delay, from, h);
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge %zu of %s has delay %g ms%s, more than 65535 times the time step dt = %g ms",
                  ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, delay, from, h);
}

/* Edge i must target a neuron, not a virtual node. */
static cz_status check_edge_target(const cz_circuit *c, const cz_edge_pop *ep, size_t i) {
  if (!cz_node_is_virtual(&c->nodes[ep->target_pop], ep->target_row[i])) return CZ_OK;
  const cz_node_pop *tp = &c->nodes[ep->target_pop];
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge %zu of %s targets node %llu of population %s, which is virtual", ep->file,
                  (size_t)cz_edge_file_row(ep, i), ep->name, (unsigned long long)cz_node_id(tp, ep->target_row[i]),
                  tp->name);
}

/* The checks of edge i of ep that do not depend on the placement. */
static cz_status check_edge(const cz_circuit *c, const syn_table *t, const cz_edge_pop *ep, size_t i, double h,
                            int32_t *d) {
  CZ_TRY(check_edge_values(c, t, ep, i, h, d));
  return check_edge_target(c, ep, i);
}

/* Whether ep's edges take weight and delay from their types (no per-edge values). */
static bool values_by_type(const cz_edge_pop *ep) { return !ep->weight && !ep->delay; }

/* Per type of a population: its delay in steps (-1 until an edge of the type is checked). */
static cz_status type_delays_new(const cz_edge_pop *ep, int32_t **out) {
  CZ_NEW(*out, ep->ntypes + 1);
  for (size_t r = 0; r < ep->ntypes; r++) (*out)[r] = -1;
  return CZ_OK;
}

cz_status cz_net_check_edges(const cz_config *cfg, const cz_circuit *c) {
  const double h = (double)llround(cfg->dt * 1000.0) / 1000.0;
  cz_wrecs wr;
  CZ_TRY(cz_wrecs_parse(cfg, &wr));
  syn_table t = {cz_calloc(c->nsyn_models + 1, sizeof *t.params), cz_calloc(c->nsyn_models + 1, sizeof *t.rec),
                 cz_calloc(c->nsyn_models + 1, sizeof *t.resolved), &wr, NULL};
  cz_status st = t.params && t.rec && t.resolved ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  cz_delay_tally *off = cz_calloc(cfg->nedges + 1, sizeof *off);
  if (st == CZ_OK && !off) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  cz_edge_values values = {0};
  for (size_t e = 0; e < c->nedges && st == CZ_OK; e++) {
    cz_edge_pop view;
    st = cz_edge_values_view(&c->edges[e], &values, &view);
    const cz_edge_pop *ep = &view;
    const size_t k = edges_entry(cfg, ep);
    for (size_t i = 0; i < ep->n && st == CZ_OK; i++) {
      int32_t d;
      st = check_edge(c, &t, ep, i, h, &d);
      const double delay = cz_edge_delay(ep, i);
      if (st == CZ_OK && k != SIZE_MAX && off_grid(delay * steps_per_ms(h), d))
        tally_add(&off[k], delay, delay_of_type(ep, i));
    }
  }
  for (size_t k = 0; st == CZ_OK && k < cfg->nedges; k++) warn_off_grid(&cfg->edges[k], &off[k], h);
  cz_edge_values_free(&values);
  free(off);
  free(t.params);
  free(t.rec);
  free(t.resolved);
  cz_wrecs_free(&wr);
  return st;
}

typedef struct weight_plan weight_plan;
static void weight_plan_add(weight_plan *w, double x);

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
  weight_plan *wp;
  uint64_t *src_bits;   /* the sources of this rank's synapses (mark_source) */
  uint32_t *count, *pcount; /* threaded scans, when small (scan_counts): this thread's static and
                               plastic synapses per source gid; NULL: a count pass counts them */
  bool over;            /* a count reached UINT32_MAX */
  const cz_error_note *syn_fail; /* threaded scans: syn_resolve_all's verdicts */
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
  st->plastic = is_plastic(net, sm);
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
  const syn_table t = {net->syn_params, net->syn_rec, net->syn_resolved, &net->wrecs, acc->syn_fail};
  int *receptor = NULL;
  int32_t *tdelay = NULL;
  uint8_t *toff = NULL; /* by type: whether the type's delay is off the grid */
  scan_type *types = NULL;
  const bool by_type = values_by_type(ep);
  cz_status st = receptors_of(c, &receptor);
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
  const double per_ms = steps_per_ms(net->tg.h);
  cz_delay_tally off = {0, 0.0, 0.0, false};
  for (size_t i = 0; i < ep->n && st == CZ_OK; i++) {
    const uint32_t type = ep->type[i];
    scan_type *ty = &types[type];
    if (ty->fast) { /* the usual edge, taken here when it passes every check; else below */
      const double r = ep->delay[i] * per_ms;
      const int32_t d = steps_in_range(r);
      const uint32_t trow = ep->target_row[i], nid = cz_gidmap_lid(&net->gm, target_gid0 + trow);
      if (d >= 1 && d <= 65535 && !cz_node_is_virtual(targets, trow) && (nid == CZ_NO_NID || ports_of_nid[nid] == 0)) {
        weight_plan_add(acc->wp, ep->weight[i]);
        min_delay = d < min_delay ? d : min_delay;
        max_delay = d > max_delay ? d : max_delay;
        if (off_grid(r, d)) tally_add(&off, ep->delay[i], false);
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
      if (ty->plain) d = delay_steps_in_range(ep->delay[i], per_ms);
      if (!(ty->plain && d >= 1 && d <= 65535)) { /* the full checks, which name a failing edge */
        st = check_edge_values(c, &t, ep, i, net->tg.h, &d);
        if (st != CZ_OK) break;
        if (!ty->ready) scan_type_set(net, receptor, ep->types[type].syn_model, !by_type, ty);
      }
      weight_plan_add(acc->wp, cz_edge_weight(ep, i));
      const bool offd = off_grid(cz_edge_delay(ep, i) * per_ms, d);
      if (by_type) {
        tdelay[type] = d;
        toff[type] = offd;
      } else if (offd) {
        tally_add(&off, ep->delay[i], delay_of_type(ep, i));
      }
      if (d < min_delay) min_delay = d;
      if (d > max_delay) max_delay = d;
    }
    if (by_type && toff[type]) tally_add(&off, ep->types[type].delay, true);
    if (cz_node_is_virtual(targets, ep->target_row[i]) && (st = check_edge_target(c, ep, i)) != CZ_OK) break;
    const uint32_t nid = cz_gidmap_lid(&net->gm, target_gid0 + ep->target_row[i]);
    if (nid == CZ_NO_NID) continue; /* simulated on another rank */
    const int r = ty->receptor, ports = ports_of_nid[nid];
    if (!(ports == 0 ? r == 0 : r >= 1 && r <= ports) && (st = check_receptor(net, c, ep, i, nid, r)) != CZ_OK) break;
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
  const size_t k = acc->offgrid ? edges_entry(acc->cfg, ep) : SIZE_MAX;
  if (k != SIZE_MAX) tally_merge(&acc->offgrid[k], &off);
  free(types);
  free(tdelay);
  free(toff);
  free(receptor);
  return st;
}

/* ------------------------------------------------------------------ weight table */

enum { WTAB_MAX = 65536, WHASH_CAP = 1 << 18 };

/* Open-addressing set of weights keyed by their bits, in first-seen (edge) order. */
typedef struct weight_set {
  uint64_t *keys;
  int32_t *slot; /* index into table, -1 when empty */
  double *table;
  size_t n;
} weight_set;

static uint64_t weight_bits(double w) {
  uint64_t b;
  memcpy(&b, &w, sizeof b);
  return b;
}

static size_t weight_hash(uint64_t b) {
  b ^= b >> 33;
  b *= 0xff51afd7ed558ccdULL;
  b ^= b >> 33;
  return (size_t)b & (WHASH_CAP - 1);
}

/* Code of w, adding it when new; -1 when the table is full. */
static int32_t weight_code(weight_set *ws, double w) {
  const uint64_t b = weight_bits(w);
  size_t h = weight_hash(b);
  while (ws->slot[h] >= 0) {
    if (ws->keys[h] == b) return ws->slot[h];
    h = (h + 1) & (WHASH_CAP - 1);
  }
  if (ws->n == WTAB_MAX) return -1;
  ws->keys[h] = b;
  ws->slot[h] = (int32_t)ws->n;
  ws->table[ws->n] = w;
  return (int32_t)ws->n++;
}

static void weight_set_free(weight_set *ws) {
  free(ws->keys);
  free(ws->slot);
  free(ws->table);
}

/* The distinct weights of the network, gathered range by range: a 16-bit code each while
 * there are at most WTAB_MAX (first-seen order: codes only index exact values, so the order
 * changes no sum), and whether every weight is exactly a float. The layout's weight_codes off
 * turns coding (and floats) off, so that the tests can check that every layout gives the same
 * spikes. */
struct weight_plan {
  weight_set ws;
  bool coding, full, floats;
};

static cz_status weight_plan_init(weight_plan *w, const cz_network *net) {
  memset(w, 0, sizeof *w);
  w->coding = net->layout.weight_codes;
  w->floats = w->coding;
  if (!w->coding) return CZ_OK;
  w->ws.keys = cz_calloc(WHASH_CAP, sizeof *w->ws.keys);
  w->ws.slot = cz_calloc(WHASH_CAP, sizeof *w->ws.slot);
  w->ws.table = cz_calloc(WTAB_MAX, sizeof *w->ws.table);
  CZ_CHECK(w->ws.keys && w->ws.slot && w->ws.table, CZ_ERR_NOMEM, "out of memory");
  for (size_t h = 0; h < WHASH_CAP; h++) w->ws.slot[h] = -1;
  return CZ_OK;
}

/* Adds a weight of the network. */
static void weight_plan_add(weight_plan *w, double x) {
  if (!w->coding) return;
  if (!w->full) w->full = weight_code(&w->ws, x) < 0;
  if (w->floats && (double)(float)x != x) w->floats = false;
}

/* Adds plan b (another thread's, over other edges) to a: b's weights after a's. */
static void weight_plan_merge(weight_plan *a, const weight_plan *b) {
  if (!a->coding) return;
  a->floats = a->floats && b->floats;
  a->full = a->full || b->full;
  for (size_t i = 0; i < b->ws.n && !a->full; i++) a->full = weight_code(&a->ws, b->ws.table[i]) < 0;
}

/* The code of a weight already in the set (0 for one that is not: a type no edge uses). */
static uint16_t weight_code_of(const weight_set *ws, double w) {
  const uint64_t b = weight_bits(w);
  for (size_t h = weight_hash(b); ws->slot[h] >= 0; h = (h + 1) & (WHASH_CAP - 1))
    if (ws->keys[h] == b) return (uint16_t)ws->slot[h];
  return 0;
}

/* Chooses the layout: codes (net->wtab) when there are few distinct weights, else floats when
 * exact, else doubles. */
static cz_status weight_plan_choose(weight_plan *w, cz_network *net) {
  if (w->coding && !w->full) {
    net->nwtab = w->ws.n;
    CZ_NEW(net->wtab, w->ws.n + 1);
    memcpy(net->wtab, w->ws.table, w->ws.n * sizeof *net->wtab);
  } else {
    net->wfloat = w->coding && w->floats;
  }
  return CZ_OK;
}

/* The weight codes of population e's edges: per type when the population takes its weights
 * from its types, else per edge; NULL when not coding. */
static cz_status weight_codes_of(const weight_plan *w, const cz_network *net, const cz_edge_pop *ep, uint16_t **codes) {
  *codes = NULL;
  if (!net->nwtab) return CZ_OK;
  const size_t n = ep->weight ? ep->n : ep->ntypes;
  CZ_NEW(*codes, n + 1);
  for (size_t i = 0; i < n; i++) (*codes)[i] = weight_code_of(&w->ws, ep->weight ? ep->weight[i] : ep->types[i].weight);
  return CZ_OK;
}

/* Whether the static tables pack the delays into the targets (network.h). The scan's largest
 * delay covers every synapse of this rank. The target index stays below CZ_TGT_MASK, so that
 * no packed target is UNFILLED. The layout's packed_targets off keeps them apart, so that the
 * tests can check that both layouts give the same spikes. */
static bool packs_delays(const cz_network *net) {
  if (!net->layout.packed_targets) return false;
  return net->N * (size_t)net->nch < (size_t)CZ_TGT_MASK && net->max_delay < 256;
}

/* A target no synapse has (targets are below N * nch < UINT32_MAX, packed ones below
 * CZ_TGT_MASK with a delay): the slots of a sparse index's table not yet filled hold it. */
#define UNFILLED UINT32_MAX

/* The synapses of a table from the counts per slot: the index, and the total in *nsyn. A
 * sparse table's targets start UNFILLED, and the fill needs no counts (next_slot): count is
 * freed (set NULL) then, so that the per-slot counts of the threads do not stay beside the
 * tables. */
static cz_status index_table(cz_network *net, cz_syn_index *ix, uint32_t **count, size_t *nsyn) {
  CZ_TRY(cz_syn_index_build(ix, &net->sources, *count, net->layout.source_index));
  *nsyn = ix->nsyn;
  if (ix->off) return CZ_OK;
  free(*count);
  *count = NULL;
  return CZ_OK;
}

static cz_status alloc_thread_synapses(cz_network *net, uint32_t **counts) {
  CZ_NEW(net->syn, (size_t)net->nthreads);
  const bool packed = packs_delays(net);
  for (int t = 0; t < net->nthreads; t++) {
    cz_synapses *s = &net->syn[t];
    CZ_TRY(index_table(net, &s->index, &counts[t], &s->nsyn));
    const size_t acc = s->nsyn;
    bool ok = (s->tgt = cz_alloc_huge(acc, sizeof *s->tgt)) &&
              (packed || (s->delay = cz_alloc_huge(acc, sizeof *s->delay)));
    if (ok && net->nwtab) ok = (s->wcode = cz_alloc_huge(acc, sizeof *s->wcode)) != NULL;
    else if (ok && net->wfloat) ok = (s->weightf = cz_alloc_huge(acc, sizeof *s->weightf)) != NULL;
    else if (ok) ok = (s->weight = cz_alloc_huge(acc, sizeof *s->weight)) != NULL;
    CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory allocating thread %d's table of %zu synapses", t, acc);
    if (!s->index.off) memset(s->tgt, 0xff, acc * sizeof *s->tgt);
  }
  return CZ_OK;
}

static cz_status alloc_thread_plastic(cz_network *net, uint32_t **counts) {
  CZ_NEW(net->plastic, (size_t)net->nthreads);
  for (int t = 0; t < net->nthreads; t++) {
    cz_plastic *s = &net->plastic[t];
    CZ_TRY(index_table(net, &s->index, &counts[t], &s->nsyn));
    const size_t acc = s->nsyn;
    CZ_NEW(s->tgt, acc + 1);
    if (!s->index.off) memset(s->tgt, 0xff, acc * sizeof *s->tgt);
    CZ_NEW(s->delay, acc + 1);
    CZ_NEW(s->model, acc + 1);
    CZ_NEW(s->edge, acc + 1);
    CZ_NEW(s->state, acc + 1);
  }
  return CZ_OK;
}

/* Per target neuron: the thread that owns it, whether its model splits weights by sign into
 * two channels, and its receptor ports (0: none; channel = receptor_type - 1). Looked up once
 * per edge in the passes below. */
typedef struct target_info {
  uint16_t *owner;
  uint8_t *split;
  uint8_t *ports;
  int *receptor; /* [nsyn_models] */
} target_info;

static cz_status target_info_build(const cz_network *net, const cz_circuit *c, target_info *ti) {
  CZ_NEW(ti->owner, net->N);
  CZ_NEW(ti->split, net->N);
  CZ_NEW(ti->ports, net->N);
  for (int t = 0; t < net->nthreads; t++)
    for (uint32_t nid = net->thr_lo[t]; nid < net->thr_lo[t + 1]; nid++) ti->owner[nid] = (uint16_t)t;
  for (size_t j = 0; j < net->ngroups; j++)
    for (uint32_t nid = net->groups[j].lo; nid < net->groups[j].hi; nid++)
      ti->split[nid] = net->nch >= 2 && net->groups[j].kind->split_sign;
  for (uint32_t nid = 0; nid < net->N; nid++) ti->ports[nid] = (uint8_t)ports_of(net, nid);
  CZ_TRY(receptors_of(c, &ti->receptor));
  return CZ_OK;
}

static void target_info_free(target_info *ti) {
  free(ti->owner);
  free(ti->split);
  free(ti->ports);
  free(ti->receptor);
}

/* Synapses per (thread, source slot): static ones in counts, plastic or recorded ones in
 * pcounts. A thread's count of one source stops at UINT32_MAX (*over), which fails the build. */
static void count_pop(const cz_network *net, const cz_edge_pop *ep, const target_info *ti, uint32_t **counts,
                      uint32_t **pcounts, bool *over) {
  const size_t so = net->gm.pop_offset[ep->source_pop], to = net->gm.pop_offset[ep->target_pop];
  for (size_t i = 0; i < ep->n; i++) {
    uint32_t nid = cz_gidmap_lid(&net->gm, to + ep->target_row[i]);
    if (nid == CZ_NO_NID) continue;
    uint32_t **into = pcounts && is_plastic(net, cz_edge_syn_model(ep, i)) ? pcounts : counts;
    size_t slot;
    if (!cz_sources_slot(&net->sources, so + ep->source_row[i], &slot)) { /* not what the scan read */
      *over = true;
      continue;
    }
    uint32_t *c = &into[ti->owner[nid]][slot];
    if (*c == UINT32_MAX) *over = true;
    else (*c)++;
  }
}

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
 * source's places fill from the front, so the first UNFILLED target among them (tgt, a
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
    if (tgt[mid] == UNFILLED) hi = mid;
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
                                                                  const target_info *ti, int t, uint32_t *fill,
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
  const double per_ms = steps_per_ms(net->tg.h);
  const int32_t max_delay = net->max_delay;
  const unsigned shift = group_shift(net);
  for (size_t i = 0; i < ep->n; i++) {
    const uint32_t nid = cz_gidmap_lid(&net->gm, target_gid0 + trow[i]);
    if (nid == CZ_NO_NID || owner[nid] != t) continue;
    const size_t sgid = so + srow[i];
    const double w = by_type ? ep->types[type[i]].weight : ep->weight[i];
    const uint32_t ch = ports[nid] ? (uint32_t)pb->types[type[i]].port_channel : split[nid] && !(w > 0);
    const int32_t d = by_type ? pb->tdelay[type[i]] : delay_steps_in_range(ep->delay[i], per_ms);
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
static void fill_plain(cz_network *net, const plain_batch *pb, const target_info *ti, int t, uint32_t *fill,
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
 * one: next_slot). codes: weight_codes_of; tdelay: the
 * types' delays in steps when the edges take theirs from their types. Each thread fills its
 * own tables, so the threads run this at the same time; a failure is left in fs->st. */
static void fill_pop(cz_network *net, const cz_edge_pop *ep, size_t e, const target_info *ti, const uint16_t *codes,
                     const uint16_t *tdelay, int t, uint32_t *fill, uint32_t *pfill, fill_scratch *fs) {
  cz_synapses *s = &net->syn[t];
  fill_type *types = cz_calloc(ep->ntypes + 1, sizeof *types);
  if (!types) {
    fs->st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory filling the synapse tables");
    return;
  }
  bool plastic = false;
  for (size_t r = 0; r < ep->ntypes; r++) {
    const uint32_t sm = ep->types[r].syn_model;
    types[r] = (fill_type){sm, ti->receptor[sm] - 1, net->plastic && is_plastic(net, sm)};
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
  const double per_ms = steps_per_ms(net->tg.h);
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
               : (uint16_t)delay_steps_in_range(ep->delay ? ep->delay[i] : ep->types[type].delay, per_ms);
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
  if (!values_by_type(ep)) return CZ_OK;
  CZ_NEW(*tdelay, ep->ntypes + 1);
  const double per_ms = steps_per_ms(net->tg.h);
  for (size_t r = 0; r < ep->ntypes; r++) (*tdelay)[r] = (uint16_t)delay_steps(ep->types[r].delay, per_ms);
  return CZ_OK;
}

/* Per-thread (thread, source slot) count tables: [nthreads][nslot]. */
static uint32_t **alloc_counts(const cz_network *net) {
  uint32_t **counts = cz_calloc((size_t)net->nthreads, sizeof *counts);
  for (int t = 0; counts && t < net->nthreads; t++)
    if (!(counts[t] = cz_calloc(net->sources.nslot + 1, sizeof **counts))) {
      for (int u = 0; u < t; u++) free(counts[u]);
      free(counts);
      return NULL;
    }
  return counts;
}

static void free_counts(const cz_network *net, uint32_t **counts) {
  for (int t = 0; counts && t < net->nthreads; t++) free(counts[t]);
  free(counts);
}

/* Where the edges come from: the circuit's loaded edges, or, when the circuit has none
 * loaded, the edge files streamed in batches (cz_edge_filter.batch), read again by each pass
 * below, so that no more than a batch of edges is ever in memory besides the tables. The
 * batches come in file order, so per source the synapses keep their edge order, and the
 * tables, and the sums, are those of a build from all edges at once.
 *
 * When every edge population has a target_to_source index (checked against its edges), the
 * passes run threaded: the thread ranges of nids are set before the scan from the index's
 * in-degrees (the same ranges the scan's own counts would give), and each thread reads the
 * rows of its own neurons' edges (cz_edge_streams_read) and scans, counts or fills with them
 * alone, so reading, checking and filling all run on every thread. A thread's edges come in
 * file order, as in the one-thread reader, so the tables are the same. */
typedef struct edge_source {
  cz_circuit *c;
  bool streamed;
  const cz_config *cfg;
  const uint32_t *rank_of_gid;
  size_t batch_edges; /* 0: the loader's default */
  const cz_network *net;
  cz_edge_streams *streams; /* threaded passes; NULL: one thread reads */
  cz_net_edge_reader read;  /* NULL: the files */
  void *read_ctx;
  double t_open, t_read, t_scan, t_count, t_fill, t_order; /* seconds in each part of the build, for the log */
} edge_source;

/* Whether this rank takes the edges onto target (target_pop, target_row): those of its own
 * neurons; an edge onto a virtual node is an error that rank 0 reports. */
static bool keep_local_target(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  const edge_source *s = ctx;
  const size_t gid = s->net->gm.pop_offset[target_pop] + target_row;
  if (cz_gidmap_lid(&s->net->gm, gid) != CZ_NO_NID) return true;
  const uint32_t r = s->rank_of_gid ? s->rank_of_gid[gid] : 0;
  return s->net->rank == 0 && (r == CZ_NO_RANK || r == 0);
}

/* The targets of one thread in a threaded pass: its nids [lo, hi), and on thread 0 the
 * targets keep_local_target takes that are no neuron of this rank (strays: virtual nodes,
 * for the scan's error). */
typedef struct thread_targets {
  const edge_source *s;
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

/* One pass over the edges: visit(net, c, e, ep, ctx) for each population e's edges ep, whole
 * or in batches; *seconds gets the time spent in visit (in a threaded pass, the most any
 * thread spent). */
typedef cz_status (*pass_visit)(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx);

typedef struct pass_run {
  cz_network *net;
  pass_visit visit;
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

/* A pass on one thread: the loaded edges, or the files through the one-thread reader. */
static cz_status pass_serial(edge_source *s, cz_network *net, pass_visit visit, void *ctx, bool ids_only,
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

/* A pass on every thread: thread t reads the edges onto nids [lo[t], lo[t + 1]) and visits
 * them with ctxs[t]. The failure of the lowest failing thread is the pass's. */
static cz_status pass_threaded(edge_source *s, cz_network *net, const uint32_t *lo, pass_visit visit, void **ctxs,
                               bool ids_only, double *seconds) {
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

static cz_status visit_scan(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx) {
  (void)e;
  return scan_pop(net, c, ep, ctx);
}

/* The in-degree of every local neuron from the populations' indexes (threaded passes). */
static cz_status index_indegrees(const cz_network *net, const edge_source *src, size_t *indeg) {
  const cz_circuit *c = src->c;
  uint64_t *count = NULL;
  CZ_NEW(count, net->gm.nsrc + 1);
  cz_status st = CZ_OK;
  for (size_t e = 0; e < c->nedges && st == CZ_OK; e++)
    st = cz_edge_streams_in_counts(src->streams, e, count + net->gm.pop_offset[c->edges[e].target_pop]);
  for (size_t gid = 0; st == CZ_OK && gid < net->gm.nsrc; gid++)
    if (cz_gidmap_lid(&net->gm, gid) != CZ_NO_NID) indeg[cz_gidmap_lid(&net->gm, gid)] = (size_t)count[gid];
  free(count);
  return st;
}

/* Resolves every synapse model ahead of a threaded scan, so that the threads only read the
 * tables; a model that fails is noted (fail[sm]) and fails the first edge that uses it. */
static cz_status syn_resolve_all(cz_network *net, const cz_circuit *c, cz_error_note **fail) {
  CZ_NEW(*fail, c->nsyn_models + 1);
  const syn_table t = {net->syn_params, net->syn_rec, net->syn_resolved, &net->wrecs, NULL};
  for (uint32_t sm = 0; sm < c->nsyn_models; sm++) {
    const char *file = "";
    for (size_t e = 0; e < c->nedges && !*file; e++)
      for (size_t r = 0; r < c->edges[e].ntypes; r++)
        if (c->edges[e].types[r].syn_model == sm) file = c->edges[e].file;
    cz_error_take(syn_resolve(&t, c, sm, file), &(*fail)[sm]);
  }
  cz_error_clear();
  return CZ_OK;
}

static void syn_fail_free(cz_error_note *fail, size_t n) {
  for (size_t i = 0; fail && i < n; i++) cz_error_note_free(&fail[i]);
  free(fail);
}

/* Adds thread scans' sums into the first (acc[0]) and the network. */
static void scan_merge(cz_network *net, scan_acc *acc, int n) {
  for (int t = 1; t < n; t++) {
    acc[0].nsyn += acc[t].nsyn;
    acc[0].nplastic += acc[t].nplastic;
    if (acc[t].min_delay < acc[0].min_delay) acc[0].min_delay = acc[t].min_delay;
    if (acc[t].max_delay > acc[0].max_delay) acc[0].max_delay = acc[t].max_delay;
    weight_plan_merge(acc[0].wp, acc[t].wp);
  }
  for (int t = 0; t < n; t++)
    for (size_t k = 0; k < net->noffgrid; k++) tally_merge(&net->offgrid[k], &acc[t].offgrid[k]);
  net->nsyn_total += acc[0].nsyn;
  net->nplastic += acc[0].nplastic;
  net->min_delay = acc[0].min_delay;
  net->max_delay = acc[0].max_delay;
}

/* Pass 1: validation, in-degrees, delays, weights, the sources; then thread ranges (before
 * the pass when it runs threaded), the source table and spike archives. */
/* Whether a threaded scan counts the synapses per (thread, source) itself, sparing the count
 * pass a reading of the edge files: while one count per (thread, gid) of the network stays
 * small beside the tables to come. */
enum { SCAN_COUNT_BYTES = 64 << 20 };

static bool any_plastic_model(const cz_network *net) {
  for (size_t m = 0; m < net->nsyn_models; m++)
    if (net->syn_resolved[m] && is_plastic(net, (uint32_t)m)) return true;
  return false;
}

static bool scan_counts(const cz_network *net, const edge_source *src) {
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

static cz_status pass_scan(cz_network *net, edge_source *src, weight_plan *wp, uint32_t ***counts,
                           uint32_t ***pcounts) {
  const int n = src->streams ? net->nthreads : 1;
  scan_acc *acc = cz_calloc((size_t)n, sizeof *acc);
  weight_plan *wps = cz_calloc((size_t)n, sizeof *wps);
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
  for (uint32_t nid = 0; st == CZ_OK && nid < net->N; nid++) ports[nid] = ports_of(net, nid);
  if (st == CZ_OK && src->streams) st = syn_resolve_all(net, src->c, &fail);
  for (int t = 0; t < n && st == CZ_OK; t++) {
    if (t == 0) wps[0] = *wp; /* the caller's plan; the other threads' are merged into it */
    else st = weight_plan_init(&wps[t], net);
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
    if (st == CZ_OK) st = pass_threaded(src, net, net->thr_lo, visit_scan, ctxs, false, &src->t_scan);
  } else if (st == CZ_OK) {
    st = pass_serial(src, net, visit_scan, ctxs[0], false, &src->t_scan);
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
  for (int t = 1; wps && t < n; t++) weight_set_free(&wps[t].ws);
  bool any_stdp = false;
  for (size_t i = 0; st == CZ_OK && i < net->N && !any_stdp; i++) any_stdp = stdp_in[i] > 0;
  if (st == CZ_OK && any_stdp) st = create_archives(net, src->c, stdp_in);
  syn_fail_free(fail, src->c->nsyn_models + 1);
  free(acc);
  free(wps);
  free(ctxs);
  free(ports);
  free(indeg);
  free(stdp_in);
  free(offgrid);
  return st;
}

typedef struct count_ctx {
  const target_info *ti;
  uint32_t **counts, **pcounts;
  bool over; /* a count reached UINT32_MAX, or a source the scan did not see */
} count_ctx;

static cz_status visit_count(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx) {
  (void)c;
  (void)e;
  count_ctx *k = ctx;
  count_pop(net, ep, k->ti, k->counts, k->pcounts, &k->over);
  return CZ_OK;
}

/* Pass 2: synapses per (thread, source slot); each thread counts into its own table. */
static cz_status pass_count(cz_network *net, edge_source *src, const target_info *ti, uint32_t **counts,
                            uint32_t **pcounts) {
  const int n = src->streams ? net->nthreads : 1;
  count_ctx *k = cz_calloc((size_t)n, sizeof *k);
  void **ctxs = cz_calloc((size_t)n, sizeof *ctxs);
  cz_status st = k && ctxs ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int t = 0; st == CZ_OK && t < n; t++) {
    k[t] = (count_ctx){ti, counts, pcounts, false};
    ctxs[t] = &k[t];
  }
  if (st == CZ_OK && src->streams) st = pass_threaded(src, net, net->thr_lo, visit_count, ctxs, true, &src->t_count);
  else if (st == CZ_OK) st = pass_serial(src, net, visit_count, ctxs[0], true, &src->t_count);
  bool over = false;
  for (int t = 0; st == CZ_OK && t < n; t++) over = over || k[t].over;
  if (st == CZ_OK && over)
    st = CZ_ERROR(CZ_ERR_FORMAT, "the edge files gave other edges on the second reading than on the first (were "
                                 "they rewritten during the load?), or one source has 2^32 synapses onto one "
                                 "thread's neurons");
  free(k);
  free(ctxs);
  return st;
}

typedef struct fill_ctx {
  const target_info *ti;
  const weight_plan *wp;
  uint32_t **fill, **pfill;
  fill_scratch *scratch; /* [nthreads] */
  int thread;            /* threaded passes: the one thread whose tables this fills; -1: all */
} fill_ctx;

static cz_status visit_fill(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx) {
  (void)c;
  const fill_ctx *f = ctx;
  uint16_t *codes = NULL, *tdelay = NULL;
  cz_status st = weight_codes_of(f->wp, net, ep, &codes);
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
 * counts; a sparse one's table has no UNFILLED target left. */
static bool table_complete(const cz_syn_index *ix, const uint32_t *fill, const uint32_t *tgt, size_t nsyn) {
  if (!ix->off) {
    for (size_t k = 0; k < nsyn; k++)
      if (tgt[k] == UNFILLED) return false;
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

/* Pass 3: the tables, each thread filling its own, then putting its own in delay order. */
static cz_status pass_fill(cz_network *net, edge_source *src, const target_info *ti, const weight_plan *wp,
                           uint32_t **counts, uint32_t **pcounts) {
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
  if (st == CZ_OK && src->streams) st = pass_threaded(src, net, net->thr_lo, visit_fill, ctxs, false, &src->t_fill);
  else if (st == CZ_OK) st = pass_serial(src, net, visit_fill, ctxs[0], false, &src->t_fill);
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

/* Opens the edge files for threaded passes when every population has a usable index (and the
 * layout's edge_threads is on: the tests turn it off to check that the one-thread reader
 * builds the same tables); otherwise the passes read on one thread. */
static cz_status open_streams(cz_network *net, edge_source *src) {
  if (!src->streamed || src->read || !net->layout.edge_threads) return CZ_OK;
  const double t0 = cz_now();
  CZ_TRY(cz_edge_streams_open(src->c, src->cfg, net->nthreads, true, &src->streams));
  src->t_open = cz_now() - t0;
  if (!cz_edge_streams_by_target(src->streams)) {
    cz_log_debug("an edge population has no usable target_to_source index: edges are read on one thread");
    cz_edge_streams_close(&src->streams);
    return CZ_OK;
  }
  return fit_syn_tables(net, src->c);
}

static cz_status build_synapses(cz_network *net, edge_source *src) {
  weight_plan wp;
  cz_status st = weight_plan_init(&wp, net);
  if (st == CZ_OK) st = open_streams(net, src);
  uint32_t **counts = NULL, **pcounts = NULL;
  if (st == CZ_OK) st = pass_scan(net, src, &wp, &counts, &pcounts);
  if (pcounts && !net->nplastic) { /* a plastic model that no synapse here uses */
    free_counts(net, pcounts);
    pcounts = NULL;
  }
  if (st == CZ_OK && !(net->N * (size_t)net->nch < UINT32_MAX))
    st = CZ_ERROR(CZ_ERR_CONFIG, "too many neurons (%zu) for one process", net->N);
  target_info ti = {NULL, NULL, NULL, NULL};
  const bool count_pass = !counts;
  if (st == CZ_OK && count_pass && !(counts = alloc_counts(net))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && count_pass && net->nplastic && !(pcounts = alloc_counts(net)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = target_info_build(net, src->c, &ti);
  if (st == CZ_OK && count_pass) st = pass_count(net, src, &ti, counts, pcounts);
  if (st == CZ_OK) st = weight_plan_choose(&wp, net);
  if (st == CZ_OK) st = alloc_thread_synapses(net, counts);
  if (st == CZ_OK && pcounts) st = alloc_thread_plastic(net, pcounts);
  if (st == CZ_OK) st = pass_fill(net, src, &ti, &wp, counts, pcounts);
  if (st == CZ_OK && src->streamed)
    cz_log_info("Synapse tables: edge files opened in %.2f s, read %s%s in %.2f s in all; edges "
                "checked and counted in %.2f s%s, filled in %.2f s, put in delay order in %.2f s",
                src->t_open, count_pass ? "three times" : "twice", src->streams ? " by every thread" : "", src->t_read,
                src->t_scan + src->t_count, count_pass ? " (counted in a pass of their own)" : "", src->t_fill,
                src->t_order);
  cz_edge_streams_close(&src->streams);
  target_info_free(&ti);
  free_counts(net, counts);
  free_counts(net, pcounts);
  weight_set_free(&wp.ws);
  return st;
}

/* ------------------------------------------------------------------ send lists */

/* Whether any of this rank's synapses comes from gid. */
static bool has_local_synapses(const cz_network *net, size_t gid) {
  size_t slot;
  return cz_sources_slot(&net->sources, gid, &slot);
}

/* The setup-time exchange of "target data": every rank tells the owner of each neuron it
 * receives synapses from that it needs that neuron's spikes; the owners turn the requests
 * into send lists. A request names a neuron by its place among its owner's neurons in gid
 * order (its ordinal), and travels in a record of 64 of them: (requesting rank << 32 | word,
 * bits of the ordinals 64 word .. 64 word + 63 asked for). On many ranks a rank needs nearly
 * every neuron of the network, so that one record per neuron would cost 16 bytes per gid of
 * the network three times over (sent, received, kept); words cost 2 bits per gid. */
typedef struct request_words {
  size_t *count;  /* [nranks] records to each owner */
  int64_t *rec;   /* [2 * total] owner by owner */
  size_t total;
} request_words;

static void request_words_free(request_words *q) {
  free(q->count);
  free(q->rec);
}

/* The records of this rank's requests: two walks over the gids in order, one counting the
 * words per owner, one writing them; ord[r] is the ordinal of the next neuron of rank r. */
static cz_status request_words_build(const cz_network *net, const uint32_t *rank_of_gid, request_words *q) {
  const size_t nr = (size_t)net->nranks;
  uint64_t *ord = NULL, *last = NULL;
  size_t *next = NULL;
  CZ_NEW(q->count, nr);
  CZ_NEW(ord, nr);
  CZ_NEW(last, nr); /* 1 + the word of the last record to each owner, 0: none yet */
  for (size_t g = 0; g < net->gm.nsrc; g++) {
    const uint32_t r = rank_of_gid[g];
    if (r == CZ_NO_RANK) continue;
    const uint64_t o = ord[r]++;
    if (r == (uint32_t)net->rank || !has_local_synapses(net, g) || last[r] == o / 64 + 1) continue;
    last[r] = o / 64 + 1;
    q->count[r]++;
  }
  for (size_t r = 0; r < nr; r++) q->total += q->count[r];
  cz_status st = (next = cz_calloc(nr, sizeof *next)) && (q->rec = cz_calloc(2 * q->total + 2, sizeof *q->rec))
                     ? CZ_OK
                     : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 1; st == CZ_OK && r < nr; r++) next[r] = next[r - 1] + q->count[r - 1];
  if (st == CZ_OK) {
    memset(ord, 0, nr * sizeof *ord);
    memset(last, 0, nr * sizeof *last);
  }
  for (size_t g = 0; st == CZ_OK && g < net->gm.nsrc; g++) {
    const uint32_t r = rank_of_gid[g];
    if (r == CZ_NO_RANK) continue;
    const uint64_t o = ord[r]++;
    if (r == (uint32_t)net->rank || !has_local_synapses(net, g)) continue;
    if (last[r] != o / 64 + 1) { /* a new word */
      last[r] = o / 64 + 1;
      const size_t j = next[r]++;
      q->rec[2 * j] = (int64_t)((uint64_t)net->rank << 32 | o / 64);
    }
    int64_t *bits = &q->rec[2 * (next[r] - 1) + 1];
    *bits = (int64_t)((uint64_t)*bits | UINT64_C(1) << (o % 64));
  }
  free(next);
  free(ord);
  free(last);
  return st;
}

/* This rank's neurons by ordinal (gid order): nid_by_ord[o]. */
static cz_status neurons_by_ordinal(const cz_network *net, uint32_t **out) {
  CZ_NEW(*out, net->N + 1);
  size_t o = 0;
  for (size_t g = 0; g < net->gm.nsrc; g++) {
    const uint32_t nid = cz_gidmap_lid(&net->gm, g);
    if (nid != CZ_NO_NID) (*out)[o++] = nid;
  }
  return CZ_OK;
}

/* A request record must come from a rank and name words of this rank's neurons only. */
static cz_status check_request(const cz_network *net, const int64_t *rec, size_t word_limit) {
  const uint64_t w = (uint64_t)rec[0] & UINT32_MAX, r = (uint64_t)rec[0] >> 32;
  CZ_CHECK(r < (uint64_t)net->nranks && w < word_limit, CZ_ERR_INTERNAL,
           "rank %llu asked for the spikes of neurons %llu.. of rank %d, which has %zu", (unsigned long long)r,
           (unsigned long long)(64 * w), net->rank, net->N);
  CZ_CHECK(w + 1 < word_limit || net->N % 64 == 0 || ((uint64_t)rec[1] >> (net->N % 64)) == 0, CZ_ERR_INTERNAL,
           "rank %llu asked for the spikes of a neuron beyond the %zu of rank %d", (unsigned long long)r, net->N,
           net->rank);
  return CZ_OK;
}

/* Send lists from the request words. They arrive grouped by requesting rank in rank order, so
 * each neuron's list comes out in ascending rank order. */
static cz_status build_send_lists(cz_network *net, const int64_t *req, size_t nreq) {
  const size_t words = (net->N + 63) / 64;
  uint32_t *nid_by_ord = NULL;
  CZ_TRY(neurons_by_ordinal(net, &nid_by_ord));
  cz_status st = CZ_OK;
  for (size_t i = 0; i < nreq && st == CZ_OK; i++) st = check_request(net, &req[2 * i], words);
  size_t *fill = NULL;
  if (st == CZ_OK && !(net->send_off = cz_calloc(net->N + 1, sizeof *net->send_off)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < nreq && st == CZ_OK; i++)
    for (uint64_t b = (uint64_t)req[2 * i + 1]; b; b &= b - 1) {
      const uint64_t o = ((uint64_t)req[2 * i] & UINT32_MAX) * 64 + (uint64_t)__builtin_ctzll(b);
      net->send_off[nid_by_ord[o] + 1]++;
    }
  for (size_t n = 0; st == CZ_OK && n < net->N; n++) net->send_off[n + 1] += net->send_off[n];
  if (st == CZ_OK && !(net->send_rank = cz_calloc(net->send_off[net->N] + 1, sizeof *net->send_rank)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !(fill = cz_calloc(net->N + 1, sizeof *fill))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < nreq && st == CZ_OK; i++)
    for (uint64_t b = (uint64_t)req[2 * i + 1]; b; b &= b - 1) {
      const uint64_t o = ((uint64_t)req[2 * i] & UINT32_MAX) * 64 + (uint64_t)__builtin_ctzll(b);
      const uint32_t nid = nid_by_ord[o];
      net->send_rank[net->send_off[nid] + fill[nid]++] = (uint32_t)((uint64_t)req[2 * i] >> 32);
    }
  free(fill);
  free(nid_by_ord);
  return st;
}

/* Sends this rank's request words and builds its send lists from those it receives. */
static cz_status exchange_requests(cz_network *net, const uint32_t *rank_of_gid) {
  request_words q = {NULL, NULL, 0};
  int64_t *recv = NULL;
  size_t nrecv = 0;
  cz_status st = request_words_build(net, rank_of_gid, &q);
  st = cz_comm_agree(st); /* no rank may enter the exchange while another has failed */
  if (st == CZ_OK) st = cz_comm_alltoall_records(q.rec, q.count, 2, &recv, &nrecv);
  request_words_free(&q);
  if (st == CZ_OK) st = build_send_lists(net, recv, nrecv);
  free(recv);
  return st;
}

static void log_memory(const cz_network *net);

cz_status cz_net_connect(cz_network *net, const uint32_t *rank_of_gid) {
  int64_t lo = net->min_delay, hi = net->max_delay;
  CZ_TRY(cz_comm_allreduce_min_i64(&lo));
  CZ_TRY(cz_comm_allreduce_max_i64(&hi));
  if (hi == 0) lo = hi = 1; /* no synapses anywhere */
  net->min_delay = (int32_t)lo;
  net->tg.min_delay = net->min_delay;
  if (net->max_delay == 0) net->max_delay = 1;
  cz_status st = net->nranks == 1 || !rank_of_gid ? CZ_OK : exchange_requests(net, rank_of_gid);
  if (st == CZ_OK) log_memory(net);
  return st;
}

cz_status cz_net_warn_off_grid(const cz_network *net, const cz_config *cfg) {
  const size_t n = net->noffgrid < cfg->nedges ? net->noffgrid : cfg->nedges;
  uint64_t *count = cz_calloc(n + 1, sizeof *count);
  double *lo = cz_calloc(n + 1, sizeof *lo), *hi = cz_calloc(n + 1, sizeof *hi);
  double *types = cz_calloc(n + 1, sizeof *types);
  cz_status st = count && lo && hi && types ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    const cz_delay_tally *t = &net->offgrid[k];
    count[k] = t->n;
    lo[k] = t->n ? t->lo : INFINITY;
    hi[k] = t->n ? t->hi : -INFINITY;
    types[k] = t->from_types;
  }
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64_array(count, n);
  if (st == CZ_OK) st = cz_comm_allreduce_f64_array(lo, n, CZ_REDUCE_MIN);
  if (st == CZ_OK) st = cz_comm_allreduce_f64_array(hi, n, CZ_REDUCE_MAX);
  if (st == CZ_OK) st = cz_comm_allreduce_f64_array(types, n, CZ_REDUCE_MAX);
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    const cz_delay_tally all = {count[k], lo[k], hi[k], types[k] > 0};
    warn_off_grid(&cfg->edges[k], &all, net->tg.h);
  }
  free(count);
  free(lo);
  free(hi);
  free(types);
  return st;
}

/* ------------------------------------------------------------------ source index */

cz_status cz_sources_build(cz_sources *m, const uint64_t *bits, size_t ngid) {
  memset(m, 0, sizeof *m);
  m->ngid = ngid;
  const size_t nw = ngid / 64 + 1;
  size_t n = 0;
  for (size_t w = 0; w < nw; w++) n += (size_t)__builtin_popcountll(bits[w]);
  m->nslot = n;
  if (n == ngid) return CZ_OK; /* every gid a source: slot = gid */
  CZ_NEW(m->word, nw);
  size_t before = 0;
  for (size_t w = 0; w < nw; w++) {
    m->word[w] = (cz_src_word){bits[w], before};
    before += (size_t)__builtin_popcountll(bits[w]);
  }
  return CZ_OK;
}

void cz_sources_free(cz_sources *m) {
  free(m->word);
  memset(m, 0, sizeof *m);
}

/* A dense index costs 8 bytes per slot; it is taken while that is at most a quarter byte per
 * synapse of the table (32 synapses per source on average), or small in any case. */
enum { DENSE_SMALL_BYTES = 1 << 16 };

static bool index_dense(size_t nslot, size_t nsyn, cz_source_index how) {
  if (how != CZ_SOURCE_INDEX_AUTO) return how == CZ_SOURCE_INDEX_DENSE;
  const size_t bytes = (nslot + 1) * sizeof(size_t);
  return bytes <= DENSE_SMALL_BYTES || bytes <= nsyn / 4;
}

/* The unary code of the counts, the place of every 64th 0 and the 0s before each block
 * (cz_syn_index). The code has whole blocks, its bits past the last slot's 0 set to 1, so
 * that no 0 follows the last slot's. */
static cz_status index_sparse(cz_syn_index *ix, const uint32_t *count, size_t nslot, size_t nsyn) {
  const size_t nbits = nslot + nsyn, nwords = (nbits / 512 + 1) * 8;
  ix->nblocks = nwords / 8;
  ix->code = cz_alloc_huge(nwords + 1, sizeof *ix->code);
  ix->zero_at = cz_calloc(nslot / 64 + 1, sizeof *ix->zero_at);
  ix->zeros_before = cz_calloc(ix->nblocks + 1, sizeof *ix->zeros_before);
  CZ_CHECK(ix->code && ix->zero_at && ix->zeros_before, CZ_ERR_NOMEM,
           "out of memory indexing a table of %zu synapses", nsyn);
  memset(ix->code, 0, (nwords + 1) * sizeof *ix->code);
  size_t bit = 0;
  for (size_t s = 0; s < nslot; s++) {
    for (uint32_t k = 0; k < count[s]; k++, bit++) ix->code[bit >> 6] |= UINT64_C(1) << (bit & 63);
    if ((s & 63) == 0) ix->zero_at[s >> 6] = bit;
    bit++; /* the 0 ending slot s */
  }
  for (; bit < nwords * 64; bit++) ix->code[bit >> 6] |= UINT64_C(1) << (bit & 63);
  ix->code[nwords] = ~UINT64_C(0);
  size_t zeros = 0;
  for (size_t b = 0; b < ix->nblocks; b++) {
    ix->zeros_before[b] = zeros;
    for (size_t w = 8 * b; w < 8 * b + 8; w++) zeros += (size_t)__builtin_popcountll(~ix->code[w]);
  }
  return CZ_OK;
}

cz_status cz_syn_index_build(cz_syn_index *ix, const cz_sources *src, const uint32_t *count, cz_source_index how) {
  memset(ix, 0, sizeof *ix);
  ix->src = src;
  const size_t nslot = src->nslot;
  size_t nsyn = 0;
  for (size_t s = 0; s < nslot; s++) nsyn += count[s];
  ix->nsyn = nsyn;
  if (!index_dense(nslot, nsyn, how)) return index_sparse(ix, count, nslot, nsyn);
  CZ_NEW(ix->off, nslot + 1);
  for (size_t s = 0; s < nslot; s++) ix->off[s + 1] = ix->off[s] + count[s];
  return CZ_OK;
}

void cz_syn_index_free(cz_syn_index *ix) {
  free(ix->off);
  free(ix->code);
  free(ix->zero_at);
  free(ix->zeros_before);
  memset(ix, 0, sizeof *ix);
}

size_t cz_syn_index_bytes(const cz_syn_index *ix) {
  const size_t nslot = ix->src ? ix->src->nslot : 0;
  if (ix->off) return (nslot + 1) * sizeof *ix->off;
  if (!ix->code) return 0;
  return (ix->nblocks * 8 + 1) * sizeof *ix->code + (nslot / 64 + 1) * sizeof *ix->zero_at +
         ix->nblocks * sizeof *ix->zeros_before;
}

/* ------------------------------------------------------------------ public */

/* One line of the tables' bytes (rank 0's): per synapse, per source seen here, per gid. */
static void log_memory(const cz_network *net) {
  cz_net_mem m;
  cz_net_memory(net, &m);
  const double nsyn = m.nsyn ? (double)m.nsyn : 1.0, nslot = m.nslot ? (double)m.nslot : 1.0;
  cz_log_info("Synapse tables: %zu synapses from %zu sources of %zu gids; %.2f bytes per synapse in the tables, "
              "%.2f in the thread indexes (%.2f per source); %.2f bytes per gid in the source table, %.2f in the gid "
              "map; send lists %zu bytes",
              m.nsyn, m.nslot, m.ngid, (double)(m.synapses + m.plastic) / nsyn, (double)m.index / nsyn, (double)m.index / nslot,
              m.ngid ? (double)m.sources / (double)m.ngid : 0.0, m.ngid ? (double)m.gid_map / (double)m.ngid : 0.0,
              m.send_lists);
}

cz_net_layout cz_net_layout_default(void) {
  return (cz_net_layout){.weight_codes = true,
                         .packed_targets = true,
                         .fill_grouped = false,
                         .edge_threads = true,
                         .edge_batch = 0,
                         .source_index = CZ_SOURCE_INDEX_AUTO};
}

/* Bytes of the per-synapse columns of a static table. */
static size_t static_bytes(const cz_synapses *s) {
  size_t per = sizeof *s->tgt;
  if (s->delay) per += sizeof *s->delay;
  if (s->wcode) per += sizeof *s->wcode;
  else if (s->weightf) per += sizeof *s->weightf;
  else if (s->weight) per += sizeof *s->weight;
  return per * s->nsyn;
}

static size_t plastic_bytes(const cz_plastic *p) {
  return p->nsyn * (sizeof *p->tgt + sizeof *p->delay + sizeof *p->model + sizeof *p->edge + sizeof *p->state);
}

void cz_net_memory(const cz_network *net, cz_net_mem *out) {
  memset(out, 0, sizeof *out);
  out->nslot = net->sources.nslot;
  out->ngid = net->gm.nsrc;
  for (int t = 0; net->syn && t < net->nthreads; t++) {
    out->nsyn += net->syn[t].nsyn;
    out->synapses += static_bytes(&net->syn[t]);
    out->index += cz_syn_index_bytes(&net->syn[t].index);
  }
  for (int t = 0; net->plastic && t < net->nthreads; t++) {
    out->nsyn += net->plastic[t].nsyn;
    out->plastic += plastic_bytes(&net->plastic[t]);
    out->index += cz_syn_index_bytes(&net->plastic[t].index);
  }
  out->sources = net->sources.word ? (net->gm.nsrc / 64 + 1) * sizeof *net->sources.word : 0;
  out->gid_map = cz_gidmap_bytes(&net->gm);
  if (net->send_off)
    out->send_lists = (net->N + 1) * sizeof *net->send_off + net->send_off[net->N] * sizeof *net->send_rank;
}

static cz_status build(cz_network *net, const cz_config *cfg, edge_source *src, int nthreads,
                       const uint32_t *rank_of_gid) {
  const cz_circuit *c = src->c;
  CZ_TRY(cz_timegrid_init(&net->tg, cfg->dt, cfg->tstop, CZ_NEST_TICS_PER_MS));
  net->noffgrid = cfg->nedges;
  CZ_NEW(net->offgrid, cfg->nedges + 1);
  net->nthreads = nthreads < 1 ? 1 : nthreads;
  net->nch = 1;
  CZ_CHECK(c->nnodes > 0, CZ_ERR_CONFIG, "%s: the network has no node populations", cfg->path);
  size_t *pop_sizes = NULL;
  CZ_NEW(pop_sizes, c->nnodes);
  for (size_t p = 0; p < c->nnodes; p++) pop_sizes[p] = c->nodes[p].n;
  cz_status gst = cz_gidmap_init(&net->gm, pop_sizes, c->nnodes, 0);
  free(pop_sizes);
  CZ_TRY(gst);
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) net->N += is_local(net, rank_of_gid, c, p, i);
  CZ_TRY(cz_gidmap_set_nlocal(&net->gm, net->N));
  const cz_model_kind **kinds = NULL;
  CZ_TRY(resolve_kinds(c, &kinds));
  cz_status st = assign_groups(net, c, kinds, rank_of_gid);
  free(kinds);
  CZ_TRY(st);
  CZ_TRY(set_neuron_params(net, c, net->nthreads));
  net->nsyn_models = c->nsyn_models;
  CZ_CHECK(c->nsyn_models <= UINT16_MAX, CZ_ERR_CONFIG, "%s: more than %d synapse models (edge types with parameters)",
           cfg->path, UINT16_MAX);
  CZ_NEW(net->syn_params, c->nsyn_models + 1);
  CZ_NEW(net->syn_rec, c->nsyn_models + 1);
  CZ_NEW(net->syn_resolved, c->nsyn_models + 1);
  CZ_TRY(cz_wrecs_parse(cfg, &net->wrecs));
  for (uint32_t nid = 0; nid < net->N; nid++) /* the ring holds a row per receptor port */
    if (ports_of(net, nid) > net->nch) net->nch = ports_of(net, nid);
  src->net = net;
  CZ_TRY(build_synapses(net, src));
  return CZ_OK;
}

static cz_status build_with(const cz_config *cfg, edge_source *src, int nthreads, int rank, int nranks,
                            const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_network **out) {
  cz_network *net = NULL;
  CZ_NEW(net, 1);
  net->layout = layout ? *layout : cz_net_layout_default();
  src->batch_edges = net->layout.edge_batch;
  net->rank = rank;
  net->nranks = nranks < 1 ? 1 : nranks;
  cz_status st = build(net, cfg, src, nthreads, rank_of_gid);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_net_destroy(&net);
    return st;
  }
  *out = net;
  return CZ_OK;
}

cz_status cz_net_build(const cz_config *cfg, const cz_circuit *c, int nthreads, int rank, int nranks,
                       const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_network **out) {
  /* preloaded: the passes only read the circuit */
  edge_source src = {.c = (cz_circuit *)c, .streamed = false, .cfg = cfg, .rank_of_gid = rank_of_gid};
  return build_with(cfg, &src, nthreads, rank, nranks, rank_of_gid, layout, out);
}

cz_status cz_net_build_streamed(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                                const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_network **out) {
  CZ_CHECK(c->nedges == 0, CZ_ERR_INTERNAL, "cz_net_build_streamed: the circuit's edges are already loaded");
  edge_source src = {.c = c, .streamed = true, .cfg = cfg, .rank_of_gid = rank_of_gid};
  return build_with(cfg, &src, nthreads, rank, nranks, rank_of_gid, layout, out);
}

cz_status cz_net_build_read(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                            const uint32_t *rank_of_gid, const cz_net_layout *layout, cz_net_edge_reader read,
                            void *ctx, cz_network **out) {
  edge_source src = {.c = c, .streamed = true, .cfg = cfg, .rank_of_gid = rank_of_gid, .read = read, .read_ctx = ctx};
  return build_with(cfg, &src, nthreads, rank, nranks, rank_of_gid, layout, out);
}

void cz_net_destroy(cz_network **pnet) {
  if (!pnet || !*pnet) return;
  cz_network *net = *pnet;
  free(net->offgrid);
  for (size_t j = 0; j < net->ngroups; j++)
    if (net->groups[j].impl) net->groups[j].kind->destroy(net->groups[j].impl);
  free(net->groups);
  for (int t = 0; net->syn && t < net->nthreads; t++) {
    cz_syn_index_free(&net->syn[t].index);
    free(net->syn[t].tgt);
    free(net->syn[t].delay);
    free(net->syn[t].weight);
    free(net->syn[t].wcode);
    free(net->syn[t].weightf);
  }
  free(net->wtab);
  free(net->syn);
  for (int t = 0; net->plastic && t < net->nthreads; t++) {
    cz_plastic *p = &net->plastic[t];
    cz_syn_index_free(&p->index);
    free(p->tgt);
    free(p->delay);
    free(p->model);
    free(p->edge);
    free(p->state);
  }
  free(net->plastic);
  for (size_t n = 0; net->archive && n < net->N; n++) cz_post_archive_free(&net->archive[n]);
  free(net->archive);
  free(net->syn_params);
  free(net->syn_rec);
  free(net->syn_resolved);
  cz_wrecs_free(&net->wrecs);
  free(net->thr_lo);
  cz_sources_free(&net->sources);
  cz_gidmap_free(&net->gm);
  free(net->send_off);
  free(net->send_rank);
  free(net);
  *pnet = NULL;
}
