#include "bionet/ecp.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bionet/cell_frame.h"
#include "comm/comm.h"
#include "io/csv.h"
#include "io/ecp_out.h"
#include "io/node_sets.h"

#define CZ_PI 3.14159265358979323846
#define SIGMA 0.3 /* S/m, the extracellular conductivity */
#define LIMB_BITS 40
#define LIMB_SCALE 1099511627776.0 /* 2^40 */
#define BLOCK_BYTES ((size_t)16 << 20)
enum { DEFAULT_BLOCK_STEPS = 5000 };

/* The words of a (row, channel) accumulator: three limbs, then counts of +inf, -inf, NaN. */
enum { W_L2, W_L1, W_L0, W_POS, W_NEG, W_NAN, WORDS };

typedef enum min_mode { MIN_NONE, MIN_AUTO, MIN_VALUE } min_mode;

/* One recorded cell of a block on a thread. */
typedef struct probe {
  size_t block;
  size_t nseg;
  uint32_t *node; /* [nseg] the segments' cable nodes */
  double *tr;     /* [nseg][nchan] mV per nA */
  char *cpath;    /* the cell's contribution file, when the block asks for them */
  float *cbuf;    /* [cap_rows][nchan] its buffered rows */
} probe;

typedef struct thread_part {
  size_t n, cap;
  probe *p;
  const double *i_m; /* the thread's membrane currents */
  double *contrib;   /* [largest nchan] a cell's contribution of one step */
} thread_part;

typedef struct ecp_block {
  char *name, *path, *where;
  char *contrib_dir;   /* contributions_dir (absolute), or NULL */
  size_t nchan;
  double *el;          /* [nchan][3] µm */
  min_mode min;
  double min_dist;
  uint8_t *rec;        /* [ngid] 1 for a recorded gid */
  size_t rows_block;
  uint64_t **acc;      /* [nthreads][cap_rows * nchan * WORDS] */
  size_t cap_rows;
  double *rows;        /* rank 0: [cap_rows][nchan] the finished rows */
  cz_ecp_out *out;
} ecp_block;

struct cz_bio_ecp {
  size_t n;
  ecp_block *b;
  int nthreads;
  thread_part *th;
  size_t ngid;
  int64_t buf_first;
  const cz_timegrid *tg;
  const cz_config *cfg;
  bool leader;
};

static bool is_ecp_block(const cz_cfg_block *b) {
  return b->enabled && b->module && strcmp(b->module, "extracellular") == 0;
}

static const char *file_of(const cz_config *cfg, const cz_cfg_block *b) { return b->file ? b->file : cfg->path; }

/* ------------------------------------------------------------------ config */

static cz_status read_electrodes(const cz_config *cfg, const cz_cfg_block *b, ecp_block *k) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "electrode_positions");
  CZ_CHECK(cJSON_IsString(j) && j->valuestring[0], CZ_ERR_CONFIG,
           "%s: reports.%s.electrode_positions: the electrode file is required", file_of(cfg, b), b->name);
  cz_csv *t = NULL;
  cz_status st = cz_csv_read(j->valuestring, &t);
  if (st != CZ_OK) return cz_error_prefix(st, "%s: reports.%s.electrode_positions", file_of(cfg, b), b->name);
  static const char *const cols[3] = {"x_pos", "y_pos", "z_pos"};
  int col[3];
  for (int d = 0; st == CZ_OK && d < 3; d++)
    if ((col[d] = cz_csv_col(t, cols[d])) < 0)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no column %s (reports.%s.electrode_positions)", t->path, cols[d], b->name);
  if (st == CZ_OK && t->nrows == 0) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no electrode (reports.%s)", t->path, b->name);
  if (st == CZ_OK && !(k->el = cz_calloc(3 * t->nrows, sizeof *k->el))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 0; st == CZ_OK && r < t->nrows; r++)
    for (int d = 0; st == CZ_OK && d < 3; d++) {
      const char *cell = cz_csv_cell(t, r, (size_t)col[d]);
      char *end = NULL;
      const double v = cell ? strtod(cell, &end) : NAN;
      if (!cell || *end || !isfinite(v))
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: %s \"%s\" is not a number", t->path, r + 2, cols[d], cell ? cell : "");
      else k->el[3 * r + d] = v;
    }
  if (st == CZ_OK) k->nchan = t->nrows;
  cz_csv_destroy(&t);
  return st;
}

