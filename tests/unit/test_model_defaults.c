/* Unit tests of the models' defaults against NEST 3.8's model sources (models/<name>.cpp, the
 * Parameters_ and State_ constructors):
 *  - every neuron model created with no parameters reports (through its get hook) each
 *    parameter and initial state value NEST's GetStatus would, from a table per model; every
 *    numeric key the model accepts is in its table, so a new parameter needs a NEST value;
 *  - initial state that depends on parameters follows NEST, which computes it once, when it
 *    constructs the neuron from the defaults, and leaves it when parameters are set after
 *    (nest.Create(model, n, params)): izhikevich U_m = b V_m = -13 whatever b and V_m are
 *    given; hh_psc_alpha's gates at their equilibria at -65 mV whatever V_m is given;
 *    iaf_cond_* and aeif_cond_* start at the default E_L when another E_L is given; the
 *    iaf_psc_* and glif models keep their absolute voltages when only E_L changes (NEST's
 *    delta_EL shift); a given initial value wins;
 *  - the synapse models' defaults (static, stdp, stdp_pl_synapse_hom, tsodyks, tsodyks2);
 *  - NEST 2's glif_lif_*_psc defaults (models/glif_lif_psc.cpp in NEST 2.x). */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cz_test.h"
#include "model_harness.h"
#include "pointnet/models/synapse.h"

typedef struct expect {
  const char *name;
  double value;
} expect;

#define NEXP(t) (sizeof(t) / sizeof(t)[0])

/* Whether name is in tbl (or skip, the keys that are not numbers: lists and strings). */
static bool listed(const expect *tbl, size_t n, const char *const *skip, const char *name) {
  for (size_t k = 0; k < n; k++) {
    const size_t len = strlen(tbl[k].name);
    if (strcmp(tbl[k].name, name) == 0 || (strncmp(tbl[k].name, name, strlen(name)) == 0 &&
                                            tbl[k].name[strlen(name)] == '[' && len > strlen(name)))
      return true;
  }
  for (size_t k = 0; skip && skip[k]; k++)
    if (strcmp(skip[k], name) == 0) return true;
  return false;
}

static void check_value(const cz_tm_grp *g, const char *model, const char *name, double want) {
  double got = NAN;
  if (!g->kind->get(g->grp, 0, name, &got)) fail_msg("%s has no value %s", model, name);
  const double tol = 1e-12 * fmax(1.0, fabs(want));
  if (!(got == want || fabs(got - want) <= tol))
    fail_msg("%s: %s is %.17g, NEST's is %.17g", model, name, got, want);
}

/* The model created from json reports tbl; when skip is given, every key of the model is in
 * tbl or in skip (the keys tbl covers elsewhere). */
static void check_model(const char *model, const char *json, const expect *tbl, size_t n, const char *const *skip) {
  cz_tm_grp g;
  cz_tm_new(&g, model, json, 0.1);
  for (size_t k = 0; k < n; k++) check_value(&g, model, tbl[k].name, tbl[k].value);
  if (skip)
    for (size_t k = 0; g.kind->param_names[k]; k++)
      if (!listed(tbl, n, skip, g.kind->param_names[k]))
        fail_msg("%s: parameter %s has no NEST default in the table", model, g.kind->param_names[k]);
  cz_tm_close(&g);
}

/* ---- NEST 3.8 defaults ------------------------------------------------------------------- */

static const expect k_iaf_psc_delta[] = {{"V_m", -70.0},      {"E_L", -70.0},   {"C_m", 250.0},
                                         {"tau_m", 10.0},     {"t_ref", 2.0},   {"V_th", -55.0},
                                         {"V_reset", -70.0},  {"V_min", -DBL_MAX}, {"I_e", 0.0},
                                         {"refractory_input", 0.0}};
static const expect k_iaf_psc_alpha[] = {{"V_m", -70.0},      {"E_L", -70.0},       {"C_m", 250.0},
                                         {"tau_m", 10.0},     {"t_ref", 2.0},       {"V_th", -55.0},
                                         {"V_reset", -70.0},  {"V_min", -DBL_MAX},  {"I_e", 0.0},
                                         {"tau_syn_ex", 2.0}, {"tau_syn_in", 2.0},  {"I_syn_ex", 0.0},
                                         {"I_syn_in", 0.0}};
