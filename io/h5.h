/* The HDF5 wrapper: the only place outside the io/..._out.c writers and io/spike_input.c
 * that touches the HDF5 API (io/h5.c, h5_direct.c for range reads, h5_write.c). Reads check a dataset's class, sign, rank and shape before
 * reading, because HDF5 converts float to int (and large unsigned to int) silently. HDF5's
 * own error stack printing is turned off; failures become one message naming the file and
 * the dataset. Not thread-safe (Debian's parallel HDF5 is built without thread safety):
 * call from one thread. */
#ifndef CZ_IO_H5_H
#define CZ_IO_H5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_h5file cz_h5file;

typedef enum cz_h5_class { CZ_H5_OTHER = 0, CZ_H5_INT, CZ_H5_UINT, CZ_H5_FLOAT, CZ_H5_STRING } cz_h5_class;

typedef struct cz_h5_info {
  cz_h5_class cls;
  size_t size;      /* bytes per element (0 for variable-length strings) */
  int rank;         /* 0 for scalars */
  uint64_t dims[4];
} cz_h5_info;

/* "1.10.8 (parallel: yes)": the HDF5 library in use, for --version. Borrowed. */
const char *cz_h5_version(void);

/* Turns off HDF5's automatic error printing. Call once at start-up. */
void cz_h5_quiet(void);

/* Opens a file read-only. A missing file is CZ_ERR_IO; a file that is not HDF5 (or is
 * truncated) is CZ_ERR_FORMAT, both naming the file. Owned (*out). */
cz_status cz_h5_open_read(const char *path, cz_h5file **out);
/* Opens a file read-only on every rank of the MPI communicator *mpi_comm (borrowed; NULL or
 * a build without MPI: like cz_h5_open_read). The open, the close and every
 * cz_h5_read_u64_range are then collective: all ranks call them in the same order on the same
 * datasets, each with its own range (count 0 allowed), and the ranks' reads are merged into
 * few large file accesses. Whole-dataset reads stay independent. Owned (*out). */
cz_status cz_h5_open_read_parallel(const char *path, const void *mpi_comm, cz_h5file **out);
/* Creates (truncating) a file for writing; failures are CZ_ERR_OUTPUT. Owned (*out). */
cz_status cz_h5_create(const char *path, cz_h5file **out);
/* Creates path for writing by every rank of the MPI communicator *mpi_comm (an MPI_Comm,
 * borrowed; NULL or a build without MPI: like cz_h5_create). Every later write and the close
 * are collective: all ranks call them in the same order with the same arguments, except the
 * slice each writes. Owned (*out). */
cz_status cz_h5_create_parallel(const char *path, const void *mpi_comm, cz_h5file **out);
/* Opens an existing file to add to it (one process); failures are CZ_ERR_OUTPUT. Owned (*out). */
cz_status cz_h5_open_rw(const char *path, cz_h5file **out);
/* Closes; for written files a failing close is reported (CZ_ERR_OUTPUT). Accepts NULL. */
cz_status cz_h5_close(cz_h5file **f);
const char *cz_h5_path(const cz_h5file *f);

/* Whether an object (group, dataset) exists at path ("/a/b"); intermediate groups may be
 * missing. */
bool cz_h5_exists(cz_h5file *f, const char *path);
bool cz_h5_is_group(cz_h5file *f, const char *path);
bool cz_h5_is_dataset(cz_h5file *f, const char *path);
/* Names of the children of a group, in name order. Owned (*names: free each, then the array). */
cz_status cz_h5_list(cz_h5file *f, const char *group, char ***names, size_t *n);
void cz_h5_free_names(char **names, size_t n);

cz_status cz_h5_info_of(cz_h5file *f, const char *dataset, cz_h5_info *info);

/* 1-D integer dataset (any width; negative values are CZ_ERR_FORMAT) as uint64. A float or
 * string dataset is CZ_ERR_FORMAT naming the file, dataset and found type. Owned (*out). */
cz_status cz_h5_read_u64(cz_h5file *f, const char *dataset, uint64_t **out, size_t *n);
/* Entries [start, start + count) of a 1-D integer dataset as uint64, into out (count slots,
 * owned by the caller). Same checks as cz_h5_read_u64; a range beyond the dataset is
 * CZ_ERR_FORMAT naming its length. */
