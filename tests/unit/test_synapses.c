/* Unit tests of the synapse models (src/pointnet/models/synapse.c) and the spike archive
 * (src/pointnet/models/post_archive.c), against weight changes computed by hand from the rules in
 * synapse.h for given spike pairs:
 *  - stdp_synapse: pre before post potentiates (facilitation by Kplus decayed to the post
 *    spike seen through the delay, then the depression of the next pre spike); post before pre
 *    depresses; the window edges (t_last - d, t - d] and the Wmax / 0 bounds; Kplus jumps by 1
 *    and decays with tau_plus;
 *  - stdp_pl_synapse_hom (and its _hpc name): the power-law facilitation w + lambda w^mu K
 *    and multiplicative depression w - lambda alpha w K by hand for both pair orders, no upper
 *    bound, depression clipped at 0, weights >= 0 only, NEST's defaults;
 *  - tsodyks2_synapse: the first spike carries U w, a regular train converges to the closed
 *    steady state x* = (1 - e) / (1 - (1 - U) e), e = exp(-T / tau_rec); facilitation gives
 *    u* = U / (1 - (1 - U) exp(-T / tau_fac));
 *  - tsodyks_synapse: the first two releases by hand, and x + y + z = 1 kept;
 *  - the archive: trace sums, window edges, the trace strictly before t, and dropping read
 *    entries only;
 *  - parameter validation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "base/status.h"
#include "pointnet/models/post_archive.h"
#include "pointnet/models/synapse.h"

static cz_syn_params params_of(cz_syn_rule rule, const char *json) {
  cJSON *j = json ? cJSON_Parse(json) : NULL;
  cz_syn_params p;
  assert_int_equal(cz_syn_params_read(rule, j, "test.json", &p), CZ_OK);
  cJSON_Delete(j);
  return p;
}

static cz_status try_params(cz_syn_rule rule, const char *json) {
  cJSON *j = cJSON_Parse(json);
  cz_syn_params p;
  cz_status st = cz_syn_params_read(rule, j, "test.json", &p);
  cJSON_Delete(j);
  cz_error_clear();
  return st;
}

static void assert_close(double got, double want, double tol) {
  if (fabs(got - want) > tol) fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* pre at 10 ms, post at 12 ms, pre again at 100 ms; delay 1 ms. */
static void test_stdp_pre_before_post(void **state) {
  (void)state;
  const cz_syn_params p = params_of(CZ_SYN_STDP, "{}");
  cz_post_archive post;
  cz_post_archive_init(&post, 20.0);
  post.n_incoming = 1;
  cz_syn_state s = cz_syn_initial_state(&p, 15.0);
  const double w1 = cz_syn_send(&p, &s, 10.0, 1.0, &post);
  assert_close(w1, 15.0, 1e-12); /* no post spike yet */
  assert_close(s.a, 1.0, 0); /* Kplus = 0 e^.. + 1 */
  assert_int_equal(cz_post_archive_add(&post, 12.0, 10.0), CZ_OK);
  const double w2 = cz_syn_send(&p, &s, 100.0, 1.0, &post);
  /* facilitation: Kplus at the post spike seen at 13 ms: e^{(10 - 13)/20}; then depression
   * by Kminus at 99 ms: e^{(12 - 99)/20} */
  const double f = 100.0 * (0.15 + 0.01 * (1.0 - 0.15) * exp(-3.0 / 20.0));
  const double want = 100.0 * (f / 100.0 - 0.01 * (f / 100.0) * exp(-87.0 / 20.0));
  assert_close(w2, want, 1e-12);
  assert_true(w2 > 15.0 + 0.7);
  assert_close(s.a, exp(-90.0 / 20.0) + 1.0, 1e-15);
  cz_post_archive_free(&post);
}

/* post at 10 ms, then pre at 12 ms (delay 1 ms): the post spike counts for facilitation with
 * Kplus = 0 (no effect) and depresses by its trace at 11 ms. */
