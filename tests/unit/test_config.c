/* Unit tests of io/config: the SONATA simulation config read as BMTK reads it (sonata-spec 2). */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "base/log.h"
#include "base/str.h"
#include "cz_test.h"
#include "io/config.h"

#define PATH_MAX_T 4096
#define DIR_T 1024 /* shorter than PATH_MAX_T, so dir + "/name" always fits */

/* A valid network section pointing at files that need not exist (the loader never opens them). */
#define NETWORKS \
  "\"networks\": {\"nodes\": [{\"nodes_file\": \"net/a_nodes.h5\", \"node_types_file\": \"net/a_types.csv\"}]}"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

/* Writes dir/name from a printf format, returning the path in out. */
static void write_fmt(char *out, const char *dir, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void write_fmt(char *out, const char *dir, const char *name, const char *fmt, ...) {
  char text[16384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  cz_test_write(out, PATH_MAX_T, dir, name, text);
}

/* A config "config.json" in a fresh folder: run section and more top-level members. */
static void simple_cfg(char *path, char *dir, const char *tag, const char *run, const char *more) {
  cz_test_tmpdir(dir, DIR_T, tag);
  write_fmt(path, dir, "config.json", "{\"run\": %s, " NETWORKS "%s%s}", run, *more ? ", " : "", more);
}

static cz_config *load_ok(const char *path, const cz_cfg_overrides *ov) {
  cz_config *cfg = NULL;
  cz_error_clear();
  cz_status st = cz_cfg_load(path, ov, &cfg);
  if (st != CZ_OK) fail_msg("loading %s failed: %s", path, cz_error_message());
  assert_non_null(cfg);
  return cfg;
}

/* Loading must fail with code and a message holding every non-NULL want. */
static void load_fails(const char *path, const cz_cfg_overrides *ov, cz_status code, const char *want1,
                       const char *want2, const char *want3) {
  cz_config *cfg = (cz_config *)0x1;
  cz_error_clear();
  cz_status st = cz_cfg_load(path, ov, &cfg);
  if (st == CZ_OK) fail_msg("loading %s should have failed", path);
  assert_null(cfg);
  const char *msg = cz_error_message();
  if (st != code) fail_msg("status %d instead of %d: %s", (int)st, (int)code, msg);
  const char *wants[3] = {want1, want2, want3};
  for (int i = 0; i < 3; i++) {
    if (wants[i] && !strstr(msg, wants[i])) fail_msg("message '%s' lacks '%s'", msg, wants[i]);
  }
  if (strchr(msg, '\n')) fail_msg("message spans several lines: '%s'", msg);
}

/* Simple config whose loading must fail. */
static void simple_fails(const char *run, const char *more, cz_status code, const char *want1,
                         const char *want2) {
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgerr", run, more);
  load_fails(path, NULL, code, want1, want2, path);
}

static const cJSON *at(const cJSON *obj, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v) fail_msg("key '%s' missing", key);
  return v;
}

static const char *str_at(const cJSON *obj, const char *key) {
  const cJSON *v = at(obj, key);
  if (!cJSON_IsString(v)) fail_msg("key '%s' is not a string", key);
  return v->valuestring;
}

static void assert_path(const char *got, const char *dir, const char *rel) {
  char *want = NULL;
  assert_int_equal(cz_asprintf(&want, "%s/%s", dir, rel), CZ_OK);
  assert_non_null(got);
  if (strcmp(got, want) != 0) fail_msg("path '%s' instead of '%s'", got, want);
  free(want);
}

static cz_cfg_overrides no_overrides(void) { return (cz_cfg_overrides){NAN, NAN, NULL}; }

/* ------------------------------------------------------------------------------------------ */
/* Loading and defaults                                                                        */

static void test_minimal_defaults(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgmin", "{\"tstop\": 100.0, \"dt\": 0.1}", "");
  cz_config *cfg = load_ok(path, NULL);
  assert_string_equal(cfg->path, path);
  assert_string_equal(cfg->dir, dir);
  assert_true(cfg->dt == 0.1);
  assert_true(cfg->tstop == 100.0);
  assert_true(cfg->tstart == 0.0);
  assert_int_equal(cfg->n_thread, 0);
  assert_true(cfg->precise_times);
  assert_false(cfg->allow_offgrid_spikes);
  assert_int_equal(cfg->nsteps_block, 0);
  assert_null(cfg->target_simulator);
  assert_string_equal(cfg->output_dir, dir);
  assert_false(cfg->overwrite_output_dir);
  assert_null(cfg->log_file);
  assert_null(cfg->log_level);
  assert_true(cfg->log_to_console);
  assert_false(cfg->quiet_simulator);
  assert_null(cfg->spikes_file);
  assert_null(cfg->spikes_file_csv);
  assert_null(cfg->spikes_file_nwb);
  assert_int_equal(cfg->sort_order, CZ_SORT_NONE);
  assert_int_equal(cfg->ncomponents, 0);
  assert_int_equal(cfg->nnodes, 1);
  assert_path(cfg->nodes[0].nodes_file, dir, "net/a_nodes.h5");
  assert_path(cfg->nodes[0].node_types_file, dir, "net/a_types.csv");
  assert_int_equal(cfg->nedges, 0);
  assert_null(cfg->node_sets);
  assert_null(cfg->node_sets_file);
  assert_int_equal(cfg->ninputs, 0);
  assert_int_equal(cfg->nreports, 0);
  assert_null(cz_cfg_component(cfg, "anything"));
  cz_cfg_destroy(&cfg);
  assert_null(cfg);
  cz_cfg_destroy(&cfg);
  cz_cfg_destroy(NULL);
}

static void test_relative_config_path(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], cwd[PATH_MAX_T];
  simple_cfg(path, dir, "cfgrel", "{\"tstop\": 1, \"dt\": 1}", "");
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  cz_config *cfg = NULL;
  cz_status st = cz_cfg_load("./config.json", NULL, &cfg);
  assert_int_equal(chdir(cwd), 0);
  if (st != CZ_OK) fail_msg("%s", cz_error_message());
  assert_string_equal(cfg->path, path);
  assert_string_equal(cfg->dir, dir);
  assert_path(cfg->nodes[0].nodes_file, dir, "net/a_nodes.h5");
  cz_cfg_destroy(&cfg);
}

static void test_run_options(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgrun",
             "{\"tstop\": 50, \"dt\": 0.025, \"tstart\": 5, \"n_thread\": 4, \"precise_times\": false, "
             "\"allow_offgrid_spikes\": true, \"nsteps_block\": 5000, \"overwrite_output_dir\": true}",
             "\"target_simulator\": \"NEST\", \"output\": {\"log_to_console\": false, \"quiet_simulator\": true, "
             "\"log_level\": \"DEBUG\"}");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->tstop == 50);
  assert_true(cfg->dt == 0.025);
  assert_true(cfg->tstart == 5);
  assert_int_equal(cfg->n_thread, 4);
  assert_false(cfg->precise_times);
  assert_true(cfg->allow_offgrid_spikes);
  assert_int_equal(cfg->nsteps_block, 5000);
  assert_true(cfg->overwrite_output_dir); /* from run */
  assert_false(cfg->log_to_console);
  assert_true(cfg->quiet_simulator);
  assert_string_equal(cfg->log_level, "DEBUG");
  assert_string_equal(cfg->target_simulator, "NEST");
  cz_cfg_destroy(&cfg);
}