static cz_status read_min_distance(const cz_config *cfg, const cz_cfg_block *b, ecp_block *k) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "minimum_distance");
  k->min = MIN_NONE;
  k->min_dist = 0;
  if (!j || cJSON_IsNull(j)) return CZ_OK;
  if (cJSON_IsString(j) && strcmp(j->valuestring, "auto") == 0) {
    k->min = MIN_AUTO;
    return CZ_OK;
  }
  double v = 0;
  if (cJSON_IsNumber(j)) v = j->valuedouble;
  else if (cJSON_IsString(j)) v = strtod(j->valuestring, NULL); /* BMTK: a string that is no number is 0 */
  else return CZ_ERROR(CZ_ERR_CONFIG, "%s: reports.%s.minimum_distance must be a number or \"auto\"", file_of(cfg, b), b->name);
  CZ_CHECK(isfinite(v), CZ_ERR_CONFIG, "%s: reports.%s.minimum_distance must be finite", file_of(cfg, b), b->name);
  if (v > 0) {
    k->min = MIN_VALUE;
    k->min_dist = v;
  }
  return CZ_OK;
}

static void warn_unknown_keys(const cz_config *cfg, const cz_cfg_block *b) {
  static const char *const known[] = {"module",     "electrode_positions", "file_name", "contributions_dir",
                                      "variable_name", "electrode_channels", "minimum_distance", "cells",
                                      "cell_bounds", "enabled", NULL};
  cz_cfg_warn_unknown_keys(cfg, b, "reports", known, "the extracellular report");
}

static cz_status block_path(const cz_config *cfg, const cz_cfg_block *b, char **out) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "file_name");
  CZ_CHECK(!j || (cJSON_IsString(j) && j->valuestring[0]), CZ_ERR_CONFIG, "%s: reports.%s.file_name must be a file name",
           file_of(cfg, b), b->name);
  char *name = NULL;
  if (j) CZ_TRY(cz_strdup(j->valuestring, &name));
  else if (cz_str_ends_with(b->name, ".h5") || cz_str_ends_with(b->name, ".hdf5"))
    CZ_TRY(cz_strdup(b->name, &name));
  else CZ_TRY(cz_asprintf(&name, "%s.h5", b->name));
  cz_status st = cz_path_is_absolute(name) ? cz_path_join(NULL, name, out) : cz_path_join(cfg->output_dir, name, out);
  free(name);
  return st;
}

static cz_status parse_block(const cz_config *cfg, const cz_cfg_block *b, ecp_block *k) {
  const cJSON *cd = cJSON_GetObjectItemCaseSensitive(b->json, "contributions_dir");
  CZ_CHECK(!cd || (cJSON_IsString(cd) && cd->valuestring[0]), CZ_ERR_CONFIG,
           "%s: reports.%s.contributions_dir must be a folder name", file_of(cfg, b), b->name);
  if (cd)
    CZ_TRY(cz_path_is_absolute(cd->valuestring) ? cz_strdup(cd->valuestring, &k->contrib_dir)
                                                 : cz_path_join(cfg->output_dir, cd->valuestring, &k->contrib_dir));
  const cJSON *bounds = cJSON_GetObjectItemCaseSensitive(b->json, "cell_bounds");
  CZ_CHECK(b->node_set || bounds, CZ_ERR_CONFIG, "%s: reports.%s: Unable to load or find node_set None (give cells or cell_bounds)",
           file_of(cfg, b), b->name);
  CZ_CHECK(!bounds || (cJSON_IsArray(bounds) && cJSON_GetArraySize(bounds) == 2 &&
                       cJSON_IsNumber(cJSON_GetArrayItem(bounds, 0)) && cJSON_IsNumber(cJSON_GetArrayItem(bounds, 1))),
           CZ_ERR_CONFIG, "%s: reports.%s.cell_bounds must be [lowest gid, highest gid]", file_of(cfg, b), b->name);
  warn_unknown_keys(cfg, b);
  CZ_TRY(read_min_distance(cfg, b, k));
  CZ_TRY(block_path(cfg, b, &k->path));
  return read_electrodes(cfg, b, k);
}

