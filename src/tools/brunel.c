/* `cadenza generate brunel` (contract in tools/brunel.h).
 *
 * The folder is written piece by piece, config.json last (through a .part file renamed into
 * place), so a folder holding config.json is a complete one. Rank 0 writes the small files;
 * the edge files are written by all ranks together (tools/gen_edges.h), uncompressed, in
 * bounded rounds: memory stays bounded even for N = 1e5 (1.8e9 edges), and each target's
 * sources are a pure function of (seed, target, stream), so the files are the same bytes for
 * any number of ranks. */
#include "tools/brunel.h"
#include "tools/gen_folder.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/rng.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/h5.h"
#include "io/spikes_out.h"
#include "pointnet/models/iaf_common.h"
#include "tools/gen_edges.h"

/* Neuron parameters fixed by the contract (Brunel 2000, with V_reset = 10 mV). */
#define BR_TAU_M 20.0  /* ms */
#define BR_C_M 1.0     /* pF: with C_m = 1 a delta synapse of weight w moves V_m by w mV */
#define BR_E_L 0.0     /* mV */
#define BR_V_TH 20.0   /* mV */
#define BR_V_RESET 10.0 /* mV */
#define BR_T_REF 2.0   /* ms */
#define BR_ALPHA_C_M 250.0    /* pF, alpha variant */
#define BR_ALPHA_TAU_SYN 0.5  /* ms, alpha variant */

#define BR_TYPE_EXC 100u /* node and edge type ids of excitatory cells / sources */
#define BR_TYPE_INH 101u
#define BR_TYPE_EXT 200u

#define BR_POP "brunel"
#define BR_EXT_POP "external"
#define BR_TIC_MS 0.001 /* NEST's time resolution; dt must be a multiple (as pointnet/modules.c checks) */

cz_brunel_params cz_brunel_defaults(void) {
  cz_brunel_params p = {
      .n_neurons = 10000, .g = 5.0, .eta = 2.0, .J = 0.1, .epsilon = 0.1, .delay = 1.5, .tstop = 1000.0, .dt = 0.1, .seed = 1,
      .overwrite = false};
  return p;
}

/* ---- parameters ------------------------------------------------------------------------ */

static long br_round_share(long n, long num, long den) { return (n * num + den / 2) / den; }

static cz_status br_check_params(const cz_brunel_params *p) {
  CZ_CHECK(p->n_neurons >= 10, CZ_ERR_ARG, "brunel: the number of neurons must be at least 10 (got %ld)",
           p->n_neurons);
  /* Keeps the products below far from overflow; the uint32 limit is checked on the sizes. */
  CZ_CHECK(p->n_neurons <= 10000000L, CZ_ERR_ARG, "brunel: %ld neurons is too many (at most 1e7)", p->n_neurons);
  CZ_CHECK(isfinite(p->g), CZ_ERR_ARG, "brunel: g must be a finite number (got %g)", p->g);
  CZ_CHECK(isfinite(p->eta) && p->eta >= 0, CZ_ERR_ARG, "brunel: eta must be a finite number >= 0 (got %g)",
           p->eta);
  CZ_CHECK(isfinite(p->J) && p->J > 0, CZ_ERR_ARG, "brunel: J must be a finite number > 0 mV (got %g)", p->J);
  CZ_CHECK(p->epsilon > 0 && p->epsilon <= 1, CZ_ERR_ARG, "brunel: epsilon must be in (0, 1] (got %g)", p->epsilon);
  CZ_CHECK(isfinite(p->dt) && p->dt > 0, CZ_ERR_ARG, "brunel: dt must be a finite number > 0 ms (got %g)", p->dt);
  double tics = nearbyint(p->dt / BR_TIC_MS);
  CZ_CHECK(tics >= 1 && fabs(p->dt - tics * BR_TIC_MS) <= 1e-9 * p->dt, CZ_ERR_ARG,
           "brunel: dt must be a multiple of %g ms (got %.17g)", BR_TIC_MS, p->dt);
  CZ_CHECK(isfinite(p->delay) && p->delay >= p->dt, CZ_ERR_ARG,
           "brunel: the delay must be a finite number >= dt = %g ms (got %g)", p->dt, p->delay);
  CZ_CHECK(isfinite(p->tstop) && p->tstop > 0, CZ_ERR_ARG, "brunel: tstop must be a finite number > 0 ms (got %g)",
           p->tstop);
  return CZ_OK;
}

