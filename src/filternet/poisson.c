#include "filternet/poisson.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static cz_status push(cz_fn_train *tr, double t) {
  CZ_RESERVE(tr->t, tr->cap, tr->n + 1);
  tr->t[tr->n++] = t;
  return CZ_OK;
}

bool cz_fn_needs_fallback(const double *t_s, const double *f, size_t n) {
  if (n < 2) return false;
  const double dT = t_s[1] * 1000.0 - t_s[0] * 1000.0;
  return !(f[0] / 1000.0 * dT > 0);
}

cz_status cz_fn_train_fast(uint32_t seed, const double *t_s, const double *f, size_t n, cz_fn_train *out) {
  cz_mt19937 r;
  cz_mt_seed_python(&r, seed);
  double B = 1;
  for (size_t k = 0; k + 1 < n; k++) {
    const double T0 = t_s[k] * 1000.0, dT = t_s[k + 1] * 1000.0 - T0;
    const double a = f[k] / 1000.0 * dT;
    if (a > 0) B = a <= 0.1 ? 1.0 : ceil(a / 0.1);
    const double h = dT / B, p = a / B;
    double t = T0;
    for (double b = 0; b < B; b++) {
      if (cz_mt_res53(&r) < p) CZ_TRY(push(out, t + cz_mt_res53(&r) * h));
      t = t + h;
    }
  }
  return CZ_OK;
}

cz_status cz_fn_train_fallback(cz_mt19937 *g, const double *t_s, const double *f, size_t n, cz_fn_train *out) {
  const uint32_t seed2 = cz_mt_randint(g, 10000);
  cz_mt_seed(g, seed2);
  for (size_t k = 0; k + 1 < n; k++) {
    if (!(f[k] > 0)) continue;
    const double scale = 1.0 / f[k];
    double t = t_s[k], e = cz_mt_exponential(g) * scale + 0.0;
    while (t + e <= t_s[k + 1]) {
      CZ_TRY(push(out, (t + e) * 1000.0));
      t = t + e;
      e = cz_mt_exponential(g) * scale + 0.0;
    }
  }
  return CZ_OK;
}

void cz_fn_train_free(cz_fn_train *t) {
  free(t->t);
  memset(t, 0, sizeof *t);
}
