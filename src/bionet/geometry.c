#include "bionet/geometry.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

#define CZ_PI 3.14159265358979323846
#define DEFAULT_RA 35.4 /* Ω·cm, NEURON's */

uint32_t cz_bio_nseg(double L, double dL) {
  if (!(dL > 0) || !isfinite(dL)) return 1;
  return 1 + 2 * (uint32_t)floor(L / (2.0 * dL));
}

/* The walk's cursor over a section's points: the current interval starts at point j, and the
 * last piece ended at (x1, y1). */
typedef struct profile_cursor {
  const double *s; /* arc lengths */
  const float *d;  /* diameters */
  size_t npt, j;
  double x1, y1;
  double rscale; /* 0.04 Ra / π: a piece's resistance per (δ / (y1 y2)) */
} profile_cursor;

typedef struct half_sums {
  double area, r, dsum;
} half_sums;

static void add_piece(half_sums *h, double rscale, double x1, double y1, double x2, double y2) {
  const double delta = fmax(x2 - x1, 1e-15);
  h->area += CZ_PI / 2 * (y1 + y2) * sqrt(delta * delta + (y2 - y1) / 2 * ((y2 - y1) / 2));
  double q = y1 * y2 / delta;
  if (q == 0) q = 1e-15;
  h->r += rscale / q;
  h->dsum += (y1 + y2) * (x2 - x1);
}

/* Walks the profile from the cursor up to arc e, piece by piece. */
static half_sums walk_to(profile_cursor *c, double e) {
  half_sums h = {0, 0, 0};
  for (;;) {
    const size_t j = c->j;
    const double sj = c->s[j], sn = c->s[j + 1];
    const double dj = fabs((double)c->d[j]), dn = fabs((double)c->d[j + 1]);
    if (sn > e || j + 2 == c->npt) {
      const double f = fabs(sn - sj) < 1e-10 ? 1.0 : (e - sj) / (sn - sj);
      const double y2 = (1 - f) * dj + f * dn;
      add_piece(&h, c->rscale, c->x1, c->y1, e, y2);
      c->x1 = e;
      c->y1 = y2;
      return h;
    }
    add_piece(&h, c->rscale, c->x1, c->y1, sn, dn);
    c->x1 = sn;
    c->y1 = dn;
    c->j = j + 1;
  }
}

/* Segments [g->seg_off[s], +nseg) of section s with 3-D points. */
static void profile_segments(const cz_morph *m, size_t s, double Ra, cz_bio_geom *g) {
  const size_t a = m->pt_off[s], nseg = g->nseg[s], k0 = g->seg_off[s];
  profile_cursor c = {.s = &m->arc[a], .d = &m->d[a], .npt = m->pt_off[s + 1] - a, .rscale = 0.04 * Ra / CZ_PI};
  c.x1 = c.s[0];
  c.y1 = fabs((double)c.d[0]);
  const double dx = m->L[s] / (double)nseg;
  for (size_t k = 0; k < nseg; k++) {
    const half_sums left = walk_to(&c, ((double)k + 0.5) * dx);
    const half_sums right = walk_to(&c, ((double)k + 1.0) * dx);
    g->area[k0 + k] = left.area + right.area;
    g->ri_left[k0 + k] = left.r;
    g->ri_right[k0 + k] = right.r;
    g->diam[k0 + k] = (left.dsum + right.dsum) / (2 * dx);
  }
}

/* Segments of a section without 3-D points: cylinders. */
static void cylinder_segments(const cz_morph *m, size_t s, double Ra, cz_bio_geom *g) {
  const size_t nseg = g->nseg[s], k0 = g->seg_off[s];
  const double d = m->cyl_diam[s], dx = m->L[s] / (double)nseg;
  const double r = 0.01 * Ra * (dx / 2) / (CZ_PI * d * d / 4);
  for (size_t k = 0; k < nseg; k++) {
    g->area[k0 + k] = CZ_PI * d * dx;
    g->ri_left[k0 + k] = g->ri_right[k0 + k] = r;
    g->diam[k0 + k] = d;
  }
}

static cz_status alloc_geom(cz_bio_geom *g, const cz_morph *m, double dL) {
  g->nsec = m->nsec;
  CZ_NEW(g->nseg, m->nsec);
  CZ_NEW(g->seg_off, m->nsec + 1);
  for (size_t s = 0; s < m->nsec; s++) {
    g->nseg[s] = cz_bio_nseg(m->L[s], dL);
    g->seg_off[s + 1] = g->seg_off[s] + g->nseg[s];
  }
  g->nseg_total = g->seg_off[m->nsec];
  CZ_NEW(g->area, g->nseg_total);
  CZ_NEW(g->diam, g->nseg_total);
  CZ_NEW(g->ri_left, g->nseg_total);
  CZ_NEW(g->ri_right, g->nseg_total);
  return CZ_OK;
}

cz_status cz_bio_geom_build(const cz_morph *m, double dL, const double *Ra, cz_bio_geom **out) {
  *out = NULL;
  cz_bio_geom *g = cz_calloc(1, sizeof *g);
  CZ_CHECK(g, CZ_ERR_NOMEM, "out of memory");
  const cz_status st = alloc_geom(g, m, dL);
  if (st != CZ_OK) {
    cz_bio_geom_free(&g);
    return st;
  }
  for (size_t s = 0; s < m->nsec; s++) {
    const double ra = Ra ? Ra[s] : DEFAULT_RA;
    if (m->pt_off[s + 1] - m->pt_off[s] >= 2) profile_segments(m, s, ra, g);
    else cylinder_segments(m, s, ra, g);
  }
  *out = g;
  return CZ_OK;
}

double cz_bio_mean_diam(const cz_morph *m, size_t s) {
  const size_t a = m->pt_off[s], npt = m->pt_off[s + 1] - a;
  if (npt < 2) return m->cyl_diam[s];
  profile_cursor c = {.s = &m->arc[a], .d = &m->d[a], .npt = npt, .rscale = 0};
  c.x1 = c.s[0];
  c.y1 = fabs((double)c.d[0]);
  const half_sums left = walk_to(&c, 0.5 * m->L[s]), right = walk_to(&c, m->L[s]);
  return (left.dsum + right.dsum) / (2 * m->L[s]);
}

double cz_bio_geom_total_area(const cz_bio_geom *g) {
  double a = 0;
  for (size_t k = 0; k < g->nseg_total; k++) a += g->area[k];
  return a;
}

void cz_bio_geom_free(cz_bio_geom **g) {
  if (!g || !*g) return;
  cz_bio_geom *x = *g;
  free(x->nseg);
  free(x->seg_off);
  free(x->area);
  free(x->diam);
  free(x->ri_left);
  free(x->ri_right);
  free(x);
  *g = NULL;
}