cz_status cz_brunel_sizes_of(const cz_brunel_params *p, cz_brunel_sizes *out) {
  memset(out, 0, sizeof *out);
  CZ_TRY(br_check_params(p));
  long n = p->n_neurons;
  cz_brunel_sizes s;
  s.n_exc = br_round_share(n, 4, 5);
  s.n_inh = n - s.n_exc;
  s.c_exc = (long)llround(p->epsilon * (double)s.n_exc);
  s.c_inh = (long)llround(p->epsilon * (double)s.n_inh);
  if (s.c_exc < 1) s.c_exc = 1;
  if (s.c_inh < 1) s.c_inh = 1;
  s.n_rec_edges = (uint64_t)n * (uint64_t)(s.c_exc + s.c_inh);
  s.n_ext_edges = (uint64_t)n * (uint64_t)s.c_exc;
  /* BMTK stores edge_group_index as uint32 and this generator writes it the same way. */
  CZ_CHECK(s.n_rec_edges <= UINT32_MAX, CZ_ERR_ARG,
           "brunel: %ld neurons give %llu recurrent edges, more than a uint32 edge_group_index can count", n,
           (unsigned long long)s.n_rec_edges);
  if (p->alpha) {
    s.w_exc = p->J / cz_alpha_psp_peak(BR_TAU_M, BR_ALPHA_TAU_SYN, BR_ALPHA_C_M);
    s.nu_thr = 1000.0 * BR_V_TH * BR_ALPHA_C_M / (s.w_exc * (double)s.c_exc * M_E * BR_TAU_M * BR_ALPHA_TAU_SYN);
  } else {
    s.w_exc = p->J;
    s.nu_thr = 1000.0 * BR_V_TH / (p->J * (double)s.c_exc * BR_TAU_M); /* 1/ms -> Hz */
  }
  s.nu_ext = p->eta * s.nu_thr;
  *out = s;
  return CZ_OK;
}

/* ---- small file helpers ---------------------------------------------------------------- */

/* Everything the writers need. */
typedef struct br_ctx {
  const cz_brunel_params *p;
  cz_brunel_sizes s;
  const char *dir;
} br_ctx;

/* ---- components and type tables -------------------------------------------------------- */

static cJSON *br_cell_params_json(bool alpha) {
  cJSON *o = cJSON_CreateObject();
  const struct {
    const char *key;
    double value;
  } params[] = {{"tau_m", BR_TAU_M},     {"C_m", alpha ? BR_ALPHA_C_M : BR_C_M},
                {"E_L", BR_E_L},         {"V_th", BR_V_TH},
                {"V_reset", BR_V_RESET}, {"t_ref", BR_T_REF},
                {"I_e", 0.0},            {"tau_syn_ex", BR_ALPHA_TAU_SYN},
                {"tau_syn_in", BR_ALPHA_TAU_SYN}};
  const size_t n = sizeof params / sizeof params[0] - (alpha ? 0 : 2); /* iaf_psc_delta has no tau_syn */
  for (size_t i = 0; o && i < n; i++) {
    if (!cJSON_AddNumberToObject(o, params[i].key, params[i].value)) {
      cJSON_Delete(o);
      return NULL;
    }
  }
  return o;
}

/* The two cell files hold the same values: they exist so that a modeller can vary them. */
static cz_status br_write_components(const br_ctx *c) {
  CZ_TRY(cz_gen_write_json(c->dir, "components/cell_models/exc.json", br_cell_params_json(c->p->alpha), false));
  CZ_TRY(cz_gen_write_json(c->dir, "components/cell_models/inh.json", br_cell_params_json(c->p->alpha), false));
  CZ_TRY(cz_gen_write_json(c->dir, "components/synaptic_models/static.json", cJSON_CreateObject(), false));
  return CZ_OK;
}

