#include "base/rng.h"

#include <math.h>

uint64_t cz_rng_prefix(uint64_t seed, uint64_t key, uint64_t stream) {
  uint64_t h = cz_rng_mix(seed + 0x9e3779b97f4a7c15ULL);
  h = cz_rng_mix(h ^ (key + 0x9e3779b97f4a7c15ULL * 2));
  return cz_rng_mix(h ^ (stream + 0x9e3779b97f4a7c15ULL * 3));
}

uint64_t cz_rng_u64(uint64_t seed, uint64_t key, uint64_t stream, uint64_t counter) {
  return cz_rng_at(cz_rng_prefix(seed, key, stream), counter);
}

double cz_rng_uniform(uint64_t seed, uint64_t key, uint64_t stream, uint64_t counter) {
  return cz_rng_uniform_at(cz_rng_prefix(seed, key, stream), counter);
}

double cz_rng_next_normal(cz_rng *r) {
  const double u1 = 1.0 - cz_rng_next_uniform(r); /* (0, 1]: the log stays finite */
  const double u2 = cz_rng_next_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
