/* Unit tests of the input timing rules (src/core/stimulus, src/pointnet/poisson_drive, sonata-spec 3.4, 3.6, 3.7):
 *  - spike stamps of spike_generator times, against a transcription of NEST's
 *    Time::ms_stamp / Time::ms arithmetic written here;
 *  - current clamps: piecewise amplitudes, sums, changes before step 1 dropped;
 *  - a clamp's current reaching the membrane from update a+1 (closed-form LIF response). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "cz_test.h"
#include "core/stimulus/current_clamp.h"
#include "pointnet/poisson_drive.h"
#include "core/stimulus/spike_train.h"
#include "base/rng.h"
#include "io/h5.h"
#include "pointnet/models/model.h"

/* ---- spike stamps ----------------------------------------------------------------------- */

/* NEST's Time::fromstamp: truncate to tics, floor to the step, and go one step up when that
 * step's time (steps * MS_PER_STEP, in doubles) is still before t. */
static int64_t cz_nest_ms_stamp(double t, int64_t tics_per_step) {
  const double ms_per_step = (double)tics_per_step / 1000.0;
  int64_t n = (int64_t)(t * 1000.0);
  n -= n % tics_per_step;
  const int64_t s = n / tics_per_step;
  if ((double)s * ms_per_step < t) n += tics_per_step;
  return n / tics_per_step;
}

/* NEST's Time::ms: nearest tic (t > 0). */
static int64_t cz_nest_ms_tics(double t) { return (int64_t)floor(t * 1000.0 + 0.5); }

static int64_t cz_stamp_ok(double t, int64_t tps, int precise, int offgrid) {
  int64_t s = -999;
  cz_error_clear();
  cz_status st = cz_spike_stamp(t, tps, precise, offgrid, &s);
  if (st != CZ_OK)
    fail_msg("stamp(t=%.17g, tps=%lld, precise=%d, offgrid=%d) failed: %s", t, (long long)tps, precise, offgrid,
             cz_error_message());
  return s;
}

static void cz_stamp_fails(double t, int64_t tps, int precise, int offgrid) {
  int64_t s = -999;
  cz_error_clear();
  cz_status st = cz_spike_stamp(t, tps, precise, offgrid, &s);
  if (st == CZ_OK)
    fail_msg("stamp(t=%.17g, tps=%lld, precise=%d, offgrid=%d) = %lld, expected an error", t, (long long)tps, precise,
             offgrid, (long long)s);
  assert_int_equal(st, CZ_ERR_FORMAT);
  assert_true(strlen(cz_error_message()) > 0);
}

static void test_stamp_precise_examples(void **state) {
  (void)state;
  assert_int_equal(cz_stamp_ok(1.05, 100, 1, 0), 11);
  assert_int_equal(cz_stamp_ok(1.1, 100, 1, 0), 11);
  assert_int_equal(cz_stamp_ok(0.1, 100, 1, 0), 1);
  assert_int_equal(cz_stamp_ok(0.3, 100, 1, 0), 3);
  assert_int_equal(cz_stamp_ok(1e-9, 100, 1, 0), 1);
  assert_int_equal(cz_stamp_ok(1.00001, 100, 1, 0), 11);
  assert_int_equal(cz_stamp_ok(999.95, 100, 1, 0), 10000);
  assert_int_equal(cz_stamp_ok(1e-9, 1, 1, 0), 1);
  assert_int_equal(cz_stamp_ok(1.0004, 1, 1, 0), 1001);
  assert_int_equal(cz_stamp_ok(2.5, 1, 1, 0), 2500);
  assert_int_equal(cz_stamp_ok(0.25, 250, 1, 0), 1);
  assert_int_equal(cz_stamp_ok(0.26, 250, 1, 0), 2);
  cz_stamp_fails(0.0, 100, 1, 0);
  cz_stamp_fails(-1.0, 100, 1, 0);
  cz_stamp_fails(-1e-12, 1, 1, 1);
}