static cz_status br_write_type_tables(const br_ctx *c) {
  static const char alpha[] = "node_type_id model_type model_template dynamics_params pop_name ei\n"
                              "100 point_neuron nest:iaf_psc_alpha exc.json excitatory e\n"
                              "101 point_neuron nest:iaf_psc_alpha inh.json inhibitory i\n";
  static const char delta[] = "node_type_id model_type model_template dynamics_params pop_name ei\n"
                              "100 point_neuron nest:iaf_psc_delta exc.json excitatory e\n"
                              "101 point_neuron nest:iaf_psc_delta inh.json inhibitory i\n";
  CZ_TRY(cz_gen_write_text(c->dir, "network/brunel_node_types.csv", c->p->alpha ? alpha : delta));
  CZ_TRY(cz_gen_write_text(c->dir, "network/external_node_types.csv",
                       "node_type_id model_type pop_name ei\n"
                       "200 virtual external e\n"));
  char w_exc[32], w_inh[32], delay[32], *text = NULL;
  cz_gen_format_double(c->s.w_exc, w_exc, sizeof w_exc);
  cz_gen_format_double(-c->p->g * c->s.w_exc, w_inh, sizeof w_inh);
  cz_gen_format_double(c->p->delay, delay, sizeof delay);
  const char *header = "edge_type_id target_query source_query syn_weight delay dynamics_params model_template\n";
  CZ_TRY(cz_asprintf(&text,
                     "%s100 * ei=='e' %s %s static.json static_synapse\n"
                     "101 * ei=='i' %s %s static.json static_synapse\n",
                     header, w_exc, delay, w_inh, delay));
  cz_status st = cz_gen_write_text(c->dir, "network/brunel_brunel_edge_types.csv", text);
  free(text);
  CZ_TRY(st);
  CZ_TRY(cz_asprintf(&text, "%s200 * * %s %s static.json static_synapse\n", header, w_exc, delay));
  st = cz_gen_write_text(c->dir, "network/external_brunel_edge_types.csv", text);
  free(text);
  return st;
}

/* ---- HDF5 helpers ---------------------------------------------------------------------- */

/* ---- nodes ----------------------------------------------------------------------------- */

/* "/nodes/<pop>/<name>" in buf (population names here are short constants). */
static const char *br_node_path(char *buf, size_t n, const char *pop, const char *name) {
  snprintf(buf, n, "/nodes/%s/%s", pop, name);
  return buf;
}

/* The four per-node datasets of population pop: ids and group indices are 0..n-1, every node
 * is in group 0. */
static cz_status br_write_node_table(cz_h5file *f, const char *pop, const uint64_t *type_ids, size_t n) {
  uint64_t *rows = NULL;
  uint32_t *groups = NULL;
  CZ_NEW(rows, n);
  cz_status st = CZ_OK;
  groups = cz_calloc(n, sizeof *groups);
  if (!groups) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory writing %zu nodes", n);
  for (size_t i = 0; i < n; i++) rows[i] = i;
  char path[128];
  if (st == CZ_OK) st = cz_h5_write_u64(f, br_node_path(path, sizeof path, pop, "node_id"), rows, n, true);
  if (st == CZ_OK) st = cz_h5_write_u64(f, br_node_path(path, sizeof path, pop, "node_type_id"), type_ids, n, true);
  if (st == CZ_OK) st = cz_h5_write_u32(f, br_node_path(path, sizeof path, pop, "node_group_id"), groups, n, true);
  if (st == CZ_OK) st = cz_h5_write_u64(f, br_node_path(path, sizeof path, pop, "node_group_index"), rows, n, true);
  if (st == CZ_OK) st = cz_h5_create_group(f, br_node_path(path, sizeof path, pop, "0"));
  free(rows);
  free(groups);
  return st;
}

/* Initial potentials uniform in [0, V_th), one draw per neuron. */
static void br_draw_v_m(const br_ctx *c, double *v_m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double v = BR_V_TH * cz_rng_uniform(c->p->seed, i, CZ_BRUNEL_STREAM_V_M, 0);
    v_m[i] = v < BR_V_TH ? v : nextafter(BR_V_TH, 0.0); /* rounding must not reach V_th */
  }
}

