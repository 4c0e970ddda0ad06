/* hh: the Hodgkin-Huxley squid axon channels as NEURON ships them (a test mechanism: none of
 * the Allen models uses it). Sodium m^3 h, potassium n^4 and a leak, rates scaled by
 * q10 = 3^((celsius - 6.3) / 10), computed directly (NEURON's rate tables off). */
#include "bionet/mechanisms/kinds.h"
#include "bionet/mechanisms/mech_math.h"

enum { GNABAR, GKBAR, GL, EL };
enum { M, H, N };

typedef struct hh_rates {
  double inf[3], tau[3];
} hh_rates;

static hh_rates rates(double v, double celsius) {
  hh_rates r;
  const double q10 = pow(3.0, (celsius - 6.3) / 10.0);
  const double alpha[3] = {0.1 * cz_vtrap(-(v + 40.0), 10.0), 0.07 * cz_nrn_exp(-(v + 65.0) / 20.0),
                           0.01 * cz_vtrap(-(v + 55.0), 10.0)};
  const double beta[3] = {4.0 * cz_nrn_exp(-(v + 65.0) / 18.0), 1.0 / (cz_nrn_exp(-(v + 35.0) / 10.0) + 1.0),
                          0.125 * cz_nrn_exp(-(v + 65.0) / 80.0)};
  for (int g = 0; g < 3; g++) {
    const double sum = alpha[g] + beta[g];
    r.tau[g] = 1.0 / (q10 * sum);
    r.inf[g] = alpha[g] / sum;
  }
  return r;
}

static void hh_init(cz_mech *m, const cz_mech_env *env) {
  for (size_t k = 0; k < m->n; k++) {
    const hh_rates r = rates(env->cable->v[m->node[k]], env->celsius);
    for (int g = 0; g < 3; g++) m->s[g][k] = r.inf[g];
  }
}

static void hh_current(const cz_mech *m, const cz_mech_env *env) {
  for (size_t k = 0; k < m->n; k++) {
    const uint32_t i = m->node[k];
    const double mm = m->s[M][k], n = m->s[N][k];
    cz_mech_add_ohmic(env, i, m->p[GNABAR][k] * mm * mm * mm * m->s[H][k], env->ions->ena[i], env->ions->ina);
    cz_mech_add_ohmic(env, i, m->p[GKBAR][k] * n * n * n * n, env->ions->ek[i], env->ions->ik);
    cz_mech_add_ohmic(env, i, m->p[GL][k], m->p[EL][k], NULL);
  }
}

static void hh_advance(cz_mech *m, const cz_mech_env *env) {
  for (size_t k = 0; k < m->n; k++) {
    const hh_rates r = rates(env->cable->v[m->node[k]], env->celsius);
    for (int g = 0; g < 3; g++) m->s[g][k] = cz_cnexp(m->s[g][k], r.inf[g], r.tau[g], env->dt);
  }
}

const cz_mech_kind cz_mech_hh = {
    .name = "hh", .nparam = 4, .param = {"gnabar", "gkbar", "gl", "el"},
    .param_default = {0.12, 0.036, 0.0003, -54.3}, .nstate = 3, .state = {"m", "h", "n"},
    .init = hh_init, .current = hh_current, .advance = hh_advance,
};
