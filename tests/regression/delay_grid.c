/* End-to-end test of synaptic delays against the time step, as NEST treats them.
 *
 * The folder it builds: one virtual input spiking at 10 ms drives one iaf_psc_delta cell
 * through a 50 mV synapse, so the cell fires in the step its input arrives: its spike time is
 * 10 ms plus the delay as the run rounded it. dt is 0.1 ms. Each case sets the delay in the
 * edge types CSV or in the edges file and checks:
 *   - 0.15 ms (a step and a half) runs as 0.2 ms (NEST: delay times 10 steps per ms, halves
 *     up; dividing by dt instead gives 1.4999999999999998 and 0.1 ms), with one warning that
 *     names the file the delay came from and how it was rounded;
 *   - 0.06 ms runs as one step, with the warning; 1.0 ms runs as it is, without it;
 *   - 0.04 ms rounds to 0 steps: cadenza run and cadenza check exit 2 naming the edges file
 *     (and the edge types CSV and edge type when the delay is the type's), and the run writes
 *     no output folder.
 *   delay_grid CADENZA */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "io/h5.h"

#define FAIL(...) (fprintf(stderr, "FAIL: " __VA_ARGS__), fputc('\n', stderr), exit(1))
/* Writing the folder must work; a failure ends the test with HDF5's message. */
#define MUST(expr) ((expr) == CZ_OK ? (void)0 : FAIL("%s: %s", #expr, cz_error_message()))

static char g_root[512];
static const char *g_cadenza;

static void path_of(char *buf, size_t n, const char *dir, const char *rel) { snprintf(buf, n, "%s/%.200s", dir, rel); }

static void write_text(const char *dir, const char *rel, const char *text) {
  char p[1024];
  path_of(p, sizeof p, dir, rel);
  FILE *f = fopen(p, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) FAIL("cannot write %s", p);
}

/* An HDF5 file open for writing (the loader needs no SONATA magic attribute). */
static cz_h5file *new_h5(const char *dir, const char *rel) {
  char p[1024];
  path_of(p, sizeof p, dir, rel);
  cz_h5file *h = NULL;
  MUST(cz_h5_create(p, &h));
  return h;
}

/* One node of type type_id in population pop. */
static void one_node(const char *dir, const char *rel, const char *pop, uint64_t type_id) {
  const uint64_t zero = 0;
  const uint32_t group = 0;
  cz_h5file *h = new_h5(dir, rel);
  const char *names[] = {"node_id", "node_type_id", "node_group_index"};
  const uint64_t values[] = {zero, type_id, zero};
  char p[256];
  for (int k = 0; k < 3; k++) {
    snprintf(p, sizeof p, "/nodes/%s/%s", pop, names[k]);
    MUST(cz_h5_write_u64(h, p, &values[k], 1, false));
  }
  snprintf(p, sizeof p, "/nodes/%s/node_group_id", pop);
  MUST(cz_h5_write_u32(h, p, &group, 1, false));
  snprintf(p, sizeof p, "/nodes/%s/0", pop);
  MUST(cz_h5_create_group(h, p));
  MUST(cz_h5_close(&h));
}

/* The one edge input -> cell, of type 100; with a delay of its own when edge_delay > 0. */
static void one_edge(const char *dir, double edge_delay) {
  const uint64_t zero = 0;
  const uint32_t type = 100, index = 0;
  const uint16_t group = 0;
  cz_h5file *h = new_h5(dir, "edges.h5");
  const char *e = "/edges/input_to_cell";
  char p[256];
  snprintf(p, sizeof p, "%s/source_node_id", e);
  MUST(cz_h5_write_u64(h, p, &zero, 1, false));
  MUST(cz_h5_write_attr_string(h, p, "node_population", "input"));
  snprintf(p, sizeof p, "%s/target_node_id", e);
  MUST(cz_h5_write_u64(h, p, &zero, 1, false));
  MUST(cz_h5_write_attr_string(h, p, "node_population", "cell"));
  snprintf(p, sizeof p, "%s/edge_type_id", e);
  MUST(cz_h5_write_u32(h, p, &type, 1, false));
  snprintf(p, sizeof p, "%s/edge_group_id", e);
  MUST(cz_h5_write_u16(h, p, &group, 1, false));
  snprintf(p, sizeof p, "%s/edge_group_index", e);
  MUST(cz_h5_write_u32(h, p, &index, 1, false));
  snprintf(p, sizeof p, "%s/0", e);
  MUST(cz_h5_create_group(h, p));
  if (edge_delay > 0) {
    snprintf(p, sizeof p, "%s/0/delay", e);
    MUST(cz_h5_write_f64(h, p, &edge_delay, 1, false));
  }
  MUST(cz_h5_close(&h));
}

