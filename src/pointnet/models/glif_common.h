/* What NEST's two Allen GLIF models (Teeter et al. 2018), glif_psc and glif_cond, share: the
 * five levels chosen by three switches (LIF: none; LIF_R: spike_dependent_threshold; LIF_ASC:
 * after_spike_currents; LIF_R_ASC: both; LIF_R_ASC_A: and adapting_threshold), their
 * parameters (voltages relative to E_L: V_th, V_reset and V_m given in a dict are absolute;
 * left out they keep their defaults relative to NEST's default E_L, -78.85 mV), and what
 * happens around the membrane update in each step that is not refractory:
 *   before: the spike component of the threshold decays; the after-spike currents add their
 *           exact mean over the step into ASCurrents_sum and decay;
 *   after:  the voltage component of the threshold follows its exact solution from the
 *           step's starting voltage; V above the threshold fires: refractory for t_ref, ASC
 *           reset to amps + ASC r e^{-k t_ref}, V reset to V_reset (levels without R) or
 *           fraction V_old + add, and the spike component decays over t_ref and adds
 *           th_spike_add (levels with R).
 * The models differ in how V moves in between (glif_psc: exact propagators with alpha
 * currents; glif_cond: GSL with alpha conductances). */
#ifndef CZ_POINTNET_MODELS_GLIF_COMMON_H
#define CZ_POINTNET_MODELS_GLIF_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/models/params.h"

enum { CZ_GLIF_MAX_PORTS = 8, CZ_GLIF_MAX_ASC = 8 };

typedef struct cz_glif_mech {
  /* parameters (voltages relative to E_L) */
  double th_inf, V_reset, G, C_m, E_L, t_ref;
  double th_spike_add, th_spike_decay, v_reset_frac, v_reset_add, th_v_index, th_v_decay;
  bool has_R, has_ASC, has_A;
  int nasc;
  double asc_amps[CZ_GLIF_MAX_ASC];
  double asc_init[CZ_GLIF_MAX_ASC], asc_k[CZ_GLIF_MAX_ASC], asc_r[CZ_GLIF_MAX_ASC]; /* as given, for get */
  int nasc_given;
  /* step constants */
  double asc_decay_rate[CZ_GLIF_MAX_ASC], asc_stable[CZ_GLIF_MAX_ASC], asc_refr_decay[CZ_GLIF_MAX_ASC];
  double th_spike_rate, th_spike_refr_rate, potential_rate, th_v_rate_inv, phi, ab_ratio;
  int32_t refr_counts;
  /* state */
  double U;         /* V_m - E_L */
  double th_spike, th_v, threshold, asc_sum;
  double asc[CZ_GLIF_MAX_ASC];
  int32_t refr;
} cz_glif_mech;

/* Reads the shared parameters and computes the step constants for step h. The membrane
 * conductance is "g" or, NEST's newer name, "g_m". */
cz_status cz_glif_mech_read(const cz_param_src *src, double h, cz_glif_mech *p, const char *where);

/* A list of numbers (dict value key), or dflt[0 .. ndflt) when absent; at most cap. */
cz_status cz_glif_number_list(const cz_param_src *src, const char *key, const double *dflt, int ndflt, int cap,
                              double *out, int *n, const char *where);

/* The value of a shared parameter or state variable as NEST's GetStatus reports it (voltages
 * absolute; lists as "asc_amps[k]"); false when name is none of them. */
bool cz_glif_mech_get(const cz_glif_mech *p, const char *name, double *out);

/* The parts of a non-refractory step before the membrane update. */
void cz_glif_before_v(cz_glif_mech *p);
/* The parts after it (p->U holds the new V, v_old the step's starting V); true when it fires. */
bool cz_glif_after_v(cz_glif_mech *p, double v_old, double I);
/* The threshold while refractory. */
static inline void cz_glif_refractory_threshold(cz_glif_mech *p) { p->threshold = p->th_spike + p->th_v + p->th_inf; }

#endif
