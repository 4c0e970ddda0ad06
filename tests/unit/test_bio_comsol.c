/* The comsol input's parts (inputs-spec.md §8, unit test 4): COMSOL's text export read with
 * its units (V scaled to mV), its times after "t=" (s to ms) and its header split on runs of
 * three or more blanks; malformed exports refused naming the line; the nearest-node map equal
 * to a brute-force search, ties going to the lowest index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bionet/nearest.h"
#include "io/comsol.h"

#define META "% Model: m.mph\n% Version: 6\n% Date: x\n% Dimension: 3\n% Nodes: 2\n% Expressions: 1\n% Description: V\n% Length unit: um\n"

static void test_stationary_in_millivolts(void **state) {
  (void)state;
  const char *text = META "% x     y      z       V (mV)\n1 2 3   4.5\n-1e2\t0 7.25 -3\n\n";
  cz_comsol c;
  assert_int_equal(cz_comsol_parse(text, "f.txt", false, &c), CZ_OK);
  assert_int_equal(c.n, 2);
  assert_int_equal(c.ncol, 1);
  assert_null(c.t_ms);
  assert_true(c.xyz[0] == 1 && c.xyz[1] == 2 && c.xyz[2] == 3 && c.xyz[3] == -100 && c.xyz[5] == 7.25);
  assert_true(c.val[0] == 4.5 && c.val[1] == -3);
  cz_comsol_free(&c);
}

/* V (V) scales to mV; a stationary read keeps the first expression only. */
static void test_volts_scaled(void **state) {
  (void)state;
  const char *text = META "% x   y   z   V (V)   V (V) 2\n0 0 0 0.002 9\n";
  cz_comsol c;
  assert_int_equal(cz_comsol_parse(text, "f.txt", false, &c), CZ_OK);
  assert_int_equal(c.ncol, 1);
  assert_true(c.val[0] == 2.0);
  cz_comsol_free(&c);
}

/* A time-dependent export: one column per time, "V (mV) @ t=0.001" (single spaces inside a
 * field, three between fields) read as 1 ms. */
static void test_time_dependent(void **state) {
  (void)state;
  const char *text = META "% x      y      z      V (mV) @ t=0      V (mV) @ t=0.001     V (mV) @ t=2.5E-3\n"
                          "1 1 1 0 1 2\n2 2 2 3 4 5\n";
  cz_comsol c;
  assert_int_equal(cz_comsol_parse(text, "f.txt", true, &c), CZ_OK);
  assert_int_equal(c.ncol, 3);
  assert_true(c.t_ms[0] == 0 && c.t_ms[1] == 1.0 && c.t_ms[2] == 2.5);
  assert_true(c.val[0] == 0 && c.val[2] == 2 && c.val[3] == 3 && c.val[5] == 5);
  cz_comsol_free(&c);
}

/* Each malformed export is refused, naming the file and the line. */
static void test_malformed(void **state) {
  (void)state;
  const struct {
    const char *text, *says;
    int timed;
  } bad[] = {
      {"% only\n% two\n", "2 line(s)", 0},
      {META "% x   y   z   Ve (kV)\n0 0 0 1\n", "not a potential", 0},
      {META "% x y z V (mV)\n0 0 0 1\n", "not a COMSOL header", 0},
      {META "% x   y   z   V (mV)\n", "no node lines", 0},
      {META "% x   y   z   V (mV)\n0 0 0 1\n0 0 x 1\n", "f.txt:11: field 3", 0},
      {META "% x   y   z   V (mV)\n0 0 0 1 2\n", "f.txt:10: more fields", 0},
      {META "% x   y   z   V (mV)\n0 nan 0 1\n", "f.txt:10: the coordinate y", 0},
      {META "% x   y   z   V (mV)\n0 0 0 1\n", "at least two time columns", 1},
      {META "% x   y   z   V (mV) @ t=0   V (mV)\n0 0 0 1 1\n", "no time", 1},
      {META "% x   y   z   V (mV) @ t=0.002   V (mV) @ t=0.001\n0 0 0 1 1\n", "must increase", 1},
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    cz_comsol c;
    if (cz_comsol_parse(bad[k].text, "f.txt", bad[k].timed, &c) == CZ_OK) fail_msg("case %zu was accepted", k);
    const char *msg = cz_error_message();
    if (!strstr(msg, bad[k].says)) fail_msg("case %zu: \"%s\" does not say \"%s\"", k, msg, bad[k].says);
    cz_error_clear();
  }
  cz_comsol c; /* NaN potentials are data (COMSOL writes them outside its geometry) */
  assert_int_equal(cz_comsol_parse(META "% x   y   z   V (mV)\n0 0 0 NaN\n", "f.txt", false, &c), CZ_OK);
  assert_true(isnan(c.val[0]));
  cz_comsol_free(&c);
}

static size_t brute_nearest(const double *xyz, size_t n, const double q[3]) {
  size_t best = 0;
  double bd = INFINITY;
  for (size_t i = 0; i < n; i++) {
    double d2 = 0;
    for (int a = 0; a < 3; a++) d2 += (xyz[3 * i + a] - q[a]) * (xyz[3 * i + a] - q[a]);
    if (d2 < bd) bd = d2, best = i;
  }
  return best;
}

/* Random clouds, and a grid whose queries sit at equal distances from several nodes. */
static void test_nearest_equals_brute_force(void **state) {
  (void)state;
  srand(7);
  for (int trial = 0; trial < 3; trial++) {
    const size_t n = trial == 0 ? 1 : trial == 1 ? 1000 : 5003;
    double *xyz = malloc(3 * n * sizeof *xyz);
    for (size_t i = 0; i < 3 * n; i++) xyz[i] = (double)rand() / RAND_MAX * 1000.0 - 500.0;
    cz_kdtree t;
    assert_int_equal(cz_kdtree_build(xyz, n, &t), CZ_OK);
    for (int q = 0; q < 2000; q++) {
      const double p[3] = {(double)rand() / RAND_MAX * 1400 - 700, (double)rand() / RAND_MAX * 1400 - 700,
                           (double)rand() / RAND_MAX * 1400 - 700};
      const size_t got = cz_kdtree_nearest(&t, p), want = brute_nearest(xyz, n, p);
      if (got != want) fail_msg("n %zu query %d: node %zu, brute force %zu", n, q, got, want);
    }
    cz_kdtree_free(&t);
    free(xyz);
  }
  enum { G = 12 };
  double grid[3 * G * G * G];
  for (size_t i = 0; i < G * G * G; i++) { /* shuffled order: ties are not in tree order */
    const size_t j = (i * 7919) % (G * G * G);
    grid[3 * j] = (double)(i % G) * 50, grid[3 * j + 1] = (double)(i / G % G) * 50, grid[3 * j + 2] = (double)(i / (G * G)) * 50;
  }
  cz_kdtree t;
  assert_int_equal(cz_kdtree_build(grid, G * G * G, &t), CZ_OK);
  for (int q = 0; q < 3000; q++) {
    const double p[3] = {(double)(rand() % (2 * G)) * 25, (double)(rand() % (2 * G)) * 25, (double)(rand() % (2 * G)) * 25};
    const size_t got = cz_kdtree_nearest(&t, p), want = brute_nearest(grid, G * G * G, p);
    if (got != want) fail_msg("grid query (%g %g %g): node %zu, lowest equidistant %zu", p[0], p[1], p[2], got, want);
  }
  cz_kdtree_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stationary_in_millivolts),
      cmocka_unit_test(test_volts_scaled),
      cmocka_unit_test(test_time_dependent),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_nearest_equals_brute_force),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
