#include "pointnet/recorder.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/node_sets.h"
#include "io/report_out.h"
#include "pointnet/models/model.h"

enum { DEFAULT_BLOCK_STEPS = 5000, BLOCK_BYTES = 64 << 20 };

/* One report file: one variable of one report block. */
typedef struct report {
  char *where;            /* "<config>: reports.<block>", for messages */
  char *path;
  char *variable;
  double interval_ms;     /* as the config gives it (BMTK writes it as the time step) */
  int64_t every;          /* steps between samples */
  int64_t k_first, k_last; /* sample numbers of the first and last rows (sample k ends step k * every - 1) */
  size_t npops;
  uint64_t **ids;         /* [npops][nids[p]]: recorded node ids, ascending (the columns) */
  size_t *nids;
  /* This rank's probes, ordered by (population, column). */
  size_t n;
  uint64_t *col;
  size_t *pop_start;      /* [npops + 1]: probes of population p */
  const cz_model_kind **kind;
  void **impl;
  uint32_t *idx;          /* neuron index within its group */
  int *var;               /* recordable index for its kind */
  uint32_t *nid;
  size_t **tlist, *tn;    /* [nthreads]: the probes each thread samples */
  double *buf;            /* [cap_rows][n] */
  double *sending;        /* [cap_rows][n]: the block on its way to the writer */
  cz_comm_request *req;   /* that gather, while it runs */
  int64_t sent_k0, sent_k1; /* its sample numbers (sent_k1 < sent_k0: none) */
  size_t cap_rows, block_rows;
  int64_t buf_k0;         /* sample number of buffer row 0 */
  size_t *pop_col0;       /* [npops + 1]: first column of population p among all columns */
  /* The writer (rank 0) only: the file, and how the probes of all ranks arrive. */
  cz_report_out *out;
  size_t nranks;
  size_t *rank_n;         /* [nranks]: probes of each rank */
  size_t *in_counts;      /* [nranks]: values each rank sends for the block being written */
  size_t ntotal;          /* columns over all populations (= probes over all ranks) */
  size_t *dest_pop, *dest_col; /* [ntotal]: gathered probe g (rank after rank): population, column */
  double *gathered;       /* [cap_rows * ntotal]: each rank's [rows][its n] in turn */
  double *rows;           /* [cap_rows * ntotal]: population p's [rows][nids[p]] at rows * pop_col0[p] */
  uint64_t *ident;        /* 0, 1, 2, ...: every column of a population */
} report;

struct cz_recorder {
  const cz_network *net;
  const cz_circuit *c; /* population names */
  int nthreads;
  size_t n;
  report *reps;
};

size_t cz_recorder_nfiles(const cz_recorder *r) { return r->n; }

static const char *units_of(const char *var) {
  if (strcmp(var, "V_m") == 0 || strncmp(var, "V_", 2) == 0 || strcmp(var, "threshold") == 0) return "mV";
  if (strncmp(var, "I_", 2) == 0) return "pA";
  if (strncmp(var, "g_", 2) == 0) return "nS";
  return "";
}

static void report_free(report *p, int nthreads) {
  cz_report_close(&p->out, false);
  for (size_t q = 0; p->ids && q < p->npops; q++) free(p->ids[q]);
  for (int t = 0; p->tlist && t < nthreads; t++) free(p->tlist[t]);
  free(p->ids);
  free(p->nids);
  free(p->col);
  free(p->pop_start);
  free(p->kind);
  free(p->impl);
  free(p->idx);
  free(p->var);
  free(p->nid);
  free(p->tlist);
  free(p->tn);
  cz_comm_wait(&p->req);
  free(p->buf);
  free(p->sending);
  free(p->pop_col0);
  free(p->rank_n);
  free(p->in_counts);
  free(p->dest_pop);
  free(p->dest_col);
  free(p->gathered);
  free(p->rows);
  free(p->ident);
  free(p->where);
  free(p->path);
  free(p->variable);
}

/* ---- config ------------------------------------------------------------------------------ */

typedef struct block_ctx {
  const cz_config *cfg;
  const cz_cfg_block *b;
} block_ctx;

