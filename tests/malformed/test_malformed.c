/* Malformed-input suite: every case builds a small valid SONATA folder (two populations,
 * two edge files, a spike input), breaks exactly one thing, runs the cadenza binary
 * (argv[1]) on it and checks the failure contract:
 *   - exit code 2 for bad input (3 for output-folder problems),
 *   - stderr holds exactly one line, "cadenza: error: ...", naming the offending file
 *     (basename) and the key, dataset or column at fault,
 *   - nothing is written: the configured output folder does not exist afterwards (or is
 *     unchanged when it existed before) and no "*.part" file is left anywhere.
 * A positive control runs the unbroken folder, so a broken fixture fails the suite.
 * Set CZ_KEEP_TMP=1 to keep the scratch folders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "unit/cz_test.h"
#include "io/h5.h"
#include "io/spikes_out.h"

extern char **environ;

enum { PATH_LEN = 1024, ERR_LEN = 16384, N_CORTEX = 10, N_THALAMUS = 5, N_CC = 20, N_TC = 10 };

static const char *g_cadenza; /* the binary under test */

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                       */

typedef struct fx {
  char dir[PATH_LEN / 2]; /* the simulation folder (scratch); short enough for any path below */
} fx;

static void fx_path(const fx *f, const char *rel, char *out, size_t n) { snprintf(out, n, "%s/%s", f->dir, rel); }

static void fx_write(const fx *f, const char *rel, const char *text) {
  char path[PATH_LEN];
  cz_test_write(path, sizeof path, f->dir, rel, text);
}

static void fx_mkdir(const fx *f, const char *rel) {
  char path[PATH_LEN];
  fx_path(f, rel, path, sizeof path);
  assert_int_equal(mkdir(path, 0755), 0);
}

static bool fx_exists(const fx *f, const char *rel) {
  char path[PATH_LEN];
  struct stat st;
  fx_path(f, rel, path, sizeof path);
  return stat(path, &st) == 0;
}

static void fx_unlink(const fx *f, const char *rel) {
  char path[PATH_LEN];
  fx_path(f, rel, path, sizeof path);
  assert_int_equal(unlink(path), 0);
}

/* Removes the files of the fixture's output folder and the folder (no subfolders there). */
static void fx_remove_output(const fx *f) {
  char dir[PATH_LEN], path[PATH_LEN + 256];
  fx_path(f, "output", dir, sizeof dir);
  DIR *d = opendir(dir);
  if (!d) return;
  for (struct dirent *de; (de = readdir(d));) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    assert_int_equal(unlink(path), 0);
  }
  closedir(d);
  assert_int_equal(rmdir(dir), 0);
}

/* Whole file; NUL-terminated; *len may be NULL. Aborts the test when unreadable. */
static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  assert_int_equal(fseek(fp, 0, SEEK_END), 0);
  long n = ftell(fp);
  assert_true(n >= 0);
  rewind(fp);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  buf[n] = '\0';
  if (len) *len = (size_t)n;
  return buf;
}

static void spill(const char *path, const char *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(data, 1, len, fp), len);
  assert_int_equal(fclose(fp), 0);
}

/* Replaces the one occurrence of old in file rel with new (the fixture must hold old once). */
static void fx_replace(const fx *f, const char *rel, const char *old, const char *new_text) {
  char path[PATH_LEN];
  fx_path(f, rel, path, sizeof path);
  char *text = slurp(path, NULL);
  char *at = strstr(text, old);
  if (!at || strstr(at + 1, old)) fail_msg("fixture: '%s' is not in %s exactly once", old, rel);
  size_t head = (size_t)(at - text), nold = strlen(old), nnew = strlen(new_text), tail = strlen(at + nold);
  char *out = malloc(head + nnew + tail + 1);
  assert_non_null(out);
  memcpy(out, text, head);
  memcpy(out + head, new_text, nnew);
  memcpy(out + head + nnew, at + nold, tail + 1);
  spill(path, out, head + nnew + tail);
  free(out);
  free(text);
}

static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char sub[PATH_LEN];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

/* First "*.part" file below path (into found), or false. */
static bool find_part_file(const char *path, char *found, size_t n) {
  DIR *d = opendir(path);
  if (!d) return false;
  bool hit = false;
  struct dirent *e;
  while (!hit && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char sub[PATH_LEN];
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    size_t len = strlen(e->d_name);
    if (len >= 5 && strcmp(e->d_name + len - 5, ".part") == 0) {
      snprintf(found, n, "%s", sub);
      hit = true;
    } else {
      struct stat st;
      if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) hit = find_part_file(sub, found, n);
    }
  }
  closedir(d);
  return hit;
}

