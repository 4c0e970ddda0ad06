#include "bionet/seg_shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define CZ_PI 3.14159265358979323846

/* A section's 3-D points: the morphology's, or the stub line drawn for it. */
typedef struct sec_points {
  size_t n;
  const float *x, *y, *z;
  const double *arc;
  float sx[3], sy[3], sz[3]; /* a stub's start, middle and end */
  double sarc[3];
} sec_points;

static void first_last(const sec_points *p, double first[3], double last[3]) {
  first[0] = p->x[0], first[1] = p->y[0], first[2] = p->z[0];
  last[0] = p->x[p->n - 1], last[1] = p->y[p->n - 1], last[2] = p->z[p->n - 1];
}

/* The number of sections hanging from (parent, x), and the rank of s among them, the newest
 * (highest index) first. */
static void siblings(const cz_morph *m, size_t s, size_t *count, size_t *rank) {
  *count = 0;
  *rank = 0;
  for (size_t o = 0; o < m->nsec; o++) {
    if (m->parent[o] != m->parent[s] || m->parentx[o] != m->parentx[s]) continue;
    ++*count;
    if (o > s) ++*rank;
  }
}

/* The line define_shape draws for stub s hanging from a parent with points pp. */
static void draw_stub(const cz_morph *m, size_t s, const sec_points *pp, sec_points *out) {
  const size_t par = (size_t)m->parent[s];
  const double x = m->parentx[s];
  double first[3], last[3];
  first_last(pp, first, last);
  float start[3];
  for (int k = 0; k < 3; k++) start[k] = (float)(first[k] + x * (last[k] - first[k]));
  double theta = m->type[par] == 1 ? 0.0 : atan2(last[1] - first[1], last[0] - first[0]);
  if (x < 0.5) theta += CZ_PI;
  if (x > 0 && x < 1) theta += CZ_PI / 2;
  size_t n = 0, rank = 0;
  siblings(m, s, &n, &rank);
  if (n > 1) theta += 0.8 * (double)rank / (double)(n - 1) - 0.4;
  const float c = (float)cos(theta), sn = (float)sin(theta), L = (float)m->L[s];
  for (int k = 0; k < 3; k++) {
    const float f = 0.5f * (float)k;
    out->sx[k] = start[0] + f * L * c;
    out->sy[k] = start[1] + f * L * sn;
    out->sz[k] = start[2];
    out->sarc[k] = 0.5 * (double)k * m->L[s];
  }
  out->n = 3;
  out->x = out->sx, out->y = out->sy, out->z = out->sz, out->arc = out->sarc;
}

/* The point at normalised arc u of a section (np.interp: clamped at the ends). */
static void point_at(const sec_points *p, double u, double out[3]) {
  const double total = p->arc[p->n - 1];
  const double a = u * total;
  size_t j = 0;
  while (j + 2 < p->n && p->arc[j + 1] < a) j++;
  double f = 0;
  if (p->n > 1 && p->arc[j + 1] > p->arc[j]) f = (a - p->arc[j]) / (p->arc[j + 1] - p->arc[j]);
  if (f < 0) f = 0;
  if (f > 1) f = 1;
  const size_t k = p->n > 1 ? j + 1 : j;
  out[0] = p->x[j] + f * ((double)p->x[k] - p->x[j]);
  out[1] = p->y[j] + f * ((double)p->y[k] - p->y[j]);
  out[2] = p->z[j] + f * ((double)p->z[k] - p->z[j]);
}

void cz_seg_shape_free(cz_seg_shape *s) {
  free(s->p0);
  free(s->p1);
  free(s->pc);
  free(s->diam);
  memset(s, 0, sizeof *s);
}

static void soma_centre(const cz_morph *m, double c[3]) {
  size_t n = 0;
  c[0] = c[1] = c[2] = 0;
  for (size_t s = 0; s < m->nsec; s++) {
    if (m->type[s] != 1) continue;
    for (size_t i = m->pt_off[s]; i < m->pt_off[s + 1]; i++, n++) c[0] += m->x[i], c[1] += m->y[i], c[2] += m->z[i];
  }
  for (int k = 0; n && k < 3; k++) c[k] /= (double)n;
}

cz_status cz_seg_shape_build(const cz_morph *m, const cz_bio_geom *g, cz_seg_shape *out) {
  memset(out, 0, sizeof *out);
  sec_points *pts = cz_calloc(m->nsec + 1, sizeof *pts);
  out->p0 = cz_calloc(3 * g->nseg_total + 1, sizeof *out->p0);
  out->p1 = cz_calloc(3 * g->nseg_total + 1, sizeof *out->p1);
  out->pc = cz_calloc(3 * g->nseg_total + 1, sizeof *out->pc);
  out->diam = cz_calloc(g->nseg_total + 1, sizeof *out->diam);
  cz_status st = pts && out->p0 && out->p1 && out->pc && out->diam ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  /* Parents precede their children, so a stub's parent has its points first. */
  for (size_t s = 0; st == CZ_OK && s < m->nsec; s++) {
    sec_points *p = &pts[s];
    p->n = m->pt_off[s + 1] - m->pt_off[s];
    p->x = m->x + m->pt_off[s], p->y = m->y + m->pt_off[s], p->z = m->z + m->pt_off[s], p->arc = m->arc + m->pt_off[s];
    if (p->n > 0) continue;
    if (m->parent[s] >= 0 && (size_t)m->parent[s] < s && pts[m->parent[s]].n > 0) draw_stub(m, s, &pts[m->parent[s]], p);
    else st = CZ_ERROR(CZ_ERR_FORMAT, "%s: section %zu has no 3-D points and no parent that has", m->path, s);
  }
  for (size_t s = 0; st == CZ_OK && s < m->nsec; s++) {
    const uint32_t nseg = g->nseg[s];
    for (uint32_t k = 0; k < nseg; k++) {
      const size_t i = g->seg_off[s] + k;
      point_at(&pts[s], (double)k / nseg, &out->p0[3 * i]);
      point_at(&pts[s], (double)(k + 1) / nseg, &out->p1[3 * i]);
      point_at(&pts[s], (k + 0.5) / nseg, &out->pc[3 * i]);
      out->diam[i] = g->diam[i];
    }
  }
  if (st == CZ_OK) {
    out->n = g->nseg_total;
    soma_centre(m, out->soma_centre);
  }
  free(pts);
  if (st != CZ_OK) cz_seg_shape_free(out);
  return st;
}
