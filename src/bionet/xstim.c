#include "bionet/xstim.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/interp.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bionet/cell_frame.h"
#include "io/csv.h"

#define XSTIM_MIN_DISTANCE 10.0 /* µm, BMTK's limit */
#define XSTIM_RHO 300.0         /* Ω·cm, BMTK's medium */

typedef enum wave_kind { WAVE_DC, WAVE_SIN, WAVE_TABLE } wave_kind;

typedef struct waveform {
  wave_kind kind;
  double amp, del, dur, freq, phase, offset;
  double *t, *a; /* [n] a table's time (ms) and amplitude */
  size_t n;
} waveform;

/* One thread's segments: cable node cnode[i] takes sum_el scale[el] T[i nel + el]. */
typedef struct thread_map {
  uint32_t *cnode;
  double *T;
  size_t n, cap_cnode, cap_T;
  double *scale; /* [nel] the step's waveform per mesh point */
} thread_map;

struct cz_bio_xstim {
  char *where;          /* "FILE: inputs.NAME" */
  char *positions;      /* the electrode table */
  size_t nel;
  double *pts;          /* [npts 3] every electrode's mesh points, placed in the tissue */
  size_t *first, *size; /* [nel] each electrode's points */
  double rho, dt;
  waveform wave;
  bool quiet;           /* a check: no notes in the log */
  double closest;       /* µm, over this rank's segments */
  int nthreads;
  thread_map *th;
};

static const char *file_of(const cz_config *cfg, const cz_cfg_block *b) { return b->file ? b->file : cfg->path; }

static bool is_xstim(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "xstim") == 0; }

static bool is_comsol(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "comsol") == 0; }

/* ------------------------------------------------------------------ the block */

static cz_status check_keys(const cz_config *cfg, const char *file, const cz_cfg_block *b, bool quiet) {
  static const char *const known[] = {"input_type", "module", "positions_file", "mesh_files_dir", "waveform",
                                      "resistance", "set_nrn_mechanisms", "cells", "node_set", "enabled", NULL};
  cz_cfg_warn_unknown_keys(cfg, b, "inputs", known, "the xstim input");
  const cJSON *cells = cJSON_GetObjectItemCaseSensitive(b->json, "cells");
  CZ_CHECK(!cells || cJSON_IsNull(cells), CZ_ERR_CONFIG,
           "%s: inputs.%s.cells: xstim: 'cells' is not supported (BMTK fails on it); every detailed cell gets the "
           "field", file, b->name);
  const cJSON *mech = cJSON_GetObjectItemCaseSensitive(b->json, "set_nrn_mechanisms");
  CZ_CHECK(!mech || cJSON_IsTrue(mech), CZ_ERR_CONFIG,
           "%s: inputs.%s.set_nrn_mechanisms: false leaves the cells without the extracellular layer the field acts "
           "through (BMTK fails); leave it true", file, b->name);
  const cJSON *ns = b->node_set;
  if (!quiet && ns && !(cJSON_IsString(ns) && strcmp(ns->valuestring, "all") == 0))
    cz_log_warn("%s: inputs.%s.node_set is ignored, as BMTK ignores it: the field acts on every detailed cell", file,
                b->name);
  return CZ_OK;
}

/* A number member of a waveform object: required unless dflt is finite. */
static cz_status wave_number(const cJSON *w, const char *key, double dflt, const char *where, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(w, key);
  if (!v && isfinite(dflt)) {
    *out = dflt;
    return CZ_OK;
  }
  CZ_CHECK(v, CZ_ERR_CONFIG, "%s: missing key \"%s\" of the waveform", where, key);
  CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_CONFIG, "%s: waveform.%s must be a finite number",
           where, key);
  *out = v->valuedouble;
  return CZ_OK;
}