static const expect k_iaf_psc_exp[] = {{"V_m", -70.0},      {"E_L", -70.0},      {"C_m", 250.0},
                                       {"tau_m", 10.0},     {"t_ref", 2.0},      {"V_th", -55.0},
                                       {"V_reset", -70.0},  {"I_e", 0.0},        {"tau_syn_ex", 2.0},
                                       {"tau_syn_in", 2.0}, {"I_syn_ex", 0.0},   {"I_syn_in", 0.0}};
static const expect k_iaf_cond[] = {{"V_m", -70.0},       {"g_ex", 0.0},      {"g_in", 0.0},   {"V_th", -55.0},
                                    {"V_reset", -60.0},   {"t_ref", 2.0},     {"g_L", 16.6667}, {"C_m", 250.0},
                                    {"E_ex", 0.0},        {"E_in", -85.0},    {"E_L", -70.0},  {"tau_syn_ex", 0.2},
                                    {"tau_syn_in", 2.0},  {"I_e", 0.0}};
static const expect k_aeif[] = {{"V_m", -70.6},   {"w", 0.0},         {"g_ex", 0.0},       {"g_in", 0.0},
                                {"V_peak", 0.0},  {"V_reset", -60.0}, {"t_ref", 0.0},      {"g_L", 30.0},
                                {"C_m", 281.0},   {"E_ex", 0.0},      {"E_in", -85.0},     {"E_L", -70.6},
                                {"Delta_T", 2.0}, {"tau_w", 144.0},   {"a", 4.0},          {"b", 80.5},
                                {"V_th", -50.4},  {"tau_syn_ex", 0.2}, {"tau_syn_in", 2.0}, {"I_e", 0.0},
                                {"gsl_error_tol", 1e-6}};
static const expect k_izhikevich[] = {{"a", 0.02},        {"b", 0.2},   {"c", -65.0},   {"d", 8.0},
                                      {"I_e", 0.0},       {"V_th", 30.0}, {"V_min", -DBL_MAX},
                                      {"V_m", -65.0},     {"U_m", -13.0}, {"consistent_integration", 1.0}};
/* The gates at rest, -65 mV, to 7 digits (checked exactly below from the rate functions). */
static const expect k_hh[] = {{"V_m", -65.0},       {"I_syn_ex", 0.0},  {"I_syn_in", 0.0}, {"t_ref", 2.0},
                              {"g_Na", 12000.0},    {"g_K", 3600.0},    {"g_L", 30.0},     {"C_m", 100.0},
                              {"E_Na", 50.0},       {"E_K", -77.0},     {"E_L", -54.402},  {"tau_syn_ex", 0.2},
                              {"tau_syn_in", 2.0},  {"I_e", 0.0}};
static const expect k_glif_mech[] = {
    {"V_m", -78.85},          {"E_L", -78.85},         {"V_th", -51.68},          {"V_reset", -78.85},
    {"g", 9.43},              {"C_m", 58.72},          {"t_ref", 3.75},           {"th_spike_add", 0.37},
    {"th_spike_decay", 0.009}, {"voltage_reset_fraction", 0.20}, {"voltage_reset_add", 18.51},
    {"th_voltage_index", 0.005}, {"th_voltage_decay", 0.09}, {"asc_init[0]", 0.0}, {"asc_init[1]", 0.0},
    {"asc_decay[0]", 0.003},  {"asc_decay[1]", 0.1},    {"asc_amps[0]", -9.18},    {"asc_amps[1]", -198.94},
    {"asc_r[0]", 1.0},        {"asc_r[1]", 1.0},        {"spike_dependent_threshold", 0.0},
    {"after_spike_currents", 0.0}, {"adapting_threshold", 0.0}, {"threshold", -51.68}, {"g_m", 9.43},
    {"ASCurrents[0]", 0.0},   {"ASCurrents[1]", 0.0},   {"threshold_spike", 0.0}, {"threshold_voltage", 0.0}};
static const char *const k_none[] = {NULL};
static const char *const k_glif_psc_lists[] = {"tau_syn", NULL};
static const char *const k_glif_cond_lists[] = {"tau_syn", "E_rev", NULL};

