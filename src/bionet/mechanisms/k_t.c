/* K_T: the transient potassium channel (bionet-spec.md §4.6), g = gbar m^4 h, q10 2.3 from 21 °C. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR, VSHIFT, MTAUF, HTAUF };
enum { M, H };

CZ_RATES_SIGNATURE {
  const double q = cz_mech_q(env->celsius, 21.0), vs = m->p[VSHIFT][k];
  inf[M] = 1.0 / (1.0 + cz_nrn_exp(-(v - (-47.0 + vs)) / 29.0));
  const double xm = (v + 71.0 - vs) / 59.0, xh = (v + 73.0 - vs) / 23.0;
  tau[M] = (0.34 + m->p[MTAUF][k] * 0.92 * cz_nrn_exp(-xm * xm)) / q;
  inf[H] = 1.0 / (1.0 + cz_nrn_exp((v + 66.0 - vs) / 10.0));
  tau[H] = (8.0 + m->p[HTAUF][k] * 49.0 * cz_nrn_exp(-xh * xh)) / q;
}

static inline double conductance(const cz_mech *m, size_t k) {
  const double mm = m->s[M][k];
  return m->p[GBAR][k] * mm * mm * mm * mm * m->s[H][k];
}

CZ_GATED_KERNELS(2, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind CZ_MECH_KIND(K_T) = {
    .name = "K_T", .nparam = 4, .param = {"gbar", "vshift", "mTauF", "hTauF"},
    .param_default = {1e-5, 0.0, 1.0, 1.0}, .nstate = 2, .state = {"m", "h"},
    .init = gated_init, .current = gated_current, .advance = gated_advance,
};
