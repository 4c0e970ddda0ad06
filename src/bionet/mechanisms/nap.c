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

/* In blocks: the currents at v and v + 0.001 mV first, in a loop that vectorises (its two exp
 * per instance), then added at the nodes. */
static void nap_current(const cz_mech *m, const cz_mech_env *env) {
  enum { BLOCK = 256 };
  cz_cable *c = env->cable;
  const double *v = c->v, *ena = env->ions->ena, *gbar = m->p[GBAR], *h = m->s[H];
  const uint32_t *node = m->node;
  double i_v[BLOCK], di[BLOCK];
  for (size_t k0 = 0; k0 < m->n; k0 += BLOCK) {
    const size_t nb = m->n - k0 < BLOCK ? m->n - k0 : BLOCK;
#pragma omp simd
    for (size_t j = 0; j < nb; j++) {
      const size_t k = k0 + j;
      const double vi = v[node[k]], e = ena[node[k]], gh = gbar[k] * h[k];
      const double at_dv = gh * m_inf(vi + CZ_NRN_DV) * (vi + CZ_NRN_DV - e), at_v = gh * m_inf(vi) * (vi - e);
      i_v[j] = at_v;
      di[j] = (at_dv - at_v) / CZ_NRN_DV;
    }
    for (size_t j = 0; j < nb; j++) {
      const uint32_t i = node[k0 + j];
      c->rhs[i] -= i_v[j];
      c->d[i] += di[j];
      env->ions->ina[i] += i_v[j];
    }
  }
}

const cz_mech_kind CZ_MECH_KIND(Nap) = {
    .name = "Nap", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 1, .state = {"h"}, .init = gated_init, .current = nap_current, .advance = gated_advance,
};
