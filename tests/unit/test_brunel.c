/* Unit tests of the Brunel generator (tools/brunel.c) and the HDF5 appender of generators
 * (tools/gen_h5.c): the folder for N = 200 is read back with the io readers and checked against the
 * contract in tools/brunel.h (sizes, dtypes, in-degrees, source ranges, sorting, index,
 * initial potentials, input spike statistics, the documented random streams), loaded as a
 * config and a circuit, regenerated for determinism, and refused without --overwrite. */
#define _XOPEN_SOURCE 700 /* nftw, to remove the scratch folders */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <ftw.h>
#include <math.h>

#include "base/log.h"
#include "base/rng.h"
#include "base/status.h"
#include "base/str.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/csv.h"
#include "io/h5.h"
#include "pointnet/edge_values.h"
#include "pointnet/models/iaf_common.h"
#include "tools/brunel.h"
#include "tools/gen_h5.h"

#define SMALL_N 200 /* N_E 160, N_I 40, C_E 16, C_I 4 */
#define SEED 7

/* ---- helpers --------------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

static void rm_tree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static void assert_ok(cz_status st) {
  if (st != CZ_OK) fail_msg("%s: %s", cz_status_name(st), cz_error_message());
}

static void assert_message_has(const char *needle) {
  const char *msg = cz_error_message();
  if (!strstr(msg, needle)) fail_msg("message '%s' lacks '%s'", msg, needle);
}

static cz_brunel_params small_params(uint64_t seed) {
  cz_brunel_params p = cz_brunel_defaults();
  p.n_neurons = SMALL_N;
  p.seed = seed;
  return p;
}

/* Generates the small network into a fresh folder (dir, DIR_LEN bytes). */
#define DIR_LEN 1024
static void generate_small(char *dir, const char *tag, uint64_t seed) {
  cz_test_tmpdir(dir, DIR_LEN, tag);
  cz_brunel_params p = small_params(seed);
  assert_ok(cz_generate_brunel(&p, dir));
}

static cz_h5file *open_h5(const char *dir, const char *rel) {
  char path[DIR_LEN + 128];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  cz_h5file *f = NULL;
  assert_ok(cz_h5_open_read(path, &f));
  return f;
}

static uint64_t *read_u64(cz_h5file *f, const char *ds, size_t expect_n) {
  uint64_t *v = NULL;
  size_t n = 0;
  assert_ok(cz_h5_read_u64(f, ds, &v, &n));
  assert_int_equal(n, expect_n);
  return v;
}

static double *read_f64(cz_h5file *f, const char *ds, size_t *n) {
  double *v = NULL;
  assert_ok(cz_h5_read_f64(f, ds, &v, n));
  return v;
}

static void assert_dtype(cz_h5file *f, const char *ds, cz_h5_class cls, size_t size) {
  cz_h5_info info;
  assert_ok(cz_h5_info_of(f, ds, &info));
  if (info.cls != cls || info.size != size)
    fail_msg("%s: class %d size %zu, expected %d/%zu", ds, info.cls, info.size, cls, size);
}

static void assert_attr(cz_h5file *f, const char *path, const char *attr, const char *want) {
  char *v = NULL;
  assert_ok(cz_h5_read_attr_string(f, path, attr, &v));
  assert_string_equal(v, want);
  free(v);
}

static cz_brunel_sizes small_sizes(void) {
  cz_brunel_params p = small_params(SEED);
  cz_brunel_sizes s;
  assert_ok(cz_brunel_sizes_of(&p, &s));
  return s;
}

/* ---- sizes and parameters -------------------------------------------------------------- */

