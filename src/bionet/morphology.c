#include "bionet/morphology.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/swc.h"

/* A section as the importer first makes it: points first..last of the file, led by a copy of
 * the parent point unless it hangs from the root section. */
typedef struct raw_section {
  size_t first, last;
  int32_t parent; /* raw section */
  double parentx;
  bool lead;      /* the copy of the parent point leads the section's points */
  bool lead_diam_own; /* the copy takes the diameter of the section's first own point */
  bool removed;
} raw_section;

/* The importer's branch weights and connect-to-proximal marks, point by point. */
static void mark_branches(const cz_swc *sw, double *w, bool *to_proximal) {
  for (size_t i = 1; i < sw->n; i++) {
    const size_t p = (size_t)sw->parent[i];
    w[p] += 1;
    if (p + 1 != i) {
      w[p] += 0.01;
      if (p > 1 && sw->type[p] != 1 && sw->type[sw->parent[p]] == 1) {
        to_proximal[i] = true;
        w[p] = 1;
      }
    }
    if (sw->type[p] != sw->type[i]) w[p] += 0.01;
  }
}

/* Cuts the points into raw sections (runs of consecutive points) and wires each to its parent. */
static cz_status cut_sections(const cz_swc *sw, raw_section **out, size_t *nout) {
  double *w = NULL;
  bool *to_proximal = NULL;
  size_t *sec_of = NULL;
  raw_section *rs = NULL;
  cz_status st = CZ_OK;
  if (!(w = cz_calloc(sw->n, sizeof *w)) || !(to_proximal = cz_calloc(sw->n, sizeof *to_proximal)) ||
      !(sec_of = cz_calloc(sw->n, sizeof *sec_of)) || !(rs = cz_calloc(sw->n, sizeof *rs))) {
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    goto done;
  }
  mark_branches(sw, w, to_proximal);
  size_t k = 0;
  rs[0] = (raw_section){.first = 0, .last = 0, .parent = -1, .parentx = 0};
  for (size_t i = 1; i < sw->n; i++) {
    const size_t p = (size_t)sw->parent[i];
    if (w[p] > 1 || to_proximal[i]) {
      raw_section *s = &rs[++k];
      *s = (raw_section){.first = i, .last = i, .parent = (int32_t)sec_of[p], .parentx = 1, .lead = true};
      if (sec_of[p] == 0) {
        s->parentx = 0.5;
        s->lead = false;
      } else if (sw->type[p] == 1 && sw->type[i] != 1) {
        s->lead_diam_own = true;
      }
      if (to_proximal[i]) s->parentx = 0;
    }
    rs[k].last = i;
    sec_of[i] = k;
  }
  *out = rs;
  *nout = k + 1;
  rs = NULL;
done:
  free(w);
  free(to_proximal);
  free(sec_of);
  free(rs);
  return st;
}

/* The importer's clean-up: sections of one point, or of two at one place, go; their children
 * hang where they hung. */
static void remove_degenerate(const cz_swc *sw, raw_section *rs, size_t nraw) {
  for (size_t k = nraw; k-- > 1;) {
    const raw_section *s = &rs[k];
    const size_t n = s->last - s->first + 1 + (s->lead ? 1 : 0);
    bool degenerate = n <= 1;
    if (n == 2) {
      const size_t a = s->lead ? (size_t)sw->parent[s->first] : s->first, b = s->last;
      degenerate = sw->x[a] == sw->x[b] && sw->y[a] == sw->y[b] && sw->z[a] == sw->z[b];
    }
    if (!degenerate) continue;
    rs[k].removed = true;
    for (size_t c = k + 1; c < nraw; c++)
      if (rs[c].parent == (int32_t)k) {
        rs[c].parent = rs[k].parent;
        rs[c].parentx = rs[k].parentx;
      }
  }
}

/* A value as NEURON keeps a 3-D point's coordinate or diameter: printed with %g, read back as
 * a float. */
static float neuron_float(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%g", v);
  return strtof(buf, NULL);
}

static cz_status alloc_sections(cz_morph *m, size_t nsec, size_t npt) {
  CZ_NEW(m->type, nsec);
  CZ_NEW(m->index, nsec);
  CZ_NEW(m->parent, nsec);
  CZ_NEW(m->parentx, nsec);
  CZ_NEW(m->L, nsec);
  CZ_NEW(m->cyl_diam, nsec);
  CZ_NEW(m->pt_off, nsec + 1);
  CZ_NEW(m->x, npt);
  CZ_NEW(m->y, npt);
  CZ_NEW(m->z, npt);
  CZ_NEW(m->d, npt);
  CZ_NEW(m->arc, npt);
  return CZ_OK;
}

