/* Unit tests of the deal of shares to workers (core/share_deal.h): shares start round robin;
 * a walk steps its worker's shares in order, then the others' unbegun shares from the back,
 * stopping at a share their owner claimed; every share is stepped once per epoch, also with
 * threads racing through thousands of epochs; the looks come after 4, 16, 64 epochs, deal
 * the measured times longest first to the least busy worker, keep a deal only when it saves
 * more than 2 % of the busiest worker's time, and order each list longest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/share_deal.h"

/* Worker w's list as it is, against want (count entries). */
static void assert_list(const cz_share_deal *d, int w, const int *want, int count) {
  int n;
  const int *got = cz_share_deal_of(d, w, &n);
  assert_int_equal(n, count);
  for (int k = 0; k < count; k++) assert_int_equal(got[k], want[k]);
}

static void test_round_robin(void **state) {
  (void)state;
  cz_share_deal d;
  assert_int_equal(cz_share_deal_init(&d, 7, 3), CZ_OK);
  assert_list(&d, 0, (int[]){0, 3, 6}, 3);
  assert_list(&d, 1, (int[]){1, 4}, 2);
  assert_list(&d, 2, (int[]){2, 5}, 2);
  cz_share_deal_free(&d);
  assert_int_not_equal(cz_share_deal_init(&d, 2, 3), CZ_OK); /* a worker would idle */
}

/* The shares a walk of worker w in the epoch at t0 takes, up to max of them, into got. */
static int walk_all(cz_share_deal *d, int w, int64_t t0, int *got, int max) {
  cz_share_walk walk = cz_share_walk_begin(w, t0);
  int n = 0;
  for (int s; n < max && (s = cz_share_deal_next(d, &walk)) >= 0;) got[n++] = s;
  return n;
}

static void test_walk_own_then_steal_from_the_back(void **state) {
  (void)state;
  cz_share_deal d;
  assert_int_equal(cz_share_deal_init(&d, 6, 2), CZ_OK); /* worker 0: 0 2 4; worker 1: 1 3 5 */
  int got[8];
  /* alone, worker 0 takes its own in order, then all of worker 1's from the back */
  assert_int_equal(walk_all(&d, 0, 0, got, 8), 6);
  const int alone[] = {0, 2, 4, 5, 3, 1};
  for (int k = 0; k < 6; k++) assert_int_equal(got[k], alone[k]);
  assert_int_equal(walk_all(&d, 1, 0, got, 8), 0); /* nothing left this epoch */
  /* the next epoch: worker 1 has begun its list (share 1); the thief stops above it */
  cz_share_walk w1 = cz_share_walk_begin(1, 19);
  assert_int_equal(cz_share_deal_next(&d, &w1), 1);
  assert_int_equal(walk_all(&d, 0, 19, got, 8), 5);
  const int stolen[] = {0, 2, 4, 5, 3};
  for (int k = 0; k < 5; k++) assert_int_equal(got[k], stolen[k]);
  assert_int_equal(cz_share_deal_next(&d, &w1), -1); /* its 3 and 5 taken, 0's list all claimed by 0 */
  cz_share_deal_free(&d);
}

/* Threads walk the same epochs at once, a barrier between epochs as the loop has: every share
 * is stepped exactly once in every epoch. */
static void test_each_share_once_per_epoch_under_races(void **state) {
  (void)state;
  enum { SHARES = 37, WORKERS = 4, EPOCHS = 3000 };
  cz_share_deal d;
  assert_int_equal(cz_share_deal_init(&d, SHARES, WORKERS), CZ_OK);
  static int stepped[EPOCHS][SHARES];
  memset(stepped, 0, sizeof stepped);
  int threads = 1;
#pragma omp parallel num_threads(WORKERS)
  {
#ifdef _OPENMP
    const int tid = omp_get_thread_num();
#pragma omp single
    threads = omp_get_num_threads();
#else
    const int tid = 0;
#endif
    for (int e = 0; e < EPOCHS; e++) {
      for (int w = tid; w < WORKERS; w += threads) { /* fewer threads than workers: each walks several */
        cz_share_walk walk = cz_share_walk_begin(w, (int64_t)e * 7);
        for (int s; (s = cz_share_deal_next(&d, &walk)) >= 0;) {
#pragma omp atomic
          stepped[e][s]++;
          cz_share_deal_spent(&d, s, 1e-6 * (1 + s % 5));
        }
      }
#pragma omp barrier
#pragma omp single
      cz_share_deal_look(&d);
    }
  }
  for (int e = 0; e < EPOCHS; e++)
    for (int s = 0; s < SHARES; s++) assert_int_equal(stepped[e][s], 1);
  cz_share_deal_free(&d);
}

/* Ends epochs until the next look, which it returns. */
static bool look_next(cz_share_deal *d) {
  const int64_t at = d->next_look;
  while (d->epochs + 1 < at) assert_false(cz_share_deal_look(d));
  return cz_share_deal_look(d);
}

static void set_busy(cz_share_deal *d, const double *busy) {
  for (int s = 0; s < d->nshares; s++) d->busy[s] = busy[s];
}

static void test_looks_deal_longest_first(void **state) {
  (void)state;
  cz_share_deal d;
  assert_int_equal(cz_share_deal_init(&d, 4, 2), CZ_OK); /* worker 0: 0 2; worker 1: 1 3 */
  set_busy(&d, (double[]){4, 1, 3, 2});                  /* 7 against 3 */
  assert_true(look_next(&d));
  assert_int_equal(d.epochs, 4);
  /* 4 to worker 0, 3 to worker 1, 2 to worker 1 (3 < 4), 1 to worker 0: 5 and 5 */
  assert_list(&d, 0, (int[]){0, 1}, 2);
  assert_list(&d, 1, (int[]){2, 3}, 2);
  for (int s = 0; s < 4; s++) assert_true(d.busy[s] == 0);
  assert_int_equal(d.redeals, 1);
  /* balanced now (5.05 against 5): the longest-first deal saves nothing, so the deal stays,
   * and each list is put longest first */
  set_busy(&d, (double[]){2.0, 3.05, 2.0, 3.0});
  assert_false(look_next(&d));
  assert_int_equal(d.epochs, 16);
  assert_list(&d, 0, (int[]){1, 0}, 2);
  assert_list(&d, 1, (int[]){3, 2}, 2);
  /* nothing measured: nothing changes */
  set_busy(&d, (double[]){0, 0, 0, 0});
  assert_false(look_next(&d));
  assert_int_equal(d.epochs, 64);
  assert_list(&d, 0, (int[]){1, 0}, 2);
  assert_int_equal(d.redeals, 1);
  cz_share_deal_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_robin),
      cmocka_unit_test(test_walk_own_then_steal_from_the_back),
      cmocka_unit_test(test_each_share_once_per_epoch_under_races),
      cmocka_unit_test(test_looks_deal_longest_first),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