static cz_status read_wave_object(const cJSON *w, const char *where, waveform *f) {
  CZ_CHECK(cJSON_IsObject(w), CZ_ERR_CONFIG, "%s: the waveform must be an object with \"shape\" (dc or sin)", where);
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(w, "shape");
  CZ_CHECK(cJSON_IsString(shape), CZ_ERR_CONFIG, "%s: missing key \"shape\" of the waveform (dc or sin)", where);
  if (strcasecmp(shape->valuestring, "dc") == 0) f->kind = WAVE_DC;
  else if (strcasecmp(shape->valuestring, "sin") == 0) f->kind = WAVE_SIN;
  else
    return CZ_ERROR(CZ_ERR_CONFIG, "%s: waveform.shape \"%s\" is not a waveform shape (dc or sin)", where,
                    shape->valuestring);
  CZ_TRY(wave_number(w, "amp", NAN, where, &f->amp));
  CZ_TRY(wave_number(w, "del", NAN, where, &f->del));
  CZ_TRY(wave_number(w, "dur", NAN, where, &f->dur));
  if (f->kind == WAVE_DC) return CZ_OK;
  CZ_TRY(wave_number(w, "freq", NAN, where, &f->freq));
  CZ_TRY(wave_number(w, "phase", M_PI, where, &f->phase));
  return wave_number(w, "offset", 0.0, where, &f->offset);
}

static cz_status read_wave_json(const char *path, const char *where, waveform *f) {
  char *text = NULL;
  size_t len = 0;
  cz_status st = cz_read_file(path, &text, &len);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.waveform", where);
  cJSON *w = cJSON_ParseWithLength(text, len);
  free(text);
  if (!w) return CZ_ERROR(CZ_ERR_FORMAT, "%s: not valid JSON (%s.waveform)", path, where);
  st = read_wave_object(w, path, f);
  cJSON_Delete(w);
  return st == CZ_OK ? st : cz_error_prefix(st, "%s.waveform", where);
}

/* A tab-separated table of time (ms) and amplitude, interpolated as numpy's interp. */
static cz_status read_wave_table(const char *path, const char *where, waveform *f) {
  cz_csv *tab = NULL;
  cz_status st = cz_csv_read(path, &tab);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.waveform", where);
  f->kind = WAVE_TABLE;
  const int ct = cz_csv_col(tab, "time"), ca = cz_csv_col(tab, "amplitude");
  if (ct < 0 || ca < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no column %s (%s.waveform: a tab-separated table of time in ms and amplitude)",
                  path, ct < 0 ? "time" : "amplitude", where);
  if (st == CZ_OK && tab->nrows < 1) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no rows (%s.waveform)", path, where);
  if (st == CZ_OK && (!(f->t = cz_calloc(tab->nrows, sizeof *f->t)) || !(f->a = cz_calloc(tab->nrows, sizeof *f->a))))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 0; st == CZ_OK && r < tab->nrows; r++) {
    const char *t = cz_csv_cell(tab, r, (size_t)ct), *a = cz_csv_cell(tab, r, (size_t)ca);
    if (!t || !a || !cz_parse_double(t, &f->t[r]) || !cz_parse_double(a, &f->a[r]) || !isfinite(f->t[r]) ||
        !isfinite(f->a[r]))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: time and amplitude must be finite numbers (%s.waveform)", path,
                    r + 2, where);
    else if (r > 0 && f->t[r] < f->t[r - 1])
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: the times must not decrease (%s.waveform)", path, r + 2, where);
  }
  if (st == CZ_OK) f->n = tab->nrows;
  cz_csv_destroy(&tab);
  return st;
}

static cz_status read_waveform(const char *file, const cz_cfg_block *b, const char *where, bool quiet, waveform *f) {
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(b->json, "waveform");
  CZ_CHECK(w && !cJSON_IsNull(w), CZ_ERR_CONFIG, "config: missing key \"inputs.%s.waveform\" (an object with "
           "\"shape\" dc or sin, or a .json or .csv file) in %s", b->name, file);
  if (cJSON_IsObject(w)) return read_wave_object(w, where, f);
  CZ_CHECK(cJSON_IsString(w) && w->valuestring[0], CZ_ERR_CONFIG,
           "%s.waveform must be an object with \"shape\" (dc or sin) or the path of a .json or .csv file", where);
  const char *path = w->valuestring;
  const bool csv = cz_str_ends_with(path, ".csv"), json = cz_str_ends_with(path, ".json");
  CZ_CHECK(csv || json, CZ_ERR_CONFIG,
           "%s.waveform: \"%s\" is neither a .json waveform nor a .csv table (time, amplitude)", where, path);
  if (!quiet)
    cz_log_info("%s.waveform: read from %s; BMTK 1.0.8 fails on a waveform file (its extension test never matches), "
                "so this run has no BMTK counterpart", where, path);
  return csv ? read_wave_table(path, where, f) : read_wave_json(path, where, f);
}

