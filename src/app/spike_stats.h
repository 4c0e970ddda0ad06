/* Spike statistics of a recording window, as the Potjans-Diesmann model's reference analysis
 * defines them (performance.md 7.2; Dasbach et al. 2021): each neuron's rate, the coefficient
 * of variation of its interspike intervals, the correlation coefficient of two neurons'
 * spike counts in bins, and the two-sample Kolmogorov-Smirnov distance that compares
 * distributions of any of them between network realizations.
 *
 * The window [t0, t1] includes both ends. Count bins are [t0 + k bin, t0 + (k + 1) bin), the
 * last one closed on the right, ceil((t1 - t0) / bin) of them. */
#ifndef CZ_APP_SPIKE_STATS_H
#define CZ_APP_SPIKE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* Spikes per second of n spikes in [t0, t1] (ms). */
double cz_stats_rate(size_t n, double t0, double t1);

/* The CV of the intervals of n sorted spike times: their standard deviation (over the
 * intervals, not n - 1) over their mean. False when there are fewer than 3 spikes, or when
 * the mean interval is 0 (CV undefined). */
bool cz_stats_isi_cv(const double *t, size_t n, double *cv);

/* Number of count bins of the window. */
size_t cz_stats_nbins(double t0, double t1, double bin);

/* One neuron's spike counts in the bins of a window, kept sparse (a long window has far more
 * bins than spikes): the bins that have spikes, ascending, with their counts. */
typedef struct cz_stats_counts {
  size_t n;        /* bins with spikes */
  size_t *bin;     /* [n] */
  uint32_t *count; /* [n] */
  uint64_t sum, sumsq;
} cz_stats_counts;

/* The counts of the n sorted spike times t in the window's nbins bins (cz_stats_nbins).
 * Owned arrays (cz_stats_counts_free). */
cz_status cz_stats_counts_of(const double *t, size_t n, double t0, double t1, double bin, size_t nbins,
                             cz_stats_counts *out);
void cz_stats_counts_free(cz_stats_counts *c);

/* Pearson's correlation coefficient of two neurons' counts over nbins bins: NaN when either
 * count is constant, as a silent neuron's is. */
double cz_stats_count_cc(const cz_stats_counts *x, const cz_stats_counts *y, size_t nbins);

/* The two-sample Kolmogorov-Smirnov statistic, the largest distance between the empirical
 * distribution functions of a and b; NaN values are left out, and NaN is the answer when
 * either sample has no other value. a and b are sorted in place. */
double cz_stats_ks(double *a, size_t na, double *b, size_t nb);

/* Mean and standard deviation (over n) of the n values of x that are not NaN; NaN for both
 * when there are none. Returns their number. */
size_t cz_stats_mean_sd(const double *x, size_t n, double *mean, double *sd);

#endif
