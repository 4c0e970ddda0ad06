/* Unit tests of the conductance-based, adaptive and Izhikevich models (src/pointnet/models):
 *  - iaf_cond_exp: the passive membrane under a constant current against its closed form, the
 *    exponential decay of a conductance jump, and the LIF firing period;
 *  - aeif_cond_alpha / aeif_cond_exp: with Delta_T = 0 and no adaptation, the LIF firing period;
 *    the firing patterns of Naud et al. (2008): tonic (constant intervals), adapting (growing
 *    intervals) and initial bursting; w jumping by b at every spike;
 *  - izhikevich: one step of NEST's forward Euler by hand, and Izhikevich's (2003) regimes:
 *    regular spiking adapts, fast spiking fires faster, chattering and intrinsically bursting
 *    fire bursts;
 *  - hh_psc_alpha: rest at -65 mV without input; under a strong current, regular spikes sent
 *    just after each peak above 0 mV, with the gating variables within [0, 1]. */
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

enum { MAX_SPIKES = 4096 };

/* Runs a one-neuron group for t_ms with a constant current; the spike times (ms) in t[]. */
static size_t spike_times(cz_tm_grp *g, double t_ms, double stim, double *t, size_t cap) {
  const long steps = lround(t_ms / g->h);
  size_t n = 0;
  for (long u = 0; u < steps; u++)
    if (cz_tm_step(g, 0.0, stim) && n < cap) t[n++] = (double)(u + 1) * g->h;
  return n;
}

/* Period of a LIF neuron (tau = C/g_L) from V_reset to V_th under V_inf, plus t_ref. */
static double lif_period(double tau, double v_reset, double v_th, double v_inf, double t_ref) {
  return t_ref + tau * log((v_reset - v_inf) / (v_th - v_inf));
}

/* ---- iaf_cond_exp ------------------------------------------------------------------------ */

static void test_cond_exp_passive(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "iaf_cond_exp", "{\"I_e\": 100.0}", 0.1);
  const double tau = 250.0 / 16.6667, v_inf = -70.0 + 100.0 / 16.6667;
  for (long u = 1; u <= 2000; u++) {
    assert_int_equal(cz_tm_step(&g, 0.0, 0.0), 0);
    if (u % 100 == 0) cz_assert_close(cz_tm_v(&g), v_inf + (-70.0 - v_inf) * exp(-u * 0.1 / tau), 2e-3, "V", u);
  }
  cz_tm_close(&g);
}

static void test_cond_exp_conductance_decay(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "iaf_cond_exp", "{\"tau_syn_ex\": 2.0}", 0.1);
  const int g_ex = cz_model_recordable(g.kind, "g_ex");
  assert_true(g_ex > 0);
  cz_tm_step(&g, 3.0, 0.0); /* the jump lands at the end of this step */
  cz_assert_close(g.kind->record(g.grp, 0, g_ex), 3.0, 1e-12, "g_ex after the jump", 0);
  for (long k = 1; k <= 50; k++) {
    cz_tm_step(&g, 0.0, 0.0);
    cz_assert_close(g.kind->record(g.grp, 0, g_ex), 3.0 * exp(-k * 0.1 / 2.0), 2e-3, "g_ex", k);
  }
  assert_true(cz_tm_v(&g) > -70.0); /* the excitatory conductance depolarised the membrane */
  cz_tm_close(&g);
}

static void test_cond_exp_period(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "iaf_cond_exp", "{\"I_e\": 500.0, \"V_m\": -60.0}", 0.1);
  double t[MAX_SPIKES];
  const size_t n = spike_times(&g, 200.0, 0.0, t, MAX_SPIKES);
  const double T = lif_period(250.0 / 16.6667, -60.0, -55.0, -70.0 + 500.0 / 16.6667, 2.0);
  assert_true(n > 20);
  for (size_t k = 1; k < n; k++) cz_assert_close(t[k] - t[k - 1], T, 0.11, "interspike interval", (long)k);
  cz_tm_close(&g);
}

/* ---- AdEx ----------------------------------------------------------------------------------- */

static void test_aeif_reduces_to_lif(void **state) {
  (void)state;
  static const char *const models[] = {"aeif_cond_alpha", "aeif_cond_exp"};
  for (int m = 0; m < 2; m++) {
    cz_tm_grp g;
    cz_tm_new(&g, models[m],
              "{\"Delta_T\": 0.0, \"a\": 0.0, \"b\": 0.0, \"t_ref\": 2.0, \"I_e\": 800.0, \"V_m\": -60.0}", 0.1);
    double t[MAX_SPIKES];
    const size_t n = spike_times(&g, 200.0, 0.0, t, MAX_SPIKES);
    const double T = lif_period(281.0 / 30.0, -60.0, -50.4, -70.6 + 800.0 / 30.0, 2.0);
    assert_true(n > 10);
    for (size_t k = 1; k < n; k++) cz_assert_close(t[k] - t[k - 1], T, 0.11, models[m], (long)k);
    cz_tm_close(&g);
  }
}

