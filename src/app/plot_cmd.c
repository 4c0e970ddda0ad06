#include "app/plot_cmd.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/plot_scaling.h"
#include "app/svg.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"
#include "io/node_sets.h"
#include "app/plot_rates.h"
#include "io/part_file.h"
#include "io/spike_input.h"

enum { WIDTH = 1000, HEIGHT = 520 };

typedef struct plot_opts {
  const char *kind, *input, *out, *population, *config, *node_set, *metric;
  double tmin, tmax;
  long long node;
} plot_opts;

/* One population's spikes after the filters. */
typedef struct pop_spikes {
  char *name;
  cz_spike_trains *t;
} pop_spikes;

typedef struct spike_set {
  size_t n;
  pop_spikes *p;
} spike_set;

static void spike_set_free(spike_set *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->p[i].name);
    cz_spike_trains_destroy(&s->p[i].t);
  }
  free(s->p);
}

static cz_status parse(int argc, char **argv, plot_opts *o) {
  *o = (plot_opts){NULL, NULL, NULL, NULL, NULL, NULL, NULL, NAN, NAN, -1};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const bool has = i + 1 < argc;
    if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && has) o->out = argv[++i];
    else if (strcmp(a, "--population") == 0 && has) o->population = argv[++i];
    else if (strcmp(a, "--config") == 0 && has) o->config = argv[++i];
    else if (strcmp(a, "--node-set") == 0 && has) o->node_set = argv[++i];
    else if (strcmp(a, "--metric") == 0 && has) o->metric = argv[++i];
    else if (strcmp(a, "--tmin") == 0 && has) CZ_CHECK(cz_parse_double(argv[++i], &o->tmin), CZ_ERR_ARG, "plot: --tmin needs a number");
    else if (strcmp(a, "--tmax") == 0 && has) CZ_CHECK(cz_parse_double(argv[++i], &o->tmax), CZ_ERR_ARG, "plot: --tmax needs a number");
    else if (strcmp(a, "--node") == 0 && has)
      CZ_CHECK(cz_parse_int64(argv[++i], &o->node) && o->node >= 0, CZ_ERR_ARG, "plot: --node needs a node id");
    else if (a[0] != '-' && !o->kind) o->kind = a;
    else if (a[0] != '-' && !o->input) o->input = a;
    else return CZ_ERROR(CZ_ERR_ARG, "plot: unexpected argument %s", a);
  }
  CZ_CHECK(o->kind && o->input, CZ_ERR_ARG,
           "usage: cadenza plot raster|rates SPIKES [--population P] [--config CONFIG --node-set NAME] [--tmin MS] "
           "[--tmax MS] [-o FILE.svg] | cadenza plot report REPORT.h5 --node ID [--population P] [-o FILE.svg] | "
           "cadenza plot scaling ROWS.jsonl [--metric time|efficiency] [-o FILE.svg] | cadenza plot rates RATES "
           "[-o FILE.svg] | cadenza plot fields CONFIG [-o FILE.svg]");
  CZ_CHECK(strcmp(o->kind, "raster") == 0 || strcmp(o->kind, "rates") == 0 || strcmp(o->kind, "report") == 0 ||
               strcmp(o->kind, "scaling") == 0 || strcmp(o->kind, "fields") == 0,
           CZ_ERR_ARG, "plot: unknown plot '%s' (raster, rates, report, scaling, fields)", o->kind);
  CZ_CHECK(!o->node_set || o->config, CZ_ERR_ARG, "plot: --node-set needs --config (the node sets live there)");
  CZ_CHECK(strcmp(o->kind, "report") != 0 || o->node >= 0, CZ_ERR_ARG, "plot report: --node ID is required");
  return CZ_OK;
}

/* ---- filters ------------------------------------------------------------------------------ */

/* Node ids of each population a node set selects (sorted), from the config's circuit. */
typedef struct selection {
  cz_config *cfg;
  cz_circuit *c;
  cz_ns_selection *sel;
} selection;

static void selection_free(selection *s) {
  cz_ns_selection_destroy(&s->sel);
  cz_circuit_destroy(&s->c);
  cz_cfg_destroy(&s->cfg);
}

