/* Space-separated tables (sonata-spec 1.3): see io/csv.h for the rules.
 *
 * The whole text is parsed in place in one owned buffer: fields are unquoted and
 * NUL-terminated where they lie (unquoting only ever shrinks a field) and the cells point
 * into that buffer, so a large spike file costs one buffer plus one pointer array. */
#include "io/csv.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

/* How a line is cut into fields. */
typedef enum split_mode {
  SPLIT_SPACE,  /* every single space ends a field (pandas sep=' ') */
  SPLIT_TAB,    /* every single tab ends a field (tab-separated files) */
  SPLIT_BLANKS  /* runs of spaces and tabs end a field; leading and trailing runs make none */
} split_mode;

/* One line of the text: not NUL-terminated, without its '\n' and trailing '\r'. */
typedef struct line_span {
  char *s;
  size_t len;
  size_t lineno; /* 1-based, counting blank lines, as an editor shows it */
} line_span;

/* What splitting a line found. */
typedef struct split_info {
  size_t nfields;
  bool saw_space; /* a space outside quotes ended a field */
  bool saw_tab;   /* a tab outside quotes ended a field */
} split_info;

/* Walks the text line by line. */
typedef struct line_reader {
  char *text;
  size_t len;
  size_t pos;
  size_t lineno;
} line_reader;

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool is_delim(char c, split_mode mode) {
  switch (mode) {
    case SPLIT_SPACE: return c == ' ';
    case SPLIT_TAB: return c == '\t';
    case SPLIT_BLANKS: return is_blank(c);
  }
  return false;
}

static bool line_is_blank(const line_span *ln) {
  for (size_t i = 0; i < ln->len; i++)
    if (!is_blank(ln->s[i])) return false;
  return true;
}

/* Next line of the text, or false at its end. A final line without '\n' still counts. */
static bool next_line(line_reader *r, line_span *ln) {
  if (r->pos >= r->len) return false;
  char *start = r->text + r->pos;
  char *nl = memchr(start, '\n', r->len - r->pos);
  size_t len = nl ? (size_t)(nl - start) : r->len - r->pos;
  r->pos += len + (nl ? 1 : 0);
  while (len > 0 && start[len - 1] == '\r') len--; /* CRLF files */
  ln->s = start;
  ln->len = len;
  ln->lineno = ++r->lineno;
  return true;
}

/* Splits one line into fields. With out == NULL it only counts and leaves the line untouched,
 * so a row can be counted in one mode and re-split in another; otherwise it writes each field
 * unquoted and NUL-terminated in place (the NUL may land on the line's '\r' or '\n') and
 * stores up to max field pointers in out.
 * A '"' opening a field quotes it until the next lone '"', and '""' inside stands for one
 * quote; text after the closing quote joins the field, as pandas does. A quote anywhere else
 * is an ordinary character. */
