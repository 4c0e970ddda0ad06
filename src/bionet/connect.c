#include "bionet/connect.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sort.h"
#include "bionet/build.h"
#include "bionet/edge_order.h"
#include "bionet/gap_table.h"
#include "base/mt19937.h"
#include "bionet/replay.h"
#include "bionet/syn_activity.h"
#include "bionet/syn_placement.h"
#include "core/stimulus/ecephys.h"
#include "core/stimulus/spike_train.h"
#include "io/csv.h"
#include "io/edge_columns.h"
#include "io/node_sets.h"
#include "io/spike_input.h"

static cz_status add_netcon(cz_bio_netcons *nc, uint64_t src, uint32_t target, double w, double delay,
                            uint32_t type_id) {
  if (nc->n == nc->cap) {
    const size_t cap = nc->cap ? 2 * nc->cap : 256;
    CZ_TRY(cz_resize((void **)&nc->type_id, cap, sizeof *nc->type_id));
    CZ_TRY(cz_resize((void **)&nc->src, cap, sizeof *nc->src));
    CZ_TRY(cz_resize((void **)&nc->target, cap, sizeof *nc->target));
    CZ_TRY(cz_resize((void **)&nc->w, cap, sizeof *nc->w));
    CZ_TRY(cz_resize((void **)&nc->delay, cap, sizeof *nc->delay));
    nc->cap = cap;
  }
  nc->src[nc->n] = src;
  nc->target[nc->n] = target;
  nc->w[nc->n] = w;
  nc->type_id[nc->n] = type_id;
  nc->delay[nc->n++] = delay;
  return CZ_OK;
}

void cz_bio_netcons_free(cz_bio_netcons *nc) {
  free(nc->src);
  free(nc->target);
  free(nc->w);
  free(nc->delay);
  free(nc->type_id);
  memset(nc, 0, sizeof *nc);
}

/* The first of two columns the population has (NULL values when neither). */
static cz_status first_column(const cz_edge_pop *e, const char *a, const char *b, double **out, const char **which) {
  bool has = false;
  *out = NULL;
  *which = NULL;
  CZ_TRY(cz_edge_column_exists(e, a, &has));
  if (has) {
    *which = a;
    return cz_edge_column_read(e, a, out);
  }
  CZ_TRY(cz_edge_column_exists(e, b, &has));
  if (!has) return CZ_OK;
  *which = b;
  return cz_edge_column_read(e, b, out);
}

/* A synapse's parameters from its synapse model JSON (NEURON's defaults where absent): Exp2Syn's
 * tau1, tau2, erev, or for BMTK's expsyn an ExpSyn of tau = tau1 (*single). */
static cz_status synapse_params(const cz_circuit *c, const cz_edge_pop *e, size_t i, bool *single, double *tau1,
                                double *tau2, double *erev) {
  const cz_syn_model *sm = &c->syn_models[cz_edge_syn_model(e, i)];
  const char *t = sm->template_str;
  CZ_CHECK(t && (strcasecmp(t, "exp2syn") == 0 || strcasecmp(t, "expsyn") == 0), CZ_ERR_CONFIG,
           "%s: edge population %s: model_template \"%s\" onto a detailed cell is not one Cadenza runs (Exp2Syn, "
           "ExpSyn)",
           e->types_table ? e->types_table->path : e->file, e->name, t ? t : "(none)");
  *single = strcasecmp(t, "expsyn") == 0;
  *tau1 = *single ? 2.0 : 0.1; /* ExpSyn's and Exp2Syn's NEURON defaults */
  *tau2 = 10.0;
  *erev = 0.0;
  static const char *const keys[3] = {"tau1", "tau2", "erev"};
  double *vals[3] = {tau1, tau2, erev};
  for (int k = 0; k < 3; k++) {
    const cJSON *v = sm->params ? cJSON_GetObjectItemCaseSensitive(sm->params, keys[k]) : NULL;
    if (!v) continue;
    CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_CONFIG, "%s: %s must be a number",
             sm->params_file ? sm->params_file : e->file, keys[k]);
    *vals[k] = v->valuedouble;
  }
  CZ_CHECK(*tau1 > 0 && (*single || *tau2 > 0), CZ_ERR_CONFIG, "%s: tau1 and tau2 must be positive",
           sm->params_file ? sm->params_file : e->file);
  return CZ_OK;
}

/* The sign of an instantaneous synapse (its JSON's "sign", 1 when absent). */
static double synapse_sign(const cz_circuit *c, const cz_edge_pop *e, size_t i) {
  const cz_syn_model *sm = &c->syn_models[cz_edge_syn_model(e, i)];
  const cJSON *v = sm->params ? cJSON_GetObjectItemCaseSensitive(sm->params, "sign") : NULL;
  return cJSON_IsNumber(v) ? v->valuedouble : 1.0;
}

