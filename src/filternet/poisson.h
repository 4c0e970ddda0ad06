/* FilterNet's Poisson spike trains, drawn exactly as BMTK 1.0.8 draws them
 * (filternet-popnet-spec.md §2.9, Appendix A), so a run seeded as the references were gives
 * their spikes.
 *
 * Each cell takes a seed from numpy's global generator (randint(10000)). Its train is drawn
 * from a CPython random generator seeded with it: for each interval [T_k, T_k+1] (ms) the
 * expected count a = f_k / 1000 (T_k+1 - T_k) is split into B = max(1, ceil(a / 0.1)) equal
 * bins (B kept from the last interval when a <= 0, whose draws are then still made), each
 * holding a spike with probability a / B at a uniform time in it. A cell whose first interval
 * has a <= 0 fails that in BMTK, which falls back to a second seed from the global generator,
 * re-seeds the global generator with it, and draws exponential gaps at each positive rate
 * (times in s, the last gap of each interval unused), the later cells' seeds then coming from
 * the re-seeded stream. */
#ifndef CZ_FILTERNET_POISSON_H
#define CZ_FILTERNET_POISSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/mt19937.h"
#include "base/status.h"

/* Spike times (ms) are appended to a growing array. */
typedef struct cz_fn_train {
  double *t;
  size_t n, cap;
} cz_fn_train;

/* Whether BMTK takes the fallback for a cell of rates f at times t_s (s): a <= 0 at k = 0. */
bool cz_fn_needs_fallback(const double *t_s, const double *f, size_t n);
/* The train of seed over times t_s (s) and rates f (Hz). Local. */
cz_status cz_fn_train_fast(uint32_t seed, const double *t_s, const double *f, size_t n, cz_fn_train *out);
/* The fallback train: a second seed from g, g re-seeded with it, exponential gaps from g. Local. */
cz_status cz_fn_train_fallback(cz_mt19937 *g, const double *t_s, const double *f, size_t n, cz_fn_train *out);
void cz_fn_train_free(cz_fn_train *t);

#endif
