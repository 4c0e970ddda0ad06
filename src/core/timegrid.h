/* The time grid of a run: the step, the number of steps, the epoch length, and what a spike
 * time is on it.
 *
 * Time inside an engine is an integer step; milliseconds appear at the I/O boundary. An
 * engine counts time in tics of its own (NEST: 1 tic = 0.001 ms, so tics_per_ms = 1000), and
 * a step is a whole number of tics, so the time of step S is S * tics_per_step tics, exact in
 * integers and rounded once to ms.
 *
 * Spikes. A spike emitted in update u (the update from step u to u + 1) is stamped S = u + 1
 * and carries an offset o in [0, h) ms before the stamp: its exact time is t(S) - o (NEST's
 * convention for precise spike times). Engines on the grid (the point engine) emit o = 0;
 * artificial cells and replayed inputs of the detailed-cell engine spike at arbitrary times.
 *
 * Epochs. A spike reaches its targets min_delay steps after it is emitted or later, so the
 * run advances in epochs of min_delay steps (the last one may be shorter) and spikes are
 * exchanged between epochs. */
#ifndef CZ_CORE_TIMEGRID_H
#define CZ_CORE_TIMEGRID_H

#include <stdint.h>

#include "base/status.h"

typedef struct cz_timegrid {
  double h;              /* step in ms */
  int64_t tics_per_ms;   /* the engine's time unit */
  int64_t tics_per_step;
  int64_t nsteps;        /* updates 0 .. nsteps - 1 */
  int32_t min_delay;     /* steps per epoch, the same on every rank; set by the engine */
} cz_timegrid;

/* The grid of step dt_ms (rounded to whole tics) up to tstop_ms (rounded to whole steps).
 * min_delay starts at 1. Local. */
cz_status cz_timegrid_init(cz_timegrid *g, double dt_ms, double tstop_ms, int64_t tics_per_ms);

/* The time of step stamp in ms. */
static inline double cz_timegrid_ms(const cz_timegrid *g, int64_t stamp) {
  return (double)(stamp * g->tics_per_step) / (double)g->tics_per_ms;
}

/* The exact time in ms of a spike with stamp S and offset o (above). */
static inline double cz_timegrid_spike_ms(const cz_timegrid *g, int64_t stamp, double offset) {
  return cz_timegrid_ms(g, stamp) - offset;
}

/* The end of the epoch that starts at step t0. */
static inline int64_t cz_timegrid_epoch_end(const cz_timegrid *g, int64_t t0) {
  return t0 + g->min_delay < g->nsteps ? t0 + g->min_delay : g->nsteps;
}

#endif
