#include "filternet/engine.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/mt19937.h"
#include "base/sort.h"
#include "base/str.h"
#include "comm/comm.h"
#include "filternet/cells.h"
#include "filternet/poisson.h"
#include "filternet/response.h"
#include "filternet/stimulus.h"
#include "io/filter_rates.h"
#include "io/spikes_out.h"

typedef struct cell_ref {
  uint32_t pop, row;
  cz_fn_params prm;
} cell_ref;

struct cz_filternet {
  const cz_config *cfg;
  const cz_circuit *c;
  const cz_cfg_block *input;
  cz_fn_movie movie;
  bool separable;
  long downsample;
  double t_min, t_max;
  bool have_t_min, have_t_max;
  cz_mt19937 g;        /* numpy's global generator, after the build's draws */
  size_t ncells;
  cell_ref *cells;     /* [ncells] global order */
  size_t nlocal;
  size_t *local;       /* [nlocal] global indices of this rank's cells */
  cz_fn_cell *fc;      /* [nlocal] */
  size_t nt;
  double *times;       /* [nt] s */
  double *rates;       /* [nlocal nt] */
  cz_fn_train *trains; /* [nlocal] ms */
  int rank, nranks, nthreads;
  char *rates_csv, *rates_h5, *spikes_h5, *spikes_csv;
  bool compress;
};

/* ------------------------------------------------------------------ the kind */

static const cz_place_cost *filternet_place_cost(void) {
  static const cz_place_cost cost = {NULL, NULL, 1};
  return &cost;
}

static const char *file_of(const cz_config *cfg, const cz_cfg_block *b) { return b->file ? b->file : cfg->path; }

/* The one enabled movie input; other inputs are refused, as BMTK's FilterNet has no use for them. */
static cz_status movie_input(const cz_config *cfg, const cz_cfg_block **out) {
  *out = NULL;
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled) continue;
    const char *type = b->input_type ? b->input_type : "";
    CZ_CHECK(strcmp(type, "audio") != 0, CZ_ERR_CONFIG,
             "%s: inputs.%s: audio inputs (cochleagrams) are not supported; FilterNet runs movies", file_of(cfg, b),
             b->name);
    CZ_CHECK(strcmp(type, "movie") == 0, CZ_ERR_CONFIG,
             "%s: inputs.%s: input_type \"%s\" is not a FilterNet input (input_type \"movie\")", file_of(cfg, b), b->name,
             type);
    CZ_CHECK(!*out, CZ_ERR_CONFIG, "%s: inputs.%s and inputs.%s are both movies; FilterNet plays one (BMTK's rate "
             "recorder overflows with two)", file_of(cfg, b), (*out)->name, b->name);
    *out = b;
  }
  CZ_CHECK(*out, CZ_ERR_CONFIG, "%s: inputs: FilterNet needs one input of input_type \"movie\"", cfg->path);
  return CZ_OK;
}

