/* The ecephys_probe spike input (core/stimulus/ecephys.h): the block's keys, its units, the
 * node -> unit map, and the windowed trains. */
#include "core/stimulus/ecephys.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/mt19937.h"
#include "base/sort.h"
#include "base/str.h"
#include "core/stimulus/spike_train.h"
#include "io/csv.h"
#include "io/node_sets.h"
#include "io/nwb_units.h"

typedef enum mapping { MAP_UNITS_MAP, MAP_SAMPLE, MAP_SAMPLE_REPLACE } mapping;

typedef struct window {
  bool set;
  double w0, w1; /* seconds */
} window;

/* A unit of the concatenated units table: its file and row there. */
typedef struct unit_ref {
  size_t file, row;
} unit_ref;

/* One node id's entry of the map. */
typedef struct map_entry {
  uint64_t node;
  int64_t unit_id;
  size_t unit;   /* index into units, SIZE_MAX while unresolved (units_map) */
  window w;      /* per-unit window (units_map's start_times/stop_times) */
  size_t line;   /* the csv line (units_map), for messages */
} map_entry;

struct cz_ecephys {
  char *where; /* "<config>: inputs.<name>" */
  const cz_circuit *c;
  mapping map_kind;
  bool missing_fail;
  double offset_s; /* interval_offset / 1000 */
  uint32_t seed;
  char *units_csv; /* units_map: the csv */
  size_t nfiles;
  cz_nwb_units *files;
  window *file_window; /* [nfiles] the default window of each file */
  size_t nunits;
  unit_ref *units;
  int64_t *by_id;      /* [2 nunits] (unit id, index) sorted: units by id */
  size_t nmap;
  map_entry *map;      /* sorted by node id, one entry per id (the last given) */
  bool *drives;        /* [c->nnodes] */
  cz_ns_selection *sel;
};

bool cz_input_is_ecephys(const cz_cfg_block *b) { return b->module && strcmp(b->module, "ecephys_probe") == 0; }

bool cz_ecephys_drives(const cz_ecephys *e, size_t pop) { return pop < e->c->nnodes && e->drives[pop]; }

/* ---- keys -------------------------------------------------------------------------------- */

static const cJSON *key(const cz_cfg_block *b, const char *name) { return cJSON_GetObjectItemCaseSensitive(b->json, name); }

/* A path of the block, absolute against the folder of the config that holds it. */
static cz_status block_path(const cz_config *cfg, const cz_cfg_block *b, const char *p, char **out) {
  if (cz_path_is_absolute(p)) return cz_strdup(p, out);
  char *dir = NULL;
  CZ_TRY(cz_path_dirname(b->file ? b->file : cfg->path, &dir));
  cz_status st = cz_path_join(dir, p, out);
  free(dir);
  return st;
}

static cz_status read_options(cz_ecephys *e, const cz_cfg_block *b) {
  const cJSON *m = key(b, "mapping");
  static const char *const options = "units_map, sample, sample_without_replacement or sample_with_replacement";
  CZ_CHECK(m, CZ_ERR_CONFIG, "%s: missing key \"mapping\" (%s)", e->where, options);
  CZ_CHECK(cJSON_IsString(m), CZ_ERR_CONFIG, "%s.mapping must be a string: %s", e->where, options);
  const char *s = m->valuestring;
  if (strcasecmp(s, "units_map") == 0) e->map_kind = MAP_UNITS_MAP;
  else if (strcasecmp(s, "sample") == 0 || strcasecmp(s, "sample_without_replacement") == 0) e->map_kind = MAP_SAMPLE;
  else if (strcasecmp(s, "sample_with_replacement") == 0) e->map_kind = MAP_SAMPLE_REPLACE;
  else return CZ_ERROR(CZ_ERR_CONFIG, "%s.mapping: unknown mapping \"%s\"; the options are %s", e->where, s, options);
  const cJSON *mi = key(b, "missing_ids");
  CZ_CHECK(!mi || (cJSON_IsString(mi) && (strcmp(mi->valuestring, "fail") == 0 || strcmp(mi->valuestring, "warn") == 0)),
           CZ_ERR_CONFIG, "%s.missing_ids must be \"fail\" or \"warn\"", e->where);
  e->missing_fail = !mi || strcmp(mi->valuestring, "fail") == 0;
  const cJSON *off = key(b, "interval_offset");
  CZ_CHECK(!off || (cJSON_IsNumber(off) && isfinite(off->valuedouble)), CZ_ERR_CONFIG,
           "%s.interval_offset must be a number of ms", e->where);
  e->offset_s = (off ? off->valuedouble : 0.0) / 1000.0;
  const cJSON *seed = key(b, "seed");
  CZ_CHECK(!seed || (cJSON_IsNumber(seed) && seed->valuedouble >= 0 && seed->valuedouble <= 4294967295.0 &&
                     floor(seed->valuedouble) == seed->valuedouble),
           CZ_ERR_CONFIG, "%s.seed must be a whole number from 0 to 4294967295 (numpy's seeds)", e->where);
  e->seed = seed ? (uint32_t)seed->valuedouble : 0;
  return CZ_OK;
}