static cz_status br_write_brunel_nodes_body(const br_ctx *c, cz_h5file *f) {
  size_t n = (size_t)c->p->n_neurons;
  uint64_t *types = NULL;
  double *v_m = NULL;
  CZ_NEW(types, n);
  cz_status st = CZ_OK;
  v_m = cz_calloc(n, sizeof *v_m);
  if (!v_m) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory writing %zu nodes", n);
  for (size_t i = 0; i < n; i++) types[i] = i < (size_t)c->s.n_exc ? BR_TYPE_EXC : BR_TYPE_INH;
  if (st == CZ_OK) st = br_write_node_table(f, BR_POP, types, n);
  if (st == CZ_OK) {
    br_draw_v_m(c, v_m, n);
    st = cz_h5_write_f64(f, "/nodes/" BR_POP "/0/dynamics_params/V_m", v_m, n, true);
  }
  free(types);
  free(v_m);
  return st;
}

static cz_status br_write_external_nodes_body(const br_ctx *c, cz_h5file *f) {
  size_t n = (size_t)c->s.n_exc;
  uint64_t *types = NULL;
  CZ_NEW(types, n);
  for (size_t i = 0; i < n; i++) types[i] = BR_TYPE_EXT;
  cz_status st = br_write_node_table(f, BR_EXT_POP, types, n);
  free(types);
  return st;
}

static cz_status br_write_nodes(const br_ctx *c) {
  cz_h5file *f = NULL;
  CZ_TRY(cz_gen_h5_create(c->dir, "network/brunel_nodes.h5", NULL, &f));
  CZ_TRY(cz_gen_h5_finish(&f, br_write_brunel_nodes_body(c, f)));
  CZ_TRY(cz_gen_h5_create(c->dir, "network/external_nodes.h5", NULL, &f));
  CZ_TRY(cz_gen_h5_finish(&f, br_write_external_nodes_body(c, f)));
  return CZ_OK;
}

/* ---- edges ----------------------------------------------------------------------------- */

/* Each target draws k sources uniformly from [first, first + count) of the source population;
 * those edges get type_id. */
typedef struct br_span {
  uint64_t first, count;
  long k;
  uint32_t type_id;
} br_span;

/* One edge population: every brunel neuron is a target of the same spans, drawn in order
 * from the generator keyed by (seed, target, stream). */
typedef struct br_edge_spec {
  const br_ctx *c;
  const char *file; /* relative to the folder */
  const char *pop;
  const char *source_pop;
  uint64_t stream;
  size_t nspans;
  br_span spans[2];
} br_edge_spec;

static long br_in_degree(const br_edge_spec *e) {
  long k = 0;
  for (size_t i = 0; i < e->nspans; i++) k += e->spans[i].k;
  return k;
}

/* Uniform integer in [0, n): 53 random bits scaled, so the bias is below n / 2^53. */
static inline uint64_t br_uniform_below(cz_rng *r, uint64_t n) {
  uint64_t v = (uint64_t)(cz_rng_next_uniform(r) * (double)n);
  return v < n ? v : n - 1;
}

/* The sources and type ids of target t's edges (weights and delays come from the types). */
static void br_draw_target(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  (void)w;
  (void)d;
  const br_edge_spec *e = ctx;
  cz_rng rng = cz_rng_make(e->c->p->seed, t, e->stream);
  size_t j = 0;
  for (size_t s = 0; s < e->nspans; s++) {
    const br_span *sp = &e->spans[s];
    for (long i = 0; i < sp->k; i++, j++) {
      src[j] = sp->first + br_uniform_below(&rng, sp->count);
      type[j] = sp->type_id;
    }
  }
}

/* Written by all ranks together, each drawing its share of the targets. */
static cz_status br_write_edge_file(const br_ctx *c, const br_edge_spec *e) {
  const uint64_t n = (uint64_t)c->p->n_neurons, k = (uint64_t)br_in_degree(e);
  uint64_t *off = NULL;
  CZ_NEW(off, n + 1);
  for (uint64_t t = 0; t <= n; t++) off[t] = t * k;
  const cz_gen_edges g = {c->dir, e->file, e->pop, e->source_pop, BR_POP, n, off, false, br_draw_target, e};
  cz_status st = cz_gen_write_edges(&g);
  free(off);
  return st;
}

