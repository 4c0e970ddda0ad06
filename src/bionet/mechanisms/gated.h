/* The kernels of a gated ohmic channel: gates s' = (s_inf - s) / tau integrated by cnexp, and a
 * current g(gates) (v - erev). A mechanism file defines, before including this header,
 *   static inline void rates(const cz_mech *m, size_t k, double v, const cz_mech_env *env,
 *                            double *inf, double *tau);   (every gate's s_inf and tau at v)
 *   static inline double conductance(const cz_mech *m, size_t k);   (S/cm², from its states)
 * (CZ_RATES_SIGNATURE declares the first with every argument allowed to go unused) and then
 * writes CZ_GATED_KERNELS(number of gates, reversal at node i, ion accumulator or
 * NULL), which defines gated_init, gated_current and gated_advance for its cz_mech_kind. The
 * loops stay plain loops over the instances, with the rates inlined.
 *
 * gated_advance is the one that vectorises (in a kind's vector build, mech_math.h): each
 * instance's step is its own function, so that its inf and tau stay scalars once inlined (in
 * the loop body, omp simd would make them per-lane arrays), and the loop reads the mechanism
 * and the environment through local copies, which its stores cannot alias. */
#ifndef CZ_BIONET_MECH_GATED_H
#define CZ_BIONET_MECH_GATED_H

#include "bionet/mechanisms/mech_math.h"
#include "bionet/mechanisms/mechanism.h"

#define CZ_UNUSED __attribute__((unused))
#define CZ_RATES_SIGNATURE                                                                            \
  static inline void rates(const cz_mech *m CZ_UNUSED, size_t k CZ_UNUSED, double v CZ_UNUSED,       \
                           const cz_mech_env *env CZ_UNUSED, double *inf, double *tau)

#define CZ_GATED_KERNELS(NG, EREV, ACC)                                                    \
  static __attribute__((unused)) void gated_init(cz_mech *m, const cz_mech_env *env) {                             \
    for (size_t k = 0; k < m->n; k++) {                                                    \
      double inf[NG], tau[NG];                                                             \
      rates(m, k, env->cable->v[m->node[k]], env, inf, tau);                               \
      for (int g = 0; g < (NG); g++) m->s[g][k] = inf[g];                                  \
    }                                                                                      \
  }                                                                                        \
  static __attribute__((unused)) void gated_current(const cz_mech *m, const cz_mech_env *env) {                    \
    for (size_t k = 0; k < m->n; k++) {                                                    \
      const uint32_t i = m->node[k];                                                       \
      cz_mech_add_ohmic(env, i, conductance(m, k), (EREV), (ACC));                         \
    }                                                                                      \
  }                                                                                        \
  static inline void gated_advance_one(const cz_mech *m, size_t k, double v, const cz_mech_env *env) { \
    double inf[NG], tau[NG];                                                               \
    rates(m, k, v, env, inf, tau);                                                         \
    _Pragma("GCC unroll 12") for (int g = 0; g < (NG); g++) m->s[g][k] = cz_cnexp(m->s[g][k], inf[g], tau[g], env->dt); \
  }                                                                                        \
  static __attribute__((unused)) void gated_advance(cz_mech *m_arg, const cz_mech_env *env_arg) { \
    const cz_mech m_local = *m_arg, *m = &m_local;                                         \
    const cz_mech_env env_local = *env_arg, *env = &env_local;                             \
    const double *v = env->cable->v;                                                       \
    _Pragma("omp simd") for (size_t k = 0; k < m->n; k++) gated_advance_one(m, k, v[m->node[k]], env); \
  }

#define CZ_NA_REVERSAL env->ions->ena[i]
#define CZ_K_REVERSAL env->ions->ek[i]
#define CZ_CA_REVERSAL env->ions->eca[i]

#endif
