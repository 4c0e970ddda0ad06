#include "io/swc.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sort.h"
#include "base/str.h"

/* Integers read through a float stay exact below 2^24. */
#define SWC_EXACT_INT 16777216.0

enum { SWC_FIELDS = 7 };

/* One point line's seven numbers, each parsed as a float. Returns the count parsed (stops at
 * the first field that is not a number). */
static int scan_floats(const char *s, float v[SWC_FIELDS]) {
  int k = 0;
  while (k < SWC_FIELDS) {
    char *end = NULL;
    const float f = strtof(s, &end);
    if (end == s) break;
    v[k++] = f;
    s = end;
  }
  return k;
}

static bool blank_or_comment(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r') s++;
  return *s == '\0' || *s == '\n' || *s == '#';
}

static bool integral(float f) { return isfinite(f) && floorf(f) == f && fabs((double)f) < SWC_EXACT_INT; }

static cz_status alloc_points(cz_swc *s, size_t cap) {
  CZ_NEW(s->id, cap);
  CZ_NEW(s->type, cap);
  CZ_NEW(s->parent, cap);
  CZ_NEW(s->x, cap);
  CZ_NEW(s->y, cap);
  CZ_NEW(s->z, cap);
  CZ_NEW(s->r, cap);
  CZ_NEW(s->line, cap);
  return CZ_OK;
}

static void free_points(cz_swc *s) {
  free(s->id);
  free(s->type);
  free(s->parent);
  free(s->x);
  free(s->y);
  free(s->z);
  free(s->r);
  free(s->line);
}

/* Checks one line's numbers and stores them as point s->n (its parent still an id). */
static cz_status add_point(cz_swc *s, const float v[SWC_FIELDS], size_t line) {
  const char *what = !integral(v[0]) ? "id" : !integral(v[1]) ? "type" : !integral(v[6]) ? "parent id" : NULL;
  CZ_CHECK(!what, CZ_ERR_FORMAT, "%s:%zu: the %s is not an integer", s->path, line, what);
  CZ_CHECK(isfinite(v[2]) && isfinite(v[3]) && isfinite(v[4]), CZ_ERR_FORMAT, "%s:%zu: a coordinate is not finite",
           s->path, line);
  CZ_CHECK(isfinite(v[5]) && v[5] >= 0, CZ_ERR_FORMAT, "%s:%zu: the radius %g is not a finite number >= 0", s->path,
           line, (double)v[5]);
  const size_t i = s->n++;
  s->id[i] = (int64_t)v[0];
  s->type[i] = (int32_t)v[1];
  s->x[i] = v[2];
  s->y[i] = v[3];
  s->z[i] = v[4];
  s->r[i] = v[5];
  s->parent[i] = (int64_t)v[6];
  s->line[i] = line;
  return CZ_OK;
}

static size_t count_lines(const char *text) {
  size_t n = 1;
  for (const char *c = text; *c; c++) n += *c == '\n';
  return n;
}

static cz_status parse_lines(cz_swc *s, const char *text) {
  CZ_TRY(alloc_points(s, count_lines(text)));
  size_t line = 1;
  for (const char *l = text; *l; line++) {
    const char *next = strchr(l, '\n');
    if (!blank_or_comment(l)) {
      float v[SWC_FIELDS];
      const size_t len = next ? (size_t)(next - l) : strlen(l);
      char buf[512];
      CZ_CHECK(len < sizeof buf, CZ_ERR_FORMAT, "%s:%zu: line too long for a point", s->path, line);
      memcpy(buf, l, len);
      buf[len] = '\0';
      CZ_CHECK(scan_floats(buf, v) == SWC_FIELDS, CZ_ERR_FORMAT,
               "%s:%zu: a point line needs 7 numbers (id type x y z radius parent)", s->path, line);
      CZ_TRY(add_point(s, v, line));
    }
    if (!next) break;
    l = next + 1;
  }
  CZ_CHECK(s->n > 0, CZ_ERR_FORMAT, "%s: no points", s->path);
  return CZ_OK;
}

