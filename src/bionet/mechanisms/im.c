/* Im (Adams 1982) and Im_v2 (Vervaeke 2006): M-type potassium channels, g = gbar m
 * (bionet-spec.md §4.11). */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR };
enum { M };

CZ_RATES_SIGNATURE {
  const bool adams = m->kind == &CZ_MECH_KIND(Im); /* else Im_v2 */
  const double q = cz_mech_q(env->celsius, adams ? 21.0 : 30.0);
  const double a = CZ_PICK(adams, 3.3e-3 * cz_nrn_exp(0.1 * (v + 35.0)), 0.007 * cz_nrn_exp(2.4 * (v + 48.0) / 26.12));
  const double b = CZ_PICK(adams, 3.3e-3 * cz_nrn_exp(-0.1 * (v + 35.0)), 0.007 * cz_nrn_exp(-3.6 * (v + 48.0) / 26.12));
  inf[M] = a / (a + b);
  tau[M] = CZ_PICK(adams, (1.0 / (a + b)) / q, (15.0 + 1.0 / (a + b)) / q);
}

static inline double conductance(const cz_mech *m, size_t k) { return m->p[GBAR][k] * m->s[M][k]; }

CZ_GATED_KERNELS(1, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind CZ_MECH_KIND(Im) = {
    .name = "Im", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 1, .state = {"m"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
const cz_mech_kind CZ_MECH_KIND(Im_v2) = {
    .name = "Im_v2", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 1, .state = {"m"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
