#include "bionet/clamp_report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/matrix_out.h"

enum { DEFAULT_BLOCK_STEPS = 5000 };
#define BLOCK_BYTES ((size_t)64 << 20)

typedef enum clamp_kind { KIND_SE, KIND_IC, KIND_FIC } clamp_kind;

/* A recorded clamp of a thread. */
typedef struct probe {
  size_t report;
  const cz_bio_thread *th;
  size_t index; /* into th->seclamp or th->iclamp */
  uint64_t column;
  size_t local; /* after open: its place among the rank's columns */
} probe;

typedef struct report {
  char *name, *path;
  clamp_kind kind;
  size_t ncols, nlocal;
  uint64_t *cols; /* [nlocal] ascending */
  double *buf;    /* [rows][nlocal] */
  cz_matrix_out *out;
} report;

struct cz_bio_clamp_reports {
  size_t n;
  report *r;
  int nthreads;
  probe **p; /* [nthreads] */
  size_t *np, *cap;
  size_t rows_block;
  int64_t buf_first;
  const cz_timegrid *tg;
  double dt;
};

static bool is_clamp_block(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "clamp_report") == 0; }

static cz_status parse_block(const cz_config *cfg, const cz_cfg_block *b, report *r) {
  const char *file = b->file ? b->file : cfg->path;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(b->json, "variable_name");
  CZ_CHECK(cJSON_IsString(v), CZ_ERR_CONFIG, "%s: reports.%s.variable_name must be se, ic or f_ic", file, b->name);
  if (strcmp(v->valuestring, "se") == 0) r->kind = KIND_SE;
  else if (strcmp(v->valuestring, "ic") == 0) r->kind = KIND_IC;
  else if (strcmp(v->valuestring, "f_ic") == 0) r->kind = KIND_FIC;
  else
    return CZ_ERROR(CZ_ERR_CONFIG, "%s: reports.%s.variable_name \"%s\" is not a clamp list (se, ic, f_ic)", file,
                    b->name, v->valuestring);
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(b->json, "file_name");
  CZ_CHECK(!f || (cJSON_IsString(f) && f->valuestring[0]), CZ_ERR_CONFIG, "%s: reports.%s.file_name must be a file name",
           file, b->name);
  char *name = NULL;
  if (f) CZ_TRY(cz_strdup(f->valuestring, &name));
  else CZ_TRY(cz_asprintf(&name, "%s.h5", b->name));
  cz_status st = cz_path_is_absolute(name) ? cz_strdup(name, &r->path) : cz_path_join(cfg->output_dir, name, &r->path);
  free(name);
  if (st == CZ_OK) st = cz_strdup(b->name, &r->name);
  return st;
}

cz_status cz_bio_clamp_reports_check(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++) {
    if (!is_clamp_block(&cfg->reports[i])) continue;
    report r;
    memset(&r, 0, sizeof r);
    const cz_status st = parse_block(cfg, &cfg->reports[i], &r);
    free(r.name);
    free(r.path);
    CZ_TRY(st);
  }
  return CZ_OK;
}

cz_status cz_bio_clamp_reports_create(const cz_config *cfg, int nthreads, cz_bio_clamp_reports **out) {
  cz_bio_clamp_reports *r = cz_calloc(1, sizeof *r);
  CZ_CHECK(r, CZ_ERR_NOMEM, "out of memory");
  *out = r;
  r->nthreads = nthreads;
  r->dt = cfg->dt;
  r->r = cz_calloc(cfg->nreports + 1, sizeof *r->r);
  r->p = cz_calloc((size_t)nthreads, sizeof *r->p);
  r->np = cz_calloc((size_t)nthreads, sizeof *r->np);
  r->cap = cz_calloc((size_t)nthreads, sizeof *r->cap);
  CZ_CHECK(r->r && r->p && r->np && r->cap, CZ_ERR_NOMEM, "out of memory");
  const int64_t steps = cfg->nsteps_block > 0 ? cfg->nsteps_block : DEFAULT_BLOCK_STEPS;
  r->rows_block = (size_t)steps;
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (!is_clamp_block(b)) continue;
    CZ_TRY(parse_block(cfg, b, &r->r[r->n]));
    if (r->r[r->n].kind != KIND_SE)
      cz_log_info("%s: reports.%s: BMTK 1.0.8 writes an empty matrix for IClamps; Cadenza records each clamp's current",
                  b->file ? b->file : cfg->path, b->name);
    r->n++;
  }
  return CZ_OK;
}

static cz_status add_probe(cz_bio_clamp_reports *r, int tid, size_t which, const cz_bio_thread *th, size_t index,
                           uint64_t column) {
  CZ_RESERVE(r->p[tid], r->cap[tid], r->np[tid] + 1);
  r->p[tid][r->np[tid]++] = (probe){which, th, index, column, 0};
  return CZ_OK;
}

