/* glif_psc: the Allen GLIF neurons (models/glif_common.h) with alpha-shaped currents on
 * several receptor ports, with NEST's semantics. In a step that is not refractory the
 * membrane moves between the shared before/after parts by V = V_old P33 + (I + ASC) P30 plus
 * the alpha propagators of every port; while refractory V holds. Then each port's alpha current
 * advances and takes the step's input (e / tau_syn per pA); the external current latched now
 * acts in the next step. Port k (1-based receptor_type) reads the ring row k - 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "pointnet/models/glif_common.h"
#include "pointnet/models/iaf_common.h"
#include "pointnet/models/model.h"

enum { MAX_PORTS = CZ_GLIF_MAX_PORTS };

typedef struct glif_neuron {
  cz_glif_mech m;
  int nports;
  double tau_syn[MAX_PORTS];
  double P33, P30, P11[MAX_PORTS], P21[MAX_PORTS], P31[MAX_PORTS], P32[MAX_PORTS], psc0[MAX_PORTS];
  double I, I_syn, y1[MAX_PORTS], y2[MAX_PORTS];
} glif_neuron;

typedef struct glif {
  size_t n;
  double h;
  glif_neuron *N;
} glif;

static const char *const k_params[] = {
    "V_m",          "V_th",           "g",              "g_m",        "E_L",      "C_m",      "t_ref",
    "V_reset",      "th_spike_add",   "th_spike_decay", "voltage_reset_fraction", "voltage_reset_add",
    "th_voltage_index", "th_voltage_decay", "asc_init", "asc_decay",  "asc_amps", "asc_r",
    "tau_syn",      "spike_dependent_threshold", "after_spike_currents", "adapting_threshold", "ASCurrents", "threshold_spike",
    "threshold_voltage", NULL};

static void destroy(void *pv) {
  glif *m = pv;
  if (!m) return;
  free(m->N);
  free(m);
}

static cz_status create(size_t n, double h, int nthreads, void **out) {
  (void)nthreads;
  glif *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m != NULL, CZ_ERR_NOMEM, "out of memory");
  m->n = n;
  m->h = h;
  if (!(m->N = cz_calloc(n ? n : 1, sizeof *m->N))) {
    destroy(m);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory creating %zu glif_psc neurons", n);
  }
  *out = m;
  return CZ_OK;
}

/* NEST's membrane and alpha-current propagators for step h. */
static void propagators(glif_neuron *p, const double *tau_syn, double h) {
  const double tau = p->m.C_m / p->m.G;
  p->P33 = exp(-h / tau);
  p->P30 = 1.0 / p->m.C_m * (1.0 - p->P33) * tau;
  for (int k = 0; k < p->nports; k++) {
    p->P11[k] = exp(-h / tau_syn[k]);
    p->P21[k] = h * p->P11[k];
    cz_alpha_propagators(tau_syn[k], tau, p->m.C_m, h, &p->P31[k], &p->P32[k]);
    p->psc0[k] = M_E / tau_syn[k];
  }
}

static cz_status set_params(void *pv, size_t i, const cz_param_src *src, const char *where) {
  glif *m = pv;
  CZ_TRY(cz_param_check_known(src, k_params, "glif_psc", where));
  glif_neuron *p = &m->N[i];
  memset(p, 0, sizeof *p);
  CZ_TRY(cz_glif_mech_read(src, m->h, &p->m, where));
  double tau_syn[MAX_PORTS];
  static const double tau0[] = {2.0};
  CZ_TRY(cz_glif_number_list(src, "tau_syn", tau0, 1, MAX_PORTS, tau_syn, &p->nports, where));
  CZ_CHECK(p->nports >= 1, CZ_ERR_CONFIG, "%s: tau_syn must list at least one receptor port", where);
  for (int k = 0; k < p->nports; k++)
    CZ_CHECK(tau_syn[k] > 0, CZ_ERR_CONFIG, "%s: tau_syn values must be > 0", where);
  propagators(p, tau_syn, m->h);
  memcpy(p->tau_syn, tau_syn, sizeof tau_syn);
  return CZ_OK;
}

/* One step of a neuron that is not refractory; returns whether it fires. */
static bool integrate(glif_neuron *p) {
  cz_glif_mech *g = &p->m;
  const double v_old = g->U;
  cz_glif_before_v(g);
  g->U = v_old * p->P33 + (p->I + g->asc_sum) * p->P30;
  p->I_syn = 0.0;
  for (int k = 0; k < p->nports; k++) {
    g->U += p->P31[k] * p->y1[k] + p->P32[k] * p->y2[k];
    p->I_syn += p->y2[k];
  }
  return cz_glif_after_v(g, v_old, p->I);
}

static size_t update(void *pv, size_t i0, size_t i1, double *ch0, double *ch1, const double *i_stim, uint32_t *fired,
                     int tid) {
  (void)tid;
  glif *m = pv;
  const ptrdiff_t stride = ch1 ? ch1 - ch0 : 0;
  size_t nf = 0;
  for (size_t i = i0; i < i1; i++) {
    glif_neuron *p = &m->N[i];
    if (p->m.refr == 0) {
      if (integrate(p)) fired[nf++] = (uint32_t)i;
    } else {
      p->m.refr--;
      cz_glif_refractory_threshold(&p->m);
    }
    for (int k = 0; k < p->nports; k++) {
      double *in = ch0 + k * stride + i;
      p->y2[k] = p->P21[k] * p->y1[k] + p->P11[k] * p->y2[k];
      p->y1[k] = p->y1[k] * p->P11[k] + p->psc0[k] * *in;
      *in = 0.0;
    }
    p->I = i_stim[i];
  }
  return nf;
}

static int nports(const void *pv, size_t i) { return ((const glif *)pv)->N[i].nports; }

static double v_m(const void *pv, size_t i) {
  const glif_neuron *p = &((const glif *)pv)->N[i];
  return p->m.U + p->m.E_L;
}

/* NEST's recordables of glif_psc, in the order of k_recordables. */
static const char *const k_recordables[] = {"V_m", "ASCurrents_sum", "I_syn", "threshold", NULL};

static double record(const void *pv, size_t i, int var) {
  const glif_neuron *p = &((const glif *)pv)->N[i];
  switch (var) {
  case 1: return p->m.asc_sum;
  case 2: return p->I_syn;
  case 3: return p->m.threshold + p->m.E_L;
  default: return p->m.U + p->m.E_L;
  }
}

static bool get(const void *pv, size_t i, const char *name, double *out) {
  const glif_neuron *p = &((const glif *)pv)->N[i];
  if (strcmp(name, "I_syn") == 0) {
    *out = p->I_syn;
    return true;
  }
  return cz_glif_mech_get(&p->m, name, out) || cz_named_list_lookup("tau_syn", p->tau_syn, p->nports, name, out);
}

const cz_model_kind cz_glif_psc = {.name = "glif_psc", .param_names = k_params, .split_sign = false, .create = create,
                                   .set_params = set_params, .update = update, .v_m = v_m,
                                   .recordables = k_recordables, .record = record, .nports = nports,
                                   .get = get, .destroy = destroy};
