/* Kv3_1: the Kv3-like potassium channel (bionet-spec.md §4.10), g = gbar m, no temperature
 * dependence. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR, VSHIFT };
enum { M };

CZ_RATES_SIGNATURE {
  const double vs = m->p[VSHIFT][k];
  inf[M] = 1.0 / (1.0 + cz_nrn_exp((v - (18.7 + vs)) / -9.7));
  tau[M] = 4.0 / (1.0 + cz_nrn_exp((v - (-46.56 + vs)) / -44.14));
}

static inline double conductance(const cz_mech *m, size_t k) { return m->p[GBAR][k] * m->s[M][k]; }

CZ_GATED_KERNELS(1, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind CZ_MECH_KIND(Kv3_1) = {
    .name = "Kv3_1", .nparam = 2, .param = {"gbar", "vshift"}, .param_default = {1e-5, 0.0},
    .nstate = 1, .state = {"m"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