static cz_status split_fields(const line_span *ln, split_mode mode, const char *path, char **out,
                              size_t max, split_info *info) {
  char *s = ln->s;
  size_t len = ln->len, i = 0;
  *info = (split_info){0};
  if (mode == SPLIT_BLANKS) {
    while (i < len && is_blank(s[i])) i++;
    if (i == len) return CZ_OK;
  }
  for (;;) {
    char *w = s + i; /* write position, never past the read position i */
    char *field = w;
    if (i < len && s[i] == '"') {
      size_t open = i++;
      for (;;) {
        CZ_CHECK(i < len, CZ_ERR_FORMAT, "%s: line %zu: the quote opened at column %zu is never closed",
                 path, ln->lineno, open + 1);
        if (s[i] == '"') {
          if (i + 1 < len && s[i + 1] == '"') {
            if (out) *w = '"';
            w++;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (out) *w = s[i];
        w++;
        i++;
      }
    }
    while (i < len && !is_delim(s[i], mode)) {
      if (out) *w = s[i];
      w++;
      i++;
    }
    bool more = i < len;
    if (more) {
      if (s[i] == ' ') info->saw_space = true;
      else info->saw_tab = true;
    }
    if (out) {
      *w = '\0'; /* after reading s[i]: w may be s + i */
      if (info->nfields < max) out[info->nfields] = field;
    }
    info->nfields++;
    if (!more) return CZ_OK;
    i++;
    if (mode == SPLIT_BLANKS) {
      while (i < len && is_blank(s[i])) i++;
      if (i == len) return CZ_OK; /* a trailing run makes no empty field */
    }
  }
}

/* Cuts one data row into exactly ncols cells at out. The row is split on single spaces (on
 * single tabs when only tabs separate its fields); when that gives more fields than the
 * header, the row is padded, so it is re-split on blank runs (sonata-spec 1.3). */
static cz_status split_row(const line_span *ln, size_t ncols, const char *path, char **out) {
  split_info blanks = {0}, single;
  split_mode mode = SPLIT_SPACE;
  /* Most rows hold no tab; only those need the blank-run pass to choose the delimiter. */
  bool blanks_done = memchr(ln->s, '\t', ln->len) != NULL;
  if (blanks_done) {
    CZ_TRY(split_fields(ln, SPLIT_BLANKS, path, NULL, 0, &blanks));
    if (blanks.saw_tab && !blanks.saw_space) mode = SPLIT_TAB;
  }
  CZ_TRY(split_fields(ln, mode, path, NULL, 0, &single));
  if (single.nfields > ncols) {
    if (!blanks_done) CZ_TRY(split_fields(ln, SPLIT_BLANKS, path, NULL, 0, &blanks));
    mode = SPLIT_BLANKS;
    single = blanks;
  }
  CZ_CHECK(single.nfields == ncols, CZ_ERR_FORMAT, "%s: line %zu has %zu fields but there are %zu columns%s",
           path, ln->lineno, single.nfields, ncols,
           single.nfields > ncols ? " (even when split on runs of blanks)" : "");
  split_info done;
  CZ_TRY(split_fields(ln, mode, path, out, ncols, &done));
  return CZ_OK;
}

/* A NaN spelling among the null tokens: pandas reads it as a missing value like the others,
 * but in a number column it is a value written on purpose, so it is remembered. */
static bool is_nan_spelling(const char *text) {
  return text && (strcmp(text, "nan") == 0 || strcmp(text, "NaN") == 0 || strcmp(text, "-nan") == 0 ||
                  strcmp(text, "-NaN") == 0);
}

/* Turns the null tokens of the latest row into NULL cells, noting which of them spelled NaN
 * (cells in row-major order, so the list stays sorted). */
static cz_status null_cells_of_row(cz_csv *t, size_t *cap) {
  char **row = t->cells + t->nrows * t->ncols;
  for (size_t c = 0; c < t->ncols; c++) {
    if (!cz_csv_is_null_token(row[c])) continue;
    if (is_nan_spelling(row[c])) {
      CZ_RESERVE(t->nan_cells, *cap, t->n_nan + 1);
      t->nan_cells[t->n_nan++] = t->nrows * t->ncols + c;
    }
    row[c] = NULL;
  }
  return CZ_OK;
}

/* First line holding more than blanks, or false when there is none. */
static bool next_content_line(line_reader *r, line_span *ln) {
  while (next_line(r, ln))
    if (!line_is_blank(ln)) return true;
  return false;
}

/* Reads the column names from the header line. The header is split on blank runs: padding
 * or a trailing space there would otherwise name an empty column nothing can refer to. */
static cz_status read_header(cz_csv *t, const line_span *ln) {
  split_info info;
  CZ_TRY(split_fields(ln, SPLIT_BLANKS, t->path, NULL, 0, &info));
  CZ_NEW(t->header, info.nfields);
  t->ncols = info.nfields;
  char **names;
  CZ_NEW(names, info.nfields);
  cz_status st = split_fields(ln, SPLIT_BLANKS, t->path, names, info.nfields, &info);
  for (size_t c = 0; st == CZ_OK && c < t->ncols; c++) {
    if (!names[c][0]) {
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: column %zu of the header has an empty name", t->path,
                    ln->lineno, c + 1);
      break;
    }
    for (size_t k = 0; k < c; k++) {
      if (strcmp(names[k], names[c]) == 0) {
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: column name '%s' appears twice in the header", t->path,
                      ln->lineno, names[c]);
        break;
      }
    }
    if (st == CZ_OK) st = cz_strdup(names[c], &t->header[c]);
  }
  free(names);
  return st;
}

