/* PointNet's weight and delay rule over the edge columns; the rule is stated in edge_values.h.
 *
 * A view shares everything with the population but its weights, delays and type table. Where
 * the rule changes nothing (no nsyns other than 1, every delay given) the view's per-edge
 * arrays are the columns themselves, so a streamed batch costs one pass of checks, not a copy. */
#include "pointnet/edge_values.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/csv.h"

enum { DEFAULT_DELAY_MS = 1 }; /* NEST's default delay */

static double nsyns_or_one(double ns) { return isnan(ns) ? 1.0 : ns; }
static double delay_or_default(double d) { return isnan(d) ? (double)DEFAULT_DELAY_MS : d; }

/* The checks of one edge's values, in the order of the old rule: syn_weight, nsyns, delay. */
static cz_status check_values(const cz_edge_pop *e, size_t i, double w, double ns, double d) {
  const size_t row = (size_t)cz_edge_file_row(e, i);
  CZ_CHECK(!isnan(w), CZ_ERR_FORMAT,
           "%s: edge %zu of population %s has no syn_weight (neither in the h5 group nor in %s)", e->file, row,
           e->name, e->types_table ? e->types_table->path : "its edge types file");
  CZ_CHECK(isfinite(ns) && ns >= 0, CZ_ERR_FORMAT, "%s: edge %zu of population %s: nsyns %g is not a count", e->file,
           row, e->name, ns);
  CZ_CHECK(d > 0, CZ_ERR_FORMAT, "%s: edge %zu of population %s: delay %g ms must be positive", e->file, row, e->name,
           d);
  return CZ_OK;
}

/* The raw columns of edge i: per edge where the population has them, else its type's. */
static void columns_of(const cz_edge_pop *e, size_t i, double *w, double *ns, double *d) {
  const cz_edge_columns *t = &e->types[e->type[i]].col;
  *w = e->col.syn_weight ? e->col.syn_weight[i] : t->syn_weight;
  *ns = nsyns_or_one(e->col.nsyns ? e->col.nsyns[i] : t->nsyns);
  *d = delay_or_default(e->col.delay ? e->col.delay[i] : t->delay);
}

/* The first edge that fails the checks, named; CZ_OK when none does. */
static cz_status check_each(const cz_edge_pop *e) {
  for (size_t i = 0; i < e->n; i++) {
    double w, ns, d;
    columns_of(e, i, &w, &ns, &d);
    CZ_TRY(check_values(e, i, w, ns, d));
  }
  return CZ_OK;
}

static cz_status types_of(const cz_edge_pop *raw, cz_edge_values *v) {
  if (v->ntypes_cap < raw->ntypes + 1) {
    cz_edge_type *t = realloc(v->types, (raw->ntypes + 1) * sizeof *t);
    CZ_CHECK(t != NULL, CZ_ERR_NOMEM, "out of memory");
    v->types = t;
    v->ntypes_cap = raw->ntypes + 1;
  }
  for (size_t r = 0; r < raw->ntypes; r++) {
    const cz_edge_columns *c = &raw->types[r].col;
    v->types[r] = raw->types[r];
    v->types[r].weight = nsyns_or_one(c->nsyns) * c->syn_weight;
    v->types[r].delay = delay_or_default(c->delay);
  }
  return CZ_OK;
}

/* Whether every edge of a population without per-edge columns has a type whose values pass. */
static bool types_pass(const cz_edge_pop *e, const cz_edge_type *types) {
  bool all = true;
  for (size_t r = 0; r < e->ntypes && all; r++) {
    const double ns = nsyns_or_one(e->types[r].col.nsyns);
    all = !isnan(types[r].weight) && isfinite(ns) && ns >= 0 && types[r].delay > 0;
  }
  if (all) return true;
  for (size_t i = 0; i < e->n; i++) {
    const cz_edge_type *t = &types[e->type[i]];
    const double ns = nsyns_or_one(e->types[e->type[i]].col.nsyns);
    if (isnan(t->weight) || !(isfinite(ns) && ns >= 0) || !(t->delay > 0)) return false;
  }
  return true;
}

static cz_status reserve(cz_edge_values *v, size_t n) {
  if (v->cap >= n && v->weight) return CZ_OK;
  free(v->weight);
  free(v->delay);
  v->weight = cz_alloc_huge(n + 1, sizeof *v->weight);
  v->delay = cz_alloc_huge(n + 1, sizeof *v->delay);
  v->cap = n + 1;
  CZ_CHECK(v->weight && v->delay, CZ_ERR_NOMEM, "out of memory for the weights of %zu edges", n);
  return CZ_OK;
}

/* Whether the columns are the values already: nsyns 1 (or absent) for every edge, and every
 * delay given and positive, every syn_weight given. The flags are OR-ed as integers, which
 * vectorises; a floating-point sum would wait on each addition in turn. */
static bool columns_are_values(const cz_edge_pop *e) {
  if (e->col.nsyns) return false;
  for (size_t r = 0; r < e->ntypes; r++)
    if (!isnan(e->types[r].col.nsyns) && e->types[r].col.nsyns != 1.0) return false;
  const double *w = e->col.syn_weight, *d = e->col.delay;
  unsigned bad = 0;
  for (size_t i = 0; i < e->n; i++) bad |= (unsigned)(w[i] != w[i]) | (unsigned)!(d[i] > 0);
  return bad == 0;
}

/* PointNet's weights ignore BMTK's tuning-curve weight function, which only BioNet applies. */
static cz_status no_tuning_weights(const cz_edge_pop *e) {
  const cz_csv *t = e->types_table;
  const int col = t ? cz_csv_col(t, "weight_function") : -1;
  for (size_t r = 0; col >= 0 && r < t->nrows; r++) {
    const char *wf = cz_csv_cell(t, r, (size_t)col);
    CZ_CHECK(!wf || strcmp(wf, "gaussianLL") != 0, CZ_ERR_CONFIG,
             "%s: row %zu: weight_function 'gaussianLL' is BMTK's BioNet tuning-curve rule; the point engine does not "
             "apply it (give syn_weight the weights you want)",
             t->path, r + 2);
  }
  return CZ_OK;
}

cz_status cz_edge_values_view(const cz_edge_pop *raw, cz_edge_values *v, cz_edge_pop *view) {
  CZ_TRY(no_tuning_weights(raw));
  *view = *raw;
  view->weight = view->delay = NULL;
  CZ_TRY(types_of(raw, v));
  view->types = v->types;
  if (raw->ids_only) return CZ_OK;
  if (!raw->col.syn_weight) return types_pass(raw, v->types) ? CZ_OK : check_each(raw);
  if (columns_are_values(raw)) {
    view->weight = raw->col.syn_weight;
    view->delay = raw->col.delay;
    return CZ_OK;
  }
  CZ_TRY(check_each(raw));
  CZ_TRY(reserve(v, raw->n));
  for (size_t i = 0; i < raw->n; i++) {
    double w, ns, d;
    columns_of(raw, i, &w, &ns, &d);
    v->weight[i] = ns * w;
    v->delay[i] = d;
  }
  view->weight = v->weight;
  view->delay = v->delay;
  return CZ_OK;
}

void cz_edge_values_free(cz_edge_values *v) {
  free(v->weight);
  free(v->delay);
  free(v->types);
  memset(v, 0, sizeof *v);
}

const char *cz_syn_model_name(const cz_syn_model *s) {
  const char *t = s->template_str;
  if (!t) return "static_synapse";
  return cz_str_starts_with(t, "nest:") ? t + 5 : t;
}