static void test_iaf_defaults(void **state) {
  (void)state;
  check_model("iaf_psc_delta", "{}", k_iaf_psc_delta, NEXP(k_iaf_psc_delta), k_none);
  check_model("iaf_psc_alpha", "{}", k_iaf_psc_alpha, NEXP(k_iaf_psc_alpha), k_none);
  check_model("iaf_psc_exp", "{}", k_iaf_psc_exp, NEXP(k_iaf_psc_exp), k_none);
  check_model("iaf_cond_alpha", "{}", k_iaf_cond, NEXP(k_iaf_cond), k_none);
  check_model("iaf_cond_exp", "{}", k_iaf_cond, NEXP(k_iaf_cond), k_none);
}

static void test_aeif_izhikevich_hh_defaults(void **state) {
  (void)state;
  check_model("aeif_cond_alpha", "{}", k_aeif, NEXP(k_aeif), k_none);
  check_model("aeif_cond_exp", "{}", k_aeif, NEXP(k_aeif), k_none);
  check_model("izhikevich", "{}", k_izhikevich, NEXP(k_izhikevich), k_none);
  static const char *const gates[] = {"Act_m", "Act_h", "Inact_n", NULL};
  check_model("hh_psc_alpha", "{}", k_hh, NEXP(k_hh), gates);
}

static void test_glif_defaults(void **state) {
  (void)state;
  check_model("glif_psc", "{}", k_glif_mech, NEXP(k_glif_mech), k_glif_psc_lists);
  static const expect psc_ports[] = {{"tau_syn[0]", 2.0}};
  check_model("glif_psc", "{}", psc_ports, 1, NULL);
  check_model("glif_cond", "{}", k_glif_mech, NEXP(k_glif_mech), k_glif_cond_lists);
  static const expect cond_ports[] = {{"tau_syn[0]", 0.2}, {"tau_syn[1]", 2.0}, {"E_rev[0]", 0.0},
                                      {"E_rev[1]", -85.0}};
  check_model("glif_cond", "{}", cond_ports, NEXP(cond_ports), NULL);
  /* one port by default: there is no second */
  cz_tm_grp g;
  double x;
  cz_tm_new(&g, "glif_psc", "{}", 0.1);
  assert_false(g.kind->get(g.grp, 0, "tau_syn[1]", &x));
  assert_false(g.kind->get(g.grp, 0, "no_such_parameter", &x));
  cz_tm_close(&g);
}

/* ---- initial state that depends on parameters -------------------------------------------- */

static void test_izhikevich_recovery_from_defaults(void **state) {
  (void)state;
  /* NEST computes U_m = b V_m once, from the defaults; b and V_m given later leave it */
  static const expect given_b_v[] = {{"b", 0.25}, {"V_m", -70.0}, {"U_m", -13.0}};
  check_model("izhikevich", "{\"b\": 0.25, \"V_m\": -70}", given_b_v, NEXP(given_b_v), NULL);
  static const expect given_u[] = {{"U_m", -14.5}, {"V_m", -65.0}};
  check_model("izhikevich", "{\"U_m\": -14.5}", given_u, NEXP(given_u), NULL);
  /* the first step starts from it: u' = a (b v - u) = 0, so u stays -13, and
   * v' = 0.04 v^2 + 5 v + 140 - u = 169 - 325 + 140 + 13 = -3 mV/ms */
  cz_tm_grp g;
  cz_tm_new(&g, "izhikevich", "{}", 0.1);
  cz_tm_step(&g, 0.0, 0.0);
  const int U = cz_model_recordable(g.kind, "U_m");
  cz_assert_close(g.kind->record(g.grp, 0, U), -13.0, 1e-15, "U_m after a step at rest", 1);
  cz_assert_close(cz_tm_v(&g), -65.3, 1e-12, "V_m after a step at rest", 1);
  cz_tm_close(&g);
}

/* hh's gates at equilibrium: x_inf = alpha / (alpha + beta) at V (mV), rates in 1/ms. */
static void hh_equilibria(double V, double *m, double *h, double *n) {
  const double an = 0.01 * (V + 55.0) / (1.0 - exp(-(V + 55.0) / 10.0)), bn = 0.125 * exp(-(V + 65.0) / 80.0);
  const double am = 0.1 * (V + 40.0) / (1.0 - exp(-(V + 40.0) / 10.0)), bm = 4.0 * exp(-(V + 65.0) / 18.0);
  const double ah = 0.07 * exp(-(V + 65.0) / 20.0), bh = 1.0 / (1.0 + exp(-(V + 35.0) / 10.0));
  *m = am / (am + bm);
  *h = ah / (ah + bh);
  *n = an / (an + bn);
}

