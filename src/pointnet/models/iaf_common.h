/* Helpers shared by the NEST integrate-and-fire kinds. */
#ifndef CZ_POINTNET_MODELS_IAF_COMMON_H
#define CZ_POINTNET_MODELS_IAF_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/models/params.h"

/* Voltages of iaf_psc_* as NEST keeps them: relative to E_L. A parameter given in the dict
 * is absolute (value - E_L); one left out keeps its absolute default, because NEST shifts
 * every relative voltage by -(E_L_new - E_L_default) when only E_L changes. */
typedef struct cz_iaf_voltages {
  double E_L;
  double V_th, V_reset, V_min, V_m; /* relative to E_L */
  bool V_min_given;
} cz_iaf_voltages;

/* Reads E_L, V_th, V_reset, V_m (and V_min when has_vmin) with the defaults of NEST's iaf
 * models (E_L -70, V_th -55, V_reset -70, V_m -70, V_min -DBL_MAX). */
cz_status cz_iaf_read_voltages(const cz_param_src *src, bool has_vmin, const char *where, cz_iaf_voltages *out);

/* The common checks NEST makes (C_m > 0, tau_m > 0, t_ref >= 0, V_reset < V_th), written so
 * that NaN fails too. */
cz_status cz_iaf_check(double C_m, double tau_m, double t_ref, double V_reset_rel, double V_th_rel, const char *where);

#endif

/* The parameters of NEST's iaf_cond_* models, with their defaults (V_th -55, V_reset -60,
 * t_ref 2, g_L 16.6667, C_m 250, E_ex 0, E_in -85, E_L -70, tau_syn_ex 0.2, tau_syn_in 2,
 * I_e 0) and checks (V_reset < V_th, C_m > 0, t_ref >= 0, time constants > 0). */
typedef struct cz_cond_params {
  double V_th, V_reset, g_L, C_m, E_ex, E_in, E_L, tau_ex, tau_in, I_e;
} cz_cond_params;
cz_status cz_cond_read_params(const cz_param_src *src, const char *where, cz_cond_params *p, double *t_ref);

/* Where the synaptic conductances sit in a state vector: alpha-shaped channels keep dg and g,
 * exponential ones g only (dg_ex = dg_in = -1). */
typedef struct cz_cond_slots {
  int dg_ex, g_ex, dg_in, g_in;
} cz_cond_slots;
/* Their derivatives into f. */
void cz_cond_derivs(const cz_cond_slots *s, double tau_ex, double tau_in, const double *y, double *f);
/* Adds a step's spikes (weights in nS, both >= 0): e / tau_syn per nS into dg for alpha
 * channels (the peak of g is the weight), the weight into g for exponential ones. */
void cz_cond_jumps(const cz_cond_slots *s, double tau_ex, double tau_in, double *y, double w_ex, double w_in);

/* Propagators from an alpha-shaped synaptic current (time constant tau_s) to the membrane
 * over one step h: P31 (from dI) and P32 (from I), with NEST's treatment of the near-singular
 * case |tau_m - tau_s| < 0.1 ms. */
void cz_alpha_propagators(double tau_s, double tau_m, double C, double h, double *P31, double *P32);
/* Peak (mV) of the PSP a 1 pA alpha current (time constant tau_syn) causes in a leaky membrane
 * (tau_m, C_m): at the time the lower branch of the Lambert W function gives, as NEST's
 * examples compute it to turn PSP amplitudes into current weights. */
double cz_alpha_psp_peak(double tau_m, double tau_syn, double C_m);

/* Propagator from an exponential synaptic current to the membrane over one step. */
double cz_exp_propagator(double tau_s, double tau_m, double C, double h);

/* The per-neuron arrays of an iaf group: k arrays of doubles (addresses in arrs) and the
 * refractory period and counter. Allocation returns false when memory runs out, leaving what
 * it did allocate in place for cz_iaf_free_arrays. */
bool cz_iaf_alloc_arrays(double **const *arrs, size_t k, int32_t **R, int32_t **r, size_t n);
void cz_iaf_free_arrays(double **const *arrs, size_t k, int32_t *R, int32_t *r);