static void free_block(ecp_block *k, int nthreads) {
  cz_ecp_close(&k->out, false);
  free(k->name);
  free(k->path);
  free(k->where);
  free(k->contrib_dir);
  free(k->el);
  free(k->rec);
  for (int t = 0; k->acc && t < nthreads; t++) free(k->acc[t]);
  free(k->acc);
  free(k->rows);
}

cz_status cz_bio_ecp_check(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++) {
    if (!is_ecp_block(&cfg->reports[i])) continue;
    ecp_block k;
    memset(&k, 0, sizeof k);
    const cz_status st = parse_block(cfg, &cfg->reports[i], &k);
    free_block(&k, 0);
    CZ_TRY(st);
  }
  return CZ_OK;
}

/* The recorded gids of a block: its cells (or cell_bounds) that are detailed cells. */
static cz_status select_cells(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const size_t *pop_offset,
                              const uint8_t *is_cell, size_t ngid, ecp_block *k) {
  CZ_NEW(k->rec, ngid + 1);
  const cJSON *bounds = cJSON_GetObjectItemCaseSensitive(b->json, "cell_bounds");
  size_t n = 0;
  if (bounds) {
    const double lo = cJSON_GetArrayItem(bounds, 0)->valuedouble, hi = cJSON_GetArrayItem(bounds, 1)->valuedouble;
    for (size_t g = 0; g < ngid; g++) n += k->rec[g] = is_cell[g] && (double)g >= lo && (double)g <= hi;
  } else {
    char where[300];
    snprintf(where, sizeof where, "reports.%s.cells", b->name);
    const cz_ns_view view = cz_circuit_ns_view(c);
    cz_ns_selection *sel = NULL;
    CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
    for (size_t p = 0; p < sel->npops; p++)
      for (size_t i = 0; i < sel->n[p]; i++) {
        const size_t g = pop_offset[p] + sel->rows[p][i];
        if (is_cell[g] && !k->rec[g]) n += k->rec[g] = 1;
      }
    cz_ns_selection_destroy(&sel);
  }
  CZ_CHECK(n > 0, CZ_ERR_CONFIG, "%s: reports.%s selects no biophysical cell", file_of(cfg, b), b->name);
  return CZ_OK;
}

cz_status cz_bio_ecp_create(const cz_config *cfg, const cz_circuit *c, const size_t *pop_offset, const uint8_t *is_cell,
                            int nthreads, cz_bio_ecp **out) {
  cz_bio_ecp *e = cz_calloc(1, sizeof *e);
  CZ_CHECK(e, CZ_ERR_NOMEM, "out of memory");
  *out = e;
  e->cfg = cfg;
  e->nthreads = nthreads;
  e->ngid = pop_offset[c->nnodes];
  e->b = cz_calloc(cfg->nreports + 1, sizeof *e->b);
  e->th = cz_calloc((size_t)nthreads, sizeof *e->th);
  CZ_CHECK(e->b && e->th, CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (!is_ecp_block(b)) continue;
    ecp_block *k = &e->b[e->n++];
    CZ_TRY(cz_strdup(b->name, &k->name));
    CZ_TRY(cz_asprintf(&k->where, "%s: reports.%s", file_of(cfg, b), b->name));
    CZ_TRY(parse_block(cfg, b, k));
    CZ_TRY(select_cells(cfg, b, c, pop_offset, is_cell, e->ngid, k));
  }
  return CZ_OK;
}

bool cz_bio_ecp_any(const cz_bio_ecp *e) { return e && e->n > 0; }

/* ------------------------------------------------------------------ transfers */

/* The line-source transfer (mV per nA) from a segment p0 -> p1 to electrode el. */
static double transfer(const double p0[3], const double p1[3], const double el[3], double rmin, bool with_min) {
  double r[3], dl[3], rr = 0, ll = 0, rd = 0;
  for (int i = 0; i < 3; i++) {
    dl[i] = p1[i] - p0[i];
    r[i] = el[i] - 0.5 * (p0[i] + p1[i]);
    rr += r[i] * r[i];
    ll += dl[i] * dl[i];
    rd += r[i] * dl[i];
  }
  const double L = sqrt(ll);
  if (L == 0) { /* a point source */
    const double d = with_min && sqrt(rr) < rmin ? rmin : sqrt(rr);
    return 1.0 / (4.0 * CZ_PI * SIGMA * d);
  }
  const double rpar = fabs(rd) / L;
  double rperp2 = rr - rpar * rpar;
  if (with_min && rpar - L / 2 < rmin && rperp2 < rmin * rmin) rperp2 = rmin * rmin;
  const double up = rpar + L / 2, low = rpar - L / 2;
  return log((up + sqrt(up * up + rperp2)) / (low + sqrt(low * low + rperp2))) / L / (4.0 * CZ_PI * SIGMA);
}

