/* Unit tests of spike input (io/spike_input.c) and spike output (io/spikes_out.c): every
 * input layout (SONATA, legacy, empty, CSV with and without header or population), the
 * population rule, malformed files, the output sort orders, Python-repr timestamps, and
 * write-then-read round trips with the crash-safe .part rename. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <dirent.h>
#include <math.h>
#include <time.h>

#include "base/status.h"
#include "io/h5.h"
#include "io/spike_input.h"
#include "io/spikes_out.h"

static void assert_message_has(const char *needle) {
  const char *msg = cz_error_message();
  if (!strstr(msg, needle)) fail_msg("message '%s' lacks '%s'", msg, needle);
}

static void assert_sorted_by_id(const cz_spike_trains *t) {
  for (size_t i = 1; i < t->n; i++) {
    uint64_t a = t->node_ids[i - 1], b = t->node_ids[i];
    assert_true(a < b || (a == b && t->timestamps[i - 1] <= t->timestamps[i]));
  }
}

static cz_spike_trains *read_ok(const char *path, const char *module, const char *pop) {
  cz_spike_trains *t = NULL;
  cz_status st = cz_spike_input_read(path, module, pop, &t);
  if (st != CZ_OK) fail_msg("reading %s failed: %s", path, cz_error_message());
  assert_non_null(t);
  assert_sorted_by_id(t);
  return t;
}

/* Number of directory entries other than . and .. */
static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* ---- shared data files ----------------------------------------------------------------- */

static void test_read_bmtk_output_h5(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/integration_tests/point_120cells/expected/spikes.h5");
  cz_spike_trains *t = read_ok(path, NULL, "cortex");
  assert_int_equal(t->n, 1512);
  for (size_t i = 0; i < t->n; i++) assert_true(t->node_ids[i] < 120);
  cz_spike_trains_destroy(&t);
  assert_null(t);
  /* Single population: the requested name is ignored, as BMTK does. */
  t = read_ok(path, "sonata", "some_other_name");
  assert_int_equal(t->n, 1512);
  cz_spike_trains_destroy(&t);
}

static void test_read_legacy_h5(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "sonata/examples/300_pointneurons/inputs/external_spike_trains.h5");
  cz_spike_trains *t = read_ok(path, "h5", "external");
  assert_int_equal(t->n, 4334);
  cz_spike_trains_destroy(&t);
}

/* The pysonata files hold the same 124 spikes in four layouts. */
static void test_read_pysonata_layouts(void **state) {
  (void)state;
  char p1[1024], p2[1024], p3[1024], p4[1024];
  CZ_TEST_DATA_PATH(p1, "sonata/pysonata_test_files/spikes.one_pop.h5");
  CZ_TEST_DATA_PATH(p2, "sonata/pysonata_test_files/spikes.old.h5");
  CZ_TEST_DATA_PATH(p3, "sonata/pysonata_test_files/spikes.one_pop.csv");
  CZ_TEST_DATA_PATH(p4, "sonata/pysonata_test_files/spikes.noheader.nopop.csv"); /* CRLF */
  cz_spike_trains *t[4] = {read_ok(p1, NULL, "v1"), read_ok(p2, "hdf5", "v1"), read_ok(p3, NULL, "v1"),
                           read_ok(p4, "csv", "v1")};
  for (int k = 0; k < 4; k++) {
    assert_int_equal(t[k]->n, 124);
    for (size_t i = 0; i < 124; i++) {
      assert_true(t[k]->node_ids[i] == t[0]->node_ids[i]);
      /* the CSVs were printed with fewer digits */
      assert_true(fabs(t[k]->timestamps[i] - t[0]->timestamps[i]) < 1e-9);
    }
  }
  for (int k = 0; k < 4; k++) cz_spike_trains_destroy(&t[k]);
}

static void test_read_bmtk_csv(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/integration_tests/point_120cells/thalamus_spikes.csv");
  cz_spike_trains *t = read_ok(path, NULL, "thalamus");
  assert_int_equal(t->n, 4166);
  assert_true(t->node_ids[0] == 0 && t->timestamps[0] == 43.1551580465);
  cz_spike_trains_destroy(&t);
}

