#include "bionet/reports.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sort.h"
#include "base/str.h"
#include "bionet/report_elements.h"
#include "comm/comm.h"
#include "io/node_sets.h"
#include "io/report_out.h"

enum { DEFAULT_BLOCK_STEPS = 5000 };
#define BLOCK_BYTES ((size_t)64 << 20)

/* One population of a report: its recorded cells, their elements (all ranks), and this
 * rank's element columns. */
typedef struct pop_cols {
  const char *name;        /* the population's (borrowed from the circuit) */
  size_t n;                /* recorded cells of the population, all ranks */
  uint64_t *node_ids;      /* [n] ascending */
  uint64_t *gid;           /* [n] */
  uint64_t *index_pointer; /* [n + 1] once laid out */
  uint64_t *element_ids;   /* [index_pointer[n]] */
  double *element_pos;     /* [index_pointer[n]] */
  int64_t *src_ids, *trg_ids; /* [index_pointer[n]], synapse reports only */
  size_t *remap;           /* synapse reports: each selected cell's place once those without synapses are left out */
  size_t nlocal;
  uint64_t *col;           /* [nlocal] ascending element columns of this rank */
  double *buf;             /* [rows_cap][nlocal] */
} pop_cols;

/* A synapse report's variable (reports-spec §3.2). */
typedef enum syn_var { SV_A, SV_B, SV_G, SV_I, SV_TAU1, SV_TAU2, SV_E, SV_FACTOR, SV_TAU, SV_WEIGHT } syn_var;

typedef struct report {
  char *name, *path, *label, *where;
  bool netcon;             /* a synapse report (netcon_report, syn_report, syn_weight): its elements are synapses */
  syn_var svar;
  char *syn_type;          /* the synapses' NEURON name prefix ("Exp2Syn"), NULL for all */
  cz_bio_sections sec;
  cz_bio_var var;
  bool empty;                /* no cell recorded anywhere */
  int64_t every, first, end; /* rows: steps s with first <= s < end and s % every == 0 */
  double t0, t1, dt;         /* mapping/time */
  size_t npops;
  pop_cols *pops;            /* [npops] */
  cz_report_out *out;
  size_t rows_block;
} report;

/* A recorded element of this rank: where its value is, and its place in the report. */
typedef struct probe {
  const double *src;
  size_t report, pop, cell; /* cell: index into the population's recorded cells */
  uint32_t element;         /* its index among the cell's elements */
  uint32_t section;         /* element id */
  double pos;               /* element position */
  size_t col;               /* after the layout: the local column */
  int64_t src_id, trg_id;   /* a synapse's source (-1: virtual) and target BMTK gids */
} probe;

typedef struct thread_probes {
  size_t n, cap;
  probe *p;
  cz_bio_var_index vx;
  bool indexed;
} thread_probes;

struct cz_bio_reports {
  size_t n;
  report *r;
  int nthreads;
  thread_probes *th; /* [nthreads] */
  int64_t buf_first; /* the step of the buffer's first row (all reports) */
  const cz_timegrid *tg;
  const cz_config *cfg;
};

/* syn_weight: the NetCons' weights, in the synapse report's layout. */
static bool is_weight_block(const cz_cfg_block *b) {
  return b->enabled && b->module && strcmp(b->module, "syn_weight") == 0;
}

/* syn_report is the guide's name for netcon_report (BMTK 1.0.8 skips it). */
static bool is_netcon_block(const cz_cfg_block *b) {
  return b->enabled && b->module &&
         (strcmp(b->module, "netcon_report") == 0 || strcmp(b->module, "syn_report") == 0 || is_weight_block(b));
}

static bool is_membrane_block(const cz_cfg_block *b) {
  return (b->enabled && b->module &&
          (strcmp(b->module, "membrane_report") == 0 || strcmp(b->module, "multimeter_report") == 0 ||
           strcmp(b->module, "multimeter") == 0)) ||
         is_netcon_block(b);
}

static const struct {
  const char *name, *units;
  syn_var var;
  bool exp2, single; /* whether Exp2Syn, ExpSyn have it */
} SYN_VARS[] = {{"A", "uS", SV_A, true, false},       {"B", "uS", SV_B, true, false},
                {"g", "uS", SV_G, true, true},        {"i", "nA", SV_I, true, true},
                {"tau1", "ms", SV_TAU1, true, false}, {"tau2", "ms", SV_TAU2, true, false},
                {"e", "mV", SV_E, true, true},        {"factor", "1", SV_FACTOR, true, false},
                {"tau", "ms", SV_TAU, false, true},   {"weight", "uS", SV_WEIGHT, true, true}};
#define NSYN_VARS (sizeof SYN_VARS / sizeof *SYN_VARS)