/* The config's circuit when --config is given (its nodes and run.tstop), and the node set's
 * members when --node-set is. */
static cz_status load_selection(const plot_opts *o, selection *s) {
  memset(s, 0, sizeof *s);
  if (!o->config) return CZ_OK;
  CZ_TRY(cz_cfg_load(o->config, NULL, &s->cfg));
  CZ_TRY(cz_circuit_load_nodes(s->cfg, &s->c));
  if (!o->node_set) return CZ_OK;
  cJSON *name = cJSON_CreateString(o->node_set);
  CZ_CHECK(name, CZ_ERR_NOMEM, "out of memory");
  cz_ns_view view = cz_circuit_ns_view(s->c);
  char where[64];
  snprintf(where, sizeof where, "--node-set");
  cz_status st = cz_ns_resolve(s->cfg->node_sets, name, &view, where, &s->sel);
  cJSON_Delete(name);
  return st;
}

/* Whether the selection keeps node id of population pop (everything without a selection). */
static bool selected(const selection *s, const char *pop, uint64_t id) {
  if (!s->sel) return true;
  const int p = cz_circuit_find_pop(s->c, pop);
  if (p < 0) return false;
  size_t row;
  if (!cz_circuit_row_of(&s->c->nodes[p], id, &row)) return false;
  for (size_t k = 0; k < s->sel->n[p]; k++)
    if (s->sel->rows[p][k] == row) return true;
  return false;
}

/* Keeps the spikes of t that pass the node filter and fall in (tmin, tmax]. */
static void filter(cz_spike_trains *t, const selection *s, const char *pop, double tmin, double tmax) {
  size_t w = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (!(t->timestamps[i] > tmin && t->timestamps[i] <= tmax) || !selected(s, pop, t->node_ids[i])) continue;
    t->node_ids[w] = t->node_ids[i];
    t->timestamps[w] = t->timestamps[i];
    w++;
  }
  t->n = w;
}

/* The simulated populations of the config's circuit that the spikes file does not name: every
 * node of them is silent. */
static cz_status add_silent_populations(const plot_opts *o, const selection *sel, spike_set *out) {
  if (!sel->c) return CZ_OK;
  for (size_t p = 0; p < sel->c->nnodes; p++) {
    const cz_node_pop *np = &sel->c->nodes[p];
    if (np->nvirtual == np->n || (o->population && strcmp(np->name, o->population) != 0)) continue;
    bool named = false;
    for (size_t k = 0; k < out->n && !named; k++) named = strcmp(out->p[k].name, np->name) == 0;
    if (named) continue;
    pop_spikes *grown = realloc(out->p, (out->n + 1) * sizeof *grown);
    CZ_CHECK(grown, CZ_ERR_NOMEM, "out of memory");
    out->p = grown;
    pop_spikes *ps = &out->p[out->n];
    *ps = (pop_spikes){NULL, NULL};
    out->n++;
    CZ_TRY(cz_strdup(np->name, &ps->name));
    CZ_NEW(ps->t, 1);
  }
  return CZ_OK;
}

/* The name of a file's unnamed population (CSV, legacy h5): --population, else the config's
 * only simulated population, else "spikes". */
static const char *unnamed_population(const plot_opts *o, const selection *sel) {
  if (o->population) return o->population;
  const char *only = NULL;
  for (size_t p = 0; sel->c && p < sel->c->nnodes; p++) {
    if (sel->c->nodes[p].nvirtual == sel->c->nodes[p].n) continue;
    if (only) return "spikes";
    only = sel->c->nodes[p].name;
  }
  return only ? only : "spikes";
}

