/* SK: the small-conductance calcium-activated potassium channel (Köhler 1996; bionet-spec.md
 * §4.12), g = gbar z, z's steady state set by cai (read when the gate advances, after
 * CaDynamics has advanced cai in the same step), no temperature dependence. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR, ZTAU };
enum { Z };

CZ_RATES_SIGNATURE {
  double c = env->ions->cai[m->node[k]];
  if (c < 1e-7) c = c + 1e-7;
  inf[Z] = 1.0 / (1.0 + pow(0.00043 / c, 4.8));
  tau[Z] = m->p[ZTAU][k];
}

static inline double conductance(const cz_mech *m, size_t k) { return m->p[GBAR][k] * m->s[Z][k]; }

CZ_GATED_KERNELS(1, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind cz_mech_SK = {
    .name = "SK", .nparam = 2, .param = {"gbar", "zTau"}, .param_default = {1e-6, 1.0},
    .nstate = 1, .state = {"z"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