/* syn_type (default "Exp2Syn"; null: every synapse) and the variable of a synapse report. */
static cz_status netcon_keys(const cz_cfg_block *b, const char *label, const char *where, report *r) {
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(b->json, "syn_type");
  CZ_CHECK(!t || cJSON_IsNull(t) || cJSON_IsString(t), CZ_ERR_CONFIG, "%s.syn_type must be a synapse name or null", where);
  if (!t || cJSON_IsString(t)) CZ_TRY(cz_strdup(t ? t->valuestring : "Exp2Syn", &r->syn_type));
  for (size_t k = 0; k < NSYN_VARS; k++)
    if (strcmp(label, SYN_VARS[k].name) == 0) {
      r->svar = SYN_VARS[k].var;
      r->var.units = SYN_VARS[k].units;
      return CZ_OK;
    }
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: variable_name \"%s\" is not a synapse variable (Exp2Syn: A, B, g, i, tau1, tau2, e, factor; "
                  "ExpSyn: g, i, tau, e; both: weight, the NetCon's)",
                  where, label);
}

static const char *file_of(const cz_config *cfg, const cz_cfg_block *b) { return b->file ? b->file : cfg->path; }

/* The number of variables of variable_name (a name, or a non-empty list of names; syn_weight's
 * is "weight" when absent). */
static cz_status block_nvariables(const cz_config *cfg, const cz_cfg_block *b, size_t *n) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(b->json, "variable_name");
  *n = 1;
  if (!v && is_weight_block(b)) return CZ_OK;
  *n = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1;
  CZ_CHECK(cJSON_IsString(v) || (cJSON_IsArray(v) && *n > 0), CZ_ERR_CONFIG,
           "%s: reports.%s.variable_name must be a name or a list of names", file_of(cfg, b), b->name);
  return CZ_OK;
}

/* variable_name's k-th name. */
static cz_status block_variable_at(const cz_config *cfg, const cz_cfg_block *b, size_t k, const char **name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(b->json, "variable_name");
  if (!v && is_weight_block(b)) {
    *name = "weight";
    return CZ_OK;
  }
  const cJSON *one = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, (int)k) : v;
  CZ_CHECK(cJSON_IsString(one), CZ_ERR_CONFIG, "%s: reports.%s.variable_name must be a name or a list of names",
           file_of(cfg, b), b->name);
  *name = one->valuestring;
  return CZ_OK;
}

static cz_status block_variable(const cz_config *cfg, const cz_cfg_block *b, const char **name) {
  size_t n = 0;
  CZ_TRY(block_nvariables(cfg, b, &n));
  return block_variable_at(cfg, b, 0, name);
}

/* The file of variable k of a block of several: file_name for the first, "<stem>_<variable>.h5"
 * beside it for the others (BMTK writes only one file, holding the last variable under the
 * first one's name; Cadenza writes every variable asked for, and says so). */
static cz_status variable_path(const char *first, const char *var, char **out) {
  const char *dot = strrchr(first, '.'), *slash = strrchr(first, '/');
  const int stem = dot && (!slash || dot > slash) ? (int)(dot - first) : (int)strlen(first);
  return cz_asprintf(out, "%.*s_%s.h5", stem, first, var);
}

static cz_status block_sections(const cz_config *cfg, const cz_cfg_block *b, cz_bio_sections *sec) {
  char where[512];
  snprintf(where, sizeof where, "%s: reports.%s", file_of(cfg, b), b->name);
  CZ_TRY(cz_bio_sections_parse(cJSON_GetObjectItemCaseSensitive(b->json, "sections"), where, sec));
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(b->json, "transform");
  CZ_CHECK(!t || (cJSON_IsObject(t) && !t->child), CZ_ERR_CONFIG, "%s.transform is not supported (BMTK's own transform fails)",
           where);
  return CZ_OK;
}

/* BMTK's test of a report time a against a step b (reports-spec §2): math.isclose(a, b) with
 * rel_tol 1e-4, or a / b exactly a whole number in floating point, so start_time 0.3 at dt 0.1
 * is refused (0.3 / 0.1 = 2.9999999999999996) and 499.8 accepted, as BMTK does. */
static bool multiple_of(double a, double b) {
  const double q = a / b;
  return fabs(a - b) <= 1e-4 * fmax(fabs(a), fabs(b)) || (isfinite(q) && q == floor(q));
}

