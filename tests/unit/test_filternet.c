/* FilterNet's parts against filternet-popnet-spec.md §4.3 and BMTK's own kernels:
 * the temporal kernels of five filter templates (length, nonzero lags, peak, trough, sum);
 * the two-subunit construction (shifted delays, kernel lengths, A_off); every unit of the
 * synthetic-movie network against filter_movie_synth/kernels.h5 (BMTK 1.0.8's temporal kernel
 * at 1000 fps within 1e-14 of its largest tap, dense spatial kernel within 1e-13 of its largest
 * pixel, amplitude); the grating's frame count with its one-frame gray screen; the gray
 * screen's rates equal to the spontaneous rates; the fallback rule of the spike generator; the
 * spec's quirk cases (frame counts, -0.0, looming's fixed gray). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mt19937.h"
#include "base/str.h"
#include "filternet/cells.h"
#include "filternet/kernels.h"
#include "filternet/poisson.h"
#include "filternet/response.h"
#include "filternet/stimulus.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"

static const char *examples(void) {
  static char path[1024];
  const char *data = cz_test_data_dir();
  if (!data) return NULL;
  snprintf(path, sizeof path, "%s/bmtk/examples", data);
  return path;
}

/* opt_wts, opt_kpeaks, opt_delays of a template JSON. */
static void template_params(const char *name, double w[2], double k[2], double d[2]) {
  char path[1200];
  snprintf(path, sizeof path, "%s/filter_components/model_templates/%s", examples(), name);
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(cz_read_file(path, &text, &len), CZ_OK);
  cJSON *j = cJSON_Parse(text);
  free(text);
  assert_non_null(j);
  const char *keys[3] = {"opt_wts", "opt_kpeaks", "opt_delays"};
  double *out[3] = {w, k, d};
  for (int i = 0; i < 3; i++) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
    out[i][0] = a->child->valuedouble, out[i][1] = a->child->next->valuedouble;
  }
  cJSON_Delete(j);
}

static void test_temporal_kernels(void **state) {
  (void)state;
  if (!examples()) skip();
  const struct {
    const char *file;
    size_t len, first, last, jmax, jmin;
    double max, min, sum;
  } cases[] = {
      {"tOFF_TF15_3.44215357_-2.11509939_8.27421573_20.0_0.0_ic.json", 600, 1, 78, 6, 28, 1.031870437760944,
       -0.3477756692281374, 0.6426524655874337},
      {"tON_TF8.json", 600, 1, 91, 6, 30, 1.2934235202835878, -0.4076494295829594, 1.0599487809070478},
      {"sON_TF4_3.5_-2.0_30.0_60.0_25.0_ic.json", 600, 7, 256, 29, 105, 0.6122592492522282, -0.17808818111595762,
       8.979946978116333},
      {"sOFF_TF4_3.5_-2.0_10.0_60.0_15.0_ic.json", 600, 5, 237, 21, 81, 0.6471584200487694, -0.19579245849198315,
       4.155955685476389},
      {"lgn_on_off_model.json", 601, 5, 239, 18, 73, 0.08275952161318711, -0.034210149461328415, -0.7913423017334058},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    double w[2], kp[2], d[2], *k = NULL;
    size_t n = 0;
    template_params(cases[c].file, w, kp, d);
    assert_int_equal(cz_fn_temporal_kernel(w, kp, d, &k, &n), CZ_OK);
    size_t first = n, last = 0, jmax = 0, jmin = 0;
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
      if (k[j] != 0) first = j < first ? j : first, last = j;
      if (k[j] > k[jmax]) jmax = j;
      if (k[j] < k[jmin]) jmin = j;
      sum += k[j];
    }
    const double tol = 1e-14 * fabs(cases[c].max);
    if (n != cases[c].len || first != cases[c].first || last != cases[c].last || jmax != cases[c].jmax ||
        jmin != cases[c].jmin || fabs(k[jmax] - cases[c].max) > tol || fabs(k[jmin] - cases[c].min) > tol ||
        fabs(sum - cases[c].sum) > 1e-13 * fabs(cases[c].sum))
      fail_msg("%s: length %zu, lags %zu..%zu, max %.17g at %zu, min %.17g at %zu, sum %.17g", cases[c].file, n, first,
               last, k[jmax], jmax, k[jmin], jmin, sum);
    free(k);
  }
}

