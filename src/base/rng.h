/* Counter-based random numbers: a value is a pure function of (seed, key, stream, counter),
 * so draws never depend on rank, thread or call order (SplitMix64-style mixing of the four
 * words; statistically sound for simulation input, not for cryptography). */
#ifndef CZ_BASE_RNG_H
#define CZ_BASE_RNG_H

#include <stdint.h>

/* 64 random bits for (seed, key, stream, counter). */
uint64_t cz_rng_u64(uint64_t seed, uint64_t key, uint64_t stream, uint64_t counter);

/* The same in two parts, for a stream drawn at many counters: the (seed, key, stream) prefix
 * once, then one mixing round per counter. cz_rng_at(cz_rng_prefix(s, k, t), c) is
 * cz_rng_u64(s, k, t, c). */
uint64_t cz_rng_prefix(uint64_t seed, uint64_t key, uint64_t stream);
static inline uint64_t cz_rng_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline uint64_t cz_rng_at(uint64_t prefix, uint64_t counter) {
  return cz_rng_mix(prefix ^ (counter + 0x9e3779b97f4a7c15ULL * 4));
}
/* The uniform of cz_rng_uniform from a prefix. */
static inline double cz_rng_uniform_at(uint64_t prefix, uint64_t counter) {
  return (double)(cz_rng_at(prefix, counter) >> 11) * 0x1.0p-53;
}
/* Uniform double in [0, 1) with 53 random bits. */
double cz_rng_uniform(uint64_t seed, uint64_t key, uint64_t stream, uint64_t counter);

/* A sequential stream over one (seed, key, stream) triple. */
typedef struct cz_rng {
  uint64_t seed, key, stream, counter;
} cz_rng;

static inline cz_rng cz_rng_make(uint64_t seed, uint64_t key, uint64_t stream) {
  cz_rng r = {seed, key, stream, 0};
  return r;
}
static inline double cz_rng_next_uniform(cz_rng *r) { return cz_rng_uniform(r->seed, r->key, r->stream, r->counter++); }
static inline uint64_t cz_rng_next_u64(cz_rng *r) { return cz_rng_u64(r->seed, r->key, r->stream, r->counter++); }
/* Standard normal (Box-Muller from two uniforms of the stream; one value per call). */
double cz_rng_next_normal(cz_rng *r);
/* Uniform integer in [0, n): 53 random bits scaled, so the bias is below n / 2^53. */
static inline uint64_t cz_rng_next_below(cz_rng *r, uint64_t n) {
  const uint64_t v = (uint64_t)(cz_rng_next_uniform(r) * (double)n);
  return v < n ? v : n - 1;
}

#endif
