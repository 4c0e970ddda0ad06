#include "bionet/mechanisms/hh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "bionet/mechanisms/mech_math.h"

cz_status cz_hh_alloc(cz_hh *mech, size_t n) {
  memset(mech, 0, sizeof *mech);
  mech->n = n;
  double **cols[] = {&mech->gnabar, &mech->gkbar, &mech->gl, &mech->el, &mech->ena, &mech->ek,
                     &mech->m,      &mech->h,     &mech->nk};
  const double init[] = {0.12, 0.036, 0.0003, -54.3, 50.0, -77.0, 0, 0, 0};
  CZ_NEW(mech->node, n);
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
    CZ_NEW(*cols[c], n);
    for (size_t k = 0; k < n; k++) (*cols[c])[k] = init[c];
  }
  return CZ_OK;
}

void cz_hh_free(cz_hh *mech) {
  free(mech->node);
  double *cols[] = {mech->gnabar, mech->gkbar, mech->gl, mech->el, mech->ena, mech->ek, mech->m, mech->h, mech->nk};
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) free(cols[c]);
  memset(mech, 0, sizeof *mech);
}

typedef struct hh_rates {
  double minf, mtau, hinf, htau, ninf, ntau;
} hh_rates;

static hh_rates rates(double v, double celsius) {
  hh_rates r;
  const double q10 = pow(3.0, (celsius - 6.3) / 10.0);
  double alpha = 0.1 * cz_vtrap(-(v + 40.0), 10.0), beta = 4.0 * cz_nrn_exp(-(v + 65.0) / 18.0);
  double sum = alpha + beta;
  r.mtau = 1.0 / (q10 * sum);
  r.minf = alpha / sum;
  alpha = 0.07 * cz_nrn_exp(-(v + 65.0) / 20.0);
  beta = 1.0 / (cz_nrn_exp(-(v + 35.0) / 10.0) + 1.0);
  sum = alpha + beta;
  r.htau = 1.0 / (q10 * sum);
  r.hinf = alpha / sum;
  alpha = 0.01 * cz_vtrap(-(v + 55.0), 10.0);
  beta = 0.125 * cz_nrn_exp(-(v + 65.0) / 80.0);
  sum = alpha + beta;
  r.ntau = 1.0 / (q10 * sum);
  r.ninf = alpha / sum;
  return r;
}

void cz_hh_init(cz_hh *mech, const cz_cable *c, double celsius) {
  for (size_t k = 0; k < mech->n; k++) {
    const hh_rates r = rates(c->v[mech->node[k]], celsius);
    mech->m[k] = r.minf;
    mech->h[k] = r.hinf;
    mech->nk[k] = r.ninf;
  }
}

/* The channel's total current at v with the gates as they are (mA/cm²). */
static double hh_current_at(const cz_hh *mech, size_t k, double v) {
  const double m = mech->m[k], h = mech->h[k], n = mech->nk[k];
  const double ina = mech->gnabar[k] * m * m * m * h * (v - mech->ena[k]);
  const double ik = mech->gkbar[k] * n * n * n * n * (v - mech->ek[k]);
  const double il = mech->gl[k] * (v - mech->el[k]);
  return ina + ik + il;
}

void cz_hh_current(const cz_hh *mech, cz_cable *c) {
  for (size_t k = 0; k < mech->n; k++) {
    const uint32_t i = mech->node[k];
    const double i_dv = hh_current_at(mech, k, c->v[i] + CZ_NRN_DV), i_v = hh_current_at(mech, k, c->v[i]);
    c->rhs[i] -= i_v;
    c->d[i] += (i_dv - i_v) / CZ_NRN_DV;
  }
}

void cz_hh_state(cz_hh *mech, const cz_cable *c, double dt, double celsius) {
  for (size_t k = 0; k < mech->n; k++) {
    const hh_rates r = rates(c->v[mech->node[k]], celsius);
    mech->m[k] = cz_cnexp(mech->m[k], r.minf, r.mtau, dt);
    mech->h[k] = cz_cnexp(mech->h[k], r.hinf, r.htau, dt);
    mech->nk[k] = cz_cnexp(mech->nk[k], r.ninf, r.ntau, dt);
  }
}
