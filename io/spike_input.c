/* Spike-train input files (contract in io/spike_input.h). */
#include "io/spike_input.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/csv.h"
#include "io/h5.h"

typedef enum cz_spike_format { CZ_SPIKES_H5, CZ_SPIKES_CSV, CZ_SPIKES_NWB } cz_spike_format;

void cz_spike_trains_destroy(cz_spike_trains **t) {
  if (!t || !*t) return;
  free((*t)->node_ids);
  free((*t)->timestamps);
  free(*t);
  *t = NULL;
}

static cz_status cz_trains_new(size_t n, cz_spike_trains **out) {
  cz_spike_trains *t = calloc(1, sizeof *t);
  CZ_CHECK(t != NULL, CZ_ERR_NOMEM, "out of memory for spike trains");
  t->node_ids = cz_calloc(n, sizeof *t->node_ids);
  t->timestamps = cz_calloc(n, sizeof *t->timestamps);
  if (!t->node_ids || !t->timestamps) {
    cz_spike_trains_destroy(&t);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory for %zu spikes", n);
  }
  t->n = n;
  *out = t;
  return CZ_OK;
}

/* ---- format choice --------------------------------------------------------------------- */

static bool cz_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
  return *a == *b;
}

static bool cz_has_ext(const char *path, const char *ext) {
  size_t a = strlen(path), b = strlen(ext);
  return a >= b && cz_ieq(path + a - b, ext);
}

static cz_status cz_spike_format_of(const char *path, const char *module, cz_spike_format *fmt) {
  if (module) {
    if (cz_ieq(module, "sonata") || cz_ieq(module, "h5") || cz_ieq(module, "hdf5")) {
      *fmt = CZ_SPIKES_H5;
    } else if (cz_ieq(module, "csv")) {
      *fmt = CZ_SPIKES_CSV;
    } else if (cz_ieq(module, "nwb")) {
      *fmt = CZ_SPIKES_NWB;
    } else {
      return CZ_ERROR(CZ_ERR_CONFIG, "%s: unknown spike input module '%s' (expected sonata, h5, hdf5, csv or nwb)",
                      path, module);
    }
    return CZ_OK;
  }
  if (cz_has_ext(path, ".h5") || cz_has_ext(path, ".hdf5")) {
    *fmt = CZ_SPIKES_H5;
  } else if (cz_has_ext(path, ".csv")) {
    *fmt = CZ_SPIKES_CSV;
  } else if (cz_has_ext(path, ".nwb")) {
    *fmt = CZ_SPIKES_NWB;
  } else {
    return CZ_ERROR(CZ_ERR_CONFIG,
                    "%s: cannot tell the spike file format from its extension; set the input's "
                    "\"module\" to sonata, csv or nwb",
                    path);
  }
  return CZ_OK;
}

/* ---- population choice ----------------------------------------------------------------- */

/* Index of the population to use among names[n] (see the rule in the header), or an error
 * listing what the file has. */
