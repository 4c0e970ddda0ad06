/* A whole Allen cell against NEURON: bio_1cell's Scnn1a cell (its NeuroML2 biophysics, the
 * perisomatic axon stub, dL 20) under the folder's 0.1 nA clamp from 500 to 2500 ms, run with
 * the engine's cell group, must give the folder's 20 spikes within one step and its soma trace
 * within 1e-6 mV up to the first spike (bionet-spec.md §8.2). Also the reading of the model
 * files: NeuroML2 and Allen JSON give the same membrane, and malformed files are refused; and
 * the placement's census of a cell, which must count what the build makes. */
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

#include "bionet/biophysics.h"
#include "bionet/cells.h"
#include "bionet/events.h"
#include "bionet/exp2syn.h"
#include "bionet/geometry.h"
#include "bionet/morphology.h"
#include "bionet/mechanisms/iclamp.h"
#include "bionet/step.h"
#include "io/h5.h"

#define BIO_1CELL "bmtk/examples/bio_1cell/"

typedef struct sim_out {
  double spikes[64];
  size_t nspikes;
  double *soma_v; /* [nsteps] after each step */
} sim_out;

static cz_status record_spike(void *ctx, int spiker, size_t index, double t) {
  sim_out *out = ctx;
  assert_int_equal(spiker, CZ_SPIKER_CELL);
  assert_int_equal(index, 0);
  if (out->nspikes < 64) out->spikes[out->nspikes++] = t;
  return CZ_OK;
}

/* bio_1cell's synaptic drive: Exp2Syn (tau1 0.1, tau2 0.5 ms, e 0 mV) at the middle of each
 * edge's afferent section, each NetCon of weight 0.035 µS and delay 2 ms from the virtual
 * cell's spikes. */
typedef struct syn_drive {
  const int64_t *section;
  size_t nsyn;
  const double *times;
  size_t ntimes;
} syn_drive;

/* Runs bio_1cell's cell for 3 s: under the folder's clamp (drive NULL) or its synapses;
 * threshold -15 mV at the soma, checked at each step start. */
static void run_bio_1cell(const char *model_file, bool nml, const syn_drive *drive, sim_out *out) {
  char swc[1024], model[1024];
  CZ_TEST_DATA_PATH(swc, BIO_1CELL "components/morphologies/Scnn1a_473845048_m.swc");
  snprintf(model, sizeof model, "%s/%s", cz_test_data_dir(), model_file);
  cz_bio_recipe r;
  if (nml) assert_int_equal(cz_bio_recipe_from_nml(model, &r), CZ_OK);
  else assert_int_equal(cz_bio_recipe_from_allen(model, false, &r), CZ_OK);
  const cz_mech_env env = {.dt = 0.1, .celsius = 34.0, .units = &cz_units_modern};
  cz_bio_thread th;
  assert_int_equal(cz_bio_thread_begin(&th, &env, -15.0), CZ_OK);
  const cz_bio_cell_model cm = {.morphology = swc, .axon = CZ_AXON_PERISOMATIC, .recipe = &r, .dL = 20.0};
  assert_int_equal(cz_bio_cells_add(&th.cells, &cm, -80.0, NULL, NULL), CZ_OK);
  /* the root, an end node per section and 264 segments */
  assert_int_equal(th.cells.cable.n - th.cells.ncells - 122, 264);
  const uint32_t soma = th.cells.soma[0];
  if (!drive) assert_int_equal(cz_bio_thread_add_iclamp(&th, (cz_iclamp){.node = soma, .del = 500.0, .dur = 2000.0, .amp = 0.1}), CZ_OK);
  for (size_t k = 0; drive && k < drive->nsyn; k++) {
    const uint32_t node = (uint32_t)cz_cell_node_at(&th.cells.map[0], (size_t)drive->section[k], 0.5);
    assert_int_equal(cz_exp2syn_add(&th.syn, node, 0.1, 0.5, 0.0, NULL), CZ_OK);
    for (size_t i = 0; i < drive->ntimes; i++)
      assert_int_equal(cz_bio_queue_push(&th.queue, drive->times[i] + 2.0, cz_ev_target(CZ_EV_SYNAPSE, (uint32_t)k), 0.035),
                       CZ_OK);
  }
  assert_int_equal(cz_bio_thread_init(&th), CZ_OK);
  const size_t nsteps = 30000;
  out->soma_v = calloc(nsteps, sizeof *out->soma_v);
  out->nspikes = 0;
  for (size_t n = 0; n < nsteps; n++) {
    assert_int_equal(cz_bio_thread_step(&th, record_spike, out), CZ_OK);
    out->soma_v[n] = th.cells.cable.v[soma];
  }
  cz_bio_thread_free(&th);
  cz_bio_recipe_free(&r);
}

