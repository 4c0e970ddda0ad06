#include "bionet/comsol.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/interp.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bionet/cell_frame.h"
#include "bionet/nearest.h"
#include "io/comsol.h"
#include "io/csv.h"

/* One thread's segments: cable node cnode[i] takes the potential of its used node slot[i]. */
typedef struct thread_map {
  uint32_t *cnode, *slot;
  size_t n, cap_cnode, cap_slot;
  uint32_t *used;  /* [nused] export nodes, in first-use order */
  size_t nused, cap_used;
  uint32_t *slot_of; /* [mesh n] while binding: 1 + the slot of each export node, 0 unused */
  double *val;     /* [nused ncol] after ready: the used nodes' values (mV) */
  double *cur;     /* [nused] the step's potentials */
} thread_map;

struct cz_bio_comsol {
  char *where;        /* "FILE: inputs.NAME" */
  char *path;         /* the export */
  cz_comsol mesh;
  cz_kdtree tree;
  double amplitude;
  double *wt, *wa;    /* [nw] the waveform (stationary export) */
  size_t nw;
  int64_t period;     /* steps */
  double dt, lo[3], hi[3];
  size_t outside, segments;
  int nthreads;
  thread_map *th;
};

static const char *file_of(const cz_config *cfg, const cz_cfg_block *b) { return b->file ? b->file : cfg->path; }

static bool is_comsol(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "comsol") == 0; }

/* ------------------------------------------------------------------ the block */

static cz_status check_keys(const cz_config *cfg, const char *file, const cz_cfg_block *b) {
  static const char *const known[] = {"input_type", "module",   "comsol_file", "waveform",
                                      "amplitude",  "ip_method", "set_nrn_mechanisms", "cells",
                                      "node_set",   "enabled",  NULL};
  cz_cfg_warn_unknown_keys(cfg, b, "inputs", known, "the comsol input");
  const cJSON *cells = cJSON_GetObjectItemCaseSensitive(b->json, "cells");
  CZ_CHECK(!cells || cJSON_IsNull(cells), CZ_ERR_CONFIG,
           "%s: inputs.%s.cells: comsol: 'cells' is not supported (BMTK fails on it); every detailed cell gets the "
           "field", file, b->name);
  const cJSON *ip = cJSON_GetObjectItemCaseSensitive(b->json, "ip_method");
  CZ_CHECK(!ip || (cJSON_IsString(ip) && strcmp(ip->valuestring, "NN") == 0), CZ_ERR_CONFIG,
           "%s: inputs.%s.ip_method: Cadenza maps segments to the nearest node (\"NN\"); linear interpolation (\"L\") "
           "is not supported", file, b->name);
  const cJSON *mech = cJSON_GetObjectItemCaseSensitive(b->json, "set_nrn_mechanisms");
  CZ_CHECK(!mech || cJSON_IsTrue(mech), CZ_ERR_CONFIG,
           "%s: inputs.%s.set_nrn_mechanisms: false leaves the cells without the extracellular layer the field acts "
           "through (BMTK fails); leave it true", file, b->name);
  const cJSON *ns = b->node_set;
  if (ns && !(cJSON_IsString(ns) && strcmp(ns->valuestring, "all") == 0))
    cz_log_warn("%s: inputs.%s.node_set is ignored, as BMTK ignores it: the field acts on every detailed cell", file,
                b->name);
  return CZ_OK;
}

static cz_status read_amplitude(const char *file, const cz_cfg_block *b, double *amp) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(b->json, "amplitude");
  *amp = 1.0;
  if (!a) return CZ_OK;
  CZ_CHECK(cJSON_IsNumber(a) && isfinite(a->valuedouble), CZ_ERR_CONFIG,
           "%s: inputs.%s.amplitude must be a number (a scale factor of the potential)", file, b->name);
  *amp = a->valuedouble;
  return CZ_OK;
}

