/* Where a detailed cell sits in the tissue (bionet-spec.md §7.3): its morphology's points are
 * shifted by the soma centre, rotated by Rx(rotation_angle_xaxis) Ry(..yaxis) Rz(..zaxis) and
 * moved to the node's x, y, z (absent or non-numeric attributes count as 0). The extracellular
 * report and the extracellular stimuli place segments this way. */
#ifndef CZ_BIONET_CELL_FRAME_H
#define CZ_BIONET_CELL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cells.h"
#include "io/circuit.h"

typedef struct cz_cell_frame {
  double R[9]; /* row-major */
  double centre[3], at[3];
} cz_cell_frame;

/* R = Rx(ax) Ry(ay) Rz(az), row-major (angles in radians). */
void cz_cell_frame_rotation(double ax, double ay, double az, double R[9]);
/* The frame of node row of np, whose morphology's soma centre is soma_centre. */
void cz_cell_frame_of(const cz_node_pop *np, size_t row, const double soma_centre[3], cz_cell_frame *f);
/* Point p of the cell's morphology placed in the tissue. */
void cz_cell_frame_place(const cz_cell_frame *f, const double p[3], double out[3]);
/* Calls fn(ctx, p, node) for each segment centre of cell `cell` of cells (built with shapes),
 * in section order, placed in the tissue as node row of np (p in µm, node its cable node);
 * stops at fn's first error. Local. */
typedef cz_status (*cz_centre_fn)(void *ctx, const double p[3], uint32_t node);
cz_status cz_cell_frame_each_centre(const cz_node_pop *np, size_t row, const cz_bio_cells *cells, size_t cell,
                                    cz_centre_fn fn, void *ctx);

#endif