/* Names the columns col0, col1, ... after the blank-separated fields of the first line. */
static cz_status name_columns(cz_csv *t, const line_span *first) {
  split_info info;
  CZ_TRY(split_fields(first, SPLIT_BLANKS, t->path, NULL, 0, &info));
  CZ_NEW(t->header, info.nfields);
  t->ncols = info.nfields;
  for (size_t c = 0; c < t->ncols; c++) CZ_TRY(cz_asprintf(&t->header[c], "col%zu", c));
  return CZ_OK;
}

/* Upper bound on the rows, so the cell array is allocated once for big files. */
static size_t count_lines(const char *text, size_t len) {
  size_t n = 1;
  for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++) n++;
  return n;
}

static cz_status add_row(cz_csv *t, size_t *cap, size_t *nan_cap, const line_span *ln) {
  CZ_RESERVE(t->cells, *cap, (t->nrows + 1) * t->ncols);
  CZ_TRY(split_row(ln, t->ncols, t->path, t->cells + t->nrows * t->ncols));
  CZ_TRY(null_cells_of_row(t, nan_cap));
  t->nrows++;
  return CZ_OK;
}

/* Reads the data rows that follow; first, when given, is a row already taken from r. */
static cz_status parse_rows(cz_csv *t, line_reader *r, const line_span *first) {
  size_t cap = 0, nan_cap = 0;
  size_t need = count_lines(r->text + r->pos, r->len - r->pos) + (first ? 1 : 0);
  CZ_CHECK(need <= SIZE_MAX / t->ncols, CZ_ERR_NOMEM, "%s: too many cells", t->path);
  CZ_RESERVE(t->cells, cap, need * t->ncols);
  if (first) CZ_TRY(add_row(t, &cap, &nan_cap, first));
  line_span ln;
  while (next_content_line(r, &ln)) CZ_TRY(add_row(t, &cap, &nan_cap, &ln));
  return CZ_OK;
}

/* Parses text (owned from here on, also on failure) into a table. */
static cz_status parse_owned(char *text, size_t len, const char *path, bool has_header, cz_csv **out) {
  *out = NULL;
  cz_csv *t = calloc(1, sizeof *t);
  if (!t) {
    free(text);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory parsing %s", path);
  }
  t->storage = text;
  cz_status st;
  CZ_TRY_GOTO(st, cz_strdup(path, &t->path), fail);
  if (memchr(text, '\0', len)) {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: holds a NUL byte; not a text table", path);
    goto fail;
  }
  line_reader r = {text, len, 0, 0};
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) r.pos = 3; /* UTF-8 byte order mark */
  line_span first;
  if (!next_content_line(&r, &first)) {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: empty file: no %s", path, has_header ? "header row" : "rows");
    goto fail;
  }
  if (has_header) {
    CZ_TRY_GOTO(st, read_header(t, &first), fail);
    CZ_TRY_GOTO(st, parse_rows(t, &r, NULL), fail);
  } else {
    CZ_TRY_GOTO(st, name_columns(t, &first), fail);
    CZ_TRY_GOTO(st, parse_rows(t, &r, &first), fail);
  }
  *out = t;
  return CZ_OK;
fail:
  cz_csv_destroy(&t);
  return st;
}