static cz_status read_spikes(const plot_opts *o, const selection *sel, double tmin, double tmax, spike_set *out) {
  char **names = NULL;
  size_t n = 0;
  cz_status st = cz_spike_input_populations(o->input, &names, &n);
  if (st != CZ_OK) cz_error_prefix(st, "plot: %s is not a spikes file (SONATA h5 or csv)", o->input);
  CZ_TRY(st);
  out->p = cz_calloc(n + 1, sizeof *out->p);
  if (!out->p) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n && st == CZ_OK; i++) {
    if (o->population && names[i][0] && strcmp(names[i], o->population) != 0) continue;
    pop_spikes *ps = &out->p[out->n];
    st = cz_spike_input_read(o->input, NULL, names[i][0] ? names[i] : (o->population ? o->population : ""), &ps->t);
    if (st == CZ_OK) out->n++; /* only complete entries count: the plots read every one */
    if (st == CZ_OK) st = cz_strdup(names[i][0] ? names[i] : unnamed_population(o, sel), &ps->name);
    if (st == CZ_OK) filter(ps->t, sel, ps->name, tmin, tmax);
  }
  cz_spike_input_free_names(names, n);
  if (st != CZ_OK) cz_error_prefix(st, "plot: %s is not a spikes file (SONATA h5 or csv)", o->input);
  CZ_TRY(st);
  if (strcmp(o->kind, "rates") == 0) CZ_TRY(add_silent_populations(o, sel, out));
  CZ_CHECK(out->n > 0, CZ_ERR_ARG, "plot: %s has no population %s", o->input, o->population ? o->population : "");
  return CZ_OK;
}

/* ---- plots -------------------------------------------------------------------------------- */

static double last_spike(const spike_set *s) {
  double t = 0;
  for (size_t p = 0; p < s->n; p++)
    for (size_t i = 0; i < s->p[p].t->n; i++)
      if (s->p[p].t->timestamps[i] > t) t = s->p[p].t->timestamps[i];
  return t;
}

static uint64_t max_id(const cz_spike_trains *t) {
  uint64_t m = 0;
  for (size_t i = 0; i < t->n; i++)
    if (t->node_ids[i] > m) m = t->node_ids[i];
  return m;
}

/* A raster's legend entry: the population and its spikes in the window. */
static void raster_label(const pop_spikes *ps, char *label, size_t n) {
  snprintf(label, n, "%s (%zu spikes)", ps->name, ps->t->n);
}

/* The longest legend entry, in characters (the raster's, the longer of the two kinds). */
static size_t legend_chars(const spike_set *s) {
  size_t m = 0;
  for (size_t p = 0; p < s->n; p++) {
    char label[256];
    raster_label(&s->p[p], label, sizeof label);
    if (strlen(label) > m) m = strlen(label);
  }
  return m;
}

