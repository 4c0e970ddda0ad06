/* Unit tests of io/node_sets: resolving node set expressions (sonata-spec 2.4) against a fake
 * circuit seen through cz_ns_view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "base/log.h"
#include "base/str.h"
#include "cz_test.h"
#include "io/node_sets.h"

/* ---- a fake circuit ---- */

enum { MAX_ROWS = 10, MAX_ATTRS = 8 };

typedef struct fake_attr {
  const char *key;
  cz_value v[MAX_ROWS];
} fake_attr;

typedef struct fake_pop {
  const char *name;
  size_t n;
  uint64_t id[MAX_ROWS];
  fake_attr attr[MAX_ATTRS];
} fake_pop;

typedef struct fake_circuit {
  size_t npops;
  fake_pop pop[3];
} fake_circuit;

#define NUM(x) {CZ_VAL_NUM, (x), NULL}
#define STR(x) {CZ_VAL_STR, 0.0, (x)}
#define NUL {CZ_VAL_NULL, 0.0, NULL}

/* cortex: node ids 0..5, as row indices. lgn: non-contiguous, unsorted node ids, a layer held as
 * text (like an HDF5 string dataset), no ei or tuning_angle. empty: no nodes at all. */
static const fake_circuit g_circuit = {
    3,
    {{"cortex",
      6,
      {0, 1, 2, 3, 4, 5},
      {{"ei", {STR("e"), STR("e"), STR("i"), STR("e"), STR("i"), STR("e")}},
       {"layer", {NUM(1), NUM(2), NUM(2), NUM(4), NUM(5), NUM(1)}},
       {"tuning_angle", {NUM(0), NUM(45), NUM(90), NUM(135), NUM(180), NUL}},
       {"flag", {NUM(1), NUM(0), NUM(1), NUM(0), NUM(0), NUM(0)}},
       {"model_type", {STR("point_process"), STR("point_process"), STR("point_process"), STR("point_process"),
                       STR("point_process"), STR("point_process")}}}},
     {"lgn",
      4,
      {10, 20, 30, 5},
      {{"layer", {STR("1"), STR("2"), STR("1.0"), STR("x")}},
       {"pop_name", {STR("tON"), STR("tOFF"), STR("sON"), STR("tONOFF")}},
       {"flag", {STR("True"), STR("False"), STR("true"), NUL}},
       {"model_type", {STR("virtual"), STR("virtual"), STR("virtual"), STR("virtual")}}}},
     {"empty", 0, {0}, {{"layer", {NUL}}}}}};

static const fake_pop *fake_get(const void *ctx, size_t pop) {
  const fake_circuit *c = ctx;
  assert_true(pop < c->npops);
  return &c->pop[pop];
}

static const fake_attr *fake_find(const fake_pop *p, const char *key) {
  for (size_t i = 0; i < MAX_ATTRS && p->attr[i].key; i++)
    if (strcmp(p->attr[i].key, key) == 0) return &p->attr[i];
  return NULL;
}

static const char *fake_pop_name(const void *ctx, size_t pop) { return fake_get(ctx, pop)->name; }
static size_t fake_pop_size(const void *ctx, size_t pop) { return fake_get(ctx, pop)->n; }

static uint64_t fake_node_id(const void *ctx, size_t pop, size_t row) {
  const fake_pop *p = fake_get(ctx, pop);
  assert_true(row < p->n);
  return p->id[row];
}

static bool fake_has_attr(const void *ctx, size_t pop, const char *key) {
  return fake_find(fake_get(ctx, pop), key) != NULL;
}

static cz_value fake_attr_value(const void *ctx, size_t pop, size_t row, const char *key) {
  const fake_pop *p = fake_get(ctx, pop);
  assert_true(row < p->n);
  const fake_attr *a = fake_find(p, key);
  cz_value none = NUL;
  return a ? a->v[row] : none;
}

static cz_ns_view fake_view(const fake_circuit *c) {
  cz_ns_view v = {c->npops, c, fake_pop_name, fake_pop_size, fake_node_id, fake_has_attr, fake_attr_value};
  return v;
}

/* ---- helpers ---- */

static const char *g_where = "inputs.LGN_spikes.node_set";

