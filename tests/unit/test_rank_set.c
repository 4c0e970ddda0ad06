/* Unit tests of the sets of ranks (core/rank_set.h): a pool built from counted members holds
 * each set as a list below the crossover (m < ceil(R / 32)) and as a bitmap from it on, costs
 * min(4 m, 4 ceil(R / 32)) bytes per set plus the offsets, and iterates every set's ranks in
 * ascending order whatever its form: sparse, dense and mixed pools, R = 1, 2, a multiple of 64
 * and ranks in a partial last word. A build that adds other members than it counted fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rank_set.h"

/* SplitMix64. */
static uint64_t next_random(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* The expected sets: member[i * nranks + r] says whether rank r is in set i. */
typedef struct expected {
  size_t n;
  uint32_t nranks;
  bool *member;
} expected;

static expected make_expected(size_t n, uint32_t nranks) {
  expected x = {n, nranks, calloc(n * nranks + 1, sizeof(bool))};
  assert_non_null(x.member);
  return x;
}

static uint32_t members(const expected *x, size_t i) {
  uint32_t m = 0;
  for (uint32_t r = 0; r < x->nranks; r++) m += x->member[i * x->nranks + r];
  return m;
}

/* Builds the pool as an engine does from requests that arrive rank by rank: every member
 * counted, then added in ascending rank order, the sets interleaved. */
static void build(const expected *x, cz_rank_sets *s) {
  assert_int_equal(cz_rank_sets_begin(s, x->n, x->nranks), CZ_OK);
  for (uint32_t r = 0; r < x->nranks; r++)
    for (size_t i = 0; i < x->n; i++)
      if (x->member[i * x->nranks + r]) cz_rank_sets_count(s, i);
  assert_int_equal(cz_rank_sets_lay_out(s), CZ_OK);
  for (uint32_t r = 0; r < x->nranks; r++)
    for (size_t i = 0; i < x->n; i++)
      if (x->member[i * x->nranks + r]) cz_rank_sets_add(s, i, r);
  assert_int_equal(cz_rank_sets_finish(s), CZ_OK);
}

/* The ranks a set's visit saw, in order. */
typedef struct visited {
  uint32_t n;
  uint32_t rank[4096];
} visited;

static void visit(void *ctx, uint32_t r) {
  visited *v = ctx;
  assert_true(v->n < 4096);
  v->rank[v->n++] = r;
}

/* Every set iterates exactly its members, ascending, in the form and size the rule gives, and
 * the pool's bytes are the offsets plus the sum of min(m, W) words. */
static void check(const expected *x, const cz_rank_sets *s) {
  const uint32_t words = (x->nranks + 31) / 32;
  size_t pool_words = 0;
  for (size_t i = 0; i < x->n; i++) {
    const uint32_t m = members(x, i);
    const cz_rank_set set = cz_rank_sets_get(s, i);
    const bool bitmap = m >= words;
    assert_int_equal(set.bitmap, bitmap);
    assert_int_equal(set.n, bitmap ? words : m);
    pool_words += set.n;
    visited v = {0, {0}};
    cz_rank_set_each(set, visit, &v);
    assert_int_equal(v.n, m);
    for (uint32_t k = 0; k < v.n; k++) {
      assert_true(v.rank[k] < x->nranks);
      assert_true(x->member[i * x->nranks + v.rank[k]]);
      if (k) assert_true(v.rank[k] > v.rank[k - 1]);
    }
  }
  assert_int_equal(cz_rank_sets_bytes(s), (x->n + 1) * sizeof(size_t) + pool_words * sizeof(uint32_t));
}

static void build_and_check(const expected *x) {
  cz_rank_sets s;
  build(x, &s);
  check(x, &s);
  cz_rank_sets_free(&s);
  assert_null(s.off);
}

/* n sets over nranks ranks, set i holding each rank with probability density(i), plus the
 * ranks at word edges for every third set. */
static void random_pool(size_t n, uint32_t nranks, double (*density)(size_t), uint64_t seed) {
  expected x = make_expected(n, nranks);
  for (size_t i = 0; i < n; i++) {
    for (uint32_t r = 0; r < nranks; r++)
      x.member[i * nranks + r] = (double)(next_random(&seed) >> 11) * 0x1.0p-53 < density(i);
    if (i % 3 == 0)
      for (uint32_t r = 31; r < nranks; r = r % 32 == 31 ? r + 1 : r + 31) x.member[i * nranks + r] = true;
  }
  x.member[(n - 1) * nranks + nranks - 1] = true; /* the last rank, in a partial word when R % 32 != 0 */
  build_and_check(&x);
  free(x.member);
}

static double sparse(size_t i) { return i % 5 == 0 ? 0.0 : 0.002; }
static double dense(size_t i) { return i % 7 == 0 ? 1.0 : 0.6; }
static double mixed(size_t i) { return (double)(i % 10) / 40.0; }

static void sparse_dense_and_mixed_pools(void **state) {
  (void)state;
  random_pool(200, 1000, sparse, 1); /* W = 32: lists of a few ranks, some empty */
  random_pool(60, 1000, dense, 2);   /* bitmaps, some full */
  random_pool(300, 1000, mixed, 3);  /* both forms and the empty set in one pool */
  random_pool(300, 100, mixed, 4);   /* W = 4, the last word partial (ranks 96..99) */
  random_pool(100, 128, mixed, 5);   /* W = 4, R a multiple of 64 */
  random_pool(50, 33, mixed, 6);     /* W = 2: one member a list, two a bitmap */
}

/* Sets of exactly m ranks around the crossover m = W. */
static void crossover_is_at_the_bitmap_size(void **state) {
  (void)state;
  const uint32_t nranks = 200; /* W = 7 */
  expected x = make_expected(10, nranks);
  for (size_t i = 0; i < x.n; i++)
    for (uint32_t k = 0; k < i; k++) x.member[i * nranks + (uint32_t)(k * 29 + i) % nranks] = true;
  cz_rank_sets s;
  build(&x, &s);
  check(&x, &s);
  for (size_t i = 0; i < x.n; i++) {
    const cz_rank_set set = cz_rank_sets_get(&s, i);
    assert_int_equal(set.bitmap, i >= 7);
    assert_int_equal(s.off[i + 1] - s.off[i], i < 7 ? i : 7);
  }
  cz_rank_sets_free(&s);
  free(x.member);
}

/* R = 1: a set is empty or holds rank 0; R = 2: every non-empty set is a bitmap of one word. */
static void one_and_two_ranks(void **state) {
  (void)state;
  for (uint32_t nranks = 1; nranks <= 2; nranks++) {
    const size_t n = 4;
    expected x = make_expected(n, nranks);
    for (size_t i = 0; i < n; i++)
      for (uint32_t r = 0; r < nranks; r++) x.member[i * nranks + r] = (i >> r) & 1;
    cz_rank_sets s;
    build(&x, &s);
    check(&x, &s);
    assert_false(cz_rank_sets_get(&s, 0).bitmap);
    assert_true(cz_rank_sets_get(&s, 1).bitmap);
    assert_int_equal(cz_rank_sets_get(&s, 1).w[0], 1u);
    if (nranks == 2) assert_int_equal(cz_rank_sets_get(&s, 3).w[0], 3u);
    cz_rank_sets_free(&s);
    free(x.member);
  }
}

/* Sets never built are empty. */
static void unbuilt_sets_are_empty(void **state) {
  (void)state;
  const cz_rank_sets s = {0, 0, NULL, NULL, NULL, 0};
  const cz_rank_set set = cz_rank_sets_get(&s, 5);
  visited v = {0, {0}};
  cz_rank_set_each(set, visit, &v);
  assert_int_equal(v.n, 0);
  assert_int_equal(cz_rank_sets_bytes(&s), 0);
}

/* Set 0 is counted two of 1000 ranks (a list), set 1 forty (a bitmap); then the members given
 * are added: what cz_rank_sets_finish says. */
static cz_status build_two(const uint32_t *add0, size_t nadd0, const uint32_t *add1, size_t nadd1) {
  cz_rank_sets s;
  assert_int_equal(cz_rank_sets_begin(&s, 2, 1000), CZ_OK);
  cz_rank_sets_count(&s, 0);
  cz_rank_sets_count(&s, 0);
  for (int k = 0; k < 40; k++) cz_rank_sets_count(&s, 1);
  assert_int_equal(cz_rank_sets_lay_out(&s), CZ_OK);
  for (size_t k = 0; k < nadd0; k++) cz_rank_sets_add(&s, 0, add0[k]);
  for (size_t k = 0; k < nadd1; k++) cz_rank_sets_add(&s, 1, add1[k]);
  const cz_status st = cz_rank_sets_finish(&s);
  cz_rank_sets_free(&s);
  return st;
}

static void builds_that_break_the_count_fail(void **state) {
  (void)state;
  uint32_t forty[41], dup[40];
  for (uint32_t k = 0; k < 41; k++) forty[k] = 10 * k;
  memcpy(dup, forty, sizeof dup);
  dup[39] = dup[38];
  const uint32_t ok0[] = {3, 9}, descending[] = {9, 3}, twice[] = {3, 3}, three[] = {3, 9, 11}, one[] = {3};
  const uint32_t out_of_range[] = {3, 1000};
  assert_int_equal(build_two(ok0, 2, forty, 40), CZ_OK);
  assert_int_equal(build_two(descending, 2, forty, 40), CZ_ERR_INTERNAL);   /* a list out of order */
  assert_int_equal(build_two(twice, 2, forty, 40), CZ_ERR_INTERNAL);        /* a list member twice */
  assert_int_equal(build_two(three, 3, forty, 40), CZ_ERR_INTERNAL);        /* more than counted */
  assert_int_equal(build_two(one, 1, forty, 40), CZ_ERR_INTERNAL);          /* fewer than counted */
  assert_int_equal(build_two(out_of_range, 2, forty, 40), CZ_ERR_INTERNAL); /* a rank beyond R */
  assert_int_equal(build_two(ok0, 2, forty, 39), CZ_ERR_INTERNAL);          /* a bitmap member missing */
  assert_int_equal(build_two(ok0, 2, forty, 41), CZ_ERR_INTERNAL);          /* a bitmap member too many */
  assert_int_equal(build_two(ok0, 2, dup, 40), CZ_ERR_INTERNAL);            /* a bitmap member twice */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sparse_dense_and_mixed_pools),
      cmocka_unit_test(crossover_is_at_the_bitmap_size),
      cmocka_unit_test(one_and_two_ranks),
      cmocka_unit_test(unbuilt_sets_are_empty),
      cmocka_unit_test(builds_that_break_the_count_fail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
