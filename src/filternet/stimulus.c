#include "filternet/stimulus.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"

typedef struct keys {
  const cz_cfg_block *b;
  const char *file;
} keys;

static const cJSON *key(const keys *k, const char *name) { return cJSON_GetObjectItemCaseSensitive(k->b->json, name); }

/* A number key: required (dflt NAN) or with a default. */
static cz_status num(const keys *k, const char *name, double dflt, double *out) {
  const cJSON *v = key(k, name);
  if (!v || cJSON_IsNull(v)) {
    CZ_CHECK(!isnan(dflt), CZ_ERR_CONFIG, "config: missing key \"inputs.%s.%s\" in %s", k->b->name, name, k->file);
    *out = dflt;
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_CONFIG, "%s: inputs.%s.%s must be a number",
           k->file, k->b->name, name);
  *out = v->valuedouble;
  return CZ_OK;
}

static cz_status positive(const keys *k, const char *name, double dflt, double *out) {
  CZ_TRY(num(k, name, dflt, out));
  CZ_CHECK(*out > 0, CZ_ERR_CONFIG, "%s: inputs.%s.%s must be positive, not %g", k->file, k->b->name, name, *out);
  return CZ_OK;
}

size_t cz_fn_frame_count(double t0, double t1, double fr) {
  const double n = (t1 - t0) * fr;
  return n + 1 > 0 ? (size_t)ceil(n + 1) : 0;
}

/* numpy's linspace(0, stop, n): i * (stop / (n - 1)), the last exactly stop. */
static void linspace(double stop, size_t n, double *out) {
  if (n == 1) {
    out[0] = 0;
    return;
  }
  const double step = stop / (double)(n - 1);
  for (size_t i = 0; i < n; i++) out[i] = (double)i * step + 0.0;
  out[n - 1] = stop;
}

static cz_status ranges(cz_fn_movie *m) {
  CZ_NEW(m->row, m->R);
  CZ_NEW(m->col, m->C);
  return CZ_OK;
}

static cz_status pixel_ranges(cz_fn_movie *m) {
  CZ_TRY(ranges(m));
  for (size_t r = 0; r < m->R; r++) m->row[r] = (double)r;
  for (size_t c = 0; c < m->C; c++) m->col[c] = (double)c;
  return CZ_OK;
}

/* The frame sizes of row_size and col_size (pixels, truncated). */
static cz_status pixel_size(const keys *k, double dr, double dc, cz_fn_movie *m) {
  double rs = 0, cs = 0;
  CZ_TRY(positive(k, "row_size", dr, &rs));
  CZ_TRY(positive(k, "col_size", dc, &cs));
  CZ_CHECK(rs < 1e5 && cs < 1e5, CZ_ERR_CONFIG, "%s: inputs.%s: a frame of %g x %g pixels", k->file, k->b->name, rs, cs);
  m->R = (size_t)rs, m->C = (size_t)cs;
  return CZ_OK;
}

