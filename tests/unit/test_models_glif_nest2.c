/* Unit tests of NEST 2's glif_lif_*_psc models (src/pointnet/models/glif_lif_psc.c) and of the
 * conversion of Allen GLIF files (src/pointnet/models/glif_allen.c):
 *  - the five Allen files of cell 593618144 (bmtk-tests point_components) convert to the
 *    NEST 2 parameters BMTK computed (values worked out beforehand from the files with BMTK's
 *    formulas), and the after-spike-current level agrees with the converted file BMTK ships
 *    for NEST 3 (bmtk/examples point_components);
 *  - a NEST 2 parameter file (glif_lif_asc_psc) reads back as given, V_m at E_L;
 *  - errors: a field the Allen format lacks, a field a level needs, a key the model lacks, an
 *    unknown V_dynamics_method;
 *  - LIF under a constant current: the first spike in the step the closed form gives, V held
 *    through the refractory period (t_ref counted down in doubles: 2.6000000000000005 ms is
 *    2601 steps of 0.001 ms) and reset at its end; forward Euler's first step;
 *  - R: reset V = E_L + a_reset (V_spike - E_L) + b_reset and the threshold's spike component
 *    a_spike added at the end of the refractory period, then decaying by exp(-b_spike h);
 *  - ASC: the currents reset to asc_amps at the end of the refractory period, the next step's
 *    sum is their value at its start, then each decays by exp(-k h);
 *  - A: the voltage component of the threshold after one step against the closed-form
 *    solution of dth/dt = a_v (V - E_L) - b_v th;
 *  - receptor ports: four from an Allen file, input on port 2 moves V. */
#include <cjson/cJSON.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cz_test.h"
#include "model_harness.h"

#define NEXP(t) (sizeof(t) / sizeof(t)[0])

typedef struct expect {
  const char *name;
  double value;
} expect;

static cJSON *load_json(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  static char buf[1 << 16];
  const size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  cJSON *j = cJSON_Parse(buf);
  if (!j) fail_msg("bad JSON in %s", path);
  return j;
}

/* Sets neuron 0 of g from the shared data file rel; returns the status. */
static cz_status set_from_file(cz_tm_grp *g, const char *path) {
  cJSON *d = load_json(path);
  cz_param_src src = {d, NULL, NULL, path};
  cz_error_clear();
  const cz_status st = g->kind->set_params(g->grp, 0, &src, "node 0");
  cJSON_Delete(d);
  return st;
}

static double get(const cz_tm_grp *g, const char *name) {
  double v = NAN;
  if (!g->kind->get(g->grp, 0, name, &v)) fail_msg("%s has no value %s", g->kind->name, name);
  return v;
}

static void check_all(const cz_tm_grp *g, const expect *e, size_t n, double rel_tol) {
  for (size_t k = 0; k < n; k++) {
    const double got = get(g, e[k].name);
    if (!(fabs(got - e[k].value) <= rel_tol * fmax(1.0, fabs(e[k].value))))
      fail_msg("%s: %s is %.17g, expected %.17g", g->kind->name, e[k].name, got, e[k].value);
  }
}

/* ---- conversion of the Allen files -------------------------------------------------------- */

static const expect k_lif[] = {{"V_th", -42.939480986181394}, {"g", 6.042933711856997},
                               {"E_L", -69.4755859375},       {"C_m", 58.60769058316611},
                               {"t_ref", 2.6000000000000005}, {"V_reset", -69.4755859375}};
static const expect k_r[] = {{"a_spike", 4.964424135340055}, {"b_spike", 0.18524802393119535},
                             {"a_reset", 0.15318822059320766}, {"b_reset", 5.1147726043353385}};
static const expect k_asc[] = {{"asc_init[0]", 0.0},  {"k[0]", 0.1},  {"asc_amps[0]", -36.933872655940505},
                               {"asc_init[1]", 0.0},  {"k[1]", 0.3},  {"asc_amps[1]", -65.30848815957366},
                               {"r[0]", 1.0},         {"r[1]", 1.0},  {"g", 5.875377136608159}};
