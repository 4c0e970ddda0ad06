#include "io/matrix_out.h"

#include <stdlib.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"
#include "io/part_file.h"

struct cz_matrix_out {
  cz_h5file *f;
  char *path, *part;
  bool leader;
};

static void matrix_free(cz_matrix_out *m) {
  free(m->path);
  free(m->part);
  free(m);
}

cz_status cz_matrix_create(const char *path, size_t nrows, size_t ncols, const void *mpi_comm, bool leader,
                           cz_matrix_out **out) {
  *out = NULL;
  cz_matrix_out *m = NULL;
  CZ_NEW(m, 1);
  m->leader = leader;
  static const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  cz_status st = cz_strdup(path, &m->path);
  if (st == CZ_OK) st = cz_part_path(path, &m->part);
  if (st == CZ_OK) st = cz_h5_create_parallel(m->part, mpi_comm, &m->f);
  if (st == CZ_OK) st = cz_h5_write_attr_u32(m->f, "/", "magic", &magic, 1);
  if (st == CZ_OK) st = cz_h5_write_attr_u32(m->f, "/", "version", version, 2);
  if (st == CZ_OK) st = cz_h5_create_f64_2d(m->f, "/data", nrows, ncols);
  if (st == CZ_OK) st = cz_h5_flush(m->f);
  if (st != CZ_OK) {
    cz_h5_close(&m->f);
    matrix_free(m);
    return st;
  }
  *out = m;
  return CZ_OK;
}

cz_status cz_matrix_write(cz_matrix_out *m, size_t row0, size_t nrows, const uint64_t *cols, size_t n, const double *data) {
  CZ_TRY(cz_h5_write_f64_cols(m->f, "/data", row0, nrows, cols, n, data));
  return cz_h5_flush(m->f);
}

cz_status cz_matrix_close(cz_matrix_out **pm, bool complete) {
  if (!pm || !*pm) return CZ_OK;
  cz_matrix_out *m = *pm;
  *pm = NULL;
  cz_status st = cz_h5_close(&m->f);
  if (st == CZ_OK && complete && m->leader) st = cz_part_commit(m->part, m->path);
  matrix_free(m);
  return st;
}