/* A time key in ms: absent gives dflt; otherwise a finite, non-negative multiple of dt, in steps. */
static cz_status time_key(const block_ctx *x, const char *key, double dflt, double h, int64_t *steps) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(x->b->json, key);
  double v = dflt;
  if (j) {
    CZ_CHECK(cJSON_IsNumber(j), CZ_ERR_CONFIG, "%s: reports.%s.%s must be a number (ms)", x->cfg->path, x->b->name, key);
    v = j->valuedouble;
  }
  CZ_CHECK(v >= 0 && cz_time_in_range(v), CZ_ERR_CONFIG, "%s: reports.%s.%s = %g must be a time of 0 to %g ms",
           x->cfg->path, x->b->name, key, v, CZ_TIME_MAX_MS);
  const double s = v / h;
  CZ_CHECK(fabs(s - nearbyint(s)) <= 1e-6 * (s > 1 ? s : 1), CZ_ERR_CONFIG,
           "%s: reports.%s.%s = %g ms is not a multiple of the time step dt = %g ms", x->cfg->path, x->b->name, key,
           v, h);
  *steps = (int64_t)nearbyint(s);
  return CZ_OK;
}

/* The variables of the block: variable_name, a string or a non-empty list of strings. */
static cz_status variables_of(const block_ctx *x, const cJSON **first, size_t *n) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(x->b->json, "variable_name");
  CZ_CHECK(j, CZ_ERR_CONFIG, "%s: reports.%s.variable_name is missing (a NEST recordable such as \"V_m\")",
           x->cfg->path, x->b->name);
  if (cJSON_IsString(j) && j->valuestring[0]) {
    *first = j;
    *n = 1;
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) > 0, CZ_ERR_CONFIG,
           "%s: reports.%s.variable_name must be a name or a non-empty list of names", x->cfg->path, x->b->name);
  const cJSON *e = NULL;
  cJSON_ArrayForEach(e, j) CZ_CHECK(cJSON_IsString(e) && e->valuestring[0], CZ_ERR_CONFIG,
                                    "%s: reports.%s.variable_name lists something that is not a name", x->cfg->path,
                                    x->b->name);
  *first = j->child;
  *n = (size_t)cJSON_GetArraySize(j);
  return CZ_OK;
}

/* file_name for variable number k: relative names under output_dir; later variables get
 * "_<variable>" before the extension. */
static cz_status file_of(const block_ctx *x, size_t k, const char *var, char **out) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(x->b->json, "file_name");
  CZ_CHECK(!j || (cJSON_IsString(j) && j->valuestring[0]), CZ_ERR_CONFIG,
           "%s: reports.%s.file_name must be a file name", x->cfg->path, x->b->name);
  char *name = NULL;
  if (j) CZ_TRY(cz_strdup(j->valuestring, &name));
  else CZ_TRY(cz_asprintf(&name, "%s.h5", x->b->name));
  cz_status st = CZ_OK;
  if (k > 0) {
    char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    char *renamed = NULL;
    if (dot && (!slash || dot > slash)) {
      *dot = '\0';
      st = cz_asprintf(&renamed, "%s_%s.%s", name, var, dot + 1);
    } else {
      st = cz_asprintf(&renamed, "%s_%s", name, var);
    }
    free(name);
    name = renamed;
  }
  char key[512];
  snprintf(key, sizeof key, "reports.%s.file_name", x->b->name);
  if (st == CZ_OK) st = cz_cfg_check_output_name(x->cfg, key, name);
  if (st == CZ_OK) st = cz_path_is_absolute(name) ? cz_path_join(NULL, name, out) : cz_path_join(x->cfg->output_dir, name, out);
  if (st == CZ_OK) st = cz_cfg_check_output_file(x->cfg, key, *out);
  free(name);
  return st;
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* The columns: recorded neurons of each population in ascending node id, each checked to
 * have the variable. */
static cz_status columns_of(const block_ctx *x, const cz_circuit *c, const cz_ns_selection *sel, const char *var,
                            report *p) {
  p->npops = c->nnodes;
  CZ_NEW(p->ids, c->nnodes);
  CZ_NEW(p->nids, c->nnodes);
  for (size_t q = 0; q < c->nnodes; q++) {
    const cz_node_pop *np = &c->nodes[q];
    CZ_NEW(p->ids[q], sel->n[q] + 1);
    for (size_t i = 0; i < sel->n[q]; i++) {
      const size_t row = (size_t)sel->rows[q][i];
      if (cz_node_is_virtual(np, row)) continue;
      const cz_model_kind *kind = NULL;
      CZ_TRY(cz_model_lookup(c->models[cz_node_model(np, row)].template_str, &kind));
      CZ_CHECK(cz_model_recordable(kind, var) >= 0, CZ_ERR_CONFIG,
               "%s: reports.%s.variable_name: %s node %llu (%s) has no recordable '%s'", x->cfg->path, x->b->name,
               np->name, (unsigned long long)cz_node_id(np, row), kind->name, var);
      p->ids[q][p->nids[q]++] = cz_node_id(np, row);
    }
    qsort(p->ids[q], p->nids[q], sizeof *p->ids[q], cmp_u64);
  }
  return CZ_OK;
}