static cz_status open_grating(const keys *k, double tstop_s, cz_fn_movie *m) {
  double rs = 0, cs = 0, gray_ms = 0, theta = 0, phase = 0, dpp = 0;
  CZ_TRY(positive(k, "row_size", NAN, &rs));
  CZ_TRY(positive(k, "col_size", NAN, &cs));
  CZ_TRY(positive(k, "frame_rate", 1000.0, &m->fr));
  CZ_TRY(num(k, "gray_screen_dur", NAN, &gray_ms));
  CZ_TRY(positive(k, "cpd", 0.05, &m->cpd));
  CZ_TRY(num(k, "temporal_f", 4.0, &m->tf));
  CZ_TRY(num(k, "theta", 45.0, &theta));
  CZ_TRY(num(k, "phase", 0.0, &phase));
  CZ_TRY(num(k, "contrast", 1.0, &m->contrast));
  CZ_CHECK(m->contrast > 0 && m->contrast <= 1, CZ_ERR_CONFIG, "%s: inputs.%s.contrast must be in (0, 1], not %g", k->file,
           k->b->name, m->contrast);
  CZ_TRY(positive(k, "degrees_per_pixel", 1.0 / (m->cpd * 10.0), &dpp));
  const double g = gray_ms / 1000.0; /* BMTK divides by 1000 although its docs say seconds */
  CZ_CHECK(g >= 0 && g < tstop_s, CZ_ERR_CONFIG, "%s: inputs.%s.gray_screen_dur %g ms leaves no grating before run.tstop",
           k->file, k->b->name, gray_ms);
  m->R = (size_t)(rs / dpp), m->C = (size_t)(cs / dpp);
  CZ_CHECK(m->R >= 2 && m->C >= 2 && m->R < 100000 && m->C < 100000, CZ_ERR_CONFIG,
           "%s: inputs.%s: %g x %g degrees at %g degrees per pixel make %zu x %zu pixels", k->file, k->b->name, rs, cs, dpp,
           m->R, m->C);
  CZ_TRY(ranges(m));
  double rsn = 0, csn = 0;
  CZ_TRY(num(k, "row_size_new", 0.0, &rsn));
  CZ_TRY(num(k, "col_size_new", 0.0, &csn));
  linspace(rsn > 0 ? rsn : rs, m->R, m->row);
  linspace(csn > 0 ? csn : cs, m->C, m->col);
  const size_t N = (size_t)nearbyint(m->fr * (tstop_s - g)) + 1;
  const size_t ngray = g > 0 ? cz_fn_frame_count(0, g, m->fr) : 0;
  m->ngray = ngray;
  m->T = g > 0 ? ngray + N - 1 : N;
  CZ_NEW(m->tt, N);
  linspace(tstop_s - g, N, m->tt);
  if (g > 0) memmove(m->tt, m->tt + 1, (N - 1) * sizeof *m->tt); /* the gray frames replace G's first */
  const double th = M_PI * (180.0 - theta) / 180.0;
  m->ct = cos(th), m->st = sin(th);
  m->ph = M_PI * (180.0 - phase) / 180.0;
  if (gray_ms > 0 && gray_ms < 50)
    cz_log_info("%s: inputs.%s.gray_screen_dur %g is read in ms, as BMTK reads it: %zu gray frame(s)", k->file,
                k->b->name, gray_ms, ngray);
  return CZ_OK;
}

static cz_status open_flash(const keys *k, double tstop_s, cz_fn_movie *m) {
  CZ_TRY(pixel_size(k, NAN, NAN, m));
  CZ_TRY(num(k, "t_on", NAN, &m->t_on));
  CZ_TRY(num(k, "t_off", NAN, &m->t_off));
  CZ_TRY(num(k, "max_intensity", 1.0, &m->level));
  const cJSON *fr = key(k, "frame_rate");
  CZ_TRY(positive(k, "frame_rate", 24.0, &m->fr));
  if (!fr) cz_log_info("%s: inputs.%s: full_field_flash at BMTK's default of 24 frames per second", k->file, k->b->name);
  CZ_CHECK(m->t_on < m->t_off, CZ_ERR_CONFIG, "%s: inputs.%s: t_on %g must come before t_off %g (ms, absolute times)",
           k->file, k->b->name, m->t_on, m->t_off);
  m->T = cz_fn_frame_count(0, tstop_s, m->fr);
  return pixel_ranges(m);
}

