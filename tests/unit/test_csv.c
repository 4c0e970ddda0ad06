/* Unit tests of io/csv: BMTK's space-separated tables (sonata-spec 1.3). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "cz_test.h"
#include "io/csv.h"

/* Parses text that must be valid, failing the test with the parser's message otherwise. */
static cz_csv *parse_ok(const char *text) {
  cz_csv *t = NULL;
  cz_status st = cz_csv_parse(text, "t.csv", &t);
  if (st != CZ_OK) fail_msg("parse failed: %s", cz_error_message());
  assert_non_null(t);
  return t;
}

/* Parses text that must fail with code, and returns whether the message contains want. */
static void parse_fails(const char *text, cz_status code, const char *want) {
  cz_csv *t = NULL;
  cz_error_clear();
  assert_int_equal(cz_csv_parse(text, "t.csv", &t), code);
  assert_null(t);
  if (!strstr(cz_error_message(), want)) fail_msg("message '%s' lacks '%s'", cz_error_message(), want);
}

static void assert_cell(const cz_csv *t, size_t row, const char *col, const char *want) {
  int c = cz_csv_col(t, col);
  assert_true(c >= 0);
  const char *got = cz_csv_cell(t, row, (size_t)c);
  if (!want) {
    if (got) fail_msg("row %zu column %s: expected a null cell, got '%s'", row, col, got);
    return;
  }
  assert_non_null(got);
  assert_string_equal(got, want);
}

static void test_basic(void **state) {
  (void)state;
  cz_csv *t = parse_ok("node_type_id ei model\n100 e nest:iaf_psc_delta\n101 i nest:iaf_psc_alpha\n");
  assert_int_equal(t->ncols, 3);
  assert_int_equal(t->nrows, 2);
  assert_string_equal(t->header[0], "node_type_id");
  assert_string_equal(t->path, "t.csv");
  assert_int_equal(cz_csv_col(t, "ei"), 1);
  assert_int_equal(cz_csv_col(t, "nope"), -1);
  assert_cell(t, 0, "node_type_id", "100");
  assert_cell(t, 1, "model", "nest:iaf_psc_alpha");
  cz_csv_destroy(&t);
  assert_null(t);
  cz_csv_destroy(&t); /* twice is harmless */
}

static void test_double_space_is_empty_field(void **state) {
  (void)state;
  /* The lgn_node_types.csv case of sonata-spec 1.3: empty middle and last fields. */
  cz_csv *t = parse_ok("id file model mtype ei sf_sep non_dom\n100 f.json  lgnmodel:tOFF virtual e \n");
  assert_int_equal(t->nrows, 1);
  assert_cell(t, 0, "file", "f.json");
  assert_cell(t, 0, "model", NULL);
  assert_cell(t, 0, "mtype", "lgnmodel:tOFF");
  assert_cell(t, 0, "sf_sep", "e");
  assert_cell(t, 0, "non_dom", NULL);
  cz_csv_destroy(&t);
}

static void test_trailing_space_is_empty_last_field(void **state) {
  (void)state;
  cz_csv *t = parse_ok("a b c\n1 2 \n");
  assert_cell(t, 0, "a", "1");
  assert_cell(t, 0, "b", "2");
  assert_cell(t, 0, "c", NULL);
  cz_csv_destroy(&t);
}

static void test_crlf(void **state) {
  (void)state;
  cz_csv *t = parse_ok("a b\r\n1 x\r\n2 y\r\n");
  assert_int_equal(t->nrows, 2);
  assert_string_equal(t->header[1], "b");
  assert_cell(t, 0, "b", "x");
  assert_cell(t, 1, "b", "y");
  cz_csv_destroy(&t);
  /* A CRLF file whose rows end with an empty field. */
  t = parse_ok("a b c\r\n1 2 \r\n");
  assert_cell(t, 0, "c", NULL);
  cz_csv_destroy(&t);
}

static void test_quotes(void **state) {
  (void)state;
  cz_csv *t = parse_ok("id size sections text odd\n"
                       "1 \"(4.0, 4.0)\" \"['somatic', 'basal']\" \"say \"\"hi\"\" now\" ab\"c\n");
  assert_int_equal(t->nrows, 1);
  assert_cell(t, 0, "size", "(4.0, 4.0)");
  assert_cell(t, 0, "sections", "['somatic', 'basal']");
  assert_cell(t, 0, "text", "say \"hi\" now");
  assert_cell(t, 0, "odd", "ab\"c"); /* a quote inside a field is an ordinary character */
  cz_csv_destroy(&t);
  /* A quoted empty field is a null like an unquoted one; text after a closing quote joins. */
  t = parse_ok("a b c\n\"\" \"x y\"z \"\"\"\"\n");
  assert_cell(t, 0, "a", NULL);
  assert_cell(t, 0, "b", "x yz");
  assert_cell(t, 0, "c", "\"");
  cz_csv_destroy(&t);
  /* Quoted header names. */
  t = parse_ok("\"col a\" b\n1 2\n");
  assert_string_equal(t->header[0], "col a");
  cz_csv_destroy(&t);
}

