/* The detailed-cell engine (BioNet, NEURON's numerics) behind the epoch loop's interface
 * (core/engine.h).
 *
 * Setup. Every node this rank simulates (core/placement.h: biophysical cells and nrn:IntFire1
 * cells; virtual nodes are simulated nowhere) gets a local id in gid order, and thread
 * lid % nthreads owns it whole: its cable, mechanisms, synapses, clamps and events
 * (bionet/step.h). The edges onto the rank's cells become synapses and NetCons of the
 * thread that owns the target; the spike inputs are queued as events at the start, on every
 * rank for its own targets, so virtual spikes never travel.
 *
 * Epochs. Every spike of a simulated cell travels through the loop, even to a target on its
 * own thread: update lists it (the exact time as a stamp and an offset, core/timegrid.h), and
 * deliver turns the whole epoch's list, in the canonical order, into NetCon events on every
 * thread. A spike of time t reaches its target at the step whose start is nearest t + delay
 * (bionet-spec.md §3.9), at least d_min - 1.5 dt after its own step for the shortest delay
 * d_min between simulated cells; epochs of floor(d_min / dt) - 1 steps (at most 10 ms, as
 * BMTK's maxstep) therefore queue every event before its step, and a thread's queue receives
 * the same events in the same order whatever the ranks, threads and placement: the spikes are
 * the same bit for bit. A network whose d_min is under two steps is refused.
 *
 * Send sets: every other rank (NEURON's all-gather exchange); spikes of detailed cells are
 * few next to the work of their compartments. */
#ifndef CZ_BIONET_ENGINE_H
#define CZ_BIONET_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/run_config.h"
#include "core/engine.h"
#include "core/gidmap.h"
#include "core/placement.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bionet_engine cz_bionet_engine;

/* What the detailed-cell engine is, before any cell exists. */
extern const cz_engine_kind cz_bionet_engine_kind;

typedef struct cz_bionet_options {
  int nthreads;
  cz_bio_units_choice units; /* the command line's choice of NEURON's unit constants */
} cz_bionet_options;

/* Sizes of this rank's share. */
typedef struct cz_bionet_counts {
  uint64_t cells, artificial, compartments, synapses, netcons;
  uint64_t cohort_cells;  /* the detailed cells in cohorts (cz_cable_interleave) */
  uint64_t cell_bytes;    /* the detailed cells' state: cable, ions, mechanisms, maps, i_m */
  uint64_t synapse_bytes; /* synapses, gap junction ends, NetCons and their order */
} cz_bionet_counts;

/* Builds this rank's cells of c (nodes loaded; its edges are loaded here, the rank's targets
 * only) as placement pl says, for cfg. *view (valid while *out lives) is what the epoch loop
 * drives. Owned (*out). Collective (the epoch length is agreed). */
cz_status cz_bionet_engine_create(const cz_config *cfg, cz_circuit *c, const cz_placement *pl,
                                  const cz_bionet_options *o, cz_bionet_engine **out, cz_engine *view);
void cz_bionet_engine_destroy(cz_bionet_engine **e);

/* The run's time grid and gid map (borrowed, valid while e lives). */
const cz_timegrid *cz_bionet_engine_grid(const cz_bionet_engine *e);
const cz_gidmap *cz_bionet_engine_gidmap(const cz_bionet_engine *e);
cz_bionet_counts cz_bionet_engine_counts(const cz_bionet_engine *e);
/* Seconds a worker thread spent in each part of the steps so far (bionet/step.h's
 * CZ_BIO_SPENT_*), the mean over this rank's workers. Local. */
void cz_bionet_engine_spent(const cz_bionet_engine *e, double out[3]);
/* The same of worker w alone (0 <= w < the threads the engine was created for). Local. */
void cz_bionet_engine_worker_spent(const cz_bionet_engine *e, int w, double out[3]);

/* Creates the report files (after the output folder exists). Collective. */
cz_status cz_bionet_engine_open_reports(cz_bionet_engine *e);
/* Closes them; complete renames them into place. Collective. */
cz_status cz_bionet_engine_close_reports(cz_bionet_engine *e, bool complete);

#endif