static const expect k_common[] = {{"E_L", -69.4755859375},     {"C_m", 58.60769058316611},
                                  {"t_ref", 2.6000000000000005}, {"V_m", -69.4755859375},
                                  {"tau_syn[0]", 5.5},         {"tau_syn[1]", 8.5},
                                  {"tau_syn[2]", 2.8},         {"tau_syn[3]", 5.8},
                                  {"linear_exact", 1.0}};

static void open_allen(cz_tm_grp *g, const char *model, const char *level, double h) {
  char path[1024], rel[256];
  snprintf(rel, sizeof rel, "bmtk-tests/point_components/cell_models/593618144_glif_%s.json", level);
  CZ_TEST_DATA_PATH(path, rel);
  cz_tm_open(g, model, 1, h);
  if (set_from_file(g, path) != CZ_OK) fail_msg("%s from %s: %s", model, path, cz_error_message());
}

static void test_allen_conversion(void **state) {
  (void)state;
  cz_tm_grp g;
  open_allen(&g, "glif_lif_psc", "lif", 0.1);
  check_all(&g, k_lif, NEXP(k_lif), 0.0);
  check_all(&g, k_common, NEXP(k_common), 0.0);
  assert_int_equal(g.kind->nports(g.grp, 0), 4);
  cz_tm_close(&g);

  open_allen(&g, "glif_lif_r_psc", "lif_r", 0.1);
  check_all(&g, k_r, NEXP(k_r), 0.0);
  check_all(&g, k_common, NEXP(k_common), 0.0);
  cz_assert_close(get(&g, "V_th"), -40.953289333993354, 0.0, "lif_r V_th", 0);
  cz_tm_close(&g);

  open_allen(&g, "glif_lif_asc_psc", "lif_asc", 0.1);
  check_all(&g, k_asc, NEXP(k_asc), 0.0);
  check_all(&g, k_common, NEXP(k_common), 0.0);
  cz_assert_close(get(&g, "V_th"), -46.40370561385434, 0.0, "lif_asc V_th", 0);
  cz_assert_close(get(&g, "V_reset"), -69.4755859375, 0.0, "lif_asc V_reset", 0);
  cz_tm_close(&g);

  open_allen(&g, "glif_lif_r_asc_psc", "lif_r_asc", 0.1);
  check_all(&g, k_r, NEXP(k_r), 0.0);
  check_all(&g, k_asc, NEXP(k_asc), 0.0);
  cz_assert_close(get(&g, "V_th"), -44.6388262047302, 0.0, "lif_r_asc V_th", 0);
  cz_tm_close(&g);

  open_allen(&g, "glif_lif_r_asc_a_psc", "lif_r_asc_a", 0.1);
  check_all(&g, k_r, NEXP(k_r), 0.0);
  check_all(&g, k_asc, NEXP(k_asc), 0.0);
  cz_assert_close(get(&g, "V_th"), -50.10730032667609, 0.0, "lif_r_asc_a V_th", 0);
  cz_assert_close(get(&g, "a_voltage"), 0.04233860681076298, 0.0, "a_voltage", 0);
  cz_assert_close(get(&g, "b_voltage"), 0.1642663525400895, 0.0, "b_voltage", 0);
  cz_tm_close(&g);
}

/* BMTK's own conversion of the same cell for NEST 3's glif_psc, shipped with its examples. */
static void test_allen_conversion_matches_bmtk_file(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk/examples/point_components/cell_models/593618144_glif_lif_asc_psc.json");
  cJSON *b = load_json(path);
  cz_tm_grp g;
  open_allen(&g, "glif_lif_asc_psc", "lif_asc", 0.1);
  const char *same[] = {"V_th", "g", "E_L", "C_m", "t_ref", "V_reset"};
  for (size_t k = 0; k < NEXP(same); k++)
    cz_assert_close(get(&g, same[k]), cJSON_GetObjectItem(b, same[k])->valuedouble, 1e-12, same[k], 0);
  for (int a = 0; a < 2; a++) {
    char name[32];
    snprintf(name, sizeof name, "k[%d]", a);
    cz_assert_close(get(&g, name), cJSON_GetArrayItem(cJSON_GetObjectItem(b, "asc_decay"), a)->valuedouble, 1e-15,
                    "k = asc_decay", a);
    snprintf(name, sizeof name, "asc_amps[%d]", a);
    /* the shipped file rounds the amplitudes to 8 decimals */
    cz_assert_close(get(&g, name), cJSON_GetArrayItem(cJSON_GetObjectItem(b, "asc_amps"), a)->valuedouble, 1e-8,
                    "asc_amps", a);
  }
  cz_tm_close(&g);
  cJSON_Delete(b);
}

