#include "popnet/network.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/csv.h"
#include "io/spike_input.h"

/* ------------------------------------------------------------------ population JSON */

static cz_status number_key(const cJSON *j, const char *file, const char *key, double dflt, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
  *out = dflt;
  if (!v || cJSON_IsNull(v)) return CZ_OK;
  CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_CONFIG, "%s: %s must be a number", file, key);
  *out = v->valuedouble;
  return CZ_OK;
}

static cz_status method_key(const cJSON *j, const char *file, cz_pop_params *out) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "update_method");
  out->method = CZ_POP_APPROX; /* DiPDE's default */
  if (!m || cJSON_IsNull(m)) return CZ_OK;
  CZ_CHECK(cJSON_IsString(m), CZ_ERR_CONFIG, "%s: update_method must be \"gmres\" or \"approx\"", file);
  if (strcmp(m->valuestring, "gmres") == 0) out->method = CZ_POP_DIRECT;
  else
    CZ_CHECK(strcmp(m->valuestring, "approx") == 0, CZ_ERR_CONFIG,
             "%s: update_method \"%s\" is not one Cadenza runs (gmres, approx)", file, m->valuestring);
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "approx_order");
  out->approx_order = -1;
  if (o && !cJSON_IsNull(o)) {
    CZ_CHECK(cJSON_IsNumber(o) && o->valuedouble >= 1 && o->valuedouble == floor(o->valuedouble) &&
                 o->valuedouble < 1e6, CZ_ERR_CONFIG, "%s: approx_order must be null or a whole number >= 1", file);
    out->approx_order = (int)o->valuedouble;
  }
  return CZ_OK;
}

cz_status cz_popnet_params_parse(const cJSON *j, const char *file, cz_pop_params *out) {
  static const char *const known[] = {"tau_m", "v_min", "v_max", "dv", "record", "update_method", "approx_order",
                                      "tol", "initial_firing_rate", "p0", "norm", NULL};
  CZ_CHECK(cJSON_IsObject(j), CZ_ERR_CONFIG, "%s: a population's parameters must be a JSON object", file);
  for (const cJSON *k = j->child; k; k = k->next) {
    bool ok = false;
    for (int i = 0; known[i] && !ok; i++) ok = strcmp(k->string, known[i]) == 0;
    CZ_CHECK(ok, CZ_ERR_CONFIG, "%s: key %s is not a parameter of a DiPDE internal population", file, k->string);
  }
  memset(out, 0, sizeof *out);
  CZ_TRY(number_key(j, file, "tau_m", 0.02, &out->tau_m));
  CZ_TRY(number_key(j, file, "v_min", -0.1, &out->v_min));
  CZ_TRY(number_key(j, file, "v_max", 0.02, &out->v_max));
  CZ_TRY(number_key(j, file, "dv", 1e-4, &out->dv));
  CZ_TRY(number_key(j, file, "tol", 1e-14, &out->tol));
  CZ_TRY(number_key(j, file, "initial_firing_rate", 0.0, &out->initial_rate));
  CZ_CHECK(out->tau_m > 0, CZ_ERR_CONFIG, "%s: tau_m must be positive (s), not %g", file, out->tau_m);
  CZ_CHECK(out->dv > 0, CZ_ERR_CONFIG, "%s: dv must be positive (V), not %g", file, out->dv);
  CZ_CHECK(out->v_min < out->v_max, CZ_ERR_CONFIG, "%s: v_min %g must be below v_max %g (V)", file, out->v_min,
           out->v_max);
  CZ_CHECK(out->tol > 0, CZ_ERR_CONFIG, "%s: tol must be positive, not %g", file, out->tol);
  const cJSON *rec = cJSON_GetObjectItemCaseSensitive(j, "record");
  CZ_CHECK(!rec || cJSON_IsBool(rec), CZ_ERR_CONFIG, "%s: record must be true or false", file);
  out->record = !rec || cJSON_IsTrue(rec);
  const cJSON *p0 = cJSON_GetObjectItemCaseSensitive(j, "p0"), *norm = cJSON_GetObjectItemCaseSensitive(j, "norm");
  CZ_CHECK(!p0 || cJSON_IsNull(p0), CZ_ERR_CONFIG,
           "%s: p0: Cadenza starts every density at 0 V (DiPDE's default); another initial density is not supported",
           file);
  CZ_CHECK(!norm || cJSON_IsNull(norm) || (cJSON_IsString(norm) && strcmp(norm->valuestring, "inf") == 0) ||
               (cJSON_IsNumber(norm) && isinf(norm->valuedouble)),
           CZ_ERR_CONFIG, "%s: norm: only the maximum norm (DiPDE's default) is supported", file);
  return method_key(j, file, out);
}

/* ------------------------------------------------------------------ populations */