/* dt, start_time, end_time with BMTK's checks (reports-spec §2). */
static cz_status block_window(const cz_config *cfg, const cz_cfg_block *b, report *r) {
  const char *file = b->file ? b->file : cfg->path;
  double v[3] = {cfg->dt, 0.0, cfg->tstop};
  static const char *const keys[3] = {"dt", "start_time", "end_time"};
  for (int k = 0; k < 3; k++) {
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, keys[k]);
    if (!j) continue;
    CZ_CHECK(cJSON_IsNumber(j) && isfinite(j->valuedouble), CZ_ERR_CONFIG, "%s: reports.%s.%s must be a number", file,
             b->name, keys[k]);
    v[k] = j->valuedouble;
  }
  const double dt = v[0], start = v[1], end = v[2];
  CZ_CHECK(dt >= cfg->dt, CZ_ERR_CONFIG, "%s: reports.%s.dt: report dt cannot be less than simulation dt", file, b->name);
  CZ_CHECK(multiple_of(dt, cfg->dt), CZ_ERR_CONFIG, "%s: reports.%s.dt %g must be a multiple of the run's dt %g", file,
           b->name, dt, cfg->dt);
  CZ_CHECK(start >= 0, CZ_ERR_CONFIG, "%s: reports.%s.start_time %g is before the run starts", file, b->name, start);
  CZ_CHECK(multiple_of(start, dt), CZ_ERR_CONFIG, "%s: reports.%s.start_time %g must be a multiple of dt %g", file,
           b->name, start, dt);
  CZ_CHECK(end <= cfg->tstop, CZ_ERR_CONFIG, "%s: reports.%s.end_time %g is after tstop %g", file, b->name, end,
           cfg->tstop);
  CZ_CHECK(multiple_of(end, dt), CZ_ERR_CONFIG, "%s: reports.%s.end_time %g must be a multiple of dt %g", file, b->name,
           end, dt);
  r->every = (int64_t)(dt / cfg->dt);
  r->first = (int64_t)(start / cfg->dt);
  r->end = (int64_t)ceil(end / cfg->dt - 1e-9);
  if (r->every < 1) r->every = 1;
  r->t0 = start;
  r->t1 = end;
  r->dt = dt;
  return CZ_OK;
}

static cz_status block_path(const cz_config *cfg, const cz_cfg_block *b, char **out) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "file_name");
  CZ_CHECK(!j || (cJSON_IsString(j) && j->valuestring[0]), CZ_ERR_CONFIG, "%s: reports.%s.file_name must be a file name",
           b->file ? b->file : cfg->path, b->name);
  char *name = NULL;
  if (j) CZ_TRY(cz_strdup(j->valuestring, &name));
  else if (cz_str_ends_with(b->name, ".h5") || cz_str_ends_with(b->name, ".hdf5") || cz_str_ends_with(b->name, ".hdf"))
    CZ_TRY(cz_strdup(b->name, &name));
  else CZ_TRY(cz_asprintf(&name, "%s.h5", b->name));
  cz_status st = cz_path_is_absolute(name) ? cz_path_join(NULL, name, out) : cz_path_join(cfg->output_dir, name, out);
  free(name);
  return st;
}

cz_status cz_bio_reports_check(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (!is_membrane_block(b)) continue;
    const char *label = NULL;
    report r;
    memset(&r, 0, sizeof r);
    char *path = NULL;
    char where[512];
    snprintf(where, sizeof where, "%s: reports.%s", file_of(cfg, b), b->name);
    CZ_TRY(block_variable(cfg, b, &label));
    if (!is_netcon_block(b)) CZ_TRY(block_sections(cfg, b, &r.sec));
    CZ_TRY(block_window(cfg, b, &r));
    CZ_TRY(block_path(cfg, b, &path));
    for (size_t k = 0; k < i; k++) { /* two blocks writing one file would overwrite each other */
      const cz_cfg_block *o = &cfg->reports[k];
      char *other = NULL;
      if (!is_membrane_block(o) || block_path(cfg, o, &other) != CZ_OK) {
        cz_error_clear();
        continue;
      }
      const bool same = strcmp(other, path) == 0;
      free(other);
      if (same) {
        free(path);
        return CZ_ERROR(CZ_ERR_CONFIG, "%s: reports.%s and reports.%s write the same file", file_of(cfg, b), o->name,
                        b->name);
      }
    }
    free(path);
  }
  return CZ_OK;
}

/* The recorded cells of one population: the selected rows that are detailed cells, by node
 * id. */
static cz_status select_pop(const cz_node_pop *np, const uint64_t *rows, size_t nrows, size_t offset,
                            const uint8_t *is_cell, pop_cols *pc) {
  int64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * nrows + 2);
  size_t n = 0;
  for (size_t k = 0; k < nrows; k++) {
    if (!is_cell[offset + rows[k]]) continue;
    pairs[2 * n] = (int64_t)cz_node_id(np, rows[k]);
    pairs[2 * n + 1] = (int64_t)(offset + rows[k]);
    n++;
  }
  cz_sort_i64_pairs(pairs, n);
  pc->node_ids = cz_calloc(n + 1, sizeof *pc->node_ids);
  pc->gid = cz_calloc(n + 1, sizeof *pc->gid);
  pc->index_pointer = cz_calloc(n + 2, sizeof *pc->index_pointer);
  cz_status st = pc->node_ids && pc->gid && pc->index_pointer ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    pc->node_ids[k] = (uint64_t)pairs[2 * k];
    pc->gid[k] = (uint64_t)pairs[2 * k + 1];
  }
  if (st == CZ_OK) pc->n = n;
  free(pairs);
  return st;
}

