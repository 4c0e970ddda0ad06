/* The stimulus of one sweep of an Allen Cell Types electrophysiology file (NWB 1), for
 * current-clamp inputs (sonata-spec 3.7): the samples of
 * /epochs/<sweep>/stimulus/timeseries/data (amperes) and the sampling rate (Hz) from the
 * "rate" attribute of .../timeseries/starting_time. */
#ifndef CZ_IO_NWB_SWEEP_H
#define CZ_IO_NWB_SWEEP_H

#include <stddef.h>

#include "base/status.h"

/* sweep is the group name under /epochs ("Sweep_55"). A missing sweep is CZ_ERR_FORMAT naming
 * the file and the sweeps it has. Owned (*data). */
cz_status cz_nwb_read_sweep(const char *path, const char *sweep, double **data, size_t *n, double *rate_hz);

#endif
