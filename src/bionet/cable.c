#include "bionet/cable.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/vector_clones.h"

#define NOMINAL_AREA 100.0 /* µm², of root and end nodes */

/* Room for exactly cap nodes. */
static cz_status resize_nodes(cz_cable *c, size_t cap) {
  int32_t *parent = realloc(c->parent, cap * sizeof *parent);
  if (parent) c->parent = parent;
  uint8_t *bare = realloc(c->bare, cap * sizeof *bare);
  if (bare) c->bare = bare;
  double **cols[] = {&c->a, &c->b, &c->area, &c->cm, &c->v, &c->rhs, &c->d, &c->xlen};
  bool ok = parent && bare;
  for (size_t k = 0; ok && k < sizeof cols / sizeof *cols; k++) {
    double *p = realloc(*cols[k], cap * sizeof *p);
    if (p) *cols[k] = p;
    ok = p != NULL;
  }
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory for %zu cable nodes", cap);
  c->cap = cap;
  return CZ_OK;
}

static cz_status reserve_nodes(cz_cable *c, size_t need) {
  if (need <= c->cap) return CZ_OK;
  size_t cap = c->cap ? c->cap : 256;
  while (cap < need) cap *= 2;
  return resize_nodes(c, cap);
}

cz_status cz_cable_fit(cz_cable *c) { return c->n && c->n < c->cap && !c->vext ? resize_nodes(c, c->n) : CZ_OK; }

/* Sections in tree order, breadth first from the root section: a parent before its children. */
static cz_status tree_order(const cz_morph *m, size_t *order) {
  size_t n = 0;
  for (size_t s = 0; s < m->nsec; s++)
    if (m->parent[s] < 0) order[n++] = s;
  for (size_t k = 0; k < n; k++)
    for (size_t s = 0; s < m->nsec; s++)
      if (m->parent[s] == (int32_t)order[k]) order[n++] = s;
  CZ_CHECK(n == m->nsec, CZ_ERR_FORMAT, "%s: %zu sections are not connected to the root", m->path, m->nsec - n);
  return CZ_OK;
}

static size_t push_node(cz_cable *c, int32_t parent, bool bare, double area, double cm, double v, double xlen) {
  const size_t i = c->n++;
  c->parent[i] = parent;
  c->bare[i] = bare;
  c->xlen[i] = xlen;
  c->area[i] = area;
  c->cm[i] = cm;
  c->v[i] = v;
  c->a[i] = c->b[i] = c->rhs[i] = c->d[i] = 0;
  return i;
}

/* Couples node i to its parent through resistance R (MΩ). */
static void couple(cz_cable *c, size_t i, double R) {
  const double G = 1.0 / R; /* µS */
  c->a[i] = -100.0 * G / c->area[c->parent[i]];
  c->b[i] = -100.0 * G / c->area[i];
}

size_t cz_cell_node_at(const cz_cell_nodes *map, size_t s, double x) {
  if (x <= 0) return map->attach[s];
  if (x >= 1) return map->end[s];
  size_t k = (size_t)floor((double)map->nseg[s] * x);
  if (k >= map->nseg[s]) k = map->nseg[s] - 1;
  return cz_cell_centre(map, s, k);
}

static cz_status alloc_map(cz_cell_nodes *map, size_t nsec) {
  map->nsec = nsec;
  CZ_NEW(map->centre0, nsec);
  CZ_NEW(map->end, nsec);
  CZ_NEW(map->nseg, nsec);
  CZ_NEW(map->attach, nsec);
  CZ_NEW(map->type, nsec);
  CZ_NEW(map->index, nsec);
  return CZ_OK;
}