/* numpy's interp of a table, or a dc or sin pulse active for del < t < del + dur. */
static double wave_at(const waveform *f, double t) {
  if (f->kind == WAVE_TABLE) return cz_interp(t, f->t, f->a, f->n);
  if (!(f->del < t && t < f->del + f->dur)) return 0.0;
  if (f->kind == WAVE_DC) return f->amp;
  return f->amp * sin(2 * M_PI * (f->freq / 1000.0) * t + f->phase) + f->offset;
}

/* ------------------------------------------------------------------ the electrodes */

static cz_status cell_number(const cz_csv *tab, size_t r, const char *col, const char *path, double *out) {
  const int c = cz_csv_col(tab, col);
  CZ_CHECK(c >= 0, CZ_ERR_FORMAT, "%s: no column %s", path, col);
  const char *s = cz_csv_cell(tab, r, (size_t)c);
  CZ_CHECK(s && cz_parse_double(s, out) && isfinite(*out), CZ_ERR_FORMAT, "%s: line %zu: %s must be a finite number",
           path, r + 2, col);
  return CZ_OK;
}

/* Electrode e's mesh, read into pts[first[e] ...]: one point at the origin without a file. */
static cz_status read_mesh(cz_bio_xstim *x, const char *file, size_t e, size_t *cap) {
  cz_csv *tab = NULL;
  size_t n = 1;
  if (file) {
    CZ_TRY(cz_csv_read(file, &tab));
    n = tab->nrows;
  }
  cz_status st = n ? CZ_OK : CZ_ERROR(CZ_ERR_FORMAT, "%s: no points (a table of x_pos y_pos z_pos)", file);
  const size_t at = e ? x->first[e - 1] + x->size[e - 1] : 0;
  x->first[e] = at, x->size[e] = n;
  if (st == CZ_OK && at + n > *cap) {
    const size_t want = 2 * (at + n);
    double *p = realloc(x->pts, 3 * want * sizeof *p);
    if (!p) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    else x->pts = p, *cap = want;
  }
  static const char *const cols[3] = {"x_pos", "y_pos", "z_pos"};
  for (size_t r = 0; st == CZ_OK && r < n; r++)
    for (int a = 0; a < 3 && st == CZ_OK; a++) {
      if (tab) st = cell_number(tab, r, cols[a], file, &x->pts[3 * (at + r) + a]);
      else x->pts[3 * (at + r) + a] = 0.0;
    }
  cz_csv_destroy(&tab);
  return st;
}

/* Rotates electrode e's mesh about the origin by Rx Ry Rz, then moves it so that its mean
 * lies on pos (BMTK adds pos - mean to each point). */
static void place_mesh(cz_bio_xstim *x, size_t e, const double pos[3], const double rot[3]) {
  double R[9], mean[3] = {0, 0, 0};
  cz_cell_frame_rotation(rot[0], rot[1], rot[2], R);
  double *p = &x->pts[3 * x->first[e]];
  const size_t n = x->size[e];
  for (size_t k = 0; k < n; k++) {
    const double q[3] = {p[3 * k], p[3 * k + 1], p[3 * k + 2]};
    for (int a = 0; a < 3; a++) p[3 * k + a] = R[3 * a] * q[0] + R[3 * a + 1] * q[1] + R[3 * a + 2] * q[2];
  }
  for (int a = 0; a < 3; a++) {
    for (size_t k = 0; k < n; k++) mean[a] += p[3 * k + a];
    mean[a] /= (double)n;
  }
  for (int a = 0; a < 3; a++) {
    const double shift = pos[a] - mean[a];
    for (size_t k = 0; k < n; k++) p[3 * k + a] += shift;
  }
}