/* Number of entries in a folder (-1 when it cannot be read). */
static int count_entries(const char *path) {
  DIR *d = opendir(path);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

/* ------------------------------------------------------------------------------------------ */
/* HDF5 fixture files                                                                          */

#define H5_OK(expr) assert_int_equal((expr), CZ_OK)

static cz_h5file *h5_new(const fx *f, const char *rel) {
  char path[PATH_LEN];
  fx_path(f, rel, path, sizeof path);
  cz_h5file *h = NULL;
  H5_OK(cz_h5_create(path, &h));
  const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  H5_OK(cz_h5_write_attr_u32(h, "/", "magic", &magic, 1));
  H5_OK(cz_h5_write_attr_u32(h, "/", "version", version, 2));
  return h;
}

static void h5_done(cz_h5file **h) { H5_OK(cz_h5_close(h)); }

/* One node population. Defaults: ids 0..n-1, every node of type_id, group 0. */
typedef struct nodes_spec {
  const char *pop;
  size_t n;
  uint64_t type_id;
  bool type_as_float;    /* node_type_id stored as float64 */
  long bad_type_row;     /* >= 0: this row gets type id 999 */
  bool nan_v_th;         /* 0/dynamics_params/V_th with NaN for node 0 */
  bool dup_node_id;      /* node_id holds 4 twice (rows 4 and 5) */
  uint32_t group_id;     /* the node_group_id of every node (the group written is 0) */
  size_t n_type_ids;     /* rows of node_type_id when not 0 (n otherwise) */
} nodes_spec;

static nodes_spec nodes_default(const char *pop, size_t n, uint64_t type_id) {
  nodes_spec s = {pop, n, type_id, false, -1, false, false, 0, 0};
  return s;
}

static void write_nodes(const fx *f, const char *rel, const nodes_spec *s) {
  uint64_t ids[64], types[64], gidx[64];
  uint32_t gid[64];
  double ftypes[64], x[64], v_th[64];
  assert_true(s->n <= 64);
  for (size_t i = 0; i < s->n; i++) {
    ids[i] = gidx[i] = i;
    types[i] = (long)i == s->bad_type_row ? 999 : s->type_id;
    ftypes[i] = (double)types[i];
    gid[i] = s->group_id;
    x[i] = 10.0 * (double)i;
    v_th[i] = i == 0 ? NAN : -55.0;
  }
  if (s->dup_node_id && s->n > 5) ids[5] = 4;
  cz_h5file *h = h5_new(f, rel);
  char path[256];
  snprintf(path, sizeof path, "/nodes/%s/node_id", s->pop);
  H5_OK(cz_h5_write_u64(h, path, ids, s->n, false));
  snprintf(path, sizeof path, "/nodes/%s/node_type_id", s->pop);
  const size_t ntypes = s->n_type_ids ? s->n_type_ids : s->n;
  H5_OK(s->type_as_float ? cz_h5_write_f64(h, path, ftypes, ntypes, false) : cz_h5_write_u64(h, path, types, ntypes, false));
  snprintf(path, sizeof path, "/nodes/%s/node_group_id", s->pop);
  H5_OK(cz_h5_write_u32(h, path, gid, s->n, false));
  snprintf(path, sizeof path, "/nodes/%s/node_group_index", s->pop);
  H5_OK(cz_h5_write_u64(h, path, gidx, s->n, false));
  snprintf(path, sizeof path, "/nodes/%s/0/x", s->pop);
  H5_OK(cz_h5_write_f64(h, path, x, s->n, false));
  if (s->nan_v_th) {
    snprintf(path, sizeof path, "/nodes/%s/0/dynamics_params/V_th", s->pop);
    H5_OK(cz_h5_write_f64(h, path, v_th, s->n, false));
  }
  h5_done(&h);
}

/* One edge population; edge i joins src[i] -> tgt[i]. */
typedef struct edges_spec {
  const char *pop;
  const char *src_pop, *tgt_pop;
  uint64_t src[64], tgt[64];
  size_t nsrc, ntgt;
  uint32_t type_id;
  const double *syn_weight; /* NULL: no syn_weight dataset in group 0 */
  bool indexed;             /* write a target_to_source index (one range per edge) */
  bool index_wrong;         /* ... that gives targets 0 and 1 each other's ranges */
  const double *delay, *nsyns; /* NULL: no such dataset in group 0 */
  uint16_t group_id;           /* the edge_group_id of every edge (the group written is 0) */
  uint64_t index_nodes;        /* > 0: the index lists only target ids below this */
} edges_spec;

static edges_spec cc_default(void) {
  edges_spec s = {"cortex_to_cortex", "cortex", "cortex", {0}, {0}, N_CC, N_CC, 100, NULL, false, false, NULL, NULL, 0, 0};
  for (size_t i = 0; i < N_CC; i++) {
    s.src[i] = i % N_CORTEX;
    s.tgt[i] = (i * 3 + 1) % N_CORTEX;
  }
  return s;
}

static edges_spec tc_default(void) {
  edges_spec s = {"thalamus_to_cortex", "thalamus", "cortex", {0}, {0}, N_TC, N_TC, 200, NULL, false, false, NULL, NULL, 0, 0};
  for (size_t i = 0; i < N_TC; i++) {
    s.src[i] = i % N_THALAMUS;
    s.tgt[i] = i;
  }
  return s;
}

/* The target_to_source index of s: per target id (0 to the largest), its edges as ranges of
 * one row each, in row order. Files with an index are read on every thread. */
static void write_index(cz_h5file *h, const char *base, const edges_spec *s) {
  uint64_t nn = 0;
  for (size_t i = 0; i < s->ntgt; i++)
    if (s->tgt[i] + 1 > nn) nn = s->tgt[i] + 1;
  if (s->index_nodes && nn > s->index_nodes) nn = s->index_nodes;
  uint64_t node_to[2 * 64], range_to[2 * 64];
  size_t nr = 0;
  for (uint64_t id = 0; id < nn; id++) {
    node_to[2 * id] = nr;
    for (size_t i = 0; i < s->ntgt; i++)
      if (s->tgt[i] == id) {
        range_to[2 * nr] = i;
        range_to[2 * nr + 1] = i + 1;
        nr++;
      }
    node_to[2 * id + 1] = nr;
  }
  if (s->index_wrong && nn >= 2) /* still complete and disjoint, but wrong */
    for (int k = 0; k < 2; k++) {
      const uint64_t x = node_to[k];
      node_to[k] = node_to[2 + k];
      node_to[2 + k] = x;
    }
  char path[256];
  snprintf(path, sizeof path, "%s/indices/target_to_source", base);
  H5_OK(cz_h5_create_group(h, path));
  snprintf(path, sizeof path, "%s/indices/target_to_source/node_id_to_range", base);
  H5_OK(cz_h5_write_u64_pairs(h, path, node_to, (size_t)nn, false));
  snprintf(path, sizeof path, "%s/indices/target_to_source/range_to_edge_id", base);
  H5_OK(cz_h5_write_u64_pairs(h, path, range_to, nr, false));
}

static void write_edges(const fx *f, const char *rel, const edges_spec *s) {
  uint32_t type[64], gidx[64];
  uint16_t gid[64];
  for (size_t i = 0; i < s->nsrc; i++) {
    type[i] = s->type_id;
    gid[i] = s->group_id;
    gidx[i] = (uint32_t)i;
  }
  cz_h5file *h = h5_new(f, rel);
  char base[128], path[256];
  snprintf(base, sizeof base, "/edges/%s", s->pop);
  snprintf(path, sizeof path, "%s/source_node_id", base);
  H5_OK(cz_h5_write_u64(h, path, s->src, s->nsrc, false));
  H5_OK(cz_h5_write_attr_string(h, path, "node_population", s->src_pop));
  snprintf(path, sizeof path, "%s/target_node_id", base);
  H5_OK(cz_h5_write_u64(h, path, s->tgt, s->ntgt, false));
  H5_OK(cz_h5_write_attr_string(h, path, "node_population", s->tgt_pop));
  snprintf(path, sizeof path, "%s/edge_type_id", base);
  H5_OK(cz_h5_write_u32(h, path, type, s->nsrc, false));
  snprintf(path, sizeof path, "%s/edge_group_id", base);
  H5_OK(cz_h5_write_u16(h, path, gid, s->nsrc, false));
  snprintf(path, sizeof path, "%s/edge_group_index", base);
  H5_OK(cz_h5_write_u32(h, path, gidx, s->nsrc, false));
  snprintf(path, sizeof path, "%s/0", base);
  H5_OK(cz_h5_create_group(h, path));
  const struct {
    const char *name;
    const double *v;
  } cols[] = {{"syn_weight", s->syn_weight}, {"delay", s->delay}, {"nsyns", s->nsyns}};
  for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
    if (cols[c].v) {
      snprintf(path, sizeof path, "%s/0/%s", base, cols[c].name);
      H5_OK(cz_h5_write_f64(h, path, cols[c].v, s->nsrc, false));
    }
  if (s->indexed) write_index(h, base, s);
  h5_done(&h);
}

/* Thalamus input spikes: node i fires at first + 5 ms * k, k = 0..7. */
static void write_spikes_input(const fx *f, double first) {
  enum { PER_NODE = 8, N = N_THALAMUS * PER_NODE };
  uint32_t pop[N];
  uint64_t ids[N];
  double ts[N];
  for (size_t i = 0; i < N; i++) {
    pop[i] = 0;
    ids[i] = i % N_THALAMUS;
    ts[i] = first + 5.0 * (double)(i / N_THALAMUS);
  }
  const char *names[1] = {"thalamus"};
  cz_spike_table t = {N, pop, ids, ts, 1, names};
  cz_spikes_sort(&t, CZ_SORT_BY_TIME);
  char path[PATH_LEN];
  fx_path(f, "inputs/thalamus_spikes.h5", path, sizeof path);
  H5_OK(cz_spikes_write_h5(path, &t, CZ_SORT_BY_TIME, false));
}

/* ------------------------------------------------------------------------------------------ */
/* The valid fixture                                                                           */

static const char k_config[] =
    "{\n"
    "  \"manifest\": {\n"
    "    \"$BASE_DIR\": \"${configdir}\",\n"
    "    \"$NETWORK_DIR\": \"$BASE_DIR/network\",\n"
    "    \"$COMPONENTS_DIR\": \"$BASE_DIR/components\",\n"
    "    \"$OUTPUT_DIR\": \"$BASE_DIR/output\"\n"
    "  },\n"
    "  \"target_simulator\": \"NEST\",\n"
    "  \"run\": {\n"
    "    \"tstop\": 50.0,\n"
    "    \"dt\": 0.1\n"
    "  },\n"
    "  \"inputs\": {\n"
    "    \"thalamus_spikes\": {\n"
    "      \"input_type\": \"spikes\",\n"
    "      \"module\": \"sonata\",\n"
    "      \"input_file\": \"$BASE_DIR/inputs/thalamus_spikes.h5\",\n"
    "      \"node_set\": \"thalamus_cells\"\n"
    "    }\n"
    "  },\n"
    "  \"output\": {\n"
    "    \"output_dir\": \"$OUTPUT_DIR\",\n"
    "    \"spikes_file\": \"spikes.h5\",\n"
    "    \"spikes_sort_order\": \"time\",\n"
    "    \"overwrite_output_dir\": false\n"
    "  },\n"
    "  \"components\": {\n"
    "    \"point_neuron_models_dir\": \"$COMPONENTS_DIR/point_neuron_models\",\n"
    "    \"synaptic_models_dir\": \"$COMPONENTS_DIR/synaptic_models\"\n"
    "  },\n"
    "  \"node_sets\": {\n"
    "    \"thalamus_cells\": {\"population\": \"thalamus\"},\n"
    "    \"cortex_cells\": {\"population\": \"cortex\"}\n"
    "  },\n"
    "  \"networks\": {\n"
    "    \"nodes\": [\n"
    "      {\n"
    "        \"nodes_file\": \"$NETWORK_DIR/cortex_nodes.h5\",\n"
    "        \"node_types_file\": \"$NETWORK_DIR/cortex_node_types.csv\"\n"
    "      },\n"
    "      {\n"
    "        \"nodes_file\": \"$NETWORK_DIR/thalamus_nodes.h5\",\n"
    "        \"node_types_file\": \"$NETWORK_DIR/thalamus_node_types.csv\"\n"
    "      }\n"
    "    ],\n"
    "    \"edges\": [\n"
    "      {\n"
    "        \"edges_file\": \"$NETWORK_DIR/cortex_cortex_edges.h5\",\n"
    "        \"edge_types_file\": \"$NETWORK_DIR/cortex_cortex_edge_types.csv\"\n"
    "      },\n"
    "      {\n"
    "        \"edges_file\": \"$NETWORK_DIR/thalamus_cortex_edges.h5\",\n"
    "        \"edge_types_file\": \"$NETWORK_DIR/thalamus_cortex_edge_types.csv\"\n"
    "      }\n"
    "    ]\n"
    "  }\n"
    "}\n";

static const char k_cortex_types[] =
    "node_type_id model_type model_template dynamics_params pop_name ei\n"
    "100 point_neuron nest:iaf_psc_delta cell.json exc e\n";
static const char k_thalamus_types[] =
    "node_type_id model_type pop_name ei\n"
    "200 virtual lgn e\n";
static const char k_cc_types[] =
    "edge_type_id target_query source_query syn_weight delay dynamics_params model_template\n"
    "100 * * 2.0 1.5 exc_syn.json static_synapse\n";
static const char k_tc_types[] =
    "edge_type_id target_query source_query syn_weight delay dynamics_params model_template\n"
    "200 * * 4.0 2.0 exc_syn.json static_synapse\n";

static void fx_build(fx *f) {
  cz_test_tmpdir(f->dir, sizeof f->dir, "malformed");
  fx_mkdir(f, "network");
  fx_mkdir(f, "inputs");
  fx_mkdir(f, "components");
  fx_mkdir(f, "components/point_neuron_models");
  fx_mkdir(f, "components/synaptic_models");
  fx_write(f, "config.json", k_config);
  fx_write(f, "network/cortex_node_types.csv", k_cortex_types);
  fx_write(f, "network/thalamus_node_types.csv", k_thalamus_types);
  fx_write(f, "network/cortex_cortex_edge_types.csv", k_cc_types);
  fx_write(f, "network/thalamus_cortex_edge_types.csv", k_tc_types);
  fx_write(f, "components/point_neuron_models/cell.json", "{\"I_e\": 500.0}\n");
  fx_write(f, "components/synaptic_models/exc_syn.json", "{}\n");
  nodes_spec cortex = nodes_default("cortex", N_CORTEX, 100), thalamus = nodes_default("thalamus", N_THALAMUS, 200);
  write_nodes(f, "network/cortex_nodes.h5", &cortex);
  write_nodes(f, "network/thalamus_nodes.h5", &thalamus);
  edges_spec cc = cc_default(), tc = tc_default();
  write_edges(f, "network/cortex_cortex_edges.h5", &cc);
  write_edges(f, "network/thalamus_cortex_edges.h5", &tc);
  write_spikes_input(f, 5.0);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  fx_build(f);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  const char *keep = getenv("CZ_KEEP_TMP");
  if (f && !(keep && *keep && strcmp(keep, "0") != 0)) remove_tree(f->dir);
  free(f);
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Running cadenza                                                                             */

typedef struct outcome {
  int code;          /* exit status; 128 + signal when killed */
  char err[ERR_LEN]; /* stderr */
} outcome;

static outcome g_last; /* the latest run checked by expect_error_cfg */

/* Runs the binary with argv; the output captured in o->err is stderr, or stdout and stderr
 * together when both_streams (stdout otherwise goes to /dev/null). */
static void spawn_capture(const fx *f, char **argv, bool both_streams, outcome *o) {
  char outpath[PATH_LEN];
  fx_path(f, "captured.txt", outpath, sizeof outpath);
  posix_spawn_file_actions_t fa;
  assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
  if (both_streams) {
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
    assert_int_equal(posix_spawn_file_actions_adddup2(&fa, 1, 2), 0);
  } else {
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0), 0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
  }
  pid_t pid;
  int rc = posix_spawn(&pid, g_cadenza, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) fail_msg("cannot start %s: %s", g_cadenza, strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) assert_int_equal(errno, EINTR);
  o->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  char *text = slurp(outpath, NULL);
  snprintf(o->err, sizeof o->err, "%s", text);
  free(text);
  unlink(outpath);
}

/* Runs `cadenza run <config> --no-progress` with stdout to /dev/null, stderr captured. */
static void run_cadenza(const fx *f, const char *config, outcome *o) {
  char *argv[] = {(char *)g_cadenza, "run", (char *)config, "--no-progress", NULL};
  spawn_capture(f, argv, false, o);
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Runs config (relative to the fixture) and checks the one-line error contract. */
static void expect_error_cfg(const fx *f, const char *config_rel, int code, const char *file, const char *key) {
  char config[PATH_LEN];
  fx_path(f, config_rel, config, sizeof config);
  outcome *o = &g_last;
  run_cadenza(f, config, o);
  print_message("[ cadenza  ] exit %d, stderr: %s", o->code, o->err);
  if (o->code != code) fail_msg("exit code %d, expected %d", o->code, code);
  const char *nl = strchr(o->err, '\n');
  if (!nl || nl[1] != '\0') fail_msg("stderr is not exactly one line");
  const char *prefix = "cadenza: error: ";
  if (strncmp(o->err, prefix, strlen(prefix)) != 0) fail_msg("stderr does not start with '%s'", prefix);
  if (!strstr(o->err, base_name(file))) fail_msg("the message does not name the file '%s'", base_name(file));
  if (key && !strstr(o->err, key)) fail_msg("the message does not name '%s'", key);
  char part[PATH_LEN];
  if (find_part_file(f->dir, part, sizeof part)) fail_msg("a partial file was left behind: %s", part);
}

/* The message of the latest checked run also holds text. */
static void last_message_mentions(const char *text) {
  if (!strstr(g_last.err, text)) fail_msg("the message does not mention '%s'", text);
}

/* Bad input: exit 2, and the output folder was never created. */
static void expect_input_error(const fx *f, const char *file, const char *key) {
  expect_error_cfg(f, "config.json", 2, file, key);
  if (fx_exists(f, "output")) fail_msg("the output folder was created although the input is invalid");
}

/* ------------------------------------------------------------------------------------------ */
/* Positive control                                                                            */

/* The node_ids and (when times is not NULL) the timestamps of the fixture's spikes after a run. */
static uint64_t *read_spikes(const fx *f, double **times, size_t *n) {
  char spikes[PATH_LEN];
  fx_path(f, "output/spikes.h5", spikes, sizeof spikes);
  uint64_t *ids = NULL;
  cz_h5file *h = NULL;
  H5_OK(cz_h5_open_read(spikes, &h));
  H5_OK(cz_h5_read_u64(h, "/spikes/cortex/node_ids", &ids, n));
  if (times) H5_OK(cz_h5_read_f64(h, "/spikes/cortex/timestamps", times, n));
  cz_h5_close(&h);
  return ids;
}

static uint64_t *spike_ids(const fx *f, size_t *n) { return read_spikes(f, NULL, n); }

static void test_valid_fixture_runs(void **state) {
  fx *f = *state;
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  outcome o;
  run_cadenza(f, config, &o);
  if (o.code != 0) fail_msg("the valid fixture failed (exit %d): %s", o.code, o.err);
  size_t n = 0;
  free(spike_ids(f, &n));
  assert_true(n >= N_CORTEX); /* every cell is driven above threshold */
  char part[PATH_LEN];
  assert_false(find_part_file(f->dir, part, sizeof part));
}

/* The fixture on 2 threads with indexed edge files (edges read on every thread), and with a
 * wrong index on the recurrent edges (found wrong, so every edge is read on one thread: a
 * warning says so), gives the same spikes as without indexes. */
static void test_valid_fixture_indexed_threads(void **state) {
  fx *f = *state;
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  outcome o;
  setenv("OMP_NUM_THREADS", "2", 1);
  run_cadenza(f, config, &o);
  if (o.code != 0) fail_msg("the fixture failed without indexes (exit %d): %s", o.code, o.err);
  size_t n_plain = 0;
  uint64_t *plain = spike_ids(f, &n_plain);
  assert_true(n_plain >= N_CORTEX);
  edges_spec cc = cc_default(), tc = tc_default();
  cc.indexed = tc.indexed = true;
  for (int wrong = 0; wrong < 2; wrong++) {
    cc.index_wrong = wrong;
    write_edges(f, "network/cortex_cortex_edges.h5", &cc);
    write_edges(f, "network/thalamus_cortex_edges.h5", &tc);
    fx_remove_output(f);
    run_cadenza(f, config, &o);
    if (o.code != 0) fail_msg("the fixture failed with indexes (exit %d): %s", o.code, o.err);
    assert_int_equal(strstr(o.err, "does not match its edges") != NULL, wrong);
    size_t n = 0;
    uint64_t *ids = spike_ids(f, &n);
    assert_int_equal(n, n_plain);
    assert_memory_equal(plain, ids, n * sizeof *ids);
    free(ids);
  }
  unsetenv("OMP_NUM_THREADS");
  free(plain);
}

/* Runs the fixture (which must succeed) and returns its spike times. */
static double *run_for_times(fx *f, size_t *n) {
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  fx_remove_output(f);
  outcome o;
  run_cadenza(f, config, &o);
  if (o.code != 0) fail_msg("the fixture failed (exit %d): %s", o.code, o.err);
  double *t = NULL;
  free(read_spikes(f, &t, n));
  return t;
}

/* Weights, nsyns and delays from the h5 group's columns, read on 2 threads through the index,
 * give the spikes of the same values given by the edge type; the columns are checked edge by
 * edge (a delay below dt at row 7 is named by its row). */
static void test_edge_columns_threaded(void **state) {
  fx *f = *state;
  setenv("OMP_NUM_THREADS", "2", 1);
  edges_spec cc = cc_default(), tc = tc_default();
  cc.indexed = tc.indexed = true;
  write_edges(f, "network/thalamus_cortex_edges.h5", &tc);
  write_edges(f, "network/cortex_cortex_edges.h5", &cc);
  size_t n_plain = 0;
  double *plain = run_for_times(f, &n_plain);
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "100 * * 2.0 1.5", "100 * * 3.0 2.5");
  size_t n_type = 0;
  double *by_type = run_for_times(f, &n_type);
  /* the values matter: a reader that ignored the columns would fail the comparison below */
  assert_true(n_type != n_plain || memcmp(plain, by_type, n_type * sizeof *plain) != 0);
  free(plain);
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "100 * * 3.0 2.5", "100 * * 2.0 1.5");
  static double w[N_CC], d[N_CC], ns[N_CC];
  for (size_t i = 0; i < N_CC; i++) {
    w[i] = 1.5;
    ns[i] = 2.0;
    d[i] = 2.5;
  }
  cc.syn_weight = w;
  cc.nsyns = ns;
  cc.delay = d;
  write_edges(f, "network/cortex_cortex_edges.h5", &cc);
  size_t n_col = 0;
  double *by_col = run_for_times(f, &n_col);
  assert_int_equal(n_col, n_type);
  assert_memory_equal(by_col, by_type, n_col * sizeof *by_col);
  free(by_col);
  free(by_type);
  fx_remove_output(f);
  d[7] = 0.04;
  write_edges(f, "network/cortex_cortex_edges.h5", &cc);
  expect_input_error(f, "cortex_cortex_edges.h5", "edge 7 of cortex_to_cortex has delay 0.04 ms");
  unsetenv("OMP_NUM_THREADS");
}

