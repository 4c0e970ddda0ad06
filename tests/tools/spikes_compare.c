/* spikes_compare: compares two SONATA spike files as sets of (population, node id, time).
 *
 *   spikes_compare EXPECTED.h5 ACTUAL.h5 [--tol MS] [--min-time MS] [--max-time MS] [--allow-extra-after MS] [--exact]
 *
 * Spikes are matched per population and node in time order; times must agree within --tol
 * (default 1e-9 ms). Spikes later than --max-time, or not later than --min-time, in either file
 * are ignored; spikes of ACTUAL
 * later than --allow-extra-after may be unmatched (the NEST-2 reference recorder artefact).
 * --exact requires the files to hold the same spikes in the same order with identical bits.
 * Exit 0 on a match, 1 on a difference (with a report of the first ones), 2 on bad input.
 *
 *   spikes_compare --validate FILE.h5 [--tstop MS]
 *
 * checks that FILE is a valid SONATA spikes file as Cadenza writes it: root magic, /spikes,
 * per population a sorting attribute (none | by_id | by_time) that the data obey, timestamps
 * with units "ms", node_ids of the same length, times finite and in (0, tstop]. Prints the
 * number of spikes; exit 0 when valid, 1 otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "io/h5.h"

typedef struct spikes {
  size_t n;
  uint64_t *id;
  double *t;
} spikes;

static int read_pop(cz_h5file *f, const char *pop, spikes *s) {
  char p1[512], p2[512];
  snprintf(p1, sizeof p1, "/spikes/%s/node_ids", pop);
  snprintf(p2, sizeof p2, "/spikes/%s/timestamps", pop);
  size_t n2 = 0;
  if (cz_h5_read_u64(f, p1, &s->id, &s->n) != CZ_OK || cz_h5_read_f64(f, p2, &s->t, &n2) != CZ_OK || n2 != s->n) {
    fprintf(stderr, "spikes_compare: %s\n", cz_error_message());
    return -1;
  }
  return 0;
}

static int cmp_pair(const void *a, const void *b) {
  const double *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

static double g_min_time = -INFINITY; /* --min-time */

/* (id, t) pairs sorted, as doubles (ids are far below 2^53). */
static double *sorted_pairs(const spikes *s, double max_time, size_t *n) {
  double *p = malloc(2 * s->n * sizeof *p + 16);
  size_t k = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (s->t[i] > max_time || s->t[i] <= g_min_time) continue;
    p[2 * k] = (double)s->id[i];
    p[2 * k + 1] = s->t[i];
    k++;
  }
  qsort(p, k, 2 * sizeof *p, cmp_pair);
  *n = k;
  return p;
}

static int compare_pop(const char *pop, const spikes *e, const spikes *a, double tol, double max_time, double extra_after) {
  size_t ne, na;
  double *pe = sorted_pairs(e, max_time, &ne), *pa = sorted_pairs(a, max_time, &na);
  size_t i = 0, j = 0, bad = 0;
  while (i < ne || j < na) {
    if (i < ne && j < na && pe[2 * i] == pa[2 * j] && fabs(pe[2 * i + 1] - pa[2 * j + 1]) <= tol) {
      i++;
      j++;
      continue;
    }
    bool take_actual = i >= ne || (j < na && (pa[2 * j] < pe[2 * i] || (pa[2 * j] == pe[2 * i] && pa[2 * j + 1] < pe[2 * i + 1])));
    if (take_actual) {
      if (pa[2 * j + 1] <= extra_after) {
        if (bad++ < 10) printf("  %s: extra spike node %.0f t=%.17g\n", pop, pa[2 * j], pa[2 * j + 1]);
      }
      j++;
    } else {
      if (bad++ < 10) printf("  %s: missing spike node %.0f t=%.17g\n", pop, pe[2 * i], pe[2 * i + 1]);
      i++;
    }
  }
  printf("%s: expected %zu spikes, got %zu, %zu differences\n", pop, ne, na, bad);
  free(pe);
  free(pa);
  return bad ? 1 : 0;
}

static int exact_pop(const char *pop, const spikes *e, const spikes *a) {
  if (e->n != a->n) {
    printf("%s: %zu vs %zu spikes\n", pop, e->n, a->n);
    return 1;
  }
  for (size_t i = 0; i < e->n; i++)
    if (e->id[i] != a->id[i] || memcmp(&e->t[i], &a->t[i], sizeof(double)) != 0) {
      printf("%s: first difference at spike %zu\n", pop, i);
      return 1;
    }
  return 0;
}

static int invalid(const char *file, const char *what) {
  printf("INVALID %s: %s\n", file, what);
  return 1;
}