static cz_status make_report(const cz_config *cfg, const cz_cfg_block *b, size_t var_index, const cz_circuit *c,
                             const size_t *pop_offset, const uint8_t *is_cell, report *r) {
  const char *label = NULL;
  CZ_TRY(cz_asprintf(&r->where, "%s: reports.%s", file_of(cfg, b), b->name));
  CZ_TRY(block_variable_at(cfg, b, var_index, &label));
  r->netcon = is_netcon_block(b);
  if (r->netcon) CZ_TRY(netcon_keys(b, label, r->where, r));
  else CZ_TRY(block_sections(cfg, b, &r->sec));
  CZ_TRY(block_window(cfg, b, r));
  CZ_TRY(cz_strdup(b->name, &r->name));
  CZ_TRY(cz_strdup(label, &r->label));
  CZ_TRY(block_path(cfg, b, &r->path));
  if (var_index > 0) {
    char *first = r->path;
    r->path = NULL;
    const cz_status pst = variable_path(first, label, &r->path);
    free(first);
    CZ_TRY(pst);
  }
  const cJSON *cells = b->node_set;
  cJSON *fallback = NULL;
  if (!cells) cells = fallback = cJSON_CreateString("biophysical"); /* BMTK's default */
  char where[300];
  snprintf(where, sizeof where, "reports.%s.cells", b->name);
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  cz_status st = cz_ns_resolve(cfg->node_sets, cells, &view, where, &sel);
  cJSON_Delete(fallback);
  CZ_TRY(st);
  r->npops = c->nnodes;
  r->pops = cz_calloc(c->nnodes + 1, sizeof *r->pops);
  if (!r->pops) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t total = 0;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    r->pops[p].name = c->nodes[p].name;
    st = select_pop(&c->nodes[p], sel->rows[p], sel->n[p], pop_offset[p], is_cell, &r->pops[p]);
    total += r->pops[p].n;
  }
  cz_ns_selection_destroy(&sel);
  CZ_TRY(st);
  /* Only detailed cells are recorded, as BMTK records them; with none the file holds none. */
  r->empty = total == 0;
  if (r->empty)
    cz_log_warn("%s: %s selects no biophysical cell; only biophysical cells are recorded, so %s holds no cell",
                file_of(cfg, b), where, r->path);
  else if (!r->netcon) CZ_TRY(cz_bio_var_parse(label, r->where, &r->var)); /* looked up on recorded cells only */
  const int64_t steps = cfg->nsteps_block > 0 ? cfg->nsteps_block : DEFAULT_BLOCK_STEPS;
  r->rows_block = (size_t)(steps / r->every > 0 ? steps / r->every : 1);
  return CZ_OK;
}

static void free_report(report *r) {
  cz_report_close(&r->out, false);
  for (size_t p = 0; r->pops && p < r->npops; p++) {
    pop_cols *pc = &r->pops[p];
    free(pc->node_ids);
    free(pc->gid);
    free(pc->index_pointer);
    free(pc->element_ids);
    free(pc->element_pos);
    free(pc->src_ids);
    free(pc->trg_ids);
    free(pc->remap);
    free(pc->col);
    free(pc->buf);
  }
  free(r->pops);
  free(r->name);
  free(r->path);
  free(r->label);
  free(r->where);
  free(r->syn_type);
}

cz_status cz_bio_reports_create(const cz_config *cfg, const cz_circuit *c, const size_t *pop_offset,
                                const uint8_t *is_cell, int nthreads, cz_bio_reports **out) {
  CZ_TRY(cz_bio_reports_check(cfg));
  cz_bio_reports *r = cz_calloc(1, sizeof *r);
  CZ_CHECK(r, CZ_ERR_NOMEM, "out of memory");
  r->cfg = cfg;
  r->nthreads = nthreads;
  size_t total = 0;
  for (size_t i = 0; i < cfg->nreports; i++) {
    size_t nv = 0;
    if (is_membrane_block(&cfg->reports[i]) && block_nvariables(cfg, &cfg->reports[i], &nv) == CZ_OK) total += nv;
  }
  r->r = cz_calloc(total + 1, sizeof *r->r);
  r->th = cz_calloc((size_t)nthreads, sizeof *r->th);
  cz_status st = r->r && r->th ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    size_t nv = 0;
    if (!is_membrane_block(b) || (st = block_nvariables(cfg, b, &nv)) != CZ_OK) continue;
    for (size_t v = 0; st == CZ_OK && v < nv; v++) {
      st = make_report(cfg, b, v, c, pop_offset, is_cell, &r->r[r->n]);
      r->n++;
    }
    if (st == CZ_OK && nv > 1)
      cz_log_info("%s: reports.%s: %zu variables, one file each (%s for the first, <name>_<variable>.h5 for the "
                  "others); BMTK 1.0.8 writes one file holding the last variable under the first one's name",
                  file_of(cfg, b), b->name, nv, r->r[r->n - nv].path);
  }
  if (st != CZ_OK) cz_bio_reports_close(&r, false);
  *out = r;
  return st;
}