/* Delays of 256 steps or more do not fit a packed target (pointnet/network.h): such a network
 * keeps its delays apart and gives the spikes of the unpacked layout. The long delay changes
 * the spikes, so a table that wrapped it into 8 bits would give others. */
static void test_long_delays_unpacked(void **state) {
  fx *f = *state;
  size_t n_short = 0, n_long = 0, n_apart = 0;
  double *short_delay = run_for_times(f, &n_short);
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "100 * * 2.0 1.5", "100 * * 2.0 30.0");
  double *long_delay = run_for_times(f, &n_long);
  setenv("CADENZA_PACKED_TARGETS", "0", 1);
  double *apart = run_for_times(f, &n_apart);
  unsetenv("CADENZA_PACKED_TARGETS");
  assert_true(n_long != n_short || memcmp(long_delay, short_delay, n_long * sizeof *long_delay) != 0);
  assert_int_equal(n_long, n_apart);
  assert_memory_equal(long_delay, apart, n_long * sizeof *long_delay);
  free(short_delay);
  free(long_delay);
  free(apart);
}

/* Two bad values in one chunk of the h5 group's columns: the edge named is the first bad one
 * in file order, whichever column holds it (a reader that checked column by column would name
 * the weight in both cases). */
static void test_first_bad_edge_named(void **state) {
  fx *f = *state;
  edges_spec cc = cc_default();
  static double w[N_CC], d[N_CC];
  for (size_t i = 0; i < N_CC; i++) {
    w[i] = 1.5;
    d[i] = 2.5;
  }
  cc.syn_weight = w;
  cc.delay = d;
  d[3] = -1.0;
  w[9] = NAN;
  write_edges(f, "network/cortex_cortex_edges.h5", &cc);
  expect_input_error(f, "cortex_cortex_edges.h5", "edge 3 of population cortex_to_cortex: delay -1 ms must be positive");
  d[3] = 2.5;
  w[9] = 1.5;
  w[2] = NAN;
  d[9] = -1.0;
  write_edges(f, "network/cortex_cortex_edges.h5", &cc);
  expect_input_error(f, "cortex_cortex_edges.h5", "/0/syn_weight[2]");
}