static void test_nest2_parameter_file(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/point_components/cell_models/318808427_glif_lif_asc_psc.json");
  cz_tm_grp g;
  cz_tm_open(&g, "glif_lif_asc_psc", 1, 0.1);
  if (set_from_file(&g, path) != CZ_OK) fail_msg("%s", cz_error_message());
  static const expect file[] = {{"V_th", -40.8824438029048}, {"g", 3.93819351064843},   {"E_L", -76.1691640218099},
                                {"C_m", 68.14035162092856},  {"V_reset", -76.1691640218099}, {"t_ref", 2.4000000000000004},
                                {"k[0]", 0.003},            {"k[1]", 0.1},               {"asc_amps[0]", -13.008896216519995},
                                {"asc_amps[1]", -200.0077401550674}, {"tau_syn[3]", 5.8}, {"V_m", -76.1691640218099},
                                {"linear_exact", 1.0}};
  check_all(&g, file, NEXP(file), 0.0);
  assert_int_equal(g.kind->nports(g.grp, 0), 4);
  cz_tm_close(&g);
}

static void expect_error(const char *model, const char *json, const char *needle) {
  cz_tm_grp g;
  cz_tm_open(&g, model, 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, json), CZ_ERR_CONFIG);
  if (!strstr(cz_error_message(), needle)) fail_msg("%s: message \"%s\" lacks \"%s\"", model, cz_error_message(), needle);
  cz_tm_close(&g);
}

static void test_errors(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/point_components/cell_models/593618144_glif_lif.json");
  cJSON *d = load_json(path);
  cJSON_AddNumberToObject(d, "spike_cut_extra", 3);
  char *text = cJSON_PrintUnformatted(d);
  expect_error("glif_lif_psc", text, "spike_cut_extra");
  free(text);
  cJSON_DeleteItemFromObject(d, "spike_cut_extra");
  /* the LIF file has no spike threshold parameters: the R level needs them */
  text = cJSON_PrintUnformatted(d);
  expect_error("glif_lif_r_psc", text, "threshold_dynamics_method/params/a_spike");
  free(text);
  cJSON_DeleteItemFromObject(d, "R_input");
  text = cJSON_PrintUnformatted(d);
  expect_error("glif_lif_psc", text, "R_input");
  free(text);
  cJSON_Delete(d);
  expect_error("glif_lif_psc", "{\"V_peak\": 0}", "V_peak");
  expect_error("glif_lif_psc", "{\"a_spike\": 1}", "a_spike");
  expect_error("glif_lif_psc", "{\"V_dynamics_method\": \"rk4\"}", "V_dynamics_method");
  expect_error("glif_lif_asc_psc", "{\"k\": [0.1], \"asc_amps\": [1, 2]}", "same length");
  expect_error("glif_lif_psc", "{\"V_reset\": -40, \"V_th\": -50}", "V_reset");
}

/* ---- dynamics ------------------------------------------------------------------------------ */

#define LIF2 "\"E_L\": -70, \"V_th\": -50, \"g\": 10, \"C_m\": 100, \"V_dynamics_method\": \"linear_exact\""

