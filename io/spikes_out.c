/* Spike output files (contract in io/spikes_out.h). */
#include "io/spikes_out.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"
#include "io/part_file.h"

/* ---- sorting --------------------------------------------------------------------------- */

/* One spike's full sort key; idx (its place in the input) breaks exact ties, so the result
 * does not depend on qsort's (unstable) algorithm. */
typedef struct cz_spike_key {
  double t;
  uint64_t id;
  uint32_t pop;
  size_t idx;
} cz_spike_key;

#define CZ_CMP(a, b) (((a) > (b)) - ((a) < (b)))

static int cz_key_by_time(const void *pa, const void *pb) {
  const cz_spike_key *a = pa, *b = pb;
  int c = CZ_CMP(a->t, b->t);
  if (!c) c = CZ_CMP(a->pop, b->pop);
  if (!c) c = CZ_CMP(a->id, b->id);
  return c ? c : CZ_CMP(a->idx, b->idx);
}

static int cz_key_by_id(const void *pa, const void *pb) {
  const cz_spike_key *a = pa, *b = pb;
  int c = CZ_CMP(a->pop, b->pop);
  if (!c) c = CZ_CMP(a->id, b->id);
  if (!c) c = CZ_CMP(a->t, b->t);
  return c ? c : CZ_CMP(a->idx, b->idx);
}

/* "none" still fixes an order (population, time, id) so that runs with different rank or
 * thread counts write identical files. */
static int cz_key_none(const void *pa, const void *pb) {
  const cz_spike_key *a = pa, *b = pb;
  int c = CZ_CMP(a->pop, b->pop);
  if (!c) c = CZ_CMP(a->t, b->t);
  if (!c) c = CZ_CMP(a->id, b->id);
  return c ? c : CZ_CMP(a->idx, b->idx);
}

/* Applies the permutation keys[i].idx to the table's arrays through one scratch buffer. */
static bool cz_spikes_permute(cz_spike_table *t, const cz_spike_key *keys) {
  size_t n = t->n;
  void *scratch = malloc(n * sizeof(uint64_t)); /* the widest column */
  if (!scratch) return false;
  double *ts = scratch;
  for (size_t i = 0; i < n; i++) ts[i] = keys[i].t;
  memcpy(t->timestamps, ts, n * sizeof *ts);
  uint64_t *ids = scratch;
  for (size_t i = 0; i < n; i++) ids[i] = keys[i].id;
  memcpy(t->node_ids, ids, n * sizeof *ids);
  uint32_t *pops = scratch;
  for (size_t i = 0; i < n; i++) pops[i] = keys[i].pop;
  memcpy(t->pop, pops, n * sizeof *pops);
  free(scratch);
  return true;
}

cz_status cz_spikes_sort(cz_spike_table *t, cz_sort_order order) {
  if (!t || t->n < 2) return CZ_OK;
  cz_spike_key *keys = malloc(t->n * sizeof *keys);
  CZ_CHECK(keys != NULL, CZ_ERR_NOMEM, "out of memory sorting %zu spikes", t->n);
  for (size_t i = 0; i < t->n; i++)
    keys[i] = (cz_spike_key){.t = t->timestamps[i], .id = t->node_ids[i], .pop = t->pop[i], .idx = i};
  int (*cmp)(const void *, const void *) =
      order == CZ_SORT_BY_TIME ? cz_key_by_time : order == CZ_SORT_BY_ID ? cz_key_by_id : cz_key_none;
  qsort(keys, t->n, sizeof *keys, cmp);
  bool ok = cz_spikes_permute(t, keys);
  free(keys);
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory sorting %zu spikes", t->n);
  return CZ_OK;
}

/* ---- Python repr of a double ----------------------------------------------------------- */

/* Shortest significant digits that read back to v (v > 0). For normal numbers the first of
 * 15, 16, 17 digits that round-trips is the shortest: a decimal of 15 or fewer digits that
 * reads back to v is what v rounds to at 15 digits (its distance to v is below half a 15-digit
 * step), and among 16-digit candidates the correctly rounded one is the closest. Subnormals
 * carry fewer digits ("5e-324"), so for them every precision is tried from 1. Writes the
 * digits without trailing zeros and returns the decimal exponent of the first digit. */
static int cz_shortest_digits(double v, char *digits, size_t n) {
  char buf[40];
  for (int prec = v < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (prec == 17 || strtod(buf, NULL) == v) break;
  }
  /* buf is "d.ddddde[+-]XX" */
  size_t k = 0;
  for (const char *p = buf; *p && *p != 'e' && k + 1 < n; p++)
    if (*p >= '0' && *p <= '9') digits[k++] = *p;
  while (k > 1 && digits[k - 1] == '0') k--;
  digits[k] = '\0';
  return atoi(strchr(buf, 'e') + 1);
}