/* Puts the points in ascending id order (NEURON's importer sorts them when the file does not). */
static cz_status sort_by_id(cz_swc *s) {
  bool sorted = true;
  for (size_t i = 1; i < s->n && sorted; i++) sorted = s->id[i - 1] <= s->id[i];
  if (sorted) return CZ_OK;
  int64_t *pairs = NULL;
  cz_swc t = {.path = s->path};
  CZ_NEW(pairs, 2 * s->n);
  for (size_t i = 0; i < s->n; i++) {
    pairs[2 * i] = s->id[i];
    pairs[2 * i + 1] = (int64_t)i;
  }
  cz_sort_i64_pairs(pairs, s->n); /* ties stay in file order: their duplicate is reported below */
  cz_status st = alloc_points(&t, s->n);
  for (size_t k = 0; st == CZ_OK && k < s->n; k++) {
    const size_t i = (size_t)pairs[2 * k + 1];
    t.id[k] = s->id[i];
    t.type[k] = s->type[i];
    t.parent[k] = s->parent[i];
    t.x[k] = s->x[i];
    t.y[k] = s->y[i];
    t.z[k] = s->z[i];
    t.r[k] = s->r[i];
    t.line[k] = s->line[i];
  }
  free(pairs);
  t.n = s->n;
  cz_swc old = st == CZ_OK ? *s : t; /* the arrays to free: the unsorted ones, or the new ones on a failure */
  if (st == CZ_OK) *s = t;
  old.path = NULL;
  free_points(&old);
  return st;
}

static int64_t index_of_id(const cz_swc *s, int64_t id) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (s->id[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->id[lo] == id ? (int64_t)lo : -1;
}

/* Parent ids to parent indexes, with the checks of a tree: unique ids, parents before their
 * children, one root. */
static cz_status link_parents(cz_swc *s) {
  size_t root = SIZE_MAX;
  for (size_t i = 0; i < s->n; i++) {
    CZ_CHECK(i == 0 || s->id[i] != s->id[i - 1], CZ_ERR_FORMAT, "%s:%zu: id %lld is used again (first on line %zu)",
             s->path, s->line[i], (long long)s->id[i], s->line[i - 1]);
    const int64_t pid = s->parent[i];
    if (pid < 0) {
      CZ_CHECK(root == SIZE_MAX, CZ_ERR_FORMAT, "%s:%zu: a second root (parent %lld; the first root is on line %zu)",
               s->path, s->line[i], (long long)pid, s->line[root]);
      root = i;
      s->parent[i] = -1;
      continue;
    }
    CZ_CHECK(pid < s->id[i], CZ_ERR_FORMAT, "%s:%zu: parent id %lld is not below the point's id %lld", s->path,
             s->line[i], (long long)pid, (long long)s->id[i]);
    const int64_t p = index_of_id(s, pid);
    CZ_CHECK(p >= 0, CZ_ERR_FORMAT, "%s:%zu: parent id %lld names no point of the file", s->path, s->line[i],
             (long long)pid);
    s->parent[i] = p;
  }
  /* with every parent id below its child's, the smallest id is the only point that can be a root */
  CZ_CHECK(root == 0, CZ_ERR_FORMAT, "%s: no root point (a point whose parent is -1)", s->path);
  return CZ_OK;
}

cz_status cz_swc_parse(const char *text, const char *path, cz_swc **out) {
  *out = NULL;
  cz_swc *s = cz_calloc(1, sizeof *s);
  CZ_CHECK(s, CZ_ERR_NOMEM, "out of memory");
  cz_status st = cz_strdup(path, &s->path);
  if (st == CZ_OK) st = parse_lines(s, text);
  if (st == CZ_OK) st = sort_by_id(s);
  if (st == CZ_OK) st = link_parents(s);
  if (st != CZ_OK) {
    cz_swc_free(&s);
    return st;
  }
  *out = s;
  return CZ_OK;
}

cz_status cz_swc_read(const char *path, cz_swc **out) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_read_file(path, &text, &len));
  const cz_status st = strlen(text) != len ? CZ_ERROR(CZ_ERR_FORMAT, "%s: not a text file (holds a NUL byte)", path)
                                            : cz_swc_parse(text, path, out);
  free(text);
  return st;
}

void cz_swc_free(cz_swc **s) {
  if (!s || !*s) return;
  free((*s)->path);
  free_points(*s);
  free(*s);
  *s = NULL;
}
