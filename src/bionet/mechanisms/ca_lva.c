/* Ca_LVA: the low-voltage-activated calcium channel (Avery & Johnston 1996, shifted by
 * -10 mV; bionet-spec.md §4.12), g = gbar m^2 h on eca, q10 2.3 from 21 °C. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR };
enum { M, H };

CZ_RATES_SIGNATURE {
  const double q = cz_mech_q(env->celsius, 21.0), u = v + 10.0;
  inf[M] = 1.0 / (1.0 + cz_nrn_exp((u + 30.0) / -6.0));
  tau[M] = (5.0 + 20.0 / (1.0 + cz_nrn_exp((u + 25.0) / 5.0))) / q;
  inf[H] = 1.0 / (1.0 + cz_nrn_exp((u + 80.0) / 6.4));
  tau[H] = (20.0 + 50.0 / (1.0 + cz_nrn_exp((u + 40.0) / 7.0))) / q;
}

static inline double conductance(const cz_mech *m, size_t k) {
  return m->p[GBAR][k] * m->s[M][k] * m->s[M][k] * m->s[H][k];
}

CZ_GATED_KERNELS(2, CZ_CA_REVERSAL, env->ions->ica)

const cz_mech_kind CZ_MECH_KIND(Ca_LVA) = {
    .name = "Ca_LVA", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 2, .state = {"m", "h"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