static void test_unterminated_quote(void **state) {
  (void)state;
  parse_fails("a b\n1 \"oops\n", CZ_ERR_FORMAT, "t.csv: line 2");
  parse_fails("a b\n1 \"oops\n", CZ_ERR_FORMAT, "never closed");
}

static void test_null_tokens(void **state) {
  (void)state;
  cz_csv *t = parse_ok("a b c d e f g h i\nNULL NONE None nan NaN NA null Nonesuch 0\n");
  const char *nulls[] = {"a", "b", "c", "d", "e", "f", "g"};
  for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) assert_cell(t, 0, nulls[i], NULL);
  assert_cell(t, 0, "h", "Nonesuch");
  assert_cell(t, 0, "i", "0");
  cz_csv_destroy(&t);

  const char *tokens[] = {"", "NULL", "null", "NONE", "None", "NaN", "-NaN", "nan", "-nan", "NA",
                          "N/A", "n/a", "#N/A", "#NA", "<NA>", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
    if (!cz_csv_is_null_token(tokens[i])) fail_msg("'%s' should be a null token", tokens[i]);
  }
  const char *values[] = {"0", "1", "-1", "1.5", "-70.0", "none", "Null", "NAN", "inf", "e", "nest:iaf", "1.#"};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    if (cz_csv_is_null_token(values[i])) fail_msg("'%s' should not be a null token", values[i]);
  }
  assert_true(cz_csv_is_null_token(NULL));
}

static void test_more_fields_resplit_on_blank_runs(void **state) {
  (void)state;
  /* Spec-style padding: one or more spaces between fields, leading and trailing blanks. */
  cz_csv *t = parse_ok("a b c\n1   2    3\n  4 5 6  \n");
  assert_int_equal(t->nrows, 2);
  assert_cell(t, 0, "a", "1");
  assert_cell(t, 0, "b", "2");
  assert_cell(t, 0, "c", "3");
  assert_cell(t, 1, "a", "4");
  assert_cell(t, 1, "c", "6");
  cz_csv_destroy(&t);
  /* Too many fields even on blank runs. */
  parse_fails("a b\n1 2 3\n", CZ_ERR_FORMAT, "t.csv: line 2 has 3 fields but there are 2 columns");
}

static void test_fewer_fields_error_names_line(void **state) {
  (void)state;
  /* Blank lines count in the line number, as an editor shows it. */
  parse_fails("a b c\n\n1 2 3\n4 5\n", CZ_ERR_FORMAT, "t.csv: line 4 has 2 fields but there are 3 columns");
  parse_fails("a b c\r\n1 2\r\n", CZ_ERR_FORMAT, "t.csv: line 2");
}

static void test_blank_lines_skipped(void **state) {
  (void)state;
  cz_csv *t = parse_ok("\n  \na b\n\n1 2\n   \n\r\n3 4");
  assert_int_equal(t->nrows, 2);
  assert_string_equal(t->header[0], "a");
  assert_cell(t, 1, "b", "4"); /* the last line needs no newline */
  cz_csv_destroy(&t);
}

static void test_header_only(void **state) {
  (void)state;
  cz_csv *t = parse_ok("timestamps population node_ids\n");
  assert_int_equal(t->ncols, 3);
  assert_int_equal(t->nrows, 0);
  cz_csv_destroy(&t);
}

static void test_header_padding(void **state) {
  (void)state;
  /* A padded header or one ending in a space names no empty column. */
  cz_csv *t = parse_ok("a  b c \n1 2 3 \n4 5 6\n");
  assert_int_equal(t->ncols, 3);
  assert_string_equal(t->header[2], "c");
  assert_cell(t, 0, "c", "3");
  assert_cell(t, 1, "c", "6");
  cz_csv_destroy(&t);
}

static void test_empty_and_bad_headers(void **state) {
  (void)state;
  parse_fails("", CZ_ERR_FORMAT, "t.csv: empty file");
  parse_fails("\n \r\n\n", CZ_ERR_FORMAT, "t.csv: empty file");
  parse_fails("a b a\n1 2 3\n", CZ_ERR_FORMAT, "column name 'a' appears twice");
  parse_fails("a \"\" b\n1 2 3\n", CZ_ERR_FORMAT, "empty name");
}

