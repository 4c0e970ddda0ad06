/* CaDynamics: intracellular calcium (Destexhe 1994, modified; bionet-spec.md §4.12): the
 * calcium current fills a shell of the given depth, which decays to minCai,
 *   cai' = -10000 ica gamma / (2 F depth) - (cai - minCai) / decay,
 * integrated exactly over a step with this step's ica frozen. It makes cai a state of its
 * nodes, so eca follows Nernst there. */
#include "bionet/mechanisms/kinds.h"
#include "bionet/mechanisms/mech_math.h"

enum { GAMMA, DECAY, DEPTH, MINCAI };

static void cadyn_init(cz_mech *m, const cz_mech_env *env) {
  cz_ions *ions = env->ions;
  for (size_t k = 0; k < m->n; k++) {
    const uint32_t i = m->node[k];
    ions->ca_state[i] = 1;
    ions->cai[i] = m->p[MINCAI][k];
    ions->eca[i] = cz_nernst(ions->cai[i], ions->cao[i], 2, env->celsius, env->units);
  }
}

static void cadyn_current(const cz_mech *m, const cz_mech_env *env) {
  (void)m;
  (void)env;
}

/* In blocks: the new concentrations first, in a loop that vectorises (it reads through the
 * nodes and writes only the block), then stored at the nodes. */
static void cadyn_advance(cz_mech *m, const cz_mech_env *env) {
  enum { BLOCK = 256 };
  const cz_ions *ions = env->ions;
  const double F = env->units->faraday_cadyn, dt = env->dt;
  const uint32_t *node = m->node;
  const double *gamma = m->p[GAMMA], *decay = m->p[DECAY], *depth = m->p[DEPTH], *mincai = m->p[MINCAI];
  double next[BLOCK];
  for (size_t k0 = 0; k0 < m->n; k0 += BLOCK) {
    const size_t nb = m->n - k0 < BLOCK ? m->n - k0 : BLOCK;
#pragma omp simd
    for (size_t j = 0; j < nb; j++) {
      const size_t k = k0 + j;
      const uint32_t i = node[k];
      const double a = -(10000.0) * (ions->ica[i] * gamma[k] / (2.0 * F * depth[k])) + mincai[k] / decay[k];
      const double b = -(1.0 / decay[k]);
      next[j] = ions->cai[i] + (1.0 - cz_nrn_exp(dt * b)) * (-a / b - ions->cai[i]);
    }
    for (size_t j = 0; j < nb; j++) ions->cai[node[k0 + j]] = next[j];
  }
}

const cz_mech_kind CZ_MECH_KIND(CaDynamics) = {
    .name = "CaDynamics", .nparam = 4,
    .param = {"gamma", "decay", "depth", "minCai"}, .param_default = {0.05, 80.0, 0.1, 1e-4}, .nstate = 0,
    .init = cadyn_init, .current = cadyn_current, .advance = cadyn_advance,
};
