/* A BioNet folder's cells built from its files (bionet-spec.md §2.1, §6.1): bio_1cell's
 * config.simulation_iclamp.json loaded as a run loads it, its biophysical node built from the
 * node type's nml: template and morphology, its IClamp input read from the config, and the run
 * stepped by a thread: the folder's 20 NEURON spikes. Then what a folder can get wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bionet/build.h"
#include "bionet/connect.h"
#include "bionet/place_cost.h"
#include "bionet/run_config.h"
#include "bionet/step.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"

#define BIO_1CELL "bmtk/examples/bio_1cell/"
#define NINE_CELLS "sonata/examples/9_cells/"
#define MAX_CELLS 16

typedef struct spikes {
  double t[64];
  size_t n;
} spikes;

static cz_status record(void *ctx, int spiker, size_t index, double t) {
  spikes *s = ctx;
  assert_int_equal(spiker, CZ_SPIKER_CELL);
  assert_int_equal(index, 0);
  if (s->n < 64) s->t[s->n++] = t;
  return CZ_OK;
}

/* The spikes equal the folder's NEURON spikes of population biocell (to 1e-9 ms). */
static void expect_spikes(const char *ref_path, const spikes *s) {
  cz_h5file *f = NULL;
  double *ref = NULL;
  size_t nref = 0;
  assert_int_equal(cz_h5_open_read(ref_path, &f), CZ_OK);
  assert_int_equal(cz_h5_read_f64(f, "/spikes/biocell/timestamps", &ref, &nref), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(s->n, nref);
  for (size_t k = 0; k < nref; k++)
    if (fabs(s->t[k] - ref[k]) > 1e-9) fail_msg("spike %zu at %.17g, NEURON %.17g", k, s->t[k], ref[k]);
  free(ref);
}

/* Builds every biophysical node of the folder on one thread, with its clamps (not yet
 * initialised: synapses may follow). */
static cz_status build_folder(const cz_config *cfg, const cz_circuit *c, bool legacy, cz_bio_thread *th, size_t *cell_pop,
                              size_t *cell_row, size_t *art_pop, size_t *art_row, size_t cap) {
  cz_bio_run_config rc;
  CZ_TRY(cz_bio_run_config_read(cfg, legacy ? CZ_BIO_UNITS_LEGACY : CZ_BIO_UNITS_CONFIG, &rc));
  const cz_mech_env env = {.dt = cfg->dt, .celsius = rc.celsius, .units = rc.units};
  CZ_TRY(cz_bio_thread_begin(th, &env, rc.spike_threshold));
  cz_bio_recipes cache = {0};
  cz_status st = CZ_OK;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++)
    for (size_t row = 0; st == CZ_OK && row < c->nodes[p].n; row++) {
      const cz_value mt = cz_circuit_node_attr(&c->nodes[p], row, "model_type");
      if (mt.kind != CZ_VAL_STR) continue;
      size_t k = 0;
      if (strcmp(mt.str, "biophysical") == 0) {
        st = cz_bio_add_node_cell(th, cfg, c, p, row, &rc, &cache, &k);
        if (st == CZ_OK && k < cap) {
          cell_pop[k] = p;
          cell_row[k] = row;
        }
      } else if (strcmp(mt.str, "point_neuron") == 0 || strcmp(mt.str, "point_process") == 0) {
        st = cz_bio_add_node_artificial(th, c, p, row, &k);
        if (st == CZ_OK && k < cap) {
          art_pop[k] = p;
          art_row[k] = row;
        }
      }
    }
  cz_bio_recipes_free(&cache);
  if (st == CZ_OK) st = cz_bio_add_iclamps(th, cfg, c, cell_pop, cell_row);
  return st;
}

/* A folder loaded as a run loads it and built on one thread; st says how the build went. */
typedef struct loaded {
  cz_config *cfg;
  cz_circuit *c;
  cz_bio_thread th;
  size_t cell_pop[MAX_CELLS], cell_row[MAX_CELLS], art_pop[MAX_CELLS], art_row[MAX_CELLS];
  cz_status st;
} loaded;