static void put_point(cz_morph *m, size_t at, double x, double y, double z, double d) {
  m->x[at] = neuron_float(x);
  m->y[at] = neuron_float(y);
  m->z[at] = neuron_float(z);
  m->d[at] = neuron_float(d);
}

/* Section s's 3-D points from raw section r, from m->pt_off[s] on; returns their count. */
static size_t put_points(cz_morph *m, size_t s, const cz_swc *sw, const raw_section *r) {
  size_t at = m->pt_off[s];
  const size_t own = r->last - r->first + 1;
  if (!r->lead && own == 1) { /* a one-point soma: a cylinder along x, as long as it is wide */
    const size_t i = r->first;
    const double d = 2.0 * (double)sw->r[i];
    put_point(m, at++, (double)sw->x[i] - d / 2, sw->y[i], sw->z[i], d);
    put_point(m, at++, sw->x[i], sw->y[i], sw->z[i], d);
    put_point(m, at++, (double)sw->x[i] + d / 2, sw->y[i], sw->z[i], d);
    return 3;
  }
  if (r->lead) {
    const size_t p = (size_t)sw->parent[r->first], dsrc = r->lead_diam_own ? r->first : p;
    put_point(m, at++, sw->x[p], sw->y[p], sw->z[p], 2.0 * (double)sw->r[dsrc]);
  }
  for (size_t i = r->first; i <= r->last; i++) put_point(m, at++, sw->x[i], sw->y[i], sw->z[i], 2.0 * (double)sw->r[i]);
  return at - m->pt_off[s];
}

/* Arc lengths: double square roots of float differences, summed in double. */
static void arc_lengths(cz_morph *m, size_t s) {
  const size_t a = m->pt_off[s], b = m->pt_off[s + 1];
  m->arc[a] = 0;
  for (size_t j = a + 1; j < b; j++) {
    const float dx = m->x[j] - m->x[j - 1], dy = m->y[j] - m->y[j - 1], dz = m->z[j] - m->z[j - 1];
    m->arc[j] = m->arc[j - 1] + sqrt((double)dx * dx + (double)dy * dy + (double)dz * dz);
  }
  m->L[s] = m->arc[b - 1];
}

