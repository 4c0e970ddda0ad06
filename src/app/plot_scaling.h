/* `cadenza plot scaling ROWS.jsonl`: the figure of a scaling study run by perf/scaling.sh.
 *
 * ROWS holds one JSON object per line, one per run: "study" ("strong" or "weak"), "ranks",
 * "threads", and "timers" (the run's timers.json). Runs are placed by cores = ranks x threads;
 * with several runs on the same core count (different rank/thread splits) each split is its
 * own series. metric "time" plots the simulation time (the run phase of the slowest rank
 * without its report and spike-journal writing, which measure the file system) with the ideal
 * (strong: T_1 c_1 / c; weak: T_1) from the run with the fewest cores; "efficiency" plots
 * T_1 c_1 / (T c) (strong) or T_1 / T (weak) in percent. Marks are dots of class "point". */
#ifndef CZ_APP_PLOT_SCALING_H
#define CZ_APP_PLOT_SCALING_H

#include <stddef.h>
#include <stdio.h>

#include "base/status.h"

/* Draws the figure into fp; *marks is the number of runs drawn. */
cz_status cz_plot_scaling(const char *rows_path, const char *metric, FILE *fp, size_t *marks);

#endif
