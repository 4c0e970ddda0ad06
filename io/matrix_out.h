/* A plain matrix file, BMTK's layout for clamp reports: the root attributes magic and version
 * of the spikes file and /data float64 [rows, columns], nothing else. Written by every rank of
 * a communicator at once, each its own columns (or by one process), as "<name>.part" until
 * the run completes. */
#ifndef CZ_IO_MATRIX_OUT_H
#define CZ_IO_MATRIX_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_matrix_out cz_matrix_out;

/* Creates <path>.part with /data [nrows, ncols] allocated. mpi_comm: the communicator or NULL;
 * leader: the rank that renames the file at the end. Owned (*out). Collective. */
cz_status cz_matrix_create(const char *path, size_t nrows, size_t ncols, const void *mpi_comm, bool leader,
                           cz_matrix_out **out);
/* Writes rows [row0, row0 + nrows) of this rank's ascending columns cols[0 .. n) from data
 * ([nrows][n]). Collective: every rank calls it with the same rows. */
cz_status cz_matrix_write(cz_matrix_out *m, size_t row0, size_t nrows, const uint64_t *cols, size_t n, const double *data);
/* Closes; complete renames the file into place. Always frees. Collective. */
cz_status cz_matrix_close(cz_matrix_out **m, bool complete);

#endif