static void test_overwrite_output_wins_over_run(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgow", "{\"tstop\": 1, \"dt\": 0.1, \"overwrite_output_dir\": true}",
             "\"output\": {\"overwrite_output_dir\": false}");
  cz_config *cfg = load_ok(path, NULL);
  assert_false(cfg->overwrite_output_dir);
  cz_cfg_destroy(&cfg);
  simple_cfg(path, dir, "cfgow", "{\"tstop\": 1, \"dt\": 0.1}", "\"output\": {\"overwrite_output_dir\": true}");
  cfg = load_ok(path, NULL);
  assert_true(cfg->overwrite_output_dir);
  cz_cfg_destroy(&cfg);
}

static void test_duration_vs_tstop(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgdur", "{\"tstop\": 3000, \"duration\": 1500, \"dt\": 0.1}", "");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->tstop == 1500);
  cz_cfg_destroy(&cfg);
  simple_cfg(path, dir, "cfgdur", "{\"duration\": 250.5, \"dt\": 0.1}", "");
  cfg = load_ok(path, NULL);
  assert_true(cfg->tstop == 250.5);
  cz_cfg_destroy(&cfg);
  simple_cfg(path, dir, "cfgdur", "{\"tstop\": 42, \"dt\": 0.1}", "");
  cfg = load_ok(path, NULL);
  assert_true(cfg->tstop == 42);
  cz_cfg_destroy(&cfg);
}

static void test_dt_tic_multiples_accepted(void **state) {
  (void)state;
  static const double ok[] = {0.001, 0.01, 0.025, 0.1, 0.3, 1.0, 0.123, 2.5};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char dir[DIR_T], path[PATH_MAX_T], run[128];
    snprintf(run, sizeof run, "{\"tstop\": 10, \"dt\": %.17g}", ok[i]);
    simple_cfg(path, dir, "cfgtic", run, "");
    cz_config *cfg = load_ok(path, NULL);
    assert_true(cfg->dt == ok[i]);
    cz_cfg_destroy(&cfg);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Manifest                                                                                    */

static void test_manifest_expansion(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], cwd[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgman");
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$A\": \"alpha\", \"B\": \"$A-beta\", \"$C\": \"${B}_gamma\", \"$N\": 5, "
            "\"$T\": true, \"$DT\": 0.25, \"$D\": \"${C}/$B\"},\n"
            " \"run\": {\"tstop\": 10, \"dt\": \"$DT\"},\n"
            " \"probe\": {\"a\": \"$A\", \"b\": \"${A}/x\", \"c\": \"$NOPE/y\", \"d\": \"${N}\", \"e\": \"n=$N\",\n"
            "   \"t\": \"$T\", \"te\": \"is $T\", \"l\": [\"$A\", 1, {\"k\": \"$B\"}], \"$A\": \"key kept\",\n"
            "   \"f\": \"${A\", \"g\": \"$A}\", \"h\": \"$A_x\", \"dollar\": \"cost $ 5\", \"chain\": \"$D\",\n"
            "   \"cd\": \"${configdir}\", \"cf\": \"$configfname\", \"wd\": \"$workingdir\", \"date\": \"$date\",\n"
            "   \"time\": \"${time}\", \"datetime\": \"$datetime\", \"manifest\": {\"x\": \"$A\"}},\n"
            " " NETWORKS "}");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->dt == 0.25); /* a typed variable */
  const cJSON *p = at(cfg->root, "probe");
  assert_string_equal(str_at(p, "a"), "alpha");
  assert_string_equal(str_at(p, "b"), "alpha/x");
  assert_string_equal(str_at(p, "c"), "$NOPE/y"); /* unknown: left alone */
  assert_true(cJSON_IsNumber(at(p, "d")));
  assert_true(at(p, "d")->valuedouble == 5);
  assert_string_equal(str_at(p, "e"), "n=5");
  assert_true(cJSON_IsTrue(at(p, "t")));
  assert_string_equal(str_at(p, "te"), "is True"); /* Python's str(True), as BMTK */
  const cJSON *l = at(p, "l");
  assert_int_equal(cJSON_GetArraySize(l), 3);
  assert_string_equal(cJSON_GetArrayItem(l, 0)->valuestring, "alpha");
  assert_true(cJSON_GetArrayItem(l, 1)->valuedouble == 1);
  assert_string_equal(str_at(cJSON_GetArrayItem(l, 2), "k"), "alpha-beta");
  assert_string_equal(str_at(p, "$A"), "key kept"); /* keys are never substituted */
  assert_string_equal(str_at(p, "f"), "${A");
  assert_string_equal(str_at(p, "g"), "$A}");
  assert_string_equal(str_at(p, "h"), "$A_x"); /* \w+ is greedy: variable A_x is unknown */
  assert_string_equal(str_at(p, "dollar"), "cost $ 5");
  assert_string_equal(str_at(p, "chain"), "alpha-beta_gamma/alpha-beta");
  assert_string_equal(str_at(p, "cd"), dir);
  assert_string_equal(str_at(p, "cf"), path);
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_string_equal(str_at(p, "wd"), cwd);
  assert_int_equal(strlen(str_at(p, "date")), 10);     /* YYYY-mm-dd */
  assert_int_equal(strlen(str_at(p, "time")), 8);      /* HH-MM-SS */
  assert_int_equal(strlen(str_at(p, "datetime")), 19); /* YYYY-mm-dd_HH-MM-SS */
  assert_string_equal(str_at(at(p, "manifest"), "x"), "$A"); /* "manifest" is skipped everywhere */
  /* the top-level manifest keeps its text as written */
  assert_string_equal(str_at(at(cfg->root, "manifest"), "B"), "$A-beta");
  cz_cfg_destroy(&cfg);
}

static void test_manifest_user_overrides_builtin(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgmanb");
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$configdir\": \"/elsewhere\", \"$BASE\": \"${configdir}/sub\"},"
            " \"run\": {\"tstop\": 10, \"dt\": 0.1}, \"probe\": \"$BASE\", " NETWORKS "}");
  cz_config *cfg = load_ok(path, NULL);
  assert_string_equal(str_at(cfg->root, "probe"), "/elsewhere/sub");
  cz_cfg_destroy(&cfg);
}

static void test_manifest_order_independent(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgmano");
  /* each variable uses one defined after it: needs one pass per link */
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$A\": \"$B/a\", \"$B\": \"$C/b\", \"$C\": \"$D/c\", \"$D\": \"d\"},"
            " \"run\": {\"tstop\": 10, \"dt\": 0.1}, \"probe\": \"$A\", " NETWORKS "}");
  cz_config *cfg = load_ok(path, NULL);
  assert_string_equal(str_at(cfg->root, "probe"), "d/c/b/a");
  cz_cfg_destroy(&cfg);
}

static void test_manifest_cycle(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgcyc");
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$A\": \"$B/x\", \"$B\": \"${A}/y\", \"$OK\": \"fine\"},"
            " \"run\": {\"tstop\": 10, \"dt\": 0.1}, " NETWORKS "}");
  load_fails(path, NULL, CZ_ERR_CONFIG, "unable to resolve manifest variables", "cycle?", path);
  load_fails(path, NULL, CZ_ERR_CONFIG, "$A", "$B", NULL);
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$SELF\": \"$SELF\"}, \"run\": {\"tstop\": 10, \"dt\": 0.1}, " NETWORKS "}");
  load_fails(path, NULL, CZ_ERR_CONFIG, "unable to resolve manifest variables", "$SELF", path);
}

static void test_manifest_undefined_variable(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgund");
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$A\": \"$NOPE/x\"}, \"run\": {\"tstop\": 10, \"dt\": 0.1}, " NETWORKS "}");
  load_fails(path, NULL, CZ_ERR_CONFIG, "manifest.A", "$NOPE", path);
}

static void test_manifest_not_object(void **state) {
  (void)state;
  simple_fails("{\"tstop\": 10, \"dt\": 0.1}", "\"manifest\": [1]", CZ_ERR_CONFIG, "manifest", "must be an object");
}