static void load_folder_units(const char *config, bool legacy, loaded *l) {
  memset(l, 0, sizeof *l);
  assert_int_equal(cz_cfg_load(config, NULL, &l->cfg), CZ_OK);
  assert_int_equal(cz_circuit_load_nodes(l->cfg, &l->c), CZ_OK);
  l->st = build_folder(l->cfg, l->c, legacy, &l->th, l->cell_pop, l->cell_row, l->art_pop, l->art_row, MAX_CELLS);
}

static void load_folder(const char *config, loaded *l) { load_folder_units(config, false, l); }

static void unload_folder(loaded *l) {
  cz_bio_thread_free(&l->th);
  cz_circuit_destroy(&l->c);
  cz_cfg_destroy(&l->cfg);
}

/* The thread's synapses from the folder's edges and the events of its spike inputs; the gid
 * map (pop_offset [npops + 1]) and each gid's cell (cell_of_gid [gids]) are the caller's. */
static void connect_folder(loaded *l, size_t *pop_offset, size_t npop_cap, size_t *cell_of_gid, size_t ngid_cap,
                           cz_bio_netcons *nc) {
  size_t art_of_gid[256];
  assert_true(ngid_cap <= 256);
  assert_int_equal(cz_circuit_load_edges(l->c, l->cfg, NULL), CZ_OK);
  assert_true(l->c->nnodes < npop_cap);
  pop_offset[0] = 0;
  for (size_t p = 0; p < l->c->nnodes; p++) pop_offset[p + 1] = pop_offset[p] + l->c->nodes[p].n;
  assert_true(pop_offset[l->c->nnodes] <= ngid_cap);
  for (size_t g = 0; g < ngid_cap; g++) cell_of_gid[g] = art_of_gid[g] = SIZE_MAX;
  for (size_t cell = 0; cell < l->th.cells.ncells; cell++) cell_of_gid[pop_offset[l->cell_pop[cell]] + l->cell_row[cell]] = cell;
  for (size_t a = 0; a < l->th.art.n; a++) art_of_gid[pop_offset[l->art_pop[a]] + l->art_row[a]] = a;
  const cz_bio_cell_index ix = {pop_offset, cell_of_gid, art_of_gid, NULL};
  if (cz_bio_connect_edges(&l->th, l->cfg, l->c, &ix, NULL, nc) != CZ_OK) fail_msg("%s", cz_error_message());
  if (cz_bio_queue_spike_inputs(&l->th, l->cfg, l->c, &ix, nc) != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(cz_bio_thread_init(&l->th), CZ_OK);
}

static void test_bio_1cell_from_its_folder(void **state) {
  (void)state;
  char config[1024], ref_path[1024];
  CZ_TEST_DATA_PATH(config, BIO_1CELL "config.simulation_iclamp.json");
  CZ_TEST_DATA_PATH(ref_path, BIO_1CELL "output_iclamp/spikes.h5");
  loaded l;
  load_folder(config, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  cz_bio_thread *th = &l.th;
  assert_int_equal(th->cells.ncells, 1);
  assert_int_equal(th->niclamp, 1);
  assert_int_equal(cz_bio_thread_init(th), CZ_OK);
  spikes s = {.n = 0};
  const long nsteps = lround(l.cfg->tstop / l.cfg->dt);
  for (long n = 0; n < nsteps; n++) assert_int_equal(cz_bio_thread_step(th, record, &s), CZ_OK);
  expect_spikes(ref_path, &s);
  unload_folder(&l);
}

/* NEURON's i_membrane_ sums, over the cell, to the clamp's current (Kirchhoff: the electrode
 * current is not membrane current and all of it leaves through the membrane): 0.1 nA while
 * bio_1cell's clamp is on (500 to 2500 ms), 0 before; checked over the first 600 ms. */
static void test_membrane_current_sums_to_clamp(void **state) {
  (void)state;
  char config[1024];
  CZ_TEST_DATA_PATH(config, BIO_1CELL "config.simulation_iclamp.json");
  loaded l;
  load_folder(config, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(cz_bio_thread_init(&l.th), CZ_OK);
  assert_int_equal(cz_bio_thread_want_membrane_current(&l.th), CZ_OK);
  spikes s = {.n = 0};
  double worst = 0;
  for (long n = 0; n < 6000; n++) {
    assert_int_equal(cz_bio_thread_step(&l.th, record, &s), CZ_OK);
    double sum = 0;
    for (size_t i = 0; i < l.th.cells.cable.n; i++) sum += l.th.i_m[i];
    const double t_mid = (n + 0.5) * 0.1, want = t_mid >= 500 ? 0.1 : 0.0;
    worst = fmax(worst, fabs(sum - want));
  }
  if (getenv("CZ_TEST_VERBOSE")) printf("sum of i_m vs the clamp: largest difference %.3g nA\n", worst);
  assert_true(worst < 1e-9);
  unload_folder(&l);
}

/* The placement's cost of bio_1cell's cell, 4 per cable node's step: its 387 cable nodes (264
 * segments, the root and an end node for each of its 122 sections; bionet-spec.md §2.3) and
 * its soma's eleven channel instances at their measured steps in nodes (CaDynamics 3.4, Ca_HVA
 * 7.1, Ca_LVA 7.0, Ih 4.5, Im 6.5, K_P 7.5, K_T 6.9, Kv3_1 4.5, NaTs 7.6, Nap 8.1, SK 9.6: 72.7),
 * 4 (387 + 72.7) = 1838.8; pas costs nothing beyond its node. Counted once per cell model; a
 * synapse 4. */
static void test_place_cost_counts_compartments(void **state) {
  (void)state;
  char config[1024];
  CZ_TEST_DATA_PATH(config, BIO_1CELL "config.simulation_iclamp.json");
  cz_config *cfg = NULL;
  cz_circuit *c = NULL;
  assert_int_equal(cz_cfg_load(config, NULL, &cfg), CZ_OK);
  assert_int_equal(cz_circuit_load_nodes(cfg, &c), CZ_OK);
  cz_place_cost *cost = NULL;
  assert_int_equal(cz_bionet_place_cost_create(cfg, c, &cost), CZ_OK);
  assert_int_equal(cost->node(cost->ctx, 0, 0), 1839);
  assert_int_equal(cost->node(cost->ctx, 0, 0), 1839); /* from the cache */
  assert_int_equal(cost->per_synapse, 4);
  cz_bionet_place_cost_free(&cost);
  assert_null(cost);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
}

/* BMTK's gaussianLL weight: the tuning angles' difference folded into [0, 90] degrees. */
static void test_tuning_weight(void **state) {
  (void)state;
  assert_true(fabs(cz_bio_tuning_weight(2.0, 50.0, 0.0, 30.0) - 2.0 * exp(-0.36)) < 1e-15);  /* Δ 30 */
  assert_true(fabs(cz_bio_tuning_weight(2.0, 50.0, 0.0, 300.0) - 2.0 * exp(-1.44)) < 1e-15); /* Δ 60 */
  assert_true(fabs(cz_bio_tuning_weight(2.0, 50.0, 10.0, 190.0) - 2.0) < 1e-15);             /* opposite: Δ 0 */
  assert_true(fabs(cz_bio_tuning_weight(2.0, 50.0, 45.0, 135.0) - 2.0 * exp(-3.24)) < 1e-15); /* Δ 90 */
  assert_true(fabs(cz_bio_tuning_weight(2.0, 50.0, 400.0, 30.0) - cz_bio_tuning_weight(2.0, 50.0, 30.0, 400.0)) < 1e-15);
}

/* A one-cell folder: the node type's template, morphology and processing, and the config's
 * extra members (an inputs block); the component folders are bio_1cell's. */
static void write_folder(char *config, size_t n, const char *tmpl, const char *morph, const char *proc,
                         const char *inputs) {
  char dir[512], path[700], text[4096];
  cz_test_tmpdir(dir, sizeof dir, "biofolder");
  snprintf(path, sizeof path, "%s/nodes.h5", dir);
  cz_h5file *f = NULL;
  const uint64_t zero[1] = {0}, type[1] = {100};
  const double x[1] = {0};
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/cells/node_id", zero, 1, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/cells/node_type_id", type, 1, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/cells/node_group_id", zero, 1, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/cells/node_group_index", zero, 1, false), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/nodes/cells/0/x", x, 1, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  snprintf(text, sizeof text, "node_type_id model_type model_template morphology model_processing\n100 biophysical %s %s %s\n",
           tmpl, morph, proc);
  cz_test_write(path, sizeof path, dir, "types.csv", text);
  const char *data = cz_test_data_dir();
  snprintf(text, sizeof text,
           "{\"run\": {\"tstop\": 10, \"dt\": 0.1}, \"conditions\": {\"celsius\": 34, \"v_init\": -80},"
           " \"components\": {\"morphologies_dir\": \"%s/" BIO_1CELL "components/morphologies\","
           " \"biophysical_neuron_models_dir\": \"%s/" BIO_1CELL "components/biophysical_neuron_templates\"},"
           " \"inputs\": {%s},"
           " \"networks\": {\"nodes\": [{\"nodes_file\": \"nodes.h5\", \"node_types_file\": \"types.csv\"}]}}",
           data, data, inputs);
  cz_test_write(config, n, dir, "config.json", text);
}

/* config.simulation_syns.json: the virtual cell's spike input through the folder's 12
 * edges (afferent_section_id/pos, Exp2Syn from synaptic_models_dir, syn_weight and delay of the
 * edge type): the folder's 39 NEURON spikes. */
static void test_bio_1cell_syns_from_its_folder(void **state) {
  (void)state;
  char config[1024], ref_path[1024];
  CZ_TEST_DATA_PATH(config, BIO_1CELL "config.simulation_syns.json");
  CZ_TEST_DATA_PATH(ref_path, BIO_1CELL "output_syns/spikes.h5");
  loaded l;
  load_folder(config, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  size_t pop_offset[8], cell_of_gid[64];
  cz_bio_netcons nc = {0};
  connect_folder(&l, pop_offset, 8, cell_of_gid, 64, &nc);
  assert_int_equal(nc.n, 12);
  assert_int_equal(l.th.syn.n, 12);
  assert_int_equal(l.th.queue.n, 12 * 64);
  spikes s = {.n = 0};
  const long nsteps = lround(l.cfg->tstop / l.cfg->dt);
  for (long n = 0; n < nsteps; n++) assert_int_equal(cz_bio_thread_step(&l.th, record, &s), CZ_OK);
  expect_spikes(ref_path, &s);
  cz_bio_netcons_free(&nc);
  unload_folder(&l);
}

typedef struct many_spikes {
  size_t n;
  size_t cell[1024]; /* unit_of the spiker */
  double t[1024];
} many_spikes;
#define ELEMS(a) (sizeof(a) / sizeof *(a))

/* A spiker as one index: detailed cells first, artificial ones from MAX_CELLS on. */
static size_t unit_of(int spiker, size_t index) { return spiker == CZ_SPIKER_CELL ? index : MAX_CELLS + index; }

static cz_status record_many(void *ctx, int spiker, size_t index, double t) {
  many_spikes *s = ctx;
  if (s->n < ELEMS(s->t)) {
    s->cell[s->n] = unit_of(spiker, index);
    s->t[s->n++] = t;
  }
  return CZ_OK;
}

/* The spikes equal the folder's NEURON spikes of population pop node by node: the same count,
 * every one at NEURON's step (the files' times may be rounded to the step). */
static void expect_node_spikes(const loaded *l, const char *ref_path, const char *pop, const many_spikes *sp,
                               const char *label) {
  char path[256];
  cz_h5file *f = NULL;
  double *ref = NULL;
  uint64_t *ids = NULL;
  size_t nref = 0, nids = 0;
  assert_int_equal(cz_h5_open_read(ref_path, &f), CZ_OK);
  snprintf(path, sizeof path, "/spikes/%s/timestamps", pop);
  assert_int_equal(cz_h5_read_f64(f, path, &ref, &nref), CZ_OK);
  snprintf(path, sizeof path, "/spikes/%s/node_ids", pop);
  assert_int_equal(cz_h5_read_u64(f, path, &ids, &nids), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(sp->n, nref);
  size_t identical = 0;
  for (size_t u = 0; u < MAX_CELLS + l->th.art.n; u++) { /* node by node, in time order (both lists are) */
    if (u >= l->th.cells.ncells && u < MAX_CELLS) continue;
    const size_t cell = u;
    const uint64_t id = u < MAX_CELLS ? cz_node_id(&l->c->nodes[l->cell_pop[u]], l->cell_row[u])
                                      : cz_node_id(&l->c->nodes[l->art_pop[u - MAX_CELLS]], l->art_row[u - MAX_CELLS]);
    size_t a = 0, b = 0;
    for (;;) {
      while (a < sp->n && sp->cell[a] != cell) a++;
      while (b < nref && ids[b] != id) b++;
      if (a == sp->n || b == nref) {
        if (a != sp->n || b != nref) fail_msg("%s, node %llu: other spike counts", label, (unsigned long long)id);
        break;
      }
      if (fabs(sp->t[a] - ref[b]) > 0.1 + 1e-9)
        fail_msg("%s, node %llu: %.10g vs NEURON %.10g", label, (unsigned long long)id, sp->t[a], ref[b]);
      identical += fabs(sp->t[a] - ref[b]) < 1e-6;
      a++;
      b++;
    }
  }
  if (getenv("CZ_TEST_VERBOSE")) printf("%s: %zu spikes, %zu at NEURON's step\n", label, sp->n, identical);
  assert_int_equal(identical, nref);
  free(ref);
  free(ids);
}

/* sonata's 9_cells in NEURON's legacy units, as its outputs were made (bionet-spec.md §8.1):
 * nine NeuroML2 cells of three types, 1289 Exp2Syn at sec_id/sec_x from two virtual
 * populations (spike inputs of module h5): the folder's 78 spikes, node by node, every one at
 * NEURON's step (the file's times are rounded to the step). */
static void test_nine_cells_legacy_units(void **state) {
  (void)state;
  char config[1024], ref_path[1024];
  CZ_TEST_DATA_PATH(config, NINE_CELLS "simulation_config.json");
  CZ_TEST_DATA_PATH(ref_path, NINE_CELLS "output/spikes.h5");
  loaded l;
  load_folder_units(config, true, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(l.th.cells.ncells, 9);
  size_t pop_offset[8], cell_of_gid[64];
  cz_bio_netcons nc = {0};
  connect_folder(&l, pop_offset, 8, cell_of_gid, 64, &nc);
  assert_int_equal(l.th.syn.n, 1289);
  many_spikes s = {.n = 0};
  const long nsteps = lround(l.cfg->tstop / l.cfg->dt);
  for (long n = 0; n < nsteps; n++) assert_int_equal(cz_bio_thread_step(&l.th, record_many, &s), CZ_OK);
  expect_node_spikes(&l, ref_path, "cortex", &s, "9_cells (legacy units)");
  cz_bio_netcons_free(&nc);
  unload_folder(&l);
}

/* The spikes of a thread's cells routed back to their targets on the same thread, as a rank
 * delivers its own spikes. */
typedef struct routed {
  many_spikes rec;
  cz_bio_thread *th;
  const cz_bio_netcons *nc;
  const size_t *order, *pop_offset;
  const loaded *l;
} routed;

static cz_status record_and_route(void *ctx, int spiker, size_t index, double t) {
  routed *r = ctx;
  CZ_TRY(record_many(&r->rec, spiker, index, t));
  const size_t pop = spiker == CZ_SPIKER_CELL ? r->l->cell_pop[index] : r->l->art_pop[index];
  const size_t row = spiker == CZ_SPIKER_CELL ? r->l->cell_row[index] : r->l->art_row[index];
  const uint64_t gid = r->pop_offset[pop] + row;
  size_t nevents = 0;
  return cz_bio_route_spike(r->th, r->nc, r->order, gid, t, &nevents);
}

/* bmtk's bio_on_off: an excitatory Scnn1a and an inhibitory Pvalb cell (NeuroML2), the clamp
 * on the cell the node set {"ei": "e"} selects, 17 recurrent Exp2Syn each way at
 * afferent_section_id/pos with delay 2: the folder's 31 spikes, node by node. */
static void test_bio_on_off_recurrent(void **state) {
  (void)state;
  char config[1024], ref_path[1024];
  CZ_TEST_DATA_PATH(config, "bmtk/examples/bio_on_off/config.simulation.json");
  CZ_TEST_DATA_PATH(ref_path, "bmtk/examples/bio_on_off/output/spikes.h5");
  loaded l;
  load_folder(config, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(l.th.cells.ncells, 2);
  assert_int_equal(l.th.niclamp, 1);
  size_t pop_offset[8], cell_of_gid[64], *order = NULL;
  cz_bio_netcons nc = {0};
  connect_folder(&l, pop_offset, 8, cell_of_gid, 64, &nc);
  assert_int_equal(nc.n, 17);
  assert_int_equal(cz_bio_netcons_by_source(&nc, &order), CZ_OK);
  routed r = {.th = &l.th, .nc = &nc, .order = order, .pop_offset = pop_offset, .l = &l};
  const long nsteps = lround(l.cfg->tstop / l.cfg->dt);
  for (long n = 0; n < nsteps; n++) assert_int_equal(cz_bio_thread_step(&l.th, record_and_route, &r), CZ_OK);
  expect_node_spikes(&l, ref_path, "v1", &r.rec, "bio_on_off");
  free(order);
  cz_bio_netcons_free(&nc);
  unload_folder(&l);
}

/* bmtk's bio_intfire_ring: six IntFire1 cells (tau and refrac in seconds) driven by virtual
 * cells through nsyns edges (weight syn_weight x sign x nsyns, delay 0), and an Allen
 * perisomatic cell (ctdb:Biophys1.hoc, its fit JSON) driven by the IntFire1 cells through 34
 * Exp2Syn with delay 5: the folder's 532 spikes node by node, the IntFire1 spikes at the exact
 * input times. */
static void test_bio_intfire_ring(void **state) {
  (void)state;
  char config[1024], ref_path[1024];
  CZ_TEST_DATA_PATH(config, "bmtk/examples/bio_intfire_ring/config.simulation.json");
  CZ_TEST_DATA_PATH(ref_path, "bmtk/examples/bio_intfire_ring/output/spikes.h5");
  loaded l;
  load_folder(config, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(l.th.cells.ncells, 1);
  assert_int_equal(l.th.art.n, 6);
  size_t pop_offset[8], cell_of_gid[64], *order = NULL;
  cz_bio_netcons nc = {0};
  connect_folder(&l, pop_offset, 8, cell_of_gid, 64, &nc);
  assert_int_equal(nc.n, 34 + 6);
  assert_int_equal(l.th.syn.n, 34);
  assert_int_equal(cz_bio_netcons_by_source(&nc, &order), CZ_OK);
  routed r = {.th = &l.th, .nc = &nc, .order = order, .pop_offset = pop_offset, .l = &l};
  const long nsteps = lround(l.cfg->tstop / l.cfg->dt);
  for (long n = 0; n < nsteps; n++) assert_int_equal(cz_bio_thread_step(&l.th, record_and_route, &r), CZ_OK);
  expect_node_spikes(&l, ref_path, "v1", &r.rec, "bio_intfire_ring");
  free(order);
  cz_bio_netcons_free(&nc);
  unload_folder(&l);
}

/* sonata's 5_cells_iclamp in legacy units: five NeuroML2 cells of the shared components under
 * three IClamp steps: the folder's 124 spikes node by node, every one at NEURON's step. */
static void test_five_cells_iclamp_legacy_units(void **state) {
  (void)state;
  char config[1024], ref_path[1024];
  CZ_TEST_DATA_PATH(config, "sonata/examples/5_cells_iclamp/simulation_config.json");
  CZ_TEST_DATA_PATH(ref_path, "sonata/examples/5_cells_iclamp/output/spikes.h5");
  loaded l;
  load_folder_units(config, true, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(l.th.cells.ncells, 5);
  assert_int_equal(l.th.niclamp, 15);
  assert_int_equal(cz_bio_thread_init(&l.th), CZ_OK);
  many_spikes s = {.n = 0};
  const long nsteps = lround(l.cfg->tstop / l.cfg->dt);
  for (long n = 0; n < nsteps; n++) assert_int_equal(cz_bio_thread_step(&l.th, record_many, &s), CZ_OK);
  expect_node_spikes(&l, ref_path, "biophysical", &s, "5_cells_iclamp (legacy units)");
  unload_folder(&l);
}

static void test_folder_refusals(void **state) {
  (void)state;
  if (!cz_test_data_dir()) skip();
  static const char *const clamp = "\"c\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", "
                                   "\"node_set\": \"cells\", \"amp\": 0.1, \"delay\": 1, \"duration\": 5";
  char ok_clamp[512], far_clamp[512], bad_lists[512];
  snprintf(ok_clamp, sizeof ok_clamp, "%s}", clamp);
  snprintf(far_clamp, sizeof far_clamp, "%s, \"section_name\": \"apic\", \"section_index\": 500}", clamp);
  snprintf(bad_lists, sizeof bad_lists,
           "\"c\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", \"node_set\": \"cells\", "
           "\"amp\": [0.1, 0.2], \"delay\": [1, 2], \"duration\": [5]}");
  static const char *const nml = "nml:Cell_472363762.cell.nml", *swc = "Scnn1a_473845048_m.swc";
  const struct {
    const char *tmpl, *morph, *proc, *inputs, *says;
  } bad[] = {
      {"hoc:MyCell", swc, "NONE", "", "model_template \"hoc:MyCell\" is not one Cadenza runs"},
      {"ctdb:Biophys1.hoc", swc, "aibs_perisomatic_directed", "", "model_processing \"aibs_perisomatic_directed\""},
      {nml, "Missing_cell.swc", "NONE", "", "Missing_cell.swc"},
      {"nml:Missing.cell.nml", swc, "NONE", "", "Missing.cell.nml"},
      {nml, swc, "NONE", far_clamp, "the cell has no section apic[500]"},
      {nml, swc, "NONE", bad_lists, "amp, delay and duration differ in length"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char config[700];
    write_folder(config, sizeof config, bad[i].tmpl, bad[i].morph, bad[i].proc, bad[i].inputs);
    loaded l;
    load_folder(config, &l);
    if (l.st == CZ_OK || !strstr(cz_error_message(), bad[i].says))
      fail_msg("case %zu: status %d, '%s'; expected '%s'", i, (int)l.st, cz_error_message(), bad[i].says);
    if (strchr(cz_error_message(), '\n')) fail_msg("case %zu: a message of several lines", i);
    cz_error_clear();
    unload_folder(&l);
  }
  /* the same folder with a good clamp builds */
  char config[700];
  write_folder(config, sizeof config, nml, swc, "NONE", ok_clamp);
  loaded l;
  load_folder(config, &l);
  if (l.st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(l.th.niclamp, 1);
  unload_folder(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bio_1cell_from_its_folder),
      cmocka_unit_test(test_bio_1cell_syns_from_its_folder),
      cmocka_unit_test(test_membrane_current_sums_to_clamp),
      cmocka_unit_test(test_place_cost_counts_compartments),
      cmocka_unit_test(test_tuning_weight),
      cmocka_unit_test(test_nine_cells_legacy_units),
      cmocka_unit_test(test_bio_on_off_recurrent),
      cmocka_unit_test(test_bio_intfire_ring),
      cmocka_unit_test(test_five_cells_iclamp_legacy_units),
      cmocka_unit_test(test_folder_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