static size_t group_of(const cz_network *net, uint32_t nid) {
  size_t j = 0;
  while (j + 1 < net->ngroups && nid >= net->groups[j].hi) j++;
  return j;
}

/* This rank's probes: the columns whose neuron it simulates. */
static cz_status probes_of(const cz_circuit *c, const cz_network *net, const cz_placement *placement, const char *var,
                           report *p) {
  size_t total = 0;
  for (size_t q = 0; q < p->npops; q++) total += p->nids[q];
  CZ_NEW(p->pop_start, p->npops + 1);
  CZ_NEW(p->col, total + 1);
  CZ_NEW(p->kind, total + 1);
  CZ_NEW(p->impl, total + 1);
  CZ_NEW(p->idx, total + 1);
  CZ_NEW(p->var, total + 1);
  CZ_NEW(p->nid, total + 1);
  for (size_t q = 0; q < p->npops; q++) {
    p->pop_start[q] = p->n;
    for (size_t k = 0; k < p->nids[q]; k++) {
      size_t row = 0;
      if (!cz_circuit_row_of(&c->nodes[q], p->ids[q][k], &row)) continue;
      const size_t gid = net->gm.pop_offset[q] + row;
      if (!cz_placement_holds(placement, (uint32_t)net->rank, gid) || cz_gidmap_lid(&net->gm, gid) == CZ_NO_NID)
        continue;
      const uint32_t nid = cz_gidmap_lid(&net->gm, gid);
      const cz_group *g = &net->groups[group_of(net, nid)];
      p->col[p->n] = k;
      p->nid[p->n] = nid;
      p->kind[p->n] = g->kind;
      p->impl[p->n] = g->impl;
      p->idx[p->n] = nid - g->lo;
      p->var[p->n] = cz_model_recordable(g->kind, var);
      p->n++;
    }
  }
  p->pop_start[p->npops] = p->n;
  return CZ_OK;
}

/* The run's time grid: step h (ms), steps, and the epoch length for the buffer size. */
typedef struct time_base {
  double h;
  int64_t nsteps, epoch;
  int64_t tics_per_step;
} time_base;

/* Rows per written block, the same on every rank: a block of steps (run.nsteps_block, 5000
 * when absent), at least 100 ms of model time, as the spike journal's blocks, so that fine time
 * steps do not make a write (collective on several ranks) every few ms of model time; at most
 * BLOCK_BYTES of samples over all columns, so that memory stays bounded for wide reports. */
static size_t block_rows_of(const cz_config *cfg, const time_base *tb, int64_t every, const report *p) {
  int64_t steps = cfg->nsteps_block > 0 ? cfg->nsteps_block : DEFAULT_BLOCK_STEPS;
  const int64_t per_100ms = (int64_t)llround(100.0 / tb->h);
  if (steps < per_100ms) steps = per_100ms;
  size_t rows = steps / every > 0 ? (size_t)(steps / every) : 1;
  size_t cols = 0;
  for (size_t q = 0; q < p->npops; q++) cols += p->nids[q];
  const size_t max_rows = BLOCK_BYTES / (sizeof(double) * (cols ? cols : 1));
  if (rows > max_rows) rows = max_rows > 0 ? max_rows : 1;
  return rows;
}

/* The config part of a report: times, file and columns; with net, also this rank's probes
 * and buffers. */
static cz_status make_report(const block_ctx *x, const cz_circuit *c, const cz_network *net, const time_base *tb,
                             const cz_placement *placement, const cz_ns_selection *sel, size_t k, const char *var,
                             report *p) {
  const double h = tb->h;
  int64_t start = 0, stop = 0, every = 0;
  CZ_TRY(time_key(x, "tstart", 0.0, h, &start));
  CZ_TRY(time_key(x, "tstop", (double)tb->nsteps * h, h, &stop));
  CZ_TRY(time_key(x, "interval", h, h, &every));
  const cJSON *iv = cJSON_GetObjectItemCaseSensitive(x->b->json, "interval");
  p->interval_ms = iv ? iv->valuedouble : x->cfg->dt;
  CZ_CHECK(every >= 1, CZ_ERR_CONFIG, "%s: reports.%s.interval must be at least dt (%g ms)", x->cfg->path, x->b->name,
           h);
  if (stop > tb->nsteps) stop = tb->nsteps;
  p->every = every;
  p->k_first = start / every + 1;
  p->k_last = stop / every;
  CZ_CHECK(p->k_last >= p->k_first, CZ_ERR_CONFIG,
           "%s: reports.%s: no sample falls in (tstart, tstop] = (%g, %g] ms with interval %g ms", x->cfg->path,
           x->b->name, (double)start * h, (double)stop * h, (double)every * h);
  CZ_TRY(cz_asprintf(&p->where, "%s: reports.%s", x->cfg->path, x->b->name));
  CZ_TRY(cz_strdup(var, &p->variable));
  CZ_TRY(file_of(x, k, var, &p->path));
  CZ_TRY(columns_of(x, c, sel, var, p));
  if (!net) return CZ_OK;
  CZ_TRY(probes_of(c, net, placement, var, p));
  p->block_rows = block_rows_of(x->cfg, tb, every, p);
  return CZ_OK;
}

