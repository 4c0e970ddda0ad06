/* spikes_compare: the test suite's spike-file checks around `cadenza compare`.
 *
 *   spikes_compare EXPECTED ACTUAL [cadenza compare options...]
 *
 * is `cadenza compare` itself (the same library function, cz_app_compare_main): one matching
 * rule for the tests and the users.
 *
 *   spikes_compare EXPECTED.h5 ACTUAL.h5 --exact
 *
 * requires the files to hold the same spikes in the same order with identical bits (what
 * runs on other thread or rank counts must write). Exit 0 when identical, 1 otherwise.
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

#include "app/compare_cmd.h"
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

/* The two files' populations, each holding the same spikes in the same order, bit for bit. */
static int exact(const char *expected, const char *actual) {
  cz_h5file *fe = NULL, *fa = NULL;
  if (cz_h5_open_read(expected, &fe) != CZ_OK || cz_h5_open_read(actual, &fa) != CZ_OK) {
    fprintf(stderr, "spikes_compare: %s\n", cz_error_message());
    return 2;
  }
  char **pe = NULL, **pa = NULL;
  size_t npe = 0, npa = 0;
  if (cz_h5_list(fe, "/spikes", &pe, &npe) != CZ_OK || cz_h5_list(fa, "/spikes", &pa, &npa) != CZ_OK) {
    fprintf(stderr, "spikes_compare: %s\n", cz_error_message());
    return 2;
  }
  int rc = npe == npa ? 0 : 1;
  if (rc) printf("%zu vs %zu populations\n", npe, npa);
  for (size_t k = 0; k < npe && rc == 0; k++) {
    spikes e = {0, NULL, NULL}, a = {0, NULL, NULL};
    if (strcmp(pe[k], pa[k]) != 0) {
      printf("population %s vs %s\n", pe[k], pa[k]);
      rc = 1;
    } else if (read_pop(fe, pe[k], &e) != 0 || read_pop(fa, pa[k], &a) != 0) {
      rc = 2;
    } else {
      rc = exact_pop(pe[k], &e, &a);
    }
    free(e.id);
    free(e.t);
    free(a.id);
    free(a.t);
  }
  cz_h5_free_names(pe, npe);
  cz_h5_free_names(pa, npa);
  cz_h5_close(&fe);
  cz_h5_close(&fa);
  printf("%s\n", rc ? "DIFFERENT" : "IDENTICAL");
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "--validate") == 0) {
    cz_h5_quiet();
    double tstop = INFINITY;
    if (argc >= 5 && strcmp(argv[3], "--tstop") == 0 && !cz_parse_double(argv[4], &tstop)) return 2;
    return validate(argv[2], tstop);
  }
  if (argc == 4 && strcmp(argv[3], "--exact") == 0) {
    cz_h5_quiet();
    return exact(argv[1], argv[2]);
  }
  /* cadenza compare's argv: argv[0] names the command */
  argv[0] = "compare";
  return cz_app_compare_main(argc, argv);
}