/* ------------------------------------------------------------------------------------------ */
/* Split configs                                                                               */

static void test_split_config_merge(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], sub[PATH_MAX_T + 64], tmp[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgsplit");
  snprintf(sub, sizeof sub, "%s/circuit", dir);
  assert_int_equal(mkdir(sub, 0755), 0);
  /* the circuit has its own manifest and folder */
  write_fmt(tmp, sub, "circuit_config.json",
            "{\"manifest\": {\"$NET\": \"./network\", \"$X\": \"circuit\"},"
            " \"components\": {\"point_neuron_models_dir\": \"../models/cells\", \"who\": \"$X\"},"
            " \"networks\": {\"nodes\": [{\"nodes_file\": \"$NET/v1_nodes.h5\","
            " \"node_types_file\": \"$NET/v1_types.csv\"}],"
            " \"edges\": [{\"edges_file\": \"${NET}/v1_v1_edges.h5\", \"edge_types_file\": \"$NET/t.csv\","
            " \"enabled\": false}]}}");
  write_fmt(tmp, dir, "simulation_config.json",
            "{\"manifest\": {\"$X\": \"simulation\", \"$OUT\": \"${configdir}/output\"},"
            " \"run\": {\"tstop\": 1000, \"dt\": 0.1}, \"probe\": \"$X\","
            " \"output\": {\"output_dir\": \"$OUT\", \"spikes_file\": \"spikes.h5\"}}");
  /* the parent's own sections: components gets replaced whole, target_simulator survives */
  write_fmt(path, dir, "config.json",
            "{\"network\": \"circuit/circuit_config.json\", \"simulation\": \"./simulation_config.json\","
            " \"components\": {\"old_dir\": \"x\"}, \"target_simulator\": \"NEST\", \"probe\": \"parent\"}");
  cz_config *cfg = load_ok(path, NULL);
  assert_int_equal(cfg->nnodes, 1);
  assert_path(cfg->nodes[0].nodes_file, sub, "network/v1_nodes.h5");
  assert_path(cfg->nodes[0].node_types_file, sub, "network/v1_types.csv");
  assert_int_equal(cfg->nedges, 1);
  assert_path(cfg->edges[0].edges_file, sub, "network/v1_v1_edges.h5");
  assert_false(cfg->edges[0].enabled);
  assert_int_equal(cfg->ncomponents, 2);
  assert_null(cz_cfg_component(cfg, "old_dir"));
  assert_path(cz_cfg_component(cfg, "point_neuron_models_dir"), dir, "models/cells");
  assert_path(cz_cfg_component(cfg, "who"), sub, "circuit"); /* circuit's own $X */
  assert_string_equal(str_at(cfg->root, "probe"), "simulation"); /* the child replaces the parent */
  assert_string_equal(cfg->target_simulator, "NEST");
  assert_true(cfg->tstop == 1000);
  assert_path(cfg->output_dir, dir, "output");
  assert_path(cfg->spikes_file, dir, "output/spikes.h5");
  cz_cfg_destroy(&cfg);
}

/* A simulation config that itself names the circuit, loaded directly (BMTK's examples). */
static void test_nested_child(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], tmp[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgnest");
  write_fmt(tmp, dir, "circuit.json", "{" NETWORKS "}");
  write_fmt(tmp, dir, "sim.json",
            "{\"manifest\": {\"$BASE\": \".\"}, \"network\": \"$BASE/circuit.json\","
            " \"run\": {\"tstop\": 10, \"dt\": 0.1}}");
  write_fmt(path, dir, "config.json", "{\"simulation\": \"sim.json\"}");
  cz_config *cfg = load_ok(path, NULL);
  assert_path(cfg->nodes[0].nodes_file, dir, "net/a_nodes.h5");
  assert_string_equal(str_at(cfg->root, "network"), "./circuit.json");
  cz_cfg_destroy(&cfg);
}

static void test_error_names_child_file(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], sim[PATH_MAX_T], tmp[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgchild");
  write_fmt(tmp, dir, "circuit.json", "{" NETWORKS "}");
  write_fmt(sim, dir, "sim.json", "{\"run\": {\"tstop\": 10}}");
  write_fmt(path, dir, "config.json", "{\"network\": \"circuit.json\", \"simulation\": \"sim.json\"}");
  char want[PATH_MAX_T + 64];
  snprintf(want, sizeof want, "config: missing key \"run.dt\" in %s", sim);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
}

static void test_missing_child_config(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgnochild");
  write_fmt(path, dir, "config.json", "{\"network\": \"nope/circuit.json\", \"run\": {\"tstop\": 1, \"dt\": 1}}");
  load_fails(path, NULL, CZ_ERR_IO, "network", "nope/circuit.json", path);
}

static void test_include_cycle(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], other[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfginc");
  write_fmt(other, dir, "b.json", "{\"simulation\": \"config.json\"}");
  write_fmt(path, dir, "config.json", "{\"network\": \"b.json\", \"run\": {\"tstop\": 1, \"dt\": 1}, " NETWORKS "}");
  load_fails(path, NULL, CZ_ERR_CONFIG, "include cycle", "simulation", other);
  write_fmt(path, dir, "config.json", "{\"network\": \"./config.json\"}");
  load_fails(path, NULL, CZ_ERR_CONFIG, "include cycle", "network", path);
}

/* The same circuit reached twice (not a cycle), as in sonata/examples/300_pointneurons. */
static void test_child_loaded_twice(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], tmp[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgtwice");
  write_fmt(tmp, dir, "circuit.json", "{" NETWORKS "}");
  write_fmt(tmp, dir, "sim.json", "{\"network\": \"circuit.json\", \"run\": {\"tstop\": 10, \"dt\": 0.1}}");
  write_fmt(path, dir, "config.json", "{\"network\": \"circuit.json\", \"simulation\": \"sim.json\"}");
  cz_config *cfg = load_ok(path, NULL);
  assert_int_equal(cfg->nnodes, 1);
  cz_cfg_destroy(&cfg);
}

/* ------------------------------------------------------------------------------------------ */
/* Paths                                                                                       */

