#include "base/interp.h"

cz_bracket cz_interp_bracket(double x, const double *xs, size_t n) {
  if (!(x >= xs[0])) return (cz_bracket){0, 0};
  if (x >= xs[n - 1]) return (cz_bracket){n - 1, n - 1};
  size_t lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return (cz_bracket){lo, hi};
}

double cz_interp_at(cz_bracket b, double x, const double *xs, const double *ys) {
  if (b.lo == b.hi) return ys[b.lo];
  return (ys[b.hi] - ys[b.lo]) / (xs[b.hi] - xs[b.lo]) * (x - xs[b.lo]) + ys[b.lo];
}

double cz_interp(double x, const double *xs, const double *ys, size_t n) {
  return cz_interp_at(cz_interp_bracket(x, xs, n), x, xs, ys);
}
