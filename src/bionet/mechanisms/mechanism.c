#include "bionet/mechanisms/mechanism.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "bionet/mechanisms/exp_lanes.h"
#include "bionet/mechanisms/kinds.h"

const cz_units cz_units_modern = {96485.33212331001, 8.31446261815324, 96485.33212331001};
const cz_units cz_units_legacy = {96485.309, 8.3134, 96485.3};

/* NEURON's order of mechanisms (§4.13): built-ins, CaDynamics (it writes a concentration), then
 * the mod files by file name. */
static const cz_mech_kind *const k_order[] = {
    &cz_mech_pas,  &cz_mech_hh,  &cz_mech_CaDynamics, &cz_mech_Ca_HVA, &cz_mech_Ca_LVA, &cz_mech_Ih,
    &cz_mech_Im,   &cz_mech_Im_v2, &cz_mech_K_P,      &cz_mech_K_T,    &cz_mech_Kd,     &cz_mech_Kv2like,
    &cz_mech_Kv3_1, &cz_mech_NaTa, &cz_mech_NaTs,     &cz_mech_NaV,    &cz_mech_Nap,    &cz_mech_SK,
};
#define NKINDS (sizeof k_order / sizeof *k_order)
_Static_assert(NKINDS <= CZ_MECH_MAX_KINDS, "raise CZ_MECH_MAX_KINDS");

#ifdef CZ_HAVE_MECH_LANES
/* The vector build, in the same order (the kinds with one build as they are). */
static const cz_mech_kind *const k_order_lanes[] = {
    &cz_mech_pas,          &cz_mech_hh,           &cz_mech_CaDynamics_lanes, &cz_mech_Ca_HVA_lanes,
    &cz_mech_Ca_LVA_lanes, &cz_mech_Ih_lanes,     &cz_mech_Im_lanes,      &cz_mech_Im_v2_lanes,
    &cz_mech_K_P_lanes,    &cz_mech_K_T_lanes,    &cz_mech_Kd_lanes,      &cz_mech_Kv2like_lanes,
    &cz_mech_Kv3_1_lanes,  &cz_mech_NaTa_lanes,   &cz_mech_NaTs_lanes,    &cz_mech_NaV_lanes,
    &cz_mech_Nap_lanes,    &cz_mech_SK,
};
_Static_assert(sizeof k_order_lanes == sizeof k_order, "the vector build lists every kind");
#endif

static pthread_once_t choose_once = PTHREAD_ONCE_INIT;
static const cz_mech_kind *const *k_active = k_order;
static const char *k_why = "";

static void choose_build(void) {
#ifdef CZ_HAVE_MECH_LANES
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    k_why = "scalar channel kernels: the CPU lacks AVX2 or FMA";
  } else if (!cz_exp_lanes_agree()) {
    k_why = "scalar channel kernels: this libm's exp is not the one exp by lanes reproduces";
  } else {
    k_active = k_order_lanes;
    k_why = "vector channel kernels (AVX2, FMA, exp by lanes, the same bits as libm's)";
  }
#else
  k_why = "scalar channel kernels: built without a vector build";
#endif
}

static const cz_mech_kind *const *active(void) {
  pthread_once(&choose_once, choose_build);
  return k_active;
}

bool cz_mech_vector_kernels(const char **why) {
  const bool vector = active() != k_order;
  if (why) *why = k_why;
  return vector;
}

const cz_mech_kind *cz_mech_kind_build(int order, bool vector) {
  if (order < 0 || (size_t)order >= NKINDS) return NULL;
  if (!vector) return k_order[order];
#ifdef CZ_HAVE_MECH_LANES
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return k_order_lanes[order];
#endif
  return NULL;
}

int cz_mech_nkinds(void) { return (int)NKINDS; }

const cz_mech_kind *cz_mech_kind_at(int order) { return order >= 0 && (size_t)order < NKINDS ? active()[order] : NULL; }

const cz_mech_kind *cz_mech_find(const char *name) {
  const cz_mech_kind *const *kinds = active();
  for (size_t k = 0; k < NKINDS; k++)
    if (strcmp(kinds[k]->name, name) == 0) return kinds[k];
  return NULL;
}