/* Resolves expression text against node sets text (either may be NULL for sets). */
static cz_status resolve_on(const fake_circuit *fc, const char *sets_json, const char *expr_json,
                            cz_ns_selection **out) {
  cJSON *sets = sets_json ? cJSON_Parse(sets_json) : NULL;
  cJSON *expr = cJSON_Parse(expr_json);
  if (sets_json && !sets) fail_msg("bad sets JSON in the test: %s", sets_json);
  if (!expr) fail_msg("bad expression JSON in the test: %s", expr_json);
  cz_ns_view v = fake_view(fc);
  cz_error_clear();
  cz_status st = cz_ns_resolve(sets, expr, &v, g_where, out);
  cJSON_Delete(sets);
  cJSON_Delete(expr);
  return st;
}

static cz_status resolve(const char *sets_json, const char *expr_json, cz_ns_selection **out) {
  return resolve_on(&g_circuit, sets_json, expr_json, out);
}

/* Checks the rows selected in each population, written as "0 2 3|1|" (cortex|lgn|empty). */
static void assert_selection(const cz_ns_selection *s, const char *want) {
  char got[512] = "";
  size_t len = 0;
  for (size_t p = 0; p < s->npops; p++) {
    for (size_t i = 0; i < s->n[p]; i++)
      len += (size_t)snprintf(got + len, sizeof got - len, "%s%llu", i ? " " : "",
                              (unsigned long long)s->rows[p][i]);
    if (p + 1 < s->npops) len += (size_t)snprintf(got + len, sizeof got - len, "|");
  }
  if (strcmp(got, want) != 0) fail_msg("selected '%s', expected '%s'", got, want);
}

/* Resolves and checks the selection. */
static void expect(const char *sets_json, const char *expr_json, const char *want) {
  cz_ns_selection *s = NULL;
  if (resolve(sets_json, expr_json, &s) != CZ_OK) fail_msg("%s: %s", expr_json, cz_error_message());
  assert_selection(s, want);
  cz_ns_selection_destroy(&s);
  assert_null(s);
}

/* Resolves and expects a config error whose message contains want. */
static void expect_error(const char *sets_json, const char *expr_json, const char *want) {
  cz_ns_selection *s = NULL;
  assert_int_equal(resolve(sets_json, expr_json, &s), CZ_ERR_CONFIG);
  assert_null(s);
  if (!strstr(cz_error_message(), want)) fail_msg("message '%s' lacks '%s'", cz_error_message(), want);
}

/* ---- tests ---- */

static void test_builtins(void **state) {
  (void)state;
  expect(NULL, "\"all\"", "0 1 2 3 4 5|0 1 2 3|");
  expect(NULL, "\"cortex\"", "0 1 2 3 4 5||");
  expect(NULL, "\"lgn\"", "|0 1 2 3|");
  expect(NULL, "\"empty\"", "||");
  expect("{}", "\"all\"", "0 1 2 3 4 5|0 1 2 3|");
  cz_ns_selection *s = NULL;
  assert_int_equal(resolve(NULL, "\"all\"", &s), CZ_OK);
  assert_int_equal(cz_ns_selection_count(s), 10);
  assert_int_equal(s->npops, 3);
  cz_ns_selection_destroy(&s);
}

static void test_user_sets_override_builtins(void **state) {
  (void)state;
  const char *sets = "{\"cortex\": {\"population\": \"cortex\", \"ei\": \"i\"}, \"all\": [\"lgn\"]}";
  expect(sets, "\"cortex\"", "2 4||");
  expect(sets, "\"all\"", "|0 1 2 3|");
  expect(sets, "\"lgn\"", "|0 1 2 3|"); /* not overridden: still the built-in */
}

static void test_population_keys(void **state) {
  (void)state;
  expect(NULL, "{\"population\": \"lgn\"}", "|0 1 2 3|");
  expect(NULL, "{\"populations\": [\"lgn\", \"cortex\"]}", "0 1 2 3 4 5|0 1 2 3|");
  expect(NULL, "{\"populations\": []}", "||");
  expect(NULL, "{\"population\": \"cortex\", \"layer\": 1}", "0 5||");
  /* Both keys restrict: their intersection. */
  expect(NULL, "{\"population\": [\"cortex\", \"lgn\"], \"populations\": \"lgn\"}", "|0 1 2 3|");
  expect_error(NULL, "{\"population\": 3}", "'population' must be a population name");
  /* A population the circuit lacks is an error: a used set that can select nothing is a typo. */
  expect_error(NULL, "{\"population\": \"v1\"}", "population 'v1'");
}