static void test_path_resolution(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgpath");
  write_fmt(path, dir, "config.json",
            "{\"run\": {\"tstop\": 10, \"dt\": 0.1},"
            " \"components\": {\"synaptic_models_dir\": \"./comp/../syn\", \"abs_dir\": \"/opt/models\"},"
            " \"networks\": {\"nodes\": [{\"nodes_file\": \"n1.h5\", \"node_types_file\": \"../up/t1.csv\"},"
            "  {\"nodes_file\": \"/abs/n2.h5\", \"node_types_file\": \"t2.csv\"}],"
            "  \"edges\": [{\"edges_file\": \"e.h5\", \"edge_types_file\": \"et.csv\"}],"
            "  \"gap_juncs\": [{\"gap_juncs_file\": \"gj.h5\"}]},"
            " \"node_sets_file\": \"sets/../ns.json\","
            " \"node_sets\": {\"all_e\": {\"ei\": \"e\"}},"
            " \"inputs\": {\"sp\": {\"input_type\": \"spikes\", \"module\": \"h5\", \"input_file\": \"in/sp.h5\"},"
            "   \"cur\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", \"file\": \"amps.csv\","
            "             \"data_file\": \"d.h5\", \"other\": \"not/a/path\"}},"
            " \"reports\": {\"v\": {\"module\": \"membrane_report\", \"file_name\": \"v.h5\", \"cells\": \"all\"}}}");
  cz_config *cfg = load_ok(path, NULL);
  assert_path(cz_cfg_component(cfg, "synaptic_models_dir"), dir, "syn");
  assert_string_equal(cz_cfg_component(cfg, "abs_dir"), "/opt/models");
  assert_int_equal(cfg->nnodes, 2);
  assert_path(cfg->nodes[0].nodes_file, dir, "n1.h5");
  char *up = NULL;
  assert_int_equal(cz_path_join(dir, "../up/t1.csv", &up), CZ_OK);
  assert_string_equal(cfg->nodes[0].node_types_file, up);
  free(up);
  assert_string_equal(cfg->nodes[1].nodes_file, "/abs/n2.h5");
  assert_path(cfg->edges[0].edges_file, dir, "e.h5");
  assert_path(cfg->edges[0].edge_types_file, dir, "et.csv");
  assert_true(cfg->edges[0].enabled);
  const cJSON *gj = cJSON_GetArrayItem(at(at(cfg->root, "networks"), "gap_juncs"), 0);
  assert_path(str_at(gj, "gap_juncs_file"), dir, "gj.h5");
  assert_path(cfg->node_sets_file, dir, "ns.json");
  assert_int_equal(cfg->ninputs, 2);
  assert_path(str_at(cfg->inputs[0].json, "input_file"), dir, "in/sp.h5");
  assert_path(str_at(cfg->inputs[1].json, "file"), dir, "amps.csv");
  assert_path(str_at(cfg->inputs[1].json, "data_file"), dir, "d.h5");
  assert_string_equal(str_at(cfg->inputs[1].json, "other"), "not/a/path");
  assert_string_equal(str_at(cfg->reports[0].json, "file_name"), "v.h5"); /* relative to output_dir */
  cz_cfg_destroy(&cfg);
}

/* ------------------------------------------------------------------------------------------ */
/* Duplicate keys                                                                              */

