/* pas: the passive leak, i = g (v - e), nonspecific (bionet-spec.md §4.1). */
#include "bionet/mechanisms/pas.h"

#include "base/vector_clones.h"
#include "bionet/mechanisms/kinds.h"
#include "bionet/mechanisms/mech_math.h"

enum { G, E };

static void pas_init(cz_mech *m, const cz_mech_env *env) {
  (void)m;
  (void)env;
}

static void pas_current(const cz_mech *m, const cz_mech_env *env) {
  for (size_t k = 0; k < m->n; k++) cz_mech_add_ohmic(env, m->node[k], m->p[G][k], m->p[E][k], NULL);
}

CZ_AVX2_CLONES void cz_mech_pas_begin_currents(cz_cable *c, const double *restrict g, const double *restrict e) {
  double *restrict rhs = c->rhs, *restrict d = c->d;
  const double *restrict v = c->v;
#pragma omp simd
  for (size_t i = 0; i < c->n; i++) {
    const double i_dv = g[i] * (v[i] + CZ_NRN_DV - e[i]), i_v = g[i] * (v[i] - e[i]);
    rhs[i] = 0.0 - i_v;
    d[i] = (i_dv - i_v) / CZ_NRN_DV; /* is never -0 (pas.h): 0 + it is itself */
  }
}

static void pas_advance(cz_mech *m, const cz_mech_env *env) {
  (void)m;
  (void)env;
}

const cz_mech_kind cz_mech_pas = {
    .name = "pas", .nparam = 2, .param = {"g", "e"}, .param_default = {0.001, -70.0},
    .nstate = 0, .init = pas_init, .current = pas_current, .advance = pas_advance,
};
