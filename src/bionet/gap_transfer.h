/* The voltage transfer of gap junctions (bionet/gap.h): after initialisation and after every
 * step, each end's vgap becomes the voltage of its partner's node. Threads own whole cells and
 * ranks own whole threads, so a partner is on this thread, on another thread of this rank, or
 * on another rank; the engine calls the transfer between steps (the loop's epoch end, epochs
 * of one step when any junction exists), when no thread is updating.
 *
 * Setup (local): every end of the rank is listed by its slot; an end whose partner slot is
 * among them reads the partner's node directly; the others are remote, their partner's rank
 * known from the placement. Each rank then sends, to the rank of each remote partner, (slot,
 * v) records of its own ends, in slot order, through comm's all-to-all; a record received
 * updates the end whose partner slot it names. Nothing depends on threads or ranks but which
 * copy is read, so the voltages, and the runs, are the same for every decomposition. */
#ifndef CZ_BIONET_GAP_TRANSFER_H
#define CZ_BIONET_GAP_TRANSFER_H

#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"
#include "bionet/gap.h"
#include "bionet/gap_table.h"
#include "core/placement_map.h"

typedef struct cz_bio_gap_transfer cz_bio_gap_transfer;

/* The transfer of the ends gaps[t] on the nodes of cables[t], t < nthreads (borrowed: they
 * must outlive it), this being rank `rank` of nranks under placement pl (NULL with one rank).
 * A slot held twice (two gap edges between one pair of nodes: BMTK would publish two voltages
 * under one id) is CZ_ERR_FORMAT naming the junction's file and row (table). *out is NULL
 * when no rank has a junction, so that a run without them exchanges nothing. Collective. */
cz_status cz_bio_gap_transfer_create(cz_gap *const *gaps, const cz_cable *const *cables, int nthreads,
                                     const cz_placement *pl, int rank, int nranks, const cz_bio_gap_table *table,
                                     cz_bio_gap_transfer **out);
/* Every end's vgap from its partner's node now. Collective (when nranks > 1); master thread. */
cz_status cz_bio_gap_transfer_run(cz_bio_gap_transfer *x);
void cz_bio_gap_transfer_free(cz_bio_gap_transfer **x);

#endif
