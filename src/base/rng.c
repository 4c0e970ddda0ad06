#include "base/rng.h"

#include <math.h>

static uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t cz_rng_u64(uint64_t seed, uint64_t key, uint64_t stream, uint64_t counter) {
  uint64_t h = mix(seed + 0x9e3779b97f4a7c15ULL);
  h = mix(h ^ (key + 0x9e3779b97f4a7c15ULL * 2));
  h = mix(h ^ (stream + 0x9e3779b97f4a7c15ULL * 3));
  return mix(h ^ (counter + 0x9e3779b97f4a7c15ULL * 4));
}

double cz_rng_uniform(uint64_t seed, uint64_t key, uint64_t stream, uint64_t counter) {
  return (double)(cz_rng_u64(seed, key, stream, counter) >> 11) * 0x1.0p-53;
}

double cz_rng_next_normal(cz_rng *r) {
  const double u1 = 1.0 - cz_rng_next_uniform(r); /* (0, 1]: the log stays finite */
  const double u2 = cz_rng_next_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
