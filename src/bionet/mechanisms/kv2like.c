/* Kv2like: the Kv2 potassium channel (Keren et al. 2005, adjusted; bionet-spec.md §4.8),
 * g = gbar m^2 (h1 + h2) / 2, two inactivation gates of one steady state, q10 2.3 from 21 °C. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR };
enum { M, H1, H2 };

CZ_RATES_SIGNATURE {
  const double q = cz_mech_q(env->celsius, 21.0);
  const double am = 0.12 * cz_vtrap(-(v - 43.0), 11.0), bm = 0.02 * cz_nrn_exp(-(v + 1.27) / 120.0);
  inf[M] = am / (am + bm);
  tau[M] = 2.5 / (q * (am + bm));
  inf[H1] = inf[H2] = 1.0 / (1.0 + cz_nrn_exp((v + 58.0) / 11.0));
  const double x = (v + 75.0) / 48.0;
  tau[H1] = (360.0 + (1010.0 + 23.7 * (v + 54.0)) * cz_nrn_exp(-x * x)) / q;
  tau[H2] = (2350.0 + 1380.0 * cz_nrn_exp(-0.011 * v) - 210.0 * cz_nrn_exp(-0.03 * v)) / q;
}

static inline double conductance(const cz_mech *m, size_t k) {
  return m->p[GBAR][k] * m->s[M][k] * m->s[M][k] * (0.5 * m->s[H1][k] + 0.5 * m->s[H2][k]);
}

CZ_GATED_KERNELS(3, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind CZ_MECH_KIND(Kv2like) = {
    .name = "Kv2like", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 3, .state = {"m", "h1", "h2"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