static bool is_membrane_module(const char *m) {
  return m && (strcmp(m, "membrane_report") == 0 || strcmp(m, "multimeter_report") == 0 || strcmp(m, "multimeter") == 0 ||
               strcmp(m, "netcon_report") == 0);
}

/* The population named name, or npops. */
static size_t pop_named(const cz_circuit *c, const char *name) {
  size_t q = 0;
  while (q < c->nnodes && strcmp(c->nodes[q].name, name) != 0) q++;
  return q;
}

/* Whether id is a node of population q, or of any population when q is c->nnodes. */
static bool id_exists(const cz_circuit *c, size_t q, uint64_t id) {
  size_t row = 0;
  for (size_t i = 0; i < c->nnodes; i++)
    if ((q == c->nnodes || i == q) && cz_circuit_row_of(&c->nodes[i], id, &row)) return true;
  return false;
}

/* Each id of an explicit list (a list of ids, or a dict's node_id/node_ids with at most one
 * population) must be a node: a node set resolver drops unknown ids, and a report would then
 * miss the cells it was asked for without a word. Named sets are followed. */
static cz_status check_ids(const char *where, const cz_config *cfg, const cz_circuit *c, const cJSON *e, int depth) {
  if (depth > 16 || !e) return CZ_OK; /* cycles are the resolver's error */
  if (cJSON_IsString(e)) {
    const cJSON *named = cfg->node_sets ? cJSON_GetObjectItemCaseSensitive(cfg->node_sets, e->valuestring) : NULL;
    return check_ids(where, cfg, c, named, depth + 1);
  }
  const cJSON *ids = e;
  size_t q = c->nnodes;
  if (cJSON_IsObject(e)) {
    ids = cJSON_GetObjectItemCaseSensitive(e, "node_id");
    if (!ids) ids = cJSON_GetObjectItemCaseSensitive(e, "node_ids");
    const cJSON *pop = cJSON_GetObjectItemCaseSensitive(e, "population");
    if (!pop) pop = cJSON_GetObjectItemCaseSensitive(e, "populations");
    if (pop && cJSON_IsArray(pop) && cJSON_GetArraySize(pop) == 1) pop = pop->child;
    if (pop && !cJSON_IsString(pop)) return CZ_OK;
    if (pop) q = pop_named(c, pop->valuestring);
    if (q == c->nnodes && pop) return CZ_OK; /* an unknown population is the resolver's error */
    if (ids && cJSON_IsNumber(ids)) {
      CZ_CHECK(id_exists(c, q, (uint64_t)ids->valuedouble), CZ_ERR_CONFIG, "%s: node id %.0f is not a node of %s%s",
               where, ids->valuedouble, q < c->nnodes ? "population " : "any population",
               q < c->nnodes ? c->nodes[q].name : "");
      return CZ_OK;
    }
  }
  if (!cJSON_IsArray(ids)) return CZ_OK;
  const cJSON *id = NULL;
  cJSON_ArrayForEach(id, ids) {
    if (!cJSON_IsNumber(id)) {
      if (!cJSON_IsObject(e)) CZ_TRY(check_ids(where, cfg, c, id, depth + 1)); /* a compound of sets */
      continue;
    }
    CZ_CHECK(id->valuedouble >= 0 && id_exists(c, q, (uint64_t)id->valuedouble), CZ_ERR_CONFIG,
             "%s: node id %.0f is not a node of %s%s", where, id->valuedouble,
             q < c->nnodes ? "population " : "any population", q < c->nnodes ? c->nodes[q].name : "");
  }
  return CZ_OK;
}

