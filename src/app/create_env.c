#include "app/create_env.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/part_file.h"

typedef struct env_opts {
  const char *sim, *dir, *network_dir, *components_dir, *output_dir, *report_vars, *report_nodes, *iclamp,
      *spikes_inputs, *rates_inputs, *config_file, *network_filter, *run_script;
  double tstop, dt;
  bool split, overwrite;
  bool bionet; /* a BioNet folder (NEURON) */
  bool popnet; /* a PopNet folder (DiPDE) */
  bool filternet; /* a FilterNet folder (LGNModel); none of the three: PointNet (NEST) */
} env_opts;

/* A network file pair found in the network folder. */
typedef struct net_file {
  char name[256]; /* the network name (prefix before _nodes / _edges) */
  char *data, *types;
} net_file;

typedef struct network {
  size_t nnodes, nedges;
  net_file nodes[64], edges[64];
} network;

static void network_free(network *n) {
  for (size_t i = 0; i < n->nnodes; i++) free(n->nodes[i].data), free(n->nodes[i].types);
  for (size_t i = 0; i < n->nedges; i++) free(n->edges[i].data), free(n->edges[i].types);
}

static cz_status parse(int argc, char **argv, env_opts *o) {
  *o = (env_opts){NULL, NULL, NULL, NULL, "output", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "run_cadenza.sh",
                  1000.0, NAN, false, false, false, false, false};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const bool has = i + 1 < argc;
    const char **target = NULL;
    double *num = NULL;
    if ((!strcmp(a, "-n") || !strcmp(a, "--network-dir")) && has) target = &o->network_dir;
    else if ((!strcmp(a, "-c") || !strcmp(a, "--components-dir")) && has) target = &o->components_dir;
    else if ((!strcmp(a, "-o") || !strcmp(a, "--output-dir")) && has) target = &o->output_dir;
    else if (!strcmp(a, "--report-vars") && has) target = &o->report_vars;
    else if (!strcmp(a, "--report-nodes") && has) target = &o->report_nodes;
    else if (!strcmp(a, "--iclamp") && has) target = &o->iclamp;
    else if (!strcmp(a, "--spikes-inputs") && has) target = &o->spikes_inputs;
    else if (!strcmp(a, "--rates-inputs") && has) target = &o->rates_inputs;
    else if (!strcmp(a, "--config-file") && has) target = &o->config_file;
    else if (!strcmp(a, "--network-filter") && has) target = &o->network_filter;
    else if (!strcmp(a, "--run-script") && has) target = &o->run_script;
    else if (!strcmp(a, "--tstop") && has) num = &o->tstop;
    else if (!strcmp(a, "--dt") && has) num = &o->dt;
    else if (!strcmp(a, "--split-configs")) o->split = true;
    else if (!strcmp(a, "--overwrite")) o->overwrite = true;
    else if (a[0] != '-' && !o->sim) o->sim = a;
    else if (a[0] != '-' && !o->dir) o->dir = a;
    else return CZ_ERROR(CZ_ERR_ARG, "create-environment: unknown or incomplete option %s", a);
    if (target) *target = argv[++i];
    if (num) CZ_CHECK(cz_parse_double(argv[++i], num) && isfinite(*num) && *num > 0, CZ_ERR_ARG,
                      "create-environment: %s needs a number > 0", a);
  }
  CZ_CHECK(o->sim && o->dir, CZ_ERR_ARG,
           "usage: cadenza create-environment [options] pointnet|bionet|popnet DIR (see --help)");
  CZ_CHECK(strcmp(o->sim, "pointnet") == 0 || strcmp(o->sim, "bionet") == 0 || strcmp(o->sim, "popnet") == 0 ||
               strcmp(o->sim, "filternet") == 0,
           CZ_ERR_ARG,
           "create-environment: %s is not available (Cadenza simulates pointnet, bionet, popnet and filternet folders)",
           o->sim);
  o->bionet = strcmp(o->sim, "bionet") == 0;
  o->popnet = strcmp(o->sim, "popnet") == 0;
  o->filternet = strcmp(o->sim, "filternet") == 0;
  CZ_CHECK(!o->filternet || (!o->iclamp && !o->report_vars && !o->report_nodes && !o->spikes_inputs), CZ_ERR_ARG,
           "create-environment: a filternet folder's input is a movie (added to its config's inputs); clamps, reports "
           "and spike inputs do not apply");
  if (isnan(o->dt)) o->dt = o->bionet ? 0.1 : 0.001; /* BMTK's defaults (PopNet's in seconds) */
  CZ_CHECK(o->popnet || !o->rates_inputs, CZ_ERR_ARG,
           "create-environment: --rates-inputs drive PopNet populations; a %s folder takes --spikes-inputs", o->sim);
  CZ_CHECK(!o->popnet || (!o->iclamp && !o->report_vars && !o->report_nodes), CZ_ERR_ARG,
           "create-environment: a popnet folder has no current clamps or membrane reports (--iclamp, --report-vars, "
           "--report-nodes); PopNet writes population rates");
  /* --config-file names the simulation config, split or not */
  if (!o->config_file) o->config_file = o->split ? "simulation_config.json" : "config.json";
  CZ_CHECK(!o->split || strcmp(o->config_file, "circuit_config.json") != 0, CZ_ERR_ARG,
           "create-environment: --config-file circuit_config.json would replace the circuit config of --split-configs");
  CZ_CHECK(strcmp(o->config_file, "node_sets.json") != 0 && strcmp(o->config_file, o->run_script) != 0, CZ_ERR_ARG,
           "create-environment: --config-file %s would replace another file of the folder", o->config_file);
  return CZ_OK;
}