/* ------------------------------------------------------------------------------------------ */
/* Config file                                                                                 */

/* Line of the first occurrence of needle in file rel (1-based). */
static int line_of(const fx *f, const char *rel, const char *needle) {
  char path[PATH_LEN];
  fx_path(f, rel, path, sizeof path);
  char *text = slurp(path, NULL);
  char *at = strstr(text, needle);
  assert_non_null(at);
  int line = 1;
  for (char *p = text; p < at; p++) line += *p == '\n';
  free(text);
  return line;
}

/* A trailing comma, the most common hand-editing slip: the error is the '}' that follows. */
static void test_json_syntax_error(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"dt\": 0.1\n  },", "\"dt\": 0.1,\n  },");
  char where[64];
  /* The '}' of "  }," closing "run": column 3 of the line after "dt". */
  snprintf(where, sizeof where, "config.json:%d:3:", line_of(f, "config.json", "\"dt\": 0.1,") + 1);
  expect_input_error(f, "config.json", where);
}

static void test_config_missing(void **state) {
  fx *f = *state;
  expect_error_cfg(f, "no_such_config.json", 2, "no_such_config.json", "cannot open");
  assert_false(fx_exists(f, "output"));
}

static void test_network_child_missing(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "  \"target_simulator\"", "  \"network\": \"circuit_config.json\",\n  \"target_simulator\"");
  expect_input_error(f, "circuit_config.json", "network");
}