/* Compares a run with the folder's output: every spike within one step (maxdiff), and the
 * soma trace within before_tol until a millisecond before the first spike, and in RMS. */
static void compare_with_output(const sim_out *o, const char *output_dir, double before_tol, const char *label) {
  char spikes_path[1024], report_path[1024], rel[256];
  snprintf(rel, sizeof rel, BIO_1CELL "%s/spikes.h5", output_dir);
  CZ_TEST_DATA_PATH(spikes_path, rel);
  snprintf(rel, sizeof rel, BIO_1CELL "%s/membrane_potential.h5", output_dir);
  CZ_TEST_DATA_PATH(report_path, rel);
  cz_h5file *f = NULL;
  double *ref = NULL, *vref = NULL;
  size_t nref = 0, rows = 0, cols = 0;
  assert_int_equal(cz_h5_open_read(spikes_path, &f), CZ_OK);
  assert_int_equal(cz_h5_read_f64(f, "/spikes/biocell/timestamps", &ref, &nref), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(cz_h5_open_read(report_path, &f), CZ_OK);
  assert_int_equal(cz_h5_read_f64_2d(f, "/report/biocell/data", &vref, &rows, &cols), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(rows, 30000);
  if (o->nspikes != nref) fail_msg("%s: %zu spikes, the reference has %zu", label, o->nspikes, nref);
  double worst_dt = 0;
  size_t identical = 0;
  for (size_t k = 0; k < nref; k++) {
    worst_dt = fmax(worst_dt, fabs(o->spikes[k] - ref[k]));
    identical += o->spikes[k] == ref[k];
    if (getenv("CZ_TEST_VERBOSE") && o->spikes[k] != ref[k]) printf("  spike %zu: %.17g vs %.17g\n", k, o->spikes[k], ref[k]);
  }
  if (worst_dt > 0.1 + 1e-9) fail_msg("%s: a spike differs by %.4g ms", label, worst_dt);
  double before = 0, sq = 0;
  for (size_t r = 0; r < rows; r++) {
    const double d = o->soma_v[r] - vref[r];
    if ((double)(r + 1) * 0.1 < ref[0] - 1.0) before = fmax(before, fabs(d));
    sq += d * d;
  }
  const double rms = sqrt(sq / (double)rows);
  if (getenv("CZ_TEST_VERBOSE"))
    printf("%s: %zu spikes (%zu bit-identical), worst |dt| %.3g ms, max |dv| before the first spike %.3g mV, RMS %.3g mV\n", label,
           o->nspikes, identical, worst_dt, before, rms);
  if (before > before_tol) fail_msg("%s: soma v differs by %.3g mV before the first spike", label, before);
  if (rms > 0.05) fail_msg("%s: soma v RMS difference %.3g mV", label, rms);
  free(ref);
  free(vref);
}

static void test_bio_1cell_iclamp(void **state) {
  (void)state;
  sim_out o;
  run_bio_1cell(BIO_1CELL "components/biophysical_neuron_templates/Cell_472363762.cell.nml", true, NULL, &o);
  compare_with_output(&o, "output_iclamp", 1e-6, "bio_1cell iclamp");
  free(o.soma_v);
}

/* The syns configuration: 12 Exp2Syn from one virtual cell's 64 spikes; the folder's 39 spikes
 * within one step, the soma trace within 1e-6 mV until the first spike (event timing and the
 * synapse's conductance both show in it). */
static void test_bio_1cell_syns(void **state) {
  (void)state;
  char edges[1024], inputs[1024];
  CZ_TEST_DATA_PATH(edges, BIO_1CELL "network/virt_biocell_edges.h5");
  CZ_TEST_DATA_PATH(inputs, BIO_1CELL "inputs/virt_spikes.h5");
  cz_h5file *f = NULL;
  int64_t *section = NULL;
  double *times = NULL;
  size_t nsyn = 0, ntimes = 0;
  assert_int_equal(cz_h5_open_read(edges, &f), CZ_OK);
  assert_int_equal(cz_h5_read_i64(f, "/edges/virt_to_biocell/0/afferent_section_id", &section, &nsyn), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(cz_h5_open_read(inputs, &f), CZ_OK);
  assert_int_equal(cz_h5_read_f64(f, "/spikes/virt/timestamps", &times, &ntimes), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  const syn_drive drive = {section, nsyn, times, ntimes};
  sim_out o;
  run_bio_1cell(BIO_1CELL "components/biophysical_neuron_templates/Cell_472363762.cell.nml", true, &drive, &o);
  compare_with_output(&o, "output_syns", 1e-6, "bio_1cell syns");
  free(o.soma_v);
  free(section);
  free(times);
}

/* The folder's Allen JSON (472363762_fit.json, aibs_perisomatic) holds the NeuroML2 file's
 * parameters, up to the last digits of their text (e.g. 0.98228995893 and 0.9822899589299999):
 * the same cell, whose 20 spikes agree within one step (the last one moves by a step over 2 s
 * of firing) and whose soma trace agrees to 1e-6 mV until the first spike. */
static void test_allen_json_gives_the_same_cell(void **state) {
  (void)state;
  sim_out a, b;
  run_bio_1cell(BIO_1CELL "components/biophysical_neuron_templates/Cell_472363762.cell.nml", true, NULL, &a);
  run_bio_1cell(BIO_1CELL "components/biophysical_neuron_templates/472363762_fit.json", false, NULL, &b);
  assert_int_equal(a.nspikes, 20);
  assert_int_equal(b.nspikes, a.nspikes);
  for (size_t k = 0; k < a.nspikes; k++)
    if (fabs(a.spikes[k] - b.spikes[k]) > 0.1 + 1e-9)
      fail_msg("spike %zu: %.12f (nml) vs %.12f (json)", k, a.spikes[k], b.spikes[k]);
  for (size_t r = 0; (double)(r + 1) * 0.1 < a.spikes[0] - 1.0; r++) assert_true(fabs(a.soma_v[r] - b.soma_v[r]) < 1e-6);
  free(a.soma_v);
  free(b.soma_v);
}

static cz_status recipe_of(const char *dir, const char *name, const char *text, cz_bio_recipe *r) {
  char path[700];
  cz_test_write(path, sizeof path, dir, name, text);
  return strstr(name, ".nml") ? cz_bio_recipe_from_nml(path, r) : cz_bio_recipe_from_allen(path, false, r);
}

/* Model files that name what Cadenza lacks, or are malformed, fail with the file and the name. */
static void test_model_file_refusals(void **state) {
  (void)state;
  static const struct {
    const char *name, *text, *says;
  } bad[] = {
      {"a.nml", "<neuroml><cell><channelDensity id=\"gbar_NaX\" ionChannel=\"NaX\" condDensity=\"1 S_per_cm2\"/></cell></neuroml>",
       "a.nml:1: mechanism NaX is not one Cadenza has"},
      {"b.nml", "<neuroml><cell>\n<channelDensity id=\"gbar_NaTs\" ionChannel=\"NaTs\" segmentGroup=\"soma\"/></cell></neuroml>",
       "b.nml:2: <channelDensity> has no condDensity"},
      {"c.nml", "<neuroml><cell><specificCapacitance segmentGroup=\"dendrite\" value=\"1\"/></cell></neuroml>",
       "segmentGroup 'dendrite' is not soma"},
      {"d.nml", "<neuroml><cell></neuroml>", "d.nml:1: </neuroml> does not close <cell>"},
      {"e.nml", "<neuroml><cell>", "<cell> is never closed"},
      {"f.nml", "<neuroml><resistivity value=\"x ohm_cm\"/></neuroml>", "not a number"},
      {"g.json", "{\"passive\": [{\"ra\": 100, \"cm\": [], \"e_pas\": -70}], \"genome\": [{\"section\": \"soma\", \"name\": \"gbar_NaX\", \"value\": 1, \"mechanism\": \"NaX\"}]}",
       "g.json: genome: mechanism NaX is not one Cadenza has"},
      {"h.json", "{\"passive\": [{\"ra\": 100, \"cm\": [], \"e_pas\": -70}], \"genome\": [{\"section\": \"soma\", \"name\": \"gmax_NaTs\", \"value\": 1, \"mechanism\": \"NaTs\"}]}",
       "h.json: genome: gmax_NaTs is no parameter"},
      {"i.json", "{\"passive\": [{\"cm\": [], \"e_pas\": -70}]}", "i.json: passive[0].ra must be a number"},
      {"j.json", "{\"passive\": [", "j.json: not valid JSON"},
  };
  char dir[512];
  cz_test_tmpdir(dir, sizeof dir, "biomodel");
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cz_bio_recipe r;
    const cz_status st = recipe_of(dir, bad[i].name, bad[i].text, &r);
    if (st != CZ_ERR_FORMAT || !strstr(cz_error_message(), bad[i].says))
      fail_msg("case %s: status %d, message '%s', expected '%s'", bad[i].name, (int)st, cz_error_message(), bad[i].says);
    cz_error_clear();
  }
}

/* A later NeuroML2 element with an id replaces an earlier one of that id, with everything the
 * earlier one set, in the sections both name (BMTK keeps them in a dictionary), and "all"
 * reaches every section type. */
static void test_nml_semantics(void **state) {
  (void)state;
  char dir[512];
  cz_test_tmpdir(dir, sizeof dir, "bionml");
  cz_bio_recipe r;
  assert_int_equal(recipe_of(dir, "x.nml",
                             "<?xml version=\"1.0\"?>\n<!-- a cell -->\n<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\">"
                             "<cell><biophysicalProperties><membraneProperties>"
                             "<channelDensity id=\"gbar_NaTs\" segmentGroup=\"soma\" ion=\"na\" ionChannel=\"NaTs\" erev=\"53.0 mV\" condDensity=\"0.5 S_per_cm2\"/>"
                             "<channelDensity id=\"gbar_NaTs\" segmentGroup=\"soma\" ion=\"na\" ionChannel=\"NaTs\" condDensity=\"0.7 S_per_cm2\"/>"
                             "<channelDensity id=\"g_pas_all\" segmentGroup=\"all\" ion=\"non_specific\" ionChannel=\"pas\" erev=\"-90 mV\" condDensity=\"1e-4 S_per_cm2\"/>"
                             "</membraneProperties><intracellularProperties><resistivity segmentGroup=\"all\" value=\"120 ohm_cm\"/>"
                             "</intracellularProperties></biophysicalProperties></cell></neuroml>",
                             &r),
                   CZ_OK);
  cz_bio_section_props soma, dend;
  cz_bio_recipe_apply(&r, 1, &soma);
  cz_bio_recipe_apply(&r, 3, &dend);
  const int nats = cz_mech_order(cz_mech_find("NaTs")), pas = cz_mech_order(cz_mech_find("pas"));
  assert_true(soma.inserted[nats] && !dend.inserted[nats]);
  assert_true(soma.param[nats][0] == 0.7 && soma.ena == 50.0); /* the replaced element's erev is gone with it */
  assert_true(soma.inserted[pas] && dend.inserted[pas] && dend.param[pas][1] == -90.0);
  assert_true(soma.Ra == 120.0 && dend.Ra == 120.0 && dend.cm == 1.0 && dend.ena == 50.0);
  cz_bio_recipe_free(&r);
}

/* aibs_allactive's axon stub (bionet-spec.md §2.4): axon[0] hangs from soma(1) with the mean
 * diameter of the first axon section, axon[1] with that of the last one; a morphology without
 * an axon is refused. */
static void test_allactive_stub(void **state) {
  (void)state;
  char dir[512], swc[700], bare[700];
  cz_test_tmpdir(dir, sizeof dir, "allactive");
  cz_test_write(swc, sizeof swc, dir, "cell.swc",
                "1 1 0 0 0 5 -1\n2 3 0 6 0 1 1\n3 3 0 50 0 1 2\n"
                "4 2 0 -6 0 1.0 1\n5 2 0 -16 0 0.5 4\n6 2 1 -30 0 0.25 5\n7 2 -1 -30 0 0.25 5\n");
  cz_test_write(bare, sizeof bare, dir, "bare.swc", "1 1 0 0 0 5 -1\n2 3 0 6 0 1 1\n3 3 0 50 0 1 2\n");
  cz_morph *m = NULL;
  assert_int_equal(cz_morph_read(swc, &m), CZ_OK);
  /* list order before the stub: soma[0], axon[0], axon[1], axon[2], dend[0] */
  const double d0 = cz_bio_mean_diam(m, 1), d1 = cz_bio_mean_diam(m, 3);
  assert_true(fabs(d0 - 1.5) < 1e-12); /* from 2 to 1 µm over 10 µm */
  cz_morph_free(&m);
  cz_bio_cells g;
  assert_int_equal(cz_bio_cells_begin(&g), CZ_OK);
  cz_bio_cell_model cm = {.morphology = swc, .axon = CZ_AXON_ALLACTIVE, .recipe = NULL, .dL = 20.0};
  assert_int_equal(cz_bio_cells_add(&g, &cm, -70.0, NULL, NULL), CZ_OK);
  const cz_cell_nodes *map = &g.map[0];
  assert_int_equal(map->nsec, 4); /* soma, dend, axon[0], axon[1] */
  assert_int_equal(map->attach[2], map->end[0]); /* soma(1) */
  assert_int_equal(map->attach[3], map->end[2]);
  assert_true(fabs(g.cable.area[map->centre0[2]] - M_PI * d0 * 30.0) < 1e-9);
  assert_true(fabs(g.cable.area[map->centre0[3]] - M_PI * d1 * 30.0) < 1e-9);
  cm.morphology = bare;
  assert_int_equal(cz_bio_cells_add(&g, &cm, -70.0, NULL, NULL), CZ_ERR_FORMAT);
  assert_non_null(strstr(cz_error_message(), "aibs_allactive needs an axon"));
  cz_error_clear();
  cz_bio_cells_free(&g);
}

/* The placement's census of a cell (cz_bio_cell_census) counts what the build makes of it: the
 * cable nodes and every kind's instances, for bio_1cell's perisomatic Scnn1a cell (the axon
 * stub, dL 20: the channels at the soma and axon, pas everywhere). */
static void test_census_counts_what_the_build_makes(void **state) {
  (void)state;
  char swc[1024], model[1024];
  CZ_TEST_DATA_PATH(swc, BIO_1CELL "components/morphologies/Scnn1a_473845048_m.swc");
  CZ_TEST_DATA_PATH(model, BIO_1CELL "components/biophysical_neuron_templates/Cell_472363762.cell.nml");
  cz_bio_recipe r;
  assert_int_equal(cz_bio_recipe_from_nml(model, &r), CZ_OK);
  const cz_bio_cell_model cm = {.morphology = swc, .axon = CZ_AXON_PERISOMATIC, .recipe = &r, .dL = 20.0};
  cz_bio_census census;
  assert_int_equal(cz_bio_cell_census(&cm, NULL, &census), CZ_OK);
  cz_bio_cells g;
  assert_int_equal(cz_bio_cells_begin(&g), CZ_OK);
  assert_int_equal(cz_bio_cells_add(&g, &cm, -80.0, NULL, NULL), CZ_OK);
  assert_int_equal(census.nodes, g.cable.n);
  int channels = 0;
  for (int o = 0; o < cz_mech_nkinds(); o++) {
    if (census.instances[o] != g.mech[o].n)
      fail_msg("%s: %u instances counted, %zu built", cz_mech_kind_at(o)->name, census.instances[o], g.mech[o].n);
    channels += o > 0 && census.instances[o] > 0;
  }
  assert_int_equal(census.instances[0], 264); /* pas in every segment */
  assert_true(channels >= 8);                 /* the soma's channels and calcium */
  cz_bio_cells_free(&g);
  cz_bio_recipe_free(&r);
}

enum { COHORT_CELLS = 6, COHORT_STEPS = 3000 };

typedef struct cohort_spikes {
  double t[COHORT_CELLS][64];
  size_t n[COHORT_CELLS];
  size_t first; /* the cell index 0 of this thread stands for */
} cohort_spikes;

static cz_status record_cohort_spike(void *ctx, int spiker, size_t index, double t) {
  cohort_spikes *out = ctx;
  assert_int_equal(spiker, CZ_SPIKER_CELL);
  const size_t c = out->first + index;
  if (out->n[c] < 64) out->t[c][out->n[c]++] = t;
  return CZ_OK;
}

/* Cell c of the cohort test: bio_1cell's cell with a clamp of 0.1 + 0.05 c nA from 50 ms at
 * the soma and a synapse in the middle of section 3 + 7 c driven every 20 ms from 10 + c ms. */
static void add_cohort_cell(cz_bio_thread *th, const cz_bio_cell_model *cm, size_t c) {
  size_t cell = 0;
  assert_int_equal(cz_bio_cells_add(&th->cells, cm, -80.0, NULL, &cell), CZ_OK);
  const cz_cell_nodes *map = &th->cells.map[cell];
  const cz_iclamp clamp = {.node = th->cells.soma[cell], .del = 50.0, .dur = 1000.0, .amp = 0.1 + 0.05 * (double)c};
  assert_int_equal(cz_bio_thread_add_iclamp(th, clamp), CZ_OK);
  size_t k = 0;
  assert_int_equal(cz_exp2syn_add(&th->syn, (uint32_t)cz_cell_node_at(map, 3 + 7 * c, 0.5), 0.1, 0.5, 0.0, &k), CZ_OK);
  for (double t = 10.0 + (double)c; t < 300.0; t += 20.0)
    assert_int_equal(cz_bio_queue_push(&th->queue, t, cz_ev_target(CZ_EV_SYNAPSE, (uint32_t)k), 0.02), CZ_OK);
}

/* Cells of one shape stepped side by side (cz_cable_interleave) give the same bits as each cell
 * stepped alone: six copies of bio_1cell's cell, each with its own clamp and synapse, in one
 * thread (a cohort of six, every section's centres six nodes apart) and each in a thread of
 * its own (a cell of its own is never interleaved), 300 ms; every node of every cell, and the
 * spikes, compared bit for bit. */
static void test_cohort_steps_like_single_cells(void **state) {
  (void)state;
  char swc[1024], model[1024];
  CZ_TEST_DATA_PATH(swc, BIO_1CELL "components/morphologies/Scnn1a_473845048_m.swc");
  CZ_TEST_DATA_PATH(model, BIO_1CELL "components/biophysical_neuron_templates/472363762_fit.json");
  cz_bio_recipe r;
  assert_int_equal(cz_bio_recipe_from_allen(model, false, &r), CZ_OK);
  const cz_mech_env env = {.dt = 0.1, .celsius = 34.0, .units = &cz_units_modern};
  const cz_bio_cell_model cm = {.morphology = swc, .axon = CZ_AXON_PERISOMATIC, .recipe = &r, .dL = 20.0};
  cz_bio_thread together, alone[COHORT_CELLS];
  assert_int_equal(cz_bio_thread_begin(&together, &env, -15.0), CZ_OK);
  for (size_t c = 0; c < COHORT_CELLS; c++) add_cohort_cell(&together, &cm, c);
  assert_int_equal(cz_bio_thread_init(&together), CZ_OK);
  assert_int_equal(together.cells.cable.ncohort, 1);
  assert_int_equal(together.cells.cable.cohort[0].width, COHORT_CELLS);
  assert_int_equal(together.cells.cable.tail, together.cells.cable.n);
  for (size_t c = 0; c < COHORT_CELLS; c++) {
    assert_int_equal(together.cells.map[c].stride, COHORT_CELLS);
    assert_int_equal(cz_bio_thread_begin(&alone[c], &env, -15.0), CZ_OK);
    add_cohort_cell(&alone[c], &cm, c);
    assert_int_equal(cz_bio_thread_init(&alone[c]), CZ_OK);
    assert_int_equal(alone[c].cells.cable.ncohort, 0);
    assert_int_equal(alone[c].cells.map[0].stride, 1);
  }
  cohort_spikes s_together = {0}, s_alone = {0};
  for (size_t n = 0; n < COHORT_STEPS; n++) {
    assert_int_equal(cz_bio_thread_step(&together, record_cohort_spike, &s_together), CZ_OK);
    for (size_t c = 0; c < COHORT_CELLS; c++) {
      s_alone.first = c;
      assert_int_equal(cz_bio_thread_step(&alone[c], record_cohort_spike, &s_alone), CZ_OK);
    }
  }
  size_t spikes = 0, compared = 0;
  for (size_t c = 0; c < COHORT_CELLS; c++) {
    const cz_cell_nodes *mt = &together.cells.map[c], *ma = &alone[c].cells.map[0];
    assert_int_equal(mt->nsec, ma->nsec);
    for (size_t sec = 0; sec < mt->nsec; sec++)
      for (uint32_t q = 0; q < mt->nseg[sec]; q++) {
        const double x = ((double)q + 0.5) / (double)mt->nseg[sec];
        const double vt = together.cells.cable.v[cz_cell_node_at(mt, sec, x)];
        const double va = alone[c].cells.cable.v[cz_cell_node_at(ma, sec, x)];
        assert_memory_equal(&vt, &va, sizeof vt);
        compared++;
      }
    assert_memory_equal(&together.cells.cable.v[mt->root], &alone[c].cells.cable.v[ma->root], sizeof(double));
    assert_int_equal(s_together.n[c], s_alone.n[c]);
    assert_memory_equal(s_together.t[c], s_alone.t[c], s_alone.n[c] * sizeof(double));
    spikes += s_alone.n[c];
  }
  assert_true(spikes > 0);
  assert_int_equal(compared, COHORT_CELLS * 264);
  cz_bio_thread_free(&together);
  for (size_t c = 0; c < COHORT_CELLS; c++) cz_bio_thread_free(&alone[c]);
  cz_bio_recipe_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bio_1cell_iclamp),
      cmocka_unit_test(test_bio_1cell_syns),
      cmocka_unit_test(test_allen_json_gives_the_same_cell),
      cmocka_unit_test(test_model_file_refusals),
      cmocka_unit_test(test_nml_semantics),
      cmocka_unit_test(test_allactive_stub),
      cmocka_unit_test(test_census_counts_what_the_build_makes),
      cmocka_unit_test(test_cohort_steps_like_single_cells),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
