/* More malformed inputs and output clashes, on the fixture of test_malformed.c (included for
 * its folder builder and its failure contract: exit 2 or 3, one "cadenza: error:" line naming
 * the file and key, no output left). Each case here was once accepted with exit 0. */
#define CZ_MALFORMED_FIXTURE_ONLY
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "malformed/test_malformed.c"
#pragma GCC diagnostic pop

#include <time.h>

/* ------------------------------------------------------------------------------------------ */
/* Edge files                                                                                  */

/* Through the target_to_source index as without it: a target past the population's end is an
 * error, not an edge dropped. */
static void test_indexed_target_past_end(void **state) {
  fx *f = *state;
  edges_spec s = cc_default();
  s.tgt[7] = 42;
  s.indexed = true;
  for (int threads = 1; threads <= 2; threads++) {
    setenv("OMP_NUM_THREADS", threads == 1 ? "1" : "2", 1);
    for (uint64_t listed = 0; listed <= N_CORTEX; listed += N_CORTEX) { /* the index with and without id 42 */
      s.index_nodes = listed;
      write_edges(f, "network/cortex_cortex_edges.h5", &s);
      expect_input_error(f, "cortex_cortex_edges.h5", "target_node_id");
      last_message_mentions("42");
    }
  }
  unsetenv("OMP_NUM_THREADS");
}

/* A population whose datasets are empty cannot be the target of edges. */
static void test_empty_population_targeted(void **state) {
  fx *f = *state;
  nodes_spec empty = nodes_default("cortex", 0, 100);
  write_nodes(f, "network/cortex_nodes.h5", &empty);
  expect_input_error(f, "_edges.h5", "target_node_id");
}

static void test_nan_delay_in_csv(void **state) {
  fx *f = *state;
  fx_replace(f, "network/thalamus_cortex_edge_types.csv", "4.0 2.0", "4.0 nan");
  expect_input_error(f, "thalamus_cortex_edge_types.csv", "delay");
}

static void test_delay_too_long(void **state) {
  fx *f = *state;
  fx_replace(f, "network/thalamus_cortex_edge_types.csv", "4.0 2.0", "4.0 1e9");
  expect_input_error(f, "thalamus_cortex_edges.h5", "delay");
  if (strstr(g_last.err, "shorter")) fail_msg("a long delay is called short");
}

/* (The group ids are read where the groups hold synapse columns.) */
static void test_edge_group_unknown(void **state) {
  fx *f = *state;
  static double w[N_CC];
  for (size_t i = 0; i < N_CC; i++) w[i] = 1.0;
  edges_spec s = cc_default();
  s.syn_weight = w;
  s.group_id = 3;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_input_error(f, "cortex_cortex_edges.h5", "edge_group_id");
}

static void test_node_group_unknown(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", N_CORTEX, 100);
  s.group_id = 5;
  write_nodes(f, "network/cortex_nodes.h5", &s);
  expect_input_error(f, "cortex_nodes.h5", "node_group_id");
}

static void test_node_type_id_short(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", N_CORTEX, 100);
  s.n_type_ids = N_CORTEX - 2;
  write_nodes(f, "network/cortex_nodes.h5", &s);
  expect_input_error(f, "cortex_nodes.h5", "node_type_id");
}

/* ------------------------------------------------------------------------------------------ */
/* Nodes and components                                                                        */

/* A dynamics_params naming a folder, with or without the .json suffix (a file without it is
 * passed on as it is, a folder must not be). */
static void test_dynamics_params_directory(void **state) {
  fx *f = *state;
  fx_unlink(f, "components/point_neuron_models/cell.json");
  fx_mkdir(f, "components/point_neuron_models/cell.json");
  expect_input_error(f, "cell.json", "dynamics_params");
  last_message_mentions("folder");
  fx_replace(f, "network/cortex_node_types.csv", "cell.json", "cells");
  fx_mkdir(f, "components/point_neuron_models/cells");
  expect_input_error(f, "cells", "dynamics_params");
  last_message_mentions("folder");
  fx_mkdir(f, "components/synaptic_models/syn_dir");
  fx_replace(f, "network/thalamus_cortex_edge_types.csv", "exc_syn.json", "syn_dir");
  fx_replace(f, "network/cortex_node_types.csv", "cells", "cell2.json"); /* the nodes fine again */
  fx_write(f, "components/point_neuron_models/cell2.json", "{\"I_e\": 500.0}\n");
  expect_input_error(f, "syn_dir", "dynamics_params");
}