static cz_status eval_options(const cz_config *cfg, const cz_cfg_block *b, cz_filternet *f) {
  f->downsample = 1;
  const cJSON *eo = cJSON_GetObjectItemCaseSensitive(b->json, "evaluation_options");
  if (!eo || cJSON_IsNull(eo)) return CZ_OK;
  const char *file = file_of(cfg, b);
  CZ_CHECK(cJSON_IsObject(eo), CZ_ERR_CONFIG, "%s: inputs.%s.evaluation_options must be an object", file, b->name);
  const cJSON *sep = cJSON_GetObjectItemCaseSensitive(eo, "separable"),
              *ds = cJSON_GetObjectItemCaseSensitive(eo, "downsample"), *t0 = cJSON_GetObjectItemCaseSensitive(eo, "t_min"),
              *t1 = cJSON_GetObjectItemCaseSensitive(eo, "t_max");
  CZ_CHECK(!sep || cJSON_IsBool(sep), CZ_ERR_CONFIG, "%s: inputs.%s.evaluation_options.separable must be true or false",
           file, b->name);
  f->separable = cJSON_IsTrue(sep);
  if (ds) {
    CZ_CHECK(cJSON_IsNumber(ds) && ds->valuedouble >= 1 && ds->valuedouble == floor(ds->valuedouble) &&
                 ds->valuedouble < 1e9, CZ_ERR_CONFIG,
             "%s: inputs.%s.evaluation_options.downsample must be a whole number >= 1", file, b->name);
    f->downsample = (long)ds->valuedouble;
  }
  if (t0 && !cJSON_IsNull(t0)) {
    CZ_CHECK(cJSON_IsNumber(t0), CZ_ERR_CONFIG, "%s: inputs.%s.evaluation_options.t_min must be a number (s)", file,
             b->name);
    f->t_min = t0->valuedouble, f->have_t_min = true;
  }
  if (t1 && !cJSON_IsNull(t1)) {
    CZ_CHECK(cJSON_IsNumber(t1), CZ_ERR_CONFIG, "%s: inputs.%s.evaluation_options.t_max must be a number (s)", file,
             b->name);
    f->t_max = t1->valuedouble, f->have_t_max = true;
  }
  CZ_CHECK(!f->separable || (f->downsample == 1 && !f->have_t_min && !f->have_t_max), CZ_ERR_CONFIG,
           "%s: inputs.%s.evaluation_options: a separable evaluation takes no downsample, t_min or t_max (BMTK raises)",
           file, b->name);
  return CZ_OK;
}

static cz_status filternet_check_config(const cz_config *cfg) {
  const cz_cfg_block *b = NULL;
  CZ_TRY(movie_input(cfg, &b));
  cz_filternet f;
  memset(&f, 0, sizeof f);
  CZ_TRY(eval_options(cfg, b, &f));
  CZ_CHECK(cfg->tstop > 0 && isfinite(cfg->tstop), CZ_ERR_CONFIG, "config: run.tstop: must be a positive number of ms in %s",
           cfg->run_file ? cfg->run_file : cfg->path);
  const cJSON *cond = cfg->conditions.json;
  const bool lo = cJSON_GetObjectItemCaseSensitive(cond, "jitter_lower") != NULL,
             hi = cJSON_GetObjectItemCaseSensitive(cond, "jitter_upper") != NULL;
  CZ_CHECK(lo == hi, CZ_ERR_CONFIG, "%s: conditions.%s needs conditions.%s (BMTK reads both or neither)",
           cfg->conditions.file ? cfg->conditions.file : cfg->path, lo ? "jitter_lower" : "jitter_upper",
           lo ? "jitter_upper" : "jitter_lower");
  if (lo)
    cz_log_info("conditions.jitter_lower and jitter_upper have no effect, as in BMTK 1.0.8: jitter comes from node "
                "columns");
  for (size_t i = 0; i < cfg->nreports; i++)
    if (cfg->reports[i].enabled)
      cz_log_warn("%s: reports.%s: FilterNet writes rates and spikes only; the report is ignored, as BMTK ignores it",
                  file_of(cfg, &cfg->reports[i]), cfg->reports[i].name);
  return CZ_OK;
}

const cz_engine_kind cz_filternet_engine_kind = {"FilterNet (LGNModel)", filternet_place_cost, filternet_check_config,
                                                 NULL, NULL};

/* ------------------------------------------------------------------ building */

static cz_status output_path(const cz_config *cfg, const char *const *keys, char **out) {
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(cfg->root, "output");
  for (size_t i = 0; keys[i]; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
    if (!v || cJSON_IsNull(v)) continue;
    char key[64];
    snprintf(key, sizeof key, "output.%s", keys[i]);
    CZ_CHECK(cJSON_IsString(v) && v->valuestring[0], CZ_ERR_CONFIG, "%s: %s must be a file name", cfg->path, key);
    CZ_TRY(cz_cfg_check_output_name(cfg, key, v->valuestring));
    CZ_TRY(cz_path_join(cfg->output_dir, v->valuestring, out));
    return cz_cfg_check_output_file(cfg, key, *out);
  }
  return CZ_OK;
}