static cz_status add_probe(cz_bio_ecp *e, size_t blk, const cz_node_pop *np, size_t row, uint64_t bmtk_gid, int tid,
                           const cz_bio_thread *th, size_t cell) {
  const ecp_block *k = &e->b[blk];
  const cz_seg_shape *sh = &th->cells.shape[cell];
  const cz_cell_nodes *map = &th->cells.map[cell];
  thread_part *tp = &e->th[tid];
  CZ_RESERVE(tp->p, tp->cap, tp->n + 1);
  probe *pr = &tp->p[tp->n];
  memset(pr, 0, sizeof *pr);
  pr->block = blk;
  pr->nseg = sh->n;
  pr->node = cz_calloc(sh->n + 1, sizeof *pr->node);
  pr->tr = cz_calloc(sh->n * k->nchan + 1, sizeof *pr->tr);
  CZ_CHECK(pr->node && pr->tr, CZ_ERR_NOMEM, "out of memory");
  tp->n++;
  if (k->contrib_dir) { /* named by BMTK's gid (bionet-spec.md §7.3) */
    char name[64];
    snprintf(name, sizeof name, "%llu.h5", (unsigned long long)bmtk_gid);
    CZ_TRY(cz_path_join(k->contrib_dir, name, &pr->cpath));
  }
  cz_cell_frame fr;
  cz_cell_frame_of(np, row, sh->soma_centre, &fr);
  size_t i = 0, infinite = 0;
  for (size_t s = 0; s < map->nsec; s++)
    for (uint32_t q = 0; q < map->nseg[s]; q++, i++) {
      pr->node[i] = (uint32_t)cz_cell_centre(map, s, q);
      double p0[3], p1[3];
      cz_cell_frame_place(&fr, &sh->p0[3 * i], p0);
      cz_cell_frame_place(&fr, &sh->p1[3 * i], p1);
      const double rmin = k->min == MIN_AUTO ? 0.5 * sh->diam[i] : k->min_dist;
      for (size_t ch = 0; ch < k->nchan; ch++) {
        const double t = transfer(p0, p1, &k->el[3 * ch], rmin, k->min != MIN_NONE);
        pr->tr[i * k->nchan + ch] = t;
        infinite += !isfinite(t);
      }
    }
  if (infinite)
    cz_log_warn("%s: %zu electrode-segment pairs of node %llu of %s lie on a segment's axis inside it: their potential "
                "is infinite, as in BMTK (set minimum_distance to \"auto\" or a distance)",
                k->where, infinite, (unsigned long long)cz_node_id(np, row), np->name);
  return CZ_OK;
}

cz_status cz_bio_ecp_bind(cz_bio_ecp *e, const cz_circuit *c, size_t pop, size_t row, size_t gid, int tid,
                          const cz_bio_thread *th, size_t cell) {
  e->th[tid].i_m = th->i_m;
  for (size_t b = 0; b < e->n; b++)
    if (e->b[b].rec[gid]) {
      CZ_CHECK(th->cells.shape && th->i_m, CZ_ERR_INTERNAL, "cell %zu was built without its shape", gid);
      CZ_TRY(add_probe(e, b, &c->nodes[pop], row, gid - row + cz_node_id(&c->nodes[pop], row), tid, th, cell));
    }
  return CZ_OK;
}

/* ------------------------------------------------------------------ the run */

/* This rank's cells' contribution files, and their buffers. */
static cz_status open_contributions(cz_bio_ecp *e, size_t nrows) {
  for (int t = 0; t < e->nthreads; t++)
    for (size_t q = 0; q < e->th[t].n; q++) {
      probe *pr = &e->th[t].p[q];
      if (!pr->cpath) continue;
      const ecp_block *k = &e->b[pr->block];
      CZ_NEW(pr->cbuf, k->cap_rows * k->nchan + 1);
      CZ_TRY(cz_ecp_part_create(pr->cpath, nrows, k->nchan));
    }
  return CZ_OK;
}