static cz_status edge_values(const cz_edge_pop *e, size_t i, double *w, double *delay, double *nsyns) {
  *w = e->col.syn_weight ? e->col.syn_weight[i] : e->types[e->type[i]].col.syn_weight;
  *delay = e->col.delay ? e->col.delay[i] : e->types[e->type[i]].col.delay;
  *nsyns = cz_edge_nsyns(e, i);
  CZ_CHECK(isfinite(*w) && isfinite(*delay) && *delay >= 0, CZ_ERR_FORMAT,
           "%s: edge %llu of %s: syn_weight %g and delay %g must be numbers (delay >= 0)", e->file,
           (unsigned long long)cz_edge_file_row(e, i), e->name, *w, *delay);
  CZ_CHECK(isnan(*nsyns) || (*nsyns >= 0 && *nsyns == floor(*nsyns) && isfinite(*nsyns)), CZ_ERR_FORMAT,
           "%s: edge %llu of %s: nsyns %g must be a whole number >= 0", e->file, (unsigned long long)cz_edge_file_row(e, i),
           e->name, *nsyns);
  return CZ_OK;
}

/* One edge population as the thread connects it: its location columns, and each edge type's
 * placement rule, parsed when an edge first needs it. */
typedef struct pop_view {
  const cz_edge_pop *e;
  bool recurrent;     /* from a population that is not purely virtual */
  cz_bio_replay *replay; /* the replay it came from, or NULL */
  double *sec, *pos;
  const char *sec_name, *pos_name;
  cz_syn_rule *rule;  /* [ntypes] */
  uint8_t *parsed;    /* [ntypes] */
  uint8_t *tuning;    /* [ntypes] 1 where the type's weight_function is gaussianLL */
  uint32_t *type_id;  /* [ntypes] each type's edge_type_id */
  double *sigma;      /* [n] weight_sigma, read when a type needs it */
  uint8_t *gap;       /* [ntypes] 1 where the type's is_gap_junction is true */
  bool any_gap, warned_nsyns;
  size_t *src_off;    /* [ncells + 1] the gap edges from each detailed cell of the thread (CSR), or NULL */
  size_t *src_edges;
} pop_view;

/* A cell's placement stream: seeded by its BMTK gid when it first draws. */
typedef struct cell_rng {
  cz_mt19937 mt;
  bool seeded;
  uint32_t seed;
  uint32_t *cand;  /* scratch [segments] */
  double *p, *cdf; /* scratch [segments] */
  size_t *pick;    /* scratch [most nsyns] */
  size_t cap_pick;
} cell_rng;

/* The x NEURON gives a point process placed at x on a section of nseg segments (its node's). */
static double node_x(double x, uint32_t nseg) {
  if (x <= 0 || x >= 1) return x <= 0 ? 0.0 : 1.0;
  uint32_t k = (uint32_t)(x * nseg);
  if (k >= nseg) k = nseg - 1;
  return (k + 0.5) / nseg;
}

/* A synapse of edge i of e on cell `cell`, section sec at x (its node). */
static cz_status add_synapse(cz_bio_thread *th, const cz_circuit *c, const cz_edge_pop *e, size_t i, size_t cell,
                             size_t sec, double x, uint32_t *target) {
  const cz_cell_nodes *map = &th->cells.map[cell];
  const uint32_t node = (uint32_t)cz_cell_node_at(map, sec, x);
  const double at = node_x(x, map->nseg[sec]);
  double tau1 = 0, tau2 = 0, erev = 0;
  bool single = false;
  CZ_TRY(synapse_params(c, e, i, &single, &tau1, &tau2, &erev));
  size_t k = 0;
  if (single) {
    CZ_TRY(cz_expsyn_add(&th->esyn, node, tau1, erev, &k));
    cz_expsyn_place(&th->esyn, k, (uint32_t)cell, (uint32_t)sec, at);
    *target = cz_ev_target(CZ_EV_EXPSYN, (uint32_t)k);
    return CZ_OK;
  }
  CZ_TRY(cz_exp2syn_add(&th->syn, node, tau1, tau2, erev, &k));
  cz_exp2syn_place(&th->syn, k, (uint32_t)cell, (uint32_t)sec, at);
  *target = cz_ev_target(CZ_EV_SYNAPSE, (uint32_t)k);
  return CZ_OK;
}

/* BMTK's gaussianLL (§5.2): syn_weight exp(-(Δ/σ)²), Δ the angular distance of the source's
 * and target's tuning_angle folded into [0, 90] degrees, σ the edge's weight_sigma. */
static cz_status tuned_weight(const cz_circuit *c, const pop_view *v, size_t i, double *w) {
  const cz_edge_pop *e = v->e;
  const cz_value ts = cz_circuit_node_attr(&c->nodes[e->source_pop], e->source_row[i], "tuning_angle");
  const cz_value tt = cz_circuit_node_attr(&c->nodes[e->target_pop], e->target_row[i], "tuning_angle");
  const double sigma = v->sigma ? v->sigma[i] : NAN;
  CZ_CHECK(ts.kind == CZ_VAL_NUM && tt.kind == CZ_VAL_NUM && isfinite(sigma) && sigma > 0, CZ_ERR_FORMAT,
           "%s: edge %llu of %s: weight_function gaussianLL needs the tuning_angle of both nodes and a positive "
           "weight_sigma",
           e->file, (unsigned long long)cz_edge_file_row(e, i), e->name);
  *w = cz_bio_tuning_weight(*w, sigma, ts.num, tt.num);
  return CZ_OK;
}

