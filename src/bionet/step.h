/* One thread's share of a BioNet run and its fixed step (bionet-spec.md §3.3, §3.8, §3.9):
 * the thread's detailed cells (one cable), their Exp2Syn and ExpSyn synapses, its IntFire1 artificial
 * cells, the ends of gap junctions on its cells, the current and voltage clamps, and the queue
 * of events that reach them.
 *
 * A step from the accumulated time t_n: (1) spike detection at every soma with v_n; (2) the
 * events with T <= t_n + dt/2 delivered in time order, each at its own time T (an Exp2Syn adds
 * its weight; an IntFire1 integrates, may spike at T and then queues the end of its
 * refractoriness); (3) t += dt/2; the currents of the mechanisms, synapses and clamps (clamps at
 * this mid-step time), the solve, (4) t += dt/2 and the states, (5) the events with T <= t_{n+1}
 * (NEURON delivers at the end of the step what arrives by then, so that the states recorded at
 * t_{n+1} hold them; for every target this is the same as delivering them at the next step's
 * start). Spikes leave through a callback with their exact time: the engine turns them into
 * NetCon events and records. */
#ifndef CZ_BIONET_STEP_H
#define CZ_BIONET_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cells.h"
#include "bionet/events.h"
#include "bionet/exp2syn.h"
#include "bionet/expsyn.h"
#include "bionet/gap.h"
#include "bionet/intfire1.h"
#include "bionet/mechanisms/iclamp.h"
#include "bionet/mechanisms/seclamp.h"

/* What an event's target is: the top two bits of cz_bio_event.target, the index below. */
enum { CZ_EV_SYNAPSE = 0, CZ_EV_ARTIFICIAL = 1, CZ_EV_ARTIFICIAL_SELF = 2, CZ_EV_EXPSYN = 3 };
#define CZ_EV_INDEX_MASK 0x3fffffffu
static inline uint32_t cz_ev_target(uint32_t kind, uint32_t index) { return kind << 30 | index; }

/* Where a step's time goes: the channels' currents and states; the synapses, clamps and events;
 * the matrix assembly and the Hines solve (with the membrane current when asked). */
enum { CZ_BIO_SPENT_CHANNELS = 0, CZ_BIO_SPENT_SYNAPSES = 1, CZ_BIO_SPENT_SOLVE = 2 };

/* Who spiked: a detailed cell (its index in cells) or an artificial one (index in art). */
enum { CZ_SPIKER_CELL = 0, CZ_SPIKER_ARTIFICIAL = 1 };
typedef cz_status (*cz_bio_spike_fn)(void *ctx, int spiker, size_t index, double t);

typedef struct cz_bio_thread {
  cz_bio_cells cells;
  cz_exp2syn syn;
  cz_expsyn esyn;
  cz_gap gap;      /* the ends of gap junctions on its cells */
  cz_intfire1 art;
  cz_iclamp *iclamp;
  size_t niclamp, cap_iclamp;
  double **played; /* [nplay] the amplitude vectors the played clamps borrow (owned) */
  size_t nplay, cap_played;
  cz_seclamp *seclamp;
  size_t nseclamp, cap_seclamp;
  cz_bio_queue queue;
  cz_mech_env env;
  double t;         /* the accumulated time of the next step's start */
  uint64_t delivered; /* events delivered to synapses and artificial cells so far */
  double threshold; /* mV, of every soma's detector */
  double *i_m;      /* [cells.cable.n] each node's membrane current after the last step (nA), when asked */
  double *sav_rhs, *sav_d; /* [cells.cable.n] the membrane's own share of rhs and d, for i_m */
  double seconds[3];       /* wall time in the steps by part (CZ_BIO_SPENT_*) */
} cz_bio_thread;

/* An empty thread at time 0 (env: dt, celsius, units). Owned (cz_bio_thread_free). Local. */
cz_status cz_bio_thread_begin(cz_bio_thread *th, const cz_mech_env *env, double threshold);
cz_status cz_bio_thread_add_iclamp(cz_bio_thread *th, cz_iclamp c);
cz_status cz_bio_thread_add_seclamp(cz_bio_thread *th, cz_seclamp c);
/* NEURON's finitialize once everything is added: mechanisms and synapses initialised. First
 * the cells of one shape are put side by side (cz_bio_cells_interleave): a node number taken
 * before is stale after; the maps and soma[] have the new ones. Local. */
cz_status cz_bio_thread_init(cz_bio_thread *th);
/* Asks every later step to leave each node's membrane current in th->i_m (after init). Local. */
cz_status cz_bio_thread_want_membrane_current(cz_bio_thread *th);
void cz_bio_thread_free(cz_bio_thread *th);

/* One step (see above); spikes go to emit. Local. */
cz_status cz_bio_thread_step(cz_bio_thread *th, cz_bio_spike_fn emit, void *ctx);

#endif