/* Either build's kind has its rank (tests hold kinds of both). */
int cz_mech_order(const cz_mech_kind *kind) {
  for (size_t k = 0; k < NKINDS; k++)
    if (k_order[k] == kind) return (int)k;
#ifdef CZ_HAVE_MECH_LANES
  for (size_t k = 0; k < NKINDS; k++)
    if (k_order_lanes[k] == kind) return (int)k;
#endif
  return (int)NKINDS;
}

int cz_mech_param_index(const cz_mech_kind *k, const char *name) {
  for (size_t i = 0; i < k->nparam; i++)
    if (strcmp(k->param[i], name) == 0) return (int)i;
  return -1;
}

int cz_mech_state_index(const cz_mech_kind *k, const char *name) {
  for (size_t i = 0; i < k->nstate; i++)
    if (strcmp(k->state[i], name) == 0) return (int)i;
  return -1;
}

cz_status cz_mech_alloc(cz_mech *m, const cz_mech_kind *k, size_t n) {
  memset(m, 0, sizeof *m);
  m->kind = k;
  m->n = m->cap = n;
  CZ_NEW(m->node, n);
  for (size_t p = 0; p < k->nparam; p++) {
    CZ_NEW(m->p[p], n);
    for (size_t i = 0; i < n; i++) m->p[p][i] = k->param_default[p];
  }
  for (size_t s = 0; s < k->nstate; s++) CZ_NEW(m->s[s], n);
  return CZ_OK;
}

/* Room for exactly cap instances (cap >= n). */
static cz_status resize_instances(cz_mech *m, size_t cap) {
  {
    uint32_t *nodes = realloc(m->node, cap * sizeof *nodes);
    CZ_CHECK(nodes, CZ_ERR_NOMEM, "out of memory");
    m->node = nodes;
    double **cols[CZ_MECH_MAX_PARAMS + CZ_MECH_MAX_STATES];
    size_t ncols = 0;
    for (size_t p = 0; p < m->kind->nparam; p++) cols[ncols++] = &m->p[p];
    for (size_t s = 0; s < m->kind->nstate; s++) cols[ncols++] = &m->s[s];
    for (size_t c = 0; c < ncols; c++) {
      double *col = realloc(*cols[c], cap * sizeof *col);
      CZ_CHECK(col, CZ_ERR_NOMEM, "out of memory");
      *cols[c] = col;
    }
    m->cap = cap;
  }
  return CZ_OK;
}

cz_status cz_mech_fit(cz_mech *m) { return m->n && m->n < m->cap ? resize_instances(m, m->n) : CZ_OK; }

cz_status cz_mech_append(cz_mech *m, uint32_t node, const double *params) {
  if (m->n == m->cap) CZ_TRY(resize_instances(m, m->cap ? 2 * m->cap : 64));
  const size_t k = m->n++;
  m->node[k] = node;
  for (size_t p = 0; p < m->kind->nparam; p++) m->p[p][k] = params[p];
  for (size_t s = 0; s < m->kind->nstate; s++) m->s[s][k] = 0;
  return CZ_OK;
}

/* Instances by node: the cable's nodes are numbered so that the kernels then go through memory
 * in order (one instance of a kind per node, so the order changes no node's sums). */
cz_status cz_mech_renumber(cz_mech *m, const uint32_t *new_of_old, size_t nnodes) {
  if (m->n == 0) return CZ_OK;
  uint32_t *at = cz_calloc(nnodes + 1, sizeof *at); /* at[new node] = instance + 1 */
  double *tmp = cz_calloc(m->n, sizeof *tmp);
  uint32_t *order = cz_calloc(m->n, sizeof *order);
  cz_status st = at && tmp && order ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < m->n; k++) {
    const uint32_t i = new_of_old[m->node[k]];
    if (at[i]) st = CZ_ERROR(CZ_ERR_INTERNAL, "%s: two instances at cable node %u", m->kind->name, i);
    at[i] = (uint32_t)k + 1;
  }
  size_t n = 0;
  for (size_t i = 0; st == CZ_OK && i < nnodes; i++)
    if (at[i]) order[n++] = at[i] - 1;
  for (size_t k = 0; st == CZ_OK && k < m->n; k++) at[k] = new_of_old[m->node[order[k]]]; /* at is done with */
  if (st == CZ_OK) memcpy(m->node, at, m->n * sizeof *m->node);
  double *cols[CZ_MECH_MAX_PARAMS + CZ_MECH_MAX_STATES];
  size_t ncols = 0;
  for (size_t p = 0; p < m->kind->nparam; p++) cols[ncols++] = m->p[p];
  for (size_t s = 0; s < m->kind->nstate; s++) cols[ncols++] = m->s[s];
  for (size_t c = 0; st == CZ_OK && c < ncols; c++) {
    for (size_t k = 0; k < m->n; k++) tmp[k] = cols[c][order[k]];
    memcpy(cols[c], tmp, m->n * sizeof *tmp);
  }
  free(at);
  free(tmp);
  free(order);
  return st;
}