double cz_bio_tuning_weight(double w0, double sigma, double theta_source, double theta_target) {
  const double delta = fabs(fabs(fabs(180.0 - fmod(fabs(theta_target - theta_source), 360.0)) - 90.0) - 90.0);
  return w0 * exp(-(delta / sigma) * (delta / sigma));
}

/* An Exp2Syn at the edge's preselected location. */
static cz_status preselected(cz_bio_thread *th, const cz_circuit *c, const pop_view *v, size_t i, size_t cell,
                             uint32_t *target) {
  const cz_edge_pop *e = v->e;
  const cz_cell_nodes *map = &th->cells.map[cell];
  const double s = v->sec[i], x = v->pos && !isnan(v->pos[i]) ? v->pos[i] : 0.5;
  CZ_CHECK((s >= 0 && s < (double)map->nsec && floor(s) == s) && (x >= 0 && x <= 1), CZ_ERR_FORMAT,
           "%s: edge %llu of %s: %s %g, %s %g is not a location on its target (%zu sections)", e->file,
           (unsigned long long)cz_edge_file_row(e, i), e->name, v->sec_name, s, v->pos_name ? v->pos_name : "x", x,
           map->nsec);
  return add_synapse(th, c, e, i, cell, (size_t)s, x, target);
}

/* The placement rule of edge i's type. */
static cz_status rule_of(pop_view *v, size_t i, const cz_syn_rule **out) {
  const cz_edge_pop *e = v->e;
  const uint32_t t = e->type[i];
  if (!v->parsed[t]) {
    const cz_csv *tt = e->types_table;
    const int cs = tt ? cz_csv_col(tt, "target_sections") : -1, cd = tt ? cz_csv_col(tt, "distance_range") : -1;
    const int cid = tt ? cz_csv_col(tt, "edge_type_id") : -1;
    char where[1024];
    snprintf(where, sizeof where, "%s: edge type %s", tt ? tt->path : e->file,
             cid >= 0 && cz_csv_cell(tt, t, (size_t)cid) ? cz_csv_cell(tt, t, (size_t)cid) : "?");
    CZ_TRY(cz_syn_rule_parse(cs >= 0 ? cz_csv_cell(tt, t, (size_t)cs) : NULL, cd >= 0 ? cz_csv_cell(tt, t, (size_t)cd) : NULL,
                             where, &v->rule[t]));
    v->parsed[t] = 1;
  }
  *out = &v->rule[t];
  return CZ_OK;
}

/* What drives a connection's target: its source through a NetCon, or, under syn_activity for a
 * recurrent connection, the block's timestamps (source matching the filter) or nothing (a
 * NetCon of weight 0); a replayed one, its source's recorded times. Queued times come with a
 * played NetCon (CZ_NETCON_PLAYED), as BMTK's VecStim NetCons, for the reports. */
static cz_status wire(cz_bio_thread *th, const cz_circuit *c, const cz_bio_spont *spont, const pop_view *v, size_t i,
                      uint64_t src, uint32_t target, double w, double delay, cz_bio_netcons *nc) {
  if (v->replay) { /* the recorded times of the source, not its live spikes */
    const double *times = NULL;
    size_t n = 0;
    CZ_TRY(cz_bio_replay_times(v->replay, c, v->e->source_pop, v->e->source_row[i], &times, &n));
    for (size_t k = 0; k < n; k++) CZ_TRY(cz_bio_queue_push(&th->queue, times[k] + delay, target, w));
    return add_netcon(nc, src | CZ_NETCON_PLAYED, target, w, delay, v->type_id[v->e->type[i]]);
  }
  const uint32_t type_id = v->type_id[v->e->type[i]];
  if (!spont || !spont->active || !v->recurrent) return add_netcon(nc, src, target, w, delay, type_id);
  bool match = false;
  CZ_TRY(cz_bio_spont_matches(spont, &c->nodes[v->e->source_pop], v->e->source_row[i], &match));
  if (!match) return add_netcon(nc, src, target, 0.0, delay, type_id);
  for (size_t k = 0; k < spont->n; k++) CZ_TRY(cz_bio_queue_push(&th->queue, spont->times[k] + delay, target, w));
  return add_netcon(nc, src | CZ_NETCON_PLAYED, target, w, delay, type_id);
}

/* BMTK's random placement (§5.4): nsyns segments drawn from the cell's stream among those of
 * the type's target_sections overlapping its distance_range, an Exp2Syn and a NetCon each. */
