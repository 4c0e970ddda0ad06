#include "io/ecp_out.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"
#include "io/part_file.h"

struct cz_ecp_out {
  cz_h5file *f;
  char *path, *part;
  size_t nchan;
  uint64_t *cols; /* [nchan] 0 .. nchan - 1 */
};

static cz_status write_layout(cz_ecp_out *e, size_t nrows, double t_first, double step) {
  static const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  CZ_TRY(cz_h5_write_attr_u32(e->f, "/", "magic", &magic, 1));
  CZ_TRY(cz_h5_write_attr_u32(e->f, "/", "version", version, 2));
  CZ_TRY(cz_h5_create_group(e->f, "/ecp"));
  CZ_TRY(cz_h5_create_f64_2d(e->f, "/ecp/data", nrows, e->nchan));
  CZ_TRY(cz_h5_write_attr_string(e->f, "/ecp/data", "units", "mV"));
  const double time[3] = {t_first, t_first - step, step}; /* no row complete yet */
  CZ_TRY(cz_h5_write_f64(e->f, "/ecp/time", time, 3, false));
  CZ_TRY(cz_h5_write_attr_string(e->f, "/ecp/time", "units", "ms"));
  int64_t *ids = NULL;
  CZ_NEW(ids, e->nchan + 1);
  for (size_t k = 0; k < e->nchan; k++) ids[k] = (int64_t)k;
  const cz_status st = cz_h5_write_i64(e->f, "/ecp/channel_id", ids, e->nchan, false);
  free(ids);
  CZ_TRY(st);
  return cz_h5_flush(e->f);
}

static void ecp_free(cz_ecp_out *e) {
  free(e->path);
  free(e->part);
  free(e->cols);
  free(e);
}

cz_status cz_ecp_create(const char *path, size_t nrows, size_t nchan, double t_first, double step, cz_ecp_out **out) {
  *out = NULL;
  cz_ecp_out *e = NULL;
  CZ_NEW(e, 1);
  e->nchan = nchan;
  e->cols = cz_calloc(nchan + 1, sizeof *e->cols);
  cz_status st = e->cols ? cz_strdup(path, &e->path) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < nchan; k++) e->cols[k] = k;
  if (st == CZ_OK) st = cz_part_path(path, &e->part);
  if (st == CZ_OK) st = cz_h5_create(e->part, &e->f);
  if (st == CZ_OK) st = write_layout(e, nrows, t_first, step);
  if (st != CZ_OK) {
    cz_h5_close(&e->f);
    if (e->part) unlink(e->part);
    ecp_free(e);
    return st;
  }
  *out = e;
  return CZ_OK;
}

cz_status cz_ecp_write_rows(cz_ecp_out *e, size_t row0, size_t nrows, const double *data) {
  return cz_h5_write_f64_cols(e->f, "/ecp/data", row0, nrows, e->cols, e->nchan, data);
}

cz_status cz_ecp_commit_rows(cz_ecp_out *e, double last) {
  CZ_TRY(cz_h5_flush(e->f));
  CZ_TRY(cz_h5_overwrite_f64(e->f, "/ecp/time", 1, 1, &last));
  return cz_h5_flush(e->f);
}

cz_status cz_ecp_close(cz_ecp_out **pe, bool complete) {
  if (!pe || !*pe) return CZ_OK;
  cz_ecp_out *e = *pe;
  *pe = NULL;
  cz_status st = cz_h5_close(&e->f);
  if (st == CZ_OK && complete) st = cz_part_commit(e->part, e->path); /* a failed run leaves its rows as .part */
  ecp_free(e);
  return st;
}

cz_status cz_ecp_part_create(const char *path, size_t nrows, size_t nchan) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_create(part, &f);
  if (st == CZ_OK) st = cz_h5_create_group(f, "/ecp");
  if (st == CZ_OK) st = cz_h5_create_f32_2d(f, "/ecp/data", nrows, nchan);
  const cz_status closed = cz_h5_close(&f);
  free(part);
  return st != CZ_OK ? st : closed;
}

cz_status cz_ecp_part_write(const char *path, size_t row0, size_t nrows, size_t nchan, const float *data) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_open_rw(part, &f);
  if (st == CZ_OK) st = cz_h5_write_f32_rows(f, "/ecp/data", row0, nrows, nchan, data);
  const cz_status closed = cz_h5_close(&f);
  free(part);
  return st != CZ_OK ? st : closed;
}

cz_status cz_ecp_part_commit(const char *path) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  const cz_status st = cz_part_commit(part, path);
  free(part);
  return st;
}