/* Appends section s's centre and end nodes, hung from its attach node. */
static void add_section_nodes(cz_cable *c, const cz_bio_geom *g, size_t s, double L, double cm, double v_init,
                              cz_cell_nodes *map) {
  const size_t k0 = g->seg_off[s], nseg = g->nseg[s];
  size_t prev = map->attach[s];
  map->centre0[s] = c->n;
  map->nseg[s] = (uint32_t)nseg;
  const double dx = L / (double)nseg;
  for (size_t k = 0; k < nseg; k++) {
    const size_t i = push_node(c, (int32_t)prev, false, g->area[k0 + k], cm, v_init, k == 0 ? 0.5 * dx : dx);
    couple(c, i, k == 0 ? g->ri_left[k0] : g->ri_right[k0 + k - 1] + g->ri_left[k0 + k]);
    prev = i;
  }
  const size_t end = push_node(c, (int32_t)prev, true, NOMINAL_AREA, 0, v_init, 0.5 * dx);
  couple(c, end, g->ri_right[k0 + nseg - 1]);
  map->end[s] = end;
}

cz_status cz_cable_add_cell(cz_cable *c, const cz_morph *m, const cz_bio_geom *g, const double *cm_sec, double v_init,
                            cz_cell_nodes *map) {
  memset(map, 0, sizeof *map);
  size_t *order = NULL;
  CZ_NEW(order, m->nsec);
  cz_status st = alloc_map(map, m->nsec);
  if (st == CZ_OK) st = tree_order(m, order);
  if (st == CZ_OK) st = reserve_nodes(c, c->n + 1 + g->nseg_total + m->nsec);
  if (st == CZ_OK) {
    map->stride = 1;
    map->root = push_node(c, -1, true, NOMINAL_AREA, 0, v_init, 0);
    for (size_t k = 0; k < m->nsec; k++) {
      const size_t s = order[k];
      const int32_t p = m->parent[s];
      map->attach[s] = p < 0 ? map->root : cz_cell_node_at(map, (size_t)p, m->parentx[s]);
      map->type[s] = m->type[s];
      map->index[s] = m->index[s];
      add_section_nodes(c, g, s, m->L[s], cm_sec ? cm_sec[s] : 1.0, v_init, map);
    }
  }
  free(order);
  if (st != CZ_OK) cz_cell_nodes_free(map);
  return st;
}

void cz_cell_nodes_free(cz_cell_nodes *map) {
  free(map->centre0);
  free(map->end);
  free(map->nseg);
  free(map->attach);
  free(map->type);
  free(map->index);
  memset(map, 0, sizeof *map);
}

void cz_cable_free(cz_cable *c) {
  free(c->parent);
  free(c->bare);
  free(c->a);
  free(c->b);
  free(c->area);
  free(c->cm);
  free(c->v);
  free(c->rhs);
  free(c->d);
  free(c->xlen);
  free(c->vext);
  free(c->xwsum);
  for (size_t k = 0; k < c->ncohort; k++) free(c->cohort[k].row_parent);
  free(c->cohort);
  memset(c, 0, sizeof *c);
}

/* The end of cell k's nodes. */
static size_t cell_end(const cz_cable *c, const size_t *roots, size_t ncells, size_t k) {
  return k + 1 < ncells ? roots[k + 1] : c->n;
}

/* Whether the cells at roots r and q, of m nodes each, have one shape. */
static bool same_shape(const cz_cable *c, size_t r, size_t q, size_t m) {
  for (size_t j = 0; j < m; j++) {
    const int32_t pr = c->parent[r + j], pq = c->parent[q + j];
    if (c->bare[r + j] != c->bare[q + j] || (pr < 0) != (pq < 0)) return false;
    if (pr >= 0 && (size_t)pr - r != (size_t)pq - q) return false;
  }
  return true;
}

/* shape[k]: the first cell with cell k's shape; count[k] how many cells have it (at that first
 * cell). */
static void find_shapes(const cz_cable *c, const size_t *roots, size_t ncells, size_t *shape, size_t *count) {
  size_t nfirst = 0;
  size_t *first = count + ncells; /* the first cells so far, in the upper half of count */
  for (size_t k = 0; k < ncells; k++) {
    const size_t m = cell_end(c, roots, ncells, k) - roots[k];
    shape[k] = k;
    for (size_t f = 0; f < nfirst && shape[k] == k; f++) {
      const size_t q = first[f];
      if (cell_end(c, roots, ncells, q) - roots[q] == m && same_shape(c, roots[q], roots[k], m)) shape[k] = q;
    }
    count[k] = 0;
    if (shape[k] == k) first[nfirst++] = k;
    count[shape[k]]++;
  }
}