static cz_status random_placement(cz_bio_thread *th, const cz_circuit *c, const cz_bio_spont *spont, pop_view *v,
                                  size_t i, size_t cell, cell_rng *rng, double nsyns, double w, double delay, uint64_t src,
                                  cz_bio_netcons *nc) {
  const cz_edge_pop *e = v->e;
  const cz_syn_rule *r = NULL;
  CZ_TRY(rule_of(v, i, &r));
  CZ_CHECK(th->cells.segtab, CZ_ERR_INTERNAL, "%s: the cells were built without segment tables", e->name);
  const cz_seg_table *t = &th->cells.segtab[cell];
  size_t n = 0;
  cz_syn_candidates(t, r->types, r->ntypes, r->dmin, r->dmax, rng->cand, rng->p, &n);
  CZ_CHECK(n > 0, CZ_ERR_FORMAT,
           "%s: edge %llu of %s: no segment of its target is in target_sections within distance_range [%g, %g] µm",
           e->file, (unsigned long long)cz_edge_file_row(e, i), e->name, r->dmin, r->dmax);
  const size_t k = (size_t)nsyns;
  CZ_RESERVE(rng->pick, rng->cap_pick, k + 1);
  if (!rng->seeded) {
    cz_mt_seed(&rng->mt, rng->seed);
    rng->seeded = true;
  }
  cz_mt_choice(&rng->mt, rng->p, n, k, rng->cdf, rng->pick);
  for (size_t j = 0; j < k; j++) {
    const uint32_t seg = rng->cand[rng->pick[j]];
    uint32_t target = 0;
    CZ_TRY(add_synapse(th, c, e, i, cell, t->sec[seg], t->x[seg], &target));
    CZ_TRY(wire(th, c, spont, v, i, src, target, w, delay, nc));
  }
  return CZ_OK;
}

static bool truthy(const char *s) {
  return s && (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcmp(s, "1.0") == 0);
}

/* Which types are gap junctions (the types file's is_gap_junction). BMTK's builder writes it
 * there; a per-edge column is refused rather than half read. */
static cz_status gap_types(const cz_circuit *c, const cz_edge_pop *e, pop_view *v) {
  const cz_csv *t = e->types_table;
  const int col = t ? cz_csv_col(t, "is_gap_junction") : -1;
  for (size_t r = 0; col >= 0 && r < e->ntypes && r < t->nrows; r++) v->any_gap |= v->gap[r] = truthy(cz_csv_cell(t, r, (size_t)col));
  bool has = false;
  if (col < 0) CZ_TRY(cz_edge_column_exists(e, "is_gap_junction", &has));
  CZ_CHECK(!has, CZ_ERR_CONFIG,
           "%s: edge population %s: is_gap_junction is an edge column; Cadenza reads it from the edge types file (%s), "
           "where BMTK's builder writes it",
           e->file, e->name, t ? t->path : "edge_types_file");
  CZ_CHECK(!v->any_gap || e->source_pop == e->target_pop, CZ_ERR_CONFIG,
           "%s: is_gap_junction: edge population %s joins %s to %s; gap junctions join nodes of one population", t->path,
           e->name, c->nodes[e->source_pop].name, c->nodes[e->target_pop].name);
  return CZ_OK;
}

static bool is_gap(const pop_view *v, size_t i) { return v->any_gap && v->gap[v->e->type[i]]; }

/* A gap junction joins two detailed cells. */
static cz_status check_gap_ends(const cz_circuit *c, const cz_edge_pop *e, size_t i, const char *where) {
  const uint32_t rows[2] = {e->source_row[i], e->target_row[i]};
  const cz_node_pop *p = &c->nodes[e->source_pop];
  for (int k = 0; k < 2; k++) {
    const cz_value m = cz_circuit_node_attr(p, rows[k], "model_type");
    CZ_CHECK(m.kind == CZ_VAL_STR && strcmp(m.str, "biophysical") == 0, CZ_ERR_CONFIG,
             "%s: is_gap_junction: node %llu of %s is %s; gap junctions join biophysical cells", where,
             (unsigned long long)cz_node_id(p, rows[k]), p->name, m.kind == CZ_VAL_STR ? m.str : "not biophysical");
  }
  return CZ_OK;
}

/* The section of one segment drawn from the cell's stream among the type's candidates, as a
 * one-synapse edge draws (nsyns > 1 still makes one junction, as in BMTK; said once). */
static cz_status drawn_gap_section(cz_bio_thread *th, pop_view *v, size_t i, size_t cell, cell_rng *rng, double nsyns,
                                   const char *where, size_t *sec) {
  const cz_syn_rule *r = NULL;
  CZ_TRY(rule_of(v, i, &r));
  CZ_CHECK(th->cells.segtab, CZ_ERR_INTERNAL, "%s: the cells were built without segment tables", v->e->name);
  const cz_seg_table *t = &th->cells.segtab[cell];
  size_t n = 0;
  cz_syn_candidates(t, r->types, r->ntypes, r->dmin, r->dmax, rng->cand, rng->p, &n);
  CZ_CHECK(n > 0, CZ_ERR_FORMAT, "%s: no segment of its cell is in target_sections within distance_range [%g, %g] µm",
           where, r->dmin, r->dmax);
  if (nsyns > 1 && !v->warned_nsyns) {
    cz_log_warn("%s: is_gap_junction with nsyns %g: one junction per edge, as BMTK makes", where, nsyns);
    v->warned_nsyns = true;
  }
  CZ_RESERVE(rng->pick, rng->cap_pick, 2);
  if (!rng->seeded) {
    cz_mt_seed(&rng->mt, rng->seed);
    rng->seeded = true;
  }
  cz_mt_choice(&rng->mt, rng->p, n, 1, rng->cdf, rng->pick);
  *sec = t->sec[rng->cand[rng->pick[0]]];
  return CZ_OK;
}