/* The waveform table: time (steps) and amplitude columns, tab-separated, times not decreasing. */
static cz_status read_waveform(const char *file, const cz_cfg_block *b, const char *path, cz_bio_comsol *f) {
  cz_csv *tab = NULL;
  cz_status st = cz_csv_read(path, &tab);
  if (st != CZ_OK) return cz_error_prefix(st, "%s: inputs.%s.waveform", file, b->name);
  const int ct = cz_csv_col(tab, "time"), ca = cz_csv_col(tab, "amplitude");
  if (ct < 0 || ca < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no column %s (inputs.%s.waveform; a tab-separated table of time and amplitude)",
                  path, ct < 0 ? "time" : "amplitude", b->name);
  if (st == CZ_OK && tab->nrows < 1) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no rows (inputs.%s.waveform)", path, b->name);
  if (st == CZ_OK && (!(f->wt = cz_calloc(tab->nrows, sizeof *f->wt)) || !(f->wa = cz_calloc(tab->nrows, sizeof *f->wa))))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 0; st == CZ_OK && r < tab->nrows; r++) {
    const char *t = cz_csv_cell(tab, r, (size_t)ct), *a = cz_csv_cell(tab, r, (size_t)ca);
    if (!t || !a || !cz_parse_double(t, &f->wt[r]) || !cz_parse_double(a, &f->wa[r]))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: time and amplitude must be numbers (inputs.%s.waveform)", path,
                    r + 2, b->name);
    else if (r > 0 && f->wt[r] < f->wt[r - 1])
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: the times must not decrease (inputs.%s.waveform)", path, r + 2,
                    b->name);
  }
  if (st == CZ_OK) {
    f->nw = tab->nrows;
    f->period = (int64_t)f->wt[f->nw - 1];
    if (f->period < 1)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: the last time is %g: the waveform's period (its last time, in steps) must be "
                    "at least 1 (inputs.%s.waveform)", path, f->wt[f->nw - 1], b->name);
  }
  cz_csv_destroy(&tab);
  return st;
}

static cz_status read_block(const cz_config *cfg, const cz_cfg_block *b, cz_bio_comsol *f) {
  const char *file = file_of(cfg, b);
  CZ_TRY(check_keys(cfg, file, b));
  CZ_TRY(cz_asprintf(&f->where, "%s: inputs.%s", file, b->name));
  const cJSON *cf = cJSON_GetObjectItemCaseSensitive(b->json, "comsol_file");
  CZ_CHECK(cJSON_IsString(cf) && cf->valuestring[0], CZ_ERR_CONFIG,
           "config: missing key \"inputs.%s.comsol_file\" (one COMSOL text export) in %s", b->name, file);
  const cJSON *wf = cJSON_GetObjectItemCaseSensitive(b->json, "waveform");
  CZ_CHECK(!wf || cJSON_IsNull(wf) || (cJSON_IsString(wf) && wf->valuestring[0]), CZ_ERR_CONFIG,
           "%s: inputs.%s.waveform must be the path of a tab-separated table (time, amplitude)", file, b->name);
  const bool timed = !wf || cJSON_IsNull(wf);
  CZ_TRY(read_amplitude(file, b, &f->amplitude));
  CZ_TRY(cz_strdup(cf->valuestring, &f->path));
  cz_status st = cz_comsol_read(cf->valuestring, timed, &f->mesh);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.comsol_file", f->where);
  f->dt = cfg->dt;
  if (!timed) return read_waveform(file, b, wf->valuestring, f);
  const double last = f->mesh.t_ms[f->mesh.ncol - 1];
  f->period = (int64_t)(last / cfg->dt);
  CZ_CHECK(f->period >= 1, CZ_ERR_FORMAT,
           "%s: the export's last time, %g ms, is under one step (run.dt %g ms): the field would have no period (%s)",
           f->path, last, cfg->dt, f->where);
  return CZ_OK;
}

