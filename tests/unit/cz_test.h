/* Helpers shared by the unit tests: where the shared SONATA data lives, a scratch folder, and
 * an exit code that tells ctest about skipped tests. Include after <cmocka.h>. */
#ifndef CZ_TESTS_CZ_TEST_H
#define CZ_TESTS_CZ_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka counts a skip() as a success: a program whose tests all pass or skip exits 0, and
 * ctest would report a test that checked nothing as passed. Here skip() is counted, and
 * cmocka_run_group_tests(_name) exit 77 (ctest's SKIP_RETURN_CODE) when nothing failed but
 * something was skipped; failures keep their count as the exit code. */
static inline int *cz_test_skip_count(void) {
  static int skipped;
  return &skipped;
}

static inline int cz_test_exit_code(int failed) {
  if (failed == 0 && *cz_test_skip_count() > 0) {
    fprintf(stderr, "%d test(s) skipped: reporting the program as skipped (exit 77)\n", *cz_test_skip_count());
    return 77;
  }
  return failed;
}

#undef skip
#define skip() (++*cz_test_skip_count(), _skip(__FILE__, __LINE__))
#undef cmocka_run_group_tests
#define cmocka_run_group_tests(group_tests, group_setup, group_teardown)                                     \
  cz_test_exit_code(_cmocka_run_group_tests(#group_tests, group_tests, sizeof(group_tests) / sizeof((group_tests)[0]), \
                                            group_setup, group_teardown))
#undef cmocka_run_group_tests_name
#define cmocka_run_group_tests_name(group_name, group_tests, group_setup, group_teardown)                    \
  cz_test_exit_code(_cmocka_run_group_tests(group_name, group_tests, sizeof(group_tests) / sizeof((group_tests)[0]), \
                                            group_setup, group_teardown))

/* Folder of ../shared/data (CADENZA_TEST_DATA wins), or NULL when it is not there. */
static inline const char *cz_test_data_dir(void) {
  const char *d = getenv("CADENZA_TEST_DATA");
  if (!d || !*d) d = getenv("CADENZA_TEST_DATA_DEFAULT");
  struct stat st;
  if (!d || stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  return d;
}

/* Path of a file under the shared data folder, or skips the current test when absent. */
#define CZ_TEST_DATA_PATH(buf, rel)                                         \
  do {                                                                      \
    const char *cz_td_ = cz_test_data_dir();                                \
    if (!cz_td_) {                                                          \
      print_message("shared data not found: skipped\n");              \
      skip();                                                               \
    }                                                                       \
    snprintf((buf), sizeof(buf), "%s/%s", cz_td_, (rel));                   \
  } while (0)

/* A fresh scratch folder for one test (under CZ_TEST_TMP or /tmp). */
static inline void cz_test_tmpdir(char *buf, size_t n, const char *tag) {
  const char *base = getenv("CZ_TEST_TMP");
  if (!base || !*base) base = "/tmp";
  mkdir(base, 0755);
  snprintf(buf, n, "%s/cz_%s_XXXXXX", base, tag);
  if (!mkdtemp(buf)) {
    fprintf(stderr, "mkdtemp failed for %s\n", buf);
    abort();
  }
}

/* Writes text to dir/name and returns the full path in out. */
static inline void cz_test_write(char *out, size_t n, const char *dir, const char *name, const char *text) {
  snprintf(out, n, "%s/%s", dir, name);
  FILE *f = fopen(out, "wb");
  if (!f) abort();
  fputs(text, f);
  fclose(f);
}

#endif
