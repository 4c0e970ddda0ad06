/* iaf_psc_exp: leaky integrate-and-fire with exponentially decaying synaptic currents (NEST
 * semantics). Per step: V advances with the old currents (when not refractory), then each
 * current decays and this step's weights (pA) are added to it directly. Threshold >=. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"

typedef struct iaf_exp {
  size_t n;
  double h;
  double *P11_ex, *P11_in, *P21_ex, *P21_in, *P20, *P22, *I_e, *V_th, *V_reset, *E_L;
  double *C_m, *tau_m, *t_ref, *tau_ex, *tau_in; /* as given, for get */
  int32_t *R;
  double *i_ex, *i_in, *y3, *y0;
  int32_t *r;
} iaf_exp;

static const char *const k_params[] = {"V_m", "E_L", "C_m", "tau_m", "t_ref", "V_th", "V_reset", "I_e",
                                       "tau_syn_ex", "tau_syn_in", NULL};

#define EXP_ARRAYS(g)                                                                                      \
  &(g)->P11_ex, &(g)->P11_in, &(g)->P21_ex, &(g)->P21_in, &(g)->P20, &(g)->P22, &(g)->I_e, &(g)->V_th,     \
      &(g)->V_reset, &(g)->E_L, &(g)->i_ex, &(g)->i_in, &(g)->y3, &(g)->y0, \
      &(g)->C_m, &(g)->tau_m, &(g)->t_ref, &(g)->tau_ex, &(g)->tau_in

static void destroy(void *p) {
  iaf_exp *g = p;
  if (!g) return;
  double **arrs[] = {EXP_ARRAYS(g)};
  cz_iaf_free_arrays(arrs, sizeof arrs / sizeof arrs[0], g->R, g->r);
  free(g);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  iaf_exp *g = cz_calloc(1, sizeof *g);
  CZ_CHECK(g != NULL, CZ_ERR_NOMEM, "out of memory");
  g->n = n;
  g->h = h;
  double **arrs[] = {EXP_ARRAYS(g)};
  if (!cz_iaf_alloc_arrays(arrs, sizeof arrs / sizeof arrs[0], &g->R, &g->r, n)) {
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
  g->C_m[i] = C_m;
  g->tau_m[i] = tau_m;
  g->t_ref[i] = t_ref;
  g->tau_ex[i] = tau_ex;
  g->tau_in[i] = tau_in;
  return CZ_OK;
}

/* Two passes, as in iaf_psc_alpha: a branch-free vectorisable sub-threshold pass, then the
 * threshold test. */
static size_t update(void *p, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)tid;
  iaf_exp *g = p;
  double *restrict y3 = g->y3, *restrict y0 = g->y0, *restrict ie = g->i_ex, *restrict ii = g->i_in;
  double *restrict in_ex = ch0, *restrict in_in = ch1;
  int32_t *restrict r = g->r;
  const double *restrict P22 = g->P22, *restrict P21e = g->P21_ex, *restrict P21i = g->P21_in, *restrict P20 = g->P20;
  const double *restrict P11e = g->P11_ex, *restrict P11i = g->P11_in, *restrict I_e = g->I_e, *restrict stim = i_stim;
#pragma omp simd
  for (size_t i = i0; i < i1; i++) {
    const double v = y3[i] * P22[i] + ie[i] * P21e[i] + ii[i] * P21i[i] + (I_e[i] + y0[i]) * P20[i];
    const bool refractory = r[i] > 0;
    y3[i] = refractory ? y3[i] : v;
    r[i] = refractory ? r[i] - 1 : r[i];
    ie[i] = ie[i] * P11e[i] + in_ex[i];
    ii[i] = ii[i] * P11i[i] + in_in[i];
    in_ex[i] = 0.0;
    in_in[i] = 0.0;
    y0[i] = stim[i];
  }
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    if (y3[i] >= g->V_th[i]) {
      r[i] = g->R[i];
      y3[i] = g->V_reset[i];
      fired[nf++] = (uint32_t)i;
    }
  }
  return nf;
}

static double v_m(const void *p, size_t i) {
  const iaf_exp *g = p;
  return g->y3[i] + g->E_L[i];
}

/* NEST's recordables of iaf_psc_exp, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "I_syn_ex", "I_syn_in", NULL};

static double record(const void *p, size_t i, int var) {
  const iaf_exp *g = p;
  switch (var) {
  case 1: return g->i_ex[i];
  case 2: return g->i_in[i];
  default: return g->y3[i] + g->E_L[i];
  }
}

static bool get(const void *p, size_t i, const char *name, double *out) {
  const iaf_exp *g = p;
  const double E_L = g->E_L[i];
  const cz_named_value v[] = {
      {"V_m", g->y3[i] + E_L}, {"E_L", E_L}, {"C_m", g->C_m[i]}, {"tau_m", g->tau_m[i]}, {"t_ref", g->t_ref[i]},
      {"V_th", g->V_th[i] + E_L}, {"V_reset", g->V_reset[i] + E_L}, {"I_e", g->I_e[i]},
      {"tau_syn_ex", g->tau_ex[i]}, {"tau_syn_in", g->tau_in[i]}, {"I_syn_ex", g->i_ex[i]}, {"I_syn_in", g->i_in[i]}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_iaf_psc_exp = {.name = "iaf_psc_exp", .param_names = k_params, .split_sign = true, .create = create,
                                   .set_params = set_params, .update = update, .v_m = v_m, .recordables = k_recordables,
                                   .record = record, .get = get, .destroy = destroy};
