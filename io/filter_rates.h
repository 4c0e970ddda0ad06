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

/* A rates.csv read back: its rows in file order (population names interned per row as an
 * index into pops). */
typedef struct cz_filter_rates_rows {
  size_t n, npops;
  char **pops;        /* [npops] owned */
  uint32_t *pop;      /* [n] */
  uint64_t *node_id;  /* [n] */
  double *t, *rate;   /* [n] */
} cz_filter_rates_rows;
/* Reads path (the header, then "node_id population t f" rows, CRLF or LF). CZ_ERR_FORMAT names
 * the line. Owned (cz_filter_rates_rows_free). */
cz_status cz_filter_rates_read_csv(const char *path, cz_filter_rates_rows *out);
void cz_filter_rates_rows_free(cz_filter_rates_rows *r);
/* Whether path starts with rates.csv's header. */
bool cz_filter_rates_sniff(const char *path);
cz_status cz_filter_rates_write_h5(const char *path, const cz_filter_rates *r, bool compress);

#endif
