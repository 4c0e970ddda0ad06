/* numpy's .npy files (format versions 1-3), read frame by frame: a movie of shape (T, R, C)
 * whose frames are read one at a time and converted to double, so a long movie is never held
 * whole.
 *
 * The header (magic "\x93NUMPY", version, header length, a Python dict literal) must give
 * 'descr' as a little-endian or byte-order-free numeric type (f8, f4, i8, i4, i2, i1, u8, u4,
 * u2, u1, b1), 'fortran_order' False, and a 3-D 'shape'. Anything else is CZ_ERR_FORMAT naming
 * the file and what is wrong; a file shorter than its shape says is CZ_ERR_FORMAT too. */
#ifndef CZ_IO_NPY_H
#define CZ_IO_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/status.h"

typedef struct cz_npy {
  char *path;
  FILE *fp;
  size_t shape[3];   /* T, R, C */
  char kind;         /* 'f', 'i', 'u', 'b' */
  size_t itemsize;
  long data_offset;  /* bytes before the first element */
  unsigned char *buf; /* one frame of raw elements */
} cz_npy;

/* Opens path and reads its header. Owned (cz_npy_close). Local. */
cz_status cz_npy_open(const char *path, cz_npy *out);
/* Frame k (R C doubles, row-major) into out. Local. */
cz_status cz_npy_frame(cz_npy *n, size_t k, double *out);
void cz_npy_close(cz_npy *n);

#endif
