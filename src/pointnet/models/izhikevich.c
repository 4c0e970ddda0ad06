/* izhikevich: Izhikevich's simple model (2003) with NEST's semantics. Each step, forward Euler
 * on the old values (consistent_integration, the default):
 *   v += h (0.04 v^2 + 5 v + 140 - u + I + I_e) + (synaptic input of the step, mV)
 *   u += h a (b v_old - u_old)
 * or, with consistent_integration false, the published scheme: two half steps of v with the
 * input inside, then u from the new v. v is bounded below by V_min; v >= V_th gives a spike,
 * v = c and u += d. The external current I latched at the end of a step acts in the next. No
 * refractory period. Weights add to v directly (one channel), as NEST's izhikevich does.
 * A new neuron starts at V_m = -65 mV and U_m = b V_m = -13 from the default b and V_m: NEST
 * computes U_m once, when it constructs the neuron from the defaults, and setting b or V_m
 * afterwards (as nest.Create(model, n, params) does) leaves U_m where it is. */
#include <float.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/models/model.h"

typedef struct izh {
  size_t n;
  double h;
  double *a, *b, *c, *d, *I_e, *V_th, *V_min; /* [n] */
  double *v, *u, *I;                           /* [n] state; I: current of the next step */
  bool *consistent;
} izh;

enum { DEFAULT_B = 0, DEFAULT_V_M = 1 };
static const double k_default[] = {[DEFAULT_B] = 0.2, [DEFAULT_V_M] = -65.0};

static const char *const k_params[] = {"a", "b", "c", "d", "I_e", "V_th", "V_min", "V_m", "U_m",
                                       "consistent_integration", NULL};

static void destroy(void *pv) {
  izh *m = pv;
  if (!m) return;
  double *arrs[] = {m->a, m->b, m->c, m->d, m->I_e, m->V_th, m->V_min, m->v, m->u, m->I};
  for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++) free(arrs[k]);
  free(m->consistent);
  free(m);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  izh *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m != NULL, CZ_ERR_NOMEM, "out of memory");
  m->n = n;
  m->h = h;
  const size_t k = n ? n : 1;
  double **arrs[] = {&m->a, &m->b, &m->c, &m->d, &m->I_e, &m->V_th, &m->V_min, &m->v, &m->u, &m->I};
  bool ok = (m->consistent = cz_calloc(k, sizeof *m->consistent)) != NULL;
  for (size_t j = 0; ok && j < sizeof arrs / sizeof arrs[0]; j++) ok = (*arrs[j] = cz_calloc(k, sizeof **arrs[j])) != NULL;
  if (!ok) {
    destroy(m);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu izhikevich neurons", n);
  }
  *out = m;
  return CZ_OK;
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  izh *m = pv;
  CZ_TRY(cz_param_check_known(src, k_params, "izhikevich", where));
  CZ_TRY(cz_param_number(src, "a", 0.02, &m->a[i], NULL, where));
  CZ_TRY(cz_param_number(src, "b", k_default[DEFAULT_B], &m->b[i], NULL, where));
  CZ_TRY(cz_param_number(src, "c", -65.0, &m->c[i], NULL, where));
  CZ_TRY(cz_param_number(src, "d", 8.0, &m->d[i], NULL, where));
  CZ_TRY(cz_param_number(src, "I_e", 0.0, &m->I_e[i], NULL, where));
  CZ_TRY(cz_param_number(src, "V_th", 30.0, &m->V_th[i], NULL, where));
  CZ_TRY(cz_param_number(src, "V_min", -DBL_MAX, &m->V_min[i], NULL, where));
  CZ_TRY(cz_param_number(src, "V_m", k_default[DEFAULT_V_M], &m->v[i], NULL, where));
  CZ_TRY(cz_param_number(src, "U_m", k_default[DEFAULT_B] * k_default[DEFAULT_V_M], &m->u[i], NULL, where));
  CZ_TRY(cz_param_bool(src, "consistent_integration", true, &m->consistent[i], where));
  return CZ_OK;
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)ch1;
  (void)tid;
  izh *m = pv;
  const double h = m->h;
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    double v = m->v[i], u = m->u[i];
    const double drive = m->I[i] + m->I_e[i], syn = ch0[i];
    if (m->consistent[i]) {
      const double v_old = v, u_old = u;
      v += h * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + drive) + syn;
      u += h * m->a[i] * (m->b[i] * v_old - u_old);
    } else {
      v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + drive + syn);
      v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + drive + syn);
      u += h * m->a[i] * (m->b[i] * v - u);
    }
    if (v < m->V_min[i]) v = m->V_min[i];
    if (v >= m->V_th[i]) {
      v = m->c[i];
      u += m->d[i];
      fired[nf++] = (uint32_t)i;
    }
    m->v[i] = v;
    m->u[i] = u;
    ch0[i] = 0.0;
    m->I[i] = i_stim[i];
  }
  return nf;
}

static double v_m(const void *pv, size_t i) { return ((const izh *)pv)->v[i]; }

/* NEST's recordables of izhikevich, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "U_m", NULL};

static double record(const void *pv, size_t i, int var) {
  const izh *m = pv;
  return var == 1 ? m->u[i] : m->v[i];
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const izh *m = pv;
  const cz_named_value v[] = {{"a", m->a[i]},         {"b", m->b[i]},         {"c", m->c[i]},
                              {"d", m->d[i]},         {"I_e", m->I_e[i]},     {"V_th", m->V_th[i]},
                              {"V_min", m->V_min[i]}, {"V_m", m->v[i]},       {"U_m", m->u[i]},
                              {"consistent_integration", m->consistent[i]}};
  return cz_named_lookup(v, sizeof v / sizeof v[0], name, out);
}

const cz_model_kind cz_izhikevich = {.name = "izhikevich", .param_names = k_params, .split_sign = false,
                                     .create = create, .set_params = set_params, .update = update, .v_m = v_m,
                                     .recordables = k_recordables, .record = record, .get = get, .destroy = destroy};
