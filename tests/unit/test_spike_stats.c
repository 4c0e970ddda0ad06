/* Spike statistics (app/spike_stats.c) against values worked out by hand, and the sparse
 * count correlation against a plain dense Pearson coefficient. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "app/spike_stats.h"

static void test_rate(void **state) {
  (void)state;
  assert_float_equal(cz_stats_rate(5, 500.0, 1500.0), 5.0, 1e-12);
  assert_float_equal(cz_stats_rate(3, 0.0, 200.0), 15.0, 1e-12);
  assert_float_equal(cz_stats_rate(0, 0.0, 200.0), 0.0, 0.0);
}

static void test_isi_cv(void **state) {
  (void)state;
  double cv = -1;
  const double regular[] = {10, 20, 30, 40};
  assert_true(cz_stats_isi_cv(regular, 4, &cv));
  assert_float_equal(cv, 0.0, 1e-12);
  const double two_intervals[] = {10, 30, 35}; /* intervals 20 and 5: mean 12.5, sd 7.5 */
  assert_true(cz_stats_isi_cv(two_intervals, 3, &cv));
  assert_float_equal(cv, 0.6, 1e-12);
  const double four[] = {0, 1, 4, 10}; /* intervals 1, 3, 6: mean 10/3, sd sqrt(38/9) */
  assert_true(cz_stats_isi_cv(four, 4, &cv));
  assert_float_equal(cv, sqrt(38.0 / 9.0) / (10.0 / 3.0), 1e-12);
  assert_false(cz_stats_isi_cv(two_intervals, 2, &cv)); /* one interval: no CV */
  const double same[] = {5, 5, 5};
  assert_false(cz_stats_isi_cv(same, 3, &cv));
}

static void test_bins(void **state) {
  (void)state;
  assert_int_equal(cz_stats_nbins(500, 1500, 2), 500);
  assert_int_equal(cz_stats_nbins(0, 10, 3), 4);       /* the last bin sticks out */
  assert_int_equal(cz_stats_nbins(0, 0.3, 0.1), 3);     /* 2.9999999999999996 bins are 3 */
  assert_int_equal(cz_stats_nbins(0, 0.5, 2), 1);
  const double t[] = {-1, 0, 1.9, 2, 9.99, 10, 10.5};
  cz_stats_counts c;
  assert_int_equal(cz_stats_counts_of(t, 7, 0, 10, 2, 5, &c), CZ_OK);
  /* bins [0,2): 0 and 1.9; [2,4): 2; [8,10]: 9.99 and 10 (closed); -1 and 10.5 outside */
  assert_int_equal(c.n, 3);
  assert_int_equal(c.bin[0], 0);
  assert_int_equal(c.count[0], 2);
  assert_int_equal(c.bin[1], 1);
  assert_int_equal(c.count[1], 1);
  assert_int_equal(c.bin[2], 4);
  assert_int_equal(c.count[2], 2);
  assert_int_equal(c.sum, 5);
  assert_int_equal(c.sumsq, 9);
  cz_stats_counts_free(&c);
}

/* Pearson's coefficient of dense count vectors, the textbook way. */
static double dense_cc(const double *x, const double *y, size_t n) {
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; i++) mx += x[i] / (double)n, my += y[i] / (double)n;
  for (size_t i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / sqrt(sxx * syy);
}

static void dense_counts(const double *t, size_t n, double bin, size_t nbins, double *out) {
  for (size_t k = 0; k < nbins; k++) out[k] = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = (size_t)floor(t[i] / bin);
    out[k < nbins ? k : nbins - 1] += 1;
  }
}

static void test_count_cc(void **state) {
  (void)state;
  enum { NB = 50 };
  const double bin = 2.0;
  /* two trains sharing some bins, with a double spike in one bin */
  const double a[] = {1, 3.5, 3.7, 11, 20, 47, 60, 61, 99};
  const double b[] = {0.5, 3.9, 12, 20.5, 33, 60.2, 75, 98.5, 100};
  cz_stats_counts ca, cb, cs, cf;
  assert_int_equal(cz_stats_counts_of(a, 9, 0, 100, bin, NB, &ca), CZ_OK);
  assert_int_equal(cz_stats_counts_of(b, 9, 0, 100, bin, NB, &cb), CZ_OK);
  double da[NB], db[NB];
  dense_counts(a, 9, bin, NB, da);
  dense_counts(b, 9, bin, NB, db);
  const double want = dense_cc(da, db, NB);
  assert_true(want > 0.3 && want < 0.9); /* a real, partial correlation */
  assert_float_equal(cz_stats_count_cc(&ca, &cb, NB), want, 1e-12);
  assert_float_equal(cz_stats_count_cc(&cb, &ca, NB), want, 1e-12);
  assert_float_equal(cz_stats_count_cc(&ca, &ca, NB), 1.0, 1e-12);
  /* a silent neuron, and one with the same count in every bin, have no coefficient */
  assert_int_equal(cz_stats_counts_of(NULL, 0, 0, 100, bin, NB, &cs), CZ_OK);
  assert_true(isnan(cz_stats_count_cc(&ca, &cs, NB)));
  double full[NB];
  for (int k = 0; k < NB; k++) full[k] = 2.0 * k + 1.0;
  assert_int_equal(cz_stats_counts_of(full, NB, 0, 100, bin, NB, &cf), CZ_OK);
  assert_true(isnan(cz_stats_count_cc(&ca, &cf, NB)));
  cz_stats_counts_free(&ca);
  cz_stats_counts_free(&cb);
  cz_stats_counts_free(&cs);
  cz_stats_counts_free(&cf);
}

static void test_ks(void **state) {
  (void)state;
  double a[] = {0.9, 0.1, 0.7, 0.4}, b[] = {0.5, 0.2, 0.8, 0.3, 0.6};
  /* the distribution functions differ most just after 0.6: 2/4 against 4/5 */
  assert_float_equal(cz_stats_ks(a, 4, b, 5), 0.3, 1e-12);
  double c[] = {1, 2, 3, 4}, d[] = {3, 4, 5, 6};
  assert_float_equal(cz_stats_ks(c, 4, d, 4), 0.5, 1e-12);
  double e[] = {1, 2}, f[] = {3, 4, 5};
  assert_float_equal(cz_stats_ks(e, 2, f, 3), 1.0, 1e-12);
  double g[] = {1, 2, 3}, h[] = {3, 2, 1};
  assert_float_equal(cz_stats_ks(g, 3, h, 3), 0.0, 1e-12);
  /* ties step both functions together; NaN values are left out */
  double i[] = {1, NAN, 2}, j[] = {2, 2, NAN};
  assert_float_equal(cz_stats_ks(i, 3, j, 3), 0.5, 1e-12);
  double k[] = {NAN, NAN}, l[] = {1};
  assert_true(isnan(cz_stats_ks(k, 2, l, 1)));
}

static void test_mean_sd(void **state) {
  (void)state;
  const double x[] = {1, NAN, 3, 5};
  double m, s;
  assert_int_equal(cz_stats_mean_sd(x, 4, &m, &s), 3);
  assert_float_equal(m, 3.0, 1e-12);
  assert_float_equal(s, sqrt(8.0 / 3.0), 1e-12);
  const double none[] = {NAN};
  assert_int_equal(cz_stats_mean_sd(none, 1, &m, &s), 0);
  assert_true(isnan(m) && isnan(s));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate),    cmocka_unit_test(test_isi_cv), cmocka_unit_test(test_bins),
      cmocka_unit_test(test_count_cc), cmocka_unit_test(test_ks),     cmocka_unit_test(test_mean_sd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
