/* Membrane reports of the detailed cells (bionet-spec.md §7.2; module membrane_report), and
 * synapse reports (module netcon_report, reports-spec.md §3): the same layout and rows with the
 * synapses as elements (see cz_bio_reports_bind_synapses).
 *
 * Config: cells (a node set; only its biophysical cells are recorded: a report that selects
 * none is written with no cell, and warned about), variable_name (a variable, or a list: one
 * file per variable, file_name for the first and "<stem>_<variable>.h5" for the others, where
 * BMTK writes one file of the last variable under the first one's name; logged),
 * sections (which points of each cell: bionet/report_elements.h, "all" by default),
 * file_name (default "<name>.h5" under output_dir), dt, start_time and end_time
 * (reports-spec §2). Anything else is refused naming the key and the config file. Columns are
 * the recorded cells of each population in ascending node id, each cell's elements in its
 * section order.
 *
 * Rows. Row r holds the values after step first + r * every, that is at t = (step + 1) dt,
 * while mapping/time says [start_time, end_time, dt] (BMTK's convention).
 *
 * Layout. A cell's elements are known only where it is built, so each rank sends its cells'
 * (element id, position) lists to rank 0, which orders them and sends the whole table to every
 * rank before the file is created; every rank then knows each population's index pointer and
 * writes its own columns.
 *
 * Each thread samples its own cells after each of its steps into its columns of the rank's
 * buffer, so sampling takes no lock and the numbers are those of any other decomposition.
 * The buffer holds a block of rows (run.nsteps_block, 5000 when absent, at most 64 MiB over
 * all columns of all ranks) and an epoch more; at the first epoch end where a block is full,
 * and at the end of the run, every rank writes its columns of the buffered rows (collective
 * parallel HDF5, io/report_out.h) and the rows are committed, so a killed run keeps its
 * completed blocks. */
#ifndef CZ_BIONET_REPORTS_H
#define CZ_BIONET_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cells.h"
#include "bionet/connect.h"
#include "bionet/step.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bio_reports cz_bio_reports;

/* Resolves the enabled membrane_report blocks of cfg against the circuit (is_cell[gid]: the
 * gid is a detailed cell; pop_offset [npops + 1]). No I/O. Owned (*out; with no report it is
 * empty). Local. */
cz_status cz_bio_reports_create(const cz_config *cfg, const cz_circuit *c, const size_t *pop_offset,
                                const uint8_t *is_cell, int nthreads, cz_bio_reports **out);
/* Checks the report blocks of cfg (module, variable, sections, file name) without cells
 * (`cadenza check`). Local. */
cz_status cz_bio_reports_check(const cz_config *cfg);
/* Says that thread tid simulates gid as its cell `cell` of g (after g is finished): the
 * recorded columns of gid read their values from g. Local; before cz_bio_reports_open. */
cz_status cz_bio_reports_bind(cz_bio_reports *r, size_t gid, int tid, const cz_bio_cells *g, size_t cell);
/* The synapse reports' elements of cell `cell` of th (gid; bmtk_gid, BMTK's id of it): its
 * NetCons in the order they were made (nc), those onto synapses of the report's syn_type;
 * source_id(ctx, gid) gives a source's BMTK gid, or -1 for a virtual one. Local; before
 * cz_bio_reports_open. */
cz_status cz_bio_reports_bind_synapses(cz_bio_reports *r, size_t gid, int64_t bmtk_gid, int tid,
                                       const cz_bio_thread *th, size_t cell, const cz_bio_netcons *nc,
                                       int64_t (*source_id)(const void *ctx, uint64_t gid), const void *ctx);
/* Whether a synapse report reads an Exp2Syn's g or i, which its step then keeps
 * (cz_exp2syn.keep_gi). */
bool cz_bio_reports_read_synapse_currents(const cz_bio_reports *r);
/* Creates the files (after the output folder exists) for a run on tg with epochs of
 * tg->min_delay steps. mpi_comm: the communicator (cz_comm_native) or NULL. Collective. */
cz_status cz_bio_reports_open(cz_bio_reports *r, const cz_timegrid *tg, const void *mpi_comm, bool leader);
/* Thread tid's cells after step u. */
void cz_bio_reports_sample(cz_bio_reports *r, int tid, int64_t u);
/* After the steps before t1 on every thread: writes the buffered rows when a block is full or
 * the run ends at t1. Collective. */
cz_status cz_bio_reports_epoch_end(cz_bio_reports *r, int64_t t1);
/* Closes the files; complete renames them into place. Always frees. Collective. */
cz_status cz_bio_reports_close(cz_bio_reports **r, bool complete);

#endif