static void test_sizes(void **state) {
  (void)state;
  cz_brunel_params p = cz_brunel_defaults();
  cz_brunel_sizes s;
  assert_ok(cz_brunel_sizes_of(&p, &s));
  assert_int_equal(s.n_exc, 8000);
  assert_int_equal(s.n_inh, 2000);
  assert_int_equal(s.c_exc, 800);
  assert_int_equal(s.c_inh, 200);
  assert_true(fabs(s.nu_thr - 12.5) < 1e-12); /* 20 / (0.1 * 800 * 20) per ms */
  assert_true(fabs(s.nu_ext - 25.0) < 1e-12);
  assert_int_equal(s.n_rec_edges, 10000000);
  assert_int_equal(s.n_ext_edges, 8000000);
  /* The smallest network keeps one synapse of each kind. */
  p.n_neurons = 10;
  assert_ok(cz_brunel_sizes_of(&p, &s));
  assert_int_equal(s.n_exc, 8);
  assert_int_equal(s.n_inh, 2);
  assert_int_equal(s.c_exc, 1);
  assert_int_equal(s.c_inh, 1);
  s = small_sizes();
  assert_int_equal(s.n_exc, 160);
  assert_int_equal(s.c_exc, 16);
  assert_int_equal(s.c_inh, 4);
}

static void expect_bad(cz_brunel_params p, const char *needle) {
  char dir[DIR_LEN];
  cz_test_tmpdir(dir, sizeof dir, "brbad");
  assert_int_equal(cz_generate_brunel(&p, dir), CZ_ERR_ARG);
  assert_message_has(needle);
  char config[DIR_LEN + 32];
  snprintf(config, sizeof config, "%s/config.json", dir);
  assert_false(cz_path_exists(config));
  rm_tree(dir);
}

static void test_bad_params(void **state) {
  (void)state;
  cz_brunel_params p = small_params(SEED);
  p.n_neurons = 9;
  expect_bad(p, "at least 10");
  p = small_params(SEED), p.n_neurons = 300000; /* 9e9 recurrent edges */
  expect_bad(p, "uint32");
  p = small_params(SEED), p.g = NAN;
  expect_bad(p, "g must");
  p = small_params(SEED), p.eta = INFINITY;
  expect_bad(p, "eta must");
  p = small_params(SEED), p.J = 0;
  expect_bad(p, "J must");
  p = small_params(SEED), p.dt = 0;
  expect_bad(p, "dt must");
  p = small_params(SEED), p.dt = 0.0005;
  expect_bad(p, "multiple of 0.001");
  p = small_params(SEED), p.delay = 0.05;
  expect_bad(p, "delay");
  p = small_params(SEED), p.tstop = -1;
  expect_bad(p, "tstop");
}

/* ---- the generated folder -------------------------------------------------------------- */

static void check_brunel_nodes(const char *dir, const cz_brunel_sizes *s) {
  cz_h5file *f = open_h5(dir, "network/brunel_nodes.h5");
  uint64_t *ids = read_u64(f, "/nodes/brunel/node_id", SMALL_N);
  uint64_t *types = read_u64(f, "/nodes/brunel/node_type_id", SMALL_N);
  uint64_t *groups = read_u64(f, "/nodes/brunel/node_group_id", SMALL_N);
  uint64_t *gidx = read_u64(f, "/nodes/brunel/node_group_index", SMALL_N);
  size_t n = 0;
  double *v_m = read_f64(f, "/nodes/brunel/0/dynamics_params/V_m", &n);
  assert_int_equal(n, SMALL_N);
  double mean = 0;
  for (size_t i = 0; i < SMALL_N; i++) {
    assert_int_equal(ids[i], i);
    assert_int_equal(types[i], i < (size_t)s->n_exc ? 100 : 101);
    assert_int_equal(groups[i], 0);
    assert_int_equal(gidx[i], i);
    assert_true(v_m[i] >= 0 && v_m[i] < 20);
    /* The documented stream: V_m = V_th * U(seed, node id, V_M, 0). */
    assert_true(v_m[i] == 20.0 * cz_rng_uniform(SEED, i, CZ_BRUNEL_STREAM_V_M, 0));
    mean += v_m[i] / SMALL_N;
  }
  assert_true(fabs(mean - 10) < 5 * 20 / sqrt(12.0 * SMALL_N));
  assert_dtype(f, "/nodes/brunel/node_id", CZ_H5_UINT, 8);
  assert_dtype(f, "/nodes/brunel/node_type_id", CZ_H5_UINT, 8);
  assert_dtype(f, "/nodes/brunel/node_group_id", CZ_H5_UINT, 4);
  assert_dtype(f, "/nodes/brunel/node_group_index", CZ_H5_UINT, 8);
  assert_dtype(f, "/nodes/brunel/0/dynamics_params/V_m", CZ_H5_FLOAT, 8);
  assert_true(cz_h5_has_attr(f, "/", "magic"));
  assert_true(cz_h5_has_attr(f, "/", "version"));
  free(ids), free(types), free(groups), free(gidx), free(v_m);
  assert_ok(cz_h5_close(&f));
}

