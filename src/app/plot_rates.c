#include "app/plot_rates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/svg.h"
#include "base/mem.h"
#include "base/mt19937.h"
#include "base/str.h"
#include "filternet/cells.h"
#include "filternet/stimulus.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/filter_rates.h"
#include "io/pop_rates.h"

enum { WIDTH = 1000, HEIGHT = 520 };

bool cz_plot_is_rates_file(const char *path) { return cz_filter_rates_sniff(path) || cz_pop_rates_sniff(path); }

/* One curve per population: times t[0, n) and rates y. */
typedef struct curve {
  char label[128];
  double *t, *y;
  size_t n;
} curve;

static void draw_curves(FILE *fp, const char *title, curve *c, size_t nc) {
  double t0 = INFINITY, t1 = -INFINITY, y1 = 0;
  size_t chars = 0;
  for (size_t k = 0; k < nc; k++) {
    for (size_t i = 0; i < c[k].n; i++) {
      t0 = fmin(t0, c[k].t[i]), t1 = fmax(t1, c[k].t[i]);
      if (isfinite(c[k].y[i])) y1 = fmax(y1, c[k].y[i]);
    }
    chars = strlen(c[k].label) > chars ? strlen(c[k].label) : chars;
  }
  cz_svg g;
  const cz_svg_layout lay = {chars, false};
  cz_svg_begin(&g, fp, WIDTH, HEIGHT, &lay, title, "time (s)", "rate (Hz)", isfinite(t0) ? t0 : 0,
               isfinite(t1) ? t1 : 1, 0, y1 > 0 ? 1.05 * y1 : 1);
  for (size_t k = 0; k < nc; k++) {
    cz_svg_polyline(&g, "rate", cz_svg_color(k), c[k].t, c[k].y, c[k].n);
    cz_svg_legend(&g, (int)k, cz_svg_color(k), c[k].label);
  }
  cz_svg_end(&g);
}

static void free_curves(curve *c, size_t nc) {
  for (size_t k = 0; k < nc; k++) free(c[k].t), free(c[k].y);
  free(c);
}

/* PopNet: the file's blocks of one population each. */
static cz_status pop_curves(const char *path, curve **out, size_t *nc) {
  cz_pop_rates r;
  CZ_TRY(cz_pop_rates_read(path, &r));
  cz_status st = CZ_OK;
  *nc = 0;
  *out = NULL;
  for (size_t i = 0; st == CZ_OK && i < r.n;) {
    size_t j = i;
    while (j < r.n && r.type_id[j] == r.type_id[i]) j++;
    curve *c = realloc(*out, (*nc + 1) * sizeof *c);
    if (!c) {
      st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
      break;
    }
    *out = c;
    curve *k = &c[(*nc)++];
    memset(k, 0, sizeof *k);
    snprintf(k->label, sizeof k->label, "population %llu", (unsigned long long)r.type_id[i]);
    k->n = j - i;
    k->t = cz_calloc(k->n, sizeof *k->t), k->y = cz_calloc(k->n, sizeof *k->y);
    if (!k->t || !k->y) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t q = 0; st == CZ_OK && q < k->n; q++) k->t[q] = r.t[i + q], k->y[q] = r.rate[i + q];
    i = j;
  }
  cz_pop_rates_free(&r);
  return st;
}

/* FilterNet: each population's mean over its units, at the times of its first unit. */
static cz_status lgn_curves(const char *path, curve **out, size_t *nc) {
  cz_filter_rates_rows r;
  CZ_TRY(cz_filter_rates_read_csv(path, &r));
  *nc = r.npops;
  *out = cz_calloc(r.npops + 1, sizeof **out);
  cz_status st = *out ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; st == CZ_OK && p < r.npops; p++) {
    curve *k = &(*out)[p];
    size_t first = 0, units = 0;
    while (first < r.n && r.pop[first] != p) first++;
    size_t nt = 0;
    while (first + nt < r.n && r.pop[first + nt] == p && r.node_id[first + nt] == r.node_id[first]) nt++;
    k->n = nt;
    k->t = cz_calloc(nt + 1, sizeof *k->t), k->y = cz_calloc(nt + 1, sizeof *k->y);
    if (!k->t || !k->y) {
      st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
      break;
    }
    for (size_t q = 0; q < nt; q++) k->t[q] = r.t[first + q];
    for (size_t i = 0; i < r.n; i++)
      if (r.pop[i] == p) k->y[(i - first) % nt] += r.rate[i], units += (i - first) % nt == 0;
    for (size_t q = 0; q < nt; q++) k->y[q] /= (double)(units ? units : 1);
    snprintf(k->label, sizeof k->label, "%s (mean of %zu units)", r.pops[p], units);
  }
  cz_filter_rates_rows_free(&r);
  return st;
}