static const char CONFIG[] =
    "{\"manifest\": {\"$BASE_DIR\": \"${configdir}\"},\n"
    " \"target_simulator\": \"NEST\",\n"
    " \"run\": {\"tstop\": 30.0, \"dt\": 0.1},\n"
    " \"inputs\": {\"in\": {\"input_type\": \"spikes\", \"module\": \"sonata\", \"input_file\": \"$BASE_DIR/in.h5\",\n"
    "                     \"node_set\": {\"population\": \"input\"}}},\n"
    " \"output\": {\"output_dir\": \"$BASE_DIR/output\", \"spikes_file_csv\": \"spikes.csv\",\n"
    "            \"overwrite_output_dir\": true},\n"
    " \"components\": {\"point_neuron_models_dir\": \"$BASE_DIR\", \"synaptic_models_dir\": \"$BASE_DIR\"},\n"
    " \"networks\": {\n"
    "   \"nodes\": [{\"nodes_file\": \"$BASE_DIR/cell.h5\", \"node_types_file\": \"$BASE_DIR/cell_types.csv\"},\n"
    "             {\"nodes_file\": \"$BASE_DIR/input.h5\", \"node_types_file\": \"$BASE_DIR/input_types.csv\"}],\n"
    "   \"edges\": [{\"edges_file\": \"$BASE_DIR/edges.h5\", \"edge_types_file\": \"$BASE_DIR/edge_types.csv\"}]}}\n";

/* A folder whose edge takes type_delay from its type and, when edge_delay > 0, edge_delay
 * from the edges file. */
static void make_case(char *dir, size_t n, const char *name, double type_delay, double edge_delay) {
  snprintf(dir, n, "%s/%s", g_root, name);
  if (mkdir(dir, 0755) != 0) FAIL("mkdir %s", dir);
  write_text(dir, "config.json", CONFIG);
  write_text(dir, "cell_types.csv", "node_type_id model_type model_template dynamics_params\n"
                                    "1 point_neuron nest:iaf_psc_delta cell.json\n");
  write_text(dir, "input_types.csv", "node_type_id model_type\n2 virtual\n");
  write_text(dir, "cell.json", "{}\n");
  write_text(dir, "static.json", "{}\n");
  char types[512];
  snprintf(types, sizeof types,
           "edge_type_id target_query source_query syn_weight delay dynamics_params model_template\n"
           "100 * * 50.0 %g static.json static_synapse\n",
           type_delay);
  write_text(dir, "edge_types.csv", types);
  one_node(dir, "cell.h5", "cell", 1);
  one_node(dir, "input.h5", "input", 2);
  one_edge(dir, edge_delay);
  const double t = 10.0;
  const uint64_t id = 0;
  cz_h5file *h = new_h5(dir, "in.h5");
  MUST(cz_h5_write_f64(h, "/spikes/input/timestamps", &t, 1, false));
  MUST(cz_h5_write_u64(h, "/spikes/input/node_ids", &id, 1, false));
  MUST(cz_h5_close(&h));
}

