/* `cadenza check CONFIG [--ranks N] [-o OUTPUT_DIR]`: validates a simulation folder without simulating, and
 * reports every error it can find rather than the first.
 *
 * The config must load (its own errors end the check). Then each part is checked on its own,
 * so one broken part does not hide the others: every nodes file; every model (template known,
 * dynamics_params valid for it); every edges file (ends, dtypes, edge types, synapse models,
 * weights and delays); every input (node set, spike file or clamp values, and the full
 * build when the network could be built); every report (keys, times, cells, variables); the
 * output folder policy. Prints the populations with node and edge counts, the models, the
 * minimum delay and an estimate of the memory per rank for N ranks. -o checks the output
 * policy against another folder, as `cadenza run -o` would use. */
#ifndef CZ_APP_CHECK_CMD_H
#define CZ_APP_CHECK_CMD_H

/* argv[0] is "check". Returns the exit code: 0 no error found, 2 errors found (each printed as
 * one "error:" line), 1 internal failure. */
int cz_app_check_main(int argc, char **argv);

#include <stddef.h>

#include "base/status.h"

/* For the engines' checks: prints a failure as one "error:" line and clears it. Returns 1 for
 * a failure, 0 for CZ_OK. */
size_t cz_check_note(cz_status st);

#endif
