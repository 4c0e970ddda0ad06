/* The linear filters of an LGN unit (filternet-popnet-spec.md §2.5, §2.6).
 *
 * Temporal: two raised-cosine bumps on a log time axis (b 0.3, 600 one-ms lags, width
 * D = ln 200.3 - ln 100.3), each normalised, shifted by its delay (truncated to whole ms),
 * the second cut to keep N - (d1 - d0) samples, both normalised again and weighted:
 * K_j = w0 c0[j] + w1 c1[j], j = 0 .. 600 + d0 - 1. Resampled to a movie of fr frames per
 * second by linear interpolation at lag k (1 / fr) s, 0 beyond the last lag, and cut at the
 * movie's length.
 *
 * Spatial: a Gaussian blob built as BMTK builds it, on a work array of (columns, rows): the
 * centre pixel(s) seeded, blurred separably (scipy's gaussian_filter: truncate 4, 'nearest'
 * edges) with sigma / pitch pixels along each axis, moved to (x, y) and rotated about
 * (R/2, C/2) by bilinear sampling (zero outside), normalised to sum 1. Kept as the bounding
 * box of its nonzero pixels in movie layout (rows, columns). */
#ifndef CZ_FILTERNET_KERNELS_H
#define CZ_FILTERNET_KERNELS_H

#include <stddef.h>

#include "base/status.h"
#include "filternet/stimulus.h"

/* The temporal kernel on the 1-ms grid: *n = 600 + (int)delays[0] taps from lag 0. Errors
 * when kpeaks[0] >= kpeaks[1], w[0] <= 0 or delays[0] > delays[1] (BMTK asserts). Owned
 * (*k). Local. */
cz_status cz_fn_temporal_kernel(const double w[2], const double kpeaks[2], const double delays[2], double **k,
                                size_t *n);
/* The kernel at the movie's frames: taps k (1 / fr) for k < T while within the kernel.
 * Owned (*out). Local. */
cz_status cz_fn_temporal_resample(const double *k, size_t n, double fr, size_t T, double **out, size_t *nout);

typedef struct cz_fn_spatial {
  size_t r0, c0, nr, nc; /* the box: rows r0 .. r0 + nr - 1, columns c0 .. c0 + nc - 1 */
  double *w;             /* [nr nc] row-major, summing to 1 */
} cz_fn_spatial;

/* The kernel of sigma (sx along columns, sy along rows; degrees) centred at (x, y) and rotated
 * by rot degrees on movie m. CZ_ERR_CONFIG when the field lies wholly off the screen. Owned
 * (cz_fn_spatial_free). Local. */
cz_status cz_fn_spatial_kernel(const cz_fn_movie *m, double sx, double sy, double x, double y, double rot,
                               cz_fn_spatial *out);
void cz_fn_spatial_free(cz_fn_spatial *s);

#endif