static cz_status cz_choose_population(const char *path, const char *pop, const char *const *names, size_t n,
                                      size_t *chosen) {
  for (size_t i = 0; pop && i < n; i++) {
    if (strcmp(names[i], pop) == 0) {
      *chosen = i;
      return CZ_OK;
    }
  }
  if (n == 1) { /* BMTK ignores the name when there is only one */
    *chosen = 0;
    return CZ_OK;
  }
  char list[1024] = "";
  size_t used = 0;
  for (size_t i = 0; i < n && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
  if (pop)
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: no spike population named '%s' (the file has: %s)", path, pop, list);
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: several spike populations (%s) and none requested", path, list);
}

/* ---- checks and ordering --------------------------------------------------------------- */

static cz_status cz_check_finite(const char *path, const char *what, const double *ts, size_t n) {
  for (size_t i = 0; i < n; i++)
    CZ_CHECK(isfinite(ts[i]), CZ_ERR_FORMAT, "%s: %s holds a non-finite timestamp (%g at index %zu)", path,
             what, ts[i], i);
  return CZ_OK;
}

typedef struct cz_id_time {
  uint64_t id;
  double t;
} cz_id_time;

static int cz_cmp_id_time(const void *pa, const void *pb) {
  const cz_id_time *a = pa, *b = pb;
  if (a->id != b->id) return a->id < b->id ? -1 : 1;
  return (a->t > b->t) - (a->t < b->t);
}

static bool cz_is_sorted(const cz_spike_trains *t) {
  for (size_t i = 1; i < t->n; i++) {
    uint64_t a = t->node_ids[i - 1], b = t->node_ids[i];
    if (a > b || (a == b && t->timestamps[i - 1] > t->timestamps[i])) return false;
  }
  return true;
}

/* Orders by (node_id, timestamp). The key is the whole record, so equal keys are identical
 * spikes and qsort's instability cannot show. Already-sorted files (by_id) skip the sort. */
static cz_status cz_sort_trains(cz_spike_trains *t) {
  if (cz_is_sorted(t)) return CZ_OK;
  cz_id_time *v;
  CZ_NEW(v, t->n);
  for (size_t i = 0; i < t->n; i++) v[i] = (cz_id_time){t->node_ids[i], t->timestamps[i]};
  qsort(v, t->n, sizeof *v, cz_cmp_id_time);
  for (size_t i = 0; i < t->n; i++) {
    t->node_ids[i] = v[i].id;
    t->timestamps[i] = v[i].t;
  }
  free(v);
  return CZ_OK;
}

/* ---- h5 -------------------------------------------------------------------------------- */

/* Reads one (timestamps, node_ids) dataset pair into new trains. */
static cz_status cz_read_h5_pair(cz_h5file *f, const char *ts_name, const char *id_name, cz_spike_trains **out) {
  const char *path = cz_h5_path(f);
  double *ts = NULL;
  uint64_t *ids = NULL;
  size_t nts = 0, nids = 0;
  cz_status st;
  CZ_TRY_GOTO(st, cz_h5_read_f64(f, ts_name, &ts, &nts), done);
  CZ_TRY_GOTO(st, cz_h5_read_u64(f, id_name, &ids, &nids), done);
  if (nts != nids) {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s has %zu values but %s has %zu; they must be the same length", path,
                  ts_name, nts, id_name, nids);
    goto done;
  }
  CZ_TRY_GOTO(st, cz_check_finite(path, ts_name, ts, nts), done);
  cz_spike_trains *t = calloc(1, sizeof *t);
  if (!t) {
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory for spike trains");
    goto done;
  }
  t->n = nts;
  t->timestamps = ts;
  t->node_ids = ids;
  *out = t;
  return CZ_OK;
done:
  free(ts);
  free(ids);
  return st;
}

/* Names of the population groups under /spikes (datasets there are skipped). */
static cz_status cz_h5_spike_populations(cz_h5file *f, char ***pops, size_t *npops) {
  char **names;
  size_t n;
  CZ_TRY(cz_h5_list(f, "/spikes", &names, &n));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char child[1024];
    snprintf(child, sizeof child, "/spikes/%s", names[i]);
    if (cz_h5_is_group(f, child))
      names[k++] = names[i];
    else
      free(names[i]);
  }
  *pops = names;
  *npops = k;
  return CZ_OK;
}

static cz_status cz_read_h5_population(cz_h5file *f, const char *pop, cz_spike_trains **out) {
  char **pops = NULL;
  size_t npops = 0, chosen = 0;
  CZ_TRY(cz_h5_spike_populations(f, &pops, &npops));
  cz_status st = CZ_OK;
  if (npops == 0) { /* an empty run: just /spikes */
    st = cz_trains_new(0, out);
    goto done;
  }
  CZ_TRY_GOTO(st, cz_choose_population(cz_h5_path(f), pop, (const char *const *)pops, npops, &chosen), done);
  char ts_name[1024], id_name[1024];
  snprintf(ts_name, sizeof ts_name, "/spikes/%s/timestamps", pops[chosen]);
  snprintf(id_name, sizeof id_name, "/spikes/%s/node_ids", pops[chosen]);
  CZ_TRY_GOTO(st, cz_read_h5_pair(f, ts_name, id_name, out), done);
done:
  cz_h5_free_names(pops, npops);
  return st;
}