static cz_status br_write_edges(const br_ctx *c) {
  const cz_brunel_sizes *s = &c->s;
  br_edge_spec rec = {
      .c = c,
      .file = "network/brunel_brunel_edges.h5",
      .pop = "brunel_to_brunel",
      .source_pop = BR_POP,
      .stream = CZ_BRUNEL_STREAM_RECURRENT,
      .nspans = 2,
      .spans = {{0, (uint64_t)s->n_exc, s->c_exc, BR_TYPE_EXC},
                {(uint64_t)s->n_exc, (uint64_t)s->n_inh, s->c_inh, BR_TYPE_INH}}};
  br_edge_spec ext = {
      .c = c,
      .file = "network/external_brunel_edges.h5",
      .pop = "external_to_brunel",
      .source_pop = BR_EXT_POP,
      .stream = CZ_BRUNEL_STREAM_EXTERNAL,
      .nspans = 1,
      .spans = {{0, (uint64_t)s->n_exc, s->c_exc, BR_TYPE_EXT}}};
  CZ_TRY(br_write_edge_file(c, &rec));
  CZ_TRY(br_write_edge_file(c, &ext));
  return CZ_OK;
}

/* ---- input spikes ---------------------------------------------------------------------- */

typedef struct br_spikes {
  size_t n, cap_t, cap_id;
  double *t;
  uint64_t *id;
} br_spikes;

static cz_status br_spikes_push(br_spikes *s, uint64_t id, double t) {
  CZ_RESERVE(s->t, s->cap_t, s->n + 1);
  CZ_RESERVE(s->id, s->cap_id, s->n + 1);
  s->t[s->n] = t;
  s->id[s->n] = id;
  s->n++;
  return CZ_OK;
}

/* A Poisson train for one external node over (0, tstop], as BMTK's PoissonSpikeGenerator
 * draws it (successive exponential intervals), in ms. */
static cz_status br_node_train(const br_ctx *c, uint64_t id, double rate_per_ms, br_spikes *out) {
  cz_rng rng = cz_rng_make(c->p->seed, id, CZ_BRUNEL_STREAM_SPIKES);
  double t = 0.0;
  for (;;) {
    t += -log1p(-cz_rng_next_uniform(&rng)) / rate_per_ms;
    if (t > c->p->tstop) return CZ_OK;
    if (t > 0) CZ_TRY(br_spikes_push(out, id, t)); /* an interval of exactly 0 cannot start the train */
  }
}

static cz_status br_generate_spikes(const br_ctx *c, br_spikes *out) {
  double rate_per_ms = c->s.nu_ext / 1000.0;
  if (!(rate_per_ms > 0)) return CZ_OK; /* eta = 0: silent inputs */
  /* Expected count plus a margin, so the arrays rarely grow. */
  size_t expect = (size_t)((double)c->s.n_exc * rate_per_ms * c->p->tstop * 1.01) + 16;
  CZ_RESERVE(out->t, out->cap_t, expect);
  CZ_RESERVE(out->id, out->cap_id, expect);
  for (uint64_t id = 0; id < (uint64_t)c->s.n_exc; id++) CZ_TRY(br_node_train(c, id, rate_per_ms, out));
  return CZ_OK;
}

/* The trains are generated by node, then time: already in by_id order. */
static cz_status br_write_spike_table(const br_ctx *c, const br_spikes *sp) {
  uint32_t *pops = NULL;
  CZ_NEW(pops, sp->n); /* all 0: the one population "external" */
  const char *names[1] = {BR_EXT_POP};
  cz_spike_table table = {
      .n = sp->n, .pop = pops, .node_ids = sp->id, .timestamps = sp->t, .npops = 1, .pop_names = names};
  char *path = NULL;
  cz_status st = cz_path_join(c->dir, "inputs/external_spikes.h5", &path);
  if (st == CZ_OK) st = cz_spikes_write_h5(path, &table, CZ_SORT_BY_ID, true);
  free(path);
  free(pops);
  return st;
}