/* The index of gid among a population's recorded cells, or SIZE_MAX. */
static size_t cell_of(const pop_cols *pc, size_t gid) {
  size_t lo = 0, hi = pc->n;
  while (lo < hi) { /* gids ascend with node ids when a population's rows are in id order */
    const size_t mid = lo + (hi - lo) / 2;
    if (pc->gid[mid] == gid) return mid;
    if (pc->gid[mid] < gid) lo = mid + 1;
    else hi = mid;
  }
  for (size_t k = 0; k < pc->n; k++) /* node ids that do not follow the rows */
    if (pc->gid[k] == gid) return k;
  return SIZE_MAX;
}

static cz_status add_elements(cz_bio_reports *r, size_t i, size_t p, size_t k, int tid, size_t cell) {
  thread_probes *tp = &r->th[tid];
  cz_bio_element *el = NULL;
  size_t n = 0;
  const pop_cols *pc = &r->r[i].pops[p];
  char where[1024];
  snprintf(where, sizeof where, "%s (variable %s), node %llu of population %s", r->r[i].where, r->r[i].label,
           (unsigned long long)pc->node_ids[k], pc->name);
  CZ_TRY(cz_bio_cell_elements(&tp->vx, cell, &r->r[i].sec, &r->r[i].var, where, &el, &n));
  cz_status st = CZ_OK;
  if (tp->n + n > tp->cap) {
    size_t cap = tp->cap ? tp->cap : 64;
    while (cap < tp->n + n) cap *= 2;
    st = cz_resize((void **)&tp->p, cap, sizeof *tp->p);
    if (st == CZ_OK) tp->cap = cap;
  }
  for (size_t j = 0; j < n && st == CZ_OK; j++)
    tp->p[tp->n++] = (probe){el[j].src, i, p, k, (uint32_t)j, el[j].section, el[j].pos, 0, 0, 0};
  free(el);
  return st;
}

cz_status cz_bio_reports_bind(cz_bio_reports *r, size_t gid, int tid, const cz_bio_cells *g, size_t cell) {
  thread_probes *tp = &r->th[tid];
  for (size_t i = 0; i < r->n; i++)
    for (size_t p = 0; p < r->r[i].npops && !r->r[i].netcon; p++) {
      const size_t k = cell_of(&r->r[i].pops[p], gid);
      if (k == SIZE_MAX) continue;
      if (!tp->indexed) {
        CZ_TRY(cz_bio_var_index_build(g, &tp->vx));
        tp->indexed = true;
      }
      CZ_TRY(add_elements(r, i, p, k, tid, cell));
    }
  return CZ_OK;
}

/* Where a synapse report's variable lies for target `target` (cz_ev_target) of th, or NULL
 * when that synapse has no such variable; *sec, *x and *cell say where it is. */
static const double *synapse_value(const cz_bio_thread *th, uint32_t target, syn_var v, const char *type,
                                   uint32_t *cell, uint32_t *sec, double *x) {
  const uint32_t kind = target >> 30, k = target & CZ_EV_INDEX_MASK;
  if (kind == CZ_EV_SYNAPSE) {
    const cz_exp2syn *s = &th->syn;
    if (type && strncmp("Exp2Syn", type, strlen(type)) != 0) return NULL;
    *cell = s->cell[k], *sec = s->sec[k], *x = s->x[k];
    const double *const col[] = {[SV_A] = s->A, [SV_B] = s->B, [SV_G] = s->g, [SV_I] = s->i, [SV_TAU1] = s->tau1,
                                 [SV_TAU2] = s->tau2, [SV_E] = s->e, [SV_FACTOR] = s->factor, [SV_TAU] = NULL};
    return col[v] ? &col[v][k] : NULL;
  }
  if (kind == CZ_EV_EXPSYN) {
    const cz_expsyn *s = &th->esyn;
    if (type && strncmp("ExpSyn", type, strlen(type)) != 0) return NULL;
    *cell = s->cell[k], *sec = s->sec[k], *x = s->x[k];
    if (v == SV_G) return &s->g[k];
    if (v == SV_I) return &s->i[k];
    if (v == SV_TAU) return &s->tau[k];
    if (v == SV_E) return &s->e[k];
    return NULL;
  }
  return NULL;
}

