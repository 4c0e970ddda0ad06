/* iaf_psc_exp: leaky integrate-and-fire with exponentially decaying synaptic currents (NEST
 * semantics). Per step: V advances with the old currents (when not refractory), then each
 * current decays and this step's weights (pA) are added to it directly. Threshold >=. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "models/iaf_common.h"
#include "models/model.h"

typedef struct iaf_exp {
  size_t n;
  double h;
  double *P11_ex, *P11_in, *P21_ex, *P21_in, *P20, *P22, *I_e, *V_th, *V_reset, *E_L;
  int32_t *R;
  double *i_ex, *i_in, *y3, *y0;
  int32_t *r;
} iaf_exp;

static const char *const k_params[] = {"V_m", "E_L", "C_m", "tau_m", "t_ref", "V_th", "V_reset", "I_e",
                                       "tau_syn_ex", "tau_syn_in", NULL};

#define EXP_ARRAYS(g)                                                                                      \
  &(g)->P11_ex, &(g)->P11_in, &(g)->P21_ex, &(g)->P21_in, &(g)->P20, &(g)->P22, &(g)->I_e, &(g)->V_th,     \
      &(g)->V_reset, &(g)->E_L, &(g)->i_ex, &(g)->i_in, &(g)->y3, &(g)->y0

static void destroy(void *p) {
  iaf_exp *g = p;
  if (!g) return;
  double **arrs[] = {EXP_ARRAYS(g)};
  for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++) free(*arrs[k]);
  free(g->R);
  free(g->r);
  free(g);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  iaf_exp *g = cz_calloc(1, sizeof *g);
  CZ_CHECK(g != NULL, CZ_ERR_NOMEM, "out of memory");
  g->n = n;
  g->h = h;
  double **arrs[] = {EXP_ARRAYS(g)};
  bool ok = true;
  for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++) ok = ok && (*arrs[k] = cz_calloc(n, sizeof(double)));
  ok = ok && (g->R = cz_calloc(n, sizeof *g->R)) && (g->r = cz_calloc(n, sizeof *g->r));
  if (!ok) {
    destroy(g);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu iaf_psc_exp neurons", n);
  }
  *out = g;
  return CZ_OK;
}

static cz_status set_params(void *p, size_t i, const cz_param_src *src, const char *where) {
  iaf_exp *g = p;
  CZ_TRY(cz_param_check_known(src, k_params, "iaf_psc_exp", where));
  cz_iaf_voltages v;
  double C_m, tau_m, t_ref, I_e, tau_ex, tau_in;
  CZ_TRY(cz_iaf_read_voltages(src, false, where, &v));
  CZ_TRY(cz_param_number(src, "C_m", 250.0, &C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_m", 10.0, &tau_m, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 2.0, &t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &I_e, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_ex", 2.0, &tau_ex, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_syn_in", 2.0, &tau_in, NULL, where));
  CZ_TRY(cz_iaf_check(C_m, tau_m, t_ref, v.V_reset, v.V_th, where));
  CZ_CHECK(tau_ex > 0 && tau_in > 0, CZ_ERR_CONFIG, "%s: synaptic time constants tau_syn_ex/in must be > 0", where);
  const double h = g->h;
  g->P11_ex[i] = exp(-h / tau_ex);
  g->P11_in[i] = exp(-h / tau_in);
  g->P22[i] = exp(-h / tau_m);
  g->P20[i] = -tau_m / C_m * expm1(-h / tau_m);
  g->P21_ex[i] = cz_exp_propagator(tau_ex, tau_m, C_m, h);
  g->P21_in[i] = cz_exp_propagator(tau_in, tau_m, C_m, h);
  g->I_e[i] = I_e;
  g->V_th[i] = v.V_th;
  g->V_reset[i] = v.V_reset;
  g->E_L[i] = v.E_L;
  g->R[i] = cz_model_refractory_steps(t_ref, h);
  g->y3[i] = v.V_m;
  return CZ_OK;
}

static size_t update(void *p, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)tid;
  iaf_exp *g = p;
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    double y3 = g->y3[i];
    if (g->r[i] == 0)
      y3 = y3 * g->P22[i] + g->i_ex[i] * g->P21_ex[i] + g->i_in[i] * g->P21_in[i] + (g->I_e[i] + g->y0[i]) * g->P20[i];
    else
      g->r[i]--;
    g->i_ex[i] = g->i_ex[i] * g->P11_ex[i] + ch0[i];
    g->i_in[i] = g->i_in[i] * g->P11_in[i] + ch1[i];
    ch0[i] = 0.0;
    ch1[i] = 0.0;
    if (y3 >= g->V_th[i]) {
      g->r[i] = g->R[i];
      y3 = g->V_reset[i];
      fired[nf++] = (uint32_t)i;
    }
    g->y3[i] = y3;
    g->y0[i] = i_stim[i];
  }
  return nf;
}

static double v_m(const void *p, size_t i) {
  const iaf_exp *g = p;
  return g->y3[i] + g->E_L[i];
}

const cz_model_kind cz_iaf_psc_exp = {"iaf_psc_exp", k_params, true, create, set_params, update, v_m, destroy};