cz_status cz_plot_rates_file(const char *path, FILE *fp, size_t *marks) {
  curve *c = NULL;
  size_t nc = 0;
  const bool lgn = cz_filter_rates_sniff(path);
  cz_status st = lgn ? lgn_curves(path, &c, &nc) : pop_curves(path, &c, &nc);
  char title[512];
  snprintf(title, sizeof title, "%s rates: %s", lgn ? "FilterNet" : "PopNet", cz_path_basename(path));
  if (st == CZ_OK) draw_curves(fp, title, c, nc), *marks = nc;
  free_curves(c, nc);
  return st;
}

/* ------------------------------------------------------------------ receptive fields */

static cz_status movie_block(const cz_config *cfg, const cz_cfg_block **out) {
  *out = NULL;
  for (size_t i = 0; i < cfg->ninputs; i++)
    if (cfg->inputs[i].enabled && cfg->inputs[i].input_type && strcmp(cfg->inputs[i].input_type, "movie") == 0)
      *out = &cfg->inputs[i];
  CZ_CHECK(*out, CZ_ERR_ARG, "plot fields: %s has no movie input (a FilterNet config)", cfg->path);
  return CZ_OK;
}

static void draw_frame(const cz_svg *g, const cz_fn_movie *m, const double *frame) {
  for (size_t r = 0; r < m->R; r++)
    for (size_t c = 0; c < m->C; c++) {
      const double v = frame[r * m->C + c], level = fmin(255, fmax(0, 127.5 + 127.5 * v));
      const double x0 = cz_svg_x(g, m->col[c] - m->cp / 2), x1 = cz_svg_x(g, m->col[c] + m->cp / 2);
      const double y0 = cz_svg_y(g, m->row[r] - m->rp / 2), y1 = cz_svg_y(g, m->row[r] + m->rp / 2);
      const int l = (int)level;
      fprintf(g->fp, "<rect class=\"frame\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"rgb(%d,%d,%d)\"/>\n",
              fmin(x0, x1), fmin(y0, y1), fabs(x1 - x0), fabs(y1 - y0), l, l, l);
    }
}

static cz_status draw_fields(const cz_config *cfg, const cz_circuit *c, const cz_fn_movie *m, FILE *fp, size_t *marks) {
  double *frame = cz_calloc(m->R * m->C, sizeof *frame);
  CZ_CHECK(frame, CZ_ERR_NOMEM, "out of memory");
  cz_status st = cz_fn_movie_frame((cz_fn_movie *)m, 0, frame);
  cz_svg g;
  char title[512];
  snprintf(title, sizeof title, "receptive fields on the first frame: %s", cz_path_basename(cfg->path));
  const cz_svg_layout lay = {0, false};
  if (st == CZ_OK) {
    cz_svg_begin(&g, fp, WIDTH, HEIGHT, &lay, title, "x (columns)", "y (rows)", m->col[0] - m->cp / 2,
                 m->col[m->C - 1] + m->cp / 2, m->row[0] - m->rp / 2, m->row[m->R - 1] + m->rp / 2);
    draw_frame(&g, m, frame);
  }
  cz_mt19937 rng;
  cz_mt_seed(&rng, 1);
  cz_fn_json_cache cache = {0};
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++)
    for (size_t row = 0; st == CZ_OK && row < c->nodes[p].n; row++) {
      cz_fn_params prm;
      st = cz_fn_params_read(cfg, &c->nodes[p], row, &rng, &cache, &prm);
      if (st != CZ_OK) break;
      cz_svg_dot(&g, "field", cz_svg_color(p), prm.x, prm.y, 3);
      ++*marks;
      if (prm.model == CZ_FN_TWO_SUBUNIT) {
        const double phi = prm.tuning_angle * M_PI / 180.0;
        cz_svg_dot(&g, "field", cz_svg_color(p), prm.x + prm.sf_sep * cos(phi), prm.y + prm.sf_sep * sin(phi), 2);
        ++*marks;
      }
    }
  if (st == CZ_OK) cz_svg_end(&g);
  cz_fn_json_cache_free(&cache);
  free(frame);
  return st;
}

cz_status cz_plot_fields(const char *config, FILE *fp, size_t *marks) {
  cz_config *cfg = NULL;
  CZ_TRY(cz_cfg_load(config, NULL, &cfg));
  const cz_cfg_block *b = NULL;
  cz_circuit *c = NULL;
  cz_fn_movie m;
  memset(&m, 0, sizeof m);
  *marks = 0;
  cz_status st = movie_block(cfg, &b);
  if (st == CZ_OK) st = cz_fn_movie_open(cfg, b, &m);
  if (st == CZ_OK) st = cz_circuit_load_nodes(cfg, &c);
  if (st == CZ_OK) st = draw_fields(cfg, c, &m, fp, marks);
  cz_fn_movie_free(&m);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
  return st;
}
