/* A compartment report shared by the report writer's tests (unit/test_report_out.c, one
 * process; mpi/test_report_out.c, ranks writing together): three populations,
 *   cortex    nodes 2, 5, 9 with 1, 4 and 2 elements (index pointer 0, 1, 5, 7), element
 *             ids and positions of their own;
 *   empty     no recorded node: left out of the file;
 *   thalamus  nodes 0, 4 with one element each and no element arrays (a point neuron's
 *             defaults: element id 0 at 0.0);
 * 6 rows from 0.5 ms every 0.25 ms. Every sample's value names its population, row and
 * column, so a value written to the wrong place shows. The writers take nodes by a mask, so
 * that the tests can split the nodes between writers any way they like. */
#ifndef CZ_TESTS_REPORT_CASE_H
#define CZ_TESTS_REPORT_CASE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"
#include "io/report_out.h"

enum { RC_ROWS = 6, RC_POPS = 3 };
static const uint64_t rc_cortex_ids[] = {2, 5, 9}, rc_cortex_ptr[] = {0, 1, 5, 7};
static const uint64_t rc_cortex_elem[] = {0, 3, 1, 4, 1, 5, 9};
static const double rc_cortex_pos[] = {0.5, 0.125, 0.375, 0.625, 0.875, 0.25, 0.75};
static const uint64_t rc_thalamus_ids[] = {0, 4};
static const uint64_t rc_thalamus_ptr[] = {0, 1, 2}; /* what the file must say */
static const cz_report_pop rc_pops[RC_POPS] = {
    {"cortex", 3, rc_cortex_ids, rc_cortex_ptr, rc_cortex_elem, rc_cortex_pos, NULL, NULL},
    {"empty", 0, NULL, NULL, NULL, NULL, NULL, NULL},
    {"thalamus", 2, rc_thalamus_ids, NULL, NULL, NULL, NULL, NULL},
};

static double rc_value(size_t pop, size_t row, size_t col) {
  return 1000.0 * (double)pop + 10.0 * (double)row + (double)col + 0.5;
}

static cz_report_spec rc_spec(const char *path) {
  return (cz_report_spec){path, "v", "mV", RC_POPS, rc_pops, 0.5, 0.25, RC_ROWS};
}

/* Columns of node i of population p: [lo, hi). */
static void rc_node_cols(size_t p, size_t i, uint64_t *lo, uint64_t *hi) {
  const uint64_t *ptr = rc_pops[p].index_pointer;
  *lo = ptr ? ptr[i] : i;
  *hi = ptr ? ptr[i + 1] : i + 1;
}

/* Writes rows [row0, row0 + nrows) of the columns of population p's nodes whose bit is set
 * in mask (possibly none: a collective call with nothing of its own). */
static cz_status rc_write(cz_report_out *r, size_t p, unsigned mask, size_t row0, size_t nrows) {
  uint64_t cols[16];
  double data[16 * RC_ROWS];
  size_t n = 0;
  for (size_t i = 0; i < rc_pops[p].n; i++) {
    if (!(mask >> i & 1u)) continue;
    uint64_t lo, hi;
    rc_node_cols(p, i, &lo, &hi);
    for (uint64_t c = lo; c < hi; c++) cols[n++] = c;
  }
  for (size_t k = 0; k < nrows; k++)
    for (size_t j = 0; j < n; j++) data[k * n + j] = rc_value(p, row0 + k, (size_t)cols[j]);
  return cz_report_write(r, p, row0, nrows, cols, n, data);
}

/* Whether the 1-D dataset at path holds the n values of want_u (read as integers) or, when
 * that is NULL, of want_f (read as doubles); the difference goes into msg. */