static void check_external_nodes(const char *dir, const cz_brunel_sizes *s) {
  cz_h5file *f = open_h5(dir, "network/external_nodes.h5");
  size_t n = (size_t)s->n_exc;
  uint64_t *ids = read_u64(f, "/nodes/external/node_id", n);
  uint64_t *types = read_u64(f, "/nodes/external/node_type_id", n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(ids[i], i);
    assert_int_equal(types[i], 200);
  }
  assert_true(cz_h5_is_group(f, "/nodes/external/0"));
  free(ids), free(types);
  assert_ok(cz_h5_close(&f));
}

/* The rows of one edge population, read back. */
typedef struct edges_read {
  size_t n;
  uint64_t *src, *trg, *type, *group, *gidx;
} edges_read;

static edges_read read_edges(cz_h5file *f, const char *pop, size_t n) {
  char ds[256];
  edges_read e = {.n = n};
  snprintf(ds, sizeof ds, "/edges/%s/source_node_id", pop);
  e.src = read_u64(f, ds, n);
  assert_dtype(f, ds, CZ_H5_UINT, 8);
  snprintf(ds, sizeof ds, "/edges/%s/target_node_id", pop);
  e.trg = read_u64(f, ds, n);
  assert_dtype(f, ds, CZ_H5_UINT, 8);
  snprintf(ds, sizeof ds, "/edges/%s/edge_type_id", pop);
  e.type = read_u64(f, ds, n);
  assert_dtype(f, ds, CZ_H5_UINT, 4);
  snprintf(ds, sizeof ds, "/edges/%s/edge_group_id", pop);
  e.group = read_u64(f, ds, n);
  assert_dtype(f, ds, CZ_H5_UINT, 2);
  snprintf(ds, sizeof ds, "/edges/%s/edge_group_index", pop);
  e.gidx = read_u64(f, ds, n);
  assert_dtype(f, ds, CZ_H5_UINT, 4);
  return e;
}

static void free_edges(edges_read *e) { free(e->src), free(e->trg), free(e->type), free(e->group), free(e->gidx); }

/* Sorted by target, k edges per target, the index pointing at each target's block. */
static void check_edge_layout(cz_h5file *f, const char *pop, const edges_read *e, size_t k) {
  for (size_t i = 0; i < e->n; i++) {
    assert_int_equal(e->trg[i], i / k);
    assert_int_equal(e->group[i], 0);
    assert_int_equal(e->gidx[i], i);
  }
  char ds[256];
  uint64_t *ranges = NULL, *blocks = NULL;
  size_t rows = 0;
  snprintf(ds, sizeof ds, "/edges/%s/indices/target_to_source/node_id_to_range", pop);
  assert_ok(cz_h5_read_u64_pairs(f, ds, &ranges, &rows));
  assert_int_equal(rows, SMALL_N);
  snprintf(ds, sizeof ds, "/edges/%s/indices/target_to_source/range_to_edge_id", pop);
  assert_ok(cz_h5_read_u64_pairs(f, ds, &blocks, &rows));
  assert_int_equal(rows, SMALL_N);
  for (size_t t = 0; t < SMALL_N; t++) {
    assert_int_equal(ranges[2 * t], t);
    assert_int_equal(ranges[2 * t + 1], t + 1);
    assert_int_equal(blocks[2 * t], t * k);
    assert_int_equal(blocks[2 * t + 1], (t + 1) * k);
  }
  free(ranges), free(blocks);
  snprintf(ds, sizeof ds, "/edges/%s/0", pop);
  assert_true(cz_h5_is_group(f, ds));
}