cz_status cz_bio_reports_bind_synapses(cz_bio_reports *r, size_t gid, int64_t bmtk_gid, int tid,
                                       const cz_bio_thread *th, size_t cell, const cz_bio_netcons *nc,
                                       int64_t (*source_id)(const void *ctx, uint64_t gid), const void *ctx) {
  thread_probes *tp = &r->th[tid];
  for (size_t i = 0; i < r->n; i++) {
    const report *rp = &r->r[i];
    for (size_t p = 0; p < rp->npops && rp->netcon; p++) {
      const size_t k = cell_of(&rp->pops[p], gid);
      if (k == SIZE_MAX) continue;
      uint32_t element = 0;
      for (size_t j = 0; j < nc->n; j++) { /* the cell's NetCons in the order they were made */
        uint32_t on = UINT32_MAX, sec = 0;
        double x = 0;
        const bool weight = rp->svar == SV_WEIGHT; /* located as its synapse's g is */
        const double *src = synapse_value(th, nc->target[j], weight ? SV_G : rp->svar, rp->syn_type, &on, &sec, &x);
        if (weight && src) src = &nc->w[j];
        if (on != cell) continue;
        CZ_CHECK(src, CZ_ERR_CONFIG, "%s: synapse %u of node %llu of population %s has no variable %s", rp->where,
                 element, (unsigned long long)rp->pops[p].node_ids[k], rp->pops[p].name, rp->label);
        CZ_RESERVE(tp->p, tp->cap, tp->n + 1);
        tp->p[tp->n++] = (probe){src, i, p, k, element++, sec, x, 0, source_id(ctx, cz_bio_netcon_source(nc, j)), bmtk_gid};
      }
    }
  }
  return CZ_OK;
}

bool cz_bio_reports_read_synapse_currents(const cz_bio_reports *r) {
  for (size_t i = 0; r && i < r->n; i++)
    if (r->r[i].netcon && (r->r[i].svar == SV_G || r->r[i].svar == SV_I)) return true;
  return false;
}

static size_t rows_in(const report *r, int64_t from, int64_t to) {
  if (from < r->first) from = r->first;
  if (to > r->end) to = r->end;
  if (to <= from) return 0;
  const int64_t a = (from + r->every - 1) / r->every, b = (to + r->every - 1) / r->every;
  return (size_t)(b - a);
}

/* The layout every rank needs of report i: each recorded cell's element count, ids and
 * positions. Each rank knows its own cells'; rank 0 gathers them, orders them by cell and
 * element, and sends the table to every rank. Records: report-local cell key (population
 * and cell), element index, element id, position bits. Collective. */
enum { LAYOUT_WORDS = 6 };

static cz_status gather_layout(const cz_bio_reports *r, size_t i, int64_t **all, size_t *nall) {
  size_t n = 0;
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->th[t].n; q++) n += r->th[t].p[q].report == i;
  int64_t *mine = NULL;
  CZ_NEW(mine, LAYOUT_WORDS * n + 1);
  size_t k = 0;
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->th[t].n; q++) {
      const probe *pr = &r->th[t].p[q];
      if (pr->report != i) continue;
      int64_t *w = &mine[LAYOUT_WORDS * k++];
      w[0] = (int64_t)(pr->pop << 40 | pr->cell);
      w[1] = pr->element;
      w[2] = pr->section;
      memcpy(&w[3], &pr->pos, sizeof pr->pos);
      w[4] = pr->src_id;
      w[5] = pr->trg_id;
    }
  cz_status st = cz_comm_gather_records(mine, n, LAYOUT_WORDS, all, nall);
  free(mine);
  CZ_TRY(st);
  uint64_t count = *nall;
  CZ_TRY(cz_comm_bcast_bytes(&count, sizeof count));
  if (cz_comm_rank() != 0) {
    free(*all);
    CZ_NEW(*all, LAYOUT_WORDS * count + 1);
  }
  *nall = (size_t)count;
  return cz_comm_bcast_bytes(*all, LAYOUT_WORDS * count * sizeof **all);
}