static cz_status cz_read_h5(const char *path, const char *pop, cz_spike_trains **out) {
  cz_h5file *f = NULL;
  CZ_TRY(cz_h5_open_read(path, &f));
  cz_status st = CZ_OK;
  if (!cz_h5_is_group(f, "/spikes")) {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no /spikes group; not a SONATA spike file", path);
  } else if (cz_h5_exists(f, "/spikes/gids") || cz_h5_exists(f, "/spikes/timestamps")) {
    /* Legacy layout: one unnamed population. */
    st = cz_read_h5_pair(f, "/spikes/timestamps", "/spikes/gids", out);
  } else {
    st = cz_read_h5_population(f, pop, out);
  }
  cz_h5_close(&f);
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
  return st;
}

/* ---- csv ------------------------------------------------------------------------------- */

/* csv.Sniffer-like header detection: a header names the columns, data rows hold numbers.
 * Looks at the first non-blank line, as the parser skips blank lines. */
static bool cz_csv_first_line_is_header(const char *text) {
  while (*text == '\n' || *text == '\r' || *text == ' ' || *text == '\t') text++;
  size_t len = strcspn(text, "\n");
  char line[4096];
  if (len >= sizeof line) len = sizeof line - 1;
  memcpy(line, text, len);
  line[len] = '\0';
  return strstr(line, "timestamps") || strstr(line, "node_ids");
}

/* Column indices of one CSV layout; pop is -1 when there is no population column. */
typedef struct cz_csv_cols {
  int ts, id, pop;
} cz_csv_cols;

static cz_status cz_csv_columns(const cz_csv *t, bool header, cz_csv_cols *c) {
  if (!header) {
    CZ_CHECK(t->ncols >= 2, CZ_ERR_FORMAT, "%s: a spike CSV without a header needs two columns "
             "(timestamps node_ids), found %zu", t->path, t->ncols);
    *c = (cz_csv_cols){0, 1, -1};
    return CZ_OK;
  }
  c->ts = cz_csv_col(t, "timestamps");
  c->id = cz_csv_col(t, "node_ids");
  c->pop = cz_csv_col(t, "population");
  CZ_CHECK(c->ts >= 0 && c->id >= 0, CZ_ERR_FORMAT,
           "%s: spike CSV header must name the columns timestamps and node_ids", t->path);
  return CZ_OK;
}

static const char *cz_csv_pop_of(const cz_csv *t, size_t row, int col) {
  const char *s = cz_csv_cell(t, row, (size_t)col);
  return s ? s : "";
}

/* Distinct population names of the file, in first-seen order (borrowed from the table). */
static cz_status cz_csv_pop_names(const cz_csv *t, int col, const char ***names, size_t *n) {
  const char **v = NULL;
  size_t cap = 0, k = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    const char *p = cz_csv_pop_of(t, r, col);
    /* Populations come in long runs; comparing with the last one first is the fast path. */
    if (k && strcmp(v[k - 1], p) == 0) continue;
    size_t i = 0;
    while (i < k && strcmp(v[i], p) != 0) i++;
    if (i < k) continue;
    if (k + 1 > cap) {
      void *tmp = v;
      cz_status st = cz_grow(&tmp, &cap, k + 1, sizeof *v);
      if (st != CZ_OK) {
        free(v);
        return st;
      }
      v = tmp;
    }
    v[k++] = p;
  }
  *names = v;
  *n = k;
  return CZ_OK;
}

/* The population rows are filtered to (NULL = every row). */
static cz_status cz_csv_choose_population(const cz_csv *t, int col, const char *pop, const char **keep) {
  *keep = NULL;
  if (col < 0) return CZ_OK;
  const char **names;
  size_t n;
  CZ_TRY(cz_csv_pop_names(t, col, &names, &n));
  size_t chosen = 0;
  cz_status st = n == 0 ? CZ_OK : cz_choose_population(t->path, pop, names, n, &chosen);
  if (st == CZ_OK && n > 1) *keep = names[chosen];
  free(names);
  return st;
}

