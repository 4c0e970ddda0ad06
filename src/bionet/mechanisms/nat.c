/* NaTs and NaTa: the transient sodium channel (Colbert & Pan 2002; bionet-spec.md §4.2, §4.3),
 * g = gbar m^3 h, q10 2.3 from 23 °C. NaTa is NaTs with other half-activation voltages. */
#include "bionet/mechanisms/gated.h"
#include "bionet/mechanisms/kinds.h"

enum { GBAR, MALPHAF, MBETAF, MVHALF, MK, HALPHAF, HBETAF, HVHALF, HK };
enum { M, H };

CZ_RATES_SIGNATURE {
  const double q = cz_mech_q(env->celsius, 23.0);
  const double mv = m->p[MVHALF][k], hv = m->p[HVHALF][k];
  const double am = m->p[MALPHAF][k] * cz_vtrap(-(v - mv), m->p[MK][k]);
  const double bm = m->p[MBETAF][k] * cz_vtrap(v - mv, m->p[MK][k]);
  inf[M] = am / (am + bm);
  tau[M] = (1.0 / (am + bm)) / q;
  const double ah = m->p[HALPHAF][k] * cz_vtrap(v - hv, m->p[HK][k]);
  const double bh = m->p[HBETAF][k] * cz_vtrap(-(v - hv), m->p[HK][k]);
  inf[H] = ah / (ah + bh);
  tau[H] = (1.0 / (ah + bh)) / q;
}

static inline double conductance(const cz_mech *m, size_t k) {
  const double mm = m->s[M][k];
  return m->p[GBAR][k] * mm * mm * mm * m->s[H][k];
}

CZ_GATED_KERNELS(2, CZ_NA_REVERSAL, env->ions->ina)

#define NAT_KIND(NAME, MV, HV)                                                                              \
  {                                                                                                         \
    .name = NAME, .nparam = 9,                                                                              \
    .param = {"gbar", "malphaF", "mbetaF", "mvhalf", "mk", "halphaF", "hbetaF", "hvhalf", "hk"},            \
    .param_default = {1e-5, 0.182, 0.124, MV, 6.0, 0.015, 0.015, HV, 6.0}, .nstate = 2, .state = {"m", "h"}, \
    .init = gated_init, .current = gated_current, .advance = gated_advance,                                 \
  }

const cz_mech_kind CZ_MECH_KIND(NaTs) = NAT_KIND("NaTs", -40.0, -66.0);
const cz_mech_kind CZ_MECH_KIND(NaTa) = NAT_KIND("NaTa", -48.0, -69.0);
