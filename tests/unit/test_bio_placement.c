/* BMTK's random synapse placement (bionet-spec.md §5.4, §8.3.8): the Mersenne Twister and
 * numpy's choice reproduce numpy.random.RandomState(seed).choice, the picks continuing across
 * calls, for seeds 0, 7, 42 and 123456 (vectors made with numpy 1.24); the segment table's
 * path distances from soma(0) and the candidates of a distance range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdlib.h>

#include "bionet/geometry.h"
#include "bionet/morphology.h"
#include "base/mt19937.h"
#include "bionet/syn_placement.h"

static void test_mt19937_reference_values(void **state) {
  (void)state;
  cz_mt19937 r;
  cz_mt_seed(&r, 5489);
  assert_int_equal(cz_mt_next32(&r), 3499211612u); /* the reference implementation's first output */
  cz_mt_seed(&r, 42);
  assert_true(cz_mt_res53(&r) == 0.3745401188473625);
  assert_true(cz_mt_res53(&r) == 0.9507143064099162);
}

/* RandomState(seed).choice(C, 6, p=p) then .choice(C, 4, p=p2) on the same stream. */
static void test_choice_like_numpy(void **state) {
  (void)state;
  const int C[7] = {3, 5, 8, 13, 21, 34, 55};
  const double w[7] = {1.0, 2.5, 0.5, 3.0, 1.25, 0.75, 1.0}, w2[7] = {0.2, 0.0, 1.0, 0.3, 0.0, 2.0, 0.5};
  const struct {
    uint32_t seed;
    int first[6], second[4];
  } v[] = {{0, {13, 21, 13, 13, 13, 13}, {34, 55, 55, 34}},
           {7, {3, 21, 13, 21, 55, 13}, {34, 8, 8, 34}},
           {42, {8, 55, 21, 13, 5, 5}, {8, 34, 34, 34}},
           {123456, {5, 55, 5, 34, 8, 5}, {34, 34, 8, 34}}};
  double p[7], p2[7], cdf[7];
  const double sw = cz_numpy_sum(w, 7), sw2 = cz_numpy_sum(w2, 7);
  for (int j = 0; j < 7; j++) {
    p[j] = w[j] / sw;
    p2[j] = w2[j] / sw2;
  }
  for (size_t s = 0; s < sizeof v / sizeof *v; s++) {
    cz_mt19937 r;
    cz_mt_seed(&r, v[s].seed);
    size_t pick[6];
    cz_mt_choice(&r, p, 7, 6, cdf, pick);
    for (int i = 0; i < 6; i++)
      if (C[pick[i]] != v[s].first[i]) fail_msg("seed %u, first call, pick %d: %d, numpy %d", v[s].seed, i, C[pick[i]], v[s].first[i]);
    cz_mt_choice(&r, p2, 7, 4, cdf, pick);
    for (int i = 0; i < 4; i++)
      if (C[pick[i]] != v[s].second[i])
        fail_msg("seed %u, second call, pick %d: %d, numpy %d", v[s].seed, i, C[pick[i]], v[s].second[i]);
  }
}

/* numpy sums in order below 8 elements and pairwise, 8 lanes at a time, above (the values are
 * numpy 1.24's). */
static void test_numpy_sum(void **state) {
  (void)state;
  const double small[3] = {1.0, 1e-16, 1e-16};
  assert_true(cz_numpy_sum(small, 3) == 1.0);
  double a[21], b[21];
  for (int i = 0; i < 21; i++) {
    a[i] = i == 0 ? 1.0 : 1e-16;
    b[i] = i == 20 ? 1.0 : 1e-16;
  }
  assert_true(cz_numpy_sum(a, 21) == 1.0000000000000016);
  assert_true(cz_numpy_sum(b, 21) == 1.000000000000002);
  double h[300], c[300]; /* above 128 the halves are summed apart */
  for (int i = 0; i < 300; i++) {
    h[i] = 1.0 / (i + 1);
    c[i] = i == 200 ? 1.0 : 1e-16;
  }
  assert_true(cz_numpy_sum(h, 300) == 6.282663880299504); /* in order: 6.282663880299502 */
  assert_true(cz_numpy_sum(c, 300) == 1.0000000000000298);
}

/* A soma of L 10 and a dendrite of L 100 from soma(0.5), dL 20: the dendrite's five segments
 * span [5, 25], ..., [85, 105] from soma(0); [30, 70] overlaps three of them by 15, 20 and 5. */
static void test_candidates_of_a_range(void **state) {
  (void)state;
  char dir[512], path[700];
  cz_test_tmpdir(dir, sizeof dir, "placement");
  cz_test_write(path, sizeof path, dir, "cell.swc", "1 1 0 0 0 5 -1\n2 3 0 5 0 1 1\n3 3 0 105 0 1 2\n");
  cz_morph *m = NULL;
  assert_int_equal(cz_morph_read(path, &m), CZ_OK);
  assert_true(m->L[1] == 100.0);
  cz_bio_geom *g = NULL;
  assert_int_equal(cz_bio_geom_build(m, 20.0, NULL, &g), CZ_OK);
  cz_seg_table t;
  assert_int_equal(cz_seg_table_build(m, g, &t), CZ_OK);
  assert_int_equal(t.n, 6);
  assert_true(t.d0[0] == 0.0 && t.d1[0] == 10.0);
  for (int k = 0; k < 5; k++) assert_true(fabs(t.d0[1 + k] - (5.0 + 20.0 * k)) < 1e-12);
  uint32_t cand[6];
  double p[6];
  size_t n = 0;
  const int32_t dend = cz_section_type_named("basal");
  cz_syn_candidates(&t, &dend, 1, 30.0, 70.0, cand, p, &n);
  assert_int_equal(n, 3);
  assert_int_equal(cand[0], 2);
  assert_true(fabs(p[0] - 0.375) < 1e-15 && fabs(p[1] - 0.5) < 1e-15 && fabs(p[2] - 0.125) < 1e-15);
  const int32_t soma = cz_section_type_named("somatic");
  cz_syn_candidates(&t, &soma, 1, 30.0, 70.0, cand, p, &n);
  assert_int_equal(n, 0); /* the soma lies outside the range */
  assert_int_equal(cz_section_type_named("dendrite"), 0);
  cz_seg_table_free(&t);
  cz_bio_geom_free(&g);
  cz_morph_free(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mt19937_reference_values),
      cmocka_unit_test(test_choice_like_numpy),
      cmocka_unit_test(test_numpy_sum),
      cmocka_unit_test(test_candidates_of_a_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
