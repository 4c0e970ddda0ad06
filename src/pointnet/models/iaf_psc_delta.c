/* iaf_psc_delta: leaky integrate-and-fire with delta-shaped synaptic input (NEST semantics).
 * State y3 = V_m - E_L, y0 = external current. Per step, when not refractory,
 *   y3 = P30 (y0 + I_e) + P33 y3 + (sum of weights arriving this step, mV), floored at V_min;
 * while refractory input is dropped (or, with refractory_input, buffered with decay and
 * added when the refractory period ends). Threshold test is >=. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"

typedef struct iaf_delta {
  size_t n;
  double h;
  double *P33, *P30, *I_e, *V_th, *V_reset, *V_min, *E_L, *tau_m, *C_m, *t_ref;
  int32_t *R;
  bool *refr_input;
  bool any_refr_input;
  double *y3, *y0, *refr_buf;
  int32_t *r;
} iaf_delta;

static const char *const k_params[] = {"V_m", "E_L", "C_m", "tau_m", "t_ref", "V_th", "V_reset", "V_min", "I_e",
                                       "refractory_input", NULL};

#define DELTA_ARRAYS(g)                                                                                \
  &(g)->P33, &(g)->P30, &(g)->I_e, &(g)->V_th, &(g)->V_reset, &(g)->V_min, &(g)->E_L, &(g)->tau_m, &(g)->y3, \
      &(g)->y0, &(g)->refr_buf, &(g)->C_m, &(g)->t_ref

static void destroy(void *p) {
  iaf_delta *g = p;
  if (!g) return;
  double **arrs[] = {DELTA_ARRAYS(g)};
  cz_iaf_free_arrays(arrs, sizeof arrs / sizeof arrs[0], g->R, g->r);
  free(g->refr_input);
  free(g);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  iaf_delta *g = cz_calloc(1, sizeof *g);
  CZ_CHECK(g != NULL, CZ_ERR_NOMEM, "out of memory");
  g->n = n;
  g->h = h;
  double **arrs[] = {DELTA_ARRAYS(g)};
  if (!cz_iaf_alloc_arrays(arrs, sizeof arrs / sizeof arrs[0], &g->R, &g->r, n) ||
      !(g->refr_input = cz_calloc(n, sizeof *g->refr_input))) {
    destroy(g);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu iaf_psc_delta neurons", n);
  }
  *out = g;
  return CZ_OK;
}

static cz_status set_params(void *p, size_t i, const cz_param_src *src, const char *where) {
  iaf_delta *g = p;
  CZ_TRY(cz_param_check_known(src, k_params, "iaf_psc_delta", where));
  cz_iaf_voltages v;
  double C_m, tau_m, t_ref, I_e;
  bool refr;
  CZ_TRY(cz_iaf_read_voltages(src, true, where, &v));
  CZ_TRY(cz_param_number(src, "C_m", 250.0, &C_m, NULL, where));
  CZ_TRY(cz_param_number(src, "tau_m", 10.0, &tau_m, NULL, where));
  CZ_TRY(cz_param_number(src, "t_ref", 2.0, &t_ref, NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &I_e, NULL, where));
  CZ_TRY(cz_param_bool(src, "refractory_input", false, &refr, where));
  CZ_TRY(cz_iaf_check(C_m, tau_m, t_ref, v.V_reset, v.V_th, where));
  g->P33[i] = exp(-g->h / tau_m);
  g->P30[i] = -tau_m / C_m * expm1(-g->h / tau_m);
  g->I_e[i] = I_e;
  g->V_th[i] = v.V_th;
  g->V_reset[i] = v.V_reset;
  g->V_min[i] = v.V_min;
  g->E_L[i] = v.E_L;
  g->tau_m[i] = tau_m;
  g->C_m[i] = C_m;
  g->t_ref[i] = t_ref;
  g->R[i] = cz_model_refractory_steps(t_ref, g->h);
  g->refr_input[i] = refr;
  g->any_refr_input = g->any_refr_input || refr;
  g->y3[i] = v.V_m;
  return CZ_OK;
}

/* Neurons without refractory input run a branch-free vectorisable pass; the threshold test
 * follows in a second pass. refractory_input neurons take the general path. */