static void test_hh_gates_from_defaults(void **state) {
  (void)state;
  double m, h, n;
  hh_equilibria(-65.0, &m, &h, &n);
  /* independently: the classic resting values */
  cz_assert_close(m, 0.0529325, 1e-6, "m_inf(-65)", 0);
  cz_assert_close(h, 0.5961208, 1e-6, "h_inf(-65)", 0);
  cz_assert_close(n, 0.3176769, 1e-6, "n_inf(-65)", 0);
  const expect rest[] = {{"Act_m", m}, {"Act_h", h}, {"Inact_n", n}};
  check_model("hh_psc_alpha", "{}", rest, NEXP(rest), NULL);
  /* V_m given: V moves, the gates keep the equilibria of -65 mV */
  const expect moved[] = {{"V_m", -70.0}, {"Act_m", m}, {"Act_h", h}, {"Inact_n", n}};
  check_model("hh_psc_alpha", "{\"V_m\": -70}", moved, NEXP(moved), NULL);
  static const expect given[] = {{"Act_m", 0.1}, {"Act_h", 0.5}, {"Inact_n", 0.4}};
  check_model("hh_psc_alpha", "{\"Act_m\": 0.1, \"Act_h\": 0.5, \"Inact_n\": 0.4}", given, NEXP(given), NULL);
}

static void test_conductance_models_start_at_default_E_L(void **state) {
  (void)state;
  static const expect cond[] = {{"E_L", -60.0}, {"V_m", -70.0}};
  check_model("iaf_cond_alpha", "{\"E_L\": -60}", cond, NEXP(cond), NULL);
  check_model("iaf_cond_exp", "{\"E_L\": -60}", cond, NEXP(cond), NULL);
  static const expect aeif[] = {{"E_L", -65.0}, {"V_m", -70.6}, {"w", 0.0}};
  check_model("aeif_cond_alpha", "{\"E_L\": -65}", aeif, NEXP(aeif), NULL);
  check_model("aeif_cond_exp", "{\"E_L\": -65}", aeif, NEXP(aeif), NULL);
  static const expect given[] = {{"V_m", -61.0}, {"w", 5.0}};
  check_model("aeif_cond_exp", "{\"E_L\": -65, \"V_m\": -61, \"w\": 5}", given, NEXP(given), NULL);
}

static void test_shift_with_E_L_keeps_absolute_voltages(void **state) {
  (void)state;
  static const expect iaf[] = {{"E_L", -60.0}, {"V_m", -70.0}, {"V_th", -55.0}, {"V_reset", -70.0}};
  check_model("iaf_psc_alpha", "{\"E_L\": -60}", iaf, NEXP(iaf), NULL);
  check_model("iaf_psc_exp", "{\"E_L\": -60}", iaf, NEXP(iaf), NULL);
  check_model("iaf_psc_delta", "{\"E_L\": -60}", iaf, NEXP(iaf), NULL);
  static const expect glif[] = {{"E_L", -70.0}, {"V_m", -78.85}, {"V_th", -51.68}, {"V_reset", -78.85}};
  check_model("glif_psc", "{\"E_L\": -70}", glif, NEXP(glif), NULL);
  check_model("glif_cond", "{\"E_L\": -70}", glif, NEXP(glif), NULL);
}

/* NEST builds the after-spike currents from the default asc_init (two zeros) when it constructs
 * the neuron: a later asc_init does not reach them, ASCurrents (the state) does, and a number
 * of currents other than two needs ASCurrents (NEST would step two). */
