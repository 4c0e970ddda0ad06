#include "app/compare_cmd.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/compare_rates.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"
#include "io/filter_rates.h"
#include "io/pop_rates.h"
#include "io/spike_input.h"

typedef struct compare_opts {
  const char *expected, *actual;
  double tol;          /* ms */
  double tmin, tmax;   /* only spikes in (tmin, tmax] count */
  double extra_after;  /* spikes of ACTUAL after this may be unmatched ... */
  long long max_extra; /* ... up to this many per population; -1: one per node of ACTUAL */
  bool quiet;
} compare_opts;

/* The verdict of one population. */
typedef struct pop_result {
  size_t n_exp, n_act, nodes_exp, nodes_act, nodes_count_differs, unmatched;
  size_t extra_allowed; /* unmatched spikes of ACTUAL after --allow-extra-after, not in unmatched */
  double max_dt;
  bool have_first;
  double first_t;
  uint64_t first_node;
  bool first_in_expected; /* the first divergence is a spike of EXPECTED that ACTUAL lacks */
} pop_result;

static cz_status parse_opts(int argc, char **argv, compare_opts *o) {
  *o = (compare_opts){NULL, NULL, 1e-9, -INFINITY, INFINITY, INFINITY, -1, false};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    double *target = NULL;
    if (strcmp(a, "--tolerance") == 0 || strcmp(a, "--tol") == 0) target = &o->tol;
    else if (strcmp(a, "--tmin") == 0) target = &o->tmin;
    else if (strcmp(a, "--tmax") == 0) target = &o->tmax;
    else if (strcmp(a, "--allow-extra-after") == 0) target = &o->extra_after;
    else if (strcmp(a, "--max-extra") == 0) {
      CZ_CHECK(i + 1 < argc && cz_parse_int64(argv[i + 1], &o->max_extra) && o->max_extra >= 0, CZ_ERR_ARG,
               "compare: option --max-extra needs a spike count >= 0");
      i++;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) o->quiet = true;
    else if (a[0] == '-' && a[1]) return CZ_ERROR(CZ_ERR_ARG, "compare: unknown option %s", a);
    else if (!o->expected) o->expected = a;
    else if (!o->actual) o->actual = a;
    else return CZ_ERROR(CZ_ERR_ARG, "compare: more than two files given (%s)", a);
    if (target) {
      CZ_CHECK(i + 1 < argc && cz_parse_double(argv[i + 1], target) && !isnan(*target), CZ_ERR_ARG,
               "compare: option %s needs a number (ms)", a);
      i++;
    }
  }
  CZ_CHECK(o->expected && o->actual, CZ_ERR_ARG,
           "usage: cadenza compare EXPECTED ACTUAL [--tolerance MS] [--tmin MS] [--tmax MS] [--allow-extra-after MS "
           "[--max-extra N]] [-q]");
  CZ_CHECK(o->tol >= 0, CZ_ERR_ARG, "compare: --tolerance must be >= 0 ms");
  return CZ_OK;
}

static bool in_window(const compare_opts *o, double t) { return t > o->tmin && t <= o->tmax; }

static void note_divergence(pop_result *r, double t, uint64_t node, bool in_expected) {
  r->unmatched++;
  if (!r->have_first || t < r->first_t) {
    r->have_first = true;
    r->first_t = t;
    r->first_node = node;
    r->first_in_expected = in_expected;
  }
}

/* One node's spikes: e[0..ne) and a[0..na), both ascending. */
static void compare_node(const compare_opts *o, uint64_t node, const double *e, size_t ne, const double *a, size_t na,
                         pop_result *r) {
  size_t i = 0, j = 0, ce = 0, ca = 0;
  while (i < ne || j < na) {
    if (i < ne && !in_window(o, e[i])) { i++; continue; }
    if (j < na && !in_window(o, a[j])) { j++; continue; }
    if (i < ne && j < na && fabs(e[i] - a[j]) <= o->tol) {
      const double d = fabs(e[i] - a[j]);
      if (d > r->max_dt) r->max_dt = d;
      i++, j++, ce++, ca++;
    } else if (j >= na || (i < ne && e[i] < a[j])) {
      note_divergence(r, e[i++], node, true);
      ce++;
    } else {
      if (a[j] <= o->extra_after) note_divergence(r, a[j], node, false);
      else r->extra_allowed++;
      j++;
      ca++;
    }
  }
  r->n_exp += ce;
  r->n_act += ca;
  r->nodes_exp += ce > 0;
  r->nodes_act += ca > 0;
  r->nodes_count_differs += ce != ca;
}

/* Walks the two node-sorted trains node by node. */
static void compare_trains(const compare_opts *o, const cz_spike_trains *e, const cz_spike_trains *a, pop_result *r) {
  size_t i = 0, j = 0;
  while (i < e->n || j < a->n) {
    uint64_t node = i < e->n ? e->node_ids[i] : UINT64_MAX;
    if (j < a->n && a->node_ids[j] < node) node = a->node_ids[j];
    size_t i1 = i, j1 = j;
    while (i1 < e->n && e->node_ids[i1] == node) i1++;
    while (j1 < a->n && a->node_ids[j1] == node) j1++;
    compare_node(o, node, e->timestamps + i, i1 - i, a->timestamps + j, j1 - j, r);
    i = i1;
    j = j1;
  }
}