static void test_lif_first_spike_hold_and_reset(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_lif_psc", "{" LIF2 ", \"V_reset\": -65, \"t_ref\": 2.5}", 0.1);
  const double I = 300.0, tau = 10.0, h = 0.1;
  /* V_s = E_L + (I / g)(1 - e^{-s h / tau}) after s steps of current; the first above V_th */
  const long s_first = (long)ceil(-tau / h * log(1.0 - 20.0 * 10.0 / I));
  assert_int_equal(s_first, 110);
  long spike_u = -1;
  for (long u = 0; u <= 110 && spike_u < 0; u++)
    if (cz_tm_step(&g, 0.0, I)) spike_u = u;
  /* the current acts from the step after it arrives: step s of current is step u = s */
  assert_int_equal(spike_u, s_first);
  const double v_spike = cz_tm_v(&g);
  cz_assert_close(v_spike, -70.0 + 30.0 * (1.0 - exp(-0.01 * 110)), 1e-9, "V at the spike (not reset)", spike_u);
  assert_true(v_spike > -50.0);
  /* held for 24 steps, reset to V_reset in the 25th (2.5 ms counted down by 0.1 in doubles) */
  for (long k = 1; k <= 24; k++) {
    assert_int_equal(cz_tm_step(&g, 0.0, I), 0);
    cz_assert_close(cz_tm_v(&g), v_spike, 0.0, "V held while refractory", k);
  }
  assert_int_equal(cz_tm_step(&g, 0.0, I), 0);
  cz_assert_close(cz_tm_v(&g), -65.0, 0.0, "V_reset at the end of t_ref", 25);
  /* and integrates again from there */
  cz_tm_step(&g, 0.0, I);
  cz_assert_close(cz_tm_v(&g), -65.0 * exp(-0.01) + (I + 10.0 * -70.0) * (1.0 / 100.0 * (1.0 - exp(-0.01)) * 10.0),
                  1e-12, "first step after reset", 26);
  cz_tm_close(&g);

  /* forward Euler, NEST 2's default: V_1 = V_0 + h (I - g (V_0 - E_L)) / C_m */
  cz_tm_new(&g, "glif_lif_psc", "{\"E_L\": -70, \"V_th\": -50, \"g\": 10, \"C_m\": 100, \"V_reset\": -70}", 0.1);
  cz_tm_step(&g, 0.0, I);
  cz_assert_close(cz_tm_v(&g), -70.0, 0.0, "V before the current acts", 0);
  cz_tm_step(&g, 0.0, I);
  cz_assert_close(cz_tm_v(&g), -70.0 + 0.1 * 300.0 / 100.0, 1e-13, "Euler step", 1);
  cz_tm_close(&g);
}

/* t_ref = 2.6000000000000005 ms at h = 0.001 ms: 2600 subtractions of 0.001 leave a positive
 * remainder (about 1.8e-13), so V resets in the 2601st refractory step. */
static void test_refractory_count_in_doubles(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_lif_psc", "{" LIF2 ", \"V_reset\": -65, \"t_ref\": 2.6000000000000005}", 0.001);
  long u = 0;
  while (!cz_tm_step(&g, 0.0, 1000.0)) assert_true(++u < 100000);
  long held = 0;
  for (;;) {
    cz_tm_step(&g, 0.0, 0.0);
    held++;
    if (cz_tm_v(&g) == -65.0) break;
    assert_true(held < 3000);
  }
  assert_int_equal(held, 2601);
  cz_tm_close(&g);
}

static long run_to_spike(cz_tm_grp *g, double I, long limit) {
  for (long u = 0; u < limit; u++)
    if (cz_tm_step(g, 0.0, I)) return u;
  fail_msg("no spike within %ld steps", limit);
  return -1;
}

static void test_r_reset_and_spike_threshold(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_lif_r_psc",
            "{" LIF2 ", \"t_ref\": 2.5, \"a_spike\": 2, \"b_spike\": 0.1, \"a_reset\": 0.5, \"b_reset\": 3}", 0.1);
  cz_assert_close(get(&g, "threshold"), -50.0, 0.0, "initial threshold", 0);
  run_to_spike(&g, 300.0, 1000);
  const double v_spike = cz_tm_v(&g);
  for (int k = 1; k < 25; k++) cz_tm_step(&g, 0.0, 300.0);
  cz_assert_close(get(&g, "threshold"), -50.0, 0.0, "threshold while refractory (no spike component yet)", 24);
  cz_tm_step(&g, 0.0, 300.0);
  cz_assert_close(cz_tm_v(&g), -70.0 + 0.5 * (v_spike + 70.0) + 3.0, 1e-12, "R reset", 25);
  cz_assert_close(get(&g, "threshold"), -48.0, 1e-12, "threshold after a_spike", 25);
  cz_tm_step(&g, 0.0, 300.0);
  cz_assert_close(get(&g, "threshold"), -50.0 + 2.0 * exp(-0.1 * 0.1), 1e-12, "spike component decays", 26);
  cz_tm_close(&g);
}

