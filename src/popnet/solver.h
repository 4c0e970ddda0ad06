/* A direct solver for DiPDE's backward-Euler systems (filternet-popnet-spec.md §3.5, §6):
 * A x = b with A = B + sum_d e_d u_d^T, B banded (lower bandwidth bl, upper bu) and a few rows
 * d (the reset rows of the zero bins, and bin 0 where mass below v_min is kept) carrying
 * entries far outside the band in u_d.
 *
 * B is I - dt Q restricted to the band: a column diagonally dominant M-matrix (Q is a rate
 * generator whose columns sum to at most 0), so its LU factors need no pivoting. The dense
 * rows are folded in by the Sherman-Morrison-Woodbury formula: y = B^-1 b, X = B^-1 E, then
 * x = y - X (I + U^T X)^-1 U^T y, with k <= 3 dense rows. Cost per solve: O(N bl bu) for the
 * factors and O(k N (bl + bu)) for the substitutions, against GMRES's hundreds of sparse
 * products. */
#ifndef CZ_POPNET_SOLVER_H
#define CZ_POPNET_SOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

enum { CZ_POP_MAX_DENSE = 3 };

typedef struct cz_pop_solver {
  size_t n, bl, bu, width; /* width = bl + bu + 1 */
  double *band;            /* [n width]: row i holds columns i - bl .. i + bu */
  size_t k;                /* dense rows */
  uint32_t dense[CZ_POP_MAX_DENSE];
  double *u;               /* [k n] each dense row's entries outside the band */
  double *x, *y;           /* [k n], [n] scratch */
} cz_pop_solver;

/* A solver for n unknowns, bandwidths bl and bu, and the given dense rows. Owned
 * (cz_pop_solver_free). Local. */
cz_status cz_pop_solver_init(cz_pop_solver *s, size_t n, size_t bl, size_t bu, const uint32_t *dense, size_t k);
void cz_pop_solver_free(cz_pop_solver *s);

/* Starts a new matrix: B = 0, u = 0. */
void cz_pop_solver_clear(cz_pop_solver *s);
/* Adds v to A[row][col]: into the band when it lies there, else into the row's u (the row must
 * then be a dense row). */
static inline void cz_pop_solver_add(cz_pop_solver *s, uint32_t row, uint32_t col, double v) {
  if ((size_t)col + s->bl >= row && (size_t)col <= (size_t)row + s->bu) {
    s->band[(size_t)row * s->width + (col + s->bl - row)] += v;
    return;
  }
  for (size_t d = 0; d < s->k; d++)
    if (s->dense[d] == row) {
      s->u[d * s->n + col] += v;
      return;
    }
}
/* Whether A[row][col] has a place (in the band or a dense row). */
bool cz_pop_solver_holds(const cz_pop_solver *s, uint32_t row, uint32_t col);

/* Solves A x = b in place (b in, x out). CZ_ERR_CONFIG when the system is singular (the
 * population's numbers make no stable step). Local. */
cz_status cz_pop_solver_solve(cz_pop_solver *s, double *b);

#endif
