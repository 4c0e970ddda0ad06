#include "io/edge_columns.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "io/csv.h"
#include "io/h5.h"

/* The edge group ids of the file, as "/edges/<pop>/<id>" groups. */
static cz_status group_ids(cz_h5file *f, const cz_edge_pop *e, uint64_t **ids, size_t *n) {
  char path[512], **names = NULL;
  size_t nn = 0;
  snprintf(path, sizeof path, "/edges/%s", e->name);
  CZ_TRY(cz_h5_list(f, path, &names, &nn));
  cz_status st = CZ_OK;
  *ids = cz_calloc(nn + 1, sizeof **ids);
  if (!*ids) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  *n = 0;
  for (size_t i = 0; i < nn; i++) {
    char *end = NULL;
    const unsigned long long id = strtoull(names[i], &end, 10);
    char g[600];
    snprintf(g, sizeof g, "%s/%s", path, names[i]);
    if (st == CZ_OK && end != names[i] && *end == '\0' && cz_h5_is_group(f, g)) (*ids)[(*n)++] = id;
    free(names[i]);
  }
  free(names);
  return st;
}

/* The type CSV's value of the column for each type row (NaN where empty or not a number). */
static cz_status type_values(const cz_edge_pop *e, const char *name, double **out, bool *found) {
  *out = NULL;
  *found = false;
  const cz_csv *t = e->types_table;
  const int col = t ? cz_csv_col(t, name) : -1;
  if (col < 0) return CZ_OK;
  *found = true;
  CZ_NEW(*out, t->nrows + 1);
  for (size_t r = 0; r < t->nrows; r++) {
    const cz_value v = cz_csv_value(t, r, (size_t)col);
    (*out)[r] = v.kind == CZ_VAL_NUM ? v.num : NAN;
  }
  return CZ_OK;
}

cz_status cz_edge_column_exists(const cz_edge_pop *e, const char *name, bool *exists) {
  *exists = e->types_table && cz_csv_col(e->types_table, name) >= 0;
  if (*exists) return CZ_OK;
  cz_h5file *f = NULL;
  CZ_TRY(cz_h5_open_read(e->file, &f));
  uint64_t *ids = NULL;
  size_t n = 0;
  cz_status st = group_ids(f, e, &ids, &n);
  for (size_t g = 0; st == CZ_OK && g < n && !*exists; g++) {
    char path[700];
    snprintf(path, sizeof path, "/edges/%s/%llu/%s", e->name, (unsigned long long)ids[g], name);
    *exists = cz_h5_is_dataset(f, path);
  }
  free(ids);
  cz_h5_close(&f);
  return st;
}

/* Every group's column of name (cols[g] NULL where the group lacks it), by group id. */
typedef struct group_cols {
  size_t n;      /* group ids below n */
  double **col;  /* [n] */
  size_t *len;   /* [n] */
} group_cols;

static void group_cols_free(group_cols *gc) {
  for (size_t g = 0; g < gc->n; g++) free(gc->col[g]);
  free(gc->col);
  free(gc->len);
}

static cz_status read_group_cols(cz_h5file *f, const cz_edge_pop *e, const char *name, group_cols *gc) {
  uint64_t *ids = NULL;
  size_t n = 0;
  CZ_TRY(group_ids(f, e, &ids, &n));
  uint64_t top = 0;
  for (size_t g = 0; g < n; g++) top = ids[g] + 1 > top ? ids[g] + 1 : top;
  cz_status st = CZ_OK;
  gc->n = (size_t)top;
  if (!(gc->col = cz_calloc(gc->n + 1, sizeof *gc->col)) || !(gc->len = cz_calloc(gc->n + 1, sizeof *gc->len)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t g = 0; st == CZ_OK && g < n; g++) {
    char path[700];
    snprintf(path, sizeof path, "/edges/%s/%llu/%s", e->name, (unsigned long long)ids[g], name);
    if (!cz_h5_is_dataset(f, path)) continue;
    st = cz_h5_read_f64(f, path, &gc->col[ids[g]], &gc->len[ids[g]]);
    if (st != CZ_OK) cz_error_prefix(st, "%s", e->file);
  }
  free(ids);
  return st;
}

/* Fills out from the groups where they have the column, else from the types. */
static cz_status gather(const cz_edge_pop *e, const char *name, const uint64_t *gid, const uint64_t *gidx,
                        size_t nfile, const group_cols *gc, const double *by_type, double *out) {
  for (size_t i = 0; i < e->n; i++) {
    const uint64_t row = cz_edge_file_row(e, i);
    CZ_CHECK(row < nfile, CZ_ERR_FORMAT, "%s: edge row %llu beyond /edges/%s/edge_group_id", e->file,
             (unsigned long long)row, e->name);
    const uint64_t g = gid[row], k = gidx[row];
    if (g < gc->n && gc->col[g]) {
      CZ_CHECK(k < gc->len[g], CZ_ERR_FORMAT, "%s: edge_group_index[%llu] = %llu is beyond /edges/%s/%llu/%s", e->file,
               (unsigned long long)row, (unsigned long long)k, e->name, (unsigned long long)g, name);
      out[i] = gc->col[g][k];
    } else {
      out[i] = by_type ? by_type[e->type[i]] : NAN;
    }
  }
  return CZ_OK;
}

cz_status cz_edge_column_read(const cz_edge_pop *e, const char *name, double **out) {
  *out = NULL;
  double *by_type = NULL;
  bool in_types = false;
  CZ_TRY(type_values(e, name, &by_type, &in_types));
  cz_h5file *f = NULL;
  uint64_t *gid = NULL, *gidx = NULL;
  size_t ngid = 0, ngidx = 0;
  group_cols gc = {0};
  char path[600];
  cz_status st = cz_h5_open_read(e->file, &f);
  if (st == CZ_OK) {
    snprintf(path, sizeof path, "/edges/%s/edge_group_id", e->name);
    st = cz_h5_read_u64(f, path, &gid, &ngid);
  }
  if (st == CZ_OK) {
    snprintf(path, sizeof path, "/edges/%s/edge_group_index", e->name);
    st = cz_h5_read_u64(f, path, &gidx, &ngidx);
  }
  if (st == CZ_OK && ngid != ngidx)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /edges/%s: edge_group_id and edge_group_index differ in length", e->file, e->name);
  if (st == CZ_OK) st = read_group_cols(f, e, name, &gc);
  if (st == CZ_OK && !(*out = cz_calloc(e->n + 1, sizeof **out))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = gather(e, name, gid, gidx, ngid, &gc, in_types ? by_type : NULL, *out);
  if (st != CZ_OK) {
    free(*out);
    *out = NULL;
  }
  group_cols_free(&gc);
  free(gid);
  free(gidx);
  free(by_type);
  if (f) cz_h5_close(&f);
  return st;
}
