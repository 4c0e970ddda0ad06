/* Allen Cell Types Database GLIF model files ("type": "GLIF", SI units) turned into the
 * parameters of NEST 2's separate GLIF models, the conversion BMTK 0.0.x's PointNet applied
 * when a node type's model_template was one of those models and its dynamics_params such a
 * file:
 *   V_th    = coeffs.th_inf * th_inf * 1e3 + El_reference * 1e3        (mV, absolute)
 *   g       = coeffs.G / R_input * 1e9                                 (nS)
 *   E_L     = El * 1e3 + El_reference * 1e3                            (mV)
 *   C_m     = coeffs.C * C * 1e12                                      (pF)
 *   t_ref   = spike_cut_length * dt * 1e3                              (ms)
 *   V_reset = El_reference * 1e3                (levels without R)     (mV)
 *   a_spike = threshold_dynamics_method.params.a_spike * 1e3 (R)       (mV)
 *   b_spike = threshold_dynamics_method.params.b_spike * 1e-3 (R)      (1/ms)
 *   a_reset = voltage_reset_method.params.a, b_reset = .b * 1e3 (R)    (1, mV)
 *   asc_init = init_AScurrents * 1e12, k = 1 / asc_tau_array * 1e-3,
 *   asc_amps = asc_amp_array * coeffs.asc_amp_array * 1e12 (ASC)       (pA, 1/ms, pA)
 *   a_voltage = threshold_dynamics_method.params.a_voltage * coeffs.a * 1e-3,
 *   b_voltage = ...b_voltage * coeffs.b * 1e-3 (A)                     (1/ms)
 *   tau_syn = [5.5, 8.5, 2.8, 5.8] ms, V_dynamics_method = "linear_exact",
 * each product evaluated left to right as written. The Allen fields the conversion does not
 * use (initial values, method names, dt_multiplier, ...) are accepted and ignored, as BMTK
 * ignored them; a field the Allen format does not have is an error. */
#ifndef CZ_POINTNET_MODELS_GLIF_ALLEN_H
#define CZ_POINTNET_MODELS_GLIF_ALLEN_H

#include <stdbool.h>

#include "base/status.h"

struct cJSON;

/* The GLIF level of a NEST 2 model: which of the three mechanisms it has. */
typedef struct cz_glif_level {
  bool r, asc, a; /* reset rules and spike threshold; after-spike currents; voltage threshold */
} cz_glif_level;

/* Whether dict is an Allen GLIF file (its "type" is "GLIF"). */
bool cz_glif_allen_is(const struct cJSON *dict);

/* The NEST 2 parameters of the level's model from Allen file dict (file and where name it in
 * messages), a new object owned by the caller. */
cz_status cz_glif_allen_convert(const struct cJSON *dict, cz_glif_level level, const char *file, const char *where,
                                struct cJSON **out);

#endif