static cz_status open_files(cz_ecephys *e, const cz_config *cfg, const cz_cfg_block *b) {
  const cJSON *f = key(b, "input_file");
  CZ_CHECK(f, CZ_ERR_CONFIG, "%s: missing key \"input_file\" (an NWB 2 file, or a list of them)", e->where);
  const bool list = cJSON_IsArray(f);
  CZ_CHECK(cJSON_IsString(f) || (list && cJSON_GetArraySize(f) > 0), CZ_ERR_CONFIG,
           "%s.input_file must be a path or a non-empty list of paths", e->where);
  const size_t n = list ? (size_t)cJSON_GetArraySize(f) : 1;
  CZ_NEW(e->files, n);
  size_t k = 0;
  for (const cJSON *it = list ? f->child : f; it && k < n; it = it->next, k++) {
    CZ_CHECK(cJSON_IsString(it), CZ_ERR_CONFIG, "%s.input_file[%zu] must be a path", e->where, k);
    char *path = NULL;
    CZ_TRY(block_path(cfg, b, it->valuestring, &path));
    cz_status st = cz_nwb_units_open(path, &e->files[k]);
    free(path);
    if (st != CZ_OK) return cz_error_prefix(st, "%s.input_file", e->where);
    e->nfiles = k + 1;
    if (!list) break;
  }
  return CZ_OK;
}

/* ---- filters ----------------------------------------------------------------------------- */

typedef enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } op;

static bool apply_op(op o, int cmp) {
  switch (o) {
  case OP_EQ: return cmp == 0;
  case OP_NE: return cmp != 0;
  case OP_LT: return cmp < 0;
  case OP_LE: return cmp <= 0;
  case OP_GT: return cmp > 0;
  default: return cmp >= 0;
  }
}

static bool num_op(op o, double x, double v) {
  switch (o) {
  case OP_EQ: return x == v;
  case OP_NE: return x != v; /* true for NaN, as pandas */
  case OP_LT: return x < v;
  case OP_LE: return x <= v;
  case OP_GT: return x > v;
  default: return x >= v;
  }
}

/* Whether row r of col compares true with the JSON scalar v: text with text, numbers with
 * numbers (a boolean is 1 or 0); a missing value and a value of the other kind are unequal to
 * everything, and cannot be ordered. */
static cz_status compare(const cz_nwb_column *col, const char *table, size_t r, op o, const cJSON *v, const char *k,
                         bool *out) {
  CZ_CHECK(col->kind != CZ_NWB_OTHER, CZ_ERR_CONFIG,
           "%s: column \"%s\" of %s holds neither numbers nor texts (a ragged or many-valued column); it cannot be "
           "filtered on", k, col->name, table);
  const bool text = cJSON_IsString(v), number = cJSON_IsNumber(v) || cJSON_IsBool(v);
  CZ_CHECK(text || number, CZ_ERR_CONFIG, "%s: a filter value must be a string, a number or a boolean", k);
  const bool same = text == (col->kind == CZ_NWB_TEXT);
  const bool missing = col->kind == CZ_NWB_TEXT && !col->text[r];
  if (!same || missing) {
    CZ_CHECK(o == OP_EQ || o == OP_NE || missing, CZ_ERR_CONFIG, "%s: column \"%s\" of %s holds %s, compared with %s",
             k, col->name, table, col->kind == CZ_NWB_TEXT ? "texts" : "numbers", text ? "a text" : "a number");
    *out = o == OP_NE;
    return CZ_OK;
  }
  if (text) *out = apply_op(o, strcmp(col->text[r], v->valuestring));
  else *out = num_op(o, col->num[r], cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? 1.0 : 0.0) : v->valuedouble);
  return CZ_OK;
}