static void test_dt_missing(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"tstop\": 50.0,\n    \"dt\": 0.1", "\"tstop\": 50.0");
  expect_input_error(f, "config.json", "run.dt");
}

static void test_dt_zero(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"dt\": 0.1", "\"dt\": 0");
  expect_input_error(f, "config.json", "run.dt");
}

static void test_dt_negative(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"dt\": 0.1", "\"dt\": -0.1");
  expect_input_error(f, "config.json", "run.dt");
}

static void test_dt_off_resolution(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"dt\": 0.1", "\"dt\": 0.0125");
  expect_input_error(f, "config.json", "run.dt");
}

static void test_tstop_missing(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"tstop\": 50.0,\n", "");
  expect_input_error(f, "config.json", "run.tstop");
}

static void test_tstop_string(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"tstop\": 50.0", "\"tstop\": \"50.0\"");
  expect_input_error(f, "config.json", "run.tstop");
}

static void test_number_overflow_inf(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"tstop\": 50.0", "\"tstop\": 1e999");
  expect_input_error(f, "config.json", "run.tstop");
}

static void test_manifest_cycle(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"$OUTPUT_DIR\": \"$BASE_DIR/output\"",
             "\"$OUTPUT_DIR\": \"$BASE_DIR/output\",\n    \"$LOOP_A\": \"$LOOP_B/a\",\n    \"$LOOP_B\": \"$LOOP_A/b\"");
  expect_input_error(f, "config.json", "manifest");
}

static void test_bad_sort_order(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"spikes_sort_order\": \"time\"", "\"spikes_sort_order\": \"by_colour\"");
  expect_input_error(f, "config.json", "output.spikes_sort_order");
}

/* config.json with a reports section holding one block, refused naming key. */
static void expect_report_refused(fx *f, const char *block, const char *key) {
  char text[512];
  snprintf(text, sizeof text, "  \"reports\": {\n    %s\n  },\n  \"output\": {", block);
  fx_replace(f, "config.json", "  \"output\": {", text);
  expect_input_error(f, "config.json", key);
}

static void test_unknown_report_module(void **state) {
  expect_report_refused(*state, "\"calcium\": {\"module\": \"calcium_imaging\", \"cells\": \"cortex_cells\"}",
                        "reports.calcium.module");
}

/* A module BMTK has but Cadenza does not would change the run silently if it were skipped. */
static void test_report_not_written_yet(void **state) {
  expect_report_refused(*state, "\"w\": {\"module\": \"syn_weight\", \"cells\": \"cortex_cells\"}",
                        "reports.w.module: \"syn_weight\" is a BMTK report that Cadenza does not");
}

static void test_input_not_run_yet(void **state) {
  fx_replace(*state, "config.json", "  \"inputs\": {\n",
             "  \"inputs\": {\n    \"again\": {\"input_type\": \"syn_activity\", \"module\": \"syn_activity\"},\n");
  expect_input_error(*state, "config.json", "inputs.again: module \"syn_activity\"");
}

/* Replay runs on PointNet (a Cadenza extension, pointnet/replay.h): a block without its keys
 * is refused naming the key. */
static void test_replay_without_spikes_file(void **state) {
  fx_replace(*state, "config.json", "  \"inputs\": {\n",
             "  \"inputs\": {\n    \"again\": {\"input_type\": \"replay_spikes\", \"module\": \"replay\"},\n");
  expect_input_error(*state, "config.json", "inputs.again: missing key spikes_file");
}

static void test_nodes_listed_twice(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"nodes_file\": \"$NETWORK_DIR/thalamus_nodes.h5\"",
             "\"nodes_file\": \"$NETWORK_DIR/cortex_nodes.h5\"");
  expect_input_error(f, "cortex_nodes.h5", "networks.nodes[1]");
}

/* ------------------------------------------------------------------------------------------ */
/* Node files                                                                                  */

static void test_nodes_file_missing(void **state) {
  fx *f = *state;
  fx_unlink(f, "network/cortex_nodes.h5");
  expect_input_error(f, "cortex_nodes.h5", "nodes_file");
}

static void test_node_types_file_missing(void **state) {
  fx *f = *state;
  fx_unlink(f, "network/cortex_node_types.csv");
  expect_input_error(f, "cortex_node_types.csv", "node_types_file");
}

static void test_nodes_garbage(void **state) {
  fx *f = *state;
  fx_write(f, "network/cortex_nodes.h5", "this is not an HDF5 file, just some text pretending to be one\n");
  expect_input_error(f, "cortex_nodes.h5", "HDF5");
}

static void test_nodes_truncated(void **state) {
  fx *f = *state;
  char path[PATH_LEN];
  fx_path(f, "network/cortex_nodes.h5", path, sizeof path);
  size_t len = 0;
  char *data = slurp(path, &len);
  spill(path, data, len / 2);
  free(data);
  expect_input_error(f, "cortex_nodes.h5", "HDF5");
}

static void test_node_type_id_float(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", N_CORTEX, 100);
  s.type_as_float = true;
  write_nodes(f, "network/cortex_nodes.h5", &s);
  expect_input_error(f, "cortex_nodes.h5", "node_type_id");
}

static void test_node_type_id_unknown(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", N_CORTEX, 100);
  s.bad_type_row = 3;
  write_nodes(f, "network/cortex_nodes.h5", &s);
  expect_input_error(f, "cortex_nodes.h5", "node_type_id[3] = 999");
}

static void test_node_types_duplicate_id(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_node_types.csv", "exc e\n", "exc e\n100 point_neuron nest:iaf_psc_delta cell.json inh i\n");
  expect_input_error(f, "cortex_node_types.csv", "node_type_id 100");
}

static void test_node_types_short_row(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_node_types.csv", "cell.json exc e\n", "cell.json exc\n");
  expect_input_error(f, "cortex_node_types.csv", "line 2");
}

static void test_node_types_no_model_type(void **state) {
  fx *f = *state;
  fx_write(f, "network/cortex_node_types.csv",
           "node_type_id model_template dynamics_params pop_name ei\n"
           "100 nest:iaf_psc_delta cell.json exc e\n");
  expect_input_error(f, "cortex_node_types.csv", "model_type");
}

static void test_unknown_nest_model(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_node_types.csv", "nest:iaf_psc_delta", "nest:iaf_psc_foo");
  expect_input_error(f, "cortex_node_types.csv", "iaf_psc_foo");
  last_message_mentions("nest:iaf_psc_alpha"); /* it lists the models that do exist */
}

/* A receptor port the target model does not have: iaf_psc_delta has receptor 0 only. */
static void test_receptor_port_missing(void **state) {
  fx *f = *state;
  fx_write(f, "components/synaptic_models/exc_syn.json", "{\"receptor_type\": 2}\n");
  expect_input_error(f, "cortex_cortex_edges.h5", "receptor_type 2");
}

static void test_synapse_param_out_of_range(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "tsodyks2_synapse");
  fx_write(f, "components/synaptic_models/exc_syn.json", "{\"U\": 1.5}\n");
  expect_input_error(f, "exc_syn.json", "U must be in [0, 1]");
}

static void test_synapse_unknown_param(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "stdp_synapse");
  fx_write(f, "components/synaptic_models/exc_syn.json", "{\"A_plus\": 0.1}\n");
  expect_input_error(f, "exc_syn.json", "A_plus");
}

static void test_stdp_weight_sign(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "stdp_synapse");
  fx_write(f, "components/synaptic_models/exc_syn.json", "{\"Wmax\": -100.0}\n");
  expect_input_error(f, "cortex_cortex_edges.h5", "Wmax");
}

