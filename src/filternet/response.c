#include "filternet/response.h"

#include <math.h>
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "base/mem.h"

#define SAME_TIME 1e-12 /* s: BMTK's test for a time on a frame */

/* sp[u][k]: every local unit's spatial sum on every frame, the movie played once. */
static cz_status play(cz_fn_movie *m, const cz_fn_cell *cells, size_t ncells, int nthreads, double **sp) {
  double *frame = cz_calloc(m->R * m->C, sizeof *frame);
  CZ_CHECK(frame, CZ_ERR_NOMEM, "out of memory");
  cz_status st = CZ_OK;
  for (size_t k = 0; st == CZ_OK && k < m->T; k++) {
    st = cz_fn_movie_frame(m, k, frame);
    if (st != CZ_OK) break;
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (size_t c = 0; c < ncells; c++)
      for (size_t u = 0; u < cells[c].nu; u++) {
        const cz_fn_spatial *s = &cells[c].u[u].s;
        double acc = 0;
        for (size_t r = 0; r < s->nr; r++) {
          const double *row = frame + (s->r0 + r) * m->C + s->c0, *w = s->w + r * s->nc;
          for (size_t q = 0; q < s->nc; q++) acc += w[q] * row[q];
        }
        sp[2 * c + u][k] = acc;
      }
  }
  free(frame);
  return st;
}

/* y = A (K * sp), causal. */
static void respond(const cz_fn_unit *u, const double *sp, size_t T, double *y) {
  for (size_t k = 0; k < T; k++) {
    const size_t top = k + 1 < u->ntk ? k + 1 : u->ntk;
    double acc = 0;
    for (size_t j = 0; j < top; j++) acc += u->tk[j] * sp[k - j];
    y[k] = u->amp * acc;
  }
}

/* A unit's linear response at time tau (s), as BMTK's non-separable path reads it off the
 * frames: 0 outside the movie, the frame's value on a frame, else linear between frames. */
static double response_at(const double *y, size_t T, double fr, double tau) {
  const double last = (double)(T - 1) * (1.0 / fr);
  if (tau < 0 || tau > last) return 0.0;
  const double q = tau * fr;
  size_t k0 = (size_t)floor(q), k1 = (size_t)ceil(q);
  if (k1 > T - 1) k1 = T - 1;
  if (k0 > k1) k0 = k1;
  const double t0 = (double)k0 / fr, t1 = (double)k1 / fr;
  if (fabs(t0 - tau) < SAME_TIME) return y[k0];
  if (fabs(t1 - tau) < SAME_TIME) return y[k1];
  return y[k0] * (1.0 - (tau - t0) / (t1 - t0)) + y[k1] * (1.0 - (t1 - tau) / (t1 - t0));
}

/* One cell's rates from its units' spatial sums; ybuf is scratch of 2 T. */
static void cell_rates(const cz_fn_movie *m, const cz_fn_cell *cell, double *const *sp, const cz_fn_grid *grid,
                       double *ybuf, double *rates) {
  const size_t T = m->T;
  for (size_t u = 0; u < cell->nu; u++) respond(&cell->u[u], sp[u], T, ybuf + u * T);
  for (size_t n = 0; n < grid->n; n++) {
    double y[2] = {0, 0};
    for (size_t u = 0; u < cell->nu; u++)
      y[u] = grid->on_frames ? ybuf[u * T + n] : response_at(ybuf + u * T, T, m->fr, grid->t[n]);
    rates[n] = cz_fn_rate(cell, y);
  }
}

cz_status cz_fn_rates(cz_fn_movie *m, const cz_fn_cell *cells, size_t ncells, const cz_fn_grid *grid, int nthreads,
                      double *rates) {
  const size_t T = m->T;
  double **sp = cz_calloc(2 * ncells + 1, sizeof *sp), *ybuf = cz_calloc(2 * T * (size_t)nthreads + 1, sizeof *ybuf);
  cz_status st = sp && ybuf ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < 2 * ncells; i++)
    if (!(sp[i] = cz_calloc(T, sizeof **sp))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = play(m, cells, ncells, nthreads, sp);
  if (st == CZ_OK) {
#pragma omp parallel for num_threads(nthreads) schedule(dynamic)
    for (size_t c = 0; c < ncells; c++) {
#ifdef _OPENMP
      const size_t tid = (size_t)omp_get_thread_num();
#else
      const size_t tid = 0;
#endif
      cell_rates(m, &cells[c], &sp[2 * c], grid, ybuf + 2 * T * tid, &rates[c * grid->n]);
    }
  }
  for (size_t i = 0; sp && i < 2 * ncells; i++) free(sp[i]);
  free(sp);
  free(ybuf);
  return st;
}