/* A gray movie of 60 x 80 pixels at 1000 fps (the synthetic case's frame). */
static void gray_movie(cz_fn_movie *m, size_t T) {
  memset(m, 0, sizeof *m);
  m->kind = CZ_FN_GRAY, m->T = T, m->R = 60, m->C = 80, m->fr = 1000.0;
  m->row = calloc(m->R, sizeof *m->row), m->col = calloc(m->C, sizeof *m->col);
  for (size_t r = 0; r < m->R; r++) m->row[r] = (double)r;
  for (size_t c = 0; c < m->C; c++) m->col[c] = (double)c;
  m->rp = m->cp = 1, m->rmid = 29.5, m->cmid = 39.5;
}

static void test_two_subunit(void **state) {
  (void)state;
  if (!examples()) skip();
  cz_fn_params p = {.model = CZ_FN_TWO_SUBUNIT, .two_kind = 0, .sigma = {2, 2}, .x = 40, .y = 30, .sf_sep = 6};
  template_params("sOFF_TF4_3.5_-2.0_10.0_60.0_15.0_ic.json", p.w, p.kpeaks, p.delays);
  template_params("sON_TF4_3.5_-2.0_30.0_60.0_25.0_ic.json", p.nd_w, p.nd_kpeaks, p.nd_delays);
  p.spont = 4.0;
  cz_fn_movie m;
  gray_movie(&m, 1000);
  cz_fn_cell c;
  assert_int_equal(cz_fn_cell_build(&p, &m, &c), CZ_OK);
  assert_int_equal(c.nu, 2);
  assert_int_equal(c.u[0].ntk, 661); /* OFF: delays (61, 76) */
  assert_int_equal(c.u[1].ntk, 651); /* ON: delays (51, 76) */
  assert_true(fabs(c.u[0].amp - -2.20235440235677) < 1e-13);
  assert_true(c.u[1].amp == 1.0);
  cz_fn_cell_free(&c);
  p.two_kind = 1, p.spont = 5.5; /* sONtOFF: dominant tOFF_TF8 */
  template_params("tOFF_TF8_4.222_-2.404_8.545_23.019_0.0_ic.json", p.w, p.kpeaks, p.delays);
  assert_int_equal(cz_fn_cell_build(&p, &m, &c), CZ_OK);
  assert_int_equal(c.u[0].ntk, 645); /* OFF: delays (45, 45) */
  assert_int_equal(c.u[1].ntk, 623); /* ON: delays (23, 48) */
  assert_true(fabs(c.u[0].amp - -2.074964616305271) < 1e-13);
  cz_fn_cell_free(&c);
  cz_fn_movie_free(&m);
}

