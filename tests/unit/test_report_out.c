/* Unit tests for the report writer (io/report_out.h) with several elements per node: the
 * case of report_case.h written by one writer in one go, and by two writers that split the
 * nodes between them and write the rows in two blocks; both files must hold the SONATA
 * layout and every value read back, and be the same bytes. One element per node given
 * explicitly must write the same bytes as the point neuron's defaults. A bad index pointer is
 * refused and leaves no file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cz_test.h"
#include "report_case.h"

/* The whole file, for comparing two files byte for byte. */
static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc(*n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, *n, f), *n);
  fclose(f);
  return buf;
}

static void assert_same_bytes(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  char *x = slurp(a, &na), *y = slurp(b, &nb);
  assert_int_equal(na, nb);
  assert_memory_equal(x, y, na);
  free(x);
  free(y);
}

/* Writes the case with each writer's node masks (per population) and row blocks. */
static void write_case(const cz_report_spec *spec, const unsigned (*masks)[RC_POPS], size_t nwriters,
                       const size_t *block_end, size_t nblocks) {
  cz_report_out *r = NULL;
  assert_int_equal(cz_report_create(spec, NULL, true, &r), CZ_OK);
  size_t row0 = 0;
  for (size_t b = 0; b < nblocks; b++) {
    for (size_t w = 0; w < nwriters; w++)
      for (size_t p = 0; p < RC_POPS; p++)
        assert_int_equal(rc_write(r, p, masks[w][p], row0, block_end[b] - row0), CZ_OK);
    assert_int_equal(cz_report_commit_rows(r, spec->t_first + (double)(block_end[b] - 1) * spec->step), CZ_OK);
    row0 = block_end[b];
  }
  assert_int_equal(cz_report_close(&r, true), CZ_OK);
  assert_null(r);
}

static void check_case(const char *path) {
  char msg[512] = "";
  bool ok = rc_check_file(path, msg, sizeof msg);
  if (!ok) print_message("%s\n", msg);
  assert_true(ok);
  char part[4200];
  snprintf(part, sizeof part, "%s.part", path);
  assert_int_equal(access(part, F_OK), -1); /* renamed into place */
}

enum { PATH_MAX_LEN = 4200 };

/* Two file paths in a fresh scratch folder. */
static void scratch_pair(const char *tag, const char *a, const char *b, char *pa, char *pb) {
  char dir[4096];
  cz_test_tmpdir(dir, sizeof dir, tag);
  snprintf(pa, PATH_MAX_LEN, "%s/%s", dir, a);
  snprintf(pb, PATH_MAX_LEN, "%s/%s", dir, b);
}

/* The case with populations pops, every node by one writer, all rows at once. */
static void write_whole(const char *path, const cz_report_pop *pops) {
  static const unsigned all[1][RC_POPS] = {{7, 0, 3}};
  static const size_t whole[] = {RC_ROWS};
  cz_report_spec spec = rc_spec(path);
  spec.pops = pops;
  write_case(&spec, all, 1, whole, 1);
  check_case(path);
}

static void test_one_and_two_writers(void **state) {
  (void)state;
  char one[PATH_MAX_LEN], two[PATH_MAX_LEN];
  scratch_pair("report_out", "one.h5", "two.h5", one, two);
  write_whole(one, rc_pops);
  /* writer 0: cortex nodes 0 and 2 (columns 0, 5, 6), thalamus node 0; writer 1 the rest */
  const unsigned split[2][RC_POPS] = {{5, 0, 1}, {2, 0, 2}};
  const size_t blocks[] = {4, RC_ROWS};
  const cz_report_spec spec = rc_spec(two);
  write_case(&spec, split, 2, blocks, 2);
  check_case(two);
  assert_same_bytes(one, two);
}

/* One element per node given as arrays writes what the defaults write. */
static void test_explicit_single_elements(void **state) {
  (void)state;
  char dflt[PATH_MAX_LEN], expl[PATH_MAX_LEN];
  scratch_pair("report_single", "defaults.h5", "explicit.h5", dflt, expl);
  write_whole(dflt, rc_pops);
  static const uint64_t zeros[2] = {0, 0};
  static const double pos[2] = {0.0, 0.0};
  cz_report_pop pops[RC_POPS];
  memcpy(pops, rc_pops, sizeof pops);
  pops[2].index_pointer = rc_thalamus_ptr;
  pops[2].element_ids = zeros;
  pops[2].element_pos = pos;
  write_whole(expl, pops);
  assert_same_bytes(dflt, expl);
}

static void test_bad_index_pointer(void **state) {
  (void)state;
  char path[PATH_MAX_LEN], part[PATH_MAX_LEN];
  scratch_pair("report_bad", "bad.h5", "bad.h5.part", path, part);
  static const uint64_t from_one[] = {1, 2, 3, 4}, down[] = {0, 3, 2, 7};
  const uint64_t *bad[] = {from_one, down};
  for (size_t k = 0; k < 2; k++) {
    cz_report_pop pops[RC_POPS];
    memcpy(pops, rc_pops, sizeof pops);
    pops[0].index_pointer = bad[k];
    cz_report_spec spec = rc_spec(path);
    spec.pops = pops;
    cz_report_out *r = NULL;
    assert_int_equal(cz_report_create(&spec, NULL, true, &r), CZ_ERR_INTERNAL);
    assert_null(r);
    assert_non_null(strstr(cz_error_message(), "cortex"));
    assert_int_equal(access(part, F_OK), -1);
    assert_int_equal(access(path, F_OK), -1);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_and_two_writers),
      cmocka_unit_test(test_explicit_single_elements),
      cmocka_unit_test(test_bad_index_pointer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
