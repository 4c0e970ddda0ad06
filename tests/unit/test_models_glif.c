/* Unit tests of glif_psc (src/pointnet/models/glif_psc.c):
 *  - level 1 (LIF) under a constant current: the interspike interval against the LIF closed
 *    form, t_ref + tau ln((V_inf - V_reset) / (V_inf - V_th)), tau = C_m / g;
 *  - level 3 (after-spike currents): after a spike the current is amps and its mean over each
 *    later step is amps (1 - e^{-k h}) / (k h) e^{-k h n};
 *  - level 2 (spike-dependent threshold): the threshold rises by th_spike_add at each spike and
 *    the voltage resets to fraction V_old + add;
 *  - receptor ports: input on port 2 (tau_syn 8 ms) peaks later than on port 1 (2 ms), each
 *    port's ring row is consumed, and the number of ports is reported;
 *  - parameter validation (mechanism combinations, list lengths);
 *  - glif_cond: the LIF period without input (GSL to 1e-3 mV), each port's conductance as the
 *    alpha function w (t / tau) e^{1 - t / tau} with its peak w at tau, the sign of the
 *    response from each port's reversal potential, and E_rev / tau_syn validation. */
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

#define LIF1 "\"E_L\": -70, \"V_th\": -50, \"V_reset\": -70, \"V_m\": -70, \"g\": 10, \"C_m\": 100, \"t_ref\": 2"

static void test_glif_lif_period(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_psc", "{" LIF1 "}", 0.1);
  double last = -1, isi = 0;
  size_t n = 0;
  const double T = 2.0 + (100.0 / 10.0) * log(30.0 / 10.0); /* I = 300 pA: V_inf 30 mV above E_L */
  for (long u = 0; u < 2000; u++)
    if (cz_tm_step(&g, 0.0, 300.0)) {
      const double t = (double)(u + 1) * 0.1;
      if (last >= 0 && n >= 2) cz_assert_close(t - last, T, 0.11, "interspike interval", u);
      if (last >= 0) isi = t - last;
      last = t;
      n++;
    }
  assert_true(n > 10 && isi > 0);
  cz_tm_close(&g);
}

static void test_glif_after_spike_currents(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_psc",
            "{" LIF1 ", \"after_spike_currents\": true, \"asc_init\": [0.0], \"asc_decay\": [0.1], "
            "\"asc_amps\": [-20.0], \"asc_r\": [1.0], \"ASCurrents\": [0.0]}",
            0.1);
  const int asc = cz_model_recordable(g.kind, "ASCurrents_sum");
  assert_true(asc > 0);
  long spike = -1;
  for (long u = 0; u < 2000 && spike < 0; u++)
    if (cz_tm_step(&g, 0.0, 300.0)) spike = u;
  assert_true(spike >= 0);
  const double k = 0.1, h = 0.1, stable = (1.0 - exp(-k * h)) / (k * h);
  for (long u = 0; u < 20; u++) cz_tm_step(&g, 0.0, 0.0); /* refractory (20 steps), then 0 current */
  for (long n = 0; n < 30; n++) {
    cz_tm_step(&g, 0.0, 0.0);
    cz_assert_close(g.kind->record(g.grp, 0, asc), -20.0 * stable * exp(-k * h * (double)n), 1e-9, "ASC mean", n);
  }
  cz_tm_close(&g);
}

static void test_glif_spike_threshold(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_psc",
            "{" LIF1 ", \"spike_dependent_threshold\": true, \"th_spike_add\": 5.0, \"th_spike_decay\": 0.0001, "
            "\"voltage_reset_fraction\": 0.5, \"voltage_reset_add\": 2.0}",
            0.1);
  const int th = cz_model_recordable(g.kind, "threshold");
  double v_before = 0;
  for (long u = 0; u < 3000; u++) {
    const double v_old = cz_tm_v(&g);
    if (cz_tm_step(&g, 0.0, 300.0)) {
      v_before = v_old;
      /* reset to fraction * (V_old - E_L) + add, threshold up by th_spike_add */
      cz_assert_close(cz_tm_v(&g), -70.0 + 0.5 * (v_before + 70.0) + 2.0, 1e-9, "reset", u);
      assert_true(g.kind->record(g.grp, 0, th) > -50.0 + 4.9);
      break;
    }
  }
  assert_true(v_before != 0);
  cz_tm_close(&g);
}

/* Two neurons, one input of 100 pA each: on port 1 for neuron 0, on port 2 for neuron 1. */
static void test_glif_ports(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_open(&g, "glif_psc", 2, 0.1);
  for (size_t i = 0; i < 2; i++) cz_tm_set(&g, i, "{" LIF1 ", \"tau_syn\": [2.0, 8.0]}");
  assert_non_null(g.kind->nports);
  assert_int_equal(g.kind->nports(g.grp, 0), 2);
  double rows[2][2] = {{100.0, 0.0}, {0.0, 100.0}}, stim[2] = {0, 0};
  uint32_t fired[2];
  double peak[2] = {0, 0}, t_peak[2] = {0, 0};
  for (long u = 0; u < 400; u++) {
    assert_int_equal(g.kind->update(g.grp, 0, 2, rows[0], rows[1], stim, fired, 0), 0);
    for (int r = 0; r < 2; r++) assert_true(rows[r][0] == 0.0 && rows[r][1] == 0.0); /* consumed */
    for (size_t i = 0; i < 2; i++) {
      const double v = g.kind->v_m(g.grp, i) + 70.0;
      if (v > peak[i]) peak[i] = v, t_peak[i] = (double)u * 0.1;
    }
  }
  assert_true(peak[0] > 0.01 && peak[1] > 0.01);
  assert_true(t_peak[1] > t_peak[0] + 2.0); /* the slower port peaks later */
  cz_tm_close(&g);
}

