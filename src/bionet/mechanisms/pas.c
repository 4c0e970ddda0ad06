/* pas: the passive leak, i = g (v - e), nonspecific (bionet-spec.md §4.1). */
#include "bionet/mechanisms/kinds.h"

enum { G, E };

static void pas_init(cz_mech *m, const cz_mech_env *env) {
  (void)m;
  (void)env;
}

static void pas_current(const cz_mech *m, const cz_mech_env *env) {
  for (size_t k = 0; k < m->n; k++) cz_mech_add_ohmic(env, m->node[k], m->p[G][k], m->p[E][k], NULL);
}

static void pas_advance(cz_mech *m, const cz_mech_env *env) {
  (void)m;
  (void)env;
}

const cz_mech_kind cz_mech_pas = {
    .name = "pas", .nparam = 2, .param = {"g", "e"}, .param_default = {0.001, -70.0},
    .nstate = 0, .init = pas_init, .current = pas_current, .advance = pas_advance,
};