static cz_status column_of(const cz_nwb_table *t, const char *name, const char *k, const cz_nwb_column **out) {
  const int c = cz_nwb_table_col(t, name);
  if (c >= 0) {
    *out = &t->cols[c];
    return CZ_OK;
  }
  char list[768] = "";
  size_t used = 0;
  for (size_t i = 0; i < t->ncols && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", t->cols[i].name);
  return CZ_ERROR(CZ_ERR_CONFIG, "%s: no column \"%s\" in %s (its columns: %s)", k, name, t->where,
                  list[0] ? list : "none");
}

static cz_status parse_op(const cJSON *o, const char *k, op *out) {
  static const char *const names[] = {"==", "!=", "<", "<=", ">", ">="};
  for (int i = 0; cJSON_IsString(o) && i < 6; i++)
    if (strcmp(o->valuestring, names[i]) == 0) {
      *out = (op)i;
      return CZ_OK;
    }
  return CZ_ERROR(CZ_ERR_CONFIG, "%s.operation must be one of ==, !=, <, <=, >, >=", k);
}

/* keep[r] &= row r passes the filter name: value (BMTK's filter_table). */
static cz_status apply_filter(const cz_nwb_table *t, const char *name, const cJSON *v, const char *k, bool *keep) {
  const char *colname = name;
  op o = OP_EQ;
  const cJSON *val = v;
  if (cJSON_IsObject(v)) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "column");
    CZ_CHECK(!c || cJSON_IsString(c), CZ_ERR_CONFIG, "%s.column must be the name of a column", k);
    if (c) colname = c->valuestring;
    CZ_TRY(parse_op(cJSON_GetObjectItemCaseSensitive(v, "operation"), k, &o));
    val = cJSON_GetObjectItemCaseSensitive(v, "value");
    CZ_CHECK(val, CZ_ERR_CONFIG, "%s: missing key \"value\"", k);
  }
  CZ_CHECK(!cJSON_IsNull(v) && !cJSON_IsObject(val) && !cJSON_IsArray(cJSON_IsObject(v) ? val : NULL), CZ_ERR_CONFIG,
           "%s: a filter is a string, a number, a list of values or {column, operation, value}", k);
  const cz_nwb_column *col = NULL;
  CZ_TRY(column_of(t, colname, k, &col));
  for (size_t r = 0; r < t->nrows; r++) {
    if (!keep[r]) continue;
    bool pass = false;
    if (cJSON_IsArray(val))
      for (const cJSON *it = val->child; it && !pass; it = it->next) CZ_TRY(compare(col, t->where, r, OP_EQ, it, k, &pass));
    else CZ_TRY(compare(col, t->where, r, o, val, k, &pass));
    keep[r] = pass;
  }
  return CZ_OK;
}

/* keep[r] for each row r of t that passes every filter of the object filters, but the keys in
 * skip (NULL-ended). base is the key of the filters ("...units"). */
static cz_status filter_rows(const cz_nwb_table *t, const cJSON *filters, const char *const *skip, const char *base,
                             bool *keep) {
  for (size_t r = 0; r < t->nrows; r++) keep[r] = true;
  for (const cJSON *f = filters ? filters->child : NULL; f; f = f->next) {
    bool skipped = false;
    for (const char *const *s = skip; s && *s; s++) skipped = skipped || strcmp(f->string, *s) == 0;
    if (skipped) continue;
    char k[512];
    snprintf(k, sizeof k, "%s.%s", base, f->string);
    CZ_TRY(apply_filter(t, f->string, f, k, keep));
  }
  return CZ_OK;
}

/* ---- windows ----------------------------------------------------------------------------- */