/* Interspike intervals of a neuron of model under I pA for t_ms. */
static size_t intervals(const char *model, const char *json, double I, double t_ms, double *isi) {
  cz_tm_grp g;
  cz_tm_new(&g, model, json, 0.1);
  double t[MAX_SPIKES];
  const size_t n = spike_times(&g, t_ms, I, t, MAX_SPIKES);
  cz_tm_close(&g);
  for (size_t k = 1; k < n; k++) isi[k - 1] = t[k] - t[k - 1];
  return n ? n - 1 : 0;
}

/* Naud et al. (2008) parameter sets, Table 1 (E_L, V_T as V_th, V_r as V_reset). */
#define NAUD_TONIC "{\"C_m\": 200, \"g_L\": 10, \"E_L\": -70, \"V_th\": -50, \"Delta_T\": 2, \"tau_w\": 30, \"a\": 2, \"b\": 0, \"V_reset\": -58}"
#define NAUD_ADAPT "{\"C_m\": 200, \"g_L\": 12, \"E_L\": -70, \"V_th\": -50, \"Delta_T\": 2, \"tau_w\": 300, \"a\": 2, \"b\": 60, \"V_reset\": -58}"
#define NAUD_BURST "{\"C_m\": 130, \"g_L\": 18, \"E_L\": -58, \"V_th\": -50, \"Delta_T\": 2, \"tau_w\": 150, \"a\": 4, \"b\": 120, \"V_reset\": -50}"

static void test_aeif_firing_patterns(void **state) {
  (void)state;
  static const char *const models[] = {"aeif_cond_alpha", "aeif_cond_exp"};
  double isi[MAX_SPIKES];
  for (int m = 0; m < 2; m++) {
    /* tonic: after a short transient, every interval is the same */
    size_t n = intervals(models[m], NAUD_TONIC, 500.0, 500.0, isi);
    assert_true(n > 10);
    for (size_t k = n - 5; k < n; k++) cz_assert_close(isi[k], isi[n - 1], 0.11, "tonic interval", (long)k);
    /* adapting: intervals grow, and by far */
    n = intervals(models[m], NAUD_ADAPT, 500.0, 1000.0, isi);
    assert_true(n > 5);
    for (size_t k = 1; k < 5; k++) assert_true(isi[k] >= isi[k - 1] - 0.1);
    assert_true(isi[n - 1] > 2.0 * isi[0]);
    /* initial bursting: a few short intervals, then long ones */
    n = intervals(models[m], NAUD_BURST, 400.0, 600.0, isi);
    assert_true(n > 4);
    assert_true(isi[0] < 0.5 * isi[n - 1]);
  }
}

static void test_aeif_spike_adaptation_jump(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "aeif_cond_exp", "{\"a\": 0.0, \"b\": 50.0, \"tau_w\": 1e9, \"I_e\": 1000.0}", 0.1);
  const int w = cz_model_recordable(g.kind, "w");
  assert_true(w > 0);
  size_t spikes = 0;
  for (long u = 0; u < 2000; u++) spikes += cz_tm_step(&g, 0.0, 0.0);
  assert_true(spikes > 2);
  /* with a = 0 and tau_w huge, w only moves by b per spike */
  cz_assert_close(g.kind->record(g.grp, 0, w), 50.0 * (double)spikes, 1e-3, "w", 2000);
  cz_tm_close(&g);
}

/* ---- izhikevich ----------------------------------------------------------------------------- */

static void test_izhikevich_one_step(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "izhikevich", "{\"I_e\": 10.0}", 0.1);
  const int U = cz_model_recordable(g.kind, "U_m");
  cz_tm_step(&g, 0.5, 0.0);
  const double v0 = -65.0, u0 = 0.2 * -65.0, h = 0.1; /* NEST's U_m starts at b V_m */
  const double v1 = v0 + h * (0.04 * v0 * v0 + 5 * v0 + 140 - u0 + 10.0) + 0.5, u1 = u0 + h * 0.02 * (0.2 * v0 - u0);
  cz_assert_close(cz_tm_v(&g), v1, 1e-12, "v", 1);
  cz_assert_close(g.kind->record(g.grp, 0, U), u1, 1e-12, "u", 1);
  cz_tm_close(&g);
}

/* Izhikevich's figures start at rest with u = b v = -13 (NEST's default U_m too). */
static size_t izh_intervals(const char *json, double *isi) {
  return intervals("izhikevich", json, 0.0, 1000.0, isi);
}