/* Appends count copies of c. */
static char *cz_put_rep(char *p, char c, int count) {
  for (int i = 0; i < count; i++) *p++ = c;
  return p;
}

static char *cz_put_str(char *p, const char *s, int len) {
  memcpy(p, s, (size_t)len);
  return p + len;
}

size_t cz_spikes_format_time(double v, char *buf, size_t n) {
  if (isnan(v)) return (size_t)snprintf(buf, n, "nan");
  if (isinf(v)) return (size_t)snprintf(buf, n, v > 0 ? "inf" : "-inf");
  char s[64], *p = s;
  if (signbit(v)) *p++ = '-';
  char d[24] = "0";
  int e = v == 0 ? 0 : cz_shortest_digits(fabs(v), d, sizeof d);
  int nd = (int)strlen(d);
  if (e < -4 || e >= 16) {
    /* Python's repr switches to exponent form below 1e-4 and from 1e16 on: "1e-05",
     * "1.5e+16" (no ".0", at least two exponent digits). */
    *p++ = d[0];
    if (nd > 1) {
      *p++ = '.';
      p = cz_put_str(p, d + 1, nd - 1);
    }
    p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', abs(e));
  } else if (e < 0) { /* 0.00123 */
    p = cz_put_str(p, "0.", 2);
    p = cz_put_rep(p, '0', -e - 1);
    p = cz_put_str(p, d, nd);
  } else if (e + 1 >= nd) { /* 1200.0 */
    p = cz_put_str(p, d, nd);
    p = cz_put_rep(p, '0', e + 1 - nd);
    p = cz_put_str(p, ".0", 2);
  } else { /* 12.5 */
    p = cz_put_str(p, d, e + 1);
    *p++ = '.';
    p = cz_put_str(p, d + e + 1, nd - e - 1);
  }
  *p = '\0';
  return (size_t)snprintf(buf, n, "%s", s);
}

/* ---- h5 -------------------------------------------------------------------------------- */

static const char *cz_sort_name(cz_sort_order order) {
  return order == CZ_SORT_BY_ID ? "by_id" : order == CZ_SORT_BY_TIME ? "by_time" : "none";
}

/* Every spike names a population that has a name (a bad index is a caller bug). */
static cz_status cz_check_table(const char *path, const cz_spike_table *t) {
  for (size_t p = 0; p < t->npops; p++)
    CZ_CHECK(t->pop_names[p] && *t->pop_names[p], CZ_ERR_OUTPUT, "%s: population %zu has no name", path, p);
  for (size_t i = 0; i < t->n; i++)
    CZ_CHECK(t->pop[i] < t->npops, CZ_ERR_INTERNAL, "%s: spike %zu has population index %u of %zu", path, i,
             t->pop[i], t->npops);
  return CZ_OK;
}

/* A name with '/' would silently become nested groups. */
static cz_status cz_check_group_names(const char *path, const cz_spike_table *t) {
  for (size_t p = 0; p < t->npops; p++) {
    const char *name = t->pop_names[p];
    CZ_CHECK(!strchr(name, '/') && strcmp(name, ".") != 0, CZ_ERR_OUTPUT,
             "%s: population name '%s' cannot be an HDF5 group name", path, name);
  }
  return CZ_OK;
}

/* The spikes of population p, in table order (the table is already sorted). */
static size_t cz_gather_pop(const cz_spike_table *t, uint32_t p, double *ts, uint64_t *ids) {
  size_t k = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (t->pop[i] != p) continue;
    ts[k] = t->timestamps[i];
    ids[k++] = t->node_ids[i];
  }
  return k;
}

/* Writes population `name`: this process's n spikes at offset of total (all of them in a
 * file written by one process). */
static cz_status cz_write_h5_pop(cz_h5file *f, const char *name, const double *ts, const uint64_t *ids, size_t n,
                                 size_t total, size_t offset, cz_sort_order order, bool compress) {
  char *group = NULL, *dts = NULL, *dids = NULL;
  cz_status st;
  CZ_TRY_GOTO(st, cz_asprintf(&group, "/spikes/%s", name), done);
  CZ_TRY_GOTO(st, cz_asprintf(&dts, "/spikes/%s/timestamps", name), done);
  CZ_TRY_GOTO(st, cz_asprintf(&dids, "/spikes/%s/node_ids", name), done);
  CZ_TRY_GOTO(st, cz_h5_create_group(f, group), done);
  CZ_TRY_GOTO(st, cz_h5_write_attr_string(f, group, "sorting", cz_sort_name(order)), done);
  CZ_TRY_GOTO(st, cz_h5_write_f64_slice(f, dts, ts, total, offset, n, compress), done);
  CZ_TRY_GOTO(st, cz_h5_write_attr_string(f, dts, "units", "ms"), done);
  CZ_TRY_GOTO(st, cz_h5_write_u64_slice(f, dids, ids, total, offset, n, compress), done);
done:
  free(group);
  free(dts);
  free(dids);
  return st;
}