static size_t draw_raster(FILE *fp, const plot_opts *o, const spike_set *s, double tmin, double tmax) {
  double top = 0;
  for (size_t p = 0; p < s->n; p++) top += s->p[p].t->n ? (double)max_id(s->p[p].t) + 1 : 0;
  cz_svg g;
  char title[512];
  snprintf(title, sizeof title, "Spike raster: %s", cz_path_basename(o->input));
  cz_svg_layout lay = {legend_chars(s), false};
  cz_svg_begin(&g, fp, WIDTH, HEIGHT, &lay, title, "time (ms)", "node id (populations stacked)", tmin, tmax, 0, top);
  size_t marks = 0;
  double offset = 0;
  for (size_t p = 0; p < s->n; p++) {
    const cz_spike_trains *t = s->p[p].t;
    for (size_t i = 0; i < t->n; i++, marks++)
      cz_svg_dot(&g, "spike", cz_svg_color(p), t->timestamps[i], offset + (double)t->node_ids[i] + 0.5, 1.3);
    char label[256];
    raster_label(&s->p[p], label, sizeof label);
    cz_svg_legend(&g, (int)p, cz_svg_color(p), label);
    offset += t->n ? (double)max_id(t) + 1 : 0;
  }
  cz_svg_end(&g);
  return marks;
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* The nodes of one population whose rates are drawn: with the config, every node of the
 * population that the node set keeps; without it, every id from 0 to the highest that fired
 * (node ids of a population are 0 to n - 1). Sorted. */
static cz_status rate_nodes(const selection *sel, const pop_spikes *ps, uint64_t **ids, size_t *n) {
  *n = 0;
  const int p = sel->c ? cz_circuit_find_pop(sel->c, ps->name) : -1;
  if (p >= 0) {
    const cz_node_pop *np = &sel->c->nodes[p];
    CZ_NEW(*ids, np->n + 1);
    for (size_t r = 0; r < np->n; r++)
      if (!cz_node_is_virtual(np, r) && selected(sel, ps->name, cz_node_id(np, r))) (*ids)[(*n)++] = cz_node_id(np, r);
    qsort(*ids, *n, sizeof **ids, cmp_u64);
    return CZ_OK;
  }
  const size_t count = ps->t->n ? (size_t)max_id(ps->t) + 1 : 0;
  CZ_NEW(*ids, count + 1);
  for (size_t i = 0; i < count; i++)
    if (selected(sel, ps->name, i)) (*ids)[(*n)++] = i;
  return CZ_OK;
}

/* The spikes of node id in t (sorted by node id): a binary search for its first spike. */
static size_t spikes_of(const cz_spike_trains *t, uint64_t id) {
  size_t lo = 0, hi = t->n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (t->node_ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  size_t j = lo;
  while (j < t->n && t->node_ids[j] == id) j++;
  return j - lo;
}

/* Mean rate of every node in the window, in Hz; a silent node at 0 Hz. */
static cz_status draw_rates(FILE *fp, const plot_opts *o, const spike_set *s, const selection *sel, double tmin,
                            double tmax, size_t *marks) {
  const double secs = (tmax - tmin) / 1000.0;
  uint64_t **ids = cz_calloc(s->n + 1, sizeof *ids);
  size_t *nids = cz_calloc(s->n + 1, sizeof *nids);
  cz_status st = ids && nids ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  double top = 0, ymax = 0;
  for (size_t p = 0; p < s->n && st == CZ_OK; p++) {
    st = rate_nodes(sel, &s->p[p], &ids[p], &nids[p]);
    for (size_t k = 0; st == CZ_OK && k < nids[p]; k++)
      ymax = fmax(ymax, (double)spikes_of(s->p[p].t, ids[p][k]) / secs);
    if (st == CZ_OK && nids[p]) top += (double)ids[p][nids[p] - 1] + 1;
  }
  if (st == CZ_OK) {
    cz_svg g;
    char title[512];
    snprintf(title, sizeof title, "Firing rates in (%g, %g] ms: %s", tmin, tmax, cz_path_basename(o->input));
    cz_svg_layout lay = {legend_chars(s), false};
    cz_svg_begin(&g, fp, WIDTH, HEIGHT, &lay, title, "node id (populations stacked)", "rate (Hz)", 0, top, 0,
                 ymax * 1.05);
    double offset = 0;
    for (size_t p = 0; p < s->n; p++) {
      for (size_t k = 0; k < nids[p]; k++, (*marks)++)
        cz_svg_dot(&g, "rate", cz_svg_color(p), offset + (double)ids[p][k] + 0.5,
                   (double)spikes_of(s->p[p].t, ids[p][k]) / secs, 2.0);
      cz_svg_legend(&g, (int)p, cz_svg_color(p), s->p[p].name);
      offset += nids[p] ? (double)ids[p][nids[p] - 1] + 1 : 0;
    }
    cz_svg_end(&g);
  }
  for (size_t p = 0; ids && p < s->n; p++) free(ids[p]);
  free(ids);
  free(nids);
  return st;
}

/* One node's trace from a SONATA report. */
typedef struct trace {
  size_t n;
  double *t, *v;
  char *units, *pop;
} trace;

static void trace_free(trace *t) {
  free(t->t);
  free(t->v);
  free(t->units);
  free(t->pop);
}

static cz_status read_trace(const plot_opts *o, trace *out) {
  memset(out, 0, sizeof *out);
  cz_h5file *f = NULL;
  CZ_TRY(cz_h5_open_read(o->input, &f));
  char **pops = NULL, path[1024];
  size_t npops = 0, rows = 0, cols = 0, nids = 0, ntime = 0;
  double *data = NULL, *time = NULL;
  uint64_t *ids = NULL;
  cz_status st = cz_h5_list(f, "/report", &pops, &npops);
  for (size_t p = 0; st == CZ_OK && p < npops && !out->pop; p++) {
    if (o->population && strcmp(o->population, pops[p]) != 0) continue;
    snprintf(path, sizeof path, "/report/%s/mapping/node_ids", pops[p]);
    st = cz_h5_read_u64(f, path, &ids, &nids);
    for (size_t k = 0; st == CZ_OK && k < nids; k++) {
      if (ids[k] != (uint64_t)o->node) continue;
      snprintf(path, sizeof path, "/report/%s/data", pops[p]);
      st = cz_h5_read_f64_2d(f, path, &data, &rows, &cols);
      if (st == CZ_OK && !cz_h5_has_attr(f, path, "units")) st = cz_strdup("", &out->units);
      else if (st == CZ_OK) st = cz_h5_read_attr_string(f, path, "units", &out->units);
      snprintf(path, sizeof path, "/report/%s/mapping/time", pops[p]);
      if (st == CZ_OK) st = cz_h5_read_f64(f, path, &time, &ntime);
      if (st == CZ_OK && (ntime != 3 || k >= cols)) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s is not a report mapping", o->input, path);
      out->t = st == CZ_OK ? cz_calloc(rows + 1, sizeof *out->t) : NULL;
      out->v = st == CZ_OK ? cz_calloc(rows + 1, sizeof *out->v) : NULL;
      for (size_t r = 0; out->t && out->v && r < rows; r++) {
        const double tr = time[0] + (double)r * time[2];
        if (tr <= o->tmin || tr > o->tmax) continue; /* NaN bounds keep everything */
        out->t[out->n] = tr;
        out->v[out->n++] = data[r * cols + k];
      }
      if (st == CZ_OK) st = cz_strdup(pops[p], &out->pop);
      break; /* one column per node (point neurons) */
    }
    free(ids);
    ids = NULL;
  }
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  free(data);
  free(time);
  CZ_TRY(st);
  CZ_CHECK(out->pop, CZ_ERR_ARG, "plot report: %s records no node %lld%s%s", o->input, o->node,
           o->population ? " in population " : "", o->population ? o->population : "");
  return CZ_OK;
}

/* A trace longer than the plot is wide keeps, for each run of samples that fall on one pixel
 * column, its first, lowest, highest and last sample in time order: the drawn line looks the
 * same and the file stays small. */
static void thin_trace(trace *t, double width) {
  const size_t per = (size_t)(t->n / width);
  if (per < 4) return;
  size_t w = 0;
  for (size_t a = 0; a < t->n; a += per) {
    const size_t b = a + per < t->n ? a + per : t->n;
    size_t lo = a, hi = a;
    for (size_t i = a; i < b; i++) {
      if (t->v[i] < t->v[lo]) lo = i;
      if (t->v[i] > t->v[hi]) hi = i;
    }
    const size_t keep[4] = {a, lo < hi ? lo : hi, lo < hi ? hi : lo, b - 1};
    for (int k = 0; k < 4; k++) {
      if (k > 0 && keep[k] == keep[k - 1]) continue;
      t->t[w] = t->t[keep[k]];
      t->v[w++] = t->v[keep[k]];
    }
  }
  t->n = w;
}

static size_t draw_trace(FILE *fp, const plot_opts *o, trace *t) {
  const size_t samples = t->n;
  thin_trace(t, WIDTH);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < t->n; i++) {
    if (t->v[i] < lo) lo = t->v[i];
    if (t->v[i] > hi) hi = t->v[i];
  }
  const double pad = hi > lo ? 0.05 * (hi - lo) : 1;
  cz_svg g;
  char title[512], ylabel[128];
  snprintf(title, sizeof title, "%s node %lld: %s", t->pop, o->node, cz_path_basename(o->input));
  snprintf(ylabel, sizeof ylabel, "value (%s)", t->units && t->units[0] ? t->units : "?");
  cz_svg_layout lay = {0, false};
  cz_svg_begin(&g, fp, WIDTH, HEIGHT, &lay, title, "time (ms)", ylabel, t->n ? t->t[0] : 0, t->n ? t->t[t->n - 1] : 1,
               t->n ? lo - pad : 0, t->n ? hi + pad : 1);
  cz_svg_polyline(&g, "trace", cz_svg_color(0), t->t, t->v, t->n);
  cz_svg_end(&g);
  return samples;
}

/* ---- driver ------------------------------------------------------------------------------- */

/* The simulated time of the run that wrote spikes, from the timers.json that `cadenza run`
 * writes beside it (run.model_time_ms), or infinity when there is none. */
static double run_end_beside(const char *spikes) {
  char *dir = NULL, *path = NULL, *text = NULL;
  double end = INFINITY;
  if (cz_path_dirname(spikes, &dir) == CZ_OK && cz_path_join(dir, "timers.json", &path) == CZ_OK &&
      cz_path_exists(path) && cz_read_file(path, &text, NULL) == CZ_OK) {
    cJSON *root = cJSON_Parse(text);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "run"), "model_time_ms");
    if (cJSON_IsNumber(t) && t->valuedouble > 0) end = t->valuedouble;
    cJSON_Delete(root);
  }
  cz_error_clear();
  free(dir);
  free(path);
  free(text);
  return end;
}

