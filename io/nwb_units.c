/* NWB 2 units, electrodes and intervals tables (io/nwb_units.h). */
#include "io/nwb_units.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sort.h"
#include "base/str.h"

#define UNITS "/units"
#define ELECTRODES "/general/extracellular_ephys/electrodes"

int cz_nwb_table_col(const cz_nwb_table *t, const char *name) {
  for (size_t c = 0; c < t->ncols; c++)
    if (strcmp(t->cols[c].name, name) == 0) return (int)c;
  return -1;
}

static void free_column(cz_nwb_column *c, size_t nrows) {
  free(c->name);
  free(c->num);
  for (size_t r = 0; c->text && r < nrows; r++) free(c->text[r]);
  free(c->text);
  memset(c, 0, sizeof *c);
}

void cz_nwb_table_free(cz_nwb_table *t) {
  for (size_t c = 0; t->cols && c < t->ncols; c++) free_column(&t->cols[c], t->nrows);
  free(t->cols);
  free(t->where);
  memset(t, 0, sizeof *t);
}

static cz_status path_of(const char *group, const char *name, char **out) {
  return cz_asprintf(out, "%s/%s", group, name);
}

/* Whether group/name exists as a dataset. */
static bool has_dataset(cz_h5file *f, const char *group, const char *name) {
  char *p = NULL;
  if (path_of(group, name, &p) != CZ_OK) {
    cz_error_clear();
    return false;
  }
  const bool yes = cz_h5_is_dataset(f, p);
  free(p);
  return yes;
}

/* One column of a table of nrows rows: numbers, texts, or kept as "other" (see the header). */
static cz_status read_column(cz_h5file *f, const char *group, const char *name, size_t nrows, cz_nwb_column *col) {
  memset(col, 0, sizeof *col);
  CZ_TRY(cz_strdup(name, &col->name));
  col->kind = CZ_NWB_OTHER;
  char *index = NULL;
  CZ_TRY(cz_asprintf(&index, "%s_index", name));
  const bool ragged = has_dataset(f, group, index);
  free(index);
  if (ragged) return CZ_OK;
  char *p = NULL;
  CZ_TRY(path_of(group, name, &p));
  cz_h5_info info;
  cz_status st = cz_h5_info_of(f, p, &info);
  const bool flat = st == CZ_OK && info.rank == 1 && info.dims[0] == nrows;
  size_t n = 0;
  if (flat && (info.cls == CZ_H5_INT || info.cls == CZ_H5_UINT || info.cls == CZ_H5_FLOAT)) {
    col->kind = CZ_NWB_NUMBER;
    st = cz_h5_read_f64(f, p, &col->num, &n);
  } else if (flat && info.cls == CZ_H5_STRING) {
    col->kind = CZ_NWB_TEXT;
    st = cz_h5_read_strings(f, p, &col->text, &n);
  } else if (st != CZ_OK) {
    cz_error_clear(); /* not a readable dataset: a column no filter can use */
    st = CZ_OK;
  }
  if (st == CZ_OK && col->kind != CZ_NWB_OTHER && n != nrows)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s has %zu values for %zu rows", cz_h5_path(f), p, n, nrows);
  free(p);
  return st;
}

/* The ids and the columns of the table at group, but those named in skip (NULL-ended). */
static cz_status read_table(cz_h5file *f, const char *group, const char *const *skip, int64_t **ids, cz_nwb_table *t) {
  memset(t, 0, sizeof *t);
  *ids = NULL;
  CZ_TRY(cz_asprintf(&t->where, "%s: %s", cz_h5_path(f), group));
  CZ_CHECK(cz_h5_is_group(f, group), CZ_ERR_FORMAT, "%s: no table %s (an NWB 2 file with sorted units has one)",
           cz_h5_path(f), group);
  char *idp = NULL;
  CZ_TRY(path_of(group, "id", &idp));
  size_t n = 0;
  cz_status st = cz_h5_read_i64(f, idp, ids, &n);
  free(idp);
  CZ_TRY(st);
  t->nrows = n;
  char **names = NULL;
  size_t nnames = 0;
  CZ_TRY(cz_h5_list(f, group, &names, &nnames));
  t->cols = cz_calloc(nnames + 1, sizeof *t->cols);
  st = t->cols ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < nnames; i++) {
    const char *name = names[i];
    bool skipped = strcmp(name, "id") == 0 || !has_dataset(f, group, name);
    for (const char *const *s = skip; s && *s && !skipped; s++) skipped = strcmp(name, *s) == 0;
    if (!skipped && cz_str_ends_with(name, "_index")) { /* the index of a ragged column */
      char *base = NULL;
      st = cz_asprintf(&base, "%.*s", (int)(strlen(name) - strlen("_index")), name);
      skipped = st == CZ_OK && has_dataset(f, group, base);
      free(base);
    }
    if (st == CZ_OK && !skipped) {
      st = read_column(f, group, name, n, &t->cols[t->ncols]);
      t->ncols++;
    }
  }
  cz_h5_free_names(names, nnames);
  if (st != CZ_OK) {
    cz_nwb_table_free(t);
    free(*ids);
    *ids = NULL;
  }
  return st;
}