/* The power-law rule raises weights to the power mu: a negative one is refused, and the
 * message names the edge by its row in the file, also when the edges are streamed in batches
 * (here of 4 edges, so row 13 is the second edge of the fourth batch). */
/* Writes recurrent edges of the power-law rule with weight 2, but -2 at row 13, into w (N_CC
 * entries, kept for later rewrites) and the file, with an index when indexed. */
static edges_spec write_negative_weight_row(const fx *f, double *w, bool indexed) {
  for (size_t i = 0; i < N_CC; i++) w[i] = i == 13 ? -2.0 : 2.0;
  edges_spec s = cc_default();
  s.syn_weight = w;
  s.indexed = indexed;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "stdp_pl_synapse_hom_hpc");
  return s;
}

static void test_stdp_pl_negative_weight_row(void **state) {
  fx *f = *state;
  static double w[N_CC];
  write_negative_weight_row(f, w, false);
  setenv("CADENZA_EDGE_BATCH", "4", 1);
  expect_input_error(f, "cortex_cortex_edges.h5", "edge 13 of cortex_to_cortex has weight -2");
  unsetenv("CADENZA_EDGE_BATCH");
}

/* The same with an index, on 2 threads: each thread reads its own targets' rows (row 13
 * targets node 40 % 12 = 4), and the message still names the row in the file. A NaN weight
 * on the other thread's side is reported the same way. */
static void test_bad_weight_rows_threaded(void **state) {
  fx *f = *state;
  static double w[N_CC];
  const edges_spec s = write_negative_weight_row(f, w, true);
  setenv("OMP_NUM_THREADS", "2", 1);
  setenv("CADENZA_EDGE_BATCH", "4", 1);
  expect_input_error(f, "cortex_cortex_edges.h5", "edge 13 of cortex_to_cortex has weight -2");
  w[13] = 2.0;
  w[N_CC - 2] = NAN;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  char where[64];
  snprintf(where, sizeof where, "/0/syn_weight[%d]", N_CC - 2);
  expect_input_error(f, "cortex_cortex_edges.h5", where);
  unsetenv("CADENZA_EDGE_BATCH");
  unsetenv("OMP_NUM_THREADS");
}

/* A recorded copy of a synapse model exists only through its weight_recorder report. */
static void test_recorded_template_without_report(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "stdp_synapse_recorder");
  expect_input_error(f, "cortex_cortex_edge_types.csv", "stdp_synapse_recorder");
}

static void test_weight_recorder_missing_model(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "stdp_synapse_recorder");
  fx_replace(f, "config.json", "  \"output\": {\n",
             "  \"reports\": {\"w\": {\"module\": \"weight_recorder\", \"model_template\": \"stdp_synapse_recorder\",\n"
             "                      \"file_name\": \"weights.csv\"}},\n"
             "  \"output\": {\n");
  expect_input_error(f, "config.json", "reports.w.nest_model");
}

static void test_weight_recorder_builtin_template(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "  \"output\": {\n",
             "  \"reports\": {\"w\": {\"module\": \"weight_recorder\", \"nest_model\": \"stdp_synapse\",\n"
             "                      \"model_template\": \"static_synapse\", \"file_name\": \"weights.csv\"}},\n"
             "  \"output\": {\n");
  expect_input_error(f, "config.json", "built-in");
}

static void test_non_nest_template(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_node_types.csv", "nest:iaf_psc_delta", "ctdb:Biophys1.hoc");
  expect_input_error(f, "cortex_node_types.csv", "ctdb:Biophys1.hoc");
}

static void test_duplicate_node_id(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", N_CORTEX, 100);
  s.dup_node_id = true;
  write_nodes(f, "network/cortex_nodes.h5", &s);
  expect_input_error(f, "cortex_nodes.h5", "node_id");
}

static void test_duplicate_population_name(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", 3, 100);
  write_nodes(f, "network/more_cortex_nodes.h5", &s);
  fx_replace(f, "config.json", "\"nodes_file\": \"$NETWORK_DIR/thalamus_nodes.h5\"",
             "\"nodes_file\": \"$NETWORK_DIR/more_cortex_nodes.h5\"");
  fx_replace(f, "config.json", "\"node_types_file\": \"$NETWORK_DIR/thalamus_node_types.csv\"",
             "\"node_types_file\": \"$NETWORK_DIR/cortex_node_types.csv\"");
  expect_input_error(f, "more_cortex_nodes.h5", "'cortex'");
}

/* ------------------------------------------------------------------------------------------ */
/* Neuron parameters                                                                           */

static void test_nan_parameter_in_h5(void **state) {
  fx *f = *state;
  nodes_spec s = nodes_default("cortex", N_CORTEX, 100);
  s.nan_v_th = true;
  write_nodes(f, "network/cortex_nodes.h5", &s);
  expect_input_error(f, "cortex_nodes.h5", "V_th");
}

static void test_negative_capacitance(void **state) {
  fx *f = *state;
  fx_write(f, "components/point_neuron_models/cell.json", "{\"I_e\": 500.0, \"C_m\": -250.0}\n");
  expect_input_error(f, "cell.json", "C_m");
}

static void test_zero_tau_m(void **state) {
  fx *f = *state;
  fx_write(f, "components/point_neuron_models/cell.json", "{\"I_e\": 500.0, \"tau_m\": 0}\n");
  expect_input_error(f, "cell.json", "tau_m");
}

static void test_unknown_parameter(void **state) {
  fx *f = *state;
  fx_write(f, "components/point_neuron_models/cell.json", "{\"I_e\": 500.0, \"tau_syn_ex\": 2.0}\n");
  expect_input_error(f, "cell.json", "tau_syn_ex");
}

static void test_dynamics_params_missing(void **state) {
  fx *f = *state;
  fx_unlink(f, "components/point_neuron_models/cell.json");
  expect_input_error(f, "cell.json", "dynamics_params");
}

static void test_dynamics_params_malformed(void **state) {
  fx *f = *state;
  fx_write(f, "components/point_neuron_models/cell.json", "{\"I_e\": 500.0,, }\n");
  expect_input_error(f, "cell.json", "JSON");
}

/* ------------------------------------------------------------------------------------------ */
/* Edge files                                                                                  */

static void test_edge_target_unknown(void **state) {
  fx *f = *state;
  edges_spec s = cc_default();
  s.tgt[7] = 42;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_input_error(f, "cortex_cortex_edges.h5", "target_node_id[7] = 42");
}

static void test_edge_source_unknown(void **state) {
  fx *f = *state;
  edges_spec s = tc_default();
  s.src[2] = 5; /* the thalamus has nodes 0..4 */
  write_edges(f, "network/thalamus_cortex_edges.h5", &s);
  expect_input_error(f, "thalamus_cortex_edges.h5", "source_node_id[2] = 5");
}

static void test_edge_population_unknown(void **state) {
  fx *f = *state;
  edges_spec s = tc_default();
  s.src_pop = "retina";
  write_edges(f, "network/thalamus_cortex_edges.h5", &s);
  expect_input_error(f, "thalamus_cortex_edges.h5", "node_population");
}

static void test_edge_id_lengths_differ(void **state) {
  fx *f = *state;
  edges_spec s = cc_default();
  s.ntgt = N_CC - 3;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_input_error(f, "cortex_cortex_edges.h5", "target_node_id");
}

static void test_syn_weight_missing(void **state) {
  fx *f = *state;
  fx_write(f, "network/cortex_cortex_edge_types.csv",
           "edge_type_id target_query source_query delay dynamics_params model_template\n"
           "100 * * 1.5 exc_syn.json static_synapse\n");
  expect_input_error(f, "cortex_cortex_edges.h5", "syn_weight");
}

static void test_syn_weight_nan_in_h5(void **state) {
  fx *f = *state;
  static double w[N_CC];
  for (size_t i = 0; i < N_CC; i++) w[i] = i == 4 ? NAN : 1.0;
  edges_spec s = cc_default();
  s.syn_weight = w;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_input_error(f, "cortex_cortex_edges.h5", "syn_weight");
}