/* Every unit of filter_movie_synth against BMTK's kernels.h5. */
static void test_synthetic_kernels(void **state) {
  (void)state;
  if (!examples()) skip();
  char path[1200];
  snprintf(path, sizeof path, "%s/filter_movie_synth/config.simulation.json", examples());
  cz_config *cfg = NULL;
  assert_int_equal(cz_cfg_load(path, NULL, &cfg), CZ_OK);
  cz_circuit *c = NULL;
  assert_int_equal(cz_circuit_load_nodes(cfg, &c), CZ_OK);
  snprintf(path, sizeof path, "%s/filter_movie_synth/kernels.h5", examples());
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  cz_fn_movie m;
  gray_movie(&m, 1000);
  cz_mt19937 g;
  cz_mt_seed(&g, 1);
  cz_fn_json_cache cache = {0};
  const cz_node_pop *np = &c->nodes[0];
  assert_int_equal(np->n, 28);
  for (size_t row = 0; row < np->n; row++) {
    cz_fn_params p;
    cz_fn_cell cell;
    assert_int_equal(cz_fn_params_read(cfg, np, row, &g, &cache, &p), CZ_OK);
    assert_int_equal(cz_fn_cell_build(&p, &m, &cell), CZ_OK);
    for (size_t u = 0; u < cell.nu; u++) {
      char ds[128];
      double *tk = NULL, *sk = NULL, amp = 0;
      size_t ntk = 0, rows = 0, cols = 0;
      snprintf(ds, sizeof ds, "/cells/%zu/unit%zu/temporal_kernel", row, u);
      assert_int_equal(cz_h5_read_f64(f, ds, &tk, &ntk), CZ_OK);
      double kmax = 0;
      for (size_t j = 0; j < ntk; j++) kmax = fmax(kmax, fabs(tk[j]));
      if (ntk != cell.u[u].ntk) fail_msg("cell %zu unit %zu: %zu taps, BMTK %zu", row, u, cell.u[u].ntk, ntk);
      for (size_t j = 0; j < ntk; j++)
        if (fabs(tk[j] - cell.u[u].tk[j]) > 1e-14 * kmax)
          fail_msg("cell %zu unit %zu lag %zu: %.17g, BMTK %.17g", row, u, j, cell.u[u].tk[j], tk[j]);
      snprintf(ds, sizeof ds, "/cells/%zu/unit%zu/spatial_kernel", row, u);
      assert_int_equal(cz_h5_read_f64_2d(f, ds, &sk, &rows, &cols), CZ_OK);
      assert_true(rows == 60 && cols == 80);
      const cz_fn_spatial *s = &cell.u[u].s;
      double smax = 0;
      for (size_t i = 0; i < rows * cols; i++) smax = fmax(smax, fabs(sk[i]));
      for (size_t r = 0; r < rows; r++)
        for (size_t q = 0; q < cols; q++) {
          const bool in = r >= s->r0 && r < s->r0 + s->nr && q >= s->c0 && q < s->c0 + s->nc;
          const double mine = in ? s->w[(r - s->r0) * s->nc + (q - s->c0)] : 0.0;
          if (fabs(mine - sk[r * cols + q]) > 1e-13 * smax)
            fail_msg("cell %zu unit %zu pixel (%zu, %zu): %.17g, BMTK %.17g", row, u, r, q, mine, sk[r * cols + q]);
        }
      snprintf(ds, sizeof ds, "/cells/%zu/unit%zu", row, u);
      assert_int_equal(cz_h5_read_attr_f64(f, ds, "amplitude", &amp), CZ_OK);
      if (fabs(amp - cell.u[u].amp) > 1e-13 * fabs(amp)) fail_msg("cell %zu unit %zu: amplitude %.17g, BMTK %.17g", row, u,
                                                                   cell.u[u].amp, amp);
      free(tk);
      free(sk);
    }
    cz_fn_cell_free(&cell);
  }
  cz_fn_json_cache_free(&cache);
  cz_fn_movie_free(&m);
  cz_h5_close(&f);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
}

/* filter_graitings' grating: 120 x 240 degrees at 2.5 degrees per pixel, 0.5 ms of gray (one
 * frame), 2 s: 48 x 96 pixels, 2002 frames, frame 0 and 1 gray, frame 2 the grating's frame 1. */
static void test_grating_frames(void **state) {
  (void)state;
  cz_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.tstop = 2000.0;
  cfg.path = "config.json";
  cJSON *j = cJSON_Parse("{\"input_type\": \"movie\", \"module\": \"graiting\", \"row_size\": 120, \"col_size\": 240, "
                         "\"gray_screen_dur\": 0.5, \"cpd\": 0.04, \"temporal_f\": 4.0, \"contrast\": 0.8}");
  cz_cfg_block b = {.name = "g", .enabled = true, .input_type = "movie", .module = "graiting", .json = j};
  cz_fn_movie m;
  assert_int_equal(cz_fn_movie_open(&cfg, &b, &m), CZ_OK);
  assert_int_equal(m.R, 48);
  assert_int_equal(m.C, 96);
  assert_int_equal(m.T, 2002);
  assert_int_equal(m.ngray, 2);
  double *fr = calloc(m.R * m.C, sizeof *fr);
  assert_int_equal(cz_fn_movie_frame(&m, 1, fr), CZ_OK);
  assert_true(fr[0] == 0 && fr[m.R * m.C - 1] == 0);
  assert_int_equal(cz_fn_movie_frame(&m, 2, fr), CZ_OK);
  /* G[1] at row 3, column 5: tt_1 = 1.9995 / 2000, th = 135 degrees, phase 180 */
  const double t1 = 1.9995 / 2000.0, th = M_PI * (180.0 - 45.0) / 180.0;
  const double want = 0.8 * sin(2.0 * M_PI * (0.04 * (m.col[5] * cos(th) + m.row[3] * sin(th)) + 4.0 * t1) + M_PI);
  assert_true(fabs(fr[3 * m.C + 5] - want) < 1e-15);
  free(fr);
  cz_fn_movie_free(&m);
  cJSON_Delete(j);
}