static void test_node_id_keys(void **state) {
  (void)state;
  /* Node ids, not row indices: lgn row 1 has id 20 and row 3 has id 5. */
  expect(NULL, "{\"population\": \"lgn\", \"node_ids\": [20, 5]}", "|1 3|");
  expect(NULL, "{\"population\": \"lgn\", \"node_id\": [0, 1, 2]}", "||");
  expect(NULL, "{\"node_id\": 5}", "5|3|");
  expect(NULL, "{\"node_ids\": [5, 5.0, 1, 30]}", "1 5|2 3|");
  expect(NULL, "{\"node_ids\": []}", "||");
  expect(NULL, "{\"node_ids\": [0, 1, 2, 3], \"ei\": \"e\"}", "0 1 3||");
  expect_error(NULL, "{\"node_ids\": [1, -1]}", "node ids (integers >= 0), found -1");
  expect_error(NULL, "{\"node_id\": [1.5]}", "found 1.5");
  expect_error(NULL, "{\"node_id\": [\"1\"]}", "found a string");
}

static void test_scalar_and_list_values(void **state) {
  (void)state;
  int before = cz_log_warning_count();
  /* lgn has no ei: it selects nothing there, silently, since cortex has the attribute. */
  expect(NULL, "{\"ei\": \"e\"}", "0 1 3 5||");
  assert_int_equal(cz_log_warning_count(), before);
  expect(NULL, "{\"ei\": [\"i\", \"x\"]}", "2 4||");
  expect(NULL, "{\"ei\": []}", "||");
  expect(NULL, "{\"ei\": \"e\", \"layer\": 1}", "0 5||");
  expect(NULL, "{\"model_type\": \"virtual\"}", "|0 1 2 3|");
  expect(NULL, "{}", "0 1 2 3 4 5|0 1 2 3|"); /* no keys: everything */
}

static void test_numeric_equality(void **state) {
  (void)state;
  /* 1, 1.0 and "1" are equal whether the attribute is a number or numeric text ("1", "1.0"). */
  expect(NULL, "{\"layer\": 1}", "0 5|0 2|");
  expect(NULL, "{\"layer\": 1.0}", "0 5|0 2|");
  expect(NULL, "{\"layer\": \"1\"}", "0 5|0 2|");
  expect(NULL, "{\"layer\": \"1.0\"}", "0 5|0 2|");
  expect(NULL, "{\"layer\": [1, 4]}", "0 3 5|0 2|");
  expect(NULL, "{\"layer\": \"x\"}", "|3|");
  /* A null attribute value matches nothing. */
  expect(NULL, "{\"tuning_angle\": [0, 45, 90, 135, 180, 225]}", "0 1 2 3 4||");
}

static void test_booleans(void **state) {
  (void)state;
  expect(NULL, "{\"flag\": true}", "0 2|0 2|");
  expect(NULL, "{\"flag\": false}", "1 3 4 5|1|");
  expect(NULL, "{\"flag\": [true, false]}", "0 1 2 3 4 5|0 1 2|");
}

static void test_regex(void **state) {
  (void)state;
  /* The pattern must match the whole value. */
  expect(NULL, "{\"pop_name\": {\"$regex\": \"tON\"}}", "|0|");
  expect(NULL, "{\"pop_name\": {\"$regex\": \"t.*\"}}", "|0 1 3|");
  expect(NULL, "{\"pop_name\": {\"$regex\": \"^[st]ON$\"}}", "|0 2|");
  expect(NULL, "{\"pop_name\": {\"$regex\": \"tON|sON\"}}", "|0 2|");
  expect(NULL, "{\"ei\": {\"$regex\": \"[e]\"}}", "0 1 3 5||");
  /* Numeric values are matched through their text. */
  expect(NULL, "{\"layer\": {\"$regex\": \"[12]\"}}", "0 1 2 5|0 1|");
  expect_error(NULL, "{\"ei\": {\"$regex\": \"(\"}}", "bad $regex '(' for attribute 'ei'");
  expect_error(NULL, "{\"ei\": {\"$regex\": 3}}", "needs a string");
}