static void test_glif_validate(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_open(&g, "glif_psc", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"adapting_threshold\": true}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"after_spike_currents\": true, \"asc_amps\": [1.0]}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"tau_syn\": [2.0, -1.0]}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"V_reset\": -40.0, \"V_th\": -50.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"t_ref\": 0.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"g\": 0.0}"), CZ_ERR_CONFIG);
  cz_tm_close(&g);
}

/* ---- glif_cond -------------------------------------------------------------------------- */

#define COND1 LIF1 ", \"tau_syn\": [2.0, 4.0], \"E_rev\": [0.0, -85.0]"

/* Without synaptic input glif_cond is the same LIF: the period under 300 pA, integrated by GSL
 * to 1e-3 mV, is the closed form within a step. */
static void test_glif_cond_lif_period(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_new(&g, "glif_cond", "{" COND1 "}", 0.1);
  double last = -1;
  size_t n = 0;
  const double T = 2.0 + (100.0 / 10.0) * log(30.0 / 10.0);
  for (long u = 0; u < 2000; u++)
    if (cz_tm_step(&g, 0.0, 300.0)) {
      const double t = (double)(u + 1) * 0.1;
      if (last >= 0 && n >= 2) cz_assert_close(t - last, T, 0.11, "interspike interval", u);
      last = t;
      n++;
    }
  assert_true(n > 10);
  cz_tm_close(&g);
}

/* A 5 nS input on port 1 (tau 2 ms) makes g_1 the alpha function w (t / tau) e^{1 - t / tau},
 * peaking at w after tau; towards E_rev = 0 mV it depolarises, and the same input on port 2
 * (E_rev -85 mV, below E_L) hyperpolarises. */
static void test_glif_cond_conductance(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_open(&g, "glif_cond", 2, 0.1);
  for (size_t i = 0; i < 2; i++) cz_tm_set(&g, i, "{" COND1 "}");
  assert_int_equal(g.kind->nports(g.grp, 0), 2);
  const int g1 = cz_model_recordable(g.kind, "g_1"), g2 = cz_model_recordable(g.kind, "g_2");
  assert_true(g1 > 0 && g2 > 0);
  double rows[2][2] = {{5.0, 0.0}, {0.0, 5.0}}, stim[2] = {0, 0};
  uint32_t fired[2];
  double vmax = -70.0, vmin = -70.0, gpeak = 0, tpeak = 0;
  for (long u = 0; u < 300; u++) {
    assert_int_equal(g.kind->update(g.grp, 0, 2, rows[0], rows[1], stim, fired, 0), 0);
    assert_true(rows[0][0] == 0.0 && rows[1][1] == 0.0); /* consumed */
    const double t = (double)u * 0.1, want = 5.0 * (t / 2.0) * exp(1.0 - t / 2.0);
    cz_assert_close(g.kind->record(g.grp, 0, g1), want, 2e-3, "g_1", u);
    cz_assert_close(g.kind->record(g.grp, 1, g2), 5.0 * (t / 4.0) * exp(1.0 - t / 4.0), 2e-3, "g_2", u);
    if (g.kind->record(g.grp, 0, g1) > gpeak) gpeak = g.kind->record(g.grp, 0, g1), tpeak = t;
    vmax = fmax(vmax, g.kind->v_m(g.grp, 0));
    vmin = fmin(vmin, g.kind->v_m(g.grp, 1));
  }
  cz_assert_close(gpeak, 5.0, 2e-3, "peak", 0);
  cz_assert_close(tpeak, 2.0, 1e-9, "peak time", 0);
  assert_true(vmax > -70.0 + 0.5);
  assert_true(vmin < -70.0 - 0.05);
  cz_tm_close(&g);
}

static void test_glif_cond_validate(void **state) {
  (void)state;
  cz_tm_grp g;
  cz_tm_open(&g, "glif_cond", 1, 0.1);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"tau_syn\": [2.0, 4.0], \"E_rev\": [0.0]}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"g\": 5.0, \"g_m\": 5.0}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"tau_syn\": [0.0], \"E_rev\": [0.0]}"), CZ_ERR_CONFIG);
  assert_int_equal(cz_tm_try_set(&g, 0, "{\"g_m\": 5.0}"), CZ_OK);
  cz_tm_close(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_glif_lif_period),      cmocka_unit_test(test_glif_after_spike_currents),
      cmocka_unit_test(test_glif_spike_threshold), cmocka_unit_test(test_glif_ports),
      cmocka_unit_test(test_glif_validate),        cmocka_unit_test(test_glif_cond_lif_period),
      cmocka_unit_test(test_glif_cond_conductance), cmocka_unit_test(test_glif_cond_validate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