/* A report must record something: an empty selection (or virtual nodes only) is an error. */
static cz_status check_not_empty(const char *where, const cz_cfg_block *b, const report *p) {
  size_t cells = 0;
  for (size_t q = 0; q < p->npops; q++) cells += p->nids[q];
  if (cells > 0) return CZ_OK;
  char *text = cJSON_PrintUnformatted(b->node_set);
  cz_status st = CZ_ERROR(CZ_ERR_CONFIG, "%s selects no cell to record (%s; virtual nodes are not recorded)", where,
                          text ? text : "?");
  free(text);
  return st;
}

static cz_status add_block(cz_recorder *r, const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c,
                           const time_base *tb, const cz_placement *placement) {
  block_ctx x = {cfg, b};
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG,
           "%s: reports.%s.cells is missing (BMTK's default, the node set 'biophysical', has no point neurons)",
           cfg->path, b->name);
  const cJSON *var = NULL;
  size_t nvars = 0;
  CZ_TRY(variables_of(&x, &var, &nvars));
  char where[1024];
  snprintf(where, sizeof where, "%s: reports.%s.cells", cfg->path, b->name);
  cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  cz_status st = check_ids(where, cfg, c, b->node_set, 0);
  for (size_t k = 0; k < nvars && st == CZ_OK; k++, var = var->next) {
    report *grown = realloc(r->reps, (r->n + 1) * sizeof *grown);
    if (!grown) {
      st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
      break;
    }
    r->reps = grown;
    memset(&r->reps[r->n], 0, sizeof *r->reps);
    r->n++;
    st = make_report(&x, c, r->net, tb, placement, sel, k, var->valuestring, &r->reps[r->n - 1]);
    if (st == CZ_OK) st = check_not_empty(where, b, &r->reps[r->n - 1]);
  }
  cz_ns_selection_destroy(&sel);
  return st;
}

/* Two reports, or a report and a spikes file, must not write one file; and an existing file
 * is replaced only when the config allows it. */
static cz_status check_paths(const cz_recorder *r, const cz_config *cfg) {
  for (size_t i = 0; i < r->n; i++) {
    const char *p = r->reps[i].path;
    CZ_CHECK(cfg->overwrite_output_dir || !cz_path_exists(p), CZ_ERR_OUTPUT,
             "output file %s already exists; set output.overwrite_output_dir to true to replace it, or choose another "
             "folder with --output-dir",
             p);
    for (size_t j = 0; j < i; j++)
      CZ_CHECK(strcmp(p, r->reps[j].path) != 0, CZ_ERR_CONFIG, "%s: two reports write %s", cfg->path, p);
    CZ_CHECK(!(cfg->spikes_file && strcmp(p, cfg->spikes_file) == 0) &&
                 !(cfg->spikes_file_csv && strcmp(p, cfg->spikes_file_csv) == 0),
             CZ_ERR_CONFIG, "%s: a report and the spikes output both write %s", cfg->path, p);
  }
  return CZ_OK;
}

/* The reports of cfg; net NULL resolves the config only (cz_recorder_check). */
static cz_status create(const cz_config *cfg, const cz_circuit *c, const cz_network *net, const time_base *tb,
                        const cz_placement *placement, cz_recorder **out) {
  *out = NULL;
  cz_recorder *r = NULL;
  CZ_NEW(r, 1);
  r->net = net;
  r->c = c;
  r->nthreads = net ? net->nthreads : 1;
  cz_status st = CZ_OK;
  for (size_t i = 0; i < cfg->nreports && st == CZ_OK; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (!b->enabled) continue;
    if (net && b->module && strcmp(b->module, "netcon_report") == 0)
      cz_log_info("reports.%s: netcon_report records the cells' variables as a multimeter does, as BMTK's PointNet "
                  "does", b->name);
    if (is_membrane_module(b->module)) st = add_block(r, cfg, b, c, tb, placement);
    else if (b->module && strcmp(b->module, "weight_recorder") == 0) continue; /* pointnet/weight_recorder.h */
    else if (b->module && strcmp(b->module, "spikes_report") == 0) continue;   /* the config reader takes it */
    else if (net) cz_log_warn("reports.%s: module %s is not written by PointNet runs; ignored", b->name, b->module ? b->module : "?");
  }
  if (st == CZ_OK) st = check_paths(r, cfg);
  if (st != CZ_OK) {
    cz_recorder_close(&r, false);
    return st;
  }
  *out = r;
  return CZ_OK;
}

cz_status cz_recorder_create(const cz_config *cfg, const cz_circuit *c, const cz_network *net,
                             const cz_placement *placement, cz_recorder **out) {
  const time_base tb = {net->tg.h, net->tg.nsteps, net->min_delay, net->tg.tics_per_step};
  return create(cfg, c, net, &tb, placement, out);
}

