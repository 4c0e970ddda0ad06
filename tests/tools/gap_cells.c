/* gap_cells: the HDF5 files of a BioNet folder of detailed cells joined by gap junctions, for
 * tests/regression/bio_gap.sh. BMTK's builder writes the same layouts (sonata-spec.md).
 *
 *   gap_cells DIR NCELLS PAIRS [--gap-rows ROWS] [--gap-ids IDS]
 *     DIR/cells_nodes.h5: population "cells", nodes 0 .. NCELLS-1 of node type 100, x = 100 id;
 *     DIR/cells_cells_edges.h5: population "cells_to_cells", one edge per "s:t" of PAIRS (a
 *       comma-separated list), edge type 200 where the pair is written "s:t", 201 where it is
 *       "s~t", nsyns 1 each;
 *     DIR/cells_gap_juncs.h5: one junction row per "s:t" of ROWS (default PAIRS), gap ids
 *       2k and 2k + 1 for row k, or IDS ("a:b" per row) when given.
 * Exit 0 on success, 1 on failure, 2 on bad usage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"

#define MAX_PAIRS 4096

/* Parses "a:b,c~d,..." into a and b columns; kind[k] 1 where the separator is '~'. */
static size_t parse_pairs(const char *text, uint64_t *a, uint64_t *b, uint64_t *kind) {
  size_t n = 0;
  const char *s = text;
  while (*s && n < MAX_PAIRS) {
    char *end = NULL;
    a[n] = strtoull(s, &end, 10);
    if (end == s || (*end != ':' && *end != '~')) return SIZE_MAX;
    kind[n] = *end == '~';
    s = end + 1;
    b[n] = strtoull(s, &end, 10);
    if (end == s) return SIZE_MAX;
    n++;
    s = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') return SIZE_MAX;
  }
  return n;
}

static int fail(const char *what) {
  fprintf(stderr, "gap_cells: %s: %s\n", what, cz_error_message());
  return 1;
}

static uint64_t *counting(size_t n) {
  uint64_t *v = calloc(n + 1, sizeof *v);
  for (size_t i = 0; v && i < n; i++) v[i] = i;
  return v;
}

static int write_nodes(const char *dir, size_t ncells) {
  char path[1024];
  snprintf(path, sizeof path, "%s/cells_nodes.h5", dir);
  uint64_t *ids = counting(ncells), *type = calloc(ncells + 1, sizeof *type), *zero = calloc(ncells + 1, sizeof *zero);
  double *x = calloc(ncells + 1, sizeof *x);
  if (!ids || !type || !zero || !x) return 1;
  for (size_t i = 0; i < ncells; i++) type[i] = 100, x[i] = 100.0 * (double)i;
  cz_h5file *f = NULL;
  int rc = cz_h5_create(path, &f) != CZ_OK || cz_h5_write_u64(f, "/nodes/cells/node_id", ids, ncells, false) != CZ_OK ||
           cz_h5_write_u64(f, "/nodes/cells/node_type_id", type, ncells, false) != CZ_OK ||
           cz_h5_write_u64(f, "/nodes/cells/node_group_id", zero, ncells, false) != CZ_OK ||
           cz_h5_write_u64(f, "/nodes/cells/node_group_index", ids, ncells, false) != CZ_OK ||
           cz_h5_write_f64(f, "/nodes/cells/0/x", x, ncells, false) != CZ_OK || cz_h5_close(&f) != CZ_OK;
  free(ids), free(type), free(zero), free(x);
  return rc ? fail(path) : 0;
}