/* A dict interval over the intervals tables of file u. */
static cz_status dict_window(cz_nwb_units *u, const cJSON *d, const char *k, window *w) {
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "interval_name");
  CZ_CHECK(cJSON_IsString(name), CZ_ERR_CONFIG, "%s: missing key \"interval_name\" (the intervals table to take the window from)",
           k);
  const cJSON *idx = cJSON_GetObjectItemCaseSensitive(d, "interval_index");
  const bool all = !idx || (cJSON_IsString(idx) && strcmp(idx->valuestring, "all") == 0);
  CZ_CHECK(all || (cJSON_IsNumber(idx) && floor(idx->valuedouble) == idx->valuedouble && fabs(idx->valuedouble) < 1e15),
           CZ_ERR_CONFIG, "%s.interval_index must be \"all\" or a row number", k);
  cz_nwb_table t;
  cz_status st = cz_nwb_intervals_read(u, name->valuestring, &t);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.interval_name", k);
  bool *keep = cz_calloc(t.nrows + 1, sizeof *keep);
  const cz_nwb_column *start = NULL, *stop = NULL;
  static const char *const skip[] = {"interval_name", "interval_index", NULL};
  st = keep ? filter_rows(&t, d, skip, k, keep) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = column_of(&t, "start_time", k, &start);
  if (st == CZ_OK) st = column_of(&t, "stop_time", k, &stop);
  if (st == CZ_OK && (start->kind != CZ_NWB_NUMBER || stop->kind != CZ_NWB_NUMBER))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: start_time and stop_time must be numbers", t.where);
  size_t nkeep = 0;
  for (size_t r = 0; st == CZ_OK && r < t.nrows; r++) nkeep += keep[r];
  *w = (window){true, 0.0, INFINITY}; /* no row: BMTK's [0, inf) */
  if (st == CZ_OK && nkeep > 0 && all) {
    w->w0 = INFINITY, w->w1 = -INFINITY;
    for (size_t r = 0; r < t.nrows; r++)
      if (keep[r]) { /* pandas' min and max skip NaN */
        if (start->num[r] < w->w0) w->w0 = start->num[r];
        if (stop->num[r] > w->w1) w->w1 = stop->num[r];
      }
  } else if (st == CZ_OK && nkeep > 0) {
    const long long i = (long long)idx->valuedouble, at = i < 0 ? (long long)nkeep + i : i;
    if (at < 0 || at >= (long long)nkeep)
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s.interval_index: row %lld of the %zu rows of %s that match", k, i, nkeep, t.where);
    for (size_t r = 0, seen = 0; st == CZ_OK && r < t.nrows; r++)
      if (keep[r] && (long long)seen++ == at) w->w0 = start->num[r], w->w1 = stop->num[r];
  }
  if (st == CZ_OK && !(w->w0 <= w->w1))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: the window from %s is [%g, %g] s, which holds no time", k, t.where, w->w0, w->w1);
  free(keep);
  cz_nwb_table_free(&t);
  return st;
}

/* One interval of the config (a [t0, t1] list in ms, or a dict) as the window of file u. */
static cz_status one_window(cz_nwb_units *u, const cJSON *v, const char *k, window *w) {
  if (cJSON_IsObject(v)) return dict_window(u, v, k, w);
  CZ_CHECK(cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2 && cJSON_IsNumber(v->child) && cJSON_IsNumber(v->child->next),
           CZ_ERR_CONFIG, "%s must be [start, stop] in ms, or {\"interval_name\": ...}", k);
  const double t0 = v->child->valuedouble, t1 = v->child->next->valuedouble;
  CZ_CHECK(isfinite(t0) && isfinite(t1) && t0 <= t1, CZ_ERR_CONFIG, "%s: [%g, %g] ms is not an interval (start <= stop)",
           k, t0, t1);
  *w = (window){true, t0 / 1000.0, t1 / 1000.0};
  return CZ_OK;
}

/* The default window of each file from the key interval. */
static cz_status read_windows(cz_ecephys *e, const cz_cfg_block *b) {
  CZ_NEW(e->file_window, e->nfiles);
  const cJSON *v = key(b, "interval");
  if (!v || cJSON_IsNull(v) || (cJSON_IsArray(v) && !v->child)) return CZ_OK;
  char k[512];
  snprintf(k, sizeof k, "%s.interval", e->where);
  const bool many = cJSON_IsArray(v) && (cJSON_IsArray(v->child) || cJSON_IsObject(v->child));
  if (!many) {
    for (size_t f = 0; f < e->nfiles; f++) CZ_TRY(one_window(&e->files[f], v, k, &e->file_window[f]));
    return CZ_OK;
  }
  const size_t n = (size_t)cJSON_GetArraySize(v);
  CZ_CHECK(n == 1 || n == e->nfiles, CZ_ERR_CONFIG, "%s: %zu intervals for %zu input files (give one, or one per file)", k,
           n, e->nfiles);
  for (size_t f = 0; f < e->nfiles; f++) {
    char ki[540];
    const size_t i = n == 1 ? 0 : f;
    snprintf(ki, sizeof ki, "%s[%zu]", k, i);
    CZ_TRY(one_window(&e->files[f], cJSON_GetArrayItem(v, (int)i), ki, &e->file_window[f]));
  }
  return CZ_OK;
}

/* ---- units ------------------------------------------------------------------------------- */

