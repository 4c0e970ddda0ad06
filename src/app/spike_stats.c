#include "app/spike_stats.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

double cz_stats_rate(size_t n, double t0, double t1) { return (double)n / (t1 - t0) * 1000.0; }

bool cz_stats_isi_cv(const double *t, size_t n, double *cv) {
  if (n < 3) return false;
  const double m = (t[n - 1] - t[0]) / (double)(n - 1);
  if (!(m > 0)) return false;
  double ss = 0;
  for (size_t i = 1; i < n; i++) {
    const double d = t[i] - t[i - 1] - m;
    ss += d * d;
  }
  *cv = sqrt(ss / (double)(n - 1)) / m;
  return true;
}

size_t cz_stats_nbins(double t0, double t1, double bin) {
  /* a window a whole number of bins long, up to rounding, gets exactly that many */
  const double k = (t1 - t0) / bin;
  const double r = round(k);
  const size_t n = fabs(k - r) < 1e-9 * (r > 1 ? r : 1) ? (size_t)r : (size_t)ceil(k);
  return n ? n : 1;
}

cz_status cz_stats_counts_of(const double *t, size_t n, double t0, double t1, double bin, size_t nbins,
                             cz_stats_counts *out) {
  *out = (cz_stats_counts){0, NULL, NULL, 0, 0};
  CZ_CHECK(n < UINT32_MAX, CZ_ERR_ARG, "more than %u spikes of one neuron", UINT32_MAX);
  CZ_NEW(out->bin, n + 1);
  CZ_NEW(out->count, n + 1);
  for (size_t i = 0; i < n; i++) {
    if (!(t[i] >= t0 && t[i] <= t1)) continue;
    size_t k = (size_t)floor((t[i] - t0) / bin);
    if (k >= nbins) k = nbins - 1; /* t1 itself: the last bin is closed */
    if (out->n && out->bin[out->n - 1] == k) {
      out->count[out->n - 1]++;
    } else {
      out->bin[out->n] = k;
      out->count[out->n++] = 1;
    }
  }
  for (size_t j = 0; j < out->n; j++) {
    out->sum += out->count[j];
    out->sumsq += (uint64_t)out->count[j] * out->count[j];
  }
  return CZ_OK;
}

void cz_stats_counts_free(cz_stats_counts *c) {
  free(c->bin);
  free(c->count);
  *c = (cz_stats_counts){0, NULL, NULL, 0, 0};
}

__extension__ typedef __int128 wide; /* GCC and Clang: products of the count sums, exact */

double cz_stats_count_cc(const cz_stats_counts *x, const cz_stats_counts *y, size_t nbins) {
  uint64_t sxy = 0;
  for (size_t i = 0, j = 0; i < x->n && j < y->n;) {
    if (x->bin[i] < y->bin[j]) i++;
    else if (x->bin[i] > y->bin[j]) j++;
    else sxy += (uint64_t)x->count[i++] * y->count[j++];
  }
  /* nbins times the (co)variances, in whole numbers: exact, so a constant count gives 0 */
  const wide nb = (wide)nbins;
  const wide cxy = nb * sxy - (wide)x->sum * y->sum;
  const wide cxx = nb * x->sumsq - (wide)x->sum * x->sum, cyy = nb * y->sumsq - (wide)y->sum * y->sum;
  if (cxx <= 0 || cyy <= 0) return NAN;
  return (double)((long double)cxy / sqrtl((long double)cxx * (long double)cyy));
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Moves the values of x that are not NaN to its front, sorted; returns their number. */
static size_t sort_numbers(double *x, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) x[m++] = x[i];
  qsort(x, m, sizeof *x, cmp_double);
  return m;
}

double cz_stats_ks(double *a, size_t na, double *b, size_t nb) {
  na = sort_numbers(a, na);
  nb = sort_numbers(b, nb);
  if (na == 0 || nb == 0) return NAN;
  double d = 0;
  size_t i = 0, j = 0;
  /* step both distribution functions past each value in turn, ties together */
  while (i < na && j < nb) {
    const double v = a[i] < b[j] ? a[i] : b[j];
    while (i < na && a[i] == v) i++;
    while (j < nb && b[j] == v) j++;
    const double gap = fabs((double)i / (double)na - (double)j / (double)nb);
    if (gap > d) d = gap;
  }
  return d;
}

size_t cz_stats_mean_sd(const double *x, size_t n, double *mean, double *sd) {
  size_t m = 0;
  double s = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) {
      s += x[i];
      m++;
    }
  if (m == 0) {
    *mean = *sd = NAN;
    return 0;
  }
  const double mu = s / (double)m;
  double ss = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) ss += (x[i] - mu) * (x[i] - mu);
  *mean = mu;
  *sd = sqrt(ss / (double)m);
  return m;
}
