/* The point engine (PointNet, NEST semantics) behind the epoch loop's interface (core/engine.h).
 *
 * update: each thread runs disjoint slices of every model group, step by step: the current
 * clamps' changes and the Poisson drive's spikes of the step first, then the group kernels,
 * which read and clear the ring-buffer row of the step; neurons that fire are listed (offset
 * 0: the point engine is on the grid), archived for stdp synapses onto them, and the membrane
 * reports are sampled (pointnet/recorder.h).
 * deliver: every thread walks the whole epoch list; the static synapses onto its own neurons
 * reach slot (u + delay) of the ring as arrivals, the next epoch's rows filled one at a time
 * (pointnet/arrivals.h); per target the additions come in (step, gid, edge) order, so the
 * floating-point sums are the same for any thread count, rank count and partitioner. Plastic
 * synapses add their weights into slot (u + delay) at once, updating their state as the spike
 * passes (pointnet/models/synapse.h), and weight_recorder events are listed per thread.
 * epoch_end: the membrane reports write their complete blocks.
 * Ring buffers hold the rows inputs are written into ahead of their step: at most min_delay
 * ahead for static synapses, up to their delays for the Poisson drive and the plastic synapses,
 * which write when their spikes are drawn or delivered. */
#ifndef CZ_POINTNET_ENGINE_H
#define CZ_POINTNET_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/engine.h"
#include "core/stimulus/current_clamp.h"
#include "pointnet/network.h"
#include "pointnet/poisson_drive.h"
#include "pointnet/recorder.h"

typedef struct cz_point_engine cz_point_engine;

/* What the point engine is, before any network exists. */
extern const cz_engine_kind cz_point_engine_kind;

/* The engine over net (borrowed, completed by cz_net_connect), with the current clamps cl and
 * the Poisson drive pd (borrowed; pd may be NULL) and the membrane reports rec (borrowed, may
 * be NULL). *view (valid while *out lives) is what the epoch loop drives. Owned (*out).
 * Local. */
cz_status cz_point_engine_create(cz_network *net, const cz_clamps *cl, const cz_poisson_drive *pd, cz_recorder *rec,
                                 cz_point_engine **out, cz_engine *view);
void cz_point_engine_destroy(cz_point_engine **e);

/* The weight_recorder events of all threads (CZ_WEV_WORDS words each, any order: they are
 * sorted when written). Owned (*ev). Local. */
cz_status cz_point_engine_weight_events(const cz_point_engine *e, int64_t **ev, size_t *nev);

#endif