/* The kept raw sections in NEURON's list order: by type ascending, each type in import order. */
static void list_order(const cz_swc *sw, const raw_section *rs, size_t nraw, size_t *order, size_t *nkept) {
  size_t n = 0;
  for (size_t k = 0; k < nraw; k++)
    if (!rs[k].removed) order[n++] = k;
  for (size_t i = 1; i < n; i++) { /* insertion sort: stable, and sections come nearly sorted */
    const size_t k = order[i];
    size_t j = i;
    while (j > 0 && sw->type[rs[order[j - 1]].first] > sw->type[rs[k].first]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = k;
  }
  *nkept = n;
}

static cz_status build_sections(cz_morph *m, const cz_swc *sw, const raw_section *rs, size_t nraw) {
  size_t *order = NULL, *final_of = NULL, nkept = 0;
  CZ_NEW(order, nraw);
  cz_status st = CZ_OK;
  if (!(final_of = cz_calloc(nraw, sizeof *final_of))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) list_order(sw, rs, nraw, order, &nkept);
  if (st == CZ_OK) st = alloc_sections(m, nkept, sw->n + 3 * nraw);
  if (st == CZ_OK) {
    m->nsec = m->nsec_imported = nkept;
    for (size_t s = 0; s < nkept; s++) final_of[order[s]] = s;
    uint32_t count[64] = {0}; /* per type, for the running index; other types counted below */
    for (size_t s = 0; s < nkept; s++) {
      const raw_section *r = &rs[order[s]];
      m->type[s] = sw->type[r->first];
      m->parent[s] = r->parent < 0 ? -1 : (int32_t)final_of[r->parent];
      m->parentx[s] = r->parentx;
      if (m->type[s] >= 0 && m->type[s] < 64) {
        m->index[s] = count[m->type[s]]++;
      } else {
        m->index[s] = 0;
        for (size_t q = 0; q < s; q++) m->index[s] += m->type[q] == m->type[s];
      }
      m->pt_off[s + 1] = m->pt_off[s] + put_points(m, s, sw, r);
      arc_lengths(m, s);
    }
  }
  free(order);
  free(final_of);
  return st;
}

static cz_status morph_from_swc(cz_morph *m, const cz_swc *sw) {
  CZ_CHECK(sw->type[0] == 1, CZ_ERR_FORMAT,
           "%s:%zu: the root point has type %d; a cell's root must be a soma point (type 1)", sw->path, sw->line[0],
           (int)sw->type[0]);
  raw_section *rs = NULL;
  size_t nraw = 0;
  CZ_TRY(cut_sections(sw, &rs, &nraw));
  remove_degenerate(sw, rs, nraw);
  const cz_status st = build_sections(m, sw, rs, nraw);
  free(rs);
  return st;
}

cz_status cz_morph_read(const char *path, cz_morph **out) {
  *out = NULL;
  cz_swc *sw = NULL;
  CZ_TRY(cz_swc_read(path, &sw));
  cz_morph *m = cz_calloc(1, sizeof *m);
  cz_status st = m ? cz_strdup(path, &m->path) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = morph_from_swc(m, sw);
  cz_swc_free(&sw);
  if (st != CZ_OK) {
    cz_morph_free(&m);
    return st;
  }
  *out = m;
  return CZ_OK;
}

cz_status cz_morph_copy(const cz_morph *src, cz_morph **out) {
  *out = NULL;
  cz_morph *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m, CZ_ERR_NOMEM, "out of memory");
  const size_t nsec = src->nsec, npt = src->pt_off[src->nsec];
  cz_status st = cz_strdup(src->path, &m->path);
  if (st == CZ_OK) st = alloc_sections(m, nsec, npt);
  if (st != CZ_OK) {
    cz_morph_free(&m);
    return st;
  }
  m->nsec = nsec;
  m->nsec_imported = src->nsec_imported;
  memcpy(m->type, src->type, nsec * sizeof *m->type);
  memcpy(m->index, src->index, nsec * sizeof *m->index);
  memcpy(m->parent, src->parent, nsec * sizeof *m->parent);
  memcpy(m->parentx, src->parentx, nsec * sizeof *m->parentx);
  memcpy(m->L, src->L, nsec * sizeof *m->L);
  memcpy(m->cyl_diam, src->cyl_diam, nsec * sizeof *m->cyl_diam);
  memcpy(m->pt_off, src->pt_off, (nsec + 1) * sizeof *m->pt_off);
  memcpy(m->x, src->x, npt * sizeof *m->x);
  memcpy(m->y, src->y, npt * sizeof *m->y);
  memcpy(m->z, src->z, npt * sizeof *m->z);
  memcpy(m->d, src->d, npt * sizeof *m->d);
  memcpy(m->arc, src->arc, npt * sizeof *m->arc);
  *out = m;
  return CZ_OK;
}

cz_status cz_morph_new_cylinder(const char *path, int32_t type, double L, double diam, cz_morph **out) {
  *out = NULL;
  cz_morph *m = cz_calloc(1, sizeof *m);
  CZ_CHECK(m, CZ_ERR_NOMEM, "out of memory");
  cz_status st = cz_strdup(path, &m->path);
  if (st == CZ_OK) st = alloc_sections(m, 1, 1);
  if (st != CZ_OK) {
    cz_morph_free(&m);
    return st;
  }
  m->nsec = m->nsec_imported = 1;
  m->type[0] = type;
  m->parent[0] = -1;
  m->L[0] = L;
  m->cyl_diam[0] = diam;
  *out = m;
  return CZ_OK;
}

void cz_morph_free(cz_morph **m) {
  if (!m || !*m) return;
  cz_morph *x = *m;
  free(x->path);
  free(x->type);
  free(x->index);
  free(x->parent);
  free(x->parentx);
  free(x->L);
  free(x->cyl_diam);
  free(x->pt_off);
  free(x->x);
  free(x->y);
  free(x->z);
  free(x->d);
  free(x->arc);
  free(x);
  *m = NULL;
}

const char *cz_morph_type_name(int32_t t, char *buf, size_t n) {
  static const char *const named[] = {NULL, "soma", "axon", "dend", "apic"};
  if (t >= 1 && t <= 4) snprintf(buf, n, "%s", named[t]);
  else if (t > 0) snprintf(buf, n, "dend_%d", (int)t);
  else snprintf(buf, n, "minus_%d", -(int)t);
  return buf;
}