static cz_status br_write_spikes(const br_ctx *c, size_t *n_spikes) {
  br_spikes sp = {0};
  cz_status st = br_generate_spikes(c, &sp);
  if (st == CZ_OK) st = br_write_spike_table(c, &sp);
  *n_spikes = sp.n;
  free(sp.t);
  free(sp.id);
  return st;
}

/* ---- config.json ----------------------------------------------------------------------- */

/* cJSON helpers that remember a failed allocation in *ok instead of checking each call. */
static cJSON *br_obj(cJSON *parent, const char *key, bool *ok) {
  cJSON *o = cJSON_AddObjectToObject(parent, key);
  if (!o) *ok = false;
  return o;
}

static void br_str(cJSON *o, const char *key, const char *value, bool *ok) {
  if (!cJSON_AddStringToObject(o, key, value)) *ok = false;
}

static void br_num(cJSON *o, const char *key, double value, bool *ok) {
  if (!cJSON_AddNumberToObject(o, key, value)) *ok = false;
}

static void br_bool(cJSON *o, const char *key, bool value, bool *ok) {
  if (!cJSON_AddBoolToObject(o, key, value)) *ok = false;
}

/* Appends {"<kind>s_file": "$NETWORK_DIR/<name>_<kind>s.h5", "<kind>_types_file": ...}. */
static void br_network_entry(cJSON *list, const char *kind, const char *name, bool *ok) {
  cJSON *e = cJSON_CreateObject();
  if (!e || !cJSON_AddItemToArray(list, e)) {
    cJSON_Delete(e);
    *ok = false;
    return;
  }
  char key[64], value[160];
  snprintf(key, sizeof key, "%ss_file", kind);
  snprintf(value, sizeof value, "$NETWORK_DIR/%s_%ss.h5", name, kind);
  br_str(e, key, value, ok);
  snprintf(key, sizeof key, "%s_types_file", kind);
  snprintf(value, sizeof value, "$NETWORK_DIR/%s_%s_types.csv", name, kind);
  br_str(e, key, value, ok);
}

static void br_config_manifest_run(const br_ctx *c, cJSON *root, bool *ok) {
  cJSON *m = br_obj(root, "manifest", ok);
  br_str(m, "$BASE_DIR", "${configdir}", ok);
  br_str(m, "$NETWORK_DIR", "$BASE_DIR/network", ok);
  br_str(m, "$COMPONENTS_DIR", "$BASE_DIR/components", ok);
  br_str(m, "$OUTPUT_DIR", "$BASE_DIR/output", ok);
  br_str(m, "$INPUT_DIR", "$BASE_DIR/inputs", ok);
  cJSON *run = br_obj(root, "run", ok);
  br_num(run, "tstop", c->p->tstop, ok);
  br_num(run, "dt", c->p->dt, ok);
  br_num(run, "nsteps_block", 5000, ok);
  br_str(root, "target_simulator", "NEST", ok);
}

static void br_config_io(cJSON *root, bool *ok) {
  cJSON *inputs = br_obj(root, "inputs", ok);
  cJSON *ext = br_obj(inputs, "external_spikes", ok);
  br_str(ext, "input_type", "spikes", ok);
  br_str(ext, "module", "sonata", ok);
  br_str(ext, "input_file", "$INPUT_DIR/external_spikes.h5", ok);
  br_str(ext, "node_set", BR_EXT_POP, ok);
  cJSON *out = br_obj(root, "output", ok);
  br_str(out, "log_file", "log.txt", ok);
  br_str(out, "output_dir", "$OUTPUT_DIR", ok);
  br_str(out, "spikes_file", "spikes.h5", ok);
  br_str(out, "spikes_file_csv", "spikes.csv", ok);
  br_str(out, "spikes_sort_order", "time", ok);
  br_bool(out, "overwrite_output_dir", true, ok);
}

/* A V_m report of the first five excitatory and the first five inhibitory neurons (fewer in
 * tiny networks), written in blocks of 5000 steps. */