static void check_recurrent_edges(const char *dir, const cz_brunel_sizes *s) {
  cz_h5file *f = open_h5(dir, "network/brunel_brunel_edges.h5");
  size_t k = (size_t)(s->c_exc + s->c_inh);
  edges_read e = read_edges(f, "brunel_to_brunel", SMALL_N * k);
  check_edge_layout(f, "brunel_to_brunel", &e, k);
  for (size_t t = 0; t < SMALL_N; t++) {
    size_t n_e = 0, n_i = 0;
    for (size_t j = 0; j < k; j++) {
      size_t i = t * k + j;
      bool exc = j < (size_t)s->c_exc; /* excitatory draws first, then inhibitory */
      assert_int_equal(e.type[i], exc ? 100 : 101);
      if (exc) assert_true(e.src[i] < (uint64_t)s->n_exc);
      else assert_true(e.src[i] >= (uint64_t)s->n_exc && e.src[i] < SMALL_N);
      n_e += e.src[i] < (uint64_t)s->n_exc;
      n_i += e.src[i] >= (uint64_t)s->n_exc;
    }
    assert_int_equal(n_e, s->c_exc);
    assert_int_equal(n_i, s->c_inh);
  }
  /* The documented stream: source j of target t = floor(U(seed, t, RECURRENT, j) * N_E). */
  assert_int_equal(e.src[5 * k], (uint64_t)(cz_rng_uniform(SEED, 5, CZ_BRUNEL_STREAM_RECURRENT, 0) * 160));
  assert_int_equal(e.src[5 * k + 16], 160 + (uint64_t)(cz_rng_uniform(SEED, 5, CZ_BRUNEL_STREAM_RECURRENT, 16) * 40));
  assert_attr(f, "/edges/brunel_to_brunel/source_node_id", "node_population", "brunel");
  assert_attr(f, "/edges/brunel_to_brunel/target_node_id", "node_population", "brunel");
  free_edges(&e);
  assert_ok(cz_h5_close(&f));
}

static void check_external_edges(const char *dir, const cz_brunel_sizes *s) {
  cz_h5file *f = open_h5(dir, "network/external_brunel_edges.h5");
  size_t k = (size_t)s->c_exc;
  edges_read e = read_edges(f, "external_to_brunel", SMALL_N * k);
  check_edge_layout(f, "external_to_brunel", &e, k);
  for (size_t i = 0; i < e.n; i++) {
    assert_int_equal(e.type[i], 200);
    assert_true(e.src[i] < (uint64_t)s->n_exc);
  }
  assert_attr(f, "/edges/external_to_brunel/source_node_id", "node_population", "external");
  assert_attr(f, "/edges/external_to_brunel/target_node_id", "node_population", "brunel");
  free_edges(&e);
  assert_ok(cz_h5_close(&f));
}

static void check_spikes(const char *dir, const cz_brunel_sizes *s) {
  cz_h5file *f = open_h5(dir, "inputs/external_spikes.h5");
  size_t n = 0, n_ids = 0;
  double *ts = read_f64(f, "/spikes/external/timestamps", &n);
  uint64_t *ids = NULL;
  assert_ok(cz_h5_read_u64(f, "/spikes/external/node_ids", &ids, &n_ids));
  assert_int_equal(n, n_ids);
  assert_attr(f, "/spikes/external", "sorting", "by_id");
  /* Poisson count over all external nodes: within 5 standard deviations. */
  double expect = (double)s->n_exc * s->nu_ext * 1.0; /* tstop = 1 s */
  if (fabs((double)n - expect) > 5 * sqrt(expect)) fail_msg("%zu spikes, expected %g", n, expect);
  for (size_t i = 0; i < n; i++) {
    assert_true(ts[i] > 0 && ts[i] <= 1000.0);
    assert_true(ids[i] < (uint64_t)s->n_exc);
    if (i > 0) assert_true(ids[i - 1] < ids[i] || (ids[i - 1] == ids[i] && ts[i - 1] <= ts[i]));
  }
  /* The documented stream: node 0's first spike is at -ln(1 - U(seed, 0, SPIKES, 0)) / rate. */
  assert_int_equal(ids[0], 0);
  double t0 = -log1p(-cz_rng_uniform(SEED, 0, CZ_BRUNEL_STREAM_SPIKES, 0)) / (s->nu_ext / 1000.0);
  assert_true(fabs(ts[0] - t0) <= 1e-12 * t0);
  free(ts), free(ids);
  assert_ok(cz_h5_close(&f));
}