static void test_stamp_grid_examples(void **state) {
  (void)state;
  assert_int_equal(cz_stamp_ok(1.1, 100, 0, 0), 11);
  assert_int_equal(cz_stamp_ok(0.3, 100, 0, 0), 3);
  assert_int_equal(cz_stamp_ok(1.0004, 100, 0, 0), 10); /* rounds to tic 1000 first */
  assert_int_equal(cz_stamp_ok(1.0996, 100, 0, 0), 11);
  /* NEST's own spike_generator tests (testsuite/pytests/test_spike_generator.py). */
  assert_int_equal(cz_stamp_ok(2.9999, 100, 0, 0), 30);
  assert_int_equal(cz_stamp_ok(4.3001, 100, 0, 0), 43);
  assert_int_equal(cz_stamp_ok(1.9999, 100, 0, 0), 20);
  assert_int_equal(cz_stamp_ok(3.0001, 100, 0, 1), 30);
  assert_int_equal(cz_stamp_ok(1.0, 100, 0, 1), 10);
  cz_stamp_fails(4.33, 100, 0, 0);
  cz_stamp_fails(1.05, 100, 0, 0);
  cz_stamp_fails(1.0006, 100, 0, 0);
  /* allow_offgrid_spikes: nearest within half a tic, else rounded up (not to the nearest step). */
  assert_int_equal(cz_stamp_ok(1.05, 100, 0, 1), 11);
  assert_int_equal(cz_stamp_ok(1.01, 100, 0, 1), 11);
  assert_int_equal(cz_stamp_ok(1.09, 100, 0, 1), 11);
  assert_int_equal(cz_stamp_ok(1.0006, 100, 0, 1), 11);
  assert_int_equal(cz_stamp_ok(1.0004, 100, 0, 1), 10);
  assert_int_equal(cz_stamp_ok(1.1004, 100, 0, 1), 11);
  /* With h = 1 tic every time rounds onto the grid. */
  assert_int_equal(cz_stamp_ok(1.0004, 1, 0, 0), 1000);
  assert_int_equal(cz_stamp_ok(1.0006, 1, 0, 0), 1001);
  assert_int_equal(cz_stamp_ok(2.5, 1, 0, 0), 2500);
  assert_int_equal(cz_stamp_ok(0.001, 1, 0, 0), 1);
}

/* NEST's spike_generator refuses a spike at time 0 whatever precise_times says, and the spec
 * (3.6) makes any time <= 0 fatal. */
static void test_stamp_grid_nonpositive(void **state) {
  (void)state;
  cz_stamp_fails(0.0, 100, 0, 0);
  cz_stamp_fails(0.0, 1, 0, 1);
  cz_stamp_fails(-0.5, 100, 0, 0);
  cz_stamp_fails(-0.5, 100, 0, 1);
}

/* A small deterministic generator of times in (0, span). */
static double cz_next_time(uint64_t *x, double span) {
  *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
  return ((double)(*x >> 11) + 1.0) / 9007199254740993.0 * span;
}

/* Precise stamps agree with NEST's ms_stamp on decimal grid times (as read from text files),
 * near-grid and random times. */
static void test_stamp_precise_vs_nest(void **state) {
  (void)state;
  const int64_t tps_list[] = {100, 1, 250, 50};
  uint64_t x = 12345;
  for (size_t k = 0; k < 4; k++) {
    const int64_t tps = tps_list[k];
    for (int i = 1; i <= 20000; i++) {
      const double ts[] = {i / 10.0, i / 1000.0, i / 100.0 + 0.00049, cz_next_time(&x, 3000.0)};
      for (size_t j = 0; j < 4; j++) {
        int64_t want = cz_nest_ms_stamp(ts[j], tps), got = cz_stamp_ok(ts[j], tps, 1, 0);
        if (got != want) fail_msg("t=%.17g tps=%lld: stamp %lld, NEST %lld", ts[j], (long long)tps, (long long)got, (long long)want);
        /* and the defining property: smallest s with s h >= t */
        const double h = (double)tps / 1000.0;
        assert_true((double)got * h >= ts[j] && (double)(got - 1) * h < ts[j]);
      }
    }
  }
}

