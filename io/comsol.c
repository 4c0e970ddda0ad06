#include "io/comsol.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

enum { META_LINES = 8, MIN_GAP = 3 };

typedef struct header {
  size_t nfield;   /* fields, x y z included */
  double scale;    /* to mV */
  double *t_ms;    /* [nfield - 3] when timed */
} header;

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The end of the line starting at s (its '\n' or NUL). */
static const char *line_end(const char *s) {
  const char *e = strchr(s, '\n');
  return e ? e : s + strlen(s);
}

/* The header's fields: runs of text split at runs of MIN_GAP or more blanks. */
static size_t split_header(const char *s, const char *end, const char **start, size_t *len, size_t max) {
  size_t n = 0;
  while (s < end && is_blank(*s)) s++;
  while (s < end && n < max) {
    const char *f = s, *last = s;
    while (s < end) {
      size_t gap = 0;
      while (s + gap < end && is_blank(s[gap])) gap++;
      if (gap >= MIN_GAP || s + gap == end) break;
      s += gap ? gap : 1;
      last = s;
    }
    if (start) start[n] = f, len[n] = (size_t)(last - f);
    n++;
    while (s < end && is_blank(*s)) s++;
  }
  return n;
}

static bool field_is(const char *f, size_t len, const char *prefix) {
  const size_t k = strlen(prefix);
  return len >= k && strncmp(f, prefix, k) == 0;
}

/* The time of a time-dependent expression: the number after "t=", in seconds. */
static cz_status field_time(const char *path, const char *f, size_t len, double *t_ms) {
  char buf[256];
  snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf - 1 ? len : sizeof buf - 1), f);
  const char *at = strstr(buf, "t=");
  char *end = NULL;
  const double t = at ? strtod(at + 2, &end) : NAN;
  CZ_CHECK(at && end != at + 2 && isfinite(t), CZ_ERR_FORMAT,
           "%s:%d: the expression \"%s\" has no time \"t=<seconds>\", which a time-dependent export (no "
           "\"waveform\") needs for each column", path, META_LINES + 1, buf);
  *t_ms = 1000.0 * t;
  return CZ_OK;
}

static cz_status parse_header(const char *path, const char *s, const char *end, bool timed, header *h) {
  const size_t count = split_header(s, end, NULL, NULL, SIZE_MAX);
  const char **start = cz_calloc(count + 1, sizeof *start);
  size_t *len = cz_calloc(count + 1, sizeof *len);
  cz_status st = start && len ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  const size_t n = st == CZ_OK ? split_header(s, end, start, len, count) : 0;
  if (st == CZ_OK && (n < 4 || !field_is(start[0], len[0], "%")))
    st = CZ_ERROR(CZ_ERR_FORMAT,
                  "%s:%d: not a COMSOL header (\"%% x   y   z   V (mV)\", fields separated by 3 or more spaces): "
                  "%zu field(s)", path, META_LINES + 1, n);
  if (st == CZ_OK) {
    h->nfield = n;
    h->scale = field_is(start[3], len[3], "V (V)") ? 1000.0 : field_is(start[3], len[3], "V (mV)") ? 1.0 : 0.0;
    if (h->scale == 0)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s:%d: the expression \"%.*s\" is not a potential in V or mV (\"V (V)\" or "
                    "\"V (mV)\"), the units BMTK's comsol module reads", path, META_LINES + 1, (int)len[3], start[3]);
  }
  if (st == CZ_OK && timed) {
    if (n < 5)
      st = CZ_ERROR(CZ_ERR_FORMAT,
                    "%s:%d: a time-dependent export (no \"waveform\") needs at least two time columns; this one has "
                    "%zu (give a waveform for a stationary export)", path, META_LINES + 1, n - 3);
    if (st == CZ_OK && !(h->t_ms = cz_calloc(n - 3, sizeof *h->t_ms))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (size_t k = 3; st == CZ_OK && k < n; k++) st = field_time(path, start[k], len[k], &h->t_ms[k - 3]);
    for (size_t k = 1; st == CZ_OK && k < n - 3; k++)
      if (!(h->t_ms[k] > h->t_ms[k - 1]))
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s:%d: the times of the columns must increase: %g ms follows %g ms", path,
                      META_LINES + 1, h->t_ms[k], h->t_ms[k - 1]);
    if (st == CZ_OK && h->scale != 1.0)
      cz_log_warn("%s: a time-dependent export in V: BMTK 1.0.8 misreads its times (it cuts \"V (V) @ t=\" one "
                  "character late); Cadenza reads the number after \"t=\"", path);
  }
  free(start);
  free(len);
  return st;
}