static int cmp_layout(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Each population's index pointer, element ids and positions from the gathered records. */
/* A synapse report leaves out the cells that have no synapse it records (BMTK's mapping): the
 * counts in index_pointer[c + 1] are compacted, and remap says where each cell went. */
static cz_status drop_cells_without_synapses(pop_cols *pc) {
  CZ_NEW(pc->remap, pc->n + 1);
  size_t m = 0;
  for (size_t c = 0; c < pc->n; c++) {
    const uint64_t count = pc->index_pointer[c + 1];
    pc->remap[c] = count ? m : SIZE_MAX;
    if (!count) continue;
    pc->node_ids[m] = pc->node_ids[c];
    pc->gid[m] = pc->gid[c];
    pc->index_pointer[++m] = count;
  }
  pc->n = m;
  return CZ_OK;
}

static cz_status lay_out(report *rp, int64_t *all, size_t nall) {
  qsort(all, nall, LAYOUT_WORDS * sizeof *all, cmp_layout);
  for (size_t p = 0; p < rp->npops; p++) {
    pop_cols *pc = &rp->pops[p];
    memset(pc->index_pointer, 0, (pc->n + 1) * sizeof *pc->index_pointer);
  }
  for (size_t k = 0; k < nall; k++) {
    const int64_t *w = &all[LAYOUT_WORDS * k];
    pop_cols *pc = &rp->pops[(size_t)w[0] >> 40];
    pc->index_pointer[((size_t)w[0] & (((size_t)1 << 40) - 1)) + 1]++;
  }
  size_t at = 0;
  for (size_t p = 0; p < rp->npops; p++) {
    pop_cols *pc = &rp->pops[p];
    if (rp->netcon) CZ_TRY(drop_cells_without_synapses(pc));
    for (size_t c = 0; c < pc->n; c++) pc->index_pointer[c + 1] += pc->index_pointer[c];
    const size_t ne = pc->index_pointer[pc->n];
    pc->element_ids = cz_calloc(ne + 1, sizeof *pc->element_ids);
    pc->element_pos = cz_calloc(ne + 1, sizeof *pc->element_pos);
    CZ_CHECK(pc->element_ids && pc->element_pos, CZ_ERR_NOMEM, "out of memory");
    if (rp->netcon) {
      pc->src_ids = cz_calloc(ne + 1, sizeof *pc->src_ids);
      pc->trg_ids = cz_calloc(ne + 1, sizeof *pc->trg_ids);
      CZ_CHECK(pc->src_ids && pc->trg_ids, CZ_ERR_NOMEM, "out of memory");
    }
    for (size_t e = 0; e < ne; e++, at++) { /* the records are in population, cell, element order */
      const int64_t *w = &all[LAYOUT_WORDS * at];
      pc->element_ids[e] = (uint64_t)w[2];
      memcpy(&pc->element_pos[e], &w[3], sizeof(double));
      if (rp->netcon) {
        pc->src_ids[e] = w[4];
        pc->trg_ids[e] = w[5];
      }
    }
  }
  return CZ_OK;
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* This rank's columns of report i, ascending, and each probe's local column. */
static cz_status local_columns(cz_bio_reports *r, size_t i) {
  report *rp = &r->r[i];
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->th[t].n; q++) {
      const probe *pr = &r->th[t].p[q];
      if (pr->report == i) rp->pops[pr->pop].nlocal++;
    }
  for (size_t p = 0; p < rp->npops; p++) {
    pop_cols *pc = &rp->pops[p];
    CZ_NEW(pc->col, pc->nlocal + 1);
    pc->nlocal = 0;
  }
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->th[t].n; q++) {
      const probe *pr = &r->th[t].p[q];
      if (pr->report != i) continue;
      pop_cols *pc = &rp->pops[pr->pop];
      pc->col[pc->nlocal++] = pc->index_pointer[pc->remap ? pc->remap[pr->cell] : pr->cell] + pr->element;
    }
  for (size_t p = 0; p < rp->npops; p++) qsort(rp->pops[p].col, rp->pops[p].nlocal, sizeof(uint64_t), cmp_u64);
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->th[t].n; q++) {
      probe *pr = &r->th[t].p[q];
      if (pr->report != i) continue;
      const pop_cols *pc = &rp->pops[pr->pop];
      const uint64_t col = pc->index_pointer[pc->remap ? pc->remap[pr->cell] : pr->cell] + pr->element;
      const uint64_t *hit = bsearch(&col, pc->col, pc->nlocal, sizeof *pc->col, cmp_u64);
      pr->col = (size_t)(hit - pc->col);
    }
  return CZ_OK;
}