static void test_duplicate_keys_last_wins(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgdup");
  write_fmt(path, dir, "config.json",
            "{\"run\": {\"dt\": 0.5, \"tstop\": 10, \"dt\": 0.2, \"dt\": 0.1},\n"
            " \"inputs\": {\"a\": {\"module\": \"csv\", \"input_type\": \"spikes\", \"input_file\": \"x.csv\","
            " \"module\": \"sonata\"}},\n"
            " \"output\": {\"spikes_file\": \"one.h5\"},\n"
            " \"output\": {\"spikes_file\": \"two.h5\"},\n"
            " \"Run\": {\"dt\": 7}, " NETWORKS "}");
  int warnings = cz_log_warning_count();
  cz_config *cfg = load_ok(path, NULL);
  assert_int_equal(cz_log_warning_count() - warnings, 3); /* run.dt, inputs.a.module, output */
  assert_true(cfg->dt == 0.1);
  assert_string_equal(cfg->inputs[0].module, "sonata");
  assert_path(cfg->spikes_file, dir, "two.h5");
  int n = 0;
  for (const cJSON *c = at(cfg->root, "run")->child; c; c = c->next) n += strcmp(c->string, "dt") == 0;
  assert_int_equal(n, 1);
  assert_non_null(cJSON_GetObjectItemCaseSensitive(cfg->root, "Run")); /* keys are case-sensitive */
  cz_cfg_destroy(&cfg);
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                      */

static void test_output_paths(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgout");
  write_fmt(path, dir, "config.json",
            "{\"run\": {\"tstop\": 10, \"dt\": 0.1}, " NETWORKS ","
            " \"output\": {\"output_dir\": \"out\", \"log_file\": \"log.txt\", \"spikes_file\": \"/abs/s.h5\","
            " \"spikes_file_csv\": \"out/s.csv\", \"spikes_file_extra\": \"x/e.h5\", \"other\": \"o.txt\","
            " \"spikes_sort_order\": \"id\"}}");
  cz_config *cfg = load_ok(path, NULL);
  assert_path(cfg->output_dir, dir, "out");
  assert_path(cfg->log_file, dir, "out/log.txt");
  assert_string_equal(cfg->spikes_file, "/abs/s.h5");
  assert_path(cfg->spikes_file_csv, dir, "out/s.csv"); /* already under output_dir: not joined twice */
  assert_null(cfg->spikes_file_nwb);
  assert_int_equal(cfg->sort_order, CZ_SORT_BY_ID);
  const cJSON *out = at(cfg->root, "output");
  assert_path(str_at(out, "output_dir"), dir, "out");
  assert_path(str_at(out, "log_file"), dir, "out/log.txt");
  assert_path(str_at(out, "spikes_file_extra"), dir, "out/x/e.h5");
  assert_string_equal(str_at(out, "other"), "o.txt");
  cz_cfg_destroy(&cfg);
}

static void test_output_dir_default_and_nwb(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgoutd", "{\"tstop\": 10, \"dt\": 0.1}",
             "\"output\": {\"spikes_file\": \"spikes.h5\", \"spikes_file_nwb\": \"spikes.nwb\"}");
  int warnings = cz_log_warning_count();
  cz_config *cfg = load_ok(path, NULL);
  assert_int_equal(cz_log_warning_count() - warnings, 1); /* nwb is not written */
  assert_string_equal(cfg->output_dir, dir);
  assert_path(cfg->spikes_file, dir, "spikes.h5");
  assert_path(cfg->spikes_file_nwb, dir, "spikes.nwb");
  cz_cfg_destroy(&cfg);
}

static void test_sort_orders(void **state) {
  (void)state;
  static const struct {
    const char *key, *value;
    cz_sort_order want;
  } cases[] = {{"spikes_sort_order", "time", CZ_SORT_BY_TIME}, {"spikes_sort_order", "by_time", CZ_SORT_BY_TIME},
               {"spikes_sort_order", "id", CZ_SORT_BY_ID},     {"spikes_sort_order", "by_id", CZ_SORT_BY_ID},
               {"spikes_sort_order", "node_id", CZ_SORT_BY_ID}, {"spikes_sort_order", "gid", CZ_SORT_BY_ID},
               {"spikes_sort_order", "none", CZ_SORT_NONE},    {"spikes_sort_order", "na", CZ_SORT_NONE},
               {"spikes_sort_order", "", CZ_SORT_NONE},        {"sort_by", "time", CZ_SORT_BY_TIME},
               {"sort_by", "gid", CZ_SORT_BY_ID}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char dir[DIR_T], path[PATH_MAX_T], out[256];
    snprintf(out, sizeof out, "\"output\": {\"%s\": \"%s\"}", cases[i].key, cases[i].value);
    simple_cfg(path, dir, "cfgsort", "{\"tstop\": 10, \"dt\": 0.1}", out);
    cz_config *cfg = load_ok(path, NULL);
    if (cfg->sort_order != cases[i].want) fail_msg("%s=%s", cases[i].key, cases[i].value);
    cz_cfg_destroy(&cfg);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Networks, node sets, inputs, reports                                                        */

static void test_node_sets_file_loaded(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], ns[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgns");
  write_fmt(ns, dir, "node_sets.json", "{\"exc\": {\"ei\": \"e\"}, \"exc\": {\"ei\": \"i\"}, \"ids\": [1, 2]}");
  write_fmt(path, dir, "config.json",
            "{\"run\": {\"tstop\": 10, \"dt\": 0.1}, " NETWORKS ", \"node_sets_file\": \"node_sets.json\"}");
  cz_config *cfg = load_ok(path, NULL);
  assert_string_equal(cfg->node_sets_file, ns);
  assert_non_null(cfg->node_sets);
  assert_ptr_equal(cfg->node_sets, cfg->node_sets_owned);
  assert_string_equal(str_at(at(cfg->node_sets, "exc"), "ei"), "i"); /* duplicates: last wins */
  assert_int_equal(cJSON_GetArraySize(at(cfg->node_sets, "ids")), 2);
  cz_cfg_destroy(&cfg);
}

static void test_inline_node_sets_win(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgnsi", "{\"tstop\": 10, \"dt\": 0.1}",
             "\"node_sets_file\": \"missing.json\", \"node_sets\": {\"x\": {\"population\": \"p\"}}");
  cz_config *cfg = load_ok(path, NULL); /* the missing file is never read */
  assert_null(cfg->node_sets_owned);
  assert_ptr_equal(cfg->node_sets, at(cfg->root, "node_sets"));
  assert_non_null(cJSON_GetObjectItemCaseSensitive(cfg->node_sets, "x"));
  cz_cfg_destroy(&cfg);
}

static void test_inputs_and_reports(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgblk", "{\"tstop\": 10, \"dt\": 0.1}",
             "\"inputs\": {\"LGN\": {\"input_type\": \"spikes\", \"module\": \"csv\", \"input_file\": \"s.csv\","
             " \"node_set\": {\"population\": \"lgn\"}},"
             " \"clamp\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", \"node_set\": \"all\","
             " \"amp\": 0.1, \"enabled\": false},"
             " \"weird\": {\"input_type\": \"movie\", \"module\": \"movie\"}},"
             "\"reports\": {\"v\": {\"module\": \"multimeter_report\", \"cells\": [0, 1], \"variable_name\": \"V_m\"},"
             " \"s\": {\"module\": \"spikes_report\"},"
             " \"off\": {\"module\": \"no_such_module\", \"enabled\": false},"
             " \"ecp\": {\"module\": \"ecp\"}}");
  int warnings = cz_log_warning_count();
  cz_config *cfg = load_ok(path, NULL);
  assert_int_equal(cz_log_warning_count() - warnings, 0);
  assert_int_equal(cfg->ninputs, 3);
  assert_string_equal(cfg->inputs[0].name, "LGN");
  assert_string_equal(cfg->inputs[0].input_type, "spikes");
  assert_string_equal(cfg->inputs[0].module, "csv");
  assert_true(cfg->inputs[0].enabled);
  assert_true(cJSON_IsObject(cfg->inputs[0].node_set));
  assert_ptr_equal(cfg->inputs[0].json, at(at(cfg->root, "inputs"), "LGN"));
  assert_string_equal(cfg->inputs[1].name, "clamp");
  assert_false(cfg->inputs[1].enabled);
  assert_string_equal(cfg->inputs[1].node_set->valuestring, "all");
  assert_true(at(cfg->inputs[1].json, "amp")->valuedouble == 0.1);
  assert_string_equal(cfg->inputs[2].module, "movie");
  /* blocks of any BMTK engine load, each naming the file that held it (which an engine
   * accepts is its own check) */
  for (size_t i = 0; i < cfg->ninputs; i++) assert_string_equal(cfg->inputs[i].file, path);
  for (size_t i = 0; i < cfg->nreports; i++) assert_string_equal(cfg->reports[i].file, path);
  assert_int_equal(cfg->nreports, 4);
  assert_string_equal(cfg->reports[0].name, "v");
  assert_string_equal(cfg->reports[0].module, "multimeter_report");
  assert_null(cfg->reports[0].input_type);
  assert_true(cJSON_IsArray(cfg->reports[0].node_set));
  assert_null(cfg->reports[1].node_set);
  assert_false(cfg->reports[2].enabled);
  assert_string_equal(cfg->reports[3].module, "ecp");
  cz_cfg_destroy(&cfg);
}

/* The engine it names is judged later (app/engine_kind.h), with the file that said it. */
static void test_target_simulator_warns(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgsim", "{\"tstop\": 10, \"dt\": 0.1}", "\"target_simulator\": \"NEURON\"");
  int warnings = cz_log_warning_count();
  cz_config *cfg = load_ok(path, NULL);
  assert_int_equal(cz_log_warning_count() - warnings, 0);
  assert_string_equal(cfg->target_simulator, "NEURON");
  assert_string_equal(cfg->target_simulator_file, path);
  cz_cfg_destroy(&cfg);
}

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                      */

static void test_missing_dt(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], want[PATH_MAX_T + 64];
  simple_cfg(path, dir, "cfgnodt", "{\"tstop\": 10}", "");
  snprintf(want, sizeof want, "config: missing key \"run.dt\" in %s", path);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
  /* no run section at all reads the same */
  cz_test_write(path, sizeof path, dir, "config.json", "{" NETWORKS "}");
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
}

static void test_bad_dt(void **state) {
  (void)state;
  simple_fails("{\"tstop\": 10, \"dt\": 0}", "", CZ_ERR_CONFIG, "run.dt", "> 0");
  simple_fails("{\"tstop\": 10, \"dt\": -0.1}", "", CZ_ERR_CONFIG, "run.dt", "> 0");
  simple_fails("{\"tstop\": 10, \"dt\": 1e999}", "", CZ_ERR_CONFIG, "run.dt", "finite");
  simple_fails("{\"tstop\": 10, \"dt\": \"0.1\"}", "", CZ_ERR_CONFIG, "run.dt", "must be a number");
  simple_fails("{\"tstop\": 10, \"dt\": null}", "", CZ_ERR_CONFIG, "run.dt", "must be a number");
  /* a dt off an engine's time grid is the engine's to refuse: the reader records where it came from */
  char dir[DIR_T], path[PATH_MAX_T];
  simple_cfg(path, dir, "cfgdtgrid", "{\"tstop\": 10, \"dt\": 0.0015}", "");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->dt == 0.0015);
  assert_false(cfg->dt_overridden);
  assert_string_equal(cfg->run_file, path);
  cz_cfg_destroy(&cfg);
  cz_cfg_overrides ov = {.tstop = NAN, .dt = 0.0005, .output_dir = NULL};
  cfg = load_ok(path, &ov);
  assert_true(cfg->dt == 0.0005 && cfg->dt_overridden);
  assert_null(cfg->run_file);
  cz_cfg_destroy(&cfg);
}

static void test_bad_tstop(void **state) {
  (void)state;
  simple_fails("{\"dt\": 0.1}", "", CZ_ERR_CONFIG, "missing key \"run.tstop\"", "run.duration");
  simple_fails("{\"dt\": 0.1, \"tstop\": 0}", "", CZ_ERR_CONFIG, "run.tstop", "> 0");
  simple_fails("{\"dt\": 0.1, \"tstop\": -5}", "", CZ_ERR_CONFIG, "run.tstop", "> 0");
  simple_fails("{\"dt\": 0.1, \"tstop\": \"100\"}", "", CZ_ERR_CONFIG, "run.tstop", "not a string (\"100\")");
  simple_fails("{\"dt\": 0.1, \"tstop\": 1e999}", "", CZ_ERR_CONFIG, "run.tstop", "finite");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"duration\": -1}", "", CZ_ERR_CONFIG, "run.duration", "> 0");
  simple_fails("{\"dt\": 0.1, \"duration\": 10, \"tstop\": true}", "", CZ_ERR_CONFIG, "run.tstop", "number");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"tstart\": -1e999}", "", CZ_ERR_CONFIG, "run.tstart", "finite");
}

static void test_bad_run_options(void **state) {
  (void)state;
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"n_thread\": 0}", "", CZ_ERR_CONFIG, "run.n_thread", "between");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"n_thread\": 1.5}", "", CZ_ERR_CONFIG, "run.n_thread", "whole");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"n_thread\": \"4\"}", "", CZ_ERR_CONFIG, "run.n_thread", "number");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"nsteps_block\": -1}", "", CZ_ERR_CONFIG, "run.nsteps_block",
               "between");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"precise_times\": \"yes\"}", "", CZ_ERR_CONFIG,
               "run.precise_times", "true or false");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10, \"allow_offgrid_spikes\": 1}", "", CZ_ERR_CONFIG,
               "run.allow_offgrid_spikes", "true or false");
  simple_fails("[1, 2]", "", CZ_ERR_CONFIG, "run", "must be an object");
  simple_fails("{\"dt\": 0.1, \"tstop\": 10}", "\"target_simulator\": 3", CZ_ERR_CONFIG, "target_simulator",
               "string");
}