/* The end of gap edge i on `cell` of th, at its edge's target (side 0) or source (side 1):
 * a Gap of g = syn_weight at x = 0.5 of its section (inputs-spec.md §6.2). */
static cz_status gap_end(cz_bio_thread *th, const cz_circuit *c, const cz_bio_cell_index *ix, pop_view *v, size_t i,
                         size_t cell, cell_rng *rng, int side) {
  const cz_edge_pop *e = v->e;
  const cz_node_pop *p = &c->nodes[e->source_pop];
  char where[1200];
  snprintf(where, sizeof where, "%s: edge %llu of %s", e->file, (unsigned long long)cz_edge_file_row(e, i), e->name);
  CZ_CHECK(ix->gaps, CZ_ERR_CONFIG, "%s: is_gap_junction: the config has no networks.gap_juncs", where);
  CZ_TRY(check_gap_ends(c, e, i, where));
  uint64_t j = 0;
  CZ_TRY(cz_bio_gap_table_junction(ix->gaps, p->name, cz_node_id(p, e->source_row[i]), cz_node_id(p, e->target_row[i]),
                                   where, &j));
  double w = 0, delay = 0, nsyns = 0;
  CZ_TRY(edge_values(e, i, &w, &delay, &nsyns));
  const cz_cell_nodes *map = &th->cells.map[cell];
  size_t sec = 0;
  if (v->sec && !isnan(v->sec[i])) {
    const double s = v->sec[i];
    CZ_CHECK(s >= 0 && s < (double)map->nsec && floor(s) == s, CZ_ERR_FORMAT,
             "%s: %s %g is not a section of its %s (%zu sections)", where, v->sec_name, s, side ? "source" : "target",
             map->nsec);
    sec = (size_t)s;
  } else {
    CZ_TRY(drawn_gap_section(th, v, i, cell, rng, nsyns, where, &sec));
  }
  const uint32_t partner_row = side ? e->target_row[i] : e->source_row[i];
  const cz_status st = cz_gap_add(&th->gap, (uint32_t)cz_cell_node_at(map, sec, 0.5), w, 2 * j + (uint64_t)side,
                                  ix->pop_offset[e->source_pop] + partner_row);
  return st == CZ_OK ? CZ_OK : cz_error_prefix(st, "%s: syn_weight", where);
}

/* The gap edges of a view by source cell of the thread, each cell's in the order of its
 * source index (file rows). */
typedef struct src_edge {
  size_t unit;
  uint64_t row;
  size_t i;
} src_edge;

static int by_unit_row(const void *a, const void *b) {
  const src_edge *x = a, *y = b;
  if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

static cz_status gap_sources(pop_view *v, const size_t *pop_offset, const size_t *unit, size_t ncells) {
  const cz_edge_pop *e = v->e;
  src_edge *s = cz_calloc(e->n + 1, sizeof *s);
  CZ_CHECK(s, CZ_ERR_NOMEM, "out of memory");
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    const size_t u = unit[pop_offset[e->source_pop] + e->source_row[i]];
    if (is_gap(v, i) && u < ncells) s[n++] = (src_edge){u, cz_edge_file_row(e, i), i};
  }
  qsort(s, n, sizeof *s, by_unit_row);
  v->src_off = cz_calloc(ncells + 2, sizeof *v->src_off);
  v->src_edges = cz_calloc(n + 1, sizeof *v->src_edges);
  cz_status st = v->src_off && v->src_edges ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    v->src_off[s[k].unit + 1]++;
    v->src_edges[k] = s[k].i;
  }
  for (size_t u = 0; st == CZ_OK && u < ncells; u++) v->src_off[u + 1] += v->src_off[u];
  free(s);
  return st;
}

/* Edge i of a population onto detailed cell `cell`: preselected, else random placement. */
/* Whether a replayed edge is in its replay's node sets (network edges always are). */
static bool replayed(const pop_view *v, size_t i) {
  const cz_edge_pop *e = v->e;
  return !v->replay ||
         (v->replay->source[e->source_pop][e->source_row[i]] && v->replay->target[e->target_pop][e->target_row[i]]);
}

