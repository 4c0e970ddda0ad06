/* The LGN filter engine (FilterNet, BMTK 1.0.8 semantics; filternet-popnet-spec.md §2): every
 * node of the folder is an LGN unit whose rate follows from the movie through its filters, and
 * whose spikes are drawn from that rate.
 *
 * A run: (1) every rank reads every node's parameters in global order (node populations in
 * networks.nodes order, nodes in file order), making numpy's global draws (jitter, random
 * tuning angles) as BMTK makes them from --seed (default 1, the references' seed); (2) cell i
 * is built on rank i mod R, and the movie is played once, frame by frame, each frame dotted
 * with every local unit's spatial kernel; (3) the linear responses (a causal convolution with
 * the temporal kernel) give the rates on the configured time grid: the frames (separable) or
 * frame_times(t_min, t_max) every downsample-th (the default non-separable path), both
 * evaluated the separable way; (4) the seeds: every rank runs the global draws of all cells in
 * order, the rate traces of the cells that take BMTK's fallback (first rate <= 0) shared
 * between ranks first, because their draws move the global stream; (5) each rank draws its
 * cells' trains (the fast path's trains, each from its own seed, on the rank's threads); rank
 * 0 gathers rates and spikes and writes output.rates_csv, rates_h5 and the
 * spike files (sorted by node id and time). The files do not depend on the number of ranks. */
#ifndef CZ_FILTERNET_ENGINE_H
#define CZ_FILTERNET_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/engine.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_filternet cz_filternet;

extern const cz_engine_kind cz_filternet_engine_kind;

/* The folder's units, this rank's built on the movie and shared among nthreads threads; seed
 * seeds numpy's global generator. Collective. */
cz_status cz_filternet_create(const cz_config *cfg, const cz_circuit *c, uint64_t seed, int nthreads,
                              cz_filternet **out);
/* Plays the movie, computes rates and spikes. Collective. */
cz_status cz_filternet_run(cz_filternet *f);
/* Writes the rate and spike files (rank 0). Collective. */
cz_status cz_filternet_write(const cz_filternet *f);
void cz_filternet_destroy(cz_filternet **f);

typedef struct cz_filternet_counts {
  size_t cells, frames, times, spikes; /* spikes: this rank's */
} cz_filternet_counts;
cz_filternet_counts cz_filternet_get_counts(const cz_filternet *f);

#endif
