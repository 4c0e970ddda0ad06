/* IntFire1 (bionet-spec.md §5.5): a strong input fires the cell at the input's exact time;
 * inputs during the refractory period are ignored; weak inputs add with decay (two inputs of
 * 0.6 fire the cell only when they come within tau ln 1.5 of each other); the refractory
 * period ends with the cell's own event, which resets m. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>

#include "bionet/events.h"
#include "bionet/intfire1.h"
#include "bionet/step.h"

/* Feeds the inputs (and the cell's own events) in time order; returns the spike times. */
static size_t run(double tau, double refrac, const double *t_in, const double *w, size_t n, double *spikes) {
  cz_intfire1 c = {0};
  assert_int_equal(cz_intfire1_add(&c, tau, refrac, NULL), CZ_OK);
  cz_bio_queue q = {0};
  for (size_t i = 0; i < n; i++) assert_int_equal(cz_bio_queue_push(&q, t_in[i], 0, w[i]), CZ_OK);
  size_t ns = 0;
  cz_bio_event e;
  while (cz_bio_queue_pop_until(&q, 1e9, &e)) {
    const bool self = e.target == 1;
    const cz_intfire1_out o = cz_intfire1_event(&c, 0, e.T, e.w, self);
    if (o.spiked) spikes[ns++] = e.T;
    if (o.schedule) assert_int_equal(cz_bio_queue_push(&q, o.self_at, 1, 0.0), CZ_OK);
  }
  cz_bio_queue_free(&q);
  cz_intfire1_free(&c);
  return ns;
}

static void test_refractory_inputs_are_ignored(void **state) {
  (void)state;
  const double t[5] = {1.0, 2.0, 5.0, 5.5, 9.25}, w[5] = {10, 10, 10, 10, 10};
  double s[8];
  assert_int_equal(run(20.0, 3.0, t, w, 5, s), 3);
  assert_true(s[0] == 1.0 && s[1] == 5.0 && s[2] == 9.25);
}

static void test_weak_inputs_sum_with_decay(void **state) {
  (void)state;
  const double close[2] = {1.0, 5.0}, apart[2] = {1.0, 5.1}, w[2] = {0.6, 0.6}; /* tau ln 1.5 = 4.0547 */
  double s[4];
  assert_int_equal(run(10.0, 3.0, close, w, 2, s), 1);
  assert_true(s[0] == 5.0);
  assert_int_equal(run(10.0, 3.0, apart, w, 2, s), 0);
}

/* After the refractory period m restarts from 0: an input of 0.6 right after it does not fire. */
static void test_refractoriness_resets_m(void **state) {
  (void)state;
  const double t[3] = {1.0, 4.5, 4.6}, w[3] = {10, 0.6, 0.6};
  double s[4];
  assert_int_equal(run(10.0, 3.0, t, w, 3, s), 2); /* 0.6 at 4.5 and 0.6 at 4.6 fire at 4.6 */
  assert_true(s[0] == 1.0 && s[1] == 4.6);
  const double t2[2] = {1.0, 4.5}, w2[2] = {10, 0.6};
  assert_int_equal(run(10.0, 3.0, t2, w2, 2, s), 1);
}

static void test_bad_parameters(void **state) {
  (void)state;
  cz_intfire1 c = {0};
  assert_int_equal(cz_intfire1_add(&c, 0.0, 3.0, NULL), CZ_ERR_CONFIG);
  cz_error_clear();
  assert_int_equal(cz_intfire1_add(&c, 10.0, -1.0, NULL), CZ_ERR_CONFIG);
  cz_error_clear();
  assert_int_equal(cz_intfire1_add(&c, NAN, 3.0, NULL), CZ_ERR_CONFIG);
  cz_error_clear();
  cz_intfire1_free(&c);
}

typedef struct spikes_seen {
  double t[8];
  size_t n;
} spikes_seen;

static cz_status seen(void *ctx, int spiker, size_t index, double t) {
  spikes_seen *s = ctx;
  assert_int_equal(spiker, CZ_SPIKER_ARTIFICIAL);
  assert_int_equal(index, 0);
  if (s->n < 8) s->t[s->n++] = t;
  return CZ_OK;
}

/* Inside a thread's step the cell spikes at the exact input times (not on the grid), and the
 * thread queues and delivers the end of its refractoriness itself. */
static void test_in_the_thread_step(void **state) {
  (void)state;
  const cz_mech_env env = {.dt = 0.1, .celsius = 34.0, .units = &cz_units_modern};
  cz_bio_thread th;
  assert_int_equal(cz_bio_thread_begin(&th, &env, -15.0), CZ_OK);
  assert_int_equal(cz_intfire1_add(&th.art, 10.0, 3.0, NULL), CZ_OK);
  const double in[4] = {1.0337, 2.5, 4.0401, 4.0402};
  for (int i = 0; i < 4; i++)
    assert_int_equal(cz_bio_queue_push(&th.queue, in[i], cz_ev_target(CZ_EV_ARTIFICIAL, 0), i == 3 ? 0.6 : 10.0), CZ_OK);
  assert_int_equal(cz_bio_thread_init(&th), CZ_OK);
  spikes_seen s = {.n = 0};
  for (int n = 0; n < 100; n++) assert_int_equal(cz_bio_thread_step(&th, seen, &s), CZ_OK);
  /* 1.0337 fires (refractory to 4.0337), 2.5 is ignored, 4.0401 fires, 4.0402 is ignored */
  assert_int_equal(s.n, 2);
  assert_true(s.t[0] == 1.0337 && s.t[1] == 4.0401);
  cz_bio_thread_free(&th);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refractory_inputs_are_ignored),
      cmocka_unit_test(test_weak_inputs_sum_with_decay),
      cmocka_unit_test(test_refractoriness_resets_m),
      cmocka_unit_test(test_bad_parameters),
      cmocka_unit_test(test_in_the_thread_step),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