cz_status cz_recorder_check(const cz_config *cfg, const cz_circuit *c) {
  const int64_t tics = llround(cfg->dt * 1000.0);
  const double h = (double)tics / 1000.0;
  const time_base tb = {h, llround(cfg->tstop / h), 1, tics};
  cz_recorder *r = NULL;
  CZ_TRY(create(cfg, c, NULL, &tb, NULL, &r));
  return cz_recorder_close(&r, false);
}

/* ---- the run ------------------------------------------------------------------------------ */

/* The sample stamped k * every * h, in ms, as NEST prints it (whole tics, 3 decimals) and BMTK
 * reads it back. */
static double time_of(const cz_recorder *r, const report *p, int64_t k) {
  return (double)(k * p->every * r->net->tg.tics_per_step) / 1000.0;
}

/* The rows BMTK gets from NEST's multimeter. NEST runs in slices of min_delay steps, and the
 * multimeter fetches the samples its neurons logged during a slice only at the start of the
 * next one, so the samples of the last slice (stamped after its start) never reach the file.
 * NEST's min_delay is over every connection, the multimeter's own included, which has the
 * default delay 1 ms: it is the network's smallest delay when that is shorter. Hence, for
 * tstop 1000 ms, dt 0.1 ms and delays of 1 ms or more, rows 0.1 .. 999.0 ms. */
static cz_status fetched_window(const cz_network *net, report *p, bool any_synapse) {
  int64_t slice = llround(1000.0 / (double)net->tg.tics_per_step);
  if (slice < 1) slice = 1;
  if (any_synapse && net->min_delay < slice) slice = net->min_delay;
  const int64_t last_slice_start = ((net->tg.nsteps - 1) / slice) * slice;
  if (last_slice_start / p->every < p->k_last) p->k_last = last_slice_start / p->every;
  CZ_CHECK(p->k_last >= p->k_first, CZ_ERR_CONFIG,
           "%s: no sample to write: NEST's multimeter delivers samples up to %g ms only (the last %g ms, one slice "
           "of min_delay, are never fetched), and the report starts after that",
           p->where, (double)(last_slice_start * net->tg.tics_per_step) / 1000.0,
           (double)((net->tg.nsteps - last_slice_start) * net->tg.tics_per_step) / 1000.0);
  return CZ_OK;
}

/* The writer's side of the gather: how many probes each rank has and where each goes. */
static cz_status plan_gather(report *p, const uint64_t *all_cols) {
  size_t widest = 1;
  for (size_t q = 0; q < p->npops; q++) widest = p->nids[q] > widest ? p->nids[q] : widest;
  CZ_NEW(p->in_counts, p->nranks);
  CZ_NEW(p->dest_pop, p->ntotal + 1);
  CZ_NEW(p->dest_col, p->ntotal + 1);
  CZ_NEW(p->ident, widest);
  for (size_t k = 0; k < widest; k++) p->ident[k] = k;
  p->gathered = cz_calloc(p->cap_rows * (p->ntotal ? p->ntotal : 1), sizeof *p->gathered);
  p->rows = cz_calloc(p->cap_rows * (p->ntotal ? p->ntotal : 1), sizeof *p->rows);
  CZ_CHECK(p->gathered && p->rows, CZ_ERR_NOMEM, "out of memory for report %s", p->path);
  size_t g = 0;
  for (size_t rk = 0; rk < p->nranks; rk++) g += p->rank_n[rk];
  CZ_CHECK(g == p->ntotal, CZ_ERR_INTERNAL, "report %s: ranks record %zu columns of %zu", p->path, g, p->ntotal);
  for (g = 0; g < p->ntotal; g++) {
    size_t q = 0;
    while (all_cols[g] >= p->pop_col0[q + 1]) q++;
    p->dest_pop[g] = q;
    p->dest_col[g] = (size_t)all_cols[g] - p->pop_col0[q];
  }
  return CZ_OK;
}

/* Rank 0 writes every report file alone, as the single process does, from the rows all ranks
 * send it block by block: the file is the same whatever the rank count, and no rank waits
 * for a collective write of scattered columns or for a parallel file's flushes. */