cz_status cz_bio_ecp_open(cz_bio_ecp *e, const cz_timegrid *tg, bool leader) {
  e->tg = tg;
  e->leader = leader;
  e->buf_first = 0;
  size_t most = 1;
  for (size_t b = 0; b < e->n; b++) {
    ecp_block *k = &e->b[b];
    if (k->nchan > most) most = k->nchan;
    const int64_t steps = e->cfg->nsteps_block > 0 ? e->cfg->nsteps_block : DEFAULT_BLOCK_STEPS;
    const size_t max_rows = BLOCK_BYTES / (WORDS * sizeof(uint64_t) * k->nchan);
    k->rows_block = (size_t)steps < max_rows ? (size_t)steps : (max_rows ? max_rows : 1);
    k->cap_rows = k->rows_block + (size_t)tg->min_delay + 1;
    k->acc = cz_calloc((size_t)e->nthreads, sizeof *k->acc);
    CZ_CHECK(k->acc, CZ_ERR_NOMEM, "out of memory");
    for (int t = 0; t < e->nthreads; t++) {
      k->acc[t] = cz_calloc(k->cap_rows * k->nchan * WORDS, sizeof *k->acc[t]);
      CZ_CHECK(k->acc[t], CZ_ERR_NOMEM, "out of memory");
    }
    if (leader) CZ_NEW(k->rows, k->cap_rows * k->nchan);
  }
  for (int t = 0; t < e->nthreads; t++) CZ_NEW(e->th[t].contrib, most);
  cz_status st = CZ_OK;
  for (size_t b = 0; st == CZ_OK && b < e->n && leader; b++) {
    st = cz_ecp_create(e->b[b].path, (size_t)tg->nsteps, e->b[b].nchan, 0.0, e->cfg->dt, &e->b[b].out);
    if (st == CZ_OK && e->b[b].contrib_dir) st = cz_path_make_dirs(e->b[b].contrib_dir);
  }
  CZ_TRY(cz_comm_agree(st));
  return cz_comm_agree(open_contributions(e, (size_t)tg->nsteps));
}

/* Adds v to a (row, channel) accumulator as fixed-point limbs, or counts it as an infinity. */
static inline void accumulate(uint64_t *w, double v) {
  if (!(fabs(v) < LIMB_SCALE)) {
    w[isnan(v) ? W_NAN : v > 0 ? W_POS : W_NEG]++;
    return;
  }
  const double l2 = floor(v), r1 = (v - l2) * LIMB_SCALE, l1 = floor(r1), l0 = nearbyint((r1 - l1) * LIMB_SCALE);
  w[W_L2] += (uint64_t)(int64_t)l2;
  w[W_L1] += (uint64_t)(int64_t)l1;
  w[W_L0] += (uint64_t)(int64_t)l0;
}

void cz_bio_ecp_sample(cz_bio_ecp *e, int tid, int64_t u) {
  thread_part *tp = &e->th[tid];
  const size_t row = (size_t)(u - e->buf_first);
  for (size_t q = 0; q < tp->n; q++) {
    const probe *pr = &tp->p[q];
    const ecp_block *k = &e->b[pr->block];
    const size_t nc = k->nchan;
    double *c = tp->contrib;
    for (size_t ch = 0; ch < nc; ch++) c[ch] = 0;
    for (size_t s = 0; s < pr->nseg; s++) {
      const double im = tp->i_m[pr->node[s]];
      const double *tr = &pr->tr[s * nc];
      for (size_t ch = 0; ch < nc; ch++) c[ch] += tr[ch] * im;
    }
    uint64_t *acc = &k->acc[tid][row * nc * WORDS];
    for (size_t ch = 0; ch < nc; ch++) accumulate(&acc[ch * WORDS], c[ch]);
    if (pr->cbuf)
      for (size_t ch = 0; ch < nc; ch++) pr->cbuf[row * nc + ch] = (float)c[ch];
  }
}