/* Where every node goes: the cohorts first, each in the order of its first cell, then the other
 * cells whole. */
static cz_status plan_cohorts(cz_cable *c, const size_t *roots, size_t ncells, const size_t *shape,
                              const size_t *count, uint32_t *new_of_old) {
  size_t ncohort = 0;
  for (size_t k = 0; k < ncells; k++) ncohort += shape[k] == k && count[k] >= CZ_CABLE_COHORT_MIN;
  CZ_NEW(c->cohort, ncohort);
  size_t off = 0;
  for (size_t k = 0; k < ncells; k++) {
    if (shape[k] != k || count[k] < CZ_CABLE_COHORT_MIN) continue;
    cz_cable_cohort *h = &c->cohort[c->ncohort++];
    const size_t m = cell_end(c, roots, ncells, k) - roots[k];
    *h = (cz_cable_cohort){.off = off, .width = count[k], .rows = m};
    CZ_NEW(h->row_parent, m);
    for (size_t j = 0; j < m; j++)
      h->row_parent[j] = c->parent[roots[k] + j] < 0 ? -1 : (int32_t)((size_t)c->parent[roots[k] + j] - roots[k]);
    for (size_t q = k, slot = 0; q < ncells; q++)
      if (shape[q] == k) {
        for (size_t j = 0; j < m; j++) new_of_old[roots[q] + j] = (uint32_t)(off + j * h->width + slot);
        slot++;
      }
    off += m * h->width;
  }
  c->tail = off;
  for (size_t k = 0; k < ncells; k++)
    if (count[shape[k]] < CZ_CABLE_COHORT_MIN)
      for (size_t i = roots[k]; i < cell_end(c, roots, ncells, k); i++) new_of_old[i] = (uint32_t)off++;
  return CZ_OK;
}

/* Every per-node array in its new order (tmp: room for n doubles). */
static void permute_nodes(cz_cable *c, const uint32_t *new_of_old, double *tmp) {
  double *cols[] = {c->a, c->b, c->area, c->cm, c->v, c->rhs, c->d, c->xlen};
  for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
    for (size_t i = 0; i < c->n; i++) tmp[new_of_old[i]] = cols[k][i];
    memcpy(cols[k], tmp, c->n * sizeof *tmp);
  }
  int32_t *parent = (int32_t *)tmp;
  for (size_t i = 0; i < c->n; i++) parent[new_of_old[i]] = c->parent[i] < 0 ? -1 : (int32_t)new_of_old[c->parent[i]];
  memcpy(c->parent, parent, c->n * sizeof *parent);
  uint8_t *bare = (uint8_t *)tmp;
  for (size_t i = 0; i < c->n; i++) bare[new_of_old[i]] = c->bare[i];
  memcpy(c->bare, bare, c->n * sizeof *bare);
}

cz_status cz_cable_interleave(cz_cable *c, const size_t *roots, size_t ncells, uint32_t *new_of_old) {
  CZ_CHECK(!c->vext && !c->cohort, CZ_ERR_INTERNAL, "the cable is interleaved once, before any extracellular potential");
  for (size_t i = 0; i < c->n; i++) new_of_old[i] = (uint32_t)i;
  c->tail = 0;
  if (ncells == 0) return CZ_OK;
  size_t *shape = cz_calloc(ncells, sizeof *shape), *count = cz_calloc(2 * ncells, sizeof *count);
  double *tmp = cz_calloc(c->n, sizeof *tmp);
  cz_status st = shape && count && tmp ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) {
    find_shapes(c, roots, ncells, shape, count);
    st = plan_cohorts(c, roots, ncells, shape, count, new_of_old);
  }
  if (st == CZ_OK) permute_nodes(c, new_of_old, tmp);
  c->lane_n = 0;
  free(shape);
  free(count);
  free(tmp);
  return st;
}