static cz_status connect_to_cell(cz_bio_thread *th, const cz_circuit *c, const cz_bio_spont *spont,
                                 const cz_bio_cell_index *ix, pop_view *v, size_t i, size_t cell, cell_rng *rng,
                                 cz_bio_netcons *nc) {
  const cz_edge_pop *e = v->e;
  const size_t *pop_offset = ix->pop_offset;
  if (!replayed(v, i)) return CZ_OK;
  if (is_gap(v, i)) return gap_end(th, c, ix, v, i, cell, rng, 0);
  double w = 0, delay = 0, nsyns = 0;
  CZ_TRY(edge_values(e, i, &w, &delay, &nsyns));
  if (v->tuning[e->type[i]]) CZ_TRY(tuned_weight(c, v, i, &w));
  const uint64_t src = pop_offset[e->source_pop] + e->source_row[i];
  if (v->sec && !isnan(v->sec[i])) {
    uint32_t target = 0;
    CZ_TRY(preselected(th, c, v, i, cell, &target));
    return wire(th, c, spont, v, i, src, target, w, delay, nc);
  }
  CZ_CHECK(!isnan(nsyns), CZ_ERR_FORMAT,
           "%s: edge %llu of %s onto a detailed cell has neither a section (sec_id, afferent_section_id) nor nsyns for "
           "random placement",
           e->file, (unsigned long long)cz_edge_file_row(e, i), e->name);
  return random_placement(th, c, spont, v, i, cell, rng, nsyns, w, delay, src, nc);
}

/* Edge i onto artificial cell `art`: a NetCon of weight syn_weight, times the synapse's sign
 * and nsyns where its group has nsyns (BMTK's rule). */
static cz_status connect_to_art(cz_bio_thread *th, const cz_circuit *c, const cz_bio_spont *spont, const size_t *pop_offset,
                                const pop_view *v, size_t i, size_t art, cz_bio_netcons *nc) {
  const cz_edge_pop *e = v->e;
  if (!replayed(v, i)) return CZ_OK;
  CZ_CHECK(!is_gap(v, i), CZ_ERR_CONFIG, "%s: edge %llu of %s: is_gap_junction onto an artificial cell; gap junctions join "
           "biophysical cells", e->file, (unsigned long long)cz_edge_file_row(e, i), e->name);
  double w = 0, delay = 0, nsyns = 0;
  CZ_TRY(edge_values(e, i, &w, &delay, &nsyns));
  if (v->tuning[e->type[i]]) CZ_TRY(tuned_weight(c, v, i, &w));
  if ((!v->sec || isnan(v->sec[i])) && !isnan(nsyns)) w = w * synapse_sign(c, e, i) * nsyns;
  return wire(th, c, spont, v, i, pop_offset[e->source_pop] + e->source_row[i],
              cz_ev_target(CZ_EV_ARTIFICIAL, (uint32_t)art), w, delay, nc);
}

static cz_status open_view(const cz_circuit *c, const cz_edge_pop *e, pop_view *v) {
  memset(v, 0, sizeof *v);
  v->e = e;
  const cz_node_pop *src = &c->nodes[e->source_pop];
  v->recurrent = !(src->n > 0 && src->nvirtual == src->n);
  CZ_TRY(first_column(e, "sec_id", "afferent_section_id", &v->sec, &v->sec_name));
  CZ_TRY(first_column(e, "sec_x", "afferent_section_pos", &v->pos, &v->pos_name));
  CZ_NEW(v->rule, e->ntypes + 1);
  CZ_NEW(v->parsed, e->ntypes + 1);
  CZ_NEW(v->tuning, e->ntypes + 1);
  CZ_NEW(v->type_id, e->ntypes + 1);
  CZ_NEW(v->gap, e->ntypes + 1);
  CZ_TRY(gap_types(c, e, v));
  const cz_csv *t = e->types_table;
  const int tid = t ? cz_csv_col(t, "edge_type_id") : -1;
  for (size_t r = 0; tid >= 0 && r < e->ntypes && r < t->nrows; r++) {
    const char *id = cz_csv_cell(t, r, (size_t)tid);
    v->type_id[r] = id ? (uint32_t)strtoul(id, NULL, 10) : 0;
  }
  const int wf = t ? cz_csv_col(t, "weight_function") : -1;
  bool tuned = false;
  for (size_t r = 0; wf >= 0 && r < e->ntypes && r < t->nrows; r++) {
    const char *name = cz_csv_cell(t, r, (size_t)wf);
    tuned |= v->tuning[r] = name && strcmp(name, "gaussianLL") == 0;
  }
  if (tuned) {
    bool has = false;
    CZ_TRY(cz_edge_column_exists(e, "weight_sigma", &has));
    if (has) CZ_TRY(cz_edge_column_read(e, "weight_sigma", &v->sigma));
  }
  return CZ_OK;
}

static void close_view(pop_view *v) {
  free(v->sec);
  free(v->pos);
  free(v->rule);
  free(v->parsed);
  free(v->tuning);
  free(v->type_id);
  free(v->sigma);
  free(v->gap);
  free(v->src_off);
  free(v->src_edges);
}

static void free_rng(cell_rng *r) {
  free(r->cand);
  free(r->p);
  free(r->cdf);
  free(r->pick);
}