static cz_csv *read_csv(const char *dir, const char *rel) {
  char path[DIR_LEN + 128];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  cz_csv *t = NULL;
  assert_ok(cz_csv_read(path, &t));
  return t;
}

static const char *cell(const cz_csv *t, size_t row, const char *col) {
  int c = cz_csv_col(t, col);
  if (c < 0) fail_msg("%s: no column %s", t->path, col);
  return cz_csv_cell(t, row, (size_t)c);
}

static void check_type_tables(const char *dir) {
  cz_csv *t = read_csv(dir, "network/brunel_brunel_edge_types.csv");
  assert_int_equal(t->nrows, 2);
  assert_string_equal(cell(t, 0, "edge_type_id"), "100");
  assert_string_equal(cell(t, 0, "source_query"), "ei=='e'");
  assert_string_equal(cell(t, 0, "syn_weight"), "0.1");
  assert_string_equal(cell(t, 1, "syn_weight"), "-0.5");
  assert_string_equal(cell(t, 1, "delay"), "1.5");
  assert_string_equal(cell(t, 1, "model_template"), "static_synapse");
  cz_csv_destroy(&t);
  t = read_csv(dir, "network/external_brunel_edge_types.csv");
  assert_int_equal(t->nrows, 1);
  assert_string_equal(cell(t, 0, "edge_type_id"), "200");
  assert_string_equal(cell(t, 0, "syn_weight"), "0.1");
  cz_csv_destroy(&t);
  t = read_csv(dir, "network/brunel_node_types.csv");
  assert_int_equal(t->nrows, 2);
  assert_string_equal(cell(t, 1, "node_type_id"), "101");
  assert_string_equal(cell(t, 1, "model_template"), "nest:iaf_psc_delta");
  assert_string_equal(cell(t, 1, "dynamics_params"), "inh.json");
  assert_string_equal(cell(t, 1, "ei"), "i");
  cz_csv_destroy(&t);
  t = read_csv(dir, "network/external_node_types.csv");
  assert_int_equal(t->nrows, 1);
  assert_string_equal(cell(t, 0, "model_type"), "virtual");
  cz_csv_destroy(&t);
}

static void test_generated_files(void **state) {
  (void)state;
  char dir[DIR_LEN];
  generate_small(dir, "brfiles", SEED);
  cz_brunel_sizes s = small_sizes();
  check_brunel_nodes(dir, &s);
  check_external_nodes(dir, &s);
  check_recurrent_edges(dir, &s);
  check_external_edges(dir, &s);
  check_spikes(dir, &s);
  check_type_tables(dir);
  rm_tree(dir);
}

/* ---- loading it back as a simulation --------------------------------------------------- */

static void check_config(const cz_config *cfg, const char *dir) {
  assert_true(fabs(cfg->tstop - 1000.0) < 1e-12);
  assert_true(fabs(cfg->dt - 0.1) < 1e-15);
  assert_int_equal(cfg->nnodes, 2);
  assert_int_equal(cfg->nedges, 2);
  assert_int_equal(cfg->ninputs, 1);
  assert_string_equal(cfg->inputs[0].module, "sonata");
  assert_int_equal(cfg->sort_order, CZ_SORT_BY_TIME);
  assert_true(cfg->overwrite_output_dir);
  assert_non_null(cz_cfg_component(cfg, "point_neuron_models_dir"));
  char out[DIR_LEN + 32];
  snprintf(out, sizeof out, "%s/output", dir);
  assert_string_equal(cfg->output_dir, out);
}

static bool keep_rows_3_to_7(const void *ctx, uint32_t pop, uint32_t row) {
  return pop == *(const uint32_t *)ctx && (row == 3 || row == 7);
}

static bool keep_every_node(const void *ctx, uint32_t pop, uint32_t row) {
  (void)ctx;
  (void)pop;
  (void)row;
  return true;
}

