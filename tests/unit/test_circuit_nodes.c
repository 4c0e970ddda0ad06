/* The node tables of io/circuit.h store a per-node column only where its values are not
 * implied: node ids 0..n-1, every node in group 0 and a group index equal to the row leave
 * node_id, group and group_index NULL, and a model that follows from the type is kept per
 * type. These tests load small node files of both kinds and check that every accessor
 * answers what the files say, and that the implied columns are indeed not stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <stdlib.h>
#include <string.h>

#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"

/* Types: 1 and 3 are point neurons of two parameter files, 2 virtual. */
static const char *const k_types = "node_type_id model_type model_template dynamics_params\n"
                                   "1 point_neuron nest:iaf_psc_alpha a.json\n"
                                   "2 virtual NULL NULL\n"
                                   "3 point_neuron nest:iaf_psc_alpha b.json\n";

/* "plain": 4 nodes, with node_id, node_group_id and node_group_index datasets that hold
 * exactly the implied values. "mixed": 5 nodes with ids out of order, two groups, each with a
 * column x; group 1 also has a numeric dynamics_params column, which takes the parameter file
 * of its nodes' type away (so the model of a node is no longer its type's). "runs": 300 nodes
 * written type by type (100 of type 1, 150 of type 3, 50 virtual ones of type 2). */