static cz_status outputs(cz_filternet *f) {
  static const char *const csv_rates[] = {"rates_csv", "rates_file_csv", NULL}, *const h5_rates[] = {"rates_h5", NULL};
  static const char *const h5_spikes[] = {"spikes_h5", NULL}, *const csv_spikes[] = {"spikes_csv", NULL};
  CZ_TRY(output_path(f->cfg, csv_rates, &f->rates_csv));
  CZ_TRY(output_path(f->cfg, h5_rates, &f->rates_h5));
  if (f->cfg->spikes_file) CZ_TRY(cz_strdup(f->cfg->spikes_file, &f->spikes_h5));
  else CZ_TRY(output_path(f->cfg, h5_spikes, &f->spikes_h5));
  if (f->cfg->spikes_file_csv) CZ_TRY(cz_strdup(f->cfg->spikes_file_csv, &f->spikes_csv));
  else CZ_TRY(output_path(f->cfg, csv_spikes, &f->spikes_csv));
  const cJSON *comp = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(f->cfg->root, "output"), "compression");
  f->compress = !(cJSON_IsString(comp) && strcmp(comp->valuestring, "none") == 0);
  return CZ_OK;
}

/* Every node's parameters in global order, with numpy's build draws. */
static cz_status read_params(cz_filternet *f) {
  for (size_t p = 0; p < f->c->nnodes; p++) f->ncells += f->c->nodes[p].n;
  CZ_NEW(f->cells, f->ncells + 1);
  cz_fn_json_cache cache = {0};
  cz_status st = CZ_OK;
  size_t i = 0;
  for (size_t p = 0; st == CZ_OK && p < f->c->nnodes; p++)
    for (size_t row = 0; st == CZ_OK && row < f->c->nodes[p].n; row++, i++) {
      f->cells[i].pop = (uint32_t)p, f->cells[i].row = (uint32_t)row;
      st = cz_fn_params_read(f->cfg, &f->c->nodes[p], row, &f->g, &cache, &f->cells[i].prm);
    }
  cz_fn_json_cache_free(&cache);
  return st;
}

static cz_status build_local(cz_filternet *f) {
  f->nlocal = 0;
  for (size_t i = (size_t)f->rank; i < f->ncells; i += (size_t)f->nranks) f->nlocal++;
  CZ_NEW(f->local, f->nlocal + 1);
  CZ_NEW(f->fc, f->nlocal + 1);
  CZ_NEW(f->trains, f->nlocal + 1);
  size_t k = 0;
  for (size_t i = (size_t)f->rank; i < f->ncells; i += (size_t)f->nranks) {
    f->local[k] = i;
    const cz_status st = cz_fn_cell_build(&f->cells[i].prm, &f->movie, &f->fc[k]);
    const cz_node_pop *np = &f->c->nodes[f->cells[i].pop];
    if (st != CZ_OK)
      return cz_error_prefix(st, "%s: node %llu of %s", np->file, (unsigned long long)cz_node_id(np, f->cells[i].row),
                             np->name);
    k++;
  }
  return CZ_OK;
}

/* The times of the rates: the frames (separable), else frame_times(t_min, t_max) every
 * downsample-th. */
static cz_status time_grid(cz_filternet *f) {
  const cz_fn_movie *m = &f->movie;
  if (f->separable) {
    f->nt = m->T;
    CZ_NEW(f->times, f->nt);
    for (size_t k = 0; k < f->nt; k++) f->times[k] = (double)k / m->fr;
    return CZ_OK;
  }
  const double t0 = f->have_t_min ? f->t_min : 0.0, t1 = f->have_t_max ? f->t_max : (double)(m->T - 1) * (1.0 / m->fr);
  const size_t count = cz_fn_frame_count(t0, t1, m->fr);
  CZ_CHECK(count > 0, CZ_ERR_CONFIG, "%s: evaluation_options t_min %g s after t_max %g s", f->input->file, t0, t1);
  f->nt = (count + (size_t)f->downsample - 1) / (size_t)f->downsample;
  CZ_NEW(f->times, f->nt);
  for (size_t n = 0; n < f->nt; n++) f->times[n] = t0 + (double)(n * (size_t)f->downsample) * (1.0 / m->fr);
  return CZ_OK;
}

