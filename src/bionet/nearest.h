/* The nearest of a set of 3-D points to a query point (a k-d tree), for mapping segments onto
 * the nodes of an extracellular field's mesh (inputs-spec.md §4.3).
 *
 * Distances are Euclidean, compared as squared sums in double precision; of points at the same
 * distance the one with the lowest index wins, so the answer does not depend on how the tree
 * splits. The tree holds a permutation of the indices: each subtree is a contiguous range,
 * split at its median along the axis of its widest extent, with the median point stored at the
 * range's middle. */
#ifndef CZ_BIONET_NEAREST_H
#define CZ_BIONET_NEAREST_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_kdtree {
  const double *xyz; /* [3 n] borrowed: the points */
  size_t n;
  uint32_t *perm;    /* [n] point indices in tree order */
  uint8_t *axis;     /* [n] the split axis of the subtree whose median sits at each position */
} cz_kdtree;

/* Builds the tree over n points xyz (borrowed; must outlive the tree; n < 2^32). Owned
 * (cz_kdtree_free). Local. */
cz_status cz_kdtree_build(const double *xyz, size_t n, cz_kdtree *t);
void cz_kdtree_free(cz_kdtree *t);
/* The index of the point nearest to q (n > 0). */
size_t cz_kdtree_nearest(const cz_kdtree *t, const double q[3]);

#endif