/* Runs "cadenza <cmd> <dir>/config.json", its output into <dir>/<cmd>.txt; the exit code. */
static int run_cadenza(const char *dir, const char *cmd, char *text, size_t n) {
  char line[2048], out[1024];
  snprintf(out, sizeof out, "%s/%s.txt", dir, cmd);
  snprintf(line, sizeof line, "'%s' %s '%s/config.json' %s > '%s' 2>&1", g_cadenza, cmd, dir,
           strcmp(cmd, "run") == 0 ? "--no-progress" : "", out);
  const int rc = system(line);
  FILE *f = fopen(out, "r");
  const size_t got = f ? fread(text, 1, n - 1, f) : 0;
  text[got] = '\0';
  if (f) fclose(f);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The only spike of the cell, from the run's spikes.csv. */
static double cell_spike(const char *dir) {
  char p[1200], line[256];
  snprintf(p, sizeof p, "%s/output/spikes.csv", dir);
  FILE *f = fopen(p, "r");
  if (!f) FAIL("no %s", p);
  double t = -1.0;
  int rows = 0;
  if (!fgets(line, sizeof line, f)) FAIL("%s is empty", p);
  while (fgets(line, sizeof line, f)) rows += sscanf(line, "%lf", &t) == 1;
  fclose(f);
  if (rows != 1) FAIL("%s: %d spikes, want 1", p, rows);
  return t;
}

static void expect_in(const char *what, const char *text, const char *needle) {
  if (!strstr(text, needle)) FAIL("%s: the output lacks \"%s\":\n%s", what, needle, text);
}

static void expect_not_in(const char *what, const char *text, const char *needle) {
  if (strstr(text, needle)) FAIL("%s: the output has \"%s\":\n%s", what, needle, text);
}

/* A delay the run accepts: the cell's spike is at 10 ms + want_delay, and the off-grid warning
 * appears (naming `names`, and not `not_names` when given) exactly when warn says. */
static void check_runs(const char *name, double type_delay, double edge_delay, double want_delay, bool warn,
                       const char *names, const char *not_names, const char *rounding) {
  char dir[1024], text[16384];
  make_case(dir, sizeof dir, name, type_delay, edge_delay);
  if (run_cadenza(dir, "run", text, sizeof text) != 0) FAIL("%s: the run failed:\n%s", name, text);
  const double t = cell_spike(dir);
  if (!(t > 10.0 + want_delay - 1e-9 && t < 10.0 + want_delay + 1e-9))
    FAIL("%s: the cell spiked at %.17g ms, want %g ms", name, t, 10.0 + want_delay);
  const char *needle = "not multiples of dt";
  if (warn) {
    expect_in(name, text, needle);
    char file[1100];
    snprintf(file, sizeof file, "%s/%s", dir, names);
    expect_in(name, text, file);
    expect_in(name, text, rounding);
    if (not_names) expect_not_in(name, text, not_names);
    if (run_cadenza(dir, "check", text, sizeof text) != 0) FAIL("%s: cadenza check failed:\n%s", name, text);
    expect_in("check", text, needle);
  } else {
    expect_not_in(name, text, needle);
  }
  printf("%-12s spike at %g ms%s\n", name, t, warn ? ", warned" : "");
}

/* A delay that rounds to 0 steps: run and check exit 2 with the names, and no output folder. */
static void check_refused(const char *name, double type_delay, double edge_delay, const char *const *names) {
  char dir[1024], text[16384], p[1100];
  make_case(dir, sizeof dir, name, type_delay, edge_delay);
  const char *cmds[] = {"run", "check"};
  for (int c = 0; c < 2; c++) {
    const int rc = run_cadenza(dir, cmds[c], text, sizeof text);
    if (rc != 2) FAIL("%s: cadenza %s exited %d, want 2:\n%s", name, cmds[c], rc, text);
    expect_in(name, text, "rounds to 0 steps of dt = 0.1 ms");
    for (const char *const *n = names; *n; n++) {
      snprintf(p, sizeof p, "%s%s", dir, *n); /* names are relative to the folder */
      expect_in(name, text, p);
    }
  }
  struct stat sb;
  snprintf(p, sizeof p, "%s/output", dir);
  if (stat(p, &sb) == 0) FAIL("%s: the refused run made %s", name, p);
  printf("%-12s refused\n", name);
}

int main(int argc, char **argv) {
  if (argc < 2) FAIL("usage: delay_grid CADENZA");
  g_cadenza = argv[1];
  const char *base = getenv("TMPDIR");
  snprintf(g_root, sizeof g_root, "%s/cz_delay_grid_XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(g_root)) FAIL("mkdtemp");
  check_runs("type_0.15", 0.15, 0.0, 0.2, true, "edges.h5 (delays from", NULL, "0.15 ms as 0.2 ms");
  check_runs("edge_0.15", 1.0, 0.15, 0.2, true, "edges.h5: 1 edges", "edge_types.csv", "0.15 ms as 0.2 ms");
  check_runs("edge_0.06", 1.0, 0.06, 0.1, true, "edges.h5", NULL, "0.06 ms as 0.1 ms");
  check_runs("edge_1.0", 0.15, 1.0, 1.0, false, NULL, NULL, NULL);
  const char *edge_names[] = {"/edges.h5: edge 0 of input_to_cell has delay 0.04 ms,", NULL};
  check_refused("edge_0.04", 1.0, 0.04, edge_names);
  const char *type_names[] = {"/edges.h5: edge 0 of input_to_cell has delay 0.04 ms, from edge type 100 in ",
                              "/edge_types.csv", NULL};
  check_refused("type_0.04", 0.04, 0.0, type_names);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
  if (system(cmd) != 0) FAIL("cannot remove %s", g_root);
  return 0;
}