static cz_status read_electrode(cz_bio_xstim *x, const cz_csv *tab, size_t r, const char *mesh_dir, size_t *cap) {
  static const char *const pcol[3] = {"pos_x", "pos_y", "pos_z"},
                           *const rcol[3] = {"rotation_x", "rotation_y", "rotation_z"};
  double pos[3], rot[3];
  for (int a = 0; a < 3; a++) {
    CZ_TRY(cell_number(tab, r, pcol[a], x->positions, &pos[a]));
    CZ_TRY(cell_number(tab, r, rcol[a], x->positions, &rot[a]));
  }
  const int mc = cz_csv_col(tab, "electrode_mesh_file");
  const char *mesh = mc >= 0 ? cz_csv_cell(tab, r, (size_t)mc) : NULL;
  char *path = NULL;
  if (mesh) CZ_TRY(cz_path_join(mesh_dir, mesh, &path));
  cz_status st = read_mesh(x, path, r, cap);
  free(path);
  if (st != CZ_OK) return cz_error_prefix(st, "%s: line %zu: electrode_mesh_file", x->positions, r + 2);
  place_mesh(x, r, pos, rot);
  return CZ_OK;
}

static cz_status read_electrodes(cz_bio_xstim *x, const cz_cfg_block *b) {
  const cJSON *md = cJSON_GetObjectItemCaseSensitive(b->json, "mesh_files_dir");
  CZ_CHECK(!md || cJSON_IsNull(md) || (cJSON_IsString(md) && md->valuestring[0]), CZ_ERR_CONFIG,
           "%s.mesh_files_dir must be the path of a folder", x->where);
  char *dir = NULL;
  if (md && cJSON_IsString(md)) CZ_TRY(cz_strdup(md->valuestring, &dir));
  else CZ_TRY(cz_path_dirname(x->positions, &dir));
  cz_csv *tab = NULL;
  cz_status st = cz_csv_read(x->positions, &tab);
  if (st != CZ_OK) st = cz_error_prefix(st, "%s.positions_file", x->where);
  if (st == CZ_OK && tab->nrows < 1)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no electrodes (%s.positions_file)", x->positions, x->where);
  size_t cap = 0;
  if (st == CZ_OK) {
    x->nel = tab->nrows;
    if (!(x->first = cz_calloc(x->nel, sizeof *x->first)) || !(x->size = cz_calloc(x->nel, sizeof *x->size)))
      st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t r = 0; st == CZ_OK && r < x->nel; r++) st = read_electrode(x, tab, r, dir, &cap);
  cz_csv_destroy(&tab);
  free(dir);
  return st;
}

static cz_status read_resistance(const cz_cfg_block *b, const char *where, bool quiet, double *rho) {
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(b->json, "resistance");
  *rho = XSTIM_RHO;
  if (!r) return CZ_OK;
  CZ_CHECK(cJSON_IsNumber(r) && isfinite(r->valuedouble) && r->valuedouble > 0, CZ_ERR_CONFIG,
           "%s.resistance must be a positive number (the medium's resistivity, Ω·cm)", where);
  *rho = r->valuedouble;
  if (!quiet && *rho != XSTIM_RHO)
    cz_log_info("%s.resistance: %g Ω·cm; BMTK 1.0.8 ignores the key and uses 300 Ω·cm", where, *rho);
  return CZ_OK;
}

