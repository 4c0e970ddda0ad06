/* The timing report of a run: every phase of base/timer.h as min / avg / max seconds over
 * ranks, the busy time of the update and deliver phases as min / avg / max over all threads
 * of all ranks (their spread is the load imbalance; for detailed cells also the update's
 * parts: channels, synapses and events, matrix and solve), and hardware counters of the phases
 * when PAPI counts on every rank, and what was simulated with the rates that follow: real-time
 * factor (run time / model time, the slowest rank), synaptic events per second and per core,
 * peak memory per rank and per synapse. Printed to the log at the end of a run and written as JSON
 * (timers.json in the output folder). */
#ifndef CZ_APP_TIMING_H
#define CZ_APP_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "base/timer.h"
#include "core/epoch.h"

typedef struct cz_stat {
  double min, avg, max;
} cz_stat;

/* What was simulated, for the rates of the report. */
typedef struct cz_run_size {
  double model_ms;                 /* simulated time */
  uint64_t neurons, synapses, spikes, events; /* totals over ranks */
  cz_stat peak_rss;                /* bytes, over ranks */
  uint64_t compartments;           /* detailed cells' compartments over ranks (0: none) */
  uint64_t cell_bytes, synapse_bytes; /* their state, and that of the synapses, over ranks */
  double update_parts[3];          /* a worker's seconds in the channels, the synapses and events,
                                      and the matrix and solve (the slowest rank's), with them */
} cz_run_size;

typedef struct cz_timing {
  int ranks, threads;
  cz_run_size size;
  cz_stat region[CZ_T_COUNT];
  cz_stat thread_update, thread_deliver;
  bool has_parts;                                /* detailed cells: thread_parts holds */
  cz_stat thread_parts[3];                       /* each thread's seconds in the update's parts */
  int hw;                                        /* 1 when every rank counted */
  const char *hw_why;                            /* why not, when hw is 0 */
  double hw_sum[CZ_T_COUNT][CZ_HW_NCOUNTERS];    /* summed over ranks */
} cz_timing;

/* Combines this rank's timers with every other rank's. hw_why: this rank's reason for having
 * no counters (NULL when it has them). Collective. */
cz_status cz_timing_collect(const cz_epoch_result *res, const char *hw_why, cz_timing *out);
/* Adds the detailed cells' update parts of this rank's threads (per_thread: [nthreads][3]
 * seconds in the channels, the synapses and events, the matrix and solve) as min / avg / max
 * over all threads of all ranks. Collective. */
cz_status cz_timing_thread_parts(const double *per_thread, int nthreads, cz_timing *t);
/* Logs (INFO, rank 0) one line of the main phases, or with verbose the full table. */
void cz_timing_log(const cz_timing *t, bool verbose);
/* Writes the JSON file (rank 0 calls it). */
cz_status cz_timing_write_json(const cz_timing *t, const char *path);

#endif
