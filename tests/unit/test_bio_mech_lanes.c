/* The channel kinds' vector build against their scalar build (kinds.h): exp by lanes gives libm's
 * exp bit for bit, and every kind's init, current and advance leave the same bytes in every state,
 * rhs, d and ion current, over voltages that take every branch of the rates (the singular points
 * of the vtrap rates included), skipped where the CPU or the build has no vector build; and
 * instances stepped together give what each gives alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <gnu/libc-version.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bionet/cable.h"
#include "bionet/mechanisms/exp_lanes.h"
#include "bionet/mechanisms/mechanism.h"

/* Instances: v = i / 10 mV from -160 to 60 mV, which meets each rate's half-activation voltage
 * exactly, and the same 0.5 nV higher, near it (vtrap's series branch, at 0 and off it); a count
 * that leaves a loop remainder for any width. */
enum { V_FROM = -1600, V_TO = 600, NV = V_TO - V_FROM + 1, N = 2 * NV, STEPS = 25 };

static double v_at(int i) { return (V_FROM + i % NV) / 10.0 + (i < NV ? 0.0 : 5e-7); }

static bool have_vector_build(void) {
  if (cz_mech_kind_build(1, true)) return true; /* hh: its one build, where there is a vector build */
  print_message("no vector build of the kinds here (binary or CPU): skipped\n");
  return false;
}

/* glibc's exp is the function exp by lanes reproduces since glibc 2.28. */
static bool libm_is_glibc_2_28_or_later(void) {
  int major = 0, minor = 0;
  return sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) == 2 && (major > 2 || (major == 2 && minor >= 28));
}

