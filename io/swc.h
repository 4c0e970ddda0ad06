/* SWC morphology files: the points of a reconstructed neuron (id, type, x, y, z, radius, parent
 * id), one per line, as NEURON's SWC importer reads them.
 *
 * Every number of a point line is read as a single-precision float and then used as a double,
 * which is what NEURON's importer does (its hoc sscanf parses "%f"); the seventh number and
 * anything after are the parent and ignored fields. Lines starting with '#' are comments and
 * blank lines are skipped. The points come out sorted by id, each with the index of its parent
 * point, so a reader of the morphology never sees ids. What the file must satisfy, each failure
 * one CZ_ERR_FORMAT naming the file and line: seven numbers per point line, integral ids and
 * types, unique ids, a parent id below the point's own id that names a point of the file, a
 * finite non-negative radius and finite coordinates, and exactly one root (parent -1). */
#ifndef CZ_IO_SWC_H
#define CZ_IO_SWC_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_swc {
  char *path;
  size_t n;
  int64_t *id;     /* [n] ascending */
  int32_t *type;   /* [n] 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite, others as given */
  int64_t *parent; /* [n] index of the parent point, -1 for the root (index 0) */
  float *x, *y, *z, *r; /* [n] as read (µm) */
  size_t *line;    /* [n] line of the point in the file, for messages */
} cz_swc;

/* Reads path. A missing file is CZ_ERR_IO, a malformed one CZ_ERR_FORMAT; both name it.
 * Owned (*out; cz_swc_free). Local. */
cz_status cz_swc_read(const char *path, cz_swc **out);
/* The same from text held in memory (path names it in messages). */
cz_status cz_swc_parse(const char *text, const char *path, cz_swc **out);
void cz_swc_free(cz_swc **s);

#endif