static void test_read_libsonata_populations(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "libsonata/tests_data/spikes.h5");
  cz_spike_trains *t = read_ok(path, NULL, "All");
  assert_int_equal(t->n, 5);
  /* stored (5,0.1) (2,0.2) (3,0.3) (2,0.7) (3,1.3) */
  const uint64_t ids[5] = {2, 2, 3, 3, 5};
  const double ts[5] = {0.2, 0.7, 0.3, 1.3, 0.1};
  for (int i = 0; i < 5; i++) assert_true(t->node_ids[i] == ids[i] && t->timestamps[i] == ts[i]);
  cz_spike_trains_destroy(&t);
  t = read_ok(path, NULL, "empty");
  assert_int_equal(t->n, 0);
  cz_spike_trains_destroy(&t);
  t = read_ok(path, NULL, "spikes2");
  assert_int_equal(t->n, 5);
  cz_spike_trains_destroy(&t);

  /* Several populations, none named as asked: an error that lists them. */
  assert_int_equal(cz_spike_input_read(path, NULL, "lgn", &t), CZ_ERR_FORMAT);
  assert_null(t);
  assert_message_has(path);
  assert_message_has("'lgn'");
  assert_message_has("All, empty, spikes1, spikes2");
  assert_int_equal(cz_spike_input_read(path, NULL, NULL, &t), CZ_ERR_FORMAT);
  assert_message_has("All, empty, spikes1, spikes2");
}

/* ---- synthetic h5 files ---------------------------------------------------------------- */