static cz_status read_block(const cz_config *cfg, const cz_cfg_block *b, cz_bio_xstim *x) {
  const char *file = file_of(cfg, b);
  CZ_TRY(check_keys(cfg, file, b, x->quiet));
  CZ_TRY(cz_asprintf(&x->where, "%s: inputs.%s", file, b->name));
  const cJSON *pf = cJSON_GetObjectItemCaseSensitive(b->json, "positions_file");
  CZ_CHECK(cJSON_IsString(pf) && pf->valuestring[0], CZ_ERR_CONFIG,
           "config: missing key \"inputs.%s.positions_file\" (the electrodes: pos_x pos_y pos_z rotation_x rotation_y "
           "rotation_z [electrode_mesh_file]) in %s", b->name, file);
  CZ_TRY(cz_strdup(pf->valuestring, &x->positions));
  CZ_TRY(read_resistance(b, x->where, x->quiet, &x->rho));
  CZ_TRY(read_waveform(file, b, x->where, x->quiet, &x->wave));
  return read_electrodes(x, b);
}

/* The enabled xstim block; a second one, or one beside a comsol block, is refused. */
static cz_status find_block(const cz_config *cfg, const cz_cfg_block **out) {
  *out = NULL;
  const cz_cfg_block *comsol = NULL;
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (is_comsol(b)) comsol = b;
    if (!is_xstim(b)) continue;
    CZ_CHECK(!*out, CZ_ERR_CONFIG,
             "%s: inputs.%s and inputs.%s are both xstim inputs; BMTK keeps only the last one's potential at each "
             "step, so Cadenza takes one (disable the other, or list every electrode in one positions file)",
             file_of(cfg, b), (*out)->name, b->name);
    *out = b;
  }
  CZ_CHECK(!*out || !comsol, CZ_ERR_CONFIG,
           "%s: inputs.%s (xstim) and inputs.%s (comsol) would each overwrite the other's extracellular potential at "
           "every step, as in BMTK; Cadenza runs one of them (disable the other)",
           file_of(cfg, *out), (*out)->name, comsol ? comsol->name : "");
  return CZ_OK;
}

static cz_status build(const cz_config *cfg, double dt, int nthreads, bool quiet, cz_bio_xstim **out) {
  *out = NULL;
  const cz_cfg_block *b = NULL;
  CZ_TRY(find_block(cfg, &b));
  if (!b) return CZ_OK;
  cz_bio_xstim *x = cz_calloc(1, sizeof *x);
  CZ_CHECK(x, CZ_ERR_NOMEM, "out of memory");
  *out = x;
  x->dt = dt;
  x->quiet = quiet;
  x->closest = INFINITY;
  x->nthreads = nthreads;
  CZ_NEW(x->th, (size_t)nthreads);
  return read_block(cfg, b, x);
}

cz_status cz_bio_xstim_check(const cz_config *cfg) {
  cz_bio_xstim *x = NULL;
  cz_status st = build(cfg, cfg->dt, 1, true, &x);
  cz_bio_xstim_free(&x);
  return st;
}

cz_status cz_bio_xstim_create(const cz_config *cfg, double dt, int nthreads, cz_bio_xstim **out) {
  return build(cfg, dt, nthreads, false, out);
}

/* ------------------------------------------------------------------ the cells */

double cz_bio_xstim_waveform(const cz_bio_xstim *x, double t) { return wave_at(&x->wave, t); }

size_t cz_bio_xstim_electrodes(const cz_bio_xstim *x) { return x->nel; }

const double *cz_bio_xstim_mesh(const cz_bio_xstim *x, size_t el, size_t *npts) {
  *npts = x->size[el];
  return &x->pts[3 * x->first[el]];
}

double cz_bio_xstim_potential(const cz_bio_xstim *x, const double p[3], double w) {
  double v = 0.0;
  for (size_t e = 0; e < x->nel; e++)
    v += w / (double)x->size[e] * cz_bio_xstim_transfer(&x->pts[3 * x->first[e]], x->size[e], p, x->rho, NULL);
  return v * 1e6;
}

double cz_bio_xstim_transfer(const double *xyz, size_t npts, const double p[3], double rho, double *closest) {
  double sum = 0.0, rmin = INFINITY;
  for (size_t k = 0; k < npts; k++) {
    const double dx = xyz[3 * k] - p[0], dy = xyz[3 * k + 1] - p[1], dz = xyz[3 * k + 2] - p[2];
    const double r = sqrt(dx * dx + dy * dy + dz * dz);
    rmin = fmin(rmin, r);
    sum += 1.0 / r;
  }
  if (closest) *closest = rmin;
  return sum * ((rho / (4 * M_PI)) * 0.01);
}