static cz_status open_report(cz_bio_reports *r, size_t i, const cz_timegrid *tg, const void *mpi_comm, bool leader) {
  report *rp = &r->r[i];
  int64_t *all = NULL;
  size_t nall = 0;
  cz_status st = cz_comm_agree(gather_layout(r, i, &all, &nall));
  if (st == CZ_OK) st = lay_out(rp, all, nall);
  free(all);
  if (st == CZ_OK) st = local_columns(r, i);
  size_t total = 0;
  for (size_t p = 0; p < rp->npops; p++) total += rp->pops[p].index_pointer[rp->pops[p].n];
  const size_t max_rows = BLOCK_BYTES / (sizeof(double) * (total ? total : 1));
  if (rp->rows_block > max_rows) rp->rows_block = max_rows ? max_rows : 1;
  const size_t cap = rp->rows_block + (size_t)tg->min_delay + 1;
  cz_report_pop *pops = cz_calloc(rp->npops + 1, sizeof *pops);
  if (st == CZ_OK && !pops) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; st == CZ_OK && p < rp->npops; p++) {
    pop_cols *pc = &rp->pops[p];
    pc->buf = cz_calloc(cap * pc->nlocal + 1, sizeof *pc->buf);
    if (!pc->buf) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    pops[p] = (cz_report_pop){.name = pc->name,
                              .n = pc->n,
                              .node_ids = pc->node_ids,
                              .index_pointer = pc->index_pointer,
                              .element_ids = pc->element_ids,
                              .element_pos = pc->element_pos,
                              .src_ids = pc->src_ids,
                              .trg_ids = pc->trg_ids};
  }
  const cz_report_spec spec = {.path = rp->path,
                               .variable = rp->label,
                               .units = rp->var.units ? rp->var.units : "",
                               .npops = rp->npops,
                               .pops = pops,
                               .t_first = rp->t0,
                               .step = rp->dt,
                               .nrows = rows_in(rp, 0, tg->nsteps)};
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_report_create(&spec, mpi_comm, leader, &rp->out);
  if (st != CZ_OK) cz_error_prefix(st, "reports.%s", rp->name);
  free(pops);
  return st;
}

cz_status cz_bio_reports_open(cz_bio_reports *r, const cz_timegrid *tg, const void *mpi_comm, bool leader) {
  r->tg = tg;
  r->buf_first = 0;
  for (size_t i = 0; i < r->n; i++) CZ_TRY(open_report(r, i, tg, mpi_comm, leader));
  for (int t = 0; t < r->nthreads; t++)
    if (r->th[t].indexed) {
      cz_bio_var_index_free(&r->th[t].vx);
      r->th[t].indexed = false;
    }
  return CZ_OK;
}
void cz_bio_reports_sample(cz_bio_reports *r, int tid, int64_t u) {
  const thread_probes *tp = &r->th[tid];
  for (size_t k = 0; k < tp->n; k++) {
    const probe *pr = &tp->p[k];
    const report *rp = &r->r[pr->report];
    if (u < rp->first || u >= rp->end || u % rp->every != 0) continue;
    const pop_cols *pc = &rp->pops[pr->pop];
    const size_t row = rows_in(rp, r->buf_first, u);
    pc->buf[row * pc->nlocal + pr->col] = *pr->src;
  }
}

/* Writes the rows of steps [buf_first, t1) of one report and commits them. Collective. */
static cz_status flush_report(report *rp, int64_t buf_first, int64_t t1) {
  const size_t nrows = rows_in(rp, buf_first, t1);
  if (nrows == 0) return CZ_OK;
  const size_t row0 = rows_in(rp, 0, buf_first);
  for (size_t p = 0; p < rp->npops; p++) {
    const pop_cols *pc = &rp->pops[p];
    if (pc->n == 0) continue;
    CZ_TRY(cz_report_write(rp->out, p, row0, nrows, pc->col, pc->nlocal, pc->buf));
  }
  /* The time of the last row written: row r holds t = first + (r + 1) dt of the run. */
  const size_t last_row = row0 + nrows;
  const double last = last_row == rows_in(rp, 0, INT64_MAX) ? rp->t1 : rp->t0 + (double)last_row * rp->dt;
  return cz_report_commit_rows(rp->out, last);
}

cz_status cz_bio_reports_epoch_end(cz_bio_reports *r, int64_t t1) {
  if (r->n == 0) return CZ_OK;
  bool full = t1 >= r->tg->nsteps;
  for (size_t i = 0; i < r->n && !full; i++) full = rows_in(&r->r[i], r->buf_first, t1) >= r->r[i].rows_block;
  if (!full) return CZ_OK;
  for (size_t i = 0; i < r->n; i++) CZ_TRY(flush_report(&r->r[i], r->buf_first, t1));
  r->buf_first = t1;
  return CZ_OK;
}

cz_status cz_bio_reports_close(cz_bio_reports **rr, bool complete) {
  cz_bio_reports *r = *rr;
  if (!r) return CZ_OK;
  cz_status st = CZ_OK;
  for (size_t i = 0; i < r->n; i++) {
    const cz_status s = cz_report_close(&r->r[i].out, complete);
    if (st == CZ_OK) st = s;
    free_report(&r->r[i]);
  }
  for (int t = 0; r->th && t < r->nthreads; t++) {
    free(r->th[t].p);
    if (r->th[t].indexed) cz_bio_var_index_free(&r->th[t].vx);
  }
  free(r->th);
  free(r->r);
  free(r);
  *rr = NULL;
  return st;
}
