/* The voltage grid of a DiPDE population and its matrices (filternet-popnet-spec.md §3.4):
 * the bin edges as numpy's arange makes them, the bins holding 0 V (where reset mass goes),
 * the leak generator L (flow toward 0 V) and, per synaptic weight w, the jump generator F(w)
 * per unit input rate with its threshold flux φ(w).
 *
 * Matrices are lists of (row, column, value) entries. F(w) comes in two parts: the banded
 * jumps (mass moved by w, and for w <= 0 what falls below v_min kept in bin 0), and for w > 0
 * the reset entries: what crosses v_max re-enters the zero bins, row z of column l holding
 * φ_l / |Z|. The solver (popnet/solver.h) treats the reset rows as a low-rank correction to the
 * banded rest. */
#ifndef CZ_POPNET_GRID_H
#define CZ_POPNET_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_pop_coo {
  size_t n, cap;
  uint32_t *row, *col;
  double *val;
} cz_pop_coo;

typedef struct cz_pop_grid {
  size_t nbins;   /* N */
  double *edge;   /* [N + 1] V */
  size_t zero[2]; /* the zero bins Z */
  size_t nzero;   /* |Z|: 1 or 2 */
  size_t start;   /* the bin of the initial density */
} cz_pop_grid;

/* The jump generator of one weight. */
typedef struct cz_pop_jump {
  double w;           /* V */
  cz_pop_coo band;    /* -I + R^T (+ the bin-0 floor for w <= 0) */
  double *phi;        /* [N] the part of each bin pushed above v_max (0 for w <= 0) */
} cz_pop_jump;

/* The grid of [v_min, v_max] in steps of dv. CZ_ERR_CONFIG when the numbers make no grid. Owned
 * (cz_pop_grid_free). Local. */
cz_status cz_pop_grid_build(double v_min, double v_max, double dv, cz_pop_grid *g);
void cz_pop_grid_free(cz_pop_grid *g);

/* The leak generator for membrane time constant tau_m (s). Owned (cz_pop_coo_free). Local. */
cz_status cz_pop_leak(const cz_pop_grid *g, double tau_m, cz_pop_coo *out);
/* The jump generator of weight w (V). Owned (cz_pop_jump_free). Local. */
cz_status cz_pop_jump_build(const cz_pop_grid *g, double w, cz_pop_jump *out);
void cz_pop_jump_free(cz_pop_jump *j);

cz_status cz_pop_coo_add(cz_pop_coo *m, uint32_t row, uint32_t col, double val);
void cz_pop_coo_free(cz_pop_coo *m);

#endif