static void test_bad_output(void **state) {
  (void)state;
  const char *run = "{\"dt\": 0.1, \"tstop\": 10}";
  simple_fails(run, "\"output\": {\"spikes_sort_order\": \"random\"}", CZ_ERR_CONFIG,
               "output.spikes_sort_order", "valid: time, by_time, id, by_id, node_id, gid, none, na");
  simple_fails(run, "\"output\": {\"sort_by\": 1}", CZ_ERR_CONFIG, "output.sort_by", "string");
  simple_fails(run, "\"output\": {\"output_dir\": 7}", CZ_ERR_CONFIG, "output.output_dir", "string");
  simple_fails(run, "\"output\": {\"log_file\": false}", CZ_ERR_CONFIG, "output.log_file", "string");
  simple_fails(run, "\"output\": {\"log_level\": \"LOUD\"}", CZ_ERR_CONFIG, "output.log_level", "LOUD");
  simple_fails(run, "\"output\": {\"log_to_console\": \"no\"}", CZ_ERR_CONFIG, "output.log_to_console",
               "true or false");
  simple_fails(run, "\"output\": \"out\"", CZ_ERR_CONFIG, "output", "must be an object");
}

static void test_bad_json(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], want[PATH_MAX_T + 64];
  cz_test_tmpdir(dir, sizeof dir, "cfgjson");
  /* cJSON stops just after the stray comma: line 3, column 22 */
  cz_test_write(path, sizeof path, dir, "config.json",
                "{\n  \"manifest\": {},\n  \"run\": {\"dt\": 0.1,,\"tstop\": 1},\n  \"x\": 1\n}\n");
  snprintf(want, sizeof want, "%s:3:22: JSON syntax error near '\"tstop\": 1},'", path);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
  cz_test_write(path, sizeof path, dir, "config.json", "{\"run\": {\"dt\": 0.1}");
  snprintf(want, sizeof want, "%s:1:", path);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, "end of input", NULL);
  cz_test_write(path, sizeof path, dir, "config.json", "");
  load_fails(path, NULL, CZ_ERR_CONFIG, "JSON syntax error", path, NULL);
  cz_test_write(path, sizeof path, dir, "config.json", "{} trailing");
  snprintf(want, sizeof want, "%s:1:4: JSON syntax error near 'trailing'", path);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
  cz_test_write(path, sizeof path, dir, "config.json", "{\"dt\": NaN}");
  load_fails(path, NULL, CZ_ERR_CONFIG, "JSON syntax error", NULL, NULL);
  /* columns count characters: "é" is two bytes */
  cz_test_write(path, sizeof path, dir, "config.json", "{\"\xc3\xa9\": x}");
  snprintf(want, sizeof want, "%s:1:7:", path);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
  cz_test_write(path, sizeof path, dir, "config.json", "[1, 2]");
  load_fails(path, NULL, CZ_ERR_CONFIG, "top level must be a JSON object", NULL, NULL);
}

static void test_missing_config_file(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T + 64];
  cz_test_tmpdir(dir, sizeof dir, "cfgnofile");
  snprintf(path, sizeof path, "%s/none.json", dir);
  load_fails(path, NULL, CZ_ERR_IO, path, NULL, NULL);
  cz_config *cfg = NULL;
  assert_int_equal(cz_cfg_load("", NULL, &cfg), CZ_ERR_ARG);
  assert_int_equal(cz_cfg_load(NULL, NULL, &cfg), CZ_ERR_ARG);
}