/* One node line: x y z and nfield - 3 values. */
static cz_status parse_node(const char *path, size_t line, const char *s, const header *h, cz_comsol *c, size_t i) {
  const size_t keep = c->ncol;
  for (size_t k = 0; k < h->nfield; k++) {
    char *end = NULL;
    const double x = strtod(s, &end);
    CZ_CHECK(end != s && (*end == '\0' || *end == '\n' || is_blank(*end)), CZ_ERR_FORMAT,
             "%s:%zu: field %zu is not a number (the header names %zu fields)", path, line, k + 1, h->nfield);
    s = end;
    if (k < 3) {
      CZ_CHECK(isfinite(x), CZ_ERR_FORMAT, "%s:%zu: the coordinate %c is not finite", path, line, "xyz"[k]);
      c->xyz[3 * i + k] = x;
    } else if (k - 3 < keep) {
      c->val[i * keep + (k - 3)] = x * h->scale;
    }
  }
  while (is_blank(*s)) s++;
  CZ_CHECK(*s == '\0' || *s == '\n', CZ_ERR_FORMAT, "%s:%zu: more fields than the header's %zu", path, line,
           h->nfield);
  return CZ_OK;
}

static bool blank_line(const char *s, const char *end) {
  while (s < end && is_blank(*s)) s++;
  return s == end;
}

static cz_status parse_nodes(const char *path, const char *s, const header *h, cz_comsol *c) {
  size_t rows = 0;
  for (const char *p = s; *p; p = *line_end(p) ? line_end(p) + 1 : line_end(p)) rows += !blank_line(p, line_end(p));
  CZ_CHECK(rows > 0, CZ_ERR_FORMAT, "%s: no node lines after the header (line %d)", path, META_LINES + 1);
  CZ_NEW(c->xyz, 3 * rows);
  CZ_NEW(c->val, rows * c->ncol);
  size_t line = META_LINES + 2, i = 0;
  for (const char *p = s; *p; line++) {
    const char *e = line_end(p);
    if (!blank_line(p, e)) CZ_TRY(parse_node(path, line, p, h, c, i++));
    p = *e ? e + 1 : e;
  }
  c->n = rows;
  return CZ_OK;
}

cz_status cz_comsol_parse(const char *text, const char *path, bool timed, cz_comsol *out) {
  memset(out, 0, sizeof *out);
  const char *s = text;
  for (int k = 0; k < META_LINES; k++) {
    const char *e = line_end(s);
    CZ_CHECK(*e, CZ_ERR_FORMAT, "%s: %d line(s), where a COMSOL export has 8 lines of metadata, a header and nodes",
             path, k + (*s != '\0'));
    s = e + 1;
  }
  header h = {0};
  const char *e = line_end(s);
  cz_status st = parse_header(path, s, e, timed, &h);
  if (st == CZ_OK) {
    out->ncol = timed ? h.nfield - 3 : 1;
    st = parse_nodes(path, *e ? e + 1 : e, &h, out);
  }
  if (st == CZ_OK && timed) {
    out->t_ms = h.t_ms;
    h.t_ms = NULL;
  }
  free(h.t_ms);
  if (st != CZ_OK) cz_comsol_free(out);
  return st;
}

cz_status cz_comsol_read(const char *path, bool timed, cz_comsol *out) {
  char *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_read_file(path, &text, &len));
  const cz_status st = cz_comsol_parse(text, path, timed, out);
  free(text);
  return st;
}

void cz_comsol_free(cz_comsol *c) {
  free(c->xyz);
  free(c->val);
  free(c->t_ms);
  memset(c, 0, sizeof *c);
}