/* Grid stamps: on-grid (after rounding to the tic) -> tics / tics_per_step; off-grid -> error,
 * or NEST's ms_stamp when allowed. */
static void test_stamp_grid_vs_nest(void **state) {
  (void)state;
  const int64_t tps_list[] = {100, 1, 250};
  uint64_t x = 777;
  for (size_t k = 0; k < 3; k++) {
    const int64_t tps = tps_list[k];
    for (int i = 1; i <= 20000; i++) {
      const double ts[] = {i / 10.0, i / 1000.0, i / 100.0 + 0.0003, cz_next_time(&x, 3000.0)};
      for (size_t j = 0; j < 4; j++) {
        const double t = ts[j];
        const int64_t tics = cz_nest_ms_tics(t);
        if (tics % tps == 0) {
          assert_int_equal(cz_stamp_ok(t, tps, 0, 0), tics / tps);
          assert_int_equal(cz_stamp_ok(t, tps, 0, 1), tics / tps);
        } else {
          cz_stamp_fails(t, tps, 0, 0);
          int64_t want = cz_nest_ms_stamp(t, tps), got = cz_stamp_ok(t, tps, 0, 1);
          if (got != want) fail_msg("offgrid t=%.17g tps=%lld: stamp %lld, NEST %lld", t, (long long)tps, (long long)got, (long long)want);
        }
      }
    }
  }
}

/* ---- current clamps --------------------------------------------------------------------- */

/* Neuron 0: clamps 0 and 1; neuron 1: clamp 1; neuron 2: none; neuron 3: clamps 2 and 0.
 * Clamp 0: 100 pA at step 0 (never applies), 50 from 10, 0 from 20.
 * Clamp 1: 7 from 15.
 * Clamp 2: -3 at step -4 (never), 2.5 from step 1, -1 from 12. */
static size_t g_chg_off[] = {0, 3, 4, 7};
static int64_t g_chg_step[] = {0, 10, 20, 15, -4, 1, 12};
static double g_chg_amp[] = {100, 50, 0, 7, -3, 2.5, -1};
static size_t g_nrn_off[] = {0, 2, 3, 3, 5};
static uint32_t g_nrn_clamp[] = {0, 1, 1, 2, 0};

static cz_clamps cz_hand_clamps(void) {
  cz_clamps cl;
  memset(&cl, 0, sizeof cl);
  cl.nclamps = 3;
  cl.chg_off = g_chg_off;
  cl.chg_step = g_chg_step;
  cl.chg_amp = g_chg_amp;
  cl.nrn_off = g_nrn_off;
  cl.nrn_clamp = g_nrn_clamp;
  return cl;
}

static double cz_clamp0(int64_t u) { return u >= 20 ? 0.0 : (u >= 10 ? 50.0 : 0.0); }
static double cz_clamp1(int64_t u) { return u >= 15 ? 7.0 : 0.0; }
static double cz_clamp2(int64_t u) { return u >= 12 ? -1.0 : (u >= 1 ? 2.5 : 0.0); }

static void test_clamp_current(void **state) {
  (void)state;
  cz_clamps cl = cz_hand_clamps();
  for (int64_t u = -2; u < 40; u++) {
    const double want[4] = {cz_clamp0(u) + cz_clamp1(u), cz_clamp1(u), 0.0, cz_clamp2(u) + cz_clamp0(u)};
    for (uint32_t n = 0; n < 4; n++) {
      double got = cz_clamps_current(&cl, n, u);
      if (got != want[n]) fail_msg("neuron %u step %lld: current %g, expected %g", n, (long long)u, got, want[n]);
    }
  }
  /* spot values */
  assert_true(cz_clamps_current(&cl, 0, 0) == 0.0);
  assert_true(cz_clamps_current(&cl, 0, 9) == 0.0);
  assert_true(cz_clamps_current(&cl, 0, 10) == 50.0);
  assert_true(cz_clamps_current(&cl, 0, 17) == 57.0);
  assert_true(cz_clamps_current(&cl, 0, 25) == 7.0);
  assert_true(cz_clamps_current(&cl, 3, 1) == 2.5);
  assert_true(cz_clamps_current(&cl, 3, 11) == 52.5);
  assert_true(cz_clamps_current(&cl, 3, 12) == 49.0);
}