static void check_circuit(cz_circuit *c, const char *dir) {
  cz_brunel_sizes s = small_sizes();
  int b = cz_circuit_find_pop(c, "brunel"), x = cz_circuit_find_pop(c, "external");
  assert_true(b >= 0 && x >= 0);
  assert_int_equal(c->nodes[b].n, SMALL_N);
  assert_int_equal(c->nodes[b].nvirtual, 0);
  assert_int_equal(c->nodes[x].n, s.n_exc);
  assert_int_equal(c->nodes[x].nvirtual, s.n_exc);
  /* The per-node V_m reaches the model parameters. */
  cz_h5file *f = open_h5(dir, "network/brunel_nodes.h5");
  size_t n = 0;
  double *v_m = read_f64(f, "/nodes/brunel/0/dynamics_params/V_m", &n);
  assert_ok(cz_h5_close(&f));
  double v = -1;
  /* read for the kept nodes only: from the first kept group index to the last */
  const uint32_t bp = (uint32_t)b;
  assert_ok(cz_circuit_load_params(c, keep_rows_3_to_7, &bp));
  const cz_h5_column *col = &c->nodes[b].groups[0].params[0];
  assert_string_equal(col->name, "V_m");
  assert_int_equal(col->first, 3);
  assert_int_equal(col->held, 5);
  assert_int_equal(col->n, n);
  assert_true(cz_circuit_param_override(&c->nodes[b], 3, "V_m", &v));
  assert_true(v == v_m[3]);
  assert_true(cz_circuit_param_override(&c->nodes[b], 7, "V_m", &v));
  assert_true(v == v_m[7]);
  assert_false(cz_circuit_param_override(&c->nodes[b], 3, "no_such_param", &v));
  assert_ok(cz_circuit_load_params(c, keep_every_node, NULL));
  assert_int_equal(c->nodes[b].groups[0].params[0].held, n);
  assert_true(cz_circuit_param_override(&c->nodes[b], SMALL_N - 1, "V_m", &v));
  assert_true(v == v_m[SMALL_N - 1]);
  free(v_m);
  assert_int_equal(c->nedges, 2);
  cz_edge_values values = {0};
  for (size_t i = 0; i < c->nedges; i++) {
    cz_edge_pop view;
    assert_ok(cz_edge_values_view(&c->edges[i], &values, &view));
    const cz_edge_pop *e = &view;
    bool rec = strcmp(e->name, "brunel_to_brunel") == 0;
    assert_int_equal(e->n, SMALL_N * (rec ? s.c_exc + s.c_inh : s.c_exc));
    for (size_t j = 0; j < e->n; j++) {
      bool inh = rec && e->source_row[j] >= (uint64_t)s.n_exc;
      assert_true(fabs(cz_edge_weight(e, j) - (inh ? -0.5 : 0.1)) < 1e-15);
      assert_true(fabs(cz_edge_delay(e, j) - 1.5) < 1e-15);
    }
  }
  cz_edge_values_free(&values);
}

static void test_loads_as_sonata(void **state) {
  (void)state;
  char dir[DIR_LEN], path[DIR_LEN + 32];
  generate_small(dir, "brload", SEED);
  snprintf(path, sizeof path, "%s/config.json", dir);
  cz_config *cfg = NULL;
  assert_ok(cz_cfg_load(path, NULL, &cfg));
  check_config(cfg, dir);
  cz_circuit *c = NULL;
  assert_ok(cz_circuit_load(cfg, &c));
  check_circuit(c, dir);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
  rm_tree(dir);
}

/* ---- determinism and overwrite --------------------------------------------------------- */

typedef struct dataset_ref {
  const char *file, *path;
  bool is_float;
} dataset_ref;

static const dataset_ref k_datasets[] = {
    {"network/brunel_nodes.h5", "/nodes/brunel/node_type_id", false},
    {"network/brunel_nodes.h5", "/nodes/brunel/0/dynamics_params/V_m", true},
    {"network/external_nodes.h5", "/nodes/external/node_id", false},
    {"network/brunel_brunel_edges.h5", "/edges/brunel_to_brunel/source_node_id", false},
    {"network/brunel_brunel_edges.h5", "/edges/brunel_to_brunel/target_node_id", false},
    {"network/brunel_brunel_edges.h5", "/edges/brunel_to_brunel/edge_type_id", false},
    {"network/external_brunel_edges.h5", "/edges/external_to_brunel/source_node_id", false},
    {"inputs/external_spikes.h5", "/spikes/external/node_ids", false},
    {"inputs/external_spikes.h5", "/spikes/external/timestamps", true},
};