/* Room for the candidates of the thread's largest cell. */
static cz_status size_rng(const cz_bio_thread *th, cell_rng *r) {
  size_t most = 1;
  for (size_t k = 0; th->cells.segtab && k < th->cells.ncells; k++)
    if (th->cells.segtab[k].n > most) most = th->cells.segtab[k].n;
  r->cand = cz_calloc(most, sizeof *r->cand);
  r->p = cz_calloc(most, sizeof *r->p);
  r->cdf = cz_calloc(most, sizeof *r->cdf);
  CZ_CHECK(r->cand && r->p && r->cdf, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* The BMTK gid of a target unit, from one of its edges: population offset plus node id. */
static uint32_t bmtk_gid(const cz_circuit *c, const size_t *pop_offset, const cz_edge_pop *e, size_t i) {
  const cz_node_pop *p = &c->nodes[e->target_pop];
  return (uint32_t)(pop_offset[e->target_pop] + cz_node_id(p, e->target_row[i]));
}

/* The source ends of the gap edges from detailed cell u in view v, after its target ends. */
static cz_status connect_gap_sources(cz_bio_thread *th, const cz_circuit *c, const cz_bio_cell_index *ix, pop_view *v,
                                     size_t u, cell_rng *rng) {
  for (size_t j = v->src_off[u]; j < v->src_off[u + 1]; j++) {
    const size_t i = v->src_edges[j];
    const cz_node_pop *p = &c->nodes[v->e->source_pop];
    if (!rng->seeded) rng->seed = (uint32_t)(ix->pop_offset[v->e->source_pop] + cz_node_id(p, v->e->source_row[i]));
    CZ_TRY(gap_end(th, c, ix, v, i, u, rng, 1));
  }
  return CZ_OK;
}

/* Every unit's edges, population by population in draw order. */
static cz_status connect_units(cz_bio_thread *th, const cz_circuit *c, const cz_bio_spont *spont, const cz_bio_cell_index *ix,
                               const cz_edge_plan *plan, pop_view *views, cz_bio_netcons *nc) {
  cell_rng rng;
  memset(&rng, 0, sizeof rng);
  cz_status st = size_rng(th, &rng);
  const size_t ncells = th->cells.ncells;
  for (size_t u = 0; st == CZ_OK && u < plan->nunits; u++) {
    rng.seeded = false;
    for (size_t k = 0; st == CZ_OK && k < plan->npops; k++) {
      for (size_t j = plan->off[k][u]; st == CZ_OK && j < plan->off[k][u + 1]; j++) {
        const size_t i = plan->edges[k][j];
        if (!rng.seeded) rng.seed = bmtk_gid(c, ix->pop_offset, views[k].e, i);
        st = u < ncells ? connect_to_cell(th, c, spont, ix, &views[k], i, u, &rng, nc)
                        : connect_to_art(th, c, spont, ix->pop_offset, &views[k], i, u - ncells, nc);
      }
      if (st == CZ_OK && views[k].src_off && u < ncells) st = connect_gap_sources(th, c, ix, &views[k], u, &rng);
    }
  }
  free_rng(&rng);
  return st;
}

cz_status cz_bio_connect_edges(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                               const cz_bio_replay_links *rl, cz_bio_netcons *nc) {
  const size_t ngid = ix->pop_offset[c->nnodes], ncells = th->cells.ncells;
  size_t *unit = cz_calloc(ngid + 1, sizeof *unit);
  CZ_CHECK(unit, CZ_ERR_NOMEM, "out of memory");
  for (size_t g = 0; g < ngid; g++) {
    const size_t art = ix->art_of_gid ? ix->art_of_gid[g] : SIZE_MAX;
    unit[g] = ix->cell_of_gid[g] != SIZE_MAX ? ix->cell_of_gid[g] : art != SIZE_MAX ? ncells + art : SIZE_MAX;
  }
  cz_edge_plan plan;
  cz_status st = cz_edge_plan_build(cfg, c, ix->pop_offset, unit, ncells + th->art.n, rl ? rl->input_of_pop : NULL, &plan);
  pop_view *views = st == CZ_OK ? cz_calloc(plan.npops + 1, sizeof *views) : NULL;
  cz_bio_spont spont = {0};
  if (st == CZ_OK && !views) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = cz_bio_spont_read(cfg, &spont);
  for (size_t k = 0; st == CZ_OK && k < plan.npops; k++) {
    st = open_view(c, &c->edges[plan.pop[k]], &views[k]);
    views[k].replay = rl ? rl->replay[plan.pop[k]] : NULL;
    if (st == CZ_OK && views[k].any_gap && views[k].replay)
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: is_gap_junction: the edges of a replay cannot be gap junctions",
                    views[k].e->types_table->path);
    if (st == CZ_OK && views[k].any_gap) st = gap_sources(&views[k], ix->pop_offset, unit, ncells);
  }
  free(unit);
  if (st == CZ_OK) st = connect_units(th, c, &spont, ix, &plan, views, nc);
  cz_bio_spont_free(&spont);
  for (size_t k = 0; views && k < plan.npops; k++) close_view(&views[k]);
  free(views);
  cz_edge_plan_free(&plan);
  return st;
}

cz_status cz_bio_route_spike(cz_bio_thread *th, const cz_bio_netcons *nc, const size_t *order, uint64_t gid, double t,
                             size_t *nevents) {
  size_t lo = 0, hi = nc->n; /* the first NetCon of gid */
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (nc->src[order[mid]] < gid) lo = mid + 1;
    else hi = mid;
  }
  for (size_t j = lo; j < nc->n && nc->src[order[j]] == gid; j++) {
    const size_t k = order[j];
    CZ_TRY(cz_bio_queue_push(&th->queue, t + nc->delay[k], nc->target[k], nc->w[k]));
    ++*nevents;
  }
  return CZ_OK;
}