static void test_delay_below_dt(void **state) {
  fx *f = *state;
  fx_replace(f, "network/thalamus_cortex_edge_types.csv", "4.0 2.0", "4.0 0.04");
  expect_input_error(f, "thalamus_cortex_edges.h5", "delay");
}

static void test_edge_type_id_unknown(void **state) {
  fx *f = *state;
  edges_spec s = cc_default();
  s.type_id = 555;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_input_error(f, "cortex_cortex_edges.h5", "edge_type_id");
}

static void test_syn_weight_not_a_number(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "* * 2.0 1.5", "* * strong 1.5");
  expect_input_error(f, "cortex_cortex_edge_types.csv", "syn_weight");
}

static void test_edges_target_virtual_population(void **state) {
  fx *f = *state;
  edges_spec s = cc_default();
  s.src_pop = "cortex";
  s.tgt_pop = "thalamus";
  for (size_t i = 0; i < s.ntgt; i++) s.tgt[i] = i % N_THALAMUS;
  write_edges(f, "network/cortex_cortex_edges.h5", &s);
  expect_input_error(f, "cortex_cortex_edges.h5", "thalamus");
}

static void test_unknown_synapse_model(void **state) {
  fx *f = *state;
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "static_synapse", "bcpnn_synapse");
  expect_input_error(f, "cortex_cortex_edge_types.csv", "bcpnn_synapse");
}

static void test_python_weight_function(void **state) {
  fx *f = *state;
  fx_write(f, "network/cortex_cortex_edge_types.csv",
           "edge_type_id target_query source_query syn_weight delay dynamics_params model_template weight_function\n"
           "100 * * 2.0 1.5 exc_syn.json static_synapse gaussian_by_distance\n");
  expect_input_error(f, "cortex_cortex_edge_types.csv", "weight_function");
}

/* BMTK's gaussianLL is BioNet's rule: a point network that names it is refused, not run with
 * plain weights. */
static void test_tuning_weight_function_point(void **state) {
  fx *f = *state;
  fx_write(f, "network/cortex_cortex_edge_types.csv",
           "edge_type_id target_query source_query syn_weight delay dynamics_params model_template weight_function\n"
           "100 * * 2.0 1.5 exc_syn.json static_synapse gaussianLL\n");
  expect_input_error(f, "cortex_cortex_edge_types.csv", "gaussianLL");
}

/* ------------------------------------------------------------------------------------------ */
/* Inputs                                                                                      */

static void test_node_sets_file_missing(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json",
             "  \"node_sets\": {\n"
             "    \"thalamus_cells\": {\"population\": \"thalamus\"},\n"
             "    \"cortex_cells\": {\"population\": \"cortex\"}\n"
             "  },\n",
             "  \"node_sets_file\": \"$BASE_DIR/node_sets.json\",\n");
  expect_input_error(f, "node_sets.json", "node_sets_file");
}

static void test_undefined_node_set(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"node_set\": \"thalamus_cells\"", "\"node_set\": \"lgn_cells\"");
  expect_input_error(f, "config.json", "inputs.thalamus_spikes.node_set");
}

static void test_spike_file_missing(void **state) {
  fx *f = *state;
  fx_unlink(f, "inputs/thalamus_spikes.h5");
  expect_input_error(f, "thalamus_spikes.h5", "inputs.thalamus_spikes");
}

static void test_spike_time_not_positive(void **state) {
  fx *f = *state;
  write_spikes_input(f, 0.0);
  fx_replace(f, "config.json", "\"dt\": 0.1", "\"dt\": 0.1,\n    \"precise_times\": true");
  expect_input_error(f, "thalamus_spikes.h5", "inputs.thalamus_spikes");
}

static void test_spikes_on_non_virtual_nodes(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "\"node_set\": \"thalamus_cells\"", "\"node_set\": \"cortex_cells\"");
  expect_input_error(f, "config.json", "inputs.thalamus_spikes.node_set");
}

static void test_iclamp_lengths_differ(void **state) {
  fx *f = *state;
  fx_replace(f, "config.json", "  \"inputs\": {\n",
             "  \"inputs\": {\n"
             "    \"step_current\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\",\n"
             "      \"node_set\": \"cortex_cells\", \"amp\": [100.0, 200.0], \"delay\": [10.0], \"duration\": [5.0]},\n");
  expect_input_error(f, "config.json", "inputs.step_current");
}

/* ------------------------------------------------------------------------------------------ */
/* Output folder                                                                               */

static void test_existing_spikes_not_overwritten(void **state) {
  fx *f = *state;
  static const char precious[] = "spikes from an earlier run that must survive\n";
  fx_mkdir(f, "output");
  fx_write(f, "output/spikes.h5", precious);
  expect_error_cfg(f, "config.json", 3, "spikes.h5", "overwrite_output_dir");
  char path[PATH_LEN];
  fx_path(f, "output/spikes.h5", path, sizeof path);
  size_t len = 0;
  char *now = slurp(path, &len);
  assert_int_equal(len, strlen(precious));
  assert_memory_equal(now, precious, len);
  free(now);
  fx_path(f, "output", path, sizeof path);
  assert_int_equal(count_entries(path), 1); /* nothing else was written there */
}

static void test_output_dir_is_a_file(void **state) {
  fx *f = *state;
  fx_write(f, "output", "a regular file where the output folder should go\n");
  expect_error_cfg(f, "config.json", 3, "output", "output.output_dir");
  char path[PATH_LEN];
  struct stat st;
  fx_path(f, "output", path, sizeof path);
  assert_int_equal(stat(path, &st), 0);
  assert_true(S_ISREG(st.st_mode));
}

/* ------------------------------------------------------------------------------------------ */

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ------------------------------------------------------------------------------------------ */
/* cadenza check: every error in one pass                                                      */

/* Runs `cadenza check <config>`; its output (the findings) in o->err. */
static void run_check(const fx *f, const char *config, outcome *o) {
  char *argv[] = {(char *)g_cadenza, "check", (char *)config, NULL};
  spawn_capture(f, argv, true, o);
}

static size_t count_lines_starting(const char *text, const char *prefix) {
  size_t n = 0;
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, prefix, strlen(prefix)) == 0) n++;
  return n;
}

static void test_check_valid_fixture(void **state) {
  fx *f = *state;
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  outcome o;
  run_check(f, config, &o);
  if (o.code != 0) fail_msg("check of the valid fixture: exit %d\n%s", o.code, o.err);
  assert_non_null(strstr(o.err, "population cortex: 10 nodes (0 virtual), 30 afferent edges"));
  assert_non_null(strstr(o.err, "minimum delay 1.5 ms"));
  assert_false(fx_exists(f, "output")); /* check writes nothing */
}

