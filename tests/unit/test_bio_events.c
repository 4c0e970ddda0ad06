/* The event queue of the detailed-cell engine (bionet/events.h): once the step is set, the ring
 * of step buckets and the far queue give the events in exactly the order one binary heap gives
 * them, (T, order of insertion), whatever the mix of inputs queued before the run, recurrent
 * events a few steps ahead, events beyond the ring, events for a time already passed and ties;
 * and NEURON's step rule (an event acts on the step whose start is nearest its time, ties to
 * the earlier step) holds in both modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bionet/events.h"

/* A small deterministic generator (64-bit LCG, the top bits): the test needs variety, not
 * quality. */
static uint64_t next_u64(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 11;
}
static double uniform(uint64_t *s) { return (double)next_u64(s) / 9007199254740992.0; }

/* Pushes the same event into both queues. */
static void push_both(cz_bio_queue *ring, cz_bio_queue *heap, double T, uint32_t target) {
  assert_int_equal(cz_bio_queue_push(ring, T, target, (double)target * 0.5), CZ_OK);
  assert_int_equal(cz_bio_queue_push(heap, T, target, (double)target * 0.5), CZ_OK);
}

/* Pops everything up to until from both: the same events, in the same order. */
static size_t pop_both(cz_bio_queue *ring, cz_bio_queue *heap, double until) {
  size_t n = 0;
  cz_bio_event a, b;
  for (;;) {
    const bool got_a = cz_bio_queue_pop_until(ring, until, &a), got_b = cz_bio_queue_pop_until(heap, until, &b);
    assert_int_equal(cz_bio_queue_status(ring), CZ_OK);
    assert_int_equal(got_a, got_b);
    if (!got_a) return n;
    assert_memory_equal(&a.T, &b.T, sizeof a.T);
    assert_int_equal(a.seq, b.seq);
    assert_int_equal(a.target, b.target);
    assert_memory_equal(&a.w, &b.w, sizeof a.w);
    n++;
  }
}

/* 20,000 inputs over 300 ms queued before the run (times on a 0.025 ms grid, so that many tie),
 * then 3000 steps of 0.1 ms with NEURON's accumulated time, each step queueing a few events:
 * 0.2 to 10 ms ahead, 60 to 200 ms ahead (beyond the ring's 51.2 ms), already passed (one, or
 * two at one time), and exactly at a pending input's time. */
static void test_ring_orders_as_one_heap(void **state) {
  (void)state;
  cz_bio_queue ring = {0}, heap = {0};
  uint64_t s = 12345;
  uint32_t target = 0;
  for (int k = 0; k < 20000; k++) push_both(&ring, &heap, 0.025 * floor(uniform(&s) * 12000.0), target++);
  assert_int_equal(cz_bio_queue_set_step(&ring, 0.0, 0.1), CZ_OK);
  double t = 0;
  size_t popped = 0, far = 0, past = 0;
  for (int n = 0; n < 3000; n++) {
    popped += pop_both(&ring, &heap, t + 0.5 * 0.1);
    for (int j = 0; j < 4; j++) push_both(&ring, &heap, t + 0.2 + 9.8 * uniform(&s), target++);
    if (n % 7 == 0) push_both(&ring, &heap, t + 60.0 + 140.0 * uniform(&s), target++), far++;
    if (n % 11 == 0) push_both(&ring, &heap, t - 0.3 * uniform(&s), target++), past++;
    if (n % 13 == 0) push_both(&ring, &heap, 0.025 * floor(uniform(&s) * 12000.0), target++);
    if (n % 17 == 0) { /* two at one passed time: the later one after the earlier */
      const double T = t - 0.1 * uniform(&s);
      push_both(&ring, &heap, T, target++);
      push_both(&ring, &heap, T, target++);
    }
    t += 0.05;
    t += 0.05;
    popped += pop_both(&ring, &heap, t);
  }
  popped += pop_both(&ring, &heap, 1e9);
  assert_int_equal(popped, target);
  assert_int_equal(ring.n, 0);
  assert_true(far > 400 && past > 200);
  cz_bio_queue_free(&ring);
  cz_bio_queue_free(&heap);
}

/* Events act on the step whose accumulated start time is nearest their time, ties to the
 * earlier step (bionet-spec.md §8.3.6): inputs at 1.04, 1.05, 1.06 and 1.16 ms with delay 2 act
 * from the steps starting at 3.0, 3.1, 3.1 and 3.2 (the step start is 2.9999999999999973, and
 * 1.05 + 2 = 3.0499999999999998 lies just past its half step); an event exactly half a step
 * after a step start acts on that step; before and after the step is set. */
static void test_step_rule_in_both_modes(void **state) {
  (void)state;
  for (int ring_mode = 0; ring_mode < 2; ring_mode++) {
    cz_bio_queue q = {0};
    const double in[4] = {1.04, 1.05, 1.06, 1.16}, expect_start[4] = {3.0, 3.1, 3.1, 3.2};
    for (uint32_t k = 0; k < 4; k++) assert_int_equal(cz_bio_queue_push(&q, in[k] + 2.0, k, 1.0), CZ_OK);
    if (ring_mode) assert_int_equal(cz_bio_queue_set_step(&q, 0.0, 0.1), CZ_OK);
    double acted[4] = {-1, -1, -1, -1}, t = 0;
    for (int n = 0; n < 40; n++) {
      cz_bio_event e;
      while (cz_bio_queue_pop_step(&q, t, 0.1, &e)) acted[e.target] = t;
      t += 0.05;
      t += 0.05;
    }
    for (int k = 0; k < 4; k++)
      if (fabs(acted[k] - expect_start[k]) > 1e-9) fail_msg("input %g acted at the step starting %.17g", in[k], acted[k]);
    /* an event exactly half a step after a step start acts on that step */
    double t10 = 0;
    for (int n = 0; n < 10; n++) t10 += 0.05, t10 += 0.05;
    assert_int_equal(cz_bio_queue_push(&q, t10 + 0.5 * 0.1, 0, 1.0), CZ_OK);
    cz_bio_event e;
    assert_false(cz_bio_queue_pop_step(&q, t10 - 0.1, 0.1, &e));
    assert_true(cz_bio_queue_pop_step(&q, t10, 0.1, &e));
    cz_bio_queue_free(&q);
  }
  cz_bio_queue q = {0};
  assert_int_equal(cz_bio_queue_set_step(&q, 0.0, 0.1), CZ_OK);
  assert_int_not_equal(cz_bio_queue_set_step(&q, 0.0, 0.1), CZ_OK); /* once */
  cz_error_clear();
  cz_bio_queue_free(&q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ring_orders_as_one_heap),
      cmocka_unit_test(test_step_rule_in_both_modes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
