#include "filternet/kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum { BUMP_LAGS = 600 };
#define BUMP_B 0.3

/* ------------------------------------------------------------------ temporal */

/* Bump i normalised: Bn[t - 1] for t = 1 .. 600. */
static void bump(double kpeak, double *bn) {
  const double D = log(200.3) - log(100.3), centre = log(kpeak);
  for (int t = 1; t <= BUMP_LAGS; t++) {
    double v = (log((double)t + BUMP_B) - centre) * M_PI / D / 2.0;
    v = v < -M_PI ? -M_PI : v > M_PI ? M_PI : v;
    bn[t - 1] = (cos(v) + 1.0) / 2.0;
  }
  double ss = 0;
  for (int t = BUMP_LAGS; t >= 1; t--) ss += bn[t - 1] * bn[t - 1];
  const double norm = sqrt(ss);
  for (int t = 0; t < BUMP_LAGS; t++) bn[t] /= norm;
}

static void normalise(double *c, size_t n) {
  double ss = 0;
  for (size_t j = 0; j < n; j++) ss += c[j] * c[j];
  const double norm = sqrt(ss);
  if (norm > 0)
    for (size_t j = 0; j < n; j++) c[j] /= norm;
}

cz_status cz_fn_temporal_kernel(const double w[2], const double kpeaks[2], const double delays[2], double **k,
                                size_t *n) {
  *k = NULL;
  CZ_CHECK(kpeaks[0] > 0 && kpeaks[0] < kpeaks[1] && isfinite(kpeaks[1]), CZ_ERR_CONFIG,
           "the kernel's peaks (%g, %g ms) must be positive and increasing", kpeaks[0], kpeaks[1]);
  CZ_CHECK(w[0] > 0 && isfinite(w[1]), CZ_ERR_CONFIG, "the kernel's first weight (%g) must be positive", w[0]);
  CZ_CHECK(delays[0] >= 0 && delays[0] <= delays[1] && delays[1] < 1e5, CZ_ERR_CONFIG,
           "the kernel's delays (%g, %g ms) must be >= 0 and not decreasing", delays[0], delays[1]);
  const size_t d0 = (size_t)delays[0], d1 = (size_t)delays[1], L = BUMP_LAGS + d0;
  double b0[BUMP_LAGS], b1[BUMP_LAGS];
  bump(kpeaks[0], b0);
  bump(kpeaks[1], b1);
  double *c0 = cz_calloc(L, sizeof *c0), *c1 = cz_calloc(L, sizeof *c1);
  cz_status st = c0 && c1 ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) {
    for (size_t j = d0; j < L; j++) c0[j] = b0[j - d0];
    const size_t keep = BUMP_LAGS - (d1 - d0 < BUMP_LAGS ? d1 - d0 : BUMP_LAGS);
    for (size_t j = d1; j < L && j - d1 < keep; j++) c1[j] = b1[j - d1];
    normalise(c0, L);
    normalise(c1, L);
    if (!(*k = cz_calloc(L, sizeof **k))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t j = 0; st == CZ_OK && j < L; j++) (*k)[j] = w[0] * c0[j] + w[1] * c1[j];
  free(c0);
  free(c1);
  *n = L;
  return st;
}

cz_status cz_fn_temporal_resample(const double *k, size_t n, double fr, size_t T, double **out, size_t *nout) {
  const double last = (double)(n - 1) * 0.001, step = 1.0 / fr;
  size_t m = 0;
  while (m < T && (double)m * step <= last) m++;
  CZ_NEW(*out, m + 1);
  for (size_t i = 0; i < m; i++) {
    const double x = (double)i * step;
    size_t j = (size_t)floor(x / 0.001); /* theta_j <= x < theta_{j+1}, as numpy's search finds */
    while (j + 1 < n && (double)(j + 1) * 0.001 <= x) j++;
    while (j > 0 && (double)j * 0.001 > x) j--;
    const double xj = (double)j * 0.001;
    if (j + 1 >= n || x == xj) (*out)[i] = x == xj ? k[j] : k[n - 1];
    else (*out)[i] = (k[j + 1] - k[j]) / ((double)(j + 1) * 0.001 - xj) * (x - xj) + k[j];
  }
  *nout = m;
  return CZ_OK;
}

/* ------------------------------------------------------------------ spatial */

/* scipy's gaussian_filter1d along one axis of W (n lines of len values, stride between
 * neighbours, line_stride between lines): truncate 4, 'nearest' edges, symmetric taps. */