static void test_bad_networks(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  const char *run = "{\"dt\": 0.1, \"tstop\": 10}";
  cz_test_tmpdir(dir, sizeof dir, "cfgnet");
  write_fmt(path, dir, "config.json", "{\"run\": %s}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "missing key \"networks\"", path, NULL);
  write_fmt(path, dir, "config.json",
            "{\"run\": %s, \"networks\": {\"nodes\": [{\"nodes_file\": \"a.h5\", \"node_types_file\": \"a.csv\"},"
            " {\"nodes_file\": \"b.h5\"}]}}",
            run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "missing key \"networks.nodes[1].node_types_file\"", path, NULL);
  write_fmt(path, dir, "config.json", "{\"run\": %s, \"networks\": {\"nodes\": [{\"node_types_file\": \"a.csv\"}]}}",
            run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "networks.nodes[0].nodes_file", path, NULL);
  write_fmt(path, dir, "config.json",
            "{\"run\": %s, \"networks\": {\"nodes\": [{\"nodes_file\": 3, \"node_types_file\": \"a.csv\"}]}}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "networks.nodes[0].nodes_file", "must be a string", path);
  write_fmt(path, dir, "config.json",
            "{\"run\": %s, \"networks\": {\"nodes\": [{\"nodes_file\": \"a.h5\", \"node_types_file\": \"a.csv\"},"
            " {\"nodes_file\": \"./a.h5\", \"node_types_file\": \"b.csv\"}]}}",
            run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "networks.nodes[1]", "already listed as networks.nodes[0]", path);
  write_fmt(path, dir, "config.json", "{\"run\": %s, \"networks\": {\"nodes\": []}}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "networks.nodes", path, NULL);
  write_fmt(path, dir, "config.json", "{\"run\": %s, \"networks\": {\"nodes\": {}}}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "networks.nodes", "must be a list", path);
  write_fmt(path, dir, "config.json", "{\"run\": %s, \"networks\": {\"edges\": []}}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "missing key \"networks.nodes\"", path, NULL);
  write_fmt(path, dir, "config.json", "{\"run\": %s, \"networks\": {\"nodes\": [\"a.h5\"]}}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "networks.nodes[0]", "must be an object", path);
  simple_fails(run, "\"networks\": {\"nodes\": [{\"nodes_file\": \"a\", \"node_types_file\": \"b\"}], \"edges\": "
               "[{\"edges_file\": \"e.h5\"}]}",
               CZ_ERR_CONFIG, "missing key \"networks.edges[0].edge_types_file\"", NULL);
  simple_fails(run, "\"networks\": {\"nodes\": [{\"nodes_file\": \"a\", \"node_types_file\": \"b\"}], \"edges\": "
               "[{\"edges_file\": \"e.h5\", \"edge_types_file\": \"t\", \"enabled\": \"no\"}]}",
               CZ_ERR_CONFIG, "networks.edges[0].enabled", NULL);
  simple_fails(run, "\"components\": {\"x\": 1}", CZ_ERR_CONFIG, "components.x", "must be a string");
}

static void test_bad_node_sets(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], ns[PATH_MAX_T + 64], want[PATH_MAX_T + 128];
  const char *run = "{\"dt\": 0.1, \"tstop\": 10}";
  cz_test_tmpdir(dir, sizeof dir, "cfgnsbad");
  write_fmt(path, dir, "config.json", "{\"run\": %s, " NETWORKS ", \"node_sets_file\": \"ns.json\"}", run);
  snprintf(ns, sizeof ns, "%s/ns.json", dir);
  load_fails(path, NULL, CZ_ERR_IO, "node_sets_file", ns, NULL);
  write_fmt(ns, dir, "ns.json", "{\n  \"a\": {\"x\": 1}\n  \"b\": 2\n}");
  snprintf(want, sizeof want, "%s:3:3: JSON syntax error", ns);
  load_fails(path, NULL, CZ_ERR_CONFIG, want, NULL, NULL);
  write_fmt(ns, dir, "ns.json", "[\"a\"]");
  load_fails(path, NULL, CZ_ERR_CONFIG, "node_sets_file", "must hold a JSON object", ns);
  write_fmt(path, dir, "config.json", "{\"run\": %s, " NETWORKS ", \"node_sets_file\": 1}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "node_sets_file", "must be a string", path);
  write_fmt(path, dir, "config.json", "{\"run\": %s, " NETWORKS ", \"node_sets\": [\"a\"]}", run);
  load_fails(path, NULL, CZ_ERR_CONFIG, "node_sets", "must be an object", path);
}

static void test_bad_blocks(void **state) {
  (void)state;
  const char *run = "{\"dt\": 0.1, \"tstop\": 10}";
  simple_fails(run, "\"reports\": {\"v\": {\"module\": \"voltmeter\", \"cells\": \"all\"}}", CZ_ERR_CONFIG,
               "reports.v.module", "unknown report module \"voltmeter\"");
  simple_fails(run, "\"reports\": {\"v\": {\"cells\": \"all\"}}", CZ_ERR_CONFIG,
               "missing key \"reports.v.module\"", NULL);
  simple_fails(run, "\"reports\": {\"v\": {\"module\": 1}}", CZ_ERR_CONFIG, "reports.v.module", "string");
  simple_fails(run, "\"reports\": {\"v\": 1}", CZ_ERR_CONFIG, "reports.v", "must be an object");
  simple_fails(run, "\"reports\": [1]", CZ_ERR_CONFIG, "reports", "must be an object");
  simple_fails(run, "\"inputs\": {\"LGN_spikes\": \"spikes.h5\"}", CZ_ERR_CONFIG, "inputs.LGN_spikes",
               "must be an object");
  simple_fails(run, "\"inputs\": {\"LGN_spikes\": {\"input_type\": \"spikes\", \"module\": \"h5\"}}",
               CZ_ERR_CONFIG, "missing key \"inputs.LGN_spikes.input_file\"", NULL);
  simple_fails(run, "\"inputs\": {\"LGN_spikes\": {\"input_type\": \"spikes\", \"module\": 5}}", CZ_ERR_CONFIG,
               "inputs.LGN_spikes.module", "string");
  simple_fails(run, "\"inputs\": {\"LGN_spikes\": {\"module\": \"h5\", \"enabled\": 0}}", CZ_ERR_CONFIG,
               "inputs.LGN_spikes.enabled", "true or false");
}

/* ------------------------------------------------------------------------------------------ */
/* Overrides and dump                                                                          */

static void test_overrides(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], cwd[PATH_MAX_T], want[PATH_MAX_T + 64];
  simple_cfg(path, dir, "cfgov", "{\"tstop\": 100, \"duration\": 90, \"dt\": 0.1}",
             "\"output\": {\"output_dir\": \"out\", \"log_file\": \"log.txt\", \"spikes_file\": \"out/sp/s.h5\","
             " \"spikes_file_csv\": \"/elsewhere/s.csv\"}");
  cz_cfg_overrides ov = no_overrides();
  cz_config *cfg = load_ok(path, &ov); /* all unset: same as none */
  assert_true(cfg->tstop == 90 && cfg->dt == 0.1);
  assert_path(cfg->log_file, dir, "out/log.txt");
  cz_cfg_destroy(&cfg);

  ov = (cz_cfg_overrides){.tstop = 20, .dt = 0.025, .output_dir = "rel_out"};
  cfg = load_ok(path, &ov);
  assert_true(cfg->tstop == 20);
  assert_true(cfg->dt == 0.025);
  assert_non_null(getcwd(cwd, sizeof cwd));
  snprintf(want, sizeof want, "%s/rel_out", cwd);
  assert_string_equal(cfg->output_dir, want);
  assert_path(cfg->log_file, want, "log.txt");
  assert_path(cfg->spikes_file, want, "sp/s.h5");
  assert_string_equal(cfg->spikes_file_csv, "/elsewhere/s.csv"); /* absolute elsewhere: kept */
  const cJSON *run = at(cfg->root, "run");
  assert_true(at(run, "tstop")->valuedouble == 20);
  assert_null(cJSON_GetObjectItemCaseSensitive(run, "duration"));
  assert_true(at(run, "dt")->valuedouble == 0.025);
  assert_string_equal(str_at(at(cfg->root, "output"), "output_dir"), want);
  cz_cfg_destroy(&cfg);

  /* a missing config value can be supplied on the command line */
  simple_cfg(path, dir, "cfgov2", "{}", "");
  ov = (cz_cfg_overrides){.tstop = 5, .dt = 1, .output_dir = NULL};
  cfg = load_ok(path, &ov);
  assert_true(cfg->tstop == 5 && cfg->dt == 1);
  cz_cfg_destroy(&cfg);
  ov = (cz_cfg_overrides){.tstop = -1, .dt = NAN, .output_dir = NULL}; /* negative: unset */
  load_fails(path, &ov, CZ_ERR_CONFIG, "run.dt", NULL, NULL);

  ov = (cz_cfg_overrides){.tstop = NAN, .dt = -2, .output_dir = NULL}; /* negative: unset */
  load_fails(path, &ov, CZ_ERR_CONFIG, "run.dt", NULL, NULL);
  ov = (cz_cfg_overrides){.tstop = NAN, .dt = INFINITY, .output_dir = NULL};
  load_fails(path, &ov, CZ_ERR_ARG, "--dt", "finite", NULL);
  ov = (cz_cfg_overrides){.tstop = INFINITY, .dt = 0.1, .output_dir = NULL};
  load_fails(path, &ov, CZ_ERR_ARG, "--tstop", "finite", NULL);
  ov = (cz_cfg_overrides){.tstop = 0, .dt = 0.1, .output_dir = NULL};
  load_fails(path, &ov, CZ_ERR_ARG, "--tstop", "> 0", NULL);
}

static void test_output_override_absolute_under_config_dir(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgovabs");
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$OUT\": \"${configdir}/output\"}, \"run\": {\"tstop\": 1, \"dt\": 0.1}, " NETWORKS
            ", \"output\": {\"output_dir\": \"$OUT\", \"log_file\": \"$OUT/log.txt\"}}");
  cz_cfg_overrides ov = {NAN, NAN, "/tmp/cz_override_out"};
  cz_config *cfg = load_ok(path, &ov);
  assert_string_equal(cfg->output_dir, "/tmp/cz_override_out");
  assert_string_equal(cfg->log_file, "/tmp/cz_override_out/log.txt"); /* moves with output_dir */
  cz_cfg_destroy(&cfg);
}

static void test_dump(void **state) {
  (void)state;
  char dir[DIR_T], path[PATH_MAX_T], tmp[PATH_MAX_T];
  cz_test_tmpdir(dir, sizeof dir, "cfgdump");
  write_fmt(tmp, dir, "ns.json", "{\"exc\": {\"ei\": \"e\"}}");
  write_fmt(path, dir, "config.json",
            "{\"manifest\": {\"$X\": \"val\"}, \"run\": {\"tstop\": 10, \"dt\": 0.1}, \"probe\": \"$X\", " NETWORKS
            ", \"node_sets_file\": \"ns.json\", \"output\": {\"log_file\": \"log.txt\"}}");
  cz_config *cfg = load_ok(path, NULL);
  char *text = NULL;
  assert_int_equal(cz_cfg_dump(cfg, &text), CZ_OK);
  cJSON *back = cJSON_Parse(text);
  assert_non_null(back);
  assert_null(cJSON_GetObjectItemCaseSensitive(back, "manifest"));
  assert_string_equal(str_at(back, "probe"), "val");
  assert_path(str_at(at(back, "output"), "log_file"), dir, "log.txt");
  assert_string_equal(str_at(at(at(back, "node_sets"), "exc"), "ei"), "e");
  assert_non_null(cJSON_GetObjectItemCaseSensitive(cfg->root, "manifest")); /* the config is untouched */
  cJSON_Delete(back);
  free(text);
  cz_cfg_destroy(&cfg);
}

/* ------------------------------------------------------------------------------------------ */
/* The shared example configs                                                                  */

static void test_real_point_120cells_integration(void **state) {
  (void)state;
  char path[PATH_MAX_T];
  CZ_TEST_DATA_PATH(path, "bmtk-tests/integration_tests/point_120cells/config.json");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->dt == 0.001);
  assert_true(cfg->tstop == 1500); /* from duration */
  assert_false(cfg->precise_times);
  assert_int_equal(cfg->nnodes, 2);
  assert_int_equal(cfg->nedges, 2);
  assert_true(cz_str_ends_with(cfg->nodes[0].nodes_file, "point_120cells/network/cortex_nodes.h5"));
  assert_true(cz_path_is_absolute(cfg->edges[1].edge_types_file));
  assert_true(cz_str_ends_with(cfg->spikes_file, "output/spikes.h5"));
  assert_true(cz_str_ends_with(cfg->spikes_file_csv, "output/spikes.csv"));
  assert_true(cz_str_ends_with(cfg->log_file, "output/log.txt"));
  assert_true(cfg->overwrite_output_dir);
  assert_true(cfg->quiet_simulator);
  assert_string_equal(cfg->target_simulator, "NEST");
  assert_true(cz_str_ends_with(cz_cfg_component(cfg, "point_neuron_models_dir"), "point_components/cell_models"));
  assert_int_equal(cfg->ninputs, 1);
  assert_string_equal(cfg->inputs[0].module, "csv");
  assert_true(cz_str_ends_with(str_at(cfg->inputs[0].json, "input_file"), "point_120cells/thalamus_spikes.csv"));
  assert_int_equal(cfg->nreports, 1);
  assert_string_equal(cfg->reports[0].module, "multimeter_report");
  assert_true(cJSON_IsObject(cfg->reports[0].node_set));
  cz_cfg_destroy(&cfg);
}

static void test_real_300_pointneurons(void **state) {
  (void)state;
  char path[PATH_MAX_T];
  CZ_TEST_DATA_PATH(path, "sonata/examples/300_pointneurons/config.json");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->dt == 0.01);
  assert_true(cfg->tstop == 1500);
  assert_int_equal(cfg->nsteps_block, 5000);
  assert_int_equal(cfg->sort_order, CZ_SORT_BY_TIME);
  assert_int_equal(cfg->nnodes, 2);
  assert_int_equal(cfg->nedges, 2);
  assert_true(cz_str_ends_with(cfg->nodes[1].nodes_file, "300_pointneurons/network/external_nodes.h5"));
  assert_true(cz_str_ends_with(cfg->node_sets_file, "300_pointneurons/node_sets.json"));
  assert_non_null(cfg->node_sets_owned);
  assert_ptr_equal(cfg->node_sets, cfg->node_sets_owned);
  assert_non_null(cJSON_GetObjectItemCaseSensitive(cfg->node_sets, "recorded_cells"));
  assert_true(cz_str_ends_with(cfg->output_dir, "300_pointneurons/output"));
  assert_true(cz_str_ends_with(cfg->spikes_file, "300_pointneurons/output/spikes.h5"));
  assert_true(cz_str_ends_with(cz_cfg_component(cfg, "synaptic_models_dir"),
                               "examples/shared_components/nest_models/synaptic_models"));
  assert_int_equal(cfg->ninputs, 1);
  assert_true(cz_str_ends_with(str_at(cfg->inputs[0].json, "input_file"), "inputs/external_spike_trains.h5"));
  assert_int_equal(cfg->nreports, 1);
  assert_string_equal(cfg->reports[0].node_set->valuestring, "recorded_cells");
  cz_cfg_destroy(&cfg);
}