cz_status cz_bio_clamp_reports_bind(cz_bio_clamp_reports *r, int tid, const cz_bio_thread *th) {
  for (size_t i = 0; i < r->n; i++) {
    const clamp_kind kind = r->r[i].kind;
    if (kind == KIND_SE)
      for (size_t k = 0; k < th->nseclamp; k++) CZ_TRY(add_probe(r, tid, i, th, k, th->seclamp[k].column));
    else
      for (size_t k = 0; k < th->niclamp; k++)
        if ((th->iclamp[k].play != NULL) == (kind == KIND_FIC)) CZ_TRY(add_probe(r, tid, i, th, k, th->iclamp[k].column));
  }
  return CZ_OK;
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* The rank's columns of report i, its probes' places among them, and every rank's count. */
static cz_status lay_out(cz_bio_clamp_reports *r, size_t i) {
  report *rp = &r->r[i];
  int64_t ncols = 0;
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->np[t]; q++)
      if (r->p[t][q].report == i) {
        rp->nlocal++;
        if ((int64_t)r->p[t][q].column + 1 > ncols) ncols = (int64_t)r->p[t][q].column + 1;
      }
  CZ_TRY(cz_comm_allreduce_max_i64(&ncols));
  rp->ncols = (size_t)ncols;
  CZ_NEW(rp->cols, rp->nlocal + 1);
  size_t k = 0;
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->np[t]; q++)
      if (r->p[t][q].report == i) rp->cols[k++] = r->p[t][q].column;
  qsort(rp->cols, rp->nlocal, sizeof *rp->cols, cmp_u64);
  for (int t = 0; t < r->nthreads; t++)
    for (size_t q = 0; q < r->np[t]; q++) {
      probe *pr = &r->p[t][q];
      if (pr->report != i) continue;
      const uint64_t *hit = bsearch(&pr->column, rp->cols, rp->nlocal, sizeof *rp->cols, cmp_u64);
      pr->local = (size_t)(hit - rp->cols);
    }
  return CZ_OK;
}

cz_status cz_bio_clamp_reports_open(cz_bio_clamp_reports *r, const cz_timegrid *tg, const void *mpi_comm, bool leader) {
  r->tg = tg;
  r->buf_first = 0;
  size_t total = 0;
  for (size_t i = 0; i < r->n; i++) {
    CZ_TRY(cz_comm_agree(lay_out(r, i)));
    total += r->r[i].ncols;
  }
  const size_t max_rows = BLOCK_BYTES / (sizeof(double) * (total ? total : 1));
  if (r->rows_block > max_rows) r->rows_block = max_rows ? max_rows : 1;
  for (size_t i = 0; i < r->n; i++) {
    report *rp = &r->r[i];
    rp->buf = cz_calloc((r->rows_block + (size_t)tg->min_delay + 1) * rp->nlocal + 1, sizeof *rp->buf);
    cz_status st = rp->buf ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    st = cz_comm_agree(st);
    if (st == CZ_OK) st = cz_matrix_create(rp->path, (size_t)tg->nsteps, rp->ncols, mpi_comm, leader, &rp->out);
    if (st != CZ_OK) return cz_error_prefix(st, "reports.%s", rp->name);
  }
  return CZ_OK;
}

/* A probe's value after the step that ended at th->t. */
static double value(const cz_bio_clamp_reports *r, const probe *pr) {
  const double mid = pr->th->t - 0.5 * r->dt;
  if (r->r[pr->report].kind == KIND_SE) {
    const cz_seclamp *s = &pr->th->seclamp[pr->index];
    double vc = 0;
    return cz_seclamp_level(s, mid, &vc) ? (vc - pr->th->cells.cable.v[s->node]) / s->rs : 0.0;
  }
  return cz_iclamp_at(&pr->th->iclamp[pr->index], mid);
}

void cz_bio_clamp_reports_sample(cz_bio_clamp_reports *r, int tid, int64_t u) {
  const size_t row = (size_t)(u - r->buf_first);
  for (size_t q = 0; q < r->np[tid]; q++) {
    const probe *pr = &r->p[tid][q];
    report *rp = &r->r[pr->report];
    rp->buf[row * rp->nlocal + pr->local] = value(r, pr);
  }
}

cz_status cz_bio_clamp_reports_epoch_end(cz_bio_clamp_reports *r, int64_t t1) {
  if (!r || r->n == 0) return CZ_OK;
  const size_t nrows = (size_t)(t1 - r->buf_first);
  if (nrows < r->rows_block && t1 < r->tg->nsteps) return CZ_OK;
  for (size_t i = 0; i < r->n; i++) {
    const report *rp = &r->r[i];
    CZ_TRY(cz_matrix_write(rp->out, (size_t)r->buf_first, nrows, rp->cols, rp->nlocal, rp->buf));
  }
  r->buf_first = t1;
  return CZ_OK;
}

cz_status cz_bio_clamp_reports_close(cz_bio_clamp_reports **pr, bool complete) {
  cz_bio_clamp_reports *r = *pr;
  if (!r) return CZ_OK;
  cz_status st = CZ_OK;
  for (size_t i = 0; r->r && i < r->n; i++) {
    const cz_status s = cz_matrix_close(&r->r[i].out, complete);
    if (st == CZ_OK) st = s;
    free(r->r[i].name);
    free(r->r[i].path);
    free(r->r[i].cols);
    free(r->r[i].buf);
  }
  for (int t = 0; r->p && t < r->nthreads; t++) free(r->p[t]);
  free(r->p);
  free(r->np);
  free(r->cap);
  free(r->r);
  free(r);
  *pr = NULL;
  return st;
}
