/* The BioNet run settings from the simulation config (bionet-spec.md §1, §3.7): celsius and
 * v_init required, dL 20 by default and null for no re-segmentation, spike_threshold -15 by
 * default, the units switch; each bad value named with its key and file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <stdio.h>
#include <string.h>

#include "bionet/run_config.h"
#include "io/config.h"

/* Loads a config with the given run and conditions members (JSON text inside the braces). */
static cz_status read_with(const char *run, const char *conditions, bool legacy, cz_bio_run_config *out, char *path,
                           size_t n) {
  char dir[512], text[2048];
  cz_test_tmpdir(dir, sizeof dir, "bioconf");
  snprintf(text, sizeof text,
           "{\"run\": {\"tstop\": 10, \"dt\": 0.1%s}, %s \"networks\": {\"nodes\": [{\"nodes_file\": \"n.h5\", \"node_types_file\": \"t.csv\"}]}}", run, conditions);
  cz_test_write(path, n, dir, "config.json", text);
  cz_config *cfg = NULL;
  if (cz_cfg_load(path, NULL, &cfg) != CZ_OK) fail_msg("%s: %s", path, cz_error_message());
  const cz_status st = cz_bio_run_config_read(cfg, legacy ? CZ_BIO_UNITS_LEGACY : CZ_BIO_UNITS_CONFIG, out);
  cz_cfg_destroy(&cfg);
  return st;
}

static void test_defaults_and_values(void **state) {
  (void)state;
  char path[700];
  cz_bio_run_config c;
  assert_int_equal(read_with("", "\"conditions\": {\"celsius\": 34.0, \"v_init\": -80},", false, &c, path, sizeof path),
                   CZ_OK);
  assert_true(c.celsius == 34.0 && c.v_init == -80.0 && c.dL == 20.0 && c.spike_threshold == -15.0);
  assert_ptr_equal(c.units, &cz_units_modern);
  assert_int_equal(read_with(", \"dL\": null, \"spike_threshold\": 0, \"nrn_units\": \"legacy\"",
                             "\"conditions\": {\"celsius\": 6.3, \"v_init\": -65},", false, &c, path, sizeof path),
                   CZ_OK);
  assert_true(c.dL == 0 && c.spike_threshold == 0.0);
  assert_ptr_equal(c.units, &cz_units_legacy);
  assert_int_equal(read_with(", \"dL\": 5", "\"conditions\": {\"celsius\": 34, \"v_init\": -70},", true, &c, path,
                             sizeof path),
                   CZ_OK);
  assert_true(c.dL == 5.0);
  assert_ptr_equal(c.units, &cz_units_legacy); /* the command line's switch */
}

static void test_refusals(void **state) {
  (void)state;
  static const struct {
    const char *run, *conditions, *says;
  } bad[] = {
      {"", "", "missing key \"conditions.celsius\""},
      {"", "\"conditions\": {\"celsius\": 34},", "missing key \"conditions.v_init\""},
      {"", "\"conditions\": {\"celsius\": \"34\", \"v_init\": -80},", "conditions.celsius: must be a finite number"},
      {", \"dL\": -1", "\"conditions\": {\"celsius\": 34, \"v_init\": -80},", "run.dL: must be a positive number"},
      {", \"dL\": \"20\"", "\"conditions\": {\"celsius\": 34, \"v_init\": -80},", "run.dL: must be a positive number"},
      {", \"spike_threshold\": null", "\"conditions\": {\"celsius\": 34, \"v_init\": -80},",
       "run.spike_threshold: must be a finite number"},
      {", \"nrn_units\": \"old\"", "\"conditions\": {\"celsius\": 34, \"v_init\": -80},",
       "run.nrn_units: must be \"modern\" or \"legacy\""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char path[700];
    cz_bio_run_config c;
    const cz_status st = read_with(bad[i].run, bad[i].conditions, false, &c, path, sizeof path);
    if (st != CZ_ERR_CONFIG || !strstr(cz_error_message(), bad[i].says) || !strstr(cz_error_message(), path))
      fail_msg("case %zu: status %d, '%s'; expected '%s' naming %s", i, (int)st, cz_error_message(), bad[i].says, path);
    cz_error_clear();
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_and_values),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
