/* What the point engine accepts of a config (pointnet/modules.h): NEST's time grid, the
 * start time, and the input and report modules, each refusal naming the key and the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "cz_test.h"
#include "pointnet/modules.h"

static void assert_refused(cz_status st, cz_status code, const char *want1, const char *want2) {
  assert_int_equal(st, code);
  const char *msg = cz_error_message();
  if (!strstr(msg, want1) || (want2 && !strstr(msg, want2))) fail_msg("message '%s' lacks '%s' / '%s'", msg, want1, want2 ? want2 : "");
  cz_error_clear();
}

static cz_config config_of(double dt) {
  cz_config c;
  memset(&c, 0, sizeof c);
  c.path = "/top/config.json";
  c.run_file = "/top/simulation.json";
  c.dt = dt;
  return c;
}

static void test_time_grid(void **state) {
  (void)state;
  cz_config c = config_of(0.1);
  assert_int_equal(cz_pointnet_check_dt(&c), CZ_OK);
  c.dt = 0.025;
  assert_int_equal(cz_pointnet_check_dt(&c), CZ_OK);
  c.dt = 0.001;
  assert_int_equal(cz_pointnet_check_dt(&c), CZ_OK);
  c.dt = 0.0015;
  assert_refused(cz_pointnet_check_dt(&c), CZ_ERR_CONFIG, "config: run.dt: must be a multiple of 0.001 ms",
                 "(got 0.0015) in /top/simulation.json");
  c.dt = 0.0001; /* below one tic */
  assert_refused(cz_pointnet_check_dt(&c), CZ_ERR_CONFIG, "run.dt", "multiple of 0.001");
  c.dt = 0.0005;
  c.dt_overridden = true;
  c.run_file = NULL;
  assert_refused(cz_pointnet_check_dt(&c), CZ_ERR_ARG, "config: --dt (command-line override): must be a multiple",
                 "in /top/config.json");
  assert_refused(cz_pointnet_check_config(&c), CZ_ERR_ARG, "--dt", NULL);
}

static void test_start(void **state) {
  (void)state;
  cz_config c = config_of(0.1);
  assert_int_equal(cz_pointnet_check_start(&c), CZ_OK);
  c.tstart = 5;
  assert_refused(cz_pointnet_check_start(&c), CZ_ERR_CONFIG, "/top/config.json: run.tstart is 5 ms", "starts at 0 ms");
  assert_refused(cz_pointnet_check_config(&c), CZ_ERR_CONFIG, "run.tstart", NULL);
}

static cz_cfg_block block(const char *name, const char *type, const char *module, bool enabled) {
  cz_cfg_block b;
  memset(&b, 0, sizeof b);
  b.name = (char *)name;
  b.input_type = (char *)type;
  b.module = (char *)module;
  b.enabled = enabled;
  b.file = "/top/inputs.json";
  return b;
}

static void test_inputs(void **state) {
  (void)state;
  cz_config c = config_of(0.1);
  const cz_cfg_block ok[] = {block("a", "spikes", "sonata", true), block("b", "spikes", "CSV", true),
                             block("c", "current_clamp", "IClamp", true), block("d", "poisson", NULL, true),
                             block("e", "movie", "movie", false), block("f", "spikes", "nwb", true),
                             /* a Cadenza extension on PointNet; its keys are checked against the circuit */
                             block("g", "replay_spikes", "replay", true)};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) assert_int_equal(cz_pointnet_check_input(&c, &ok[i]), CZ_OK);
  cz_cfg_block b = block("weird", "movie", "movie", true);
  assert_refused(cz_pointnet_check_input(&c, &b), CZ_ERR_CONFIG,
                 "/top/inputs.json: inputs.weird: module \"movie\" (input_type \"movie\") is a BMTK input",
                 "set \"enabled\": false");
  b = block("fn", "spikes", "function", true);
  assert_refused(cz_pointnet_check_input(&c, &b), CZ_ERR_CONFIG, "inputs.fn: module \"function\" runs a Python", NULL);
  b = block("nomod", "spikes", NULL, true);
  assert_refused(cz_pointnet_check_input(&c, &b), CZ_ERR_CONFIG, "inputs.nomod has no \"module\"", NULL);
  b = block("x", "spikes", "carrier_pigeon", true);
  assert_refused(cz_pointnet_check_input(&c, &b), CZ_ERR_CONFIG, "unknown input module \"carrier_pigeon\"",
                 "IClamp and poisson");
  b = block("ecp_in", "lfp", "xstim", true);
  assert_refused(cz_pointnet_check_input(&c, &b), CZ_ERR_CONFIG, "module \"xstim\"", "does not have yet");
}

static void test_reports(void **state) {
  (void)state;
  cz_config c = config_of(0.1);
  const char *const ok[] = {"membrane_report", "multimeter_report", "multimeter", "netcon_report", "weight_recorder",
                            "spikes_report"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    const cz_cfg_block b = block("r", NULL, ok[i], true);
    assert_int_equal(cz_pointnet_check_report(&c, &b), CZ_OK);
  }
  /* BMTK's PointNet aborts on syn_weight; a disabled block is never looked at */
  cz_cfg_block b = block("s", NULL, "syn_weight", false);
  assert_int_equal(cz_pointnet_check_report(&c, &b), CZ_OK);
  b.enabled = true;
  assert_refused(cz_pointnet_check_report(&c, &b), CZ_ERR_CONFIG,
                 "/top/inputs.json: reports.s.module: \"syn_weight\" is a BMTK report that Cadenza does not write",
                 NULL);
  /* inputs are refused before reports */
  cz_cfg_block in = block("weird", "movie", "movie", true);
  c.inputs = &in;
  c.ninputs = 1;
  c.reports = &b;
  c.nreports = 1;
  assert_refused(cz_pointnet_check_config(&c), CZ_ERR_CONFIG, "inputs.weird", NULL);
  in.enabled = false;
  assert_refused(cz_pointnet_check_config(&c), CZ_ERR_CONFIG, "reports.s.module", NULL);
  b.enabled = false;
  assert_int_equal(cz_pointnet_check_config(&c), CZ_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_time_grid),
      cmocka_unit_test(test_start),
      cmocka_unit_test(test_inputs),
      cmocka_unit_test(test_reports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