static cz_status cz_csv_parse_row(const cz_csv *t, size_t r, const cz_csv_cols *c, double *ts, uint64_t *id) {
  const char *ts_text = cz_csv_cell(t, r, (size_t)c->ts);
  const char *id_text = cz_csv_cell(t, r, (size_t)c->id);
  CZ_CHECK(cz_parse_double(ts_text, ts) && isfinite(*ts), CZ_ERR_FORMAT,
           "%s: data row %zu: timestamp '%s' is not a finite number", t->path, r + 1,
           ts_text ? ts_text : "(empty or NaN)");
  long long v;
  CZ_CHECK(cz_parse_int64(id_text, &v) && v >= 0, CZ_ERR_FORMAT,
           "%s: data row %zu: node id '%s' is not a non-negative integer", t->path, r + 1,
           id_text ? id_text : "(empty)");
  *id = (uint64_t)v;
  return CZ_OK;
}

static cz_status cz_csv_to_trains(const cz_csv *t, const cz_csv_cols *c, const char *keep, cz_spike_trains **out) {
  cz_spike_trains *tr;
  CZ_TRY(cz_trains_new(t->nrows, &tr));
  size_t k = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    if (keep && strcmp(cz_csv_pop_of(t, r, c->pop), keep) != 0) continue;
    cz_status st = cz_csv_parse_row(t, r, c, &tr->timestamps[k], &tr->node_ids[k]);
    if (st != CZ_OK) {
      cz_spike_trains_destroy(&tr);
      return st;
    }
    k++;
  }
  tr->n = k;
  *out = tr;
  return CZ_OK;
}

static cz_status cz_read_csv(const char *path, const char *pop, cz_spike_trains **out) {
  char *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_read_file(path, &text, &len));
  cz_csv *t = NULL;
  cz_status st;
  bool header = cz_csv_first_line_is_header(text);
  if (header)
    st = cz_csv_parse(text, path, &t);
  else
    st = cz_csv_parse_headerless(text, path, &t);
  free(text);
  CZ_TRY(st);
  cz_csv_cols c = {-1, -1, -1};
  const char *keep = NULL;
  CZ_TRY_GOTO(st, cz_csv_columns(t, header, &c), done);
  CZ_TRY_GOTO(st, cz_csv_choose_population(t, c.pop, pop, &keep), done);
  CZ_TRY_GOTO(st, cz_csv_to_trains(t, &c, keep, out), done);
done:
  cz_csv_destroy(&t);
  return st;
}

/* ---- entry ----------------------------------------------------------------------------- */

/* ---- nwb ------------------------------------------------------------------------------- */

/* The trial group: the one asked for, or the only one under /processing. */
static cz_status cz_nwb_trial(cz_h5file *f, const char *trial, char *out, size_t n) {
  const char *path = cz_h5_path(f);
  CZ_CHECK(cz_h5_is_group(f, "/processing"), CZ_ERR_FORMAT, "%s: no /processing group (not an NWB spike file)", path);
  char **names = NULL;
  size_t nn = 0;
  CZ_TRY(cz_h5_list(f, "/processing", &names, &nn));
  cz_status st = CZ_OK;
  if (trial) {
    snprintf(out, n, "/processing/%s/spike_train", trial);
    if (!cz_h5_is_group(f, out)) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no trial '%s' (no group %s)", path, trial, out);
  } else if (nn == 1) {
    snprintf(out, n, "/processing/%s/spike_train", names[0]);
    if (!cz_h5_is_group(f, out)) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: missing group %s", path, out);
  } else {
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < nn && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: the file has %zu trials (%s); choose one with the input's \"trial\"", path, nn,
                  nn ? list : "none");
  }
  cz_h5_free_names(names, nn);
  return st;
}

/* Appends the times of one node (dataset <group>/<id>/data) to t. */
static cz_status cz_nwb_append(cz_h5file *f, const char *group, const char *id, cz_spike_trains *t, size_t *cap) {
  const char *path = cz_h5_path(f);
  char *end = NULL;
  const unsigned long long node = strtoull(id, &end, 10);
  CZ_CHECK(*id && end && *end == '\0' && isdigit((unsigned char)id[0]), CZ_ERR_FORMAT,
           "%s: %s/%s is not named by a node id", path, group, id);
  char ds[1200];
  snprintf(ds, sizeof ds, "%s/%s/data", group, id);
  double *ts = NULL;
  size_t n = 0;
  CZ_TRY(cz_h5_read_f64(f, ds, &ts, &n));
  cz_status st = cz_check_finite(path, ds, ts, n);
  if (st == CZ_OK && t->n + n > *cap) {
    size_t c = *cap ? *cap : 1024;
    while (c < t->n + n) c *= 2;
    double *nt = realloc(t->timestamps, c * sizeof *nt);
    if (nt) t->timestamps = nt;
    uint64_t *ni = nt ? realloc(t->node_ids, c * sizeof *ni) : NULL;
    if (ni) t->node_ids = ni;
    if (ni) *cap = c;
    else st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory reading %s", path);
  }
  for (size_t i = 0; st == CZ_OK && i < n; i++) {
    t->timestamps[t->n] = ts[i];
    t->node_ids[t->n] = node;
    t->n++;
  }
  free(ts);
  return st;
}