static int validate_pop(cz_h5file *f, const char *file, const char *pop, double tstop, size_t *count) {
  char group[512], ts[600];
  snprintf(group, sizeof group, "/spikes/%s", pop);
  snprintf(ts, sizeof ts, "%s/timestamps", group);
  char *sorting = NULL, *units = NULL;
  if (cz_h5_read_attr_text(f, group, "sorting", &sorting) != CZ_OK) return invalid(file, cz_error_message());
  if (cz_h5_read_attr_text(f, ts, "units", &units) != CZ_OK) return invalid(file, cz_error_message());
  int bad = strcmp(units, "ms") != 0;
  spikes s = {0, NULL, NULL};
  if (!bad && read_pop(f, pop, &s) != 0) bad = 1;
  for (size_t i = 0; !bad && i < s.n; i++) {
    if (!isfinite(s.t[i]) || !(s.t[i] > 0) || s.t[i] > tstop) bad = 2;
    if (i == 0) continue;
    if (strcmp(sorting, "by_time") == 0 && s.t[i] < s.t[i - 1]) bad = 3;
    if (strcmp(sorting, "by_id") == 0 && (s.id[i] < s.id[i - 1] || (s.id[i] == s.id[i - 1] && s.t[i] < s.t[i - 1])))
      bad = 3;
  }
  if (strcmp(sorting, "none") && strcmp(sorting, "by_id") && strcmp(sorting, "by_time")) bad = 4;
  static const char *const why[] = {"", "units or layout", "time out of range", "not sorted as declared",
                                    "unknown sorting"};
  if (bad) printf("INVALID %s: population %s: %s\n", file, pop, why[bad]);
  *count += s.n;
  free(s.id);
  free(s.t);
  free(sorting);
  free(units);
  return bad ? 1 : 0;
}

static int validate(const char *file, double tstop) {
  cz_h5file *f = NULL;
  if (cz_h5_open_read(file, &f) != CZ_OK) return invalid(file, cz_error_message());
  int rc = 0;
  char **pops = NULL;
  size_t n = 0, count = 0;
  if (!cz_h5_has_attr(f, "/", "magic")) rc = invalid(file, "no magic attribute");
  else if (!cz_h5_is_group(f, "/spikes") || cz_h5_list(f, "/spikes", &pops, &n) != CZ_OK)
    rc = invalid(file, "no /spikes group");
  for (size_t k = 0; k < n && rc == 0; k++) rc = validate_pop(f, file, pops[k], tstop, &count);
  cz_h5_free_names(pops, n);
  cz_h5_close(&f);
  if (rc == 0) printf("VALID %s: %zu populations, %zu spikes\n", file, n, count);
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "--validate") == 0) {
    cz_h5_quiet();
    double tstop = INFINITY;
    if (argc >= 5 && strcmp(argv[3], "--tstop") == 0) tstop = atof(argv[4]);
    return validate(argv[2], tstop);
  }
  if (argc < 3) {
    fprintf(stderr, "usage: spikes_compare EXPECTED.h5 ACTUAL.h5 [--tol MS] [--min-time MS] [--max-time MS] "
                    "[--allow-extra-after MS] [--exact]\n");
    return 2;
  }
  double tol = 1e-9, max_time = INFINITY, extra_after = INFINITY;
  bool exact = false;
  for (int i = 3; i < argc; i++) {
    if (strcmp(argv[i], "--exact") == 0) exact = true;
    else if (i + 1 < argc && strcmp(argv[i], "--tol") == 0) tol = atof(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--max-time") == 0) max_time = atof(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--min-time") == 0) g_min_time = atof(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--allow-extra-after") == 0) extra_after = atof(argv[++i]);
    else {
      fprintf(stderr, "spikes_compare: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  cz_h5_quiet();
  cz_h5file *fe = NULL, *fa = NULL;
  if (cz_h5_open_read(argv[1], &fe) != CZ_OK || cz_h5_open_read(argv[2], &fa) != CZ_OK) {
    fprintf(stderr, "spikes_compare: %s\n", cz_error_message());
    return 2;
  }
  char **pe = NULL, **pa = NULL;
  size_t npe = 0, npa = 0;
  if (cz_h5_list(fe, "/spikes", &pe, &npe) != CZ_OK || cz_h5_list(fa, "/spikes", &pa, &npa) != CZ_OK) {
    fprintf(stderr, "spikes_compare: %s\n", cz_error_message());
    return 2;
  }
  int rc = 0;
  for (size_t k = 0; k < npe; k++) {
    spikes e = {0, NULL, NULL}, a = {0, NULL, NULL};
    if (read_pop(fe, pe[k], &e) != 0) return 2;
    bool found = false;
    for (size_t m = 0; m < npa; m++)
      if (strcmp(pa[m], pe[k]) == 0) found = true;
    if (found && read_pop(fa, pe[k], &a) != 0) return 2;
    rc |= exact ? exact_pop(pe[k], &e, &a) : compare_pop(pe[k], &e, &a, tol, max_time, extra_after);
    free(e.id);
    free(e.t);
    free(a.id);
    free(a.t);
  }
  for (size_t m = 0; m < npa; m++) {
    bool found = false;
    for (size_t k = 0; k < npe; k++)
      if (strcmp(pa[m], pe[k]) == 0) found = true;
    if (!found) {
      printf("%s: population only in %s\n", pa[m], argv[2]);
      rc = 1;
    }
  }
  cz_h5_free_names(pe, npe);
  cz_h5_free_names(pa, npa);
  cz_h5_close(&fe);
  cz_h5_close(&fa);
  printf("%s\n", rc ? "DIFFERENT" : "MATCH");
  return rc;
}