static void test_tab_separated(void **state) {
  (void)state;
  cz_csv *t = parse_ok("a\tb\tc\n1\t\t3\nx\t\"y z\"\tw\n");
  assert_int_equal(t->ncols, 3);
  assert_string_equal(t->header[1], "b");
  assert_int_equal(t->nrows, 2);
  assert_cell(t, 0, "a", "1");
  assert_cell(t, 0, "b", NULL); /* two tabs: an empty field */
  assert_cell(t, 0, "c", "3");
  assert_cell(t, 1, "b", "y z"); /* quoted spaces do not make it a space-separated row */
  cz_csv_destroy(&t);
  /* A row holding spaces is split on spaces; its tabs stay inside fields. */
  t = parse_ok("a b\nx\ty z\n");
  assert_cell(t, 0, "a", "x\ty");
  assert_cell(t, 0, "b", "z");
  cz_csv_destroy(&t);
}

static void test_headerless(void **state) {
  (void)state;
  cz_csv *t = NULL;
  assert_int_equal(cz_csv_parse_headerless("\n10.5 3\n11.25 4 \n12 5\n", "s.csv", &t), CZ_OK);
  assert_int_equal(t->ncols, 2);
  assert_int_equal(t->nrows, 3);
  assert_string_equal(t->header[0], "col0");
  assert_string_equal(t->header[1], "col1");
  assert_string_equal(cz_csv_cell(t, 0, 0), "10.5");
  assert_string_equal(cz_csv_cell(t, 1, 1), "4");
  assert_string_equal(cz_csv_cell(t, 2, 0), "12");
  cz_csv_destroy(&t);
  cz_error_clear();
  assert_int_equal(cz_csv_parse_headerless("1 2\n3\n", "s.csv", &t), CZ_ERR_FORMAT);
  assert_non_null(strstr(cz_error_message(), "s.csv: line 2"));
  assert_int_equal(cz_csv_parse_headerless("", "s.csv", &t), CZ_ERR_FORMAT);
}

static void test_values(void **state) {
  (void)state;
  cz_csv *t = parse_ok("a b c d e f g h i\n1 -2.5e3 inf -inf x NULL 0x1A 1e400 \"(1, 2)\"\n");
  cz_value v = cz_csv_value(t, 0, 0);
  assert_int_equal(v.kind, CZ_VAL_NUM);
  assert_true(v.num == 1.0);
  v = cz_csv_value(t, 0, 1);
  assert_int_equal(v.kind, CZ_VAL_NUM);
  assert_true(v.num == -2500.0);
  v = cz_csv_value(t, 0, 2);
  assert_int_equal(v.kind, CZ_VAL_NUM);
  assert_true(isinf(v.num) && v.num > 0);
  v = cz_csv_value(t, 0, 3);
  assert_int_equal(v.kind, CZ_VAL_NUM);
  assert_true(isinf(v.num) && v.num < 0);
  v = cz_csv_value(t, 0, 4);
  assert_int_equal(v.kind, CZ_VAL_STR);
  assert_string_equal(v.str, "x");
  v = cz_csv_value(t, 0, 5);
  assert_int_equal(v.kind, CZ_VAL_NULL);
  v = cz_csv_value(t, 0, 6);
  assert_int_equal(v.kind, CZ_VAL_STR); /* pandas keeps hex as text */
  v = cz_csv_value(t, 0, 7);
  assert_int_equal(v.kind, CZ_VAL_NUM); /* overflows to inf, as pandas reads it */
  v = cz_csv_value(t, 0, 8);
  assert_int_equal(v.kind, CZ_VAL_STR);
  assert_string_equal(v.str, "(1, 2)");
  cz_csv_destroy(&t);
}

static void test_byte_order_mark(void **state) {
  (void)state;
  cz_csv *t = parse_ok("\xEF\xBB\xBF" "a b\n1 2\n");
  assert_string_equal(t->header[0], "a");
  cz_csv_destroy(&t);
}

