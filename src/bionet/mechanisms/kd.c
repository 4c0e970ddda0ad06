/* Kd: the delayed-rectifier potassium channel (Foust et al. 2011; bionet-spec.md §4.7),
 * g = gbar m h, no temperature dependence (the model file's q10 is never used). */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR };
enum { M, H };

CZ_RATES_SIGNATURE {
  inf[M] = 1.0 - 1.0 / (1.0 + cz_nrn_exp((v + 43.0) / 8.0));
  tau[M] = 1.0;
  inf[H] = 1.0 / (1.0 + cz_nrn_exp((v + 67.0) / 7.3));
  tau[H] = 1500.0;
}

static inline double conductance(const cz_mech *m, size_t k) { return m->p[GBAR][k] * m->s[M][k] * m->s[H][k]; }

CZ_GATED_KERNELS(2, CZ_K_REVERSAL, env->ions->ik)

const cz_mech_kind CZ_MECH_KIND(Kd) = {
    .name = "Kd", .nparam = 1, .param = {"gbar"}, .param_default = {1e-5},
    .nstate = 2, .state = {"m", "h"}, .init = gated_init, .current = gated_current, .advance = gated_advance,
};