void cz_mech_free(cz_mech *m) {
  free(m->node);
  for (size_t p = 0; p < CZ_MECH_MAX_PARAMS; p++) free(m->p[p]);
  for (size_t s = 0; s < CZ_MECH_MAX_STATES; s++) free(m->s[s]);
  memset(m, 0, sizeof *m);
}

cz_status cz_ions_alloc(cz_ions *ions, size_t n) {
  memset(ions, 0, sizeof *ions);
  ions->n = n;
  double **cols[] = {&ions->ena, &ions->ek, &ions->eca, &ions->cai, &ions->cao, &ions->ina, &ions->ik, &ions->ica};
  const double init[] = {50.0, -77.0, 12.5 * log(2.0 / 5e-5), 5e-5, 2.0, 0, 0, 0};
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
    CZ_NEW(*cols[c], n);
    for (size_t i = 0; i < n; i++) (*cols[c])[i] = init[c];
  }
  CZ_NEW(ions->ca_state, n);
  return CZ_OK;
}

void cz_ions_free(cz_ions *ions) {
  double *cols[] = {ions->ena, ions->ek, ions->eca, ions->cai, ions->cao, ions->ina, ions->ik, ions->ica};
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) free(cols[c]);
  free(ions->ca_state);
  free(ions->active);
  memset(ions, 0, sizeof *ions);
}

double cz_nernst(double ci, double co, int z, double celsius, const cz_units *u) {
  if (ci <= 0) return 1e6;
  if (co <= 0) return -1e6;
  return 1000.0 * u->gas_r * (celsius + 273.15) / u->faraday / z * log(co / ci);
}

void cz_ions_begin_currents(cz_ions *ions, double celsius, const cz_units *u) {
  if (ions->active) {
    for (size_t k = 0; k < ions->nactive; k++) {
      const uint32_t i = ions->active[k];
      ions->ina[i] = ions->ik[i] = ions->ica[i] = 0;
      if (ions->ca_state[i]) ions->eca[i] = cz_nernst(ions->cai[i], ions->cao[i], 2, celsius, u);
    }
    return;
  }
  memset(ions->ina, 0, ions->n * sizeof *ions->ina);
  memset(ions->ik, 0, ions->n * sizeof *ions->ik);
  memset(ions->ica, 0, ions->n * sizeof *ions->ica);
  for (size_t i = 0; i < ions->n; i++)
    if (ions->ca_state[i]) ions->eca[i] = cz_nernst(ions->cai[i], ions->cao[i], 2, celsius, u);
}

/* The kernels ask for it at every instance and step with the run's one temperature and a few
 * reference temperatures: the last few answers are kept per thread. */
double cz_mech_q(double celsius, double t_ref) {
  enum { KEPT = 8 };
  static _Thread_local double kept_celsius[KEPT], kept_t_ref[KEPT], kept_q[KEPT];
  static _Thread_local int nkept, next;
  for (int k = 0; k < nkept; k++)
    if (kept_celsius[k] == celsius && kept_t_ref[k] == t_ref) return kept_q[k];
  const double q = pow(2.3, (celsius - t_ref) / 10.0);
  kept_celsius[next] = celsius;
  kept_t_ref[next] = t_ref;
  kept_q[next] = q;
  next = (next + 1) % KEPT;
  if (nkept < KEPT) nkept++;
  return q;
}
