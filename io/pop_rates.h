/* PopNet's rates file as BMTK writes it (filternet-popnet-spec.md §3.6): plain text, no
 * header, LF line ends, one line "<node_type_id> <t> <rate>" per population per time, the
 * populations one after another, times t_n = n dt (s) from n = 0, the numbers as Python's repr
 * writes them. Written as "<name>.part" and renamed into place when complete. Read back line
 * by line (blank lines skipped; any other line must be three numbers, the first a whole one). */
#ifndef CZ_IO_POP_RATES_H
#define CZ_IO_POP_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* rates[p * ntimes + n]: population p (type id type_id[p]) at t_n. */
cz_status cz_pop_rates_write(const char *path, const uint64_t *type_id, size_t npop, const double *rates,
                             size_t ntimes, double dt);

typedef struct cz_pop_rates {
  size_t n;
  uint64_t *type_id; /* [n] */
  double *t, *rate;  /* [n] s, Hz */
} cz_pop_rates;

/* Reads path. CZ_ERR_IO when it cannot be read, CZ_ERR_FORMAT naming the line when a line is
 * not "<type id> <t> <rate>". Owned (cz_pop_rates_free). */
cz_status cz_pop_rates_read(const char *path, cz_pop_rates *out);
void cz_pop_rates_free(cz_pop_rates *r);
/* Whether the text of a file looks like a rates file: its first non-blank line holds exactly
 * three numbers. */
bool cz_pop_rates_sniff(const char *path);

#endif
