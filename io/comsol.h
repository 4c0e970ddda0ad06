/* COMSOL's text export of an electric potential on the nodes of a mesh (inputs-spec.md §4.2),
 * the field the comsol input imposes on the detailed cells.
 *
 * Layout: lines 1-8 are '%' metadata and are skipped whatever they say; line 9 is the header,
 * "% x", "y", "z" and one field per exported expression, fields separated by runs of three or
 * more blanks (an expression's own name holds single spaces, "V (mV) @ t=0.001"); each later
 * line is a node: x y z (µm) and one number per expression, separated by blanks. The unit is
 * read from the first expression's field as BMTK reads it: "V (V)" scales every value by 1000
 * to mV, "V (mV)" keeps it, anything else is refused. A stationary export is read for its first
 * expression; a time-dependent one for every expression, each carrying its time after "t="
 * (seconds, read as a number, stored in ms), the times strictly increasing. Values may be NaN
 * (COMSOL writes NaN outside its geometry); coordinates must be finite. Every failure is one
 * CZ_ERR_FORMAT naming the file and line (a missing file CZ_ERR_IO). */
#ifndef CZ_IO_COMSOL_H
#define CZ_IO_COMSOL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

typedef struct cz_comsol {
  size_t n;     /* mesh nodes */
  size_t ncol;  /* value columns kept: 1 for a stationary export, one per time otherwise */
  double *xyz;  /* [3 n] µm */
  double *val;  /* [n ncol] mV, node by node */
  double *t_ms; /* [ncol] each column's time (ms), for a time-dependent export; NULL otherwise */
} cz_comsol;

/* Reads path as a stationary export (timed false) or a time-dependent one. Owned
 * (cz_comsol_free). Local. */
cz_status cz_comsol_read(const char *path, bool timed, cz_comsol *out);
/* The same from text held in memory (path names it in messages). */
cz_status cz_comsol_parse(const char *text, const char *path, bool timed, cz_comsol *out);
void cz_comsol_free(cz_comsol *c);

#endif