/* ---- the network folder ------------------------------------------------------------------ */

/* Name before suffix in file (e.g. "cortex" for "cortex_nodes.h5" and "_nodes.h5"), or false. */
static bool name_before(const char *file, const char *suffix, char *name, size_t n) {
  const size_t lf = strlen(file), ls = strlen(suffix);
  if (lf <= ls || strcmp(file + lf - ls, suffix) != 0 || lf - ls >= n) return false;
  memcpy(name, file, lf - ls);
  name[lf - ls] = '\0';
  return true;
}

static int cmp_files(const void *a, const void *b) { return strcmp(((const net_file *)a)->name, ((const net_file *)b)->name); }

/* Pairs name<data_suffix> with name<types_suffix> for every name; a file without its partner is
 * an error naming it. */
static cz_status pair_files(const char *dir, char **files, size_t n, const char *data_suffix, const char *types_suffix,
                            const char *filter, net_file *out, size_t *nout) {
  for (size_t i = 0; i < n; i++) {
    char name[256];
    if (!name_before(files[i], data_suffix, name, sizeof name)) continue;
    if (filter && !strstr(name, filter)) continue;
    char types[300];
    snprintf(types, sizeof types, "%s%s", name, types_suffix);
    bool found = false;
    for (size_t j = 0; j < n && !found; j++) found = strcmp(files[j], types) == 0;
    CZ_CHECK(found, CZ_ERR_FORMAT, "%s/%s has no %s beside it", dir, files[i], types);
    CZ_CHECK(*nout < 64, CZ_ERR_FORMAT, "%s: more than 64 networks", dir);
    net_file *f = &out[(*nout)++];
    snprintf(f->name, sizeof f->name, "%s", name);
    CZ_TRY(cz_asprintf(&f->data, "$NETWORK_DIR/%s", files[i]));
    CZ_TRY(cz_asprintf(&f->types, "$NETWORK_DIR/%s", types));
  }
  qsort(out, *nout, sizeof *out, cmp_files);
  return CZ_OK;
}

static cz_status scan_network(const char *dir, const char *filter, network *net) {
  memset(net, 0, sizeof *net);
  DIR *d = opendir(dir);
  CZ_CHECK(d, CZ_ERR_IO, "--network-dir %s: cannot open (%s)", dir, strerror(errno));
  char **files = NULL;
  size_t n = 0;
  cz_status st = CZ_OK;
  struct dirent *e;
  while (st == CZ_OK && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char **grown = realloc(files, (n + 1) * sizeof *grown);
    if (!grown) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    else files = grown, st = cz_strdup(e->d_name, &files[n++]);
  }
  closedir(d);
  if (st == CZ_OK) st = pair_files(dir, files, n, "_nodes.h5", "_node_types.csv", filter, net->nodes, &net->nnodes);
  if (st == CZ_OK) st = pair_files(dir, files, n, "_edges.h5", "_edge_types.csv", filter, net->edges, &net->nedges);
  for (size_t i = 0; i < n; i++) free(files[i]);
  free(files);
  CZ_TRY(st);
  CZ_CHECK(net->nnodes > 0, CZ_ERR_FORMAT, "--network-dir %s holds no *_nodes.h5 with its *_node_types.csv", dir);
  return CZ_OK;
}