/* Whether dataset d holds exactly the same values (bytes) in both folders. */
static bool same_dataset(const char *dir_a, const char *dir_b, const dataset_ref *d) {
  cz_h5file *fa = open_h5(dir_a, d->file), *fb = open_h5(dir_b, d->file);
  void *a = NULL, *b = NULL;
  size_t na = 0, nb = 0, size = d->is_float ? sizeof(double) : sizeof(uint64_t);
  if (d->is_float) {
    assert_ok(cz_h5_read_f64(fa, d->path, (double **)&a, &na));
    assert_ok(cz_h5_read_f64(fb, d->path, (double **)&b, &nb));
  } else {
    assert_ok(cz_h5_read_u64(fa, d->path, (uint64_t **)&a, &na));
    assert_ok(cz_h5_read_u64(fb, d->path, (uint64_t **)&b, &nb));
  }
  bool same = na == nb && memcmp(a, b, na * size) == 0;
  free(a), free(b);
  assert_ok(cz_h5_close(&fa));
  assert_ok(cz_h5_close(&fb));
  return same;
}

static void test_deterministic(void **state) {
  (void)state;
  char a[DIR_LEN], b[DIR_LEN], other[DIR_LEN];
  generate_small(a, "brdet_a", SEED);
  generate_small(b, "brdet_b", SEED);
  generate_small(other, "brdet_c", SEED + 1);
  size_t nd = sizeof k_datasets / sizeof k_datasets[0];
  for (size_t i = 0; i < nd; i++) {
    if (!same_dataset(a, b, &k_datasets[i])) fail_msg("%s differs between two runs", k_datasets[i].path);
  }
  /* Another seed changes everything random and nothing else. */
  assert_false(same_dataset(a, other, &k_datasets[1]));  /* V_m */
  assert_false(same_dataset(a, other, &k_datasets[3]));  /* recurrent sources */
  assert_true(same_dataset(a, other, &k_datasets[4]));   /* targets */
  assert_false(same_dataset(a, other, &k_datasets[6]));  /* external sources */
  assert_false(same_dataset(a, other, &k_datasets[8]));  /* spike times */
  rm_tree(a), rm_tree(b), rm_tree(other);
}

static void test_overwrite(void **state) {
  (void)state;
  char dir[DIR_LEN];
  generate_small(dir, "brover", SEED);
  cz_brunel_params p = small_params(SEED + 5);
  assert_int_equal(cz_generate_brunel(&p, dir), CZ_ERR_OUTPUT);
  assert_message_has("config.json already exists");
  assert_message_has("--overwrite");
  /* The refused call left the first network alone. */
  char same[DIR_LEN];
  generate_small(same, "brover_ref", SEED);
  assert_true(same_dataset(dir, same, &k_datasets[3]));
  p.overwrite = true;
  assert_ok(cz_generate_brunel(&p, dir));
  assert_false(same_dataset(dir, same, &k_datasets[3]));
  rm_tree(dir), rm_tree(same);
}

static void test_creates_parents(void **state) {
  (void)state;
  char base[DIR_LEN], dir[DIR_LEN + 32], config[DIR_LEN + 64];
  cz_test_tmpdir(base, sizeof base, "brmk");
  snprintf(dir, sizeof dir, "%s/a/b/net", base);
  cz_brunel_params p = small_params(SEED);
  p.n_neurons = 10;
  p.tstop = 10;
  assert_ok(cz_generate_brunel(&p, dir));
  snprintf(config, sizeof config, "%s/config.json", dir);
  assert_true(cz_path_exists(config));
  snprintf(config, sizeof config, "%s/config.json.part", dir);
  assert_false(cz_path_exists(config));
  rm_tree(base);
}

/* ---- the appender ---------------------------------------------------------------------- */

