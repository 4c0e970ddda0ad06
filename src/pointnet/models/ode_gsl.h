/* The GSL Runge-Kutta-Fehlberg 4(5) driver shared by NEST's conductance-based and adaptive
 * models. NEST integrates each neuron over one step h with gsl_odeiv_evolve_apply calls from
 * t = 0 until t reaches h, carrying the neuron's last internal step size into the next step;
 * the error control differs per model (y_new(1e-3, 0) for iaf_cond_*, yp_new(tol, tol) for
 * aeif_*). One solver (step, control, evolve) per thread serves all its neurons: it is reset
 * before each neuron's step, so sharing it changes nothing. */
#ifndef CZ_POINTNET_MODELS_ODE_GSL_H
#define CZ_POINTNET_MODELS_ODE_GSL_H

#include <gsl/gsl_odeiv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_ode_solver {
  gsl_odeiv_step *step;
  gsl_odeiv_control *control;
  gsl_odeiv_evolve *evolve;
} cz_ode_solver;

/* The error control of a model: y_new(eps_abs, eps_rel) or, when yp, yp_new(eps_abs, eps_rel). */
typedef struct cz_ode_control {
  bool yp;
  double eps_abs, eps_rel;
} cz_ode_control;

/* nthreads solvers for systems of dim equations. Owned (*out; cz_ode_solvers_free). */
cz_status cz_ode_solvers_create(int nthreads, size_t dim, cz_ode_control ctl, cz_ode_solver **out);
void cz_ode_solvers_free(cz_ode_solver *s, int nthreads);

/* Called after each internal step with the state; returns nothing. Used by models that handle
 * spikes inside the step (AdEx). May be NULL. */
typedef void (*cz_ode_after_substep)(void *ctx, double *y);

/* Integrates y over [0, h] (sys's params carry the neuron), starting with and updating the
 * internal step *hstep. Returns false when GSL reports a failure (the state is left as GSL
 * left it). */
bool cz_ode_step(cz_ode_solver *s, gsl_odeiv_system *sys, double h, double *hstep, double *y,
                 cz_ode_after_substep after, void *ctx);

/* The per-neuron storage every GSL-integrated model needs: the state ([n][dim]), each
 * neuron's internal step size, the external current latched for the next step, the
 * refractory period and countdown (in steps), and the thread solvers. */
typedef struct cz_ode_group {
  size_t n, dim;
  double h;
  double *y;       /* [n * dim] */
  double *hstep;   /* [n] */
  double *i_next;  /* [n] external current of the next step (pA) */
  int32_t *R, *r;  /* [n] */
  int nthreads;
  cz_ode_solver *solver; /* [nthreads] */
} cz_ode_group;

/* Allocates g for n neurons (zero state, internal steps hstep0). Local. */
cz_status cz_ode_group_alloc(cz_ode_group *g, size_t n, size_t dim, double h, int nthreads, cz_ode_control ctl,
                             double hstep0);
void cz_ode_group_free(cz_ode_group *g);
/* The solver of thread tid. */
static inline cz_ode_solver *cz_ode_solver_of(cz_ode_group *g, int tid) {
  return &g->solver[tid < g->nthreads ? tid : 0];
}

/* An ODE model group: the storage above and n per-neuron parameter structs (P, psize bytes
 * each); variant lets one file serve several kinds (aeif alpha / exp). */
typedef struct cz_ode_model {
  cz_ode_group g;
  void *P;
  const void *variant;
} cz_ode_model;

/* Creates a model group; name is for the out-of-memory message. Owned (*out;
 * cz_ode_model_destroy). */
cz_status cz_ode_model_create(size_t n, size_t dim, double h, int nthreads, cz_ode_control ctl, double hstep0,
                              size_t psize, const char *name, cz_ode_model **out);
/* Frees a cz_ode_model (the vtable's destroy). Accepts NULL. */
void cz_ode_model_destroy(void *m);

#endif