static cz_status create(cz_filternet *f) {
  CZ_TRY(movie_input(f->cfg, &f->input));
  CZ_TRY(eval_options(f->cfg, f->input, f));
  CZ_TRY(outputs(f));
  CZ_TRY(cz_fn_movie_open(f->cfg, f->input, &f->movie));
  CZ_TRY(read_params(f));
  CZ_TRY(build_local(f));
  return time_grid(f);
}

cz_status cz_filternet_create(const cz_config *cfg, const cz_circuit *c, uint64_t seed, int nthreads,
                              cz_filternet **out) {
  cz_filternet *f = cz_calloc(1, sizeof *f);
  CZ_CHECK(f, CZ_ERR_NOMEM, "out of memory");
  *out = f;
  f->cfg = cfg;
  f->c = c;
  f->rank = cz_comm_rank();
  f->nranks = cz_comm_size();
  f->nthreads = nthreads > 0 ? nthreads : 1;
  CZ_CHECK(seed < UINT64_C(4294967296), CZ_ERR_ARG, "--seed %llu: numpy's seed is below 2^32", (unsigned long long)seed);
  cz_mt_seed(&f->g, (uint32_t)seed);
  return cz_comm_agree(create(f));
}

void cz_filternet_destroy(cz_filternet **pf) {
  cz_filternet *f = *pf;
  if (!f) return;
  for (size_t k = 0; f->fc && k < f->nlocal; k++) cz_fn_cell_free(&f->fc[k]);
  for (size_t k = 0; f->trains && k < f->nlocal; k++) cz_fn_train_free(&f->trains[k]);
  cz_fn_movie_free(&f->movie);
  free(f->cells), free(f->local), free(f->fc), free(f->trains), free(f->times), free(f->rates);
  free(f->rates_csv), free(f->rates_h5), free(f->spikes_h5), free(f->spikes_csv);
  free(f);
  *pf = NULL;
}

/* ------------------------------------------------------------------ rates */

static cz_status compute_rates(cz_filternet *f) {
  CZ_NEW(f->rates, f->nlocal * f->nt + 1);
  const cz_fn_grid grid = {f->times, f->nt, f->separable};
  return cz_fn_rates(&f->movie, f->fc, f->nlocal, &grid, f->nthreads, f->rates);
}

/* ------------------------------------------------------------------ spikes */

/* Which cells take the fallback, and their rate traces ([nfb][nt], in cell order), on every
 * rank. */
static cz_status share_fallbacks(cz_filternet *f, uint64_t *flag, double **traces, size_t **slot) {
  for (size_t c = 0; c < f->nlocal; c++)
    flag[f->local[c]] = cz_fn_needs_fallback(f->times, &f->rates[c * f->nt], f->nt);
  CZ_TRY(cz_comm_allreduce_sum_u64_array(flag, f->ncells));
  size_t nfb = 0;
  CZ_NEW(*slot, f->ncells + 1);
  for (size_t i = 0; i < f->ncells; i++) (*slot)[i] = flag[i] ? nfb++ : SIZE_MAX;
  CZ_NEW(*traces, nfb * f->nt + 1);
  for (size_t c = 0; c < f->nlocal; c++)
    if ((*slot)[f->local[c]] != SIZE_MAX)
      memcpy(&(*traces)[(*slot)[f->local[c]] * f->nt], &f->rates[c * f->nt], f->nt * sizeof **traces);
  if (f->nranks > 1 && nfb) CZ_TRY(cz_comm_allreduce_f64_array(*traces, nfb * f->nt, CZ_REDUCE_SUM));
  return CZ_OK;
}