typedef struct builder {
  const cz_config *cfg;
  const cz_circuit *c;
  cz_popnet_net *n;
  size_t cap_pop, cap_int, cap_ext, cap_conn;
  int *pop_input;    /* [c->nnodes] the input that names a virtual node population, -1 none */
  size_t *ext_first; /* [ninputs + 1] each input's first external population */
} builder;

static double type_id_of(const cz_node_pop *p, size_t row) {
  const cz_value v = cz_circuit_node_attr(p, row, "node_type_id");
  return v.kind == CZ_VAL_NUM ? v.num : NAN;
}

static bool find_pop(const cz_popnet_net *n, size_t from, size_t to, uint64_t type, size_t *at) {
  for (size_t i = from; i < to; i++)
    if (n->type_id[i] == type) {
      *at = i;
      return true;
    }
  return false;
}

static cz_status push_type(builder *b, uint64_t type) {
  cz_popnet_net *n = b->n;
  CZ_RESERVE(n->type_id, b->cap_pop, n->nint + n->next + 1);
  n->type_id[n->nint + n->next] = type;
  return CZ_OK;
}

static cz_status add_internal(builder *b, const cz_node_pop *p, size_t row, uint64_t type) {
  cz_popnet_net *n = b->n;
  const uint32_t m = cz_node_model(p, row);
  const cz_model_ref *mr = &b->c->models[m];
  const char *file = mr->params_file ? mr->params_file : p->file;
  CZ_CHECK(mr->params, CZ_ERR_CONFIG, "%s: node type %llu of population %s has no dynamics_params (the population's "
           "parameters, in components.population_models_dir)", p->file, (unsigned long long)type, p->name);
  CZ_RESERVE(n->prm, b->cap_int, n->nint + 1);
  CZ_TRY(cz_popnet_params_parse(mr->params, file, &n->prm[n->nint]));
  CZ_TRY(push_type(b, type));
  n->nint++;
  return CZ_OK;
}

static cz_status read_internal(builder *b) {
  for (size_t k = 0; k < b->c->nnodes; k++) {
    const cz_node_pop *p = &b->c->nodes[k];
    if (p->nvirtual == p->n) continue;
    CZ_CHECK(p->nvirtual == 0, CZ_ERR_CONFIG,
             "%s: node population %s mixes virtual and internal nodes, which PopNet cannot run (as BMTK's)", p->file,
             p->name);
    for (size_t row = 0; row < p->n; row++) {
      const double t = type_id_of(p, row);
      CZ_CHECK(t >= 0 && t == floor(t), CZ_ERR_FORMAT, "%s: node %llu of %s has no node_type_id", p->file,
               (unsigned long long)cz_node_id(p, row), p->name);
      size_t at = 0;
      if (!find_pop(b->n, 0, b->n->nint, (uint64_t)t, &at)) CZ_TRY(add_internal(b, p, row, (uint64_t)t));
    }
  }
  CZ_CHECK(b->n->nint > 0, CZ_ERR_CONFIG, "%s: networks.nodes has no internal population (all nodes are virtual)",
           b->cfg->path);
  return CZ_OK;
}

/* ------------------------------------------------------------------ external rates */