void cz_cell_nodes_renumber(cz_cell_nodes *map, const uint32_t *new_of_old) {
  const size_t root = map->root;
  map->root = new_of_old[root];
  map->stride = new_of_old[root + 1] - new_of_old[root]; /* the first centre hangs from the root */
  for (size_t s = 0; s < map->nsec; s++) {
    map->centre0[s] = new_of_old[map->centre0[s]];
    map->end[s] = new_of_old[map->end[s]];
    map->attach[s] = new_of_old[map->attach[s]];
  }
}

/* Root and end nodes' layer neighbours are membrane nodes only: an end node's parent is its
 * section's last centre, and what hangs from a root or end node is a section's first centre. */
static bool no_membrane(const cz_cable *c, size_t i) { return c->bare[i] != 0; }

cz_status cz_cable_use_vext(cz_cable *c) {
  if (c->vext) return CZ_OK;
  CZ_NEW(c->vext, c->n + 1);
  CZ_NEW(c->xwsum, c->n + 1);
  for (size_t i = 0; i < c->n; i++) {
    if (c->parent[i] < 0) continue;
    const size_t p = (size_t)c->parent[i];
    CZ_CHECK(c->xlen[i] > 0, CZ_ERR_INTERNAL, "cable node %zu has no length", i);
    const double w = 1.0 / c->xlen[i];
    if (no_membrane(c, p)) c->xwsum[p] += w;
    if (no_membrane(c, i)) c->xwsum[i] += w;
  }
  return CZ_OK;
}

void cz_cable_settle_vext(cz_cable *c) {
  double *restrict vext = c->vext;
  for (size_t i = 0; i < c->n; i++)
    if (no_membrane(c, i)) vext[i] = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (c->parent[i] < 0) continue;
    const size_t p = (size_t)c->parent[i];
    const double w = 1.0 / c->xlen[i];
    if (no_membrane(c, p)) vext[p] += w * vext[i];
    else if (no_membrane(c, i)) vext[i] += w * vext[p];
  }
  for (size_t i = 0; i < c->n; i++)
    if (no_membrane(c, i) && c->xwsum[i] > 0) vext[i] /= c->xwsum[i];
}

void cz_cable_begin_currents(cz_cable *c) {
  memset(c->rhs, 0, c->n * sizeof *c->rhs);
  memset(c->d, 0, c->n * sizeof *c->d);
}

/* NEURON's step on the tree, in three sweeps instead of its six: (1) each node's axial
 * current and coupling terms and its capacitance, children after their parent, so every sum
 * into a node takes its terms in NEURON's order (its own, then its children's by index) and
 * the result is the same bits; (2) the elimination, leaves to root; (3) the back substitution
 * with the voltage update, root to leaves. Nodes [from, to) hold whole cells. */
static void assemble(cz_cable *c, double cfac, size_t from, size_t to) {
  const int32_t *restrict parent = c->parent;
  double *restrict rhs = c->rhs, *restrict d = c->d;
  const double *restrict a = c->a, *restrict b = c->b, *restrict v = c->v, *restrict cm = c->cm;
  for (size_t i = from; i < to; i++) {
    d[i] += cfac * cm[i];
    if (parent[i] < 0) continue;
    const size_t p = (size_t)parent[i];
    const double dv = v[p] - v[i];
    rhs[i] -= b[i] * dv;
    rhs[p] += a[i] * dv;
    d[i] -= b[i];
    d[p] -= a[i];
  }
}

