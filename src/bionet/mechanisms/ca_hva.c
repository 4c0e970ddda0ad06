/* Ca_HVA: the high-voltage-activated calcium channel (Reuveni 1993; bionet-spec.md §4.12),
 * g = gbar m^2 h on eca, no temperature dependence. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR };
enum { M, H };

CZ_RATES_SIGNATURE {
  const double am = 0.055 * cz_vtrap(-27.0 - v, 3.8), bm = 0.94 * cz_nrn_exp((-75.0 - v) / 17.0);
  const double ah = 0.000457 * cz_nrn_exp((-13.0 - v) / 50.0), bh = 0.0065 / (cz_nrn_exp((-v - 15.0) / 28.0) + 1.0);
  inf[M] = am / (am + bm);
  tau[M] = 1.0 / (am + bm);
  inf[H] = ah / (ah + bh);
  tau[H] = 1.0 / (ah + bh);
}

static inline double conductance(const cz_mech *m, size_t k) {
  return m->p[GBAR][k] * m->s[M][k] * m->s[M][k] * m->s[H][k];
}

CZ_GATED_KERNELS(2, CZ_CA_REVERSAL, env->ions->ica)

const cz_mech_kind CZ_MECH_KIND(Ca_HVA) = {
    .name = "Ca_HVA", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 2, .state = {"m", "h"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