cz_status cz_h5_read_u64_range(cz_h5file *f, const char *dataset, size_t start, size_t count, uint64_t *out);
/* Entries [start, start + count) of a 1-D numeric dataset as doubles (independent reads). */
/* The two range reads are the only calls that may run on several threads at once (on the same
 * or different files, while no other call runs): contiguous datasets are read with pread, the
 * others through HDF5 one thread at a time. */
/* Whether ranges of dataset are read with pread (contiguous, little-endian numbers), so that
 * small reads are cheap. */
bool cz_h5_reads_directly(cz_h5file *f, const char *dataset);
cz_status cz_h5_read_f64_range(cz_h5file *f, const char *dataset, size_t start, size_t count, double *out);
/* 1-D integer dataset (signed or unsigned, values must fit int64) as int64. */
cz_status cz_h5_read_i64(cz_h5file *f, const char *dataset, int64_t **out, size_t *n);
/* 2-D integer dataset of shape [rows, 2] (edge indices) as uint64 pairs, row-major. */
cz_status cz_h5_read_u64_pairs(cz_h5file *f, const char *dataset, uint64_t **out, size_t *rows);
/* The rows of a [rows, 2] integer dataset; rows [row0, row0 + nrows) of it as uint64 pairs into
 * out (2 nrows slots, the caller's). Same checks as cz_h5_read_u64_pairs; rows beyond the
 * dataset are CZ_ERR_FORMAT. Local: one thread, while no other call runs. */
cz_status cz_h5_pairs_rows(cz_h5file *f, const char *dataset, size_t *rows);
cz_status cz_h5_read_u64_pairs_range(cz_h5file *f, const char *dataset, size_t row0, size_t nrows, uint64_t *out);
/* 1-D numeric dataset (float of any width, or integer) as double. */
cz_status cz_h5_read_f64(cz_h5file *f, const char *dataset, double **out, size_t *n);
/* 2-D numeric dataset as double, row-major [rows][cols]. */
cz_status cz_h5_read_f64_2d(cz_h5file *f, const char *dataset, double **out, size_t *rows, size_t *cols);
/* 1-D string dataset (fixed or variable length). Owned (*out: free each, then the array). */
cz_status cz_h5_read_strings(cz_h5file *f, const char *dataset, char ***out, size_t *n);

/* A string attribute (fixed or variable length, scalar or 1-element) of the object at path.
 * CZ_ERR_FORMAT when absent or not a string. Owned (*out). */
cz_status cz_h5_read_attr_string(cz_h5file *f, const char *path, const char *attr, char **out);
bool cz_h5_has_attr(cz_h5file *f, const char *path, const char *attr);
/* A numeric scalar (or 1-element) attribute, as a double. */
cz_status cz_h5_read_attr_f64(cz_h5file *f, const char *path, const char *attr, double *out);
/* Enum or string attribute, as text: an enum gives the name of its value. Owned (*out). */
cz_status cz_h5_read_attr_text(cz_h5file *f, const char *path, const char *attr, char **out);

/* Writing (CZ_ERR_OUTPUT on failure). Groups are created with their parents. */
cz_status cz_h5_create_group(cz_h5file *f, const char *path);
/* 1-D datasets; compress applies gzip (level 4) with chunking when n > 0. */
cz_status cz_h5_write_f64(cz_h5file *f, const char *path, const double *data, size_t n, bool compress);
cz_status cz_h5_write_u64(cz_h5file *f, const char *path, const uint64_t *data, size_t n, bool compress);
/* A 1-D dataset of total elements of which this rank writes n at offset (collective in a
 * parallel file; n may be 0). */
cz_status cz_h5_write_f64_slice(cz_h5file *f, const char *path, const double *data, size_t total, size_t offset,
                                size_t n, bool compress);
cz_status cz_h5_write_u64_slice(cz_h5file *f, const char *path, const uint64_t *data, size_t total, size_t offset,
                                size_t n, bool compress);
/* A 2-D float64 dataset [rows, cols], contiguous, allocated at creation and never filled:
 * its metadata is final once created, so later writes of rows touch only raw data and an
 * interrupted writer cannot leave the file unreadable. Collective in a parallel file. */
