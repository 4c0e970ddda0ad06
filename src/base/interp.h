/* Linear interpolation as numpy's interp computes it: the bracket xs[lo] <= x < xs[lo + 1]
 * found by bisection, slope (y_hi - y_lo) / (x_hi - x_lo) times (x - x_lo) plus y_lo, clamped
 * to the first and last values outside [xs[0], xs[n - 1]]. xs must not decrease. */
#ifndef CZ_BASE_INTERP_H
#define CZ_BASE_INTERP_H

#include <stddef.h>

typedef struct cz_bracket {
  size_t lo, hi; /* lo == hi: clamped to that point */
} cz_bracket;

/* Where x falls among xs[0, n) (n >= 1). */
cz_bracket cz_interp_bracket(double x, const double *xs, size_t n);
/* The value at x of ys over the bracket b of xs. */
double cz_interp_at(cz_bracket b, double x, const double *xs, const double *ys);
/* numpy.interp(x, xs, ys). */
double cz_interp(double x, const double *xs, const double *ys, size_t n);

#endif