static cz_status cz_write_h5_body(cz_h5file *f, const cz_spike_table *t, const uint64_t *total,
                                  const uint64_t *offset, cz_sort_order order, bool compress) {
  static const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  CZ_TRY(cz_h5_write_attr_u32(f, "/", "magic", &magic, 1));
  CZ_TRY(cz_h5_write_attr_u32(f, "/", "version", version, 2));
  CZ_TRY(cz_h5_create_group(f, "/spikes"));
  double *ts = NULL;
  uint64_t *ids = NULL;
  CZ_NEW(ts, t->n);
  cz_status st = CZ_OK;
  ids = cz_calloc(t->n, sizeof *ids);
  if (!ids) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory writing %zu spikes", t->n);
  for (uint32_t p = 0; st == CZ_OK && p < t->npops; p++) {
    size_t k = cz_gather_pop(t, p, ts, ids);
    const size_t all = total ? (size_t)total[p] : k, at = offset ? (size_t)offset[p] : 0;
    if (all > 0) CZ_TRY_GOTO(st, cz_write_h5_pop(f, t->pop_names[p], ts, ids, k, all, at, order, compress), done);
  }
done:
  free(ts);
  free(ids);
  return st;
}

/* Any failure is an output error; the status keeps its message but reads CZ_ERR_OUTPUT. */
static cz_status cz_as_output_error(cz_status st) {
  return st == CZ_OK || st == CZ_ERR_OUTPUT ? st : cz_error_prefix(CZ_ERR_OUTPUT, "writing spikes failed");
}

cz_status cz_spikes_write_h5_slices(const char *path, const cz_spike_table *t, const uint64_t *total,
                                    const uint64_t *offset, cz_sort_order order, bool compress, const void *mpi_comm,
                                    bool commit) {
  CZ_TRY(cz_check_table(path, t));
  CZ_TRY(cz_check_group_names(path, t));
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_h5file *f = NULL;
  cz_status st;
  CZ_TRY_GOTO(st, cz_h5_create_parallel(part, mpi_comm, &f), fail);
  st = cz_write_h5_body(f, t, total, offset, order, compress);
  cz_status cst = cz_h5_close(&f);
  if (st == CZ_OK) st = cst;
  if (st != CZ_OK) goto fail;
  if (commit) CZ_TRY_GOTO(st, cz_part_commit(part, path), fail);
  free(part);
  return CZ_OK;
fail:
  if (commit) unlink(part);
  free(part);
  return cz_as_output_error(st);
}

cz_status cz_spikes_write_h5(const char *path, const cz_spike_table *t, cz_sort_order order, bool compress) {
  return cz_spikes_write_h5_slices(path, t, NULL, NULL, order, compress, NULL, true);
}

/* ---- csv ------------------------------------------------------------------------------- */

static cz_status cz_write_csv_body(FILE *fp, const char *part, const cz_spike_table *t) {
  fputs("timestamps population node_ids\n", fp);
  char tbuf[40];
  for (size_t i = 0; i < t->n; i++) {
    cz_spikes_format_time(t->timestamps[i], tbuf, sizeof tbuf);
    fprintf(fp, "%s %s %llu\n", tbuf, t->pop_names[t->pop[i]], (unsigned long long)t->node_ids[i]);
  }
  CZ_CHECK(fflush(fp) == 0 && !ferror(fp), CZ_ERR_OUTPUT, "%s: write failed (%s)", part, strerror(errno));
  return CZ_OK;
}

cz_status cz_spikes_write_csv(const char *path, const cz_spike_table *t) {
  CZ_TRY(cz_check_table(path, t));
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_status st = CZ_OK;
  FILE *fp = fopen(part, "w");
  if (!fp) {
    st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create (%s)", part, strerror(errno));
    goto fail;
  }
  /* A large buffer: millions of short lines. */
  setvbuf(fp, NULL, _IOFBF, 1 << 20);
  st = cz_write_csv_body(fp, part, t);
  if (fclose(fp) != 0 && st == CZ_OK) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: close failed (%s)", part, strerror(errno));
  if (st != CZ_OK) goto fail;
  CZ_TRY_GOTO(st, cz_part_commit(part, path), fail);
  free(part);
  return CZ_OK;
fail:
  unlink(part);
  free(part);
  return cz_as_output_error(st);
}