static void update_plain(iaf_delta *g, size_t i0, size_t i1, double *in, const double *i_stim) {
  double *restrict y3 = g->y3, *restrict y0 = g->y0, *restrict buf = in;
  int32_t *restrict r = g->r;
  const double *restrict P30 = g->P30, *restrict P33 = g->P33, *restrict I_e = g->I_e, *restrict V_min = g->V_min;
  const double *restrict stim = i_stim;
#pragma omp simd
  for (size_t i = i0; i < i1; i++) {
    double v = P30[i] * (y0[i] + I_e[i]) + P33[i] * y3[i] + buf[i];
    v = v < V_min[i] ? V_min[i] : v;
    const bool refractory = r[i] > 0;
    y3[i] = refractory ? y3[i] : v;
    r[i] = refractory ? r[i] - 1 : r[i];
    buf[i] = 0.0;
    y0[i] = stim[i];
  }
}

static void update_refractory_input(iaf_delta *g, size_t i, double *in, const double *i_stim) {
  double y3 = g->y3[i];
  if (g->r[i] == 0) {
    y3 = g->P30[i] * (g->y0[i] + g->I_e[i]) + g->P33[i] * y3 + in[i];
    if (g->refr_buf[i] != 0.0) {
      y3 += g->refr_buf[i];
      g->refr_buf[i] = 0.0;
    }
    if (y3 < g->V_min[i]) y3 = g->V_min[i];
  } else {
    g->refr_buf[i] += in[i] * exp(-g->r[i] * g->h / g->tau_m[i]);
    g->r[i]--;
  }
  in[i] = 0.0;
  g->y3[i] = y3;
  g->y0[i] = i_stim[i];
}

static size_t update(void *p, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)ch1;
  (void)tid;
  iaf_delta *g = p;
  if (g->any_refr_input) {
    for (size_t i = i0; i < i1; i++) {
      if (g->refr_input[i]) update_refractory_input(g, i, ch0, i_stim);
      else update_plain(g, i, i + 1, ch0, i_stim);
    }
  } else {
    update_plain(g, i0, i1, ch0, i_stim);
  }
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    if (g->y3[i] >= g->V_th[i]) {
      g->r[i] = g->R[i];
      g->y3[i] = g->V_reset[i];
      fired[nf++] = (uint32_t)i;
    }
  }
  return nf;
}

static double v_m(const void *p, size_t i) {
  const iaf_delta *g = p;
  return g->y3[i] + g->E_L[i];
}

/* NEST's recordables of iaf_psc_delta. */
static const char *const k_recordables[] = {"V_m", NULL};

static double record(const void *p, size_t i, int var) {
  (void)var;
  const iaf_delta *g = p;
  return g->y3[i] + g->E_L[i];
}

static bool get(const void *p, size_t i, const char *name, double *out) {
  const iaf_delta *g = p;
  const double E_L = g->E_L[i];
  const cz_named_value v[] = {{"V_m", g->y3[i] + E_L},         {"E_L", E_L},
                              {"C_m", g->C_m[i]},              {"tau_m", g->tau_m[i]},
                              {"t_ref", g->t_ref[i]},          {"V_th", g->V_th[i] + E_L},
                              {"V_reset", g->V_reset[i] + E_L}, {"V_min", g->V_min[i] + E_L},
                              {"I_e", g->I_e[i]},              {"refractory_input", g->refr_input[i]}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_iaf_psc_delta = {.name = "iaf_psc_delta", .param_names = k_params, .split_sign = false, .create = create,
                                   .set_params = set_params, .update = update, .v_m = v_m, .recordables = k_recordables,
                                   .record = record, .get = get, .destroy = destroy};