static cz_status rate_from_table(const cz_cfg_block *in, uint64_t type, double *rate) {
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(in->json, "rates");
  CZ_CHECK(cJSON_IsString(r), CZ_ERR_CONFIG, "%s: inputs.%s.rates: the table of rates (columns gid, firing_rate) is "
           "required", in->file, in->name);
  cz_csv *t = NULL;
  cz_status st = cz_csv_read(r->valuestring, &t);
  if (st != CZ_OK) return cz_error_prefix(st, "%s: inputs.%s.rates", in->file, in->name);
  const int cg = cz_csv_col(t, "gid"), cr = cz_csv_col(t, "firing_rate");
  if (cg < 0 || cr < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no column %s (inputs.%s.rates)", t->path, cg < 0 ? "gid" : "firing_rate", in->name);
  bool found = false;
  for (size_t row = 0; st == CZ_OK && row < t->nrows && !found; row++) {
    double g = NAN, f = NAN;
    const char *gs = cz_csv_cell(t, row, (size_t)cg), *fs = cz_csv_cell(t, row, (size_t)cr);
    if (!gs || !fs || !cz_parse_double(gs, &g) || !cz_parse_double(fs, &f))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: gid and firing_rate must be numbers", t->path, row + 2);
    else if (g == (double)type)
      found = true, *rate = f;
  }
  if (st == CZ_OK && !found)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no rate for the virtual node type %llu (its gid column holds node type ids; "
                  "inputs.%s)", t->path, (unsigned long long)type, in->name);
  cz_csv_destroy(&t);
  return st;
}

/* 1000 x the mean spike count of the type's nodes that spiked, over the span of their spikes. */
static cz_status rate_from_spikes(const cz_cfg_block *in, const cz_node_pop *p, uint64_t type, double *rate) {
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(in->json, "input_file");
  CZ_CHECK(cJSON_IsString(f), CZ_ERR_CONFIG, "config: missing key \"inputs.%s.input_file\" in %s", in->name, in->file);
  cz_spike_trains *tr = NULL;
  cz_status st = cz_spike_input_read(f->valuestring, in->module, p->name, &tr);
  if (st != CZ_OK) return cz_error_prefix(st, "%s: inputs.%s.input_file", in->file, in->name);
  double count = 0, nodes = 0, lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < tr->n;) {
    size_t j = i, row = 0;
    while (j < tr->n && tr->node_ids[j] == tr->node_ids[i]) j++;
    if (cz_circuit_row_of(p, tr->node_ids[i], &row) && type_id_of(p, row) == (double)type) {
      nodes++, count += (double)(j - i);
      for (size_t k = i; k < j; k++) lo = fmin(lo, tr->timestamps[k]), hi = fmax(hi, tr->timestamps[k]);
    }
    i = j;
  }
  cz_spike_trains_destroy(&tr);
  CZ_CHECK(nodes > 0 && hi > lo, CZ_ERR_FORMAT,
           "%s: the nodes of virtual type %llu have %s spikes (inputs.%s): no rate can be taken from them",
           f->valuestring, (unsigned long long)type, nodes > 0 ? "too few distinct" : "no", in->name);
  *rate = 1000.0 * (count / nodes) / (hi - lo);
  return CZ_OK;
}

static cz_status add_external(builder *b, const cz_cfg_block *in, const cz_node_pop *p, uint64_t type) {
  cz_popnet_net *n = b->n;
  double rate = 0;
  const bool spikes = in->input_type && strcmp(in->input_type, "spikes") == 0;
  CZ_TRY(spikes ? rate_from_spikes(in, p, type, &rate) : rate_from_table(in, type, &rate));
  CZ_CHECK(isfinite(rate) && rate >= 0, CZ_ERR_FORMAT, "%s: inputs.%s: the rate of virtual type %llu is %g Hz",
           in->file, in->name, (unsigned long long)type, rate);
  CZ_RESERVE(n->ext_rate, b->cap_ext, n->next + 1);
  CZ_TRY(push_type(b, type));
  n->ext_rate[n->next++] = rate;
  return CZ_OK;
}

static cz_status read_input(builder *b, size_t k) {
  const cz_cfg_block *in = &b->cfg->inputs[k];
  const cJSON *ns = in->node_set;
  CZ_CHECK(cJSON_IsString(ns), CZ_ERR_CONFIG, "%s: inputs.%s.node_set must name a virtual node population", in->file,
           in->name);
  const int pi = cz_circuit_find_pop(b->c, ns->valuestring);
  CZ_CHECK(pi >= 0, CZ_ERR_CONFIG, "%s: inputs.%s.node_set \"%s\" is not a node population of networks.nodes",
           in->file, in->name, ns->valuestring);
  const cz_node_pop *p = &b->c->nodes[pi];
  CZ_CHECK(p->n > 0 && p->nvirtual == p->n, CZ_ERR_CONFIG,
           "%s: inputs.%s.node_set \"%s\": PopNet inputs drive virtual node populations; this one is internal",
           in->file, in->name, ns->valuestring);
  CZ_CHECK(b->pop_input[pi] < 0, CZ_ERR_CONFIG, "%s: inputs.%s and inputs.%s both drive node population %s", in->file,
           b->cfg->inputs[b->pop_input[pi]].name, in->name, p->name);
  b->pop_input[pi] = (int)k;
  const size_t first = b->n->nint + b->n->next;
  for (size_t row = 0; row < p->n; row++) {
    const double t = type_id_of(p, row);
    CZ_CHECK(t >= 0 && t == floor(t), CZ_ERR_FORMAT, "%s: node %llu of %s has no node_type_id", p->file,
             (unsigned long long)cz_node_id(p, row), p->name);
    size_t at = 0;
    if (!find_pop(b->n, first, b->n->nint + b->n->next, (uint64_t)t, &at)) CZ_TRY(add_external(b, in, p, (uint64_t)t));
  }
  return CZ_OK;
}

/* ------------------------------------------------------------------ connections */

