/* Ih: the hyperpolarisation-activated cation current (Kole 2006; bionet-spec.md §4.12),
 * I = gbar m (v - ehcn), nonspecific, no temperature dependence. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR, EHCN };
enum { M };

CZ_RATES_SIGNATURE {
  const double a = 0.00643 * cz_vtrap(v + 154.9, 11.9), b = 0.193 * cz_nrn_exp(v / 33.1);
  inf[M] = a / (a + b);
  tau[M] = 1.0 / (a + b);
}

static inline double conductance(const cz_mech *m, size_t k) { return m->p[GBAR][k] * m->s[M][k]; }

CZ_GATED_KERNELS(1, m->p[EHCN][k], NULL)

const cz_mech_kind CZ_MECH_KIND(Ih) = {
    .name = "Ih", .nparam = 2, .param = {"gbar", "ehcn"}, .param_default = {1e-5, -45.0},
    .nstate = 1, .state = {"m"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