/* ---- units ⋈ electrodes ------------------------------------------------------------------ */

static cz_status copy_name(const char *name, const char *suffix, char **out) {
  return cz_asprintf(out, "%s%s", name, suffix);
}

/* Moves column src into dst under its (suffixed) name. */
static cz_status take_column(cz_nwb_column *src, const char *suffix, cz_nwb_column *dst) {
  *dst = *src;
  dst->name = NULL;
  cz_status st = copy_name(src->name, suffix, &dst->name);
  free(src->name);
  memset(src, 0, sizeof *src);
  return st;
}

/* Electrode column e spread over the units: row u takes the value of electrode row at[u]
 * (SIZE_MAX: none). */
static cz_status spread_column(cz_nwb_column *e, const size_t *at, size_t nunits, const char *suffix, cz_nwb_column *dst) {
  memset(dst, 0, sizeof *dst);
  CZ_TRY(copy_name(e->name, suffix, &dst->name));
  dst->kind = e->kind;
  if (e->kind == CZ_NWB_NUMBER) {
    CZ_NEW(dst->num, nunits + 1);
    for (size_t u = 0; u < nunits; u++) dst->num[u] = at[u] == SIZE_MAX ? NAN : e->num[at[u]];
  } else if (e->kind == CZ_NWB_TEXT) {
    CZ_NEW(dst->text, nunits + 1);
    for (size_t u = 0; u < nunits; u++)
      if (at[u] != SIZE_MAX && e->text[at[u]]) CZ_TRY(cz_strdup(e->text[at[u]], &dst->text[u]));
  }
  return CZ_OK;
}

/* The electrode row of each unit's peak channel (SIZE_MAX when no electrode has that id). */
static cz_status match_channels(const char *path, const int64_t *channel, size_t nunits, const int64_t *eid, size_t nelec,
                                size_t *at) {
  int64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * nelec + 2);
  for (size_t e = 0; e < nelec; e++) pairs[2 * e] = eid[e], pairs[2 * e + 1] = (int64_t)e;
  cz_sort_i64_pairs(pairs, nelec);
  cz_status st = CZ_OK;
  for (size_t e = 1; e < nelec && st == CZ_OK; e++)
    if (pairs[2 * e] == pairs[2 * e - 2])
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s/id: electrode id %lld appears twice", path, ELECTRODES,
                    (long long)pairs[2 * e]);
  for (size_t u = 0; u < nunits && st == CZ_OK; u++) {
    size_t lo = 0, hi = nelec;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (pairs[2 * mid] < channel[u]) lo = mid + 1;
      else hi = mid;
    }
    at[u] = lo < nelec && pairs[2 * lo] == channel[u] ? (size_t)pairs[2 * lo + 1] : SIZE_MAX;
  }
  free(pairs);
  return st;
}

/* The joined table of the header from the units' columns ut (peak_channel_id already taken
 * out as channel) and the electrodes' et. Takes the columns of both. */
