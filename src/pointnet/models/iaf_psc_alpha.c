/* iaf_psc_alpha: leaky integrate-and-fire with alpha-shaped synaptic currents (NEST 2.x
 * semantics, the ones BMTK's references were made with; sonata-spec 3.4). Exact integration:
 * the membrane is advanced with the propagators of the old synaptic state, then the synaptic
 * states are advanced and this step's input enters dI (normalised so that a weight w in pA
 * peaks at w after tau_syn). While refractory V is clamped but currents keep evolving. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"

typedef struct iaf_alpha {
  size_t n;
  double h;
  /* propagators and parameters */
  double *P11_ex, *P21_ex, *P31_ex, *P32_ex, *P11_in, *P21_in, *P31_in, *P32_in;
  double *P30, *P33, *I_e, *V_th, *V_reset, *V_min, *E_L, *norm_ex, *norm_in;
  double *C_m, *tau_m, *t_ref, *tau_ex, *tau_in; /* as given, for get */
  int32_t *R;
  /* state */
  double *dI_ex, *I_ex, *dI_in, *I_in, *y3, *y0;
  int32_t *r;
} iaf_alpha;

static const char *const k_params[] = {"V_m", "E_L", "C_m", "tau_m", "t_ref", "V_th", "V_reset", "V_min", "I_e",
                                       "tau_syn_ex", "tau_syn_in", NULL};

#define ALPHA_ARRAYS(g)                                                                                       \
  &(g)->P11_ex, &(g)->P21_ex, &(g)->P31_ex, &(g)->P32_ex, &(g)->P11_in, &(g)->P21_in, &(g)->P31_in,          \
      &(g)->P32_in, &(g)->P30, &(g)->P33, &(g)->I_e, &(g)->V_th, &(g)->V_reset, &(g)->V_min, &(g)->E_L,       \
      &(g)->norm_ex, &(g)->norm_in, &(g)->dI_ex, &(g)->I_ex, &(g)->dI_in, &(g)->I_in, &(g)->y3, &(g)->y0, \
      &(g)->C_m, &(g)->tau_m, &(g)->t_ref, &(g)->tau_ex, &(g)->tau_in

static void destroy(void *p) {
  iaf_alpha *g = p;
  if (!g) return;
  double **arrs[] = {ALPHA_ARRAYS(g)};
  cz_iaf_free_arrays(arrs, sizeof arrs / sizeof arrs[0], g->R, g->r);
  free(g);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  iaf_alpha *g = cz_calloc(1, sizeof *g);
  CZ_CHECK(g != NULL, CZ_ERR_NOMEM, "out of memory");
  g->n = n;
  g->h = h;
  double **arrs[] = {ALPHA_ARRAYS(g)};
  if (!cz_iaf_alloc_arrays(arrs, sizeof arrs / sizeof arrs[0], &g->R, &g->r, n)) {
    destroy(g);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu iaf_psc_alpha neurons", n);
  }
  *out = g;
  return CZ_OK;
}