static void test_glif_after_spike_currents_from_defaults(void **state) {
  (void)state;
  static const expect asc_init_given[] = {{"asc_init[0]", 5.0}, {"ASCurrents[0]", 0.0}, {"ASCurrents[1]", 0.0},
                                          {"ASCurrents_sum", 0.0}};
  check_model("glif_psc", "{\"after_spike_currents\": true, \"asc_init\": [5, 6]}", asc_init_given,
              NEXP(asc_init_given), NULL);
  static const expect state_given[] = {{"ASCurrents[0]", 5.0}, {"ASCurrents[1]", 6.0}, {"ASCurrents_sum", 11.0}};
  check_model("glif_cond", "{\"after_spike_currents\": true, \"ASCurrents\": [5, 6]}", state_given,
              NEXP(state_given), NULL);
  static const expect one[] = {{"ASCurrents[0]", 0.5}};
  check_model("glif_psc",
              "{\"after_spike_currents\": true, \"asc_init\": [0], \"asc_decay\": [0.1], \"asc_amps\": [-2], "
              "\"asc_r\": [1], \"ASCurrents\": [0.5]}",
              one, NEXP(one), NULL);
  cz_tm_grp g;
  cz_tm_open(&g, "glif_psc", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0,
                                 "{\"after_spike_currents\": true, \"asc_init\": [0], \"asc_decay\": [0.1], "
                                 "\"asc_amps\": [-2], \"asc_r\": [1]}"),
                   CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "ASCurrents"));
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"ASCurrents\": [1, 2]}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"threshold_spike\": 1}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"threshold_voltage\": 1}"), CZ_ERR_CONFIG);
  cz_tm_close(&g);
  static const expect th[] = {{"threshold_spike", 1.5}, {"threshold", -51.68 + 1.5}};
  check_model("glif_psc", "{\"spike_dependent_threshold\": true, \"threshold_spike\": 1.5}", th, NEXP(th), NULL);
}

/* ---- NEST 2's glif_lif_*_psc -------------------------------------------------------------- */

static const expect k_glif2[] = {{"V_th", 26.5},  {"g", 4.6951},    {"E_L", -77.4}, {"C_m", 99.182},
                                 {"t_ref", 0.5},  {"V_m", -77.4},   {"threshold", 26.5}, {"tau_syn[0]", 2.0},
                                 {"linear_exact", 0.0}};
static const expect k_glif2_r[] = {{"a_spike", 0.0}, {"b_spike", 0.0}, {"a_reset", 0.0}, {"b_reset", 0.0}};
static const expect k_glif2_asc[] = {{"asc_init[0]", 0.0}, {"asc_init[1]", 0.0}, {"k[0]", 0.0}, {"k[1]", 0.0},
                                     {"asc_amps[0]", 0.0}, {"asc_amps[1]", 0.0}, {"r[0]", 1.0},   {"r[1]", 1.0},
                                     {"ASCurrents[0]", 0.0}, {"ASCurrents[1]", 0.0}};
static const char *const k_glif2_other[] = {"tau_syn", "V_dynamics_method", "asc_init", "k", "asc_amps", "r",
                                            "ASCurrents", "V_reset", "a_spike", "b_spike", "a_reset", "b_reset",
                                            "a_voltage", "b_voltage", NULL};

static void test_nest2_glif_defaults(void **state) {
  (void)state;
  static const expect v_reset[] = {{"V_reset", -77.4}};
  const char *models[] = {"glif_lif_psc", "glif_lif_r_psc", "glif_lif_asc_psc", "glif_lif_r_asc_psc"};
  for (size_t k = 0; k < 4; k++) {
    check_model(models[k], "{}", k_glif2, NEXP(k_glif2), k_glif2_other);
    if (strstr(models[k], "_r_")) check_model(models[k], "{}", k_glif2_r, NEXP(k_glif2_r), NULL);
    else check_model(models[k], "{}", v_reset, 1, NULL);
    if (strstr(models[k], "asc")) check_model(models[k], "{}", k_glif2_asc, NEXP(k_glif2_asc), NULL);
  }
  /* NEST 2 sets V_m to E_L whatever V_m is given */
  static const expect v_at_E_L[] = {{"V_m", -70.0}};
  check_model("glif_lif_psc", "{\"E_L\": -70, \"V_m\": -60, \"V_th\": -50, \"V_reset\": -70}", v_at_E_L, 1, NULL);
  /* level 5's voltage threshold divides by b_voltage: NEST 2's default 0 is refused */
  cz_tm_grp g;
  cz_tm_open(&g, "glif_lif_r_asc_a_psc", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, "{}"), CZ_ERR_CONFIG);
  assert_non_null(strstr(cz_error_message(), "b_voltage"));
  cz_tm_close(&g);
  static const expect a_defaults[] = {{"V_th", 26.5}, {"a_voltage", 0.0}, {"b_voltage", 0.1}, {"V_m", -77.4}};
  check_model("glif_lif_r_asc_a_psc", "{\"b_voltage\": 0.1}", a_defaults, NEXP(a_defaults), NULL);
}

