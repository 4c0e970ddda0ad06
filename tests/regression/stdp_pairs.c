/* End-to-end test of plastic synapses and the weight recorder on spike pairs placed by hand.
 *
 * The folder it builds: two iaf_psc_delta cells driven by two virtual inputs through 50 mV
 * static synapses, each making its cell fire exactly when its spike arrives (input spike +
 * 1 ms): a "teacher" input drives the post cell (node 0), a "driver" input the pre cell (node
 * 1). The pre cell reaches the post cell through an stdp_synapse and a tsodyks2_synapse, both
 * recorded by weight_recorder reports, with weights too small to make it fire. (The pre side
 * is a cell, not a virtual node, because NEST's weight_recorder records nothing sent by a
 * spike generator.) The pairs:
 *   pre 100 ms, post 106 ms (pre before post)  -> the pre spike at 400 ms carries a larger weight
 *   post 600 ms, pre 605 ms (post before pre)  -> the pre spike at 605 ms carries a smaller one
 * The recorded weights must equal the values computed here step by step from NEST's rules
 * (facilitation by Kplus decayed to the post spike seen through the 1 ms delay, depression
 * by the post trace at the pre spike's arrival), the post spikes must be at 106 and 600 ms,
 * and runs with 2 threads (and 2 MPI ranks when a launcher is given) must write the same
 * bytes.
 *   stdp_pairs CADENZA [MPIEXEC] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/h5.h"

#define FAIL(...)                      \
  do {                                 \
    fprintf(stderr, "FAIL: ");         \
    fprintf(stderr, __VA_ARGS__);      \
    fprintf(stderr, "\n");             \
    exit(1);                           \
  } while (0)
#define OK(expr)                                                             \
  do {                                                                       \
    if ((expr) != CZ_OK) FAIL("%s: %s", #expr, cz_error_message());          \
  } while (0)

static char g_dir[512];

static void put_file(const char *rel, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_dir, rel);
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) FAIL("cannot write %s", path);
}

static cz_h5file *sonata_file(const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_dir, rel);
  cz_h5file *h = NULL;
  OK(cz_h5_create(path, &h));
  const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  OK(cz_h5_write_attr_u32(h, "/", "magic", &magic, 1));
  OK(cz_h5_write_attr_u32(h, "/", "version", version, 2));
  return h;
}

static void write_nodes(const char *rel, const char *pop, size_t n, uint64_t type) {
  uint64_t ids[4], types[4], gidx[4];
  uint32_t gid[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    ids[i] = gidx[i] = i;
    types[i] = type;
  }
  cz_h5file *h = sonata_file(rel);
  char path[256];
  snprintf(path, sizeof path, "/nodes/%s/node_id", pop);
  OK(cz_h5_write_u64(h, path, ids, n, false));
  snprintf(path, sizeof path, "/nodes/%s/node_type_id", pop);
  OK(cz_h5_write_u64(h, path, types, n, false));
  snprintf(path, sizeof path, "/nodes/%s/node_group_id", pop);
  OK(cz_h5_write_u32(h, path, gid, n, false));
  snprintf(path, sizeof path, "/nodes/%s/node_group_index", pop);
  OK(cz_h5_write_u64(h, path, gidx, n, false));
  snprintf(path, sizeof path, "/nodes/%s/0", pop);
  OK(cz_h5_create_group(h, path));
  OK(cz_h5_close(&h));
}

/* One edge population of n edges, group 0, indices 0..n-1. */
static void write_edge_pop(cz_h5file *h, const char *pop, const char *from, const char *to, const uint64_t *src,
                           const uint64_t *tgt, const uint32_t *type, size_t n) {
  const uint32_t gidx[3] = {0, 1, 2};
  const uint16_t gid[3] = {0, 0, 0};
  char path[256];
  snprintf(path, sizeof path, "/edges/%s/source_node_id", pop);
  OK(cz_h5_write_u64(h, path, src, n, false));
  OK(cz_h5_write_attr_string(h, path, "node_population", from));
  snprintf(path, sizeof path, "/edges/%s/target_node_id", pop);
  OK(cz_h5_write_u64(h, path, tgt, n, false));
  OK(cz_h5_write_attr_string(h, path, "node_population", to));
  snprintf(path, sizeof path, "/edges/%s/edge_type_id", pop);
  OK(cz_h5_write_u32(h, path, type, n, false));
  snprintf(path, sizeof path, "/edges/%s/edge_group_id", pop);
  OK(cz_h5_write_u16(h, path, gid, n, false));
  snprintf(path, sizeof path, "/edges/%s/edge_group_index", pop);
  OK(cz_h5_write_u32(h, path, gidx, n, false));
  snprintf(path, sizeof path, "/edges/%s/0", pop);
  OK(cz_h5_create_group(h, path));
}