static void test_asc_reset_and_sum(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_lif_asc_psc",
            "{" LIF2 ", \"V_reset\": -70, \"t_ref\": 2.5, \"asc_init\": [0, 0], \"k\": [0.1, 0.3], "
            "\"asc_amps\": [-10, -20], \"r\": [1, 1]}",
            0.1);
  const int sum = cz_model_recordable(g.kind, "AScurrents_sum");
  assert_true(sum > 0);
  run_to_spike(&g, 300.0, 1000);
  for (int k = 1; k <= 25; k++) cz_tm_step(&g, 0.0, 300.0);
  cz_assert_close(get(&g, "ASCurrents[0]"), -10.0, 0.0, "ASC 0 after the refractory period", 25);
  cz_assert_close(get(&g, "ASCurrents[1]"), -20.0, 0.0, "ASC 1 after the refractory period", 25);
  cz_tm_step(&g, 0.0, 300.0);
  cz_assert_close(g.kind->record(g.grp, 0, sum), -30.0, 0.0, "sum at the start of the step", 26);
  cz_assert_close(get(&g, "ASCurrents[0]"), -10.0 * exp(-0.1 * 0.1), 1e-14, "ASC 0 decays", 26);
  cz_assert_close(get(&g, "ASCurrents[1]"), -20.0 * exp(-0.3 * 0.1), 1e-14, "ASC 1 decays", 26);
  cz_tm_close(&g);
}

static void test_voltage_threshold_closed_form(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_lif_r_asc_a_psc",
            "{" LIF2 ", \"t_ref\": 2.5, \"a_spike\": 0, \"b_spike\": 0.1, \"a_reset\": 0, \"b_reset\": 0, "
            "\"a_voltage\": 0.05, \"b_voltage\": 0.2, \"asc_amps\": [0, 0], \"k\": [0.1, 0.1]}",
            0.1);
  cz_tm_step(&g, 0.0, 100.0); /* the current arrives; V and the threshold stay */
  cz_assert_close(get(&g, "threshold"), -50.0, 0.0, "threshold before the current acts", 0);
  cz_tm_step(&g, 0.0, 100.0);
  /* V(t) = beta + (E_L - beta) e^{-t/tau}, beta = E_L + I/g = -60, tau = 10; th(0) = 0 */
  const double a = 0.05, b = 0.2, h = 0.1, tau = 10.0, dI = 100.0 / 10.0;
  const double th = a / b * dI * (1.0 - exp(-b * h)) + a * (-dI) / (b - 1.0 / tau) * (exp(-h / tau) - exp(-b * h));
  cz_assert_close(get(&g, "threshold"), -50.0 + th, 1e-12, "voltage component after one step", 1);
  assert_true(th > 0.0);
  cz_tm_close(&g);
}

static void test_ports(void **state) {
  (void)state;
  cz_tm_grp g;
  open_allen(&g, "glif_lif_psc", "lif", 0.1);
  /* a weight on port 2 (ring row 1, the row after ch0): V rises from E_L */
  double rows[4 * CZ_TM_MAXN] = {0}; /* four ports, one row each */
  rows[CZ_TM_MAXN + 0] = 100.0;
  double stim[CZ_TM_MAXN] = {0};
  uint32_t fired[CZ_TM_MAXN];
  g.kind->update(g.grp, 0, 1, rows, rows + CZ_TM_MAXN, stim, fired, 0);
  assert_true(rows[CZ_TM_MAXN] == 0.0);
  cz_assert_close(cz_tm_v(&g), -69.4755859375, 0.0, "V in the step of arrival", 0);
  g.kind->update(g.grp, 0, 1, rows, rows + CZ_TM_MAXN, stim, fired, 0);
  assert_true(cz_tm_v(&g) > -69.4755859375);
  cz_tm_close(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_allen_conversion),
      cmocka_unit_test(test_allen_conversion_matches_bmtk_file),
      cmocka_unit_test(test_nest2_parameter_file),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_lif_first_spike_hold_and_reset),
      cmocka_unit_test(test_refractory_count_in_doubles),
      cmocka_unit_test(test_r_reset_and_spike_threshold),
      cmocka_unit_test(test_asc_reset_and_sum),
      cmocka_unit_test(test_voltage_threshold_closed_form),
      cmocka_unit_test(test_ports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