/* The extra spikes --allow-extra-after lets pass are an artefact of the reference's last
 * interval, which cannot hold more than a few per node: more than --max-extra of them (by
 * default one per node that spikes in ACTUAL) is a difference of its own. */
static size_t extra_cap(const compare_opts *o, const pop_result *r) {
  return o->max_extra >= 0 ? (size_t)o->max_extra : r->nodes_act;
}

static bool too_many_extra(const compare_opts *o, const pop_result *r) { return r->extra_allowed > extra_cap(o, r); }

static void print_result(const compare_opts *o, const char *pop, const pop_result *r) {
  if (o->quiet && r->unmatched == 0 && !too_many_extra(o, r)) return;
  printf("population %s: %zu vs %zu spikes from %zu vs %zu nodes; %zu node%s with other spike counts; largest time "
         "difference %.3g ms",
         pop[0] ? pop : "(unnamed)", r->n_exp, r->n_act, r->nodes_exp, r->nodes_act, r->nodes_count_differs,
         r->nodes_count_differs == 1 ? "" : "s", r->max_dt);
  if (r->have_first)
    printf("; %zu unmatched spike%s, first divergence at t = %.10g ms, node %llu (a spike only in %s)", r->unmatched,
           r->unmatched == 1 ? "" : "s", r->first_t, (unsigned long long)r->first_node,
           r->first_in_expected ? "EXPECTED" : "ACTUAL");
  if (r->extra_allowed > 0)
    printf("; %zu extra spike%s in ACTUAL after %g ms (at most %zu allowed)", r->extra_allowed,
           r->extra_allowed == 1 ? "" : "s", o->extra_after, extra_cap(o, r));
  printf("\n");
}

/* Reads population pop of path, or an empty train when pop is NULL (the file lacks it). */
static cz_status trains_of(const char *path, const char *pop, cz_spike_trains **out) {
  if (pop) return cz_spike_input_read(path, NULL, pop, out);
  CZ_NEW(*out, 1);
  return CZ_OK;
}

/* Compares population pe of EXPECTED with pa of ACTUAL (either may be NULL: absent);
 * *differs is set when they do not match. */
static cz_status compare_pop(const compare_opts *o, const char *pe, const char *pa, bool *differs) {
  cz_spike_trains *e = NULL, *a = NULL;
  cz_status st = trains_of(o->expected, pe, &e);
  if (st == CZ_OK) st = trains_of(o->actual, pa, &a);
  if (st == CZ_OK) {
    pop_result r;
    memset(&r, 0, sizeof r);
    compare_trains(o, e, a, &r);
    print_result(o, pe ? pe : pa, &r);
    if (r.unmatched > 0 || too_many_extra(o, &r)) *differs = true;
  }
  cz_spike_trains_destroy(&e);
  cz_spike_trains_destroy(&a);
  return st;
}

static const char *find_name(char **names, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return names[i];
  return NULL;
}

/* Populations are matched by name; two files of one population each (a CSV or legacy file
 * has one without a name) are compared whatever the names. */
static cz_status run_compare(const compare_opts *o, bool *differs) {
  char **pe = NULL, **pa = NULL;
  size_t ne = 0, na = 0;
  cz_status st = cz_spike_input_populations(o->expected, &pe, &ne);
  if (st == CZ_OK) st = cz_spike_input_populations(o->actual, &pa, &na);
  if (st == CZ_OK && ne == 1 && na == 1) {
    st = compare_pop(o, pe[0], pa[0], differs);
  } else {
    for (size_t i = 0; st == CZ_OK && i < ne; i++) st = compare_pop(o, pe[i], find_name(pa, na, pe[i]), differs);
    for (size_t i = 0; st == CZ_OK && i < na; i++)
      if (!find_name(pe, ne, pa[i])) st = compare_pop(o, NULL, pa[i], differs);
  }
  cz_spike_input_free_names(pe, ne);
  cz_spike_input_free_names(pa, na);
  return st;
}

int cz_app_compare_main(int argc, char **argv) {
  cz_h5_quiet();
  compare_opts o;
  bool differs = false;
  cz_status st = parse_opts(argc, argv, &o);
  const bool lgn = st == CZ_OK && cz_filter_rates_sniff(o.expected);
  const bool rates = lgn || (st == CZ_OK && cz_pop_rates_sniff(o.expected));
  if (st == CZ_OK && lgn) st = cz_compare_lgn_rates(o.expected, o.actual, o.tol, o.quiet, &differs);
  else if (st == CZ_OK) st = rates ? cz_compare_rates(o.expected, o.actual, o.tol, o.quiet, &differs) : run_compare(&o, &differs);
  if (st != CZ_OK) {
    fprintf(stderr, "cadenza: error: %s\n", cz_error_message());
    return 2;
  }
  if (rates) printf("cadenza compare: %s (tolerance %g Hz)\n", differs ? "the rates differ" : "the rates match", o.tol);
  else printf("cadenza compare: %s (tolerance %g ms)\n", differs ? "the spikes differ" : "the spikes match", o.tol);
  return differs ? 1 : 0;
}
