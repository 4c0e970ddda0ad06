/* One internal DiPDE population (filternet-popnet-spec.md §3.2, §3.5): the probability density
 * of its membrane potential on the voltage grid, advanced one step at a time.
 *
 * A step with input rates lambda_w (Hz, per distinct weight w of the population's incoming
 * connections) evolves p under Q = L + sum_w lambda_w F(w):
 *   direct (DiPDE's gmres): backward Euler, (I - dt Q) p_n = p_{n-1}, solved directly
 *     (popnet/solver.h); when dt ||Q p_{n-1}||_2 <= 1e-14 the density is left as it is, as
 *     GMRES's initial residual test leaves it, so steady states stay bitwise constant;
 *   approx: the Taylor series of exp(dt Q) p_{n-1}, terms added until the largest entry of
 *     the last one is at most tol (or exactly approx_order + 1 terms); a result whose mass is
 *     off 1 by 1e-12 or more stops the run, as DiPDE raises.
 * Then negative entries are cut to 0 and p rescaled to sum 1 (when any is negative or the sum
 * of |p| is off 1 by more than 1e-15), and the firing rate is sum_w lambda_w (phi(w) . p). */
#ifndef CZ_POPNET_POPULATION_H
#define CZ_POPNET_POPULATION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "popnet/grid.h"
#include "popnet/solver.h"

typedef enum cz_pop_method { CZ_POP_DIRECT = 0, CZ_POP_APPROX } cz_pop_method;

typedef struct cz_pop_params {
  double tau_m, v_min, v_max, dv; /* s, V */
  double tol, initial_rate;       /* the approx series' stop, Hz */
  bool record;
  cz_pop_method method;
  int approx_order;               /* -1: until tol */
} cz_pop_params;

typedef struct cz_pop_internal {
  cz_pop_params prm;
  cz_pop_grid grid;
  cz_pop_coo leak;
  size_t njumps;
  cz_pop_jump *jumps;  /* one per distinct weight of the incoming connections */
  cz_pop_solver solver;
  double *p, *work, *term; /* [N] */
} cz_pop_internal;

/* The population of parameters prm driven through the distinct weights w[0, nw). Owned
 * (cz_pop_internal_free). Local. */
cz_status cz_pop_internal_init(cz_pop_internal *x, const cz_pop_params *prm, const double *w, size_t nw);
void cz_pop_internal_free(cz_pop_internal *x);

/* One step of dt seconds with input rates lambda[njumps] (Hz); *rate the firing rate after it.
 * Errors name what failed; the caller adds the population. Local. */
cz_status cz_pop_internal_step(cz_pop_internal *x, const double *lambda, double dt, double *rate);

#endif
