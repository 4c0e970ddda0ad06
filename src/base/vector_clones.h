/* CZ_AVX2_CLONES before a function's definition gives it a second copy compiled for AVX2, which
 * the loader picks on CPUs that have it (the compiler's target_clones): its loops then go four
 * doubles wide instead of two. AVX2 alone brings no fused multiply-add, and the build contracts
 * none (ISO C mode), so both copies make the same operations: the same bits. */
#ifndef CZ_BASE_VECTOR_CLONES_H
#define CZ_BASE_VECTOR_CLONES_H

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CZ_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef CZ_AVX2_CLONES
#define CZ_AVX2_CLONES
#endif

#endif
