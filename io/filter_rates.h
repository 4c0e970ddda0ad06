/* FilterNet's rate files as BMTK writes them (filternet-popnet-spec.md §2.10).
 *
 * rates.csv: space-separated, CRLF line ends (Python's csv module), header "node_id population
 * timestamps firing_rates", then per population, per node in ascending node_id, per time a
 * line "node_id population t f", numbers as Python's repr writes them (-0.0 kept).
 * rates.h5: /firing_rates/<population>/node_id (uint64, ascending), times (float64, s) and
 * firing_rates_Hz (float64, [times, nodes]), gzip unless compress is false.
 * Both are written as "<name>.part" and renamed into place when complete. */
#ifndef CZ_IO_FILTER_RATES_H
#define CZ_IO_FILTER_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_filter_rates {
  size_t npops;
  const char *const *pop_names; /* [npops] */
  const size_t *pop_first;      /* [npops + 1] each population's cells, in ascending node id */
  const uint64_t *node_id;      /* [cells] */
  size_t ntimes;
  const double *times;          /* [ntimes] s */
  const double *rates;          /* [cells ntimes] Hz, cell after cell */
} cz_filter_rates;

cz_status cz_filter_rates_write_csv(const char *path, const cz_filter_rates *r);
cz_status cz_filter_rates_write_h5(const char *path, const cz_filter_rates *r, bool compress);

#endif