static cz_status find_block(const cz_config *cfg, const cz_cfg_block **out) {
  *out = NULL;
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!is_comsol(b)) continue;
    CZ_CHECK(!*out, CZ_ERR_CONFIG,
             "%s: inputs.%s and inputs.%s are both comsol inputs; BMTK keeps only the last one's potential at each "
             "step, so Cadenza takes one (disable the other)", file_of(cfg, b), (*out)->name, b->name);
    *out = b;
  }
  return CZ_OK;
}

cz_status cz_bio_comsol_check(const cz_config *cfg) {
  cz_bio_comsol *f = NULL;
  CZ_TRY(cz_bio_comsol_create(cfg, 1, &f));
  cz_bio_comsol_free(&f);
  return CZ_OK;
}

static void mesh_bounds(cz_bio_comsol *f) {
  for (int a = 0; a < 3; a++) f->lo[a] = INFINITY, f->hi[a] = -INFINITY;
  for (size_t i = 0; i < f->mesh.n; i++)
    for (int a = 0; a < 3; a++) {
      f->lo[a] = fmin(f->lo[a], f->mesh.xyz[3 * i + a]);
      f->hi[a] = fmax(f->hi[a], f->mesh.xyz[3 * i + a]);
    }
}

cz_status cz_bio_comsol_create(const cz_config *cfg, int nthreads, cz_bio_comsol **out) {
  *out = NULL;
  const cz_cfg_block *b = NULL;
  CZ_TRY(find_block(cfg, &b));
  if (!b) return CZ_OK;
  cz_bio_comsol *f = cz_calloc(1, sizeof *f);
  CZ_CHECK(f, CZ_ERR_NOMEM, "out of memory");
  *out = f;
  f->nthreads = nthreads;
  CZ_NEW(f->th, (size_t)nthreads);
  CZ_TRY(read_block(cfg, b, f));
  mesh_bounds(f);
  for (int t = 0; t < nthreads; t++) CZ_NEW(f->th[t].slot_of, f->mesh.n + 1);
  return cz_kdtree_build(f->mesh.xyz, f->mesh.n, &f->tree);
}

/* ------------------------------------------------------------------ the cells */

static bool outside(const cz_bio_comsol *f, const double p[3]) {
  for (int a = 0; a < 3; a++)
    if (p[a] < f->lo[a] || p[a] > f->hi[a]) return true;
  return false;
}

/* The slot of export node k on thread map m (added on first use). */
static cz_status slot_of(thread_map *m, uint32_t k, uint32_t *slot) {
  if (!m->slot_of[k]) {
    CZ_RESERVE(m->used, m->cap_used, m->nused + 1);
    m->used[m->nused++] = k;
    m->slot_of[k] = (uint32_t)m->nused;
  }
  *slot = m->slot_of[k] - 1;
  return CZ_OK;
}

static cz_status check_values(const cz_bio_comsol *f, uint32_t k, const cz_node_pop *np, size_t row) {
  for (size_t c = 0; c < f->mesh.ncol; c++)
    CZ_CHECK(!isnan(f->mesh.val[(size_t)k * f->mesh.ncol + c]), CZ_ERR_FORMAT,
             "%s: node %llu of %s has a segment nearest to the export's node on line %zu, whose potential is NaN (%s)",
             f->path, (unsigned long long)cz_node_id(np, row), np->name, (size_t)k + 10, f->where);
  return CZ_OK;
}

/* One thread binding one cell. */
typedef struct bind_ctx {
  cz_bio_comsol *f;
  thread_map *m;
  const cz_node_pop *np;
  size_t row;
} bind_ctx;