/* inputs -> cells: driver (input 0) -> pre cell (1), teacher (input 1) -> post cell (0), both
 * static; cells -> cells: pre -> post through stdp (edge 0) and tsodyks2 (edge 1). */
static void write_edges(void) {
  const uint64_t in_src[2] = {0, 1}, in_tgt[2] = {1, 0}, cc_src[2] = {1, 1}, cc_tgt[2] = {0, 0};
  const uint32_t in_type[2] = {101, 101}, cc_type[2] = {100, 102};
  cz_h5file *h = sonata_file("edges.h5");
  write_edge_pop(h, "inputs_to_cells", "inputs", "cells", in_src, in_tgt, in_type, 2);
  OK(cz_h5_close(&h));
  h = sonata_file("cell_edges.h5");
  write_edge_pop(h, "cells_to_cells", "cells", "cells", cc_src, cc_tgt, cc_type, 2);
  OK(cz_h5_close(&h));
}

/* Spike times of the driver (node 0, the pre cell firing 1 ms later) and teacher (node 1)
 * inputs. */
static void write_input_spikes(void) {
  const double ts[] = {99.0, 399.0, 599.0, 604.0, 105.0};
  const uint64_t ids[] = {0, 0, 1, 0, 1};
  cz_h5file *h = sonata_file("input_spikes.h5");
  OK(cz_h5_write_f64(h, "/spikes/inputs/timestamps", ts, 5, false));
  OK(cz_h5_write_u64(h, "/spikes/inputs/node_ids", ids, 5, false));
  OK(cz_h5_close(&h));
}

static const char k_config[] =
    "{\n"
    "  \"manifest\": {\"$BASE_DIR\": \"${configdir}\"},\n"
    "  \"run\": {\"tstop\": 800.0, \"dt\": 0.1},\n"
    "  \"inputs\": {\"in\": {\"input_type\": \"spikes\", \"module\": \"sonata\",\n"
    "                      \"input_file\": \"$BASE_DIR/input_spikes.h5\", \"node_set\": \"inputs\"}},\n"
    "  \"reports\": {\n"
    "    \"w_stdp\": {\"module\": \"weight_recorder\", \"nest_model\": \"stdp_synapse\",\n"
    "               \"model_template\": \"stdp_rec\", \"file_name\": \"stdp_weights.csv\"},\n"
    "    \"w_tm\": {\"module\": \"weight_recorder\", \"nest_model\": \"tsodyks2_synapse\",\n"
    "             \"model_template\": \"tm_rec\", \"file_name\": \"tm_weights.csv\"}\n"
    "  },\n"
    "  \"output\": {\"output_dir\": \"$BASE_DIR/output\", \"spikes_file\": \"spikes.h5\",\n"
    "             \"spikes_file_csv\": \"spikes.csv\", \"overwrite_output_dir\": true, \"log_to_console\": false},\n"
    "  \"components\": {\"point_neuron_models_dir\": \"$BASE_DIR\", \"synaptic_models_dir\": \"$BASE_DIR\"},\n"
    "  \"node_sets\": {\"inputs\": {\"population\": \"inputs\"}},\n"
    "  \"networks\": {\n"
    "    \"nodes\": [{\"nodes_file\": \"$BASE_DIR/cells.h5\", \"node_types_file\": \"$BASE_DIR/cell_types.csv\"},\n"
    "              {\"nodes_file\": \"$BASE_DIR/inputs.h5\", \"node_types_file\": \"$BASE_DIR/input_types.csv\"}],\n"
    "    \"edges\": [{\"edges_file\": \"$BASE_DIR/edges.h5\", \"edge_types_file\": \"$BASE_DIR/edge_types.csv\"},\n"
    "              {\"edges_file\": \"$BASE_DIR/cell_edges.h5\", \"edge_types_file\": \"$BASE_DIR/edge_types.csv\"}]\n"
    "  }\n"
    "}\n";

