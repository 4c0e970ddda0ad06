/* Space-separated tables as BMTK reads them: node/edge types CSV files and CSV spike files.
 *
 * Rules (sonata-spec 1.3): the header row names the columns; fields are split on single
 * spaces outside double quotes, so two spaces make an empty field; a row with more fields
 * than the header is re-split on runs of blanks; a trailing '\r' is stripped (CRLF files);
 * '"' quotes a field and '""' inside quotes is a literal quote; blank lines are skipped.
 * Null tokens (empty, NULL, NONE, None, null, NaN, nan, NA, N/A, n/a, #N/A, -NaN, -nan,
 * <NA>, 1.#IND, 1.#QNAN, ...) are stored as NULL cells.
 * Additions: the header row is split on runs of blanks, so padding or a trailing space after
 * the last name adds no unnamed column; a line holding tabs but no spaces (outside quotes)
 * is split on single tabs (tab-separated files); a UTF-8 byte order mark is skipped; a quote
 * left open at the end of a line, a NUL byte, an empty or duplicate column name and a row
 * with too many fields even after the blank-run re-split are CZ_ERR_FORMAT. */
#ifndef CZ_IO_CSV_H
#define CZ_IO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "io/value.h"

typedef struct cz_csv {
  char *path;      /* owned; the file it came from, for messages */
  size_t ncols;
  size_t nrows;    /* data rows, header excluded */
  char **header;   /* [ncols], owned */
  char **cells;    /* [nrows * ncols], row-major, owned; NULL = null token */
  size_t *nan_cells; /* [n_nan], sorted: the null cells that spelled NaN ("nan", "NaN", ...) */
  size_t n_nan;
  /* Owned storage the cell strings point into: one parsed copy of the text instead of a
   * malloc per cell, so a 1e6-line spike file costs two allocations. */
  char *storage;
} cz_csv;

/* Reads and parses a file. A missing file is CZ_ERR_IO; a row with fewer fields than the
 * header, or an empty file, is CZ_ERR_FORMAT naming the file and line. Owned (*out). */
cz_status cz_csv_read(const char *path, cz_csv **out);
/* Parses text held in memory; path is used in messages only. */
cz_status cz_csv_parse(const char *text, const char *path, cz_csv **out);
/* Parses text with no header row; columns are named col0, col1, ... and their number is
 * the number of blank-separated fields of the first non-blank line. */
cz_status cz_csv_parse_headerless(const char *text, const char *path, cz_csv **out);
/* Reads a file with no header row (see cz_csv_parse_headerless). */
cz_status cz_csv_read_headerless(const char *path, cz_csv **out);
void cz_csv_destroy(cz_csv **t);

/* Index of the column named name, or -1. */
int cz_csv_col(const cz_csv *t, const char *name);
/* Cell text (borrowed; NULL for a null token). */
const char *cz_csv_cell(const cz_csv *t, size_t row, size_t col);
/* Cell as a value: NULL, a number when the whole text parses as a finite or infinite number,
 * otherwise a string. */
cz_value cz_csv_value(const cz_csv *t, size_t row, size_t col);

/* Whether text is one of pandas' null tokens (plus BMTK's NONE). */
bool cz_csv_is_null_token(const char *text);

/* Whether the null cell at (row, col) was written as NaN rather than left empty or NULL. */
bool cz_csv_is_nan(const cz_csv *t, size_t row, size_t col);

#endif