/* ---- synapses ----------------------------------------------------------------------------- */

static void test_synapse_defaults(void **state) {
  (void)state;
  cz_syn_params p;
  assert_int_equal(cz_syn_params_read(CZ_SYN_STATIC, NULL, "t", &p), CZ_OK);
  assert_int_equal(p.receptor, 0);
  assert_int_equal(cz_syn_params_read(CZ_SYN_STDP, NULL, "t", &p), CZ_OK);
  const double stdp[] = {p.tau_plus, p.lambda, p.alpha, p.mu_plus, p.mu_minus, p.Wmax, p.Kplus};
  const double stdp_nest[] = {20.0, 0.01, 1.0, 1.0, 1.0, 100.0, 0.0};
  for (size_t k = 0; k < 7; k++) cz_assert_close(stdp[k], stdp_nest[k], 0.0, "stdp_synapse default", (long)k);
  assert_int_equal(cz_syn_params_read(CZ_SYN_STDP_PL, NULL, "t", &p), CZ_OK);
  const double pl[] = {p.tau_plus, p.lambda, p.alpha, p.mu, p.Kplus};
  const double pl_nest[] = {20.0, 0.1, 1.0, 0.4, 0.0};
  for (size_t k = 0; k < 5; k++) cz_assert_close(pl[k], pl_nest[k], 0.0, "stdp_pl_synapse_hom default", (long)k);
  assert_int_equal(cz_syn_params_read(CZ_SYN_TSODYKS, NULL, "t", &p), CZ_OK);
  const double ts[] = {p.tau_psc, p.tau_fac, p.tau_rec, p.U, p.x, p.y, p.u};
  const double ts_nest[] = {3.0, 0.0, 800.0, 0.5, 1.0, 0.0, 0.0};
  for (size_t k = 0; k < 7; k++) cz_assert_close(ts[k], ts_nest[k], 0.0, "tsodyks_synapse default", (long)k);
  assert_int_equal(cz_syn_params_read(CZ_SYN_TSODYKS2, NULL, "t", &p), CZ_OK);
  const double t2[] = {p.U, p.u, p.x, p.tau_rec, p.tau_fac};
  const double t2_nest[] = {0.5, 0.5, 1.0, 800.0, 0.0};
  for (size_t k = 0; k < 5; k++) cz_assert_close(t2[k], t2_nest[k], 0.0, "tsodyks2_synapse default", (long)k);
  /* tsodyks2's u starts at the default U (NEST's u_(U_)), not at a U given later */
  cJSON *d = cJSON_Parse("{\"U\": 0.2}");
  assert_int_equal(cz_syn_params_read(CZ_SYN_TSODYKS2, d, "t", &p), CZ_OK);
  cz_assert_close(p.u, 0.5, 0.0, "tsodyks2 u with U given", 0);
  cJSON_Delete(d);
  /* the state a new synapse starts from */
  const cz_syn_state s = cz_syn_initial_state(&p, 2.0);
  cz_assert_close(s.a, 1.0, 0.0, "tsodyks2 x0", 0);
  cz_assert_close(s.c, 0.5, 0.0, "tsodyks2 u0", 0);
  cz_assert_close(s.w, 2.0, 0.0, "weight", 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_iaf_defaults),
      cmocka_unit_test(test_aeif_izhikevich_hh_defaults),
      cmocka_unit_test(test_glif_defaults),
      cmocka_unit_test(test_izhikevich_recovery_from_defaults),
      cmocka_unit_test(test_hh_gates_from_defaults),
      cmocka_unit_test(test_conductance_models_start_at_default_E_L),
      cmocka_unit_test(test_shift_with_E_L_keeps_absolute_voltages),
      cmocka_unit_test(test_glif_after_spike_currents_from_defaults),
      cmocka_unit_test(test_nest2_glif_defaults),
      cmocka_unit_test(test_synapse_defaults),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