static void test_real_bmtk_point_120cells(void **state) {
  (void)state;
  char path[PATH_MAX_T];
  CZ_TEST_DATA_PATH(path, "bmtk/examples/point_120cells/config.simulation.json");
  cz_config *cfg = load_ok(path, NULL);
  assert_true(cfg->dt == 0.001);
  assert_true(cfg->tstop == 3000);
  assert_true(cfg->precise_times);
  assert_int_equal(cfg->nnodes, 2);
  assert_int_equal(cfg->nedges, 2);
  /* the circuit's "$BASE_DIR": "." means the circuit config's folder */
  assert_true(cz_str_ends_with(cfg->nodes[0].nodes_file, "examples/point_120cells/network/cortex_nodes.h5"));
  assert_true(cz_str_ends_with(cz_cfg_component(cfg, "point_neuron_models_dir"),
                               "examples/point_components/cell_models"));
  assert_true(cz_str_ends_with(cfg->spikes_file, "point_120cells/output/spikes.h5"));
  assert_string_equal(cfg->inputs[0].module, "sonata");
  cz_cfg_destroy(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_minimal_defaults),
      cmocka_unit_test(test_relative_config_path),
      cmocka_unit_test(test_run_options),
      cmocka_unit_test(test_overwrite_output_wins_over_run),
      cmocka_unit_test(test_duration_vs_tstop),
      cmocka_unit_test(test_dt_tic_multiples_accepted),
      cmocka_unit_test(test_manifest_expansion),
      cmocka_unit_test(test_manifest_user_overrides_builtin),
      cmocka_unit_test(test_manifest_order_independent),
      cmocka_unit_test(test_manifest_cycle),
      cmocka_unit_test(test_manifest_undefined_variable),
      cmocka_unit_test(test_manifest_not_object),
      cmocka_unit_test(test_split_config_merge),
      cmocka_unit_test(test_nested_child),
      cmocka_unit_test(test_error_names_child_file),
      cmocka_unit_test(test_missing_child_config),
      cmocka_unit_test(test_include_cycle),
      cmocka_unit_test(test_child_loaded_twice),
      cmocka_unit_test(test_path_resolution),
      cmocka_unit_test(test_duplicate_keys_last_wins),
      cmocka_unit_test(test_output_paths),
      cmocka_unit_test(test_output_dir_default_and_nwb),
      cmocka_unit_test(test_sort_orders),
      cmocka_unit_test(test_node_sets_file_loaded),
      cmocka_unit_test(test_inline_node_sets_win),
      cmocka_unit_test(test_inputs_and_reports),
      cmocka_unit_test(test_target_simulator_warns),
      cmocka_unit_test(test_missing_dt),
      cmocka_unit_test(test_bad_dt),
      cmocka_unit_test(test_bad_tstop),
      cmocka_unit_test(test_bad_run_options),
      cmocka_unit_test(test_bad_output),
      cmocka_unit_test(test_bad_json),
      cmocka_unit_test(test_missing_config_file),
      cmocka_unit_test(test_bad_networks),
      cmocka_unit_test(test_bad_node_sets),
      cmocka_unit_test(test_bad_blocks),
      cmocka_unit_test(test_overrides),
      cmocka_unit_test(test_output_override_absolute_under_config_dir),
      cmocka_unit_test(test_dump),
      cmocka_unit_test(test_real_point_120cells_integration),
      cmocka_unit_test(test_real_300_pointneurons),
      cmocka_unit_test(test_real_bmtk_point_120cells),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