static void build_folder(void) {
  const char *base = getenv("TMPDIR");
  snprintf(g_dir, sizeof g_dir, "%s/cz_stdp_pairs_XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(g_dir)) FAIL("mkdtemp");
  put_file("config.json", k_config);
  put_file("cell_types.csv", "node_type_id model_type model_template dynamics_params\n"
                             "1 point_neuron nest:iaf_psc_delta cell.json\n");
  put_file("input_types.csv", "node_type_id model_type\n2 virtual\n");
  put_file("cell.json", "{\"tau_minus\": 20.0}\n");
  put_file("edge_types.csv", "edge_type_id target_query source_query syn_weight delay dynamics_params model_template\n"
                             "100 * * 1.0 1.0 stdp.json stdp_rec\n"
                             "101 * * 50.0 1.0 static.json static_synapse\n"
                             "102 * * 2.0 1.0 tm.json tm_rec\n");
  put_file("stdp.json", "{\"lambda\": 0.1, \"Wmax\": 10.0, \"tau_plus\": 20.0}\n");
  put_file("static.json", "{}\n");
  put_file("tm.json", "{\"U\": 0.5, \"u\": 0.5, \"tau_rec\": 100.0}\n");
  write_nodes("cells.h5", "cells", 2, 1);
  write_nodes("inputs.h5", "inputs", 2, 2);
  write_edges();
  write_input_spikes();
}

/* Column 5 (time_ms) and 6 (weights) of a weight table; also checks the header. */
static size_t read_weights(const char *file, double *t, double *w, size_t cap) {
  char path[1024], line[512];
  snprintf(path, sizeof path, "%s/output/%s", g_dir, file);
  FILE *f = fopen(path, "r");
  if (!f) FAIL("no weight table %s", path);
  if (!fgets(line, sizeof line, f) ||
      strcmp(line, "source_node_id source_population target_node_id target_population time_ms weights receptors "
                   "ports\n") != 0)
    FAIL("%s: unexpected header %s", path, line);
  size_t n = 0;
  while (n < cap && fgets(line, sizeof line, f)) {
    unsigned long long s, tg, port;
    char sp[64], tp[64];
    int rec;
    if (sscanf(line, "%llu %63s %llu %63s %lf %lf %d %llu", &s, sp, &tg, tp, &t[n], &w[n], &rec, &port) != 8)
      FAIL("%s: bad row %s", path, line);
    if (s != 1 || strcmp(sp, "cells") != 0 || tg != 0 || strcmp(tp, "cells") != 0 || rec != 0)
      FAIL("%s: row names the wrong synapse: %s", path, line);
    n++;
  }
  fclose(f);
  return n;
}

static void expect_close(const char *what, double got, double want) {
  if (!(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want)))) FAIL("%s: got %.17g, want %.17g", what, got, want);
  printf("%-36s %.15g\n", what, got);
}

static double facilitate(double w, double k) {
  const double n = w / 10.0 + 0.1 * (1.0 - w / 10.0) * k;
  return n < 1.0 ? n * 10.0 : 10.0;
}
static double depress(double w, double k) {
  const double n = w / 10.0 - 0.1 * (w / 10.0) * k;
  return n > 0.0 ? n * 10.0 : 0.0;
}

static void check_weights(void) {
  double t[8], w[8];
  if (read_weights("stdp_weights.csv", t, w, 8) != 3) FAIL("stdp_weights.csv: want 3 rows (pre spikes at 100, 400, 605)");
  expect_close("stdp event times", t[0] + t[1] + t[2], 100.0 + 400.0 + 605.0);
  /* pre 100: no post spike yet */
  const double w0 = depress(1.0, 0.0);
  expect_close("stdp weight at 100 ms", w[0], w0);
  /* pre 400: the post spike at 106 ms, seen at 107, facilitates with Kplus = 1 decayed from
   * 100 ms; depression by Kminus(399) = e^{(106 - 399)/20} */
  const double w1 = depress(facilitate(w0, exp((100.0 - 107.0) / 20.0)), exp((106.0 - 399.0) / 20.0));
  expect_close("stdp weight at 400 ms (pre-post)", w[1], w1);
  /* pre 605: the post spike at 600 (seen at 601) facilitates with Kplus = 1 + e^{-300/20}
   * decayed from 400 ms, then Kminus(604) = (e^{(106 - 600)/20} + 1) e^{(600 - 604)/20} depresses */
  const double kplus = exp((100.0 - 400.0) / 20.0) + 1.0;
  const double kminus = (exp((106.0 - 600.0) / 20.0) + 1.0) * exp((600.0 - 604.0) / 20.0);
  const double w2 = depress(facilitate(w1, kplus * exp((400.0 - 601.0) / 20.0)), kminus);
  expect_close("stdp weight at 605 ms (post-pre)", w[2], w2);
  if (!(w[1] > w[0] + 0.4)) FAIL("pre before post did not potentiate: %g -> %g", w[0], w[1]);
  if (!(w[2] < w[1] - 0.1)) FAIL("post before pre did not depress: %g -> %g", w[1], w[2]);
  /* tsodyks2: U = u = 0.5, tau_rec 100, weight 2 */
  if (read_weights("tm_weights.csv", t, w, 8) != 3) FAIL("tm_weights.csv: want 3 rows");
  expect_close("tsodyks2 weight at 100 ms", w[0], 0.5 * 2.0);
  const double x1 = 1.0 + (1.0 - 0.5 - 1.0) * exp(-300.0 / 100.0);
  expect_close("tsodyks2 weight at 400 ms", w[1], x1 * 0.5 * 2.0);
  const double x2 = 1.0 + (x1 - x1 * 0.5 - 1.0) * exp(-205.0 / 100.0);
  expect_close("tsodyks2 weight at 605 ms", w[2], x2 * 0.5 * 2.0);
}