/* ---- the config --------------------------------------------------------------------------- */

static bool add_str(cJSON *o, const char *k, const char *v) { return cJSON_AddStringToObject(o, k, v) != NULL; }
static bool add_num(cJSON *o, const char *k, double v) { return cJSON_AddNumberToObject(o, k, v) != NULL; }

static bool add_files(cJSON *list, const net_file *f, size_t n, const char *data_key, const char *types_key) {
  for (size_t i = 0; i < n; i++) {
    cJSON *e = cJSON_CreateObject();
    if (!e || !cJSON_AddItemToArray(list, e) || !add_str(e, data_key, f[i].data) || !add_str(e, types_key, f[i].types))
      return false;
  }
  return true;
}

/* The model folders of a BioNet folder, beside the point and synapse ones. */
static bool bionet_components(cJSON *comp) {
  return add_str(comp, "morphologies_dir", "$COMPONENTS_DIR/morphologies") &&
         add_str(comp, "biophysical_neuron_models_dir", "$COMPONENTS_DIR/biophysical_neuron_templates") &&
         add_str(comp, "mechanisms_dir", "$COMPONENTS_DIR/mechanisms");
}

/* point_dir is the population models' folder in a popnet folder, the filter models' in a
 * filternet one. */
static const char *models_key(const env_opts *o) {
  return o->popnet ? "population_models_dir" : o->filternet ? "filter_models_dir" : "point_neuron_models_dir";
}

static bool circuit_part(cJSON *root, const network *net, const char *point_dir, const char *syn_dir, const env_opts *o) {
  const bool bionet = o->bionet;
  cJSON *comp = cJSON_AddObjectToObject(root, "components");
  cJSON *nets = cJSON_AddObjectToObject(root, "networks");
  cJSON *nodes = nets ? cJSON_AddArrayToObject(nets, "nodes") : NULL;
  cJSON *edges = nets ? cJSON_AddArrayToObject(nets, "edges") : NULL;
  return comp && nodes && edges &&
         add_str(comp, models_key(o), point_dir) &&
         add_str(comp, "synaptic_models_dir", syn_dir) && (!bionet || bionet_components(comp)) &&
         add_files(nodes, net->nodes, net->nnodes, "nodes_file", "node_types_file") &&
         add_files(edges, net->edges, net->nedges, "edges_file", "edge_types_file");
}

/* A comma-separated list of numbers (exactly want of them when want > 0). */
static cz_status numbers(const char *text, const char *opt, size_t want, double *out, size_t *n) {
  *n = 0;
  char *copy = NULL;
  CZ_TRY(cz_strdup(text, &copy));
  cz_status st = CZ_OK;
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && st == CZ_OK; tok = strtok_r(NULL, ",", &save)) {
    if (*n == 64 || !cz_parse_double(tok, &out[*n]) || !isfinite(out[*n]))
      st = CZ_ERROR(CZ_ERR_ARG, "create-environment: %s: '%s' is not a number", opt, tok);
    else (*n)++;
  }
  free(copy);
  CZ_TRY(st);
  CZ_CHECK(want == 0 || *n == want, CZ_ERR_ARG, "create-environment: %s needs %zu numbers, got %zu", opt, want, *n);
  return CZ_OK;
}

