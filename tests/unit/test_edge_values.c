/* PointNet's weight and delay rule over the SONATA edge columns (pointnet/edge_values.h):
 * weight = nsyns * syn_weight with nsyns 1 when absent, NEST's default delay of 1 ms, the
 * checks naming the first failing edge by its row in its file, and NEST's synapse names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "cz_test.h"
#include "pointnet/edge_values.h"

enum { N = 6 };

typedef struct fixture {
  cz_edge_pop e;
  cz_edge_type types[2];
  uint32_t type[N];
  double w[N], ns[N], d[N];
  uint64_t rows[N];
} fixture;

/* Two types: type 0 gives syn_weight 2 and no nsyns or delay; type 1 gives nsyns 3 and delay
 * 4 ms but no syn_weight. Edges alternate between them, with no per-edge columns. */
static void fixture_init(fixture *f) {
  memset(f, 0, sizeof *f);
  f->types[0] = (cz_edge_type){.col = {2.0, NAN, NAN}, .syn_model = 0, .weight = NAN, .delay = NAN};
  f->types[1] = (cz_edge_type){.col = {NAN, 3.0, 4.0}, .syn_model = 0, .weight = NAN, .delay = NAN};
  for (size_t i = 0; i < N; i++) f->type[i] = (uint32_t)(i % 2);
  f->e.name = "a_to_b";
  f->e.file = "edges.h5";
  f->e.n = N;
  f->e.type = f->type;
  f->e.types = f->types;
  f->e.ntypes = 2;
}

static void expect_error(cz_status st, const char *want) {
  assert_int_equal(st, CZ_ERR_FORMAT);
  if (!strstr(cz_error_message(), want)) fail_msg("message '%s' lacks '%s'", cz_error_message(), want);
  cz_error_clear();
}

static void test_by_type(void **state) {
  (void)state;
  fixture f;
  fixture_init(&f);
  cz_edge_values v = {0};
  cz_edge_pop view;
  /* type 1 has no syn_weight: the first edge of that type is named */
  expect_error(cz_edge_values_view(&f.e, &v, &view), "edges.h5: edge 1 of population a_to_b has no syn_weight");
  f.types[1].col.syn_weight = 0.5;
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  assert_null(view.weight);
  assert_null(view.delay);
  assert_true(cz_edge_weight(&view, 0) == 2.0 && cz_edge_delay(&view, 0) == 1.0); /* nsyns 1, NEST's delay */
  assert_true(cz_edge_weight(&view, 1) == 1.5 && cz_edge_delay(&view, 1) == 4.0); /* 3 * 0.5 */
  assert_true(isnan(f.types[0].weight)); /* the population itself is left as read */
  /* a type no edge uses may lack values */
  f.e.n = 1;
  f.types[1].col.syn_weight = NAN;
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  cz_edge_values_free(&v);
}

static void test_per_edge(void **state) {
  (void)state;
  fixture f;
  fixture_init(&f);
  for (size_t i = 0; i < N; i++) {
    f.w[i] = 0.25 * (double)(i + 1);
    f.d[i] = 1.5;
  }
  f.e.col.syn_weight = f.w;
  f.e.col.delay = f.d;
  cz_edge_values v = {0};
  cz_edge_pop view;
  /* type 1's nsyns 3 scales its edges' weights: values are computed */
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  for (size_t i = 0; i < N; i++) {
    assert_true(view.weight[i] == (i % 2 ? 3.0 : 1.0) * f.w[i]);
    assert_true(view.delay[i] == 1.5);
  }
  /* with nsyns 1 everywhere the columns are the values (no copy) */
  f.types[1].col.nsyns = NAN;
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  assert_ptr_equal(view.weight, f.w);
  assert_ptr_equal(view.delay, f.d);
  /* a missing delay takes NEST's default */
  f.d[2] = NAN;
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  assert_ptr_not_equal(view.delay, f.d);
  assert_true(view.delay[2] == 1.0 && view.delay[3] == 1.5);
  /* per-edge nsyns, and the checks in file order: the edge's row in its file is named */
  for (size_t i = 0; i < N; i++) {
    f.ns[i] = 2.0;
    f.rows[i] = 100 + i;
  }
  f.e.col.nsyns = f.ns;
  f.e.file_row = f.rows;
  f.d[2] = 1.5;
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  assert_true(view.weight[4] == 2.0 * f.w[4]);
  f.ns[3] = -1;
  f.d[4] = -2;
  expect_error(cz_edge_values_view(&f.e, &v, &view), "edge 103 of population a_to_b: nsyns -1 is not a count");
  f.ns[3] = 1;
  expect_error(cz_edge_values_view(&f.e, &v, &view), "edge 104 of population a_to_b: delay -2 ms must be positive");
  f.d[4] = 1;
  f.w[0] = NAN;
  expect_error(cz_edge_values_view(&f.e, &v, &view), "edge 100 of population a_to_b has no syn_weight");
  /* a load without columns carries no values and is not checked */
  f.e.ids_only = true;
  f.e.col.syn_weight = f.e.col.nsyns = f.e.col.delay = NULL;
  assert_int_equal(cz_edge_values_view(&f.e, &v, &view), CZ_OK);
  assert_null(view.weight);
  cz_edge_values_free(&v);
}

static void test_syn_model_name(void **state) {
  (void)state;
  cz_syn_model s = {0};
  assert_string_equal(cz_syn_model_name(&s), "static_synapse");
  s.template_str = "nest:stdp_synapse";
  assert_string_equal(cz_syn_model_name(&s), "stdp_synapse");
  s.template_str = "tsodyks_synapse";
  assert_string_equal(cz_syn_model_name(&s), "tsodyks_synapse");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_by_type),
      cmocka_unit_test(test_per_edge),
      cmocka_unit_test(test_syn_model_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