/* A nodes file with "enabled": false is not loaded (its population is unknown to the edges
 * that name it). */
static void test_disabled_nodes_file(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"node_types_file\": \"$NETWORK_DIR/thalamus_node_types.csv\"",
             "\"node_types_file\": \"$NETWORK_DIR/thalamus_node_types.csv\",\n        \"enabled\": false");
  fx_unlink(f, "network/thalamus_nodes.h5"); /* never opened */
  expect_input_error(f, "thalamus_cortex_edges.h5", "thalamus");
  last_message_mentions("\"enabled\": false");
}

/* ------------------------------------------------------------------------------------------ */
/* Config                                                                                      */

static void test_tstop_huge(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"tstop\": 50.0", "\"tstop\": 1e300");
  expect_input_error(f, "config.json", "run.tstop");
}

static void test_spike_time_huge(void **state) {
  fx *f = *state;
  write_spikes_input(f, 1e300);
  expect_input_error(f, "thalamus_spikes.h5", "timestamps");
}

static void test_clamp_time_huge(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "  \"inputs\": {\n",
             "  \"inputs\": {\n"
             "    \"step_current\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\",\n"
             "      \"node_set\": \"cortex_cells\", \"amp\": 100.0, \"delay\": 1e300, \"duration\": 5.0},\n");
  expect_input_error(f, "config.json", "inputs.step_current");
}

static void test_json_nesting_too_deep(void **state) {
  fx *f = *state;
  enum { DEPTH = 100000 };
  char *text = malloc(2 * DEPTH + 64);
  assert_non_null(text);
  size_t k = (size_t)sprintf(text, "{\"deep\": ");
  for (int i = 0; i < DEPTH; i++) text[k++] = '[';
  for (int i = 0; i < DEPTH; i++) text[k++] = ']';
  sprintf(text + k, "}\n");
  fx_write(f, "config.json", text);
  free(text);
  expect_input_error(f, "config.json", "nest");
}

static void test_node_sets_file_is_a_folder(void **state) {
  fx *f = *state;
  fx_mkdir(f, "node_sets.json");
  fx_replace(f, "config.json",
             "  \"node_sets\": {\n"
             "    \"thalamus_cells\": {\"population\": \"thalamus\"},\n"
             "    \"cortex_cells\": {\"population\": \"cortex\"}\n"
             "  },\n",
             "  \"node_sets_file\": \"$BASE_DIR/node_sets.json\",\n");
  expect_input_error(f, "node_sets.json", "node_sets_file");
  last_message_mentions("folder");
}

/* ------------------------------------------------------------------------------------------ */
/* Output files                                                                                */

/* Two outputs naming one file: refused before anything is written. */
static void test_outputs_share_a_file(void **state) {
  fx *f = *state;
  static const char *const clashes[][2] = {
      {"\"spikes_file\": \"spikes.h5\"", "\"spikes_file\": \"spikes.h5\", \"log_file\": \"log.txt\", "
                                         "\"spikes_file_csv\": \"log.txt\""},
      {"\"spikes_file\": \"spikes.h5\"", "\"spikes_file\": \"spikes.h5\", \"spikes_file_csv\": \"spikes.h5\""},
      {"\"spikes_file\": \"spikes.h5\"", "\"spikes_file\": \"config.json\""},
  };
  for (size_t i = 0; i < sizeof clashes / sizeof clashes[0]; i++) {
    fx_replace(f, "config.json", clashes[i][0], clashes[i][1]);
    expect_input_error(f, "config.json", "output.");
    last_message_mentions("same file");
    fx_replace(f, "config.json", clashes[i][1], clashes[i][0]);
  }
}