static cz_status add_iclamp(cJSON *inputs, const env_opts *o) {
  double v[64];
  size_t n;
  CZ_TRY(numbers(o->iclamp, "--iclamp AMP,DELAY,DURATION", 3, v, &n));
  cJSON *c = cJSON_AddObjectToObject(inputs, "current_clamp");
  CZ_CHECK(c && add_str(c, "input_type", "current_clamp") && add_str(c, "module", "IClamp") &&
               add_str(c, "node_set", "all") && add_num(c, "amp", v[0]) && add_num(c, "delay", v[1]) &&
               add_num(c, "duration", v[2]),
           CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* One input per POP:FILE entry of list (option names it in messages): spikes (module from the
 * file's extension) or, with rates, a PopNet rates table (module pop_rates), named as BMTK
 * names them. */
static cz_status add_file_inputs(cJSON *inputs, const char *list, const char *option, bool rates) {
  char *copy = NULL;
  CZ_TRY(cz_strdup(list, &copy));
  cz_status st = CZ_OK;
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && st == CZ_OK; tok = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(tok, ':');
    if (!colon || colon == tok || !colon[1]) {
      st = CZ_ERROR(CZ_ERR_ARG, "create-environment: %s takes POP:FILE entries, got '%s'", option, tok);
      break;
    }
    *colon = '\0';
    const char *file = colon + 1, *dot = strrchr(file, '.');
    const char *ext = dot && (!strcmp(dot, ".h5") || !strcmp(dot, ".hdf5")) ? "sonata" : dot ? dot + 1 : "csv";
    char *abs = NULL, name[300];
    snprintf(name, sizeof name, "%s_%s", tok, rates ? "rates" : "spikes");
    st = cz_path_absolute(file, &abs);
    cJSON *s = st == CZ_OK ? cJSON_AddObjectToObject(inputs, name) : NULL;
    if (st == CZ_OK && !(s && add_str(s, "input_type", rates ? ext : "spikes") &&
                         add_str(s, "module", rates ? "pop_rates" : ext) &&
                         add_str(s, rates ? "rates" : "input_file", abs) && add_str(s, "node_set", tok)))
      st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    free(abs);
  }
  free(copy);
  return st;
}

/* The cells of a report on pop ("" for every population), as BMTK writes them. */
static cJSON *report_cells(const env_opts *o, const char *pop) {
  double ids[64];
  size_t n = 0;
  if (o->report_nodes && numbers(o->report_nodes, "--report-nodes", 0, ids, &n) != CZ_OK) return NULL;
  if (!pop[0] && n == 0) return cJSON_CreateString("all");
  cJSON *c = cJSON_CreateObject();
  if (c && pop[0] && !add_str(c, "population", pop)) return cJSON_Delete(c), NULL;
  if (c && n > 0) {
    cJSON *list = cJSON_AddArrayToObject(c, "node_id");
    for (size_t i = 0; list && i < n; i++) cJSON_AddItemToArray(list, cJSON_CreateNumber(ids[i]));
  }
  return c;
}

static cz_status add_reports(cJSON *root, const env_opts *o) {
  cJSON *reports = cJSON_AddObjectToObject(root, "reports");
  CZ_CHECK(reports, CZ_ERR_NOMEM, "out of memory");
  char *copy = NULL;
  CZ_TRY(cz_strdup(o->report_vars, &copy));
  cz_status st = CZ_OK;
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && st == CZ_OK; tok = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(tok, ':');
    const char *pop = "", *var = tok;
    if (colon) *colon = '\0', pop = tok, var = colon + 1;
    char name[300];
    snprintf(name, sizeof name, "%s_report", var);
    cJSON *r = cJSON_AddObjectToObject(reports, name);
    cJSON *cells = report_cells(o, pop);
    if (!r || !cells || !cJSON_AddItemToObject(r, "cells", cells) || !add_str(r, "variable_name", var) ||
        !add_str(r, "module", "membrane_report") || !add_str(r, "sections", "soma"))
      st = CZ_ERROR(CZ_ERR_ARG, "create-environment: cannot build the report of '%s' (check --report-nodes)", var);
  }
  free(copy);
  return st;
}

/* What BMTK's bionet environment adds: the segment length, the spike threshold and the
 * conditions NEURON needs. */
static bool bionet_run(cJSON *root, cJSON *run) {
  cJSON *cond = cJSON_AddObjectToObject(root, "conditions");
  return cond && add_num(run, "dL", 20.0) && add_num(run, "spike_threshold", -15.0) &&
         add_num(run, "nsteps_block", 5000) && add_num(cond, "celsius", 34.0) && add_num(cond, "v_init", -80.0);
}

static cz_status simulation_part(cJSON *root, const env_opts *o) {
  cJSON *run = cJSON_AddObjectToObject(root, "run");
  cJSON *out = cJSON_AddObjectToObject(root, "output");
  CZ_CHECK(run && out && add_num(run, "tstart", 0.0) && add_num(run, "tstop", o->tstop) && add_num(run, "dt", o->dt) &&
               (!o->bionet || bionet_run(root, run)) &&
               add_str(root, "target_simulator", o->bionet ? "NEURON" : o->popnet ? "DiPDE" : o->filternet ? "LGNModel" : "NEST") &&
               add_str(out, "log_file", "log.txt") && add_str(out, "output_dir", "$OUTPUT_DIR") &&
               add_str(out, o->popnet ? "rates_file" : "spikes_file", o->popnet ? "firing_rates.csv" : "spikes.h5") &&
               (!o->filternet || (add_str(out, "rates_h5", "rates.h5") && add_str(out, "spikes_file_csv", "spikes.csv"))) &&
               cJSON_AddBoolToObject(out, "overwrite_output_dir", 1) != NULL, /* re-runs replace, as in BMTK */
           CZ_ERR_NOMEM, "out of memory");
  cJSON *inputs = cJSON_AddObjectToObject(root, "inputs");
  CZ_CHECK(inputs, CZ_ERR_NOMEM, "out of memory");
  if (o->iclamp) CZ_TRY(add_iclamp(inputs, o));
  if (o->spikes_inputs) CZ_TRY(add_file_inputs(inputs, o->spikes_inputs, "--spikes-inputs", false));
  if (o->rates_inputs) CZ_TRY(add_file_inputs(inputs, o->rates_inputs, "--rates-inputs", true));
  if (o->report_vars) CZ_TRY(add_reports(root, o));
  CZ_CHECK(add_str(root, "node_sets_file", "$BASE_DIR/node_sets.json"), CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

static bool manifest(cJSON *root, const char *base, const char *network_dir, const char *components_dir,
                     const char *output_dir) {
  cJSON *m = cJSON_AddObjectToObject(root, "manifest");
  return m && add_str(m, "$BASE_DIR", base) && add_str(m, "$NETWORK_DIR", network_dir) &&
         add_str(m, "$COMPONENTS_DIR", components_dir) && add_str(m, "$OUTPUT_DIR", output_dir);
}

/* ---- files -------------------------------------------------------------------------------- */

/* The files of the folder, made in memory first: nothing is written until every one of them
 * is known and none would replace a file without --overwrite; then each goes to its .part
 * name, and only when all are there are they renamed into place. A failure on the way
 * removes the .part files and the folders this run created. */
enum { MAX_FILES = 8, MAX_DIRS = 4 };

typedef struct env_file {
  char *path, *part, *text;
  bool exec;
} env_file;

typedef struct env_plan {
  size_t nfiles, ndirs;
  env_file files[MAX_FILES];
  char *dirs[MAX_DIRS];    /* folders to create, parents first */
  bool created[MAX_DIRS];  /* which of them this run created */
} env_plan;

static void plan_free(env_plan *p) {
  for (size_t i = 0; i < p->nfiles; i++) free(p->files[i].path), free(p->files[i].part), free(p->files[i].text);
  for (size_t i = 0; i < p->ndirs; i++) free(p->dirs[i]);
  memset(p, 0, sizeof *p);
}

/* Takes text (owned) as the file name in dir. */
static cz_status plan_file(env_plan *p, const char *dir, const char *name, char *text, bool exec) {
  if (!text) return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (p->nfiles == MAX_FILES) {
    free(text);
    return CZ_ERROR(CZ_ERR_INTERNAL, "create-environment: too many files");
  }
  env_file *f = &p->files[p->nfiles++];
  f->text = text;
  f->exec = exec;
  CZ_TRY(cz_path_join(dir, name, &f->path));
  return cz_part_path(f->path, &f->part);
}

static cz_status plan_json(env_plan *p, const char *dir, const char *name, const cJSON *root) {
  return plan_file(p, dir, name, cJSON_Print(root), false);
}

static cz_status plan_dir(env_plan *p, const char *path) {
  CZ_CHECK(p->ndirs < MAX_DIRS, CZ_ERR_INTERNAL, "create-environment: too many folders");
  return cz_strdup(path, &p->dirs[p->ndirs++]);
}

/* Everything that can be checked before writing: no file replaced without --overwrite, no
 * folder name taken by a file. */
static cz_status plan_check(const env_plan *p, bool overwrite) {
  for (size_t i = 0; i < p->ndirs; i++)
    CZ_CHECK(!cz_path_exists(p->dirs[i]) || cz_path_is_dir(p->dirs[i]), CZ_ERR_OUTPUT, "%s exists and is not a folder",
             p->dirs[i]);
  for (size_t i = 0; i < p->nfiles; i++) {
    CZ_CHECK(overwrite || !cz_path_exists(p->files[i].path), CZ_ERR_OUTPUT,
             "%s already exists; use --overwrite to replace it", p->files[i].path);
    CZ_CHECK(!cz_path_is_dir(p->files[i].path), CZ_ERR_OUTPUT, "%s is a folder", p->files[i].path);
  }
  return CZ_OK;
}

static cz_status write_part(const env_file *f) {
  FILE *fp = fopen(f->part, "w");
  CZ_CHECK(fp, CZ_ERR_OUTPUT, "%s: cannot create (%s)", f->part, strerror(errno));
  const bool ok = fputs(f->text, fp) >= 0 && fputc('\n', fp) != EOF;
  CZ_CHECK(fclose(fp) == 0 && ok, CZ_ERR_OUTPUT, "%s: write failed", f->part);
  CZ_CHECK(!f->exec || chmod(f->part, 0755) == 0, CZ_ERR_OUTPUT, "%s: cannot make it executable (%s)", f->part,
           strerror(errno));
  return CZ_OK;
}

/* Undoes a failed write: the .part files, then the folders this run created (children first;
 * rmdir leaves a folder that something else put files in). */
static void plan_undo(const env_plan *p) {
  for (size_t i = 0; i < p->nfiles; i++) remove(p->files[i].part);
  for (size_t i = p->ndirs; i-- > 0;)
    if (p->created[i]) rmdir(p->dirs[i]);
}

static cz_status plan_write(env_plan *p) {
  cz_status st = CZ_OK;
  for (size_t i = 0; i < p->ndirs && st == CZ_OK; i++) {
    if (cz_path_is_dir(p->dirs[i])) continue;
    if (mkdir(p->dirs[i], 0777) == 0) p->created[i] = true;
    else st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create (%s)", p->dirs[i], strerror(errno));
  }
  for (size_t i = 0; i < p->nfiles && st == CZ_OK; i++) st = write_part(&p->files[i]);
  for (size_t i = 0; i < p->nfiles && st == CZ_OK; i++) {
    st = cz_part_commit(p->files[i].part, p->files[i].path);
    if (st == CZ_OK) printf("cadenza create-environment: wrote %s\n", p->files[i].path);
  }
  if (st != CZ_OK) plan_undo(p);
  return st;
}

/* The model folders inside the components folder: existing ones under their usual names, or
 * point_neuron_models (population_models for PopNet) and synaptic_models, to be created. */
static cz_status component_dirs(const char *components, const env_opts *o, env_plan *plan, char **point, char **syn) {
  static const char *const neuron_names[] = {"point_neuron_models", "cell_models", "point_neuron_models_dir"};
  static const char *const pop_names[] = {"population_models", "pop_models", "population_models_dir"};
  static const char *const filter_names[] = {"filter_models", "model_templates", "filter_models_dir"};
  const char *const *point_names = o->popnet ? pop_names : o->filternet ? filter_names : neuron_names;
  static const char *const syn_names[] = {"synaptic_models", "synapse_models", "synaptic_models_dir"};
  const char *pn = point_names[0], *sn = syn_names[0];
  for (int i = 2; i >= 0; i--) {
    char *p = NULL;
    CZ_TRY(cz_path_join(components, point_names[i], &p));
    if (cz_path_is_dir(p)) pn = point_names[i];
    free(p);
    CZ_TRY(cz_path_join(components, syn_names[i], &p));
    if (cz_path_is_dir(p)) sn = syn_names[i];
    free(p);
  }
  CZ_TRY(plan_dir(plan, components));
  const char *names[2] = {pn, sn};
  for (int k = 0; k < 2; k++) {
    char *p = NULL;
    CZ_TRY(cz_path_join(components, names[k], &p));
    cz_status st = plan_dir(plan, p);
    free(p);
    CZ_TRY(st);
  }
  CZ_TRY(cz_asprintf(point, "$COMPONENTS_DIR/%s", pn));
  CZ_TRY(cz_asprintf(syn, "$COMPONENTS_DIR/%s", sn));
  return CZ_OK;
}

/* node_sets.json: one set per population of the network (by the nodes files' names). */
static cz_status plan_node_sets(env_plan *plan, const char *dir, const network *net) {
  cJSON *sets = cJSON_CreateObject();
  bool ok = sets != NULL;
  for (size_t i = 0; ok && i < net->nnodes; i++) {
    cJSON *s = cJSON_AddObjectToObject(sets, net->nodes[i].name);
    ok = s && add_str(s, "population", net->nodes[i].name);
  }
  cz_status st = ok ? plan_json(plan, dir, "node_sets.json", sets) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  cJSON_Delete(sets);
  return st;
}

static cz_status plan_configs(const env_opts *o, env_plan *plan, const char *base, const char *netdir,
                              const char *compdir, const char *outdir, const network *net, const char *point,
                              const char *syn) {
  cJSON *sim = cJSON_CreateObject(), *circ = o->split ? cJSON_CreateObject() : NULL;
  cz_status st = sim && (!o->split || circ) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !manifest(sim, base, netdir, compdir, outdir)) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && o->split && !add_str(sim, "network", "$BASE_DIR/circuit_config.json"))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && o->split && !manifest(circ, base, netdir, compdir, outdir)) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !circuit_part(o->split ? circ : sim, net, point, syn, o))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = simulation_part(sim, o);
  if (st == CZ_OK && o->split) st = plan_json(plan, o->dir, "circuit_config.json", circ);
  if (st == CZ_OK) st = plan_json(plan, o->dir, o->config_file, sim);
  cJSON_Delete(sim);
  cJSON_Delete(circ);
  return st;
}