/* Fourteen independent faults, each of another kind, all reported by one check. */
static void test_check_finds_every_error(void **state) {
  fx *f = *state;
  /* nodes: a missing file, a float node_type_id, a missing dynamics_params file, an unknown
   * model, a negative capacitance */
  fx_write(f, "network/more_node_types.csv",
           "node_type_id model_type model_template dynamics_params\n"
           "101 point_neuron nest:iaf_nonesuch cell.json\n"
           "102 point_neuron nest:iaf_psc_alpha negative.json\n"
           "103 point_neuron nest:iaf_psc_delta gone.json\n");
  fx_write(f, "components/point_neuron_models/negative.json", "{\"C_m\": -250.0}\n");
  nodes_spec floaty = nodes_default("floaty", 3, 101), more1 = nodes_default("more1", 3, 101),
             more2 = nodes_default("more2", 3, 102), more3 = nodes_default("more3", 3, 103);
  floaty.type_as_float = true;
  write_nodes(f, "network/floaty_nodes.h5", &floaty);
  write_nodes(f, "network/more1_nodes.h5", &more1);
  write_nodes(f, "network/more2_nodes.h5", &more2);
  write_nodes(f, "network/more3_nodes.h5", &more3);
  fx_replace(f, "config.json", "    \"edges\": [\n",
             "    \"edges\": [\n"
             "      {\"edges_file\": \"$NETWORK_DIR/nowhere_edges.h5\",\n"
             "       \"edge_types_file\": \"$NETWORK_DIR/cortex_cortex_edge_types.csv\"},\n");
  fx_replace(f, "config.json", "    \"nodes\": [\n",
             "    \"nodes\": [\n"
             "      {\"nodes_file\": \"$NETWORK_DIR/missing_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/more_node_types.csv\"},\n"
             "      {\"nodes_file\": \"$NETWORK_DIR/floaty_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/more_node_types.csv\"},\n"
             "      {\"nodes_file\": \"$NETWORK_DIR/more1_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/more_node_types.csv\"},\n"
             "      {\"nodes_file\": \"$NETWORK_DIR/more2_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/more_node_types.csv\"},\n"
             "      {\"nodes_file\": \"$NETWORK_DIR/more3_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/more_node_types.csv\"},\n");
  /* edges: an unknown population, an unsupported synapse model, a delay below dt */
  edges_spec nowhere = cc_default();
  nowhere.pop = "nowhere_to_cortex";
  nowhere.src_pop = "nowhere";
  write_edges(f, "network/nowhere_edges.h5", &nowhere);
  fx_replace(f, "network/thalamus_cortex_edge_types.csv", "static_synapse", "bcpnn_synapse");
  fx_replace(f, "network/cortex_cortex_edge_types.csv", "2.0 1.5", "2.0 0.01");
  /* inputs: a missing spike file, an unknown node set, a negative clamp duration */
  fx_replace(f, "config.json", "inputs/thalamus_spikes.h5", "inputs/no_spikes.h5");
  fx_replace(f, "config.json", "  \"inputs\": {\n",
             "  \"inputs\": {\n"
             "    \"clamp_lost\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", \"node_set\": \"no_such_set\",\n"
             "                   \"amp\": 100.0, \"delay\": 1.0, \"duration\": 10.0},\n"
             "    \"clamp_bad\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", \"node_set\": \"cortex_cells\",\n"
             "                  \"amp\": 100.0, \"delay\": 1.0, \"duration\": -5.0},\n");
  /* reports: a variable the model does not have, a report without cells */
  fx_replace(f, "config.json", "  \"output\": {\n",
             "  \"reports\": {\n"
             "    \"g\": {\"module\": \"membrane_report\", \"cells\": \"cortex_cells\", \"variable_name\": \"g_ex\"}\n"
             "  },\n"
             "  \"output\": {\n");
  /* output: an earlier run's spikes, and no permission to replace them */
  fx_mkdir(f, "output");
  fx_write(f, "output/spikes.h5", "an earlier result\n");
  char config[PATH_LEN];
  fx_path(f, "config.json", config, sizeof config);
  outcome o;
  run_check(f, config, &o);
  const size_t n = count_lines_starting(o.err, "error: ");
  if (o.code != 2 || n < 13) fail_msg("check: exit %d, %zu errors (want 2 and >= 13):\n%s", o.code, n, o.err);
  static const char *const expected[] = {
      "missing_nodes.h5: no such file",   /* missing nodes file */
      "floaty",                           /* float node_type_id */
      "gone.json",                        /* missing dynamics_params */
      "iaf_nonesuch",                     /* unknown model */
      "C_m",                              /* negative capacitance */
      "nowhere",                          /* unknown population */
      "bcpnn_synapse",                    /* unsupported synapse */
      "delay 0.01 ms",                    /* delay below dt */
      "no_spikes.h5",                     /* missing spike file */
      "no_such_set",                      /* unknown node set */
      "clamp_bad",                        /* negative duration */
      "g_ex",                             /* variable the model lacks */
      "spikes.h5 already exists",         /* output policy */
  };
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    if (!strstr(o.err, expected[i])) fail_msg("check did not report '%s':\n%s", expected[i], o.err);
  char *kept = NULL;
  char path[PATH_LEN];
  fx_path(f, "output/spikes.h5", path, sizeof path);
  kept = slurp(path, NULL);
  assert_string_equal(kept, "an earlier result\n"); /* check changed nothing */
  free(kept);
}

#ifndef CZ_MALFORMED_FIXTURE_ONLY /* other suites include this file for its fixture */
int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PATH/TO/cadenza\n", argv[0]);
    return 2;
  }
  g_cadenza = argv[1];
  /* CZ_TEST_ENV clears OMP_NUM_THREADS by setting it empty (CMake cannot unset), and libgomp
   * prints a warning line on stderr for an empty value: unset it for the children. */
  const char *omp = getenv("OMP_NUM_THREADS");
  if (omp && !*omp) unsetenv("OMP_NUM_THREADS");
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      CASE(test_valid_fixture_runs),
      CASE(test_valid_fixture_indexed_threads),
      CASE(test_edge_columns_threaded),
      CASE(test_first_bad_edge_named),
      CASE(test_long_delays_unpacked),
      CASE(test_check_valid_fixture),
      CASE(test_check_finds_every_error),
      CASE(test_json_syntax_error),
      CASE(test_config_missing),
      CASE(test_network_child_missing),
      CASE(test_dt_missing),
      CASE(test_dt_zero),
      CASE(test_dt_negative),
      CASE(test_dt_off_resolution),
      CASE(test_tstop_missing),
      CASE(test_tstop_string),
      CASE(test_number_overflow_inf),
      CASE(test_manifest_cycle),
      CASE(test_bad_sort_order),
      CASE(test_unknown_report_module),
      CASE(test_report_not_written_yet),
      CASE(test_input_not_run_yet),
      CASE(test_replay_without_spikes_file),
      CASE(test_nodes_listed_twice),
      CASE(test_nodes_file_missing),
      CASE(test_node_types_file_missing),
      CASE(test_nodes_garbage),
      CASE(test_nodes_truncated),
      CASE(test_node_type_id_float),
      CASE(test_node_type_id_unknown),
      CASE(test_node_types_duplicate_id),
      CASE(test_node_types_short_row),
      CASE(test_node_types_no_model_type),
      CASE(test_unknown_nest_model),
      CASE(test_receptor_port_missing),
      CASE(test_synapse_param_out_of_range),
      CASE(test_synapse_unknown_param),
      CASE(test_stdp_weight_sign),
      CASE(test_recorded_template_without_report),
      CASE(test_weight_recorder_missing_model),
      CASE(test_weight_recorder_builtin_template),
      CASE(test_non_nest_template),
      CASE(test_duplicate_node_id),
      CASE(test_duplicate_population_name),
      CASE(test_nan_parameter_in_h5),
      CASE(test_negative_capacitance),
      CASE(test_zero_tau_m),
      CASE(test_unknown_parameter),
      CASE(test_dynamics_params_missing),
      CASE(test_dynamics_params_malformed),
      CASE(test_edge_target_unknown),
      CASE(test_edge_source_unknown),
      CASE(test_edge_population_unknown),
      CASE(test_edge_id_lengths_differ),
      CASE(test_syn_weight_missing),
      CASE(test_syn_weight_nan_in_h5),
      CASE(test_delay_below_dt),
      CASE(test_stdp_pl_negative_weight_row),
      CASE(test_bad_weight_rows_threaded),
      CASE(test_edge_type_id_unknown),
      CASE(test_syn_weight_not_a_number),
      CASE(test_edges_target_virtual_population),
      CASE(test_unknown_synapse_model),
      CASE(test_python_weight_function),
      CASE(test_tuning_weight_function_point),
      CASE(test_node_sets_file_missing),
      CASE(test_undefined_node_set),
      CASE(test_spike_file_missing),
      CASE(test_spike_time_not_positive),
      CASE(test_spikes_on_non_virtual_nodes),
      CASE(test_iclamp_lengths_differ),
      CASE(test_existing_spikes_not_overwritten),
      CASE(test_output_dir_is_a_file),
  };
  return cmocka_run_group_tests_name("malformed", tests, NULL, NULL);
}
#endif