/* The value of a summed accumulator. */
static double value_of(const uint64_t *w) {
  if (w[W_NAN] || (w[W_POS] && w[W_NEG])) return NAN;
  if (w[W_POS]) return INFINITY;
  if (w[W_NEG]) return -INFINITY;
  int64_t l2 = (int64_t)w[W_L2], l1 = (int64_t)w[W_L1], l0 = (int64_t)w[W_L0];
  int64_t carry = l0 >> LIMB_BITS; /* arithmetic: the floor of l0 / 2^40 */
  l0 -= carry * ((int64_t)1 << LIMB_BITS);
  l1 += carry;
  carry = l1 >> LIMB_BITS;
  l1 -= carry * ((int64_t)1 << LIMB_BITS);
  l2 += carry;
  return (double)l2 + ((double)l1 + (double)l0 / LIMB_SCALE) / LIMB_SCALE;
}

/* The buffered rows of this rank's contribution files of block b. */
static cz_status flush_contributions(const cz_bio_ecp *e, size_t b, size_t nrows) {
  for (int t = 0; t < e->nthreads; t++)
    for (size_t q = 0; q < e->th[t].n; q++) {
      const probe *pr = &e->th[t].p[q];
      if (pr->block == b && pr->cpath)
        CZ_TRY(cz_ecp_part_write(pr->cpath, (size_t)e->buf_first, nrows, e->b[b].nchan, pr->cbuf));
    }
  return CZ_OK;
}

static cz_status flush_block(cz_bio_ecp *e, ecp_block *k, size_t nrows) {
  const size_t words = nrows * k->nchan * WORDS;
  uint64_t *sum = k->acc[0];
  for (int t = 1; t < e->nthreads; t++) {
    for (size_t i = 0; i < words; i++) sum[i] += k->acc[t][i];
    memset(k->acc[t], 0, words * sizeof *sum);
  }
  CZ_TRY(cz_comm_allreduce_sum_u64_array(sum, words));
  cz_status st = CZ_OK;
  if (e->leader) {
    for (size_t i = 0; i < nrows * k->nchan; i++) k->rows[i] = value_of(&sum[i * WORDS]);
    const size_t row0 = (size_t)e->buf_first;
    st = cz_ecp_write_rows(k->out, row0, nrows, k->rows);
    const bool last = row0 + nrows == (size_t)e->tg->nsteps;
    if (st == CZ_OK) st = cz_ecp_commit_rows(k->out, last ? e->cfg->tstop : (double)(row0 + nrows) * e->cfg->dt);
  }
  memset(sum, 0, words * sizeof *sum);
  if (st == CZ_OK && k->contrib_dir) st = flush_contributions(e, (size_t)(k - e->b), nrows);
  return cz_comm_agree(st);
}

cz_status cz_bio_ecp_epoch_end(cz_bio_ecp *e, int64_t t1) {
  if (!e || e->n == 0) return CZ_OK;
  const size_t nrows = (size_t)(t1 - e->buf_first);
  bool full = t1 >= e->tg->nsteps;
  for (size_t b = 0; b < e->n && !full; b++) full = nrows >= e->b[b].rows_block;
  if (!full || nrows == 0) return CZ_OK;
  for (size_t b = 0; b < e->n; b++) CZ_TRY(flush_block(e, &e->b[b], nrows));
  e->buf_first = t1;
  return CZ_OK;
}

cz_status cz_bio_ecp_close(cz_bio_ecp **pe, bool complete) {
  cz_bio_ecp *e = *pe;
  if (!e) return CZ_OK;
  cz_status st = CZ_OK;
  for (size_t b = 0; b < e->n; b++) {
    const cz_status s = cz_ecp_close(&e->b[b].out, complete);
    if (st == CZ_OK) st = s;
    free_block(&e->b[b], e->nthreads);
  }
  for (int t = 0; e->th && t < e->nthreads; t++) {
    for (size_t q = 0; q < e->th[t].n; q++) {
      probe *pr = &e->th[t].p[q];
      if (complete && pr->cpath && pr->cbuf && st == CZ_OK) st = cz_ecp_part_commit(pr->cpath);
      free(pr->node);
      free(pr->tr);
      free(pr->cpath);
      free(pr->cbuf);
    }
    free(e->th[t].p);
    free(e->th[t].contrib);
  }
  free(e->th);
  free(e->b);
  free(e);
  *pe = NULL;
  return st;
}