static void test_read_file_and_errors(void **state) {
  (void)state;
  char dir[512], path[1024];
  cz_test_tmpdir(dir, sizeof dir, "csv");
  cz_test_write(path, sizeof path, dir, "types.csv", "node_type_id model_type\r\n100 point_process\r\n");
  cz_csv *t = NULL;
  assert_int_equal(cz_csv_read(path, &t), CZ_OK);
  assert_string_equal(t->path, path);
  assert_cell(t, 0, "model_type", "point_process");
  cz_csv_destroy(&t);

  cz_test_write(path, sizeof path, dir, "bad.csv", "a b\n1 2\n3\n");
  cz_error_clear();
  assert_int_equal(cz_csv_read(path, &t), CZ_ERR_FORMAT);
  assert_null(t);
  assert_non_null(strstr(cz_error_message(), "bad.csv: line 3"));

  cz_test_write(path, sizeof path, dir, "empty.csv", "");
  assert_int_equal(cz_csv_read(path, &t), CZ_ERR_FORMAT);
  assert_non_null(strstr(cz_error_message(), "empty.csv"));

  cz_test_write(path, sizeof path, dir, "spikes.csv", "0.5 1\n1.5 2\n");
  assert_int_equal(cz_csv_read_headerless(path, &t), CZ_OK);
  assert_int_equal(t->nrows, 2);
  cz_csv_destroy(&t);

  snprintf(path, sizeof path, "%s/missing.csv", dir);
  cz_error_clear();
  assert_int_equal(cz_csv_read(path, &t), CZ_ERR_IO);
  assert_null(t);
  assert_non_null(strstr(cz_error_message(), "missing.csv"));

  /* A binary file read as a table. */
  snprintf(path, sizeof path, "%s/nul.csv", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fwrite("a b\n1\0 2\n", 1, 9, f);
  fclose(f);
  assert_int_equal(cz_csv_read(path, &t), CZ_ERR_FORMAT);
  assert_non_null(strstr(cz_error_message(), "NUL"));
}

/* A spike file of a million rows parses in a fraction of a second (optimised build). */
static void test_large_spike_file(void **state) {
  (void)state;
  enum { N = 1000000 };
  char *text = malloc((size_t)N * 40 + 64);
  assert_non_null(text);
  size_t len = (size_t)sprintf(text, "timestamps population node_ids\n");
  for (int i = 0; i < N; i++) len += (size_t)sprintf(text + len, "%.4f cortex %d\n", i * 0.1, i % 450);
  cz_csv *t = NULL;
  clock_t t0 = clock();
  assert_int_equal(cz_csv_parse(text, "big.csv", &t), CZ_OK);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  print_message("parsed %d rows in %.3f s\n", N, secs);
  assert_int_equal(t->nrows, N);
  assert_string_equal(cz_csv_cell(t, N - 1, 1), "cortex");
  assert_string_equal(cz_csv_cell(t, N - 1, 2), "99"); /* 999999 % 450 */
  assert_true(secs < 30.0); /* loose: catches quadratic behaviour, not a slow machine */
  cz_csv_destroy(&t);
  free(text);
}

static void test_real_cortex_node_types(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/integration_tests/point_120cells/network/cortex_node_types.csv");
  cz_csv *t = NULL;
  if (cz_csv_read(path, &t) != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(t->nrows, 2);
  assert_int_equal(t->ncols, 6);
  assert_string_equal(t->header[5], "dynamics_params"); /* no '\r' left on the last name */
  assert_cell(t, 0, "model_template", "nest:iaf_psc_delta");
  assert_cell(t, 1, "dynamics_params", "iaf_psc_delta_exc.json");
  cz_value v = cz_csv_value(t, 0, (size_t)cz_csv_col(t, "node_type_id"));
  assert_int_equal(v.kind, CZ_VAL_NUM);
  assert_true(v.num == 100.0);
  cz_csv_destroy(&t);
}

static void test_real_internal_node_types(void **state) {
  (void)state;
  char path[1024];
  CZ_TEST_DATA_PATH(path, "sonata/examples/300_pointneurons/network/internal_node_types.csv");
  cz_csv *t = NULL;
  if (cz_csv_read(path, &t) != CZ_OK) fail_msg("%s", cz_error_message());
  assert_int_equal(t->nrows, 5);
  assert_int_equal(t->ncols, 6);
  assert_cell(t, 0, "node_type_id", "104");
  assert_cell(t, 0, "model_name", "PV2");
  assert_cell(t, 4, "model_template", "nest:iaf_psc_alpha");
  assert_cell(t, 4, "dynamics_params", "472912177_point.json");
  cz_csv_destroy(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),
      cmocka_unit_test(test_double_space_is_empty_field),
      cmocka_unit_test(test_trailing_space_is_empty_last_field),
      cmocka_unit_test(test_crlf),
      cmocka_unit_test(test_quotes),
      cmocka_unit_test(test_unterminated_quote),
      cmocka_unit_test(test_null_tokens),
      cmocka_unit_test(test_more_fields_resplit_on_blank_runs),
      cmocka_unit_test(test_fewer_fields_error_names_line),
      cmocka_unit_test(test_blank_lines_skipped),
      cmocka_unit_test(test_header_only),
      cmocka_unit_test(test_header_padding),
      cmocka_unit_test(test_empty_and_bad_headers),
      cmocka_unit_test(test_tab_separated),
      cmocka_unit_test(test_headerless),
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_byte_order_mark),
      cmocka_unit_test(test_read_file_and_errors),
      cmocka_unit_test(test_large_spike_file),
      cmocka_unit_test(test_real_cortex_node_types),
      cmocka_unit_test(test_real_internal_node_types),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