static bool spike_module(const char *m) {
  static const char *const ok[] = {"sonata", "h5", "hdf5", "csv", "nwb"};
  for (size_t i = 0; m && i < sizeof ok / sizeof *ok; i++)
    if (strcmp(m, ok[i]) == 0) return true;
  return false;
}

cz_status cz_bio_netcons_by_source(const cz_bio_netcons *nc, size_t **order) {
  int64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * nc->n + 2);
  for (size_t k = 0; k < nc->n; k++) {
    pairs[2 * k] = (int64_t)nc->src[k];
    pairs[2 * k + 1] = (int64_t)k;
  }
  cz_sort_i64_pairs(pairs, nc->n);
  *order = cz_calloc(nc->n + 1, sizeof **order);
  if (*order)
    for (size_t k = 0; k < nc->n; k++) (*order)[k] = (size_t)pairs[2 * k + 1];
  free(pairs);
  CZ_CHECK(*order, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* The events of one population's trains through the NetCons of its gids. */
static cz_status queue_trains(cz_bio_thread *th, const cz_node_pop *p, size_t offset, const cz_spike_trains *tr,
                              const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b) {
  for (size_t s = 0; s < tr->n; s++) {
    size_t row = 0;
    if (!cz_circuit_row_of(p, tr->node_ids[s], &row)) continue;
    CZ_CHECK(tr->timestamps[s] >= 0, CZ_ERR_FORMAT, "config: inputs.%s: spike time %g of node %llu is negative in %s",
             b->name, tr->timestamps[s], (unsigned long long)tr->node_ids[s], b->file);
    size_t nevents = 0;
    CZ_TRY(cz_bio_route_spike(th, nc, order, offset + row, tr->timestamps[s], &nevents));
  }
  return CZ_OK;
}

static cz_status queue_block(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                             const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b);

/* An ecephys_probe block: the trains of the populations it drives (a population another spike
 * input drives keeps that input's times, BMTK's VirtualCell cache). Times < 0 are refused,
 * 0 allowed (BioNet's rule, inputs-spec.md §5.4). */
static cz_status queue_ecephys(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                               const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b) {
  cz_ecephys *e = NULL;
  CZ_TRY(cz_ecephys_open(cfg, b, c, &e));
  cz_status st = CZ_OK;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    if (!cz_ecephys_drives(e, p)) continue;
    cz_spike_trains *tr = NULL;
    st = cz_ecephys_trains(e, p, &tr);
    if (st == CZ_OK) st = queue_trains(th, &c->nodes[p], ix->pop_offset[p], tr, nc, order, b);
    cz_spike_trains_destroy(&tr);
  }
  cz_ecephys_destroy(&e);
  return st;
}

cz_status cz_bio_queue_spike_inputs(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                                    const cz_bio_netcons *nc) {
  size_t *order = NULL;
  CZ_TRY(cz_bio_netcons_by_source(nc, &order));
  cz_status st = CZ_OK;
  for (size_t i = 0; st == CZ_OK && i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled || !cz_input_is_spikes(b)) continue;
    st = cz_input_is_ecephys(b) ? queue_ecephys(th, cfg, c, ix, nc, order, b) : queue_block(th, cfg, c, ix, nc, order, b);
  }
  free(order);
  return st;
}

/* One spike input block: its file's trains for every population its node set selects. */
static cz_status queue_block(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                             const cz_bio_netcons *nc, const size_t *order, const cz_cfg_block *b) {
  CZ_CHECK(spike_module(b->module), CZ_ERR_CONFIG, "config: inputs.%s: module \"%s\" is not sonata, h5, csv or nwb in %s",
           b->name, b->module ? b->module : "", b->file);
  const cJSON *file = cJSON_GetObjectItemCaseSensitive(b->json, "input_file");
  CZ_CHECK(cJSON_IsString(file), CZ_ERR_CONFIG, "config: missing key \"inputs.%s.input_file\" in %s", b->name, b->file);
  const char *module = strcmp(b->module, "h5") == 0 || strcmp(b->module, "hdf5") == 0 ? "sonata" : b->module;
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  char where[256];
  snprintf(where, sizeof where, "inputs.%s.node_set", b->name);
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "config: missing key \"inputs.%s.node_set\" in %s", b->name, b->file);
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  cz_status st = CZ_OK;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    if (sel->n[p] == 0) continue;
    cz_spike_trains *tr = NULL;
    st = cz_spike_input_read(file->valuestring, module, c->nodes[p].name, &tr);
    if (st == CZ_OK) st = queue_trains(th, &c->nodes[p], ix->pop_offset[p], tr, nc, order, b);
    cz_spike_trains_destroy(&tr);
  }
  cz_ns_selection_destroy(&sel);
  return st;
}