/* The concatenated units (filtered by units' dict when sampling), indexed by id. */
static cz_status gather_units(cz_ecephys *e, const cz_cfg_block *b) {
  const cJSON *filters = key(b, "units");
  char k[512];
  snprintf(k, sizeof k, "%s.units", e->where);
  if (e->map_kind != MAP_UNITS_MAP)
    CZ_CHECK(!filters || cJSON_IsNull(filters) || cJSON_IsObject(filters), CZ_ERR_CONFIG,
             "%s: with mapping \"sample...\" units is a dict of filters over the units' columns", k);
  size_t total = 0;
  for (size_t f = 0; f < e->nfiles; f++) total += e->files[f].n;
  CZ_NEW(e->units, total + 1);
  bool *keep = NULL;
  for (size_t f = 0; f < e->nfiles; f++) {
    const cz_nwb_units *u = &e->files[f];
    CZ_NEW(keep, u->n + 1);
    cz_status st = e->map_kind == MAP_UNITS_MAP ? CZ_OK : filter_rows(&u->table, cJSON_IsObject(filters) ? filters : NULL,
                                                                     NULL, k, keep);
    for (size_t r = 0; st == CZ_OK && r < u->n; r++)
      if (e->map_kind == MAP_UNITS_MAP || keep[r]) e->units[e->nunits++] = (unit_ref){f, r};
    free(keep);
    CZ_TRY(st);
  }
  CZ_NEW(e->by_id, 2 * e->nunits + 2);
  for (size_t i = 0; i < e->nunits; i++) {
    e->by_id[2 * i] = e->files[e->units[i].file].id[e->units[i].row];
    e->by_id[2 * i + 1] = (int64_t)i;
  }
  cz_sort_i64_pairs(e->by_id, e->nunits);
  for (size_t i = 1; i < e->nunits; i++)
    if (e->by_id[2 * i] == e->by_id[2 * i - 2]) {
      const unit_ref *a = &e->units[e->by_id[2 * i - 1]], *c = &e->units[e->by_id[2 * i + 1]];
      return CZ_ERROR(CZ_ERR_FORMAT, "%s.input_file: unit id %lld is in %s and again in %s; unit ids must be unique",
                      e->where, (long long)e->by_id[2 * i], e->files[a->file].path, e->files[c->file].path);
    }
  return CZ_OK;
}

static size_t unit_by_id(const cz_ecephys *e, int64_t id) {
  size_t lo = 0, hi = e->nunits;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (e->by_id[2 * mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < e->nunits && e->by_id[2 * lo] == id ? (size_t)e->by_id[2 * lo + 1] : SIZE_MAX;
}

/* ---- the map ----------------------------------------------------------------------------- */

static bool whole(const char *s, int64_t lo, long long *out) {
  double d = 0;
  if (s && cz_parse_int64(s, out)) return *out >= lo;
  if (!s || !cz_parse_double(s, &d) || floor(d) != d || fabs(d) > 9.0e15) return false;
  *out = (long long)d;
  return *out >= lo;
}

/* Sorts the map by node id, keeping the last entry given for an id (a dict's rule). */
static cz_status settle_map(cz_ecephys *e) {
  int64_t *pairs = NULL;
  CZ_NEW(pairs, 2 * e->nmap + 2);
  for (size_t i = 0; i < e->nmap; i++) pairs[2 * i] = (int64_t)e->map[i].node, pairs[2 * i + 1] = (int64_t)i;
  cz_sort_i64_pairs(pairs, e->nmap);
  map_entry *m = cz_calloc(e->nmap + 1, sizeof *m);
  size_t n = 0;
  for (size_t i = 0; m && i < e->nmap; i++)
    if (i + 1 == e->nmap || pairs[2 * i + 2] != pairs[2 * i]) m[n++] = e->map[pairs[2 * i + 1]];
  free(pairs);
  CZ_CHECK(m, CZ_ERR_NOMEM, "out of memory");
  free(e->map);
  e->map = m;
  e->nmap = n;
  return CZ_OK;
}

static cz_status read_units_map(cz_ecephys *e, const cz_config *cfg, const cz_cfg_block *b) {
  const cJSON *u = key(b, "units");
  CZ_CHECK(cJSON_IsString(u), CZ_ERR_CONFIG,
           "%s.units: mapping \"units_map\" needs units, the path of a space-separated csv with columns node_ids and "
           "unit_ids", e->where);
  CZ_TRY(block_path(cfg, b, u->valuestring, &e->units_csv));
  cz_csv *t = NULL;
  cz_status st = cz_csv_read(e->units_csv, &t);
  if (st != CZ_OK) return cz_error_prefix(st, "%s.units", e->where);
  const int cn = cz_csv_col(t, "node_ids"), cu = cz_csv_col(t, "unit_ids");
  const int cs = cz_csv_col(t, "start_times"), ce = cz_csv_col(t, "stop_times");
  if (cn < 0 || cu < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s.units: %s: no column %s (the header must name node_ids and unit_ids, space-separated)",
                  e->where, e->units_csv, cn < 0 ? "node_ids" : "unit_ids");
  if (st == CZ_OK && (cs < 0) != (ce < 0))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s.units: %s: column %s without %s (give both windows' ends, or neither)", e->where,
                  e->units_csv, cs >= 0 ? "start_times" : "stop_times", cs >= 0 ? "stop_times" : "start_times");
  if (st == CZ_OK) e->map = cz_calloc(t->nrows + 1, sizeof *e->map);
  if (st == CZ_OK && !e->map) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 0; st == CZ_OK && r < t->nrows; r++) {
    long long node = 0, unit = 0;
    map_entry *m = &e->map[e->nmap];
    m->line = r + 2;
    m->unit = SIZE_MAX;
    if (!whole(cz_csv_cell(t, r, (size_t)cn), 0, &node) || !whole(cz_csv_cell(t, r, (size_t)cu), INT64_MIN, &unit)) {
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s.units: %s: line %zu: node_ids and unit_ids must be whole numbers (node ids >= 0)",
                    e->where, e->units_csv, m->line);
      break;
    }
    m->node = (uint64_t)node;
    m->unit_id = unit;
    if (cs >= 0) {
      double t0 = 0, t1 = 0;
      const char *a = cz_csv_cell(t, r, (size_t)cs), *z = cz_csv_cell(t, r, (size_t)ce);
      if (!a || !z || !cz_parse_double(a, &t0) || !cz_parse_double(z, &t1) || !isfinite(t0) || !isfinite(t1) || t0 > t1) {
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s.units: %s: line %zu: start_times and stop_times must be numbers of ms, start <= stop",
                      e->where, e->units_csv, m->line);
        break;
      }
      /* BMTK converts the table's windows by multiplying with 1/1000.0 */
      m->w = (window){true, t0 * (1 / 1000.0), t1 * (1 / 1000.0)};
    }
    e->nmap++;
  }
  cz_csv_destroy(&t);
  CZ_TRY(st);
  /* A unit has one window: BMTK looks windows up by unit id. */
  for (size_t i = 0; i < e->nmap; i++)
    for (size_t j = i + 1; e->map[i].w.set && j < e->nmap; j++)
      if (e->map[j].unit_id == e->map[i].unit_id &&
          (e->map[j].w.w0 != e->map[i].w.w0 || e->map[j].w.w1 != e->map[i].w.w1))
        return CZ_ERROR(CZ_ERR_FORMAT, "%s.units: %s: lines %zu and %zu give unit %lld two different windows", e->where,
                        e->units_csv, e->map[i].line, e->map[j].line, (long long)e->map[i].unit_id);
  return settle_map(e);
}