/* The rows, this rank's buffers and the global column of each of its probes (*cols, owned). */
static cz_status prepare_rank(const cz_recorder *r, report *p, bool any_synapse, uint64_t **cols) {
  CZ_TRY(fetched_window(r->net, p, any_synapse));
  const size_t nrows = (size_t)(p->k_last - p->k_first + 1);
  p->cap_rows = p->block_rows + (size_t)((r->net->min_delay + p->every - 1) / p->every) + 1;
  if (p->cap_rows > nrows) p->cap_rows = nrows;
  p->buf = cz_calloc(p->cap_rows * (p->n ? p->n : 1), sizeof *p->buf);
  p->sending = cz_calloc(p->cap_rows * (p->n ? p->n : 1), sizeof *p->sending);
  CZ_CHECK(p->buf && p->sending, CZ_ERR_NOMEM, "out of memory for report %s", p->path);
  p->buf_k0 = p->k_first;
  p->sent_k0 = p->k_first;
  p->sent_k1 = p->k_first - 1;
  CZ_NEW(p->pop_col0, p->npops + 1);
  for (size_t q = 0; q < p->npops; q++) p->pop_col0[q + 1] = p->pop_col0[q] + p->nids[q];
  p->ntotal = p->pop_col0[p->npops];
  CZ_NEW(*cols, p->n + 1);
  for (size_t q = 0; q < p->npops; q++)
    for (size_t j = p->pop_start[q]; j < p->pop_start[q + 1]; j++) (*cols)[j] = p->pop_col0[q] + p->col[j];
  return CZ_OK;
}

static cz_status open_report(const cz_recorder *r, report *p, bool any_synapse) {
  const bool writer = cz_comm_rank() == 0;
  p->nranks = (size_t)cz_comm_size();
  uint64_t mine = p->n, *counts = NULL, *cols = NULL, *all_cols = NULL;
  size_t *ones = NULL;
  cz_status st = prepare_rank(r, p, any_synapse, &cols);
  if (st == CZ_OK && writer) {
    ones = malloc(p->nranks * sizeof *ones);
    counts = malloc(p->nranks * sizeof *counts);
    p->rank_n = malloc(p->nranks * sizeof *p->rank_n);
    all_cols = malloc((p->ntotal + 1) * sizeof *all_cols);
    if (!ones || !counts || !p->rank_n || !all_cols) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t rk = 0; st == CZ_OK && rk < p->nranks; rk++) ones[rk] = 1;
  }
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_gather_u64(&mine, 1, counts, ones);
  for (size_t rk = 0; st == CZ_OK && writer && rk < p->nranks; rk++) p->rank_n[rk] = (size_t)counts[rk];
  if (st == CZ_OK) st = cz_comm_gather_u64(cols, p->n, all_cols, p->rank_n);
  if (st == CZ_OK && writer) st = plan_gather(p, all_cols);
  if (st == CZ_OK && writer) {
    cz_report_pop *pops = calloc(p->npops + 1, sizeof *pops);
    if (!pops) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    /* one element per point neuron: no index pointer or element arrays */
    for (size_t q = 0; pops && q < p->npops; q++)
      pops[q] = (cz_report_pop){.name = r->c->nodes[q].name, .n = p->nids[q], .node_ids = p->ids[q]};
    const cz_report_spec spec = {p->path, p->variable, units_of(p->variable), p->npops, pops,
                                 time_of(r, p, p->k_first), p->interval_ms, (size_t)(p->k_last - p->k_first + 1)};
    if (st == CZ_OK) st = cz_report_create(&spec, NULL, true, &p->out);
    free(pops);
  }
  free(ones);
  free(counts);
  free(cols);
  free(all_cols);
  return cz_comm_agree(st);
}

cz_status cz_recorder_open(cz_recorder *r) {
  if (r->n == 0) return CZ_OK;
  uint64_t nsyn = r->net->nsyn_total;
  CZ_TRY(cz_comm_allreduce_sum_u64(&nsyn));
  for (size_t i = 0; i < r->n; i++) {
    report *p = &r->reps[i];
    CZ_TRY(cz_comm_agree(open_report(r, p, nsyn > 0)));
    cz_log_info("Recording %s of %zu cells into %s", p->variable, p->ntotal, p->path);
  }
  return CZ_OK;
}

cz_status cz_recorder_bind(cz_recorder *r, const uint16_t *owner, int nthreads) {
  CZ_CHECK(nthreads == r->nthreads, CZ_ERR_INTERNAL, "recorder: %d threads, built for %d", nthreads, r->nthreads);
  for (size_t i = 0; i < r->n; i++) {
    report *p = &r->reps[i];
    CZ_NEW(p->tlist, (size_t)nthreads);
    CZ_NEW(p->tn, (size_t)nthreads);
    for (int t = 0; t < nthreads; t++) CZ_NEW(p->tlist[t], p->n + 1);
    for (size_t j = 0; j < p->n; j++) {
      const uint16_t t = owner[p->nid[j]];
      p->tlist[t][p->tn[t]++] = j;
    }
  }
  return CZ_OK;
}

