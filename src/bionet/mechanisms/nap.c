/* Nap: the persistent sodium channel (Magistretti & Alonso 1999; bionet-spec.md §4.4),
 * g = gbar m_inf(v) h with m_inf evaluated inside the current, so its conductance is not
 * linear in v and the current's derivative must be taken as NEURON takes it, at v + 0.001 mV
 * with m_inf recomputed. q10 2.3 from 21 °C. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR };
enum { H };

static inline double m_inf(double v) { return 1.0 / (1.0 + cz_nrn_exp((v + 52.6) / -4.6)); }

CZ_RATES_SIGNATURE {
  const double q = cz_mech_q(env->celsius, 21.0);
  inf[H] = 1.0 / (1.0 + cz_nrn_exp((v + 48.8) / 10.0));
  const double a = 2.88e-6 * cz_vtrap(v + 17.0, 4.63), b = 6.94e-6 * cz_vtrap(-(v + 64.4), 2.63);
  tau[H] = (1.0 / (a + b)) / q;
}

static inline double conductance(const cz_mech *m, size_t k) { return m->p[GBAR][k] * m->s[H][k]; }

CZ_GATED_KERNELS(1, CZ_NA_REVERSAL, env->ions->ina)

static void nap_current(const cz_mech *m, const cz_mech_env *env) {
  cz_cable *c = env->cable;
  for (size_t k = 0; k < m->n; k++) {
    const uint32_t i = m->node[k];
    const double v = c->v[i], ena = env->ions->ena[i], gh = conductance(m, k);
    const double i_dv = gh * m_inf(v + CZ_NRN_DV) * (v + CZ_NRN_DV - ena), i_v = gh * m_inf(v) * (v - ena);
    c->rhs[i] -= i_v;
    c->d[i] += (i_dv - i_v) / CZ_NRN_DV;
    env->ions->ina[i] += i_v;
  }
}

const cz_mech_kind CZ_MECH_KIND(Nap) = {
    .name = "Nap", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 1, .state = {"h"}, .init = gated_init, .current = nap_current, .advance = gated_advance,
};