/* The node ids of the node set: populations in load order, rows ascending. */
static cz_status node_set_ids(const cz_ecephys *e, uint64_t **ids, size_t *n) {
  *n = cz_ns_selection_count(e->sel);
  CZ_NEW(*ids, *n + 1);
  size_t k = 0;
  for (size_t p = 0; p < e->sel->npops; p++)
    for (size_t i = 0; i < e->sel->n[p]; i++) (*ids)[k++] = cz_node_id(&e->c->nodes[p], e->sel->rows[p][i]);
  return CZ_OK;
}

static cz_status sample_map(cz_ecephys *e) {
  uint64_t *nodes = NULL;
  size_t nn = 0;
  CZ_TRY(node_set_ids(e, &nodes, &nn));
  const bool replace = e->map_kind == MAP_SAMPLE_REPLACE;
  cz_status st = CZ_OK;
  if (!replace && nn > e->nunits) {
    if (e->missing_fail)
      st = CZ_ERROR(CZ_ERR_CONFIG,
                    "%s.units: %zu units (after the filters) for the %zu nodes of the node set, sampled without "
                    "replacement (set missing_ids to \"warn\" to map only the first %zu nodes, or sample with replacement)",
                    e->where, e->nunits, nn, e->nunits);
    else {
      cz_log_warn("%s: %zu units for %zu nodes: only the first %zu nodes of the node set are mapped", e->where, e->nunits,
                  nn, e->nunits);
      nn = e->nunits;
    }
  }
  if (st == CZ_OK && replace && nn > 0 && e->nunits == 0)
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s.units: no unit is left after the filters to sample from", e->where);
  if (st == CZ_OK && e->nunits > 4294967296.0)
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %zu units are more than numpy's sampling draws from", e->where, e->nunits);
  size_t *pick = NULL, *perm = NULL;
  if (st == CZ_OK) {
    pick = cz_calloc(nn + 1, sizeof *pick);
    perm = cz_calloc(e->nunits + 1, sizeof *perm);
    e->map = cz_calloc(nn + 1, sizeof *e->map);
    if (!pick || !perm || !e->map) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  if (st == CZ_OK && nn > 0) {
    cz_mt19937 mt;
    cz_mt_seed(&mt, e->seed);
    cz_mt_choice_uniform(&mt, e->nunits, nn, replace, perm, pick);
    for (size_t i = 0; i < nn; i++) {
      const unit_ref *u = &e->units[pick[i]];
      e->map[i] = (map_entry){nodes[i], e->files[u->file].id[u->row], pick[i], {false, 0, 0}, 0};
    }
    e->nmap = nn;
  }
  free(pick);
  free(perm);
  free(nodes);
  CZ_TRY(st);
  return settle_map(e);
}

/* ---- which populations play -------------------------------------------------------------- */

/* Whether another input drives population pop before this block: a spikes block of another
 * module anywhere, or an ecephys_probe block before it. The name of that block in *by. */
static cz_status taken_by(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, size_t pop, const char **by) {
  *by = NULL;
  const bool inside = b >= cfg->inputs && b < cfg->inputs + cfg->ninputs;
  for (size_t i = 0; inside && i < cfg->ninputs && !*by; i++) {
    const cz_cfg_block *o = &cfg->inputs[i];
    if (o == b || !o->enabled || !o->node_set || !cz_input_is_spikes(o)) continue;
    if (cz_input_is_ecephys(o) && o > b) continue;
    char where[512];
    snprintf(where, sizeof where, "%s: inputs.%s.node_set", o->file ? o->file : cfg->path, o->name);
    const cz_ns_view view = cz_circuit_ns_view(c);
    cz_ns_selection *s = NULL;
    CZ_TRY(cz_ns_resolve(cfg->node_sets, o->node_set, &view, where, &s));
    if (s->n[pop] > 0) *by = o->name;
    cz_ns_selection_destroy(&s);
  }
  return CZ_OK;
}

static cz_status choose_populations(cz_ecephys *e, const cz_config *cfg, const cz_cfg_block *b) {
  const cz_circuit *c = e->c;
  CZ_NEW(e->drives, c->nnodes + 1);
  for (size_t p = 0; p < c->nnodes; p++) {
    if (e->sel->n[p] == 0) continue;
    const cz_node_pop *np = &c->nodes[p];
    CZ_CHECK(np->nvirtual == np->n, CZ_ERR_CONFIG,
             "%s.node_set selects population %s, which %s; ecephys_probe drives populations of virtual nodes only",
             e->where, np->name, np->nvirtual ? "mixes virtual and other nodes (BMTK does not implement that)"
                                              : "has no virtual nodes");
    const char *by = NULL;
    CZ_TRY(taken_by(cfg, b, c, p, &by));
    if (by)
      cz_log_warn("%s: population %s is driven by inputs.%s, which BMTK connects first; its nodes keep those spikes and "
                  "this block gives them none", e->where, np->name, by);
    e->drives[p] = !by;
  }
  return CZ_OK;
}

/* ---- open -------------------------------------------------------------------------------- */

static cz_status open_block(cz_ecephys *e, const cz_config *cfg, const cz_cfg_block *b) {
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "%s: missing key \"node_set\" (the virtual nodes that play the units)", e->where);
  CZ_TRY(read_options(e, b));
  char where[512];
  snprintf(where, sizeof where, "%s.node_set", e->where);
  const cz_ns_view view = cz_circuit_ns_view(e->c);
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &e->sel));
  CZ_TRY(choose_populations(e, cfg, b));
  CZ_TRY(open_files(e, cfg, b));
  CZ_TRY(read_windows(e, b));
  CZ_TRY(gather_units(e, b));
  return e->map_kind == MAP_UNITS_MAP ? read_units_map(e, cfg, b) : sample_map(e);
}

