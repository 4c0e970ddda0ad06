/* The Mersenne Twister MT19937 as BMTK draws from it through numpy's legacy RandomState, for
 * the random placement of synapses (bionet-spec.md §5.4): seeded by init_genrand with the
 * target cell's gid, uniforms with 53 bits (genrand_res53), and numpy's choice with
 * probabilities (the normalised cumulative sum searched from the right). Reproducing it is
 * what makes Cadenza place the same synapses on the same segments as BMTK. The stream is keyed
 * by the gid alone, so placement does not depend on ranks or threads. */
#ifndef CZ_BIONET_MT19937_H
#define CZ_BIONET_MT19937_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_mt19937 {
  uint32_t mt[624];
  int mti;
} cz_mt19937;

/* init_genrand: the state from a 32-bit seed. */
void cz_mt_seed(cz_mt19937 *r, uint32_t seed);
uint32_t cz_mt_next32(cz_mt19937 *r);
/* A uniform in [0, 1) with 53 bits: (a * 2^26 + b) / 2^53, a = next >> 5, b = next >> 6. */
double cz_mt_res53(cz_mt19937 *r);

/* numpy's RandomState.choice(n, k, p=p): k indexes into [0, n), each the first j whose
 * normalised cumulative probability exceeds a fresh uniform. p must have a positive sum.
 * cdf is scratch of n doubles. */
void cz_mt_choice(cz_mt19937 *r, const double *p, size_t n, size_t k, double *cdf, size_t *out);

#endif