/* The same over every node, with the extracellular potential in the axial driving force. */
static void assemble_vext(cz_cable *c, double cfac) {
  const size_t n = c->n;
  const int32_t *restrict parent = c->parent;
  double *restrict rhs = c->rhs, *restrict d = c->d;
  const double *restrict a = c->a, *restrict b = c->b, *restrict v = c->v, *restrict cm = c->cm,
                         *restrict vext = c->vext;
  for (size_t i = 0; i < n; i++) {
    d[i] += cfac * cm[i];
    if (parent[i] < 0) continue;
    const size_t p = (size_t)parent[i];
    const double dv = (v[p] + vext[p]) - (v[i] + vext[i]);
    rhs[i] -= b[i] * dv;
    rhs[p] += a[i] * dv;
    d[i] -= b[i];
    d[p] -= a[i];
  }
}

/* The three sweeps on a cohort, row by row: each row's operations are those of its nodes in
 * the sweeps above, in the same order for every cell, and a row's nodes are independent (one
 * per cell), so they go in vectors. */
CZ_AVX2_CLONES static void assemble_cohort(const cz_cable_cohort *h, cz_cable *c, double cfac) {
  const size_t w = h->width;
  double *D = c->d + h->off, *R = c->rhs + h->off;
  const double *V = c->v + h->off, *A = c->a + h->off, *B = c->b + h->off, *CM = c->cm + h->off;
  for (size_t k = 0; k < w; k++) D[k] += cfac * CM[k];
  for (size_t j = 1; j < h->rows; j++) {
    const size_t p = (size_t)h->row_parent[j];
    double *restrict dj = D + j * w, *restrict dp = D + p * w, *restrict rj = R + j * w, *restrict rp = R + p * w;
    const double *restrict vj = V + j * w, *restrict vp = V + p * w, *restrict aj = A + j * w, *restrict bj = B + j * w,
                           *restrict cmj = CM + j * w;
#pragma omp simd /* rows never overlap: no run-time aliasing checks, which may fail to scalar code */
    for (size_t k = 0; k < w; k++) {
      dj[k] += cfac * cmj[k];
      const double dv = vp[k] - vj[k];
      rj[k] -= bj[k] * dv;
      rp[k] += aj[k] * dv;
      dj[k] -= bj[k];
      dp[k] -= aj[k];
    }
  }
}

CZ_AVX2_CLONES static void eliminate_cohort(const cz_cable_cohort *h, cz_cable *c) {
  const size_t w = h->width;
  double *D = c->d + h->off, *R = c->rhs + h->off;
  const double *A = c->a + h->off, *B = c->b + h->off;
  for (size_t j = h->rows; j-- > 1;) {
    const size_t p = (size_t)h->row_parent[j];
    double *restrict dp = D + p * w, *restrict rp = R + p * w;
    const double *restrict dj = D + j * w, *restrict rj = R + j * w, *restrict aj = A + j * w, *restrict bj = B + j * w;
#pragma omp simd /* rows never overlap: no run-time aliasing checks, which may fail to scalar code */
    for (size_t k = 0; k < w; k++) {
      const double f = aj[k] / dj[k];
      dp[k] -= f * bj[k];
      rp[k] -= f * rj[k];
    }
  }
}

CZ_AVX2_CLONES static void substitute_cohort(const cz_cable_cohort *h, cz_cable *c) {
  const size_t w = h->width;
  double *D = c->d + h->off, *R = c->rhs + h->off, *V = c->v + h->off;
  const double *B = c->b + h->off;
  for (size_t k = 0; k < w; k++) {
    R[k] = R[k] / D[k];
    V[k] += R[k];
  }
  for (size_t j = 1; j < h->rows; j++) {
    const size_t p = (size_t)h->row_parent[j];
    double *restrict rj = R + j * w, *restrict vj = V + j * w;
    const double *restrict rp = R + p * w, *restrict dj = D + j * w, *restrict bj = B + j * w;
#pragma omp simd /* rows never overlap: no run-time aliasing checks, which may fail to scalar code */
    for (size_t k = 0; k < w; k++) {
      rj[k] = (rj[k] - bj[k] * rp[k]) / dj[k];
      vj[k] += rj[k];
    }
  }
}