static void test_stdp_post_before_pre(void **state) {
  (void)state;
  const cz_syn_params p = params_of(CZ_SYN_STDP, "{\"lambda\": 0.05, \"tau_plus\": 10.0}");
  cz_post_archive post;
  cz_post_archive_init(&post, 30.0);
  post.n_incoming = 1;
  assert_int_equal(cz_post_archive_add(&post, 10.0, 10.0), CZ_OK);
  cz_syn_state s = cz_syn_initial_state(&p, 40.0);
  const double w = cz_syn_send(&p, &s, 12.0, 1.0, &post);
  const double want = 100.0 * (0.4 - 0.05 * 0.4 * exp(-1.0 / 30.0));
  assert_close(w, want, 1e-12);
  assert_true(w < 40.0 - 1.9);
  cz_post_archive_free(&post);
}

/* A post spike exactly at t_last - d is outside the window, one exactly at t - d inside;
 * the trace query at t - d ignores a spike at t - d itself. Weights stay in [0, Wmax]. */
static void test_stdp_window_edges_and_bounds(void **state) {
  (void)state;
  const cz_syn_params p = params_of(CZ_SYN_STDP, "{\"lambda\": 0.5, \"Wmax\": 20.0}");
  cz_post_archive post;
  cz_post_archive_init(&post, 20.0);
  post.n_incoming = 1;
  cz_syn_state s = cz_syn_initial_state(&p, 10.0);
  (void)cz_syn_send(&p, &s, 5.0, 2.0, &post); /* Kplus = 1, t_last = 5 */
  assert_int_equal(cz_post_archive_add(&post, 3.0, 100.0), CZ_OK); /* at t_last - d: outside */
  assert_int_equal(cz_post_archive_add(&post, 8.0, 100.0), CZ_OK); /* at t - d for t = 10: inside */
  const double w = cz_syn_send(&p, &s, 10.0, 2.0, &post);
  /* one facilitation, by e^{(5 - 10)/20}; the depression trace at 8 ms is that of the spike
   * at 3 ms only */
  double f = 20.0 * (0.5 + 0.5 * (1.0 - 0.5) * exp(-5.0 / 20.0));
  double want = 20.0 * (f / 20.0 - 0.5 * (f / 20.0) * exp(-5.0 / 20.0));
  assert_close(w, want, 1e-12);
  /* bounds */
  assert_close(cz_stdp_facilitate(&p, 19.9, 50.0), 20.0, 0);
  assert_close(cz_stdp_depress(&p, 0.1, 50.0), 0.0, 0);
  cz_post_archive_free(&post);
}

/* pre at 10 ms, post at 12 ms, pre at 100 ms (delay 1 ms), HPC benchmark parameters. */
static void test_stdp_pl_pairs(void **state) {
  (void)state;
  const cz_syn_params p =
      params_of(CZ_SYN_STDP_PL, "{\"alpha\": 0.0513, \"lambda\": 0.1, \"mu\": 0.4, \"tau_plus\": 15.0}");
  cz_post_archive post;
  cz_post_archive_init(&post, 30.0);
  post.n_incoming = 1;
  cz_syn_state s = cz_syn_initial_state(&p, 45.0);
  assert_close(cz_syn_send(&p, &s, 10.0, 1.0, &post), 45.0, 0); /* no post spike yet */
  assert_int_equal(cz_post_archive_add(&post, 12.0, 100.0), CZ_OK);
  const double w = cz_syn_send(&p, &s, 100.0, 1.0, &post);
  /* facilitation by Kplus = 1 decayed from 10 to 13 ms; depression by Kminus at 99 ms */
  const double f = 45.0 + 0.1 * pow(45.0, 0.4) * exp(-3.0 / 15.0);
  const double want = f - 0.1 * 0.0513 * f * exp(-87.0 / 30.0);
  assert_close(w, want, 1e-12);
  assert_true(w > 45.0 + 0.3);
  assert_close(s.a, exp(-90.0 / 15.0) + 1.0, 1e-15);
  /* post at 200 ms, then pre at 202 ms: a slight facilitation by the old Kplus decayed to 201
   * ms, then the depression by the trace of both post spikes at 201 ms */
  assert_int_equal(cz_post_archive_add(&post, 200.0, 100.0), CZ_OK);
  const double kplus = s.a;
  const double w2 = cz_syn_send(&p, &s, 202.0, 1.0, &post);
  const double f2 = w + 0.1 * pow(w, 0.4) * kplus * exp(-101.0 / 15.0);
  assert_close(w2, f2 - 0.1 * 0.0513 * f2 * (exp(-189.0 / 30.0) + exp(-1.0 / 30.0)), 1e-12);
  assert_true(w2 < w - 0.2);
  /* no upper bound; the depression stops at 0 */
  assert_close(cz_stdp_pl_facilitate(&p, 1000.0, 5.0), 1000.0 + 0.1 * pow(1000.0, 0.4) * 5.0, 1e-9);
  assert_close(cz_stdp_pl_depress(&p, 3.0, 1000.0), 0.0, 0);
  assert_false(cz_syn_weight_ok(&p, -1.0));
  assert_true(cz_syn_weight_ok(&p, 0.0));
  /* NEST's defaults and the HPC benchmark's name */
  const cz_syn_params d = params_of(CZ_SYN_STDP_PL, NULL);
  assert_close(d.lambda, 0.1, 0);
  assert_close(d.mu, 0.4, 0);
  assert_close(d.alpha, 1.0, 0);
  assert_close(d.tau_plus, 20.0, 0);
  cz_syn_rule r;
  assert_int_equal(cz_syn_rule_of("stdp_pl_synapse_hom_hpc", "x.csv", &r), CZ_OK);
  assert_int_equal(r, CZ_SYN_STDP_PL);
  assert_int_equal(try_params(CZ_SYN_STDP_PL, "{\"Wmax\": 10}"), CZ_ERR_CONFIG); /* not a parameter of it */
  assert_int_equal(try_params(CZ_SYN_STDP_PL, "{\"tau_plus\": -1}"), CZ_ERR_CONFIG);
  cz_post_archive_free(&post);
}