static cz_status open_looming(const keys *k, cz_fn_movie *m) {
  double rs = 0, cs = 0, tl = 0;
  CZ_TRY(positive(k, "row_size", NAN, &rs));
  CZ_TRY(positive(k, "col_size", NAN, &cs));
  CZ_TRY(positive(k, "frame_rate", 1000.0, &m->fr));
  CZ_TRY(positive(k, "t_looming", 1.0, &tl));
  if (key(k, "gray_screen_dur"))
    cz_log_info("%s: inputs.%s.gray_screen_dur is ignored, as BMTK ignores it: looming starts after 0.5 s of gray",
                k->file, k->b->name);
  m->R = (size_t)(rs / 1.0), m->C = (size_t)(cs / 1.0);
  CZ_CHECK(m->R >= 2 && m->C >= 2 && m->R < 100000 && m->C < 100000, CZ_ERR_CONFIG, "%s: inputs.%s: a %g x %g frame",
           k->file, k->b->name, rs, cs);
  CZ_TRY(ranges(m));
  linspace(rs, m->R, m->row);
  linspace(cs, m->C, m->col);
  m->ngray = (size_t)nearbyint(m->fr * 0.5);
  m->T = m->ngray + (size_t)nearbyint(m->fr * tl);
  m->disc_r = rs / 2, m->disc_c = cs / 2;
  return CZ_OK;
}

static cz_status open_gray(const keys *k, double tstop_s, cz_fn_movie *m) {
  CZ_TRY(pixel_size(k, 120.0, 240.0, m));
  CZ_TRY(positive(k, "frame_rate", 1000.0, &m->fr));
  m->T = cz_fn_frame_count(0, tstop_s, m->fr);
  return pixel_ranges(m);
}

/* A range list of n values, or 0 .. n - 1. */
static cz_status range_key(const keys *k, const char *name, size_t n, double *out) {
  const cJSON *v = key(k, name);
  if (!v || cJSON_IsNull(v)) {
    for (size_t i = 0; i < n; i++) out[i] = (double)i;
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsArray(v) && (size_t)cJSON_GetArraySize(v) == n, CZ_ERR_CONFIG,
           "%s: inputs.%s.%s must list one value per %s of the movie (%zu)", k->file, k->b->name, name,
           strcmp(name, "row_range") == 0 ? "row" : "column", n);
  size_t i = 0;
  for (const cJSON *e = v->child; e; e = e->next, i++) {
    CZ_CHECK(cJSON_IsNumber(e) && isfinite(e->valuedouble), CZ_ERR_CONFIG, "%s: inputs.%s.%s[%zu] must be a number",
             k->file, k->b->name, name, i);
    out[i] = e->valuedouble;
  }
  return CZ_OK;
}

static cz_status frame_rate_of_npy(const keys *k, cz_fn_movie *m) {
  const cJSON *tr = key(k, "t_range");
  if (key(k, "frame_rate") || !tr) return positive(k, "frame_rate", NAN, &m->fr);
  CZ_CHECK(cJSON_IsArray(tr) && cJSON_GetArraySize(tr) >= 2, CZ_ERR_CONFIG,
           "%s: inputs.%s.t_range must list the frames' times (s)", k->file, k->b->name);
  double first = NAN, last = NAN;
  int n = 0;
  for (const cJSON *e = tr->child; e; e = e->next, n++) {
    CZ_CHECK(cJSON_IsNumber(e), CZ_ERR_CONFIG, "%s: inputs.%s.t_range[%d] must be a number", k->file, k->b->name, n);
    if (n == 0) first = e->valuedouble;
    last = e->valuedouble;
  }
  const double mean = (last - first) / (double)(n - 1); /* numpy's mean of the differences */
  CZ_CHECK(mean > 0, CZ_ERR_CONFIG, "%s: inputs.%s.t_range must increase", k->file, k->b->name);
  m->fr = 1.0 / mean;
  return CZ_OK;
}

