/* Membrane reports: sampling neuron state during the run (reports.<name> with module
 * membrane_report, multimeter_report or multimeter, as PointNet reads them).
 *
 * Config: cells (node set, required), variable_name (a NEST recordable of every recorded
 * cell's model, or a list of them), file_name (default "<name>.h5"; relative names go under
 * output_dir), tstart, tstop and interval in ms (defaults 0, the run's tstop and dt; each a
 * multiple of dt). enabled false skips the block. sections, dt, start_time and end_time are
 * ignored, as PointNet ignores them. A list of variables gives one file per variable:
 * file_name for the first, "<stem>_<variable>.h5" for the others. Virtual nodes in the
 * node set are not recorded.
 *
 * Sampling follows NEST's multimeter: the sample stamped t = k * interval is the state at the
 * end of the step that ends at t, for tstart < t <= tstop. The rows are the samples BMTK gets:
 * NEST never fetches those of the run's last min_delay slice (recorder.c), and mapping/time
 * is [first row, last row, interval] (io/report_out.h for the file). Columns are the recorded
 * nodes of each population in ascending node id. A node set that selects no (non-virtual)
 * node, or names node ids that are not nodes, is an error.
 *
 * Each rank samples its own neurons, each thread the ones it updates, into its own columns of
 * the rank's buffer, so sampling takes no lock and gives the same numbers for any thread or
 * rank count. The buffer holds one block of rows (run.nsteps_block steps of the run, 5000
 * when absent, but at least 100 ms of model time and at most 64 MiB of samples over all
 * columns) plus an epoch's worth; when a block is full, the ranks send it to rank 0 (one
 * gather) at the end of an epoch, which writes and commits it, so memory stays bounded and a
 * killed run keeps every completed block. */
#ifndef CZ_POINTNET_RECORDER_H
#define CZ_POINTNET_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "pointnet/network.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_recorder cz_recorder;

/* Resolves the report blocks of cfg against the circuit and this rank's part of the network
 * (placement: where each neuron lives). Errors name the config file and the key. No I/O. Owned
 * (*out; with no enabled membrane report it is an empty recorder). Local. */
cz_status cz_recorder_create(const cz_config *cfg, const cz_circuit *c, const cz_network *net,
                             const cz_placement *placement, cz_recorder **out);
/* Checks the report blocks of cfg against the circuit without a network (`cadenza check`):
 * keys, times, file names, node sets and variables. Local. */
cz_status cz_recorder_check(const cz_config *cfg, const cz_circuit *c);
/* Number of report files. */
size_t cz_recorder_nfiles(const cz_recorder *r);
/* Fixes the rows (NEST's window needs the whole network's delays) and creates the report
 * files (after the output folder exists); errors name the config's report block. Collective. */
cz_status cz_recorder_open(cz_recorder *r);
/* Gives each thread its neurons: owner[nid] is the thread that updates nid. Local. */
cz_status cz_recorder_bind(cz_recorder *r, const uint16_t *owner, int nthreads);
/* Called by thread tid right after it updated its neurons for step u. */
void cz_recorder_sample(cz_recorder *r, int tid, int64_t u);
/* Called by one thread after the updates of steps < t1 (every thread past a barrier):
 * writes and commits the buffered rows when a block is full or the run ends at t1.
 * Collective. */
cz_status cz_recorder_epoch_end(cz_recorder *r, int64_t t1);
/* Closes the files; complete renames them into place. Always frees. Collective. */
cz_status cz_recorder_close(cz_recorder **r, bool complete);

#endif