static uint64_t next_random(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void test_exp_lanes_is_libm_exp(void **state) {
  (void)state;
  if (!have_vector_build() || !libm_is_glibc_2_28_or_later()) {
    skip();
    return;
  }
  assert_true(cz_exp_lanes_agree());
  /* here fma is libm's (correctly rounded, as the instruction): the same function */
  uint64_t s = 0x2545f4914f6cdd1dull;
  size_t differ = 0;
  for (int i = 0; i < 2000000; i++) {
    const double u = (double)(next_random(&s) >> 11) * 0x1p-53;
    const double x = i % 2 ? -700.0 + 1400.0 * u : -40.0 + 80.0 * u;
    differ += cz_exp_u64(exp(x)) != cz_exp_u64(cz_exp_lanes(x));
  }
  assert_int_equal(differ, 0);
  assert_true(isnan(cz_exp_lanes(NAN)));
  assert_true(cz_exp_lanes(0.0) == 1.0 && cz_exp_lanes(-0x1p-60) == 1.0);
}

typedef struct bench {
  size_t n, first; /* instances first.. of the voltage list */
  cz_cable cable;
  cz_ions ions;
  cz_mech mech;
  cz_mech_env env;
} bench;

/* A value in [0, 1) of instance i alone (the same whichever bench holds it). */
static double unit_of(size_t i) {
  uint64_t s = 0x9e3779b97f4a7c15ull * (i + 1);
  return (double)(next_random(&s) >> 11) * 0x1p-53;
}

/* n instances of kind k, instance j at node j with the voltage list's entry first + j. */
static void bench_make(bench *b, const cz_mech_kind *k, size_t first, size_t n) {
  memset(b, 0, sizeof *b);
  b->n = n;
  b->first = first;
  b->cable.n = n;
  b->cable.v = calloc(n, sizeof *b->cable.v);
  b->cable.rhs = calloc(n, sizeof *b->cable.rhs);
  b->cable.d = calloc(n, sizeof *b->cable.d);
  assert_non_null(b->cable.v);
  assert_non_null(b->cable.rhs);
  assert_non_null(b->cable.d);
  for (size_t j = 0; j < n; j++) b->cable.v[j] = v_at((int)(first + j));
  assert_int_equal(cz_ions_alloc(&b->ions, n), CZ_OK);
  for (size_t j = 0; j < n; j++) b->ions.ica[j] = -1e-3 * unit_of(first + j);
  assert_int_equal(cz_mech_alloc(&b->mech, k, n), CZ_OK);
  for (size_t j = 0; j < n; j++) b->mech.node[j] = (uint32_t)j;
  const int gbar = cz_mech_param_index(k, "gbar");
  if (gbar >= 0)
    for (size_t j = 0; j < n; j++) b->mech.p[gbar][j] = 0.01 * (1 + (first + j) % 7);
  b->env = (cz_mech_env){&b->cable, &b->ions, 0.025, 34.0, &cz_units_modern};
}

static void bench_free(bench *b) {
  free(b->cable.v);
  free(b->cable.rhs);
  free(b->cable.d);
  cz_ions_free(&b->ions);
  cz_mech_free(&b->mech);
}

/* x [n] and y [n], or y's instance at one of x's: the same bytes. */
static void assert_same_bytes(const double *x, const double *y, size_t n, const char *kind, const char *what, int step) {
  if (memcmp(x, y, n * sizeof *x) != 0) {
    for (size_t i = 0; i < n; i++)
      if (memcmp(&x[i], &y[i], sizeof *x) != 0)
        print_error("%s: %s differs at step %d, instance %zu of the range: %a and %a\n", kind, what, step, i, x[i], y[i]);
    fail();
  }
}

/* b's instances against a's (b holds a part of what a holds). */
static void assert_same_state(const bench *a, const bench *b, int step) {
  const char *name = a->mech.kind->name;
  const size_t o = b->first - a->first, n = b->n;
  for (size_t g = 0; g < a->mech.kind->nstate; g++)
    assert_same_bytes(a->mech.s[g] + o, b->mech.s[g], n, name, a->mech.kind->state[g], step);
  assert_same_bytes(a->cable.rhs + o, b->cable.rhs, n, name, "rhs", step);
  assert_same_bytes(a->cable.d + o, b->cable.d, n, name, "d", step);
  assert_same_bytes(a->ions.ina + o, b->ions.ina, n, name, "ina", step);
  assert_same_bytes(a->ions.ik + o, b->ions.ik, n, name, "ik", step);
  assert_same_bytes(a->ions.ica + o, b->ions.ica, n, name, "ica", step);
  assert_same_bytes(a->ions.cai + o, b->ions.cai, n, name, "cai", step);
}

/* One step of the kind alone: currents into cleared rows at the present states, then the states
 * advanced; v moves a little each step so that the rates change. */
static void step(bench *b, int t) {
  memset(b->cable.rhs, 0, b->n * sizeof *b->cable.rhs);
  memset(b->cable.d, 0, b->n * sizeof *b->cable.d);
  if (b->mech.kind->current) b->mech.kind->current(&b->mech, &b->env);
  if (b->mech.kind->advance) b->mech.kind->advance(&b->mech, &b->env);
  for (size_t j = 0; j < b->n; j++) b->cable.v[j] += 0.01 * ((int)((b->first + j + t) % 5) - 2);
}

static void init(bench *b) {
  if (b->mech.kind->init) b->mech.kind->init(&b->mech, &b->env);
}

static void test_vector_kinds_same_bits(void **state) {
  (void)state;
  if (!have_vector_build()) {
    skip();
    return;
  }
  int nvector = 0;
  for (int o = 1; o < cz_mech_nkinds(); o++) {
    const cz_mech_kind *ks = cz_mech_kind_build(o, false), *kv = cz_mech_kind_build(o, true);
    assert_non_null(kv);
    if (kv == ks) continue; /* a kind with one build */
    nvector++;
    assert_string_equal(ks->name, kv->name);
    assert_int_equal(ks->nparam, kv->nparam);
    assert_int_equal(ks->nstate, kv->nstate);
    assert_int_equal(cz_mech_order(kv), o);
    bench a, b;
    bench_make(&a, ks, 0, N);
    bench_make(&b, kv, 0, N);
    init(&a);
    init(&b);
    assert_same_state(&a, &b, 0);
    for (int t = 1; t <= STEPS; t++) {
      step(&a, t);
      step(&b, t);
      assert_same_state(&a, &b, t);
    }
    bench_free(&a);
    bench_free(&b);
  }
  assert_int_equal(nvector, 15); /* the gated channels, CaDynamics and NaV */
}

/* Each kind's instances stepped together (in vectors or blocks) and one at a time (the loops'
 * remainders): the same bytes, in the build the registry hands out. */
static void test_together_as_alone(void **state) {
  (void)state;
  for (int o = 1; o < cz_mech_nkinds(); o++) {
    const cz_mech_kind *k = cz_mech_kind_at(o);
    bench all;
    bench_make(&all, k, 0, N);
    init(&all);
    enum { PICKED = 9 };
    bench one[PICKED];
    for (int p = 0; p < PICKED; p++) {
      bench_make(&one[p], k, (size_t)p * (N / PICKED) + 1, 1);
      init(&one[p]);
      assert_same_state(&all, &one[p], 0);
    }
    for (int t = 1; t <= STEPS; t++) {
      step(&all, t);
      for (int p = 0; p < PICKED; p++) {
        step(&one[p], t);
        assert_same_state(&all, &one[p], t);
      }
    }
    for (int p = 0; p < PICKED; p++) bench_free(&one[p]);
    bench_free(&all);
  }
}

/* The registry hands out one build, and says which. */
static void test_registry_uses_one_build(void **state) {
  (void)state;
  const char *why = NULL;
  const bool vector = cz_mech_vector_kernels(&why);
  assert_non_null(why);
  for (int o = 0; o < cz_mech_nkinds(); o++) {
    assert_ptr_equal(cz_mech_kind_at(o), cz_mech_kind_build(o, vector));
    assert_ptr_equal(cz_mech_find(cz_mech_kind_at(o)->name), cz_mech_kind_at(o));
  }
  print_message("%s\n", why);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exp_lanes_is_libm_exp),
      cmocka_unit_test(test_vector_kinds_same_bits),
      cmocka_unit_test(test_together_as_alone),
      cmocka_unit_test(test_registry_uses_one_build),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
