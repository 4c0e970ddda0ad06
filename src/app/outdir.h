/* The output folder: what a run writes there and when it may replace what is there.
 *
 * Policy (safer than BMTK's rmtree): the folder is created when missing. When it exists,
 * files Cadenza would write (spike files, log, config copy) are replaced only if
 * output.overwrite_output_dir is true; otherwise their presence is an error (exit 3) and
 * nothing is written. Nothing else in the folder is ever deleted. */
#ifndef CZ_APP_OUTDIR_H
#define CZ_APP_OUTDIR_H

#include "base/status.h"
#include "io/config.h"

/* Checks the folder against the policy without changing anything. */
cz_status cz_outdir_check(const cz_config *cfg);
/* Creates the folder (and parents) and its marker file. */
cz_status cz_outdir_prepare(const cz_config *cfg);
/* Writes the resolved config (without manifest) as output_dir/<config file name>. */
cz_status cz_outdir_write_config(const cz_config *cfg);

#endif
