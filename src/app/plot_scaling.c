#include "app/plot_scaling.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/svg.h"
#include "base/mem.h"
#include "base/str.h"

enum { WIDTH = 1000, HEIGHT = 520, MAX_SERIES = 8 };

typedef struct run_row {
  int ranks, threads;
  double run_s;
} run_row;

typedef struct study {
  bool weak;
  char name[64];
  size_t n, cap;
  run_row *r;
} study;

/* The slowest rank's time of a phase of a timers.json object, or NaN. */
static double phase_max(const cJSON *timers, const char *phase) {
  const cJSON *p = NULL;
  cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(timers, "phases")) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name"), *max = cJSON_GetObjectItemCaseSensitive(p, "max");
    if (cJSON_IsString(name) && strcmp(name->valuestring, phase) == 0 && cJSON_IsNumber(max)) return max->valuedouble;
  }
  return NAN;
}

/* The simulation time: the run phase without its report and spike-journal writing, which
 * measure the file system rather than the simulator. */
static bool run_seconds(const cJSON *timers, double *out) {
  const double run = phase_max(timers, "run"), report = phase_max(timers, "run.report");
  *out = run - (isnan(report) ? 0.0 : report);
  return !isnan(run);
}

static cz_status add_row(study *s, const char *path, size_t line, const cJSON *j) {
  const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "study"), *r = cJSON_GetObjectItemCaseSensitive(j, "ranks"),
              *t = cJSON_GetObjectItemCaseSensitive(j, "threads"), *model = cJSON_GetObjectItemCaseSensitive(j, "model");
  double secs = 0;
  CZ_CHECK(cJSON_IsString(kind) && cJSON_IsNumber(r) && cJSON_IsNumber(t) && r->valueint > 0 && t->valueint > 0 &&
               run_seconds(cJSON_GetObjectItemCaseSensitive(j, "timers"), &secs) && secs > 0,
           CZ_ERR_FORMAT, "%s:%zu: a row needs study, ranks, threads and timers with a run phase", path, line);
  const bool weak = strcmp(kind->valuestring, "weak") == 0;
  CZ_CHECK(weak || strcmp(kind->valuestring, "strong") == 0, CZ_ERR_FORMAT, "%s:%zu: study must be strong or weak",
           path, line);
  if (s->n == 0) {
    s->weak = weak;
    snprintf(s->name, sizeof s->name, "%s", cJSON_IsString(model) ? model->valuestring : "");
  }
  CZ_CHECK(weak == s->weak, CZ_ERR_FORMAT, "%s:%zu: strong and weak rows are mixed in one file", path, line);
  CZ_RESERVE(s->r, s->cap, s->n + 1);
  s->r[s->n++] = (run_row){r->valueint, t->valueint, secs};
  return CZ_OK;
}

static cz_status read_rows(const char *path, study *s) {
  char *text = NULL;
  CZ_TRY(cz_read_file(path, &text, NULL));
  cz_status st = CZ_OK;
  size_t line = 0;
  for (char *p = text, *nl; st == CZ_OK && p && *p; p = nl ? nl + 1 : NULL) {
    nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    line++;
    if (strspn(p, " \t\r") == strlen(p)) continue;
    cJSON *j = cJSON_Parse(p);
    st = j ? add_row(s, path, line, j) : CZ_ERROR(CZ_ERR_FORMAT, "%s:%zu: not a JSON object", path, line);
    cJSON_Delete(j);
  }
  free(text);
  CZ_TRY(st);
  CZ_CHECK(s->n > 0, CZ_ERR_FORMAT, "%s: no runs", path);
  return CZ_OK;
}

static int cores_of(const run_row *r) { return r->ranks * r->threads; }

static int by_cores(const void *pa, const void *pb) {
  const run_row *a = pa, *b = pb;
  if (cores_of(a) != cores_of(b)) return cores_of(a) - cores_of(b);
  return a->threads - b->threads;
}

/* The value plotted for run r, against the reference run b. */
static double value_of(const study *s, const run_row *b, const run_row *r, bool eff) {
  if (!eff) return r->run_s;
  const double ideal = s->weak ? b->run_s : b->run_s * cores_of(b) / cores_of(r);
  return 100.0 * ideal / r->run_s;
}

/* Series: runs with the same number of threads per rank (1 x T, 2 x T, ...), so that rank and
 * thread scaling show apart. */