static void test_appender(void **state) {
  (void)state;
  char dir[DIR_LEN], path[DIR_LEN + 32];
  cz_test_tmpdir(dir, sizeof dir, "brapp");
  snprintf(path, sizeof path, "%s/a.h5", dir);
  cz_h5file *f = NULL;
  assert_ok(cz_h5_create(path, &f));
  /* Several chunks, appended in uneven pieces. */
  enum { N = 200003 };
  uint32_t *v = calloc(N, sizeof *v);
  assert_non_null(v);
  for (size_t i = 0; i < N; i++) v[i] = (uint32_t)(i * 2654435761u);
  cz_gen_appender *a = NULL;
  assert_ok(cz_gen_appender_open(f, "/g/x", CZ_H5_ELEM_U32, N, true, &a));
  for (size_t at = 0, step = 1; at < N; at += step, step = step * 3 + 1)
    assert_ok(cz_gen_append(a, v + at, at + step <= N ? step : N - at));
  assert_int_equal(cz_gen_append(a, v, 1), CZ_ERR_INTERNAL); /* past the declared length */
  assert_ok(cz_gen_appender_close(&a));
  assert_null(a);
  /* Closing short of the declared length is a bug, not a file of zeros. */
  assert_ok(cz_gen_appender_open(f, "/short", CZ_H5_ELEM_F64, 10, false, &a));
  double d[3] = {1, 2, 3};
  assert_ok(cz_gen_append(a, d, 3));
  assert_int_equal(cz_gen_appender_close(&a), CZ_ERR_INTERNAL);
  /* An empty dataset. */
  assert_ok(cz_gen_appender_open(f, "/empty", CZ_H5_ELEM_U16, 0, true, &a));
  assert_ok(cz_gen_appender_close(&a));
  assert_ok(cz_h5_close(&f));

  assert_ok(cz_h5_open_read(path, &f));
  uint64_t *back = read_u64(f, "/g/x", N);
  for (size_t i = 0; i < N; i++) assert_int_equal(back[i], v[i]);
  assert_dtype(f, "/g/x", CZ_H5_UINT, 4);
  free(back);
  back = read_u64(f, "/empty", 0);
  free(back);
  assert_ok(cz_h5_close(&f));
  free(v);
  rm_tree(dir);
}

/* The alpha variant's weight is the current whose PSP peaks at J: the peak formula against the
 * PSP integrated here on a fine grid, V(t) = (1/C) int_0^t i(s) e^{-(t-s)/tau_m} ds with the
 * unit alpha current i(s) = (s / tau_s) e^{1 - s / tau_s}; and the threshold rate follows. */
static void test_alpha_weights(void **state) {
  (void)state;
  const double tau_m = 20.0, tau_s = 0.5, C = 250.0, dt = 1e-4;
  double v = 0.0, peak = 0.0;
  for (double t = 0.0; t < 10.0; t += dt) { /* exact decay, then the current of the step (midpoint) */
    const double s = t + 0.5 * dt;
    v = v * exp(-dt / tau_m) + (s / tau_s) * exp(1.0 - s / tau_s) * dt / C * exp(-0.5 * dt / tau_m);
    if (v > peak) peak = v;
  }
  const double formula = cz_alpha_psp_peak(tau_m, tau_s, C);
  if (fabs(formula - peak) > 1e-6 * peak) fail_msg("PSP peak %.12g, integrated %.12g", formula, peak);
  cz_brunel_params p = cz_brunel_defaults();
  p.alpha = true;
  cz_brunel_sizes z;
  assert_int_equal(cz_brunel_sizes_of(&p, &z), CZ_OK);
  if (fabs(z.w_exc * formula - 0.1) > 1e-12) fail_msg("J_pA %g does not make a 0.1 mV PSP", z.w_exc);
  const double nu_thr = 1000.0 * 20.0 * 250.0 / (z.w_exc * (double)z.c_exc * M_E * 20.0 * 0.5);
  if (fabs(z.nu_thr - nu_thr) > 1e-9 * nu_thr) fail_msg("nu_thr %g, expected %g", z.nu_thr, nu_thr);
  p.alpha = false;
  assert_int_equal(cz_brunel_sizes_of(&p, &z), CZ_OK);
  assert_true(z.w_exc == 0.1);
}

int main(void) {
  cz_h5_quiet();
  cz_log_set_level(CZ_LOG_WARNING);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),           cmocka_unit_test(test_bad_params),
      cmocka_unit_test(test_generated_files), cmocka_unit_test(test_loads_as_sonata),
      cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_overwrite),
      cmocka_unit_test(test_creates_parents), cmocka_unit_test(test_appender),
      cmocka_unit_test(test_alpha_weights),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
