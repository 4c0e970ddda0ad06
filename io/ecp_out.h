/* The extracellular potential file of a BioNet ECP report (sonata-spec 4.4), written by one
 * process:
 *   /ecp/data        float64 [rows, channels], attribute units "mV"
 *   /ecp/time        float64 [3] = start, stop, step (ms), attribute units "ms"
 *   /ecp/channel_id  int64 [channels], 0 .. channels - 1
 * with the root attributes magic and version of the spikes file.
 *
 * Crash safety as for the compartment reports (io/report_out.h): everything but the samples is
 * written and flushed when the file is created, with the data dataset allocated; time[1]
 * says how far the rows are complete (start - step while none is); the file is "<name>.part"
 * until the run completes. */
#ifndef CZ_IO_ECP_OUT_H
#define CZ_IO_ECP_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

typedef struct cz_ecp_out cz_ecp_out;

/* Creates <path>.part for nrows rows of nchan channels, rows every step ms from t_first.
 * Owned (*out). Local. */
cz_status cz_ecp_create(const char *path, size_t nrows, size_t nchan, double t_first, double step, cz_ecp_out **out);
/* Writes rows [row0, row0 + nrows) from data ([nrows][nchan], row-major). Local. */
cz_status cz_ecp_write_rows(cz_ecp_out *e, size_t row0, size_t nrows, const double *data);
/* Declares the rows up to the time `last` complete (flush, time[1] = last, flush). Local. */
cz_status cz_ecp_commit_rows(cz_ecp_out *e, double last);
/* Closes the file; complete renames it into place. Always frees. Local. */
cz_status cz_ecp_close(cz_ecp_out **e, bool complete);

/* One cell's contribution file (BMTK's contributions_dir layout: /ecp/data float32 [rows,
 * channels] and nothing else), written block by block by the rank that simulates the cell
 * without holding the file open between blocks: created as <path>.part, rows written, then
 * renamed into place. Local. */
cz_status cz_ecp_part_create(const char *path, size_t nrows, size_t nchan);
cz_status cz_ecp_part_write(const char *path, size_t row0, size_t nrows, size_t nchan, const float *data);
cz_status cz_ecp_part_commit(const char *path);

#endif
