/* Spike inputs: the spike trains that drive virtual nodes, turned into emission steps.
 *
 * A spike at time t (ms) of a virtual node becomes a spike emitted in update u = S - 1, where
 * the stamp S follows NEST's spike_generator as BMTK configures it (sonata-spec 3.6); a
 * time t <= 0 is an error in every mode:
 *  - precise_times true (BMTK's default): S = the smallest integer s with s*h >= t;
 *  - precise_times false: t is rounded to the nearest tic and must lie on the step grid
 *    (S = t/h), unless allow_offgrid_spikes, which takes the nearest step when within half a
 *    tic and rounds up otherwise.
 * Stamps S < 1 (emitted before the start) and S > nsteps are dropped. */
#ifndef CZ_CORE_STIMULUS_SPIKE_TRAIN_H
#define CZ_CORE_STIMULUS_SPIKE_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/spike_input.h"

/* Virtual spikes sorted by (step, gid). */
typedef struct cz_vspikes {
  size_t n;
  int64_t *step; /* update index in which the spike is emitted */
  uint32_t *gid;
} cz_vspikes;

/* Whether an input block is a spike input: input_type "spikes", or module ecephys_probe
 * (core/stimulus/ecephys.h; dispatched on the module whatever its input_type, as BMTK does). */
int cz_input_is_spikes(const cz_cfg_block *b);

/* Reads every enabled spike input of cfg. Owned (out->arrays; cz_vspikes_free). */
cz_status cz_vspikes_build(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const cz_timegrid *tg,
                           cz_vspikes *out);

/* The spikes of population pop from a spike input block's input_file (with its NWB "trial",
 * which must be a string when given); for ecephys_probe, the trains its units give every node
 * of pop (none when the block does not drive pop), read against circuit c. Owned (*out). */
cz_status cz_input_read_spikes(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const char *pop,
                               cz_spike_trains **out);
void cz_vspikes_free(cz_vspikes *v);

/* Stamp of a spike at t_ms under the rules above; false when the time is invalid (the error
 * is then set, naming what). Exposed for tests. */
cz_status cz_spike_stamp(double t_ms, int64_t tics_per_step, int precise_times, int allow_offgrid, int64_t *stamp);

#endif