static size_t series_of(const study *s, int *threads) {
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++) {
    bool seen = false;
    for (size_t k = 0; k < n; k++) seen |= threads[k] == s->r[i].threads;
    if (!seen && n < MAX_SERIES) threads[n++] = s->r[i].threads;
  }
  return n;
}

static void series_label(int threads, char *label, size_t n) {
  snprintf(label, n, "ranks x %d thread%s", threads, threads == 1 ? "" : "s");
}

static size_t draw(const study *s, bool eff, FILE *fp) {
  const run_row *b = &s->r[0];
  double xmax = 1, ymax = 0;
  for (size_t i = 0; i < s->n; i++) {
    xmax = fmax(xmax, cores_of(&s->r[i]));
    ymax = fmax(ymax, value_of(s, b, &s->r[i], eff));
  }
  if (eff) ymax = fmax(ymax, 100.0);
  char title[256];
  snprintf(title, sizeof title, "%s scaling%s%s: %s", s->weak ? "Weak" : "Strong", s->name[0] ? " of " : "", s->name,
           eff ? "parallel efficiency" : "simulation time");
  /* cores on a log2 axis from 1 to the power of two at or above the largest run */
  const double xmin = 1;
  double xend = 2;
  while (xend < xmax) xend *= 2;
  int threads[MAX_SERIES];
  const size_t ns = series_of(s, threads);
  cz_svg_layout lay = {strlen("ideal"), true};
  for (size_t k = 0; k < ns; k++) {
    char label[64];
    series_label(threads[k], label, sizeof label);
    if (strlen(label) > lay.legend_chars) lay.legend_chars = strlen(label);
  }
  cz_svg g;
  cz_svg_begin(&g, fp, WIDTH, HEIGHT, &lay, title, "cores (ranks x threads)",
               eff ? "efficiency (%)" : "simulation time (s)", xmin, xend, 0, ymax * 1.1);
  /* the ideal, from the reference run */
  double ix[2] = {cores_of(b), xmax}, iy[2];
  for (int k = 0; k < 2; k++) iy[k] = eff ? 100.0 : b->run_s; /* flat: efficiency, or weak-scaling time */
  if (eff || s->weak) cz_svg_polyline(&g, "ideal", "#999999", ix, iy, 2);
  else {
    double cx[64], cy[64];
    size_t m = 0;
    const double c0 = cores_of(b), ratio = xmax > c0 ? pow(xmax / c0, 1.0 / 63.0) : 2.0;
    for (double c = c0; c <= xmax * (1 + 1e-9) && m < 64; c *= ratio, m++) {
      cx[m] = c;
      cy[m] = b->run_s * c0 / c;
    }
    cz_svg_polyline(&g, "ideal", "#999999", cx, cy, m);
  }
  cz_svg_legend(&g, 0, "#999999", "ideal");
  size_t marks = 0;
  for (size_t k = 0; k < ns; k++) {
    double x[256], y[256];
    size_t m = 0;
    for (size_t i = 0; i < s->n && m < 256; i++) {
      if (s->r[i].threads != threads[k]) continue;
      x[m] = cores_of(&s->r[i]);
      y[m] = value_of(s, b, &s->r[i], eff);
      cz_svg_dot(&g, "point", cz_svg_color(k), x[m], y[m], 4.0);
      m++;
      marks++;
    }
    cz_svg_polyline(&g, "series", cz_svg_color(k), x, y, m);
    char label[64];
    series_label(threads[k], label, sizeof label);
    cz_svg_legend(&g, (int)k + 1, cz_svg_color(k), label);
  }
  cz_svg_end(&g);
  return marks;
}

cz_status cz_plot_scaling(const char *rows_path, const char *metric, FILE *fp, size_t *marks) {
  const char *m = metric ? metric : "time";
  CZ_CHECK(strcmp(m, "time") == 0 || strcmp(m, "efficiency") == 0, CZ_ERR_ARG,
           "plot scaling: --metric must be time or efficiency (got %s)", m);
  study s;
  memset(&s, 0, sizeof s);
  cz_status st = read_rows(rows_path, &s);
  if (st == CZ_OK) {
    qsort(s.r, s.n, sizeof *s.r, by_cores);
    *marks = draw(&s, strcmp(m, "efficiency") == 0, fp);
  }
  free(s.r);
  return st;
}