static void test_tsodyks2_train(void **state) {
  (void)state;
  const cz_syn_params p = params_of(CZ_SYN_TSODYKS2, "{\"U\": 0.5, \"u\": 0.5, \"tau_rec\": 100.0}");
  cz_syn_state s = cz_syn_initial_state(&p, 2.0);
  const double T = 10.0, e = exp(-T / 100.0);
  double w = 0;
  for (int n = 0; n < 200; n++) {
    w = cz_syn_send(&p, &s, 10.0 + T * n, 1.0, NULL);
    if (n == 0) assert_close(w, 0.5 * 2.0, 1e-15);
    if (n == 1) assert_close(w, (1.0 + (1.0 - 0.5 - 1.0) * e) * 0.5 * 2.0, 1e-15);
  }
  const double xs = (1.0 - e) / (1.0 - (1.0 - 0.5) * e);
  assert_close(w, xs * 0.5 * 2.0, 1e-12);
  /* facilitation: u converges to U / (1 - (1 - U) e_f) */
  const cz_syn_params q = params_of(CZ_SYN_TSODYKS2, "{\"U\": 0.1, \"u\": 0.1, \"tau_fac\": 50.0, \"tau_rec\": 1.0}");
  cz_syn_state r = cz_syn_initial_state(&q, 1.0);
  for (int n = 0; n < 300; n++) (void)cz_syn_send(&q, &r, 10.0 + 20.0 * n, 1.0, NULL);
  assert_close(r.c, 0.1 / (1.0 - 0.9 * exp(-20.0 / 50.0)), 1e-12);
}

static void test_tsodyks_releases(void **state) {
  (void)state;
  const cz_syn_params p = params_of(CZ_SYN_TSODYKS, "{\"U\": 0.4, \"tau_psc\": 3.0, \"tau_rec\": 200.0}");
  cz_syn_state s = cz_syn_initial_state(&p, 10.0);
  const double w1 = cz_syn_send(&p, &s, 20.0, 1.0, NULL);
  assert_close(w1, 0.4 * 1.0 * 10.0, 1e-14); /* u = U, x = 1 */
  assert_close(s.a, 0.6, 1e-15);
  assert_close(s.b, 0.4, 1e-15);
  /* 30 ms later: y decays by e^{-30/3}; the inactive part z = 1 - x - y recovers into x */
  const double h = 30.0, Pyy = exp(-h / 3.0), Pzz = expm1(-h / 200.0);
  const double Pxy = (Pzz * 200.0 - (Pyy - 1.0) * 3.0) / (3.0 - 200.0);
  const double x = 0.6 + Pxy * 0.4 - Pzz * 0.0;
  const double w2 = cz_syn_send(&p, &s, 20.0 + h, 1.0, NULL);
  assert_close(w2, 0.4 * x * 10.0, 1e-13);
  assert_true(w2 < w1); /* depressed */
  assert_true(s.a >= 0 && s.b >= 0 && s.a + s.b <= 1.0);
}