static void test_izhikevich_regimes(void **state) {
  (void)state;
  double rs[MAX_SPIKES], fs[MAX_SPIKES], ch[MAX_SPIKES], ib[MAX_SPIKES];
  const size_t nrs = izh_intervals("{\"a\": 0.02, \"b\": 0.2, \"c\": -65, \"d\": 8, \"I_e\": 10, \"U_m\": -13}", rs);
  const size_t nfs = izh_intervals("{\"a\": 0.1, \"b\": 0.2, \"c\": -65, \"d\": 2, \"I_e\": 10, \"U_m\": -13}", fs);
  const size_t nch = izh_intervals("{\"a\": 0.02, \"b\": 0.2, \"c\": -50, \"d\": 2, \"I_e\": 10, \"U_m\": -13}", ch);
  const size_t nib = izh_intervals("{\"a\": 0.02, \"b\": 0.2, \"c\": -55, \"d\": 4, \"I_e\": 10, \"U_m\": -13}", ib);
  /* regular spiking: adapts (the first interval is the shortest) and settles */
  assert_true(nrs > 5);
  assert_true(rs[0] < rs[nrs - 1]);
  cz_assert_close(rs[nrs - 1], rs[nrs - 2], 0.11, "RS steady interval", (long)nrs);
  /* fast spiking fires more often than regular spiking */
  assert_true(nfs > 2 * nrs);
  /* chattering: bursts, so both very short and long intervals */
  double lo = 1e9, hi = 0;
  for (size_t k = 2; k < nch; k++) {
    lo = fmin(lo, ch[k]);
    hi = fmax(hi, ch[k]);
  }
  assert_true(nch > 10 && lo < 0.2 * hi);
  /* intrinsically bursting: an initial burst, then regular spikes with longer intervals */
  assert_true(nib > 5 && ib[0] < 0.5 * ib[nib - 1]);
}

static void test_hh_rest(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "hh_psc_alpha", "{}", 0.1);
  for (long u = 1; u <= 2000; u++) {
    assert_int_equal(cz_tm_step(&g, 0.0, 0.0), 0);
    if (u % 200 == 0) cz_assert_close(cz_tm_v(&g), -65.0, 0.5, "V at rest", u);
  }
  cz_tm_close(&g);
}

static void test_hh_spikes_after_peaks(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "hh_psc_alpha", "{\"I_e\": 1000.0}", 0.01);
  const int gates[3] = {cz_model_recordable(g.kind, "Act_m"), cz_model_recordable(g.kind, "Act_h"),
                        cz_model_recordable(g.kind, "Inact_n")};
  double t[64], peak = -100;
  size_t n = 0;
  for (long u = 0; u < 30000; u++) {
    const double v_old = cz_tm_v(&g);
    const size_t fired = cz_tm_step(&g, 0.0, 0.0);
    const double v = cz_tm_v(&g);
    peak = fmax(peak, v);
    for (int k = 0; k < 3; k++) {
      const double x = g.kind->record(g.grp, 0, gates[k]);
      assert_true(x >= 0.0 && x <= 1.0);
    }
    if (fired) {
      assert_true(v >= 0.0 && v < v_old); /* sent at the first fall after crossing 0 mV */
      if (n < 64) t[n++] = (double)(u + 1) * 0.01;
    }
  }
  assert_true(n > 10 && peak > 20.0);
  cz_assert_close(t[n - 1] - t[n - 2], t[n - 2] - t[n - 3], 0.02, "regular intervals", (long)n);
  cz_tm_close(&g);
}

static void test_new_models_validate(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_open(&g, "aeif_cond_alpha", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"V_reset\": 10.0}"), CZ_ERR_CONFIG); /* above V_peak */
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"Delta_T\": -1.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"tau_w\": 0.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"C_m\": -1.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"nonsense\": 1.0}"), CZ_ERR_CONFIG);
  cz_tm_close(&g);
  cz_tm_open(&g, "iaf_cond_exp", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"V_reset\": -50.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"tau_syn_ex\": 0.0}"), CZ_ERR_CONFIG);
  cz_tm_close(&g);
  cz_tm_open(&g, "izhikevich", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"a\": \"fast\"}"), CZ_ERR_CONFIG);
  cz_tm_close(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cond_exp_passive),     cmocka_unit_test(test_cond_exp_conductance_decay),
      cmocka_unit_test(test_cond_exp_period),      cmocka_unit_test(test_aeif_reduces_to_lif),
      cmocka_unit_test(test_aeif_firing_patterns), cmocka_unit_test(test_aeif_spike_adaptation_jump),
      cmocka_unit_test(test_izhikevich_one_step),  cmocka_unit_test(test_izhikevich_regimes),
      cmocka_unit_test(test_hh_rest),              cmocka_unit_test(test_hh_spikes_after_peaks),
      cmocka_unit_test(test_new_models_validate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