static void write_nodes(const char *path) {
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  const uint64_t plain_ids[4] = {0, 1, 2, 3}, plain_types[4] = {1, 1, 2, 3};
  const uint32_t plain_groups[4] = {0, 0, 0, 0};
  const double plain_x[4] = {0.5, 1.5, 2.5, 3.5};
  assert_int_equal(cz_h5_write_u64(f, "/nodes/plain/node_id", plain_ids, 4, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/plain/node_type_id", plain_types, 4, false), CZ_OK);
  assert_int_equal(cz_h5_write_u32(f, "/nodes/plain/node_group_id", plain_groups, 4, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/plain/node_group_index", plain_ids, 4, false), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/nodes/plain/0/x", plain_x, 4, false), CZ_OK);

  const uint64_t ids[5] = {10, 12, 11, 20, 15}, types[5] = {1, 1, 3, 1, 2}, index[5] = {0, 0, 1, 1, 2};
  const uint32_t groups[5] = {0, 1, 0, 1, 1};
  const double x0[2] = {100, 101}, x1[3] = {200, 201, 202}, dyn1[3] = {7, 7, 7};
  assert_int_equal(cz_h5_write_u64(f, "/nodes/mixed/node_id", ids, 5, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/mixed/node_type_id", types, 5, false), CZ_OK);
  assert_int_equal(cz_h5_write_u32(f, "/nodes/mixed/node_group_id", groups, 5, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/nodes/mixed/node_group_index", index, 5, false), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/nodes/mixed/0/x", x0, 2, false), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/nodes/mixed/1/x", x1, 3, false), CZ_OK);
  assert_int_equal(cz_h5_write_f64(f, "/nodes/mixed/1/dynamics_params", dyn1, 3, false), CZ_OK);

  uint64_t run_types[300];
  for (size_t i = 0; i < 300; i++) run_types[i] = i < 100 ? 1 : i < 250 ? 3 : 2;
  assert_int_equal(cz_h5_write_u64(f, "/nodes/runs/node_type_id", run_types, 300, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

typedef struct fixture {
  char dir[512];
  cz_config *cfg;
  cz_circuit *c;
} fixture;

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  assert_non_null(fx);
  cz_test_tmpdir(fx->dir, sizeof fx->dir, "cnodes");
  char path[700];
  cz_test_write(path, sizeof path, fx->dir, "types.csv", k_types);
  cz_test_write(path, sizeof path, fx->dir, "a.json", "{\"C_m\": 250.0}");
  cz_test_write(path, sizeof path, fx->dir, "b.json", "{\"C_m\": 200.0}");
  snprintf(path, sizeof path, "%s/nodes.h5", fx->dir);
  write_nodes(path);
  cz_test_write(path, sizeof path, fx->dir, "config.json",
                "{\"run\": {\"tstop\": 10, \"dt\": 0.1},"
                " \"components\": {\"point_neuron_models_dir\": \"${configdir}\"},"
                " \"networks\": {\"nodes\": [{\"nodes_file\": \"nodes.h5\", \"node_types_file\": \"types.csv\"}]}}");
  assert_int_equal(cz_cfg_load(path, NULL, &fx->cfg), CZ_OK);
  assert_int_equal(cz_circuit_load_nodes(fx->cfg, &fx->c), CZ_OK);
  assert_int_equal(fx->c->nnodes, 3);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  cz_circuit_destroy(&fx->c);
  cz_cfg_destroy(&fx->cfg);
  free(fx);
  return 0;
}

static const cz_node_pop *pop_named(const cz_circuit *c, const char *name) {
  for (size_t p = 0; p < c->nnodes; p++)
    if (strcmp(c->nodes[p].name, name) == 0) return &c->nodes[p];
  fail_msg("no population %s", name);
  return NULL;
}

static double attr_num(const cz_node_pop *p, size_t row, const char *key) {
  cz_value v = cz_circuit_node_attr(p, row, key);
  assert_int_equal(v.kind, CZ_VAL_NUM);
  return v.num;
}

static void test_implied_columns(void **state) {
  const fixture *fx = *state;
  const cz_node_pop *p = pop_named(fx->c, "plain");
  assert_int_equal(p->n, 4);
  /* the datasets held only implied values: nothing per node is kept for them */
  assert_null(p->node_id);
  assert_null(p->group);
  assert_null(p->group_index);
  assert_null(p->model);
  assert_non_null(p->type_row16); /* 4 nodes in 3 runs: a row per node is smaller */
  assert_null(p->type_row32);
  assert_int_equal(p->ntype_runs, 0);
  assert_true(p->identity_ids);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(cz_node_id(p, i), i);
    assert_int_equal(cz_node_group_id(p, i), 0);
    assert_int_equal(cz_node_group_index(p, i), i);
    size_t row = 99;
    assert_true(cz_circuit_row_of(p, i, &row));
    assert_int_equal(row, i);
    assert_true(attr_num(p, i, "x") == 0.5 + (double)i);
  }
  size_t row = 0;
  assert_false(cz_circuit_row_of(p, 4, &row));
  const uint32_t t[4] = {0, 0, 1, 2}; /* rows of types 1, 1, 2, 3 in the CSV */
  for (size_t i = 0; i < 4; i++) assert_int_equal(cz_node_type_row(p, i), t[i]);
  /* the model follows from the type: types 1 and 3 name different files, type 2 is virtual */
  assert_int_equal(p->nvirtual, 1);
  assert_false(cz_node_is_virtual(p, 0));
  assert_true(cz_node_is_virtual(p, 2));
  assert_int_equal(cz_node_model(p, 2), UINT32_MAX);
  assert_int_equal(cz_node_model(p, 0), cz_node_model(p, 1));
  assert_int_not_equal(cz_node_model(p, 0), cz_node_model(p, 3));
  const cz_model_ref *a = &fx->c->models[cz_node_model(p, 0)], *b = &fx->c->models[cz_node_model(p, 3)];
  assert_string_equal(a->template_str, "nest:iaf_psc_alpha");
  assert_non_null(strstr(a->params_file, "a.json"));
  assert_non_null(strstr(b->params_file, "b.json"));
}

static void test_stored_columns(void **state) {
  const fixture *fx = *state;
  const cz_node_pop *p = pop_named(fx->c, "mixed");
  assert_int_equal(p->n, 5);
  assert_non_null(p->node_id);
  assert_non_null(p->group);
  assert_non_null(p->group_index);
  assert_false(p->identity_ids);
  const uint64_t ids[5] = {10, 12, 11, 20, 15}, index[5] = {0, 0, 1, 1, 2};
  const uint32_t groups[5] = {0, 1, 0, 1, 1};
  const double x[5] = {100, 200, 101, 201, 202};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(cz_node_id(p, i), ids[i]);
    assert_int_equal(cz_node_group_id(p, i), groups[i]);
    assert_int_equal(cz_node_group_index(p, i), index[i]);
    assert_true(attr_num(p, i, "x") == x[i]);
    size_t row = 99;
    assert_true(cz_circuit_row_of(p, ids[i], &row));
    assert_int_equal(row, i);
  }
  size_t row = 0;
  assert_false(cz_circuit_row_of(p, 3, &row));
  /* group 1's dynamics_params column sets the model per node: rows 0 and 1 have type 1, but
   * row 1 (group 1) has no parameter file */
  assert_non_null(p->model);
  assert_int_equal(p->nvirtual, 1);
  assert_true(cz_node_is_virtual(p, 4));
  assert_false(cz_node_is_virtual(p, 1));
  assert_int_not_equal(cz_node_model(p, 0), cz_node_model(p, 1));
  assert_non_null(strstr(fx->c->models[cz_node_model(p, 0)].params_file, "a.json"));
  assert_null(fx->c->models[cz_node_model(p, 1)].params_file);
  assert_int_equal(cz_node_model(p, 1), cz_node_model(p, 3));
}

/* Nodes written type by type keep their types as runs, and every node reads its own type's
 * row and model through them. */
static void test_type_runs(void **state) {
  const fixture *fx = *state;
  const cz_node_pop *p = pop_named(fx->c, "runs");
  assert_int_equal(p->n, 300);
  assert_null(p->type_row16);
  assert_null(p->type_row32);
  assert_int_equal(p->ntype_runs, 3);
  assert_int_equal(p->nvirtual, 50);
  const uint32_t m1 = cz_node_model(p, 0), m3 = cz_node_model(p, 100);
  assert_int_not_equal(m1, m3); /* a.json and b.json */
  for (size_t i = 0; i < 300; i++) {
    const uint64_t type_id = i < 100 ? 1 : i < 250 ? 3 : 2;
    const uint32_t row = cz_node_type_row(p, i);
    assert_true(row < p->types->nrows);
    assert_int_equal(strtoull(cz_csv_cell(p->types, row, (size_t)cz_csv_col(p->types, "node_type_id")), NULL, 10), type_id);
    assert_int_equal(cz_node_model(p, i), type_id == 1 ? m1 : type_id == 3 ? m3 : UINT32_MAX);
    assert_int_equal(cz_node_is_virtual(p, i), type_id == 2);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_implied_columns, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stored_columns, setup, teardown),
      cmocka_unit_test_setup_teardown(test_type_runs, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