static cz_status parse_copy(const char *text, const char *path, bool has_header, cz_csv **out) {
  *out = NULL;
  char *copy;
  CZ_TRY(cz_strdup(text ? text : "", &copy));
  CZ_TRY(parse_owned(copy, strlen(copy), path ? path : "<text>", has_header, out));
  return CZ_OK;
}

static cz_status read_path(const char *path, bool has_header, cz_csv **out) {
  *out = NULL;
  char *text;
  size_t len;
  CZ_TRY(cz_read_file(path, &text, &len));
  CZ_TRY(parse_owned(text, len, path, has_header, out));
  return CZ_OK;
}

cz_status cz_csv_read(const char *path, cz_csv **out) { return read_path(path, true, out); }

cz_status cz_csv_read_headerless(const char *path, cz_csv **out) { return read_path(path, false, out); }

cz_status cz_csv_parse(const char *text, const char *path, cz_csv **out) {
  return parse_copy(text, path, true, out);
}

cz_status cz_csv_parse_headerless(const char *text, const char *path, cz_csv **out) {
  return parse_copy(text, path, false, out);
}

void cz_csv_destroy(cz_csv **t) {
  if (!t || !*t) return;
  cz_csv *x = *t;
  if (x->header)
    for (size_t c = 0; c < x->ncols; c++) free(x->header[c]);
  free(x->header);
  free(x->cells);
  free(x->nan_cells);
  free(x->storage);
  free(x->path);
  free(x);
  *t = NULL;
}

int cz_csv_col(const cz_csv *t, const char *name) {
  if (!t || !name) return -1;
  for (size_t c = 0; c < t->ncols; c++)
    if (strcmp(t->header[c], name) == 0) return (int)c;
  return -1;
}

const char *cz_csv_cell(const cz_csv *t, size_t row, size_t col) {
  CZ_ASSERT(t && row < t->nrows && col < t->ncols);
  if (!t || row >= t->nrows || col >= t->ncols) return NULL;
  return t->cells[row * t->ncols + col];
}

/* Whether the whole text is a decimal number, infinities included. strtod also takes hex
 * ("0x1A") and NaN spellings, which pandas keeps as text or nulls, so those are refused. */
static bool text_is_number(const char *s, double *out) {
  if (strpbrk(s, "xX")) return false;
  double d;
  if (!cz_parse_double(s, &d) || isnan(d)) return false;
  *out = d;
  return true;
}

cz_value cz_csv_value(const cz_csv *t, size_t row, size_t col) {
  cz_value v = {CZ_VAL_NULL, 0.0, NULL};
  const char *s = cz_csv_cell(t, row, col);
  if (!s) return v;
  if (text_is_number(s, &v.num)) {
    v.kind = CZ_VAL_NUM;
  } else {
    v.kind = CZ_VAL_STR;
    v.str = s;
  }
  return v;
}

bool cz_csv_is_nan(const cz_csv *t, size_t row, size_t col) {
  const size_t cell = row * t->ncols + col;
  size_t lo = 0, hi = t->n_nan;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (t->nan_cells[mid] < cell) lo = mid + 1;
    else hi = mid;
  }
  return lo < t->n_nan && t->nan_cells[lo] == cell;
}

bool cz_csv_is_null_token(const char *text) {
  /* pandas' default na_values (2.x) plus BMTK's na_values='NONE'. */
  static const char *const tokens[] = {"",     "NULL", "null",   "NONE",    "None",    "NaN",     "-NaN",
                                       "nan",  "-nan", "NA",     "N/A",     "n/a",     "#N/A",    "#N/A N/A",
                                       "#NA",  "<NA>", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  if (!text) return true;
  /* Cheap first-character filter: most cells are numbers or names that match no token. */
  if (text[0] && !strchr("#-1<Nn", text[0])) return false;
  if ((text[0] == '-' || text[0] == '1') && !strpbrk(text, "#Nn")) return false; /* -70.5, 1e3 */
  for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
    if (strcmp(text, tokens[i]) == 0) return true;
  return false;
}
