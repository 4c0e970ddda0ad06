#include "base/mt19937.h"

#include <math.h>

enum { N = 624, M = 397 };
#define MATRIX_A 0x9908b0dfU
#define UPPER_MASK 0x80000000U
#define LOWER_MASK 0x7fffffffU

void cz_mt_seed(cz_mt19937 *r, uint32_t seed) {
  r->mt[0] = seed;
  for (int i = 1; i < N; i++) r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
  r->mti = N;
}

void cz_mt_seed_python(cz_mt19937 *r, uint64_t n) {
  uint32_t key[2] = {(uint32_t)n, (uint32_t)(n >> 32)};
  const int klen = key[1] ? 2 : 1;
  cz_mt_seed(r, 19650218U);
  uint32_t *mt = r->mt;
  int i = 1, j = 0;
  for (int k = N > klen ? N : klen; k; k--) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
    i++, j++;
    if (i >= N) mt[0] = mt[N - 1], i = 1;
    if (j >= klen) j = 0;
  }
  for (int k = N - 1; k; k--) {
    mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
    i++;
    if (i >= N) mt[0] = mt[N - 1], i = 1;
  }
  mt[0] = 0x80000000U;
  r->mti = N;
}

/* The next N words of the state. */
static void twist(cz_mt19937 *r) {
  uint32_t *mt = r->mt;
  for (int k = 0; k < N; k++) {
    const uint32_t y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
    mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1U) ? MATRIX_A : 0U);
  }
  r->mti = 0;
}

uint32_t cz_mt_next32(cz_mt19937 *r) {
  if (r->mti >= N) twist(r);
  uint32_t y = r->mt[r->mti++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

double cz_mt_res53(cz_mt19937 *r) {
  const uint32_t a = cz_mt_next32(r) >> 5, b = cz_mt_next32(r) >> 6;
  return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
}

uint32_t cz_mt_randint(cz_mt19937 *r, uint32_t n) {
  const uint32_t max = n - 1;
  uint32_t mask = max;
  mask |= mask >> 1, mask |= mask >> 2, mask |= mask >> 4, mask |= mask >> 8, mask |= mask >> 16;
  uint32_t v;
  do v = cz_mt_next32(r) & mask;
  while (v > max);
  return v;
}

double cz_mt_exponential(cz_mt19937 *r) { return -log(1.0 - cz_mt_res53(r)); }

void cz_mt_choice(cz_mt19937 *r, const double *p, size_t n, size_t k, double *cdf, size_t *out) {
  double sum = 0;
  for (size_t j = 0; j < n; j++) cdf[j] = sum += p[j];
  const double last = cdf[n - 1];
  for (size_t j = 0; j < n; j++) cdf[j] /= last;
  for (size_t i = 0; i < k; i++) {
    const double u = cz_mt_res53(r);
    size_t lo = 0, hi = n; /* the first j with cdf[j] > u */
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo < n ? lo : n - 1;
  }
}

void cz_mt_choice_uniform(cz_mt19937 *r, size_t n, size_t k, int replace, size_t *perm, size_t *out) {
  if (replace) {
    for (size_t i = 0; i < k; i++) out[i] = n > 1 ? cz_mt_randint(r, (uint32_t)(n - 1) + 1U) : 0;
    return;
  }
  for (size_t i = 0; i < n; i++) perm[i] = i;
  for (size_t i = n; i-- > 1;) {
    const size_t j = cz_mt_randint(r, (uint32_t)i + 1U), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (size_t i = 0; i < k; i++) out[i] = perm[i];
}
