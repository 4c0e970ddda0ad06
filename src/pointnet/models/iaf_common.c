#include "pointnet/models/iaf_common.h"

#include <float.h>
#include <gsl/gsl_sf_lambert.h>
#include <stdlib.h>

#include "base/mem.h"

static double shifted(bool given, double value_abs, double default_abs, double E_L) {
  const double E_L_default = -70.0;
  const double default_rel = default_abs - E_L_default;
  return given ? value_abs - E_L : default_rel - (E_L - E_L_default);
}

cz_status cz_iaf_read_voltages(const cz_param_src *src, bool has_vmin, const char *where, cz_iaf_voltages *out) {
  bool g;
  double v;
  CZ_TRY(cz_param_number(src, "E_L", -70.0, &out->E_L, NULL, where));
  CZ_TRY(cz_param_number(src, "V_th", 0.0, &v, &g, where));
  out->V_th = shifted(g, v, -55.0, out->E_L);
  CZ_TRY(cz_param_number(src, "V_reset", 0.0, &v, &g, where));
  out->V_reset = shifted(g, v, -70.0, out->E_L);
  CZ_TRY(cz_param_number(src, "V_m", 0.0, &v, &g, where));
  out->V_m = shifted(g, v, -70.0, out->E_L);
  out->V_min = -DBL_MAX;
  out->V_min_given = false;
  if (has_vmin) {
    CZ_TRY(cz_param_number(src, "V_min", 0.0, &v, &g, where));
    if (g) out->V_min = v - out->E_L;
    out->V_min_given = g;
  }
  return CZ_OK;
}