static cz_status blur(double *W, size_t len, size_t stride, size_t nlines, size_t line_stride, double s) {
  if (!(s > 1e-15)) return CZ_OK;
  const size_t rho = (size_t)floor(4.0 * s + 0.5);
  double *g = cz_calloc(rho + 1, sizeof *g), *line = cz_calloc(len, sizeof *line);
  CZ_CHECK(g && line, CZ_ERR_NOMEM, "out of memory");
  double sum = 0;
  for (size_t k = 0; k <= rho; k++) g[k] = exp(-0.5 / (s * s) * (double)(k * k));
  for (size_t k = rho; k > 0; k--) sum += 2 * g[k];
  sum += g[0];
  for (size_t k = 0; k <= rho; k++) g[k] /= sum;
  for (size_t l = 0; l < nlines; l++) {
    double *p = W + l * line_stride;
    for (size_t i = 0; i < len; i++) line[i] = p[i * stride];
    for (size_t i = 0; i < len; i++) {
      double acc = line[i] * g[0];
      for (size_t k = 1; k <= rho; k++) {
        const size_t up = i + k < len ? i + k : len - 1, down = i >= k ? i - k : 0;
        acc += (line[up] + line[down]) * g[k];
      }
      p[i * stride] = acc;
    }
  }
  free(g);
  free(line);
  return CZ_OK;
}

/* W[u][v] with zero off the array. */
static double at(const double *W, size_t C, size_t R, double u, double v) {
  if (u < 0 || v < 0 || u > (double)(C - 1) || v > (double)(R - 1)) return 0.0;
  return W[(size_t)u * R + (size_t)v];
}

static double sample(const double *W, size_t C, size_t R, double up, double vp) {
  const double u0 = floor(up), u1 = ceil(up), v0 = floor(vp), v1 = ceil(vp);
  const double du = up - u0, dv = vp - v0;
  const double top = (1 - dv) * at(W, C, R, u0, v0) + dv * at(W, C, R, u0, v1);
  const double bot = (1 - dv) * at(W, C, R, u1, v0) + dv * at(W, C, R, u1, v1);
  return (1 - du) * top + du * bot;
}

static void seed(double *W, size_t C, size_t R) {
  const size_t u_hi = C / 2, v_hi = R / 2;
  const size_t u_lo = C % 2 ? u_hi : u_hi - 1, v_lo = R % 2 ? v_hi : v_hi - 1;
  for (size_t u = u_lo; u <= u_hi; u++)
    for (size_t v = v_lo; v <= v_hi; v++) W[u * R + v] = 0.25;
}

/* G = W moved to (x, y) and rotated; the box of its nonzeros, normalised. */
static cz_status place(const cz_fn_movie *m, const double *W, double x, double y, double rot, cz_fn_spatial *out) {
  const size_t R = m->R, C = m->C;
  double *G = cz_calloc(R * C, sizeof *G);
  CZ_CHECK(G, CZ_ERR_NOMEM, "out of memory");
  const double a = -y / m->rp + m->rmid / m->rp, b = -x / m->cp + m->cmid / m->cp;
  const double th = rot * M_PI / 180.0, ct = cos(th), st = sin(th), hR = (double)R / 2.0, hC = (double)C / 2.0;
  size_t r0 = R, r1 = 0, c0 = C, c1 = 0;
  double sum = 0;
  for (size_t u = 0; u < C; u++)
    for (size_t v = 0; v < R; v++) {
      const double X = (double)v + a - hR, Y = (double)u + b - hC;
      const double g = sample(W, C, R, hC + st * X + ct * Y, hR + ct * X - st * Y);
      G[v * C + u] = g;
      if (g != 0) {
        sum += g;
        r0 = v < r0 ? v : r0, r1 = v > r1 ? v : r1, c0 = u < c0 ? u : c0, c1 = u > c1 ? u : c1;
      }
    }
  cz_status st2 = sum != 0 ? CZ_OK
                           : CZ_ERROR(CZ_ERR_CONFIG, "the receptive field at (%g, %g) lies wholly off the screen", x, y);
  if (st2 == CZ_OK) {
    out->r0 = r0, out->c0 = c0, out->nr = r1 - r0 + 1, out->nc = c1 - c0 + 1;
    out->w = cz_calloc(out->nr * out->nc, sizeof *out->w);
    if (!out->w) st2 = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t r = 0; st2 == CZ_OK && r < out->nr; r++)
    for (size_t c = 0; c < out->nc; c++) out->w[r * out->nc + c] = G[(r0 + r) * C + c0 + c] / fabs(sum);
  free(G);
  return st2;
}

cz_status cz_fn_spatial_kernel(const cz_fn_movie *m, double sx, double sy, double x, double y, double rot,
                               cz_fn_spatial *out) {
  memset(out, 0, sizeof *out);
  const size_t R = m->R, C = m->C;
  double *W = cz_calloc(R * C, sizeof *W);
  CZ_CHECK(W, CZ_ERR_NOMEM, "out of memory");
  seed(W, C, R);
  cz_status st = blur(W, C, R, R, 1, sx / m->cp); /* along u (columns): W[u][v] lines over v */
  if (st == CZ_OK) st = blur(W, R, 1, C, R, sy / m->rp);
  if (st == CZ_OK) st = place(m, W, x, y, rot, out);
  free(W);
  return st;
}

void cz_fn_spatial_free(cz_fn_spatial *s) {
  free(s->w);
  memset(s, 0, sizeof *s);
}
