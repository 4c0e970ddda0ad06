/* `cadenza run CONFIG`: load, validate, build, simulate, write. Input problems are all found
 * before the output folder is touched, so a failed run leaves no output behind. */
#ifndef CZ_APP_RUN_H
#define CZ_APP_RUN_H

#include "base/status.h"
#include "io/config.h"
#include "partition/partition.h"

typedef struct cz_run_options {
  const char *config_path;
  cz_cfg_overrides ov;
  int threads;          /* 0: OMP_NUM_THREADS, else run.n_thread, else 1 */
  long long seed;       /* seed of the Poisson inputs without one of their own; -1 when not given */
  int progress;         /* 0 no progress lines, 1 unless quiet_simulator says no, 2 always */
  int verbose;          /* 1: the full timer table at the end of the run */
  int quiet;            /* 1: console shows warnings and errors only, whatever output.log_level says */
  int log_all_ranks;    /* 1: ranks other than 0 log to files of their own (never to the console) */
  int nrn_units;        /* detailed cells' unit constants: 0 as run.nrn_units says, 1 modern, 2 legacy */
  cz_partition_method partition; /* how neurons are placed on ranks */
  const char *partition_file;    /* a precomputed placement to use instead, or NULL */
} cz_run_options;

cz_status cz_app_run(const cz_run_options *opt);

#endif