static cz_status draw_spikes(cz_filternet *f) {
  uint64_t *flag = cz_calloc(f->ncells + 1, sizeof *flag);
  CZ_CHECK(flag, CZ_ERR_NOMEM, "out of memory");
  double *traces = NULL;
  size_t *slot = NULL;
  cz_status st = share_fallbacks(f, flag, &traces, &slot);
  uint32_t *seed = cz_calloc(f->nlocal + 1, sizeof *seed);
  if (st == CZ_OK && !seed) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t c = 0; /* the next local cell */
  for (size_t i = 0; st == CZ_OK && i < f->ncells; i++) { /* the global draws, in BMTK's order */
    const bool mine = c < f->nlocal && f->local[c] == i;
    const uint32_t s = cz_mt_randint(&f->g, 10000);
    if (flag[i]) {
      cz_fn_train scratch = {0};
      st = cz_fn_train_fallback(&f->g, f->times, &traces[slot[i] * f->nt], f->nt, mine ? &f->trains[c] : &scratch);
      cz_fn_train_free(&scratch);
    } else if (mine) {
      seed[c] = s;
    }
    c += mine;
  }
  int failed = 0; /* each train from its own seed: the threads share the cells */
#pragma omp parallel for num_threads(f->nthreads) schedule(dynamic) reduction(| : failed)
  for (size_t k = 0; k < (st == CZ_OK ? f->nlocal : 0); k++)
    if (!flag[f->local[k]] && cz_fn_train_fast(seed[k], f->times, &f->rates[k * f->nt], f->nt, &f->trains[k]) != CZ_OK)
      failed |= 1;
  if (st == CZ_OK && failed) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory for the spike trains");
  free(seed);
  free(flag);
  free(traces);
  free(slot);
  return st;
}

cz_status cz_filternet_run(cz_filternet *f) {
  CZ_TRY(cz_comm_agree(compute_rates(f)));
  return cz_comm_agree(draw_spikes(f));
}

/* ------------------------------------------------------------------ output */

typedef struct gathered {
  double *rates;     /* [ncells nt] global cell order */
  int64_t *spikes;   /* [nspikes] (cell, time bits) pairs */
  size_t nspikes;
} gathered;

static cz_status gather(const cz_filternet *f, gathered *g) {
  size_t *counts = cz_calloc((size_t)f->nranks + 1, sizeof *counts);
  double *all = f->rank == 0 ? cz_calloc(f->ncells * f->nt + 1, sizeof *all) : NULL;
  cz_status st = counts && (f->rank != 0 || all) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < f->ncells; i++) counts[i % (size_t)f->nranks] += f->nt;
  if (st == CZ_OK) st = cz_comm_gather_f64(f->rates, f->nlocal * f->nt, all, counts);
  if (st == CZ_OK && f->rank == 0) { /* rank r's cells are r, r + R, ... */
    g->rates = cz_calloc(f->ncells * f->nt + 1, sizeof *g->rates);
    if (!g->rates) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    size_t at = 0;
    for (int r = 0; st == CZ_OK && r < f->nranks; r++)
      for (size_t i = (size_t)r; i < f->ncells; i += (size_t)f->nranks, at += f->nt)
        memcpy(&g->rates[i * f->nt], &all[at], f->nt * sizeof *all);
  }
  free(all);
  free(counts);
  size_t n = 0;
  for (size_t c = 0; c < f->nlocal; c++) n += f->trains[c].n;
  int64_t *mine = cz_calloc(2 * n + 1, sizeof *mine);
  if (st == CZ_OK && !mine) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t k = 0;
  for (size_t c = 0; st == CZ_OK && c < f->nlocal; c++)
    for (size_t s = 0; s < f->trains[c].n; s++, k++) {
      mine[2 * k] = (int64_t)f->local[c];
      memcpy(&mine[2 * k + 1], &f->trains[c].t[s], sizeof(double));
    }
  if (st == CZ_OK) st = cz_comm_gather_records(mine, n, 2, &g->spikes, &g->nspikes);
  free(mine);
  return st;
}

/* order[]: each population's cells (contiguous in global order) in ascending node id. */
static cz_status order_by_node(const cz_filternet *f, size_t *order) {
  int64_t *pairs = cz_calloc(2 * f->ncells + 1, sizeof *pairs);
  CZ_CHECK(pairs, CZ_ERR_NOMEM, "out of memory");
  size_t i = 0;
  for (size_t p = 0; p < f->c->nnodes; p++) {
    const cz_node_pop *np = &f->c->nodes[p];
    const size_t first = i;
    for (size_t row = 0; row < np->n; row++, i++) pairs[2 * (i - first)] = (int64_t)cz_node_id(np, row), pairs[2 * (i - first) + 1] = (int64_t)i;
    cz_sort_i64_pairs(pairs, np->n);
    for (size_t k = 0; k < np->n; k++) order[first + k] = (size_t)pairs[2 * k + 1];
  }
  free(pairs);
  return CZ_OK;
}

