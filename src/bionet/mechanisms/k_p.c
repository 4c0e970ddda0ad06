/* K_P: the persistent potassium channel (Korngreen & Sakmann 2000; bionet-spec.md §4.5),
 * g = gbar m^2 h, q10 2.3 from 21 °C. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR, VSHIFT, TAUF };
enum { M, H };

CZ_RATES_SIGNATURE {
  const double q = cz_mech_q(env->celsius, 21.0), vs = m->p[VSHIFT][k], tf = m->p[TAUF][k];
  inf[M] = 1.0 / (1.0 + cz_nrn_exp(-(v - (-14.3 + vs)) / 14.6));
  tau[M] = CZ_PICK(v < -50.0 + vs, tf * (1.25 + 175.03 * cz_nrn_exp(0.026 * (v - vs))) / q,
                   tf * (1.25 + 13.0 * cz_nrn_exp(-0.026 * (v - vs))) / q);
  inf[H] = 1.0 / (1.0 + cz_nrn_exp((v - (-54.0 + vs)) / 11.0));
  const double x = (v - (-75.0 + vs)) / 48.0;
  tau[H] = (360.0 + (1010.0 + 24.0 * (v - (-55.0 + vs))) * cz_nrn_exp(-x * x)) / q;
}

static inline double conductance(const cz_mech *m, size_t k) {
  return m->p[GBAR][k] * m->s[M][k] * m->s[M][k] * m->s[H][k];
}

CZ_GATED_KERNELS(2, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind CZ_MECH_KIND(K_P) = {
    .name = "K_P", .nparam = 3, .param = {"gbar", "vshift", "tauF"},
    .param_default = {1e-5, 0.0, 1.0}, .nstate = 2, .state = {"m", "h"},
    .init = gated_init, .current = gated_current, .advance = gated_advance,
};