cz_status cz_h5_create_f64_2d(cz_h5file *f, const char *path, size_t rows, size_t cols);
/* Writes rows [row0, row0 + nrows) of the ascending columns cols[0 .. ncols) of an existing
 * 2-D float64 dataset from data ([nrows][ncols], row-major). Collective in a parallel file
 * (nrows or ncols may be 0 on some ranks). */
cz_status cz_h5_write_f64_cols(cz_h5file *f, const char *path, size_t row0, size_t nrows, const uint64_t *cols,
                               size_t ncols, const double *data);
/* The same for float32 data written by one process: a [rows, cols] dataset allocated and never
 * filled, and whole rows [row0, row0 + nrows) written from data ([nrows][cols]). */
cz_status cz_h5_create_f32_2d(cz_h5file *f, const char *path, size_t rows, size_t cols);
cz_status cz_h5_write_f32_rows(cz_h5file *f, const char *path, size_t row0, size_t nrows, size_t ncols, const float *data);
/* Overwrites n values at offset of an existing 1-D float64 dataset (collective; n may be 0). */
cz_status cz_h5_overwrite_f64(cz_h5file *f, const char *path, size_t offset, size_t n, const double *data);
/* Pushes everything written so far to the file system (collective in a parallel file). */
cz_status cz_h5_flush(cz_h5file *f);
/* Variable-length string attribute (scalar). */
cz_status cz_h5_write_attr_string(cz_h5file *f, const char *path, const char *attr, const char *value);
/* uint32 attribute, scalar when n == 1 and dims [n] otherwise. */
cz_status cz_h5_write_attr_u32(cz_h5file *f, const char *path, const char *attr, const uint32_t *v, size_t n);
/* float64 scalar attribute. */
cz_status cz_h5_write_attr_f64(cz_h5file *f, const char *path, const char *attr, double v);

/* ---- more element types, and datasets written in pieces ------------------------------- */

/* 1-D uint32 / uint16 datasets, as cz_h5_write_u64 (BMTK's dtypes for node_group_id,
 * edge_type_id, edge_group_index and edge_group_id). */
cz_status cz_h5_write_u32(cz_h5file *f, const char *path, const uint32_t *data, size_t n, bool compress);
cz_status cz_h5_write_u16(cz_h5file *f, const char *path, const uint16_t *data, size_t n, bool compress);
cz_status cz_h5_write_i64(cz_h5file *f, const char *path, const int64_t *data, size_t n, bool compress);
/* 2-D uint64 dataset of shape [rows, 2] from row-major pairs (edge indices). */
cz_status cz_h5_write_u64_pairs(cz_h5file *f, const char *path, const uint64_t *data, size_t rows, bool compress);
/* A 2-D float64 dataset [rows, cols] from data (row-major), gzip over whole-row chunks when
 * compress. */
cz_status cz_h5_write_f64_matrix(cz_h5file *f, const char *path, const double *data, size_t rows, size_t cols,
                                 bool compress);

/* Element type of a dataset written in pieces; the values passed are the matching C type
 * (uint16_t, uint32_t, uint64_t, double) and are stored little-endian. */
typedef enum cz_h5_elem { CZ_H5_ELEM_U16, CZ_H5_ELEM_U32, CZ_H5_ELEM_U64, CZ_H5_ELEM_F64 } cz_h5_elem;

/* A contiguous 1-D dataset of total elements, allocated and never filled (collective in a
 * parallel file), and n of its elements written at offset (collective: every rank calls it,
 * n may be 0), any number of times: for writers that produce a big dataset in rounds. */
cz_status cz_h5_create_1d(cz_h5file *f, const char *path, cz_h5_elem type, uint64_t total);
cz_status cz_h5_write_1d_at(cz_h5file *f, const char *path, cz_h5_elem type, uint64_t offset, size_t n,
                            const void *data);

/* A 1-D dataset of n elements stored in chunks of chunk elements (byte shuffle + gzip level
 * 1 when compress and n > 0), for writers that fill it in pieces with cz_h5_write_1d_at. */
cz_status cz_h5_create_1d_chunked(cz_h5file *f, const char *path, cz_h5_elem type, uint64_t n, size_t chunk,
                                  bool compress);
/* Bytes per element of type. */
size_t cz_h5_elem_size(cz_h5_elem type);

#endif