/* Lane k starts at the first cell root at or after tail + k (n - tail) / CZ_CABLE_LANES. */
static void make_lanes(cz_cable *c) {
  const size_t n = c->n, tail = c->tail;
  size_t i = tail;
  c->lane[0] = tail;
  for (size_t k = 1; k < CZ_CABLE_LANES; k++) {
    if (i < tail + k * (n - tail) / CZ_CABLE_LANES) i = tail + k * (n - tail) / CZ_CABLE_LANES;
    while (i < n && c->parent[i] >= 0) i++;
    c->lane[k] = i;
  }
  c->lane[CZ_CABLE_LANES] = n;
  c->lane_n = n;
}

/* Elimination of node i into its parent. */
static inline void eliminate(const int32_t *restrict parent, const double *restrict a, const double *restrict b,
                             double *restrict d, double *restrict rhs, size_t i) {
  if (parent[i] < 0) return;
  const size_t p = (size_t)parent[i];
  const double f = a[i] / d[i];
  d[p] -= f * b[i];
  rhs[p] -= f * rhs[i];
}

/* Back substitution of node i (its parent done) and its voltage update. */
static inline void substitute(const int32_t *restrict parent, const double *restrict b, const double *restrict d,
                              double *restrict rhs, double *restrict v, size_t i) {
  rhs[i] = parent[i] < 0 ? rhs[i] / d[i] : (rhs[i] - b[i] * rhs[parent[i]]) / d[i];
  v[i] += rhs[i];
}

/* The whole cells after the cohorts: each cell's nodes are eliminated leaves to root and
 * substituted root to leaves, exactly as in one sweep over all nodes: cells share no node, so
 * sweeping the lanes side by side changes no operation of any cell, only how many chains the
 * core has in flight. */
static void solve_lanes(cz_cable *c) {
  if (c->lane_n != c->n) make_lanes(c);
  const int32_t *restrict parent = c->parent;
  double *restrict rhs = c->rhs, *restrict d = c->d, *restrict v = c->v;
  const double *restrict a = c->a, *restrict b = c->b;
  const size_t *lane = c->lane;
  size_t common = SIZE_MAX;
  for (int k = 0; k < CZ_CABLE_LANES; k++)
    if (lane[k + 1] - lane[k] < common) common = lane[k + 1] - lane[k];
  for (size_t j = 0; j < common; j++)
    for (int k = 0; k < CZ_CABLE_LANES; k++) eliminate(parent, a, b, d, rhs, lane[k + 1] - 1 - j);
  for (int k = 0; k < CZ_CABLE_LANES; k++)
    for (size_t i = lane[k + 1] - common; i-- > lane[k];) eliminate(parent, a, b, d, rhs, i);
  for (size_t j = 0; j < common; j++)
    for (int k = 0; k < CZ_CABLE_LANES; k++) substitute(parent, b, d, rhs, v, lane[k] + j);
  for (int k = 0; k < CZ_CABLE_LANES; k++)
    for (size_t i = lane[k] + common; i < lane[k + 1]; i++) substitute(parent, b, d, rhs, v, i);
}

void cz_cable_solve(cz_cable *c, double dt) {
  const double cfac = 1e-3 / dt;
  if (c->vext) {
    assemble_vext(c, cfac);
  } else {
    for (size_t k = 0; k < c->ncohort; k++) assemble_cohort(&c->cohort[k], c, cfac);
    assemble(c, cfac, c->tail, c->n);
  }
  for (size_t k = 0; k < c->ncohort; k++) {
    eliminate_cohort(&c->cohort[k], c);
    substitute_cohort(&c->cohort[k], c);
  }
  solve_lanes(c);
}

void cz_cable_membrane_current(const cz_cable *c, const double *sav_rhs, const double *sav_d, double dt, double *i_m) {
  const double cfac = 1e-3 / dt;
  for (size_t i = 0; i < c->n; i++)
    i_m[i] = 0.01 * c->area[i] * ((cfac * c->cm[i] + sav_d[i]) * c->rhs[i] - sav_rhs[i]);
}
