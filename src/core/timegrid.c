#include "core/timegrid.h"

#include <math.h>

cz_status cz_timegrid_init(cz_timegrid *g, double dt_ms, double tstop_ms, int64_t tics_per_ms) {
  CZ_CHECK(tics_per_ms > 0 && dt_ms > 0 && isfinite(dt_ms) && isfinite(tstop_ms), CZ_ERR_ARG,
           "time grid: step %g ms, stop %g ms, %lld tics per ms", dt_ms, tstop_ms, (long long)tics_per_ms);
  g->tics_per_ms = tics_per_ms;
  g->tics_per_step = llround(dt_ms * (double)tics_per_ms);
  CZ_CHECK(g->tics_per_step > 0, CZ_ERR_CONFIG, "time grid: the step %g ms is shorter than one tic (%g ms)", dt_ms,
           1.0 / (double)tics_per_ms);
  g->h = (double)g->tics_per_step / (double)tics_per_ms;
  g->nsteps = llround(tstop_ms / g->h);
  g->min_delay = 1;
  return CZ_OK;
}