static void test_comparisons(void **state) {
  (void)state;
  expect(NULL, "{\"tuning_angle\": {\"$gt\": 45, \"$lte\": 180}}", "2 3 4||");
  expect(NULL, "{\"tuning_angle\": {\"$gte\": 45, \"$lt\": 180}}", "1 2 3||");
  expect(NULL, "{\"tuning_angle\": {\"$gt\": 1000}}", "||");
  expect(NULL, "{\"tuning_angle\": {\"$gte\": 0}}", "0 1 2 3 4||"); /* the null angle never compares */
  /* Numeric text compares too; non-numeric text never does. */
  expect(NULL, "{\"layer\": {\"$lte\": 1}}", "0 5|0 2|");
  expect(NULL, "{\"layer\": {\"$gt\": 1, \"$regex\": \"2\"}}", "1 2|1|");
  expect_error(NULL, "{\"layer\": {\"$gt\": \"1\"}}", "operator '$gt' of attribute 'layer' needs a number");
}

static void test_unknown_operator(void **state) {
  (void)state;
  expect_error(NULL, "{\"layer\": {\"$ne\": 1}}", "unknown operator '$ne' for attribute 'layer'");
  expect_error(NULL, "{\"layer\": {\"gt\": 1}}", "unknown operator 'gt'");
  expect_error(NULL, "{\"layer\": {}}", "empty operator object");
  /* The message names the set being resolved. */
  expect_error("{\"bad\": {\"layer\": {\"$in\": [1]}}}", "\"bad\"",
               "inputs.LGN_spikes.node_set: node set 'bad': unknown operator '$in'");
}

static void test_compound_lists(void **state) {
  (void)state;
  const char *sets = "{\"exc\": {\"ei\": \"e\"}, \"deep\": {\"layer\": 5}, \"both\": [\"exc\", \"deep\"],"
                     " \"outer\": [\"both\", \"lgn\"], \"none\": []}";
  expect(sets, "\"both\"", "0 1 3 4 5||");
  expect(sets, "\"outer\"", "0 1 3 4 5|0 1 2 3|");
  expect(sets, "[\"deep\", \"exc\", \"exc\"]", "0 1 3 4 5||"); /* unique, sorted */
  expect(sets, "\"none\"", "||");
  /* Inline dicts and nested lists inside a compound. */
  expect(sets, "[\"deep\", {\"population\": \"lgn\", \"node_ids\": [30]}, [\"exc\"]]", "0 1 3 4 5|2|");
}

static void test_list_of_ids(void **state) {
  (void)state;
  expect(NULL, "[5, 20, 0]", "0 5|1 3|");
  expect("{\"cells\": [0]}", "\"cells\"", "0||");
  expect_error(NULL, "[1, \"exc\"]", "mixes node ids with node set names");
  expect_error(NULL, "[1, -2]", "found -2");
  expect_error(NULL, "[null]", "a list of node sets holds null");
}

static void test_inline_dict(void **state) {
  (void)state;
  expect(NULL, "{\"population\": \"cortex\", \"node_ids\": [2, 3]}", "2 3||");
}

static void test_unknown_name(void **state) {
  (void)state;
  expect_error("{\"exc\": {\"ei\": \"e\"}, \"inh\": {\"ei\": \"i\"}}", "\"nope\"",
               "inputs.LGN_spikes.node_set: node set 'nope' is not defined (defined: exc, inh, all, cortex, lgn, empty)");
  /* A user set overriding a built-in is listed once. */
  expect_error("{\"all\": [\"cortex\"]}", "\"nope\"", "(defined: all, cortex, lgn, empty)");
  /* Unknown names inside a definition name the definition. */
  expect_error("{\"a\": [\"b\"]}", "\"a\"", "node set 'a': node set 'b' is not defined");
}

static void test_cycles(void **state) {
  (void)state;
  expect_error("{\"a\": [\"b\"], \"b\": [\"c\", \"lgn\"], \"c\": [\"a\"]}", "\"a\"", "cycle: a -> b -> c -> a");
  expect_error("{\"all\": [\"all\"]}", "\"all\"", "cycle: all -> all");
  /* The same set twice in a compound is no cycle. */
  expect("{\"a\": [\"lgn\"], \"b\": [\"a\", \"a\"]}", "\"b\"", "|0 1 2 3|");
}