/* A gray screen: every ON and OFF unit fires at its spontaneous rate, a two-subunit unit at
 * its model's, an LGNOnOFFCell not at all; its first interval makes the spike generator fall
 * back as BMTK's does. */
static void test_gray_screen_rates(void **state) {
  (void)state;
  cz_fn_movie m;
  gray_movie(&m, 50);
  const cz_fn_params on = {.model = CZ_FN_SINGLE, .w = {3.5, -2}, .kpeaks = {10, 60}, .delays = {0, 15},
                           .sigma = {2, 2}, .x = 40, .y = 30, .spont = 2.6, .amp = 1},
                     onoff = {.model = CZ_FN_ON_OFF, .w = {0.4, -0.3}, .kpeaks = {20, 60}, .delays = {1, 2},
                              .sigma_on = {2, 2}, .sigma_off = {4, 4}, .x = 40, .y = 30};
  cz_fn_cell cells[2];
  assert_int_equal(cz_fn_cell_build(&on, &m, &cells[0]), CZ_OK);
  assert_int_equal(cz_fn_cell_build(&onoff, &m, &cells[1]), CZ_OK);
  double t[50], rates[100];
  for (int k = 0; k < 50; k++) t[k] = k / 1000.0;
  const cz_fn_grid grid = {t, 50, true};
  assert_int_equal(cz_fn_rates(&m, cells, 2, &grid, 2, rates), CZ_OK);
  for (int k = 0; k < 50; k++) assert_true(rates[k] == 2.6 && rates[50 + k] == 0.0);
  assert_false(cz_fn_needs_fallback(t, rates, 50));
  assert_true(cz_fn_needs_fallback(t, rates + 50, 50));
  cz_fn_cell_free(&cells[0]);
  cz_fn_cell_free(&cells[1]);
  cz_fn_movie_free(&m);
}

/* The spec's quirk cases: a movie of 10 frames at 1000 fps has 11 non-separable times; an
 * OFF unit driven below zero rates -0.0, as BMTK's Heaviside gives it; looming's gray lasts
 * 0.5 s whatever gray_screen_dur says, and its disc starts as the centre pixel. */
static void test_quirks(void **state) {
  (void)state;
  assert_int_equal(cz_fn_frame_count(0, (double)(10 - 1) * (1.0 / 1000.0), 1000.0), 11);
  assert_int_equal(cz_fn_frame_count(0, (double)(12 - 1) * (1.0 / 1000.0), 1000.0), 12);
  const cz_fn_cell off = {.model = CZ_FN_SINGLE, .spont = 1.0, .nu = 1};
  const double y = -5.0;
  const double f = cz_fn_rate(&off, &y);
  assert_true(f == 0 && signbit(f));
  cz_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.tstop = 2000.0;
  cfg.path = "config.json";
  cJSON *j = cJSON_Parse("{\"module\": \"looming\", \"row_size\": 120, \"col_size\": 240, \"frame_rate\": 1000.0, "
                         "\"gray_screen_dur\": 0.1, \"t_looming\": 1.0}");
  cz_cfg_block b = {.name = "l", .enabled = true, .input_type = "movie", .module = "looming", .json = j};
  cz_fn_movie m;
  assert_int_equal(cz_fn_movie_open(&cfg, &b, &m), CZ_OK);
  assert_int_equal(m.ngray, 500);
  assert_int_equal(m.T, 1500);
  double *fr = calloc(m.R * m.C, sizeof *fr);
  assert_int_equal(cz_fn_movie_frame(&m, 499, fr), CZ_OK);
  assert_true(fr[60 * m.C + 120] == 0);
  assert_int_equal(cz_fn_movie_frame(&m, 500, fr), CZ_OK);
  assert_true(fr[60 * m.C + 120] == -1 && fr[60 * m.C + 121] == 0);
  free(fr);
  cz_fn_movie_free(&m);
  cJSON_Delete(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_temporal_kernels), cmocka_unit_test(test_two_subunit),
      cmocka_unit_test(test_synthetic_kernels), cmocka_unit_test(test_grating_frames),
      cmocka_unit_test(test_gray_screen_rates), cmocka_unit_test(test_quirks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