/* Segment centre p, cable node cnode, takes the potential of the export's nearest node. */
static cz_status map_segment(void *ctx, const double p[3], uint32_t cnode) {
  const bind_ctx *b = ctx;
  cz_bio_comsol *f = b->f;
  thread_map *m = b->m;
  const uint32_t k = (uint32_t)cz_kdtree_nearest(&f->tree, p);
  const bool fresh = !m->slot_of[k];
  uint32_t slot = 0;
  CZ_TRY(slot_of(m, k, &slot));
  if (fresh) CZ_TRY(check_values(f, k, b->np, b->row));
  CZ_RESERVE(m->cnode, m->cap_cnode, m->n + 1);
  CZ_RESERVE(m->slot, m->cap_slot, m->n + 1);
  m->cnode[m->n] = cnode;
  m->slot[m->n++] = slot;
  f->outside += outside(f, p);
  f->segments++;
  return CZ_OK;
}

cz_status cz_bio_comsol_bind(cz_bio_comsol *f, const cz_node_pop *np, size_t row, int tid, cz_bio_thread *th,
                             size_t cell) {
  bind_ctx b = {f, &f->th[tid], np, row};
  return cz_cell_frame_each_centre(np, row, &th->cells, cell, map_segment, &b);
}

cz_status cz_bio_comsol_ready(cz_bio_comsol *f, int tid, cz_bio_thread *th) {
  thread_map *m = &f->th[tid];
  const size_t ncol = f->mesh.ncol;
  CZ_NEW(m->val, m->nused * ncol + 1);
  CZ_NEW(m->cur, m->nused + 1);
  for (size_t u = 0; u < m->nused; u++)
    memcpy(&m->val[u * ncol], &f->mesh.val[(size_t)m->used[u] * ncol], ncol * sizeof *m->val);
  free(m->slot_of);
  m->slot_of = NULL;
  if (tid == 0 && f->outside)
    cz_log_warn("%s: %zu of this rank's %zu segments lie outside the export's nodes' bounding box; they take the "
                "nearest node's potential, as in BMTK", f->where, f->outside, f->segments);
  return cz_cable_use_vext(&th->cells.cable);
}

/* ------------------------------------------------------------------ the steps */

void cz_bio_comsol_apply(cz_bio_comsol *f, int tid, cz_bio_thread *th, int64_t u) {
  if (u < 1) return; /* step 0 runs before BMTK's first call */
  thread_map *m = &f->th[tid];
  const int64_t k = (u - 1) % f->period;
  const size_t ncol = f->mesh.ncol;
  if (f->wt) {
    const double x = (double)(k + 1);
    const double s = cz_interp(x, f->wt, f->wa, f->nw) * f->amplitude;
    for (size_t q = 0; q < m->nused; q++) m->cur[q] = m->val[q] * s;
  } else { /* numpy's arange(t0, ..., dt): t0 + j ((t0 + dt) - t0) */
    const double *ts = f->mesh.t_ms, t0 = ts[0], tau = t0 + (double)(k + 1) * ((t0 + f->dt) - t0);
    const cz_bracket b = cz_interp_bracket(tau, ts, ncol);
    for (size_t q = 0; q < m->nused; q++) m->cur[q] = cz_interp_at(b, tau, ts, &m->val[q * ncol]) * f->amplitude;
  }
  double *vext = th->cells.cable.vext;
  for (size_t i = 0; i < m->n; i++) vext[m->cnode[i]] = m->cur[m->slot[i]];
  cz_cable_settle_vext(&th->cells.cable);
}

void cz_bio_comsol_free(cz_bio_comsol **pf) {
  cz_bio_comsol *f = *pf;
  if (!f) return;
  for (int t = 0; f->th && t < f->nthreads; t++) {
    thread_map *m = &f->th[t];
    free(m->cnode), free(m->slot), free(m->used), free(m->slot_of), free(m->val), free(m->cur);
  }
  free(f->th);
  cz_kdtree_free(&f->tree);
  cz_comsol_free(&f->mesh);
  free(f->wt), free(f->wa), free(f->where), free(f->path);
  free(f);
  *pf = NULL;
}
