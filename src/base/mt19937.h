/* The Mersenne Twister MT19937 (the reference 32-bit generator) as BMTK draws from it through
 * numpy's legacy RandomState and CPython's random module: BioNet's random synapse placement
 * (bionet-spec.md §5.4: seeded by init_genrand with the target cell's gid, numpy's choice) and
 * FilterNet's Poisson spikes (filternet-popnet-spec.md §2.9, Appendix A: numpy's randint and
 * exponentials, CPython's random seeded by an integer). Reproducing the streams is what makes
 * Cadenza draw what BMTK draws; every stream is keyed by data (a gid, a seed), never by a rank
 * or a thread. */
#ifndef CZ_BASE_MT19937_H
#define CZ_BASE_MT19937_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_mt19937 {
  uint32_t mt[624];
  int mti;
} cz_mt19937;

/* init_genrand: the state from a 32-bit seed (numpy's RandomState(seed), np.random.seed). */
void cz_mt_seed(cz_mt19937 *r, uint32_t seed);
/* CPython's random.seed(n) for an integer n >= 0: init_by_array of n's 32-bit words, least
 * significant first ([0] for 0). */
void cz_mt_seed_python(cz_mt19937 *r, uint64_t n);
uint32_t cz_mt_next32(cz_mt19937 *r);
/* A uniform in [0, 1) with 53 bits: (a * 2^26 + b) / 2^53, a = next >> 5, b = next >> 6. */
double cz_mt_res53(cz_mt19937 *r);

/* numpy's legacy randint(0, n) (n >= 1): masked rejection, next32 & mask (the smallest
 * all-ones mask >= n - 1) until the value is below n. */
uint32_t cz_mt_randint(cz_mt19937 *r, uint32_t n);
/* numpy's legacy standard exponential: -log(1 - u), u a 53-bit uniform. */
double cz_mt_exponential(cz_mt19937 *r);

/* numpy's RandomState.choice(n, k, p=p): k indexes into [0, n), each the first j whose
 * normalised cumulative probability exceeds a fresh uniform. p must have a positive sum.
 * cdf is scratch of n doubles. */
void cz_mt_choice(cz_mt19937 *r, const double *p, size_t n, size_t k, double *cdf, size_t *out);

/* numpy's RandomState.choice(n, k, replace) without p (1 <= n <= 2^32): with replacement, k
 * draws of randint(0, n) (none drawn when n is 1, as numpy draws nothing for a range of one
 * value); without (k <= n), the first k entries of permutation(n): 0 .. n-1 shuffled by
 * Fisher-Yates from the last entry down, entry i swapped with randint(0, i + 1). perm is
 * scratch of n entries, used without replacement only. */
void cz_mt_choice_uniform(cz_mt19937 *r, size_t n, size_t k, int replace, size_t *perm, size_t *out);

#endif