static void test_wrong_types(void **state) {
  (void)state;
  expect_error(NULL, "null", "inputs.LGN_spikes.node_set: a node set must be a name, a list or an object, not null");
  expect_error(NULL, "3", "not a number");
  expect_error(NULL, "true", "not a boolean");
  expect_error("{\"x\": 3}", "\"x\"", "node set 'x': a node set must be a name");
  expect_error(NULL, "{\"layer\": null}", "attribute 'layer' is compared with null");
  expect_error(NULL, "{\"layer\": [[1]]}", "attribute 'layer' is compared with a list");
  expect_error("[1]", "\"all\"", "node_sets must be an object");
  cz_ns_selection *s = NULL;
  cz_ns_view v = fake_view(&g_circuit);
  assert_int_equal(cz_ns_resolve(NULL, NULL, &v, g_where, &s), CZ_ERR_CONFIG);
  assert_null(s);
}

static void test_missing_attribute_warns_once(void **state) {
  (void)state;
  int before = cz_log_warning_count();
  expect(NULL, "{\"colour\": \"red\"}", "||");
  assert_int_equal(cz_log_warning_count(), before + 1);
  /* Referenced twice in one resolution: one warning. */
  expect("{\"c\": {\"colour\": \"red\"}}", "[\"c\", \"c\", \"lgn\"]", "|0 1 2 3|");
  assert_int_equal(cz_log_warning_count(), before + 2);
  /* Restricted to a population without the attribute: warned, nothing selected. */
  expect(NULL, "{\"population\": \"lgn\", \"ei\": \"e\"}", "||");
  assert_int_equal(cz_log_warning_count(), before + 3);
}

/* ---- the libsonata node sets file ---- */

/* One population named "biophysical" with every attribute the file uses. */
static const fake_circuit g_libsonata = {
    1,
    {{"biophysical",
      10,
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
      {{"model_type",
        {STR("biophysical"), STR("point"), STR("point"), STR("point"), STR("biophysical"), STR("point"),
         STR("biophysical"), STR("point"), STR("biophysical"), STR("point")}},
       {"location",
        {STR("layer4"), STR("layer5"), STR("layer2"), STR("layer4"), STR("layer5"), STR("layer4"),
         STR("layer6"), STR("layer5"), STR("layer4"), STR("layer3")}},
       {"numeric_attribute_gt", {NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5), NUM(6), NUM(7), NUM(8), NUM(9)}},
       {"numeric_attribute_lt", {NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5), NUM(6), NUM(7), NUM(8), NUM(9)}},
       {"numeric_attribute_gte", {NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5), NUM(6), NUM(7), NUM(8), NUM(9)}},
       {"numeric_attribute_lte", {NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5), NUM(6), NUM(7), NUM(8), NUM(9)}},
       {"string_attr",
        {STR("some value"), STR("some values"), STR("a some value"), STR("some value"), STR("other"),
         STR("some value"), STR("Some value"), STR("x"), STR("y"), STR("z")}}}}}};

static void test_libsonata_node_sets_file(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "libsonata/tests_data/node_sets.json");
  char *text = NULL;
  if (cz_read_file(path, &text, NULL) != CZ_OK) fail_msg("%s", cz_error_message());
  cJSON *sets = cJSON_Parse(text);
  free(text);
  assert_non_null(sets);
  cz_ns_view v = fake_view(&g_libsonata);
  int before = cz_log_warning_count();
  size_t nsets = 0;
  for (const cJSON *e = sets->child; e; e = e->next, nsets++) {
    cJSON *name = cJSON_CreateString(e->string);
    cz_ns_selection *s = NULL;
    if (cz_ns_resolve(sets, name, &v, "node_sets.json", &s) != CZ_OK)
      fail_msg("set '%s': %s", e->string, cz_error_message());
    const char *want = NULL;
    if (strcmp(e->string, "bio_layer45") == 0) want = "0 4 8";
    if (strcmp(e->string, "V1_point_prime") == 0) want = "1 2 3 5 7 9";
    if (strcmp(e->string, "power_number_test") == 0) want = ""; /* > 3 and < 3: nothing */
    if (strcmp(e->string, "power_regex_test") == 0) want = "0 3 5";
    if (strcmp(e->string, "combined") == 0) want = "0 1 2 3 4 5 7 8 9";
    if (want) assert_selection(s, want);
    cz_ns_selection_destroy(&s);
    cJSON_Delete(name);
  }
  assert_true(nsets >= 5);
  assert_int_equal(cz_log_warning_count(), before);
  cJSON_Delete(sets);
}