static bool rc_check_values(cz_h5file *f, const char *path, const uint64_t *want_u, const double *want_f, size_t n,
                            char *msg, size_t len) {
  uint64_t *got_u = NULL;
  double *got_f = NULL;
  size_t m = 0;
  bool ok = (want_u ? cz_h5_read_u64(f, path, &got_u, &m) : cz_h5_read_f64(f, path, &got_f, &m)) == CZ_OK && m == n;
  for (size_t i = 0; ok && i < n; i++) ok = want_u ? got_u[i] == want_u[i] : got_f[i] == want_f[i];
  if (!ok) snprintf(msg, len, "%s: %zu values or a value differ from the %zu expected", path, m, n);
  free(got_u);
  free(got_f);
  return ok;
}

static bool rc_check_pop(cz_h5file *f, size_t p, char *msg, size_t len) {
  const cz_report_pop *pop = &rc_pops[p];
  const uint64_t *ptr = pop->index_pointer ? pop->index_pointer : rc_thalamus_ptr;
  const size_t ne = (size_t)ptr[pop->n];
  static const uint64_t zeros[8];
  static const double zero_pos[8];
  const double time[3] = {0.5, 0.5 + (RC_ROWS - 1) * 0.25, 0.25};
  char path[256];
  bool ok = true;
#define RC_PATH(leaf) (snprintf(path, sizeof path, "/report/%s/%s", pop->name, leaf), path)
  ok = ok && rc_check_values(f, RC_PATH("mapping/node_ids"), pop->node_ids, NULL, pop->n, msg, len);
  ok = ok && rc_check_values(f, RC_PATH("mapping/index_pointer"), ptr, NULL, pop->n + 1, msg, len);
  ok = ok && rc_check_values(f, RC_PATH("mapping/index_pointers"), ptr, NULL, pop->n + 1, msg, len);
  ok = ok && rc_check_values(f, RC_PATH("mapping/element_ids"), pop->element_ids ? pop->element_ids : zeros, NULL, ne,
                             msg, len);
  ok = ok && rc_check_values(f, RC_PATH("mapping/element_pos"), NULL, pop->element_pos ? pop->element_pos : zero_pos,
                             ne, msg, len);
  ok = ok && rc_check_values(f, RC_PATH("mapping/time"), NULL, time, 3, msg, len);
  double *data = NULL;
  size_t rows = 0, cols = 0;
  if (ok && (cz_h5_read_f64_2d(f, RC_PATH("data"), &data, &rows, &cols) != CZ_OK || rows != RC_ROWS || cols != ne)) {
    snprintf(msg, len, "%s: shape %zu x %zu, expected %d x %zu", path, rows, cols, RC_ROWS, ne);
    ok = false;
  }
  for (size_t k = 0; ok && k < rows * cols; k++)
    if (data[k] != rc_value(p, k / cols, k % cols)) {
      snprintf(msg, len, "%s: row %zu column %zu holds %g, expected %g", path, k / cols, k % cols, data[k],
               rc_value(p, k / cols, k % cols));
      ok = false;
    }
  free(data);
  char *units = NULL;
  if (ok && (cz_h5_read_attr_string(f, path, "units", &units) != CZ_OK || strcmp(units, "mV") != 0)) {
    snprintf(msg, len, "%s: units %s, expected mV", path, units ? units : "(none)");
    ok = false;
  }
  free(units);
#undef RC_PATH
  return ok;
}

static bool rc_check_file(const char *file, char *msg, size_t len) {
  cz_h5file *f = NULL;
  if (cz_h5_open_read(file, &f) != CZ_OK) {
    snprintf(msg, len, "cannot open %s: %s", file, cz_error_message());
    return false;
  }
  bool ok = true;
  for (size_t p = 0; ok && p < RC_POPS; p++) {
    char group[64];
    snprintf(group, sizeof group, "/report/%s", rc_pops[p].name);
    if (rc_pops[p].n == 0) {
      ok = !cz_h5_exists(f, group);
      if (!ok) snprintf(msg, len, "%s: written for a population without nodes", group);
    } else {
      ok = rc_check_pop(f, p, msg, len);
    }
  }
  cz_h5_close(&f);
  return ok;
}

#endif