/* NWB 1 spike trains (/processing/<trial>/spike_train/<node_id>/data, in ms): one unnamed
 * population, fed to whichever population the input selects, as BMTK does. */
static cz_status cz_read_nwb(const char *path, const char *trial, cz_spike_trains **out) {
  cz_h5file *f = NULL;
  CZ_TRY(cz_h5_open_read(path, &f));
  char group[1024];
  cz_status st = cz_nwb_trial(f, trial, group, sizeof group);
  char **ids = NULL;
  size_t nids = 0, cap = 0;
  if (st == CZ_OK) st = cz_h5_list(f, group, &ids, &nids);
  if (st == CZ_OK) st = cz_trains_new(0, out);
  for (size_t i = 0; st == CZ_OK && i < nids; i++) st = cz_nwb_append(f, group, ids[i], *out, &cap);
  cz_h5_free_names(ids, nids);
  cz_h5_close(&f);
  if (st != CZ_OK) cz_spike_trains_destroy(out);
  return st;
}

cz_status cz_spike_input_read(const char *path, const char *module, const char *pop, cz_spike_trains **out) {
  return cz_spike_input_read_trial(path, module, pop, NULL, out);
}

cz_status cz_spike_input_read_trial(const char *path, const char *module, const char *pop, const char *trial,
                                    cz_spike_trains **out) {
  *out = NULL;
  cz_spike_format fmt;
  CZ_TRY(cz_spike_format_of(path, module, &fmt));
  cz_spike_trains *t = NULL;
  if (fmt == CZ_SPIKES_H5)
    CZ_TRY(cz_read_h5(path, pop, &t));
  else if (fmt == CZ_SPIKES_NWB)
    CZ_TRY(cz_read_nwb(path, trial, &t));
  else
    CZ_TRY(cz_read_csv(path, pop, &t));
  cz_status st = cz_sort_trains(t);
  if (st != CZ_OK) {
    cz_spike_trains_destroy(&t);
    CZ_TRY(st);
  }
  *out = t;
  return CZ_OK;
}

cz_status cz_spike_input_populations(const char *path, char ***names, size_t *n) {
  *names = NULL;
  *n = 0;
  if (cz_str_ends_with(path, ".h5") || cz_str_ends_with(path, ".hdf5")) {
    cz_h5file *f = NULL;
    CZ_TRY(cz_h5_open_read(path, &f));
    char **all = NULL;
    size_t nall = 0;
    cz_status st = CZ_OK;
    /* legacy (/spikes/gids) or empty files hold one unnamed population */
    if (!cz_h5_is_dataset(f, "/spikes/gids") && cz_h5_is_group(f, "/spikes")) st = cz_h5_list(f, "/spikes", &all, &nall);
    for (size_t i = 0; st == CZ_OK && i < nall; i++) {
      char p[1024];
      snprintf(p, sizeof p, "/spikes/%s", all[i]);
      if (!cz_h5_is_group(f, p)) continue;
      char **grown = realloc(*names, (*n + 1) * sizeof *grown);
      if (!grown) {
        st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
        break;
      }
      *names = grown;
      st = cz_strdup(all[i], &(*names)[(*n)++]);
    }
    cz_h5_free_names(all, nall);
    cz_h5_close(&f);
    if (st != CZ_OK) {
      cz_spike_input_free_names(*names, *n);
      *names = NULL;
      *n = 0;
      return st;
    }
    if (*n > 0) return CZ_OK;
  }
  CZ_NEW(*names, 1);
  CZ_TRY(cz_strdup("", &(*names)[0]));
  *n = 1;
  return CZ_OK;
}

void cz_spike_input_free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}