static void br_config_report(const br_ctx *c, cJSON *root, bool *ok) {
  cJSON *reports = br_obj(root, "reports", ok);
  cJSON *r = br_obj(reports, "membrane_potential", ok);
  br_str(r, "module", "membrane_report", ok);
  br_str(r, "variable_name", "V_m", ok);
  br_str(r, "file_name", "membrane_potential.h5", ok);
  cJSON *cells = br_obj(r, "cells", ok);
  br_str(cells, "population", BR_POP, ok);
  cJSON *ids = cJSON_AddArrayToObject(cells, "node_id");
  if (!ids) {
    *ok = false;
    return;
  }
  const long spans[2][2] = {{0, c->s.n_exc}, {c->s.n_exc, c->s.n_inh}};
  for (int k = 0; k < 2; k++)
    for (long i = 0; i < 5 && i < spans[k][1]; i++) {
      cJSON *v = cJSON_CreateNumber((double)(spans[k][0] + i));
      if (!v || !cJSON_AddItemToArray(ids, v)) {
        cJSON_Delete(v);
        *ok = false;
      }
    }
}

static void br_config_network(cJSON *root, bool *ok) {
  cJSON *comp = br_obj(root, "components", ok);
  br_str(comp, "point_neuron_models_dir", "$COMPONENTS_DIR/cell_models", ok);
  br_str(comp, "synaptic_models_dir", "$COMPONENTS_DIR/synaptic_models", ok);
  cJSON *nets = br_obj(root, "networks", ok);
  cJSON *nodes = cJSON_AddArrayToObject(nets, "nodes");
  cJSON *edges = cJSON_AddArrayToObject(nets, "edges");
  if (!nodes || !edges) {
    *ok = false;
    return;
  }
  br_network_entry(nodes, "node", BR_POP, ok);
  br_network_entry(nodes, "node", BR_EXT_POP, ok);
  br_network_entry(edges, "edge", "brunel_brunel", ok);
  br_network_entry(edges, "edge", "external_brunel", ok);
}

static cz_status br_write_config(const br_ctx *c) {
  bool ok = true;
  cJSON *root = cJSON_CreateObject();
  if (!root) ok = false;
  br_config_manifest_run(c, root, &ok);
  br_config_io(root, &ok);
  br_config_network(root, &ok);
  br_config_report(c, root, &ok);
  if (!ok) {
    cJSON_Delete(root);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory building config.json");
  }
  CZ_TRY(cz_gen_write_json(c->dir, "config.json", root, true));
  return CZ_OK;
}

/* ---- driver ---------------------------------------------------------------------------- */

/* The files rank 0 writes alone: components, types, nodes and input spikes. */
static cz_status br_write_small_files(const br_ctx *c, size_t *n_spikes) {
  CZ_TRY(cz_gen_prepare(c->dir, c->p->overwrite));
  CZ_TRY(br_write_components(c));
  CZ_TRY(br_write_type_tables(c));
  CZ_TRY(br_write_nodes(c));
  return br_write_spikes(c, n_spikes);
}

cz_status cz_generate_brunel(const cz_brunel_params *p, const char *dir) {
  CZ_CHECK(p != NULL && dir != NULL && *dir, CZ_ERR_ARG, "brunel: no output folder given");
  br_ctx c = {.p = p, .dir = dir};
  CZ_TRY(cz_brunel_sizes_of(p, &c.s));
  size_t n_spikes = 0;
  const bool root = cz_comm_rank() == 0;
  CZ_TRY(cz_comm_agree(root ? br_write_small_files(&c, &n_spikes) : CZ_OK));
  CZ_TRY(br_write_edges(&c));
  CZ_TRY(cz_comm_agree(root ? br_write_config(&c) : CZ_OK)); /* last: its presence marks a complete folder */
  if (!root) return CZ_OK;
  cz_log_info("brunel: wrote %s: %ld neurons (%ld E, %ld I), C_E %ld, C_I %ld, %llu + %llu edges, %zu input spikes "
              "at %g Hz from %ld external nodes",
              dir, p->n_neurons, c.s.n_exc, c.s.n_inh, c.s.c_exc, c.s.c_inh, (unsigned long long)c.s.n_rec_edges,
              (unsigned long long)c.s.n_ext_edges, n_spikes, c.s.nu_ext, c.s.n_exc);
  return CZ_OK;
}
