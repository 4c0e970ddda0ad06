/* The interface between the epoch loop (epoch.h) and an engine.
 *
 * An engine simulates the cells of one kind of network (point neurons, detailed cells,
 * filters, populations) and knows nothing of the loop around it; the loop knows nothing of
 * cells. As in Arbor's cell groups, the loop drives every engine through the same few calls
 * per epoch of min_delay steps:
 *   update   every thread advances its share of the cells through the epoch's steps,
 *            sampling its reports after each step, and lists the spikes of its cells;
 *   deliver  every thread delivers the epoch's spikes of the whole network that reach its
 *            cells, in the canonical order of core/spikes.h (this rank's, the other ranks',
 *            the virtual nodes' replayed inputs);
 *   epoch_end one thread writes what the reports completed (collective across ranks).
 * Between the phases the loop merges, records and exchanges the spikes (comm/): it asks the
 * engine only which ranks need the spikes of a cell. An engine without recurrent exchange
 * (FilterNet) has no send lists and delivers nothing; one without spikes (PopNet) lists none.
 *
 * Kind-level properties, which are needed before any cell is built (placement, `check`),
 * live in cz_engine_kind: the relative cost of a node for placement and the check of the
 * config (time grid, input and report blocks) the engine accepts. */
#ifndef CZ_CORE_ENGINE_H
#define CZ_CORE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "core/placement.h"
#include "core/rank_set.h"
#include "core/spikes.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_engine_kind {
  const char *name; /* "PointNet (NEST)", ... */
  /* What a node costs to simulate, for the placement (core/placement.h) to balance over
   * ranks: a cost per node and per afferent synapse. Borrowed, static. Thread-safe. */
  const cz_place_cost *(*place_cost)(void);
  /* CZ_OK when the engine can run cfg as it is: its time grid, and every enabled input and
   * report block one the engine runs; otherwise an error naming the key or block. Local. */
  cz_status (*check_config)(const cz_config *cfg);
  /* Optional (NULL: place_cost): a cost that depends on the folder's nodes, such as a detailed
   * cell's compartments; cfg and c borrowed while it lives. Owned (*out, free_place_cost).
   * Local; only rank 0 asks it for costs. */
  cz_status (*folder_place_cost)(const cz_config *cfg, const cz_circuit *c, cz_place_cost **out);
  void (*free_place_cost)(cz_place_cost **cost);
} cz_engine_kind;

typedef struct cz_engine_ops {
  /* Thread tid advances its cells through steps [t0, t1), appending their spikes to out
   * (cz_spike_list_emit; any order, the loop sorts). Called by every thread at once. */
  cz_status (*update)(void *impl, int tid, int64_t t0, int64_t t1, cz_spike_list *out);
  /* Thread tid delivers spikes[0, n) (sorted; steps < t1, each delivered once) to its cells,
   * adding the synaptic events it counted to *nevents. Called by every thread at once. */
  cz_status (*deliver)(void *impl, int tid, const cz_spike *spikes, size_t n, int64_t t1, uint64_t *nevents);
  /* Called by one thread once every thread has updated up to t1: writes the report blocks
   * that are complete (NULL: nothing to write). Collective. */
  cz_status (*epoch_end)(void *impl, int64_t t1);
  /* The ranks other than this one that need the spikes of local cell lid, as a view into the
   * engine's sets (core/rank_set.h; borrowed, valid while the engine lives). NULL: the spikes
   * stay on the rank. Thread-safe. */
  void (*send_ranks)(const void *impl, uint32_t lid, cz_rank_set *out);
} cz_engine_ops;

/* An engine instance as the loop sees it: borrowed pointers, valid while the engine lives. */
typedef struct cz_engine {
  const cz_engine_kind *kind;
  const cz_engine_ops *ops;
  void *impl;
  const cz_timegrid *tg; /* tg->min_delay is the epoch length, equal on every rank */
  const cz_gidmap *gm;
  int nthreads;          /* the loop runs exactly these many threads */
  int rank, nranks;
} cz_engine;

#endif