/* BMTK's normalize: the movie's contrast range mapped onto [-1, 1]. */
static cz_status contrast_range(const keys *k, cz_fn_movie *m) {
  const cJSON *nz = key(k, "normalize");
  if (!nz || cJSON_IsFalse(nz) || cJSON_IsNull(nz)) return CZ_OK;
  m->normalize = true;
  const size_t n = m->R * m->C;
  double *f = cz_calloc(n + 1, sizeof *f), lo = INFINITY, hi = -INFINITY;
  CZ_CHECK(f, CZ_ERR_NOMEM, "out of memory");
  cz_status st = CZ_OK;
  for (size_t t = 0; st == CZ_OK && t < m->T; t++) {
    st = cz_npy_frame(&m->npy, t, f);
    for (size_t i = 0; st == CZ_OK && i < n; i++) lo = fmin(lo, f[i]), hi = fmax(hi, f[i]);
  }
  free(f);
  CZ_TRY(st);
  if (cJSON_IsArray(nz)) {
    CZ_CHECK(cJSON_GetArraySize(nz) == 2 && cJSON_IsNumber(nz->child) && cJSON_IsNumber(nz->child->next), CZ_ERR_CONFIG,
             "%s: inputs.%s.normalize must be true, false or [c_min, c_max]", k->file, k->b->name);
    m->cmin = nz->child->valuedouble, m->cmax = nz->child->next->valuedouble;
    CZ_CHECK(m->cmin < m->cmax && lo >= m->cmin && hi <= m->cmax, CZ_ERR_CONFIG,
             "%s: inputs.%s.normalize [%g, %g] must be increasing and hold the movie's values [%g, %g]", k->file,
             k->b->name, m->cmin, m->cmax, lo, hi);
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsTrue(nz), CZ_ERR_CONFIG, "%s: inputs.%s.normalize must be true, false or [c_min, c_max]", k->file,
           k->b->name);
  if (lo >= 0 && hi <= 1) m->cmin = 0, m->cmax = 1;
  else if (lo >= -1 && hi <= 1) m->normalize = false;
  else if (lo >= 0 && hi < 256) m->cmin = 0, m->cmax = 255;
  else m->cmin = lo, m->cmax = hi;
  return CZ_OK;
}

static cz_status open_npy(const keys *k, cz_fn_movie *m) {
  const cJSON *df = key(k, "data_file");
  CZ_CHECK(cJSON_IsString(df) && df->valuestring[0], CZ_ERR_CONFIG,
           "config: missing key \"inputs.%s.data_file\" (the .npy movie) in %s", k->b->name, k->file);
  cz_status st = cz_npy_open(df->valuestring, &m->npy);
  if (st != CZ_OK) return cz_error_prefix(st, "%s: inputs.%s.data_file", k->file, k->b->name);
  m->T = m->npy.shape[0], m->R = m->npy.shape[1], m->C = m->npy.shape[2];
  CZ_CHECK(m->R >= 2 && m->C >= 2, CZ_ERR_FORMAT, "%s: a movie needs at least 2 rows and 2 columns", df->valuestring);
  CZ_TRY(frame_rate_of_npy(k, m));
  CZ_TRY(ranges(m));
  CZ_TRY(range_key(k, "row_range", m->R, m->row));
  CZ_TRY(range_key(k, "col_range", m->C, m->col));
  return contrast_range(k, m);
}