static cz_status too_close(const cz_bio_xstim *x, const cz_node_pop *np, size_t row, size_t e, const double p[3],
                           double r) {
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: node %llu of %s has a segment centre at (%.2f, %.2f, %.2f) µm, %.3g µm from a point of "
                  "electrode %zu (line %zu of %s): the electrode is too close (under %g µm, where BMTK stops)",
                  x->where, (unsigned long long)cz_node_id(np, row), np->name, p[0], p[1], p[2], r, e, e + 2,
                  x->positions, XSTIM_MIN_DISTANCE);
}

/* One thread binding one cell. */
typedef struct bind_ctx {
  cz_bio_xstim *x;
  thread_map *m;
  const cz_node_pop *np;
  size_t row;
} bind_ctx;

/* Segment centre p, cable node cnode: its transfer from each electrode. */
static cz_status map_segment(void *ctx, const double p[3], uint32_t cnode) {
  const bind_ctx *b = ctx;
  cz_bio_xstim *x = b->x;
  thread_map *m = b->m;
  CZ_RESERVE(m->cnode, m->cap_cnode, m->n + 1);
  CZ_RESERVE(m->T, m->cap_T, (m->n + 1) * x->nel);
  for (size_t e = 0; e < x->nel; e++) {
    double r = 0;
    m->T[m->n * x->nel + e] = cz_bio_xstim_transfer(&x->pts[3 * x->first[e]], x->size[e], p, x->rho, &r);
    if (!(r >= XSTIM_MIN_DISTANCE)) return too_close(x, b->np, b->row, e, p, r);
    x->closest = fmin(x->closest, r);
  }
  m->cnode[m->n++] = cnode;
  return CZ_OK;
}

cz_status cz_bio_xstim_bind(cz_bio_xstim *x, const cz_node_pop *np, size_t row, int tid, cz_bio_thread *th,
                            size_t cell) {
  bind_ctx b = {x, &x->th[tid], np, row};
  return cz_cell_frame_each_centre(np, row, &th->cells, cell, map_segment, &b);
}

cz_status cz_bio_xstim_ready(cz_bio_xstim *x, int tid, cz_bio_thread *th) {
  CZ_NEW(x->th[tid].scale, x->nel);
  if (tid == x->nthreads - 1 && isfinite(x->closest))
    cz_log_info("%s: %zu electrode%s; the segment centre nearest to an electrode point lies %.4g µm from it", x->where,
                x->nel, x->nel == 1 ? "" : "s", x->closest);
  return cz_cable_use_vext(&th->cells.cable);
}

/* ------------------------------------------------------------------ the steps */

void cz_bio_xstim_apply(cz_bio_xstim *x, int tid, cz_bio_thread *th, int64_t u) {
  if (u < 1) return; /* step 0 runs before BMTK's first call */
  thread_map *m = &x->th[tid];
  const double w = wave_at(&x->wave, x->dt * (double)u);
  const size_t nel = x->nel;
  double *scale = m->scale;
  for (size_t e = 0; e < nel; e++) scale[e] = w / (double)x->size[e];
  double *vext = th->cells.cable.vext;
  for (size_t i = 0; i < m->n; i++) {
    const double *T = &m->T[i * nel];
    double v = 0.0;
    for (size_t e = 0; e < nel; e++) v += scale[e] * T[e];
    vext[m->cnode[i]] = v * 1e6;
  }
  cz_cable_settle_vext(&th->cells.cable);
}

void cz_bio_xstim_free(cz_bio_xstim **px) {
  cz_bio_xstim *x = *px;
  if (!x) return;
  for (int t = 0; x->th && t < x->nthreads; t++) free(x->th[t].cnode), free(x->th[t].T), free(x->th[t].scale);
  free(x->th);
  free(x->wave.t), free(x->wave.a);
  free(x->pts), free(x->first), free(x->size);
  free(x->where), free(x->positions);
  free(x);
  *px = NULL;
}