/* The post cell fires at 106 and 600 ms, the pre cell at 100, 400 and 605 ms, and nothing else
 * (rows in time order within each cell). */
static void check_spikes(void) {
  char path[1024], line[256];
  snprintf(path, sizeof path, "%s/output/spikes.csv", g_dir);
  FILE *f = fopen(path, "r");
  if (!f) FAIL("no %s", path);
  double ts[2][8];
  size_t n[2] = {0, 0};
  if (!fgets(line, sizeof line, f)) FAIL("empty %s", path);
  while (fgets(line, sizeof line, f)) {
    double t;
    char pop[64];
    unsigned id;
    if (sscanf(line, "%lf %63s %u", &t, pop, &id) != 3 || strcmp(pop, "cells") != 0 || id > 1 || n[id] >= 8)
      FAIL("%s: unexpected row %s", path, line);
    ts[id][n[id]++] = t;
  }
  fclose(f);
  static const double want_post[2] = {106.0, 600.0}, want_pre[3] = {100.0, 400.0, 605.0};
  if (n[0] != 2 || n[1] != 3) FAIL("post fired %zu times (want 2), pre %zu (want 3)", n[0], n[1]);
  for (size_t k = 0; k < 2; k++)
    if (fabs(ts[0][k] - want_post[k]) > 1e-9) FAIL("post spike %zu at %g ms, want %g", k, ts[0][k], want_post[k]);
  for (size_t k = 0; k < 3; k++)
    if (fabs(ts[1][k] - want_pre[k]) > 1e-9) FAIL("pre spike %zu at %g ms, want %g", k, ts[1][k], want_pre[k]);
}

static void run(const char *cmd_prefix, const char *cadenza, const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s %s run %s/config.json --no-progress -q %s > %s/run.log 2>&1", cmd_prefix, cadenza, g_dir,
           args, g_dir);
  if (system(cmd) != 0) {
    snprintf(cmd, sizeof cmd, "cat %s/run.log", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "(no log)\n");
    FAIL("run failed: %s", cmd);
  }
}

static void keep(const char *tag) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cd %s/output && cat stdp_weights.csv tm_weights.csv spikes.csv > ../%s.txt", g_dir, tag);
  if (system(cmd) != 0) FAIL("cannot keep outputs");
}

static void same(const char *a, const char *b) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cmp %s/%s.txt %s/%s.txt", g_dir, a, g_dir, b);
  if (system(cmd) != 0) FAIL("%s and %s runs differ", a, b);
  printf("%s and %s runs write the same bytes\n", a, b);
}

int main(int argc, char **argv) {
  if (argc < 2) FAIL("usage: stdp_pairs CADENZA [MPIEXEC]");
  build_folder();
  run("", argv[1], "--threads 1");
  check_spikes();
  check_weights();
  keep("t1");
  run("", argv[1], "--threads 2");
  keep("t2");
  same("t1", "t2");
  if (argc > 2 && argv[2][0]) {
    char prefix[1024];
    snprintf(prefix, sizeof prefix, "%s -n 2", argv[2]);
    run(prefix, argv[1], "--threads 1");
    keep("r2");
    same("t1", "r2");
  }
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
  printf("stdp_pairs: all checks passed\n");
  return 0;
}