static void write_h5_pair(const char *path, const char *ts_name, const double *ts, size_t nts,
                          const char *id_name, const uint64_t *ids, size_t nids) {
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_create_group(f, "/spikes"), CZ_OK);
  if (ts_name) assert_int_equal(cz_h5_write_f64(f, ts_name, ts, nts, false), CZ_OK);
  if (id_name) assert_int_equal(cz_h5_write_u64(f, id_name, ids, nids, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

static void test_h5_malformed(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "spkbad");
  const double ts[3] = {1, 2, 3};
  const uint64_t ids[3] = {0, 1, 2};
  cz_spike_trains *t = NULL;

  snprintf(path, sizeof path, "%s/mismatch.h5", dir);
  write_h5_pair(path, "/spikes/p/timestamps", ts, 3, "/spikes/p/node_ids", ids, 2);
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_null(t);
  assert_message_has(path);
  assert_message_has("/spikes/p/timestamps");
  assert_message_has("/spikes/p/node_ids");

  snprintf(path, sizeof path, "%s/legacy_mismatch.h5", dir);
  write_h5_pair(path, "/spikes/timestamps", ts, 2, "/spikes/gids", ids, 3);
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("/spikes/gids");

  snprintf(path, sizeof path, "%s/nan.h5", dir);
  const double bad[3] = {1, NAN, 3};
  write_h5_pair(path, "/spikes/p/timestamps", bad, 3, "/spikes/p/node_ids", ids, 3);
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("non-finite");

  snprintf(path, sizeof path, "%s/no_ids.h5", dir);
  write_h5_pair(path, "/spikes/p/timestamps", ts, 3, NULL, NULL, 0);
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("/spikes/p/node_ids");

  /* float node ids: HDF5 would convert them silently; refused */
  snprintf(path, sizeof path, "%s/float_ids.h5", dir);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/spikes/p/timestamps", ts, 3, false), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/spikes/p/node_ids", ts, 3, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("float64, expected an integer");

  snprintf(path, sizeof path, "%s/no_spikes_group.h5", dir);
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_create_group(f, "/other"), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("/spikes");

  /* an empty /spikes is a file with no spikes */
  snprintf(path, sizeof path, "%s/empty.h5", dir);
  write_h5_pair(path, NULL, NULL, 0, NULL, NULL, 0);
  t = read_ok(path, NULL, "p");
  assert_int_equal(t->n, 0);
  cz_spike_trains_destroy(&t);

  cz_test_write(path, sizeof path, dir, "garbage.h5", "not hdf5\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_int_equal(cz_spike_input_read("/nonexistent/s.h5", NULL, "p", &t), CZ_ERR_IO);
  assert_int_equal(cz_spike_input_read("/nonexistent/s.csv", NULL, "p", &t), CZ_ERR_IO);
}

static void write_nwb_trial(cz_h5file *h, const char *trial, uint64_t node, const double *ts, size_t n) {
  char p[256];
  snprintf(p, sizeof p, "/processing/%s/spike_train/%llu/data", trial, (unsigned long long)node);
  assert_int_equal(cz_h5_write_f64(h, p, ts, n, false), CZ_OK);
}

/* NWB 1 spike trains: every node's group read, sorted by (node, time); one trial is taken
 * without being named, several need "trial"; a group not named by a node id is refused. */
static void test_nwb_spikes(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "spknwb");
  snprintf(path, sizeof path, "%s/lgn.nwb", dir);
  cz_h5file *h = NULL;
  assert_int_equal(cz_h5_create(path, &h), CZ_OK);
  const double a[] = {30.0, 1.5}, b[] = {2.25};
  write_nwb_trial(h, "trial_0", 12, a, 2);
  write_nwb_trial(h, "trial_0", 3, b, 1);
  assert_int_equal(cz_h5_close(&h), CZ_OK);
  cz_spike_trains *t = read_ok(path, "nwb", "lgn");
  assert_int_equal(t->n, 3);
  assert_int_equal(t->node_ids[0], 3);
  assert_true(t->timestamps[0] == 2.25);
  assert_int_equal(t->node_ids[1], 12);
  assert_true(t->timestamps[1] == 1.5 && t->timestamps[2] == 30.0);
  cz_spike_trains_destroy(&t);
  /* a second trial */
  snprintf(path, sizeof path, "%s/two.nwb", dir);
  assert_int_equal(cz_h5_create(path, &h), CZ_OK);
  write_nwb_trial(h, "trial_0", 12, a, 2);
  write_nwb_trial(h, "trial_1", 4, b, 1);
  assert_int_equal(cz_h5_close(&h), CZ_OK);
  assert_int_equal(cz_spike_input_read(path, "nwb", "lgn", &t), CZ_ERR_CONFIG);
  assert_message_has("trial_0, trial_1");
  assert_int_equal(cz_spike_input_read_trial(path, NULL, "lgn", "trial_1", &t), CZ_OK);
  assert_int_equal(t->n, 1);
  assert_int_equal(t->node_ids[0], 4);
  cz_spike_trains_destroy(&t);
  assert_int_equal(cz_spike_input_read_trial(path, NULL, "lgn", "trial_9", &t), CZ_ERR_FORMAT);
  assert_message_has("trial_9");
  /* a child that is not a node id */
  snprintf(path, sizeof path, "%s/bad.nwb", dir);
  assert_int_equal(cz_h5_create(path, &h), CZ_OK);
  assert_int_equal(cz_h5_write_f64(h, "/processing/trial_1/spike_train/cell_a/data", b, 1, false), CZ_OK);
  assert_int_equal(cz_h5_close(&h), CZ_OK);
  assert_int_equal(cz_spike_input_read(path, NULL, "lgn", &t), CZ_ERR_FORMAT);
  assert_message_has("cell_a");
}

static void test_module_choice(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "spkmod");
  cz_spike_trains *t = NULL;
  cz_test_write(path, sizeof path, dir, "s.nwb", "");
  assert_int_not_equal(cz_spike_input_read(path, "nwb", "p", &t), CZ_OK); /* not an HDF5 file */
  assert_message_has(path);
  assert_int_equal(cz_spike_input_read(path, "poisson", "p", &t), CZ_ERR_CONFIG);
  assert_message_has("poisson");
  /* no telling extension: the module decides */
  cz_test_write(path, sizeof path, dir, "spikes.txt", "1.5 3\n0.5 3\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_CONFIG);
  assert_message_has("module");
  t = read_ok(path, "csv", "p");
  assert_int_equal(t->n, 2);
  assert_true(t->timestamps[0] == 0.5);
  cz_spike_trains_destroy(&t);
  /* extension checks ignore case */
  cz_test_write(path, sizeof path, dir, "SPIKES.CSV", "timestamps node_ids\n1 2\n");
  t = read_ok(path, NULL, "p");
  assert_int_equal(t->n, 1);
  cz_spike_trains_destroy(&t);
}

/* ---- synthetic CSV files --------------------------------------------------------------- */

static void test_csv_layouts(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "spkcsv");
  cz_spike_trains *t;

  /* columns in another order, two populations */
  cz_test_write(path, sizeof path, dir, "two.csv",
                "node_ids population timestamps\n"
                "3 a 5.5\n1 b 2.0\n3 a 1.25\n0 a 9\n2 b 0.5\n");
  t = read_ok(path, NULL, "a");
  assert_int_equal(t->n, 3);
  assert_true(t->node_ids[0] == 0 && t->timestamps[0] == 9.0);
  assert_true(t->node_ids[1] == 3 && t->timestamps[1] == 1.25);
  assert_true(t->node_ids[2] == 3 && t->timestamps[2] == 5.5);
  cz_spike_trains_destroy(&t);
  t = read_ok(path, NULL, "b");
  assert_int_equal(t->n, 2);
  assert_true(t->node_ids[0] == 1 && t->node_ids[1] == 2);
  cz_spike_trains_destroy(&t);
  assert_int_equal(cz_spike_input_read(path, NULL, "c", &t), CZ_ERR_FORMAT);
  assert_message_has("'c'");
  assert_message_has("a, b");

  /* one population under another name: used (BMTK ignores the name) */
  cz_test_write(path, sizeof path, dir, "one.csv", "timestamps population node_ids\n1.0 lgn 4\n0.5 lgn 4\n");
  t = read_ok(path, NULL, "external");
  assert_int_equal(t->n, 2);
  assert_true(t->timestamps[0] == 0.5);
  cz_spike_trains_destroy(&t);

  /* header without population */
  cz_test_write(path, sizeof path, dir, "nopop.csv", "timestamps node_ids\n1.0 4\n2.0 1\n");
  t = read_ok(path, NULL, "x");
  assert_int_equal(t->n, 2);
  assert_true(t->node_ids[0] == 1);
  cz_spike_trains_destroy(&t);

  /* headerless, CRLF */
  cz_test_write(path, sizeof path, dir, "bare.csv", "10.5 7\r\n3.25 0\r\n");
  t = read_ok(path, NULL, NULL);
  assert_int_equal(t->n, 2);
  assert_true(t->node_ids[0] == 0 && t->timestamps[0] == 3.25);
  cz_spike_trains_destroy(&t);

  /* blank lines before the header */
  cz_test_write(path, sizeof path, dir, "blank.csv", "\n\ntimestamps node_ids\n1.5 2\n");
  t = read_ok(path, NULL, "x");
  assert_int_equal(t->n, 1);
  assert_true(t->node_ids[0] == 2 && t->timestamps[0] == 1.5);
  cz_spike_trains_destroy(&t);

  /* header only: no spikes */
  cz_test_write(path, sizeof path, dir, "hdr.csv", "timestamps population node_ids\n");
  t = read_ok(path, NULL, "x");
  assert_int_equal(t->n, 0);
  cz_spike_trains_destroy(&t);
}