static cz_status add_conn(builder *b, size_t src, size_t dst, const cz_edge_pop *e, size_t i) {
  cz_popnet_net *n = b->n;
  for (size_t k = 0; k < n->nconn; k++)
    if (n->conn[k].src == src && n->conn[k].dst == dst) return CZ_OK; /* the first edge of a pair decides */
  const cz_edge_columns *tc = &e->types[e->type[i]].col;
  const double w = e->col.syn_weight ? e->col.syn_weight[i] : tc->syn_weight;
  const double d = e->col.delay ? e->col.delay[i] : tc->delay;
  double ns = e->col.nsyns ? e->col.nsyns[i] : tc->nsyns;
  if (isnan(ns)) ns = 1;
  CZ_CHECK(isfinite(w) && isfinite(d) && d >= 0 && ns >= 0, CZ_ERR_FORMAT,
           "%s: edge %llu of %s: syn_weight %g (V), delay %g (s) and nsyns %g must be numbers, delay and nsyns >= 0",
           e->file, (unsigned long long)cz_edge_file_row(e, i), e->name, w, d, ns);
  CZ_RESERVE(n->conn, b->cap_conn, n->nconn + 1);
  n->conn[n->nconn++] = (cz_popnet_conn){src, dst, ns, w, d};
  return CZ_OK;
}

/* The connections of edge population e, whose sources are populations [from, to). */
static cz_status read_edges(builder *b, const cz_edge_pop *e, size_t from, size_t to) {
  const cz_node_pop *sp = &b->c->nodes[e->source_pop], *tp = &b->c->nodes[e->target_pop];
  CZ_CHECK(tp->nvirtual == 0, CZ_ERR_CONFIG, "%s: edge population %s targets virtual nodes", e->file, e->name);
  for (size_t i = 0; i < e->n; i++) {
    size_t src = 0, dst = 0;
    const double st = type_id_of(sp, e->source_row[i]), tt = type_id_of(tp, e->target_row[i]);
    CZ_CHECK(find_pop(b->n, from, to, (uint64_t)st, &src) && find_pop(b->n, 0, b->n->nint, (uint64_t)tt, &dst),
             CZ_ERR_INTERNAL, "%s: edge %zu of %s joins no known populations", e->file, i, e->name);
    CZ_TRY(add_conn(b, src, dst, e, i));
  }
  return CZ_OK;
}

static void drop_empty(cz_popnet_net *n) {
  size_t k = 0;
  for (size_t i = 0; i < n->nconn; i++)
    if (n->conn[i].nsyn != 0) n->conn[k++] = n->conn[i];
  n->nconn = k;
}

static cz_status read_connections(builder *b) {
  const cz_circuit *c = b->c;
  for (size_t k = 0; k < c->nedges; k++) {
    const cz_edge_pop *e = &c->edges[k];
    if (c->nodes[e->source_pop].nvirtual == 0) CZ_TRY(read_edges(b, e, 0, b->n->nint));
  }
  for (size_t in = 0; in < b->cfg->ninputs; in++) {
    for (size_t k = 0; k < c->nedges; k++) {
      const cz_edge_pop *e = &c->edges[k];
      if (b->pop_input[e->source_pop] == (int)in) CZ_TRY(read_edges(b, e, b->ext_first[in], b->ext_first[in + 1]));
    }
  }
  for (size_t k = 0; k < c->nedges; k++)
    if (c->nodes[c->edges[k].source_pop].nvirtual > 0 && b->pop_input[c->edges[k].source_pop] < 0)
      cz_log_info("edge population %s comes from node population %s, which no input drives: ignored, as BMTK does",
                  c->edges[k].name, c->nodes[c->edges[k].source_pop].name);
  drop_empty(b->n);
  return CZ_OK;
}

cz_status cz_popnet_net_read(const cz_config *cfg, const cz_circuit *c, cz_popnet_net *out) {
  memset(out, 0, sizeof *out);
  builder b = {.cfg = cfg, .c = c, .n = out};
  b.pop_input = cz_calloc(c->nnodes + 1, sizeof *b.pop_input);
  b.ext_first = cz_calloc(cfg->ninputs + 2, sizeof *b.ext_first);
  cz_status st = b.pop_input && b.ext_first ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; b.pop_input && k < c->nnodes; k++) b.pop_input[k] = -1;
  if (st == CZ_OK) st = read_internal(&b);
  for (size_t k = 0; st == CZ_OK && k < cfg->ninputs; k++) {
    b.ext_first[k] = out->nint + out->next;
    if (cfg->inputs[k].enabled) st = read_input(&b, k);
    b.ext_first[k + 1] = out->nint + out->next;
  }
  if (st == CZ_OK) st = read_connections(&b);
  free(b.pop_input);
  free(b.ext_first);
  if (st != CZ_OK) cz_popnet_net_free(out);
  return st;
}

void cz_popnet_net_free(cz_popnet_net *n) {
  free(n->type_id);
  free(n->prm);
  free(n->ext_rate);
  free(n->conn);
  memset(n, 0, sizeof *n);
}