cz_status cz_iaf_check(double C_m, double tau_m, double t_ref, double V_reset_rel, double V_th_rel, const char *where) {
  CZ_CHECK(C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, C_m);
  CZ_CHECK(tau_m > 0, CZ_ERR_CONFIG, "%s: membrane time constant tau_m must be > 0 (got %g)", where, tau_m);
  CZ_CHECK(t_ref >= 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be >= 0 (got %g)", where, t_ref);
  CZ_CHECK(V_reset_rel < V_th_rel, CZ_ERR_CONFIG, "%s: reset potential V_reset must be below the threshold V_th", where);
  return CZ_OK;
}

#include <math.h>

void cz_alpha_propagators(double tau_s, double tau_m, double C, double h, double *P31, double *P32) {
  const double beta = tau_s * tau_m / (tau_m - tau_s);
  const double gamma = beta / C;
  const double E = expm1(h / tau_s - h / tau_m);
  const double es = exp(-h / tau_s);
  double p31 = gamma * es * (beta * E - h);
  double p32 = gamma * es * E;
  if (fabs(tau_m - tau_s) < 0.1) {
    const double em = exp(-h / tau_m);
    const double p31s = h * h / (2.0 * C) * em;
    const double p32s = h / C * em;
    if (tau_m == tau_s) {
      p31 = p31s;
      p32 = p32s;
    } else {
      const double alpha = (tau_s - tau_m) / (C * tau_m * tau_m);
      if (!isfinite(p31) || fabs(p31 - p31s) > 2.0 * fabs(alpha * h * h * h * em / 3.0)) p31 = p31s;
      if (!isfinite(p32) || fabs(p32 - p32s) > 2.0 * fabs(alpha * h * h * em / 2.0)) p32 = p32s;
    }
  }
  *P31 = p31;
  *P32 = p32;
}

double cz_exp_propagator(double tau_s, double tau_m, double C, double h) {
  const double em = exp(-h / tau_m);
  if (fabs(tau_m - tau_s) < 1e-12 * tau_m) return h / C * em;
  const double beta = tau_s * tau_m / (tau_m - tau_s);
  const double p = beta / C * exp(-h / tau_s) * expm1(h / tau_s - h / tau_m);
  if (!isfinite(p) || fabs(tau_m - tau_s) < 0.1) {
    const double ps = h / C * em;
    const double alpha = (tau_s - tau_m) / (C * tau_m * tau_m);
    if (!isfinite(p) || fabs(p - ps) > 2.0 * fabs(alpha * h * h * em / 2.0)) return ps;
  }
  return p;
}

bool cz_iaf_alloc_arrays(double **const *arrs, size_t k, int32_t **R, int32_t **r, size_t n) {
  bool ok = true;
  for (size_t j = 0; j < k; j++) ok = ok && (*arrs[j] = cz_calloc(n, sizeof(double))) != NULL;
  return ok && (*R = cz_calloc(n, sizeof **R)) != NULL && (*r = cz_calloc(n, sizeof **r)) != NULL;
}

void cz_iaf_free_arrays(double **const *arrs, size_t k, int32_t *R, int32_t *r) {
  for (size_t j = 0; j < k; j++) free(*arrs[j]);
  free(R);
  free(r);
}

cz_status cz_cond_read_params(const cz_param_src *src, const char *where, cz_cond_params *p, double *t_ref) {
  CZ_TRY(cz_param_number(src, "V_th", -55.0, &p->V_th, NULL, where));
  CZ_TRY(cz_param_number(src, "V_reset", -60.0, &p->V_reset, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 2.0, t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "g_L", 16.6667, &p->g_L, NULL, where));
  CZ_TRY(cz_param_number(src, "C_m", 250.0, &p->C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "E_ex", 0.0, &p->E_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "E_in", -85.0, &p->E_in, NULL, where));
  CZ_TRY(cz_param_number(src, "E_L", -70.0, &p->E_L, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_ex", 0.2, &p->tau_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_in", 2.0, &p->tau_in, NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &p->I_e, NULL, where));
  CZ_CHECK(p->V_reset < p->V_th, CZ_ERR_CONFIG, "%s: reset potential V_reset must be below the threshold V_th", where);
  CZ_CHECK(p->C_m > 0, CZ_ERR_CONFIG, "%s: capacitance C_m must be > 0 (got %g)", where, p->C_m);
  CZ_CHECK(*t_ref >= 0, CZ_ERR_CONFIG, "%s: refractory time t_ref must be >= 0 (got %g)", where, *t_ref);
  CZ_CHECK(p->tau_ex > 0 && p->tau_in > 0, CZ_ERR_CONFIG, "%s: synaptic time constants tau_syn_ex/in must be > 0", where);
  return CZ_OK;
}

void cz_cond_derivs(const cz_cond_slots *s, double tau_ex, double tau_in, const double *y, double *f) {
  if (s->dg_ex >= 0) {
    f[s->dg_ex] = -y[s->dg_ex] / tau_ex;
    f[s->g_ex] = y[s->dg_ex] - y[s->g_ex] / tau_ex;
    f[s->dg_in] = -y[s->dg_in] / tau_in;
    f[s->g_in] = y[s->dg_in] - y[s->g_in] / tau_in;
  } else {
    f[s->g_ex] = -y[s->g_ex] / tau_ex;
    f[s->g_in] = -y[s->g_in] / tau_in;
  }
}

void cz_cond_jumps(const cz_cond_slots *s, double tau_ex, double tau_in, double *y, double w_ex, double w_in) {
  if (s->dg_ex >= 0) {
    y[s->dg_ex] += M_E / tau_ex * w_ex;
    y[s->dg_in] += M_E / tau_in * w_in;
  } else {
    y[s->g_ex] += w_ex;
    y[s->g_in] += w_in;
  }
}

double cz_alpha_psp_peak(double tau_m, double tau_syn, double C_m) {
  const double a = tau_m / tau_syn, b = 1.0 / tau_syn - 1.0 / tau_m;
  const double t_max = 1.0 / b * (-gsl_sf_lambert_Wm1(-exp(-1.0 / a) / a) - 1.0 / a);
  return M_E / (tau_syn * C_m * b) * ((exp(-t_max / tau_m) - exp(-t_max / tau_syn)) / b - t_max * exp(-t_max / tau_syn));
}
