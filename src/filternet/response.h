/* What the movie makes of the LGN units (filternet-popnet-spec.md §2.7): their linear
 * responses and rates.
 *
 * The movie is played once, frame by frame; every unit's spatial kernel is dotted with each
 * frame (sp), and the causal convolution with its temporal kernel gives the linear response
 * y(k) = A sum_j K_j sp(k - j), frames before the first counting 0. Rates come on a time grid:
 * the frames themselves (separable), or any times (BMTK's non-separable path), where each
 * unit's response is read off the frames (0 outside the movie, the frame's value within
 * 1e-12 s of a frame, linear between frames) before the cell's transfer function. Both paths
 * are computed the separable way, so they agree to round-off. */
#ifndef CZ_FILTERNET_RESPONSE_H
#define CZ_FILTERNET_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "filternet/cells.h"
#include "filternet/stimulus.h"

typedef struct cz_fn_grid {
  const double *t; /* [n] s */
  size_t n;
  bool on_frames;  /* t are the frames k / fr, k = 0 .. T - 1 */
} cz_fn_grid;

/* rates[c n + i]: cell c's rate at time i of the grid, for cells[0, ncells) on movie m, the
 * cells shared among nthreads threads (each cell's sums taken in one fixed order, so the rates
 * do not depend on the threads). Local. */
cz_status cz_fn_rates(cz_fn_movie *m, const cz_fn_cell *cells, size_t ncells, const cz_fn_grid *grid, int nthreads,
                      double *rates);

#endif