static cz_status join(const char *path, cz_nwb_table *ut, const int64_t *channel, cz_nwb_table *et, const int64_t *eid,
                      cz_nwb_table *out) {
  memset(out, 0, sizeof *out);
  const size_t n = ut->nrows;
  size_t *at = NULL;
  CZ_NEW(at, n + 1);
  cz_status st = match_channels(path, channel, n, eid, et->nrows, at);
  if (st == CZ_OK) st = cz_asprintf(&out->where, "%s: %s joined with %s", path, UNITS, ELECTRODES);
  out->nrows = n;
  if (st == CZ_OK) out->cols = cz_calloc(ut->ncols + et->ncols + 2, sizeof *out->cols);
  if (st == CZ_OK && !out->cols) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) { /* the join key, from the units' side */
    cz_nwb_column *k = &out->cols[out->ncols++];
    k->kind = CZ_NWB_NUMBER;
    st = cz_strdup("channel_id", &k->name);
    if (st == CZ_OK) k->num = cz_calloc(n + 1, sizeof *k->num);
    if (st == CZ_OK && !k->num) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t u = 0; st == CZ_OK && u < n; u++) k->num[u] = (double)channel[u];
  }
  bool *clash = cz_calloc(et->ncols + 1, sizeof *clash); /* electrode columns the units have too */
  if (st == CZ_OK && !clash) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t c = 0; st == CZ_OK && c < et->ncols; c++) clash[c] = cz_nwb_table_col(ut, et->cols[c].name) >= 0;
  for (size_t c = 0; st == CZ_OK && c < ut->ncols; c++) {
    const bool both = cz_nwb_table_col(et, ut->cols[c].name) >= 0;
    st = take_column(&ut->cols[c], both ? "_x" : "", &out->cols[out->ncols++]);
  }
  for (size_t c = 0; st == CZ_OK && c < et->ncols; c++)
    st = spread_column(&et->cols[c], at, n, clash[c] ? "_y" : "", &out->cols[out->ncols++]);
  free(clash);
  free(at);
  if (st != CZ_OK) cz_nwb_table_free(out);
  return st;
}

/* The spike_times index: non-decreasing, ending within spike_times. */
static cz_status read_index(cz_nwb_units *u) {
  size_t n = 0, ntimes = 0;
  CZ_TRY(cz_h5_read_u64(u->f, UNITS "/spike_times_index", &u->end, &n));
  CZ_CHECK(n == u->n, CZ_ERR_FORMAT, "%s: %s/spike_times_index has %zu entries for %zu units", u->path, UNITS, n, u->n);
  cz_h5_info info;
  CZ_TRY(cz_h5_info_of(u->f, UNITS "/spike_times", &info));
  CZ_CHECK(info.rank == 1 && (info.cls == CZ_H5_FLOAT || info.cls == CZ_H5_INT || info.cls == CZ_H5_UINT),
           CZ_ERR_FORMAT, "%s: %s/spike_times is not a 1-D dataset of numbers", u->path, UNITS);
  ntimes = (size_t)info.dims[0];
  for (size_t i = 0; i < n; i++)
    CZ_CHECK(u->end[i] >= (i ? u->end[i - 1] : 0) && u->end[i] <= ntimes, CZ_ERR_FORMAT,
             "%s: %s/spike_times_index[%zu] = %llu is not an end within spike_times (%zu values) after the "
             "previous unit's",
             u->path, UNITS, i, (unsigned long long)u->end[i], ntimes);
  return CZ_OK;
}

static cz_status open_units(cz_nwb_units *u) {
  static const char *const skip[] = {"spike_times", NULL};
  CZ_CHECK(cz_h5_is_group(u->f, UNITS), CZ_ERR_FORMAT, "%s: no units table %s (not an NWB 2 file of sorted units?)",
           u->path, UNITS);
  CZ_CHECK(cz_h5_is_dataset(u->f, UNITS "/spike_times") && cz_h5_is_dataset(u->f, UNITS "/spike_times_index"),
           CZ_ERR_FORMAT, "%s: %s has no spike_times with spike_times_index", u->path, UNITS);
  CZ_CHECK(cz_h5_is_dataset(u->f, UNITS "/peak_channel_id"), CZ_ERR_FORMAT,
           "%s: %s has no peak_channel_id column; ecephys_probe joins each unit to its electrode through it",
           u->path, UNITS);
  cz_nwb_table ut, et;
  int64_t *eid = NULL, *channel = NULL;
  size_t nchan = 0;
  CZ_TRY(read_table(u->f, UNITS, skip, &u->id, &ut));
  u->n = ut.nrows;
  cz_status st = cz_h5_read_i64(u->f, UNITS "/peak_channel_id", &channel, &nchan);
  if (st == CZ_OK && nchan != u->n)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s/peak_channel_id has %zu values for %zu units", u->path, UNITS, nchan, u->n);
  if (st == CZ_OK) { /* peak_channel_id becomes the join key */
    const int k = cz_nwb_table_col(&ut, "peak_channel_id");
    if (k >= 0) {
      free_column(&ut.cols[k], ut.nrows);
      memmove(&ut.cols[k], &ut.cols[k + 1], (ut.ncols - (size_t)k - 1) * sizeof *ut.cols);
      ut.ncols--;
    }
  }
  if (st == CZ_OK) st = read_index(u);
  bool have_et = false;
  if (st == CZ_OK) {
    st = cz_h5_is_group(u->f, ELECTRODES)
             ? read_table(u->f, ELECTRODES, NULL, &eid, &et)
             : CZ_ERROR(CZ_ERR_FORMAT, "%s: no electrodes table %s to join the units' peak_channel_id with", u->path,
                        ELECTRODES);
    have_et = st == CZ_OK;
  }
  if (st == CZ_OK) st = join(u->path, &ut, channel, &et, eid, &u->table);
  if (have_et) cz_nwb_table_free(&et);
  cz_nwb_table_free(&ut);
  free(eid);
  free(channel);
  return st;
}