static void test_csv_malformed(void **state) {
  (void)state;
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "spkcsvbad");
  cz_spike_trains *t = NULL;

  cz_test_write(path, sizeof path, dir, "neg.csv", "timestamps node_ids\n1.0 4\n2.0 -1\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_null(t);
  assert_message_has(path);
  assert_message_has("row 2");
  assert_message_has("-1");

  cz_test_write(path, sizeof path, dir, "fid.csv", "1.0 4.5\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("4.5");

  cz_test_write(path, sizeof path, dir, "ts.csv", "timestamps node_ids\nsoon 4\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("soon");

  cz_test_write(path, sizeof path, dir, "inf.csv", "timestamps node_ids\ninf 4\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("finite");

  cz_test_write(path, sizeof path, dir, "nan.csv", "timestamps node_ids\nNaN 4\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);

  cz_test_write(path, sizeof path, dir, "cols.csv", "timestamps population\n1.0 a\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
  assert_message_has("node_ids");

  cz_test_write(path, sizeof path, dir, "onecol.csv", "1.0\n2.0\n");
  assert_int_equal(cz_spike_input_read(path, NULL, "p", &t), CZ_ERR_FORMAT);
}

/* ---- output ---------------------------------------------------------------------------- */

static const char *k_pops[2] = {"cortex", "lgn"};

/* A small unsorted table over two populations, with ties in time and in id. */
static void make_table(cz_spike_table *t, uint32_t *pop, uint64_t *ids, double *ts) {
  const uint32_t p[7] = {1, 0, 0, 1, 0, 0, 1};
  const uint64_t id[7] = {4, 2, 1, 0, 2, 1, 4};
  const double tm[7] = {3.0, 0.1, 0.1, 3.0, 579.9000000001204, 2.0, 1.0};
  memcpy(pop, p, sizeof p);
  memcpy(ids, id, sizeof id);
  memcpy(ts, tm, sizeof tm);
  *t = (cz_spike_table){.n = 7, .pop = pop, .node_ids = ids, .timestamps = ts, .npops = 2, .pop_names = k_pops};
}

static void test_sort_orders(void **state) {
  (void)state;
  uint32_t pop[7];
  uint64_t ids[7];
  double ts[7];
  cz_spike_table t;

  make_table(&t, pop, ids, ts);
  assert_int_equal(cz_spikes_sort(&t, CZ_SORT_BY_TIME), CZ_OK); /* (t, pop, id) */
  const double bt_t[7] = {0.1, 0.1, 1.0, 2.0, 3.0, 3.0, 579.9000000001204};
  const uint64_t bt_id[7] = {1, 2, 4, 1, 0, 4, 2};
  const uint32_t bt_p[7] = {0, 0, 1, 0, 1, 1, 0};
  for (int i = 0; i < 7; i++) assert_true(ts[i] == bt_t[i] && ids[i] == bt_id[i] && pop[i] == bt_p[i]);

  make_table(&t, pop, ids, ts);
  assert_int_equal(cz_spikes_sort(&t, CZ_SORT_BY_ID), CZ_OK); /* (pop, id, t) */
  const uint32_t bi_p[7] = {0, 0, 0, 0, 1, 1, 1};
  const uint64_t bi_id[7] = {1, 1, 2, 2, 0, 4, 4};
  const double bi_t[7] = {0.1, 2.0, 0.1, 579.9000000001204, 3.0, 1.0, 3.0};
  for (int i = 0; i < 7; i++) assert_true(ts[i] == bi_t[i] && ids[i] == bi_id[i] && pop[i] == bi_p[i]);

  make_table(&t, pop, ids, ts);
  assert_int_equal(cz_spikes_sort(&t, CZ_SORT_NONE), CZ_OK); /* (pop, t, id) */
  const uint64_t no_id[7] = {1, 2, 1, 2, 4, 0, 4};
  const double no_t[7] = {0.1, 0.1, 2.0, 579.9000000001204, 1.0, 3.0, 3.0};
  for (int i = 0; i < 7; i++) assert_true(ts[i] == no_t[i] && ids[i] == no_id[i]);

  cz_spike_table empty = {0};
  assert_int_equal(cz_spikes_sort(&empty, CZ_SORT_BY_ID), CZ_OK); /* no-op */
}

static void check_repr(double v, const char *want) {
  char buf[40];
  size_t n = cz_spikes_format_time(v, buf, sizeof buf);
  if (strcmp(buf, want) != 0) fail_msg("repr(%.17g): got '%s', want '%s'", v, buf, want);
  assert_int_equal(n, strlen(want));
}

static void test_python_repr(void **state) {
  (void)state;
  check_repr(0.1, "0.1");
  check_repr(579.9000000001204, "579.9000000001204");
  check_repr(100.0, "100.0");
  check_repr(1e-05, "1e-05");
  check_repr(1.5, "1.5");
  check_repr(0.0, "0.0");
  check_repr(-0.0, "-0.0");
  check_repr(-2.5, "-2.5");
  check_repr(0.0001, "0.0001");
  check_repr(0.00012345, "0.00012345");
  check_repr(1.5e-7, "1.5e-07");
  check_repr(1e16, "1e+16");
  check_repr(1.2345e17, "1.2345e+17");
  check_repr(1e15, "1000000000000000.0");
  check_repr(9999999999999998.0, "9999999999999998.0");
  check_repr(0.30000000000000004, "0.30000000000000004");
  check_repr(1.0 / 3.0, "0.3333333333333333");
  check_repr(2.0 / 3.0, "0.6666666666666666");
  check_repr(123456.789, "123456.789");
  check_repr(5e-324, "5e-324");
  check_repr(1.7976931348623157e308, "1.7976931348623157e+308");
  check_repr(44.40000000009962, "44.40000000009962");
  check_repr(1753.599999999053, "1753.599999999053");
  /* every repr reads back exactly */
  char buf[40];
  for (int i = 1; i < 20000; i++) {
    double v = i * 0.1 + i * 1e-7;
    cz_spikes_format_time(v, buf, sizeof buf);
    assert_true(strtod(buf, NULL) == v);
  }
}

static void test_write_round_trip(void **state) {
  (void)state;
  char dir[512], h5[600], csv[600];
  cz_test_tmpdir(dir, sizeof dir, "spkout");
  snprintf(h5, sizeof h5, "%s/spikes.h5", dir);
  snprintf(csv, sizeof csv, "%s/spikes.csv", dir);
  uint32_t pop[7];
  uint64_t ids[7];
  double ts[7];
  cz_spike_table t;
  make_table(&t, pop, ids, ts);
  assert_int_equal(cz_spikes_sort(&t, CZ_SORT_BY_TIME), CZ_OK);
  assert_int_equal(cz_spikes_write_h5(h5, &t, CZ_SORT_BY_TIME, true), CZ_OK);
  assert_int_equal(cz_spikes_write_csv(csv, &t), CZ_OK);
  assert_int_equal(count_entries(dir), 2); /* no .part left */

  for (int k = 0; k < 2; k++) {
    const char *path = k ? csv : h5;
    cz_spike_trains *c = read_ok(path, NULL, "cortex");
    const uint64_t cid[4] = {1, 1, 2, 2};
    const double cts[4] = {0.1, 2.0, 0.1, 579.9000000001204};
    assert_int_equal(c->n, 4);
    for (int i = 0; i < 4; i++) assert_true(c->node_ids[i] == cid[i] && c->timestamps[i] == cts[i]);
    cz_spike_trains_destroy(&c);
    cz_spike_trains *l = read_ok(path, NULL, "lgn");
    assert_int_equal(l->n, 3);
    assert_true(l->node_ids[0] == 0 && l->node_ids[2] == 4 && l->timestamps[2] == 3.0);
    cz_spike_trains_destroy(&l);
  }

  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(h5, &f), CZ_OK);
  char *s;
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes/cortex", "sorting", &s), CZ_OK);
  assert_string_equal(s, "by_time");
  free(s);
  assert_int_equal(cz_h5_read_attr_string(f, "/spikes/lgn/timestamps", "units", &s), CZ_OK);
  assert_string_equal(s, "ms");
  free(s);
  cz_h5_info info;
  assert_int_equal(cz_h5_info_of(f, "/spikes/lgn/node_ids", &info), CZ_OK);
  assert_true(info.cls == CZ_H5_UINT && info.size == 8);
  assert_int_equal(cz_h5_info_of(f, "/spikes/lgn/timestamps", &info), CZ_OK);
  assert_true(info.cls == CZ_H5_FLOAT && info.size == 8);
  assert_true(cz_h5_has_attr(f, "/", "magic") && cz_h5_has_attr(f, "/", "version"));
  assert_int_equal(cz_h5_close(&f), CZ_OK);

  /* the CSV text itself, in table order with repr timestamps */
  FILE *fp = fopen(csv, "r");
  assert_non_null(fp);
  char line[128];
  assert_non_null(fgets(line, sizeof line, fp));
  assert_string_equal(line, "timestamps population node_ids\n");
  assert_non_null(fgets(line, sizeof line, fp));
  assert_string_equal(line, "0.1 cortex 1\n");
  for (int i = 0; i < 6; i++) assert_non_null(fgets(line, sizeof line, fp));
  assert_string_equal(line, "579.9000000001204 cortex 2\n");
  assert_null(fgets(line, sizeof line, fp));
  fclose(fp);

  /* rewriting replaces the old files */
  assert_int_equal(cz_spikes_sort(&t, CZ_SORT_BY_ID), CZ_OK);
  assert_int_equal(cz_spikes_write_h5(h5, &t, CZ_SORT_BY_ID, false), CZ_OK);
  assert_int_equal(cz_h5_open_read(h5, &f), CZ_OK);
  assert_int_equal(cz_h5_read_attr_text(f, "/spikes/lgn", "sorting", &s), CZ_OK);
  assert_string_equal(s, "by_id");
  free(s);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  assert_int_equal(count_entries(dir), 2);
}

static void test_write_empty(void **state) {
  (void)state;
  char dir[512], h5[600], csv[600];
  cz_test_tmpdir(dir, sizeof dir, "spkempty");
  snprintf(h5, sizeof h5, "%s/spikes.h5", dir);
  snprintf(csv, sizeof csv, "%s/spikes.csv", dir);
  cz_spike_table t = {.n = 0, .npops = 2, .pop_names = k_pops};
  assert_int_equal(cz_spikes_write_h5(h5, &t, CZ_SORT_NONE, true), CZ_OK);
  assert_int_equal(cz_spikes_write_csv(csv, &t), CZ_OK);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(h5, &f), CZ_OK);
  char **names;
  size_t n;
  assert_int_equal(cz_h5_list(f, "/spikes", &names, &n), CZ_OK);
  assert_int_equal(n, 0); /* populations without spikes are left out */
  cz_h5_free_names(names, n);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  cz_spike_trains *r = read_ok(h5, NULL, "cortex");
  assert_int_equal(r->n, 0);
  cz_spike_trains_destroy(&r);
  r = read_ok(csv, NULL, "cortex");
  assert_int_equal(r->n, 0);
  cz_spike_trains_destroy(&r);
}

static void test_write_failures(void **state) {
  (void)state;
  char dir[512], path[700];
  cz_test_tmpdir(dir, sizeof dir, "spkfail");
  uint32_t pop[7];
  uint64_t ids[7];
  double ts[7];
  cz_spike_table t;
  make_table(&t, pop, ids, ts);

  snprintf(path, sizeof path, "%s/missing/spikes.h5", dir);
  assert_int_equal(cz_spikes_write_h5(path, &t, CZ_SORT_NONE, true), CZ_ERR_OUTPUT);
  assert_message_has("missing/spikes.h5");
  snprintf(path, sizeof path, "%s/missing/spikes.csv", dir);
  assert_int_equal(cz_spikes_write_csv(path, &t), CZ_ERR_OUTPUT);
  assert_message_has("missing/spikes.csv");
  assert_int_equal(count_entries(dir), 0);

  /* a population name that cannot be a group */
  const char *bad[2] = {"cor/tex", "lgn"};
  t.pop_names = bad;
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  assert_int_equal(cz_spikes_write_h5(path, &t, CZ_SORT_NONE, true), CZ_ERR_OUTPUT);
  assert_message_has("cor/tex");
  assert_int_equal(count_entries(dir), 0);

  /* the final name is taken by a folder: rename fails, the .part is removed */
  t.pop_names = k_pops;
  assert_int_equal(mkdir(path, 0755), 0);
  char inner[800];
  snprintf(inner, sizeof inner, "%s/keep", path);
  mkdir(inner, 0755); /* non-empty, so rename(2) cannot replace it */
  assert_int_equal(cz_spikes_write_h5(path, &t, CZ_SORT_NONE, true), CZ_ERR_OUTPUT);
  assert_int_equal(count_entries(dir), 1);
}

/* Millions of spikes must stay cheap: 1e6 spikes written and read back in each format. */
static void test_large_round_trip(void **state) {
  (void)state;
  enum { N = 1000000, NODES = 50000 };
  char dir[512], h5[600], csv[600];
  cz_test_tmpdir(dir, sizeof dir, "spkbig");
  snprintf(h5, sizeof h5, "%s/spikes.h5", dir);
  snprintf(csv, sizeof csv, "%s/spikes.csv", dir);
  uint32_t *pop = calloc(N, sizeof *pop);
  uint64_t *ids = calloc(N, sizeof *ids);
  double *ts = calloc(N, sizeof *ts);
  assert_true(pop && ids && ts);
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < N; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ids[i] = x % NODES;
    ts[i] = (double)(x >> 11) / 9007199254740992.0 * 1000.0;
  }
  const char *names[1] = {"v1"};
  cz_spike_table t = {.n = N, .pop = pop, .node_ids = ids, .timestamps = ts, .npops = 1, .pop_names = names};
  clock_t c0 = clock();
  assert_int_equal(cz_spikes_sort(&t, CZ_SORT_BY_TIME), CZ_OK);
  clock_t c1 = clock();
  assert_int_equal(cz_spikes_write_h5(h5, &t, CZ_SORT_BY_TIME, true), CZ_OK);
  clock_t c2 = clock();
  assert_int_equal(cz_spikes_write_csv(csv, &t), CZ_OK);
  clock_t c3 = clock();
  cz_spike_trains *a = read_ok(h5, NULL, "v1");
  clock_t c4 = clock();
  cz_spike_trains *b = read_ok(csv, NULL, "v1");
  clock_t c5 = clock();
  assert_int_equal(a->n, N);
  assert_int_equal(b->n, N);
  for (size_t i = 0; i < N; i++)
    assert_true(a->node_ids[i] == b->node_ids[i] && a->timestamps[i] == b->timestamps[i]);
  print_message("1e6 spikes, cpu s: sort %.2f, write h5 %.2f, write csv %.2f, read h5 %.2f, read csv %.2f\n",
                (double)(c1 - c0) / CLOCKS_PER_SEC, (double)(c2 - c1) / CLOCKS_PER_SEC,
                (double)(c3 - c2) / CLOCKS_PER_SEC, (double)(c4 - c3) / CLOCKS_PER_SEC,
                (double)(c5 - c4) / CLOCKS_PER_SEC);
  cz_spike_trains_destroy(&a);
  cz_spike_trains_destroy(&b);
  unlink(h5);
  unlink(csv);
  rmdir(dir);
  free(pop);
  free(ids);
  free(ts);
}

int main(void) {
  cz_h5_quiet();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_bmtk_output_h5),
      cmocka_unit_test(test_read_legacy_h5),
      cmocka_unit_test(test_read_pysonata_layouts),
      cmocka_unit_test(test_read_bmtk_csv),
      cmocka_unit_test(test_read_libsonata_populations),
      cmocka_unit_test(test_h5_malformed),
      cmocka_unit_test(test_module_choice),
      cmocka_unit_test(test_csv_layouts),
      cmocka_unit_test(test_csv_malformed),
      cmocka_unit_test(test_sort_orders),
      cmocka_unit_test(test_python_repr),
      cmocka_unit_test(test_nwb_spikes),
      cmocka_unit_test(test_write_round_trip),
      cmocka_unit_test(test_write_empty),
      cmocka_unit_test(test_write_failures),
      cmocka_unit_test(test_large_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