cz_status cz_ecephys_open(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, cz_ecephys **out) {
  *out = NULL;
  cz_ecephys *e = cz_calloc(1, sizeof *e);
  CZ_CHECK(e, CZ_ERR_NOMEM, "out of memory");
  e->c = c;
  cz_status st = cz_asprintf(&e->where, "%s: inputs.%s", b->file ? b->file : cfg->path, b->name);
  if (st == CZ_OK) st = open_block(e, cfg, b);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_ecephys_destroy(&e);
    return st;
  }
  *out = e;
  return CZ_OK;
}

void cz_ecephys_destroy(cz_ecephys **pe) {
  cz_ecephys *e = *pe;
  if (!e) return;
  for (size_t f = 0; f < e->nfiles; f++) cz_nwb_units_close(&e->files[f]);
  free(e->files);
  free(e->file_window);
  free(e->units);
  free(e->by_id);
  free(e->map);
  free(e->drives);
  free(e->units_csv);
  free(e->where);
  cz_ns_selection_destroy(&e->sel);
  free(e);
  *pe = NULL;
}

/* ---- trains ------------------------------------------------------------------------------ */

static const map_entry *entry_of(const cz_ecephys *e, uint64_t node) {
  size_t lo = 0, hi = e->nmap;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (e->map[mid].node < node) lo = mid + 1;
    else hi = mid;
  }
  return lo < e->nmap && e->map[lo].node == node ? &e->map[lo] : NULL;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