static void test_report_shares_spikes_file(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "  \"output\": {\n",
             "  \"reports\": {\n"
             "    \"v\": {\"module\": \"membrane_report\", \"cells\": \"cortex_cells\", \"variable_name\": \"V_m\",\n"
             "           \"file_name\": \"spikes.h5\"}\n"
             "  },\n"
             "  \"output\": {\n");
  expect_input_error(f, "config.json", "reports.v");
  last_message_mentions("same file");
}

static void test_output_path_leaves_output_dir(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"spikes_file\": \"spikes.h5\"", "\"spikes_file\": \"../x.h5\"");
  expect_input_error(f, "config.json", "output.spikes_file");
  assert_false(fx_exists(f, "x.h5"));
}

/* ------------------------------------------------------------------------------------------ */
/* Threads                                                                                     */

/* Far more threads than cores are capped with a warning, and the run stays quick. */
static void test_threads_capped(void **state) {
  fx *f = *state;
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  char *argv[] = {(char *)g_cadenza, "run", config, "--no-progress", "-t", "1000", NULL};
  outcome o;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  spawn_capture(f, argv, false, &o);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (o.code != 0) fail_msg("exit %d: %s", o.code, o.err);
  if (!strstr(o.err, "--threads 1000")) fail_msg("no warning about the thread count: %s", o.err);
  const double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  print_message("[ cadenza  ] -t 1000: %.2f s\n", secs);
  assert_true(secs < 10.0);
}

/* ------------------------------------------------------------------------------------------ */
/* cadenza check finds the same faults                                                         */

static void expect_check_reports(const fx *f, const char *text) {
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  outcome o;
  run_check(f, config, &o);
  if (o.code != 2 || !strstr(o.err, text)) fail_msg("check: exit %d, want 2 and '%s':\n%s", o.code, text, o.err);
}

static void test_check_same_faults(void **state) {
  fx *f = *state;
  fx_unlink(f, "components/point_neuron_models/cell.json");
  fx_mkdir(f, "components/point_neuron_models/cell.json");
  expect_check_reports(f, "cell.json");
  remove_tree(f->dir);
  fx_build(f);
  fx_replace(f, "network/thalamus_cortex_edge_types.csv", "4.0 2.0", "4.0 nan");
  expect_check_reports(f, "thalamus_cortex_edge_types.csv");
  remove_tree(f->dir);
  fx_build(f);
  fx_replace(f, "config.json", "\"spikes_file\": \"spikes.h5\"",
             "\"spikes_file\": \"spikes.h5\", \"spikes_file_csv\": \"spikes.h5\"");
  expect_check_reports(f, "same file");
  remove_tree(f->dir);
  fx_build(f);
  edges_spec s = cc_default();
  s.tgt[7] = 42;
  s.indexed = true;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_check_reports(f, "cortex_cortex_edges.h5");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PATH/TO/cadenza\n", argv[0]);
    return 2;
  }
  g_cadenza = argv[1];
  const char *omp = getenv("OMP_NUM_THREADS");
  if (omp && !*omp) unsetenv("OMP_NUM_THREADS");
  signal(SIGPIPE, SIG_IGN);
  const char *only = getenv("CZ_TEST_FILTER"); /* e.g. "test_tstop*" */
  if (only && *only) cmocka_set_test_filter(only);
  const struct CMUnitTest tests[] = {
      CASE(test_valid_fixture_runs),
      CASE(test_indexed_target_past_end),
      CASE(test_empty_population_targeted),
      CASE(test_nan_delay_in_csv),
      CASE(test_delay_too_long),
      CASE(test_edge_group_unknown),
      CASE(test_node_group_unknown),
      CASE(test_node_type_id_short),
      CASE(test_dynamics_params_directory),
      CASE(test_disabled_nodes_file),
      CASE(test_tstop_huge),
      CASE(test_spike_time_huge),
      CASE(test_clamp_time_huge),
      CASE(test_json_nesting_too_deep),
      CASE(test_node_sets_file_is_a_folder),
      CASE(test_outputs_share_a_file),
      CASE(test_report_shares_spikes_file),
      CASE(test_output_path_leaves_output_dir),
      CASE(test_threads_capped),
      CASE(test_check_same_faults),
  };
  return cmocka_run_group_tests_name("malformed_more", tests, NULL, NULL);
}