void cz_morph_section_name(const cz_morph *m, size_t s, char *buf, size_t n) {
  char type[32];
  snprintf(buf, n, "%s[%u]", cz_morph_type_name(m->type[s], type, sizeof type), (unsigned)m->index[s]);
}

size_t cz_morph_count_type(const cz_morph *m, int32_t t) {
  size_t n = 0;
  for (size_t s = 0; s < m->nsec; s++) n += m->type[s] == t;
  return n;
}

/* Keeps the sections that are not axons, in order, with their parents renumbered. */
static cz_status drop_axons(cz_morph *m) {
  int32_t *map = NULL;
  CZ_NEW(map, m->nsec);
  size_t ns = 0, np = 0;
  for (size_t s = 0; s < m->nsec; s++) map[s] = m->type[s] == 2 ? -1 : (int32_t)ns++;
  ns = 0;
  for (size_t s = 0; s < m->nsec; s++) {
    if (map[s] < 0) continue;
    const size_t a = m->pt_off[s], b = m->pt_off[s + 1];
    memmove(&m->x[np], &m->x[a], (b - a) * sizeof *m->x);
    memmove(&m->y[np], &m->y[a], (b - a) * sizeof *m->y);
    memmove(&m->z[np], &m->z[a], (b - a) * sizeof *m->z);
    memmove(&m->d[np], &m->d[a], (b - a) * sizeof *m->d);
    memmove(&m->arc[np], &m->arc[a], (b - a) * sizeof *m->arc);
    m->type[ns] = m->type[s];
    m->index[ns] = m->index[s];
    m->parent[ns] = m->parent[s] < 0 ? -1 : map[m->parent[s]];
    m->parentx[ns] = m->parentx[s];
    m->L[ns] = m->L[s];
    m->cyl_diam[ns] = m->cyl_diam[s];
    m->pt_off[ns] = np;
    np += b - a;
    ns++;
  }
  m->pt_off[ns] = np;
  m->nsec = ns;
  free(map);
  return CZ_OK;
}

#define GROW_SECTIONS(p, n)                                                 \
  do {                                                                      \
    void *q_ = realloc((p), (n) * sizeof *(p));                             \
    CZ_CHECK(q_, CZ_ERR_NOMEM, "out of memory");                            \
    (p) = q_;                                                               \
  } while (0)

/* Room for two more sections (their 3-D points: none). */
static cz_status grow_by_two(cz_morph *m) {
  const size_t n = m->nsec + 2;
  GROW_SECTIONS(m->type, n);
  GROW_SECTIONS(m->index, n);
  GROW_SECTIONS(m->parent, n);
  GROW_SECTIONS(m->parentx, n);
  GROW_SECTIONS(m->L, n);
  GROW_SECTIONS(m->cyl_diam, n);
  GROW_SECTIONS(m->pt_off, n + 1);
  return CZ_OK;
}

/* Appends a section of type 2 without 3-D points: a cylinder. */
static void append_cylinder(cz_morph *m, uint32_t index, int32_t parent, double parentx, double L, double diam) {
  const size_t s = m->nsec++;
  m->type[s] = 2;
  m->index[s] = index;
  m->parent[s] = parent;
  m->parentx[s] = parentx;
  m->L[s] = L;
  m->cyl_diam[s] = diam;
  m->pt_off[s + 1] = m->pt_off[s];
}

cz_status cz_morph_replace_axon(cz_morph *m, double x0, double d0, double d1) {
  for (size_t s = 0; s < m->nsec; s++) {
    if (m->type[s] == 2 || m->parent[s] < 0 || m->type[m->parent[s]] != 2) continue;
    char name[48], parent[48];
    cz_morph_section_name(m, s, name, sizeof name);
    cz_morph_section_name(m, (size_t)m->parent[s], parent, sizeof parent);
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s hangs from %s, which the axon stub replaces", m->path, name, parent);
  }
  CZ_TRY(drop_axons(m));
  CZ_TRY(grow_by_two(m));
  const int32_t soma = 0; /* the root, a soma section, stays first */
  append_cylinder(m, 0, soma, x0, 30.0, d0);
  append_cylinder(m, 1, (int32_t)m->nsec - 1, 1.0, 30.0, d1);
  return CZ_OK;
}