static cz_status draw(const plot_opts *o, FILE *fp, size_t *marks) {
  if (strcmp(o->kind, "scaling") == 0) return cz_plot_scaling(o->input, o->metric, fp, marks);
  if (strcmp(o->kind, "fields") == 0) return cz_plot_fields(o->input, fp, marks);
  if (strcmp(o->kind, "rates") == 0 && cz_plot_is_rates_file(o->input)) return cz_plot_rates_file(o->input, fp, marks);
  if (strcmp(o->kind, "report") == 0) {
    trace t;
    cz_status st = read_trace(o, &t);
    if (st == CZ_OK) *marks = draw_trace(fp, o, &t);
    trace_free(&t);
    return st;
  }
  selection sel;
  spike_set s = {0, NULL};
  cz_status st = load_selection(o, &sel);
  const double tmin = isnan(o->tmin) ? 0 : o->tmin;
  /* The window ends where the run did when the config or the run's timers say so, else at the
   * last spike. */
  const double tend = !isnan(o->tmax) ? o->tmax : sel.cfg ? sel.cfg->tstop : run_end_beside(o->input);
  if (st == CZ_OK) st = read_spikes(o, &sel, tmin, tend, &s);
  const double tmax = st == CZ_OK && isinf(tend) ? last_spike(&s) : tend;
  if (st == CZ_OK && !(tmax > tmin)) st = CZ_ERROR(CZ_ERR_ARG, "plot: the window (%g, %g] ms is empty", tmin, tmax);
  if (st == CZ_OK && strcmp(o->kind, "raster") == 0) *marks = draw_raster(fp, o, &s, tmin, tmax);
  else if (st == CZ_OK) st = draw_rates(fp, o, &s, &sel, tmin, tmax, marks);
  spike_set_free(&s);
  selection_free(&sel);
  return st;
}