static int write_edges(const char *dir, const uint64_t *s, const uint64_t *t, const uint64_t *kind, size_t n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/cells_cells_edges.h5", dir);
  uint64_t *rows = counting(n), *type = calloc(n + 1, sizeof *type), *zero = calloc(n + 1, sizeof *zero),
           *one = calloc(n + 1, sizeof *one);
  if (!rows || !type || !zero || !one) return 1;
  for (size_t i = 0; i < n; i++) type[i] = 200 + kind[i], one[i] = 1;
  const char *e = "/edges/cells_to_cells";
  char p[256];
  cz_h5file *f = NULL;
  int rc = cz_h5_create(path, &f) != CZ_OK;
  snprintf(p, sizeof p, "%s/source_node_id", e);
  rc = rc || cz_h5_write_u64(f, p, s, n, false) != CZ_OK || cz_h5_write_attr_string(f, p, "node_population", "cells") != CZ_OK;
  snprintf(p, sizeof p, "%s/target_node_id", e);
  rc = rc || cz_h5_write_u64(f, p, t, n, false) != CZ_OK || cz_h5_write_attr_string(f, p, "node_population", "cells") != CZ_OK;
  snprintf(p, sizeof p, "%s/edge_type_id", e);
  rc = rc || cz_h5_write_u64(f, p, type, n, false) != CZ_OK;
  snprintf(p, sizeof p, "%s/edge_group_id", e);
  rc = rc || cz_h5_write_u64(f, p, zero, n, false) != CZ_OK;
  snprintf(p, sizeof p, "%s/edge_group_index", e);
  rc = rc || cz_h5_write_u64(f, p, rows, n, false) != CZ_OK;
  snprintf(p, sizeof p, "%s/0/nsyns", e);
  rc = rc || cz_h5_write_u64(f, p, one, n, false) != CZ_OK || cz_h5_close(&f) != CZ_OK;
  free(rows), free(type), free(zero), free(one);
  return rc ? fail(path) : 0;
}

static int write_juncs(const char *dir, const uint64_t *s, const uint64_t *t, const uint64_t *sid, const uint64_t *tid,
                       size_t n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/cells_gap_juncs.h5", dir);
  cz_h5file *f = NULL;
  const int rc = cz_h5_create(path, &f) != CZ_OK || cz_h5_write_u64(f, "source_ids", s, n, false) != CZ_OK ||
                 cz_h5_write_u64(f, "target_ids", t, n, false) != CZ_OK ||
                 cz_h5_write_u64(f, "src_gap_ids", sid, n, false) != CZ_OK ||
                 cz_h5_write_u64(f, "trg_gap_ids", tid, n, false) != CZ_OK || cz_h5_close(&f) != CZ_OK;
  return rc ? fail(path) : 0;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 6 && argc != 8) {
    fprintf(stderr, "usage: gap_cells DIR NCELLS PAIRS [--gap-rows ROWS] [--gap-ids IDS]\n");
    return 2;
  }
  static uint64_t s[MAX_PAIRS], t[MAX_PAIRS], kind[MAX_PAIRS], rs[MAX_PAIRS], rt[MAX_PAIRS], rk[MAX_PAIRS];
  static uint64_t sid[MAX_PAIRS], tid[MAX_PAIRS], ik[MAX_PAIRS];
  const size_t n = parse_pairs(argv[3], s, t, kind);
  const char *rows = argv[3], *ids = NULL;
  for (int a = 4; a + 1 < argc; a += 2) {
    if (strcmp(argv[a], "--gap-rows") == 0) rows = argv[a + 1];
    else if (strcmp(argv[a], "--gap-ids") == 0) ids = argv[a + 1];
    else return 2;
  }
  const size_t nr = parse_pairs(rows, rs, rt, rk);
  const size_t ncells = strtoul(argv[2], NULL, 10);
  if (n == SIZE_MAX || nr == SIZE_MAX || ncells == 0) return 2;
  for (size_t k = 0; k < nr; k++) sid[k] = 2 * k, tid[k] = 2 * k + 1;
  if (ids && parse_pairs(ids, sid, tid, ik) != nr) return 2;
  if (write_nodes(argv[1], ncells) || write_edges(argv[1], s, t, kind, n) || write_juncs(argv[1], rs, rt, sid, tid, nr))
    return 1;
  return 0;
}