/* ---- a large population: node ids must be matched by sorted lookup ---- */

enum { BIG_N = 1000000, BIG_IDS = 20000 };

static const char *big_pop_name(const void *ctx, size_t pop) {
  (void)ctx;
  (void)pop;
  return "big";
}
static size_t big_pop_size(const void *ctx, size_t pop) {
  (void)ctx;
  (void)pop;
  return BIG_N;
}
static uint64_t big_node_id(const void *ctx, size_t pop, size_t row) {
  (void)ctx;
  (void)pop;
  return 3 * (uint64_t)row + 7;
}
static bool big_has_attr(const void *ctx, size_t pop, const char *key) {
  (void)ctx;
  (void)pop;
  return strcmp(key, "layer") == 0;
}
static cz_value big_attr(const void *ctx, size_t pop, size_t row, const char *key) {
  (void)ctx;
  (void)pop;
  (void)key;
  cz_value v = {CZ_VAL_NUM, (double)(row % 6), NULL};
  return v;
}

static void test_large_population(void **state) {
  (void)state;
  cJSON *ids = cJSON_CreateArray();
  for (int i = BIG_IDS - 1; i >= 0; i--) cJSON_AddItemToArray(ids, cJSON_CreateNumber(3.0 * (50 * i) + 7));
  cJSON *expr = cJSON_CreateObject();
  cJSON_AddItemToObject(expr, "node_ids", ids);
  cz_ns_view v = {1, NULL, big_pop_name, big_pop_size, big_node_id, big_has_attr, big_attr};
  cz_ns_selection *s = NULL;
  clock_t t0 = clock();
  if (cz_ns_resolve(NULL, expr, &v, "big", &s) != CZ_OK) fail_msg("%s", cz_error_message());
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  print_message("matched %d ids among %d nodes in %.3f s\n", BIG_IDS, BIG_N, secs);
  assert_int_equal(s->n[0], BIG_IDS);
  assert_int_equal(s->rows[0][0], 0);
  assert_int_equal(s->rows[0][BIG_IDS - 1], 50 * (BIG_IDS - 1));
  assert_true(secs < 30.0); /* O(N*M) would take minutes */
  cz_ns_selection_destroy(&s);

  cJSON_AddItemToObject(expr, "layer", cJSON_CreateNumber(0));
  assert_int_equal(cz_ns_resolve(NULL, expr, &v, "big", &s), CZ_OK);
  assert_int_equal(s->n[0], BIG_IDS / 3 + 1); /* rows 50*i with i % 3 == 0 */
  cz_ns_selection_destroy(&s);
  cJSON_Delete(expr);
}

int main(void) {
  cz_log_set_console(false); /* the warnings under test would only clutter the output */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builtins),
      cmocka_unit_test(test_user_sets_override_builtins),
      cmocka_unit_test(test_population_keys),
      cmocka_unit_test(test_node_id_keys),
      cmocka_unit_test(test_scalar_and_list_values),
      cmocka_unit_test(test_numeric_equality),
      cmocka_unit_test(test_booleans),
      cmocka_unit_test(test_regex),
      cmocka_unit_test(test_comparisons),
      cmocka_unit_test(test_unknown_operator),
      cmocka_unit_test(test_compound_lists),
      cmocka_unit_test(test_list_of_ids),
      cmocka_unit_test(test_inline_dict),
      cmocka_unit_test(test_unknown_name),
      cmocka_unit_test(test_cycles),
      cmocka_unit_test(test_wrong_types),
      cmocka_unit_test(test_missing_attribute_warns_once),
      cmocka_unit_test(test_libsonata_node_sets_file),
      cmocka_unit_test(test_large_population),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