static cz_status plan_script(const env_opts *o, env_plan *plan) {
  char *script = NULL;
  CZ_TRY(cz_asprintf(&script,
                     "#!/usr/bin/env bash\n"
                     "# Runs this simulation; extra arguments go to cadenza run (e.g. --threads 8). $CADENZA\n"
                     "# names the binary when it is not on PATH.\n"
                     "# On a cluster: srun cadenza run %s, or mpirun -np N cadenza run %s.\n"
                     "set -e\ncd \"$(dirname \"$0\")\"\nexec \"${CADENZA:-cadenza}\" run %s \"$@\"",
                     o->config_file, o->config_file, o->config_file));
  return plan_file(plan, o->dir, o->run_script, script, true);
}

static cz_status plan_all(const env_opts *o, env_plan *plan) {
  char *base = NULL, *netdir = NULL, *compdir = NULL, *outdir = NULL, *point = NULL, *syn = NULL;
  network net;
  memset(&net, 0, sizeof net);
  cz_status st = cz_path_absolute(o->dir, &base);
  if (st == CZ_OK) st = plan_dir(plan, base);
  if (st == CZ_OK) st = o->network_dir ? cz_path_absolute(o->network_dir, &netdir) : cz_path_join(base, "network", &netdir);
  if (st == CZ_OK) st = o->components_dir ? cz_path_absolute(o->components_dir, &compdir) : cz_path_join(base, "components", &compdir);
  if (st == CZ_OK) st = cz_path_is_absolute(o->output_dir) ? cz_strdup(o->output_dir, &outdir)
                                                             : cz_asprintf(&outdir, "$BASE_DIR/%s", o->output_dir);
  if (st == CZ_OK) st = scan_network(netdir, o->network_filter, &net);
  if (st == CZ_OK) st = component_dirs(compdir, o, plan, &point, &syn);
  if (st == CZ_OK) st = plan_configs(o, plan, base, netdir, compdir, outdir, &net, point, syn);
  if (st == CZ_OK) st = plan_node_sets(plan, o->dir, &net);
  if (st == CZ_OK) st = plan_script(o, plan);
  free(base), free(netdir), free(compdir), free(outdir), free(point), free(syn);
  network_free(&net);
  return st;
}

static cz_status create(const env_opts *o) {
  env_plan plan;
  memset(&plan, 0, sizeof plan);
  cz_status st = plan_all(o, &plan);
  if (st == CZ_OK) st = plan_check(&plan, o->overwrite);
  if (st == CZ_OK) st = plan_write(&plan);
  plan_free(&plan);
  return st;
}

int cz_app_create_env_main(int argc, char **argv) {
  env_opts o;
  cz_status st = parse(argc, argv, &o);
  if (st == CZ_OK) st = create(&o);
  if (st != CZ_OK) {
    fprintf(stderr, "cadenza: error: %s\n", cz_error_message());
    return cz_status_exit_code(st);
  }
  return 0;
}
