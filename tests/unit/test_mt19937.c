/* The MT19937 streams BMTK draws through numpy and CPython (filternet-popnet-spec.md Appendix A):
 * numpy's seed(1) gives the randint(10000) values 235, 5192, 905, ... and the uniform
 * 0.417022004702574; CPython's random.seed(235) gives 0.34681819919543666, ...; numpy's
 * RandomState(7).standard_exponential() is 0.07937690952144451; a seed above 2^32 takes
 * CPython's two-word key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include "base/mt19937.h"

static void test_numpy_randint(void **state) {
  (void)state;
  const uint32_t want[10] = {235, 5192, 905, 7813, 2895, 5056, 144, 4225, 7751, 3462};
  cz_mt19937 r;
  cz_mt_seed(&r, 1);
  for (int i = 0; i < 10; i++) assert_int_equal(cz_mt_randint(&r, 10000), want[i]);
  cz_mt_seed(&r, 1);
  assert_true(cz_mt_res53(&r) == 0.417022004702574);
  cz_mt_seed(&r, 7);
  assert_true(cz_mt_exponential(&r) == 0.07937690952144451);
}

static void test_python_random(void **state) {
  (void)state;
  cz_mt19937 r;
  cz_mt_seed_python(&r, 235);
  assert_true(cz_mt_res53(&r) == 0.34681819919543666);
  assert_true(cz_mt_res53(&r) == 0.5147072134146119);
  assert_true(cz_mt_res53(&r) == 0.03715573436703912);
  /* random.seed(0) and random.seed(2**32 + 5) (a two-word key): CPython 3.11's first values */
  cz_mt_seed_python(&r, 0);
  assert_true(cz_mt_res53(&r) == 0.8444218515250481);
  cz_mt_seed_python(&r, (UINT64_C(1) << 32) + 5);
  assert_true(cz_mt_res53(&r) == 0.15727238718789782);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_numpy_randint), cmocka_unit_test(test_python_random)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