static void test_post_archive(void **state) {
  (void)state;
  cz_post_archive a;
  cz_post_archive_init(&a, 20.0);
  a.n_incoming = 2;
  assert_close(cz_post_archive_kminus(&a, 5.0), 0.0, 0);
  assert_int_equal(cz_post_archive_add(&a, 10.0, 5.0), CZ_OK);
  assert_int_equal(cz_post_archive_add(&a, 20.0, 5.0), CZ_OK);
  assert_close(a.kminus, exp(-0.5) + 1.0, 1e-15);
  assert_close(cz_post_archive_kminus(&a, 20.0), exp(-0.5), 1e-15); /* strictly before 20 */
  assert_close(cz_post_archive_kminus(&a, 25.0), (exp(-0.5) + 1.0) * exp(-0.25), 1e-15);
  size_t i0, i1;
  cz_post_archive_window(&a, 10.0, 20.0, &i0, &i1);
  assert_int_equal(i1 - i0, 1);
  assert_close(a.e[i0].t, 20.0, 0);
  /* the spike at 10 has been read by no synapse: kept however old */
  assert_int_equal(cz_post_archive_add(&a, 100.0, 5.0), CZ_OK);
  assert_int_equal(a.n - a.head, 3);
  cz_post_archive_window(&a, 0.0, 15.0, &i0, &i1);
  cz_post_archive_window(&a, 0.0, 15.0, &i0, &i1); /* both synapses have read it */
  assert_int_equal(cz_post_archive_add(&a, 110.0, 5.0), CZ_OK);
  assert_close(a.e[a.head].t, 20.0, 0);
  cz_post_archive_free(&a);
}

static void test_syn_validate(void **state) {
  (void)state;
  assert_int_equal(try_params(CZ_SYN_STDP, "{\"tau_minus\": 20}"), CZ_ERR_CONFIG); /* a neuron parameter */
  assert_int_equal(try_params(CZ_SYN_STDP, "{\"Kplus\": -1}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_STDP, "{\"tau_plus\": 0}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_TSODYKS, "{\"U\": 1.5}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_TSODYKS, "{\"tau_psc\": 800}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_TSODYKS, "{\"x\": 0.7, \"y\": 0.5}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_TSODYKS2, "{\"u\": -0.1}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_TSODYKS2, "{\"tau_psc\": 3}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_STATIC, "{\"U\": 0.5}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_STATIC, "{\"receptor_type\": 1.5}"), CZ_ERR_CONFIG);
  assert_int_equal(try_params(CZ_SYN_STATIC, "{\"receptor_type\": 2, \"weight\": 3, \"delay\": 2}"), CZ_OK);
  const cz_syn_params p = params_of(CZ_SYN_STDP, "{\"Wmax\": -50}");
  assert_false(cz_syn_weight_ok(&p, 5.0));
  assert_true(cz_syn_weight_ok(&p, -5.0));
  cz_syn_rule r;
  assert_int_equal(cz_syn_rule_of("bcpnn_synapse", "x.csv", &r), CZ_ERR_CONFIG);
  cz_error_clear();
  assert_int_equal(cz_syn_rule_of("tsodyks2_synapse", "x.csv", &r), CZ_OK);
  assert_int_equal(r, CZ_SYN_TSODYKS2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stdp_pre_before_post),
      cmocka_unit_test(test_stdp_post_before_pre),
      cmocka_unit_test(test_stdp_window_edges_and_bounds),
      cmocka_unit_test(test_stdp_pl_pairs),
      cmocka_unit_test(test_tsodyks2_train),
      cmocka_unit_test(test_tsodyks_releases),
      cmocka_unit_test(test_post_archive),
      cmocka_unit_test(test_syn_validate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