cz_status cz_nwb_units_open(const char *path, cz_nwb_units *out) {
  memset(out, 0, sizeof *out);
  CZ_TRY(cz_strdup(path, &out->path));
  cz_status st = cz_h5_open_read(path, &out->f);
  if (st == CZ_OK) st = open_units(out);
  if (st != CZ_OK) cz_nwb_units_close(out);
  return st;
}

cz_status cz_nwb_units_times(cz_nwb_units *u, size_t row, double **times, size_t *n) {
  *times = NULL;
  *n = 0;
  CZ_CHECK(row < u->n, CZ_ERR_INTERNAL, "unit row %zu of %zu", row, u->n);
  const size_t start = row ? (size_t)u->end[row - 1] : 0, count = (size_t)u->end[row] - start;
  if (count == 0) return CZ_OK;
  double *t = NULL;
  CZ_NEW(t, count);
  cz_status st = cz_h5_read_f64_range(u->f, UNITS "/spike_times", start, count, t);
  for (size_t i = 0; st == CZ_OK && i < count; i++)
    if (!isfinite(t[i]))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s/spike_times[%zu] (unit %lld) is not a finite number", u->path, UNITS,
                    start + i, (long long)u->id[row]);
  if (st != CZ_OK) {
    free(t);
    return st;
  }
  *times = t;
  *n = count;
  return CZ_OK;
}

void cz_nwb_units_close(cz_nwb_units *u) {
  if (u->f && cz_h5_close(&u->f) != CZ_OK) cz_error_clear(); /* read-only: nothing to lose */
  cz_nwb_table_free(&u->table);
  free(u->path);
  free(u->id);
  free(u->end);
  memset(u, 0, sizeof *u);
}

/* ---- intervals --------------------------------------------------------------------------- */

static cz_status no_interval(cz_nwb_units *u, const char *name) {
  char list[512] = "";
  char **names = NULL;
  size_t n = 0, used = 0;
  if (cz_h5_is_group(u->f, "/intervals") && cz_h5_list(u->f, "/intervals", &names, &n) == CZ_OK) {
    for (size_t i = 0; i < n && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    cz_h5_free_names(names, n);
  }
  cz_error_clear();
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: no intervals table /intervals/%s or /intervals/%s_presentations (the file has: %s)",
                  u->path, name, name, list[0] ? list : "no /intervals group");
}

cz_status cz_nwb_intervals_read(cz_nwb_units *u, const char *name, cz_nwb_table *out) {
  memset(out, 0, sizeof *out);
  char *group = NULL;
  CZ_TRY(cz_asprintf(&group, "/intervals/%s", name));
  if (!cz_h5_is_group(u->f, group)) {
    free(group);
    group = NULL;
    CZ_TRY(cz_asprintf(&group, "/intervals/%s_presentations", name));
  }
  if (!cz_h5_is_group(u->f, group)) {
    free(group);
    return no_interval(u, name);
  }
  int64_t *ids = NULL;
  cz_status st = read_table(u->f, group, NULL, &ids, out);
  free(ids);
  free(group);
  return st;
}