cz_status cz_fn_movie_open(const cz_config *cfg, const cz_cfg_block *b, cz_fn_movie *m) {
  memset(m, 0, sizeof *m);
  const keys k = {b, b->file ? b->file : cfg->path};
  const char *mod = b->module ? b->module : "";
  const double tstop_s = cfg->tstop / 1000.0;
  cz_status st = CZ_OK;
  if (strcmp(mod, "graiting") == 0 || strcmp(mod, "grating") == 0) m->kind = CZ_FN_GRATING, st = open_grating(&k, tstop_s, m);
  else if (strcmp(mod, "full_field_flash") == 0) m->kind = CZ_FN_FLASH, st = open_flash(&k, tstop_s, m);
  else if (strcmp(mod, "looming") == 0) m->kind = CZ_FN_LOOMING, st = open_looming(&k, m);
  else if (strcmp(mod, "movie") == 0) m->kind = CZ_FN_NPY, st = open_npy(&k, m);
  else if (strcmp(mod, "spontaneous") == 0) m->kind = CZ_FN_GRAY, st = open_gray(&k, tstop_s, m);
  else
    st = CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: inputs.%s.module \"%s\" is not a movie Cadenza makes (graiting, full_field_flash, looming, movie, "
                  "spontaneous)%s", k.file, b->name, mod,
                  strcmp(mod, "full_field") == 0 ? "; BMTK's full_field is not implemented either" : "");
  if (st == CZ_OK && m->T == 0)
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s makes a movie of no frames (run.tstop %g ms)", k.file, b->name, cfg->tstop);
  if (st == CZ_OK) {
    m->rp = m->row[1] - m->row[0], m->cp = m->col[1] - m->col[0];
    m->rmid = (m->row[m->R - 1] + m->row[0]) / 2, m->cmid = (m->col[m->C - 1] + m->col[0]) / 2;
    if (!(m->rp != 0 && m->cp != 0 && isfinite(m->rp) && isfinite(m->cp)))
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s: the row and column ranges must step (pitches %g, %g)", k.file, b->name,
                    m->rp, m->cp);
  }
  if (st != CZ_OK) cz_fn_movie_free(m);
  return st;
}

static void fill(double *out, size_t n, double v) {
  for (size_t i = 0; i < n; i++) out[i] = v;
}

static void grating_frame(const cz_fn_movie *m, size_t k, double *out) {
  const double t = m->tt[k - m->ngray];
  const double two_pi = 2.0 * M_PI;
  for (size_t r = 0; r < m->R; r++)
    for (size_t c = 0; c < m->C; c++)
      out[r * m->C + c] =
          m->contrast * sin(two_pi * (m->cpd * (m->col[c] * m->ct + m->row[r] * m->st) + m->tf * t) + m->ph);
}

static void looming_frame(const cz_fn_movie *m, size_t k, double *out) {
  const double radius2 = fmod((double)(k - m->ngray) / (4.0 / 3.0), 625.0);
  for (size_t r = 0; r < m->R; r++)
    for (size_t c = 0; c < m->C; c++) {
      const double dr = (double)r - m->disc_r, dc = (double)c - m->disc_c;
      out[r * m->C + c] = dr * dr + dc * dc <= radius2 ? -1.0 : 0.0;
    }
}

cz_status cz_fn_movie_frame(cz_fn_movie *m, size_t k, double *out) {
  const size_t n = m->R * m->C;
  CZ_CHECK(k < m->T, CZ_ERR_INTERNAL, "frame %zu of %zu", k, m->T);
  switch (m->kind) {
    case CZ_FN_GRATING:
      if (k < m->ngray) fill(out, n, 0.0);
      else grating_frame(m, k, out);
      return CZ_OK;
    case CZ_FN_FLASH: {
      const double tau = (double)k * (1.0 / m->fr);
      fill(out, n, m->t_on / 1000.0 <= tau && tau < m->t_off / 1000.0 ? m->level : 0.0);
      return CZ_OK;
    }
    case CZ_FN_LOOMING:
      if (k < m->ngray) fill(out, n, 0.0);
      else looming_frame(m, k, out);
      return CZ_OK;
    case CZ_FN_NPY:
      CZ_TRY(cz_npy_frame(&m->npy, k, out));
      if (m->normalize)
        for (size_t i = 0; i < n; i++) out[i] = (out[i] - m->cmin) * 2.0 / (m->cmax - m->cmin) - 1.0;
      return CZ_OK;
    case CZ_FN_GRAY: fill(out, n, 0.0); return CZ_OK;
  }
  return CZ_ERROR(CZ_ERR_INTERNAL, "unknown movie kind %d", (int)m->kind);
}

void cz_fn_movie_free(cz_fn_movie *m) {
  free(m->row);
  free(m->col);
  free(m->tt);
  cz_npy_close(&m->npy);
  memset(m, 0, sizeof *m);
}
