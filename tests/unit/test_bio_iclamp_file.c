/* BioNet's current clamps from csv tables (inputs-spec.md §7, unit test 7 of §8): the amplitude
 * vector BMTK plays into an IClamp every idt ms from 0. A table from 0 plays as it is; one
 * starting at its own step gets a 0 nA row in front; one starting elsewhere is resampled on
 * the greatest common divisor g of the step and the first time (times [150, 250, 350], step
 * 100: g 50, amplitudes [0, 0, 0, a0, a0, a1, a1, a2, a2]); the clamp stays on to the last
 * time, one played step more when the last amplitude is not 0; uneven steps are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "bionet/iclamp_file.h"
#include "io/config.h"

/* The played clamp of an IClamp csv block over a table with the given text. */
static cz_status played(const char *table, cz_bio_played *out) {
  char dir[512], path[700], json[1024];
  cz_test_tmpdir(dir, sizeof dir, "iclampcsv");
  cz_test_write(path, sizeof path, dir, "amps.csv", table);
  snprintf(json, sizeof json, "{\"input_type\": \"csv\", \"module\": \"IClamp\", \"file\": \"%s\"}", path);
  cJSON *j = cJSON_Parse(json);
  assert_non_null(j);
  cz_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.path = "config.json";
  cfg.dt = 0.1;
  cz_cfg_block b = {.name = "clamp", .input_type = "csv", .module = "IClamp", .json = j, .file = "config.json"};
  const cz_status st = cz_bio_played_read(&cfg, &b, out);
  cJSON_Delete(j);
  return st;
}

static void expect_amps(const cz_bio_played *p, const double *want, size_t n) {
  assert_int_equal(p->n, n);
  for (size_t k = 0; k < n; k++)
    if (p->amps[k] != want[k]) fail_msg("amplitude %zu: %g, want %g", k, p->amps[k], want[k]);
}

static void test_resampled_on_the_gcd(void **state) {
  (void)state;
  cz_bio_played p;
  assert_int_equal(played("timestamps amps\n150 0.1\n250 0.2\n350 0.3\n", &p), CZ_OK);
  const double want[] = {0, 0, 0, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3};
  expect_amps(&p, want, 9);
  assert_true(p.idt == 50.0 && p.del == 0.0);
  assert_true(p.dur == 400.0); /* 350 + the played step of 50 ms, the last amplitude being 0.3 */
  cz_bio_played_free(&p);
}

static void test_from_zero_and_from_one_step(void **state) {
  (void)state;
  cz_bio_played p;
  assert_int_equal(played("timestamps amps\n0 0\n100 0.25\n200 0.35\n300 0\n", &p), CZ_OK);
  const double as_is[] = {0, 0.25, 0.35, 0};
  expect_amps(&p, as_is, 4);
  assert_true(p.idt == 100.0 && p.dur == 300.0); /* ends at 0: off at the last time */
  cz_bio_played_free(&p);
  assert_int_equal(played("timestamps amps\n100 0.25\n200 0.35\n", &p), CZ_OK);
  const double lead[] = {0, 0.25, 0.35};
  expect_amps(&p, lead, 3);
  assert_true(p.idt == 100.0 && p.dur == 300.0); /* 200 + one step, the last amplitude being 0.35 */
  cz_bio_played_free(&p);
}

static void test_uneven_refused(void **state) {
  (void)state;
  cz_bio_played p;
  assert_int_equal(played("timestamps amps\n0 0\n100 0.2\n150 0.3\n", &p), CZ_ERR_FORMAT);
  assert_non_null(strstr(cz_error_message(), "line 4"));
  assert_non_null(strstr(cz_error_message(), "not evenly spaced"));
  cz_error_clear();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resampled_on_the_gcd),
      cmocka_unit_test(test_from_zero_and_from_one_step),
      cmocka_unit_test(test_uneven_refused),
  };
  return cz_test_exit_code(cmocka_run_group_tests(tests, NULL, NULL));
}
