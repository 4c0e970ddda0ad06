/* The appender of generated datasets (gen_h5.h), on the generic chunked writes of io/h5.h. */
#include "tools/gen_h5.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

/* Bytes per chunk. HDF5's filters allocate and free a chunk-sized buffer per chunk; kept
 * below glibc's 128 KiB mmap threshold these come from the heap, while 512 KiB chunks paid
 * for fresh zeroed pages every time (twice the generation time of the Brunel network). */
#define GEN_APPEND_CHUNK_BYTES 126976

struct cz_gen_appender {
  cz_h5file *f;
  char *path;
  cz_h5_elem type;
  size_t elem_size;
  uint64_t n;       /* declared length */
  uint64_t flushed; /* values already in the file */
  size_t cap, used; /* buffer capacity and fill, in values (a buffer is one chunk) */
  unsigned char *buf;
};

static void appender_free(cz_gen_appender *a) {
  if (!a) return;
  free(a->buf);
  free(a->path);
  free(a);
}

cz_status cz_gen_appender_open(cz_h5file *f, const char *path, cz_h5_elem type, uint64_t n, bool compress,
                               cz_gen_appender **out) {
  *out = NULL;
  cz_gen_appender *a = calloc(1, sizeof *a);
  CZ_CHECK(a != NULL, CZ_ERR_NOMEM, "out of memory creating %s in %s", path, cz_h5_path(f));
  a->f = f;
  a->type = type;
  a->n = n;
  a->elem_size = cz_h5_elem_size(type);
  const size_t per_chunk = GEN_APPEND_CHUNK_BYTES / a->elem_size;
  a->cap = n < per_chunk ? (size_t)(n > 0 ? n : 1) : per_chunk;
  cz_status st = cz_strdup(path, &a->path);
  if (st == CZ_OK && !(a->buf = cz_calloc(a->cap, a->elem_size)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %s in %s", path, cz_h5_path(f));
  if (st == CZ_OK) st = cz_h5_create_1d_chunked(f, path, type, n, a->cap, compress);
  if (st != CZ_OK) {
    appender_free(a);
    return st;
  }
  *out = a;
  return CZ_OK;
}

/* Writes the buffered values at their place in the file. */
static cz_status appender_flush(cz_gen_appender *a) {
  if (a->used == 0) return CZ_OK;
  CZ_TRY(cz_h5_write_1d_at(a->f, a->path, a->type, a->flushed, a->used, a->buf));
  a->flushed += a->used;
  a->used = 0;
  return CZ_OK;
}

cz_status cz_gen_append(cz_gen_appender *a, const void *data, size_t count) {
  CZ_CHECK(a->n - a->flushed - a->used >= count, CZ_ERR_INTERNAL,
           "%s: dataset %s: appending %zu values past its declared length %llu", cz_h5_path(a->f), a->path, count,
           (unsigned long long)a->n);
  const unsigned char *src = data;
  while (count > 0) {
    const size_t take = a->cap - a->used < count ? a->cap - a->used : count;
    memcpy(a->buf + a->used * a->elem_size, src, take * a->elem_size);
    a->used += take;
    src += take * a->elem_size;
    count -= take;
    if (a->used == a->cap) CZ_TRY(appender_flush(a));
  }
  return CZ_OK;
}

cz_status cz_gen_appender_close(cz_gen_appender **pa) {
  if (!pa || !*pa) return CZ_OK;
  cz_gen_appender *a = *pa;
  *pa = NULL;
  cz_status st = appender_flush(a);
  if (st == CZ_OK && a->flushed != a->n)
    st = CZ_ERROR(CZ_ERR_INTERNAL, "%s: dataset %s closed with %llu of its %llu values written", cz_h5_path(a->f),
                  a->path, (unsigned long long)a->flushed, (unsigned long long)a->n);
  appender_free(a);
  return st;
}