/* ---- current clamps from an Allen NWB sweep ---------------------------------------------- */

/* A sweep at 10 kHz (sample i at i * 0.1 ms) whose sample i is (i % 7) * 1e-10 A. */
static void write_sweep(const char *path, const char *sweep, size_t n) {
  double data[200];
  assert_true(n <= 200);
  for (size_t i = 0; i < n; i++) data[i] = (double)(i % 7) * 1e-10;
  cz_h5file *h = NULL;
  char p[256];
  assert_int_equal(cz_h5_create(path, &h), CZ_OK);
  snprintf(p, sizeof p, "/epochs/%s/stimulus/timeseries/data", sweep);
  assert_int_equal(cz_h5_write_f64(h, p, data, n, false), CZ_OK);
  snprintf(p, sizeof p, "/epochs/%s/stimulus/timeseries/starting_time", sweep);
  const double zero = 0.0;
  assert_int_equal(cz_h5_write_f64(h, p, &zero, 1, false), CZ_OK);
  assert_int_equal(cz_h5_write_attr_f64(h, p, "rate", 10000.0), CZ_OK);
  assert_int_equal(cz_h5_close(&h), CZ_OK);
}

/* A config with dt 0.1 and an nwb IClamp block of the given JSON (*j to delete). */
static void nwb_config(const char *json, cz_config *cfg, cz_cfg_block *b, cJSON **j) {
  memset(cfg, 0, sizeof *cfg);
  cfg->path = "config.json";
  cfg->dt = 0.1;
  *j = cJSON_Parse(json);
  assert_non_null(*j);
  *b = (cz_cfg_block){.name = "clamp", .input_type = "nwb", .module = "IClamp", .json = *j};
}

/* cz_clamp_read_sweep of the block whose JSON is fmt with the file path put in. */
static cz_status read_sweep_block(const char *fmt, const char *path, cz_clamp_sweep *out) {
  char json[1024];
  snprintf(json, sizeof json, fmt, path);
  cz_config cfg;
  cz_cfg_block b;
  cJSON *j = NULL;
  nwb_config(json, &cfg, &b, &j);
  const cz_status st = cz_clamp_read_sweep(&cfg, &b, out);
  cJSON_Delete(j);
  return st;
}

static cz_status nwb_block(const char *json, double **t, double **amp, size_t *n) {
  cz_config cfg;
  cz_cfg_block b;
  cJSON *j = NULL;
  nwb_config(json, &cfg, &b, &j);
  cz_status st = cz_clamp_block_changes(&cfg, &b, t, amp, n);
  cJSON_Delete(j);
  return st;
}