static cz_status run_plot(const plot_opts *o, size_t *marks) {
  char *part = NULL;
  CZ_TRY(cz_part_path(o->out, &part));
  FILE *fp = fopen(part, "w");
  cz_status st = fp ? draw(o, fp, marks) : CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create (%s)", part, strerror(errno));
  if (fp && (fclose(fp) != 0) && st == CZ_OK) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: write failed", part);
  if (st == CZ_OK) st = cz_part_commit(part, o->out);
  else if (fp) remove(part);
  free(part);
  return st;
}

int cz_app_plot_main(int argc, char **argv) {
  cz_h5_quiet();
  cz_log_set_level(CZ_LOG_WARNING);
  plot_opts o;
  char deflt[64];
  size_t marks = 0;
  cz_status st = parse(argc, argv, &o);
  if (st == CZ_OK && !o.out) {
    snprintf(deflt, sizeof deflt, "%s.svg", o.kind);
    o.out = deflt;
  }
  if (st == CZ_OK) st = run_plot(&o, &marks);
  if (st != CZ_OK) {
    fprintf(stderr, "cadenza: error: %s\n", cz_error_message());
    return cz_status_exit_code(st);
  }
  const bool rate_file = strcmp(o.kind, "rates") == 0 && cz_plot_is_rates_file(o.input);
  printf("cadenza plot: wrote %s (%zu %s)\n", o.out, marks,
         strcmp(o.kind, "raster") == 0   ? "spikes"
         : rate_file                     ? "populations"
         : strcmp(o.kind, "fields") == 0 ? "field centres"
         : strcmp(o.kind, "rates") == 0  ? "nodes"
         : strcmp(o.kind, "scaling") == 0 ? "runs"
                                          : "samples");
  return 0;
}
