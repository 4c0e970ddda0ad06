/* The spike journal: the spikes of a run that has not finished yet, kept safe on disk.
 *
 * The spikes file is written once, sorted as configured, when the run ends. So that a run that
 * is killed (a SLURM time limit, a node failure) still leaves its spikes behind, every block
 * of run.nsteps_block steps (5000 when absent; at least 100 ms of model time) the spikes of the
 * block are gathered on rank 0 and written as a SONATA spikes file sorted by time into the
 * folder "<spikes_file>.blocks", named block_<k>_<from>-<to>ms.h5 for the spikes in
 * (from, to]. Each file is written under a temporary name and renamed once complete, so the
 * folder only ever holds complete blocks, and they cover (0, to] of the last one without a
 * gap. When the final spikes file is in place the folder is removed. */
#ifndef CZ_APP_SPIKE_JOURNAL_H
#define CZ_APP_SPIKE_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "core/epoch.h"
#include "core/gidmap.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_spike_journal cz_spike_journal;

/* Creates the journal folder (rank 0; block files of an earlier run in it are removed) when
 * cfg writes a spikes file; *out is NULL otherwise. tg, gm, c: borrowed, for the life of the
 * journal. Collective. */
cz_status cz_journal_open(const cz_config *cfg, const cz_timegrid *tg, const cz_gidmap *gm, const cz_circuit *c,
                          cz_spike_journal **out);
/* The block hook of the time loop (cz_epoch_block.fn): writes the spikes recorded since the
 * last block, up to step t1. Collective. */
cz_status cz_journal_block(void *journal, int64_t t1, const cz_epoch_result *sofar);
/* Steps per block: run.nsteps_block (5000 when absent), but at least 100 ms of model time. */
int64_t cz_journal_block_steps(const cz_config *cfg);
/* Frees the journal; with remove, rank 0 deletes its files and folder. Collective. */
cz_status cz_journal_close(cz_spike_journal **j, bool remove);

#endif