static cz_status write_rates(const cz_filternet *f, const gathered *g) {
  const size_t n = f->ncells, np = f->c->nnodes;
  size_t *order = cz_calloc(n + 1, sizeof *order), *first = cz_calloc(np + 2, sizeof *first);
  uint64_t *ids = cz_calloc(n + 1, sizeof *ids);
  double *rates = cz_calloc(n * f->nt + 1, sizeof *rates);
  const char **names = cz_calloc(np + 1, sizeof *names);
  cz_status st = order && first && ids && rates && names ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = order_by_node(f, order);
  if (st == CZ_OK) {
    for (size_t p = 0; p < np; p++) names[p] = f->c->nodes[p].name, first[p + 1] = first[p] + f->c->nodes[p].n;
    for (size_t k = 0; k < n; k++) {
      const cell_ref *cr = &f->cells[order[k]];
      ids[k] = cz_node_id(&f->c->nodes[cr->pop], cr->row);
      memcpy(&rates[k * f->nt], &g->rates[order[k] * f->nt], f->nt * sizeof *rates);
    }
  }
  const cz_filter_rates fr = {np, names, first, ids, f->nt, f->times, rates};
  if (st == CZ_OK && f->rates_csv) st = cz_filter_rates_write_csv(f->rates_csv, &fr);
  if (st == CZ_OK && f->rates_h5) st = cz_filter_rates_write_h5(f->rates_h5, &fr, f->compress);
  free(order), free(first), free(ids), free(rates), free(names);
  return st;
}

static cz_status write_spikes(const cz_filternet *f, const gathered *g) {
  if (!f->spikes_h5 && !f->spikes_csv) return CZ_OK;
  const size_t np = f->c->nnodes;
  cz_spike_table t = {0};
  const char **names = cz_calloc(np + 1, sizeof *names);
  t.pop = cz_calloc(g->nspikes + 1, sizeof *t.pop);
  t.node_ids = cz_calloc(g->nspikes + 1, sizeof *t.node_ids);
  t.timestamps = cz_calloc(g->nspikes + 1, sizeof *t.timestamps);
  cz_status st = names && t.pop && t.node_ids && t.timestamps ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; p < np && names; p++) names[p] = f->c->nodes[p].name;
  t.n = g->nspikes, t.npops = np, t.pop_names = names;
  for (size_t s = 0; st == CZ_OK && s < g->nspikes; s++) {
    const cell_ref *cr = &f->cells[g->spikes[2 * s]];
    t.pop[s] = cr->pop;
    t.node_ids[s] = cz_node_id(&f->c->nodes[cr->pop], cr->row);
    memcpy(&t.timestamps[s], &g->spikes[2 * s + 1], sizeof(double));
  }
  if (st == CZ_OK) st = cz_spikes_sort(&t, CZ_SORT_BY_ID);
  if (st == CZ_OK && f->spikes_h5) st = cz_spikes_write_h5(f->spikes_h5, &t, CZ_SORT_BY_ID, f->compress);
  if (st == CZ_OK && f->spikes_csv) st = cz_spikes_write_csv(f->spikes_csv, &t);
  free(t.pop), free(t.node_ids), free(t.timestamps), free(names);
  return st;
}

cz_status cz_filternet_write(const cz_filternet *f) {
  gathered g = {0};
  cz_status st = gather(f, &g);
  if (st == CZ_OK && f->rank == 0) st = write_rates(f, &g);
  if (st == CZ_OK && f->rank == 0) st = write_spikes(f, &g);
  free(g.rates);
  free(g.spikes);
  return cz_comm_agree(st);
}

cz_filternet_counts cz_filternet_get_counts(const cz_filternet *f) {
  cz_filternet_counts n = {f->ncells, f->movie.T, f->nt, 0};
  for (size_t c = 0; c < f->nlocal; c++) n.spikes += f->trains[c].n;
  return n;
}