static void test_clamp_nwb_sweep(void **state) {
  (void)state;
  char dir[512], path[600], json[1024];
  cz_test_tmpdir(dir, sizeof dir, "nwbclamp");
  snprintf(path, sizeof path, "%s/cell_ephys.nwb", dir);
  write_sweep(path, "Sweep_3", 60);
  double *t = NULL, *amp = NULL;
  size_t n = 0;
  /* every sample after dt, amplitudes x 1e9 */
  snprintf(json, sizeof json, "{\"file\": \"%s\", \"sweep_id\": 3}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_OK);
  assert_int_equal(n, 58); /* samples 0 and 1 (t <= dt) are dropped */
  for (size_t k = 0; k < n; k++) {
    const size_t i = k + 2;
    assert_true(fabs(t[k] - 0.1 * (double)i) < 1e-12);
    assert_true(fabs(amp[k] - 0.1 * (double)(i % 7)) < 1e-12);
  }
  free(t);
  free(amp);
  /* downsample 0.5 ms against the 0.1 ms sample interval: every 5th sample; 0.05 ms (under the
   * interval) changes nothing */
  snprintf(json, sizeof json, "{\"file\": \"%s\", \"sweep_id\": \"3\", \"downsample\": 0.5}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_OK);
  assert_int_equal(n, 11); /* samples 5, 10, ..., 55 */
  assert_true(fabs(t[0] - 0.5) < 1e-12 && fabs(amp[1] - 0.3) < 1e-12);
  free(t);
  free(amp);
  snprintf(json, sizeof json, "{\"file\": \"%s\", \"sweep_id\": \"3\", \"downsample\": 0.05}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_OK);
  assert_int_equal(n, 58);
  free(t);
  free(amp);
  /* the sweep as both engines read it: idt becomes downsample (0.3 ms: stride 3) */
  cz_clamp_sweep sw;
  assert_int_equal(read_sweep_block("{\"file\": \"%s\", \"sweep_id\": 3, \"downsample\": 0.3, \"delay\": 4}", path,
                                    &sw),
                   CZ_OK);
  assert_int_equal(sw.n, 20); /* samples 0, 3, ..., 57 */
  assert_true(sw.idt == 0.3 && sw.delay == 4.0);
  assert_true(fabs(sw.t[3] - 0.9) < 1e-12 && fabs(sw.amps[1] - 0.3) < 1e-12 && fabs(sw.amps[3] - 0.2) < 1e-12);
  cz_clamp_sweep_free(&sw);
  assert_int_equal(read_sweep_block("{\"file\": \"%s\", \"sweep_id\": 3}", path, &sw), CZ_OK);
  assert_int_equal(sw.n, 60);
  assert_true(fabs(sw.idt - 0.1) < 1e-15 && sw.delay == 0.0 && fabs(sw.amps[4] - 0.4) < 1e-12);
  cz_clamp_sweep_free(&sw);
  /* a window of [0.95, 2.05] ms (samples 10..20), shifted by 10 ms */
  snprintf(json, sizeof json,
           "{\"file\": \"%s\", \"sweep_id\": \"Sweep_3\", \"sweep_window\": [0.95, 2.05], \"delay\": 10.0}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_OK);
  assert_int_equal(n, 11);
  assert_true(fabs(t[0] - 11.0) < 1e-12 && fabs(t[10] - 12.0) < 1e-12);
  assert_true(fabs(amp[0] - 0.3) < 1e-12); /* 10 % 7 = 3 */
  free(t);
  free(amp);
  /* errors: a missing sweep names it and the sweeps there are; a bad window */
  snprintf(json, sizeof json, "{\"file\": \"%s\", \"sweep_id\": 4.0}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_ERR_FORMAT);
  assert_non_null(strstr(cz_error_message(), "Sweep_4"));
  assert_non_null(strstr(cz_error_message(), "Sweep_3"));
  snprintf(json, sizeof json, "{\"file\": \"%s\", \"sweep_id\": 3, \"sweep_window\": [2.0, 1.0]}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_ERR_CONFIG);
  snprintf(json, sizeof json, "{\"file\": \"%s\"}", path);
  assert_int_equal(nwb_block(json, &t, &amp, &n), CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "sweep_id"));
  cz_error_clear();
}

/* ---- the online Poisson drive's counts ------------------------------------------------- */

/* Counts drawn by inversion from the counter-based uniforms have the Poisson mean and
 * variance (within 4 standard errors over 2e5 draws) and the Poisson probability of zero;
 * u just below / above e^-lambda gives 0 / 1. */
static void test_poisson_counts(void **state) {
  (void)state;
  const double lams[] = {0.5, 2.7, 20.0, 150.0};
  enum { NDRAW = 200000 };
  for (size_t k = 0; k < sizeof lams / sizeof lams[0]; k++) {
    const double lam = lams[k];
    double sum = 0, sum2 = 0, zeros = 0;
    for (uint64_t i = 0; i < NDRAW; i++) {
      const double x = cz_poisson_count(lam, cz_rng_uniform(1, 7, k, i));
      sum += x;
      sum2 += x * x;
      zeros += x == 0;
    }
    const double mean = sum / NDRAW, var = sum2 / NDRAW - mean * mean;
    if (fabs(mean - lam) > 4 * sqrt(lam / NDRAW)) fail_msg("lambda %g: mean %g", lam, mean);
    if (fabs(var - lam) > 4 * lam * sqrt(2.0 / NDRAW) + 0.01 * lam) fail_msg("lambda %g: variance %g", lam, var);
    if (lam < 10) {
      const double p0 = exp(-lam);
      if (fabs(zeros / NDRAW - p0) > 4 * sqrt(p0 * (1 - p0) / NDRAW)) fail_msg("lambda %g: P(0) %g", lam, zeros / NDRAW);
    }
  }
  assert_int_equal(cz_poisson_count(0.0, 0.9), 0);
  assert_int_equal(cz_poisson_count(2.0, nextafter(exp(-2.0), 0.0)), 0);
  assert_int_equal(cz_poisson_count(2.0, exp(-2.0)), 1);
}

/* The drive's tabulated draws are cz_poisson_count's values exactly: for every entry and step
 * (means from tiny to past the normal approximation's 100), and at uniforms on and just below
 * each cumulative sum; the generator's prefix form gives the same bits as the whole hash
 * (values of the SplitMix64-style chain worked out independently). */
static void test_poisson_tables(void **state) {
  (void)state;
  assert_true(cz_rng_u64(1, 2, 3, 4) == 0x4cd9ae1f8b11714fULL);
  assert_true(cz_rng_at(cz_rng_prefix(12345, 77169, 1007), 99999) == 0x11ac8e4e4cee8b49ULL);
  const double lams[] = {0.0, 1e-6, 0.5, 1.28, 2.32, 2.7, 2.7, 20.0, 99.9, 100.0, 150.0};
  enum { N = sizeof lams / sizeof lams[0], STEPS = 20000 };
  cz_poisson_drive d = {0};
  d.n = N;
  d.lambda = calloc(N, sizeof *d.lambda);
  d.prefix = calloc(N, sizeof *d.prefix);
  d.table = calloc(N, sizeof *d.table);
  assert_non_null(d.lambda);
  assert_non_null(d.prefix);
  assert_non_null(d.table);
  for (size_t i = 0; i < N; i++) {
    d.lambda[i] = lams[i];
    d.prefix[i] = cz_rng_prefix(3, i, 1000 + i);
    d.table[i] = CZ_POISSON_NO_TABLE;
  }
  assert_int_equal(cz_poisson_tabulate(&d), CZ_OK);
  assert_int_equal(d.ntables, 8); /* 0 and 150 have none; 2.7 shares one */
  assert_int_equal(d.table[0], CZ_POISSON_NO_TABLE);
  assert_int_equal(d.table[N - 1], CZ_POISSON_NO_TABLE);
  assert_int_equal(d.table[5], d.table[6]);
  for (size_t i = 0; i < N; i++)
    for (uint64_t u = 0; u < STEPS; u++)
      if (cz_poisson_draw(&d, i, u) != cz_poisson_count(lams[i], cz_rng_uniform(3, i, 1000 + i, u)))
        fail_msg("mean %g, step %llu: the table's count differs", lams[i], (unsigned long long)u);
  /* The uniforms (multiples of 2^-53) on or just above, and just below, every cumulative sum
   * and every guide bucket's lower end: a guide taken at a bucket's upper end, or a sum off
   * by one rounding, gives another count. */
  enum { NG = 1u << CZ_POISSON_GUIDE_BITS };
  for (size_t t = 0; t < d.ntables; t++) {
    const double *F = d.cdf + t * CZ_POISSON_KMAX, lam = d.table_lambda[t];
    const uint16_t *G = d.guide + t * NG;
    for (uint32_t k = 0; k < 40 + NG; k++) {
      const double edge = k < 40 ? F[k] : (double)(k - 40) / NG;
      const double m = ceil(edge * 0x1.0p53);
      const double ms[] = {m, m - 1, 0x1.0p53 - 1};
      for (int j = 0; j < 3; j++) {
        if (!(ms[j] >= 0 && ms[j] < 0x1.0p53)) continue;
        const uint64_t bits = (uint64_t)ms[j] << 11;
        const double u = ms[j] * 0x1.0p-53;
        if (cz_poisson_search(F, G, bits) != cz_poisson_count(lam, u))
          fail_msg("mean %g, u %.17g: %u against %u", lam, u, cz_poisson_search(F, G, bits), cz_poisson_count(lam, u));
      }
    }
  }
  cz_poisson_free(&d);
}

/* ---- clamp current reaching the membrane ------------------------------------------------ */

/* A clamp stepping to I at step a and back to 0 at step b: the neuron's membrane is at rest
 * through update a, follows E_L + I R (1 - e^{-(u-a)h/tau}) for a < u <= b, and decays after. */
static void cz_check_clamp_response(const char *model, double tau, double R_in, double tol) {
  const double h = 0.1, I = 100.0, E_L = -70.0;
  const int64_t a = 10, b = 30;
  static size_t off[] = {0, 3};
  static int64_t step[] = {0, 10, 30};
  static double amp[] = {1000.0, 100.0, 0.0};
  static size_t nrn_off[] = {0, 1};
  static uint32_t nrn_clamp[] = {0};
  cz_clamps cl;
  memset(&cl, 0, sizeof cl);
  cl.nclamps = 1;
  cl.chg_off = off;
  cl.chg_step = step;
  cl.chg_amp = amp;
  cl.nrn_off = nrn_off;
  cl.nrn_clamp = nrn_clamp;

  char tmpl[64];
  snprintf(tmpl, sizeof tmpl, "nest:%s", model);
  const cz_model_kind *kind = NULL;
  assert_int_equal(cz_model_lookup(tmpl, &kind), CZ_OK);
  void *grp = NULL;
  assert_int_equal(kind->create(1, h, 1, &grp), CZ_OK);
  cJSON *dict = cJSON_Parse("{}");
  cz_param_src src = {dict, NULL, NULL, NULL};
  assert_int_equal(kind->set_params(grp, 0, &src, "node 0"), CZ_OK);
  cJSON_Delete(dict);
  double ch0[1] = {0}, ch1[1] = {0}, stim[1];
  uint32_t fired[1];
  double v_b = 0.0;
  for (int64_t u = 0; u < 120; u++) {
    stim[0] = cz_clamps_current(&cl, 0, u);
    assert_int_equal(kind->update(grp, 0, 1, ch0, kind->split_sign ? ch1 : NULL, stim, fired, 0), 0);
    double want = 0.0;
    if (u > a && u <= b) want = I * R_in * -expm1(-(double)(u - a) * h / tau);
    if (u == b) v_b = want;
    if (u > b) want = v_b * exp(-(double)(u - b) * h / tau);
    double got = kind->v_m(grp, 0) - E_L;
    if (!(fabs(got - want) <= tol))
      fail_msg("%s update %lld: V - E_L = %.17g, expected %.17g", model, (long long)u, got, want);
  }
  kind->destroy(grp);
}

static void test_clamp_reaches_membrane(void **state) {
  (void)state;
  cz_check_clamp_response("iaf_psc_delta", 10.0, 10.0 / 250.0, 1e-9);
  cz_check_clamp_response("iaf_psc_alpha", 10.0, 10.0 / 250.0, 1e-9);
  cz_check_clamp_response("iaf_psc_exp", 10.0, 10.0 / 250.0, 1e-9);
  cz_check_clamp_response("iaf_cond_alpha", 250.0 / 16.6667, 1.0 / 16.6667, 1e-6);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stamp_precise_examples),
      cmocka_unit_test(test_stamp_grid_examples),
      cmocka_unit_test(test_stamp_grid_nonpositive),
      cmocka_unit_test(test_stamp_precise_vs_nest),
      cmocka_unit_test(test_stamp_grid_vs_nest),
      cmocka_unit_test(test_clamp_current),
      cmocka_unit_test(test_clamp_nwb_sweep),
      cmocka_unit_test(test_poisson_counts),
      cmocka_unit_test(test_poisson_tables),
      cmocka_unit_test(test_clamp_reaches_membrane),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