typedef struct train_builder {
  cz_spike_trains *t;
  size_t cap_ids, cap_times;
} train_builder;

/* The windowed train (ms) of node `node`, appended. */
static cz_status add_train(cz_ecephys *e, const map_entry *m, uint64_t node, train_builder *tb) {
  size_t unit = m->unit;
  if (unit == SIZE_MAX) unit = unit_by_id(e, m->unit_id);
  CZ_CHECK(unit != SIZE_MAX, CZ_ERR_FORMAT, "%s.units: %s: line %zu: unit %lld (node %llu) is not in the units of %s%s",
           e->where, e->units_csv ? e->units_csv : "", m->line, (long long)m->unit_id, (unsigned long long)node,
           e->files[0].path, e->nfiles > 1 ? " or the other input files" : "");
  const unit_ref *u = &e->units[unit];
  const window w = m->w.set ? m->w : e->file_window[u->file];
  double *t = NULL;
  size_t n = 0, kept = 0;
  cz_status rd = cz_nwb_units_times(&e->files[u->file], u->row, &t, &n);
  if (rd != CZ_OK) return cz_error_prefix(rd, "%s.input_file", e->where);
  for (size_t i = 0; i < n; i++) {
    if (w.set && !(w.w0 <= t[i] && t[i] <= w.w1)) continue;
    t[kept++] = w.set ? ((t[i] - w.w0) + e->offset_s) * 1000.0 : t[i] * 1000.0;
  }
  qsort(t, kept, sizeof *t, cmp_double);
  cz_spike_trains *tr = tb->t;
  cz_status st = CZ_OK;
  if (kept) {
    void *ids = tr->node_ids, *times = tr->timestamps;
    st = cz_grow(&ids, &tb->cap_ids, tr->n + kept, sizeof *tr->node_ids);
    tr->node_ids = ids;
    if (st == CZ_OK) st = cz_grow(&times, &tb->cap_times, tr->n + kept, sizeof *tr->timestamps);
    tr->timestamps = times;
  }
  for (size_t i = 0; st == CZ_OK && i < kept; i++) {
    tr->node_ids[tr->n] = node;
    tr->timestamps[tr->n++] = t[i];
  }
  free(t);
  return st;
}

cz_status cz_ecephys_trains(cz_ecephys *e, size_t pop, cz_spike_trains **out) {
  *out = cz_calloc(1, sizeof **out);
  CZ_CHECK(*out, CZ_ERR_NOMEM, "out of memory");
  if (!cz_ecephys_drives(e, pop)) return CZ_OK;
  const cz_node_pop *np = &e->c->nodes[pop];
  uint64_t *ids = NULL;
  cz_status st = CZ_OK;
  if (np->n) {
    ids = cz_calloc(np->n, sizeof *ids);
    if (!ids) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t r = 0; st == CZ_OK && r < np->n; r++) ids[r] = cz_node_id(np, r);
  if (st == CZ_OK) qsort(ids, np->n, sizeof *ids, cmp_u64);
  train_builder tb = {*out, 0, 0};
  size_t missing = 0;
  uint64_t first_missing = 0;
  for (size_t r = 0; st == CZ_OK && r < np->n; r++) {
    const map_entry *m = entry_of(e, ids[r]);
    if (m) st = add_train(e, m, ids[r], &tb);
    else if (!missing++) first_missing = ids[r];
  }
  free(ids);
  if (st == CZ_OK && missing && e->missing_fail)
    st = CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: node %llu of population %s%s has no unit in the map (%s); set missing_ids to \"warn\" to give "
                  "such nodes no spikes",
                  e->where, (unsigned long long)first_missing, np->name, missing > 1 ? " (and others)" : "",
                  e->units_csv ? e->units_csv : "sampled for the node set");
  if (st == CZ_OK && missing)
    cz_log_warn("%s: %zu of the %zu nodes of population %s have no unit; they get no spikes (missing_ids warn)", e->where,
                missing, np->n, np->name);
  if (st != CZ_OK) cz_spike_trains_destroy(out);
  return st;
}