void cz_recorder_sample(cz_recorder *r, int tid, int64_t u) {
  for (size_t i = 0; i < r->n; i++) {
    report *p = &r->reps[i];
    if ((u + 1) % p->every != 0) continue;
    const int64_t k = (u + 1) / p->every;
    if (k < p->k_first || k > p->k_last) continue;
    double *row = p->buf + (size_t)(k - p->buf_k0) * p->n;
    const size_t *list = p->tlist[tid];
    for (size_t m = 0; m < p->tn[tid]; m++) {
      const size_t j = list[m];
      row[j] = p->kind[j]->record(p->impl[j], p->idx[j], p->var[j]);
    }
  }
}

/* Puts the gathered rows of every rank into the columns of their populations. */
static void place_rows(report *p, size_t nrows) {
  const double *in = p->gathered;
  size_t g0 = 0;
  for (size_t rk = 0; rk < p->nranks; rk++) {
    const size_t n = p->rank_n[rk];
    for (size_t row = 0; row < nrows; row++)
      for (size_t j = 0; j < n; j++) {
        const size_t q = p->dest_pop[g0 + j];
        p->rows[nrows * p->pop_col0[q] + row * p->nids[q] + p->dest_col[g0 + j]] = in[row * n + j];
      }
    in += nrows * n;
    g0 += n;
  }
}

/* Completes the gather of the block in flight; the writer writes it to every population and
 * commits it. */
static cz_status finish_block(const cz_recorder *r, report *p) {
  if (p->sent_k1 < p->sent_k0) return CZ_OK;
  CZ_TRY(cz_comm_wait(&p->req));
  const size_t nrows = (size_t)(p->sent_k1 - p->sent_k0 + 1);
  if (p->out) {
    place_rows(p, nrows);
    for (size_t q = 0; q < p->npops; q++)
      CZ_TRY(cz_report_write(p->out, q, (size_t)(p->sent_k0 - p->k_first), nrows, p->ident, p->nids[q],
                             p->rows + nrows * p->pop_col0[q]));
    CZ_TRY(cz_report_commit_rows(p->out, time_of(r, p, p->sent_k1)));
  }
  p->sent_k0 = p->sent_k1 + 1;
  return CZ_OK;
}

/* Sends the buffered rows [buf_k0, k_end] to the writer. The gather is started now and
 * finished at the next block (or at once for the last one): a rank that reaches this point
 * first does not wait for the others, which on a busy machine may not be running. */
static cz_status flush_rows(const cz_recorder *r, report *p, int64_t k_end) {
  CZ_TRY(finish_block(r, p));
  const size_t nrows = (size_t)(k_end - p->buf_k0 + 1);
  memcpy(p->sending, p->buf, nrows * p->n * sizeof *p->buf);
  for (size_t rk = 0; p->out && rk < p->nranks; rk++) p->in_counts[rk] = nrows * p->rank_n[rk];
  CZ_TRY(cz_comm_igather_f64(p->sending, nrows * p->n, p->gathered, p->in_counts, &p->req));
  p->sent_k0 = p->buf_k0;
  p->sent_k1 = k_end;
  p->buf_k0 = k_end + 1;
  return k_end == p->k_last ? finish_block(r, p) : CZ_OK;
}

cz_status cz_recorder_epoch_end(cz_recorder *r, int64_t t1) {
  for (size_t i = 0; i < r->n; i++) {
    report *p = &r->reps[i];
    int64_t k_end = t1 / p->every;
    if (k_end > p->k_last) k_end = p->k_last;
    if (k_end < p->buf_k0) continue;
    const size_t buffered = (size_t)(k_end - p->buf_k0 + 1);
    const size_t next_epoch = (size_t)((r->net->min_delay + p->every - 1) / p->every) + 1;
    /* The same decision on every rank: it depends on t1 and the config only. */
    if (buffered >= p->block_rows || k_end == p->k_last || buffered + next_epoch > p->cap_rows)
      CZ_TRY(flush_rows(r, p, k_end));
  }
  return CZ_OK;
}

cz_status cz_recorder_close(cz_recorder **pr, bool complete) {
  if (!pr || !*pr) return CZ_OK;
  cz_recorder *r = *pr;
  *pr = NULL;
  cz_status st = CZ_OK;
  for (size_t i = 0; i < r->n; i++) {
    cz_status cst = cz_report_close(&r->reps[i].out, complete);
    if (st == CZ_OK) st = cst;
    report_free(&r->reps[i], r->nthreads);
  }
  free(r->reps);
  free(r);
  return st;
}
