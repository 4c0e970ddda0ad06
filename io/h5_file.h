/* What the files of the HDF5 wrapper share (io/h5.c, h5_direct.c, h5_write.c): the file
 * handle, an open dataset, and the messages. Internal to io/h5*.c. */
#ifndef CZ_IO_H5_FILE_H
#define CZ_IO_H5_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <hdf5.h>

#include "base/status.h"
#include "io/h5.h"

/* How a dataset's entries lie in the file, for reading ranges without HDF5 (see "direct
 * range reads" below). */
typedef struct cz_h5_direct {
  char *name;
  bool direct;     /* contiguous, allocated, little-endian, of a width the reader widens */
  bool is_float;   /* IEEE float, else integer */
  bool is_signed;  /* signed integer */
  unsigned width;  /* bytes per entry: 1, 2, 4 or 8 (4 or 8 for floats) */
  int rank;
  size_t nelem;
  off_t offset;    /* of entry 0 in the file */
} cz_h5_direct;

struct cz_h5file {
  hid_t id;
  char *path;
  bool writing;
  bool parallel; /* opened by all ranks through MPI-IO */
  hid_t dxpl; /* transfer properties of raw-data ranges: collective in files opened by all ranks */
  int fd;     /* the file opened again for direct range reads; -1 until the first */
  cz_h5_direct *direct;
  size_t ndirect, cap_direct;
};

/* An open dataset with its type and shape, so the checks can run before the read. */
typedef struct cz_h5_dset {
  hid_t id, type, space;
  H5T_class_t cls;
  int rank;
  hsize_t dims[4];
  size_t nelem;
} cz_h5_dset;

/* Records "<file>: <what> (HDF5: <detail>)" with HDF5's innermost message when there is one,
 * and a hint when the failure was a file lock. Returns code. */
cz_status cz_h5_fail(const char *path, cz_status code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* CZ_ERR_FORMAT naming the dataset's stored type and the expected one. */
cz_status cz_h5_type_error(cz_h5file *f, const char *name, const cz_h5_dset *d, const char *expected);

/* Opens dataset name of f with its type and shape (a missing one is CZ_ERR_FORMAT); closes it. */
cz_status cz_h5_dset_open(cz_h5file *f, const char *name, cz_h5_dset *d);
void cz_h5_dset_close(cz_h5_dset *d);
/* Entries [start, start + count) of an open 1-D dataset into out as mem_type, through HDF5 (a
 * collective read in a parallel file takes part even with count 0). */
cz_status cz_h5_read_range(cz_h5file *f, const char *dataset, cz_h5_dset *d, size_t start, size_t count,
                           hid_t mem_type, void *out);
/* CZ_ERR_FORMAT when one of the n values read as signed (entry base on) is negative. */
cz_status cz_h5_check_nonnegative(const cz_h5file *f, const char *name, const uint64_t *v, size_t n, size_t base);

#endif
