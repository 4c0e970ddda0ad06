/* Where a cell's segments lie in space (bionet-spec.md §2.4 stub points, §7.3): each segment's
 * start, end and centre as NEURON's 3-D points give them, for the extracellular potential.
 *
 * A section's segment k of nseg spans normalised arc [k / nseg, (k + 1) / nseg] and is
 * centred at (k + 1/2) / nseg; its points are the section's 3-D points interpolated linearly
 * in normalised arc (arc / L), clamped at the ends. A section without 3-D points (an axon
 * stub) gets the straight line NEURON's define_shape draws, in single precision: from its
 * parent's point at the connection (linear between the parent's first and last point), in
 * the plane z of that point, at angle θ: the parent's direction (0 for a soma), reversed when
 * the connection is in the parent's first half, + π/2 when it is strictly inside the parent,
 * and + 0.8 i / (n - 1) - 0.4 when n > 1 sections hang from that point, i its rank among them
 * (the newest first: 0 for the stub). Coordinates are the cell's own (the morphology's);
 * soma_centre is the mean of the soma's 3-D points, about which the cell is rotated. */
#ifndef CZ_BIONET_SEG_SHAPE_H
#define CZ_BIONET_SEG_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/geometry.h"
#include "bionet/morphology.h"

typedef struct cz_seg_shape {
  size_t n;                 /* segments, in the geometry's order (section by section) */
  double *p0, *p1, *pc;     /* [3 n] start, end and centre (µm) */
  double *diam;             /* [n] µm */
  double soma_centre[3];
} cz_seg_shape;

/* The segments of m (after its axon processing) as g cuts them. Owned (*out;
 * cz_seg_shape_free). Local. */
cz_status cz_seg_shape_build(const cz_morph *m, const cz_bio_geom *g, cz_seg_shape *out);
void cz_seg_shape_free(cz_seg_shape *s);

#endif
