#include "io/npy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

/* The text after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *key) {
  char quoted[32];
  snprintf(quoted, sizeof quoted, "'%s'", key);
  const char *at = strstr(h, quoted);
  if (!at) return NULL;
  at = strchr(at + strlen(quoted), ':');
  if (!at) return NULL;
  at++;
  while (*at == ' ') at++;
  return at;
}

static cz_status parse_descr(cz_npy *n, const char *h) {
  const char *d = dict_value(h, "descr");
  CZ_CHECK(d && *d == '\'', CZ_ERR_FORMAT, "%s: the .npy header has no 'descr'", n->path);
  d++;
  const char order = d[0];
  CZ_CHECK(order == '<' || order == '|', CZ_ERR_FORMAT,
           "%s: dtype '%.4s' is not little-endian; save the movie as little-endian numbers", n->path, d);
  n->kind = d[1];
  n->itemsize = (size_t)strtoul(d + 2, NULL, 10);
  const bool ok = (n->kind == 'f' && (n->itemsize == 8 || n->itemsize == 4)) ||
                  ((n->kind == 'i' || n->kind == 'u') &&
                   (n->itemsize == 1 || n->itemsize == 2 || n->itemsize == 4 || n->itemsize == 8)) ||
                  (n->kind == 'b' && n->itemsize == 1);
  CZ_CHECK(ok, CZ_ERR_FORMAT, "%s: dtype '%c%zu' is not a numeric type a movie can hold", n->path, n->kind, n->itemsize);
  return CZ_OK;
}

static cz_status parse_shape(cz_npy *n, const char *h) {
  const char *f = dict_value(h, "fortran_order");
  CZ_CHECK(f && strncmp(f, "False", 5) == 0, CZ_ERR_FORMAT,
           "%s: the array is in Fortran order; save it in C order (numpy's default)", n->path);
  const char *s = dict_value(h, "shape");
  CZ_CHECK(s && *s == '(', CZ_ERR_FORMAT, "%s: the .npy header has no 'shape'", n->path);
  s++;
  size_t k = 0;
  while (k < 3) {
    char *end = NULL;
    const unsigned long long v = strtoull(s, &end, 10);
    if (end == s) break;
    n->shape[k++] = (size_t)v;
    s = end;
    while (*s == ' ' || *s == ',') s++;
  }
  CZ_CHECK(k == 3 && *s == ')', CZ_ERR_FORMAT, "%s: a movie is a 3-D array (frames, rows, columns)", n->path);
  CZ_CHECK(n->shape[0] > 0 && n->shape[1] > 0 && n->shape[2] > 0, CZ_ERR_FORMAT, "%s: the movie has an empty axis",
           n->path);
  return CZ_OK;
}

static cz_status read_header(cz_npy *n) {
  unsigned char pre[12];
  CZ_CHECK(fread(pre, 1, 10, n->fp) == 10 && memcmp(pre, "\x93NUMPY", 6) == 0, CZ_ERR_FORMAT,
           "%s: not a .npy file (no \\x93NUMPY magic)", n->path);
  const int major = pre[6];
  CZ_CHECK(major >= 1 && major <= 3, CZ_ERR_FORMAT, "%s: .npy format version %d is not one Cadenza reads", n->path, major);
  size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8, prefix = 10;
  if (major >= 2) {
    CZ_CHECK(fread(pre + 10, 1, 2, n->fp) == 2, CZ_ERR_FORMAT, "%s: truncated .npy header", n->path);
    hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    prefix = 12;
  }
  CZ_CHECK(hlen > 0 && hlen < (1u << 24), CZ_ERR_FORMAT, "%s: a .npy header of %zu bytes", n->path, hlen);
  char *h = cz_calloc(hlen + 1, 1);
  CZ_CHECK(h, CZ_ERR_NOMEM, "out of memory");
  cz_status st = fread(h, 1, hlen, n->fp) == hlen ? CZ_OK : CZ_ERROR(CZ_ERR_FORMAT, "%s: truncated .npy header", n->path);
  if (st == CZ_OK) st = parse_descr(n, h);
  if (st == CZ_OK) st = parse_shape(n, h);
  free(h);
  n->data_offset = (long)(prefix + hlen);
  return st;
}

static cz_status check_size(cz_npy *n) {
  CZ_CHECK(fseek(n->fp, 0, SEEK_END) == 0, CZ_ERR_IO, "%s: cannot seek (%s)", n->path, strerror(errno));
  const long size = ftell(n->fp);
  const double need = (double)n->data_offset + (double)n->shape[0] * (double)n->shape[1] * (double)n->shape[2] *
                                                   (double)n->itemsize;
  CZ_CHECK((double)size >= need, CZ_ERR_FORMAT, "%s: %ld bytes, where its shape (%zu, %zu, %zu) needs %.0f", n->path,
           size, n->shape[0], n->shape[1], n->shape[2], need);
  return CZ_OK;
}

cz_status cz_npy_open(const char *path, cz_npy *out) {
  memset(out, 0, sizeof *out);
  CZ_TRY(cz_strdup(path, &out->path));
  out->fp = fopen(path, "rb");
  cz_status st = out->fp ? CZ_OK : CZ_ERROR(CZ_ERR_IO, "%s: cannot open (%s)", path, strerror(errno));
  if (st == CZ_OK) st = read_header(out);
  if (st == CZ_OK) st = check_size(out);
  if (st == CZ_OK && !(out->buf = cz_calloc(out->shape[1] * out->shape[2] + 1, out->itemsize)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st != CZ_OK) cz_npy_close(out);
  return st;
}

/* One little-endian element as a double. */
static double element(const cz_npy *n, const unsigned char *p) {
  uint64_t u = 0;
  for (size_t b = 0; b < n->itemsize; b++) u |= (uint64_t)p[b] << (8 * b);
  switch (n->kind) {
    case 'f':
      if (n->itemsize == 8) {
        double d;
        memcpy(&d, &u, 8);
        return d;
      } else {
        const uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, 4);
        return f;
      }
    case 'i': {
      const unsigned bits = (unsigned)(8 * n->itemsize);
      const int64_t v = bits == 64 ? (int64_t)u : (int64_t)(u << (64 - bits)) >> (64 - bits);
      return (double)v;
    }
    default: return (double)u; /* 'u', 'b' */
  }
}

cz_status cz_npy_frame(cz_npy *n, size_t k, double *out) {
  const size_t count = n->shape[1] * n->shape[2], bytes = count * n->itemsize;
  const long at = n->data_offset + (long)(k * bytes);
  CZ_CHECK(k < n->shape[0] && fseek(n->fp, at, SEEK_SET) == 0 && fread(n->buf, 1, bytes, n->fp) == bytes, CZ_ERR_IO,
           "%s: cannot read frame %zu", n->path, k);
  for (size_t i = 0; i < count; i++) out[i] = element(n, n->buf + i * n->itemsize);
  return CZ_OK;
}

void cz_npy_close(cz_npy *n) {
  if (n->fp) fclose(n->fp);
  free(n->path);
  free(n->buf);
  memset(n, 0, sizeof *n);
}
