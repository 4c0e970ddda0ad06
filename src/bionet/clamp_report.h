/* Clamp reports (module clamp_report; reports-spec.md §5): the current of every clamp of one
 * kind after each step, one column per clamp, in BMTK's plain layout (/data float64
 * [steps, clamps], io/matrix_out.h).
 *
 * variable_name: "se", every SEClamp's i = (vc - v)/rs with v after the step and vc the level
 * of the step's middle, 0 once its last level has ended (columns: SEClamp inputs in config
 * order, each one's cells in gid order); "ic", every step IClamp's current, amp while on at
 * the step's middle (IClamp inputs in order, their cells in gid order, each cell's steps in
 * turn); "f_ic", the clamps played from tables the same way. BMTK 1.0.8 writes "ic" and "f_ic"
 * as empty matrices; Cadenza records them, and says so in the log. file_name (default
 * "<block>.h5" under output_dir). cells is not used (BMTK records every clamp of the kind).
 * Any other variable is refused naming the block. Each rank writes its clamps' columns;
 * rows are buffered and written in blocks at epoch ends, as the membrane reports are. */
#ifndef CZ_BIONET_CLAMP_REPORT_H
#define CZ_BIONET_CLAMP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/step.h"
#include "core/timegrid.h"
#include "io/config.h"

typedef struct cz_bio_clamp_reports cz_bio_clamp_reports;

/* Checks the clamp_report blocks of cfg. Local. */
cz_status cz_bio_clamp_reports_check(const cz_config *cfg);
/* The enabled clamp_report blocks (empty without any). Owned (*out). Local. */
cz_status cz_bio_clamp_reports_create(const cz_config *cfg, int nthreads, cz_bio_clamp_reports **out);
/* The clamps of thread tid (after its build). Local. */
cz_status cz_bio_clamp_reports_bind(cz_bio_clamp_reports *r, int tid, const cz_bio_thread *th);
/* Agrees on the column counts and creates the files. Collective. */
cz_status cz_bio_clamp_reports_open(cz_bio_clamp_reports *r, const cz_timegrid *tg, const void *mpi_comm, bool leader);
/* Thread tid after step u (th->t the step's end). */
void cz_bio_clamp_reports_sample(cz_bio_clamp_reports *r, int tid, int64_t u);
/* Writes the buffered rows when a block is full or the run ends at t1. Collective. */
cz_status cz_bio_clamp_reports_epoch_end(cz_bio_clamp_reports *r, int64_t t1);
/* Closes the files; complete renames them into place. Always frees. Collective. */
cz_status cz_bio_clamp_reports_close(cz_bio_clamp_reports **r, bool complete);

#endif