static cz_status set_params(void *p, size_t i, const cz_param_src *src, const char *where) {
  iaf_alpha *g = p;
  CZ_TRY(cz_param_check_known(src, k_params, "iaf_psc_alpha", where));
  cz_iaf_voltages v;
  double C_m, tau_m, t_ref, I_e, tau_ex, tau_in;
  CZ_TRY(cz_iaf_read_voltages(src, true, where, &v));
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
  g->P21_ex[i] = h * g->P11_ex[i];
  g->P11_in[i] = exp(-h / tau_in);
  g->P21_in[i] = h * g->P11_in[i];
  cz_alpha_propagators(tau_ex, tau_m, C_m, h, &g->P31_ex[i], &g->P32_ex[i]);
  cz_alpha_propagators(tau_in, tau_m, C_m, h, &g->P31_in[i], &g->P32_in[i]);
  g->P33[i] = exp(-h / tau_m);
  g->P30[i] = -tau_m / C_m * expm1(-h / tau_m);
  g->norm_ex[i] = M_E / tau_ex;
  g->norm_in[i] = M_E / tau_in;
  g->I_e[i] = I_e;
  g->V_th[i] = v.V_th;
  g->V_reset[i] = v.V_reset;
  g->V_min[i] = v.V_min;
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

/* Two passes: the first advances every neuron below threshold and is written without
 * branches or aliasing so the compiler vectorises it; the second finds threshold crossings.
 * The arithmetic is the same as one fused loop, operation for operation. */
static size_t update(void *p, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)tid;
  iaf_alpha *g = p;
  double *restrict y3 = g->y3, *restrict y0 = g->y0, *restrict dIe = g->dI_ex, *restrict Ie = g->I_ex;
  double *restrict dIi = g->dI_in, *restrict Ii = g->I_in, *restrict in_ex = ch0, *restrict in_in = ch1;
  int32_t *restrict r = g->r;
  const double *restrict P30 = g->P30, *restrict P33 = g->P33, *restrict I_e = g->I_e, *restrict V_min = g->V_min;
  const double *restrict P11e = g->P11_ex, *restrict P21e = g->P21_ex, *restrict P31e = g->P31_ex, *restrict P32e = g->P32_ex;
  const double *restrict P11i = g->P11_in, *restrict P21i = g->P21_in, *restrict P31i = g->P31_in, *restrict P32i = g->P32_in;
  const double *restrict ne = g->norm_ex, *restrict ni = g->norm_in, *restrict stim = i_stim;
#pragma omp simd
  for (size_t i = i0; i < i1; i++) {
    double v = P30[i] * (y0[i] + I_e[i]) + P31e[i] * dIe[i] + P32e[i] * Ie[i] + P31i[i] * dIi[i] + P32i[i] * Ii[i] +
               P33[i] * y3[i];
    v = v < V_min[i] ? V_min[i] : v;
    const bool refractory = r[i] > 0;
    y3[i] = refractory ? y3[i] : v;
    r[i] = refractory ? r[i] - 1 : r[i];
    Ie[i] = P21e[i] * dIe[i] + P11e[i] * Ie[i];
    dIe[i] = dIe[i] * P11e[i] + ne[i] * in_ex[i];
    Ii[i] = P21i[i] * dIi[i] + P11i[i] * Ii[i];
    dIi[i] = dIi[i] * P11i[i] + ni[i] * in_in[i];
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
  const iaf_alpha *g = p;
  return g->y3[i] + g->E_L[i];
}

/* NEST's recordables of iaf_psc_alpha, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "I_syn_ex", "I_syn_in", NULL};

static double record(const void *p, size_t i, int var) {
  const iaf_alpha *g = p;
  switch (var) {
  case 1: return g->I_ex[i];
  case 2: return g->I_in[i];
  default: return g->y3[i] + g->E_L[i];
  }
}

static bool get(const void *p, size_t i, const char *name, double *out) {
  const iaf_alpha *g = p;
  const double E_L = g->E_L[i];
  const cz_named_value v[] = {
      {"V_m", g->y3[i] + E_L}, {"E_L", E_L}, {"C_m", g->C_m[i]}, {"tau_m", g->tau_m[i]}, {"t_ref", g->t_ref[i]},
      {"V_th", g->V_th[i] + E_L}, {"V_reset", g->V_reset[i] + E_L}, {"V_min", g->V_min[i] + E_L},
      {"I_e", g->I_e[i]}, {"tau_syn_ex", g->tau_ex[i]}, {"tau_syn_in", g->tau_in[i]}, {"I_syn_ex", g->I_ex[i]},
      {"I_syn_in", g->I_in[i]}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_iaf_psc_alpha = {.name = "iaf_psc_alpha", .param_names = k_params, .split_sign = true, .create = create,
                                   .set_params = set_params, .update = update, .v_m = v_m, .recordables = k_recordables,
                                   .record = record, .get = get, .destroy = destroy};
